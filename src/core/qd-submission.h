/* qd-submission.h — one missed-spam report: the samples as message/rfc822
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "qd-sample.h"
#include "qd-smtp-client.h"

G_BEGIN_DECLS

#define QD_TYPE_SUBMISSION (qd_submission_get_type ())

G_DECLARE_FINAL_TYPE (QdSubmission, qd_submission, QD, SUBMISSION, GObject)

GPtrArray        *qd_submission_pack          (GPtrArray     *samples,
                                               const char    *from,
                                               const char    *to,
                                               gint64         limit,
                                               GDateTime     *date,
                                               GError       **error);
gsize             qd_submission_measure       (GPtrArray     *samples,
                                               const char    *from,
                                               const char    *to,
                                               GDateTime     *date);

const char       *qd_submission_get_message_id (QdSubmission *self);
const char       *qd_submission_get_from       (QdSubmission *self);
const char       *qd_submission_get_to         (QdSubmission *self);
GDateTime        *qd_submission_get_date       (QdSubmission *self);
GPtrArray        *qd_submission_get_samples    (QdSubmission *self);
GBytes           *qd_submission_get_data       (QdSubmission *self);
gsize             qd_submission_get_size       (QdSubmission *self);
QdSmtpExtensions  qd_submission_get_required_extensions (QdSubmission *self);
GDateTime        *qd_submission_get_deadline   (QdSubmission *self);

G_END_DECLS
