/* qd-gw-smtp-parser.h — one SMTP command line into its parts, without I/O
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A path is at most 256 octets, its angle brackets included (RFC 5321 §4.5.3.1.3). */
#define QD_GW_SMTP_MAX_PATH 256

typedef enum
{
  QD_GW_SMTP_VERB_UNKNOWN,
  QD_GW_SMTP_VERB_HELO,
  QD_GW_SMTP_VERB_EHLO,
  QD_GW_SMTP_VERB_MAIL,
  QD_GW_SMTP_VERB_RCPT,
  QD_GW_SMTP_VERB_DATA,
  QD_GW_SMTP_VERB_RSET,
  QD_GW_SMTP_VERB_NOOP,
  QD_GW_SMTP_VERB_QUIT,
  QD_GW_SMTP_VERB_VRFY,
  QD_GW_SMTP_VERB_HELP,
  QD_GW_SMTP_VERB_STARTTLS,
  QD_GW_SMTP_VERB_AUTH,
} QdGwSmtpVerb;

typedef enum
{
  QD_GW_SMTP_PARSE_OK,
  QD_GW_SMTP_PARSE_SYNTAX,         /* missing, extra or malformed argument: 501 */
  QD_GW_SMTP_PARSE_BAD_PATH,       /* MAIL/RCPT path malformed: 501 5.1.7 / 5.1.3 */
  QD_GW_SMTP_PARSE_UNKNOWN_PARAM,  /* a MAIL/RCPT parameter not supported: 555 */
} QdGwSmtpParseStatus;

typedef enum
{
  QD_GW_SMTP_BODY_NONE,            /* no BODY parameter */
  QD_GW_SMTP_BODY_7BIT,
  QD_GW_SMTP_BODY_8BITMIME,
} QdGwSmtpBody;

typedef struct
{
  QdGwSmtpVerb  verb;
  /* The argument after the verb, trimmed, for HELO, EHLO, VRFY, HELP, NOOP and AUTH:
   * points into the parsed line, is not NUL-terminated, holds no control characters. */
  const char   *arg;
  gsize         arg_len;
  /* MAIL and RCPT: the path without brackets or source route, NUL-terminated. */
  char          path[QD_GW_SMTP_MAX_PATH];
  gsize         path_len;
  /* MAIL parameters (RFC 1870, RFC 6152). */
  gboolean      has_size;
  guint64       size;              /* saturates at G_MAXUINT64 */
  QdGwSmtpBody  body;
} QdGwSmtpCommand;

QdGwSmtpParseStatus qd_gw_smtp_parse_command (const char      *line,
                                              gsize            len,
                                              QdGwSmtpCommand *command);

G_END_DECLS
