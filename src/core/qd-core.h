/* qd-core.h — libqd-core, everything the front ends share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qd-enums.h"
#include "qd-error.h"
#include "qd-item.h"
#include "qd-json.h"
#include "qd-mail.h"
#include "qd-types.h"
