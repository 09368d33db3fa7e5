/* qd-list-selection.h — the selection over a paging list, which keeps its rows loaded
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "qd-item-list.h"

G_BEGIN_DECLS

GtkMultiSelection *qd_list_selection_new (QdItemList *list);

G_END_DECLS
