/* test-store.c — the local store: the outbox, the history of reported
 * samples, files it refuses, migration, short SHA-256s
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "follow-up-fixture.h"

static char *
temp_store (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("qd-store-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
test_store_outbox_and_history (void)
{
  GBytes *datas[2] = {
    follow_up_fixture_make_sample ("first", "x\n", "\n"),
    follow_up_fixture_make_sample ("second", "y\n", "\n"),
  };
  g_autoptr(GPtrArray) samples = follow_up_fixture_evaluate (datas, 2);
  g_autoptr(GPtrArray) packed = qd_submission_pack (samples, "me@example.com", "to@example.com",
                                                    2000000, NULL, NULL);
  g_autofree char *dir = temp_store ();
  g_autofree char *path = g_build_filename (dir, "sub", "store.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(QdStore) store = qd_store_open (path, &error);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GPtrArray) history = NULL;
  QdOutboxEntry *entry;
  QdHistoryEntry *first;

  g_assert_no_error (error);
  g_assert_true (qd_store_enqueue (store, packed, ids, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_cmpuint (qd_store_count_pending (store, NULL), ==, 1);

  /* Reopened (as after a crash): the message is still there, whole. */
  g_clear_object (&store);
  store = qd_store_open (path, &error);
  g_assert_no_error (error);
  pending = qd_store_claim_pending (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pending->len, ==, 1);
  entry = g_ptr_array_index (pending, 0);
  g_assert_true (g_bytes_equal (entry->data,
                                qd_submission_get_data (g_ptr_array_index (packed, 0))));
  g_assert_cmpstr (entry->message_id, ==,
                   qd_submission_get_message_id (g_ptr_array_index (packed, 0)));
  g_assert_cmpstr (entry->rcpt_to, ==, "to@example.com");
  g_assert_cmpuint (entry->n_samples, ==, 2);

  g_assert_true (qd_store_note_attempt (store, entry->id, "connection lost", &error));
  again = qd_store_claim_pending (store, NULL, &error);
  g_assert_cmpuint (again->len, ==, 1);
  g_assert_cmpuint (((QdOutboxEntry *)g_ptr_array_index (again, 0))->attempts, ==, 1);

  g_assert_true (qd_store_mark_sent (store, entry->id, "127.0.0.1:25", "250 2.0.0 Ok", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (qd_store_count_pending (store, NULL), ==, 0);

  history = qd_store_list_history (store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);
  first = g_ptr_array_index (history, 0);
  g_assert_cmpstr (first->state, ==, "sent");
  g_assert_cmpstr (first->status, ==, "sent");
  g_assert_cmpstr (first->reply, ==, "250 2.0.0 Ok");
  g_assert_cmpstr (first->server, ==, "127.0.0.1:25");
  g_assert_cmpstr (first->subject, ==, "first");
  g_assert_cmpstr (first->sha256, ==, qd_sample_get_digest (g_ptr_array_index (samples, 0)));
  g_assert_nonnull (first->sent_at);
  g_assert_nonnull (first->received_at);

  /* The follow-up appends states; the latest one shows. */
  g_assert_true (qd_store_add_sample_status (store, first->sha256, "spam",
                                             first->sent_at, &error));
  g_clear_pointer (&history, g_ptr_array_unref);
  history = qd_store_list_history (store, 1, &error);
  g_assert_cmpuint (history->len, ==, 1);
  g_assert_cmpstr (((QdHistoryEntry *)g_ptr_array_index (history, 0))->status, ==, "spam");
  for (guint i = 0; i < 2; i++)
    g_bytes_unref (datas[i]);
}

static void
test_store_refuses_bad_files (void)
{
  g_autofree char *dir = temp_store ();
  g_autofree char *corrupt = g_build_filename (dir, "corrupt.db", NULL);
  g_autofree char *blocker = g_build_filename (dir, "file", NULL);
  g_autofree char *below = g_build_filename (blocker, "store.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(QdStore) store = NULL;
  g_autofree char *junk = g_strnfill (8192, 'j');

  g_assert_true (g_file_set_contents (corrupt, junk, -1, NULL));
  store = qd_store_open (corrupt, &error);
  g_assert_null (store);
  g_assert_error (error, QD_ERROR, QD_ERROR_STORAGE);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (blocker, "", 0, NULL));
  store = qd_store_open (below, &error);
  g_assert_null (store);
  g_assert_error (error, QD_ERROR, QD_ERROR_STORAGE);
}

/* A store of version 1 (no sample bytes, no checks) opens as version 2:
 * samples still in the outbox get their bytes back from it; the history
 * of those already sent stays readable but cannot be re-checked. */
static void
test_migration (FollowUpFixture *f,
                gconstpointer    data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GBytes *datas[] = {
    follow_up_fixture_make_spam (f, "november", "n@spam.example", "bob@example.com", now, now),
    follow_up_fixture_make_spam (f, "oscar", "o@spam.example", "bob@example.com", now, now),
  };
  g_autoptr(GPtrArray) sent = follow_up_fixture_submit (f, datas, 1, TRUE);
  g_autoptr(GPtrArray) queued = follow_up_fixture_submit (f, datas + 1, 1, FALSE);
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(QdSampleRecord) old = NULL;
  g_autoptr(QdSampleRecord) waiting = NULL;
  g_autoptr(GBytes) back = NULL;
  g_autoptr(GBytes) none = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;
  const guint8 *bytes;
  g_autofree char *digest = NULL;

  g_clear_object (&f->store);
  follow_up_fixture_run_sql (f, "DROP TABLE sample_checks; ALTER TABLE samples DROP COLUMN data; "
                             "PRAGMA user_version = 1;");
  f->store = qd_store_open (f->path, &error);
  g_assert_no_error (error);

  waiting = follow_up_fixture_get_record (f, follow_up_fixture_digest_of (queued, 0));
  g_assert_true (waiting->has_data);
  back = qd_store_get_sample_data (f->store, waiting->sha256, &error);
  g_assert_no_error (error);
  bytes = g_bytes_get_data (back, &length);
  digest = qd_mail_sample_digest (bytes, length);
  g_assert_cmpstr (digest, ==, follow_up_fixture_digest_of (queued, 0));

  old = follow_up_fixture_get_record (f, follow_up_fixture_digest_of (sent, 0));
  g_assert_false (old->has_data);
  g_assert_cmpint (old->status, ==, QD_FOLLOW_UP_SENT);
  g_assert_false (qd_sample_record_is_pending (old));
  none = qd_store_get_sample_data (f->store, old->sha256, &error);
  g_assert_null (none);
  g_assert_error (error, QD_ERROR, QD_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* The older API reads it as before. */
  history = qd_store_list_history (f->store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);

  /* And a store of this version is not migrated twice. */
  g_clear_object (&f->store);
  f->store = qd_store_open (f->path, &error);
  g_assert_no_error (error);
}

/* Short SHA-256s, as git takes them. */
static void
test_resolve_prefix (FollowUpFixture *f,
                     gconstpointer    data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GBytes *datas[] = {
    follow_up_fixture_make_spam (f, "papa", "p@spam.example", "bob@example.com", now, now),
  };
  g_autoptr(GPtrArray) sent = follow_up_fixture_submit (f, datas, 1, TRUE);
  const char *sha = follow_up_fixture_digest_of (sent, 0);
  g_autofree char *eight = g_strndup (sha, 8);
  g_autofree char *upper = g_ascii_strup (eight, -1);
  g_autofree char *seven = g_strndup (sha, 7);
  g_autofree char *twin = g_strdup (sha);
  g_autoptr(GError) error = NULL;
  g_autofree char *found = NULL;

  found = qd_store_resolve_sample (f->store, eight, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, sha);
  g_clear_pointer (&found, g_free);
  found = qd_store_resolve_sample (f->store, upper, &error);
  g_assert_cmpstr (found, ==, sha);
  g_clear_pointer (&found, g_free);
  found = qd_store_resolve_sample (f->store, sha, &error);
  g_assert_cmpstr (found, ==, sha);

  g_assert_null (qd_store_resolve_sample (f->store, seven, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_null (qd_store_resolve_sample (f->store, "zzzzzzzzzz", &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_null (qd_store_resolve_sample (f->store, "00000000", &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Another sample sharing the first 8 digits makes them ambiguous. */
  twin[63] = twin[63] == '0' ? '1' : '0';
  follow_up_fixture_run_sql (f, "INSERT INTO samples (submission_id, sha256) "
                             "SELECT submission_id, '%s' FROM samples LIMIT 1", twin);
  g_assert_null (qd_store_resolve_sample (f->store, eight, &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT);
  g_clear_pointer (&found, g_free);
  found = qd_store_resolve_sample (f->store, sha, NULL);
  g_assert_cmpstr (found, ==, sha);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  qd_mail_init ();

  g_test_add_func ("/store/outbox-and-history", test_store_outbox_and_history);
  g_test_add_func ("/store/refuses-bad-files", test_store_refuses_bad_files);
  g_test_add ("/store/migration-from-1", FollowUpFixture, NULL, follow_up_fixture_set_up,
              test_migration, follow_up_fixture_tear_down);
  g_test_add ("/store/resolve-prefix", FollowUpFixture, NULL, follow_up_fixture_set_up,
              test_resolve_prefix, follow_up_fixture_tear_down);
  return g_test_run ();
}
