/* qdesk-submit.c — report missed spam: qdesk submit, and the sending every reporting command uses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <gio/gunixinputstream.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "qdesk.h"

void
qdesk_submit_options_clear (QdeskSubmitOptions *options)
{
  g_free (options->output);
  g_free (options->to);
  g_free (options->from);
  g_free (options->smtp_server);
  g_free (options->smtp_security);
  g_free (options->smtp_user);
}

/**
 * qdesk_with_submit_options:
 * @options: where the options of qdesk submit are parsed to
 *
 * Returns: (transfer full): a command's own options followed by those of
 *   qdesk submit
 */
GOptionEntry *
qdesk_with_submit_options (QdeskSubmitOptions *options,
                           const GOptionEntry *own,
                           gsize               n_own)
{
  const GOptionEntry entries[] = {
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &options->dry_run,
      N_("Check the samples and show how they would be sent; send nothing"), NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &options->output,
      N_("Write the messages that would be sent into DIR as .eml; send nothing"), N_("DIR") },
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &options->yes, N_("Do not ask for confirmation"), NULL },
    { "to", 0, 0, G_OPTION_ARG_STRING, &options->to, N_("The submission address"), N_("ADDR") },
    { "from", 0, 0, G_OPTION_ARG_STRING, &options->from, N_("Your address"), N_("ADDR") },
    { "smtp-server", 0, 0, G_OPTION_ARG_STRING, &options->smtp_server, N_("The SMTP server"),
      N_("HOST:PORT") },
    { "smtp-security", 0, 0, G_OPTION_ARG_STRING, &options->smtp_security,
      N_("none (this computer only), starttls or tls"), N_("SECURITY") },
    { "smtp-user", 0, 0, G_OPTION_ARG_STRING, &options->smtp_user,
      N_("User name on the SMTP server (password from the keyring)"), N_("NAME") },
  };
  GOptionEntry *all = g_new0 (GOptionEntry, n_own + G_N_ELEMENTS (entries) + 1);

  if (n_own > 0)
    memcpy (all, own, n_own * sizeof (GOptionEntry));
  memcpy (all + n_own, entries, sizeof entries);
  return all;
}

static int
worse (int a,
       int b)
{
  return MAX (a, b);
}

static const char *
status_label (QdCheckStatus status)
{
  switch (status)
    {
    case QD_CHECK_PASSED:
      return _("ok");
    case QD_CHECK_NOTE:
      return _("note");
    case QD_CHECK_WARNING:
      return _("warning");
    case QD_CHECK_REFUSED:
      return _("REFUSED");
    case QD_CHECK_SKIPPED:
    default:
      return _("skipped");
    }
}

static const char *
rule_label (QdSampleRule rule)
{
  switch (rule)
    {
    case QD_SAMPLE_RULE_FORMAT:
      return _("format");
    case QD_SAMPLE_RULE_DATE:
      return _("receipt");
    case QD_SAMPLE_RULE_AGE:
      return _("age");
    case QD_SAMPLE_RULE_SIZE:
      return _("size");
    case QD_SAMPLE_RULE_DUPLICATE:
      return _("duplicate");
    case QD_SAMPLE_RULE_TRANSPORT:
    default:
      return _("transport");
    }
}

static void
print_sample (QdSample *sample)
{
  GPtrArray *checks = qd_sample_get_checks (sample);

  g_print ("%s\n", qd_sample_get_name (sample));
  if (qd_sample_get_from (sample) != NULL || qd_sample_get_subject (sample) != NULL)
    g_print (_("  From: %s — Subject: %s\n"),
             qd_sample_get_from (sample) ? qd_sample_get_from (sample) : "—",
             qd_sample_get_subject (sample) ? qd_sample_get_subject (sample) : "—");
  for (guint i = 0; i < checks->len; i++)
    {
      QdSampleCheck *check = g_ptr_array_index (checks, i);
      g_autofree char *status = qdesk_fit (status_label (check->status), 8);
      g_autofree char *rule = qdesk_fit (rule_label (check->rule), 10);

      g_print ("  %s %s %s\n", status, rule, check->message);
    }
}

static GBytes *
read_stdin (GError **error)
{
  g_autoptr(GInputStream) in = g_unix_input_stream_new (STDIN_FILENO, FALSE);
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();

  if (g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, error) < 0)
    return NULL;
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

static GPtrArray *
load_samples (int     argc,
              char  **argv,
              int    *status)
{
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean stdin_taken = FALSE;

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      QdSample *sample;

      if (g_str_equal (argv[i], "-"))
        {
          g_autoptr(GBytes) bytes = NULL;

          if (stdin_taken)
            {
              *status = qdesk_usage_error ("submit", _("standard input (-) can be given once"));
              return NULL;
            }
          stdin_taken = TRUE;
          bytes = read_stdin (&error);
          sample = bytes != NULL ? qd_sample_new (bytes, NULL) : NULL;
        }
      else
        {
          g_autoptr(GFile) file = g_file_new_for_commandline_arg (argv[i]);

          sample = qd_sample_new_from_file (file, NULL, &error);
        }
      if (sample == NULL)
        {
          *status = qdesk_usage_error ("submit", error->message);
          return NULL;
        }
      g_ptr_array_add (samples, sample);
    }
  return g_steal_pointer (&samples);
}

/* Where submissions go: options first, then the settings, then what the
 * gateway announces. */
typedef struct
{
  QdGatewayInfo  *info;
  QdSubmitTarget  target;
} Target;

static void
target_clear (Target *target)
{
  g_clear_pointer (&target->info, qd_gateway_info_unref);
  qd_submit_target_clear (&target->target);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Target, target_clear)

static gboolean
submits_through_gateway (QdeskContext *ctx)
{
  QdGatewayKind kind;

  /* A wrong --gateway-kind is said by the gateway's own error below. */
  return !qdesk_resolve_kind (ctx, &kind, NULL) || kind == QD_GATEWAY_KIND_QD;
}

/* The options win; qd_submit_target_resolve() fills in the rest from the
 * settings and the gateway, as the window does. */
static int
resolve_target (QdeskContext       *ctx,
                const char         *command,
                QdeskSubmitOptions *options,
                gboolean            need_server,
                Target             *target)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdAccount) account = NULL;
  QdSubmitTarget *t = &target->target;

  t->to = g_strdup (options->to);
  t->from = g_strdup (options->from);
  t->security = g_strdup (options->smtp_security);
  t->user = g_strdup (options->smtp_user);
  if (options->smtp_server != NULL &&
      !qd_smtp_parse_server (options->smtp_server, &t->host, &t->port))
    return qdesk_usage_error (command, _("--smtp-server takes HOST:PORT"));

  /* Only our API announces where samples go; for another kind of gateway
   * the options (or the settings) say it, as without a gateway. */
  if (ctx->gateway_url != NULL && ctx->gateway_url[0] != '\0' && submits_through_gateway (ctx))
    {
      g_autoptr(GAsyncResult) result = NULL;
      QdApiClient *client = qdesk_connect (ctx, t->from == NULL, &error);

      if (client == NULL)
        return qdesk_fail (error);
      g_object_unref (client);
      qd_api_client_get_info_async (ctx->client, NULL, qd_async_wait_result_cb, &result);
      target->info = qd_api_client_get_info_finish (ctx->client, qd_async_wait (&result), &error);
      if (target->info == NULL)
        return qdesk_fail (error);
      if (t->from == NULL)
        {
          g_autoptr(GAsyncResult) account_result = NULL;

          qd_api_client_get_account_async (ctx->client, NULL, qd_async_wait_result_cb,
                                           &account_result);
          account = qd_api_client_get_account_finish (ctx->client, qd_async_wait (&account_result),
                                                      &error);
          if (account == NULL)
            return qdesk_fail (error);
        }
    }

  if (!qd_submit_target_resolve (t, ctx->settings, target->info,
                                 account != NULL ? account->address : NULL, &error))
    {
      g_printerr ("qdesk: %s\n", error->message);
      return qdesk_usage_error (command, t->to == NULL
                                         ? _("give the submission address with --to ADDR")
                                         : _("give your own address with --from ADDR"));
    }
  if (target->info == NULL)
    target->info = qd_gateway_info_new_defaults ();
  if (need_server && t->host == NULL)
    return qdesk_usage_error (command, _("no SMTP server: give --smtp-server HOST:PORT, or sign "
                                         "in to a gateway that announces one"));
  {
    QdSmtpSecurity security;

    if (!qd_smtp_security_from_string (t->security, &security))
      return qdesk_usage_error (command, _("--smtp-security is none, starttls or tls"));
  }
  return QDESK_EXIT_OK;
}

static QdSubmitter *
connect_smtp (QdeskContext  *ctx,
              Target        *target,
              QdStore       *store,
              GError       **error)
{
  g_autoptr(QdSmtpClient) client = qd_submit_target_new_client (&target->target, ctx->ca_file,
                                                                error);
  const char *user = target->target.user;

  if (client == NULL)
    return NULL;
  if (user != NULL)
    {
      g_autofree char *server = qd_smtp_client_dup_server (client);
      g_autoptr(GError) local_error = NULL;
      char *password = qd_keyring_lookup_sync (QD_SECRET_SMTP_PASSWORD, server, user,
                                               &local_error);

      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (password == NULL)
        {
          g_set_error (error, QD_ERROR, QD_ERROR_NOT_SIGNED_IN,
                       _("No password for %s on the SMTP server %s is in the keyring. Store it "
                         "in the preferences, or with: secret-tool store --label='Quarantine "
                         "Desk SMTP' xdg:schema io.github.quarantinedesk.QuarantineDesk.Secret "
                         "kind smtp-password server %s user %s"),
                       user, server, server, user);
          return NULL;
        }
      qd_smtp_client_set_credentials (client, user, password);
      qd_secret_free (password);
    }
  return qd_submitter_new (store, client);
}

/* Prints what became of each message; the worst exit status. */
static int
report_results (GPtrArray *results)
{
  int status = QDESK_EXIT_OK;

  for (guint i = 0; i < results->len; i++)
    {
      QdSendResult *result = g_ptr_array_index (results, i);

      if (result->sent)
        g_print (ngettext ("Sent %s (%u sample): %s\n", "Sent %s (%u samples): %s\n",
                              result->n_samples),
                 result->message_id, result->n_samples, result->reply);
      if (result->error != NULL && result->sent)
        g_printerr (_("qdesk: sent, but not recorded: %s\n"), result->error->message);
      else if (result->error != NULL)
        {
          g_printerr (result->kept ? _("qdesk: not sent, kept in the outbox for the next run: "
                                       "%s\n")
                                   : _("qdesk: not sent: %s\n"), result->error->message);
          status = worse (status, qdesk_exit_status (result->error));
        }
    }
  return status;
}

static int
send_pending (QdSubmitter *submitter)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;

  qd_submitter_send_pending_async (submitter, NULL, qd_async_wait_result_cb, &result);
  results = qd_submitter_send_pending_finish (submitter, qd_async_wait (&result), &error);
  if (results == NULL)
    return qdesk_fail (error);
  if (results->len > 0)
    g_print (ngettext ("The outbox held %u message from an earlier run.\n",
                          "The outbox held %u messages from an earlier run.\n", results->len),
             results->len);
  return report_results (results);
}

static gboolean
confirm (guint       n_samples,
         const char *to,
         const char *server)
{
  char answer[16] = "";

  g_printerr (ngettext ("Submit %u sample to %s through %s? [y/N] ",
                           "Submit %u samples to %s through %s? [y/N] ", n_samples),
              n_samples, to, server);
  if (fgets (answer, sizeof answer, stdin) == NULL)
    return FALSE;
  return answer[0] == 'y' || answer[0] == 'Y';
}

static void
print_packing (GPtrArray  *submissions,
               Target     *target,
               gint64      limit)
{
  g_autofree char *max = qd_format_size (limit);
  guint n_samples = 0;

  for (guint i = 0; i < submissions->len; i++)
    n_samples += qd_submission_get_samples (g_ptr_array_index (submissions, i))->len;
  g_print (_("%u sample(s) in %u message(s) to %s, each smaller than %s:\n"),
           n_samples, submissions->len, target->target.to, max);
  for (guint i = 0; i < submissions->len; i++)
    {
      QdSubmission *submission = g_ptr_array_index (submissions, i);
      GPtrArray *samples = qd_submission_get_samples (submission);

      g_autofree char *size = g_strdup_printf ("%" G_GSIZE_FORMAT,
                                               qd_submission_get_size (submission));

      g_print (_("  message %u: %s bytes:"), i + 1, size);
      for (guint s = 0; s < samples->len; s++)
        g_print (" %s", qd_sample_get_name (g_ptr_array_index (samples, s)));
      g_print ("\n");
    }
}

static int
write_output (const char *dir,
              GPtrArray  *submissions)
{
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_printerr (_("qdesk: cannot create %s: %s\n"), dir, g_strerror (errno));
      return QDESK_EXIT_USAGE;
    }
  for (guint i = 0; i < submissions->len; i++)
    {
      QdSubmission *submission = g_ptr_array_index (submissions, i);
      g_autofree char *name = g_strdup_printf ("submission-%u.eml", i + 1);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GError) error = NULL;
      gsize size;
      const char *data = g_bytes_get_data (qd_submission_get_data (submission), &size);

      if (!g_file_set_contents (path, data, size, &error))
        {
          g_printerr ("qdesk: %s\n", error->message);
          return QDESK_EXIT_PARTIAL;
        }
      g_print (_("Wrote %s\n"), path);
    }
  return QDESK_EXIT_OK;
}

static guint
count_refused (GPtrArray *samples)
{
  guint n = 0;

  for (guint i = 0; i < samples->len; i++)
    n += qd_sample_is_refused (g_ptr_array_index (samples, i));
  return n;
}

static void
list_refused (GPtrArray *samples)
{
  for (guint i = 0; i < samples->len; i++)
    {
      QdSample *sample = g_ptr_array_index (samples, i);
      GPtrArray *checks = qd_sample_get_checks (sample);

      for (guint c = 0; c < checks->len; c++)
        {
          QdSampleCheck *check = g_ptr_array_index (checks, c);

          if (check->status == QD_CHECK_REFUSED)
            g_printerr (_("qdesk: refused %s: %s\n"), qd_sample_get_name (sample), check->message);
        }
    }
}

/* What the server accepts decides how each sample can travel; a sample
 * it cannot carry unmodified is refused, never altered. */
static gint64
apply_capabilities (QdSubmitter *submitter,
                    GPtrArray   *samples,
                    gint64       limit)
{
  QdSmtpClient *client = qd_submitter_get_client (submitter);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(QdSmtpCapabilities) caps = NULL;
  g_autoptr(GError) error = NULL;
  QdSmtpExtensions extensions = QD_SMTP_ASSUMED_EXTENSIONS;

  qd_smtp_client_probe_async (client, NULL, qd_async_wait_result_cb, &result);
  caps = qd_smtp_client_probe_finish (client, qd_async_wait (&result), &error);
  if (caps == NULL)
    g_printerr (_("qdesk: could not ask the SMTP server what it accepts (%s); assuming it "
                  "accepts 8-bit data.\n"), error->message);
  else
    {
      extensions = caps->extensions;
      if (caps->max_size > 0)
        limit = MIN (limit, caps->max_size + 1);
    }
  for (guint i = 0; i < samples->len; i++)
    {
      QdSample *sample = g_ptr_array_index (samples, i);

      if (qd_sample_is_sendable (sample))
        qd_sample_check_transport (sample, extensions);
    }
  return limit;
}

/* The samples of the messages the server accepted, into @sent. */
static void
add_sent (GPtrArray *submissions,
          GPtrArray *results,
          GPtrArray *sent)
{
  for (guint r = 0; r < results->len; r++)
    {
      QdSendResult *result = g_ptr_array_index (results, r);

      if (!result->sent)
        continue;
      for (guint i = 0; i < submissions->len; i++)
        {
          QdSubmission *submission = g_ptr_array_index (submissions, i);
          GPtrArray *samples = qd_submission_get_samples (submission);

          if (g_strcmp0 (qd_submission_get_message_id (submission), result->message_id) != 0)
            continue;
          for (guint s = 0; s < samples->len; s++)
            g_ptr_array_add (sent, g_object_ref (g_ptr_array_index (samples, s)));
        }
    }
}

/**
 * qdesk_submit_samples:
 * @command: the command's name, for its usage errors
 * @samples: (element-type QdSample): the samples as read, not yet
 *   evaluated; empty when qdesk submit was given no file: then only what
 *   waits in the outbox is sent
 * @sent: (nullable) (element-type QdSample): where the samples that the
 *   server accepted in this run are added (a reference each); not those
 *   kept in the outbox for a later run
 *
 * Everything qdesk submit does once it has its samples: the rules, the
 * confirmation, packing, the outbox and sending, or what a dry run shows.
 * Every command that reports samples goes this one way.
 *
 * Returns: the exit status
 */
int
qdesk_submit_samples (QdeskContext       *ctx,
                      const char         *command,
                      QdeskSubmitOptions *options,
                      GPtrArray          *samples,
                      GPtrArray          *sent)
{
  g_auto(Target) target = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(QdStore) store = NULL;
  g_autoptr(QdSubmitter) submitter = NULL;
  g_autoptr(GPtrArray) submissions = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *server = NULL;
  gboolean sending = !options->dry_run && options->output == NULL;
  int status;
  gint64 limit;

  status = resolve_target (ctx, command, options, sending, &target);
  if (status != QDESK_EXIT_OK)
    return status;

  store = qd_store_open (NULL, &error);
  if (store == NULL)
    return qdesk_fail (error);

  if (sending)
    {
      submitter = connect_smtp (ctx, &target, store, &error);
      if (submitter == NULL)
        return qdesk_fail (error);
      server = qd_smtp_client_dup_server (qd_submitter_get_client (submitter));
      /* The "next run" of one that was killed or could not send. */
      status = send_pending (submitter);
    }
  else if (qd_store_count_pending (store, NULL) > 0)
    g_print (_("%u message(s) wait in the outbox; they are sent by the next “qdesk submit”.\n"),
             qd_store_count_pending (store, NULL));

  if (samples->len == 0)
    {
      if (sending)
        return status;
      return qdesk_usage_error (command, _("give the message files (.eml) to submit, or - for "
                                           "standard input"));
    }

  now = g_date_time_new_now_utc ();
  qd_sample_evaluate_all (samples, target.info, now);
  for (guint i = 0; i < samples->len; i++)
    print_sample (g_ptr_array_index (samples, i));
  limit = target.info->max_message_bytes;
  if (sending && count_refused (samples) < samples->len)
    {
      if (!options->yes && isatty (STDIN_FILENO) &&
          !confirm (samples->len - count_refused (samples), target.target.to, server))
        {
          g_printerr (_("qdesk: nothing was sent.\n"));
          return worse (status, QDESK_EXIT_PARTIAL);
        }
      limit = apply_capabilities (submitter, samples, limit);
    }

  submissions = qd_submission_pack (samples, target.target.from, target.target.to, limit, now, &error);
  if (submissions == NULL)
    return qdesk_fail (error);
  if (count_refused (samples) > 0)
    status = worse (status, QDESK_EXIT_PARTIAL);

  if (submissions->len == 0)
    g_printerr (_("qdesk: no sample can be submitted.\n"));
  else if (!sending)
    {
      print_packing (submissions, &target, limit);
      if (options->output != NULL)
        status = worse (status, write_output (options->output, submissions));
    }
  else
    {
      qd_submitter_submit_async (submitter, submissions, NULL, qd_async_wait_result_cb, &result);
      results = qd_submitter_submit_finish (submitter, qd_async_wait (&result), &error);
      if (results == NULL)
        return worse (status, qdesk_fail (error));
      status = worse (status, report_results (results));
      if (sent != NULL)
        add_sent (submissions, results, sent);
    }
  list_refused (samples);
  return status;
}

int
qdesk_cmd_submit (QdeskContext  *ctx,
                  int            argc,
                  char         **argv)
{
  g_auto(QdeskSubmitOptions) options = { 0 };
  g_autofree GOptionEntry *entries = qdesk_with_submit_options (&options, NULL, 0);
  g_autoptr(GPtrArray) samples = NULL;
  int status = QDESK_EXIT_OK;

  if (!qdesk_parse ("submit", _("FILE…|-"), entries, &argc, &argv))
    return QDESK_EXIT_USAGE;

  /* Every file is read before anything is sent: a mistyped name stops
   * the whole run. */
  samples = load_samples (argc, argv, &status);
  if (samples == NULL)
    return status;
  return qdesk_submit_samples (ctx, "submit", &options, samples, NULL);
}
