/* qd-batch-run.h — a batch action's way through its ids: batches, cancelling, one outcome each
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "qd-batch-result.h"
#include "qd-item-source.h"

G_BEGIN_DECLS

typedef struct
{
  GStrv           ids;           /* each once, in the order given */
  guint           n_ids;
  guint           next;          /* the first id without an outcome */
  QdProgressFunc  progress;
  gpointer        progress_data;
  QdBatchResult  *result;
} QdBatchRun;

QdBatchRun *qd_batch_run_new             (const char * const *ids,
                                          QdProgressFunc      progress,
                                          gpointer            progress_data);
void        qd_batch_run_free            (QdBatchRun         *run);
void        qd_batch_run_advance         (QdBatchRun         *run,
                                          guint               n);
void        qd_batch_run_not_attempted   (QdBatchRun         *run,
                                          guint               n,
                                          const char         *why);
gboolean    qd_batch_run_return_if_over  (QdBatchRun         *run,
                                          GTask              *task,
                                          const char         *cancelled);
void        qd_batch_run_return          (QdBatchRun         *run,
                                          GTask              *task);
void        qd_batch_run_stop            (QdBatchRun         *run,
                                          GTask              *task,
                                          GError             *error);
void        qd_batch_run_give_up         (QdBatchRun         *run,
                                          GTask              *task,
                                          guint               in_flight,
                                          gboolean            maybe_done,
                                          GError             *error);
char       *qd_batch_run_unconfirmed     (const GError       *error);

G_END_DECLS
