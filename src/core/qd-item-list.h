/* qd-item-list.h — held messages as a GListModel that loads pages on demand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "qd-item-source.h"

G_BEGIN_DECLS

#define QD_TYPE_ITEM_LIST (qd_item_list_get_type ())

G_DECLARE_FINAL_TYPE (QdItemList, qd_item_list, QD, ITEM_LIST, GObject)

QdItemList    *qd_item_list_new         (QdItemSource *source,
                                         QdQuery      *query,
                                         guint         page_size);
void           qd_item_list_set_twins   (QdItemList   *self,
                                         QdItemSource *twins,
                                         QdFolder      folder);
QdQuery       *qd_item_list_get_query   (QdItemList   *self);
void           qd_item_list_set_query   (QdItemList   *self,
                                         QdQuery      *query);
void           qd_item_list_refresh     (QdItemList   *self);
gboolean       qd_item_list_get_loading (QdItemList   *self);
gboolean       qd_item_list_get_complete (QdItemList  *self);
gint64         qd_item_list_get_total   (QdItemList   *self);
guint          qd_item_list_get_n_loaded (QdItemList  *self);
gboolean       qd_item_list_is_loaded   (QdItemList   *self,
                                         guint         position);
const GError  *qd_item_list_get_error   (QdItemList   *self);

/* Whether the row at @position must stay loaded (it is selected, say). */
typedef gboolean (*QdItemListKeepFunc) (guint    position,
                                        gpointer user_data);

void           qd_item_list_set_keep_func (QdItemList         *self,
                                           QdItemListKeepFunc  func,
                                           gpointer            user_data,
                                           GDestroyNotify      destroy);
void           qd_item_list_set_max_loaded (QdItemList  *self,
                                            guint        max_loaded);
guint          qd_item_list_remove_ids  (QdItemList   *self,
                                         const char * const *ids);
GStrv          qd_item_list_dup_twin_ids (QdItemList  *self,
                                          const char * const *ids);
void           qd_item_list_fetch_new_async  (QdItemList          *self,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
GPtrArray     *qd_item_list_fetch_new_finish (QdItemList          *self,
                                              GAsyncResult        *result,
                                              GError             **error);

G_END_DECLS
