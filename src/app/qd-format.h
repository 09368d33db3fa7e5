/* qd-format.h — dates, sizes and senders as people read them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "qd-core.h"

G_BEGIN_DECLS

char *qd_format_when         (GDateTime *time);
char *qd_format_full_date    (GDateTime *time);
char *qd_format_reason       (QdItem    *item);
char *qd_format_count        (gint64     count);

void  qd_name_password_peek  (GtkWidget *password_row);

G_END_DECLS
