/* test-preview.c — held mail as safe text: HTML stripped, nothing fetched
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

/* A look-alike domain shows the name DNS resolves; a plain one is left be. */
static void
test_address_for_display (void)
{
  g_autofree char *cyrillic = qd_address_for_display ("billing@p\xd0\xb0ypal.com");
  g_autofree char *plain = qd_address_for_display ("billing@paypal.com");
  g_autofree char *japanese = qd_address_for_display ("info@\xe4\xbe\x8b\xe3\x81\x88.jp");
  g_autofree char *hidden = qd_address_for_display ("a\xe2\x80\xae" "moc.evil@x.example");

  g_assert_cmpstr (cyrillic, ==, "billing@p\xd0\xb0ypal.com (xn--pypal-4ve.com)");
  g_assert_cmpstr (plain, ==, "billing@paypal.com");
  g_assert_cmpstr (japanese, ==, "info@\xe4\xbe\x8b\xe3\x81\x88.jp (xn--r8jz45g.jp)");
  g_assert_cmpstr (hidden, ==, "a[U+202E]moc.evil@x.example");
}

static GBytes *
load (const char *name)
{
  g_autofree char *path = g_build_filename (TEST_DATA_DIR, name, NULL);
  g_autoptr(GError) error = NULL;
  char *data;
  gsize len;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

static void
test_view_html_only (void)
{
  g_autoptr(GBytes) raw = load ("html-with-remote-images.eml");
  g_autoptr(QdMessageView) view = qd_message_view_new (raw);

  g_assert_cmpstr (view->subject, ==, "週末限定セールのお知らせ");
  g_assert_cmpstr (view->from_address, ==, "news@shop.example");
  g_assert_true (view->text_from_html);
  g_assert_nonnull (strstr (view->text, "今週末だけ"));
  g_assert_cmpuint (view->n_remote, ==, 2);
  g_assert_cmpuint (view->attachments->len, ==, 1);
  {
    QdAttachment *a = g_ptr_array_index (view->attachments, 0);

    g_assert_cmpstr (a->filename, ==, "coupon.pdf");
    g_assert_cmpstr (a->content_type, ==, "application/pdf");
    g_assert_cmpuint (a->size, >, 0);
  }
  g_assert_true (g_str_has_prefix (view->headers, "Received: "));
  g_assert_null (strstr (view->headers, "<html"));
}

static void
test_view_garbage (void)
{
  const char junk[] = "\x00\x01\x02 not a message at all \xff";
  g_autoptr(GBytes) raw = g_bytes_new (junk, sizeof junk);
  g_autoptr(QdMessageView) view = qd_message_view_new (raw);
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(QdMessageView) nothing = qd_message_view_new (empty);

  g_assert_nonnull (view->text);
  g_assert_true (g_utf8_validate (view->headers, -1, NULL));
  g_assert_cmpstr (nothing->text, ==, "");
}

/* Found by fuzzing: an attachment's content type came through as the sender
 * wrote it, control characters and invalid UTF-8 included. */
static void
test_view_hostile_type (void)
{
  const char mail[] = "From: a@example.com\r\nSubject: type\r\n"
                      "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
                      "--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
                      "--b\r\nContent-Type: appl\x8a\x9bication/pdf\r\n\r\n%PDF\r\n"
                      "--b--\r\n";
  g_autoptr(GBytes) raw = g_bytes_new_static (mail, sizeof mail - 1);
  g_autoptr(QdMessageView) view = qd_message_view_new (raw);
  QdAttachment *attachment;

  g_assert_cmpuint (view->attachments->len, ==, 1);
  attachment = g_ptr_array_index (view->attachments, 0);
  /* Not Latin-1's C1 controls (U+008A, U+009B), which GMime reads the
   * invalid UTF-8 as. */
  g_assert_cmpstr (attachment->content_type, ==, "application/pdf");
}

static char *
subject_of (const char *subject)
{
  g_autofree char *mail = g_strdup_printf ("From: a@example.com\r\nSubject: %s\r\n\r\nbody\r\n",
                                           subject);
  g_autoptr(GMimeMessage) message = qd_mail_parse ((const guint8 *) mail, strlen (mail));

  g_assert_nonnull (message);
  return qd_mail_get_header_text (GMIME_OBJECT (message), "Subject");
}

/* Found by fuzzing: a header that is not UTF-8 crashed the encoded-word
 * regex (PCRE2's JIT code reads invalid UTF-8 past its end). */
static void
test_header_not_utf8 (void)
{
  const char *subjects[] = { "=?I=\xfeit", "=?UTF-8?B?YWI=?= \xfe\xff =?UTF-8?B?Yw==?= \xc3" };

  for (guint i = 0; i < G_N_ELEMENTS (subjects); i++)
    {
      g_autofree char *text = subject_of (subjects[i]);

      g_assert_nonnull (text);
    }
}

/* Every encoded word is read, whatever GMime's decoder does with padding. */
static void
test_encoded_words (void)
{
  static const struct {
    const char *raw;
    const char *text;
  } cases[] = {
    /* padded, then more of the same charset: GMime 3.2.13 stops at "ab" */
    { "=?UTF-8?B?YWI=?= =?UTF-8?B?44Oh44O844Or?=", "abメール" },
    { "=?utf-8?b?YQ==?=\r\n =?UTF-8?B?Yg==?= tail", "ab tail" },
    { "=?UTF-8?B?YWI=?= =?UTF-8?B?YWI=?= =?UTF-8?B?YWI=?=", "ababab" },
    /* a character split across words, unpadded */
    { "=?UTF-8?B?44O?= =?UTF-8?B?G44K544OI?=", "テスト" },
    /* other charsets, Q words and plain text around them keep their place */
    { "Re: =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?= =?ISO-2022-JP?B?GyRCJWEhPCVrGyhC?= (2)",
      "Re: テストメール (2)" },
    { "=?UTF-8?B?YWI=?= =?ISO-8859-1?Q?caf=E9?= x =?UTF-8?B?Yw==?=", "abcafé x c" },
    { "plain subject", "plain subject" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = subject_of (cases[i].raw);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  qd_mail_init ();

  g_test_add_func ("/preview/html-basic", test_html_basic);
  g_test_add_func ("/preview/address-for-display", test_address_for_display);
  g_test_add_func ("/preview/html-hostile", test_html_hostile);
  g_test_add_func ("/preview/html-references", test_html_references);
  g_test_add_func ("/preview/safe-text", test_safe_text);
  g_test_add_func ("/preview/view-html-only", test_view_html_only);
  g_test_add_func ("/preview/view-garbage", test_view_garbage);
  g_test_add_func ("/preview/view-hostile-type", test_view_hostile_type);
  g_test_add_func ("/preview/encoded-words", test_encoded_words);
  g_test_add_func ("/preview/header-not-utf8", test_header_not_utf8);

  return g_test_run ();
}
