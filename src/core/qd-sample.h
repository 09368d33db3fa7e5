/* qd-sample.h — one missed-spam sample and the submission rules it meets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "qd-gateway-info.h"
#include "qd-mail.h"
#include "qd-smtp-client.h"

G_BEGIN_DECLS

/* The rules of seed 002, each evaluated for every sample. */
typedef enum
{
  QD_SAMPLE_RULE_FORMAT,     /* an RFC 5322 message: not .msg, not an archive, not empty */
  QD_SAMPLE_RULE_DATE,       /* when it was received can be shown */
  QD_SAMPLE_RULE_AGE,        /* at most max_sample_age_days old */
  QD_SAMPLE_RULE_SIZE,       /* fits under the limit with the smallest wrapper */
  QD_SAMPLE_RULE_DUPLICATE,  /* the same bytes were given twice */
  QD_SAMPLE_RULE_TRANSPORT,  /* the server can carry it unmodified */
} QdSampleRule;

typedef enum
{
  QD_CHECK_PASSED,
  QD_CHECK_NOTE,      /* passed, with something worth knowing */
  QD_CHECK_WARNING,   /* passed, but act soon */
  QD_CHECK_REFUSED,
  QD_CHECK_SKIPPED,   /* not evaluated: a rule it depends on failed */
} QdCheckStatus;

/* What a sample is, by its content (never by its file name). */
typedef enum
{
  QD_SAMPLE_FORMAT_MESSAGE,
  QD_SAMPLE_FORMAT_EMPTY,
  QD_SAMPLE_FORMAT_OUTLOOK,  /* OLE compound file: an Outlook .msg */
  QD_SAMPLE_FORMAT_ARCHIVE,  /* ZIP, gzip, 7z, RAR, tar, bzip2, xz, zstd */
  QD_SAMPLE_FORMAT_MBOX,     /* starts with an mbox "From " line */
  QD_SAMPLE_FORMAT_OTHER,
} QdSampleFormat;

/* How the sample can travel as a message/rfc822 body (RFC 2046 §5.2.1). */
typedef enum
{
  QD_TRANSFER_7BIT,
  QD_TRANSFER_8BIT,
  QD_TRANSFER_BINARY,
} QdTransfer;

typedef struct
{
  QdSampleRule   rule;
  QdCheckStatus  status;
  char          *message;   /* translated: what it means and what to do */
} QdSampleCheck;

#define QD_TYPE_SAMPLE (qd_sample_get_type ())

G_DECLARE_FINAL_TYPE (QdSample, qd_sample, QD, SAMPLE, GObject)

QdSample       *qd_sample_new               (GBytes         *data,
                                             const char     *name);
QdSample       *qd_sample_new_from_file     (GFile          *file,
                                             GCancellable   *cancellable,
                                             GError        **error);

const char     *qd_sample_get_name          (QdSample       *self);
GBytes         *qd_sample_get_data          (QdSample       *self);
const char     *qd_sample_get_digest        (QdSample       *self);
QdSampleFormat  qd_sample_get_format        (QdSample       *self);
GMimeMessage   *qd_sample_get_message       (QdSample       *self);
const char     *qd_sample_get_from          (QdSample       *self);
const char     *qd_sample_get_to            (QdSample       *self);
const char     *qd_sample_get_subject       (QdSample       *self);
GDateTime      *qd_sample_get_receipt_date  (QdSample       *self,
                                             QdDateSource   *source);
QdTransfer      qd_sample_get_transfer      (QdSample       *self);
gsize           qd_sample_get_wire_size     (QdSample       *self);
GBytes         *qd_sample_get_wire_data     (QdSample       *self);
char           *qd_sample_get_attachment_name (QdSample     *self,
                                               guint         index);

void            qd_sample_evaluate          (QdSample       *self,
                                             QdGatewayInfo  *info,
                                             GDateTime      *now);
void            qd_sample_evaluate_all      (GPtrArray      *samples,
                                             QdGatewayInfo  *info,
                                             GDateTime      *now);
void            qd_sample_check_transport   (QdSample       *self,
                                             QdSmtpExtensions extensions);
void            qd_sample_set_check         (QdSample       *self,
                                             QdSampleRule    rule,
                                             QdCheckStatus   status,
                                             const char     *message);
GPtrArray      *qd_sample_get_checks        (QdSample       *self);
const QdSampleCheck *qd_sample_get_check    (QdSample       *self,
                                             QdSampleRule    rule);
gboolean        qd_sample_is_refused        (QdSample       *self);
gboolean        qd_sample_is_duplicate      (QdSample       *self);
gboolean        qd_sample_is_sendable       (QdSample       *self);
GDateTime      *qd_sample_get_deadline      (QdSample       *self);

G_END_DECLS
