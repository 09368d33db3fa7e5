/* qd-item-source.c — the calls every source of messages answers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "qd-item.h"
#include "qd-item-source.h"
#include "qd-task-private.h"

#define LIST_IDS_PAGE 1000   /* ids asked for a page, listing them all */

G_DEFINE_INTERFACE (QdItemSource, qd_item_source, G_TYPE_OBJECT)

static void
qd_item_source_default_init (QdItemSourceInterface *iface)
{
}

QdSourceFeatures
qd_item_source_get_features (QdItemSource *self)
{
  g_return_val_if_fail (QD_IS_ITEM_SOURCE (self), QD_SOURCE_FEATURE_NONE);
  return QD_ITEM_SOURCE_GET_IFACE (self)->get_features (self);
}

/* Every action the source may ever offer; each item says which of them it allows. */
QdActions
qd_item_source_get_actions (QdItemSource *self)
{
  g_return_val_if_fail (QD_IS_ITEM_SOURCE (self), QD_ACTION_NONE);
  return QD_ITEM_SOURCE_GET_IFACE (self)->get_actions (self);
}

/**
 * qd_item_source_list_async:
 * @cursor: (nullable): the next_cursor of the page before, NULL for the first
 *
 * Lists one page of what matches @query.  A first page (no cursor) looks
 * again: its total and the cursors after it belong to that listing.
 */
void
qd_item_source_list_async (QdItemSource        *self,
                           const QdQuery       *query,
                           const char          *cursor,
                           guint                limit,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (QD_IS_ITEM_SOURCE (self));
  QD_ITEM_SOURCE_GET_IFACE (self)->list_async (self, query, cursor, limit, cancellable,
                                               callback, user_data);
}

QdItemPage *
qd_item_source_list_finish (QdItemSource  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (QD_IS_ITEM_SOURCE (self), NULL);
  return QD_ITEM_SOURCE_GET_IFACE (self)->list_finish (self, result, error);
}

/* Whether the source can list a page anywhere (qd_item_source_list_at_async ()). */
gboolean
qd_item_source_can_list_at (QdItemSource *self)
{
  g_return_val_if_fail (QD_IS_ITEM_SOURCE (self), FALSE);
  return QD_ITEM_SOURCE_GET_IFACE (self)->list_at_async != NULL;
}

/**
 * qd_item_source_list_at_async:
 * @position: where the page starts in the listing, from 0
 * @cursor: (nullable): the next_cursor of the page that ends at
 *   @position, when there is one: the source may follow it instead
 * @snapshot: (nullable): the snapshot an earlier page of this listing
 *   answered; %NULL for the first
 *
 * One page anywhere in the listing, so that a view dragged to the middle
 * of 100 000 rows need not wait for every page above.  Positions count in
 * the snapshot the first page answers (page->snapshot): pages asked with
 * it, in any order, are slices of one listing, however much mail arrives
 * meanwhile.
 */
void
qd_item_source_list_at_async (QdItemSource        *self,
                              const QdQuery       *query,
                              guint                position,
                              const char          *cursor,
                              const char          *snapshot,
                              guint                limit,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (qd_item_source_can_list_at (self));
  QD_ITEM_SOURCE_GET_IFACE (self)->list_at_async (self, query, position, cursor, snapshot, limit,
                                                  cancellable, callback, user_data);
}

QdItemPage *
qd_item_source_list_at_finish (QdItemSource  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (QD_IS_ITEM_SOURCE (self), NULL);
  return QD_ITEM_SOURCE_GET_IFACE (self)->list_at_finish (self, result, error);
}

/* every id that matches, page after page, for a source without a way of its own */

typedef struct
{
  QdQuery      *query;
  GStrvBuilder *ids;
} IdsData;

static void
ids_data_free (IdsData *data)
{
  qd_query_unref (data->query);
  g_strv_builder_unref (data->ids);
  g_free (data);
}

static void
ids_page_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  IdsData *data = g_task_get_task_data (task);
  g_autoptr(QdItemPage) page = NULL;
  GCancellable *cancellable;
  GError *error = NULL;

  page = qd_item_source_list_finish (QD_ITEM_SOURCE (object), result, &error);
  if (page == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < page->items->len; i++)
    g_strv_builder_add (data->ids, qd_item_get_id (g_ptr_array_index (page->items, i)));
  if (page->next_cursor == NULL)
    {
      g_task_return_pointer (task, g_strv_builder_end (data->ids), (GDestroyNotify)g_strfreev);
      return;
    }
  /* The cancellable first: the order in which arguments are evaluated is
   * the compiler's, and g_steal_pointer () empties task. */
  cancellable = g_task_get_cancellable (task);
  qd_item_source_list_async (QD_ITEM_SOURCE (object), data->query, page->next_cursor,
                             LIST_IDS_PAGE, cancellable, ids_page_cb, g_steal_pointer (&task));
}

/**
 * qd_item_source_list_ids_async:
 * @query: (nullable): %NULL for everything in the quarantine
 *
 * Every id that matches @query, for a batch on "everything matching".  A
 * source without list_ids_async lists every page of @query for them.
 */
void
qd_item_source_list_ids_async (QdItemSource        *self,
                               const QdQuery       *query,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;
  IdsData *data;

  g_return_if_fail (QD_IS_ITEM_SOURCE (self));

  if (QD_ITEM_SOURCE_GET_IFACE (self)->list_ids_async != NULL)
    {
      QD_ITEM_SOURCE_GET_IFACE (self)->list_ids_async (self, query, cancellable, callback,
                                                       user_data);
      return;
    }
  task = qd_task_new (self, qd_item_source_list_ids_async, cancellable, callback, user_data);
  data = g_new0 (IdsData, 1);
  data->query = query != NULL ? qd_query_copy (query) : qd_query_new (QD_FOLDER_QUARANTINE);
  data->ids = g_strv_builder_new ();
  g_task_set_task_data (task, data, (GDestroyNotify)ids_data_free);
  qd_item_source_list_async (self, data->query, NULL, LIST_IDS_PAGE, cancellable, ids_page_cb,
                             task);
}

GStrv
qd_item_source_list_ids_finish (QdItemSource  *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (QD_IS_ITEM_SOURCE (self), NULL);
  if (g_async_result_is_tagged (result, qd_item_source_list_ids_async))
    return qd_task_finish_pointer (result, self, qd_item_source_list_ids_async, error);
  return QD_ITEM_SOURCE_GET_IFACE (self)->list_ids_finish (self, result, error);
}

/* The message's exact bytes, for the text-only preview. */
void
qd_item_source_get_raw_async (QdItemSource        *self,
                              const char          *id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (QD_IS_ITEM_SOURCE (self));
  QD_ITEM_SOURCE_GET_IFACE (self)->get_raw_async (self, id, cancellable, callback, user_data);
}

GBytes *
qd_item_source_get_raw_finish (QdItemSource  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (QD_IS_ITEM_SOURCE (self), NULL);
  return QD_ITEM_SOURCE_GET_IFACE (self)->get_raw_finish (self, result, error);
}

/**
 * qd_item_source_act_async:
 *
 * Does @action on @ids in batches, calling @progress after each.  The
 * result has one outcome per id, in their order; ids left when cancelled
 * are "not attempted".  The error is for a batch that could not start.
 */
void
qd_item_source_act_async (QdItemSource        *self,
                          QdActions            action,
                          const char * const  *ids,
                          gboolean             approve_sender,
                          QdProgressFunc       progress,
                          gpointer             progress_data,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (QD_IS_ITEM_SOURCE (self));
  QD_ITEM_SOURCE_GET_IFACE (self)->act_async (self, action, ids, approve_sender, progress,
                                              progress_data, cancellable, callback, user_data);
}

QdBatchResult *
qd_item_source_act_finish (QdItemSource  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (QD_IS_ITEM_SOURCE (self), NULL);
  return QD_ITEM_SOURCE_GET_IFACE (self)->act_finish (self, result, error);
}

/**
 * qd_item_source_find_async:
 * @message_ids: Message-IDs without angle brackets
 *
 * Which of @message_ids this source holds, waiting for the person: a
 * gateway's quarantine, a mailbox's folder.  A message in two places is
 * shown once, with both named.
 */
void
qd_item_source_find_async (QdItemSource        *self,
                           const char * const  *message_ids,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (QD_IS_ITEM_SOURCE (self));
  g_return_if_fail (message_ids != NULL);

  /* A source that cannot look up by Message-ID finds nothing: no error. */
  if (QD_ITEM_SOURCE_GET_IFACE (self)->find_async == NULL)
    {
      g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

      g_task_set_source_tag (task, qd_item_source_find_async);
      g_task_return_pointer (task, g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free),
                             (GDestroyNotify)g_hash_table_unref);
      return;
    }
  QD_ITEM_SOURCE_GET_IFACE (self)->find_async (self, message_ids, cancellable, callback,
                                               user_data);
}

/* Returns: (transfer container): Message-ID -> this source's item id */
GHashTable *
qd_item_source_find_finish (QdItemSource  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (QD_IS_ITEM_SOURCE (self), NULL);
  if (g_async_result_is_tagged (result, qd_item_source_find_async))
    return g_task_propagate_pointer (G_TASK (result), error);
  return QD_ITEM_SOURCE_GET_IFACE (self)->find_finish (self, result, error);
}

/**
 * qd_item_source_contains_folded:
 * @text: (nullable): a field of an item
 * @needle: search text, casefolded already (g_utf8_casefold ())
 *
 * For a source that filters by text itself, where its server cannot:
 * whether @text holds @needle, whatever the case.
 */
gboolean
qd_item_source_contains_folded (const char *text,
                                const char *needle)
{
  g_autofree char *folded = NULL;

  if (text == NULL)
    return FALSE;
  folded = g_utf8_casefold (text, -1);
  return strstr (folded, needle) != NULL;
}
