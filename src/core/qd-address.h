/* qd-address.h — mail addresses shown so that look-alikes show
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *qd_address_for_display (const char *address);

G_END_DECLS
