/* qd-check-window.h — is this message currently classified as spam?
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "qd-core.h"

G_BEGIN_DECLS

#define QD_TYPE_CHECK_WINDOW (qd_check_window_get_type ())

G_DECLARE_FINAL_TYPE (QdCheckWindow, qd_check_window, QD, CHECK_WINDOW, AdwWindow)

QdCheckWindow *qd_check_window_new (GtkWindow   *parent,
                                    QdApiClient *client,
                                    GFile       *file);

G_END_DECLS
