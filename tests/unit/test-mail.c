/* test-mail.c — parsing mail: sample digests, receipt dates, header text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "qd-core.h"

static void
test_sample_digest (void)
{
  const char lf[] = "From: a@example.com\nSubject: x\n\nbody\n";
  const char crlf[] = "From: a@example.com\r\nSubject: x\r\n\r\nbody\r\n\r\n";
  const char other[] = "From: a@example.com\nSubject: y\n\nbody\n";
  g_autofree char *d1 = qd_mail_sample_digest ((const guint8 *)lf, strlen (lf));
  g_autofree char *d2 = qd_mail_sample_digest ((const guint8 *)crlf, strlen (crlf));
  g_autofree char *d3 = qd_mail_sample_digest ((const guint8 *)other, strlen (other));

  g_assert_cmpuint (strlen (d1), ==, 64);
  g_assert_cmpstr (d1, ==, d2);
  g_assert_cmpstr (d1, !=, d3);
}

/* The digest is the SHA-256 of the normalised bytes, whatever computes it
 * (sha256sum of them gave these): a lone CR is content, CRLF is LF, and
 * trailing line ends go. */
static void
test_sample_digest_value (void)
{
  static const struct {
    const char *text;
    const char *sha256;
  } cases[] = {
    { "From: a@example.com\r\nSubject: x\r\n\r\nbody\r\n\r\n",
      "e2958d050730bd347da019b7f8142dd226d1eb23aee23390a8729c6987b05b16" },
    { "a\rb\r\nc\r", "82525e553e1563543b84f4f22b8885b51f55908af1b60364e2fcd9147b21ead1" },
    { "\r\n\n\r", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *digest = qd_mail_sample_digest ((const guint8 *)cases[i].text,
                                                       strlen (cases[i].text));

      g_assert_cmpstr (digest, ==, cases[i].sha256);
    }
}

/* qd_mail_parse_bytes() reads the bytes in place: they stay readable
 * through the message after the caller lets go of them. */
static void
test_parse_bytes (void)
{
  static const char text[] = "From: a@example.com\nSubject: in place\n\nthe body\n";
  GBytes *bytes = g_bytes_new (text, sizeof text - 1);
  g_autoptr(GMimeMessage) message = qd_mail_parse_bytes (bytes);
  g_autoptr(GMimeStream) out = g_mime_stream_mem_new ();
  GMimeDataWrapper *content;
  GByteArray *array;

  g_bytes_unref (bytes);
  g_assert_nonnull (message);
  g_assert_cmpstr (g_mime_message_get_subject (message), ==, "in place");
  content = g_mime_part_get_content (GMIME_PART (g_mime_message_get_mime_part (message)));
  g_mime_data_wrapper_write_to_stream (content, out);
  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (out));
  g_assert_cmpmem (array->data, array->len, "the body\n", strlen ("the body\n"));
}

static void
test_receipt_date (void)
{
  const char with_received[] =
    "Received: from mx.example.org by mail.example.com; Tue, 17 Nov 2026 09:15:00 +0900\n"
    "Received: from a.example.net by mx.example.org; Tue, 17 Nov 2026 09:14:00 +0900\n"
    "Date: Mon, 16 Nov 2026 23:00:00 +0000\n"
    "From: a@example.org\n\nhello\n";
  const char with_date[] = "Date: Mon, 16 Nov 2026 23:00:00 +0000\nFrom: a@example.org\n\nhi\n";
  const char without[] = "From: a@example.org\nSubject: no date\n\nhi\n";
  g_autoptr(GMimeMessage) m1 = qd_mail_parse ((const guint8 *)with_received,
                                              strlen (with_received));
  g_autoptr(GMimeMessage) m2 = qd_mail_parse ((const guint8 *)with_date, strlen (with_date));
  g_autoptr(GMimeMessage) m3 = qd_mail_parse ((const guint8 *)without, strlen (without));
  g_autoptr(GDateTime) d1 = NULL;
  g_autoptr(GDateTime) d2 = NULL;
  g_autoptr(GDateTime) d3 = NULL;
  QdDateSource source;

  d1 = qd_mail_get_receipt_date (m1, &source);
  g_assert_nonnull (d1);
  g_assert_cmpint (source, ==, QD_DATE_SOURCE_RECEIVED);
  /* the topmost hop: 09:15 +0900 is 00:15 UTC */
  g_assert_cmpint (g_date_time_to_unix (d1), ==, 1794874500);

  d2 = qd_mail_get_receipt_date (m2, &source);
  g_assert_nonnull (d2);
  g_assert_cmpint (source, ==, QD_DATE_SOURCE_DATE);
  g_assert_cmpint (g_date_time_to_unix (d2), ==, 1794870000);

  d3 = qd_mail_get_receipt_date (m3, &source);
  g_assert_null (d3);
  g_assert_cmpint (source, ==, QD_DATE_SOURCE_NONE);
}

static char *
subject_of (const char *subject)
{
  g_autofree char *mail = g_strdup_printf ("From: a@example.com\r\nSubject: %s\r\n\r\nbody\r\n",
                                           subject);
  g_autoptr(GMimeMessage) message = qd_mail_parse ((const guint8 *) mail, strlen (mail));

  g_assert_nonnull (message);
  return qd_mail_get_header_text (GMIME_OBJECT (message), "Subject");
}

/* Found by fuzzing: a header that is not UTF-8 crashed the encoded-word
 * regex (PCRE2's JIT code reads invalid UTF-8 past its end). */
static void
test_header_not_utf8 (void)
{
  const char *subjects[] = { "=?I=\xfeit", "=?UTF-8?B?YWI=?= \xfe\xff =?UTF-8?B?Yw==?= \xc3" };

  for (guint i = 0; i < G_N_ELEMENTS (subjects); i++)
    {
      g_autofree char *text = subject_of (subjects[i]);

      g_assert_nonnull (text);
    }
}

/* Every encoded word is read, whatever GMime's decoder does with padding. */
static void
test_encoded_words (void)
{
  static const struct {
    const char *raw;
    const char *text;
  } cases[] = {
    /* padded, then more of the same charset: GMime 3.2.13 stops at "ab" */
    { "=?UTF-8?B?YWI=?= =?UTF-8?B?44Oh44O844Or?=", "abメール" },
    { "=?utf-8?b?YQ==?=\r\n =?UTF-8?B?Yg==?= tail", "ab tail" },
    { "=?UTF-8?B?YWI=?= =?UTF-8?B?YWI=?= =?UTF-8?B?YWI=?=", "ababab" },
    /* a character split across words, unpadded */
    { "=?UTF-8?B?44O?= =?UTF-8?B?G44K544OI?=", "テスト" },
    /* other charsets, Q words and plain text around them keep their place */
    { "Re: =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?= =?ISO-2022-JP?B?GyRCJWEhPCVrGyhC?= (2)",
      "Re: テストメール (2)" },
    { "=?UTF-8?B?YWI=?= =?ISO-8859-1?Q?caf=E9?= x =?UTF-8?B?Yw==?=", "abcafé x c" },
    { "plain subject", "plain subject" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = subject_of (cases[i].raw);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  qd_mail_init ();

  g_test_add_func ("/mail/sample-digest", test_sample_digest);
  g_test_add_func ("/mail/sample-digest-value", test_sample_digest_value);
  g_test_add_func ("/mail/parse-bytes", test_parse_bytes);
  g_test_add_func ("/mail/receipt-date", test_receipt_date);
  g_test_add_func ("/mail/encoded-words", test_encoded_words);
  g_test_add_func ("/mail/header-not-utf8", test_header_not_utf8);

  return g_test_run ();
}
