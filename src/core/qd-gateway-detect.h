/* qd-gateway-detect.h — which kind of gateway an address is, asked without signing in, and a client of that kind
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "qd-gateway.h"

G_BEGIN_DECLS

gboolean qd_gateway_kind_from_host          (const char           *host,
                                             QdGatewayKind        *kind);
void     qd_gateway_detect_kind_async       (const char           *url,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean qd_gateway_detect_kind_finish      (GAsyncResult         *result,
                                             QdGatewayKind        *kind,
                                             char                **base_url,
                                             GError              **error);

void     qd_gateway_detect_kind_isolated_async (const char        *url,
                                                GCancellable      *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer           user_data);
gboolean qd_gateway_detect_kind_run_child   (int                   argc,
                                             char                **argv,
                                             int                  *exit_status);

QdGateway *qd_gateway_new_for_kind         (QdGatewayKind         kind,
                                             const char           *base_url,
                                             const char           *ca_file,
                                             GError              **error);

G_END_DECLS
