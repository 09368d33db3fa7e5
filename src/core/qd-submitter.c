/* qd-submitter.c — sends the outbox's submissions over SMTP and records what became of each
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-error.h"
#include "qd-submitter.h"
#include "qd-task-private.h"

struct _QdSubmitter
{
  GObject       parent_instance;

  QdStore      *store;
  QdSmtpClient *client;
};

G_DEFINE_FINAL_TYPE (QdSubmitter, qd_submitter, G_TYPE_OBJECT)

void
qd_send_result_free (QdSendResult *result)
{
  if (result == NULL)
    return;
  g_free (result->message_id);
  g_free (result->reply);
  g_clear_error (&result->error);
  g_free (result);
}

static void
qd_submitter_dispose (GObject *object)
{
  QdSubmitter *self = QD_SUBMITTER (object);

  g_clear_object (&self->store);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (qd_submitter_parent_class)->dispose (object);
}

static void
qd_submitter_class_init (QdSubmitterClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = qd_submitter_dispose;
}

static void
qd_submitter_init (QdSubmitter *self)
{
}

QdSubmitter *
qd_submitter_new (QdStore      *store,
                  QdSmtpClient *client)
{
  QdSubmitter *self;

  g_return_val_if_fail (QD_IS_STORE (store), NULL);
  g_return_val_if_fail (QD_IS_SMTP_CLIENT (client), NULL);

  self = g_object_new (QD_TYPE_SUBMITTER, NULL);
  self->store = g_object_ref (store);
  self->client = g_object_ref (client);
  return self;
}

QdStore *
qd_submitter_get_store (QdSubmitter *self)
{
  g_return_val_if_fail (QD_IS_SUBMITTER (self), NULL);
  return self->store;
}

QdSmtpClient *
qd_submitter_get_client (QdSubmitter *self)
{
  g_return_val_if_fail (QD_IS_SUBMITTER (self), NULL);
  return self->client;
}

static gboolean
too_late (QdOutboxEntry  *entry,
          GError        **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  if (entry->deadline == NULL || g_date_time_compare (now, entry->deadline) <= 0)
    return FALSE;
  g_set_error_literal (error, QD_ERROR, QD_ERROR_INVALID_INPUT,
                       _("A sample in it grew too old while it waited in the outbox, so it "
                         "was not sent: samples are accepted only for a few days after "
                         "receipt."));
  return TRUE;
}

/* A refusal of this message alone (5xx, or what the server cannot carry)
 * settles it; anything else (the server down, the password wrong, the
 * connection lost) would fail every message the same way, so the rest
 * are not even tried and all stay in the outbox. */
static void
send_entries (QdSubmitter  *self,
              GPtrArray    *entries,
              GPtrArray    *results,
              GCancellable *cancellable)
{
  g_autofree char *server = qd_smtp_client_dup_server (self->client);
  GError *blocking = NULL;

  for (guint i = 0; i < entries->len; i++)
    {
      QdOutboxEntry *entry = g_ptr_array_index (entries, i);
      QdSendResult *result = g_new0 (QdSendResult, 1);
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) store_error = NULL;

      result->outbox_id = entry->id;
      result->message_id = g_strdup (entry->message_id);
      result->n_samples = entry->n_samples;
      g_ptr_array_add (results, result);

      if (blocking != NULL)
        {
          result->kept = TRUE;
          result->error = g_error_copy (blocking);
          qd_store_release_claim (self->store, entry->id);
          continue;
        }
      if (too_late (entry, &error))
        {
          qd_store_mark_failed (self->store, entry->id, "expired", error->message, &store_error);
          result->error = g_steal_pointer (&error);
          continue;
        }

      result->reply = qd_smtp_client_send (self->client, entry->mail_from, entry->rcpt_to,
                                           entry->data, entry->required, cancellable, &error);
      if (result->reply != NULL)
        {
          result->sent = TRUE;
          if (!qd_store_mark_sent (self->store, entry->id, server, result->reply, &store_error))
            result->error = g_steal_pointer (&store_error);
        }
      else if (g_error_matches (error, QD_ERROR, QD_ERROR_SMTP))
        {
          qd_store_mark_failed (self->store, entry->id, "refused", error->message, &store_error);
          result->error = g_steal_pointer (&error);
        }
      else
        {
          qd_store_note_attempt (self->store, entry->id, error->message, &store_error);
          result->kept = TRUE;
          blocking = g_error_copy (error);
          result->error = g_steal_pointer (&error);
        }
      if (store_error != NULL)
        g_warning ("The outbox could not record the outcome of %s: %s", entry->message_id,
                   store_error->message);
    }
  g_clear_error (&blocking);
}

typedef struct
{
  GPtrArray *submissions;   /* NULL: whatever waits in the outbox */
} SubmitData;

static void
submit_data_free (SubmitData *data)
{
  g_clear_pointer (&data->submissions, g_ptr_array_unref);
  g_free (data);
}

static void
submit_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  QdSubmitter *self = source_object;
  SubmitData *data = task_data;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) results = NULL;
  GError *error = NULL;

  results = g_ptr_array_new_with_free_func ((GDestroyNotify)qd_send_result_free);
  /* On disk first: a crash from here on loses nothing, and a store that
   * cannot be written means nothing is sent. */
  if (data->submissions != NULL)
    {
      ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      if (!qd_store_enqueue (self->store, data->submissions, ids, &error))
        {
          g_task_return_error (task, error);
          return;
        }
    }
  entries = qd_store_claim_pending (self->store, ids, &error);
  if (entries == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  send_entries (self, entries, results, cancellable);
  g_task_return_pointer (task, g_steal_pointer (&results), (GDestroyNotify)g_ptr_array_unref);
}

static void
run (QdSubmitter         *self,
     GPtrArray           *submissions,
     gpointer             source_tag,
     GCancellable        *cancellable,
     GAsyncReadyCallback  callback,
     gpointer             user_data)
{
  g_autoptr(GTask) task = qd_task_new (self, source_tag, cancellable, callback, user_data);
  SubmitData *data = g_new0 (SubmitData, 1);

  data->submissions = submissions != NULL ? g_ptr_array_ref (submissions) : NULL;
  g_task_set_task_data (task, data, (GDestroyNotify)submit_data_free);
  g_task_run_in_thread (task, submit_thread);
}

/**
 * qd_submitter_send_pending_async:
 *
 * Sends what waits in the outbox: what an earlier run could not send, or
 * did not finish sending because it was killed.
 */
void
qd_submitter_send_pending_async (QdSubmitter         *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (QD_IS_SUBMITTER (self));
  run (self, NULL, qd_submitter_send_pending_async, cancellable, callback, user_data);
}

/**
 * qd_submitter_send_pending_finish:
 *
 * Returns: (transfer full) (element-type QdSendResult): one per message
 *   tried, or %NULL when the outbox could not be read
 */
GPtrArray *
qd_submitter_send_pending_finish (QdSubmitter   *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return qd_task_finish_pointer (result, self, qd_submitter_send_pending_async, error);
}

/**
 * qd_submitter_submit_async:
 * @submissions: (element-type QdSubmission): built messages
 *
 * Writes the messages to the outbox, then sends them. A message leaves
 * the outbox only once the server accepted it (or refused it for good).
 */
void
qd_submitter_submit_async (QdSubmitter         *self,
                           GPtrArray           *submissions,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (QD_IS_SUBMITTER (self));
  g_return_if_fail (submissions != NULL);
  run (self, submissions, qd_submitter_submit_async, cancellable, callback, user_data);
}

/**
 * qd_submitter_submit_finish:
 *
 * Returns: (transfer full) (element-type QdSendResult): one per message,
 *   or %NULL when the outbox could not be written: then nothing was sent
 */
GPtrArray *
qd_submitter_submit_finish (QdSubmitter   *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return qd_task_finish_pointer (result, self, qd_submitter_submit_async, error);
}
