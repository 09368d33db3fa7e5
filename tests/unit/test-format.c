/* test-format.c — the list's dates as people read them, in the local time zone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>

#include "qd-format.h"

/* @days_ago days before today, at 10:30 local time in @zone. */
static GDateTime *
days_ago (GTimeZone *zone,
          int        days_ago)
{
  g_autoptr(GDateTime) now = g_date_time_new_now (zone);
  g_autoptr(GDateTime) at = g_date_time_new (zone, g_date_time_get_year (now),
                                             g_date_time_get_month (now),
                                             g_date_time_get_day_of_month (now), 10, 30, 0);

  return g_date_time_add_days (at, -days_ago);
}

static void
test_when_ranges (void)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_local ();
  g_autoptr(GDateTime) today = days_ago (zone, 0);
  g_autoptr(GDateTime) yesterday = days_ago (zone, 1);
  g_autoptr(GDateTime) old = g_date_time_new (zone, 2001, 2, 3, 4, 5, 6);
  g_autofree char *today_text = qd_format_when (today);
  g_autofree char *yesterday_text = qd_format_when (yesterday);
  g_autofree char *old_text = qd_format_when (old);
  g_autofree char *none = qd_format_when (NULL);

  g_assert_cmpstr (today_text, ==, "10:30");
  g_assert_cmpstr (yesterday_text, ==, "Yesterday 10:30");
  g_assert_cmpstr (old_text, ==, "Feb 3, 2001, 04:05");
  g_assert_cmpstr (none, ==, "");
}

/* The zone is kept between calls, but a changed TZ is followed: the same
 * instant reads as another time. */
static void
test_when_follows_tz (void)
{
  g_autoptr(GDateTime) instant = g_date_time_new_utc (2001, 2, 3, 4, 5, 6);
  g_autofree char *utc = NULL;
  g_autofree char *tokyo = NULL;
  g_autofree char *full = NULL;

  g_setenv ("TZ", "UTC", TRUE);
  utc = qd_format_when (instant);
  g_setenv ("TZ", "Asia/Tokyo", TRUE);
  tokyo = qd_format_when (instant);
  full = qd_format_full_date (instant);

  g_assert_cmpstr (utc, ==, "Feb 3, 2001, 04:05");
  g_assert_cmpstr (tokyo, ==, "Feb 3, 2001, 13:05");
  g_assert_cmpstr (full, ==, "Saturday, February 3, 2001, 13:05");
}

int
main (int   argc,
      char *argv[])
{
  /* English texts and names, whatever the machine's locale. */
  g_setenv ("LANGUAGE", "C", TRUE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/format/when/ranges", test_when_ranges);
  g_test_add_func ("/format/when/follows-tz", test_when_follows_tz);

  return g_test_run ();
}
