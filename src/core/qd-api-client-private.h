/* qd-api-client-private.h — what qd-api-client.c shares with
 * qd-api-client-pages.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qd-api-client.h"

G_BEGIN_DECLS

const char *qd_api_client_get_host        (QdApiClient         *self);
void        qd_api_client_list_raw_async  (QdApiClient         *self,
                                           const QdQuery       *query,
                                           const char          *cursor,
                                           guint                limit,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
GBytes     *qd_api_client_list_raw_finish (QdApiClient         *self,
                                           GAsyncResult        *result,
                                           char               **next_cursor,
                                           GError             **error);

G_END_DECLS
