/* test-imap-utf7.c — mailbox names in modified UTF-7, both ways
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "qd-imap-utf7.h"

static const struct
{
  const char *utf8;
  const char *wire;
} pairs[] = {
  { "INBOX", "INBOX" },
  { "Junk E-mail", "Junk E-mail" },
  { "迷惑メール", "&j,dg0TDhMPww6w-" },
  { "Tom & Jerry", "Tom &- Jerry" },
  { "~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-" },
  { "Entwürfe", "Entw&APw-rfe" },
  { "𝄞 clef", "&2DTdHg- clef" },
  { "", "" },
};

static void
test_known_pairs (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      g_autofree char *wire = qd_imap_utf7_encode (pairs[i].utf8);
      g_autofree char *utf8 = qd_imap_utf7_decode (pairs[i].wire, strlen (pairs[i].wire));

      g_assert_cmpstr (wire, ==, pairs[i].wire);
      g_assert_cmpstr (utf8, ==, pairs[i].utf8);
    }
}

static void
test_refused (void)
{
  const char *bad[] = {
    "&",             /* unterminated shift */
    "&j,dg0T",       /* unterminated shift */
    "&-&",           /* unterminated after a good one */
    "&AGE-",         /* “a” shifted: not the unique encoding */
    "&2DQ-",         /* a lone high surrogate */
    "&3R4-",         /* a lone low surrogate */
    "&U,BTF-",       /* leftover bits that are not zero */
    "&U/BTFw-",      /* “/” is standard base64, not modified */
    "&AAA-",         /* NUL */
    "a\tb",          /* a control character unshifted */
    "Entw\xc3\xbcrfe", /* 8-bit bytes */
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *utf8 = qd_imap_utf7_decode (bad[i], strlen (bad[i]));

      g_assert_null (utf8);
    }
  /* Invalid UTF-8 cannot be encoded. */
  g_assert_null (qd_imap_utf7_encode ("\xff"));
}

static void
test_round_trip (void)
{
  const char *names[] = { "a&b&&c", "\x01\x7f", "日本 語 & más", "ＪＵＮＫ", "&-" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *wire = qd_imap_utf7_encode (names[i]);
      g_autofree char *back = qd_imap_utf7_decode (wire, strlen (wire));

      g_assert_cmpstr (back, ==, names[i]);
      /* Only printable US-ASCII goes on the wire. */
      for (const char *p = wire; *p; p++)
        g_assert_true (*p >= 0x20 && *p <= 0x7e);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/imap-utf7/known-pairs", test_known_pairs);
  g_test_add_func ("/imap-utf7/refused", test_refused);
  g_test_add_func ("/imap-utf7/round-trip", test_round_trip);
  return g_test_run ();
}
