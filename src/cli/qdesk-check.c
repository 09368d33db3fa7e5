/* qdesk-check.c — is this sample currently classified as spam?
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "qdesk.h"

int
qdesk_cmd_check (QdeskContext  *ctx,
                 int            argc,
                 char         **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(QdVerdict) verdict = NULL;

  if (!qdesk_parse ("check", _("FILE"), NULL, &argc, &argv))
    return QDESK_EXIT_USAGE;
  if (argc != 2)
    return qdesk_usage_error ("check", _("give one message file (.eml)"));

  file = g_mapped_file_new (argv[1], FALSE, &error);
  if (file == NULL)
    {
      g_printerr (_("qdesk: cannot read %s: %s\n"), argv[1], error->message);
      return QDESK_EXIT_USAGE;
    }
  bytes = g_mapped_file_get_bytes (file);
  if (g_bytes_get_size (bytes) == 0)
    {
      g_printerr (_("qdesk: %s is empty: save the whole message from your mail program as "
                    ".eml and try again.\n"), argv[1]);
      return QDESK_EXIT_USAGE;
    }
  if (qdesk_connect (ctx, TRUE, &error) == NULL)
    return qdesk_fail (error);

  qd_api_client_classify_async (ctx->client, bytes, NULL, qd_async_wait_result_cb, &result);
  verdict = qd_api_client_classify_finish (ctx->client, qd_async_wait (&result), &error);
  if (verdict == NULL)
    return qdesk_fail (error);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      qd_verdict_to_json (verdict, builder);
      qdesk_print_json (builder);
      return QDESK_EXIT_OK;
    }

  g_print ("%s\n", qd_verdict_get_summary (verdict));
  g_print (_("Verdict: %s — score %.1f, threshold %.1f\n"),
           verdict->kind == QD_VERDICT_KIND_SPAM ? _("spam")
           : verdict->kind == QD_VERDICT_KIND_GRAYMAIL ? _("graymail") : _("clean"),
           verdict->score, verdict->threshold);
  if (verdict->rules->len > 0)
    g_print (_("Matched rules:\n"));
  for (guint i = 0; i < verdict->rules->len; i++)
    {
      QdVerdictRule *rule = g_ptr_array_index (verdict->rules, i);

      g_print ("  %-28s %6.2f  %s\n", rule->name, rule->score,
               rule->description != NULL ? rule->description : "");
    }
  /* The verdict is the output, not an error. */
  return QDESK_EXIT_OK;
}
