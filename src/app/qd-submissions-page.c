/* qd-submissions-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "qd-core.h"
#include "qd-format.h"
#include "qd-submissions-page.h"

struct _QdSubmissionsPage
{
  AdwBin         parent_instance;

  GtkStack      *stack;
  GtkListBox    *list;
  AdwStatusPage *error_page;
};

G_DEFINE_FINAL_TYPE (QdSubmissionsPage, qd_submissions_page, ADW_TYPE_BIN)

static char *
describe_state (QdHistoryEntry *entry)
{
  g_autofree char *when = NULL;

  if (g_strcmp0 (entry->state, "sent") == 0)
    {
      when = qd_format_when (entry->sent_at);
      /* Translators: a sample was accepted by the mail server at a time */
      return g_strdup_printf (_("Sent %s"), when);
    }
  if (g_strcmp0 (entry->state, "queued") == 0)
    return g_strdup (_("Waiting in the outbox"));
  if (g_strcmp0 (entry->state, "expired") == 0)
    return g_strdup (_("Not sent: it became too old while waiting"));
  /* Translators: the mail server refused the sample, with its reply */
  return g_strdup_printf (_("Refused by the mail server: %s"),
                          entry->reply != NULL ? entry->reply : "");
}

static GtkWidget *
history_row (QdHistoryEntry *entry)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *state = gtk_label_new (NULL);
  g_autofree char *title = qd_text_make_safe (entry->subject != NULL ? entry->subject
                                                                     : _("(no subject)"), -1);
  g_autofree char *from = qd_text_make_safe (entry->from != NULL ? entry->from : "", -1);
  g_autofree char *text = describe_state (entry);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), from);
  gtk_label_set_text (GTK_LABEL (state), text);
  gtk_label_set_wrap (GTK_LABEL (state), TRUE);
  gtk_label_set_xalign (GTK_LABEL (state), 1);
  gtk_label_set_max_width_chars (GTK_LABEL (state), 28);
  gtk_widget_add_css_class (state, "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), state);
  return row;
}

void
qd_submissions_page_reload (QdSubmissionsPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdStore) store = qd_store_open (NULL, &error);
  g_autoptr(GPtrArray) history = NULL;
  GtkWidget *child;

  g_return_if_fail (QD_IS_SUBMISSIONS_PAGE (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  if (store != NULL)
    history = qd_store_list_history (store, 1000, &error);
  if (history == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }
  for (guint i = 0; i < history->len; i++)
    gtk_list_box_append (self->list, history_row (g_ptr_array_index (history, i)));
  gtk_stack_set_visible_child_name (self->stack, history->len > 0 ? "list" : "empty");
}

static void
qd_submissions_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (qd_submissions_page_parent_class)->map (widget);
  /* The history changes when reports are sent; it is read when shown. */
  qd_submissions_page_reload (QD_SUBMISSIONS_PAGE (widget));
}

static void
qd_submissions_page_dispose (GObject *object)
{
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
}

static void
qd_submissions_page_init (QdSubmissionsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
