/* qd-cloud-client.c — the cloud service's Email Quarantine API over one libsoup session
 *
 * Written from ../shared/specs/symantec-email-quarantine-api.md ("the
 * spec"), whose many Unknowns (§9) are met defensively: numbers may come
 * as strings, booleans in three forms, any metadata field may be missing,
 * a 200 may carry a failure, pages may shift under the listing.
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
#include "qd-cloud-client.h"
#include "qd-cloud-parse.h"
#include "qd-error.h"
#include "qd-http-trust.h"
#include "qd-item.h"
#include "qd-json.h"
#include "qd-task-private.h"

#define PAGE_SIZE          200     /* spec §5.1: the Desk's page */
#define MAX_PAGE_SIZE      10000   /* the service's largest page */
#define SENDERS_PAGE_SIZE  500
#define BATCH_SIZE         100     /* spec §7: ours, not a documented limit */
#define MAX_RETRIES        3       /* after 429/503, then the person decides */
#define FIRST_BACKOFF      30      /* seconds, doubling, when no Retry-After */
#define MAX_WAIT           300     /* a longer wait is left to the person */
#define LISTINGS_KEPT      4
#define SENDER_DESCRIPTION "Quarantine Desk"

/* What a listing taught about an item, for the calls that take only ids. */
typedef struct
{
  QdActions  actions;
  gboolean   preview;
  char      *sender;     /* the From address, for approve and block */
} Known;

/* One listing (a first page and the pages after it): the ids given, so an
 * item shifted onto the next page by new mail is given once. */
typedef struct
{
  GHashTable *seen;
} Listing;

struct _QdCloudClient
{
  GObject       parent_instance;

  char         *base_url;   /* without a trailing slash */
  char         *host;
  SoupSession  *session;
  GTlsDatabase *extra_ca;
  char         *username;
  gboolean      has_credentials;
  guint         generation;
  GHashTable   *listings;   /* generation -> Listing */
  GHashTable   *known;      /* id -> Known */
  guint         window_days; /* a listing without a start begins this long ago */
};

static void item_source_iface_init (QdItemSourceInterface *iface);
static void gateway_iface_init (QdGatewayInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (QdCloudClient, qd_cloud_client, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (QD_TYPE_ITEM_SOURCE, item_source_iface_init)
                               G_IMPLEMENT_INTERFACE (QD_TYPE_GATEWAY, gateway_iface_init))

static void
known_free (Known *known)
{
  g_free (known->sender);
  g_free (known);
}

static void
listing_free (Listing *listing)
{
  g_hash_table_unref (listing->seen);
  g_free (listing);
}

static void
qd_cloud_client_finalize (GObject *object)
{
  QdCloudClient *self = (QdCloudClient *)object;

  g_free (self->base_url);
  g_free (self->host);
  g_clear_object (&self->session);
  g_clear_object (&self->extra_ca);
  g_free (self->username);
  g_hash_table_unref (self->listings);
  g_hash_table_unref (self->known);

  G_OBJECT_CLASS (qd_cloud_client_parent_class)->finalize (object);
}

static void
qd_cloud_client_class_init (QdCloudClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = qd_cloud_client_finalize;
}

static void
qd_cloud_client_init (QdCloudClient *self)
{
  self->session = qd_http_session_new (60, 4);
  self->window_days = QD_CLOUD_CLIENT_WINDOW_DAYS;
  self->listings = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)listing_free);
  self->known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify)known_free);
}

/**
 * qd_cloud_client_new:
 * @base_url: QD_CLOUD_CLIENT_URL_EU, QD_CLOUD_CLIENT_URL_US or another
 *
 * Returns: (transfer full) (nullable): a client not signed in yet
 */
QdCloudClient *
qd_cloud_client_new (const char  *base_url,
                     GError     **error)
{
  g_autofree char *url = NULL;
  g_autofree char *host = NULL;
  QdCloudClient *self;

  /* The same rule as for every gateway: https, plain http only to loopback;
   * a base URL given with the API's version still names the service. */
  if (!qd_http_split_base_url (base_url, "/v1", &url, &host, error))
    return NULL;
  self = g_object_new (QD_TYPE_CLOUD_CLIENT, NULL);
  self->base_url = g_steal_pointer (&url);
  self->host = g_steal_pointer (&host);
  return self;
}

/**
 * qd_cloud_client_set_ca_file:
 *
 * An extra certificate authority, trusted besides the system's; the
 * certificate is still checked for expiry and host name.
 */
gboolean
qd_cloud_client_set_ca_file (QdCloudClient  *self,
                             const char     *ca_file,
                             GError        **error)
{
  g_return_val_if_fail (QD_IS_CLOUD_CLIENT (self), FALSE);

  g_clear_object (&self->extra_ca);
  return qd_http_trust_load_ca_file (ca_file, &self->extra_ca, error);
}

const char *
qd_cloud_client_get_base_url (QdCloudClient *self)
{
  g_return_val_if_fail (QD_IS_CLOUD_CLIENT (self), NULL);
  return self->base_url;
}

/* The signed-in user name (the portal's address), or NULL. */
const char *
qd_cloud_client_get_username (QdCloudClient *self)
{
  g_return_val_if_fail (QD_IS_CLOUD_CLIENT (self), NULL);
  return self->has_credentials ? self->username : NULL;
}

/**
 * qd_cloud_client_set_window_days:
 * @days: how many days back a listing without a start goes; 0: as far as
 *   the service keeps mail
 *
 * The spec leaves the service's retention Unknown and asks for a
 * configurable default window (the settings' cloud-window-days).
 */
void
qd_cloud_client_set_window_days (QdCloudClient *self,
                                 guint          days)
{
  g_return_if_fail (QD_IS_CLOUD_CLIENT (self));
  self->window_days = days;
}

/* Basic authentication on every request, sent before any challenge (the
 * service sends none): the session's auth manager holds the credentials
 * for everything under /v1/, so they are in no string of ours. */
static void
set_credentials (QdCloudClient *self,
                 const char    *username,
                 const char    *password)
{
  SoupAuthManager *manager =
    SOUP_AUTH_MANAGER (soup_session_get_feature (self->session, SOUP_TYPE_AUTH_MANAGER));
  g_autofree char *space = g_strconcat (self->base_url, "/v1/", NULL);
  g_autoptr(GUri) uri = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(SoupAuth) auth = NULL;

  soup_auth_manager_clear_cached_credentials (manager);
  self->has_credentials = FALSE;
  if (username == NULL || password == NULL)
    return;
  uri = g_uri_parse (space, SOUP_HTTP_URI_FLAGS, NULL);
  msg = soup_message_new_from_uri ("GET", uri);
  auth = soup_auth_new (SOUP_TYPE_AUTH_BASIC, msg, "Basic realm=\"Email Quarantine\"");
  soup_auth_authenticate (auth, username, password);
  soup_auth_manager_use_auth (manager, uri, auth);
  g_free (self->username);
  self->username = g_strdup (username);
  self->has_credentials = TRUE;
}

/* errors */

static GError *
not_signed_in_error (void)
{
  return g_error_new_literal (QD_ERROR, QD_ERROR_NOT_SIGNED_IN,
                              _("You are not signed in to the gateway. Sign in first."));
}

static GError *
busy_error (guint seconds)
{
  int minutes = (int)MAX ((seconds + 59) / 60, 1);

  return g_error_new (QD_ERROR, QD_ERROR_RATE_LIMITED,
                      g_dngettext (GETTEXT_PACKAGE,
                                   "The quarantine service is busy. Wait %d minute, then try "
                                   "again.",
                                   "The quarantine service is busy. Wait %d minutes, then try "
                                   "again.",
                                   minutes),
                      minutes);
}

/* Our sentence for an HTTP status that is not a success. */
static GError *
status_error (QdCloudClient *self,
              guint          status,
              JsonNode      *answer)
{
  g_autofree char *said = NULL;

  switch (status)
    {
    case 401:
      return g_error_new_literal (QD_ERROR, QD_ERROR_AUTH_FAILED,
                                  _("The quarantine service refused the user name or password. "
                                    "Check them and sign in again; Quarantine Desk does not "
                                    "retry by itself, so that your account is not locked."));
    case 403:
      return g_error_new_literal (QD_ERROR, QD_ERROR_AUTH_FAILED,
                                  _("The quarantine service refused access: your account may "
                                    "not be allowed to use its API. Ask your administrator to "
                                    "allow it."));
    case 404:
      return g_error_new (QD_ERROR, QD_ERROR_BAD_RESPONSE,
                          _("%s does not answer like the Email Quarantine API. Check the "
                            "address, or choose the other region."),
                          self->base_url);
    default:
      break;
    }
  if (status >= 400 && status < 500)
    {
      said = qd_cloud_answer_message (answer, status);
      return g_error_new (QD_ERROR, QD_ERROR_INVALID_INPUT,
                          _("The gateway refused the request (%s). Update Quarantine Desk or "
                            "tell your administrator."),
                          said);
    }
  return g_error_new (QD_ERROR, QD_ERROR_GATEWAY,
                      _("The gateway had a problem (HTTP %u). Try again later; if it keeps "
                        "happening, tell your administrator."),
                      status);
}

/* HTTP 200 with a status other than SUCCESS (spec §4). */
static GError *
failure_error (JsonNode *answer)
{
  g_autofree char *said = qd_cloud_answer_message (answer, 0);

  return g_error_new (QD_ERROR, QD_ERROR_GATEWAY,
                      _("The quarantine service did not carry out the request (%s). Try "
                        "again later; if it keeps happening, tell your administrator."),
                      said);
}

/* requests */

/* A call's own sentence for a refusal, or NULL for the general one. */
typedef GError *(*ExplainFunc) (QdCloudClient *self,
                                guint          status);

typedef struct
{
  char        *method;
  char        *path;        /* below the base URL, with its query */
  GBytes      *body;
  guint        attempt;
  guint        backoff;
  ExplainFunc  explain;
  SoupMessage *msg;
  guint        status;      /* of the last answer; 0 when there was none */
  JsonNode    *answer;      /* the last answer's JSON, kept on failure too */
} Request;

static void
request_free (Request *req)
{
  g_free (req->method);
  g_free (req->path);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_clear_object (&req->msg);
  g_clear_pointer (&req->answer, json_node_unref);
  g_free (req);
}

static void send_request (GTask *task);

/* Seconds Retry-After asks for (delta-seconds or an HTTP date, read
 * against the answer's own Date), or 0 when it says nothing usable. */
static guint
retry_after_seconds (SoupMessage *msg)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  const char *value = soup_message_headers_get_one (headers, "Retry-After");
  const char *date = soup_message_headers_get_one (headers, "Date");
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *trimmed = value != NULL ? g_strstrip (g_strdup (value)) : NULL;
  guint64 seconds;

  if (value == NULL)
    return 0;

  if (g_ascii_string_to_unsigned (trimmed, 10, 0, G_MAXUINT32, &seconds, NULL))
    return (guint)seconds;
  when = soup_date_time_new_from_http_string (value);
  if (when == NULL)
    return 0;
  now = date != NULL ? soup_date_time_new_from_http_string (date) : NULL;
  if (now == NULL)
    now = g_date_time_new_now_utc ();
  return (guint)CLAMP (g_date_time_difference (when, now) / G_USEC_PER_SEC, 1, G_MAXUINT32);
}

static gboolean
retry_cb (gpointer user_data)
{
  GTask *task = user_data;

  if (g_task_return_error_if_cancelled (task))
    g_object_unref (task);
  else
    send_request (task);
  return G_SOURCE_REMOVE;
}

static void
request_fail (GTask  *task,
              GError *error)
{
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
response_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  QdCloudClient *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *object_answer;
  const char *status_value;
  GError *explained;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (body == NULL)
    {
      request_fail (task, qd_http_send_error (req->msg, self->host, g_steal_pointer (&error)));
      return;
    }

  req->status = soup_message_get_status (req->msg);
  g_clear_pointer (&req->answer, json_node_unref);
  parser = json_parser_new_immutable ();
  if (g_bytes_get_size (body) > 0 &&
      json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                  g_bytes_get_size (body), NULL) &&
      json_parser_get_root (parser) != NULL)
    req->answer = json_node_ref (json_parser_get_root (parser));

  /* Busy: wait as asked (or 30 s, doubling), a few times, then tell. */
  if (req->status == 429 || req->status == 503)
    {
      guint wait = retry_after_seconds (req->msg);

      if (wait == 0)
        {
          wait = req->backoff;
          req->backoff = MIN (req->backoff * 2, MAX_WAIT);
        }
      if (req->attempt >= MAX_RETRIES || wait > MAX_WAIT)
        {
          request_fail (task, busy_error (wait));
          return;
        }
      req->attempt++;
      g_debug ("cloud: %s answered %u, trying again in %u s", req->path, req->status, wait);
      {
        GSource *timeout = g_timeout_source_new_seconds (MAX (wait, 1));

        if (g_task_get_cancellable (task) != NULL)
          {
            g_autoptr(GSource) cancelled =
              g_cancellable_source_new (g_task_get_cancellable (task));

            g_source_set_dummy_callback (cancelled);
            g_source_add_child_source (timeout, cancelled);
          }
        g_source_set_callback (timeout, retry_cb, task, NULL);
        g_source_attach (timeout, g_task_get_context (task));
        g_source_unref (timeout);
      }
      return;
    }

  /* A refused password is not sent again, by this call or the next: the
   * service may lock the account after a few (§3). */
  if (req->status == 401)
    set_credentials (self, NULL, NULL);
  if (!SOUP_STATUS_IS_SUCCESSFUL (req->status))
    {
      explained = req->explain != NULL ? req->explain (self, req->status) : NULL;
      request_fail (task, explained != NULL ? explained
                                            : status_error (self, req->status, req->answer));
      return;
    }
  if (req->answer == NULL)
    {
      request_fail (task, qd_api_error_new_bad_response (self->host));
      return;
    }
  object_answer = JSON_NODE_HOLDS_OBJECT (req->answer) ? json_node_get_object (req->answer)
                                                       : NULL;
  status_value = qd_json_get_string (object_answer, "status");
  if (status_value != NULL && g_ascii_strcasecmp (status_value, "SUCCESS") != 0)
    {
      request_fail (task, failure_error (req->answer));
      return;
    }
  g_task_return_pointer (task, json_node_ref (req->answer), (GDestroyNotify)json_node_unref);
  g_object_unref (task);
}

static void
send_request (GTask *task)
{
  QdCloudClient *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);
  g_autofree char *url = g_strconcat (self->base_url, "/", req->path, NULL);
  SoupMessageHeaders *headers;

  g_clear_object (&req->msg);
  req->msg = soup_message_new (req->method, url);
  if (req->msg == NULL)
    {
      request_fail (task, qd_api_error_new_bad_response (self->host));
      return;
    }
  headers = soup_message_get_request_headers (req->msg);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (req->body != NULL)
    soup_message_set_request_body_from_bytes (req->msg, "application/json", req->body);
  qd_http_trust_watch (req->msg, self->extra_ca);
  soup_session_send_and_read_async (self->session, req->msg, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), response_cb, task);
}

/**
 * call_async:
 * @path: below the base URL, with its query, escaped
 * @body: (nullable): JSON to send
 *
 * One call; the result is the answer's JSON, a SUCCESS (or no status).
 * Everything else fails with our sentence; the answer stays readable
 * with call_get_answer () for a batch's failed_ids.
 */
static void
call_async (QdCloudClient       *self,
            const char          *method,
            const char          *path,
            JsonNode            *body,
            ExplainFunc          explain,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  GTask *task = qd_task_new (self, call_async, cancellable, callback, user_data);
  Request *req = g_new0 (Request, 1);

  req->method = g_strdup (method);
  req->path = g_strdup (path);
  req->explain = explain;
  req->backoff = FIRST_BACKOFF;
  if (body != NULL)
    {
      gsize len;
      char *text = json_to_string (body, FALSE);

      len = strlen (text);
      req->body = g_bytes_new_take (text, len);
    }
  g_task_set_task_data (task, req, (GDestroyNotify)request_free);
  if (!self->has_credentials)
    {
      request_fail (task, not_signed_in_error ());
      return;
    }
  send_request (task);
}

static JsonNode *
call_finish (QdCloudClient  *self,
             GAsyncResult   *result,
             GError        **error)
{
  return qd_task_finish_pointer (result, self, call_async, error);
}

/* A finished call whose answer lists what was asked for in its array
 * @member: the answer, with that array in @items; else NULL and the
 * error, a bad answer when it has no such array. */
static JsonObject *
call_finish_list (QdCloudClient  *self,
                  GAsyncResult   *result,
                  const char     *member,
                  JsonArray     **items,
                  GError        **error)
{
  g_autoptr(JsonNode) answer = call_finish (self, result, error);
  JsonObject *object = answer != NULL && JSON_NODE_HOLDS_OBJECT (answer)
                       ? json_node_get_object (answer) : NULL;

  *items = qd_json_get_array (object, member);
  if (*items == NULL)
    {
      if (answer != NULL)
        g_propagate_error (error, qd_api_error_new_bad_response (self->host));
      return NULL;
    }
  return json_object_ref (object);
}

/* The answer of a finished call (a failed one too), and its HTTP status. */
static JsonObject *
call_get_answer (GAsyncResult *result,
                 guint        *status)
{
  Request *req = g_task_get_task_data (G_TASK (result));

  if (status != NULL)
    *status = req->status;
  return req->answer != NULL && JSON_NODE_HOLDS_OBJECT (req->answer)
         ? json_node_get_object (req->answer) : NULL;
}

/* listing */

typedef struct
{
  QdQuery      *query;
  guint         generation;
  guint64       start;      /* start_index of the next request */
  guint         limit;
  guint         page_size;
  QdCloudGroup  groups;     /* the types the query asks for */
  const char   *filter_type;
  gboolean      client_filter;
  char         *search;     /* case-folded, for the client's filter */
  QdItemPage   *page;
} ListData;

static void
list_data_free (ListData *data)
{
  qd_query_unref (data->query);
  g_free (data->search);
  g_clear_pointer (&data->page, qd_item_page_free);
  g_free (data);
}

static QdCloudGroup
query_groups (const QdQuery *query)
{
  guint reasons = qd_query_get_reasons (query);
  guint categories = qd_query_get_categories (query);
  QdCloudGroup groups = 0;

  for (QdCloudGroup g = QD_CLOUD_GROUP_SPAM; g <= QD_CLOUD_GROUP_POLICY; g <<= 1)
    if ((reasons == 0 || (reasons & (1u << qd_cloud_group_reason (g)))) &&
        (categories == 0 || (categories & (1u << qd_cloud_group_category (g)))))
      groups |= g;
  return groups;
}

static void
append_param (GString    *str,
              const char *name,
              const char *value)
{
  g_string_append_printf (str, "%s%s=", str->str[str->len - 1] == '?' ? "" : "&", name);
  g_string_append_uri_escaped (str, value, NULL, FALSE);
}

static void
append_time (GString    *str,
             const char *name,
             GDateTime  *time,
             gint64      shift)
{
  g_autofree char *ms = NULL;

  if (time == NULL)
    return;
  ms = g_strdup_printf ("%" G_GINT64_FORMAT, g_date_time_to_unix (time) * 1000 +
                        g_date_time_get_microsecond (time) / 1000 + shift);
  append_param (str, name, ms);
}

static char *
list_path (QdCloudClient *self,
           ListData      *data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) window_start = NULL;
  GString *str = g_string_new ("v1/mails?");
  g_autofree char *start = g_strdup_printf ("%" G_GUINT64_FORMAT, data->start);
  g_autofree char *size = g_strdup_printf ("%u", data->page_size);

  append_param (str, "sort_order", "desc");
  append_param (str, "include_deleted", "NO");
  append_param (str, "page_size", size);
  append_param (str, "start_index", start);
  /* Whether the bounds are inclusive is Unknown (§9.8): a millisecond
   * before since, and the client drops what falls outside. */
  /* Without a start, the service's retention decides how far back a list
   * goes, and that is Unknown (§5.1): the last window_days, unless
   * unbounded (0). */
  if (qd_query_get_since (data->query) == NULL && self->window_days > 0)
    window_start = g_date_time_add_days (now, -(gint)self->window_days);
  append_time (str, "after", qd_query_get_since (data->query) != NULL
                             ? qd_query_get_since (data->query) : window_start, -1);
  append_time (str, "before", qd_query_get_until (data->query), 0);
  if (data->filter_type != NULL)
    append_param (str, "filter_type", data->filter_type);
  /* No q for the search: besides its Unknown quoting and escaping
   * (§9.10), its fields match whole words (§5.1), so "gest" would not
   * find "digest"; the client filters each page as every backend does. */
  return g_string_free (str, FALSE);
}

/* Our filter, the same as the gateway's: the reasons and categories, since
 * inclusive and until exclusive, the text anywhere in From, the envelope
 * sender or the subject. */
static gboolean
client_keeps (ListData     *data,
              QdItem       *item,
              QdCloudGroup  group,
              gboolean      dated)
{
  GDateTime *since = qd_query_get_since (data->query);
  GDateTime *until = qd_query_get_until (data->query);
  GDateTime *received = qd_item_get_received_at (item);

  if (!(data->groups & group))
    return FALSE;
  if (dated && since != NULL && g_date_time_compare (received, since) < 0)
    return FALSE;
  if (dated && until != NULL && g_date_time_compare (received, until) >= 0)
    return FALSE;
  if (data->search != NULL &&
      !qd_item_source_contains_folded (qd_item_get_from (item), data->search) &&
      !qd_item_source_contains_folded (qd_item_get_envelope_sender (item), data->search) &&
      !qd_item_source_contains_folded (qd_item_get_subject (item), data->search))
    return FALSE;
  return TRUE;
}

static Listing *
listing_get (QdCloudClient *self,
             guint          generation)
{
  Listing *listing = g_hash_table_lookup (self->listings, GUINT_TO_POINTER (generation));

  /* Dropped meanwhile by newer listings: go on, only without knowing
   * what was given before. */
  if (listing == NULL)
    {
      listing = g_new0 (Listing, 1);
      listing->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (self->listings, GUINT_TO_POINTER (generation), listing);
      if (generation > LISTINGS_KEPT)
        g_hash_table_remove (self->listings, GUINT_TO_POINTER (generation - LISTINGS_KEPT));
    }
  return listing;
}

static void list_fetch (GTask *task);

static void
list_page_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  QdCloudClient *self = QD_CLOUD_CLIENT (object);
  ListData *data = g_task_get_task_data (task);
  Listing *listing = listing_get (self, data->generation);
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  JsonArray *mails;
  guint n_raw;
  gint64 total = -1;
  gboolean done;

  answer = call_finish_list (self, result, "mail_list", &mails, &error);
  if (answer == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  n_raw = json_array_get_length (mails);
  for (guint i = 0; i < n_raw; i++)
    {
      QdCloudItemInfo info;
      g_autoptr(QdItem) item = qd_cloud_item_new (json_array_get_element (mails, i), now, &info);
      Known *known;

      if (item == NULL)
        continue;
      /* What the item allows, for the calls that take only its id. */
      known = g_new0 (Known, 1);
      known->actions = qd_item_get_actions (item);
      known->preview = info.preview;
      known->sender = g_strdup (qd_item_get_from_address (item));
      g_hash_table_replace (self->known, g_strdup (qd_item_get_id (item)), known);
      if (g_hash_table_contains (listing->seen, qd_item_get_id (item)) ||
          !client_keeps (data, item, info.group, info.dated))
        continue;
      g_hash_table_add (listing->seen, g_strdup (qd_item_get_id (item)));
      g_ptr_array_add (data->page->items, g_steal_pointer (&item));
    }
  qd_cloud_get_number (answer, "total", &total);
  data->start += n_raw;
  /* An empty page is the last; so is a short one (the integration's rule,
   * §5.1) unless the total says more follow: the service may give fewer
   * than asked for. */
  done = n_raw == 0 || (total >= 0 ? data->start >= (guint64)total : n_raw < data->page_size);

  /* Filtered here, a page may hold few: fill it from the next ones. */
  if (!done && data->client_filter && data->page->items->len < data->limit &&
      !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      list_fetch (task);
      return;
    }
  if (!done)
    data->page->next_cursor = g_strdup_printf ("%u:%" G_GUINT64_FORMAT, data->generation,
                                               data->start);
  if (done)
    data->page->total = g_hash_table_size (listing->seen);
  else if (data->client_filter || total < 0)
    /* At most what was given and what is not looked at yet. */
    data->page->total = g_hash_table_size (listing->seen) +
                        MAX (total - (gint64)data->start, 1);
  else
    data->page->total = total;
  g_task_return_pointer (task, g_steal_pointer (&data->page), (GDestroyNotify)qd_item_page_free);
  g_object_unref (task);
}

static void
list_fetch (GTask *task)
{
  QdCloudClient *self = g_task_get_source_object (task);
  ListData *data = g_task_get_task_data (task);
  g_autofree char *path = list_path (self, data);

  call_async (self, "GET", path, NULL, NULL, g_task_get_cancellable (task), list_page_cb, task);
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
  QdCloudClient *self = QD_CLOUD_CLIENT (source);
  GTask *task = qd_task_new (self, list_async, cancellable, callback, user_data);
  ListData *data = g_new0 (ListData, 1);
  const char *search;

  data->query = query != NULL ? qd_query_copy (query) : qd_query_new (QD_FOLDER_QUARANTINE);
  data->page = g_new0 (QdItemPage, 1);
  data->page->items = g_ptr_array_new_with_free_func (g_object_unref);
  data->limit = limit > 0 ? limit : PAGE_SIZE;
  g_task_set_task_data (task, data, (GDestroyNotify)list_data_free);

  if (cursor == NULL)
    {
      data->generation = ++self->generation;
      listing_get (self, data->generation);
    }
  else
    {
      g_auto(GStrv) parts = g_strsplit (cursor, ":", 3);
      guint64 generation;

      if (g_strv_length (parts) != 2 ||
          !g_ascii_string_to_unsigned (parts[0], 10, 1, G_MAXUINT, &generation, NULL) ||
          !g_ascii_string_to_unsigned (parts[1], 10, 0, G_MAXINT64, &data->start, NULL))
        {
          g_task_return_new_error (task, QD_ERROR, QD_ERROR_INVALID_INPUT, "%s",
                                   _("The list could not be continued. Refresh it and try "
                                     "again."));
          g_object_unref (task);
          return;
        }
      data->generation = generation;
    }

  data->groups = query_groups (data->query);
  /* One type asked for: the service filters; several: the client does. */
  if (data->groups == QD_CLOUD_GROUP_SPAM)
    data->filter_type = "SPAM";
  else if (data->groups == QD_CLOUD_GROUP_NEWSLETTER)
    data->filter_type = "NEWSLETTER";
  else if (data->groups == QD_CLOUD_GROUP_POLICY)
    data->filter_type = "COMPLIANCE";
  search = qd_query_get_search (data->query);
  data->search = search != NULL ? g_utf8_casefold (search, -1) : NULL;
  data->client_filter = data->search != NULL ||
                        (data->groups != QD_CLOUD_GROUP_ALL && data->filter_type == NULL);
  /* Scanning for matches, a bigger page saves requests. */
  data->page_size = CLAMP (data->client_filter ? MAX (data->limit, PAGE_SIZE) : data->limit,
                           1, MAX_PAGE_SIZE);

  if (data->groups == 0 || !self->has_credentials)
    {
      /* Nothing can match (phishing, say): no need to ask. */
      if (self->has_credentials)
        g_task_return_pointer (task, g_steal_pointer (&data->page),
                               (GDestroyNotify)qd_item_page_free);
      else
        g_task_return_error (task, not_signed_in_error ());
      g_object_unref (task);
      return;
    }
  list_fetch (task);
}

static QdItemPage *
list_finish (QdItemSource  *source,
             GAsyncResult  *result,
             GError       **error)
{
  return qd_task_finish_pointer (result, source, list_async, error);
}

/* the preview, as a message (there is no raw one, §5.2) */

static GError *
preview_forbidden_error (void)
{
  return g_error_new_literal (QD_ERROR, QD_ERROR_NOT_FOUND,
                              _("Your organization’s policy does not allow a preview of this "
                                "message. Ask your administrator if you need to see it."));
}

static GError *
explain_preview (QdCloudClient *self,
                 guint          status)
{
  if (status == 403)
    return preview_forbidden_error ();
  if (status == 404)
    return g_error_new_literal (QD_ERROR, QD_ERROR_NOT_FOUND,
                                _("The message is no longer on the gateway: it may have been "
                                  "released, deleted or expired. Refresh the list."));
  return NULL;
}

static void
preview_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QdCloudClient *self = QD_CLOUD_CLIENT (object);
  g_autoptr(JsonNode) answer = NULL;
  GError *error = NULL;
  JsonObject *details;

  answer = call_finish (self, result, &error);
  if (answer == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  details = JSON_NODE_HOLDS_OBJECT (answer)
            ? qd_json_get_object (json_node_get_object (answer), "details") : NULL;
  if (details == NULL)
    {
      g_task_return_error (task, qd_api_error_new_bad_response (self->host));
      return;
    }
  g_task_return_pointer (task, qd_cloud_message_from_preview (details),
                         (GDestroyNotify)g_bytes_unref);
}

static void
get_raw_async (QdItemSource        *source,
               const char          *id,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  QdCloudClient *self = QD_CLOUD_CLIENT (source);
  g_autoptr(GTask) task = qd_task_new (self, get_raw_async, cancellable, callback, user_data);
  Known *known = g_hash_table_lookup (self->known, id);
  g_autoptr(GString) path = g_string_new ("v1/mails/preview?");

  /* The listing said no: no request that can only be refused. */
  if (known != NULL && !known->preview)
    {
      g_task_return_error (task, preview_forbidden_error ());
      return;
    }
  append_param (path, "q", id);
  call_async (self, "GET", path->str, NULL, explain_preview, cancellable, preview_cb,
              g_steal_pointer (&task));
}

static GBytes *
get_raw_finish (QdItemSource  *source,
                GAsyncResult  *result,
                GError       **error)
{
  return qd_task_finish_pointer (result, source, get_raw_async, error);
}

/* allow and block lists (§5.5, §5.6) */

typedef struct
{
  char      *id;
  char      *value;
  GDateTime *added_at;
} Entry;

static void
entry_free (Entry *entry)
{
  g_free (entry->id);
  g_free (entry->value);
  g_clear_pointer (&entry->added_at, g_date_time_unref);
  g_free (entry);
}

static const char *
sender_list_path (QdSenderList list)
{
  return list == QD_SENDER_LIST_APPROVED ? "v1/users/whitelist" : "v1/users/blacklist";
}

/* The service keeps a domain as "example.com"; we write "@example.com". */
static const char *
service_value (const char *address)
{
  return address[0] == '@' ? address + 1 : address;
}

typedef struct
{
  QdSenderList  list;
  guint64       start;
  GPtrArray    *entries;    /* Entry */
  /* changing */
  char         *address;
  gboolean      add;
  GPtrArray    *doomed;     /* ids of entries to delete */
} SendersData;

static void
senders_data_free (SendersData *data)
{
  g_ptr_array_unref (data->entries);
  g_free (data->address);
  g_clear_pointer (&data->doomed, g_ptr_array_unref);
  g_free (data);
}

static void entries_fetch (GTask *task);
static void entries_done (GTask *task);

static void
entries_page_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  QdCloudClient *self = QD_CLOUD_CLIENT (object);
  SendersData *data = g_task_get_task_data (task);
  g_autoptr(JsonObject) answer = NULL;
  JsonArray *items;
  GError *error = NULL;
  gint64 total = -1;
  guint n;

  answer = call_finish_list (self, result, "items", &items, &error);
  if (answer == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  n = json_array_get_length (items);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      JsonObject *item = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *value = qd_json_get_string (item, "value");
      Entry *entry;

      if (value == NULL || value[0] == '\0')
        continue;
      entry = g_new0 (Entry, 1);
      entry->id = qd_cloud_dup_id (item, "id");
      entry->value = g_strdup (value);
      entry->added_at = qd_cloud_date (item, "date_created");
      g_ptr_array_add (data->entries, entry);
    }
  qd_cloud_get_number (answer, "total", &total);
  data->start += n;
  if (n == 0 || (total >= 0 ? data->start >= (guint64)total : n < SENDERS_PAGE_SIZE))
    {
      entries_done (task);
      return;
    }
  entries_fetch (task);
}

static void
entries_fetch (GTask *task)
{
  QdCloudClient *self = g_task_get_source_object (task);
  SendersData *data = g_task_get_task_data (task);
  g_autofree char *path = g_strdup_printf ("%s?sort_order=desc&start_index=%" G_GUINT64_FORMAT
                                           "&page_size=%u", sender_list_path (data->list),
                                           data->start, SENDERS_PAGE_SIZE);

  call_async (self, "GET", path, NULL, NULL, g_task_get_cancellable (task), entries_page_cb,
              task);
}

/* Every entry of @list, into the task data's entries; the task returns TRUE. */
static void
entries_async (QdCloudClient       *self,
               QdSenderList         list,
               const char          *address,
               gboolean             add,
               gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task = qd_task_new (self, source_tag, cancellable, callback, user_data);
  SendersData *data = g_new0 (SendersData, 1);

  data->list = list;
  data->entries = g_ptr_array_new_with_free_func ((GDestroyNotify)entry_free);
  data->address = g_strdup (address);
  data->add = add;
  g_task_set_task_data (task, data, (GDestroyNotify)senders_data_free);
  entries_fetch (task);
}

static void
list_senders_async (QdGateway           *gateway,
                    QdSenderList         list,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  entries_async (QD_CLOUD_CLIENT (gateway), list, NULL, FALSE, list_senders_async, cancellable,
                 callback, user_data);
}

/* Returns: (transfer container) (element-type QdSender) */
static GPtrArray *
list_senders_finish (QdGateway     *gateway,
                     GAsyncResult  *result,
                     GError       **error)
{
  SendersData *data;
  GPtrArray *senders;

  if (!qd_task_finish_boolean (result, gateway, list_senders_async, error))
    return NULL;
  data = g_task_get_task_data (G_TASK (result));
  senders = g_ptr_array_new_with_free_func ((GDestroyNotify)qd_sender_free);
  for (guint i = 0; i < data->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (data->entries, i);
      QdSender *sender = g_new0 (QdSender, 1);

      sender->address = strchr (entry->value, '@') != NULL
                        ? g_strdup (entry->value) : g_strconcat ("@", entry->value, NULL);
      sender->added_at = entry->added_at != NULL ? g_date_time_ref (entry->added_at) : NULL;
      g_ptr_array_add (senders, sender);
    }
  return senders;
}

static GError *
explain_sender (QdCloudClient *self,
                guint          status)
{
  if (status == 404)
    return g_error_new_literal (QD_ERROR, QD_ERROR_NOT_FOUND,
                                _("That address is not on the list."));
  if (status == 400 || status == 409)
    return g_error_new_literal (QD_ERROR, QD_ERROR_INVALID_INPUT,
                                _("The gateway did not accept the entry. Enter a mail address "
                                  "such as news@example.com, or @example.com for a whole "
                                  "domain; if the list is full, remove an entry first."));
  return NULL;
}

/* MERGE @address into @list, for the signed-in user (§5.6). */
static void
merge_async (QdCloudClient       *self,
             QdSenderList         list,
             const char          *address,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;

  json_builder_begin_object (builder);
  qd_json_builder_add_string (builder, "action", "MERGE");
  qd_json_builder_add_string (builder, "suduls_user", self->username);
  qd_json_builder_add_string (builder, "email_or_domain", service_value (address));
  qd_json_builder_add_string (builder, "description", SENDER_DESCRIPTION);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  call_async (self, "POST", sender_list_path (list), body, explain_sender, cancellable,
              callback, user_data);
}

static void delete_next_entry (GTask *task);

static void
entry_deleted_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(JsonNode) answer = NULL;
  GError *error = NULL;

  answer = call_finish (QD_CLOUD_CLIENT (object), result, &error);
  if (answer == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  delete_next_entry (task);
}

static void
delete_next_entry (GTask *task)
{
  QdCloudClient *self = g_task_get_source_object (task);
  SendersData *data = g_task_get_task_data (task);
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *id = NULL;

  if (data->doomed->len == 0)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  id = g_ptr_array_steal_index (data->doomed, 0);
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  qd_json_builder_add_string (builder, "action", "DELETE");
  qd_json_builder_add_string (builder, "suduls_itemId", id);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  call_async (self, "POST", sender_list_path (data->list), body, explain_sender,
              g_task_get_cancellable (task), entry_deleted_cb, task);
}

/* Listed: done, or (removing) every entry of the address is deleted by
 * its id, since the service may keep duplicates. */
static void
entries_done (GTask *task)
{
  SendersData *data = g_task_get_task_data (task);

  if (data->address == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  data->doomed = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < data->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (data->entries, i);

      if (entry->id != NULL &&
          g_ascii_strcasecmp (service_value (entry->value), service_value (data->address)) == 0)
        g_ptr_array_add (data->doomed, g_strdup (entry->id));
    }
  if (data->doomed->len == 0)
    {
      g_task_return_error (task, g_error_new_literal (QD_ERROR, QD_ERROR_NOT_FOUND,
                                                      _("That address is not on the list.")));
      g_object_unref (task);
      return;
    }
  delete_next_entry (task);
}

static void
merged_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) answer = NULL;
  GError *error = NULL;

  answer = call_finish (QD_CLOUD_CLIENT (object), result, &error);
  if (answer == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
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
  QdCloudClient *self = QD_CLOUD_CLIENT (gateway);

  g_return_if_fail (address != NULL);

  if (add)
    {
      GTask *task = qd_task_new (self, change_sender_async, cancellable, callback, user_data);

      merge_async (self, list, address, cancellable, merged_cb, task);
      return;
    }
  /* DELETE takes the entry's id, found by listing (§5.6). */
  entries_async (self, list, address, FALSE, change_sender_async, cancellable, callback,
                 user_data);
}

static gboolean
change_sender_finish (QdGateway     *gateway,
                      GAsyncResult  *result,
                      GError       **error)
{
  return qd_task_finish_boolean (result, gateway, change_sender_async, error);
}

/* release and delete, in batches (§5.3, §5.4); approve and block add the
 * sender to a list first (§8: two calls, no combined one is known) */

typedef enum
{
  SLOT_SEND,
  SLOT_QUEUED,           /* to be sent alone, after a refused batch */
  SLOT_CHECK,            /* released or not: the list will say */
  SLOT_OK,
  SLOT_FAILED,
  SLOT_UNCONFIRMED,
  SLOT_NOT_ATTEMPTED,
} SlotState;

typedef struct
{
  const char *id;        /* in ActData's run */
  const char *sender;    /* in self->known; NULL when not known */
  SlotState   state;
  char       *code;
  char       *message;
} Slot;

typedef struct
{
  QdActions       action;      /* RELEASE or DELETE */
  QdSenderList    list;        /* for approve and block */
  gboolean        to_list;     /* add the senders to @list first */
  QdBatchRun     *run;         /* whose next is the first id of the batch in flight */
  GArray         *slots;       /* Slot, the batch in flight */
  GPtrArray      *senders;     /* its senders to add to the list */
  GHashTable     *listed;      /* senders added by this action already */
  guint           sender_i;
  gboolean        resent;
  gboolean        one_by_one;
  guint64         check_start;
  GError         *stop;        /* what stops the ids after this batch */
} ActData;

static void
slot_clear (Slot *slot)
{
  g_free (slot->code);
  g_free (slot->message);
}

static void
act_data_free (ActData *data)
{
  qd_batch_run_free (data->run);
  g_array_unref (data->slots);
  g_clear_pointer (&data->senders, g_ptr_array_unref);
  g_hash_table_unref (data->listed);
  g_clear_error (&data->stop);
  g_free (data);
}

static void
slot_set (Slot       *slot,
          SlotState   state,
          const char *code,
          const char *message)
{
  slot->state = state;
  g_free (slot->code);
  slot->code = g_strdup (code);
  g_free (slot->message);
  slot->message = g_strdup (message);
}

static void act_next_batch (GTask *task);
static void act_send (GTask *task);

/* The batch's outcomes, in the order of its ids. */
static void
act_flush (GTask *task)
{
  ActData *data = g_task_get_task_data (task);
  QdBatchResult *result = data->run->result;
  const char *done = data->action == QD_ACTION_RELEASE ? "released" : "deleted";

  for (guint i = 0; i < data->slots->len; i++)
    {
      Slot *slot = &g_array_index (data->slots, Slot, i);

      switch (slot->state)
        {
        case SLOT_OK:
          qd_batch_result_add (result, slot->id, TRUE, done, NULL, NULL);
          break;
        case SLOT_FAILED:
          qd_batch_result_add (result, slot->id, FALSE, NULL, slot->code, slot->message);
          break;
        case SLOT_SEND:
        case SLOT_QUEUED:
        case SLOT_CHECK:
        case SLOT_UNCONFIRMED:
        case SLOT_NOT_ATTEMPTED:
        default:
          qd_batch_result_add_not_attempted (result, &slot->id, 1, slot->message);
          break;
        }
    }
  qd_batch_run_advance (data->run, data->slots->len);
  g_array_set_size (data->slots, 0);
  if (data->stop == NULL)
    act_next_batch (task);
  else
    qd_batch_run_stop (data->run, task, g_steal_pointer (&data->stop));
}

static guint
mark_sending (ActData    *data,
              SlotState   state,
              const char *code,
              const char *message)
{
  guint n = 0;

  for (guint i = 0; i < data->slots->len; i++)
    {
      Slot *slot = &g_array_index (data->slots, Slot, i);

      if (slot->state == SLOT_SEND)
        {
          slot_set (slot, state, code, message);
          n++;
        }
    }
  return n;
}

/* The slots still to check become @state (keeping their message). */
static void
mark_checking (ActData   *data,
               SlotState  state)
{
  for (guint i = 0; i < data->slots->len; i++)
    if (g_array_index (data->slots, Slot, i).state == SLOT_CHECK)
      g_array_index (data->slots, Slot, i).state = state;
}

static void act_check (GTask *task);

/* Released ones are done; the others were not released and go again,
 * once, which cannot deliver twice; what the list no longer has stays
 * not confirmed. */
static void
act_checked_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  ActData *data = g_task_get_task_data (task);
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *mails;
  guint n;

  answer = call_finish_list (QD_CLOUD_CLIENT (object), result, "mail_list", &mails, &error);
  if (answer == NULL)
    {
      mark_checking (data, SLOT_UNCONFIRMED);
      act_send (task);
      return;
    }
  n = json_array_get_length (mails);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (mails, i);
      JsonObject *mail = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      g_autofree char *id = qd_cloud_dup_id (mail, "id");

      for (guint j = 0; id != NULL && j < data->slots->len; j++)
        {
          Slot *slot = &g_array_index (data->slots, Slot, j);

          if (slot->state == SLOT_CHECK && g_str_equal (slot->id, id))
            slot_set (slot, qd_cloud_get_flag (qd_json_get_object (mail, "metadata"),
                                               "email_is_released", FALSE)
                            ? SLOT_OK : SLOT_SEND, NULL, NULL);
        }
    }
  data->check_start += n;
  if (n == MAX_PAGE_SIZE)
    {
      act_check (task);
      return;
    }
  mark_checking (data, SLOT_UNCONFIRMED);
  data->resent = TRUE;
  act_send (task);
}

static void
act_check (GTask *task)
{
  QdCloudClient *self = g_task_get_source_object (task);
  ActData *data = g_task_get_task_data (task);
  g_autofree char *path = g_strdup_printf ("v1/mails?sort_order=desc&include_deleted=NO"
                                           "&page_size=%u&start_index=%" G_GUINT64_FORMAT,
                                           MAX_PAGE_SIZE, data->check_start);

  call_async (self, "GET", path, NULL, NULL, NULL, act_checked_cb, task);
}

static guint
count_sending (ActData *data)
{
  guint n = 0;

  for (guint i = 0; i < data->slots->len; i++)
    n += g_array_index (data->slots, Slot, i).state == SLOT_SEND;
  return n;
}

static void
act_sent_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  QdCloudClient *self = QD_CLOUD_CLIENT (object);
  ActData *data = g_task_get_task_data (task);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *said;
  JsonArray *failed_ids;
  guint status;
  gboolean refused, failure, left = FALSE;

  answer = call_finish (self, result, &error);
  if (answer != NULL)
    {
      mark_sending (data, SLOT_OK, NULL, NULL);
      act_send (task);
      return;
    }
  said = call_get_answer (result, &status);
  /* A 4xx refused the batch (nothing done); a 200 with a failure status
   * may have done part of it (§9.11). */
  refused = status >= 400 && status < 500 && status != 401 && status != 429;
  failure = SOUP_STATUS_IS_SUCCESSFUL (status);
  failed_ids = qd_json_get_array (said, "failed_ids");
  if ((refused || failure) && failed_ids != NULL && json_array_get_length (failed_ids) > 0)
    {
      for (guint i = 0; i < data->slots->len; i++)
        {
          Slot *slot = &g_array_index (data->slots, Slot, i);

          if (slot->state != SLOT_SEND)
            continue;
          for (guint j = 0; j < json_array_get_length (failed_ids); j++)
            {
              JsonNode *node = json_array_get_element (failed_ids, j);

              if (JSON_NODE_HOLDS_VALUE (node) &&
                  json_node_get_value_type (node) == G_TYPE_STRING &&
                  g_strcmp0 (json_node_get_string (node), slot->id) == 0)
                slot_set (slot, SLOT_FAILED, "not_found", NULL);
            }
          left |= slot->state == SLOT_SEND;
        }
      /* The rest again, once, where that cannot do anything twice: after
       * a refusal nothing was done, and deleting is harmless to repeat;
       * releasing again would deliver again. */
      if (left && !data->resent && (refused || data->action == QD_ACTION_DELETE))
        {
          data->resent = TRUE;
          act_send (task);
          return;
        }
    }
  if (failure && data->action == QD_ACTION_RELEASE && failed_ids != NULL)
    {
      g_autofree char *why = qd_batch_run_unconfirmed (error);

      /* Done in part or not at all: the list says which (§7: re-list). */
      mark_sending (data, SLOT_CHECK, NULL, why);
      if (!data->resent)
        {
          data->check_start = 0;
          act_check (task);
          return;
        }
      mark_checking (data, SLOT_UNCONFIRMED);
    }
  else if (refused && !data->one_by_one && count_sending (data) > 1)
    {
      mark_sending (data, SLOT_QUEUED, NULL, NULL);
      /* Refused without saying which id (an HTML or empty body): nothing
       * was done, so each goes alone to find out. */
      data->one_by_one = TRUE;
      act_send (task);
      return;
    }
  else if (failure || refused)
    mark_sending (data, SLOT_FAILED,
                  status == 403 ? "not_allowed" : status == 404 ? "not_found" : "refused",
                  status == 403 || status == 404 ? NULL : error->message);
  else if (status == 401 || status == 429 || status == 503 ||
           g_error_matches (error, QD_ERROR, QD_ERROR_TLS) ||
           g_error_matches (error, QD_ERROR, QD_ERROR_NOT_SIGNED_IN))
    {
      /* Refused before anything was done: this batch and the rest wait. */
      mark_sending (data, SLOT_NOT_ATTEMPTED, NULL, error->message);
      data->stop = g_steal_pointer (&error);
    }
  else
    {
      g_autofree char *why = qd_batch_run_unconfirmed (error);

      /* The batch in flight may or may not have been carried out. */
      mark_sending (data, SLOT_UNCONFIRMED, NULL, why);
      data->stop = g_error_new_literal (QD_ERROR, error->code,
                                        _("Not attempted, because the gateway stopped "
                                          "answering."));
    }
  act_send (task);
}

static void
act_send (GTask *task)
{
  QdCloudClient *self = g_task_get_source_object (task);
  ActData *data = g_task_get_task_data (task);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  guint n = 0;

  /* Stopped: the ids waiting to go alone wait for good. */
  if (data->stop != NULL)
    {
      for (guint i = 0; i < data->slots->len; i++)
        if (g_array_index (data->slots, Slot, i).state == SLOT_QUEUED)
          slot_set (&g_array_index (data->slots, Slot, i), SLOT_NOT_ATTEMPTED, NULL,
                    data->stop->message);
      act_flush (task);
      return;
    }
  /* Sent alone: the next queued id, if any is left. */
  for (guint i = 0; data->one_by_one && i < data->slots->len; i++)
    {
      Slot *slot = &g_array_index (data->slots, Slot, i);

      if (slot->state == SLOT_SEND)
        break;
      if (slot->state == SLOT_QUEUED)
        {
          slot->state = SLOT_SEND;
          data->resent = FALSE;
          break;
        }
    }
  if (data->action == QD_ACTION_RELEASE)
    {
      /* Only mail_list: whether end users may give options is Unknown. */
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "mail_list");
    }
  json_builder_begin_array (builder);
  for (guint i = 0; i < data->slots->len; i++)
    {
      Slot *slot = &g_array_index (data->slots, Slot, i);

      if (slot->state == SLOT_SEND)
        {
          json_builder_add_string_value (builder, slot->id);
          n++;
        }
    }
  json_builder_end_array (builder);
  if (data->action == QD_ACTION_RELEASE)
    json_builder_end_object (builder);
  if (n == 0)
    {
      act_flush (task);
      return;
    }
  body = json_builder_get_root (builder);
  /* Not cancellable: a batch once sent is waited for, so that its ids
   * are known done or failed. */
  call_async (self, "POST",
              data->action == QD_ACTION_RELEASE ? "v1/mails/release" : "v1/mails/delete",
              body, NULL, NULL, act_sent_cb, task);
}

static void act_merge_next (GTask *task);

static void
act_merged_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  ActData *data = g_task_get_task_data (task);
  const char *sender = g_ptr_array_index (data->senders, data->sender_i);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;

  answer = call_finish (QD_CLOUD_CLIENT (object), result, &error);
  if (answer != NULL)
    g_hash_table_add (data->listed, g_strdup (sender));
  /* Approving or blocking is one act with the release or delete: the
   * sender's messages are left as they are when the list refused. */
  for (guint i = 0; answer == NULL && i < data->slots->len; i++)
    {
      Slot *slot = &g_array_index (data->slots, Slot, i);

      if (slot->state == SLOT_SEND && g_strcmp0 (slot->sender, sender) == 0)
        slot_set (slot, SLOT_FAILED, "sender_list", error->message);
    }
  data->sender_i++;
  act_merge_next (task);
}

static void
act_merge_next (GTask *task)
{
  QdCloudClient *self = g_task_get_source_object (task);
  ActData *data = g_task_get_task_data (task);

  if (data->senders == NULL || data->sender_i >= data->senders->len)
    {
      act_send (task);
      return;
    }
  merge_async (self, data->list, g_ptr_array_index (data->senders, data->sender_i), NULL,
               act_merged_cb, task);
}

static void
act_next_batch (GTask *task)
{
  QdCloudClient *self = g_task_get_source_object (task);
  ActData *data = g_task_get_task_data (task);
  QdBatchRun *run = data->run;
  QdActions needed = data->action == QD_ACTION_RELEASE ? QD_ACTION_RELEASE : QD_ACTION_DELETE;
  guint end;

  if (qd_batch_run_return_if_over (run, task, NULL))
    return;

  end = MIN (run->n_ids, run->next + BATCH_SIZE);
  data->resent = FALSE;
  data->one_by_one = FALSE;
  g_clear_pointer (&data->senders, g_ptr_array_unref);
  if (data->to_list)
    data->senders = g_ptr_array_new ();
  for (guint i = run->next; i < end; i++)
    {
      Known *known = g_hash_table_lookup (self->known, run->ids[i]);
      Slot slot = { run->ids[i], known != NULL ? known->sender : NULL, SLOT_SEND, NULL, NULL };

      /* What the listing said is not allowed is not sent: one such id
       * would have the service refuse the whole batch. */
      if (known != NULL && !(known->actions & needed))
        slot_set (&slot, SLOT_FAILED, "not_allowed", NULL);
      else if (data->to_list && slot.sender == NULL)
        slot_set (&slot, SLOT_FAILED, "sender_unknown",
                  _("The sender of this message is not known yet. Refresh the list and try "
                    "again."));
      else if (data->to_list && !g_hash_table_contains (data->listed, slot.sender) &&
               !g_ptr_array_find_with_equal_func (data->senders, slot.sender, g_str_equal, NULL))
        g_ptr_array_add (data->senders, (gpointer)slot.sender);
      g_array_append_val (data->slots, slot);
    }
  data->sender_i = 0;
  act_merge_next (task);
}

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
  QdCloudClient *self = QD_CLOUD_CLIENT (source);
  GTask *task = qd_task_new (self, act_async, cancellable, callback, user_data);
  ActData *data = g_new0 (ActData, 1);

  /* A cancelled batch action still reports what was done. */
  g_task_set_check_cancellable (task, FALSE);
  /* Duplicates are sent, and reported, once. */
  data->run = qd_batch_run_new (ids, progress, progress_data);
  data->slots = g_array_new (FALSE, TRUE, sizeof (Slot));
  g_array_set_clear_func (data->slots, (GDestroyNotify)slot_clear);
  data->listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_task_set_task_data (task, data, (GDestroyNotify)act_data_free);

  switch (action)
    {
    case QD_ACTION_APPROVE_SENDER:
      approve_sender = TRUE;
      G_GNUC_FALLTHROUGH;
    case QD_ACTION_RELEASE:
      data->action = QD_ACTION_RELEASE;
      data->list = QD_SENDER_LIST_APPROVED;
      data->to_list = approve_sender;
      break;
    case QD_ACTION_BLOCK_SENDER:
      data->to_list = TRUE;
      G_GNUC_FALLTHROUGH;
    case QD_ACTION_DELETE:
      data->action = QD_ACTION_DELETE;
      data->list = QD_SENDER_LIST_BLOCKED;
      break;
    default:
      g_task_return_new_error (task, QD_ERROR, QD_ERROR_INVALID_INPUT, "%s",
                               _("The quarantine service can only release or delete messages "
                                 "and approve or block their senders."));
      g_object_unref (task);
      return;
    }
  if (!self->has_credentials)
    {
      g_task_return_error (task, not_signed_in_error ());
      g_object_unref (task);
      return;
    }
  act_next_batch (task);
}

static QdBatchResult *
act_finish (QdItemSource  *source,
            GAsyncResult  *result,
            GError       **error)
{
  return qd_task_finish_pointer (result, source, act_async, error);
}

/* Release and delete, each per item as the listing says; approve and
 * block with them. */
static QdActions
get_actions (QdItemSource *source)
{
  return QD_ACTION_RELEASE | QD_ACTION_DELETE | QD_ACTION_APPROVE_SENDER |
         QD_ACTION_BLOCK_SENDER;
}

/* Filters by reason and category (the service by type, or the client);
 * newest first only: other sort columns are not documented (§5.1). */
static QdSourceFeatures
get_features (QdItemSource *source)
{
  return QD_SOURCE_FEATURE_FILTER_REASON | QD_SOURCE_FEATURE_FILTER_CATEGORY;
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

/* signing in: one list call proves the credentials (§2, §3) */

static void
sign_in_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QdCloudClient *self = QD_CLOUD_CLIENT (object);
  g_autoptr(JsonObject) answer = NULL;
  GError *error = NULL;
  JsonArray *mails;
  QdAccount *account;

  answer = call_finish_list (self, result, "mail_list", &mails, &error);
  if (answer == NULL)
    {
      /* Wrong credentials are not kept to be sent again. */
      set_credentials (self, NULL, NULL);
      g_task_return_error (task, error);
      return;
    }
  account = g_new0 (QdAccount, 1);
  account->username = g_strdup (self->username);
  /* The portal's user name is the person's address (spec §3, Inferred). */
  account->address = g_strdup (self->username);
  g_task_return_pointer (task, account, (GDestroyNotify)qd_account_free);
}

static void
sign_in_async (QdGateway           *gateway,
               const char          *username,
               const char          *password,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  QdCloudClient *self = QD_CLOUD_CLIENT (gateway);
  GTask *task = qd_task_new (self, sign_in_async, cancellable, callback, user_data);

  set_credentials (self, username, password);
  call_async (self, "GET", "v1/mails?sort_order=desc&include_deleted=NO&page_size=1&start_index=0",
              NULL, NULL, cancellable, sign_in_cb, task);
}

static QdAccount *
sign_in_finish (QdGateway     *gateway,
                GAsyncResult  *result,
                GError       **error)
{
  return qd_task_finish_pointer (result, gateway, sign_in_async, error);
}

/* No session on the service: forgetting the credentials is signing out. */
static void
sign_out_async (QdGateway           *gateway,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = qd_task_new (gateway, sign_out_async, cancellable, callback, user_data);

  set_credentials (QD_CLOUD_CLIENT (gateway), NULL, NULL);
  g_task_return_boolean (task, TRUE);
}

static gboolean
sign_out_finish (QdGateway     *gateway,
                 GAsyncResult  *result,
                 GError       **error)
{
  return qd_task_finish_boolean (result, gateway, sign_out_async, error);
}

static QdGatewayKind
get_kind (QdGateway *gateway)
{
  return QD_GATEWAY_KIND_CLOUD;
}

/* Lists of senders; no Junk, no classifier, no raw message (only a
 * preview), no session to end. */
static QdGatewayCapabilities
get_capabilities (QdGateway *gateway)
{
  return QD_GATEWAY_CAN_SENDER_LISTS;
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
  iface->get_base_url = (gpointer)qd_cloud_client_get_base_url;
  iface->get_source = get_source;
  iface->sign_in_async = sign_in_async;
  iface->sign_in_finish = sign_in_finish;
  iface->sign_out_async = sign_out_async;
  iface->sign_out_finish = sign_out_finish;
  iface->list_senders_async = list_senders_async;
  iface->list_senders_finish = list_senders_finish;
  iface->change_sender_async = change_sender_async;
  iface->change_sender_finish = change_sender_finish;
}
