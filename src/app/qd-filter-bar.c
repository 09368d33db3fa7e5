/* qd-filter-bar.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "qd-filter-bar.h"
#include "qd-time-range-dialog.h"

typedef enum
{
  RANGE_ANY,
  RANGE_HOUR,
  RANGE_DAY,
  RANGE_WEEK,
  RANGE_MONTH,
  RANGE_CUSTOM,
} RangeKind;

struct _QdFilterBar
{
  GtkWidget       parent_instance;

  GtkSearchEntry *search_entry;
  GtkMenuButton  *reason_button;
  GtkMenuButton  *category_button;
  GtkMenuButton  *time_button;
  GtkPopover     *time_popover;
  GtkBox         *reason_box;
  GtkBox         *category_box;
  GtkBox         *time_box;

  GtkCheckButton *reason_checks[QD_REASON_POLICY + 1];
  GtkCheckButton *category_checks[QD_CATEGORY_BULK + 1];
  GtkCheckButton *range_checks[RANGE_CUSTOM + 1];

  RangeKind       range;
  GDateTime      *custom_since;
  GDateTime      *custom_until;
  gboolean        updating;
};

G_DEFINE_FINAL_TYPE (QdFilterBar, qd_filter_bar, GTK_TYPE_WIDGET)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
range_label (RangeKind kind)
{
  switch (kind)
    {
    case RANGE_HOUR:
      return _("Last Hour");
    case RANGE_DAY:
      return _("Last 24 Hours");
    case RANGE_WEEK:
      return _("Last 7 Days");
    case RANGE_MONTH:
      return _("Last 30 Days");
    case RANGE_CUSTOM:
      return _("Custom Range…");
    case RANGE_ANY:
    default:
      return _("Any Time");
    }
}

static guint
checked_bits (GtkCheckButton **checks,
              guint            n)
{
  guint bits = 0;

  for (guint i = 0; i < n; i++)
    if (checks[i] != NULL && gtk_check_button_get_active (checks[i]))
      bits |= 1u << i;
  return bits;
}

static char *
format_custom_range (GDateTime *since,
                     GDateTime *until)
{
  g_autoptr(GDateTime) local_since = g_date_time_to_local (since);
  g_autoptr(GDateTime) local_until = g_date_time_to_local (until);
  /* Translators: a short date and time, see strftime(3) */
  g_autofree char *from = g_date_time_format (local_since, _("%b %-d, %H:%M"));
  g_autofree char *to = NULL;

  if (g_date_time_get_year (local_since) == g_date_time_get_year (local_until) &&
      g_date_time_get_day_of_year (local_since) == g_date_time_get_day_of_year (local_until))
    to = g_date_time_format (local_until, "%H:%M");
  else
    to = g_date_time_format (local_until, _("%b %-d, %H:%M"));
  /* Translators: a time range, "Jun 7, 19:00 – 21:00" */
  return g_strdup_printf (_("%s – %s"), from, to);
}

static void
update_labels (QdFilterBar *self)
{
  guint reasons = checked_bits (self->reason_checks, G_N_ELEMENTS (self->reason_checks));
  guint categories = checked_bits (self->category_checks, G_N_ELEMENTS (self->category_checks));
  g_autofree char *label = NULL;

  if (reasons == 0)
    gtk_menu_button_set_label (self->reason_button, _("All Reasons"));
  else if ((reasons & (reasons - 1)) == 0)
    gtk_menu_button_set_label (self->reason_button,
                               qd_reason_get_label (g_bit_nth_lsf (reasons, -1)));
  else
    {
      label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Reason", "%u Reasons",
                                            g_bit_storage (reasons)),
                               (guint)__builtin_popcount (reasons));
      gtk_menu_button_set_label (self->reason_button, label);
      g_clear_pointer (&label, g_free);
    }

  if (categories == 0)
    gtk_menu_button_set_label (self->category_button, _("All Categories"));
  else if ((categories & (categories - 1)) == 0)
    gtk_menu_button_set_label (self->category_button,
                               qd_category_get_label (g_bit_nth_lsf (categories, -1)));
  else
    {
      label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Category", "%u Categories",
                                            (guint)__builtin_popcount (categories)),
                               (guint)__builtin_popcount (categories));
      gtk_menu_button_set_label (self->category_button, label);
      g_clear_pointer (&label, g_free);
    }

  if (self->range == RANGE_CUSTOM && self->custom_since != NULL)
    {
      label = format_custom_range (self->custom_since, self->custom_until);
      gtk_menu_button_set_label (self->time_button, label);
    }
  else
    gtk_menu_button_set_label (self->time_button, range_label (self->range));
}

static void
emit_changed (QdFilterBar *self)
{
  if (self->updating)
    return;
  update_labels (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
check_toggled_cb (QdFilterBar *self)
{
  emit_changed (self);
}

static void
search_changed_cb (QdFilterBar *self)
{
  emit_changed (self);
}

static void
stop_search_cb (QdFilterBar *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

static void
custom_range_cb (QdTimeRangeDialog *dialog,
                 GDateTime         *since,
                 GDateTime         *until,
                 gpointer           user_data)
{
  QdFilterBar *self = user_data;

  qd_filter_bar_set_range (self, since, until);
}

static void
range_toggled_cb (GtkCheckButton *check,
                  QdFilterBar    *self)
{
  RangeKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (check), "range"));

  if (!gtk_check_button_get_active (check) || self->updating)
    return;
  if (kind == RANGE_CUSTOM)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      QdTimeRangeDialog *dialog = qd_time_range_dialog_new (GTK_WINDOW (root),
                                                            self->custom_since,
                                                            self->custom_until);

      gtk_popover_popdown (self->time_popover);
      g_signal_connect_object (dialog, "chosen", G_CALLBACK (custom_range_cb), self, 0);
      /* Cancelling the dialog keeps the range that was in force. */
      self->updating = TRUE;
      gtk_check_button_set_active (self->range_checks[self->range], TRUE);
      self->updating = FALSE;
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  self->range = kind;
  gtk_popover_popdown (self->time_popover);
  emit_changed (self);
}

static GtkCheckButton *
add_check (GtkBox         *box,
           const char     *label,
           GtkCheckButton *group)
{
  GtkWidget *check = gtk_check_button_new_with_label (label);

  if (group != NULL)
    gtk_check_button_set_group (GTK_CHECK_BUTTON (check), group);
  gtk_box_append (box, check);
  return GTK_CHECK_BUTTON (check);
}

static void
qd_filter_bar_dispose (GObject *object)
{
  QdFilterBar *self = (QdFilterBar *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), QD_TYPE_FILTER_BAR);
  g_clear_pointer (&self->custom_since, g_date_time_unref);
  g_clear_pointer (&self->custom_until, g_date_time_unref);

  G_OBJECT_CLASS (qd_filter_bar_parent_class)->dispose (object);
}

static void
qd_filter_bar_class_init (QdFilterBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qd_filter_bar_dispose;

  /**
   * QdFilterBar::changed:
   *
   * The filter changed: apply it to a query and list again.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/qd-filter-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, QdFilterBar, search_entry);
  gtk_widget_class_bind_template_child (widget_class, QdFilterBar, reason_button);
  gtk_widget_class_bind_template_child (widget_class, QdFilterBar, category_button);
  gtk_widget_class_bind_template_child (widget_class, QdFilterBar, time_button);
  gtk_widget_class_bind_template_child (widget_class, QdFilterBar, time_popover);
  gtk_widget_class_bind_template_child (widget_class, QdFilterBar, reason_box);
  gtk_widget_class_bind_template_child (widget_class, QdFilterBar, category_box);
  gtk_widget_class_bind_template_child (widget_class, QdFilterBar, time_box);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
qd_filter_bar_init (QdFilterBar *self)
{
  GtkCheckButton *group = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  for (int r = QD_REASON_GRAYMAIL; r <= QD_REASON_POLICY; r++)
    {
      self->reason_checks[r] = add_check (self->reason_box, qd_reason_get_label (r), NULL);
      g_signal_connect_swapped (self->reason_checks[r], "toggled",
                                G_CALLBACK (check_toggled_cb), self);
    }
  for (int c = QD_CATEGORY_MARKETING; c <= QD_CATEGORY_BULK; c++)
    {
      self->category_checks[c] = add_check (self->category_box, qd_category_get_label (c), NULL);
      g_signal_connect_swapped (self->category_checks[c], "toggled",
                                G_CALLBACK (check_toggled_cb), self);
    }
  for (int k = RANGE_ANY; k <= RANGE_CUSTOM; k++)
    {
      self->range_checks[k] = add_check (self->time_box, range_label (k), group);
      g_object_set_data (G_OBJECT (self->range_checks[k]), "range", GINT_TO_POINTER (k));
      g_signal_connect (self->range_checks[k], "toggled", G_CALLBACK (range_toggled_cb), self);
      group = self->range_checks[RANGE_ANY];
    }
  gtk_check_button_set_active (self->range_checks[RANGE_ANY], TRUE);
  update_labels (self);
}

/**
 * qd_filter_bar_apply:
 *
 * Puts the filter into @query. Relative ranges ("last hour") are taken
 * from now, at each call.
 */
void
qd_filter_bar_apply (QdFilterBar *self,
                     QdQuery     *query)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) since = NULL;
  GTimeSpan span = 0;

  g_return_if_fail (QD_IS_FILTER_BAR (self));

  qd_query_set_search (query, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  qd_query_set_reasons (query, checked_bits (self->reason_checks,
                                             G_N_ELEMENTS (self->reason_checks)));
  qd_query_set_categories (query, checked_bits (self->category_checks,
                                                G_N_ELEMENTS (self->category_checks)));
  switch (self->range)
    {
    case RANGE_HOUR:
      span = G_TIME_SPAN_HOUR;
      break;
    case RANGE_DAY:
      span = G_TIME_SPAN_DAY;
      break;
    case RANGE_WEEK:
      span = 7 * G_TIME_SPAN_DAY;
      break;
    case RANGE_MONTH:
      span = 30 * G_TIME_SPAN_DAY;
      break;
    case RANGE_CUSTOM:
      qd_query_set_since (query, self->custom_since);
      qd_query_set_until (query, self->custom_until);
      return;
    case RANGE_ANY:
    default:
      break;
    }
  if (span > 0)
    since = g_date_time_add (now, -span);
  qd_query_set_since (query, since);
  qd_query_set_until (query, NULL);
}

gboolean
qd_filter_bar_is_filtered (QdFilterBar *self)
{
  g_return_val_if_fail (QD_IS_FILTER_BAR (self), FALSE);

  return gtk_editable_get_text (GTK_EDITABLE (self->search_entry))[0] != '\0' ||
         checked_bits (self->reason_checks, G_N_ELEMENTS (self->reason_checks)) != 0 ||
         checked_bits (self->category_checks, G_N_ELEMENTS (self->category_checks)) != 0 ||
         self->range != RANGE_ANY;
}

void
qd_filter_bar_clear (QdFilterBar *self)
{
  g_return_if_fail (QD_IS_FILTER_BAR (self));

  self->updating = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  for (guint i = 0; i < G_N_ELEMENTS (self->reason_checks); i++)
    if (self->reason_checks[i] != NULL)
      gtk_check_button_set_active (self->reason_checks[i], FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (self->category_checks); i++)
    if (self->category_checks[i] != NULL)
      gtk_check_button_set_active (self->category_checks[i], FALSE);
  self->range = RANGE_ANY;
  gtk_check_button_set_active (self->range_checks[RANGE_ANY], TRUE);
  self->updating = FALSE;
  emit_changed (self);
}

void
qd_filter_bar_focus_search (QdFilterBar *self)
{
  g_return_if_fail (QD_IS_FILTER_BAR (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

void
qd_filter_bar_set_range (QdFilterBar *self,
                         GDateTime   *since,
                         GDateTime   *until)
{
  g_return_if_fail (QD_IS_FILTER_BAR (self));

  g_clear_pointer (&self->custom_since, g_date_time_unref);
  g_clear_pointer (&self->custom_until, g_date_time_unref);
  self->custom_since = g_date_time_ref (since);
  self->custom_until = g_date_time_ref (until);
  self->range = RANGE_CUSTOM;
  self->updating = TRUE;
  gtk_check_button_set_active (self->range_checks[RANGE_CUSTOM], TRUE);
  self->updating = FALSE;
  emit_changed (self);
}
