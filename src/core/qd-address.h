/* qd-address.h — mail addresses shown so that look-alikes show; hosts that are this computer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     *qd_address_for_display (const char *address);
gboolean  qd_address_is_loopback  (const char *host);
char     *qd_address_join_host_port (const char *host,
                                    guint16     port);

G_END_DECLS
