/* qd-time.c — times as people read them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "qd-time.h"

/**
 * qd_format_local_time:
 * @time: (nullable): the time, or %NULL when it is not known
 * @format: as g_date_time_format() takes it
 *
 * Returns: @time as local time in @format, or "—" when it is not known
 */
char *
qd_format_local_time (GDateTime  *time,
                      const char *format)
{
  g_autoptr(GDateTime) local = NULL;

  if (time == NULL)
    return g_strdup ("—");
  /* Found with fuzz-sample (on a hand-made seed): a date at the very end of
   * the calendar (year 9999) has no local time east of UTC; it is shown in
   * its own zone then. */
  local = g_date_time_to_local (time);
  return g_date_time_format (local != NULL ? local : time, format);
}
