/* qd-gw-smtp.h — the missed-spam submission intake over SMTP (docs/gateway-api.md)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  const char         *helo;           /* EHLO/HELO argument */
  const char         *peer;           /* "127.0.0.1:54321" */
  const char         *mail_from;      /* reverse-path without brackets, may be "" */
  const char * const *recipients;     /* NULL-terminated, without brackets */
  GBytes             *data;           /* after dot-unstuffing, line endings as received,
                                       * without the final ".\r\n" */
  gboolean            body_8bitmime;
} QdGwSmtpEnvelope;

/* Called on the main context when DATA completes. Return TRUE to answer 250 (set
 * *reply to a queue id text to include, or leave NULL); FALSE to refuse, with
 * *reply = a full reply line like "451 4.3.0 Local error, try again". The server
 * frees *reply with g_free(). */
typedef gboolean (*QdGwSmtpDeliverFunc) (const QdGwSmtpEnvelope  *envelope,
                                         char                   **reply,
                                         gpointer                 user_data);

#define QD_TYPE_GW_SMTP_SERVER (qd_gw_smtp_server_get_type ())

G_DECLARE_FINAL_TYPE (QdGwSmtpServer, qd_gw_smtp_server, QD, GW_SMTP_SERVER, GObject)

QdGwSmtpServer *qd_gw_smtp_server_new              (const char           *hostname,
                                                    const char           *submission_address,
                                                    gsize                 max_message_bytes);
void            qd_gw_smtp_server_set_deliver_func (QdGwSmtpServer       *self,
                                                    QdGwSmtpDeliverFunc   func,
                                                    gpointer              user_data,
                                                    GDestroyNotify        notify);
void            qd_gw_smtp_server_set_timeout      (QdGwSmtpServer       *self,
                                                    guint                 seconds);
gboolean        qd_gw_smtp_server_listen           (QdGwSmtpServer       *self,
                                                    const char           *host,
                                                    guint16               port,
                                                    guint16              *out_port,
                                                    GError              **error);
void            qd_gw_smtp_server_stop             (QdGwSmtpServer       *self);

G_END_DECLS
