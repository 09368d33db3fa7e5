/* qd-gateway.c — a gateway a person signs in to, whichever kind it is
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-error.h"
#include "qd-gateway.h"

G_DEFINE_INTERFACE (QdGateway, qd_gateway, G_TYPE_OBJECT)

static void
qd_gateway_default_init (QdGatewayInterface *iface)
{
}

void
qd_account_free (QdAccount *account)
{
  g_free (account->username);
  g_free (account->address);
  g_free (account->display_name);
  g_clear_pointer (&account->expires_at, g_date_time_unref);
  g_free (account);
}

void
qd_sender_free (QdSender *sender)
{
  g_free (sender->address);
  g_clear_pointer (&sender->added_at, g_date_time_unref);
  g_free (sender);
}

/* The names `qdesk --gateway-kind` takes and the settings keep. */
static const char * const kind_names[] = {
  [QD_GATEWAY_KIND_QD] = "qd",
  [QD_GATEWAY_KIND_PMG] = "pmg",
  [QD_GATEWAY_KIND_CLOUD] = "symantec",
};

const char *
qd_gateway_kind_to_string (QdGatewayKind kind)
{
  g_return_val_if_fail (kind < G_N_ELEMENTS (kind_names), NULL);
  return kind_names[kind];
}

gboolean
qd_gateway_kind_from_string (const char    *text,
                             QdGatewayKind *kind)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (kind_names); i++)
    if (g_str_equal (text, kind_names[i]))
      {
        *kind = i;
        return TRUE;
      }
  return FALSE;
}

QdGatewayKind
qd_gateway_get_kind (QdGateway *self)
{
  g_return_val_if_fail (QD_IS_GATEWAY (self), QD_GATEWAY_KIND_QD);
  return QD_GATEWAY_GET_IFACE (self)->get_kind (self);
}

QdGatewayCapabilities
qd_gateway_get_capabilities (QdGateway *self)
{
  g_return_val_if_fail (QD_IS_GATEWAY (self), QD_GATEWAY_CAN_NONE);
  return QD_GATEWAY_GET_IFACE (self)->get_capabilities (self);
}

const char *
qd_gateway_get_base_url (QdGateway *self)
{
  g_return_val_if_fail (QD_IS_GATEWAY (self), NULL);
  return QD_GATEWAY_GET_IFACE (self)->get_base_url (self);
}

/**
 * qd_gateway_get_source:
 * @folder: the folder a page lists
 *
 * Returns: (transfer none) (nullable): where @folder's messages come from,
 *   or %NULL when this gateway has no such folder
 */
QdItemSource *
qd_gateway_get_source (QdGateway *self,
                       QdFolder   folder)
{
  g_return_val_if_fail (QD_IS_GATEWAY (self), NULL);
  return QD_GATEWAY_GET_IFACE (self)->get_source (self, folder);
}

/**
 * qd_gateway_sign_in_async:
 *
 * Signs in with the person's user name and password (or, for a kind that
 * has one, a sign-in link's ticket as the password).
 */
void
qd_gateway_sign_in_async (QdGateway           *self,
                          const char          *username,
                          const char          *password,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (QD_IS_GATEWAY (self));
  QD_GATEWAY_GET_IFACE (self)->sign_in_async (self, username, password, cancellable, callback,
                                              user_data);
}

QdAccount *
qd_gateway_sign_in_finish (QdGateway     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (QD_IS_GATEWAY (self), NULL);
  return QD_GATEWAY_GET_IFACE (self)->sign_in_finish (self, result, error);
}

void
qd_gateway_sign_out_async (QdGateway           *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (QD_IS_GATEWAY (self));
  QD_GATEWAY_GET_IFACE (self)->sign_out_async (self, cancellable, callback, user_data);
}

gboolean
qd_gateway_sign_out_finish (QdGateway     *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (QD_IS_GATEWAY (self), FALSE);
  return QD_GATEWAY_GET_IFACE (self)->sign_out_finish (self, result, error);
}

/* Without QD_GATEWAY_CAN_SENDER_LISTS the calls fail with QD_ERROR_UNAVAILABLE. */
static gboolean
has_sender_lists (QdGateway            *self,
                  GAsyncReadyCallback   callback,
                  gpointer              user_data,
                  gpointer              tag)
{
  g_autoptr(GTask) task = NULL;

  if (qd_gateway_get_capabilities (self) & QD_GATEWAY_CAN_SENDER_LISTS)
    return TRUE;
  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, tag);
  g_task_return_new_error (task, QD_ERROR, QD_ERROR_UNAVAILABLE, "%s",
                           _("This gateway keeps no lists of approved or blocked senders."));
  return FALSE;
}

void
qd_gateway_list_senders_async (QdGateway           *self,
                               QdSenderList         list,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (QD_IS_GATEWAY (self));
  if (has_sender_lists (self, callback, user_data, qd_gateway_list_senders_async))
    QD_GATEWAY_GET_IFACE (self)->list_senders_async (self, list, cancellable, callback,
                                                     user_data);
}

/* Returns: (transfer container) (element-type QdSender) */
GPtrArray *
qd_gateway_list_senders_finish (QdGateway     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (QD_IS_GATEWAY (self), NULL);
  if (g_async_result_is_tagged (result, qd_gateway_list_senders_async))
    return g_task_propagate_pointer (G_TASK (result), error);
  return QD_GATEWAY_GET_IFACE (self)->list_senders_finish (self, result, error);
}

void
qd_gateway_change_sender_async (QdGateway           *self,
                                QdSenderList         list,
                                const char          *address,
                                gboolean             add,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (QD_IS_GATEWAY (self));
  if (has_sender_lists (self, callback, user_data, qd_gateway_change_sender_async))
    QD_GATEWAY_GET_IFACE (self)->change_sender_async (self, list, address, add, cancellable,
                                                      callback, user_data);
}

gboolean
qd_gateway_change_sender_finish (QdGateway     *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (QD_IS_GATEWAY (self), FALSE);
  if (g_async_result_is_tagged (result, qd_gateway_change_sender_async))
    return g_task_propagate_boolean (G_TASK (result), error);
  return QD_GATEWAY_GET_IFACE (self)->change_sender_finish (self, result, error);
}
