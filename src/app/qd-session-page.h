/* qd-session-page.h — base of the window's pages that follow the session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "qd-core.h"

G_BEGIN_DECLS

#define QD_TYPE_SESSION_PAGE (qd_session_page_get_type ())

G_DECLARE_DERIVABLE_TYPE (QdSessionPage, qd_session_page, QD, SESSION_PAGE, AdwBin)

struct _QdSessionPageClass
{
  AdwBinClass parent_class;

  /* Called as the session's signed-in property changes, not at
   * construction: a page built signed in loads in its own constructed. */
  void (*signed_in)  (QdSessionPage *self);
  void (*signed_out) (QdSessionPage *self);
};

QdSession *qd_session_page_get_session  (QdSessionPage *self);
GSettings *qd_session_page_get_settings (QdSessionPage *self);

G_END_DECLS
