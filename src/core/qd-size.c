/* qd-size.c — sizes in bytes as people read them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-size.h"

/* g_format_size() in GLib 2.74 asks glib20 for "byte"/"bytes", which
 * several of GLib's own catalogues (Japanese among them) do not have yet,
 * so "279 bytes" would stay English in a translated window.  Whole bytes
 * therefore come from our own catalogue; kB, MB and GB read the same in
 * the languages we ship and stay with GLib. */
char *
qd_format_size (gint64 bytes)
{
  g_autofree char *number = NULL;

  if (bytes < 0)
    bytes = 0;
  if (bytes >= 1000)
    return g_format_size ((guint64) bytes);

  number = g_strdup_printf ("%" G_GINT64_FORMAT, bytes);
  /* Translators: a size; %s is a whole number of bytes below 1 000.  The
   * space is a no-break space, as GLib puts between "2.8" and "kB". */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s\u00A0byte", "%s\u00A0bytes",
                                       (gulong) bytes),
                          number);
}
