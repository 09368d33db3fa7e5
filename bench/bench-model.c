/* bench-model.c — the core list model against a real gateway
 *
 * Usage: bench-model URL USER PASSWORD RUNS
 * Prints lines "NAME MEDIAN_MS MIN_MS MAX_MS" for bench/run:
 *   first-page     from the sign-in request to the first page of items
 *                  available in the QdItemList (what the window shows first)
 *   filter-reason  from a reason filter change to its first page
 *   filter-search  from a search change to its first page
 * The password comes from the command line: this is a throwaway
 * benchmark account on loopback.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "bench-figure.h"
#include "qd-core.h"

typedef struct
{
  GMainLoop   *loop;
  QdApiClient *client;
  QdItemList  *list;
  gboolean     failed;
} Run;

static void
page_loaded_cb (QdItemList *list,
                Run        *run)
{
  g_main_loop_quit (run->loop);
}

static void
list_error_cb (QdItemList *list,
               GParamSpec *pspec,
               Run        *run)
{
  if (qd_item_list_get_error (list) != NULL)
    {
      g_printerr ("bench-model: %s\n", qd_item_list_get_error (list)->message);
      run->failed = TRUE;
      g_main_loop_quit (run->loop);
    }
}

static gboolean
first_item_is_real (QdItemList *list)
{
  g_autoptr(QdItem) first = g_list_model_get_item (G_LIST_MODEL (list), 0);

  return first != NULL && !qd_item_is_placeholder (first);
}

/* Waits for the list's first page: the milliseconds since @t0, or -1
 * when it failed. */
static double
wait_first_page (Run    *run,
                 gint64  t0)
{
  g_main_loop_run (run->loop);
  if (run->failed || !first_item_is_real (run->list))
    return -1;
  return (g_get_monotonic_time () - t0) / 1000.0;
}

/* The list's current query, changed by @change; the milliseconds to its
 * first page, or -1 when it failed. */
static double
time_query_change (Run   *run,
                   void (*change) (QdQuery *query))
{
  g_autoptr(QdQuery) query = qd_query_copy (qd_item_list_get_query (run->list));
  gint64 t0;

  change (query);
  t0 = g_get_monotonic_time ();
  qd_item_list_set_query (run->list, query);
  return wait_first_page (run, t0);
}

static void
filter_reason (QdQuery *query)
{
  qd_query_set_reasons (query, 1 << QD_REASON_PHISHING);
}

static void
filter_search (QdQuery *query)
{
  qd_query_set_search (query, "sender5@");
}

int
main (int   argc,
      char *argv[])
{
  guint runs;
  g_autofree double *first_page = NULL;
  g_autofree double *reason = NULL;
  g_autofree double *search = NULL;

  if (argc != 5)
    {
      g_printerr ("usage: bench-model URL USER PASSWORD RUNS\n");
      return 2;
    }
  runs = (guint)atoi (argv[4]);
  first_page = g_new (double, runs);
  reason = g_new (double, runs);
  search = g_new (double, runs);

  for (guint i = 0; i < runs; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(QdQuery) query = NULL;
      g_autoptr(GAsyncResult) signed_in = NULL;
      g_autoptr(QdAccount) account = NULL;
      Run run = { 0 };
      gint64 t0;

      run.loop = g_main_loop_new (NULL, FALSE);
      run.client = qd_api_client_new (argv[1], &error);
      if (run.client == NULL)
        {
          g_printerr ("bench-model: %s\n", error->message);
          return 1;
        }

      t0 = g_get_monotonic_time ();
      qd_api_client_sign_in_async (run.client, argv[2], argv[3], NULL, qd_async_wait_result_cb,
                                   &signed_in);
      account = qd_api_client_sign_in_finish (run.client, qd_async_wait (&signed_in), &error);
      if (account == NULL)
        {
          g_printerr ("bench-model: %s\n", error->message);
          return 1;
        }
      /* As the window does: a model of pages of 200, which asks for its
       * first page at once. */
      query = qd_query_new (QD_FOLDER_QUARANTINE);
      run.list = qd_item_list_new (QD_ITEM_SOURCE (run.client), query, 200);
      g_signal_connect (run.list, "page-loaded", G_CALLBACK (page_loaded_cb), &run);
      g_signal_connect (run.list, "notify::error", G_CALLBACK (list_error_cb), &run);
      first_page[i] = wait_first_page (&run, t0);
      if (first_page[i] < 0)
        return 1;
      reason[i] = time_query_change (&run, filter_reason);
      if (reason[i] < 0)
        return 1;
      search[i] = time_query_change (&run, filter_search);
      if (search[i] < 0)
        return 1;

      g_clear_object (&run.list);
      g_clear_object (&run.client);
      g_main_loop_unref (run.loop);
    }
  bench_print_figure ("first-page", first_page, runs);
  bench_print_figure ("filter-reason", reason, runs);
  bench_print_figure ("filter-search", search, runs);
  return 0;
}
