/* qd-submit-target.h — where missed spam goes: address, sender, SMTP server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "qd-gateway-info.h"
#include "qd-smtp-client.h"

G_BEGIN_DECLS

typedef struct
{
  char           *from;       /* the user's address */
  char           *to;         /* the submission address */
  char           *host;       /* the SMTP server, NULL when unknown */
  guint16         port;       /* 0: the usual one for the security */
  char           *security;   /* "none", "starttls", "tls"; NULL: default */
  char           *user;       /* SMTP user name, NULL: no authentication */
} QdSubmitTarget;

void          qd_submit_target_clear       (QdSubmitTarget       *target);
gboolean      qd_submit_target_resolve     (QdSubmitTarget       *target,
                                            GSettings            *settings,
                                            QdGatewayInfo        *info,
                                            const char           *account_address,
                                            GError              **error);
QdSmtpClient *qd_submit_target_new_client  (const QdSubmitTarget *target,
                                            const char           *ca_file,
                                            GError              **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (QdSubmitTarget, qd_submit_target_clear)

G_END_DECLS
