/* qd-json.h — tolerant accessors over json-glib objects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "qd-types.h"

G_BEGIN_DECLS

/* Each accessor returns the fallback when the member is absent, null or of
 * another type, so hostile or partial JSON never reaches a json-glib
 * critical. */
const char *qd_json_get_string     (JsonObject  *object,
                                    const char  *member);
char       *qd_json_dup_string     (JsonObject  *object,
                                    const char  *member);
gint64      qd_json_get_int        (JsonObject  *object,
                                    const char  *member,
                                    gint64       fallback);
double      qd_json_get_double     (JsonObject  *object,
                                    const char  *member,
                                    double       fallback);
gboolean    qd_json_get_boolean    (JsonObject  *object,
                                    const char  *member,
                                    gboolean     fallback);
JsonObject *qd_json_get_object     (JsonObject  *object,
                                    const char  *member);
JsonArray  *qd_json_get_array      (JsonObject  *object,
                                    const char  *member);
char      **qd_json_dup_strv       (JsonObject  *object,
                                    const char  *member);
GDateTime  *qd_json_dup_date_time  (JsonObject  *object,
                                    const char  *member);

/* Each writer names the member, then writes its value: a NULL string or
 * time as null, so the member is there whether or not it is known. */
void        qd_json_builder_add_string    (JsonBuilder *builder,
                                           const char  *member,
                                           const char  *value);
void        qd_json_builder_add_date_time (JsonBuilder *builder,
                                           const char  *member,
                                           GDateTime   *value);
void        qd_json_builder_add_rules     (JsonBuilder *builder,
                                           const char  *member,
                                           GPtrArray   *rules);

JsonObject *qd_json_parse_object   (const char  *data,
                                    gssize       length,
                                    GError     **error);
char       *qd_json_to_string      (JsonBuilder *builder,
                                    gboolean     pretty);

G_END_DECLS
