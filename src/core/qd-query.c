/* qd-query.c — which held messages to list, in what order, as GET /messages parameters
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "qd-query.h"

struct _QdQuery
{
  gatomicrefcount  ref_count;
  QdFolder         folder;
  guint            reasons;
  guint            categories;
  GDateTime       *since;
  GDateTime       *until;
  char            *search;
  QdSortColumn     sort;
  gboolean         descending;
};

G_DEFINE_BOXED_TYPE (QdQuery, qd_query, qd_query_ref, qd_query_unref)

static const char * const sort_names[] = { "received_at", "size", "from", "subject" };

QdQuery *
qd_query_new (QdFolder folder)
{
  QdQuery *self = g_new0 (QdQuery, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->folder = folder;
  self->sort = QD_SORT_RECEIVED_AT;
  self->descending = TRUE;
  return self;
}

QdQuery *
qd_query_copy (const QdQuery *self)
{
  QdQuery *copy = qd_query_new (self->folder);

  copy->reasons = self->reasons;
  copy->categories = self->categories;
  copy->since = self->since ? g_date_time_ref (self->since) : NULL;
  copy->until = self->until ? g_date_time_ref (self->until) : NULL;
  copy->search = g_strdup (self->search);
  copy->sort = self->sort;
  copy->descending = self->descending;
  return copy;
}

QdQuery *
qd_query_ref (QdQuery *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
qd_query_unref (QdQuery *self)
{
  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_clear_pointer (&self->since, g_date_time_unref);
      g_clear_pointer (&self->until, g_date_time_unref);
      g_free (self->search);
      g_free (self);
    }
}

static gboolean
dates_equal (GDateTime *a,
             GDateTime *b)
{
  return (a == NULL && b == NULL) || (a != NULL && b != NULL && g_date_time_equal (a, b));
}

gboolean
qd_query_equal (const QdQuery *a,
                const QdQuery *b)
{
  return a->folder == b->folder && a->reasons == b->reasons &&
         a->categories == b->categories && dates_equal (a->since, b->since) &&
         dates_equal (a->until, b->until) && g_strcmp0 (a->search, b->search) == 0 &&
         a->sort == b->sort && a->descending == b->descending;
}

QdFolder
qd_query_get_folder (const QdQuery *self)
{
  return self->folder;
}

void
qd_query_set_folder (QdQuery  *self,
                     QdFolder  folder)
{
  self->folder = folder;
}

guint
qd_query_get_reasons (const QdQuery *self)
{
  return self->reasons;
}

void
qd_query_set_reasons (QdQuery *self,
                      guint    reasons)
{
  self->reasons = reasons;
}

guint
qd_query_get_categories (const QdQuery *self)
{
  return self->categories;
}

void
qd_query_set_categories (QdQuery *self,
                         guint    categories)
{
  self->categories = categories;
}

GDateTime *
qd_query_get_since (const QdQuery *self)
{
  return self->since;
}

void
qd_query_set_since (QdQuery   *self,
                    GDateTime *since)
{
  g_clear_pointer (&self->since, g_date_time_unref);
  self->since = since ? g_date_time_ref (since) : NULL;
}

GDateTime *
qd_query_get_until (const QdQuery *self)
{
  return self->until;
}

void
qd_query_set_until (QdQuery   *self,
                    GDateTime *until)
{
  g_clear_pointer (&self->until, g_date_time_unref);
  self->until = until ? g_date_time_ref (until) : NULL;
}

const char *
qd_query_get_search (const QdQuery *self)
{
  return self->search;
}

void
qd_query_set_search (QdQuery    *self,
                     const char *search)
{
  g_free (self->search);
  self->search = search != NULL && search[0] != '\0' ? g_strdup (search) : NULL;
}

QdSortColumn
qd_query_get_sort (const QdQuery *self,
                   gboolean      *descending)
{
  if (descending != NULL)
    *descending = self->descending;
  return self->sort;
}

void
qd_query_set_sort (QdQuery      *self,
                   QdSortColumn  column,
                   gboolean      descending)
{
  g_return_if_fail (column < G_N_ELEMENTS (sort_names));
  self->sort = column;
  self->descending = descending;
}

static void
append_enum_list (GString    *str,
                  const char *name,
                  guint       bits,
                  const char *(*to_string) (int))
{
  gboolean first = TRUE;

  if (bits == 0)
    return;
  g_string_append_printf (str, "&%s=", name);
  for (int v = 0; v < 32; v++)
    if (bits & (1u << v) && to_string (v) != NULL)
      {
        if (!first)
          g_string_append (str, "%2C");
        g_string_append (str, to_string (v));
        first = FALSE;
      }
}

static void
append_param (GString    *str,
              const char *name,
              const char *value)
{
  g_string_append_printf (str, "&%s=", name);
  g_string_append_uri_escaped (str, value, NULL, FALSE);
}

static void
append_time (GString    *str,
             const char *name,
             GDateTime  *time)
{
  g_autofree char *text = NULL;

  if (time == NULL)
    return;
  text = g_date_time_format_iso8601 (time);
  append_param (str, name, text);
}

/**
 * qd_query_to_string:
 *
 * The query string of GET /messages for this query, escaped.
 */
char *
qd_query_to_string (const QdQuery *self,
                    const char    *cursor,
                    guint          limit)
{
  GString *str = g_string_new ("folder=");

  g_string_append (str, qd_folder_to_string (self->folder));
  append_enum_list (str, "reason", self->reasons, (const char *(*) (int))qd_reason_to_string);
  append_enum_list (str, "category", self->categories,
                    (const char *(*) (int))qd_category_to_string);
  append_time (str, "since", self->since);
  append_time (str, "until", self->until);
  if (self->search != NULL)
    append_param (str, "q", self->search);
  if (self->sort != QD_SORT_RECEIVED_AT || !self->descending)
    g_string_append_printf (str, "&sort=%s%s", self->descending ? "-" : "",
                            sort_names[self->sort]);
  if (cursor != NULL)
    append_param (str, "cursor", cursor);
  if (limit > 0)
    g_string_append_printf (str, "&limit=%u", limit);
  return g_string_free (str, FALSE);
}

/**
 * qd_parse_user_time:
 * @text: ISO 8601, or local "YYYY-MM-DD HH:MM", or "YYYY-MM-DD"
 *
 * A time as a person types it; without a zone, the local one.
 */
GDateTime *
qd_parse_user_time (const char *text)
{
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  g_autofree char *iso = NULL;
  GDateTime *dt;
  int y, mo, d, h = 0, mi = 0;
  char tail;

  if (text == NULL)
    return NULL;
  dt = g_date_time_new_from_iso8601 (text, local);
  if (dt != NULL)
    return dt;
  if (sscanf (text, "%4d-%2d-%2d %2d:%2d%c", &y, &mo, &d, &h, &mi, &tail) == 5 ||
      sscanf (text, "%4d-%2d-%2d%c", &y, &mo, &d, &tail) == 3)
    return g_date_time_new (local, y, mo, d, h, mi, 0);
  return NULL;
}
