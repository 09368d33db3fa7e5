/* qd-message-header.h — the column titles above the message list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "qd-core.h"

G_BEGIN_DECLS

#define QD_TYPE_MESSAGE_HEADER (qd_message_header_get_type ())

G_DECLARE_FINAL_TYPE (QdMessageHeader, qd_message_header, QD, MESSAGE_HEADER, GtkWidget)

void qd_message_header_set_sortable (QdMessageHeader *self,
                                     gboolean         sortable);
void qd_message_header_set_show_reason (QdMessageHeader *self,
                                       gboolean         show_reason);
void qd_message_header_get_sort (QdMessageHeader *self,
                                 QdSortColumn    *sort,
                                 gboolean        *descending);

G_END_DECLS
