/* qd-format.c — dates, counts and reasons as people read them; a name for the password peek
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "qd-format.h"

/* The local time zone, kept while TZ stays the same.  GLib 2.74 reads
 * the zone again (stat, readlink) on every g_time_zone_new_local () when
 * TZ is unset, three times for each row bound in the list. */
static GTimeZone *
local_zone (void)
{
  static GTimeZone *zone;
  static char *zone_tz;
  const char *tz = g_getenv ("TZ");

  if (zone == NULL || g_strcmp0 (tz, zone_tz) != 0)
    {
      g_clear_pointer (&zone, g_time_zone_unref);
      g_free (zone_tz);
      zone = g_time_zone_new_local ();
      zone_tz = g_strdup (tz);
    }
  return zone;
}

/**
 * qd_format_when:
 *
 * "19:04" today, "Yesterday 19:04", "Mon 19:04" this week, else the date.
 */
char *
qd_format_when (GDateTime *time)
{
  GTimeZone *zone = local_zone ();
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now (zone);
  g_autoptr(GDateTime) today = NULL;
  GTimeSpan since_midnight;

  if (time == NULL)
    return g_strdup ("");
  local = g_date_time_to_timezone (time, zone);
  today = g_date_time_new (zone, g_date_time_get_year (now), g_date_time_get_month (now),
                           g_date_time_get_day_of_month (now), 0, 0, 0);
  since_midnight = g_date_time_difference (local, today);

  if (since_midnight >= 0)
    return g_date_time_format (local, "%H:%M");
  if (since_midnight >= -G_TIME_SPAN_DAY)
    /* Translators: yesterday at a time; see strftime(3) */
    return g_date_time_format (local, _("Yesterday %H:%M"));
  if (since_midnight >= -6 * G_TIME_SPAN_DAY)
    /* Translators: a weekday and time, "Mon 19:04"; see strftime(3) */
    return g_date_time_format (local, _("%a %H:%M"));
  if (g_date_time_get_year (local) == g_date_time_get_year (now))
    /* Translators: a day of this year and a time, "Jun 7, 19:04"; see strftime(3) */
    return g_date_time_format (local, _("%b %-d, %H:%M"));
  /* Translators: a full date and a time, "Jun 7, 2025, 19:04"; see strftime(3) */
  return g_date_time_format (local, _("%b %-d, %Y, %H:%M"));
}

char *
qd_format_full_date (GDateTime *time)
{
  g_autoptr(GDateTime) local = NULL;

  if (time == NULL)
    return g_strdup (_("Unknown"));
  local = g_date_time_to_timezone (time, local_zone ());
  /* Translators: a full date and time with the weekday; see strftime(3) */
  return g_date_time_format (local, _("%A, %B %-d, %Y, %H:%M"));
}

char *
qd_format_reason (QdItem *item)
{
  QdCategory category = qd_item_get_category (item);

  if (category == QD_CATEGORY_NONE)
    return g_strdup (qd_reason_get_label (qd_item_get_reason (item)));
  /* Translators: held as graymail of a category, "Graymail · Social network" */
  return g_strdup_printf (_("%s · %s"), qd_reason_get_label (qd_item_get_reason (item)),
                          qd_category_get_label (category));
}

char *
qd_format_count (gint64 count)
{
  /* %'d groups thousands as the locale does: 12,345 or 12.345 */
  return g_strdup_printf ("%'" G_GINT64_FORMAT, count);
}

/**
 * qd_name_password_peek:
 *
 * libadwaita 1.2 leaves the "show the password" button of a password row
 * without an accessible name; a screen reader would say only "button".
 */
void
qd_name_password_peek (GtkWidget *password_row)
{
  GtkWidget *child = gtk_widget_get_first_child (password_row);

  while (child != NULL)
    {
      if (GTK_IS_BUTTON (child) || GTK_IS_TOGGLE_BUTTON (child))
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        _("Show password"), -1);
      else
        qd_name_password_peek (child);
      child = gtk_widget_get_next_sibling (child);
    }
}
