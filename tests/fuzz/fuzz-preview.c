/* fuzz-preview.c — a held message as the preview shows it
 *
 * The input is a raw message, as GET /messages/{id}/raw returns it: it
 * goes through qd_message_view_new() (the synchronous parser the preview's
 * worker thread runs), and, as a body, straight through qd_html_to_text()
 * and qd_text_make_safe(). Everything shown must be safe text: valid
 * UTF-8, no control characters but newline and tab, no bidirectional
 * controls that could reorder what is around it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fuzz-common.h"
#include "qd-html-text.h"
#include "qd-message-view.h"

/* What qd_text_make_safe() promises. */
static void
assert_safe (const char *text)
{
  if (text == NULL)
    return;
  g_assert (g_utf8_validate (text, -1, NULL));
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      g_assert (c == '\n' || c == '\t' || !g_unichar_iscntrl (c));
      g_assert (!((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) ||
                  c == 0x200E || c == 0x200F || c == 0x061C || c == 0xFEFF));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) raw = g_bytes_new (data, size);
  g_autoptr(QdMessageView) view = qd_message_view_new (raw);
  g_autofree char *html = qd_html_to_text ((const char *)data, size, NULL);
  g_autofree char *plain = qd_text_make_safe ((const char *)data, size);

  assert_safe (view->from);
  assert_safe (view->from_address);
  assert_safe (view->reply_to);
  assert_safe (view->to);
  assert_safe (view->cc);
  assert_safe (view->subject);
  assert_safe (view->text);
  assert_safe (view->headers);
  for (guint i = 0; i < view->attachments->len; i++)
    {
      QdAttachment *attachment = g_ptr_array_index (view->attachments, i);

      assert_safe (attachment->filename);
      assert_safe (attachment->content_type);
    }
  assert_safe (html);
  assert_safe (plain);
  return 0;
}
