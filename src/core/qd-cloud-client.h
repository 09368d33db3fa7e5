/* qd-cloud-client.h — the cloud service's Email Quarantine API, as a gateway and its quarantine
 *
 * A QdCloudClient is a QdGateway (kind QD_GATEWAY_KIND_CLOUD) and the
 * QdItemSource of its one folder, QD_FOLDER_QUARANTINE.  The caller makes
 * it with the regional base URL the person chose (or a custom one), signs
 * in with qd_gateway_sign_in_async () (the quarantine portal's address
 * and password: one list call proves them), then asks
 * qd_gateway_get_source (gateway, QD_FOLDER_QUARANTINE).  There is no
 * session: the password is kept in memory, sent with every request, and
 * forgotten by qd_gateway_sign_out_async ().  A refused password is never
 * tried again by itself (the service may lock the account).
 *
 * The service's calls take only ids: what an item allows (release,
 * preview) and its sender (for approve and block) are learnt from a
 * listing by this client, so list (or list_ids) before acting on ids
 * kept from elsewhere; an unknown sender fails that id with a sentence.
 *
 * The service gives no message source, only a preview: get_raw builds an
 * RFC 5322 message of its headers and text parts, and the capabilities
 * say QD_GATEWAY_CAN_RAW is not there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "qd-gateway.h"
#include "qd-item-source.h"

G_BEGIN_DECLS

/* The regional base URLs of the service (spec §2); a custom one works too. */
#define QD_CLOUD_CLIENT_URL_EU "https://api.eu.quarantine.symantec.com"
#define QD_CLOUD_CLIENT_URL_US "https://api.us.quarantine.symantec.com"

#define QD_TYPE_CLOUD_CLIENT (qd_cloud_client_get_type ())

/* How far back a listing without a start goes, unless set otherwise. */
#define QD_CLOUD_CLIENT_WINDOW_DAYS 30

G_DECLARE_FINAL_TYPE (QdCloudClient, qd_cloud_client, QD, CLOUD_CLIENT, GObject)

QdCloudClient *qd_cloud_client_new         (const char     *base_url,
                                            GError        **error);
gboolean       qd_cloud_client_set_ca_file (QdCloudClient  *self,
                                            const char     *ca_file,
                                            GError        **error);
const char    *qd_cloud_client_get_base_url (QdCloudClient *self);
const char    *qd_cloud_client_get_username (QdCloudClient *self);
void           qd_cloud_client_set_window_days (QdCloudClient *self,
                                                guint          days);

G_END_DECLS
