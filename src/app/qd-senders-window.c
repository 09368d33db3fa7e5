/* qd-senders-window.c — the person's approved and blocked senders, at the gateway
 *
 * Everything goes through QdGateway, so every kind of gateway with sender
 * lists is served alike; the entry's form (how a whole domain is written)
 * is the gateway kind's, from qd-sender-entry.  A removal is done at once
 * and can be undone from its toast: the gateway has no pending state to
 * keep, and the person sees the list as it is.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "qd-format.h"
#include "qd-senders-window.h"

typedef struct
{
  QdSenderList        list;

  /* template widgets */
  GtkWidget          *page;
  AdwEntryRow        *add_row;
  GtkLabel           *add_error;
  GtkLabel           *hint;
  GtkSearchEntry     *search;
  GtkStack           *state;
  AdwStatusPage      *error_page;
  GtkListBox         *list_box;

  GtkStringList      *entries;     /* as the gateway gave them */
  GtkStringFilter    *filter;
  GtkFilterListModel *filtered;
  GHashTable         *added;       /* entry → GDateTime, where the gateway says */
  gboolean            loaded;
  gboolean            loading;
  gboolean            reload;      /* asked for again while loading */
} Pane;

struct _QdSendersWindow
{
  AdwWindow        parent_instance;

  AdwToastOverlay *toast_overlay;
  AdwViewStack    *view_stack;
  Pane             panes[2];     /* indexed by QdSenderList */

  QdSession       *session;
  QdGateway       *gateway;
  GCancellable    *cancellable;
};

G_DEFINE_FINAL_TYPE (QdSendersWindow, qd_senders_window, ADW_TYPE_WINDOW)

/* One call to the gateway for a pane; the window is kept until it ends. */
typedef struct
{
  QdSendersWindow *self;
  Pane            *pane;
  char            *entry;
  gboolean         add;
  gboolean         typed;      /* the entry is the add row's, not an undo's */
} Call;

static Call *
call_new (QdSendersWindow *self,
          Pane            *pane,
          const char      *entry,
          gboolean         add,
          gboolean         typed)
{
  Call *call = g_new0 (Call, 1);

  call->self = g_object_ref (self);
  call->pane = pane;
  call->entry = g_strdup (entry);
  call->add = add;
  call->typed = typed;
  return call;
}

static void
call_free (Call *call)
{
  g_object_unref (call->self);
  g_free (call->entry);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Call, call_free)

/* Closed while a call was on its way: its widgets are gone, and a call
 * that ended before it saw the cancellation must not touch them. */
static gboolean
is_closed (QdSendersWindow *self)
{
  return self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable);
}

static Pane *
pane_of (QdSendersWindow *self,
         GtkWidget       *widget)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->panes); i++)
    if (gtk_widget_is_ancestor (widget, self->panes[i].page))
      return &self->panes[i];
  g_assert_not_reached ();
}

static Pane *
visible_pane (QdSendersWindow *self)
{
  const char *name = adw_view_stack_get_visible_child_name (self->view_stack);

  return &self->panes[g_strcmp0 (name, "blocked") == 0 ? QD_SENDER_LIST_BLOCKED
                                                       : QD_SENDER_LIST_APPROVED];
}

static void
update_state (Pane *pane)
{
  const char *state;

  if (!pane->loaded)
    state = pane->loading ? "loading" : "error";
  else if (g_list_model_get_n_items (G_LIST_MODEL (pane->entries)) == 0)
    state = "empty";
  else if (g_list_model_get_n_items (G_LIST_MODEL (pane->filtered)) == 0)
    state = "no-match";
  else
    state = "list";
  gtk_stack_set_visible_child_name (pane->state, state);
}

static void
show_add_error (Pane       *pane,
                const char *message)
{
  gtk_label_set_text (pane->add_error, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (pane->add_error), message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (pane->add_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (pane->add_row), "error");
}

static void
show_toast (QdSendersWindow *self,
            const char      *title)
{
  /* A toast's title is markup; addresses come from the gateway. */
  g_autofree char *escaped = g_markup_escape_text (title, -1);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (escaped));
}

/* the rows */

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  Pane *pane = user_data;
  const char *entry = gtk_string_object_get_string (GTK_STRING_OBJECT (item));
  const char *domain = qd_sender_entry_get_domain (entry);
  GDateTime *added = g_hash_table_lookup (pane->added, entry);
  g_autofree char *when = added != NULL ? qd_format_when (added) : NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *remove_name = NULL;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");

  if (domain != NULL && when != NULL)
    /* Translators: a whole domain on a sender list, and when it was put there */
    subtitle = g_strdup_printf (_("Every address at %s, added %s"), domain, when);
  else if (domain != NULL)
    subtitle = g_strdup_printf (_("Every address at %s"), domain);
  else if (when != NULL)
    /* Translators: when an address was put on a sender list */
    subtitle = g_strdup_printf (_("Added %s"), when);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), entry);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  /* Translators: the button removing an entry from a sender list */
  remove_name = g_strdup_printf (_("Remove %s"), entry);
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (remove, _("Remove"));
  gtk_widget_add_css_class (remove, "flat");
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  remove_name, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "senders.remove");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (remove), "(us)", pane->list, entry);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
  return row;
}

/* listing */

static void load (QdSendersWindow *self,
                  Pane            *pane);

static gboolean
same_entries (GtkStringList *list,
              GPtrArray     *entries)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (list)) != entries->len)
    return FALSE;
  for (guint i = 0; i < entries->len; i++)
    if (g_strcmp0 (gtk_string_list_get_string (list, i), g_ptr_array_index (entries, i)) != 0)
      return FALSE;
  return TRUE;
}

static void
listed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) senders = qd_gateway_list_senders_finish (QD_GATEWAY (object), result,
                                                                &error);
  Pane *pane = call->pane;

  if (is_closed (call->self))
    return;
  pane->loading = FALSE;
  if (pane->reload)
    {
      /* A change was made meanwhile: this answer may not have it. */
      pane->reload = FALSE;
      load (call->self, pane);
      return;
    }
  if (senders == NULL)
    {
      if (pane->loaded)
        show_toast (call->self, error->message);
      else
        adw_status_page_set_description (pane->error_page, error->message);
      update_state (pane);
      return;
    }
  {
    g_autoptr(GPtrArray) entries = g_ptr_array_new ();

    g_hash_table_remove_all (pane->added);
    for (guint i = 0; i < senders->len; i++)
      {
        QdSender *sender = g_ptr_array_index (senders, i);

        g_ptr_array_add (entries, sender->address);
        if (sender->added_at != NULL)
          g_hash_table_insert (pane->added, g_strdup (sender->address),
                               g_date_time_ref (sender->added_at));
      }
    /* Unchanged, the rows stay: replaced, a row clicked as the answer came
     * (its Remove, say) would be gone, and the click with it. */
    if (!same_entries (pane->entries, entries))
      {
        g_ptr_array_add (entries, NULL);
        gtk_string_list_splice (pane->entries, 0,
                                g_list_model_get_n_items (G_LIST_MODEL (pane->entries)),
                                (const char * const *)entries->pdata);
      }
  }
  pane->loaded = TRUE;
  update_state (pane);
}

static void
load (QdSendersWindow *self,
      Pane            *pane)
{
  if (pane->loading)
    {
      pane->reload = TRUE;
      return;
    }
  pane->loading = TRUE;
  update_state (pane);
  qd_gateway_list_senders_async (self->gateway, pane->list, self->cancellable, listed_cb,
                                 call_new (self, pane, NULL, FALSE, FALSE));
}

static void
retry_cb (GtkButton       *button,
          QdSendersWindow *self)
{
  load (self, pane_of (self, GTK_WIDGET (button)));
}

/* adding, removing, undoing */

static void
changed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;
  QdSendersWindow *self = call->self;
  Pane *pane = call->pane;

  if (!qd_gateway_change_sender_finish (QD_GATEWAY (object), result, &error))
    {
      if (is_closed (self))
        return;
      /* The gateway's own sentence: a full list, an entry it refuses. */
      if (call->typed)
        {
          gtk_widget_set_sensitive (GTK_WIDGET (pane->add_row), TRUE);
          show_add_error (pane, error->message);
        }
      else
        show_toast (self, error->message);
      load (self, pane);
      return;
    }
  if (is_closed (self))
    return;
  if (call->typed)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (pane->add_row), TRUE);
      gtk_editable_set_text (GTK_EDITABLE (pane->add_row), "");
    }
  if (!call->add)
    {
      /* A toast's title is markup; the entry comes from the gateway. */
      g_autofree char *entry = g_markup_escape_text (call->entry, -1);
      g_autofree char *title = NULL;
      AdwToast *toast;

      /* Translators: a toast, once an entry is removed from a sender list */
      title = g_strdup_printf (_("Removed %s"), entry);
      toast = adw_toast_new (title);
      adw_toast_set_button_label (toast, _("_Undo"));
      adw_toast_set_action_name (toast, "senders.undo");
      adw_toast_set_action_target (toast, "(us)", pane->list, call->entry);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }
  /* Adding to one list may take the entry off the other (docs/gateway-api.md). */
  for (guint i = 0; i < G_N_ELEMENTS (self->panes); i++)
    if (call->add || &self->panes[i] == pane)
      load (self, &self->panes[i]);
}

static void
change (QdSendersWindow *self,
        Pane            *pane,
        const char      *entry,
        gboolean         add,
        gboolean         typed)
{
  qd_gateway_change_sender_async (self->gateway, pane->list, entry, add, self->cancellable,
                                  changed_cb, call_new (self, pane, entry, add, typed));
}

static void
add_cb (GtkWidget       *widget,
        QdSendersWindow *self)
{
  Pane *pane = pane_of (self, widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *entry = NULL;

  entry = qd_sender_entry_parse (qd_gateway_get_kind (self->gateway),
                                 gtk_editable_get_text (GTK_EDITABLE (pane->add_row)), &error);
  if (entry == NULL)
    {
      show_add_error (pane, error->message);
      return;
    }
  show_add_error (pane, NULL);
  /* Not typed into while the gateway adds it, so what is cleared is what was added. */
  gtk_widget_set_sensitive (GTK_WIDGET (pane->add_row), FALSE);
  change (self, pane, entry, TRUE, TRUE);
}

static void
add_changed_cb (GtkEditable     *editable,
                QdSendersWindow *self)
{
  if (gtk_widget_get_sensitive (GTK_WIDGET (editable)))
    show_add_error (pane_of (self, GTK_WIDGET (editable)), NULL);
}

/* senders.remove and senders.undo (a removal's toast): the same change,
 * one way or the other. */
static void
change_action (GtkWidget  *widget,
               const char *name,
               GVariant   *parameter)
{
  QdSendersWindow *self = QD_SENDERS_WINDOW (widget);
  const char *entry;
  guint32 list;

  g_variant_get (parameter, "(u&s)", &list, &entry);
  if (list < G_N_ELEMENTS (self->panes))
    change (self, &self->panes[list], entry, g_str_equal (name, "senders.undo"), FALSE);
}

/* searching */

static void
search_changed_cb (GtkSearchEntry  *entry,
                   QdSendersWindow *self)
{
  Pane *pane = pane_of (self, GTK_WIDGET (entry));

  gtk_string_filter_set_search (pane->filter, gtk_editable_get_text (GTK_EDITABLE (entry)));
  update_state (pane);
}

/* Escape in the search field clears it, and closes the window once empty. */
static void
stop_search_cb (GtkSearchEntry  *entry,
                QdSendersWindow *self)
{
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (entry)), "") != 0)
    gtk_editable_set_text (GTK_EDITABLE (entry), "");
  else
    gtk_window_close (GTK_WINDOW (self));
}

static void
search_action (GtkWidget  *widget,
               const char *name,
               GVariant   *parameter)
{
  gtk_widget_grab_focus (GTK_WIDGET (visible_pane (QD_SENDERS_WINDOW (widget))->search));
}

/* Signed out, or signed in as someone else: nothing of the lists stays. */
static void
session_changed_cb (QdSendersWindow *self)
{
  if (!qd_session_get_signed_in (self->session) ||
      qd_session_get_gateway (self->session) != self->gateway)
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
pane_setup (QdSendersWindow *self,
            Pane            *pane,
            QdSenderList     list)
{
  const char *example = qd_sender_entry_domain_example (qd_gateway_get_kind (self->gateway));
  g_autofree char *hint = NULL;

  pane->list = list;
  pane->entries = gtk_string_list_new (NULL);
  pane->filter = gtk_string_filter_new (gtk_property_expression_new (GTK_TYPE_STRING_OBJECT,
                                                                     NULL, "string"));
  gtk_string_filter_set_match_mode (pane->filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  gtk_string_filter_set_ignore_case (pane->filter, TRUE);
  pane->filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (pane->entries)),
                                              GTK_FILTER (g_object_ref (pane->filter)));
  pane->added = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify)g_date_time_unref);
  gtk_list_box_bind_model (pane->list_box, G_LIST_MODEL (pane->filtered), create_row, pane,
                           NULL);
  hint = g_strdup_printf (list == QD_SENDER_LIST_APPROVED
                          ? _("Mail from these senders is not held for you. Add an address, "
                              "such as name@example.com, or a whole domain, written %s.")
                          : _("Mail from these senders is not delivered to you. Add an "
                              "address, such as name@example.com, or a whole domain, "
                              "written %s."),
                          example);
  gtk_label_set_text (pane->hint, hint);
  load (self, pane);
}

static void
qd_senders_window_dispose (GObject *object)
{
  QdSendersWindow *self = (QdSendersWindow *)object;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), QD_TYPE_SENDERS_WINDOW);
  for (guint i = 0; i < G_N_ELEMENTS (self->panes); i++)
    {
      g_clear_object (&self->panes[i].filtered);
      g_clear_object (&self->panes[i].filter);
      g_clear_object (&self->panes[i].entries);
      g_clear_pointer (&self->panes[i].added, g_hash_table_unref);
    }
  g_clear_object (&self->cancellable);
  g_clear_object (&self->gateway);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (qd_senders_window_parent_class)->dispose (object);
}

#define BIND_PANE(list, prefix, field)                                                   \
  gtk_widget_class_bind_template_child_full (widget_class, prefix "_" #field, FALSE,       \
                                             G_STRUCT_OFFSET (QdSendersWindow,             \
                                                              panes[list].field))

static void
qd_senders_window_class_init (QdSendersWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qd_senders_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/qd-senders-window.ui");
  gtk_widget_class_bind_template_child (widget_class, QdSendersWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, QdSendersWindow, view_stack);
  BIND_PANE (QD_SENDER_LIST_APPROVED, "approved", page);
  BIND_PANE (QD_SENDER_LIST_APPROVED, "approved", add_row);
  BIND_PANE (QD_SENDER_LIST_APPROVED, "approved", add_error);
  BIND_PANE (QD_SENDER_LIST_APPROVED, "approved", hint);
  BIND_PANE (QD_SENDER_LIST_APPROVED, "approved", search);
  BIND_PANE (QD_SENDER_LIST_APPROVED, "approved", state);
  BIND_PANE (QD_SENDER_LIST_APPROVED, "approved", error_page);
  BIND_PANE (QD_SENDER_LIST_APPROVED, "approved", list_box);
  BIND_PANE (QD_SENDER_LIST_BLOCKED, "blocked", page);
  BIND_PANE (QD_SENDER_LIST_BLOCKED, "blocked", add_row);
  BIND_PANE (QD_SENDER_LIST_BLOCKED, "blocked", add_error);
  BIND_PANE (QD_SENDER_LIST_BLOCKED, "blocked", hint);
  BIND_PANE (QD_SENDER_LIST_BLOCKED, "blocked", search);
  BIND_PANE (QD_SENDER_LIST_BLOCKED, "blocked", state);
  BIND_PANE (QD_SENDER_LIST_BLOCKED, "blocked", error_page);
  BIND_PANE (QD_SENDER_LIST_BLOCKED, "blocked", list_box);
  gtk_widget_class_bind_template_callback (widget_class, add_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, retry_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);

  gtk_widget_class_install_action (widget_class, "senders.remove", "(us)", change_action);
  gtk_widget_class_install_action (widget_class, "senders.undo", "(us)", change_action);
  gtk_widget_class_install_action (widget_class, "senders.search", NULL, search_action);
  /* Ctrl+F is the application's (qd-application.c); Escape, a key without
   * a modifier, is the window's own. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
qd_senders_window_init (QdSendersWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

/**
 * qd_senders_window_new:
 * @session: signed in to a gateway with %QD_GATEWAY_CAN_SENDER_LISTS
 *
 * The window reads both lists as it opens, and closes itself when the
 * session signs out.
 */
QdSendersWindow *
qd_senders_window_new (GtkWindow *parent,
                       QdSession *session)
{
  QdSendersWindow *self;

  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (QD_IS_SESSION (session), NULL);
  g_return_val_if_fail (qd_session_get_gateway (session) != NULL, NULL);

  /* In the application, so that its accelerators (Ctrl+F) work here too. */
  self = g_object_new (QD_TYPE_SENDERS_WINDOW,
                       "application", gtk_window_get_application (parent),
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
  self->session = g_object_ref (session);
  self->gateway = g_object_ref (qd_session_get_gateway (session));
  g_signal_connect_object (session, "notify::signed-in", G_CALLBACK (session_changed_cb), self,
                           G_CONNECT_SWAPPED);
  pane_setup (self, &self->panes[QD_SENDER_LIST_APPROVED], QD_SENDER_LIST_APPROVED);
  pane_setup (self, &self->panes[QD_SENDER_LIST_BLOCKED], QD_SENDER_LIST_BLOCKED);
  return self;
}
