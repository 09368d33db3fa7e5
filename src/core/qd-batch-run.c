/* qd-batch-run.c — a batch action's way through its ids: batches, cancelling, one outcome each
 *
 * Every source acts on many ids a batch at a time, so that progress shows
 * and cancelling stops between batches, never inside one: each id ends
 * done, failed, or not attempted, and nothing is half-known.  How a batch
 * is sent and read is the source's; the way through the ids is this.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-batch-run.h"

/* @ids: duplicates are run, and reported, once */
QdBatchRun *
qd_batch_run_new (const char * const *ids,
                  QdProgressFunc      progress,
                  gpointer            progress_data)
{
  QdBatchRun *run = g_new0 (QdBatchRun, 1);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    if (g_hash_table_add (seen, (gpointer)ids[i]))
      g_strv_builder_add (builder, ids[i]);
  run->ids = g_strv_builder_end (builder);
  run->n_ids = g_strv_length (run->ids);
  run->progress = progress;
  run->progress_data = progress_data;
  run->result = qd_batch_result_new ();
  return run;
}

void
qd_batch_run_free (QdBatchRun *run)
{
  g_strfreev (run->ids);
  qd_batch_result_unref (run->result);
  g_free (run);
}

/* The next @n ids have their outcomes: the progress is told. */
void
qd_batch_run_advance (QdBatchRun *run,
                      guint       n)
{
  run->next += n;
  if (run->progress != NULL)
    run->progress (run->next, run->n_ids, run->progress_data);
}

/* The next @n ids (G_MAXUINT: all that are left) were not attempted, for @why. */
void
qd_batch_run_not_attempted (QdBatchRun *run,
                            guint       n,
                            const char *why)
{
  n = MIN (n, run->n_ids - run->next);
  qd_batch_result_add_not_attempted (run->result, (const char * const *)run->ids + run->next, n,
                                     why);
  run->next += n;
}

/* Returns the result, which @task takes with the reference it holds. */
void
qd_batch_run_return (QdBatchRun *run,
                     GTask      *task)
{
  g_task_return_pointer (task, qd_batch_result_ref (run->result),
                         (GDestroyNotify)qd_batch_result_unref);
  g_object_unref (task);
}

/**
 * qd_batch_run_return_if_over:
 * @task: the action's task, whose reference is taken when it returns
 * @cancelled: (nullable): why the ids left are not attempted when the
 *   task's cancellable was cancelled; %NULL says they were stopped before
 *
 * For the start of each batch: returns the result, and %TRUE, when every
 * id has its outcome or the action was cancelled.
 */
gboolean
qd_batch_run_return_if_over (QdBatchRun *run,
                             GTask      *task,
                             const char *cancelled)
{
  if (run->next < run->n_ids && g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    qd_batch_run_not_attempted (run, G_MAXUINT,
                                cancelled != NULL ? cancelled
                                : _("Not attempted: stopped before this message."));
  if (run->next < run->n_ids)
    return FALSE;
  qd_batch_run_return (run, task);
  return TRUE;
}

/* The action ends before its end: the result, or @error (which it takes)
 * when not one id was done or failed, since then the call failed as a
 * whole. */
static void
return_stopped (QdBatchRun *run,
                GTask      *task,
                GError     *error)
{
  if (run->result->succeeded + run->result->failed == 0)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  g_error_free (error);
  qd_batch_run_return (run, task);
}

/**
 * qd_batch_run_stop:
 * @error: (transfer full): why the ids left are not attempted
 *
 * Stops the action here: the ids left are not attempted.
 */
void
qd_batch_run_stop (QdBatchRun *run,
                   GTask      *task,
                   GError     *error)
{
  qd_batch_run_not_attempted (run, G_MAXUINT, error->message);
  return_stopped (run, task, error);
}

/**
 * qd_batch_run_give_up:
 * @in_flight: how many ids the batch that failed had
 * @maybe_done: whether it may have been carried out, in part or whole
 * @error: (transfer full): why it failed
 *
 * Nothing more can be known of the batch in flight: its ids are not
 * confirmed (or not attempted, when nothing was done), the rest are not
 * attempted, and the action stops.
 */
void
qd_batch_run_give_up (QdBatchRun *run,
                      GTask      *task,
                      guint       in_flight,
                      gboolean    maybe_done,
                      GError     *error)
{
  g_autofree char *why = maybe_done ? qd_batch_run_unconfirmed (error) : NULL;

  qd_batch_run_not_attempted (run, in_flight, why != NULL ? why : error->message);
  qd_batch_run_not_attempted (run, G_MAXUINT,
                              _("Not attempted, because the gateway stopped answering."));
  return_stopped (run, task, error);
}

/* Why an id of a batch that may or may not have been carried out has no
 * outcome, after @error. */
char *
qd_batch_run_unconfirmed (const GError *error)
{
  return g_strdup_printf (_("Not confirmed: %s Refresh the list to see whether this message "
                            "was handled."), error->message);
}
