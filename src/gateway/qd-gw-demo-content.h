/* qd-gw-demo-content.h — what the demo messages say and carry
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "qd-types.h"

G_BEGIN_DECLS

typedef enum
{
  QD_GW_DEMO_LAYOUT_PLAIN,        /* text/plain only */
  QD_GW_DEMO_LAYOUT_HTML,         /* text/html only */
  QD_GW_DEMO_LAYOUT_ALTERNATIVE,  /* multipart/alternative: text/plain + text/html */
} QdGwDemoLayout;

typedef enum
{
  QD_GW_DEMO_ATTACH_NONE,
  QD_GW_DEMO_ATTACH_PDF,
  QD_GW_DEMO_ATTACH_ICS,
  QD_GW_DEMO_ATTACH_IMAGE,
  QD_GW_DEMO_ATTACH_EXE,          /* a harmless placeholder named like a program */
  QD_GW_DEMO_ATTACH_ZIP,          /* a ZIP holding such a placeholder */
  QD_GW_DEMO_ATTACH_ENCRYPTED_ZIP,
  QD_GW_DEMO_ATTACH_MACRO_DOC,
} QdGwDemoAttachment;

/* One kind of message: a sender and a situation. Every text may hold
 * {placeholders}, filled per message:
 *   {name} {first} {email} {domain}   the recipient
 *   {person} {person2}                invented people, in the message's language
 *   {n} {id} {amount} {pct}           numbers (a count, an order number, money, a percentage)
 *   {date} {month} {year}             a date a few days after receipt, its month, its year
 *   {r} {tok}                         random host label, random token
 *   {subject} {brand}                 the chosen subject, the From display name
 * envelope, link and attachment_name may use them too. */
typedef struct
{
  QdReason            reason;
  QdCategory          category;
  gboolean            japanese;
  const char         *from_name;
  const char         *from_address;
  const char         *envelope;         /* NULL: the From address */
  const char         *subjects[4];      /* variants of the same situation */
  const char         *body;             /* paragraphs separated by blank lines */
  const char         *action;           /* label of the main link, NULL: none */
  const char         *link;             /* NULL: the sender's click tracker */
  QdGwDemoLayout      layout;
  QdGwDemoAttachment  attachment;
  const char         *attachment_name;
  const char         *rules;            /* space-separated rules specific to this mail */
  const char         *policy_rule;      /* NULL: the default for the reason */
  const char         *color;            /* brand colour for the HTML and images */
} QdGwDemoTemplate;

/* A missed-spam sample: ordinary-looking, so a classifier lets it pass. */
typedef struct
{
  const char *file_name;
  guint       age_hours;
  gboolean    japanese;
  const char *charset;      /* of the body: us-ascii, UTF-8 or ISO-2022-JP */
  const char *from_name;
  const char *from_address;
  const char *subject;
  const char *body;
} QdGwDemoSample;

/* The list footer of graymail, by category. */
typedef struct
{
  const char *en;
  const char *ja;
} QdGwDemoFooter;

typedef struct
{
  const char *name;
  GBytes     *data;
} QdGwDemoZipEntry;

extern const QdGwDemoTemplate qd_gw_demo_templates[];
extern const guint            qd_gw_demo_n_templates;

extern const char * const     qd_gw_demo_people_en[];
extern const guint            qd_gw_demo_n_people_en;
extern const char * const     qd_gw_demo_people_ja[];
extern const guint            qd_gw_demo_n_people_ja;

extern const QdGwDemoFooter   qd_gw_demo_footers[QD_CATEGORY_BULK + 1];

extern const QdGwDemoSample   qd_gw_demo_samples[];
extern const guint            qd_gw_demo_n_samples;

/* Attachments: well-formed files that run nothing. */
GBytes *qd_gw_demo_pdf_new     (const char             *title);
GBytes *qd_gw_demo_png_new     (const char             *color);
GBytes *qd_gw_demo_program_new (void);
GBytes *qd_gw_demo_zip_new     (const QdGwDemoZipEntry *entries,
                                guint                   n_entries,
                                gboolean                encrypted,
                                GDateTime              *when,
                                GRand                  *rng);

G_END_DECLS
