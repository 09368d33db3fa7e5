/* qd-gw-demo-attachments.h — the demo's attachments: ZIP, PDF, PNG, placeholders
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const char *name;
  GBytes     *data;
} QdGwDemoZipEntry;

/* Well-formed files that run nothing. */
GBytes *qd_gw_demo_pdf_new     (const char             *title);
GBytes *qd_gw_demo_png_new     (const char             *color);
GBytes *qd_gw_demo_program_new (void);
GBytes *qd_gw_demo_zip_new     (const QdGwDemoZipEntry *entries,
                                guint                   n_entries,
                                gboolean                encrypted,
                                GDateTime              *when,
                                GRand                  *rng);

G_END_DECLS
