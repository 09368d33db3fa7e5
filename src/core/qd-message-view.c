/* qd-message-view.c — a held message parsed with GMime into safe text and its attachments
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "qd-html-text.h"
#include "qd-mail.h"
#include "qd-message-view.h"
#include "qd-task-private.h"

G_DEFINE_BOXED_TYPE (QdMessageView, qd_message_view, qd_message_view_ref, qd_message_view_unref)

/* Bounds against hostile input: a preview is for reading, not archiving. */
#define MAX_TEXT_BYTES    (512 * 1024)
#define MAX_HEADER_BYTES  (64 * 1024)
#define MAX_PARTS         256

static void
attachment_free (QdAttachment *attachment)
{
  g_free (attachment->filename);
  g_free (attachment->content_type);
  g_free (attachment);
}

typedef struct
{
  QdMessageView *view;
  GMimeTextPart *plain;
  GMimeTextPart *html;
  guint          n_parts;
} Walk;

static gsize
part_size (GMimePart *part)
{
  GMimeDataWrapper *content = g_mime_part_get_content (part);
  GMimeStream *stream = content != NULL ? g_mime_data_wrapper_get_stream (content) : NULL;
  gint64 length = stream != NULL ? g_mime_stream_length (stream) : 0;

  if (length < 0)
    return 0;
  /* base64 carries 3 bytes in 4 characters */
  if (g_mime_part_get_content_encoding (part) == GMIME_CONTENT_ENCODING_BASE64)
    return (gsize)length * 3 / 4;
  return (gsize)length;
}

static void
visit (GMimeObject *parent,
       GMimeObject *part,
       gpointer     user_data)
{
  Walk *walk = user_data;
  GMimeContentType *type = g_mime_object_get_content_type (part);
  const char *disposition;

  if (++walk->n_parts > MAX_PARTS)
    return;

  if (GMIME_IS_MESSAGE_PART (part))
    {
      QdAttachment *attachment = g_new0 (QdAttachment, 1);

      attachment->content_type = g_strdup ("message/rfc822");
      attachment->filename = g_strdup ("message.eml");
      g_ptr_array_add (walk->view->attachments, attachment);
      return;
    }
  if (!GMIME_IS_PART (part))
    return;

  disposition = g_mime_object_get_disposition (part);
  if (GMIME_IS_TEXT_PART (part) &&
      (disposition == NULL || g_ascii_strcasecmp (disposition, "inline") == 0) &&
      g_mime_part_get_filename (GMIME_PART (part)) == NULL)
    {
      if (walk->plain == NULL && g_mime_content_type_is_type (type, "text", "plain"))
        {
          walk->plain = GMIME_TEXT_PART (part);
          return;
        }
      if (walk->html == NULL && g_mime_content_type_is_type (type, "text", "html"))
        {
          walk->html = GMIME_TEXT_PART (part);
          return;
        }
    }

  {
    QdAttachment *attachment = g_new0 (QdAttachment, 1);
    const char *filename = g_mime_part_get_filename (GMIME_PART (part));
    g_autofree char *mime_type = g_mime_content_type_get_mime_type (type);

    attachment->filename = qd_text_make_safe (filename != NULL ? filename : "", -1);
    /* Found by fuzzing: the type is the sender's text as much as the file
     * name is, control characters and invalid UTF-8 included. */
    attachment->content_type = qd_text_make_safe (mime_type, -1);
    attachment->size = part_size (GMIME_PART (part));
    g_ptr_array_add (walk->view->attachments, attachment);
  }
}

static char *
safe_header (GMimeMessage *message,
             const char   *name)
{
  g_autofree char *text = qd_mail_get_header_text (GMIME_OBJECT (message), name);

  return text != NULL ? qd_text_make_safe (text, -1) : NULL;
}

static char *
text_of (GMimeTextPart *part)
{
  g_autofree char *text = g_mime_text_part_get_text (part);

  if (text == NULL)
    return g_strdup ("");
  if (strlen (text) > MAX_TEXT_BYTES)
    text[MAX_TEXT_BYTES] = '\0';
  return g_steal_pointer (&text);
}

/**
 * qd_message_view_new:
 *
 * Never fails: whatever cannot be parsed is simply missing from the view.
 * Nothing is fetched, run or opened.
 */
QdMessageView *
qd_message_view_new (GBytes *raw)
{
  QdMessageView *self = g_new0 (QdMessageView, 1);
  g_autoptr(GMimeMessage) message = NULL;
  gsize size;
  const guint8 *data = g_bytes_get_data (raw, &size);
  gsize header_end;
  Walk walk = { self, NULL, NULL, 0 };

  g_atomic_ref_count_init (&self->ref_count);
  self->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify)attachment_free);

  /* The header block as it came, up to the first empty line. */
  for (header_end = 0; header_end < size && header_end < MAX_HEADER_BYTES; header_end++)
    if (data[header_end] == '\n' && header_end + 1 < size &&
        (data[header_end + 1] == '\n' ||
         (data[header_end + 1] == '\r' && header_end + 2 < size && data[header_end + 2] == '\n')))
      break;
  self->headers = qd_text_make_safe ((const char *)data, header_end);

  message = size > 0 ? qd_mail_parse (data, size) : NULL;
  if (message == NULL)
    {
      self->text = g_strdup ("");
      return self;
    }

  self->from = safe_header (message, "From");
  self->reply_to = safe_header (message, "Reply-To");
  self->to = safe_header (message, "To");
  self->cc = safe_header (message, "Cc");
  self->subject = safe_header (message, "Subject");
  if (g_mime_message_get_date (message) != NULL)
    self->date = g_date_time_ref (g_mime_message_get_date (message));
  {
    InternetAddressList *from = g_mime_message_get_from (message);
    InternetAddress *first = from != NULL && internet_address_list_length (from) > 0
                             ? internet_address_list_get_address (from, 0) : NULL;

    if (first != NULL && INTERNET_ADDRESS_IS_MAILBOX (first))
      self->from_address = qd_text_make_safe (
        internet_address_mailbox_get_idn_addr (INTERNET_ADDRESS_MAILBOX (first)), -1);
  }

  g_mime_message_foreach (message, visit, &walk);
  if (walk.plain != NULL)
    {
      g_autofree char *text = text_of (walk.plain);

      self->text = qd_text_make_safe (text, -1);
      if (walk.html != NULL)
        {
          g_autofree char *html = text_of (walk.html);
          g_autofree char *ignored = qd_html_to_text (html, -1, &self->n_remote);
        }
    }
  else if (walk.html != NULL)
    {
      g_autofree char *html = text_of (walk.html);

      self->text = qd_html_to_text (html, -1, &self->n_remote);
      self->text_from_html = TRUE;
    }
  else
    self->text = g_strdup ("");

  return self;
}

static void
parse_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  g_task_return_pointer (task, qd_message_view_new (task_data),
                         (GDestroyNotify)qd_message_view_unref);
}

/**
 * qd_message_view_new_async:
 *
 * Parses in a worker thread: a hostile message may be large or deep, and
 * the window must not wait for it.
 */
void
qd_message_view_new_async (GBytes              *raw,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = qd_task_new (NULL, qd_message_view_new_async, cancellable, callback,
                                       user_data);

  g_task_set_task_data (task, g_bytes_ref (raw), (GDestroyNotify)g_bytes_unref);
  g_task_run_in_thread (task, parse_thread);
}

/* Without a source object, the task is checked against none. */
QdMessageView *
qd_message_view_new_finish (GAsyncResult  *result,
                            GError       **error)
{
  return qd_task_finish_pointer (result, NULL, qd_message_view_new_async, error);
}

QdMessageView *
qd_message_view_ref (QdMessageView *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
qd_message_view_unref (QdMessageView *self)
{
  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->from);
      g_free (self->from_address);
      g_free (self->reply_to);
      g_free (self->to);
      g_free (self->cc);
      g_free (self->subject);
      g_clear_pointer (&self->date, g_date_time_unref);
      g_free (self->text);
      g_ptr_array_unref (self->attachments);
      g_free (self->headers);
      g_free (self);
    }
}
