/* qd-async-wait.h — waiting for an async call's result without a main loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void          qd_async_wait_result_cb (GObject       *source,
                                       GAsyncResult  *result,
                                       gpointer       slot);
GAsyncResult *qd_async_wait           (GAsyncResult **slot);

G_END_DECLS
