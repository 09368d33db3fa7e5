/* qd-filter-bar.c — search, reason and category toggles, and a time range, as a query
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "qd-enums.h"
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

  /* Toggles are stateful actions shown as check and radio items of a
   * menu: keyboard-friendly, and exposed to assistive technologies. */
  GSimpleActionGroup *actions;

  RangeKind       range;
  GDateTime      *custom_since;
  GDateTime      *custom_until;
  char           *search;       /* the text last applied */
  gboolean        updating;
};

G_DEFINE_FINAL_TYPE (QdFilterBar, qd_filter_bar, GTK_TYPE_WIDGET)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char * const range_names[] = { "any", "hour", "day", "week", "month", "custom" };

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

static char *
toggle_name (const char *prefix,
             GType       enum_type,
             int         value)
{
  return g_strconcat (prefix, qd_enum_to_nick (enum_type, value), NULL);
}

/* The toggles of one kind ("reason-", "category-") as bits of their values. */
static guint
checked_bits (QdFilterBar *self,
              const char  *prefix,
              GType        enum_type,
              int          first,
              int          last)
{
  guint bits = 0;

  for (int v = first; v <= last; v++)
    {
      g_autofree char *name = toggle_name (prefix, enum_type, v);
      g_autoptr(GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (self->actions),
                                                                   name);

      if (state != NULL && g_variant_get_boolean (state))
        bits |= 1u << v;
    }
  return bits;
}

static guint
reason_bits (QdFilterBar *self)
{
  return checked_bits (self, "reason-", QD_TYPE_REASON, QD_REASON_GRAYMAIL, QD_REASON_POLICY);
}

static guint
category_bits (QdFilterBar *self)
{
  return checked_bits (self, "category-", QD_TYPE_CATEGORY, QD_CATEGORY_MARKETING,
                       QD_CATEGORY_BULK);
}

static void
set_toggle (QdFilterBar *self,
            const char  *name,
            gboolean     active)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), name);

  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_boolean (active));
}

static void
set_range_state (QdFilterBar *self,
                 RangeKind    kind)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "range");

  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_string (range_names[kind]));
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

/* The button's own text is its accessible name too (GTK 4.8 does not
 * pass a menu button's label on to assistive technologies). */
static void
set_button_label (GtkMenuButton *button,
                  const char    *label)
{
  gtk_menu_button_set_label (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

static void
update_labels (QdFilterBar *self)
{
  guint reasons = reason_bits (self);
  guint categories = category_bits (self);
  g_autofree char *label = NULL;

  if (reasons == 0)
    set_button_label (self->reason_button, _("All Reasons"));
  else if ((reasons & (reasons - 1)) == 0)
    set_button_label (self->reason_button,
                               qd_reason_get_label (g_bit_nth_lsf (reasons, -1)));
  else
    {
      label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Reason", "%u Reasons",
                                            (guint)__builtin_popcount (reasons)),
                               (guint)__builtin_popcount (reasons));
      set_button_label (self->reason_button, label);
      g_clear_pointer (&label, g_free);
    }

  if (categories == 0)
    set_button_label (self->category_button, _("All Categories"));
  else if ((categories & (categories - 1)) == 0)
    set_button_label (self->category_button,
                               qd_category_get_label (g_bit_nth_lsf (categories, -1)));
  else
    {
      label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Category", "%u Categories",
                                            (guint)__builtin_popcount (categories)),
                               (guint)__builtin_popcount (categories));
      set_button_label (self->category_button, label);
      g_clear_pointer (&label, g_free);
    }

  if (self->range == RANGE_CUSTOM && self->custom_since != NULL)
    {
      label = format_custom_range (self->custom_since, self->custom_until);
      set_button_label (self->time_button, label);
    }
  else
    set_button_label (self->time_button, range_label (self->range));
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
toggle_changed_cb (QdFilterBar *self)
{
  emit_changed (self);
}

static void
search_changed_cb (QdFilterBar *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  /* GTK 4.8's search entry also reports a change, after its delay, when
   * nothing was typed (seen once per window at start-up): each would
   * reload the list from the gateway for nothing. */
  if (g_strcmp0 (text, self->search ? self->search : "") == 0)
    return;
  g_free (self->search);
  self->search = g_strdup (text);
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
range_activated_cb (GSimpleAction *action,
                    GVariant      *parameter,
                    QdFilterBar   *self)
{
  const char *name = g_variant_get_string (parameter, NULL);

  if (g_str_equal (name, "custom"))
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      QdTimeRangeDialog *dialog = qd_time_range_dialog_new (GTK_WINDOW (root),
                                                            self->custom_since,
                                                            self->custom_until);

      /* The range changes only when the dialog is applied. */
      g_signal_connect_object (dialog, "chosen", G_CALLBACK (custom_range_cb), self, 0);
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  for (int k = RANGE_ANY; k < RANGE_CUSTOM; k++)
    if (g_str_equal (name, range_names[k]))
      {
        self->range = k;
        set_range_state (self, k);
        emit_changed (self);
      }
}

static void
add_toggle (QdFilterBar *self,
            GMenu       *menu,
            const char  *name,
            const char  *label)
{
  g_autoptr(GSimpleAction) action = g_simple_action_new_stateful (name, NULL,
                                                                  g_variant_new_boolean (FALSE));
  g_autofree char *detailed = g_strconcat ("filter.", name, NULL);

  /* A boolean action without a parameter toggles itself when activated. */
  g_signal_connect_object (action, "notify::state", G_CALLBACK (toggle_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_action_map_add_action (G_ACTION_MAP (self->actions), G_ACTION (action));
  g_menu_append (menu, label, detailed);
}

static void
qd_filter_bar_dispose (GObject *object)
{
  QdFilterBar *self = (QdFilterBar *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), QD_TYPE_FILTER_BAR);
  g_clear_pointer (&self->search, g_free);
  g_clear_pointer (&self->custom_since, g_date_time_unref);
  g_clear_pointer (&self->custom_until, g_date_time_unref);
  g_clear_object (&self->actions);

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
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
qd_filter_bar_init (QdFilterBar *self)
{
  g_autoptr(GMenu) reasons = g_menu_new ();
  g_autoptr(GMenu) categories = g_menu_new ();
  g_autoptr(GMenu) ranges = g_menu_new ();
  g_autoptr(GSimpleAction) range = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->actions = g_simple_action_group_new ();
  for (int r = QD_REASON_GRAYMAIL; r <= QD_REASON_POLICY; r++)
    {
      g_autofree char *name = toggle_name ("reason-", QD_TYPE_REASON, r);

      add_toggle (self, reasons, name, qd_reason_get_label (r));
    }
  for (int c = QD_CATEGORY_MARKETING; c <= QD_CATEGORY_BULK; c++)
    {
      g_autofree char *name = toggle_name ("category-", QD_TYPE_CATEGORY, c);

      add_toggle (self, categories, name, qd_category_get_label (c));
    }
  range = g_simple_action_new_stateful ("range", G_VARIANT_TYPE_STRING,
                                        g_variant_new_string ("any"));
  g_signal_connect_object (range, "activate", G_CALLBACK (range_activated_cb), self, 0);
  g_action_map_add_action (G_ACTION_MAP (self->actions), G_ACTION (range));
  for (int k = RANGE_ANY; k <= RANGE_CUSTOM; k++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (range_label (k), NULL);

      g_menu_item_set_action_and_target (item, "filter.range", "s", range_names[k]);
      g_menu_append_item (ranges, item);
    }
  gtk_widget_insert_action_group (GTK_WIDGET (self), "filter", G_ACTION_GROUP (self->actions));
  gtk_menu_button_set_menu_model (self->reason_button, G_MENU_MODEL (reasons));
  gtk_menu_button_set_menu_model (self->category_button, G_MENU_MODEL (categories));
  gtk_menu_button_set_menu_model (self->time_button, G_MENU_MODEL (ranges));
  update_labels (self);
}

/**
 * qd_filter_bar_apply:
 *
 * Puts the filter into @query. Relative ranges ("last hour") are taken
 * from now, at each call.
 */
/* Offers only the filters the page's source can do (no dead buttons). */
void
qd_filter_bar_set_features (QdFilterBar      *self,
                            QdSourceFeatures  features)
{
  g_return_if_fail (QD_IS_FILTER_BAR (self));

  gtk_widget_set_visible (GTK_WIDGET (self->reason_button),
                          features & QD_SOURCE_FEATURE_FILTER_REASON);
  gtk_widget_set_visible (GTK_WIDGET (self->category_button),
                          features & QD_SOURCE_FEATURE_FILTER_CATEGORY);
}

void
qd_filter_bar_apply (QdFilterBar *self,
                     QdQuery     *query)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) since = NULL;
  GTimeSpan span = 0;

  g_return_if_fail (QD_IS_FILTER_BAR (self));

  qd_query_set_search (query, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  /* A filter the source cannot do is hidden, and not asked for. */
  if (gtk_widget_get_visible (GTK_WIDGET (self->reason_button)))
    qd_query_set_reasons (query, reason_bits (self));
  if (gtk_widget_get_visible (GTK_WIDGET (self->category_button)))
    qd_query_set_categories (query, category_bits (self));
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
         reason_bits (self) != 0 || category_bits (self) != 0 ||
         self->range != RANGE_ANY;
}

void
qd_filter_bar_clear (QdFilterBar *self)
{
  g_return_if_fail (QD_IS_FILTER_BAR (self));

  self->updating = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  g_clear_pointer (&self->search, g_free);
  for (int r = QD_REASON_GRAYMAIL; r <= QD_REASON_POLICY; r++)
    {
      g_autofree char *name = toggle_name ("reason-", QD_TYPE_REASON, r);

      set_toggle (self, name, FALSE);
    }
  for (int c = QD_CATEGORY_MARKETING; c <= QD_CATEGORY_BULK; c++)
    {
      g_autofree char *name = toggle_name ("category-", QD_TYPE_CATEGORY, c);

      set_toggle (self, name, FALSE);
    }
  self->range = RANGE_ANY;
  set_range_state (self, RANGE_ANY);
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
qd_filter_bar_set_search (QdFilterBar *self,
                          const char  *text)
{
  g_return_if_fail (QD_IS_FILTER_BAR (self));
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
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
  set_range_state (self, RANGE_CUSTOM);
  emit_changed (self);
}
