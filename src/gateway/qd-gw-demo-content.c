/* qd-gw-demo-content.c — loads the demo's senders, people and samples from the JSON in demo/
 *
 * The texts live in JSON under src/gateway/demo/ so that people who do
 * not write C can read and edit them; they are compiled into the gateway
 * as a resource. Members are checked strictly: a misspelt name or value
 * is a fault in the data, reported rather than skipped.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "qd-gw-demo-content.h"
#include "qd-gw-demo-resources.h"
#include "qd-json.h"

#define DEMO_RESOURCE_PATH "/io/github/quarantinedesk/Gateway/demo/"

/* Indexed by QdGwDemoLayout and QdGwDemoAttachment. */
static const char * const layouts[] = { "plain", "html", "alternative", NULL };
static const char * const attachments[] = {
  "none", "pdf", "ics", "image", "exe", "zip", "encrypted-zip", "macro-doc", NULL,
};

static void
template_clear (gpointer data)
{
  QdGwDemoTemplate *t = data;

  g_free (t->from_name);
  g_free (t->from_address);
  g_free (t->envelope);
  g_strfreev (t->subjects);
  g_free (t->body);
  g_free (t->action);
  g_free (t->link);
  g_free (t->attachment_name);
  g_free (t->rules);
  g_free (t->policy_rule);
  g_free (t->color);
}

static void
sample_clear (gpointer data)
{
  QdGwDemoSample *s = data;

  g_free (s->file_name);
  g_free (s->charset);
  g_free (s->from_name);
  g_free (s->from_address);
  g_free (s->subject);
  g_free (s->body);
}

void
qd_gw_demo_content_free (QdGwDemoContent *content)
{
  if (content == NULL)
    return;
  g_clear_pointer (&content->templates, g_array_unref);
  g_strfreev (content->people_en);
  g_strfreev (content->people_ja);
  for (guint i = 0; i < G_N_ELEMENTS (content->footers); i++)
    {
      g_free (content->footers[i].en);
      g_free (content->footers[i].ja);
    }
  g_clear_pointer (&content->samples, g_array_unref);
  g_free (content);
}

static gboolean
invalid (GError     **error,
         const char  *member)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "“%s” is missing or not valid",
               member);
  return FALSE;
}

static JsonObject *
load (const char  *name,
      GError     **error)
{
  g_autofree char *path = g_strconcat (DEMO_RESOURCE_PATH, name, NULL);
  g_autoptr(GBytes) bytes = g_resource_lookup_data (qd_gw_demo_get_resource (), path,
                                                    G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  JsonObject *object;
  gsize length;
  const char *data;

  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &length);
  object = qd_json_parse_object (data, length, error);
  if (object == NULL)
    g_prefix_error (error, "%s: ", name);
  return object;
}

/* Every member must be one the loader reads. */
static gboolean
check_members (JsonObject          *object,
               const char * const  *known,
               GError             **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (known, l->data))
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "unknown member “%s”",
                     (const char *) l->data);
        return FALSE;
      }
  return TRUE;
}

/* A list of texts; NULL when absent or when anything in it is not a text. */
static char **
dup_texts (JsonObject *object,
           const char *member)
{
  JsonArray *array = qd_json_get_array (object, member);
  g_auto(GStrv) texts = qd_json_dup_strv (object, member);

  if (array == NULL || g_strv_length (texts) != json_array_get_length (array))
    return NULL;
  return g_steal_pointer (&texts);
}

/* Texts kept as lists so that they read line by line: joined by @separator. */
static gboolean
dup_joined (JsonObject  *object,
            const char  *member,
            const char  *separator,
            gboolean     required,
            char       **out,
            GError     **error)
{
  g_auto(GStrv) parts = NULL;

  if (!json_object_has_member (object, member) && !required)
    return TRUE;
  parts = dup_texts (object, member);
  if (parts == NULL || parts[0] == NULL)
    return invalid (error, member);
  *out = g_strjoinv (separator, parts);
  return TRUE;
}

static gboolean
dup_string (JsonObject  *object,
            const char  *member,
            gboolean     required,
            char       **out,
            GError     **error)
{
  if (!json_object_has_member (object, member) && !required)
    return TRUE;
  *out = qd_json_dup_string (object, member);
  return *out != NULL ? TRUE : invalid (error, member);
}

/* One of @names, by index; @fallback when absent. */
static gboolean
get_choice (JsonObject          *object,
            const char          *member,
            const char * const  *names,
            int                  fallback,
            int                 *out,
            GError             **error)
{
  const char *value = qd_json_get_string (object, member);

  if (!json_object_has_member (object, member) && fallback >= 0)
    {
      *out = fallback;
      return TRUE;
    }
  for (int i = 0; value != NULL && names[i] != NULL; i++)
    if (g_str_equal (value, names[i]))
      {
        *out = i;
        return TRUE;
      }
  return invalid (error, member);
}

static gboolean
get_japanese (JsonObject  *object,
              gboolean    *japanese,
              GError     **error)
{
  static const char * const languages[] = { "en", "ja", NULL };
  int language;

  if (!get_choice (object, "language", languages, -1, &language, error))
    return FALSE;
  *japanese = language == 1;
  return TRUE;
}

static gboolean
parse_template (JsonObject  *object,
                gpointer     entry,
                GError     **error)
{
  QdGwDemoTemplate *t = entry;
  static const char * const members[] = {
    "reason", "category", "language", "layout", "from_name", "from_address", "envelope",
    "subjects", "body", "action", "link", "attachment", "attachment_name", "rules",
    "policy_rule", "color", NULL,
  };
  const char *reason = qd_json_get_string (object, "reason");
  int layout;
  int attachment;

  if (!check_members (object, members, error))
    return FALSE;
  if (reason == NULL || !qd_reason_from_string (reason, &t->reason))
    return invalid (error, "reason");
  /* Only graymail has a category, and graymail always has one. */
  if (!qd_category_from_string (qd_json_get_string (object, "category"), &t->category)
      || (t->category != QD_CATEGORY_NONE) != (t->reason == QD_REASON_GRAYMAIL))
    return invalid (error, "category");
  if (!get_japanese (object, &t->japanese, error)
      || !get_choice (object, "layout", layouts, -1, &layout, error)
      || !get_choice (object, "attachment", attachments, QD_GW_DEMO_ATTACH_NONE, &attachment,
                      error))
    return FALSE;
  t->layout = layout;
  t->attachment = attachment;

  t->subjects = dup_texts (object, "subjects");
  if (t->subjects == NULL || t->subjects[0] == NULL)
    return invalid (error, "subjects");
  return dup_string (object, "from_name", TRUE, &t->from_name, error)
         && dup_string (object, "from_address", TRUE, &t->from_address, error)
         && dup_string (object, "envelope", FALSE, &t->envelope, error)
         && dup_joined (object, "body", "\n", TRUE, &t->body, error)
         && dup_string (object, "action", FALSE, &t->action, error)
         && dup_string (object, "link", FALSE, &t->link, error)
         && dup_string (object, "attachment_name", t->attachment != QD_GW_DEMO_ATTACH_NONE,
                        &t->attachment_name, error)
         && dup_joined (object, "rules", " ", FALSE, &t->rules, error)
         && dup_string (object, "policy_rule", FALSE, &t->policy_rule, error)
         && dup_string (object, "color", FALSE, &t->color, error);
}

static gboolean
parse_sample (JsonObject  *object,
              gpointer     entry,
              GError     **error)
{
  QdGwDemoSample *s = entry;
  static const char * const members[] = {
    "file_name", "age_hours", "language", "charset", "from_name", "from_address", "subject",
    "body", NULL,
  };
  gint64 age_hours = qd_json_get_int (object, "age_hours", -1);

  if (!check_members (object, members, error))
    return FALSE;
  if (age_hours < 0 || age_hours > G_MAXUINT)
    return invalid (error, "age_hours");
  s->age_hours = age_hours;
  return get_japanese (object, &s->japanese, error)
         && dup_string (object, "file_name", TRUE, &s->file_name, error)
         && dup_string (object, "charset", TRUE, &s->charset, error)
         && dup_string (object, "from_name", TRUE, &s->from_name, error)
         && dup_string (object, "from_address", TRUE, &s->from_address, error)
         && dup_string (object, "subject", TRUE, &s->subject, error)
         && dup_joined (object, "body", "\n", TRUE, &s->body, error);
}

/* Each entry of the list @member of @file, parsed by @parse into @array. */
static gboolean
parse_list (const char  *file,
            const char  *member,
            GArray      *array,
            gboolean   (*parse) (JsonObject *, gpointer, GError **),
            GError     **error)
{
  g_autoptr(JsonObject) root = load (file, error);
  JsonArray *list = root != NULL ? qd_json_get_array (root, member) : NULL;

  if (root == NULL)
    return FALSE;
  if (list == NULL || json_array_get_length (list) == 0)
    {
      invalid (error, member);
      g_prefix_error (error, "%s: ", file);
      return FALSE;
    }
  g_array_set_size (array, json_array_get_length (list));
  for (guint i = 0; i < array->len; i++)
    {
      JsonNode *node = json_array_get_element (list, i);
      gpointer entry = array->data + (gsize) i * g_array_get_element_size (array);
      gboolean ok = JSON_NODE_HOLDS_OBJECT (node)
                    ? parse (json_node_get_object (node), entry, error)
                    : invalid (error, member);

      if (!ok)
        {
          g_prefix_error (error, "%s, entry %u: ", file, i + 1);
          return FALSE;
        }
    }
  return TRUE;
}

/* The invented people of {person} and {person2}: two at least per language. */
static gboolean
dup_people (JsonObject   *root,
            const char   *language,
            char       ***out,
            GError      **error)
{
  *out = dup_texts (root, language);
  return *out != NULL && g_strv_length (*out) >= 2 ? TRUE : invalid (error, language);
}

static gboolean
parse_people (QdGwDemoContent  *content,
              GError          **error)
{
  static const char * const members[] = { "en", "ja", NULL };
  g_autoptr(JsonObject) root = load ("people.json", error);

  if (root == NULL)
    return FALSE;
  if (check_members (root, members, error)
      && dup_people (root, "en", &content->people_en, error)
      && dup_people (root, "ja", &content->people_ja, error))
    return TRUE;
  g_prefix_error (error, "people.json: ");
  return FALSE;
}

static gboolean
parse_footers (QdGwDemoContent  *content,
               GError          **error)
{
  static const char * const categories[] = { "marketing", "social", "forum", "bulk", NULL };
  static const char * const members[] = { "en", "ja", NULL };
  g_autoptr(JsonObject) root = load ("footers.json", error);

  if (root == NULL)
    return FALSE;
  if (!check_members (root, categories, error))
    {
      g_prefix_error (error, "footers.json: ");
      return FALSE;
    }
  for (QdCategory c = QD_CATEGORY_MARKETING; c <= QD_CATEGORY_BULK; c++)
    {
      const char *name = qd_category_to_string (c);
      JsonObject *footer = qd_json_get_object (root, name);
      QdGwDemoFooter *out = &content->footers[c];
      gboolean ok = footer != NULL ? check_members (footer, members, error)
                                     && dup_string (footer, "en", TRUE, &out->en, error)
                                     && dup_string (footer, "ja", TRUE, &out->ja, error)
                                   : invalid (error, name);

      if (!ok)
        {
          g_prefix_error (error, "footers.json, %s: ", name);
          return FALSE;
        }
    }
  return TRUE;
}

QdGwDemoContent *
qd_gw_demo_content_new (GError **error)
{
  g_autoptr(QdGwDemoContent) content = g_new0 (QdGwDemoContent, 1);

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  content->templates = g_array_new (FALSE, TRUE, sizeof (QdGwDemoTemplate));
  g_array_set_clear_func (content->templates, template_clear);
  content->samples = g_array_new (FALSE, TRUE, sizeof (QdGwDemoSample));
  g_array_set_clear_func (content->samples, sample_clear);
  if (!parse_list ("templates.json", "templates", content->templates, parse_template, error)
      || !parse_people (content, error)
      || !parse_footers (content, error)
      || !parse_list ("samples.json", "samples", content->samples, parse_sample, error))
    return NULL;
  return g_steal_pointer (&content);
}
