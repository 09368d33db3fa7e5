/* qd-keyring.h — passwords and tokens in the user's keyring (libsecret)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

G_BEGIN_DECLS

/* Schema "io.github.quarantinedesk.QuarantineDesk.Secret", attributes:
 *   kind    "gateway-password", "gateway-token", "smtp-password" or "imap-password"
 *   server  the gateway URL, or "host:port" of the SMTP or IMAP server
 *   user    the user name on that server
 * (documented in docs/keyring.md) */
typedef enum
{
  QD_SECRET_GATEWAY_PASSWORD,
  QD_SECRET_GATEWAY_TOKEN,
  QD_SECRET_SMTP_PASSWORD,
  QD_SECRET_IMAP_PASSWORD,
} QdSecretKind;

const SecretSchema *qd_keyring_get_schema   (void);

void      qd_keyring_store_async   (QdSecretKind         kind,
                                    const char          *server,
                                    const char          *user,
                                    const char          *secret,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
gboolean  qd_keyring_store_finish  (GAsyncResult        *result,
                                    GError             **error);
void      qd_keyring_lookup_async  (QdSecretKind         kind,
                                    const char          *server,
                                    const char          *user,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
char     *qd_keyring_lookup_finish (GAsyncResult        *result,
                                    GError             **error);
void      qd_keyring_clear_async   (QdSecretKind         kind,
                                    const char          *server,
                                    const char          *user,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
gboolean  qd_keyring_clear_finish  (GAsyncResult        *result,
                                    GError             **error);

gboolean  qd_keyring_store_sync    (QdSecretKind   kind,
                                    const char    *server,
                                    const char    *user,
                                    const char    *secret,
                                    GError       **error);
char     *qd_keyring_lookup_sync   (QdSecretKind   kind,
                                    const char    *server,
                                    const char    *user,
                                    GError       **error);
gboolean  qd_keyring_clear_sync    (QdSecretKind   kind,
                                    const char    *server,
                                    const char    *user,
                                    GError       **error);

void      qd_secret_free           (char          *secret);

G_END_DECLS
