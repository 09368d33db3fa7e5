/* qd-sample-record.h — one reported sample as the history knows it, and
 * when to check it again
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Where a reported sample stands. The nicks are the words the store
 * keeps in sample_status. */
typedef enum
{
  QD_FOLLOW_UP_QUEUED,        /*< nick=queued >*/
  QD_FOLLOW_UP_SENT,          /*< nick=sent >*/
  QD_FOLLOW_UP_STILL_MISSED,  /*< nick=still_missed >*/
  QD_FOLLOW_UP_NOW_SPAM,      /*< nick=spam >*/
  QD_FOLLOW_UP_REFUSED,       /*< nick=refused >*/
  QD_FOLLOW_UP_EXPIRED,       /*< nick=expired >*/
} QdFollowUpStatus;

/* Seed 002: support looks into a sample still missed this long after it
 * was submitted. */
#define QD_FOLLOW_UP_ESCALATION_DELAY G_TIME_SPAN_DAY

/* One line of a sample's history of statuses. */
typedef struct
{
  QdFollowUpStatus  status;
  GDateTime        *at;
  char             *detail;   /* the server's reply, or the verdict in short */
} QdStatusChange;

typedef struct
{
  gatomicrefcount   ref_count;

  char             *sha256;       /* see qd_mail_sample_digest() */
  char             *from;         /* headers, decoded, one line each */
  char             *to;
  char             *subject;
  GDateTime        *received_at;  /* NULL when unknown */
  GDateTime        *queued_at;    /* when it was first put in the outbox */
  GDateTime        *sent_at;      /* when a server first accepted it; NULL: never */

  QdFollowUpStatus  status;       /* the latest of @changes */
  GDateTime        *status_at;
  GDateTime        *spam_at;      /* when a check first found it spam; NULL: not yet */

  GDateTime        *checked_at;   /* the latest re-check; NULL: never checked */
  guint             n_checks;
  double            score;        /* of the latest re-check */
  double            threshold;

  gboolean          has_data;     /* its bytes are kept, so it can be re-checked */
  GPtrArray        *changes;      /* QdStatusChange, oldest first */
} QdSampleRecord;

#define QD_TYPE_SAMPLE_RECORD (qd_sample_record_get_type ())

GType            qd_sample_record_get_type        (void) G_GNUC_CONST;
QdSampleRecord  *qd_sample_record_new             (const char        *sha256);
QdSampleRecord  *qd_sample_record_ref             (QdSampleRecord    *self);
void             qd_sample_record_unref           (QdSampleRecord    *self);
void             qd_sample_record_add_change      (QdSampleRecord    *self,
                                                   QdFollowUpStatus   status,
                                                   GDateTime         *at,
                                                   const char        *detail);

GDateTime       *qd_sample_record_get_status_time (QdSampleRecord    *self);
gboolean         qd_sample_record_is_pending      (QdSampleRecord    *self);
gboolean         qd_sample_record_can_recheck     (QdSampleRecord    *self,
                                                   GError           **error);
GDateTime       *qd_sample_record_get_next_check  (QdSampleRecord    *self);
gboolean         qd_sample_record_is_due          (QdSampleRecord    *self,
                                                   GDateTime         *now);
gboolean         qd_sample_record_can_escalate    (QdSampleRecord    *self,
                                                   GDateTime         *now,
                                                   GError           **error);

const char      *qd_follow_up_status_to_string    (QdFollowUpStatus   status);
gboolean         qd_follow_up_status_from_string  (const char        *str,
                                                   QdFollowUpStatus  *status);
const char      *qd_follow_up_status_get_label    (QdFollowUpStatus   status);

char            *qd_follow_up_format_time         (GDateTime         *time);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdSampleRecord, qd_sample_record_unref)

G_END_DECLS
