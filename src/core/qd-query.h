/* qd-query.h — which held messages to list, and in what order
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "qd-types.h"

G_BEGIN_DECLS

typedef enum
{
  QD_SORT_RECEIVED_AT,
  QD_SORT_SIZE,
  QD_SORT_FROM,
  QD_SORT_SUBJECT,
} QdSortColumn;

typedef struct _QdQuery QdQuery;

#define QD_TYPE_QUERY (qd_query_get_type ())

GType         qd_query_get_type        (void) G_GNUC_CONST;
QdQuery      *qd_query_new             (QdFolder      folder);
QdQuery      *qd_query_copy            (const QdQuery *self);
QdQuery      *qd_query_ref             (QdQuery      *self);
void          qd_query_unref           (QdQuery      *self);
gboolean      qd_query_equal           (const QdQuery *a,
                                        const QdQuery *b);

QdFolder      qd_query_get_folder      (const QdQuery *self);
void          qd_query_set_folder      (QdQuery      *self,
                                        QdFolder      folder);
/* bit (1 << QdReason) per reason; 0 = every reason */
guint         qd_query_get_reasons     (const QdQuery *self);
void          qd_query_set_reasons     (QdQuery      *self,
                                        guint         reasons);
/* bit (1 << QdCategory) per category; 0 = every category */
guint         qd_query_get_categories  (const QdQuery *self);
void          qd_query_set_categories  (QdQuery      *self,
                                        guint         categories);
GDateTime    *qd_query_get_since       (const QdQuery *self);
void          qd_query_set_since       (QdQuery      *self,
                                        GDateTime    *since);
GDateTime    *qd_query_get_until       (const QdQuery *self);
void          qd_query_set_until       (QdQuery      *self,
                                        GDateTime    *until);
const char   *qd_query_get_search      (const QdQuery *self);
void          qd_query_set_search      (QdQuery      *self,
                                        const char   *search);
QdSortColumn  qd_query_get_sort        (const QdQuery *self,
                                        gboolean     *descending);
void          qd_query_set_sort        (QdQuery      *self,
                                        QdSortColumn  column,
                                        gboolean      descending);

char         *qd_query_to_string       (const QdQuery *self,
                                        const char   *cursor,
                                        guint         limit);

GDateTime    *qd_parse_user_time       (const char   *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdQuery, qd_query_unref)

G_END_DECLS
