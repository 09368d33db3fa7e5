/* qd-message-view.h — what a held message says, as safe text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  char  *filename;
  char  *content_type;
  gsize  size;        /* decoded size, approximately */
} QdAttachment;

typedef struct
{
  gatomicrefcount  ref_count;
  char            *from;          /* "Name <address>", decoded */
  char            *from_address;
  char            *reply_to;
  char            *to;
  char            *cc;
  char            *subject;
  GDateTime       *date;
  char            *text;          /* the body as plain text */
  gboolean         text_from_html;
  guint            n_remote;      /* remote resources in the HTML, none loaded */
  GPtrArray       *attachments;   /* QdAttachment */
  char            *headers;       /* the raw header block, made safe */
} QdMessageView;

#define QD_TYPE_MESSAGE_VIEW (qd_message_view_get_type ())

GType          qd_message_view_get_type (void) G_GNUC_CONST;
QdMessageView *qd_message_view_new      (GBytes        *raw);
void           qd_message_view_new_async  (GBytes              *raw,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
QdMessageView *qd_message_view_new_finish (GAsyncResult        *result,
                                           GError             **error);
QdMessageView *qd_message_view_ref      (QdMessageView *self);
void           qd_message_view_unref    (QdMessageView *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdMessageView, qd_message_view_unref)

G_END_DECLS
