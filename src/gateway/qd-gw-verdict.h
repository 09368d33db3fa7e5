/* qd-gw-verdict.h — a classification: rspamd's check weighed with reports and bulk markers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gmime/gmime.h>

#include "qd-gw-rspamd.h"
#include "qd-types.h"

G_BEGIN_DECLS

typedef struct
{
  QdVerdictKind  kind;
  double         score;       /* rspamd's, plus the reported-sample rule's */
  double         threshold;
  char          *action;      /* rspamd's action */
  gboolean       reported;    /* matches a sample reported as missed spam */
  GPtrArray     *rules;       /* QdVerdictRule: the reported-sample rule, then rspamd's */
} QdGwVerdict;

QdGwVerdict *qd_gw_verdict_new          (QdGwCheck    *check,
                                         double        spam_threshold,
                                         gboolean      reported,
                                         gboolean      bulk_markers);
void         qd_gw_verdict_free         (QdGwVerdict  *verdict);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdGwVerdict, qd_gw_verdict_free)

gboolean     qd_gw_message_is_bulk      (GMimeMessage *message);

G_END_DECLS
