/* qd-mailbox-source.h — a folder of the person's mailbox as a source of messages for a page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qd-gateway.h"
#include "qd-item-source.h"
#include "qd-mailbox.h"

G_BEGIN_DECLS

#define QD_TYPE_MAILBOX_SOURCE (qd_mailbox_source_get_type ())

G_DECLARE_FINAL_TYPE (QdMailboxSource, qd_mailbox_source, QD, MAILBOX_SOURCE, GObject)

QdMailboxSource *qd_mailbox_source_new         (QdMailbox        *mailbox,
                                                QdMailboxFolder   folder);
QdMailbox       *qd_mailbox_source_get_mailbox (QdMailboxSource  *self);
void             qd_mailbox_source_set_approver (QdMailboxSource *self,
                                                 QdGateway       *gateway);
char            *qd_mailbox_source_make_id     (guint32           uidvalidity,
                                                guint32           uid);
gboolean         qd_mailbox_source_parse_id    (const char       *id,
                                                guint32          *uidvalidity,
                                                guint32          *uid);

G_END_DECLS
