/* qd-submissions-page.c — reports get no reply, so the page shows whether
 * the gateway now classifies each sample as spam
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "qd-format.h"
#include "qd-report-window.h"
#include "qd-submissions-page.h"
#include "qd-toast.h"

struct _QdSubmissionsPage
{
  AdwBin         parent_instance;

  GtkStack      *stack;
  GtkListBox    *list;
  AdwStatusPage *error_page;

  QdFollowUp    *follow_up;
  GCancellable  *checking;
  char          *highlight;    /* the sample a notification pointed at */
};

G_DEFINE_FINAL_TYPE (QdSubmissionsPage, qd_submissions_page, ADW_TYPE_BIN)

static char *
describe_status (QdSampleRecord *record)
{
  g_autofree char *when = qd_format_when (qd_sample_record_get_status_time (record));

  switch (record->status)
    {
    case QD_FOLLOW_UP_NOW_SPAM:
      {
        g_autofree char *since = qd_format_when (record->spam_at);

        /* Translators: a reported sample is now caught, since a time */
        return g_strdup_printf (_("Now classified as spam (since %s)"), since);
      }
    case QD_FOLLOW_UP_STILL_MISSED:
      /* Translators: the last check found it not spam, at a time */
      return g_strdup_printf (_("Still missed (checked %s)"), when);
    case QD_FOLLOW_UP_SENT:
      return g_strdup_printf (_("Sent %s"), when);
    case QD_FOLLOW_UP_QUEUED:
      return g_strdup (_("Waiting in the outbox"));
    case QD_FOLLOW_UP_EXPIRED:
      return g_strdup (_("Not sent: it became too old while waiting"));
    case QD_FOLLOW_UP_REFUSED:
    default:
      return g_strdup (_("Refused by the mail server"));
    }
}

static void check_samples (QdSubmissionsPage  *self,
                           const char * const *sha256s);

static void
check_one_cb (GtkButton         *button,
              QdSubmissionsPage *self)
{
  const char *sha256s[] = { g_object_get_data (G_OBJECT (button), "sha256"), NULL };

  check_samples (self, sha256s);
}

static void
report_cb (GtkButton         *button,
           QdSubmissionsPage *self)
{
  const char *sha256 = g_object_get_data (G_OBJECT (button), "sha256");
  const char *sha256s[] = { sha256, NULL };
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = qd_follow_up_build_report (self->follow_up, sha256s, now, &error);

  if (text == NULL)
    {
      qd_show_toast (GTK_WIDGET (self), error->message);
      return;
    }
  gtk_window_present (GTK_WINDOW (qd_report_window_new (
    GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), text)));
}

static GtkWidget *
suffix_button (const char *icon,
               const char *tooltip,
               const char *sha256)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  tooltip, -1);
  g_object_set_data_full (G_OBJECT (button), "sha256", g_strdup (sha256), g_free);
  return button;
}

static GtkWidget *
record_row (QdSubmissionsPage *self,
            QdSampleRecord    *record,
            GDateTime         *now)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *state = gtk_label_new (NULL);
  g_autofree char *title = qd_text_make_safe (record->subject != NULL ? record->subject
                                                                      : _("(no subject)"), -1);
  g_autofree char *from = qd_text_make_safe (record->from != NULL ? record->from : "", -1);
  g_autofree char *text = describe_status (record);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), from);
  gtk_label_set_text (GTK_LABEL (state), text);
  gtk_label_set_wrap (GTK_LABEL (state), TRUE);
  gtk_label_set_xalign (GTK_LABEL (state), 1);
  gtk_label_set_max_width_chars (GTK_LABEL (state), 26);
  gtk_widget_add_css_class (state, record->status == QD_FOLLOW_UP_NOW_SPAM ? "success"
                                   : record->status == QD_FOLLOW_UP_STILL_MISSED ? "warning"
                                   : "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), state);

  /* Once classified as spam, a sample is not asked about again. */
  if (record->status != QD_FOLLOW_UP_NOW_SPAM && qd_sample_record_can_recheck (record, NULL))
    {
      GtkWidget *check = suffix_button ("view-refresh-symbolic", _("Check Now"), record->sha256);

      gtk_widget_set_sensitive (check, self->checking == NULL);
      g_signal_connect (check, "clicked", G_CALLBACK (check_one_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), check);
    }
  /* Still missed a day after the report: the seed says to ask support. */
  if (qd_sample_record_can_escalate (record, now, NULL))
    {
      GtkWidget *report = suffix_button ("mail-reply-sender-symbolic",
                                         _("Prepare a Support Report"), record->sha256);

      g_signal_connect (report, "clicked", G_CALLBACK (report_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), report);
    }
  if (g_strcmp0 (self->highlight, record->sha256) == 0)
    gtk_widget_add_css_class (row, "highlighted");
  return row;
}

static void
populate (QdSubmissionsPage *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GPtrArray *records = qd_follow_up_get_samples (self->follow_up);
  GtkWidget *child;
  gboolean any_pending = FALSE;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  for (guint i = 0; records != NULL && i < records->len; i++)
    {
      QdSampleRecord *record = g_ptr_array_index (records, i);
      GtkWidget *row = record_row (self, record, now);

      gtk_list_box_append (self->list, row);
      any_pending |= record->status != QD_FOLLOW_UP_NOW_SPAM &&
                     qd_sample_record_can_recheck (record, NULL);
      if (g_strcmp0 (self->highlight, record->sha256) == 0)
        gtk_widget_grab_focus (row);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "submissions.check-all",
                                 any_pending && self->checking == NULL);
  gtk_stack_set_visible_child_name (self->stack, records != NULL && records->len > 0
                                                 ? "list" : "empty");
}

static void
reloaded_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(QdSubmissionsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!qd_follow_up_reload_finish (QD_FOLLOW_UP (object), result, &error))
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }
  populate (self);
}

void
qd_submissions_page_reload (QdSubmissionsPage *self)
{
  g_return_if_fail (QD_IS_SUBMISSIONS_PAGE (self));

  if (self->follow_up == NULL)
    return;
  qd_follow_up_reload_async (self->follow_up, NULL, reloaded_cb, g_object_ref (self));
}

static void
checked_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(QdSubmissionsPage) self = user_data;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  guint now_spam = 0;
  guint missed = 0;
  const GError *first_error = NULL;

  g_clear_object (&self->checking);
  results = qd_follow_up_recheck_finish (QD_FOLLOW_UP (object), result, &error);
  if (results == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        qd_show_toast (GTK_WIDGET (self), error->message);
      populate (self);
      return;
    }
  for (guint i = 0; i < results->len; i++)
    {
      QdRecheckResult *r = g_ptr_array_index (results, i);

      if (r->error != NULL && first_error == NULL)
        first_error = r->error;
      else if (r->checked && r->after == QD_FOLLOW_UP_NOW_SPAM)
        now_spam++;
      else if (r->checked)
        missed++;
    }
  if (first_error != NULL)
    qd_show_toast (GTK_WIDGET (self), first_error->message);
  else
    {
      g_autofree char *summary =
        now_spam > 0 ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                     "%u sample is now classified as spam",
                                                     "%u samples are now classified as spam",
                                                     now_spam), now_spam)
                     : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                     "%u sample is still missed",
                                                     "%u samples are still missed", missed),
                                        missed);

      qd_show_toast (GTK_WIDGET (self), summary);
    }
  populate (self);
}

static void
check_samples (QdSubmissionsPage  *self,
               const char * const *sha256s)
{
  if (self->follow_up == NULL || self->checking != NULL)
    return;
  if (qd_follow_up_get_client (self->follow_up) == NULL)
    {
      qd_show_toast (GTK_WIDGET (self), _("Sign in to your gateway to check the samples."));
      return;
    }
  self->checking = g_cancellable_new ();
  populate (self);
  qd_follow_up_recheck_async (self->follow_up, sha256s, self->checking, checked_cb,
                              g_object_ref (self));
}

static void
check_all_action (GtkWidget  *widget,
                  const char *name,
                  GVariant   *parameter)
{
  check_samples (QD_SUBMISSIONS_PAGE (widget), NULL);
}

static void
changed_cb (QdSubmissionsPage *self)
{
  populate (self);
}

static void
qd_submissions_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (qd_submissions_page_parent_class)->map (widget);
  /* Reports are sent from another page: read the history when shown. */
  qd_submissions_page_reload (QD_SUBMISSIONS_PAGE (widget));
}

static void
qd_submissions_page_dispose (GObject *object)
{
  QdSubmissionsPage *self = (QdSubmissionsPage *)object;

  g_cancellable_cancel (self->checking);
  g_clear_object (&self->checking);
  g_clear_object (&self->follow_up);
  g_clear_pointer (&self->highlight, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (object), QD_TYPE_SUBMISSIONS_PAGE);

  G_OBJECT_CLASS (qd_submissions_page_parent_class)->dispose (object);
}

static void
qd_submissions_page_class_init (QdSubmissionsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qd_submissions_page_dispose;
  widget_class->map = qd_submissions_page_map;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/qd-submissions-page.ui");
  gtk_widget_class_bind_template_child (widget_class, QdSubmissionsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, QdSubmissionsPage, list);
  gtk_widget_class_bind_template_child (widget_class, QdSubmissionsPage, error_page);
  gtk_widget_class_install_action (widget_class, "submissions.check-all", NULL,
                                   check_all_action);
}

static void
qd_submissions_page_init (QdSubmissionsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "submissions.check-all", FALSE);
}

void
qd_submissions_page_set_follow_up (QdSubmissionsPage *self,
                                   QdFollowUp        *follow_up)
{
  g_return_if_fail (QD_IS_SUBMISSIONS_PAGE (self));

  if (self->follow_up != NULL)
    g_signal_handlers_disconnect_by_data (self->follow_up, self);
  g_set_object (&self->follow_up, follow_up);
  if (follow_up != NULL)
    g_signal_connect_object (follow_up, "changed", G_CALLBACK (changed_cb), self,
                             G_CONNECT_SWAPPED);
  else
    {
      adw_status_page_set_description (self->error_page,
                                       _("The local store of reports cannot be opened."));
      gtk_stack_set_visible_child_name (self->stack, "error");
    }
}

/**
 * qd_submissions_page_show_sample:
 *
 * Marks the sample a notification was about, so the person finds it.
 */
void
qd_submissions_page_show_sample (QdSubmissionsPage *self,
                                 const char        *sha256)
{
  g_return_if_fail (QD_IS_SUBMISSIONS_PAGE (self));

  g_free (self->highlight);
  self->highlight = g_strdup (sha256);
  qd_submissions_page_reload (self);
}
