/* qdesk-follow-up.c — history, recheck, report: following up reported samples
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "qdesk.h"

static char *
short_digest (const char *sha256)
{
  return g_strndup (sha256, 12);
}

static void
record_to_json (QdSampleRecord *record,
                GDateTime      *now,
                JsonBuilder    *builder)
{
  g_autoptr(GDateTime) next = qd_sample_record_get_next_check (record);

  json_builder_begin_object (builder);
  qd_json_builder_add_string (builder, "sha256", record->sha256);
  qd_json_builder_add_string (builder, "subject", record->subject);
  qd_json_builder_add_string (builder, "from", record->from);
  qd_json_builder_add_string (builder, "to", record->to);
  qd_json_builder_add_date_time (builder, "received_at", record->received_at);
  qd_json_builder_add_date_time (builder, "queued_at", record->queued_at);
  qd_json_builder_add_date_time (builder, "sent_at", record->sent_at);
  qd_json_builder_add_string (builder, "status", qd_follow_up_status_to_string (record->status));
  qd_json_builder_add_date_time (builder, "status_at", qd_sample_record_get_status_time (record));
  qd_json_builder_add_date_time (builder, "spam_at", record->spam_at);
  qd_json_builder_add_date_time (builder, "last_checked_at", record->checked_at);
  json_builder_set_member_name (builder, "checks");
  json_builder_add_int_value (builder, record->n_checks);
  qd_json_builder_add_date_time (builder, "next_check_at", next);
  json_builder_set_member_name (builder, "can_report");
  json_builder_add_boolean_value (builder, qd_sample_record_can_escalate (record, now, NULL));
  json_builder_set_member_name (builder, "content_kept");
  json_builder_add_boolean_value (builder, record->has_data);
  json_builder_set_member_name (builder, "history");
  json_builder_begin_array (builder);
  for (guint i = 0; i < record->changes->len; i++)
    {
      QdStatusChange *change = g_ptr_array_index (record->changes, i);

      json_builder_begin_object (builder);
      qd_json_builder_add_string (builder, "status",
                                  qd_follow_up_status_to_string (change->status));
      qd_json_builder_add_date_time (builder, "at", change->at);
      qd_json_builder_add_string (builder, "detail", change->detail);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

static void
print_history_row (QdSampleRecord *record)
{
  g_autofree char *digest = short_digest (record->sha256);
  g_autofree char *sent = qdesk_format_time (record->sent_at);
  g_autofree char *when = qdesk_format_time (qd_sample_record_get_status_time (record));
  g_autofree char *status_text = g_strdup_printf ("%s %s",
                                                  qd_follow_up_status_get_label (record->status),
                                                  when);
  g_autofree char *status = qdesk_fit (status_text, 40);
  g_autofree char *from = qdesk_fit (record->from, 28);
  g_autofree char *subject = qdesk_fit (record->subject != NULL ? record->subject
                                                                : _("(no subject)"), 40);

  g_print ("%s  %s  %s  %s  %s\n", digest, sent, status, from, subject);
}

int
qdesk_cmd_history (QdeskContext  *ctx,
                   int            argc,
                   char         **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdStore) store = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  if (!qdesk_parse ("history", NULL, NULL, &argc, &argv))
    return QDESK_EXIT_USAGE;
  if (argc > 1)
    return qdesk_usage_error ("history", _("unexpected arguments"));
  store = qd_store_open (NULL, &error);
  if (store == NULL)
    return qdesk_fail (error);
  records = qd_store_list_samples (store, &error);
  if (records == NULL)
    return qdesk_fail (error);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "samples");
      json_builder_begin_array (builder);
      for (guint i = 0; i < records->len; i++)
        record_to_json (g_ptr_array_index (records, i), now, builder);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      qdesk_print_json (builder);
      return QDESK_EXIT_OK;
    }

  if (records->len == 0)
    {
      g_print (_("No sample has been reported yet.\n"));
      return QDESK_EXIT_OK;
    }
  {
    g_autofree char *h1 = qdesk_fit (_("SHA-256"), 12);
    g_autofree char *h2 = qdesk_fit (_("Sent on"), 16);
    g_autofree char *h3 = qdesk_fit (_("Status"), 40);
    g_autofree char *h4 = qdesk_fit (_("From"), 28);

    g_print ("%s  %s  %s  %s  %s\n", h1, h2, h3, h4, _("Subject"));
  }
  for (guint i = 0; i < records->len; i++)
    print_history_row (g_ptr_array_index (records, i));
  return QDESK_EXIT_OK;
}

/* Full SHA-256s from what was typed: unique prefixes of 8 digits or
 * more, as git takes short hashes. */
static GStrv
resolve_all (QdStore     *store,
             const char  *command,
             int          argc,
             char       **argv,
             int         *status)
{
  g_autoptr(GStrvBuilder) digests = g_strv_builder_new ();

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *digest = qd_store_resolve_sample (store, argv[i], &error);

      if (digest == NULL)
        {
          *status = g_error_matches (error, QD_ERROR, QD_ERROR_STORAGE)
                    ? qdesk_fail (error) : qdesk_usage_error (command, error->message);
          return NULL;
        }
      g_strv_builder_add (digests, digest);
    }
  return g_strv_builder_end (digests);
}

static void
result_to_json (QdRecheckResult *result,
                JsonBuilder     *builder)
{
  json_builder_begin_object (builder);
  qd_json_builder_add_string (builder, "sha256", result->sha256);
  qd_json_builder_add_string (builder, "subject",
                              result->record != NULL ? result->record->subject : NULL);
  qd_json_builder_add_string (builder, "before", result->record != NULL
                              ? qd_follow_up_status_to_string (result->before) : NULL);
  qd_json_builder_add_string (builder, "after", result->record != NULL
                              ? qd_follow_up_status_to_string (result->after) : NULL);
  json_builder_set_member_name (builder, "checked");
  json_builder_add_boolean_value (builder, result->checked);
  json_builder_set_member_name (builder, "changed");
  json_builder_add_boolean_value (builder, result->changed);
  qd_json_builder_add_date_time (builder, "checked_at", result->checked_at);
  qd_json_builder_add_date_time (builder, "spam_at",
                                 result->record != NULL ? result->record->spam_at : NULL);
  json_builder_set_member_name (builder, "verdict");
  if (result->verdict != NULL)
    qd_verdict_to_json (result->verdict, builder);
  else
    json_builder_add_null_value (builder);
  qd_json_builder_add_string (builder, "error",
                              result->error != NULL ? result->error->message : NULL);
  json_builder_end_object (builder);
}

static void
print_results_json (GPtrArray *results)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "results");
  json_builder_begin_array (builder);
  for (guint i = 0; i < results->len; i++)
    result_to_json (g_ptr_array_index (results, i), builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  qdesk_print_json (builder);
}

/* One line per sample: what changed, or that it is still missed. */
static void
print_result (QdRecheckResult *result)
{
  g_autofree char *digest = short_digest (result->sha256);
  const char *subject = result->record != NULL && result->record->subject != NULL
                        ? result->record->subject : _("(no subject)");

  if (result->error != NULL)
    g_printerr ("qdesk: %s: %s\n", digest, result->error->message);
  else if (!result->checked)
    {
      g_autofree char *since = qdesk_format_time (result->record->spam_at);

      g_print (_("%s  classified as spam since %s: not checked again — %s\n"), digest, since,
               subject);
    }
  else if (result->changed)
    {
      g_autofree char *when = qdesk_format_time (result->checked_at);

      g_print (_("%s  %s → %s at %s — %s\n"), digest,
               qd_follow_up_status_get_label (result->before),
               qd_follow_up_status_get_label (result->after), when, subject);
    }
  else
    {
      g_autofree char *when = qdesk_format_time (result->checked_at);

      g_print (_("%s  %s at %s (score %.1f, threshold %.1f) — %s\n"), digest,
               qd_follow_up_status_get_label (result->after), when, result->verdict->score,
               result->verdict->threshold, subject);
    }
}

static gboolean
reload (QdFollowUp  *follow_up,
        GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  qd_follow_up_reload_async (follow_up, NULL, qd_async_wait_result_cb, &result);
  return qd_follow_up_reload_finish (follow_up, qd_async_wait (&result), error);
}

int
qdesk_cmd_recheck (QdeskContext  *ctx,
                   int            argc,
                   char         **argv)
{
  gboolean all = FALSE;
  GOptionEntry entries[] = {
    { "all", 0, 0, G_OPTION_ARG_NONE, &all,
      N_("Every sample not yet classified as spam, due or not"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(QdStore) store = NULL;
  g_autoptr(QdFollowUp) follow_up = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(QdApiClient) client = NULL;
  g_auto(GStrv) wanted = NULL;
  int status = QDESK_EXIT_OK;

  if (!qdesk_parse ("recheck", _("[SHA256…]"), entries, &argc, &argv))
    return QDESK_EXIT_USAGE;
  if (all && argc > 1)
    return qdesk_usage_error ("recheck", _("give either --all or the samples' SHA-256s"));
  store = qd_store_open (NULL, &error);
  if (store == NULL)
    return qdesk_fail (error);
  follow_up = qd_follow_up_new (store, NULL);

  if (argc > 1)
    {
      wanted = resolve_all (store, "recheck", argc, argv, &status);
      if (wanted == NULL)
        return status;
    }
  else if (!all)
    {
      /* What the window's timer would check now. */
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr(GDateTime) next = NULL;

      if (!reload (follow_up, &error))
        return qdesk_fail (error);
      wanted = qd_follow_up_due_samples (follow_up, now);
      next = qd_follow_up_next_due (follow_up, now);
      if (wanted[0] == NULL && ctx->json)
        {
          g_autoptr(GPtrArray) none = g_ptr_array_new ();

          print_results_json (none);
          return QDESK_EXIT_OK;
        }
      if (wanted[0] == NULL)
        {
          g_autofree char *when = qdesk_format_time (next);

          if (next != NULL)
            g_print (_("No sample is due for a check; the next is due at %s. Use --all to "
                       "check every pending sample now.\n"), when);
          else
            g_print (_("No sample waits for a check.\n"));
          return QDESK_EXIT_OK;
        }
    }

  client = qdesk_connect (ctx, TRUE, &error);
  if (client == NULL)
    return qdesk_fail (error);
  qd_follow_up_set_client (follow_up, client);
  qd_follow_up_recheck_async (follow_up, (const char * const *)wanted, NULL,
                              qd_async_wait_result_cb, &result);
  results = qd_follow_up_recheck_finish (follow_up, qd_async_wait (&result), &error);
  if (results == NULL)
    return qdesk_fail (error);

  for (guint i = 0; i < results->len; i++)
    {
      QdRecheckResult *r = g_ptr_array_index (results, i);

      if (r->error != NULL)
        status = MAX (status, qdesk_exit_status (r->error));
    }
  if (ctx->json)
    {
      print_results_json (results);
      return status;
    }
  if (results->len == 0)
    g_print (_("No sample waits for a check.\n"));
  for (guint i = 0; i < results->len; i++)
    print_result (g_ptr_array_index (results, i));
  return status;
}

/* The age limit the gateway applies, when it can be asked; the report
 * is made without the network otherwise. */
static void
learn_age_limit (QdeskContext *ctx,
                 QdFollowUp   *follow_up)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(QdGatewayInfo) info = NULL;
  g_autoptr(QdApiClient) client = NULL;

  if (ctx->gateway_url == NULL || ctx->gateway_url[0] == '\0')
    return;
  client = qdesk_connect (ctx, FALSE, &error);
  if (client != NULL)
    {
      qd_api_client_get_info_async (ctx->client, NULL, qd_async_wait_result_cb, &result);
      info = qd_api_client_get_info_finish (ctx->client, qd_async_wait (&result), &error);
    }
  if (info != NULL)
    qd_follow_up_set_max_sample_age_days (follow_up, info->max_sample_age_days);
  else
    g_printerr (_("qdesk: the gateway could not be asked its age limit for samples (%s); "
                  "the report assumes %u days.\n"),
                error->message, qd_follow_up_get_max_sample_age_days (follow_up));
}

int
qdesk_cmd_report (QdeskContext  *ctx,
                  int            argc,
                  char         **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdStore) store = NULL;
  g_autoptr(QdFollowUp) follow_up = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_auto(GStrv) wanted = NULL;
  g_autofree char *report = NULL;
  int status = QDESK_EXIT_OK;

  if (!qdesk_parse ("report", _("SHA256…"), NULL, &argc, &argv))
    return QDESK_EXIT_USAGE;
  if (argc < 2)
    return qdesk_usage_error ("report", _("give the SHA-256 of each sample of the series, as "
                                          "“qdesk history” shows them"));
  store = qd_store_open (NULL, &error);
  if (store == NULL)
    return qdesk_fail (error);
  wanted = resolve_all (store, "report", argc, argv, &status);
  if (wanted == NULL)
    return status;

  follow_up = qd_follow_up_new (store, NULL);
  learn_age_limit (ctx, follow_up);
  report = qd_follow_up_build_report (follow_up, (const char * const *)wanted, now, &error);
  if (report == NULL)
    {
      g_printerr (_("qdesk: no report for support:\n%s\n"), error->message);
      return qdesk_exit_status (error);
    }
  fputs (report, stdout);
  return QDESK_EXIT_OK;
}
