/* qd-mailbox-source.c — a mailbox folder listed in pages, previewed and moved, for a page
 *
 * A listing is a search: the UIDs that match, newest first, fetched page
 * by page.  A first page (no cursor) searches again; the cursors after it
 * name that search ("GENERATION:OFFSET"), so pages of an older search are
 * never mixed into a newer one.  The last few searches are kept, enough
 * for a list being read while the window looks for new mail.
 *
 * Items are named "UIDVALIDITY:UID": a move with a UID from before the
 * folder was renumbered moves nothing (QdMailbox checks UIDVALIDITY).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>

#include "qd-batch-run.h"
#include "qd-error.h"
#include "qd-item.h"
#include "qd-mailbox-source.h"
#include "qd-sender-entry.h"
#include "qd-task-private.h"

#define LISTINGS_KEPT 4

struct _QdMailboxSource
{
  GObject          parent_instance;

  QdMailbox       *mailbox;
  QdMailboxFolder  folder;
  QdGateway       *approver;   /* where moving to the Inbox may approve senders */
  guint            generation;
  GHashTable      *listings;   /* generation -> QdMailboxListing */
};

static void item_source_iface_init (QdItemSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (QdMailboxSource, qd_mailbox_source, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (QD_TYPE_ITEM_SOURCE, item_source_iface_init))

static QdFolder
page_folder (QdMailboxSource *self)
{
  return self->folder == QD_MAILBOX_FOLDER_JUNK ? QD_FOLDER_JUNK : QD_FOLDER_QUARANTINE;
}

static QdActions
item_actions (QdMailboxSource *self)
{
  if (self->folder != QD_MAILBOX_FOLDER_JUNK)
    return QD_ACTION_NONE;
  return QD_ACTION_MOVE_TO_INBOX | QD_ACTION_DELETE |
         (self->approver != NULL ? QD_ACTION_APPROVE_SENDER : QD_ACTION_NONE);
}

/* "A:B", two numbers as ids ("UIDVALIDITY:UID") and cursors
 * ("GENERATION:OFFSET") write them; B at least @min_second. */
static gboolean
parse_pair (const char *text,
            guint64     min_second,
            guint32    *first,
            guint32    *second)
{
  g_auto(GStrv) parts = text != NULL ? g_strsplit (text, ":", 3) : NULL;
  guint64 a, b;

  if (parts == NULL || g_strv_length (parts) != 2 ||
      !g_ascii_string_to_unsigned (parts[0], 10, 1, G_MAXUINT32, &a, NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, min_second, G_MAXUINT32, &b, NULL))
    return FALSE;
  *first = a;
  *second = b;
  return TRUE;
}

/* A message's id, "UIDVALIDITY:UID": it names the message in its folder for
 * as long as the folder's UIDVALIDITY stays. */
char *
qd_mailbox_source_make_id (guint32 uidvalidity,
                           guint32 uid)
{
  return g_strdup_printf ("%u:%u", uidvalidity, uid);
}

gboolean
qd_mailbox_source_parse_id (const char *id,
                            guint32    *uidvalidity,
                            guint32    *uid)
{
  return parse_pair (id, 1, uidvalidity, uid);
}

static void
bad_id (GError     **error,
        const char  *id)
{
  g_set_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT,
               _("“%s” does not name a message of your mailbox. Refresh the list and try again."),
               id);
}

/* listing */

typedef struct
{
  guint32  generation;
  guint    offset;
  guint    limit;
} Page;

static void
keep_listing (QdMailboxSource  *self,
              QdMailboxListing *listing,
              Page             *page)
{
  page->generation = ++self->generation;
  g_hash_table_insert (self->listings, GUINT_TO_POINTER (page->generation), listing);
  if (page->generation > LISTINGS_KEPT)
    g_hash_table_remove (self->listings, GUINT_TO_POINTER (page->generation - LISTINGS_KEPT));
}

static void
items_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QdMailboxSource *self = g_task_get_source_object (task);
  Page *page = g_task_get_task_data (task);
  QdMailboxListing *listing = g_hash_table_lookup (self->listings,
                                                   GUINT_TO_POINTER (page->generation));
  g_autoptr(GPtrArray) messages = NULL;
  QdItemPage *answer;
  GError *error = NULL;

  messages = qd_mailbox_fetch_items_finish (QD_MAILBOX (object), result, &error);
  if (messages == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  answer = g_new0 (QdItemPage, 1);
  answer->items = g_ptr_array_new_full (messages->len, g_object_unref);
  for (guint i = 0; i < messages->len; i++)
    g_ptr_array_add (answer->items, qd_item_new_from_mailbox (g_ptr_array_index (messages, i),
                                                              page_folder (self),
                                                              item_actions (self)));
  /* Dropped meanwhile by a newer search: this one ends here. */
  answer->total = listing != NULL ? listing->uids->len : page->offset + messages->len;
  if (listing != NULL && page->offset + page->limit < listing->uids->len)
    answer->next_cursor = g_strdup_printf ("%u:%u", page->generation, page->offset + page->limit);
  /* A listing is a list of UIDs: positions in it hold still by themselves. */
  answer->snapshot = g_strdup_printf ("%u", page->generation);
  g_task_return_pointer (task, answer, (GDestroyNotify)qd_item_page_free);
}

static void
fetch_page (GTask            *task,
            QdMailboxListing *listing)
{
  QdMailboxSource *self = g_task_get_source_object (task);
  Page *page = g_task_get_task_data (task);

  qd_mailbox_fetch_items_async (self->mailbox, listing, page->offset, page->limit,
                                g_task_get_cancellable (task), items_cb, g_object_ref (task));
}

static void
searched_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QdMailboxSource *self = g_task_get_source_object (task);
  QdMailboxListing *listing;
  GError *error = NULL;

  listing = qd_mailbox_list_finish (QD_MAILBOX (object), result, &error);
  if (listing == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  keep_listing (self, listing, g_task_get_task_data (task));
  fetch_page (task, listing);
}

/* The page at @offset of listing @generation, or of a new listing of
 * @query when @generation is 0. */
static void
start_page (QdMailboxSource *self,
            GTask           *task,
            const QdQuery   *query,
            guint32          generation,
            guint            offset,
            guint            limit)
{
  Page *page = g_new0 (Page, 1);
  QdMailboxListing *listing;
  g_autoptr(QdQuery) copy = NULL;

  page->generation = generation;
  page->offset = offset;
  page->limit = MAX (limit, 1);
  g_task_set_task_data (task, page, g_free);
  if (generation == 0)
    {
      copy = query != NULL ? qd_query_copy (query) : NULL;
      qd_mailbox_list_async (self->mailbox, self->folder, copy, g_task_get_cancellable (task),
                             searched_cb, task);
      return;
    }
  listing = g_hash_table_lookup (self->listings, GUINT_TO_POINTER (generation));
  if (listing == NULL)
    {
      g_task_return_new_error (task, QD_ERROR, QD_ERROR_NOT_FOUND, "%s",
                               _("The folder was listed again meanwhile. Refresh the list to "
                                 "see what it holds now."));
      g_object_unref (task);
      return;
    }
  fetch_page (task, listing);
  g_object_unref (task);
}

static void
list_async (QdItemSource        *source,
            const QdQuery       *query,
            const char          *cursor,
            guint                limit,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  QdMailboxSource *self = QD_MAILBOX_SOURCE (source);
  GTask *task = qd_task_new (self, list_async, cancellable, callback, user_data);
  guint32 generation = 0, offset = 0;

  if (cursor != NULL && !parse_pair (cursor, 0, &generation, &offset))
    {
      g_task_return_new_error (task, QD_ERROR, QD_ERROR_INVALID_INPUT, "%s",
                               _("The list could not be continued. Refresh it and try again."));
      g_object_unref (task);
      return;
    }
  start_page (self, task, query, generation, offset, limit);
}

/* A page anywhere: the snapshot is the listing's generation. */
static void
list_at_async (QdItemSource        *source,
               const QdQuery       *query,
               guint                position,
               const char          *cursor,
               const char          *snapshot,
               guint                limit,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  QdMailboxSource *self = QD_MAILBOX_SOURCE (source);
  GTask *task = qd_task_new (self, list_async, cancellable, callback, user_data);
  guint64 generation = 0;

  if (snapshot != NULL &&
      !g_ascii_string_to_unsigned (snapshot, 10, 1, G_MAXUINT32, &generation, NULL))
    {
      g_task_return_new_error (task, QD_ERROR, QD_ERROR_INVALID_INPUT, "%s",
                               _("The list could not be continued. Refresh it and try again."));
      g_object_unref (task);
      return;
    }
  start_page (self, task, query, generation, position, limit);
}

static QdItemPage *
list_finish (QdItemSource  *source,
             GAsyncResult  *result,
             GError       **error)
{
  return qd_task_finish_pointer (result, source, list_async, error);
}

/* every id that matches */

static void
ids_searched_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(QdMailboxListing) listing = NULL;
  GPtrArray *ids;
  GError *error = NULL;

  listing = qd_mailbox_list_finish (QD_MAILBOX (object), result, &error);
  if (listing == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  ids = g_ptr_array_new_full (listing->uids->len + 1, NULL);
  for (guint i = 0; i < listing->uids->len; i++)
    g_ptr_array_add (ids, qd_mailbox_source_make_id (listing->uidvalidity,
                                                     g_array_index (listing->uids, guint32, i)));
  g_ptr_array_add (ids, NULL);
  g_task_return_pointer (task, g_ptr_array_free (ids, FALSE), (GDestroyNotify)g_strfreev);
}

static void
list_ids_async (QdItemSource        *source,
                const QdQuery       *query,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  QdMailboxSource *self = QD_MAILBOX_SOURCE (source);
  GTask *task = qd_task_new (self, list_ids_async, cancellable, callback, user_data);
  g_autoptr(QdQuery) copy = query != NULL ? qd_query_copy (query) : NULL;

  qd_mailbox_list_async (self->mailbox, self->folder, copy, cancellable, ids_searched_cb, task);
}

static GStrv
list_ids_finish (QdItemSource  *source,
                 GAsyncResult  *result,
                 GError       **error)
{
  return qd_task_finish_pointer (result, source, list_ids_async, error);
}

/* the bytes, for the preview */

static void
raw_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GBytes *raw = qd_mailbox_fetch_raw_finish (QD_MAILBOX (object), result, &error);

  qd_task_return_pointer_or_error (task, raw, (GDestroyNotify)g_bytes_unref, error);
}

static void
get_raw_async (QdItemSource        *source,
               const char          *id,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  QdMailboxSource *self = QD_MAILBOX_SOURCE (source);
  g_autoptr(GTask) task = qd_task_new (self, get_raw_async, cancellable, callback, user_data);
  guint32 uidvalidity, uid;
  GError *error = NULL;

  if (!qd_mailbox_source_parse_id (id, &uidvalidity, &uid))
    {
      bad_id (&error, id);
      g_task_return_error (task, error);
      return;
    }
  qd_mailbox_fetch_raw_async (self->mailbox, self->folder, uidvalidity, uid, cancellable,
                              raw_cb, g_steal_pointer (&task));
}

static GBytes *
get_raw_finish (QdItemSource  *source,
                GAsyncResult  *result,
                GError       **error)
{
  return qd_task_finish_pointer (result, source, get_raw_async, error);
}

/* finding messages held elsewhere too */

static void
found_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GHashTable) found = NULL;
  GError *error = NULL;

  items = qd_mailbox_find_finish (QD_MAILBOX (object), result, &error);
  if (items == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < items->len; i++)
    {
      QdMailboxItem *item = g_ptr_array_index (items, i);

      if (!g_hash_table_contains (found, item->message_id))
        g_hash_table_insert (found, g_strdup (item->message_id),
                             qd_mailbox_source_make_id (item->uidvalidity, item->uid));
    }
  g_task_return_pointer (task, g_steal_pointer (&found), (GDestroyNotify)g_hash_table_unref);
}

static void
find_async (QdItemSource        *source,
            const char * const  *message_ids,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  QdMailboxSource *self = QD_MAILBOX_SOURCE (source);
  GTask *task = qd_task_new (self, find_async, cancellable, callback, user_data);

  qd_mailbox_find_async (self->mailbox, self->folder, message_ids, cancellable, found_cb, task);
}

static GHashTable *
find_finish (QdItemSource  *source,
             GAsyncResult  *result,
             GError       **error)
{
  return qd_task_finish_pointer (result, source, find_async, error);
}

/* moving (and deleting, which moves nowhere), a batch at a time so that
 * progress shows and cancel stops between them; approving the senders
 * of a move at the gateway, before each batch moves */

typedef struct
{
  const char *code;
  char       *message;
} Hold;

/* Called for the ids that move too (NULL): GPtrArray does not skip them. */
static void
hold_free (Hold *hold)
{
  if (hold == NULL)
    return;
  g_free (hold->message);
  g_free (hold);
}

static Hold *
hold_new (const char *code,
          const char *message)
{
  Hold *hold = g_new (Hold, 1);

  hold->code = code;
  hold->message = g_strdup (message);
  return hold;
}

typedef struct
{
  QdActions   action;      /* MOVE_TO_INBOX or DELETE */
  QdBatchRun *run;         /* whose next is the first id of the batch in flight */
  guint       batch;       /* how many ids it has */
  guint32     uidvalidity;
  GPtrArray  *held;        /* Hold per id of the batch: why it stays, NULL to move */

  /* Approving, with the move's gateway; a sender the gateway refused
   * keeps its messages in Junk, as the gateways' own release does. */
  QdGateway  *approver;
  GPtrArray  *entries;     /* per id of the batch: its sender's list entry, or NULL */
  GPtrArray  *senders;     /* the batch's entries not asked for yet */
  guint       sender_i;
  GHashTable *approved;    /* entry -> NULL, or why the gateway refused it */
  GError     *stop;        /* the gateway stopped answering: the rest waits */
} Move;

static void
move_free (Move *move)
{
  g_clear_pointer (&move->run, qd_batch_run_free);
  g_ptr_array_unref (move->held);
  g_clear_object (&move->approver);
  g_clear_pointer (&move->entries, g_ptr_array_unref);
  g_clear_pointer (&move->senders, g_ptr_array_unref);
  g_clear_pointer (&move->approved, g_hash_table_unref);
  g_clear_error (&move->stop);
  g_free (move);
}

static void move_next (GTask *task);

/* Every id of the batch has its outcome: what was held, and what
 * @moved says of the others (in their order); then the next batch. */
static void
batch_done (GTask               *task,
            QdMailboxMoveResult *moved)
{
  Move *move = g_task_get_task_data (task);
  QdBatchRun *run = move->run;
  const char * const *ids = (const char * const *)run->ids + run->next;
  guint j = 0;

  for (guint i = 0; i < move->batch; i++)
    {
      Hold *hold = g_ptr_array_index (move->held, i);

      if (hold != NULL)
        {
          qd_batch_result_add (run->result, ids[i], FALSE, NULL, hold->code, hold->message);
          continue;
        }
      switch (g_array_index (moved->statuses, QdMailboxMoveStatus, j++))
        {
        case QD_MAILBOX_MOVE_MOVED:
          qd_batch_result_add (run->result, ids[i], TRUE,
                               move->action == QD_ACTION_DELETE ? "deleted" : "moved_to_inbox",
                               NULL, NULL);
          break;
        case QD_MAILBOX_MOVE_GONE:
          qd_batch_result_add (run->result, ids[i], FALSE, NULL, "gone_from_junk", NULL);
          break;
        case QD_MAILBOX_MOVE_FAILED:
        default:
          qd_batch_result_add (run->result, ids[i], FALSE, NULL, "move_failed",
                               moved->error != NULL ? moved->error->message : NULL);
          break;
        }
    }
  qd_batch_run_advance (run, move->batch);
  /* A batch that failed part-way lost the connection or the folder: the
   * next would fail the same way, so the rest are left for a retry. */
  if (moved->n_failed > 0)
    qd_batch_run_not_attempted (run, G_MAXUINT,
                                moved->error != NULL ? moved->error->message : NULL);
  if (move->stop != NULL)
    qd_batch_run_not_attempted (run, G_MAXUINT, move->stop->message);
  move_next (task);
}

static void
moved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  Move *move = g_task_get_task_data (task);
  g_autoptr(QdMailboxMoveResult) moved = NULL;
  GError *error = NULL;

  moved = qd_mailbox_move_finish (QD_MAILBOX (object), result, &error);
  if (moved == NULL)
    {
      /* Nothing of this batch moved (a renumbered folder, a lost
       * connection before the first command): it and the rest wait. */
      qd_batch_run_stop (move->run, task, error);
      return;
    }
  batch_done (task, moved);
}

/* The UIDs of the batch's ids that are not held. */
static GArray *
batch_uids (Move *move)
{
  GArray *uids = g_array_sized_new (FALSE, FALSE, sizeof (guint32), move->batch);

  for (guint i = 0; i < move->batch; i++)
    {
      guint32 uidvalidity = 0, uid = 0;

      if (g_ptr_array_index (move->held, i) != NULL)
        continue;
      /* Checked for every id before the first batch. */
      qd_mailbox_source_parse_id (move->run->ids[move->run->next + i], &uidvalidity, &uid);
      g_array_append_val (uids, uid);
    }
  return uids;
}

/* Moves the batch's ids that are not held. */
static void
move_batch (GTask *task)
{
  QdMailboxSource *self = g_task_get_source_object (task);
  Move *move = g_task_get_task_data (task);
  g_autoptr(GArray) uids = batch_uids (move);

  /* Every one held: nothing to ask the server. */
  if (uids->len == 0)
    {
      g_autoptr(GArray) statuses = g_array_new (FALSE, FALSE, sizeof (QdMailboxMoveStatus));
      QdMailboxMoveResult none = { uids, statuses, 0, 0, 0, NULL };

      batch_done (task, &none);
      return;
    }
  /* Not the task's cancellable: a batch once started finishes, so that
   * the result says exactly which of its messages moved. */
  qd_mailbox_move_async (self->mailbox, self->folder,
                         move->action == QD_ACTION_DELETE ? QD_MAILBOX_FOLDER_NONE
                                                          : QD_MAILBOX_FOLDER_INBOX,
                         move->uidvalidity, (const guint32 *)uids->data, uids->len, NULL,
                         moved_cb, task);
}

/* Every sender asked: the messages of those not approved stay. */
static void
hold_unapproved (Move *move)
{
  for (guint i = 0; i < move->batch; i++)
    {
      const char *entry = g_ptr_array_index (move->entries, i);
      const char *refused;

      if (entry == NULL || g_ptr_array_index (move->held, i) != NULL)
        continue;
      if (!g_hash_table_lookup_extended (move->approved, entry, NULL, (gpointer *)&refused))
        g_ptr_array_index (move->held, i) = hold_new ("sender_list", move->stop->message);
      else if (refused != NULL)
        g_ptr_array_index (move->held, i) = hold_new ("sender_list", refused);
    }
}

static void approve_next (GTask *task);

static void
approved_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  Move *move = g_task_get_task_data (task);
  const char *entry = g_ptr_array_index (move->senders, move->sender_i);
  GError *error = NULL;

  if (qd_gateway_change_sender_finish (QD_GATEWAY (object), result, &error))
    g_hash_table_insert (move->approved, g_strdup (entry), NULL);
  /* The gateway answered for this address (refused it; its list is full,
   * where an address already on it still passes): the others are asked. */
  else if (g_error_matches (error, QD_ERROR, QD_ERROR_INVALID_INPUT) ||
           g_error_matches (error, QD_ERROR, QD_ERROR_GATEWAY) ||
           g_error_matches (error, QD_ERROR, QD_ERROR_NOT_FOUND))
    {
      g_hash_table_insert (move->approved, g_strdup (entry), g_strdup (error->message));
      g_error_free (error);
    }
  else
    move->stop = error;
  move->sender_i++;
  approve_next (task);
}

static void
approve_next (GTask *task)
{
  Move *move = g_task_get_task_data (task);

  /* What was approved moves; the rest waits. */
  if (move->stop == NULL && move->sender_i < move->senders->len &&
      g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    move->stop = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                      _("Cancelled before it was moved."));
  if (move->stop != NULL || move->sender_i >= move->senders->len)
    {
      hold_unapproved (move);
      move_batch (task);
      return;
    }
  qd_gateway_change_sender_async (move->approver, QD_SENDER_LIST_APPROVED,
                                  g_ptr_array_index (move->senders, move->sender_i), TRUE, NULL,
                                  approved_cb, task);
}

static void
senders_fetched_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  Move *move = g_task_get_task_data (task);
  QdBatchRun *run = move->run;
  QdGatewayKind kind = qd_gateway_get_kind (move->approver);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GHashTable) by_uid = NULL;
  GError *error = NULL;

  items = qd_mailbox_fetch_items_finish (QD_MAILBOX (object), result, &error);
  if (items == NULL)
    {
      qd_batch_run_stop (run, task, error);
      return;
    }
  by_uid = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < items->len; i++)
    {
      QdMailboxItem *item = g_ptr_array_index (items, i);

      g_hash_table_insert (by_uid, GUINT_TO_POINTER (item->uid), item);
    }
  g_ptr_array_set_size (move->entries, 0);
  g_ptr_array_set_size (move->entries, move->batch);
  g_ptr_array_set_size (move->senders, 0);
  for (guint i = 0; i < move->batch; i++)
    {
      guint32 uidvalidity = 0, uid = 0;
      QdMailboxItem *item;
      char *entry;

      qd_mailbox_source_parse_id (run->ids[run->next + i], &uidvalidity, &uid);
      /* Gone meanwhile: the move says so. */
      item = g_hash_table_lookup (by_uid, GUINT_TO_POINTER (uid));
      if (item == NULL)
        continue;
      entry = item->from_address != NULL
        ? qd_sender_entry_parse (kind, item->from_address, NULL) : NULL;
      if (entry == NULL)
        {
          g_ptr_array_index (move->held, i) =
            hold_new ("sender_unknown",
                      _("Its sender has no address that can be approved, so it stayed in "
                        "Junk. Move it to the Inbox without approving its sender."));
          continue;
        }
      g_ptr_array_index (move->entries, i) = entry;
      if (!g_hash_table_contains (move->approved, entry) &&
          !g_ptr_array_find_with_equal_func (move->senders, entry, g_str_equal, NULL))
        g_ptr_array_add (move->senders, entry);
    }
  move->sender_i = 0;
  approve_next (task);
}

/* The senders of the batch's messages, from their From headers. */
static void
fetch_senders (GTask *task)
{
  QdMailboxSource *self = g_task_get_source_object (task);
  Move *move = g_task_get_task_data (task);
  g_autoptr(GArray) uids = batch_uids (move);   /* none held yet */
  QdMailboxListing batch = { self->folder, NULL, move->uidvalidity, uids };

  qd_mailbox_fetch_items_async (self->mailbox, &batch, 0, uids->len, NULL, senders_fetched_cb,
                                task);
}

static void
move_next (GTask *task)
{
  Move *move = g_task_get_task_data (task);
  QdBatchRun *run = move->run;

  if (qd_batch_run_return_if_over (run, task,
                                   move->action == QD_ACTION_DELETE
                                   ? _("Cancelled before it was deleted.")
                                   : _("Cancelled before it was moved.")))
    return;

  move->batch = MIN (QD_MAILBOX_MOVE_BATCH, run->n_ids - run->next);
  g_ptr_array_set_size (move->held, 0);
  g_ptr_array_set_size (move->held, move->batch);
  if (move->approver != NULL)
    fetch_senders (task);
  else
    move_batch (task);
}

static void
act_async (QdItemSource        *source,
           QdActions            action,
           const char * const  *ids,
           gboolean             approve_sender,
           QdProgressFunc       progress,
           gpointer             progress_data,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  QdMailboxSource *self = QD_MAILBOX_SOURCE (source);
  GTask *task = qd_task_new (self, act_async, cancellable, callback, user_data);
  Move *move = g_new0 (Move, 1);

  g_task_set_task_data (task, move, (GDestroyNotify)move_free);
  move->run = qd_batch_run_new (ids, progress, progress_data);
  move->action = action;
  move->held = g_ptr_array_new_with_free_func ((GDestroyNotify)hold_free);
  if ((action != QD_ACTION_MOVE_TO_INBOX && action != QD_ACTION_DELETE) ||
      self->folder == QD_MAILBOX_FOLDER_INBOX)
    {
      g_task_return_new_error (task, QD_ERROR, QD_ERROR_INVALID_INPUT, "%s",
                               _("Your mailbox can only move messages from Junk to the Inbox, "
                                 "or delete them from Junk."));
      g_object_unref (task);
      return;
    }
  if (approve_sender && (action != QD_ACTION_MOVE_TO_INBOX || self->approver == NULL))
    {
      g_task_return_new_error (task, QD_ERROR, QD_ERROR_INVALID_INPUT, "%s",
                               _("Senders are approved at a gateway that keeps approved "
                                 "senders. Sign in to one to approve senders as their "
                                 "messages move to the Inbox."));
      g_object_unref (task);
      return;
    }
  if (approve_sender)
    {
      move->approver = g_object_ref (self->approver);
      move->entries = g_ptr_array_new_with_free_func (g_free);
      move->senders = g_ptr_array_new ();
      move->approved = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    }
  for (guint i = 0; i < move->run->n_ids; i++)
    {
      guint32 uidvalidity, uid;
      GError *error = NULL;

      if (!qd_mailbox_source_parse_id (move->run->ids[i], &uidvalidity, &uid))
        {
          bad_id (&error, move->run->ids[i]);
          g_task_return_error (task, error);
          g_object_unref (task);
          return;
        }
      /* The ids of one listing share a UIDVALIDITY; mixed ones are stale. */
      if (i == 0)
        move->uidvalidity = uidvalidity;
      else if (uidvalidity != move->uidvalidity)
        {
          g_task_return_new_error (task, QD_ERROR, QD_ERROR_NOT_FOUND, "%s",
                                   _("The folder was renumbered on the server since it was "
                                     "listed, so nothing was moved. Refresh the list and try "
                                     "again."));
          g_object_unref (task);
          return;
        }
    }
  move_next (task);
}

static QdBatchResult *
act_finish (QdItemSource  *source,
            GAsyncResult  *result,
            GError       **error)
{
  return qd_task_finish_pointer (result, source, act_async, error);
}

/* Newest first only, filtered by time, text and the gateway's category header. */
static QdSourceFeatures
get_features (QdItemSource *source)
{
  return QD_SOURCE_FEATURE_FILTER_CATEGORY;
}

static QdActions
get_actions (QdItemSource *source)
{
  return item_actions (QD_MAILBOX_SOURCE (source));
}

static void
item_source_iface_init (QdItemSourceInterface *iface)
{
  iface->get_features = get_features;
  iface->get_actions = get_actions;
  iface->list_async = list_async;
  iface->list_finish = list_finish;
  iface->list_at_async = list_at_async;
  iface->list_at_finish = list_finish;
  iface->list_ids_async = list_ids_async;
  iface->list_ids_finish = list_ids_finish;
  iface->get_raw_async = get_raw_async;
  iface->get_raw_finish = get_raw_finish;
  iface->act_async = act_async;
  iface->act_finish = act_finish;
  iface->find_async = find_async;
  iface->find_finish = find_finish;
}

/* GObject */

static void
qd_mailbox_source_finalize (GObject *object)
{
  QdMailboxSource *self = (QdMailboxSource *)object;

  g_clear_object (&self->mailbox);
  g_clear_object (&self->approver);
  g_clear_pointer (&self->listings, g_hash_table_unref);

  G_OBJECT_CLASS (qd_mailbox_source_parent_class)->finalize (object);
}

static void
qd_mailbox_source_class_init (QdMailboxSourceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = qd_mailbox_source_finalize;
}

static void
qd_mailbox_source_init (QdMailboxSource *self)
{
  self->listings = g_hash_table_new_full (NULL, NULL, NULL,
                                          (GDestroyNotify)qd_mailbox_listing_free);
}

/**
 * qd_mailbox_source_new:
 * @mailbox: a mailbox signed in
 * @folder: the folder the page shows
 */
QdMailboxSource *
qd_mailbox_source_new (QdMailbox       *mailbox,
                       QdMailboxFolder  folder)
{
  QdMailboxSource *self;

  g_return_val_if_fail (QD_IS_MAILBOX (mailbox), NULL);

  self = g_object_new (QD_TYPE_MAILBOX_SOURCE, NULL);
  self->mailbox = g_object_ref (mailbox);
  self->folder = folder;
  return self;
}

QdMailbox *
qd_mailbox_source_get_mailbox (QdMailboxSource *self)
{
  g_return_val_if_fail (QD_IS_MAILBOX_SOURCE (self), NULL);
  return self->mailbox;
}

/**
 * qd_mailbox_source_set_approver:
 * @gateway: (nullable): a gateway signed in, with
 *   %QD_GATEWAY_CAN_SENDER_LISTS
 *
 * Where moving Junk to the Inbox may approve the senders as well: their
 * items then offer %QD_ACTION_APPROVE_SENDER.  Set before the first
 * listing.
 */
void
qd_mailbox_source_set_approver (QdMailboxSource *self,
                                QdGateway       *gateway)
{
  g_return_if_fail (QD_IS_MAILBOX_SOURCE (self));
  g_return_if_fail (gateway == NULL || QD_IS_GATEWAY (gateway));

  g_set_object (&self->approver, gateway);
}
