/* qd-bench.h — figures for bench/run, recorded only with QD_BENCH=1
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "qd-core.h"
#include "qd-filter-bar.h"

G_BEGIN_DECLS

void     qd_bench_start   (void);
void     qd_bench_begin   (const char  *what);
gboolean qd_bench_wants   (QdFolder     folder);
void     qd_bench_batch_done (guint     n_done);
void     qd_bench_window_built (GtkWidget *window);
void     qd_bench_sign_in_shown (GtkWidget *widget);
void     qd_bench_watch   (GtkWidget   *scrolled,
                           QdItemList  *list,
                           QdFilterBar *filter_bar);

G_END_DECLS
