/* follow-up-fixture.h — a temporary store with reported samples, for the
 * tests of the follow-up, the store and submissions
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
  GPtrArray *datas;     /* GBytes, as made by follow_up_fixture_make_spam () */
} FollowUpFixture;

void            follow_up_fixture_set_up          (FollowUpFixture  *f,
                                                   gconstpointer     data);
void            follow_up_fixture_tear_down       (FollowUpFixture  *f,
                                                   gconstpointer     data);

GBytes         *follow_up_fixture_make_spam       (FollowUpFixture  *f,
                                                   const char       *token,
                                                   const char       *from,
                                                   const char       *to,
                                                   GDateTime        *received,
                                                   GDateTime        *written);
GBytes         *follow_up_fixture_make_sample     (const char       *subject,
                                                   const char       *body,
                                                   const char       *eol);
GPtrArray      *follow_up_fixture_evaluate        (GBytes          **datas,
                                                   guint             n);
GPtrArray      *follow_up_fixture_submit          (FollowUpFixture  *f,
                                                   GBytes          **datas,
                                                   guint             n,
                                                   gboolean          send);
GPtrArray      *follow_up_fixture_submit_each     (FollowUpFixture  *f,
                                                   GBytes          **datas,
                                                   guint             n);
void            follow_up_fixture_run_sql         (FollowUpFixture  *f,
                                                   const char       *format,
                                                   ...) G_GNUC_PRINTF (2, 3);
void            follow_up_fixture_set_sent_at     (FollowUpFixture  *f,
                                                   const char       *sha256,
                                                   GDateTime        *when);
QdVerdict      *follow_up_fixture_make_verdict    (gboolean          spam,
                                                   double            score);
GDateTime      *follow_up_fixture_hours_ago       (GDateTime        *now,
                                                   double            hours);
QdSampleRecord *follow_up_fixture_get_record      (FollowUpFixture  *f,
                                                   const char       *sha256);
const char     *follow_up_fixture_digest_of       (GPtrArray        *samples,
                                                   guint             index);
void            follow_up_fixture_assert_time     (GDateTime        *actual,
                                                   GDateTime        *expected);
void            follow_up_fixture_assert_contains (const char       *text,
                                                   const char       *line);

G_END_DECLS
