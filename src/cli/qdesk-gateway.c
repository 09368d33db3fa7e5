/* qdesk-gateway.c — which kind of gateway qdesk speaks to, and a signed-in client of it
 *
 * The kind comes from --gateway-kind, else from what login remembered with
 * the gateway, else it is asked of the address.  Between commands each kind
 * keeps only what it needs in the keyring: our API its token (qdesk_connect
 * in qdesk-main.c), Proxmox Mail Gateway its ticket, renewed by each
 * command (qd-pmg-ticket.h), the cloud Email Quarantine API the password,
 * which Basic authentication sends with every request.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "qdesk.h"

/* The PMG ticket this command started with, to keep a renewed one at its end. */
static char *kept_ticket;

static void
forget_kept_ticket (void)
{
  if (kept_ticket != NULL)
    memset (kept_ticket, 0, strlen (kept_ticket));
  g_clear_pointer (&kept_ticket, g_free);
}

/* The command names the gateway login remembered (or none at all). */
gboolean
qdesk_gateway_is_remembered (QdeskContext *ctx)
{
  g_autofree char *remembered = g_settings_get_string (ctx->settings, "gateway-url");

  return !ctx->gateway_given || g_strcmp0 (remembered, ctx->gateway_url) == 0;
}

/* Probed in a process of its own: see qd-gateway-detect.c. */
static gboolean
detect_in_child (const char     *url,
                 QdGatewayKind  *kind,
                 char          **base_url)
{
  g_autoptr(GAsyncResult) result = NULL;

  qd_gateway_detect_kind_isolated_async (url, NULL, qd_async_wait_result_cb, &result);
  return qd_gateway_detect_kind_finish (qd_async_wait (&result), kind, base_url, NULL);
}

/* Plain HTTP only on this computer: elsewhere nothing is sent, not even a
 * probe, and our client says why (QD_ERROR_INSECURE_URL). */
static gboolean
may_probe (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GInetAddress) address = NULL;
  const char *host;

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0)
    return TRUE;
  host = g_uri_get_host (uri);
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/* Whether a gateway is named (--gateway, else the one login remembered),
 * else the sentence that says to sign in. */
gboolean
qdesk_gateway_is_set (QdeskContext  *ctx,
                      GError       **error)
{
  if (ctx->gateway_url != NULL && ctx->gateway_url[0] != '\0')
    return TRUE;
  g_set_error_literal (error, QD_ERROR, QD_ERROR_NOT_SIGNED_IN,
                       _("No gateway is set. Sign in first: "
                         "qdesk --gateway URL login --user NAME"));
  return FALSE;
}

/**
 * qdesk_resolve_kind:
 *
 * The kind of the gateway: --gateway-kind, else the one remembered with
 * it, else the one its address answers as (the address may then change,
 * to PMG's port).
 */
gboolean
qdesk_resolve_kind (QdeskContext   *ctx,
                    QdGatewayKind  *kind,
                    GError        **error)
{
  g_autofree char *base_url = NULL;

  if (ctx->kind_name != NULL)
    {
      if (qd_gateway_kind_from_string (ctx->kind_name, kind))
        return TRUE;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("--gateway-kind: “%s” is not one of qd, pmg or symantec."), ctx->kind_name);
      return FALSE;
    }
  if (qdesk_gateway_is_remembered (ctx))
    {
      g_autofree char *name = g_settings_get_string (ctx->settings, "gateway-kind");

      /* A gateway remembered before there were other kinds is ours. */
      if (!qd_gateway_kind_from_string (name, kind))
        *kind = QD_GATEWAY_KIND_QD;
      return TRUE;
    }
  if (!may_probe (ctx->gateway_url) || !detect_in_child (ctx->gateway_url, kind, &base_url))
    {
      /* Our own client then says what is wrong with the address (not
       * reached, refused certificate…) as it did before there were kinds. */
      *kind = QD_GATEWAY_KIND_QD;
    }
  else if (base_url != NULL)
    {
      g_free (ctx->gateway_url);
      ctx->gateway_url = g_steal_pointer (&base_url);
    }
  /* Asked once per command. */
  ctx->kind_name = g_strdup (qd_gateway_kind_to_string (*kind));
  return TRUE;
}

/**
 * qdesk_gateway_new:
 * @link: (nullable): a PMG spam report's link, whose address is used
 *   unless --gateway names another
 *
 * A client of @kind, not signed in, with the certificate accepted for it.
 */
QdGateway *
qdesk_gateway_new (QdeskContext   *ctx,
                   QdGatewayKind   kind,
                   const char     *link,
                   GError        **error)
{
  g_autoptr(QdGateway) gateway = NULL;
  g_autofree char *fingerprint = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *timeout = g_getenv ("QD_HTTP_TIMEOUT");

  if (ctx->fingerprint != NULL && kind != QD_GATEWAY_KIND_PMG)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("--accept-fingerprint is for the own certificate of a Proxmox Mail "
                             "Gateway; for this gateway, give its certificate authority with "
                             "--ca-file."));
      return NULL;
    }
  if (kind == QD_GATEWAY_KIND_PMG && link != NULL && !ctx->gateway_given)
    {
      gateway = QD_GATEWAY (qd_pmg_client_new_from_link (link, error));
      if (gateway == NULL ||
          (ctx->ca_file != NULL && ctx->ca_file[0] != '\0' &&
           !qd_pmg_client_set_ca_file (QD_PMG_CLIENT (gateway), ctx->ca_file, error)))
        return NULL;
    }
  else
    {
      if (!qdesk_gateway_is_set (ctx, error))
        return NULL;
      gateway = qd_gateway_new_for_kind (kind, ctx->gateway_url, ctx->ca_file, error);
      if (gateway == NULL)
        return NULL;
    }
  if (QD_IS_CLOUD_CLIENT (gateway))
    qd_cloud_client_set_window_days (QD_CLOUD_CLIENT (gateway),
                                     g_settings_get_uint (ctx->settings, "cloud-window-days"));
  if (kind != QD_GATEWAY_KIND_PMG)
    return g_steal_pointer (&gateway);

  /* The certificate accepted now, else the one accepted at login for this
   * address (a link may name another gateway than the one remembered). */
  if (ctx->fingerprint != NULL)
    fingerprint = g_strdup (ctx->fingerprint);
  else
    {
      g_autofree char *remembered = g_settings_get_string (ctx->settings, "gateway-url");

      if (g_strcmp0 (remembered, qd_gateway_get_base_url (gateway)) == 0)
        fingerprint = g_settings_get_string (ctx->settings, "gateway-fingerprint");
    }
  if (!qd_pmg_client_set_pinned_fingerprint (QD_PMG_CLIENT (gateway), fingerprint, &local_error))
    {
      /* A typing mistake on the command line: a usage error. */
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, local_error->message);
      return NULL;
    }
  if (timeout != NULL)
    qd_pmg_client_set_timeout (QD_PMG_CLIENT (gateway),
                               (guint)g_ascii_strtoull (timeout, NULL, 10));
  return g_steal_pointer (&gateway);
}

/**
 * qdesk_gateway_sign_in:
 * @link: (nullable): sign in with this PMG link instead of @user and @password
 */
QdAccount *
qdesk_gateway_sign_in (QdeskContext  *ctx,
                       QdGateway     *gateway,
                       const char    *user,
                       const char    *password,
                       const char    *link,
                       GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  if (link != NULL)
    {
      QdPmgClient *client = QD_PMG_CLIENT (gateway);

      qd_pmg_client_sign_in_with_link_async (client, link, NULL, qd_async_wait_result_cb,
                                             &result);
      return qd_pmg_client_sign_in_with_link_finish (client, qd_async_wait (&result), error);
    }
  qd_gateway_sign_in_async (gateway, user, password, NULL, qd_async_wait_result_cb, &result);
  return qd_gateway_sign_in_finish (gateway, qd_async_wait (&result), error);
}

static GError *
session_ended_error (QdGateway *gateway)
{
  return g_error_new (QD_ERROR, QD_ERROR_SESSION_EXPIRED,
                      _("Your session with %s has ended. Sign in again: qdesk login --user NAME, "
                        "or qdesk login --link URL with the link of a newer spam report."),
                      qd_gateway_get_base_url (gateway));
}

/* PMG: the ticket kept, renewed by signing in with it (spec §4.6), which
 * also gives the CSRF token that every change needs. */
static gboolean
resume_pmg (QdeskContext  *ctx,
            QdGateway     *gateway,
            GError       **error)
{
  const char *server = qd_gateway_get_base_url (gateway);
  g_autoptr(QdAccount) account = NULL;
  g_autoptr(GError) local_error = NULL;
  char *ticket;

  ticket = qd_pmg_ticket_lookup_sync (server, ctx->username, NULL, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (ticket == NULL)
    {
      g_propagate_error (error, session_ended_error (gateway));
      return FALSE;
    }
  account = qdesk_gateway_sign_in (ctx, gateway, ctx->username, ticket, NULL, &local_error);
  forget_kept_ticket ();
  kept_ticket = g_strdup (ticket);
  qd_secret_free (ticket);
  if (account == NULL)
    {
      if (!g_error_matches (local_error, QD_ERROR, QD_ERROR_AUTH_FAILED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      /* Refused: it was revoked, or the gateway's clock says it ended. */
      qd_pmg_ticket_forget_sync (server, ctx->username, NULL);
      forget_kept_ticket ();
      g_propagate_error (error, session_ended_error (gateway));
      return FALSE;
    }
  qdesk_keep_renewed_ticket (ctx);
  return TRUE;
}

/* The cloud API: the password, sent with every request. */
static gboolean
resume_cloud (QdeskContext  *ctx,
              QdGateway     *gateway,
              GError       **error)
{
  g_autoptr(QdAccount) account = NULL;
  char *password;

  password = qd_keyring_lookup_sync (QD_SECRET_GATEWAY_PASSWORD, qd_gateway_get_base_url (gateway),
                                     ctx->username, error);
  if (password == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, QD_ERROR, QD_ERROR_NOT_SIGNED_IN,
                             _("You are not signed in. Sign in first: "
                               "qdesk login --user NAME"));
      return FALSE;
    }
  account = qdesk_gateway_sign_in (ctx, gateway, ctx->username, password, NULL, error);
  qd_secret_free (password);
  return account != NULL;
}

/**
 * qdesk_connect_gateway:
 * @need_session: whether the command acts as the signed-in user
 *
 * The gateway of the command, of whichever kind, signed in with what the
 * keyring keeps for it.  On failure ctx->gateway is still set when a
 * client was made, so that qdesk_fail_gateway () can say more.
 *
 * Returns: (transfer none) (nullable): ctx->gateway
 */
QdGateway *
qdesk_connect_gateway (QdeskContext  *ctx,
                       gboolean       need_session,
                       GError       **error)
{
  QdGatewayKind kind;
  gboolean ok = TRUE;

  if (ctx->gateway != NULL)
    return ctx->gateway;
  if (!qdesk_gateway_is_set (ctx, error))
    return NULL;
  if (!qdesk_resolve_kind (ctx, &kind, error))
    return NULL;
  if (kind == QD_GATEWAY_KIND_QD)
    {
      g_autoptr(QdApiClient) client = qdesk_connect (ctx, need_session, error);

      return client != NULL ? ctx->gateway : NULL;
    }

  ctx->gateway = qdesk_gateway_new (ctx, kind, NULL, error);
  if (ctx->gateway == NULL)
    return NULL;
  if (need_session)
    {
      if (ctx->username == NULL || ctx->username[0] == '\0')
        {
          g_set_error_literal (error, QD_ERROR, QD_ERROR_NOT_SIGNED_IN,
                               _("You are not signed in. Sign in first: "
                                 "qdesk login --user NAME"));
          return NULL;
        }
      ok = kind == QD_GATEWAY_KIND_PMG ? resume_pmg (ctx, ctx->gateway, error)
                                       : resume_cloud (ctx, ctx->gateway, error);
    }
  return ok ? ctx->gateway : NULL;
}

/**
 * qdesk_keep_renewed_ticket:
 *
 * Keeps PMG's ticket when the client renewed it (at sign-in, and after an
 * hour of a long command), so that the next command goes on with it.
 */
void
qdesk_keep_renewed_ticket (QdeskContext *ctx)
{
  g_autoptr(GError) error = NULL;
  const char *ticket;

  if (ctx->gateway == NULL || !QD_IS_PMG_CLIENT (ctx->gateway) || kept_ticket == NULL)
    return;
  ticket = qd_pmg_client_get_ticket (QD_PMG_CLIENT (ctx->gateway));
  if (ticket == NULL || g_str_equal (ticket, kept_ticket))
    return;
  if (!qd_pmg_ticket_keep_sync (QD_PMG_CLIENT (ctx->gateway), ctx->username, &error))
    g_printerr ("qdesk: %s\n", error->message);
  forget_kept_ticket ();
  kept_ticket = g_strdup (ticket);
}

/**
 * qdesk_fail_gateway:
 *
 * As qdesk_fail (), and for a PMG certificate no authority vouches for,
 * how to accept it.
 */
int
qdesk_fail_gateway (QdeskContext *ctx,
                    const GError *error)
{
  int status = qdesk_fail (error);

  if (g_error_matches (error, QD_ERROR, QD_ERROR_TLS) && ctx->gateway != NULL &&
      QD_IS_PMG_CLIENT (ctx->gateway) &&
      qd_pmg_client_get_pinned_fingerprint (QD_PMG_CLIENT (ctx->gateway)) == NULL)
    {
      g_autofree char *fingerprint =
        qd_pmg_client_dup_peer_fingerprint (QD_PMG_CLIENT (ctx->gateway));

      if (fingerprint != NULL)
        g_printerr (_("qdesk: to accept this certificate, run the command again with "
                      "--accept-fingerprint %s\n"), fingerprint);
    }
  return status;
}

/* A command, option or filter the gateway's kind cannot do: one sentence. */
int
qdesk_cannot (const char *command,
              const char *message)
{
  g_printerr ("qdesk %s: %s\n", command, message);
  return QDESK_EXIT_USAGE;
}
