/* qd-store.c — the local SQLite store: the submission outbox, its claims, the history
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <unistd.h>

#include "qd-error.h"
#include "qd-store.h"
#include "qd-store-private.h"

/* How long a claim on an outbox message holds while its claimer lives:
 * longer than any send with its retries takes. */
#define CLAIM_SECONDS 3600

struct _QdStore
{
  GObject  parent_instance;

  char     *path;
  QdSqlite  sqlite;
};

G_DEFINE_FINAL_TYPE (QdStore, qd_store, G_TYPE_OBJECT)

/* The outbox holds each message's bytes until the server accepted it; the
 * history (submissions, samples) stays. sample_status is a log of every
 * change of a sample's state, so the follow-up (still missed? now spam?)
 * only adds rows. */
static const char schema[] =
  "CREATE TABLE IF NOT EXISTS submissions ("
  "  id          INTEGER PRIMARY KEY,"
  "  message_id  TEXT NOT NULL UNIQUE,"
  "  mail_from   TEXT NOT NULL,"
  "  rcpt_to     TEXT NOT NULL,"
  "  size        INTEGER NOT NULL,"
  "  state       TEXT NOT NULL DEFAULT 'queued'"
  "              CHECK (state IN ('queued', 'sent', 'refused', 'expired')),"
  "  queued_at   INTEGER NOT NULL,"
  "  sent_at     INTEGER,"
  "  server      TEXT,"
  "  reply       TEXT);"
  "CREATE TABLE IF NOT EXISTS outbox ("
  "  submission_id INTEGER PRIMARY KEY REFERENCES submissions (id) ON DELETE CASCADE,"
  "  data          BLOB NOT NULL,"
  "  required      INTEGER NOT NULL DEFAULT 0,"
  "  n_samples     INTEGER NOT NULL,"
  "  deadline      INTEGER,"
  "  attempts      INTEGER NOT NULL DEFAULT 0,"
  "  last_error    TEXT,"
  "  claim_pid     INTEGER,"
  "  claim_until   INTEGER);"
  "CREATE TABLE IF NOT EXISTS samples ("
  "  id            INTEGER PRIMARY KEY,"
  "  submission_id INTEGER NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,"
  "  sha256        TEXT NOT NULL,"
  "  from_header   TEXT,"
  "  to_header     TEXT,"
  "  subject       TEXT,"
  "  received_at   INTEGER,"
  "  date_source   TEXT);"
  "CREATE INDEX IF NOT EXISTS samples_sha256 ON samples (sha256);"
  "CREATE INDEX IF NOT EXISTS samples_submission ON samples (submission_id);"
  "CREATE TABLE IF NOT EXISTS sample_status ("
  "  id      INTEGER PRIMARY KEY,"
  "  sha256  TEXT NOT NULL,"
  "  status  TEXT NOT NULL,"
  "  at      INTEGER NOT NULL,"
  "  detail  TEXT);"
  "CREATE INDEX IF NOT EXISTS sample_status_sha256 ON sample_status (sha256, at);";

static void
qd_store_finalize (GObject *object)
{
  QdStore *self = QD_STORE (object);

  g_clear_pointer (&self->sqlite.db, sqlite3_close_v2);
  g_free (self->path);

  G_OBJECT_CLASS (qd_store_parent_class)->finalize (object);
}

static void
qd_store_class_init (QdStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = qd_store_finalize;
}

static gboolean storage_error (gpointer   owner,
                               int        rc,
                               GError   **error);

static void
qd_store_init (QdStore *self)
{
  self->sqlite.fail = storage_error;
  self->sqlite.owner = self;
}

void
qd_outbox_entry_free (QdOutboxEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->message_id);
  g_free (entry->mail_from);
  g_free (entry->rcpt_to);
  g_clear_pointer (&entry->data, g_bytes_unref);
  g_free (entry->last_error);
  g_clear_pointer (&entry->created_at, g_date_time_unref);
  g_clear_pointer (&entry->deadline, g_date_time_unref);
  g_free (entry);
}

void
qd_history_entry_free (QdHistoryEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->sha256);
  g_free (entry->from);
  g_free (entry->to);
  g_free (entry->subject);
  g_clear_pointer (&entry->received_at, g_date_time_unref);
  g_free (entry->message_id);
  g_free (entry->state);
  g_clear_pointer (&entry->queued_at, g_date_time_unref);
  g_clear_pointer (&entry->sent_at, g_date_time_unref);
  g_free (entry->server);
  g_free (entry->reply);
  g_free (entry->status);
  g_clear_pointer (&entry->status_at, g_date_time_unref);
  g_free (entry);
}

/* QdSqliteFailFunc: what a failure of the store means for the person. */
static gboolean
storage_error (gpointer   owner,
               int        rc,
               GError   **error)
{
  QdStore *self = owner;
  sqlite3 *db = self->sqlite.db;
  const char *detail = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  if (rc == SQLITE_FULL)
    g_set_error (error, QD_ERROR, QD_ERROR_STORAGE,
                 _("The disk is full: the local store %s cannot be written, so nothing was "
                   "sent. Free some space and try again."), self->path);
  else
    g_set_error (error, QD_ERROR, QD_ERROR_STORAGE,
                 _("The local store %s cannot be written (%s), so nothing was sent. Check "
                   "that its folder is writable and the disk is not full."),
                 self->path, detail);
  return FALSE;
}

/* For qd-store-samples.c, which shares the connection. */
QdSqlite *
qd_store_get_sqlite (QdStore *self)
{
  return &self->sqlite;
}

/**
 * qd_store_get_default_path:
 *
 * $QD_DATA_DIR/quarantine-desk.db when set (tests), else under the
 * user's data directory.
 */
char *
qd_store_get_default_path (void)
{
  const char *dir = g_getenv ("QD_DATA_DIR");

  if (dir != NULL && *dir != '\0')
    return g_build_filename (dir, "quarantine-desk.db", NULL);
  return g_build_filename (g_get_user_data_dir (), "quarantine-desk", "quarantine-desk.db", NULL);
}

/**
 * qd_store_open:
 * @path: (nullable): the database file, or %NULL for the default
 *
 * Opens (creating it the first time) the store. Each write is durable
 * when it returns: a message is on disk before anything is sent.
 */
QdStore *
qd_store_open (const char  *path,
               GError     **error)
{
  g_autoptr(QdStore) self = g_object_new (QD_TYPE_STORE, NULL);
  g_autofree char *dir = NULL;
  sqlite3_stmt *stmt;
  int version = 0;
  int rc;

  self->path = path != NULL ? g_strdup (path) : qd_store_get_default_path ();
  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, QD_ERROR, QD_ERROR_STORAGE,
                   _("The folder %s for the local store cannot be created (%s), so nothing "
                     "was sent."), dir, g_strerror (saved));
      return NULL;
    }
  rc = sqlite3_open_v2 (self->path, &self->sqlite.db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      qd_sqlite_fail (&self->sqlite, rc, error);
      return NULL;
    }
  /* Held mail and samples are private: the file is the user's alone. */
  g_chmod (self->path, 0600);
  sqlite3_busy_timeout (self->sqlite.db, 10000);
  if (!qd_sqlite_exec (&self->sqlite, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                                      "PRAGMA foreign_keys = ON;", error))
    return NULL;

  stmt = qd_sqlite_prepare (&self->sqlite, "PRAGMA user_version", error);
  if (stmt == NULL)
    return NULL;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  if (version > QD_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, QD_ERROR, QD_ERROR_STORAGE,
                   _("The local store %s was written by a newer version of Quarantine Desk. "
                     "Update Quarantine Desk."), self->path);
      return NULL;
    }
  if (version < QD_STORE_SCHEMA_VERSION && !qd_store_migrate (self, schema, error))
    return NULL;
  return g_steal_pointer (&self);
}

const char *
qd_store_get_path (QdStore *self)
{
  g_return_val_if_fail (QD_IS_STORE (self), NULL);
  return self->path;
}

static gboolean
insert_submission (QdStore       *self,
                   QdSubmission  *submission,
                   gint64         now,
                   gint64        *id,
                   GError       **error)
{
  g_autoptr(sqlite3_stmt) head = NULL;
  g_autoptr(sqlite3_stmt) body = NULL;
  g_autoptr(sqlite3_stmt) sample_row = NULL;
  g_autoptr(sqlite3_stmt) status_row = NULL;
  GPtrArray *samples = qd_submission_get_samples (submission);
  gsize size;
  const void *data = g_bytes_get_data (qd_submission_get_data (submission), &size);

  if ((head = qd_sqlite_prepare (&self->sqlite,
                                 "INSERT INTO submissions (message_id, mail_from, rcpt_to, size, "
                                 "queued_at) VALUES (?, ?, ?, ?, ?)", error)) == NULL ||
      (body = qd_sqlite_prepare (&self->sqlite,
                                 "INSERT INTO outbox (submission_id, data, required, n_samples, "
                                 "deadline) VALUES (?, ?, ?, ?, ?)", error)) == NULL ||
      (sample_row = qd_sqlite_prepare (&self->sqlite,
                                       "INSERT INTO samples (submission_id, sha256, from_header, "
                                       "to_header, subject, received_at, date_source, data) "
                                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error)) == NULL ||
      (status_row = qd_sqlite_prepare (&self->sqlite,
                                       "INSERT INTO sample_status (sha256, status, at) "
                                       "VALUES (?, 'queued', ?)", error)) == NULL)
    return FALSE;

  sqlite3_bind_text (head, 1, qd_submission_get_message_id (submission), -1, SQLITE_STATIC);
  sqlite3_bind_text (head, 2, qd_submission_get_from (submission), -1, SQLITE_STATIC);
  sqlite3_bind_text (head, 3, qd_submission_get_to (submission), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (head, 4, (sqlite3_int64)size);
  sqlite3_bind_int64 (head, 5, now);
  if (!qd_sqlite_step (&self->sqlite, head, error))
    return FALSE;
  *id = sqlite3_last_insert_rowid (self->sqlite.db);

  sqlite3_bind_int64 (body, 1, *id);
  sqlite3_bind_blob64 (body, 2, data, size, SQLITE_STATIC);
  sqlite3_bind_int (body, 3, qd_submission_get_required_extensions (submission));
  sqlite3_bind_int (body, 4, (int)samples->len);
  qd_sqlite_bind_time (body, 5, qd_submission_get_deadline (submission));
  if (!qd_sqlite_step (&self->sqlite, body, error))
    return FALSE;

  for (guint i = 0; i < samples->len; i++)
    {
      QdSample *sample = g_ptr_array_index (samples, i);
      QdDateSource source;
      GDateTime *received = qd_sample_get_receipt_date (sample, &source);
      gsize sample_size;
      const void *sample_data = g_bytes_get_data (qd_sample_get_data (sample), &sample_size);

      sqlite3_reset (sample_row);
      sqlite3_bind_int64 (sample_row, 1, *id);
      sqlite3_bind_text (sample_row, 2, qd_sample_get_digest (sample), -1, SQLITE_STATIC);
      sqlite3_bind_text (sample_row, 3, qd_sample_get_from (sample), -1, SQLITE_STATIC);
      sqlite3_bind_text (sample_row, 4, qd_sample_get_to (sample), -1, SQLITE_STATIC);
      sqlite3_bind_text (sample_row, 5, qd_sample_get_subject (sample), -1, SQLITE_STATIC);
      qd_sqlite_bind_time (sample_row, 6, received);
      sqlite3_bind_text (sample_row, 7, source == QD_DATE_SOURCE_RECEIVED ? "received"
                                        : source == QD_DATE_SOURCE_DATE ? "date" : NULL,
                         -1, SQLITE_STATIC);
      /* The sample as saved, not as wrapped: what a re-check classifies. */
      sqlite3_bind_blob64 (sample_row, 8, sample_data, sample_size, SQLITE_STATIC);
      if (!qd_sqlite_step (&self->sqlite, sample_row, error))
        return FALSE;

      sqlite3_reset (status_row);
      sqlite3_bind_text (status_row, 1, qd_sample_get_digest (sample), -1, SQLITE_STATIC);
      sqlite3_bind_int64 (status_row, 2, now);
      if (!qd_sqlite_step (&self->sqlite, status_row, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * qd_store_enqueue:
 * @submissions: (element-type QdSubmission): built messages
 * @ids: (out caller-allocates) (element-type gint64) (optional): their
 *   outbox ids, in the same order
 *
 * Puts every message in the outbox, and its samples in the history, in
 * one durable transaction: all of them or, on error, none.
 */
gboolean
qd_store_enqueue (QdStore    *self,
                  GPtrArray  *submissions,
                  GArray     *ids,
                  GError    **error)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_return_val_if_fail (QD_IS_STORE (self), FALSE);
  g_return_val_if_fail (submissions != NULL, FALSE);

  if (!qd_sqlite_exec (&self->sqlite, "BEGIN IMMEDIATE", error))
    return FALSE;
  for (guint i = 0; i < submissions->len; i++)
    {
      gint64 id;

      if (!insert_submission (self, g_ptr_array_index (submissions, i), now, &id, error))
        {
          qd_sqlite_rollback (&self->sqlite);
          if (ids != NULL)
            g_array_set_size (ids, 0);
          return FALSE;
        }
      if (ids != NULL)
        g_array_append_val (ids, id);
    }
  if (!qd_sqlite_exec (&self->sqlite, "COMMIT", error))
    {
      qd_sqlite_rollback (&self->sqlite);
      if (ids != NULL)
        g_array_set_size (ids, 0);
      return FALSE;
    }
  return TRUE;
}

static gboolean
claim_is_live (sqlite3_stmt *stmt,
               gint64        now)
{
  gint64 pid;

  if (sqlite3_column_type (stmt, 1) == SQLITE_NULL)
    return FALSE;
  pid = sqlite3_column_int64 (stmt, 1);
  if (sqlite3_column_int64 (stmt, 2) < now)
    return FALSE;
  /* A claimer that died (crash, kill) holds nothing; this process's own
   * claims hold, so that two sends in one process never overlap. */
  return pid == getpid () || kill ((pid_t)pid, 0) == 0 || errno == EPERM;
}

/**
 * qd_store_claim_pending:
 * @only: (nullable) (element-type gint64): claim only these ids
 *
 * Every outbox message that no other living process is sending, oldest
 * first, claimed for this process so that no two send the same one.
 *
 * Returns: (transfer full) (element-type QdOutboxEntry): or %NULL on error
 */
static gboolean
contains (GArray *ids,
          gint64  id)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      return TRUE;
  return FALSE;
}

GPtrArray *
qd_store_claim_pending (QdStore  *self,
                        GArray   *only,
                        GError  **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(sqlite3_stmt) select = NULL;
  g_autoptr(sqlite3_stmt) claim = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  int rc;

  g_return_val_if_fail (QD_IS_STORE (self), NULL);

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify)qd_outbox_entry_free);
  if (!qd_sqlite_exec (&self->sqlite, "BEGIN IMMEDIATE", error))
    return NULL;
  if ((select = qd_sqlite_prepare (&self->sqlite,
                                   "SELECT o.submission_id, o.claim_pid, o.claim_until, o.data, "
                                   "o.required, o.n_samples, o.attempts, o.last_error, o.deadline, "
                                   "s.message_id, s.mail_from, s.rcpt_to, s.queued_at "
                                   "FROM outbox o JOIN submissions s ON s.id = o.submission_id "
                                   "ORDER BY o.submission_id", error)) == NULL ||
      (claim = qd_sqlite_prepare (&self->sqlite,
                                  "UPDATE outbox SET claim_pid = ?, claim_until = ? "
                                  "WHERE submission_id = ?", error)) == NULL)
    {
      qd_sqlite_rollback (&self->sqlite);
      return NULL;
    }
  while ((rc = sqlite3_step (select)) == SQLITE_ROW)
    {
      QdOutboxEntry *entry;

      if (claim_is_live (select, now) ||
          (only != NULL && !contains (only, sqlite3_column_int64 (select, 0))))
        continue;
      entry = g_new0 (QdOutboxEntry, 1);
      entry->id = sqlite3_column_int64 (select, 0);
      entry->data = g_bytes_new (sqlite3_column_blob (select, 3),
                                 (gsize)sqlite3_column_bytes (select, 3));
      entry->required = sqlite3_column_int (select, 4);
      entry->n_samples = sqlite3_column_int (select, 5);
      entry->attempts = sqlite3_column_int (select, 6);
      entry->last_error = qd_sqlite_column_text (select, 7);
      entry->deadline = qd_sqlite_column_time (select, 8);
      entry->message_id = qd_sqlite_column_text (select, 9);
      entry->mail_from = qd_sqlite_column_text (select, 10);
      entry->rcpt_to = qd_sqlite_column_text (select, 11);
      entry->created_at = qd_sqlite_column_time (select, 12);
      g_ptr_array_add (entries, entry);

      sqlite3_reset (claim);
      sqlite3_bind_int64 (claim, 1, getpid ());
      sqlite3_bind_int64 (claim, 2, now + CLAIM_SECONDS);
      sqlite3_bind_int64 (claim, 3, entry->id);
      if (!qd_sqlite_step (&self->sqlite, claim, error))
        {
          qd_sqlite_rollback (&self->sqlite);
          return NULL;
        }
    }
  if (rc != SQLITE_DONE || !qd_sqlite_exec (&self->sqlite, "COMMIT", error))
    {
      if (rc != SQLITE_DONE)
        qd_sqlite_fail (&self->sqlite, rc, error);
      qd_sqlite_rollback (&self->sqlite);
      return NULL;
    }
  return g_steal_pointer (&entries);
}

/**
 * qd_store_count_pending:
 *
 * How many messages wait in the outbox (whoever is sending them).
 */
guint
qd_store_count_pending (QdStore  *self,
                        GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (QD_IS_STORE (self), 0);

  stmt = qd_sqlite_prepare (&self->sqlite, "SELECT count(*) FROM outbox", error);
  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return 0;
  return (guint)sqlite3_column_int (stmt, 0);
}

void
qd_store_release_claim (QdStore *self,
                        gint64   id)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_if_fail (QD_IS_STORE (self));

  stmt = qd_sqlite_prepare (&self->sqlite, "UPDATE outbox SET claim_pid = NULL, claim_until = NULL "
                                           "WHERE submission_id = ?", NULL);
  if (stmt == NULL)
    return;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_step (stmt);
}

/* Leaves the outbox and records the outcome for each of its samples. */
static gboolean
settle (QdStore     *self,
        gint64       id,
        const char  *state,
        const char  *server,
        const char  *reply,
        GError     **error)
{
  g_autoptr(sqlite3_stmt) update = NULL;
  g_autoptr(sqlite3_stmt) status = NULL;
  g_autoptr(sqlite3_stmt) remove = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gboolean sent = g_str_equal (state, "sent");

  if (!qd_sqlite_exec (&self->sqlite, "BEGIN IMMEDIATE", error))
    return FALSE;
  if ((update = qd_sqlite_prepare (&self->sqlite,
                                   "UPDATE submissions SET state = ?, sent_at = ?, server = ?, "
                                   "reply = ? WHERE id = ?", error)) == NULL ||
      (status = qd_sqlite_prepare (&self->sqlite,
                                   "INSERT INTO sample_status (sha256, status, at, detail) "
                                   "SELECT sha256, ?, ?, ? FROM samples WHERE submission_id = ?",
                                   error)) == NULL ||
      (remove = qd_sqlite_prepare (&self->sqlite, "DELETE FROM outbox WHERE submission_id = ?",
                                   error)) == NULL)
    {
      qd_sqlite_rollback (&self->sqlite);
      return FALSE;
    }
  sqlite3_bind_text (update, 1, state, -1, SQLITE_STATIC);
  if (sent)
    sqlite3_bind_int64 (update, 2, now);
  else
    sqlite3_bind_null (update, 2);
  sqlite3_bind_text (update, 3, server, -1, SQLITE_STATIC);
  sqlite3_bind_text (update, 4, reply, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (update, 5, id);
  sqlite3_bind_text (status, 1, state, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (status, 2, now);
  sqlite3_bind_text (status, 3, reply, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (status, 4, id);
  sqlite3_bind_int64 (remove, 1, id);
  if (!qd_sqlite_step (&self->sqlite, update, error) ||
      !qd_sqlite_step (&self->sqlite, status, error) ||
      !qd_sqlite_step (&self->sqlite, remove, error) ||
      !qd_sqlite_exec (&self->sqlite, "COMMIT", error))
    {
      qd_sqlite_rollback (&self->sqlite);
      return FALSE;
    }
  return TRUE;
}

/**
 * qd_store_mark_sent:
 * @server: "host:port" of the server that accepted it
 * @reply: its reply to the DATA
 *
 * Only once the server accepted the message: it leaves the outbox.
 */
gboolean
qd_store_mark_sent (QdStore     *self,
                    gint64       id,
                    const char  *server,
                    const char  *reply,
                    GError     **error)
{
  g_return_val_if_fail (QD_IS_STORE (self), FALSE);
  return settle (self, id, "sent", server, reply, error);
}

/**
 * qd_store_mark_failed:
 * @state: "refused" (the server refused it for good) or "expired" (its
 *   samples grew too old while it waited)
 * @reason: the server's words, or why
 *
 * A message that can never go leaves the outbox; its history keeps why.
 */
gboolean
qd_store_mark_failed (QdStore     *self,
                      gint64       id,
                      const char  *state,
                      const char  *reason,
                      GError     **error)
{
  g_return_val_if_fail (QD_IS_STORE (self), FALSE);
  g_return_val_if_fail (g_strcmp0 (state, "refused") == 0 || g_strcmp0 (state, "expired") == 0,
                        FALSE);
  return settle (self, id, state, NULL, reason, error);
}

/**
 * qd_store_note_attempt:
 *
 * A send that failed for now: the message stays for the next try.
 */
gboolean
qd_store_note_attempt (QdStore     *self,
                       gint64       id,
                       const char  *reason,
                       GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (QD_IS_STORE (self), FALSE);

  stmt = qd_sqlite_prepare (&self->sqlite,
                            "UPDATE outbox SET attempts = attempts + 1, last_error = ?, "
                            "claim_pid = NULL, claim_until = NULL WHERE submission_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, reason, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, id);
  return qd_sqlite_step (&self->sqlite, stmt, error);
}

/**
 * qd_store_add_sample_status:
 *
 * Appends a change of a sample's state (for the follow-up: "sent",
 * "still_missed", "spam"…).
 */
gboolean
qd_store_add_sample_status (QdStore     *self,
                            const char  *sha256,
                            const char  *status,
                            GDateTime   *at,
                            GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (QD_IS_STORE (self), FALSE);
  g_return_val_if_fail (sha256 != NULL && status != NULL && at != NULL, FALSE);

  stmt = qd_sqlite_prepare (&self->sqlite,
                            "INSERT INTO sample_status (sha256, status, at) VALUES (?, ?, ?)",
                            error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, status, -1, SQLITE_STATIC);
  qd_sqlite_bind_time (stmt, 3, at);
  return qd_sqlite_step (&self->sqlite, stmt, error);
}

/**
 * qd_store_list_history:
 * @limit: at most this many, 0 for all
 *
 * Every reported sample, newest first.
 *
 * Returns: (transfer full) (element-type QdHistoryEntry): or %NULL on error
 */
GPtrArray *
qd_store_list_history (QdStore  *self,
                       guint     limit,
                       GError  **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (QD_IS_STORE (self), NULL);

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify)qd_history_entry_free);
  stmt = qd_sqlite_prepare (&self->sqlite,
    "SELECT s.sha256, s.from_header, s.to_header, s.subject, s.received_at, sub.message_id,"
    " sub.state, sub.queued_at, sub.sent_at, sub.server, sub.reply,"
    " (SELECT status FROM sample_status st WHERE st.sha256 = s.sha256"
    "  ORDER BY st.at DESC, st.id DESC LIMIT 1),"
    " (SELECT at FROM sample_status st WHERE st.sha256 = s.sha256"
    "  ORDER BY st.at DESC, st.id DESC LIMIT 1)"
    " FROM samples s JOIN submissions sub ON sub.id = s.submission_id"
    " ORDER BY sub.queued_at DESC, sub.id DESC, s.id ASC LIMIT ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, limit > 0 ? (sqlite3_int64)limit : -1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      QdHistoryEntry *entry = g_new0 (QdHistoryEntry, 1);

      entry->sha256 = qd_sqlite_column_text (stmt, 0);
      entry->from = qd_sqlite_column_text (stmt, 1);
      entry->to = qd_sqlite_column_text (stmt, 2);
      entry->subject = qd_sqlite_column_text (stmt, 3);
      entry->received_at = qd_sqlite_column_time (stmt, 4);
      entry->message_id = qd_sqlite_column_text (stmt, 5);
      entry->state = qd_sqlite_column_text (stmt, 6);
      entry->queued_at = qd_sqlite_column_time (stmt, 7);
      entry->sent_at = qd_sqlite_column_time (stmt, 8);
      entry->server = qd_sqlite_column_text (stmt, 9);
      entry->reply = qd_sqlite_column_text (stmt, 10);
      entry->status = qd_sqlite_column_text (stmt, 11);
      entry->status_at = qd_sqlite_column_time (stmt, 12);
      g_ptr_array_add (entries, entry);
    }
  if (rc != SQLITE_DONE)
    {
      qd_sqlite_fail (&self->sqlite, rc, error);
      return NULL;
    }
  return g_steal_pointer (&entries);
}
