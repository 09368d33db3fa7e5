/* test-item-list.c — the paging model loads where the view is, and says exactly what changed
 *
 * A view keeps its own idea of the rows from items-changed alone; if the
 * model ever reports less than what changed, that idea goes stale and the
 * window shows old rows.  A shadow list, fed only by items-changed, must
 * match the model after every signal: when the view asks for a row far
 * below (only that page loads), while mail arrives between pages (the
 * snapshot keeps the positions), after a query change, and when an
 * action takes rows out while a page is on its way.  A row the view was
 * given as a placeholder becomes its message in place, the same object,
 * without items-changed; a row it never asked for it asks for later.
 *
 * The gateway is the real one (libqd-gateway), served in this process on
 * loopback with 1 000 held messages.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "gateway-fixture.h"
#include "qd-async-wait.h"
#include "qd-gw-bench-seed.h"
#include "qd-task-private.h"

#define COUNT     1000
#define PAGE_SIZE 150

typedef struct
{
  GatewayFixture  gateway;
  QdItemList     *list;
  GPtrArray      *shadow;
  guint           signals;
  guint           ask_row;       /* a row to ask for as the first page lands */
  gboolean        busy;          /* other work keeps the main loop busy */
  gboolean        last_loading;  /* "loading" as the last notification saw it */
  gboolean        shadow_lazy;   /* the shadow asks for no row that is not loaded */
  GHashTable     *own;           /* stand-ins the lazy shadow made, not the model's */
  gboolean        watch;         /* record the next items-changed's size: */
  guint           watched_removed;
  guint           watched_added;
} Fixture;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Fixture    *fixture)
{
  g_assert_cmpuint (position + removed, <=, fixture->shadow->len);
  if (fixture->watch)
    {
      fixture->watch = FALSE;
      fixture->watched_removed = removed;
      fixture->watched_added = added;
    }
  g_ptr_array_remove_range (fixture->shadow, position, removed);
  for (guint i = 0; i < added; i++)
    {
      QdItem *item;

      if (fixture->shadow_lazy && !qd_item_list_is_loaded (QD_ITEM_LIST (model), position + i))
        {
          item = qd_item_new_placeholder ();
          g_hash_table_add (fixture->own, item);
        }
      else
        item = g_list_model_get_item (model, position + i);
      g_ptr_array_insert (fixture->shadow, position + i, item);
    }
  fixture->signals++;
}

/* Every loaded row the shadow holds is the model's own object, or a
 * stand-in of the shadow's own that it never asked the model about;
 * every other row is a placeholder. */
static void
assert_shadow_matches (Fixture *fixture)
{
  GListModel *model = G_LIST_MODEL (fixture->list);
  guint loaded = 0;

  g_assert_cmpuint (fixture->shadow->len, ==, g_list_model_get_n_items (model));
  for (guint i = 0; i < fixture->shadow->len; i++)
    {
      QdItem *shadow = g_ptr_array_index (fixture->shadow, i);

      if (!qd_item_list_is_loaded (fixture->list, i))
        {
          g_assert_true (qd_item_is_placeholder (shadow));
          continue;
        }
      {
        g_autoptr(QdItem) item = g_list_model_get_item (model, i);

        g_assert_false (qd_item_is_placeholder (item));
        if (shadow != item)
          g_assert_true (g_hash_table_contains (fixture->own, shadow));
        loaded++;
      }
    }
  g_assert_cmpuint (loaded, ==, qd_item_list_get_n_loaded (fixture->list));
}

static void
page_loaded_cb (QdItemList *list,
                Fixture    *fixture)
{
  assert_shadow_matches (fixture);
  g_main_loop_quit (fixture->gateway.loop);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(QdQuery) query = qd_query_new (QD_FOLDER_QUARANTINE);

  gateway_fixture_set_up (&fixture->gateway, COUNT, 0);
  fixture->shadow = g_ptr_array_new_with_free_func (g_object_unref);
  fixture->own = g_hash_table_new (NULL, NULL);
  fixture->list = qd_item_list_new (QD_ITEM_SOURCE (fixture->gateway.client), query, PAGE_SIZE);
  g_signal_connect (fixture->list, "items-changed", G_CALLBACK (items_changed_cb), fixture);
  g_signal_connect (fixture->list, "page-loaded", G_CALLBACK (page_loaded_cb), fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  /* A page still on its way keeps the list alive after the test, and
   * lands during the next one's set-up: it must not reach this fixture,
   * which GLib frees (AddressSanitizer saw it, in CI). */
  if (fixture->list != NULL)
    g_signal_handlers_disconnect_by_data (fixture->list, fixture);
  g_clear_object (&fixture->list);
  g_clear_pointer (&fixture->shadow, g_ptr_array_unref);
  g_clear_pointer (&fixture->own, g_hash_table_unref);
  gateway_fixture_tear_down (&fixture->gateway);
}

/* Asks for ROW as a view does, then waits until it is loaded. */
static void
load_through (Fixture *fixture,
              guint    row)
{
  while (!qd_item_list_is_loaded (fixture->list, row))
    {
      /* Before the first page the model has no rows to ask for. */
      if (row < g_list_model_get_n_items (G_LIST_MODEL (fixture->list)))
        {
          g_autoptr(QdItem) item = g_list_model_get_item (G_LIST_MODEL (fixture->list), row);
        }
      g_main_loop_run (fixture->gateway.loop);
    }
}

/* Every row, loaded: ids once each, newest first. */
static GPtrArray *
load_all (Fixture *fixture)
{
  GListModel *model = G_LIST_MODEL (fixture->list);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    load_through (fixture, i);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      QdItem *item = g_list_model_get_item (model, i);

      g_assert_true (g_hash_table_add (seen, (gpointer)qd_item_get_id (item)));
      if (i > 0)
        g_assert_cmpint (g_date_time_compare (qd_item_get_received_at (item),
                                              qd_item_get_received_at (
                                                g_ptr_array_index (items, i - 1))), <=, 0);
      g_ptr_array_add (items, item);
    }
  return items;
}

static void
test_jump (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(QdItem) last = NULL;

  load_through (fixture, 0);
  g_assert_cmpuint (qd_item_list_get_n_loaded (fixture->list), ==, PAGE_SIZE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, COUNT);

  /* A row far below: its page loads, not the ones above it. */
  load_through (fixture, COUNT - 1);
  assert_shadow_matches (fixture);
  g_assert_cmpuint (qd_item_list_get_n_loaded (fixture->list), <=, 2 * PAGE_SIZE);
  g_assert_false (qd_item_list_is_loaded (fixture->list, COUNT / 2));
  g_assert_false (qd_item_list_get_complete (fixture->list));
  last = g_list_model_get_item (G_LIST_MODEL (fixture->list), COUNT - 1);

  /* Then the middle, then everything: one listing, the same objects. */
  load_through (fixture, COUNT / 2);
  assert_shadow_matches (fixture);
  all = load_all (fixture);
  assert_shadow_matches (fixture);
  g_assert_true (g_ptr_array_index (all, COUNT - 1) == last);
  g_assert_cmpuint (all->len, ==, COUNT);
  g_assert_true (qd_item_list_get_complete (fixture->list));
}

static void
count_notify_cb (QdItem     *item,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

/* The rows a view shows while their page loads are placeholders; when it
 * lands they become the messages in place: the same objects, each saying
 * so once, and no items-changed (GTK 4.8's list view would destroy and
 * build anew every row widget of a row replaced).  Rows the view did not
 * ask for are loaded all the same, and given out when asked. */
static void
test_rows_load_in_place (Fixture       *fixture,
                         gconstpointer  user_data)
{
  GListModel *model = G_LIST_MODEL (fixture->list);
  g_autoptr(GPtrArray) shown = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) all = NULL;
  guint first = 3 * PAGE_SIZE + 20;
  guint notified = 0;
  guint signals;

  load_through (fixture, 0);
  for (guint i = first; i < first + 30; i++)
    {
      QdItem *item = g_list_model_get_item (model, i);

      g_assert_true (qd_item_is_placeholder (item));
      g_signal_connect (item, "notify::placeholder", G_CALLBACK (count_notify_cb), &notified);
      g_ptr_array_add (shown, item);
    }
  signals = fixture->signals;
  load_through (fixture, first + 29);
  g_assert_cmpuint (fixture->signals, ==, signals);
  g_assert_cmpuint (notified, ==, shown->len);
  for (guint i = 0; i < shown->len; i++)
    {
      g_autoptr(QdItem) item = g_list_model_get_item (model, first + i);

      g_assert_true (item == g_ptr_array_index (shown, i));
      g_assert_false (qd_item_is_placeholder (item));
      g_assert_nonnull (qd_item_get_received_at (item));
      g_signal_handlers_disconnect_by_data (item, &notified);
    }
  assert_shadow_matches (fixture);

  /* One listing, in order, each message once, the filled ones among them. */
  all = load_all (fixture);
  g_assert_cmpuint (all->len, ==, COUNT);
  for (guint i = 0; i < shown->len; i++)
    g_assert_true (g_ptr_array_index (all, first + i) == g_ptr_array_index (shown, i));
}

static void
count_changes_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *count)
{
  (*count)++;
}

static gboolean
set_true_cb (gpointer user_data)
{
  *(gboolean *)user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* A list let go of while its first page is on its way goes at once: the
 * page asked for does not keep it alive, and lands nowhere. */
static void
test_let_go_while_loading (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(QdQuery) query = qd_query_new (QD_FOLDER_QUARANTINE);
  QdItemList *list = qd_item_list_new (QD_ITEM_SOURCE (fixture->gateway.client), query,
                                       PAGE_SIZE);
  gboolean waited = FALSE;
  guint signals = 0;

  g_signal_connect (list, "items-changed", G_CALLBACK (count_changes_cb), &signals);
  g_assert_true (qd_item_list_get_loading (list));
  g_object_add_weak_pointer (G_OBJECT (list), (gpointer *)&list);
  g_object_unref (list);
  g_assert_null (list);

  /* Long enough for the gateway to have answered the page (the fixture's
   * own list loads its first one meanwhile). */
  load_through (fixture, 0);
  g_timeout_add (200, set_true_cb, &waited);
  while (!waited)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (signals, ==, 0);
}

/* Asks @list for @row as a view does, until it is loaded. */
static void
load_row (QdItemList *list,
          guint       row)
{
  while (!qd_item_list_is_loaded (list, row))
    {
      if (row < g_list_model_get_n_items (G_LIST_MODEL (list)))
        {
          g_autoptr(QdItem) item = g_list_model_get_item (G_LIST_MODEL (list), row);
        }
      g_main_context_iteration (NULL, TRUE);
    }
}

static gboolean
keep_row_cb (guint    position,
             gpointer user_data)
{
  return position == *(guint *)user_data;
}

/* Visiting a long list keeps its memory bounded: past the most rows it
 * keeps loaded, those far from where the view asked go, except a row
 * something holds (a row widget) and one the keep function names (the
 * selection); asked for again, they come back as the same messages. */
static void
test_far_rows_go (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(QdQuery) query = qd_query_new (QD_FOLDER_QUARANTINE);
  g_autoptr(QdItemList) list = qd_item_list_new (QD_ITEM_SOURCE (fixture->gateway.client),
                                                 query, PAGE_SIZE);
  g_autoptr(QdItem) held = NULL;
  g_autofree char *first_id = NULL;
  guint kept = 5;

  qd_item_list_set_max_loaded (list, 2 * PAGE_SIZE + 100);
  qd_item_list_set_keep_func (list, keep_row_cb, &kept, NULL);
  load_row (list, 0);
  {
    g_autoptr(QdItem) first = g_list_model_get_item (G_LIST_MODEL (list), 0);

    first_id = g_strdup (qd_item_get_id (first));
  }
  held = g_list_model_get_item (G_LIST_MODEL (list), 1);
  for (guint row = 2 * PAGE_SIZE; row < COUNT; row += 2 * PAGE_SIZE)
    {
      load_row (list, row);
      g_assert_cmpuint (qd_item_list_get_n_loaded (list), <=, 2 * PAGE_SIZE + 100);
    }
  g_assert_true (qd_item_list_is_loaded (list, COUNT - 1));
  g_assert_false (qd_item_list_is_loaded (list, 0));
  g_assert_true (qd_item_list_is_loaded (list, 1));
  g_assert_true (qd_item_list_is_loaded (list, kept));
  g_assert_false (qd_item_list_get_complete (list));

  /* Back at the top: the same first message. */
  load_row (list, 0);
  {
    g_autoptr(QdItem) first = g_list_model_get_item (G_LIST_MODEL (list), 0);

    g_assert_cmpstr (qd_item_get_id (first), ==, first_id);
  }
  g_assert_cmpuint (qd_item_list_get_n_loaded (list), <=, 2 * PAGE_SIZE + 100);
  qd_item_list_set_keep_func (list, NULL, NULL, NULL);
}

/* Mail arriving between pages moves no position: the pages keep to the
 * snapshot of the first; the new mail comes on top when fetched. */
static void
test_snapshot_while_mail_arrives (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) fresh = NULL;
  g_autoptr(GError) error = NULL;
  /* The seed spreads mail over the two days before its time: all of the
   * new is newer than all of the old. */
  gint64 later = g_get_real_time () / G_USEC_PER_SEC + 172800 + 600;

  load_through (fixture, 0);
  g_assert_true (qd_gw_bench_seed (fixture->gateway.gateway, "lists", 30, later, &error));
  g_assert_no_error (error);
  load_through (fixture, 500);
  load_through (fixture, 700);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, COUNT);
  all = load_all (fixture);
  assert_shadow_matches (fixture);
  g_assert_cmpuint (all->len, ==, COUNT);
  for (guint i = 0; i < all->len; i++)
    g_assert_cmpint (g_date_time_to_unix (
                       qd_item_get_received_at (g_ptr_array_index (all, i))), <, later - 172800);
  g_assert_cmpuint (qd_item_list_get_total (fixture->list), ==, COUNT);

  qd_item_list_fetch_new_async (fixture->list, NULL, qd_async_wait_result_cb, &result);
  fresh = qd_item_list_fetch_new_finish (fixture->list, qd_async_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fresh->len, ==, 30);
  assert_shadow_matches (fixture);
  g_clear_pointer (&all, g_ptr_array_unref);
  all = load_all (fixture);
  g_assert_cmpuint (all->len, ==, COUNT + 30);
}

static void
test_query_change (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(QdQuery) query = NULL;
  guint phishing = 0;

  load_through (fixture, 400);
  query = qd_query_copy (qd_item_list_get_query (fixture->list));
  qd_query_set_reasons (query, 1 << QD_REASON_PHISHING);
  fixture->watch = TRUE;
  qd_item_list_set_query (fixture->list, query);
  g_main_loop_run (fixture->gateway.loop);
  assert_shadow_matches (fixture);
  /* The new rows are put in a few at a time, the first 50 at once (GTK
   * 4.8's list view builds a row widget anew for each row said to be
   * replaced): the shadow follows each step. */
  g_assert_false (fixture->watch);
  g_assert_cmpuint (fixture->watched_removed, ==, 50);
  g_assert_cmpuint (fixture->watched_added, ==, 50);
  g_assert_true (qd_item_list_get_loading (fixture->list));
  while (qd_item_list_get_loading (fixture->list))
    {
      g_main_context_iteration (NULL, TRUE);
      assert_shadow_matches (fixture);
    }

  /* No row of the old query may survive in the shadow. */
  load_through (fixture, g_list_model_get_n_items (G_LIST_MODEL (fixture->list)) - 1);
  for (guint i = 0; i < fixture->shadow->len; i++)
    {
      QdItem *item = g_ptr_array_index (fixture->shadow, i);

      g_assert_cmpint (qd_item_get_reason (item), ==, QD_REASON_PHISHING);
      phishing++;
    }
  g_assert_cmpuint (phishing, ==, qd_item_list_get_total (fixture->list));
  g_assert_cmpuint (phishing, >, 0);
  g_assert_cmpuint (phishing, <, COUNT);
}

/* Other work of the main loop's default priority: the window's accessibility
 * bus, say.  Idles of lower priority wait until it is done. */
static gboolean
busy_cb (gpointer user_data)
{
  Fixture *fixture = user_data;

  return fixture->busy ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* A view lays out rows while a page lands, and asks for one still to come. */
static void
ask_as_page_lands_cb (QdItemList *list,
                      Fixture    *fixture)
{
  if (fixture->ask_row != 0)
    {
      g_autoptr(QdItem) item = g_list_model_get_item (G_LIST_MODEL (list), fixture->ask_row);

      g_assert_true (qd_item_is_placeholder (item));
      fixture->ask_row = 0;
      fixture->busy = TRUE;
      g_idle_add_full (G_PRIORITY_DEFAULT, busy_cb, fixture, NULL);
    }
  else
    fixture->busy = FALSE;
}

static void
loading_notified_cb (QdItemList *list,
                     GParamSpec *pspec,
                     Fixture    *fixture)
{
  fixture->last_loading = qd_item_list_get_loading (list);
}

/* The row asked for as the first page landed comes with the page loaded
 * next, before the model's own idle for it could run (the main loop was
 * busy): that idle then has nothing to ask for.  It must ask for no page
 * nobody wants, and "loading" must still end with a notification, or the
 * window's spinner spins on, redrawing the window for ever.  Two pages of
 * half the list each, and no shadow asking for every row: as a view does,
 * only the one row is asked for. */
static void
test_loading_ends_when_a_busy_loop_delays_the_wish (Fixture       *fixture,
                                                    gconstpointer  user_data)
{
  g_autoptr(QdQuery) query = qd_query_new (QD_FOLDER_QUARANTINE);
  g_autoptr(QdItemList) list = qd_item_list_new (QD_ITEM_SOURCE (fixture->gateway.client),
                                                 query, COUNT / 2);

  fixture->ask_row = COUNT / 2 + 5;
  g_signal_connect (list, "page-loaded", G_CALLBACK (ask_as_page_lands_cb), fixture);
  g_signal_connect (list, "notify::loading", G_CALLBACK (loading_notified_cb), fixture);
  while (!qd_item_list_is_loaded (list, COUNT / 2 + 5))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (fixture->busy);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_true (qd_item_list_get_complete (list));
  g_assert_false (qd_item_list_get_loading (list));
  g_assert_false (fixture->last_loading);
  g_signal_handlers_disconnect_by_data (list, fixture);
}

/* The real gateway read only in order, after a cursor, as the sources of
 * PMG, the cloud service and the mailbox are: it forwards listing and
 * acting and leaves out listing by position. */
#define TEST_TYPE_IN_ORDER (test_in_order_get_type ())
G_DECLARE_FINAL_TYPE (TestInOrder, test_in_order, TEST, IN_ORDER, GObject)

struct _TestInOrder
{
  GObject       parent_instance;
  QdItemSource *gateway;
};

static void test_in_order_iface_init (QdItemSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestInOrder, test_in_order, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (QD_TYPE_ITEM_SOURCE,
                                                      test_in_order_iface_init))

static void
forward_list_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  QdItemPage *page = qd_item_source_list_finish (QD_ITEM_SOURCE (object), result, &error);

  qd_task_return_pointer_or_error (task, page, (GDestroyNotify)qd_item_page_free, error);
}

static void
test_in_order_list_async (QdItemSource        *source,
                          const QdQuery       *query,
                          const char          *cursor,
                          guint                limit,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task = g_task_new (source, cancellable, callback, user_data);

  qd_item_source_list_async (TEST_IN_ORDER (source)->gateway, query, cursor, limit,
                             cancellable, forward_list_cb, task);
}

static QdItemPage *
test_in_order_list_finish (QdItemSource  *source,
                           GAsyncResult  *result,
                           GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
test_in_order_iface_init (QdItemSourceInterface *iface)
{
  iface->list_async = test_in_order_list_async;
  iface->list_finish = test_in_order_list_finish;
}

static void
test_in_order_finalize (GObject *object)
{
  g_clear_object (&TEST_IN_ORDER (object)->gateway);
  G_OBJECT_CLASS (test_in_order_parent_class)->finalize (object);
}

static void
test_in_order_class_init (TestInOrderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_in_order_finalize;
}

static void
test_in_order_init (TestInOrder *self)
{
}

/* Loaded rows are always the first ones, with no hole: a list read in
 * order asks only for the page after the last loaded. */
static void
assert_loaded_from_the_top (QdItemList *list)
{
  guint n_loaded = qd_item_list_get_n_loaded (list);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    g_assert_cmpint (qd_item_list_is_loaded (list, i), ==, i < n_loaded);
}

/* A batch ends while the next page is on its way, as when a person
 * releases everything while the list still reads its second page: the
 * released leave, the page asked before lands nowhere it should not, and
 * the list reads on to the end without a hole, a duplicate or a message
 * that left. */
static void
test_remove_while_a_page_is_on_its_way (Fixture       *fixture,
                                        gconstpointer  user_data)
{
  g_autoptr(TestInOrder) source = g_object_new (TEST_TYPE_IN_ORDER, NULL);
  g_autoptr(QdQuery) query = qd_query_new (QD_FOLDER_QUARANTINE);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) released = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(QdBatchResult) outcome = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;
  GListModel *model;

  source->gateway = g_object_ref (QD_ITEM_SOURCE (fixture->gateway.client));
  /* The fixture's list reads by position: this one takes its place. */
  g_signal_handlers_disconnect_by_data (fixture->list, fixture);
  g_clear_object (&fixture->list);
  /* Asking for a row far below would have a list read in order read
   * everything: only the rows named here are asked for. */
  fixture->shadow_lazy = TRUE;
  fixture->list = qd_item_list_new (QD_ITEM_SOURCE (source), query, PAGE_SIZE);
  model = G_LIST_MODEL (fixture->list);
  g_ptr_array_set_size (fixture->shadow, 0);
  g_signal_connect (fixture->list, "items-changed", G_CALLBACK (items_changed_cb), fixture);
  g_signal_connect (fixture->list, "page-loaded", G_CALLBACK (page_loaded_cb), fixture);
  load_through (fixture, 0);
  g_assert_cmpuint (qd_item_list_get_n_loaded (fixture->list), ==, PAGE_SIZE);

  /* The first page is deleted at the gateway (phishing may not be released). */
  for (guint i = 0; i < PAGE_SIZE; i++)
    {
      g_autoptr(QdItem) item = g_list_model_get_item (model, i);

      g_strv_builder_add (builder, qd_item_get_id (item));
    }
  ids = g_strv_builder_end (builder);
  qd_item_source_act_async (QD_ITEM_SOURCE (fixture->gateway.client), QD_ACTION_DELETE,
                            (const char * const *)ids, FALSE, NULL, NULL, NULL,
                            qd_async_wait_result_cb, &result);
  outcome = qd_item_source_act_finish (QD_ITEM_SOURCE (fixture->gateway.client),
                                       qd_async_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outcome->succeeded, ==, PAGE_SIZE);
  for (guint i = 0; ids[i] != NULL; i++)
    g_hash_table_add (released, ids[i]);

  /* The view scrolls on: the second page is asked for, and the batch's
   * end takes the first out before it comes. */
  g_clear_object (&result);
  {
    g_autoptr(QdItem) below = g_list_model_get_item (model, PAGE_SIZE + 10);

    g_assert_true (qd_item_is_placeholder (below));
  }
  g_assert_true (qd_item_list_get_loading (fixture->list));
  g_assert_cmpuint (qd_item_list_remove_ids (fixture->list, (const char * const *)ids), ==,
                    PAGE_SIZE);
  assert_shadow_matches (fixture);
  while (qd_item_list_get_loading (fixture->list))
    g_main_context_iteration (NULL, TRUE);
  assert_shadow_matches (fixture);
  assert_loaded_from_the_top (fixture->list);

  /* Read to the end: every message still held, once, none released. */
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      load_through (fixture, i);
      assert_loaded_from_the_top (fixture->list);
    }
  assert_shadow_matches (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, COUNT - PAGE_SIZE);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(QdItem) item = g_list_model_get_item (model, i);

      g_assert_false (g_hash_table_contains (released, qd_item_get_id (item)));
      /* The list holds the item, and so its id, past this scope. */
      g_assert_true (g_hash_table_add (seen, (gpointer)qd_item_get_id (item)));
    }
  g_assert_true (qd_item_list_get_complete (fixture->list));
}

/* A page that changes the count while a refresh's rows are still being
 * put in (held back here by other work of the main loop): the view is
 * told the rest of the refresh first, then the page, each against the
 * count it was told last.  Read in order, new mail moves the count. */
static void
test_count_moves_while_a_refresh_steps (Fixture       *fixture,
                                        gconstpointer  user_data)
{
  g_autoptr(TestInOrder) source = g_object_new (TEST_TYPE_IN_ORDER, NULL);
  g_autoptr(QdQuery) query = qd_query_new (QD_FOLDER_QUARANTINE);
  g_autoptr(GError) error = NULL;
  gint64 later = g_get_real_time () / G_USEC_PER_SEC + 172800 + 600;

  source->gateway = g_object_ref (QD_ITEM_SOURCE (fixture->gateway.client));
  g_signal_handlers_disconnect_by_data (fixture->list, fixture);
  g_clear_object (&fixture->list);
  fixture->shadow_lazy = TRUE;
  fixture->list = qd_item_list_new (QD_ITEM_SOURCE (source), query, 40);
  g_ptr_array_set_size (fixture->shadow, 0);
  g_signal_connect (fixture->list, "items-changed", G_CALLBACK (items_changed_cb), fixture);
  g_signal_connect (fixture->list, "page-loaded", G_CALLBACK (page_loaded_cb), fixture);
  load_through (fixture, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, COUNT);

  /* The refresh's first page: its first 50 rows are said, 40 of them
   * loaded; a view shows row 45 and so asks for the next page. */
  qd_item_list_refresh (fixture->list);
  g_main_loop_run (fixture->gateway.loop);
  g_assert_true (qd_item_list_get_loading (fixture->list));
  {
    g_autoptr(QdItem) item = g_list_model_get_item (G_LIST_MODEL (fixture->list), 45);

    g_assert_true (qd_item_is_placeholder (item));
  }
  fixture->busy = TRUE;
  g_idle_add_full (G_PRIORITY_DEFAULT, busy_cb, fixture, NULL);
  g_assert_true (qd_gw_bench_seed (fixture->gateway.gateway, "lists", 30, later, &error));
  g_assert_no_error (error);
  g_main_loop_run (fixture->gateway.loop);
  fixture->busy = FALSE;
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, COUNT + 30);
  while (qd_item_list_get_loading (fixture->list))
    g_main_context_iteration (NULL, TRUE);
  assert_shadow_matches (fixture);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  qd_mail_init ();
  g_test_add ("/item-list/loading-ends", Fixture, NULL, fixture_set_up,
              test_loading_ends_when_a_busy_loop_delays_the_wish, fixture_tear_down);
  g_test_add ("/item-list/jump", Fixture, NULL, fixture_set_up, test_jump, fixture_tear_down);
  g_test_add ("/item-list/rows-load-in-place", Fixture, NULL, fixture_set_up,
              test_rows_load_in_place, fixture_tear_down);
  g_test_add ("/item-list/let-go-while-loading", Fixture, NULL, fixture_set_up,
              test_let_go_while_loading, fixture_tear_down);
  g_test_add ("/item-list/far-rows-go", Fixture, NULL, fixture_set_up, test_far_rows_go,
              fixture_tear_down);
  g_test_add ("/item-list/snapshot", Fixture, NULL, fixture_set_up,
              test_snapshot_while_mail_arrives, fixture_tear_down);
  g_test_add ("/item-list/query-change", Fixture, NULL, fixture_set_up, test_query_change,
              fixture_tear_down);
  g_test_add ("/item-list/count-moves-while-a-refresh-steps", Fixture, NULL, fixture_set_up,
              test_count_moves_while_a_refresh_steps, fixture_tear_down);
  g_test_add ("/item-list/remove-while-a-page-is-on-its-way", Fixture, NULL, fixture_set_up,
              test_remove_while_a_page_is_on_its_way, fixture_tear_down);
  return g_test_run ();
}
