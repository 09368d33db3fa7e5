/* qd-pmg-parse.h — PMG's addresses, report links, tickets and answers, without a network
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "qd-item.h"

G_BEGIN_DECLS

char      *qd_pmg_normalize_base_url    (const char  *text,
                                         int          default_port,
                                         GError     **error);
gboolean   qd_pmg_parse_link            (const char  *link_url,
                                         char       **base_url,
                                         char       **ticket,
                                         GError     **error);
char      *qd_pmg_link_ticket_user      (const char  *ticket);
GDateTime *qd_pmg_link_ticket_expiry    (const char  *ticket);
char      *qd_pmg_fingerprint           (GTlsCertificate *certificate);
char      *qd_pmg_normalize_fingerprint (const char  *text);
char      *qd_pmg_form_encode           (const char  *first_key,
                                         ...) G_GNUC_NULL_TERMINATED;
char      *qd_pmg_server_words          (const char  *message);
gboolean   qd_pmg_is_mail_id            (const char  *id);
QdItem    *qd_pmg_item_from_json        (JsonObject  *object,
                                         GError     **error);
gboolean   qd_pmg_sender_entry_is_valid (const char  *address);

G_END_DECLS
