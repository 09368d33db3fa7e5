/* fuzz-common.h — what every libFuzzer target shares
 *
 * fuzz-common.c, linked into each target, defines LLVMFuzzerInitialize();
 * each target defines LLVMFuzzerTestOneInput().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stddef.h>
#include <stdint.h>

/* libFuzzer's entry points, declared for -Wmissing-prototypes. */
int LLVMFuzzerInitialize   (int            *argc,
                            char         ***argv);
int LLVMFuzzerTestOneInput (const uint8_t  *data,
                            size_t          size);
