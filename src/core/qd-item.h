/* qd-item.h — one message held by the gateway
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "qd-types.h"

G_BEGIN_DECLS

#define QD_TYPE_ITEM (qd_item_get_type ())

G_DECLARE_FINAL_TYPE (QdItem, qd_item, QD, ITEM, GObject)

/* What a backend knows of a message, for qd_item_new_full (): strings are
 * copied; NULL, 0 or none where it does not know. */
typedef struct
{
  const char         *id;
  QdFolder            folder;
  GDateTime          *received_at;
  const char         *envelope_sender;
  const char         *from_name;
  const char         *from_address;
  const char         *recipient;
  const char         *subject;
  gint64              size;
  QdReason            reason;
  QdCategory          category;
  const char         *policy_rule;
  double              score;
  const char * const *rules;
  GDateTime          *expires_at;
  QdActions           actions;
  const char         *status;
  const char         *message_id;
} QdItemFields;

QdItem             *qd_item_new_full          (const QdItemFields *fields);
QdItem             *qd_item_new_from_json     (JsonObject  *object,
                                               GError     **error);
typedef struct _QdMailboxItem QdMailboxItem;

QdItem             *qd_item_new_from_mailbox  (const QdMailboxItem *message,
                                               QdFolder             folder,
                                               QdActions            actions);
QdItem             *qd_item_new_placeholder   (void);
gboolean            qd_item_is_placeholder    (QdItem      *self);
void                qd_item_fill              (QdItem      *self,
                                               QdItem      *loaded);
void                qd_item_to_json           (QdItem      *self,
                                               JsonBuilder *builder);

const char         *qd_item_get_id            (QdItem *self);
QdFolder            qd_item_get_folder        (QdItem *self);
GDateTime          *qd_item_get_received_at   (QdItem *self);
const char         *qd_item_get_envelope_sender (QdItem *self);
const char         *qd_item_get_from          (QdItem *self);
const char         *qd_item_get_from_name     (QdItem *self);
const char         *qd_item_get_from_address  (QdItem *self);
const char         *qd_item_get_recipient     (QdItem *self);
const char         *qd_item_get_subject       (QdItem *self);
gint64              qd_item_get_size          (QdItem *self);
QdReason            qd_item_get_reason        (QdItem *self);
QdCategory          qd_item_get_category      (QdItem *self);
const char         *qd_item_get_policy_rule   (QdItem *self);
double              qd_item_get_score         (QdItem *self);
const char * const *qd_item_get_rules         (QdItem *self);
GDateTime          *qd_item_get_expires_at    (QdItem *self);
QdActions           qd_item_get_actions       (QdItem *self);
const char         *qd_item_get_status        (QdItem *self);
const char         *qd_item_get_message_id    (QdItem *self);
void                qd_item_set_twin          (QdItem     *self,
                                               QdFolder    folder,
                                               const char *id);
const char         *qd_item_get_twin_id       (QdItem *self);
QdFolder            qd_item_get_twin_folder   (QdItem *self);

gboolean            qd_item_can               (QdItem    *self,
                                               QdActions  action);

G_END_DECLS
