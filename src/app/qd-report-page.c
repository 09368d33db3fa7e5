/* qd-report-page.c — the samples stay until the server has accepted them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "qd-file-chooser.h"
#include "qd-format.h"
#include "qd-mailbox-picker.h"
#include "qd-report-page.h"
#include "qd-toast.h"

struct _QdReportPage
{
  QdSessionPage  parent_instance;

  GtkStack      *stack;
  AdwStatusPage *empty_page;
  GtkListBox    *sample_list;
  AdwActionRow  *plan_row;
  AdwActionRow  *target_row;
  GtkSpinner    *send_spinner;
  GtkWidget     *inbox_button;
  GtkWidget     *inbox_empty_button;

  GPtrArray     *samples;     /* QdSample, in the order added */
  GHashTable    *origins;     /* QdSample picked from the Inbox -> Origin */
  GtkWindow     *picker;      /* weak: the Inbox picker while it is open */
  GCancellable  *sending;
};

/* Where a sample picked from the Inbox is in the mailbox. */
typedef struct
{
  guint32   uidvalidity;
  guint32   uid;
  gboolean  move_to_junk;   /* once it has been sent */
} Origin;

G_DEFINE_FINAL_TYPE (QdReportPage, qd_report_page, QD_TYPE_SESSION_PAGE)

static QdSession *
session (QdReportPage *self)
{
  return qd_session_page_get_session (QD_SESSION_PAGE (self));
}

static GSettings *
settings (QdReportPage *self)
{
  return qd_session_page_get_settings (QD_SESSION_PAGE (self));
}

/* The signed-in gateway's limits; the defaults while signed out, as the
 * session keeps the last gateway's after signing out. */
static QdGatewayInfo *
gateway_info (QdReportPage *self)
{
  QdGatewayInfo *info = qd_session_get_signed_in (session (self))
                        ? qd_session_get_info (session (self)) : NULL;

  return info != NULL ? qd_gateway_info_ref (info) : qd_gateway_info_new_defaults ();
}

static gboolean
resolve_target (QdReportPage   *self,
                QdSubmitTarget *target,
                GError        **error)
{
  g_autoptr(QdGatewayInfo) info = gateway_info (self);
  QdAccount *account = qd_session_get_account (session (self));

  return qd_submit_target_resolve (target, settings (self), info,
                                   account != NULL ? account->address : NULL, error);
}

static const char *
status_icon (QdCheckStatus status)
{
  switch (status)
    {
    case QD_CHECK_PASSED:
      return "emblem-ok-symbolic";
    case QD_CHECK_NOTE:
      return "dialog-information-symbolic";
    case QD_CHECK_WARNING:
      return "dialog-warning-symbolic";
    case QD_CHECK_REFUSED:
      return "dialog-error-symbolic";
    case QD_CHECK_SKIPPED:
    default:
      return "content-loading-symbolic";
    }
}

static QdCheckStatus
worst_status (QdSample *sample)
{
  GPtrArray *checks = qd_sample_get_checks (sample);
  QdCheckStatus worst = QD_CHECK_PASSED;

  for (guint i = 0; i < checks->len; i++)
    {
      QdSampleCheck *check = g_ptr_array_index (checks, i);

      if (check->status == QD_CHECK_REFUSED)
        return QD_CHECK_REFUSED;
      if (check->status == QD_CHECK_WARNING || (check->status == QD_CHECK_NOTE &&
                                                worst == QD_CHECK_PASSED))
        worst = check->status;
    }
  return worst;
}

static void
remove_clicked_cb (GtkButton    *button,
                   QdReportPage *self)
{
  QdSample *sample = g_object_get_data (G_OBJECT (button), "sample");

  g_hash_table_remove (self->origins, sample);
  g_ptr_array_remove (self->samples, sample);
  gtk_widget_activate_action (GTK_WIDGET (self), "report.refresh", NULL);
}

static GtkWidget *
sample_row (QdReportPage *self,
            QdSample     *sample)
{
  GtkWidget *row = adw_expander_row_new ();
  GtkWidget *icon;
  GtkWidget *remove;
  GPtrArray *checks = qd_sample_get_checks (sample);
  GDateTime *received = qd_sample_get_receipt_date (sample, NULL);
  g_autofree char *when = received != NULL ? qd_format_when (received) : g_strdup (_("unknown"));
  g_autofree char *size = qd_format_size (g_bytes_get_size (qd_sample_get_data (sample)));
  g_autofree char *subtitle = NULL;
  g_autofree char *title = NULL;
  QdCheckStatus worst = worst_status (sample);

  title = qd_text_make_safe (qd_sample_get_subject (sample) != NULL
                             ? qd_sample_get_subject (sample) : qd_sample_get_name (sample), -1);
  /* Translators: sender, when received, size of a sample */
  subtitle = g_strdup_printf (_("%s · received %s · %s"),
                              qd_sample_get_from (sample) ? qd_sample_get_from (sample) : "—",
                              when, size);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), worst != QD_CHECK_PASSED);

  icon = gtk_image_new_from_icon_name (status_icon (worst));
  if (worst == QD_CHECK_REFUSED)
    gtk_widget_add_css_class (icon, "error");
  else if (worst == QD_CHECK_WARNING)
    gtk_widget_add_css_class (icon, "warning");
  else
    gtk_widget_add_css_class (icon, "success");
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  worst == QD_CHECK_REFUSED ? _("Refused")
                                  : worst == QD_CHECK_WARNING ? _("Accepted, with a warning")
                                  : _("Accepted"), -1);
  adw_expander_row_add_prefix (ADW_EXPANDER_ROW (row), icon);

  remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, _("Remove Sample"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Remove sample"), -1);
  g_object_set_data_full (G_OBJECT (remove), "sample", g_object_ref (sample), g_object_unref);
  g_signal_connect (remove, "clicked", G_CALLBACK (remove_clicked_cb), self);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), remove);

  for (guint i = 0; i < checks->len; i++)
    {
      QdSampleCheck *check = g_ptr_array_index (checks, i);
      GtkWidget *line;
      GtkWidget *check_icon;

      if (check->status == QD_CHECK_SKIPPED || check->message == NULL)
        continue;
      line = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (line), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (line), check->message);
      adw_action_row_set_title_lines (ADW_ACTION_ROW (line), 0);
      check_icon = gtk_image_new_from_icon_name (status_icon (check->status));
      adw_action_row_add_prefix (ADW_ACTION_ROW (line), check_icon);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), line);
    }
  return row;
}

static GPtrArray *
sendable_samples (QdReportPage *self)
{
  GPtrArray *sendable = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < self->samples->len; i++)
    {
      QdSample *sample = g_ptr_array_index (self->samples, i);

      if (qd_sample_is_sendable (sample))
        g_ptr_array_add (sendable, g_object_ref (sample));
    }
  return sendable;
}

static void
refresh (QdReportPage *self)
{
  g_autoptr(QdGatewayInfo) info = gateway_info (self);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GPtrArray) sendable = NULL;
  g_auto(QdSubmitTarget) target = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *limit = qd_format_size (info->max_message_bytes);
  g_autofree char *plan = NULL;
  gboolean target_known;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->sample_list))) != NULL)
    gtk_list_box_remove (self->sample_list, child);

  gtk_stack_set_visible_child_name (self->stack, self->samples->len > 0 ? "samples" : "empty");
  qd_sample_evaluate_all (self->samples, info, now);
  for (guint i = 0; i < self->samples->len; i++)
    gtk_list_box_append (self->sample_list, sample_row (self, g_ptr_array_index (self->samples, i)));

  sendable = sendable_samples (self);
  target_known = resolve_target (self, &target, &error);
  if (!target_known)
    {
      adw_action_row_set_subtitle (self->target_row, error->message);
      adw_action_row_set_subtitle (self->plan_row, "");
    }
  else
    {
      g_autofree char *where = NULL;

      if (target.host != NULL)
        /* Translators: submission address, then the mail server */
        where = g_strdup_printf (_("%s, through %s"), target.to, target.host);
      else
        where = g_strdup (target.to);
      adw_action_row_set_subtitle (self->target_row, where);

      if (sendable->len > 0)
        {
          g_autoptr(GPtrArray) packed = qd_submission_pack (sendable, target.from, target.to,
                                                            info->max_message_bytes, now, NULL);
          gsize total = 0;

          for (guint i = 0; packed != NULL && i < packed->len; i++)
            total += qd_submission_get_size (g_ptr_array_index (packed, i));
          if (packed != NULL)
            {
              g_autofree char *size = qd_format_size (total);
              g_autofree char *n_samples =
                g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u sample", "%u samples",
                                              sendable->len), sendable->len);
              g_autofree char *n_messages =
                g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u message", "%u messages",
                                              packed->len), packed->len);

              /* Translators: "3 samples → 1 message, 1.2 MB (each under 2.0 MB)" */
              plan = g_strdup_printf (_("%s → %s, %s (each under %s)"), n_samples, n_messages,
                                      size, limit);
            }
        }
    }
  if (plan == NULL)
    plan = g_strdup (sendable->len == 0 ? _("No sample can be sent yet") : "");
  adw_action_row_set_subtitle (self->plan_row, plan);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "report.send",
                                 target_known && sendable->len > 0 && self->sending == NULL);
}

/* adding */

/* Files and the Inbox's messages alike: the same rules, packing and outbox. */
static QdSample *
add_sample (QdReportPage *self,
            GBytes       *bytes,
            const char   *name)
{
  QdSample *sample = qd_sample_new (bytes, name);

  g_ptr_array_add (self->samples, sample);
  refresh (self);
  return sample;
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(QdReportPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_file_load_bytes_finish (G_FILE (object), result, NULL, &error);
  g_autofree char *name = g_file_get_basename (G_FILE (object));

  if (bytes == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” cannot be read: %s"), name,
                                                  error->message);

      qd_show_toast (GTK_WIDGET (self), message);
      return;
    }
  add_sample (self, bytes, name);
}

void
qd_report_page_add_files (QdReportPage  *self,
                          GFile        **files,
                          guint          n_files)
{
  g_return_if_fail (QD_IS_REPORT_PAGE (self));

  for (guint i = 0; i < n_files; i++)
    g_file_load_bytes_async (files[i], NULL, loaded_cb, g_object_ref (self));
}

static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     QdReportPage    *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        g_ptr_array_add (list, g_list_model_get_item (files, i));
      qd_report_page_add_files (self, (GFile **)list->pdata, list->len);
    }
  g_object_unref (dialog);
}

static void
add_action (GtkWidget  *widget,
            const char *name,
            GVariant   *parameter)
{
  QdReportPage *self = QD_REPORT_PAGE (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) mail = qd_mail_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  chooser = qd_file_chooser_new_open (GTK_WINDOW (gtk_widget_get_root (widget)), _("Add Samples"),
                                      _("_Add"), mail);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static gboolean
already_picked (QdReportPage *self,
                guint32       uidvalidity,
                guint32       uid)
{
  GHashTableIter iter;
  Origin *origin;

  g_hash_table_iter_init (&iter, self->origins);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&origin))
    if (origin->uidvalidity == uidvalidity && origin->uid == uid)
      return TRUE;
  return FALSE;
}

static void
picked_cb (QdMailboxPicker *picker,
           QdItem          *item,
           GBytes          *raw,
           gboolean         move_to_junk,
           QdReportPage    *self)
{
  g_autofree char *subject = qd_text_make_safe (qd_item_get_subject (item) != NULL
                                                ? qd_item_get_subject (item)
                                                : _("(no subject)"), -1);
  /* Translators: the name of a sample picked from the mailbox, with its subject */
  g_autofree char *name = g_strdup_printf (_("Inbox: %s"), subject);
  g_autofree Origin *origin = g_new0 (Origin, 1);
  QdSample *sample;

  /* The mailbox's source names every item so; anything else is only a sample. */
  if (!qd_mailbox_source_parse_id (qd_item_get_id (item), &origin->uidvalidity, &origin->uid))
    {
      add_sample (self, raw, name);
      return;
    }
  /* Reporting one message twice would only count it twice. */
  if (already_picked (self, origin->uidvalidity, origin->uid))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is already among the samples."),
                                                  subject);

      qd_show_toast (GTK_WIDGET (self), message);
      return;
    }
  origin->move_to_junk = move_to_junk;
  sample = add_sample (self, raw, name);
  g_hash_table_insert (self->origins, g_object_ref (sample), g_steal_pointer (&origin));
}

static void
add_from_inbox_action (GtkWidget  *widget,
                       const char *name,
                       GVariant   *parameter)
{
  QdReportPage *self = QD_REPORT_PAGE (widget);
  QdMailbox *mailbox = qd_session_get_mailbox (session (self));
  QdMailboxFolders *folders = qd_session_get_mailbox_folders (session (self));
  g_autoptr(QdGatewayInfo) info = gateway_info (self);
  g_autoptr(QdMailboxSource) inbox = NULL;
  QdMailboxPicker *picker;

  if (mailbox == NULL)
    return;
  inbox = qd_mailbox_source_new (mailbox, QD_MAILBOX_FOLDER_INBOX);
  picker = qd_mailbox_picker_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                  QD_ITEM_SOURCE (inbox), info->max_sample_age_days,
                                  folders != NULL && folders->junk != NULL);
  g_signal_connect_object (picker, "picked", G_CALLBACK (picked_cb), self, 0);
  g_set_weak_pointer (&self->picker, GTK_WINDOW (picker));
  gtk_window_present (GTK_WINDOW (picker));
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         QdReportPage  *self)
{
  GSList *files = g_value_get_boxed (value);
  g_autoptr(GPtrArray) list = g_ptr_array_new ();

  for (GSList *l = files; l != NULL; l = l->next)
    g_ptr_array_add (list, l->data);
  qd_report_page_add_files (self, (GFile **)list->pdata, list->len);
  return TRUE;
}

/* sending */

typedef struct
{
  QdReportPage   *self;
  QdSubmitTarget  target;
  QdSubmitter    *submitter;
  GPtrArray      *sendable;     /* NULL: only what waits in the outbox */
  GPtrArray      *packed;       /* QdSubmission, as handed to the submitter */
} Send;

static void start_sending (Send *send);

static void
send_free (Send *send)
{
  g_clear_object (&send->self);
  qd_submit_target_clear (&send->target);
  g_clear_object (&send->submitter);
  g_clear_pointer (&send->sendable, g_ptr_array_unref);
  g_clear_pointer (&send->packed, g_ptr_array_unref);
  g_free (send);
}

static void
send_done (Send       *send,
           const char *message)
{
  QdReportPage *self = send->self;

  g_clear_object (&self->sending);
  gtk_widget_set_visible (GTK_WIDGET (self->send_spinner), FALSE);
  gtk_spinner_stop (self->send_spinner);
  if (message != NULL)
    qd_show_toast (GTK_WIDGET (self), message);
  refresh (self);
  send_free (send);
}

/* How many samples the server took, how many wait in the outbox, how
 * many it refused for good; and the first reason one was not sent. */
static void
count_results (GPtrArray  *results,
               guint      *sent,
               guint      *kept,
               guint      *refused,
               char      **first_error)
{
  *sent = *kept = *refused = 0;
  for (guint i = 0; results != NULL && i < results->len; i++)
    {
      QdSendResult *r = g_ptr_array_index (results, i);

      if (r->sent)
        *sent += r->n_samples;
      else
        {
          *(r->kept ? kept : refused) += r->n_samples;
          if (*first_error == NULL && r->error != NULL)
            *first_error = g_strdup (r->error->message);
        }
    }
}

/* moving what was reported from the Inbox to Junk, once sent */

typedef struct
{
  QdReportPage *self;
  guint32       uidvalidity;
  GArray       *uids;     /* guint32 */
  GPtrArray    *names;    /* char *, the subject of each of uids */
  GPtrArray    *stale;    /* char *, subjects picked before the Inbox was renumbered */
} JunkMove;

static void
junk_move_free (JunkMove *move)
{
  g_clear_object (&move->self);
  g_array_unref (move->uids);
  g_ptr_array_unref (move->names);
  g_ptr_array_unref (move->stale);
  g_free (move);
}

static char *
sample_title (QdSample *sample)
{
  return qd_text_make_safe (qd_sample_get_subject (sample) != NULL
                            ? qd_sample_get_subject (sample) : qd_sample_get_name (sample), -1);
}

/* The samples picked to go to Junk among those the server accepted;
 * NULL when none.  They are forgotten here, so none moves twice. */
static JunkMove *
sent_to_junk (Send      *send,
              GPtrArray *results)
{
  QdReportPage *self = send->self;
  JunkMove *move = NULL;

  for (guint r = 0; results != NULL && send->packed != NULL && r < results->len; r++)
    {
      QdSendResult *result = g_ptr_array_index (results, r);

      if (!result->sent)
        continue;
      for (guint i = 0; i < send->packed->len; i++)
        {
          QdSubmission *submission = g_ptr_array_index (send->packed, i);
          GPtrArray *samples = qd_submission_get_samples (submission);

          if (g_strcmp0 (qd_submission_get_message_id (submission), result->message_id) != 0)
            continue;
          for (guint j = 0; j < samples->len; j++)
            {
              QdSample *sample = g_ptr_array_index (samples, j);
              Origin *origin = g_hash_table_lookup (self->origins, sample);

              if (origin == NULL || !origin->move_to_junk)
                continue;
              if (move == NULL)
                {
                  move = g_new0 (JunkMove, 1);
                  move->self = g_object_ref (self);
                  move->uidvalidity = origin->uidvalidity;
                  move->uids = g_array_new (FALSE, FALSE, sizeof (guint32));
                  move->names = g_ptr_array_new_with_free_func (g_free);
                  move->stale = g_ptr_array_new_with_free_func (g_free);
                }
              if (origin->uidvalidity == move->uidvalidity)
                {
                  g_array_append_val (move->uids, origin->uid);
                  g_ptr_array_add (move->names, sample_title (sample));
                }
              else
                g_ptr_array_add (move->stale, sample_title (sample));
              g_hash_table_remove (self->origins, sample);
            }
        }
    }
  return move;
}

static void
moved_to_junk_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  JunkMove *move = user_data;
  g_autoptr(QdMailboxMoveResult) moved = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GPtrArray) not_moved = g_ptr_array_new ();
  guint total = move->uids->len + move->stale->len;

  moved = qd_mailbox_move_finish (QD_MAILBOX (object), result, &error);
  if (moved == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The reported messages were not moved to "
                                                    "Junk: %s"), error->message);

      qd_show_toast (GTK_WIDGET (move->self), message);
      junk_move_free (move);
      return;
    }
  for (guint i = 0; i < moved->uids->len; i++)
    if (g_array_index (moved->statuses, QdMailboxMoveStatus, i) != QD_MAILBOX_MOVE_MOVED)
      g_ptr_array_add (not_moved, g_ptr_array_index (move->names, i));
  for (guint i = 0; i < move->stale->len; i++)
    g_ptr_array_add (not_moved, g_ptr_array_index (move->stale, i));

  if (not_moved->len == 0)
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                               "%u reported message moved to Junk.",
                                               "%u reported messages moved to Junk.",
                                               moved->n_moved), moved->n_moved);
  else
    {
      g_autofree char *names = NULL;

      g_ptr_array_add (not_moved, NULL);
      names = g_strjoinv (", ", (char **)not_moved->pdata);
      /* Translators: "1 of 2 reported messages moved to Junk. Not moved: “Subject”." */
      g_string_append_printf (text, _("%u of %u reported messages moved to Junk. Not moved: "
                                      "%s."), moved->n_moved, total, names);
      if (moved->error != NULL)
        g_string_append_printf (text, " %s", moved->error->message);
      else if (moved->n_gone > 0)
        g_string_append_printf (text, " %s", _("They were no longer in your Inbox."));
      else if (move->stale->len > 0)
        g_string_append_printf (text, " %s", _("Your Inbox was renumbered on the server "
                                               "since they were picked; move them in your "
                                               "mail program."));
    }
  qd_show_toast (GTK_WIDGET (move->self), text->str);
  junk_move_free (move);
}

/* Only after the server took them: a report waiting in the outbox may
 * yet fail, and its messages would be in Junk unreported. */
static void
move_to_junk (JunkMove *move)
{
  QdMailbox *mailbox = qd_session_get_mailbox (session (move->self));
  QdMailboxFolders *folders = qd_session_get_mailbox_folders (session (move->self));

  if (mailbox == NULL || folders == NULL || folders->junk == NULL)
    {
      qd_show_toast (GTK_WIDGET (move->self),
                     _("The reported messages were not moved to Junk: you are no longer "
                       "signed in to your mailbox. Move them in your mail program."));
      junk_move_free (move);
      return;
    }
  /* Not the page's cancellable: a move once asked for finishes, and says
   * exactly which messages went. */
  qd_mailbox_move_async (mailbox, QD_MAILBOX_FOLDER_INBOX, QD_MAILBOX_FOLDER_JUNK,
                         move->uidvalidity, (const guint32 *)move->uids->data, move->uids->len,
                         NULL, moved_to_junk_cb, move);
}

static void
submitted_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Send *send = user_data;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  JunkMove *junk = NULL;
  guint sent, kept, refused;

  results = qd_submitter_submit_finish (QD_SUBMITTER (object), result, &error);
  if (results == NULL)
    {
      message = g_strdup_printf (_("Nothing was sent: %s"), error->message);
      send_done (send, message);
      return;
    }
  count_results (results, &sent, &kept, &refused, &message);
  junk = sent_to_junk (send, results);
  /* Refused or waiting, they stay on the page with their reason. */
  kept += refused;
  /* What the server accepted leaves the page; the rest stays, to retry. */
  if (kept == 0)
    for (guint i = 0; i < send->sendable->len; i++)
      {
        g_hash_table_remove (send->self->origins, g_ptr_array_index (send->sendable, i));
        g_ptr_array_remove (send->self->samples, g_ptr_array_index (send->sendable, i));
      }
  if (kept == 0)
    {
      g_free (message);
      message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "%u sample reported. Check later whether it is "
                                              "classified as spam.",
                                              "%u samples reported. Check later whether they "
                                              "are classified as spam.", sent), sent);
    }
  else
    {
      g_autofree char *why = g_steal_pointer (&message);

      message = g_strdup_printf (_("%u of %u samples were not sent yet (%s). They stay in the "
                                   "outbox and are sent again later."), kept, sent + kept,
                                 why != NULL ? why : "");
    }
  send_done (send, message);
  if (junk != NULL)
    move_to_junk (junk);
}

static void
probed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Send *send = user_data;
  QdReportPage *self = send->self;
  g_autoptr(QdSmtpCapabilities) caps = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) packed = NULL;
  g_autoptr(QdGatewayInfo) info = gateway_info (self);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  QdSmtpExtensions extensions = QD_SMTP_ASSUMED_EXTENSIONS;
  gint64 limit = info->max_message_bytes;

  caps = qd_smtp_client_probe_finish (QD_SMTP_CLIENT (object), result, &error);
  if (caps == NULL)
    {
      g_autofree char *message = NULL;

      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        message = g_strdup_printf (_("The mail server cannot be reached: %s"), error->message);
      send_done (send, message);
      return;
    }
  extensions = caps->extensions;
  if (caps->max_size > 0)
    limit = MIN (limit, caps->max_size + 1);
  /* A sample the server cannot carry unmodified is refused, never altered. */
  for (guint i = 0; i < send->sendable->len; i++)
    qd_sample_check_transport (g_ptr_array_index (send->sendable, i), extensions);
  for (guint i = send->sendable->len; i > 0; i--)
    if (!qd_sample_is_sendable (g_ptr_array_index (send->sendable, i - 1)))
      g_ptr_array_remove_index (send->sendable, i - 1);
  if (send->sendable->len == 0)
    {
      send_done (send, _("The mail server cannot carry these samples unmodified."));
      return;
    }
  packed = qd_submission_pack (send->sendable, send->target.from, send->target.to, limit, now,
                               &error);
  if (packed == NULL)
    {
      send_done (send, error->message);
      return;
    }
  send->packed = g_ptr_array_ref (packed);
  qd_submitter_submit_async (send->submitter, packed, self->sending, submitted_cb, send);
}

static void
password_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Send *send = user_data;
  QdSmtpClient *client = qd_submitter_get_client (send->submitter);
  g_autoptr(GError) error = NULL;
  char *password = qd_keyring_lookup_finish (result, &error);

  if (password == NULL)
    {
      send_done (send, error != NULL ? error->message
                                     : _("The password of the mail server account is not "
                                         "stored. Enter it in Preferences."));
      return;
    }
  qd_smtp_client_set_credentials (client, send->target.user, password);
  qd_secret_free (password);
  start_sending (send);
}

static void
pending_sent_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Send *send = user_data;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *why = NULL;
  guint sent, kept, refused;

  results = qd_submitter_send_pending_finish (QD_SUBMITTER (object), result, &error);
  count_results (results, &sent, &kept, &refused, &why);
  if (results == NULL)
    message = g_strdup_printf (_("Reports waiting from an earlier session were not sent: %s"),
                               error->message);
  else if (refused > 0)
    message = g_strdup_printf (_("Reports waiting from an earlier session were not sent: %s"),
                               why != NULL ? why : "");
  else if (kept > 0)
    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "%u sample reported in an earlier session is "
                                            "still waiting; it is sent again later.",
                                            "%u samples reported in an earlier session are "
                                            "still waiting; they are sent again later.", kept),
                               kept);
  else if (sent > 0)
    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "%u sample reported in an earlier session has "
                                            "now been sent.",
                                            "%u samples reported in an earlier session have "
                                            "now been sent.", sent), sent);
  send_done (send, message);
}

static void
start_sending (Send *send)
{
  QdSmtpClient *client = qd_submitter_get_client (send->submitter);

  if (send->sendable == NULL)
    qd_submitter_send_pending_async (send->submitter, send->self->sending, pending_sent_cb,
                                     send);
  else
    qd_smtp_client_probe_async (client, send->self->sending, probed_cb, send);
}

/* Sends SENDABLE (transfer full), or with %NULL what waits in STORE's
 * outbox: the target, the SMTP client, the password if the account has
 * one, then the submitter. */
static void
begin_sending (QdReportPage *self,
               GPtrArray    *sendable,
               QdStore      *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdSmtpClient) client = NULL;
  g_autoptr(QdStore) opened = NULL;
  g_autofree char *ca_file = g_settings_get_string (settings (self), "ca-file");
  Send *send = g_new0 (Send, 1);

  send->self = g_object_ref (self);
  send->sendable = sendable;
  self->sending = g_cancellable_new ();
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "report.send", FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->send_spinner), TRUE);
  gtk_spinner_start (self->send_spinner);

  /* The outbox first: from here on, nothing asked for is lost. */
  if (store == NULL)
    store = opened = qd_store_open (NULL, &error);
  if (store == NULL || !resolve_target (self, &send->target, &error) ||
      (client = qd_submit_target_new_client (&send->target, ca_file, &error)) == NULL)
    {
      g_autofree char *message =
        sendable != NULL ? g_strdup (error->message)
                         : g_strdup_printf (_("Reports waiting from an earlier session were "
                                              "not sent: %s"), error->message);

      send_done (send, message);
      return;
    }
  send->submitter = qd_submitter_new (store, client);
  if (send->target.user != NULL)
    {
      g_autofree char *server = qd_smtp_client_dup_server (client);

      qd_keyring_lookup_async (QD_SECRET_SMTP_PASSWORD, server, send->target.user,
                               self->sending, password_cb, send);
    }
  else
    start_sending (send);
}

static void
send_action (GtkWidget  *widget,
             const char *name,
             GVariant   *parameter)
{
  QdReportPage *self = QD_REPORT_PAGE (widget);

  begin_sending (self, sendable_samples (self), NULL);
}

/**
 * qd_report_page_send_pending:
 *
 * Sends what waits in the outbox from an earlier session: reports the
 * window was sending when it was closed or killed.  They were written to
 * the outbox before the first byte went out, so none is lost; this is
 * where they leave it.  @store is the one the caller found them in.
 */
void
qd_report_page_send_pending (QdReportPage *self,
                             QdStore      *store)
{
  g_return_if_fail (QD_IS_REPORT_PAGE (self));
  g_return_if_fail (QD_IS_STORE (store));

  if (self->sending != NULL)
    return;
  begin_sending (self, NULL, store);
}

static void
refresh_action (GtkWidget  *widget,
                const char *name,
                GVariant   *parameter)
{
  refresh (QD_REPORT_PAGE (widget));
}

/* the session */

static void
update_description (QdReportPage *self)
{
  g_autoptr(QdGatewayInfo) info = gateway_info (self);
  g_autofree char *description = NULL;

  description = g_strdup_printf (_("Add the original messages that should have been caught, "
                                   "saved as .eml from your mail program, or drop them here. "
                                   "They are forwarded unmodified, at most %u days after you "
                                   "received them, never compressed."),
                                 info->max_sample_age_days);
  adw_status_page_set_description (self->empty_page, description);
}

/* Picking from the Inbox needs a mailbox. */
static void
update_inbox (QdReportPage *self)
{
  gboolean has_mailbox = qd_session_get_mailbox (session (self)) != NULL;

  gtk_widget_set_visible (self->inbox_button, has_mailbox);
  gtk_widget_set_visible (self->inbox_empty_button, has_mailbox);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "report.add-from-inbox", has_mailbox);
}

/* Signing in brings the gateway's limits. */
static void
qd_report_page_signed_in (QdSessionPage *page)
{
  QdReportPage *self = QD_REPORT_PAGE (page);

  update_inbox (self);
  update_description (self);
  refresh (self);
}

/* Signing out drops the samples not sent, which are that user's mail; a
 * report already on its way ends as it began, as that user. */
static void
qd_report_page_signed_out (QdSessionPage *page)
{
  QdReportPage *self = QD_REPORT_PAGE (page);

  /* The picker lists that user's Inbox. */
  if (self->picker != NULL)
    gtk_window_destroy (self->picker);
  g_hash_table_remove_all (self->origins);
  g_ptr_array_set_size (self->samples, 0);
  update_inbox (self);
  update_description (self);
  refresh (self);
}

/* GObject */

static void
qd_report_page_dispose (GObject *object)
{
  QdReportPage *self = (QdReportPage *)object;

  g_cancellable_cancel (self->sending);
  g_clear_object (&self->sending);
  g_clear_weak_pointer (&self->picker);
  g_clear_pointer (&self->origins, g_hash_table_unref);
  g_clear_pointer (&self->samples, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), QD_TYPE_REPORT_PAGE);

  G_OBJECT_CLASS (qd_report_page_parent_class)->dispose (object);
}

static void
qd_report_page_constructed (GObject *object)
{
  QdReportPage *self = (QdReportPage *)object;

  G_OBJECT_CLASS (qd_report_page_parent_class)->constructed (object);

  /* They name where reports go. */
  g_assert (G_IS_SETTINGS (settings (self)));
  update_inbox (self);
  update_description (self);
  refresh (self);
}

static void
qd_report_page_class_init (QdReportPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  QdSessionPageClass *page_class = QD_SESSION_PAGE_CLASS (klass);

  object_class->dispose = qd_report_page_dispose;
  object_class->constructed = qd_report_page_constructed;

  page_class->signed_in = qd_report_page_signed_in;
  page_class->signed_out = qd_report_page_signed_out;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/qd-report-page.ui");
  gtk_widget_class_bind_template_child (widget_class, QdReportPage, stack);
  gtk_widget_class_bind_template_child (widget_class, QdReportPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, QdReportPage, sample_list);
  gtk_widget_class_bind_template_child (widget_class, QdReportPage, plan_row);
  gtk_widget_class_bind_template_child (widget_class, QdReportPage, target_row);
  gtk_widget_class_bind_template_child (widget_class, QdReportPage, send_spinner);
  gtk_widget_class_bind_template_child (widget_class, QdReportPage, inbox_button);
  gtk_widget_class_bind_template_child (widget_class, QdReportPage, inbox_empty_button);

  gtk_widget_class_install_action (widget_class, "report.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "report.add-from-inbox", NULL,
                                   add_from_inbox_action);
  gtk_widget_class_install_action (widget_class, "report.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "report.refresh", NULL, refresh_action);
}

static void
qd_report_page_init (QdReportPage *self)
{
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->samples = g_ptr_array_new_with_free_func (g_object_unref);
  self->origins = g_hash_table_new_full (NULL, NULL, g_object_unref, g_free);

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "report.send", FALSE);
}
