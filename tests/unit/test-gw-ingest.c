/* test-gw-ingest.c — rspamd's held copies: the request's headers, holding, sender maps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "gateway-fixture.h"
#include "qd-gw-error.h"
#include "qd-gw-ingest-server.h"
#include "qd-gw-ingest.h"
#include "qd-gw-senders.h"
#include "test-dir.h"

/* The capture of mailsys.md, header for header. */
static SoupMessageHeaders *
captured_headers (void)
{
  SoupMessageHeaders *headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);

  soup_message_headers_append (headers, "Content-Type", "text/plain");
  soup_message_headers_append (headers, "Authorization", "Basic cnNwYW1kOnMzY3JldA==");
  soup_message_headers_append (headers, "X-Rspamd-qid", "ABC123");
  soup_message_headers_append (headers, "X-Rspamd-action", "reject");
  soup_message_headers_append (headers, "X-Rspamd-score", "28.5");
  soup_message_headers_append (headers, "X-Rspamd-from", "a@b.example");
  soup_message_headers_append (headers, "X-Rspamd-rcpt", "[\"demo@example.com\"]");
  soup_message_headers_append (headers, "X-Rspamd-symbols",
                               "[{\"groups\":[\"headers\"],\"group\":\"headers\","
                               "\"name\":\"RDNS_NONE\",\"score\":1},"
                               "{\"groups\":[\"multimap\"],\"options\":[\"spam\"],"
                               "\"group\":\"multimap\",\"name\":\"QD_TEST_HDR\",\"score\":20},"
                               "{\"name\":\"ARC_NA\",\"score\":0},"
                               "{\"name\":\"MIME_GOOD\",\"score\":-0.1}]");
  soup_message_headers_append (headers, "X-Rspamd-subject", "hi");
  soup_message_headers_append (headers, "X-Rspamd-ip", "192.0.2.1");
  soup_message_headers_append (headers, "X-Rspamd-user", "unknown");
  soup_message_headers_append (headers, "X-Rspamd-fuzzy", "[]");
  soup_message_headers_append (headers, "User-Agent", "rspamd-3.4");
  return headers;
}

static const char *
rule_name (QdGwIngestRequest *request,
           guint              i)
{
  return ((QdVerdictRule *)g_ptr_array_index (request->rules, i))->name;
}

static void
test_parse_capture (void)
{
  g_autoptr(SoupMessageHeaders) headers = captured_headers ();
  g_autoptr(QdGwIngestRequest) request = NULL;
  g_autoptr(GError) error = NULL;

  request = qd_gw_ingest_request_parse (headers, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (request->queue_id, ==, "ABC123");
  g_assert_cmpstr (request->action, ==, "reject");
  g_assert_cmpfloat (request->score, ==, 28.5);
  g_assert_cmpstr (request->envelope_sender, ==, "a@b.example");
  g_assert_cmpuint (request->recipients->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (request->recipients, 0), ==, "demo@example.com");
  g_assert_cmpint (request->reason, ==, QD_REASON_SPAM);
  g_assert_cmpint (request->category, ==, QD_CATEGORY_NONE);
  /* Only the symbols that scored, the highest first. */
  g_assert_cmpuint (request->rules->len, ==, 2);
  g_assert_cmpstr (rule_name (request, 0), ==, "QD_TEST_HDR");
  g_assert_cmpstr (rule_name (request, 1), ==, "RDNS_NONE");
}

/* Header names arrive in any case. */
static void
test_parse_case (void)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr(QdGwIngestRequest) request = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_headers_append (headers, "x-rspamd-QID", "Q1");
  soup_message_headers_append (headers, "X-RSPAMD-RCPT", "[\"Demo@Example.COM\"]");
  soup_message_headers_append (headers, "x-rspamd-from", "unknown");
  request = qd_gw_ingest_request_parse (headers, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (request->queue_id, ==, "Q1");
  g_assert_cmpstr (g_ptr_array_index (request->recipients, 0), ==, "demo@example.com");
  /* The null sender. */
  g_assert_cmpstr (request->envelope_sender, ==, "");
  g_assert_null (request->action);
  g_assert_cmpfloat (request->score, ==, 0);
  g_assert_cmpuint (request->rules->len, ==, 0);
}

static void
test_parse_no_queue_id (void)
{
  const char *values[] = { NULL, "", "unknown", "UNKNOWN", "   " };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr(SoupMessageHeaders) headers = captured_headers ();
      g_autoptr(QdGwIngestRequest) request = NULL;
      g_autoptr(GError) error = NULL;

      if (values[i] != NULL)
        soup_message_headers_replace (headers, "X-Rspamd-qid", values[i]);
      else
        soup_message_headers_remove (headers, "X-Rspamd-qid");
      request = qd_gw_ingest_request_parse (headers, &error);
      g_assert_null (request);
      g_assert_error (error, QD_GW_ERROR, QD_GW_ERROR_BAD_REQUEST);
    }
}

static void
test_parse_recipients (void)
{
  const struct {
    const char *header;   /* NULL: absent */
    gboolean    ok;
    const char *joined;   /* the recipients, joined by " " */
  } cases[] = {
    { NULL, TRUE, "" },
    { "unknown", TRUE, "" },
    { "[]", TRUE, "" },
    { "[\"a@x.example\",\"A@X.EXAMPLE\",\" a@x.example \",\"b@x.example\"]", TRUE,
      "a@x.example b@x.example" },
    { "[1, null, {\"a\":1}, [\"c@x.example\"], \"\", \"d@x.example\"]", TRUE, "d@x.example" },
    { "a@x.example", FALSE, NULL },
    { "{\"rcpt\":\"a@x.example\"}", FALSE, NULL },
    { "[\"a@x.example\"", FALSE, NULL },
    { "\"a@x.example\"", FALSE, NULL },
    { "[\"caf\xe9@x.example\"]", FALSE, NULL },   /* Latin-1, not JSON text */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SoupMessageHeaders) headers = captured_headers ();
      g_autoptr(QdGwIngestRequest) request = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GString) joined = g_string_new (NULL);

      if (cases[i].header != NULL)
        soup_message_headers_replace (headers, "X-Rspamd-rcpt", cases[i].header);
      else
        soup_message_headers_remove (headers, "X-Rspamd-rcpt");
      request = qd_gw_ingest_request_parse (headers, &error);
      if (!cases[i].ok)
        {
          g_assert_null (request);
          g_assert_error (error, QD_GW_ERROR, QD_GW_ERROR_BAD_REQUEST);
          continue;
        }
      g_assert_no_error (error);
      for (guint r = 0; r < request->recipients->len; r++)
        g_string_append_printf (joined, "%s%s", r > 0 ? " " : "",
                                (char *)g_ptr_array_index (request->recipients, r));
      g_assert_cmpstr (joined->str, ==, cases[i].joined);
    }
}

/* A garbled symbol list or score holds the message as spam, unscored. */
static void
test_parse_garbled (void)
{
  const char *symbols[] = { "not json", "{\"name\":\"PHISHING\"}", "[1,2,3]",
                            "[{\"name\":5,\"score\":3},{\"score\":4}]",
                            "[{\"name\":\"QD_PHISHING\"", "\xff\xfe" };
  const char *scores[] = { "abc", "", "nan", "inf", "1e999", "12abc" };

  for (guint i = 0; i < G_N_ELEMENTS (symbols); i++)
    {
      g_autoptr(SoupMessageHeaders) headers = captured_headers ();
      g_autoptr(QdGwIngestRequest) request = NULL;
      g_autoptr(GError) error = NULL;

      soup_message_headers_replace (headers, "X-Rspamd-symbols", symbols[i]);
      soup_message_headers_replace (headers, "X-Rspamd-score", scores[i]);
      request = qd_gw_ingest_request_parse (headers, &error);
      g_assert_no_error (error);
      g_assert_cmpint (request->reason, ==, QD_REASON_SPAM);
      g_assert_cmpuint (request->rules->len, ==, 0);
      g_assert_cmpfloat (request->score, ==, 0);
    }
}

/* 8-bit header values become valid UTF-8: they end up in JSON answers. */
static void
test_parse_eight_bit (void)
{
  g_autoptr(SoupMessageHeaders) headers = captured_headers ();
  g_autoptr(QdGwIngestRequest) request = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_headers_replace (headers, "X-Rspamd-from", "caf\xe9\xff@b.example");
  soup_message_headers_replace (headers, "X-Rspamd-qid", "Q\xe9");
  soup_message_headers_replace (headers, "X-Rspamd-action", "\xc3\x28");
  request = qd_gw_ingest_request_parse (headers, &error);
  g_assert_no_error (error);
  g_assert_true (g_utf8_validate (request->envelope_sender, -1, NULL));
  g_assert_true (g_str_has_prefix (request->envelope_sender, "caf"));
  g_assert_true (g_str_has_suffix (request->envelope_sender, "@b.example"));
  g_assert_true (g_utf8_validate (request->queue_id, -1, NULL));
  g_assert_true (g_utf8_validate (request->action, -1, NULL));
}

static void
test_parse_huge_symbol_list (void)
{
  g_autoptr(SoupMessageHeaders) headers = captured_headers ();
  g_autoptr(QdGwIngestRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) symbols = g_string_new ("[");

  for (guint i = 0; i < 20000; i++)
    g_string_append_printf (symbols, "%s{\"name\":\"SYM_%05u\",\"score\":%u.5}", i ? "," : "",
                            i, i % 7);
  g_string_append (symbols, ",{\"name\":\"QD_GRAYMAIL_BULK\",\"score\":0}]");
  soup_message_headers_replace (headers, "X-Rspamd-symbols", symbols->str);
  request = qd_gw_ingest_request_parse (headers, &error);
  g_assert_no_error (error);
  g_assert_cmpint (request->reason, ==, QD_REASON_GRAYMAIL);
  g_assert_cmpint (request->category, ==, QD_CATEGORY_BULK);
  /* Every symbol scored (0.5 and up); the first is the highest. */
  g_assert_cmpuint (request->rules->len, ==, 20000);
  g_assert_cmpfloat (((QdVerdictRule *)g_ptr_array_index (request->rules, 0))->score, ==, 6.5);
  g_assert_cmpfloat (((QdVerdictRule *)g_ptr_array_index (request->rules, 19999))->score, ==,
                     0.5);
}

static void
classify (const char *json,
          QdReason   *reason,
          QdCategory *category)
{
  g_autoptr(SoupMessageHeaders) headers = captured_headers ();
  g_autoptr(QdGwIngestRequest) request = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_headers_replace (headers, "X-Rspamd-symbols", json);
  request = qd_gw_ingest_request_parse (headers, &error);
  g_assert_no_error (error);
  *reason = request->reason;
  *category = request->category;
}

static void
test_classify (void)
{
  const struct {
    const char *symbols;
    QdReason    reason;
    QdCategory  category;
  } cases[] = {
    { "[]", QD_REASON_SPAM, QD_CATEGORY_NONE },
    { "[{\"name\":\"QD_GRAYMAIL_SOCIAL\",\"score\":2}]", QD_REASON_GRAYMAIL,
      QD_CATEGORY_SOCIAL },
    /* The highest-scoring category wins... */
    { "[{\"name\":\"QD_GRAYMAIL_MARKETING\",\"score\":1},"
      "{\"name\":\"QD_GRAYMAIL_FORUM\",\"score\":3}]", QD_REASON_GRAYMAIL, QD_CATEGORY_FORUM },
    /* ...a tie goes to the earlier in marketing, social, forum, bulk. */
    { "[{\"name\":\"QD_GRAYMAIL_BULK\",\"score\":2},"
      "{\"name\":\"QD_GRAYMAIL_SOCIAL\",\"score\":2}]", QD_REASON_GRAYMAIL, QD_CATEGORY_SOCIAL },
    { "[{\"name\":\"QD_GRAYMAIL_FORUM\",\"score\":0},"
      "{\"name\":\"QD_GRAYMAIL_MARKETING\",\"score\":0}]", QD_REASON_GRAYMAIL,
      QD_CATEGORY_MARKETING },
    /* Graymail before phishing. */
    { "[{\"name\":\"PHISHING\",\"score\":9},{\"name\":\"QD_GRAYMAIL_BULK\",\"score\":1}]",
      QD_REASON_GRAYMAIL, QD_CATEGORY_BULK },
    { "[{\"name\":\"PHISHED_OPENPHISH\",\"score\":9}]", QD_REASON_PHISHING, QD_CATEGORY_NONE },
    { "[{\"name\":\"PHISHED_PHISHTANK\",\"score\":9}]", QD_REASON_PHISHING, QD_CATEGORY_NONE },
    { "[{\"name\":\"PHISHED_GENERIC_SERVICE\",\"score\":1}]", QD_REASON_PHISHING,
      QD_CATEGORY_NONE },
    /* Phishing before malware. */
    { "[{\"name\":\"CLAM_VIRUS\",\"score\":9},{\"name\":\"QD_PHISHING\",\"score\":1}]",
      QD_REASON_PHISHING, QD_CATEGORY_NONE },
    { "[{\"name\":\"QD_MALWARE\",\"score\":9}]", QD_REASON_MALWARE, QD_CATEGORY_NONE },
    { "[{\"name\":\"CLAM_VIRUS_FAIL\",\"score\":0}]", QD_REASON_MALWARE, QD_CATEGORY_NONE },
    { "[{\"name\":\"ICAP_VIRUS\",\"score\":0}]", QD_REASON_MALWARE, QD_CATEGORY_NONE },
    /* Names are exact. */
    { "[{\"name\":\"qd_graymail_bulk\",\"score\":5},{\"name\":\"PHISHING_X\",\"score\":5},"
      "{\"name\":\"X_CLAM_VIRUS\",\"score\":5}]", QD_REASON_SPAM, QD_CATEGORY_NONE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      QdReason reason;
      QdCategory category;

      classify (cases[i].symbols, &reason, &category);
      g_assert_cmpint (reason, ==, cases[i].reason);
      g_assert_cmpint (category, ==, cases[i].category);
    }
}

/* holding, with the real gateway */

typedef struct
{
  GatewayFixture  gateway;
  gint64          alice;
  gint64          bob;
} Fixture;

static gint64
add_user (Fixture    *fixture,
          const char *username,
          const char *address)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdGwUser) user = NULL;

  g_assert_true (qd_gw_gateway_add_user (fixture->gateway.gateway, username, address, NULL,
                                         "secret", FALSE, &error));
  g_assert_no_error (error);
  user = qd_gw_store_find_user (qd_gw_gateway_get_store (fixture->gateway.gateway), username);
  return user->id;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  QdGwConfig config;

  qd_gw_config_init (&config);
  gateway_fixture_set_up_gateway (&fixture->gateway, &config);
  fixture->alice = add_user (fixture, "alice", "Alice@Example.com");
  fixture->bob = add_user (fixture, "bob", "bob@example.com");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  gateway_fixture_tear_down (&fixture->gateway);
}

static const char message_text[] =
  "From: Spammer <offers@spam.example>\r\n"
  "To: someone@example.com\r\n"
  "Subject: Cheap \xe9 watches\r\n"
  "\r\n"
  ".a line that starts with a dot\r\n"
  "a NUL \0 byte\r\n";

static GBytes *
message_bytes (void)
{
  return g_bytes_new_static (message_text, sizeof message_text - 1);
}

static QdGwIngestRequest *
request_for (const char *queue_id,
             const char *rcpt_json,
             const char *from)
{
  g_autoptr(SoupMessageHeaders) headers = captured_headers ();
  g_autoptr(GError) error = NULL;
  QdGwIngestRequest *request;

  soup_message_headers_replace (headers, "X-Rspamd-qid", queue_id);
  soup_message_headers_replace (headers, "X-Rspamd-rcpt", rcpt_json);
  soup_message_headers_replace (headers, "X-Rspamd-from", from);
  request = qd_gw_ingest_request_parse (headers, &error);
  g_assert_no_error (error);
  return request;
}

static void
ingest (Fixture          *fixture,
        const char       *queue_id,
        const char       *rcpt_json,
        const char       *from,
        QdGwIngestCounts *counts)
{
  g_autoptr(QdGwIngestRequest) request = request_for (queue_id, rcpt_json, from);
  g_autoptr(GBytes) bytes = message_bytes ();
  g_autoptr(GError) error = NULL;

  g_assert_true (qd_gw_gateway_ingest_from_rspamd (fixture->gateway.gateway, request, bytes,
                                                   counts, &error));
  g_assert_no_error (error);
}

static GPtrArray *
held_items (Fixture *fixture,
            gint64   user_id)
{
  QdGwQuery query = {
    .user_id = user_id, .folder = QD_FOLDER_QUARANTINE, .since = G_MININT64,
    .until = G_MAXINT64, .sort_column = "received_at", .limit = 100,
  };
  g_autoptr(GError) error = NULL;
  GPtrArray *items = qd_gw_gateway_list_items (fixture->gateway.gateway, &query, NULL, &error);

  g_assert_no_error (error);
  return items;
}

static void
assert_counts (const QdGwIngestCounts *counts,
               guint                   held,
               guint                   released,
               guint                   dropped,
               guint                   duplicates,
               guint                   ignored)
{
  g_assert_cmpuint (counts->held, ==, held);
  g_assert_cmpuint (counts->released, ==, released);
  g_assert_cmpuint (counts->dropped, ==, dropped);
  g_assert_cmpuint (counts->duplicates, ==, duplicates);
  g_assert_cmpuint (counts->ignored, ==, ignored);
}

static void
test_hold (Fixture       *fixture,
           gconstpointer  user_data)
{
  QdGwIngestCounts counts;
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *path = NULL;
  g_autofree char *stored = NULL;
  gsize length;
  QdGwItem *item;

  ingest (fixture, "Q1",
          "[\"alice@example.com\",\"ALICE@example.COM\",\"bob@example.com\",\"carol@example.com\"]",
          "bounce@spam.example", &counts);
  assert_counts (&counts, 2, 0, 0, 0, 1);

  items = held_items (fixture, fixture->alice);
  g_assert_cmpuint (items->len, ==, 1);
  item = g_ptr_array_index (items, 0);
  g_assert_cmpstr (item->status, ==, QD_GW_STATUS_HELD);
  /* The user's address as the recipient; the envelope's sender. */
  g_assert_cmpstr (item->recipient, ==, "Alice@Example.com");
  g_assert_cmpstr (item->envelope_sender, ==, "bounce@spam.example");
  g_assert_cmpstr (item->from_address, ==, "offers@spam.example");
  g_assert_cmpint (item->reason, ==, QD_REASON_SPAM);
  g_assert_cmpint (item->category, ==, QD_CATEGORY_NONE);
  g_assert_cmpstr (item->policy_rule, ==, "Anti-spam: spam");
  g_assert_cmpfloat (item->score, ==, 28.5);
  g_assert_cmpstr (item->rules_json, ==, "[\"QD_TEST_HDR\",\"RDNS_NONE\"]");
  g_assert_cmpint (item->size, ==, sizeof message_text - 1);
  g_assert_cmpint (ABS (item->received_at - g_get_real_time () / G_USEC_PER_SEC), <=, 5);

  /* The original, byte for byte. */
  path = qd_gw_gateway_message_path (fixture->gateway.gateway, item->id);
  g_assert_true (g_file_get_contents (path, &stored, &length, NULL));
  g_assert_cmpmem (stored, length, message_text, sizeof message_text - 1);

  g_clear_pointer (&items, g_ptr_array_unref);
  items = held_items (fixture, fixture->bob);
  g_assert_cmpuint (items->len, ==, 1);
}

/* rspamd's retry of the same message holds nothing twice. */
static void
test_retry (Fixture       *fixture,
            gconstpointer  user_data)
{
  QdGwIngestCounts counts;
  g_autoptr(GPtrArray) items = NULL;

  ingest (fixture, "Q2", "[\"alice@example.com\"]", "a@b.example", &counts);
  assert_counts (&counts, 1, 0, 0, 0, 0);
  ingest (fixture, "Q2", "[\"alice@example.com\",\"bob@example.com\"]", "a@b.example", &counts);
  assert_counts (&counts, 1, 0, 0, 1, 0);
  ingest (fixture, "Q2", "[\"alice@example.com\",\"bob@example.com\"]", "a@b.example", &counts);
  assert_counts (&counts, 0, 0, 0, 2, 0);
  /* Another queue id is another message. */
  ingest (fixture, "Q3", "[\"alice@example.com\"]", "a@b.example", &counts);
  assert_counts (&counts, 1, 0, 0, 0, 0);

  items = held_items (fixture, fixture->alice);
  g_assert_cmpuint (items->len, ==, 2);
}

/* The store's own guard: a second item with the same queue id and recipient is refused. */
static void
test_unique_queue_id (Fixture       *fixture,
                      gconstpointer  user_data)
{
  QdGwStore *store = qd_gw_gateway_get_store (fixture->gateway.gateway);
  QdGwIngestCounts counts;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(QdGwItem) copy = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  ingest (fixture, "Q4", "[\"bob@example.com\"]", "a@b.example", &counts);
  items = held_items (fixture, fixture->bob);
  id = ((QdGwItem *)g_ptr_array_index (items, 0))->id;
  g_assert_cmpint (qd_gw_store_find_queued_item (store, "Q4", "bob@example.com"), ==, id);
  g_assert_cmpint (qd_gw_store_find_queued_item (store, "Q4", "alice@example.com"), ==, 0);

  copy = qd_gw_store_get_item (store, fixture->bob, id);
  g_assert_cmpint (qd_gw_store_add_item (store, copy, &error), >, id);
  g_assert_no_error (error);
  g_assert_false (qd_gw_store_set_item_origin (store, copy->id, "Q4", NULL, &error));
  g_assert_nonnull (error);
}

static void
test_sender_lists (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_auto(QdGwSenderEntry) entry = { 0 };
  g_auto(QdGwSenderEntry) entry2 = { 0 };
  QdGwIngestCounts counts;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  QdGwItem *item;

  /* Alice blocked the From address's domain; Bob approved the envelope sender. */
  g_assert_cmpint (qd_gw_gateway_add_sender (fixture->gateway.gateway, fixture->alice,
                                             QD_GW_LIST_BLOCKED, "@SPAM.example", &entry,
                                             &error), ==, QD_GW_SENDER_ADDED);
  g_assert_cmpint (qd_gw_gateway_add_sender (fixture->gateway.gateway, fixture->bob,
                                             QD_GW_LIST_APPROVED, "news@b.example", &entry2,
                                             &error), ==, QD_GW_SENDER_ADDED);
  ingest (fixture, "Q5", "[\"alice@example.com\",\"bob@example.com\"]", "News@B.example",
          &counts);
  assert_counts (&counts, 0, 1, 1, 0, 0);

  items = held_items (fixture, fixture->alice);
  g_assert_cmpuint (items->len, ==, 0);
  /* Bob's was held, then released (into the mailbox: no relay here). */
  item = qd_gw_store_get_item (qd_gw_gateway_get_store (fixture->gateway.gateway), fixture->bob,
                               qd_gw_store_find_queued_item (
                                 qd_gw_gateway_get_store (fixture->gateway.gateway), "Q5",
                                 "bob@example.com"));
  g_assert_nonnull (item);
  g_assert_cmpstr (item->status, ==, QD_GW_STATUS_RELEASED);
  qd_gw_item_free (item);

  /* The retry changes nothing: the release is not repeated. */
  ingest (fixture, "Q5", "[\"alice@example.com\",\"bob@example.com\"]", "News@B.example",
          &counts);
  assert_counts (&counts, 0, 0, 1, 1, 0);
}

/* A store that cannot keep the original records nothing and says so. */
static void
test_storage_failure (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(QdGwIngestRequest) request = request_for ("Q6", "[\"alice@example.com\"]",
                                                      "a@b.example");
  g_autoptr(GBytes) bytes = message_bytes ();
  g_autoptr(GError) error = NULL;
  g_autofree char *messages = g_build_filename (fixture->gateway.dir, "messages", NULL);
  g_autoptr(GPtrArray) items = NULL;
  QdGwIngestCounts counts;

  /* A file where the originals' directory was. */
  g_assert_cmpint (g_rmdir (messages), ==, 0);
  g_assert_true (g_file_set_contents (messages, "", 0, NULL));
  g_assert_false (qd_gw_gateway_ingest_from_rspamd (fixture->gateway.gateway, request, bytes,
                                                    &counts, &error));
  g_assert_nonnull (error);
  items = held_items (fixture, fixture->alice);
  g_assert_cmpuint (items->len, ==, 0);
  g_assert_cmpint (qd_gw_store_find_queued_item (qd_gw_gateway_get_store (
                     fixture->gateway.gateway), "Q6", "Alice@Example.com"), ==, 0);

  /* Once it can, the retry holds it. */
  g_assert_cmpint (g_unlink (messages), ==, 0);
  g_assert_cmpint (g_mkdir (messages, 0700), ==, 0);
  ingest (fixture, "Q6", "[\"alice@example.com\"]", "a@b.example", &counts);
  assert_counts (&counts, 1, 0, 0, 0, 0);
}

#define APPROVED_HEAD "# qd-gateway: approved senders, RECIPIENT|SENDER\n"
#define BLOCKED_HEAD "# qd-gateway: blocked senders, RECIPIENT|SENDER\n"

static void
test_sender_map (Fixture       *fixture,
                 gconstpointer  user_data)
{
  QdGwGateway *gateway = fixture->gateway.gateway;
  g_auto(QdGwSenderEntry) e1 = { 0 };
  g_auto(QdGwSenderEntry) e2 = { 0 };
  g_auto(QdGwSenderEntry) e3 = { 0 };
  g_autoptr(GBytes) approved = NULL;
  g_autoptr(GBytes) blocked = NULL;
  g_autoptr(GBytes) empty = NULL;
  g_autoptr(GError) error = NULL;
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;

  /* An empty list is one comment line: rspamd polls an empty map far less often. */
  empty = qd_gw_gateway_sender_map (gateway, QD_GW_LIST_APPROVED);
  g_assert_cmpmem (g_bytes_get_data (empty, NULL), g_bytes_get_size (empty),
                   APPROVED_HEAD, strlen (APPROVED_HEAD));

  qd_gw_gateway_add_sender (gateway, fixture->bob, QD_GW_LIST_APPROVED, "News@B.example", &e1,
                            &error);
  qd_gw_gateway_add_sender (gateway, fixture->alice, QD_GW_LIST_APPROVED, "@Lists.example", &e2,
                            &error);
  qd_gw_gateway_add_sender (gateway, fixture->alice, QD_GW_LIST_BLOCKED, "x@spam.example", &e3,
                            &error);
  g_assert_no_error (error);
  g_assert_cmpint (qd_gw_gateway_get_senders_changed_at (gateway), >=, before);

  approved = qd_gw_gateway_sender_map (gateway, QD_GW_LIST_APPROVED);
  g_assert_cmpmem (g_bytes_get_data (approved, NULL), g_bytes_get_size (approved),
                   APPROVED_HEAD
                   "alice@example.com|@lists.example\nbob@example.com|news@b.example\n",
                   strlen (APPROVED_HEAD
                           "alice@example.com|@lists.example\nbob@example.com|news@b.example\n"));
  blocked = qd_gw_gateway_sender_map (gateway, QD_GW_LIST_BLOCKED);
  g_assert_cmpmem (g_bytes_get_data (blocked, NULL), g_bytes_get_size (blocked),
                   BLOCKED_HEAD "alice@example.com|x@spam.example\n",
                   strlen (BLOCKED_HEAD "alice@example.com|x@spam.example\n"));
}

/* Waits for the next whole second after @t: change times count in seconds. */
static gint64
next_second (gint64 t)
{
  while (g_get_real_time () / G_USEC_PER_SEC <= t)
    g_usleep (20000);
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Every change to a list moves the maps' change time; what changes nothing does not. */
static void
test_senders_changed_at (Fixture       *fixture,
                         gconstpointer  user_data)
{
  QdGwGateway *gateway = fixture->gateway.gateway;
  QdGwStore *store = qd_gw_gateway_get_store (gateway);
  g_auto(QdGwSenderEntry) entry = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) map = NULL;
  gint64 t = qd_gw_gateway_get_senders_changed_at (gateway);
  gint64 now;

  now = next_second (t);
  g_assert_false (qd_gw_store_remove_sender (store, QD_GW_LIST_APPROVED, fixture->bob,
                                             "nobody@x.example"));
  map = qd_gw_gateway_sender_map (gateway, QD_GW_LIST_APPROVED);
  g_assert_cmpint (qd_gw_gateway_get_senders_changed_at (gateway), ==, t);

  g_assert_cmpint (qd_gw_gateway_add_sender (gateway, fixture->bob, QD_GW_LIST_APPROVED,
                                             "a@x.example", &entry, &error), ==,
                   QD_GW_SENDER_ADDED);
  t = qd_gw_gateway_get_senders_changed_at (gateway);
  g_assert_cmpint (t, >=, now);
  g_assert_cmpint (t, <=, g_get_real_time () / G_USEC_PER_SEC);

  now = next_second (t);
  g_assert_cmpint (qd_gw_gateway_remove_sender (gateway, fixture->bob, QD_GW_LIST_APPROVED,
                                                "a@x.example"), ==, QD_GW_SENDER_REMOVED);
  t = qd_gw_gateway_get_senders_changed_at (gateway);
  g_assert_cmpint (t, >=, now);
}

/* A database from before the queue id gets the column and its index. */
static void
test_upgrade (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("qd-gw-ingest-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "gateway.db", NULL);
  g_autoptr(QdGwStore) store = NULL;
  g_autoptr(QdGwItem) item = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
    "CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE,"
    "  address TEXT NOT NULL, display_name TEXT, password_hash TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL DEFAULT (unixepoch()));"
    "CREATE TABLE items (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
    "  folder INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'held',"
    "  received_at INTEGER NOT NULL, envelope_sender TEXT, from_header TEXT, from_name TEXT,"
    "  from_address TEXT, recipient TEXT, subject TEXT, size INTEGER NOT NULL DEFAULT 0,"
    "  reason INTEGER NOT NULL, category INTEGER NOT NULL DEFAULT 0, policy_rule TEXT,"
    "  score REAL NOT NULL DEFAULT 0, rules TEXT NOT NULL DEFAULT '[]',"
    "  expires_at INTEGER NOT NULL, maildir_name TEXT, search TEXT NOT NULL DEFAULT '',"
    "  listed INTEGER GENERATED ALWAYS AS (status IN ('held', 'release_requested')) VIRTUAL,"
    "  from_sort TEXT GENERATED ALWAYS AS"
    "    (lower(coalesce(nullif(from_name, ''), from_address, ''))) VIRTUAL,"
    "  subject_sort TEXT GENERATED ALWAYS AS (lower(coalesce(subject, ''))) VIRTUAL);"
    "INSERT INTO users (username, address, password_hash) VALUES ('old', 'old@example.com', 'x');"
    "INSERT INTO items (user_id, folder, received_at, recipient, subject, reason, expires_at)"
    "  VALUES (1, 0, 1, 'old@example.com', 'kept', 1, 4102444800);",
    NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = qd_gw_store_open (path, &error);
  g_assert_no_error (error);
  item = qd_gw_store_get_item (store, 1, 1);
  g_assert_nonnull (item);
  g_assert_cmpstr (item->subject, ==, "kept");
  g_assert_true (qd_gw_store_set_item_origin (store, 1, "OLDQ", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (qd_gw_store_find_queued_item (store, "OLDQ", "old@example.com"), ==, 1);
  g_clear_object (&store);

  /* Opening it again changes nothing. */
  store = qd_gw_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (qd_gw_store_find_queued_item (store, "OLDQ", "old@example.com"), ==, 1);
  g_clear_object (&store);
  test_dir_remove (dir);
}

static void
test_read_secret (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("qd-gw-ingest-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "secret", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing", NULL);
  g_autofree char *secret = NULL;

  g_assert_true (g_file_set_contents_full (path, "s3cret\r\nsecond line\n", -1, 0, 0600, NULL));
  secret = qd_gw_ingest_read_secret (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "s3cret");
  g_clear_pointer (&secret, g_free);

  g_assert_cmpint (g_chmod (path, 0640), ==, 0);
  secret = qd_gw_ingest_read_secret (path, &error);
  g_assert_null (secret);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_cmpint (g_chmod (path, 0604), ==, 0);
  g_assert_null (qd_gw_ingest_read_secret (path, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents_full (path, "\nlater\n", -1, 0, 0600, NULL));
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  g_assert_null (qd_gw_ingest_read_secret (path, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  g_assert_null (qd_gw_ingest_read_secret (missing, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  test_dir_remove (dir);
}

static void
add (const char *path,
     void (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down);
}

/* "name+detail@domain" is name@domain's; anything else is left alone. */
static void
test_address_without_detail (void)
{
  static const struct { const char *in, *out; } cases[] = {
    { "demo+news@example.com", "demo@example.com" },
    { "demo+a+b@example.com", "demo@example.com" },
    { "demo@example.com", NULL },
    { "+news@example.com", NULL },       /* no name before the detail */
    { "demo@ex+ample.com", NULL },       /* a plus in the domain is no detail */
    { "no-at-sign+x", NULL },
    { "", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = qd_gw_ingest_address_without_detail (cases[i].in);

      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gw-ingest/address-without-detail", test_address_without_detail);
  g_test_add_func ("/gw-ingest/parse/capture", test_parse_capture);
  g_test_add_func ("/gw-ingest/parse/case", test_parse_case);
  g_test_add_func ("/gw-ingest/parse/no-queue-id", test_parse_no_queue_id);
  g_test_add_func ("/gw-ingest/parse/recipients", test_parse_recipients);
  g_test_add_func ("/gw-ingest/parse/garbled", test_parse_garbled);
  g_test_add_func ("/gw-ingest/parse/eight-bit", test_parse_eight_bit);
  g_test_add_func ("/gw-ingest/parse/huge-symbol-list", test_parse_huge_symbol_list);
  g_test_add_func ("/gw-ingest/classify", test_classify);
  add ("/gw-ingest/hold", test_hold);
  add ("/gw-ingest/retry", test_retry);
  add ("/gw-ingest/unique-queue-id", test_unique_queue_id);
  add ("/gw-ingest/sender-lists", test_sender_lists);
  add ("/gw-ingest/storage-failure", test_storage_failure);
  add ("/gw-ingest/sender-map", test_sender_map);
  add ("/gw-ingest/senders-changed-at", test_senders_changed_at);
  g_test_add_func ("/gw-ingest/upgrade", test_upgrade);
  g_test_add_func ("/gw-ingest/read-secret", test_read_secret);
  return g_test_run ();
}
