/* qd-http-trust.h — what the HTTPS clients share: the extra certificate authority, and the
 * sentences for a refused certificate and an unreachable server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

gboolean  qd_http_trust_load_ca_file     (const char            *ca_file,
                                          GTlsDatabase         **database,
                                          GError               **error);
gboolean  qd_http_trust_extra_ca_accepts (GTlsDatabase          *database,
                                          SoupMessage           *msg,
                                          GTlsCertificate       *certificate,
                                          GTlsCertificateFlags   errors);
char     *qd_http_trust_describe         (GTlsCertificateFlags   flags);
GError   *qd_http_tls_error              (const char            *host,
                                          GTlsCertificateFlags   flags);
GError   *qd_http_network_error          (const char            *host,
                                          const GError          *error);

G_END_DECLS
