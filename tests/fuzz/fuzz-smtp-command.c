/* fuzz-smtp-command.c — one SMTP command line of the gateway's intake
 *
 * The input is a command line without its CRLF, any bytes at all, as the
 * intake hands it to qd_gw_smtp_parse_command(). What comes back must
 * stay inside the line and keep the parser's promises.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "qd-gw-smtp-parser.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *line = (const char *)data;
  QdGwSmtpCommand command;
  QdGwSmtpParseStatus status = qd_gw_smtp_parse_command (line, size, &command);

  if (status != QD_GW_SMTP_PARSE_OK)
    return 0;
  g_assert (command.verb != QD_GW_SMTP_VERB_UNKNOWN);
  g_assert (command.arg >= line && command.arg + command.arg_len <= line + size);
  for (gsize i = 0; i < command.arg_len; i++)
    g_assert ((guchar)command.arg[i] >= 0x20 && (guchar)command.arg[i] != 0x7f);

  if (command.verb == QD_GW_SMTP_VERB_MAIL || command.verb == QD_GW_SMTP_VERB_RCPT)
    {
      g_assert (command.path_len < QD_GW_SMTP_MAX_PATH);
      g_assert (strlen (command.path) == command.path_len);
      for (gsize i = 0; i < command.path_len; i++)
        g_assert ((guchar)command.path[i] >= 0x20 && (guchar)command.path[i] < 0x7f);
      g_assert (command.verb == QD_GW_SMTP_VERB_MAIL || command.path_len > 0);
    }
  else
    g_assert (!command.has_size && command.body == QD_GW_SMTP_BODY_NONE);
  return 0;
}
