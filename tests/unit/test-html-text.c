/* test-html-text.c — HTML as safe text: markup stripped, nothing fetched
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "qd-core.h"

static void
test_html_basic (void)
{
  guint remote = 99;
  g_autofree char *text = qd_html_to_text (
    "<html><head><title>x</title><style>p{color:red}</style></head>"
    "<body><p>Hello &amp; welcome,<br>friend&nbsp;&#x263A;</p>"
    "<script>alert('x')</script><ul><li>one</li><li>two</li></ul>"
    "<img src=\"http://tracker.example/p.png\" alt=\"\" width=1>"
    "<a href=\"https://examp1e-bank.com/login\">Log in to Example Bank</a>"
    "<a href=\"javascript:steal()\">click</a><!-- <p>hidden</p> --></body></html>",
    -1, &remote);

  g_assert_nonnull (strstr (text, "Hello & welcome,\nfriend ☺"));
  g_assert_nonnull (strstr (text, "• one"));
  g_assert_nonnull (strstr (text, "• two"));
  /* the real target of a link is shown beside its text */
  g_assert_nonnull (strstr (text, "Log in to Example Bank <https://examp1e-bank.com/login>"));
  /* scripts, styles, comments and javascript: targets never come through */
  g_assert_null (strstr (text, "alert"));
  g_assert_null (strstr (text, "color:red"));
  g_assert_null (strstr (text, "hidden"));
  g_assert_null (strstr (text, "javascript"));
  g_assert_null (strstr (text, "<img"));
  g_assert_cmpuint (remote, ==, 1);
}

static void
test_html_hostile (void)
{
  const char *inputs[] = {
    "<", "<<<>>>", "<a href=", "<p", "&#99999999;", "&#x110000;", "&;", "<script>never closed",
    "<a href=\"http://x\">unterminated", "\xff\xfe<b>broken utf-8\xc3</b>", "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autofree char *text = qd_html_to_text (inputs[i], -1, NULL);

      g_assert_nonnull (text);
      g_assert_true (g_utf8_validate (text, -1, NULL));
    }
}

/* Found by fuzzing: character references decoded to control characters and
 * bidirectional overrides, which the text shown must never hold. */
static void
test_html_references (void)
{
  g_autofree char *text = qd_html_to_text ("<p>invoice&#x202E;gpj.exe&#27;[31m&#2;ok&#xFEFF;</p>",
                                           -1, NULL);

  g_assert_cmpstr (text, ==, "invoice[U+202E]gpj.exe[31mok");
}

static void
test_safe_text (void)
{
  /* A right-to-left override would show "gpj.exe" for "exe.jpg". */
  g_autofree char *text = qd_text_make_safe ("invoice\xe2\x80\xaegpj.exe\x07\x1b[31m\r\nok", -1);

  g_assert_cmpstr (text, ==, "invoice[U+202E]gpj.exe[31m\nok");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/html-text/basic", test_html_basic);
  g_test_add_func ("/html-text/hostile", test_html_hostile);
  g_test_add_func ("/html-text/references", test_html_references);
  g_test_add_func ("/html-text/safe-text", test_safe_text);

  return g_test_run ();
}
