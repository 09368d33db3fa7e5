/* bench-figure.c — one benchmark figure as bench/run reads it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "bench-figure.h"

static int
compare (const void *a,
         const void *b)
{
  double x = *(const double *)a;
  double y = *(const double *)b;

  return x < y ? -1 : x > y;
}

/* "NAME MEDIAN MIN MAX", in milliseconds; sorts VALUES. */
void
bench_print_figure (const char *name,
                    double     *values,
                    guint       n)
{
  qsort (values, n, sizeof *values, compare);
  printf ("%s %.2f %.2f %.2f\n", name,
          n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2,
          values[0], values[n - 1]);
}
