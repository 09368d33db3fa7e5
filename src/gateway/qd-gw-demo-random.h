/* qd-gw-demo-random.h — draws from the demo's one seeded GRand
 *
 * The planner and the message writer draw from the same GRand, in a
 * fixed order: the same seed and "now" give the same bytes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <string.h>

#include <glib.h>

G_BEGIN_DECLS

/* One draw per statement: the order of arguments is not fixed in C, and
 * the output must not depend on the compiler. */

static inline gboolean
chance (GRand  *rand,
        double  p)
{
  return g_rand_double (rand) < p;
}

static inline guint
pick (GRand *rand,
      guint  n)
{
  return (guint) g_rand_int_range (rand, 0, (gint32) n);
}

static inline void
random_token (GRand      *rand,
              char       *out,
              gsize       length,
              const char *alphabet)
{
  gsize n = strlen (alphabet);

  for (gsize i = 0; i < length; i++)
    out[i] = alphabet[pick (rand, n)];
  out[length] = '\0';
}

G_END_DECLS
