/* qd-gw-senders.c — users' approved and blocked senders: entries, the size limit, changes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "qd-gw-senders.h"

void
qd_gw_sender_entry_clear (QdGwSenderEntry *entry)
{
  g_clear_pointer (&entry->address, g_free);
}

/**
 * qd_gw_parse_sender_entry:
 * @normalized: (out) (optional): the entry in lower case
 *
 * An entry is a mail address or "@domain". Kept strict: these strings
 * end up compared with every incoming sender.
 */
gboolean
qd_gw_parse_sender_entry (const char  *text,
                          char       **normalized)
{
  const char *at;
  gsize len;

  if (text == NULL)
    return FALSE;
  len = strlen (text);
  at = strchr (text, '@');
  if (len < 3 || len > 254 || at == NULL || strchr (at + 1, '@') != NULL)
    return FALSE;
  if (!g_utf8_validate (text, len, NULL))
    return FALSE;
  for (const char *p = text; *p; p++)
    if ((guchar)*p <= ' ' || strchr ("<>()[]\\,;:\"*?", *p) != NULL)
      return FALSE;
  if (strchr (at + 1, '.') == NULL || at[1] == '.' || text[len - 1] == '.')
    return FALSE;
  if (normalized != NULL)
    *normalized = g_utf8_strdown (text, -1);
  return TRUE;
}

/**
 * qd_gw_gateway_list_senders:
 *
 * Returns: (element-type QdGwSenderEntry): the user's entries, by address
 */
GArray *
qd_gw_gateway_list_senders (QdGwGateway    *self,
                            gint64          user_id,
                            QdGwSenderList  list)
{
  g_autoptr(GArray) times = NULL;
  g_autoptr(GPtrArray) addresses = NULL;
  GArray *entries;

  g_return_val_if_fail (QD_IS_GW_GATEWAY (self), NULL);

  addresses = qd_gw_store_list_senders (qd_gw_gateway_get_store (self), list, user_id, &times);
  entries = g_array_sized_new (FALSE, FALSE, sizeof (QdGwSenderEntry), addresses->len);
  g_array_set_clear_func (entries, (GDestroyNotify)qd_gw_sender_entry_clear);
  for (guint i = 0; i < addresses->len; i++)
    {
      QdGwSenderEntry entry = {
        .address = g_strdup (g_ptr_array_index (addresses, i)),
        .added_at = g_array_index (times, gint64, i),
      };

      g_array_append_val (entries, entry);
    }
  return entries;
}

/**
 * qd_gw_gateway_add_sender:
 * @text: the entry as the user wrote it
 * @entry: (out caller-allocates): the entry as listed, on ADDED and ALREADY_LISTED
 *
 * Adds an entry, unless the list is full; an entry already there is no
 * new entry, so it may be added again when the list is full. Adding to
 * one list takes the entry off the other.
 */
QdGwSenderOutcome
qd_gw_gateway_add_sender (QdGwGateway      *self,
                          gint64            user_id,
                          QdGwSenderList    list,
                          const char       *text,
                          QdGwSenderEntry  *entry,
                          GError          **error)
{
  QdGwStore *store;
  g_autofree char *address = NULL;
  gboolean created = FALSE;
  gint64 added_at;

  g_return_val_if_fail (QD_IS_GW_GATEWAY (self), QD_GW_SENDER_FAILED);
  g_return_val_if_fail (entry != NULL, QD_GW_SENDER_FAILED);

  store = qd_gw_gateway_get_store (self);
  if (!qd_gw_parse_sender_entry (text, &address))
    return QD_GW_SENDER_INVALID;
  /* The entry itself, not a sender its domain's entry covers: an address
   * added beside its domain is one entry more. */
  if (!qd_gw_store_has_entry (store, list, user_id, address) &&
      qd_gw_store_count_senders (store, list, user_id) >=
      qd_gw_gateway_get_config (self)->max_sender_list)
    return QD_GW_SENDER_LIST_FULL;
  added_at = qd_gw_store_add_sender (store, list, user_id, address, &created, error);
  if (added_at == 0)
    return QD_GW_SENDER_FAILED;
  entry->address = g_steal_pointer (&address);
  entry->added_at = added_at;
  return created ? QD_GW_SENDER_ADDED : QD_GW_SENDER_ALREADY_LISTED;
}

/**
 * qd_gw_gateway_remove_sender:
 * @text: the entry, in any case
 */
QdGwSenderOutcome
qd_gw_gateway_remove_sender (QdGwGateway    *self,
                             gint64          user_id,
                             QdGwSenderList  list,
                             const char     *text)
{
  g_autofree char *address = NULL;

  g_return_val_if_fail (QD_IS_GW_GATEWAY (self), QD_GW_SENDER_FAILED);

  /* Not parsed as an entry: a blocked sender taken from a message's From
   * may be no entry a user could have typed, and must still be removable. */
  address = text != NULL ? g_utf8_strdown (text, -1) : NULL;
  if (address == NULL ||
      !qd_gw_store_remove_sender (qd_gw_gateway_get_store (self), list, user_id, address))
    return QD_GW_SENDER_NOT_LISTED;
  return QD_GW_SENDER_REMOVED;
}
