/* qd-report-page.h — report spam that got through: samples, rules, sending
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "qd-core.h"
#include "qd-session-page.h"

G_BEGIN_DECLS

#define QD_TYPE_REPORT_PAGE (qd_report_page_get_type ())

G_DECLARE_FINAL_TYPE (QdReportPage, qd_report_page, QD, REPORT_PAGE, QdSessionPage)

void qd_report_page_add_files   (QdReportPage  *self,
                                 GFile        **files,
                                 guint          n_files);
void qd_report_page_send_pending (QdReportPage  *self,
                                  QdStore       *store);

G_END_DECLS
