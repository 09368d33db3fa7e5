/* test-sample.c — QdSample: every submission rule, and malformed input
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "qd-core.h"

#define NONE (-1.0)

/* A message received RECEIVED_DAYS ago (NONE: no Received header), dated
 * DATE_DAYS ago (NONE: no Date header): fixtures relative to now. */
static GBytes *
message (double      received_days,
         double      date_days,
         const char *subject,
         const char *body)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GString *text = g_string_new (NULL);

  if (received_days != NONE)
    {
      g_autoptr(GDateTime) at = g_date_time_add_seconds (now, -received_days * 86400);
      g_autofree char *when = g_date_time_format (at, "%a, %d %b %Y %H:%M:%S +0000");

      g_string_append_printf (text, "Received: from relay.example.net (relay.example.net "
                              "[192.0.2.1])\n\tby mx.example.com with ESMTP id T1;\n\t%s\n", when);
    }
  g_string_append (text, "From: Sender <sender@example.net>\nTo: bob@example.com\n");
  g_string_append_printf (text, "Subject: %s\n", subject);
  if (date_days != NONE)
    {
      g_autoptr(GDateTime) at = g_date_time_add_seconds (now, -date_days * 86400);
      g_autofree char *when = g_date_time_format (at, "%a, %d %b %Y %H:%M:%S +0000");

      g_string_append_printf (text, "Date: %s\n", when);
    }
  g_string_append_printf (text, "Message-ID: <%s@example.net>\n\n%s", subject, body);
  return g_string_free_to_bytes (text);
}

static QdSample *
evaluated (GBytes        *bytes,
           QdGatewayInfo *info)
{
  g_autoptr(QdGatewayInfo) defaults = qd_gateway_info_new_defaults ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  QdSample *sample = qd_sample_new (bytes, "sample.eml");

  qd_sample_evaluate (sample, info != NULL ? info : defaults, now);
  return sample;
}

static QdCheckStatus
status_of (QdSample     *sample,
           QdSampleRule  rule)
{
  const QdSampleCheck *check = qd_sample_get_check (sample, rule);

  g_assert_nonnull (check);
  g_assert_true (check->message != NULL && check->message[0] != '\0');
  return check->status;
}

static void
test_valid (void)
{
  g_autoptr(GBytes) bytes = message (1, 1.2, "Minutes", "Hello\n.dot\n");
  g_autoptr(QdSample) sample = evaluated (bytes, NULL);
  g_autofree char *digest = qd_mail_sample_digest (g_bytes_get_data (bytes, NULL),
                                                   g_bytes_get_size (bytes));
  QdDateSource source;
  GDateTime *received = qd_sample_get_receipt_date (sample, &source);

  g_assert_cmpint (qd_sample_get_format (sample), ==, QD_SAMPLE_FORMAT_MESSAGE);
  g_assert_cmpuint (qd_sample_get_checks (sample)->len, ==, 6);
  g_assert_cmpint (status_of (sample, QD_SAMPLE_RULE_FORMAT), ==, QD_CHECK_PASSED);
  g_assert_cmpint (status_of (sample, QD_SAMPLE_RULE_DATE), ==, QD_CHECK_PASSED);
  g_assert_cmpint (status_of (sample, QD_SAMPLE_RULE_AGE), ==, QD_CHECK_PASSED);
  g_assert_cmpint (status_of (sample, QD_SAMPLE_RULE_SIZE), ==, QD_CHECK_PASSED);
  g_assert_cmpint (status_of (sample, QD_SAMPLE_RULE_DUPLICATE), ==, QD_CHECK_PASSED);
  g_assert_cmpint (status_of (sample, QD_SAMPLE_RULE_TRANSPORT), ==, QD_CHECK_PASSED);
  g_assert_true (qd_sample_is_sendable (sample));
  g_assert_cmpstr (qd_sample_get_digest (sample), ==, digest);
  g_assert_cmpstr (qd_sample_get_subject (sample), ==, "Minutes");
  g_assert_cmpstr (qd_sample_get_from (sample), ==, "Sender <sender@example.net>");
  g_assert_cmpint (source, ==, QD_DATE_SOURCE_RECEIVED);
  g_assert_nonnull (received);
  g_assert_cmpint (qd_sample_get_transfer (sample), ==, QD_TRANSFER_7BIT);
  /* Every LF (3 Received lines, 5 more headers, the blank line, 2 body
   * lines) gains a CR on the wire; nothing else changes. */
  g_assert_cmpuint (qd_sample_get_wire_size (sample), ==, g_bytes_get_size (bytes) + 11);
}

static void
test_dates (void)
{
  g_autoptr(GBytes) date_only = message (NONE, 2, "Date only", "x\n");
  g_autoptr(GBytes) undated = message (NONE, NONE, "No date", "x\n");
  g_autoptr(GBytes) old = message (6, 6, "Old", "x\n");
  g_autoptr(GBytes) expiring = message (4.6, 4.6, "Expiring", "x\n");
  g_autoptr(GBytes) future = message (-2, -2, "Future", "x\n");
  g_autoptr(QdSample) a = evaluated (date_only, NULL);
  g_autoptr(QdSample) b = evaluated (undated, NULL);
  g_autoptr(QdSample) c = evaluated (old, NULL);
  g_autoptr(QdSample) d = evaluated (expiring, NULL);
  g_autoptr(QdSample) e = evaluated (future, NULL);
  QdDateSource source;

  /* Only a Date header: accepted, and said so. */
  g_assert_nonnull (qd_sample_get_receipt_date (a, &source));
  g_assert_cmpint (source, ==, QD_DATE_SOURCE_DATE);
  g_assert_cmpint (status_of (a, QD_SAMPLE_RULE_DATE), ==, QD_CHECK_NOTE);
  g_assert_nonnull (strstr (qd_sample_get_check (a, QD_SAMPLE_RULE_DATE)->message, "Date header"));
  g_assert_true (qd_sample_is_sendable (a));

  g_assert_cmpint (status_of (b, QD_SAMPLE_RULE_DATE), ==, QD_CHECK_REFUSED);
  g_assert_cmpint (status_of (b, QD_SAMPLE_RULE_AGE), ==, QD_CHECK_SKIPPED);
  g_assert_false (qd_sample_is_sendable (b));

  g_assert_cmpint (status_of (c, QD_SAMPLE_RULE_AGE), ==, QD_CHECK_REFUSED);
  g_assert_nonnull (strstr (qd_sample_get_check (c, QD_SAMPLE_RULE_AGE)->message, "5 days"));
  g_assert_true (qd_sample_is_refused (c));

  g_assert_cmpint (status_of (d, QD_SAMPLE_RULE_AGE), ==, QD_CHECK_WARNING);
  g_assert_true (qd_sample_is_sendable (d));
  g_assert_nonnull (qd_sample_get_deadline (d));

  g_assert_cmpint (status_of (e, QD_SAMPLE_RULE_AGE), ==, QD_CHECK_NOTE);
}

static void
test_topmost_received_decides (void)
{
  g_autoptr(GBytes) inner = message (7, 8, "Relayed", "x\n");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) yesterday = g_date_time_add_days (now, -1);
  g_autofree char *when = g_date_time_format (yesterday, "%a, %d %b %Y %H:%M:%S +0000");
  g_autofree char *text = g_strdup_printf ("Received: from a by b; %s\n%s", when,
                                           (const char *)g_bytes_get_data (inner, NULL));
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autoptr(QdSample) sample = evaluated (bytes, NULL);

  g_assert_cmpint (status_of (sample, QD_SAMPLE_RULE_AGE), ==, QD_CHECK_PASSED);
}

static void
check_format (const void     *data,
              gsize           length,
              QdSampleFormat  format)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, length);
  g_autoptr(QdSample) sample = evaluated (bytes, NULL);

  g_assert_cmpint (qd_sample_get_format (sample), ==, format);
  g_assert_cmpint (status_of (sample, QD_SAMPLE_RULE_FORMAT), ==, QD_CHECK_REFUSED);
  g_assert_false (qd_sample_is_sendable (sample));
  g_assert_cmpuint (qd_sample_get_checks (sample)->len, ==, 6);
}

static void
test_formats (void)
{
  guint8 tar[600] = { 0 };
  guint8 junk[4096];
  static const char gzip[] = "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" "Received: x";

  memcpy (tar, "spam.eml", 8);
  memcpy (tar + 257, "ustar", 5);
  for (guint i = 0; i < sizeof junk; i++)
    junk[i] = (guint8)(i * 131 + 7);

  check_format ("", 0, QD_SAMPLE_FORMAT_EMPTY);
  check_format (" \r\n\t\n", 5, QD_SAMPLE_FORMAT_EMPTY);
  check_format ("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 From: x\n\nbody\n", 23, QD_SAMPLE_FORMAT_OUTLOOK);
  check_format ("PK\x03\x04 From: x\n\nbody\n", 19, QD_SAMPLE_FORMAT_ARCHIVE);
  check_format (gzip, sizeof gzip - 1, QD_SAMPLE_FORMAT_ARCHIVE);
  check_format ("7z\xBC\xAF\x27\x1C rest", 11, QD_SAMPLE_FORMAT_ARCHIVE);
  check_format ("Rar!\x1A\x07\x01\x00", 8, QD_SAMPLE_FORMAT_ARCHIVE);
  check_format (tar, sizeof tar, QD_SAMPLE_FORMAT_ARCHIVE);
  check_format ("From sender@example.net Mon Jan  1 00:00:00 2024\nFrom: x\n\nhi\n", 61,
                QD_SAMPLE_FORMAT_MBOX);
  check_format (junk, sizeof junk, QD_SAMPLE_FORMAT_OTHER);
  check_format ("Hello Bob, this is not a message.\n", 34, QD_SAMPLE_FORMAT_OTHER);
  check_format ("From: a@example.net\nSubject: no body\n", 37, QD_SAMPLE_FORMAT_OTHER);
  check_format ("From: a@example.net\nSubject: x\n\n \n\n", 35, QD_SAMPLE_FORMAT_OTHER);
  check_format ("Subject: no From, no Received\n\nbody\n", 36, QD_SAMPLE_FORMAT_OTHER);
  check_format ("From: a@example.net\nthis is not a header\n\nbody\n", 47, QD_SAMPLE_FORMAT_OTHER);
  check_format ("\nFrom: a@example.net\n\nbody\n", 27, QD_SAMPLE_FORMAT_OTHER);
}

static QdSample *
with_body (const char *body,
           gssize      length)
{
  g_autoptr(GBytes) head = message (1, 1, "Transfer", "");
  GByteArray *array = g_byte_array_new ();
  g_autoptr(GBytes) bytes = NULL;

  g_byte_array_append (array, g_bytes_get_data (head, NULL), g_bytes_get_size (head));
  g_byte_array_append (array, (const guint8 *)body, length < 0 ? strlen (body) : (gsize)length);
  bytes = g_byte_array_free_to_bytes (array);
  return evaluated (bytes, NULL);
}

static void
test_transfer (void)
{
  g_autofree char *long_line = g_strnfill (999, 'a');
  g_autofree char *max_line = g_strnfill (998, 'a');
  g_autofree char *long_body = g_strconcat (long_line, "\n", NULL);
  g_autofree char *max_body = g_strconcat (max_line, "\r\n", NULL);
  g_autoptr(QdSample) eight = with_body ("こんにちは\n", -1);
  g_autoptr(QdSample) longest = with_body (max_body, -1);
  g_autoptr(QdSample) too_long = with_body (long_body, -1);
  g_autoptr(QdSample) nul = with_body ("a\0b\n", 4);
  g_autoptr(QdSample) bare_cr = with_body ("a\rb\n", -1);

  g_assert_cmpint (qd_sample_get_transfer (eight), ==, QD_TRANSFER_8BIT);
  g_assert_cmpint (status_of (eight, QD_SAMPLE_RULE_TRANSPORT), ==, QD_CHECK_PASSED);
  qd_sample_check_transport (eight, QD_SMTP_EXTENSION_SIZE);
  g_assert_cmpint (status_of (eight, QD_SAMPLE_RULE_TRANSPORT), ==, QD_CHECK_REFUSED);
  g_assert_nonnull (strstr (qd_sample_get_check (eight, QD_SAMPLE_RULE_TRANSPORT)->message,
                            "8BITMIME"));
  qd_sample_check_transport (eight, QD_SMTP_EXTENSION_8BITMIME);
  g_assert_true (qd_sample_is_sendable (eight));

  g_assert_cmpint (qd_sample_get_transfer (longest), ==, QD_TRANSFER_7BIT);
  g_assert_cmpint (qd_sample_get_transfer (too_long), ==, QD_TRANSFER_BINARY);
  g_assert_cmpint (qd_sample_get_transfer (nul), ==, QD_TRANSFER_BINARY);
  g_assert_cmpint (qd_sample_get_transfer (bare_cr), ==, QD_TRANSFER_BINARY);
  /* Binary needs BDAT, which libcurl cannot send: refused, never altered. */
  qd_sample_check_transport (nul, QD_SMTP_EXTENSION_8BITMIME | QD_SMTP_EXTENSION_BINARYMIME |
                                  QD_SMTP_EXTENSION_CHUNKING);
  g_assert_cmpint (status_of (nul, QD_SAMPLE_RULE_TRANSPORT), ==, QD_CHECK_REFUSED);
  g_assert_cmpint (status_of (too_long, QD_SAMPLE_RULE_TRANSPORT), ==, QD_CHECK_REFUSED);
}

static void
test_wire_data (void)
{
  static const char text[] = "From: a@example.net\r\nSubject: mixed\n\nlf\ncrlf\r\ncr\rend";
  g_autoptr(GBytes) bytes = g_bytes_new (text, sizeof text - 1);
  g_autoptr(QdSample) sample = qd_sample_new (bytes, NULL);
  static const char wire[] = "From: a@example.net\r\nSubject: mixed\r\n\r\nlf\r\ncrlf\r\ncr\rend";
  GBytes *out = qd_sample_get_wire_data (sample);

  g_assert_cmpuint (g_bytes_get_size (out), ==, sizeof wire - 1);
  g_assert_cmpmem (g_bytes_get_data (out, NULL), g_bytes_get_size (out), wire, sizeof wire - 1);
  g_assert_cmpuint (qd_sample_get_wire_size (sample), ==, sizeof wire - 1);
  g_assert_cmpstr (qd_sample_get_name (sample), ==, "standard input");
}

static void
test_size (void)
{
  g_autoptr(QdGatewayInfo) info = qd_gateway_info_new_defaults ();
  g_autofree char *big_body = g_strnfill (1500, 'b');
  g_autofree char *body = g_strconcat (big_body, "\n", NULL);
  g_autoptr(GBytes) small = message (1, 1, "Small", "x\n");
  g_autoptr(GBytes) big = message (1, 1, "Big", body);
  g_autoptr(QdSample) fits = NULL;
  g_autoptr(QdSample) too_big = NULL;
  g_autoptr(GPtrArray) alone = g_ptr_array_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  gsize needed;

  info->max_message_bytes = 2048;
  fits = evaluated (small, info);
  too_big = evaluated (big, info);
  g_assert_cmpint (status_of (fits, QD_SAMPLE_RULE_SIZE), ==, QD_CHECK_PASSED);
  g_assert_cmpint (status_of (too_big, QD_SAMPLE_RULE_SIZE), ==, QD_CHECK_REFUSED);
  g_assert_nonnull (strstr (qd_sample_get_check (too_big, QD_SAMPLE_RULE_SIZE)->message,
                            "support"));

  /* The boundary is exact: a limit one byte above the smallest wrapper
   * with the sample passes, at it is refused ("strictly smaller"). */
  g_ptr_array_add (alone, fits);
  needed = qd_submission_measure (alone, NULL, NULL, NULL);
  info->max_message_bytes = needed + 1;
  qd_sample_evaluate (fits, info, now);
  g_assert_cmpint (status_of (fits, QD_SAMPLE_RULE_SIZE), ==, QD_CHECK_PASSED);
  info->max_message_bytes = needed;
  qd_sample_evaluate (fits, info, now);
  g_assert_cmpint (status_of (fits, QD_SAMPLE_RULE_SIZE), ==, QD_CHECK_REFUSED);
}

static void
test_duplicates (void)
{
  g_autoptr(QdGatewayInfo) info = qd_gateway_info_new_defaults ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GBytes) lf = message (1, 1, "Twice", "same\n");
  g_autoptr(GBytes) other = message (1, 1, "Other", "different\n");
  g_autoptr(GByteArray) crlf = g_byte_array_new ();
  g_autoptr(GBytes) crlf_bytes = NULL;
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func (g_object_unref);
  const guint8 *data = g_bytes_get_data (lf, NULL);

  for (gsize i = 0; i < g_bytes_get_size (lf); i++)
    {
      if (data[i] == '\n')
        g_byte_array_append (crlf, (const guint8 *)"\r", 1);
      g_byte_array_append (crlf, data + i, 1);
    }
  crlf_bytes = g_bytes_new (crlf->data, crlf->len);
  g_ptr_array_add (samples, qd_sample_new (lf, "first.eml"));
  g_ptr_array_add (samples, qd_sample_new (other, "other.eml"));
  /* The same message saved with CRLF is the same sample. */
  g_ptr_array_add (samples, qd_sample_new (crlf_bytes, "again.eml"));
  qd_sample_evaluate_all (samples, info, now);

  g_assert_false (qd_sample_is_duplicate (g_ptr_array_index (samples, 0)));
  g_assert_false (qd_sample_is_duplicate (g_ptr_array_index (samples, 1)));
  g_assert_true (qd_sample_is_duplicate (g_ptr_array_index (samples, 2)));
  g_assert_false (qd_sample_is_refused (g_ptr_array_index (samples, 2)));
  g_assert_false (qd_sample_is_sendable (g_ptr_array_index (samples, 2)));
  g_assert_nonnull (strstr (qd_sample_get_check (g_ptr_array_index (samples, 2),
                                                 QD_SAMPLE_RULE_DUPLICATE)->message,
                            "first.eml"));
}

static void
test_attachment_names (void)
{
  g_autoptr(GBytes) bytes = message (1, 1, "Name", "x\n");
  g_autoptr(QdSample) named = qd_sample_new (bytes, "/home/u/Spam – 週末 (1).eml");
  g_autoptr(QdSample) piped = qd_sample_new (bytes, NULL);
  g_autofree char *a = qd_sample_get_attachment_name (named, 1);
  g_autofree char *b = qd_sample_get_attachment_name (piped, 2);

  g_assert_cmpstr (a, ==, "Spam1.eml");
  g_assert_cmpstr (b, ==, "sample-2.eml");
}

/* Malformed and random input never crashes, and every sample still gets
 * one outcome per rule. Mutations of a good message reach the parser's
 * corners; random bytes reach the format sniffing. */
/* Found with fuzz-sample on a hand-made seed: a date at the end of the
 * calendar (year 9999) has no local time east of UTC and no deadline after
 * it; both were NULL, which gave criticals (fatal here) and "(null)" in the
 * text shown. The date is shown as the message wrote it then. */
static void
test_calendar_end (void)
{
  static const char received[] = "Received: from a by b; Fri, 31 Dec 9999 23:00:00 +0000\n"
                                 "From: a@example.net\n\nx\n";
  static const char dated[] = "Date: Fri, 31 Dec 9999 12:00:00 +0000\n"
                              "From: a@example.net\n\nx\n";
  g_autofree char *tz = g_strdup (g_getenv ("TZ"));
  g_autoptr(GBytes) a_bytes = g_bytes_new_static (received, sizeof received - 1);
  g_autoptr(GBytes) b_bytes = g_bytes_new_static (dated, sizeof dated - 1);
  g_autoptr(QdSample) a = NULL;
  g_autoptr(QdSample) b = NULL;

  g_setenv ("TZ", "JST-9", TRUE);
  a = evaluated (a_bytes, NULL);
  b = evaluated (b_bytes, NULL);
  if (tz != NULL)
    g_setenv ("TZ", tz, TRUE);
  else
    g_unsetenv ("TZ");

  g_assert_cmpint (status_of (a, QD_SAMPLE_RULE_DATE), ==, QD_CHECK_PASSED);
  g_assert_nonnull (strstr (qd_sample_get_check (a, QD_SAMPLE_RULE_DATE)->message,
                            "9999-12-31 23:00 "));
  g_assert_cmpint (status_of (a, QD_SAMPLE_RULE_AGE), ==, QD_CHECK_NOTE);
  g_assert_nonnull (qd_sample_get_deadline (a));
  g_assert_cmpint (status_of (b, QD_SAMPLE_RULE_AGE), ==, QD_CHECK_NOTE);
  g_assert_nonnull (qd_sample_get_deadline (b));
}

static void
check_invariants (GBytes        *bytes,
                  QdGatewayInfo *info,
                  GDateTime     *now)
{
  g_autoptr(QdSample) sample = qd_sample_new (bytes, "fuzz.eml");
  GPtrArray *checks;

  qd_sample_evaluate (sample, info, now);
  checks = qd_sample_get_checks (sample);
  g_assert_cmpuint (checks->len, ==, 6);
  for (guint i = 0; i < checks->len; i++)
    {
      QdSampleCheck *check = g_ptr_array_index (checks, i);

      g_assert_cmpint (check->rule, ==, i);
      g_assert_true (g_utf8_validate (check->message, -1, NULL));
    }
  g_assert_cmpuint (qd_sample_get_wire_size (sample), >=, g_bytes_get_size (bytes));
  g_assert_cmpuint (g_bytes_get_size (qd_sample_get_wire_data (sample)), ==,
                    qd_sample_get_wire_size (sample));
  if (qd_sample_is_sendable (sample))
    {
      g_autoptr(GPtrArray) one = g_ptr_array_new ();
      g_autoptr(GPtrArray) packed = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_cmpint (qd_sample_get_format (sample), ==, QD_SAMPLE_FORMAT_MESSAGE);
      g_assert_cmpint (qd_sample_get_transfer (sample), !=, QD_TRANSFER_BINARY);
      g_assert_true (qd_sample_get_from (sample) != NULL ||
                     g_mime_object_get_header (GMIME_OBJECT (qd_sample_get_message (sample)),
                                               "Received") != NULL);
      g_ptr_array_add (one, sample);
      packed = qd_submission_pack (one, "me@example.com", "to@example.com",
                                   info->max_message_bytes, now, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (packed->len, ==, 1);
      g_assert_cmpuint (qd_submission_get_size (g_ptr_array_index (packed, 0)), <,
                        info->max_message_bytes);
    }
}

static void
test_fuzz (void)
{
  static const char alphabet[] = "\0\r\n\t :;<>@.=?-\"\\\x80\xff\xe3Received From Date";
  g_autoptr(QdGatewayInfo) info = qd_gateway_info_new_defaults ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GBytes) seed = message (1, 1, "Fuzz =?utf-8?b?44GT44KT?=",
                                    "Content-Type: x\n\n--b\nbody\n.\n");
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240607);
  guint rounds = g_test_quick () ? 2000 : 10000;

  for (guint round = 0; round < rounds; round++)
    {
      g_autoptr(GByteArray) data = g_byte_array_new ();
      g_autoptr(GBytes) bytes = NULL;
      guint kind = round % 3;

      if (kind == 0)
        {
          /* Random bytes from an alphabet rich in mail syntax. */
          guint length = g_rand_int_range (rand, 0, 400);

          for (guint i = 0; i < length; i++)
            {
              guint8 c = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];

              g_byte_array_append (data, &c, 1);
            }
        }
      else
        {
          /* A good message, mutated: bytes replaced, cut, repeated. */
          guint mutations = g_rand_int_range (rand, 1, 8);

          g_byte_array_append (data, g_bytes_get_data (seed, NULL), g_bytes_get_size (seed));
          for (guint m = 0; m < mutations && data->len > 0; m++)
            {
              guint at = g_rand_int_range (rand, 0, data->len);

              switch (g_rand_int_range (rand, 0, 4))
                {
                case 0:
                  data->data[at] = (guint8)g_rand_int_range (rand, 0, 256);
                  break;
                case 1:
                  g_byte_array_set_size (data, at);
                  break;
                case 2:
                  {
                    guint span = (guint)g_rand_int_range (rand, 1, 20);

                    g_byte_array_remove_range (data, at, MIN (data->len - at, span));
                  }
                  break;
                default:
                  {
                    guint8 c = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];

                    g_byte_array_set_size (data, data->len + 1);
                    memmove (data->data + at + 1, data->data + at, data->len - 1 - at);
                    data->data[at] = c;
                  }
                  break;
                }
            }
        }
      if (kind == 2 && g_rand_boolean (rand))
        {
          /* A header line of many thousand bytes. */
          g_autofree char *longest = g_strnfill (g_rand_int_range (rand, 900, 5000), 'X');

          g_byte_array_prepend (data, (const guint8 *)"\n", 1);
          g_byte_array_prepend (data, (const guint8 *)longest, strlen (longest));
          g_byte_array_prepend (data, (const guint8 *)"X-Long: ", 8);
        }
      bytes = g_bytes_new (data->data, data->len);
      check_invariants (bytes, info, now);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  qd_mail_init ();

  g_test_add_func ("/sample/valid", test_valid);
  g_test_add_func ("/sample/dates", test_dates);
  g_test_add_func ("/sample/calendar-end", test_calendar_end);
  g_test_add_func ("/sample/topmost-received", test_topmost_received_decides);
  g_test_add_func ("/sample/formats", test_formats);
  g_test_add_func ("/sample/transfer", test_transfer);
  g_test_add_func ("/sample/wire-data", test_wire_data);
  g_test_add_func ("/sample/size", test_size);
  g_test_add_func ("/sample/duplicates", test_duplicates);
  g_test_add_func ("/sample/attachment-names", test_attachment_names);
  g_test_add_func ("/sample/fuzz", test_fuzz);
  return g_test_run ();
}
