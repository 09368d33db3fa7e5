/* qd-follow-up.c — the reported samples' history, and their re-checks against /classify
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-error.h"
#include "qd-escalation-report.h"
#include "qd-follow-up.h"
#include "qd-task-private.h"

struct _QdFollowUp
{
  GObject      parent_instance;

  QdStore     *store;
  QdApiClient *client;
  guint        max_sample_age_days;
  GPtrArray   *samples;     /* QdSampleRecord: the store as last read */

  /* The workers take turns on the store's one connection: a transaction
   * of one would otherwise take in the statements of another. */
  GMutex       store_lock;
};

G_DEFINE_FINAL_TYPE (QdFollowUp, qd_follow_up, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_MAX_SAMPLE_AGE_DAYS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
qd_recheck_result_free (QdRecheckResult *result)
{
  if (result == NULL)
    return;
  g_free (result->sha256);
  g_clear_pointer (&result->record, qd_sample_record_unref);
  g_clear_pointer (&result->checked_at, g_date_time_unref);
  g_clear_pointer (&result->verdict, qd_verdict_unref);
  g_clear_error (&result->error);
  g_free (result);
}

static void
qd_follow_up_dispose (GObject *object)
{
  QdFollowUp *self = QD_FOLLOW_UP (object);

  g_clear_object (&self->store);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (qd_follow_up_parent_class)->dispose (object);
}

static void
qd_follow_up_finalize (GObject *object)
{
  QdFollowUp *self = QD_FOLLOW_UP (object);

  g_clear_pointer (&self->samples, g_ptr_array_unref);
  g_mutex_clear (&self->store_lock);

  G_OBJECT_CLASS (qd_follow_up_parent_class)->finalize (object);
}

static void
qd_follow_up_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  QdFollowUp *self = QD_FOLLOW_UP (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_MAX_SAMPLE_AGE_DAYS:
      g_value_set_uint (value, self->max_sample_age_days);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qd_follow_up_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  QdFollowUp *self = QD_FOLLOW_UP (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      qd_follow_up_set_client (self, g_value_get_object (value));
      break;
    case PROP_MAX_SAMPLE_AGE_DAYS:
      qd_follow_up_set_max_sample_age_days (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qd_follow_up_class_init (QdFollowUpClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = qd_follow_up_dispose;
  object_class->finalize = qd_follow_up_finalize;
  object_class->get_property = qd_follow_up_get_property;
  object_class->set_property = qd_follow_up_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, QD_TYPE_API_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_SAMPLE_AGE_DAYS] =
    g_param_spec_uint ("max-sample-age-days", NULL, NULL, 1, G_MAXUINT,
                       QD_DEFAULT_MAX_SAMPLE_AGE_DAYS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * QdFollowUp::changed:
   *
   * The samples were read again (after a reload or a re-check): what
   * qd_follow_up_get_samples() and the due times say may differ.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
qd_follow_up_init (QdFollowUp *self)
{
  self->max_sample_age_days = QD_DEFAULT_MAX_SAMPLE_AGE_DAYS;
  self->samples = g_ptr_array_new_with_free_func ((GDestroyNotify)qd_sample_record_unref);
  g_mutex_init (&self->store_lock);
}

/**
 * qd_follow_up_new:
 * @store: the local store; its connection is best not shared with other
 *   writers in the same process (open one for the follow-up)
 * @client: (nullable): the signed-in gateway; without one, nothing can be
 *   re-checked, but the history, the schedule and reports work
 *
 * Nothing is read until qd_follow_up_reload_async() or a re-check.
 */
QdFollowUp *
qd_follow_up_new (QdStore     *store,
                  QdApiClient *client)
{
  QdFollowUp *self;

  g_return_val_if_fail (QD_IS_STORE (store), NULL);
  g_return_val_if_fail (client == NULL || QD_IS_API_CLIENT (client), NULL);

  self = g_object_new (QD_TYPE_FOLLOW_UP, "client", client, NULL);
  self->store = g_object_ref (store);
  return self;
}

QdStore *
qd_follow_up_get_store (QdFollowUp *self)
{
  g_return_val_if_fail (QD_IS_FOLLOW_UP (self), NULL);
  return self->store;
}

QdApiClient *
qd_follow_up_get_client (QdFollowUp *self)
{
  g_return_val_if_fail (QD_IS_FOLLOW_UP (self), NULL);
  return self->client;
}

/* A re-check under way keeps the client it started with. */
void
qd_follow_up_set_client (QdFollowUp  *self,
                         QdApiClient *client)
{
  g_return_if_fail (QD_IS_FOLLOW_UP (self));
  g_return_if_fail (client == NULL || QD_IS_API_CLIENT (client));

  if (g_set_object (&self->client, client))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
}

guint
qd_follow_up_get_max_sample_age_days (QdFollowUp *self)
{
  g_return_val_if_fail (QD_IS_FOLLOW_UP (self), 0);
  return self->max_sample_age_days;
}

/**
 * qd_follow_up_set_max_sample_age_days:
 *
 * The age limit the report measures samples against: the gateway's
 * max_sample_age_days (GET /info), 5 days until told.
 */
void
qd_follow_up_set_max_sample_age_days (QdFollowUp *self,
                                      guint       days)
{
  g_return_if_fail (QD_IS_FOLLOW_UP (self));
  g_return_if_fail (days > 0);

  if (self->max_sample_age_days == days)
    return;
  self->max_sample_age_days = days;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_SAMPLE_AGE_DAYS]);
}

static QdSampleRecord *
find_record (GPtrArray  *samples,
             const char *sha256)
{
  for (guint i = 0; i < samples->len; i++)
    {
      QdSampleRecord *record = g_ptr_array_index (samples, i);

      if (g_str_equal (record->sha256, sha256))
        return record;
    }
  return NULL;
}

static void
set_samples (QdFollowUp *self,
             GPtrArray  *samples)
{
  g_clear_pointer (&self->samples, g_ptr_array_unref);
  self->samples = samples;
  g_signal_emit (self, signals[CHANGED], 0);
}

/* Runs @func in a worker thread with @task's data; @done then runs on
 * this thread with @task as its user data. The store's work is short and
 * is not cancelled half-way: what was found is kept. */
static void
run_in_worker (GTask               *task,
               GTaskThreadFunc      func,
               GAsyncReadyCallback  done)
{
  g_autoptr(GTask) worker = qd_task_new (g_task_get_source_object (task), run_in_worker, NULL,
                                         done, g_object_ref (task));

  g_task_set_task_data (worker, g_task_get_task_data (task), NULL);
  g_task_run_in_thread (worker, func);
}

/* Reloading */

static void
reload_thread (GTask        *worker,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  QdFollowUp *self = source_object;
  GError *error = NULL;
  GPtrArray *samples;

  g_mutex_lock (&self->store_lock);
  samples = qd_store_list_samples (self->store, &error);
  g_mutex_unlock (&self->store_lock);
  qd_task_return_pointer_or_error (worker, samples, (GDestroyNotify)g_ptr_array_unref, error);
}

static void
reloaded_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GPtrArray *samples = g_task_propagate_pointer (G_TASK (result), &error);

  if (samples == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  set_samples (QD_FOLLOW_UP (object), samples);
  g_task_return_boolean (task, TRUE);
}

/**
 * qd_follow_up_reload_async:
 *
 * Reads the samples from the store in a worker thread, then emits
 * ::changed.
 */
void
qd_follow_up_reload_async (QdFollowUp          *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (QD_IS_FOLLOW_UP (self));

  task = qd_task_new (self, qd_follow_up_reload_async, cancellable, callback, user_data);
  run_in_worker (task, reload_thread, reloaded_cb);
}

gboolean
qd_follow_up_reload_finish (QdFollowUp    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return qd_task_finish_boolean (result, self, qd_follow_up_reload_async, error);
}

/**
 * qd_follow_up_get_samples:
 *
 * Every reported sample as last read, the most recent first. The array
 * is replaced, never changed, on ::changed.
 *
 * Returns: (transfer none) (element-type QdSampleRecord):
 */
GPtrArray *
qd_follow_up_get_samples (QdFollowUp *self)
{
  g_return_val_if_fail (QD_IS_FOLLOW_UP (self), NULL);
  return self->samples;
}

/**
 * qd_follow_up_lookup:
 *
 * Returns: (transfer none) (nullable): the sample as last read
 */
QdSampleRecord *
qd_follow_up_lookup (QdFollowUp *self,
                     const char *sha256)
{
  g_return_val_if_fail (QD_IS_FOLLOW_UP (self), NULL);
  g_return_val_if_fail (sha256 != NULL, NULL);

  return find_record (self->samples, sha256);
}

/* The schedule */

/**
 * qd_follow_up_next_due:
 * @now: the current time
 *
 * When the next automatic check is due, from the samples as last read:
 * a time at or before @now means some are due now. No I/O: a timer can
 * be set from it at once, and set again on ::changed.
 *
 * Returns: (transfer full) (nullable): %NULL when no sample is pending
 */
GDateTime *
qd_follow_up_next_due (QdFollowUp *self,
                       GDateTime  *now)
{
  GDateTime *next = NULL;

  g_return_val_if_fail (QD_IS_FOLLOW_UP (self), NULL);
  g_return_val_if_fail (now != NULL, NULL);

  for (guint i = 0; i < self->samples->len; i++)
    {
      GDateTime *due = qd_sample_record_get_next_check (g_ptr_array_index (self->samples, i));

      if (due == NULL)
        continue;
      if (next == NULL || g_date_time_compare (due, next) < 0)
        {
          g_clear_pointer (&next, g_date_time_unref);
          next = due;
        }
      else
        g_date_time_unref (due);
    }
  return next;
}

/**
 * qd_follow_up_due_samples:
 *
 * The samples due for a check at @now, to hand to
 * qd_follow_up_recheck_async(); none are samples already classified as
 * spam.
 *
 * Returns: (transfer full): their SHA-256s, possibly none
 */
GStrv
qd_follow_up_due_samples (QdFollowUp *self,
                          GDateTime  *now)
{
  g_autoptr(GStrvBuilder) due = g_strv_builder_new ();

  g_return_val_if_fail (QD_IS_FOLLOW_UP (self), NULL);
  g_return_val_if_fail (now != NULL, NULL);

  for (guint i = 0; i < self->samples->len; i++)
    {
      QdSampleRecord *record = g_ptr_array_index (self->samples, i);

      if (qd_sample_record_is_due (record, now))
        g_strv_builder_add (due, record->sha256);
    }
  return g_strv_builder_end (due);
}

/* Re-checking */

typedef struct
{
  GStrv        wanted;    /* NULL: every pending sample */
  QdApiClient *client;
  GPtrArray   *results;   /* QdRecheckResult */
  GPtrArray   *datas;     /* GBytes for each result to ask about, else NULL */
  guint        next;
  GError      *blocking;  /* the remaining samples are not asked */
  GPtrArray   *samples;   /* the store once the checks are recorded */
} Recheck;

static void
bytes_unref0 (gpointer bytes)
{
  if (bytes != NULL)
    g_bytes_unref (bytes);
}

static void
recheck_free (Recheck *data)
{
  g_strfreev (data->wanted);
  g_clear_object (&data->client);
  g_clear_pointer (&data->results, g_ptr_array_unref);
  g_clear_pointer (&data->datas, g_ptr_array_unref);
  g_clear_error (&data->blocking);
  g_clear_pointer (&data->samples, g_ptr_array_unref);
  g_free (data);
}

/* Adds a result for @sha256, with the sample's bytes when the gateway is
 * to be asked about it. @record is %NULL for a sample the history does
 * not know, @why_not then says so. FALSE only when the store fails. */
static gboolean
add_candidate (QdFollowUp      *self,
               Recheck         *data,
               const char      *sha256,
               QdSampleRecord  *record,
               GError          *why_not,
               GError         **error)
{
  QdRecheckResult *result = g_new0 (QdRecheckResult, 1);
  GBytes *bytes = NULL;

  result->sha256 = g_strdup (sha256);
  result->error = why_not;
  g_ptr_array_add (data->results, result);
  if (record != NULL)
    {
      result->record = qd_sample_record_ref (record);
      result->before = result->after = record->status;
      if (record->status != QD_FOLLOW_UP_NOW_SPAM &&
          qd_sample_record_can_recheck (record, &result->error))
        {
          g_autoptr(GError) local_error = NULL;

          bytes = qd_store_get_sample_data (self->store, sha256, &local_error);
          if (bytes == NULL && !g_error_matches (local_error, QD_ERROR, QD_ERROR_NOT_FOUND))
            {
              g_ptr_array_add (data->datas, NULL);
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          result->error = g_steal_pointer (&local_error);
        }
    }
  g_ptr_array_add (data->datas, bytes);
  return TRUE;
}

static gboolean
load_candidates (QdFollowUp  *self,
                 Recheck     *data,
                 GError     **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  if (data->wanted == NULL)
    {
      g_autoptr(GPtrArray) records = qd_store_list_samples (self->store, error);

      if (records == NULL)
        return FALSE;
      for (guint i = 0; i < records->len; i++)
        {
          QdSampleRecord *record = g_ptr_array_index (records, i);

          if (qd_sample_record_is_pending (record) &&
              !add_candidate (self, data, record->sha256, record, NULL, error))
            return FALSE;
        }
      return TRUE;
    }

  for (guint i = 0; data->wanted[i] != NULL; i++)
    {
      g_autoptr(QdSampleRecord) record = NULL;
      g_autoptr(GError) local_error = NULL;

      if (!g_hash_table_add (seen, data->wanted[i]))
        continue;
      record = qd_store_get_sample (self->store, data->wanted[i], &local_error);
      if (record == NULL && !g_error_matches (local_error, QD_ERROR, QD_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (!add_candidate (self, data, data->wanted[i], record, g_steal_pointer (&local_error),
                          error))
        return FALSE;
    }
  return TRUE;
}

static void
recheck_load_thread (GTask        *worker,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  QdFollowUp *self = source_object;
  GError *error = NULL;
  gboolean ok;

  g_mutex_lock (&self->store_lock);
  ok = load_candidates (self, task_data, &error);
  g_mutex_unlock (&self->store_lock);
  if (ok)
    g_task_return_boolean (worker, TRUE);
  else
    g_task_return_error (worker, error);
}

static void
recheck_save_thread (GTask        *worker,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  QdFollowUp *self = source_object;
  Recheck *data = task_data;
  GError *error = NULL;

  g_mutex_lock (&self->store_lock);
  for (guint i = 0; i < data->results->len; i++)
    {
      QdRecheckResult *result = g_ptr_array_index (data->results, i);

      if (result->checked &&
          !qd_store_record_check (self->store, result->sha256, result->verdict,
                                  result->checked_at, &result->changed, &error))
        break;
    }
  if (error == NULL)
    data->samples = qd_store_list_samples (self->store, &error);
  g_mutex_unlock (&self->store_lock);
  if (error != NULL)
    {
      g_task_return_error (worker, error);
      return;
    }
  for (guint i = 0; i < data->results->len; i++)
    {
      QdRecheckResult *result = g_ptr_array_index (data->results, i);
      QdSampleRecord *record = find_record (data->samples, result->sha256);

      if (result->record != NULL && record != NULL)
        {
          g_clear_pointer (&result->record, qd_sample_record_unref);
          result->record = qd_sample_record_ref (record);
        }
    }
  g_task_return_boolean (worker, TRUE);
}

static void
recheck_saved_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Recheck *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  set_samples (QD_FOLLOW_UP (object), g_steal_pointer (&data->samples));
  g_task_return_pointer (task, g_steal_pointer (&data->results),
                         (GDestroyNotify)g_ptr_array_unref);
}

/* What fails every sample alike (the network, the session, the
 * classifier) stops the run; what concerns this sample alone does not. */
static gboolean
stops_the_run (const GError *error)
{
  return !g_error_matches (error, QD_ERROR, QD_ERROR_INVALID_INPUT) &&
         !g_error_matches (error, QD_ERROR, QD_ERROR_GATEWAY) &&
         !g_error_matches (error, QD_ERROR, QD_ERROR_NOT_FOUND);
}

static void classify_next (GTask *task);

static void
classify_cb (GObject      *object,
             GAsyncResult *res,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Recheck *data = g_task_get_task_data (task);
  QdRecheckResult *result = g_ptr_array_index (data->results, data->next);
  g_autoptr(GError) error = NULL;
  QdVerdict *verdict;

  data->next++;
  verdict = qd_api_client_classify_finish (QD_API_CLIENT (object), res, &error);
  if (verdict != NULL)
    {
      result->verdict = verdict;
      result->checked = TRUE;
      /* Whole seconds, as the store keeps them. */
      result->checked_at = g_date_time_new_from_unix_utc (g_get_real_time () / G_USEC_PER_SEC);
      result->after = verdict->classified_as_spam ? QD_FOLLOW_UP_NOW_SPAM
                                                  : QD_FOLLOW_UP_STILL_MISSED;
    }
  else
    {
      if (stops_the_run (error))
        data->blocking = g_error_copy (error);
      result->error = g_steal_pointer (&error);
    }
  classify_next (task);
}

/* One sample at a time: the gateway is asked politely, and a failure that
 * concerns them all is seen after one try. */
static void
classify_next (GTask *task)
{
  Recheck *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  for (; data->next < data->results->len; data->next++)
    {
      QdRecheckResult *result = g_ptr_array_index (data->results, data->next);
      GBytes *bytes = g_ptr_array_index (data->datas, data->next);

      if (bytes == NULL)
        continue;
      if (data->blocking != NULL)
        {
          result->error = g_error_copy (data->blocking);
          continue;
        }
      qd_api_client_classify_async (data->client, bytes, cancellable, classify_cb,
                                    g_object_ref (task));
      return;
    }
  run_in_worker (task, recheck_save_thread, recheck_saved_cb);
}

static void
recheck_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  classify_next (task);
}

/**
 * qd_follow_up_recheck_async:
 * @sha256s: (nullable) (array zero-terminated=1): the samples to check,
 *   or %NULL for every pending one (sent, not yet classified as spam)
 *
 * Asks the gateway whether each sample is classified as spam now, with
 * the sample's bytes kept in the history: nothing is sent again. Each
 * answer is recorded as the sample's latest check, and as a new status
 * when it changed. A sample already classified as spam is not asked
 * about again.
 *
 * The run fails only when the store cannot be read or written, or when
 * cancelled; a sample that could not be checked has its own error. An
 * error that would fail every sample (the network, the session) stops
 * the run: the remaining samples carry it too.
 */
void
qd_follow_up_recheck_async (QdFollowUp          *self,
                            const char * const  *sha256s,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Recheck *data;

  g_return_if_fail (QD_IS_FOLLOW_UP (self));

  task = qd_task_new (self, qd_follow_up_recheck_async, cancellable, callback, user_data);
  if (self->client == NULL)
    {
      g_task_return_new_error (task, QD_ERROR, QD_ERROR_NOT_SIGNED_IN,
                               _("Sign in to the gateway to check the samples again."));
      return;
    }
  data = g_new0 (Recheck, 1);
  data->wanted = sha256s != NULL ? g_strdupv ((char **)sha256s) : NULL;
  data->client = g_object_ref (self->client);
  data->results = g_ptr_array_new_with_free_func ((GDestroyNotify)qd_recheck_result_free);
  data->datas = g_ptr_array_new_with_free_func (bytes_unref0);
  g_task_set_task_data (task, data, (GDestroyNotify)recheck_free);
  run_in_worker (task, recheck_load_thread, recheck_loaded_cb);
}

/**
 * qd_follow_up_recheck_finish:
 *
 * Returns: (transfer full) (element-type QdRecheckResult): one result per
 *   sample asked for (each once), or per pending sample
 */
GPtrArray *
qd_follow_up_recheck_finish (QdFollowUp    *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return qd_task_finish_pointer (result, self, qd_follow_up_recheck_async, error);
}

/* The report */

/**
 * qd_follow_up_build_report:
 * @sha256s: (array zero-terminated=1): the samples of one series
 * @now: the current time
 *
 * The text to send to support about samples still missed 24 hours after
 * submission (seed 002), in the language of the interface: what the
 * history and the samples tell, and labelled blanks for what only the
 * person and the administrator know. Reads the store (briefly).
 *
 * Returns: (transfer full): the report, or %NULL with an error that
 *   names every sample that cannot be reported and why
 */
char *
qd_follow_up_build_report (QdFollowUp          *self,
                           const char * const  *sha256s,
                           GDateTime           *now,
                           GError             **error)
{
  char *report;

  g_return_val_if_fail (QD_IS_FOLLOW_UP (self), NULL);
  g_return_val_if_fail (sha256s != NULL, NULL);
  g_return_val_if_fail (now != NULL, NULL);

  g_mutex_lock (&self->store_lock);
  report = qd_escalation_report_build (self->store, sha256s, self->max_sample_age_days, now,
                                       error);
  g_mutex_unlock (&self->store_lock);
  return report;
}
