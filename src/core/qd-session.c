/* qd-session.c — signing in, restoring a session from the keyring, and signing out
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-error.h"
#include "qd-keyring.h"
#include "qd-mailbox-source.h"
#include "qd-session.h"
#include "qd-task-private.h"

struct _QdSession
{
  GObject        parent_instance;

  GSettings     *settings;
  QdApiClient   *client;
  QdAccount     *account;
  QdGatewayInfo *info;
  QdMailbox     *mailbox;        /* the person's own mailbox, when signed in to one */
  QdMailboxFolders *folders;
  QdItemSource  *junk_source;    /* its Junk folder, NULL when it has none */
};

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
  g_clear_object (&self->client);
  g_clear_pointer (&self->account, qd_account_free);
  g_clear_pointer (&self->info, qd_gateway_info_unref);
  g_clear_object (&self->mailbox);
  g_clear_pointer (&self->folders, qd_mailbox_folders_free);
  g_clear_object (&self->junk_source);

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

QdApiClient *
qd_session_get_client (QdSession *self)
{
  g_return_val_if_fail (QD_IS_SESSION (self), NULL);
  return self->client;
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
  return self->client != NULL ? QD_GATEWAY (self->client) : NULL;
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
  if (self->client == NULL || self->account == NULL)
    return NULL;
  if (folder == QD_FOLDER_JUNK && self->info != NULL && !self->info->has_junk)
    return NULL;
  return QD_ITEM_SOURCE (self->client);
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

  if (self->junk_source == NULL || self->client == NULL || self->account == NULL)
    return NULL;
  *twin_folder = folder == QD_FOLDER_JUNK ? QD_FOLDER_QUARANTINE : QD_FOLDER_JUNK;
  return folder == QD_FOLDER_JUNK ? QD_ITEM_SOURCE (self->client)
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
  QdApiClient      *client;       /* NULL: no gateway */
  char             *password;
  gboolean          remember;
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
  g_clear_object (&data->client);
  if (data->password != NULL)
    qd_secret_free (data->password);
  g_clear_pointer (&data->account, qd_account_free);
  g_clear_pointer (&data->info, qd_gateway_info_unref);
  g_clear_object (&data->mailbox);
  g_free (data->mailbox_user);
  if (data->mailbox_password != NULL)
    qd_secret_free (data->mailbox_password);
  g_clear_pointer (&data->folders, qd_mailbox_folders_free);
  g_free (data);
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
  g_set_object (&self->client, data->client);
  g_clear_pointer (&self->account, qd_account_free);
  self->account = g_steal_pointer (&data->account);
  g_clear_pointer (&self->info, qd_gateway_info_unref);
  self->info = data->info != NULL ? qd_gateway_info_ref (data->info)
                                  : qd_gateway_info_new_defaults ();
  g_set_object (&self->mailbox, data->mailbox);
  g_clear_pointer (&self->folders, qd_mailbox_folders_free);
  self->folders = g_steal_pointer (&data->folders);
  g_clear_object (&self->junk_source);
  if (self->mailbox != NULL && self->folders != NULL && self->folders->junk != NULL)
    self->junk_source = QD_ITEM_SOURCE (qd_mailbox_source_new (self->mailbox,
                                                               QD_MAILBOX_FOLDER_JUNK));

  /* One write for them all: the keyfile backend (Flatpak's) replaces its
   * file for each key, up to 35 ms measured on the way to the first rows. */
  g_settings_delay (self->settings);
  if (data->client != NULL)
    {
      g_settings_set_string (self->settings, "gateway-url",
                             qd_api_client_get_base_url (data->client));
      g_settings_set_string (self->settings, "username", self->account->username
                                                         ? self->account->username
                                                         : qd_api_client_get_username (data->client));
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
  g_settings_set_boolean (self->settings, "password-remembered", data->remember);
  g_settings_apply (self->settings);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNED_IN]);
  g_task_return_boolean (task, TRUE);
}

static void
mailbox_keyring_done_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* As for the gateway: the sign-in stands, the next start asks. */
  if (!qd_keyring_store_finish (result, &error))
    g_debug ("keyring: %s", error != NULL ? error->message : "failed");
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
  /* Not g_steal_pointer () in the same call: arguments have no order. */
  if (data->remember)
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

static void
info_after_sign_in_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(QdGatewayInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  /* Without /info the gateway's own limits are unknown: the defaults apply. */
  info = qd_api_client_get_info_finish (QD_API_CLIENT (object), result, &error);
  if (info == NULL)
    g_warning ("the gateway's information is unavailable: %s", error->message);
  ((SignIn *)g_task_get_task_data (task))->info = g_steal_pointer (&info);
  sign_in_mailbox (task);
}

static void
keyring_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignIn *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* The sign-in stands even if the keyring failed; the next start asks. */
  if (!qd_keyring_store_finish (result, &error))
    g_debug ("keyring: %s", error != NULL ? error->message : "failed");
  qd_api_client_get_info_async (data->client, g_task_get_cancellable (task),
                                info_after_sign_in_cb, g_object_ref (task));
}

static void
sign_in_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignIn *data = g_task_get_task_data (task);
  QdApiClient *client = QD_API_CLIENT (object);
  const char *server = qd_api_client_get_base_url (client);
  const char *user = qd_api_client_get_username (client);
  GError *error = NULL;

  data->account = qd_api_client_sign_in_finish (client, result, &error);
  if (data->account == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (data->remember)
    qd_keyring_store_async (QD_SECRET_GATEWAY_PASSWORD, server, user, data->password,
                            g_task_get_cancellable (task), keyring_done_cb,
                            g_object_ref (task));
  else
    qd_keyring_clear_async (QD_SECRET_GATEWAY_PASSWORD, server, user,
                            g_task_get_cancellable (task), keyring_done_cb,
                            g_object_ref (task));
}

/* Signs in with a mailbox already made (and maybe already connecting). */
static void
sign_in_with_mailbox_async (QdSession           *self,
                            const char          *url,
                            const char          *username,
                            const char          *password,
                            QdMailbox           *mailbox,
                            const char          *mailbox_user,
                            const char          *mailbox_password,
                            gboolean             remember,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = qd_task_new (self, qd_session_sign_in_async, cancellable, callback,
                                       user_data);
  SignIn *data = g_new0 (SignIn, 1);
  GError *error = NULL;

  g_task_set_task_data (task, data, (GDestroyNotify)sign_in_free);
  data->remember = remember;
  if (mailbox != NULL)
    {
      data->mailbox = g_object_ref (mailbox);
      data->mailbox_user = g_strdup (mailbox_user);
      data->mailbox_password = g_strdup (mailbox_password);
    }
  if (url == NULL || url[0] == '\0')
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
  data->client = make_client (self, url, NULL, &error);
  if (data->client == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* Kept only for the keyring; wiped when freed (qd_secret_free). */
  data->password = g_strdup (password);
  qd_api_client_sign_in_async (data->client, username, password, cancellable, sign_in_cb,
                               g_steal_pointer (&task));
}

/* The mailbox of a login, with the certificate rules of the settings. */
static QdMailbox *
make_mailbox (QdSession       *self,
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
 * qd_session_sign_in_async:
 * @url: (nullable): the gateway's address; NULL or empty for a mailbox only
 * @mailbox: (nullable): the person's own mailbox, NULL for a gateway only
 *
 * Signs in to the gateway, then to the mailbox; the session changes only
 * when both have, so a failure leaves the one before as it was.
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
  g_autoptr(QdMailbox) box = NULL;
  GError *error = NULL;

  if (mailbox != NULL)
    {
      box = make_mailbox (self, mailbox->host, mailbox->port, mailbox->security, &error);
      if (box == NULL)
        {
          g_task_report_error (self, callback, user_data, qd_session_sign_in_async, error);
          return;
        }
    }
  sign_in_with_mailbox_async (self, url, username, password, box,
                              mailbox != NULL ? mailbox->user : NULL,
                              mailbox != NULL ? mailbox->password : NULL, remember,
                              cancellable, callback, user_data);
}

gboolean
qd_session_sign_in_finish (QdSession     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return qd_task_finish_boolean (result, self, qd_session_sign_in_async, error);
}

/* restore: the remembered gateway and mailbox, users and passwords */

/* Whether the settings name a place and a user under those keys. */
static gboolean
remembered (GSettings  *settings,
            const char *host_key,
            const char *user_key)
{
  g_autofree char *host = g_settings_get_string (settings, host_key);
  g_autofree char *user = g_settings_get_string (settings, user_key);

  return host[0] != '\0' && user[0] != '\0';
}

/**
 * qd_session_get_remembered:
 * @gateway: (out) (optional): whether a gateway is remembered
 * @mailbox: (out) (optional): whether a mailbox is remembered
 *
 * Whether qd_session_restore_async () has a gateway or a mailbox to sign
 * in to with passwords the keyring should have: FALSE after signing out,
 * or in without remembering (the keyring is asked all the same then).
 */
gboolean
qd_session_get_remembered (QdSession *self,
                           gboolean  *gateway,
                           gboolean  *mailbox)
{
  gboolean kept;
  gboolean has_gateway;
  gboolean has_mailbox;

  g_return_val_if_fail (QD_IS_SESSION (self), FALSE);

  kept = g_settings_get_boolean (self->settings, "password-remembered");
  has_gateway = kept && remembered (self->settings, "gateway-url", "username");
  has_mailbox = kept && remembered (self->settings, "imap-host", "imap-user");
  if (gateway != NULL)
    *gateway = has_gateway;
  if (mailbox != NULL)
    *mailbox = has_mailbox;
  return has_gateway || has_mailbox;
}

typedef struct
{
  char           *url;
  char           *user;
  char           *password;
  char           *imap_host;
  guint16         imap_port;
  QdSmtpSecurity  imap_security;
  char           *imap_user;
  char           *imap_password;
  QdMailbox      *mailbox;
} Restore;

static void
restore_free (Restore *data)
{
  g_free (data->url);
  g_free (data->user);
  if (data->password != NULL)
    qd_secret_free (data->password);
  g_free (data->imap_host);
  g_free (data->imap_user);
  if (data->imap_password != NULL)
    qd_secret_free (data->imap_password);
  g_clear_object (&data->mailbox);
  g_free (data);
}

static void
restore_signed_in_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!qd_session_sign_in_finish (QD_SESSION (object), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
restore_sign_in (GTask *task)
{
  QdSession *self = g_task_get_source_object (task);
  Restore *data = g_task_get_task_data (task);
  sign_in_with_mailbox_async (self, data->url, data->user, data->password, data->mailbox,
                              data->imap_user, data->imap_password, TRUE,
                              g_task_get_cancellable (task), restore_signed_in_cb,
                              g_object_ref (task));
}

/* A remembered place without its password: the person signs in again. */
static gboolean
restore_check (GTask    *task,
               char     *password,
               GError   *error)
{
  if (password == NULL)
    {
      if (error == NULL)
        error = g_error_new_literal (QD_ERROR, QD_ERROR_NOT_SIGNED_IN,
                                     _("Sign in to your mail gateway."));
      g_task_return_error (task, error);
      return FALSE;
    }
  return TRUE;
}

static void
restore_imap_lookup_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Restore *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->imap_password = qd_keyring_lookup_finish (result, &error);
  if (restore_check (task, data->imap_password, error))
    restore_sign_in (task);
}

static void
restore_lookup_imap (GTask *task)
{
  QdSession *self = g_task_get_source_object (task);
  Restore *data = g_task_get_task_data (task);
  g_autofree char *server = NULL;

  if (data->imap_host == NULL)
    {
      restore_sign_in (task);
      return;
    }
  data->mailbox = make_mailbox (self, data->imap_host, data->imap_port, data->imap_security,
                                NULL);
  if (data->mailbox == NULL)
    {
      g_clear_pointer (&data->imap_host, g_free);
      restore_sign_in (task);
      return;
    }
  /* The connection and its TLS while the keyring is asked: signing in
   * then waits for LOGIN only.  Its error, if any, comes with the sign-in. */
  qd_mailbox_open_async (data->mailbox, g_task_get_cancellable (task), NULL, NULL);
  /* The keyring is keyed by the port the mailbox uses. */
  server = qd_mailbox_dup_server (data->mailbox);
  qd_keyring_lookup_async (QD_SECRET_IMAP_PASSWORD, server, data->imap_user,
                           g_task_get_cancellable (task), restore_imap_lookup_cb,
                           g_object_ref (task));
}

static void
restore_lookup_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Restore *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->password = qd_keyring_lookup_finish (result, &error);
  if (restore_check (task, data->password, error))
    restore_lookup_imap (task);
}

/**
 * qd_session_restore_async:
 *
 * Signs in with the remembered gateway and mailbox, users and passwords,
 * if any; fails with %QD_ERROR_NOT_SIGNED_IN when nothing is remembered.
 */
void
qd_session_restore_async (QdSession           *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = qd_task_new (self, qd_session_restore_async, cancellable, callback,
                                       user_data);
  Restore *data = g_new0 (Restore, 1);
  g_autoptr(QdApiClient) probe = NULL;
  g_autofree char *security = NULL;

  g_task_set_task_data (task, data, (GDestroyNotify)restore_free);
  data->url = g_settings_get_string (self->settings, "gateway-url");
  data->user = g_settings_get_string (self->settings, "username");
  data->imap_host = g_settings_get_string (self->settings, "imap-host");
  data->imap_port = (guint16)g_settings_get_int (self->settings, "imap-port");
  data->imap_user = g_settings_get_string (self->settings, "imap-user");
  security = g_settings_get_string (self->settings, "imap-security");
  data->imap_security = QD_SMTP_SECURITY_TLS;
  qd_smtp_security_from_string (security, &data->imap_security);
  if (data->url[0] == '\0' || data->user[0] == '\0')
    g_clear_pointer (&data->url, g_free);
  if (data->imap_host[0] == '\0' || data->imap_user[0] == '\0')
    g_clear_pointer (&data->imap_host, g_free);

  if (data->url == NULL && data->imap_host == NULL)
    {
      g_task_return_new_error (task, QD_ERROR, QD_ERROR_NOT_SIGNED_IN,
                               _("Sign in to your mail gateway."));
      return;
    }
  if (data->url == NULL)
    {
      restore_lookup_imap (task);
      return;
    }
  /* The keyring is keyed by the normalised address the client uses. */
  probe = qd_api_client_new (data->url, NULL);
  qd_keyring_lookup_async (QD_SECRET_GATEWAY_PASSWORD,
                           probe != NULL ? qd_api_client_get_base_url (probe) : data->url,
                           data->user, cancellable, restore_lookup_cb, g_steal_pointer (&task));
}

gboolean
qd_session_restore_finish (QdSession     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return qd_task_finish_boolean (result, self, qd_session_restore_async, error);
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

static void
signed_out_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QdApiClient *client = QD_API_CLIENT (object);
  g_autoptr(GError) error = NULL;

  /* The gateway may be unreachable: the local session ends regardless. */
  if (!qd_api_client_sign_out_finish (client, result, &error))
    g_debug ("sign-out at the gateway: %s", error->message);
  qd_keyring_clear_async (QD_SECRET_GATEWAY_PASSWORD, qd_api_client_get_base_url (client),
                          qd_api_client_get_username (client), NULL, forgotten_cb,
                          g_steal_pointer (&task));
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
  g_autoptr(QdApiClient) client = g_steal_pointer (&self->client);
  g_autoptr(QdMailbox) mailbox = g_steal_pointer (&self->mailbox);

  g_clear_pointer (&self->account, qd_account_free);
  g_clear_pointer (&self->folders, qd_mailbox_folders_free);
  g_clear_object (&self->junk_source);
  g_settings_set_boolean (self->settings, "password-remembered", FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNED_IN]);
  /* Signed out while a restore was still signing in: the remembered
   * places' passwords are forgotten all the same. */
  if (mailbox == NULL && !was_signed_in && remembered (self->settings, "imap-host", "imap-user"))
    {
      g_autofree char *host = g_settings_get_string (self->settings, "imap-host");
      g_autofree char *security = g_settings_get_string (self->settings, "imap-security");
      QdSmtpSecurity imap_security = QD_SMTP_SECURITY_TLS;

      qd_smtp_security_from_string (security, &imap_security);
      mailbox = make_mailbox (self, host,
                              (guint16)g_settings_get_int (self->settings, "imap-port"),
                              imap_security, NULL);
    }
  if (mailbox != NULL)
    {
      g_autofree char *server = qd_mailbox_dup_server (mailbox);
      g_autofree char *user = g_settings_get_string (self->settings, "imap-user");

      /* Nothing to wait for: the next start finds no password and asks. */
      qd_keyring_clear_async (QD_SECRET_IMAP_PASSWORD, server, user, NULL, NULL, NULL);
    }
  if (client == NULL && !was_signed_in && remembered (self->settings, "gateway-url", "username"))
    {
      g_autofree char *url = g_settings_get_string (self->settings, "gateway-url");
      g_autofree char *user = g_settings_get_string (self->settings, "username");
      /* The keyring is keyed by the normalised address the client uses. */
      g_autoptr(QdApiClient) probe = qd_api_client_new (url, NULL);

      qd_keyring_clear_async (QD_SECRET_GATEWAY_PASSWORD,
                              probe != NULL ? qd_api_client_get_base_url (probe) : url, user,
                              NULL, forgotten_cb, g_steal_pointer (&task));
      return;
    }
  if (client == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  qd_api_client_set_renew_from_keyring (client, FALSE);
  qd_api_client_sign_out_async (client, cancellable, signed_out_cb, g_steal_pointer (&task));
}

gboolean
qd_session_sign_out_finish (QdSession     *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return qd_task_finish_boolean (result, self, qd_session_sign_out_async, error);
}
