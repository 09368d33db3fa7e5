/* qd-gw-server.h — Gateway API v1 over HTTP (docs/gateway-api.md)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "qd-gw-gateway.h"

G_BEGIN_DECLS

#define QD_TYPE_GW_SERVER (qd_gw_server_get_type ())

G_DECLARE_FINAL_TYPE (QdGwServer, qd_gw_server, QD, GW_SERVER, GObject)

QdGwServer *qd_gw_server_new    (QdGwGateway      *gateway,
                                 GTlsCertificate  *certificate);
gboolean    qd_gw_server_listen (QdGwServer       *self,
                                 const char       *host,
                                 guint16           port,
                                 guint16          *out_port,
                                 GError          **error);
gboolean    qd_gw_server_is_https (QdGwServer     *self);
gboolean    qd_gw_server_set_timing_log (QdGwServer *self,
                                         const char *path,
                                         GError    **error);

G_END_DECLS
