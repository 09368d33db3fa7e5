/* test-gateway-detect.c — which kind an address is, against the real qd-gateway, the PMG
 * simulator as a process, and servers that are neither
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>

#include "gateway-fixture.h"
#include "qd-async-wait.h"
#include "qd-core.h"

/* Runs detection of @url to its end, in this process or in a child (this
 * program again: main () answers as the window's and qdesk's do). */
static gboolean
detect_in (gboolean        isolated,
           const char     *url,
           QdGatewayKind  *kind,
           char          **base_url,
           GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  if (isolated)
    qd_gateway_detect_kind_isolated_async (url, NULL, qd_async_wait_result_cb, &result);
  else
    qd_gateway_detect_kind_async (url, NULL, qd_async_wait_result_cb, &result);
  return qd_gateway_detect_kind_finish (qd_async_wait (&result), kind, base_url, error);
}

static gboolean
detect (const char     *url,
        QdGatewayKind  *kind,
        char          **base_url,
        GError        **error)
{
  return detect_in (FALSE, url, kind, base_url, error);
}

static void
test_own_api (void)
{
  GatewayFixture fixture = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  QdGatewayKind kind = QD_GATEWAY_KIND_CLOUD;

  gateway_fixture_set_up (&fixture, 0, 100);
  g_assert_true (detect (qd_api_client_get_base_url (fixture.client), &kind, &base, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kind, ==, QD_GATEWAY_KIND_QD);
  g_assert_cmpstr (base, ==, qd_api_client_get_base_url (fixture.client));
  gateway_fixture_tear_down (&fixture);
}

/* The simulator is a child process: its first line of output names its address. */
static void
test_pmg (void)
{
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *dir = g_dir_make_tmp ("qd-detect-XXXXXX", NULL);
  g_autofree char *state = g_build_filename (dir, "state.json", NULL);
  g_autofree char *script = g_build_filename (g_getenv ("QD_SOURCE_ROOT"), "tests", "peers",
                                              "pmgsim.py", NULL);
  g_autoptr(GSubprocess) sim = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(JsonObject) line = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *base = NULL;
  QdGatewayKind kind = QD_GATEWAY_KIND_QD;

  if (python == NULL || openssl == NULL)
    {
      if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
        g_error ("python3 and openssl are needed to run the PMG simulator");
      g_test_skip ("python3 or openssl is missing");
      return;
    }
  g_assert_true (g_file_set_contents (state, "{\"users\": [], \"mails\": []}", -1, NULL));
  sim = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, python, script, "serve",
                          "--state", state, "--port", "0", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (sim));
  text = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (text);
  line = qd_json_parse_object (text, strlen (text), &error);
  g_assert_no_error (error);

  /* In this process, and in one of its own as the window and qdesk ask. */
  for (guint isolated = 0; isolated <= 1; isolated++)
    {
      g_clear_pointer (&base, g_free);
      kind = QD_GATEWAY_KIND_QD;
      g_assert_true (detect_in (isolated, qd_json_get_string (line, "url"), &kind, &base,
                                &error));
      g_assert_no_error (error);
      g_assert_cmpint (kind, ==, QD_GATEWAY_KIND_PMG);
      g_assert_cmpstr (base, ==, qd_json_get_string (line, "url"));
    }

  g_subprocess_send_signal (sim, SIGTERM);
  g_subprocess_wait (sim, NULL, NULL);
  g_unlink (state);
  g_rmdir (dir);
}

static void
test_cloud_by_host (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  QdGatewayKind kind = QD_GATEWAY_KIND_QD;

  /* Known by name: nothing is asked of the network. */
  g_assert_true (detect ("https://api.us.quarantine.symantec.com", &kind, &base, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kind, ==, QD_GATEWAY_KIND_CLOUD);
  g_assert_cmpstr (base, ==, "https://api.us.quarantine.symantec.com");
  g_assert_true (qd_gateway_kind_from_host ("API.EU.Quarantine.Symantec.com", &kind));
  g_assert_false (qd_gateway_kind_from_host ("api.eu.quarantine.symantec.com.evil.example",
                                             &kind));
}

/* A Proxmox VE daemon answers the PMG probe with 401, another server
 * with 404 or with 501 but without the daemon's name: none is a gateway. */
static void
neither_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  const char *as = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  if (g_str_equal (as, "pve"))
    {
      soup_message_headers_replace (headers, "Server", "pve-api-daemon/3.0");
      soup_server_message_set_status (msg, SOUP_STATUS_UNAUTHORIZED, "No ticket");
    }
  else if (g_str_equal (as, "nameless-501"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_IMPLEMENTED, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        "{\"data\":null}", 13);
    }
  else
    soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

static void
test_neither (void)
{
  static const char * const servers[] = { "pve", "nameless-501", "404" };

  for (guint i = 0; i < G_N_ELEMENTS (servers); i++)
    {
      g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
      g_autoptr(GError) error = NULL;
      g_autoslist(GUri) uris = NULL;
      g_autofree char *url = NULL;
      QdGatewayKind kind;

      soup_server_add_handler (server, NULL, neither_cb, (gpointer)servers[i], NULL);
      g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
      uris = soup_server_get_uris (server);
      url = g_uri_to_string (uris->data);
      g_assert_false (detect (url, &kind, NULL, &error));
      g_assert_error (error, QD_ERROR, QD_ERROR_NOT_FOUND);
      g_assert_nonnull (strstr (error->message, "Check the address"));
    }
}

static void
test_not_an_address (void)
{
  g_autoptr(GError) error = NULL;
  QdGatewayKind kind;

  g_autoptr(GError) child_error = NULL;

  g_assert_false (detect ("gateway example", &kind, NULL, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT);
  /* From a child, the same error: its domain, code and sentence. */
  g_assert_false (detect_in (TRUE, "gateway example", &kind, NULL, &child_error));
  g_assert_error (child_error, QD_ERROR, QD_ERROR_INVALID_INPUT);
  g_assert_cmpstr (child_error->message, ==, error->message);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  if (qd_gateway_detect_kind_run_child (argc, argv, &status))
    return status;
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gateway-detect/own-api", test_own_api);
  g_test_add_func ("/gateway-detect/pmg", test_pmg);
  g_test_add_func ("/gateway-detect/cloud-by-host", test_cloud_by_host);
  g_test_add_func ("/gateway-detect/neither", test_neither);
  g_test_add_func ("/gateway-detect/not-an-address", test_not_an_address);
  return g_test_run ();
}
