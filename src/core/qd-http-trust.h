/* qd-http-trust.h — what the HTTPS clients share: session, base URL, trust and error sentences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

SoupSession *qd_http_session_new         (guint                  idle_timeout,
                                          guint                  max_conns_per_host);
gboolean  qd_http_split_base_url         (const char            *url,
                                          const char            *api_path,
                                          char                 **base_url,
                                          char                 **host,
                                          GError               **error);
gboolean  qd_http_trust_load_ca_file     (const char            *ca_file,
                                          GTlsDatabase         **database,
                                          GError               **error);
gboolean  qd_http_trust_extra_ca_accepts (GTlsDatabase          *database,
                                          SoupMessage           *msg,
                                          GTlsCertificate       *certificate,
                                          GTlsCertificateFlags   errors);
void      qd_http_trust_watch            (SoupMessage           *msg,
                                          GTlsDatabase          *database);
char     *qd_http_trust_describe         (GTlsCertificateFlags   flags);
GError   *qd_http_tls_error              (const char            *host,
                                          GTlsCertificateFlags   flags);
GError   *qd_http_network_error          (const char            *host,
                                          const GError          *error);
GError   *qd_http_send_error             (SoupMessage           *msg,
                                          const char            *host,
                                          GError                *error);

G_END_DECLS
