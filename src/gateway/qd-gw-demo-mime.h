/* qd-gw-demo-mime.h — the demo's messages as a gateway received them: headers and MIME
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "qd-gw-demo.h"
#include "qd-gw-demo-content.h"

G_BEGIN_DECLS

typedef struct _QdGwDemoMime QdGwDemoMime;

/* @content and @rand stay the caller's and must outlive the writer. */
QdGwDemoMime *qd_gw_demo_mime_new           (const QdGwDemoContent  *content,
                                             GRand                  *rand,
                                             const char             *address,
                                             const char             *name,
                                             GDateTime              *now);
void          qd_gw_demo_mime_free          (QdGwDemoMime           *self);

/* Sets @item's envelope sender from the message; @html_only says whether
 * it went out without a text part. */
GBytes       *qd_gw_demo_mime_build_message (QdGwDemoMime           *self,
                                             const QdGwDemoTemplate *t,
                                             gboolean                japanese,
                                             QdGwDemoMessage        *item,
                                             gboolean               *html_only);
GBytes       *qd_gw_demo_mime_build_sample  (QdGwDemoMime           *self,
                                             const QdGwDemoSample   *sample);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QdGwDemoMime, qd_gw_demo_mime_free)

G_END_DECLS
