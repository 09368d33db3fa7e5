/* qd-messages-page.c — one folder of held mail: filters, list, selection, actions, preview
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "qd-bench.h"
#include "qd-filter-bar.h"
#include "qd-format.h"
#include "qd-list-selection.h"
#include "qd-message-header.h"
#include "qd-message-row.h"
#include "qd-messages-page.h"
#include "qd-preview-pane.h"
#include "qd-toast.h"

struct _QdMessagesPage
{
  QdSessionPage       parent_instance;

  /* template widgets */
  AdwLeaflet         *leaflet;
  GtkWidget          *list_pane;
  GtkWidget          *preview_box;
  GtkWidget          *back_box;
  QdFilterBar        *filter_bar;
  GtkLabel           *count_label;
  GtkSpinner         *loading_spinner;
  GtkStack           *content_stack;
  GtkWidget          *scrolled;
  GMenuModel         *context_menu;
  GtkWidget          *context_popover;
  QdMessageHeader    *header;
  GtkListView        *list_view;
  AdwStatusPage      *empty_page;
  AdwStatusPage      *error_page;
  GtkSpinner         *signing_in_spinner;
  GtkRevealer        *progress_revealer;
  GtkLabel           *progress_label;
  GtkProgressBar     *progress_bar;
  GtkWidget          *release_button;
  GtkWidget          *move_button;
  GtkWidget          *delete_button;
  GtkWidget          *block_button;
  GtkLabel           *selection_label;
  QdPreviewPane      *preview;

  QdFolder            folder;
  QdItemList         *list;
  QdItemSource       *list_source; /* the source the list was made with */
  GtkMultiSelection  *selection;
  GCancellable       *work;       /* the batch action in progress */
  /* Every row selected, and the selection not changed since: a row not
   * loaded then leaves the selection when its page comes (GtkMultiSelection
   * knows selected rows by their item, and the page brings new ones), yet
   * the person chose everything matching. */
  gboolean            all_matching;
  gboolean            signing_in; /* "Signing In…" until the list says more */
  gboolean            settled;    /* see the "settled" property */
};

G_DEFINE_FINAL_TYPE (QdMessagesPage, qd_messages_page, QD_TYPE_SESSION_PAGE)

enum {
  PROP_0,
  PROP_FOLDER,
  PROP_SETTLED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* helpers */

static QdSession *
session (QdMessagesPage *self)
{
  return qd_session_page_get_session (QD_SESSION_PAGE (self));
}

/* Where this page's messages come from now; NULL: nowhere. */
static QdItemSource *
source (QdMessagesPage *self)
{
  return session (self) != NULL ? qd_session_get_source (session (self), self->folder) : NULL;
}

static guint
n_selected (QdMessagesPage *self)
{
  g_autoptr(GtkBitset) set = NULL;

  if (self->selection == NULL)
    return 0;
  set = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  return (guint)gtk_bitset_get_size (set);
}

/* Which actions the selection allows: those every selected (loaded) item allows. */
static QdActions
selected_actions (QdMessagesPage *self)
{
  g_autoptr(GtkBitset) set = NULL;
  GtkBitsetIter iter;
  QdActions actions = ~0;
  gboolean any = FALSE;
  guint position;

  if (self->selection == NULL)
    return 0;
  set = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  for (gboolean ok = gtk_bitset_iter_init_first (&iter, set, &position); ok;
       ok = gtk_bitset_iter_next (&iter, &position))
    {
      g_autoptr(QdItem) item = g_list_model_get_item (G_LIST_MODEL (self->list), position);

      if (item == NULL || qd_item_is_placeholder (item))
        continue;
      actions &= qd_item_get_actions (item);
      any = TRUE;
      /* Enough to decide the buttons; a long selection need not be walked. */
      if (position > 2000)
        break;
    }
  /* Only rows still loading: what the source can do at all. */
  if (!any)
    return n_selected (self) > 0
           ? ((self->folder == QD_FOLDER_JUNK ? QD_ACTION_MOVE_TO_INBOX : QD_ACTION_RELEASE) |
              QD_ACTION_DELETE | QD_ACTION_BLOCK_SENDER | QD_ACTION_APPROVE_SENDER) &
             qd_item_source_get_actions (self->list_source)
           : 0;
  return actions;
}

static void
update_actions (QdMessagesPage *self)
{
  QdActions actions = self->work == NULL ? selected_actions (self) : 0;
  guint n = n_selected (self);
  GtkWidget *widget = GTK_WIDGET (self);
  g_autofree char *label = NULL;

  gtk_widget_action_set_enabled (widget, "messages.release", actions & QD_ACTION_RELEASE);
  gtk_widget_action_set_enabled (widget, "messages.release-approve",
                                 (actions & QD_ACTION_RELEASE) &&
                                 (actions & QD_ACTION_APPROVE_SENDER));
  gtk_widget_action_set_enabled (widget, "messages.move-to-inbox",
                                 actions & QD_ACTION_MOVE_TO_INBOX);
  gtk_widget_action_set_enabled (widget, "messages.move-approve",
                                 (actions & QD_ACTION_MOVE_TO_INBOX) &&
                                 (actions & QD_ACTION_APPROVE_SENDER));
  gtk_widget_action_set_enabled (widget, "messages.request-release",
                                 actions & QD_ACTION_REQUEST_RELEASE);
  gtk_widget_action_set_enabled (widget, "messages.delete", actions & QD_ACTION_DELETE);
  gtk_widget_action_set_enabled (widget, "messages.block-sender",
                                 actions & QD_ACTION_BLOCK_SENDER);

  if (self->all_matching && self->list != NULL)
    n = g_list_model_get_n_items (G_LIST_MODEL (self->list));
  /* The same count as the selection's label, when there is no one message to read. */
  qd_preview_pane_set_n_selected (self->preview, n);
  if (n == 0)
    label = g_strdup ("");
  else if (self->list != NULL && n == g_list_model_get_n_items (G_LIST_MODEL (self->list)) &&
           n > 1)
    {
      g_autofree char *count = qd_format_count (n);

      label = g_strdup_printf (_("All %s selected"), count);
    }
  else
    {
      g_autofree char *count = qd_format_count (n);

      label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s selected", "%s selected", n),
                               count);
    }
  gtk_label_set_text (self->selection_label, label);
}

/* What the page opens on is shown, for good. */
static void
settle (QdMessagesPage *self)
{
  qd_messages_page_set_signing_in (self, FALSE);
  if (!self->settled)
    {
      self->settled = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SETTLED]);
    }
}

static void
update_state (QdMessagesPage *self)
{
  const GError *error = self->list != NULL ? qd_item_list_get_error (self->list) : NULL;
  gboolean loading = self->list != NULL && qd_item_list_get_loading (self->list);
  guint n = self->list != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->list)) : 0;
  gint64 total = self->list != NULL ? qd_item_list_get_total (self->list) : 0;
  g_autofree char *count = NULL;

  gtk_spinner_set_spinning (self->loading_spinner, loading);
  if (error != NULL && n == 0)
    {
      settle (self);
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->content_stack, "error");
      gtk_label_set_text (self->count_label, "");
      return;
    }
  if (error != NULL)
    qd_show_toast (GTK_WIDGET (self), error->message);

  if (loading && n == 0)
    {
      gtk_label_set_text (self->count_label, _("Loading…"));
      return;
    }
  settle (self);
  if (n == 0)
    {
      gtk_stack_set_visible_child_name (self->content_stack,
                                        qd_filter_bar_is_filtered (self->filter_bar)
                                        ? "no-match" : "empty");
      gtk_label_set_text (self->count_label, _("No messages"));
      return;
    }
  gtk_stack_set_visible_child_name (self->content_stack, "list");
  count = qd_format_count (total);
  {
    g_autofree char *text =
      g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s message", "%s messages", total), count);

    gtk_label_set_text (self->count_label, text);
  }
}

static void
list_state_cb (QdMessagesPage *self)
{
  update_state (self);
  update_actions (self);
}

/* the preview follows the selection */

static void
show_selected (QdMessagesPage *self)
{
  g_autoptr(GtkBitset) set = NULL;
  g_autoptr(QdItem) item = NULL;

  if (self->selection != NULL)
    {
      set = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
      if (gtk_bitset_get_size (set) == 1)
        item = g_list_model_get_item (G_LIST_MODEL (self->list), gtk_bitset_get_nth (set, 0));
    }
  qd_preview_pane_show (self->preview, self->list_source, item);
}

/* New mail on top, or rows a grown count added, while everything
 * matching is chosen: shown selected too, as they will be acted on.  (A
 * page's rows come in place, and keep their selection: page_cb ().) */
static void
selection_items_changed_cb (QdMessagesPage *self,
                            guint           position,
                            guint           removed,
                            guint           added)
{
  if (self->all_matching && added > 0)
    gtk_selection_model_select_range (GTK_SELECTION_MODEL (self->selection), position, added,
                                      FALSE);
}

static void
selection_changed_cb (QdMessagesPage *self)
{
  guint n = n_selected (self);

  self->all_matching = n > 0 && n == g_list_model_get_n_items (G_LIST_MODEL (self->list));
  show_selected (self);
  update_actions (self);
}

static void
row_setup_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              QdMessagesPage           *self)
{
  gtk_list_item_set_child (list_item, qd_message_row_new ());
}

static void
row_bind_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             QdMessagesPage           *self)
{
  qd_message_row_set_item (QD_MESSAGE_ROW (gtk_list_item_get_child (list_item)),
                           gtk_list_item_get_item (list_item));
}

static void
row_unbind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               QdMessagesPage           *self)
{
  qd_message_row_set_item (QD_MESSAGE_ROW (gtk_list_item_get_child (list_item)), NULL);
}

static void
row_activated_cb (QdMessagesPage *self,
                  guint           position)
{
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, TRUE);
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

/* The context menu acts on the selection, like the action bar. */
static void
popup_context_menu (QdMessagesPage *self,
                    double          x,
                    double          y)
{
  GdkRectangle at = { (int)x, (int)y, 1, 1 };

  if (n_selected (self) == 0)
    return;
  if (self->context_popover == NULL)
    {
      self->context_popover = gtk_popover_menu_new_from_model (self->context_menu);
      gtk_widget_set_parent (self->context_popover, self->scrolled);
      gtk_popover_set_has_arrow (GTK_POPOVER (self->context_popover), FALSE);
      gtk_popover_set_position (GTK_POPOVER (self->context_popover), GTK_POS_BOTTOM);
    }
  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_popover), &at);
  gtk_popover_popup (GTK_POPOVER (self->context_popover));
}

static void
context_menu_cb (QdMessagesPage *self,
                 int             n_press,
                 double          x,
                 double          y)
{
  popup_context_menu (self, x, y);
}

static void
long_press_cb (QdMessagesPage *self,
               double          x,
               double          y)
{
  popup_context_menu (self, x, y);
}

static void
back_cb (QdMessagesPage *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
folded_cb (QdMessagesPage *self)
{
  gboolean folded = adw_leaflet_get_folded (self->leaflet);

  gtk_widget_set_visible (self->back_box, folded);
}

/* querying */

static QdQuery *
current_query (QdMessagesPage *self)
{
  QdQuery *query = qd_query_new (self->folder);
  QdSortColumn sort;
  gboolean descending;

  qd_filter_bar_apply (self->filter_bar, query);
  qd_message_header_get_sort (self->header, &sort, &descending);
  qd_query_set_sort (query, sort, descending);
  return query;
}

static void
requery (QdMessagesPage *self)
{
  g_autoptr(QdQuery) query = NULL;

  if (self->list == NULL)
    return;
  query = current_query (self);
  qd_bench_begin ("requery");
  qd_item_list_set_query (self->list, query);
  update_state (self);
}

static void
filter_changed_cb (QdMessagesPage *self)
{
  requery (self);
}

static void
sort_changed_cb (QdMessagesPage *self)
{
  requery (self);
}

static void
clear_filters_cb (QdMessagesPage *self)
{
  qd_filter_bar_clear (self->filter_bar);
}

/* batch actions */

typedef struct
{
  QdMessagesPage *self;
  QdItemList     *list;     /* the page's list when it began */
  QdActions       action;
  gboolean        approve;
  GStrv           ids;
} Batch;

static void
batch_free (Batch *batch)
{
  g_clear_object (&batch->self);
  g_clear_object (&batch->list);
  g_strfreev (batch->ids);
  g_free (batch);
}

static const char *
progress_verb (QdActions action)
{
  switch (action)
    {
    case QD_ACTION_RELEASE:
      return _("Releasing");
    case QD_ACTION_MOVE_TO_INBOX:
      return _("Moving to Inbox");
    case QD_ACTION_DELETE:
      return _("Deleting");
    case QD_ACTION_BLOCK_SENDER:
      return _("Blocking senders");
    case QD_ACTION_REQUEST_RELEASE:
    default:
      return _("Requesting release");
    }
}

static char *
summary (QdActions action,
         guint     done)
{
  switch (action)
    {
    case QD_ACTION_RELEASE:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u message released",
                                           "%u messages released", done), done);
    case QD_ACTION_MOVE_TO_INBOX:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u message moved to your inbox",
                                           "%u messages moved to your inbox", done), done);
    case QD_ACTION_DELETE:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u message deleted",
                                           "%u messages deleted", done), done);
    case QD_ACTION_BLOCK_SENDER:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u sender blocked",
                                           "%u senders blocked", done), done);
    case QD_ACTION_REQUEST_RELEASE:
    default:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Release requested for %u message",
                                           "Release requested for %u messages", done), done);
    }
}

static void
set_progress (QdMessagesPage *self,
              QdActions       action,
              guint           done,
              guint           total)
{
  g_autofree char *d = qd_format_count (done);
  g_autofree char *t = qd_format_count (total);
  g_autofree char *text = total > 0 ? g_strdup_printf (_("%s… %s of %s"), progress_verb (action),
                                                       d, t)
                                    : g_strdup_printf (_("%s…"), progress_verb (action));

  gtk_label_set_text (self->progress_label, text);
  if (total > 0)
    gtk_progress_bar_set_fraction (self->progress_bar, (double)done / total);
  else
    gtk_progress_bar_pulse (self->progress_bar);
}

static void
progress_cb (guint    done,
             guint    total,
             gpointer user_data)
{
  Batch *batch = user_data;

  set_progress (batch->self, batch->action, done, total);
}

static void
show_failures (QdMessagesPage *self,
               QdBatchResult  *result)
{
  GtkWidget *dialog;
  GString *text = g_string_new (NULL);
  guint shown = 0;

  for (guint i = 0; i < result->outcomes->len && shown < 50; i++)
    {
      QdOutcome *outcome = g_ptr_array_index (result->outcomes, i);

      if (outcome->ok)
        continue;
      g_string_append_printf (text, "• %s\n", outcome->error_message);
      shown++;
    }
  if (result->failed + result->not_attempted > shown)
    g_string_append_printf (text, _("…and %u more."), result->failed + result->not_attempted - shown);

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   _("Some Messages Were Not Handled"), text->str);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
  g_string_free (text, TRUE);
}

static void
details_clicked_cb (AdwToast      *toast_,
                    QdBatchResult *result)
{
  QdMessagesPage *self = g_object_get_data (G_OBJECT (toast_), "page");

  show_failures (self, result);
}

/* the same message in the other place */

static void
twins_deleted_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(QdMessagesPage) self = user_data;
  g_autoptr(QdBatchResult) outcome = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gboolean in_junk = self->folder == QD_FOLDER_QUARANTINE;
  guint missed;

  outcome = qd_item_source_act_finish (QD_ITEM_SOURCE (object), result, &error);
  missed = outcome != NULL ? outcome->failed + outcome->not_attempted : 0;
  if (outcome == NULL)
    text = g_strdup_printf (in_junk ? _("Its copies in Junk were not deleted: %s")
                                    : _("Its held copies were not deleted: %s"),
                            error->message);
  else if (missed > 0)
    text = g_strdup_printf (in_junk
                            ? g_dngettext (GETTEXT_PACKAGE,
                                           "%u copy in Junk was not deleted; delete it there.",
                                           "%u copies in Junk were not deleted; delete them there.",
                                           missed)
                            : g_dngettext (GETTEXT_PACKAGE,
                                           "%u held copy was not deleted; delete it under Quarantine.",
                                           "%u held copies were not deleted; delete them under Quarantine.",
                                           missed),
                            missed);
  else
    text = g_strdup_printf (in_junk
                            ? g_dngettext (GETTEXT_PACKAGE, "Its copy in Junk was deleted too.",
                                           "%u copies in Junk were deleted too.",
                                           outcome->succeeded)
                            : g_dngettext (GETTEXT_PACKAGE, "Its held copy was deleted too.",
                                           "%u held copies were deleted too.",
                                           outcome->succeeded),
                            outcome->succeeded);
  qd_show_toast (GTK_WIDGET (self), text);
}

/* A message both held and in Junk is one message: released, moved out of
 * Junk or deleted in one place, its copy in the other is deleted, so that
 * it neither arrives twice nor stays behind. */
static void
delete_twins (QdMessagesPage     *self,
              QdActions           action,
              const char * const *done_ids)
{
  g_auto(GStrv) twin_ids = NULL;
  QdItemSource *twins;
  QdFolder twin_folder;

  if (action == QD_ACTION_REQUEST_RELEASE || session (self) == NULL)
    return;
  twins = qd_session_get_twins (session (self), self->folder, &twin_folder);
  if (twins == NULL)
    return;
  twin_ids = qd_item_list_dup_twin_ids (self->list, done_ids);
  if (twin_ids[0] == NULL)
    return;
  qd_item_source_act_async (twins, QD_ACTION_DELETE, (const char * const *)twin_ids, FALSE,
                            NULL, NULL, NULL, twins_deleted_cb, g_object_ref (self));
}

static void
act_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  Batch *batch = user_data;
  QdMessagesPage *self = batch->self;
  g_autoptr(QdBatchResult) outcome = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) done = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) succeeded = g_strv_builder_new ();
  g_auto(GStrv) done_ids = NULL;
  g_auto(GStrv) succeeded_ids = NULL;
  g_autofree char *title = NULL;
  GtkWidget *overlay;

  outcome = qd_item_source_act_finish (QD_ITEM_SOURCE (object), result, &error);
  /* Signed out meanwhile: that session's list and selection are gone. */
  if (batch->list != self->list)
    {
      batch_free (batch);
      return;
    }
  g_clear_object (&self->work);
  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);

  if (outcome == NULL)
    {
      qd_show_toast (GTK_WIDGET (self), error->message);
      update_actions (self);
      batch_free (batch);
      return;
    }

  /* What was done leaves the list; what failed stays, to try again. */
  for (guint i = 0; i < outcome->outcomes->len; i++)
    {
      QdOutcome *o = g_ptr_array_index (outcome->outcomes, i);

      if (o->ok)
        g_strv_builder_add (succeeded, o->id);
      if (o->ok || g_strcmp0 (o->error_code, "not_found") == 0 ||
          g_strcmp0 (o->error_code, "gone_from_junk") == 0)
        g_strv_builder_add (done, o->id);
    }
  done_ids = g_strv_builder_end (done);
  succeeded_ids = g_strv_builder_end (succeeded);
  delete_twins (self, batch->action, (const char * const *)succeeded_ids);
  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
  qd_item_list_remove_ids (self->list, (const char * const *)done_ids);

  qd_bench_batch_done (outcome->succeeded);
  title = summary (batch->action, outcome->succeeded);
  overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  if (outcome->failed + outcome->not_attempted > 0)
    {
      const QdOutcome *last = g_ptr_array_index (outcome->outcomes, outcome->outcomes->len - 1);
      g_autofree char *full = NULL;
      AdwToast *t;

      /* A batch that stopped (the session ended, the gateway stopped
       * answering) says why at once: the rest waits for the person. */
      if (outcome->not_attempted > 0 && !last->ok &&
          g_strcmp0 (last->error_code, "not_attempted") == 0 && last->error_message != NULL)
        {
          /* A toast's title is markup; the reason may name the gateway's words. */
          g_autofree char *why = g_markup_escape_text (last->error_message, -1);

          /* Translators: what was done, how many were not, and why, with what to do */
          full = g_strdup_printf (_("%s; %u not handled. %s"), title,
                                  outcome->failed + outcome->not_attempted, why);
        }
      else
        full = g_strdup_printf (_("%s; %u not handled"), title,
                                outcome->failed + outcome->not_attempted);
      t = adw_toast_new (full);

      adw_toast_set_button_label (t, _("_Details"));
      adw_toast_set_timeout (t, 0);
      g_object_set_data (G_OBJECT (t), "page", self);
      g_signal_connect_data (t, "button-clicked", G_CALLBACK (details_clicked_cb),
                             qd_batch_result_ref (outcome),
                             (GClosureNotify)qd_batch_result_unref, 0);
      if (overlay != NULL)
        adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), t);
    }
  else
    qd_show_toast (GTK_WIDGET (self), title);

  update_state (self);
  update_actions (self);
  batch_free (batch);
}

static void
start_batch (Batch *batch)
{
  QdMessagesPage *self = batch->self;

  set_progress (self, batch->action, 0, g_strv_length (batch->ids));
  qd_item_source_act_async (self->list_source, batch->action, (const char * const *)batch->ids,
                            batch->approve, progress_cb, batch, self->work, act_cb, batch);
}

static void
ids_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  Batch *batch = user_data;
  QdMessagesPage *self = batch->self;
  g_autoptr(GError) error = NULL;

  batch->ids = qd_item_source_list_ids_finish (QD_ITEM_SOURCE (object), result, &error);
  if (batch->list != self->list)
    {
      batch_free (batch);
      return;
    }
  if (batch->ids == NULL)
    {
      g_clear_object (&self->work);
      gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        qd_show_toast (GTK_WIDGET (self), error->message);
      update_actions (self);
      batch_free (batch);
      return;
    }
  start_batch (batch);
}

static void
run_batch (QdMessagesPage *self,
           QdActions       action,
           gboolean        approve)
{
  Batch *batch = g_new0 (Batch, 1);
  g_autoptr(GtkBitset) set = gtk_selection_model_get_selection (
    GTK_SELECTION_MODEL (self->selection));
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->list));
  gboolean all_loaded = TRUE;
  GtkBitsetIter iter;
  guint position;

  batch->self = g_object_ref (self);
  batch->list = g_object_ref (self->list);
  batch->action = action;
  batch->approve = approve;
  self->work = g_cancellable_new ();
  update_actions (self);
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);

  for (gboolean ok = gtk_bitset_iter_init_first (&iter, set, &position); ok;
       ok = gtk_bitset_iter_next (&iter, &position))
    {
      g_autoptr(QdItem) item = g_list_model_get_item (G_LIST_MODEL (self->list), position);

      if (qd_item_is_placeholder (item))
        {
          all_loaded = FALSE;
          break;
        }
      g_strv_builder_add (ids, qd_item_get_id (item));
    }

  if (all_loaded && (!self->all_matching || gtk_bitset_get_size (set) == n))
    {
      batch->ids = g_strv_builder_end (ids);
      start_batch (batch);
    }
  else if (gtk_bitset_get_size (set) == n || self->all_matching)
    {
      /* Everything matching the filter: the source names them all. */
      g_autoptr(QdQuery) query = current_query (self);

      set_progress (self, action, 0, 0);
      qd_item_source_list_ids_async (self->list_source, query, self->work, ids_cb, batch);
    }
  else
    {
      g_clear_object (&self->work);
      gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
      qd_show_toast (GTK_WIDGET (self),
                     _("Some selected messages are still loading. Wait a moment and try again."));
      update_actions (self);
      batch_free (batch);
    }
}

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     QdMessagesPage   *self)
{
  QdActions action = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dialog), "action"));

  if (g_str_equal (response, "confirm"))
    run_batch (self, action, FALSE);
}

static void
confirm_batch (QdMessagesPage *self,
               QdActions       action)
{
  guint n = n_selected (self);
  g_autofree char *count = qd_format_count (n);
  g_autofree char *heading = NULL;
  const char *body;
  const char *verb;
  GtkWidget *dialog;

  if (action == QD_ACTION_DELETE)
    {
      heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Delete %s Message?",
                                              "Delete %s Messages?", n), count);
      body = _("Deleted messages cannot be recovered.");
      verb = _("_Delete");
    }
  else
    {
      heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Block the Sender of %s Message?",
                                              "Block the Senders of %s Messages?", n), count);
      body = _("Mail from these senders will be discarded from now on, and these messages "
               "will be deleted. You can unblock a sender later.");
      verb = _("_Block");
    }
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "confirm", verb,
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "confirm",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "action", GUINT_TO_POINTER (action));
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
action_cb (GtkWidget  *widget,
           const char *name,
           GVariant   *parameter)
{
  QdMessagesPage *self = QD_MESSAGES_PAGE (widget);

  if (self->list == NULL || self->work != NULL || n_selected (self) == 0)
    return;
  if (g_str_equal (name, "messages.release"))
    run_batch (self, QD_ACTION_RELEASE, FALSE);
  else if (g_str_equal (name, "messages.release-approve"))
    run_batch (self, QD_ACTION_RELEASE, TRUE);
  else if (g_str_equal (name, "messages.move-to-inbox"))
    run_batch (self, QD_ACTION_MOVE_TO_INBOX, FALSE);
  else if (g_str_equal (name, "messages.move-approve"))
    run_batch (self, QD_ACTION_MOVE_TO_INBOX, TRUE);
  else if (g_str_equal (name, "messages.request-release"))
    run_batch (self, QD_ACTION_REQUEST_RELEASE, FALSE);
  else if (g_str_equal (name, "messages.delete"))
    confirm_batch (self, QD_ACTION_DELETE);
  else if (g_str_equal (name, "messages.block-sender"))
    confirm_batch (self, QD_ACTION_BLOCK_SENDER);
}

static void
cancel_cb (QdMessagesPage *self)
{
  g_cancellable_cancel (self->work);
  gtk_label_set_text (self->progress_label, _("Stopping after the current batch…"));
}

static void
refresh_action (GtkWidget  *widget,
                const char *name,
                GVariant   *parameter)
{
  qd_messages_page_refresh (QD_MESSAGES_PAGE (widget));
}

static void
select_all_action (GtkWidget  *widget,
                   const char *name,
                   GVariant   *parameter)
{
  QdMessagesPage *self = QD_MESSAGES_PAGE (widget);

  if (self->selection != NULL)
    gtk_selection_model_select_all (GTK_SELECTION_MODEL (self->selection));
}

/* the session */

static void
load (QdMessagesPage *self)
{
  g_autoptr(QdQuery) query = NULL;
  QdSourceFeatures features;
  QdActions actions;

  g_set_object (&self->list_source, source (self));
  if (self->list_source == NULL)
    return;
  features = qd_item_source_get_features (self->list_source);
  qd_filter_bar_set_features (self->filter_bar, features);
  qd_message_header_set_sortable (self->header, features & QD_SOURCE_FEATURE_SORT);
  /* Buttons for what the source can never do would stay greyed: hidden. */
  actions = qd_item_source_get_actions (self->list_source);
  gtk_widget_set_visible (self->delete_button, actions & QD_ACTION_DELETE);
  gtk_widget_set_visible (self->block_button, actions & QD_ACTION_BLOCK_SENDER);
  query = current_query (self);
  self->list = qd_item_list_new (self->list_source, query, 200);
  {
    QdFolder twin_folder;
    QdItemSource *twins = qd_session_get_twins (session (self), self->folder, &twin_folder);

    if (twins != NULL)
      qd_item_list_set_twins (self->list, twins, twin_folder);
  }
  self->selection = qd_list_selection_new (self->list);
  self->all_matching = FALSE;
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->selection, "selection-changed",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "items-changed",
                           G_CALLBACK (selection_items_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->list, "notify::loading", G_CALLBACK (list_state_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->list, "notify::error", G_CALLBACK (list_state_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->list, "notify::total", G_CALLBACK (list_state_cb), self,
                           G_CONNECT_SWAPPED);
  if (qd_bench_wants (self->folder))
    qd_bench_watch (self->scrolled, self->list, self->filter_bar);
  update_state (self);
  update_actions (self);
}

/* Nothing of a session outlives it: its messages, the selection, the
 * preview, the batch in progress, and the filters, whose search may name
 * its senders. */
static void
drop (QdMessagesPage *self)
{
  g_cancellable_cancel (self->work);
  g_clear_object (&self->work);
  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
  if (self->context_popover != NULL)
    gtk_popover_popdown (GTK_POPOVER (self->context_popover));
  gtk_list_view_set_model (self->list_view, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->list);
  g_clear_object (&self->list_source);
  qd_preview_pane_show (self->preview, NULL, NULL);
  qd_filter_bar_clear (self->filter_bar);
  gtk_stack_set_visible_child_name (self->content_stack, self->signing_in ? "signing-in"
                                                                           : "empty");
  gtk_label_set_text (self->count_label, "");
  gtk_spinner_set_spinning (self->loading_spinner, FALSE);
  update_actions (self);
}

static void
qd_messages_page_signed_in (QdSessionPage *page)
{
  QdMessagesPage *self = QD_MESSAGES_PAGE (page);

  /* Built while the window handles this change, it has loaded already. */
  if (self->list != NULL && self->list_source == source (self))
    return;
  drop (self);
  load (self);
  /* Nothing to load here: no source for this folder. */
  if (self->list == NULL)
    settle (self);
}

static void
qd_messages_page_signed_out (QdSessionPage *page)
{
  drop (QD_MESSAGES_PAGE (page));
}

/* GObject */

static void
qd_messages_page_dispose (GObject *object)
{
  QdMessagesPage *self = (QdMessagesPage *)object;

  g_cancellable_cancel (self->work);
  g_clear_object (&self->work);
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->list);
  g_clear_object (&self->list_source);
  g_clear_pointer (&self->context_popover, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), QD_TYPE_MESSAGES_PAGE);

  G_OBJECT_CLASS (qd_messages_page_parent_class)->dispose (object);
}

static void
qd_messages_page_constructed (GObject *object)
{
  QdMessagesPage *self = (QdMessagesPage *)object;

  G_OBJECT_CLASS (qd_messages_page_parent_class)->constructed (object);

  /* One named group per folder, so a screen reader (and a test) can tell
   * the Quarantine list from the Junk one. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  qd_folder_get_label (self->folder), -1);
  gtk_widget_set_visible (self->release_button, self->folder == QD_FOLDER_QUARANTINE);
  gtk_widget_set_visible (self->move_button, self->folder == QD_FOLDER_JUNK);
  if (self->folder == QD_FOLDER_JUNK)
    {
      adw_status_page_set_title (self->empty_page, _("Nothing in Junk"));
      adw_status_page_set_description (self->empty_page,
                                       _("Mail the gateway files in your Junk folder appears "
                                         "here, so you can move it back."));
    }
  else
    {
      adw_status_page_set_title (self->empty_page, _("Nothing Held"));
      adw_status_page_set_description (self->empty_page,
                                       _("No message is held back from you right now."));
    }
  update_actions (self);

  /* The session page follows changes only; one already signed in loads now. */
  if (qd_session_get_signed_in (session (self)))
    load (self);
}

static void
qd_messages_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  QdMessagesPage *self = QD_MESSAGES_PAGE (object);

  switch (prop_id)
    {
    case PROP_FOLDER:
      g_value_set_enum (value, self->folder);
      break;
    case PROP_SETTLED:
      g_value_set_boolean (value, self->settled);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qd_messages_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  QdMessagesPage *self = QD_MESSAGES_PAGE (object);

  switch (prop_id)
    {
    case PROP_FOLDER:
      self->folder = g_value_get_enum (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qd_messages_page_class_init (QdMessagesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  QdSessionPageClass *page_class = QD_SESSION_PAGE_CLASS (klass);
  const char * const batch_actions[] = {
    "messages.release", "messages.release-approve", "messages.move-to-inbox",
    "messages.move-approve", "messages.request-release", "messages.delete",
    "messages.block-sender",
  };

  object_class->dispose = qd_messages_page_dispose;
  object_class->constructed = qd_messages_page_constructed;
  object_class->get_property = qd_messages_page_get_property;
  object_class->set_property = qd_messages_page_set_property;

  /* It loads on signing in and forgets on signing out. */
  page_class->signed_in = qd_messages_page_signed_in;
  page_class->signed_out = qd_messages_page_signed_out;

  properties[PROP_FOLDER] =
    g_param_spec_enum ("folder", NULL, NULL, QD_TYPE_FOLDER, QD_FOLDER_QUARANTINE,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* Whether the page has shown what it opens on: its first rows, that
   * there are none, or why not; not "Signing In…" or "Loading…". */
  properties[PROP_SETTLED] =
    g_param_spec_boolean ("settled", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (QD_TYPE_FILTER_BAR);
  g_type_ensure (QD_TYPE_MESSAGE_HEADER);
  g_type_ensure (QD_TYPE_PREVIEW_PANE);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/qd-messages-page.ui");
  gtk_widget_class_bind_template_child (widget_class, QdMessagesPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, QdMessagesPage, list_pane);
  gtk_widget_class_bind_template_child (widget_class, QdMessagesPage, preview_box);
  gtk_widget_class_bind_template_child (widget_class, QdMessagesPage, back_box);
  gtk_widget_class_bind_template_child (widget_class, QdMessagesPage, filter_bar);
  gtk_widget_class_bind_template_child (widget_class, QdMessagesPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, QdMessagesPage, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, QdMessagesPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, QdMessagesPage, scrolled);
  gtk_widget_class_bind_template_child (widget_class, QdMessagesPage, context_menu);
  gtk_widget_class_bind_template_child (widget_class, QdMessagesPage, header);
  gtk_widget_class_bind_template_child (widget_class, QdMessagesPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, QdMessagesPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, QdMessagesPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, QdMessagesPage, signing_in_spinner);
  gtk_widget_class_bind_template_child (widget_class, QdMessagesPage, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, QdMessagesPage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, QdMessagesPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, QdMessagesPage, release_button);
  gtk_widget_class_bind_template_child (widget_class, QdMessagesPage, move_button);
  gtk_widget_class_bind_template_child (widget_class, QdMessagesPage, delete_button);
  gtk_widget_class_bind_template_child (widget_class, QdMessagesPage, block_button);
  gtk_widget_class_bind_template_child (widget_class, QdMessagesPage, selection_label);
  gtk_widget_class_bind_template_child (widget_class, QdMessagesPage, preview);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_unbind_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, sort_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, clear_filters_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_cb);
  gtk_widget_class_bind_template_callback (widget_class, folded_cb);
  gtk_widget_class_bind_template_callback (widget_class, context_menu_cb);
  gtk_widget_class_bind_template_callback (widget_class, long_press_cb);

  for (guint i = 0; i < G_N_ELEMENTS (batch_actions); i++)
    gtk_widget_class_install_action (widget_class, batch_actions[i], NULL, action_cb);
  gtk_widget_class_install_action (widget_class, "messages.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "messages.select-all", NULL,
                                   select_all_action);

  /* Not an application accelerator: those are matched before the focused
   * widget sees the key, and Delete belongs to the search field first. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "messages.delete", NULL);
}

static void
qd_messages_page_init (QdMessagesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

QdItemList *
qd_messages_page_get_list (QdMessagesPage *self)
{
  g_return_val_if_fail (QD_IS_MESSAGES_PAGE (self), NULL);
  return self->list;
}

void
qd_messages_page_focus_search (QdMessagesPage *self)
{
  g_return_if_fail (QD_IS_MESSAGES_PAGE (self));
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child (self->leaflet, self->list_pane);
  qd_filter_bar_focus_search (self->filter_bar);
}

void
qd_messages_page_refresh (QdMessagesPage *self)
{
  g_return_if_fail (QD_IS_MESSAGES_PAGE (self));
  requery (self);
}

static gboolean
prepare_fonts_cb (gpointer user_data)
{
  QdMessagesPage *self = user_data;

  if (self->signing_in)
    qd_message_row_prepare_fonts (GTK_WIDGET (self->list_view));
  return G_SOURCE_REMOVE;
}

/**
 * qd_messages_page_set_signing_in:
 *
 * While a remembered sign-in is on its way, the list's place says so
 * (rather than "Nothing Held"), until the list has something to show.
 */
void
qd_messages_page_set_signing_in (QdMessagesPage *self,
                                 gboolean        signing_in)
{
  g_return_if_fail (QD_IS_MESSAGES_PAGE (self));

  if (self->signing_in == signing_in)
    return;
  self->signing_in = signing_in;
  gtk_spinner_set_spinning (self->signing_in_spinner, signing_in);
  if (signing_in)
    {
      gtk_stack_set_visible_child_name (self->content_stack, "signing-in");
      /* Once the page is drawn, while the network answers. */
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, prepare_fonts_cb, g_object_ref (self),
                       g_object_unref);
    }
  else if (g_str_equal (gtk_stack_get_visible_child_name (self->content_stack), "signing-in"))
    gtk_stack_set_visible_child_name (self->content_stack, "empty");
}

gboolean
qd_messages_page_get_settled (QdMessagesPage *self)
{
  g_return_val_if_fail (QD_IS_MESSAGES_PAGE (self), FALSE);
  return self->settled;
}
