/* qd-gw-store.h — the gateway's SQLite store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "qd-types.h"

G_BEGIN_DECLS

typedef struct
{
  gint64  id;
  char   *username;
  char   *address;
  char   *display_name;
  char   *password_hash;
} QdGwUser;

void qd_gw_user_free (QdGwUser *user);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdGwUser, qd_gw_user_free)

/* Status of an item in the store; only "held" and "release_requested"
 * are listed. "releasing" marks a release whose delivery may or may not
 * have happened (the gateway was stopped in between). */
#define QD_GW_STATUS_HELD               "held"
#define QD_GW_STATUS_RELEASE_REQUESTED  "release_requested"
#define QD_GW_STATUS_RELEASING          "releasing"
#define QD_GW_STATUS_RELEASED           "released"
#define QD_GW_STATUS_MOVED              "moved"
#define QD_GW_STATUS_DELETED            "deleted"
#define QD_GW_STATUS_GONE               "gone"

typedef struct
{
  gint64      id;
  gint64      user_id;
  QdFolder    folder;
  char       *status;
  gint64      received_at;     /* unix seconds */
  char       *envelope_sender;
  char       *from_header;
  char       *from_name;
  char       *from_address;
  char       *recipient;
  char       *subject;
  gint64      size;
  QdReason    reason;
  QdCategory  category;
  char       *policy_rule;
  double      score;
  char       *rules_json;      /* a JSON array of strings */
  gint64      expires_at;
  char       *maildir_name;    /* the file's base name in the user's Maildir */
  char       *message_id;      /* without angle brackets; NULL when the mail has none */
} QdGwItem;

void      qd_gw_item_free (QdGwItem *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdGwItem, qd_gw_item_free)
QdActions qd_gw_item_get_actions (const QdGwItem *item);

typedef struct
{
  gint64       user_id;
  QdFolder     folder;
  guint        reasons;         /* bit (1 << QdReason); 0 = all */
  guint        categories;      /* bit (1 << QdCategory); 0 = all */
  gint64       since;           /* G_MININT64 = unbounded */
  gint64       until;           /* G_MAXINT64 = unbounded */
  const char  *search;          /* NULL = none */
  const char  *sort_column;     /* "received_at", "size", "from", "subject" */
  gboolean     descending;
  /* keyset paging: start strictly after (after_key, after_id) */
  gboolean     has_after;
  GVariant    *after_key;       /* int64 or string, per sort column */
  gint64       after_id;
  /* or by position: skip this many (with no after key) */
  guint        position;
  /* only items stored up to this id (the listing's snapshot); 0 = all */
  gint64       snapshot;
  guint        limit;
} QdGwQuery;

typedef enum
{
  QD_GW_LIST_APPROVED,
  QD_GW_LIST_BLOCKED,
} QdGwSenderList;

typedef struct
{
  gint64  id;
  gint64  submission_id;
  char   *sha256;
  char   *from_header;
  char   *subject;
  gint64  received_at;
  char   *encoding;
  char   *status;   /* "accepted" or "refused" */
  char   *reason;   /* why refused, or NULL */
} QdGwSample;

void qd_gw_sample_free (QdGwSample *sample);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdGwSample, qd_gw_sample_free)

#define QD_TYPE_GW_STORE (qd_gw_store_get_type ())

G_DECLARE_FINAL_TYPE (QdGwStore, qd_gw_store, QD, GW_STORE, GObject)

QdGwStore *qd_gw_store_open           (const char   *path,
                                       GError      **error);

gboolean   qd_gw_store_begin          (QdGwStore    *self,
                                       GError      **error);
gboolean   qd_gw_store_commit         (QdGwStore    *self,
                                       GError      **error);
void       qd_gw_store_rollback       (QdGwStore    *self);

GPtrArray *qd_gw_store_explain_used   (QdGwStore    *self);
int        qd_gw_store_get_list_steps (QdGwStore    *self);

/* users and sessions */
gint64     qd_gw_store_add_user       (QdGwStore    *self,
                                       const char   *username,
                                       const char   *address,
                                       const char   *display_name,
                                       const char   *password_hash,
                                       gboolean      replace,
                                       GError      **error);
QdGwUser  *qd_gw_store_find_user      (QdGwStore    *self,
                                       const char   *username);
QdGwUser  *qd_gw_store_get_user       (QdGwStore    *self,
                                       gint64        user_id);
gboolean   qd_gw_store_add_session    (QdGwStore    *self,
                                       const char   *token_hash,
                                       gint64        user_id,
                                       gint64        expires_at,
                                       GError      **error);
gboolean   qd_gw_store_find_session   (QdGwStore    *self,
                                       const char   *token_hash,
                                       gint64       *user_id,
                                       gint64       *expires_at);
void       qd_gw_store_delete_session (QdGwStore    *self,
                                       const char   *token_hash);
void       qd_gw_store_purge_sessions (QdGwStore    *self,
                                       gint64        now);

/* items */
gint64     qd_gw_store_add_item       (QdGwStore    *self,
                                       QdGwItem     *item,
                                       GError      **error);
QdGwItem  *qd_gw_store_get_item       (QdGwStore    *self,
                                       gint64        user_id,
                                       gint64        item_id);
gboolean   qd_gw_store_set_item_status (QdGwStore   *self,
                                        gint64       item_id,
                                        const char  *status,
                                        GError     **error);
gboolean   qd_gw_store_set_item_maildir_name (QdGwStore  *self,
                                              gint64      item_id,
                                              const char *name,
                                              GError    **error);
GPtrArray *qd_gw_store_list_items     (QdGwStore    *self,
                                       const QdGwQuery *query,
                                       gint64       *total,
                                       GError      **error);
gint64     qd_gw_store_last_item_id   (QdGwStore    *self);
GPtrArray *qd_gw_store_find_by_message_id (QdGwStore  *self,
                                           gint64      user_id,
                                           QdFolder    folder,
                                           const char *message_id,
                                           gint64      now);
GPtrArray *qd_gw_store_expired_items  (QdGwStore    *self,
                                       gint64        now);

/* sender lists */
GPtrArray *qd_gw_store_list_senders   (QdGwStore    *self,
                                       QdGwSenderList list,
                                       gint64        user_id,
                                       GArray      **added_at);
gint64     qd_gw_store_count_senders  (QdGwStore    *self,
                                       QdGwSenderList list,
                                       gint64        user_id);
gint64     qd_gw_store_add_sender     (QdGwStore    *self,
                                       QdGwSenderList list,
                                       gint64        user_id,
                                       const char   *address,
                                       gboolean     *created,
                                       GError      **error);
gboolean   qd_gw_store_remove_sender  (QdGwStore    *self,
                                       QdGwSenderList list,
                                       gint64        user_id,
                                       const char   *address);
gboolean   qd_gw_store_sender_listed  (QdGwStore    *self,
                                       QdGwSenderList list,
                                       gint64        user_id,
                                       const char   *address);
gboolean   qd_gw_store_has_entry      (QdGwStore    *self,
                                       QdGwSenderList list,
                                       gint64        user_id,
                                       const char   *entry);

/* submissions */
gint64     qd_gw_store_add_submission (QdGwStore    *self,
                                       gint64        received_at,
                                       const char   *mail_from,
                                       const char   *rcpt_to,
                                       gint64        size,
                                       const char   *path,
                                       const char   *status,
                                       GError      **error);
gboolean   qd_gw_store_add_sample     (QdGwStore    *self,
                                       QdGwSample   *sample,
                                       GError      **error);
gboolean   qd_gw_store_is_reported    (QdGwStore    *self,
                                       const char   *sha256);
char      *qd_gw_store_dump_submissions (QdGwStore  *self);

/* mail-system mode */
char      *qd_gw_store_ensure_setting (QdGwStore    *self,
                                       const char   *name,
                                       const char   *value,
                                       GError      **error);
QdGwItem  *qd_gw_store_find_item      (QdGwStore    *self,
                                       gint64        item_id);
GPtrArray *qd_gw_store_releasing_items (QdGwStore   *self,
                                        GError     **error);
/* held from rspamd */
GPtrArray *qd_gw_store_find_users_by_address (QdGwStore  *self,
                                              const char *address);
gint64     qd_gw_store_find_queued_item (QdGwStore     *self,
                                         const char    *queue_id,
                                         const char    *recipient);
gboolean   qd_gw_store_set_item_origin (QdGwStore    *self,
                                        gint64        item_id,
                                        const char   *queue_id,
                                        const char   *message_id,
                                        GError      **error);
gint64     qd_gw_store_find_retried_item (QdGwStore  *self,
                                          const char *recipient,
                                          const char *envelope_sender,
                                          const char *message_id,
                                          gint64      since);
void       qd_gw_store_set_synchronous_full (QdGwStore *self,
                                             gboolean   full);
GPtrArray *qd_gw_store_list_sender_map (QdGwStore      *self,
                                        QdGwSenderList  list);
gint64     qd_gw_store_get_senders_changed_at (QdGwStore *self);

G_END_DECLS
