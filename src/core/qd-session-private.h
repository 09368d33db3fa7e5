/* qd-session-private.h — QdSession's instance and the steps its three files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qd-pmg-client.h"
#include "qd-session.h"

G_BEGIN_DECLS

struct _QdSession
{
  GObject        parent_instance;

  GSettings     *settings;
  QdGateway     *gateway;        /* of any kind; QdApiClient is ours */
  char          *keyring_user;   /* whom its secrets are kept for */
  QdAccount     *account;
  QdGatewayInfo *info;
  QdMailbox     *mailbox;        /* the person's own mailbox, when signed in to one */
  QdMailboxFolders *folders;
  QdItemSource  *junk_source;    /* its Junk folder, NULL when it has none */

  /* The certificate the last sign-in refused, for the person to accept */
  char          *refused_fingerprint;
  char          *refused_description;
  gboolean       refused_changed;  /* it replaced one accepted before */
};

/* qd-session.c */
/* Whether a sign-in keeps its passwords in the keyring. */
typedef enum
{
  QD_REMEMBER_NO,      /* and forgets any kept before */
  QD_REMEMBER_YES,
  QD_REMEMBER_KEPT,    /* they come from the keyring: kept already */
} QdRemember;

void       qd_session_sign_in_with_mailbox_async (QdSession            *self,
                                                  const QdGatewayLogin *login,
                                                  QdMailbox            *mailbox,
                                                  const char           *mailbox_user,
                                                  const char           *mailbox_password,
                                                  QdRemember            remember,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
QdMailbox *qd_session_make_mailbox               (QdSession            *self,
                                                  const char           *host,
                                                  guint16               port,
                                                  QdSmtpSecurity        security,
                                                  GError              **error);

/* qd-session-trust.c */
char      *qd_session_ticket_secret_read         (const char           *secret);
void       qd_session_note_refused_certificate   (QdSession            *self,
                                                  QdGateway            *gateway,
                                                  const GError         *error);
gboolean   qd_session_pin_certificate            (QdSession            *self,
                                                  const char           *fingerprint,
                                                  QdPmgClient          *client,
                                                  GError              **error);

/* qd-session-restore.c */
gboolean   qd_session_remembered                 (GSettings            *settings,
                                                  const char           *host_key,
                                                  const char           *user_key);
char      *qd_session_remembered_server          (GSettings            *settings,
                                                  const char           *url,
                                                  QdGatewayKind        *kind_out);
QdMailbox *qd_session_remembered_mailbox         (QdSession            *self);

G_END_DECLS
