/* qd-session.c — the signed-in session: signing in and out (restoring: qd-session-restore.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-cloud-client.h"
#include "qd-error.h"
#include "qd-gateway-detect.h"
#include "qd-json.h"
#include "qd-keyring.h"
#include "qd-mailbox-source.h"
#include "qd-pmg-client.h"
#include "qd-session-private.h"
#include "qd-task-private.h"

G_DEFINE_FINAL_TYPE (QdSession, qd_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SIGNED_IN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
qd_session_dispose (GObject *object)
{
  QdSession *self = (QdSession *)object;

  g_clear_object (&self->settings);
  g_clear_object (&self->gateway);
  g_clear_pointer (&self->keyring_user, g_free);
  g_clear_pointer (&self->account, qd_account_free);
  g_clear_pointer (&self->info, qd_gateway_info_unref);
  g_clear_object (&self->mailbox);
  g_clear_pointer (&self->folders, qd_mailbox_folders_free);
  g_clear_object (&self->junk_source);
  g_clear_pointer (&self->refused_fingerprint, g_free);
  g_clear_pointer (&self->refused_description, g_free);

  G_OBJECT_CLASS (qd_session_parent_class)->dispose (object);
}

static void
qd_session_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  QdSession *self = QD_SESSION (object);

  switch (prop_id)
    {
    case PROP_SIGNED_IN:
      g_value_set_boolean (value, qd_session_get_signed_in (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qd_session_class_init (QdSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = qd_session_dispose;
  object_class->get_property = qd_session_get_property;

  properties[PROP_SIGNED_IN] =
    g_param_spec_boolean ("signed-in", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
qd_session_init (QdSession *self)
{
}

QdSession *
qd_session_new (GSettings *settings)
{
  QdSession *self = g_object_new (QD_TYPE_SESSION, NULL);

  self->settings = g_object_ref (settings);
  return self;
}

/**
 * qd_session_get_client:
 *
 * The gateway signed in to when it is Quarantine Desk's own API, for what
 * only that API does (classify, follow-up); %NULL for the other kinds.
 */
QdApiClient *
qd_session_get_client (QdSession *self)
{
  g_return_val_if_fail (QD_IS_SESSION (self), NULL);
  return QD_IS_API_CLIENT (self->gateway) ? QD_API_CLIENT (self->gateway) : NULL;
}

/**
 * qd_session_get_gateway:
 *
 * The gateway signed in to, whichever kind it is; %NULL without one.
 * Prefer it to qd_session_get_client (), which has our own API only.
 */
QdGateway *
qd_session_get_gateway (QdSession *self)
{
  g_return_val_if_fail (QD_IS_SESSION (self), NULL);
  return self->gateway;
}

QdAccount *
qd_session_get_account (QdSession *self)
{
  g_return_val_if_fail (QD_IS_SESSION (self), NULL);
  return self->account;
}

QdGatewayInfo *
qd_session_get_info (QdSession *self)
{
  g_return_val_if_fail (QD_IS_SESSION (self), NULL);
  return self->info;
}

/* Signed in to a gateway, or to a mailbox, or to both. */
gboolean
qd_session_get_signed_in (QdSession *self)
{
  g_return_val_if_fail (QD_IS_SESSION (self), FALSE);
  return self->account != NULL || self->mailbox != NULL;
}

/* The person's own mailbox, NULL when the session has none. */
QdMailbox *
qd_session_get_mailbox (QdSession *self)
{
  g_return_val_if_fail (QD_IS_SESSION (self), NULL);
  return self->mailbox;
}

QdMailboxFolders *
qd_session_get_mailbox_folders (QdSession *self)
{
  g_return_val_if_fail (QD_IS_SESSION (self), NULL);
  return self->folders;
}

/**
 * qd_session_get_source:
 *
 * Where a page of @folder gets its messages: the quarantine from the
 * gateway; Junk from the mailbox when one is signed in (Junk lives
 * there), else from the gateway when it keeps one.  NULL: nowhere.
 */
QdItemSource *
qd_session_get_source (QdSession *self,
                       QdFolder   folder)
{
  g_return_val_if_fail (QD_IS_SESSION (self), NULL);

  if (folder == QD_FOLDER_JUNK && self->mailbox != NULL)
    return self->junk_source;
  if (self->gateway == NULL || self->account == NULL)
    return NULL;
  if (folder == QD_FOLDER_JUNK &&
      ((self->info != NULL && !self->info->has_junk) ||
       !(qd_gateway_get_capabilities (self->gateway) & QD_GATEWAY_CAN_JUNK)))
    return NULL;
  return qd_gateway_get_source (self->gateway, folder);
}

/**
 * qd_session_get_twins:
 * @folder: the folder a page lists
 * @twin_folder: (out): what the returned source is
 *
 * Where the messages of @folder may also be: a message held at the
 * gateway may also have been delivered to the mailbox's Junk (to another
 * of the person's addresses, or by the mail server's own filter).  Only
 * when the gateway lists the quarantine and the mailbox lists Junk.
 *
 * Returns: (transfer none) (nullable): the other place, or %NULL
 */
QdItemSource *
qd_session_get_twins (QdSession *self,
                      QdFolder   folder,
                      QdFolder  *twin_folder)
{
  g_return_val_if_fail (QD_IS_SESSION (self), NULL);
  g_return_val_if_fail (twin_folder != NULL, NULL);

  if (self->junk_source == NULL || self->gateway == NULL || self->account == NULL)
    return NULL;
  if (folder == QD_FOLDER_JUNK &&
      qd_gateway_get_source (self->gateway, QD_FOLDER_QUARANTINE) == NULL)
    return NULL;
  *twin_folder = folder == QD_FOLDER_JUNK ? QD_FOLDER_QUARANTINE : QD_FOLDER_JUNK;
  return folder == QD_FOLDER_JUNK ? qd_gateway_get_source (self->gateway, QD_FOLDER_QUARANTINE)
                                  : QD_ITEM_SOURCE (self->junk_source);
}

static QdApiClient *
make_client (QdSession   *self,
             const char  *url,
             const char  *ca_file,
             GError     **error)
{
  g_autoptr(QdApiClient) client = qd_api_client_new (url, error);
  g_autofree char *configured_ca = NULL;
  const char *timeout = g_getenv ("QD_HTTP_TIMEOUT");

  if (client == NULL)
    return NULL;
  if (ca_file == NULL)
    ca_file = configured_ca = g_settings_get_string (self->settings, "ca-file");
  if (!qd_api_client_set_ca_file (client, ca_file, error))
    return NULL;
  if (timeout != NULL)
    qd_api_client_set_timeout (client, (guint)g_ascii_strtoull (timeout, NULL, 10));
  return g_steal_pointer (&client);
}

/* probe: is there a gateway at this address, and what is it called? */

static void
probe_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  QdGatewayInfo *info = qd_api_client_get_info_finish (QD_API_CLIENT (object), result, &error);

  qd_task_return_pointer_or_error (task, info, (GDestroyNotify)qd_gateway_info_unref, error);
}

void
qd_session_probe_async (QdSession           *self,
                        const char          *url,
                        const char          *ca_file,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = qd_task_new (self, qd_session_probe_async, cancellable, callback,
                                       user_data);
  g_autoptr(QdApiClient) client = NULL;
  GError *error = NULL;

  client = make_client (self, url, ca_file, &error);
  if (client == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  qd_api_client_get_info_async (client, cancellable, probe_cb, g_steal_pointer (&task));
}

QdGatewayInfo *
qd_session_probe_finish (QdSession     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  return qd_task_finish_pointer (result, self, qd_session_probe_async, error);
}

/* sign in */

typedef struct
{
  QdGateway        *gateway;      /* NULL: no gateway, or not made yet */
  gboolean          detect;       /* the kind is to be found from the address first */
  QdGatewayKind     kind;
  char             *url;
  char             *username;
  char             *password;     /* or a link's ticket, when restoring one */
  char             *token;        /* ours: a kept session, tried first */
  gboolean          info_asked;   /* ours: /info not answered yet */
  GError           *info_error;
  gboolean          gateway_ready; /* signed in to the gateway, secrets kept */
  char             *link;         /* PMG: a spam report's link instead of a password */
  char             *fingerprint;  /* PMG: a certificate the person accepted just now */
  char             *keyring_user; /* whom the secrets are kept for */
  QdRemember        remember;
  QdAccount        *account;
  QdGatewayInfo    *info;
  QdMailbox        *mailbox;      /* NULL: no mailbox */
  char             *mailbox_user;
  char             *mailbox_password;
  QdMailboxFolders *folders;
} SignIn;

static void
sign_in_free (SignIn *data)
{
  g_clear_object (&data->gateway);
  g_free (data->url);
  g_free (data->username);
  /* Secrets are wiped when freed (qd_secret_free); a link holds a ticket. */
  if (data->password != NULL)
    qd_secret_free (data->password);
  if (data->token != NULL)
    qd_secret_free (data->token);
  if (data->link != NULL)
    qd_secret_free (data->link);
  g_free (data->fingerprint);
  g_free (data->keyring_user);
  g_clear_pointer (&data->account, qd_account_free);
  g_clear_pointer (&data->info, qd_gateway_info_unref);
  g_clear_error (&data->info_error);
  g_clear_object (&data->mailbox);
  g_free (data->mailbox_user);
  if (data->mailbox_password != NULL)
    qd_secret_free (data->mailbox_password);
  g_clear_pointer (&data->folders, qd_mailbox_folders_free);
  g_free (data);
}

/* What the gateway's own /info would say, for a kind that has none: the
 * seed's rules, the submission address from Preferences (no such gateway
 * announces one), Junk only if it keeps one. */
static QdGatewayInfo *
info_for_kind (QdGateway *gateway)
{
  QdGatewayInfo *info = qd_gateway_info_new_defaults ();

  info->has_junk = (qd_gateway_get_capabilities (gateway) & QD_GATEWAY_CAN_JUNK) != 0;
  return info;
}

/* Everything signed in at once: the pages see one change, not two.  Once
 * cancelled, nothing changes: the window may have gone back to the form. */
static void
finish_sign_in (GTask *task)
{
  QdSession *self = g_task_get_source_object (task);
  SignIn *data = g_task_get_task_data (task);

  if (g_task_return_error_if_cancelled (task))
    return;
  g_set_object (&self->gateway, data->gateway);
  g_free (self->keyring_user);
  self->keyring_user = g_strdup (data->keyring_user);
  g_clear_pointer (&self->account, qd_account_free);
  self->account = g_steal_pointer (&data->account);
  g_clear_pointer (&self->info, qd_gateway_info_unref);
  if (data->info != NULL)
    self->info = qd_gateway_info_ref (data->info);
  else
    self->info = data->gateway != NULL ? info_for_kind (data->gateway)
                                       : qd_gateway_info_new_defaults ();
  g_set_object (&self->mailbox, data->mailbox);
  g_clear_pointer (&self->folders, qd_mailbox_folders_free);
  self->folders = g_steal_pointer (&data->folders);
  g_clear_object (&self->junk_source);
  if (self->mailbox != NULL && self->folders != NULL && self->folders->junk != NULL)
    {
      QdMailboxSource *junk = qd_mailbox_source_new (self->mailbox, QD_MAILBOX_FOLDER_JUNK);

      /* Moving out of Junk may approve the senders where the gateway keeps them. */
      if (self->gateway != NULL &&
          (qd_gateway_get_capabilities (self->gateway) & QD_GATEWAY_CAN_SENDER_LISTS))
        qd_mailbox_source_set_approver (junk, self->gateway);
      self->junk_source = QD_ITEM_SOURCE (junk);
    }

  /* One write for them all: the keyfile backend (Flatpak's) replaces its
   * file for each key, up to 35 ms measured on the way to the first rows. */
  g_settings_delay (self->settings);
  if (data->gateway != NULL)
    {
      const char *pin = QD_IS_PMG_CLIENT (data->gateway)
        ? qd_pmg_client_get_pinned_fingerprint (QD_PMG_CLIENT (data->gateway)) : NULL;

      g_settings_set_string (self->settings, "gateway-url",
                             qd_gateway_get_base_url (data->gateway));
      if (QD_IS_API_CLIENT (data->gateway))
        g_settings_set_string (self->settings, "username", self->account->username
                               ? self->account->username
                               : qd_api_client_get_username (QD_API_CLIENT (data->gateway)));
      else
        g_settings_set_string (self->settings, "username", data->keyring_user);
      g_settings_set_string (self->settings, "gateway-kind",
                             qd_gateway_kind_to_string (qd_gateway_get_kind (data->gateway)));
      /* A pin belongs to the address remembered with it. */
      g_settings_set_string (self->settings, "gateway-fingerprint", pin != NULL ? pin : "");
    }
  else
    g_settings_set_string (self->settings, "gateway-url", "");
  if (data->mailbox != NULL)
    {
      g_settings_set_string (self->settings, "imap-host", qd_mailbox_get_host (data->mailbox));
      g_settings_set_int (self->settings, "imap-port", qd_mailbox_get_port (data->mailbox));
      g_settings_set_string (self->settings, "imap-security",
                             qd_smtp_security_to_string (qd_mailbox_get_security (data->mailbox)));
      g_settings_set_string (self->settings, "imap-user", data->mailbox_user);
    }
  else
    g_settings_set_string (self->settings, "imap-host", "");
  g_settings_set_boolean (self->settings, "password-remembered",
                          data->remember != QD_REMEMBER_NO);
  g_settings_apply (self->settings);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNED_IN]);
  g_task_return_boolean (task, TRUE);
}

/* A sign-in stands even if the keyring failed to keep its password: the
 * next start asks for it. */
static void
keyring_stored (GAsyncResult *result)
{
  g_autoptr(GError) error = NULL;

  if (!qd_keyring_store_finish (result, &error))
    g_debug ("keyring: %s", error != NULL ? error->message : "failed");
}

static void
mailbox_keyring_done_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  keyring_stored (result);
  finish_sign_in (task);
}

static void
folders_found_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignIn *data = g_task_get_task_data (task);
  g_autofree char *server = qd_mailbox_dup_server (data->mailbox);
  GError *error = NULL;

  data->folders = qd_mailbox_find_folders_finish (QD_MAILBOX (object), result, &error);
  if (data->folders == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* Restored from the keyring: it holds this password already. */
  if (data->remember == QD_REMEMBER_KEPT)
    finish_sign_in (task);
  /* Not g_steal_pointer () in the same call: arguments have no order. */
  else if (data->remember == QD_REMEMBER_YES)
    qd_keyring_store_async (QD_SECRET_IMAP_PASSWORD, server, data->mailbox_user,
                            data->mailbox_password, g_task_get_cancellable (task),
                            mailbox_keyring_done_cb, g_object_ref (task));
  else
    qd_keyring_clear_async (QD_SECRET_IMAP_PASSWORD, server, data->mailbox_user,
                            g_task_get_cancellable (task), mailbox_keyring_done_cb,
                            g_object_ref (task));
}

static void
mailbox_connected_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!qd_mailbox_connect_finish (QD_MAILBOX (object), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  qd_mailbox_find_folders_async (QD_MAILBOX (object), g_task_get_cancellable (task),
                                 folders_found_cb, g_object_ref (task));
}

/* After the gateway, if any: the mailbox, if any. */
static void
sign_in_mailbox (GTask *task)
{
  SignIn *data = g_task_get_task_data (task);

  if (data->mailbox == NULL)
    {
      finish_sign_in (task);
      return;
    }
  qd_mailbox_connect_async (data->mailbox, data->mailbox_user, data->mailbox_password,
                            g_task_get_cancellable (task), mailbox_connected_cb,
                            g_object_ref (task));
}

/* The gateway signed in to, its secrets kept, and our API's /info in:
 * then the mailbox. */
static void
gateway_and_info_done (GTask *task)
{
  SignIn *data = g_task_get_task_data (task);

  if (!data->gateway_ready || data->info_asked)
    return;
  /* Without /info the gateway's own limits are unknown: the defaults apply. */
  if (data->info_error != NULL)
    g_warning ("the gateway's information is unavailable: %s", data->info_error->message);
  sign_in_mailbox (task);
}

/* Our API's /info is public: it is asked for as signing in begins, and
 * its answer waits for the sign-in, or the sign-in for it. */
static void
info_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignIn *data = g_task_get_task_data (task);

  data->info = qd_api_client_get_info_finish (QD_API_CLIENT (object), result, &data->info_error);
  data->info_asked = FALSE;
  gateway_and_info_done (task);
}

static void
gateway_done (GTask *task)
{
  ((SignIn *)g_task_get_task_data (task))->gateway_ready = TRUE;
  gateway_and_info_done (task);
}

static void
keyring_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  keyring_stored (result);
  gateway_done (task);
}

static void
sign_in_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QdSession *self = g_task_get_source_object (task);
  SignIn *data = g_task_get_task_data (task);
  QdGateway *gateway = QD_GATEWAY (object);
  const char *server = qd_gateway_get_base_url (gateway);
  const char *ticket = NULL;
  GError *error = NULL;

  if (data->link != NULL)
    data->account = qd_pmg_client_sign_in_with_link_finish (QD_PMG_CLIENT (gateway), result,
                                                            &error);
  else if (data->token != NULL)
    {
      data->account = qd_api_client_get_account_finish (QD_API_CLIENT (gateway), result, &error);
      qd_api_client_set_renew_from_keyring (QD_API_CLIENT (gateway), TRUE);
      /* The kept session has ended (or was signed out elsewhere): the
       * password signs in, and says what a sign-in says if it is refused. */
      if (g_error_matches (error, QD_ERROR, QD_ERROR_SESSION_EXPIRED))
        {
          g_clear_error (&error);
          g_clear_pointer (&data->token, qd_secret_free);
          qd_gateway_sign_in_async (gateway, data->username, data->password,
                                    g_task_get_cancellable (task), sign_in_cb,
                                    g_object_ref (task));
          return;
        }
    }
  else
    data->account = qd_gateway_sign_in_finish (gateway, result, &error);
  qd_session_note_refused_certificate (self, gateway, error);
  if (data->account == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (QD_IS_PMG_CLIENT (gateway))
    ticket = qd_pmg_client_get_link_ticket (QD_PMG_CLIENT (gateway));
  if (QD_IS_API_CLIENT (gateway))
    data->keyring_user = g_strdup (qd_api_client_get_username (QD_API_CLIENT (gateway)));
  else if (ticket != NULL || data->username == NULL)
    data->keyring_user = g_strdup (data->account->username);
  else
    data->keyring_user = g_strdup (data->username);

  if (ticket != NULL)
    {
      /* A link's ticket stands for the password, for days: kept instead of
       * one (PMG's ticket of a password lasts two hours, the password is
       * what signs in again). */
      qd_keyring_clear_async (QD_SECRET_GATEWAY_PASSWORD, server, data->keyring_user, NULL,
                              NULL, NULL);
      if (data->remember)
        {
          qd_keyring_store_async (QD_SECRET_GATEWAY_TOKEN, server, data->keyring_user, ticket,
                                  g_task_get_cancellable (task), keyring_done_cb,
                                  g_object_ref (task));
        }
      else
        qd_keyring_clear_async (QD_SECRET_GATEWAY_TOKEN, server, data->keyring_user,
                                g_task_get_cancellable (task), keyring_done_cb,
                                g_object_ref (task));
      return;
    }
  if (QD_IS_PMG_CLIENT (gateway))
    qd_keyring_clear_async (QD_SECRET_GATEWAY_TOKEN, server, data->keyring_user, NULL, NULL,
                            NULL);
  /* Restored from the keyring: it holds this password already. */
  if (data->remember == QD_REMEMBER_KEPT)
    gateway_done (task);
  else if (data->remember == QD_REMEMBER_YES)
    qd_keyring_store_async (QD_SECRET_GATEWAY_PASSWORD, server, data->keyring_user,
                            data->password, g_task_get_cancellable (task), keyring_done_cb,
                            g_object_ref (task));
  else
    qd_keyring_clear_async (QD_SECRET_GATEWAY_PASSWORD, server, data->keyring_user,
                            g_task_get_cancellable (task), keyring_done_cb,
                            g_object_ref (task));
}

/* The client of the kind, with the certificate rules of the settings. */
static QdGateway *
make_gateway (QdSession  *self,
              SignIn     *data,
              GError    **error)
{
  g_autofree char *ca_file = g_settings_get_string (self->settings, "ca-file");
  const char *timeout = g_getenv ("QD_HTTP_TIMEOUT");
  g_autoptr(QdGateway) gateway = NULL;

  if (data->link != NULL)
    {
      QdPmgClient *client = qd_pmg_client_new_from_link (data->link, error);

      if (client == NULL)
        return NULL;
      gateway = QD_GATEWAY (client);
      if (!qd_pmg_client_set_ca_file (client, ca_file[0] != '\0' ? ca_file : NULL, error))
        return NULL;
    }
  else
    {
      gateway = qd_gateway_new_for_kind (data->kind, data->url, ca_file, error);
      if (gateway == NULL)
        return NULL;
    }
  if (QD_IS_CLOUD_CLIENT (gateway))
    qd_cloud_client_set_window_days (QD_CLOUD_CLIENT (gateway),
                                     g_settings_get_uint (self->settings, "cloud-window-days"));
  if (timeout != NULL && QD_IS_API_CLIENT (gateway))
    qd_api_client_set_timeout (QD_API_CLIENT (gateway),
                               (guint)g_ascii_strtoull (timeout, NULL, 10));
  else if (timeout != NULL && QD_IS_PMG_CLIENT (gateway))
    qd_pmg_client_set_timeout (QD_PMG_CLIENT (gateway),
                               (guint)g_ascii_strtoull (timeout, NULL, 10));
  if (QD_IS_PMG_CLIENT (gateway) && !qd_session_pin_certificate (self, data->fingerprint,
                                                              QD_PMG_CLIENT (gateway), error))
    return NULL;
  return g_steal_pointer (&gateway);
}

static void
token_kept_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  keyring_stored (result);
}

/* A remembered sign-in to our API keeps its session token beside the
 * password, renewed as the client renews it: the next start goes on with
 * it, where signing in again would cost the gateway a password hash
 * (65–75 ms on the way to the first rows, docs/performance.md).  Sign Out
 * forgets both. */
static void
token_changed_cb (QdApiClient *client,
                  gpointer     user_data)
{
  const char *token = qd_api_client_get_token (client);
  const char *user = qd_api_client_get_username (client);

  if (user != NULL && token != NULL)
    qd_keyring_store_async (QD_SECRET_GATEWAY_TOKEN, qd_api_client_get_base_url (client), user,
                            token, NULL, token_kept_cb, NULL);
}

/* Our own API: its token kept as it changes, its /info asked meanwhile,
 * and a kept session asked who it is.  Returns whether that signs in. */
static gboolean
start_own_api (GTask       *task,
               QdApiClient *client)
{
  SignIn *data = g_task_get_task_data (task);

  if (data->remember != QD_REMEMBER_NO)
    g_signal_connect (client, "token-changed", G_CALLBACK (token_changed_cb), NULL);
  data->info_asked = TRUE;
  qd_api_client_get_info_async (client, g_task_get_cancellable (task), info_cb,
                                g_object_ref (task));
  if (data->token == NULL)
    return FALSE;
  /* Asking who the kept session is signs in without a password; an
   * ended one is answered by signing in here, not by the client's own
   * renewal, so that a refused password says so. */
  qd_api_client_set_username (client, data->username);
  qd_api_client_set_token (client, data->token);
  qd_api_client_set_renew_from_keyring (client, FALSE);
  qd_api_client_get_account_async (client, g_task_get_cancellable (task), sign_in_cb,
                                   g_object_ref (task));
  return TRUE;
}

/* The kind known: its client signs in. */
static void
sign_in_gateway (GTask *task)
{
  QdSession *self = g_task_get_source_object (task);
  SignIn *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->gateway = make_gateway (self, data, &error);
  if (data->gateway == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (QD_IS_API_CLIENT (data->gateway) && start_own_api (task, QD_API_CLIENT (data->gateway)))
    return;
  if (data->link != NULL)
    qd_pmg_client_sign_in_with_link_async (QD_PMG_CLIENT (data->gateway), data->link,
                                           g_task_get_cancellable (task), sign_in_cb,
                                           g_object_ref (task));
  else
    qd_gateway_sign_in_async (data->gateway, data->username, data->password,
                              g_task_get_cancellable (task), sign_in_cb, g_object_ref (task));
}

static void
detected_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignIn *data = g_task_get_task_data (task);
  g_autofree char *base_url = NULL;
  GError *error = NULL;

  if (!qd_gateway_detect_kind_finish (result, &data->kind, &base_url, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_free (data->url);
  data->url = g_steal_pointer (&base_url);
  sign_in_gateway (task);
}

/* Which kind @name says: the settings' when NULL, to be found when empty. */
static void
choose_kind (QdSession  *self,
             SignIn     *data,
             const char *name)
{
  g_autofree char *remembered_kind = NULL;

  if (name == NULL)
    name = remembered_kind = g_settings_get_string (self->settings, "gateway-kind");
  data->detect = !qd_gateway_kind_from_string (name, &data->kind);
  if (data->link != NULL)
    {
      data->detect = FALSE;
      data->kind = QD_GATEWAY_KIND_PMG;
    }
}

/* Signs in with a mailbox already made (and maybe already connecting). */
void
qd_session_sign_in_with_mailbox_async (QdSession            *self,
                                       const QdGatewayLogin *login,
                                       QdMailbox            *mailbox,
                                       const char           *mailbox_user,
                                       const char           *mailbox_password,
                                       QdRemember            remember,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data)
{
  g_autoptr(GTask) task = qd_task_new (self, qd_session_sign_in_async, cancellable, callback,
                                       user_data);
  SignIn *data = g_new0 (SignIn, 1);
  gboolean by_link = login != NULL && login->link != NULL && login->link[0] != '\0';

  g_task_set_task_data (task, data, (GDestroyNotify)sign_in_free);
  qd_session_note_refused_certificate (self, NULL, NULL);
  data->remember = remember;
  if (mailbox != NULL)
    {
      data->mailbox = g_object_ref (mailbox);
      data->mailbox_user = g_strdup (mailbox_user);
      data->mailbox_password = g_strdup (mailbox_password);
    }
  if (!by_link && (login == NULL || login->url == NULL || login->url[0] == '\0'))
    {
      if (data->mailbox == NULL)
        {
          g_task_return_new_error (task, QD_ERROR, QD_ERROR_INVALID_INPUT, "%s",
                                   _("Enter the address of your mail gateway, or your mailbox’s "
                                     "server, to sign in."));
          return;
        }
      sign_in_mailbox (task);
      return;
    }
  data->url = g_strdup (login->url);
  data->username = g_strdup (login->username);
  /* Kept only for the keyring; wiped when freed (qd_secret_free). */
  data->password = g_strdup (login->password);
  data->token = g_strdup (login->token);
  data->link = by_link ? g_strdup (login->link) : NULL;
  if (login->fingerprint != NULL && login->fingerprint[0] != '\0')
    data->fingerprint = g_strdup (login->fingerprint);
  choose_kind (self, data, login->kind);
  if (data->detect)
    {
      /* In a process of its own: qd-gateway-detect.c says why. */
      qd_gateway_detect_kind_isolated_async (data->url, cancellable, detected_cb,
                                             g_steal_pointer (&task));
      return;
    }
  sign_in_gateway (task);
}

/* The mailbox of a login, with the certificate rules of the settings. */
QdMailbox *
qd_session_make_mailbox (QdSession       *self,
                         const char      *host,
                         guint16          port,
                         QdSmtpSecurity   security,
                         GError         **error)
{
  g_autofree char *ca_file = g_settings_get_string (self->settings, "ca-file");
  QdMailbox *mailbox = qd_mailbox_new (host, port, security, error);

  if (mailbox != NULL)
    qd_mailbox_set_ca_file (mailbox, ca_file[0] != '\0' ? ca_file : NULL);
  return mailbox;
}

/**
 * qd_session_sign_in_with_async:
 * @gateway: (nullable): the gateway and how to sign in to it; NULL, or
 *   no address and no link, for a mailbox only
 * @mailbox: (nullable): the person's own mailbox, NULL for a gateway only
 *
 * Signs in to the gateway (its kind as @gateway says, else found from its
 * address), then to the mailbox; the session changes only when both have,
 * so a failure leaves the one before as it was.  A certificate no
 * authority vouches for fails it with %QD_ERROR_TLS; then
 * qd_session_get_refused_certificate () says which, to accept.
 */
void
qd_session_sign_in_with_async (QdSession            *self,
                               const QdGatewayLogin *gateway,
                               const QdMailboxLogin *mailbox,
                               gboolean              remember,
                               GCancellable         *cancellable,
                               GAsyncReadyCallback   callback,
                               gpointer              user_data)
{
  g_autoptr(QdMailbox) box = NULL;
  GError *error = NULL;

  g_return_if_fail (QD_IS_SESSION (self));

  if (mailbox != NULL)
    {
      box = qd_session_make_mailbox (self, mailbox->host, mailbox->port, mailbox->security, &error);
      if (box == NULL)
        {
          g_task_report_error (self, callback, user_data, qd_session_sign_in_async, error);
          return;
        }
    }
  qd_session_sign_in_with_mailbox_async (self, gateway, box,
                                         mailbox != NULL ? mailbox->user : NULL,
                                         mailbox != NULL ? mailbox->password : NULL,
                                         remember ? QD_REMEMBER_YES : QD_REMEMBER_NO,
                                         cancellable, callback, user_data);
}

/**
 * qd_session_sign_in_async:
 * @url: (nullable): the gateway's address; NULL or empty for a mailbox only
 * @mailbox: (nullable): the person's own mailbox, NULL for a gateway only
 *
 * qd_session_sign_in_with_async () with a user name and password, for a
 * gateway of the kind the settings remember (found when they have none).
 */
void
qd_session_sign_in_async (QdSession            *self,
                          const char           *url,
                          const char           *username,
                          const char           *password,
                          const QdMailboxLogin *mailbox,
                          gboolean              remember,
                          GCancellable         *cancellable,
                          GAsyncReadyCallback   callback,
                          gpointer              user_data)
{
  QdGatewayLogin login = { .url = url, .username = username, .password = password };

  qd_session_sign_in_with_async (self, &login, mailbox, remember, cancellable, callback,
                                 user_data);
}

gboolean
qd_session_sign_in_finish (QdSession     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return qd_task_finish_boolean (result, self, qd_session_sign_in_async, error);
}

/* sign out */

static void
forgotten_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!qd_keyring_clear_finish (result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* The gateway's secrets, whichever were kept: a link's ticket is waited
 * for only through the password's clearing, which comes after it. */
static void
forget_gateway (const char *server,
                const char *user,
                GTask      *task)
{
  qd_keyring_clear_async (QD_SECRET_GATEWAY_TOKEN, server, user, NULL, NULL, NULL);
  qd_keyring_clear_async (QD_SECRET_GATEWAY_PASSWORD, server, user, NULL, forgotten_cb, task);
}

static void
signed_out_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QdGateway *gateway = QD_GATEWAY (object);
  g_autoptr(GError) error = NULL;
  const char *user = g_task_get_task_data (task);

  /* The gateway may be unreachable: the local session ends regardless. */
  if (!qd_gateway_sign_out_finish (gateway, result, &error))
    g_debug ("sign-out at the gateway: %s", error->message);
  /* Not g_steal_pointer () in the same call: arguments have no order. */
  forget_gateway (qd_gateway_get_base_url (gateway), user, g_object_ref (task));
}

/**
 * qd_session_sign_out_async:
 *
 * Ends the session at the gateway and forgets the token and the stored
 * password. The gateway address and user name stay, to fill in the
 * sign-in page.  Before any sign-in (a restore cancelled), it forgets the
 * remembered passwords.
 */
void
qd_session_sign_out_async (QdSession           *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = qd_task_new (self, qd_session_sign_out_async, cancellable, callback,
                                       user_data);
  gboolean was_signed_in = qd_session_get_signed_in (self);
  g_autoptr(QdGateway) gateway = g_steal_pointer (&self->gateway);
  g_autoptr(QdMailbox) mailbox = g_steal_pointer (&self->mailbox);

  g_task_set_task_data (task, g_steal_pointer (&self->keyring_user), g_free);
  g_clear_pointer (&self->account, qd_account_free);
  g_clear_pointer (&self->folders, qd_mailbox_folders_free);
  g_clear_object (&self->junk_source);
  g_settings_set_boolean (self->settings, "password-remembered", FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNED_IN]);
  /* Signed out while a restore was still signing in: the remembered
   * places' passwords are forgotten all the same. */
  if (mailbox == NULL && !was_signed_in)
    mailbox = qd_session_remembered_mailbox (self);
  if (mailbox != NULL)
    {
      g_autofree char *server = qd_mailbox_dup_server (mailbox);
      g_autofree char *user = g_settings_get_string (self->settings, "imap-user");

      /* Nothing to wait for: the next start finds no password and asks. */
      qd_keyring_clear_async (QD_SECRET_IMAP_PASSWORD, server, user, NULL, NULL, NULL);
    }
  if (gateway == NULL && !was_signed_in &&
      qd_session_remembered (self->settings, "gateway-url", "username"))
    {
      g_autofree char *url = g_settings_get_string (self->settings, "gateway-url");
      g_autofree char *user = g_settings_get_string (self->settings, "username");
      g_autofree char *server = qd_session_remembered_server (self->settings, url, NULL);

      forget_gateway (server, user, g_steal_pointer (&task));
      return;
    }
  if (gateway == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (QD_IS_API_CLIENT (gateway))
    qd_api_client_set_renew_from_keyring (QD_API_CLIENT (gateway), FALSE);
  qd_gateway_sign_out_async (gateway, cancellable, signed_out_cb, g_steal_pointer (&task));
}

gboolean
qd_session_sign_out_finish (QdSession     *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return qd_task_finish_boolean (result, self, qd_session_sign_out_async, error);
}
