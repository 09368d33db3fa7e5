/* qd-report-window.c — editable, since some blanks only the person can fill
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "qd-report-window.h"

struct _QdReportWindow
{
  AdwWindow        parent_instance;

  AdwToastOverlay *toast_overlay;
  GtkTextView     *text_view;
};

G_DEFINE_FINAL_TYPE (QdReportWindow, qd_report_window, ADW_TYPE_WINDOW)

static char *
get_text (QdReportWindow *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter start;
  GtkTextIter end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
copy_action (GtkWidget  *widget,
             const char *name,
             GVariant   *parameter)
{
  QdReportWindow *self = QD_REPORT_WINDOW (widget);
  g_autofree char *text = get_text (self);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Copied")));
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(QdReportWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    {
      g_autofree char *message = g_strdup_printf (_("The report could not be saved: %s"),
                                                  error->message);

      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
      return;
    }
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Saved")));
}

static void
save_response_cb (GtkNativeDialog *dialog,
                  int              response,
                  QdReportWindow  *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      char *text = get_text (self);
      g_autoptr(GBytes) bytes = g_bytes_new_take (text, strlen (text));

      g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_NONE, NULL,
                                           saved_cb, g_object_ref (self));
    }
  g_object_unref (dialog);
}

static void
save_action (GtkWidget  *widget,
             const char *name,
             GVariant   *parameter)
{
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Save the Support Report"), GTK_WINDOW (widget),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"),
                                         _("_Cancel"));
  /* Translators: the default file name of the support report */
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), _("missed-spam-report.txt"));
  g_signal_connect (chooser, "response", G_CALLBACK (save_response_cb), widget);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
qd_report_window_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), QD_TYPE_REPORT_WINDOW);

  G_OBJECT_CLASS (qd_report_window_parent_class)->dispose (object);
}

static void
qd_report_window_class_init (QdReportWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qd_report_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/qd-report-window.ui");
  gtk_widget_class_bind_template_child (widget_class, QdReportWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, QdReportWindow, text_view);
  gtk_widget_class_install_action (widget_class, "report-window.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "report-window.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
qd_report_window_init (QdReportWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

QdReportWindow *
qd_report_window_new (GtkWindow  *parent,
                      const char *text)
{
  QdReportWindow *self = g_object_new (QD_TYPE_REPORT_WINDOW, "transient-for", parent, NULL);

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), text, -1);
  return self;
}
