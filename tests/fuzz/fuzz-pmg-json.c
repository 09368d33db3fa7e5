/* fuzz-pmg-json.c — Proxmox Mail Gateway's answers and report links, as the PMG client reads them
 *
 * The input is an answer body, read as PMG wraps every answer
 * ({"data": …}): a spam list's entries each become an item or are left
 * out, an error's words are taken for a sentence.  The same bytes are
 * read as a quarantine link pasted from a spam report and as a ticket.
 * Whatever is accepted keeps what the client relies on: a listed item has
 * a mail id PMG would accept back and a time; a link gives an address and
 * a ticket, or an error with a message.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fuzz-common.h"
#include "qd-json.h"
#include "qd-pmg-parse.h"

static void
read_entry (JsonNode *node)
{
  g_autoptr(QdItem) item = NULL;
  g_autoptr(GError) error = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return;
  item = qd_pmg_item_from_json (json_node_get_object (node), &error);
  g_assert ((item == NULL) != (error == NULL));
  if (item != NULL)
    {
      g_assert (qd_pmg_is_mail_id (qd_item_get_id (item)));
      g_assert (qd_item_get_received_at (item) != NULL);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *)data, size);
  g_autoptr(JsonObject) answer = qd_json_parse_object ((const char *)data, size, NULL);
  g_autofree char *base_url = NULL;
  g_autofree char *ticket = NULL;
  g_autoptr(GError) error = NULL;

  if (answer != NULL)
    {
      JsonNode *payload = json_object_get_member (answer, "data");
      g_autofree char *words = qd_pmg_server_words (qd_json_get_string (answer, "message"));

      if (payload != NULL && JSON_NODE_HOLDS_ARRAY (payload))
        {
          JsonArray *entries = json_node_get_array (payload);

          for (guint i = 0; i < json_array_get_length (entries); i++)
            read_entry (json_array_get_element (entries, i));
        }
      else if (payload != NULL)
        read_entry (payload);
    }

  if (qd_pmg_parse_link (text, &base_url, &ticket, &error))
    {
      g_assert (error == NULL && base_url != NULL && ticket != NULL);
      g_free (qd_pmg_link_ticket_user (ticket));
      g_clear_pointer (&ticket, g_free);
    }
  else
    g_assert (error != NULL && error->message != NULL);
  {
    g_autofree char *user = qd_pmg_link_ticket_user (text);
    g_autoptr(GDateTime) expiry = qd_pmg_link_ticket_expiry (text);
    g_autofree char *fingerprint = qd_pmg_normalize_fingerprint (text);
    g_autofree char *words = qd_pmg_server_words (text);
  }
  return 0;
}
