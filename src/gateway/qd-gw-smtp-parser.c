/* qd-gw-smtp-parser.c — one SMTP command line parsed into verb, path and parameters, without I/O
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "qd-gw-smtp-parser.h"

/* Input comes straight from the network (and from a fuzzer): every read stays
 * inside [line, line + len), NUL bytes included, and nothing is allocated. */

static const struct
{
  const char   *name;
  QdGwSmtpVerb  verb;
} verbs[] = {
  { "HELO", QD_GW_SMTP_VERB_HELO },
  { "EHLO", QD_GW_SMTP_VERB_EHLO },
  { "MAIL", QD_GW_SMTP_VERB_MAIL },
  { "RCPT", QD_GW_SMTP_VERB_RCPT },
  { "DATA", QD_GW_SMTP_VERB_DATA },
  { "RSET", QD_GW_SMTP_VERB_RSET },
  { "NOOP", QD_GW_SMTP_VERB_NOOP },
  { "QUIT", QD_GW_SMTP_VERB_QUIT },
  { "VRFY", QD_GW_SMTP_VERB_VRFY },
  { "HELP", QD_GW_SMTP_VERB_HELP },
  { "STARTTLS", QD_GW_SMTP_VERB_STARTTLS },
  { "AUTH", QD_GW_SMTP_VERB_AUTH },
};

/* keyword is upper case ASCII. */
static gboolean
equal_ci (const char *p,
          gsize       len,
          const char *keyword)
{
  if (len != strlen (keyword))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (g_ascii_toupper (p[i]) != keyword[i])
      return FALSE;
  return TRUE;
}

static gboolean
has_prefix_ci (const char *p,
               const char *end,
               const char *keyword)
{
  gsize n = strlen (keyword);

  return (gsize)(end - p) >= n && equal_ci (p, n, keyword);
}

static gboolean
is_control (guchar c)
{
  return c < 0x20 || c == 0x7f;
}

/* Without SMTPUTF8, addresses are printable ASCII. */
static gboolean
is_path_char (guchar c)
{
  return c >= 0x20 && c < 0x7f;
}

static QdGwSmtpVerb
lookup_verb (const char *p,
             gsize       len)
{
  for (guint i = 0; i < G_N_ELEMENTS (verbs); i++)
    if (equal_ci (p, len, verbs[i].name))
      return verbs[i].verb;
  return QD_GW_SMTP_VERB_UNKNOWN;
}

/* "<" [ source-route ":" ] mailbox ">", followed by the end or a space. */
static QdGwSmtpParseStatus
parse_path (const char      **pp,
            const char       *end,
            QdGwSmtpCommand  *command)
{
  const char *start = *pp;
  const char *p;
  const char *content;
  gsize content_len;
  gboolean quoted = FALSE;

  if (start >= end || *start != '<')
    return QD_GW_SMTP_PARSE_BAD_PATH;
  for (p = start + 1; p < end; p++)
    {
      guchar c = *p;

      if (!is_path_char (c))
        return QD_GW_SMTP_PARSE_BAD_PATH;
      if (quoted)
        {
          if (c == '\\')
            {
              p++;
              if (p >= end || !is_path_char (*p))
                return QD_GW_SMTP_PARSE_BAD_PATH;
            }
          else if (c == '"')
            quoted = FALSE;
        }
      else if (c == '"')
        quoted = TRUE;
      else if (c == '>')
        break;
      else if (c == '<' || c == ' ')
        return QD_GW_SMTP_PARSE_BAD_PATH;
    }
  if (p >= end)
    return QD_GW_SMTP_PARSE_BAD_PATH;
  if ((gsize)(p + 1 - start) > QD_GW_SMTP_MAX_PATH)
    return QD_GW_SMTP_PARSE_BAD_PATH;
  if (p + 1 < end && p[1] != ' ')
    return QD_GW_SMTP_PARSE_BAD_PATH;

  content = start + 1;
  content_len = p - content;
  /* RFC 5321 §4.1.1.3: a source route is accepted and ignored. */
  if (content_len > 0 && content[0] == '@')
    {
      const char *colon = memchr (content, ':', content_len);

      if (colon == NULL || colon + 1 == p)
        return QD_GW_SMTP_PARSE_BAD_PATH;
      content_len -= colon + 1 - content;
      content = colon + 1;
    }

  memcpy (command->path, content, content_len);
  command->path[content_len] = '\0';
  command->path_len = content_len;
  *pp = p + 1;
  return QD_GW_SMTP_PARSE_OK;
}

static QdGwSmtpParseStatus
parse_size (const char      *value,
            gsize            len,
            QdGwSmtpCommand *command)
{
  guint64 size = 0;

  /* RFC 1870: size-value ::= 1*20DIGIT */
  if (command->has_size || len == 0 || len > 20)
    return QD_GW_SMTP_PARSE_SYNTAX;
  for (gsize i = 0; i < len; i++)
    {
      guint digit;

      if (!g_ascii_isdigit (value[i]))
        return QD_GW_SMTP_PARSE_SYNTAX;
      digit = value[i] - '0';
      if (size > (G_MAXUINT64 - digit) / 10)
        size = G_MAXUINT64;
      else
        size = size * 10 + digit;
    }
  command->has_size = TRUE;
  command->size = size;
  return QD_GW_SMTP_PARSE_OK;
}

static QdGwSmtpParseStatus
parse_param (const char      *param,
             gsize            len,
             QdGwSmtpCommand *command)
{
  const char *eq = memchr (param, '=', len);
  gsize name_len = eq != NULL ? (gsize)(eq - param) : len;
  const char *value = eq != NULL ? eq + 1 : NULL;
  gsize value_len = eq != NULL ? len - name_len - 1 : 0;

  if (name_len == 0)
    return QD_GW_SMTP_PARSE_SYNTAX;
  /* RCPT has no parameters here (no DSN). */
  if (command->verb != QD_GW_SMTP_VERB_MAIL)
    return QD_GW_SMTP_PARSE_UNKNOWN_PARAM;

  if (equal_ci (param, name_len, "SIZE"))
    return value != NULL ? parse_size (value, value_len, command) : QD_GW_SMTP_PARSE_SYNTAX;

  if (equal_ci (param, name_len, "BODY"))
    {
      if (value == NULL || command->body != QD_GW_SMTP_BODY_NONE)
        return QD_GW_SMTP_PARSE_SYNTAX;
      if (equal_ci (value, value_len, "7BIT"))
        command->body = QD_GW_SMTP_BODY_7BIT;
      else if (equal_ci (value, value_len, "8BITMIME"))
        command->body = QD_GW_SMTP_BODY_8BITMIME;
      else
        return QD_GW_SMTP_PARSE_UNKNOWN_PARAM;   /* BINARYMIME and the like */
      return QD_GW_SMTP_PARSE_OK;
    }

  return QD_GW_SMTP_PARSE_UNKNOWN_PARAM;
}

/* "FROM:" or "TO:", a path, then parameters separated by spaces. */
static QdGwSmtpParseStatus
parse_envelope_command (const char      *p,
                        const char      *end,
                        const char      *keyword,
                        QdGwSmtpCommand *command)
{
  QdGwSmtpParseStatus status;

  if (!has_prefix_ci (p, end, keyword))
    return QD_GW_SMTP_PARSE_SYNTAX;
  p += strlen (keyword);
  /* Many clients write "MAIL FROM: <a@b>". */
  while (p < end && *p == ' ')
    p++;

  status = parse_path (&p, end, command);
  if (status != QD_GW_SMTP_PARSE_OK)
    return status;
  /* Only the reverse-path may be null. */
  if (command->verb == QD_GW_SMTP_VERB_RCPT && command->path_len == 0)
    return QD_GW_SMTP_PARSE_BAD_PATH;

  while (p < end)
    {
      const char *param;

      if (*p == ' ')
        {
          p++;
          continue;
        }
      param = p;
      while (p < end && *p != ' ')
        p++;
      status = parse_param (param, p - param, command);
      if (status != QD_GW_SMTP_PARSE_OK)
        return status;
    }
  return QD_GW_SMTP_PARSE_OK;
}

/**
 * qd_gw_smtp_parse_command:
 * @line: a command line without its CRLF; may hold any bytes
 * @len: its length
 * @command: (out caller-allocates): the parts
 *
 * Parses one command. @command->verb is set whatever the result, so that the
 * caller can answer per verb; an unrecognised verb gives
 * %QD_GW_SMTP_VERB_UNKNOWN and %QD_GW_SMTP_PARSE_SYNTAX.
 *
 * Returns: %QD_GW_SMTP_PARSE_OK, or what is wrong with the arguments
 */
QdGwSmtpParseStatus
qd_gw_smtp_parse_command (const char      *line,
                          gsize            len,
                          QdGwSmtpCommand *command)
{
  const char *end;
  const char *p;

  g_return_val_if_fail (command != NULL, QD_GW_SMTP_PARSE_SYNTAX);

  memset (command, 0, sizeof *command);
  command->verb = QD_GW_SMTP_VERB_UNKNOWN;
  command->arg = line;
  g_return_val_if_fail (line != NULL || len == 0, QD_GW_SMTP_PARSE_SYNTAX);
  if (line == NULL)
    return QD_GW_SMTP_PARSE_SYNTAX;

  /* Trailing blanks are a common client slip; they carry no meaning. */
  end = line + len;
  while (end > line && (end[-1] == ' ' || end[-1] == '\t'))
    end--;

  p = memchr (line, ' ', end - line);
  if (p == NULL)
    p = end;
  command->verb = lookup_verb (line, p - line);
  if (command->verb == QD_GW_SMTP_VERB_UNKNOWN)
    return QD_GW_SMTP_PARSE_SYNTAX;

  while (p < end && *p == ' ')
    p++;
  for (const char *q = p; q < end; q++)
    if (is_control (*q))
      return QD_GW_SMTP_PARSE_SYNTAX;
  command->arg = p;
  command->arg_len = end - p;

  switch (command->verb)
    {
    case QD_GW_SMTP_VERB_HELO:
    case QD_GW_SMTP_VERB_EHLO:
    case QD_GW_SMTP_VERB_VRFY:
      return command->arg_len > 0 ? QD_GW_SMTP_PARSE_OK : QD_GW_SMTP_PARSE_SYNTAX;

    case QD_GW_SMTP_VERB_DATA:
    case QD_GW_SMTP_VERB_RSET:
    case QD_GW_SMTP_VERB_QUIT:
    case QD_GW_SMTP_VERB_STARTTLS:
      return command->arg_len == 0 ? QD_GW_SMTP_PARSE_OK : QD_GW_SMTP_PARSE_SYNTAX;

    case QD_GW_SMTP_VERB_MAIL:
      return parse_envelope_command (p, end, "FROM:", command);

    case QD_GW_SMTP_VERB_RCPT:
      return parse_envelope_command (p, end, "TO:", command);

    case QD_GW_SMTP_VERB_NOOP:
    case QD_GW_SMTP_VERB_HELP:
    case QD_GW_SMTP_VERB_AUTH:
    case QD_GW_SMTP_VERB_UNKNOWN:
    default:
      return QD_GW_SMTP_PARSE_OK;
    }
}
