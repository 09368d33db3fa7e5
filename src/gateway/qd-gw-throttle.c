/* qd-gw-throttle.c — failed sign-ins counted per key over a sliding window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "qd-gw-throttle.h"

/* Keys are bounded so that a flood of distinct user names cannot grow the
 * table without limit: past the bound it starts afresh. */
#define MAX_KEYS 100000

struct _QdGwThrottle
{
  guint       max_failures;
  gint64      window;
  GHashTable *failures;   /* key -> GArray of gint64 times */
};

QdGwThrottle *
qd_gw_throttle_new (guint  max_failures,
                    gint64 window_seconds)
{
  QdGwThrottle *self = g_new0 (QdGwThrottle, 1);

  self->max_failures = max_failures;
  self->window = window_seconds;
  self->failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify)g_array_unref);
  return self;
}

void
qd_gw_throttle_free (QdGwThrottle *self)
{
  g_hash_table_unref (self->failures);
  g_free (self);
}

static GArray *
recent_failures (QdGwThrottle *self,
                 const char   *key,
                 gint64        now)
{
  GArray *times = g_hash_table_lookup (self->failures, key);
  guint keep = 0;

  if (times == NULL)
    return NULL;
  while (keep < times->len && g_array_index (times, gint64, keep) <= now - self->window)
    keep++;
  g_array_remove_range (times, 0, keep);
  return times;
}

/**
 * qd_gw_throttle_check:
 *
 * Returns: 0 when an attempt is allowed, else the seconds to wait.
 */
gint64
qd_gw_throttle_check (QdGwThrottle *self,
                      const char   *key,
                      gint64        now)
{
  GArray *times = recent_failures (self, key, now);

  if (times == NULL || times->len < self->max_failures)
    return 0;
  return MAX (1, g_array_index (times, gint64, times->len - self->max_failures)
                 + self->window - now);
}

void
qd_gw_throttle_fail (QdGwThrottle *self,
                     const char   *key,
                     gint64        now)
{
  GArray *times = recent_failures (self, key, now);

  if (times == NULL)
    {
      if (g_hash_table_size (self->failures) >= MAX_KEYS)
        g_hash_table_remove_all (self->failures);
      times = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_insert (self->failures, g_strdup (key), times);
    }
  g_array_append_val (times, now);
}

void
qd_gw_throttle_clear (QdGwThrottle *self,
                      const char   *key)
{
  g_hash_table_remove (self->failures, key);
}
