/* qdesk-session.c — login, logout, info
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "qdesk.h"

char *
qdesk_read_password (gboolean    from_stdin,
                     const char *prompt)
{
  char buffer[1024];
  struct termios saved;
  gboolean echo_off = FALSE;
  char *line;

  if (!from_stdin)
    {
      if (!isatty (STDIN_FILENO))
        return NULL;
      fprintf (stderr, "%s", prompt);
      fflush (stderr);
      if (tcgetattr (STDIN_FILENO, &saved) == 0)
        {
          struct termios quiet = saved;

          quiet.c_lflag &= ~ECHO;
          echo_off = tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
        }
    }
  line = fgets (buffer, sizeof buffer, stdin);
  if (echo_off)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
      fprintf (stderr, "\n");
    }
  if (line == NULL)
    return NULL;
  buffer[strcspn (buffer, "\r\n")] = '\0';
  line = g_strdup (buffer);
  memset (buffer, 0, sizeof buffer);
  return line;
}

/* Signing in to Proxmox Mail Gateway (by password or by a spam report's
 * link) or to the cloud Email Quarantine API.  The keyring keeps PMG's
 * ticket, never its password, and the cloud API's password, which every
 * request sends (docs/keyring.md). */
static int
login_other (QdeskContext  *ctx,
             QdGatewayKind  kind,
             const char    *user,
             gboolean       password_stdin,
             const char    *link)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) keyring_error = NULL;
  g_autoptr(QdAccount) account = NULL;
  g_autofree char *prompt = NULL;
  g_autofree char *fingerprint = NULL;
  char *password = NULL;
  const char *server;
  const char *name;

  ctx->gateway = qdesk_gateway_new (ctx, kind, link, &error);
  if (ctx->gateway == NULL)
    return qdesk_fail (error);
  server = qd_gateway_get_base_url (ctx->gateway);
  if (link == NULL)
    {
      prompt = g_strdup_printf (_("Password for %s at %s: "), user, server);
      password = qdesk_read_password (password_stdin, prompt);
      if (password == NULL || password[0] == '\0')
        {
          g_free (password);
          return qdesk_usage_error ("login", _("no password: type it at the prompt, or pass "
                                               "--password-stdin and write it to standard "
                                               "input"));
        }
    }
  account = qdesk_gateway_sign_in (ctx, ctx->gateway, user, password, link, &error);
  if (account == NULL)
    {
      if (password != NULL)
        memset (password, 0, strlen (password));
      g_free (password);
      return qdesk_fail_gateway (ctx, error);
    }

  /* PMG knows the person by their quarantine address, whatever was typed
   * (an alias, or nothing with a link): its ticket names that one. */
  name = kind == QD_GATEWAY_KIND_PMG ? account->username : user;
  if (kind == QD_GATEWAY_KIND_PMG)
    {
      const char *pin = qd_pmg_client_get_pinned_fingerprint (QD_PMG_CLIENT (ctx->gateway));

      fingerprint = g_strdup (pin != NULL ? pin : "");
      if (qd_pmg_ticket_keep_sync (QD_PMG_CLIENT (ctx->gateway), name, &keyring_error))
        qd_keyring_clear_sync (QD_SECRET_GATEWAY_PASSWORD, server, name, NULL);
    }
  else if (qd_keyring_store_sync (QD_SECRET_GATEWAY_PASSWORD, server, name, password,
                                  &keyring_error))
    qd_keyring_clear_sync (QD_SECRET_GATEWAY_TOKEN, server, name, NULL);
  if (password != NULL)
    memset (password, 0, strlen (password));
  g_free (password);

  g_settings_set_string (ctx->settings, "gateway-url", server);
  g_settings_set_string (ctx->settings, "gateway-kind", qd_gateway_kind_to_string (kind));
  g_settings_set_string (ctx->settings, "gateway-fingerprint",
                         fingerprint != NULL ? fingerprint : "");
  g_settings_set_string (ctx->settings, "username", name);
  g_settings_set_string (ctx->settings, "ca-file", ctx->ca_file != NULL ? ctx->ca_file : "");
  /* Only a kept password signs the window in again by itself. */
  g_settings_set_boolean (ctx->settings, "password-remembered",
                          kind != QD_GATEWAY_KIND_PMG && keyring_error == NULL);
  if (keyring_error != NULL)
    g_printerr (_("qdesk: signed in, but the password could not be kept: %s\n"),
                keyring_error->message);

  g_print (_("Signed in to %s as %s (%s).\n"), server, name,
           account->address != NULL ? account->address : name);
  return QDESK_EXIT_OK;
}

int
qdesk_cmd_login (QdeskContext  *ctx,
                 int            argc,
                 char         **argv)
{
  g_autofree char *user = NULL;
  g_autofree char *link = NULL;
  gboolean password_stdin = FALSE;
  GOptionEntry entries[] = {
    { "user", 'u', 0, G_OPTION_ARG_STRING, &user, N_("User name on the gateway"), N_("NAME") },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
      N_("Read the password from the first line of standard input"), NULL },
    { "link", 0, 0, G_OPTION_ARG_STRING, &link,
      N_("Sign in with the link of a spam report (Proxmox Mail Gateway)"), N_("URL") },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(QdApiClient) client = NULL;
  g_autoptr(QdAccount) account = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *prompt = NULL;
  QdGatewayKind kind = QD_GATEWAY_KIND_PMG;
  char *password;

  if (!qdesk_parse ("login", NULL, entries, &argc, &argv))
    return QDESK_EXIT_USAGE;
  if (link != NULL)
    {
      if (ctx->kind_name != NULL &&
          (!qd_gateway_kind_from_string (ctx->kind_name, &kind) || kind != QD_GATEWAY_KIND_PMG))
        return qdesk_cannot ("login", _("--link: a quarantine link comes from a Proxmox Mail "
                                        "Gateway, so --gateway-kind must be pmg."));
      return login_other (ctx, QD_GATEWAY_KIND_PMG, NULL, FALSE, link);
    }
  if (user == NULL)
    user = g_strdup (ctx->username);
  if (user == NULL || user[0] == '\0')
    return qdesk_usage_error ("login", _("give your user name with --user NAME"));

  if (ctx->gateway_url != NULL && ctx->gateway_url[0] != '\0')
    {
      if (!qdesk_resolve_kind (ctx, &kind, &error))
        return qdesk_fail (error);
      if (kind != QD_GATEWAY_KIND_QD)
        return login_other (ctx, kind, user, password_stdin, NULL);
    }
  client = qdesk_connect (ctx, FALSE, &error);
  if (client == NULL)
    return qdesk_fail (error);

  prompt = g_strdup_printf (_("Password for %s at %s: "), user, qd_api_client_get_base_url (client));
  password = qdesk_read_password (password_stdin, prompt);
  if (password == NULL || password[0] == '\0')
    {
      g_free (password);
      return qdesk_usage_error ("login", _("no password: type it at the prompt, or pass "
                                           "--password-stdin and write it to standard input"));
    }

  qd_api_client_sign_in_async (client, user, password, NULL, qd_async_wait_result_cb, &result);
  account = qd_api_client_sign_in_finish (client, qd_async_wait (&result), &error);
  if (account == NULL)
    {
      memset (password, 0, strlen (password));
      g_free (password);
      return qdesk_fail (error);
    }

  /* Remember where and who; the password goes to the keyring only. */
  g_settings_set_string (ctx->settings, "gateway-url", qd_api_client_get_base_url (client));
  g_settings_set_string (ctx->settings, "username", user);
  g_settings_set_string (ctx->settings, "ca-file", ctx->ca_file != NULL ? ctx->ca_file : "");
  g_settings_set_string (ctx->settings, "gateway-kind",
                         qd_gateway_kind_to_string (QD_GATEWAY_KIND_QD));
  g_settings_set_string (ctx->settings, "gateway-fingerprint", "");
  if (!qd_keyring_store_sync (QD_SECRET_GATEWAY_PASSWORD, qd_api_client_get_base_url (client),
                              user, password, &error))
    g_printerr (_("qdesk: signed in, but the password could not be kept: %s\n"),
                error->message);
  else
    /* The window then opens on the messages, signing in (qd_session_get_remembered). */
    g_settings_set_boolean (ctx->settings, "password-remembered", TRUE);
  memset (password, 0, strlen (password));
  g_free (password);

  g_print (_("Signed in to %s as %s (%s).\n"), qd_api_client_get_base_url (client), user,
           account->address != NULL ? account->address : user);
  return QDESK_EXIT_OK;
}

/* PMG and the cloud API keep no session on the server: signing out is
 * forgetting what the keyring keeps. */
static int
logout_other (QdeskContext  *ctx,
              QdGatewayKind  kind)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  const char *server;

  ctx->gateway = qdesk_gateway_new (ctx, kind, NULL, &error);
  if (ctx->gateway == NULL)
    return qdesk_fail (error);
  server = qd_gateway_get_base_url (ctx->gateway);
  qd_gateway_sign_out_async (ctx->gateway, NULL, qd_async_wait_result_cb, &result);
  qd_gateway_sign_out_finish (ctx->gateway, qd_async_wait (&result), NULL);
  if (!qd_keyring_clear_sync (QD_SECRET_GATEWAY_TOKEN, server, ctx->username, &error) ||
      !qd_keyring_clear_sync (QD_SECRET_GATEWAY_PASSWORD, server, ctx->username, &error))
    return qdesk_fail (error);
  g_settings_set_boolean (ctx->settings, "password-remembered", FALSE);
  if (kind == QD_GATEWAY_KIND_PMG)
    g_print (_("Signed out of %s; the stored session was removed.\n"), server);
  else
    g_print (_("Signed out of %s; the stored password was removed.\n"), server);
  return QDESK_EXIT_OK;
}

int
qdesk_cmd_logout (QdeskContext  *ctx,
                  int            argc,
                  char         **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) keyring_error = NULL;
  g_autoptr(QdApiClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  const char *server;

  QdGatewayKind kind = QD_GATEWAY_KIND_QD;

  if (!qdesk_parse ("logout", NULL, NULL, &argc, &argv))
    return QDESK_EXIT_USAGE;
  if (ctx->gateway_url != NULL && ctx->gateway_url[0] != '\0' &&
      !qdesk_resolve_kind (ctx, &kind, &error))
    return qdesk_fail (error);
  if (kind != QD_GATEWAY_KIND_QD)
    return logout_other (ctx, kind);
  client = qdesk_connect (ctx, TRUE, &error);
  if (client == NULL)
    return qdesk_fail (error);
  server = qd_api_client_get_base_url (client);

  qd_api_client_set_renew_from_keyring (client, FALSE);
  qd_api_client_sign_out_async (client, NULL, qd_async_wait_result_cb, &result);
  if (!qd_api_client_sign_out_finish (client, qd_async_wait (&result), &error))
    g_printerr (_("qdesk: the gateway did not confirm the sign-out (%s); the session is "
                  "forgotten here anyway.\n"), error->message);

  /* Forget the secrets whatever the gateway said. */
  if (!qd_keyring_clear_sync (QD_SECRET_GATEWAY_TOKEN, server, ctx->username, &keyring_error) ||
      !qd_keyring_clear_sync (QD_SECRET_GATEWAY_PASSWORD, server, ctx->username, &keyring_error))
    return qdesk_fail (keyring_error);
  g_settings_set_boolean (ctx->settings, "password-remembered", FALSE);
  g_print (_("Signed out of %s; the stored password was removed.\n"), server);
  return QDESK_EXIT_OK;
}

/* Other kinds announce none of our API's rules: what they are, and where. */
static int
info_other (QdeskContext  *ctx,
            QdGatewayKind  kind)
{
  g_autoptr(GError) error = NULL;
  const char *name = kind == QD_GATEWAY_KIND_PMG ? _("Proxmox Mail Gateway")
                                                 : _("Email Quarantine API (cloud)");

  ctx->gateway = qdesk_gateway_new (ctx, kind, NULL, &error);
  if (ctx->gateway == NULL)
    return qdesk_fail (error);
  if (ctx->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      qd_json_builder_add_string (builder, "gateway_kind", qd_gateway_kind_to_string (kind));
      qd_json_builder_add_string (builder, "gateway_name", name);
      qd_json_builder_add_string (builder, "address", qd_gateway_get_base_url (ctx->gateway));
      json_builder_end_object (builder);
      qdesk_print_json (builder);
      return QDESK_EXIT_OK;
    }
  g_print (_("Gateway:            %s %s\n"), name, "");
  g_print (_("Address:            %s\n"), qd_gateway_get_base_url (ctx->gateway));
  return QDESK_EXIT_OK;
}

int
qdesk_cmd_info (QdeskContext  *ctx,
                int            argc,
                char         **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdApiClient) client = NULL;
  g_autoptr(QdGatewayInfo) info = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *size = NULL;

  QdGatewayKind kind = QD_GATEWAY_KIND_QD;

  if (!qdesk_parse ("info", NULL, NULL, &argc, &argv))
    return QDESK_EXIT_USAGE;
  if (ctx->gateway_url != NULL && ctx->gateway_url[0] != '\0' &&
      !qdesk_resolve_kind (ctx, &kind, &error))
    return qdesk_fail (error);
  if (kind != QD_GATEWAY_KIND_QD)
    return info_other (ctx, kind);
  client = qdesk_connect (ctx, FALSE, &error);
  if (client == NULL)
    return qdesk_fail (error);
  qd_api_client_get_info_async (client, NULL, qd_async_wait_result_cb, &result);
  info = qd_api_client_get_info_finish (client, qd_async_wait (&result), &error);
  if (info == NULL)
    return qdesk_fail (error);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      qd_json_builder_add_string (builder, "gateway_name", info->gateway_name);
      qd_json_builder_add_string (builder, "gateway_version", info->gateway_version);
      qd_json_builder_add_string (builder, "submission_address", info->submission_address);
      json_builder_set_member_name (builder, "max_message_bytes");
      json_builder_add_int_value (builder, info->max_message_bytes);
      json_builder_set_member_name (builder, "max_sample_age_days");
      json_builder_add_int_value (builder, info->max_sample_age_days);
      qd_json_builder_add_string (builder, "smtp_host", info->smtp_host);
      json_builder_set_member_name (builder, "smtp_port");
      json_builder_add_int_value (builder, info->smtp_port);
      qd_json_builder_add_string (builder, "smtp_security", info->smtp_security);
      json_builder_set_member_name (builder, "max_batch_ids");
      json_builder_add_int_value (builder, info->max_batch_ids);
      json_builder_end_object (builder);
      qdesk_print_json (builder);
      return QDESK_EXIT_OK;
    }

  size = qd_format_size (info->max_message_bytes);
  g_print (_("Gateway:            %s %s\n"), info->gateway_name ? info->gateway_name : "—",
           info->gateway_version ? info->gateway_version : "");
  g_print (_("Address:            %s\n"), qd_api_client_get_base_url (client));
  g_print (_("Report spam to:     %s\n"),
           info->submission_address ? info->submission_address : _("(not announced)"));
  g_print (_("Submission limit:   under %s per message, samples at most %u days old\n"),
           size, info->max_sample_age_days);
  if (info->smtp_host != NULL)
    g_print (_("Submission server:  %s:%u (%s)\n"), info->smtp_host, info->smtp_port,
             info->smtp_security);
  g_print (_("Largest batch:      %u messages per request\n"), info->max_batch_ids);
  return QDESK_EXIT_OK;
}
