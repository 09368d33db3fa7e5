/* qd-gw-server.c — routing, authentication, and JSON in and out
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "qd-enums.h"
#include "qd-gw-error.h"
#include "qd-gw-http.h"
#include "qd-gw-senders.h"
#include "qd-gw-server.h"
#include "qd-json.h"

#define API_PREFIX "/api/v1"

struct _QdGwServer
{
  GObject      parent_instance;
  QdGwGateway *gateway;
  SoupServer  *server;
  gboolean     https;
  FILE        *timing_log;  /* "METHOD PATH MS" per request, for benchmarks */
};

G_DEFINE_FINAL_TYPE (QdGwServer, qd_gw_server, G_TYPE_OBJECT)

/* answers */

static void
respond_error_full (SoupServerMessage *msg,
                    QdGwErrorCode      code,
                    const char        *parameter,
                    gint64             retry_after,
                    const char        *message)
{
  qd_gw_http_respond_error (msg, qd_gw_error_http_status (code), qd_gw_error_code_string (code),
                            parameter, retry_after, message);
}

static void
respond_error (SoupServerMessage *msg,
               QdGwErrorCode      code,
               const char        *message)
{
  respond_error_full (msg, code, NULL, 0, message);
}

static void
respond_gerror (SoupServerMessage *msg,
                const GError      *error)
{
  if (error->domain == QD_GW_ERROR)
    respond_error (msg, error->code, error->message);
  else
    {
      g_warning ("internal error: %s", error->message);
      respond_error (msg, QD_GW_ERROR_INTERNAL, "The gateway failed; try again later.");
    }
}

static void
respond_invalid (SoupServerMessage *msg,
                 const char        *parameter,
                 const char        *message)
{
  respond_error_full (msg, QD_GW_ERROR_INVALID_PARAMETER, parameter, 0, message);
}

/* The store keeps unix seconds; the API gives UTC times. */
static void
add_time_member (JsonBuilder *builder,
                 const char  *name,
                 gint64       unix_time)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (unix_time);

  qd_json_builder_add_date_time (builder, name, dt);
}

static void
add_user_json (JsonBuilder    *builder,
               const QdGwUser *user)
{
  json_builder_set_member_name (builder, "user");
  json_builder_begin_object (builder);
  qd_json_builder_add_string (builder, "username", user->username);
  qd_json_builder_add_string (builder, "address", user->address);
  qd_json_builder_add_string (builder, "display_name", user->display_name);
  json_builder_end_object (builder);
}

static void
add_item_json (JsonBuilder    *builder,
               const QdGwItem *item)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, item->id);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  QdActions actions = qd_gw_item_get_actions (item);

  json_builder_begin_object (builder);
  qd_json_builder_add_string (builder, "id", id);
  qd_json_builder_add_string (builder, "folder", qd_folder_to_string (item->folder));
  qd_json_builder_add_string (builder, "status", item->status);
  add_time_member (builder, "received_at", item->received_at);
  qd_json_builder_add_string (builder, "envelope_sender", item->envelope_sender);
  qd_json_builder_add_string (builder, "from", item->from_header);
  qd_json_builder_add_string (builder, "from_name", item->from_name);
  qd_json_builder_add_string (builder, "from_address", item->from_address);
  qd_json_builder_add_string (builder, "recipient", item->recipient);
  qd_json_builder_add_string (builder, "subject", item->subject);
  qd_json_builder_add_string (builder, "message_id", item->message_id);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, item->size);
  qd_json_builder_add_string (builder, "reason", qd_reason_to_string (item->reason));
  qd_json_builder_add_string (builder, "category", qd_category_to_string (item->category));
  qd_json_builder_add_string (builder, "policy_rule", item->policy_rule);
  json_builder_set_member_name (builder, "score");
  json_builder_add_double_value (builder, item->score);
  json_builder_set_member_name (builder, "rules");
  if (item->rules_json != NULL && json_parser_load_from_data (parser, item->rules_json, -1, NULL))
    json_builder_add_value (builder, json_node_copy (json_parser_get_root (parser)));
  else
    {
      json_builder_begin_array (builder);
      json_builder_end_array (builder);
    }
  add_time_member (builder, "expires_at", item->expires_at);
  json_builder_set_member_name (builder, "actions");
  json_builder_begin_array (builder);
  for (guint bit = 1; bit <= QD_ACTION_APPROVE_SENDER; bit <<= 1)
    if (actions & bit)
      json_builder_add_string_value (builder, qd_action_to_string (bit));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

/* requests */

typedef struct
{
  SoupServerMessage *msg;
  const char        *method;
  char             **segments;   /* the path below /api/v1, split on '/' */
  guint              n_segments;
  GHashTable        *query;
  gint64             user_id;
} Request;

static JsonObject *
read_json_body (Request *req)
{
  SoupMessageBody *body = soup_server_message_get_request_body (req->msg);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  const char *type = soup_message_headers_get_content_type (headers, NULL);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  if (type != NULL && g_ascii_strcasecmp (type, "application/json") != 0)
    {
      respond_error (req->msg, QD_GW_ERROR_UNSUPPORTED_MEDIA_TYPE,
                     "Send the body as application/json.");
      return NULL;
    }

  /* json-glib hands strings out as C strings: an escaped NUL would cut an
   * id or address short ("12\u0000x" becoming "12"), so none is accepted. */
  if (g_strstr_len (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "\\u0000") != NULL ||
      memchr (g_bytes_get_data (bytes, NULL), '\0', g_bytes_get_size (bytes)) != NULL)
    {
      respond_error (req->msg, QD_GW_ERROR_BAD_REQUEST,
                     "The body contains a NUL character, which no value may hold.");
      return NULL;
    }
  object = qd_json_parse_object (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                 &error);
  if (object == NULL)
    {
      g_autofree char *message = g_strdup_printf ("The body is not a JSON object: %s",
                                                  error->message);

      respond_error (req->msg, QD_GW_ERROR_BAD_REQUEST, message);
    }
  return object;
}

static gboolean
authenticate (QdGwServer *self,
              Request    *req)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  g_autoptr(GError) error = NULL;
  const char *token = NULL;

  if (authorization != NULL && g_ascii_strncasecmp (authorization, "Bearer ", 7) == 0)
    token = authorization + 7;
  req->user_id = qd_gw_gateway_authenticate (self->gateway, token, NULL, &error);
  if (req->user_id == 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                    "WWW-Authenticate", "Bearer realm=\"qd-gateway\"");
      respond_gerror (req->msg, error);
      return FALSE;
    }
  return TRUE;
}

/* GET /info */

static void
handle_info (QdGwServer *self,
             Request    *req)
{
  const QdGwConfig *config = qd_gw_gateway_get_config (self->gateway);
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "api_version");
  json_builder_add_int_value (builder, 1);
  qd_json_builder_add_string (builder, "gateway_name", config->name);
  qd_json_builder_add_string (builder, "gateway_version", PACKAGE_VERSION);
  json_builder_set_member_name (builder, "session_ttl_seconds");
  json_builder_add_int_value (builder, config->session_ttl);

  json_builder_set_member_name (builder, "submission");
  json_builder_begin_object (builder);
  qd_json_builder_add_string (builder, "address", config->submission_address);
  json_builder_set_member_name (builder, "max_message_bytes");
  json_builder_add_int_value (builder, config->max_message_bytes);
  json_builder_set_member_name (builder, "max_sample_age_days");
  json_builder_add_int_value (builder, config->max_sample_age_days);
  json_builder_set_member_name (builder, "formats");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "message/rfc822");
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "compressed");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "smtp");
  if (config->smtp_host != NULL)
    {
      json_builder_begin_object (builder);
      qd_json_builder_add_string (builder, "host", config->smtp_host);
      json_builder_set_member_name (builder, "port");
      json_builder_add_int_value (builder, config->smtp_port);
      qd_json_builder_add_string (builder, "security", "none");
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "limits");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "max_batch_ids");
  json_builder_add_int_value (builder, config->max_batch);
  json_builder_set_member_name (builder, "max_page_size");
  json_builder_add_int_value (builder, config->max_page_size);
  json_builder_set_member_name (builder, "max_request_bytes");
  json_builder_add_int_value (builder, config->max_request_bytes);
  json_builder_set_member_name (builder, "max_classify_bytes");
  json_builder_add_int_value (builder, config->max_classify_bytes);
  json_builder_set_member_name (builder, "max_sender_list");
  json_builder_add_int_value (builder, config->max_sender_list);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "folders");
  json_builder_begin_array (builder);
  /* In mail-system mode Junk is the mail system's own folder. */
  for (int v = QD_FOLDER_QUARANTINE;
       v <= (qd_gw_gateway_is_mail_system (self->gateway) ? QD_FOLDER_QUARANTINE : QD_FOLDER_JUNK);
       v++)
    json_builder_add_string_value (builder, qd_folder_to_string (v));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "reasons");
  json_builder_begin_array (builder);
  for (int v = QD_REASON_GRAYMAIL; v <= QD_REASON_POLICY; v++)
    json_builder_add_string_value (builder, qd_reason_to_string (v));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "categories");
  json_builder_begin_array (builder);
  for (int v = QD_CATEGORY_MARKETING; v <= QD_CATEGORY_BULK; v++)
    json_builder_add_string_value (builder, qd_category_to_string (v));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  qd_gw_http_respond_builder (req->msg, SOUP_STATUS_OK, builder);
}

/* /session */

static void
respond_session (Request        *req,
                 guint           status,
                 const char     *token,
                 gint64          expires_at,
                 const QdGwUser *user)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  if (token != NULL)
    qd_json_builder_add_string (builder, "token", token);
  add_time_member (builder, "expires_at", expires_at);
  add_user_json (builder, user);
  json_builder_end_object (builder);
  qd_gw_http_respond_builder (req->msg, status, builder);
}

static void
handle_session (QdGwServer *self,
                Request    *req)
{
  if (g_str_equal (req->method, "POST"))
    {
      g_autoptr(JsonObject) body = read_json_body (req);
      g_autoptr(QdGwUser) user = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *token = NULL;
      const char *username;
      const char *password;
      gint64 expires_at = 0;
      gint64 retry_after = 0;

      if (body == NULL)
        return;
      username = qd_json_get_string (body, "username");
      password = qd_json_get_string (body, "password");
      if (username == NULL || password == NULL)
        {
          respond_error (req->msg, QD_GW_ERROR_BAD_REQUEST,
                         "The body must have “username” and “password” strings.");
          return;
        }
      token = qd_gw_gateway_sign_in (self->gateway, username, password,
                                     soup_server_message_get_remote_host (req->msg),
                                     &expires_at, &user, &retry_after, &error);
      if (token == NULL)
        {
          if (g_error_matches (error, QD_GW_ERROR, QD_GW_ERROR_RATE_LIMITED))
            respond_error_full (req->msg, QD_GW_ERROR_RATE_LIMITED, NULL, retry_after,
                                error->message);
          else
            respond_gerror (req->msg, error);
          return;
        }
      respond_session (req, SOUP_STATUS_OK, token, expires_at, user);
      return;
    }

  if (!authenticate (self, req))
    return;

  if (g_str_equal (req->method, "GET"))
    {
      g_autoptr(QdGwUser) user = qd_gw_gateway_get_user (self->gateway, req->user_id);
      SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
      const char *token = soup_message_headers_get_one (headers, "Authorization") + 7;
      gint64 expires_at = 0;

      qd_gw_gateway_authenticate (self->gateway, token, &expires_at, NULL);
      respond_session (req, SOUP_STATUS_OK, NULL, expires_at, user);
    }
  else
    {
      SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);

      qd_gw_gateway_sign_out (self->gateway,
                              soup_message_headers_get_one (headers, "Authorization") + 7);
      soup_server_message_set_status (req->msg, SOUP_STATUS_NO_CONTENT, NULL);
    }
}

/* GET /messages */

static const char *
query_value (Request    *req,
             const char *name)
{
  const char *value = req->query != NULL ? g_hash_table_lookup (req->query, name) : NULL;

  return value != NULL && value[0] != '\0' ? value : NULL;
}

static gboolean
parse_enum_list (Request    *req,
                 const char *parameter,
                 GType       enum_type,
                 guint      *bits)
{
  const char *value = query_value (req, parameter);
  g_auto(GStrv) parts = NULL;

  *bits = 0;
  if (value == NULL)
    return TRUE;
  parts = g_strsplit (value, ",", 32);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      int v;

      if (!qd_enum_from_nick (enum_type, g_strstrip (parts[i]), &v) ||
          (enum_type == QD_TYPE_CATEGORY && v == QD_CATEGORY_NONE))
        {
          g_autofree char *message = g_strdup_printf ("“%s” is not a valid %s.", parts[i],
                                                      parameter);

          respond_invalid (req->msg, parameter, message);
          return FALSE;
        }
      *bits |= 1u << v;
    }
  return TRUE;
}

static gboolean
parse_time (Request    *req,
            const char *parameter,
            gint64      fallback,
            gint64     *out)
{
  const char *value = query_value (req, parameter);
  g_autoptr(GDateTime) dt = NULL;

  *out = fallback;
  if (value == NULL)
    return TRUE;
  dt = g_date_time_new_from_iso8601 (value, NULL);
  if (dt == NULL)
    {
      g_autofree char *message =
        g_strdup_printf ("“%s” is not an ISO 8601 date and time with a time zone, "
                         "such as 2026-06-07T19:00:00+09:00.", value);

      respond_invalid (req->msg, parameter, message);
      return FALSE;
    }
  *out = g_date_time_to_unix (dt);
  return TRUE;
}

/* A cursor is bound to its query by a digest of the filter and sort. */
static char *
query_digest (const QdGwQuery *q)
{
  g_autofree char *text = g_strdup_printf ("%d|%u|%u|%" G_GINT64_FORMAT "|%" G_GINT64_FORMAT
                                           "|%s|%s|%d",
                                           q->folder, q->reasons, q->categories, q->since,
                                           q->until, q->search ? q->search : "", q->sort_column,
                                           q->descending);
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);

  return g_strndup (sum, 16);
}

static gboolean
sort_key_is_text (const char *column)
{
  return g_str_equal (column, "from") || g_str_equal (column, "subject");
}

static char *
make_cursor (const QdGwQuery *q,
             const QdGwItem  *last)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *digest = query_digest (q);
  g_autofree char *json = NULL;
  char *b64;

  json_builder_begin_object (builder);
  qd_json_builder_add_string (builder, "q", digest);
  json_builder_set_member_name (builder, "k");
  if (g_str_equal (q->sort_column, "received_at"))
    json_builder_add_int_value (builder, last->received_at);
  else if (g_str_equal (q->sort_column, "size"))
    json_builder_add_int_value (builder, last->size);
  else
    {
      /* The same expressions as the store's sort columns. */
      const char *text = g_str_equal (q->sort_column, "from")
        ? (last->from_name != NULL && last->from_name[0] ? last->from_name
           : last->from_address ? last->from_address : "")
        : (last->subject ? last->subject : "");
      g_autofree char *lower = g_ascii_strdown (text, -1);

      json_builder_add_string_value (builder, lower);
    }
  json_builder_set_member_name (builder, "i");
  json_builder_add_int_value (builder, last->id);
  json_builder_end_object (builder);
  json = qd_json_to_string (builder, FALSE);

  b64 = g_base64_encode ((const guchar *)json, strlen (json));
  g_strdelimit (b64, "+", '-');
  g_strdelimit (b64, "/", '_');
  b64[strcspn (b64, "=")] = '\0';
  return b64;
}

static gboolean
parse_cursor (Request    *req,
              QdGwQuery  *q)
{
  const char *value = query_value (req, "cursor");
  g_autofree char *padded = NULL;
  g_autofree guchar *json = NULL;
  g_autofree char *digest = NULL;
  g_autoptr(JsonObject) object = NULL;
  gsize len;
  JsonNode *key;

  if (value == NULL)
    return TRUE;

  padded = g_strnfill (strlen (value) + 4, '=');
  memcpy (padded, value, strlen (value));
  padded[strlen (value) + (4 - strlen (value) % 4) % 4] = '\0';
  g_strdelimit (padded, "-", '+');
  g_strdelimit (padded, "_", '/');
  json = g_base64_decode (padded, &len);
  if (json != NULL && len > 0 && g_utf8_validate ((const char *)json, len, NULL))
    object = qd_json_parse_object ((const char *)json, len, NULL);

  digest = query_digest (q);
  key = object != NULL ? json_object_get_member (object, "k") : NULL;
  if (object == NULL || key == NULL || !JSON_NODE_HOLDS_VALUE (key) ||
      g_strcmp0 (qd_json_get_string (object, "q"), digest) != 0 ||
      qd_json_get_int (object, "i", 0) <= 0)
    {
      respond_error_full (req->msg, QD_GW_ERROR_INVALID_CURSOR, "cursor", 0,
                          "The cursor is malformed or belongs to another query; "
                          "start again from the first page.");
      return FALSE;
    }
  if (sort_key_is_text (q->sort_column) && json_node_get_value_type (key) == G_TYPE_STRING)
    q->after_key = g_variant_ref_sink (g_variant_new_string (json_node_get_string (key)));
  else if (!sort_key_is_text (q->sort_column) && json_node_get_value_type (key) == G_TYPE_INT64)
    q->after_key = g_variant_ref_sink (g_variant_new_int64 (json_node_get_int (key)));
  else
    {
      respond_error_full (req->msg, QD_GW_ERROR_INVALID_CURSOR, "cursor", 0,
                          "The cursor is malformed; start again from the first page.");
      return FALSE;
    }
  q->after_id = qd_json_get_int (object, "i", 0);
  q->has_after = TRUE;
  return TRUE;
}

/* A page by position ("position", from 0) rather than after a cursor, and
 * the snapshot its positions count in ("snapshot", as an earlier page
 * answered; a new one when absent). */
static gboolean
parse_position (QdGwServer *self,
                Request    *req,
                QdGwQuery  *q)
{
  const char *position = query_value (req, "position");
  const char *snapshot = query_value (req, "snapshot");
  guint64 value;

  if (position != NULL && q->has_after)
    {
      respond_invalid (req->msg, "position", "Send “position” or “cursor”, not both.");
      return FALSE;
    }
  if (position != NULL)
    {
      if (!g_ascii_string_to_unsigned (position, 10, 0, G_MAXINT32, &value, NULL))
        {
          respond_invalid (req->msg, "position", "“position” must be a number from 0.");
          return FALSE;
        }
      q->position = value;
    }
  if (snapshot != NULL)
    {
      if (!g_ascii_string_to_unsigned (snapshot, 10, 0, G_MAXINT64, &value, NULL))
        {
          respond_invalid (req->msg, "snapshot",
                           "“snapshot” must be the snapshot an earlier page answered.");
          return FALSE;
        }
      q->snapshot = value;
    }
  else
    q->snapshot = qd_gw_gateway_get_snapshot (self->gateway);
  return TRUE;
}

/* The next page's address in a Link header (RFC 8288), so a client can ask
 * for it while it still parses this page's body. */
static void
add_next_link (Request    *req,
               const char *cursor)
{
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *query = NULL;
  g_autofree char *link = NULL;

  if (req->query != NULL)
    {
      GHashTableIter iter;
      gpointer name, value;

      g_hash_table_iter_init (&iter, req->query);
      while (g_hash_table_iter_next (&iter, &name, &value))
        g_hash_table_insert (params, name, value);
    }
  g_hash_table_insert (params, "cursor", (gpointer)cursor);
  query = soup_form_encode_hash (params);
  link = g_strdup_printf ("<%s?%s>; rel=\"next\"",
                          g_uri_get_path (soup_server_message_get_uri (req->msg)), query);
  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg), "Link",
                                link);
}

static void
handle_list (QdGwServer *self,
             Request    *req)
{
  const QdGwConfig *config = qd_gw_gateway_get_config (self->gateway);
  QdGwQuery q = { 0 };
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  const char *value;
  gint64 total = 0;
  int folder;

  q.user_id = req->user_id;
  q.folder = QD_FOLDER_QUARANTINE;
  if ((value = query_value (req, "folder")) != NULL)
    {
      if (!qd_enum_from_nick (QD_TYPE_FOLDER, value, &folder) ||
          (folder == QD_FOLDER_JUNK && qd_gw_gateway_is_mail_system (self->gateway)))
        {
          respond_invalid (req->msg, "folder", "“folder” must be “quarantine” or “junk”.");
          return;
        }
      q.folder = folder;
    }
  if (!parse_enum_list (req, "reason", QD_TYPE_REASON, &q.reasons) ||
      !parse_enum_list (req, "category", QD_TYPE_CATEGORY, &q.categories) ||
      !parse_time (req, "since", G_MININT64, &q.since) ||
      !parse_time (req, "until", G_MAXINT64, &q.until))
    return;
  q.search = query_value (req, "q");
  if (q.search != NULL && strlen (q.search) > 256)
    {
      respond_invalid (req->msg, "q", "The search text is longer than 256 bytes.");
      return;
    }

  value = query_value (req, "sort");
  if (value == NULL)
    value = "-received_at";
  q.descending = value[0] == '-';
  q.sort_column = q.descending ? value + 1 : value;
  if (!g_str_equal (q.sort_column, "received_at") && !g_str_equal (q.sort_column, "size") &&
      !g_str_equal (q.sort_column, "from") && !g_str_equal (q.sort_column, "subject"))
    {
      respond_invalid (req->msg, "sort",
                       "“sort” must be received_at, size, from or subject, "
                       "with an optional leading “-”.");
      return;
    }

  q.limit = 100;
  if ((value = query_value (req, "limit")) != NULL)
    {
      guint64 limit;

      if (!g_ascii_string_to_unsigned (value, 10, 1, config->max_page_size, &limit, NULL))
        {
          g_autofree char *message =
            g_strdup_printf ("“limit” must be a number from 1 to %u.", config->max_page_size);

          respond_invalid (req->msg, "limit", message);
          return;
        }
      q.limit = limit;
    }

  if (!parse_cursor (req, &q) || !parse_position (self, req, &q))
    return;

  items = qd_gw_gateway_list_items (self->gateway, &q, &total, &error);
  g_clear_pointer (&q.after_key, g_variant_unref);
  if (items == NULL)
    {
      respond_gerror (req->msg, error);
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  for (guint i = 0; i < items->len; i++)
    add_item_json (builder, g_ptr_array_index (items, i));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "next_cursor");
  if (items->len == q.limit)
    {
      g_autofree char *cursor = make_cursor (&q, g_ptr_array_index (items, items->len - 1));

      json_builder_add_string_value (builder, cursor);
      add_next_link (req, cursor);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "total");
  json_builder_add_int_value (builder, total);
  {
    g_autofree char *snapshot = g_strdup_printf ("%" G_GINT64_FORMAT, q.snapshot);

    qd_json_builder_add_string (builder, "snapshot", snapshot);
  }
  json_builder_end_object (builder);
  qd_gw_http_respond_builder (req->msg, SOUP_STATUS_OK, builder);
}

/* GET /messages/{id}[/raw] */

static QdGwItem *
lookup_item (QdGwServer *self,
             Request    *req,
             const char *text)
{
  QdGwItem *item = qd_gw_gateway_get_item (self->gateway, req->user_id, text);

  if (item == NULL)
    respond_error (req->msg, QD_GW_ERROR_NOT_FOUND, "No such message.");
  return item;
}

static void
handle_item (QdGwServer *self,
             Request    *req)
{
  g_autoptr(QdGwItem) item = lookup_item (self, req, req->segments[1]);
  g_autoptr(JsonBuilder) builder = NULL;

  if (item == NULL)
    return;
  builder = json_builder_new ();
  add_item_json (builder, item);
  qd_gw_http_respond_builder (req->msg, SOUP_STATUS_OK, builder);
}

static void
handle_raw (QdGwServer *self,
            Request    *req)
{
  g_autoptr(QdGwItem) item = lookup_item (self, req, req->segments[1]);
  g_autofree char *path = NULL;
  g_autofree char *disposition = NULL;
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;

  if (item == NULL)
    return;
  path = qd_gw_gateway_message_path (self->gateway, item->id);
  file = g_mapped_file_new (path, FALSE, NULL);
  if (file == NULL)
    {
      respond_error (req->msg, QD_GW_ERROR_NOT_FOUND,
                     "The original of this message is no longer stored.");
      return;
    }
  bytes = g_mapped_file_get_bytes (file);
  disposition = g_strdup_printf ("attachment; filename=\"%" G_GINT64_FORMAT ".eml\"", item->id);
  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                "Content-Disposition", disposition);
  soup_server_message_set_status (req->msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (req->msg, "message/rfc822", SOUP_MEMORY_COPY,
                                    g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

/* POST /messages/{action} and /messages/lookup */

/* The body's @member: distinct strings, one to max_batch_ids of them; or
 * NULL, answered. */
static GPtrArray *
read_strings (QdGwServer *self,
              Request    *req,
              JsonObject *body,
              const char *member)
{
  const QdGwConfig *config = qd_gw_gateway_get_config (self->gateway);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *array = qd_json_get_array (body, member);

  if (array == NULL)
    {
      g_autofree char *message = g_strdup_printf ("The body must have an “%s” array.", member);

      respond_error (req->msg, QD_GW_ERROR_BAD_REQUEST, message);
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      const char *id;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          g_autofree char *message = g_strdup_printf ("Every entry of “%s” must be a string.",
                                                      member);

          respond_error (req->msg, QD_GW_ERROR_BAD_REQUEST, message);
          return NULL;
        }
      id = json_node_get_string (node);
      if (!g_hash_table_contains (seen, id))
        {
          g_hash_table_add (seen, (gpointer)id);
          g_ptr_array_add (ids, g_strdup (id));
        }
    }
  if (ids->len == 0)
    {
      g_autofree char *message = g_strdup_printf ("“%s” is empty: name at least one message.",
                                                  member);

      respond_invalid (req->msg, member, message);
      return NULL;
    }
  if (ids->len > config->max_batch)
    {
      g_autofree char *message =
        g_strdup_printf ("At most %u entries per request; split the batch.", config->max_batch);

      respond_error (req->msg, QD_GW_ERROR_BATCH_TOO_LARGE, message);
      return NULL;
    }
  return g_steal_pointer (&ids);
}

static void
handle_lookup (QdGwServer *self,
               Request    *req)
{
  g_autoptr(JsonObject) body = read_json_body (req);
  g_autoptr(GPtrArray) message_ids = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  const char *folder_name;
  int folder = QD_FOLDER_QUARANTINE;

  if (body == NULL || (message_ids = read_strings (self, req, body, "message_ids")) == NULL)
    return;
  folder_name = qd_json_get_string (body, "folder");
  if (folder_name != NULL && !qd_enum_from_nick (QD_TYPE_FOLDER, folder_name, &folder))
    {
      respond_invalid (req->msg, "folder", "“folder” must be “quarantine” or “junk”.");
      return;
    }
  g_ptr_array_add (message_ids, NULL);
  items = qd_gw_gateway_find_by_message_ids (self->gateway, req->user_id, folder,
                                             (const char * const *)message_ids->pdata);
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  for (guint i = 0; i < items->len; i++)
    add_item_json (builder, g_ptr_array_index (items, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  qd_gw_http_respond_builder (req->msg, SOUP_STATUS_OK, builder);
}

/* The word for what was done, in the answer's "result". */
static const char *
act_result_word (QdActions      action,
                 QdGwActOutcome outcome)
{
  gboolean already = outcome == QD_GW_ACT_ALREADY_DONE;

  switch (action)
    {
    case QD_ACTION_RELEASE:
      return already ? "already_released" : "released";
    case QD_ACTION_REQUEST_RELEASE:
      return already ? "already_requested" : "requested";
    case QD_ACTION_MOVE_TO_INBOX:
      return already ? "already_moved" : "moved";
    case QD_ACTION_BLOCK_SENDER:
      return already ? "already_deleted" : "blocked";
    case QD_ACTION_DELETE:
    default:
      return already ? "already_deleted" : "deleted";
    }
}

static void
respond_act_results (SoupServerMessage *msg,
                     QdActions          action,
                     GArray            *results)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  guint succeeded = 0;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "results");
  json_builder_begin_array (builder);
  for (guint i = 0; i < results->len; i++)
    {
      QdGwActResult *r = &g_array_index (results, QdGwActResult, i);

      json_builder_begin_object (builder);
      qd_json_builder_add_string (builder, "id", r->id);
      json_builder_set_member_name (builder, "ok");
      json_builder_add_boolean_value (builder, r->outcome != QD_GW_ACT_FAILED);
      if (r->outcome != QD_GW_ACT_FAILED)
        {
          qd_json_builder_add_string (builder, "result", act_result_word (action, r->outcome));
          succeeded++;
        }
      else
        {
          json_builder_set_member_name (builder, "error");
          json_builder_begin_object (builder);
          qd_json_builder_add_string (builder, "code", qd_gw_error_code_string (r->error->code));
          qd_json_builder_add_string (builder, "message", r->error->message);
          json_builder_end_object (builder);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "succeeded");
  json_builder_add_int_value (builder, succeeded);
  json_builder_set_member_name (builder, "failed");
  json_builder_add_int_value (builder, results->len - succeeded);
  json_builder_end_object (builder);
  qd_gw_http_respond_builder (msg, SOUP_STATUS_OK, builder);
}

typedef struct
{
  SoupServerMessage *msg;
  QdActions          action;
} ActData;

static void
acted_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autofree ActData *data = user_data;
  g_autoptr(SoupServerMessage) msg = data->msg;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) results = NULL;

  results = qd_gw_gateway_act_finish (QD_GW_GATEWAY (object), result, &error);
  if (results == NULL)
    respond_gerror (msg, error);
  else
    respond_act_results (msg, data->action, results);
  soup_server_message_unpause (msg);
}

static void
handle_action (QdGwServer *self,
               Request    *req,
               QdActions   action)
{
  g_autoptr(JsonObject) body = read_json_body (req);
  g_autoptr(GPtrArray) ids = NULL;
  JsonNode *approve;
  ActData *data;

  if (body == NULL || (ids = read_strings (self, req, body, "ids")) == NULL)
    return;
  approve = json_object_get_member (body, "approve_sender");
  if (approve != NULL && !JSON_NODE_HOLDS_NULL (approve) &&
      (!JSON_NODE_HOLDS_VALUE (approve) || json_node_get_value_type (approve) != G_TYPE_BOOLEAN))
    {
      respond_error (req->msg, QD_GW_ERROR_BAD_REQUEST, "“approve_sender” must be true or false.");
      return;
    }
  /* Releases may wait for the mail system: the answer comes when done. */
  data = g_new0 (ActData, 1);
  data->msg = g_object_ref (req->msg);
  data->action = action;
  soup_server_message_pause (req->msg);
  qd_gw_gateway_act_async (self->gateway, req->user_id, action, ids,
                           qd_json_get_boolean (body, "approve_sender", FALSE), NULL, acted_cb,
                           data);
}

/* /approved-senders, /blocked-senders */

static void
add_sender_json (JsonBuilder           *builder,
                 const QdGwSenderEntry *entry)
{
  json_builder_begin_object (builder);
  qd_json_builder_add_string (builder, "address", entry->address);
  add_time_member (builder, "added_at", entry->added_at);
  json_builder_end_object (builder);
}

static void
handle_senders (QdGwServer     *self,
                Request        *req,
                QdGwSenderList  list)
{
  const QdGwConfig *config = qd_gw_gateway_get_config (self->gateway);
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (req->n_segments == 1 && g_str_equal (req->method, "GET"))
    {
      g_autoptr(GArray) entries = qd_gw_gateway_list_senders (self->gateway, req->user_id, list);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "senders");
      json_builder_begin_array (builder);
      for (guint i = 0; i < entries->len; i++)
        add_sender_json (builder, &g_array_index (entries, QdGwSenderEntry, i));
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "max");
      json_builder_add_int_value (builder, config->max_sender_list);
      json_builder_end_object (builder);
      qd_gw_http_respond_builder (req->msg, SOUP_STATUS_OK, builder);
    }
  else if (req->n_segments == 1 && g_str_equal (req->method, "POST"))
    {
      g_autoptr(JsonObject) body = read_json_body (req);
      g_auto(QdGwSenderEntry) entry = { 0 };
      g_autoptr(GError) error = NULL;
      QdGwSenderOutcome outcome;

      if (body == NULL)
        return;
      outcome = qd_gw_gateway_add_sender (self->gateway, req->user_id, list,
                                          qd_json_get_string (body, "address"), &entry, &error);
      switch (outcome)
        {
        case QD_GW_SENDER_INVALID:
          respond_invalid (req->msg, "address",
                           "“address” must be a mail address or “@domain”.");
          break;
        case QD_GW_SENDER_LIST_FULL:
          respond_error (req->msg, QD_GW_ERROR_LIST_FULL,
                         "The list is full: remove an entry before adding another.");
          break;
        case QD_GW_SENDER_ADDED:
        case QD_GW_SENDER_ALREADY_LISTED:
          add_sender_json (builder, &entry);
          qd_gw_http_respond_builder (req->msg,
                                      outcome == QD_GW_SENDER_ADDED ? SOUP_STATUS_CREATED
                                                                    : SOUP_STATUS_OK,
                                      builder);
          break;
        case QD_GW_SENDER_FAILED:
        default:
          respond_gerror (req->msg, error);
          break;
        }
    }
  else if (req->n_segments == 2 && g_str_equal (req->method, "DELETE"))
    {
      g_autofree char *address = g_uri_unescape_string (req->segments[1], NULL);

      if (qd_gw_gateway_remove_sender (self->gateway, req->user_id, list, address) ==
          QD_GW_SENDER_REMOVED)
        soup_server_message_set_status (req->msg, SOUP_STATUS_NO_CONTENT, NULL);
      else
        respond_error (req->msg, QD_GW_ERROR_NOT_FOUND, "No such entry in the list.");
    }
  else if (req->n_segments <= 2)
    respond_error (req->msg, QD_GW_ERROR_METHOD_NOT_ALLOWED, "Method not allowed here.");
  else
    respond_error (req->msg, QD_GW_ERROR_NOT_FOUND, "No such path.");
}

/* POST /classify */

static void
respond_verdict (SoupServerMessage *msg,
                 const QdGwVerdict *verdict)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "classified_as_spam");
  json_builder_add_boolean_value (builder, verdict->kind == QD_VERDICT_KIND_SPAM);
  qd_json_builder_add_string (builder, "verdict",
                              qd_enum_to_nick (QD_TYPE_VERDICT_KIND, verdict->kind));
  json_builder_set_member_name (builder, "score");
  json_builder_add_double_value (builder, verdict->score);
  json_builder_set_member_name (builder, "threshold");
  json_builder_add_double_value (builder, verdict->threshold);
  qd_json_builder_add_string (builder, "action", verdict->action);
  qd_json_builder_add_rules (builder, "rules", verdict->rules);
  json_builder_set_member_name (builder, "reported");
  json_builder_add_boolean_value (builder, verdict->reported);
  json_builder_end_object (builder);
  qd_gw_http_respond_builder (msg, SOUP_STATUS_OK, builder);
}

static void
classify_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(SoupServerMessage) msg = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(QdGwVerdict) verdict = NULL;

  verdict = qd_gw_gateway_classify_finish (QD_GW_GATEWAY (object), result, &error);
  if (verdict == NULL)
    respond_gerror (msg, error);
  else
    respond_verdict (msg, verdict);
  soup_server_message_unpause (msg);
}

static void
handle_classify (QdGwServer *self,
                 Request    *req)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  const char *type = soup_message_headers_get_content_type (headers, NULL);
  SoupMessageBody *body = soup_server_message_get_request_body (req->msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);

  if (type != NULL && g_ascii_strcasecmp (type, "message/rfc822") != 0 &&
      g_ascii_strcasecmp (type, "application/octet-stream") != 0)
    {
      respond_error (req->msg, QD_GW_ERROR_UNSUPPORTED_MEDIA_TYPE,
                     "Send the message itself as message/rfc822.");
      return;
    }
  if (g_bytes_get_size (bytes) == 0)
    {
      respond_invalid (req->msg, "body", "The body is empty: send the message to classify.");
      return;
    }
  soup_server_message_pause (req->msg);
  qd_gw_gateway_classify_async (self->gateway, bytes, NULL, classify_cb, g_object_ref (req->msg));
}

/* routing */

static gboolean
method_is (Request    *req,
           const char *allowed)
{
  if (g_str_equal (req->method, allowed))
    return TRUE;
  respond_error (req->msg, QD_GW_ERROR_METHOD_NOT_ALLOWED, "Method not allowed here.");
  return FALSE;
}

static const struct {
  const char *segment;
  QdActions   action;
} action_routes[] = {
  { "release", QD_ACTION_RELEASE },
  { "request-release", QD_ACTION_REQUEST_RELEASE },
  { "move-to-inbox", QD_ACTION_MOVE_TO_INBOX },
  { "delete", QD_ACTION_DELETE },
  { "block-sender", QD_ACTION_BLOCK_SENDER },
};

static void
route (QdGwServer *self,
       Request    *req)
{
  const char *first = req->n_segments > 0 ? req->segments[0] : "";

  if (g_str_equal (first, "info") && req->n_segments == 1)
    {
      if (method_is (req, "GET"))
        handle_info (self, req);
      return;
    }
  if (g_str_equal (first, "session") && req->n_segments == 1)
    {
      if (g_str_equal (req->method, "POST") || g_str_equal (req->method, "GET") ||
          g_str_equal (req->method, "DELETE"))
        handle_session (self, req);
      else
        method_is (req, "POST");
      return;
    }

  if (!g_str_equal (first, "messages") && !g_str_equal (first, "classify") &&
      !g_str_equal (first, "approved-senders") && !g_str_equal (first, "blocked-senders"))
    {
      respond_error (req->msg, QD_GW_ERROR_NOT_FOUND, "No such path.");
      return;
    }

  if (!authenticate (self, req))
    return;

  if (g_str_equal (first, "classify") && req->n_segments == 1)
    {
      if (method_is (req, "POST"))
        handle_classify (self, req);
    }
  else if (g_str_equal (first, "approved-senders"))
    handle_senders (self, req, QD_GW_LIST_APPROVED);
  else if (g_str_equal (first, "blocked-senders"))
    handle_senders (self, req, QD_GW_LIST_BLOCKED);
  else if (g_str_equal (first, "messages") && req->n_segments == 1)
    {
      if (method_is (req, "GET"))
        handle_list (self, req);
    }
  else if (g_str_equal (first, "messages") && req->n_segments == 2 &&
           g_str_equal (req->segments[1], "lookup"))
    {
      if (method_is (req, "POST"))
        handle_lookup (self, req);
    }
  else if (g_str_equal (first, "messages") && req->n_segments == 2)
    {
      for (guint i = 0; i < G_N_ELEMENTS (action_routes); i++)
        if (g_str_equal (req->segments[1], action_routes[i].segment))
          {
            if (method_is (req, "POST"))
              handle_action (self, req, action_routes[i].action);
            return;
          }
      if (method_is (req, "GET"))
        handle_item (self, req);
    }
  else if (g_str_equal (first, "messages") && req->n_segments == 3 &&
           g_str_equal (req->segments[2], "raw"))
    {
      if (method_is (req, "GET"))
        handle_raw (self, req);
    }
  else
    respond_error (req->msg, QD_GW_ERROR_NOT_FOUND, "No such path.");
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  QdGwServer *self = user_data;
  Request req = { 0 };
  g_auto(GStrv) segments = NULL;
  const char *rest;

  if (soup_server_message_get_status (msg) != 0)
    return;  /* answered early (413) */

  if (!g_str_has_prefix (path, API_PREFIX "/") || strlen (path) > 2048)
    {
      respond_error (msg, QD_GW_ERROR_NOT_FOUND, "No such path.");
      return;
    }
  /* A NUL byte would silently cut a parameter short once decoded. */
  {
    const char *raw_query = g_uri_get_query (soup_server_message_get_uri (msg));

    if (raw_query != NULL && strstr (raw_query, "%00") != NULL)
      {
        respond_error_full (msg, QD_GW_ERROR_INVALID_PARAMETER, NULL, 0,
                            "A parameter contains a NUL byte.");
        return;
      }
  }

  rest = path + strlen (API_PREFIX "/");
  segments = g_strsplit (rest, "/", 8);
  req.msg = msg;
  req.method = soup_server_message_get_method (msg);
  req.segments = segments;
  req.n_segments = g_strv_length (segments);
  /* A trailing slash names the same resource. */
  if (req.n_segments > 1 && segments[req.n_segments - 1][0] == '\0')
    req.n_segments--;
  req.query = query;

  {
    gint64 start = g_get_monotonic_time ();

    route (self, &req);
    /* The handler's own time: for rspamd's classification, only the part
     * before the answer is awaited. */
    if (self->timing_log != NULL)
      fprintf (self->timing_log, "%s %s %.3f\n", req.method, path,
               (g_get_monotonic_time () - start) / 1000.0);
  }
}

/* Bodies are bounded before they are read: the early handler runs once
 * the headers are in. */
static void
early_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  QdGwServer *self = user_data;
  const QdGwConfig *config = qd_gw_gateway_get_config (self->gateway);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  gsize limit = g_str_has_prefix (path, API_PREFIX "/classify") ? config->max_classify_bytes
                                                                  : config->max_request_bytes;

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CHUNKED)
    {
      respond_error (msg, QD_GW_ERROR_BAD_REQUEST,
                     "Send a Content-Length: chunked request bodies are not accepted.");
      qd_gw_http_close_after (msg);
    }
  else
    qd_gw_http_refuse_larger (msg, limit, "request body");
}

static void
qd_gw_server_finalize (GObject *object)
{
  QdGwServer *self = (QdGwServer *)object;

  if (self->server != NULL)
    soup_server_disconnect (self->server);
  if (self->timing_log != NULL)
    fclose (self->timing_log);
  g_clear_object (&self->server);
  g_clear_object (&self->gateway);

  G_OBJECT_CLASS (qd_gw_server_parent_class)->finalize (object);
}

static void
qd_gw_server_class_init (QdGwServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = qd_gw_server_finalize;
}

static void
qd_gw_server_init (QdGwServer *self)
{
}

QdGwServer *
qd_gw_server_new (QdGwGateway     *gateway,
                  GTlsCertificate *certificate)
{
  QdGwServer *self = g_object_new (QD_TYPE_GW_SERVER, NULL);

  self->gateway = g_object_ref (gateway);
  self->https = certificate != NULL;
  self->server = qd_gw_http_server_new (certificate, early_cb, server_cb, self);
  return self;
}

/**
 * qd_gw_server_set_timing_log:
 *
 * Appends one line per request to @path: method, path and the time the
 * gateway spent on it in milliseconds, for bench/run to compare with the
 * client's time for the same work.
 */
gboolean
qd_gw_server_set_timing_log (QdGwServer  *self,
                             const char  *path,
                             GError     **error)
{
  FILE *file = fopen (path, "a");

  if (file == NULL)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "cannot open %s: %s", path,
                   g_strerror (saved));
      return FALSE;
    }
  setvbuf (file, NULL, _IOLBF, 0);
  if (self->timing_log != NULL)
    fclose (self->timing_log);
  self->timing_log = file;
  return TRUE;
}

gboolean
qd_gw_server_listen (QdGwServer  *self,
                     const char  *host,
                     guint16      port,
                     guint16     *out_port,
                     GError     **error)
{
  return qd_gw_http_listen (self->server, host, port, self->https ? SOUP_SERVER_LISTEN_HTTPS : 0,
                            out_port, error);
}

gboolean
qd_gw_server_is_https (QdGwServer *self)
{
  return self->https;
}
