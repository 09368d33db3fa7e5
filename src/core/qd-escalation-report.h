/* qd-escalation-report.h — the text for support about samples still missed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "qd-sample-record.h"
#include "qd-store.h"

G_BEGIN_DECLS

char *qd_escalation_report_build (QdStore            *store,
                                  const char * const *sha256s,
                                  guint               max_sample_age_days,
                                  GDateTime          *now,
                                  GError            **error);
char *qd_escalation_report_write (GPtrArray  *records,
                                  GPtrArray  *datas,
                                  guint       max_sample_age_days,
                                  GDateTime  *now);

G_END_DECLS
