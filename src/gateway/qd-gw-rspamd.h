/* qd-gw-rspamd.h — asking rspamd's /checkv2 what it thinks of a message
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "qd-types.h"

G_BEGIN_DECLS

typedef struct
{
  char      *action;    /* "reject", "add header", "no action", ... */
  double     score;
  double     required_score;
  GPtrArray *symbols;   /* QdVerdictRule, highest score first */
} QdGwCheck;

void qd_gw_check_free (QdGwCheck *check);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdGwCheck, qd_gw_check_free)

#define QD_TYPE_GW_RSPAMD (qd_gw_rspamd_get_type ())

G_DECLARE_FINAL_TYPE (QdGwRspamd, qd_gw_rspamd, QD, GW_RSPAMD, GObject)

QdGwRspamd *qd_gw_rspamd_new           (const char          *base_url);
void        qd_gw_rspamd_check_async   (QdGwRspamd          *self,
                                        GBytes              *message,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
QdGwCheck  *qd_gw_rspamd_check_finish  (QdGwRspamd          *self,
                                        GAsyncResult        *result,
                                        GError             **error);

QdGwCheck  *qd_gw_check_parse          (const char          *json,
                                        gssize               length,
                                        GError             **error);

G_END_DECLS
