/* fuzz-cloud-json.c — the cloud Email Quarantine API's answers, as the cloud client reads them
 *
 * The input is an answer body: a list of mails ("mail_list"), one mail's
 * details for the preview ("details"), a sender list ("items"), or an
 * error.  Every
 * field is optional in that API (its unknowns in the spec), so nothing may
 * crash: an entry becomes an item or is left out, a preview becomes an
 * RFC 5322 message GMime reads back, an error a sentence for each status.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fuzz-common.h"
#include "qd-cloud-parse.h"
#include "qd-json.h"
#include "qd-mail.h"

static void
read_entry (JsonNode  *node,
            GDateTime *listed_at)
{
  QdCloudItemInfo info;
  g_autoptr(QdItem) item = qd_cloud_item_new (node, listed_at, &info);

  if (item == NULL)
    return;
  g_assert (qd_item_get_id (item) != NULL && *qd_item_get_id (item) != '\0');
  /* An entry without its own time shows when it was listed. */
  g_assert (qd_item_get_received_at (item) != NULL);
  g_assert (info.group & QD_CLOUD_GROUP_ALL);
}

static void
read_list (JsonArray *entries,
           GDateTime *listed_at)
{
  for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++)
    read_entry (json_array_get_element (entries, i), listed_at);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const guint statuses[] = { 400, 401, 403, 404, 413, 429, 500, 503 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GDateTime) listed_at = g_date_time_new_from_unix_utc (1796600000);
  JsonNode *root;

  qd_mail_init ();
  if (!json_parser_load_from_data (parser, (const char *)data, (gssize)size, NULL))
    return 0;
  root = json_parser_get_root (parser);
  if (root == NULL)  /* an empty body */
    return 0;

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autofree char *message = qd_cloud_answer_message (root, statuses[i]);
    }
  if (JSON_NODE_HOLDS_ARRAY (root))
    read_list (json_node_get_array (root), listed_at);
  else if (JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *object = json_node_get_object (root);
      JsonObject *details = qd_json_get_object (object, "details");
      JsonArray *items = qd_json_get_array (object, "items");
      g_autofree char *name = NULL;
      g_autofree char *address = NULL;
      gint64 total;

      read_list (qd_json_get_array (object, "mail_list"), listed_at);
      qd_cloud_get_number (object, "total", &total);
      if (details != NULL)
        {
          g_autoptr(GBytes) message = qd_cloud_message_from_preview (details);
          g_autoptr(GMimeMessage) parsed = NULL;

          /* Whatever the details hold, the preview is a message GMime reads. */
          g_assert (message != NULL);
          parsed = qd_mail_parse_bytes (message);
          g_assert (parsed != NULL);
        }
      for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
        {
          JsonNode *node = json_array_get_element (items, i);
          JsonObject *item = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
          g_autofree char *id = qd_cloud_dup_id (item, "id");
          g_autoptr(GDateTime) added_at = qd_cloud_date (item, "date_created");
        }
      qd_cloud_parse_sender (qd_json_get_string (object, "email_sender"), &name, &address);
    }
  return 0;
}
