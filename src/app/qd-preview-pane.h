/* qd-preview-pane.h — a held message as safe text: headers, body, attachments
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "qd-core.h"

G_BEGIN_DECLS

#define QD_TYPE_PREVIEW_PANE (qd_preview_pane_get_type ())

G_DECLARE_FINAL_TYPE (QdPreviewPane, qd_preview_pane, QD, PREVIEW_PANE, AdwBin)

void     qd_preview_pane_show   (QdPreviewPane *self,
                                 QdItemSource  *source,
                                 QdItem        *item);
QdItem  *qd_preview_pane_get_item (QdPreviewPane *self);
void     qd_preview_pane_set_n_selected (QdPreviewPane *self,
                                         guint          n_selected);

G_END_DECLS
