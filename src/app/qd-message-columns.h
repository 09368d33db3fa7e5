/* qd-message-columns.h — the columns of a held-message list, shared by
 * its header and its rows so that both put each column in one place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "qd-core.h"

G_BEGIN_DECLS

typedef enum
{
  QD_COLUMN_RECEIVED,
  QD_COLUMN_FROM,
  QD_COLUMN_SUBJECT,
  QD_COLUMN_REASON,
  QD_COLUMN_SIZE,
  QD_N_COLUMNS
} QdColumn;

/* Space between a cell's text and its neighbours, on each side. */
#define QD_COLUMN_PADDING 6

typedef struct
{
  int      x[QD_N_COLUMNS];       /* left edge, left to right */
  int      width[QD_N_COLUMNS];   /* 0: not shown at this width */
  gboolean compact;               /* too narrow for every column: rows of two lines */
} QdColumnLayout;

int         qd_message_columns_min_width (void);
gboolean    qd_message_columns_compact   (int             width);
void        qd_message_columns_layout    (int             width,
                                          gboolean        rtl,
                                          QdColumnLayout *layout);
void        qd_message_columns_drop      (QdColumnLayout *layout,
                                          QdColumn        column,
                                          gboolean        rtl);
const char *qd_message_columns_title     (QdColumn        column);
gboolean    qd_message_columns_sort      (QdColumn        column,
                                          QdSortColumn   *sort);

G_END_DECLS
