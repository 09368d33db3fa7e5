/* qd-json.c — tolerant accessors over json-glib objects: a mistyped member reads as absent
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "qd-json.h"

static JsonNode *
get_member (JsonObject *object,
            const char *member,
            JsonNodeType type)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;
  node = json_object_get_member (object, member);
  if (node == NULL || JSON_NODE_TYPE (node) != type)
    return NULL;
  return node;
}

const char *
qd_json_get_string (JsonObject *object,
                    const char *member)
{
  JsonNode *node = get_member (object, member, JSON_NODE_VALUE);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

char *
qd_json_dup_string (JsonObject *object,
                    const char *member)
{
  return g_strdup (qd_json_get_string (object, member));
}

gint64
qd_json_get_int (JsonObject *object,
                 const char *member,
                 gint64      fallback)
{
  JsonNode *node = get_member (object, member, JSON_NODE_VALUE);

  if (node == NULL)
    return fallback;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      return json_node_get_int (node);
    case G_TYPE_DOUBLE:
      {
        double d = json_node_get_double (node);

        /* Converting a double outside gint64's range is undefined. */
        if (!(d >= (double)G_MININT64 && d < (double)G_MAXINT64))
          return fallback;
        return (gint64)d;
      }
    default:
      return fallback;
    }
}

double
qd_json_get_double (JsonObject *object,
                    const char *member,
                    double      fallback)
{
  JsonNode *node = get_member (object, member, JSON_NODE_VALUE);

  if (node == NULL)
    return fallback;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      return (double)json_node_get_int (node);
    case G_TYPE_DOUBLE:
      return json_node_get_double (node);
    default:
      return fallback;
    }
}

gboolean
qd_json_get_boolean (JsonObject *object,
                     const char *member,
                     gboolean    fallback)
{
  JsonNode *node = get_member (object, member, JSON_NODE_VALUE);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return fallback;
  return json_node_get_boolean (node);
}

JsonObject *
qd_json_get_object (JsonObject *object,
                    const char *member)
{
  JsonNode *node = get_member (object, member, JSON_NODE_OBJECT);

  return node != NULL ? json_node_get_object (node) : NULL;
}

JsonArray *
qd_json_get_array (JsonObject *object,
                   const char *member)
{
  JsonNode *node = get_member (object, member, JSON_NODE_ARRAY);

  return node != NULL ? json_node_get_array (node) : NULL;
}

char **
qd_json_dup_strv (JsonObject *object,
                  const char *member)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array = qd_json_get_array (object, member);

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (node));
    }
  return g_strv_builder_end (builder);
}

GDateTime *
qd_json_dup_date_time (JsonObject *object,
                       const char *member)
{
  const char *str = qd_json_get_string (object, member);

  if (str == NULL)
    return NULL;
  return g_date_time_new_from_iso8601 (str, NULL);
}

void
qd_json_builder_add_string (JsonBuilder *builder,
                            const char  *member,
                            const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* ISO 8601, as qd_json_dup_date_time () reads it. */
void
qd_json_builder_add_date_time (JsonBuilder *builder,
                               const char  *member,
                               GDateTime   *value)
{
  g_autofree char *text = value != NULL ? g_date_time_format_iso8601 (value) : NULL;

  qd_json_builder_add_string (builder, member, text);
}

/* @rules: (element-type QdVerdictRule): as an array of {name, score,
 * description} */
void
qd_json_builder_add_rules (JsonBuilder *builder,
                           const char  *member,
                           GPtrArray   *rules)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; i < rules->len; i++)
    {
      QdVerdictRule *rule = g_ptr_array_index (rules, i);

      json_builder_begin_object (builder);
      qd_json_builder_add_string (builder, "name", rule->name);
      json_builder_set_member_name (builder, "score");
      json_builder_add_double_value (builder, rule->score);
      qd_json_builder_add_string (builder, "description", rule->description);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

JsonObject *
qd_json_parse_object (const char  *data,
                      gssize       length,
                      GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;

  /* An empty answer (an error page without a body, say) often comes as an
   * empty GBytes, whose data is NULL: json-glib takes NULL for a broken
   * precondition, not for no text, so give it the empty text it is. */
  if (data == NULL)
    data = "", length = 0;
  if (!json_parser_load_from_data (parser, data, length, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           "expected a JSON object");
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

char *
qd_json_to_string (JsonBuilder *builder,
                   gboolean     pretty)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, pretty);
  return json_generator_to_data (generator, NULL);
}
