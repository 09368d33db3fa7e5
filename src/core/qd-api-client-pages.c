/* qd-api-client-pages.c — every page of a listing, in order
 *
 * The next page is asked for as soon as its cursor is known, which with a
 * Link header is before this page's body is parsed: the parsing then
 * overlaps the gateway's work on the next page instead of adding to it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "qd-api-client-private.h"
#include "qd-api-error.h"
#include "qd-task-private.h"

typedef struct
{
  QdItemPage *page;
  GError     *error;
  gboolean    done;        /* parsed, or failed */
  char       *next_asked;  /* the cursor the next page was asked for with, from the
                            * Link header; the body must name the same */
} Slot;

typedef struct
{
  QdApiClient    *client;
  QdQuery        *query;
  guint           page_size;
  guint           max;
  guint           seen;         /* items handed over */
  QdItemPageFunc  each;
  gpointer        each_data;
  GQueue          slots;        /* Slot, in page order */
  gboolean        fetching;
  gboolean        finished;     /* the task has returned */
  GCancellable   *cancellable;  /* ours: stops what is in flight after a failure */
  GCancellable   *caller;
  gulong          caller_id;
} Pages;

/* what a request or a parse in flight needs */
typedef struct
{
  GTask *task;
  Slot  *slot;
} Call;

static void fetch (GTask      *task,
                   const char *cursor);

static void
slot_free (Slot *slot)
{
  g_clear_pointer (&slot->page, qd_item_page_free);
  g_clear_error (&slot->error);
  g_free (slot->next_asked);
  g_free (slot);
}

static void
pages_free (Pages *pages)
{
  if (pages->caller != NULL)
    g_cancellable_disconnect (pages->caller, pages->caller_id);
  g_clear_object (&pages->caller);
  g_clear_object (&pages->cancellable);
  g_queue_clear_full (&pages->slots, (GDestroyNotify)slot_free);
  qd_query_unref (pages->query);
  g_object_unref (pages->client);
  g_free (pages);
}

static Call *
call_new (GTask *task,
          Slot  *slot)
{
  Call *call = g_new (Call, 1);

  call->task = g_object_ref (task);
  call->slot = slot;
  return call;
}

static void
call_free (Call *call)
{
  g_object_unref (call->task);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Call, call_free)

static void
fail (GTask  *task,
      GError *error)
{
  Pages *pages = g_task_get_task_data (task);

  pages->finished = TRUE;
  g_cancellable_cancel (pages->cancellable);
  g_task_return_error (task, error);
}

/* Hands over the parsed pages at the head of the queue, in order, then
 * asks for the next one if no Link header did. */
static void
deliver (GTask *task)
{
  Pages *pages = g_task_get_task_data (task);
  Slot *slot;

  while (!pages->finished && (slot = g_queue_peek_head (&pages->slots)) != NULL && slot->done)
    {
      g_autofree char *next = NULL;

      g_queue_pop_head (&pages->slots);
      /* Cancelled by @each, say: pages parsed meanwhile are not handed over. */
      if (slot->error == NULL)
        g_cancellable_set_error_if_cancelled (pages->cancellable, &slot->error);
      if (slot->error != NULL)
        {
          fail (task, g_steal_pointer (&slot->error));
          slot_free (slot);
          return;
        }
      pages->seen += slot->page->items->len;
      if (slot->next_asked == NULL)
        next = g_strdup (slot->page->next_cursor);
      pages->each (g_steal_pointer (&slot->page), pages->each_data);
      slot_free (slot);
      if (next != NULL && (pages->max == 0 || pages->seen < pages->max))
        fetch (task, next);
    }

  if (!pages->finished && !pages->fetching && g_queue_is_empty (&pages->slots))
    {
      pages->finished = TRUE;
      g_task_return_boolean (task, TRUE);
    }
}

static void
parsed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  Pages *pages = g_task_get_task_data (call->task);

  call->slot->page = qd_item_page_parse_finish (result, &call->slot->error);
  /* The header is a hint and the body is what counts: if they disagree,
   * the page asked for may not be the next one, and nothing after this
   * page can be trusted to be whole. */
  if (call->slot->page != NULL && call->slot->next_asked != NULL &&
      g_strcmp0 (call->slot->page->next_cursor, call->slot->next_asked) != 0)
    {
      g_clear_pointer (&call->slot->page, qd_item_page_free);
      call->slot->error = qd_api_error_new_bad_response (qd_api_client_get_host (pages->client));
    }
  call->slot->done = TRUE;
  if (!pages->finished)
    deliver (call->task);
}

static void
fetched_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  Pages *pages = g_task_get_task_data (call->task);
  g_autofree char *next = NULL;
  g_autoptr(GBytes) body = NULL;

  body = qd_api_client_list_raw_finish (pages->client, result, &next, &call->slot->error);
  pages->fetching = FALSE;
  if (pages->finished)
    return;
  if (body == NULL)
    {
      /* The pages before this one are handed over first. */
      call->slot->done = TRUE;
      deliver (call->task);
      return;
    }

  /* With a @max the size of the next page depends on what this one holds;
   * such listings are short anyway. */
  if (next != NULL && pages->max == 0)
    {
      call->slot->next_asked = g_strdup (next);
      fetch (call->task, next);
    }
  qd_item_page_parse_async (body, qd_api_client_get_host (pages->client), pages->cancellable,
                            parsed_cb, call_new (call->task, call->slot));
}

static void
fetch (GTask      *task,
       const char *cursor)
{
  Pages *pages = g_task_get_task_data (task);
  Slot *slot = g_new0 (Slot, 1);
  guint want = pages->page_size;

  if (pages->max > 0)
    want = MIN (want, pages->max - pages->seen);
  g_queue_push_tail (&pages->slots, slot);
  pages->fetching = TRUE;
  qd_api_client_list_raw_async (pages->client, pages->query, cursor, want, pages->cancellable,
                                fetched_cb, call_new (task, slot));
}

static void
info_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Pages *pages = g_task_get_task_data (task);
  g_autoptr(QdGatewayInfo) info = NULL;

  /* Without /info, pages of the API's default size still list it all;
   * whatever kept /info from answering is met again on the first page. */
  info = qd_api_client_get_info_finish (QD_API_CLIENT (object), result, NULL);
  if (info != NULL)
    pages->page_size = info->max_page_size;
  fetch (task, NULL);
}

static void
caller_cancelled_cb (GCancellable *caller,
                     GCancellable *ours)
{
  g_cancellable_cancel (ours);
}

/**
 * qd_api_client_list_pages_async:
 * @max: stop after this many items; 0 for every one
 * @each: called on the calling thread's main context with each page, in
 *   order, which it takes
 *
 * Lists every message matching @query, page by page in pages of the
 * gateway's largest size (asking /info for it first if this client has
 * not).  On failure the pages before it have been handed to @each, and
 * the task returns the error.
 */
void
qd_api_client_list_pages_async (QdApiClient         *self,
                                const QdQuery       *query,
                                guint                max,
                                QdItemPageFunc       each,
                                gpointer             each_data,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  QdGatewayInfo *info;
  Pages *pages;

  g_return_if_fail (QD_IS_API_CLIENT (self));
  g_return_if_fail (each != NULL);

  task = qd_task_new (self, qd_api_client_list_pages_async, cancellable, callback, user_data);
  info = qd_api_client_get_cached_info (self);
  pages = g_new0 (Pages, 1);
  pages->client = g_object_ref (self);
  pages->query = qd_query_copy (query);
  pages->page_size = info != NULL ? info->max_page_size : 100;
  pages->max = max;
  pages->each = each;
  pages->each_data = each_data;
  g_queue_init (&pages->slots);
  pages->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      pages->caller = g_object_ref (cancellable);
      pages->caller_id = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb),
                                                pages->cancellable, NULL);
    }
  g_task_set_task_data (task, pages, (GDestroyNotify)pages_free);
  /* The pages are as large as the gateway allows: /info says how large,
   * once per client. */
  if (info != NULL)
    fetch (task, NULL);
  else
    qd_api_client_get_info_async (self, pages->cancellable, info_cb, g_object_ref (task));
}

gboolean
qd_api_client_list_pages_finish (QdApiClient   *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return qd_task_finish_boolean (result, self, qd_api_client_list_pages_async, error);
}

/* every id matching a query ("all matching the filter") */

static void
add_ids (QdItemPage *page,
         gpointer    user_data)
{
  g_autoptr(QdItemPage) owned = page;
  GStrvBuilder *ids = user_data;

  for (guint i = 0; i < page->items->len; i++)
    g_strv_builder_add (ids, qd_item_get_id (g_ptr_array_index (page->items, i)));
}

static void
list_ids_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!qd_api_client_list_pages_finish (QD_API_CLIENT (object), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_strv_builder_end (g_task_get_task_data (task)),
                           (GDestroyNotify)g_strfreev);
}

/**
 * qd_api_client_list_ids_async:
 *
 * The ids of every message matching @query, in the query's order.
 */
void
qd_api_client_list_ids_async (QdApiClient         *self,
                              const QdQuery       *query,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task = qd_task_new (self, qd_api_client_list_ids_async, cancellable, callback, user_data);
  GStrvBuilder *ids = g_strv_builder_new ();

  g_task_set_task_data (task, ids, (GDestroyNotify)g_strv_builder_unref);
  qd_api_client_list_pages_async (self, query, 0, add_ids, ids, cancellable, list_ids_cb, task);
}

GStrv
qd_api_client_list_ids_finish (QdApiClient   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return qd_task_finish_pointer (result, self, qd_api_client_list_ids_async, error);
}
