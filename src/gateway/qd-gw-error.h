/* qd-gw-error.h — the Gateway API's error codes and their HTTP statuses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define QD_GW_ERROR (qd_gw_error_quark ())

/* Keep in step with the error table of docs/gateway-api.md. */
typedef enum
{
  QD_GW_ERROR_BAD_REQUEST,
  QD_GW_ERROR_INVALID_PARAMETER,
  QD_GW_ERROR_INVALID_CURSOR,
  QD_GW_ERROR_BATCH_TOO_LARGE,
  QD_GW_ERROR_UNAUTHORIZED,
  QD_GW_ERROR_SESSION_EXPIRED,
  QD_GW_ERROR_AUTH_FAILED,
  QD_GW_ERROR_NOT_FOUND,
  QD_GW_ERROR_METHOD_NOT_ALLOWED,
  QD_GW_ERROR_LIST_FULL,
  QD_GW_ERROR_PAYLOAD_TOO_LARGE,
  QD_GW_ERROR_UNSUPPORTED_MEDIA_TYPE,
  QD_GW_ERROR_RATE_LIMITED,
  QD_GW_ERROR_INTERNAL,
  QD_GW_ERROR_CLASSIFIER_UNAVAILABLE,
  /* per-id results of actions */
  QD_GW_ERROR_NOT_ALLOWED,
  QD_GW_ERROR_GONE_FROM_JUNK,
  QD_GW_ERROR_DELIVERY_FAILED,
} QdGwErrorCode;

GQuark      qd_gw_error_quark       (void);
const char *qd_gw_error_code_string (QdGwErrorCode code);
guint       qd_gw_error_http_status (QdGwErrorCode code);

G_END_DECLS
