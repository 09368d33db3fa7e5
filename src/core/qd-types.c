/* qd-types.c — folders, reasons, categories and actions: their wire names and labels
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-enums.h"
#include "qd-types.h"

const char *
qd_enum_to_nick (GType enum_type,
                 int   value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (enum_type);
  GEnumValue *ev = g_enum_get_value (klass, value);

  return ev != NULL ? ev->value_nick : NULL;
}

gboolean
qd_enum_from_nick (GType       enum_type,
                   const char *nick,
                   int        *value)
{
  g_autoptr(GEnumClass) klass = NULL;
  GEnumValue *ev;

  if (nick == NULL)
    return FALSE;

  klass = g_type_class_ref (enum_type);
  ev = g_enum_get_value_by_nick (klass, nick);
  if (ev == NULL)
    return FALSE;
  *value = ev->value;
  return TRUE;
}

const char *
qd_folder_to_string (QdFolder folder)
{
  return qd_enum_to_nick (QD_TYPE_FOLDER, folder);
}

gboolean
qd_folder_from_string (const char *str,
                       QdFolder   *folder)
{
  int v;

  if (!qd_enum_from_nick (QD_TYPE_FOLDER, str, &v))
    return FALSE;
  *folder = v;
  return TRUE;
}

const char *
qd_reason_to_string (QdReason reason)
{
  return qd_enum_to_nick (QD_TYPE_REASON, reason);
}

gboolean
qd_reason_from_string (const char *str,
                       QdReason   *reason)
{
  int v;

  if (!qd_enum_from_nick (QD_TYPE_REASON, str, &v))
    return FALSE;
  *reason = v;
  return TRUE;
}

const char *
qd_category_to_string (QdCategory category)
{
  /* Items that are not graymail have no category: null in the API. */
  if (category == QD_CATEGORY_NONE)
    return NULL;
  return qd_enum_to_nick (QD_TYPE_CATEGORY, category);
}

gboolean
qd_category_from_string (const char *str,
                         QdCategory *category)
{
  int v;

  if (str == NULL)
    {
      *category = QD_CATEGORY_NONE;
      return TRUE;
    }
  if (g_str_equal (str, "none") || !qd_enum_from_nick (QD_TYPE_CATEGORY, str, &v))
    return FALSE;
  *category = v;
  return TRUE;
}

const char *
qd_action_to_string (QdActions action)
{
  g_autoptr(GFlagsClass) klass = g_type_class_ref (QD_TYPE_ACTIONS);
  GFlagsValue *fv = g_flags_get_first_value (klass, action);

  return fv != NULL && fv->value == (guint) action ? fv->value_nick : NULL;
}

gboolean
qd_action_from_string (const char *str,
                       QdActions  *action)
{
  g_autoptr(GFlagsClass) klass = NULL;
  GFlagsValue *fv;

  if (str == NULL)
    return FALSE;
  klass = g_type_class_ref (QD_TYPE_ACTIONS);
  fv = g_flags_get_value_by_nick (klass, str);
  if (fv == NULL || fv->value == 0)
    return FALSE;
  *action = fv->value;
  return TRUE;
}

const char *
qd_folder_get_label (QdFolder folder)
{
  switch (folder)
    {
    case QD_FOLDER_QUARANTINE:
      return _("Quarantine");
    case QD_FOLDER_JUNK:
      return _("Junk");
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
qd_reason_get_label (QdReason reason)
{
  switch (reason)
    {
    case QD_REASON_GRAYMAIL:
      return _("Graymail");
    case QD_REASON_SPAM:
      return _("Spam");
    case QD_REASON_PHISHING:
      return _("Phishing");
    case QD_REASON_MALWARE:
      return _("Malware");
    case QD_REASON_POLICY:
      return _("Policy");
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
qd_category_get_label (QdCategory category)
{
  switch (category)
    {
    case QD_CATEGORY_NONE:
      return "";
    case QD_CATEGORY_MARKETING:
      return _("Marketing and newsletters");
    case QD_CATEGORY_SOCIAL:
      return _("Social network");
    case QD_CATEGORY_FORUM:
      return _("Forum");
    case QD_CATEGORY_BULK:
      return _("Bulk mail");
    default:
      g_return_val_if_reached (NULL);
    }
}

void
qd_verdict_rule_free (QdVerdictRule *rule)
{
  g_free (rule->name);
  g_free (rule->description);
  g_free (rule);
}
