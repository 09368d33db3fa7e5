/* test-item-page.c — a page of held messages from the gateway's JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "qd-core.h"
#include "test-data.h"

static void
test_page (void)
{
  /* A held message as the gateway lists it, as in test-item.c. */
  g_autofree char *item_json = test_data_read ("item.json", NULL);
  g_autofree char *json = g_strdup_printf ("{\"items\": [%s], \"next_cursor\": \"abc\","
                                           " \"total\": 1342}", item_json);
  g_autoptr(GError) error = NULL;
  g_autoptr(QdItemPage) page = qd_item_page_new_from_json (json, strlen (json), "gw.example",
                                                           &error);

  g_assert_no_error (error);
  g_assert_cmpuint (page->items->len, ==, 1);
  g_assert_cmpstr (qd_item_get_id (g_ptr_array_index (page->items, 0)), ==, "1042");
  g_assert_cmpstr (page->next_cursor, ==, "abc");
  g_assert_cmpint (page->total, ==, 1342);
}

static void
test_bad_pages (void)
{
  /* Not a page at all: the host is named; a bad item: the field is. */
  const struct {
    const char *json;
    const char *said;
  } cases[] = {
    { "", "gw.example" },
    { "[]", "gw.example" },
    { "{\"items\": {}}", "gw.example" },
    { "{\"items\": [1]}", "gw.example" },
    { "{\"items\": [{\"id\": \"\"}]}", "“id”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(QdItemPage) page = qd_item_page_new_from_json (cases[i].json,
                                                               strlen (cases[i].json),
                                                               "gw.example", &error);

      g_assert_null (page);
      g_assert_error (error, QD_ERROR, QD_ERROR_BAD_RESPONSE);
      g_assert_nonnull (strstr (error->message, cases[i].said));
    }
}

/* Found by fuzzing: an empty body arrives as an empty GBytes whose data is
 * NULL, which json-glib refused with a critical (fatal here). */
static void
test_empty_page (void)
{
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(QdItemPage) page = qd_item_page_new_from_json (g_bytes_get_data (empty, NULL), 0,
                                                           "gw.example", &error);

  g_assert_null (g_bytes_get_data (empty, NULL));
  g_assert_null (page);
  g_assert_error (error, QD_ERROR, QD_ERROR_BAD_RESPONSE);
  g_assert_null (qd_json_parse_object (NULL, 0, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/item-page/page", test_page);
  g_test_add_func ("/item-page/bad-pages", test_bad_pages);
  g_test_add_func ("/item-page/empty", test_empty_page);

  return g_test_run ();
}
