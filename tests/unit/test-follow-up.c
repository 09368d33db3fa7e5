/* test-follow-up.c — the follow-up of reported samples: statuses in the
 * store, the schedule of re-checks, re-checking
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "follow-up-fixture.h"

/* Pure schedule: 1 h, 6 h, 24 h after sending, then daily, after the
 * latest check; nothing for a sample that is spam, unsent or without
 * its bytes. */
static void
test_schedule (void)
{
  g_autoptr(GDateTime) sent = g_date_time_new_utc (2026, 6, 7, 10, 0, 0);
  g_autoptr(QdSampleRecord) record = qd_sample_record_new ("ab");
  struct {
    double checked_hours;   /* < 0: never checked */
    double next_hours;
  } cases[] = {
    { -1, 1 }, { -0.5, 1 }, { 0.5, 1 }, { 1, 6 }, { 1.1, 6 }, { 5.99, 6 }, { 7, 24 },
    { 23.9, 24 }, { 24, 48 }, { 30, 48 }, { 48, 72 }, { 77, 96 },
  };

  record->sent_at = g_date_time_ref (sent);
  record->has_data = TRUE;
  qd_sample_record_add_change (record, QD_FOLLOW_UP_SENT, sent, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) expected = g_date_time_add (sent, (GTimeSpan)(cases[i].next_hours *
                                                                         G_TIME_SPAN_HOUR));
      g_autoptr(GDateTime) next = NULL;
      g_autoptr(GDateTime) just_before = NULL;

      g_clear_pointer (&record->checked_at, g_date_time_unref);
      if (cases[i].checked_hours != -1)
        record->checked_at = g_date_time_add (sent, (GTimeSpan)(cases[i].checked_hours *
                                                                G_TIME_SPAN_HOUR));
      next = qd_sample_record_get_next_check (record);
      g_test_message ("checked at %+.2f h: next at %+.2f h", cases[i].checked_hours,
                      (double)g_date_time_difference (next, sent) / G_TIME_SPAN_HOUR);
      follow_up_fixture_assert_time (next, expected);
      just_before = g_date_time_add_seconds (expected, -1);
      g_assert_false (qd_sample_record_is_due (record, just_before));
      g_assert_true (qd_sample_record_is_due (record, expected));
    }

  /* Once classified as spam, never again. */
  qd_sample_record_add_change (record, QD_FOLLOW_UP_NOW_SPAM, sent, NULL);
  g_assert_null (qd_sample_record_get_next_check (record));
  g_assert_false (qd_sample_record_is_pending (record));
  /* Nor without bytes, nor before it was sent. */
  qd_sample_record_add_change (record, QD_FOLLOW_UP_STILL_MISSED, sent, NULL);
  g_assert_true (qd_sample_record_is_pending (record));
  record->has_data = FALSE;
  g_assert_false (qd_sample_record_is_pending (record));
  record->has_data = TRUE;
  g_clear_pointer (&record->sent_at, g_date_time_unref);
  g_assert_null (qd_sample_record_get_next_check (record));
}

/* Statuses are kept only when they change, with the time; the latest
 * check always. */
static void
test_record_check (FollowUpFixture *f,
                   gconstpointer    data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) t1 = follow_up_fixture_hours_ago (now, 5);
  g_autoptr(GDateTime) t2 = follow_up_fixture_hours_ago (now, 4);
  g_autoptr(GDateTime) t3 = follow_up_fixture_hours_ago (now, 3);
  g_autoptr(GDateTime) t4 = follow_up_fixture_hours_ago (now, 2);
  GBytes *datas[] = {
    follow_up_fixture_make_spam (f, "prize", "win@spam.example", "bob@example.com", now, now),
  };
  g_autoptr(GPtrArray) samples = follow_up_fixture_submit (f, datas, 1, TRUE);
  const char *sha = qd_sample_get_digest (g_ptr_array_index (samples, 0));
  g_autoptr(QdVerdict) missed = follow_up_fixture_make_verdict (FALSE, 1.5);
  g_autoptr(QdVerdict) spam = follow_up_fixture_make_verdict (TRUE, 11.5);
  g_autoptr(QdSampleRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) kept = NULL;
  gboolean changed = FALSE;
  QdStatusChange *change;

  record = follow_up_fixture_get_record (f, sha);
  g_assert_cmpint (record->status, ==, QD_FOLLOW_UP_SENT);
  g_assert_true (record->has_data);
  g_assert_nonnull (record->sent_at);
  g_assert_null (record->checked_at);
  g_assert_cmpuint (record->changes->len, ==, 2);   /* queued, sent */
  g_clear_pointer (&record, qd_sample_record_unref);

  /* The sample's bytes are kept whole, after the outbox let go of them. */
  g_assert_cmpuint (qd_store_count_pending (f->store, NULL), ==, 0);
  kept = qd_store_get_sample_data (f->store, sha, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (kept, datas[0]));

  g_assert_true (qd_store_record_check (f->store, sha, missed, t1, &changed, &error));
  g_assert_no_error (error);
  g_assert_true (changed);
  g_assert_true (qd_store_record_check (f->store, sha, missed, t2, &changed, &error));
  g_assert_false (changed);
  record = follow_up_fixture_get_record (f, sha);
  g_assert_cmpint (record->status, ==, QD_FOLLOW_UP_STILL_MISSED);
  g_assert_cmpuint (record->changes->len, ==, 3);
  follow_up_fixture_assert_time (record->status_at, t1);
  follow_up_fixture_assert_time (record->checked_at, t2);
  follow_up_fixture_assert_time (qd_sample_record_get_status_time (record), t2);
  g_assert_cmpuint (record->n_checks, ==, 2);
  g_assert_cmpfloat (record->score, ==, 1.5);
  g_assert_null (record->spam_at);
  g_clear_pointer (&record, qd_sample_record_unref);

  g_assert_true (qd_store_record_check (f->store, sha, spam, t3, &changed, &error));
  g_assert_true (changed);
  g_assert_true (qd_store_record_check (f->store, sha, spam, t4, &changed, &error));
  g_assert_false (changed);
  record = follow_up_fixture_get_record (f, sha);
  g_assert_cmpint (record->status, ==, QD_FOLLOW_UP_NOW_SPAM);
  follow_up_fixture_assert_time (record->spam_at, t3);
  follow_up_fixture_assert_time (qd_sample_record_get_status_time (record), t3);
  follow_up_fixture_assert_time (record->checked_at, t4);
  g_assert_cmpuint (record->changes->len, ==, 4);
  change = g_ptr_array_index (record->changes, 3);
  g_assert_cmpint (change->status, ==, QD_FOLLOW_UP_NOW_SPAM);
  g_assert_nonnull (strstr (change->detail, "QD_REPORTED_SAMPLE"));
  g_assert_nonnull (strstr (change->detail, "score=11.50"));
}


static void
reload (QdFollowUp *follow_up)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  qd_follow_up_reload_async (follow_up, NULL, qd_async_wait_result_cb, &result);
  g_assert_true (qd_follow_up_reload_finish (follow_up, qd_async_wait (&result), &error));
  g_assert_no_error (error);
}

static void
count_changed (QdFollowUp *follow_up,
               guint      *count)
{
  (*count)++;
}


/* The schedule over the store: what is due now, and when next. */
static void
test_due (FollowUpFixture *f,
          gconstpointer    data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) two_hours_ago = follow_up_fixture_hours_ago (now, 2);
  GBytes *datas[] = {
    follow_up_fixture_make_spam (f, "alpha", "a@spam.example", "bob@example.com", two_hours_ago,
                                 two_hours_ago),
    follow_up_fixture_make_spam (f, "bravo", "b@spam.example", "bob@example.com", now, now),
    follow_up_fixture_make_spam (f, "charlie", "c@spam.example", "bob@example.com", now, now),
    follow_up_fixture_make_spam (f, "delta", "d@spam.example", "bob@example.com", now, now),
  };
  g_autoptr(GPtrArray) sent = follow_up_fixture_submit_each (f, datas, 3);
  g_autoptr(GPtrArray) queued = follow_up_fixture_submit (f, datas + 3, 1, FALSE);
  g_autoptr(QdFollowUp) follow_up = qd_follow_up_new (f->store, NULL);
  g_autoptr(QdVerdict) missed = follow_up_fixture_make_verdict (FALSE, 2);
  g_autoptr(QdVerdict) spam = follow_up_fixture_make_verdict (TRUE, 12);
  g_autoptr(GDateTime) next = NULL;
  g_autoptr(GDateTime) expected = NULL;
  g_autoptr(QdSampleRecord) a = NULL;
  g_autoptr(QdSampleRecord) b = NULL;
  g_auto(GStrv) due = NULL;
  guint changes = 0;

  follow_up_fixture_set_sent_at (f, follow_up_fixture_digest_of (sent, 0), two_hours_ago);
  g_assert_true (qd_store_record_check (f->store, follow_up_fixture_digest_of (sent, 2), spam, now,
                                        NULL, NULL));
  g_signal_connect (follow_up, "changed", G_CALLBACK (count_changed), &changes);

  /* Nothing is known before the first reload; it never blocks. */
  g_assert_null (qd_follow_up_next_due (follow_up, now));
  reload (follow_up);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_cmpuint (qd_follow_up_get_samples (follow_up)->len, ==, 4);
  /* Newest submission first: the queued one. */
  g_assert_cmpstr (((QdSampleRecord *)g_ptr_array_index (qd_follow_up_get_samples (follow_up),
                                                         0))->sha256, ==,
                   follow_up_fixture_digest_of (queued, 0));

  due = qd_follow_up_due_samples (follow_up, now);
  g_assert_cmpuint (g_strv_length (due), ==, 1);
  g_assert_cmpstr (due[0], ==, follow_up_fixture_digest_of (sent, 0));
  a = qd_sample_record_ref (qd_follow_up_lookup (follow_up, follow_up_fixture_digest_of (sent, 0)));
  next = qd_follow_up_next_due (follow_up, now);
  expected = g_date_time_add_hours (a->sent_at, 1);
  follow_up_fixture_assert_time (next, expected);
  g_assert_cmpint (g_date_time_compare (next, now), <=, 0);

  /* A checked at once: next 6 h after its sending; B's first check (1 h
   * after now) comes first. */
  g_assert_true (qd_store_record_check (f->store, a->sha256, missed, now, NULL, NULL));
  reload (follow_up);
  g_assert_cmpuint (changes, ==, 2);
  g_clear_pointer (&due, g_strfreev);
  due = qd_follow_up_due_samples (follow_up, now);
  g_assert_cmpuint (g_strv_length (due), ==, 0);
  b = qd_sample_record_ref (qd_follow_up_lookup (follow_up, follow_up_fixture_digest_of (sent, 1)));
  g_clear_pointer (&next, g_date_time_unref);
  g_clear_pointer (&expected, g_date_time_unref);
  next = qd_follow_up_next_due (follow_up, now);
  expected = g_date_time_add_hours (b->sent_at, 1);
  follow_up_fixture_assert_time (next, expected);
  g_clear_pointer (&a, qd_sample_record_unref);
  a = qd_sample_record_ref (qd_follow_up_lookup (follow_up, follow_up_fixture_digest_of (sent, 0)));
  g_clear_pointer (&expected, g_date_time_unref);
  g_clear_pointer (&next, g_date_time_unref);
  next = qd_sample_record_get_next_check (a);
  expected = g_date_time_add_hours (a->sent_at, 6);
  follow_up_fixture_assert_time (next, expected);

  /* The spam one and the queued one are never due. */
  g_assert_null (qd_sample_record_get_next_check (
                   qd_follow_up_lookup (follow_up, follow_up_fixture_digest_of (sent, 2))));
  g_assert_null (qd_sample_record_get_next_check (
                   qd_follow_up_lookup (follow_up, follow_up_fixture_digest_of (queued, 0))));
}

/* A real connection refused: the first sample fails with a network
 * error, the run stops there; what need not or cannot be checked says
 * why; nothing is recorded. */
static void
test_recheck_unreachable (FollowUpFixture *f,
                          gconstpointer    data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GBytes *datas[] = {
    follow_up_fixture_make_spam (f, "echo", "e@spam.example", "bob@example.com", now, now),
    follow_up_fixture_make_spam (f, "foxtrot", "f@spam.example", "bob@example.com", now, now),
    follow_up_fixture_make_spam (f, "golf", "g@spam.example", "bob@example.com", now, now),
    follow_up_fixture_make_spam (f, "hotel", "h@spam.example", "bob@example.com", now, now),
  };
  g_autoptr(GPtrArray) sent = follow_up_fixture_submit (f, datas, 3, TRUE);
  g_autoptr(GPtrArray) queued = follow_up_fixture_submit (f, datas + 3, 1, FALSE);
  g_autoptr(QdVerdict) spam = follow_up_fixture_make_verdict (TRUE, 12);
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(QdApiClient) client = NULL;
  g_autoptr(QdFollowUp) follow_up = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  const char *unknown = "0000000000000000000000000000000000000000000000000000000000000000";
  const char *wanted[] = {
    follow_up_fixture_digest_of (sent, 0), follow_up_fixture_digest_of (sent, 1),
    follow_up_fixture_digest_of (sent, 2), follow_up_fixture_digest_of (queued, 0), unknown,
    follow_up_fixture_digest_of (sent, 0), NULL
  };
  QdRecheckResult *r;
  guint16 port;

  g_assert_true (qd_store_record_check (f->store, follow_up_fixture_digest_of (sent, 2), spam, now,
                                        NULL, NULL));

  /* Without a client, nothing can be asked. */
  follow_up = qd_follow_up_new (f->store, NULL);
  qd_follow_up_recheck_async (follow_up, wanted, NULL, qd_async_wait_result_cb, &result);
  g_assert_null (qd_follow_up_recheck_finish (follow_up, qd_async_wait (&result), &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_NOT_SIGNED_IN);
  g_clear_error (&error);
  g_clear_object (&result);

  /* A loopback port that was just closed refuses the connection. */
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);
  url = g_strdup_printf ("http://127.0.0.1:%u", port);
  client = qd_api_client_new (url, &error);
  g_assert_no_error (error);
  qd_api_client_set_token (client, "not-a-real-token");
  qd_follow_up_set_client (follow_up, client);

  qd_follow_up_recheck_async (follow_up, wanted, NULL, qd_async_wait_result_cb, &result);
  results = qd_follow_up_recheck_finish (follow_up, qd_async_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 5);   /* the repeated one once */

  r = g_ptr_array_index (results, 0);
  g_assert_error (r->error, QD_ERROR, QD_ERROR_NETWORK);
  g_assert_false (r->checked);
  r = g_ptr_array_index (results, 1);
  g_assert_error (r->error, QD_ERROR, QD_ERROR_NETWORK);
  r = g_ptr_array_index (results, 2);
  g_assert_no_error (r->error);
  g_assert_false (r->checked);
  g_assert_cmpint (r->before, ==, QD_FOLLOW_UP_NOW_SPAM);
  g_assert_cmpint (r->after, ==, QD_FOLLOW_UP_NOW_SPAM);
  r = g_ptr_array_index (results, 3);
  g_assert_error (r->error, QD_ERROR, QD_ERROR_INVALID_INPUT);
  g_assert_cmpint (r->before, ==, QD_FOLLOW_UP_QUEUED);
  r = g_ptr_array_index (results, 4);
  g_assert_error (r->error, QD_ERROR, QD_ERROR_NOT_FOUND);
  g_assert_null (r->record);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(QdSampleRecord) record =
        follow_up_fixture_get_record (f, follow_up_fixture_digest_of (sent, i));

      g_assert_cmpint (record->status, ==, QD_FOLLOW_UP_SENT);
      g_assert_null (record->checked_at);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  qd_mail_init ();

  g_test_add_func ("/follow-up/schedule", test_schedule);
  g_test_add ("/follow-up/record-check", FollowUpFixture, NULL, follow_up_fixture_set_up,
              test_record_check, follow_up_fixture_tear_down);
  g_test_add ("/follow-up/due", FollowUpFixture, NULL, follow_up_fixture_set_up, test_due,
              follow_up_fixture_tear_down);
  g_test_add ("/follow-up/recheck-unreachable", FollowUpFixture, NULL, follow_up_fixture_set_up,
              test_recheck_unreachable, follow_up_fixture_tear_down);
  return g_test_run ();
}
