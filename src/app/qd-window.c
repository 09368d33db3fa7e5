/* qd-window.c — the main window: sign-in, the folders' pages, actions, new-mail notices
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "qd-bench.h"
#include "qd-check-window.h"
#include "qd-file-chooser.h"
#include "qd-messages-page.h"
#include "qd-report-page.h"
#include "qd-senders-window.h"
#include "qd-sign-in-page.h"
#include "qd-submissions-page.h"
#include "qd-window.h"

struct _QdWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  QdSession            *session;

  /* template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewSwitcherBar   *switcher_bar;
  GtkStack             *stack;
  AdwViewStack         *view_stack;
  AdwBin               *sign_in_bin;
  AdwBin               *quarantine_bin;
  AdwBin               *junk_bin;
  AdwViewStackPage     *junk_stack_page;
  AdwViewStackPage     *quarantine_stack_page;
  AdwBin               *report_bin;
  AdwBin               *submissions_bin;

  /* Built when first shown or needed (see get_messages_page ()), in their
   * bins: a page is given the session as it is constructed, which a
   * template cannot do */
  QdSignInPage         *sign_in_page;
  QdMessagesPage       *quarantine_page;
  QdMessagesPage       *junk_page;
  QdReportPage         *report_page;
  QdSubmissionsPage    *submissions_page;

  /* A remembered sign-in on its way, begun before the window was built */
  GCancellable         *restoring;
  gboolean              sign_out_after_restore;

  guint                 new_mail_source;
  GCancellable         *new_mail;
  GPtrArray            *new_items;
  guint                 new_mail_pending;
};

G_DEFINE_FINAL_TYPE (QdWindow, qd_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_CONTENT_READY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
content_changed_cb (QdWindow *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTENT_READY]);
}

/* Only the page the window opens on is built with it.  The others are
 * built when first shown or needed: building all four, and measuring them
 * all (a view stack measures its hidden pages too), made the first frame
 * after signing in 100 ms late on a slow machine; a mailbox alone never
 * shows Quarantine, which took 30 ms of its start. */

static QdMessagesPage *
get_messages_page (QdWindow *self,
                   QdFolder  folder)
{
  QdMessagesPage **page = folder == QD_FOLDER_JUNK ? &self->junk_page : &self->quarantine_page;

  if (*page == NULL)
    {
      /* Given what it needs before it is shown, as a page reads its data
       * when mapped. */
      *page = g_object_new (QD_TYPE_MESSAGES_PAGE,
                            "folder", folder,
                            "session", self->session,
                            NULL);
      qd_messages_page_set_signing_in (*page, self->restoring != NULL &&
                                       !qd_session_get_signed_in (self->session));
      g_signal_connect_object (*page, "notify::settled", G_CALLBACK (content_changed_cb),
                               self, G_CONNECT_SWAPPED);
      adw_bin_set_child (folder == QD_FOLDER_JUNK ? self->junk_bin : self->quarantine_bin,
                         GTK_WIDGET (*page));
    }
  return *page;
}

static QdReportPage *
get_report_page (QdWindow *self)
{
  if (self->report_page == NULL)
    {
      self->report_page = g_object_new (QD_TYPE_REPORT_PAGE,
                                        "session", self->session,
                                        "settings", self->settings,
                                        NULL);
      adw_bin_set_child (self->report_bin, GTK_WIDGET (self->report_page));
    }
  return self->report_page;
}

static QdSubmissionsPage *
get_submissions_page (QdWindow *self)
{
  if (self->submissions_page == NULL)
    {
      GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

      self->submissions_page = g_object_new (QD_TYPE_SUBMISSIONS_PAGE, NULL);
      qd_submissions_page_set_follow_up (self->submissions_page,
                                         qd_application_get_follow_up (QD_APPLICATION (app)));
      adw_bin_set_child (self->submissions_bin, GTK_WIDGET (self->submissions_page));
    }
  return self->submissions_page;
}

/* The form is built when first shown: a start that signs in with what
 * the keyring remembers goes straight to the list, and building and
 * styling a form it never shows took 20–30 ms on the way (bench/run). */
static QdSignInPage *
get_sign_in_page (QdWindow *self)
{
  if (self->sign_in_page == NULL)
    {
      self->sign_in_page = g_object_new (QD_TYPE_SIGN_IN_PAGE,
                                         "session", self->session,
                                         "settings", self->settings,
                                         NULL);
      adw_bin_set_child (self->sign_in_bin, GTK_WIDGET (self->sign_in_page));
      g_signal_connect (self->sign_in_page, "map", G_CALLBACK (qd_bench_sign_in_shown), NULL);
    }
  return self->sign_in_page;
}

/* The page named @name, built if it was not yet. */
static GtkWidget *
get_page (QdWindow   *self,
          const char *name)
{
  if (g_strcmp0 (name, "junk") == 0)
    return GTK_WIDGET (get_messages_page (self, QD_FOLDER_JUNK));
  if (g_strcmp0 (name, "report") == 0)
    return GTK_WIDGET (get_report_page (self));
  if (g_strcmp0 (name, "submissions") == 0)
    return GTK_WIDGET (get_submissions_page (self));
  return GTK_WIDGET (get_messages_page (self, QD_FOLDER_QUARANTINE));
}

/* Opens on tab @name if it has one (else on the one shown), its page built. */
static void
open_tab (QdWindow   *self,
          const char *name)
{
  if (adw_view_stack_get_child_by_name (self->view_stack, name) != NULL)
    adw_view_stack_set_visible_child_name (self->view_stack, name);
  get_page (self, adw_view_stack_get_visible_child_name (self->view_stack));
}

static void
update_switcher_cb (QdWindow *self)
{
  gboolean main = g_str_equal (gtk_stack_get_visible_child_name (self->stack), "main");

  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title, main);
  adw_view_switcher_bar_set_reveal (self->switcher_bar,
                                    main && adw_view_switcher_title_get_title_visible (
                                      self->switcher_title));
}

/* Offered only where the gateway keeps sender lists. */
static gboolean
has_sender_lists (QdWindow *self)
{
  QdGateway *gateway = qd_session_get_gateway (self->session);

  return gateway != NULL &&
         (qd_gateway_get_capabilities (gateway) & QD_GATEWAY_CAN_SENDER_LISTS) != 0;
}

/* The main view before the session has signed in is the remembered
 * sign-in on its way: what needs a session waits, Cancel and Sign Out do not. */
static void
show_page (QdWindow   *self,
           const char *name)
{
  gboolean main = g_str_equal (name, "main");
  gboolean signed_in = qd_session_get_signed_in (self->session);
  QdGateway *gateway = qd_session_get_gateway (self->session);
  /* Only a gateway that classifies checks a sample: no menu item otherwise. */
  gboolean classifies = gateway != NULL &&
                        (qd_gateway_get_capabilities (gateway) & QD_GATEWAY_CAN_CLASSIFY);

  if (!main)
    get_sign_in_page (self);
  gtk_stack_set_visible_child_name (self->stack, name);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sign-out", main);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.check-sample",
                                 main && signed_in && classifies);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sender-lists",
                                 main && signed_in && has_sender_lists (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.refresh", !main || signed_in);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-sign-in", main && !signed_in);
  update_switcher_cb (self);
  content_changed_cb (self);
}

/* No tab that could only say there is nothing to show it from: no
 * Quarantine for a mailbox alone, no Junk for a gateway without one.
 * Returns the page to open on: the last one, if it has a tab. */
static char *
choose_tabs (QdWindow *self,
             gboolean  quarantine,
             gboolean  junk)
{
  g_autofree char *last = g_settings_get_string (self->settings, "last-view");
  AdwViewStackPage *pages[] = { self->quarantine_stack_page, self->junk_stack_page };
  gboolean shown[] = { quarantine, junk };

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      adw_view_stack_page_set_visible (pages[i], shown[i]);
      if (!shown[i] && g_strcmp0 (last, adw_view_stack_page_get_name (pages[i])) == 0)
        {
          g_free (last);
          last = g_strdup (quarantine ? "quarantine" : "report");
        }
    }
  return g_steal_pointer (&last);
}

/* New held mail: looked for now and then, told in one notification. */

static char *
summarize_new_items (GPtrArray *items)
{
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < items->len; i++)
    {
      QdItem *item = g_ptr_array_index (items, i);
      const char *label = qd_item_get_category (item) != QD_CATEGORY_NONE
                          ? qd_category_get_label (qd_item_get_category (item))
                          : qd_reason_get_label (qd_item_get_reason (item));
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, label));

      if (n == 0)
        g_ptr_array_add (order, (gpointer)label);
      g_hash_table_insert (counts, (gpointer)label, GUINT_TO_POINTER (n + 1));
    }
  for (guint i = 0; i < order->len; i++)
    {
      const char *label = g_ptr_array_index (order, i);

      if (i > 0)
        /* Translators: separates "3 Spam" from "1 Forum" in a list */
        g_string_append (text, _(", "));
      /* Translators: a count and what it counts, "3 Spam" */
      g_string_append_printf (text, _("%u %s"),
                              GPOINTER_TO_UINT (g_hash_table_lookup (counts, label)), label);
    }
  return g_string_free (text, FALSE);
}

static void
new_mail_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(QdWindow) self = user_data;
  g_autoptr(GPtrArray) items = qd_item_list_fetch_new_finish (QD_ITEM_LIST (object), result,
                                                              NULL);
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  if (items != NULL && self->new_items != NULL)
    g_ptr_array_extend (self->new_items, items, (GCopyFunc)(void (*) (void))g_object_ref, NULL);
  if (--self->new_mail_pending > 0 || self->new_items == NULL)
    return;
  if (self->new_items->len > 0 && app != NULL)
    {
      g_autoptr(GNotification) notification = NULL;
      g_autofree char *summary = summarize_new_items (self->new_items);
      g_autofree char *title =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u new message held",
                                      "%u new messages held", self->new_items->len),
                         self->new_items->len);

      /* One notification for all of them, never one per message. */
      notification = g_notification_new (title);
      g_notification_set_body (notification, summary);
      g_application_send_notification (app, "new-mail", notification);
    }
  g_clear_pointer (&self->new_items, g_ptr_array_unref);
}

static gboolean
new_mail_tick (gpointer user_data)
{
  QdWindow *self = user_data;
  /* Junk, if never shown, has no list to compare with. */
  QdMessagesPage *pages[] = { self->quarantine_page, self->junk_page };

  if (!qd_session_get_signed_in (self->session) || self->new_items != NULL)
    return G_SOURCE_CONTINUE;
  self->new_items = g_ptr_array_new_with_free_func (g_object_unref);
  self->new_mail_pending = 0;
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      QdItemList *list = pages[i] != NULL ? qd_messages_page_get_list (pages[i]) : NULL;

      if (list == NULL || qd_item_list_get_loading (list))
        continue;
      self->new_mail_pending++;
      qd_item_list_fetch_new_async (list, self->new_mail, new_mail_cb, g_object_ref (self));
    }
  if (self->new_mail_pending == 0)
    g_clear_pointer (&self->new_items, g_ptr_array_unref);
  return G_SOURCE_CONTINUE;
}

static void
schedule_new_mail (QdWindow *self)
{
  guint interval = g_settings_get_uint (self->settings, "new-mail-interval");

  g_clear_handle_id (&self->new_mail_source, g_source_remove);
  if (interval > 0 && qd_session_get_signed_in (self->session))
    self->new_mail_source = g_timeout_add_seconds (interval, new_mail_tick, self);
}

/* Reports left unsent last time go out now, on the page that shows how
 * they fare: built for them if there are any. */
static void
send_pending_reports (QdWindow *self)
{
  g_autoptr(QdStore) store = qd_store_open (NULL, NULL);

  if (store != NULL && qd_store_count_pending (store, NULL) > 0)
    qd_report_page_send_pending (get_report_page (self), store);
}

static void
signed_in (QdWindow *self)
{
  g_autofree char *last =
    choose_tabs (self, qd_session_get_source (self->session, QD_FOLDER_QUARANTINE) != NULL,
                 qd_session_get_source (self->session, QD_FOLDER_JUNK) != NULL);

  send_pending_reports (self);
  open_tab (self, last);
  show_page (self, "main");
  schedule_new_mail (self);
}

/* The pages follow the session themselves; the window shows the page that
 * fits, and stops looking for the old user's new mail. */
static void
signed_in_changed_cb (QdWindow *self)
{
  if (qd_session_get_signed_in (self->session))
    {
      signed_in (self);
      return;
    }
  g_clear_handle_id (&self->new_mail_source, g_source_remove);
  g_cancellable_cancel (self->new_mail);
  g_set_object (&self->new_mail, g_cancellable_new ());
  g_clear_pointer (&self->new_items, g_ptr_array_unref);
  show_page (self, "sign-in");
}

/* The messages pages built so far say "Signing In…", or stop saying it. */
static void
set_signing_in (QdWindow *self,
                gboolean  signing_in)
{
  QdMessagesPage *pages[] = { self->quarantine_page, self->junk_page };

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    if (pages[i] != NULL)
      qd_messages_page_set_signing_in (pages[i], signing_in);
}

/* Opens on the page the session will show once signed in, as far as the
 * remembered places tell: Junk may go when the gateway says it has none;
 * a gateway of another kind than ours keeps none. */
static void
show_signing_in (QdWindow *self,
                 gboolean  gateway,
                 gboolean  mailbox)
{
  g_autofree char *kind = g_settings_get_string (self->settings, "gateway-kind");
  gboolean gateway_junk = gateway && (kind[0] == '\0' || g_str_equal (kind, "qd"));
  g_autofree char *last = choose_tabs (self, gateway, gateway_junk || mailbox);

  open_tab (self, last);
  set_signing_in (self, TRUE);
  show_page (self, "main");
}

/* Back to the form: the remembered sign-in failed or was cancelled. */
static void
leave_signing_in (QdWindow *self)
{
  set_signing_in (self, FALSE);
  if (!qd_session_get_signed_in (self->session))
    show_page (self, "sign-in");
}

static void
signed_out_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data);

static void
restored_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  /* Given to qd_session_restore_async () before the window existed (see
   * qd_window_new ()): it holds the window by now. */
  QdWindow **box = user_data;
  g_autoptr(QdWindow) self = *box;
  g_autoptr(GError) error = NULL;
  gboolean restored = qd_session_restore_finish (QD_SESSION (object), result, &error);

  g_free (box);
  g_clear_object (&self->restoring);
  if (self->session == NULL)   /* the window is gone */
    return;
  if (self->sign_out_after_restore)
    {
      /* Now that nothing of the restore can still store a password. */
      self->sign_out_after_restore = FALSE;
      if (!qd_session_get_signed_in (self->session) || restored)
        qd_session_sign_out_async (self->session, NULL, signed_out_cb, g_object_ref (self));
      return;
    }
  if (restored || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  leave_signing_in (self);
  qd_sign_in_page_restore_failed (get_sign_in_page (self), error);
}

static void
cancel_sign_in_action (GtkWidget  *widget,
                       const char *name,
                       GVariant   *parameter)
{
  QdWindow *self = QD_WINDOW (widget);

  /* The form at once: a connection that does not answer may take its time
   * to notice the cancellation. */
  g_cancellable_cancel (self->restoring);
  leave_signing_in (self);
}

static void
view_changed_cb (QdWindow *self)
{
  const char *name = adw_view_stack_get_visible_child_name (self->view_stack);

  if (name != NULL)
    get_page (self, name);
  if (self->settings != NULL && name != NULL)
    g_settings_set_string (self->settings, "last-view", name);
  content_changed_cb (self);
}

static void
signed_out_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(QdWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!qd_session_sign_out_finish (QD_SESSION (object), result, &error))
    qd_window_show_toast (self, error->message);
}

static void
sign_out_action (GtkWidget  *widget,
                 const char *name,
                 GVariant   *parameter)
{
  QdWindow *self = QD_WINDOW (widget);

  if (self->restoring != NULL && !qd_session_get_signed_in (self->session))
    {
      /* Still signing in: its passwords are forgotten once it has stopped. */
      self->sign_out_after_restore = TRUE;
      g_cancellable_cancel (self->restoring);
      leave_signing_in (self);
    }
  else
    qd_session_sign_out_async (self->session, NULL, signed_out_cb, g_object_ref (self));
  qd_window_show_toast (self, _("Signed out. The stored password was removed."));
}

static QdMessagesPage *
visible_messages_page (QdWindow *self)
{
  GtkWidget *page = get_page (self, adw_view_stack_get_visible_child_name (self->view_stack));

  return QD_IS_MESSAGES_PAGE (page) ? QD_MESSAGES_PAGE (page) : NULL;
}

static void
search_action (GtkWidget  *widget,
               const char *name,
               GVariant   *parameter)
{
  QdMessagesPage *page = visible_messages_page (QD_WINDOW (widget));

  if (page != NULL)
    qd_messages_page_focus_search (page);
}

static void
refresh_action (GtkWidget  *widget,
                const char *name,
                GVariant   *parameter)
{
  QdMessagesPage *page = visible_messages_page (QD_WINDOW (widget));

  if (page != NULL)
    qd_messages_page_refresh (page);
}

static void
add_samples_action (GtkWidget  *widget,
                    const char *name,
                    GVariant   *parameter)
{
  QdWindow *self = QD_WINDOW (widget);

  if (!g_str_equal (gtk_stack_get_visible_child_name (self->stack), "main"))
    return;
  adw_view_stack_set_visible_child_name (self->view_stack, "report");
  gtk_widget_activate_action (GTK_WIDGET (get_report_page (self)), "report.add", NULL);
}

static void
check_chosen_cb (GtkNativeDialog *dialog,
                 int              response,
                 QdWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT && qd_session_get_client (self->session) != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      gtk_window_present (GTK_WINDOW (qd_check_window_new (GTK_WINDOW (self),
                                                           qd_session_get_client (self->session),
                                                           file)));
    }
  g_object_unref (dialog);
}

static void
check_sample_action (GtkWidget  *widget,
                     const char *name,
                     GVariant   *parameter)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = qd_mail_file_filter_new ();

  chooser = qd_file_chooser_new_open (GTK_WINDOW (widget), _("Check a Sample"), _("_Check"),
                                      filter);
  g_signal_connect (chooser, "response", G_CALLBACK (check_chosen_cb), widget);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
sender_lists_action (GtkWidget  *widget,
                     const char *name,
                     GVariant   *parameter)
{
  QdWindow *self = QD_WINDOW (widget);

  if (has_sender_lists (self))
    gtk_window_present (GTK_WINDOW (qd_senders_window_new (GTK_WINDOW (self),
                                                           self->session)));
}

static gboolean
qd_window_close_request (GtkWindow *window)
{
  QdWindow *self = QD_WINDOW (window);
  int width;
  int height;

  /* Remember the size, not a maximized one. */
  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  if (!gtk_window_is_maximized (window))
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }

  return GTK_WINDOW_CLASS (qd_window_parent_class)->close_request (window);
}

static void
qd_window_dispose (GObject *object)
{
  QdWindow *self = (QdWindow *)object;

  g_clear_handle_id (&self->new_mail_source, g_source_remove);
  g_cancellable_cancel (self->new_mail);
  g_clear_object (&self->new_mail);
  g_clear_pointer (&self->new_items, g_ptr_array_unref);
  g_cancellable_cancel (self->restoring);
  gtk_widget_dispose_template (GTK_WIDGET (self), QD_TYPE_WINDOW);
  /* They went with their bins. */
  self->sign_in_page = NULL;
  self->quarantine_page = NULL;
  self->junk_page = NULL;
  self->report_page = NULL;
  self->submissions_page = NULL;
  g_clear_object (&self->restoring);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (qd_window_parent_class)->dispose (object);
}

static void
qd_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  QdWindow *self = QD_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTENT_READY:
      g_value_set_boolean (value, qd_window_get_content_ready (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qd_window_class_init (QdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = qd_window_dispose;
  object_class->get_property = qd_window_get_property;
  window_class->close_request = qd_window_close_request;

  /* Whether the page shown has what it opens on: the sign-in form, or the
   * list's first rows (or that there are none, or why), not "Signing In…"
   * or "Loading…". */
  properties[PROP_CONTENT_READY] =
    g_param_spec_boolean ("content-ready", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/qd-window.ui");
  gtk_widget_class_bind_template_child (widget_class, QdWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, QdWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, QdWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, QdWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, QdWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, QdWindow, sign_in_bin);
  gtk_widget_class_bind_template_child (widget_class, QdWindow, quarantine_bin);
  gtk_widget_class_bind_template_child (widget_class, QdWindow, junk_bin);
  gtk_widget_class_bind_template_child (widget_class, QdWindow, junk_stack_page);
  gtk_widget_class_bind_template_child (widget_class, QdWindow, quarantine_stack_page);
  gtk_widget_class_bind_template_child (widget_class, QdWindow, report_bin);
  gtk_widget_class_bind_template_child (widget_class, QdWindow, submissions_bin);
  gtk_widget_class_bind_template_callback (widget_class, view_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, update_switcher_cb);

  gtk_widget_class_install_action (widget_class, "win.sign-out", NULL, sign_out_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "win.add-samples", NULL, add_samples_action);
  gtk_widget_class_install_action (widget_class, "win.check-sample", NULL, check_sample_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-sign-in", NULL,
                                   cancel_sign_in_action);
  gtk_widget_class_install_action (widget_class, "win.sender-lists", NULL, sender_lists_action);
}

static void
qd_window_init (QdWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->new_mail = g_cancellable_new ();
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sign-out", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sender-lists", FALSE);

#if DEVELOPMENT
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif
}

QdWindow *
qd_window_new (QdApplication *application)
{
  QdSession *session = qd_application_get_session (application);
  g_autoptr(GCancellable) restoring = NULL;
  QdWindow **box = NULL;
  gboolean gateway = FALSE;
  gboolean mailbox = FALSE;
  QdWindow *self;

  /* With a remembered sign-in, the keyring and the network are asked
   * first and the window is built meanwhile, on the page it will show,
   * signing in: it never draws the form it would leave at once.  The
   * answer comes from the main loop, once the window exists. */
  if (!qd_session_get_signed_in (session) &&
      qd_session_get_remembered (session, &gateway, &mailbox))
    {
      restoring = g_cancellable_new ();
      box = g_new0 (QdWindow *, 1);
      qd_bench_begin ("sign-in");
      qd_session_restore_async (session, restoring, restored_cb, box);
    }

  self = g_object_new (QD_TYPE_WINDOW, "application", application, NULL);
  self->restoring = g_steal_pointer (&restoring);
  if (box != NULL)
    *box = g_object_ref (self);
  self->settings = g_object_ref (qd_application_get_settings (application));
  self->session = g_object_ref (session);
  g_signal_connect_object (self->settings, "changed::new-mail-interval",
                           G_CALLBACK (schedule_new_mail), self, G_CONNECT_SWAPPED);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  /* The page the window opens on is built now, before signing in waits
   * on the network, rather than after it, on the way to the first rows. */
  {
    g_autofree char *last = g_settings_get_string (self->settings, "last-view");

    get_page (self, last);
  }
  /* After the pages': they are ready by the time the window shows one. */
  g_signal_connect_object (self->session, "notify::signed-in",
                           G_CALLBACK (signed_in_changed_cb), self, G_CONNECT_SWAPPED);
  if (qd_session_get_signed_in (self->session))
    signed_in (self);
  else if (self->restoring != NULL)
    show_signing_in (self, gateway, mailbox);
  else
    {
      show_page (self, "sign-in");
      qd_sign_in_page_restore (self->sign_in_page);
    }
  qd_bench_window_built (GTK_WIDGET (self));

  return self;
}

gboolean
qd_window_get_content_ready (QdWindow *self)
{
  const char *name;
  QdMessagesPage *page;

  g_return_val_if_fail (QD_IS_WINDOW (self), TRUE);

  if (!g_str_equal (gtk_stack_get_visible_child_name (self->stack), "main"))
    return TRUE;
  name = adw_view_stack_get_visible_child_name (self->view_stack);
  page = g_strcmp0 (name, "junk") == 0 ? self->junk_page
         : g_strcmp0 (name, "quarantine") == 0 ? self->quarantine_page : NULL;
  return page == NULL || qd_messages_page_get_settled (page);
}

/**
 * qd_window_report_files:
 *
 * Files opened with the application arrive on Report spam.
 */
void
qd_window_report_files (QdWindow  *self,
                        GFile    **files,
                        guint      n_files)
{
  g_return_if_fail (QD_IS_WINDOW (self));

  qd_report_page_add_files (get_report_page (self), files, n_files);
  adw_view_stack_set_visible_child_name (self->view_stack, "report");
}

void
qd_window_show_submission (QdWindow   *self,
                           const char *sha256)
{
  g_return_if_fail (QD_IS_WINDOW (self));

  if (!g_str_equal (gtk_stack_get_visible_child_name (self->stack), "main"))
    return;
  adw_view_stack_set_visible_child_name (self->view_stack, "submissions");
  qd_submissions_page_show_sample (get_submissions_page (self), sha256);
}

void
qd_window_show_toast (QdWindow   *self,
                      const char *title)
{
  g_return_if_fail (QD_IS_WINDOW (self));
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
}
