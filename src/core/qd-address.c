/* qd-address.c — mail addresses shown so that look-alikes show; hosts that are this computer; host:port
 *
 * Phishing often comes from a domain that reads like a real one but uses
 * letters of another script: "pаypal.com" with a Cyrillic "а".  An address
 * whose domain is not plain ASCII is therefore shown with its ASCII form,
 * the one DNS really resolves, next to it:
 *
 *   billing@pаypal.com (xn--pypal-4ve.com)
 *
 * and, like all held text, without control or direction characters.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "qd-address.h"
#include "qd-html-text.h"

char *
qd_address_for_display (const char *address)
{
  g_autofree char *safe = qd_text_make_safe (address, -1);
  const char *at = strrchr (safe, '@');
  const char *domain = at != NULL ? at + 1 : NULL;
  g_autofree char *ascii = NULL;

  if (domain == NULL || !g_hostname_is_non_ascii (domain))
    return g_steal_pointer (&safe);
  ascii = g_hostname_to_ascii (domain);
  /* Not a valid international name at all: say so rather than guess. */
  if (ascii == NULL)
    return g_strdup_printf ("%s (%s)", safe, _("not a valid domain name"));
  return g_strdup_printf ("%s (%s)", safe, ascii);
}

/**
 * qd_address_is_loopback:
 * @host: a host name or an IP address (IPv6 without brackets)
 *
 * Whether @host is this computer: a loopback address, or "localhost" in
 * any case.  Only then may a server be reached without encryption.
 */
gboolean
qd_address_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  g_return_val_if_fail (host != NULL, FALSE);

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/* "host:port", "[v6]:port": a server as the keyring names it, and as
 * g_network_address_parse () reads it back. */
char *
qd_address_join_host_port (const char *host,
                           guint16     port)
{
  g_return_val_if_fail (host != NULL, NULL);

  return strchr (host, ':') != NULL ? g_strdup_printf ("[%s]:%u", host, port)
                                    : g_strdup_printf ("%s:%u", host, port);
}
