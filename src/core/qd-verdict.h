/* qd-verdict.h — is this message currently classified as spam?
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "qd-types.h"

G_BEGIN_DECLS

typedef struct
{
  gatomicrefcount  ref_count;
  gboolean         classified_as_spam;
  QdVerdictKind    kind;
  double           score;
  double           threshold;
  gboolean         reported;    /* matches a sample reported as missed spam */
  GPtrArray       *rules;       /* QdVerdictRule, highest score first */
} QdVerdict;

#define QD_TYPE_VERDICT (qd_verdict_get_type ())

GType      qd_verdict_get_type      (void) G_GNUC_CONST;
QdVerdict *qd_verdict_new_from_json (JsonObject  *object,
                                     GError     **error);
QdVerdict *qd_verdict_ref           (QdVerdict   *self);
void       qd_verdict_unref         (QdVerdict   *self);
void       qd_verdict_to_json       (QdVerdict   *self,
                                     JsonBuilder *builder);
const char *qd_verdict_get_summary  (QdVerdict   *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdVerdict, qd_verdict_unref)

G_END_DECLS
