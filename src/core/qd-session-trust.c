/* qd-session-trust.c — PMG: the certificate refused or pinned, whether a kept ticket still lasts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "qd-error.h"
#include "qd-pmg-client.h"
#include "qd-pmg-ticket.h"
#include "qd-session-private.h"

/**
 * qd_session_get_refused_certificate:
 * @fingerprint: (out) (optional) (transfer full): its SHA-256 fingerprint
 * @description: (out) (optional) (transfer full): its subject, validity
 *   and fingerprint in lines
 * @changed: (out) (optional): whether it replaced a certificate accepted
 *   before (the pin did not match), rather than being new
 *
 * The certificate no authority vouches for that the last sign-in refused
 * (Proxmox Mail Gateway's own, say), for the person to compare and accept:
 * signing in again with its fingerprint pins it.
 *
 * Returns: whether the last sign-in refused one
 */
gboolean
qd_session_get_refused_certificate (QdSession  *self,
                                    char      **fingerprint,
                                    char      **description,
                                    gboolean   *changed)
{
  g_return_val_if_fail (QD_IS_SESSION (self), FALSE);

  if (fingerprint != NULL)
    *fingerprint = g_strdup (self->refused_fingerprint);
  if (description != NULL)
    *description = g_strdup (self->refused_description);
  if (changed != NULL)
    *changed = self->refused_changed;
  return self->refused_fingerprint != NULL;
}

/* The ticket of a kept secret, if it is still good for a while.  The
 * keyring keeps a link's ticket alone, the same item qdesk keeps: when it
 * ends, the ticket says itself (qd-pmg-ticket.h). */
char *
qd_session_ticket_secret_read (const char *secret)
{
  g_autoptr(GDateTime) expires_at = NULL;
  g_autoptr(GDateTime) soon = NULL;

  expires_at = secret != NULL ? qd_pmg_ticket_get_expiry (secret) : NULL;
  if (expires_at == NULL)
    return NULL;
  soon = g_date_time_new_now_utc ();
  /* A minute's margin: signing in with it takes time too. */
  if (g_date_time_difference (expires_at, soon) < 60 * G_TIME_SPAN_SECOND)
    return NULL;
  return g_strdup (secret);
}

/* The certificate a failed sign-in refused, for the person to judge. */
void
qd_session_note_refused_certificate (QdSession    *self,
                                     QdGateway    *gateway,
                                     const GError *error)
{
  g_clear_pointer (&self->refused_fingerprint, g_free);
  g_clear_pointer (&self->refused_description, g_free);
  self->refused_changed = FALSE;
  if (gateway == NULL || !QD_IS_PMG_CLIENT (gateway) ||
      !g_error_matches (error, QD_ERROR, QD_ERROR_TLS))
    return;
  self->refused_fingerprint = qd_pmg_client_dup_peer_fingerprint (QD_PMG_CLIENT (gateway));
  self->refused_description = qd_pmg_client_dup_peer_description (QD_PMG_CLIENT (gateway));
  self->refused_changed = qd_pmg_client_get_pinned_fingerprint (QD_PMG_CLIENT (gateway)) != NULL;
}

/* PMG: the certificate the person accepted now, or before for this address. */
gboolean
qd_session_pin_certificate (QdSession    *self,
                            const char   *fingerprint,
                            QdPmgClient  *client,
                            GError      **error)
{
  g_autofree char *url = NULL;
  g_autofree char *pinned = NULL;

  if (fingerprint != NULL)
    return qd_pmg_client_set_pinned_fingerprint (client, fingerprint, error);
  url = g_settings_get_string (self->settings, "gateway-url");
  pinned = g_settings_get_string (self->settings, "gateway-fingerprint");
  /* Accepted for another gateway, it says nothing of this one. */
  if (pinned[0] == '\0' || g_strcmp0 (url, qd_pmg_client_get_base_url (client)) != 0)
    return TRUE;
  return qd_pmg_client_set_pinned_fingerprint (client, pinned, error);
}
