/* qd-session-restore.c — signing in again as the settings and the keyring remember
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-error.h"
#include "qd-gateway-detect.h"
#include "qd-keyring.h"
#include "qd-session-private.h"
#include "qd-task-private.h"

/* Whether the settings name a place and a user under those keys. */
gboolean
qd_session_remembered (GSettings  *settings,
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
  has_gateway = kept && qd_session_remembered (self->settings, "gateway-url", "username");
  has_mailbox = kept && qd_session_remembered (self->settings, "imap-host", "imap-user");
  if (gateway != NULL)
    *gateway = has_gateway;
  if (mailbox != NULL)
    *mailbox = has_mailbox;
  return has_gateway || has_mailbox;
}

/* The address the keyring knows the remembered gateway by: its client's,
 * of the remembered kind (ours when none is). */
char *
qd_session_remembered_server (GSettings     *settings,
                              const char    *url,
                              QdGatewayKind *kind_out)
{
  g_autofree char *name = g_settings_get_string (settings, "gateway-kind");
  QdGatewayKind kind = QD_GATEWAY_KIND_QD;
  g_autoptr(QdGateway) probe = NULL;

  qd_gateway_kind_from_string (name, &kind);
  probe = qd_gateway_new_for_kind (kind, url, NULL, NULL);
  if (kind_out != NULL)
    *kind_out = kind;
  return g_strdup (probe != NULL ? qd_gateway_get_base_url (probe) : url);
}

/* The mailbox the settings remember, not yet connected; NULL when they
 * remember none, or one that cannot be made. */
QdMailbox *
qd_session_remembered_mailbox (QdSession *self)
{
  g_autofree char *host = NULL;
  g_autofree char *security = NULL;
  QdSmtpSecurity imap_security = QD_SMTP_SECURITY_TLS;

  if (!qd_session_remembered (self->settings, "imap-host", "imap-user"))
    return NULL;
  host = g_settings_get_string (self->settings, "imap-host");
  security = g_settings_get_string (self->settings, "imap-security");
  qd_smtp_security_from_string (security, &imap_security);
  return qd_session_make_mailbox (self, host,
                                  (guint16)g_settings_get_int (self->settings, "imap-port"),
                                  imap_security, NULL);
}

typedef struct
{
  char           *url;
  char           *server;      /* the keyring's name for it */
  QdGatewayKind   kind;
  char           *user;
  char           *password;    /* or a link's ticket */
  char           *token;       /* ours: the session kept with the password */
  GError         *password_error;
  guint           pending;     /* secrets asked for, not answered yet */
  gboolean        ticket_expired;
  char           *imap_user;
  char           *imap_password;
  QdMailbox      *mailbox;
} Restore;

static void
restore_free (Restore *data)
{
  g_free (data->url);
  g_free (data->server);
  g_free (data->user);
  if (data->password != NULL)
    qd_secret_free (data->password);
  if (data->token != NULL)
    qd_secret_free (data->token);
  g_clear_error (&data->password_error);
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
  QdGatewayLogin login = { .url = data->url, .username = data->user,
                           .password = data->password, .token = data->token };

  /* The kind remembered with the address, found again if none was. */
  login.kind = NULL;
  qd_session_sign_in_with_mailbox_async (self, data->url != NULL ? &login : NULL,
                                         data->mailbox, data->imap_user, data->imap_password,
                                         QD_REMEMBER_KEPT, g_task_get_cancellable (task),
                                         restore_signed_in_cb, g_object_ref (task));
}

/* A remembered place without its password: the person signs in again. */
static gboolean
restore_check (GTask    *task,
               char     *password,
               GError   *error)
{
  Restore *data = g_task_get_task_data (task);

  if (password == NULL)
    {
      if (error == NULL && data->ticket_expired)
        error = g_error_new_literal (QD_ERROR, QD_ERROR_SESSION_EXPIRED,
                                     _("The quarantine link you signed in with has expired. "
                                       "Sign in with your password, or with the link of a "
                                       "newer spam report."));
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

  data->mailbox = qd_session_remembered_mailbox (self);
  if (data->mailbox == NULL)
    {
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

/* Both of our API's secrets are asked for at once: one after the other,
 * the second answer waited behind the window being shown (40–50 ms). */
static void
restore_secret_done (GTask *task)
{
  Restore *data = g_task_get_task_data (task);

  if (--data->pending > 0)
    return;
  if (restore_check (task, data->password, g_steal_pointer (&data->password_error)))
    restore_lookup_imap (task);
}

/* Without a kept session (or if the keyring fails to give it), the
 * password signs in.  A session is used only with its password: it is
 * kept only with "Remember". */
static void
restore_token_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Restore *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->token = qd_keyring_lookup_finish (result, &error);
  if (error != NULL)
    g_debug ("keyring: %s", error->message);
  restore_secret_done (task);
}

static void
restore_lookup_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Restore *data = g_task_get_task_data (task);

  data->password = qd_keyring_lookup_finish (result, &data->password_error);
  restore_secret_done (task);
}

/* The password, and for our API the session kept with it. */
static void
restore_lookup (GTask *task)
{
  Restore *data = g_task_get_task_data (task);

  data->pending = 1;
  qd_keyring_lookup_async (QD_SECRET_GATEWAY_PASSWORD, data->server, data->user,
                           g_task_get_cancellable (task), restore_lookup_cb,
                           g_object_ref (task));
  if (data->kind == QD_GATEWAY_KIND_QD)
    {
      data->pending++;
      qd_keyring_lookup_async (QD_SECRET_GATEWAY_TOKEN, data->server, data->user,
                               g_task_get_cancellable (task), restore_token_cb,
                               g_object_ref (task));
    }
}

/* PMG: a link's ticket, while it lasts, stands for the password. */
static void
restore_ticket_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Restore *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  char *secret = qd_keyring_lookup_finish (result, &error);

  data->password = qd_session_ticket_secret_read (secret);
  data->ticket_expired = secret != NULL && data->password == NULL;
  if (secret != NULL)
    qd_secret_free (secret);
  if (data->password != NULL)
    {
      restore_lookup_imap (task);
      return;
    }
  restore_lookup (task);
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

  g_task_set_task_data (task, data, (GDestroyNotify)restore_free);
  data->url = g_settings_get_string (self->settings, "gateway-url");
  data->user = g_settings_get_string (self->settings, "username");
  data->imap_user = g_settings_get_string (self->settings, "imap-user");
  if (data->url[0] == '\0' || data->user[0] == '\0')
    g_clear_pointer (&data->url, g_free);

  if (data->url == NULL && !qd_session_remembered (self->settings, "imap-host", "imap-user"))
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
  data->server = qd_session_remembered_server (self->settings, data->url, &data->kind);
  if (data->kind == QD_GATEWAY_KIND_PMG)
    qd_keyring_lookup_async (QD_SECRET_GATEWAY_TOKEN, data->server, data->user, cancellable,
                             restore_ticket_cb, g_steal_pointer (&task));
  else
    restore_lookup (task);
}

gboolean
qd_session_restore_finish (QdSession     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return qd_task_finish_boolean (result, self, qd_session_restore_async, error);
}
