/* test-message-view.c — held mail as a safe view: text, headers, attachments
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "qd-core.h"
#include "test-data.h"

static void
test_view_html_only (void)
{
  gsize length;
  char *data = test_data_read ("html-with-remote-images.eml", &length);
  g_autoptr(GBytes) raw = g_bytes_new_take (data, length);
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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  qd_mail_init ();

  g_test_add_func ("/message-view/html-only", test_view_html_only);
  g_test_add_func ("/message-view/garbage", test_view_garbage);
  g_test_add_func ("/message-view/hostile-type", test_view_hostile_type);

  return g_test_run ();
}
