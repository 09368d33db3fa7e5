/* qdesk-main.c — qdesk, the command-line front end of libqd-core
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "qdesk.h"

static const struct {
  const char   *name;
  QdeskCommand  run;
  gboolean      json;   /* writes JSON with --json */
} commands[] = {
  { "login", qdesk_cmd_login, FALSE },
  { "logout", qdesk_cmd_logout, FALSE },
  { "info", qdesk_cmd_info, TRUE },
  { "list", qdesk_cmd_list, TRUE },
  { "show", qdesk_cmd_show, FALSE },
  { "release", qdesk_cmd_action, FALSE },
  { "move-to-inbox", qdesk_cmd_action, FALSE },
  { "delete", qdesk_cmd_action, FALSE },
  { "block-sender", qdesk_cmd_action, FALSE },
  { "senders", qdesk_cmd_senders, TRUE },
  { "check", qdesk_cmd_check, TRUE },
  { "submit", qdesk_cmd_submit, FALSE },
  { "history", qdesk_cmd_history, TRUE },
  { "recheck", qdesk_cmd_recheck, TRUE },
  { "report", qdesk_cmd_report, FALSE },
  { "mailbox", qdesk_cmd_mailbox, TRUE },
};

static void
print_help (FILE *out)
{
  fprintf (out, "%s",
           _("Usage: qdesk [--gateway URL] [--ca-file FILE] [--json] COMMAND [OPTIONS]\n"
             "\n"
             "Commands:\n"
             "  login --user NAME [--password-stdin]   sign in and remember the gateway\n"
             "  logout                                 sign out and forget the password\n"
             "  info [--json]                          what the gateway is and its rules\n"
             "  list [FILTERS] [--limit N | --all] [--json]\n"
             "                                         held messages\n"
             "  show ID [--raw]                        headers and text of a message\n"
             "  release [--approve-sender] ID...       deliver to your inbox\n"
             "  release --all-matching FILTERS         …every message matching the filters\n"
             "  move-to-inbox ID...                    move out of Junk\n"
             "  delete ID...                           delete for good\n"
             "  block-sender ID...                     block the senders and delete\n"
             "  senders approved|blocked [add ADDR | remove ADDR] [--json]\n"
             "                                         your sender lists\n"
             "  check FILE [--json]                    is this message classified as spam?\n"
             "  submit [--dry-run] [--output DIR] [--yes] [--to ADDR] [--from ADDR]\n"
             "         [--smtp-server HOST:PORT] [--smtp-security none|starttls|tls]\n"
             "         [--smtp-user NAME] FILE...|-\n"
             "                                         report missed spam (original .eml\n"
             "                                         files); without FILE, send what\n"
             "                                         waits in the outbox\n"
             "  history [--json]                       reported samples and their status\n"
             "  recheck [--all | SHA256...] [--json]   are they classified as spam now?\n"
             "                                         (without SHA256: those due)\n"
             "  report SHA256...                       text for support about samples\n"
             "                                         still missed after 24 hours\n"
             "  mailbox login --imap HOST:PORT --security none|starttls|tls --user NAME\n"
             "          [--password-stdin]             connect your own mailbox (IMAP)\n"
             "  mailbox list [--folder junk|inbox] [FILTERS] [--limit N | --all] [--json]\n"
             "                                         messages in your mailbox’s Junk\n"
             "  mailbox move-to-inbox --uidvalidity N UID... | --all-matching FILTERS\n"
             "                                         move out of your mailbox’s Junk\n"
             "  mailbox report UID... [--folder inbox|junk] [--uidvalidity N]\n"
             "          [--move-to-junk] [the options of submit]\n"
             "                                         report missed spam from your mailbox\n"
             "                                         (INBOX by default) as submit does;\n"
             "                                         --move-to-junk: then into Junk\n"
             "  mailbox logout                         forget the mailbox and its password\n"
             "SHA256: at least its first 8 digits, as “qdesk history” shows them.\n"
             "\n"
             "Filters: --folder quarantine|junk --reason R[,R] --category C[,C]\n"
             "         --since TIME --until TIME --search TEXT\n"
             "Times are ISO 8601 or local “YYYY-MM-DD HH:MM”.\n"
             "\n"
             "Exit status: 0 success, 1 some messages failed, 2 usage error,\n"
             "3 sign-in or session problem, 4 network or certificate problem.\n"));
  fprintf (out, "\n%s",
           _("Gateways: --gateway-kind qd|pmg|symantec says which kind the gateway is\n"
             "(Quarantine Desk, Proxmox Mail Gateway, the cloud Email Quarantine API);\n"
             "without it, the kind login found is used. --accept-fingerprint SHA256\n"
             "accepts a Proxmox Mail Gateway’s own certificate. “login --link URL”\n"
             "signs in with the link of a Proxmox Mail Gateway spam report.\n"));
}

/* What the gateway's kind cannot do is a usage error: see qdesk_connect (). */
static gboolean
is_not_for_this_kind (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
}

/**
 * qdesk_exit_status:
 *
 * The exit status an error stands for, as qdesk_fail() maps them, for a
 * command that reports several errors and exits with the worst.
 */
int
qdesk_exit_status (const GError *error)
{
  if (is_not_for_this_kind (error))
    return QDESK_EXIT_USAGE;
  if (error->domain != QD_ERROR)
    return QDESK_EXIT_PARTIAL;
  switch (error->code)
    {
    case QD_ERROR_AUTH_FAILED:
    case QD_ERROR_SESSION_EXPIRED:
    case QD_ERROR_NOT_SIGNED_IN:
    case QD_ERROR_RATE_LIMITED:
      return QDESK_EXIT_SESSION;
    case QD_ERROR_NETWORK:
    case QD_ERROR_TLS:
    case QD_ERROR_INSECURE_URL:
      return QDESK_EXIT_NETWORK;
    default:
      return QDESK_EXIT_PARTIAL;
    }
}

int
qdesk_fail (const GError *error)
{
  g_printerr ("qdesk: %s\n", error->message);
  return qdesk_exit_status (error);
}

int
qdesk_usage_error (const char *command,
                   const char *message)
{
  g_printerr ("qdesk %s: %s\n", command, message);
  g_printerr (_("Run “qdesk --help” for the commands and their options.\n"));
  return QDESK_EXIT_USAGE;
}

gboolean
qdesk_parse (const char    *command,
             const char    *parameters,
             GOptionEntry  *entries,
             int           *argc,
             char        ***argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameters);
  g_autoptr(GError) error = NULL;
  /* take_global_options() has already taken --json out of argv, before or
   * after the command, into QdeskContext.json: this entry only lists it in
   * the --help of the commands that write JSON. */
  gboolean json_listed = FALSE;
  GOptionEntry json_entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json_listed, N_("Write JSON"), NULL },
    { NULL }
  };

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (command, commands[i].name) && commands[i].json)
      g_option_context_add_main_entries (context, json_entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      qdesk_usage_error (command, error->message);
      return FALSE;
    }
  return TRUE;
}

static void
token_changed_cb (QdApiClient *client,
                  gpointer     user_data)
{
  g_autoptr(GError) error = NULL;
  const char *token = qd_api_client_get_token (client);
  const char *user = qd_api_client_get_username (client);
  const char *server = qd_api_client_get_base_url (client);

  /* The token is a secret too: the keyring, never a file. */
  if (user == NULL)
    return;
  if (token != NULL)
    qd_keyring_store_sync (QD_SECRET_GATEWAY_TOKEN, server, user, token, &error);
  else
    qd_keyring_clear_sync (QD_SECRET_GATEWAY_TOKEN, server, user, &error);
  if (error != NULL)
    g_printerr ("qdesk: %s\n", error->message);
}

/**
 * qdesk_connect:
 * @need_session: whether the command acts as the signed-in user
 *
 * A client for the configured gateway, with the stored session.  For a
 * gateway of another kind, the error (G_IO_ERROR_NOT_SUPPORTED, a usage
 * error) says that the command needs ours.
 */
QdApiClient *
qdesk_connect (QdeskContext  *ctx,
               gboolean       need_session,
               GError       **error)
{
  g_autoptr(QdApiClient) client = NULL;
  const char *timeout = g_getenv ("QD_HTTP_TIMEOUT");
  QdGatewayKind kind;

  if (!qdesk_gateway_is_set (ctx, error))
    return NULL;
  if (!qdesk_resolve_kind (ctx, &kind, error))
    return NULL;
  if (kind != QD_GATEWAY_KIND_QD)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           kind == QD_GATEWAY_KIND_PMG
                           ? _("Proxmox Mail Gateway cannot do this: it needs a Quarantine Desk "
                               "gateway.")
                           : _("The cloud Email Quarantine API cannot do this: it needs a "
                               "Quarantine Desk gateway."));
      return NULL;
    }
  if (ctx->client != NULL)
    return g_object_ref (ctx->client);
  client = qd_api_client_new (ctx->gateway_url, error);
  if (client == NULL || !qd_api_client_set_ca_file (client, ctx->ca_file, error))
    return NULL;
  if (timeout != NULL)
    qd_api_client_set_timeout (client, (guint)g_ascii_strtoull (timeout, NULL, 10));

  if (need_session)
    {
      g_autoptr(GAsyncResult) lookup_result = NULL;
      g_autoptr(GAsyncResult) info_result = NULL;
      g_autoptr(GError) local_error = NULL;
      char *token = NULL;

      if (ctx->username == NULL || ctx->username[0] == '\0')
        {
          g_set_error_literal (error, QD_ERROR, QD_ERROR_NOT_SIGNED_IN,
                               _("You are not signed in. Sign in first: "
                                 "qdesk login --user NAME"));
          return NULL;
        }
      qd_api_client_set_username (client, ctx->username);
      /* The keyring answers after a few D-Bus round trips and a key
       * exchange: a command that needs /info (which is public) asks for it
       * meanwhile, and the connection that opens serves its next requests:
       * qdesk list asks for its first page 2 ms after the keyring answers
       * instead of 5–7 ms (docs/performance.md). */
      if (ctx->want_info)
        qd_api_client_get_info_async (client, NULL, qd_async_wait_result_cb, &info_result);
      qd_keyring_lookup_async (QD_SECRET_GATEWAY_TOKEN, qd_api_client_get_base_url (client),
                               ctx->username, NULL, qd_async_wait_result_cb, &lookup_result);
      token = qd_keyring_lookup_finish (qd_async_wait (&lookup_result), &local_error);
      if (ctx->want_info)
        {
          g_autoptr(QdGatewayInfo) info = NULL;
          g_autoptr(GError) info_error = NULL;

          /* Cached in the client. Without it the command asks again, as
           * it would have; but a gateway that cannot be reached is said
           * at once, as the command's first request would say it. */
          info = qd_api_client_get_info_finish (client, qd_async_wait (&info_result),
                                                &info_error);
          if (info == NULL && local_error == NULL &&
              (g_error_matches (info_error, QD_ERROR, QD_ERROR_NETWORK) ||
               g_error_matches (info_error, QD_ERROR, QD_ERROR_TLS) ||
               g_error_matches (info_error, QD_ERROR, QD_ERROR_INSECURE_URL)))
            local_error = g_steal_pointer (&info_error);
        }
      if (local_error != NULL)
        {
          if (token != NULL)
            qd_secret_free (token);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      qd_api_client_set_token (client, token);
      if (token != NULL)
        qd_secret_free (token);
    }
  g_signal_connect (client, "token-changed", G_CALLBACK (token_changed_cb), NULL);
  ctx->client = g_object_ref (client);
  g_set_object (&ctx->gateway, QD_GATEWAY (client));
  return g_steal_pointer (&client);
}

void
qdesk_print_json (JsonBuilder *builder)
{
  g_autofree char *json = qd_json_to_string (builder, TRUE);

  g_print ("%s\n", json);
}

char *
qdesk_format_time (GDateTime *time)
{
  return qd_format_local_time (time, "%Y-%m-%d %H:%M");
}

/**
 * qdesk_fit:
 *
 * @text cut or padded to @columns terminal cells; wide (CJK) characters
 * take two.
 */
static guint
cell_width (gunichar c)
{
  return g_unichar_iswide (c) ? 2 : g_unichar_iszerowidth (c) ? 0 : 1;
}

char *
qdesk_fit (const char *text,
           guint       columns)
{
  g_autofree char *safe = qd_text_make_safe (text != NULL ? text : "", -1);
  GString *out = g_string_new (NULL);
  guint total = 0;
  guint width = 0;

  g_strdelimit (safe, "\n\t", ' ');
  for (const char *p = safe; *p; p = g_utf8_next_char (p))
    total += cell_width (g_utf8_get_char (p));

  for (const char *p = safe; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      /* Too long: keep one cell for the ellipsis. */
      if (total > columns && width + cell_width (c) > columns - 1)
        {
          g_string_append (out, "…");
          width++;
          break;
        }
      g_string_append_unichar (out, c);
      width += cell_width (c);
    }
  for (; width < columns; width++)
    g_string_append_c (out, ' ');
  return g_string_free (out, FALSE);
}

/* --gateway, --ca-file, --gateway-kind, --accept-fingerprint and --json
 * may stand before or after the command. */
static void
take_global_options (QdeskContext  *ctx,
                     int           *argc,
                     char         **argv)
{
  int out = 1;

  for (int i = 1; i < *argc; i++)
    {
      const char *names[] = { "--gateway", "--ca-file", "--gateway-kind",
                              "--accept-fingerprint" };
      char **targets[] = { &ctx->gateway_url, &ctx->ca_file, &ctx->kind_name,
                           &ctx->fingerprint };
      gboolean taken = FALSE;

      if (g_str_equal (argv[i], "--json"))
        {
          ctx->json = TRUE;
          continue;
        }
      for (guint n = 0; n < G_N_ELEMENTS (names); n++)
        {
          gsize len = strlen (names[n]);

          if (g_str_equal (argv[i], names[n]) && i + 1 < *argc)
            {
              g_free (*targets[n]);
              *targets[n] = g_strdup (argv[++i]);
              taken = TRUE;
            }
          else if (strncmp (argv[i], names[n], len) == 0 && argv[i][len] == '=')
            {
              g_free (*targets[n]);
              *targets[n] = g_strdup (argv[i] + len + 1);
              taken = TRUE;
            }
        }
      if (!taken)
        argv[out++] = argv[i];
      else if (ctx->gateway_url != NULL && !ctx->gateway_given)
        ctx->gateway_given = TRUE;
    }
  argv[out] = NULL;
  *argc = out;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GSettingsSchema) schema = NULL;
  QdeskContext ctx = { 0 };
  const char *command;
  gboolean found = FALSE;
  int status = QDESK_EXIT_USAGE;

  setlocale (LC_ALL, "");
  /* QD_LOCALEDIR lets an uninstalled build (tests, the demo) use its own catalogs. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("QD_LOCALEDIR") ? g_getenv ("QD_LOCALEDIR")
                                                              : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  qd_mail_init ();

  /* qdesk_resolve_kind () asks the gateway's kind in a process of its own. */
  if (qd_gateway_detect_kind_run_child (argc, argv, &status))
    return status;
  take_global_options (&ctx, &argc, argv);
  if (argc < 2)
    {
      print_help (stderr);
      return QDESK_EXIT_USAGE;
    }
  command = argv[1];
  if (g_str_equal (command, "--help") || g_str_equal (command, "-h") ||
      g_str_equal (command, "help"))
    {
      print_help (stdout);
      return QDESK_EXIT_OK;
    }

  schema = g_settings_schema_source_lookup (g_settings_schema_source_get_default (),
                                            APPLICATION_ID, TRUE);
  if (schema == NULL)
    {
      g_printerr (_("qdesk: the settings schema %s is not installed. Install Quarantine Desk, "
                    "or set GSETTINGS_SCHEMA_DIR to the build's data directory.\n"),
                  APPLICATION_ID);
      return QDESK_EXIT_USAGE;
    }
  ctx.settings = g_settings_new (APPLICATION_ID);
  if (ctx.gateway_url == NULL)
    ctx.gateway_url = g_settings_get_string (ctx.settings, "gateway-url");
  if (ctx.ca_file == NULL)
    ctx.ca_file = g_settings_get_string (ctx.settings, "ca-file");
  ctx.username = g_settings_get_string (ctx.settings, "username");

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (command, commands[i].name))
      {
        found = TRUE;
        if (ctx.json && !commands[i].json)
          {
            status = qdesk_usage_error (command, _("--json: this command does not write JSON"));
            break;
          }
        /* The command's options are parsed with the command as argv[0]. */
        status = commands[i].run (&ctx, argc - 1, argv + 1);
        break;
      }
  if (!found)
    {
      g_printerr (_("qdesk: unknown command “%s”\n"), command);
      print_help (stderr);
    }

  qdesk_keep_renewed_ticket (&ctx);
  g_settings_sync ();
  g_clear_object (&ctx.gateway);
  g_clear_object (&ctx.client);
  g_clear_object (&ctx.settings);
  g_free (ctx.gateway_url);
  g_free (ctx.ca_file);
  g_free (ctx.kind_name);
  g_free (ctx.fingerprint);
  g_free (ctx.username);
  return status;
}
