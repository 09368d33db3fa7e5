/* qd-message-header.c — the column titles above the message list
 *
 * Each title the gateway can sort by is a button: a click sorts by its
 * column, a second click turns the order round.  The sort is the
 * gateway's; this widget only says which column and which way, with
 * its "sort-changed" signal.  Titles are placed by qd-message-columns, like
 * the texts of the rows below.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "qd-message-columns.h"
#include "qd-message-header.h"

struct _QdMessageHeader
{
  GtkWidget  parent_instance;

  GtkWidget *title[QD_N_COLUMNS];   /* a button, or a label when not sortable */
  GtkWidget *arrow[QD_N_COLUMNS];
  QdColumn   sort_column;
  gboolean   descending;
  gboolean   sortable;
  gboolean   hide_reason;
};

G_DEFINE_FINAL_TYPE (QdMessageHeader, qd_message_header, GTK_TYPE_WIDGET)

enum
{
  SORT_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_sort (QdMessageHeader *self)
{
  for (guint i = 0; i < QD_N_COLUMNS; i++)
    {
      GtkAccessibleSort sort = GTK_ACCESSIBLE_SORT_NONE;

      if (self->arrow[i] == NULL)
        continue;
      gtk_widget_set_visible (self->arrow[i], i == self->sort_column);
      if (i == self->sort_column)
        {
          gtk_image_set_from_icon_name (GTK_IMAGE (self->arrow[i]),
                                        self->descending ? "pan-down-symbolic"
                                                         : "pan-up-symbolic");
          sort = self->descending ? GTK_ACCESSIBLE_SORT_DESCENDING : GTK_ACCESSIBLE_SORT_ASCENDING;
        }
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->title[i]),
                                      GTK_ACCESSIBLE_PROPERTY_SORT, sort, -1);
    }
}

static void
title_clicked_cb (GtkButton       *button,
                  QdMessageHeader *self)
{
  QdColumn column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "qd-column"));

  if (column == self->sort_column)
    self->descending = !self->descending;
  else
    {
      self->sort_column = column;
      /* Newest and largest first; names and subjects from A. */
      self->descending = column == QD_COLUMN_RECEIVED || column == QD_COLUMN_SIZE;
    }
  show_sort (self);
  g_signal_emit (self, signals[SORT_CHANGED], 0);
}

static GtkWidget *
new_title (QdMessageHeader *self,
           QdColumn         column)
{
  QdSortColumn sort;
  GtkWidget *label = gtk_label_new (qd_message_columns_title (column));
  GtkWidget *box, *button;

  gtk_label_set_xalign (GTK_LABEL (label), column == QD_COLUMN_SIZE ? 1 : 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (!qd_message_columns_sort (column, &sort))
    {
      gtk_widget_add_css_class (label, "title");
      return label;
    }

  /* The arrow follows the title, as in a column view. */
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_halign (box, column == QD_COLUMN_SIZE ? GTK_ALIGN_END : GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (box), label);
  self->arrow[column] = gtk_image_new ();
  gtk_box_append (GTK_BOX (box), self->arrow[column]);

  button = gtk_button_new ();
  gtk_button_set_child (GTK_BUTTON (button), box);
  /* Like a column view's titles, they sort with the pointer and stay
   * out of the Tab chain between the filters and the list. */
  gtk_widget_set_focusable (button, FALSE);
  gtk_widget_set_focus_on_click (button, FALSE);
  gtk_widget_set_tooltip_text (button, _("Sort by this column; click again to reverse"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  qd_message_columns_title (column), -1);
  g_object_set_data (G_OBJECT (button), "qd-column", GINT_TO_POINTER (column));
  g_signal_connect (button, "clicked", G_CALLBACK (title_clicked_cb), self);
  return button;
}

static void
qd_message_header_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  QdMessageHeader *self = QD_MESSAGE_HEADER (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = *natural = qd_message_columns_min_width ();
      return;
    }
  *minimum = *natural = 0;
  for (guint i = 0; i < QD_N_COLUMNS; i++)
    {
      int min, nat;

      gtk_widget_measure (self->title[i], orientation, -1, &min, &nat, NULL, NULL);
      *minimum = MAX (*minimum, min);
      *natural = MAX (*natural, nat);
    }
}

/* Over two-line rows, columns line up with nothing: the titles that sort
 * stand side by side, so sorting stays a click away at any width. */
static void
allocate_compact (QdMessageHeader *self,
                  int              width,
                  int              height)
{
  gboolean rtl = gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL;
  int x = 0;

  for (guint i = 0; i < QD_N_COLUMNS; i++)
    {
      int nat;

      gtk_widget_measure (self->title[i], GTK_ORIENTATION_HORIZONTAL, -1, NULL, &nat, NULL, NULL);
      nat += 2 * QD_COLUMN_PADDING;
      /* Only titles that sort; all of them, or the first ones that fit. */
      if (self->arrow[i] == NULL || x + nat > width)
        {
          gtk_widget_set_child_visible (self->title[i], FALSE);
          continue;
        }
      gtk_widget_set_child_visible (self->title[i], TRUE);
      gtk_widget_size_allocate (self->title[i],
                                &(GtkAllocation) { rtl ? width - x - nat : x, 0, nat, height },
                                -1);
      x += nat;
    }
}

static void
qd_message_header_size_allocate (GtkWidget *widget,
                                 int        width,
                                 int        height,
                                 int        baseline)
{
  QdMessageHeader *self = QD_MESSAGE_HEADER (widget);
  QdColumnLayout columns;

  qd_message_columns_layout (width, gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL,
                             &columns);
  if (columns.compact)
    {
      allocate_compact (self, width, height);
      return;
    }
  if (self->hide_reason)
    qd_message_columns_drop (&columns, QD_COLUMN_REASON,
                             gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL);
  for (guint i = 0; i < QD_N_COLUMNS; i++)
    {
      int min;

      gtk_widget_measure (self->title[i], GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
      /* A column narrowed away takes its title with it. */
      gtk_widget_set_child_visible (self->title[i], columns.width[i] >= min);
      if (columns.width[i] >= min)
        gtk_widget_size_allocate (self->title[i],
                                  &(GtkAllocation) { columns.x[i], 0, columns.width[i], height },
                                  -1);
    }
}

static void
qd_message_header_dispose (GObject *object)
{
  QdMessageHeader *self = (QdMessageHeader *)object;

  for (guint i = 0; i < QD_N_COLUMNS; i++)
    g_clear_pointer (&self->title[i], gtk_widget_unparent);

  G_OBJECT_CLASS (qd_message_header_parent_class)->dispose (object);
}

static void
qd_message_header_class_init (QdMessageHeaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qd_message_header_dispose;
  widget_class->measure = qd_message_header_measure;
  widget_class->size_allocate = qd_message_header_size_allocate;

  /**
   * QdMessageHeader::sort-changed:
   *
   * A title was clicked: read the new order with
   * qd_message_header_get_sort().
   */
  signals[SORT_CHANGED] = g_signal_new ("sort-changed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 0);

  gtk_widget_class_set_css_name (widget_class, "messageheader");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_ROW);
}

static void
qd_message_header_init (QdMessageHeader *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Column headers"), -1);
  for (guint i = 0; i < QD_N_COLUMNS; i++)
    {
      self->title[i] = new_title (self, i);
      gtk_widget_set_parent (self->title[i], GTK_WIDGET (self));
    }
  self->sort_column = QD_COLUMN_RECEIVED;
  self->descending = TRUE;
  self->sortable = TRUE;
  show_sort (self);
}

/**
 * qd_message_header_get_sort:
 * @sort: (out): the gateway's sort key
 * @descending: (out): whether the order is turned round
 */
/* A source that lists newest first only: the titles stop sorting, and the
 * arrow shows the one order there is. */
/* The title over a column the rows leave out goes too (the Inbox picker). */
void
qd_message_header_set_show_reason (QdMessageHeader *self,
                                   gboolean         show_reason)
{
  g_return_if_fail (QD_IS_MESSAGE_HEADER (self));

  self->hide_reason = !show_reason;
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

void
qd_message_header_set_sortable (QdMessageHeader *self,
                                gboolean         sortable)
{
  g_return_if_fail (QD_IS_MESSAGE_HEADER (self));

  if (self->sortable == sortable)
    return;
  self->sortable = sortable;
  for (guint i = 0; i < QD_N_COLUMNS; i++)
    if (self->arrow[i] != NULL)
      {
        gtk_widget_set_can_target (self->title[i], sortable);
        gtk_widget_set_tooltip_text (self->title[i], sortable
                                     ? _("Sort by this column; click again to reverse") : NULL);
      }
  if (!sortable)
    {
      self->sort_column = QD_COLUMN_RECEIVED;
      self->descending = TRUE;
    }
  show_sort (self);
}

void
qd_message_header_get_sort (QdMessageHeader *self,
                            QdSortColumn    *sort,
                            gboolean        *descending)
{
  g_return_if_fail (QD_IS_MESSAGE_HEADER (self));

  if (!qd_message_columns_sort (self->sort_column, sort))
    g_assert_not_reached ();
  *descending = self->descending;
}
