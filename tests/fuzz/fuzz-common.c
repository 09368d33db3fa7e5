/* fuzz-common.c — the set-up every libFuzzer target shares
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>

#include "fuzz-common.h"
#include "qd-mail.h"

/* A critical is a broken precondition: in our code, or our misuse of a
 * library. The unit tests make it fatal (G_DEBUG=fatal-criticals), and so
 * does the fuzzer; but GLib stops a fatal message with SIGTRAP, which
 * libFuzzer does not catch (no reproducer is written), so this writer
 * aborts instead. */
static GLogWriterOutput
log_writer (GLogLevelFlags   level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  GLogWriterOutput output = g_log_writer_default (level, fields, n_fields, user_data);

  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    abort ();
  return output;
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  /* The users are in Japan: local times are UTC+9, so a date near the end
   * of the calendar overflows there as it would for them. A POSIX rule
   * rather than a zone name, so no tzdata is needed. */
  g_setenv ("TZ", "JST-9", TRUE);
  g_log_set_writer_func (log_writer, NULL, NULL);
  qd_mail_init ();
  return 0;
}
