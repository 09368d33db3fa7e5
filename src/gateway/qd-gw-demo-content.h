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
  char               *from_name;
  char               *from_address;
  char               *envelope;         /* NULL: the From address */
  char              **subjects;         /* variants of the same situation, at least one */
  char               *body;             /* paragraphs separated by blank lines */
  char               *action;           /* label of the main link, NULL: none */
  char               *link;             /* NULL: the sender's click tracker */
  QdGwDemoLayout      layout;
  QdGwDemoAttachment  attachment;
  char               *attachment_name;
  char               *rules;            /* space-separated rules specific to this mail */
  char               *policy_rule;      /* NULL: the default for the reason */
  char               *color;            /* brand colour for the HTML and images */
} QdGwDemoTemplate;

/* A missed-spam sample: ordinary-looking, so a classifier lets it pass. */
typedef struct
{
  char     *file_name;
  guint     age_hours;
  gboolean  japanese;
  char     *charset;      /* of the body: us-ascii, UTF-8 or ISO-2022-JP */
  char     *from_name;
  char     *from_address;
  char     *subject;
  char     *body;
} QdGwDemoSample;

/* The list footer of graymail, by category. */
typedef struct
{
  char *en;
  char *ja;
} QdGwDemoFooter;

/* The texts under src/gateway/demo/, compiled in as a resource. */
typedef struct
{
  GArray         *templates;                       /* of QdGwDemoTemplate */
  char          **people_en;
  char          **people_ja;
  QdGwDemoFooter  footers[QD_CATEGORY_BULK + 1];
  GArray         *samples;                         /* of QdGwDemoSample */
} QdGwDemoContent;

QdGwDemoContent *qd_gw_demo_content_new  (GError          **error);
void             qd_gw_demo_content_free (QdGwDemoContent  *content);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdGwDemoContent, qd_gw_demo_content_free)

G_END_DECLS
