/* test-gw-store.c — the gateway's queries read through indexes
 *
 * A folder of 100 000 held messages must page, count and filter without
 * reading every row (issue: performance at scale).  These tests run every
 * kind of statement the gateway prepares against a seeded store, then ask
 * SQLite for each plan: a full scan of a table or a sort in a temporary
 * B-tree fails the test.  No ANALYZE is run, as no gateway runs it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "qd-gw-bench-seed.h"
#include "test-dir.h"
#include "qd-gw-gateway.h"

#define COUNT 3000

typedef struct
{
  char        *dir;
  QdGwGateway *gateway;
  QdGwStore   *store;
  gint64       user_id;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdGwUser) user = NULL;
  QdGwConfig config;

  fixture->dir = g_dir_make_tmp ("qd-gw-store-XXXXXX", &error);
  g_assert_no_error (error);
  qd_gw_config_init (&config);
  config.data_dir = g_strdup (fixture->dir);
  fixture->gateway = qd_gw_gateway_new (&config, &error);
  g_assert_no_error (error);
  fixture->store = qd_gw_gateway_get_store (fixture->gateway);
  g_assert_true (qd_gw_gateway_add_user (fixture->gateway, "bench", "bench@example.com", NULL,
                                         "bench", FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (qd_gw_bench_seed (fixture->gateway, "bench", COUNT,
                                   g_get_real_time () / G_USEC_PER_SEC, &error));
  g_assert_no_error (error);
  user = qd_gw_store_find_user (fixture->store, "bench");
  fixture->user_id = user->id;
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->gateway);
  test_dir_remove (fixture->dir);
  g_free (fixture->dir);
}

static const char * const sort_columns[] = { "received_at", "size", "from", "subject" };

static GVariant *
sort_key (const QdGwItem *item,
          const char     *column)
{
  if (g_str_equal (column, "received_at"))
    return g_variant_new_int64 (item->received_at);
  if (g_str_equal (column, "size"))
    return g_variant_new_int64 (item->size);
  if (g_str_equal (column, "from"))
    {
      g_autofree char *key = g_utf8_strdown (item->from_name, -1);

      return g_variant_new_string (key);
    }
  {
    g_autofree char *key = g_utf8_strdown (item->subject, -1);

    return g_variant_new_string (key);
  }
}

/* Pages through the whole query; returns how many items it saw.  A page
 * after a row must cost about what the first did: SQLite seeks to that
 * row instead of walking the pages before it (counted in its virtual
 * machine's steps, which do not depend on the machine's speed). */
static guint
page_through (Fixture    *fixture,
              QdGwQuery  *query,
              gint64     *total)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GVariant) after = NULL;
  int first_steps = 0;

  query->limit = 400;
  query->has_after = FALSE;
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) page = qd_gw_store_list_items (fixture->store, query, total, &error);
      QdGwItem *last;

      g_assert_no_error (error);
      if (!query->has_after)
        first_steps = qd_gw_store_get_list_steps (fixture->store);
      else if (page->len == query->limit)
        {
          if (qd_gw_store_get_list_steps (fixture->store) > 2 * first_steps)
            g_test_message ("sorted by %s%s: a page after %u items took %d steps, the first %d",
                            query->sort_column, query->descending ? " descending" : "",
                            g_hash_table_size (seen), qd_gw_store_get_list_steps (fixture->store),
                            first_steps);
          g_assert_cmpint (qd_gw_store_get_list_steps (fixture->store), <=, 2 * first_steps);
        }
      for (guint i = 0; i < page->len; i++)
        {
          QdGwItem *item = g_ptr_array_index (page, i);

          g_assert_false (g_hash_table_contains (seen, &item->id));
          g_hash_table_add (seen, g_memdup2 (&item->id, sizeof item->id));
        }
      if (page->len < query->limit)
        break;
      last = g_ptr_array_index (page, page->len - 1);
      g_clear_pointer (&after, g_variant_unref);
      after = g_variant_ref_sink (sort_key (last, query->sort_column));
      query->has_after = TRUE;
      query->after_key = after;
      query->after_id = last->id;
    }
  query->after_key = NULL;
  return g_hash_table_size (seen);
}

static void
exercise_listing (Fixture *fixture)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  for (guint c = 0; c < G_N_ELEMENTS (sort_columns); c++)
    for (int descending = 0; descending <= 1; descending++)
      {
        QdGwQuery all = {
          .user_id = fixture->user_id, .folder = QD_FOLDER_QUARANTINE,
          .since = G_MININT64, .until = G_MAXINT64,
          .sort_column = sort_columns[c], .descending = descending,
        };
        QdGwQuery filtered = all;
        gint64 total = -1;

        g_assert_cmpuint (page_through (fixture, &all, &total), ==, COUNT);
        g_assert_cmpint (total, ==, COUNT);

        /* Every filter at once, as the window's filter bar can set them. */
        filtered.reasons = 1 << QD_REASON_GRAYMAIL;
        filtered.categories = 1 << QD_CATEGORY_MARKETING;
        filtered.since = now - 24 * 3600;
        filtered.until = now;
        filtered.search = "sender1";
        g_assert_cmpint (page_through (fixture, &filtered, &total), ==, total);
        g_assert_cmpint (total, >, 0);
        g_assert_cmpint (total, <, COUNT);
      }
}

static void
exercise_actions (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdGwUser) user = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) result = NULL;
  g_autofree char *token = NULL;
  g_autoptr(GPtrArray) senders = NULL;
  gint64 expires_at, retry_after;

  token = qd_gw_gateway_sign_in (fixture->gateway, "bench", "bench", "127.0.0.1", &expires_at,
                                 &user, &retry_after, &error);
  g_assert_no_error (error);
  g_assert_cmpint (qd_gw_gateway_authenticate (fixture->gateway, token, &expires_at, &error),
                   ==, fixture->user_id);
  for (guint i = 1; i <= 20; i++)
    g_ptr_array_add (ids, g_strdup_printf ("%u", i));
  result = qd_gw_gateway_act (fixture->gateway, fixture->user_id, QD_ACTION_RELEASE, ids, FALSE);
  g_assert_nonnull (result);
  g_clear_pointer (&result, g_array_unref);
  result = qd_gw_gateway_act (fixture->gateway, fixture->user_id, QD_ACTION_BLOCK_SENDER, ids,
                              FALSE);
  g_assert_nonnull (result);
  senders = qd_gw_store_list_senders (fixture->store, QD_GW_LIST_BLOCKED, fixture->user_id, NULL);
  g_assert_cmpint (qd_gw_store_count_senders (fixture->store, QD_GW_LIST_BLOCKED, fixture->user_id),
                   ==, senders->len);
  g_assert_cmpuint (senders->len, >, 0);
  qd_gw_gateway_purge_expired (fixture->gateway);
  qd_gw_gateway_sign_out (fixture->gateway, token);
}

/* rspamd's held copies: users by address, items by queue id, sender lists. */
static void
exercise_ingest (Fixture *fixture)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr(QdGwIngestRequest) request = NULL;
  g_autoptr(GBytes) message = g_bytes_new_static ("From: a@b.example\r\n\r\nhi\r\n", 25);
  g_autoptr(GError) error = NULL;
  QdGwIngestCounts counts;

  soup_message_headers_append (headers, "X-Rspamd-qid", "PLANQ");
  soup_message_headers_append (headers, "X-Rspamd-rcpt", "[\"BENCH@example.com\"]");
  soup_message_headers_append (headers, "X-Rspamd-from", "a@b.example");
  request = qd_gw_ingest_request_parse (headers, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_true (qd_gw_gateway_ingest_from_rspamd (fixture->gateway, request, message,
                                                       &counts, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (i == 0 ? counts.held : counts.duplicates, ==, 1);
    }
}

static gboolean
plan_reads_every_row (const char *plan)
{
  g_auto(GStrv) lines = g_strsplit (plan, "\n", -1);

  /* The first line is the statement itself. */
  for (guint i = 1; lines[i] != NULL; i++)
    {
      const char *line = g_strstrip (lines[i]);

      if (g_str_has_prefix (line, "SCAN ") || strstr (line, "TEMP B-TREE") != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
test_plans (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autoptr(GPtrArray) plans = NULL;
  g_autoptr(GString) bad = g_string_new (NULL);
  guint selects = 0;

  exercise_listing (fixture);
  exercise_actions (fixture);
  exercise_ingest (fixture);

  plans = qd_gw_store_explain_used (fixture->store);
  for (guint i = 0; i < plans->len; i++)
    {
      const char *plan = g_ptr_array_index (plans, i);

      if (g_str_has_prefix (plan, "SELECT"))
        selects++;
      if (plan_reads_every_row (plan))
        g_string_append_printf (bad, "%s\n\n", plan);
    }
  /* Pages in 4 orders × 2 directions, the count, users, sessions, items by
   * id, senders: the test must really have run them. */
  g_assert_cmpuint (selects, >=, 12);
  if (bad->len > 0)
    g_test_message ("statements that read every row:\n%s", bad->str);
  g_assert_cmpstr (bad->str, ==, "");
}

static gint64
count_all (QdGwStore *store,
           gint64     user_id)
{
  QdGwQuery all = {
    .user_id = user_id, .folder = QD_FOLDER_QUARANTINE, .since = G_MININT64,
    .until = G_MAXINT64, .sort_column = "received_at", .descending = TRUE, .limit = 1,
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) page = NULL;
  gint64 total = -1;

  page = qd_gw_store_list_items (store, &all, &total, &error);
  g_assert_no_error (error);
  return total;
}

/* The count each page asks for is kept between pages, and never outlives
 * a change: made here, or by another process (qd-gateway ingest) through
 * its own connection. */
static void
test_count_follows_changes (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "gateway.db", NULL);
  g_autoptr(QdGwStore) other = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (count_all (fixture->store, fixture->user_id), ==, COUNT);
  g_assert_cmpint (count_all (fixture->store, fixture->user_id), ==, COUNT);
  g_assert_true (qd_gw_store_set_item_status (fixture->store, 1, "released", &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_all (fixture->store, fixture->user_id), ==, COUNT - 1);

  other = qd_gw_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (qd_gw_store_set_item_status (other, 2, "released", &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_all (fixture->store, fixture->user_id), ==, COUNT - 2);
  g_assert_true (qd_gw_store_set_item_status (other, 1, "held", &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_all (fixture->store, fixture->user_id), ==, COUNT - 1);
}

/* The check itself: a statement without an index is caught. */
static void
test_plans_catch_a_scan (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_assert_true (plan_reads_every_row ("SELECT …\n  SCAN items"));
  g_assert_true (plan_reads_every_row ("SELECT …\n  SEARCH items USING INDEX x (user_id=?)\n"
                                       "  USE TEMP B-TREE FOR ORDER BY"));
  g_assert_false (plan_reads_every_row ("SELECT …\n  SEARCH items USING INDEX x (user_id=?)"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/gw-store/plans", Fixture, NULL, fixture_set_up, test_plans, fixture_tear_down);
  g_test_add ("/gw-store/count-follows-changes", Fixture, NULL, fixture_set_up,
              test_count_follows_changes, fixture_tear_down);
  g_test_add ("/gw-store/plans-catch-a-scan", Fixture, NULL, fixture_set_up,
              test_plans_catch_a_scan, fixture_tear_down);
  return g_test_run ();
}
