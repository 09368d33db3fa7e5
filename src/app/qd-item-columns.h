/* qd-item-columns.h — the columns of a held-message list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "qd-core.h"

G_BEGIN_DECLS

void     qd_item_columns_add      (GtkColumnView *view);
void     qd_item_columns_set_compact (GtkColumnView *view,
                                      gboolean       compact);
gboolean qd_item_columns_get_sort (GtkColumnView *view,
                                   QdSortColumn  *column,
                                   gboolean      *descending);

G_END_DECLS
