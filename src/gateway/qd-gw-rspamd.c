/* qd-gw-rspamd.c — asks rspamd's /checkv2 about a message and reads its answer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "qd-gw-rspamd.h"
#include "qd-json.h"

struct _QdGwRspamd
{
  GObject      parent_instance;
  char        *check_url;
  SoupSession *session;
};

G_DEFINE_FINAL_TYPE (QdGwRspamd, qd_gw_rspamd, G_TYPE_OBJECT)

void
qd_gw_check_free (QdGwCheck *check)
{
  g_free (check->action);
  g_clear_pointer (&check->symbols, g_ptr_array_unref);
  g_free (check);
}

static int
compare_symbols (gconstpointer a,
                 gconstpointer b)
{
  const QdVerdictRule *sa = *(QdVerdictRule **)a;
  const QdVerdictRule *sb = *(QdVerdictRule **)b;

  if (sa->score != sb->score)
    return sa->score < sb->score ? 1 : -1;
  return g_strcmp0 (sa->name, sb->name);
}

QdGwCheck *
qd_gw_check_parse (const char  *json,
                   gssize       length,
                   GError     **error)
{
  g_autoptr(JsonObject) root = qd_json_parse_object (json, length, error);
  g_autoptr(QdGwCheck) check = NULL;
  JsonObject *symbols;

  if (root == NULL)
    return NULL;
  if (qd_json_get_string (root, "action") == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "rspamd's answer has no action");
      return NULL;
    }

  check = g_new0 (QdGwCheck, 1);
  check->action = qd_json_dup_string (root, "action");
  check->score = qd_json_get_double (root, "score", 0);
  check->required_score = qd_json_get_double (root, "required_score", 0);
  check->symbols = g_ptr_array_new_with_free_func ((GDestroyNotify)qd_verdict_rule_free);

  symbols = qd_json_get_object (root, "symbols");
  if (symbols != NULL)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *node;

      json_object_iter_init (&iter, symbols);
      while (json_object_iter_next (&iter, &name, &node))
        {
          QdVerdictRule *symbol;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            continue;
          symbol = g_new0 (QdVerdictRule, 1);
          symbol->name = g_strdup (name);
          symbol->score = qd_json_get_double (json_node_get_object (node), "score", 0);
          symbol->description = qd_json_dup_string (json_node_get_object (node), "description");
          g_ptr_array_add (check->symbols, symbol);
        }
      g_ptr_array_sort (check->symbols, compare_symbols);
    }

  /* rspamd's own answer to GTUBE and similar pre-results carries the
   * reason in "messages" rather than in a symbol description. */
  if (check->symbols->len > 0)
    {
      QdVerdictRule *first = g_ptr_array_index (check->symbols, 0);
      JsonObject *messages = qd_json_get_object (root, "messages");

      if (first->description == NULL && messages != NULL)
        first->description = qd_json_dup_string (messages, "smtp_message");
    }

  return g_steal_pointer (&check);
}

static void
qd_gw_rspamd_finalize (GObject *object)
{
  QdGwRspamd *self = (QdGwRspamd *)object;

  g_free (self->check_url);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (qd_gw_rspamd_parent_class)->finalize (object);
}

static void
qd_gw_rspamd_class_init (QdGwRspamdClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = qd_gw_rspamd_finalize;
}

static void
qd_gw_rspamd_init (QdGwRspamd *self)
{
  self->session = soup_session_new_with_options ("timeout", 30, "idle-timeout", 60, NULL);
}

QdGwRspamd *
qd_gw_rspamd_new (const char *base_url)
{
  QdGwRspamd *self = g_object_new (QD_TYPE_GW_RSPAMD, NULL);
  g_autofree char *trimmed = g_strdup (base_url);
  gsize len = strlen (trimmed);

  while (len > 0 && trimmed[len - 1] == '/')
    trimmed[--len] = '\0';
  self->check_url = g_strconcat (trimmed, "/checkv2", NULL);
  return self;
}

static void
check_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SoupMessage *msg = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  QdGwCheck *check;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (soup_message_get_status (msg) != SOUP_STATUS_OK)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               "rspamd answered HTTP %u", soup_message_get_status (msg));
      return;
    }
  check = qd_gw_check_parse (g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
  if (check == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, check, (GDestroyNotify)qd_gw_check_free);
}

void
qd_gw_rspamd_check_async (QdGwRspamd          *self,
                          GBytes              *message,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SoupMessage *msg;

  g_return_if_fail (QD_IS_GW_RSPAMD (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qd_gw_rspamd_check_async);
  msg = soup_message_new (SOUP_METHOD_POST, self->check_url);
  soup_message_set_request_body_from_bytes (msg, "message/rfc822", message);
  g_task_set_task_data (task, msg, g_object_unref);
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    check_cb, g_object_ref (task));
}

QdGwCheck *
qd_gw_rspamd_check_finish (QdGwRspamd    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
