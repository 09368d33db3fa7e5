/* qd-sample-record.c — one reported sample's history: status changes, re-check and escalation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-enums.h"
#include "qd-error.h"
#include "qd-sample-record.h"
#include "qd-time.h"
#include "qd-types.h"

G_DEFINE_BOXED_TYPE (QdSampleRecord, qd_sample_record, qd_sample_record_ref,
                     qd_sample_record_unref)

/* After submission, a sample still missed is checked again at these
 * offsets, then once a day: soon enough to see the analysts' work, rarely
 * enough not to load the gateway. */
static const GTimeSpan first_checks[] = {
  G_TIME_SPAN_HOUR,
  6 * G_TIME_SPAN_HOUR,
  G_TIME_SPAN_DAY,
};

static void
change_free (QdStatusChange *change)
{
  g_clear_pointer (&change->at, g_date_time_unref);
  g_free (change->detail);
  g_free (change);
}

QdSampleRecord *
qd_sample_record_new (const char *sha256)
{
  QdSampleRecord *self;

  g_return_val_if_fail (sha256 != NULL, NULL);

  self = g_new0 (QdSampleRecord, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->sha256 = g_strdup (sha256);
  self->status = QD_FOLLOW_UP_QUEUED;
  self->changes = g_ptr_array_new_with_free_func ((GDestroyNotify)change_free);
  return self;
}

QdSampleRecord *
qd_sample_record_ref (QdSampleRecord *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
qd_sample_record_unref (QdSampleRecord *self)
{
  g_return_if_fail (self != NULL);
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_free (self->sha256);
  g_free (self->from);
  g_free (self->to);
  g_free (self->subject);
  g_clear_pointer (&self->received_at, g_date_time_unref);
  g_clear_pointer (&self->queued_at, g_date_time_unref);
  g_clear_pointer (&self->sent_at, g_date_time_unref);
  g_clear_pointer (&self->status_at, g_date_time_unref);
  g_clear_pointer (&self->spam_at, g_date_time_unref);
  g_clear_pointer (&self->checked_at, g_date_time_unref);
  g_clear_pointer (&self->changes, g_ptr_array_unref);
  g_free (self);
}

/**
 * qd_sample_record_add_change:
 *
 * Appends a status to the history (oldest first); the latest one is the
 * sample's status, the first "spam" the moment it became detected.
 */
void
qd_sample_record_add_change (QdSampleRecord   *self,
                             QdFollowUpStatus  status,
                             GDateTime        *at,
                             const char       *detail)
{
  QdStatusChange *change;

  g_return_if_fail (self != NULL);
  g_return_if_fail (at != NULL);

  change = g_new0 (QdStatusChange, 1);
  change->status = status;
  change->at = g_date_time_ref (at);
  change->detail = g_strdup (detail);
  g_ptr_array_add (self->changes, change);

  self->status = status;
  g_clear_pointer (&self->status_at, g_date_time_unref);
  self->status_at = g_date_time_ref (at);
  if (status == QD_FOLLOW_UP_NOW_SPAM && self->spam_at == NULL)
    self->spam_at = g_date_time_ref (at);
}

/**
 * qd_sample_record_get_status_time:
 *
 * The time that goes with the status: when it was sent, when the latest
 * check found it still missed, when it was first seen classified as spam.
 *
 * Returns: (transfer none) (nullable):
 */
GDateTime *
qd_sample_record_get_status_time (QdSampleRecord *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  switch (self->status)
    {
    case QD_FOLLOW_UP_SENT:
      return self->sent_at != NULL ? self->sent_at : self->status_at;
    case QD_FOLLOW_UP_STILL_MISSED:
      return self->checked_at != NULL ? self->checked_at : self->status_at;
    case QD_FOLLOW_UP_NOW_SPAM:
      return self->spam_at;
    case QD_FOLLOW_UP_QUEUED:
    case QD_FOLLOW_UP_REFUSED:
    case QD_FOLLOW_UP_EXPIRED:
    default:
      return self->status_at;
    }
}

/**
 * qd_sample_record_is_pending:
 *
 * Whether the follow-up still checks this sample: the server took it, no
 * check has found it spam yet, and its bytes are here to be checked.
 * Once classified as spam, a sample is never checked again.
 */
gboolean
qd_sample_record_is_pending (QdSampleRecord *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->has_data && self->sent_at != NULL &&
         (self->status == QD_FOLLOW_UP_SENT || self->status == QD_FOLLOW_UP_STILL_MISSED);
}

/**
 * qd_sample_record_can_recheck:
 * @error: why not, in a sentence for the person
 *
 * Whether the gateway can be asked about this sample: only once a server
 * took it. (One already classified as spam can be, but the follow-up
 * does not ask again.)
 */
gboolean
qd_sample_record_can_recheck (QdSampleRecord  *self,
                              GError         **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  switch (self->status)
    {
    case QD_FOLLOW_UP_QUEUED:
      g_set_error_literal (error, QD_ERROR, QD_ERROR_INVALID_INPUT,
                           _("This sample has not been sent yet: it waits in the outbox. It is "
                             "checked once it has been sent."));
      return FALSE;
    case QD_FOLLOW_UP_REFUSED:
    case QD_FOLLOW_UP_EXPIRED:
      g_set_error_literal (error, QD_ERROR, QD_ERROR_INVALID_INPUT,
                           _("This sample was never accepted for analysis, so there is nothing "
                             "to follow up."));
      return FALSE;
    case QD_FOLLOW_UP_SENT:
    case QD_FOLLOW_UP_STILL_MISSED:
    case QD_FOLLOW_UP_NOW_SPAM:
    default:
      return TRUE;
    }
}

/**
 * qd_sample_record_get_next_check:
 *
 * When this sample is due for its next check: the first point of the
 * schedule (1 h, 6 h and 24 h after it was sent, then every day) after
 * its latest check. A time in the past means "now".
 *
 * Returns: (transfer full) (nullable): %NULL when it is not pending
 */
GDateTime *
qd_sample_record_get_next_check (QdSampleRecord *self)
{
  GTimeSpan last;

  g_return_val_if_fail (self != NULL, NULL);

  if (!qd_sample_record_is_pending (self))
    return NULL;
  /* A check before the sample was sent (or none) counts for nothing. */
  last = self->checked_at != NULL ? g_date_time_difference (self->checked_at, self->sent_at)
                                  : -1;
  for (guint i = 0; i < G_N_ELEMENTS (first_checks); i++)
    if (first_checks[i] > last)
      return g_date_time_add (self->sent_at, first_checks[i]);
  return g_date_time_add (self->sent_at, (last / G_TIME_SPAN_DAY + 1) * G_TIME_SPAN_DAY);
}

gboolean
qd_sample_record_is_due (QdSampleRecord *self,
                         GDateTime      *now)
{
  g_autoptr(GDateTime) next = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (now != NULL, FALSE);

  next = qd_sample_record_get_next_check (self);
  return next != NULL && g_date_time_compare (next, now) <= 0;
}

/* How a sample is named in a sentence: its subject, else its digest. */
static char *
describe (QdSampleRecord *self)
{
  if (self->subject != NULL && self->subject[0] != '\0')
    return g_strdup (self->subject);
  return g_strndup (self->sha256, 12);
}

/**
 * qd_sample_record_can_escalate:
 * @error: why not, in a sentence for the person
 *
 * Whether support can be asked about this sample (seed 002): it is still
 * missed 24 hours after it was submitted, as a check made after those 24
 * hours showed.
 */
gboolean
qd_sample_record_can_escalate (QdSampleRecord  *self,
                               GDateTime       *now,
                               GError         **error)
{
  g_autofree char *name = NULL;
  g_autoptr(GDateTime) from = NULL;
  QdFollowUpStatus status;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (now != NULL, FALSE);

  name = describe (self);
  /* Without a time of sending (a store written by hand?), it was not sent. */
  status = self->status;
  if (self->sent_at == NULL &&
      (status == QD_FOLLOW_UP_SENT || status == QD_FOLLOW_UP_STILL_MISSED))
    status = QD_FOLLOW_UP_QUEUED;
  switch (status)
    {
    case QD_FOLLOW_UP_QUEUED:
      g_set_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT,
                   _("The sample “%s” has not been sent yet: it waits in the outbox. Send it "
                     "first; support looks into samples still missed 24 hours after they were "
                     "sent."), name);
      return FALSE;
    case QD_FOLLOW_UP_REFUSED:
    case QD_FOLLOW_UP_EXPIRED:
      g_set_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT,
                   _("The sample “%s” was never accepted for analysis, so there is nothing to "
                     "follow up. Submit it again while it is recent enough."), name);
      return FALSE;
    case QD_FOLLOW_UP_NOW_SPAM:
      {
        g_autofree char *when = qd_follow_up_format_time (self->spam_at);

        g_set_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT,
                     _("The sample “%s” is classified as spam since %s: there is nothing to "
                       "report."), name, when);
        return FALSE;
      }
    case QD_FOLLOW_UP_SENT:
    case QD_FOLLOW_UP_STILL_MISSED:
    default:
      break;
    }

  from = g_date_time_add (self->sent_at, QD_FOLLOW_UP_ESCALATION_DELAY);
  if (g_date_time_compare (now, from) < 0)
    {
      g_autofree char *sent = qd_follow_up_format_time (self->sent_at);
      g_autofree char *ready = qd_follow_up_format_time (from);

      g_set_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT,
                   _("The sample “%s” was submitted on %s. Support looks into samples still "
                     "missed 24 hours after submission: the report can be prepared from %s "
                     "on."), name, sent, ready);
      return FALSE;
    }
  if (self->checked_at == NULL || g_date_time_compare (self->checked_at, from) < 0)
    {
      g_autofree char *checked = qd_follow_up_format_time (self->checked_at);

      if (self->checked_at == NULL)
        g_set_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT,
                     _("The sample “%s” has not been checked since it was submitted. Check "
                       "it again first: it may be classified as spam by now."), name);
      else
        g_set_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT,
                     _("The sample “%s” was last checked on %s, before 24 hours had passed "
                       "since its submission. Check it again first: it may be classified as "
                       "spam by now."), name, checked);
      return FALSE;
    }
  return TRUE;
}

const char *
qd_follow_up_status_to_string (QdFollowUpStatus status)
{
  return qd_enum_to_nick (QD_TYPE_FOLLOW_UP_STATUS, status);
}

gboolean
qd_follow_up_status_from_string (const char       *str,
                                 QdFollowUpStatus *status)
{
  int value;

  if (!qd_enum_from_nick (QD_TYPE_FOLLOW_UP_STATUS, str, &value))
    return FALSE;
  *status = value;
  return TRUE;
}

/**
 * qd_follow_up_status_get_label:
 *
 * The status in a few words, for a list; the time goes next to it.
 */
const char *
qd_follow_up_status_get_label (QdFollowUpStatus status)
{
  switch (status)
    {
    case QD_FOLLOW_UP_QUEUED:
      return _("Waiting in the outbox");
    case QD_FOLLOW_UP_SENT:
      return _("Sent");
    case QD_FOLLOW_UP_STILL_MISSED:
      return _("Still missed");
    case QD_FOLLOW_UP_NOW_SPAM:
      return _("Now classified as spam");
    case QD_FOLLOW_UP_REFUSED:
      return _("Refused by the server");
    case QD_FOLLOW_UP_EXPIRED:
    default:
      return _("Not sent: too old");
    }
}

/**
 * qd_follow_up_format_time:
 *
 * A time as the follow-up writes it in sentences and reports: local
 * time with its offset from UTC, so that support reads it right.
 */
char *
qd_follow_up_format_time (GDateTime *time)
{
  return qd_format_local_time (time, "%Y-%m-%d %H:%M %:z");
}
