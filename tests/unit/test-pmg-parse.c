/* test-pmg-parse.c — Proxmox Mail Gateway's links, tickets, form bodies and list entries, parsed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "qd-error.h"
#include "qd-pmg-parse.h"

#define TICKET "PMGQUAR:alice@example.com:66A1B2C3::c2lnbmF0dXJl+/=="

static void
test_base_url (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = qd_pmg_normalize_base_url ("pmg.example.com", 8006, &error);
  g_autofree char *b = qd_pmg_normalize_base_url ("https://pmg.example.com:9443/api2/json/",
                                                  8006, &error);
  g_autofree char *c = qd_pmg_normalize_base_url ("http://127.0.0.1", 8006, &error);
  g_autofree char *d = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (a, ==, "https://pmg.example.com:8006");
  g_assert_cmpstr (b, ==, "https://pmg.example.com:9443");
  g_assert_cmpstr (c, ==, "http://127.0.0.1:8006");
  /* Plain http only to this computer. */
  d = qd_pmg_normalize_base_url ("http://pmg.example.com", 8006, &error);
  g_assert_null (d);
  g_assert_error (error, QD_ERROR, QD_ERROR_INSECURE_URL);
}

static void
test_link (void)
{
  g_autofree char *escaped = g_uri_escape_string (TICKET, NULL, FALSE);
  g_autofree char *once = g_strconcat ("https://pmg.example.com/quarantine?ticket=", escaped,
                                       "&cselect=C0R1T2&date=2026-12-07", NULL);
  g_auto(GStrv) parts = g_strsplit (escaped, "%", -1);
  g_autofree char *twice_value = g_strjoinv ("%25", parts);
  g_autofree char *twice = g_strconcat ("  https://pmg.example.com:8006/quarantine?ticket=",
                                        twice_value, "\n", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *ticket = NULL;
  g_autofree char *user = NULL;
  g_autoptr(GDateTime) expiry = NULL;

  g_assert_true (qd_pmg_parse_link (once, &base, &ticket, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (base, ==, "https://pmg.example.com:443");
  g_assert_cmpstr (ticket, ==, TICKET);
  g_clear_pointer (&base, g_free);
  g_clear_pointer (&ticket, g_free);

  g_assert_true (qd_pmg_parse_link (twice, &base, &ticket, &error));
  g_assert_cmpstr (base, ==, "https://pmg.example.com:8006");
  g_assert_cmpstr (ticket, ==, TICKET);

  user = qd_pmg_link_ticket_user (ticket);
  g_assert_cmpstr (user, ==, "alice@example.com");
  g_clear_pointer (&user, g_free);
  user = qd_pmg_link_ticket_user ("PMGQUAR:a%3Ab@example.com:66A1B2C3::sig");
  g_assert_cmpstr (user, ==, "a:b@example.com");
  expiry = qd_pmg_link_ticket_expiry (ticket);
  g_assert_cmpint (g_date_time_to_unix (expiry), ==, 0x66A1B2C3 + 7 * 86400);

  /* Not a report's link: one sentence, whatever was pasted. */
  {
    const char *bad[] = { "", "quarantine", "https://pmg.example.com/quarantine",
                          "https://pmg.example.com/quarantine?ticket=PMG%3Aalice%3A1%3A%3Ax",
                          "https://pmg.example.com/quarantine?ticket=PMGQUAR",
                          "https://pmg.example.com/quarantine?ticket=%ZZ",
                          /* no host (found by fuzzing: GLib refused to write it out) */
                          "https:/..//pm?ticket=PMGQUAR%253Ade%253A6B", NULL };

    for (guint i = 0; bad[i] != NULL; i++)
      {
        g_clear_error (&error);
        g_assert_false (qd_pmg_parse_link (bad[i], NULL, NULL, &error));
        g_assert_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT);
      }
  }
  g_assert_null (qd_pmg_link_ticket_expiry ("PMGQUAR:a@b:zz::s"));
}

static void
test_fingerprint (void)
{
  const char *good = "ab:cd:ef:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:"
                     "ab:cd:ef:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";
  g_autofree char *normal = qd_pmg_normalize_fingerprint (good);

  g_assert_cmpstr (normal, ==, "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:"
                   "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89");
  g_assert_null (qd_pmg_normalize_fingerprint ("AB:CD"));
  g_assert_null (qd_pmg_normalize_fingerprint ("ABCDEF0123456789ABCDEF0123456789"
                                               "ABCDEF0123456789ABCDEF0123456789"));
  g_assert_null (qd_pmg_normalize_fingerprint ("GG:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:"
                                               "89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:"
                                               "67:89"));
}

static void
test_form (void)
{
  g_autofree char *form = qd_pmg_form_encode ("id", "C0R1T2;C0R3T4", "action", "deliver",
                                              "skipped", NULL, "password", "a b&c=d+e%;", NULL);

  /* A ; inside a value would split the pair at the server (§3). */
  g_assert_cmpstr (form, ==,
                   "id=C0R1T2%3BC0R3T4&action=deliver&password=a%20b%26c%3Dd%2Be%25%3B");
}

static void
test_server_words (void)
{
  g_autofree char *first = qd_pmg_server_words ("no such mail (C0R1T2)\nat line 3\n");
  g_autofree char *empty = qd_pmg_server_words (NULL);
  g_autofree char *invalid = qd_pmg_server_words ("bad \xff byte");
  g_autofree char *long_text = g_strnfill (1000, 'x');
  g_autofree char *cut = qd_pmg_server_words (long_text);

  g_assert_cmpstr (first, ==, "no such mail (C0R1T2)");
  g_assert_cmpstr (empty, ==, "?");
  g_assert_true (g_utf8_validate (invalid, -1, NULL));
  g_assert_cmpuint (g_utf8_strlen (cut, -1), ==, 201);
}

static void
test_mail_id (void)
{
  g_assert_true (qd_pmg_is_mail_id ("C0R48213T190277345"));
  g_assert_false (qd_pmg_is_mail_id ("C0R48213T"));
  g_assert_false (qd_pmg_is_mail_id ("C0R1T2;C0R3T4"));
  g_assert_false (qd_pmg_is_mail_id ("c0r1t2"));
  g_assert_false (qd_pmg_is_mail_id (""));
  g_assert_false (qd_pmg_is_mail_id (NULL));
}

static QdItem *
item_from (const char  *json,
           GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  return qd_pmg_item_from_json (json_node_get_object (json_parser_get_root (parser)), error);
}

static void
test_item (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdItem) item = NULL;
  const char * const *rules;

  item = item_from ("{\"id\":\"C0R48213T190277345\",\"time\":1718000000,\"bytes\":18342,"
                    "\"envelope_sender\":\"bounce-7781@mailer.example.net\","
                    "\"from\":\"Shop Team <news@shop.example.net>\","
                    "\"subject\":\"Last chance: 70% off\",\"receiver\":\"Alice.Smith@example.com\","
                    "\"spamlevel\":9,\"score-positive\":10.46,\"score-negative\":-1.2,\"seen\":0,"
                    "\"spaminfo\":[{\"name\":\"LOW\",\"score\":-1.2,\"desc\":\"-\"},"
                    "{\"name\":\"BAYES_99\",\"score\":3.5,\"desc\":\"x\"},"
                    "{\"score\":9},\"junk\"]}", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (qd_item_get_id (item), ==, "C0R48213T190277345");
  g_assert_cmpint (g_date_time_to_unix (qd_item_get_received_at (item)), ==, 1718000000);
  g_assert_cmpint (qd_item_get_size (item), ==, 18342);
  g_assert_cmpstr (qd_item_get_from_name (item), ==, "Shop Team");
  g_assert_cmpstr (qd_item_get_from_address (item), ==, "news@shop.example.net");
  g_assert_cmpstr (qd_item_get_envelope_sender (item), ==, "bounce-7781@mailer.example.net");
  g_assert_cmpstr (qd_item_get_recipient (item), ==, "Alice.Smith@example.com");
  g_assert_cmpstr (qd_item_get_subject (item), ==, "Last chance: 70% off");
  g_assert_cmpfloat_with_epsilon (qd_item_get_score (item), 9.26, 0.0001);
  g_assert_cmpint (qd_item_get_reason (item), ==, QD_REASON_SPAM);
  rules = qd_item_get_rules (item);
  g_assert_cmpuint (g_strv_length ((GStrv)rules), ==, 2);
  g_assert_cmpstr (rules[0], ==, "BAYES_99");
  g_assert_cmpstr (rules[1], ==, "LOW");
  g_clear_object (&item);

  /* 9.0.8 named the sums differently; 8.x has only the integer level. */
  item = item_from ("{\"id\":\"C0R1T2\",\"time\":1,\"spamlevel\":9,\"spamlevel_positive\":5.5,"
                    "\"spamlevel_negative\":-0.5}", &error);
  g_assert_cmpfloat_with_epsilon (qd_item_get_score (item), 5.0, 0.0001);
  g_clear_object (&item);
  item = item_from ("{\"id\":\"C0R1T2\",\"time\":1,\"spamlevel\":9,"
                    "\"from\":\"plain@example.org\"}", &error);
  g_assert_cmpfloat_with_epsilon (qd_item_get_score (item), 9.0, 0.0001);
  g_assert_cmpstr (qd_item_get_from_address (item), ==, "plain@example.org");
  g_clear_object (&item);

  /* Hostile or broken entries: no id, wrong types; never a critical. */
  item = item_from ("{\"time\":1}", &error);
  g_assert_null (item);
  g_assert_error (error, QD_ERROR, QD_ERROR_BAD_RESPONSE);
  g_clear_error (&error);
  item = item_from ("{\"id\":\"C0R1T2\",\"time\":\"soon\"}", &error);
  g_assert_null (item);
  g_assert_error (error, QD_ERROR, QD_ERROR_BAD_RESPONSE);
  g_clear_error (&error);
  item = item_from ("{\"id\":\"C0R1T2\",\"time\":5,\"from\":[1],\"subject\":{},"
                    "\"bytes\":-5,\"spaminfo\":{\"name\":1},\"score-positive\":\"x\"}", &error);
  g_assert_no_error (error);
  g_assert_nonnull (item);
  g_assert_null (qd_item_get_subject (item));
  g_assert_cmpuint (g_strv_length ((GStrv)qd_item_get_rules (item)), ==, 0);
}

/* Truncations and byte flips of a real entry never crash the parser. */
static void
test_item_fuzz (void)
{
  const char *entry = "{\"id\":\"C0R48213T190277345\",\"time\":1718000000,\"bytes\":18342,"
                      "\"envelope_sender\":\"b@x.example\",\"from\":\"\\\"A, B\\\" <a@b.example>\","
                      "\"subject\":\"=?utf-8?q?Hi?=\",\"receiver\":\"r@x.example\",\"spamlevel\":9,"
                      "\"spaminfo\":[{\"name\":\"R\",\"score\":1}]}";
  g_autoptr(GRand) rand = g_rand_new_with_seed (18);
  gsize len = strlen (entry);
  guint parsed = 0;

  for (guint round = 0; round < 2000; round++)
    {
      g_autofree char *text = g_strdup (entry);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(QdItem) item = NULL;
      JsonNode *root;

      if (round % 2 == 0)
        text[g_rand_int_range (rand, 0, len)] = (char)g_rand_int_range (rand, 1, 256);
      else
        text[g_rand_int_range (rand, 1, len)] = '\0';
      if (!json_parser_load_from_data (parser, text, -1, NULL))
        continue;
      root = json_parser_get_root (parser);
      if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        continue;
      item = qd_pmg_item_from_json (json_node_get_object (root), NULL);
      parsed++;
    }
  g_assert_cmpuint (parsed, >, 100);
}

static void
test_sender_entry (void)
{
  const char *good[] = { "bob@example.org", "example.net", "*@partner.example", "a.b", NULL };
  const char *bad[] = { "@example.com", "a@b@c", "a b@example.com", "x;y", "a,b", "a/b",
                        "ab", "a@", NULL };

  for (guint i = 0; good[i] != NULL; i++)
    g_assert_true (qd_pmg_sender_entry_is_valid (good[i]));
  for (guint i = 0; bad[i] != NULL; i++)
    g_assert_false (qd_pmg_sender_entry_is_valid (bad[i]));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pmg-parse/base-url", test_base_url);
  g_test_add_func ("/pmg-parse/link", test_link);
  g_test_add_func ("/pmg-parse/fingerprint", test_fingerprint);
  g_test_add_func ("/pmg-parse/form", test_form);
  g_test_add_func ("/pmg-parse/server-words", test_server_words);
  g_test_add_func ("/pmg-parse/mail-id", test_mail_id);
  g_test_add_func ("/pmg-parse/item", test_item);
  g_test_add_func ("/pmg-parse/item-fuzz", test_item_fuzz);
  g_test_add_func ("/pmg-parse/sender-entry", test_sender_entry);
  return g_test_run ();
}
