/* test-api-client-pages.c — a whole listing, page after page, in order
 *
 * qd_api_client_list_pages_async() asks for the next page while it parses
 * one, so pages are in flight out of step with what is handed over.  What
 * the caller sees must still be every item once, in the gateway's order,
 * exactly @max of them when asked for fewer, and nothing more once
 * cancelled.
 *
 * The gateway is the real one (libqd-gateway), served in this process on
 * loopback with 1 000 held messages in pages of at most 150.
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
  GPtrArray      *ids;     /* char *, as handed over */
  guint           pages;
  GCancellable   *cancel_after_first;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  gateway_fixture_set_up (&fixture->gateway, COUNT, PAGE_SIZE);
  fixture->ids = g_ptr_array_new_with_free_func (g_free);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->cancel_after_first);
  g_clear_pointer (&fixture->ids, g_ptr_array_unref);
  gateway_fixture_tear_down (&fixture->gateway);
}

static void
each_page (QdItemPage *page,
           gpointer    user_data)
{
  g_autoptr(QdItemPage) owned = page;
  Fixture *fixture = user_data;

  g_assert_cmpuint (page->items->len, <=, PAGE_SIZE);
  for (guint i = 0; i < page->items->len; i++)
    g_ptr_array_add (fixture->ids, g_strdup (qd_item_get_id (g_ptr_array_index (page->items, i))));
  fixture->pages++;
  if (fixture->cancel_after_first != NULL)
    g_cancellable_cancel (fixture->cancel_after_first);
}

static gboolean
list_pages (Fixture  *fixture,
            guint     max,
            GError  **error)
{
  g_autoptr(QdQuery) query = qd_query_new (QD_FOLDER_QUARANTINE);
  g_autoptr(GAsyncResult) result = NULL;

  qd_api_client_list_pages_async (fixture->gateway.client, query, max, each_page, fixture,
                                  fixture->cancel_after_first, qd_async_wait_result_cb, &result);
  return qd_api_client_list_pages_finish (fixture->gateway.client, qd_async_wait (&result),
                                          error);
}

/* The ids one page at a time, each asked for after the last arrived. */
static GPtrArray *
ids_page_by_page (Fixture *fixture)
{
  g_autoptr(QdQuery) query = qd_query_new (QD_FOLDER_QUARANTINE);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *cursor = NULL;

  do
    {
      g_autoptr(QdItemPage) page = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GAsyncResult) result = NULL;

      qd_api_client_list_async (fixture->gateway.client, query, cursor, PAGE_SIZE, NULL,
                                qd_async_wait_result_cb, &result);
      page = qd_api_client_list_finish (fixture->gateway.client, qd_async_wait (&result), &error);
      g_assert_no_error (error);
      for (guint i = 0; i < page->items->len; i++)
        g_ptr_array_add (ids, g_strdup (qd_item_get_id (g_ptr_array_index (page->items, i))));
      g_free (cursor);
      cursor = g_steal_pointer (&page->next_cursor);
    }
  while (cursor != NULL);
  return ids;
}

static void
test_every_page_in_order (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) expected = ids_page_by_page (fixture);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_true (list_pages (fixture, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (expected->len, ==, COUNT);
  g_assert_cmpuint (fixture->ids->len, ==, COUNT);
  g_assert_cmpuint (fixture->pages, ==, (COUNT + PAGE_SIZE - 1) / PAGE_SIZE);
  for (guint i = 0; i < COUNT; i++)
    {
      g_assert_cmpstr (g_ptr_array_index (fixture->ids, i), ==, g_ptr_array_index (expected, i));
      g_assert_true (g_hash_table_add (seen, g_ptr_array_index (fixture->ids, i)));
    }
}

static void
test_at_most_max (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) expected = ids_page_by_page (fixture);

  g_assert_true (list_pages (fixture, 2 * PAGE_SIZE + 20, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->ids->len, ==, 2 * PAGE_SIZE + 20);
  g_assert_cmpuint (fixture->pages, ==, 3);
  for (guint i = 0; i < fixture->ids->len; i++)
    g_assert_cmpstr (g_ptr_array_index (fixture->ids, i), ==, g_ptr_array_index (expected, i));
}

static void
test_cancelled (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  /* Cancelled as the first page is handed over, with the second one
   * already asked for: that one never comes. */
  fixture->cancel_after_first = g_cancellable_new ();
  g_assert_false (list_pages (fixture, 0, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (fixture->pages, ==, 1);
  g_assert_cmpuint (fixture->ids->len, ==, PAGE_SIZE);
  /* Nothing in flight comes after the task returned. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (fixture->pages, ==, 1);
}

static void
test_ids (Fixture       *fixture,
          gconstpointer  user_data)
{
  g_autoptr(QdQuery) query = qd_query_new (QD_FOLDER_QUARANTINE);
  g_autoptr(GPtrArray) expected = ids_page_by_page (fixture);
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_auto(GStrv) ids = NULL;

  qd_api_client_list_ids_async (fixture->gateway.client, query, NULL, qd_async_wait_result_cb,
                                &result);
  ids = qd_api_client_list_ids_finish (fixture->gateway.client, qd_async_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (ids), ==, COUNT);
  for (guint i = 0; i < COUNT; i++)
    g_assert_cmpstr (ids[i], ==, g_ptr_array_index (expected, i));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  qd_mail_init ();
  g_test_add ("/api-client-pages/every-page-in-order", Fixture, NULL, fixture_set_up,
              test_every_page_in_order, fixture_tear_down);
  g_test_add ("/api-client-pages/at-most-max", Fixture, NULL, fixture_set_up, test_at_most_max,
              fixture_tear_down);
  g_test_add ("/api-client-pages/cancelled", Fixture, NULL, fixture_set_up, test_cancelled,
              fixture_tear_down);
  g_test_add ("/api-client-pages/ids", Fixture, NULL, fixture_set_up, test_ids, fixture_tear_down);
  return g_test_run ();
}
