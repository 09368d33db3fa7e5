/* qd-gateway-info.h — what GET /info says about a gateway and its rules
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The rules that apply when no gateway has said otherwise (seed 002). */
#define QD_DEFAULT_MAX_MESSAGE_BYTES   2000000
#define QD_DEFAULT_MAX_SAMPLE_AGE_DAYS 5
#define QD_DEFAULT_MAX_BATCH_IDS       100

typedef struct
{
  gatomicrefcount ref_count;

  int     api_version;
  char   *gateway_name;
  char   *gateway_version;
  gint64  session_ttl;

  char   *submission_address;
  gint64  max_message_bytes;     /* a submission must be strictly smaller */
  guint   max_sample_age_days;
  char   *smtp_host;             /* NULL: the gateway names no SMTP server */
  guint16 smtp_port;
  char   *smtp_security;         /* "none", "starttls" or "tls" */

  guint   max_batch_ids;
  guint   max_page_size;
  gint64  max_classify_bytes;

  /* The gateway keeps a Junk folder ("folders" lists "junk", or says
   * nothing). A gateway that is the quarantine of a mail system has none:
   * Junk is in the person's mailbox there. */
  gboolean has_junk;
} QdGatewayInfo;

#define QD_TYPE_GATEWAY_INFO (qd_gateway_info_get_type ())

GType          qd_gateway_info_get_type     (void) G_GNUC_CONST;
QdGatewayInfo *qd_gateway_info_new_defaults (void);
QdGatewayInfo *qd_gateway_info_new_from_json (JsonObject  *object,
                                              GError     **error);
QdGatewayInfo *qd_gateway_info_ref          (QdGatewayInfo *self);
void           qd_gateway_info_unref        (QdGatewayInfo *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdGatewayInfo, qd_gateway_info_unref)

G_END_DECLS
