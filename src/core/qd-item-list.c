/* qd-item-list.c — pages are fetched where the view asks for rows
 *
 * A source that lists by position (qd_item_source_list_at_async ()) is
 * asked for the page where the view is: a scroll bar dragged to the
 * middle of 100 000 rows shows them there, without the pages above.
 * Positions count in the snapshot the first page answered, so pages asked
 * in any order are slices of one listing; mail that arrives later comes
 * in at the top (qd_item_list_fetch_new_async ()).  A page that follows
 * one loaded goes after its cursor, which costs the gateway less.  A
 * source that lists only after a cursor is read in order, as before: rows
 * far below are placeholders until the pages above have arrived.  The
 * model never holds more than what was asked for.
 *
 * What a view sees change is kept to what GTK 4.8 handles cheaply: a
 * placeholder handed out becomes its message in place when its page
 * comes (no items-changed), and a refresh's new rows replace the old
 * ones a few at a time (swap_step ()).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "qd-item.h"
#include "qd-item-list.h"
#include "qd-task-private.h"

struct _QdItemList
{
  GObject       parent_instance;

  QdItemSource *source;
  QdQuery      *query;
  guint         page_size;
  gboolean      by_position;    /* the source lists by position */

  GPtrArray    *items;          /* one slot per row: the item; until its page came, the
                                 * placeholder handed out for it, or NULL */
  guint         n_items;        /* what the model reports */
  guint         n_loaded;       /* slots that hold a loaded item */
  gint64        total;
  char         *snapshot;       /* what positions count in, from the first page */
  guint         n_prepended;    /* new mail put on top since: not counted in the snapshot */
  GHashTable   *cursors;        /* end position of a loaded page -> its next_cursor */
  char         *next_cursor;    /* in order: after the last loaded page */
  gboolean      complete;
  gboolean      started;
  guint         wanted;         /* the row the view asked for last that is not loaded */
  gboolean      has_wanted;
  guint         dispatch_id;    /* an idle that asks for the page wanted */
  guint         loading_at;     /* where the page in flight starts */
  GHashTable   *asked;          /* positions asked for and not loaded since the last page */
  GCancellable *cancellable;
  GError       *error;

  /* Where the same messages may also be (see qd_item_list_set_twins ()). */
  QdItemSource *twins;
  QdFolder      twin_folder;
  GCancellable *twin_cancellable;
  gboolean      replacing;      /* a refresh: the old rows stay until the new page */
  /* Then they are said to be replaced a few at a time (swap_step ()): */
  GPtrArray    *outgoing;       /* the old rows, until all are said to be gone */
  guint         swapped;        /* rows at the top already said to be new */
  guint         swap_id;        /* the idle that says the next ones */

  guint              max_loaded;  /* more, and rows far from the view go */
  QdItemListKeepFunc keep;
  gpointer           keep_data;
  GDestroyNotify     keep_destroy;
};

/* GTK 4.8's list view keeps a widget for about 200 rows around where it
 * shows (GTK_LIST_VIEW_MAX_LIST_ITEMS), and builds every one anew for a
 * row replaced: 13-15 ms for a whole refresh at once.  Said in steps of
 * 50, the rows in view first, each step is a few ms, with frames drawn
 * between; rows past the first 200 have no widget and go in one. */
#define SWAP_STEP 50
#define SWAP_ROWS 200

/* Rows kept loaded at most, by default: 100 000 visited rows took the
 * window to 130 MB; 20 000 items are about 11 MB. */
#define MAX_LOADED 20000

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (QdItemList, qd_item_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_LOADING,
  PROP_COMPLETE,
  PROP_TOTAL,
  PROP_N_ITEMS,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  PAGE_LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void load_more (QdItemList *self);

/* Slots of rows not loaded are NULL. */
static void
qd_item_unref_nullable (gpointer item)
{
  if (item != NULL)
    g_object_unref (item);
}

/* The item at @position if its page came, else NULL. */
static QdItem *
loaded_at (QdItemList *self,
           guint       position)
{
  QdItem *item = position < self->items->len ? g_ptr_array_index (self->items, position) : NULL;

  return item != NULL && !qd_item_is_placeholder (item) ? item : NULL;
}

static GType
qd_item_list_get_item_type (GListModel *model)
{
  return QD_TYPE_ITEM;
}

static guint
qd_item_list_get_n_items (GListModel *model)
{
  QdItemList *self = QD_ITEM_LIST (model);

  /* While a refresh is said in steps, the old rows below keep their count. */
  return self->outgoing != NULL ? self->outgoing->len : self->n_items;
}

static gboolean
dispatch_cb (gpointer user_data)
{
  QdItemList *self = user_data;

  self->dispatch_id = 0;
  /* The wish may have been met meanwhile, by a page asked for another way
   * (the main loop was busy before this idle could run): then nothing is
   * asked, and "loading", which counted this dispatch, ends. */
  if (self->has_wanted)
    load_more (self);
  if (self->cancellable == NULL)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  return G_SOURCE_REMOVE;
}

static gpointer
qd_item_list_get_item (GListModel *model,
                       guint       position)
{
  QdItemList *self = QD_ITEM_LIST (model);
  QdItem *placeholder;

  if (self->outgoing != NULL && position >= self->swapped)
    {
      /* An old row not said to be replaced yet: as it was. */
      if (position >= self->outgoing->len)
        return NULL;
      if (g_ptr_array_index (self->outgoing, position) == NULL)
        self->outgoing->pdata[position] = qd_item_new_placeholder ();
      return g_object_ref (g_ptr_array_index (self->outgoing, position));
    }
  if (position >= self->n_items)
    return NULL;
  if (loaded_at (self, position) != NULL)
    return g_object_ref (g_ptr_array_index (self->items, position));

  /* Not loaded yet: ask for it, and stand in meanwhile.  The placeholder
   * stays in its slot, and its page fills it in place (page_cb ()). */
  placeholder = g_ptr_array_index (self->items, position);
  if (placeholder == NULL)
    {
      placeholder = qd_item_new_placeholder ();
      self->items->pdata[position] = placeholder;
    }
  g_hash_table_add (self->asked, GUINT_TO_POINTER (position));
  if (!self->replacing && self->by_position)
    {
      /* A view asks for its rows in a burst, as it lays them out: the
       * page is chosen after it, for the row asked last. */
      self->wanted = position;
      self->has_wanted = TRUE;
      if (self->dispatch_id == 0 && self->cancellable == NULL)
        self->dispatch_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, dispatch_cb,
                                             g_object_ref (self), g_object_unref);
    }
  else if (!self->replacing)
    {
      self->wanted = MAX (self->wanted, position);
      self->has_wanted = TRUE;
      load_more (self);
    }
  return g_object_ref (placeholder);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = qd_item_list_get_item_type;
  iface->get_n_items = qd_item_list_get_n_items;
  iface->get_item = qd_item_list_get_item;
}

static void
set_error (QdItemList   *self,
           const GError *error)
{
  g_clear_error (&self->error);
  if (error != NULL)
    self->error = g_error_copy (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

static void
release_items_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  g_ptr_array_unref (task_data);
}

/* Dropping 100 000 items takes the main loop 46 ms on a slow machine:
 * a frame and a half.  Items are plain objects with atomic reference
 * counts, made in a worker thread already and not changed once loaded (a
 * placeholder is filled once, here); they can go in one.  Any a row
 * still shows stays alive through the row's reference. */
static void
release_items (GPtrArray *items)
{
  g_autoptr(GTask) task = qd_task_new (NULL, release_items, NULL, NULL, NULL);

  g_task_set_task_data (task, items, NULL);
  g_task_run_in_thread (task, release_items_thread);
}

/* a refresh's rows, said in steps */

/* Says the next rows replaced; returns whether all are. */
static gboolean
swap_step (QdItemList *self)
{
  guint old_n = self->outgoing->len;
  guint head = MIN (SWAP_ROWS, MIN (old_n, self->n_items));

  if (self->swapped < head)
    {
      guint from = self->swapped;

      self->swapped = MIN (head, from + SWAP_STEP);
      g_list_model_items_changed (G_LIST_MODEL (self), from, self->swapped - from,
                                  self->swapped - from);
      return FALSE;
    }
  {
    GPtrArray *outgoing = g_steal_pointer (&self->outgoing);
    guint from = self->swapped;
    gboolean stepped = self->swap_id != 0;

    g_clear_handle_id (&self->swap_id, g_source_remove);
    g_list_model_items_changed (G_LIST_MODEL (self), from, old_n - from, self->n_items - from);
    release_items (outgoing);
    if (old_n != self->n_items)
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
    if (stepped)
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  }
  return TRUE;
}

static gboolean
swap_cb (gpointer user_data)
{
  QdItemList *self = user_data;

  if (swap_step (self))
    return G_SOURCE_REMOVE;
  return G_SOURCE_CONTINUE;
}

/* Anything else that changes the rows first says the rest of a refresh. */
static void
finish_swap (QdItemList *self)
{
  while (self->outgoing != NULL && !swap_step (self))
    ;
}

/* The first page of a refresh came: its rows replace @old_items. */
static void
swap_in (QdItemList *self,
         GPtrArray  *old_items)
{
  self->outgoing = old_items;
  self->swapped = 0;
  /* The rows in view now; the next ones after the frame is drawn. */
  if (!swap_step (self))
    self->swap_id = g_idle_add (swap_cb, self);
}

/* twins: the same message, by Message-ID, in the other place */

typedef struct
{
  QdFolder   folder;
  GPtrArray *items;     /* of this page, with a Message-ID */
} TwinsData;

static void
twins_data_free (TwinsData *data)
{
  g_ptr_array_unref (data->items);
  g_free (data);
}

static void
twins_found_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  TwinsData *data = user_data;
  g_autoptr(GHashTable) found = NULL;
  g_autoptr(GError) error = NULL;

  found = qd_item_source_find_finish (QD_ITEM_SOURCE (object), result, &error);
  /* Naming the other place is a courtesy: without it the rows stand. */
  if (found == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("item list: finding twins failed: %s", error->message);
  for (guint i = 0; found != NULL && i < data->items->len; i++)
    {
      QdItem *item = g_ptr_array_index (data->items, i);

      qd_item_set_twin (item, data->folder,
                        g_hash_table_lookup (found, qd_item_get_message_id (item)));
    }
  twins_data_free (data);
}

/* Asks the twins' source about @items from @first to @end, those of them
 * loaded and with a Message-ID. */
static void
find_twins (QdItemList *self,
            GPtrArray  *items,
            guint       first,
            guint       end)
{
  g_autoptr(GStrvBuilder) ids = NULL;
  g_auto(GStrv) strv = NULL;
  TwinsData *data;

  end = MIN (end, items->len);
  if (self->twins == NULL || first >= end)
    return;
  ids = g_strv_builder_new ();
  data = g_new0 (TwinsData, 1);
  data->folder = self->twin_folder;
  data->items = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = first; i < end; i++)
    {
      QdItem *item = g_ptr_array_index (items, i);

      if (item == NULL || qd_item_get_message_id (item) == NULL)
        continue;
      g_ptr_array_add (data->items, g_object_ref (item));
      g_strv_builder_add (ids, qd_item_get_message_id (item));
    }
  strv = g_strv_builder_end (ids);
  if (data->items->len == 0)
    {
      twins_data_free (data);
      return;
    }
  if (self->twin_cancellable == NULL)
    self->twin_cancellable = g_cancellable_new ();
  qd_item_source_find_async (self->twins, (const char * const *)strv, self->twin_cancellable,
                             twins_found_cb, data);
}

/* Puts @count NULL slots at @position. */
static void
insert_slots (QdItemList *self,
              guint       position,
              guint       count)
{
  g_ptr_array_set_size (self->items, self->items->len + count);
  memmove (self->items->pdata + position + count, self->items->pdata + position,
           (self->items->len - count - position) * sizeof (gpointer));
  memset (self->items->pdata + position, 0, count * sizeof (gpointer));
}

/* Makes the model @n rows long: slots added or taken at the end. */
static void
resize (QdItemList *self,
        guint       n)
{
  for (guint i = n; i < self->items->len; i++)
    if (loaded_at (self, i) != NULL)
      self->n_loaded--;
  g_ptr_array_set_size (self->items, n);
  self->n_items = n;
}

/* A page asked for holds the list weakly: a list let go of is disposed,
 * which cancels what it asked for, rather than kept alive by its pages
 * and taking them in for nobody. */
static GWeakRef *
weak_ref_new (QdItemList *self)
{
  GWeakRef *ref = g_new (GWeakRef, 1);

  g_weak_ref_init (ref, self);
  return ref;
}

/* Once more than max_loaded rows are loaded, the rows farthest from
 * @center are let go of, down to three quarters: a view coming back asks
 * for them again, and they come back the same messages, from the same
 * snapshot.  Nothing is said: no view shows them.  Rows something else
 * holds (a row widget, the preview, a batch) or the keep function names
 * (the selection) stay; so do new mail on top, not in the snapshot, and
 * every row of a list read in order, which reads on from its last. */
static void
evict_far (QdItemList *self,
           guint       center)
{
  guint target = self->max_loaded / 4 * 3;
  gint64 lo = self->n_prepended;
  gint64 hi = (gint64)self->items->len - 1;
  gboolean was_complete = self->complete;
  GPtrArray *gone;

  if (self->n_loaded <= self->max_loaded || !self->by_position || self->snapshot == NULL)
    return;
  /* Freed in a worker thread, as a refresh's old rows are: 5 000 at once. */
  gone = g_ptr_array_new_with_free_func (g_object_unref);
  while (self->n_loaded > target && lo <= hi)
    {
      guint position = (guint)((gint64)center - lo > hi - (gint64)center ? lo++ : hi--);
      QdItem *item = loaded_at (self, position);

      if (item == NULL || g_atomic_int_get (&G_OBJECT (item)->ref_count) > 1 ||
          (self->keep != NULL && self->keep (position, self->keep_data)))
        continue;
      g_ptr_array_add (gone, item);
      self->items->pdata[position] = NULL;
      self->n_loaded--;
      self->complete = FALSE;
    }
  release_items (gone);
  if (was_complete && !self->complete)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETE]);
}

/* Whether @page brings, from @start, another message than one loaded. */
static gboolean
replaces_loaded (QdItemList *self,
                 QdItemPage *page,
                 guint       start)
{
  for (guint i = 0; i < page->items->len; i++)
    {
      QdItem *item = loaded_at (self, start + i);

      if (item != NULL && g_strcmp0 (qd_item_get_id (item),
                                     qd_item_get_id (g_ptr_array_index (page->items, i))) != 0)
        return TRUE;
    }
  return FALSE;
}

static void
thaw_and_unref (gpointer item)
{
  g_object_thaw_notify (item);
  g_object_unref (item);
}

static void
page_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(QdItemList) self = g_weak_ref_get (user_data);
  g_autoptr(QdItemPage) page = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) old_items = NULL;
  g_autoptr(GPtrArray) filled = NULL;
  guint old_n, start, end, new_n;
  guint changed_from = G_MAXUINT, changed_end = 0;
  gboolean replaced;

  g_weak_ref_clear (user_data);
  g_free (user_data);
  /* Let go of meanwhile: its dispose cancelled the request. */
  if (self == NULL)
    return;
  old_n = self->n_items;
  start = self->loading_at;
  page = self->by_position
         ? qd_item_source_list_at_finish (QD_ITEM_SOURCE (object), result, &error)
         : qd_item_source_list_finish (QD_ITEM_SOURCE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);

  if (page == NULL)
    {
      set_error (self, error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
      return;
    }
  if (self->error != NULL)
    set_error (self, NULL);

  replaced = self->replacing;
  if (self->replacing)
    {
      /* The first page of a refresh replaces everything at once. */
      old_items = g_steal_pointer (&self->items);
      self->items = g_ptr_array_new_with_free_func (qd_item_unref_nullable);
      self->n_items = self->n_loaded = 0;
      self->replacing = FALSE;
    }
  if (self->snapshot == NULL && page->snapshot != NULL)
    self->snapshot = g_strdup (page->snapshot);
  self->total = page->total;

  /* Rows beyond the loaded ones stand for what the source counts; in a
   * snapshot, the new mail on top comes besides. */
  end = start + page->items->len;
  new_n = MAX ((guint)MAX (page->total, 0) + self->n_prepended, end);
  if (!self->by_position && page->next_cursor == NULL)
    new_n = end;
  /* A refresh's rows still being put in: a page that only fills rows goes
   * in silently; one that changes what the view was told is told after
   * the rest of the refresh, before anything here changes. */
  if (self->outgoing != NULL && (new_n != old_n || replaces_loaded (self, page, start)))
    finish_swap (self);
  if (self->items->len < new_n)
    g_ptr_array_set_size (self->items, new_n);
  self->n_items = self->items->len;
  /* A row the view was shown as a placeholder becomes its message in
   * place: GTK 4.8's list view destroys and builds anew the row widgets
   * of every item replaced, which took 13-15 ms of the main loop for a
   * page in view at 100 000 rows (docs/performance.md).  The filled
   * placeholders say so once the model is whole again. */
  filled = g_ptr_array_new_with_free_func (thaw_and_unref);
  for (guint i = 0; i < page->items->len; i++)
    {
      gpointer *slot = &self->items->pdata[start + i];
      QdItem *item = g_ptr_array_index (page->items, i);

      if (*slot == NULL)
        {
          *slot = g_object_ref (item);
          self->n_loaded++;
        }
      else if (qd_item_is_placeholder (*slot))
        {
          g_object_freeze_notify (*slot);
          qd_item_fill (*slot, item);
          g_ptr_array_add (filled, g_object_ref (*slot));
          self->n_loaded++;
        }
      else if (g_strcmp0 (qd_item_get_id (*slot), qd_item_get_id (item)) != 0)
        {
          /* Another message than the one loaded there before: the view
           * is told.  The same one again keeps its row. */
          g_object_unref (*slot);
          *slot = g_object_ref (item);
          changed_from = MIN (changed_from, start + i);
          changed_end = start + i + 1;
        }
    }
  if (new_n < self->items->len)
    resize (self, new_n);
  new_n = self->n_items;
  if (self->by_position)
    {
      if (page->next_cursor != NULL)
        g_hash_table_insert (self->cursors, GUINT_TO_POINTER (end),
                             g_steal_pointer (&page->next_cursor));
    }
  else
    {
      g_free (self->next_cursor);
      self->next_cursor = g_steal_pointer (&page->next_cursor);
    }
  self->complete = self->n_loaded == self->n_items;
  /* A row the view asked for that this page did not bring (the view
   * spans two pages) is the next wish, the one nearest the last. */
  if (self->by_position && self->has_wanted && loaded_at (self, self->wanted) != NULL)
    {
      GHashTableIter iter;
      gpointer key;
      guint best = G_MAXUINT;

      g_hash_table_iter_init (&iter, self->asked);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        {
          guint position = GPOINTER_TO_UINT (key);

          if (position < self->n_items && loaded_at (self, position) == NULL &&
              (best == G_MAXUINT ||
               ABS ((gint64)position - self->wanted) < ABS ((gint64)best - self->wanted)))
            best = position;
        }
      if (best != G_MAXUINT)
        self->wanted = best;
    }
  g_hash_table_remove_all (self->asked);

  if (replaced)
    swap_in (self, g_steal_pointer (&old_items));
  else if (old_n != new_n)
    {
      /* The count moved: from the first row replaced, or the old end, on. */
      guint from = MIN (changed_from, MIN (old_n, new_n));

      g_list_model_items_changed (G_LIST_MODEL (self), from, old_n - from, new_n - from);
    }
  else if (changed_from < changed_end)
    /* Only these rows: saying "everything below changed" would make the
     * view and the selection redo every row below, 100 000 of them. */
    g_list_model_items_changed (G_LIST_MODEL (self), changed_from, changed_end - changed_from,
                                changed_end - changed_from);
  g_clear_pointer (&filled, g_ptr_array_unref);
  find_twins (self, self->items, start, end);
  if (old_n != new_n && !replaced)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL]);
  if (self->complete)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETE]);
  g_signal_emit (self, signals[PAGE_LOADED], 0);

  evict_far (self, start);
  if (!self->complete && self->has_wanted && loaded_at (self, self->wanted) == NULL)
    load_more (self);
  else
    {
      self->has_wanted = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
    }
}

/* Where the page for @wanted starts: on a page boundary, moved on to the
 * first row there that is not loaded. */
static guint
page_start (QdItemList *self,
            guint       wanted)
{
  guint start = wanted - wanted % self->page_size;

  while (start < wanted && loaded_at (self, start) != NULL)
    start++;
  return start;
}

static void
load_more (QdItemList *self)
{
  gboolean was_loading = self->cancellable != NULL;

  if (self->cancellable != NULL || (self->complete && self->started))
    return;
  self->cancellable = g_cancellable_new ();
  if (!self->by_position || !self->started || self->snapshot == NULL)
    {
      /* In order (or the first page): after the last page loaded. */
      self->loading_at = self->started ? self->n_loaded : 0;
      self->started = TRUE;
      if (self->by_position)
        qd_item_source_list_at_async (self->source, self->query, 0, NULL, NULL,
                                      self->page_size, self->cancellable, page_cb,
                                      weak_ref_new (self));
      else
        qd_item_source_list_async (self->source, self->query, self->next_cursor,
                                   self->page_size, self->cancellable, page_cb,
                                   weak_ref_new (self));
    }
  else
    {
      guint start = page_start (self, self->has_wanted ? self->wanted : self->n_loaded);
      /* Rows put on top since the snapshot are not in its positions. */
      guint position = start >= self->n_prepended ? start - self->n_prepended : 0;
      const char *cursor = g_hash_table_lookup (self->cursors, GUINT_TO_POINTER (start));

      self->loading_at = position + self->n_prepended;
      qd_item_source_list_at_async (self->source, self->query, position, cursor,
                                    self->snapshot, self->page_size, self->cancellable,
                                    page_cb, weak_ref_new (self));
    }
  if (!was_loading)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
qd_item_list_dispose (GObject *object)
{
  QdItemList *self = (QdItemList *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->dispatch_id, g_source_remove);
  g_clear_handle_id (&self->swap_id, g_source_remove);
  g_clear_pointer (&self->outgoing, g_ptr_array_unref);
  qd_item_list_set_keep_func (self, NULL, NULL, NULL);
  g_cancellable_cancel (self->twin_cancellable);
  g_clear_object (&self->twin_cancellable);
  g_clear_object (&self->twins);
  g_clear_object (&self->source);

  G_OBJECT_CLASS (qd_item_list_parent_class)->dispose (object);
}

static void
qd_item_list_finalize (GObject *object)
{
  QdItemList *self = (QdItemList *)object;

  g_clear_pointer (&self->query, qd_query_unref);
  g_ptr_array_unref (self->items);
  g_hash_table_unref (self->asked);
  g_hash_table_unref (self->cursors);
  g_free (self->next_cursor);
  g_free (self->snapshot);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (qd_item_list_parent_class)->finalize (object);
}

static void
qd_item_list_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  QdItemList *self = QD_ITEM_LIST (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, qd_item_list_get_loading (self));
      break;
    case PROP_COMPLETE:
      g_value_set_boolean (value, self->complete);
      break;
    case PROP_TOTAL:
      g_value_set_int64 (value, self->total);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->n_items);
      break;
    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qd_item_list_class_init (QdItemListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = qd_item_list_dispose;
  object_class->finalize = qd_item_list_finalize;
  object_class->get_property = qd_item_list_get_property;

  properties[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE, flags);
  properties[PROP_COMPLETE] = g_param_spec_boolean ("complete", NULL, NULL, FALSE, flags);
  properties[PROP_TOTAL] = g_param_spec_int64 ("total", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_N_ITEMS] = g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_ERROR] = g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * QdItemList::page-loaded:
   *
   * A page arrived and its rows are in the model.
   */
  signals[PAGE_LOADED] = g_signal_new ("page-loaded", G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
qd_item_list_init (QdItemList *self)
{
  self->items = g_ptr_array_new_with_free_func (qd_item_unref_nullable);
  self->asked = g_hash_table_new (NULL, NULL);
  self->max_loaded = MAX_LOADED;
  self->cursors = g_hash_table_new_full (NULL, NULL, NULL, g_free);
}

/**
 * qd_item_list_new:
 * @page_size: items per request; 0 for the gateway's default
 *
 * The first page is requested at once; later ones when rows past the
 * loaded ones are asked for.
 */
QdItemList *
qd_item_list_new (QdItemSource *source,
                  QdQuery      *query,
                  guint         page_size)
{
  QdItemList *self = g_object_new (QD_TYPE_ITEM_LIST, NULL);

  self->source = g_object_ref (source);
  self->query = qd_query_ref (query);
  self->page_size = page_size > 0 ? page_size : 100;
  self->by_position = qd_item_source_can_list_at (source);
  load_more (self);
  return self;
}

/**
 * qd_item_list_set_twins:
 * @twins: (nullable): another source that may hold the same messages
 * @folder: what @twins is, for qd_item_set_twin ()
 *
 * After each page, its messages found in @twins by Message-ID learn their
 * twin there, so a row can name both places (a message held at the
 * gateway and also in the mailbox's Junk).
 */
void
qd_item_list_set_twins (QdItemList   *self,
                        QdItemSource *twins,
                        QdFolder      folder)
{
  g_return_if_fail (QD_IS_ITEM_LIST (self));
  g_return_if_fail (twins == NULL || QD_IS_ITEM_SOURCE (twins));

  g_cancellable_cancel (self->twin_cancellable);
  g_clear_object (&self->twin_cancellable);
  g_set_object (&self->twins, twins);
  self->twin_folder = folder;
  find_twins (self, self->items, 0, self->items->len);
}

QdQuery *
qd_item_list_get_query (QdItemList *self)
{
  g_return_val_if_fail (QD_IS_ITEM_LIST (self), NULL);
  return self->query;
}

/**
 * qd_item_list_set_query:
 *
 * Lists another selection: the rows shown stay until the new first page
 * replaces them, so a filter change never flashes an empty list.
 */
void
qd_item_list_set_query (QdItemList *self,
                        QdQuery    *query)
{
  g_return_if_fail (QD_IS_ITEM_LIST (self));

  if (query != self->query)
    {
      qd_query_unref (self->query);
      self->query = qd_query_ref (query);
    }
  qd_item_list_refresh (self);
}

void
qd_item_list_refresh (QdItemList *self)
{
  g_return_if_fail (QD_IS_ITEM_LIST (self));

  finish_swap (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->next_cursor, g_free);
  g_clear_pointer (&self->snapshot, g_free);
  g_hash_table_remove_all (self->cursors);
  self->n_prepended = 0;
  self->complete = FALSE;
  self->started = FALSE;
  self->wanted = 0;
  self->has_wanted = FALSE;
  self->replacing = self->n_items > 0;
  if (!self->replacing)
    {
      g_ptr_array_set_size (self->items, 0);
      self->n_loaded = 0;
    }
  load_more (self);
}

/* Whether a page is on its way, or about to be asked for, or a refresh's
 * rows are still being put in. */
gboolean
qd_item_list_get_loading (QdItemList *self)
{
  g_return_val_if_fail (QD_IS_ITEM_LIST (self), FALSE);
  return self->cancellable != NULL || self->dispatch_id != 0 || self->swap_id != 0;
}

gboolean
qd_item_list_get_complete (QdItemList *self)
{
  g_return_val_if_fail (QD_IS_ITEM_LIST (self), FALSE);
  return self->complete;
}

gint64
qd_item_list_get_total (QdItemList *self)
{
  g_return_val_if_fail (QD_IS_ITEM_LIST (self), 0);
  return self->total;
}

/* How many rows hold a message, wherever they are. */
guint
qd_item_list_get_n_loaded (QdItemList *self)
{
  g_return_val_if_fail (QD_IS_ITEM_LIST (self), 0);
  if (self->outgoing != NULL)
    {
      /* A refresh said in part: the new rows above, the old below. */
      guint n = 0;

      for (guint i = 0; i < self->outgoing->len; i++)
        n += qd_item_list_is_loaded (self, i);
      return n;
    }
  return self->replacing ? 0 : self->n_loaded;
}

/* Whether the row at @position, as the model reports it now, holds its
 * message (asks nothing). */
gboolean
qd_item_list_is_loaded (QdItemList *self,
                        guint       position)
{
  g_return_val_if_fail (QD_IS_ITEM_LIST (self), FALSE);
  if (self->outgoing != NULL && position >= self->swapped)
    {
      QdItem *old = position < self->outgoing->len ? g_ptr_array_index (self->outgoing, position)
                                                   : NULL;

      return old != NULL && !qd_item_is_placeholder (old);
    }
  return !self->replacing && loaded_at (self, position) != NULL;
}

/**
 * qd_item_list_set_keep_func:
 * @func: (nullable): says which rows must stay loaded, or %NULL
 *
 * Rows far from the view are let go of once many are loaded; @func
 * keeps those it names (the selection, whose ids an action needs).
 */
void
qd_item_list_set_keep_func (QdItemList         *self,
                            QdItemListKeepFunc  func,
                            gpointer            user_data,
                            GDestroyNotify      destroy)
{
  g_return_if_fail (QD_IS_ITEM_LIST (self));

  if (self->keep_destroy != NULL)
    self->keep_destroy (self->keep_data);
  self->keep = func;
  self->keep_data = user_data;
  self->keep_destroy = destroy;
}

/* How many rows stay loaded at most before those far from the view go
 * (MAX_LOADED unless told; a test tells fewer). */
void
qd_item_list_set_max_loaded (QdItemList *self,
                             guint       max_loaded)
{
  g_return_if_fail (QD_IS_ITEM_LIST (self));
  self->max_loaded = max_loaded;
}

const GError *
qd_item_list_get_error (QdItemList *self)
{
  g_return_val_if_fail (QD_IS_ITEM_LIST (self), NULL);
  return self->error;
}

/**
 * qd_item_list_remove_ids:
 *
 * Takes the messages a finished action dealt with out of the list.  A
 * list read in order and not complete is then read again from the top.
 *
 * Returns: how many rows were removed
 */
guint
qd_item_list_remove_ids (QdItemList         *self,
                         const char * const *ids)
{
  g_autoptr(GHashTable) gone = g_hash_table_new (g_str_hash, g_str_equal);
  guint removed = 0;

  g_return_val_if_fail (QD_IS_ITEM_LIST (self), 0);

  finish_swap (self);
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    g_hash_table_add (gone, (gpointer)ids[i]);

  /* From the end, so positions before the current one stay valid. */
  for (guint i = self->items->len; i > 0; i--)
    {
      QdItem *item = loaded_at (self, i - 1);
      guint end = i;
      guint start;

      if (item == NULL || !g_hash_table_contains (gone, qd_item_get_id (item)))
        continue;
      while (i > 1 && (item = loaded_at (self, i - 2)) != NULL &&
             g_hash_table_contains (gone, qd_item_get_id (item)))
        i--;
      start = i - 1;
      /* The new mail on top is not in the snapshot's positions. */
      if (start < self->n_prepended)
        self->n_prepended -= MIN (end, self->n_prepended) - start;
      g_ptr_array_remove_range (self->items, start, end - start);
      self->n_items -= end - start;
      self->n_loaded -= end - start;
      removed += end - start;
      g_hash_table_remove_all (self->asked);
      g_list_model_items_changed (G_LIST_MODEL (self), start, end - start, 0);
    }
  if (removed > 0)
    {
      /* The listing lost them too: its later pages come sooner, and a
       * cursor kept for a position is no longer the one there. */
      g_hash_table_remove_all (self->cursors);
      self->total = MAX (0, self->total - (gint64)removed);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL]);
    }
  if (g_hash_table_size (gone) > 0 && !self->by_position && !self->complete)
    /* In order, the next page goes after a cursor that may count the
     * messages just gone, loaded or not (PMG's counts offsets in a time
     * window), and a page on its way would land where the rows were: what
     * is still to come is asked for again from the top, and the rows
     * loaded stay until its first page replaces them. */
    qd_item_list_refresh (self);
  else if (removed > 0 && self->cancellable != NULL)
    {
      /* A page on its way was asked for the rows as they were. */
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      if (self->has_wanted && self->wanted < self->n_items)
        load_more (self);
      else
        {
          self->has_wanted = FALSE;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
        }
    }
  return removed;
}

/**
 * qd_item_list_dup_twin_ids:
 *
 * The ids, in the other place (qd_item_list_set_twins ()), of the same
 * messages as @ids, among those loaded: what an action on them leaves
 * behind there.
 *
 * Returns: (transfer full): the twins' ids, maybe none
 */
GStrv
qd_item_list_dup_twin_ids (QdItemList         *self,
                           const char * const *ids)
{
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GStrvBuilder) twins = g_strv_builder_new ();

  g_return_val_if_fail (QD_IS_ITEM_LIST (self), NULL);

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    g_hash_table_add (wanted, (gpointer)ids[i]);
  for (guint i = 0; i < self->items->len; i++)
    {
      QdItem *item = loaded_at (self, i);

      if (item != NULL && qd_item_get_twin_id (item) != NULL &&
          g_hash_table_contains (wanted, qd_item_get_id (item)))
        g_strv_builder_add (twins, qd_item_get_twin_id (item));
    }
  return g_strv_builder_end (twins);
}

/* new mail, without disturbing the view */

static void
fetch_new_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QdItemList *self = g_task_get_source_object (task);
  g_autoptr(QdItemPage) page = NULL;
  g_autoptr(GHashTable) known = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) fresh = g_ptr_array_new_with_free_func (g_object_unref);
  GError *error = NULL;
  QdSortColumn sort;
  gboolean descending;

  page = qd_item_source_list_finish (QD_ITEM_SOURCE (object), result, &error);
  if (page == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  finish_swap (self);
  for (guint i = 0; i < self->items->len; i++)
    if (loaded_at (self, i) != NULL)
      g_hash_table_add (known, (gpointer)qd_item_get_id (loaded_at (self, i)));
  /* The newest come first: new ones are those before the first known one. */
  for (guint i = 0; i < page->items->len; i++)
    {
      QdItem *item = g_ptr_array_index (page->items, i);

      if (g_hash_table_contains (known, qd_item_get_id (item)))
        break;
      g_ptr_array_add (fresh, g_object_ref (item));
    }

  sort = qd_query_get_sort (self->query, &descending);
  if (fresh->len > 0 && sort == QD_SORT_RECEIVED_AT && descending && !self->replacing &&
      self->items->len > 0)
    {
      /* Inserted at the top: a selection model shifts its selection with
       * them.  They are not in the snapshot: later pages count without them. */
      insert_slots (self, 0, fresh->len);
      for (guint i = 0; i < fresh->len; i++)
        self->items->pdata[i] = g_object_ref (g_ptr_array_index (fresh, i));
      self->n_items += fresh->len;
      self->n_loaded += fresh->len;
      self->n_prepended += fresh->len;
      self->total += fresh->len;
      g_hash_table_remove_all (self->cursors);
      g_hash_table_remove_all (self->asked);
      g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, fresh->len);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL]);
    }
  else if (fresh->len > 0)
    qd_item_list_refresh (self);
  g_task_return_pointer (task, g_steal_pointer (&fresh), (GDestroyNotify)g_ptr_array_unref);
}

/**
 * qd_item_list_fetch_new_async:
 *
 * Asks for the newest page of the same query and puts what arrived since
 * at the top, leaving selection and scroll position alone.
 *
 * Returns (in finish): (element-type QdItem): the new items
 */
void
qd_item_list_fetch_new_async (QdItemList          *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task = qd_task_new (self, qd_item_list_fetch_new_async, cancellable, callback, user_data);

  qd_item_source_list_async (self->source, self->query, NULL, 100, cancellable, fetch_new_cb,
                            task);
}

GPtrArray *
qd_item_list_fetch_new_finish (QdItemList    *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return qd_task_finish_pointer (result, self, qd_item_list_fetch_new_async, error);
}
