/* qd-task-private.h — GTasks made with their source tag, and checked by the _finish functions
 *
 * Every _async tags its task with itself; every _finish checks that
 * @result is a task of its object with that tag before taking the
 * task's result.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

GTask   *qd_task_new            (gpointer             source_object,
                                 gpointer             source_tag,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
gpointer qd_task_finish_pointer (GAsyncResult        *result,
                                 gpointer             source_object,
                                 gpointer             source_tag,
                                 GError             **error);
gboolean qd_task_finish_boolean (GAsyncResult        *result,
                                 gpointer             source_object,
                                 gpointer             source_tag,
                                 GError             **error);
void     qd_task_return_pointer_or_error (GTask          *task,
                                          gpointer        value,
                                          GDestroyNotify  value_free,
                                          GError         *error);

G_END_DECLS
