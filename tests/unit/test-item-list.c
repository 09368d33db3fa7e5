/* test-item-list.c — the paging model says exactly what changed
 *
 * A view keeps its own idea of the rows from items-changed alone; if the
 * model ever reports less than what changed, that idea goes stale and the
 * window shows old rows.  A shadow list, fed only by items-changed, must
 * match the model after every signal: while pages load in order, after a
 * query change, and when the view asks for a row far below.
 *
 * The gateway is the real one (libqd-gateway), served in this process on
 * loopback with 1 000 held messages.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "gateway-fixture.h"

#define COUNT     1000
#define PAGE_SIZE 150

typedef struct
{
  GatewayFixture  gateway;
  QdItemList     *list;
  GPtrArray      *shadow;
  guint           signals;
} Fixture;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Fixture    *fixture)
{
  g_assert_cmpuint (position + removed, <=, fixture->shadow->len);
  g_ptr_array_remove_range (fixture->shadow, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (fixture->shadow, position + i,
                        g_list_model_get_item (model, position + i));
  fixture->signals++;
}

/* Every loaded row the shadow holds is the model's own object. */
static void
assert_shadow_matches (Fixture *fixture)
{
  GListModel *model = G_LIST_MODEL (fixture->list);
  guint loaded = qd_item_list_get_n_loaded (fixture->list);

  g_assert_cmpuint (fixture->shadow->len, ==, g_list_model_get_n_items (model));
  for (guint i = 0; i < loaded; i++)
    {
      g_autoptr(QdItem) item = g_list_model_get_item (model, i);

      g_assert_false (qd_item_is_placeholder (item));
      g_assert_true (g_ptr_array_index (fixture->shadow, i) == item);
    }
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
  fixture->list = qd_item_list_new (QD_ITEM_SOURCE (fixture->gateway.client), query, PAGE_SIZE);
  g_signal_connect (fixture->list, "items-changed", G_CALLBACK (items_changed_cb), fixture);
  g_signal_connect (fixture->list, "page-loaded", G_CALLBACK (page_loaded_cb), fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->list);
  g_clear_pointer (&fixture->shadow, g_ptr_array_unref);
  gateway_fixture_tear_down (&fixture->gateway);
}

/* Asks for ROW as a view does, then waits until it is loaded. */
static void
load_through (Fixture *fixture,
              guint    row)
{
  while (qd_item_list_get_n_loaded (fixture->list) <= row)
    {
      /* Before the first page the model has no rows to ask for. */
      if (row < g_list_model_get_n_items (G_LIST_MODEL (fixture->list)))
        {
          g_autoptr(QdItem) item = g_list_model_get_item (G_LIST_MODEL (fixture->list), row);

          if (!qd_item_is_placeholder (item))
            break;
        }
      g_main_loop_run (fixture->gateway.loop);
    }
}

static void
test_pages_in_order (Fixture       *fixture,
                     gconstpointer  user_data)
{
  load_through (fixture, 0);
  g_assert_cmpuint (qd_item_list_get_n_loaded (fixture->list), ==, PAGE_SIZE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, COUNT);

  /* A row far below: every page before it loads, in order. */
  load_through (fixture, COUNT - 1);
  assert_shadow_matches (fixture);
  g_assert_cmpuint (qd_item_list_get_n_loaded (fixture->list), ==, COUNT);
  g_assert_cmpuint (fixture->signals, >=, COUNT / PAGE_SIZE);
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
  qd_item_list_set_query (fixture->list, query);
  g_main_loop_run (fixture->gateway.loop);
  assert_shadow_matches (fixture);

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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  qd_mail_init ();
  g_test_add ("/item-list/pages-in-order", Fixture, NULL, fixture_set_up, test_pages_in_order,
              fixture_tear_down);
  g_test_add ("/item-list/query-change", Fixture, NULL, fixture_set_up, test_query_change,
              fixture_tear_down);
  return g_test_run ();
}
