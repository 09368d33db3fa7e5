/* qd-gw-error.c — the Gateway API's error codes and the HTTP status of each
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "qd-gw-error.h"

G_DEFINE_QUARK (qd-gw-error-quark, qd_gw_error)

static const struct {
  const char *code;
  guint       status;
} errors[] = {
  [QD_GW_ERROR_BAD_REQUEST] = { "bad_request", 400 },
  [QD_GW_ERROR_INVALID_PARAMETER] = { "invalid_parameter", 400 },
  [QD_GW_ERROR_INVALID_CURSOR] = { "invalid_cursor", 400 },
  [QD_GW_ERROR_BATCH_TOO_LARGE] = { "batch_too_large", 400 },
  [QD_GW_ERROR_UNAUTHORIZED] = { "unauthorized", 401 },
  [QD_GW_ERROR_SESSION_EXPIRED] = { "session_expired", 401 },
  [QD_GW_ERROR_AUTH_FAILED] = { "auth_failed", 401 },
  [QD_GW_ERROR_NOT_FOUND] = { "not_found", 404 },
  [QD_GW_ERROR_METHOD_NOT_ALLOWED] = { "method_not_allowed", 405 },
  [QD_GW_ERROR_LIST_FULL] = { "list_full", 409 },
  [QD_GW_ERROR_PAYLOAD_TOO_LARGE] = { "payload_too_large", 413 },
  [QD_GW_ERROR_UNSUPPORTED_MEDIA_TYPE] = { "unsupported_media_type", 415 },
  [QD_GW_ERROR_RATE_LIMITED] = { "rate_limited", 429 },
  [QD_GW_ERROR_INTERNAL] = { "internal", 500 },
  [QD_GW_ERROR_CLASSIFIER_UNAVAILABLE] = { "classifier_unavailable", 503 },
  [QD_GW_ERROR_NOT_ALLOWED] = { "not_allowed", 403 },
  [QD_GW_ERROR_GONE_FROM_JUNK] = { "gone_from_junk", 409 },
  [QD_GW_ERROR_DELIVERY_FAILED] = { "delivery_failed", 500 },
};

const char *
qd_gw_error_code_string (QdGwErrorCode code)
{
  g_return_val_if_fail (code < G_N_ELEMENTS (errors), "internal");
  return errors[code].code;
}

guint
qd_gw_error_http_status (QdGwErrorCode code)
{
  g_return_val_if_fail (code < G_N_ELEMENTS (errors), 500);
  return errors[code].status;
}
