/* qd-sender-entry.c — an address or a whole domain, written as a gateway's sender lists keep it
 *
 * People write a domain as "example.com", "@example.com" or "*@example.com";
 * each kind of gateway keeps it one way: our API and the cloud API as
 * "@example.com" (docs/gateway-api.md; the cloud client drops the "@"),
 * Proxmox Mail Gateway as the pattern "*@example.com" (it reads its lists
 * back through a pattern that silently drops "@example.com", spec §6.8).
 * The entry is checked here, so a typing mistake is told at once, in a
 * sentence, and never sent.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "qd-error.h"
#include "qd-sender-entry.h"

/* A domain of at least two labels of letters, digits and hyphens (an
 * internationalized one once in its ASCII form). */
static gboolean
domain_is_valid (const char *domain)
{
  g_autofree char *ascii = g_hostname_to_ascii (domain);
  g_auto(GStrv) labels = NULL;

  if (ascii == NULL || ascii[0] == '\0' || strlen (ascii) > 253 ||
      g_hostname_is_ip_address (ascii))
    return FALSE;
  labels = g_strsplit (ascii, ".", -1);
  if (g_strv_length (labels) < 2)
    return FALSE;
  for (guint i = 0; labels[i] != NULL; i++)
    {
      gsize len = strlen (labels[i]);

      if (len == 0 || len > 63 || labels[i][0] == '-' || labels[i][len - 1] == '-')
        return FALSE;
      for (const char *p = labels[i]; *p != '\0'; p++)
        if (!g_ascii_isalnum (*p) && *p != '-')
          return FALSE;
    }
  return TRUE;
}

/* The part before "@": printable, none of the characters the gateways
 * refuse or read as a pattern. */
static gboolean
local_part_is_valid (const char *local,
                     gsize       len)
{
  if (len == 0 || len > 64 || local[0] == '.' || local[len - 1] == '.')
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      guchar c = local[i];

      if (c <= ' ' || c == 0x7f || strchr ("<>()[]\\,;:\"*?/@", c) != NULL)
        return FALSE;
      if (c == '.' && local[i + 1] == '.')
        return FALSE;
    }
  return TRUE;
}

/**
 * qd_sender_entry_domain_example:
 *
 * Returns: how a gateway of @kind writes the whole domain example.com
 */
const char *
qd_sender_entry_domain_example (QdGatewayKind kind)
{
  return kind == QD_GATEWAY_KIND_PMG ? "*@example.com" : "@example.com";
}

/**
 * qd_sender_entry_parse:
 * @kind: the kind of gateway the entry is for
 * @text: what the person typed: an address, or a domain in any of the
 *   usual ways
 *
 * Returns: (transfer full) (nullable): the entry as a gateway of @kind
 *   keeps it, in lower case; %NULL with %QD_ERROR_INVALID_INPUT and a
 *   sentence saying how to write it
 */
char *
qd_sender_entry_parse (QdGatewayKind   kind,
                       const char     *text,
                       GError        **error)
{
  g_autofree char *stripped = NULL;
  g_autofree char *lower = NULL;
  const char *domain;
  const char *at;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stripped = g_strstrip (g_strdup (text));
  if (stripped[0] == '\0')
    {
      g_set_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT,
                   _("Enter a mail address, such as name@example.com, or a domain, such as "
                     "%s."),
                   qd_sender_entry_domain_example (kind));
      return NULL;
    }
  if (!g_utf8_validate (stripped, -1, NULL))
    goto malformed;
  lower = g_utf8_strdown (stripped, -1);
  at = strchr (lower, '@');
  if (at == NULL)
    domain = lower;
  else if (at == lower || (at == lower + 1 && lower[0] == '*'))
    domain = at + 1;
  else if (local_part_is_valid (lower, at - lower) && domain_is_valid (at + 1))
    return g_steal_pointer (&lower);
  else
    goto malformed;
  if (!domain_is_valid (domain))
    goto malformed;
  return g_strconcat (kind == QD_GATEWAY_KIND_PMG ? "*@" : "@", domain, NULL);

malformed:
  g_set_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT,
               _("“%s” is neither a mail address nor a domain. Enter an address such as "
                 "name@example.com, or %s for every address at example.com."),
               stripped, qd_sender_entry_domain_example (kind));
  return NULL;
}

/**
 * qd_sender_entry_get_domain:
 * @entry: an entry of a sender list, as the gateway gave it
 *
 * Returns: (nullable): the domain @entry stands for as a whole
 *   ("@example.com", "*@example.com"), or %NULL when it is one address or
 *   a pattern of the gateway's own (PMG may keep a bare "example.com",
 *   whose meaning is the gateway's to say)
 */
const char *
qd_sender_entry_get_domain (const char *entry)
{
  const char *at;

  g_return_val_if_fail (entry != NULL, NULL);

  at = strchr (entry, '@');
  if (at == NULL)
    return NULL;
  if (at == entry || (at == entry + 1 && entry[0] == '*'))
    return at[1] != '\0' ? at + 1 : NULL;
  return NULL;
}
