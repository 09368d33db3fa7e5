/* qd-pmg-client.h — Proxmox Mail Gateway's quarantine, as a quarantine user sees it
 *
 * A QdGateway of kind QD_GATEWAY_KIND_PMG and the QdItemSource of its
 * spam quarantine (shared/specs/pmg-quarantine-api.md).  Use it like any
 * gateway:
 *
 *   client = qd_pmg_client_new ("https://pmg.example.com", &error);
 *   qd_gateway_sign_in_async (QD_GATEWAY (client), user, password, …);
 *   source = qd_gateway_get_source (QD_GATEWAY (client), QD_FOLDER_QUARANTINE);
 *
 * or sign in with the link of a spam report: qd_pmg_client_new_from_link ()
 * then qd_pmg_client_sign_in_with_link_async ().  The ticket and CSRF token
 * stay in memory and are renewed without asking; what a caller keeps to
 * sign in again later is the password, or the link's ticket
 * (qd_pmg_client_get_link_ticket ()) until qd_pmg_client_get_ticket_expiry ().
 *
 * Certificates: the system's authorities (and a CA file) first.  When the
 * certificate is not trusted, the call fails with QD_ERROR_TLS and
 * qd_pmg_client_dup_peer_fingerprint () and _get_peer_certificate () say
 * what the server showed; once the person accepted it, the caller pins it
 * with qd_pmg_client_set_pinned_fingerprint () and keeps the pin for the
 * host (qd_gateway_get_base_url () names host and port).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "qd-gateway.h"
#include "qd-item.h"
#include "qd-item-source.h"

G_BEGIN_DECLS

#define QD_TYPE_PMG_CLIENT (qd_pmg_client_get_type ())

G_DECLARE_FINAL_TYPE (QdPmgClient, qd_pmg_client, QD, PMG_CLIENT, GObject)

QdPmgClient     *qd_pmg_client_new                 (const char    *base_url,
                                                    GError       **error);
QdPmgClient     *qd_pmg_client_new_from_link       (const char    *link_url,
                                                    GError       **error);
const char      *qd_pmg_client_get_base_url        (QdPmgClient   *self);
gboolean         qd_pmg_client_set_ca_file         (QdPmgClient   *self,
                                                    const char    *ca_file,
                                                    GError       **error);
gboolean         qd_pmg_client_set_pinned_fingerprint (QdPmgClient *self,
                                                       const char  *fingerprint,
                                                       GError     **error);
const char      *qd_pmg_client_get_pinned_fingerprint (QdPmgClient *self);
char            *qd_pmg_client_dup_peer_fingerprint (QdPmgClient  *self);
GTlsCertificate *qd_pmg_client_get_peer_certificate (QdPmgClient  *self);
char            *qd_pmg_client_dup_peer_description (QdPmgClient  *self);
void             qd_pmg_client_set_timeout         (QdPmgClient   *self,
                                                    guint          seconds);

const char      *qd_pmg_client_get_userid          (QdPmgClient   *self);
const char      *qd_pmg_client_get_link_ticket     (QdPmgClient   *self);
const char      *qd_pmg_client_get_ticket          (QdPmgClient   *self);
GDateTime       *qd_pmg_client_get_ticket_expiry   (QdPmgClient   *self);

void             qd_pmg_client_sign_in_async       (QdPmgClient         *self,
                                                    const char          *username,
                                                    const char          *password,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
QdAccount       *qd_pmg_client_sign_in_finish      (QdPmgClient         *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
void             qd_pmg_client_sign_in_with_link_async (QdPmgClient         *self,
                                                        const char          *link_url,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
QdAccount       *qd_pmg_client_sign_in_with_link_finish (QdPmgClient        *self,
                                                         GAsyncResult       *result,
                                                         GError            **error);

void             qd_pmg_client_get_item_async      (QdPmgClient         *self,
                                                    const char          *id,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
QdItem          *qd_pmg_client_get_item_finish     (QdPmgClient         *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

G_END_DECLS
