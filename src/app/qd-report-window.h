/* qd-report-window.h — the support report for samples still missed, to copy or save
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define QD_TYPE_REPORT_WINDOW (qd_report_window_get_type ())

G_DECLARE_FINAL_TYPE (QdReportWindow, qd_report_window, QD, REPORT_WINDOW, AdwWindow)

QdReportWindow *qd_report_window_new (GtkWindow  *parent,
                                      const char *text);

G_END_DECLS
