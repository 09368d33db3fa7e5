/* qd-item-source.h — where a page's messages come from: a gateway's folder or a mailbox's
 *
 * The window's lists, previews and batches ask a source, not a gateway:
 * the Quarantine Desk API's client is one source, a folder of the
 * person's own mailbox (QdMailboxSource) another.  What a source cannot
 * do, it says in its features, and the page does not offer it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "qd-batch-result.h"
#include "qd-item-page.h"
#include "qd-query.h"

G_BEGIN_DECLS

typedef enum
{
  QD_SOURCE_FEATURE_NONE            = 0,
  QD_SOURCE_FEATURE_SORT            = 1 << 0,  /* any QdSortColumn, else newest first only */
  QD_SOURCE_FEATURE_FILTER_REASON   = 1 << 1,
  QD_SOURCE_FEATURE_FILTER_CATEGORY = 1 << 2,
} QdSourceFeatures;

/* Called on the main context after each batch of a long action. */
typedef void (*QdProgressFunc) (guint    done,
                                guint    total,
                                gpointer user_data);

#define QD_TYPE_ITEM_SOURCE (qd_item_source_get_type ())

G_DECLARE_INTERFACE (QdItemSource, qd_item_source, QD, ITEM_SOURCE, GObject)

struct _QdItemSourceInterface
{
  GTypeInterface parent_iface;

  QdSourceFeatures (*get_features)   (QdItemSource         *self);
  QdActions        (*get_actions)    (QdItemSource         *self);

  void             (*list_async)     (QdItemSource         *self,
                                      const QdQuery        *query,
                                      const char           *cursor,
                                      guint                 limit,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
  QdItemPage      *(*list_finish)    (QdItemSource         *self,
                                      GAsyncResult         *result,
                                      GError              **error);
  /* Optional: a page anywhere, by position, in a snapshot. */
  void             (*list_at_async)  (QdItemSource         *self,
                                      const QdQuery        *query,
                                      guint                 position,
                                      const char           *cursor,
                                      const char           *snapshot,
                                      guint                 limit,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
  QdItemPage      *(*list_at_finish) (QdItemSource         *self,
                                      GAsyncResult         *result,
                                      GError              **error);
  /* Optional: without it, every page of the listing is read for the ids. */
  void             (*list_ids_async) (QdItemSource         *self,
                                      const QdQuery        *query,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
  GStrv            (*list_ids_finish) (QdItemSource        *self,
                                       GAsyncResult        *result,
                                       GError             **error);
  void             (*get_raw_async)  (QdItemSource         *self,
                                      const char           *id,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
  GBytes          *(*get_raw_finish) (QdItemSource         *self,
                                      GAsyncResult         *result,
                                      GError              **error);
  void             (*act_async)      (QdItemSource         *self,
                                      QdActions             action,
                                      const char * const   *ids,
                                      gboolean              approve_sender,
                                      QdProgressFunc        progress,
                                      gpointer              progress_data,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
  QdBatchResult   *(*act_finish)     (QdItemSource         *self,
                                      GAsyncResult         *result,
                                      GError              **error);
  /* Optional: without it, nothing is found. */
  void             (*find_async)     (QdItemSource         *self,
                                      const char * const   *message_ids,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
  GHashTable      *(*find_finish)    (QdItemSource         *self,
                                      GAsyncResult         *result,
                                      GError              **error);
};

QdSourceFeatures qd_item_source_get_features   (QdItemSource         *self);
QdActions        qd_item_source_get_actions    (QdItemSource         *self);
void             qd_item_source_list_async     (QdItemSource         *self,
                                                const QdQuery        *query,
                                                const char           *cursor,
                                                guint                 limit,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
QdItemPage      *qd_item_source_list_finish    (QdItemSource         *self,
                                                GAsyncResult         *result,
                                                GError              **error);
gboolean         qd_item_source_can_list_at    (QdItemSource         *self);
void             qd_item_source_list_at_async  (QdItemSource         *self,
                                                const QdQuery        *query,
                                                guint                 position,
                                                const char           *cursor,
                                                const char           *snapshot,
                                                guint                 limit,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
QdItemPage      *qd_item_source_list_at_finish (QdItemSource         *self,
                                                GAsyncResult         *result,
                                                GError              **error);
void             qd_item_source_list_ids_async (QdItemSource         *self,
                                                const QdQuery        *query,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
GStrv            qd_item_source_list_ids_finish (QdItemSource        *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
void             qd_item_source_get_raw_async  (QdItemSource         *self,
                                                const char           *id,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
GBytes          *qd_item_source_get_raw_finish (QdItemSource         *self,
                                                GAsyncResult         *result,
                                                GError              **error);
void             qd_item_source_act_async      (QdItemSource         *self,
                                                QdActions             action,
                                                const char * const   *ids,
                                                gboolean              approve_sender,
                                                QdProgressFunc        progress,
                                                gpointer              progress_data,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
QdBatchResult   *qd_item_source_act_finish     (QdItemSource         *self,
                                                GAsyncResult         *result,
                                                GError              **error);
void             qd_item_source_find_async     (QdItemSource         *self,
                                                const char * const   *message_ids,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
GHashTable      *qd_item_source_find_finish    (QdItemSource         *self,
                                                GAsyncResult         *result,
                                                GError              **error);
gboolean         qd_item_source_contains_folded (const char          *text,
                                                 const char          *needle);

G_END_DECLS
