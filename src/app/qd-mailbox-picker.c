/* qd-mailbox-picker.c — a dialog to pick recent messages of the Inbox to report as spam
 *
 * It lists the Inbox for as long as a sample may be old, newest first,
 * with the rows of the message lists; it only lists: nothing is
 * rendered, nothing opened.  Adding fetches each picked message's exact
 * bytes and hands them on one by one ("picked"); one that cannot be
 * fetched stays picked, named, for another try.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "qd-format.h"
#include "qd-list-selection.h"
#include "qd-mailbox-picker.h"
#include "qd-message-header.h"
#include "qd-message-row.h"

#define PAGE_SIZE 200

struct _QdMailboxPicker
{
  AdwWindow          parent_instance;

  /* template widgets */
  AdwWindowTitle    *title;
  GtkWidget         *add_button;
  GtkSearchEntry    *search_entry;
  GtkStack          *stack;
  QdMessageHeader   *header;
  GtkListView       *list_view;
  GtkCheckButton    *all_check;
  AdwStatusPage     *error_page;
  GtkLabel          *status_label;
  GtkRevealer       *progress_revealer;
  GtkProgressBar    *progress_bar;
  AdwActionRow      *junk_row;
  GtkSwitch         *junk_switch;

  QdItemSource      *source;
  guint              max_age_days;
  QdItemList        *list;
  GtkMultiSelection *selection;

  /* while adding */
  GCancellable      *fetching;
  GPtrArray         *queue;     /* QdItem, picked when Add was pressed */
  guint              next;
  GString           *failures;  /* one sentence per message not fetched */
  gboolean           syncing;   /* all_check follows the selection */
};

G_DEFINE_FINAL_TYPE (QdMailboxPicker, qd_mailbox_picker, ADW_TYPE_WINDOW)

enum {
  PICKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static guint
n_picked (QdMailboxPicker *self)
{
  g_autoptr(GtkBitset) set = gtk_selection_model_get_selection (
    GTK_SELECTION_MODEL (self->selection));

  return (guint)gtk_bitset_get_size (set);
}

static void
update_status (QdMailboxPicker *self)
{
  guint n = n_picked (self);
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->list));

  self->syncing = TRUE;
  gtk_check_button_set_active (self->all_check, n > 0 && n == n_items);
  gtk_check_button_set_inconsistent (self->all_check, n > 0 && n < n_items);
  self->syncing = FALSE;

  gtk_widget_set_sensitive (self->add_button, n > 0 && self->fetching == NULL);
  if (self->fetching != NULL)
    return;
  if (self->failures != NULL)
    gtk_label_set_text (self->status_label, self->failures->str);
  else if (n == 0)
    gtk_label_set_text (self->status_label, _("Pick the messages to report."));
  else
    {
      g_autofree char *count = qd_format_count (n);
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s selected",
                                                            "%s selected", n), count);

      gtk_label_set_text (self->status_label, text);
    }
}

static void
update_state (QdMailboxPicker *self)
{
  const GError *error = qd_item_list_get_error (self->list);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->list));
  const char *search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  if (error != NULL && n == 0)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
    }
  else if (n == 0)
    gtk_stack_set_visible_child_name (self->stack,
                                      qd_item_list_get_loading (self->list) ? "loading"
                                      : search[0] != '\0' ? "no-match" : "empty");
  else
    gtk_stack_set_visible_child_name (self->stack, "list");
}

/* The Inbox since the oldest day a sample may be from, newest first. */
static QdQuery *
current_query (QdMailboxPicker *self)
{
  QdQuery *query = qd_query_new (QD_FOLDER_QUARANTINE);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) since = g_date_time_add_days (now, -(int)self->max_age_days);
  const char *search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  qd_query_set_since (query, since);
  qd_query_set_search (query, search[0] != '\0' ? search : NULL);
  return query;
}

static void
search_changed_cb (QdMailboxPicker *self)
{
  g_autoptr(QdQuery) query = current_query (self);

  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
  qd_item_list_set_query (self->list, query);
  update_state (self);
}

static void
retry_cb (QdMailboxPicker *self)
{
  qd_item_list_refresh (self->list);
  update_state (self);
}

/* rows: a check box beside the lists' row */

static void
check_toggled_cb (GtkCheckButton *check,
                  QdMailboxPicker *self)
{
  GtkListItem *list_item = g_object_get_data (G_OBJECT (check), "list-item");
  guint position = gtk_list_item_get_position (list_item);
  gboolean active = gtk_check_button_get_active (check);

  if (position == GTK_INVALID_LIST_POSITION || gtk_list_item_get_item (list_item) == NULL ||
      active == gtk_list_item_get_selected (list_item))
    return;
  if (active)
    gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, FALSE);
  else
    gtk_selection_model_unselect_item (GTK_SELECTION_MODEL (self->selection), position);
}

static void
row_setup_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              QdMailboxPicker          *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *row = qd_message_row_new ();

  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_start (check, 6);
  gtk_widget_set_hexpand (row, TRUE);
  /* Nothing in the Inbox was held, for any reason. */
  qd_message_row_set_show_reason (QD_MESSAGE_ROW (row), FALSE);
  g_object_set_data (G_OBJECT (check), "list-item", list_item);
  g_signal_connect (check, "toggled", G_CALLBACK (check_toggled_cb), self);
  g_object_bind_property (list_item, "selected", check, "active", G_BINDING_SYNC_CREATE);
  gtk_box_append (GTK_BOX (box), check);
  gtk_box_append (GTK_BOX (box), row);
  gtk_list_item_set_child (list_item, box);
}

/* A row still loading has nothing to pick yet. */
static void
show_pick (GtkListItem *list_item)
{
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *check = gtk_widget_get_first_child (box);
  QdItem *item = gtk_list_item_get_item (list_item);
  gboolean loaded = !qd_item_is_placeholder (item);
  g_autofree char *label = NULL;

  gtk_widget_set_sensitive (check, loaded);
  if (loaded)
    {
      g_autofree char *subject = qd_text_make_safe (qd_item_get_subject (item) != NULL
                                                    ? qd_item_get_subject (item)
                                                    : _("(no subject)"), -1);

      label = g_strdup_printf (_("Pick “%s”"), subject);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  label != NULL ? label : _("Loading…"), -1);
}

/* Its page came: the placeholder became the message (qd_item_fill ()). */
static void
item_loaded_cb (QdItem      *item,
                GParamSpec  *pspec,
                GtkListItem *list_item)
{
  g_signal_handlers_disconnect_by_func (item, item_loaded_cb, list_item);
  show_pick (list_item);
}

static void
row_bind_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             QdMailboxPicker          *self)
{
  GtkWidget *box = gtk_list_item_get_child (list_item);
  QdItem *item = gtk_list_item_get_item (list_item);

  if (qd_item_is_placeholder (item))
    g_signal_connect (item, "notify::placeholder", G_CALLBACK (item_loaded_cb), list_item);
  show_pick (list_item);
  qd_message_row_set_item (QD_MESSAGE_ROW (gtk_widget_get_last_child (box)), item);
}

static void
row_unbind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               QdMailboxPicker          *self)
{
  GtkWidget *box = gtk_list_item_get_child (list_item);

  g_signal_handlers_disconnect_by_func (gtk_list_item_get_item (list_item), item_loaded_cb,
                                        list_item);
  qd_message_row_set_item (QD_MESSAGE_ROW (gtk_widget_get_last_child (box)), NULL);
}

/* Every row loaded, or none. */
static void
all_toggled_cb (QdMailboxPicker *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->list));
  g_autoptr(GtkBitset) loaded = gtk_bitset_new_empty ();

  if (self->syncing)
    return;
  if (!gtk_check_button_get_active (self->all_check))
    {
      gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
      return;
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(QdItem) item = g_list_model_get_item (G_LIST_MODEL (self->list), i);

      if (!qd_item_is_placeholder (item))
        gtk_bitset_add (loaded, i);
    }
  gtk_selection_model_set_selection (GTK_SELECTION_MODEL (self->selection), loaded, loaded);
}

/* adding: one message at a time, each handed on as soon as it is here */

static void fetch_next (QdMailboxPicker *self);

static void
fetch_done (QdMailboxPicker *self)
{
  g_clear_object (&self->fetching);
  g_clear_pointer (&self->queue, g_ptr_array_unref);
  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
  if (self->failures == NULL)
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }
  g_string_append (self->failures,
                   _("They stay picked: try “Add to Report” again, or unpick them."));
  update_status (self);
}

/* The position of @item in the list, to unpick it once it is added. */
static gboolean
find_item (QdMailboxPicker *self,
           QdItem          *item,
           guint           *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->list));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(QdItem) other = g_list_model_get_item (G_LIST_MODEL (self->list), i);

      if (other == item)
        {
          *position = i;
          return TRUE;
        }
    }
  return FALSE;
}

static void
raw_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(QdMailboxPicker) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = qd_item_source_get_raw_finish (QD_ITEM_SOURCE (object), result,
                                                         &error);
  QdItem *item;
  guint position;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->queue == NULL)
    return;
  item = g_ptr_array_index (self->queue, self->next);
  if (raw == NULL)
    {
      g_autofree char *subject = qd_text_make_safe (qd_item_get_subject (item) != NULL
                                                    ? qd_item_get_subject (item)
                                                    : _("(no subject)"), -1);

      if (self->failures == NULL)
        self->failures = g_string_new (NULL);
      g_string_append_printf (self->failures, _("“%s” could not be fetched: %s"), subject,
                              error->message);
      g_string_append_c (self->failures, '\n');
    }
  else
    {
      g_signal_emit (self, signals[PICKED], 0, item, raw,
                     gtk_switch_get_active (self->junk_switch));
      if (find_item (self, item, &position))
        gtk_selection_model_unselect_item (GTK_SELECTION_MODEL (self->selection), position);
    }
  self->next++;
  fetch_next (self);
}

static void
fetch_next (QdMailboxPicker *self)
{
  QdItem *item;
  g_autofree char *text = NULL;

  if (self->next >= self->queue->len)
    {
      fetch_done (self);
      return;
    }
  item = g_ptr_array_index (self->queue, self->next);
  text = g_strdup_printf (_("Fetching %u of %u…"), self->next + 1, self->queue->len);
  gtk_label_set_text (self->status_label, text);
  gtk_progress_bar_set_fraction (self->progress_bar, (double)self->next / self->queue->len);
  qd_item_source_get_raw_async (self->source, qd_item_get_id (item), self->fetching, raw_cb,
                                g_object_ref (self));
}

static void
add_cb (QdMailboxPicker *self)
{
  g_autoptr(GtkBitset) set = gtk_selection_model_get_selection (
    GTK_SELECTION_MODEL (self->selection));
  GtkBitsetIter iter;
  guint position;

  if (self->fetching != NULL || gtk_bitset_is_empty (set))
    return;
  self->queue = g_ptr_array_new_with_free_func (g_object_unref);
  for (gboolean ok = gtk_bitset_iter_init_first (&iter, set, &position); ok;
       ok = gtk_bitset_iter_next (&iter, &position))
    {
      QdItem *item = g_list_model_get_item (G_LIST_MODEL (self->list), position);

      /* Only loaded rows can be picked (their check box waits for them). */
      if (qd_item_is_placeholder (item))
        g_object_unref (item);
      else
        g_ptr_array_add (self->queue, item);
    }
  self->next = 0;
  self->fetching = g_cancellable_new ();
  if (self->failures != NULL)
    g_string_free (g_steal_pointer (&self->failures), TRUE);
  update_status (self);
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);
  fetch_next (self);
}

static void
cancel_cb (QdMailboxPicker *self)
{
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
list_state_cb (QdMailboxPicker *self)
{
  update_state (self);
  update_status (self);
}

/* GObject */

static void
qd_mailbox_picker_dispose (GObject *object)
{
  QdMailboxPicker *self = (QdMailboxPicker *)object;

  g_cancellable_cancel (self->fetching);
  g_clear_object (&self->fetching);
  g_clear_pointer (&self->queue, g_ptr_array_unref);
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->list);
  g_clear_object (&self->source);
  gtk_widget_dispose_template (GTK_WIDGET (self), QD_TYPE_MAILBOX_PICKER);

  G_OBJECT_CLASS (qd_mailbox_picker_parent_class)->dispose (object);
}

static void
qd_mailbox_picker_finalize (GObject *object)
{
  QdMailboxPicker *self = (QdMailboxPicker *)object;

  if (self->failures != NULL)
    g_string_free (self->failures, TRUE);

  G_OBJECT_CLASS (qd_mailbox_picker_parent_class)->finalize (object);
}

static void
qd_mailbox_picker_class_init (QdMailboxPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qd_mailbox_picker_dispose;
  object_class->finalize = qd_mailbox_picker_finalize;

  /**
   * QdMailboxPicker::picked:
   * @item: the message as listed
   * @raw: its exact bytes
   * @move_to_junk: whether it goes to Junk once reported
   */
  signals[PICKED] = g_signal_new ("picked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 3,
                                  QD_TYPE_ITEM, G_TYPE_BYTES, G_TYPE_BOOLEAN);

  g_type_ensure (QD_TYPE_MESSAGE_HEADER);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/qd-mailbox-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, QdMailboxPicker, title);
  gtk_widget_class_bind_template_child (widget_class, QdMailboxPicker, add_button);
  gtk_widget_class_bind_template_child (widget_class, QdMailboxPicker, search_entry);
  gtk_widget_class_bind_template_child (widget_class, QdMailboxPicker, stack);
  gtk_widget_class_bind_template_child (widget_class, QdMailboxPicker, header);
  gtk_widget_class_bind_template_child (widget_class, QdMailboxPicker, list_view);
  gtk_widget_class_bind_template_child (widget_class, QdMailboxPicker, all_check);
  gtk_widget_class_bind_template_child (widget_class, QdMailboxPicker, error_page);
  gtk_widget_class_bind_template_child (widget_class, QdMailboxPicker, status_label);
  gtk_widget_class_bind_template_child (widget_class, QdMailboxPicker, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, QdMailboxPicker, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, QdMailboxPicker, junk_row);
  gtk_widget_class_bind_template_child (widget_class, QdMailboxPicker, junk_switch);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, retry_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_unbind_cb);
  gtk_widget_class_bind_template_callback (widget_class, all_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
qd_mailbox_picker_init (QdMailboxPicker *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * qd_mailbox_picker_new:
 * @parent: the window it is modal for
 * @inbox: the mailbox's Inbox
 * @max_age_days: how old a sample may be; older messages are not listed
 * @can_move_to_junk: whether the mailbox has a Junk folder to move them to
 */
QdMailboxPicker *
qd_mailbox_picker_new (GtkWindow    *parent,
                       QdItemSource *inbox,
                       guint         max_age_days,
                       gboolean      can_move_to_junk)
{
  QdMailboxPicker *self;
  g_autoptr(QdQuery) query = NULL;
  g_autofree char *subtitle = NULL;
  int width, height;

  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (QD_IS_ITEM_SOURCE (inbox), NULL);

  self = g_object_new (QD_TYPE_MAILBOX_PICKER,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
  self->source = g_object_ref (inbox);
  self->max_age_days = max_age_days;
  /* No larger than a narrow window it belongs to (a phone's). */
  width = gtk_widget_get_width (GTK_WIDGET (parent));
  height = gtk_widget_get_height (GTK_WIDGET (parent));
  gtk_window_set_default_size (GTK_WINDOW (self), width > 0 ? MIN (width, 860) : 860,
                               height > 0 ? MIN (height, 600) : 600);

  subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Received in the last %u day",
                                           "Received in the last %u days", max_age_days),
                              max_age_days);
  adw_window_title_set_subtitle (self->title, subtitle);
  gtk_widget_set_sensitive (GTK_WIDGET (self->junk_row), can_move_to_junk);
  if (!can_move_to_junk)
    adw_action_row_set_subtitle (self->junk_row, _("Your mailbox has no Junk folder."));
  /* Newest first is the only order a mailbox lists in. */
  qd_message_header_set_sortable (self->header, FALSE);
  qd_message_header_set_show_reason (self->header, FALSE);

  query = current_query (self);
  self->list = qd_item_list_new (self->source, query, PAGE_SIZE);
  self->selection = qd_list_selection_new (self->list);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->selection, "selection-changed", G_CALLBACK (update_status),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->list, "notify::loading", G_CALLBACK (list_state_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->list, "notify::error", G_CALLBACK (list_state_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->list, "items-changed", G_CALLBACK (list_state_cb), self,
                           G_CONNECT_SWAPPED);
  update_state (self);
  update_status (self);
  return self;
}
