/* qd-gw-senders.h — users' approved and blocked senders: entries, the size limit, changes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qd-gw-gateway.h"

G_BEGIN_DECLS

typedef enum
{
  QD_GW_SENDER_ADDED,           /* a new entry */
  QD_GW_SENDER_ALREADY_LISTED,  /* the entry was there; its time is kept */
  QD_GW_SENDER_INVALID,         /* neither a mail address nor "@domain" */
  QD_GW_SENDER_LIST_FULL,       /* max_sender_list entries already */
  QD_GW_SENDER_FAILED,          /* the store failed: see the error */
  QD_GW_SENDER_REMOVED,
  QD_GW_SENDER_NOT_LISTED,
} QdGwSenderOutcome;

typedef struct
{
  char   *address;
  gint64  added_at;    /* unix seconds */
} QdGwSenderEntry;

void              qd_gw_sender_entry_clear     (QdGwSenderEntry *entry);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (QdGwSenderEntry, qd_gw_sender_entry_clear)

gboolean          qd_gw_parse_sender_entry     (const char       *text,
                                                char            **normalized);

GArray           *qd_gw_gateway_list_senders   (QdGwGateway      *self,
                                                gint64            user_id,
                                                QdGwSenderList    list);
QdGwSenderOutcome qd_gw_gateway_add_sender     (QdGwGateway      *self,
                                                gint64            user_id,
                                                QdGwSenderList    list,
                                                const char       *text,
                                                QdGwSenderEntry  *entry,
                                                GError          **error);
QdGwSenderOutcome qd_gw_gateway_remove_sender  (QdGwGateway      *self,
                                                gint64            user_id,
                                                QdGwSenderList    list,
                                                const char       *text);

G_END_DECLS
