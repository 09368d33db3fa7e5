/* qd-pmg-client-private.h — what the tests of QdPmgClient may do that callers may not
 *
 * The simulator's clock cannot be moved from another process, so the
 * tests age or spoil the client's session instead, to reach the renewal
 * after an hour and the one after a refused ticket or token.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qd-pmg-client.h"

G_BEGIN_DECLS

void qd_pmg_client_age_session   (QdPmgClient *self,
                                  guint        seconds);
void qd_pmg_client_spoil_session (QdPmgClient *self,
                                  gboolean     ticket,
                                  gboolean     csrf);

G_END_DECLS
