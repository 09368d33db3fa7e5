/* qd-gw-verdict.c — a classification: rspamd's check weighed with reports and bulk markers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "qd-gw-verdict.h"

#define REPORTED_SCORE 10.0

static gboolean
is_spam_action (const char *action)
{
  return g_strcmp0 (action, "reject") == 0 || g_strcmp0 (action, "add header") == 0 ||
         g_strcmp0 (action, "rewrite subject") == 0 || g_strcmp0 (action, "soft reject") == 0;
}

/**
 * qd_gw_verdict_new:
 * @check: (transfer full): rspamd's answer, taken apart
 * @reported: the message matches a sample reported as missed spam
 * @bulk_markers: the message says it is bulk or list mail
 *
 * A reported sample is spam whatever rspamd says, and says why in a rule
 * of its own; otherwise spam is what rspamd acts on or scores at the
 * threshold, and bulk mail below it is graymail.
 */
QdGwVerdict *
qd_gw_verdict_new (QdGwCheck *check,
                   double     spam_threshold,
                   gboolean   reported,
                   gboolean   bulk_markers)
{
  g_autoptr(QdGwCheck) owned = check;
  QdGwVerdict *self = g_new0 (QdGwVerdict, 1);

  self->score = check->score + (reported ? REPORTED_SCORE : 0.0);
  self->threshold = spam_threshold;
  self->reported = reported;
  if (reported || is_spam_action (check->action) || self->score >= spam_threshold)
    self->kind = QD_VERDICT_KIND_SPAM;
  else if (bulk_markers)
    self->kind = QD_VERDICT_KIND_GRAYMAIL;
  else
    self->kind = QD_VERDICT_KIND_CLEAN;
  self->action = g_steal_pointer (&check->action);
  self->rules = g_steal_pointer (&check->symbols);
  if (reported)
    {
      /* The array frees it with qd_verdict_rule_free (), as it frees rspamd's. */
      QdVerdictRule *rule = g_new0 (QdVerdictRule, 1);

      rule->name = g_strdup ("QD_REPORTED_SAMPLE");
      rule->score = REPORTED_SCORE;
      rule->description = g_strdup ("Matches a sample reported as missed spam");
      g_ptr_array_insert (self->rules, 0, rule);
    }
  return self;
}

void
qd_gw_verdict_free (QdGwVerdict *verdict)
{
  g_free (verdict->action);
  g_clear_pointer (&verdict->rules, g_ptr_array_unref);
  g_free (verdict);
}

/* List-Unsubscribe, or Precedence: bulk or list. */
gboolean
qd_gw_message_is_bulk (GMimeMessage *message)
{
  g_autofree char *precedence = NULL;

  if (message == NULL)
    return FALSE;
  if (g_mime_object_get_header (GMIME_OBJECT (message), "List-Unsubscribe") != NULL)
    return TRUE;
  precedence = g_strdup (g_mime_object_get_header (GMIME_OBJECT (message), "Precedence"));
  if (precedence == NULL)
    return FALSE;
  g_strstrip (precedence);
  return g_ascii_strcasecmp (precedence, "bulk") == 0 ||
         g_ascii_strcasecmp (precedence, "list") == 0;
}
