/* qd-verdict.c — a /classify answer read from JSON: spam or not now, and by which rules
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-enums.h"
#include "qd-error.h"
#include "qd-json.h"
#include "qd-verdict.h"

G_DEFINE_BOXED_TYPE (QdVerdict, qd_verdict, qd_verdict_ref, qd_verdict_unref)

QdVerdict *
qd_verdict_new_from_json (JsonObject  *object,
                          GError     **error)
{
  g_autoptr(QdVerdict) self = g_new0 (QdVerdict, 1);
  JsonArray *rules;
  JsonNode *flag;
  int kind;

  g_atomic_ref_count_init (&self->ref_count);
  self->rules = g_ptr_array_new_with_free_func ((GDestroyNotify)qd_verdict_rule_free);

  flag = json_object_get_member (object, "classified_as_spam");
  if (flag == NULL || !JSON_NODE_HOLDS_VALUE (flag) ||
      json_node_get_value_type (flag) != G_TYPE_BOOLEAN ||
      !qd_enum_from_nick (QD_TYPE_VERDICT_KIND, qd_json_get_string (object, "verdict"), &kind))
    {
      g_set_error_literal (error, QD_ERROR, QD_ERROR_BAD_RESPONSE,
                           _("The gateway's classification could not be understood. "
                             "Contact your administrator."));
      return NULL;
    }
  self->classified_as_spam = json_node_get_boolean (flag);
  self->kind = kind;
  self->score = qd_json_get_double (object, "score", 0);
  self->threshold = qd_json_get_double (object, "threshold", 0);
  self->reported = qd_json_get_boolean (object, "reported", FALSE);

  rules = qd_json_get_array (object, "rules");
  for (guint i = 0; rules != NULL && i < json_array_get_length (rules); i++)
    {
      JsonNode *node = json_array_get_element (rules, i);
      QdVerdictRule *rule;

      if (!JSON_NODE_HOLDS_OBJECT (node) ||
          qd_json_get_string (json_node_get_object (node), "name") == NULL)
        continue;
      rule = g_new0 (QdVerdictRule, 1);
      rule->name = qd_json_dup_string (json_node_get_object (node), "name");
      rule->score = qd_json_get_double (json_node_get_object (node), "score", 0);
      rule->description = qd_json_dup_string (json_node_get_object (node), "description");
      g_ptr_array_add (self->rules, rule);
    }
  return g_steal_pointer (&self);
}

QdVerdict *
qd_verdict_ref (QdVerdict *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
qd_verdict_unref (QdVerdict *self)
{
  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_ptr_array_unref (self->rules);
      g_free (self);
    }
}

/**
 * qd_verdict_get_summary:
 *
 * The answer in one sentence, as the seed asks users to check it.
 */
const char *
qd_verdict_get_summary (QdVerdict *self)
{
  return self->classified_as_spam ? _("This message is currently classified as spam.")
                                  : _("This message is not classified as spam.");
}

void
qd_verdict_to_json (QdVerdict   *self,
                    JsonBuilder *builder)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "classified_as_spam");
  json_builder_add_boolean_value (builder, self->classified_as_spam);
  json_builder_set_member_name (builder, "verdict");
  json_builder_add_string_value (builder, qd_enum_to_nick (QD_TYPE_VERDICT_KIND, self->kind));
  json_builder_set_member_name (builder, "score");
  json_builder_add_double_value (builder, self->score);
  json_builder_set_member_name (builder, "threshold");
  json_builder_add_double_value (builder, self->threshold);
  json_builder_set_member_name (builder, "reported");
  json_builder_add_boolean_value (builder, self->reported);
  qd_json_builder_add_rules (builder, "rules", self->rules);
  json_builder_end_object (builder);
}
