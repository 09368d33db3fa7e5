/* qd-gw-http.c — what the gateway's two HTTP listeners share (API and rspamd ingest)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "qd-gw-error.h"
#include "qd-gw-http.h"
#include "qd-json.h"

/**
 * qd_gw_http_server_new:
 * @certificate: (nullable): for HTTPS, or %NULL
 * @early_callback: runs once the headers are in, before the body is read
 * @callback: runs once the body is in
 *
 * Returns: (transfer full): a server that names itself qd-gateway and its version
 */
SoupServer *
qd_gw_http_server_new (GTlsCertificate    *certificate,
                       SoupServerCallback  early_callback,
                       SoupServerCallback  callback,
                       gpointer            user_data)
{
  SoupServer *server = soup_server_new ("server-header", "qd-gateway/" PACKAGE_VERSION,
                                        "tls-certificate", certificate,
                                        NULL);

  soup_server_add_early_handler (server, NULL, early_callback, user_data, NULL);
  soup_server_add_handler (server, NULL, callback, user_data, NULL);
  return server;
}

/**
 * qd_gw_http_listen:
 * @host: an IP address, not a name
 * @port: 0 for any free port
 * @out_port: (out) (optional): the port listened on
 */
gboolean
qd_gw_http_listen (SoupServer               *server,
                   const char               *host,
                   guint16                   port,
                   SoupServerListenOptions   options,
                   guint16                  *out_port,
                   GError                  **error)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);
  g_autoptr(GSocketAddress) socket_address = NULL;
  GSList *uris;

  if (address == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not an IP address", host);
      return FALSE;
    }
  socket_address = g_inet_socket_address_new (address, port);
  if (!soup_server_listen (server, socket_address, options, error))
    return FALSE;

  uris = soup_server_get_uris (server);
  if (uris != NULL && out_port != NULL)
    *out_port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
  return TRUE;
}

/* Compact JSON, as application/json in UTF-8. */
void
qd_gw_http_respond_builder (SoupServerMessage *msg,
                            guint              status,
                            JsonBuilder       *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  gsize length;
  char *data;

  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, &length);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_TAKE,
                                    data, length);
}

/**
 * qd_gw_http_respond_error:
 * @code: the error's code, such as "not_found"
 * @parameter: (nullable): the request parameter at fault
 * @retry_after: seconds to wait before trying again, also sent as Retry-After, or 0
 *
 * Answers {"error": {"code", "message"[, "parameter"][, "retry_after"]}}
 * (docs/gateway-api.md).
 */
void
qd_gw_http_respond_error (SoupServerMessage *msg,
                          guint              status,
                          const char        *code,
                          const char        *parameter,
                          gint64             retry_after,
                          const char        *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  qd_json_builder_add_string (builder, "code", code);
  qd_json_builder_add_string (builder, "message", message);
  if (parameter != NULL)
    qd_json_builder_add_string (builder, "parameter", parameter);
  if (retry_after > 0)
    {
      g_autofree char *seconds = g_strdup_printf ("%" G_GINT64_FORMAT, retry_after);

      json_builder_set_member_name (builder, "retry_after");
      json_builder_add_int_value (builder, retry_after);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", seconds);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  qd_gw_http_respond_builder (msg, status, builder);
}

/**
 * qd_gw_http_close_after:
 *
 * For an answer given before the body is read: libsoup still reads the
 * body (unless the client sent Expect: 100-continue), but keeps none of
 * it, and the connection ends with this answer.
 */
void
qd_gw_http_close_after (SoupServerMessage *msg)
{
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection",
                                "close");
}

/**
 * qd_gw_http_refuse_larger:
 * @limit: the largest body accepted, in bytes
 * @what: what the body is, for the answer's message ("request body", "message")
 *
 * From an early handler: answers 413 and closes the connection when the
 * Content-Length announces more than @limit bytes, so that no such body
 * is kept.
 *
 * Returns: whether it refused the request
 */
gboolean
qd_gw_http_refuse_larger (SoupServerMessage *msg,
                          guint64            limit,
                          const char        *what)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset length = soup_message_headers_get_content_length (headers);
  g_autofree char *message = NULL;

  if (length <= 0 || (guint64)length <= limit)
    return FALSE;
  message = g_strdup_printf ("The %s is larger than %" G_GUINT64_FORMAT " bytes.", what, limit);
  qd_gw_http_respond_error (msg, qd_gw_error_http_status (QD_GW_ERROR_PAYLOAD_TOO_LARGE),
                            qd_gw_error_code_string (QD_GW_ERROR_PAYLOAD_TOO_LARGE), NULL, 0,
                            message);
  qd_gw_http_close_after (msg);
  return TRUE;
}
