/* qd-pmg-ticket.c — a Proxmox Mail Gateway ticket kept in the keyring, and when it ends
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "qd-keyring.h"
#include "qd-pmg-parse.h"
#include "qd-pmg-ticket.h"

#define PMG_TICKET_LIFE (2 * 3600)  /* a password's ticket (spec §4.6) */

/**
 * qd_pmg_ticket_get_expiry:
 * @ticket: a PMG ticket (PMG:…) or a quarantine link's (PMGQUAR:…)
 *
 * Both name the time they were issued as their third field: a PMG ticket
 * ends two hours after it, a link's after the quarantine's lifetime.
 *
 * Returns: (transfer full) (nullable): when @ticket ends, or %NULL when it
 *   is not a ticket
 */
GDateTime *
qd_pmg_ticket_get_expiry (const char *ticket)
{
  g_auto(GStrv) fields = NULL;
  guint64 issued;

  if (ticket == NULL)
    return NULL;
  if (g_str_has_prefix (ticket, "PMGQUAR:"))
    return qd_pmg_link_ticket_expiry (ticket);
  if (!g_str_has_prefix (ticket, "PMG:"))
    return NULL;
  /* PMG:<userid, ':' escaped>:<issued, hex>::<signature> */
  fields = g_strsplit (ticket, ":", 4);
  if (g_strv_length (fields) < 3 ||
      !g_ascii_string_to_unsigned (fields[2], 16, 0, G_MAXUINT32, &issued, NULL))
    return NULL;
  return g_date_time_new_from_unix_utc ((gint64)issued + PMG_TICKET_LIFE);
}

/**
 * qd_pmg_ticket_keep_sync:
 * @client: a client signed in, by password or by link
 * @user: the name the ticket is kept under (the person's quarantine address)
 *
 * Keeps @client's ticket in place of the one kept before (a renewal gives
 * a new one).
 */
gboolean
qd_pmg_ticket_keep_sync (QdPmgClient  *client,
                         const char   *user,
                         GError      **error)
{
  const char *ticket = qd_pmg_client_get_ticket (client);

  g_return_val_if_fail (ticket != NULL, FALSE);
  return qd_keyring_store_sync (QD_SECRET_GATEWAY_TOKEN, qd_pmg_client_get_base_url (client),
                                user, ticket, error);
}

/**
 * qd_pmg_ticket_lookup_sync:
 * @expires_at: (out) (optional): when the ticket ends
 *
 * A ticket that has ended is forgotten, not returned: sending it would
 * only earn a refusal, which PMG makes wait three seconds.
 *
 * Returns: (transfer full) (nullable): the ticket kept for @user at
 *   @server, to free with qd_secret_free (); %NULL without an error when
 *   there is none (any more)
 */
char *
qd_pmg_ticket_lookup_sync (const char  *server,
                           const char  *user,
                           GDateTime  **expires_at,
                           GError     **error)
{
  char *ticket = qd_keyring_lookup_sync (QD_SECRET_GATEWAY_TOKEN, server, user, error);
  g_autoptr(GDateTime) end = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  if (ticket == NULL)
    return NULL;
  end = qd_pmg_ticket_get_expiry (ticket);
  if (end == NULL || g_date_time_compare (end, now) <= 0)
    {
      qd_secret_free (ticket);
      qd_keyring_clear_sync (QD_SECRET_GATEWAY_TOKEN, server, user, NULL);
      return NULL;
    }
  if (expires_at != NULL)
    *expires_at = g_steal_pointer (&end);
  return ticket;
}

gboolean
qd_pmg_ticket_forget_sync (const char  *server,
                           const char  *user,
                           GError     **error)
{
  return qd_keyring_clear_sync (QD_SECRET_GATEWAY_TOKEN, server, user, error);
}
