/* qd-file-chooser.h — the choosers that open files, and the filter for mail messages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GtkFileFilter        *qd_mail_file_filter_new  (void);
GtkFileChooserNative *qd_file_chooser_new_open (GtkWindow     *parent,
                                                const char    *title,
                                                const char    *accept_label,
                                                GtkFileFilter *filter);

G_END_DECLS
