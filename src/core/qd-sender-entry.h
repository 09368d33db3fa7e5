/* qd-sender-entry.h — an address or a whole domain, written as a gateway's sender lists keep it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qd-gateway.h"

G_BEGIN_DECLS

char       *qd_sender_entry_parse          (QdGatewayKind   kind,
                                            const char     *text,
                                            GError        **error);
const char *qd_sender_entry_get_domain     (const char     *entry);
const char *qd_sender_entry_domain_example (QdGatewayKind   kind);

G_END_DECLS
