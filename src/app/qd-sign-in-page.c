/* qd-sign-in-page.c — names the gateway as its address is typed, then signs in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "qd-bench.h"
#include "qd-format.h"
#include "qd-sign-in-page.h"

struct _QdSignInPage
{
  QdSessionPage        parent_instance;

  GtkImage            *icon;
  AdwComboRow         *kind_row;
  AdwEntryRow         *gateway_row;
  AdwEntryRow         *username_row;
  AdwPasswordEntryRow *password_row;
  AdwEntryRow         *link_row;
  GtkSwitch           *remember_switch;
  AdwExpanderRow      *mailbox_row;
  AdwEntryRow         *imap_server_row;
  AdwActionRow        *imap_security_row;
  GtkToggleButton     *imap_security_buttons[3];   /* in the order of securities[] */
  AdwEntryRow         *imap_user_row;
  AdwPasswordEntryRow *imap_password_row;
  GtkButton           *sign_in_button;
  GtkSpinner          *spinner;
  GtkLabel            *gateway_label;
  GtkLabel            *error_label;
  GtkLabel            *hint_label;

  GCancellable        *probe;
  GCancellable        *signing_in;
  guint                probe_source;

  /* A certificate refused as changed: the next Sign In asks whether to
   * accept it, as the refusal's sentence says */
  char                *changed_fingerprint;
};

G_DEFINE_FINAL_TYPE (QdSignInPage, qd_sign_in_page, QD_TYPE_SESSION_PAGE)

static QdSession *
session (QdSignInPage *self)
{
  return qd_session_page_get_session (QD_SESSION_PAGE (self));
}

static const char *
text_of (gpointer editable)
{
  return gtk_editable_get_text (GTK_EDITABLE (editable));
}

/* The gateway kinds, in the order of the kind row; "" finds it out. */
static const char * const kinds[] = { "", "qd", "pmg", "symantec" };

static const char *
chosen_kind (QdSignInPage *self)
{
  guint selected = adw_combo_row_get_selected (self->kind_row);

  return selected < G_N_ELEMENTS (kinds) ? kinds[selected] : "";
}

static void
kind_item_setup_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

/* GTK 4.8 has no gtk_list_item_set_accessible_label () (4.12): a screen
 * reader would hear nothing for a kind in the list, so its row widget, the
 * label's parent, is named after it (as QdMessageRow does). */
static void
kind_item_bind_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *item)
{
  const char *text = gtk_string_object_get_string (gtk_list_item_get_item (item));
  GtkWidget *label = gtk_list_item_get_child (item);
  GtkWidget *row = gtk_widget_get_parent (label);

  gtk_label_set_text (GTK_LABEL (label), text);
  if (row != NULL &&
      gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (row)) == GTK_ACCESSIBLE_ROLE_LIST_ITEM)
    gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, text,
                                    -1);
}

/* A link of a spam report, offered for Proxmox Mail Gateway. */
static gboolean
link_given (QdSignInPage *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->link_row)) &&
         text_of (self->link_row)[0] != '\0';
}

/* The security choices, in the order of the combo row. */
static const QdSmtpSecurity securities[] = {
  QD_SMTP_SECURITY_TLS, QD_SMTP_SECURITY_STARTTLS, QD_SMTP_SECURITY_NONE
};

static QdSmtpSecurity
chosen_security (QdSignInPage *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (securities); i++)
    if (gtk_toggle_button_get_active (self->imap_security_buttons[i]))
      return securities[i];
  return QD_SMTP_SECURITY_TLS;
}

/* What the choice means, under its name: plain text is for this computer only. */
static void
security_toggled_cb (QdSignInPage *self)
{
  adw_action_row_set_subtitle (self->imap_security_row,
                               chosen_security (self) == QD_SMTP_SECURITY_NONE
                               ? _("Unencrypted: only for a server on this computer")
                               : "");
}

static gboolean
mailbox_wanted (QdSignInPage *self)
{
  return adw_expander_row_get_enable_expansion (self->mailbox_row);
}

/* A gateway, a mailbox or both; each whole. */
static void
update_sensitivity (QdSignInPage *self)
{
  gboolean gateway = text_of (self->gateway_row)[0] != '\0' || link_given (self);
  gboolean gateway_ready = link_given (self) ||
                           (text_of (self->username_row)[0] != '\0' &&
                            text_of (self->password_row)[0] != '\0');
  gboolean mailbox_ready = text_of (self->imap_server_row)[0] != '\0' &&
                           text_of (self->imap_user_row)[0] != '\0' &&
                           text_of (self->imap_password_row)[0] != '\0';
  gboolean ready = self->signing_in == NULL && (gateway || mailbox_wanted (self)) &&
                   (!gateway || gateway_ready) && (!mailbox_wanted (self) || mailbox_ready);

  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button), ready);
}

static void
set_error (QdSignInPage *self,
           const char   *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
set_busy (QdSignInPage *self,
          gboolean      busy)
{
  if (busy)
    self->signing_in = g_cancellable_new ();
  else
    g_clear_object (&self->signing_in);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->kind_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->gateway_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->link_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->username_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->mailbox_row), !busy);
  update_sensitivity (self);
}

/* the gateway's name, once its address answers */

static void
probe_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(QdSignInPage) self = user_data;
  g_autoptr(QdGatewayInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  info = qd_session_probe_finish (QD_SESSION (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (info != NULL)
    /* Translators: the gateway answered; %s is its name */
    text = g_strdup_printf (_("Gateway found: %s"),
                            info->gateway_name != NULL ? info->gateway_name : _("(unnamed)"));
  gtk_label_set_text (self->gateway_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->gateway_label), text != NULL);
}

static gboolean
probe_now (gpointer user_data)
{
  QdSignInPage *self = user_data;
  const char *url = text_of (self->gateway_row);

  self->probe_source = 0;
  g_cancellable_cancel (self->probe);
  g_clear_object (&self->probe);
  /* Only our own API has a name to tell. */
  if (!qd_api_client_check_url (url, NULL) || adw_combo_row_get_selected (self->kind_row) > 1)
    return G_SOURCE_REMOVE;
  self->probe = g_cancellable_new ();
  qd_session_probe_async (session (self), url, NULL, self->probe, probe_cb, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
gateway_changed_cb (QdSignInPage *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->gateway_label), FALSE);
  g_clear_handle_id (&self->probe_source, g_source_remove);
  /* Ask once the typing stops. */
  self->probe_source = g_timeout_add (600, probe_now, self);
  g_clear_pointer (&self->changed_fingerprint, g_free);
  update_sensitivity (self);
}

/* The link is Proxmox Mail Gateway's; the cloud service has its regional
 * addresses, the one in Europe offered (the person may type the other). */
static void
kind_changed_cb (QdSignInPage *self)
{
  const char *kind = chosen_kind (self);

  gtk_widget_set_visible (GTK_WIDGET (self->link_row), g_str_equal (kind, "pmg"));
  if (g_str_equal (kind, "symantec") && text_of (self->gateway_row)[0] == '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->gateway_row), QD_CLOUD_CLIENT_URL_EU);
  gtk_widget_set_visible (GTK_WIDGET (self->gateway_label), FALSE);
  g_clear_pointer (&self->changed_fingerprint, g_free);
  update_sensitivity (self);
}

/* signing in */

static void sign_in (QdSignInPage *self,
                     const char   *fingerprint);

static void
certificate_response_cb (AdwMessageDialog *dialog,
                         const char       *response,
                         QdSignInPage     *self)
{
  const char *fingerprint = g_object_get_data (G_OBJECT (dialog), "qd-fingerprint");

  if (g_str_equal (response, "accept"))
    sign_in (self, fingerprint);
}

/* Asks whether to trust the certificate no authority vouches for, showing
 * what it is; accepting signs in again, pinning it. */
static void
ask_to_accept (QdSignInPage *self,
               const char   *fingerprint,
               const char   *description,
               gboolean      changed)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GUri) uri = g_uri_parse (text_of (self->gateway_row), G_URI_FLAGS_NONE, NULL);
  const char *host = uri != NULL && g_uri_get_host (uri) != NULL ? g_uri_get_host (uri)
                                                                : text_of (self->gateway_row);
  g_autofree char *why = NULL;
  g_autofree char *body = NULL;
  const char *heading;
  AdwMessageDialog *dialog;

  if (changed)
    why = g_strdup_printf (_("The gateway at %s shows another certificate than the one you "
                             "accepted. Accept it only if your administrator confirmed that "
                             "the gateway has a new certificate with this fingerprint."),
                           host);
  else
    why = g_strdup_printf (_("No certificate authority vouches for the gateway at %s. Compare "
                             "its fingerprint with the one your administrator gives you, and "
                             "accept it only if they match."),
                           host);
  body = g_strconcat (why, "\n\n", description != NULL ? description : fingerprint, NULL);
  heading = changed ? _("Accept the Gateway’s New Certificate?")
                    : _("Trust This Gateway’s Certificate?");
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root)
                                                                            : NULL,
                                                       heading, body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"),
                                    "accept", _("_Accept and Sign In"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "accept",
                                              changed ? ADW_RESPONSE_DESTRUCTIVE
                                                      : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "qd-fingerprint", g_strdup (fingerprint), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (certificate_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A certificate refused: a new one is offered to accept at once; a changed
 * one only when the person signs in again after reading why it was refused. */
static void
certificate_refused (QdSignInPage *self)
{
  g_autofree char *fingerprint = NULL;
  g_autofree char *description = NULL;
  gboolean changed = FALSE;

  g_clear_pointer (&self->changed_fingerprint, g_free);
  if (!qd_session_get_refused_certificate (session (self), &fingerprint, &description, &changed))
    return;
  if (changed)
    self->changed_fingerprint = g_steal_pointer (&fingerprint);
  else
    ask_to_accept (self, fingerprint, description, FALSE);
}

static void
signed_in_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(QdSignInPage) self = user_data;
  g_autoptr(GError) error = NULL;

  set_busy (self, FALSE);
  if (!qd_session_sign_in_finish (QD_SESSION (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          set_error (self, error->message);
          if (g_error_matches (error, QD_ERROR, QD_ERROR_AUTH_FAILED))
            gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
          if (g_error_matches (error, QD_ERROR, QD_ERROR_TLS))
            certificate_refused (self);
        }
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->link_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->imap_password_row), "");
}

static void
activate_cb (QdSignInPage *self)
{
  g_autofree char *description = NULL;

  if (!gtk_widget_get_sensitive (GTK_WIDGET (self->sign_in_button)))
    return;
  if (self->changed_fingerprint != NULL &&
      qd_session_get_refused_certificate (session (self), NULL, &description, NULL))
    {
      ask_to_accept (self, self->changed_fingerprint, description, TRUE);
      return;
    }
  sign_in (self, NULL);
}

/* @fingerprint: (nullable): a certificate the person accepted just now */
static void
sign_in (QdSignInPage *self,
         const char   *fingerprint)
{
  QdMailboxLogin login = { 0 };
  QdGatewayLogin gateway = { 0 };
  g_autofree char *host = NULL;

  set_error (self, NULL);
  g_clear_pointer (&self->changed_fingerprint, g_free);
  if (mailbox_wanted (self))
    {
      g_autoptr(GSocketConnectable) address = NULL;
      g_autoptr(GError) error = NULL;

      login.security = chosen_security (self);
      /* "host", "host:port" or "[v6]:port"; 0 leaves the usual port. */
      address = g_network_address_parse (text_of (self->imap_server_row), 0, &error);
      if (address == NULL)
        {
          set_error (self, _("The mail server’s name could not be read. Enter it as "
                             "imap.example.com, or imap.example.com:993 with a port."));
          gtk_widget_grab_focus (GTK_WIDGET (self->imap_server_row));
          return;
        }
      host = g_strdup (g_network_address_get_hostname (G_NETWORK_ADDRESS (address)));
      login.host = host;
      login.port = g_network_address_get_port (G_NETWORK_ADDRESS (address));
      login.user = text_of (self->imap_user_row);
      login.password = text_of (self->imap_password_row);
    }
  gateway.url = text_of (self->gateway_row);
  gateway.kind = chosen_kind (self);
  gateway.username = text_of (self->username_row);
  gateway.password = text_of (self->password_row);
  gateway.link = link_given (self) ? text_of (self->link_row) : NULL;
  gateway.fingerprint = fingerprint;
  set_busy (self, TRUE);
  qd_bench_begin ("sign-in");
  qd_session_sign_in_with_async (session (self), &gateway,
                                 mailbox_wanted (self) ? &login : NULL,
                                 gtk_switch_get_active (self->remember_switch),
                                 self->signing_in, signed_in_cb, g_object_ref (self));
}

/**
 * qd_sign_in_page_restore_failed:
 *
 * Says why signing in with what the keyring remembers failed, and waits
 * for the password.
 */
void
qd_sign_in_page_restore_failed (QdSignInPage *self,
                                const GError *error)
{
  g_return_if_fail (QD_IS_SIGN_IN_PAGE (self));
  g_return_if_fail (error != NULL);

  /* Nothing remembered is not a problem to report. */
  if (!g_error_matches (error, QD_ERROR, QD_ERROR_NOT_SIGNED_IN) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_error (self, error->message);
  /* Refused at the start: the form asks once the person signs in. */
  if (g_error_matches (error, QD_ERROR, QD_ERROR_TLS))
    {
      gboolean changed = FALSE;
      g_autofree char *fingerprint = NULL;

      g_clear_pointer (&self->changed_fingerprint, g_free);
      if (qd_session_get_refused_certificate (session (self), &fingerprint, NULL, &changed) &&
          changed)
        self->changed_fingerprint = g_steal_pointer (&fingerprint);
    }
  gtk_widget_grab_focus (text_of (self->gateway_row)[0] == '\0'
                         ? GTK_WIDGET (self->gateway_row) : GTK_WIDGET (self->password_row));
}

static void
restored_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(QdSignInPage) self = user_data;
  g_autoptr(GError) error = NULL;

  set_busy (self, FALSE);
  if (!qd_session_restore_finish (QD_SESSION (object), result, &error))
    qd_sign_in_page_restore_failed (self, error);
}

/**
 * qd_sign_in_page_restore:
 *
 * Signs in with what the keyring remembers, showing the page busy meanwhile.
 */
void
qd_sign_in_page_restore (QdSignInPage *self)
{
  g_return_if_fail (QD_IS_SIGN_IN_PAGE (self));

  set_busy (self, TRUE);
  qd_bench_begin ("sign-in");
  qd_session_restore_async (session (self), self->signing_in, restored_cb, g_object_ref (self));
}

/* Signed out: ready for the password again. */
static void
qd_sign_in_page_signed_out (QdSessionPage *page)
{
  QdSignInPage *self = QD_SIGN_IN_PAGE (page);

  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->imap_password_row), "");
  set_error (self, NULL);
  gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

static void
qd_sign_in_page_dispose (GObject *object)
{
  QdSignInPage *self = (QdSignInPage *)object;

  g_clear_handle_id (&self->probe_source, g_source_remove);
  g_cancellable_cancel (self->probe);
  g_clear_object (&self->probe);
  g_cancellable_cancel (self->signing_in);
  g_clear_object (&self->signing_in);
  g_clear_pointer (&self->changed_fingerprint, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (object), QD_TYPE_SIGN_IN_PAGE);

  G_OBJECT_CLASS (qd_sign_in_page_parent_class)->dispose (object);
}

static void
name_switches (GtkWidget  *widget,
               const char *label)
{
  if (GTK_IS_SWITCH (widget))
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    label, -1);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    name_switches (c, label);
}

/* AdwExpanderRow 1.2 names neither itself, its switch nor its header row
 * for a screen reader: all take the row's title. */
static void
name_expander_parts (QdSignInPage *self)
{
  const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->mailbox_row));
  GtkWidget *header = NULL;

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->mailbox_row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (self->mailbox_row)); w != NULL;
       w = gtk_widget_get_first_child (w))
    if (GTK_IS_LIST_BOX_ROW (w))
      {
        header = w;
        break;
      }
  if (header == NULL)
    return;
  gtk_accessible_update_property (GTK_ACCESSIBLE (header), GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
  name_switches (header, title);
}

/* The mailbox last used, as qdesk mailbox login or this page left it. */
static void
fill_mailbox (QdSignInPage *self,
              GSettings    *settings)
{
  g_autofree char *host = g_settings_get_string (settings, "imap-host");
  g_autofree char *user = g_settings_get_string (settings, "imap-user");
  g_autofree char *security_name = g_settings_get_string (settings, "imap-security");
  int port = g_settings_get_int (settings, "imap-port");
  QdSmtpSecurity security = QD_SMTP_SECURITY_TLS;
  g_autofree char *server = NULL;

  if (host[0] == '\0')
    return;
  qd_smtp_security_from_string (security_name, &security);
  for (guint i = 0; i < G_N_ELEMENTS (securities); i++)
    if (securities[i] == security)
      gtk_toggle_button_set_active (self->imap_security_buttons[i], TRUE);
  server = port > 0 ? qd_address_join_host_port (host, (guint16)port) : g_strdup (host);
  gtk_editable_set_text (GTK_EDITABLE (self->imap_server_row), server);
  gtk_editable_set_text (GTK_EDITABLE (self->imap_user_row), user);
  adw_expander_row_set_enable_expansion (self->mailbox_row, TRUE);
}

static void
qd_sign_in_page_constructed (GObject *object)
{
  QdSignInPage *self = (QdSignInPage *)object;
  GSettings *settings = qd_session_page_get_settings (QD_SESSION_PAGE (self));
  g_autofree char *url = NULL;
  g_autofree char *username = NULL;
  g_autofree char *kind = NULL;
  const char *hint = g_getenv ("QD_DEMO_HINT");

  G_OBJECT_CLASS (qd_sign_in_page_parent_class)->constructed (object);

  /* They hold the gateway and user name last used. */
  g_assert (G_IS_SETTINGS (settings));
  url = g_settings_get_string (settings, "gateway-url");
  username = g_settings_get_string (settings, "username");
  kind = g_settings_get_string (settings, "gateway-kind");
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_str_equal (kind, kinds[i]))
      adw_combo_row_set_selected (self->kind_row, i);
  gtk_editable_set_text (GTK_EDITABLE (self->gateway_row), url);
  gtk_editable_set_text (GTK_EDITABLE (self->username_row), username);
  fill_mailbox (self, settings);
  /* The demo script says which throwaway account to use. */
  if (hint != NULL && hint[0] != '\0')
    {
      gtk_label_set_text (self->hint_label, hint);
      gtk_widget_set_visible (GTK_WIDGET (self->hint_label), TRUE);
    }
  update_sensitivity (self);
}

static void
qd_sign_in_page_class_init (QdSignInPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  QdSessionPageClass *page_class = QD_SESSION_PAGE_CLASS (klass);

  object_class->dispose = qd_sign_in_page_dispose;
  object_class->constructed = qd_sign_in_page_constructed;

  /* It signs in to its session, and resets when that signs out. */
  page_class->signed_out = qd_sign_in_page_signed_out;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/qd-sign-in-page.ui");
  gtk_widget_class_bind_template_child (widget_class, QdSignInPage, icon);
  gtk_widget_class_bind_template_child (widget_class, QdSignInPage, kind_row);
  gtk_widget_class_bind_template_child (widget_class, QdSignInPage, gateway_row);
  gtk_widget_class_bind_template_child (widget_class, QdSignInPage, username_row);
  gtk_widget_class_bind_template_child (widget_class, QdSignInPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, QdSignInPage, link_row);
  gtk_widget_class_bind_template_child (widget_class, QdSignInPage, remember_switch);
  gtk_widget_class_bind_template_child (widget_class, QdSignInPage, mailbox_row);
  gtk_widget_class_bind_template_child (widget_class, QdSignInPage, imap_server_row);
  gtk_widget_class_bind_template_child (widget_class, QdSignInPage, imap_security_row);
  gtk_widget_class_bind_template_child_full (widget_class, "imap_tls_button", FALSE,
                                             G_STRUCT_OFFSET (QdSignInPage,
                                                              imap_security_buttons[0]));
  gtk_widget_class_bind_template_child_full (widget_class, "imap_starttls_button", FALSE,
                                             G_STRUCT_OFFSET (QdSignInPage,
                                                              imap_security_buttons[1]));
  gtk_widget_class_bind_template_child_full (widget_class, "imap_none_button", FALSE,
                                             G_STRUCT_OFFSET (QdSignInPage,
                                                              imap_security_buttons[2]));
  gtk_widget_class_bind_template_child (widget_class, QdSignInPage, imap_user_row);
  gtk_widget_class_bind_template_child (widget_class, QdSignInPage, imap_password_row);
  gtk_widget_class_bind_template_child (widget_class, QdSignInPage, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, QdSignInPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, QdSignInPage, gateway_label);
  gtk_widget_class_bind_template_child (widget_class, QdSignInPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, QdSignInPage, hint_label);
  gtk_widget_class_bind_template_callback (widget_class, update_sensitivity);
  gtk_widget_class_bind_template_callback (widget_class, gateway_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, kind_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, security_toggled_cb);
}

static void
qd_sign_in_page_init (QdSignInPage *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (factory, "setup", G_CALLBACK (kind_item_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (kind_item_bind_cb), NULL);
  adw_combo_row_set_factory (self->kind_row, factory);
  /* Set here, not in the .ui: the icon is named after the application id,
   * which a development build changes. */
  gtk_image_set_from_icon_name (self->icon, APPLICATION_ID);
  qd_name_password_peek (GTK_WIDGET (self->password_row));
  qd_name_password_peek (GTK_WIDGET (self->imap_password_row));
  name_expander_parts (self);
  update_sensitivity (self);
}
