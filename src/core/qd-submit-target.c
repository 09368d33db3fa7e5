/* qd-submit-target.c — one rule for the CLI and the window
 *
 * What is already in @target (a command-line option) wins; then the
 * settings; then what the gateway announces in /info; then the defaults.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-error.h"
#include "qd-submit-target.h"

void
qd_submit_target_clear (QdSubmitTarget *target)
{
  g_clear_pointer (&target->from, g_free);
  g_clear_pointer (&target->to, g_free);
  g_clear_pointer (&target->host, g_free);
  g_clear_pointer (&target->security, g_free);
  g_clear_pointer (&target->user, g_free);
}

static void
take_setting (char      **field,
              GSettings  *settings,
              const char *key)
{
  g_autofree char *value = NULL;

  if (*field != NULL || settings == NULL)
    return;
  value = g_settings_get_string (settings, key);
  if (value[0] != '\0')
    *field = g_steal_pointer (&value);
}

/**
 * qd_submit_target_resolve:
 * @settings: (nullable): the application's settings
 * @info: (nullable): the gateway's /info, when signed in
 * @account_address: (nullable): the signed-in user's address
 *
 * Fills in what @target leaves open. Fails when the submission address or
 * the sender is still unknown; a missing SMTP server is left for the
 * caller to report, since a dry run needs none.
 */
gboolean
qd_submit_target_resolve (QdSubmitTarget  *target,
                          GSettings       *settings,
                          QdGatewayInfo   *info,
                          const char      *account_address,
                          GError         **error)
{
  gboolean host_given = target->host != NULL;

  take_setting (&target->to, settings, "submission-address");
  take_setting (&target->host, settings, "smtp-host");
  if (target->host != NULL && !host_given && target->port == 0 && settings != NULL)
    target->port = (guint16)g_settings_get_int (settings, "smtp-port");
  take_setting (&target->security, settings, "smtp-security");
  take_setting (&target->user, settings, "smtp-user");

  if (target->from == NULL)
    target->from = g_strdup (account_address);
  if (info != NULL)
    {
      if (target->to == NULL)
        target->to = g_strdup (info->submission_address);
      /* The gateway's own intake, with its own security, unless told otherwise. */
      if (target->host == NULL && info->smtp_host != NULL)
        {
          target->host = g_strdup (info->smtp_host);
          target->port = info->smtp_port;
          if (target->security == NULL)
            target->security = g_strdup (info->smtp_security);
        }
    }
  if (target->security == NULL)
    target->security = g_strdup ("starttls");

  if (target->to == NULL)
    {
      g_set_error_literal (error, QD_ERROR, QD_ERROR_INVALID_INPUT,
                           _("There is no address to report spam to. Sign in to a gateway "
                             "that announces one, or set it in Preferences."));
      return FALSE;
    }
  if (target->from == NULL)
    {
      g_set_error_literal (error, QD_ERROR, QD_ERROR_NOT_SIGNED_IN,
                           _("Your own address is unknown. Sign in to the gateway first."));
      return FALSE;
    }
  return TRUE;
}

/**
 * qd_submit_target_new_client:
 *
 * An SMTP client for the target's server, without credentials: the
 * password comes from the keyring, asynchronously in the window.
 */
QdSmtpClient *
qd_submit_target_new_client (const QdSubmitTarget  *target,
                             const char            *ca_file,
                             GError               **error)
{
  g_autoptr(QdSmtpClient) client = NULL;
  const char *timeout = g_getenv ("QD_SMTP_TIMEOUT");
  QdSmtpSecurity security;

  if (target->host == NULL)
    {
      g_set_error_literal (error, QD_ERROR, QD_ERROR_INVALID_INPUT,
                           _("There is no mail server to send the report through. Set one in "
                             "Preferences, or sign in to a gateway that announces one."));
      return NULL;
    }
  if (!qd_smtp_security_from_string (target->security, &security))
    {
      g_set_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT,
                   _("“%s” is not a connection security: use none, starttls or tls."),
                   target->security);
      return NULL;
    }
  client = qd_smtp_client_new (target->host, target->port, security, error);
  if (client == NULL)
    return NULL;
  if (ca_file != NULL && ca_file[0] != '\0')
    qd_smtp_client_set_ca_file (client, ca_file);
  if (timeout != NULL)
    qd_smtp_client_set_timeout (client, (guint)g_ascii_strtoull (timeout, NULL, 10));
  return g_steal_pointer (&client);
}
