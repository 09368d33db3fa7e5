/* fuzz-imap-utf7.c — mailbox names from the server, in modified UTF-7
 *
 * The input is a name as a server may send it: decoding never crashes,
 * and what decodes encodes to a name that decodes to the same text.  The
 * input is also taken as UTF-8: when valid, it round-trips.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "qd-imap-utf7.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *decoded = qd_imap_utf7_decode ((const char *)data, size);
  g_autofree char *text = g_strndup ((const char *)data, size);

  if (decoded != NULL)
    {
      g_autofree char *wire = qd_imap_utf7_encode (decoded);
      g_autofree char *again = NULL;

      g_assert (g_utf8_validate (decoded, -1, NULL));
      g_assert (wire != NULL);
      again = qd_imap_utf7_decode (wire, strlen (wire));
      g_assert (again != NULL && strcmp (again, decoded) == 0);
    }
  if (strlen (text) == size && g_utf8_validate (text, -1, NULL))
    {
      g_autofree char *wire = qd_imap_utf7_encode (text);
      g_autofree char *back = NULL;

      g_assert (wire != NULL);
      back = qd_imap_utf7_decode (wire, strlen (wire));
      g_assert (back != NULL && strcmp (back, text) == 0);
    }
  return 0;
}
