/* qd-item-columns.c — cells built in code, bound to immutable QdItems
 *
 * Sorting is the gateway's: a click on a header only says which column
 * and which way. GTK 4.8 cannot tell that (gtk_column_view_sorter_* came
 * in 4.10), so qd_item_columns_get_sort() asks the view's sorter itself,
 * with columns whose sorters answer a probe.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "qd-format.h"
#include "qd-item-columns.h"

typedef enum
{
  COLUMN_RECEIVED,
  COLUMN_FROM,
  COLUMN_SUBJECT,
  COLUMN_REASON,
  COLUMN_SIZE,
  N_COLUMNS
} Column;

static const QdSortColumn sort_of_column[N_COLUMNS] = {
  [COLUMN_RECEIVED] = QD_SORT_RECEIVED_AT,
  [COLUMN_FROM] = QD_SORT_FROM,
  [COLUMN_SUBJECT] = QD_SORT_SUBJECT,
  [COLUMN_REASON] = -1,
  [COLUMN_SIZE] = QD_SORT_SIZE,
};

/* The column whose sorter answers "larger" during a probe; -1 otherwise. */
static int probe_mark = -1;

static int
probe_compare (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  if (probe_mark < 0)
    return GTK_ORDERING_EQUAL;
  return GPOINTER_TO_INT (user_data) == probe_mark ? GTK_ORDERING_LARGER : GTK_ORDERING_SMALLER;
}

static GtkWidget *
dim_label (void)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "caption");
  return label;
}

static GtkWidget *
plain_label (void)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  return label;
}

static char *
subject_text (QdItem *item)
{
  const char *subject = qd_item_get_subject (item);

  return qd_text_make_safe (subject != NULL ? subject : _("(no subject)"), -1);
}

/* GTK 4.8 has no gtk_list_item_set_accessible_label() (4.12), so a
 * screen reader would hear only "GtkListItemWidget" for a row.  The row
 * widget is the parent of the cell that holds our child; name it there,
 * and only if it really is the row, in case GTK's structure changes. */
static void
label_row (GtkWidget  *cell_child,
           const char *label)
{
  GtkWidget *cell = gtk_widget_get_parent (cell_child);
  GtkWidget *row = cell != NULL ? gtk_widget_get_parent (cell) : NULL;

  /* The row only: each update is a D-Bus signal to the accessibility
   * bus, for every row bound while scrolling. */
  if (row != NULL && gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (row)) == GTK_ACCESSIBLE_ROLE_ROW)
    gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  GtkWidget *child;

  if (column == COLUMN_FROM)
    {
      GtkWidget *name = plain_label ();
      GtkWidget *address = dim_label ();

      child = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
      gtk_widget_add_css_class (name, "heading");
      gtk_box_append (GTK_BOX (child), name);
      gtk_box_append (GTK_BOX (child), address);
    }
  else
    {
      child = plain_label ();
      if (column == COLUMN_SIZE)
        gtk_label_set_xalign (GTK_LABEL (child), 1);
      if (column == COLUMN_RECEIVED || column == COLUMN_SIZE)
        gtk_widget_add_css_class (child, "numeric");
    }
  gtk_list_item_set_child (list_item, child);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *list_item,
         gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  QdItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *child = gtk_list_item_get_child (list_item);
  g_autofree char *text = NULL;

  if (qd_item_is_placeholder (item))
    {
      if (column == COLUMN_FROM)
        {
          gtk_label_set_text (GTK_LABEL (gtk_widget_get_first_child (child)), _("Loading…"));
          gtk_label_set_text (GTK_LABEL (gtk_widget_get_last_child (child)), "");
          label_row (child, _("Loading…"));
        }
      else
        gtk_label_set_text (GTK_LABEL (child), "");
      return;
    }

  switch (column)
    {
    case COLUMN_RECEIVED:
      text = qd_format_when (qd_item_get_received_at (item));
      gtk_label_set_text (GTK_LABEL (child), text);
      break;
    case COLUMN_FROM:
      {
        const char *name = qd_item_get_from_name (item);
        const char *address = qd_item_get_from_address (item);
        g_autofree char *safe_name = qd_text_make_safe (name != NULL ? name : address, -1);
        g_autofree char *safe_address = qd_address_for_display (address);
        g_autofree char *safe_subject = subject_text (item);
        g_autofree char *description = NULL;

        gtk_label_set_text (GTK_LABEL (gtk_widget_get_first_child (child)), safe_name);
        /* The address is always shown: look-alikes hide behind names. */
        gtk_label_set_text (GTK_LABEL (gtk_widget_get_last_child (child)), safe_address);
        /* One sentence for a screen reader: sender, subject, reason. */
        text = qd_format_reason (item);
        description = g_strdup_printf (_("From %s <%s>, “%s”, %s"), safe_name, safe_address,
                                       safe_subject, text);
        label_row (child, description);
        break;
      }
    case COLUMN_SUBJECT:
      text = subject_text (item);
      gtk_label_set_text (GTK_LABEL (child), text);
      break;
    case COLUMN_REASON:
      text = qd_format_reason (item);
      gtk_label_set_text (GTK_LABEL (child), text);
      break;
    case COLUMN_SIZE:
      text = qd_format_size (qd_item_get_size (item));
      gtk_label_set_text (GTK_LABEL (child), text);
      break;
    case N_COLUMNS:
    default:
      g_assert_not_reached ();
    }
}

static GtkColumnViewColumn *
add_column (GtkColumnView *view,
            Column         column,
            const char    *title,
            gboolean       expand,
            int            fixed_width)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *col;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), GINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), GINT_TO_POINTER (column));
  col = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (col, expand);
  gtk_column_view_column_set_resizable (col, TRUE);
  if (fixed_width > 0)
    gtk_column_view_column_set_fixed_width (col, fixed_width);
  if ((int)sort_of_column[column] >= 0)
    {
      g_autoptr(GtkSorter) sorter = GTK_SORTER (gtk_custom_sorter_new (probe_compare,
                                                                       GINT_TO_POINTER (column),
                                                                       NULL));

      gtk_column_view_column_set_sorter (col, sorter);
    }
  g_object_set_data (G_OBJECT (col), "qd-column", GINT_TO_POINTER (column));
  gtk_column_view_append_column (view, col);
  return col;
}

/* GTK 4.8 names the header row and its clickable titles after their
 * classes ("GtkColumnViewTitle"); give them the words on screen.  The
 * header is the view's first child, a row with one title per column. */
static void
name_header (GtkColumnView *view)
{
  GtkWidget *header = gtk_widget_get_first_child (GTK_WIDGET (view));
  GListModel *columns = gtk_column_view_get_columns (view);
  GtkWidget *title;
  guint i = 0;

  if (header == NULL
      || gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (header)) != GTK_ACCESSIBLE_ROLE_ROW)
    return;
  gtk_accessible_update_property (GTK_ACCESSIBLE (header), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Column headers"), -1);
  for (title = gtk_widget_get_first_child (header);
       title != NULL && i < g_list_model_get_n_items (columns);
       title = gtk_widget_get_next_sibling (title), i++)
    {
      g_autoptr(GtkColumnViewColumn) col = g_list_model_get_item (columns, i);

      gtk_accessible_update_property (GTK_ACCESSIBLE (title), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      gtk_column_view_column_get_title (col), -1);
    }
}

void
qd_item_columns_add (GtkColumnView *view)
{
  g_autoptr(GtkColumnViewColumn) received = NULL;

  received = add_column (view, COLUMN_RECEIVED, _("Received"), FALSE, 120);
  g_object_unref (add_column (view, COLUMN_FROM, _("From"), FALSE, 200));
  g_object_unref (add_column (view, COLUMN_SUBJECT, _("Subject"), TRUE, -1));
  g_object_unref (add_column (view, COLUMN_REASON, _("Reason"), FALSE, 160));
  g_object_unref (add_column (view, COLUMN_SIZE, _("Size"), FALSE, 84));
  gtk_column_view_sort_by_column (view, received, GTK_SORT_DESCENDING);
  name_header (view);
}

/**
 * qd_item_columns_get_sort:
 *
 * Which column the person sorted by, and which way.
 *
 * Returns: %FALSE when no column is sorted
 */
/**
 * qd_item_columns_set_compact:
 *
 * In a narrow window only when, who and what are shown.
 */
void
qd_item_columns_set_compact (GtkColumnView *view,
                             gboolean       compact)
{
  GListModel *columns = gtk_column_view_get_columns (view);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) col = g_list_model_get_item (columns, i);
      Column c = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (col), "qd-column"));

      /* Narrowed rather than hidden: GTK 4.8 stops giving the expanding
       * Subject column the free width once a column is hidden. */
      if (c == COLUMN_REASON || c == COLUMN_SIZE)
        gtk_column_view_column_set_fixed_width (col, compact ? 1 : (c == COLUMN_SIZE ? 84 : 160));
      if (c == COLUMN_RECEIVED)
        gtk_column_view_column_set_fixed_width (col, compact ? 90 : 120);
      if (c == COLUMN_FROM)
        gtk_column_view_column_set_fixed_width (col, compact ? 150 : 200);
    }
  gtk_widget_queue_resize (GTK_WIDGET (view));
}

gboolean
qd_item_columns_get_sort (GtkColumnView *view,
                          QdSortColumn  *sort,
                          gboolean      *descending)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (view);
  GListModel *columns = gtk_column_view_get_columns (view);
  g_autoptr(QdItem) a = qd_item_new_placeholder ();
  g_autoptr(GtkColumnViewColumn) first_sortable = NULL;
  GtkOrdering results[N_COLUMNS] = { 0 };
  int larger = 0;
  int last_larger = -1;
  int last_smaller = -1;

  if (sorter == NULL || gtk_sorter_get_order (sorter) == GTK_SORTER_ORDER_NONE)
    return FALSE;

  /* Each column answers "larger" in turn and the others "smaller": the
   * view's answer is its primary column's, turned by the direction. So
   * the primary column is the one whose turn changes the answer. */
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) col = g_list_model_get_item (columns, i);
      Column c = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (col), "qd-column"));

      if (gtk_column_view_column_get_sorter (col) == NULL)
        continue;
      probe_mark = c;
      results[c] = gtk_sorter_compare (sorter, a, a);
      probe_mark = -1;
      if (results[c] == GTK_ORDERING_LARGER)
        {
          larger++;
          last_larger = c;
        }
      else if (results[c] == GTK_ORDERING_SMALLER)
        last_smaller = c;
    }

  if (last_larger < 0 && last_smaller < 0)
    return FALSE;
  /* Ascending: only the primary says "larger". Descending: only it says "smaller". */
  if (larger == 1)
    {
      *sort = sort_of_column[last_larger];
      *descending = FALSE;
    }
  else
    {
      *sort = sort_of_column[last_smaller];
      *descending = TRUE;
    }
  return TRUE;
}
