/* qd-api-client.c — one libsoup session per gateway; every call async
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "qd-address.h"
#include "qd-api-client-private.h"
#include "qd-api-error.h"
#include "qd-batch-run.h"
#include "qd-error.h"
#include "qd-http-trust.h"
#include "qd-json.h"
#include "qd-keyring.h"
#include "qd-task-private.h"

struct _QdApiClient
{
  GObject        parent_instance;

  char          *base_url;    /* without a trailing slash */
  char          *host;
  SoupSession   *session;
  GTlsDatabase  *extra_ca;
  char          *username;
  char          *token;
  QdGatewayInfo *info;
  gboolean       renew_from_keyring;
};

static void item_source_iface_init (QdItemSourceInterface *iface);

static void gateway_iface_init (QdGatewayInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (QdApiClient, qd_api_client, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (QD_TYPE_ITEM_SOURCE, item_source_iface_init)
                               G_IMPLEMENT_INTERFACE (QD_TYPE_GATEWAY, gateway_iface_init))

enum {
  TOKEN_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
qd_api_client_finalize (GObject *object)
{
  QdApiClient *self = (QdApiClient *)object;

  g_free (self->base_url);
  g_free (self->host);
  g_clear_object (&self->session);
  g_clear_object (&self->extra_ca);
  g_free (self->username);
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);
  g_clear_pointer (&self->info, qd_gateway_info_unref);

  G_OBJECT_CLASS (qd_api_client_parent_class)->finalize (object);
}

/* The gateway's API does everything a page asks of a source. */
static QdSourceFeatures
get_features (QdItemSource *source)
{
  return QD_SOURCE_FEATURE_SORT | QD_SOURCE_FEATURE_FILTER_REASON |
         QD_SOURCE_FEATURE_FILTER_CATEGORY;
}

static QdActions
get_actions (QdItemSource *source)
{
  return QD_ACTION_RELEASE | QD_ACTION_REQUEST_RELEASE | QD_ACTION_MOVE_TO_INBOX |
         QD_ACTION_DELETE | QD_ACTION_BLOCK_SENDER | QD_ACTION_APPROVE_SENDER;
}

/* The client's own calls take the same arguments; the source is the client. */
static void
item_source_iface_init (QdItemSourceInterface *iface)
{
  iface->get_features = get_features;
  iface->get_actions = get_actions;
  iface->list_async = (gpointer)qd_api_client_list_async;
  iface->list_finish = (gpointer)qd_api_client_list_finish;
  /* Pages by position end as pages after a cursor do. */
  iface->list_at_async = (gpointer)qd_api_client_list_at_async;
  iface->list_at_finish = (gpointer)qd_api_client_list_finish;
  iface->list_ids_async = (gpointer)qd_api_client_list_ids_async;
  iface->list_ids_finish = (gpointer)qd_api_client_list_ids_finish;
  iface->get_raw_async = (gpointer)qd_api_client_get_raw_async;
  iface->get_raw_finish = (gpointer)qd_api_client_get_raw_finish;
  iface->act_async = (gpointer)qd_api_client_act_async;
  iface->act_finish = (gpointer)qd_api_client_act_finish;
  iface->find_async = (gpointer)qd_api_client_find_async;
  iface->find_finish = (gpointer)qd_api_client_find_finish;
}

/* As a gateway: everything, Junk where /info says it keeps one. */
static QdGatewayKind
get_kind (QdGateway *gateway)
{
  return QD_GATEWAY_KIND_QD;
}

static QdGatewayCapabilities
get_capabilities (QdGateway *gateway)
{
  QdApiClient *self = QD_API_CLIENT (gateway);

  return QD_GATEWAY_CAN_SENDER_LISTS | QD_GATEWAY_CAN_CLASSIFY | QD_GATEWAY_CAN_RAW |
         QD_GATEWAY_CAN_SIGN_OUT |
         (self->info == NULL || self->info->has_junk ? QD_GATEWAY_CAN_JUNK : 0);
}

static QdItemSource *
get_source (QdGateway *gateway,
            QdFolder   folder)
{
  if (folder == QD_FOLDER_JUNK && !(get_capabilities (gateway) & QD_GATEWAY_CAN_JUNK))
    return NULL;
  return QD_ITEM_SOURCE (gateway);
}

static void
gateway_iface_init (QdGatewayInterface *iface)
{
  iface->get_kind = get_kind;
  iface->get_capabilities = get_capabilities;
  iface->get_base_url = (gpointer)qd_api_client_get_base_url;
  iface->get_source = get_source;
  iface->sign_in_async = (gpointer)qd_api_client_sign_in_async;
  iface->sign_in_finish = (gpointer)qd_api_client_sign_in_finish;
  iface->sign_out_async = (gpointer)qd_api_client_sign_out_async;
  iface->sign_out_finish = (gpointer)qd_api_client_sign_out_finish;
  iface->list_senders_async = (gpointer)qd_api_client_list_senders_async;
  iface->list_senders_finish = (gpointer)qd_api_client_list_senders_finish;
  iface->change_sender_async = (gpointer)qd_api_client_change_sender_async;
  iface->change_sender_finish = (gpointer)qd_api_client_change_sender_finish;
}

static void
qd_api_client_class_init (QdApiClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = qd_api_client_finalize;

  /**
   * QdApiClient::token-changed:
   *
   * A new token after signing in or a transparent renewal, so that a
   * front end can keep it (in the keyring, never in a file).
   */
  signals[TOKEN_CHANGED] = g_signal_new ("token-changed", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 0);
}

static void
qd_api_client_init (QdApiClient *self)
{
  self->renew_from_keyring = TRUE;
  self->session = qd_http_session_new (60, 4);
}

/**
 * qd_api_client_check_url:
 *
 * https everywhere; plain http only to this computer, where nothing
 * crosses a network.
 */
gboolean
qd_api_client_check_url (const char  *url,
                         GError     **error)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;

  if (uri == NULL || host == NULL || host[0] == '\0' ||
      (g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0))
    {
      g_set_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT,
                   _("“%s” is not a web address. Enter the gateway’s address, such as "
                     "https://gateway.example.com."),
                   url != NULL ? url : "");
      return FALSE;
    }
  if (g_ascii_strcasecmp (scheme, "http") == 0 && !qd_address_is_loopback (host))
    {
      g_set_error (error, QD_ERROR, QD_ERROR_INSECURE_URL,
                   _("Quarantine Desk connects to gateways only over https, so that your "
                     "password and mail cannot be read on the way. Use https://%s, or ask "
                     "your administrator for the gateway’s secure address."),
                   host);
      return FALSE;
    }
  return TRUE;
}

QdApiClient *
qd_api_client_new (const char  *base_url,
                   GError     **error)
{
  g_autofree char *url = NULL;
  g_autofree char *host = NULL;
  QdApiClient *self;

  if (!qd_http_split_base_url (base_url, "/api/v1", &url, &host, error))
    return NULL;
  self = g_object_new (QD_TYPE_API_CLIENT, NULL);
  self->base_url = g_steal_pointer (&url);
  self->host = g_steal_pointer (&host);
  return self;
}

const char *
qd_api_client_get_base_url (QdApiClient *self)
{
  g_return_val_if_fail (QD_IS_API_CLIENT (self), NULL);
  return self->base_url;
}

/**
 * qd_api_client_set_ca_file:
 *
 * An extra certificate authority, trusted besides the system's (a
 * company's own CA). Certificates are still checked for expiry and host.
 */
gboolean
qd_api_client_set_ca_file (QdApiClient  *self,
                           const char   *ca_file,
                           GError      **error)
{
  g_return_val_if_fail (QD_IS_API_CLIENT (self), FALSE);

  g_clear_object (&self->extra_ca);
  return qd_http_trust_load_ca_file (ca_file, &self->extra_ca, error);
}

void
qd_api_client_set_timeout (QdApiClient *self,
                           guint        seconds)
{
  g_return_if_fail (QD_IS_API_CLIENT (self));
  g_object_set (self->session, "timeout", seconds, NULL);
}

const char *
qd_api_client_get_username (QdApiClient *self)
{
  g_return_val_if_fail (QD_IS_API_CLIENT (self), NULL);
  return self->username;
}

void
qd_api_client_set_username (QdApiClient *self,
                            const char  *username)
{
  g_return_if_fail (QD_IS_API_CLIENT (self));
  g_free (self->username);
  self->username = g_strdup (username);
}

const char *
qd_api_client_get_token (QdApiClient *self)
{
  g_return_val_if_fail (QD_IS_API_CLIENT (self), NULL);
  return self->token;
}

static void
replace_token (QdApiClient *self,
               const char  *token)
{
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);
  self->token = g_strdup (token);
}

void
qd_api_client_set_token (QdApiClient *self,
                         const char  *token)
{
  g_return_if_fail (QD_IS_API_CLIENT (self));
  replace_token (self, token);
}

/**
 * qd_api_client_set_renew_from_keyring:
 *
 * Whether an expired session is renewed, once, with the password stored
 * in the keyring (the default).
 */
void
qd_api_client_set_renew_from_keyring (QdApiClient *self,
                                      gboolean     renew)
{
  g_return_if_fail (QD_IS_API_CLIENT (self));
  self->renew_from_keyring = renew;
}

QdGatewayInfo *
qd_api_client_get_cached_info (QdApiClient *self)
{
  g_return_val_if_fail (QD_IS_API_CLIENT (self), NULL);
  return self->info;
}

/* errors */

static GError *
bad_response_error (QdApiClient *self)
{
  return qd_api_error_new_bad_response (self->host);
}

/* requests */

typedef enum
{
  ANSWER_PARSED,   /* a JSON object, which the request's parse function makes the result */
  ANSWER_ANY,      /* a JSON object or nothing, either of which will do: the result is TRUE */
  ANSWER_BYTES,    /* the body as it came */
} AnswerKind;

typedef enum
{
  REQUEST_PUBLIC   = 0,
  REQUEST_AUTH     = 1 << 0,   /* send the token */
  REQUEST_NO_RENEW = 1 << 1,   /* never sign in again for this one */
} RequestFlags;

/* Makes a call's result from the JSON object the gateway answered with
 * (with the request's data), or fails. */
typedef gpointer (*ParseFunc) (QdApiClient  *self,
                               JsonObject   *object,
                               gpointer      data,
                               GError      **error);

/* What a failed request means for this call, when the gateway's own
 * error says too little; NULL keeps the gateway's. */
typedef GError *(*ExplainFunc) (const GError *error);

typedef struct
{
  char           *method;
  char           *path;          /* below /api/v1, with query */
  GBytes         *body;
  char           *content_type;
  gboolean        auth;
  gboolean        renewed;
  AnswerKind      answer;
  ParseFunc       parse;         /* ANSWER_PARSED */
  GDestroyNotify  result_free;
  gpointer        data;          /* for @parse */
  GDestroyNotify  data_free;
  ExplainFunc     explain;       /* (nullable) */
  SoupMessage    *msg;
} Request;

static Request *
request_new (const char   *method,
             const char   *path,
             RequestFlags  flags)
{
  Request *req = g_new0 (Request, 1);

  req->method = g_strdup (method);
  req->path = g_strdup (path);
  req->auth = (flags & REQUEST_AUTH) != 0;
  req->renewed = (flags & REQUEST_NO_RENEW) != 0;
  return req;
}

static void
request_free (Request *req)
{
  g_free (req->method);
  g_free (req->path);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_free (req->content_type);
  if (req->data_free != NULL)
    req->data_free (req->data);
  g_clear_object (&req->msg);
  g_free (req);
}

static void
request_set_body (Request    *req,
                  GBytes     *body,
                  const char *content_type)
{
  req->body = body != NULL ? g_bytes_ref (body) : NULL;
  req->content_type = g_strdup (content_type);
}

static void
request_set_json_body (Request     *req,
                       JsonBuilder *builder)
{
  g_autofree char *text = qd_json_to_string (builder, FALSE);
  gsize len = strlen (text);
  g_autoptr(GBytes) body = g_bytes_new_take (g_steal_pointer (&text), len);

  request_set_body (req, body, "application/json");
}

/* Every failure of a request is told through here, so that its call can
 * explain it. */
static void
request_fail (GTask  *task,
              GError *error)
{
  Request *req = g_task_get_task_data (task);
  GError *explained = req->explain != NULL ? req->explain (error) : NULL;

  if (explained != NULL)
    {
      g_error_free (error);
      error = explained;
    }
  g_task_return_error (task, error);
}

/* The result of a request whose answer was @object (NULL: none). */
static void
request_return (GTask      *task,
                JsonObject *object)
{
  QdApiClient *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);
  GError *error = NULL;
  gpointer result;

  if (req->answer == ANSWER_ANY)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  /* A call that expects an object is not answered by an empty body. */
  if (object == NULL)
    {
      g_task_return_error (task, bad_response_error (self));
      return;
    }
  result = req->parse (self, object, req->data, &error);
  qd_task_return_pointer_or_error (task, result, req->result_free, error);
}

static void send_request (GTask *task);

static void
renew_sign_in_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(QdAccount) account = NULL;
  g_autoptr(GError) error = NULL;

  account = qd_api_client_sign_in_finish (QD_API_CLIENT (object), result, &error);
  if (account == NULL)
    {
      g_debug ("renewing the session failed: %s", error->message);
      request_fail (task, g_error_new (QD_ERROR, QD_ERROR_SESSION_EXPIRED,
                                       _("Your session with the gateway has ended and could "
                                         "not be renewed. Sign in again.")));
      return;
    }
  send_request (g_steal_pointer (&task));
}

static void
renew_lookup_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QdApiClient *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  char *password = qd_keyring_lookup_finish (result, &error);

  if (password == NULL)
    {
      request_fail (task, g_error_new (QD_ERROR, QD_ERROR_SESSION_EXPIRED,
                                       _("Your session with the gateway has ended. Sign in "
                                         "again.")));
      return;
    }
  qd_api_client_sign_in_async (self, self->username, password, g_task_get_cancellable (task),
                               renew_sign_in_cb, g_object_ref (task));
  qd_secret_free (password);
}

static void
response_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QdApiClient *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (body == NULL)
    {
      request_fail (task, qd_http_send_error (req->msg, self->host, g_steal_pointer (&error)));
      return;
    }

  status = soup_message_get_status (req->msg);
  if (status == 401 && req->auth && !req->renewed && self->renew_from_keyring &&
      self->username != NULL)
    {
      g_autoptr(JsonObject) answer = qd_json_parse_object (g_bytes_get_data (body, NULL),
                                                           g_bytes_get_size (body), NULL);
      JsonObject *err = qd_json_get_object (answer, "error");

      /* Renewed once; a second expiry in a row is reported. */
      if (g_strcmp0 (qd_json_get_string (err, "code"), "session_expired") == 0)
        {
          req->renewed = TRUE;
          qd_keyring_lookup_async (QD_SECRET_GATEWAY_PASSWORD, self->base_url, self->username,
                                   g_task_get_cancellable (task), renew_lookup_cb,
                                   g_object_ref (task));
          return;
        }
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      SoupMessageHeaders *headers = soup_message_get_response_headers (req->msg);

      request_fail (task, qd_api_error_new_from_answer (
                            status, body,
                            soup_message_headers_get_one (headers, "Retry-After"),
                            self->base_url));
      return;
    }

  if (req->answer == ANSWER_BYTES)
    {
      g_task_return_pointer (task, g_steal_pointer (&body), (GDestroyNotify)g_bytes_unref);
      return;
    }
  if (status == SOUP_STATUS_NO_CONTENT || g_bytes_get_size (body) == 0)
    {
      request_return (task, NULL);
      return;
    }
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                   g_bytes_get_size (body), NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      request_fail (task, bad_response_error (self));
      return;
    }
  request_return (task, json_node_get_object (root));
}

static void
send_request (GTask *task)
{
  QdApiClient *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);
  g_autofree char *url = g_strconcat (self->base_url, "/api/v1/", req->path, NULL);
  SoupMessageHeaders *headers;

  g_clear_object (&req->msg);
  req->msg = soup_message_new (req->method, url);
  if (req->msg == NULL)
    {
      request_fail (task, bad_response_error (self));
      g_object_unref (task);
      return;
    }
  headers = soup_message_get_request_headers (req->msg);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (req->auth && self->token != NULL)
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", self->token, NULL);

      soup_message_headers_replace (headers, "Authorization", authorization);
    }
  if (req->body != NULL)
    soup_message_set_request_body_from_bytes (req->msg, req->content_type, req->body);
  qd_http_trust_watch (req->msg, self->extra_ca);

  soup_session_send_and_read_async (self->session, req->msg, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), response_cb, task);
}

/* Sends @req (which it takes) as @answer says; the task, tagged with
 * @source_tag, returns a pointer (ANSWER_PARSED, ANSWER_BYTES) or TRUE
 * (ANSWER_ANY). */
static void
request_start (QdApiClient         *self,
               Request             *req,
               AnswerKind           answer,
               gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task = qd_task_new (self, source_tag, cancellable, callback, user_data);

  req->answer = answer;
  g_task_set_task_data (task, req, (GDestroyNotify)request_free);

  if (req->auth && self->token == NULL &&
      !(self->renew_from_keyring && self->username != NULL))
    {
      request_fail (task, g_error_new (QD_ERROR, QD_ERROR_NOT_SIGNED_IN,
                                       _("You are not signed in to the gateway. Sign in "
                                         "first.")));
      g_object_unref (task);
      return;
    }
  send_request (task);
}

/* Sends @req (which it takes); @parse makes the call's result, freed with
 * @result_free, from the JSON object answered. */
static void
request_parse_async (QdApiClient         *self,
                     Request             *req,
                     ParseFunc            parse,
                     GDestroyNotify       result_free,
                     gpointer             source_tag,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  req->parse = parse;
  req->result_free = result_free;
  request_start (self, req, ANSWER_PARSED, source_tag, cancellable, callback, user_data);
}

/* GET /info */

static gpointer
parse_info (QdApiClient  *self,
            JsonObject   *object,
            gpointer      data,
            GError      **error)
{
  QdGatewayInfo *info = qd_gateway_info_new_from_json (object, error);

  if (info != NULL)
    {
      g_clear_pointer (&self->info, qd_gateway_info_unref);
      self->info = qd_gateway_info_ref (info);
    }
  return info;
}

void
qd_api_client_get_info_async (QdApiClient         *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  request_parse_async (self, request_new ("GET", "info", REQUEST_PUBLIC), parse_info,
                       (GDestroyNotify)qd_gateway_info_unref, qd_api_client_get_info_async,
                       cancellable, callback, user_data);
}

QdGatewayInfo *
qd_api_client_get_info_finish (QdApiClient   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return qd_task_finish_pointer (result, self, qd_api_client_get_info_async, error);
}

/* /session */

static QdAccount *
account_from_json (JsonObject *object)
{
  QdAccount *account = g_new0 (QdAccount, 1);
  JsonObject *user = qd_json_get_object (object, "user");

  account->username = qd_json_dup_string (user, "username");
  account->address = qd_json_dup_string (user, "address");
  account->display_name = qd_json_dup_string (user, "display_name");
  account->expires_at = qd_json_dup_date_time (object, "expires_at");
  return account;
}

/* @data: the user name signed in with */
static gpointer
parse_session (QdApiClient  *self,
               JsonObject   *object,
               gpointer      data,
               GError      **error)
{
  const char *token = qd_json_get_string (object, "token");

  if (token == NULL || token[0] == '\0')
    {
      g_propagate_error (error, bad_response_error (self));
      return NULL;
    }
  replace_token (self, token);
  g_free (self->username);
  self->username = g_strdup (data);
  g_signal_emit (self, signals[TOKEN_CHANGED], 0);
  return account_from_json (object);
}

void
qd_api_client_sign_in_async (QdApiClient         *self,
                             const char          *username,
                             const char          *password,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  Request *req = request_new ("POST", "session", REQUEST_PUBLIC);
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  qd_json_builder_add_string (builder, "username", username);
  qd_json_builder_add_string (builder, "password", password);
  json_builder_end_object (builder);
  request_set_json_body (req, builder);
  req->data = g_strdup (username);
  req->data_free = g_free;
  request_parse_async (self, req, parse_session, (GDestroyNotify)qd_account_free,
                       qd_api_client_sign_in_async, cancellable, callback, user_data);
}

QdAccount *
qd_api_client_sign_in_finish (QdApiClient   *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return qd_task_finish_pointer (result, self, qd_api_client_sign_in_async, error);
}

static void
sign_out_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QdApiClient *self = QD_API_CLIENT (object);
  g_autoptr(GError) error = NULL;

  /* Any answer will do, an empty one too. */
  g_task_propagate_boolean (G_TASK (result), &error);
  /* Forget the token whatever the gateway said: it is unusable either way. */
  replace_token (self, NULL);
  g_signal_emit (self, signals[TOKEN_CHANGED], 0);
  if (error != NULL && !g_error_matches (error, QD_ERROR, QD_ERROR_SESSION_EXPIRED))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
qd_api_client_sign_out_async (QdApiClient         *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task = qd_task_new (self, qd_api_client_sign_out_async, cancellable, callback, user_data);

  if (self->token == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  /* Signing out must not sign in again to do it. */
  request_start (self, request_new ("DELETE", "session", REQUEST_AUTH | REQUEST_NO_RENEW),
                 ANSWER_ANY, qd_api_client_sign_out_async, cancellable, sign_out_cb, task);
}

gboolean
qd_api_client_sign_out_finish (QdApiClient   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return qd_task_finish_boolean (result, self, qd_api_client_sign_out_async, error);
}

static gpointer
parse_account (QdApiClient  *self,
               JsonObject   *object,
               gpointer      data,
               GError      **error)
{
  return account_from_json (object);
}

void
qd_api_client_get_account_async (QdApiClient         *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  request_parse_async (self, request_new ("GET", "session", REQUEST_AUTH), parse_account,
                       (GDestroyNotify)qd_account_free, qd_api_client_get_account_async,
                       cancellable, callback, user_data);
}

QdAccount *
qd_api_client_get_account_finish (QdApiClient   *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return qd_task_finish_pointer (result, self, qd_api_client_get_account_async, error);
}

/* GET /messages */

static gboolean
has_token (const char *list,
           const char *token)
{
  g_auto(GStrv) tokens = g_strsplit_set (list, " \t", -1);

  for (guint i = 0; tokens[i] != NULL; i++)
    if (g_ascii_strcasecmp (tokens[i], token) == 0)
      return TRUE;
  return FALSE;
}

/* The cursor in the address a Link header (RFC 8288) gives as rel="next"
 * for the same resource, or NULL.  Only the cursor is taken: the request
 * for the next page is built here as always, with the token, for this
 * gateway. */
static char *
link_next_cursor (SoupMessage *msg)
{
  const char *header = soup_message_headers_get_list (soup_message_get_response_headers (msg),
                                                      "Link");
  GUri *base = soup_message_get_uri (msg);
  GSList *values;
  char *cursor = NULL;

  if (header == NULL)
    return NULL;
  values = soup_header_parse_list (header);
  for (GSList *l = values; l != NULL && cursor == NULL; l = l->next)
    {
      const char *value = l->data;
      const char *end = strchr (value, '>');
      g_autofree char *ref = NULL;
      g_autoptr(GHashTable) params = NULL;
      g_autoptr(GHashTable) query = NULL;
      g_autoptr(GUri) uri = NULL;
      const char *rel;

      if (value[0] != '<' || end == NULL)
        continue;
      ref = g_strndup (value + 1, end - value - 1);
      for (end++; g_ascii_isspace (*end); end++)
        ;
      if (*end != ';')
        continue;
      params = soup_header_parse_semi_param_list (end + 1);
      rel = g_hash_table_lookup (params, "rel");
      if (rel == NULL || !has_token (rel, "next"))
        continue;
      uri = g_uri_parse_relative (base, ref, G_URI_FLAGS_ENCODED, NULL);
      if (uri == NULL || g_uri_get_query (uri) == NULL ||
          g_strcmp0 (g_uri_get_path (uri), g_uri_get_path (base)) != 0)
        continue;
      query = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
      if (query != NULL && g_hash_table_lookup (query, "cursor") != NULL)
        cursor = g_strdup (g_hash_table_lookup (query, "cursor"));
    }
  soup_header_free_list (values);
  return cursor;
}

/**
 * qd_api_client_list_raw_async:
 *
 * One page of GET /messages as it came, unparsed, with the next page's
 * cursor when the gateway gave it in a Link header.
 */
/* GET /messages after @cursor, or at @position (G_MAXUINT: none), in
 * @snapshot (NULL: a new one). */
static void
list_raw_start (QdApiClient         *self,
                const QdQuery       *query,
                const char          *cursor,
                guint                position,
                const char          *snapshot,
                guint                limit,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autofree char *params = qd_query_to_string (query, cursor, limit);
  g_autoptr(GString) path = g_string_new ("messages?");

  g_string_append (path, params);
  if (cursor == NULL && position != G_MAXUINT)
    g_string_append_printf (path, "&position=%u", position);
  if (snapshot != NULL)
    {
      g_string_append (path, "&snapshot=");
      g_string_append_uri_escaped (path, snapshot, NULL, FALSE);
    }
  request_start (self, request_new ("GET", path->str, REQUEST_AUTH), ANSWER_BYTES,
                 qd_api_client_list_raw_async, cancellable, callback, user_data);
}

void
qd_api_client_list_raw_async (QdApiClient         *self,
                              const QdQuery       *query,
                              const char          *cursor,
                              guint                limit,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  list_raw_start (self, query, cursor, G_MAXUINT, NULL, limit, cancellable, callback, user_data);
}

/**
 * qd_api_client_list_raw_finish:
 * @next_cursor: (out) (optional): the cursor from the Link header, or NULL
 *   when there was none (the body's next_cursor still says)
 *
 * Returns: (transfer full): the body
 */
GBytes *
qd_api_client_list_raw_finish (QdApiClient   *self,
                               GAsyncResult  *result,
                               char         **next_cursor,
                               GError       **error)
{
  Request *req;
  GBytes *body;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, qd_api_client_list_raw_async), NULL);

  req = g_task_get_task_data (G_TASK (result));
  body = g_task_propagate_pointer (G_TASK (result), error);
  if (next_cursor != NULL)
    *next_cursor = body != NULL ? link_next_cursor (req->msg) : NULL;
  return body;
}

const char *
qd_api_client_get_host (QdApiClient *self)
{
  return self->host;
}

static void
list_parsed_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  QdItemPage *page = qd_item_page_parse_finish (result, &error);

  qd_task_return_pointer_or_error (task, page, (GDestroyNotify)qd_item_page_free, error);
}

static void
list_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QdApiClient *self = QD_API_CLIENT (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = qd_api_client_list_raw_finish (self, result, NULL, &error);

  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  qd_item_page_parse_async (body, self->host, g_task_get_cancellable (task), list_parsed_cb,
                            g_object_ref (task));
}

void
qd_api_client_list_async (QdApiClient         *self,
                          const QdQuery       *query,
                          const char          *cursor,
                          guint                limit,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task = qd_task_new (self, qd_api_client_list_async, cancellable, callback, user_data);

  qd_api_client_list_raw_async (self, query, cursor, limit, cancellable, list_cb, task);
}

/**
 * qd_api_client_list_at_async:
 *
 * qd_item_source_list_at_async (): the page at @position (or after
 * @cursor) of GET /messages, in @snapshot.
 */
void
qd_api_client_list_at_async (QdApiClient         *self,
                             const QdQuery       *query,
                             guint                position,
                             const char          *cursor,
                             const char          *snapshot,
                             guint                limit,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task = qd_task_new (self, qd_api_client_list_async, cancellable, callback, user_data);

  list_raw_start (self, query, cursor, position, snapshot, limit, cancellable, list_cb, task);
}

QdItemPage *
qd_api_client_list_finish (QdApiClient   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return qd_task_finish_pointer (result, self, qd_api_client_list_async, error);
}

/* GET /messages/{id} and /raw */

static char *
item_path (const char *id,
           const char *suffix)
{
  g_autofree char *escaped = g_uri_escape_string (id, NULL, FALSE);

  return g_strconcat ("messages/", escaped, suffix, NULL);
}

static gpointer
parse_item (QdApiClient  *self,
            JsonObject   *object,
            gpointer      data,
            GError      **error)
{
  return qd_item_new_from_json (object, error);
}

void
qd_api_client_get_item_async (QdApiClient         *self,
                              const char          *id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autofree char *path = item_path (id, "");

  request_parse_async (self, request_new ("GET", path, REQUEST_AUTH), parse_item,
                       g_object_unref, qd_api_client_get_item_async, cancellable, callback,
                       user_data);
}

QdItem *
qd_api_client_get_item_finish (QdApiClient   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return qd_task_finish_pointer (result, self, qd_api_client_get_item_async, error);
}

void
qd_api_client_get_raw_async (QdApiClient         *self,
                             const char          *id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autofree char *path = item_path (id, "/raw");

  request_start (self, request_new ("GET", path, REQUEST_AUTH), ANSWER_BYTES,
                 qd_api_client_get_raw_async, cancellable, callback, user_data);
}

GBytes *
qd_api_client_get_raw_finish (QdApiClient   *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return qd_task_finish_pointer (result, self, qd_api_client_get_raw_async, error);
}

/* POST /messages/{action}, in batches of the gateway's stated size */

typedef struct
{
  QdActions   action;
  QdBatchRun *run;
  guint       batch_size;
  gboolean    approve_sender;
} ActData;

static void
act_data_free (ActData *data)
{
  qd_batch_run_free (data->run);
  g_free (data);
}

static void act_next_batch (GTask *task);

/* The answer to a batch, as it came: what each id became. */
static gpointer
parse_object (QdApiClient  *self,
              JsonObject   *object,
              gpointer      data,
              GError      **error)
{
  return json_object_ref (object);
}


static void
act_batch_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QdApiClient *self = QD_API_CLIENT (object);
  ActData *data = g_task_get_task_data (task);
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GError) error = NULL;
  guint sent = MIN (data->batch_size, data->run->n_ids - data->run->next);

  answer = g_task_propagate_pointer (G_TASK (result), &error);
  if (answer == NULL || !qd_batch_result_add_json (data->run->result, answer, NULL))
    {
      if (error == NULL)
        error = bad_response_error (self);
      /* The batch in flight may or may not have been carried out. */
      qd_batch_run_give_up (data->run, g_steal_pointer (&task), sent, TRUE,
                            g_steal_pointer (&error));
      return;
    }
  qd_batch_run_advance (data->run, sent);
  act_next_batch (g_steal_pointer (&task));
}

static void
act_next_batch (GTask *task)
{
  QdApiClient *self = g_task_get_source_object (task);
  ActData *data = g_task_get_task_data (task);
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *path = NULL;
  Request *req;
  guint end;

  if (qd_batch_run_return_if_over (data->run, task, NULL))
    return;

  builder = json_builder_new ();
  end = MIN (data->run->n_ids, data->run->next + data->batch_size);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ids");
  json_builder_begin_array (builder);
  for (guint i = data->run->next; i < end; i++)
    json_builder_add_string_value (builder, data->run->ids[i]);
  json_builder_end_array (builder);
  if (data->action == QD_ACTION_RELEASE || data->action == QD_ACTION_MOVE_TO_INBOX)
    {
      json_builder_set_member_name (builder, "approve_sender");
      json_builder_add_boolean_value (builder, data->approve_sender);
    }
  json_builder_end_object (builder);
  path = g_strconcat ("messages/", qd_action_to_string (data->action), NULL);
  req = request_new ("POST", path, REQUEST_AUTH);
  request_set_json_body (req, builder);
  request_parse_async (self, req, parse_object, (GDestroyNotify)json_object_unref,
                       act_next_batch, NULL, act_batch_cb, task);
}

/* A batch call's first step, given the gateway's batch size. */
typedef void (*BatchStart) (GTask *task,
                            guint  batch_size);

typedef struct
{
  GTask      *task;
  BatchStart  start;
} BatchInfo;

static void
batch_info_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autofree BatchInfo *wait = user_data;
  g_autoptr(QdGatewayInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = qd_api_client_get_info_finish (QD_API_CLIENT (object), result, &error);
  if (info == NULL)
    {
      g_task_return_error (wait->task, g_steal_pointer (&error));
      g_object_unref (wait->task);
      return;
    }
  wait->start (wait->task, info->max_batch_ids);
}

/* Calls @start (which takes @task) with the gateway's batch size, asking
 * /info first when it is not known yet. */
static void
with_batch_size (QdApiClient *self,
                 GTask       *task,
                 BatchStart   start)
{
  BatchInfo *wait;

  if (self->info != NULL)
    {
      start (task, self->info->max_batch_ids);
      return;
    }
  wait = g_new0 (BatchInfo, 1);
  wait->task = task;
  wait->start = start;
  qd_api_client_get_info_async (self, NULL, batch_info_cb, wait);
}

static void
act_start (GTask *task,
           guint  batch_size)
{
  ActData *data = g_task_get_task_data (task);

  data->batch_size = batch_size;
  act_next_batch (task);
}

/**
 * qd_api_client_act_async:
 * @ids: the ids to act on; duplicates are sent once
 * @progress: (nullable): told after each batch
 * @cancellable: stops the action between batches; the result then lists
 *   the ids not attempted
 *
 * Carries out @action on any number of ids, in batches no larger than
 * the gateway's stated limit, one after another.
 */
void
qd_api_client_act_async (QdApiClient         *self,
                         QdActions            action,
                         const char * const  *ids,
                         gboolean             approve_sender,
                         QdProgressFunc       progress,
                         gpointer             progress_data,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task = qd_task_new (self, qd_api_client_act_async, cancellable, callback, user_data);
  ActData *data = g_new0 (ActData, 1);

  g_return_if_fail (qd_action_to_string (action) != NULL && action != QD_ACTION_APPROVE_SENDER);

  /* A cancelled batch action still reports what was done. */
  g_task_set_check_cancellable (task, FALSE);
  data->run = qd_batch_run_new (ids, progress, progress_data);
  data->action = action;
  data->approve_sender = approve_sender;
  g_task_set_task_data (task, data, (GDestroyNotify)act_data_free);
  with_batch_size (self, task, act_start);
}

QdBatchResult *
qd_api_client_act_finish (QdApiClient   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  return qd_task_finish_pointer (result, self, qd_api_client_act_async, error);
}

/* POST /messages/lookup, in batches: what of a mailbox's messages is also held */

typedef struct
{
  GStrv       message_ids;
  guint       next;
  guint       batch_size;
  GHashTable *found;         /* Message-ID -> id */
} FindData;

static void
find_data_free (FindData *data)
{
  g_strfreev (data->message_ids);
  g_hash_table_unref (data->found);
  g_free (data);
}

static void find_next_batch (GTask *task);

static gpointer
parse_found (QdApiClient  *self,
             JsonObject   *object,
             gpointer      data,
             GError      **error)
{
  GHashTable *found = data;
  JsonArray *items = qd_json_get_array (object, "items");

  if (items == NULL)
    {
      g_propagate_error (error, bad_response_error (self));
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      const char *message_id = item != NULL ? qd_json_get_string (item, "message_id") : NULL;
      const char *id = item != NULL ? qd_json_get_string (item, "id") : NULL;

      if (message_id != NULL && id != NULL && !g_hash_table_contains (found, message_id))
        g_hash_table_insert (found, g_strdup (message_id), g_strdup (id));
    }
  return GINT_TO_POINTER (TRUE);
}

static void
find_batch_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (g_task_propagate_pointer (G_TASK (result), &error) == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  find_next_batch (task);
}

static void
find_next_batch (GTask *task)
{
  QdApiClient *self = g_task_get_source_object (task);
  FindData *data = g_task_get_task_data (task);
  g_autoptr(JsonBuilder) builder = NULL;
  Request *req;
  guint n = g_strv_length (data->message_ids);

  if (data->next >= n)
    {
      g_task_return_pointer (task, g_hash_table_ref (data->found),
                             (GDestroyNotify)g_hash_table_unref);
      g_object_unref (task);
      return;
    }
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  qd_json_builder_add_string (builder, "folder", "quarantine");
  json_builder_set_member_name (builder, "message_ids");
  json_builder_begin_array (builder);
  for (guint end = MIN (n, data->next + data->batch_size); data->next < end; data->next++)
    json_builder_add_string_value (builder, data->message_ids[data->next]);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  req = request_new ("POST", "messages/lookup", REQUEST_AUTH);
  request_set_json_body (req, builder);
  req->data = data->found;
  request_parse_async (self, req, parse_found, NULL, find_next_batch,
                       g_task_get_cancellable (task), find_batch_cb, task);
}

static void
find_start (GTask *task,
            guint  batch_size)
{
  FindData *data = g_task_get_task_data (task);

  data->batch_size = MAX (batch_size, 1);
  find_next_batch (task);
}

/**
 * qd_api_client_find_async:
 * @message_ids: Message-IDs without angle brackets
 *
 * Which of @message_ids the gateway holds in the person's quarantine.
 */
void
qd_api_client_find_async (QdApiClient         *self,
                          const char * const  *message_ids,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task = qd_task_new (self, qd_api_client_find_async, cancellable, callback, user_data);
  FindData *data = g_new0 (FindData, 1);

  data->message_ids = g_strdupv ((GStrv)message_ids);
  data->found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_task_set_task_data (task, data, (GDestroyNotify)find_data_free);
  with_batch_size (self, task, find_start);
}

/* Returns: (transfer container): Message-ID -> the held item's id */
GHashTable *
qd_api_client_find_finish (QdApiClient   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return qd_task_finish_pointer (result, self, qd_api_client_find_async, error);
}

/* sender lists */

static const char *
sender_list_path (QdSenderList list)
{
  return list == QD_SENDER_LIST_APPROVED ? "approved-senders" : "blocked-senders";
}

static gpointer
parse_senders (QdApiClient  *self,
               JsonObject   *object,
               gpointer      data,
               GError      **error)
{
  JsonArray *array = qd_json_get_array (object, "senders");
  GPtrArray *senders;

  if (array == NULL)
    {
      g_propagate_error (error, bad_response_error (self));
      return NULL;
    }
  senders = g_ptr_array_new_with_free_func ((GDestroyNotify)qd_sender_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      QdSender *sender;

      if (!JSON_NODE_HOLDS_OBJECT (node) ||
          qd_json_get_string (json_node_get_object (node), "address") == NULL)
        continue;
      sender = g_new0 (QdSender, 1);
      sender->address = qd_json_dup_string (json_node_get_object (node), "address");
      sender->added_at = qd_json_dup_date_time (json_node_get_object (node), "added_at");
      g_ptr_array_add (senders, sender);
    }
  return senders;
}

void
qd_api_client_list_senders_async (QdApiClient         *self,
                                  QdSenderList         list,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  request_parse_async (self, request_new ("GET", sender_list_path (list), REQUEST_AUTH),
                       parse_senders, (GDestroyNotify)g_ptr_array_unref,
                       qd_api_client_list_senders_async, cancellable, callback, user_data);
}

GPtrArray *
qd_api_client_list_senders_finish (QdApiClient   *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return qd_task_finish_pointer (result, self, qd_api_client_list_senders_async, error);
}

static GError *
explain_sender_error (const GError *error)
{
  if (g_error_matches (error, QD_ERROR, QD_ERROR_NOT_FOUND))
    return g_error_new (QD_ERROR, QD_ERROR_NOT_FOUND, _("That address is not on the list."));
  if (g_error_matches (error, QD_ERROR, QD_ERROR_INVALID_INPUT))
    return g_error_new (QD_ERROR, QD_ERROR_INVALID_INPUT,
                        _("The gateway did not accept the entry. Enter a mail address "
                          "such as news@example.com, or @example.com for a whole "
                          "domain; if the list is full, remove an entry first."));
  return NULL;
}

void
qd_api_client_change_sender_async (QdApiClient         *self,
                                   QdSenderList         list,
                                   const char          *address,
                                   gboolean             add,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  Request *req;

  if (add)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      qd_json_builder_add_string (builder, "address", address);
      json_builder_end_object (builder);
      req = request_new ("POST", sender_list_path (list), REQUEST_AUTH);
      request_set_json_body (req, builder);
    }
  else
    {
      g_autofree char *escaped = g_uri_escape_string (address, NULL, FALSE);
      g_autofree char *path = g_strconcat (sender_list_path (list), "/", escaped, NULL);

      req = request_new ("DELETE", path, REQUEST_AUTH);
    }
  req->explain = explain_sender_error;
  /* Any answer will do, an empty one too. */
  request_start (self, req, ANSWER_ANY, qd_api_client_change_sender_async, cancellable,
                 callback, user_data);
}

gboolean
qd_api_client_change_sender_finish (QdApiClient   *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return qd_task_finish_boolean (result, self, qd_api_client_change_sender_async, error);
}

/* POST /classify */

static gpointer
parse_verdict (QdApiClient  *self,
               JsonObject   *object,
               gpointer      data,
               GError      **error)
{
  return qd_verdict_new_from_json (object, error);
}

static GError *
explain_classify_error (const GError *error)
{
  if (g_error_matches (error, QD_ERROR, QD_ERROR_INVALID_INPUT))
    return g_error_new (QD_ERROR, QD_ERROR_INVALID_INPUT,
                        _("The gateway could not read this file as a mail message. "
                          "Save the message from your mail program as .eml and try "
                          "again."));
  return NULL;
}

void
qd_api_client_classify_async (QdApiClient         *self,
                              GBytes              *message,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  Request *req = request_new ("POST", "classify", REQUEST_AUTH);

  request_set_body (req, message, "message/rfc822");
  req->explain = explain_classify_error;
  request_parse_async (self, req, parse_verdict, (GDestroyNotify)qd_verdict_unref,
                       qd_api_client_classify_async, cancellable, callback, user_data);
}

QdVerdict *
qd_api_client_classify_finish (QdApiClient   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return qd_task_finish_pointer (result, self, qd_api_client_classify_async, error);
}
