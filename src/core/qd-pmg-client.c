/* qd-pmg-client.c — Proxmox Mail Gateway's quarantine over /api2/json, one libsoup session
 *
 * Written from shared/specs/pmg-quarantine-api.md (§ below are its
 * sections).  The server answers errors with a closed connection and every
 * 401 after three seconds, so this client re-authenticates once at most per
 * call and otherwise tells the person.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "qd-api-client.h"
#include "qd-api-error.h"
#include "qd-batch-run.h"
#include "qd-error.h"
#include "qd-json.h"
#include "qd-mail.h"
#include "qd-pmg-client.h"
#include "qd-http-trust.h"
#include "qd-pmg-client-private.h"
#include "qd-pmg-parse.h"
#include "qd-task-private.h"

#define PMG_DEFAULT_PORT      8006
#define PMG_RENEW_AFTER       (G_USEC_PER_SEC * (gint64)3600)  /* §4.6: tickets live 2 h */
#define PMG_TICKET_LIFE       (2 * 3600)
#define PMG_WINDOW            86400   /* one day: PMG's own window (§6.2) */
#define PMG_DEFAULT_RANGE     (7 * 86400)
#define PMG_BATCH_IDS         1000    /* §6.7 client rule */
#define PMG_BATCH_BYTES       (60 * 1024)  /* below the 64 KiB of older servers */
#define PMG_DEFAULT_PAGE      100

typedef enum
{
  NAMES_UNKNOWN,
  NAMES_9,        /* welcomelist, blocklist */
  NAMES_8,        /* whitelist, blacklist */
} ListNames;

struct _QdPmgClient
{
  GObject          parent_instance;

  char            *base_url;    /* scheme://host:port */
  char            *host;
  SoupSession     *session;
  GTlsDatabase    *extra_ca;
  char            *pin;         /* AB:CD:… or NULL */
  GTlsCertificate *peer_certificate;  /* the last one refused */

  char            *userid;      /* alice@example.com@quarantine */
  char            *ticket;
  char            *csrf;
  gint64           signed_in_at;  /* monotonic, of the ticket and token in use */
  GDateTime       *expires_at;
  gboolean         link_session;  /* the ticket is a PMGQUAR one */
  ListNames        names;
};

static void item_source_iface_init (QdItemSourceInterface *iface);
static void gateway_iface_init (QdGatewayInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (QdPmgClient, qd_pmg_client, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (QD_TYPE_ITEM_SOURCE, item_source_iface_init)
                               G_IMPLEMENT_INTERFACE (QD_TYPE_GATEWAY, gateway_iface_init))

static void
clear_secret (char **secret)
{
  if (*secret != NULL)
    memset (*secret, 0, strlen (*secret));
  g_clear_pointer (secret, g_free);
}

static void
forget_session (QdPmgClient *self)
{
  clear_secret (&self->ticket);
  clear_secret (&self->csrf);
  g_clear_pointer (&self->userid, g_free);
  g_clear_pointer (&self->expires_at, g_date_time_unref);
  self->link_session = FALSE;
}

static void
qd_pmg_client_finalize (GObject *object)
{
  QdPmgClient *self = (QdPmgClient *)object;

  forget_session (self);
  g_free (self->base_url);
  g_free (self->host);
  g_free (self->pin);
  g_clear_object (&self->session);
  g_clear_object (&self->extra_ca);
  g_clear_object (&self->peer_certificate);

  G_OBJECT_CLASS (qd_pmg_client_parent_class)->finalize (object);
}

static void
qd_pmg_client_class_init (QdPmgClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = qd_pmg_client_finalize;
}

static void
qd_pmg_client_init (QdPmgClient *self)
{
  qd_mail_init ();
  /* The server drops idle connections after 5 s and allows few at once
   * (§2.2): closing ours first spares a request on a dead connection. */
  self->session = qd_http_session_new (4, 2);
}

/* addresses */

/* @base_url: a normalized one (scheme://host:port), which it takes */
static QdPmgClient *
client_new (char *base_url)
{
  QdPmgClient *self = g_object_new (QD_TYPE_PMG_CLIENT, NULL);

  qd_http_split_base_url (base_url, NULL, &self->base_url, &self->host, NULL);
  g_free (base_url);
  return self;
}

/**
 * qd_pmg_client_new:
 * @base_url: the gateway's address: scheme, host and port (https and 8006
 *   where it names none); a path such as /api2/json is ignored
 */
QdPmgClient *
qd_pmg_client_new (const char  *base_url,
                   GError     **error)
{
  char *normalized = qd_pmg_normalize_base_url (base_url, PMG_DEFAULT_PORT, error);

  return normalized != NULL ? client_new (normalized) : NULL;
}

/**
 * qd_pmg_client_new_from_link:
 *
 * A client for the gateway a spam report's link points to.
 */
QdPmgClient *
qd_pmg_client_new_from_link (const char  *link_url,
                             GError     **error)
{
  char *base = NULL;

  if (!qd_pmg_parse_link (link_url, &base, NULL, error))
    return NULL;
  return client_new (base);
}

const char *
qd_pmg_client_get_base_url (QdPmgClient *self)
{
  g_return_val_if_fail (QD_IS_PMG_CLIENT (self), NULL);
  return self->base_url;
}

/**
 * qd_pmg_client_set_ca_file:
 *
 * An extra certificate authority, trusted besides the system's; the
 * certificate is still checked for expiry and host name.
 */
gboolean
qd_pmg_client_set_ca_file (QdPmgClient  *self,
                           const char   *ca_file,
                           GError      **error)
{
  g_return_val_if_fail (QD_IS_PMG_CLIENT (self), FALSE);

  g_clear_object (&self->extra_ca);
  return qd_http_trust_load_ca_file (ca_file, &self->extra_ca, error);
}

/**
 * qd_pmg_client_set_pinned_fingerprint:
 * @fingerprint: (nullable): 32 colon-separated hex pairs, as
 *   qd_pmg_client_dup_peer_fingerprint () gave them; NULL forgets the pin
 *
 * Accepts exactly the certificate with this SHA-256 fingerprint from now
 * on, whatever its issuer and host name (PMG's own certificate names the
 * node, not the address people use).  A certificate that passes the normal
 * checks is still accepted.
 */
gboolean
qd_pmg_client_set_pinned_fingerprint (QdPmgClient  *self,
                                      const char   *fingerprint,
                                      GError      **error)
{
  g_autofree char *upper = NULL;

  g_return_val_if_fail (QD_IS_PMG_CLIENT (self), FALSE);

  if (fingerprint == NULL || fingerprint[0] == '\0')
    {
      g_clear_pointer (&self->pin, g_free);
      return TRUE;
    }
  upper = qd_pmg_normalize_fingerprint (fingerprint);
  if (upper == NULL)
    {
      g_set_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT,
                   _("“%s” is not a SHA-256 fingerprint. Copy it as shown: 32 pairs of "
                     "characters 0–9 and A–F separated by colons."),
                   fingerprint);
      return FALSE;
    }
  g_free (self->pin);
  self->pin = g_steal_pointer (&upper);
  return TRUE;
}

const char *
qd_pmg_client_get_pinned_fingerprint (QdPmgClient *self)
{
  g_return_val_if_fail (QD_IS_PMG_CLIENT (self), NULL);
  return self->pin;
}

/**
 * qd_pmg_client_dup_peer_fingerprint:
 *
 * Returns: (nullable): the SHA-256 fingerprint (AB:CD:…) of the last
 *   certificate this client refused, for the person to compare and accept
 */
char *
qd_pmg_client_dup_peer_fingerprint (QdPmgClient *self)
{
  g_return_val_if_fail (QD_IS_PMG_CLIENT (self), NULL);
  return self->peer_certificate != NULL ? qd_pmg_fingerprint (self->peer_certificate) : NULL;
}

/**
 * qd_pmg_client_get_peer_certificate:
 *
 * Returns: (transfer none) (nullable): the last certificate refused
 */
GTlsCertificate *
qd_pmg_client_get_peer_certificate (QdPmgClient *self)
{
  g_return_val_if_fail (QD_IS_PMG_CLIENT (self), NULL);
  return self->peer_certificate;
}

/**
 * qd_pmg_client_dup_peer_description:
 *
 * Returns: (nullable): the refused certificate's subject, validity and
 *   fingerprint in lines, to show beside the question whether to accept it
 */
char *
qd_pmg_client_dup_peer_description (QdPmgClient *self)
{
  g_autofree char *fingerprint = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *from = NULL;
  g_autofree char *until = NULL;
  g_autoptr(GDateTime) not_before = NULL;
  g_autoptr(GDateTime) not_after = NULL;

  g_return_val_if_fail (QD_IS_PMG_CLIENT (self), NULL);

  if (self->peer_certificate == NULL)
    return NULL;
  fingerprint = qd_pmg_fingerprint (self->peer_certificate);
  subject = g_tls_certificate_get_subject_name (self->peer_certificate);
  not_before = g_tls_certificate_get_not_valid_before (self->peer_certificate);
  not_after = g_tls_certificate_get_not_valid_after (self->peer_certificate);
  from = not_before != NULL ? g_date_time_format (not_before, "%Y-%m-%d") : g_strdup ("?");
  until = not_after != NULL ? g_date_time_format (not_after, "%Y-%m-%d") : g_strdup ("?");
  return g_strdup_printf (_("Subject: %s\nValid from %s until %s\nSHA-256: %s"),
                          subject != NULL ? subject : "?", from, until, fingerprint);
}

void
qd_pmg_client_set_timeout (QdPmgClient *self,
                           guint        seconds)
{
  g_return_if_fail (QD_IS_PMG_CLIENT (self));
  g_object_set (self->session, "timeout", seconds, NULL);
}

/**
 * qd_pmg_client_get_userid:
 *
 * Returns: (nullable): who the gateway says is signed in
 *   (alice@example.com@quarantine), which may differ from what was typed
 */
const char *
qd_pmg_client_get_userid (QdPmgClient *self)
{
  g_return_val_if_fail (QD_IS_PMG_CLIENT (self), NULL);
  return self->userid;
}

/**
 * qd_pmg_client_get_link_ticket:
 *
 * Returns: (nullable): the quarantine link's ticket when signed in by a
 *   link: what to keep in the keyring to sign in again until it expires
 *   (NULL after signing in with a password: keep the password then)
 */
const char *
qd_pmg_client_get_link_ticket (QdPmgClient *self)
{
  g_return_val_if_fail (QD_IS_PMG_CLIENT (self), NULL);
  return self->link_session ? self->ticket : NULL;
}

/**
 * qd_pmg_client_get_ticket:
 *
 * Returns: (nullable): the ticket in use, a password's or a link's: what
 *   a caller that runs once per command (qdesk) keeps in the keyring to go
 *   on with the session, renewing it, instead of keeping the password
 */
const char *
qd_pmg_client_get_ticket (QdPmgClient *self)
{
  g_return_val_if_fail (QD_IS_PMG_CLIENT (self), NULL);
  return self->ticket;
}

/**
 * qd_pmg_client_get_ticket_expiry:
 *
 * Returns: (transfer none) (nullable): when the ticket in use ends: two
 *   hours after it was issued, put off by each renewal (which happens
 *   without asking while the client is used); for a link's ticket, the
 *   gateway's quarantine lifetime after the report was made (7 days unless
 *   the administrator changed it, which the API does not say)
 */
GDateTime *
qd_pmg_client_get_ticket_expiry (QdPmgClient *self)
{
  g_return_val_if_fail (QD_IS_PMG_CLIENT (self), NULL);
  return self->expires_at;
}

/* errors */

static GError *
session_ended_error (void)
{
  return g_error_new_literal (QD_ERROR, QD_ERROR_SESSION_EXPIRED,
                              _("Your session with the gateway has ended and could not be "
                                "renewed. Sign in again."));
}

/* requests */

typedef enum
{
  REFUSED_NONE,
  REFUSED_UNTRUSTED,
  REFUSED_CHANGED,
} Refusal;

typedef struct
{
  guint     status;
  char     *message;   /* the server's, or the reason phrase */
  GBytes   *body;
  JsonNode *data;      /* "data" of a successful JSON answer */
} Response;

static void
response_free (Response *resp)
{
  g_free (resp->message);
  g_clear_pointer (&resp->body, g_bytes_unref);
  g_clear_pointer (&resp->data, json_node_unref);
  g_free (resp);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Response, response_free)

typedef struct
{
  char                 *method;
  char                 *path;     /* below /api2/json/, with its query */
  GBytes               *body;     /* application/x-www-form-urlencoded */
  gboolean              auth;
  gboolean              bytes;    /* the answer is not JSON */
  gboolean              renewed;  /* signed in again once already */
  Refusal               refusal;
  GTlsCertificateFlags  tls_flags;
  SoupMessage          *msg;
} Request;

static void
request_free (Request *req)
{
  g_free (req->method);
  g_free (req->path);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_clear_object (&req->msg);
  g_free (req);
}

static Request *
request_new (const char *method,
             const char *path,
             gboolean    auth)
{
  Request *req = g_new0 (Request, 1);

  req->method = g_strdup (method);
  req->path = g_strdup (path);
  req->auth = auth;
  return req;
}

static void
request_set_form (Request *req,
                  char    *form)
{
  gsize len = strlen (form);

  req->body = g_bytes_new_take (form, len);
}

static gboolean
accept_certificate_cb (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  GTask *task = user_data;
  QdPmgClient *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);

  if (self->pin != NULL)
    {
      g_autofree char *fingerprint = qd_pmg_fingerprint (certificate);

      if (g_strcmp0 (fingerprint, self->pin) == 0)
        return TRUE;
      req->refusal = REFUSED_CHANGED;
    }
  else
    {
      if (qd_http_trust_extra_ca_accepts (self->extra_ca, msg, certificate, errors))
        return TRUE;
      req->refusal = REFUSED_UNTRUSTED;
    }
  req->tls_flags = errors;
  g_set_object (&self->peer_certificate, certificate);
  return FALSE;
}

static GError *
tls_error (QdPmgClient *self,
           Request     *req)
{
  g_autofree char *fingerprint = req->refusal != REFUSED_NONE
                                 ? qd_pmg_client_dup_peer_fingerprint (self) : NULL;
  g_autofree char *problem = qd_http_trust_describe (req->tls_flags);

  if (req->refusal == REFUSED_CHANGED)
    return g_error_new (QD_ERROR, QD_ERROR_TLS,
                        _("The certificate of the gateway at %s has changed since you accepted "
                          "it, so nothing was sent: someone may be intercepting the connection. "
                          "Ask your administrator whether the gateway has a new certificate, "
                          "and accept its fingerprint %s only if they confirm it."),
                        self->host, fingerprint != NULL ? fingerprint : "?");
  if (fingerprint == NULL)
    return g_error_new (QD_ERROR, QD_ERROR_TLS,
                        _("The connection to %s was refused because %s. Nothing was sent. If "
                          "your company uses its own certificate authority, add it in "
                          "Preferences; otherwise tell your administrator."),
                        self->host, problem);
  return g_error_new (QD_ERROR, QD_ERROR_TLS,
                      _("The gateway at %s is not trusted yet, because %s. Nothing was sent. "
                        "Compare its fingerprint %s with the one your administrator gives you, "
                        "and accept it only if they match."),
                      self->host, problem, fingerprint);
}

static void send_request (GTask *task);
static void renew_async (QdPmgClient         *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data);
static gboolean renew_finish (QdPmgClient   *self,
                              GAsyncResult  *result,
                              GError       **error);

static void
request_renewed_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!renew_finish (QD_PMG_CLIENT (object), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  send_request (g_steal_pointer (&task));
}

static void
response_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QdPmgClient *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(Response) resp = NULL;
  g_autoptr(JsonObject) answer = NULL;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (body == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else if (req->refusal != REFUSED_NONE ||
               g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
        g_task_return_error (task, tls_error (self, req));
      else
        g_task_return_error (task, qd_http_network_error (self->host, error));
      return;
    }

  status = soup_message_get_status (req->msg);
  g_debug ("PMG %s %s: %u", req->method, req->path, status);
  if (status == SOUP_STATUS_UNAUTHORIZED && req->auth)
    {
      /* The ticket or the token was refused: renew once with the ticket
       * (§10), then tell the person rather than knock again. */
      if (!req->renewed && self->ticket != NULL)
        {
          req->renewed = TRUE;
          renew_async (self, g_task_get_cancellable (task), request_renewed_cb,
                       g_object_ref (task));
          return;
        }
      g_task_return_error (task, session_ended_error ());
      return;
    }

  resp = g_new0 (Response, 1);
  resp->status = status;
  resp->body = g_bytes_ref (body);
  if (!req->bytes || !SOUP_STATUS_IS_SUCCESSFUL (status))
    answer = qd_json_parse_object (g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL);
  resp->message = g_strdup (qd_json_get_string (answer, "message"));
  if (resp->message == NULL)
    resp->message = g_strdup (soup_message_get_reason_phrase (req->msg));
  if (SOUP_STATUS_IS_SUCCESSFUL (status) && !req->bytes)
    {
      JsonNode *data = answer != NULL ? json_object_get_member (answer, "data") : NULL;

      if (answer == NULL)
        {
          g_task_return_error (task, qd_api_error_new_bad_response (self->host));
          return;
        }
      resp->data = data != NULL ? json_node_copy (data) : json_node_new (JSON_NODE_NULL);
    }
  g_task_return_pointer (task, g_steal_pointer (&resp), (GDestroyNotify)response_free);
}

static void
send_request (GTask *task)
{
  QdPmgClient *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);
  g_autofree char *url = g_strconcat (self->base_url, "/api2/json/", req->path, NULL);
  SoupMessageHeaders *headers;

  g_clear_object (&req->msg);
  req->refusal = REFUSED_NONE;
  req->msg = soup_message_new (req->method, url);
  if (req->msg == NULL)
    {
      g_task_return_error (task, qd_api_error_new_bad_response (self->host));
      g_object_unref (task);
      return;
    }
  headers = soup_message_get_request_headers (req->msg);
  if (!req->bytes)
    soup_message_headers_replace (headers, "Accept", "application/json");
  if (req->auth && self->ticket != NULL)
    {
      g_autoptr(GString) cookie = g_string_new ("PMGAuthCookie=");

      g_string_append_uri_escaped (cookie, self->ticket, NULL, FALSE);
      soup_message_headers_replace (headers, "Cookie", cookie->str);
      if (g_strcmp0 (req->method, "GET") != 0 && self->csrf != NULL)
        soup_message_headers_replace (headers, "CSRFPreventionToken", self->csrf);
    }
  /* Content-Length always, never chunked (§2.2); DELETE carries none. */
  if (req->body != NULL)
    soup_message_set_request_body_from_bytes (req->msg, "application/x-www-form-urlencoded",
                                              req->body);
  g_signal_connect (req->msg, "accept-certificate", G_CALLBACK (accept_certificate_cb), task);
  soup_session_send_and_read_async (self->session, req->msg, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), response_cb, task);
}

/* Sends @req (which it takes); the task returns a Response for any
 * status but a 401 the client could not get past. */
static void
request_async (QdPmgClient         *self,
               Request             *req,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task = qd_task_new (self, request_async, cancellable, callback, user_data);

  g_task_set_task_data (task, req, (GDestroyNotify)request_free);
  if (req->auth && self->ticket == NULL)
    {
      g_task_return_new_error (task, QD_ERROR, QD_ERROR_NOT_SIGNED_IN,
                               _("You are not signed in to the gateway. Sign in first."));
      g_object_unref (task);
      return;
    }
  /* Renewed on the first call after an hour, well before the two hours
   * of the ticket and the token run out (§4.6, §4.7). */
  if (req->auth && g_get_monotonic_time () - self->signed_in_at > PMG_RENEW_AFTER)
    {
      req->renewed = TRUE;
      renew_async (self, cancellable, request_renewed_cb, task);
      return;
    }
  send_request (task);
}

static Response *
request_finish (QdPmgClient   *self,
                GAsyncResult  *result,
                GError       **error)
{
  return qd_task_finish_pointer (result, self, request_async, error);
}

/* The person's sentence for an error answer (status >= 400). */
static GError *
answer_error (QdPmgClient *self,
              Response    *resp)
{
  g_autofree char *words = qd_pmg_server_words (resp->message);

  switch (resp->status)
    {
    case 400:
      return g_error_new (QD_ERROR, QD_ERROR_INVALID_INPUT,
                          _("The gateway at %s refused the request as malformed (%s). Refresh "
                            "and try again; if it keeps happening, tell your administrator."),
                          self->host, words);
    case 401:
      return session_ended_error ();
    case 403:
      return g_error_new (QD_ERROR, QD_ERROR_GATEWAY,
                          _("The gateway at %s does not let your account do this (%s). "
                            "Refresh the list; if it keeps happening, tell your "
                            "administrator."),
                          self->host, words);
    case 501:
      return g_error_new (QD_ERROR, QD_ERROR_GATEWAY,
                          _("The gateway at %s does not offer this (%s). It may run another "
                            "version of Proxmox Mail Gateway; tell your administrator."),
                          self->host, words);
    default:
      break;
    }
  if (resp->status == 500 && g_str_has_prefix (resp->message, "no such mail"))
    return g_error_new (QD_ERROR, QD_ERROR_NOT_FOUND,
                        _("This message is no longer in the quarantine at %s: it was handled "
                          "or removed. Refresh the list."),
                        self->host);
  if (resp->status >= 500)
    return g_error_new (QD_ERROR, QD_ERROR_GATEWAY,
                        _("The gateway at %s reported an error: %s. Try again later; if it "
                          "keeps happening, tell your administrator."),
                        self->host, words);
  return qd_api_error_new_bad_response (self->host);
}

/* The response of a finished request when it succeeded, else NULL and
 * the error. */
static Response *
request_finish_ok (QdPmgClient   *self,
                   GAsyncResult  *result,
                   GError       **error)
{
  g_autoptr(Response) resp = request_finish (self, result, error);

  if (resp == NULL)
    return NULL;
  if (!SOUP_STATUS_IS_SUCCESSFUL (resp->status))
    {
      g_propagate_error (error, answer_error (self, resp));
      return NULL;
    }
  return g_steal_pointer (&resp);
}

/* signing in (§4) */

static QdAccount *
account_new (QdPmgClient *self)
{
  QdAccount *account = g_new0 (QdAccount, 1);
  const char *userid = self->userid;

  account->username = g_str_has_suffix (userid, "@quarantine")
                      ? g_strndup (userid, strlen (userid) - strlen ("@quarantine"))
                      : g_strdup (userid);
  account->address = g_strdup (account->username);
  account->expires_at = self->expires_at != NULL ? g_date_time_ref (self->expires_at) : NULL;
  return account;
}

static void
login_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QdPmgClient *self = QD_PMG_CLIENT (object);
  gboolean by_link = GPOINTER_TO_INT (g_task_get_task_data (task));
  g_autoptr(GError) error = NULL;
  g_autoptr(Response) resp = request_finish (self, result, &error);
  JsonObject *data;
  const char *ticket, *csrf, *userid;

  if (resp == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (resp->status == SOUP_STATUS_UNAUTHORIZED)
    {
      if (by_link)
        g_task_return_new_error (task, QD_ERROR, QD_ERROR_AUTH_FAILED,
                                 _("The quarantine link is no longer valid: it has expired or "
                                   "was not made by this gateway. Use the link of a newer spam "
                                   "report, or sign in with your user name and password."));
      else
        g_task_return_new_error (task, QD_ERROR, QD_ERROR_AUTH_FAILED,
                                 _("The user name or password is wrong. Check them and try "
                                   "again."));
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (resp->status))
    {
      g_task_return_error (task, answer_error (self, resp));
      return;
    }
  data = JSON_NODE_HOLDS_OBJECT (resp->data) ? json_node_get_object (resp->data) : NULL;
  ticket = qd_json_get_string (data, "ticket");
  csrf = qd_json_get_string (data, "CSRFPreventionToken");
  userid = qd_json_get_string (data, "username");
  if (qd_json_get_int (data, "NeedTFA", 0) != 0 || qd_json_get_boolean (data, "NeedTFA", FALSE))
    {
      g_task_return_new_error (task, QD_ERROR, QD_ERROR_AUTH_FAILED,
                               _("Your account asks for a second factor, which Quarantine Desk "
                                 "cannot give to this gateway. Sign in with the quarantine "
                                 "link of a spam report instead."));
      return;
    }
  if (ticket == NULL || csrf == NULL || userid == NULL)
    {
      g_task_return_error (task, qd_api_error_new_bad_response (self->host));
      return;
    }
  clear_secret (&self->ticket);
  clear_secret (&self->csrf);
  self->ticket = g_strdup (ticket);
  self->csrf = g_strdup (csrf);
  g_free (self->userid);
  self->userid = g_strdup (userid);
  self->link_session = g_str_has_prefix (ticket, "PMGQUAR:");
  self->signed_in_at = g_get_monotonic_time ();
  g_clear_pointer (&self->expires_at, g_date_time_unref);
  if (self->link_session)
    self->expires_at = qd_pmg_link_ticket_expiry (ticket);
  else
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

      self->expires_at = g_date_time_add_seconds (now, PMG_TICKET_LIFE);
    }
  g_task_return_boolean (task, TRUE);
}

/* POST /access/ticket: a password, a link's ticket or, to renew, the
 * ticket in use (§4.2, §4.6). */
static void
login_async (QdPmgClient         *self,
             const char          *username,
             const char          *password,
             gboolean             by_link,
             gpointer             source_tag,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  GTask *task = qd_task_new (self, source_tag, cancellable, callback, user_data);
  Request *req = request_new ("POST", "access/ticket", FALSE);

  g_task_set_task_data (task, GINT_TO_POINTER (by_link), NULL);
  /* The realm is added only to a name that has none of its own (§4.2). */
  request_set_form (req, qd_pmg_form_encode ("username", username, "password", password,
                                      "realm", "quarantine", NULL));
  request_async (self, req, cancellable, login_cb, task);
}

static void
renew_async (QdPmgClient         *self,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autofree char *ticket = g_strdup (self->ticket);

  login_async (self, self->userid, ticket, self->link_session, renew_async, cancellable,
               callback, user_data);
  if (ticket != NULL)
    memset (ticket, 0, strlen (ticket));
}

static gboolean
renew_finish (QdPmgClient   *self,
              GAsyncResult  *result,
              GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  if (qd_task_finish_boolean (result, self, renew_async, &local_error))
    return TRUE;
  /* The ticket itself was refused: only the person can sign in again. */
  if (g_error_matches (local_error, QD_ERROR, QD_ERROR_AUTH_FAILED))
    g_propagate_error (error, session_ended_error ());
  else
    g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static void
sign_in_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QdPmgClient *self = QD_PMG_CLIENT (object);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, account_new (self), (GDestroyNotify)qd_account_free);
}

/**
 * qd_pmg_client_sign_in_async:
 * @username: a mail address the gateway knows the person by (realm
 *   quarantine is added)
 *
 * Nothing of @password is kept: the gateway's ticket, renewed while the
 * client is used, stands for it.
 */
void
qd_pmg_client_sign_in_async (QdPmgClient         *self,
                             const char          *username,
                             const char          *password,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task = qd_task_new (self, qd_pmg_client_sign_in_async, cancellable, callback, user_data);

  g_return_if_fail (username != NULL && password != NULL);

  forget_session (self);
  login_async (self, username, password, FALSE, login_async, cancellable, sign_in_cb, task);
}

QdAccount *
qd_pmg_client_sign_in_finish (QdPmgClient   *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return qd_task_finish_pointer (result, self, qd_pmg_client_sign_in_async, error);
}

/**
 * qd_pmg_client_sign_in_with_link_async:
 * @link_url: a link of a spam report (…/quarantine?ticket=PMGQUAR…)
 *
 * Signs in with the link's ticket, at this client's base URL (make the
 * client with qd_pmg_client_new_from_link () to use the link's).
 */
void
qd_pmg_client_sign_in_with_link_async (QdPmgClient         *self,
                                       const char          *link_url,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  GTask *task = qd_task_new (self, qd_pmg_client_sign_in_with_link_async, cancellable, callback,
                             user_data);
  g_autofree char *ticket = NULL;
  g_autofree char *pmail = NULL;
  g_autoptr(GError) error = NULL;

  if (!qd_pmg_parse_link (link_url, NULL, &ticket, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  pmail = qd_pmg_link_ticket_user (ticket);
  forget_session (self);
  login_async (self, pmail, ticket, TRUE, login_async, cancellable, sign_in_cb, task);
  memset (ticket, 0, strlen (ticket));
}

QdAccount *
qd_pmg_client_sign_in_with_link_finish (QdPmgClient   *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  return qd_task_finish_pointer (result, self, qd_pmg_client_sign_in_with_link_async, error);
}

/* PMG has no session to end (§4.3): signing out forgets the ticket. */
static void
sign_out_async (QdGateway           *gateway,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  QdPmgClient *self = QD_PMG_CLIENT (gateway);
  g_autoptr(GTask) task = qd_task_new (self, sign_out_async, cancellable, callback, user_data);

  forget_session (self);
  g_task_return_boolean (task, TRUE);
}

static gboolean
sign_out_finish (QdGateway     *gateway,
                 GAsyncResult  *result,
                 GError       **error)
{
  return qd_task_finish_boolean (result, gateway, sign_out_async, error);
}

/* items (§6.2, §6.3) */

static void
get_item_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QdPmgClient *self = QD_PMG_CLIENT (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(Response) resp = request_finish_ok (self, result, &error);
  QdItem *item;

  if (resp == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  item = JSON_NODE_HOLDS_OBJECT (resp->data)
         ? qd_pmg_item_from_json (json_node_get_object (resp->data), NULL) : NULL;
  if (item == NULL)
    g_task_return_error (task, qd_api_error_new_bad_response (self->host));
  else
    g_task_return_pointer (task, item, g_object_unref);
}

/**
 * qd_pmg_client_get_item_async:
 *
 * One message with its score and the rules it matched
 * (GET /quarantine/content; the list does not carry the rules).
 */
void
qd_pmg_client_get_item_async (QdPmgClient         *self,
                              const char          *id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task = qd_task_new (self, qd_pmg_client_get_item_async, cancellable, callback,
                             user_data);
  g_autofree char *query = qd_pmg_form_encode ("id", id, NULL);
  g_autofree char *path = g_strconcat ("quarantine/content?", query, NULL);

  request_async (self, request_new ("GET", path, TRUE), cancellable, get_item_cb, task);
}

QdItem *
qd_pmg_client_get_item_finish (QdPmgClient   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return qd_task_finish_pointer (result, self, qd_pmg_client_get_item_async, error);
}

/* listing, one time window after the other (§6.2) */

typedef struct
{
  QdQuery   *query;
  char      *needle;       /* casefolded search text, or NULL */
  gint64     since;        /* the range, Unix seconds */
  gint64     window_end;   /* exclusive end of the window being read */
  guint      offset;       /* of its matching items, newest first, given already */
  guint64    given;        /* items given on earlier pages */
  guint      pending;      /* matching items of the window being read, not given yet */
  guint      limit;
  GPtrArray *items;        /* QdItem */
} ListData;

static void
list_data_free (ListData *data)
{
  g_clear_pointer (&data->query, qd_query_unref);
  g_free (data->needle);
  g_clear_pointer (&data->items, g_ptr_array_unref);
  g_free (data);
}

/* What the server cannot filter, the client does (§6.2 has only a time
 * window): the text, and reasons or categories, where every item is spam. */
static gboolean
item_matches (ListData *data,
              QdItem   *item)
{
  guint reasons = qd_query_get_reasons (data->query);
  guint categories = qd_query_get_categories (data->query);

  if (reasons != 0 && !(reasons & (1u << qd_item_get_reason (item))))
    return FALSE;
  if (categories != 0 && !(categories & (1u << qd_item_get_category (item))))
    return FALSE;
  if (data->needle == NULL)
    return TRUE;
  return qd_item_source_contains_folded (qd_item_get_subject (item), data->needle) ||
         qd_item_source_contains_folded (qd_item_get_from (item), data->needle) ||
         qd_item_source_contains_folded (qd_item_get_envelope_sender (item), data->needle) ||
         qd_item_source_contains_folded (qd_item_get_recipient (item), data->needle);
}

static void list_next_window (GTask *task);

static void
list_window_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QdPmgClient *self = QD_PMG_CLIENT (object);
  ListData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(Response) resp = request_finish_ok (self, result, &error);
  g_autoptr(GPtrArray) matching = NULL;
  JsonArray *array;
  guint taken = 0;

  if (resp == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!JSON_NODE_HOLDS_ARRAY (resp->data))
    {
      g_task_return_error (task, qd_api_error_new_bad_response (self->host));
      return;
    }
  array = json_node_get_array (resp->data);
  matching = g_ptr_array_new_with_free_func (g_object_unref);
  /* The server answers oldest first; pages go newest first.  An entry
   * that is not a mail is left out rather than failing the window. */
  for (guint i = json_array_get_length (array); i > 0; i--)
    {
      JsonNode *node = json_array_get_element (array, i - 1);
      QdItem *item = JSON_NODE_HOLDS_OBJECT (node)
                     ? qd_pmg_item_from_json (json_node_get_object (node), NULL) : NULL;

      if (item != NULL && item_matches (data, item))
        g_ptr_array_add (matching, item);
      else
        g_clear_object (&item);
    }
  for (guint i = data->offset; i < matching->len && data->items->len < data->limit; i++)
    {
      g_ptr_array_add (data->items, g_object_ref (matching->pdata[i]));
      taken++;
    }
  data->offset += taken;
  data->pending = matching->len - MIN (data->offset, matching->len);
  if (data->offset >= matching->len)
    {
      /* This window is done: the next one ends where it began. */
      data->window_end = MAX (data->since, data->window_end - PMG_WINDOW);
      data->offset = 0;
    }
  list_next_window (g_steal_pointer (&task));
}

static void
list_next_window (GTask *task)
{
  QdPmgClient *self = g_task_get_source_object (task);
  ListData *data = g_task_get_task_data (task);
  g_autofree char *start = NULL;
  g_autofree char *end = NULL;
  g_autofree char *query = NULL;
  g_autofree char *path = NULL;

  if (data->window_end <= data->since || data->items->len >= data->limit)
    {
      QdItemPage *page = g_new0 (QdItemPage, 1);
      guint64 given;

      page->items = g_steal_pointer (&data->items);
      given = data->given + page->items->len;
      page->total = given;
      if (data->window_end > data->since)
        {
          page->next_cursor = g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":%u:%"
                                               G_GUINT64_FORMAT, data->since, data->window_end,
                                               data->offset, given);
          /* PMG counts nothing: what is left of this window, or at least
           * one more, so that a list has rows past these to ask the next
           * page for, and "select all" holds more than the rows loaded. */
          page->total += MAX (data->pending, 1);
        }
      data->items = g_ptr_array_new_with_free_func (g_object_unref);
      g_task_return_pointer (task, page, (GDestroyNotify)qd_item_page_free);
      g_object_unref (task);
      return;
    }
  /* Both ends always, since the server computes a missing one on its own. */
  start = g_strdup_printf ("%" G_GINT64_FORMAT, MAX (data->since, data->window_end - PMG_WINDOW));
  end = g_strdup_printf ("%" G_GINT64_FORMAT, data->window_end);
  query = qd_pmg_form_encode ("starttime", start, "endtime", end, NULL);
  path = g_strconcat ("quarantine/spam?", query, NULL);
  request_async (self, request_new ("GET", path, TRUE), g_task_get_cancellable (task),
                 list_window_cb, task);
}

static GTask *
list_task_new (QdPmgClient         *self,
               const QdQuery       *query,
               const char          *cursor,
               guint                limit,
               gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task = qd_task_new (self, source_tag, cancellable, callback, user_data);
  ListData *data = g_new0 (ListData, 1);
  const char *search = qd_query_get_search (query);
  GDateTime *since = qd_query_get_since (query);
  GDateTime *until = qd_query_get_until (query);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  data->query = qd_query_copy (query);
  data->limit = limit > 0 ? limit : PMG_DEFAULT_PAGE;
  data->items = g_ptr_array_new_with_free_func (g_object_unref);
  if (search != NULL && search[0] != '\0')
    data->needle = g_utf8_casefold (search, -1);
  /* Without a range, the last 7 days (and the next hour, for clocks
   * that differ): what PMG's own pages show, and the quarantine's default
   * lifetime, so older mail is mostly gone anyway (§6.2, §10). */
  data->since = since != NULL ? g_date_time_to_unix (since) : now - PMG_DEFAULT_RANGE;
  data->window_end = until != NULL ? g_date_time_to_unix (until) : now + 3600;
  data->since = MAX (data->since, 0);
  /* The cursor names the range's start, the window and the place in it. */
  if (cursor != NULL)
    {
      gint64 c_since, c_end;
      guint c_offset;
      guint64 c_given;

      if (sscanf (cursor, "%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":%u:%" G_GUINT64_FORMAT,
                  &c_since, &c_end, &c_offset, &c_given) == 4)
        {
          data->since = c_since;
          data->window_end = c_end;
          data->offset = c_offset;
          data->given = c_given;
        }
    }
  g_task_set_task_data (task, data, (GDestroyNotify)list_data_free);
  return task;
}

static void
list_async (QdItemSource        *source,
            const QdQuery       *query,
            const char          *cursor,
            guint                limit,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  list_next_window (list_task_new (QD_PMG_CLIENT (source), query, cursor, limit, list_async,
                                   cancellable, callback, user_data));
}

static QdItemPage *
list_finish (QdItemSource  *source,
             GAsyncResult  *result,
             GError       **error)
{
  return qd_task_finish_pointer (result, source, list_async, error);
}

/* the whole message (§6.6) */

static void
get_raw_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(Response) resp = request_finish_ok (QD_PMG_CLIENT (object), result, &error);

  if (resp == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_bytes_ref (resp->body), (GDestroyNotify)g_bytes_unref);
}

static void
get_raw_async (QdItemSource        *source,
               const char          *id,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  QdPmgClient *self = QD_PMG_CLIENT (source);
  GTask *task = qd_task_new (self, get_raw_async, cancellable, callback, user_data);
  g_autofree char *query = qd_pmg_form_encode ("mailid", id, NULL);
  g_autofree char *path = g_strconcat ("quarantine/download?", query, NULL);
  Request *req = request_new ("GET", path, TRUE);

  req->bytes = TRUE;
  request_async (self, req, cancellable, get_raw_cb, task);
}

static GBytes *
get_raw_finish (QdItemSource  *source,
                GAsyncResult  *result,
                GError       **error)
{
  return qd_task_finish_pointer (result, source, get_raw_async, error);
}

/* which names the server's sender lists have (§6.1, §8) */

/* What a call does once the names are known; it takes the task. */
typedef void (*NamesKnown) (GTask *task);

typedef struct
{
  GTask      *task;
  NamesKnown  next;
} NamesWait;

static void
names_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autofree NamesWait *wait = user_data;
  QdPmgClient *self = QD_PMG_CLIENT (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(Response) resp = request_finish_ok (self, result, &error);
  JsonArray *array;

  if (resp == NULL)
    {
      g_task_return_error (wait->task, g_steal_pointer (&error));
      g_object_unref (wait->task);
      return;
    }
  array = JSON_NODE_HOLDS_ARRAY (resp->data) ? json_node_get_array (resp->data) : NULL;
  self->names = NAMES_9;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      const char *name = JSON_NODE_HOLDS_OBJECT (node)
                         ? qd_json_get_string (json_node_get_object (node), "name") : NULL;

      if (g_strcmp0 (name, "welcomelist") == 0)
        {
          self->names = NAMES_9;
          break;
        }
      if (g_strcmp0 (name, "whitelist") == 0)
        self->names = NAMES_8;
    }
  wait->next (wait->task);
}

/* Calls @next, which takes @task, once it is known whether the server is
 * PMG 9 (welcomelist, blocklist) or 8 (whitelist, blacklist), found out
 * once; 9.0.0 and 9.0.1 fail the old action names, so 9 gets the new
 * ones.  @task fails when the server does not say. */
static void
with_names (QdPmgClient  *self,
            GTask        *task,
            GCancellable *cancellable,
            NamesKnown    next)
{
  NamesWait *wait;

  if (self->names != NAMES_UNKNOWN)
    {
      next (task);
      return;
    }
  wait = g_new0 (NamesWait, 1);
  wait->task = task;
  wait->next = next;
  request_async (self, request_new ("GET", "quarantine", TRUE), cancellable, names_cb, wait);
}

static const char *
list_name (QdPmgClient  *self,
           QdSenderList  list)
{
  if (list == QD_SENDER_LIST_APPROVED)
    return self->names == NAMES_8 ? "whitelist" : "welcomelist";
  return self->names == NAMES_8 ? "blacklist" : "blocklist";
}

/* actions, in batches (§6.7) */

typedef struct
{
  const char     *action;      /* the server's name */
  const char     *done;        /* the outcome's result */
  QdBatchRun     *run;
  guint           sent;        /* ids in the batch in flight, from run->next */
  guint           probe;       /* the id being looked at after a failed batch */
  GError         *batch_error;
} ActData;

static void
act_data_free (ActData *data)
{
  qd_batch_run_free (data->run);
  g_clear_error (&data->batch_error);
  g_free (data);
}

static void act_next_batch (GTask *task);

static const char *
outcome_code (const GError *error)
{
  if (g_error_matches (error, QD_ERROR, QD_ERROR_NOT_FOUND))
    return "not_found";
  if (g_error_matches (error, QD_ERROR, QD_ERROR_INVALID_INPUT))
    return "invalid";
  return "failed";
}

/* The batch stopped at ids[@failed]: those before it were done, it
 * failed, and the rest of the batch goes with the next one. */
static void
act_batch_stopped_at (GTask *task,
                      guint  failed)
{
  ActData *data = g_task_get_task_data (task);
  QdBatchRun *run = data->run;

  for (guint i = run->next; i < failed; i++)
    qd_batch_result_add (run->result, run->ids[i], TRUE, data->done, NULL, NULL);
  qd_batch_result_add (run->result, run->ids[failed], FALSE, NULL,
                       outcome_code (data->batch_error), data->batch_error->message);
  g_clear_error (&data->batch_error);
  qd_batch_run_advance (run, failed + 1 - run->next);
  act_next_batch (task);
}

/* Nothing more can be known of the batch in flight: say so, and stop. */
static void
act_give_up (GTask    *task,
             GError   *error,
             gboolean  maybe_done)
{
  ActData *data = g_task_get_task_data (task);

  qd_batch_run_give_up (data->run, task, data->sent, maybe_done, error);
}

static void act_probe_next (GTask *task);

static void
act_probe_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  ActData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(Response) resp = request_finish (QD_PMG_CLIENT (object), result, &error);

  if (resp == NULL)
    {
      act_give_up (task, g_steal_pointer (&data->batch_error), TRUE);
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (resp->status))
    {
      act_batch_stopped_at (task, data->probe);
      return;
    }
  data->probe++;
  act_probe_next (task);
}

/* A failed batch whose error names no id: the first id the server will
 * not even show (another user's, or gone) is the one it stopped at.
 * Reading changes nothing, unlike sending the ids again. */
static void
act_probe_next (GTask *task)
{
  QdPmgClient *self = g_task_get_source_object (task);
  ActData *data = g_task_get_task_data (task);
  g_autofree char *query = NULL;
  g_autofree char *path = NULL;

  if (data->probe >= data->run->next + data->sent)
    {
      act_give_up (task, g_steal_pointer (&data->batch_error), TRUE);
      return;
    }
  query = qd_pmg_form_encode ("id", data->run->ids[data->probe], NULL);
  path = g_strconcat ("quarantine/content?", query, NULL);
  request_async (self, request_new ("GET", path, TRUE), NULL, act_probe_cb, task);
}

static void
act_batch_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  QdPmgClient *self = QD_PMG_CLIENT (object);
  ActData *data = g_task_get_task_data (task);
  QdBatchRun *run = data->run;
  g_autoptr(GError) error = NULL;
  g_autoptr(Response) resp = request_finish (self, result, &error);

  if (resp == NULL)
    {
      /* A 401 is refused before any id is looked at; other failures may
       * have come after some were done. */
      gboolean maybe_done = !g_error_matches (error, QD_ERROR, QD_ERROR_SESSION_EXPIRED) &&
                            !g_error_matches (error, QD_ERROR, QD_ERROR_TLS);

      act_give_up (task, g_steal_pointer (&error), maybe_done);
      return;
    }
  if (SOUP_STATUS_IS_SUCCESSFUL (resp->status))
    {
      for (guint i = run->next; i < run->next + data->sent; i++)
        qd_batch_result_add (run->result, run->ids[i], TRUE, data->done, NULL, NULL);
      qd_batch_run_advance (run, data->sent);
      act_next_batch (task);
      return;
    }
  data->batch_error = answer_error (self, resp);
  /* A malformed request is refused before any id is looked at. */
  if (resp->status == 400)
    {
      for (guint i = run->next; i < run->next + data->sent; i++)
        qd_batch_result_add (run->result, run->ids[i], FALSE, NULL, "invalid",
                             data->batch_error->message);
      run->next += data->sent;
      data->sent = 0;
      act_give_up (task, g_steal_pointer (&data->batch_error), FALSE);
      return;
    }
  /* The server stopped at the first id that failed and says which only
   * in its message, where it names one (no such mail, delivery). */
  for (guint i = run->next; resp->message != NULL && i < run->next + data->sent; i++)
    {
      const char *at = strstr (resp->message, run->ids[i]);

      if (at != NULL && !g_ascii_isdigit (at[strlen (run->ids[i])]))
        {
          act_batch_stopped_at (task, i);
          return;
        }
    }
  data->probe = run->next;
  act_probe_next (task);
}

static void
act_next_batch (GTask *task)
{
  QdPmgClient *self = g_task_get_source_object (task);
  ActData *data = g_task_get_task_data (task);
  QdBatchRun *run = data->run;
  g_autoptr(GString) form = NULL;
  Request *req;

  if (qd_batch_run_return_if_over (run, task, NULL))
    return;
  /* An id the server would refuse as malformed fails alone; a batch
   * ends before one. */
  while (run->next < run->n_ids && !qd_pmg_is_mail_id (run->ids[run->next]))
    qd_batch_result_add (run->result, run->ids[run->next++], FALSE, NULL, "not_found", NULL);
  if (run->next >= run->n_ids)
    {
      qd_batch_run_return (run, task);
      return;
    }
  form = g_string_new ("action=");
  g_string_append (form, data->action);
  g_string_append (form, "&id=");
  data->sent = 0;
  while (run->next + data->sent < run->n_ids && data->sent < PMG_BATCH_IDS &&
         qd_pmg_is_mail_id (run->ids[run->next + data->sent]) &&
         form->len + strlen (run->ids[run->next + data->sent]) + 3 < PMG_BATCH_BYTES)
    {
      if (data->sent > 0)
        g_string_append (form, "%3B");
      g_string_append_uri_escaped (form, run->ids[run->next + data->sent], NULL, FALSE);
      data->sent++;
    }
  req = request_new ("POST", "quarantine/content", TRUE);
  request_set_form (req, g_string_free (g_steal_pointer (&form), FALSE));
  /* Not cancelled inside a batch: what was sent is waited for. */
  request_async (self, req, NULL, act_batch_cb, task);
}

static void
act_names_known (GTask *task)
{
  QdPmgClient *self = g_task_get_source_object (task);
  ActData *data = g_task_get_task_data (task);

  if (g_strcmp0 (data->action, "approve") == 0)
    data->action = self->names == NAMES_8 ? "whitelist" : "welcomelist";
  else if (g_strcmp0 (data->action, "block") == 0)
    data->action = self->names == NAMES_8 ? "blacklist" : "blocklist";
  act_next_batch (task);
}

/* Release (deliver; with @approve_sender, welcomelist and deliver),
 * delete, and block (blocklist and delete), in batches of at most 1000
 * ids under the body limit.  The server stops a batch at the first id
 * that fails, keeping what it did; the rest of that batch goes on in the
 * next one. */
static void
act_async (QdItemSource        *source,
           QdActions            action,
           const char * const  *ids,
           gboolean             approve_sender,
           QdProgressFunc       progress,
           gpointer             progress_data,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  QdPmgClient *self = QD_PMG_CLIENT (source);
  GTask *task = qd_task_new (self, act_async, cancellable, callback, user_data);
  ActData *data = g_new0 (ActData, 1);

  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, data, (GDestroyNotify)act_data_free);
  data->run = qd_batch_run_new (ids, progress, progress_data);
  switch (action)
    {
    case QD_ACTION_RELEASE:
      data->action = approve_sender ? "approve" : "deliver";
      data->done = "released";
      break;
    case QD_ACTION_DELETE:
      data->action = "delete";
      data->done = "deleted";
      break;
    case QD_ACTION_BLOCK_SENDER:
      data->action = "block";
      data->done = "blocked";
      break;
    default:
      g_task_return_new_error (task, QD_ERROR, QD_ERROR_INVALID_INPUT,
                               _("Proxmox Mail Gateway cannot do this with held mail."));
      g_object_unref (task);
      return;
    }
  if (g_strcmp0 (data->action, "approve") == 0 || g_strcmp0 (data->action, "block") == 0)
    with_names (self, task, NULL, act_names_known);
  else
    act_next_batch (task);
}

static QdBatchResult *
act_finish (QdItemSource  *source,
            GAsyncResult  *result,
            GError       **error)
{
  return qd_task_finish_pointer (result, source, act_async, error);
}

/* sender lists (§6.8) */

typedef struct
{
  QdSenderList  list;
  char         *address;
  gboolean      add;
} SenderData;

static void
sender_data_free (SenderData *data)
{
  g_free (data->address);
  g_free (data);
}

static void
list_senders_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QdPmgClient *self = QD_PMG_CLIENT (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(Response) resp = request_finish_ok (self, result, &error);
  g_autoptr(GPtrArray) senders = NULL;
  JsonArray *array;

  if (resp == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!JSON_NODE_HOLDS_ARRAY (resp->data))
    {
      g_task_return_error (task, qd_api_error_new_bad_response (self->host));
      return;
    }
  array = json_node_get_array (resp->data);
  senders = g_ptr_array_new_with_free_func ((GDestroyNotify)qd_sender_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      const char *address = JSON_NODE_HOLDS_OBJECT (node)
                            ? qd_json_get_string (json_node_get_object (node), "address") : NULL;
      QdSender *sender;

      if (address == NULL)
        continue;
      sender = g_new0 (QdSender, 1);
      sender->address = g_strdup (address);
      g_ptr_array_add (senders, sender);
    }
  g_task_return_pointer (task, g_steal_pointer (&senders), (GDestroyNotify)g_ptr_array_unref);
}

static void
list_senders_names_known (GTask *task)
{
  QdPmgClient *self = g_task_get_source_object (task);
  SenderData *data = g_task_get_task_data (task);
  g_autofree char *path = NULL;

  path = g_strconcat ("quarantine/", list_name (self, data->list), NULL);
  request_async (self, request_new ("GET", path, TRUE), g_task_get_cancellable (task),
                 list_senders_cb, task);
}

static void
list_senders_async (QdGateway           *gateway,
                    QdSenderList         list,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  QdPmgClient *self = QD_PMG_CLIENT (gateway);
  GTask *task = qd_task_new (self, list_senders_async, cancellable, callback, user_data);
  SenderData *data = g_new0 (SenderData, 1);

  data->list = list;
  g_task_set_task_data (task, data, (GDestroyNotify)sender_data_free);
  with_names (self, task, cancellable, list_senders_names_known);
}

static GPtrArray *
list_senders_finish (QdGateway     *gateway,
                     GAsyncResult  *result,
                     GError       **error)
{
  return qd_task_finish_pointer (result, gateway, list_senders_async, error);
}

static void
change_sender_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(Response) resp = request_finish_ok (QD_PMG_CLIENT (object), result, &error);

  if (resp == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
change_sender_names_known (GTask *task)
{
  QdPmgClient *self = g_task_get_source_object (task);
  SenderData *data = g_task_get_task_data (task);
  g_autofree char *form = qd_pmg_form_encode ("address", data->address, NULL);
  g_autofree char *path = NULL;
  Request *req;

  /* DELETE takes its parameters in the query only (§2.2, §3). */
  if (data->add)
    {
      path = g_strconcat ("quarantine/", list_name (self, data->list), NULL);
      req = request_new ("POST", path, TRUE);
      request_set_form (req, g_steal_pointer (&form));
    }
  else
    {
      path = g_strconcat ("quarantine/", list_name (self, data->list), "?", form, NULL);
      req = request_new ("DELETE", path, TRUE);
    }
  request_async (self, req, g_task_get_cancellable (task), change_sender_cb, task);
}

static void
change_sender_async (QdGateway           *gateway,
                     QdSenderList         list,
                     const char          *address,
                     gboolean             add,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  QdPmgClient *self = QD_PMG_CLIENT (gateway);
  GTask *task = qd_task_new (self, change_sender_async, cancellable, callback, user_data);
  SenderData *data = g_new0 (SenderData, 1);

  data->list = list;
  data->address = g_strstrip (g_strdup (address != NULL ? address : ""));
  data->add = add;
  g_task_set_task_data (task, data, (GDestroyNotify)sender_data_free);
  if ((add && !qd_pmg_sender_entry_is_valid (data->address)) || strlen (data->address) < 3)
    {
      g_task_return_new_error (task, QD_ERROR, QD_ERROR_INVALID_INPUT,
                               _("“%s” cannot be kept in this gateway’s sender lists. Enter one "
                                 "address (name@example.com), a domain (example.com) or a "
                                 "pattern such as *@example.com."),
                               data->address);
      g_object_unref (task);
      return;
    }
  with_names (self, task, cancellable, change_sender_names_known);
}

static gboolean
change_sender_finish (QdGateway     *gateway,
                      GAsyncResult  *result,
                      GError       **error)
{
  return qd_task_finish_boolean (result, gateway, change_sender_async, error);
}

/* the interfaces */

/* Newest first only, one window at a time; the client filters the text
 * itself, which needs no feature bit. */
static QdSourceFeatures
get_features (QdItemSource *source)
{
  return QD_SOURCE_FEATURE_NONE;
}

static QdActions
get_actions (QdItemSource *source)
{
  return QD_ACTION_RELEASE | QD_ACTION_DELETE | QD_ACTION_BLOCK_SENDER |
         QD_ACTION_APPROVE_SENDER;
}

static void
item_source_iface_init (QdItemSourceInterface *iface)
{
  iface->get_features = get_features;
  iface->get_actions = get_actions;
  iface->list_async = list_async;
  iface->list_finish = list_finish;
  iface->get_raw_async = get_raw_async;
  iface->get_raw_finish = get_raw_finish;
  iface->act_async = act_async;
  iface->act_finish = act_finish;
}

static QdGatewayKind
get_kind (QdGateway *gateway)
{
  return QD_GATEWAY_KIND_PMG;
}

/* Sender lists and the whole message; no Junk for PMG users, no
 * classifying, and no session on the server to end. */
static QdGatewayCapabilities
get_capabilities (QdGateway *gateway)
{
  return QD_GATEWAY_CAN_SENDER_LISTS | QD_GATEWAY_CAN_RAW;
}

static QdItemSource *
get_source (QdGateway *gateway,
            QdFolder   folder)
{
  return folder == QD_FOLDER_QUARANTINE ? QD_ITEM_SOURCE (gateway) : NULL;
}

static void
gateway_iface_init (QdGatewayInterface *iface)
{
  iface->get_kind = get_kind;
  iface->get_capabilities = get_capabilities;
  iface->get_base_url = (gpointer)qd_pmg_client_get_base_url;
  iface->get_source = get_source;
  iface->sign_in_async = (gpointer)qd_pmg_client_sign_in_async;
  iface->sign_in_finish = (gpointer)qd_pmg_client_sign_in_finish;
  iface->sign_out_async = sign_out_async;
  iface->sign_out_finish = sign_out_finish;
  iface->list_senders_async = list_senders_async;
  iface->list_senders_finish = list_senders_finish;
  iface->change_sender_async = change_sender_async;
  iface->change_sender_finish = change_sender_finish;
}

/* for tests */

void
qd_pmg_client_age_session (QdPmgClient *self,
                           guint        seconds)
{
  g_return_if_fail (QD_IS_PMG_CLIENT (self));
  self->signed_in_at -= (gint64)seconds * G_USEC_PER_SEC;
}

void
qd_pmg_client_spoil_session (QdPmgClient *self,
                             gboolean     ticket,
                             gboolean     csrf)
{
  g_return_if_fail (QD_IS_PMG_CLIENT (self));
  if (ticket && self->ticket != NULL)
    {
      g_autofree char *spoiled = g_strconcat (self->ticket, "x", NULL);

      clear_secret (&self->ticket);
      self->ticket = g_steal_pointer (&spoiled);
    }
  if (csrf && self->csrf != NULL)
    {
      clear_secret (&self->csrf);
      self->csrf = g_strdup ("00000000:spoiled");
    }
}
