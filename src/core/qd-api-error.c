/* qd-api-error.c — pure functions, so the fuzzer reaches them without HTTP
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "qd-api-error.h"
#include "qd-error.h"
#include "qd-json.h"

/**
 * qd_api_error_new_bad_response:
 * @host: the gateway's host name, as the person typed it
 *
 * An answer that is not what the API says it is.
 */
GError *
qd_api_error_new_bad_response (const char *host)
{
  return g_error_new (QD_ERROR, QD_ERROR_BAD_RESPONSE,
                      _("The answer from %s could not be understood. Check that the address "
                        "is your gateway’s, or tell your administrator."),
                      host);
}

/**
 * qd_api_error_new_from_answer:
 * @status: the HTTP status, not a successful one
 * @body: (nullable): the answer, `{"error": {"code": …}}` or anything else
 * @retry_after: (nullable): the Retry-After header
 * @base_url: the gateway's address, for an answer that is not the API's
 *
 * Our own words for the gateway's error, chosen by status and code: the
 * gateway's message is English prose for logs (docs/gateway-api.md).
 */
GError *
qd_api_error_new_from_answer (guint       status,
                              GBytes     *body,
                              const char *retry_after,
                              const char *base_url)
{
  g_autoptr(JsonObject) root = NULL;
  JsonObject *err = NULL;
  const char *code = NULL;

  if (body != NULL)
    root = qd_json_parse_object (g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL);
  if (root != NULL && (err = qd_json_get_object (root, "error")) != NULL)
    code = qd_json_get_string (err, "code");

  if (status == 401 && g_strcmp0 (code, "auth_failed") == 0)
    return g_error_new_literal (QD_ERROR, QD_ERROR_AUTH_FAILED,
                                _("The user name or password is wrong. Check them and try "
                                  "again."));
  if (status == 401)
    return g_error_new_literal (QD_ERROR, QD_ERROR_SESSION_EXPIRED,
                                _("Your session with the gateway has ended. Sign in again."));
  if (status == 429)
    {
      gint64 seconds = err != NULL ? qd_json_get_int (err, "retry_after", 0) : 0;

      if (seconds <= 0 && retry_after != NULL)
        seconds = g_ascii_strtoll (retry_after, NULL, 10);
      /* Found by fuzzing: a huge wait (the header saturates at G_MAXINT64)
       * overflowed when rounded up to minutes; the count must fit an int. */
      seconds = CLAMP (seconds, 60, G_MAXINT);
      return g_error_new (QD_ERROR, QD_ERROR_RATE_LIMITED,
                          g_dngettext (GETTEXT_PACKAGE,
                                       "Too many failed attempts to sign in. Wait %d minute, "
                                       "then try again.",
                                       "Too many failed attempts to sign in. Wait %d minutes, "
                                       "then try again.",
                                       (gulong)((seconds + 59) / 60)),
                          (int)((seconds + 59) / 60));
    }
  if (status == 404 && code == NULL)
    return g_error_new (QD_ERROR, QD_ERROR_BAD_RESPONSE,
                        _("%s does not answer like a mail gateway. Check the gateway "
                          "address."),
                        base_url);
  if (status == 404)
    return g_error_new_literal (QD_ERROR, QD_ERROR_NOT_FOUND,
                                _("The message is no longer on the gateway: it may have been "
                                  "released, deleted or expired. Refresh the list."));
  if (status == 409 && g_strcmp0 (code, "list_full") == 0)
    return g_error_new_literal (QD_ERROR, QD_ERROR_GATEWAY,
                                _("The gateway’s list of senders is full. Remove senders you "
                                  "no longer need from it, then try again."));
  if (status == 413)
    return g_error_new_literal (QD_ERROR, QD_ERROR_INVALID_INPUT,
                                _("The gateway refused the request because it is too large."));
  if (status == 503 && g_strcmp0 (code, "classifier_unavailable") == 0)
    return g_error_new_literal (QD_ERROR, QD_ERROR_UNAVAILABLE,
                                _("The gateway’s spam classifier is not available right now. "
                                  "Try again later."));
  if (status >= 400 && status < 500)
    return g_error_new (QD_ERROR, QD_ERROR_INVALID_INPUT,
                        _("The gateway refused the request (%s). Update Quarantine Desk or "
                          "tell your administrator."),
                        code != NULL ? code : soup_status_get_phrase (status));
  return g_error_new (QD_ERROR, QD_ERROR_GATEWAY,
                      _("The gateway had a problem (HTTP %u). Try again later; if it keeps "
                        "happening, tell your administrator."),
                      status);
}
