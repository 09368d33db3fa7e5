/* qd-time.h — times as people read them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *qd_format_local_time (GDateTime  *time,
                            const char *format);

G_END_DECLS
