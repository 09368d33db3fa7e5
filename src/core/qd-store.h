/* qd-store.h — the local store: submission outbox and history (SQLite)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "qd-sample-record.h"
#include "qd-submission.h"
#include "qd-verdict.h"

G_BEGIN_DECLS

/* A submission waiting in the outbox. */
typedef struct
{
  gint64            id;
  char             *message_id;
  char             *mail_from;
  char             *rcpt_to;
  GBytes           *data;        /* exactly what goes on the wire */
  QdSmtpExtensions  required;
  guint             n_samples;
  guint             attempts;
  char             *last_error;
  GDateTime        *created_at;
  GDateTime        *deadline;    /* NULL: no sample has an age limit */
} QdOutboxEntry;

void qd_outbox_entry_free (QdOutboxEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdOutboxEntry, qd_outbox_entry_free)

/* One reported sample, as the history remembers it. */
typedef struct
{
  char      *sha256;
  char      *from;
  char      *to;
  char      *subject;
  GDateTime *received_at;   /* NULL when unknown */
  char      *message_id;    /* of the submission that carried it */
  char      *state;         /* "queued", "sent", "refused", "expired" */
  GDateTime *queued_at;
  GDateTime *sent_at;       /* NULL until the server accepted it */
  char      *server;        /* host:port that took it */
  char      *reply;         /* the server's last words about it */
  char      *status;        /* its latest entry in sample_status */
  GDateTime *status_at;
} QdHistoryEntry;

void qd_history_entry_free (QdHistoryEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdHistoryEntry, qd_history_entry_free)

#define QD_TYPE_STORE (qd_store_get_type ())

G_DECLARE_FINAL_TYPE (QdStore, qd_store, QD, STORE, GObject)

char       *qd_store_get_default_path (void);
QdStore    *qd_store_open             (const char     *path,
                                       GError        **error);
const char *qd_store_get_path         (QdStore        *self);

gboolean    qd_store_enqueue          (QdStore        *self,
                                       GPtrArray      *submissions,
                                       GArray         *ids,
                                       GError        **error);
GPtrArray  *qd_store_claim_pending    (QdStore        *self,
                                       GArray         *only,
                                       GError        **error);
guint       qd_store_count_pending    (QdStore        *self,
                                       GError        **error);
void        qd_store_release_claim    (QdStore        *self,
                                       gint64          id);
gboolean    qd_store_mark_sent        (QdStore        *self,
                                       gint64          id,
                                       const char     *server,
                                       const char     *reply,
                                       GError        **error);
gboolean    qd_store_mark_failed      (QdStore        *self,
                                       gint64          id,
                                       const char     *state,
                                       const char     *reason,
                                       GError        **error);
gboolean    qd_store_note_attempt     (QdStore        *self,
                                       gint64          id,
                                       const char     *reason,
                                       GError        **error);
GPtrArray  *qd_store_list_history     (QdStore        *self,
                                       guint           limit,
                                       GError        **error);
gboolean    qd_store_add_sample_status (QdStore       *self,
                                        const char    *sha256,
                                        const char    *status,
                                        GDateTime     *at,
                                        GError       **error);

/* The follow-up (qd-store-samples.c): one record per distinct sample. */
GPtrArray      *qd_store_list_samples     (QdStore        *self,
                                           GError        **error);
QdSampleRecord *qd_store_get_sample       (QdStore        *self,
                                           const char     *sha256,
                                           GError        **error);
GBytes         *qd_store_get_sample_data  (QdStore        *self,
                                           const char     *sha256,
                                           GError        **error);
char           *qd_store_resolve_sample   (QdStore        *self,
                                           const char     *prefix,
                                           GError        **error);
gboolean        qd_store_record_check     (QdStore        *self,
                                           const char     *sha256,
                                           QdVerdict      *verdict,
                                           GDateTime      *at,
                                           gboolean       *changed,
                                           GError        **error);

G_END_DECLS
