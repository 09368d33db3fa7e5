/* qd-sign-in-page.h — gateway address, user name and password
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "qd-core.h"
#include "qd-session-page.h"

G_BEGIN_DECLS

#define QD_TYPE_SIGN_IN_PAGE (qd_sign_in_page_get_type ())

G_DECLARE_FINAL_TYPE (QdSignInPage, qd_sign_in_page, QD, SIGN_IN_PAGE, QdSessionPage)

void qd_sign_in_page_restore        (QdSignInPage *self);
void qd_sign_in_page_restore_failed (QdSignInPage *self,
                                     const GError *error);

G_END_DECLS
