/* test-json.c — qd-json's writers, read back by its readers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "qd-core.h"

/* The writers write what the readers read back; what is unknown is null. */
static void
test_json_writers (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GDateTime) utc = g_date_time_new_utc (2026, 6, 7, 10, 12, 44);
  g_autoptr(GTimeZone) tokyo = g_time_zone_new_identifier ("+09:00");
  g_autoptr(GDateTime) local = g_date_time_new (tokyo, 2026, 6, 7, 19, 12, 44.5);
  g_autoptr(GDateTime) read = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *json = NULL;

  json_builder_begin_object (builder);
  qd_json_builder_add_string (builder, "subject", "Summer sale");
  qd_json_builder_add_string (builder, "from_name", NULL);
  qd_json_builder_add_date_time (builder, "received_at", utc);
  qd_json_builder_add_date_time (builder, "sent_at", local);
  qd_json_builder_add_date_time (builder, "spam_at", NULL);
  json_builder_end_object (builder);
  json = qd_json_to_string (builder, FALSE);
  g_assert_cmpstr (json, ==, "{\"subject\":\"Summer sale\",\"from_name\":null,"
                             "\"received_at\":\"2026-06-07T10:12:44Z\","
                             "\"sent_at\":\"2026-06-07T19:12:44.500000+09\","
                             "\"spam_at\":null}");

  object = qd_json_parse_object (json, -1, NULL);
  g_assert_cmpstr (qd_json_get_string (object, "subject"), ==, "Summer sale");
  g_assert_true (json_object_get_null_member (object, "from_name"));
  read = qd_json_dup_date_time (object, "sent_at");
  g_assert_true (g_date_time_equal (read, local));
  g_assert_null (qd_json_dup_date_time (object, "spam_at"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json/writers", test_json_writers);

  return g_test_run ();
}
