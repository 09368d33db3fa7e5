/* test-gw-demo.c — the demo data generator of qd-gateway
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "qd-gw-demo.h"
#include "qd-mail.h"

#define RECIPIENT  "demo@example.com"
#define COUNT      300

typedef struct
{
  GDateTime *now;
  GPtrArray *messages;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GTimeZone) tokyo = g_time_zone_new_offset (9 * 3600);

  /* Two days after the incident of the API documentation's example. */
  fixture->now = g_date_time_new (tokyo, 2026, 6, 9, 10, 30, 0);
  fixture->messages = qd_gw_demo_generate (COUNT, RECIPIENT, "Demo User", fixture->now, 20261123);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_ptr_array_unref (fixture->messages);
  g_date_time_unref (fixture->now);
}

static GMimeMessage *
parse (const QdGwDemoMessage *m)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (m->data, &length);

  return qd_mail_parse (data, length);
}

static gboolean
has_japanese (const char *s)
{
  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      /* kana, CJK punctuation or kanji */
      if ((c >= 0x3000 && c <= 0x30ff) || (c >= 0x4e00 && c <= 0x9fff))
        return TRUE;
    }
  return FALSE;
}

static gboolean
is_rule_name (const char *name)
{
  if (*name == '\0')
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isupper (*p) && !g_ascii_isdigit (*p) && *p != '_')
      return FALSE;
  return TRUE;
}

/* RFC 2047 decoding word by word, as a strict reader does: each encoded
 * word must stand on its own. (GMime joins adjacent words first, so it
 * alone would not notice a word that others cannot read.) */
static char *
decode_words_strictly (const char *raw)
{
  g_auto(GStrv) tokens = g_strsplit_set (raw, " \t\r\n", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      g_auto(GStrv) parts = NULL;
      g_autofree guchar *bytes = NULL;
      g_autofree char *text = NULL;
      gsize length;

      if (*tokens[i] == '\0')
        continue;
      if (!g_str_has_prefix (tokens[i], "=?"))
        {
          g_string_append_printf (out, "%s%s", out->len > 0 ? " " : "", tokens[i]);
          continue;
        }
      parts = g_strsplit (tokens[i], "?", -1);
      g_assert_cmpuint (g_strv_length (parts), ==, 5);
      if (g_str_equal (parts[2], "B"))
        bytes = g_base64_decode (parts[3], &length);
      else
        {
          g_autoptr(GString) q = g_string_new (NULL);

          g_assert_cmpstr (parts[2], ==, "Q");
          for (const char *c = parts[3]; *c != '\0'; c++)
            {
              if (*c == '=' && g_ascii_isxdigit (c[1]) && g_ascii_isxdigit (c[2]))
                {
                  int high = g_ascii_xdigit_value (c[1]);
                  int low = g_ascii_xdigit_value (c[2]);

                  g_string_append_c (q, high << 4 | low);
                  c += 2;
                }
              else
                g_string_append_c (q, *c == '_' ? ' ' : *c);
            }
          length = q->len;
          bytes = (guchar *) g_string_free (g_steal_pointer (&q), FALSE);
        }
      text = g_convert ((const char *) bytes, length, "UTF-8", parts[1], NULL, NULL, NULL);
      g_assert_nonnull (text);
      g_string_append (out, text);
    }
  return g_string_free (out, FALSE);
}

static void
assert_header_encoding (GMimeObject *object,
                        const char  *name)
{
  const char *raw = g_mime_header_get_raw_value (
      g_mime_header_list_get_header (g_mime_object_get_header_list (object), name));
  g_autofree char *strict = NULL;
  g_autofree char *decoded = NULL;
  g_autofree char *gmime = qd_mail_get_header_text (object, name);

  if (strstr (raw, "=?") == NULL)
    return;
  /* Only the display name is encoded in an address header. */
  if (strchr (raw, '<') != NULL)
    {
      g_autofree char *phrase = g_strndup (raw, strchr (raw, '<') - raw);

      decoded = decode_words_strictly (phrase);
      g_assert_nonnull (strstr (gmime, decoded));
      return;
    }
  for (const char *line = raw; line != NULL; line = strchr (line + 1, '\n'))
    g_assert_cmpuint (strcspn (line + 1, "\n"), <=, 76);
  strict = decode_words_strictly (raw);
  g_assert_cmpstr (strict, ==, gmime);
}

/* Walks the MIME tree, noting every content type and charset seen. */
static void
collect_types (GMimeObject *parent,
               GMimeObject *part,
               gpointer     user_data)
{
  GHashTable *seen = user_data;
  GMimeContentType *type = g_mime_object_get_content_type (part);
  g_autofree char *mime_type = g_mime_content_type_get_mime_type (type);
  const char *charset = g_mime_content_type_get_parameter (type, "charset");

  g_hash_table_add (seen, g_ascii_strdown (mime_type, -1));
  if (charset != NULL)
    g_hash_table_add (seen, g_strdup_printf ("charset=%s", charset));
  if (GMIME_IS_MULTIPART (parent) && GMIME_IS_MULTIPART (part))
    g_hash_table_add (seen, g_strdup_printf ("nested %s", mime_type));
}

static void
test_mix (Fixture       *fixture,
          gconstpointer  user_data)
{
  guint reasons[QD_REASON_POLICY + 1] = { 0 };
  guint categories[QD_CATEGORY_BULK + 1] = { 0 };
  guint junk = 0;
  guint japanese = 0;
  guint junk_spam_or_graymail = 0;

  g_assert_cmpuint (fixture->messages->len, ==, COUNT);
  for (guint i = 0; i < fixture->messages->len; i++)
    {
      QdGwDemoMessage *m = g_ptr_array_index (fixture->messages, i);
      g_autoptr(GMimeMessage) message = parse (m);
      g_autofree char *subject = NULL;
      g_autofree char *from = NULL;

      g_assert_nonnull (message);
      reasons[m->reason]++;
      categories[m->category]++;
      /* Only graymail has a category. */
      g_assert_cmpint (m->category == QD_CATEGORY_NONE, ==, m->reason != QD_REASON_GRAYMAIL);
      if (m->folder == QD_FOLDER_JUNK)
        {
          junk++;
          if (m->reason == QD_REASON_SPAM || m->reason == QD_REASON_GRAYMAIL)
            junk_spam_or_graymail++;
          /* Malware is never handed to the user's mailbox. */
          g_assert_cmpint (m->reason, !=, QD_REASON_MALWARE);
        }
      assert_header_encoding (GMIME_OBJECT (message), "Subject");
      assert_header_encoding (GMIME_OBJECT (message), "From");
      subject = qd_mail_get_header_text (GMIME_OBJECT (message), "Subject");
      from = qd_mail_get_header_text (GMIME_OBJECT (message), "From");
      if (has_japanese (subject))
        japanese++;
      g_assert_true (g_utf8_validate (from, -1, NULL));
    }

  for (guint r = QD_REASON_GRAYMAIL; r <= QD_REASON_POLICY; r++)
    g_assert_cmpuint (reasons[r], >, 0);
  for (guint c = QD_CATEGORY_MARKETING; c <= QD_CATEGORY_BULK; c++)
    g_assert_cmpuint (categories[c], >, 0);

  /* The shares of the brief, give or take. */
  g_assert_cmpuint (reasons[QD_REASON_GRAYMAIL], >=, COUNT * 50 / 100);
  g_assert_cmpuint (reasons[QD_REASON_GRAYMAIL], <=, COUNT * 62 / 100);
  g_assert_cmpuint (reasons[QD_REASON_SPAM], >=, COUNT * 20 / 100);
  g_assert_cmpuint (reasons[QD_REASON_SPAM], <=, COUNT * 32 / 100);
  g_assert_cmpuint (reasons[QD_REASON_PHISHING], >=, COUNT * 6 / 100);
  g_assert_cmpuint (reasons[QD_REASON_MALWARE], >=, COUNT * 2 / 100);
  g_assert_cmpuint (reasons[QD_REASON_POLICY], >=, COUNT * 3 / 100);
  g_assert_cmpuint (categories[QD_CATEGORY_MARKETING], >, categories[QD_CATEGORY_FORUM]);

  g_assert_cmpuint (junk, >=, COUNT * 12 / 100);
  g_assert_cmpuint (junk, <=, COUNT * 30 / 100);
  g_assert_cmpuint (junk_spam_or_graymail, >=, junk * 9 / 10);
  g_assert_cmpuint (japanese, >=, COUNT * 22 / 100);
  g_assert_cmpuint (japanese, <=, COUNT * 45 / 100);
}

static void
test_messages (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GDateTime *previous = NULL;
  guint remote_images = 0;

  for (guint i = 0; i < fixture->messages->len; i++)
    {
      QdGwDemoMessage *m = g_ptr_array_index (fixture->messages, i);
      g_autoptr(GMimeMessage) message = parse (m);
      GMimeObject *object = GMIME_OBJECT (message);
      g_autoptr(GDateTime) receipt = NULL;
      g_autofree char *return_path = NULL;
      gsize length;
      const char *data = g_bytes_get_data (m->data, &length);
      GDateTime *date;
      QdDateSource source;

      g_assert_nonnull (message);
      g_assert_null (memchr (data, '\r', length));
      g_assert_cmpuint (length, <, 200 * 1024);
      for (guint k = 0; k < 4; k++)
        {
          const char *required[] = { "From", "To", "Subject", "Message-ID" };

          g_assert_nonnull (g_mime_object_get_header (object, required[k]));
        }
      g_assert_nonnull (strstr (g_mime_object_get_header (object, "To"), RECIPIENT));
      g_assert_nonnull (g_mime_message_get_message_id (message));
      g_assert_cmpstr (g_mime_object_get_header (object, "MIME-Version"), ==, "1.0");

      /* The envelope, the trace and the dates agree with the item. */
      return_path = g_strdup_printf ("<%s>", m->envelope_sender);
      g_assert_cmpstr (g_mime_object_get_header (object, "Return-Path"), ==, return_path);
      receipt = qd_mail_get_receipt_date (message, &source);
      g_assert_cmpint (source, ==, QD_DATE_SOURCE_RECEIVED);
      g_assert_cmpint (g_date_time_to_unix (receipt), ==, g_date_time_to_unix (m->received_at));
      date = g_mime_message_get_date (message);
      g_assert_nonnull (date);
      g_assert_cmpint (g_date_time_to_unix (date), <, g_date_time_to_unix (m->received_at));
      g_assert_cmpint (g_date_time_to_unix (date), >, g_date_time_to_unix (m->received_at) - 600);

      /* Items come oldest first, as the gateway ingests them. */
      if (previous != NULL)
        g_assert_cmpint (g_date_time_compare (previous, m->received_at), <=, 0);
      previous = m->received_at;

      if (m->reason == QD_REASON_GRAYMAIL)
        {
          g_assert_nonnull (g_mime_object_get_header (object, "List-Unsubscribe"));
          g_assert_nonnull (g_mime_object_get_header (object, "List-Id"));
          g_assert_nonnull (g_mime_object_get_header (object, "Precedence"));
          g_assert_cmpfloat (m->score, >=, 2.0);
          g_assert_cmpfloat (m->score, <=, 6.0);
          g_assert_true (g_str_has_prefix (m->policy_rule, "Graymail: "));
        }
      else if (m->reason == QD_REASON_SPAM)
        {
          g_assert_cmpfloat (m->score, >=, 8.0);
          g_assert_cmpfloat (m->score, <=, 25.0);
        }
      else if (m->reason == QD_REASON_PHISHING)
        g_assert_cmpfloat (m->score, >=, 15.0);

      g_assert_nonnull (m->policy_rule);
      g_assert_nonnull (m->rules);
      g_assert_nonnull (m->rules[0]);
      for (guint k = 0; m->rules[k] != NULL; k++)
        g_assert_true (is_rule_name (m->rules[k]));

      collect_types (object, g_mime_message_get_mime_part (message), seen);
      g_mime_message_foreach (message, collect_types, seen);
      if (g_strstr_len (data, length, "<img src=\"http://images.") != NULL)
        remote_images++;
    }

  /* The structures the client's preview has to cope with. */
  for (guint k = 0; k < 12; k++)
    {
      const char *expected[] = {
        "multipart/alternative", "multipart/mixed", "nested multipart/alternative",
        "text/plain", "text/html", "application/pdf", "text/calendar", "image/png",
        "application/zip", "application/octet-stream", "charset=ISO-2022-JP", "charset=UTF-8",
      };

      if (!g_hash_table_contains (seen, expected[k]))
        g_error ("no message has %s", expected[k]);
    }
  g_assert_cmpuint (remote_images, >, COUNT / 10);
}

static void
test_dates (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autoptr(GDateTime) oldest = g_date_time_add_days (fixture->now, -14);
  g_autoptr(GTimeZone) tokyo = g_time_zone_new_offset (9 * 3600);
  g_autoptr(GDateTime) burst_start = g_date_time_new (tokyo, 2026, 6, 7, 19, 0, 0);
  g_autoptr(GDateTime) burst_end = g_date_time_new (tokyo, 2026, 6, 7, 21, 0, 0);
  g_autoptr(GDateTime) last_week = g_date_time_add_days (fixture->now, -7);
  guint marketing = 0, in_burst = 0, recent = 0;

  for (guint i = 0; i < fixture->messages->len; i++)
    {
      QdGwDemoMessage *m = g_ptr_array_index (fixture->messages, i);

      g_assert_cmpint (g_date_time_compare (m->received_at, oldest), >, 0);
      g_assert_cmpint (g_date_time_compare (m->received_at, fixture->now), <=, 0);
      if (g_date_time_compare (m->received_at, last_week) > 0)
        recent++;
      if (m->category != QD_CATEGORY_MARKETING)
        continue;
      marketing++;
      if (g_date_time_compare (m->received_at, burst_start) >= 0
          && g_date_time_compare (m->received_at, burst_end) < 0)
        {
          in_burst++;
          g_assert_cmpint (m->folder, ==, QD_FOLDER_QUARANTINE);
        }
    }

  /* More recent mail than old mail, and a visible wave in the window. */
  g_assert_cmpuint (recent, >, COUNT / 2);
  g_assert_cmpuint (in_burst, >=, marketing / 10);
  g_assert_cmpuint (in_burst, <=, marketing / 4);
}

static void
test_deterministic (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GPtrArray) again = qd_gw_demo_generate (COUNT, RECIPIENT, "Demo User", fixture->now,
                                                    20261123);
  g_autoptr(GPtrArray) other = qd_gw_demo_generate (COUNT, RECIPIENT, "Demo User", fixture->now, 7);
  guint differ = 0;

  g_assert_cmpuint (again->len, ==, fixture->messages->len);
  for (guint i = 0; i < again->len; i++)
    {
      QdGwDemoMessage *a = g_ptr_array_index (fixture->messages, i);
      QdGwDemoMessage *b = g_ptr_array_index (again, i);
      QdGwDemoMessage *c = g_ptr_array_index (other, i);

      g_assert_true (g_bytes_equal (a->data, b->data));
      g_assert_cmpint (a->folder, ==, b->folder);
      g_assert_cmpfloat (a->score, ==, b->score);
      g_assert_cmpstr (a->policy_rule, ==, b->policy_rule);
      g_assert_true (g_strv_equal ((const char * const *) a->rules,
                                   (const char * const *) b->rules));
      g_assert_true (g_date_time_equal (a->received_at, b->received_at));
      if (!g_bytes_equal (a->data, c->data))
        differ++;
    }
  g_assert_cmpuint (differ, ==, COUNT);
}

static void
test_small_counts (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 1, 2, 3, 4, 5);
  g_autoptr(GPtrArray) none = qd_gw_demo_generate (0, "user@example.org", NULL, now, 1);
  g_autoptr(GPtrArray) few = qd_gw_demo_generate (5, "user@example.org", NULL, now, 1);

  g_assert_cmpuint (none->len, ==, 0);
  g_assert_cmpuint (few->len, ==, 5);
  for (guint i = 0; i < few->len; i++)
    {
      QdGwDemoMessage *m = g_ptr_array_index (few, i);
      g_autoptr(GMimeMessage) message = parse (m);

      g_assert_nonnull (message);
    }
}

static void
test_samples (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("qd-demo-samples-XXXXXX", &error);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDir) listing = NULL;
  const char *name;
  guint count = 0, old = 0;

  g_assert_no_error (error);
  g_assert_true (qd_gw_demo_write_samples (dir, RECIPIENT, now, &error));
  g_assert_no_error (error);

  listing = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *data = NULL;
      g_autoptr(GMimeMessage) message = NULL;
      g_autoptr(GDateTime) receipt = NULL;
      gsize length;
      GTimeSpan age;
      QdDateSource source;

      g_assert_true (g_str_has_suffix (name, ".eml"));
      g_assert_true (g_file_get_contents (path, &data, &length, &error));
      g_assert_no_error (error);
      g_assert_null (memchr (data, '\r', length));
      message = qd_mail_parse ((const guint8 *) data, length);
      g_assert_nonnull (message);
      g_assert_nonnull (g_mime_object_get_header (GMIME_OBJECT (message), "Subject"));
      g_assert_nonnull (g_mime_message_get_message_id (message));
      /* Missed spam looks like ordinary mail: no bulk markers. */
      g_assert_null (g_mime_object_get_header (GMIME_OBJECT (message), "List-Unsubscribe"));
      g_assert_null (g_mime_object_get_header (GMIME_OBJECT (message), "Precedence"));

      receipt = qd_mail_get_receipt_date (message, &source);
      g_assert_cmpint (source, ==, QD_DATE_SOURCE_RECEIVED);
      age = g_date_time_difference (now, receipt);
      if (strstr (name, "old") != NULL)
        {
          old++;
          g_assert_cmpint (age, >, 5 * G_TIME_SPAN_DAY);
        }
      else
        {
          g_assert_cmpint (age, >=, G_TIME_SPAN_DAY);
          g_assert_cmpint (age, <, 4 * G_TIME_SPAN_DAY);
        }
      g_assert_cmpint (g_unlink (path), ==, 0);
      count++;
    }
  g_assert_cmpuint (count, >=, 6);
  g_assert_cmpuint (old, ==, 1);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  qd_mail_init ();

  g_test_add ("/gw-demo/mix", Fixture, NULL, fixture_set_up, test_mix, fixture_tear_down);
  g_test_add ("/gw-demo/messages", Fixture, NULL, fixture_set_up, test_messages, fixture_tear_down);
  g_test_add ("/gw-demo/dates", Fixture, NULL, fixture_set_up, test_dates, fixture_tear_down);
  g_test_add ("/gw-demo/deterministic", Fixture, NULL, fixture_set_up, test_deterministic,
              fixture_tear_down);
  g_test_add_func ("/gw-demo/small-counts", test_small_counts);
  g_test_add_func ("/gw-demo/samples", test_samples);

  return g_test_run ();
}
