/* qd-gw-ingest-server.c — the mail system's HTTP listener: rspamd's held copies and sender maps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "qd-gw-error.h"
#include "qd-gw-http.h"
#include "qd-gw-ingest-server.h"
#include "qd-gw-ingest.h"

#define INGEST_PATH "/rspamd/ingest"
#define APPROVED_MAP_PATH "/rspamd/maps/approved"
#define BLOCKED_MAP_PATH "/rspamd/maps/blocked"
#define REALM "Basic realm=\"qd-gateway ingest\""

struct _QdGwIngestServer
{
  GObject      parent_instance;
  QdGwGateway *gateway;
  SoupServer  *server;
  gint64       max_bytes;
  char        *expected_digest;  /* SHA-256 of the whole expected Authorization value */
};

G_DEFINE_FINAL_TYPE (QdGwIngestServer, qd_gw_ingest_server, G_TYPE_OBJECT)

/**
 * qd_gw_ingest_read_secret:
 * @path: a file whose first line is the secret
 *
 * Refuses a file that is missing, empty, or readable or writable by
 * anyone but its owner: the secret admits mail into every quarantine.
 *
 * Returns: (transfer full): the secret, or %NULL with @error set
 */
char *
qd_gw_ingest_read_secret (const char  *path,
                          GError     **error)
{
  GStatBuf st;
  g_autofree char *contents = NULL;
  gsize len;

  if (g_stat (path, &st) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "cannot read the ingest secret file %s: %s", path, g_strerror (errsv));
      return NULL;
    }
  if ((st.st_mode & 077) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "the ingest secret file %s is open to group or others (mode %03o): "
                   "chmod 600 it", path, (unsigned)(st.st_mode & 0777));
      return NULL;
    }
  if (!g_file_get_contents (path, &contents, &len, error))
    return NULL;
  contents[strcspn (contents, "\n")] = '\0';
  len = strlen (contents);
  if (len > 0 && contents[len - 1] == '\r')
    contents[--len] = '\0';
  if (len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "the ingest secret file %s holds no secret on its first line", path);
      return NULL;
    }
  return g_steal_pointer (&contents);
}

/* answers */

static void
respond_code (SoupServerMessage *msg,
              QdGwErrorCode      code,
              const char        *message)
{
  qd_gw_http_respond_error (msg, qd_gw_error_http_status (code), qd_gw_error_code_string (code),
                            NULL, 0, message);
}

/* authentication */

static char *
authorization_digest (const char *value)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, value, -1);
}

/* Digests of equal length compared in constant time: neither the
 * secret's length nor how much of it matched shows in the timing. */
static gboolean
authorized (QdGwIngestServer  *self,
            SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *value = soup_message_headers_get_one (headers, "Authorization");
  g_autofree char *digest = NULL;
  guint8 diff = 0;

  if (value == NULL)
    return FALSE;
  digest = authorization_digest (value);
  for (gsize i = 0; self->expected_digest[i] != '\0'; i++)
    diff |= digest[i] ^ self->expected_digest[i];
  return diff == 0;
}

/* routing */

typedef enum
{
  ROUTE_NONE,
  ROUTE_INGEST,
  ROUTE_APPROVED_MAP,
  ROUTE_BLOCKED_MAP,
} Route;

static Route
route_of (const char *path)
{
  if (g_str_equal (path, INGEST_PATH))
    return ROUTE_INGEST;
  if (g_str_equal (path, APPROVED_MAP_PATH))
    return ROUTE_APPROVED_MAP;
  if (g_str_equal (path, BLOCKED_MAP_PATH))
    return ROUTE_BLOCKED_MAP;
  return ROUTE_NONE;
}

static gboolean
method_allowed (SoupServerMessage *msg,
                Route              route)
{
  const char *method = soup_server_message_get_method (msg);
  const char *allow = route == ROUTE_INGEST ? "POST" : "GET, HEAD";

  if (route == ROUTE_INGEST ? g_str_equal (method, "POST")
                            : g_str_equal (method, "GET") || g_str_equal (method, "HEAD"))
    return TRUE;
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", allow);
  respond_code (msg, QD_GW_ERROR_METHOD_NOT_ALLOWED, "Method not allowed here.");
  return FALSE;
}

/* Everything that can be decided from the headers is, before a body of
 * up to max_bytes is read: the path, the method, the secret, the size. */
static void
early_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  QdGwIngestServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  Route route = route_of (path);

  if (route == ROUTE_NONE)
    {
      respond_code (msg, QD_GW_ERROR_NOT_FOUND, "No such path on the ingest listener.");
      qd_gw_http_close_after (msg);
      return;
    }
  if (!method_allowed (msg, route))
    {
      qd_gw_http_close_after (msg);
      return;
    }
  if (!authorized (self, msg))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "WWW-Authenticate", REALM);
      respond_code (msg, QD_GW_ERROR_UNAUTHORIZED,
                    "Authenticate as rspamd with the ingest secret (HTTP Basic).");
      qd_gw_http_close_after (msg);
      return;
    }
  if (route != ROUTE_INGEST)
    return;
  if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH)
    {
      qd_gw_http_respond_error (msg, SOUP_STATUS_LENGTH_REQUIRED, "length_required", NULL, 0,
                                "Send a Content-Length: the size is checked before the body "
                                "is read.");
      qd_gw_http_close_after (msg);
    }
  else
    qd_gw_http_refuse_larger (msg, self->max_bytes, "message");
}

/* POST /rspamd/ingest */

static void
handle_ingest (QdGwIngestServer  *self,
               SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(QdGwIngestRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  QdGwIngestCounts counts;

  request = qd_gw_ingest_request_parse (headers, &error);
  if (request == NULL)
    {
      respond_code (msg, QD_GW_ERROR_BAD_REQUEST, error->message);
      return;
    }
  if (g_bytes_get_size (body) == 0)
    {
      respond_code (msg, QD_GW_ERROR_BAD_REQUEST, "The body is empty: send the message.");
      return;
    }
  if (!qd_gw_gateway_ingest_from_rspamd (self->gateway, request, body, &counts, &error))
    {
      /* rspamd then defers the message: Postfix answers 451, the sender retries. */
      g_warning ("cannot hold message %s: %s", request->queue_id, error->message);
      qd_gw_http_respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "store_unavailable", NULL,
                                0, "The message could not be stored; try again later.");
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "held");
  json_builder_add_int_value (builder, counts.held);
  json_builder_set_member_name (builder, "released");
  json_builder_add_int_value (builder, counts.released);
  json_builder_set_member_name (builder, "dropped");
  json_builder_add_int_value (builder, counts.dropped);
  json_builder_set_member_name (builder, "duplicates");
  json_builder_add_int_value (builder, counts.duplicates);
  json_builder_set_member_name (builder, "ignored");
  json_builder_add_int_value (builder, counts.ignored);
  json_builder_end_object (builder);
  qd_gw_http_respond_builder (msg, SOUP_STATUS_OK, builder);
}

/* GET, HEAD /rspamd/maps/{approved,blocked} */

static void
handle_map (QdGwIngestServer  *self,
            SoupServerMessage *msg,
            QdGwSenderList     list)
{
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  const char *since_text = soup_message_headers_get_one (request_headers, "If-Modified-Since");
  gint64 changed_at = qd_gw_gateway_get_senders_changed_at (self->gateway);
  g_autoptr(GDateTime) changed = g_date_time_new_from_unix_utc (changed_at);
  g_autoptr(GDateTime) since = NULL;
  g_autofree char *last_modified = soup_date_time_to_string (changed, SOUP_DATE_HTTP);
  g_autoptr(GBytes) map = NULL;

  soup_message_headers_replace (headers, "Last-Modified", last_modified);
  soup_message_headers_replace (headers, "Cache-Control", "no-cache");
  if (since_text != NULL)
    since = soup_date_time_new_from_http_string (since_text);
  /* Strictly earlier: two changes within one second, the second after
   * rspamd's last fetch, still answer with the map. */
  if (since != NULL && changed_at < g_date_time_to_unix (since))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_MODIFIED, NULL);
      return;
    }
  map = qd_gw_gateway_sender_map (self->gateway, list);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_COPY,
                                    g_bytes_get_data (map, NULL), g_bytes_get_size (map));
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  QdGwIngestServer *self = user_data;

  if (soup_server_message_get_status (msg) != 0)
    return;  /* answered by early_cb */

  switch (route_of (path))
    {
    case ROUTE_INGEST:
      handle_ingest (self, msg);
      break;
    case ROUTE_APPROVED_MAP:
      handle_map (self, msg, QD_GW_LIST_APPROVED);
      break;
    case ROUTE_BLOCKED_MAP:
      handle_map (self, msg, QD_GW_LIST_BLOCKED);
      break;
    case ROUTE_NONE:
    default:
      respond_code (msg, QD_GW_ERROR_NOT_FOUND, "No such path on the ingest listener.");
      break;
    }
}

static void
qd_gw_ingest_server_finalize (GObject *object)
{
  QdGwIngestServer *self = (QdGwIngestServer *)object;

  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_clear_object (&self->gateway);
  g_free (self->expected_digest);

  G_OBJECT_CLASS (qd_gw_ingest_server_parent_class)->finalize (object);
}

static void
qd_gw_ingest_server_class_init (QdGwIngestServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = qd_gw_ingest_server_finalize;
}

static void
qd_gw_ingest_server_init (QdGwIngestServer *self)
{
}

/**
 * qd_gw_ingest_server_new:
 * @secret: what rspamd sends as its password, user name "rspamd"
 * @max_bytes: the largest message accepted
 */
QdGwIngestServer *
qd_gw_ingest_server_new (QdGwGateway *gateway,
                         const char  *secret,
                         gint64       max_bytes)
{
  QdGwIngestServer *self;
  g_autofree char *credentials = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *expected = NULL;

  g_return_val_if_fail (QD_IS_GW_GATEWAY (gateway), NULL);
  g_return_val_if_fail (secret != NULL && secret[0] != '\0', NULL);

  self = g_object_new (QD_TYPE_GW_INGEST_SERVER, NULL);
  self->gateway = g_object_ref (gateway);
  self->max_bytes = max_bytes > 0 ? max_bytes : QD_GW_INGEST_DEFAULT_MAX_BYTES;
  credentials = g_strconcat ("rspamd:", secret, NULL);
  encoded = g_base64_encode ((const guchar *)credentials, strlen (credentials));
  expected = g_strconcat ("Basic ", encoded, NULL);
  self->expected_digest = authorization_digest (expected);
  memset (credentials, 0, strlen (credentials));
  memset (expected, 0, strlen (expected));

  self->server = qd_gw_http_server_new (NULL, early_cb, server_cb, self);
  return self;
}

gboolean
qd_gw_ingest_server_listen (QdGwIngestServer  *self,
                            const char        *host,
                            guint16            port,
                            guint16           *out_port,
                            GError           **error)
{
  return qd_gw_http_listen (self->server, host, port, 0, out_port, error);
}
