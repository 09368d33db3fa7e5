/* qdesk-list.c — list and show
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "qdesk.h"

/* The filter options shared by list and --all-matching. */
static struct
{
  char *folder;
  char *reason;
  char *category;
  char *since;
  char *until;
  char *search;
} filters;

static GOptionEntry filter_entries[] = {
  { "folder", 0, 0, G_OPTION_ARG_STRING, &filters.folder, N_("quarantine (default) or junk"),
    N_("FOLDER") },
  { "reason", 0, 0, G_OPTION_ARG_STRING, &filters.reason,
    N_("graymail, spam, phishing, malware, policy (comma-separated)"), N_("REASON") },
  { "category", 0, 0, G_OPTION_ARG_STRING, &filters.category,
    N_("marketing, social, forum, bulk (comma-separated)"), N_("CATEGORY") },
  { "since", 0, 0, G_OPTION_ARG_STRING, &filters.since, N_("Received at or after"), N_("TIME") },
  { "until", 0, 0, G_OPTION_ARG_STRING, &filters.until, N_("Received before"), N_("TIME") },
  { "search", 0, 0, G_OPTION_ARG_STRING, &filters.search, N_("Text in the sender or subject"),
    N_("TEXT") },
};

static gboolean
parse_list (const char  *text,
            const char  *option,
            gboolean     category,
            guint       *bits,
            GError     **error)
{
  g_auto(GStrv) parts = NULL;

  *bits = 0;
  if (text == NULL)
    return TRUE;
  parts = g_strsplit (text, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      QdReason reason;
      QdCategory cat;
      const char *word = g_strstrip (parts[i]);

      if (!category && qd_reason_from_string (word, &reason))
        *bits |= 1u << reason;
      else if (category && qd_category_from_string (word, &cat) && cat != QD_CATEGORY_NONE)
        *bits |= 1u << cat;
      else
        {
          g_set_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT,
                       _("--%s: “%s” is not one of the known values"), option, word);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
parse_time_option (const char  *text,
                   const char  *option,
                   GDateTime  **out,
                   GError     **error)
{
  *out = NULL;
  if (text == NULL)
    return TRUE;
  *out = qd_parse_user_time (text);
  if (*out == NULL)
    {
      g_set_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT,
                   _("--%s: “%s” is not a time; write 2026-06-07T19:00:00+09:00 or "
                     "“2026-06-07 19:00”"), option, text);
      return FALSE;
    }
  return TRUE;
}

/* The filters but --folder, into @q. */
static gboolean
filter_build_rest (QdQuery  *q,
                   GError  **error)
{
  g_autoptr(GDateTime) since = NULL;
  g_autoptr(GDateTime) until = NULL;
  guint bits;

  if (!parse_list (filters.reason, "reason", FALSE, &bits, error))
    return FALSE;
  qd_query_set_reasons (q, bits);
  if (!parse_list (filters.category, "category", TRUE, &bits, error))
    return FALSE;
  qd_query_set_categories (q, bits);
  if (!parse_time_option (filters.since, "since", &since, error) ||
      !parse_time_option (filters.until, "until", &until, error))
    return FALSE;
  qd_query_set_since (q, since);
  qd_query_set_until (q, until);
  qd_query_set_search (q, filters.search);
  return TRUE;
}

gboolean
qdesk_filter_build (QdQuery **query,
                    GError  **error)
{
  g_autoptr(QdQuery) q = qd_query_new (QD_FOLDER_QUARANTINE);
  QdFolder folder = QD_FOLDER_QUARANTINE;

  if (filters.folder != NULL && !qd_folder_from_string (filters.folder, &folder))
    {
      g_set_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT,
                   _("--folder must be quarantine or junk"));
      return FALSE;
    }
  qd_query_set_folder (q, folder);
  if (!filter_build_rest (q, error))
    return FALSE;
  *query = g_steal_pointer (&q);
  return TRUE;
}

/* The same filters for the person's own mailbox, where --folder is junk
 * (the default) or inbox. */
gboolean
qdesk_filter_build_mailbox (QdQuery         **query,
                            QdMailboxFolder  *folder,
                            GError          **error)
{
  g_autoptr(QdQuery) q = qd_query_new (QD_FOLDER_JUNK);

  *folder = QD_MAILBOX_FOLDER_JUNK;
  if (filters.folder != NULL && g_ascii_strcasecmp (filters.folder, "inbox") == 0)
    *folder = QD_MAILBOX_FOLDER_INBOX;
  else if (filters.folder != NULL && g_ascii_strcasecmp (filters.folder, "junk") != 0)
    {
      g_set_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT,
                   _("--folder must be junk or inbox"));
      return FALSE;
    }
  /* The gateway's verdicts are not in a mailbox: say so rather than
   * list more than was asked for. */
  if (filters.reason != NULL || filters.category != NULL)
    {
      g_set_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT,
                   _("--reason and --category filter the gateway’s quarantine, not a mailbox"));
      return FALSE;
    }
  if (!filter_build_rest (q, error))
    return FALSE;
  *query = g_steal_pointer (&q);
  return TRUE;
}

/**
 * qdesk_with_filters:
 *
 * Returns: (transfer full): a command's own options followed by the filters
 */
GOptionEntry *
qdesk_with_filters (const GOptionEntry *own,
                    gsize               n_own)
{
  GOptionEntry *all = g_new0 (GOptionEntry, n_own + G_N_ELEMENTS (filter_entries) + 1);

  memcpy (all, own, n_own * sizeof (GOptionEntry));
  memcpy (all + n_own, filter_entries, sizeof filter_entries);
  return all;
}

/* --limit and --all, parsed to @limit, followed by the filters */
static GOptionEntry *
with_limit_and_filters (QdeskLimit *limit)
{
  const GOptionEntry own[] = {
    { "limit", 'n', 0, G_OPTION_ARG_INT, &limit->limit, N_("At most N messages (default 50)"),
      N_("N") },
    { "all", 0, 0, G_OPTION_ARG_NONE, &limit->all, N_("Every matching message"), NULL },
  };

  return qdesk_with_filters (own, G_N_ELEMENTS (own));
}

/**
 * qdesk_parse_listing:
 * @limit: where --limit and --all are parsed to
 *
 * Parses the options of a command that lists (a limit and the filters,
 * no arguments).
 *
 * Returns: QDESK_EXIT_OK, or the exit status of the usage error
 */
int
qdesk_parse_listing (const char   *command,
                     QdeskLimit   *limit,
                     int          *argc,
                     char       ***argv)
{
  g_autofree GOptionEntry *entries = with_limit_and_filters (limit);

  if (!qdesk_parse (command, NULL, entries, argc, argv))
    return QDESK_EXIT_USAGE;
  if (*argc > 1)
    return qdesk_usage_error (command, _("unexpected arguments; filters are options"));
  if (limit->all && limit->limit > 0)
    return qdesk_usage_error (command, _("give either --limit or --all"));
  if (limit->limit < 0)
    return qdesk_usage_error (command, _("--limit must be positive"));
  return QDESK_EXIT_OK;
}

/* How many messages to show: 0 for --all, else --limit or 50. */
guint
qdesk_limit_count (const QdeskLimit *limit)
{
  return limit->all ? 0 : limit->limit > 0 ? (guint)limit->limit : 50;
}

/**
 * qdesk_check_filters:
 *
 * For a gateway of another kind than ours, which asks its source what it
 * can do: a folder it does not keep, or a filter it cannot apply, is said
 * in one sentence as a usage error.
 *
 * Returns: QDESK_EXIT_OK, or the status of the refusal
 */
int
qdesk_check_filters (QdeskContext  *ctx,
                     const char    *command,
                     const QdQuery *query)
{
  QdItemSource *source;
  QdSourceFeatures features;

  if (ctx->client != NULL)
    return QDESK_EXIT_OK;
  source = qd_gateway_get_source (ctx->gateway, qd_query_get_folder (query));
  if (source == NULL)
    return qdesk_cannot (command, _("--folder junk: this gateway keeps no Junk folder."));
  features = qd_item_source_get_features (source);
  if (qd_query_get_reasons (query) != 0 && !(features & QD_SOURCE_FEATURE_FILTER_REASON))
    return qdesk_cannot (command, _("--reason: this gateway cannot filter by reason."));
  if (qd_query_get_categories (query) != 0 && !(features & QD_SOURCE_FEATURE_FILTER_CATEGORY))
    return qdesk_cannot (command, _("--category: this gateway cannot filter by category."));
  return QDESK_EXIT_OK;
}

/* Pages of a source of any kind, one after the other, handed to @each in
 * this thread.  Proxmox Mail Gateway answers a whole day per request, and
 * a page that ends inside a day asks for that day again: --all takes it in
 * one page, so that a week costs the eight requests of its windows
 * (bench/pmg). */
#define SOURCE_PAGE     500
#define PMG_SOURCE_PAGE G_MAXINT

static gboolean
for_each_source_page (QdeskContext  *ctx,
                      QdQuery       *query,
                      guint          max,
                      GFunc          each,
                      gpointer       data,
                      GError       **error)
{
  QdItemSource *source = qd_gateway_get_source (ctx->gateway, qd_query_get_folder (query));
  g_autofree char *cursor = NULL;
  guint page_size = qd_gateway_get_kind (ctx->gateway) == QD_GATEWAY_KIND_PMG
                    ? PMG_SOURCE_PAGE : SOURCE_PAGE;
  guint got = 0;

  g_return_val_if_fail (source != NULL, FALSE);
  do
    {
      g_autoptr(GAsyncResult) result = NULL;
      QdItemPage *page;
      guint want = max == 0 ? page_size : MIN (page_size, max - got);

      qd_item_source_list_async (source, query, cursor, want, NULL, qd_async_wait_result_cb,
                                 &result);
      page = qd_item_source_list_finish (source, qd_async_wait (&result), error);
      if (page == NULL)
        return FALSE;
      got += page->items->len;
      g_free (cursor);
      cursor = g_strdup (page->next_cursor);
      /* A page without items but with a cursor would go round for ever. */
      if (page->items->len == 0)
        g_clear_pointer (&cursor, g_free);
      each (page, data);
    }
  while (cursor != NULL && (max == 0 || got < max));
  return TRUE;
}

static void
push_page (QdItemPage *page,
           gpointer    pool)
{
  g_thread_pool_push (pool, page, NULL);
}

/* Hands every page, in order, to @each in one worker thread: the client
 * goes on fetching while a page is printed, so printing does not add to
 * the time the gateway takes.  Returns once @each is done with every page
 * that came, on success and on failure alike.  Stops after @max items
 * (0 = all). */
static gboolean
for_each_page (QdeskContext  *ctx,
               QdQuery       *query,
               guint          max,
               GFunc          each,
               gpointer       data,
               GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  /* One thread: a GThreadPool of one takes its queue first in, first out. */
  GThreadPool *pool;
  gboolean ok;

  if (ctx->client == NULL)
    return for_each_source_page (ctx, query, max, each, data, error);
  pool = g_thread_pool_new (each, data, 1, TRUE, NULL);
  qd_api_client_list_pages_async (ctx->client, query, max, push_page, pool, NULL,
                                  qd_async_wait_result_cb, &result);
  ok = qd_api_client_list_pages_finish (ctx->client, qd_async_wait (&result), error);
  g_thread_pool_free (pool, FALSE, TRUE);
  return ok;
}


typedef struct
{
  const QdeskContext *ctx;
  gboolean first;
  gboolean header_done;
  guint    printed;
  gint64   total;
} ListOutput;

/* One builder and one generator serve a whole page. */
static void
print_items_json (ListOutput *out,
                  GPtrArray  *items)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < items->len; i++)
    {
      g_autoptr(JsonNode) root = NULL;

      json_builder_reset (builder);
      qd_item_to_json (g_ptr_array_index (items, i), builder);
      root = json_builder_get_root (builder);
      json_generator_set_root (generator, root);
      g_string_append (text, out->printed > 0 ? ",\n    " : "\n    ");
      json_generator_to_gstring (generator, text);
      out->printed++;
    }
  fwrite (text->str, 1, text->len, stdout);
}

static void
print_item_row (QdItem *item)
{
  g_autofree char *received = qdesk_format_time (qd_item_get_received_at (item));
  g_autofree char *size = qd_format_size (qd_item_get_size (item));
  g_autofree char *reason = NULL;
  g_autofree char *id = qdesk_fit (qd_item_get_id (item), 8);
  g_autofree char *address = qd_address_for_display (qd_item_get_from_address (item));
  g_autofree char *from = qdesk_fit (address, 30);
  g_autofree char *why = NULL;
  g_autofree char *size_cell = NULL;
  g_autofree char *subject = qdesk_fit (qd_item_get_subject (item), 40);

  if (qd_item_get_category (item) != QD_CATEGORY_NONE)
    reason = g_strdup_printf ("%s: %s", qd_reason_get_label (qd_item_get_reason (item)),
                              qd_category_get_label (qd_item_get_category (item)));
  else
    reason = g_strdup (qd_reason_get_label (qd_item_get_reason (item)));
  why = qdesk_fit (reason, 26);
  size_cell = qdesk_fit (size, 9);
  g_print ("%s  %s  %s  %s  %s  %s\n", id, received, from, why, size_cell, subject);
}

/* Runs in for_each_page()'s worker thread, which owns @page. */
static void
print_page (gpointer page_data,
            gpointer data)
{
  g_autoptr(QdItemPage) page = page_data;
  ListOutput *out = data;

  out->total = page->total;
  if (out->ctx->json)
    {
      if (!out->header_done)
        {
          g_print ("{\n  \"total\": %" G_GINT64_FORMAT ",\n  \"items\": [", page->total);
          out->header_done = TRUE;
        }
      print_items_json (out, page->items);
    }
  else
    {
      if (!out->header_done && page->items->len > 0)
        {
          g_autofree char *h1 = qdesk_fit (_("ID"), 8);
          g_autofree char *h2 = qdesk_fit (_("Received"), 16);
          g_autofree char *h3 = qdesk_fit (_("From"), 30);
          g_autofree char *h4 = qdesk_fit (_("Reason"), 26);
          g_autofree char *h5 = qdesk_fit (_("Size"), 9);

          g_print ("%s  %s  %s  %s  %s  %s\n", h1, h2, h3, h4, h5, _("Subject"));
          out->header_done = TRUE;
        }
      for (guint i = 0; i < page->items->len; i++)
        print_item_row (g_ptr_array_index (page->items, i));
      out->printed += page->items->len;
    }
  fflush (stdout);
}

int
qdesk_cmd_list (QdeskContext  *ctx,
                int            argc,
                char         **argv)
{
  QdeskLimit limit = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(QdQuery) query = NULL;
  ListOutput out = { 0 };
  int status;

  if ((status = qdesk_parse_listing ("list", &limit, &argc, &argv)) != QDESK_EXIT_OK)
    return status;
  if (!qdesk_filter_build (&query, &error))
    return qdesk_usage_error ("list", error->message);
  /* Listing asks /info for the page size first. */
  ctx->want_info = TRUE;
  if (qdesk_connect_gateway (ctx, TRUE, &error) == NULL)
    return qdesk_fail_gateway (ctx, error);
  if ((status = qdesk_check_filters (ctx, "list", query)) != QDESK_EXIT_OK)
    return status;

  out.ctx = ctx;
  if (!for_each_page (ctx, query, qdesk_limit_count (&limit), print_page, &out, &error))
    {
      /* The JSON document is left open: a script must not take the pages
       * before the failure for the whole list (exit status and message
       * say what happened). */
      if (ctx->json && out.header_done)
        g_print ("\n");
      return qdesk_fail (error);
    }

  if (ctx->json)
    {
      if (!out.header_done)
        g_print ("{\n  \"total\": %" G_GINT64_FORMAT ",\n  \"items\": [", out.total);
      g_print ("\n  ]\n}\n");
    }
  else if (out.printed == 0)
    g_print (_("No held messages match.\n"));
  else if (out.total > (gint64)out.printed)
    {
      /* A plain %s: xgettext cannot see through G_GINT64_FORMAT. */
      g_autofree char *total = g_strdup_printf ("%" G_GINT64_FORMAT, out.total);

      g_print (_("%u of %s messages shown; use --all for every one.\n"), out.printed, total);
    }
  return QDESK_EXIT_OK;
}

GStrv
qdesk_collect_ids (QdeskContext  *ctx,
                   QdQuery       *query,
                   GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  QdItemSource *source;

  if (ctx->client != NULL)
    {
      qd_api_client_list_ids_async (ctx->client, query, NULL, qd_async_wait_result_cb, &result);
      return qd_api_client_list_ids_finish (ctx->client, qd_async_wait (&result), error);
    }
  source = qd_gateway_get_source (ctx->gateway, qd_query_get_folder (query));
  g_return_val_if_fail (source != NULL, NULL);
  qd_item_source_list_ids_async (source, query, NULL, qd_async_wait_result_cb, &result);
  return qd_item_source_list_ids_finish (source, qd_async_wait (&result), error);
}

static void
print_field (const char *label,
             const char *value)
{
  g_autofree char *cell = qdesk_fit (label, 14);

  if (value != NULL && value[0] != '\0')
    g_print ("%s%s\n", cell, value);
}

/* Attachments, what was not loaded, and the text. */
static void
print_view_rest (QdMessageView *view)
{
  for (guint i = 0; i < view->attachments->len; i++)
    {
      QdAttachment *a = g_ptr_array_index (view->attachments, i);
      g_autofree char *size = qd_format_size (a->size);
      g_autofree char *line = g_strdup_printf ("%s (%s, %s)", a->filename[0] ? a->filename : "—",
                                               a->content_type, size);

      print_field (i == 0 ? _("Attachments:") : "", line);
    }
  if (view->n_remote > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE,
                          "(%u remote image or resource was not loaded.)\n",
                          "(%u remote images or resources were not loaded.)\n",
                          view->n_remote), view->n_remote);
  g_print ("\n%s\n", view->text);
}

int
qdesk_cmd_show (QdeskContext  *ctx,
                int            argc,
                char         **argv)
{
  gboolean raw = FALSE;
  GOptionEntry entries[] = {
    { "raw", 0, 0, G_OPTION_ARG_NONE, &raw, N_("Write the original message, byte for byte"),
      NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) item_result = NULL;
  g_autoptr(GAsyncResult) raw_result = NULL;
  g_autoptr(QdItem) item = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(QdMessageView) view = NULL;
  g_autofree char *received = NULL;
  g_autofree char *held = NULL;
  g_autofree char *rules = NULL;
  const char *rule;
  QdItemSource *source;

  if (!qdesk_parse ("show", _("ID"), entries, &argc, &argv))
    return QDESK_EXIT_USAGE;
  if (argc != 2)
    return qdesk_usage_error ("show", _("give one message id"));
  if (qdesk_connect_gateway (ctx, TRUE, &error) == NULL)
    return qdesk_fail_gateway (ctx, error);
  if (raw && !(qd_gateway_get_capabilities (ctx->gateway) & QD_GATEWAY_CAN_RAW))
    return qdesk_cannot ("show", _("--raw: this gateway gives a preview of the message, not "
                                   "the original."));

  source = qd_gateway_get_source (ctx->gateway, QD_FOLDER_QUARANTINE);
  qd_item_source_get_raw_async (source, argv[1], NULL, qd_async_wait_result_cb, &raw_result);
  bytes = qd_item_source_get_raw_finish (source, qd_async_wait (&raw_result), &error);
  if (bytes == NULL)
    return qdesk_fail (error);
  if (raw)
    {
      gsize size;
      const guint8 *data = g_bytes_get_data (bytes, &size);

      /* Bytes as stored: the terminal is the caller's business here. */
      if (fwrite (data, 1, size, stdout) != size)
        return QDESK_EXIT_PARTIAL;
      return QDESK_EXIT_OK;
    }

  /* Why it is held, where the kind says it of one message; the cloud API
   * says it only in listings. */
  if (ctx->client != NULL)
    {
      qd_api_client_get_item_async (ctx->client, argv[1], NULL, qd_async_wait_result_cb,
                                    &item_result);
      item = qd_api_client_get_item_finish (ctx->client, qd_async_wait (&item_result), &error);
    }
  else if (QD_IS_PMG_CLIENT (ctx->gateway))
    {
      qd_pmg_client_get_item_async (QD_PMG_CLIENT (ctx->gateway), argv[1], NULL,
                                    qd_async_wait_result_cb, &item_result);
      item = qd_pmg_client_get_item_finish (QD_PMG_CLIENT (ctx->gateway),
                                            qd_async_wait (&item_result), &error);
    }
  if (item == NULL && error != NULL)
    return qdesk_fail (error);

  view = qd_message_view_new (bytes);
  if (item == NULL)
    {
      print_field (_("From:"), view->from);
      print_field (_("Reply-To:"), view->reply_to);
      print_field (_("To:"), view->to);
      print_field (_("Cc:"), view->cc);
      print_field (_("Subject:"), view->subject);
      print_view_rest (view);
      return QDESK_EXIT_OK;
    }
  received = qdesk_format_time (qd_item_get_received_at (item));
  /* PMG names no policy rule: the spam rules it matched stand for it. */
  rule = qd_item_get_policy_rule (item);
  if (rule == NULL && qd_item_get_rules (item) != NULL)
    rule = rules = g_strjoinv (", ", (GStrv)qd_item_get_rules (item));
  if (rule == NULL)
    rule = "—";
  if (qd_item_get_category (item) != QD_CATEGORY_NONE)
    held = g_strdup_printf ("%s: %s — %s (%.1f)", qd_reason_get_label (qd_item_get_reason (item)),
                            qd_category_get_label (qd_item_get_category (item)),
                            rule, qd_item_get_score (item));
  else
    held = g_strdup_printf ("%s — %s (%.1f)", qd_reason_get_label (qd_item_get_reason (item)),
                            rule, qd_item_get_score (item));

  print_field (_("From:"), view->from);
  print_field (_("Sender:"), qd_item_get_envelope_sender (item));
  print_field (_("Reply-To:"), view->reply_to);
  print_field (_("To:"), view->to);
  print_field (_("Cc:"), view->cc);
  print_field (_("Received:"), received);
  print_field (_("Subject:"), view->subject);
  print_field (_("Held as:"), held);
  print_view_rest (view);
  return QDESK_EXIT_OK;
}
