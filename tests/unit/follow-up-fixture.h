/* follow-up-fixture.h — a temporary store with reported samples, for the
 * follow-up's tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qd-core.h"

G_BEGIN_DECLS

typedef struct
{
  char      *dir;
  char      *path;
  QdStore   *store;
  GPtrArray *samples;   /* QdSample, as submitted */
} Fixture;

void            fixture_set_up    (Fixture       *f,
                                   gconstpointer  data);
void            fixture_tear_down (Fixture       *f,
                                   gconstpointer  data);

GBytes         *make_spam         (const char    *token,
                                   const char    *from,
                                   const char    *to,
                                   GDateTime     *received,
                                   GDateTime     *written);
GPtrArray      *submit            (Fixture       *f,
                                   GBytes       **datas,
                                   guint          n,
                                   gboolean       send);
GPtrArray      *submit_each       (Fixture       *f,
                                   GBytes       **datas,
                                   guint          n);
void            run_sql           (Fixture       *f,
                                   const char    *format,
                                   ...) G_GNUC_PRINTF (2, 3);
void            set_sent_at       (Fixture       *f,
                                   const char    *sha256,
                                   GDateTime     *when);
QdVerdict      *make_verdict      (gboolean       spam,
                                   double         score);
GDateTime      *hours_ago         (GDateTime     *now,
                                   double         hours);
QdSampleRecord *get_record        (Fixture       *f,
                                   const char    *sha256);
const char     *digest_of         (GPtrArray     *samples,
                                   guint          index);
void            assert_time       (GDateTime     *actual,
                                   GDateTime     *expected);
void            assert_contains   (const char    *text,
                                   const char    *line);

G_END_DECLS
