/* qd-async-wait.c — waiting for an async call's result without a main loop
 *
 * For callers that want an async call's answer before going on (qdesk,
 * the tests): start the call with qd_async_wait_result_cb() and a pointer
 * to a NULL GAsyncResult as its user data, then hand that pointer to
 * qd_async_wait():
 *
 *   g_autoptr(GAsyncResult) result = NULL;
 *
 *   qd_api_client_get_info_async (client, NULL, qd_async_wait_result_cb, &result);
 *   info = qd_api_client_get_info_finish (client, qd_async_wait (&result), &error);
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "qd-async-wait.h"

/**
 * qd_async_wait_result_cb:
 * @slot: (type GAsyncResult**): where to keep @result
 *
 * A #GAsyncReadyCallback that keeps a reference to @result in @slot for
 * qd_async_wait().
 */
void
qd_async_wait_result_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      slot)
{
  g_set_object ((GAsyncResult **)slot, result);
}

/**
 * qd_async_wait:
 * @slot: the user data given with qd_async_wait_result_cb(), NULL until
 *   the call hands its result
 *
 * Runs the thread-default main context, where the call's callback is
 * dispatched, until the call has handed its result.
 *
 * Returns: (transfer none): the result, owned by @slot
 */
GAsyncResult *
qd_async_wait (GAsyncResult **slot)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();

  g_return_val_if_fail (slot != NULL, NULL);

  while (*slot == NULL)
    g_main_context_iteration (context, TRUE);
  return *slot;
}
