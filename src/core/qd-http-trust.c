/* qd-http-trust.c — what the HTTPS clients share: the extra certificate authority, and the
 * sentences for a refused certificate and an unreachable server
 *
 * Every gateway kind's client (our API, Proxmox Mail Gateway, the cloud
 * service) trusts the system's authorities and, where the person gave
 * one, their company's; and each says a refusal the same way.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-error.h"
#include "qd-http-trust.h"

/**
 * qd_http_trust_load_ca_file:
 * @ca_file: (nullable): a PEM file; %NULL or "" for none
 * @database: (out): the authority, %NULL when none was given
 *
 * Returns: %FALSE, with a sentence, when the file cannot be read
 */
gboolean
qd_http_trust_load_ca_file (const char    *ca_file,
                            GTlsDatabase **database,
                            GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  *database = NULL;
  if (ca_file == NULL || ca_file[0] == '\0')
    return TRUE;
  *database = g_tls_file_database_new (ca_file, &local_error);
  if (*database == NULL)
    {
      g_set_error (error, QD_ERROR, QD_ERROR_TLS,
                   _("The certificate authority file “%s” cannot be read: %s. Choose a PEM "
                     "file with your company’s certificate authority."),
                   ca_file, local_error->message);
      return FALSE;
    }
  return TRUE;
}

/**
 * qd_http_trust_extra_ca_accepts:
 *
 * For a SoupMessage's "accept-certificate": whether @database vouches for
 * @certificate.  Only an unknown issuer can be fixed by it; an expired
 * certificate or a wrong host stays refused.  The message keeps the
 * system's verdict: a client that accepts should remember it did, so a
 * connection lost later is not told as a certificate.
 */
gboolean
qd_http_trust_extra_ca_accepts (GTlsDatabase         *database,
                                SoupMessage          *msg,
                                GTlsCertificate      *certificate,
                                GTlsCertificateFlags  errors)
{
  g_autoptr(GSocketConnectable) identity = NULL;
  GUri *uri = soup_message_get_uri (msg);

  if (database == NULL || certificate == NULL || errors != G_TLS_CERTIFICATE_UNKNOWN_CA)
    return FALSE;
  identity = g_network_address_new (g_uri_get_host (uri), g_uri_get_port (uri));
  return g_tls_database_verify_chain (database, certificate,
                                      G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER, identity, NULL,
                                      G_TLS_DATABASE_VERIFY_NONE, NULL, NULL) == 0;
}

/* Why a certificate was refused, as the end of a sentence.  A self-signed
 * certificate (PMG's own names the node, not the address) is first of
 * all from an unknown issuer. */
char *
qd_http_trust_describe (GTlsCertificateFlags flags)
{
  if (flags & G_TLS_CERTIFICATE_EXPIRED)
    return g_strdup (_("its certificate has expired"));
  if (flags & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    return g_strdup (_("its certificate is not valid yet"));
  if (flags & G_TLS_CERTIFICATE_UNKNOWN_CA)
    return g_strdup (_("its certificate is not signed by an authority this computer trusts "
                       "(unknown issuer)"));
  if (flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
    return g_strdup (_("its certificate is for another host name (wrong host)"));
  if (flags & G_TLS_CERTIFICATE_REVOKED)
    return g_strdup (_("its certificate has been revoked"));
  if (flags & G_TLS_CERTIFICATE_INSECURE)
    return g_strdup (_("its certificate uses insecure cryptography"));
  return g_strdup (_("its certificate is not valid"));
}

GError *
qd_http_tls_error (const char           *host,
                   GTlsCertificateFlags  flags)
{
  g_autofree char *problem = qd_http_trust_describe (flags);

  return g_error_new (QD_ERROR, QD_ERROR_TLS,
                      _("The connection to %s was refused because %s. Nothing was sent. If "
                        "your company uses its own certificate authority, add it in "
                        "Preferences; otherwise tell your administrator."),
                      host, problem);
}

GError *
qd_http_network_error (const char   *host,
                       const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_error_new (QD_ERROR, QD_ERROR_NETWORK,
                        _("The gateway at %s did not answer in time. Try again later; if it "
                          "keeps happening, tell your administrator."),
                        host);
  return g_error_new (QD_ERROR, QD_ERROR_NETWORK,
                      _("Cannot reach the gateway at %s (%s). Check your network connection "
                        "and the gateway address, then try again."),
                      host, error->message);
}
