/* test-data.h — the data files of the unit tests (tests/unit/data)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *test_data_read (const char *name,
                      gsize      *length);

G_END_DECLS
