/* qd-filter-bar.h — search, reason and category toggles, and a time range
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "qd-core.h"

G_BEGIN_DECLS

#define QD_TYPE_FILTER_BAR (qd_filter_bar_get_type ())

G_DECLARE_FINAL_TYPE (QdFilterBar, qd_filter_bar, QD, FILTER_BAR, GtkWidget)

void      qd_filter_bar_apply       (QdFilterBar *self,
                                     QdQuery     *query);
void      qd_filter_bar_set_features (QdFilterBar      *self,
                                      QdSourceFeatures  features);
gboolean  qd_filter_bar_is_filtered (QdFilterBar *self);
void      qd_filter_bar_clear       (QdFilterBar *self);
void      qd_filter_bar_focus_search (QdFilterBar *self);
void      qd_filter_bar_set_search  (QdFilterBar *self,
                                     const char  *text);
void      qd_filter_bar_set_range   (QdFilterBar *self,
                                     GDateTime   *since,
                                     GDateTime   *until);

G_END_DECLS
