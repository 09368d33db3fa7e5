/* qd-session.c — signing in, restoring a session from the keyring, and signing out
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-error.h"
#include "qd-keyring.h"
#include "qd-session.h"
#include "qd-task-private.h"

struct _QdSession
{
  GObject        parent_instance;

  GSettings     *settings;
  QdApiClient   *client;
  QdAccount     *account;
  QdGatewayInfo *info;
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

gboolean
qd_session_get_signed_in (QdSession *self)
{
  g_return_val_if_fail (QD_IS_SESSION (self), FALSE);
  return self->account != NULL;
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
  QdApiClient *client;
  char        *password;
  gboolean     remember;
  QdAccount   *account;
} SignIn;

static void
sign_in_free (SignIn *data)
{
  g_clear_object (&data->client);
  if (data->password != NULL)
    qd_secret_free (data->password);
  g_clear_pointer (&data->account, qd_account_free);
  g_free (data);
}

static void
finish_sign_in (GTask         *task,
                QdGatewayInfo *info)
{
  QdSession *self = g_task_get_source_object (task);
  SignIn *data = g_task_get_task_data (task);

  g_set_object (&self->client, data->client);
  g_clear_pointer (&self->account, qd_account_free);
  self->account = g_steal_pointer (&data->account);
  g_clear_pointer (&self->info, qd_gateway_info_unref);
  self->info = info != NULL ? qd_gateway_info_ref (info) : qd_gateway_info_new_defaults ();
  g_settings_set_string (self->settings, "gateway-url", qd_api_client_get_base_url (data->client));
  g_settings_set_string (self->settings, "username", self->account->username
                                                     ? self->account->username
                                                     : qd_api_client_get_username (data->client));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNED_IN]);
  g_task_return_boolean (task, TRUE);
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
  finish_sign_in (task, info);
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

void
qd_session_sign_in_async (QdSession           *self,
                          const char          *url,
                          const char          *username,
                          const char          *password,
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
  data->client = make_client (self, url, NULL, &error);
  if (data->client == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* Kept only for the keyring, in non-pageable memory. */
  data->password = g_strdup (password);
  qd_api_client_sign_in_async (data->client, username, password, cancellable, sign_in_cb,
                               g_steal_pointer (&task));
}

gboolean
qd_session_sign_in_finish (QdSession     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return qd_task_finish_boolean (result, self, qd_session_sign_in_async, error);
}

/* restore: the remembered gateway, user and password */

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
restore_lookup_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QdSession *self = g_task_get_source_object (task);
  g_autofree char *url = g_settings_get_string (self->settings, "gateway-url");
  g_autofree char *user = g_settings_get_string (self->settings, "username");
  GError *error = NULL;
  char *password = qd_keyring_lookup_finish (result, &error);

  if (password == NULL)
    {
      if (error == NULL)
        error = g_error_new_literal (QD_ERROR, QD_ERROR_NOT_SIGNED_IN,
                                     _("Sign in to your mail gateway."));
      g_task_return_error (task, error);
      return;
    }
  qd_session_sign_in_async (self, url, user, password, TRUE, g_task_get_cancellable (task),
                            restore_signed_in_cb, g_object_ref (task));
  qd_secret_free (password);
}

/**
 * qd_session_restore_async:
 *
 * Signs in with the remembered gateway, user and password, if any;
 * fails with %QD_ERROR_NOT_SIGNED_IN when nothing is remembered.
 */
void
qd_session_restore_async (QdSession           *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = qd_task_new (self, qd_session_restore_async, cancellable, callback,
                                       user_data);
  g_autofree char *url = g_settings_get_string (self->settings, "gateway-url");
  g_autofree char *user = g_settings_get_string (self->settings, "username");
  g_autoptr(QdApiClient) probe = NULL;

  if (url[0] == '\0' || user[0] == '\0')
    {
      g_task_return_new_error (task, QD_ERROR, QD_ERROR_NOT_SIGNED_IN,
                               _("Sign in to your mail gateway."));
      return;
    }
  /* The keyring is keyed by the normalised address the client uses. */
  probe = qd_api_client_new (url, NULL);
  qd_keyring_lookup_async (QD_SECRET_GATEWAY_PASSWORD,
                           probe != NULL ? qd_api_client_get_base_url (probe) : url, user,
                           cancellable, restore_lookup_cb, g_steal_pointer (&task));
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
 * sign-in page.
 */
void
qd_session_sign_out_async (QdSession           *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = qd_task_new (self, qd_session_sign_out_async, cancellable, callback,
                                       user_data);
  g_autoptr(QdApiClient) client = g_steal_pointer (&self->client);

  g_clear_pointer (&self->account, qd_account_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNED_IN]);
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
