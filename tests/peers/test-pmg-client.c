/* test-pmg-client.c — QdPmgClient against the PMG simulator (tests/peers/pmgsim.py) as a process
 *
 * Each test seeds the simulator through its state file, starts it over
 * HTTPS on a loopback port, drives the client and reads what changed back
 * from the state file the simulator rewrites.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "peer-fixture.h"
#include "qd-async-wait.h"
#include "qd-error.h"
#include "qd-pmg-client.h"
#include "qd-pmg-client-private.h"
#include "qd-pmg-parse.h"
#include "qd-query.h"

#define ALICE     "alice@example.com"
#define ALICE_PW  "s3cret;pass&=+1"
#define HOUR      3600

typedef struct
{
  const char *id;
  const char *receiver;
  gint64      age;
  const char *from;
  const char *subject;
  const char *deliver_error;
  gboolean    with_rules;
} Seed;

/* Newest first, as the client lists them; C0R6 is outside the default
 * week, C0R7 is Bob's. */
static const Seed seeds[] = {
  { "C0R1T101", "Alice.Smith@example.com", 1 * HOUR, "Shop Team <news@shop.example.net>",
    "Sale one", NULL, TRUE },
  { "C0R2T102", ALICE, 2 * HOUR, "deals@cheap.example.org", "Sale two", NULL, FALSE },
  { "C0R3T103", ALICE, 26 * HOUR, "\"Lottery, Intl\" <win@lotto.example>", "You won",
    "451 mailbox busy", FALSE },
  { "C0R4T104", ALICE, 50 * HOUR, "Pharma <pills@pharma.example>", "Cheap pills", NULL, FALSE },
  { "C0R5T105", ALICE, 75 * HOUR, "Crypto <coin@crypto.example>", "Invest now", NULL, FALSE },
  { "C0R6T106", ALICE, 10 * 24 * HOUR, "Old <old@old.example>", "Too old", NULL, FALSE },
  { "C0R7T107", "bob@example.com", 3 * HOUR, "Shop Team <news@shop.example.net>",
    "Bob's sale", NULL, FALSE },
};

static const char *week_ids[] = { "C0R1T101", "C0R2T102", "C0R3T103", "C0R4T104", "C0R5T105",
                                  NULL };

typedef struct
{
  PeerSim    *peer;
  char       *state;
  const char *url;          /* these three from the simulator's first line */
  const char *fingerprint;
  const char *link;
  const char *node;         /* the certificate's CN, when not the simulator's own */
} Sim;

static char *
raw_of (const Seed *seed)
{
  return g_strdup_printf ("From: %s\nTo: %s\nSubject: %s\nMessage-ID: <%s@example.net>\n\n"
                          "Body of %s.\n", seed->from, seed->receiver, seed->subject,
                          seed->id, seed->id);
}

static void
add_mail (JsonBuilder *b,
          const Seed  *seed)
{
  g_autofree char *raw = raw_of (seed);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, seed->id);
  json_builder_set_member_name (b, "receiver");
  json_builder_add_string_value (b, seed->receiver);
  json_builder_set_member_name (b, "raw");
  json_builder_add_string_value (b, raw);
  json_builder_set_member_name (b, "age");
  json_builder_add_int_value (b, seed->age);
  json_builder_set_member_name (b, "spamlevel");
  json_builder_add_int_value (b, 7);
  if (seed->with_rules)
    {
      json_builder_set_member_name (b, "spaminfo");
      json_builder_begin_array (b);
      for (guint i = 0; i < 3; i++)
        {
          static const char *names[] = { "KAM_LOTSOFHASH", "BAYES_99", "DKIM_VALID" };
          static const double scores[] = { 1.25, 3.5, -0.1 };

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, names[i]);
          json_builder_set_member_name (b, "score");
          json_builder_add_double_value (b, scores[i]);
          json_builder_set_member_name (b, "desc");
          json_builder_add_string_value (b, "-");
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  if (seed->deliver_error != NULL)
    {
      json_builder_set_member_name (b, "deliver_error");
      json_builder_add_string_value (b, seed->deliver_error);
    }
  json_builder_end_object (b);
}

static void
add_user (JsonBuilder *b,
          const char  *pmail,
          const char  *password,
          const char  *alias,
          gboolean     tfa)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "pmail");
  json_builder_add_string_value (b, pmail);
  json_builder_set_member_name (b, "password");
  json_builder_add_string_value (b, password);
  json_builder_set_member_name (b, "aliases");
  json_builder_begin_array (b);
  if (alias != NULL)
    json_builder_add_string_value (b, alias);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "tfa");
  json_builder_add_boolean_value (b, tfa);
  json_builder_end_object (b);
}

/* Writes the seed (plus @n_bulk mails of Alice's for the batch tests). */
static void
write_state (Sim      *sim,
             guint     n_bulk,
             gboolean  refuse)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "users");
  json_builder_begin_array (b);
  add_user (b, ALICE, ALICE_PW, "Alice.Smith@example.com", FALSE);
  add_user (b, "bob@example.com", "bobpw", NULL, FALSE);
  add_user (b, "carol@example.com", "carolpw", NULL, TRUE);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "mails");
  json_builder_begin_array (b);
  for (guint i = 0; i < G_N_ELEMENTS (seeds); i++)
    add_mail (b, &seeds[i]);
  for (guint i = 0; i < n_bulk; i++)
    {
      g_autofree char *id = g_strdup_printf ("C0R%uT%u", 1000 + i, 5000 + i);
      Seed seed = { id, ALICE, 4 * HOUR, "Bulk <bulk@bulk.example>", "Bulk", NULL, FALSE };

      add_mail (b, &seed);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "options");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "auth_fail_delay");
  json_builder_add_double_value (b, 0.05);
  json_builder_set_member_name (b, "refuse_connections");
  json_builder_add_boolean_value (b, refuse);
  if (sim->node != NULL)
    {
      json_builder_set_member_name (b, "node");
      json_builder_add_string_value (b, sim->node);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  g_assert_true (json_generator_to_file (gen, sim->state, &error));
  g_assert_no_error (error);
}

static void
sim_start (Sim        *sim,
           const char *version,
           guint       n_bulk,
           gboolean    refuse)
{
  JsonObject *links;

  if (sim->peer == NULL)
    {
      sim->peer = peer_sim_new ();
      sim->state = peer_sim_path (sim->peer, "state.json");
      write_state (sim, n_bulk, refuse);
    }
  peer_sim_start (sim->peer, "pmgsim.py", "--state", sim->state, "--port", "0", "--version",
                  version, NULL);
  sim->url = peer_sim_get (sim->peer, "url");
  sim->fingerprint = peer_sim_get (sim->peer, "fingerprint");
  links = json_object_get_object_member (sim->peer->ready, "links");
  sim->link = json_object_get_string_member (links, ALICE);
}

static void
sim_free (Sim *sim)
{
  g_clear_pointer (&sim->peer, peer_sim_free);
  g_free (sim->state);
  g_free (sim);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Sim, sim_free)

/* The simulator's saved state: what happened to mails and lists. */
static JsonObject *
read_state (Sim *sim)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, sim->state, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static char *
mail_state (Sim        *sim,
            const char *id)
{
  g_autoptr(JsonObject) state = read_state (sim);
  JsonArray *mails = json_object_get_array_member (state, "mails");

  for (guint i = 0; i < json_array_get_length (mails); i++)
    {
      JsonObject *mail = json_array_get_object_element (mails, i);

      if (g_strcmp0 (json_object_get_string_member (mail, "id"), id) == 0)
        return g_strdup (json_object_get_string_member (mail, "state"));
    }
  return NULL;
}

static gboolean
list_has (Sim        *sim,
          const char *pmail,
          const char *list,
          const char *address)
{
  g_autoptr(JsonObject) state = read_state (sim);
  JsonObject *lists = json_object_get_object_member (state, "lists");
  JsonObject *mine = lists != NULL && json_object_has_member (lists, pmail)
                     ? json_object_get_object_member (lists, pmail) : NULL;
  JsonArray *entries = mine != NULL ? json_object_get_array_member (mine, list) : NULL;

  for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++)
    if (g_strcmp0 (json_array_get_string_element (entries, i), address) == 0)
      return TRUE;
  return FALSE;
}

/* calls */

static QdPmgClient *
new_client (Sim *sim)
{
  g_autoptr(GError) error = NULL;
  QdPmgClient *client = peer_client_new (QD_GATEWAY_KIND_PMG, sim->url, NULL);

  g_assert_true (qd_pmg_client_set_pinned_fingerprint (client, sim->fingerprint, &error));
  g_assert_no_error (error);
  return client;
}

static QdAccount *
sign_in_link (QdPmgClient  *client,
              const char   *link,
              GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  qd_pmg_client_sign_in_with_link_async (client, link, NULL, qd_async_wait_result_cb, &result);
  return qd_pmg_client_sign_in_with_link_finish (client, qd_async_wait (&result), error);
}

static QdPmgClient *
signed_in_client (Sim *sim)
{
  return peer_signed_in (new_client (sim), ALICE, ALICE_PW);
}

static gboolean
senders_have (GPtrArray  *senders,
              const char *address)
{
  for (guint i = 0; i < senders->len; i++)
    if (g_strcmp0 (((QdSender *)senders->pdata[i])->address, address) == 0)
      return TRUE;
  return FALSE;
}

/* tests */

static void
test_certificate_and_sign_in (void)
{
  g_autoptr(Sim) sim = g_new0 (Sim, 1);
  g_autoptr(QdPmgClient) client = NULL;
  g_autoptr(QdAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *peer = NULL;
  g_autofree char *description = NULL;

  sim_start (sim, "9.1", 0, FALSE);
  client = qd_pmg_client_new (sim->url, &error);
  g_assert_no_error (error);
  g_assert_cmpint (qd_gateway_get_kind (QD_GATEWAY (client)), ==, QD_GATEWAY_KIND_PMG);
  g_assert_null (qd_gateway_get_source (QD_GATEWAY (client), QD_FOLDER_JUNK));
  g_assert_true (qd_gateway_get_capabilities (QD_GATEWAY (client)) & QD_GATEWAY_CAN_SENDER_LISTS);

  /* First contact: the self-signed certificate is refused, and shown. */
  account = peer_sign_in (client, ALICE, ALICE_PW, &error);
  g_assert_null (account);
  g_assert_error (error, QD_ERROR, QD_ERROR_TLS);
  expected = g_strdup_printf ("The gateway at 127.0.0.1 is not trusted yet, because its "
                              "certificate is not signed by an authority this computer trusts "
                              "(unknown issuer). Nothing was sent. Compare its fingerprint %s "
                              "with the one your administrator gives you, and accept it only if "
                              "they match.", sim->fingerprint);
  g_assert_cmpstr (error->message, ==, expected);
  peer = qd_pmg_client_dup_peer_fingerprint (client);
  g_assert_cmpstr (peer, ==, sim->fingerprint);
  description = qd_pmg_client_dup_peer_description (client);
  g_assert_true (g_str_has_prefix (description, "Subject: CN="));
  g_assert_nonnull (strstr (description, sim->fingerprint));
  g_clear_error (&error);

  g_assert_false (qd_pmg_client_set_pinned_fingerprint (client, "AB:CD", &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  /* Pinned in lower case, as a person might paste it. */
  {
    g_autofree char *lower = g_ascii_strdown (sim->fingerprint, -1);

    g_assert_true (qd_pmg_client_set_pinned_fingerprint (client, lower, &error));
  }

  account = peer_sign_in (client, ALICE, "wrong", &error);
  g_assert_null (account);
  g_assert_error (error, QD_ERROR, QD_ERROR_AUTH_FAILED);
  g_assert_cmpstr (error->message, ==,
                   "The user name or password is wrong. Check them and try again.");
  g_clear_error (&error);

  /* An alias signs in as the primary address. */
  account = peer_sign_in (client, "Alice.Smith@example.com", ALICE_PW, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (account->username, ==, ALICE);
  g_assert_cmpstr (qd_pmg_client_get_userid (client), ==, ALICE "@quarantine");
  g_assert_null (qd_pmg_client_get_link_ticket (client));
  g_assert_nonnull (account->expires_at);
  g_clear_pointer (&account, qd_account_free);

  /* A second factor cannot be given. */
  account = peer_sign_in (client, "carol@example.com", "carolpw", &error);
  g_assert_null (account);
  g_assert_error (error, QD_ERROR, QD_ERROR_AUTH_FAILED);
  g_assert_nonnull (strstr (error->message, "second factor"));
}

static void
test_changed_certificate (void)
{
  g_autoptr(Sim) sim = g_new0 (Sim, 1);
  g_autoptr(QdPmgClient) client = NULL;
  g_autoptr(QdAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *old = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *peer = NULL;

  sim_start (sim, "9.1", 0, FALSE);
  old = g_strdup (sim->fingerprint);
  peer_sim_stop (sim->peer);
  /* The same gateway restarted has a new certificate. */
  sim_start (sim, "9.1", 0, FALSE);
  g_assert_cmpstr (old, !=, sim->fingerprint);
  client = qd_pmg_client_new (sim->url, &error);
  g_assert_true (qd_pmg_client_set_pinned_fingerprint (client, old, &error));
  account = peer_sign_in (client, ALICE, ALICE_PW, &error);
  g_assert_null (account);
  g_assert_error (error, QD_ERROR, QD_ERROR_TLS);
  expected = g_strdup_printf ("The certificate of the gateway at 127.0.0.1 has changed since you "
                              "accepted it, so nothing was sent: someone may be intercepting the "
                              "connection. Ask your administrator whether the gateway has a new "
                              "certificate, and accept its fingerprint %s only if they confirm "
                              "it.", sim->fingerprint);
  g_assert_cmpstr (error->message, ==, expected);
  peer = qd_pmg_client_dup_peer_fingerprint (client);
  g_assert_cmpstr (peer, ==, sim->fingerprint);
}

/* A company's own authority, as a CA file: the certificate is checked
 * as usual (here it names localhost), without a pin. */
static void
test_ca_file (void)
{
  g_autoptr(Sim) sim = g_new0 (Sim, 1);
  g_autoptr(QdPmgClient) client = NULL;
  g_autoptr(QdAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pem = NULL;
  g_autofree char *ca_file = NULL;
  g_autofree char *url = NULL;
  g_auto(GStrv) parts = NULL;

  sim->node = "localhost";
  sim_start (sim, "9.1", 0, FALSE);
  parts = g_strsplit (sim->url, "127.0.0.1", 2);
  url = g_strjoinv ("localhost", parts);
  client = qd_pmg_client_new (url, &error);
  g_assert_no_error (error);
  account = peer_sign_in (client, ALICE, ALICE_PW, &error);
  g_assert_error (error, QD_ERROR, QD_ERROR_TLS);
  g_clear_error (&error);
  g_object_get (qd_pmg_client_get_peer_certificate (client), "certificate-pem", &pem, NULL);
  ca_file = peer_sim_path (sim->peer, "ca.pem");
  g_assert_true (g_file_set_contents (ca_file, pem, -1, &error));

  g_assert_false (qd_pmg_client_set_ca_file (client, "/nonexistent/ca.pem", &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_TLS);
  g_clear_error (&error);
  g_assert_true (qd_pmg_client_set_ca_file (client, ca_file, &error));
  account = peer_sign_in (client, ALICE, ALICE_PW, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (account->username, ==, ALICE);
  g_assert_null (qd_pmg_client_get_pinned_fingerprint (client));
  g_remove (ca_file);
}

static void
test_list (void)
{
  g_autoptr(Sim) sim = g_new0 (Sim, 1);
  g_autoptr(QdPmgClient) client = NULL;
  g_autoptr(QdQuery) query = qd_query_new (QD_FOLDER_QUARANTINE);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;
  QdItem *first;
  guint n_pages;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  sim_start (sim, "9.1", 0, FALSE);
  client = signed_in_client (sim);

  /* The last week, newest first, two items a page over daily windows;
   * neither the older mail nor Bob's. */
  items = peer_list_all (client, query, 2, 2, &n_pages);
  g_assert_cmpuint (items->len, ==, g_strv_length ((GStrv)week_ids));
  g_assert_cmpuint (n_pages, >=, 3);
  for (guint i = 0; i < items->len; i++)
    g_assert_cmpstr (qd_item_get_id (items->pdata[i]), ==, week_ids[i]);

  first = items->pdata[0];
  g_assert_cmpstr (qd_item_get_subject (first), ==, "Sale one");
  g_assert_cmpstr (qd_item_get_from_name (first), ==, "Shop Team");
  g_assert_cmpstr (qd_item_get_from_address (first), ==, "news@shop.example.net");
  g_assert_cmpstr (qd_item_get_recipient (first), ==, "Alice.Smith@example.com");
  g_assert_cmpint (qd_item_get_reason (first), ==, QD_REASON_SPAM);
  g_assert_cmpint (qd_item_get_folder (first), ==, QD_FOLDER_QUARANTINE);
  g_assert_cmpfloat_with_epsilon (qd_item_get_score (first), 4.65, 0.001);
  g_assert_cmpint (qd_item_get_size (first), >, 50);
  g_assert_cmpint (ABS (g_date_time_to_unix (qd_item_get_received_at (first)) - (now - HOUR)),
                   <, 600);
  g_assert_true (qd_item_can (first, QD_ACTION_RELEASE));
  /* A display name with a comma keeps its address. */
  g_assert_cmpstr (qd_item_get_from_address (items->pdata[2]), ==, "win@lotto.example");
  g_clear_pointer (&items, g_ptr_array_unref);

  /* The text is searched by the client, in subject and sender alike. */
  qd_query_set_search (query, "SALE");
  items = peer_list_all (client, query, 10, 10, &n_pages);
  g_assert_cmpuint (items->len, ==, 2);
  g_assert_cmpstr (qd_item_get_id (items->pdata[0]), ==, "C0R1T101");
  g_assert_cmpstr (qd_item_get_id (items->pdata[1]), ==, "C0R2T102");
  g_clear_pointer (&items, g_ptr_array_unref);
  qd_query_set_search (query, "pharma.example");
  items = peer_list_all (client, query, 10, 10, &n_pages);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_cmpstr (qd_item_get_id (items->pdata[0]), ==, "C0R4T104");
  g_clear_pointer (&items, g_ptr_array_unref);
  qd_query_set_search (query, NULL);

  /* A range of the person's choosing, older mail included. */
  {
    g_autoptr(GDateTime) since = g_date_time_new_from_unix_utc (now - 11 * 24 * HOUR);
    g_autoptr(GDateTime) until = g_date_time_new_from_unix_utc (now - 25 * HOUR);

    qd_query_set_since (query, since);
    qd_query_set_until (query, until);
    items = peer_list_all (client, query, 50, 50, &n_pages);
    g_assert_cmpuint (items->len, ==, 4);
    g_assert_cmpstr (qd_item_get_id (items->pdata[0]), ==, "C0R3T103");
    g_assert_cmpstr (qd_item_get_id (items->pdata[3]), ==, "C0R6T106");
    g_clear_pointer (&items, g_ptr_array_unref);
  }

  /* Every id of the query, in one call. */
  qd_item_source_list_ids_async (QD_ITEM_SOURCE (client), query, NULL, qd_async_wait_result_cb,
                                 &result);
  ids = qd_item_source_list_ids_finish (QD_ITEM_SOURCE (client), qd_async_wait (&result),
                                        &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (ids), ==, 4);
  g_assert_true (g_strv_contains ((const char * const *)ids, "C0R5T105"));
  g_clear_object (&result);

  /* No look-up by Message-ID: nothing found, no error. */
  {
    const char *message_ids[] = { "<C0R1T101@example.net>", NULL };
    g_autoptr(GHashTable) found = NULL;

    qd_item_source_find_async (QD_ITEM_SOURCE (client), message_ids, NULL,
                               qd_async_wait_result_cb, &result);
    found = qd_item_source_find_finish (QD_ITEM_SOURCE (client), qd_async_wait (&result),
                                        &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_hash_table_size (found), ==, 0);
  }
}

static void
test_raw_and_details (void)
{
  g_autoptr(Sim) sim = g_new0 (Sim, 1);
  g_autoptr(QdPmgClient) client = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = raw_of (&seeds[0]);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(QdItem) item = NULL;
  const char * const *rules;

  sim_start (sim, "9.1", 0, FALSE);
  client = signed_in_client (sim);

  raw = peer_get_raw (client, "C0R1T101", &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw), expected,
                   strlen (expected));

  /* Details carry the rules, highest score first. */
  qd_pmg_client_get_item_async (client, "C0R1T101", NULL, qd_async_wait_result_cb, &result);
  item = qd_pmg_client_get_item_finish (client, qd_async_wait (&result), &error);
  g_assert_no_error (error);
  rules = qd_item_get_rules (item);
  g_assert_cmpuint (g_strv_length ((GStrv)rules), ==, 3);
  g_assert_cmpstr (rules[0], ==, "BAYES_99");
  g_assert_cmpstr (rules[1], ==, "KAM_LOTSOFHASH");
  g_assert_cmpstr (rules[2], ==, "DKIM_VALID");

  /* The server's errors, each a sentence. */
  g_clear_pointer (&raw, g_bytes_unref);
  raw = peer_get_raw (client, "C0R7T107", &error);
  g_assert_null (raw);
  g_assert_error (error, QD_ERROR, QD_ERROR_GATEWAY);
  g_assert_cmpstr (error->message, ==,
                   "The gateway at 127.0.0.1 does not let your account do this (Permission "
                   "check failed (mail does not belong to user 'alice@example.com@quarantine' "
                   "(bob@example.com))). Refresh the list; if it keeps happening, tell your "
                   "administrator.");
  g_clear_error (&error);
  raw = peer_get_raw (client, "C0R99T999", &error);
  g_assert_error (error, QD_ERROR, QD_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==,
                   "This message is no longer in the quarantine at 127.0.0.1: it was handled "
                   "or removed. Refresh the list.");
  g_clear_error (&error);
  raw = peer_get_raw (client, "not-an-id", &error);
  g_assert_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT);
  g_assert_cmpstr (error->message, ==,
                   "The gateway at 127.0.0.1 refused the request as malformed (Parameter "
                   "verification failed.). Refresh and try again; if it keeps happening, tell "
                   "your administrator.");
}

static void
test_actions (void)
{
  g_autoptr(Sim) sim = g_new0 (Sim, 1);
  g_autoptr(QdPmgClient) client = NULL;
  g_autoptr(QdBatchResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;

  sim_start (sim, "9.1", 0, FALSE);
  client = signed_in_client (sim);

  {
    const char *ids[] = { "C0R1T101", NULL };

    result = peer_act (client, QD_ACTION_RELEASE, ids, TRUE, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (result->succeeded, ==, 1);
    g_assert_cmpstr (peer_outcome (result, 0)->result, ==, "released");
    state = mail_state (sim, "C0R1T101");
    g_assert_cmpstr (state, ==, "delivered");
    g_assert_true (list_has (sim, ALICE, "WL", "news@shop.example.net"));
    g_clear_pointer (&result, qd_batch_result_unref);
    g_clear_pointer (&state, g_free);
  }
  {
    const char *ids[] = { "C0R4T104", NULL };

    result = peer_act (client, QD_ACTION_BLOCK_SENDER, ids, FALSE, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (result->succeeded, ==, 1);
    state = mail_state (sim, "C0R4T104");
    g_assert_cmpstr (state, ==, "deleted");
    g_assert_true (list_has (sim, ALICE, "BL", "pills@pharma.example"));
    g_clear_pointer (&result, qd_batch_result_unref);
    g_clear_pointer (&state, g_free);
  }

  /* A batch with Bob's mail (403), a failing delivery (500) and an id
   * that does not exist: the server stops at each; the client says which
   * were done and goes on with the rest. */
  {
    const char *ids[] = { "C0R2T102", "C0R7T107", "C0R5T105", "C0R3T103", "C0R6T106",
                          "C0R99T999", "bogus", NULL };

    result = peer_act (client, QD_ACTION_RELEASE, ids, FALSE, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (result->outcomes->len, ==, 7);
    for (guint i = 0; i < 7; i++)
      g_assert_cmpstr (peer_outcome (result, i)->id, ==, ids[i]);
    g_assert_true (peer_outcome (result, 0)->ok);
    g_assert_false (peer_outcome (result, 1)->ok);
    g_assert_nonnull (strstr (peer_outcome (result, 1)->error_message,
                              "does not let your account"));
    g_assert_true (peer_outcome (result, 2)->ok);
    g_assert_false (peer_outcome (result, 3)->ok);
    g_assert_nonnull (strstr (peer_outcome (result, 3)->error_message, "451 mailbox busy"));
    g_assert_true (peer_outcome (result, 4)->ok);
    g_assert_false (peer_outcome (result, 5)->ok);
    g_assert_cmpstr (peer_outcome (result, 5)->error_code, ==, "not_found");
    g_assert_false (peer_outcome (result, 6)->ok);
    g_assert_cmpuint (result->succeeded, ==, 3);
    g_assert_cmpuint (result->failed, ==, 4);
    g_assert_cmpuint (result->not_attempted, ==, 0);
    for (guint i = 0; i < 5; i++)
      {
        g_autofree char *s = mail_state (sim, ids[i]);

        g_assert_cmpstr (s, ==, peer_outcome (result, i)->ok ? "delivered" : "new");
      }
    g_clear_pointer (&result, qd_batch_result_unref);
  }
}

static void
spoil_after_first (guint    done,
                   guint    total,
                   gpointer user_data)
{
  qd_pmg_client_spoil_session (user_data, TRUE, FALSE);
}

static void
test_batches_and_cancel (void)
{
  g_autoptr(Sim) sim = g_new0 (Sim, 1);
  g_autoptr(QdPmgClient) client = NULL;
  g_autoptr(QdBatchResult) result = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) state = NULL;
  g_autoptr(GHashTable) delivered = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(GStrv) ids = NULL;
  JsonArray *mails;

  sim_start (sim, "9.1", 1200, FALSE);
  client = signed_in_client (sim);
  for (guint i = 0; i < 1200; i++)
    {
      g_autofree char *id = g_strdup_printf ("C0R%uT%u", 1000 + i, 5000 + i);

      g_strv_builder_add (builder, id);
    }
  ids = g_strv_builder_end (builder);

  /* Cancelled after the first batch: at most 1000 ids went in it. */
  result = peer_release_cancelled (client, (const char * const *)ids, 1000);
  g_assert_true (peer_outcome (result, 999)->ok);
  g_assert_cmpstr (peer_outcome (result, 1000)->error_code, ==, "not_attempted");
  g_assert_cmpstr (peer_outcome (result, 1000)->error_message, ==,
                   "Not attempted: stopped before this message.");
  state = read_state (sim);
  mails = json_object_get_array_member (state, "mails");
  for (guint i = 0; i < json_array_get_length (mails); i++)
    {
      JsonObject *mail = json_array_get_object_element (mails, i);

      if (g_strcmp0 (json_object_get_string_member (mail, "state"), "delivered") == 0)
        g_hash_table_add (delivered, (gpointer)json_object_get_string_member (mail, "id"));
    }
  g_assert_cmpuint (g_hash_table_size (delivered), ==, 1000);
  g_assert_true (g_hash_table_contains (delivered, ids[999]));
  g_assert_false (g_hash_table_contains (delivered, ids[1000]));
  g_clear_pointer (&result, qd_batch_result_unref);
  g_clear_pointer (&state, json_object_unref);

  /* The rest, then the delivered ones again (nothing to do for those),
   * with the session ending after the first batch: the second is
   * refused before anything of it is done, and says why. */
  {
    g_autoptr(GPtrArray) again = g_ptr_array_new ();

    for (guint i = 0; i < 1200; i++)
      g_ptr_array_add (again, ids[(i + 1000) % 1200]);
    g_ptr_array_add (again, NULL);
    result = peer_act (client, QD_ACTION_DELETE, (const char * const *)again->pdata, FALSE,
                       spoil_after_first, client, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (result->succeeded, ==, 1000);
    g_assert_cmpuint (result->not_attempted, ==, 200);
    g_assert_cmpstr (peer_outcome (result, 1000)->id, ==, ids[800]);
    g_assert_cmpstr (peer_outcome (result, 1199)->error_message, ==,
                     "Your session with the gateway has ended and could not be renewed. Sign "
                     "in again.");
  }
  {
    g_autofree char *s = mail_state (sim, ids[1199]);
    g_autofree char *t = mail_state (sim, ids[0]);

    g_assert_cmpstr (s, ==, "deleted");
    g_assert_cmpstr (t, ==, "delivered");
  }
}

static void
check_sender_lists (const char *version,
                    const char *list_name)
{
  g_autoptr(Sim) sim = g_new0 (Sim, 1);
  g_autoptr(QdPmgClient) client = NULL;
  g_autoptr(GPtrArray) senders = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QdBatchResult) result = NULL;
  const char *ids[] = { "C0R2T102", NULL };

  sim_start (sim, version, 0, FALSE);
  client = signed_in_client (sim);

  g_assert_true (peer_change_sender (client, QD_SENDER_LIST_APPROVED, "friend@example.org", TRUE,
                                     &error));
  g_assert_no_error (error);
  g_assert_true (peer_change_sender (client, QD_SENDER_LIST_APPROVED, "*@partner.example", TRUE,
                                     &error));
  g_assert_true (peer_change_sender (client, QD_SENDER_LIST_BLOCKED, "spam.example", TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (list_has (sim, ALICE, "WL", "friend@example.org"));
  g_assert_true (list_has (sim, ALICE, "BL", "spam.example"));

  senders = peer_list_senders (client, QD_SENDER_LIST_APPROVED, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (senders->len, ==, 2);
  g_assert_true (senders_have (senders, "friend@example.org"));
  g_assert_true (senders_have (senders, "*@partner.example"));
  g_clear_pointer (&senders, g_ptr_array_unref);
  senders = peer_list_senders (client, QD_SENDER_LIST_BLOCKED, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (senders->len, ==, 1);
  g_clear_pointer (&senders, g_ptr_array_unref);

  g_assert_true (peer_change_sender (client, QD_SENDER_LIST_APPROVED, "friend@example.org", FALSE,
                                     &error));
  g_assert_no_error (error);
  g_assert_false (list_has (sim, ALICE, "WL", "friend@example.org"));

  /* What the gateway would take but never show again is refused here. */
  g_assert_false (peer_change_sender (client, QD_SENDER_LIST_BLOCKED, "@example.com", TRUE,
                                      &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT);
  g_assert_cmpstr (error->message, ==,
                   "“@example.com” cannot be kept in this gateway’s sender lists. Enter one "
                   "address (name@example.com), a domain (example.com) or a pattern such as "
                   "*@example.com.");
  g_clear_error (&error);

  /* Release with approval uses the version's action name. */
  result = peer_act (client, QD_ACTION_RELEASE, ids, TRUE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->succeeded, ==, 1);
  g_assert_true (list_has (sim, ALICE, "WL", "deals@cheap.example.org"));
  {
    g_autofree char *s = mail_state (sim, ids[0]);

    g_assert_cmpstr (s, ==, "delivered");
  }
  g_test_message ("lists named %s", list_name);
}

static void
test_sender_lists_9 (void)
{
  check_sender_lists ("9.0.1", "welcomelist");
}

static void
test_sender_lists_8 (void)
{
  check_sender_lists ("8.2.3", "whitelist");
}

static char *
double_encoded (const char *link)
{
  const char *at = strstr (link, "ticket=") + strlen ("ticket=");
  g_autofree char *head = g_strndup (link, at - link);
  g_auto(GStrv) parts = g_strsplit (at, "%", -1);
  g_autofree char *tail = g_strjoinv ("%25", parts);

  return g_strconcat (head, tail, NULL);
}

static void
test_link (void)
{
  g_autoptr(Sim) sim = g_new0 (Sim, 1);
  g_autoptr(QdPmgClient) client = NULL;
  g_autoptr(QdAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(QdBatchResult) result = NULL;
  g_autofree char *twice = NULL;
  g_autofree char *base = NULL;
  g_autofree char *forged = NULL;
  const char *ids[] = { "C0R5T105", NULL };
  gint64 days;

  sim_start (sim, "9.1", 0, FALSE);
  client = qd_pmg_client_new_from_link (sim->link, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (qd_pmg_client_get_base_url (client), ==, sim->url);
  g_assert_true (qd_pmg_client_set_pinned_fingerprint (client, sim->fingerprint, &error));

  twice = double_encoded (sim->link);
  g_assert_cmpstr (twice, !=, sim->link);
  account = sign_in_link (client, twice, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (account->username, ==, ALICE);
  g_assert_true (g_str_has_prefix (qd_pmg_client_get_link_ticket (client), "PMGQUAR:"));
  days = g_date_time_difference (qd_pmg_client_get_ticket_expiry (client),
                                 account->expires_at) / G_TIME_SPAN_DAY;
  g_assert_cmpint (days, ==, 0);
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

    days = g_date_time_difference (account->expires_at, now) / G_TIME_SPAN_HOUR;
    g_assert_cmpint (days, >=, 7 * 24 - 1);
    g_assert_cmpint (days, <=, 7 * 24);
  }
  g_clear_pointer (&account, qd_account_free);

  /* The link's token lets the person act, too. */
  result = peer_act (client, QD_ACTION_DELETE, ids, FALSE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->succeeded, ==, 1);
  {
    g_autofree char *s = mail_state (sim, ids[0]);

    g_assert_cmpstr (s, ==, "deleted");
  }

  /* Once encoded, too; after an hour the link's ticket is posted again
   * for a new token, and actions still go through. */
  account = sign_in_link (client, sim->link, &error);
  g_assert_no_error (error);
  g_clear_pointer (&account, qd_account_free);
  qd_pmg_client_age_session (client, 3700);
  g_clear_pointer (&result, qd_batch_result_unref);
  {
    const char *more[] = { "C0R4T104", NULL };
    g_autofree char *s = NULL;

    result = peer_act (client, QD_ACTION_DELETE, more, FALSE, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (result->succeeded, ==, 1);
    s = mail_state (sim, more[0]);
    g_assert_cmpstr (s, ==, "deleted");
    g_assert_true (g_str_has_prefix (qd_pmg_client_get_link_ticket (client), "PMGQUAR:"));
  }

  /* A ticket the gateway did not sign. */
  forged = g_strdup (sim->link);
  forged[strlen (forged) - 3] = forged[strlen (forged) - 3] == 'A' ? 'B' : 'A';
  account = sign_in_link (client, forged, &error);
  g_assert_null (account);
  g_assert_error (error, QD_ERROR, QD_ERROR_AUTH_FAILED);
  g_assert_cmpstr (error->message, ==,
                   "The quarantine link is no longer valid: it has expired or was not made by "
                   "this gateway. Use the link of a newer spam report, or sign in with your "
                   "user name and password.");
  g_clear_error (&error);

  g_assert_false (qd_pmg_parse_link ("https://pmg.example.com/quarantine", &base, NULL,
                                            &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  /* A report leaves out port 443. */
  g_assert_true (qd_pmg_parse_link ("https://pmg.example.com/quarantine?ticket="
                                           "PMGQUAR%3Aa%40b.example%3A66A1B2C3%3A%3Asig",
                                           &base, NULL, &error));
  g_assert_cmpstr (base, ==, "https://pmg.example.com:443");
}

static void
test_renewal (void)
{
  g_autoptr(Sim) sim = g_new0 (Sim, 1);
  g_autoptr(QdPmgClient) client = NULL;
  g_autoptr(QdQuery) query = qd_query_new (QD_FOLDER_QUARANTINE);
  g_autoptr(QdItemPage) page = NULL;
  g_autoptr(QdBatchResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) expiry = NULL;
  const char *ids[] = { "C0R2T102", NULL };

  sim_start (sim, "9.1", 0, FALSE);
  client = signed_in_client (sim);
  expiry = g_date_time_ref (qd_pmg_client_get_ticket_expiry (client));

  /* After an hour, the first call renews the ticket first. */
  qd_pmg_client_age_session (client, 3700);
  page = peer_list_page (client, query, NULL, 50, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->items->len, ==, 5);
  g_assert_true (g_date_time_compare (qd_pmg_client_get_ticket_expiry (client), expiry) >= 0);
  g_assert_true (qd_pmg_client_get_ticket_expiry (client) != expiry);

  /* A refused token: one renewal, then the action goes through. */
  qd_pmg_client_spoil_session (client, FALSE, TRUE);
  result = peer_act (client, QD_ACTION_DELETE, ids, FALSE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->succeeded, ==, 1);
  {
    g_autofree char *s = mail_state (sim, ids[0]);

    g_assert_cmpstr (s, ==, "deleted");
  }
  g_clear_pointer (&result, qd_batch_result_unref);

  /* A refused ticket cannot renew itself: the person is asked. */
  qd_pmg_client_spoil_session (client, TRUE, FALSE);
  g_clear_pointer (&page, qd_item_page_free);
  page = peer_list_page (client, query, NULL, 50, &error);
  g_assert_null (page);
  g_assert_error (error, QD_ERROR, QD_ERROR_SESSION_EXPIRED);
  g_assert_cmpstr (error->message, ==, "Your session with the gateway has ended and could not be "
                   "renewed. Sign in again.");
  g_clear_error (&error);

  /* The same in the middle of a batch action: nothing of it was done. */
  {
    const char *more[] = { "C0R3T103", "C0R5T105", NULL };

    result = peer_act (client, QD_ACTION_DELETE, more, FALSE, NULL, NULL, NULL, &error);
    g_assert_null (result);
    g_assert_error (error, QD_ERROR, QD_ERROR_SESSION_EXPIRED);
    g_clear_error (&error);
  }

  /* Signed out, nothing is sent. */
  {
    g_autoptr(GAsyncResult) res = NULL;

    qd_gateway_sign_out_async (QD_GATEWAY (client), NULL, qd_async_wait_result_cb, &res);
    g_assert_true (qd_gateway_sign_out_finish (QD_GATEWAY (client), qd_async_wait (&res),
                                               &error));
    g_clear_pointer (&page, qd_item_page_free);
    page = peer_list_page (client, query, NULL, 50, &error);
    g_assert_error (error, QD_ERROR, QD_ERROR_NOT_SIGNED_IN);
  }
}

static void
test_unreachable (void)
{
  g_autoptr(Sim) sim = g_new0 (Sim, 1);
  g_autoptr(QdPmgClient) client = NULL;
  g_autoptr(QdAccount) account = NULL;
  g_autoptr(GError) error = NULL;

  sim_start (sim, "9.1", 0, TRUE);
  client = new_client (sim);
  account = peer_sign_in (client, ALICE, ALICE_PW, &error);
  g_assert_null (account);
  g_assert_error (error, QD_ERROR, QD_ERROR_NETWORK);
  g_assert_true (g_str_has_prefix (error->message, "Cannot reach the gateway at 127.0.0.1 ("));
  g_assert_null (strstr (error->message, ALICE_PW));
  g_clear_error (&error);

  g_assert_null (qd_pmg_client_new ("ftp://pmg.example.com", &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  {
    g_autoptr(QdPmgClient) plain = qd_pmg_client_new ("pmg.example.com/api2/json", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (qd_pmg_client_get_base_url (plain), ==, "https://pmg.example.com:8006");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autofree char *openssl = g_find_program_in_path ("openssl");

  if (python == NULL || openssl == NULL)
    {
      g_printerr ("python3 and openssl are needed to run the PMG simulator\n");
      return g_strcmp0 (g_getenv ("CI"), "true") == 0 ? 1 : 77;
    }
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pmg-client/certificate-and-sign-in", test_certificate_and_sign_in);
  g_test_add_func ("/pmg-client/changed-certificate", test_changed_certificate);
  g_test_add_func ("/pmg-client/ca-file", test_ca_file);
  g_test_add_func ("/pmg-client/list", test_list);
  g_test_add_func ("/pmg-client/raw-and-details", test_raw_and_details);
  g_test_add_func ("/pmg-client/actions", test_actions);
  g_test_add_func ("/pmg-client/batches-and-cancel", test_batches_and_cancel);
  g_test_add_func ("/pmg-client/sender-lists-9", test_sender_lists_9);
  g_test_add_func ("/pmg-client/sender-lists-8", test_sender_lists_8);
  g_test_add_func ("/pmg-client/link", test_link);
  g_test_add_func ("/pmg-client/renewal", test_renewal);
  g_test_add_func ("/pmg-client/unreachable", test_unreachable);
  return g_test_run ();
}
