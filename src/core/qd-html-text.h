/* qd-html-text.h — HTML mail bodies as plain text, never rendered
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *qd_html_to_text    (const char *html,
                          gssize      length,
                          guint      *n_remote);
char *qd_text_make_safe  (const char *text,
                          gssize      length);

G_END_DECLS
