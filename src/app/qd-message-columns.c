/* qd-message-columns.c — where each column of the message list goes
 *
 * The list is a GtkListView of single-widget rows rather than a
 * GtkColumnView: GTK 4.8 keeps 200 rows alive, and a column view row is
 * six list-item widgets plus our labels.  The header and the rows share
 * this one layout, so their columns line up without a column view.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "qd-message-columns.h"

/* Widths as the column view had them.  Subject takes what is left. */
static const int wide_width[QD_N_COLUMNS] = { 120, 200, 0, 160, 84 };
#define SUBJECT_MIN 120
/* The narrowest a compact row is drawn at. */
#define COMPACT_MIN 240

static int
sum (const int *widths)
{
  int total = 0;

  for (guint i = 0; i < QD_N_COLUMNS; i++)
    total += widths[i];
  return total;
}

/**
 * qd_message_columns_min_width:
 *
 * The narrowest a row can be: a compact one.
 */
int
qd_message_columns_min_width (void)
{
  return COMPACT_MIN;
}

/**
 * qd_message_columns_compact:
 *
 * Whether @width is too narrow for every column with a useful subject:
 * then a row is two lines (sender and time; subject and reason), as in
 * mail programs, rather than columns cut to "Receiv…" with no reason.
 */
gboolean
qd_message_columns_compact (int width)
{
  return width < sum (wide_width) + SUBJECT_MIN * 2;
}

/**
 * qd_message_columns_layout:
 * @width: the width of the row or header
 * @rtl: whether columns run right to left
 *
 * Places the columns in @width when they all fit with a useful subject;
 * otherwise says the layout is compact, and the row and header arrange
 * themselves.
 */
void
qd_message_columns_layout (int             width,
                           gboolean        rtl,
                           QdColumnLayout *layout)
{
  int x = 0;

  layout->compact = qd_message_columns_compact (width);
  for (guint i = 0; i < QD_N_COLUMNS; i++)
    {
      int w = layout->compact ? 0
              : i == QD_COLUMN_SUBJECT ? MAX (width - sum (wide_width), 0) : wide_width[i];

      layout->width[i] = w;
      layout->x[i] = rtl ? width - x - w : x;
      x += w;
    }
}

/**
 * qd_message_columns_drop:
 *
 * Gives @column's width to the subject, for a list whose messages have
 * nothing to say there (the Inbox has no reason a message was held).
 */
void
qd_message_columns_drop (QdColumnLayout *layout,
                         QdColumn        column,
                         gboolean        rtl)
{
  int width = 0;
  int x = 0;

  g_return_if_fail (column < QD_N_COLUMNS && column != QD_COLUMN_SUBJECT);

  for (guint i = 0; i < QD_N_COLUMNS; i++)
    width += layout->width[i];
  layout->width[QD_COLUMN_SUBJECT] += layout->width[column];
  layout->width[column] = 0;
  for (guint i = 0; i < QD_N_COLUMNS; i++)
    {
      layout->x[i] = rtl ? width - x - layout->width[i] : x;
      x += layout->width[i];
    }
}

const char *
qd_message_columns_title (QdColumn column)
{
  switch (column)
    {
    case QD_COLUMN_RECEIVED:
      return _("Received");
    case QD_COLUMN_FROM:
      return _("From");
    case QD_COLUMN_SUBJECT:
      return _("Subject");
    case QD_COLUMN_REASON:
      return _("Reason");
    case QD_COLUMN_SIZE:
      return _("Size");
    case QD_N_COLUMNS:
    default:
      g_return_val_if_fail (column < QD_N_COLUMNS, NULL);
      return NULL;
    }
}

/**
 * qd_message_columns_sort:
 * @sort: (out): the gateway's sort key for @column
 *
 * Returns: %FALSE for a column the gateway cannot sort by
 */
gboolean
qd_message_columns_sort (QdColumn      column,
                         QdSortColumn *sort)
{
  static const int sort_of_column[QD_N_COLUMNS] = {
    [QD_COLUMN_RECEIVED] = QD_SORT_RECEIVED_AT,
    [QD_COLUMN_FROM] = QD_SORT_FROM,
    [QD_COLUMN_SUBJECT] = QD_SORT_SUBJECT,
    [QD_COLUMN_REASON] = -1,
    [QD_COLUMN_SIZE] = QD_SORT_SIZE,
  };

  g_return_val_if_fail (column < QD_N_COLUMNS, FALSE);
  if (sort_of_column[column] < 0)
    return FALSE;
  *sort = sort_of_column[column];
  return TRUE;
}
