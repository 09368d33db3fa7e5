/* qd-pmg-parse.c — PMG's addresses, report links, tickets and answers, without a network
 *
 * The pure part of QdPmgClient (shared/specs/pmg-quarantine-api.md, §
 * below), apart so that hostile input can be tried on it alone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gmime/gmime.h>
#include <string.h>

#include "qd-api-client.h"
#include "qd-error.h"
#include "qd-json.h"
#include "qd-mail.h"
#include "qd-pmg-parse.h"

#define PMG_LINK_LIFE_DAYS 7   /* §4.7: the default quarantine lifetime */

/* scheme://host:port of @text, with @default_port where it names none. */
char *
qd_pmg_normalize_base_url (const char  *text,
                    int          default_port,
                    GError     **error)
{
  g_autofree char *with_scheme = NULL;
  g_autoptr(GUri) uri = NULL;
  int port;

  if (text == NULL)
    text = "";
  with_scheme = strstr (text, "://") != NULL ? g_strdup (text) : g_strconcat ("https://", text,
                                                                              NULL);
  if (!qd_api_client_check_url (with_scheme, error))
    return NULL;
  uri = g_uri_parse (with_scheme, G_URI_FLAGS_NONE, NULL);
  port = g_uri_get_port (uri);
  if (port < 0)
    port = default_port > 0 ? default_port
           : g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 ? 443 : 80;
  return g_uri_join (G_URI_FLAGS_NONE, g_uri_get_scheme (uri), NULL, g_uri_get_host (uri),
                     port, "", NULL, NULL);
}

static GError *
link_error (void)
{
  return g_error_new_literal (QD_ERROR, QD_ERROR_INVALID_INPUT,
                              _("This is not the quarantine link of a spam report. Copy the "
                                "whole link of a button or address in the report and try "
                                "again."));
}

/**
 * qd_pmg_parse_link:
 * @base_url: (out) (optional): the gateway the link points to
 * @ticket: (out) (optional): the PMGQUAR ticket it carries
 *
 * A link of a spam report (§4.7): its address, where a missing port is the
 * scheme's (the report leaves out 443), and its ticket, decoded once or,
 * when the report's template encoded it twice, twice.
 */
gboolean
qd_pmg_parse_link (const char  *link_url,
                          char       **base_url,
                          char       **ticket,
                          GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (link_url != NULL ? link_url : ""));
  g_autoptr(GUri) uri = g_uri_parse (stripped, G_URI_FLAGS_ENCODED_QUERY, NULL);
  g_autoptr(GHashTable) params = NULL;
  g_autofree char *value = NULL;
  char *base;

  /* A link without a host ("https:/..//x?ticket=…" parses so) points
   * nowhere, and GLib refuses to write it back out. */
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      g_uri_get_query (uri) == NULL ||
      (params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE,
                                    NULL)) == NULL ||
      g_hash_table_lookup (params, "ticket") == NULL)
    {
      g_propagate_error (error, link_error ());
      return FALSE;
    }
  value = g_strdup (g_hash_table_lookup (params, "ticket"));
  if (!g_str_has_prefix (value, "PMGQUAR:") && strchr (value, '%') != NULL)
    {
      char *again = g_uri_unescape_string (value, NULL);

      if (again != NULL)
        {
          g_free (value);
          value = again;
        }
    }
  if (!g_str_has_prefix (value, "PMGQUAR:") || strchr (value + strlen ("PMGQUAR:"), ':') == NULL)
    {
      g_propagate_error (error, link_error ());
      return FALSE;
    }
  {
    g_autofree char *text = g_uri_to_string (uri);

    base = qd_pmg_normalize_base_url (text, 0, error);
  }
  if (base == NULL)
    return FALSE;
  if (base_url != NULL)
    *base_url = base;
  else
    g_free (base);
  if (ticket != NULL)
    *ticket = g_steal_pointer (&value);
  return TRUE;
}

/* SHA-256 of the certificate's DER in Proxmox's notation (§2.3). */
char *
qd_pmg_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;
  GString *text = g_string_new (NULL);

  g_object_get (certificate, "certificate", &der, NULL);
  g_checksum_update (checksum, der->data, der->len);
  g_checksum_get_digest (checksum, digest, &len);
  for (gsize i = 0; i < len; i++)
    g_string_append_printf (text, i == 0 ? "%02X" : ":%02X", digest[i]);
  return g_string_free (text, FALSE);
}

/* The server's words, first line only (it is also the reason phrase),
 * made safe to show. */
char *
qd_pmg_server_words (const char *message)
{
  g_autofree char *valid = NULL;
  const char *end;

  if (message == NULL || message[0] == '\0')
    return g_strdup ("?");
  end = strchr (message, '\n');
  valid = g_utf8_make_valid (message, end != NULL ? end - message : -1);
  if (g_utf8_strlen (valid, -1) > 200)
    {
      g_autofree char *cut = g_utf8_substring (valid, 0, 200);

      return g_strconcat (cut, "…", NULL);
    }
  return g_steal_pointer (&valid);
}

/* key=value&… with every reserved character escaped: a ; in an id list
 * goes as %3B, since the server splits pairs at ; too (§3). */
char *
qd_pmg_form_encode (const char *first_key,
             ...)
{
  GString *text = g_string_new (NULL);
  const char *key = first_key;
  va_list args;

  va_start (args, first_key);
  while (key != NULL)
    {
      const char *value = va_arg (args, const char *);

      if (value != NULL)
        {
          if (text->len > 0)
            g_string_append_c (text, '&');
          g_string_append (text, key);
          g_string_append_c (text, '=');
          g_string_append_uri_escaped (text, value, NULL, FALSE);
        }
      key = va_arg (args, const char *);
    }
  va_end (args);
  return g_string_free (text, FALSE);
}

/* When a PMGQUAR ticket ends: its issue time (hex, third field) and the
 * default lifetime. */
GDateTime *
qd_pmg_link_ticket_expiry (const char *ticket)
{
  g_auto(GStrv) fields = g_strsplit (ticket, ":", 4);
  guint64 issued;

  if (g_strv_length (fields) < 3 ||
      !g_ascii_string_to_unsigned (fields[2], 16, 0, G_MAXUINT32, &issued, NULL))
    return NULL;
  return g_date_time_new_from_unix_utc ((gint64)issued + PMG_LINK_LIFE_DAYS * 86400);
}

gboolean
qd_pmg_is_mail_id (const char *id)
{
  const char *p = id;

  if (id == NULL || strlen (id) > 60)
    return FALSE;
  for (const char *letter = "CRT"; *letter != '\0'; letter++)
    {
      if (*p++ != *letter || !g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  return *p == '\0';
}

static gint
compare_rules (gconstpointer a,
               gconstpointer b)
{
  double sa = qd_json_get_double (*(JsonObject **)a, "score", 0);
  double sb = qd_json_get_double (*(JsonObject **)b, "score", 0);

  return sa < sb ? 1 : sa > sb ? -1 : 0;
}

/**
 * qd_pmg_item_from_json:
 *
 * An item from one entry of /quarantine/spam or the answer of
 * /quarantine/content: the score is the sum of the rule scores where the
 * server gives them (9.0.8 and later, under either name), else its
 * integer spamlevel; the rules are spaminfo's names, highest score first.
 */
QdItem *
qd_pmg_item_from_json (JsonObject  *object,
                              GError     **error)
{
  const char *id = qd_json_get_string (object, "id");
  const char *from = qd_json_get_string (object, "from");
  g_autoptr(GDateTime) received = NULL;
  g_autoptr(InternetAddressList) list = NULL;
  g_autoptr(GPtrArray) rules = g_ptr_array_new ();
  g_autoptr(GPtrArray) infos = g_ptr_array_new ();
  JsonArray *spaminfo = qd_json_get_array (object, "spaminfo");
  QdItemFields fields = { 0 };
  const char *positive = "score-positive", *negative = "score-negative";
  gint64 time = qd_json_get_int (object, "time", -1);

  qd_mail_init ();
  /* An entry without its id or time is no mail of the list (§6.2: both
   * always there); the caller leaves it out. */
  if (time >= 0)
    received = g_date_time_new_from_unix_utc (time);
  if (!qd_pmg_is_mail_id (id) || received == NULL)
    {
      g_set_error_literal (error, QD_ERROR, QD_ERROR_BAD_RESPONSE, "no valid mail id or time");
      return NULL;
    }
  fields.id = id;
  fields.folder = QD_FOLDER_QUARANTINE;
  fields.received_at = received;
  fields.envelope_sender = qd_json_get_string (object, "envelope_sender");
  if (from != NULL)
    list = internet_address_list_parse (NULL, from);
  if (list != NULL && internet_address_list_length (list) > 0 &&
      INTERNET_ADDRESS_IS_MAILBOX (internet_address_list_get_address (list, 0)))
    {
      InternetAddress *address = internet_address_list_get_address (list, 0);

      fields.from_name = internet_address_get_name (address);
      fields.from_address = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (address));
    }
  else
    fields.from_address = from != NULL ? from : fields.envelope_sender;
  fields.recipient = qd_json_get_string (object, "receiver");
  fields.subject = qd_json_get_string (object, "subject");
  fields.size = qd_json_get_int (object, "bytes", 0);
  fields.reason = QD_REASON_SPAM;
  fields.category = QD_CATEGORY_NONE;
  if (!json_object_has_member (object, positive))
    {
      positive = "spamlevel_positive";
      negative = "spamlevel_negative";
    }
  if (json_object_has_member (object, positive))
    fields.score = qd_json_get_double (object, positive, 0) +
                   qd_json_get_double (object, negative, 0);
  else
    fields.score = qd_json_get_double (object, "spamlevel", 0);
  for (guint i = 0; spaminfo != NULL && i < json_array_get_length (spaminfo); i++)
    {
      JsonNode *node = json_array_get_element (spaminfo, i);

      if (JSON_NODE_HOLDS_OBJECT (node) &&
          qd_json_get_string (json_node_get_object (node), "name") != NULL)
        g_ptr_array_add (infos, json_node_get_object (node));
    }
  g_ptr_array_sort (infos, compare_rules);
  for (guint i = 0; i < infos->len; i++)
    g_ptr_array_add (rules, (gpointer)qd_json_get_string (infos->pdata[i], "name"));
  g_ptr_array_add (rules, NULL);
  fields.rules = (const char * const *)rules->pdata;
  fields.actions = QD_ACTION_RELEASE | QD_ACTION_DELETE | QD_ACTION_BLOCK_SENDER |
                   QD_ACTION_APPROVE_SENDER;
  return qd_item_new_full (&fields);
}

/* What the gateway keeps and shows again (§6.8): one address, domain or
 * pattern, no separators, 3 to 512 characters; an entry it would accept
 * but silently drop when reading the list back (@example.com, a@b@c) is
 * refused here, where the person can still be told. */
gboolean
qd_pmg_sender_entry_is_valid (const char *address)
{
  gsize len = strlen (address);
  const char *at = strchr (address, '@');

  if (len < 3 || len > 512 || address[0] == '@')
    return FALSE;
  for (const char *p = address; *p != '\0'; p++)
    if (g_ascii_isspace (*p) || strchr ("/\\;,", *p) != NULL)
      return FALSE;
  return at == NULL || (strchr (at + 1, '@') == NULL && at[1] != '\0');
}


/**
 * qd_pmg_normalize_fingerprint:
 *
 * Returns: (nullable): @text as 32 upper-case hex pairs joined by colons
 *   (§2.3), NULL when it is not a SHA-256 fingerprint
 */
char *
qd_pmg_normalize_fingerprint (const char *text)
{
  g_autofree char *upper = NULL;
  gboolean valid;

  if (text == NULL)
    return NULL;
  upper = g_ascii_strup (text, -1);
  g_strstrip (upper);
  valid = strlen (upper) == 32 * 3 - 1;
  for (guint i = 0; valid && upper[i] != '\0'; i++)
    valid = (i % 3 == 2) ? upper[i] == ':' : g_ascii_isxdigit (upper[i]);
  return valid ? g_steal_pointer (&upper) : NULL;
}

/**
 * qd_pmg_link_ticket_user:
 *
 * Returns: (nullable): the user name a PMGQUAR ticket is for: its second
 *   field, %3A decoded (§4.7, step 3)
 */
char *
qd_pmg_link_ticket_user (const char *ticket)
{
  g_auto(GStrv) fields = ticket != NULL ? g_strsplit (ticket, ":", 3) : NULL;
  char *user;

  if (fields == NULL || g_strv_length (fields) < 3 || fields[1][0] == '\0')
    return NULL;
  user = g_uri_unescape_string (fields[1], NULL);
  return user != NULL ? user : g_strdup (fields[1]);
}
