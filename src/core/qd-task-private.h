/* qd-task-private.h — the checks and the result of a GTask, for _finish functions
 *
 * Every _finish checks that @result is a task of its object, started by
 * its own _async (its source tag), before taking the task's result.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gpointer qd_task_finish_pointer (GAsyncResult  *result,
                                 gpointer       source_object,
                                 gpointer       source_tag,
                                 GError       **error);
gboolean qd_task_finish_boolean (GAsyncResult  *result,
                                 gpointer       source_object,
                                 gpointer       source_tag,
                                 GError       **error);

G_END_DECLS
