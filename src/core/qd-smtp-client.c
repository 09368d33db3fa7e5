/* qd-smtp-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <curl/curl.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "qd-error.h"
#include "qd-smtp-client.h"

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

/* One libcurl transfer and what the server said during it. */
typedef struct
{
  GCancellable     *cancellable;
  const guint8     *data;
  gsize             length;
  gsize             offset;
  QdSmtpExtensions  required;

  gboolean          in_ehlo;
  QdSmtpExtensions  extensions;
  gint64            max_size;
  char             *greeting;
  GString          *reply;          /* the latest reply, its lines joined */
  gboolean          reply_complete;
  char             *refusal;        /* why the pre-request check stopped it */
  long              code;
  char              curl_error[CURL_ERROR_SIZE];
} Transfer;

static void
transfer_clear (Transfer *t)
{
  g_clear_pointer (&t->greeting, g_free);
  if (t->reply != NULL)
    g_string_free (t->reply, TRUE);
  t->reply = NULL;
  g_clear_pointer (&t->refusal, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Transfer, transfer_clear)

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

static gboolean
is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);

  if (address != NULL)
    return g_inet_address_get_is_loopback (address);
  return g_ascii_strcasecmp (host, "localhost") == 0;
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

  if (security == QD_SMTP_SECURITY_NONE && !is_loopback (host))
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
    port = security == QD_SMTP_SECURITY_TLS ? 465 : security == QD_SMTP_SECURITY_STARTTLS ? 587 : 25;
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

  if (strchr (self->host, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", self->host, self->port);
  return g_strdup_printf ("%s:%u", self->host, self->port);
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

/* libcurl callbacks: they run in the worker thread of the transfer. */

static void
note_extension (Transfer   *t,
                const char *keyword)
{
  static const struct {
    const char       *name;
    QdSmtpExtensions  flag;
  } known[] = {
    { "8BITMIME", QD_SMTP_EXTENSION_8BITMIME },
    { "BINARYMIME", QD_SMTP_EXTENSION_BINARYMIME },
    { "CHUNKING", QD_SMTP_EXTENSION_CHUNKING },
    { "SIZE", QD_SMTP_EXTENSION_SIZE },
    { "STARTTLS", QD_SMTP_EXTENSION_STARTTLS },
    { "AUTH", QD_SMTP_EXTENSION_AUTH },
    { "SMTPUTF8", QD_SMTP_EXTENSION_SMTPUTF8 },
    { "PIPELINING", QD_SMTP_EXTENSION_PIPELINING },
  };
  gsize len = strcspn (keyword, " =");

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (strlen (known[i].name) == len && g_ascii_strncasecmp (keyword, known[i].name, len) == 0)
      {
        t->extensions |= known[i].flag;
        if (known[i].flag == QD_SMTP_EXTENSION_SIZE && keyword[len] == ' ')
          t->max_size = g_ascii_strtoll (keyword + len + 1, NULL, 10);
      }
}

static void
take_reply_line (Transfer   *t,
                 const char *line)
{
  gsize len = strlen (line);
  gboolean last = len == 3 || (len > 3 && line[3] == ' ');

  if (len < 3 || !g_ascii_isdigit (line[0]))
    return;
  if (t->reply_complete || t->reply->len == 0)
    {
      g_string_assign (t->reply, line);
      t->reply_complete = FALSE;
    }
  else if (len > 4)
    {
      /* "550-first" "550 second": one reply, said once. */
      g_string_append_c (t->reply, ' ');
      g_string_append (t->reply, line + 4);
    }
  if (t->reply->len > 3)
    t->reply->str[3] = ' ';
  if (t->in_ehlo && len > 4 && g_str_has_prefix (line, "250"))
    note_extension (t, line + 4);
  if (last)
    {
      t->reply_complete = TRUE;
      if (t->greeting == NULL)
        t->greeting = g_strdup (t->reply->str);
    }
}

static int
debug_cb (CURL          *curl,
          curl_infotype  type,
          char          *data,
          size_t         size,
          void          *user_data)
{
  Transfer *t = user_data;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  /* Commands: only whether one is EHLO. AUTH lines carry the password
   * and are never kept. */
  if (type == CURLINFO_HEADER_OUT)
    {
      t->in_ehlo = size >= 5 && g_ascii_strncasecmp (data, "EHLO ", 5) == 0;
      if (t->in_ehlo)
        {
          t->extensions = QD_SMTP_EXTENSION_NONE;
          t->max_size = 0;
        }
      return 0;
    }
  if (type != CURLINFO_HEADER_IN)
    return 0;
  text = g_strndup (data, size);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strchomp (lines[i]);
      if (lines[i][0] != '\0')
        take_reply_line (t, lines[i]);
    }
  return 0;
}

static size_t
read_cb (char   *buffer,
         size_t  size,
         size_t  nitems,
         void   *user_data)
{
  Transfer *t = user_data;
  gsize n = MIN (size * nitems, t->length - t->offset);

  memcpy (buffer, t->data + t->offset, n);
  t->offset += n;
  return n;
}

static int
progress_cb (void       *user_data,
             curl_off_t  dltotal,
             curl_off_t  dlnow,
             curl_off_t  ultotal,
             curl_off_t  ulnow)
{
  Transfer *t = user_data;

  return g_cancellable_is_cancelled (t->cancellable) ? 1 : 0;
}

/* After EHLO (and STARTTLS and AUTH), before MAIL FROM: the last moment
 * to stop without sending anything the server cannot carry as it is. */
static int
prereq_cb (void *user_data,
           char *conn_primary_ip,
           char *conn_local_ip,
           int   conn_primary_port,
           int   conn_local_port)
{
  Transfer *t = user_data;
  QdSmtpExtensions missing = t->required & ~t->extensions;

  if (missing & QD_SMTP_EXTENSION_8BITMIME)
    t->refusal = g_strdup (_("The SMTP server does not accept 8-bit data (8BITMIME), and the "
                             "samples would have to be altered to pass. Nothing was sent."));
  else if (missing != QD_SMTP_EXTENSION_NONE || (t->required & ~QD_SMTP_EXTENSION_8BITMIME))
    t->refusal = g_strdup (_("The samples need binary MIME, which cannot be sent to this "
                             "server. Nothing was sent."));
  else if (t->max_size > 0 && (gint64)t->length > t->max_size)
    {
      g_autofree char *size = g_format_size (t->length);
      g_autofree char *max = g_format_size (t->max_size);

      t->refusal = g_strdup_printf (_("The message (%s) is larger than the SMTP server accepts "
                                      "(%s). Nothing was sent."), size, max);
    }
  return t->refusal != NULL ? CURL_PREREQFUNC_ABORT : CURL_PREREQFUNC_OK;
}

static CURLcode
perform (QdSmtpClient *self,
         Transfer     *t,
         const char   *mail_from,
         const char   *rcpt_to)
{
  CURL *curl = curl_easy_init ();
  struct curl_slist *recipients = NULL;
  g_autofree char *server = qd_smtp_client_dup_server (self);
  g_autofree char *url = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  CURLcode code;

  if (curl == NULL)
    return CURLE_OUT_OF_MEMORY;
  t->reply = g_string_new (NULL);
  url = g_strdup_printf ("%s://%s", self->security == QD_SMTP_SECURITY_TLS ? "smtps" : "smtp",
                         server);
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  /* Straight to the server: a proxy from the environment is not for mail. */
  curl_easy_setopt (curl, CURLOPT_PROXY, "");
  curl_easy_setopt (curl, CURLOPT_USE_SSL, self->security == QD_SMTP_SECURITY_STARTTLS
                                           ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT, (long)self->timeout);
  curl_easy_setopt (curl, CURLOPT_SERVER_RESPONSE_TIMEOUT, (long)self->timeout);
  curl_easy_setopt (curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt (curl, CURLOPT_LOW_SPEED_TIME, (long)self->timeout);
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, t->curl_error);
  /* The debug callback is how the EHLO reply and the server's own words
   * are seen; nothing is printed. */
  curl_easy_setopt (curl, CURLOPT_VERBOSE, 1L);
  curl_easy_setopt (curl, CURLOPT_DEBUGFUNCTION, debug_cb);
  curl_easy_setopt (curl, CURLOPT_DEBUGDATA, t);
  curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, progress_cb);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, t);
  if (self->ca_file != NULL)
    curl_easy_setopt (curl, CURLOPT_CAINFO, self->ca_file);
  if (self->user != NULL)
    {
      curl_easy_setopt (curl, CURLOPT_USERNAME, self->user);
      curl_easy_setopt (curl, CURLOPT_PASSWORD, self->password != NULL ? self->password : "");
    }

  if (mail_from == NULL)
    curl_easy_setopt (curl, CURLOPT_CONNECT_ONLY, 1L);
  else
    {
      from = g_strdup_printf ("<%s>", mail_from);
      to = g_strdup_printf ("<%s>", rcpt_to);
      recipients = curl_slist_append (NULL, to);
      curl_easy_setopt (curl, CURLOPT_MAIL_FROM, from);
      curl_easy_setopt (curl, CURLOPT_MAIL_RCPT, recipients);
      curl_easy_setopt (curl, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt (curl, CURLOPT_READFUNCTION, read_cb);
      curl_easy_setopt (curl, CURLOPT_READDATA, t);
      /* Known in advance, so libcurl sends SIZE= where the server has SIZE. */
      curl_easy_setopt (curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)t->length);
      curl_easy_setopt (curl, CURLOPT_PREREQFUNCTION, prereq_cb);
      curl_easy_setopt (curl, CURLOPT_PREREQDATA, t);
    }

  code = curl_easy_perform (curl);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &t->code);
  curl_easy_cleanup (curl);
  curl_slist_free_all (recipients);
  return code;
}

static const char *
said (Transfer *t)
{
  if (t->reply != NULL && t->reply->len > 0)
    return t->reply->str;
  if (t->curl_error[0] != '\0')
    return t->curl_error;
  return _("no answer");
}

/* What went wrong, and whether trying again later may help. */
static GError *
transfer_error (QdSmtpClient *self,
                Transfer     *t,
                CURLcode      code,
                gboolean     *temporary)
{
  g_autofree char *server = qd_smtp_client_dup_server (self);
  const char *detail = t->curl_error[0] != '\0' ? t->curl_error : curl_easy_strerror (code);

  *temporary = FALSE;
  if (t->refusal != NULL)
    return g_error_new_literal (QD_ERROR, QD_ERROR_SMTP, t->refusal);
  if (code == CURLE_ABORTED_BY_CALLBACK && g_cancellable_is_cancelled (t->cancellable))
    return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled."));

  switch ((int)code)
    {
    case CURLE_LOGIN_DENIED:
      if (t->code >= 400 && t->code < 500)
        break;
      return g_error_new (QD_ERROR, QD_ERROR_AUTH_FAILED,
                          _("The SMTP server %s refused the user name or password (%s). Check "
                            "the SMTP account in the preferences."), server, said (t));
    case CURLE_USE_SSL_FAILED:
      return g_error_new (QD_ERROR, QD_ERROR_TLS,
                          _("The SMTP server %s does not offer STARTTLS, so the connection "
                            "cannot be encrypted. Choose TLS, or another server."), server);
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
      return g_error_new (QD_ERROR, QD_ERROR_TLS,
                          _("The secure connection to the SMTP server %s failed: %s. Check the "
                            "server name and its certificate."), server, detail);
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
      *temporary = TRUE;
      return g_error_new (QD_ERROR, QD_ERROR_NETWORK,
                          _("Cannot reach the SMTP server %s: %s. Check its address and your "
                            "connection."), server, detail);
    default:
      break;
    }
  if (t->code >= 500)
    return g_error_new (QD_ERROR, QD_ERROR_SMTP, _("The SMTP server %s refused the message: %s"),
                        server, said (t));
  *temporary = TRUE;
  if (t->code >= 400)
    return g_error_new (QD_ERROR, QD_ERROR_NETWORK,
                        _("The SMTP server %s cannot take the message now: %s"),
                        server, said (t));
  return g_error_new (QD_ERROR, QD_ERROR_NETWORK,
                      _("The connection to the SMTP server %s was lost before it accepted the "
                        "message (%s)."), server, detail);
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

/* Temporary failures (4xx, lost connections) are tried again a few
 * times, each wait twice the last; permanent ones are final at once. */
static gboolean
run_with_retries (QdSmtpClient  *self,
                  Transfer      *t,
                  const char    *mail_from,
                  const char    *rcpt_to,
                  GCancellable  *cancellable,
                  GError       **error)
{
  guint delay = self->first_delay_ms;

  for (guint attempt = 1; ; attempt++)
    {
      g_autoptr(GError) local_error = NULL;
      gboolean temporary;
      CURLcode code;

      transfer_clear (t);
      t->offset = 0;
      t->code = 0;
      t->curl_error[0] = '\0';
      t->extensions = QD_SMTP_EXTENSION_NONE;
      t->max_size = 0;
      t->in_ehlo = FALSE;
      t->reply_complete = FALSE;

      code = perform (self, t, mail_from, rcpt_to);
      if (code == CURLE_OK)
        return TRUE;
      local_error = transfer_error (self, t, code, &temporary);
      g_debug ("SMTP attempt %u of %u to %s: %s", attempt, self->tries, self->host,
               local_error->message);
      if (!temporary || attempt >= self->tries)
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
  g_auto(Transfer) t = { 0 };
  QdSmtpCapabilities *caps;

  g_return_val_if_fail (QD_IS_SMTP_CLIENT (self), NULL);

  t.cancellable = cancellable;
  if (!run_with_retries (self, &t, NULL, NULL, cancellable, error))
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
  g_auto(Transfer) t = { 0 };

  g_return_val_if_fail (QD_IS_SMTP_CLIENT (self), NULL);
  g_return_val_if_fail (mail_from != NULL && rcpt_to != NULL && message != NULL, NULL);

  t.cancellable = cancellable;
  t.data = g_bytes_get_data (message, &t.length);
  t.required = required;
  if (!run_with_retries (self, &t, mail_from, rcpt_to, cancellable, error))
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

  if (caps == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, caps, (GDestroyNotify)qd_smtp_capabilities_free);
}

void
qd_smtp_client_probe_async (QdSmtpClient        *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (QD_IS_SMTP_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qd_smtp_client_probe_async);
  g_task_run_in_thread (task, probe_thread);
}

QdSmtpCapabilities *
qd_smtp_client_probe_finish (QdSmtpClient  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
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

  if (reply == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, reply, g_free);
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
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qd_smtp_client_send_async);
  g_task_set_task_data (task, data, (GDestroyNotify)send_data_free);
  g_task_run_in_thread (task, send_thread);
}

char *
qd_smtp_client_send_finish (QdSmtpClient  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
