/* qd-mail.h — small facts about mail messages, shared by client and gateway
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gmime/gmime.h>

G_BEGIN_DECLS

/* GMime 3.2 does not declare these itself. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeObject, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessagePart, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimePart, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeTextPart, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMultipart, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeDataWrapper, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeFilter, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeContentType, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InternetAddressList, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeFormatOptions, g_mime_format_options_free)

typedef enum
{
  QD_DATE_SOURCE_NONE,
  QD_DATE_SOURCE_RECEIVED,  /* the topmost Received header: the last hop */
  QD_DATE_SOURCE_DATE,      /* the Date header, set by the sender */
} QdDateSource;

void        qd_mail_init              (void);

GDateTime  *qd_mail_get_receipt_date  (GMimeMessage  *message,
                                       QdDateSource  *source);
GDateTime  *qd_mail_parse_received    (const char    *value);

GMimeMessage *qd_mail_parse           (const guint8  *data,
                                       gsize          length);
GMimeMessage *qd_mail_parse_bytes     (GBytes        *bytes);

char       *qd_mail_sample_digest     (const guint8  *data,
                                       gsize          length);

char       *qd_mail_get_header_text   (GMimeObject   *object,
                                       const char    *name);

G_END_DECLS
