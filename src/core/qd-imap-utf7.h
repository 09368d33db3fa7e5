/* qd-imap-utf7.h — IMAP mailbox names in modified UTF-7 (RFC 3501 §5.1.3)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *qd_imap_utf7_encode (const char *utf8);
char *qd_imap_utf7_decode (const char *wire,
                           gsize       length);

G_END_DECLS
