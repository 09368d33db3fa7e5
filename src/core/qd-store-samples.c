/* qd-store-samples.c — the store's side of the follow-up: each reported
 * sample with its statuses, its bytes and its latest check
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "qd-enums.h"
#include "qd-error.h"
#include "qd-mail.h"
#include "qd-store-private.h"

/* Version 2: the history keeps each sample's own bytes, since the outbox
 * drops its message once sent and a re-check classifies the sample
 * again; sample_checks holds the latest check of each sample, while a
 * change of status it finds goes to sample_status like any other. */
static const char migration_2[] =
  "ALTER TABLE samples ADD COLUMN data BLOB;"
  "CREATE TABLE IF NOT EXISTS sample_checks ("
  "  sha256     TEXT PRIMARY KEY,"
  "  checked_at INTEGER NOT NULL,"
  "  n_checks   INTEGER NOT NULL DEFAULT 1,"
  "  verdict    TEXT,"
  "  score      REAL,"
  "  threshold  REAL);";

static void
collect_message_parts (GMimeObject *parent,
                       GMimeObject *part,
                       gpointer     user_data)
{
  if (GMIME_IS_MESSAGE_PART (part))
    g_ptr_array_add (user_data, part);
}

/* Version 1 kept a sample's bytes only inside its outbox message: the
 * samples still waiting there get theirs back (serialised as the
 * gateway reads them, so the digest matches); those already sent cannot. */
static gboolean
backfill_sample_data (QdStore  *self,
                      GError  **error)
{
  QdSqlite *sqlite = qd_store_get_sqlite (self);
  g_autoptr(sqlite3_stmt) select = NULL;
  g_autoptr(sqlite3_stmt) update = NULL;
  int rc;

  if ((select = qd_sqlite_prepare (sqlite, "SELECT submission_id, data FROM outbox",
                                   error)) == NULL ||
      (update = qd_sqlite_prepare (sqlite, "UPDATE samples SET data = ? WHERE submission_id = ? "
                                           "AND sha256 = ? AND data IS NULL", error)) == NULL)
    return FALSE;
  qd_mail_init ();
  while ((rc = sqlite3_step (select)) == SQLITE_ROW)
    {
      g_autoptr(GMimeMessage) message = NULL;
      g_autoptr(GPtrArray) parts = g_ptr_array_new ();

      message = qd_mail_parse (sqlite3_column_blob (select, 1),
                               (gsize)sqlite3_column_bytes (select, 1));
      if (message == NULL)
        continue;
      g_mime_message_foreach (message, collect_message_parts, parts);
      for (guint i = 0; i < parts->len; i++)
        {
          GMimeMessage *inner = g_mime_message_part_get_message (g_ptr_array_index (parts, i));
          g_autofree char *text = NULL;
          g_autofree char *digest = NULL;
          gsize length;

          if (inner == NULL)
            continue;
          text = g_mime_object_to_string (GMIME_OBJECT (inner), NULL);
          length = strlen (text);
          digest = qd_mail_sample_digest ((const guint8 *)text, length);
          sqlite3_reset (update);
          sqlite3_bind_blob64 (update, 1, text, length, SQLITE_STATIC);
          sqlite3_bind_int64 (update, 2, sqlite3_column_int64 (select, 0));
          sqlite3_bind_text (update, 3, digest, -1, SQLITE_STATIC);
          if (!qd_sqlite_step (sqlite, update, error))
            return FALSE;
        }
    }
  return rc == SQLITE_DONE ? TRUE : qd_sqlite_fail (sqlite, rc, error);
}

/**
 * qd_store_migrate:
 * @schema_1: the statements that create a store of version 1
 *
 * Brings a store of an older version (0: a new file) up to date, each
 * step once: the version is read again inside the transaction, so that
 * two processes opening an old store at once migrate it once.
 */
gboolean
qd_store_migrate (QdStore     *self,
                  const char  *schema_1,
                  GError     **error)
{
  QdSqlite *sqlite = qd_store_get_sqlite (self);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int version = 0;

  if (!qd_sqlite_exec (sqlite, "BEGIN IMMEDIATE", error))
    return FALSE;
  stmt = qd_sqlite_prepare (sqlite, "PRAGMA user_version", error);
  if (stmt == NULL)
    {
      qd_sqlite_rollback (sqlite);
      return FALSE;
    }
  if (sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (version >= QD_STORE_SCHEMA_VERSION)
    return qd_sqlite_exec (sqlite, "COMMIT", error);

  if ((version < 1 && !qd_sqlite_exec (sqlite, schema_1, error)) ||
      (version < 2 && (!qd_sqlite_exec (sqlite, migration_2, error) ||
                       !backfill_sample_data (self, error))) ||
      !qd_sqlite_exec (sqlite, "PRAGMA user_version = " G_STRINGIFY (QD_STORE_SCHEMA_VERSION),
                       error) ||
      !qd_sqlite_exec (sqlite, "COMMIT", error))
    {
      qd_sqlite_rollback (sqlite);
      return FALSE;
    }
  return TRUE;
}

/* Every sample (or only @only), newest submission first; a sample
 * submitted twice is one record, sent when it was first sent. */
static GPtrArray *
load_records (QdStore     *self,
              const char  *only,
              GError     **error)
{
  QdSqlite *sqlite = qd_store_get_sqlite (self);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GHashTable) by_digest = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(sqlite3_stmt) samples = NULL;
  g_autoptr(sqlite3_stmt) statuses = NULL;
  g_autoptr(sqlite3_stmt) checks = NULL;
  int rc;

  records = g_ptr_array_new_with_free_func ((GDestroyNotify)qd_sample_record_unref);
  if ((samples = qd_sqlite_prepare (sqlite,
         "SELECT s.sha256, s.from_header, s.to_header, s.subject, s.received_at,"
         " sub.queued_at, sub.sent_at, s.data IS NOT NULL"
         " FROM samples s JOIN submissions sub ON sub.id = s.submission_id"
         " WHERE ?1 IS NULL OR s.sha256 = ?1"
         " ORDER BY sub.queued_at DESC, sub.id DESC, s.id ASC", error)) == NULL ||
      (statuses = qd_sqlite_prepare (sqlite,
         "SELECT sha256, status, at, detail FROM sample_status"
         " WHERE ?1 IS NULL OR sha256 = ?1 ORDER BY id", error)) == NULL ||
      (checks = qd_sqlite_prepare (sqlite,
         "SELECT sha256, checked_at, n_checks, score, threshold FROM sample_checks"
         " WHERE ?1 IS NULL OR sha256 = ?1", error)) == NULL)
    return NULL;

  sqlite3_bind_text (samples, 1, only, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (samples)) == SQLITE_ROW)
    {
      const char *digest = (const char *)sqlite3_column_text (samples, 0);
      QdSampleRecord *record = g_hash_table_lookup (by_digest, digest);
      g_autoptr(GDateTime) received = qd_sqlite_column_time (samples, 4);
      g_autoptr(GDateTime) queued = qd_sqlite_column_time (samples, 5);
      g_autoptr(GDateTime) sent = qd_sqlite_column_time (samples, 6);

      if (record == NULL)
        {
          /* The newest submission names it. */
          record = qd_sample_record_new (digest);
          record->from = qd_sqlite_column_text (samples, 1);
          record->to = qd_sqlite_column_text (samples, 2);
          record->subject = qd_sqlite_column_text (samples, 3);
          g_ptr_array_add (records, record);
          g_hash_table_insert (by_digest, record->sha256, record);
        }
      /* The earliest of each time counts. */
      if (received != NULL && (record->received_at == NULL ||
                               g_date_time_compare (received, record->received_at) < 0))
        {
          g_clear_pointer (&record->received_at, g_date_time_unref);
          record->received_at = g_steal_pointer (&received);
        }
      if (queued != NULL && (record->queued_at == NULL ||
                             g_date_time_compare (queued, record->queued_at) < 0))
        {
          g_clear_pointer (&record->queued_at, g_date_time_unref);
          record->queued_at = g_steal_pointer (&queued);
        }
      if (sent != NULL && (record->sent_at == NULL ||
                           g_date_time_compare (sent, record->sent_at) < 0))
        {
          g_clear_pointer (&record->sent_at, g_date_time_unref);
          record->sent_at = g_steal_pointer (&sent);
        }
      record->has_data |= sqlite3_column_int (samples, 7) != 0;
    }
  if (rc != SQLITE_DONE)
    {
      qd_sqlite_fail (sqlite, rc, error);
      return NULL;
    }

  sqlite3_bind_text (statuses, 1, only, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (statuses)) == SQLITE_ROW)
    {
      QdSampleRecord *record = g_hash_table_lookup (by_digest, sqlite3_column_text (statuses, 0));
      g_autoptr(GDateTime) at = qd_sqlite_column_time (statuses, 2);
      QdFollowUpStatus status;

      /* A word a newer version wrote is skipped, not misread. */
      if (record == NULL || at == NULL ||
          !qd_follow_up_status_from_string ((const char *)sqlite3_column_text (statuses, 1),
                                            &status))
        continue;
      qd_sample_record_add_change (record, status, at,
                                   (const char *)sqlite3_column_text (statuses, 3));
    }
  if (rc != SQLITE_DONE)
    {
      qd_sqlite_fail (sqlite, rc, error);
      return NULL;
    }

  sqlite3_bind_text (checks, 1, only, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (checks)) == SQLITE_ROW)
    {
      QdSampleRecord *record = g_hash_table_lookup (by_digest, sqlite3_column_text (checks, 0));

      if (record == NULL)
        continue;
      record->checked_at = qd_sqlite_column_time (checks, 1);
      record->n_checks = (guint)sqlite3_column_int (checks, 2);
      record->score = sqlite3_column_double (checks, 3);
      record->threshold = sqlite3_column_double (checks, 4);
    }
  if (rc != SQLITE_DONE)
    {
      qd_sqlite_fail (sqlite, rc, error);
      return NULL;
    }
  return g_steal_pointer (&records);
}

/**
 * qd_store_list_samples:
 *
 * Every reported sample once, with its statuses and latest check, the
 * most recently submitted first.
 *
 * Returns: (transfer full) (element-type QdSampleRecord): or %NULL on error
 */
GPtrArray *
qd_store_list_samples (QdStore  *self,
                       GError  **error)
{
  g_return_val_if_fail (QD_IS_STORE (self), NULL);
  return load_records (self, NULL, error);
}

/**
 * qd_store_get_sample:
 *
 * Returns: (transfer full): the sample, or %NULL with %QD_ERROR_NOT_FOUND
 */
QdSampleRecord *
qd_store_get_sample (QdStore     *self,
                     const char  *sha256,
                     GError     **error)
{
  g_autoptr(GPtrArray) records = NULL;

  g_return_val_if_fail (QD_IS_STORE (self), NULL);
  g_return_val_if_fail (sha256 != NULL, NULL);

  records = load_records (self, sha256, error);
  if (records == NULL)
    return NULL;
  if (records->len == 0)
    {
      g_set_error (error, QD_ERROR, QD_ERROR_NOT_FOUND,
                   _("No reported sample has the SHA-256 %s."), sha256);
      return NULL;
    }
  return qd_sample_record_ref (g_ptr_array_index (records, 0));
}

/**
 * qd_store_get_sample_data:
 *
 * The sample's bytes as the person gave them, for a re-check or a report.
 *
 * Returns: (transfer full): or %NULL with %QD_ERROR_NOT_FOUND when they
 *   are not kept (samples sent before the history kept them)
 */
GBytes *
qd_store_get_sample_data (QdStore     *self,
                          const char  *sha256,
                          GError     **error)
{
  QdSqlite *sqlite;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (QD_IS_STORE (self), NULL);
  g_return_val_if_fail (sha256 != NULL, NULL);

  sqlite = qd_store_get_sqlite (self);
  stmt = qd_sqlite_prepare (sqlite,
                            "SELECT data FROM samples WHERE sha256 = ? AND data IS NOT NULL "
                            "ORDER BY id DESC LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return g_bytes_new (sqlite3_column_blob (stmt, 0), (gsize)sqlite3_column_bytes (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      qd_sqlite_fail (sqlite, rc, error);
      return NULL;
    }
  g_set_error_literal (error, QD_ERROR, QD_ERROR_NOT_FOUND,
                       _("This sample was sent by an older version of Quarantine Desk, which "
                         "did not keep its content, so it cannot be checked from the history. "
                         "Check the saved message file itself instead."));
  return NULL;
}

/**
 * qd_store_resolve_sample:
 * @prefix: the start of a sample's SHA-256: at least 8 hexadecimal digits
 *
 * The one sample whose digest starts so, as git resolves short hashes.
 *
 * Returns: (transfer full): the full SHA-256, or %NULL with
 *   %QD_ERROR_INVALID_INPUT (malformed or ambiguous) or %QD_ERROR_NOT_FOUND
 */
char *
qd_store_resolve_sample (QdStore     *self,
                         const char  *prefix,
                         GError     **error)
{
  QdSqlite *sqlite;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *lower = NULL;
  g_autofree char *found = NULL;
  gsize length;
  int rc;

  g_return_val_if_fail (QD_IS_STORE (self), NULL);
  g_return_val_if_fail (prefix != NULL, NULL);

  length = strlen (prefix);
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isxdigit (prefix[i]))
      length = 0;
  if (length < 8 || length > 64)
    {
      g_set_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT,
                   _("“%s” is not a sample's SHA-256: give at least 8 of its hexadecimal "
                     "digits, as “qdesk history” shows them."), prefix);
      return NULL;
    }
  lower = g_ascii_strdown (prefix, -1);
  sqlite = qd_store_get_sqlite (self);
  stmt = qd_sqlite_prepare (sqlite,
                            "SELECT DISTINCT sha256 FROM samples WHERE substr (sha256, 1, ?) = ? "
                            "LIMIT 2", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, (int)length);
  sqlite3_bind_text (stmt, 2, lower, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (found != NULL)
        {
          g_set_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT,
                       _("Several reported samples have a SHA-256 starting with “%s”: give "
                         "more of its digits."), prefix);
          return NULL;
        }
      found = qd_sqlite_column_text (stmt, 0);
    }
  if (rc != SQLITE_DONE)
    {
      qd_sqlite_fail (sqlite, rc, error);
      return NULL;
    }
  if (found == NULL)
    g_set_error (error, QD_ERROR, QD_ERROR_NOT_FOUND,
                 _("No reported sample has a SHA-256 starting with “%s”."), prefix);
  return g_steal_pointer (&found);
}

/* The verdict in short, as sample_status keeps it: not for display. */
static char *
verdict_detail (QdVerdict *verdict)
{
  GString *detail = g_string_new (NULL);
  char score[G_ASCII_DTOSTR_BUF_SIZE];
  char threshold[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (score, sizeof score, "%.2f", verdict->score);
  g_ascii_formatd (threshold, sizeof threshold, "%.2f", verdict->threshold);
  g_string_append_printf (detail, "verdict=%s score=%s threshold=%s rules=",
                          qd_enum_to_nick (QD_TYPE_VERDICT_KIND, verdict->kind), score,
                          threshold);
  for (guint i = 0; i < verdict->rules->len; i++)
    {
      QdVerdictRule *rule = g_ptr_array_index (verdict->rules, i);

      g_string_append_printf (detail, "%s%s", i > 0 ? "," : "", rule->name);
    }
  return g_string_free (detail, FALSE);
}

/**
 * qd_store_record_check:
 * @verdict: what the gateway said about the sample
 * @at: when it said so
 * @changed: (out) (optional): whether the sample's status changed
 *
 * Keeps the check as the sample's latest, and a new status ("spam" or
 * "still_missed") only when it differs from the latest one, so that the
 * history of statuses shows when the sample became detected. The
 * comparison and the writes are one transaction: two programs checking
 * at once record the change once.
 */
gboolean
qd_store_record_check (QdStore     *self,
                       const char  *sha256,
                       QdVerdict   *verdict,
                       GDateTime   *at,
                       gboolean    *changed,
                       GError     **error)
{
  QdSqlite *sqlite;
  g_autoptr(sqlite3_stmt) latest = NULL;
  g_autoptr(sqlite3_stmt) status_row = NULL;
  g_autoptr(sqlite3_stmt) check_row = NULL;
  g_autofree char *detail = NULL;
  const char *status;
  gboolean differs;
  int rc;

  g_return_val_if_fail (QD_IS_STORE (self), FALSE);
  g_return_val_if_fail (sha256 != NULL && verdict != NULL && at != NULL, FALSE);

  status = qd_follow_up_status_to_string (verdict->classified_as_spam
                                          ? QD_FOLLOW_UP_NOW_SPAM : QD_FOLLOW_UP_STILL_MISSED);
  detail = verdict_detail (verdict);
  sqlite = qd_store_get_sqlite (self);
  if (!qd_sqlite_exec (sqlite, "BEGIN IMMEDIATE", error))
    return FALSE;
  if ((latest = qd_sqlite_prepare (sqlite, "SELECT status FROM sample_status WHERE sha256 = ? "
                                           "ORDER BY id DESC LIMIT 1", error)) == NULL ||
      (status_row = qd_sqlite_prepare (sqlite,
                                       "INSERT INTO sample_status (sha256, status, at, detail) "
                                       "VALUES (?, ?, ?, ?)", error)) == NULL ||
      (check_row = qd_sqlite_prepare (sqlite,
                                      "INSERT INTO sample_checks (sha256, checked_at, verdict, "
                                      "score, threshold) VALUES (?1, ?2, ?3, ?4, ?5) "
                                      "ON CONFLICT (sha256) DO UPDATE SET checked_at = ?2, "
                                      "n_checks = n_checks + 1, verdict = ?3, score = ?4, "
                                      "threshold = ?5", error)) == NULL)
    {
      qd_sqlite_rollback (sqlite);
      return FALSE;
    }
  sqlite3_bind_text (latest, 1, sha256, -1, SQLITE_STATIC);
  rc = sqlite3_step (latest);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      qd_sqlite_fail (sqlite, rc, error);
      qd_sqlite_rollback (sqlite);
      return FALSE;
    }
  differs = rc == SQLITE_DONE ||
            g_strcmp0 ((const char *)sqlite3_column_text (latest, 0), status) != 0;
  sqlite3_reset (latest);

  sqlite3_bind_text (status_row, 1, sha256, -1, SQLITE_STATIC);
  sqlite3_bind_text (status_row, 2, status, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (status_row, 3, g_date_time_to_unix (at));
  sqlite3_bind_text (status_row, 4, detail, -1, SQLITE_STATIC);
  sqlite3_bind_text (check_row, 1, sha256, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (check_row, 2, g_date_time_to_unix (at));
  sqlite3_bind_text (check_row, 3, qd_enum_to_nick (QD_TYPE_VERDICT_KIND, verdict->kind), -1,
                     SQLITE_STATIC);
  sqlite3_bind_double (check_row, 4, verdict->score);
  sqlite3_bind_double (check_row, 5, verdict->threshold);
  if ((differs && !qd_sqlite_step (sqlite, status_row, error)) ||
      !qd_sqlite_step (sqlite, check_row, error) || !qd_sqlite_exec (sqlite, "COMMIT", error))
    {
      qd_sqlite_rollback (sqlite);
      return FALSE;
    }
  if (changed != NULL)
    *changed = differs;
  return TRUE;
}
