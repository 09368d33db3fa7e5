/* main.c — starts Quarantine Desk: binds its translations, then runs the application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "qd-application.h"
#include "qd-gateway-detect.h"

/* Whether a GPU can render: Mesa reaches one through a DRM render node.
 * Without one (a virtual machine, a remote desktop, Xvfb), OpenGL can only
 * be Mesa's llvmpipe, software. */
static gboolean
has_render_node (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/dev/dri", 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "renderD"))
      return TRUE;
  return FALSE;
}

/* GTK 4.8 opens OpenGL as it connects to the display, to choose a visual,
 * even for its cairo renderer.  With software GL that costs 50 MB of LLVM
 * resident, half the page faults of the start, and every frame drawn by
 * llvmpipe on the CPU (a spinner alone kept both cores busy under Xvfb).
 * Where GL can only be software, the window draws with cairo and leaves
 * GL closed.  A renderer or GDK_DEBUG the person chose is left alone. */
static void
choose_renderer (void)
{
  const char *renderer = g_getenv ("GSK_RENDERER");

  if (has_render_node () || g_getenv ("GDK_DEBUG") != NULL ||
      (renderer != NULL && g_strcmp0 (renderer, "cairo") != 0))
    return;
  g_setenv ("GDK_DEBUG", "gl-disable", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(QdApplication) app = NULL;
  int status;

  setlocale (LC_ALL, "");
  /* QD_LOCALEDIR lets an uninstalled build (tests, the demo) use its own catalogs. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("QD_LOCALEDIR") ? g_getenv ("QD_LOCALEDIR")
                                                              : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  /* The session asks a gateway's kind in a process of its own, this one
   * started again (qd-gateway-detect.c says why). */
  if (qd_gateway_detect_kind_run_child (argc, argv, &status))
    return status;
  choose_renderer ();

  app = qd_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
