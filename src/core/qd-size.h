/* qd-size.h — sizes in bytes as people read them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *qd_format_size (gint64 bytes);

G_END_DECLS
