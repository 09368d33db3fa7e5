/* qd-message-row.c — one held message in the list, drawn as one widget
 *
 * GTK 4.8's list view keeps 200 rows alive and makes new ones as the
 * list scrolls, so a row must be cheap to make and to bind.  This one
 * draws its texts itself: binding stores strings, its height comes from
 * the font rather than from laying out each text, and a text is laid
 * out only when the row is drawn.  Columns are placed by
 * qd-message-columns, like the header's titles.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "qd-format.h"
#include "qd-message-columns.h"
#include "qd-message-row.h"

typedef enum
{
  TEXT_RECEIVED,
  TEXT_NAME,
  TEXT_ADDRESS,
  TEXT_SUBJECT,
  TEXT_REASON,
  TEXT_TWIN,
  TEXT_SIZE,
  N_TEXTS
} Text;

static const QdColumn column_of_text[N_TEXTS] = {
  [TEXT_RECEIVED] = QD_COLUMN_RECEIVED,
  [TEXT_NAME] = QD_COLUMN_FROM,
  [TEXT_ADDRESS] = QD_COLUMN_FROM,
  [TEXT_SUBJECT] = QD_COLUMN_SUBJECT,
  [TEXT_REASON] = QD_COLUMN_REASON,
  [TEXT_TWIN] = QD_COLUMN_REASON,
  [TEXT_SIZE] = QD_COLUMN_SIZE,
};

/* Beside the list row's own padding: the probe's CJK line gives room. */
#define PADDING_Y 1
/* libadwaita's .dim-label and .caption */
#define DIM_ALPHA 0.55
#define CAPTION_SCALE PANGO_SCALE_SMALL

struct _QdMessageRow
{
  GtkWidget    parent_instance;

  QdItem      *item;
  char        *text[N_TEXTS];
  PangoLayout *layout[N_TEXTS];  /* made when first drawn */
  int          line_height;      /* of a plain line and of a caption, 0: not known */
  int          caption_height;
  guint        context_serial;   /* of the Pango context they were measured with */
  gboolean     hide_reason;
  gboolean     compact;          /* drawn as two lines, at its last snapshot */
};

G_DEFINE_FINAL_TYPE (QdMessageRow, qd_message_row, GTK_TYPE_WIDGET)

/* The same for every row, so made once. */
static PangoAttrList *
text_attributes (Text text)
{
  static PangoAttrList *attrs[N_TEXTS];

  if (attrs[text] == NULL)
    {
      attrs[text] = pango_attr_list_new ();
      if (text == TEXT_NAME)
        pango_attr_list_insert (attrs[text], pango_attr_weight_new (PANGO_WEIGHT_BOLD));
      if (text == TEXT_ADDRESS || text == TEXT_TWIN)
        pango_attr_list_insert (attrs[text], pango_attr_scale_new (CAPTION_SCALE));
      if (text == TEXT_RECEIVED || text == TEXT_SIZE)
        pango_attr_list_insert (attrs[text], pango_attr_font_features_new ("tnum=1"));
    }
  return attrs[text];
}

static void
clear_layouts (QdMessageRow *self)
{
  for (guint i = 0; i < N_TEXTS; i++)
    g_clear_object (&self->layout[i]);
}

/* One probe per font: Latin and CJK, whose fonts are taller.  Every row
 * measures alike while its font stays the same, so the heights are kept
 * for all rows, not probed again by each of the 200 the list makes. */
static struct
{
  PangoFontMap         *font_map;      /* compared, not held */
  PangoFontDescription *font;
  PangoLanguage        *language;
  cairo_font_options_t *options;
  double                resolution;
  int                   line_height;
  int                   caption_height;
} heights;

static gboolean
heights_known (PangoContext *context)
{
  const cairo_font_options_t *options = pango_cairo_context_get_font_options (context);

  return heights.font != NULL &&
         heights.font_map == pango_context_get_font_map (context) &&
         heights.language == pango_context_get_language (context) &&
         heights.resolution == pango_cairo_context_get_resolution (context) &&
         pango_font_description_equal (heights.font, pango_context_get_font_description (context)) &&
         (options == NULL ? heights.options == NULL
                          : heights.options != NULL && cairo_font_options_equal (options, heights.options));
}

static int
probe_height (GtkWidget *widget,
              Text       text)
{
  g_autoptr(PangoLayout) probe = gtk_widget_create_pango_layout (widget, "Ag漢");
  int height;

  pango_layout_set_attributes (probe, text_attributes (text));
  pango_layout_get_pixel_size (probe, NULL, &height);
  return height;
}

/* Measures with @widget's font, unless its heights are known already. */
static void
measure_heights (GtkWidget *widget)
{
  PangoContext *context = gtk_widget_get_pango_context (widget);
  const cairo_font_options_t *options;

  if (heights_known (context))
    return;
  options = pango_cairo_context_get_font_options (context);
  g_clear_pointer (&heights.font, pango_font_description_free);
  g_clear_pointer (&heights.options, cairo_font_options_destroy);
  heights.font_map = pango_context_get_font_map (context);
  heights.font = pango_font_description_copy (pango_context_get_font_description (context));
  heights.language = pango_context_get_language (context);
  heights.options = options != NULL ? cairo_font_options_copy (options) : NULL;
  heights.resolution = pango_cairo_context_get_resolution (context);
  heights.line_height = probe_height (widget, TEXT_NAME);
  heights.caption_height = probe_height (widget, TEXT_ADDRESS);
}

static void
ensure_heights (QdMessageRow *self)
{
  if (self->line_height > 0)
    return;
  measure_heights (GTK_WIDGET (self));
  self->context_serial = pango_context_get_serial (gtk_widget_get_pango_context (GTK_WIDGET (self)));
  self->line_height = heights.line_height;
  self->caption_height = heights.caption_height;
}

/**
 * qd_message_row_prepare_fonts:
 * @list: the list the rows will be in, with their font
 *
 * Opens the rows' fonts and measures their lines now, while the list
 * waits for the network, rather than as its first rows come (15 ms of
 * the main thread on the bench's machine, Latin and CJK).
 */
void
qd_message_row_prepare_fonts (GtkWidget *list)
{
  g_return_if_fail (GTK_IS_WIDGET (list));

  measure_heights (list);
}

static PangoLayout *
ensure_layout (QdMessageRow *self,
               Text          text)
{
  if (self->layout[text] == NULL)
    {
      PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), self->text[text]);

      pango_layout_set_single_paragraph_mode (layout, TRUE);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_set_attributes (layout, text_attributes (text));
      if (text == TEXT_SIZE)
        pango_layout_set_alignment (layout, PANGO_ALIGN_RIGHT);
      self->layout[text] = layout;
    }
  return self->layout[text];
}

static void
qd_message_row_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  QdMessageRow *self = QD_MESSAGE_ROW (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = *natural = qd_message_columns_min_width ();
      return;
    }
  ensure_heights (self);
  /* Compact rows are two full lines: name and time, subject and reason. */
  if (for_size >= 0 && qd_message_columns_compact (for_size))
    *minimum = *natural = 2 * self->line_height + 2 * PADDING_Y;
  else
    *minimum = *natural = self->line_height + self->caption_height + 2 * PADDING_Y;
}

/* @y: the top of the text, or -1 to centre it in the row */
/* Draws @text at @x (the left edge, in left-to-right terms) within
 * @width, at @y (centred when negative). */
static void
draw_at (QdMessageRow  *self,
         GtkSnapshot   *snapshot,
         Text           text,
         int            x,
         int            width,
         int            y,
         const GdkRGBA *color)
{
  PangoLayout *layout;
  int height;

  if (self->text[text] == NULL || self->text[text][0] == '\0' || width <= 0)
    return;
  layout = ensure_layout (self, text);
  /* Pango keeps the lines it laid out while the width stays the same. */
  if (pango_layout_get_width (layout) != width * PANGO_SCALE)
    pango_layout_set_width (layout, width * PANGO_SCALE);
  if (y < 0)
    {
      pango_layout_get_pixel_size (layout, NULL, &height);
      y = (gtk_widget_get_height (GTK_WIDGET (self)) - height) / 2;
    }
  if (gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL &&
      self->compact)
    x = gtk_widget_get_width (GTK_WIDGET (self)) - x - width;
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
draw_text (QdMessageRow         *self,
           GtkSnapshot          *snapshot,
           Text                  text,
           const QdColumnLayout *columns,
           int                   y,
           const GdkRGBA        *color)
{
  QdColumn column = column_of_text[text];

  draw_at (self, snapshot, text, columns->x[column] + QD_COLUMN_PADDING,
           columns->width[column] - 2 * QD_COLUMN_PADDING, y, color);
}

/* How wide @text is when not cut: kept laid out at that width, so that
 * drawing it there lays nothing out again. */
static int
natural_width (QdMessageRow *self,
               Text          text)
{
  PangoLayout *layout;
  PangoRectangle logical;

  if (self->text[text] == NULL || self->text[text][0] == '\0')
    return 0;
  layout = ensure_layout (self, text);
  pango_layout_get_pixel_extents (layout, NULL, &logical);
  if (pango_layout_get_width (layout) >= 0 &&
      pango_layout_get_width (layout) < (logical.width + 1) * PANGO_SCALE)
    {
      /* Laid out narrower before (the columns): measure it free. */
      pango_layout_set_width (layout, -1);
      pango_layout_get_pixel_extents (layout, NULL, &logical);
    }
  return logical.width + 1;
}

/* Two lines where the columns do not fit: the sender's name and address,
 * then the time at the end; the subject, then the reason (and where else
 * the message is) at the end.  Nothing a person needs is left out. */
static void
draw_compact (QdMessageRow  *self,
              GtkSnapshot   *snapshot,
              const GdkRGBA *color,
              const GdkRGBA *dim)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int pad = QD_COLUMN_PADDING;
  int top = (gtk_widget_get_height (GTK_WIDGET (self)) - 2 * self->line_height) / 2;
  int second = top + self->line_height;
  int caption_y = top + self->line_height - self->caption_height;
  int time_w = natural_width (self, TEXT_RECEIVED);
  /* Why it was held comes before the rest of the subject. */
  int reason_w = MIN (natural_width (self, TEXT_REASON), width * 3 / 5);
  int twin_w = MIN (natural_width (self, TEXT_TWIN), width / 4);
  int name_w = MIN (natural_width (self, TEXT_NAME), width - 3 * pad - time_w);
  int end;

  draw_at (self, snapshot, TEXT_NAME, pad, name_w, top,
           qd_item_is_placeholder (self->item) ? dim : color);
  draw_at (self, snapshot, TEXT_ADDRESS, 2 * pad + name_w,
           width - 4 * pad - name_w - time_w, caption_y, dim);
  draw_at (self, snapshot, TEXT_RECEIVED, width - pad - time_w, time_w, top, dim);

  end = width - pad;
  draw_at (self, snapshot, TEXT_REASON, end - reason_w, reason_w, second, color);
  if (reason_w > 0)
    end -= reason_w + pad;
  draw_at (self, snapshot, TEXT_TWIN, end - twin_w, twin_w,
           second + self->line_height - self->caption_height, dim);
  if (twin_w > 0)
    end -= twin_w + pad;
  draw_at (self, snapshot, TEXT_SUBJECT, pad, end - pad, second, color);
}

static void
qd_message_row_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  QdMessageRow *self = QD_MESSAGE_ROW (widget);
  int height = gtk_widget_get_height (widget);
  QdColumnLayout columns;
  GdkRGBA color, dim;
  int name_y;

  ensure_heights (self);
  qd_message_columns_layout (gtk_widget_get_width (widget),
                             gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL, &columns);
  if (self->hide_reason)
    qd_message_columns_drop (&columns, QD_COLUMN_REASON,
                             gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  G_GNUC_END_IGNORE_DEPRECATIONS
  dim = color;
  dim.alpha *= DIM_ALPHA;
  self->compact = columns.compact;
  if (columns.compact)
    {
      draw_compact (self, snapshot, &color, &dim);
      return;
    }

  name_y = (height - self->line_height - self->caption_height) / 2;
  draw_text (self, snapshot, TEXT_RECEIVED, &columns, -1, &color);
  draw_text (self, snapshot, TEXT_NAME, &columns, name_y,
             qd_item_is_placeholder (self->item) ? &dim : &color);
  draw_text (self, snapshot, TEXT_ADDRESS, &columns, name_y + self->line_height, &dim);
  draw_text (self, snapshot, TEXT_SUBJECT, &columns, -1, &color);
  /* A message also in the other place says so under its reason. */
  if (self->text[TEXT_TWIN] != NULL)
    {
      draw_text (self, snapshot, TEXT_REASON, &columns, name_y, &color);
      draw_text (self, snapshot, TEXT_TWIN, &columns, name_y + self->line_height, &dim);
    }
  else
    draw_text (self, snapshot, TEXT_REASON, &columns, -1, &color);
  draw_text (self, snapshot, TEXT_SIZE, &columns, -1, &color);
}

/* A font change reaches us as a change of the Pango context: measure
 * again (the layouts notice by themselves, as they do a change of
 * direction, which GTK's own handler redraws).  Other changes, such as the
 * colours of a selected row, need only the redraw GTK queues. */
static void
qd_message_row_css_changed (GtkWidget         *widget,
                            GtkCssStyleChange *change)
{
  QdMessageRow *self = QD_MESSAGE_ROW (widget);
  PangoContext *context = gtk_widget_get_pango_context (widget);

  GTK_WIDGET_CLASS (qd_message_row_parent_class)->css_changed (widget, change);
  if (self->line_height > 0 && pango_context_get_serial (context) != self->context_serial)
    {
      self->line_height = self->caption_height = 0;
      gtk_widget_queue_resize (widget);
    }
}

static void
qd_message_row_finalize (GObject *object)
{
  QdMessageRow *self = (QdMessageRow *)object;

  clear_layouts (self);
  for (guint i = 0; i < N_TEXTS; i++)
    g_free (self->text[i]);
  if (self->item != NULL)
    g_signal_handlers_disconnect_by_data (self->item, self);
  g_clear_object (&self->item);

  G_OBJECT_CLASS (qd_message_row_parent_class)->finalize (object);
}

static void
qd_message_row_class_init (QdMessageRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = qd_message_row_finalize;
  widget_class->measure = qd_message_row_measure;
  widget_class->snapshot = qd_message_row_snapshot;
  widget_class->css_changed = qd_message_row_css_changed;

  gtk_widget_class_set_css_name (widget_class, "messagerow");
  /* The list row around it carries the one sentence a screen reader
   * needs; the texts drawn here add nothing to it. */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_PRESENTATION);
}

static void
qd_message_row_init (QdMessageRow *self)
{
}

GtkWidget *
qd_message_row_new (void)
{
  return g_object_new (QD_TYPE_MESSAGE_ROW, NULL);
}

static char *
subject_text (QdItem *item)
{
  const char *subject = qd_item_get_subject (item);

  return qd_text_make_safe (subject != NULL ? subject : _("(no subject)"), -1);
}

/* GTK 4.8 has no gtk_list_item_set_accessible_label() (4.12), so a
 * screen reader would hear only "GtkListItemWidget" for a row.  The
 * list's row widget is our parent, or our grandparent where a box puts
 * a check box beside us (the Inbox picker); name it, and only if it
 * really is a list row, in case GTK's structure changes.  The row only:
 * each update is a message on the accessibility bus, for every row bound. */
static void
label_list_row (QdMessageRow *self,
                const char   *label)
{
  GtkWidget *row = gtk_widget_get_parent (GTK_WIDGET (self));

  if (GTK_IS_BOX (row))
    row = gtk_widget_get_parent (row);

  if (row != NULL && gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (row)) == GTK_ACCESSIBLE_ROLE_LIST_ITEM)
    gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/* Where else the message is, by Message-ID: NULL when nowhere. */
static char *
twin_text (QdItem *item)
{
  if (qd_item_get_twin_id (item) == NULL)
    return NULL;
  return g_strdup (qd_item_get_twin_folder (item) == QD_FOLDER_JUNK
                   ? _("Also in Junk")
                   : _("Also held in quarantine"));
}

/* One sentence for a screen reader: sender, subject, reason, other place. */
static void
describe (QdMessageRow *self)
{
  g_autofree char *description = NULL;

  if (self->hide_reason)
    description = g_strdup_printf (_("From %s <%s>, “%s”"), self->text[TEXT_NAME],
                                   self->text[TEXT_ADDRESS], self->text[TEXT_SUBJECT]);
  else
    description = g_strdup_printf (_("From %s <%s>, “%s”, %s"), self->text[TEXT_NAME],
                                   self->text[TEXT_ADDRESS], self->text[TEXT_SUBJECT],
                                   self->text[TEXT_REASON]);
  if (self->text[TEXT_TWIN] != NULL)
    {
      /* TRANSLATORS: a row's description, then where else the message is */
      char *both = g_strdup_printf (_("%s; %s"), description, self->text[TEXT_TWIN]);

      g_free (description);
      description = both;
    }
  label_list_row (self, description);
}

static void
twin_changed_cb (QdMessageRow *self)
{
  g_clear_object (&self->layout[TEXT_TWIN]);
  g_free (self->text[TEXT_TWIN]);
  self->text[TEXT_TWIN] = self->hide_reason ? NULL : twin_text (self->item);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  describe (self);
}

/* Takes its texts from the item, whatever it held before. */
static void
show_item (QdMessageRow *self)
{
  QdItem *item = self->item;
  const char *name, *address;

  clear_layouts (self);
  for (guint i = 0; i < N_TEXTS; i++)
    g_clear_pointer (&self->text[i], g_free);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (item == NULL)
    return;

  if (qd_item_is_placeholder (item))
    {
      self->text[TEXT_NAME] = g_strdup (_("Loading…"));
      label_list_row (self, self->text[TEXT_NAME]);
      return;
    }

  name = qd_item_get_from_name (item);
  address = qd_item_get_from_address (item);
  self->text[TEXT_RECEIVED] = qd_format_when (qd_item_get_received_at (item));
  self->text[TEXT_NAME] = qd_text_make_safe (name != NULL ? name : address, -1);
  /* The address is always shown: look-alikes hide behind names. */
  self->text[TEXT_ADDRESS] = qd_address_for_display (address);
  self->text[TEXT_SUBJECT] = subject_text (item);
  self->text[TEXT_REASON] = self->hide_reason ? NULL : qd_format_reason (item);
  self->text[TEXT_TWIN] = self->hide_reason ? NULL : twin_text (item);
  self->text[TEXT_SIZE] = qd_format_size (qd_item_get_size (item));
  /* Where else it is is learnt after its page is listed. */
  if (!self->hide_reason)
    g_signal_connect_swapped (item, "notify::twin-id", G_CALLBACK (twin_changed_cb), self);
  describe (self);
}

/* The placeholder shown became its message (qd_item_fill ()). */
static void
item_loaded_cb (QdMessageRow *self)
{
  g_signal_handlers_disconnect_by_func (self->item, item_loaded_cb, self);
  show_item (self);
}

/**
 * qd_message_row_set_item:
 * @item: (nullable): the message to show, a placeholder while its page
 *   loads, or %NULL when the row is unbound
 */
void
qd_message_row_set_item (QdMessageRow *self,
                         QdItem       *item)
{
  g_return_if_fail (QD_IS_MESSAGE_ROW (self));

  if (item == self->item)
    return;
  if (self->item != NULL)
    g_signal_handlers_disconnect_by_data (self->item, self);
  g_set_object (&self->item, item);
  if (item != NULL && qd_item_is_placeholder (item))
    g_signal_connect_swapped (item, "notify::placeholder", G_CALLBACK (item_loaded_cb), self);
  show_item (self);
}

/**
 * qd_message_row_set_show_reason:
 *
 * Whether the row shows why the message was held; call before binding.
 * The Inbox's messages were not held: the picker's rows leave it out.
 */
void
qd_message_row_set_show_reason (QdMessageRow *self,
                                gboolean      show_reason)
{
  g_return_if_fail (QD_IS_MESSAGE_ROW (self));

  self->hide_reason = !show_reason;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
