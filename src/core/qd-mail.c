/* qd-mail.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "qd-mail.h"

void
qd_mail_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      g_mime_init ();
      g_once_init_leave (&initialized, 1);
    }
}

/**
 * qd_mail_parse_received:
 * @value: the value of one Received header
 *
 * The date of a Received header is what follows its last semicolon
 * (RFC 5322 §3.6.7).
 */
GDateTime *
qd_mail_parse_received (const char *value)
{
  const char *semicolon;

  if (value == NULL)
    return NULL;
  semicolon = strrchr (value, ';');
  if (semicolon == NULL)
    return NULL;
  return g_mime_utils_header_decode_date (semicolon + 1);
}

/**
 * qd_mail_get_receipt_date:
 * @source: (out) (optional): which header the date came from
 *
 * When the message reached its recipient: the date of the topmost
 * Received header, written by the recipient's own server; failing that,
 * the Date header, which only says when the sender wrote it.
 */
GDateTime *
qd_mail_get_receipt_date (GMimeMessage *message,
                          QdDateSource *source)
{
  GMimeHeaderList *headers;
  GDateTime *date;
  int count;

  g_return_val_if_fail (GMIME_IS_MESSAGE (message), NULL);

  if (source != NULL)
    *source = QD_DATE_SOURCE_NONE;

  headers = g_mime_object_get_header_list (GMIME_OBJECT (message));
  count = g_mime_header_list_get_count (headers);
  for (int i = 0; i < count; i++)
    {
      GMimeHeader *header = g_mime_header_list_get_header_at (headers, i);

      if (g_ascii_strcasecmp (g_mime_header_get_name (header), "Received") != 0)
        continue;
      /* Only the topmost one counts: a later hop's date is not the receipt. */
      date = qd_mail_parse_received (g_mime_header_get_value (header));
      if (date != NULL)
        {
          if (source != NULL)
            *source = QD_DATE_SOURCE_RECEIVED;
          return date;
        }
      break;
    }

  date = g_mime_message_get_date (message);
  if (date != NULL)
    {
      if (source != NULL)
        *source = QD_DATE_SOURCE_DATE;
      return g_date_time_ref (date);
    }
  return NULL;
}

GMimeMessage *
qd_mail_parse (const guint8 *data,
               gsize         length)
{
  g_autoptr(GMimeStream) stream = NULL;
  g_autoptr(GMimeParser) parser = NULL;

  qd_mail_init ();
  stream = g_mime_stream_mem_new_with_buffer ((const char *)data, length);
  parser = g_mime_parser_new_with_stream (stream);
  g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
  return g_mime_parser_construct_message (parser, NULL);
}

/**
 * qd_mail_sample_digest:
 *
 * The SHA-256 that identifies a sample wherever it travels: line endings
 * become LF and trailing empty lines are dropped first, since SMTP turns
 * LF into CRLF and wrappers may add a final newline.
 */
char *
qd_mail_sample_digest (const guint8 *data,
                       gsize         length)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize end = length;
  gsize start = 0;

  while (end > 0 && (data[end - 1] == '\n' || data[end - 1] == '\r'))
    end--;

  for (gsize i = 0; i < end; i++)
    {
      if (data[i] == '\r' && i + 1 < end && data[i + 1] == '\n')
        {
          if (i > start)
            g_checksum_update (checksum, data + start, i - start);
          start = i + 1;
        }
    }
  if (end > start)
    g_checksum_update (checksum, data + start, end - start);

  return g_strdup (g_checksum_get_string (checksum));
}

/**
 * qd_mail_get_header_text:
 *
 * A header decoded to UTF-8 (RFC 2047), unfolded, or %NULL when absent.
 */
char *
qd_mail_get_header_text (GMimeObject *object,
                         const char  *name)
{
  const char *raw = g_mime_object_get_header (object, name);
  g_autofree char *decoded = NULL;

  if (raw == NULL)
    return NULL;
  decoded = g_mime_utils_header_decode_text (NULL, raw);
  return g_strstrip (g_mime_utils_header_unfold (decoded));
}
