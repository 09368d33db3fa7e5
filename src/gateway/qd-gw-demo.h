/* qd-gw-demo.h — demo data for `qd-gateway seed-demo`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "qd-types.h"

G_BEGIN_DECLS

/* One held message, ready to ingest. */
typedef struct
{
  QdFolder    folder;
  QdReason    reason;
  QdCategory  category;         /* QD_CATEGORY_NONE unless graymail */
  char       *policy_rule;      /* "Graymail: marketing and newsletters", ... */
  double      score;
  char      **rules;            /* matched rule names, UPPER_SNAKE */
  GDateTime  *received_at;
  char       *envelope_sender;
  GBytes     *data;             /* the complete RFC 5322 message, LF line endings */
} QdGwDemoMessage;

void        qd_gw_demo_message_free  (QdGwDemoMessage  *message);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdGwDemoMessage, qd_gw_demo_message_free)

GPtrArray  *qd_gw_demo_generate      (guint             count,
                                      const char       *recipient_address,
                                      const char       *recipient_name,
                                      GDateTime        *now,
                                      guint32           seed);

gboolean    qd_gw_demo_write_samples (const char       *directory,
                                      const char       *recipient_address,
                                      GDateTime        *now,
                                      GError          **error);

G_END_DECLS
