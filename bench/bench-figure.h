/* bench-figure.h — one benchmark figure as bench/run reads it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void bench_print_figure (const char *name,
                         double     *values,
                         guint       n);

G_END_DECLS
