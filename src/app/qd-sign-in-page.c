/* qd-sign-in-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "qd-sign-in-page.h"

struct _QdSignInPage
{
  AdwBin        parent_instance;

  AdwEntryRow  *gateway_row;
  AdwEntryRow  *username_row;
  AdwPasswordEntryRow *password_row;
  GtkButton    *sign_in_button;
  GtkLabel     *hint_label;
};

G_DEFINE_FINAL_TYPE (QdSignInPage, qd_sign_in_page, ADW_TYPE_BIN)

static void
update_sensitivity (QdSignInPage *self)
{
  gboolean ready = gtk_editable_get_text (GTK_EDITABLE (self->gateway_row))[0] != '\0' &&
                   gtk_editable_get_text (GTK_EDITABLE (self->username_row))[0] != '\0' &&
                   gtk_editable_get_text (GTK_EDITABLE (self->password_row))[0] != '\0';

  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button), ready);
}

static void
qd_sign_in_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), QD_TYPE_SIGN_IN_PAGE);

  G_OBJECT_CLASS (qd_sign_in_page_parent_class)->dispose (object);
}

static void
qd_sign_in_page_class_init (QdSignInPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = qd_sign_in_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/qd-sign-in-page.ui");
  gtk_widget_class_bind_template_child (widget_class, QdSignInPage, gateway_row);
  gtk_widget_class_bind_template_child (widget_class, QdSignInPage, username_row);
  gtk_widget_class_bind_template_child (widget_class, QdSignInPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, QdSignInPage, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, QdSignInPage, hint_label);
  gtk_widget_class_bind_template_callback (widget_class, update_sensitivity);
}

static void
qd_sign_in_page_init (QdSignInPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_sensitivity (self);
}

void
qd_sign_in_page_load_settings (QdSignInPage *self,
                               GSettings    *settings)
{
  g_autofree char *url = g_settings_get_string (settings, "gateway-url");
  g_autofree char *username = g_settings_get_string (settings, "username");
  const char *hint = g_getenv ("QD_DEMO_HINT");

  gtk_editable_set_text (GTK_EDITABLE (self->gateway_row), url);
  gtk_editable_set_text (GTK_EDITABLE (self->username_row), username);
  /* The demo script says which throwaway account to use. */
  if (hint != NULL && hint[0] != '\0')
    {
      gtk_label_set_text (self->hint_label, hint);
      gtk_widget_set_visible (GTK_WIDGET (self->hint_label), TRUE);
    }
  update_sensitivity (self);
}
