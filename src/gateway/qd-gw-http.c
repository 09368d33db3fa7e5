/* qd-gw-http.c — what the gateway's two HTTP listeners share (API and rspamd ingest)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "qd-gw-http.h"

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
