/* qd-toast.c — a toast from any widget inside the window's toast overlay
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "qd-toast.h"

/**
 * qd_show_toast:
 *
 * Shows @title in the toast overlay around @widget; the pages do not know
 * the window that holds them, and show nothing before they are placed in it.
 */
void
qd_show_toast (GtkWidget  *widget,
               const char *title)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (title));
}
