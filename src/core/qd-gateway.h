/* qd-gateway.h — a gateway a person signs in to, whichever kind it is
 *
 * Quarantine Desk speaks to more than its own API: Proxmox Mail Gateway's
 * quarantine users and the cloud service's Email Quarantine API are the
 * other kinds.  Each is a QdGateway: it signs in and out, says what it can
 * do, gives a QdItemSource per folder it has, and keeps sender lists where
 * it has them.  The window and qdesk ask for capabilities instead of
 * assuming them, so a kind that cannot do a thing offers no button for it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "qd-item-source.h"
#include "qd-types.h"

G_BEGIN_DECLS

typedef enum
{
  QD_GATEWAY_KIND_QD,      /* Quarantine Desk's own API (qd-gateway), "qd" */
  QD_GATEWAY_KIND_PMG,     /* Proxmox Mail Gateway, as a quarantine user, "pmg" */
  QD_GATEWAY_KIND_CLOUD,   /* the cloud service's Email Quarantine API, "symantec" */
} QdGatewayKind;

typedef enum
{
  QD_GATEWAY_CAN_NONE         = 0,
  QD_GATEWAY_CAN_JUNK         = 1 << 0,  /* it keeps a Junk folder of its own */
  QD_GATEWAY_CAN_SENDER_LISTS = 1 << 1,  /* approved and blocked senders */
  QD_GATEWAY_CAN_CLASSIFY     = 1 << 2,  /* says whether a sample is spam now */
  QD_GATEWAY_CAN_RAW          = 1 << 3,  /* gives the original bytes, not only a preview */
  QD_GATEWAY_CAN_SIGN_OUT     = 1 << 4,  /* has a session to end on the server */
} QdGatewayCapabilities;

typedef struct
{
  char      *username;
  char      *address;
  char      *display_name;
  GDateTime *expires_at;     /* when the sign-in must be renewed; NULL: never */
} QdAccount;

void qd_account_free (QdAccount *account);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdAccount, qd_account_free)

typedef struct
{
  char      *address;
  GDateTime *added_at;       /* NULL when the gateway does not say */
} QdSender;

void qd_sender_free (QdSender *sender);

typedef enum
{
  QD_SENDER_LIST_APPROVED,
  QD_SENDER_LIST_BLOCKED,
} QdSenderList;

#define QD_TYPE_GATEWAY (qd_gateway_get_type ())

G_DECLARE_INTERFACE (QdGateway, qd_gateway, QD, GATEWAY, GObject)

struct _QdGatewayInterface
{
  GTypeInterface parent_iface;

  QdGatewayKind          (*get_kind)             (QdGateway            *self);
  QdGatewayCapabilities  (*get_capabilities)     (QdGateway            *self);
  const char            *(*get_base_url)         (QdGateway            *self);
  QdItemSource          *(*get_source)           (QdGateway            *self,
                                                  QdFolder              folder);

  void                   (*sign_in_async)        (QdGateway            *self,
                                                  const char           *username,
                                                  const char           *password,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
  QdAccount             *(*sign_in_finish)       (QdGateway            *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
  void                   (*sign_out_async)       (QdGateway            *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
  gboolean               (*sign_out_finish)      (QdGateway            *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

  void                   (*list_senders_async)   (QdGateway            *self,
                                                  QdSenderList          list,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
  GPtrArray             *(*list_senders_finish)  (QdGateway            *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
  void                   (*change_sender_async)  (QdGateway            *self,
                                                  QdSenderList          list,
                                                  const char           *address,
                                                  gboolean              add,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
  gboolean               (*change_sender_finish) (QdGateway            *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
};

const char            *qd_gateway_kind_to_string      (QdGatewayKind          kind);
gboolean               qd_gateway_kind_from_string    (const char            *text,
                                                       QdGatewayKind         *kind);

QdGatewayKind          qd_gateway_get_kind            (QdGateway            *self);
QdGatewayCapabilities  qd_gateway_get_capabilities    (QdGateway            *self);
const char            *qd_gateway_get_base_url        (QdGateway            *self);
QdItemSource          *qd_gateway_get_source          (QdGateway            *self,
                                                       QdFolder              folder);
void                   qd_gateway_sign_in_async       (QdGateway            *self,
                                                       const char           *username,
                                                       const char           *password,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
QdAccount             *qd_gateway_sign_in_finish      (QdGateway            *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
void                   qd_gateway_sign_out_async      (QdGateway            *self,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean               qd_gateway_sign_out_finish     (QdGateway            *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
void                   qd_gateway_list_senders_async  (QdGateway            *self,
                                                       QdSenderList          list,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
GPtrArray             *qd_gateway_list_senders_finish (QdGateway            *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
void                   qd_gateway_change_sender_async (QdGateway            *self,
                                                       QdSenderList          list,
                                                       const char           *address,
                                                       gboolean              add,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean               qd_gateway_change_sender_finish (QdGateway           *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

G_END_DECLS
