/* qd-pmg-ticket.h — a Proxmox Mail Gateway ticket kept in the keyring, and when it ends
 *
 * A quarantine user's session with PMG is a ticket: two hours after a
 * password was given (renewed with the ticket itself before then), days
 * after a spam report was sent for a link's.  A caller that lives for one
 * command (qdesk) keeps the ticket, never the password, as kind
 * QD_SECRET_GATEWAY_TOKEN; when it ends is read from the ticket itself, so
 * nothing else is stored.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "qd-pmg-client.h"

G_BEGIN_DECLS

GDateTime *qd_pmg_ticket_get_expiry  (const char   *ticket);
gboolean   qd_pmg_ticket_keep_sync   (QdPmgClient  *client,
                                      const char   *user,
                                      GError      **error);
char      *qd_pmg_ticket_lookup_sync (const char   *server,
                                      const char   *user,
                                      GDateTime   **expires_at,
                                      GError      **error);
gboolean   qd_pmg_ticket_forget_sync (const char   *server,
                                      const char   *user,
                                      GError      **error);

G_END_DECLS
