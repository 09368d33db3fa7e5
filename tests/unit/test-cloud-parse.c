/* test-cloud-parse.c — the cloud quarantine API's answers read tolerantly, its preview a message
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gmime/gmime.h>
#include <string.h>

#include "qd-cloud-parse.h"
#include "qd-json.h"
#include "qd-mail.h"

static JsonObject *
object_of (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonObject *object = qd_json_parse_object (text, -1, &error);

  g_assert_no_error (error);
  return object;
}

static JsonNode *
node_of (const char *text)
{
  g_autoptr(JsonObject) object = object_of (text);
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  return node;
}

/* §9.5: numbers as numbers or numeric strings, booleans in three forms */
static void
test_values (void)
{
  g_autoptr(JsonObject) o = object_of ("{\"a\": 5, \"b\": \"7\", \"c\": \" 9 \", \"d\": \"x\", "
                                       "\"e\": 2.0, \"f\": true, \"t1\": true, \"t2\": \"TRUE\", "
                                       "\"t3\": 1, \"t4\": \"1\", \"f1\": false, "
                                       "\"f2\": \"false\", "
                                       "\"f3\": 0, \"f4\": \"0\", \"m\": \"maybe\", \"id\": 42}");
  g_autofree char *id = qd_cloud_dup_id (o, "id");
  g_autofree char *none = qd_cloud_dup_id (o, "nothing");
  gint64 n = -1;

  g_assert_true (qd_cloud_get_number (o, "a", &n) && n == 5);
  g_assert_true (qd_cloud_get_number (o, "b", &n) && n == 7);
  g_assert_true (qd_cloud_get_number (o, "c", &n) && n == 9);
  g_assert_true (qd_cloud_get_number (o, "e", &n) && n == 2);
  g_assert_false (qd_cloud_get_number (o, "d", &n));
  g_assert_false (qd_cloud_get_number (o, "f", &n));
  g_assert_false (qd_cloud_get_number (o, "absent", &n));
  for (guint i = 1; i <= 4; i++)
    {
      g_autofree char *t = g_strdup_printf ("t%u", i);
      g_autofree char *f = g_strdup_printf ("f%u", i);

      g_assert_true (qd_cloud_get_flag (o, t, FALSE));
      g_assert_false (qd_cloud_get_flag (o, f, TRUE));
    }
  g_assert_true (qd_cloud_get_flag (o, "m", TRUE));
  g_assert_false (qd_cloud_get_flag (o, "absent", FALSE));
  g_assert_cmpstr (id, ==, "42");
  g_assert_null (none);
}

static void
test_senders (void)
{
  const struct {
    const char *text;
    const char *name;
    const char *address;
  } cases[] = {
    { "Shop Team (news@shop.example.net)", "Shop Team", "news@shop.example.net" },
    { "(news@shop.example.net)", NULL, "news@shop.example.net" },
    { "Shop Team <news@shop.example.net>", "Shop Team", "news@shop.example.net" },
    { "news@shop.example.net", NULL, "news@shop.example.net" },
    { "", NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *address = NULL;

      qd_cloud_parse_sender (cases[i].text, &name, &address);
      g_assert_cmpstr (name, ==, cases[i].name);
      g_assert_cmpstr (address, ==, cases[i].address);
    }
}

static void
test_items (void)
{
  g_autoptr(GDateTime) listed = g_date_time_new_from_unix_utc (1700000000);
  g_autoptr(JsonNode) minimal = node_of ("{\"id\": \"x1\", \"extra\": [1]}");
  g_autoptr(JsonNode) full = node_of (
    "{\"id\": 7, \"metadata\": {\"email_date_received\": \"1728206441148\", "
    "\"quarantine_info\": {\"rules\": [], \"quarantine_type\": \"NEWSLETTER\"}, "
    "\"email_is_released\": \"true\", \"email_sender\": \"News (news@list.example.org)\", "
    "\"email_envelope_sender\": \"bounce@list.example.org\", \"email_subject\": \"Digest\", "
    "\"email_size\": \"5120\", \"master_recipient\": \"alice@example.com\"}, "
    "\"actions\": {\"release_message\": 0, \"delete_message\": 1, "
    "\"preview_message\": \"false\"}}");
  g_autoptr(JsonNode) unknown = node_of ("{\"id\": \"u\", \"metadata\": {\"quarantine_info\": "
                                         "{\"quarantine_type\": \"XYZ\"}}}");
  g_autoptr(JsonNode) no_id = node_of ("{\"metadata\": {}}");
  g_autoptr(JsonNode) empty_id = node_of ("{\"id\": \"\", \"metadata\": {}}");
  g_autoptr(QdItem) item = NULL;
  g_autoptr(QdItem) none = NULL;
  QdCloudItemInfo info;

  /* every metadata field is optional */
  item = qd_cloud_item_new (minimal, listed, &info);
  g_assert_cmpstr (qd_item_get_id (item), ==, "x1");
  g_assert_false (info.dated);
  g_assert_true (info.preview);
  g_assert_true (g_date_time_equal (qd_item_get_received_at (item), listed));
  g_assert_cmpint (qd_item_get_actions (item), ==, QD_ACTION_RELEASE | QD_ACTION_APPROVE_SENDER |
                   QD_ACTION_DELETE | QD_ACTION_BLOCK_SENDER);
  g_clear_object (&item);

  item = qd_cloud_item_new (full, listed, &info);
  g_assert_cmpstr (qd_item_get_id (item), ==, "7");
  g_assert_true (info.dated);
  g_assert_false (info.preview);
  g_assert_cmpint (info.group, ==, QD_CLOUD_GROUP_NEWSLETTER);
  g_assert_cmpint (g_date_time_to_unix (qd_item_get_received_at (item)), ==, 1728206441);
  g_assert_cmpint (qd_item_get_reason (item), ==, QD_REASON_GRAYMAIL);
  g_assert_cmpint (qd_item_get_category (item), ==, QD_CATEGORY_MARKETING);
  g_assert_cmpstr (qd_item_get_from_name (item), ==, "News");
  g_assert_cmpstr (qd_item_get_from_address (item), ==, "news@list.example.org");
  g_assert_cmpstr (qd_item_get_envelope_sender (item), ==, "bounce@list.example.org");
  g_assert_cmpstr (qd_item_get_recipient (item), ==, "alice@example.com");
  g_assert_cmpint (qd_item_get_size (item), ==, 5120);
  g_assert_cmpstr (qd_item_get_status (item), ==, "released");
  g_assert_cmpint (qd_item_get_actions (item), ==, QD_ACTION_DELETE | QD_ACTION_BLOCK_SENDER);
  g_clear_object (&item);

  /* an unknown type is shown as it is, as policy */
  item = qd_cloud_item_new (unknown, listed, &info);
  g_assert_cmpint (qd_item_get_reason (item), ==, QD_REASON_POLICY);
  g_assert_cmpstr (qd_item_get_policy_rule (item), ==, "XYZ");

  none = qd_cloud_item_new (no_id, listed, &info);
  g_assert_null (none);
  /* an empty id names nothing an action could reach (found by fuzzing) */
  none = qd_cloud_item_new (empty_id, listed, &info);
  g_assert_null (none);
}

static void
collect (GMimeObject *parent,
         GMimeObject *part,
         gpointer     user_data)
{
  g_ptr_array_add (user_data, part);
}

/* Held mail is hostile: no header injected through a value, no part but
 * text kept, HTML kept as text/html for the text-only converter. */
static void
test_preview (void)
{
  g_autoptr(JsonObject) details = object_of (
    "{\"headers\": {\"subject\": \"Hi\\r\\nX-Injected: yes\", \"from\": \"a@example.net\", "
    "\"bad name\": \"x\", \"content-type\": \"image/png\", \"mailfrom\": \"b@example.net\", "
    "\"received\": [\"from a by b\", \"from c by d\"]}, "
    "\"attachments\": [{\"name\": \"a.pdf\", \"type\": \"application/pdf\"}, {\"type\": 3}], "
    "\"bodypart\": [{\"type\": \"text/plain; charset=\\\"koi8-r\\\"\", "
    "\"content\": \"\\u00f0\\u00d2\\u00c9\\u00d7\\u00c5\\u00d4\"}, "
    "{\"type\": \"text/html\", \"content\": \"<p>Hi</p>\"}, "
    "{\"type\": \"image/png\", \"content\": \"AAAA\"}, {\"content\": 5}]}");
  g_autoptr(GBytes) raw = qd_cloud_message_from_preview (details);
  g_autoptr(GObject) owner = NULL;
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  GMimeMessage *message = qd_mail_parse_bytes (raw);
  GMimeHeaderList *headers;
  guint texts = 0, attachments = 0, received = 0;

  owner = G_OBJECT (message);
  g_assert_nonnull (message);
  headers = g_mime_object_get_header_list (GMIME_OBJECT (message));
  g_assert_false (g_mime_header_list_contains (headers, "X-Injected"));
  g_assert_false (g_mime_header_list_contains (headers, "bad name"));
  g_assert_cmpstr (g_mime_message_get_subject (message), ==, "Hi  X-Injected: yes");
  g_assert_cmpstr (g_mime_header_get_value (g_mime_header_list_get_header (headers,
                                                                            "Return-Path")),
                   ==, "<b@example.net>");
  for (int i = 0; i < g_mime_header_list_get_count (headers); i++)
    received += g_ascii_strcasecmp (g_mime_header_get_name (
                                      g_mime_header_list_get_header_at (headers, i)),
                                    "Received") == 0;
  g_assert_cmpuint (received, ==, 2);
  g_mime_message_foreach (message, collect, parts);
  for (guint i = 0; i < parts->len; i++)
    {
      GMimeObject *part = g_ptr_array_index (parts, i);
      GMimeContentType *type = g_mime_object_get_content_type (part);

      g_assert_false (g_mime_content_type_is_type (type, "image", "png"));
      if (GMIME_IS_TEXT_PART (part))
        {
          g_autofree char *text = g_mime_text_part_get_text (GMIME_TEXT_PART (part));

          texts++;
          if (g_mime_content_type_is_type (type, "text", "plain"))
            g_assert_cmpstr (text, ==, "Привет");
          else
            g_assert_cmpstr (text, ==, "<p>Hi</p>");
        }
      else if (GMIME_IS_PART (part))
        attachments++;
    }
  g_assert_cmpuint (texts, ==, 2);
  g_assert_cmpuint (attachments, ==, 2);
}

static void
test_dates (void)
{
  g_autoptr(JsonObject) o = object_of ("{\"iso\": \"2024-10-06T09:20:41Z\", "
                                       "\"text\": \"2024-10-06 09:20:41\", "
                                       "\"ms\": 1728206441148, \"s\": \"1728206441\", "
                                       "\"bad\": \"soon\"}");
  const char *members[] = { "iso", "text", "ms", "s" };
  g_autoptr(GDateTime) bad = qd_cloud_date (o, "bad");

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      g_autoptr(GDateTime) t = qd_cloud_date (o, members[i]);

      g_assert_nonnull (t);
      g_assert_cmpint (g_date_time_to_unix (t), ==, 1728206441);
    }
  g_assert_null (bad);
}

static void
test_answer_message (void)
{
  g_autoptr(JsonNode) said = node_of ("{\"status\": \"FAILURE\", \"message\": \"bad\\nthing\"}");
  g_autoptr(JsonNode) bare = node_of ("{\"status\": \"ERROR\"}");
  g_autofree char *a = qd_cloud_answer_message (said, 200);
  g_autofree char *b = qd_cloud_answer_message (bare, 200);
  g_autofree char *c = qd_cloud_answer_message (NULL, 404);

  g_assert_cmpstr (a, ==, "bad thing");
  g_assert_cmpstr (b, ==, "ERROR");
  g_assert_cmpstr (c, ==, "Not Found");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_mime_init ();

  g_test_add_func ("/cloud-parse/values", test_values);
  g_test_add_func ("/cloud-parse/senders", test_senders);
  g_test_add_func ("/cloud-parse/items", test_items);
  g_test_add_func ("/cloud-parse/preview", test_preview);
  g_test_add_func ("/cloud-parse/dates", test_dates);
  g_test_add_func ("/cloud-parse/answer-message", test_answer_message);

  return g_test_run ();
}
