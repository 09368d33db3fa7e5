/* qd-batch-result.c — the per-id outcomes of a batch action, as a boxed type
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-batch-result.h"
#include "qd-error.h"
#include "qd-json.h"

G_DEFINE_BOXED_TYPE (QdBatchResult, qd_batch_result, qd_batch_result_ref, qd_batch_result_unref)

static void
outcome_free (QdOutcome *outcome)
{
  g_free (outcome->id);
  g_free (outcome->result);
  g_free (outcome->error_code);
  g_free (outcome->error_message);
  g_free (outcome);
}

QdBatchResult *
qd_batch_result_new (void)
{
  QdBatchResult *self = g_new0 (QdBatchResult, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->outcomes = g_ptr_array_new_with_free_func ((GDestroyNotify)outcome_free);
  return self;
}

QdBatchResult *
qd_batch_result_ref (QdBatchResult *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
qd_batch_result_unref (QdBatchResult *self)
{
  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_ptr_array_unref (self->outcomes);
      g_free (self);
    }
}

/**
 * qd_outcome_error_text:
 *
 * Our own words for the gateway's per-id error codes: the gateway's
 * message is English and may not say what to do.
 */
const char *
qd_outcome_error_text (const char *code)
{
  if (g_strcmp0 (code, "not_found") == 0)
    return _("The message is no longer held: it may have been released, deleted or expired.");
  if (g_strcmp0 (code, "not_allowed") == 0)
    return _("This action is not allowed for this message. Ask your administrator if you "
             "need it released.");
  if (g_strcmp0 (code, "gone_from_junk") == 0)
    return _("The message is no longer in your Junk folder: it was moved or deleted in your "
             "mail program.");
  if (g_strcmp0 (code, "delivery_failed") == 0)
    return _("The gateway could not deliver the message to your inbox. Nothing was changed; "
             "try again later.");
  return _("The gateway could not carry out the action on this message. Try again later.");
}

gboolean
qd_batch_result_add_json (QdBatchResult  *self,
                          JsonObject     *answer,
                          GError        **error)
{
  JsonArray *results = qd_json_get_array (answer, "results");

  if (results == NULL)
    {
      g_set_error_literal (error, QD_ERROR, QD_ERROR_BAD_RESPONSE,
                           _("The gateway's answer to the action could not be understood. "
                             "Refresh the list to see what was done."));
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonNode *node = json_array_get_element (results, i);
      JsonObject *object;
      JsonObject *err;
      QdOutcome *outcome;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      object = json_node_get_object (node);
      outcome = g_new0 (QdOutcome, 1);
      outcome->id = qd_json_dup_string (object, "id");
      outcome->ok = qd_json_get_boolean (object, "ok", FALSE);
      outcome->result = qd_json_dup_string (object, "result");
      err = qd_json_get_object (object, "error");
      if (!outcome->ok)
        {
          outcome->error_code = g_strdup (err ? qd_json_get_string (err, "code") : NULL);
          outcome->error_message = g_strdup (qd_outcome_error_text (outcome->error_code));
          self->failed++;
        }
      else
        self->succeeded++;
      g_ptr_array_add (self->outcomes, outcome);
    }
  return TRUE;
}

/**
 * qd_batch_result_add:
 * @error_message: (nullable): for a failed one, what happened in a
 *   sentence; NULL: the words for @error_code
 *
 * One outcome a client found out itself, not from a gateway's answer.
 */
void
qd_batch_result_add (QdBatchResult *self,
                     const char    *id,
                     gboolean       ok,
                     const char    *result,
                     const char    *error_code,
                     const char    *error_message)
{
  QdOutcome *outcome = g_new0 (QdOutcome, 1);

  outcome->id = g_strdup (id);
  outcome->ok = ok;
  outcome->result = g_strdup (result);
  if (!ok)
    {
      outcome->error_code = g_strdup (error_code);
      outcome->error_message = g_strdup (error_message != NULL ? error_message
                                                               : qd_outcome_error_text (error_code));
      self->failed++;
    }
  else
    self->succeeded++;
  g_ptr_array_add (self->outcomes, outcome);
}

void
qd_batch_result_add_not_attempted (QdBatchResult      *self,
                                   const char * const *ids,
                                   guint               n_ids,
                                   const char         *why)
{
  for (guint i = 0; i < n_ids; i++)
    {
      QdOutcome *outcome = g_new0 (QdOutcome, 1);

      outcome->id = g_strdup (ids[i]);
      outcome->error_code = g_strdup ("not_attempted");
      outcome->error_message = g_strdup (why);
      g_ptr_array_add (self->outcomes, outcome);
      self->not_attempted++;
    }
}
