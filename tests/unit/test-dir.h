/* test-dir.h — temporary directories of the unit tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void test_dir_remove (const char *path);

G_END_DECLS
