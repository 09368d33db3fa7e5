/* qd-api-error.h — the gateway's error answers as errors a person understands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

GError *qd_api_error_new_bad_response (const char *host);
GError *qd_api_error_new_from_answer  (guint       status,
                                       GBytes     *body,
                                       const char *retry_after,
                                       const char *base_url);

G_END_DECLS
