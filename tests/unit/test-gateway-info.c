/* test-gateway-info.c — the gateway's /info answer and its limits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "qd-core.h"

/* Found by fuzzing: /info's counts were narrowed to guint before they were
 * checked, so a negative or huge one passed as another number. */
static void
test_info_limits (void)
{
  const char *answers[] = {
    "{\"api_version\": 4294967297}",
    "{\"api_version\": 1, \"limits\": {\"max_batch_ids\": -1}}",
    "{\"api_version\": 1, \"limits\": {\"max_page_size\": 4294967296}}",
    "{\"api_version\": 1, \"submission\": {\"max_sample_age_days\": 4294967295}}",
  };
  g_autoptr(JsonObject) good = qd_json_parse_object ("{\"api_version\": 1, \"limits\":"
                                                     " {\"max_batch_ids\": 1000}}", -1, NULL);
  g_autoptr(QdGatewayInfo) info = qd_gateway_info_new_from_json (good, NULL);

  g_assert_cmpuint (info->max_batch_ids, ==, 1000);
  g_assert_cmpuint (info->max_sample_age_days, ==, QD_DEFAULT_MAX_SAMPLE_AGE_DAYS);
  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      g_autoptr(JsonObject) object = qd_json_parse_object (answers[i], -1, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(QdGatewayInfo) refused = qd_gateway_info_new_from_json (object, &error);

      g_assert_null (refused);
      g_assert_error (error, QD_ERROR, QD_ERROR_BAD_RESPONSE);
    }
}

/* Junk is offered only where the gateway keeps it: a mail system's
 * quarantine lists "quarantine" alone; a gateway that says nothing has both. */
static void
test_info_folders (void)
{
  static const struct { const char *json; gboolean has_junk; } cases[] = {
    { "{\"api_version\": 1}", TRUE },
    { "{\"api_version\": 1, \"folders\": [\"quarantine\", \"junk\"]}", TRUE },
    { "{\"api_version\": 1, \"folders\": [\"quarantine\"]}", FALSE },
    { "{\"api_version\": 1, \"folders\": []}", FALSE },
    { "{\"api_version\": 1, \"folders\": [1, null, {\"junk\": 1}]}", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) object = qd_json_parse_object (cases[i].json, -1, NULL);
      g_autoptr(QdGatewayInfo) info = qd_gateway_info_new_from_json (object, NULL);

      g_assert_nonnull (info);
      g_assert_cmpint (info->has_junk, ==, cases[i].has_junk);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gateway-info/folders", test_info_folders);
  g_test_add_func ("/gateway-info/limits", test_info_limits);

  return g_test_run ();
}
