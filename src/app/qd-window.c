/* qd-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "qd-sign-in-page.h"
#include "qd-window.h"

struct _QdWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;

  /* template widgets */
  GtkStack             *stack;
  QdSignInPage         *sign_in_page;
};

G_DEFINE_FINAL_TYPE (QdWindow, qd_window, ADW_TYPE_APPLICATION_WINDOW)

static gboolean
qd_window_close_request (GtkWindow *window)
{
  QdWindow *self = QD_WINDOW (window);
  int width;
  int height;

  /* Remember the size, not a maximized or full-screen one. */
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

  gtk_widget_dispose_template (GTK_WIDGET (self), QD_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (qd_window_parent_class)->dispose (object);
}

static void
qd_window_class_init (QdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = qd_window_dispose;
  window_class->close_request = qd_window_close_request;

  g_type_ensure (QD_TYPE_SIGN_IN_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/qd-window.ui");
  gtk_widget_class_bind_template_child (widget_class, QdWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, QdWindow, sign_in_page);
}

static void
qd_window_init (QdWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

#if DEVELOPMENT
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif
}

QdWindow *
qd_window_new (QdApplication *application)
{
  QdWindow *self = g_object_new (QD_TYPE_WINDOW, "application", application, NULL);

  self->settings = g_object_ref (qd_application_get_settings (application));
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  qd_sign_in_page_load_settings (self->sign_in_page, self->settings);

  return self;
}
