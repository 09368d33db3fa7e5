/* qd-file-chooser.c — the choosers that open files, and the filter for mail messages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "qd-file-chooser.h"

/**
 * qd_mail_file_filter_new:
 *
 * The filter for mail messages that both checking a sample and reporting
 * samples offer.  Returns: (transfer full)
 */
GtkFileFilter *
qd_mail_file_filter_new (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Mail messages (.eml)"));
  gtk_file_filter_add_mime_type (filter, "message/rfc822");
  gtk_file_filter_add_suffix (filter, "eml");
  return filter;
}

/**
 * qd_file_chooser_new_open:
 * @filter: the first filter it offers (the chooser takes its own reference)
 *
 * A chooser to open a file, not yet shown, so that the caller can connect its
 * "response" (which must unref the chooser) and add what else it needs.
 * Returns: (transfer full)
 */
GtkFileChooserNative *
qd_file_chooser_new_open (GtkWindow     *parent,
                          const char    *title,
                          const char    *accept_label,
                          GtkFileFilter *filter)
{
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (title, parent, GTK_FILE_CHOOSER_ACTION_OPEN,
                                         accept_label, _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  return chooser;
}
