/* fuzz-common.h — what every libFuzzer target sets up once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "qd-mail.h"

/* libFuzzer's entry points, declared for -Wmissing-prototypes. */
int LLVMFuzzerInitialize   (int            *argc,
                            char         ***argv);
int LLVMFuzzerTestOneInput (const uint8_t  *data,
                            size_t          size);

/* Each target's LLVMFuzzerInitialize calls this first. */
static inline void
fuzz_init (void)
{
  /* The users are in Japan: local times are UTC+9, so a date near the end
   * of the calendar overflows there as it would for them. A POSIX rule
   * rather than a zone name, so no tzdata is needed. */
  g_setenv ("TZ", "JST-9", TRUE);
  /* A critical is a broken precondition: in our code, or our misuse of a
   * library. The unit tests make it fatal (G_DEBUG=fatal-criticals), and
   * so does the fuzzer, so that it is reported as a crash. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  qd_mail_init ();
}
