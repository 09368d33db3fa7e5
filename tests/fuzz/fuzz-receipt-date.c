/* fuzz-receipt-date.c — when a message was received, by its headers
 *
 * The input is a header value first: qd_mail_parse_received() reads it as
 * a Received header. Then the whole input is parsed as a message and its
 * receipt date taken from its topmost Received header or its Date header;
 * and, so that the header parser is not always in the way, once more with
 * the input as the value of a Received and a Date header of a small
 * message.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "qd-mail.h"

static void
receipt_date_of (const char *text,
                 gsize       length)
{
  g_autoptr(GMimeMessage) message = qd_mail_parse ((const guint8 *)text, length);
  g_autoptr(GDateTime) date = NULL;
  QdDateSource source;

  if (message == NULL)
    return;
  date = qd_mail_get_receipt_date (message, &source);
  g_assert ((date == NULL) == (source == QD_DATE_SOURCE_NONE));
  if (date != NULL)
    {
      g_autofree char *iso = g_date_time_format_iso8601 (date);

      g_assert (iso != NULL);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  /* Header values are NUL-terminated strings once GMime has them. */
  g_autofree char *value = g_strndup ((const char *)data, size);
  g_autoptr(GDateTime) received = qd_mail_parse_received (value);
  g_autofree char *wrapped = NULL;

  if (received != NULL)
    g_assert (g_date_time_get_year (received) >= 1);
  receipt_date_of ((const char *)data, size);

  wrapped = g_strdup_printf ("Received: from mx.example.net by mx.example.com; %s\r\n"
                             "Date: %s\r\n"
                             "From: a@example.net\r\n\r\nbody\r\n", value, value);
  receipt_date_of (wrapped, strlen (wrapped));
  return 0;
}
