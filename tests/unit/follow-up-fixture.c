/* follow-up-fixture.c — a temporary store with reported samples, for the
 * tests of the follow-up, the store and submissions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "follow-up-fixture.h"

void
follow_up_fixture_set_up (FollowUpFixture *f,
                          gconstpointer    data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("qd-follow-up-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "store.db", NULL);
  f->store = qd_store_open (f->path, &error);
  g_assert_no_error (error);
  f->samples = g_ptr_array_new_with_free_func (g_object_unref);
  f->datas = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
}

void
follow_up_fixture_tear_down (FollowUpFixture *f,
                             gconstpointer    data)
{
  const char *suffixes[] = { "", "-wal", "-shm" };

  g_clear_object (&f->store);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (f->path, suffixes[i], NULL);

      g_remove (file);
    }
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
  g_ptr_array_unref (f->samples);
  g_ptr_array_unref (f->datas);
}

static char *
rfc5322_date (GDateTime *time)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (time);

  return g_date_time_format (utc, "%a, %d %b %Y %H:%M:%S +0000");
}

/* A spam sample received at @received, written at @written; @f keeps
 * it until tear-down, so that no test has to free what it made. */
GBytes *
follow_up_fixture_make_spam (FollowUpFixture *f,
                             const char      *token,
                             const char      *from,
                             const char      *to,
                             GDateTime       *received,
                             GDateTime       *written)
{
  g_autofree char *received_text = rfc5322_date (received);
  g_autofree char *date_text = rfc5322_date (written);
  g_autofree char *text = NULL;

  text = g_strdup_printf ("Return-Path: <bounce-%s@mailer.spam.example>\n"
                          "Received: from relay.spam.example by mx.example.com; %s\n"
                          "From: Prize Desk <%s>\n"
                          "To: Bob <%s>\n"
                          "Subject: You won the %s prize\n"
                          "Date: %s\n"
                          "Message-ID: <%s@spam.example>\n"
                          "\n"
                          "You have won. Reply with your bank details.\n",
                          token, received_text, from, to, token, date_text, token);
  g_ptr_array_add (f->datas, g_bytes_new (text, strlen (text)));
  return g_ptr_array_index (f->datas, f->datas->len - 1);
}

/* A sample received yesterday, its lines ending in @eol. */
GBytes *
follow_up_fixture_make_sample (const char *subject,
                               const char *body,
                               const char *eol)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) yesterday = g_date_time_add_days (now, -1);
  g_autofree char *when = g_date_time_format (yesterday, "%a, %d %b %Y %H:%M:%S +0000");
  g_autofree char *text = g_strdup_printf ("Received: from a by mx; %s\nFrom: Spammer "
                                           "<s@spam.example>\nTo: bob@example.com\nSubject: %s\n"
                                           "Date: %s\n\n%s", when, subject, when, body);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autofree char *joined = g_strjoinv (eol, lines);

  return g_bytes_new (joined, strlen (joined));
}

/* The samples, as checked for submission now under the default rules. */
GPtrArray *
follow_up_fixture_evaluate (GBytes **datas,
                            guint    n)
{
  g_autoptr(QdGatewayInfo) info = qd_gateway_info_new_defaults ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GPtrArray *samples = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("s%u.eml", i);

      g_ptr_array_add (samples, qd_sample_new (datas[i], name));
    }
  qd_sample_evaluate_all (samples, info, now);
  return samples;
}

/* Puts the samples in the outbox and, when @send, has a server take them. */
GPtrArray *
follow_up_fixture_submit (FollowUpFixture *f,
                          GBytes         **datas,
                          guint            n,
                          gboolean         send)
{
  g_autoptr(QdGatewayInfo) info = qd_gateway_info_new_defaults ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) packed = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      QdSample *sample = qd_sample_new (datas[i], "sample.eml");

      g_ptr_array_add (samples, sample);
      g_ptr_array_add (f->samples, g_object_ref (sample));
    }
  qd_sample_evaluate_all (samples, info, now);
  packed = qd_submission_pack (samples, "me@example.com", "spam@gateway.example", 2000000, now,
                               &error);
  g_assert_no_error (error);
  g_assert_true (qd_store_enqueue (f->store, packed, ids, &error));
  g_assert_no_error (error);
  for (guint i = 0; send && i < ids->len; i++)
    {
      g_assert_true (qd_store_mark_sent (f->store, g_array_index (ids, gint64, i), "127.0.0.1:25",
                                         "250 2.0.0 Ok", &error));
      g_assert_no_error (error);
    }
  return g_steal_pointer (&samples);
}

/* Each sample in a submission of its own, so that each has its own
 * times. */
GPtrArray *
follow_up_fixture_submit_each (FollowUpFixture *f,
                               GBytes         **datas,
                               guint            n)
{
  GPtrArray *all = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GPtrArray) one = follow_up_fixture_submit (f, datas + i, 1, TRUE);

      g_ptr_array_add (all, g_object_ref (g_ptr_array_index (one, 0)));
    }
  return all;
}

/* SQL on a connection of its own, as another program would. */
void
follow_up_fixture_run_sql (FollowUpFixture *f,
                           const char      *format,
                           ...)
{
  g_autofree char *sql = NULL;
  sqlite3 *db = NULL;
  char *message = NULL;
  va_list args;

  va_start (args, format);
  sql = g_strdup_vprintf (format, args);
  va_end (args);
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

/* As if the sample had been submitted (and sent) at @when. */
void
follow_up_fixture_set_sent_at (FollowUpFixture *f,
                               const char      *sha256,
                               GDateTime       *when)
{
  gint64 t = g_date_time_to_unix (when);

  follow_up_fixture_run_sql (f, "UPDATE submissions SET queued_at = %" G_GINT64_FORMAT
                             ", sent_at = %" G_GINT64_FORMAT " WHERE id IN (SELECT submission_id "
                             "FROM samples WHERE sha256 = '%s'); UPDATE sample_status SET at = %"
                             G_GINT64_FORMAT " WHERE sha256 = '%s' AND status IN ('queued', "
                             "'sent');", t, t, sha256, t, sha256);
}

QdVerdict *
follow_up_fixture_make_verdict (gboolean spam,
                                double   score)
{
  g_autofree char *json = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  char number[G_ASCII_DTOSTR_BUF_SIZE];
  QdVerdict *verdict;

  g_ascii_dtostr (number, sizeof number, score);
  json = g_strdup_printf ("{\"classified_as_spam\": %s, \"verdict\": \"%s\", \"score\": %s, "
                          "\"threshold\": 6.0, \"reported\": %s, \"rules\": [{\"name\": "
                          "\"%s\", \"score\": 1.0}]}", spam ? "true" : "false",
                          spam ? "spam" : "clean", number, spam ? "true" : "false",
                          spam ? "QD_REPORTED_SAMPLE" : "MISSING_MID");
  object = qd_json_parse_object (json, -1, &error);
  g_assert_no_error (error);
  verdict = qd_verdict_new_from_json (object, &error);
  g_assert_no_error (error);
  return verdict;
}

GDateTime *
follow_up_fixture_hours_ago (GDateTime *now,
                             double     hours)
{
  return g_date_time_add (now, (GTimeSpan)(-hours * G_TIME_SPAN_HOUR));
}

QdSampleRecord *
follow_up_fixture_get_record (FollowUpFixture *f,
                              const char      *sha256)
{
  g_autoptr(GError) error = NULL;
  QdSampleRecord *record = qd_store_get_sample (f->store, sha256, &error);

  g_assert_no_error (error);
  g_assert_nonnull (record);
  return record;
}

void
follow_up_fixture_assert_time (GDateTime *actual,
                               GDateTime *expected)
{
  g_assert_nonnull (actual);
  g_assert_nonnull (expected);
  g_assert_cmpint (g_date_time_to_unix (actual), ==, g_date_time_to_unix (expected));
}

const char *
follow_up_fixture_digest_of (GPtrArray *samples,
                             guint      index)
{
  return qd_sample_get_digest (g_ptr_array_index (samples, index));
}

void
follow_up_fixture_assert_contains (const char *text,
                                   const char *line)
{
  if (strstr (text, line) == NULL)
    g_error ("“%s” is not in the report:\n%s", line, text);
}
