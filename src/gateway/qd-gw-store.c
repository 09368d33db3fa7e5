/* qd-gw-store.c — SQLite in WAL mode; every value is bound, never spliced
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "qd-gw-store.h"
#include "qd-sqlite-private.h"

struct _QdGwStore
{
  GObject   parent_instance;
  QdSqlite  sqlite;
  GHashTable *statements;   /* SQL text (static) -> sqlite3_stmt */
  gint64    senders_changed_at;  /* unix seconds: a sender list's last change */

  /* The last count of a listing, which each of its pages asks for again:
   * at 100 000 items counting was most of a page's time.  It holds while
   * the filter and the second are the same and nothing was written, here
   * (total changes) or by another process (data_version). */
  char     *count_key;
  gint64    count;
  int       list_steps;  /* the last page's, for the tests */
  gint64    count_changes;
  gint64    count_version;
};

G_DEFINE_FINAL_TYPE (QdGwStore, qd_gw_store, G_TYPE_OBJECT)

#define QD_GW_STORE_ERROR (g_quark_from_static_string ("qd-gw-store-error"))

static const char schema[] =
  "PRAGMA journal_mode = WAL;"
  "PRAGMA synchronous = NORMAL;"
  "PRAGMA foreign_keys = ON;"
  /* Pages and counts read the listing indexes, which at 100 000 items
   * outgrow SQLite's own 2 MB cache: mapped, they are read in place
   * from the system's file cache instead of copied in with a system
   * call per page (a count: 30 ms, 18 mapped). */
  "PRAGMA mmap_size = 268435456;"
  "CREATE TABLE IF NOT EXISTS users ("
  "  id INTEGER PRIMARY KEY,"
  "  username TEXT NOT NULL UNIQUE,"
  "  address TEXT NOT NULL,"
  "  display_name TEXT,"
  "  password_hash TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL DEFAULT (unixepoch()));"
  "CREATE TABLE IF NOT EXISTS sessions ("
  "  token_hash TEXT PRIMARY KEY,"
  "  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  expires_at INTEGER NOT NULL);"
  "CREATE INDEX IF NOT EXISTS sessions_by_expiry ON sessions (expires_at);"
  "CREATE TABLE IF NOT EXISTS items ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  folder INTEGER NOT NULL,"
  "  status TEXT NOT NULL DEFAULT 'held',"
  "  received_at INTEGER NOT NULL,"
  "  envelope_sender TEXT,"
  "  from_header TEXT,"
  "  from_name TEXT,"
  "  from_address TEXT,"
  "  recipient TEXT,"
  "  subject TEXT,"
  "  size INTEGER NOT NULL DEFAULT 0,"
  "  reason INTEGER NOT NULL,"
  "  category INTEGER NOT NULL DEFAULT 0,"
  "  policy_rule TEXT,"
  "  score REAL NOT NULL DEFAULT 0,"
  "  rules TEXT NOT NULL DEFAULT '[]',"
  "  expires_at INTEGER NOT NULL,"
  "  maildir_name TEXT,"
  "  search TEXT NOT NULL DEFAULT '',"
  "  listed INTEGER GENERATED ALWAYS AS (status IN ('held', 'release_requested')) VIRTUAL,"
  "  from_sort TEXT GENERATED ALWAYS AS"
  "    (lower(coalesce(nullif(from_name, ''), from_address, ''))) VIRTUAL,"
  "  subject_sort TEXT GENERATED ALWAYS AS (lower(coalesce(subject, ''))) VIRTUAL);"
  /* One index per sort order, led by the equality filters and the sort
   * key, then carrying every other filtered column: a page is an index
   * range scan that stops at its limit, and a count, or a search that
   * matches few rows, reads only the index, never the rows (100 000
   * items count in about 15 ms instead of 60).  The statements name
   * their index: with a time range the planner would otherwise sort a
   * whole folder by hand.  The tests check the plans. */
  "DROP INDEX IF EXISTS items_by_received;"
  "DROP INDEX IF EXISTS items_by_size;"
  "DROP INDEX IF EXISTS items_by_from;"
  "DROP INDEX IF EXISTS items_by_subject;"
  "CREATE INDEX IF NOT EXISTS items_list_received ON items (user_id, folder, listed,"
  "  received_at, id, reason, category, expires_at, search);"
  "CREATE INDEX IF NOT EXISTS items_list_size ON items (user_id, folder, listed,"
  "  size, id, reason, category, expires_at, received_at, search);"
  "CREATE INDEX IF NOT EXISTS items_list_from ON items (user_id, folder, listed,"
  "  from_sort, id, reason, category, expires_at, received_at, search);"
  "CREATE INDEX IF NOT EXISTS items_list_subject ON items (user_id, folder, listed,"
  "  subject_sort, id, reason, category, expires_at, received_at, search);"
  /* The count without a search, asked with a listing's first page:
   * without the search text its index is a third of the size (100 000
   * items: 18 ms, 10 with it). */
  "CREATE INDEX IF NOT EXISTS items_count ON items (user_id, folder, listed,"
  "  received_at, reason, category, expires_at, id);"
  "CREATE INDEX IF NOT EXISTS items_by_expiry ON items (listed, expires_at);"
  "CREATE TABLE IF NOT EXISTS senders ("
  "  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  list INTEGER NOT NULL,"
  "  address TEXT NOT NULL,"
  "  added_at INTEGER NOT NULL,"
  "  PRIMARY KEY (user_id, list, address));"
  "CREATE TABLE IF NOT EXISTS submissions ("
  "  id INTEGER PRIMARY KEY,"
  "  received_at INTEGER NOT NULL,"
  "  mail_from TEXT NOT NULL,"
  "  rcpt_to TEXT NOT NULL,"
  "  size INTEGER NOT NULL,"
  "  path TEXT NOT NULL,"
  "  status TEXT NOT NULL);"
  "CREATE TABLE IF NOT EXISTS samples ("
  "  id INTEGER PRIMARY KEY,"
  "  submission_id INTEGER NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,"
  "  sha256 TEXT NOT NULL,"
  "  from_header TEXT,"
  "  subject TEXT,"
  "  received_at INTEGER,"
  "  encoding TEXT,"
  "  status TEXT NOT NULL,"
  "  reason TEXT);"
  "CREATE INDEX IF NOT EXISTS samples_by_digest ON samples (sha256, status);";

static void
set_sqlite_error (GError  **error,
                  sqlite3  *db)
{
  g_set_error (error, QD_GW_STORE_ERROR, sqlite3_extended_errcode (db),
               "database error: %s", sqlite3_errmsg (db));
}

/* QdSqliteFailFunc: the connection says what went wrong. */
static gboolean
store_fail (gpointer   owner,
            int        rc,
            GError   **error)
{
  QdGwStore *self = owner;

  set_sqlite_error (error, self->sqlite.db);
  return FALSE;
}

/* Statements are prepared once and cached by their (static) text. */
static sqlite3_stmt *
prepare (QdGwStore  *self,
         const char *sql)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);

  if (stmt == NULL)
    {
      if (sqlite3_prepare_v3 (self->sqlite.db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt,
                              NULL) != SQLITE_OK)
        g_error ("cannot prepare “%s”: %s", sql, sqlite3_errmsg (self->sqlite.db));
      g_hash_table_insert (self->statements, (gpointer)sql, stmt);
    }
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return stmt;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *value)
{
  if (value != NULL)
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

/* Runs a query of one number: its first row's first column, or 0 when it
 * has no row. */
static gint64
read_int64 (sqlite3_stmt *stmt)
{
  gint64 value = 0;

  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return value;
}

static void
qd_gw_store_finalize (GObject *object)
{
  QdGwStore *self = (QdGwStore *)object;

  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->sqlite.db, sqlite3_close);
  g_free (self->count_key);

  G_OBJECT_CLASS (qd_gw_store_parent_class)->finalize (object);
}

static void
qd_gw_store_class_init (QdGwStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = qd_gw_store_finalize;
}

static void
qd_gw_store_init (QdGwStore *self)
{
  self->sqlite.fail = store_fail;
  self->sqlite.owner = self;
  self->statements = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                            (GDestroyNotify)sqlite3_finalize);
  self->senders_changed_at = g_get_real_time () / G_USEC_PER_SEC;
}

/* Items held from rspamd carry Postfix's queue id; databases made before
 * that get the column here.  The unique index makes a retried POST from
 * rspamd find its item instead of making a second one. */
static gboolean
upgrade_for_ingest (QdGwStore   *self,
                    const char  *path,
                    GError     **error)
{
  static const char * const columns[] = { "queue_id", "message_id" };
  char *errmsg = NULL;
  int rc;

  rc = sqlite3_exec (self->sqlite.db, "BEGIN IMMEDIATE", NULL, NULL, &errmsg);
  for (guint i = 0; rc == SQLITE_OK && i < G_N_ELEMENTS (columns); i++)
    {
      sqlite3_stmt *stmt = NULL;
      gboolean present = FALSE;

      if (sqlite3_prepare_v2 (self->sqlite.db,
                              "SELECT 1 FROM pragma_table_info ('items') WHERE name = ?",
                              -1, &stmt, NULL) == SQLITE_OK)
        {
          sqlite3_bind_text (stmt, 1, columns[i], -1, SQLITE_STATIC);
          present = sqlite3_step (stmt) == SQLITE_ROW;
        }
      sqlite3_finalize (stmt);
      if (!present)
        {
          g_autofree char *sql = g_strdup_printf ("ALTER TABLE items ADD COLUMN %s TEXT",
                                                  columns[i]);

          rc = sqlite3_exec (self->sqlite.db, sql, NULL, NULL, &errmsg);
        }
    }
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (self->sqlite.db,
                       "CREATE UNIQUE INDEX IF NOT EXISTS items_by_queue_id"
                       " ON items (queue_id, recipient) WHERE queue_id IS NOT NULL;"
                       "CREATE INDEX IF NOT EXISTS items_by_message_id"
                       " ON items (recipient, message_id, received_at)"
                       " WHERE message_id IS NOT NULL;"
                       "CREATE INDEX IF NOT EXISTS items_by_user_message_id"
                       " ON items (user_id, message_id) WHERE message_id IS NOT NULL;"
                       "CREATE INDEX IF NOT EXISTS users_by_address ON users (lower(address));"
                       "COMMIT",
                       NULL, NULL, &errmsg);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, QD_GW_STORE_ERROR, rc, "cannot upgrade the database %s: %s", path,
                   errmsg != NULL ? errmsg : sqlite3_errmsg (self->sqlite.db));
      sqlite3_free (errmsg);
      sqlite3_exec (self->sqlite.db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  return TRUE;
}

QdGwStore *
qd_gw_store_open (const char  *path,
                  GError     **error)
{
  g_autoptr(QdGwStore) self = g_object_new (QD_TYPE_GW_STORE, NULL);
  char *errmsg = NULL;

  if (sqlite3_open_v2 (path, &self->sqlite.db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK)
    {
      g_set_error (error, QD_GW_STORE_ERROR, 0, "cannot open the database %s: %s", path,
                   self->sqlite.db != NULL ? sqlite3_errmsg (self->sqlite.db) : "out of memory");
      return NULL;
    }
  sqlite3_busy_timeout (self->sqlite.db, 5000);
  if (sqlite3_exec (self->sqlite.db, schema, NULL, NULL, &errmsg) != SQLITE_OK)
    {
      g_set_error (error, QD_GW_STORE_ERROR, 0, "cannot set up the database %s: %s", path,
                   errmsg);
      sqlite3_free (errmsg);
      return NULL;
    }
  if (!upgrade_for_ingest (self, path, error))
    return NULL;
  return g_steal_pointer (&self);
}

gboolean
qd_gw_store_begin (QdGwStore  *self,
                   GError    **error)
{
  return qd_sqlite_step (&self->sqlite, prepare (self, "BEGIN IMMEDIATE"), error);
}

gboolean
qd_gw_store_commit (QdGwStore  *self,
                    GError    **error)
{
  return qd_sqlite_step (&self->sqlite, prepare (self, "COMMIT"), error);
}

void
qd_gw_store_rollback (QdGwStore *self)
{
  qd_sqlite_rollback (&self->sqlite);
}

/**
 * qd_gw_store_explain_used:
 *
 * The query plan of every statement this store has prepared so far, for
 * the tests that check that each one reads through an index.
 *
 * Returns: (transfer full) (element-type utf8): "SQL\n  plan line\n…"
 */
GPtrArray *
qd_gw_store_explain_used (QdGwStore *self)
{
  GPtrArray *plans = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer sql;

  g_hash_table_iter_init (&iter, self->statements);
  while (g_hash_table_iter_next (&iter, &sql, NULL))
    {
      g_autofree char *explain = g_strconcat ("EXPLAIN QUERY PLAN ", sql, NULL);
      GString *plan = g_string_new (sql);
      sqlite3_stmt *stmt = NULL;

      if (sqlite3_prepare_v2 (self->sqlite.db, explain, -1, &stmt, NULL) == SQLITE_OK)
        {
          while (sqlite3_step (stmt) == SQLITE_ROW)
            g_string_append_printf (plan, "\n  %s", sqlite3_column_text (stmt, 3));
        }
      else
        g_string_append_printf (plan, "\n  cannot explain: %s", sqlite3_errmsg (self->sqlite.db));
      sqlite3_finalize (stmt);
      g_ptr_array_add (plans, g_string_free (plan, FALSE));
    }
  return plans;
}

/**
 * qd_gw_store_get_list_steps:
 *
 * How many steps of SQLite's virtual machine the last page took: the
 * tests check that a page after a row costs about what the first does.
 */
int
qd_gw_store_get_list_steps (QdGwStore *self)
{
  return self->list_steps;
}

/* users and sessions */

void
qd_gw_user_free (QdGwUser *user)
{
  g_free (user->username);
  g_free (user->address);
  g_free (user->display_name);
  g_free (user->password_hash);
  g_free (user);
}

gint64
qd_gw_store_add_user (QdGwStore   *self,
                      const char  *username,
                      const char  *address,
                      const char  *display_name,
                      const char  *password_hash,
                      gboolean     replace,
                      GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 user_id;

  if (!replace)
    {
      g_autoptr(QdGwUser) existing = qd_gw_store_find_user (self, username);

      if (existing != NULL)
        {
          g_set_error (error, QD_GW_STORE_ERROR, SQLITE_CONSTRAINT,
                       "the user “%s” exists already", username);
          return 0;
        }
    }
  stmt = prepare (self,
    "INSERT INTO users (username, address, display_name, password_hash) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (username) DO UPDATE SET address = excluded.address,"
    " display_name = excluded.display_name, password_hash = excluded.password_hash");
  bind_text (stmt, 1, username);
  bind_text (stmt, 2, address);
  bind_text (stmt, 3, display_name);
  bind_text (stmt, 4, password_hash);
  if (!qd_sqlite_step (&self->sqlite, stmt, error))
    return 0;
  stmt = prepare (self, "SELECT id FROM users WHERE username = ?");
  bind_text (stmt, 1, username);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      set_sqlite_error (error, self->sqlite.db);
      return 0;
    }
  user_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return user_id;
}

#define USER_COLUMNS "id, username, address, display_name, password_hash"

/* The row @stmt stands on, its columns selected as USER_COLUMNS. */
static QdGwUser *
user_from_row (sqlite3_stmt *stmt)
{
  QdGwUser *user = g_new0 (QdGwUser, 1);

  user->id = sqlite3_column_int64 (stmt, 0);
  user->username = qd_sqlite_column_text (stmt, 1);
  user->address = qd_sqlite_column_text (stmt, 2);
  user->display_name = qd_sqlite_column_text (stmt, 3);
  user->password_hash = qd_sqlite_column_text (stmt, 4);
  return user;
}

static QdGwUser *
read_user (sqlite3_stmt *stmt)
{
  QdGwUser *user;

  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  user = user_from_row (stmt);
  sqlite3_reset (stmt);
  return user;
}

QdGwUser *
qd_gw_store_find_user (QdGwStore  *self,
                       const char *username)
{
  sqlite3_stmt *stmt = prepare (self,
    "SELECT " USER_COLUMNS " FROM users WHERE username = ?");

  bind_text (stmt, 1, username);
  return read_user (stmt);
}

QdGwUser *
qd_gw_store_get_user (QdGwStore *self,
                      gint64     user_id)
{
  sqlite3_stmt *stmt = prepare (self,
    "SELECT " USER_COLUMNS " FROM users WHERE id = ?");

  sqlite3_bind_int64 (stmt, 1, user_id);
  return read_user (stmt);
}

gboolean
qd_gw_store_add_session (QdGwStore   *self,
                         const char  *token_hash,
                         gint64       user_id,
                         gint64       expires_at,
                         GError     **error)
{
  sqlite3_stmt *stmt = prepare (self,
    "INSERT INTO sessions (token_hash, user_id, expires_at) VALUES (?, ?, ?)");

  bind_text (stmt, 1, token_hash);
  sqlite3_bind_int64 (stmt, 2, user_id);
  sqlite3_bind_int64 (stmt, 3, expires_at);
  return qd_sqlite_step (&self->sqlite, stmt, error);
}

gboolean
qd_gw_store_find_session (QdGwStore  *self,
                          const char *token_hash,
                          gint64     *user_id,
                          gint64     *expires_at)
{
  sqlite3_stmt *stmt = prepare (self,
    "SELECT user_id, expires_at FROM sessions WHERE token_hash = ?");
  gboolean found;

  bind_text (stmt, 1, token_hash);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  if (found)
    {
      *user_id = sqlite3_column_int64 (stmt, 0);
      *expires_at = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  return found;
}

void
qd_gw_store_delete_session (QdGwStore  *self,
                            const char *token_hash)
{
  sqlite3_stmt *stmt = prepare (self, "DELETE FROM sessions WHERE token_hash = ?");

  bind_text (stmt, 1, token_hash);
  qd_sqlite_step (&self->sqlite, stmt, NULL);
}

void
qd_gw_store_purge_sessions (QdGwStore *self,
                            gint64     now)
{
  /* Keep expired sessions a day, so their holders hear "expired",
   * not "unknown token". */
  sqlite3_stmt *stmt = prepare (self, "DELETE FROM sessions WHERE expires_at < ?");

  sqlite3_bind_int64 (stmt, 1, now - 24 * 3600);
  qd_sqlite_step (&self->sqlite, stmt, NULL);
}

/* items */

void
qd_gw_item_free (QdGwItem *item)
{
  g_free (item->status);
  g_free (item->envelope_sender);
  g_free (item->from_header);
  g_free (item->from_name);
  g_free (item->from_address);
  g_free (item->recipient);
  g_free (item->subject);
  g_free (item->policy_rule);
  g_free (item->rules_json);
  g_free (item->maildir_name);
  g_free (item->message_id);
  g_free (item);
}

QdActions
qd_gw_item_get_actions (const QdGwItem *item)
{
  if (item->folder == QD_FOLDER_JUNK)
    return QD_ACTION_MOVE_TO_INBOX | QD_ACTION_DELETE | QD_ACTION_BLOCK_SENDER |
           QD_ACTION_APPROVE_SENDER;

  switch (item->reason)
    {
    case QD_REASON_PHISHING:
      return QD_ACTION_REQUEST_RELEASE | QD_ACTION_DELETE | QD_ACTION_BLOCK_SENDER;
    case QD_REASON_MALWARE:
      return QD_ACTION_DELETE;
    case QD_REASON_GRAYMAIL:
    case QD_REASON_SPAM:
    case QD_REASON_POLICY:
    default:
      return QD_ACTION_RELEASE | QD_ACTION_DELETE | QD_ACTION_BLOCK_SENDER |
             QD_ACTION_APPROVE_SENDER;
    }
}

static char *
make_search_text (const QdGwItem *item)
{
  g_autofree char *joined = g_strjoin ("\n",
                                       item->from_header ? item->from_header : "",
                                       item->envelope_sender ? item->envelope_sender : "",
                                       item->subject ? item->subject : "",
                                       NULL);

  return g_utf8_strdown (joined, -1);
}

gint64
qd_gw_store_add_item (QdGwStore  *self,
                      QdGwItem   *item,
                      GError    **error)
{
  sqlite3_stmt *stmt = prepare (self,
    "INSERT INTO items (user_id, folder, status, received_at, envelope_sender, from_header,"
    " from_name, from_address, recipient, subject, size, reason, category, policy_rule, score,"
    " rules, expires_at, maildir_name, search, message_id)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  g_autofree char *search = make_search_text (item);

  sqlite3_bind_int64 (stmt, 1, item->user_id);
  sqlite3_bind_int (stmt, 2, item->folder);
  bind_text (stmt, 3, item->status ? item->status : QD_GW_STATUS_HELD);
  sqlite3_bind_int64 (stmt, 4, item->received_at);
  bind_text (stmt, 5, item->envelope_sender);
  bind_text (stmt, 6, item->from_header);
  bind_text (stmt, 7, item->from_name);
  bind_text (stmt, 8, item->from_address);
  bind_text (stmt, 9, item->recipient);
  bind_text (stmt, 10, item->subject);
  sqlite3_bind_int64 (stmt, 11, item->size);
  sqlite3_bind_int (stmt, 12, item->reason);
  sqlite3_bind_int (stmt, 13, item->category);
  bind_text (stmt, 14, item->policy_rule);
  sqlite3_bind_double (stmt, 15, item->score);
  bind_text (stmt, 16, item->rules_json ? item->rules_json : "[]");
  sqlite3_bind_int64 (stmt, 17, item->expires_at);
  bind_text (stmt, 18, item->maildir_name);
  bind_text (stmt, 19, search);
  bind_text (stmt, 20, item->message_id);
  if (!qd_sqlite_step (&self->sqlite, stmt, error))
    return 0;
  item->id = sqlite3_last_insert_rowid (self->sqlite.db);
  return item->id;
}

#define ITEM_COLUMNS \
  "id, user_id, folder, status, received_at, envelope_sender, from_header, from_name," \
  " from_address, recipient, subject, size, reason, category, policy_rule, score, rules," \
  " expires_at, maildir_name, message_id"

static QdGwItem *
read_item (sqlite3_stmt *stmt)
{
  QdGwItem *item = g_new0 (QdGwItem, 1);

  item->id = sqlite3_column_int64 (stmt, 0);
  item->user_id = sqlite3_column_int64 (stmt, 1);
  item->folder = sqlite3_column_int (stmt, 2);
  item->status = qd_sqlite_column_text (stmt, 3);
  item->received_at = sqlite3_column_int64 (stmt, 4);
  item->envelope_sender = qd_sqlite_column_text (stmt, 5);
  item->from_header = qd_sqlite_column_text (stmt, 6);
  item->from_name = qd_sqlite_column_text (stmt, 7);
  item->from_address = qd_sqlite_column_text (stmt, 8);
  item->recipient = qd_sqlite_column_text (stmt, 9);
  item->subject = qd_sqlite_column_text (stmt, 10);
  item->size = sqlite3_column_int64 (stmt, 11);
  item->reason = sqlite3_column_int (stmt, 12);
  item->category = sqlite3_column_int (stmt, 13);
  item->policy_rule = qd_sqlite_column_text (stmt, 14);
  item->score = sqlite3_column_double (stmt, 15);
  item->rules_json = qd_sqlite_column_text (stmt, 16);
  item->expires_at = sqlite3_column_int64 (stmt, 17);
  item->maildir_name = qd_sqlite_column_text (stmt, 18);
  item->message_id = qd_sqlite_column_text (stmt, 19);
  return item;
}

/* Runs a query of one item: its first row, or %NULL when it has no row. */
static QdGwItem *
read_one_item (sqlite3_stmt *stmt)
{
  QdGwItem *item = NULL;

  if (sqlite3_step (stmt) == SQLITE_ROW)
    item = read_item (stmt);
  sqlite3_reset (stmt);
  return item;
}

QdGwItem *
qd_gw_store_get_item (QdGwStore *self,
                      gint64     user_id,
                      gint64     item_id)
{
  sqlite3_stmt *stmt = prepare (self,
    "SELECT " ITEM_COLUMNS " FROM items WHERE id = ? AND user_id = ?");

  sqlite3_bind_int64 (stmt, 1, item_id);
  sqlite3_bind_int64 (stmt, 2, user_id);
  return read_one_item (stmt);
}

gboolean
qd_gw_store_set_item_status (QdGwStore   *self,
                             gint64       item_id,
                             const char  *status,
                             GError     **error)
{
  sqlite3_stmt *stmt = prepare (self, "UPDATE items SET status = ? WHERE id = ?");

  bind_text (stmt, 1, status);
  sqlite3_bind_int64 (stmt, 2, item_id);
  return qd_sqlite_step (&self->sqlite, stmt, error);
}

gboolean
qd_gw_store_set_item_maildir_name (QdGwStore   *self,
                                   gint64       item_id,
                                   const char  *name,
                                   GError     **error)
{
  sqlite3_stmt *stmt = prepare (self, "UPDATE items SET maildir_name = ? WHERE id = ?");

  bind_text (stmt, 1, name);
  sqlite3_bind_int64 (stmt, 2, item_id);
  return qd_sqlite_step (&self->sqlite, stmt, error);
}

/* The filter shared by every page and count statement. Parameters:
 * ?1 user, ?2 folder, ?3 reason bits, ?4 category bits, ?5 since,
 * ?6 until, ?7 LIKE pattern or NULL, ?8 now (expiry), ?13 the
 * snapshot: the last id stored when the listing began, or 0.  Ids only
 * grow, so mail that arrives later has a larger one and moves no
 * position of the snapshot. */
#define LIST_FILTER_BUT_SEARCH \
  " WHERE user_id = ?1 AND folder = ?2 AND listed = 1" \
  " AND (?3 = 0 OR ((1 << reason) & ?3) != 0)" \
  " AND (?4 = 0 OR ((1 << category) & ?4) != 0)" \
  " AND received_at >= ?5 AND received_at < ?6" \
  " AND expires_at > ?8" \
  " AND (?13 = 0 OR id <= ?13)"
#define LIST_FILTER LIST_FILTER_BUT_SEARCH " AND (?7 IS NULL OR search LIKE ?7 ESCAPE '\\')"

/* A first page, or a page by position: ?12 limit, ?14 how many to skip
 * (the index is walked that far, without reading a row). */
#define PAGE(col, index, dir) \
  "SELECT " ITEM_COLUMNS " FROM items INDEXED BY " index LIST_FILTER \
  " ORDER BY " col " " dir ", id " dir " LIMIT ?12 OFFSET ?14"

/* The page after a row: ?9 its key, ?10 its id.  The condition stands
 * alone, so that SQLite seeks the index to that row: under an "?11 = 0
 * OR" it filtered a walk from the folder's first row, and the last of
 * 100 000 items' 200 pages took 30 ms instead of 1. */
#define PAGE_AFTER(col, index, cmp, dir) \
  "SELECT " ITEM_COLUMNS " FROM items INDEXED BY " index LIST_FILTER \
  " AND (" col ", id) " cmp " (?9, ?10)" \
  " ORDER BY " col " " dir ", id " dir " LIMIT ?12"

#define COUNT_STATEMENT \
  "SELECT count(*) FROM items INDEXED BY items_count" LIST_FILTER_BUT_SEARCH
#define COUNT_SEARCH_STATEMENT \
  "SELECT count(*) FROM items INDEXED BY items_list_received" LIST_FILTER

#define PAGES(col, sort, index) \
  { col, { PAGE (sort, index, "ASC"), PAGE (sort, index, "DESC") }, \
    { PAGE_AFTER (sort, index, ">", "ASC"), PAGE_AFTER (sort, index, "<", "DESC") } }

static const struct {
  const char *column;
  const char *first[2];   /* ascending, descending */
  const char *after[2];
} page_statements[] = {
  PAGES ("received_at", "received_at", "items_list_received"),
  PAGES ("size", "size", "items_list_size"),
  PAGES ("from", "from_sort", "items_list_from"),
  PAGES ("subject", "subject_sort", "items_list_subject"),
};

static char *
like_pattern (const char *search)
{
  g_autofree char *lower = NULL;
  GString *pattern;

  if (search == NULL || search[0] == '\0')
    return NULL;
  lower = g_utf8_strdown (search, -1);
  pattern = g_string_new ("%");
  for (const char *p = lower; *p; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');
  return g_string_free (pattern, FALSE);
}

/* @now: unix seconds; what has expired by then is not listed */
static void
bind_filter (sqlite3_stmt    *stmt,
             const QdGwQuery *query,
             const char      *pattern,
             gint64           now)
{
  sqlite3_bind_int64 (stmt, 1, query->user_id);
  sqlite3_bind_int (stmt, 2, query->folder);
  sqlite3_bind_int (stmt, 3, query->reasons);
  sqlite3_bind_int (stmt, 4, query->categories);
  sqlite3_bind_int64 (stmt, 5, query->since);
  sqlite3_bind_int64 (stmt, 6, query->until);
  bind_text (stmt, 7, pattern);
  sqlite3_bind_int64 (stmt, 8, now);
  sqlite3_bind_int64 (stmt, 13, query->snapshot);
}

static gboolean
count_items (QdGwStore        *self,
             const QdGwQuery  *query,
             const char       *pattern,
             gint64            now,
             gint64           *total,
             GError          **error)
{
  g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT " %d %u %u %" G_GINT64_FORMAT
                                          " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT
                                          " %" G_GINT64_FORMAT " %c%s",
                                          query->user_id, query->folder, query->reasons,
                                          query->categories, query->since, query->until, now,
                                          query->snapshot, pattern != NULL ? 'P' : 'N',
                                          pattern != NULL ? pattern : "");
  gint64 changes = sqlite3_total_changes64 (self->sqlite.db);
  gint64 version = read_int64 (prepare (self, "PRAGMA data_version"));
  sqlite3_stmt *stmt;

  if (g_strcmp0 (key, self->count_key) == 0 && changes == self->count_changes &&
      version == self->count_version)
    {
      *total = self->count;
      return TRUE;
    }
  stmt = prepare (self, pattern != NULL ? COUNT_SEARCH_STATEMENT : COUNT_STATEMENT);
  bind_filter (stmt, query, pattern, now);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      set_sqlite_error (error, self->sqlite.db);
      return FALSE;
    }
  *total = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  g_free (self->count_key);
  self->count_key = g_steal_pointer (&key);
  self->count = *total;
  self->count_changes = changes;
  self->count_version = version;
  return TRUE;
}

GPtrArray *
qd_gw_store_list_items (QdGwStore        *self,
                        const QdGwQuery  *query,
                        gint64           *total,
                        GError          **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify)qd_gw_item_free);
  g_autofree char *pattern = like_pattern (query->search);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *sql = NULL;
  sqlite3_stmt *stmt;
  int rc;

  for (guint i = 0; i < G_N_ELEMENTS (page_statements); i++)
    if (g_str_equal (page_statements[i].column, query->sort_column))
      sql = (query->has_after ? page_statements[i].after
                              : page_statements[i].first)[query->descending ? 1 : 0];
  g_return_val_if_fail (sql != NULL, NULL);

  stmt = prepare (self, sql);
  bind_filter (stmt, query, pattern, now);
  if (query->has_after && g_variant_is_of_type (query->after_key, G_VARIANT_TYPE_INT64))
    {
      gint64 key = g_variant_get_int64 (query->after_key);

      sqlite3_bind_int64 (stmt, 9, key);
      /* By time, the time range's bound is the index range SQLite seeks
       * to: the row's key, where it is nearer, leads it there. */
      if (g_str_equal (query->sort_column, "received_at") && query->descending)
        sqlite3_bind_int64 (stmt, 6, MIN (query->until, key == G_MAXINT64 ? key : key + 1));
      else if (g_str_equal (query->sort_column, "received_at"))
        sqlite3_bind_int64 (stmt, 5, MAX (query->since, key));
    }
  else if (query->has_after)
    bind_text (stmt, 9, g_variant_get_string (query->after_key, NULL));
  sqlite3_bind_int64 (stmt, 10, query->after_id);
  sqlite3_bind_int (stmt, 12, query->limit);
  if (!query->has_after)
    sqlite3_bind_int64 (stmt, 14, query->position);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (items, read_item (stmt));
  self->list_steps = sqlite3_stmt_status (stmt, SQLITE_STMTSTATUS_VM_STEP, TRUE);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, self->sqlite.db);
      return NULL;
    }

  if (total != NULL && !count_items (self, query, pattern, now, total, error))
    return NULL;
  return g_steal_pointer (&items);
}

/**
 * qd_gw_store_last_item_id:
 *
 * The largest id given to an item so far: a listing's snapshot.
 */
gint64
qd_gw_store_last_item_id (QdGwStore *self)
{
  return read_int64 (prepare (self, "SELECT coalesce (max (id), 0) FROM items"));
}

/**
 * qd_gw_store_find_by_message_id:
 * @now: unix seconds; expired items are not waiting any more
 *
 * The items of one user in @folder waiting for them (held or with a
 * release requested) whose Message-ID is @message_id: usually none or one,
 * more when the same message was held twice (two of the user's addresses).
 *
 * Returns: (transfer full): the items, oldest first
 */
GPtrArray *
qd_gw_store_find_by_message_id (QdGwStore  *self,
                                gint64      user_id,
                                QdFolder    folder,
                                const char *message_id,
                                gint64      now)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify)qd_gw_item_free);
  sqlite3_stmt *stmt = prepare (self,
    "SELECT " ITEM_COLUMNS " FROM items INDEXED BY items_by_user_message_id"
    " WHERE user_id = ? AND message_id = ? AND folder = ? AND listed = 1 AND expires_at > ?"
    " ORDER BY received_at, id");

  sqlite3_bind_int64 (stmt, 1, user_id);
  bind_text (stmt, 2, message_id);
  sqlite3_bind_int (stmt, 3, folder);
  sqlite3_bind_int64 (stmt, 4, now);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (items, read_item (stmt));
  sqlite3_reset (stmt);
  return items;
}

GPtrArray *
qd_gw_store_expired_items (QdGwStore *self,
                           gint64     now)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify)qd_gw_item_free);
  sqlite3_stmt *stmt = prepare (self,
    "SELECT " ITEM_COLUMNS " FROM items WHERE listed = 1 AND expires_at <= ? LIMIT 1000");

  sqlite3_bind_int64 (stmt, 1, now);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (items, read_item (stmt));
  sqlite3_reset (stmt);
  return items;
}

/* sender lists */

GPtrArray *
qd_gw_store_list_senders (QdGwStore      *self,
                          QdGwSenderList  list,
                          gint64          user_id,
                          GArray        **added_at)
{
  GPtrArray *addresses = g_ptr_array_new_with_free_func (g_free);
  GArray *times = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = prepare (self,
    "SELECT address, added_at FROM senders WHERE user_id = ? AND list = ? ORDER BY address");

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int (stmt, 2, list);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 t = sqlite3_column_int64 (stmt, 1);

      g_ptr_array_add (addresses, qd_sqlite_column_text (stmt, 0));
      g_array_append_val (times, t);
    }
  sqlite3_reset (stmt);
  if (added_at != NULL)
    *added_at = times;
  else
    g_array_unref (times);
  return addresses;
}

gint64
qd_gw_store_count_senders (QdGwStore      *self,
                           QdGwSenderList  list,
                           gint64          user_id)
{
  sqlite3_stmt *stmt = prepare (self,
    "SELECT count(*) FROM senders WHERE user_id = ? AND list = ?");

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int (stmt, 2, list);
  return read_int64 (stmt);
}

gint64
qd_gw_store_add_sender (QdGwStore       *self,
                        QdGwSenderList   list,
                        gint64           user_id,
                        const char      *address,
                        gboolean        *created,
                        GError         **error)
{
  sqlite3_stmt *stmt;

  /* An address is on one list at most: approving unblocks, blocking unapproves. */
  qd_gw_store_remove_sender (self, list == QD_GW_LIST_APPROVED ? QD_GW_LIST_BLOCKED
                                                               : QD_GW_LIST_APPROVED,
                             user_id, address);

  stmt = prepare (self,
    "INSERT INTO senders (user_id, list, address, added_at) VALUES (?, ?, ?, unixepoch())"
    " ON CONFLICT DO NOTHING");
  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int (stmt, 2, list);
  bind_text (stmt, 3, address);
  if (!qd_sqlite_step (&self->sqlite, stmt, error))
    return 0;
  if (sqlite3_changes (self->sqlite.db) > 0)
    self->senders_changed_at = g_get_real_time () / G_USEC_PER_SEC;
  if (created != NULL)
    *created = sqlite3_changes (self->sqlite.db) > 0;

  stmt = prepare (self,
    "SELECT added_at FROM senders WHERE user_id = ? AND list = ? AND address = ?");
  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int (stmt, 2, list);
  bind_text (stmt, 3, address);
  return read_int64 (stmt);
}

gboolean
qd_gw_store_remove_sender (QdGwStore      *self,
                           QdGwSenderList  list,
                           gint64          user_id,
                           const char     *address)
{
  sqlite3_stmt *stmt = prepare (self,
    "DELETE FROM senders WHERE user_id = ? AND list = ? AND address = ?");

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int (stmt, 2, list);
  bind_text (stmt, 3, address);
  if (!qd_sqlite_step (&self->sqlite, stmt, NULL) || sqlite3_changes (self->sqlite.db) == 0)
    return FALSE;
  self->senders_changed_at = g_get_real_time () / G_USEC_PER_SEC;
  return TRUE;
}

gboolean
qd_gw_store_sender_listed (QdGwStore      *self,
                           QdGwSenderList  list,
                           gint64          user_id,
                           const char     *address)
{
  /* A sender matches its own entry or an entry for its whole domain. */
  sqlite3_stmt *stmt = prepare (self,
    "SELECT 1 FROM senders WHERE user_id = ?1 AND list = ?2 AND (address = lower(?3)"
    " OR address = lower(substr(?3, instr(?3, '@'))))");
  gboolean found;

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int (stmt, 2, list);
  bind_text (stmt, 3, address);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  return found;
}

/* Whether ENTRY itself is on the list: an address is not its domain's entry. */
gboolean
qd_gw_store_has_entry (QdGwStore      *self,
                       QdGwSenderList  list,
                       gint64          user_id,
                       const char     *entry)
{
  sqlite3_stmt *stmt = prepare (self,
    "SELECT 1 FROM senders WHERE user_id = ? AND list = ? AND address = lower(?)");
  gboolean found;

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int (stmt, 2, list);
  bind_text (stmt, 3, entry);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  return found;
}

/* submissions */

void
qd_gw_sample_free (QdGwSample *sample)
{
  g_free (sample->sha256);
  g_free (sample->from_header);
  g_free (sample->subject);
  g_free (sample->encoding);
  g_free (sample->status);
  g_free (sample->reason);
  g_free (sample);
}

gint64
qd_gw_store_add_submission (QdGwStore   *self,
                            gint64       received_at,
                            const char  *mail_from,
                            const char  *rcpt_to,
                            gint64       size,
                            const char  *path,
                            const char  *status,
                            GError     **error)
{
  sqlite3_stmt *stmt = prepare (self,
    "INSERT INTO submissions (received_at, mail_from, rcpt_to, size, path, status)"
    " VALUES (?, ?, ?, ?, ?, ?)");

  sqlite3_bind_int64 (stmt, 1, received_at);
  bind_text (stmt, 2, mail_from);
  bind_text (stmt, 3, rcpt_to);
  sqlite3_bind_int64 (stmt, 4, size);
  bind_text (stmt, 5, path);
  bind_text (stmt, 6, status);
  if (!qd_sqlite_step (&self->sqlite, stmt, error))
    return 0;
  return sqlite3_last_insert_rowid (self->sqlite.db);
}

gboolean
qd_gw_store_add_sample (QdGwStore   *self,
                        QdGwSample  *sample,
                        GError     **error)
{
  sqlite3_stmt *stmt = prepare (self,
    "INSERT INTO samples (submission_id, sha256, from_header, subject, received_at, encoding,"
    " status, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");

  sqlite3_bind_int64 (stmt, 1, sample->submission_id);
  bind_text (stmt, 2, sample->sha256);
  bind_text (stmt, 3, sample->from_header);
  bind_text (stmt, 4, sample->subject);
  if (sample->received_at != 0)
    sqlite3_bind_int64 (stmt, 5, sample->received_at);
  bind_text (stmt, 6, sample->encoding);
  bind_text (stmt, 7, sample->status);
  bind_text (stmt, 8, sample->reason);
  return qd_sqlite_step (&self->sqlite, stmt, error);
}

gboolean
qd_gw_store_is_reported (QdGwStore  *self,
                         const char *sha256)
{
  sqlite3_stmt *stmt = prepare (self,
    "SELECT 1 FROM samples WHERE sha256 = ? AND status = 'accepted'");
  gboolean found;

  bind_text (stmt, 1, sha256);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  return found;
}

/**
 * qd_gw_store_dump_submissions:
 *
 * Every submission with its samples, as a JSON array, built by SQLite's
 * own JSON functions (for `qd-gateway submissions --json`).
 */
char *
qd_gw_store_dump_submissions (QdGwStore *self)
{
  sqlite3_stmt *stmt = prepare (self,
    "SELECT json_group_array (json (s)) FROM (SELECT json_object ("
    " 'id', id, 'received_at', strftime ('%Y-%m-%dT%H:%M:%SZ', received_at, 'unixepoch'),"
    " 'mail_from', mail_from, 'rcpt_to', rcpt_to, 'size', size, 'path', path,"
    " 'status', status, 'samples', json ((SELECT json_group_array (json_object ("
    "   'sha256', sha256, 'from', from_header, 'subject', subject,"
    "   'received_at', strftime ('%Y-%m-%dT%H:%M:%SZ', received_at, 'unixepoch'),"
    "   'encoding', encoding, 'status', status, 'reason', reason))"
    "   FROM samples WHERE submission_id = submissions.id))) AS s"
    " FROM submissions ORDER BY id)");
  char *json = NULL;

  if (sqlite3_step (stmt) == SQLITE_ROW)
    json = qd_sqlite_column_text (stmt, 0);
  sqlite3_reset (stmt);
  return json;
}

/* mail-system mode */

/* What only mail-system mode uses, created on first use rather than in
 * the schema: the settings, and the index that finds the releases
 * interrupted by a stop without reading every item. */
static gboolean
ensure_mail_system_schema (QdGwStore  *self,
                           GError    **error)
{
  char *errmsg = NULL;

  if (sqlite3_exec (self->sqlite.db,
                    "CREATE TABLE IF NOT EXISTS settings ("
                    "  name TEXT PRIMARY KEY,"
                    "  value TEXT NOT NULL);"
                    "CREATE INDEX IF NOT EXISTS items_releasing ON items (id)"
                    "  WHERE status = 'releasing';", NULL, NULL, &errmsg) != SQLITE_OK)
    {
      g_set_error (error, QD_GW_STORE_ERROR, 0, "cannot set up mail-system mode: %s", errmsg);
      sqlite3_free (errmsg);
      return FALSE;
    }
  return TRUE;
}

/**
 * qd_gw_store_ensure_setting:
 * @value: the setting's value if it has none yet
 *
 * A value kept for the life of the data directory, such as the instance
 * id of release ids: the first call stores @value, later ones (also after
 * a restart) return what was stored.
 *
 * Returns: (transfer full): the stored value, or %NULL with @error set
 */
char *
qd_gw_store_ensure_setting (QdGwStore   *self,
                            const char  *name,
                            const char  *value,
                            GError     **error)
{
  sqlite3_stmt *stmt;
  char *stored = NULL;

  if (!ensure_mail_system_schema (self, error))
    return NULL;
  stmt = prepare (self, "INSERT OR IGNORE INTO settings (name, value) VALUES (?, ?)");
  bind_text (stmt, 1, name);
  bind_text (stmt, 2, value);
  if (!qd_sqlite_step (&self->sqlite, stmt, error))
    return NULL;
  stmt = prepare (self, "SELECT value FROM settings WHERE name = ?");
  bind_text (stmt, 1, name);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    stored = qd_sqlite_column_text (stmt, 0);
  sqlite3_reset (stmt);
  if (stored == NULL)
    set_sqlite_error (error, self->sqlite.db);
  return stored;
}

/* Any user's item, by its id alone (the gateway's own work, not a request). */
QdGwItem *
qd_gw_store_find_item (QdGwStore *self,
                       gint64     item_id)
{
  sqlite3_stmt *stmt = prepare (self, "SELECT " ITEM_COLUMNS " FROM items WHERE id = ?");

  sqlite3_bind_int64 (stmt, 1, item_id);
  return read_one_item (stmt);
}

/**
 * qd_gw_store_releasing_items:
 *
 * Returns: (transfer full) (element-type QdGwItem): every item whose
 *   release was begun and not recorded as done or failed, oldest first
 */
GPtrArray *
qd_gw_store_releasing_items (QdGwStore  *self,
                             GError    **error)
{
  g_autoptr(GPtrArray) items = NULL;
  sqlite3_stmt *stmt;

  if (!ensure_mail_system_schema (self, error))
    return NULL;
  items = g_ptr_array_new_with_free_func ((GDestroyNotify)qd_gw_item_free);
  stmt = prepare (self,
    "SELECT " ITEM_COLUMNS " FROM items WHERE status = 'releasing' ORDER BY id");
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (items, read_item (stmt));
  sqlite3_reset (stmt);
  return g_steal_pointer (&items);
}

/* held from rspamd */

/**
 * qd_gw_store_find_users_by_address:
 * @address: a mail address, compared without regard to ASCII case
 *
 * Returns: (transfer full) (element-type QdGwUser): the users whose address it is
 */
GPtrArray *
qd_gw_store_find_users_by_address (QdGwStore  *self,
                                   const char *address)
{
  GPtrArray *users = g_ptr_array_new_with_free_func ((GDestroyNotify)qd_gw_user_free);
  sqlite3_stmt *stmt = prepare (self,
    "SELECT " USER_COLUMNS " FROM users"
    " WHERE lower(address) = lower(?) ORDER BY id");

  bind_text (stmt, 1, address);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (users, user_from_row (stmt));
  sqlite3_reset (stmt);
  return users;
}

/* The item rspamd's message @queue_id made for @recipient, or 0. */
gint64
qd_gw_store_find_queued_item (QdGwStore  *self,
                              const char *queue_id,
                              const char *recipient)
{
  sqlite3_stmt *stmt = prepare (self,
    "SELECT id FROM items WHERE queue_id = ? AND recipient = ?");

  bind_text (stmt, 1, queue_id);
  bind_text (stmt, 2, recipient);
  return read_int64 (stmt);
}

/* Fails (SQLITE_CONSTRAINT) when another item has the same queue id and recipient. */
gboolean
qd_gw_store_set_item_origin (QdGwStore   *self,
                             gint64       item_id,
                             const char  *queue_id,
                             const char  *message_id,
                             GError     **error)
{
  sqlite3_stmt *stmt = prepare (self,
    "UPDATE items SET queue_id = ?, message_id = ? WHERE id = ?");

  bind_text (stmt, 1, queue_id);
  bind_text (stmt, 2, message_id);
  sqlite3_bind_int64 (stmt, 3, item_id);
  return qd_sqlite_step (&self->sqlite, stmt, error);
}

/**
 * qd_gw_store_find_retried_item:
 * @since: only items received at or after this time (unix seconds)
 *
 * The item a sender's retry would repeat: the same recipient, envelope
 * sender and Message-ID, in another SMTP transaction (another queue id).
 *
 * Returns: its id, or 0
 */
gint64
qd_gw_store_find_retried_item (QdGwStore  *self,
                               const char *recipient,
                               const char *envelope_sender,
                               const char *message_id,
                               gint64      since)
{
  sqlite3_stmt *stmt = prepare (self,
    "SELECT id FROM items WHERE recipient = ? AND message_id = ? AND received_at >= ?"
    " AND envelope_sender IS ? LIMIT 1");

  bind_text (stmt, 1, recipient);
  bind_text (stmt, 2, message_id);
  sqlite3_bind_int64 (stmt, 3, since);
  bind_text (stmt, 4, envelope_sender);
  return read_int64 (stmt);
}

/**
 * qd_gw_store_set_synchronous_full:
 *
 * In WAL mode with synchronous NORMAL a commit may be lost on power
 * failure; a message acknowledged to the mail system must not be, so its
 * commit is made with FULL. Call outside a transaction.
 */
void
qd_gw_store_set_synchronous_full (QdGwStore *self,
                                  gboolean   full)
{
  qd_sqlite_step (&self->sqlite, prepare (self, full ? "PRAGMA synchronous = FULL"
                                                     : "PRAGMA synchronous = NORMAL"), NULL);
}

/**
 * qd_gw_store_list_sender_map:
 *
 * Every entry of @list, for every user: "RECIPIENT|ENTRY", lower case,
 * by recipient then entry (rspamd's map of that list).
 *
 * Returns: (transfer full) (element-type utf8): the lines, without line ends
 */
GPtrArray *
qd_gw_store_list_sender_map (QdGwStore      *self,
                             QdGwSenderList  list)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = prepare (self,
    "SELECT users.address, senders.address FROM senders JOIN users ON users.id = senders.user_id"
    " WHERE senders.list = ? ORDER BY lower(users.address), senders.address");

  sqlite3_bind_int (stmt, 1, list);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *line = g_strdup_printf ("%s|%s", sqlite3_column_text (stmt, 0),
                                               sqlite3_column_text (stmt, 1));

      g_ptr_array_add (lines, g_utf8_strdown (line, -1));
    }
  sqlite3_reset (stmt);
  return lines;
}

/* When a sender list last changed in this process (unix seconds); the
 * time the store was opened until then. */
gint64
qd_gw_store_get_senders_changed_at (QdGwStore *self)
{
  return self->senders_changed_at;
}
