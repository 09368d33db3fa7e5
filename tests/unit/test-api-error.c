/* test-api-error.c — the gateway's error answers as QD_ERROR errors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "qd-core.h"

static GError *
answer_error (guint       status,
              const char *body,
              const char *retry_after)
{
  g_autoptr(GBytes) bytes = body != NULL ? g_bytes_new_static (body, strlen (body)) : NULL;

  return qd_api_error_new_from_answer (status, bytes, retry_after, "https://gw.example");
}

static void
test_error_answers (void)
{
  const struct {
    guint        status;
    const char  *body;
    int          code;
  } cases[] = {
    { 401, "{\"error\": {\"code\": \"auth_failed\"}}", QD_ERROR_AUTH_FAILED },
    { 401, "{\"error\": {\"code\": \"session_expired\"}}", QD_ERROR_SESSION_EXPIRED },
    { 404, "<html>Not Found</html>", QD_ERROR_BAD_RESPONSE },
    { 404, "{\"error\": {\"code\": \"not_found\"}}", QD_ERROR_NOT_FOUND },
    { 413, NULL, QD_ERROR_INVALID_INPUT },
    { 503, "{\"error\": {\"code\": \"classifier_unavailable\"}}", QD_ERROR_UNAVAILABLE },
    { 400, "{\"error\": {\"code\": \"invalid_cursor\"}}", QD_ERROR_INVALID_INPUT },
    { 400, "{\"error\": {\"code\": \"invalid_parameter\"}}", QD_ERROR_INVALID_INPUT },
    { 409, "{\"error\": {\"code\": \"list_full\"}}", QD_ERROR_GATEWAY },
    { 500, "{\"error\": {\"code\": \"internal\"}}", QD_ERROR_GATEWAY },
  };
  g_autoptr(GError) limited = NULL;
  g_autoptr(GError) header = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = answer_error (cases[i].status, cases[i].body, NULL);

      g_assert_error (error, QD_ERROR, cases[i].code);
    }

  limited = answer_error (429, "{\"error\": {\"code\": \"rate_limited\","
                               " \"retry_after\": 150}}", NULL);
  g_assert_error (limited, QD_ERROR, QD_ERROR_RATE_LIMITED);
  g_assert_nonnull (strstr (limited->message, "Wait 3 minutes"));
  header = answer_error (429, NULL, "30");
  g_assert_nonnull (strstr (header->message, "Wait 1 minute,"));
}

/* Found by fuzzing: a huge Retry-After overflowed when rounded up to minutes
 * (undefined behaviour), and so did a retry_after too large for an integer. */
static void
test_huge_retry_after (void)
{
  g_autoptr(GError) header = answer_error (429, NULL, "99999999999999999999");
  g_autoptr(GError) huge = answer_error (429, "{\"error\": {\"retry_after\": 1e300}}", NULL);

  g_assert_error (header, QD_ERROR, QD_ERROR_RATE_LIMITED);
  g_assert_nonnull (strstr (header->message, "Wait 35791395 minutes"));
  g_assert_nonnull (strstr (huge->message, "Wait 1 minute,"));
}

/* Found by fuzzing: an empty body arrives as an empty GBytes whose data is
 * NULL, which json-glib refused with a critical (fatal here). */
static void
test_empty_answer (void)
{
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GError) answer = qd_api_error_new_from_answer (502, empty, NULL, "https://gw.example");

  g_assert_null (g_bytes_get_data (empty, NULL));
  g_assert_error (answer, QD_ERROR, QD_ERROR_GATEWAY);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/api-error/answers", test_error_answers);
  g_test_add_func ("/api-error/huge-retry-after", test_huge_retry_after);
  g_test_add_func ("/api-error/empty-answer", test_empty_answer);

  return g_test_run ();
}
