/* qd-toast.h — a toast from any widget inside the window's toast overlay
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void qd_show_toast (GtkWidget  *widget,
                    const char *title);

G_END_DECLS
