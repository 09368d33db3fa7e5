/* qd-cloud-parse.c — the cloud quarantine API's answers read tolerantly, its preview as a message
 *
 * Pure functions, so the unit test and a fuzzer reach them without HTTP;
 * QdCloudClient makes its calls with them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gmime/gmime.h>
#include <libsoup/soup.h>
#include <string.h>

#include "qd-cloud-parse.h"
#include "qd-json.h"

/* The service's own words (its error body is Unknown, §7): a line of
 * printable text at most, for a sentence of ours to quote. */
char *
qd_cloud_answer_message (JsonNode *answer,
                guint     status)
{
  JsonObject *object = answer != NULL && JSON_NODE_HOLDS_OBJECT (answer)
                       ? json_node_get_object (answer) : NULL;
  const char *said = NULL;
  g_autofree char *valid = NULL;
  GString *text;

  for (const char * const *m = (const char * const[]){ "message", "error", "reason",
                                                       "detail", NULL }; *m && !said; m++)
    said = qd_json_get_string (object, *m);
  if (said == NULL)
    said = qd_json_get_string (object, "status");
  if (said == NULL)
    said = status != 0 ? soup_status_get_phrase (status) : NULL;
  if (said == NULL || said[0] == '\0')
    said = "?";
  valid = g_utf8_make_valid (said, -1);
  text = g_string_new (NULL);
  for (const char *p = valid; *p != '\0' && g_utf8_strlen (text->str, -1) < 160;
       p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        g_string_append_c (text, ' ');
      else
        g_string_append_unichar (text, c);
    }
  return g_string_free (text, FALSE);
}


/* tolerant values (spec §9.5) */

gboolean
qd_cloud_get_number (JsonObject *object,
            const char *member,
            gint64     *value)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;
  gint64 n;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
    case G_TYPE_DOUBLE:
      *value = qd_json_get_int (object, member, 0);
      return TRUE;
    case G_TYPE_STRING:
      {
        g_autofree char *text = g_strstrip (g_strdup (json_node_get_string (node)));

        if (!g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &n, NULL))
          return FALSE;
        *value = n;
        return TRUE;
      }
    default:
      return FALSE;
    }
}

/* true/false, "true"/"false" (and yes/no), 1/0 or "1"/"0". */
gboolean
qd_cloud_get_flag (JsonObject *object,
          const char *member,
          gboolean    fallback)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;
  const char *text;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_BOOLEAN:
      return json_node_get_boolean (node);
    case G_TYPE_INT64:
      return json_node_get_int (node) != 0;
    case G_TYPE_DOUBLE:
      return json_node_get_double (node) != 0;
    case G_TYPE_STRING:
      text = json_node_get_string (node);
      if (g_ascii_strcasecmp (text, "true") == 0 || g_ascii_strcasecmp (text, "yes") == 0 ||
          g_strcmp0 (text, "1") == 0)
        return TRUE;
      if (g_ascii_strcasecmp (text, "false") == 0 || g_ascii_strcasecmp (text, "no") == 0 ||
          g_strcmp0 (text, "0") == 0)
        return FALSE;
      return fallback;
    default:
      return fallback;
    }
}

/* An opaque id: a string, or a number written as one. */
char *
qd_cloud_dup_id (JsonObject *object,
        const char *member)
{
  gint64 n;

  if (qd_json_get_string (object, member) != NULL)
    return qd_json_dup_string (object, member);
  if (qd_cloud_get_number (object, member, &n))
    return g_strdup_printf ("%" G_GINT64_FORMAT, n);
  return NULL;
}

/* items */

QdCloudGroup
qd_cloud_type_group (const char *type)
{
  if (g_strcmp0 (type, "SPAM") == 0)
    return QD_CLOUD_GROUP_SPAM;
  if (g_strcmp0 (type, "NEWSLETTER") == 0)
    return QD_CLOUD_GROUP_NEWSLETTER;
  return QD_CLOUD_GROUP_POLICY;
}

QdReason
qd_cloud_group_reason (QdCloudGroup group)
{
  return group == QD_CLOUD_GROUP_SPAM ? QD_REASON_SPAM
         : group == QD_CLOUD_GROUP_NEWSLETTER ? QD_REASON_GRAYMAIL : QD_REASON_POLICY;
}

/* The issue: its newsletter type is graymail, category marketing. */
QdCategory
qd_cloud_group_category (QdCloudGroup group)
{
  return group == QD_CLOUD_GROUP_NEWSLETTER ? QD_CATEGORY_MARKETING : QD_CATEGORY_NONE;
}

/* "Shop Team (news@shop.example.net)" as the fixture writes senders, or an
 * RFC 5322 address, or whatever it is. */
void
qd_cloud_parse_sender (const char  *text,
              char       **name,
              char       **address)
{
  const char *open;
  gsize len;

  *name = NULL;
  *address = NULL;
  if (text == NULL || text[0] == '\0')
    return;
  len = strlen (text);
  open = strrchr (text, '(');
  if (text[len - 1] == ')' && open != NULL)
    {
      g_autofree char *inside = g_strndup (open + 1, text + len - 1 - (open + 1));

      if (strchr (inside, '@') != NULL && strpbrk (inside, " \t<>") == NULL)
        {
          g_autofree char *before = g_strndup (text, open - text);

          *address = g_steal_pointer (&inside);
          g_strstrip (before);
          *name = before[0] != '\0' ? g_steal_pointer (&before) : NULL;
          return;
        }
    }
  {
    /* GMime's types have no autoptr: the list goes as a GObject. */
    InternetAddressList *list = internet_address_list_parse (NULL, text);
    g_autoptr(GObject) owner = G_OBJECT (list);

    if (list != NULL && internet_address_list_length (list) > 0 &&
        INTERNET_ADDRESS_IS_MAILBOX (internet_address_list_get_address (list, 0)))
      {
        InternetAddress *first = internet_address_list_get_address (list, 0);
        const char *n = internet_address_get_name (first);

        *address = g_strdup (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (first)));
        *name = n != NULL && n[0] != '\0' ? g_strdup (n) : NULL;
        return;
      }
  }
  *address = g_strdup (text);
}

/**
 * qd_cloud_item_new:
 * @node: an element of mail_list
 * @listed_at: the time for an item without one
 * @info: (out): what the item's type and flags say beyond the item
 *
 * Returns: (transfer full) (nullable): the item, NULL without an id (or an empty one)
 */
QdItem *
qd_cloud_item_new (JsonNode        *node,
                   GDateTime       *listed_at,
                   QdCloudItemInfo *info)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonObject *metadata = qd_json_get_object (object, "metadata");
  JsonObject *quarantine = qd_json_get_object (metadata, "quarantine_info");
  JsonObject *actions = qd_json_get_object (object, "actions");
  g_autofree char *id = qd_cloud_dup_id (object, "id");
  g_autofree char *name = NULL;
  g_autofree char *address = NULL;
  g_autoptr(GDateTime) received = NULL;
  g_auto(GStrv) rules = NULL;
  const char *type;
  QdItemFields fields = { 0 };
  gint64 n;

  *info = (QdCloudItemInfo){ QD_CLOUD_GROUP_POLICY, FALSE, TRUE };
  /* An empty id names no mail an action could reach (found by fuzzing). */
  if (id == NULL || *id == '\0')
    return NULL;
  type = qd_json_get_string (quarantine, "quarantine_type");
  if (type == NULL)
    type = qd_json_get_string (metadata, "quarantine_type");
  info->group = qd_cloud_type_group (type);
  if (qd_cloud_get_number (metadata, "email_date_received", &n))
    received = g_date_time_new_from_unix_utc (n / 1000);
  info->dated = received != NULL;
  qd_cloud_parse_sender (qd_json_get_string (metadata, "email_sender"), &name, &address);
  rules = qd_json_dup_strv (quarantine, "rules");

  fields.id = id;
  fields.folder = QD_FOLDER_QUARANTINE;
  /* Every field is optional (§9.6): an item without a date shows when it
   * was listed. */
  fields.received_at = received != NULL ? received : listed_at;
  fields.envelope_sender = qd_json_get_string (metadata, "email_envelope_sender");
  fields.from_name = name;
  fields.from_address = address != NULL ? address : fields.envelope_sender;
  fields.recipient = qd_json_get_string (metadata, "email_envelope_recipient");
  if (fields.recipient == NULL)
    fields.recipient = qd_json_get_string (metadata, "master_recipient");
  fields.subject = qd_json_get_string (metadata, "email_subject");
  if (qd_cloud_get_number (metadata, "email_size", &n) && n >= 0)
    fields.size = n;
  fields.reason = qd_cloud_group_reason (info->group);
  fields.category = qd_cloud_group_category (info->group);
  if (info->group == QD_CLOUD_GROUP_POLICY)
    fields.policy_rule = rules[0] != NULL ? rules[0] : type;
  fields.rules = (const char * const *)rules;
  /* Without actions the service decides (§9.6): everything is offered. */
  if (qd_cloud_get_flag (actions, "release_message", TRUE))
    fields.actions |= QD_ACTION_RELEASE | QD_ACTION_APPROVE_SENDER;
  if (qd_cloud_get_flag (actions, "delete_message", TRUE))
    fields.actions |= QD_ACTION_DELETE | QD_ACTION_BLOCK_SENDER;
  fields.status = qd_cloud_get_flag (metadata, "email_is_released", FALSE) ? "released" : "held";

  info->preview = qd_cloud_get_flag (actions, "preview_message", TRUE);
  return qd_item_new_full (&fields);
}


static gboolean
is_header_name (const char *name)
{
  if (name == NULL || name[0] == '\0')
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (*p <= 32 || *p >= 127 || *p == ':')
      return FALSE;
  return TRUE;
}

/* The headers that describe the body are ours to write: the body is
 * rebuilt from its text parts. */
static gboolean
is_body_header (const char *name)
{
  return g_ascii_strncasecmp (name, "content-", 8) == 0 ||
         g_ascii_strcasecmp (name, "mime-version") == 0;
}

/* A header value without line breaks.  Received, a trace header, may
 * come repeated as lines of one value (§9.12): one header per line; in
 * any other a line break is a space, so no value makes a header. */
static void
append_header_lines (GMimeObject *message,
                     const char  *name,
                     const char  *value)
{
  g_autofree char *valid = g_utf8_make_valid (value, -1);
  g_auto(GStrv) lines = NULL;

  if (g_ascii_strcasecmp (name, "received") != 0)
    {
      g_strstrip (g_strdelimit (valid, "\r\n", ' '));
      if (valid[0] != '\0')
        g_mime_object_append_header (message, name, valid, "utf-8");
      return;
    }
  lines = g_strsplit_set (valid, "\r\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_strstrip (lines[i])[0] != '\0')
      g_mime_object_append_header (message, name, lines[i], "utf-8");
}

/* Text the service may have given as its bytes in the declared charset,
 * each byte one character (§9.12 "how non-UTF-8 charsets are delivered"):
 * decoded here; text that cannot be such bytes is kept as it is. */
static char *
decode_text (const char       *content,
             GMimeContentType *type)
{
  const char *charset = g_mime_content_type_get_parameter (type, "charset");
  g_autoptr(GByteArray) bytes = NULL;
  gboolean high = FALSE;
  char *decoded;

  if (charset == NULL || g_ascii_strcasecmp (charset, "utf-8") == 0 ||
      g_ascii_strcasecmp (charset, "us-ascii") == 0 ||
      g_ascii_strcasecmp (charset, "iso-8859-1") == 0)
    return g_strdup (content);
  bytes = g_byte_array_new ();
  for (const char *p = content; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      guint8 b = c;

      if (c > 0xff)
        return g_strdup (content);
      high |= c >= 0x80;
      g_byte_array_append (bytes, &b, 1);
    }
  if (!high)
    return g_strdup (content);
  decoded = g_convert ((const char *)bytes->data, bytes->len, "UTF-8", charset, NULL, NULL, NULL);
  return decoded != NULL ? decoded : g_strdup (content);
}

static void
add_headers (GMimeObject *message,
             JsonObject  *headers)
{
  g_autoptr(GList) names = headers != NULL ? json_object_get_members (headers) : NULL;

  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (headers, name);

      if (!is_header_name (name) || is_body_header (name))
        continue;
      /* The envelope sender, as a delivered message keeps it. */
      if (g_ascii_strcasecmp (name, "mailfrom") == 0)
        {
          g_autofree char *path = NULL;

          if (qd_json_get_string (headers, name) == NULL)
            continue;
          path = g_strdup_printf ("<%s>", qd_json_get_string (headers, name));
          append_header_lines (message, "Return-Path", path);
          continue;
        }
      if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *values = json_node_get_array (node);

          for (guint i = 0; i < json_array_get_length (values); i++)
            {
              JsonNode *value = json_array_get_element (values, i);

              if (JSON_NODE_HOLDS_VALUE (value) &&
                  json_node_get_value_type (value) == G_TYPE_STRING)
                append_header_lines (message, name, json_node_get_string (value));
            }
        }
      else if (qd_json_get_string (headers, name) != NULL)
        append_header_lines (message, name, qd_json_get_string (headers, name));
    }
}

/* The text parts as text/plain or text/html (for the text-only converter,
 * never rendered); anything else is left out. */
static GMimeObject *
make_body (JsonArray *parts)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_object_unref);
  GMimeMultipart *alternative;

  for (guint i = 0; parts != NULL && i < json_array_get_length (parts); i++)
    {
      JsonNode *node = json_array_get_element (parts, i);
      JsonObject *part = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *type_text = qd_json_get_string (part, "type");
      const char *content = qd_json_get_string (part, "content");
      g_autoptr(GObject) owner = NULL;
      g_autofree char *text = NULL;
      GMimeContentType *type;
      GMimeTextPart *text_part;

      if (content == NULL)
        continue;
      type = g_mime_content_type_parse (NULL, type_text != NULL ? type_text : "text/plain");
      owner = G_OBJECT (type);
      if (type == NULL || !g_mime_content_type_is_type (type, "text", "*"))
        continue;
      text = decode_text (content, type);
      text_part = g_mime_text_part_new_with_subtype (
        g_mime_content_type_is_type (type, "text", "html") ? "html" : "plain");
      g_mime_text_part_set_text (text_part, text);
      g_ptr_array_add (texts, text_part);
    }
  if (texts->len == 0)
    {
      GMimeTextPart *empty = g_mime_text_part_new_with_subtype ("plain");

      g_mime_text_part_set_text (empty, "");
      return GMIME_OBJECT (empty);
    }
  if (texts->len == 1)
    return g_object_ref (g_ptr_array_index (texts, 0));
  alternative = g_mime_multipart_new_with_subtype ("alternative");
  for (guint i = 0; i < texts->len; i++)
    g_mime_multipart_add (alternative, g_ptr_array_index (texts, i));
  return GMIME_OBJECT (alternative);
}

/* Attachments are named, without their content (§5.2): empty parts with
 * their names, so the preview can list them. */
static GMimeObject *
add_attachments (GMimeObject *body,
                 JsonArray   *attachments)
{
  GMimeMultipart *mixed;

  if (attachments == NULL || json_array_get_length (attachments) == 0)
    return body;
  mixed = g_mime_multipart_new_with_subtype ("mixed");
  g_mime_multipart_add (mixed, body);
  g_object_unref (body);
  for (guint i = 0; i < json_array_get_length (attachments); i++)
    {
      JsonNode *node = json_array_get_element (attachments, i);
      JsonObject *attachment = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *name = qd_json_get_string (attachment, "name");
      const char *type_text = qd_json_get_string (attachment, "type");
      GMimeContentType *type = type_text != NULL ? g_mime_content_type_parse (NULL, type_text)
                                                 : NULL;
      g_autoptr(GObject) owner = G_OBJECT (type);
      GMimePart *part;

      if (attachment == NULL)
        continue;
      part = type != NULL && g_mime_content_type_get_media_type (type) != NULL &&
             g_mime_content_type_get_media_subtype (type) != NULL
             ? g_mime_part_new_with_type (g_mime_content_type_get_media_type (type),
                                          g_mime_content_type_get_media_subtype (type))
             : g_mime_part_new_with_type ("application", "octet-stream");
      g_mime_object_set_disposition (GMIME_OBJECT (part), "attachment");
      if (name != NULL)
        g_mime_part_set_filename (part, name);
      g_mime_multipart_add (mixed, GMIME_OBJECT (part));
      g_object_unref (part);
    }
  return GMIME_OBJECT (mixed);
}

/* The preview's answer as an RFC 5322 message. */
GBytes *
qd_cloud_message_from_preview (JsonObject *details)
{
  GMimeMessage *message = g_mime_message_new (FALSE);
  g_autoptr(GObject) owner = G_OBJECT (message);
  GMimeObject *body;
  char *text;

  add_headers (GMIME_OBJECT (message), qd_json_get_object (details, "headers"));
  body = make_body (qd_json_get_array (details, "bodypart"));
  body = add_attachments (body, qd_json_get_array (details, "attachments"));
  g_mime_message_set_mime_part (message, body);
  g_object_unref (body);
  text = g_mime_object_to_string (GMIME_OBJECT (message), NULL);
  return g_bytes_new_take (text, strlen (text));
}


/* date_created in whatever form it comes (§5.5: Unknown): ISO 8601, a
 * "YYYY-MM-DD HH:MM:SS" in UTC, or epoch seconds or milliseconds. */
GDateTime *
qd_cloud_date (JsonObject *item,
            const char *member)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  const char *text = qd_json_get_string (item, member);
  gint64 n;

  if (qd_cloud_get_number (item, member, &n))
    return g_date_time_new_from_unix_utc (n > G_GINT64_CONSTANT (100000000000) ? n / 1000 : n);
  if (text != NULL)
    {
      g_autofree char *iso = g_strdelimit (g_strdup (text), " ", 'T');

      return g_date_time_new_from_iso8601 (iso, utc);
    }
  return NULL;
}
