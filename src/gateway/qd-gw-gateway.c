/* qd-gw-gateway.c — the reference gateway: users, sessions, ingest, actions, classify, intake
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "qd-enums.h"
#include "qd-gw-error.h"
#include "qd-gw-gateway.h"
#include "qd-gw-intake.h"
#include "qd-gw-maildir.h"
#include "qd-gw-relay.h"
#include "qd-gw-rspamd.h"
#include "qd-gw-senders.h"
#include "qd-gw-throttle.h"
#include "qd-mail.h"

struct _QdGwGateway
{
  GObject       parent_instance;
  QdGwConfig    config;
  QdGwStore    *store;
  QdGwRspamd   *rspamd;
  QdGwThrottle *user_throttle;
  QdGwThrottle *peer_throttle;
  char         *dummy_hash;
  /* mail-system mode */
  char         *instance_id;
  QdGwRelay    *relay;         /* NULL: releases go to the maildir */
  GHashTable   *sending;       /* ids of the items on the wire (gint64 *) */
};

G_DEFINE_FINAL_TYPE (QdGwGateway, qd_gw_gateway, G_TYPE_OBJECT)

void
qd_gw_config_init (QdGwConfig *config)
{
  memset (config, 0, sizeof *config);
  config->name = g_strdup ("qd-gateway");
  config->submission_address = g_strdup ("spam-submissions@gateway.example");
  config->rspamd_url = g_strdup ("http://127.0.0.1:11333");
  config->max_message_bytes = 2000000;
  config->max_sample_age_days = 5;
  config->session_ttl = 3600;
  config->max_batch = 1000;
  config->max_page_size = 500;
  config->max_request_bytes = 1024 * 1024;
  config->max_classify_bytes = 10 * 1024 * 1024;
  config->max_sender_list = 1000;
  config->retention_days = 30;
  config->spam_threshold = 6.0;
  config->login_max_failures_user = 5;
  config->login_max_failures_peer = 20;
  config->login_window = 300;
}

void
qd_gw_config_clear (QdGwConfig *config)
{
  g_clear_pointer (&config->name, g_free);
  g_clear_pointer (&config->data_dir, g_free);
  g_clear_pointer (&config->submission_address, g_free);
  g_clear_pointer (&config->rspamd_url, g_free);
  g_clear_pointer (&config->smtp_host, g_free);
  g_clear_pointer (&config->relay_host, g_free);
}

static void
qd_gw_gateway_finalize (GObject *object)
{
  QdGwGateway *self = (QdGwGateway *)object;

  qd_gw_config_clear (&self->config);
  g_clear_object (&self->store);
  g_clear_object (&self->rspamd);
  g_clear_pointer (&self->user_throttle, qd_gw_throttle_free);
  g_clear_pointer (&self->peer_throttle, qd_gw_throttle_free);
  g_free (self->dummy_hash);
  g_free (self->instance_id);
  g_clear_object (&self->relay);
  g_clear_pointer (&self->sending, g_hash_table_unref);

  G_OBJECT_CLASS (qd_gw_gateway_parent_class)->finalize (object);
}

static void
qd_gw_gateway_class_init (QdGwGatewayClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = qd_gw_gateway_finalize;
}

static void
qd_gw_gateway_init (QdGwGateway *self)
{
  self->sending = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

static gboolean
ensure_directory (const char  *path,
                  GError     **error)
{
  if (g_mkdir_with_parents (path, 0700) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "cannot create %s: %s", path, g_strerror (errsv));
      return FALSE;
    }
  return TRUE;
}

static char *
hash_password (const char *password)
{
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  struct crypt_data data = { 0 };

  if (crypt_gensalt_rn ("$y$", 0, NULL, 0, salt, sizeof salt) == NULL)
    return NULL;
  if (crypt_rn (password, salt, &data, sizeof data) == NULL)
    return NULL;
  return g_strdup (data.output);
}

static gboolean
password_matches (const char *password,
                  const char *hash)
{
  struct crypt_data data = { 0 };
  gsize len;
  guint8 diff = 0;

  if (crypt_rn (password, hash, &data, sizeof data) == NULL || data.output[0] == '*')
    return FALSE;
  len = strlen (hash);
  if (strlen (data.output) != len)
    return FALSE;
  /* Constant time, so the comparison does not tell how much matched. */
  for (gsize i = 0; i < len; i++)
    diff |= data.output[i] ^ hash[i];
  return diff == 0;
}

/**
 * qd_gw_gateway_new:
 * @config: (transfer full): taken over and cleared
 */
QdGwGateway *
qd_gw_gateway_new (QdGwConfig  *config,
                   GError     **error)
{
  g_autoptr(QdGwGateway) self = g_object_new (QD_TYPE_GW_GATEWAY, NULL);
  g_autofree char *db_path = NULL;
  g_autofree char *messages = NULL;
  g_autofree char *submissions = NULL;

  g_return_val_if_fail (config->data_dir != NULL, NULL);

  self->config = *config;
  memset (config, 0, sizeof *config);

  qd_mail_init ();

  messages = g_build_filename (self->config.data_dir, "messages", NULL);
  submissions = g_build_filename (self->config.data_dir, "submissions", NULL);
  if (!ensure_directory (self->config.data_dir, error) ||
      !ensure_directory (messages, error) ||
      !ensure_directory (submissions, error))
    return NULL;

  db_path = g_build_filename (self->config.data_dir, "gateway.db", NULL);
  self->store = qd_gw_store_open (db_path, error);
  if (self->store == NULL)
    return NULL;

  self->rspamd = qd_gw_rspamd_new (self->config.rspamd_url);
  self->user_throttle = qd_gw_throttle_new (self->config.login_max_failures_user,
                                            self->config.login_window);
  self->peer_throttle = qd_gw_throttle_new (self->config.login_max_failures_peer,
                                            self->config.login_window);
  self->dummy_hash = hash_password ("not a password");

  if (self->config.relay_host != NULL)
    {
      g_autofree char *fresh = g_strdup_printf ("%08x%08x%08x%08x", g_random_int (),
                                                g_random_int (), g_random_int (),
                                                g_random_int ());

      self->instance_id = qd_gw_store_ensure_setting (self->store, "instance_id", fresh, error);
      if (self->instance_id == NULL)
        return NULL;
      self->relay = qd_gw_relay_new (self->config.relay_host, self->config.relay_port,
                                     self->instance_id);
    }

  return g_steal_pointer (&self);
}

const QdGwConfig *
qd_gw_gateway_get_config (QdGwGateway *self)
{
  return &self->config;
}

QdGwStore *
qd_gw_gateway_get_store (QdGwGateway *self)
{
  return self->store;
}

/* The SMTP intake's address, as /info announces it. */
void
qd_gw_gateway_set_intake (QdGwGateway *self,
                          const char  *host,
                          guint16      port)
{
  g_free (self->config.smtp_host);
  self->config.smtp_host = g_strdup (host);
  self->config.smtp_port = port;
}

char *
qd_gw_gateway_message_path (QdGwGateway *self,
                            gint64       item_id)
{
  g_autofree char *name = g_strdup_printf ("%" G_GINT64_FORMAT ".eml", item_id);

  return g_build_filename (self->config.data_dir, "messages", name, NULL);
}

char *
qd_gw_gateway_mailbox_path (QdGwGateway *self,
                            const char  *username)
{
  return g_build_filename (self->config.data_dir, "mail", username, NULL);
}

/* Mail-system mode: held mail comes from the mail system and released
 * mail goes back to it; the maildir is not used. */
gboolean
qd_gw_gateway_is_mail_system (QdGwGateway *self)
{
  g_return_val_if_fail (QD_IS_GW_GATEWAY (self), FALSE);
  return self->relay != NULL;
}

/* The data directory's random id in release ids; %NULL outside
 * mail-system mode. */
const char *
qd_gw_gateway_get_instance_id (QdGwGateway *self)
{
  g_return_val_if_fail (QD_IS_GW_GATEWAY (self), NULL);
  return self->instance_id;
}

static gboolean
valid_username (const char *username)
{
  /* User names become directory names: keep them to a safe alphabet. */
  if (username == NULL || username[0] == '\0' || username[0] == '.' || strlen (username) > 64)
    return FALSE;
  for (const char *p = username; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '_' && *p != '-' && *p != '@')
      return FALSE;
  return TRUE;
}

gboolean
qd_gw_gateway_add_user (QdGwGateway  *self,
                        const char   *username,
                        const char   *address,
                        const char   *display_name,
                        const char   *password,
                        gboolean      replace,
                        GError      **error)
{
  g_autofree char *hash = NULL;
  g_autofree char *mailbox = NULL;

  if (!valid_username (username))
    {
      g_set_error (error, QD_GW_ERROR, QD_GW_ERROR_INVALID_PARAMETER,
                   "“%s” is not a valid user name: use letters, digits, “.”, “_”, “-” and “@”",
                   username);
      return FALSE;
    }
  if (!qd_gw_parse_sender_entry (address, NULL) || address[0] == '@')
    {
      g_set_error (error, QD_GW_ERROR, QD_GW_ERROR_INVALID_PARAMETER,
                   "“%s” is not a mail address", address);
      return FALSE;
    }
  if (password == NULL || password[0] == '\0')
    {
      g_set_error_literal (error, QD_GW_ERROR, QD_GW_ERROR_INVALID_PARAMETER,
                           "the password is empty");
      return FALSE;
    }

  hash = hash_password (password);
  if (hash == NULL)
    {
      g_set_error_literal (error, QD_GW_ERROR, QD_GW_ERROR_INTERNAL, "cannot hash the password");
      return FALSE;
    }
  mailbox = qd_gw_gateway_mailbox_path (self, username);
  if (!qd_gw_maildir_ensure (mailbox, error))
    return FALSE;
  return qd_gw_store_add_user (self->store, username, address, display_name, hash, replace,
                               error) != 0;
}

/* ingest */

static void
approved_release_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree gint64 *item_id = user_data;

  if (!qd_gw_gateway_release_item_finish (QD_GW_GATEWAY (object), result, &error))
    g_message ("approved sender's item %" G_GINT64_FORMAT " stays held: %s", *item_id,
               error->message);
}

/* In mail-system mode an approved sender's message is held, then released
 * in the background, as the API would: the sender need not wait for an
 * SMTP transaction. A failure leaves it held, for the user. */
static void
release_approved (QdGwGateway *self,
                  gint64       item_id)
{
  qd_gw_gateway_release_item_async (self, item_id, NULL, approved_release_cb,
                                    g_memdup2 (&item_id, sizeof item_id));
}

/* The rule a held item names when its ingest gave none. */
const char *
qd_gw_default_policy_rule (QdReason   reason,
                           QdCategory category)
{
  switch (reason)
    {
    case QD_REASON_GRAYMAIL:
      switch (category)
        {
        case QD_CATEGORY_MARKETING:
          return "Graymail: marketing and newsletters";
        case QD_CATEGORY_SOCIAL:
          return "Graymail: social network notifications";
        case QD_CATEGORY_FORUM:
          return "Graymail: forum notifications";
        case QD_CATEGORY_BULK:
          return "Graymail: bulk mail";
        case QD_CATEGORY_NONE:
        default:
          return "Graymail";
        }
    case QD_REASON_SPAM:
      return "Anti-spam: spam";
    case QD_REASON_PHISHING:
      return "Anti-spam: phishing";
    case QD_REASON_MALWARE:
      return "Anti-malware";
    case QD_REASON_POLICY:
    default:
      return "Content policy";
    }
}

static gboolean
write_file_atomically (const char  *path,
                       GBytes      *bytes,
                       GError     **error)
{
  return g_file_set_contents_full (path, g_bytes_get_data (bytes, NULL),
                                   g_bytes_get_size (bytes),
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

static char *
rules_to_json (const char * const *rules)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; rules != NULL && rules[i] != NULL; i++)
    json_builder_add_string_value (builder, rules[i]);
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static void
fill_from_message (QdGwItem     *item,
                   GMimeMessage *message)
{
  InternetAddressList *from;
  InternetAddressList *to;

  item->subject = qd_mail_get_header_text (GMIME_OBJECT (message), "Subject");
  item->from_header = qd_mail_get_header_text (GMIME_OBJECT (message), "From");
  item->message_id = g_strdup (g_mime_message_get_message_id (message));
  from = g_mime_message_get_from (message);
  if (from != NULL && internet_address_list_length (from) > 0)
    {
      InternetAddress *address = internet_address_list_get_address (from, 0);

      if (INTERNET_ADDRESS_IS_MAILBOX (address))
        {
          const char *name = internet_address_get_name (address);

          item->from_name = name != NULL && name[0] ? g_strdup (name) : NULL;
          item->from_address = g_ascii_strdown (
            internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (address)), -1);
        }
    }
  to = g_mime_message_get_to (message);
  if (to != NULL && internet_address_list_length (to) > 0)
    {
      InternetAddress *address = internet_address_list_get_address (to, 0);

      if (INTERNET_ADDRESS_IS_MAILBOX (address))
        item->recipient = g_strdup (
          internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (address)));
    }
}

/**
 * qd_gw_gateway_ingest:
 *
 * Holds one message for a user, as the gateway's policy would have.
 *
 * Returns: the new item's id as text; "discarded" when the sender is on
 * the user's blocked list; "delivered" when on the approved list.
 */
char *
qd_gw_gateway_ingest (QdGwGateway              *self,
                      const char               *username,
                      const QdGwIngestOptions  *options,
                      GBytes                   *message,
                      GError                  **error)
{
  g_autoptr(QdGwUser) user = NULL;
  g_autoptr(GMimeMessage) parsed = NULL;
  g_autoptr(QdGwItem) item = g_new0 (QdGwItem, 1);
  g_autofree char *path = NULL;
  g_autofree char *mailbox = NULL;
  g_autofree char *name = NULL;
  gboolean already;
  gboolean approved;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  user = qd_gw_store_find_user (self->store, username);
  if (user == NULL)
    {
      g_set_error (error, QD_GW_ERROR, QD_GW_ERROR_NOT_FOUND, "no user “%s”", username);
      return NULL;
    }
  parsed = qd_mail_parse (g_bytes_get_data (message, NULL), g_bytes_get_size (message));
  if (parsed == NULL)
    {
      g_set_error_literal (error, QD_GW_ERROR, QD_GW_ERROR_INVALID_PARAMETER,
                           "not a mail message");
      return NULL;
    }

  item->user_id = user->id;
  item->folder = options->folder;
  item->reason = options->reason;
  item->category = options->reason == QD_REASON_GRAYMAIL ? options->category : QD_CATEGORY_NONE;
  item->policy_rule = g_strdup (options->policy_rule ? options->policy_rule
                                : qd_gw_default_policy_rule (item->reason, item->category));
  item->score = options->score;
  item->rules_json = rules_to_json (options->rules);
  item->received_at = options->received_at != 0 ? options->received_at : now;
  item->expires_at = item->received_at + (gint64)self->config.retention_days * 24 * 3600;
  item->size = g_bytes_get_size (message);
  fill_from_message (item, parsed);
  item->envelope_sender = g_strdup (options->envelope_sender ? options->envelope_sender
                                    : item->from_address);
  if (item->recipient == NULL)
    item->recipient = g_strdup (user->address);

  /* In mail-system mode Junk is the mail system's own folder. */
  if (self->relay != NULL && item->folder == QD_FOLDER_JUNK)
    {
      g_set_error_literal (error, QD_GW_ERROR, QD_GW_ERROR_INVALID_PARAMETER,
                           "in mail-system mode only the quarantine holds messages");
      return NULL;
    }

  mailbox = qd_gw_gateway_mailbox_path (self, username);
  if (self->relay == NULL && !qd_gw_maildir_ensure (mailbox, error))
    return NULL;

  if (item->from_address != NULL &&
      qd_gw_store_sender_listed (self->store, QD_GW_LIST_BLOCKED, user->id, item->from_address))
    return g_strdup ("discarded");

  approved = item->from_address != NULL &&
             qd_gw_store_sender_listed (self->store, QD_GW_LIST_APPROVED, user->id,
                                        item->from_address);
  /* In mail-system mode an approved sender's message is held, then
   * released at once (below): the release path is the one way back. */
  if (approved && self->relay == NULL)
    {
      g_autofree char *tmp = g_build_filename (mailbox, "tmp", "incoming", NULL);
      g_autofree char *direct = g_strdup_printf ("%" G_GINT64_FORMAT ".D%u.qd-gateway",
                                                 now, g_random_int ());

      if (!write_file_atomically (tmp, message, error) ||
          !qd_gw_maildir_deliver (mailbox, QD_GW_MAILDIR_INBOX, direct, tmp, FALSE, &already,
                                  error))
        return NULL;
      g_unlink (tmp);
      return g_strdup ("delivered");
    }

  /* The row first, for its id; the file before the commit, so a committed
   * item always has its original. */
  if (!qd_gw_store_begin (self->store, error))
    return NULL;
  if (qd_gw_store_add_item (self->store, item, error) == 0)
    goto fail;
  path = qd_gw_gateway_message_path (self, item->id);
  if (!write_file_atomically (path, message, error))
    goto fail;
  if (item->folder == QD_FOLDER_JUNK)
    {
      name = qd_gw_maildir_file_name (item->received_at, item->id);
      if (!qd_gw_maildir_deliver (mailbox, QD_GW_MAILDIR_JUNK, name, path, FALSE, &already,
                                  error) ||
          !qd_gw_store_set_item_maildir_name (self->store, item->id, name, error))
        goto fail;
    }
  if (!qd_gw_store_commit (self->store, error))
    goto fail;

  if (approved)
    {
      release_approved (self, item->id);
      return g_strdup ("delivered");
    }
  return g_strdup_printf ("%" G_GINT64_FORMAT, item->id);

fail:
  qd_gw_store_rollback (self->store);
  if (path != NULL)
    g_unlink (path);
  return NULL;
}

/* sessions */

static char *
token_digest (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

static char *
new_token (void)
{
  guint8 random[32];
  g_autofree char *b64 = NULL;
  gsize filled = 0;

  while (filled < sizeof random)
    {
      gssize n = getrandom (random + filled, sizeof random - filled, 0);

      if (n < 0 && errno != EINTR)
        g_error ("no randomness for session tokens: %s", g_strerror (errno));
      if (n > 0)
        filled += n;
    }
  b64 = g_base64_encode (random, sizeof random);
  /* base64url without padding */
  g_strdelimit (b64, "+", '-');
  g_strdelimit (b64, "/", '_');
  return g_strndup (b64, strcspn (b64, "="));
}

char *
qd_gw_gateway_sign_in (QdGwGateway  *self,
                       const char   *username,
                       const char   *password,
                       const char   *peer,
                       gint64       *expires_at,
                       QdGwUser    **out_user,
                       gint64       *retry_after,
                       GError      **error)
{
  g_autoptr(QdGwUser) user = NULL;
  g_autofree char *token = NULL;
  g_autofree char *digest = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 wait;

  *retry_after = 0;
  wait = MAX (qd_gw_throttle_check (self->user_throttle, username, now),
              qd_gw_throttle_check (self->peer_throttle, peer, now));
  if (wait > 0)
    {
      *retry_after = wait;
      g_set_error (error, QD_GW_ERROR, QD_GW_ERROR_RATE_LIMITED,
                   "Too many failed sign-ins. Try again in %" G_GINT64_FORMAT " seconds.", wait);
      return NULL;
    }

  user = qd_gw_store_find_user (self->store, username);
  /* Hash even for unknown users, so timing does not reveal who exists. */
  if (!password_matches (password, user != NULL ? user->password_hash : self->dummy_hash) ||
      user == NULL)
    {
      qd_gw_throttle_fail (self->user_throttle, username, now);
      qd_gw_throttle_fail (self->peer_throttle, peer, now);
      g_set_error_literal (error, QD_GW_ERROR, QD_GW_ERROR_AUTH_FAILED,
                           "Wrong user name or password.");
      return NULL;
    }
  qd_gw_throttle_clear (self->user_throttle, username);

  qd_gw_store_purge_sessions (self->store, now);
  token = new_token ();
  digest = token_digest (token);
  *expires_at = now + self->config.session_ttl;
  if (!qd_gw_store_add_session (self->store, digest, user->id, *expires_at, error))
    return NULL;
  *out_user = g_steal_pointer (&user);
  return g_steal_pointer (&token);
}

gint64
qd_gw_gateway_authenticate (QdGwGateway  *self,
                            const char   *token,
                            gint64       *expires_at,
                            GError      **error)
{
  g_autofree char *digest = NULL;
  gint64 user_id;
  gint64 expires;

  if (token == NULL || token[0] == '\0')
    {
      g_set_error_literal (error, QD_GW_ERROR, QD_GW_ERROR_UNAUTHORIZED,
                           "Sign in first: no bearer token.");
      return 0;
    }
  digest = token_digest (token);
  if (!qd_gw_store_find_session (self->store, digest, &user_id, &expires))
    {
      g_set_error_literal (error, QD_GW_ERROR, QD_GW_ERROR_UNAUTHORIZED,
                           "The token is unknown or was signed out. Sign in again.");
      return 0;
    }
  if (expires <= g_get_real_time () / G_USEC_PER_SEC)
    {
      g_set_error_literal (error, QD_GW_ERROR, QD_GW_ERROR_SESSION_EXPIRED,
                           "The session has expired. Sign in again.");
      return 0;
    }
  if (expires_at != NULL)
    *expires_at = expires;
  return user_id;
}

void
qd_gw_gateway_sign_out (QdGwGateway *self,
                        const char  *token)
{
  g_autofree char *digest = token_digest (token);

  qd_gw_store_delete_session (self->store, digest);
}

QdGwUser *
qd_gw_gateway_get_user (QdGwGateway *self,
                        gint64       user_id)
{
  g_return_val_if_fail (QD_IS_GW_GATEWAY (self), NULL);
  return qd_gw_store_get_user (self->store, user_id);
}

/* actions */

void
qd_gw_act_result_clear (QdGwActResult *result)
{
  g_clear_pointer (&result->id, g_free);
  g_clear_error (&result->error);
}

typedef struct
{
  const char *id;
  QdGwItem   *item;       /* NULL when the id failed validation */
  gboolean    already;    /* an earlier request did it */
  gboolean    changed;    /* the action was carried out now */
  gboolean    sending;    /* this request put the item in self->sending */
  GError     *error;
} ActionResult;

static void
action_result_clear (ActionResult *r)
{
  g_clear_pointer (&r->item, qd_gw_item_free);
  g_clear_error (&r->error);
}

static gboolean
parse_item_id (const char *text,
               gint64     *id)
{
  guint64 value;

  /* Digits only, without a leading zero: an id never becomes a path or SQL text. */
  if (text == NULL || text[0] < '1' || text[0] > '9')
    return FALSE;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    return FALSE;
  *id = (gint64)value;
  return TRUE;
}

/**
 * qd_gw_gateway_get_item:
 * @id: the item's id as a client names it
 *
 * Returns: (transfer full) (nullable): the user's item, or %NULL when @id
 *   names none of the user's items
 */
QdGwItem *
qd_gw_gateway_get_item (QdGwGateway *self,
                        gint64       user_id,
                        const char  *id)
{
  gint64 value;

  g_return_val_if_fail (QD_IS_GW_GATEWAY (self), NULL);

  if (!parse_item_id (id, &value))
    return NULL;
  return qd_gw_store_get_item (self->store, user_id, value);
}

/**
 * qd_gw_gateway_get_snapshot:
 *
 * What a listing that begins now pins its positions to: mail stored
 * later is left out of its pages until it is listed afresh.
 */
gint64
qd_gw_gateway_get_snapshot (QdGwGateway *self)
{
  g_return_val_if_fail (QD_IS_GW_GATEWAY (self), 0);
  return qd_gw_store_last_item_id (self->store);
}

/**
 * qd_gw_gateway_find_by_message_ids:
 * @message_ids: Message-IDs without angle brackets
 *
 * What of the user's mail in @folder, still waiting for them, is one of
 * @message_ids: a client shows a message it has in two places once.
 *
 * Returns: (transfer full) (element-type QdGwItem): the items, in the
 *   order of @message_ids
 */
GPtrArray *
qd_gw_gateway_find_by_message_ids (QdGwGateway        *self,
                                   gint64              user_id,
                                   QdFolder            folder,
                                   const char * const *message_ids)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify)qd_gw_item_free);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_return_val_if_fail (QD_IS_GW_GATEWAY (self), items);

  for (guint i = 0; message_ids[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) found = qd_gw_store_find_by_message_id (self->store, user_id,
                                                                   folder, message_ids[i],
                                                                   now);

      g_ptr_array_extend_and_steal (items, g_steal_pointer (&found));
    }
  return items;
}

/**
 * qd_gw_gateway_list_items:
 *
 * Returns: (transfer full) (element-type QdGwItem): one page of the query
 */
GPtrArray *
qd_gw_gateway_list_items (QdGwGateway      *self,
                          const QdGwQuery  *query,
                          gint64           *total,
                          GError          **error)
{
  g_return_val_if_fail (QD_IS_GW_GATEWAY (self), NULL);
  return qd_gw_store_list_items (self->store, query, total, error);
}

static const char *
done_status (QdActions action)
{
  switch (action)
    {
    case QD_ACTION_RELEASE:
      return QD_GW_STATUS_RELEASED;
    case QD_ACTION_REQUEST_RELEASE:
      return QD_GW_STATUS_RELEASE_REQUESTED;
    case QD_ACTION_MOVE_TO_INBOX:
      return QD_GW_STATUS_MOVED;
    case QD_ACTION_DELETE:
    case QD_ACTION_BLOCK_SENDER:
    default:
      return QD_GW_STATUS_DELETED;
    }
}

/* Sorts one item into: already done, not possible, or to do. */
static void
triage (ActionResult *r,
        QdActions     action)
{
  const char *status = r->item->status;

  if (g_str_equal (status, done_status (action)))
    {
      r->already = TRUE;
      return;
    }
  if (!(qd_gw_item_get_actions (r->item) & action))
    {
      g_set_error (&r->error, QD_GW_ERROR, QD_GW_ERROR_NOT_ALLOWED,
                   r->item->folder == QD_FOLDER_JUNK && action == QD_ACTION_RELEASE
                   ? "This message is in Junk: move it to the inbox instead."
                   : "This action is not allowed for this message.");
      return;
    }
  if (g_str_equal (status, QD_GW_STATUS_GONE))
    {
      g_set_error_literal (&r->error, QD_GW_ERROR, QD_GW_ERROR_GONE_FROM_JUNK,
                           "The message is no longer in your Junk folder: it was moved or "
                           "deleted in your mail program.");
      return;
    }
  if (!g_str_equal (status, QD_GW_STATUS_HELD) &&
      !g_str_equal (status, QD_GW_STATUS_RELEASE_REQUESTED) &&
      !g_str_equal (status, QD_GW_STATUS_RELEASING))
    {
      g_set_error (&r->error, QD_GW_ERROR, QD_GW_ERROR_NOT_FOUND,
                   "The message is no longer held (it is %s).", status);
      return;
    }
}

static void
perform (QdGwGateway  *self,
         const char   *mailbox,
         ActionResult *r,
         QdActions     action)
{
  QdGwItem *item = r->item;
  g_autoptr(GError) error = NULL;
  gboolean already = FALSE;

  switch (action)
    {
    case QD_ACTION_RELEASE:
      if (self->relay != NULL)
        {
          g_autofree char *source = qd_gw_gateway_message_path (self, item->id);

          /* Mail-system mode: back to the mail system, whose mailbox
           * drops a second copy of the same release id. */
          if (!qd_gw_relay_send (self->relay, item->id, item->envelope_sender, item->recipient,
                                 source, &error))
            {
              g_message ("release of item %" G_GINT64_FORMAT " through %s: %s", item->id,
                         qd_gw_relay_get_server (self->relay), error->message);
              g_set_error_literal (&r->error, QD_GW_ERROR, QD_GW_ERROR_DELIVERY_FAILED,
                                   "The mail system did not take the message back. "
                                   "It is still held; try again later.");
              return;
            }
          break;
        }
      {
        g_autofree char *source = qd_gw_gateway_message_path (self, item->id);
        g_autofree char *name = qd_gw_maildir_file_name (item->received_at, item->id);
        /* An item marked "releasing" may have been delivered before the
         * gateway stopped: look for it everywhere before delivering. */
        gboolean careful = g_str_equal (item->status, QD_GW_STATUS_RELEASING);

        if (!qd_gw_maildir_deliver (mailbox, QD_GW_MAILDIR_INBOX, name, source, careful,
                                    &already, &error))
          {
            g_warning ("release of item %" G_GINT64_FORMAT ": %s", item->id, error->message);
            g_set_error_literal (&r->error, QD_GW_ERROR, QD_GW_ERROR_DELIVERY_FAILED,
                                 "The message could not be delivered to your inbox. "
                                 "Nothing was changed; try again.");
            return;
          }
        break;
      }
    case QD_ACTION_MOVE_TO_INBOX:
      if (!qd_gw_maildir_move_to_inbox (mailbox, item->maildir_name, &already, &error))
        {
          if (g_error_matches (error, QD_GW_MAILDIR_ERROR, QD_GW_MAILDIR_ERROR_GONE))
            {
              qd_gw_store_set_item_status (self->store, item->id, QD_GW_STATUS_GONE, NULL);
              g_set_error_literal (&r->error, QD_GW_ERROR, QD_GW_ERROR_GONE_FROM_JUNK,
                                   "The message is no longer in your Junk folder: it was "
                                   "moved or deleted in your mail program.");
            }
          else
            g_set_error_literal (&r->error, QD_GW_ERROR, QD_GW_ERROR_DELIVERY_FAILED,
                                 "The message could not be moved to your inbox. "
                                 "Nothing was changed; try again.");
          return;
        }
      break;
    case QD_ACTION_DELETE:
    case QD_ACTION_BLOCK_SENDER:
      if (item->folder == QD_FOLDER_JUNK && item->maildir_name != NULL)
        qd_gw_maildir_remove (mailbox, QD_GW_MAILDIR_JUNK, item->maildir_name, NULL);
      else
        {
          g_autofree char *path = qd_gw_gateway_message_path (self, item->id);

          g_unlink (path);
        }
      break;
    case QD_ACTION_REQUEST_RELEASE:
      break;
    default:
      g_assert_not_reached ();
    }
}

typedef struct
{
  QdGwUser     *user;
  char         *mailbox;
  QdActions     action;
  gboolean      approve_sender;
  GPtrArray    *ids;
  ActionResult *results;
} ActBatch;

static void
act_batch_free (ActBatch *batch)
{
  for (guint i = 0; i < batch->ids->len; i++)
    action_result_clear (&batch->results[i]);
  g_free (batch->results);
  g_ptr_array_unref (batch->ids);
  g_free (batch->mailbox);
  qd_gw_user_free (batch->user);
  g_free (batch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ActBatch, act_batch_free)

static gboolean
to_do (const ActionResult *r)
{
  return r->item != NULL && !r->already && r->error == NULL;
}

/* Sorts the batch, and marks the releases in flight (step 1). */
static ActBatch *
act_prepare (QdGwGateway *self,
             QdGwUser    *user,
             QdActions    action,
             GPtrArray   *ids,
             gboolean     approve_sender)
{
  ActBatch *batch = g_new0 (ActBatch, 1);
  g_autoptr(GError) error = NULL;

  batch->user = user;
  batch->mailbox = qd_gw_gateway_mailbox_path (self, user->username);
  batch->action = action;
  batch->approve_sender = approve_sender;
  batch->ids = g_ptr_array_ref (ids);
  batch->results = g_new0 (ActionResult, ids->len);

  for (guint i = 0; i < ids->len; i++)
    {
      ActionResult *r = &batch->results[i];

      r->id = g_ptr_array_index (ids, i);
      r->item = qd_gw_gateway_get_item (self, user->id, r->id);
      if (r->item == NULL)
        {
          g_set_error_literal (&r->error, QD_GW_ERROR, QD_GW_ERROR_NOT_FOUND,
                               "No such message.");
          continue;
        }
      triage (r, action);
      if (r->item->recipient == NULL)
        r->item->recipient = g_strdup (user->address);
      /* An item on the wire is left alone until the server has answered:
       * a second release could deliver it twice, a delete would take its
       * original away from under the transaction. */
      if (to_do (r) && g_hash_table_contains (self->sending, &r->item->id))
        g_set_error_literal (&r->error, QD_GW_ERROR, QD_GW_ERROR_NOT_ALLOWED,
                             "This message is being released right now; try again in a "
                             "moment.");
      else if (to_do (r) && action == QD_ACTION_RELEASE && self->relay != NULL)
        {
          g_hash_table_add (self->sending, g_memdup2 (&r->item->id, sizeof (gint64)));
          r->sending = TRUE;
        }
    }

  if (action == QD_ACTION_RELEASE && qd_gw_store_begin (self->store, &error))
    {
      for (guint i = 0; i < ids->len; i++)
        if (to_do (&batch->results[i]) &&
            !g_str_equal (batch->results[i].item->status, QD_GW_STATUS_RELEASING))
          qd_gw_store_set_item_status (self->store, batch->results[i].item->id,
                                       QD_GW_STATUS_RELEASING, NULL);
      qd_gw_store_commit (self->store, &error);
    }
  if (error != NULL)
    g_warning ("cannot mark releases: %s", error->message);
  return batch;
}

/* Step 2: the mailbox, or the mail system. For a release in mail-system
 * mode this runs in a worker thread, and touches neither the store nor
 * anything but the batch. */
static void
act_deliver (QdGwGateway *self,
             ActBatch    *batch)
{
  for (guint i = 0; i < batch->ids->len; i++)
    if (to_do (&batch->results[i]))
      {
        perform (self, batch->mailbox, &batch->results[i], batch->action);
        batch->results[i].changed = batch->results[i].error == NULL;
      }
}

/* Step 3: records what happened, and the sender lists; the answer. */
static GArray *
act_record (QdGwGateway *self,
            ActBatch    *batch)
{
  g_autoptr(GError) error = NULL;
  QdActions action = batch->action;
  gint64 user_id = batch->user->id;
  GArray *answer;

  if (qd_gw_store_begin (self->store, &error))
    {
      for (guint i = 0; i < batch->ids->len; i++)
        {
          ActionResult *r = &batch->results[i];

          if (r->item == NULL)
            continue;
          if (r->changed)
            qd_gw_store_set_item_status (self->store, r->item->id, done_status (action), NULL);
          else if (r->error != NULL && action == QD_ACTION_RELEASE &&
                   r->error->code == QD_GW_ERROR_DELIVERY_FAILED)
            qd_gw_store_set_item_status (self->store, r->item->id, QD_GW_STATUS_HELD, NULL);

          if (r->error == NULL && r->item->from_address != NULL)
            {
              if (action == QD_ACTION_BLOCK_SENDER)
                qd_gw_store_add_sender (self->store, QD_GW_LIST_BLOCKED, user_id,
                                        r->item->from_address, NULL, NULL);
              else if (batch->approve_sender &&
                       (action == QD_ACTION_RELEASE || action == QD_ACTION_MOVE_TO_INBOX) &&
                       (qd_gw_item_get_actions (r->item) & QD_ACTION_APPROVE_SENDER))
                qd_gw_store_add_sender (self->store, QD_GW_LIST_APPROVED, user_id,
                                        r->item->from_address, NULL, NULL);
            }
        }
      qd_gw_store_commit (self->store, &error);
    }
  if (error != NULL)
    g_warning ("cannot record actions: %s", error->message);

  answer = g_array_sized_new (FALSE, FALSE, sizeof (QdGwActResult), batch->ids->len);
  g_array_set_clear_func (answer, (GDestroyNotify)qd_gw_act_result_clear);
  for (guint i = 0; i < batch->ids->len; i++)
    {
      ActionResult *r = &batch->results[i];
      QdGwActResult result = { 0 };

      if (r->sending)
        g_hash_table_remove (self->sending, &r->item->id);
      r->sending = FALSE;
      result.id = g_strdup (r->id);
      result.outcome = r->error != NULL ? QD_GW_ACT_FAILED
                       : r->changed ? QD_GW_ACT_DONE : QD_GW_ACT_ALREADY_DONE;
      result.error = g_steal_pointer (&r->error);
      g_array_append_val (answer, result);
    }
  return answer;
}

/**
 * qd_gw_gateway_act:
 * @ids: (element-type utf8): distinct ids, at most max_batch of them
 *
 * Carries out one action on a batch. Releases are first marked
 * "releasing" and committed, then delivered, then marked "released": if
 * the gateway dies in between, a repeated release finds the delivered file
 * instead of delivering it twice (in mail-system mode, the mailbox drops
 * the second copy by its release id). Blocking: the server uses
 * qd_gw_gateway_act_async().
 *
 * Returns: (transfer full) (element-type QdGwActResult): one result per id, in
 *   the order of @ids
 */
GArray *
qd_gw_gateway_act (QdGwGateway *self,
                   gint64       user_id,
                   QdActions    action,
                   GPtrArray   *ids,
                   gboolean     approve_sender)
{
  QdGwUser *user = qd_gw_store_get_user (self->store, user_id);
  g_autoptr(ActBatch) batch = NULL;

  g_return_val_if_fail (user != NULL, NULL);
  batch = act_prepare (self, user, action, ids, approve_sender);
  act_deliver (self, batch);
  return act_record (self, batch);
}

static void
deliver_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  act_deliver (source_object, task_data);
  g_task_return_boolean (task, TRUE);
}

static void
delivered_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  g_task_return_pointer (task, act_record (QD_GW_GATEWAY (object), g_task_get_task_data (task)),
                         (GDestroyNotify)g_array_unref);
}

/**
 * qd_gw_gateway_act_async:
 *
 * qd_gw_gateway_act() without blocking the main loop: in mail-system mode
 * the SMTP transactions of a release run in a worker thread (libcurl's
 * blocking easy interface, one transaction after the other), while the
 * store is read and written on the main loop only, before and after.
 */
void
qd_gw_gateway_act_async (QdGwGateway         *self,
                         gint64               user_id,
                         QdActions            action,
                         GPtrArray           *ids,
                         gboolean             approve_sender,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  QdGwUser *user;
  ActBatch *batch;
  gboolean on_the_wire = FALSE;

  g_return_if_fail (QD_IS_GW_GATEWAY (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qd_gw_gateway_act_async);
  user = qd_gw_store_get_user (self->store, user_id);
  if (user == NULL)
    {
      g_task_return_new_error (task, QD_GW_ERROR, QD_GW_ERROR_NOT_FOUND, "No such user.");
      return;
    }
  batch = act_prepare (self, user, action, ids, approve_sender);
  g_task_set_task_data (task, batch, (GDestroyNotify)act_batch_free);

  for (guint i = 0; i < ids->len; i++)
    on_the_wire |= to_do (&batch->results[i]);
  if (action == QD_ACTION_RELEASE && self->relay != NULL && on_the_wire)
    {
      GTask *wire = g_task_new (self, NULL, delivered_cb, g_steal_pointer (&task));

      g_task_set_source_tag (wire, deliver_thread);
      g_task_set_task_data (wire, batch, NULL);
      g_task_run_in_thread (wire, deliver_thread);
      g_object_unref (wire);
      return;
    }
  act_deliver (self, batch);
  g_task_return_pointer (task, act_record (self, batch), (GDestroyNotify)g_array_unref);
}

/**
 * qd_gw_gateway_act_finish:
 *
 * Returns: (transfer full) (element-type QdGwActResult): as qd_gw_gateway_act()
 */
GArray *
qd_gw_gateway_act_finish (QdGwGateway   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
release_item_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) results = qd_gw_gateway_act_finish (QD_GW_GATEWAY (object), result, &error);
  QdGwActResult *r;

  if (results == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  r = &g_array_index (results, QdGwActResult, 0);
  if (r->outcome == QD_GW_ACT_FAILED)
    g_task_return_error (task, g_steal_pointer (&r->error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * qd_gw_gateway_release_item_async:
 *
 * Releases one item of any user, as the user's own release would: for the
 * gateway's own work (an approved sender's message, a release interrupted
 * by a stop). Succeeds also when the item had been released already.
 */
void
qd_gw_gateway_release_item_async (QdGwGateway         *self,
                                  gint64               item_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(QdGwItem) item = NULL;
  g_autoptr(GPtrArray) ids = NULL;

  g_return_if_fail (QD_IS_GW_GATEWAY (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qd_gw_gateway_release_item_async);
  item = qd_gw_store_find_item (self->store, item_id);
  if (item == NULL)
    {
      g_task_return_new_error (task, QD_GW_ERROR, QD_GW_ERROR_NOT_FOUND,
                               "no item %" G_GINT64_FORMAT, item_id);
      return;
    }
  ids = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (ids, g_strdup_printf ("%" G_GINT64_FORMAT, item_id));
  qd_gw_gateway_act_async (self, item->user_id, QD_ACTION_RELEASE, ids, FALSE, cancellable,
                           release_item_cb, g_steal_pointer (&task));
}

gboolean
qd_gw_gateway_release_item_finish (QdGwGateway   *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
resumed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GArray) results = qd_gw_gateway_act_finish (QD_GW_GATEWAY (object), result, NULL);

  for (guint i = 0; results != NULL && i < results->len; i++)
    {
      QdGwActResult *r = &g_array_index (results, QdGwActResult, i);

      if (r->outcome == QD_GW_ACT_FAILED)
        g_message ("interrupted release of item %s not resumed: %s", r->id, r->error->message);
    }
}

/**
 * qd_gw_gateway_resume_releases:
 *
 * In mail-system mode, sends again every release that a stop interrupted
 * between its "releasing" mark and its record, with the same release id:
 * if the mail system had taken it, the mailbox drops the second copy.
 * Call it once the main loop is about to run.
 *
 * Returns: how many items are sent again
 */
guint
qd_gw_gateway_resume_releases (QdGwGateway *self)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GHashTable) by_user = NULL;
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (QD_IS_GW_GATEWAY (self), 0);

  if (self->relay == NULL)
    return 0;
  items = qd_gw_store_releasing_items (self->store, &error);
  if (items == NULL)
    {
      g_warning ("cannot find the interrupted releases: %s", error->message);
      return 0;
    }
  /* One batch per user: their transactions follow one another. */
  by_user = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                   (GDestroyNotify)g_ptr_array_unref);
  for (guint i = 0; i < items->len; i++)
    {
      QdGwItem *item = g_ptr_array_index (items, i);
      GPtrArray *ids = g_hash_table_lookup (by_user, &item->user_id);

      if (ids == NULL)
        {
          ids = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (by_user, g_memdup2 (&item->user_id, sizeof (gint64)), ids);
        }
      g_ptr_array_add (ids, g_strdup_printf ("%" G_GINT64_FORMAT, item->id));
    }
  g_hash_table_iter_init (&iter, by_user);
  while (g_hash_table_iter_next (&iter, &key, &value))
    qd_gw_gateway_act_async (self, *(gint64 *)key, QD_ACTION_RELEASE, value, FALSE, NULL,
                             resumed_cb, NULL);
  return items->len;
}

/* classify */

typedef struct
{
  gboolean reported;
  gboolean graymail_markers;
} ClassifyData;

static void
classify_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  QdGwGateway *self = g_task_get_source_object (task);
  ClassifyData *data = g_task_get_task_data (task);
  QdGwCheck *check;
  g_autoptr(GError) error = NULL;

  check = qd_gw_rspamd_check_finish (QD_GW_RSPAMD (object), result, &error);
  if (check == NULL)
    {
      g_warning ("classifier unavailable: %s", error->message);
      g_task_return_new_error (task, QD_GW_ERROR, QD_GW_ERROR_CLASSIFIER_UNAVAILABLE,
                               "The spam classifier cannot be reached. Try again later.");
      return;
    }
  g_task_return_pointer (task,
                         qd_gw_verdict_new (check, self->config.spam_threshold, data->reported,
                                            data->graymail_markers),
                         (GDestroyNotify)qd_gw_verdict_free);
}

void
qd_gw_gateway_classify_async (QdGwGateway         *self,
                              GBytes              *message,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GMimeMessage) parsed = NULL;
  g_autofree char *digest = NULL;
  ClassifyData *data = g_new0 (ClassifyData, 1);
  gsize size;
  const guint8 *bytes = g_bytes_get_data (message, &size);

  g_task_set_source_tag (task, qd_gw_gateway_classify_async);
  g_task_set_task_data (task, data, g_free);

  parsed = size > 0 ? qd_mail_parse (bytes, size) : NULL;
  if (parsed == NULL || g_mime_object_get_header_list (GMIME_OBJECT (parsed)) == NULL ||
      g_mime_header_list_get_count (g_mime_object_get_header_list (GMIME_OBJECT (parsed))) == 0)
    {
      g_task_return_new_error (task, QD_GW_ERROR, QD_GW_ERROR_INVALID_PARAMETER,
                               "The body is not a mail message.");
      return;
    }

  digest = qd_mail_sample_digest (bytes, size);
  data->reported = qd_gw_store_is_reported (self->store, digest);
  data->graymail_markers = qd_gw_message_is_bulk (parsed);

  qd_gw_rspamd_check_async (self->rspamd, message, cancellable, classify_cb,
                            g_steal_pointer (&task));
}

/**
 * qd_gw_gateway_classify_finish:
 *
 * Returns: (transfer full): the verdict, or %NULL with @error set
 */
QdGwVerdict *
qd_gw_gateway_classify_finish (QdGwGateway   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* submissions */

gboolean
qd_gw_gateway_receive_submission (QdGwGateway  *self,
                                  const char   *mail_from,
                                  const char   *rcpt_to,
                                  GBytes       *message,
                                  gint64       *submission_id,
                                  GError      **error)
{
  g_autoptr(GPtrArray) samples = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  gint64 id;

  name = g_strdup_printf ("%" G_GINT64_FORMAT "-%08x.eml", g_date_time_to_unix (now),
                          g_random_int ());
  path = g_build_filename (self->config.data_dir, "submissions", name, NULL);
  if (!write_file_atomically (path, message, error))
    return FALSE;

  samples = qd_gw_intake_evaluate (message, now, self->config.max_sample_age_days);

  if (!qd_gw_store_begin (self->store, error))
    return FALSE;
  id = qd_gw_store_add_submission (self->store, g_date_time_to_unix (now), mail_from, rcpt_to,
                                   g_bytes_get_size (message), name,
                                   samples->len > 0 ? "received" : "no_samples", error);
  if (id == 0)
    goto fail;
  for (guint i = 0; i < samples->len; i++)
    {
      QdGwSample *sample = g_ptr_array_index (samples, i);

      sample->submission_id = id;
      if (!qd_gw_store_add_sample (self->store, sample, error))
        goto fail;
    }
  if (!qd_gw_store_commit (self->store, error))
    goto fail;

  if (submission_id != NULL)
    *submission_id = id;
  return TRUE;

fail:
  qd_gw_store_rollback (self->store);
  return FALSE;
}

/* expiry */

guint
qd_gw_gateway_purge_expired (QdGwGateway *self)
{
  g_autoptr(GPtrArray) expired = NULL;
  guint purged = 0;

  expired = qd_gw_store_expired_items (self->store, g_get_real_time () / G_USEC_PER_SEC);
  for (guint i = 0; i < expired->len; i++)
    {
      QdGwItem *item = g_ptr_array_index (expired, i);
      g_autofree char *path = qd_gw_gateway_message_path (self, item->id);

      if (item->folder == QD_FOLDER_QUARANTINE)
        g_unlink (path);
      if (qd_gw_store_set_item_status (self->store, item->id, QD_GW_STATUS_DELETED, NULL))
        purged++;
    }
  return purged;
}

/* held from rspamd */

/* Whether the message's sender, by its From address or its envelope
 * sender, is on one of the user's lists (an address or its @domain). */
static gboolean
ingest_sender_listed (QdGwGateway    *self,
                      QdGwSenderList  list,
                      const QdGwItem *item)
{
  return (item->from_address != NULL &&
          qd_gw_store_sender_listed (self->store, list, item->user_id, item->from_address)) ||
         (item->envelope_sender != NULL && item->envelope_sender[0] != '\0' &&
          qd_gw_store_sender_listed (self->store, list, item->user_id, item->envelope_sender));
}

static QdGwItem *
new_rspamd_item (QdGwGateway             *self,
                 const QdGwIngestRequest *request,
                 const QdGwUser          *user,
                 GMimeMessage            *parsed,
                 const char              *rules_json,
                 gsize                    size,
                 gint64                   now)
{
  QdGwItem *item = g_new0 (QdGwItem, 1);

  item->user_id = user->id;
  item->folder = QD_FOLDER_QUARANTINE;
  item->reason = request->reason;
  item->category = request->reason == QD_REASON_GRAYMAIL ? request->category
                                                          : QD_CATEGORY_NONE;
  item->policy_rule = g_strdup (qd_gw_default_policy_rule (item->reason, item->category));
  item->score = request->score;
  item->rules_json = g_strdup (rules_json);
  item->received_at = now;
  item->expires_at = now + (gint64)self->config.retention_days * 24 * 3600;
  item->size = size;
  if (parsed != NULL)
    fill_from_message (item, parsed);
  /* The envelope's recipient, not the To header's. */
  g_free (item->recipient);
  item->recipient = g_strdup (user->address);
  item->envelope_sender = g_strdup (request->envelope_sender);
  return item;
}

/* How long a sender's retry of a held message is recognised as one. */
#define RETRY_WINDOW (24 * 3600)

static gboolean
sync_directory (QdGwGateway  *self,
                GError      **error)
{
  g_autofree char *dir = g_build_filename (self->config.data_dir, "messages", NULL);
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  int saved;

  if (fd >= 0 && fsync (fd) == 0)
    return g_close (fd, error);
  saved = errno;
  if (fd >= 0)
    g_close (fd, NULL);
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "cannot sync %s: %s", dir,
               g_strerror (saved));
  return FALSE;
}

/**
 * qd_gw_gateway_ingest_from_rspamd:
 * @request: the POST's headers, parsed
 * @message: the message, byte for byte as rspamd saw it
 * @counts: (out caller-allocates): what became of each recipient
 *
 * Holds the message once for each user it was addressed to. Every new
 * original is written and synced, with its directory, before the one
 * commit that records them all, so a success means nothing is lost; a
 * retried request finds its items by queue id and recipient. Approved
 * senders' messages are then released through the path the API's
 * release takes.
 *
 * Returns: %FALSE when the store failed (nothing recorded: rspamd may retry)
 */
gboolean
qd_gw_gateway_ingest_from_rspamd (QdGwGateway              *self,
                                  const QdGwIngestRequest  *request,
                                  GBytes                   *message,
                                  QdGwIngestCounts         *counts,
                                  GError                  **error)
{
  g_autoptr(GMimeMessage) parsed = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify)qd_gw_item_free);
  g_autoptr(GArray) approved = g_array_new (FALSE, FALSE, sizeof (gboolean));
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autofree char *rules_json = NULL;
  const char *message_id = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gsize size;
  const guint8 *data = g_bytes_get_data (message, &size);

  g_return_val_if_fail (QD_IS_GW_GATEWAY (self), FALSE);
  g_return_val_if_fail (counts != NULL, FALSE);

  memset (counts, 0, sizeof *counts);
  for (guint i = 0; i < request->rules->len; i++)
    g_ptr_array_add (names, ((QdVerdictRule *)g_ptr_array_index (request->rules, i))->name);
  g_ptr_array_add (names, NULL);
  rules_json = rules_to_json ((const char * const *)names->pdata);
  /* What cannot be parsed is still held: the user may want it. */
  if (size > 0)
    parsed = qd_mail_parse (data, size);
  if (parsed != NULL)
    message_id = g_mime_message_get_message_id (parsed);

  for (guint r = 0; r < request->recipients->len; r++)
    {
      const char *address = g_ptr_array_index (request->recipients, r);
      g_autoptr(GPtrArray) users = qd_gw_store_find_users_by_address (self->store, address);

      if (users->len == 0)
        {
          g_autofree char *plain = qd_gw_ingest_address_without_detail (address);

          if (plain != NULL)
            {
              g_ptr_array_unref (users);
              users = qd_gw_store_find_users_by_address (self->store, plain);
            }
        }

      if (users->len == 0)
        counts->ignored++;
      for (guint u = 0; u < users->len; u++)
        {
          QdGwUser *user = g_ptr_array_index (users, u);
          g_autoptr(QdGwItem) item = NULL;
          gboolean is_approved;

          if (g_hash_table_contains (seen, &user->id))
            continue;
          g_hash_table_add (seen, g_memdup2 (&user->id, sizeof user->id));
          /* The exporter's retry has the same queue id; a sender's retry after
           * a 451 (our answer was lost) is a new transaction with the same
           * Message-ID. Either is the item already held. */
          if (qd_gw_store_find_queued_item (self->store, request->queue_id, user->address) != 0 ||
              (message_id != NULL &&
               qd_gw_store_find_retried_item (self->store, user->address,
                                              request->envelope_sender, message_id,
                                              now - RETRY_WINDOW) != 0))
            {
              counts->duplicates++;
              continue;
            }
          item = new_rspamd_item (self, request, user, parsed, rules_json, size, now);
          if (ingest_sender_listed (self, QD_GW_LIST_BLOCKED, item))
            {
              counts->dropped++;
              continue;
            }
          is_approved = ingest_sender_listed (self, QD_GW_LIST_APPROVED, item);
          g_array_append_val (approved, is_approved);
          g_ptr_array_add (items, g_steal_pointer (&item));
        }
    }
  if (items->len == 0)
    return TRUE;

  qd_gw_store_set_synchronous_full (self->store, TRUE);
  if (!qd_gw_store_begin (self->store, error))
    goto fail;
  for (guint i = 0; i < items->len; i++)
    {
      QdGwItem *item = g_ptr_array_index (items, i);
      char *path;

      if (qd_gw_store_add_item (self->store, item, error) == 0 ||
          !qd_gw_store_set_item_origin (self->store, item->id, request->queue_id, message_id,
                                        error))
        goto fail;
      path = qd_gw_gateway_message_path (self, item->id);
      g_ptr_array_add (written, path);
      if (!g_file_set_contents_full (path, (const char *)data, size,
                                     G_FILE_SET_CONTENTS_CONSISTENT |
                                     G_FILE_SET_CONTENTS_DURABLE, 0600, error))
        goto fail;
    }
  /* The files' names must survive a crash too, before the rows that name them. */
  if (!sync_directory (self, error) || !qd_gw_store_commit (self->store, error))
    goto fail;
  qd_gw_store_set_synchronous_full (self->store, FALSE);

  for (guint i = 0; i < items->len; i++)
    {
      QdGwItem *item = g_ptr_array_index (items, i);

      if (!g_array_index (approved, gboolean, i))
        {
          counts->held++;
          continue;
        }
      release_approved (self, item->id);
      counts->released++;
    }
  return TRUE;

fail:
  qd_gw_store_rollback (self->store);
  qd_gw_store_set_synchronous_full (self->store, FALSE);
  for (guint i = 0; i < written->len; i++)
    g_unlink (g_ptr_array_index (written, i));
  return FALSE;
}

/* A line rspamd's map reader would read back as something else is left out. */
static gboolean
map_line_is_safe (const char *line)
{
  const char *bar = strchr (line, '|');

  if (bar == NULL || strchr (bar + 1, '|') != NULL)
    return FALSE;
  for (const char *p = line; *p; p++)
    if ((guchar)*p <= ' ' || *p == '#' || *p == 0x7f)
      return FALSE;
  return TRUE;
}

/**
 * qd_gw_gateway_sender_map:
 *
 * Every user's @list as rspamd reads it: one "RECIPIENT|SENDER" or
 * "RECIPIENT|@DOMAIN" line per entry, lower case.
 *
 * Returns: (transfer full): the map's text
 */
GBytes *
qd_gw_gateway_sender_map (QdGwGateway    *self,
                          QdGwSenderList  list)
{
  g_autoptr(GPtrArray) lines = NULL;
  /* Never empty: rspamd takes an empty map for a failed fetch and then
   * polls it far less often, so a first entry would wait for minutes. */
  GString *text = g_string_new (list == QD_GW_LIST_APPROVED
                                ? "# qd-gateway: approved senders, RECIPIENT|SENDER\n"
                                : "# qd-gateway: blocked senders, RECIPIENT|SENDER\n");

  g_return_val_if_fail (QD_IS_GW_GATEWAY (self), NULL);

  lines = qd_gw_store_list_sender_map (self->store, list);
  for (guint i = 0; i < lines->len; i++)
    {
      const char *line = g_ptr_array_index (lines, i);

      if (map_line_is_safe (line))
        g_string_append_printf (text, "%s\n", line);
      else
        g_warning ("a sender list entry left out of rspamd's map: it has a character "
                   "the map cannot hold");
    }
  return g_string_free_to_bytes (text);
}

/* When a sender list last changed (unix seconds), for the maps' Last-Modified. */
gint64
qd_gw_gateway_get_senders_changed_at (QdGwGateway *self)
{
  g_return_val_if_fail (QD_IS_GW_GATEWAY (self), 0);
  return qd_gw_store_get_senders_changed_at (self->store);
}
