/* test-cloud-client.c — QdCloudClient against the Email Quarantine API simulator (cloudsim.py)
 *
 * Each test seeds cloudsim through a state file, starts it as a process
 * (`cloudsim.py serve --state FILE --port 0 --save FILE`), drives the
 * client over verified TLS, then stops it and reads what the calls did
 * from the state it saved.  The spec's Unknowns are the simulator's
 * switches: the tests run over their values.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <gmime/gmime.h>
#include <signal.h>
#include <string.h>

#include "peer-fixture.h"
#include "qd-async-wait.h"
#include "qd-cloud-client.h"
#include "qd-error.h"
#include "qd-item.h"
#include "qd-mail.h"

#define ALICE "alice@example.com"
#define PW    "correct horse"
#define HOUR  G_GINT64_CONSTANT (3600000)
#define DAY   (24 * HOUR)

static gint64 now_ms;

/* the simulator, as a process */

/* Starts cloudsim with @state (JSON text). */
static PeerSim *
sim_start (const char *state)
{
  g_autoptr(GError) error = NULL;
  PeerSim *sim = peer_sim_new ();
  g_autofree char *state_file = peer_sim_path (sim, "state.json");
  g_autofree char *save = peer_sim_path (sim, "saved.json");

  g_file_set_contents (state_file, state, -1, &error);
  g_assert_no_error (error);
  peer_sim_start (sim, "cloudsim.py", "--state", state_file, "--port", "0", "--save", save,
                  NULL);
  return sim;
}

/* Stops the simulator; returns the state it saved. */
static JsonNode *
sim_stop (PeerSim *sim)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *save = peer_sim_path (sim, "saved.json");
  JsonNode *state;

  peer_sim_stop (sim);
  g_assert_true (json_parser_load_from_file (parser, save, &error));
  g_assert_no_error (error);
  state = json_node_copy (json_parser_get_root (parser));
  peer_sim_free (sim);
  return state;
}

/* The saved state of ALICE's mail @id, or NULL when gone. */
static JsonObject *
saved_mail (JsonNode   *state,
            const char *id)
{
  JsonArray *users = json_object_get_array_member (json_node_get_object (state), "users");
  JsonObject *alice = json_array_get_object_element (users, 0);
  JsonArray *mails = json_object_get_array_member (alice, "mails");

  for (guint i = 0; i < json_array_get_length (mails); i++)
    {
      JsonObject *mail = json_array_get_object_element (mails, i);

      if (g_str_equal (json_object_get_string_member (mail, "id"), id))
        return mail;
    }
  return NULL;
}

static JsonArray *
saved_list (JsonNode   *state,
            const char *which)
{
  JsonArray *users = json_object_get_array_member (json_node_get_object (state), "users");

  return json_object_get_array_member (json_array_get_object_element (users, 0), which);
}

/* A state file: @switches and @mails (JSON fragments), alice as the user. */
static char *
state_text (const char *switches,
            const char *mails,
            const char *extra_user_members)
{
  return g_strdup_printf ("{\"now_ms\": %" G_GINT64_FORMAT ", \"switches\": {%s}, "
                          "\"users\": [{\"username\": \"" ALICE "\", \"password\": \"" PW "\", "
                          "\"mails\": [%s]%s%s}]}",
                          now_ms, switches != NULL ? switches : "", mails != NULL ? mails : "",
                          extra_user_members != NULL ? ", " : "",
                          extra_user_members != NULL ? extra_user_members : "");
}

/* Five mails, newest first: m1 … m5 */
static char *
five_mails (void)
{
  return g_strdup_printf (
    "{\"id\": \"m1\", \"type\": \"SPAM\", \"subject\": \"Last chance\", "
    "\"sender\": \"news@shop.example.net\", \"sender_name\": \"Shop Team\", "
    "\"envelope_sender\": \"bounce-7781@mailer.example.net\", \"size\": 18342, "
    "\"received_ms\": %" G_GINT64_FORMAT "},"
    "{\"id\": \"m2\", \"type\": \"NEWSLETTER\", \"subject\": \"Weekly digest\", "
    "\"sender\": \"news@list.example.org\", \"received_ms\": %" G_GINT64_FORMAT "},"
    "{\"id\": \"m3\", \"type\": \"CI\", \"subject\": \"Contract draft\", "
    "\"sender\": \"legal@partner.example\", \"rules\": [\"Confidential words\"], "
    "\"received_ms\": %" G_GINT64_FORMAT "},"
    "{\"id\": \"m4\", \"type\": \"DLP\", \"subject\": \"Card numbers\", "
    "\"sender\": \"hr@example.com\", \"received_ms\": %" G_GINT64_FORMAT ", "
    "\"actions\": {\"release_message\": false, \"preview_message\": false}},"
    "{\"id\": \"m5\", \"type\": \"SPAM\", \"subject\": \"(Invoice: overdue)\", "
    "\"sender\": \"billing@scam.example\", \"received_ms\": %" G_GINT64_FORMAT "}",
    now_ms - 1 * HOUR, now_ms - 2 * HOUR, now_ms - 3 * HOUR, now_ms - 4 * HOUR,
    now_ms - 5 * DAY);
}

/* the client */

static QdCloudClient *
client_for (PeerSim *sim)
{
  return peer_client_new (QD_GATEWAY_KIND_CLOUD, peer_sim_get (sim, "url"),
                          peer_sim_get (sim, "ca_file"));
}

static QdCloudClient *
signed_in_client (PeerSim *sim)
{
  return peer_signed_in (client_for (sim), ALICE, PW);
}

/* The ids of every page of @query, joined by spaces, paged by @limit. */
static char *
list_all (QdCloudClient *client,
          QdQuery       *query,
          guint          limit,
          guint         *n_pages)
{
  /* A page filtered here may hold more than asked for. */
  g_autoptr(GPtrArray) items = peer_list_all (client, query, limit, G_MAXUINT, n_pages);
  g_autoptr(GString) ids = g_string_new (NULL);

  for (guint i = 0; i < items->len; i++)
    g_string_append_printf (ids, "%s%s", ids->len > 0 ? " " : "",
                            qd_item_get_id (g_ptr_array_index (items, i)));
  return g_string_free (g_steal_pointer (&ids), FALSE);
}

static char *
list_ids (QdCloudClient *client,
          QdQuery       *query)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;

  qd_item_source_list_ids_async (QD_ITEM_SOURCE (client), query, NULL, qd_async_wait_result_cb,
                                 &result);
  ids = qd_item_source_list_ids_finish (QD_ITEM_SOURCE (client), qd_async_wait (&result),
                                        &error);
  g_assert_no_error (error);
  return g_strjoinv (" ", ids);
}

static QdItem *
find_item (QdItemPage *page,
           const char *id)
{
  for (guint i = 0; i < page->items->len; i++)
    if (g_str_equal (qd_item_get_id (g_ptr_array_index (page->items, i)), id))
      return g_ptr_array_index (page->items, i);
  return NULL;
}

/* The switch values the mapping of a listing must not depend on (§9). */
static const char * const list_variants[] = {
  "",
  "\"numbers_as_strings\": true, \"booleans_as\": \"string\"",
  "\"booleans_as\": \"int\", \"extra_fields\": true, \"empty_page_end\": \"absent\"",
  "\"empty_page_end\": \"zero\", \"default_sort_order\": \"asc\", \"counts_scope\": \"whole\"",
  "\"omit_actions\": true",
  "\"omit_metadata\": [\"email_size\", \"email_envelope_sender\", \"email_date_received\"]",
};

static void
test_list_pages (void)
{
  for (guint v = 0; v < G_N_ELEMENTS (list_variants); v++)
    {
      g_autofree char *mails = five_mails ();
      g_autofree char *state = state_text (list_variants[v], mails, NULL);
      g_autoptr(GError) error = NULL;
      PeerSim *sim = sim_start (state);
      g_autoptr(QdCloudClient) client = signed_in_client (sim);
      g_autoptr(QdItemPage) first = peer_list_page (client, NULL, NULL, 2, &error);
      g_autoptr(QdItemPage) second = NULL;
      g_autoptr(QdItemPage) third = NULL;
      g_autoptr(JsonNode) saved = NULL;
      gboolean omit_actions = strstr (list_variants[v], "omit_actions") != NULL;
      gboolean omit_meta = strstr (list_variants[v], "omit_metadata") != NULL;
      QdItem *item;

      g_test_message ("variant: {%s}", list_variants[v]);
      g_assert_no_error (error);
      g_assert_cmpuint (first->items->len, ==, 2);
      g_assert_cmpint (first->total, ==, 5);
      g_assert_nonnull (first->next_cursor);
      /* newest first, whatever the service's default order */
      item = g_ptr_array_index (first->items, 0);
      g_assert_cmpstr (qd_item_get_id (item), ==, "m1");
      g_assert_cmpstr (qd_item_get_id (g_ptr_array_index (first->items, 1)), ==, "m2");
      g_assert_cmpint (qd_item_get_folder (item), ==, QD_FOLDER_QUARANTINE);
      g_assert_cmpstr (qd_item_get_subject (item), ==, "Last chance");
      g_assert_cmpstr (qd_item_get_from_name (item), ==, "Shop Team");
      g_assert_cmpstr (qd_item_get_from_address (item), ==, "news@shop.example.net");
      g_assert_cmpstr (qd_item_get_recipient (item), ==, ALICE);
      g_assert_cmpint (qd_item_get_reason (item), ==, QD_REASON_SPAM);
      g_assert_cmpint (qd_item_get_category (item), ==, QD_CATEGORY_NONE);
      g_assert_cmpstr (qd_item_get_status (item), ==, "held");
      if (!omit_meta)
        {
          g_assert_cmpstr (qd_item_get_envelope_sender (item), ==,
                           "bounce-7781@mailer.example.net");
          g_assert_cmpint (qd_item_get_size (item), ==, 18342);
          g_assert_cmpint (g_date_time_to_unix (qd_item_get_received_at (item)), ==,
                           (now_ms - HOUR) / 1000);
        }
      g_assert_cmpint (qd_item_get_actions (item), ==,
                       QD_ACTION_RELEASE | QD_ACTION_APPROVE_SENDER | QD_ACTION_DELETE |
                       QD_ACTION_BLOCK_SENDER);
      item = g_ptr_array_index (first->items, 1);
      g_assert_cmpint (qd_item_get_reason (item), ==, QD_REASON_GRAYMAIL);
      g_assert_cmpint (qd_item_get_category (item), ==, QD_CATEGORY_MARKETING);
      g_assert_cmpstr (qd_item_get_from (item), ==, "news@list.example.org");

      second = peer_list_page (client, NULL, first->next_cursor, 2, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (second->items->len, ==, 2);
      item = find_item (second, "m3");
      g_assert_nonnull (item);
      g_assert_cmpint (qd_item_get_reason (item), ==, QD_REASON_POLICY);
      g_assert_cmpstr (qd_item_get_policy_rule (item), ==, "Confidential words");
      item = find_item (second, "m4");
      g_assert_nonnull (item);
      g_assert_cmpint (qd_item_get_reason (item), ==, QD_REASON_POLICY);
      g_assert_cmpstr (qd_item_get_policy_rule (item), ==, "DLP");
      /* release forbidden: no Release, no Approve (without actions the
       * service decides, so everything is offered) */
      if (omit_actions)
        g_assert_true (qd_item_can (item, QD_ACTION_RELEASE));
      else
        g_assert_cmpint (qd_item_get_actions (item), ==,
                         QD_ACTION_DELETE | QD_ACTION_BLOCK_SENDER);
      g_assert_nonnull (second->next_cursor);

      third = peer_list_page (client, NULL, second->next_cursor, 2, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (third->items->len, ==, 1);
      g_assert_cmpstr (qd_item_get_id (g_ptr_array_index (third->items, 0)), ==, "m5");
      g_assert_null (third->next_cursor);
      g_assert_cmpint (third->total, ==, 5);

      saved = sim_stop (sim);
      /* listing changes nothing */
      g_assert_false (json_object_get_boolean_member (saved_mail (saved, "m1"), "released"));
    }
}

typedef struct
{
  guint       reasons;
  guint       categories;
  gint64      since;     /* 0: none */
  gint64      until;
  const char *search;
  const char *expected;
} Filter;

static void
test_filters (void)
{
  static const char * const variants[] = {
    "",
    "\"time_bounds\": \"inclusive\", \"q_quotes\": false, \"q_escapes\": false",
    "\"q_wildcards\": true, \"rejection\": \"http\", \"numbers_as_strings\": true",
  };
  const Filter filters[] = {
    { 1u << QD_REASON_SPAM, 0, 0, 0, NULL, "m1 m5" },
    { 1u << QD_REASON_GRAYMAIL, 0, 0, 0, NULL, "m2" },
    { 1u << QD_REASON_POLICY, 0, 0, 0, NULL, "m3 m4" },
    { 1u << QD_REASON_SPAM | 1u << QD_REASON_GRAYMAIL, 0, 0, 0, NULL, "m1 m2 m5" },
    { 1u << QD_REASON_PHISHING, 0, 0, 0, NULL, "" },
    { 0, 1u << QD_CATEGORY_MARKETING, 0, 0, NULL, "m2" },
    /* since inclusive, until exclusive, whatever the service's bounds */
    { 0, 0, now_ms - 3 * HOUR, now_ms - HOUR, NULL, "m2 m3" },
    { 0, 0, now_ms - 2 * DAY, 0, NULL, "m1 m2 m3 m4" },
    /* text anywhere in From, the envelope sender or the subject, parts of
     * words too, whatever the characters */
    { 0, 0, 0, 0, "chance", "m1" },
    { 0, 0, 0, 0, "shop team", "m1" },
    { 0, 0, 0, 0, "example.org", "m2" },
    { 0, 0, 0, 0, "(invoice:", "m5" },
    { 0, 0, 0, 0, "DIGEST", "m2" },
    { 0, 0, 0, 0, "gest", "m2" },
    { 1u << QD_REASON_SPAM, 0, 0, 0, "LAST", "m1" },
  };

  for (guint v = 0; v < G_N_ELEMENTS (variants); v++)
    {
      g_autofree char *mails = five_mails ();
      g_autofree char *state = state_text (variants[v], mails, NULL);
      PeerSim *sim = sim_start (state);
      g_autoptr(QdCloudClient) client = signed_in_client (sim);

      g_test_message ("variant: {%s}", variants[v]);
      for (guint f = 0; f < G_N_ELEMENTS (filters); f++)
        {
          g_autoptr(QdQuery) query = qd_query_new (QD_FOLDER_QUARANTINE);
          g_autofree char *paged = NULL;
          g_autofree char *all = NULL;

          qd_query_set_reasons (query, filters[f].reasons);
          qd_query_set_categories (query, filters[f].categories);
          if (filters[f].since != 0)
            {
              g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc (filters[f].since / 1000);

              qd_query_set_since (query, t);
            }
          if (filters[f].until != 0)
            {
              g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc (filters[f].until / 1000);

              qd_query_set_until (query, t);
            }
          qd_query_set_search (query, filters[f].search);
          paged = list_all (client, query, 1, NULL);
          g_assert_cmpstr (paged, ==, filters[f].expected);
          all = list_ids (client, query);
          g_assert_cmpstr (all, ==, filters[f].expected);
        }
      json_node_unref (sim_stop (sim));
    }
}

/* Without a start, a listing goes back the configured window (30 days
 * unless set: the service's retention is Unknown, §5.1), and the whole
 * way with 0; a start given is the start, whatever the window. */
static void
test_default_window (void)
{
  g_autofree char *mails = g_strdup_printf (
    "{\"id\": \"recent\", \"type\": \"SPAM\", \"received_ms\": %" G_GINT64_FORMAT "},"
    "{\"id\": \"old\", \"type\": \"SPAM\", \"received_ms\": %" G_GINT64_FORMAT "},"
    "{\"id\": \"older\", \"type\": \"SPAM\", \"received_ms\": %" G_GINT64_FORMAT "}",
    now_ms - 2 * DAY, now_ms - 40 * DAY, now_ms - 400 * DAY);
  g_autofree char *state = state_text ("", mails, NULL);
  PeerSim *sim = sim_start (state);
  g_autoptr(QdCloudClient) client = signed_in_client (sim);
  g_autoptr(QdQuery) query = qd_query_new (QD_FOLDER_QUARANTINE);
  g_autoptr(QdQuery) since = qd_query_new (QD_FOLDER_QUARANTINE);
  g_autoptr(GDateTime) long_ago = g_date_time_new_from_unix_utc ((now_ms - 500 * DAY) / 1000);
  g_autofree char *listed = NULL;
  g_autofree char *ids = NULL;

  listed = list_all (client, query, 1, NULL);
  g_assert_cmpstr (listed, ==, "recent");
  ids = list_ids (client, query);
  g_assert_cmpstr (ids, ==, "recent");
  g_clear_pointer (&listed, g_free);
  qd_cloud_client_set_window_days (client, 60);
  listed = list_all (client, query, 1, NULL);
  g_assert_cmpstr (listed, ==, "recent old");
  g_clear_pointer (&listed, g_free);
  qd_cloud_client_set_window_days (client, 0);
  listed = list_all (client, query, 1, NULL);
  g_assert_cmpstr (listed, ==, "recent old older");
  g_clear_pointer (&listed, g_free);
  qd_cloud_client_set_window_days (client, 30);
  qd_query_set_since (since, long_ago);
  listed = list_all (client, since, 1, NULL);
  g_assert_cmpstr (listed, ==, "recent old older");
  json_node_unref (sim_stop (sim));
}

/* New mail arriving between pages shifts the rest down a place: the
 * item pushed onto the next page is given once. */
static void
test_dedupe (void)
{
  g_autofree char *mails = five_mails ();
  g_autofree char *state = state_text ("\"insert_between_pages\": 1", mails, NULL);
  PeerSim *sim = sim_start (state);
  g_autoptr(QdCloudClient) client = signed_in_client (sim);
  g_autofree char *ids = NULL;
  g_auto(GStrv) split = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint pages;

  ids = list_all (client, NULL, 2, &pages);
  g_assert_cmpuint (pages, >, 2);
  split = g_strsplit (ids, " ", -1);
  for (guint i = 0; split[i] != NULL; i++)
    g_assert_true (g_hash_table_add (seen, split[i]));
  for (guint i = 1; i <= 5; i++)
    {
      g_autofree char *id = g_strdup_printf ("m%u", i);

      g_assert_true (g_hash_table_contains (seen, id));
    }
  json_node_unref (sim_stop (sim));
}

static void
find_parts (GMimeObject *parent,
            GMimeObject *part,
            gpointer     user_data)
{
  g_ptr_array_add (user_data, part);
}

static void
test_preview (void)
{
  static const char * const variants[] = {
    "",
    "\"repeated_headers\": \"join\", \"preview_charset\": \"undecoded\"",
    "\"repeated_headers\": \"array\", \"preview_html\": \"sanitized\", \"extra_fields\": true",
  };
  g_autofree char *mails = g_strdup_printf (
    "{\"id\": \"p1\", \"type\": \"SPAM\", \"subject\": \"Last chance\", "
    "\"sender\": \"news@shop.example.net\", \"received_ms\": %" G_GINT64_FORMAT ", "
    "\"envelope_sender\": \"bounce@mailer.example.net\", "
    "\"headers\": [[\"Date\", \"Wed, 02 Oct 2024 04:37:01 +0000\"], "
    "[\"From\", \"Shop Team <news@shop.example.net>\"], [\"To\", \"" ALICE "\"], "
    "[\"Subject\", \"Last chance\"], [\"Message-ID\", \"<abc@shop.example.net>\"], "
    "[\"Received\", \"from a.example by b.example\"], "
    "[\"Received\", \"from c.example by d.example\"], "
    "[\"Content-Type\", \"multipart/alternative;\"]], "
    "\"attachments\": [{\"name\": \"offer.pdf\", \"type\": \"application/pdf\"}], "
    "\"bodyparts\": [{\"type\": \"text/plain; charset=\\\"koi8-r\\\"\", "
    "\"content\": \"Привет, last chance\\n\"}, "
    "{\"type\": \"text/html; charset=\\\"UTF-8\\\"\", "
    "\"content\": \"<p>Hi<script>alert(1)</script><img src=https://t.example/p.gif></p>\"}]},"
    "{\"id\": \"p2\", \"type\": \"DLP\", \"subject\": \"Secret\", "
    "\"actions\": {\"preview_message\": false}}",
    now_ms - HOUR);

  for (guint v = 0; v < G_N_ELEMENTS (variants); v++)
    {
      g_autofree char *state = state_text (variants[v], mails, NULL);
      PeerSim *sim = sim_start (state);
      g_autoptr(QdCloudClient) client = signed_in_client (sim);
      g_autoptr(QdItemPage) page = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) raw = peer_get_raw (client, "p1", &error);
      g_autoptr(GBytes) forbidden = NULL;
      g_autoptr(GBytes) gone = NULL;
      g_autoptr(GObject) owner = NULL;
      GMimeMessage *message;
      g_autoptr(GPtrArray) parts = g_ptr_array_new ();
      g_autofree char *plain = NULL;
      g_autofree char *html = NULL;
      GMimeHeaderList *headers;
      gboolean attachment = FALSE;
      guint received = 0;

      g_test_message ("variant: {%s}", variants[v]);
      g_assert_no_error (error);
      message = qd_mail_parse_bytes (raw);
      owner = G_OBJECT (message);
      g_assert_nonnull (message);
      g_assert_cmpstr (g_mime_message_get_subject (message), ==, "Last chance");
      g_assert_cmpstr (g_mime_message_get_message_id (message), ==, "abc@shop.example.net");
      g_assert_cmpstr (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (
                         internet_address_list_get_address (g_mime_message_get_from (message),
                                                            0))),
                       ==, "news@shop.example.net");
      headers = g_mime_object_get_header_list (GMIME_OBJECT (message));
      g_assert_cmpstr (g_mime_header_get_value (g_mime_header_list_get_header (headers,
                                                                                "Return-Path")),
                       ==, "<bounce@mailer.example.net>");
      for (int i = 0; i < g_mime_header_list_get_count (headers); i++)
        if (g_ascii_strcasecmp (g_mime_header_get_name (g_mime_header_list_get_header_at (
                                  headers, i)), "Received") == 0)
          received++;
      /* joined and array forms give each Received; "last" gives one */
      g_assert_cmpuint (received, ==, v == 0 ? 1 : 2);
      g_mime_message_foreach (message, find_parts, parts);
      for (guint i = 0; i < parts->len; i++)
        {
          GMimeObject *part = g_ptr_array_index (parts, i);
          GMimeContentType *type = g_mime_object_get_content_type (part);

          if (GMIME_IS_TEXT_PART (part) && g_mime_content_type_is_type (type, "text", "plain"))
            plain = g_mime_text_part_get_text (GMIME_TEXT_PART (part));
          else if (GMIME_IS_TEXT_PART (part) && g_mime_content_type_is_type (type, "text", "html"))
            html = g_mime_text_part_get_text (GMIME_TEXT_PART (part));
          else if (GMIME_IS_PART (part) &&
                   g_strcmp0 (g_mime_part_get_filename (GMIME_PART (part)), "offer.pdf") == 0)
            attachment = TRUE;
        }
      /* the koi8-r text reads the same however the service delivered it */
      g_assert_cmpstr (plain, ==, "Привет, last chance\n");
      g_assert_nonnull (html);
      g_assert_nonnull (strstr (html, "<p>Hi"));
      g_assert_true (attachment);

      /* forbidden by the listing: a sentence, no request */
      page = peer_list_page (client, NULL, NULL, 10, &error);
      g_assert_no_error (error);
      forbidden = peer_get_raw (client, "p2", &error);
      g_assert_null (forbidden);
      g_assert_error (error, QD_ERROR, QD_ERROR_NOT_FOUND);
      g_assert_nonnull (strstr (error->message, "does not allow a preview"));
      g_clear_error (&error);
      gone = peer_get_raw (client, "nosuch", &error);
      g_assert_null (gone);
      g_assert_nonnull (error);
      g_assert_cmpint (error->domain, ==, QD_ERROR);
      json_node_unref (sim_stop (sim));
    }
}

/* Not listed by this client: the service's refusal becomes the sentence. */
static void
test_preview_refused (void)
{
  g_autofree char *state = state_text ("\"rejection\": \"http\"",
                                       "{\"id\": \"p2\", \"type\": \"DLP\", "
                                       "\"actions\": {\"preview_message\": false}}", NULL);
  PeerSim *sim = sim_start (state);
  g_autoptr(QdCloudClient) client = signed_in_client (sim);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = peer_get_raw (client, "p2", &error);
  g_autoptr(GBytes) gone = NULL;

  g_assert_null (raw);
  g_assert_error (error, QD_ERROR, QD_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "does not allow a preview"));
  g_clear_error (&error);
  gone = peer_get_raw (client, "nosuch", &error);
  g_assert_error (error, QD_ERROR, QD_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "no longer"));
  json_node_unref (sim_stop (sim));
}

static void
test_actions (void)
{
  static const char * const variants[] = {
    "",
    "\"id_style\": \"base64\", \"suduls_description_required\": true, "
    "\"strict_content_type\": true",
  };

  for (guint v = 0; v < G_N_ELEMENTS (variants); v++)
    {
      g_autofree char *mails = five_mails ();
      g_autofree char *state = state_text (variants[v], mails, NULL);
      PeerSim *sim = sim_start (state);
      g_autoptr(QdCloudClient) client = signed_in_client (sim);
      g_autoptr(QdItemPage) page = peer_list_page (client, NULL, NULL, 10, NULL);
      const char *release[] = { "m1", NULL };
      const char *approve[] = { "m2", NULL };
      const char *remove[] = { "m3", NULL };
      const char *block[] = { "m5", NULL };
      g_autoptr(QdBatchResult) released = NULL;
      g_autoptr(QdBatchResult) approved = NULL;
      g_autoptr(QdBatchResult) deleted = NULL;
      g_autoptr(QdBatchResult) blocked = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) saved = NULL;
      JsonArray *list;

      g_test_message ("variant: {%s}", variants[v]);
      g_assert_cmpuint (page->items->len, ==, 5);
      released = peer_act (client, QD_ACTION_RELEASE, release, FALSE, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (released->succeeded, ==, 1);
      g_assert_cmpstr (peer_outcome (released, 0)->result, ==, "released");
      approved = peer_act (client, QD_ACTION_RELEASE, approve, TRUE, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (approved->succeeded, ==, 1);
      deleted = peer_act (client, QD_ACTION_DELETE, remove, FALSE, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (deleted->succeeded, ==, 1);
      g_assert_cmpstr (peer_outcome (deleted, 0)->result, ==, "deleted");
      blocked = peer_act (client, QD_ACTION_BLOCK_SENDER, block, FALSE, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (blocked->succeeded, ==, 1);

      saved = sim_stop (sim);
      g_assert_true (json_object_get_boolean_member (saved_mail (saved, "m1"), "released"));
      g_assert_cmpint (json_object_get_int_member (saved_mail (saved, "m1"), "release_count"),
                       ==, 1);
      g_assert_true (json_object_get_boolean_member (saved_mail (saved, "m2"), "released"));
      g_assert_false (json_object_get_boolean_member (saved_mail (saved, "m2"), "deleted"));
      g_assert_true (json_object_get_boolean_member (saved_mail (saved, "m3"), "deleted"));
      g_assert_false (json_object_get_boolean_member (saved_mail (saved, "m3"), "released"));
      g_assert_true (json_object_get_boolean_member (saved_mail (saved, "m5"), "deleted"));
      g_assert_false (json_object_get_boolean_member (saved_mail (saved, "m4"), "deleted"));
      list = saved_list (saved, "whitelist");
      g_assert_cmpuint (json_array_get_length (list), ==, 1);
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 0),
                                                      "value"), ==, "news@list.example.org");
      list = saved_list (saved, "blacklist");
      g_assert_cmpuint (json_array_get_length (list), ==, 1);
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 0),
                                                      "value"), ==, "billing@scam.example");
    }
}

/* Per-id outcomes when part of a batch fails, in the order given. */
static void
test_partial (void)
{
  static const char * const variants[] = {
    "\"unknown_ids\": \"partial\"",
    "\"unknown_ids\": \"reject\"",
    "\"unknown_ids\": \"reject\", \"rejection\": \"http\", \"error_body\": \"html\"",
    "\"unknown_ids\": \"ignore\"",
  };

  for (guint v = 0; v < G_N_ELEMENTS (variants); v++)
    {
      g_autofree char *mails = five_mails ();
      g_autofree char *state = state_text (variants[v], mails, NULL);
      PeerSim *sim = sim_start (state);
      g_autoptr(QdCloudClient) client = signed_in_client (sim);
      g_autoptr(QdItemPage) page = peer_list_page (client, NULL, NULL, 10, NULL);
      const char *deleting[] = { "m1", "gone", "m2", NULL };
      const char *releasing[] = { "m4", "m3", "gone2", NULL };
      g_autoptr(QdBatchResult) deleted = NULL;
      g_autoptr(QdBatchResult) released = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) saved = NULL;
      gboolean ignore = v == 3;

      g_test_message ("variant: {%s}", variants[v]);
      deleted = peer_act (client, QD_ACTION_DELETE, deleting, FALSE, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (deleted->outcomes->len, ==, 3);
      g_assert_cmpstr (peer_outcome (deleted, 0)->id, ==, "m1");
      g_assert_true (peer_outcome (deleted, 0)->ok);
      g_assert_cmpstr (peer_outcome (deleted, 1)->id, ==, "gone");
      /* a service that ignores unknown ids says nothing of them */
      g_assert_true (peer_outcome (deleted, 1)->ok == ignore);
      if (!ignore)
        g_assert_cmpstr (peer_outcome (deleted, 1)->error_code, ==, "not_found");
      g_assert_cmpstr (peer_outcome (deleted, 2)->id, ==, "m2");
      g_assert_true (peer_outcome (deleted, 2)->ok);

      /* m4's release is forbidden: not sent, so m3's is not refused */
      released = peer_act (client, QD_ACTION_RELEASE, releasing, FALSE, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (released->outcomes->len, ==, 3);
      g_assert_false (peer_outcome (released, 0)->ok);
      g_assert_cmpstr (peer_outcome (released, 0)->error_code, ==, "not_allowed");
      g_assert_nonnull (peer_outcome (released, 0)->error_message);
      g_assert_cmpstr (peer_outcome (released, 1)->id, ==, "m3");
      /* a failure status naming gone2: m3 may have been released (partial)
       * or not (reject); the list says which, and an unreleased m3 goes
       * again (refused over HTTP, nothing was done: m3 goes again) */
      g_assert_true (peer_outcome (released, 1)->ok);
      g_assert_true (peer_outcome (released, 2)->ok == ignore);

      saved = sim_stop (sim);
      g_assert_true (json_object_get_boolean_member (saved_mail (saved, "m1"), "deleted"));
      g_assert_true (json_object_get_boolean_member (saved_mail (saved, "m2"), "deleted"));
      g_assert_true (json_object_get_boolean_member (saved_mail (saved, "m3"), "released"));
      /* released once: never twice to find out */
      g_assert_cmpint (json_object_get_int_member (saved_mail (saved, "m3"), "release_count"),
                       ==, 1);
      g_assert_false (json_object_get_boolean_member (saved_mail (saved, "m4"), "released"));
    }
}

/* 150 mails in batches of at most 100; cancelled after the first. */
static void
test_batches_and_cancel (void)
{
  g_autoptr(GString) mails = g_string_new (NULL);
  g_autofree char *state = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) ids = NULL;
  g_autoptr(QdBatchResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) saved = NULL;
  g_autoptr(QdCloudClient) client = NULL;
  PeerSim *sim;

  for (guint i = 0; i < 150; i++)
    {
      g_string_append_printf (mails, "%s{\"id\": \"b%03u\", \"received_ms\": %" G_GINT64_FORMAT
                              "}", i > 0 ? "," : "", i, now_ms - i * 1000);
      g_autofree char *id = g_strdup_printf ("b%03u", i);

      g_strv_builder_add (builder, id);
    }
  ids = g_strv_builder_end (builder);
  /* the service takes at most 100 ids at once */
  state = state_text ("\"batch_limit\": 100, \"suduls_duplicates\": \"duplicate\"",
                      mails->str, NULL);
  sim = sim_start (state);
  client = signed_in_client (sim);
  result = peer_release_cancelled (client, (const char * const *)ids, 100);
  g_assert_cmpstr (peer_outcome (result, 99)->id, ==, "b099");
  g_assert_true (peer_outcome (result, 99)->ok);
  g_assert_cmpstr (peer_outcome (result, 100)->id, ==, "b100");
  g_assert_cmpstr (peer_outcome (result, 100)->error_code, ==, "not_attempted");

  /* not cancelled: the rest goes in a second batch; the one sender is
   * blocked once, not once a batch */
  g_clear_pointer (&result, qd_batch_result_unref);
  {
    /* a sender is known from a listing */
    g_autoptr(QdQuery) query = qd_query_new (QD_FOLDER_QUARANTINE);
    g_autofree char *listed = list_ids (client, query);

    g_assert_true (g_str_has_prefix (listed, "b000 b001 "));
  }
  result = peer_act (client, QD_ACTION_BLOCK_SENDER, (const char * const *)ids, FALSE, NULL, NULL,
                     NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->succeeded, ==, 150);

  saved = sim_stop (sim);
  g_assert_true (json_object_get_boolean_member (saved_mail (saved, "b000"), "released"));
  g_assert_true (json_object_get_boolean_member (saved_mail (saved, "b099"), "released"));
  g_assert_false (json_object_get_boolean_member (saved_mail (saved, "b100"), "released"));
  g_assert_false (json_object_get_boolean_member (saved_mail (saved, "b149"), "released"));
  g_assert_true (json_object_get_boolean_member (saved_mail (saved, "b149"), "deleted"));
  g_assert_cmpuint (json_array_get_length (saved_list (saved, "blacklist")), ==, 1);
}

static gboolean
has_sender (GPtrArray  *senders,
            const char *address)
{
  for (guint i = 0; i < senders->len; i++)
    if (g_str_equal (((QdSender *)g_ptr_array_index (senders, i))->address, address))
      return TRUE;
  return FALSE;
}

static void
test_senders (void)
{
  static const char * const variants[] = {
    "",
    "\"suduls_date_format\": \"text\", \"numbers_as_strings\": true",
    "\"suduls_date_format\": \"ms\", \"suduls_duplicates\": \"duplicate\", "
    "\"suduls_return_id\": true",
    "\"suduls_date_format\": \"s\", \"rejection\": \"http\", \"error_body\": \"empty\"",
  };

  for (guint v = 0; v < G_N_ELEMENTS (variants); v++)
    {
      g_autoptr(GString) entries = g_string_new ("\"whitelist\": [");
      g_autofree char *state = NULL;
      g_autoptr(GPtrArray) senders = NULL;
      g_autoptr(GPtrArray) blocked = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) saved = NULL;
      g_autoptr(QdCloudClient) client = NULL;
      JsonArray *list;
      QdSender *first = NULL;
      gboolean found_domain = FALSE;
      PeerSim *sim;

      g_test_message ("variant: {%s}", variants[v]);
      /* more than a page of entries */
      g_string_append_printf (entries, "{\"value\": \"partner.example\", \"description\": "
                              "\"supplier\", \"date_created\": %" G_GINT64_FORMAT "}",
                              now_ms - DAY);
      for (guint i = 0; i < 520; i++)
        g_string_append_printf (entries, ", {\"value\": \"friend%u@example.org\"}", i);
      g_string_append (entries, "], \"blacklist\": []");
      state = state_text (variants[v], NULL, entries->str);
      sim = sim_start (state);
      client = signed_in_client (sim);

      senders = peer_list_senders (client, QD_SENDER_LIST_APPROVED, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (senders->len, ==, 521);
      g_assert_true (has_sender (senders, "friend519@example.org"));
      for (guint i = 0; i < senders->len; i++)
        if (g_str_equal (((QdSender *)g_ptr_array_index (senders, i))->address,
                         "@partner.example"))
          {
            first = g_ptr_array_index (senders, i);
            found_domain = TRUE;
          }
      g_assert_true (found_domain);
      g_assert_nonnull (first->added_at);
      g_assert_cmpint (g_date_time_to_unix (first->added_at), ==, (now_ms - DAY) / 1000);

      g_assert_true (peer_change_sender (client, QD_SENDER_LIST_BLOCKED, "spam@bad.example", TRUE,
                                         &error));
      g_assert_no_error (error);
      g_assert_true (peer_change_sender (client, QD_SENDER_LIST_BLOCKED, "@worse.example", TRUE,
                                         &error));
      g_assert_no_error (error);
      g_assert_true (peer_change_sender (client, QD_SENDER_LIST_BLOCKED, "@worse.example", TRUE,
                                         &error));
      g_assert_no_error (error);
      blocked = peer_list_senders (client, QD_SENDER_LIST_BLOCKED, &error);
      g_assert_no_error (error);
      g_assert_true (has_sender (blocked, "spam@bad.example"));
      g_assert_true (has_sender (blocked, "@worse.example"));
      /* removing takes every entry of the value, duplicates too */
      g_assert_true (peer_change_sender (client, QD_SENDER_LIST_BLOCKED, "@worse.example", FALSE,
                                         &error));
      g_assert_no_error (error);
      g_assert_true (peer_change_sender (client, QD_SENDER_LIST_APPROVED, "@partner.example", FALSE,
                                         &error));
      g_assert_no_error (error);
      g_assert_false (peer_change_sender (client, QD_SENDER_LIST_APPROVED, "nobody@example.net",
                                          FALSE, &error));
      g_assert_error (error, QD_ERROR, QD_ERROR_NOT_FOUND);
      g_clear_error (&error);
      g_assert_false (peer_change_sender (client, QD_SENDER_LIST_APPROVED, "not an address", TRUE,
                                          &error));
      g_assert_nonnull (error);
      g_assert_cmpint (error->domain, ==, QD_ERROR);

      saved = sim_stop (sim);
      list = saved_list (saved, "blacklist");
      g_assert_cmpuint (json_array_get_length (list), ==, 1);
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 0),
                                                      "value"), ==, "spam@bad.example");
      list = saved_list (saved, "whitelist");
      g_assert_cmpuint (json_array_get_length (list), ==, 520);
    }
}

/* Every error a person can meet, as one sentence. */
static void
test_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdCloudClient) bad = qd_cloud_client_new ("ftp://example.com", &error);
  g_autofree char *state = NULL;
  g_autoptr(QdCloudClient) client = NULL;
  g_autoptr(QdAccount) account = NULL;
  g_autoptr(QdItemPage) page = NULL;
  g_autoptr(JsonNode) saved = NULL;
  PeerSim *sim;

  g_assert_null (bad);
  g_assert_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* a wrong password is refused once, never sent again by itself: with a
   * lockout after two failures, the right one still opens (with and
   * without a challenge on the 401) */
  for (guint v = 0; v < 2; v++)
    {
      state = state_text (v == 0 ? "\"lockout_after\": 2"
                                 : "\"www_authenticate\": true, \"lockout_after\": 2",
                          NULL, NULL);
      sim = sim_start (state);
      client = client_for (sim);
      page = peer_list_page (client, NULL, NULL, 10, &error);
      g_assert_error (error, QD_ERROR, QD_ERROR_NOT_SIGNED_IN);
      g_clear_error (&error);
      account = peer_sign_in (client, ALICE, "wrong", &error);
      g_assert_null (account);
      g_assert_error (error, QD_ERROR, QD_ERROR_AUTH_FAILED);
      g_assert_nonnull (strstr (error->message, "does not retry"));
      g_assert_null (strstr (error->message, "wrong"));
      g_clear_error (&error);
      /* not kept after the refusal */
      page = peer_list_page (client, NULL, NULL, 10, &error);
      g_assert_error (error, QD_ERROR, QD_ERROR_NOT_SIGNED_IN);
      g_clear_error (&error);
      account = peer_sign_in (client, ALICE, PW, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (account->address, ==, ALICE);
      g_clear_pointer (&account, qd_account_free);
      g_clear_object (&client);
      g_clear_pointer (&state, g_free);
      saved = sim_stop (sim);
      g_clear_pointer (&saved, json_node_unref);
    }

  /* no API access (403, or 401) */
  for (guint status = 401; status <= 403; status += 2)
    {
      g_autofree char *sw = g_strdup_printf ("\"no_api_access_status\": %u", status);

      state = g_strdup_printf ("{\"switches\": {%s}, \"users\": [{\"username\": \"" ALICE "\", "
                               "\"password\": \"" PW "\", \"api_access\": false}]}", sw);
      sim = sim_start (state);
      client = client_for (sim);
      account = peer_sign_in (client, ALICE, PW, &error);
      g_assert_null (account);
      g_assert_error (error, QD_ERROR, QD_ERROR_AUTH_FAILED);
      g_assert_nonnull (strstr (error->message, status == 403 ? "administrator" : "password"));
      g_clear_error (&error);
      g_clear_object (&client);
      g_clear_pointer (&state, g_free);
      json_node_unref (sim_stop (sim));
    }

  /* a wrong base URL (the service under a path; another region) */
  for (guint v = 0; v < 2; v++)
    {
      state = state_text (v == 0 ? "\"path_prefix\": \"/quarantine\"" : "\"region\": \"us\"",
                          NULL, NULL);
      sim = sim_start (state);
      client = client_for (sim);
      if (v == 0)
        {
          /* what the simulator printed is its right base; ours is the root */
          g_clear_object (&client);
          {
            const char *url = peer_sim_get (sim, "url");
            g_autofree char *root = g_strndup (url, strstr (url, "/quarantine") - url);

            client = peer_client_new (QD_GATEWAY_KIND_CLOUD, root, peer_sim_get (sim, "ca_file"));
          }
        }
      account = peer_sign_in (client, ALICE, PW, &error);
      g_assert_null (account);
      g_assert_error (error, QD_ERROR, QD_ERROR_BAD_RESPONSE);
      g_assert_nonnull (strstr (error->message, "Email Quarantine API"));
      g_clear_error (&error);
      g_clear_object (&client);
      g_clear_pointer (&state, g_free);
      json_node_unref (sim_stop (sim));
    }

  /* a certificate this computer does not trust: nothing sent */
  state = state_text (NULL, NULL, NULL);
  sim = sim_start (state);
  client = qd_cloud_client_new (peer_sim_get (sim, "url"), &error);
  g_assert_no_error (error);
  account = peer_sign_in (client, ALICE, PW, &error);
  g_assert_null (account);
  g_assert_error (error, QD_ERROR, QD_ERROR_TLS);
  g_assert_nonnull (strstr (error->message, "unknown issuer"));
  g_clear_error (&error);
  g_clear_object (&client);
  g_clear_pointer (&state, g_free);

  json_node_unref (sim_stop (sim));

  /* a failure status with HTTP 200, and the same refusal over HTTP */
  for (guint v = 0; v < 2; v++)
    {
      g_autoptr(GBytes) raw = NULL;

      state = state_text (v == 0 ? "\"failure_status\": \"ERROR\""
                                 : "\"rejection\": \"http\", \"error_body\": \"html\"",
                          "{\"id\": \"x1\"}", NULL);
      sim = sim_start (state);
      client = signed_in_client (sim);
      /* an empty id is refused */
      raw = peer_get_raw (client, "", &error);
      g_assert_null (raw);
      g_assert_error (error, QD_ERROR, (v == 0 ? QD_ERROR_GATEWAY : QD_ERROR_INVALID_INPUT));
      g_assert_nonnull (strstr (error->message, v == 0 ? "did not carry out" : "refused"));
      g_clear_error (&error);
      g_clear_object (&client);
      g_clear_pointer (&state, g_free);
      json_node_unref (sim_stop (sim));
    }

  /* busy: 429 with Retry-After is waited for a few times, then told */
  state = state_text ("\"rate_limit\": [2, 1]", NULL, NULL);
  sim = sim_start (state);
  client = signed_in_client (sim);
  g_clear_pointer (&page, qd_item_page_free);
  page = peer_list_page (client, NULL, NULL, 10, &error);
  g_assert_no_error (error);
  g_clear_pointer (&page, qd_item_page_free);
  page = peer_list_page (client, NULL, NULL, 10, &error);
  g_assert_null (page);
  g_assert_error (error, QD_ERROR, QD_ERROR_RATE_LIMITED);
  g_assert_nonnull (strstr (error->message, "busy"));
  g_clear_error (&error);
  g_clear_object (&client);
  json_node_unref (sim_stop (sim));
}

/* The service's own faults, seeded as the simulator's one-shot faults. */
static void
test_faults (void)
{
  g_autoptr(GDateTime) soon = g_date_time_add_seconds (g_date_time_new_now_utc (), 2);
  g_autofree char *http_date = g_date_time_format (soon, "%a, %d %b %Y %H:%M:%S GMT");
  g_autofree char *retried = g_strdup_printf (
    "\"faults\": [{\"kind\": 503, \"path\": \"/v1/mails\", \"retry_after\": 1}, "
    "{\"kind\": 429, \"path\": \"/v1/mails/preview\", \"retry_after\": \"%s\"}]",
    http_date);
  const struct {
    const char *faults;
    int         code;
    const char *words;
  } failing[] = {
    { "\"faults\": [{\"kind\": 500, \"path\": \"/v1/mails\", \"times\": null}]",
      QD_ERROR_GATEWAY, "HTTP 500" },
    { "\"faults\": [{\"kind\": \"failure\", \"path\": \"/v1/mails\", "
      "\"status_value\": \"FAILED\"}]", QD_ERROR_GATEWAY, "did not carry out" },
    { "\"faults\": [{\"kind\": 503, \"path\": \"/v1/mails\", \"times\": null, "
      "\"retry_after\": 3600}]", QD_ERROR_RATE_LIMITED, "60 minutes" },
  };
  const char *ids[] = { "m1", NULL };

  /* 503 and 429 with Retry-After (seconds, an HTTP date): waited for,
   * then the call goes through */
  {
    g_autofree char *mails = five_mails ();
    g_autofree char *state = state_text (NULL, mails, NULL);
    g_autofree char *with_faults = NULL;
    g_autoptr(QdCloudClient) client = NULL;
    g_autoptr(QdItemPage) page = NULL;
    g_autoptr(GBytes) raw = NULL;
    g_autoptr(GError) error = NULL;
    PeerSim *sim;

    /* the faults go beside "users", after the sign-in's own list call */
    with_faults = g_strdup_printf ("%.*s, %s}", (int)strlen (state) - 1, state, retried);
    sim = sim_start (with_faults);
    client = client_for (sim);
    {
      g_autoptr(QdAccount) account = peer_sign_in (client, ALICE, PW, &error);

      g_assert_no_error (error);
    }
    page = peer_list_page (client, NULL, NULL, 10, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (page->items->len, ==, 5);
    raw = peer_get_raw (client, "m1", &error);
    g_assert_no_error (error);
    g_assert_nonnull (raw);
    json_node_unref (sim_stop (sim));
  }

  /* the sign-in is a list call: it meets the faults on /v1/mails */
  for (guint f = 0; f < G_N_ELEMENTS (failing); f++)
    {
      g_autofree char *state = state_text (NULL, NULL, NULL);
      g_autofree char *with_faults = g_strdup_printf ("%.*s, %s}", (int)strlen (state) - 1,
                                                      state, failing[f].faults);
      PeerSim *sim = sim_start (with_faults);
      g_autoptr(QdCloudClient) client = client_for (sim);
      g_autoptr(GError) error = NULL;
      g_autoptr(QdAccount) account = peer_sign_in (client, ALICE, PW, &error);

      g_test_message ("faults: %s", failing[f].faults);
      g_assert_null (account);
      g_assert_error (error, QD_ERROR, failing[f].code);
      g_assert_nonnull (strstr (error->message, failing[f].words));
      json_node_unref (sim_stop (sim));
    }

  /* a release whose connection is closed unanswered: not done, told */
  {
    g_autofree char *mails = five_mails ();
    g_autofree char *state = state_text (NULL, mails, NULL);
    g_autofree char *with_faults = g_strdup_printf (
      "%.*s, \"faults\": [{\"kind\": \"drop\", \"path\": \"/v1/mails/release\", "
      "\"times\": null}]}", (int)strlen (state) - 1, state);
    PeerSim *sim = sim_start (with_faults);
    g_autoptr(QdCloudClient) client = signed_in_client (sim);
    g_autoptr(QdBatchResult) result = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) saved = NULL;

    result = peer_act (client, QD_ACTION_RELEASE, ids, FALSE, NULL, NULL, NULL, &error);
    g_assert_null (result);
    g_assert_error (error, QD_ERROR, QD_ERROR_NETWORK);
    saved = sim_stop (sim);
    g_assert_false (json_object_get_boolean_member (saved_mail (saved, "m1"), "released"));
  }
}

/* The regional host names, resolved to the simulator on 127.0.0.1 */

#define TEST_TYPE_RESOLVER (test_resolver_get_type ())
G_DECLARE_FINAL_TYPE (TestResolver, test_resolver, TEST, RESOLVER, GResolver)

struct _TestResolver
{
  GResolver parent_instance;
};

G_DEFINE_FINAL_TYPE (TestResolver, test_resolver, G_TYPE_RESOLVER)

static GList *
loopback_for (const char  *hostname,
              GError     **error)
{
  if (!g_str_has_suffix (hostname, ".quarantine.symantec.com"))
    {
      g_set_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "no %s here", hostname);
      return NULL;
    }
  return g_list_prepend (NULL, g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4));
}

static GList *
resolver_lookup (GResolver                 *resolver,
                 const char                *hostname,
                 GResolverNameLookupFlags   flags,
                 GCancellable              *cancellable,
                 GError                   **error)
{
  return loopback_for (hostname, error);
}

static GList *
resolver_lookup_plain (GResolver     *resolver,
                       const char    *hostname,
                       GCancellable  *cancellable,
                       GError       **error)
{
  return loopback_for (hostname, error);
}

static void
resolver_lookup_async (GResolver                *resolver,
                       const char               *hostname,
                       GResolverNameLookupFlags  flags,
                       GCancellable             *cancellable,
                       GAsyncReadyCallback       callback,
                       gpointer                  user_data)
{
  g_autoptr(GTask) task = g_task_new (resolver, cancellable, callback, user_data);
  GError *error = NULL;
  GList *addresses = loopback_for (hostname, &error);

  if (addresses == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, addresses, (GDestroyNotify)g_resolver_free_addresses);
}

static void
resolver_lookup_plain_async (GResolver           *resolver,
                             const char          *hostname,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  resolver_lookup_async (resolver, hostname, 0, cancellable, callback, user_data);
}

static GList *
resolver_lookup_finish (GResolver     *resolver,
                        GAsyncResult  *result,
                        GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
test_resolver_class_init (TestResolverClass *klass)
{
  GResolverClass *resolver_class = G_RESOLVER_CLASS (klass);

  resolver_class->lookup_by_name = resolver_lookup_plain;
  resolver_class->lookup_by_name_async = resolver_lookup_plain_async;
  resolver_class->lookup_by_name_finish = resolver_lookup_finish;
  resolver_class->lookup_by_name_with_flags = resolver_lookup;
  resolver_class->lookup_by_name_with_flags_async = resolver_lookup_async;
  resolver_class->lookup_by_name_with_flags_finish = resolver_lookup_finish;
}

static void
test_resolver_init (TestResolver *self)
{
}

/* The regional base URLs (their real host names, the certificate checked
 * for them): the region's own works, the other one's answers 404. */
static void
test_regions (void)
{
  g_autofree char *state = state_text ("\"region\": \"us\"", NULL, NULL);
  g_autoptr(GResolver) resolver = g_object_new (TEST_TYPE_RESOLVER, NULL);
  g_autoptr(GResolver) system = g_resolver_get_default ();
  PeerSim *sim;

  g_resolver_set_default (resolver);
  sim = sim_start (state);
  for (guint v = 0; v < 2; v++)
    {
      const char *base = v == 0 ? QD_CLOUD_CLIENT_URL_US : QD_CLOUD_CLIENT_URL_EU;
      g_autofree char *url = NULL;
      g_autoptr(QdCloudClient) client = NULL;
      g_autoptr(QdAccount) account = NULL;
      g_autoptr(GError) error = NULL;

      /* the simulator's port after the real host name */
      url = g_strconcat (base, g_strrstr (peer_sim_get (sim, "url"), ":"), NULL);
      client = peer_client_new (QD_GATEWAY_KIND_CLOUD, url, peer_sim_get (sim, "ca_file"));
      account = peer_sign_in (client, ALICE, PW, &error);
      if (v == 0)
        {
          g_assert_no_error (error);
          g_assert_cmpstr (account->address, ==, ALICE);
        }
      else
        {
          g_assert_null (account);
          g_assert_error (error, QD_ERROR, QD_ERROR_BAD_RESPONSE);
          g_assert_nonnull (strstr (error->message, "other region"));
        }
    }
  json_node_unref (sim_stop (sim));
  g_resolver_set_default (system);
}

static void
test_capabilities (void)
{
  g_autofree char *state = state_text (NULL, NULL, NULL);
  PeerSim *sim = sim_start (state);
  g_autoptr(QdCloudClient) client = signed_in_client (sim);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GHashTable) found = NULL;
  g_autoptr(GError) error = NULL;
  const char *message_ids[] = { "abc@shop.example.net", NULL };

  g_assert_cmpint (qd_gateway_get_kind (QD_GATEWAY (client)), ==, QD_GATEWAY_KIND_CLOUD);
  g_assert_cmpint (qd_gateway_get_capabilities (QD_GATEWAY (client)), ==,
                   QD_GATEWAY_CAN_SENDER_LISTS);
  g_assert_true (qd_gateway_get_source (QD_GATEWAY (client), QD_FOLDER_QUARANTINE) ==
                 QD_ITEM_SOURCE (client));
  g_assert_null (qd_gateway_get_source (QD_GATEWAY (client), QD_FOLDER_JUNK));
  g_assert_cmpstr (qd_gateway_get_base_url (QD_GATEWAY (client)), ==,
                   peer_sim_get (sim, "url"));
  g_assert_cmpint (qd_item_source_get_features (QD_ITEM_SOURCE (client)), ==,
                   QD_SOURCE_FEATURE_FILTER_REASON | QD_SOURCE_FEATURE_FILTER_CATEGORY);
  g_assert_false (qd_item_source_get_actions (QD_ITEM_SOURCE (client)) &
                  (QD_ACTION_MOVE_TO_INBOX | QD_ACTION_REQUEST_RELEASE));
  qd_item_source_find_async (QD_ITEM_SOURCE (client), message_ids, NULL,
                             qd_async_wait_result_cb, &result);
  found = qd_item_source_find_finish (QD_ITEM_SOURCE (client), qd_async_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (found), ==, 0);
  json_node_unref (sim_stop (sim));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autofree char *openssl = g_find_program_in_path ("openssl");

  g_test_init (&argc, &argv, NULL);
  if (python == NULL || openssl == NULL)
    {
      g_printerr ("python3 or openssl is not installed\n");
      return g_strcmp0 (g_getenv ("CI"), "true") == 0 ? 1 : 77;
    }
  g_mime_init ();
  now_ms = g_get_real_time () / 1000 / 1000 * 1000;

  g_test_add_func ("/cloud-client/list-pages", test_list_pages);
  g_test_add_func ("/cloud-client/filters", test_filters);
  g_test_add_func ("/cloud-client/default-window", test_default_window);
  g_test_add_func ("/cloud-client/dedupe", test_dedupe);
  g_test_add_func ("/cloud-client/preview", test_preview);
  g_test_add_func ("/cloud-client/preview-refused", test_preview_refused);
  g_test_add_func ("/cloud-client/actions", test_actions);
  g_test_add_func ("/cloud-client/partial", test_partial);
  g_test_add_func ("/cloud-client/batches-and-cancel", test_batches_and_cancel);
  g_test_add_func ("/cloud-client/senders", test_senders);
  g_test_add_func ("/cloud-client/errors", test_errors);
  g_test_add_func ("/cloud-client/faults", test_faults);
  g_test_add_func ("/cloud-client/regions", test_regions);
  g_test_add_func ("/cloud-client/capabilities", test_capabilities);
  return g_test_run ();
}
