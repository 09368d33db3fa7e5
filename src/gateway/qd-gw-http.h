/* qd-gw-http.h — what the gateway's two HTTP listeners share (API and rspamd ingest)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

SoupServer *qd_gw_http_server_new       (GTlsCertificate          *certificate,
                                         SoupServerCallback        early_callback,
                                         SoupServerCallback        callback,
                                         gpointer                  user_data);
gboolean    qd_gw_http_listen           (SoupServer               *server,
                                         const char               *host,
                                         guint16                   port,
                                         SoupServerListenOptions   options,
                                         guint16                  *out_port,
                                         GError                  **error);
void        qd_gw_http_respond_builder  (SoupServerMessage        *msg,
                                         guint                     status,
                                         JsonBuilder              *builder);
void        qd_gw_http_respond_error    (SoupServerMessage        *msg,
                                         guint                     status,
                                         const char               *code,
                                         const char               *parameter,
                                         gint64                    retry_after,
                                         const char               *message);

void        qd_gw_http_close_after      (SoupServerMessage        *msg);
gboolean    qd_gw_http_refuse_larger    (SoupServerMessage        *msg,
                                         guint64                   limit,
                                         const char               *what);

G_END_DECLS
