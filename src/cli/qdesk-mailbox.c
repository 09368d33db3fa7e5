/* qdesk-mailbox.c — qdesk mailbox login, list, move-to-inbox, report and logout: your IMAP mailbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "qdesk.h"

/* Headers fetched per UID FETCH while listing. */
#define PAGE_SIZE 500

static gboolean
mailbox_sign_in (QdMailbox   *mailbox,
                 const char  *user,
                 const char  *password,
                 GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  qd_mailbox_connect_async (mailbox, user, password, NULL, qd_async_wait_result_cb, &result);
  return qd_mailbox_connect_finish (mailbox, qd_async_wait (&result), error);
}

static QdMailbox *
mailbox_new (QdeskContext    *ctx,
             const char      *host,
             guint16          port,
             QdSmtpSecurity   security,
             GError         **error)
{
  g_autoptr(QdMailbox) mailbox = qd_mailbox_new (host, port, security, error);

  if (mailbox == NULL)
    return NULL;
  qd_mailbox_set_ca_file (mailbox, ctx->ca_file);
  return g_steal_pointer (&mailbox);
}

/* The mailbox of the settings, signed in with the keyring's password. */
static QdMailbox *
mailbox_open (QdeskContext  *ctx,
              GError       **error)
{
  g_autofree char *host = g_settings_get_string (ctx->settings, "imap-host");
  g_autofree char *user = g_settings_get_string (ctx->settings, "imap-user");
  g_autofree char *security_name = g_settings_get_string (ctx->settings, "imap-security");
  g_autofree char *server = NULL;
  g_autoptr(QdMailbox) mailbox = NULL;
  g_autoptr(GError) local_error = NULL;
  QdSmtpSecurity security = QD_SMTP_SECURITY_TLS;
  char *password;
  gboolean done;

  if (host[0] == '\0' || user[0] == '\0')
    {
      g_set_error_literal (error, QD_ERROR, QD_ERROR_NOT_SIGNED_IN,
                           _("No mailbox is signed in. Sign in first: qdesk mailbox login "
                             "--imap HOST:PORT --security tls --user NAME"));
      return NULL;
    }
  qd_smtp_security_from_string (security_name, &security);
  mailbox = mailbox_new (ctx, host, (guint16)g_settings_get_int (ctx->settings, "imap-port"),
                         security, error);
  if (mailbox == NULL)
    return NULL;
  server = qd_mailbox_dup_server (mailbox);
  password = qd_keyring_lookup_sync (QD_SECRET_IMAP_PASSWORD, server, user, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (password == NULL)
    {
      g_set_error (error, QD_ERROR, QD_ERROR_NOT_SIGNED_IN,
                   _("The password of the mailbox %s is not in the keyring. Sign in again: "
                     "qdesk mailbox login"), server);
      return NULL;
    }
  done = mailbox_sign_in (mailbox, user, password, error);
  qd_secret_free (password);
  return done ? g_steal_pointer (&mailbox) : NULL;
}

static int
cmd_login (QdeskContext  *ctx,
           int            argc,
           char         **argv)
{
  g_autofree char *server_text = NULL;
  g_autofree char *security_name = NULL;
  g_autofree char *user = NULL;
  gboolean password_stdin = FALSE;
  GOptionEntry entries[] = {
    { "imap", 0, 0, G_OPTION_ARG_STRING, &server_text, N_("The IMAP server of your mailbox"),
      N_("HOST:PORT") },
    { "security", 0, 0, G_OPTION_ARG_STRING, &security_name,
      N_("tls (default), starttls, or none (this computer only)"), N_("SECURITY") },
    { "user", 'u', 0, G_OPTION_ARG_STRING, &user, N_("User name on the mail server"),
      N_("NAME") },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
      N_("Read the password from the first line of standard input"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(QdMailbox) mailbox = NULL;
  g_autoptr(QdMailboxFolders) folders = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *host = NULL;
  g_autofree char *server = NULL;
  g_autofree char *prompt = NULL;
  QdSmtpSecurity security = QD_SMTP_SECURITY_TLS;
  guint16 port = 0;
  char *password;
  gboolean done;

  if (!qdesk_parse ("mailbox login", NULL, entries, &argc, &argv))
    return QDESK_EXIT_USAGE;
  if (argc > 1)
    return qdesk_usage_error ("mailbox login", _("unexpected arguments"));
  if (server_text == NULL || !qd_smtp_parse_server (server_text, &host, &port))
    return qdesk_usage_error ("mailbox login", _("give the IMAP server with --imap HOST:PORT"));
  if (security_name != NULL && !qd_smtp_security_from_string (security_name, &security))
    return qdesk_usage_error ("mailbox login", _("--security must be none, starttls or tls"));
  if (user == NULL || user[0] == '\0')
    return qdesk_usage_error ("mailbox login", _("give your user name with --user NAME"));

  mailbox = mailbox_new (ctx, host, port, security, &error);
  if (mailbox == NULL)
    return qdesk_fail (error);
  server = qd_mailbox_dup_server (mailbox);
  prompt = g_strdup_printf (_("Password for %s at %s: "), user, server);
  password = qdesk_read_password (password_stdin, prompt);
  if (password == NULL || password[0] == '\0')
    {
      g_free (password);
      return qdesk_usage_error ("mailbox login",
                                _("no password: type it at the prompt, or pass "
                                  "--password-stdin and write it to standard input"));
    }
  done = mailbox_sign_in (mailbox, user, password, &error);
  if (done)
    {
      qd_mailbox_find_folders_async (mailbox, NULL, qd_async_wait_result_cb, &result);
      folders = qd_mailbox_find_folders_finish (mailbox, qd_async_wait (&result), &error);
    }
  if (folders == NULL)
    {
      qd_secret_free (password);
      return qdesk_fail (error);
    }

  /* Where and who in the settings; the password in the keyring only. */
  g_settings_set_string (ctx->settings, "imap-host", host);
  g_settings_set_int (ctx->settings, "imap-port", qd_mailbox_get_port (mailbox));
  g_settings_set_string (ctx->settings, "imap-security", qd_smtp_security_to_string (security));
  g_settings_set_string (ctx->settings, "imap-user", user);
  if (!qd_keyring_store_sync (QD_SECRET_IMAP_PASSWORD, server, user, password, &error))
    {
      qd_secret_free (password);
      return qdesk_fail (error);
    }
  qd_secret_free (password);
  g_settings_set_boolean (ctx->settings, "password-remembered", TRUE);

  g_print (_("Signed in to the mailbox %s as %s.\n"), server, user);
  if (folders->junk != NULL)
    g_print (_("Junk folder: %s\n"), folders->junk);
  else
    g_print (_("This mailbox has no Junk folder.\n"));
  return QDESK_EXIT_OK;
}

static int
cmd_logout (QdeskContext  *ctx,
            int            argc,
            char         **argv)
{
  g_autofree char *host = g_settings_get_string (ctx->settings, "imap-host");
  g_autofree char *user = g_settings_get_string (ctx->settings, "imap-user");
  g_autofree char *server = NULL;
  g_autoptr(GError) error = NULL;
  int port = g_settings_get_int (ctx->settings, "imap-port");

  if (!qdesk_parse ("mailbox logout", NULL, NULL, &argc, &argv))
    return QDESK_EXIT_USAGE;
  if (host[0] == '\0')
    {
      g_print (_("No mailbox is signed in.\n"));
      return QDESK_EXIT_OK;
    }
  {
    g_autofree char *security_name = g_settings_get_string (ctx->settings, "imap-security");
    QdSmtpSecurity security = QD_SMTP_SECURITY_TLS;
    g_autoptr(QdMailbox) mailbox = NULL;

    /* The keyring names the server with the port the mailbox uses. */
    qd_smtp_security_from_string (security_name, &security);
    mailbox = qd_mailbox_new (host, (guint16)port, security, &error);
    if (mailbox == NULL)
      return qdesk_fail (error);
    server = qd_mailbox_dup_server (mailbox);
  }
  if (!qd_keyring_clear_sync (QD_SECRET_IMAP_PASSWORD, server, user, &error))
    return qdesk_fail (error);
  g_settings_reset (ctx->settings, "imap-host");
  g_settings_reset (ctx->settings, "imap-port");
  g_settings_reset (ctx->settings, "imap-security");
  g_settings_reset (ctx->settings, "imap-user");
  g_print (_("Signed out of the mailbox %s; the stored password was removed.\n"), server);
  return QDESK_EXIT_OK;
}

static QdMailboxListing *
run_list (QdMailbox        *mailbox,
          QdMailboxFolder   folder,
          QdQuery          *query,
          GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  qd_mailbox_list_async (mailbox, folder, query, NULL, qd_async_wait_result_cb, &result);
  return qd_mailbox_list_finish (mailbox, qd_async_wait (&result), error);
}

static void
print_item_json (QdMailboxItem *item)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "uid");
  json_builder_add_int_value (builder, item->uid);
  json_builder_set_member_name (builder, "uidvalidity");
  json_builder_add_int_value (builder, item->uidvalidity);
  qd_json_builder_add_date_time (builder, "received_at", item->received_at);
  qd_json_builder_add_string (builder, "from", item->from);
  qd_json_builder_add_string (builder, "from_address", item->from_address);
  qd_json_builder_add_string (builder, "subject", item->subject);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, item->size);
  qd_json_builder_add_string (builder, "message_id", item->message_id);
  qd_json_builder_add_string (builder, "category", item->category);
  json_builder_end_object (builder);
  text = qd_json_to_string (builder, FALSE);
  fputs (text, stdout);
}

static void
print_item_row (QdMailboxItem *item)
{
  g_autofree char *uid = g_strdup_printf ("%u", item->uid);
  g_autofree char *uid_cell = qdesk_fit (uid, 8);
  g_autofree char *received = item->received_at != NULL
                              ? qdesk_format_time (item->received_at) : g_strdup ("");
  g_autofree char *received_cell = qdesk_fit (received, 16);
  g_autofree char *address = NULL;
  g_autofree char *from = NULL;
  g_autofree char *size = qd_format_size (item->size);
  g_autofree char *size_cell = qdesk_fit (size, 9);
  g_autofree char *subject = qdesk_fit (item->subject, 40);

  if (item->from != NULL && item->from_address != NULL &&
      g_strcmp0 (item->from, item->from_address) != 0)
    address = g_strdup_printf ("%s <%s>", item->from, item->from_address);
  else
    address = g_strdup (item->from_address != NULL ? item->from_address : item->from);
  from = qdesk_fit (address, 36);
  g_print ("%s  %s  %s  %s  %s\n", uid_cell, received_cell, from, size_cell, subject);
}

static int
cmd_list (QdeskContext  *ctx,
          int            argc,
          char         **argv)
{
  QdeskLimit limit = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(QdQuery) query = NULL;
  g_autoptr(QdMailbox) mailbox = NULL;
  g_autoptr(QdMailboxListing) listing = NULL;
  QdMailboxFolder folder;
  guint count, max;
  guint printed = 0;
  int status;

  if ((status = qdesk_parse_listing ("mailbox list", &limit, &argc, &argv)) != QDESK_EXIT_OK)
    return status;
  if (!qdesk_filter_build_mailbox (&query, &folder, &error))
    return qdesk_usage_error ("mailbox list", error->message);
  mailbox = mailbox_open (ctx, &error);
  if (mailbox == NULL)
    return qdesk_fail (error);
  listing = run_list (mailbox, folder, query, &error);
  if (listing == NULL)
    return qdesk_fail (error);

  count = qdesk_limit_count (&limit);
  max = count == 0 ? listing->uids->len : MIN (listing->uids->len, count);
  if (ctx->json)
    {
      g_autoptr(JsonNode) name = json_node_init_string (json_node_alloc (), listing->folder_name);
      g_autofree char *name_json = json_to_string (name, FALSE);

      g_print ("{\n  \"folder\": %s,\n  \"uidvalidity\": %u,\n  \"total\": %u,\n"
               "  \"items\": [", name_json, listing->uidvalidity, listing->uids->len);
    }
  for (guint offset = 0; offset < max; offset += PAGE_SIZE)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GPtrArray) items = NULL;

      qd_mailbox_fetch_items_async (mailbox, listing, offset, MIN (PAGE_SIZE, max - offset), NULL,
                                    qd_async_wait_result_cb, &result);
      items = qd_mailbox_fetch_items_finish (mailbox, qd_async_wait (&result), &error);
      if (items == NULL)
        {
          /* The JSON document is left open, as qdesk list does: a script
           * must not take part of the list for the whole. */
          if (ctx->json)
            g_print ("\n");
          return qdesk_fail (error);
        }
      for (guint i = 0; i < items->len; i++)
        {
          if (ctx->json)
            {
              fputs (printed > 0 ? ",\n    " : "\n    ", stdout);
              print_item_json (g_ptr_array_index (items, i));
            }
          else
            {
              if (printed == 0)
                {
                  g_autofree char *h1 = qdesk_fit (_("UID"), 8);
                  g_autofree char *h2 = qdesk_fit (_("Received"), 16);
                  g_autofree char *h3 = qdesk_fit (_("From"), 36);
                  g_autofree char *h4 = qdesk_fit (_("Size"), 9);

                  g_print ("%s  %s  %s  %s  %s\n", h1, h2, h3, h4, _("Subject"));
                }
              print_item_row (g_ptr_array_index (items, i));
            }
          printed++;
        }
      fflush (stdout);
    }

  if (ctx->json)
    g_print ("\n  ]\n}\n");
  else if (printed == 0)
    g_print (_("No messages in %s match.\n"), listing->folder_name);
  else if (listing->uids->len > printed)
    g_print (_("%u of %u messages shown; use --all for every one.\n"), printed,
             listing->uids->len);
  return QDESK_EXIT_OK;
}

/* Which UIDs did not move, and why; the exit status of the move. */
static int
print_not_moved (QdMailboxMoveResult *moved)
{
  GString *list;
  guint shown = 0;

  if (moved->n_failed == 0)
    return QDESK_EXIT_OK;
  list = g_string_new (NULL);
  for (guint i = 0; i < moved->uids->len; i++)
    if (g_array_index (moved->statuses, QdMailboxMoveStatus, i) == QD_MAILBOX_MOVE_FAILED)
      {
        /* Enough to see which; the count above says how many. */
        if (++shown > 20)
          {
            g_string_append (list, " …");
            break;
          }
        g_string_append_printf (list, list->len > 0 ? " %u" : "%u",
                                g_array_index (moved->uids, guint32, i));
      }
  g_printerr (_("Not moved (UIDs): %s\n"), list->str);
  g_string_free (list, TRUE);
  if (moved->error != NULL)
    g_printerr ("qdesk: %s\n", moved->error->message);
  return QDESK_EXIT_PARTIAL;
}

/* How many moved, which UIDs did not and why; the exit status of the move. */
static int
print_moved (QdBatchResult *moved,
             gboolean       approve)
{
  g_autoptr(GPtrArray) reasons = g_ptr_array_new ();
  GString *list;
  guint n_gone = 0;
  guint shown = 0;

  for (guint i = 0; i < moved->outcomes->len; i++)
    {
      QdOutcome *outcome = g_ptr_array_index (moved->outcomes, i);

      n_gone += g_strcmp0 (outcome->error_code, "gone_from_junk") == 0;
    }
  g_print (_("Moved to INBOX: %u. No longer in Junk (moved or deleted before): %u. "
             "Not moved: %u.\n"), moved->succeeded, n_gone,
           moved->failed + moved->not_attempted - n_gone);
  if (approve && moved->succeeded > 0)
    g_print (_("The senders of the moved messages are approved at the gateway.\n"));
  if (moved->failed + moved->not_attempted == n_gone)
    return QDESK_EXIT_OK;

  list = g_string_new (NULL);
  for (guint i = 0; i < moved->outcomes->len; i++)
    {
      QdOutcome *outcome = g_ptr_array_index (moved->outcomes, i);
      guint32 uidvalidity, uid;

      if (outcome->ok || g_strcmp0 (outcome->error_code, "gone_from_junk") == 0)
        continue;
      if (outcome->error_message != NULL &&
          !g_ptr_array_find_with_equal_func (reasons, outcome->error_message, g_str_equal, NULL))
        g_ptr_array_add (reasons, outcome->error_message);
      /* Enough to see which; the count above says how many. */
      if (++shown == 21)
        g_string_append (list, " …");
      if (shown > 20 || !qd_mailbox_source_parse_id (outcome->id, &uidvalidity, &uid))
        continue;
      g_string_append_printf (list, list->len > 0 ? " %u" : "%u", uid);
    }
  g_printerr (_("Not moved (UIDs): %s\n"), list->str);
  g_string_free (list, TRUE);
  for (guint i = 0; i < reasons->len; i++)
    g_printerr ("qdesk: %s\n", (const char *)g_ptr_array_index (reasons, i));
  return QDESK_EXIT_PARTIAL;
}

static int
cmd_move_to_inbox (QdeskContext  *ctx,
                   int            argc,
                   char         **argv)
{
  gboolean all_matching = FALSE;
  gboolean approve = FALSE;
  gint64 uidvalidity = 0;
  const GOptionEntry own[] = {
    { "all-matching", 0, 0, G_OPTION_ARG_NONE, &all_matching,
      N_("Every message that matches the filters"), NULL },
    { "uidvalidity", 0, 0, G_OPTION_ARG_INT64, &uidvalidity,
      N_("The folder’s UIDVALIDITY when the UIDs were listed (qdesk mailbox list --json): "
         "nothing moves if it has changed"), N_("N") },
    { "approve-sender", 0, 0, G_OPTION_ARG_NONE, &approve,
      N_("Also approve the senders at the gateway (qdesk login), so their mail is not held "
         "again"), NULL },
  };
  g_autofree GOptionEntry *entries = qdesk_with_filters (own, G_N_ELEMENTS (own));
  g_autoptr(GError) error = NULL;
  g_autoptr(QdQuery) query = NULL;
  g_autoptr(QdMailbox) mailbox = NULL;
  g_autoptr(QdMailboxListing) listing = NULL;
  g_autoptr(QdMailboxSource) junk = NULL;
  g_autoptr(QdBatchResult) moved = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GArray) uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_auto(GStrv) ids = NULL;
  QdMailboxFolder folder;

  if (!qdesk_parse ("mailbox move-to-inbox", _("UID…"), entries, &argc, &argv))
    return QDESK_EXIT_USAGE;
  if (!qdesk_filter_build_mailbox (&query, &folder, &error))
    return qdesk_usage_error ("mailbox move-to-inbox", error->message);
  if (folder != QD_MAILBOX_FOLDER_JUNK)
    return qdesk_usage_error ("mailbox move-to-inbox", _("messages move from Junk only"));
  if (all_matching == (argc > 1))
    return qdesk_usage_error ("mailbox move-to-inbox",
                              _("give UIDs, or --all-matching with filters"));
  if (!all_matching && uidvalidity <= 0)
    return qdesk_usage_error ("mailbox move-to-inbox",
                              _("give the folder’s --uidvalidity from the listing the UIDs "
                                "came from"));
  for (int i = 1; i < argc; i++)
    {
      guint64 uid;

      if (!g_ascii_string_to_unsigned (argv[i], 10, 1, G_MAXUINT32, &uid, NULL))
        return qdesk_usage_error ("mailbox move-to-inbox", _("a UID is a positive number"));
      g_array_append_val (uids, (guint32){ (guint32)uid });
    }
  /* The gateway first: nothing moves when the senders cannot be approved. */
  if (approve)
    {
      if (qdesk_connect_gateway (ctx, TRUE, &error) == NULL)
        return qdesk_fail_gateway (ctx, error);
      if (!(qd_gateway_get_capabilities (ctx->gateway) & QD_GATEWAY_CAN_SENDER_LISTS))
        return qdesk_cannot ("mailbox move-to-inbox",
                             _("--approve-sender: this gateway keeps no approved senders."));
    }

  mailbox = mailbox_open (ctx, &error);
  if (mailbox == NULL)
    return qdesk_fail (error);
  if (all_matching)
    {
      listing = run_list (mailbox, folder, query, &error);
      if (listing == NULL)
        return qdesk_fail (error);
      g_array_append_vals (uids, listing->uids->data, listing->uids->len);
      uidvalidity = listing->uidvalidity;
    }
  if (uids->len == 0)
    {
      g_print (_("No messages in Junk match; nothing was moved.\n"));
      return QDESK_EXIT_OK;
    }

  /* As the window moves them: in batches, through the Junk page's source. */
  ids = g_new0 (char *, uids->len + 1);
  for (guint i = 0; i < uids->len; i++)
    ids[i] = qd_mailbox_source_make_id ((guint32)uidvalidity, g_array_index (uids, guint32, i));
  junk = qd_mailbox_source_new (mailbox, folder);
  if (approve)
    qd_mailbox_source_set_approver (junk, ctx->gateway);
  qd_item_source_act_async (QD_ITEM_SOURCE (junk), QD_ACTION_MOVE_TO_INBOX,
                            (const char * const *)ids, approve, NULL, NULL, NULL,
                            qd_async_wait_result_cb, &result);
  moved = qd_item_source_act_finish (QD_ITEM_SOURCE (junk), qd_async_wait (&result), &error);
  if (moved == NULL)
    return qdesk_fail (error);
  return print_moved (moved, approve);
}

/* Each UID's exact bytes (BODY.PEEK[]: none becomes \Seen) as a sample
 * named after where it is; @uid_of maps each sample to its UID.  A UID
 * no longer in the folder is named and left out (@status says so); any
 * other failure returns FALSE, to stop before anything is sent. */
static gboolean
fetch_samples (QdMailbox        *mailbox,
               QdMailboxListing *listing,
               GArray           *uids,
               GPtrArray        *samples,
               GHashTable       *uid_of,
               int              *status)
{
  g_autoptr(GHashTable) listed = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < listing->uids->len; i++)
    g_hash_table_add (listed, GUINT_TO_POINTER (g_array_index (listing->uids, guint32, i)));
  for (guint i = 0; i < uids->len; i++)
    {
      guint32 uid = g_array_index (uids, guint32, i);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autofree char *name = NULL;
      QdSample *sample;

      if (!g_hash_table_contains (listed, GUINT_TO_POINTER (uid)))
        {
          g_printerr (_("qdesk: UID %u is not in %s: it was moved or deleted, or never was "
                        "there. List the folder again.\n"), uid, listing->folder_name);
          *status = QDESK_EXIT_PARTIAL;
          continue;
        }
      qd_mailbox_fetch_raw_async (mailbox, listing->folder, listing->uidvalidity, uid, NULL,
                                  qd_async_wait_result_cb, &result);
      bytes = qd_mailbox_fetch_raw_finish (mailbox, qd_async_wait (&result), &error);
      if (bytes == NULL && g_error_matches (error, QD_ERROR, QD_ERROR_NOT_FOUND))
        {
          /* Expunged by another client since the listing above. */
          g_printerr ("qdesk: UID %u: %s\n", uid, error->message);
          *status = QDESK_EXIT_PARTIAL;
          continue;
        }
      if (bytes == NULL)
        {
          *status = qdesk_fail (error);
          return FALSE;
        }
      /* TRANSLATORS: where a reported message came from: the folder, and its
       * number there. */
      name = g_strdup_printf (_("%s UID %u"), listing->folder_name, uid);
      sample = qd_sample_new (bytes, name);
      g_ptr_array_add (samples, sample);
      g_hash_table_insert (uid_of, sample, GUINT_TO_POINTER (uid));
    }
  return TRUE;
}

/* The messages of @sent, reported from the Inbox, into Junk. */
static int
move_sent_to_junk (QdMailbox        *mailbox,
                   QdMailboxListing *listing,
                   GPtrArray        *sent,
                   GHashTable       *uid_of)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) folders_result = NULL;
  g_autoptr(QdMailboxFolders) folders = NULL;
  g_autoptr(QdMailboxMoveResult) moved = NULL;
  g_autoptr(GArray) uids = g_array_new (FALSE, FALSE, sizeof (guint32));

  qd_mailbox_find_folders_async (mailbox, NULL, qd_async_wait_result_cb, &folders_result);
  folders = qd_mailbox_find_folders_finish (mailbox, qd_async_wait (&folders_result), &error);
  if (folders == NULL)
    return qdesk_fail (error);
  if (folders->junk == NULL)
    {
      g_print (_("This mailbox has no Junk folder, so the reported messages stay in %s.\n"),
               listing->folder_name);
      return QDESK_EXIT_OK;
    }
  for (guint i = 0; i < sent->len; i++)
    {
      guint32 uid = GPOINTER_TO_UINT (g_hash_table_lookup (uid_of, g_ptr_array_index (sent, i)));

      g_array_append_val (uids, uid);
    }
  qd_mailbox_move_async (mailbox, QD_MAILBOX_FOLDER_INBOX, QD_MAILBOX_FOLDER_JUNK,
                         listing->uidvalidity, (const guint32 *)uids->data, uids->len, NULL,
                         qd_async_wait_result_cb, &result);
  moved = qd_mailbox_move_finish (mailbox, qd_async_wait (&result), &error);
  if (moved == NULL)
    return qdesk_fail (error);
  g_print (_("Moved to %s: %u. No longer in %s (moved or deleted meanwhile): %u. "
             "Not moved: %u.\n"),
           folders->junk, moved->n_moved, listing->folder_name, moved->n_gone, moved->n_failed);
  return print_not_moved (moved);
}

static int
cmd_report (QdeskContext  *ctx,
            int            argc,
            char         **argv)
{
  g_auto(QdeskSubmitOptions) options = { 0 };
  g_autofree char *folder_name = NULL;
  gint64 uidvalidity = 0;
  gboolean move_to_junk = FALSE;
  const GOptionEntry own[] = {
    { "folder", 0, 0, G_OPTION_ARG_STRING, &folder_name, N_("inbox (default) or junk"),
      N_("FOLDER") },
    { "uidvalidity", 0, 0, G_OPTION_ARG_INT64, &uidvalidity,
      N_("The folder’s UIDVALIDITY when the UIDs were listed (qdesk mailbox list --json): "
         "nothing is reported if it has changed"), N_("N") },
    { "move-to-junk", 0, 0, G_OPTION_ARG_NONE, &move_to_junk,
      N_("Move the messages to Junk once they are sent"), NULL },
  };
  g_autofree GOptionEntry *entries = qdesk_with_submit_options (&options, own,
                                                                G_N_ELEMENTS (own));
  g_autoptr(GError) error = NULL;
  g_autoptr(QdMailbox) mailbox = NULL;
  g_autoptr(QdMailboxListing) listing = NULL;
  g_autoptr(GArray) uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GHashTable) asked = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) uid_of = g_hash_table_new (NULL, NULL);
  QdMailboxFolder folder = QD_MAILBOX_FOLDER_INBOX;
  int status = QDESK_EXIT_OK;
  int submitted;

  if (!qdesk_parse ("mailbox report", _("UID…"), entries, &argc, &argv))
    return QDESK_EXIT_USAGE;
  if (folder_name != NULL && g_ascii_strcasecmp (folder_name, "junk") == 0)
    folder = QD_MAILBOX_FOLDER_JUNK;
  else if (folder_name != NULL && g_ascii_strcasecmp (folder_name, "inbox") != 0)
    return qdesk_usage_error ("mailbox report", _("--folder must be junk or inbox"));
  if (move_to_junk && folder != QD_MAILBOX_FOLDER_INBOX)
    return qdesk_usage_error ("mailbox report", _("--move-to-junk moves messages reported from "
                                                  "the inbox"));
  if (uidvalidity < 0 || uidvalidity > G_MAXUINT32)
    return qdesk_usage_error ("mailbox report", _("--uidvalidity is the number qdesk mailbox "
                                                  "list --json shows"));
  if (argc < 2)
    return qdesk_usage_error ("mailbox report", _("give the UIDs of the messages to report, as "
                                                  "qdesk mailbox list shows them"));
  for (int i = 1; i < argc; i++)
    {
      guint64 uid;

      if (!g_ascii_string_to_unsigned (argv[i], 10, 1, G_MAXUINT32, &uid, NULL))
        return qdesk_usage_error ("mailbox report", _("a UID is a positive number"));
      /* A UID given twice is one message, reported once. */
      if (g_hash_table_add (asked, GUINT_TO_POINTER (uid)))
        g_array_append_val (uids, (guint32){ (guint32)uid });
    }

  mailbox = mailbox_open (ctx, &error);
  if (mailbox == NULL)
    return qdesk_fail (error);
  /* The folder as it is now: which UIDs are there, and under which
   * UIDVALIDITY the messages are fetched and moved. */
  listing = run_list (mailbox, folder, NULL, &error);
  if (listing == NULL)
    return qdesk_fail (error);
  if (uidvalidity != 0 && (guint32)uidvalidity != listing->uidvalidity)
    {
      g_printerr (_("qdesk: the folder %s was renumbered on the server since the UIDs were "
                    "listed, so nothing was reported. List it again: qdesk mailbox list\n"),
                  listing->folder_name);
      return QDESK_EXIT_PARTIAL;
    }

  if (!fetch_samples (mailbox, listing, uids, samples, uid_of, &status))
    return status;
  if (samples->len == 0)
    {
      g_printerr (_("qdesk: no sample can be submitted.\n"));
      return QDESK_EXIT_PARTIAL;
    }
  /* Not inside MAX (), which evaluates its arguments twice. */
  submitted = qdesk_submit_samples (ctx, "mailbox report", &options, samples,
                                    move_to_junk ? sent : NULL);
  status = MAX (status, submitted);
  /* Only what the server accepted now: not a dry run, nor what waits in
   * the outbox for a later run. */
  if (sent->len > 0)
    {
      int moved = move_sent_to_junk (mailbox, listing, sent, uid_of);

      status = MAX (status, moved);
    }
  return status;
}

int
qdesk_cmd_mailbox (QdeskContext  *ctx,
                   int            argc,
                   char         **argv)
{
  static const struct {
    const char   *name;
    QdeskCommand  run;
  } subcommands[] = {
    { "login", cmd_login },
    { "list", cmd_list },
    { "move-to-inbox", cmd_move_to_inbox },
    { "report", cmd_report },
    { "logout", cmd_logout },
  };

  if (argc < 2)
    return qdesk_usage_error ("mailbox",
                              _("give one of login, list, move-to-inbox, report, logout"));
  for (guint i = 0; i < G_N_ELEMENTS (subcommands); i++)
    if (g_str_equal (argv[1], subcommands[i].name))
      {
        if (ctx->json && subcommands[i].run != cmd_list)
          return qdesk_usage_error ("mailbox", _("--json: this command does not write JSON"));
        return subcommands[i].run (ctx, argc - 1, argv + 1);
      }
  return qdesk_usage_error ("mailbox",
                            _("give one of login, list, move-to-inbox, report, logout"));
}
