/* qd-session.h — signing in and out, and the client of the signed-in user
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "qd-api-client.h"
#include "qd-mailbox.h"

G_BEGIN_DECLS

/* Where and who the person's own mailbox is; nothing of it is kept. */
typedef struct
{
  const char     *host;
  guint16         port;       /* 0: the usual one for the security */
  QdSmtpSecurity  security;
  const char     *user;
  const char     *password;
} QdMailboxLogin;

/* Which gateway and how to sign in to it; nothing of it is kept. */
typedef struct
{
  const char *url;
  const char *kind;          /* "qd", "pmg", "symantec"; "" finds it out; NULL: the settings' */
  const char *username;
  const char *password;
  const char *token;         /* ours: a kept session, tried before the password */
  const char *link;          /* PMG: a spam report's link, instead of user name and password */
  const char *fingerprint;   /* PMG: the SHA-256 of a certificate the person accepted */
} QdGatewayLogin;

#define QD_TYPE_SESSION (qd_session_get_type ())

G_DECLARE_FINAL_TYPE (QdSession, qd_session, QD, SESSION, GObject)

QdSession     *qd_session_new              (GSettings           *settings);
QdApiClient   *qd_session_get_client       (QdSession           *self);
QdGateway     *qd_session_get_gateway      (QdSession           *self);
QdAccount     *qd_session_get_account      (QdSession           *self);
QdGatewayInfo *qd_session_get_info         (QdSession           *self);
gboolean       qd_session_get_signed_in    (QdSession           *self);
QdMailbox     *qd_session_get_mailbox      (QdSession           *self);
QdMailboxFolders *qd_session_get_mailbox_folders (QdSession      *self);
QdItemSource  *qd_session_get_source       (QdSession           *self,
                                            QdFolder             folder);
QdItemSource  *qd_session_get_twins       (QdSession           *self,
                                           QdFolder             folder,
                                           QdFolder            *twin_folder);
gboolean       qd_session_get_remembered   (QdSession           *self,
                                            gboolean            *gateway,
                                            gboolean            *mailbox);
gboolean       qd_session_get_refused_certificate (QdSession     *self,
                                                   char         **fingerprint,
                                                   char         **description,
                                                   gboolean      *changed);

void           qd_session_probe_async      (QdSession           *self,
                                            const char          *url,
                                            const char          *ca_file,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
QdGatewayInfo *qd_session_probe_finish     (QdSession           *self,
                                            GAsyncResult        *result,
                                            GError             **error);

void           qd_session_sign_in_async    (QdSession           *self,
                                            const char          *url,
                                            const char          *username,
                                            const char          *password,
                                            const QdMailboxLogin *mailbox,
                                            gboolean             remember,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
void           qd_session_sign_in_with_async (QdSession            *self,
                                              const QdGatewayLogin *gateway,
                                              const QdMailboxLogin *mailbox,
                                              gboolean              remember,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean       qd_session_sign_in_finish   (QdSession           *self,
                                            GAsyncResult        *result,
                                            GError             **error);
void           qd_session_restore_async    (QdSession           *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean       qd_session_restore_finish   (QdSession           *self,
                                            GAsyncResult        *result,
                                            GError             **error);
void           qd_session_sign_out_async   (QdSession           *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean       qd_session_sign_out_finish  (QdSession           *self,
                                            GAsyncResult        *result,
                                            GError             **error);

G_END_DECLS
