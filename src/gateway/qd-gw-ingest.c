/* qd-gw-ingest.c — reading rspamd's metadata_exporter request (X-Rspamd-* headers)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "qd-gw-error.h"
#include "qd-gw-ingest.h"

void
qd_gw_ingest_request_free (QdGwIngestRequest *request)
{
  g_free (request->queue_id);
  g_free (request->action);
  g_free (request->envelope_sender);
  g_clear_pointer (&request->recipients, g_ptr_array_unref);
  g_clear_pointer (&request->rules, g_ptr_array_unref);
  g_free (request);
}

/* A header's value, or NULL when it is absent, empty or rspamd's "unknown". */
static const char *
header_value (SoupMessageHeaders *headers,
              const char         *name)
{
  const char *value = soup_message_headers_get_one (headers, name);

  if (value == NULL)
    return NULL;
  while (g_ascii_isspace (*value))
    value++;
  if (value[0] == '\0' || g_ascii_strcasecmp (value, "unknown") == 0)
    return NULL;
  return value;
}

/* Header values are bytes: the store and the API want UTF-8. */
static char *
dup_valid (const char *text)
{
  return g_utf8_make_valid (text, -1);
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();

  if (!g_utf8_validate (text, -1, NULL) || !json_parser_load_from_data (parser, text, -1, NULL))
    return NULL;
  return json_node_ref (json_parser_get_root (parser));
}

static gboolean
parse_recipients (const char  *text,
                  GPtrArray   *recipients,
                  GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *array;

  if (text == NULL)
    return TRUE;  /* no recipient: nobody to hold it for */
  root = parse_json (text);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      /* Without its recipients the message cannot be held for anyone:
       * refused, rspamd defers it and nothing is lost. */
      g_set_error_literal (error, QD_GW_ERROR, QD_GW_ERROR_BAD_REQUEST,
                           "X-Rspamd-rcpt is not a JSON array of addresses.");
      return FALSE;
    }
  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      char *address;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        continue;
      /* Addresses compare without case (the domain always, the local part
       * as every mail system here does). */
      address = g_ascii_strdown (json_node_get_string (node), -1);
      g_strstrip (address);
      if (address[0] == '\0' || g_hash_table_contains (seen, address))
        {
          g_free (address);
          continue;
        }
      g_hash_table_add (seen, address);
      g_ptr_array_add (recipients, address);
    }
  return TRUE;
}

static int
compare_rules (gconstpointer a,
               gconstpointer b)
{
  const QdVerdictRule *ra = *(QdVerdictRule **)a;
  const QdVerdictRule *rb = *(QdVerdictRule **)b;

  if (ra->score != rb->score)
    return ra->score < rb->score ? 1 : -1;
  return g_strcmp0 (ra->name, rb->name);
}

/* Every symbol of X-Rspamd-symbols; a garbled list is no list: the
 * message is still held, as spam, rather than refused for ever. */
static GPtrArray *
parse_symbols (const char *text)
{
  GPtrArray *symbols = g_ptr_array_new_with_free_func ((GDestroyNotify)qd_verdict_rule_free);
  g_autoptr(JsonNode) root = text != NULL ? parse_json (text) : NULL;
  JsonArray *array;

  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return symbols;
  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *object;
      JsonNode *name;
      JsonNode *score;
      QdVerdictRule *rule;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      object = json_node_get_object (node);
      name = json_object_get_member (object, "name");
      if (name == NULL || !JSON_NODE_HOLDS_VALUE (name) ||
          json_node_get_value_type (name) != G_TYPE_STRING ||
          json_node_get_string (name)[0] == '\0')
        continue;
      score = json_object_get_member (object, "score");
      rule = g_new0 (QdVerdictRule, 1);
      rule->name = g_strdup (json_node_get_string (name));
      if (score != NULL && JSON_NODE_HOLDS_VALUE (score) &&
          (json_node_get_value_type (score) == G_TYPE_DOUBLE ||
           json_node_get_value_type (score) == G_TYPE_INT64))
        rule->score = json_node_get_double (score);
      g_ptr_array_add (symbols, rule);
    }
  return symbols;
}

static double
parse_score (const char *text)
{
  char *end = NULL;
  double value;

  if (text == NULL)
    return 0;
  value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !isfinite (value))
    return 0;
  return value;
}

static const struct {
  const char *symbol;
  QdCategory  category;
} graymail_symbols[] = {
  /* In the order that breaks ties. */
  { "QD_GRAYMAIL_MARKETING", QD_CATEGORY_MARKETING },
  { "QD_GRAYMAIL_SOCIAL", QD_CATEGORY_SOCIAL },
  { "QD_GRAYMAIL_FORUM", QD_CATEGORY_FORUM },
  { "QD_GRAYMAIL_BULK", QD_CATEGORY_BULK },
};

static const char * const phishing_symbols[] = {
  "PHISHING", "PHISHED_OPENPHISH", "PHISHED_PHISHTANK", "PHISHED_GENERIC_SERVICE",
  "QD_PHISHING",
};

static gboolean
is_malware_symbol (const char *name)
{
  return g_str_equal (name, "QD_MALWARE") || g_str_has_prefix (name, "CLAM_VIRUS") ||
         g_str_has_prefix (name, "ICAP_VIRUS");
}

/**
 * qd_gw_ingest_classify:
 * @symbols: (element-type QdVerdictRule): every symbol rspamd named
 *
 * Why the message is held: a graymail category symbol first (the
 * highest-scoring), then phishing, then malware; anything else is spam.
 */
void
qd_gw_ingest_classify (GPtrArray  *symbols,
                       QdReason   *reason,
                       QdCategory *category)
{
  gboolean phishing = FALSE;
  gboolean malware = FALSE;
  gboolean graymail = FALSE;
  double best = 0;

  *reason = QD_REASON_SPAM;
  *category = QD_CATEGORY_NONE;
  for (guint g = 0; g < G_N_ELEMENTS (graymail_symbols); g++)
    for (guint i = 0; i < symbols->len; i++)
      {
        QdVerdictRule *rule = g_ptr_array_index (symbols, i);

        /* Strictly greater: the earlier category keeps a tie. */
        if (g_str_equal (rule->name, graymail_symbols[g].symbol) &&
            (!graymail || rule->score > best))
          {
            graymail = TRUE;
            best = rule->score;
            *category = graymail_symbols[g].category;
          }
      }
  if (graymail)
    {
      *reason = QD_REASON_GRAYMAIL;
      return;
    }

  for (guint i = 0; i < symbols->len; i++)
    {
      QdVerdictRule *rule = g_ptr_array_index (symbols, i);

      for (guint p = 0; p < G_N_ELEMENTS (phishing_symbols); p++)
        phishing |= g_str_equal (rule->name, phishing_symbols[p]);
      malware |= is_malware_symbol (rule->name);
    }
  if (phishing)
    *reason = QD_REASON_PHISHING;
  else if (malware)
    *reason = QD_REASON_MALWARE;
}

/**
 * qd_gw_ingest_request_parse:
 * @headers: the request headers of a POST /rspamd/ingest
 *
 * Returns: (transfer full): the request, or %NULL with @error set
 *   (QD_GW_ERROR_BAD_REQUEST) when it cannot be held idempotently or for
 *   anyone: no queue id, or recipients that are not a JSON array
 */
QdGwIngestRequest *
qd_gw_ingest_request_parse (SoupMessageHeaders  *headers,
                            GError             **error)
{
  g_autoptr(QdGwIngestRequest) request = g_new0 (QdGwIngestRequest, 1);
  g_autoptr(GPtrArray) symbols = NULL;
  const char *value;

  value = header_value (headers, "X-Rspamd-qid");
  if (value == NULL)
    {
      /* The queue id is what makes a retried POST the same message. */
      g_set_error_literal (error, QD_GW_ERROR, QD_GW_ERROR_BAD_REQUEST,
                           "X-Rspamd-qid is missing or unknown: a message without its "
                           "queue id cannot be held exactly once.");
      return NULL;
    }
  request->queue_id = dup_valid (value);

  request->recipients = g_ptr_array_new_with_free_func (g_free);
  if (!parse_recipients (header_value (headers, "X-Rspamd-rcpt"), request->recipients, error))
    return NULL;

  value = header_value (headers, "X-Rspamd-from");
  request->envelope_sender = value != NULL ? dup_valid (value) : g_strdup ("");
  value = header_value (headers, "X-Rspamd-action");
  request->action = value != NULL ? dup_valid (value) : NULL;
  request->score = parse_score (header_value (headers, "X-Rspamd-score"));

  symbols = parse_symbols (header_value (headers, "X-Rspamd-symbols"));
  qd_gw_ingest_classify (symbols, &request->reason, &request->category);
  request->rules = g_ptr_array_new_with_free_func ((GDestroyNotify)qd_verdict_rule_free);
  for (guint i = 0; i < symbols->len; i++)
    {
      QdVerdictRule *rule = g_ptr_array_index (symbols, i);

      if (rule->score > 0)
        g_ptr_array_add (request->rules, g_ptr_array_steal_index_fast (symbols, i--));
    }
  g_ptr_array_sort (request->rules, compare_rules);

  return g_steal_pointer (&request);
}

/**
 * qd_gw_ingest_address_without_detail:
 * @address: an envelope recipient
 *
 * Postfix delivers "name+detail@domain" to "name@domain" (recipient_delimiter
 * "+"): the person is the same, and so is the item.
 *
 * Returns: (transfer full) (nullable): @address without its "+detail", or
 *   %NULL when it has none
 */
char *
qd_gw_ingest_address_without_detail (const char *address)
{
  const char *at = strrchr (address, '@');
  const char *plus;
  g_autofree char *name = NULL;

  if (at == NULL)
    return NULL;
  plus = memchr (address, '+', at - address);
  if (plus == NULL || plus == address)
    return NULL;
  name = g_strndup (address, plus - address);
  return g_strconcat (name, at, NULL);
}
