/* test-item.c — QdItem from the gateway's JSON, and back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "qd-core.h"
#include "test-data.h"

/* data/item.json: a held message as the gateway lists it, which
 * test-item-page.c reads inside a page. */

static QdItem *
parse (const char  *json,
       GError     **error)
{
  g_autoptr(JsonObject) object = qd_json_parse_object (json, -1, NULL);

  g_assert_nonnull (object);
  return qd_item_new_from_json (object, error);
}

static void
test_parse (void)
{
  g_autofree char *item_json = test_data_read ("item.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(QdItem) item = parse (item_json, &error);
  const char * const *rules;
  g_autofree char *subject = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (qd_item_get_id (item), ==, "1042");
  g_assert_cmpint (qd_item_get_folder (item), ==, QD_FOLDER_QUARANTINE);
  g_assert_cmpint (g_date_time_to_unix (qd_item_get_received_at (item)), ==, 1780827164);
  g_assert_cmpstr (qd_item_get_from_address (item), ==, "news@shop.example");
  g_assert_cmpstr (qd_item_get_from_name (item), ==, "Example Shop");
  g_assert_cmpint (qd_item_get_size (item), ==, 48213);
  g_assert_cmpint (qd_item_get_reason (item), ==, QD_REASON_GRAYMAIL);
  g_assert_cmpint (qd_item_get_category (item), ==, QD_CATEGORY_MARKETING);
  g_assert_cmpfloat_with_epsilon (qd_item_get_score (item), 4.2, 1e-9);
  rules = qd_item_get_rules (item);
  g_assert_cmpuint (g_strv_length ((char **)rules), ==, 2);
  g_assert_cmpstr (rules[1], ==, "HAS_LIST_UNSUB");
  /* The unknown action is ignored, the known ones kept. */
  g_assert_cmpint (qd_item_get_actions (item), ==,
                   QD_ACTION_RELEASE | QD_ACTION_DELETE | QD_ACTION_BLOCK_SENDER |
                   QD_ACTION_APPROVE_SENDER);
  g_assert_true (qd_item_can (item, QD_ACTION_RELEASE));
  g_assert_false (qd_item_can (item, QD_ACTION_MOVE_TO_INBOX));

  /* Properties, for list bindings. */
  g_object_get (item, "subject", &subject, NULL);
  g_assert_cmpstr (subject, ==, "Summer sale");
}

static void
test_round_trip (void)
{
  g_autofree char *item_json = test_data_read ("item.json", NULL);
  g_autoptr(QdItem) item = parse (item_json, NULL);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *json = NULL;
  g_autoptr(QdItem) again = NULL;

  qd_item_to_json (item, builder);
  json = qd_json_to_string (builder, FALSE);
  again = parse (json, NULL);
  g_assert_nonnull (again);
  g_assert_cmpstr (qd_item_get_id (again), ==, "1042");
  g_assert_cmpstr (qd_item_get_subject (again), ==, "Summer sale");
  g_assert_cmpint (qd_item_get_actions (again), ==, qd_item_get_actions (item));
  g_assert_true (g_date_time_equal (qd_item_get_expires_at (again),
                                    qd_item_get_expires_at (item)));
}

static void
test_bad_items (void)
{
  const struct {
    const char *json;
    const char *field;
  } cases[] = {
    { "{\"folder\": \"junk\", \"received_at\": \"2026-06-07T10:12:44Z\", \"reason\": \"spam\"}",
      "id" },
    { "{\"id\": 5, \"folder\": \"junk\", \"received_at\": \"2026-06-07T10:12:44Z\","
      " \"reason\": \"spam\"}", "id" },
    { "{\"id\": \"5\", \"folder\": \"inbox\", \"received_at\": \"2026-06-07T10:12:44Z\","
      " \"reason\": \"spam\"}", "folder" },
    { "{\"id\": \"5\", \"folder\": \"junk\", \"received_at\": \"yesterday\","
      " \"reason\": \"spam\"}", "received_at" },
    { "{\"id\": \"5\", \"folder\": \"junk\", \"received_at\": \"2026-06-07T10:12:44Z\","
      " \"reason\": \"ham\"}", "reason" },
    { "{\"id\": \"5\", \"folder\": \"junk\", \"received_at\": \"2026-06-07T10:12:44Z\","
      " \"reason\": \"graymail\", \"category\": \"spammy\"}", "category" },
    { "{\"id\": \"5\", \"folder\": \"junk\", \"received_at\": \"2026-06-07T10:12:44Z\","
      " \"reason\": \"spam\", \"actions\": \"release\"}", "actions" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(QdItem) item = parse (cases[i].json, &error);

      g_assert_null (item);
      g_assert_error (error, QD_ERROR, QD_ERROR_BAD_RESPONSE);
      g_assert_nonnull (strstr (error->message, cases[i].field));
    }
}

static void
test_minimal_item (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdItem) item = parse ("{\"id\": \"7\", \"folder\": \"junk\","
                                  " \"received_at\": \"2026-06-07T10:12:44+09:00\","
                                  " \"reason\": \"spam\", \"category\": null,"
                                  " \"envelope_sender\": \"x@example.net\", \"size\": \"big\"}",
                                  &error);

  g_assert_no_error (error);
  g_assert_cmpint (qd_item_get_category (item), ==, QD_CATEGORY_NONE);
  /* No From address: the envelope sender stands in. */
  g_assert_cmpstr (qd_item_get_from_address (item), ==, "x@example.net");
  g_assert_cmpint (qd_item_get_size (item), ==, 0);
  g_assert_cmpint (qd_item_get_actions (item), ==, QD_ACTION_NONE);
  g_assert_null (qd_item_get_subject (item));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/item/parse", test_parse);
  g_test_add_func ("/item/round-trip", test_round_trip);
  g_test_add_func ("/item/bad", test_bad_items);
  g_test_add_func ("/item/minimal", test_minimal_item);

  return g_test_run ();
}
