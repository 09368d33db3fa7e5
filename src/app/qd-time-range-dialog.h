/* qd-time-range-dialog.h — a custom receipt-time range, to the minute
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define QD_TYPE_TIME_RANGE_DIALOG (qd_time_range_dialog_get_type ())

G_DECLARE_FINAL_TYPE (QdTimeRangeDialog, qd_time_range_dialog, QD, TIME_RANGE_DIALOG,
                      AdwMessageDialog)

QdTimeRangeDialog *qd_time_range_dialog_new (GtkWindow *parent,
                                             GDateTime *since,
                                             GDateTime *until);

G_END_DECLS
