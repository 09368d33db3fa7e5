/* gateway-fixture.c — the real gateway served in the test's own process
 *
 * libqd-gateway on loopback, one user with COUNT held messages from the
 * benchmark's seed, and a QdApiClient signed in to it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "gateway-fixture.h"
#include "qd-gw-bench-seed.h"
#include "test-dir.h"

/* The gateway alone, with CONFIG (taken over), on a new temporary
 * directory: no user, no server, no client. */
void
gateway_fixture_set_up_gateway (GatewayFixture *fixture,
                                QdGwConfig     *config)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("qd-gateway-fixture-XXXXXX", &error);
  g_assert_no_error (error);
  config->data_dir = g_strdup (fixture->dir);
  fixture->gateway = qd_gw_gateway_new (config, &error);
  g_assert_no_error (error);
}

/* @max_page_size: 0 for the gateway's default */
void
gateway_fixture_set_up (GatewayFixture *fixture,
                        guint           count,
                        guint           max_page_size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdAccount) account = NULL;
  g_autoptr(QdGatewayInfo) info = NULL;
  g_autoptr(GAsyncResult) signed_in = NULL;
  g_autoptr(GAsyncResult) answered = NULL;
  g_autofree char *url = NULL;
  QdGwConfig config;
  guint16 port = 0;

  qd_gw_config_init (&config);
  if (max_page_size > 0)
    config.max_page_size = max_page_size;
  gateway_fixture_set_up_gateway (fixture, &config);
  g_assert_true (qd_gw_gateway_add_user (fixture->gateway, "lists", "lists@example.com", NULL,
                                         "lists", FALSE, &error));
  g_assert_true (qd_gw_bench_seed (fixture->gateway, "lists", count,
                                   g_get_real_time () / G_USEC_PER_SEC, &error));
  g_assert_no_error (error);
  fixture->server = qd_gw_server_new (fixture->gateway, NULL);
  g_assert_true (qd_gw_server_listen (fixture->server, "127.0.0.1", 0, &port, &error));
  g_assert_no_error (error);

  url = g_strdup_printf ("http://127.0.0.1:%u", port);
  fixture->loop = g_main_loop_new (NULL, FALSE);
  fixture->client = qd_api_client_new (url, &error);
  g_assert_no_error (error);
  qd_api_client_sign_in_async (fixture->client, "lists", "lists", NULL, qd_async_wait_result_cb,
                               &signed_in);
  account = qd_api_client_sign_in_finish (fixture->client, qd_async_wait (&signed_in), &error);
  g_assert_no_error (error);
  qd_api_client_get_info_async (fixture->client, NULL, qd_async_wait_result_cb, &answered);
  info = qd_api_client_get_info_finish (fixture->client, qd_async_wait (&answered), &error);
  g_assert_no_error (error);
}

void
gateway_fixture_tear_down (GatewayFixture *fixture)
{
  g_clear_object (&fixture->client);
  /* Let both ends close their connections before the server goes. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&fixture->server);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&fixture->gateway);
  g_clear_pointer (&fixture->loop, g_main_loop_unref);
  test_dir_remove (fixture->dir);
  g_free (fixture->dir);
}
