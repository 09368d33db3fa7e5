/* qd-gw-relay.h — released mail handed back to the mail system over SMTP
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define QD_GW_RELEASE_ID_HEADER "X-QD-Release-Id"

#define QD_TYPE_GW_RELAY (qd_gw_relay_get_type ())

G_DECLARE_FINAL_TYPE (QdGwRelay, qd_gw_relay, QD, GW_RELAY, GObject)

char       *qd_gw_relay_release_id (gint64        item_id,
                                    const char   *instance_id);
GBytes     *qd_gw_relay_compose    (const char   *release_id,
                                    GBytes       *original);

QdGwRelay  *qd_gw_relay_new        (const char   *host,
                                    guint16       port,
                                    const char   *instance_id);
const char *qd_gw_relay_get_server (QdGwRelay    *self);
void        qd_gw_relay_set_timeout (QdGwRelay   *self,
                                     guint        seconds);
gboolean    qd_gw_relay_send       (QdGwRelay    *self,
                                    gint64        item_id,
                                    const char   *envelope_sender,
                                    const char   *recipient,
                                    const char   *path,
                                    GError      **error);

G_END_DECLS
