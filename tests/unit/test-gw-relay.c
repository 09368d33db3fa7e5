/* test-gw-relay.c — mail-system mode without a mail system: release ids, the DATA, the states
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "gateway-fixture.h"
#include "qd-gw-error.h"
#include "qd-gw-relay.h"
#include "qd-gw-senders.h"
#include "qd-mail.h"

typedef struct
{
  GatewayFixture  gateway;   /* the gateway alone, in mail-system mode */
  guint16         port;      /* the relay's: nothing listens there */
  gint64          user_id;
} Fixture;

/* A loopback port that was free a moment ago, now closed: connections
 * to it are refused at once. */
static guint16
closed_port (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, any, TRUE, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static QdGwGateway *
open_mail_system (const char *dir,
                  guint16     port)
{
  g_autoptr(GError) error = NULL;
  QdGwConfig config;
  QdGwGateway *gateway;

  qd_gw_config_init (&config);
  config.data_dir = g_strdup (dir);
  config.relay_host = g_strdup ("127.0.0.1");
  config.relay_port = port;
  gateway = qd_gw_gateway_new (&config, &error);
  g_assert_no_error (error);
  return gateway;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdGwUser) user = NULL;
  QdGwConfig config;

  fixture->port = closed_port ();
  qd_gw_config_init (&config);
  config.relay_host = g_strdup ("127.0.0.1");
  config.relay_port = fixture->port;
  gateway_fixture_set_up_gateway (&fixture->gateway, &config);
  g_assert_true (qd_gw_gateway_add_user (fixture->gateway.gateway, "alice", "alice@example.com",
                                         NULL, "secret", FALSE, &error));
  g_assert_no_error (error);
  user = qd_gw_store_find_user (qd_gw_gateway_get_store (fixture->gateway.gateway), "alice");
  fixture->user_id = user->id;
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  gateway_fixture_tear_down (&fixture->gateway);
}

static char *
hold (QdGwGateway *gateway,
      QdFolder     folder,
      GError     **error)
{
  static const char text[] = "From: News <news@shop.example>\r\n"
                             "To: alice@example.com\r\n"
                             "Subject: Held for a test\r\n"
                             "\r\n"
                             "Hello.\r\n";
  g_autoptr(GBytes) message = g_bytes_new_static (text, strlen (text));
  QdGwIngestOptions options = { .folder = folder, .reason = QD_REASON_SPAM };

  return qd_gw_gateway_ingest (gateway, "alice", &options, message, error);
}

static char *
status_of (QdGwGateway *gateway,
           gint64       user_id,
           const char  *id)
{
  g_autoptr(QdGwItem) item = qd_gw_gateway_get_item (gateway, user_id, id);

  g_assert_nonnull (item);
  return g_strdup (item->status);
}

static void
wait_until_no_release_is_in_flight (QdGwStore *store)
{
  g_autoptr(GPtrArray) releasing = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  do
    {
      g_main_context_iteration (NULL, FALSE);
      g_clear_pointer (&releasing, g_ptr_array_unref);
      releasing = qd_gw_store_releasing_items (store, &error);
      g_assert_no_error (error);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
  while (releasing->len > 0);
}

static void
test_release_id (void)
{
  g_autofree char *id = qd_gw_relay_release_id (42, "0123abcd");

  g_assert_cmpstr (id, ==, "42.0123abcd@qd-gateway");
}

/* The header line, then the original untouched: no CRLF added or taken,
 * dots and 8-bit bytes as they were. */
static void
test_compose (void)
{
  static const char original[] = "Subject: caf\xc3\xa9\r\n\r\n.\r\n..x\r\nno final newline";
  g_autoptr(GBytes) bytes = g_bytes_new_static (original, sizeof original - 1);
  g_autoptr(GBytes) data = qd_gw_relay_compose ("7.ff@qd-gateway", bytes);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GBytes) header_only = qd_gw_relay_compose ("7.ff@qd-gateway", empty);
  static const char header[] = "X-QD-Release-Id: 7.ff@qd-gateway\r\n";
  gsize size;
  const char *out = g_bytes_get_data (data, &size);

  g_assert_cmpuint (size, ==, strlen (header) + sizeof original - 1);
  g_assert_cmpmem (out, strlen (header), header, strlen (header));
  g_assert_cmpmem (out + strlen (header), size - strlen (header), original, sizeof original - 1);
  g_assert_cmpmem (g_bytes_get_data (header_only, NULL), g_bytes_get_size (header_only),
                   header, strlen (header));
}

/* Created once per data directory, then kept across restarts. */
static void
test_instance_id (Fixture       *fixture,
                  gconstpointer  user_data)
{
  QdGwGateway *gateway = fixture->gateway.gateway;
  g_autofree char *first = g_strdup (qd_gw_gateway_get_instance_id (gateway));
  g_autoptr(QdGwGateway) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *kept = NULL;
  QdGwConfig config;
  g_autoptr(QdGwGateway) embedded = NULL;

  g_assert_true (qd_gw_gateway_is_mail_system (gateway));
  g_assert_nonnull (first);
  g_assert_cmpuint (strlen (first), ==, 32);
  g_assert_cmpuint (strspn (first, "0123456789abcdef"), ==, 32);

  g_clear_object (&fixture->gateway.gateway);
  again = open_mail_system (fixture->gateway.dir, fixture->port);
  g_assert_cmpstr (qd_gw_gateway_get_instance_id (again), ==, first);

  kept = qd_gw_store_ensure_setting (qd_gw_gateway_get_store (again), "instance_id",
                                     "something else", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kept, ==, first);
  g_clear_object (&again);

  /* Without --relay: the embedded mode, as before. */
  qd_gw_config_init (&config);
  config.data_dir = g_strdup (fixture->gateway.dir);
  embedded = qd_gw_gateway_new (&config, &error);
  g_assert_no_error (error);
  g_assert_false (qd_gw_gateway_is_mail_system (embedded));
  g_assert_null (qd_gw_gateway_get_instance_id (embedded));
}

/* A refused connection puts the item back to held, and the error says
 * the message was not delivered; nothing went to the maildir. */
static void
test_refused_release_stays_held (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  QdGwGateway *gateway = fixture->gateway.gateway;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = hold (gateway, QD_FOLDER_QUARANTINE, &error);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) results = NULL;
  g_autofree char *status = NULL;
  g_autofree char *mailbox = NULL;
  g_autofree char *inbox = NULL;
  g_autoptr(GDir) dir = NULL;
  QdGwActResult *r;

  g_assert_no_error (error);
  g_ptr_array_add (ids, g_strdup (id));
  results = qd_gw_gateway_act (gateway, fixture->user_id, QD_ACTION_RELEASE, ids, FALSE);
  g_assert_cmpuint (results->len, ==, 1);
  r = &g_array_index (results, QdGwActResult, 0);
  g_assert_cmpint (r->outcome, ==, QD_GW_ACT_FAILED);
  g_assert_error (r->error, QD_GW_ERROR, QD_GW_ERROR_DELIVERY_FAILED);
  status = status_of (gateway, fixture->user_id, id);
  g_assert_cmpstr (status, ==, QD_GW_STATUS_HELD);

  mailbox = qd_gw_gateway_mailbox_path (gateway, "alice");
  inbox = g_build_filename (mailbox, "new", NULL);
  dir = g_dir_open (inbox, 0, NULL);
  g_assert_true (dir == NULL || g_dir_read_name (dir) == NULL);
}

/* An item left "releasing" by a stop is sent again at start-up; here the
 * relay refuses, so it ends held, and nothing is left "releasing". */
static void
test_resume_releases (Fixture       *fixture,
                      gconstpointer  user_data)
{
  QdGwGateway *gateway = fixture->gateway.gateway;
  QdGwStore *store = qd_gw_gateway_get_store (gateway);
  g_autoptr(GError) error = NULL;
  g_autofree char *first = hold (gateway, QD_FOLDER_QUARANTINE, &error);
  g_autofree char *second = hold (gateway, QD_FOLDER_QUARANTINE, &error);
  g_autoptr(GPtrArray) releasing = NULL;

  g_assert_no_error (error);
  g_assert_true (qd_gw_store_set_item_status (store, g_ascii_strtoll (first, NULL, 10),
                                              QD_GW_STATUS_RELEASING, &error));
  g_assert_no_error (error);
  releasing = qd_gw_store_releasing_items (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (releasing->len, ==, 1);
  g_clear_pointer (&releasing, g_ptr_array_unref);

  g_assert_cmpuint (qd_gw_gateway_resume_releases (gateway), ==, 1);
  wait_until_no_release_is_in_flight (store);

  {
    g_autofree char *status = status_of (gateway, fixture->user_id, first);
    g_autofree char *untouched = status_of (gateway, fixture->user_id, second);

    g_assert_cmpstr (status, ==, QD_GW_STATUS_HELD);
    g_assert_cmpstr (untouched, ==, QD_GW_STATUS_HELD);
  }
}

/* An approved sender's message takes the release path, not the maildir:
 * held, then released at once (here refused, so held again). */
static void
test_approved_sender_released (Fixture       *fixture,
                               gconstpointer  user_data)
{
  QdGwGateway *gateway = fixture->gateway.gateway;
  QdGwStore *store = qd_gw_gateway_get_store (gateway);
  g_auto(QdGwSenderEntry) entry = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *outcome = NULL;
  g_autoptr(QdGwItem) item = NULL;

  g_assert_cmpint (qd_gw_gateway_add_sender (gateway, fixture->user_id, QD_GW_LIST_APPROVED,
                                             "news@shop.example", &entry, &error),
                   ==, QD_GW_SENDER_ADDED);
  g_assert_no_error (error);
  outcome = hold (gateway, QD_FOLDER_QUARANTINE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (outcome, ==, "delivered");
  item = qd_gw_store_find_item (store, 1);
  g_assert_nonnull (item);
  g_assert_cmpstr (item->status, ==, QD_GW_STATUS_RELEASING);
  wait_until_no_release_is_in_flight (store);
  g_clear_pointer (&item, qd_gw_item_free);
  item = qd_gw_store_find_item (store, 1);
  g_assert_cmpstr (item->status, ==, QD_GW_STATUS_HELD);
}

/* Junk is the mail system's own folder in this mode. */
static void
test_no_junk (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = hold (fixture->gateway.gateway, QD_FOLDER_JUNK, &error);

  g_assert_error (error, QD_GW_ERROR, QD_GW_ERROR_INVALID_PARAMETER);
  g_assert_null (id);
}

static void
released_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static void
test_release_item_unknown (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  qd_gw_gateway_release_item_async (fixture->gateway.gateway, 999999, NULL, released_cb,
                                    &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (qd_gw_gateway_release_item_finish (fixture->gateway.gateway, result, &error));
  g_assert_error (error, QD_GW_ERROR, QD_GW_ERROR_NOT_FOUND);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  qd_mail_init ();

  g_test_add_func ("/gw-relay/release-id", test_release_id);
  g_test_add_func ("/gw-relay/compose", test_compose);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/gw-relay/instance-id", test_instance_id);
  ADD ("/gw-relay/refused-release-stays-held", test_refused_release_stays_held);
  ADD ("/gw-relay/resume-releases", test_resume_releases);
  ADD ("/gw-relay/approved-sender-released", test_approved_sender_released);
  ADD ("/gw-relay/no-junk", test_no_junk);
  ADD ("/gw-relay/release-item-unknown", test_release_item_unknown);
#undef ADD
  return g_test_run ();
}
