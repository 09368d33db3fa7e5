/* qd-error.c — the quark of Quarantine Desk's one error domain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "qd-error.h"

G_DEFINE_QUARK (qd-error-quark, qd_error)
