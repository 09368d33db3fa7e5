/* qd-senders-window.h — the person's approved and blocked senders, at the gateway
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "qd-core.h"

G_BEGIN_DECLS

#define QD_TYPE_SENDERS_WINDOW (qd_senders_window_get_type ())

G_DECLARE_FINAL_TYPE (QdSendersWindow, qd_senders_window, QD, SENDERS_WINDOW, AdwWindow)

QdSendersWindow *qd_senders_window_new (GtkWindow *parent,
                                        QdSession *session);

G_END_DECLS
