/* qd-imap-utf7.c — IMAP mailbox names to and from modified UTF-7 (RFC 3501 §5.1.3)
 *
 * Neither libetpan nor iconv serves here: libetpan's charconv() is iconv,
 * whose "UTF-7" is RFC 2152's (“+” as the shift, “/” in the alphabet), and
 * libetpan passes mailbox names through as bytes.  GLib's base64 has the
 * standard alphabet only and wants padding, so the few lines are ours.
 * Pure functions: no I/O, no state.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "qd-imap-utf7.h"

static const char alphabet[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

static int
alphabet_value (char c)
{
  const char *p;

  if (c == '\0')
    return -1;
  p = strchr (alphabet, c);
  return p != NULL ? (int)(p - alphabet) : -1;
}

static void
flush_utf16 (GString       *out,
             const guint16 *units,
             gsize          n_units)
{
  guint32 bits = 0;
  int n_bits = 0;

  g_string_append_c (out, '&');
  for (gsize i = 0; i < n_units; i++)
    {
      bits = (bits << 16) | units[i];
      n_bits += 16;
      while (n_bits >= 6)
        {
          n_bits -= 6;
          g_string_append_c (out, alphabet[(bits >> n_bits) & 0x3f]);
        }
    }
  if (n_bits > 0)
    g_string_append_c (out, alphabet[(bits << (6 - n_bits)) & 0x3f]);
  g_string_append_c (out, '-');
}

/**
 * qd_imap_utf7_encode:
 * @utf8: a mailbox name as people write it
 *
 * Returns: (transfer full) (nullable): the name as IMAP sends it, or %NULL
 *   when @utf8 is not valid UTF-8
 */
char *
qd_imap_utf7_encode (const char *utf8)
{
  GString *out;
  const char *p;

  g_return_val_if_fail (utf8 != NULL, NULL);
  if (!g_utf8_validate (utf8, -1, NULL))
    return NULL;

  out = g_string_new (NULL);
  p = utf8;
  while (*p != '\0')
    {
      gunichar c = g_utf8_get_char (p);

      if (c >= 0x20 && c <= 0x7e)
        {
          /* Printable US-ASCII stands for itself, “&” as “&-”. */
          g_string_append_c (out, (char)c);
          if (c == '&')
            g_string_append_c (out, '-');
          p = g_utf8_next_char (p);
        }
      else
        {
          g_autoptr(GArray) units = g_array_new (FALSE, FALSE, sizeof (guint16));

          while (*p != '\0' && ((c = g_utf8_get_char (p)) < 0x20 || c > 0x7e))
            {
              guint16 u;

              if (c >= 0x10000)
                {
                  u = 0xd800 + ((c - 0x10000) >> 10);
                  g_array_append_val (units, u);
                  u = 0xdc00 + ((c - 0x10000) & 0x3ff);
                }
              else
                u = (guint16)c;
              g_array_append_val (units, u);
              p = g_utf8_next_char (p);
            }
          flush_utf16 (out, (const guint16 *)units->data, units->len);
        }
    }
  return g_string_free (out, FALSE);
}

/**
 * qd_imap_utf7_decode:
 * @wire: a mailbox name as the server sent it (need not be terminated)
 * @length: its length in bytes
 *
 * Strict, as the server's data is not ours: 8-bit bytes, bad base64,
 * unpaired surrogates, leftover bits that are not zero, an unterminated
 * or empty shift (other than “&-”) all make it fail.
 *
 * Returns: (transfer full) (nullable): the name in UTF-8, or %NULL when
 *   @wire is not modified UTF-7
 */
char *
qd_imap_utf7_decode (const char *wire,
                     gsize       length)
{
  g_autoptr(GString) out = g_string_new (NULL);
  gsize i = 0;

  g_return_val_if_fail (wire != NULL || length == 0, NULL);

  while (i < length)
    {
      guchar c = (guchar)wire[i];

      if (c < 0x20 || c > 0x7e)
        return NULL;
      if (c != '&')
        {
          g_string_append_c (out, (char)c);
          i++;
          continue;
        }
      i++;
      if (i < length && wire[i] == '-')
        {
          g_string_append_c (out, '&');
          i++;
          continue;
        }
      {
        guint32 bits = 0;
        int n_bits = 0;
        gunichar high = 0;
        gsize n_chars = 0;

        while (i < length && wire[i] != '-')
          {
            int v = alphabet_value (wire[i]);

            if (v < 0)
              return NULL;
            bits = (bits << 6) | (guint32)v;
            n_bits += 6;
            i++;
            if (n_bits >= 16)
              {
                guint16 u;

                n_bits -= 16;
                u = (guint16)((bits >> n_bits) & 0xffff);
                bits &= (1u << n_bits) - 1;
                if (u >= 0xd800 && u <= 0xdbff)
                  {
                    if (high != 0)
                      return NULL;
                    high = u;
                    continue;
                  }
                if (u >= 0xdc00 && u <= 0xdfff)
                  {
                    if (high == 0)
                      return NULL;
                    g_string_append_unichar (out, 0x10000 + ((high - 0xd800) << 10) + (u - 0xdc00));
                    high = 0;
                  }
                else
                  {
                    /* A high surrogate must be followed by a low one; printable
                     * ASCII must not be shifted (the encoding is unique); NUL
                     * would cut the name short. */
                    if (high != 0 || u == 0 || (u >= 0x20 && u <= 0x7e))
                      return NULL;
                    g_string_append_unichar (out, u);
                  }
                n_chars++;
              }
          }
        if (i >= length || high != 0 || n_chars == 0 || n_bits >= 6 || bits != 0)
          return NULL;
        i++;  /* the “-” */
      }
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}
