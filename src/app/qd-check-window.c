/* qd-check-window.c — asks the gateway's classifier; nothing is submitted
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "qd-check-window.h"

struct _QdCheckWindow
{
  AdwWindow              parent_instance;

  GtkStack              *stack;
  GtkSpinner            *spinner;
  AdwStatusPage         *status_page;
  AdwActionRow          *verdict_row;
  AdwActionRow          *score_row;
  AdwPreferencesGroup   *rules_group;
  AdwStatusPage         *error_page;

  QdApiClient           *client;
  GCancellable          *cancellable;
};

G_DEFINE_FINAL_TYPE (QdCheckWindow, qd_check_window, ADW_TYPE_WINDOW)

static const char *
verdict_label (QdVerdictKind kind)
{
  switch (kind)
    {
    case QD_VERDICT_KIND_SPAM:
      return _("Spam");
    case QD_VERDICT_KIND_GRAYMAIL:
      return _("Graymail (bulk mail, not spam)");
    case QD_VERDICT_KIND_CLEAN:
    default:
      return _("Clean");
    }
}

static void
show_verdict (QdCheckWindow *self,
              QdVerdict     *verdict,
              const char    *subject)
{
  g_autofree char *score = g_strdup_printf (_("%.1f — spam from %.1f"), verdict->score,
                                            verdict->threshold);

  adw_status_page_set_icon_name (self->status_page, verdict->classified_as_spam
                                                    ? "security-high-symbolic"
                                                    : "dialog-warning-symbolic");
  adw_status_page_set_title (self->status_page, qd_verdict_get_summary (verdict));
  adw_status_page_set_description (self->status_page,
                                   verdict->classified_as_spam
                                   ? (verdict->reported
                                      ? _("It matches a sample reported as missed spam.")
                                      : _("Mail like this is caught by the gateway."))
                                   : _("If it is spam, report it; then check again later, as "
                                       "the gateway learns from reports."));
  adw_action_row_set_subtitle (self->verdict_row, verdict_label (verdict->kind));
  adw_action_row_set_subtitle (self->score_row, score);
  for (guint i = 0; i < verdict->rules->len; i++)
    {
      QdVerdictRule *rule = g_ptr_array_index (verdict->rules, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *points = g_strdup_printf ("%+.2f", rule->score);
      GtkWidget *label = gtk_label_new (points);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), rule->name);
      if (rule->description != NULL)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), rule->description);
      gtk_widget_add_css_class (label, "numeric");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      adw_preferences_group_add (self->rules_group, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->rules_group), verdict->rules->len > 0);
  if (subject != NULL)
    gtk_window_set_title (GTK_WINDOW (self), subject);
  gtk_stack_set_visible_child_name (self->stack, "result");
}

static void
show_error (QdCheckWindow *self,
            const GError  *error)
{
  gtk_spinner_stop (self->spinner);
  adw_status_page_set_description (self->error_page, error->message);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

static void
classified_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(QdCheckWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(QdVerdict) verdict = qd_api_client_classify_finish (QD_API_CLIENT (object), result,
                                                               &error);
  const char *subject = g_object_get_data (G_OBJECT (self), "subject");

  gtk_spinner_stop (self->spinner);
  if (verdict == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error);
      return;
    }
  show_verdict (self, verdict, subject);
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(QdCheckWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_file_load_bytes_finish (G_FILE (object), result, NULL, &error);
  g_autoptr(QdSample) sample = NULL;

  if (bytes == NULL)
    {
      show_error (self, error);
      return;
    }
  /* The rules tell a .msg or an archive apart before the gateway is asked. */
  sample = qd_sample_new (bytes, NULL);
  if (qd_sample_get_format (sample) != QD_SAMPLE_FORMAT_MESSAGE)
    {
      g_autoptr(GError) format_error =
        g_error_new_literal (QD_ERROR, QD_ERROR_INVALID_INPUT,
                             _("This file is not a mail message. Save the message from your "
                               "mail program as .eml and check that file."));

      show_error (self, format_error);
      return;
    }
  if (qd_sample_get_subject (sample) != NULL)
    g_object_set_data_full (G_OBJECT (self), "subject",
                            qd_text_make_safe (qd_sample_get_subject (sample), -1), g_free);
  qd_api_client_classify_async (self->client, bytes, self->cancellable, classified_cb,
                                g_object_ref (self));
}

static void
qd_check_window_dispose (GObject *object)
{
  QdCheckWindow *self = (QdCheckWindow *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  gtk_widget_dispose_template (GTK_WIDGET (self), QD_TYPE_CHECK_WINDOW);

  G_OBJECT_CLASS (qd_check_window_parent_class)->dispose (object);
}

static void
qd_check_window_class_init (QdCheckWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qd_check_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/qd-check-window.ui");
  gtk_widget_class_bind_template_child (widget_class, QdCheckWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, QdCheckWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, QdCheckWindow, status_page);
  gtk_widget_class_bind_template_child (widget_class, QdCheckWindow, verdict_row);
  gtk_widget_class_bind_template_child (widget_class, QdCheckWindow, score_row);
  gtk_widget_class_bind_template_child (widget_class, QdCheckWindow, rules_group);
  gtk_widget_class_bind_template_child (widget_class, QdCheckWindow, error_page);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
qd_check_window_init (QdCheckWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

QdCheckWindow *
qd_check_window_new (GtkWindow   *parent,
                     QdApiClient *client,
                     GFile       *file)
{
  QdCheckWindow *self = g_object_new (QD_TYPE_CHECK_WINDOW, "transient-for", parent, NULL);

  self->client = g_object_ref (client);
  gtk_spinner_start (self->spinner);
  g_file_load_bytes_async (file, self->cancellable, loaded_cb, g_object_ref (self));
  return self;
}
