/* qd-mailbox.h — the person's own mailbox over IMAP (libetpan): Junk, listing, moving messages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "qd-query.h"
#include "qd-smtp-client.h"

G_BEGIN_DECLS

typedef enum
{
  QD_MAILBOX_FOLDER_INBOX,
  QD_MAILBOX_FOLDER_JUNK,
  QD_MAILBOX_FOLDER_NONE,   /* where qd_mailbox_move_async () moves to delete */
} QdMailboxFolder;

/* The folders as found on the server; names in UTF-8. */
typedef struct
{
  char     *inbox;
  char     *junk;          /* NULL when the mailbox has no Junk folder */
  gboolean  junk_by_flag;  /* found by \Junk (RFC 6154), not by its name */
} QdMailboxFolders;

void qd_mailbox_folders_free (QdMailboxFolders *folders);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdMailboxFolders, qd_mailbox_folders_free)

/* One message of a listing, from its headers and the server's facts. */
typedef struct _QdMailboxItem QdMailboxItem;
struct _QdMailboxItem
{
  guint32    uid;
  guint32    uidvalidity;
  GDateTime *received_at;   /* INTERNALDATE */
  char      *from;          /* the display name, else the address */
  char      *from_address;
  char      *subject;
  gint64     size;
  char      *message_id;
  char      *category;      /* X-QD-Graymail, NULL when absent */
};

void qd_mailbox_item_free (QdMailboxItem *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdMailboxItem, qd_mailbox_item_free)

/* Which messages of a folder match a query, newest first: their UIDs,
 * fetched page by page with qd_mailbox_fetch_items_async(). */
typedef struct
{
  QdMailboxFolder  folder;
  char            *folder_name;
  guint32          uidvalidity;
  GArray          *uids;      /* guint32 */
} QdMailboxListing;

void qd_mailbox_listing_free (QdMailboxListing *listing);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdMailboxListing, qd_mailbox_listing_free)

typedef enum
{
  QD_MAILBOX_MOVE_MOVED,
  QD_MAILBOX_MOVE_GONE,      /* no longer in the folder: moved or deleted meanwhile */
  QD_MAILBOX_MOVE_FAILED,    /* not moved, or not known to be: list again and retry */
} QdMailboxMoveStatus;

typedef struct
{
  GArray *uids;       /* guint32, as asked */
  GArray *statuses;   /* QdMailboxMoveStatus, one per UID */
  guint   n_moved;
  guint   n_gone;
  guint   n_failed;
  GError *error;      /* why the FAILED ones failed, NULL when none did */
} QdMailboxMoveResult;

void qd_mailbox_move_result_free (QdMailboxMoveResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdMailboxMoveResult, qd_mailbox_move_result_free)

#define QD_MAILBOX_MOVE_BATCH 500

#define QD_TYPE_MAILBOX (qd_mailbox_get_type ())

G_DECLARE_FINAL_TYPE (QdMailbox, qd_mailbox, QD, MAILBOX, GObject)

QdMailbox           *qd_mailbox_new                 (const char           *host,
                                                     guint16               port,
                                                     QdSmtpSecurity        security,
                                                     GError              **error);
void                 qd_mailbox_set_ca_file         (QdMailbox            *self,
                                                     const char           *ca_file);
const char          *qd_mailbox_get_host            (QdMailbox            *self);
guint16              qd_mailbox_get_port            (QdMailbox            *self);
QdSmtpSecurity       qd_mailbox_get_security        (QdMailbox            *self);
char                *qd_mailbox_dup_server          (QdMailbox            *self);

void                 qd_mailbox_open_async          (QdMailbox            *self,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean             qd_mailbox_open_finish         (QdMailbox            *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
void                 qd_mailbox_connect_async       (QdMailbox            *self,
                                                     const char           *user,
                                                     const char           *password,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean             qd_mailbox_connect_finish      (QdMailbox            *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
void                 qd_mailbox_find_folders_async  (QdMailbox            *self,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
QdMailboxFolders    *qd_mailbox_find_folders_finish (QdMailbox            *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
void                 qd_mailbox_list_async          (QdMailbox            *self,
                                                     QdMailboxFolder       folder,
                                                     QdQuery              *query,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
QdMailboxListing    *qd_mailbox_list_finish         (QdMailbox            *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
void                 qd_mailbox_fetch_items_async   (QdMailbox            *self,
                                                     QdMailboxListing     *listing,
                                                     guint                 offset,
                                                     guint                 count,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
GPtrArray           *qd_mailbox_fetch_items_finish  (QdMailbox            *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
void                 qd_mailbox_fetch_raw_async     (QdMailbox            *self,
                                                     QdMailboxFolder       folder,
                                                     guint32               uidvalidity,
                                                     guint32               uid,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
GBytes              *qd_mailbox_fetch_raw_finish    (QdMailbox            *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
void                 qd_mailbox_find_async          (QdMailbox            *self,
                                                     QdMailboxFolder       folder,
                                                     const char * const   *message_ids,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
GPtrArray           *qd_mailbox_find_finish         (QdMailbox            *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
void                 qd_mailbox_move_async          (QdMailbox            *self,
                                                     QdMailboxFolder       from,
                                                     QdMailboxFolder       to,
                                                     guint32               uidvalidity,
                                                     const guint32        *uids,
                                                     guint                 n_uids,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
QdMailboxMoveResult *qd_mailbox_move_finish         (QdMailbox            *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
void                 qd_mailbox_move_to_inbox_async (QdMailbox            *self,
                                                     QdMailboxFolder       from,
                                                     guint32               uidvalidity,
                                                     const guint32        *uids,
                                                     guint                 n_uids,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
QdMailboxMoveResult *qd_mailbox_move_to_inbox_finish (QdMailbox           *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

G_END_DECLS
