/* qd-sqlite.c — SQLite helpers: prepare, step, exec with GError
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "qd-sqlite-private.h"

gboolean
qd_sqlite_fail (QdSqlite  *sqlite,
                int        rc,
                GError   **error)
{
  return sqlite->fail (sqlite->owner, rc, error);
}

gboolean
qd_sqlite_exec (QdSqlite    *sqlite,
                const char  *sql,
                GError     **error)
{
  int rc = sqlite3_exec (sqlite->db, sql, NULL, NULL, NULL);

  return rc == SQLITE_OK ? TRUE : qd_sqlite_fail (sqlite, rc, error);
}

sqlite3_stmt *
qd_sqlite_prepare (QdSqlite    *sqlite,
                   const char  *sql,
                   GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (sqlite->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      qd_sqlite_fail (sqlite, rc, error);
      return NULL;
    }
  return stmt;
}

/**
 * qd_sqlite_step:
 *
 * Runs @stmt, whose rows (if any) are not read, and resets it: it can
 * run again with new bindings, and holds no lock meanwhile.
 */
gboolean
qd_sqlite_step (QdSqlite      *sqlite,
                sqlite3_stmt  *stmt,
                GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  return rc == SQLITE_DONE || rc == SQLITE_ROW ? TRUE : qd_sqlite_fail (sqlite, rc, error);
}

/* After a failure: the transaction, if one is still open, is undone. */
void
qd_sqlite_rollback (QdSqlite *sqlite)
{
  if (!sqlite3_get_autocommit (sqlite->db))
    sqlite3_exec (sqlite->db, "ROLLBACK", NULL, NULL, NULL);
}

char *
qd_sqlite_column_text (sqlite3_stmt *stmt,
                       int           column)
{
  return g_strdup ((const char *)sqlite3_column_text (stmt, column));
}

GDateTime *
qd_sqlite_column_time (sqlite3_stmt *stmt,
                       int           column)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return NULL;
  return g_date_time_new_from_unix_utc (sqlite3_column_int64 (stmt, column));
}

void
qd_sqlite_bind_time (sqlite3_stmt *stmt,
                     int           column,
                     GDateTime    *time)
{
  if (time == NULL)
    sqlite3_bind_null (stmt, column);
  else
    sqlite3_bind_int64 (stmt, column, g_date_time_to_unix (time));
}
