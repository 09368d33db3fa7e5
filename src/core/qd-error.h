/* qd-error.h — the one error domain of Quarantine Desk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define QD_ERROR (qd_error_quark ())

/* Every message carried by a QD_ERROR says what happened and what the
 * person can do about it; it is shown as it is. */
typedef enum
{
  QD_ERROR_NETWORK,          /* gateway unreachable, connection lost, time-out */
  QD_ERROR_TLS,              /* certificate refused, handshake failed */
  QD_ERROR_INSECURE_URL,     /* plain http to a host that is not loopback */
  QD_ERROR_AUTH_FAILED,      /* wrong user name or password */
  QD_ERROR_SESSION_EXPIRED,  /* token expired and could not be renewed */
  QD_ERROR_NOT_SIGNED_IN,    /* no gateway or user configured */
  QD_ERROR_NOT_FOUND,        /* the item or sender does not exist (any more) */
  QD_ERROR_RATE_LIMITED,     /* throttled: try again later */
  QD_ERROR_GATEWAY,          /* the gateway answered with an error of its own */
  QD_ERROR_BAD_RESPONSE,     /* the gateway's answer could not be understood */
  QD_ERROR_INVALID_INPUT,    /* the request was refused as malformed */
  QD_ERROR_UNAVAILABLE,      /* a service behind the gateway is down */
  QD_ERROR_SMTP,             /* the SMTP server refused for good (5xx) */
  QD_ERROR_STORAGE,          /* the local store cannot be read or written */
} QdErrorCode;

GQuark qd_error_quark (void);

G_END_DECLS
