/* qd-time-range-dialog.c — for the incident case: "7 June, 19:00 to 21:00"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "qd-time-range-dialog.h"

struct _QdTimeRangeDialog
{
  AdwMessageDialog  parent_instance;

  GtkMenuButton    *since_date_button;
  GtkCalendar      *since_calendar;
  GtkSpinButton    *since_hour;
  GtkSpinButton    *since_minute;
  GtkMenuButton    *until_date_button;
  GtkCalendar      *until_calendar;
  GtkSpinButton    *until_hour;
  GtkSpinButton    *until_minute;
  GtkLabel         *problem_label;
};

G_DEFINE_FINAL_TYPE (QdTimeRangeDialog, qd_time_range_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum {
  CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GDateTime *
read_time (GtkCalendar   *calendar,
           GtkSpinButton *hour,
           GtkSpinButton *minute)
{
  g_autoptr(GDateTime) day = gtk_calendar_get_date (calendar);
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();

  return g_date_time_new (local, g_date_time_get_year (day), g_date_time_get_month (day),
                          g_date_time_get_day_of_month (day),
                          gtk_spin_button_get_value_as_int (hour),
                          gtk_spin_button_get_value_as_int (minute), 0);
}

static gboolean
two_digits_cb (GtkSpinButton *spin)
{
  g_autofree char *text = g_strdup_printf ("%02d", gtk_spin_button_get_value_as_int (spin));

  gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

static void
update_cb (QdTimeRangeDialog *self)
{
  g_autoptr(GDateTime) since = read_time (self->since_calendar, self->since_hour,
                                          self->since_minute);
  g_autoptr(GDateTime) until = read_time (self->until_calendar, self->until_hour,
                                          self->until_minute);
  g_autofree char *since_day = g_date_time_format (since, "%x");
  g_autofree char *until_day = g_date_time_format (until, "%x");
  gboolean valid = g_date_time_compare (since, until) < 0;

  gtk_menu_button_set_label (self->since_date_button, since_day);
  gtk_menu_button_set_label (self->until_date_button, until_day);
  gtk_label_set_text (self->problem_label,
                      valid ? "" : _("The first time must be before the second."));
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), !valid);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "apply", valid);
}

static void
qd_time_range_dialog_response (AdwMessageDialog *dialog,
                               const char       *response)
{
  QdTimeRangeDialog *self = QD_TIME_RANGE_DIALOG (dialog);

  if (g_str_equal (response, "apply"))
    {
      g_autoptr(GDateTime) since = read_time (self->since_calendar, self->since_hour,
                                              self->since_minute);
      g_autoptr(GDateTime) until = read_time (self->until_calendar, self->until_hour,
                                              self->until_minute);

      g_signal_emit (self, signals[CHOSEN], 0, since, until);
    }
}

static void
qd_time_range_dialog_class_init (QdTimeRangeDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  AdwMessageDialogClass *dialog_class = ADW_MESSAGE_DIALOG_CLASS (klass);

  dialog_class->response = qd_time_range_dialog_response;

  /**
   * QdTimeRangeDialog::chosen:
   * @since: the first minute, local time
   * @until: the end, exclusive
   */
  signals[CHOSEN] = g_signal_new ("chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 2,
                                  G_TYPE_DATE_TIME, G_TYPE_DATE_TIME);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/qd-time-range-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, QdTimeRangeDialog, since_date_button);
  gtk_widget_class_bind_template_child (widget_class, QdTimeRangeDialog, since_calendar);
  gtk_widget_class_bind_template_child (widget_class, QdTimeRangeDialog, since_hour);
  gtk_widget_class_bind_template_child (widget_class, QdTimeRangeDialog, since_minute);
  gtk_widget_class_bind_template_child (widget_class, QdTimeRangeDialog, until_date_button);
  gtk_widget_class_bind_template_child (widget_class, QdTimeRangeDialog, until_calendar);
  gtk_widget_class_bind_template_child (widget_class, QdTimeRangeDialog, until_hour);
  gtk_widget_class_bind_template_child (widget_class, QdTimeRangeDialog, until_minute);
  gtk_widget_class_bind_template_child (widget_class, QdTimeRangeDialog, problem_label);
  gtk_widget_class_bind_template_callback (widget_class, update_cb);
  gtk_widget_class_bind_template_callback (widget_class, two_digits_cb);
}

static void
qd_time_range_dialog_init (QdTimeRangeDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static void
set_time (GtkCalendar   *calendar,
          GtkSpinButton *hour,
          GtkSpinButton *minute,
          GDateTime     *time)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (time);

  gtk_calendar_select_day (calendar, local);
  gtk_spin_button_set_value (hour, g_date_time_get_hour (local));
  gtk_spin_button_set_value (minute, g_date_time_get_minute (local));
}

/**
 * qd_time_range_dialog_new:
 * @since: (nullable): the range to start from; today, the last two hours,
 *   when %NULL
 */
QdTimeRangeDialog *
qd_time_range_dialog_new (GtkWindow *parent,
                          GDateTime *since,
                          GDateTime *until)
{
  QdTimeRangeDialog *self = g_object_new (QD_TYPE_TIME_RANGE_DIALOG,
                                          "transient-for", parent,
                                          "modal", TRUE,
                                          NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) hour = g_date_time_new_local (g_date_time_get_year (now),
                                                     g_date_time_get_month (now),
                                                     g_date_time_get_day_of_month (now),
                                                     g_date_time_get_hour (now), 0, 0);
  g_autoptr(GDateTime) two_hours_ago = g_date_time_add_hours (hour, -2);

  set_time (self->since_calendar, self->since_hour, self->since_minute,
            since != NULL ? since : two_hours_ago);
  set_time (self->until_calendar, self->until_hour, self->until_minute,
            until != NULL ? until : hour);
  update_cb (self);
  return self;
}
