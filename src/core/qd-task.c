/* qd-task.c — GTasks made with their source tag, and checked by the _finish functions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "qd-task-private.h"

/* @source_tag: the _async function making the task */
GTask *
qd_task_new (gpointer             source_object,
             gpointer             source_tag,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  GTask *task = g_task_new (source_object, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  return task;
}

/* @source_object: the object the task was made for, or %NULL for a
 * task of no object */
gpointer
qd_task_finish_pointer (GAsyncResult  *result,
                        gpointer       source_object,
                        gpointer       source_tag,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source_object), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, source_tag), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
qd_task_finish_boolean (GAsyncResult  *result,
                        gpointer       source_object,
                        gpointer       source_tag,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source_object), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, source_tag), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* For the many results made by a call that gives %NULL and sets @error
 * when it fails: @error is taken when @value is %NULL. */
void
qd_task_return_pointer_or_error (GTask          *task,
                                 gpointer        value,
                                 GDestroyNotify  value_free,
                                 GError         *error)
{
  if (value == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, value, value_free);
}
