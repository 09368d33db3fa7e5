/* qd-preferences-window.c — the gateway's CA, and the SMTP account for reporting spam
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "qd-file-chooser.h"
#include "qd-format.h"
#include "qd-preferences-window.h"

struct _QdPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  AdwActionRow         *ca_row;
  GtkWidget            *ca_clear_button;
  AdwEntryRow          *address_row;
  AdwEntryRow          *host_row;
  AdwEntryRow          *port_row;
  AdwComboRow          *security_row;
  AdwEntryRow          *user_row;
  AdwPasswordEntryRow  *password_row;

  GSettings            *settings;
  QdSession            *session;
};

G_DEFINE_FINAL_TYPE (QdPreferencesWindow, qd_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* The combo's rows, in order; "" is the gateway's choice. */
static const char * const securities[] = { "", "starttls", "tls", "none" };

static void
update_ca (QdPreferencesWindow *self)
{
  g_autofree char *path = g_settings_get_string (self->settings, "ca-file");
  g_autofree char *name = path[0] != '\0' ? g_path_get_basename (path) : NULL;

  adw_action_row_set_subtitle (self->ca_row,
                               name != NULL ? name
                                            : _("None: only the system’s authorities are "
                                                "trusted"));
  gtk_widget_set_visible (self->ca_clear_button, name != NULL);
}

static void
ca_chosen_cb (GtkNativeDialog     *dialog,
              int                  response,
              QdPreferencesWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GError) error = NULL;
      g_autoptr(GTlsDatabase) database = path != NULL ? g_tls_file_database_new (path, &error)
                                                      : NULL;

      /* Checked now, so a wrong file is told here and not at the next sign-in. */
      if (database == NULL)
        {
          g_autofree char *message =
            g_strdup_printf (_("This file holds no certificate authority: %s"),
                             error != NULL ? error->message : "");

          adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                            adw_toast_new (message));
        }
      else
        g_settings_set_string (self->settings, "ca-file", path);
      update_ca (self);
    }
  g_object_unref (dialog);
}

static void
choose_ca_cb (QdPreferencesWindow *self)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Certificates (PEM)"));
  gtk_file_filter_add_suffix (filter, "pem");
  gtk_file_filter_add_suffix (filter, "crt");
  gtk_file_filter_add_mime_type (filter, "application/x-x509-ca-cert");
  chooser = qd_file_chooser_new_open (GTK_WINDOW (self), _("Choose a Certificate Authority"),
                                      _("_Choose"), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (ca_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
clear_ca_cb (QdPreferencesWindow *self)
{
  g_settings_set_string (self->settings, "ca-file", "");
  update_ca (self);
}

static void
port_changed_cb (QdPreferencesWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->port_row));
  guint64 port = 0;

  if (text[0] == '\0' || g_ascii_string_to_unsigned (text, 10, 0, 65535, &port, NULL))
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->port_row), "error");
      g_settings_set_int (self->settings, "smtp-port", (int)port);
    }
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->port_row), "error");
}

static void
security_changed_cb (QdPreferencesWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->security_row);

  if (selected < G_N_ELEMENTS (securities))
    g_settings_set_string (self->settings, "smtp-security", securities[selected]);
}

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(QdPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  adw_preferences_window_add_toast (
    ADW_PREFERENCES_WINDOW (self),
    adw_toast_new (qd_keyring_store_finish (result, &error)
                   ? _("The password is kept in your keyring.") : error->message));
}

static void
store_password_cb (QdPreferencesWindow *self)
{
  g_auto(QdSubmitTarget) target = { 0 };
  g_autoptr(QdSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *server = NULL;
  QdAccount *account = qd_session_get_account (self->session);
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  /* The keyring entry is for the server the report will really use. */
  if (!qd_submit_target_resolve (&target, self->settings, qd_session_get_info (self->session),
                                 account != NULL ? account->address : NULL, &error) ||
      target.user == NULL ||
      (client = qd_submit_target_new_client (&target, NULL, &error)) == NULL)
    {
      adw_preferences_window_add_toast (
        ADW_PREFERENCES_WINDOW (self),
        adw_toast_new (error != NULL ? error->message
                                     : _("Enter the mail server and the user name first.")));
      return;
    }
  server = qd_smtp_client_dup_server (client);
  qd_keyring_store_async (QD_SECRET_SMTP_PASSWORD, server, target.user, password, NULL,
                          stored_cb, g_object_ref (self));
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
}

static void
qd_preferences_window_dispose (GObject *object)
{
  QdPreferencesWindow *self = (QdPreferencesWindow *)object;

  g_clear_object (&self->settings);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), QD_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (qd_preferences_window_parent_class)->dispose (object);
}

static void
qd_preferences_window_class_init (QdPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qd_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/qd-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, QdPreferencesWindow, ca_row);
  gtk_widget_class_bind_template_child (widget_class, QdPreferencesWindow, ca_clear_button);
  gtk_widget_class_bind_template_child (widget_class, QdPreferencesWindow, address_row);
  gtk_widget_class_bind_template_child (widget_class, QdPreferencesWindow, host_row);
  gtk_widget_class_bind_template_child (widget_class, QdPreferencesWindow, port_row);
  gtk_widget_class_bind_template_child (widget_class, QdPreferencesWindow, security_row);
  gtk_widget_class_bind_template_child (widget_class, QdPreferencesWindow, user_row);
  gtk_widget_class_bind_template_child (widget_class, QdPreferencesWindow, password_row);
  gtk_widget_class_bind_template_callback (widget_class, choose_ca_cb);
  gtk_widget_class_bind_template_callback (widget_class, clear_ca_cb);
  gtk_widget_class_bind_template_callback (widget_class, store_password_cb);
}

static void
qd_preferences_window_init (QdPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  qd_name_password_peek (GTK_WIDGET (self->password_row));
}

QdPreferencesWindow *
qd_preferences_window_new (GtkWindow *parent,
                           GSettings *settings,
                           QdSession *session)
{
  QdPreferencesWindow *self = g_object_new (QD_TYPE_PREFERENCES_WINDOW,
                                            "transient-for", parent,
                                            "modal", TRUE,
                                            NULL);
  g_autofree char *security = g_settings_get_string (settings, "smtp-security");
  int port = g_settings_get_int (settings, "smtp-port");

  self->settings = g_object_ref (settings);
  self->session = g_object_ref (session);
  update_ca (self);

  g_settings_bind (settings, "submission-address", self->address_row, "text",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "smtp-host", self->host_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "smtp-user", self->user_row, "text", G_SETTINGS_BIND_DEFAULT);
  if (port > 0)
    {
      g_autofree char *text = g_strdup_printf ("%d", port);

      gtk_editable_set_text (GTK_EDITABLE (self->port_row), text);
    }
  for (guint i = 0; i < G_N_ELEMENTS (securities); i++)
    if (g_str_equal (security, securities[i]))
      adw_combo_row_set_selected (self->security_row, i);
  g_signal_connect_swapped (self->port_row, "changed", G_CALLBACK (port_changed_cb), self);
  g_signal_connect_swapped (self->security_row, "notify::selected",
                            G_CALLBACK (security_changed_cb), self);
  return self;
}
