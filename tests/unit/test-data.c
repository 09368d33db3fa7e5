/* test-data.c — the data files of the unit tests (tests/unit/data)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "test-data.h"

/* The contents of data/NAME, NUL-terminated; LENGTH may be NULL. */
char *
test_data_read (const char *name,
                gsize      *length)
{
  g_autofree char *path = g_build_filename (TEST_DATA_DIR, name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);
  return contents;
}
