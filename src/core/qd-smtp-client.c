/* qd-smtp-client.c — an SMTP server for submissions: address, security, probe and send
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "qd-address.h"
#include "qd-error.h"
#include "qd-smtp-client.h"
#include "qd-smtp-transfer.h"
#include "qd-task-private.h"

#define DEFAULT_TIMEOUT_SECONDS 60
#define DEFAULT_TRIES           4
#define DEFAULT_FIRST_DELAY_MS  1000

struct _QdSmtpClient
{
  GObject         parent_instance;

  char           *host;
  guint16         port;
  QdSmtpSecurity  security;
  char           *user;
  char           *password;
  char           *ca_file;
  guint           timeout;
  guint           tries;
  guint           first_delay_ms;
};

G_DEFINE_FINAL_TYPE (QdSmtpClient, qd_smtp_client, G_TYPE_OBJECT)

void
qd_smtp_capabilities_free (QdSmtpCapabilities *caps)
{
  if (caps == NULL)
    return;
  g_free (caps->greeting);
  g_free (caps);
}

static void
qd_smtp_client_finalize (GObject *object)
{
  QdSmtpClient *self = QD_SMTP_CLIENT (object);

  g_free (self->host);
  g_free (self->user);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
  g_free (self->ca_file);

  G_OBJECT_CLASS (qd_smtp_client_parent_class)->finalize (object);
}

static void
qd_smtp_client_class_init (QdSmtpClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = qd_smtp_client_finalize;

  /* Once, before any worker thread can use libcurl. */
  curl_global_init (CURL_GLOBAL_DEFAULT);
}

static void
qd_smtp_client_init (QdSmtpClient *self)
{
  self->timeout = DEFAULT_TIMEOUT_SECONDS;
  self->tries = DEFAULT_TRIES;
  self->first_delay_ms = DEFAULT_FIRST_DELAY_MS;
}

gboolean
qd_smtp_security_from_string (const char     *str,
                              QdSmtpSecurity *security)
{
  static const char * const names[] = { "none", "starttls", "tls" };

  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (str, names[i]) == 0)
      {
        *security = (QdSmtpSecurity)i;
        return TRUE;
      }
  return FALSE;
}

const char *
qd_smtp_security_to_string (QdSmtpSecurity security)
{
  switch (security)
    {
    case QD_SMTP_SECURITY_NONE:
      return "none";
    case QD_SMTP_SECURITY_TLS:
      return "tls";
    case QD_SMTP_SECURITY_STARTTLS:
    default:
      return "starttls";
    }
}

/**
 * qd_smtp_parse_server:
 * @text: "host:port", "[v6 address]:port", or a host alone
 * @port: (out): the port, 0 when none is given
 */
gboolean
qd_smtp_parse_server (const char  *text,
                      char       **host,
                      guint16     *port)
{
  g_autofree char *name = NULL;
  const char *colon;
  guint64 value = 0;

  g_return_val_if_fail (host != NULL && port != NULL, FALSE);

  if (text == NULL || *text == '\0')
    return FALSE;
  if (text[0] == '[')
    {
      const char *close = strchr (text, ']');

      if (close == NULL || close == text + 1 || (close[1] != '\0' && close[1] != ':'))
        return FALSE;
      name = g_strndup (text + 1, close - text - 1);
      colon = close[1] == ':' ? close + 1 : NULL;
    }
  else
    {
      colon = strrchr (text, ':');
      if (colon != NULL && strchr (text, ':') != colon)
        return FALSE;   /* a bare IPv6 address needs its brackets */
      name = colon != NULL ? g_strndup (text, colon - text) : g_strdup (text);
    }
  if (name[0] == '\0' || strpbrk (name, " \t/@?#") != NULL)
    return FALSE;
  if (colon != NULL && !g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &value, NULL))
    return FALSE;
  *host = g_steal_pointer (&name);
  *port = (guint16)value;
  return TRUE;
}

/**
 * qd_smtp_client_new:
 * @port: the port, or 0 for the usual one of @security
 *
 * Plain SMTP is refused for any server but this computer: the samples
 * and the password would cross the network readable by anyone.
 */
QdSmtpClient *
qd_smtp_client_new (const char      *host,
                    guint16          port,
                    QdSmtpSecurity   security,
                    GError         **error)
{
  QdSmtpClient *self;

  g_return_val_if_fail (host != NULL, NULL);

  if (security == QD_SMTP_SECURITY_NONE && !qd_address_is_loopback (host))
    {
      g_set_error (error, QD_ERROR, QD_ERROR_INSECURE_URL,
                   _("The SMTP server %s would be reached without encryption. Choose STARTTLS "
                     "or TLS; plain SMTP is only for a server on this computer."), host);
      return NULL;
    }
  self = g_object_new (QD_TYPE_SMTP_CLIENT, NULL);
  self->host = g_strdup (host);
  self->security = security;
  if (port == 0)
    port = security == QD_SMTP_SECURITY_TLS ? 465
           : security == QD_SMTP_SECURITY_STARTTLS ? 587 : 25;
  self->port = port;
  return self;
}

const char *
qd_smtp_client_get_host (QdSmtpClient *self)
{
  g_return_val_if_fail (QD_IS_SMTP_CLIENT (self), NULL);
  return self->host;
}

guint16
qd_smtp_client_get_port (QdSmtpClient *self)
{
  g_return_val_if_fail (QD_IS_SMTP_CLIENT (self), 0);
  return self->port;
}

/**
 * qd_smtp_client_dup_server:
 *
 * "host:port", as the keyring's server attribute names it.
 */
char *
qd_smtp_client_dup_server (QdSmtpClient *self)
{
  g_return_val_if_fail (QD_IS_SMTP_CLIENT (self), NULL);

  return qd_address_join_host_port (self->host, self->port);
}

QdSmtpSecurity
qd_smtp_client_get_security (QdSmtpClient *self)
{
  g_return_val_if_fail (QD_IS_SMTP_CLIENT (self), QD_SMTP_SECURITY_STARTTLS);
  return self->security;
}

/**
 * qd_smtp_client_set_credentials:
 * @user: (nullable): the user name, or %NULL to send without AUTH
 * @password: (nullable): its password, from the keyring
 */
void
qd_smtp_client_set_credentials (QdSmtpClient *self,
                                const char   *user,
                                const char   *password)
{
  g_return_if_fail (QD_IS_SMTP_CLIENT (self));

  g_free (self->user);
  self->user = user != NULL && *user != '\0' ? g_strdup (user) : NULL;
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
  self->password = g_strdup (password);
}

const char *
qd_smtp_client_get_user (QdSmtpClient *self)
{
  g_return_val_if_fail (QD_IS_SMTP_CLIENT (self), NULL);
  return self->user;
}

void
qd_smtp_client_set_ca_file (QdSmtpClient *self,
                            const char   *ca_file)
{
  g_return_if_fail (QD_IS_SMTP_CLIENT (self));

  g_free (self->ca_file);
  self->ca_file = ca_file != NULL && *ca_file != '\0' ? g_strdup (ca_file) : NULL;
}

void
qd_smtp_client_set_timeout (QdSmtpClient *self,
                            guint         seconds)
{
  g_return_if_fail (QD_IS_SMTP_CLIENT (self));
  self->timeout = seconds > 0 ? seconds : DEFAULT_TIMEOUT_SECONDS;
}

/**
 * qd_smtp_client_set_retries:
 * @tries: attempts in all for a temporary failure (at least 1)
 * @first_delay_ms: the wait before the second; each next one doubles
 */
void
qd_smtp_client_set_retries (QdSmtpClient *self,
                            guint         tries,
                            guint         first_delay_ms)
{
  g_return_if_fail (QD_IS_SMTP_CLIENT (self));
  self->tries = MAX (tries, 1);
  self->first_delay_ms = first_delay_ms;
}

static gboolean
wait_cancellable (guint          ms,
                  GCancellable  *cancellable,
                  GError       **error)
{
  GPollFD fd;

  if (g_cancellable_make_pollfd (cancellable, &fd))
    {
      g_poll (&fd, 1, (int)ms);
      g_cancellable_release_fd (cancellable);
    }
  else
    g_usleep ((gulong)ms * 1000);
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

static void
setup (QdSmtpClient   *self,
       QdSmtpTransfer *t,
       const char     *server,
       GCancellable   *cancellable)
{
  t->server = server;
  t->security = self->security;
  t->user = self->user;
  t->password = self->password;
  t->ca_file = self->ca_file;
  t->timeout = self->timeout;
  t->cancellable = cancellable;
}

/* Temporary failures (4xx, lost connections) are tried again a few
 * times, each wait twice the last; permanent ones are final at once. */
static gboolean
run_with_retries (QdSmtpClient    *self,
                  QdSmtpTransfer  *t,
                  guint            tries,
                  const char      *mail_from,
                  const char      *rcpt_to,
                  GCancellable    *cancellable,
                  GError         **error)
{
  guint delay = self->first_delay_ms;

  for (guint attempt = 1; ; attempt++)
    {
      g_autoptr(GError) local_error = NULL;
      gboolean temporary;

      if (qd_smtp_transfer_run (t, mail_from, rcpt_to, &temporary, &local_error))
        return TRUE;
      g_debug ("SMTP attempt %u of %u to %s: %s", attempt, tries, t->server,
               local_error->message);
      if (!temporary || attempt >= tries)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (!wait_cancellable (delay, cancellable, error))
        return FALSE;
      delay *= 2;
    }
}

/**
 * qd_smtp_client_probe:
 *
 * Connects, says EHLO (and STARTTLS and AUTH as configured), and leaves:
 * what the server offers decides how the samples can travel.
 * Blocking: call it from a worker thread.
 */
QdSmtpCapabilities *
qd_smtp_client_probe (QdSmtpClient  *self,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_auto(QdSmtpTransfer) t = { 0 };
  g_autofree char *server = NULL;
  QdSmtpCapabilities *caps;

  g_return_val_if_fail (QD_IS_SMTP_CLIENT (self), NULL);

  server = qd_smtp_client_dup_server (self);
  setup (self, &t, server, cancellable);
  /* Once: a server that cannot be asked is assumed to take 8-bit data,
   * and the send checks again before MAIL FROM. */
  if (!run_with_retries (self, &t, 1, NULL, NULL, cancellable, error))
    return NULL;
  caps = g_new0 (QdSmtpCapabilities, 1);
  caps->extensions = t.extensions;
  caps->max_size = t.max_size;
  caps->greeting = g_strdup (t.greeting);
  return caps;
}

/**
 * qd_smtp_client_send:
 * @message: the message exactly as it goes on the wire (CRLF)
 * @required: extensions the message cannot travel without
 *
 * Sends one message. Success means the server accepted its DATA.
 * Blocking: call it from a worker thread.
 *
 * Returns: (transfer full): the server's reply to the DATA, or %NULL
 */
char *
qd_smtp_client_send (QdSmtpClient      *self,
                     const char        *mail_from,
                     const char        *rcpt_to,
                     GBytes            *message,
                     QdSmtpExtensions   required,
                     GCancellable      *cancellable,
                     GError           **error)
{
  g_auto(QdSmtpTransfer) t = { 0 };
  g_autofree char *server = NULL;

  g_return_val_if_fail (QD_IS_SMTP_CLIENT (self), NULL);
  g_return_val_if_fail (mail_from != NULL && rcpt_to != NULL && message != NULL, NULL);

  server = qd_smtp_client_dup_server (self);
  setup (self, &t, server, cancellable);
  t.data = g_bytes_get_data (message, &t.length);
  t.required = required;
  if (!run_with_retries (self, &t, self->tries, mail_from, rcpt_to, cancellable, error))
    return NULL;
  return g_strdup (t.reply->str);
}

static void
probe_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GError *error = NULL;
  QdSmtpCapabilities *caps = qd_smtp_client_probe (source_object, cancellable, &error);

  qd_task_return_pointer_or_error (task, caps, (GDestroyNotify)qd_smtp_capabilities_free, error);
}

void
qd_smtp_client_probe_async (QdSmtpClient        *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (QD_IS_SMTP_CLIENT (self));

  task = qd_task_new (self, qd_smtp_client_probe_async, cancellable, callback, user_data);
  g_task_run_in_thread (task, probe_thread);
}

QdSmtpCapabilities *
qd_smtp_client_probe_finish (QdSmtpClient  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return qd_task_finish_pointer (result, self, qd_smtp_client_probe_async, error);
}

typedef struct
{
  char             *mail_from;
  char             *rcpt_to;
  GBytes           *message;
  QdSmtpExtensions  required;
} SendData;

static void
send_data_free (SendData *data)
{
  g_free (data->mail_from);
  g_free (data->rcpt_to);
  g_bytes_unref (data->message);
  g_free (data);
}

static void
send_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SendData *data = task_data;
  GError *error = NULL;
  char *reply = qd_smtp_client_send (source_object, data->mail_from, data->rcpt_to,
                                     data->message, data->required, cancellable, &error);

  qd_task_return_pointer_or_error (task, reply, g_free, error);
}

void
qd_smtp_client_send_async (QdSmtpClient        *self,
                           const char          *mail_from,
                           const char          *rcpt_to,
                           GBytes              *message,
                           QdSmtpExtensions     required,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SendData *data;

  g_return_if_fail (QD_IS_SMTP_CLIENT (self));
  g_return_if_fail (mail_from != NULL && rcpt_to != NULL && message != NULL);

  data = g_new0 (SendData, 1);
  data->mail_from = g_strdup (mail_from);
  data->rcpt_to = g_strdup (rcpt_to);
  data->message = g_bytes_ref (message);
  data->required = required;
  task = qd_task_new (self, qd_smtp_client_send_async, cancellable, callback, user_data);
  g_task_set_task_data (task, data, (GDestroyNotify)send_data_free);
  g_task_run_in_thread (task, send_thread);
}

char *
qd_smtp_client_send_finish (QdSmtpClient  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return qd_task_finish_pointer (result, self, qd_smtp_client_send_async, error);
}
