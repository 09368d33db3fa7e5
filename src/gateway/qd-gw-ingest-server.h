/* qd-gw-ingest-server.h — the mail system's HTTP listener: rspamd's held copies and sender maps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "qd-gw-gateway.h"

G_BEGIN_DECLS

#define QD_GW_INGEST_DEFAULT_MAX_BYTES (64 * 1024 * 1024)

#define QD_TYPE_GW_INGEST_SERVER (qd_gw_ingest_server_get_type ())

G_DECLARE_FINAL_TYPE (QdGwIngestServer, qd_gw_ingest_server, QD, GW_INGEST_SERVER, GObject)

char             *qd_gw_ingest_read_secret   (const char        *path,
                                              GError           **error);

QdGwIngestServer *qd_gw_ingest_server_new    (QdGwGateway       *gateway,
                                              const char        *secret,
                                              gint64             max_bytes);
gboolean          qd_gw_ingest_server_listen (QdGwIngestServer  *self,
                                              const char        *host,
                                              guint16            port,
                                              guint16           *out_port,
                                              GError           **error);

G_END_DECLS
