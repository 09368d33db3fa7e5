/* qd-gw-throttle.h — counting failed sign-ins per key in a sliding window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _QdGwThrottle QdGwThrottle;

QdGwThrottle *qd_gw_throttle_new      (guint          max_failures,
                                       gint64         window_seconds);
void          qd_gw_throttle_free     (QdGwThrottle  *self);
gint64        qd_gw_throttle_check    (QdGwThrottle  *self,
                                       const char    *key,
                                       gint64         now);
void          qd_gw_throttle_fail     (QdGwThrottle  *self,
                                       const char    *key,
                                       gint64         now);
void          qd_gw_throttle_clear    (QdGwThrottle  *self,
                                       const char    *key);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdGwThrottle, qd_gw_throttle_free)

G_END_DECLS
