/* qd-cloud-parse.h — the cloud quarantine API's answers read tolerantly, its preview as a message
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "qd-item.h"

G_BEGIN_DECLS

/* The quarantine types (§6) as our reasons; unknown ones count as policy
 * and keep their name. */
typedef enum
{
  QD_CLOUD_GROUP_SPAM       = 1 << 0,
  QD_CLOUD_GROUP_NEWSLETTER = 1 << 1,
  QD_CLOUD_GROUP_POLICY     = 1 << 2,
  QD_CLOUD_GROUP_ALL        = 7,
} QdCloudGroup;

typedef struct
{
  QdCloudGroup group;
  gboolean     dated;     /* the item has its own time */
  gboolean     preview;   /* actions.preview_message */
} QdCloudItemInfo;

char         *qd_cloud_answer_message       (JsonNode         *answer,
                                             guint             status);
gboolean      qd_cloud_get_number           (JsonObject       *object,
                                             const char       *member,
                                             gint64           *value);
gboolean      qd_cloud_get_flag             (JsonObject       *object,
                                             const char       *member,
                                             gboolean          fallback);
char         *qd_cloud_dup_id               (JsonObject       *object,
                                             const char       *member);
QdCloudGroup  qd_cloud_type_group           (const char       *type);
QdReason      qd_cloud_group_reason         (QdCloudGroup      group);
QdCategory    qd_cloud_group_category       (QdCloudGroup      group);
void          qd_cloud_parse_sender         (const char       *text,
                                             char            **name,
                                             char            **address);
QdItem       *qd_cloud_item_new             (JsonNode         *node,
                                             GDateTime        *listed_at,
                                             QdCloudItemInfo  *info);
GBytes       *qd_cloud_message_from_preview (JsonObject       *details);
GDateTime    *qd_cloud_date                 (JsonObject       *object,
                                             const char       *member);

G_END_DECLS
