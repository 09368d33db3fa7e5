/* qd-message-row.h — one held message in the list, drawn as one widget
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "qd-core.h"

G_BEGIN_DECLS

#define QD_TYPE_MESSAGE_ROW (qd_message_row_get_type ())

G_DECLARE_FINAL_TYPE (QdMessageRow, qd_message_row, QD, MESSAGE_ROW, GtkWidget)

GtkWidget *qd_message_row_new      (void);
void       qd_message_row_set_item (QdMessageRow *self,
                                    QdItem       *item);
void       qd_message_row_set_show_reason (QdMessageRow *self,
                                           gboolean      show_reason);
void       qd_message_row_prepare_fonts   (GtkWidget    *list);

G_END_DECLS
