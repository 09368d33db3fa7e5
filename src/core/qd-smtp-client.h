/* qd-smtp-client.h — sending submissions over SMTP with libcurl
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The nicks are the values of the "smtp-security" setting and of the
 * gateway's submission.smtp.security. */
typedef enum
{
  QD_SMTP_SECURITY_NONE,      /* plain: accepted for loopback servers only */
  QD_SMTP_SECURITY_STARTTLS,
  QD_SMTP_SECURITY_TLS,       /* implicit TLS (smtps) */
} QdSmtpSecurity;

/* What the server's EHLO reply offered. */
typedef enum /*< flags >*/
{
  QD_SMTP_EXTENSION_NONE       = 0,
  QD_SMTP_EXTENSION_8BITMIME   = 1 << 0,
  QD_SMTP_EXTENSION_BINARYMIME = 1 << 1,
  QD_SMTP_EXTENSION_CHUNKING   = 1 << 2,
  QD_SMTP_EXTENSION_SIZE       = 1 << 3,
  QD_SMTP_EXTENSION_STARTTLS   = 1 << 4,
  QD_SMTP_EXTENSION_AUTH       = 1 << 5,
  QD_SMTP_EXTENSION_SMTPUTF8   = 1 << 6,
  QD_SMTP_EXTENSION_PIPELINING = 1 << 7,
} QdSmtpExtensions;

/* What a server is assumed to offer when it could not be asked: 8-bit
 * data is carried by practically every server in use. */
#define QD_SMTP_ASSUMED_EXTENSIONS (QD_SMTP_EXTENSION_8BITMIME)

/* libcurl speaks DATA only, never BDAT, so binary MIME can be carried
 * by no server however much it offers it (RFC 3030 requires BDAT). */
#define QD_SMTP_CLIENT_CAN_BDAT FALSE

typedef struct
{
  QdSmtpExtensions extensions;
  gint64           max_size;    /* the SIZE it announced, 0 when none */
  char            *greeting;
} QdSmtpCapabilities;

void qd_smtp_capabilities_free (QdSmtpCapabilities *caps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdSmtpCapabilities, qd_smtp_capabilities_free)

#define QD_TYPE_SMTP_CLIENT (qd_smtp_client_get_type ())

G_DECLARE_FINAL_TYPE (QdSmtpClient, qd_smtp_client, QD, SMTP_CLIENT, GObject)

gboolean      qd_smtp_security_from_string (const char         *str,
                                            QdSmtpSecurity     *security);
const char   *qd_smtp_security_to_string   (QdSmtpSecurity      security);
gboolean      qd_smtp_parse_server         (const char         *text,
                                            char              **host,
                                            guint16            *port);

QdSmtpClient *qd_smtp_client_new           (const char         *host,
                                            guint16             port,
                                            QdSmtpSecurity      security,
                                            GError            **error);
const char   *qd_smtp_client_get_host      (QdSmtpClient       *self);
guint16       qd_smtp_client_get_port      (QdSmtpClient       *self);
char         *qd_smtp_client_dup_server    (QdSmtpClient       *self);
QdSmtpSecurity qd_smtp_client_get_security (QdSmtpClient       *self);
void          qd_smtp_client_set_credentials (QdSmtpClient     *self,
                                              const char       *user,
                                              const char       *password);
const char   *qd_smtp_client_get_user      (QdSmtpClient       *self);
void          qd_smtp_client_set_ca_file   (QdSmtpClient       *self,
                                            const char         *ca_file);
void          qd_smtp_client_set_timeout   (QdSmtpClient       *self,
                                            guint               seconds);
void          qd_smtp_client_set_retries   (QdSmtpClient       *self,
                                            guint               tries,
                                            guint               first_delay_ms);

/* Blocking: for worker threads. */
QdSmtpCapabilities *qd_smtp_client_probe   (QdSmtpClient       *self,
                                            GCancellable       *cancellable,
                                            GError            **error);
char         *qd_smtp_client_send          (QdSmtpClient       *self,
                                            const char         *mail_from,
                                            const char         *rcpt_to,
                                            GBytes             *message,
                                            QdSmtpExtensions    required,
                                            GCancellable       *cancellable,
                                            GError            **error);

void          qd_smtp_client_probe_async   (QdSmtpClient       *self,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data);
QdSmtpCapabilities *qd_smtp_client_probe_finish (QdSmtpClient  *self,
                                                 GAsyncResult  *result,
                                                 GError       **error);
void          qd_smtp_client_send_async    (QdSmtpClient       *self,
                                            const char         *mail_from,
                                            const char         *rcpt_to,
                                            GBytes             *message,
                                            QdSmtpExtensions    required,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data);
char         *qd_smtp_client_send_finish   (QdSmtpClient       *self,
                                            GAsyncResult       *result,
                                            GError            **error);

G_END_DECLS
