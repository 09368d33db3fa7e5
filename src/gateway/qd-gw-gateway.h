/* qd-gw-gateway.h — the reference gateway's behaviour, apart from HTTP
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "qd-gw-ingest.h"
#include "qd-gw-store.h"
#include "qd-gw-verdict.h"
#include "qd-types.h"

G_BEGIN_DECLS

typedef struct
{
  char    *name;
  char    *data_dir;
  char    *submission_address;
  char    *rspamd_url;
  char    *smtp_host;          /* NULL: no intake */
  guint16  smtp_port;
  char    *relay_host;         /* NULL: the embedded maildir; else mail-system mode */
  guint16  relay_port;
  gint64   max_message_bytes;
  guint    max_sample_age_days;
  gint64   session_ttl;
  guint    max_batch;
  guint    max_page_size;
  gsize    max_request_bytes;
  gsize    max_classify_bytes;
  guint    max_sender_list;
  guint    retention_days;
  double   spam_threshold;
  guint    login_max_failures_user;
  guint    login_max_failures_peer;
  gint64   login_window;
} QdGwConfig;

void qd_gw_config_init  (QdGwConfig *config);
void qd_gw_config_clear (QdGwConfig *config);

#define QD_TYPE_GW_GATEWAY (qd_gw_gateway_get_type ())

G_DECLARE_FINAL_TYPE (QdGwGateway, qd_gw_gateway, QD, GW_GATEWAY, GObject)

QdGwGateway      *qd_gw_gateway_new            (QdGwConfig    *config,
                                                GError       **error);
const QdGwConfig *qd_gw_gateway_get_config     (QdGwGateway   *self);
QdGwStore        *qd_gw_gateway_get_store      (QdGwGateway   *self);
void              qd_gw_gateway_set_intake     (QdGwGateway   *self,
                                                const char    *host,
                                                guint16        port);
char             *qd_gw_gateway_message_path   (QdGwGateway   *self,
                                                gint64         item_id);
char             *qd_gw_gateway_mailbox_path   (QdGwGateway   *self,
                                                const char    *username);
gboolean          qd_gw_gateway_is_mail_system (QdGwGateway   *self);
const char       *qd_gw_gateway_get_instance_id (QdGwGateway  *self);

gboolean          qd_gw_gateway_add_user       (QdGwGateway   *self,
                                                const char    *username,
                                                const char    *address,
                                                const char    *display_name,
                                                const char    *password,
                                                gboolean       replace,
                                                GError       **error);

typedef struct
{
  QdFolder     folder;
  QdReason     reason;
  QdCategory   category;
  const char  *policy_rule;       /* NULL: derived from reason and category */
  double       score;
  const char * const *rules;      /* NULL: none */
  gint64       received_at;       /* 0: now */
  const char  *envelope_sender;   /* NULL: the From address */
} QdGwIngestOptions;

const char       *qd_gw_default_policy_rule    (QdReason       reason,
                                                QdCategory     category);
char             *qd_gw_gateway_ingest         (QdGwGateway   *self,
                                                const char    *username,
                                                const QdGwIngestOptions *options,
                                                GBytes        *message,
                                                GError       **error);

char             *qd_gw_gateway_sign_in        (QdGwGateway   *self,
                                                const char    *username,
                                                const char    *password,
                                                const char    *peer,
                                                gint64        *expires_at,
                                                QdGwUser     **user,
                                                gint64        *retry_after,
                                                GError       **error);
gint64            qd_gw_gateway_authenticate   (QdGwGateway   *self,
                                                const char    *token,
                                                gint64        *expires_at,
                                                GError       **error);
void              qd_gw_gateway_sign_out       (QdGwGateway   *self,
                                                const char    *token);

QdGwUser         *qd_gw_gateway_get_user       (QdGwGateway   *self,
                                                gint64         user_id);
QdGwItem         *qd_gw_gateway_get_item       (QdGwGateway   *self,
                                                gint64         user_id,
                                                const char    *id);
gint64            qd_gw_gateway_get_snapshot   (QdGwGateway   *self);
GPtrArray        *qd_gw_gateway_find_by_message_ids (QdGwGateway        *self,
                                                     gint64              user_id,
                                                     QdFolder            folder,
                                                     const char * const *message_ids);
GPtrArray        *qd_gw_gateway_list_items     (QdGwGateway   *self,
                                                const QdGwQuery *query,
                                                gint64        *total,
                                                GError       **error);

typedef enum
{
  QD_GW_ACT_DONE,          /* carried out by this request */
  QD_GW_ACT_ALREADY_DONE,  /* an earlier request had carried it out */
  QD_GW_ACT_FAILED,        /* see the error */
} QdGwActOutcome;

typedef struct
{
  char           *id;       /* as the request named the item */
  QdGwActOutcome  outcome;
  GError         *error;    /* QD_GW_ERROR, when the outcome is QD_GW_ACT_FAILED */
} QdGwActResult;

void              qd_gw_act_result_clear       (QdGwActResult *result);

GArray           *qd_gw_gateway_act            (QdGwGateway   *self,
                                                gint64         user_id,
                                                QdActions      action,
                                                GPtrArray     *ids,
                                                gboolean       approve_sender);
void              qd_gw_gateway_act_async      (QdGwGateway   *self,
                                                gint64         user_id,
                                                QdActions      action,
                                                GPtrArray     *ids,
                                                gboolean       approve_sender,
                                                GCancellable  *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer       user_data);
GArray           *qd_gw_gateway_act_finish     (QdGwGateway   *self,
                                                GAsyncResult  *result,
                                                GError       **error);

void              qd_gw_gateway_release_item_async  (QdGwGateway  *self,
                                                     gint64        item_id,
                                                     GCancellable *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer      user_data);
gboolean          qd_gw_gateway_release_item_finish (QdGwGateway  *self,
                                                     GAsyncResult *result,
                                                     GError      **error);
guint             qd_gw_gateway_resume_releases (QdGwGateway  *self);

void              qd_gw_gateway_classify_async (QdGwGateway   *self,
                                                GBytes        *message,
                                                GCancellable  *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer       user_data);
QdGwVerdict      *qd_gw_gateway_classify_finish (QdGwGateway  *self,
                                                 GAsyncResult *result,
                                                 GError      **error);

gboolean          qd_gw_gateway_receive_submission (QdGwGateway *self,
                                                    const char  *mail_from,
                                                    const char  *rcpt_to,
                                                    GBytes      *message,
                                                    gint64      *submission_id,
                                                    GError     **error);

guint             qd_gw_gateway_purge_expired  (QdGwGateway   *self);

/* What one POST /rspamd/ingest did, per recipient. */
typedef struct
{
  guint held;
  guint released;     /* an approved sender's: released at once */
  guint dropped;      /* a blocked sender's */
  guint duplicates;   /* held already by an earlier POST of the same queue id */
  guint ignored;      /* recipients that are no user's address */
} QdGwIngestCounts;

gboolean          qd_gw_gateway_ingest_from_rspamd (QdGwGateway             *self,
                                                    const QdGwIngestRequest *request,
                                                    GBytes                  *message,
                                                    QdGwIngestCounts        *counts,
                                                    GError                 **error);
GBytes           *qd_gw_gateway_sender_map     (QdGwGateway   *self,
                                                QdGwSenderList list);
gint64            qd_gw_gateway_get_senders_changed_at (QdGwGateway *self);

G_END_DECLS
