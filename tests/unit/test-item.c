/* test-item.c — QdItem from the gateway's JSON, and back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "qd-core.h"

static const char item_json[] =
  "{\"id\": \"1042\", \"folder\": \"quarantine\", \"status\": \"held\","
  " \"received_at\": \"2026-06-07T10:12:44Z\","
  " \"envelope_sender\": \"bounce-4471@mailer.shop.example\","
  " \"from\": \"Example Shop <news@shop.example>\", \"from_name\": \"Example Shop\","
  " \"from_address\": \"news@shop.example\", \"recipient\": \"demo@example.com\","
  " \"subject\": \"Summer sale\", \"size\": 48213, \"reason\": \"graymail\","
  " \"category\": \"marketing\", \"policy_rule\": \"Graymail: marketing and newsletters\","
  " \"score\": 4.2, \"rules\": [\"GRAYMAIL_MARKETING_IP\", \"HAS_LIST_UNSUB\"],"
  " \"expires_at\": \"2026-07-07T10:12:44Z\","
  " \"actions\": [\"release\", \"delete\", \"block-sender\", \"approve-sender\", \"teleport\"]}";

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

static void
test_page (void)
{
  g_autofree char *json = g_strdup_printf ("{\"items\": [%s], \"next_cursor\": \"abc\","
                                           " \"total\": 1342}", item_json);
  g_autoptr(GError) error = NULL;
  g_autoptr(QdItemPage) page = qd_item_page_new_from_json (json, strlen (json), "gw.example",
                                                           &error);

  g_assert_no_error (error);
  g_assert_cmpuint (page->items->len, ==, 1);
  g_assert_cmpstr (qd_item_get_id (g_ptr_array_index (page->items, 0)), ==, "1042");
  g_assert_cmpstr (page->next_cursor, ==, "abc");
  g_assert_cmpint (page->total, ==, 1342);
}

static void
test_bad_pages (void)
{
  /* Not a page at all: the host is named; a bad item: the field is. */
  const struct {
    const char *json;
    const char *said;
  } cases[] = {
    { "", "gw.example" },
    { "[]", "gw.example" },
    { "{\"items\": {}}", "gw.example" },
    { "{\"items\": [1]}", "gw.example" },
    { "{\"items\": [{\"id\": \"\"}]}", "“id”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(QdItemPage) page = qd_item_page_new_from_json (cases[i].json,
                                                               strlen (cases[i].json),
                                                               "gw.example", &error);

      g_assert_null (page);
      g_assert_error (error, QD_ERROR, QD_ERROR_BAD_RESPONSE);
      g_assert_nonnull (strstr (error->message, cases[i].said));
    }
}

static GError *
answer_error (guint       status,
              const char *body,
              const char *retry_after)
{
  g_autoptr(GBytes) bytes = body != NULL ? g_bytes_new_static (body, strlen (body)) : NULL;

  return qd_api_error_new_from_answer (status, bytes, retry_after, "https://gw.example");
}

static void
test_error_answers (void)
{
  const struct {
    guint        status;
    const char  *body;
    int          code;
  } cases[] = {
    { 401, "{\"error\": {\"code\": \"auth_failed\"}}", QD_ERROR_AUTH_FAILED },
    { 401, "{\"error\": {\"code\": \"session_expired\"}}", QD_ERROR_SESSION_EXPIRED },
    { 404, "<html>Not Found</html>", QD_ERROR_BAD_RESPONSE },
    { 404, "{\"error\": {\"code\": \"not_found\"}}", QD_ERROR_NOT_FOUND },
    { 413, NULL, QD_ERROR_INVALID_INPUT },
    { 503, "{\"error\": {\"code\": \"classifier_unavailable\"}}", QD_ERROR_UNAVAILABLE },
    { 400, "{\"error\": {\"code\": \"invalid_cursor\"}}", QD_ERROR_INVALID_INPUT },
    { 500, "{\"error\": {\"code\": \"internal\"}}", QD_ERROR_GATEWAY },
  };
  g_autoptr(GError) limited = NULL;
  g_autoptr(GError) header = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = answer_error (cases[i].status, cases[i].body, NULL);

      g_assert_error (error, QD_ERROR, cases[i].code);
    }

  limited = answer_error (429, "{\"error\": {\"code\": \"rate_limited\","
                               " \"retry_after\": 150}}", NULL);
  g_assert_error (limited, QD_ERROR, QD_ERROR_RATE_LIMITED);
  g_assert_nonnull (strstr (limited->message, "Wait 3 minutes"));
  header = answer_error (429, NULL, "30");
  g_assert_nonnull (strstr (header->message, "Wait 1 minute,"));
}

/* Found by fuzzing: a huge Retry-After overflowed when rounded up to minutes
 * (undefined behaviour), and so did a retry_after too large for an integer. */
static void
test_huge_retry_after (void)
{
  g_autoptr(GError) header = answer_error (429, NULL, "99999999999999999999");
  g_autoptr(GError) huge = answer_error (429, "{\"error\": {\"retry_after\": 1e300}}", NULL);

  g_assert_error (header, QD_ERROR, QD_ERROR_RATE_LIMITED);
  g_assert_nonnull (strstr (header->message, "Wait 35791395 minutes"));
  g_assert_nonnull (strstr (huge->message, "Wait 1 minute,"));
}

/* Found by fuzzing: an empty body arrives as an empty GBytes whose data is
 * NULL, which json-glib refused with a critical (fatal here). */
static void
test_empty_answers (void)
{
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GError) answer = qd_api_error_new_from_answer (502, empty, NULL, "https://gw.example");
  g_autoptr(GError) error = NULL;
  g_autoptr(QdItemPage) page = qd_item_page_new_from_json (g_bytes_get_data (empty, NULL), 0,
                                                           "gw.example", &error);

  g_assert_null (g_bytes_get_data (empty, NULL));
  g_assert_error (answer, QD_ERROR, QD_ERROR_GATEWAY);
  g_assert_null (page);
  g_assert_error (error, QD_ERROR, QD_ERROR_BAD_RESPONSE);
  g_assert_null (qd_json_parse_object (NULL, 0, NULL));
}

/* The writers write what the readers read back; what is unknown is null. */
static void
test_json_writers (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GDateTime) utc = g_date_time_new_utc (2026, 6, 7, 10, 12, 44);
  g_autoptr(GTimeZone) tokyo = g_time_zone_new_identifier ("+09:00");
  g_autoptr(GDateTime) local = g_date_time_new (tokyo, 2026, 6, 7, 19, 12, 44.5);
  g_autoptr(GDateTime) read = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *json = NULL;

  json_builder_begin_object (builder);
  qd_json_builder_add_string (builder, "subject", "Summer sale");
  qd_json_builder_add_string (builder, "from_name", NULL);
  qd_json_builder_add_date_time (builder, "received_at", utc);
  qd_json_builder_add_date_time (builder, "sent_at", local);
  qd_json_builder_add_date_time (builder, "spam_at", NULL);
  json_builder_end_object (builder);
  json = qd_json_to_string (builder, FALSE);
  g_assert_cmpstr (json, ==, "{\"subject\":\"Summer sale\",\"from_name\":null,"
                             "\"received_at\":\"2026-06-07T10:12:44Z\","
                             "\"sent_at\":\"2026-06-07T19:12:44.500000+09\","
                             "\"spam_at\":null}");

  object = qd_json_parse_object (json, -1, NULL);
  g_assert_cmpstr (qd_json_get_string (object, "subject"), ==, "Summer sale");
  g_assert_true (json_object_get_null_member (object, "from_name"));
  read = qd_json_dup_date_time (object, "sent_at");
  g_assert_true (g_date_time_equal (read, local));
  g_assert_null (qd_json_dup_date_time (object, "spam_at"));
}

/* Found by fuzzing: /info's counts were narrowed to guint before they were
 * checked, so a negative or huge one passed as another number. */
static void
test_info_limits (void)
{
  const char *answers[] = {
    "{\"api_version\": 4294967297}",
    "{\"api_version\": 1, \"limits\": {\"max_batch_ids\": -1}}",
    "{\"api_version\": 1, \"limits\": {\"max_page_size\": 4294967296}}",
    "{\"api_version\": 1, \"submission\": {\"max_sample_age_days\": 4294967295}}",
  };
  g_autoptr(JsonObject) good = qd_json_parse_object ("{\"api_version\": 1, \"limits\":"
                                                     " {\"max_batch_ids\": 1000}}", -1, NULL);
  g_autoptr(QdGatewayInfo) info = qd_gateway_info_new_from_json (good, NULL);

  g_assert_cmpuint (info->max_batch_ids, ==, 1000);
  g_assert_cmpuint (info->max_sample_age_days, ==, QD_DEFAULT_MAX_SAMPLE_AGE_DAYS);
  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      g_autoptr(JsonObject) object = qd_json_parse_object (answers[i], -1, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(QdGatewayInfo) refused = qd_gateway_info_new_from_json (object, &error);

      g_assert_null (refused);
      g_assert_error (error, QD_ERROR, QD_ERROR_BAD_RESPONSE);
    }
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
  g_test_add_func ("/item/page", test_page);
  g_test_add_func ("/item/bad-pages", test_bad_pages);
  g_test_add_func ("/item/error-answers", test_error_answers);
  g_test_add_func ("/item/empty-answers", test_empty_answers);
  g_test_add_func ("/item/huge-retry-after", test_huge_retry_after);
  g_test_add_func ("/item/info-limits", test_info_limits);
  g_test_add_func ("/json/writers", test_json_writers);

  return g_test_run ();
}
