/* qd-batch-result.h — what happened to each id of a batch action
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  char     *id;
  gboolean  ok;
  char     *result;          /* "released", "already_released", ... */
  char     *error_code;      /* "not_found", "not_allowed", ... */
  char     *error_message;   /* translated, for people */
} QdOutcome;

typedef struct
{
  gatomicrefcount  ref_count;
  guint            succeeded;
  guint            failed;
  guint            not_attempted;  /* cancelled or stopped before these ids were sent */
  GPtrArray       *outcomes;       /* QdOutcome, in the order the ids were given */
} QdBatchResult;

#define QD_TYPE_BATCH_RESULT (qd_batch_result_get_type ())

GType          qd_batch_result_get_type (void) G_GNUC_CONST;
QdBatchResult *qd_batch_result_new      (void);
QdBatchResult *qd_batch_result_ref      (QdBatchResult *self);
void           qd_batch_result_unref    (QdBatchResult *self);
gboolean       qd_batch_result_add_json (QdBatchResult *self,
                                         JsonObject    *answer,
                                         GError       **error);
void           qd_batch_result_add      (QdBatchResult *self,
                                         const char    *id,
                                         gboolean       ok,
                                         const char    *result,
                                         const char    *error_code,
                                         const char    *error_message);
void           qd_batch_result_add_not_attempted (QdBatchResult      *self,
                                                  const char * const *ids,
                                                  guint               n_ids,
                                                  const char         *why);
const char    *qd_outcome_error_text    (const char    *code);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdBatchResult, qd_batch_result_unref)

G_END_DECLS
