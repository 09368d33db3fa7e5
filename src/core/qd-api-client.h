/* qd-api-client.h — Gateway API v1, asynchronously (docs/gateway-api.md)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "qd-batch-result.h"
#include "qd-gateway.h"
#include "qd-gateway-info.h"
#include "qd-item.h"
#include "qd-item-page.h"
#include "qd-item-source.h"
#include "qd-query.h"
#include "qd-verdict.h"

G_BEGIN_DECLS

#define QD_TYPE_API_CLIENT (qd_api_client_get_type ())

G_DECLARE_FINAL_TYPE (QdApiClient, qd_api_client, QD, API_CLIENT, GObject)

gboolean       qd_api_client_check_url      (const char    *url,
                                             GError       **error);
QdApiClient   *qd_api_client_new            (const char    *base_url,
                                             GError       **error);
const char    *qd_api_client_get_base_url   (QdApiClient   *self);
gboolean       qd_api_client_set_ca_file    (QdApiClient   *self,
                                             const char    *ca_file,
                                             GError       **error);
void           qd_api_client_set_timeout    (QdApiClient   *self,
                                             guint          seconds);
const char    *qd_api_client_get_username   (QdApiClient   *self);
void           qd_api_client_set_username   (QdApiClient   *self,
                                             const char    *username);
const char    *qd_api_client_get_token      (QdApiClient   *self);
void           qd_api_client_set_token      (QdApiClient   *self,
                                             const char    *token);
void           qd_api_client_set_renew_from_keyring (QdApiClient *self,
                                                     gboolean     renew);
QdGatewayInfo *qd_api_client_get_cached_info (QdApiClient  *self);

void           qd_api_client_get_info_async (QdApiClient         *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
QdGatewayInfo *qd_api_client_get_info_finish (QdApiClient        *self,
                                              GAsyncResult       *result,
                                              GError            **error);

void           qd_api_client_sign_in_async  (QdApiClient         *self,
                                             const char          *username,
                                             const char          *password,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
QdAccount     *qd_api_client_sign_in_finish (QdApiClient         *self,
                                             GAsyncResult        *result,
                                             GError             **error);
void           qd_api_client_sign_out_async (QdApiClient         *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean       qd_api_client_sign_out_finish (QdApiClient        *self,
                                              GAsyncResult       *result,
                                              GError            **error);
void           qd_api_client_get_account_async (QdApiClient      *self,
                                                GCancellable     *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer          user_data);
QdAccount     *qd_api_client_get_account_finish (QdApiClient     *self,
                                                 GAsyncResult    *result,
                                                 GError         **error);

void           qd_api_client_list_async     (QdApiClient         *self,
                                             const QdQuery       *query,
                                             const char          *cursor,
                                             guint                limit,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
void           qd_api_client_list_at_async  (QdApiClient         *self,
                                             const QdQuery       *query,
                                             guint                position,
                                             const char          *cursor,
                                             const char          *snapshot,
                                             guint                limit,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
QdItemPage    *qd_api_client_list_finish    (QdApiClient         *self,
                                             GAsyncResult        *result,
                                             GError             **error);

/* Takes @page (transfer full). */
typedef void (*QdItemPageFunc) (QdItemPage *page,
                                gpointer    user_data);

void           qd_api_client_list_pages_async (QdApiClient       *self,
                                               const QdQuery     *query,
                                               guint              max,
                                               QdItemPageFunc     each,
                                               gpointer           each_data,
                                               GCancellable      *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer           user_data);
gboolean       qd_api_client_list_pages_finish (QdApiClient      *self,
                                                GAsyncResult     *result,
                                                GError          **error);

void           qd_api_client_list_ids_async (QdApiClient         *self,
                                             const QdQuery       *query,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
GStrv          qd_api_client_list_ids_finish (QdApiClient        *self,
                                              GAsyncResult       *result,
                                              GError            **error);

void           qd_api_client_get_item_async (QdApiClient         *self,
                                             const char          *id,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
QdItem        *qd_api_client_get_item_finish (QdApiClient        *self,
                                              GAsyncResult       *result,
                                              GError            **error);
void           qd_api_client_get_raw_async  (QdApiClient         *self,
                                             const char          *id,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
GBytes        *qd_api_client_get_raw_finish (QdApiClient         *self,
                                             GAsyncResult        *result,
                                             GError             **error);

void           qd_api_client_act_async      (QdApiClient         *self,
                                             QdActions            action,
                                             const char * const  *ids,
                                             gboolean             approve_sender,
                                             QdProgressFunc       progress,
                                             gpointer             progress_data,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
QdBatchResult *qd_api_client_act_finish     (QdApiClient         *self,
                                             GAsyncResult        *result,
                                             GError             **error);
void           qd_api_client_find_async     (QdApiClient         *self,
                                             const char * const  *message_ids,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
GHashTable    *qd_api_client_find_finish    (QdApiClient         *self,
                                             GAsyncResult        *result,
                                             GError             **error);

void           qd_api_client_list_senders_async (QdApiClient     *self,
                                                 QdSenderList     list,
                                                 GCancellable    *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer         user_data);
GPtrArray     *qd_api_client_list_senders_finish (QdApiClient    *self,
                                                  GAsyncResult   *result,
                                                  GError        **error);
void           qd_api_client_change_sender_async (QdApiClient    *self,
                                                  QdSenderList    list,
                                                  const char     *address,
                                                  gboolean        add,
                                                  GCancellable   *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer        user_data);
gboolean       qd_api_client_change_sender_finish (QdApiClient   *self,
                                                   GAsyncResult  *result,
                                                   GError       **error);

void           qd_api_client_classify_async (QdApiClient         *self,
                                             GBytes              *message,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
QdVerdict     *qd_api_client_classify_finish (QdApiClient        *self,
                                              GAsyncResult       *result,
                                              GError            **error);

G_END_DECLS
