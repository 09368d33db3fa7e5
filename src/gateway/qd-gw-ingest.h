/* qd-gw-ingest.h — reading rspamd's metadata_exporter request (X-Rspamd-* headers)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "qd-types.h"

G_BEGIN_DECLS

/* What one POST /rspamd/ingest says about the message in its body. */
typedef struct
{
  char       *queue_id;         /* Postfix's queue id: never NULL, never "unknown" */
  char       *action;           /* rspamd's action, or NULL */
  double      score;
  char       *envelope_sender;  /* "" for the null sender <> */
  GPtrArray  *recipients;       /* (element-type utf8): lower case, each once */
  GPtrArray  *rules;            /* (element-type QdVerdictRule): score > 0, highest first */
  QdReason    reason;
  QdCategory  category;         /* QD_CATEGORY_NONE unless graymail */
} QdGwIngestRequest;

void               qd_gw_ingest_request_free  (QdGwIngestRequest   *request);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdGwIngestRequest, qd_gw_ingest_request_free)

QdGwIngestRequest *qd_gw_ingest_request_parse (SoupMessageHeaders  *headers,
                                               GError             **error);

char              *qd_gw_ingest_address_without_detail (const char *address);

void               qd_gw_ingest_classify      (GPtrArray           *symbols,
                                               QdReason            *reason,
                                               QdCategory          *category);

G_END_DECLS
