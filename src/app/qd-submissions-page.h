/* qd-submissions-page.h — the samples reported, newest first, with their status
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "qd-core.h"

G_BEGIN_DECLS

#define QD_TYPE_SUBMISSIONS_PAGE (qd_submissions_page_get_type ())

G_DECLARE_FINAL_TYPE (QdSubmissionsPage, qd_submissions_page, QD, SUBMISSIONS_PAGE, AdwBin)

void qd_submissions_page_set_follow_up (QdSubmissionsPage *self,
                                        QdFollowUp        *follow_up);
void qd_submissions_page_reload        (QdSubmissionsPage *self);
void qd_submissions_page_show_sample   (QdSubmissionsPage *self,
                                        const char        *sha256);

G_END_DECLS
