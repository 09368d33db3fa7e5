/* qd-item.c — one held message read from the gateway's JSON, and written back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gmime/gmime.h>

#include "qd-enums.h"
#include "qd-error.h"
#include "qd-item.h"
#include "qd-json.h"
#include "qd-mail.h"
#include "qd-mailbox.h"
#include "qd-mailbox-source.h"

struct _QdItem
{
  GObject     parent_instance;

  char       *id;
  QdFolder    folder;
  GDateTime  *received_at;
  char       *envelope_sender;  /* NULL when it is from_address */
  gboolean    envelope_is_from;
  char       *from;
  char       *from_name;
  char       *from_address;
  const char *recipient;       /* interned: see qd_item_new_from_json() */
  char       *subject;
  gint64      size;
  QdReason    reason;
  QdCategory  category;
  const char *policy_rule;     /* interned */
  double      score;
  const char **rules;         /* an array of interned strings */
  GDateTime  *expires_at;      /* made when first asked for, from: */
  gint64      expires_unix;
  gboolean    expires_known;
  QdActions   actions;
  const char *status;          /* interned */
  char       *message_id;      /* without angle brackets; NULL when unknown */
  /* The same message in the other place (held at the gateway and in the
   * mailbox's Junk): its id there, and which place that is. */
  char       *twin_id;
  QdFolder    twin_folder;
};

G_DEFINE_FINAL_TYPE (QdItem, qd_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_FOLDER,
  PROP_RECEIVED_AT,
  PROP_ENVELOPE_SENDER,
  PROP_FROM,
  PROP_FROM_NAME,
  PROP_FROM_ADDRESS,
  PROP_RECIPIENT,
  PROP_SUBJECT,
  PROP_SIZE,
  PROP_REASON,
  PROP_CATEGORY,
  PROP_POLICY_RULE,
  PROP_SCORE,
  PROP_RULES,
  PROP_EXPIRES_AT,
  PROP_ACTIONS,
  PROP_STATUS,
  PROP_TWIN_ID,
  PROP_PLACEHOLDER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
qd_item_finalize (GObject *object)
{
  QdItem *self = (QdItem *)object;

  g_free (self->id);
  g_clear_pointer (&self->received_at, g_date_time_unref);
  g_free (self->envelope_sender);
  g_free (self->from);
  g_free (self->from_name);
  g_free (self->from_address);
  g_free (self->subject);
  g_free (self->message_id);
  g_free (self->twin_id);
  g_free (self->rules);
  g_clear_pointer (&self->expires_at, g_date_time_unref);

  G_OBJECT_CLASS (qd_item_parent_class)->finalize (object);
}

static void
qd_item_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  QdItem *self = QD_ITEM (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_FOLDER:
      g_value_set_enum (value, self->folder);
      break;
    case PROP_RECEIVED_AT:
      g_value_set_boxed (value, self->received_at);
      break;
    case PROP_ENVELOPE_SENDER:
      g_value_set_string (value, qd_item_get_envelope_sender (self));
      break;
    case PROP_FROM:
      g_value_set_string (value, self->from);
      break;
    case PROP_FROM_NAME:
      g_value_set_string (value, self->from_name);
      break;
    case PROP_FROM_ADDRESS:
      g_value_set_string (value, self->from_address);
      break;
    case PROP_RECIPIENT:
      g_value_set_string (value, self->recipient);
      break;
    case PROP_SUBJECT:
      g_value_set_string (value, self->subject);
      break;
    case PROP_SIZE:
      g_value_set_int64 (value, self->size);
      break;
    case PROP_REASON:
      g_value_set_enum (value, self->reason);
      break;
    case PROP_CATEGORY:
      g_value_set_enum (value, self->category);
      break;
    case PROP_POLICY_RULE:
      g_value_set_string (value, self->policy_rule);
      break;
    case PROP_SCORE:
      g_value_set_double (value, self->score);
      break;
    case PROP_RULES:
      g_value_set_boxed (value, self->rules);
      break;
    case PROP_EXPIRES_AT:
      g_value_set_boxed (value, qd_item_get_expires_at (self));
      break;
    case PROP_ACTIONS:
      g_value_set_flags (value, self->actions);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case PROP_TWIN_ID:
      g_value_set_string (value, self->twin_id);
      break;
    case PROP_PLACEHOLDER:
      g_value_set_boolean (value, qd_item_is_placeholder (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qd_item_class_init (QdItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = qd_item_finalize;
  object_class->get_property = qd_item_get_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_FOLDER] =
    g_param_spec_enum ("folder", NULL, NULL, QD_TYPE_FOLDER, QD_FOLDER_QUARANTINE, flags);
  properties[PROP_RECEIVED_AT] =
    g_param_spec_boxed ("received-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_ENVELOPE_SENDER] =
    g_param_spec_string ("envelope-sender", NULL, NULL, NULL, flags);
  properties[PROP_FROM] = g_param_spec_string ("from", NULL, NULL, NULL, flags);
  properties[PROP_FROM_NAME] = g_param_spec_string ("from-name", NULL, NULL, NULL, flags);
  properties[PROP_FROM_ADDRESS] = g_param_spec_string ("from-address", NULL, NULL, NULL, flags);
  properties[PROP_RECIPIENT] = g_param_spec_string ("recipient", NULL, NULL, NULL, flags);
  properties[PROP_SUBJECT] = g_param_spec_string ("subject", NULL, NULL, NULL, flags);
  properties[PROP_SIZE] = g_param_spec_int64 ("size", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_REASON] =
    g_param_spec_enum ("reason", NULL, NULL, QD_TYPE_REASON, QD_REASON_SPAM, flags);
  properties[PROP_CATEGORY] =
    g_param_spec_enum ("category", NULL, NULL, QD_TYPE_CATEGORY, QD_CATEGORY_NONE, flags);
  properties[PROP_POLICY_RULE] = g_param_spec_string ("policy-rule", NULL, NULL, NULL, flags);
  properties[PROP_SCORE] =
    g_param_spec_double ("score", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties[PROP_RULES] = g_param_spec_boxed ("rules", NULL, NULL, G_TYPE_STRV, flags);
  properties[PROP_EXPIRES_AT] =
    g_param_spec_boxed ("expires-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_ACTIONS] =
    g_param_spec_flags ("actions", NULL, NULL, QD_TYPE_ACTIONS, 0, flags);
  properties[PROP_STATUS] = g_param_spec_string ("status", NULL, NULL, NULL, flags);
  /* Learnt after the item is listed: notified. */
  properties[PROP_TWIN_ID] =
    g_param_spec_string ("twin-id", NULL, NULL, NULL, flags | G_PARAM_EXPLICIT_NOTIFY);
  /* Notified once, when a placeholder's page arrives (qd_item_fill ()). */
  properties[PROP_PLACEHOLDER] =
    g_param_spec_boolean ("placeholder", NULL, NULL, FALSE, flags | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
qd_item_init (QdItem *self)
{
}

/**
 * qd_item_new_placeholder:
 *
 * A row not loaded yet: lists show it as "Loading…" until its page
 * arrives and fills it (qd_item_fill ()).
 */
QdItem *
qd_item_new_placeholder (void)
{
  return g_object_new (QD_TYPE_ITEM, NULL);
}

/* The Message-ID header without angle brackets, NULL when unknown. */
const char *
qd_item_get_message_id (QdItem *self)
{
  g_return_val_if_fail (QD_IS_ITEM (self), NULL);
  return self->message_id;
}

/**
 * qd_item_set_twin:
 * @folder: where the twin is: %QD_FOLDER_QUARANTINE for a message of the
 *   mailbox's Junk also held at the gateway, %QD_FOLDER_JUNK for a held
 *   message also in the mailbox's Junk
 * @id: (nullable): the twin's id there; %NULL when there is none
 *
 * The same message, by Message-ID, in the other place.
 */
void
qd_item_set_twin (QdItem     *self,
                  QdFolder    folder,
                  const char *id)
{
  g_return_if_fail (QD_IS_ITEM (self));

  self->twin_folder = folder;
  if (g_strcmp0 (self->twin_id, id) == 0)
    return;
  g_free (self->twin_id);
  self->twin_id = g_strdup (id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TWIN_ID]);
}

/* The same message's id in the other place, or %NULL. */
const char *
qd_item_get_twin_id (QdItem *self)
{
  g_return_val_if_fail (QD_IS_ITEM (self), NULL);
  return self->twin_id;
}

QdFolder
qd_item_get_twin_folder (QdItem *self)
{
  g_return_val_if_fail (QD_IS_ITEM (self), QD_FOLDER_QUARANTINE);
  return self->twin_folder;
}

gboolean
qd_item_is_placeholder (QdItem *self)
{
  g_return_val_if_fail (QD_IS_ITEM (self), FALSE);
  return self->id == NULL;
}

/**
 * qd_item_fill:
 * @self: a placeholder
 * @loaded: the message its row turned out to hold
 *
 * Makes the placeholder a copy of @loaded, in place, and notifies
 * "placeholder": what shows or holds it (a list's row, the selection)
 * keeps the same object, which is how a list model's rows become loaded
 * without being replaced (see qd-item-list.c).
 */
void
qd_item_fill (QdItem *self,
              QdItem *loaded)
{
  g_return_if_fail (QD_IS_ITEM (self) && qd_item_is_placeholder (self));
  g_return_if_fail (QD_IS_ITEM (loaded) && !qd_item_is_placeholder (loaded));

  self->id = g_strdup (loaded->id);
  self->folder = loaded->folder;
  self->received_at = g_date_time_ref (loaded->received_at);
  self->envelope_sender = g_strdup (loaded->envelope_sender);
  self->envelope_is_from = loaded->envelope_is_from;
  self->from = g_strdup (loaded->from);
  self->from_name = g_strdup (loaded->from_name);
  self->from_address = g_strdup (loaded->from_address);
  self->recipient = loaded->recipient;
  self->subject = g_strdup (loaded->subject);
  self->size = loaded->size;
  self->reason = loaded->reason;
  self->category = loaded->category;
  self->policy_rule = loaded->policy_rule;
  self->score = loaded->score;
  /* The strings are interned: the array is copied, not them. */
  if (loaded->rules != NULL)
    self->rules = g_memdup2 (loaded->rules,
                             (g_strv_length ((GStrv)loaded->rules) + 1) * sizeof (char *));
  self->expires_unix = loaded->expires_unix;
  self->expires_known = loaded->expires_known;
  self->actions = loaded->actions;
  self->status = loaded->status;
  self->message_id = g_strdup (loaded->message_id);
  self->twin_id = g_strdup (loaded->twin_id);
  self->twin_folder = loaded->twin_folder;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLACEHOLDER]);
}

/**
 * qd_item_new_from_mailbox:
 * @message: a message as listed from a folder of the person's mailbox
 * @folder: the page it shows in
 * @actions: what the page may do with it
 *
 * Its id is "UIDVALIDITY:UID", which names it in that folder for as long
 * as the folder's UIDVALIDITY stays.  A category header the gateway
 * wrote makes it graymail; otherwise, being in Junk, it counts as spam.
 */
/**
 * qd_item_new_full:
 * @fields: what the backend knows; @fields->id and @fields->received_at
 *   are required
 *
 * An item from any backend (a mailbox, another gateway's API).  "From" is
 * written from the name and address, quoting the name where RFC 5322
 * needs it.
 */
QdItem *
qd_item_new_full (const QdItemFields *fields)
{
  QdItem *self;

  g_return_val_if_fail (fields != NULL && fields->id != NULL, NULL);
  g_return_val_if_fail (fields->received_at != NULL, NULL);

  self = g_object_new (QD_TYPE_ITEM, NULL);
  self->id = g_strdup (fields->id);
  self->folder = fields->folder;
  self->received_at = g_date_time_ref (fields->received_at);
  self->from_address = g_strdup (fields->from_address);
  if (fields->from_name != NULL && fields->from_name[0] != '\0' &&
      g_strcmp0 (fields->from_name, fields->from_address) != 0)
    {
      g_autoptr(GObject) address = NULL;

      /* GMime writes the name: the first item of a gateway may come before
       * anything else of the program has used it (the cloud's, at start). */
      qd_mail_init ();
      address = G_OBJECT (internet_address_mailbox_new (fields->from_name,
                                                        fields->from_address
                                                        ? fields->from_address : ""));

      self->from_name = g_strdup (fields->from_name);
      self->from = fields->from_address != NULL
                   ? internet_address_to_string (INTERNET_ADDRESS (address), NULL, FALSE)
                   : g_strdup (fields->from_name);
    }
  else
    self->from = g_strdup (fields->from_address);
  if (fields->envelope_sender != NULL &&
      g_strcmp0 (fields->envelope_sender, fields->from_address) != 0)
    self->envelope_sender = g_strdup (fields->envelope_sender);
  else
    self->envelope_is_from = TRUE;
  self->recipient = g_intern_string (fields->recipient);
  self->subject = g_strdup (fields->subject);
  self->size = fields->size;
  self->reason = fields->reason;
  self->category = fields->category;
  self->policy_rule = g_intern_string (fields->policy_rule);
  self->score = fields->score;
  if (fields->rules != NULL)
    {
      guint n = g_strv_length ((GStrv)fields->rules);

      self->rules = g_new0 (const char *, n + 1);
      for (guint i = 0; i < n; i++)
        self->rules[i] = g_intern_string (fields->rules[i]);
    }
  if (fields->expires_at != NULL)
    {
      self->expires_unix = g_date_time_to_unix (fields->expires_at);
      self->expires_known = TRUE;
    }
  self->actions = fields->actions;
  self->status = g_intern_string (fields->status);
  self->message_id = g_strdup (fields->message_id);
  return self;
}

/**
 * qd_item_new_from_mailbox:
 * @message: a message as listed from a folder of the person's mailbox
 * @folder: the page it shows in
 * @actions: what the page may do with it
 *
 * Its id is "UIDVALIDITY:UID", which names it in that folder for as long
 * as the folder's UIDVALIDITY stays.  A category header the gateway
 * wrote makes it graymail; otherwise, being in Junk, it counts as spam.
 */
QdItem *
qd_item_new_from_mailbox (const QdMailboxItem *message,
                          QdFolder             folder,
                          QdActions            actions)
{
  g_autofree char *id = NULL;
  QdItemFields fields = { 0 };

  g_return_val_if_fail (message != NULL, NULL);

  id = qd_mailbox_source_make_id (message->uidvalidity, message->uid);
  fields.id = id;
  fields.folder = folder;
  fields.received_at = message->received_at;
  fields.from_name = message->from;
  fields.from_address = message->from_address;
  fields.subject = message->subject;
  fields.size = message->size;
  fields.message_id = message->message_id;
  fields.actions = actions;
  if (message->category != NULL &&
      qd_category_from_string (message->category, &fields.category) &&
      fields.category != QD_CATEGORY_NONE)
    fields.reason = QD_REASON_GRAYMAIL;
  else
    {
      fields.category = QD_CATEGORY_NONE;
      fields.reason = QD_REASON_SPAM;
    }
  return qd_item_new_full (&fields);
}

static gboolean
bad_field (GError     **error,
           const char  *field)
{
  g_set_error (error, QD_ERROR, QD_ERROR_BAD_RESPONSE,
               _("The gateway sent a message entry with a missing or invalid “%s”. "
                 "The gateway may be running an incompatible version; "
                 "contact your administrator."),
               field);
  return FALSE;
}

/**
 * qd_item_new_from_json:
 * @object: one entry of the gateway's "items" array
 *
 * Builds an item from the gateway's JSON, checking every field the
 * application relies on, so a malformed answer is reported once here
 * instead of surfacing as odd values in the UI.
 */
QdItem *
qd_item_new_from_json (JsonObject  *object,
                       GError     **error)
{
  g_autoptr(QdItem) self = NULL;
  const char *str;
  int v;

  g_return_val_if_fail (object != NULL, NULL);

  self = g_object_new (QD_TYPE_ITEM, NULL);

  if (!(self->id = qd_json_dup_string (object, "id")) || self->id[0] == '\0')
    return bad_field (error, "id"), NULL;
  if (!qd_enum_from_nick (QD_TYPE_FOLDER, qd_json_get_string (object, "folder"), &v))
    return bad_field (error, "folder"), NULL;
  self->folder = v;
  if (!(self->received_at = qd_json_dup_date_time (object, "received_at")))
    return bad_field (error, "received_at"), NULL;
  if (!qd_enum_from_nick (QD_TYPE_REASON, qd_json_get_string (object, "reason"), &v))
    return bad_field (error, "reason"), NULL;
  self->reason = v;
  if (!qd_category_from_string (qd_json_get_string (object, "category"), &self->category))
    return bad_field (error, "category"), NULL;

  self->envelope_sender = qd_json_dup_string (object, "envelope_sender");
  self->from = qd_json_dup_string (object, "from");
  self->from_name = qd_json_dup_string (object, "from_name");
  self->from_address = qd_json_dup_string (object, "from_address");
  /* The same few values repeat in every item of a list of 100 000: the
   * recipient, the policy rule, the status, the rule names.  Interned,
   * each is kept once (and for good: they are few per gateway). */
  self->recipient = g_intern_string (qd_json_get_string (object, "recipient"));
  self->subject = qd_json_dup_string (object, "subject");
  self->message_id = qd_json_dup_string (object, "message_id");
  self->policy_rule = g_intern_string (qd_json_get_string (object, "policy_rule"));
  self->status = g_intern_string (qd_json_get_string (object, "status"));
  self->size = qd_json_get_int (object, "size", 0);
  self->score = qd_json_get_double (object, "score", 0.0);
  {
    g_auto(GStrv) rules = qd_json_dup_strv (object, "rules");

    if (rules != NULL)
      {
        guint n = g_strv_length (rules);

        self->rules = g_new0 (const char *, n + 1);
        for (guint i = 0; i < n; i++)
          self->rules[i] = g_intern_string (rules[i]);
      }
  }
  {
    /* Rarely shown: a number until then, not a GDateTime per item. */
    g_autoptr(GDateTime) expires = qd_json_dup_date_time (object, "expires_at");

    if (expires != NULL)
      {
        self->expires_unix = g_date_time_to_unix (expires);
        self->expires_known = TRUE;
      }
  }

  if (self->from_address == NULL)
    self->from_address = g_strdup (self->envelope_sender);
  /* Usually the same address: kept once. */
  if (self->envelope_sender != NULL && g_strcmp0 (self->envelope_sender, self->from_address) == 0)
    {
      g_clear_pointer (&self->envelope_sender, g_free);
      self->envelope_is_from = TRUE;
    }

  if (json_object_has_member (object, "actions"))
    {
      JsonNode *node = json_object_get_member (object, "actions");
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        return bad_field (error, "actions"), NULL;
      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          QdActions action;

          str = json_node_get_string (json_array_get_element (array, i));
          /* Actions a newer gateway knows and we do not are ignored, not fatal. */
          if (qd_action_from_string (str, &action))
            self->actions |= action;
        }
    }

  return g_steal_pointer (&self);
}

/**
 * qd_item_to_json:
 *
 * Writes the item as the gateway sent it (same member names), so
 * `qdesk list --json` can be fed to anything that speaks the API.
 */
void
qd_item_to_json (QdItem      *self,
                 JsonBuilder *builder)
{
  g_return_if_fail (QD_IS_ITEM (self));

  json_builder_begin_object (builder);
  qd_json_builder_add_string (builder, "id", self->id);
  qd_json_builder_add_string (builder, "folder", qd_folder_to_string (self->folder));
  qd_json_builder_add_date_time (builder, "received_at", self->received_at);
  qd_json_builder_add_string (builder, "envelope_sender", qd_item_get_envelope_sender (self));
  qd_json_builder_add_string (builder, "from", self->from);
  qd_json_builder_add_string (builder, "from_name", self->from_name);
  qd_json_builder_add_string (builder, "from_address", self->from_address);
  qd_json_builder_add_string (builder, "recipient", self->recipient);
  qd_json_builder_add_string (builder, "subject", self->subject);
  qd_json_builder_add_string (builder, "message_id", self->message_id);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, self->size);
  qd_json_builder_add_string (builder, "reason", qd_reason_to_string (self->reason));
  qd_json_builder_add_string (builder, "category", qd_category_to_string (self->category));
  qd_json_builder_add_string (builder, "policy_rule", self->policy_rule);
  json_builder_set_member_name (builder, "score");
  json_builder_add_double_value (builder, self->score);
  json_builder_set_member_name (builder, "rules");
  json_builder_begin_array (builder);
  for (guint i = 0; self->rules != NULL && self->rules[i] != NULL; i++)
    json_builder_add_string_value (builder, self->rules[i]);
  json_builder_end_array (builder);
  qd_json_builder_add_date_time (builder, "expires_at", qd_item_get_expires_at (self));
  json_builder_set_member_name (builder, "actions");
  json_builder_begin_array (builder);
  for (guint bit = 1; bit <= QD_ACTION_APPROVE_SENDER; bit <<= 1)
    if (self->actions & bit)
      json_builder_add_string_value (builder, qd_action_to_string (bit));
  json_builder_end_array (builder);
  qd_json_builder_add_string (builder, "status", self->status);
  json_builder_end_object (builder);
}

const char *
qd_item_get_id (QdItem *self)
{
  g_return_val_if_fail (QD_IS_ITEM (self), NULL);
  return self->id;
}

QdFolder
qd_item_get_folder (QdItem *self)
{
  g_return_val_if_fail (QD_IS_ITEM (self), 0);
  return self->folder;
}

GDateTime *
qd_item_get_received_at (QdItem *self)
{
  g_return_val_if_fail (QD_IS_ITEM (self), NULL);
  return self->received_at;
}

const char *
qd_item_get_envelope_sender (QdItem *self)
{
  g_return_val_if_fail (QD_IS_ITEM (self), NULL);
  return self->envelope_is_from ? self->from_address : self->envelope_sender;
}

const char *
qd_item_get_from (QdItem *self)
{
  g_return_val_if_fail (QD_IS_ITEM (self), NULL);
  return self->from;
}

const char *
qd_item_get_from_name (QdItem *self)
{
  g_return_val_if_fail (QD_IS_ITEM (self), NULL);
  return self->from_name;
}

const char *
qd_item_get_from_address (QdItem *self)
{
  g_return_val_if_fail (QD_IS_ITEM (self), NULL);
  return self->from_address;
}

const char *
qd_item_get_recipient (QdItem *self)
{
  g_return_val_if_fail (QD_IS_ITEM (self), NULL);
  return self->recipient;
}

const char *
qd_item_get_subject (QdItem *self)
{
  g_return_val_if_fail (QD_IS_ITEM (self), NULL);
  return self->subject;
}

gint64
qd_item_get_size (QdItem *self)
{
  g_return_val_if_fail (QD_IS_ITEM (self), 0);
  return self->size;
}

QdReason
qd_item_get_reason (QdItem *self)
{
  g_return_val_if_fail (QD_IS_ITEM (self), 0);
  return self->reason;
}

QdCategory
qd_item_get_category (QdItem *self)
{
  g_return_val_if_fail (QD_IS_ITEM (self), 0);
  return self->category;
}

const char *
qd_item_get_policy_rule (QdItem *self)
{
  g_return_val_if_fail (QD_IS_ITEM (self), NULL);
  return self->policy_rule;
}

double
qd_item_get_score (QdItem *self)
{
  g_return_val_if_fail (QD_IS_ITEM (self), 0);
  return self->score;
}

const char * const *
qd_item_get_rules (QdItem *self)
{
  g_return_val_if_fail (QD_IS_ITEM (self), NULL);
  return (const char * const *)self->rules;
}

GDateTime *
qd_item_get_expires_at (QdItem *self)
{
  g_return_val_if_fail (QD_IS_ITEM (self), NULL);
  if (self->expires_at == NULL && self->expires_known)
    self->expires_at = g_date_time_new_from_unix_utc (self->expires_unix);
  return self->expires_at;
}

QdActions
qd_item_get_actions (QdItem *self)
{
  g_return_val_if_fail (QD_IS_ITEM (self), 0);
  return self->actions;
}

const char *
qd_item_get_status (QdItem *self)
{
  g_return_val_if_fail (QD_IS_ITEM (self), NULL);
  return self->status;
}

gboolean
qd_item_can (QdItem    *self,
             QdActions  action)
{
  g_return_val_if_fail (QD_IS_ITEM (self), FALSE);
  return (self->actions & action) == action;
}
