/* qd-types.h — the vocabulary shared by the gateway API, the core and the UI
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The nicks of these enums are the exact strings of the Gateway API
 * (docs/gateway-api.md): "quarantine", "graymail", "move-to-inbox", ... */

typedef enum
{
  QD_FOLDER_QUARANTINE,
  QD_FOLDER_JUNK,
} QdFolder;

typedef enum
{
  QD_REASON_GRAYMAIL,
  QD_REASON_SPAM,
  QD_REASON_PHISHING,
  QD_REASON_MALWARE,
  QD_REASON_POLICY,
} QdReason;

typedef enum
{
  QD_CATEGORY_NONE,
  QD_CATEGORY_MARKETING,
  QD_CATEGORY_SOCIAL,
  QD_CATEGORY_FORUM,
  QD_CATEGORY_BULK,
} QdCategory;

typedef enum /*< flags >*/
{
  QD_ACTION_NONE            = 0,
  QD_ACTION_RELEASE         = 1 << 0,
  QD_ACTION_REQUEST_RELEASE = 1 << 1,
  QD_ACTION_MOVE_TO_INBOX   = 1 << 2,
  QD_ACTION_DELETE          = 1 << 3,
  QD_ACTION_BLOCK_SENDER    = 1 << 4,
  QD_ACTION_APPROVE_SENDER  = 1 << 5,
} QdActions;

typedef enum
{
  QD_VERDICT_KIND_CLEAN,
  QD_VERDICT_KIND_GRAYMAIL,
  QD_VERDICT_KIND_SPAM,
} QdVerdictKind;

/* One rule a message matched, as a verdict lists it (the "rules" of POST
 * /classify): the gateway makes them from rspamd's symbols, the client
 * reads them back. */
typedef struct
{
  char   *name;
  double  score;
  char   *description;
} QdVerdictRule;

void        qd_verdict_rule_free  (QdVerdictRule *rule);

const char *qd_enum_to_nick   (GType        enum_type,
                               int          value);
gboolean    qd_enum_from_nick (GType        enum_type,
                               const char  *nick,
                               int         *value);

const char *qd_folder_to_string   (QdFolder    folder);
gboolean    qd_folder_from_string (const char *str,
                                   QdFolder   *folder);
const char *qd_reason_to_string   (QdReason    reason);
gboolean    qd_reason_from_string (const char *str,
                                   QdReason   *reason);
const char *qd_category_to_string (QdCategory  category);
gboolean    qd_category_from_string (const char *str,
                                     QdCategory *category);
const char *qd_action_to_string   (QdActions   action);
gboolean    qd_action_from_string (const char *str,
                                   QdActions  *action);

const char *qd_folder_get_label   (QdFolder    folder);
const char *qd_reason_get_label   (QdReason    reason);
const char *qd_category_get_label (QdCategory  category);

G_END_DECLS
