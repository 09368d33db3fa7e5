/* qd-messages-page.h — one folder of held mail: filters, list, actions, preview
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "qd-core.h"
#include "qd-session-page.h"

G_BEGIN_DECLS

#define QD_TYPE_MESSAGES_PAGE (qd_messages_page_get_type ())

G_DECLARE_FINAL_TYPE (QdMessagesPage, qd_messages_page, QD, MESSAGES_PAGE, QdSessionPage)

QdItemList *qd_messages_page_get_list    (QdMessagesPage *self);
void        qd_messages_page_focus_search (QdMessagesPage *self);
void        qd_messages_page_refresh     (QdMessagesPage *self);
void        qd_messages_page_set_signing_in (QdMessagesPage *self,
                                             gboolean        signing_in);
gboolean    qd_messages_page_get_settled (QdMessagesPage *self);

G_END_DECLS
