/* qd-gw-http.h — what the gateway's two HTTP listeners share (API and rspamd ingest)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

gboolean    qd_gw_http_listen           (SoupServer               *server,
                                         const char               *host,
                                         guint16                   port,
                                         SoupServerListenOptions   options,
                                         guint16                  *out_port,
                                         GError                  **error);

G_END_DECLS
