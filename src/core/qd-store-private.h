/* qd-store-private.h — what qd-store.c shares with qd-store-samples.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "qd-store.h"

G_BEGIN_DECLS

/* PRAGMA user_version of the store this code writes. */
#define QD_STORE_SCHEMA_VERSION 2

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

sqlite3  *qd_store_get_db       (QdStore     *self);
gboolean  qd_store_fail         (QdStore     *self,
                                 int          rc,
                                 GError     **error);

/* qd-store-samples.c */
gboolean  qd_store_migrate      (QdStore     *self,
                                 const char  *schema_1,
                                 GError     **error);

G_END_DECLS
