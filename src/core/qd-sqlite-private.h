/* qd-sqlite-private.h — SQLite helpers: prepare, step, exec with GError
 *
 * Shared by the client's store and the gateway's; not part of qd-core.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* Sets @error for the SQLite result code @rc of @owner's connection, in
 * the owner's words (each program tells a failure its own way); returns
 * FALSE. */
typedef gboolean (*QdSqliteFailFunc) (gpointer   owner,
                                      int        rc,
                                      GError   **error);

/* A connection, and who tells its failures. */
typedef struct
{
  sqlite3          *db;
  QdSqliteFailFunc  fail;
  gpointer          owner;
} QdSqlite;

gboolean      qd_sqlite_fail        (QdSqlite      *sqlite,
                                     int            rc,
                                     GError       **error);
gboolean      qd_sqlite_exec        (QdSqlite      *sqlite,
                                     const char    *sql,
                                     GError       **error);
sqlite3_stmt *qd_sqlite_prepare     (QdSqlite      *sqlite,
                                     const char    *sql,
                                     GError       **error);
gboolean      qd_sqlite_step        (QdSqlite      *sqlite,
                                     sqlite3_stmt  *stmt,
                                     GError       **error);
void          qd_sqlite_rollback    (QdSqlite      *sqlite);

char         *qd_sqlite_column_text (sqlite3_stmt  *stmt,
                                     int            column);
GDateTime    *qd_sqlite_column_time (sqlite3_stmt  *stmt,
                                     int            column);
void          qd_sqlite_bind_time   (sqlite3_stmt  *stmt,
                                     int            column,
                                     GDateTime     *time);

G_END_DECLS
