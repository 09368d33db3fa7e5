/* qd-store-private.h — what qd-store.c shares with qd-store-samples.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qd-sqlite-private.h"
#include "qd-store.h"

G_BEGIN_DECLS

/* PRAGMA user_version of the store this code writes. */
#define QD_STORE_SCHEMA_VERSION 2

/* The connection, whose failures read as the store's. */
QdSqlite *qd_store_get_sqlite   (QdStore     *self);

/* qd-store-samples.c */
gboolean  qd_store_migrate      (QdStore     *self,
                                 const char  *schema_1,
                                 GError     **error);

G_END_DECLS
