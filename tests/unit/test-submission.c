/* test-submission.c — building and packing submissions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "follow-up-fixture.h"

static GBytes *
make_big_sample (const char *subject,
                 gsize       size)
{
  GString *body = g_string_new (NULL);
  g_autoptr(GBytes) bytes = NULL;

  while (body->len < size)
    g_string_append (body, "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopq\n");
  bytes = follow_up_fixture_make_sample (subject, body->str, "\n");
  g_string_free (body, TRUE);
  return g_steal_pointer (&bytes);
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
    follow_up_fixture_make_sample ("ascii", "line\n.starts with a dot\n", "\n"),
    follow_up_fixture_make_sample ("週末", "こんにちは\n", "\n"),
    follow_up_fixture_make_sample ("crlf", "saved with CRLF\n", "\r\n"),
    follow_up_fixture_make_sample ("open", "no final newline", "\n"),
  };
  g_autoptr(GPtrArray) samples = follow_up_fixture_evaluate (datas, 4);
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
  g_autoptr(GPtrArray) samples = follow_up_fixture_evaluate (datas, 5);
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
  g_autoptr(GPtrArray) samples = follow_up_fixture_evaluate (datas, 2);
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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  qd_mail_init ();

  g_test_add_func ("/submission/build-byte-exact", test_build_byte_exact);
  g_test_add_func ("/submission/pack-fewest", test_pack_fewest);
  g_test_add_func ("/submission/pack-refuses-what-never-fits", test_pack_refuses_what_never_fits);
  return g_test_run ();
}
