/* qd-smtp-transfer.c — one SMTP session through libcurl, keeping the server's replies
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "qd-error.h"
#include "qd-size.h"
#include "qd-smtp-transfer.h"

/* libcurl's callbacks: they run in the thread of the transfer. */


static void
note_extension (QdSmtpTransfer *t,
                const char     *keyword)
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
take_reply_line (QdSmtpTransfer *t,
                 const char     *line)
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
  QdSmtpTransfer *t = user_data;
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
  QdSmtpTransfer *t = user_data;
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
  QdSmtpTransfer *t = user_data;

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
  QdSmtpTransfer *t = user_data;
  QdSmtpExtensions missing = t->required & ~t->extensions;

  if (missing & QD_SMTP_EXTENSION_8BITMIME)
    t->refusal = g_strdup (_("The SMTP server does not accept 8-bit data (8BITMIME), and the "
                             "samples would have to be altered to pass. Nothing was sent."));
  else if (missing != QD_SMTP_EXTENSION_NONE || (t->required & ~QD_SMTP_EXTENSION_8BITMIME))
    t->refusal = g_strdup (_("The samples need binary MIME, which cannot be sent to this "
                             "server. Nothing was sent."));
  else if (t->max_size > 0 && (gint64)t->length > t->max_size)
    {
      g_autofree char *size = qd_format_size (t->length);
      g_autofree char *max = qd_format_size (t->max_size);

      t->refusal = g_strdup_printf (_("The message (%s) is larger than the SMTP server accepts "
                                      "(%s). Nothing was sent."), size, max);
    }
  return t->refusal != NULL ? CURL_PREREQFUNC_ABORT : CURL_PREREQFUNC_OK;
}

static CURLcode
perform (QdSmtpTransfer *t,
         const char     *mail_from,
         const char     *rcpt_to)
{
  CURL *curl = curl_easy_init ();
  struct curl_slist *recipients = NULL;
  g_autofree char *url = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  CURLcode code;

  if (curl == NULL)
    return CURLE_OUT_OF_MEMORY;
  t->reply = g_string_new (NULL);
  url = g_strdup_printf ("%s://%s", t->security == QD_SMTP_SECURITY_TLS ? "smtps" : "smtp",
                         t->server);
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  /* Straight to the server: a proxy from the environment is not for mail. */
  curl_easy_setopt (curl, CURLOPT_PROXY, "");
  curl_easy_setopt (curl, CURLOPT_USE_SSL, t->security == QD_SMTP_SECURITY_STARTTLS
                                           ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT, (long)t->timeout);
  curl_easy_setopt (curl, CURLOPT_SERVER_RESPONSE_TIMEOUT, (long)t->timeout);
  curl_easy_setopt (curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt (curl, CURLOPT_LOW_SPEED_TIME, (long)t->timeout);
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, t->curl_error);
  /* The debug callback is how the EHLO reply and the server's own words
   * are seen; nothing is printed. */
  curl_easy_setopt (curl, CURLOPT_VERBOSE, 1L);
  curl_easy_setopt (curl, CURLOPT_DEBUGFUNCTION, debug_cb);
  curl_easy_setopt (curl, CURLOPT_DEBUGDATA, t);
  curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, progress_cb);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, t);
  if (t->ca_file != NULL)
    curl_easy_setopt (curl, CURLOPT_CAINFO, t->ca_file);
  if (t->user != NULL)
    {
      curl_easy_setopt (curl, CURLOPT_USERNAME, t->user);
      curl_easy_setopt (curl, CURLOPT_PASSWORD, t->password != NULL ? t->password : "");
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
said (QdSmtpTransfer *t)
{
  if (t->reply != NULL && t->reply->len > 0)
    return t->reply->str;
  if (t->curl_error[0] != '\0')
    return t->curl_error;
  return _("no answer");
}

/* What went wrong, and whether trying again later may help. */
static GError *
transfer_error (QdSmtpTransfer *t,
                CURLcode        code,
                gboolean       *temporary)
{
  const char *server = t->server;
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

/**
 * qd_smtp_transfer_clear:
 *
 * Frees what the server said; what the caller set stays.
 */
void
qd_smtp_transfer_clear (QdSmtpTransfer *t)
{
  g_clear_pointer (&t->greeting, g_free);
  if (t->reply != NULL)
    g_string_free (t->reply, TRUE);
  t->reply = NULL;
  g_clear_pointer (&t->refusal, g_free);
}

/**
 * qd_smtp_transfer_run:
 * @mail_from: (nullable): the sender, or %NULL to connect, say EHLO (and
 *   STARTTLS and AUTH) and leave
 * @temporary: (out): on failure, whether trying again later may help
 *
 * One session with the server. On success with @mail_from, the server
 * accepted the DATA.
 */
gboolean
qd_smtp_transfer_run (QdSmtpTransfer  *t,
                      const char      *mail_from,
                      const char      *rcpt_to,
                      gboolean        *temporary,
                      GError         **error)
{
  CURLcode code;

  qd_smtp_transfer_clear (t);
  t->offset = 0;
  t->code = 0;
  t->curl_error[0] = '\0';
  t->extensions = QD_SMTP_EXTENSION_NONE;
  t->max_size = 0;
  t->in_ehlo = FALSE;
  t->reply_complete = FALSE;

  code = perform (t, mail_from, rcpt_to);
  *temporary = FALSE;
  if (code == CURLE_OK)
    return TRUE;
  g_propagate_error (error, transfer_error (t, code, temporary));
  return FALSE;
}
