/* test-types.c — the API vocabulary round-trips through its strings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>

#include "qd-core.h"

static void
test_folder (void)
{
  QdFolder folder;

  g_assert_cmpstr (qd_folder_to_string (QD_FOLDER_QUARANTINE), ==, "quarantine");
  g_assert_cmpstr (qd_folder_to_string (QD_FOLDER_JUNK), ==, "junk");
  g_assert_true (qd_folder_from_string ("junk", &folder));
  g_assert_cmpint (folder, ==, QD_FOLDER_JUNK);
  g_assert_false (qd_folder_from_string ("inbox", &folder));
  g_assert_false (qd_folder_from_string (NULL, &folder));
}

static void
test_reason (void)
{
  const char *names[] = { "graymail", "spam", "phishing", "malware", "policy" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      QdReason reason;

      g_assert_true (qd_reason_from_string (names[i], &reason));
      g_assert_cmpstr (qd_reason_to_string (reason), ==, names[i]);
      g_assert_nonnull (qd_reason_get_label (reason));
    }
  {
    QdReason reason;

    g_assert_false (qd_reason_from_string ("Spam", &reason));
    g_assert_false (qd_reason_from_string ("", &reason));
  }
}

static void
test_category (void)
{
  QdCategory category = QD_CATEGORY_BULK;

  /* No category is null in the API, never the string "none". */
  g_assert_null (qd_category_to_string (QD_CATEGORY_NONE));
  g_assert_true (qd_category_from_string (NULL, &category));
  g_assert_cmpint (category, ==, QD_CATEGORY_NONE);
  g_assert_false (qd_category_from_string ("none", &category));
  g_assert_true (qd_category_from_string ("social", &category));
  g_assert_cmpint (category, ==, QD_CATEGORY_SOCIAL);
  g_assert_cmpstr (qd_category_to_string (QD_CATEGORY_MARKETING), ==, "marketing");
  g_assert_cmpstr (qd_category_to_string (QD_CATEGORY_FORUM), ==, "forum");
}

static void
test_actions (void)
{
  const char *names[] = { "release", "request-release", "move-to-inbox", "delete",
                          "block-sender", "approve-sender" };
  QdActions seen = 0;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      QdActions action;

      g_assert_true (qd_action_from_string (names[i], &action));
      g_assert_cmpstr (qd_action_to_string (action), ==, names[i]);
      g_assert_cmpint (seen & action, ==, 0);
      seen |= action;
    }
  /* A combination has no single name. */
  g_assert_null (qd_action_to_string (QD_ACTION_RELEASE | QD_ACTION_DELETE));
  {
    QdActions action;

    g_assert_false (qd_action_from_string ("none", &action));
    g_assert_false (qd_action_from_string ("move_to_inbox", &action));
  }
}

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

static void
test_size (void)
{
  const char *localedir = g_getenv ("QD_LOCALEDIR");
  const struct { gint64 bytes; const char *en; const char *ja; } cases[] = {
    { -5, "0\u00A0bytes", "0\u00A0バイト" },
    { 1, "1\u00A0byte", "1\u00A0バイト" },
    { 279, "279\u00A0bytes", "279\u00A0バイト" },
    { 999, "999\u00A0bytes", "999\u00A0バイト" },
    { 2790, "2.8\u00A0kB", "2.8\u00A0kB" },
    { 1900000, "1.9\u00A0MB", "1.9\u00A0MB" },
  };

  g_assert_nonnull (localedir);
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = qd_format_size (cases[i].bytes);
      g_assert_cmpstr (text, ==, cases[i].en);
    }

  /* GLib's own catalogue lacks the Japanese for whole bytes; ours has it. */
  g_assert_nonnull (setlocale (LC_ALL, "ja_JP.UTF-8"));
  g_setenv ("LANGUAGE", "ja", TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = qd_format_size (cases[i].bytes);
      g_assert_cmpstr (text, ==, cases[i].ja);
    }
  g_unsetenv ("LANGUAGE");
  setlocale (LC_ALL, "C.UTF-8");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  qd_mail_init ();

  g_test_add_func ("/types/folder", test_folder);
  g_test_add_func ("/types/reason", test_reason);
  g_test_add_func ("/types/category", test_category);
  g_test_add_func ("/types/actions", test_actions);
  g_test_add_func ("/format/size", test_size);
  g_test_add_func ("/mail/sample-digest", test_sample_digest);
  g_test_add_func ("/mail/receipt-date", test_receipt_date);

  return g_test_run ();
}
