/* qd-follow-up.h — following up reported samples: are they classified as
 * spam now? When to check again; what to tell support
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "qd-api-client.h"
#include "qd-sample-record.h"
#include "qd-store.h"
#include "qd-verdict.h"

G_BEGIN_DECLS

/* What a re-check found for one sample. */
typedef struct
{
  char             *sha256;
  QdSampleRecord   *record;     /* the sample as now recorded; NULL if unknown */
  QdFollowUpStatus  before;
  QdFollowUpStatus  after;
  gboolean          checked;    /* the gateway was asked (and answered) */
  gboolean          changed;    /* a new status was recorded at @checked_at */
  GDateTime        *checked_at;
  QdVerdict        *verdict;    /* NULL unless @checked */
  GError           *error;      /* why it was not checked; NULL for a sample
                                 * already classified as spam (never asked again) */
} QdRecheckResult;

void qd_recheck_result_free (QdRecheckResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdRecheckResult, qd_recheck_result_free)

#define QD_TYPE_FOLLOW_UP (qd_follow_up_get_type ())

G_DECLARE_FINAL_TYPE (QdFollowUp, qd_follow_up, QD, FOLLOW_UP, GObject)

QdFollowUp     *qd_follow_up_new              (QdStore             *store,
                                               QdApiClient         *client);
QdStore        *qd_follow_up_get_store        (QdFollowUp          *self);
QdApiClient    *qd_follow_up_get_client       (QdFollowUp          *self);
void            qd_follow_up_set_client       (QdFollowUp          *self,
                                               QdApiClient         *client);
guint           qd_follow_up_get_max_sample_age_days (QdFollowUp   *self);
void            qd_follow_up_set_max_sample_age_days (QdFollowUp   *self,
                                                      guint         days);

void            qd_follow_up_reload_async     (QdFollowUp          *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean        qd_follow_up_reload_finish    (QdFollowUp          *self,
                                               GAsyncResult        *result,
                                               GError             **error);
GPtrArray      *qd_follow_up_get_samples      (QdFollowUp          *self);
QdSampleRecord *qd_follow_up_lookup           (QdFollowUp          *self,
                                               const char          *sha256);

GDateTime      *qd_follow_up_next_due         (QdFollowUp          *self,
                                               GDateTime           *now);
GStrv           qd_follow_up_due_samples      (QdFollowUp          *self,
                                               GDateTime           *now);

void            qd_follow_up_recheck_async    (QdFollowUp          *self,
                                               const char * const  *sha256s,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GPtrArray      *qd_follow_up_recheck_finish   (QdFollowUp          *self,
                                               GAsyncResult        *result,
                                               GError             **error);

char           *qd_follow_up_build_report     (QdFollowUp          *self,
                                               const char * const  *sha256s,
                                               GDateTime           *now,
                                               GError             **error);

G_END_DECLS
