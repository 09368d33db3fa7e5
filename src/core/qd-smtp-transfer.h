/* qd-smtp-transfer.h — one SMTP session through libcurl (inside libqd-core)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <curl/curl.h>

#include "qd-smtp-client.h"

G_BEGIN_DECLS

typedef struct
{
  /* Set by the caller, kept by qd_smtp_transfer_clear(). */
  const char       *server;        /* "host:port" */
  QdSmtpSecurity    security;
  const char       *user;          /* NULL: no AUTH */
  const char       *password;
  const char       *ca_file;
  guint             timeout;       /* seconds */
  GCancellable     *cancellable;
  const guint8     *data;          /* the message, CRLF */
  gsize             length;
  QdSmtpExtensions  required;      /* what the message cannot travel without */

  /* What the server said in the last run. */
  QdSmtpExtensions  extensions;
  gint64            max_size;
  char             *greeting;
  GString          *reply;         /* the latest reply, its lines joined */
  char             *refusal;       /* why the pre-request check stopped it */
  long              code;

  /* Private. */
  gsize             offset;
  gboolean          in_ehlo;
  gboolean          reply_complete;
  char              curl_error[CURL_ERROR_SIZE];
} QdSmtpTransfer;

void     qd_smtp_transfer_clear (QdSmtpTransfer  *t);
gboolean qd_smtp_transfer_run   (QdSmtpTransfer  *t,
                                 const char      *mail_from,
                                 const char      *rcpt_to,
                                 gboolean        *temporary,
                                 GError         **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (QdSmtpTransfer, qd_smtp_transfer_clear)

G_END_DECLS
