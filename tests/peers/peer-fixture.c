/* peer-fixture.c — what the tests of the other gateways' clients share: simulator, calls
 *
 * A simulator (pmgsim.py, cloudsim.py) runs as a process that ends with the
 * test, even when an assertion aborts it, and says on its first line, in
 * JSON, where it listens.  The calls go through QdGateway and
 * QdItemSource, as the window's do, and are waited for.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>

#include "peer-fixture.h"
#include "qd-async-wait.h"
#include "qd-gateway-detect.h"
#include "qd-item.h"

/* Ending saves the state; the connections' threads end within their
 * idle timeouts (5 s, 30 s). */
#define PEER_SIM_STOP_LIMIT_S 60

static void
end_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* A simulator not started yet, with a new folder. */
PeerSim *
peer_sim_new (void)
{
  g_autoptr(GError) error = NULL;
  PeerSim *sim = g_new0 (PeerSim, 1);

  sim->dir = g_dir_make_tmp ("qd-peer-sim-XXXXXX", &error);
  g_assert_no_error (error);
  return sim;
}

/* Returns: (transfer full): the path of @name in the simulator's folder */
char *
peer_sim_path (PeerSim    *sim,
               const char *name)
{
  return g_build_filename (sim->dir, name, NULL);
}

/**
 * peer_sim_start:
 * @script: the simulator's file name in tests/peers
 * @...: its arguments after "serve", then %NULL
 *
 * Starts the simulator (again, after peer_sim_stop ()) and reads its
 * first line.
 */
void
peer_sim_start (PeerSim    *sim,
                const char *script,
                ...)
{
  const char *root = g_getenv ("QD_SOURCE_ROOT");
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, g_strdup ("python3"));
  g_ptr_array_add (argv, g_build_filename (root != NULL ? root : ".", "tests", "peers", script,
                                           NULL));
  g_ptr_array_add (argv, g_strdup ("serve"));
  va_start (args, script);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, end_with_parent, NULL, NULL);
  g_clear_object (&sim->process);
  sim->process = g_subprocess_launcher_spawnv (launcher, (const char * const *)argv->pdata,
                                               &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (sim->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (json_parser_load_from_data (parser, line, -1, NULL));
  g_clear_pointer (&sim->ready, json_object_unref);
  sim->ready = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* A string of the simulator's first line ("url", say). */
const char *
peer_sim_get (PeerSim    *sim,
              const char *member)
{
  return json_object_get_string_member (sim->ready, member);
}

static gboolean
set_flag_cb (gpointer flag)
{
  *(gboolean *)flag = TRUE;
  return G_SOURCE_REMOVE;
}

/* Stops the simulator, which saves its state as it ends.  One that does
 * not end fails the test here, rather than at meson's timeout with no
 * word of where. */
void
peer_sim_stop (PeerSim *sim)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean late = FALSE;
  guint limit;

  if (sim->process == NULL)
    return;
  g_subprocess_send_signal (sim->process, SIGTERM);
  g_subprocess_wait_async (sim->process, NULL, qd_async_wait_result_cb, &result);
  limit = g_timeout_add_seconds (PEER_SIM_STOP_LIMIT_S, set_flag_cb, &late);
  while (result == NULL && !late)
    g_main_context_iteration (NULL, TRUE);
  if (late)
    {
      g_subprocess_force_exit (sim->process);
      g_error ("The simulator did not end within %u s of SIGTERM.", PEER_SIM_STOP_LIMIT_S);
    }
  g_source_remove (limit);
  g_subprocess_wait_finish (sim->process, result, &error);
  g_assert_no_error (error);
  g_clear_object (&sim->process);
}

/* Stops the simulator and removes its folder, with what is in it. */
void
peer_sim_free (PeerSim *sim)
{
  g_autoptr(GDir) dir = g_dir_open (sim->dir, 0, NULL);
  const char *name;

  peer_sim_stop (sim);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = peer_sim_path (sim, name);

      g_remove (path);
    }
  g_rmdir (sim->dir);
  g_free (sim->dir);
  g_clear_pointer (&sim->ready, json_object_unref);
  g_free (sim);
}

/* A client of @kind for the simulator at @url, as the window makes one. */
gpointer
peer_client_new (QdGatewayKind  kind,
                 const char    *url,
                 const char    *ca_file)
{
  g_autoptr(GError) error = NULL;
  QdGateway *client = qd_gateway_new_for_kind (kind, url, ca_file, &error);

  g_assert_no_error (error);
  g_assert_nonnull (client);
  return client;
}

/* Signs @client in as @user, which must work; returns @client. */
gpointer
peer_signed_in (gpointer    client,
                const char *user,
                const char *password)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdAccount) account = peer_sign_in (client, user, password, &error);

  g_assert_no_error (error);
  g_assert_nonnull (account);
  return client;
}

QdAccount *
peer_sign_in (gpointer     client,
              const char  *user,
              const char  *password,
              GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  qd_gateway_sign_in_async (QD_GATEWAY (client), user, password, NULL, qd_async_wait_result_cb,
                            &result);
  return qd_gateway_sign_in_finish (QD_GATEWAY (client), qd_async_wait (&result), error);
}

/* @query: (nullable): %NULL for everything held */
QdItemPage *
peer_list_page (gpointer        client,
                const QdQuery  *query,
                const char     *cursor,
                guint           limit,
                GError        **error)
{
  QdItemSource *source = qd_gateway_get_source (QD_GATEWAY (client), QD_FOLDER_QUARANTINE);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(QdQuery) all = qd_query_new (QD_FOLDER_QUARANTINE);

  qd_item_source_list_async (source, query != NULL ? query : all, cursor, limit, NULL,
                             qd_async_wait_result_cb, &result);
  return qd_item_source_list_finish (source, qd_async_wait (&result), error);
}

/* Every item of @query, page by page, asking @limit a page, where each
 * page must hold at most @page_most; the number of pages in @n_pages. */
GPtrArray *
peer_list_all (gpointer       client,
               const QdQuery *query,
               guint          limit,
               guint          page_most,
               guint         *n_pages)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *cursor = NULL;
  guint pages = 0;

  do
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(QdItemPage) page = peer_list_page (client, query, cursor, limit, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (page->items->len, <=, page_most);
      g_ptr_array_extend_and_steal (items, g_steal_pointer (&page->items));
      g_free (cursor);
      cursor = g_steal_pointer (&page->next_cursor);
      pages++;
      g_assert_cmpuint (pages, <, 100);
    }
  while (cursor != NULL);
  if (n_pages != NULL)
    *n_pages = pages;
  return items;
}

QdBatchResult *
peer_act (gpointer             client,
          QdActions            action,
          const char * const  *ids,
          gboolean             approve,
          QdProgressFunc       progress,
          gpointer             progress_data,
          GCancellable        *cancellable,
          GError             **error)
{
  QdItemSource *source = qd_gateway_get_source (QD_GATEWAY (client), QD_FOLDER_QUARANTINE);
  g_autoptr(GAsyncResult) result = NULL;

  qd_item_source_act_async (source, action, ids, approve, progress, progress_data, cancellable,
                            qd_async_wait_result_cb, &result);
  return qd_item_source_act_finish (source, qd_async_wait (&result), error);
}

GBytes *
peer_get_raw (gpointer     client,
              const char  *id,
              GError     **error)
{
  QdItemSource *source = qd_gateway_get_source (QD_GATEWAY (client), QD_FOLDER_QUARANTINE);
  g_autoptr(GAsyncResult) result = NULL;

  qd_item_source_get_raw_async (source, id, NULL, qd_async_wait_result_cb, &result);
  return qd_item_source_get_raw_finish (source, qd_async_wait (&result), error);
}

GPtrArray *
peer_list_senders (gpointer       client,
                   QdSenderList   list,
                   GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  qd_gateway_list_senders_async (QD_GATEWAY (client), list, NULL, qd_async_wait_result_cb,
                                 &result);
  return qd_gateway_list_senders_finish (QD_GATEWAY (client), qd_async_wait (&result), error);
}

gboolean
peer_change_sender (gpointer       client,
                    QdSenderList   list,
                    const char    *address,
                    gboolean       add,
                    GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  qd_gateway_change_sender_async (QD_GATEWAY (client), list, address, add, NULL,
                                  qd_async_wait_result_cb, &result);
  return qd_gateway_change_sender_finish (QD_GATEWAY (client), qd_async_wait (&result), error);
}

typedef struct
{
  GCancellable *cancellable;
  guint         total;
} CancelAfterFirst;

static void
cancel_after_first (guint    done,
                    guint    total,
                    gpointer user_data)
{
  CancelAfterFirst *cancel = user_data;

  g_assert_cmpuint (total, ==, cancel->total);
  g_assert_cmpuint (done, <, total);
  g_cancellable_cancel (cancel->cancellable);
}

/**
 * peer_release_cancelled:
 * @first_batch: how many of @ids the first batch takes
 *
 * Releases @ids, cancelling after the first batch: that batch is done,
 * every other id is not attempted, and the action does not fail.
 */
QdBatchResult *
peer_release_cancelled (gpointer            client,
                        const char * const *ids,
                        guint               first_batch)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CancelAfterFirst cancel = { cancellable, g_strv_length ((GStrv)ids) };
  g_autoptr(GError) error = NULL;
  QdBatchResult *result;

  result = peer_act (client, QD_ACTION_RELEASE, ids, FALSE, cancel_after_first, &cancel,
                     cancellable, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->outcomes->len, ==, cancel.total);
  g_assert_cmpuint (result->succeeded, ==, first_batch);
  g_assert_cmpuint (result->not_attempted, ==, cancel.total - first_batch);
  return result;
}

/* The outcome of the @i-th id of @result. */
QdOutcome *
peer_outcome (QdBatchResult *result,
              guint          i)
{
  g_assert_cmpuint (i, <, result->outcomes->len);
  return g_ptr_array_index (result->outcomes, i);
}
