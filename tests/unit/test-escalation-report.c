/* test-escalation-report.c — the report for support about samples still
 * missed 24 hours after submission
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "follow-up-fixture.h"

/* Two samples of one series, still missed 30 hours after submission: the
 * report has every detail seed 002 asks for. */
static void
test_report (FollowUpFixture *f,
             gconstpointer    data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) sent_at = follow_up_fixture_hours_ago (now, 30);
  g_autoptr(GDateTime) received_1 = follow_up_fixture_hours_ago (now, 50);
  g_autoptr(GDateTime) written_1 = follow_up_fixture_hours_ago (now, 51);
  g_autoptr(GDateTime) received_2 = follow_up_fixture_hours_ago (now, 40);
  g_autoptr(GDateTime) checked = follow_up_fixture_hours_ago (now, 1);
  GBytes *datas[] = {
    follow_up_fixture_make_spam (f, "india", "prizes@spam.example", "bob@example.com", received_1,
                                 written_1),
    follow_up_fixture_make_spam (f, "juliet", "prizes2@spam.example", "carol@example.com",
                                 received_2, received_2),
  };
  g_autoptr(GPtrArray) sent = follow_up_fixture_submit (f, datas, 2, TRUE);
  g_autoptr(QdVerdict) missed = follow_up_fixture_make_verdict (FALSE, 2.5);
  g_autoptr(QdFollowUp) follow_up = qd_follow_up_new (f->store, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *report = NULL;
  g_autofree char *first = qd_follow_up_format_time (received_1);
  g_autofree char *written = qd_follow_up_format_time (written_1);
  g_autofree char *submitted = qd_follow_up_format_time (sent_at);
  g_autofree char *line = NULL;
  const char *wanted[] = {
    follow_up_fixture_digest_of (sent, 0), follow_up_fixture_digest_of (sent, 1), NULL
  };

  for (guint i = 0; i < 2; i++)
    {
      follow_up_fixture_set_sent_at (f, follow_up_fixture_digest_of (sent, i), sent_at);
      g_assert_true (qd_store_record_check (f->store, follow_up_fixture_digest_of (sent, i), missed,
                                            checked, NULL, NULL));
    }
  report = qd_follow_up_build_report (follow_up, wanted, now, &error);
  g_assert_no_error (error);
  g_test_message ("%s", report);

  follow_up_fixture_assert_contains (report, "Number of samples submitted: 2\n");
  line = g_strdup_printf ("First received (the earliest of these samples): %s\n", first);
  follow_up_fixture_assert_contains (report, line);
  follow_up_fixture_assert_contains (report, "All samples within 5 days of receipt when "
                                     "submitted (Y/N): Y\n");
  follow_up_fixture_assert_contains (report, "Sender address: prizes@spam.example\n");
  follow_up_fixture_assert_contains (report, "Envelope sender (Return-Path): "
                                     "<bounce-india@mailer.spam.example>\n");
  follow_up_fixture_assert_contains (report, "Recipient address: bob@example.com\n");
  follow_up_fixture_assert_contains (report, "Subject: You won the india prize\n");
  g_clear_pointer (&line, g_free);
  line = g_strdup_printf ("Sent on (its Date header): %s\n", written);
  follow_up_fixture_assert_contains (report, line);
  g_clear_pointer (&line, g_free);
  line = g_strdup_printf ("Submitted on: %s\n", submitted);
  follow_up_fixture_assert_contains (report, line);
  follow_up_fixture_assert_contains (report, "Message-ID: <india@spam.example>\n");
  follow_up_fixture_assert_contains (report, "Sender address: prizes2@spam.example\n");
  follow_up_fixture_assert_contains (report, "Recipient address: carol@example.com\n");
  follow_up_fixture_assert_contains (report, "score 2.5, threshold 6.0");
  for (guint i = 0; i < 2; i++)
    follow_up_fixture_assert_contains (report, follow_up_fixture_digest_of (sent, i));
  /* The blanks for what only the person and the administrator know. */
  follow_up_fixture_assert_contains (report, "Number of users affected: ________\n");
  follow_up_fixture_assert_contains (report, "Executives or VIPs affected (Y/N): ________\n");
  follow_up_fixture_assert_contains (report, "Kind of spam (URL, phishing, attachment, "
                                     "Reply-To, other): ________\n");
  follow_up_fixture_assert_contains (report, "Number of such messages received (as counted "
                                     "by the users): ________\n");
  follow_up_fixture_assert_contains (report, "DMARC checking enabled (Y/N): ________\n");
  follow_up_fixture_assert_contains (report, "SPF checking enabled (Y/N): ________\n");
  follow_up_fixture_assert_contains (report, "Heuristic spam detection enabled (Y/N), and its "
                                     "action: ________\n");
  follow_up_fixture_assert_contains (report, "Newsletter and marketing detection enabled (Y/N): "
                                     "________\n");
  follow_up_fixture_assert_contains (report, "approved-senders list (Y/N): ________\n");
  g_clear_pointer (&report, g_free);

  /* A sample received 6 days before it was sent was too old: N, for it
   * and for the series; a gateway with a 7-day limit says Y. */
  follow_up_fixture_run_sql (f, "UPDATE samples SET received_at = %" G_GINT64_FORMAT
                             " WHERE sha256 = '%s'", g_date_time_to_unix (sent_at) - 6 * 24 * 3600,
                             follow_up_fixture_digest_of (sent, 1));
  report = qd_follow_up_build_report (follow_up, wanted, now, &error);
  g_assert_no_error (error);
  follow_up_fixture_assert_contains (report, "All samples within 5 days of receipt when "
                                     "submitted (Y/N): N\n");
  follow_up_fixture_assert_contains (report, "Within 5 days of receipt when submitted (Y/N): Y\n");
  follow_up_fixture_assert_contains (report, "Within 5 days of receipt when submitted (Y/N): N\n");
  g_clear_pointer (&report, g_free);
  qd_follow_up_set_max_sample_age_days (follow_up, 7);
  report = qd_follow_up_build_report (follow_up, wanted, now, &error);
  follow_up_fixture_assert_contains (report, "All samples within 7 days of receipt when "
                                     "submitted (Y/N): Y\n");
  g_clear_pointer (&report, g_free);

  /* Without the sample's bytes, the history's headers stand in. */
  follow_up_fixture_run_sql (f, "UPDATE samples SET data = NULL WHERE sha256 = '%s'",
                             follow_up_fixture_digest_of (sent, 0));
  report = qd_follow_up_build_report (follow_up, wanted, now, &error);
  g_assert_no_error (error);
  follow_up_fixture_assert_contains (report, "Sender address: Prize Desk <prizes@spam.example>\n");
  follow_up_fixture_assert_contains (report, "Sent on (its Date header): unknown\n");
}

/* Too early, already detected, not checked since the 24 hours, unknown:
 * refused, every reason told at once. */
static void
test_report_refused (FollowUpFixture *f,
                     gconstpointer    data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) day_and_more = follow_up_fixture_hours_ago (now, 30);
  g_autoptr(GDateTime) before_the_day = follow_up_fixture_hours_ago (now, 8);
  GBytes *datas[] = {
    follow_up_fixture_make_spam (f, "kilo", "k@spam.example", "bob@example.com", now, now),
    follow_up_fixture_make_spam (f, "lima", "l@spam.example", "bob@example.com", now, now),
    follow_up_fixture_make_spam (f, "mike", "m@spam.example", "bob@example.com", now, now),
  };
  g_autoptr(GPtrArray) sent = follow_up_fixture_submit_each (f, datas, 3);
  g_autoptr(QdVerdict) missed = follow_up_fixture_make_verdict (FALSE, 1);
  g_autoptr(QdVerdict) spam = follow_up_fixture_make_verdict (TRUE, 12);
  g_autoptr(QdFollowUp) follow_up = qd_follow_up_new (f->store, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *report = NULL;
  g_autofree char *ready = NULL;
  g_autoptr(GDateTime) ready_at = NULL;
  g_autoptr(QdSampleRecord) kilo = NULL;
  g_auto(GStrv) lines = NULL;
  const char *young[] = { follow_up_fixture_digest_of (sent, 0), NULL };
  const char *all[] = {
    follow_up_fixture_digest_of (sent, 0), follow_up_fixture_digest_of (sent, 1),
    follow_up_fixture_digest_of (sent, 2),
    "0000000000000000000000000000000000000000000000000000000000000000",
    NULL
  };
  const char *stale[] = { follow_up_fixture_digest_of (sent, 2), NULL };
  const char *none[] = { NULL };

  /* kilo: sent just now; lima: spam; mike: 30 h ago, checked at 8 h. */
  g_assert_true (qd_store_record_check (f->store, follow_up_fixture_digest_of (sent, 0), missed,
                                        now, NULL, NULL));
  g_assert_true (qd_store_record_check (f->store, follow_up_fixture_digest_of (sent, 1), spam, now,
                                        NULL, NULL));
  follow_up_fixture_set_sent_at (f, follow_up_fixture_digest_of (sent, 2), day_and_more);
  g_assert_true (qd_store_record_check (f->store, follow_up_fixture_digest_of (sent, 2), missed,
                                        before_the_day, NULL, NULL));

  report = qd_follow_up_build_report (follow_up, young, now, &error);
  g_assert_null (report);
  g_assert_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT);
  kilo = follow_up_fixture_get_record (f, follow_up_fixture_digest_of (sent, 0));
  ready_at = g_date_time_add_days (kilo->sent_at, 1);
  ready = qd_follow_up_format_time (ready_at);
  follow_up_fixture_assert_contains (error->message, "“You won the kilo prize”");
  follow_up_fixture_assert_contains (error->message, "24 hours after submission");
  follow_up_fixture_assert_contains (error->message, ready);
  g_clear_error (&error);

  report = qd_follow_up_build_report (follow_up, stale, now, &error);
  g_assert_null (report);
  follow_up_fixture_assert_contains (error->message, "before 24 hours had passed");
  follow_up_fixture_assert_contains (error->message, "Check it again first");
  g_clear_error (&error);

  report = qd_follow_up_build_report (follow_up, all, now, &error);
  g_assert_null (report);
  g_assert_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT);
  follow_up_fixture_assert_contains (error->message,
                                     "“You won the kilo prize” was submitted on");
  follow_up_fixture_assert_contains (error->message,
                                     "“You won the lima prize” is classified as spam since");
  follow_up_fixture_assert_contains (error->message,
                                     "“You won the mike prize” was last checked on");
  follow_up_fixture_assert_contains (error->message, "No reported sample has the SHA-256 0000");
  lines = g_strsplit (error->message, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  g_clear_error (&error);

  /* Checked again after the 24 hours: now it can be reported. */
  g_assert_true (qd_store_record_check (f->store, follow_up_fixture_digest_of (sent, 2), missed,
                                        now, NULL, NULL));
  report = qd_follow_up_build_report (follow_up, stale, now, &error);
  g_assert_no_error (error);
  follow_up_fixture_assert_contains (report, "Number of samples submitted: 1\n");
  g_clear_pointer (&report, g_free);

  report = qd_follow_up_build_report (follow_up, none, now, &error);
  g_assert_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT);
  g_assert_null (report);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  qd_mail_init ();

  g_test_add ("/escalation-report/complete", FollowUpFixture, NULL, follow_up_fixture_set_up,
              test_report, follow_up_fixture_tear_down);
  g_test_add ("/escalation-report/refused", FollowUpFixture, NULL, follow_up_fixture_set_up,
              test_report_refused, follow_up_fixture_tear_down);
  return g_test_run ();
}
