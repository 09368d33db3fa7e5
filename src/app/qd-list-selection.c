/* qd-list-selection.c — the selection over a paging list, which keeps its rows loaded
 *
 * A list lets go of rows far from the view once many are loaded; an
 * action on the selection needs the ids of every selected row, so those
 * stay.  The list holds the selection weakly: the selection holds it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "qd-list-selection.h"

static gboolean
keep_selected (guint    position,
               gpointer user_data)
{
  g_autoptr(GtkSelectionModel) selection = g_weak_ref_get (user_data);

  return selection != NULL && gtk_selection_model_is_selected (selection, position);
}

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

/**
 * qd_list_selection_new:
 *
 * Returns: (transfer full): a multiple selection over @list
 */
GtkMultiSelection *
qd_list_selection_new (QdItemList *list)
{
  GtkMultiSelection *selection = gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (list)));
  GWeakRef *ref = g_new (GWeakRef, 1);

  g_weak_ref_init (ref, selection);
  qd_item_list_set_keep_func (list, keep_selected, ref, weak_ref_free);
  return selection;
}
