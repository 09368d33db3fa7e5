/* qd-item-page.h — one page of GET /messages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  GPtrArray *items;        /* QdItem */
  char      *next_cursor;  /* NULL on the last page */
  gint64     total;
  char      *snapshot;     /* what positions count in (see qd_item_source_list_at_async ()) */
} QdItemPage;

QdItemPage *qd_item_page_new_from_json (const char  *data,
                                        gsize        length,
                                        const char  *host,
                                        GError     **error);
void        qd_item_page_parse_async   (GBytes              *body,
                                        const char          *host,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
QdItemPage *qd_item_page_parse_finish  (GAsyncResult        *result,
                                        GError             **error);
void        qd_item_page_free          (QdItemPage  *page);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdItemPage, qd_item_page_free)

G_END_DECLS
