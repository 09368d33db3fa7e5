/* main.c — starts Quarantine Desk: binds its translations, then runs the application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "qd-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(QdApplication) app = NULL;

  setlocale (LC_ALL, "");
  /* QD_LOCALEDIR lets an uninstalled build (tests, the demo) use its own catalogs. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("QD_LOCALEDIR") ? g_getenv ("QD_LOCALEDIR")
                                                              : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = qd_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
