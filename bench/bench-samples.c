/* bench-samples.c — how long validating samples and building their
 * submission messages take, for bench/run (docs/performance.md)
 *
 * Usage: bench-samples RUNS [SAMPLE_BYTES]
 * Prints lines "NAME MEDIAN MIN MAX" and "info KEY=VALUE":
 *   large-validate, large-build, large-total   one 7-bit sample of
 *                               SAMPLE_BYTES (1 900 000), received an hour
 *                               ago, in ms, after a first run not counted
 *   large-faults                page faults in one validate + build of it
 *   large-first-total, large-first-faults   the first run of this
 *                               process: what a person who gives one sample
 *                               gets (fresh memory, cold tables)
 *   small50-total               50 samples of a few kilobytes, validated
 *                               and packed into as few messages as fit
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bench-figure.h"
#include "qd-core.h"

/* A 7-bit sample of about @size bytes, received an hour ago. */
static GBytes *
make_sample (gsize size,
             guint n)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) received = g_date_time_add_hours (now, -1);
  g_autofree char *when = g_date_time_format (received, "%a, %d %b %Y %H:%M:%S +0000");
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "Received: from relay.example.net by mx.example.com; %s\n"
                          "From: Spammer <offers@spam.example>\nTo: bob@example.com\n"
                          "Subject: Cheap watches %u\nDate: %s\nMessage-ID: <bench-%u@spam.example>\n"
                          "MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n",
                          when, n, when, n);
  while (text->len < size)
    g_string_append (text, "Buy now! Cheap watches, cheap pills, cheap everything, act now.\n");
  g_string_truncate (text, size - 1);
  g_string_append_c (text, '\n');
  return g_string_free_to_bytes (text);
}

/* Page faults so far: on a virtual machine each first touch of a page
 * can cost 10–30 µs, so they explain much of a figure. */
static double
page_faults (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_minflt + usage.ru_majflt;
}

/* Validates SAMPLES and packs them; returns the number of messages. */
static guint
validate_and_pack (GPtrArray     *bytes,
                   QdGatewayInfo *info,
                   double        *validate_ms,
                   double        *build_ms,
                   double        *faults,
                   gsize         *first_size)
{
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) packed = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  gint64 t0, t1, t2;
  double f0 = page_faults ();

  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < bytes->len; i++)
    g_ptr_array_add (samples, qd_sample_new (g_ptr_array_index (bytes, i), "bench.eml"));
  qd_sample_evaluate_all (samples, info, now);
  t1 = g_get_monotonic_time ();
  packed = qd_submission_pack (samples, "reporter@example.com", "spam@gateway.example",
                               info->max_message_bytes, now, &error);
  t2 = g_get_monotonic_time ();
  *faults = page_faults () - f0;
  if (packed == NULL || packed->len == 0)
    {
      g_printerr ("bench-samples: the samples were not packed: %s\n",
                  error != NULL ? error->message : "refused");
      exit (1);
    }
  *validate_ms = (t1 - t0) / 1000.0;
  *build_ms = (t2 - t1) / 1000.0;
  *first_size = qd_submission_get_size (g_ptr_array_index (packed, 0));
  return packed->len;
}

int
main (int   argc,
      char *argv[])
{
  guint runs = argc > 1 ? (guint)atoi (argv[1]) : 31;
  gsize size = argc > 2 ? (gsize)g_ascii_strtoull (argv[2], NULL, 10) : 1900000;
  g_autoptr(GPtrArray) large = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_autoptr(GPtrArray) small = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_autoptr(QdGatewayInfo) info = qd_gateway_info_new_defaults ();
  g_autofree double *validate = g_new (double, runs);
  g_autofree double *build = g_new (double, runs);
  g_autofree double *total = g_new (double, runs);
  g_autofree double *faults = g_new (double, runs);
  g_autofree double *small_total = g_new (double, runs);
  double first_total = 0;
  double first_faults = 0;
  gsize message_size = 0;
  guint messages = 0;

  qd_mail_init ();
  g_ptr_array_add (large, make_sample (size, 0));
  for (guint i = 0; i < 50; i++)
    g_ptr_array_add (small, make_sample (2000 + i * 97, i + 1));

  /* The first run warms caches and GMime's tables, and its memory is
   * fresh: reported on its own. */
  for (guint i = 0; i < runs + 1; i++)
    {
      double v, b, f, sv, sb, sf;
      gsize small_size;

      validate_and_pack (large, info, &v, &b, &f, &message_size);
      messages = validate_and_pack (small, info, &sv, &sb, &sf, &small_size);
      if (i == 0)
        {
          first_total = v + b;
          first_faults = f;
          continue;
        }
      validate[i - 1] = v;
      build[i - 1] = b;
      total[i - 1] = v + b;
      faults[i - 1] = f;
      small_total[i - 1] = sv + sb;
    }
  printf ("info sample_bytes=%" G_GSIZE_FORMAT " message_bytes=%" G_GSIZE_FORMAT " runs=%u"
          " small_messages=%u\n", size, message_size, runs, messages);
  bench_print_figure ("large-validate", validate, runs);
  bench_print_figure ("large-build", build, runs);
  bench_print_figure ("large-total", total, runs);
  bench_print_figure ("large-faults", faults, runs);
  bench_print_figure ("large-first-total", &first_total, 1);
  bench_print_figure ("large-first-faults", &first_faults, 1);
  bench_print_figure ("small50-total", small_total, runs);
  return 0;
}
