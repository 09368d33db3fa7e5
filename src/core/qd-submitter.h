/* qd-submitter.h — from the outbox to the SMTP server, nothing lost
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "qd-smtp-client.h"
#include "qd-store.h"

G_BEGIN_DECLS

/* What became of one outbox message. */
typedef struct
{
  gint64    outbox_id;
  char     *message_id;
  guint     n_samples;
  gboolean  sent;       /* the server accepted its DATA */
  gboolean  kept;       /* still in the outbox, sent on a later run */
  char     *reply;      /* the server's reply when sent */
  GError   *error;      /* why not, when not; or a store problem after sending */
} QdSendResult;

void qd_send_result_free (QdSendResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdSendResult, qd_send_result_free)

#define QD_TYPE_SUBMITTER (qd_submitter_get_type ())

G_DECLARE_FINAL_TYPE (QdSubmitter, qd_submitter, QD, SUBMITTER, GObject)

QdSubmitter  *qd_submitter_new                 (QdStore             *store,
                                                QdSmtpClient        *client);
QdStore      *qd_submitter_get_store           (QdSubmitter         *self);
QdSmtpClient *qd_submitter_get_client          (QdSubmitter         *self);

void          qd_submitter_send_pending_async  (QdSubmitter         *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
GPtrArray    *qd_submitter_send_pending_finish (QdSubmitter         *self,
                                                GAsyncResult        *result,
                                                GError             **error);
void          qd_submitter_submit_async        (QdSubmitter         *self,
                                                GPtrArray           *submissions,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
GPtrArray    *qd_submitter_submit_finish       (QdSubmitter         *self,
                                                GAsyncResult        *result,
                                                GError             **error);

G_END_DECLS
