/* qd-gw-intake.h — the samples inside a missed-spam submission
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qd-gw-store.h"

G_BEGIN_DECLS

GPtrArray *qd_gw_intake_evaluate (GBytes    *submission,
                                  GDateTime *now,
                                  guint      max_age_days);

G_END_DECLS
