/* qd-gw-demo-attachments.h — the demo's attachments: ZIP, PDF, PNG, iCalendar, placeholders
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

/* A meeting request: one event, 90 minutes from @start. */
typedef struct
{
  const char *domain;             /* the organizer's, in PRODID and UID */
  const char *language;           /* of PRODID: "EN", "JA" */
  const char *uid;                /* unique within @domain */
  GDateTime  *start;
  GDateTime  *stamp;              /* when the request was sent */
  const char *summary;
  const char *description;
  const char *organizer_name;
  const char *organizer_address;
  const char *attendee_name;
  const char *attendee_address;
} QdGwDemoInvitation;

/* Well-formed files that run nothing. */
GBytes *qd_gw_demo_pdf_new            (const char               *title);
GBytes *qd_gw_demo_png_new            (const char               *color);
GBytes *qd_gw_demo_program_new        (void);
GBytes *qd_gw_demo_zip_new            (const QdGwDemoZipEntry   *entries,
                                       guint                     n_entries,
                                       gboolean                  encrypted,
                                       GDateTime                *when,
                                       GRand                    *rng);
GBytes *qd_gw_demo_ics_new            (const QdGwDemoInvitation *invitation);
GBytes *qd_gw_demo_macro_workbook_new (GDateTime                *when,
                                       GRand                    *rand);

G_END_DECLS
