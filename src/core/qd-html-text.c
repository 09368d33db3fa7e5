/* qd-html-text.c — a tag stripper, deliberately not an HTML engine
 *
 * Held mail is hostile: nothing here fetches, runs or renders anything.
 * Scripts, styles and the head are dropped; block elements become line
 * breaks; links keep their target in angle brackets so a look-alike
 * address is visible; remote images are only counted.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "qd-html-text.h"

static const char * const block_tags[] = {
  "p", "div", "br", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6",
  "blockquote", "pre", "hr", "section", "article", "header", "footer", "title", "dt", "dd",
};

static const char * const skipped_tags[] = { "script", "style", "head", "template", "noscript" };

static gboolean
in_list (const char         *name,
         const char * const *list,
         gsize               n)
{
  for (gsize i = 0; i < n; i++)
    if (g_ascii_strcasecmp (name, list[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
append_entity (GString    *out,
               const char *entity)
{
  static const struct { const char *name; gunichar c; } named[] = {
    { "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
    { "nbsp", ' ' }, { "copy", 0xA9 }, { "reg", 0xAE }, { "hellip", 0x2026 },
    { "mdash", 0x2014 }, { "ndash", 0x2013 }, { "yen", 0xA5 }, { "euro", 0x20AC },
    { "laquo", 0xAB }, { "raquo", 0xBB }, { "middot", 0xB7 }, { "trade", 0x2122 },
  };
  gunichar c = 0;

  if (entity[0] == '#')
    {
      gint64 v = entity[1] == 'x' || entity[1] == 'X' ? g_ascii_strtoll (entity + 2, NULL, 16)
                                                      : g_ascii_strtoll (entity + 1, NULL, 10);

      c = v > 0 && v <= 0x10FFFF ? (gunichar)v : 0xFFFD;
    }
  else
    for (guint i = 0; i < G_N_ELEMENTS (named); i++)
      if (g_str_equal (entity, named[i].name))
        c = named[i].c;

  if (c == 0)
    g_string_append_printf (out, "&%s;", entity);
  else if (g_unichar_validate (c))
    g_string_append_unichar (out, c);
}

/* The value of attribute @name in a tag's text, or NULL. */
static char *
tag_attribute (const char *tag,
               const char *name)
{
  gsize name_len = strlen (name);

  for (const char *p = tag; *p; p++)
    {
      const char *v;
      char quote;
      const char *end;

      if (g_ascii_strncasecmp (p, name, name_len) != 0 ||
          (p > tag && !g_ascii_isspace (p[-1])))
        continue;
      v = p + name_len;
      while (g_ascii_isspace (*v))
        v++;
      if (*v != '=')
        continue;
      v++;
      while (g_ascii_isspace (*v))
        v++;
      quote = (*v == '"' || *v == '\'') ? *v++ : 0;
      end = v;
      while (*end && (quote ? *end != quote : !g_ascii_isspace (*end) && *end != '>'))
        end++;
      return g_strndup (v, end - v);
    }
  return NULL;
}

static void
collapse_whitespace (GString *out)
{
  GString *clean = g_string_sized_new (out->len);
  int newlines = 0;
  gboolean space = FALSE;

  for (gsize i = 0; i < out->len; i++)
    {
      char c = out->str[i];

      if (c == '\n')
        {
          newlines++;
          space = FALSE;
          continue;
        }
      if (c == ' ' || c == '\t' || c == '\r' || c == '\f')
        {
          space = TRUE;
          continue;
        }
      if (newlines > 0 && clean->len > 0)
        g_string_append (clean, newlines > 1 ? "\n\n" : "\n");
      else if (space && clean->len > 0)
        g_string_append_c (clean, ' ');
      newlines = 0;
      space = FALSE;
      g_string_append_c (clean, c);
    }
  g_string_assign (out, clean->str);
  g_string_free (clean, TRUE);
}

/**
 * qd_html_to_text:
 * @n_remote: (out) (optional): how many remote resources the HTML names
 *   (images, stylesheets, frames) — none of which is ever loaded
 */
char *
qd_html_to_text (const char *html,
                 gssize      length,
                 guint      *n_remote)
{
  g_autofree char *valid = qd_text_make_safe (html, length);
  g_autoptr(GString) out = g_string_new (NULL);
  const char *p = valid;
  const char *skip_until = NULL;
  g_autofree char *link = NULL;
  guint remote = 0;

  while (*p)
    {
      if (*p == '<')
        {
          const char *end;
          g_autofree char *tag = NULL;
          g_autofree char *name = NULL;
          gboolean closing;
          const char *n;

          if (g_str_has_prefix (p, "<!--"))
            {
              end = strstr (p + 4, "-->");
              p = end != NULL ? end + 3 : p + strlen (p);
              continue;
            }
          end = strchr (p, '>');
          if (end == NULL)
            break;
          tag = g_strndup (p + 1, end - p - 1);
          p = end + 1;
          closing = tag[0] == '/';
          n = closing ? tag + 1 : tag;
          name = g_strndup (n, strcspn (n, " \t\r\n/>"));

          if (skip_until != NULL)
            {
              if (closing && g_ascii_strcasecmp (name, skip_until) == 0)
                skip_until = NULL;
              continue;
            }
          if (!closing && in_list (name, skipped_tags, G_N_ELEMENTS (skipped_tags)))
            {
              for (guint i = 0; i < G_N_ELEMENTS (skipped_tags); i++)
                if (g_ascii_strcasecmp (name, skipped_tags[i]) == 0)
                  skip_until = skipped_tags[i];
              continue;
            }

          if (!closing)
            {
              g_autofree char *src = tag_attribute (tag, "src");
              g_autofree char *href = NULL;
              g_autofree char *background = tag_attribute (tag, "background");

              if ((src != NULL && strstr (src, "://") != NULL) ||
                  (background != NULL && strstr (background, "://") != NULL))
                remote++;
              if (g_ascii_strcasecmp (name, "link") == 0)
                {
                  href = tag_attribute (tag, "href");
                  if (href != NULL && strstr (href, "://") != NULL)
                    remote++;
                }
              if (g_ascii_strcasecmp (name, "img") == 0)
                {
                  g_autofree char *alt = tag_attribute (tag, "alt");

                  if (alt != NULL && alt[0] != '\0')
                    g_string_append_printf (out, "[%s]", alt);
                }
            }

          if (in_list (name, block_tags, G_N_ELEMENTS (block_tags)))
            g_string_append_c (out, '\n');
          if (!closing && g_ascii_strcasecmp (name, "li") == 0)
            g_string_append (out, "• ");
          if (!closing && g_ascii_strcasecmp (name, "a") == 0)
            {
              /* The target is written after the link text, so the real
               * address behind "Log in to your bank" is visible. */
              g_autofree char *href = tag_attribute (tag, "href");

              g_clear_pointer (&link, g_free);
              if (href != NULL && (g_ascii_strncasecmp (href, "http", 4) == 0 ||
                                   g_ascii_strncasecmp (href, "mailto:", 7) == 0))
                link = qd_text_make_safe (href, -1);
            }
          else if (closing && g_ascii_strcasecmp (name, "a") == 0 && link != NULL)
            {
              g_string_append_printf (out, " <%s>", link);
              g_clear_pointer (&link, g_free);
            }
          continue;
        }

      if (skip_until != NULL)
        {
          p++;
          continue;
        }
      if (*p == '&')
        {
          gsize len = strspn (p + 1, "#abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");

          if (len > 0 && len < 12 && p[1 + len] == ';')
            {
              g_autofree char *entity = g_strndup (p + 1, len);

              append_entity (out, entity);
              p += len + 2;
              continue;
            }
        }
      g_string_append_c (out, *p);
      p++;
    }

  collapse_whitespace (out);
  if (n_remote != NULL)
    *n_remote = remote;
  /* Found by fuzzing: a character reference may name any character, "&#27;"
   * an escape or "&#x202E;" a right-to-left override, so the text is made
   * safe once more after they are decoded. */
  return qd_text_make_safe (out->str, out->len);
}

/**
 * qd_text_make_safe:
 *
 * Valid UTF-8 without control characters (tabs and newlines stay), and
 * with bidirectional overrides shown as visible marks, so that text from
 * a message cannot reorder or hide what is displayed around it.
 */
char *
qd_text_make_safe (const char *text,
                   gssize      length)
{
  g_autofree char *valid = NULL;
  GString *out;

  if (text == NULL)
    return g_strdup ("");
  valid = g_utf8_make_valid (text, length);
  out = g_string_sized_new (strlen (valid));
  for (const char *p = valid; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n' || c == '\t')
        g_string_append_unichar (out, c);
      else if (c == '\r')
        continue;
      else if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) ||
               c == 0x200E || c == 0x200F || c == 0x061C)
        g_string_append_printf (out, "[U+%04X]", c);
      else if (g_unichar_iscntrl (c) || c == 0xFEFF)
        continue;
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}
