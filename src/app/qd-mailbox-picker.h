/* qd-mailbox-picker.h — a dialog to pick recent messages of the Inbox to report as spam
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "qd-core.h"

G_BEGIN_DECLS

#define QD_TYPE_MAILBOX_PICKER (qd_mailbox_picker_get_type ())

G_DECLARE_FINAL_TYPE (QdMailboxPicker, qd_mailbox_picker, QD, MAILBOX_PICKER, AdwWindow)

QdMailboxPicker *qd_mailbox_picker_new (GtkWindow    *parent,
                                        QdItemSource *inbox,
                                        guint         max_age_days,
                                        gboolean      can_move_to_junk);

G_END_DECLS
