/* qd-application.h — the application: its settings, session and follow-up of reported samples
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "qd-core.h"

G_BEGIN_DECLS

#define QD_TYPE_APPLICATION (qd_application_get_type ())

G_DECLARE_FINAL_TYPE (QdApplication, qd_application, QD, APPLICATION, AdwApplication)

QdApplication *qd_application_new          (void);
GSettings     *qd_application_get_settings (QdApplication *self);
QdSession     *qd_application_get_session  (QdApplication *self);
QdFollowUp    *qd_application_get_follow_up (QdApplication *self);

G_END_DECLS
