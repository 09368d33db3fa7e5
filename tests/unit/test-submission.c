/* test-submission.c — building and packing submissions; the outbox store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "qd-core.h"

static GBytes *
make_sample (const char *subject,
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

static GBytes *
make_big_sample (const char *subject,
                 gsize       size)
{
  GString *body = g_string_new (NULL);
  g_autoptr(GBytes) bytes = NULL;

  while (body->len < size)
    g_string_append (body, "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopq\n");
  bytes = make_sample (subject, body->str, "\n");
  g_string_free (body, TRUE);
  return g_steal_pointer (&bytes);
}

static GPtrArray *
evaluate (GBytes **datas,
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

/* The attachments by the boundary alone: the bytes between each part's
 * header block and the CRLF of the next delimiter. */
static GPtrArray *
split_attachments (GBytes     *message,
                   GPtrArray **headers)
{
  g_autoptr(GMimeMessage) parsed = NULL;
  GMimeObject *top;
  g_autofree char *delimiter = NULL;
  GPtrArray *bodies = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  gsize length;
  const char *data = g_bytes_get_data (message, &length);
  const char *end = data + length;
  const char *p;

  parsed = qd_mail_parse ((const guint8 *)data, length);
  g_assert_nonnull (parsed);
  top = g_mime_message_get_mime_part (parsed);
  g_assert_true (GMIME_IS_MULTIPART (top));
  delimiter = g_strconcat ("\r\n--", g_mime_multipart_get_boundary (GMIME_MULTIPART (top)), NULL);
  *headers = g_ptr_array_new_with_free_func (g_free);

  p = g_strstr_len (data, length, delimiter + 2);
  g_assert_nonnull (p);
  for (;;)
    {
      const char *head = p + strlen (delimiter) - 2;
      const char *body;
      const char *next;

      if (head + 2 <= end && strncmp (head, "--", 2) == 0)
        break;
      g_assert_true (strncmp (head, "\r\n", 2) == 0);
      body = g_strstr_len (head, end - head, "\r\n\r\n");
      g_assert_nonnull (body);
      next = g_strstr_len (body, end - body, delimiter);
      g_assert_nonnull (next);
      g_ptr_array_add (*headers, g_strndup (head + 2, body - head - 2));
      g_ptr_array_add (bodies, g_bytes_new (body + 4, next - body - 4));
      p = next + 2;
    }
  return bodies;
}

static void
test_build_byte_exact (void)
{
  GBytes *datas[4] = {
    make_sample ("ascii", "line\n.starts with a dot\n", "\n"),
    make_sample ("週末", "こんにちは\n", "\n"),
    make_sample ("crlf", "saved with CRLF\n", "\r\n"),
    make_sample ("open", "no final newline", "\n"),
  };
  g_autoptr(GPtrArray) samples = evaluate (datas, 4);
  g_autoptr(GPtrArray) packed = NULL;
  g_autoptr(GPtrArray) bodies = NULL;
  g_autoptr(GPtrArray) headers = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMimeMessage) parsed = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  QdSubmission *submission;
  GBytes *data;

  packed = qd_submission_pack (samples, "me@example.com", "spam@gateway.example", 2000000,
                               now, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (packed->len, ==, 1);
  submission = g_ptr_array_index (packed, 0);
  data = qd_submission_get_data (submission);
  g_assert_cmpuint (qd_submission_get_size (submission), ==, g_bytes_get_size (data));
  g_assert_cmpuint (qd_submission_measure (samples, "me@example.com", "spam@gateway.example",
                                           now), ==, g_bytes_get_size (data));
  g_assert_cmpint (qd_submission_get_required_extensions (submission), ==,
                   QD_SMTP_EXTENSION_8BITMIME);
  g_assert_nonnull (qd_submission_get_deadline (submission));

  /* Nothing but CRLF line ends on the wire. */
  for (gsize i = 0; i < g_bytes_get_size (data); i++)
    if (((const char *)g_bytes_get_data (data, NULL))[i] == '\n')
      g_assert_cmpint (((const char *)g_bytes_get_data (data, NULL))[i - 1], ==, '\r');

  parsed = qd_mail_parse (g_bytes_get_data (data, NULL), g_bytes_get_size (data));
  g_assert_cmpstr (g_mime_object_get_header (GMIME_OBJECT (parsed), "To"), ==,
                   "spam@gateway.example");
  g_assert_cmpstr (g_mime_object_get_header (GMIME_OBJECT (parsed), "From"), ==,
                   "me@example.com");
  g_assert_cmpstr (g_mime_object_get_header (GMIME_OBJECT (parsed), "MIME-Version"), ==, "1.0");
  g_assert_nonnull (g_mime_object_get_header (GMIME_OBJECT (parsed), "Date"));
  g_assert_nonnull (g_mime_object_get_header (GMIME_OBJECT (parsed), "Subject"));
  g_assert_cmpstr (g_mime_message_get_message_id (parsed), ==,
                   qd_submission_get_message_id (submission));

  bodies = split_attachments (data, &headers);
  g_assert_cmpuint (bodies->len, ==, 5);
  g_assert_nonnull (strstr (g_ptr_array_index (headers, 0), "text/plain"));
  g_assert_nonnull (strstr (g_bytes_get_data (g_ptr_array_index (bodies, 0), NULL), "ascii"));
  for (guint i = 0; i < 4; i++)
    {
      QdSample *sample = g_ptr_array_index (samples, i);
      const char *head = g_ptr_array_index (headers, i + 1);

      g_assert_true (g_bytes_equal (g_ptr_array_index (bodies, i + 1),
                                    qd_sample_get_wire_data (sample)));
      g_assert_nonnull (strstr (head, "Content-Type: message/rfc822"));
      g_assert_nonnull (strstr (head, "Content-Disposition: attachment"));
      g_assert_nonnull (strstr (head, i == 1 ? "Content-Transfer-Encoding: 8bit"
                                             : "Content-Transfer-Encoding: 7bit"));
    }
  for (guint i = 0; i < 4; i++)
    g_bytes_unref (datas[i]);
}

static void
test_pack_fewest (void)
{
  GBytes *datas[5] = {
    make_big_sample ("a", 1200000),
    make_big_sample ("b", 700000),
    make_big_sample ("c", 600000),
    make_big_sample ("d", 500000),
    make_big_sample ("e", 10),
  };
  g_autoptr(GPtrArray) samples = evaluate (datas, 5);
  g_autoptr(GPtrArray) packed = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  gsize total = 0;

  for (guint i = 0; i < 5; i++)
    total += qd_sample_get_wire_size (g_ptr_array_index (samples, i));
  packed = qd_submission_pack (samples, "me@example.com", "spam@gateway.example", 2000000, NULL,
                               &error);
  g_assert_no_error (error);
  /* Fewer is impossible: together they are over one limit. */
  g_assert_cmpuint (packed->len, ==, (total + 1999999) / 2000000);
  for (guint b = 0; b < packed->len; b++)
    {
      QdSubmission *submission = g_ptr_array_index (packed, b);
      GPtrArray *in = qd_submission_get_samples (submission);
      guint last = 0;

      g_assert_cmpuint (qd_submission_get_size (submission), <, 2000000);
      for (guint s = 0; s < in->len; s++)
        {
          guint index;

          g_assert_true (g_ptr_array_find (samples, g_ptr_array_index (in, s), &index));
          g_assert_false (g_hash_table_contains (seen, g_ptr_array_index (in, s)));
          g_hash_table_add (seen, g_ptr_array_index (in, s));
          /* The person's order within each message. */
          g_assert_cmpuint (index, >=, last);
          last = index;
        }
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, 5);
  for (guint i = 0; i < 5; i++)
    g_bytes_unref (datas[i]);
}

static void
test_pack_refuses_what_never_fits (void)
{
  GBytes *datas[2] = { make_big_sample ("fits", 1000), make_big_sample ("never", 5000) };
  g_autoptr(GPtrArray) samples = evaluate (datas, 2);
  g_autoptr(GPtrArray) packed = NULL;
  g_autoptr(GError) error = NULL;

  packed = qd_submission_pack (samples, "me@example.com", "spam@gateway.example", 4000, NULL,
                               &error);
  g_assert_no_error (error);
  g_assert_cmpuint (packed->len, ==, 1);
  g_assert_true (qd_sample_is_refused (g_ptr_array_index (samples, 1)));
  g_assert_cmpint (qd_sample_get_check (g_ptr_array_index (samples, 1),
                                       QD_SAMPLE_RULE_SIZE)->status, ==, QD_CHECK_REFUSED);
  for (guint i = 0; i < 2; i++)
    g_bytes_unref (datas[i]);
}

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
  GBytes *datas[2] = { make_sample ("first", "x\n", "\n"), make_sample ("second", "y\n", "\n") };
  g_autoptr(GPtrArray) samples = evaluate (datas, 2);
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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  qd_mail_init ();

  g_test_add_func ("/submission/build-byte-exact", test_build_byte_exact);
  g_test_add_func ("/submission/pack-fewest", test_pack_fewest);
  g_test_add_func ("/submission/pack-refuses-what-never-fits", test_pack_refuses_what_never_fits);
  g_test_add_func ("/store/outbox-and-history", test_store_outbox_and_history);
  g_test_add_func ("/store/refuses-bad-files", test_store_refuses_bad_files);
  return g_test_run ();
}
