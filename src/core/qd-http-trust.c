/* qd-http-trust.c — what the HTTPS clients share: session, base URL, trust and error sentences
 *
 * Every gateway kind's client (our API, Proxmox Mail Gateway, the cloud
 * service) has one libsoup session and a base URL checked the same way,
 * trusts the system's authorities and, where the person gave one, their
 * company's; and each says a refusal the same way.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "qd-api-client.h"
#include "qd-error.h"
#include "qd-http-trust.h"

/* Every client's requests end after 30 s without an answer (a client may
 * set another timeout); @idle_timeout and @max_conns_per_host are the
 * server's to suit. */
SoupSession *
qd_http_session_new (guint idle_timeout,
                     guint max_conns_per_host)
{
  return soup_session_new_with_options ("user-agent", "QuarantineDesk/" PACKAGE_VERSION,
                                        "timeout", 30,
                                        "idle-timeout", idle_timeout,
                                        "max-conns-per-host", max_conns_per_host,
                                        NULL);
}

/**
 * qd_http_split_base_url:
 * @api_path: (nullable): the API's path ("/api/v1"), dropped from the end
 *   of @url, since a base URL given with it still names the gateway
 * @base_url: (out): @url without trailing slashes or @api_path
 * @host: (out): its host
 *
 * Returns: %FALSE, with qd_api_client_check_url ()'s sentence, when @url
 *   is no address of a gateway
 */
gboolean
qd_http_split_base_url (const char  *url,
                        const char  *api_path,
                        char       **base_url,
                        char       **host,
                        GError     **error)
{
  g_autofree char *base = NULL;
  g_autoptr(GUri) uri = NULL;
  gsize len;

  if (!qd_api_client_check_url (url, error))
    return FALSE;
  base = g_strdup (url);
  len = strlen (base);
  while (len > 0 && base[len - 1] == '/')
    base[--len] = '\0';
  if (api_path != NULL && g_str_has_suffix (base, api_path))
    base[len - strlen (api_path)] = '\0';
  uri = g_uri_parse (base, G_URI_FLAGS_NONE, NULL);
  *host = g_strdup (g_uri_get_host (uri));
  *base_url = g_steal_pointer (&base);
  return TRUE;
}

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

static gboolean
accept_certificate_cb (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  if (!qd_http_trust_extra_ca_accepts (user_data, msg, certificate, errors))
    return FALSE;
  /* The message keeps the system's verdict (unknown issuer): remember that
   * we vouched, so a connection lost later is not told as a certificate. */
  g_object_set_data (G_OBJECT (msg), "qd-certificate-accepted", GINT_TO_POINTER (TRUE));
  return TRUE;
}

/**
 * qd_http_trust_watch:
 * @database: (nullable): the extra authority, or %NULL for the system's only
 *
 * Lets @database vouch for the certificate @msg is answered with; what
 * qd_http_send_error () says of a failure then counts with it.
 */
void
qd_http_trust_watch (SoupMessage  *msg,
                     GTlsDatabase *database)
{
  if (database == NULL)
    return;
  g_signal_connect_data (msg, "accept-certificate", G_CALLBACK (accept_certificate_cb),
                         g_object_ref (database), (GClosureNotify)(void (*) (void))g_object_unref,
                         0);
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

/**
 * qd_http_send_error:
 * @msg: a message watched with qd_http_trust_watch ()
 * @error: (transfer full): why it got no answer
 *
 * Returns: (transfer full): the person's sentence for @error: a refused
 *   certificate, an unreachable gateway, or @error itself when cancelled
 */
GError *
qd_http_send_error (SoupMessage *msg,
                    const char  *host,
                    GError      *error)
{
  g_autoptr(GError) owned = error;
  GTlsCertificateFlags flags = soup_message_get_tls_peer_certificate_errors (msg);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_steal_pointer (&owned);
  if (error->domain == G_TLS_ERROR ||
      (flags != 0 && g_object_get_data (G_OBJECT (msg), "qd-certificate-accepted") == NULL))
    return qd_http_tls_error (host, flags);
  return qd_http_network_error (host, error);
}
