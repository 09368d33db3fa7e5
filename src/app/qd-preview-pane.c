/* qd-preview-pane.c — text only: no HTML engine, no network, no opening
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "qd-format.h"
#include "qd-preview-pane.h"

struct _QdPreviewPane
{
  AdwBin          parent_instance;

  GtkStack       *stack;
  GtkSpinner     *spinner;
  AdwStatusPage  *error_page;
  AdwStatusPage  *empty_page;
  GtkLabel       *subject_label;
  GtkListBox     *header_list;
  GtkLabel       *remote_label;
  GtkListBox     *attachment_list;
  GtkLabel       *body_label;

  QdItemSource   *source;
  QdItem         *item;
  QdMessageView  *view;
  GCancellable   *cancellable;
};

G_DEFINE_FINAL_TYPE (QdPreviewPane, qd_preview_pane, ADW_TYPE_BIN)

static void load (QdPreviewPane *self);

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

/* A "Name: value" row; the value can be selected and copied. */
static GtkWidget *
add_field (GtkListBox *list,
           const char *name,
           const char *value,
           const char *css_class)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *key = gtk_label_new (name);
  GtkWidget *val = gtk_label_new (value);
  GtkWidget *row = gtk_list_box_row_new ();

  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_label_set_xalign (GTK_LABEL (key), 0);
  gtk_label_set_yalign (GTK_LABEL (key), 0);
  gtk_label_set_width_chars (GTK_LABEL (key), 9);
  gtk_widget_add_css_class (key, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (val), 0);
  gtk_label_set_wrap (GTK_LABEL (val), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (val), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (val), TRUE);
  gtk_widget_set_hexpand (val, TRUE);
  if (css_class != NULL)
    gtk_widget_add_css_class (val, css_class);
  gtk_box_append (GTK_BOX (box), key);
  gtk_box_append (GTK_BOX (box), val);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  gtk_list_box_append (list, row);
  return val;
}

static gboolean
same_address (const char *a,
              const char *b)
{
  return a != NULL && b != NULL && g_ascii_strcasecmp (a, b) == 0;
}

static void
show_view (QdPreviewPane *self)
{
  QdMessageView *view = self->view;
  QdItem *item = self->item;
  g_autofree char *subject = NULL;
  g_autofree char *from = NULL;
  g_autofree char *date = NULL;
  g_autofree char *held = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *sender = NULL;
  const char * const *rules = qd_item_get_rules (item);
  const char *address = view->from_address != NULL ? view->from_address
                                                   : qd_item_get_from_address (item);

  subject = g_strdup (view->subject != NULL ? view->subject : _("(no subject)"));
  gtk_label_set_text (self->subject_label, subject);

  clear_list (self->header_list);
  /* The address comes first and plainly: a display name proves nothing. */
  shown = address != NULL ? qd_address_for_display (address) : g_strdup (_("(no address)"));
  add_field (self->header_list, _("From"), shown, "heading");
  if (qd_item_get_from_name (item) != NULL && qd_item_get_from_name (item)[0] != '\0')
    {
      g_autofree char *name = qd_text_make_safe (qd_item_get_from_name (item), -1);

      add_field (self->header_list, _("Name"), name, NULL);
    }
  if (qd_item_get_envelope_sender (item) != NULL &&
      !same_address (qd_item_get_envelope_sender (item), address))
    {
      sender = qd_address_for_display (qd_item_get_envelope_sender (item));
      add_field (self->header_list, _("Sender"), sender, NULL);
    }
  if (view->reply_to != NULL && strstr (view->reply_to, address != NULL ? address : "") == NULL)
    {
      g_autofree char *warning = g_strdup_printf (_("%s — replies go to another address"),
                                                  view->reply_to);

      add_field (self->header_list, _("Reply-To"), warning, "warning");
    }
  add_field (self->header_list, _("To"),
             view->to != NULL ? view->to : (qd_item_get_recipient (item) ?: ""), NULL);
  date = qd_format_full_date (qd_item_get_received_at (item));
  add_field (self->header_list, _("Received"), date, NULL);
  from = qd_format_reason (item);
  add_field (self->header_list, _("Held as"), from, NULL);
  /* The same message, by Message-ID, in the other place. */
  if (qd_item_get_twin_id (item) != NULL)
    add_field (self->header_list, _("Also"),
               qd_item_get_twin_folder (item) == QD_FOLDER_JUNK
               ? _("In your mailbox’s Junk folder too: releasing or deleting it here deletes "
                   "that copy")
               : _("Held in the quarantine too: moving or deleting it here deletes the held "
                   "copy"),
               NULL);
  held = g_strdup_printf (_("%s (score %.1f)"),
                          qd_item_get_policy_rule (item) ? qd_item_get_policy_rule (item) : "",
                          qd_item_get_score (item));
  add_field (self->header_list, _("Policy"), held, NULL);
  if (rules != NULL && rules[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (", ", (char **)rules);

      add_field (self->header_list, _("Rules"), joined, "caption");
    }

  if (view->n_remote > 0)
    {
      g_autofree char *text =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "%u remote image or resource was not loaded, so the "
                                      "sender cannot tell that you read this.",
                                      "%u remote images or resources were not loaded, so the "
                                      "sender cannot tell that you read this.",
                                      view->n_remote),
                         view->n_remote);

      gtk_label_set_text (self->remote_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->remote_label), view->n_remote > 0);

  clear_list (self->attachment_list);
  for (guint i = 0; i < view->attachments->len; i++)
    {
      QdAttachment *attachment = g_ptr_array_index (view->attachments, i);
      g_autofree char *size = qd_format_size (attachment->size);
      g_autofree char *details = g_strdup_printf ("%s, %s", attachment->content_type, size);

      /* Listed so the person knows what came with it; never opened. */
      add_field (self->attachment_list, _("Attachment"),
                 attachment->filename[0] != '\0' ? attachment->filename : _("(no name)"), NULL);
      add_field (self->attachment_list, "", details, "dim-label");
    }
  gtk_widget_set_visible (GTK_WIDGET (self->attachment_list), view->attachments->len > 0);

  /* A label sizes itself right the first time; the text is bounded by the core. */
  gtk_label_set_text (self->body_label,
                      view->text[0] != '\0' ? view->text : _("(This message has no text.)"));
  gtk_stack_set_visible_child_name (self->stack, "message");
}

static void
twin_changed_cb (QdPreviewPane *self)
{
  if (self->view != NULL)
    show_view (self);
}

static void
show_error (QdPreviewPane *self,
            const GError  *error)
{
  adw_status_page_set_description (self->error_page, error->message);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

static void
parsed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(QdPreviewPane) self = user_data;
  g_autoptr(GError) error = NULL;
  QdMessageView *view = qd_message_view_new_finish (result, &error);

  gtk_spinner_stop (self->spinner);
  if (view == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error);
      return;
    }
  g_clear_pointer (&self->view, qd_message_view_unref);
  self->view = view;
  show_view (self);
}

static void
raw_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(QdPreviewPane) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = qd_item_source_get_raw_finish (QD_ITEM_SOURCE (object), result, &error);

  if (raw == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          gtk_spinner_stop (self->spinner);
          show_error (self, error);
        }
      return;
    }
  qd_message_view_new_async (raw, self->cancellable, parsed_cb, g_object_ref (self));
}

/* Nothing of the last message stays behind the empty page, where a screen
 * reader would still reach it (after signing out, say). */
static void
clear_view (QdPreviewPane *self)
{
  g_clear_pointer (&self->view, qd_message_view_unref);
  gtk_label_set_text (self->subject_label, "");
  clear_list (self->header_list);
  clear_list (self->attachment_list);
  gtk_widget_set_visible (GTK_WIDGET (self->remote_label), FALSE);
  gtk_label_set_text (self->body_label, "");
}

static void
load (QdPreviewPane *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->item == NULL || self->source == NULL || qd_item_is_placeholder (self->item))
    {
      clear_view (self);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  self->cancellable = g_cancellable_new ();
  gtk_spinner_start (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  qd_item_source_get_raw_async (self->source, qd_item_get_id (self->item), self->cancellable,
                                raw_cb, g_object_ref (self));
}

static void
retry_cb (QdPreviewPane *self)
{
  load (self);
}

static void
view_original_cb (QdPreviewPane *self)
{
  GtkWidget *window;
  GtkWidget *toolbar;
  GtkWidget *scrolled;
  GtkWidget *text;
  GtkWidget *header;

  if (self->view == NULL)
    return;

  window = adw_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), _("Original Headers"));
  gtk_window_set_transient_for (GTK_WINDOW (window),
                                GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (window), 720, 520);

  toolbar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  gtk_box_append (GTK_BOX (toolbar), header);
  scrolled = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scrolled, TRUE);
  text = gtk_text_view_new ();
  gtk_text_view_set_editable (GTK_TEXT_VIEW (text), FALSE);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (text), TRUE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (text), GTK_WRAP_CHAR);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (text), 12);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (text), 12);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (text), 12);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (text)),
                            self->view->headers, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (text), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Original headers"), -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), text);
  gtk_box_append (GTK_BOX (toolbar), scrolled);
  adw_window_set_content (ADW_WINDOW (window), toolbar);
  gtk_window_present (GTK_WINDOW (window));
}

static void
qd_preview_pane_dispose (GObject *object)
{
  QdPreviewPane *self = (QdPreviewPane *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->source);
  if (self->item != NULL)
    g_signal_handlers_disconnect_by_data (self->item, self);
  g_clear_object (&self->item);
  g_clear_pointer (&self->view, qd_message_view_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), QD_TYPE_PREVIEW_PANE);

  G_OBJECT_CLASS (qd_preview_pane_parent_class)->dispose (object);
}

static void
qd_preview_pane_class_init (QdPreviewPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qd_preview_pane_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/qd-preview-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, QdPreviewPane, stack);
  gtk_widget_class_bind_template_child (widget_class, QdPreviewPane, spinner);
  gtk_widget_class_bind_template_child (widget_class, QdPreviewPane, error_page);
  gtk_widget_class_bind_template_child (widget_class, QdPreviewPane, empty_page);
  gtk_widget_class_bind_template_child (widget_class, QdPreviewPane, subject_label);
  gtk_widget_class_bind_template_child (widget_class, QdPreviewPane, header_list);
  gtk_widget_class_bind_template_child (widget_class, QdPreviewPane, remote_label);
  gtk_widget_class_bind_template_child (widget_class, QdPreviewPane, attachment_list);
  gtk_widget_class_bind_template_child (widget_class, QdPreviewPane, body_label);
  gtk_widget_class_bind_template_callback (widget_class, retry_cb);
  gtk_widget_class_bind_template_callback (widget_class, view_original_cb);
}

static void
qd_preview_pane_init (QdPreviewPane *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  qd_preview_pane_set_n_selected (self, 0);
}

/**
 * qd_preview_pane_show:
 * @item: (nullable): the message to show, or %NULL for none
 */
void
qd_preview_pane_show (QdPreviewPane *self,
                      QdItemSource  *source,
                      QdItem        *item)
{
  g_return_if_fail (QD_IS_PREVIEW_PANE (self));

  if (item == self->item && source == self->source)
    return;
  if (self->item != NULL)
    g_signal_handlers_disconnect_by_data (self->item, self);
  g_set_object (&self->source, source);
  g_set_object (&self->item, item);
  g_clear_pointer (&self->view, qd_message_view_unref);
  /* Where else the message is may be learnt while it is shown, and a
   * row still loading when chosen is shown once its page came. */
  if (item != NULL)
    {
      g_signal_connect_swapped (item, "notify::twin-id", G_CALLBACK (twin_changed_cb), self);
      if (qd_item_is_placeholder (item))
        g_signal_connect_swapped (item, "notify::placeholder", G_CALLBACK (load), self);
    }
  load (self);
}

/**
 * qd_preview_pane_set_n_selected:
 * @n_selected: how many messages the list has selected
 *
 * With several selected there is none to show: the empty page says how
 * many are chosen, rather than that none is.
 */
void
qd_preview_pane_set_n_selected (QdPreviewPane *self,
                                guint          n_selected)
{
  g_return_if_fail (QD_IS_PREVIEW_PANE (self));

  if (n_selected > 1)
    {
      g_autofree char *count = qd_format_count (n_selected);
      g_autofree char *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                             "%s Message Selected",
                                                             "%s Messages Selected",
                                                             n_selected),
                                                count);

      adw_status_page_set_title (self->empty_page, title);
      adw_status_page_set_description (self->empty_page,
                                       _("Act on them all with the buttons below the "
                                         "list."));
    }
  else
    {
      adw_status_page_set_title (self->empty_page, _("No Message Selected"));
      adw_status_page_set_description (self->empty_page,
                                       _("Select a message to read it here. Held mail is "
                                         "shown as text only: nothing in it is loaded or "
                                         "opened."));
    }
}

QdItem *
qd_preview_pane_get_item (QdPreviewPane *self)
{
  g_return_val_if_fail (QD_IS_PREVIEW_PANE (self), NULL);
  return self->item;
}
