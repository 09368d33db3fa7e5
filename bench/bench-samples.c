/* sample-build.c — how long validating a sample and building its
 * submission take (docs/performance.md). Built and run by bench/sample-build.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qd-core.h"

/* A 7-bit sample of about @size bytes, received an hour ago. */
static GBytes *
make_sample (gsize size)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) received = g_date_time_add_hours (now, -1);
  g_autofree char *when = g_date_time_format (received, "%a, %d %b %Y %H:%M:%S +0000");
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "Received: from relay.example.net by mx.example.com; %s\n"
                          "From: Spammer <offers@spam.example>\nTo: bob@example.com\n"
                          "Subject: Cheap watches\nDate: %s\nMessage-ID: <bench@spam.example>\n"
                          "MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n",
                          when, when);
  while (text->len < size)
    g_string_append (text, "Buy now! Cheap watches, cheap pills, cheap everything, act now.\n");
  g_string_truncate (text, size - 1);
  g_string_append_c (text, '\n');
  return g_string_free_to_bytes (text);
}

static int
compare (const void *a,
         const void *b)
{
  double x = *(const double *)a;
  double y = *(const double *)b;

  return x < y ? -1 : x > y;
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof *values, compare);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

int
main (int   argc,
      char *argv[])
{
  guint runs = argc > 1 ? (guint)atoi (argv[1]) : 31;
  gsize size = argc > 2 ? (gsize)g_ascii_strtoull (argv[2], NULL, 10) : 1900000;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(QdGatewayInfo) info = qd_gateway_info_new_defaults ();
  double *validate = g_new (double, runs);
  double *build = g_new (double, runs);
  double *total = g_new (double, runs);
  gsize message_size = 0;

  qd_mail_init ();
  bytes = make_sample (size);
  for (guint i = 0; i < runs + 1; i++)
    {
      g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(GPtrArray) packed = NULL;
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr(GError) error = NULL;
      gint64 t0, t1, t2;

      t0 = g_get_monotonic_time ();
      g_ptr_array_add (samples, qd_sample_new (bytes, "bench.eml"));
      qd_sample_evaluate_all (samples, info, now);
      t1 = g_get_monotonic_time ();
      packed = qd_submission_pack (samples, "reporter@example.com", "spam@gateway.example",
                                   info->max_message_bytes, now, &error);
      t2 = g_get_monotonic_time ();
      if (packed == NULL || packed->len != 1)
        {
          g_printerr ("sample-build: the sample was not packed: %s\n",
                      error != NULL ? error->message : "refused");
          return 1;
        }
      message_size = qd_submission_get_size (g_ptr_array_index (packed, 0));
      /* The first run warms caches and GMime's tables: not counted. */
      if (i == 0)
        continue;
      validate[i - 1] = (t1 - t0) / 1000.0;
      build[i - 1] = (t2 - t1) / 1000.0;
      total[i - 1] = (t2 - t0) / 1000.0;
    }
  printf ("sample_bytes=%" G_GSIZE_FORMAT " message_bytes=%" G_GSIZE_FORMAT " runs=%u\n",
          g_bytes_get_size (bytes), message_size, runs);
  printf ("validate_ms=%.2f build_ms=%.2f total_ms=%.2f\n", median (validate, runs),
          median (build, runs), median (total, runs));
  qsort (total, runs, sizeof *total, compare);
  printf ("total_min_ms=%.2f total_max_ms=%.2f\n", total[0], total[runs - 1]);
  g_free (validate);
  g_free (build);
  g_free (total);
  return 0;
}
