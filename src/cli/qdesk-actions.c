/* qdesk-actions.c — release, move-to-inbox, delete, block-sender, senders
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <unistd.h>

#include "qdesk.h"

typedef struct
{
  const char *verb;         /* shown in the progress line */
  gboolean    on_terminal;
} Progress;

static void
progress_cb (guint    done,
             guint    total,
             gpointer user_data)
{
  Progress *progress = user_data;

  if (progress->on_terminal)
    {
      g_printerr ("\r%s %u / %u…", progress->verb, done, total);
      fflush (stderr);
    }
}

static gboolean
interrupt_cb (gpointer user_data)
{
  GCancellable *cancellable = user_data;

  /* The batch in flight finishes; the rest is reported as not attempted. */
  g_printerr (_("\nStopping after the current batch…\n"));
  g_cancellable_cancel (cancellable);
  return G_SOURCE_CONTINUE;
}

static char *
summary_text (QdActions action,
              guint     n)
{
  switch (action)
    {
    case QD_ACTION_RELEASE:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Released %u message.",
                                           "Released %u messages.", n), n);
    case QD_ACTION_MOVE_TO_INBOX:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Moved %u message to your inbox.",
                                           "Moved %u messages to your inbox.", n), n);
    case QD_ACTION_DELETE:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Deleted %u message.",
                                           "Deleted %u messages.", n), n);
    case QD_ACTION_BLOCK_SENDER:
    default:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Blocked the sender of %u message and deleted it.",
                                           "Blocked the senders of %u messages and deleted them.",
                                           n), n);
    }
}

/* What a gateway of another kind cannot do with held messages is said
 * in one sentence, before anything is done. */
static int
check_action (QdeskContext *ctx,
              const char   *command,
              QdActions     action,
              gboolean      approve)
{
  QdFolder folder = action == QD_ACTION_MOVE_TO_INBOX ? QD_FOLDER_JUNK : QD_FOLDER_QUARANTINE;
  QdItemSource *source = qd_gateway_get_source (ctx->gateway, folder);
  QdActions can = source != NULL ? qd_item_source_get_actions (source) : QD_ACTION_NONE;

  if (source == NULL && folder == QD_FOLDER_JUNK)
    return qdesk_cannot (command, _("this gateway keeps no Junk folder to move messages out "
                                    "of."));
  if (!(can & action))
    return qdesk_cannot (command, _("this gateway cannot do this with held messages."));
  if (approve && !(can & QD_ACTION_APPROVE_SENDER))
    return qdesk_cannot (command, _("--approve-sender: this gateway keeps no approved "
                                    "senders."));
  return QDESK_EXIT_OK;
}

static int
run_action (QdeskContext *ctx,
            const char   *command,
            QdActions     action,
            int           argc,
            char        **argv)
{
  gboolean approve = FALSE;
  gboolean all_matching = FALSE;
  const GOptionEntry own_with_approve[] = {
    { "approve-sender", 0, 0, G_OPTION_ARG_NONE, &approve,
      N_("Also approve the senders, so their mail is not held again"), NULL },
    { "all-matching", 0, 0, G_OPTION_ARG_NONE, &all_matching,
      N_("Every message matching the filters"), NULL },
  };
  gboolean can_approve = action == QD_ACTION_RELEASE || action == QD_ACTION_MOVE_TO_INBOX;
  g_autofree GOptionEntry *entries =
    qdesk_with_filters (can_approve ? own_with_approve : own_with_approve + 1,
                        can_approve ? 2 : 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(QdBatchResult) batch = NULL;
  g_auto(GStrv) ids = NULL;
  Progress progress = { command, isatty (STDERR_FILENO) };
  guint signal_source;

  if (!qdesk_parse (command, _("ID…"), entries, &argc, &argv))
    return QDESK_EXIT_USAGE;
  if (all_matching && argc > 1)
    return qdesk_usage_error (command, _("give either ids or --all-matching, not both"));
  if (!all_matching && argc < 2)
    return qdesk_usage_error (command, _("give the ids of the messages, or --all-matching"));
  if (qdesk_connect_gateway (ctx, TRUE, &error) == NULL)
    return qdesk_fail_gateway (ctx, error);
  if (ctx->client == NULL)
    {
      int status = check_action (ctx, command, action, approve);

      if (status != QDESK_EXIT_OK)
        return status;
    }

  if (all_matching)
    {
      g_autoptr(QdQuery) query = NULL;
      int status;

      if (!qdesk_filter_build (&query, &error))
        return qdesk_usage_error (command, error->message);
      if (action == QD_ACTION_MOVE_TO_INBOX)
        qd_query_set_folder (query, QD_FOLDER_JUNK);
      if ((status = qdesk_check_filters (ctx, command, query)) != QDESK_EXIT_OK)
        return status;
      ids = qdesk_collect_ids (ctx, query, &error);
      if (ids == NULL)
        return qdesk_fail (error);
      if (ids[0] == NULL)
        {
          g_print (_("No held messages match.\n"));
          return QDESK_EXIT_OK;
        }
    }
  else
    {
      ids = g_strdupv (argv + 1);
      /* The cloud API's calls take ids alone: the client learns from a
       * listing what each message allows and who sent it. */
      if (qd_gateway_get_kind (ctx->gateway) == QD_GATEWAY_KIND_CLOUD)
        {
          g_autoptr(QdQuery) everything = qd_query_new (QD_FOLDER_QUARANTINE);
          g_auto(GStrv) listed = qdesk_collect_ids (ctx, everything, &error);

          if (listed == NULL)
            return qdesk_fail (error);
        }
    }

  signal_source = g_unix_signal_add (SIGINT, interrupt_cb, cancellable);
  if (ctx->client != NULL)
    {
      qd_api_client_act_async (ctx->client, action, (const char * const *)ids, approve,
                               progress_cb, &progress, cancellable, qd_async_wait_result_cb,
                               &result);
      batch = qd_api_client_act_finish (ctx->client, qd_async_wait (&result), &error);
    }
  else
    {
      QdItemSource *source = qd_gateway_get_source (ctx->gateway, QD_FOLDER_QUARANTINE);

      qd_item_source_act_async (source, action, (const char * const *)ids, approve, progress_cb,
                                &progress, cancellable, qd_async_wait_result_cb, &result);
      batch = qd_item_source_act_finish (source, qd_async_wait (&result), &error);
    }
  g_source_remove (signal_source);
  if (progress.on_terminal)
    g_printerr ("\n");
  if (batch == NULL)
    return qdesk_fail (error);

  for (guint i = 0; i < batch->outcomes->len; i++)
    {
      QdOutcome *outcome = g_ptr_array_index (batch->outcomes, i);

      if (!outcome->ok)
        g_printerr ("%s: %s\n", outcome->id, outcome->error_message);
    }
  {
    g_autofree char *summary = summary_text (action, batch->succeeded);

    g_print ("%s\n", summary);
  }
  if (batch->failed > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE, "%u message failed (listed above).\n",
                          "%u messages failed (listed above).\n", batch->failed),
             batch->failed);
  if (batch->not_attempted > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE, "%u message was not attempted (listed above).\n",
                          "%u messages were not attempted (listed above).\n",
                          batch->not_attempted),
             batch->not_attempted);
  return batch->failed + batch->not_attempted > 0 ? QDESK_EXIT_PARTIAL : QDESK_EXIT_OK;
}

/* release, move-to-inbox, delete and block-sender: each command is named
 * as the API names its action. */
int
qdesk_cmd_action (QdeskContext  *ctx,
                  int            argc,
                  char         **argv)
{
  QdActions action;

  if (!qd_action_from_string (argv[0], &action))
    g_return_val_if_reached (QDESK_EXIT_USAGE);
  return run_action (ctx, argv[0], action, argc, argv);
}

int
qdesk_cmd_senders (QdeskContext  *ctx,
                   int            argc,
                   char         **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  QdSenderList list;

  if (!qdesk_parse ("senders", _("approved|blocked [add ADDR | remove ADDR]"), NULL, &argc,
                    &argv))
    return QDESK_EXIT_USAGE;
  if (argc < 2 || (!g_str_equal (argv[1], "approved") && !g_str_equal (argv[1], "blocked")))
    return qdesk_usage_error ("senders", _("say which list: approved or blocked"));
  list = g_str_equal (argv[1], "approved") ? QD_SENDER_LIST_APPROVED : QD_SENDER_LIST_BLOCKED;
  if (argc != 2 && !(argc == 4 && (g_str_equal (argv[2], "add") ||
                                   g_str_equal (argv[2], "remove"))))
    return qdesk_usage_error ("senders", _("use “add ADDRESS” or “remove ADDRESS”"));
  if (qdesk_connect_gateway (ctx, TRUE, &error) == NULL)
    return qdesk_fail_gateway (ctx, error);
  if (!(qd_gateway_get_capabilities (ctx->gateway) & QD_GATEWAY_CAN_SENDER_LISTS))
    return qdesk_cannot ("senders", _("this gateway keeps no sender lists."));

  if (argc == 4)
    {
      gboolean add = g_str_equal (argv[2], "add");

      qd_gateway_change_sender_async (ctx->gateway, list, argv[3], add, NULL,
                                      qd_async_wait_result_cb, &result);
      if (!qd_gateway_change_sender_finish (ctx->gateway, qd_async_wait (&result), &error))
        return qdesk_fail (error);
      if (add)
        g_print (list == QD_SENDER_LIST_APPROVED ? _("%s is now an approved sender.\n")
                                                 : _("%s is now a blocked sender.\n"), argv[3]);
      else
        g_print (_("%s was removed from the list.\n"), argv[3]);
      return QDESK_EXIT_OK;
    }

  qd_gateway_list_senders_async (ctx->gateway, list, NULL, qd_async_wait_result_cb, &result);
  {
    g_autoptr(GPtrArray) senders = qd_gateway_list_senders_finish (ctx->gateway,
                                                                   qd_async_wait (&result),
                                                                   &error);

    if (senders == NULL)
      return qdesk_fail (error);
    if (ctx->json)
      {
        g_autoptr(JsonBuilder) builder = json_builder_new ();

        json_builder_begin_object (builder);
        json_builder_set_member_name (builder, "senders");
        json_builder_begin_array (builder);
        for (guint i = 0; i < senders->len; i++)
          {
            QdSender *sender = g_ptr_array_index (senders, i);
            g_autofree char *added = sender->added_at
                                     ? g_date_time_format_iso8601 (sender->added_at) : NULL;

            json_builder_begin_object (builder);
            qd_json_builder_add_string (builder, "address", sender->address);
            qd_json_builder_add_string (builder, "added_at", added);
            json_builder_end_object (builder);
          }
        json_builder_end_array (builder);
        json_builder_end_object (builder);
        qdesk_print_json (builder);
        return QDESK_EXIT_OK;
      }
    if (senders->len == 0)
      g_print (list == QD_SENDER_LIST_APPROVED ? _("No approved senders.\n")
                                               : _("No blocked senders.\n"));
    for (guint i = 0; i < senders->len; i++)
      {
        QdSender *sender = g_ptr_array_index (senders, i);
        g_autofree char *added = qdesk_format_time (sender->added_at);
        g_autofree char *address = qdesk_fit (sender->address, 40);

        g_print ("%s  %s\n", address, added);
      }
  }
  return QDESK_EXIT_OK;
}
