/* test-types.c — the API vocabulary round-trips through its strings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "qd-core.h"

static void
test_folder (void)
{
  QdFolder folder;

  g_assert_cmpstr (qd_folder_to_string (QD_FOLDER_QUARANTINE), ==, "quarantine");
  g_assert_cmpstr (qd_folder_to_string (QD_FOLDER_JUNK), ==, "junk");
  g_assert_true (qd_folder_from_string ("junk", &folder));
  g_assert_cmpint (folder, ==, QD_FOLDER_JUNK);
  g_assert_false (qd_folder_from_string ("inbox", &folder));
  g_assert_false (qd_folder_from_string (NULL, &folder));
}

static void
test_reason (void)
{
  const char *names[] = { "graymail", "spam", "phishing", "malware", "policy" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      QdReason reason;

      g_assert_true (qd_reason_from_string (names[i], &reason));
      g_assert_cmpstr (qd_reason_to_string (reason), ==, names[i]);
      g_assert_nonnull (qd_reason_get_label (reason));
    }
  {
    QdReason reason;

    g_assert_false (qd_reason_from_string ("Spam", &reason));
    g_assert_false (qd_reason_from_string ("", &reason));
  }
}

static void
test_category (void)
{
  QdCategory category = QD_CATEGORY_BULK;

  /* No category is null in the API, never the string "none". */
  g_assert_null (qd_category_to_string (QD_CATEGORY_NONE));
  g_assert_true (qd_category_from_string (NULL, &category));
  g_assert_cmpint (category, ==, QD_CATEGORY_NONE);
  g_assert_false (qd_category_from_string ("none", &category));
  g_assert_true (qd_category_from_string ("social", &category));
  g_assert_cmpint (category, ==, QD_CATEGORY_SOCIAL);
  g_assert_cmpstr (qd_category_to_string (QD_CATEGORY_MARKETING), ==, "marketing");
  g_assert_cmpstr (qd_category_to_string (QD_CATEGORY_FORUM), ==, "forum");
}

static void
test_actions (void)
{
  const char *names[] = { "release", "request-release", "move-to-inbox", "delete",
                          "block-sender", "approve-sender" };
  QdActions seen = 0;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      QdActions action;

      g_assert_true (qd_action_from_string (names[i], &action));
      g_assert_cmpstr (qd_action_to_string (action), ==, names[i]);
      g_assert_cmpint (seen & action, ==, 0);
      seen |= action;
    }
  /* A combination has no single name. */
  g_assert_null (qd_action_to_string (QD_ACTION_RELEASE | QD_ACTION_DELETE));
  {
    QdActions action;

    g_assert_false (qd_action_from_string ("none", &action));
    g_assert_false (qd_action_from_string ("move_to_inbox", &action));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/types/folder", test_folder);
  g_test_add_func ("/types/reason", test_reason);
  g_test_add_func ("/types/category", test_category);
  g_test_add_func ("/types/actions", test_actions);

  return g_test_run ();
}
