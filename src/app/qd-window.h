/* qd-window.h — the main window: sign-in, the folders, Report Spam and Submissions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "qd-application.h"

G_BEGIN_DECLS

#define QD_TYPE_WINDOW (qd_window_get_type ())

G_DECLARE_FINAL_TYPE (QdWindow, qd_window, QD, WINDOW, AdwApplicationWindow)

QdWindow *qd_window_new        (QdApplication *application);
gboolean  qd_window_get_content_ready (QdWindow *self);
void      qd_window_show_toast (QdWindow      *self,
                                const char    *title);
void      qd_window_show_submission (QdWindow    *self,
                                     const char  *sha256);
void      qd_window_report_files (QdWindow    *self,
                                  GFile      **files,
                                  guint        n_files);

G_END_DECLS
