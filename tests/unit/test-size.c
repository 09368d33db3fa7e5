/* test-size.c — sizes for people, in English and in Japanese; times in local time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>

#include "qd-core.h"

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

static void
test_format_local_time (void)
{
  g_autofree char *tz = g_strdup (g_getenv ("TZ"));
  g_autoptr(GDateTime) noon = g_date_time_new_utc (2026, 3, 4, 12, 5, 0);
  g_autoptr(GDateTime) last = g_date_time_new_utc (9999, 12, 31, 23, 0, 0);
  g_autofree char *tokyo = NULL;
  g_autofree char *end = NULL;
  g_autofree char *unknown = NULL;

  g_setenv ("TZ", "JST-9", TRUE);
  tokyo = qd_format_local_time (noon, "%Y-%m-%d %H:%M %:z");
  /* No local time east of UTC: shown in its own zone, not a critical. */
  end = qd_format_local_time (last, "%Y-%m-%d %H:%M %:z");
  unknown = qd_format_local_time (NULL, "%Y-%m-%d %H:%M");
  if (tz != NULL)
    g_setenv ("TZ", tz, TRUE);
  else
    g_unsetenv ("TZ");

  g_assert_cmpstr (tokyo, ==, "2026-03-04 21:05 +09:00");
  g_assert_cmpstr (end, ==, "9999-12-31 23:00 +00:00");
  g_assert_cmpstr (unknown, ==, "—");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/size/format", test_size);
  g_test_add_func ("/time/format-local", test_format_local_time);

  return g_test_run ();
}
