/* qd-sample-content.h — what a sample's bytes are, before any parsing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qd-sample.h"

G_BEGIN_DECLS

QdSampleFormat  qd_sample_content_sniff   (const guint8  *data,
                                           gsize          length,
                                           const char   **detail);
void            qd_sample_content_measure (const guint8  *data,
                                           gsize          length,
                                           QdTransfer    *transfer,
                                           gsize         *wire_size);
GBytes         *qd_sample_content_to_wire (GBytes        *data,
                                           gsize          wire_size);
gsize           qd_sample_content_write_wire (const guint8 *data,
                                              gsize         length,
                                              guint8       *out);

G_END_DECLS
