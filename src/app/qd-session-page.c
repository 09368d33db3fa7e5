/* qd-session-page.c — base of the window's pages that follow the session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "qd-session-page.h"

typedef struct
{
  QdSession *session;
  GSettings *settings;
} QdSessionPagePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (QdSessionPage, qd_session_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * qd_session_page_get_session:
 *
 * Returns: (transfer none): the session the page follows
 */
QdSession *
qd_session_page_get_session (QdSessionPage *self)
{
  QdSessionPagePrivate *priv;

  g_return_val_if_fail (QD_IS_SESSION_PAGE (self), NULL);

  priv = qd_session_page_get_instance_private (self);
  return priv->session;
}

/**
 * qd_session_page_get_settings:
 *
 * Returns: (transfer none) (nullable): the settings the page was given, if any
 */
GSettings *
qd_session_page_get_settings (QdSessionPage *self)
{
  QdSessionPagePrivate *priv;

  g_return_val_if_fail (QD_IS_SESSION_PAGE (self), NULL);

  priv = qd_session_page_get_instance_private (self);
  return priv->settings;
}

static void
signed_in_changed_cb (QdSessionPage *self)
{
  QdSessionPagePrivate *priv = qd_session_page_get_instance_private (self);
  QdSessionPageClass *klass = QD_SESSION_PAGE_GET_CLASS (self);

  if (qd_session_get_signed_in (priv->session))
    {
      if (klass->signed_in != NULL)
        klass->signed_in (self);
    }
  else if (klass->signed_out != NULL)
    klass->signed_out (self);
}

static void
qd_session_page_dispose (GObject *object)
{
  QdSessionPage *self = (QdSessionPage *)object;
  QdSessionPagePrivate *priv = qd_session_page_get_instance_private (self);

  g_clear_object (&priv->session);
  g_clear_object (&priv->settings);

  G_OBJECT_CLASS (qd_session_page_parent_class)->dispose (object);
}

static void
qd_session_page_constructed (GObject *object)
{
  QdSessionPage *self = (QdSessionPage *)object;
  QdSessionPagePrivate *priv = qd_session_page_get_instance_private (self);

  G_OBJECT_CLASS (qd_session_page_parent_class)->constructed (object);

  g_assert (QD_IS_SESSION (priv->session));
  g_signal_connect_object (priv->session, "notify::signed-in",
                           G_CALLBACK (signed_in_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
qd_session_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  QdSessionPage *self = QD_SESSION_PAGE (object);
  QdSessionPagePrivate *priv = qd_session_page_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, priv->session);
      break;
    case PROP_SETTINGS:
      g_value_set_object (value, priv->settings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qd_session_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  QdSessionPage *self = QD_SESSION_PAGE (object);
  QdSessionPagePrivate *priv = qd_session_page_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_SESSION:
      priv->session = g_value_dup_object (value);
      break;
    case PROP_SETTINGS:
      priv->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qd_session_page_class_init (QdSessionPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = qd_session_page_dispose;
  object_class->constructed = qd_session_page_constructed;
  object_class->get_property = qd_session_page_get_property;
  object_class->set_property = qd_session_page_set_property;

  /* The page follows the session: the window never hands it another nor
   * clears it.  The settings are for the pages that read them; others
   * leave them unset. */
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, QD_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
qd_session_page_init (QdSessionPage *self)
{
}
