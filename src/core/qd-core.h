/* qd-core.h — libqd-core, everything the front ends share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qd-address.h"
#include "qd-api-client.h"
#include "qd-api-error.h"
#include "qd-async-wait.h"
#include "qd-batch-result.h"
#include "qd-enums.h"
#include "qd-error.h"
#include "qd-escalation-report.h"
#include "qd-follow-up.h"
#include "qd-gateway-info.h"
#include "qd-html-text.h"
#include "qd-item.h"
#include "qd-item-list.h"
#include "qd-item-page.h"
#include "qd-json.h"
#include "qd-keyring.h"
#include "qd-mail.h"
#include "qd-message-view.h"
#include "qd-query.h"
#include "qd-sample.h"
#include "qd-sample-record.h"
#include "qd-session.h"
#include "qd-size.h"
#include "qd-smtp-client.h"
#include "qd-store.h"
#include "qd-submission.h"
#include "qd-submit-target.h"
#include "qd-submitter.h"
#include "qd-time.h"
#include "qd-types.h"
#include "qd-verdict.h"
