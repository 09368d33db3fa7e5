/* qd-gw-bench-seed.h — many held messages at once, for benchmarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qd-gw-gateway.h"

G_BEGIN_DECLS

gboolean qd_gw_bench_seed (QdGwGateway  *gateway,
                           const char   *username,
                           guint         count,
                           gint64        now,
                           GError      **error);

G_END_DECLS
