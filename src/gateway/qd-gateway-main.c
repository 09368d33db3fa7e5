/* qd-gateway-main.c — the reference gateway's command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "qd-gw-bench-seed.h"
#include "qd-gw-demo.h"
#include "qd-gw-gateway.h"
#include "qd-gw-ingest-server.h"
#include "qd-gw-server.h"
#include "qd-gw-smtp.h"
#include "qd-types.h"

static const char usage[] =
  "Usage:\n"
  "  qd-gateway serve --data DIR --listen HOST:PORT [--smtp-listen HOST:PORT] [--rspamd URL]\n"
  "                   [--tls-cert FILE --tls-key FILE] [--name NAME] [--submission-address ADDR]\n"
  "                   [--session-ttl SECONDS] [--max-batch N] [--max-page-size N]\n"
  "                   [--spam-threshold X] [--relay HOST:PORT]\n"
  "                   [--ingest-listen HOST:PORT --ingest-secret-file FILE]\n"
  "                   [--max-ingest-bytes N]\n"
  "                   [--ready-file FILE] [--timing-log FILE]\n"
  "  qd-gateway user add --data DIR NAME --address ADDR [--display-name NAME]\n"
  "                   (the password is the first line of standard input)\n"
  "  qd-gateway ingest --data DIR --user NAME --folder quarantine|junk --reason REASON\n"
  "                   [--category CATEGORY] [--received ISO8601] [--policy-rule TEXT]\n"
  "                   [--score X] [--envelope-sender ADDR] FILE...\n"
  "  qd-gateway seed-demo --data DIR [--count N] [--samples DIR]\n"
  "  qd-gateway seed-bench --data DIR --count N [--user NAME]\n"
  "                   (benchmarks only: user NAME, default “bench”, password the same)\n"
  "  qd-gateway submissions --data DIR --json\n";

static int
fail_usage (const char *message)
{
  if (message != NULL)
    g_printerr ("qd-gateway: %s\n", message);
  g_printerr ("%s", usage);
  return 2;
}

static int
fail (const GError *error)
{
  g_printerr ("qd-gateway: %s\n", error->message);
  return 1;
}

/* Every command takes --data, into @data_dir, besides its own @entries. */
static gboolean
parse_options (GOptionEntry  *entries,
               char         **data_dir,
               int           *argc,
               char        ***argv,
               GError       **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  GOptionEntry data_entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, data_dir, "Data directory", "DIR" },
    { NULL }
  };

  g_option_context_set_help_enabled (context, TRUE);
  g_option_context_add_main_entries (context, data_entries, NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  return g_option_context_parse (context, argc, argv, error);
}

static gboolean
split_host_port (const char  *text,
                 char       **host,
                 guint16     *port)
{
  const char *colon = text != NULL ? strrchr (text, ':') : NULL;
  guint64 value;

  if (colon == NULL || colon == text ||
      !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &value, NULL))
    return FALSE;
  *host = g_strndup (text, colon - text);
  if ((*host)[0] == '[')
    {
      /* [::1]:8080 */
      char *inner = g_strndup (*host + 1, strlen (*host) - 2);

      g_free (*host);
      *host = inner;
    }
  *port = value;
  return TRUE;
}

static void
replace_string (char       **field,
                const char  *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

static QdGwGateway *
open_gateway (QdGwConfig  *config,
              const char  *data_dir,
              GError     **error)
{
  config->data_dir = g_strdup (data_dir);
  return qd_gw_gateway_new (config, error);
}

/* The gateway in @data_dir as the commands other than serve open it:
 * with the default settings. */
static QdGwGateway *
open_default_gateway (const char  *data_dir,
                      GError     **error)
{
  QdGwConfig config;

  qd_gw_config_init (&config);
  return open_gateway (&config, data_dir, error);
}

/* serve */

typedef struct
{
  GMainLoop   *loop;
  QdGwGateway *gateway;
} ServeState;

static gboolean
quit_cb (gpointer user_data)
{
  ServeState *state = user_data;

  g_main_loop_quit (state->loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
purge_cb (gpointer user_data)
{
  ServeState *state = user_data;
  guint purged = qd_gw_gateway_purge_expired (state->gateway);

  if (purged > 0)
    g_message ("purged %u expired items", purged);
  return G_SOURCE_CONTINUE;
}

static gboolean
deliver_submission (const QdGwSmtpEnvelope  *envelope,
                    char                   **reply,
                    gpointer                 user_data)
{
  QdGwGateway *gateway = user_data;
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  if (!qd_gw_gateway_receive_submission (gateway, envelope->mail_from,
                                         envelope->recipients[0], envelope->data, &id, &error))
    {
      g_warning ("cannot store a submission: %s", error->message);
      *reply = g_strdup ("451 4.3.0 Local error storing the message, try again later");
      return FALSE;
    }
  *reply = g_strdup_printf ("queued as %" G_GINT64_FORMAT, id);
  return TRUE;
}

static gboolean
write_ready_file (const char  *path,
                  const char  *url,
                  guint16      http_port,
                  guint16      smtp_port,
                  guint16      ingest_port,
                  GError     **error)
{
  g_autofree char *json = NULL;
  g_autofree char *smtp = smtp_port != 0 ? g_strdup_printf ("%u", smtp_port) : g_strdup ("null");
  g_autofree char *ingest = ingest_port != 0 ? g_strdup_printf ("%u", ingest_port)
                                             : g_strdup ("null");

  json = g_strdup_printf ("{\"url\": \"%s\", \"http_port\": %u, \"smtp_port\": %s, "
                          "\"ingest_port\": %s}\n", url, http_port, smtp, ingest);
  return g_file_set_contents (path, json, -1, error);
}

static int
cmd_serve (int    argc,
           char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *smtp_listen = NULL;
  g_autofree char *rspamd = NULL;
  g_autofree char *tls_cert = NULL;
  g_autofree char *tls_key = NULL;
  g_autofree char *name = NULL;
  g_autofree char *submission_address = NULL;
  g_autofree char *ready_file = NULL;
  g_autofree char *timing_log = NULL;
  g_autofree char *relay = NULL;
  g_autofree char *host = NULL;
  g_autofree char *smtp_host = NULL;
  g_autofree char *relay_host = NULL;
  g_autofree char *url = NULL;
  g_autofree char *ingest_listen = NULL;
  g_autofree char *ingest_secret_file = NULL;
  g_autofree char *ingest_host = NULL;
  gint64 max_ingest_bytes = QD_GW_INGEST_DEFAULT_MAX_BYTES;
  guint16 ingest_port = 0;
  guint16 bound_ingest_port = 0;
  int session_ttl = 0;
  int max_batch = 0;
  int max_page_size = 0;
  double spam_threshold = 0;
  guint16 port = 0;
  guint16 smtp_port = 0;
  guint16 relay_port = 0;
  guint16 bound_port = 0;
  guint16 bound_smtp_port = 0;
  GOptionEntry entries[] = {
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, "HTTP address", "HOST:PORT" },
    { "smtp-listen", 0, 0, G_OPTION_ARG_STRING, &smtp_listen, "Submission intake", "HOST:PORT" },
    { "rspamd", 0, 0, G_OPTION_ARG_STRING, &rspamd, "rspamd's base URL", "URL" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert, "PEM certificate", "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key, "PEM private key", "FILE" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, "Gateway name", "NAME" },
    { "submission-address", 0, 0, G_OPTION_ARG_STRING, &submission_address,
      "Where missed spam is submitted", "ADDR" },
    { "session-ttl", 0, 0, G_OPTION_ARG_INT, &session_ttl, "Session lifetime", "SECONDS" },
    { "max-batch", 0, 0, G_OPTION_ARG_INT, &max_batch, "Most ids per action", "N" },
    { "max-page-size", 0, 0, G_OPTION_ARG_INT, &max_page_size, "Most items per page", "N" },
    { "spam-threshold", 0, 0, G_OPTION_ARG_DOUBLE, &spam_threshold, "Spam score", "X" },
    { "relay", 0, 0, G_OPTION_ARG_STRING, &relay,
      "Mail-system mode: released mail goes to this SMTP server", "HOST:PORT" },
    { "ready-file", 0, 0, G_OPTION_ARG_FILENAME, &ready_file, "Written when listening", "FILE" },
    { "timing-log", 0, 0, G_OPTION_ARG_FILENAME, &timing_log, "Time per request (benchmarks)",
      "FILE" },
    { "ingest-listen", 0, 0, G_OPTION_ARG_STRING, &ingest_listen,
      "rspamd's listener (held copies, sender maps)", "HOST:PORT" },
    { "ingest-secret-file", 0, 0, G_OPTION_ARG_FILENAME, &ingest_secret_file,
      "rspamd's secret, first line", "FILE" },
    { "max-ingest-bytes", 0, 0, G_OPTION_ARG_INT64, &max_ingest_bytes,
      "Largest message from rspamd", "N" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(QdGwGateway) gateway = NULL;
  g_autoptr(QdGwServer) server = NULL;
  g_autoptr(QdGwSmtpServer) smtp = NULL;
  g_autoptr(QdGwIngestServer) ingest = NULL;
  g_autofree char *ingest_secret = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  QdGwConfig config;
  ServeState state;

  if (!parse_options (entries, &data_dir, &argc, &argv, &error))
    return fail_usage (error->message);
  if (data_dir == NULL || listen == NULL)
    return fail_usage ("serve needs --data and --listen");
  if (!split_host_port (listen, &host, &port))
    return fail_usage ("--listen must be HOST:PORT");
  if (smtp_listen != NULL && !split_host_port (smtp_listen, &smtp_host, &smtp_port))
    return fail_usage ("--smtp-listen must be HOST:PORT");
  if (relay != NULL && (!split_host_port (relay, &relay_host, &relay_port) || relay_port == 0))
    return fail_usage ("--relay must be HOST:PORT");
  if ((tls_cert == NULL) != (tls_key == NULL))
    return fail_usage ("--tls-cert and --tls-key go together");
  if (ingest_listen != NULL && !split_host_port (ingest_listen, &ingest_host, &ingest_port))
    return fail_usage ("--ingest-listen must be HOST:PORT");
  if ((ingest_listen == NULL) != (ingest_secret_file == NULL))
    return fail_usage ("--ingest-listen and --ingest-secret-file go together");
  if (max_ingest_bytes <= 0)
    return fail_usage ("--max-ingest-bytes must be a positive number");
  if (ingest_secret_file != NULL)
    {
      ingest_secret = qd_gw_ingest_read_secret (ingest_secret_file, &error);
      if (ingest_secret == NULL)
        return fail (error);
    }

  if (tls_cert != NULL)
    {
      certificate = g_tls_certificate_new_from_files (tls_cert, tls_key, &error);
      if (certificate == NULL)
        return fail (error);
    }

  qd_gw_config_init (&config);
  if (name != NULL)
    replace_string (&config.name, name);
  if (submission_address != NULL)
    replace_string (&config.submission_address, submission_address);
  if (rspamd != NULL)
    replace_string (&config.rspamd_url, rspamd);
  if (session_ttl > 0)
    config.session_ttl = session_ttl;
  if (max_batch > 0)
    config.max_batch = max_batch;
  if (max_page_size > 0)
    config.max_page_size = max_page_size;
  if (spam_threshold > 0)
    config.spam_threshold = spam_threshold;
  config.relay_host = g_steal_pointer (&relay_host);
  config.relay_port = relay_port;

  gateway = open_gateway (&config, data_dir, &error);
  if (gateway == NULL)
    return fail (error);

  /* Signals are caught before anyone can learn the server is up. */
  loop = g_main_loop_new (NULL, FALSE);
  state.loop = loop;
  state.gateway = gateway;
  g_unix_signal_add (SIGTERM, quit_cb, &state);
  g_unix_signal_add (SIGINT, quit_cb, &state);

  if (smtp_host != NULL)
    {
      const QdGwConfig *c = qd_gw_gateway_get_config (gateway);

      smtp = qd_gw_smtp_server_new (c->name, c->submission_address, c->max_message_bytes);
      qd_gw_smtp_server_set_deliver_func (smtp, deliver_submission, g_object_ref (gateway),
                                          g_object_unref);
      if (!qd_gw_smtp_server_listen (smtp, smtp_host, smtp_port, &bound_smtp_port, &error))
        return fail (error);
      /* /info names the intake, with the port really bound. */
      qd_gw_gateway_set_intake (gateway, smtp_host, bound_smtp_port);
    }

  server = qd_gw_server_new (gateway, certificate);
  if (timing_log != NULL && !qd_gw_server_set_timing_log (server, timing_log, &error))
    return fail (error);
  if (!qd_gw_server_listen (server, host, port, &bound_port, &error))
    return fail (error);

  if (ingest_secret != NULL)
    {
      ingest = qd_gw_ingest_server_new (gateway, ingest_secret, max_ingest_bytes);
      if (!qd_gw_ingest_server_listen (ingest, ingest_host, ingest_port, &bound_ingest_port,
                                       &error))
        return fail (error);
    }

  url = g_strdup_printf ("%s://%s%s%s:%u", certificate != NULL ? "https" : "http",
                         strchr (host, ':') ? "[" : "", host, strchr (host, ':') ? "]" : "",
                         bound_port);
  if (ready_file != NULL && !write_ready_file (ready_file, url, bound_port, bound_smtp_port,
                                               bound_ingest_port, &error))
    return fail (error);
  g_printerr ("qd-gateway: listening on %s", url);
  if (bound_smtp_port != 0)
    g_printerr (", submissions by SMTP on %s:%u", smtp_host, bound_smtp_port);
  if (bound_ingest_port != 0)
    g_printerr (", rspamd's ingest on http://%s%s%s:%u", strchr (ingest_host, ':') ? "[" : "",
                ingest_host, strchr (ingest_host, ':') ? "]" : "", bound_ingest_port);
  g_printerr ("\n");

  if (qd_gw_gateway_is_mail_system (gateway))
    {
      guint resumed = qd_gw_gateway_resume_releases (gateway);

      if (resumed > 0)
        g_message ("sending %u interrupted releases again", resumed);
    }
  purge_cb (&state);
  g_timeout_add_seconds (3600, purge_cb, &state);
  g_main_loop_run (loop);

  if (smtp != NULL)
    qd_gw_smtp_server_stop (smtp);
  return 0;
}

/* user add */

static char *
read_password_line (void)
{
  char buffer[1024];
  gsize len;

  if (fgets (buffer, sizeof buffer, stdin) == NULL)
    return NULL;
  len = strcspn (buffer, "\r\n");
  buffer[len] = '\0';
  return g_strdup (buffer);
}

static int
cmd_user (int    argc,
          char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *address = NULL;
  g_autofree char *display_name = NULL;
  g_autofree char *password = NULL;
  GOptionEntry entries[] = {
    { "address", 0, 0, G_OPTION_ARG_STRING, &address, "Mail address", "ADDR" },
    { "display-name", 0, 0, G_OPTION_ARG_STRING, &display_name, "Display name", "NAME" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(QdGwGateway) gateway = NULL;

  if (!parse_options (entries, &data_dir, &argc, &argv, &error))
    return fail_usage (error->message);
  if (argc != 3 || !g_str_equal (argv[1], "add") || data_dir == NULL || address == NULL)
    return fail_usage ("user add needs --data, a NAME and --address");

  password = read_password_line ();
  if (password == NULL || password[0] == '\0')
    return fail_usage ("give the password on the first line of standard input");

  gateway = open_default_gateway (data_dir, &error);
  if (gateway == NULL ||
      !qd_gw_gateway_add_user (gateway, argv[2], address, display_name, password, FALSE,
                               &error))
    return fail (error);
  return 0;
}

/* ingest */

static int
cmd_ingest (int    argc,
            char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *user = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *category = NULL;
  g_autofree char *received = NULL;
  g_autofree char *policy_rule = NULL;
  g_autofree char *envelope_sender = NULL;
  double score = 0;
  GOptionEntry entries[] = {
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, "User name", "NAME" },
    { "folder", 0, 0, G_OPTION_ARG_STRING, &folder, "quarantine or junk", "FOLDER" },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, "Why it is held", "REASON" },
    { "category", 0, 0, G_OPTION_ARG_STRING, &category, "Graymail category", "CATEGORY" },
    { "received", 0, 0, G_OPTION_ARG_STRING, &received, "Receipt time", "ISO8601" },
    { "policy-rule", 0, 0, G_OPTION_ARG_STRING, &policy_rule, "Policy rule", "TEXT" },
    { "score", 0, 0, G_OPTION_ARG_DOUBLE, &score, "Spam score", "X" },
    { "envelope-sender", 0, 0, G_OPTION_ARG_STRING, &envelope_sender,
      "SMTP MAIL FROM (default: the From address)", "ADDR" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(QdGwGateway) gateway = NULL;
  QdGwIngestOptions options = { 0 };
  int status = 0;

  if (!parse_options (entries, &data_dir, &argc, &argv, &error))
    return fail_usage (error->message);
  if (data_dir == NULL || user == NULL || folder == NULL || reason == NULL || argc < 2)
    return fail_usage ("ingest needs --data, --user, --folder, --reason and files");
  if (!qd_folder_from_string (folder, &options.folder))
    return fail_usage ("--folder must be quarantine or junk");
  if (!qd_reason_from_string (reason, &options.reason))
    return fail_usage ("--reason must be graymail, spam, phishing, malware or policy");
  if (category != NULL &&
      (!qd_category_from_string (category, &options.category) ||
       options.category == QD_CATEGORY_NONE))
    return fail_usage ("--category must be marketing, social, forum or bulk");
  if (received != NULL)
    {
      g_autoptr(GTimeZone) local = g_time_zone_new_local ();
      g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (received, local);

      if (dt == NULL)
        return fail_usage ("--received must be an ISO 8601 date and time");
      options.received_at = g_date_time_to_unix (dt);
    }
  options.policy_rule = policy_rule;
  options.envelope_sender = envelope_sender;
  options.score = score;

  gateway = open_default_gateway (data_dir, &error);
  if (gateway == NULL)
    return fail (error);

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GMappedFile) file = g_mapped_file_new (argv[i], FALSE, &error);
      g_autoptr(GBytes) bytes = NULL;
      g_autofree char *result = NULL;

      if (file == NULL)
        {
          g_printerr ("qd-gateway: %s\n", error->message);
          g_clear_error (&error);
          status = 1;
          continue;
        }
      bytes = g_mapped_file_get_bytes (file);
      result = qd_gw_gateway_ingest (gateway, user, &options, bytes, &error);
      if (result == NULL)
        {
          g_printerr ("qd-gateway: %s: %s\n", argv[i], error->message);
          g_clear_error (&error);
          status = 1;
          continue;
        }
      g_print ("%s\n", result);
    }
  return status;
}

/* seed-demo */

static int
cmd_seed_demo (int    argc,
               char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *samples = NULL;
  int count = 300;
  GOptionEntry entries[] = {
    { "count", 0, 0, G_OPTION_ARG_INT, &count, "Held messages", "N" },
    { "samples", 0, 0, G_OPTION_ARG_FILENAME, &samples, "Where to write samples", "DIR" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(QdGwGateway) gateway = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  const char *address = "demo@example.com";
  guint held = 0;

  if (!parse_options (entries, &data_dir, &argc, &argv, &error))
    return fail_usage (error->message);
  if (data_dir == NULL || count < 0)
    return fail_usage ("seed-demo needs --data");
  if (samples == NULL)
    samples = g_build_filename (data_dir, "samples", NULL);

  gateway = open_default_gateway (data_dir, &error);
  if (gateway == NULL)
    return fail (error);
  /* Demo only: a well-known password for a throwaway local account. */
  if (!qd_gw_gateway_add_user (gateway, "demo", address, "Demo User", "demo", TRUE, &error))
    return fail (error);

  messages = qd_gw_demo_generate (count, address, "Demo User", now, 20261123);
  for (guint i = 0; i < messages->len; i++)
    {
      QdGwDemoMessage *m = g_ptr_array_index (messages, i);
      QdGwIngestOptions options = {
        .folder = m->folder,
        .reason = m->reason,
        .category = m->category,
        .policy_rule = m->policy_rule,
        .score = m->score,
        .rules = (const char * const *)m->rules,
        .received_at = g_date_time_to_unix (m->received_at),
        .envelope_sender = m->envelope_sender,
      };
      g_autofree char *result = qd_gw_gateway_ingest (gateway, "demo", &options, m->data, &error);

      if (result == NULL)
        return fail (error);
      held++;
    }

  if (!qd_gw_demo_write_samples (samples, address, now, &error))
    return fail (error);

  g_print ("Demo account: user “demo”, password “demo” (for this local demo only)\n"
           "%u held messages; samples to report in %s\n", held, samples);
  return 0;
}

/* seed-bench */

static int
cmd_seed_bench (int    argc,
                char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *user = NULL;
  g_autofree char *address = NULL;
  int count = -1;
  GOptionEntry entries[] = {
    { "count", 0, 0, G_OPTION_ARG_INT, &count, "Held messages", "N" },
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, "User name", "NAME" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(QdGwGateway) gateway = NULL;

  if (!parse_options (entries, &data_dir, &argc, &argv, &error))
    return fail_usage (error->message);
  if (data_dir == NULL || count < 0)
    return fail_usage ("seed-bench needs --data and --count");
  if (user == NULL)
    user = g_strdup ("bench");
  address = g_strdup_printf ("%s@example.com", user);

  gateway = open_default_gateway (data_dir, &error);
  if (gateway == NULL)
    return fail (error);
  /* Benchmarks only: the password is the user name. */
  if (!qd_gw_gateway_add_user (gateway, user, address, NULL, user, TRUE, &error) ||
      !qd_gw_bench_seed (gateway, user, count, g_get_real_time () / G_USEC_PER_SEC, &error))
    return fail (error);
  g_print ("%d held messages for “%s”\n", count, user);
  return 0;
}

/* submissions */

static int
cmd_submissions (int    argc,
                 char **argv)
{
  g_autofree char *data_dir = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "JSON output", NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(QdGwGateway) gateway = NULL;
  g_autofree char *dump = NULL;

  if (!parse_options (entries, &data_dir, &argc, &argv, &error))
    return fail_usage (error->message);
  if (data_dir == NULL || !json)
    return fail_usage ("submissions needs --data and --json");

  gateway = open_default_gateway (data_dir, &error);
  if (gateway == NULL)
    return fail (error);
  dump = qd_gw_store_dump_submissions (qd_gw_gateway_get_store (gateway));
  g_print ("%s\n", dump != NULL ? dump : "[]");
  return 0;
}

int
main (int    argc,
      char **argv)
{
  const char *command;

  setlocale (LC_ALL, "");

  if (argc < 2)
    return fail_usage (NULL);
  command = argv[1];
  /* The sub-command's options are parsed with the sub-command as argv[0]. */
  argc--;
  argv++;

  if (g_str_equal (command, "serve"))
    return cmd_serve (argc, argv);
  if (g_str_equal (command, "user"))
    return cmd_user (argc, argv);
  if (g_str_equal (command, "ingest"))
    return cmd_ingest (argc, argv);
  if (g_str_equal (command, "seed-demo"))
    return cmd_seed_demo (argc, argv);
  if (g_str_equal (command, "seed-bench"))
    return cmd_seed_bench (argc, argv);
  if (g_str_equal (command, "submissions"))
    return cmd_submissions (argc, argv);
  if (g_str_equal (command, "--help") || g_str_equal (command, "-h") ||
      g_str_equal (command, "help"))
    {
      g_print ("%s", usage);
      return 0;
    }
  return fail_usage ("unknown command");
}
