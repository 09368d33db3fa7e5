/* qd-application.c — the application: settings, session, actions, and timed re-checks of samples
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "qd-application.h"
#include "qd-bench.h"
#include "qd-check-window.h"
#include "qd-preferences-window.h"
#include "qd-window.h"

struct _QdApplication
{
  AdwApplication  parent_instance;
  GSettings      *settings;
  QdSession      *session;
  QdFollowUp     *follow_up;     /* NULL when the local store cannot be opened */
  guint           recheck_source;
  GCancellable   *rechecking;
};

G_DEFINE_FINAL_TYPE (QdApplication, qd_application, ADW_TYPE_APPLICATION)

/* The main window, not another of the application's (Sender Lists is one,
 * so that the accelerators work in it). */
static GtkWindow *
find_main_window (GApplication *app)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (QD_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static GtkWindow *main_window (QdApplication *self,
                               gboolean       at_start);

static void
qd_application_activate (GApplication *app)
{
  main_window (QD_APPLICATION (app), TRUE);
}

static void
qd_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  GtkWindow *window = find_main_window (app);

  if (window == NULL)
    window = GTK_WINDOW (qd_window_new (QD_APPLICATION (app)));
  qd_window_report_files (QD_WINDOW (window), files, n_files);
  gtk_window_present (window);
}

/* Automatic re-checks of reported samples, while the application runs. */

static void schedule_rechecks (QdApplication *self);

static void
notify_now_spam (QdApplication   *self,
                 QdRecheckResult *result)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *id = g_strconcat ("now-spam-", result->sha256, NULL);
  g_autofree char *subject = NULL;

  if (result->record == NULL)
    return;
  subject = qd_text_make_safe (result->record->subject != NULL ? result->record->subject
                                                               : _("(no subject)"), -1);
  notification = g_notification_new (_("Reported Spam Is Now Caught"));
  g_notification_set_body (notification, subject);
  /* Clicking it opens the Submissions page at that sample. */
  g_notification_set_default_action_and_target (notification, "app.show-submission", "s",
                                                result->sha256);
  g_application_send_notification (G_APPLICATION (self), id, notification);
}

static void
rechecked_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(QdApplication) self = user_data;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_object (&self->rechecking);
  results = qd_follow_up_recheck_finish (QD_FOLLOW_UP (object), result, &error);
  if (results == NULL)
    g_debug ("automatic re-check: %s", error->message);
  for (guint i = 0; results != NULL && i < results->len; i++)
    {
      QdRecheckResult *r = g_ptr_array_index (results, i);

      if (r->changed && r->after == QD_FOLLOW_UP_NOW_SPAM)
        notify_now_spam (self, r);
    }
  schedule_rechecks (self);
}

static gboolean
recheck_due_cb (gpointer user_data)
{
  QdApplication *self = user_data;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_auto(GStrv) due = qd_follow_up_due_samples (self->follow_up, now);

  self->recheck_source = 0;
  if (due == NULL || due[0] == NULL || qd_session_get_client (self->session) == NULL)
    {
      schedule_rechecks (self);
      return G_SOURCE_REMOVE;
    }
  self->rechecking = g_cancellable_new ();
  qd_follow_up_recheck_async (self->follow_up, (const char * const *)due, self->rechecking,
                              rechecked_cb, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
reloaded_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(QdApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) next = NULL;
  GTimeSpan wait;

  if (!qd_follow_up_reload_finish (QD_FOLLOW_UP (object), result, &error))
    {
      g_debug ("follow-up: %s", error->message);
      return;
    }
  next = qd_follow_up_next_due (self->follow_up, now);
  if (next == NULL || self->recheck_source != 0 || self->rechecking != NULL)
    return;
  /* At least a minute apart, never blocking: a timer, then async work. */
  wait = MAX (g_date_time_difference (next, now) / G_TIME_SPAN_SECOND, 60);
  self->recheck_source = g_timeout_add_seconds ((guint)MIN (wait, 24 * 3600), recheck_due_cb,
                                                self);
}

static void
schedule_rechecks (QdApplication *self)
{
  /* Only a gateway classifies: a mailbox alone has nothing to recheck with. */
  if (self->follow_up == NULL || qd_session_get_client (self->session) == NULL)
    return;
  qd_follow_up_reload_async (self->follow_up, NULL, reloaded_cb, g_object_ref (self));
}

static void
signed_in_changed_cb (QdApplication *self)
{
  gboolean signed_in = qd_session_get_signed_in (self->session);

  if (self->follow_up != NULL)
    qd_follow_up_set_client (self->follow_up,
                             signed_in ? qd_session_get_client (self->session) : NULL);
  g_clear_handle_id (&self->recheck_source, g_source_remove);
  g_cancellable_cancel (self->rechecking);
  g_clear_object (&self->rechecking);
  if (signed_in)
    schedule_rechecks (self);
}

static void
qd_application_startup (GApplication *app)
{
  QdApplication *self = QD_APPLICATION (app);
  g_autoptr(QdStore) store = NULL;
  g_autoptr(GError) error = NULL;

  G_APPLICATION_CLASS (qd_application_parent_class)->startup (app);
  qd_bench_start ();

  self->settings = g_settings_new (APPLICATION_ID);
  self->session = qd_session_new (self->settings);
  g_signal_connect_object (self->session, "notify::signed-in",
                           G_CALLBACK (signed_in_changed_cb), self, G_CONNECT_SWAPPED);
  /* Its own connection to the store: transactions belong to a connection. */
  store = qd_store_open (NULL, &error);
  if (store != NULL)
    self->follow_up = qd_follow_up_new (store, NULL);
  else
    g_warning ("the local store cannot be opened: %s", error->message);
  gtk_window_set_default_icon_name (APPLICATION_ID);
}

static void
qd_application_dispose (GObject *object)
{
  QdApplication *self = (QdApplication *)object;

  g_clear_handle_id (&self->recheck_source, g_source_remove);
  g_cancellable_cancel (self->rechecking);
  g_clear_object (&self->rechecking);
  g_clear_object (&self->follow_up);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (qd_application_parent_class)->dispose (object);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  QdApplication *self = user_data;
  const char *developers[] = { "The Quarantine Desk authors", NULL };

  adw_show_about_window (gtk_application_get_active_window (GTK_APPLICATION (self)),
                         "application-name", _("Quarantine Desk"),
                         "application-icon", APPLICATION_ID,
                         "developer-name", _("The Quarantine Desk authors"),
                         "version", PACKAGE_VERSION,
                         "website", "https://github.com/quarantinedesk/quarantine-desk",
                         "issue-url", "https://github.com/quarantinedesk/quarantine-desk/issues",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "developers", developers,
                         /* Translators: your name and address, one per line */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  QdApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  QdPreferencesWindow *window = qd_preferences_window_new (parent, self->settings,
                                                           self->session);

  gtk_window_present (GTK_WINDOW (window));
}

/* How long a window realized at the start waits for its first rows
 * before it is shown anyway: a remembered sign-in and the first page
 * take 60–120 ms after it is realized on the bench's machine. */
#define SHOW_LIMIT_MS 150

typedef struct
{
  GtkWindow *window;
  gulong     content_id;
  guint      show_id;     /* SHOW_LIMIT_MS, then an idle once the rows are in */
} ShowWait;

static void
show_waited (ShowWait *wait)
{
  g_clear_signal_handler (&wait->content_id, wait->window);
  g_clear_handle_id (&wait->show_id, g_source_remove);
  if (gtk_window_get_application (wait->window) != NULL)   /* not closed meanwhile */
    gtk_window_present (wait->window);
  g_object_unref (wait->window);
  g_free (wait);
}

static gboolean
show_cb (gpointer user_data)
{
  ShowWait *wait = user_data;

  wait->show_id = 0;
  show_waited (wait);
  return G_SOURCE_REMOVE;
}

/* Shown in a turn of its own: mapping the window (12 ms) added to the
 * turn of the first page that made it ready. */
static void
content_ready_cb (GtkWindow  *window,
                  GParamSpec *pspec,
                  ShowWait   *wait)
{
  if (!qd_window_get_content_ready (QD_WINDOW (window)))
    return;
  g_clear_signal_handler (&wait->content_id, window);
  g_clear_handle_id (&wait->show_id, g_source_remove);
  wait->show_id = g_idle_add (show_cb, wait);
}

/* Realizing the window first loads the icon theme and draws the window's
 * icon from its SVG for the X server (15 ms here), and measures the whole
 * window for its default size (14 ms): each is done in a turn of its own
 * before, and realizing finds them in GTK's caches. */
static void
load_window_icon (GtkWindow *window)
{
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (GTK_WIDGET (window)));
  g_autoptr(GtkIconPaintable) icon = NULL;
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autofree int *sizes = gtk_icon_theme_get_icon_sizes (theme, APPLICATION_ID);

  /* GTK asks for a scalable icon at 48 pixels. */
  icon = gtk_icon_theme_lookup_icon (theme, APPLICATION_ID, NULL,
                                     sizes[0] > 0 ? sizes[0] : 48, 1,
                                     gtk_widget_get_direction (GTK_WIDGET (window)), 0);
  gdk_paintable_snapshot (GDK_PAINTABLE (icon), snapshot, 48, 48);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
}

static gboolean
show_new_window_cb (gpointer user_data)
{
  GtkWindow *window = user_data;
  GtkWidget *widget = GTK_WIDGET (window);
  guint step = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (window), "qd-show-step"));
  ShowWait *wait;

  if (gtk_window_get_application (window) == NULL)   /* closed meanwhile */
    return G_SOURCE_REMOVE;
  if (!gtk_widget_get_realized (widget))
    {
      g_object_set_data (G_OBJECT (window), "qd-show-step", GUINT_TO_POINTER (step + 1));
      if (step == 0)
        load_window_icon (window);
      else if (step == 1)
        {
          int width, height;

          gtk_window_get_default_size (window, &width, &height);
          gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, height, NULL, NULL, NULL, NULL);
          gtk_widget_measure (widget, GTK_ORIENTATION_VERTICAL, width, NULL, NULL, NULL, NULL);
        }
      else
        gtk_widget_realize (widget);
      return G_SOURCE_CONTINUE;
    }
  /* Shown with its first rows, rather than with "Signing In…" drawn once
   * and replaced 30–50 ms later: showing it (25 ms, mostly waiting for
   * the X server) and its first frame (30–40 ms) do not hold up the
   * sign-in's and the first page's answers, and the rows come with the
   * first frame instead of a second one. */
  if (qd_window_get_content_ready (QD_WINDOW (window)))
    {
      gtk_window_present (window);
      return G_SOURCE_REMOVE;
    }
  wait = g_new0 (ShowWait, 1);
  wait->window = g_object_ref (window);
  wait->content_id = g_signal_connect (window, "notify::content-ready",
                                       G_CALLBACK (content_ready_cb), wait);
  wait->show_id = g_timeout_add (SHOW_LIMIT_MS, show_cb, wait);
  return G_SOURCE_REMOVE;
}

/* The main window, shown.  At the start a new one is realized and then
 * shown in main loop turns of their own: together with building it they
 * held the loop for 70–80 ms (X round trips, the window's icon, styling),
 * while the sign-in that began before it waited for a turn to go on; it
 * is shown once it has its first rows, or after SHOW_LIMIT_MS.
 * Otherwise it is shown at once, under the dialog about to open on it. */
static GtkWindow *
main_window (QdApplication *self,
             gboolean       at_start)
{
  GtkWindow *window = find_main_window (G_APPLICATION (self));

  if (window == NULL)
    {
      window = GTK_WINDOW (qd_window_new (self));
      if (at_start)
        {
          g_idle_add_full (G_PRIORITY_DEFAULT, show_new_window_cb, g_object_ref (window),
                           g_object_unref);
          return window;
        }
    }
  gtk_window_present (window);
  return window;
}

/* app.check (s): the URI of a message to classify, from --check FILE. */
static void
check_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  QdApplication *self = user_data;
  GtkWindow *window = main_window (self, FALSE);
  g_autoptr(GFile) file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));

  if (qd_session_get_client (self->session) == NULL)
    {
      /* Signed in to a kind that does not classify: signing in again would not help. */
      qd_window_show_toast (QD_WINDOW (window),
                            qd_session_get_gateway (self->session) != NULL
                            ? _("This gateway cannot tell whether a sample is spam. Report it "
                                "as missed spam instead.")
                            : _("Sign in to your gateway first, then check the sample again."));
      return;
    }
  gtk_window_present (GTK_WINDOW (qd_check_window_new (window,
                                                       qd_session_get_client (self->session),
                                                       file)));
}

static void
show_submission_action (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  QdApplication *self = user_data;

  qd_window_show_submission (QD_WINDOW (main_window (self, FALSE)),
                             g_variant_get_string (parameter, NULL));
}

static int
qd_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  g_autofree char *check = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *uri = NULL;

  if (!g_variant_dict_lookup (options, "check", "^ay", &check))
    return -1;
  file = g_file_new_for_commandline_arg (check);
  uri = g_file_get_uri (file);
  if (!g_application_register (app, NULL, NULL))
    return 1;
  /* A running window checks it; otherwise this process starts and does. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "check", g_variant_new_string (uri));
  return g_application_get_is_remote (app) ? 0 : -1;
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "about", about_action },
  { "preferences", preferences_action },
  { "check", check_action, "s" },
  { "show-submission", show_submission_action, "s" },
  { "quit", quit_action },
};

static void
qd_application_class_init (QdApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = qd_application_dispose;
  app_class->activate = qd_application_activate;
  app_class->open = qd_application_open;
  app_class->handle_local_options = qd_application_handle_local_options;
  app_class->startup = qd_application_startup;
}

static void
qd_application_init (QdApplication *self)
{
  /* Every accelerator in one place; the shortcuts window lists them.  The
   * window's actions act on the page shown.  Keys without a modifier stay
   * bound by their widgets (Delete in a list of messages, Escape in a
   * dialog): accelerators are matched before the focused widget sees a key,
   * and those keys belong to a text field, or to one window, first. */
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<primary>q", NULL } },
    { "app.preferences", { "<primary>comma", NULL } },
    { "win.add-samples", { "<primary>o", NULL } },
    { "win.search", { "<primary>f", NULL } },
    { "senders.search", { "<primary>f", NULL } },
    { "win.refresh", { "<primary>r", "F5", NULL } },
    { "win.show-help-overlay", { "<primary>question", NULL } },
  };

  const GOptionEntry options[] = {
    { "check", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Check whether a message is currently classified as spam"), N_("FILE") },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action,
                                           accels[i].accels);
}

QdApplication *
qd_application_new (void)
{
  return g_object_new (QD_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", RESOURCE_PATH,
                       NULL);
}

QdFollowUp *
qd_application_get_follow_up (QdApplication *self)
{
  g_return_val_if_fail (QD_IS_APPLICATION (self), NULL);
  return self->follow_up;
}

GSettings *
qd_application_get_settings (QdApplication *self)
{
  g_return_val_if_fail (QD_IS_APPLICATION (self), NULL);
  return self->settings;
}

QdSession *
qd_application_get_session (QdApplication *self)
{
  g_return_val_if_fail (QD_IS_APPLICATION (self), NULL);
  return self->session;
}
