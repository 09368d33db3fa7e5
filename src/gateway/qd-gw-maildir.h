/* qd-gw-maildir.h — each user's mailbox: INBOX and .Junk, Maildir++ layout
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define QD_GW_MAILDIR_ERROR (qd_gw_maildir_error_quark ())

typedef enum
{
  QD_GW_MAILDIR_ERROR_GONE,     /* the file is not where it should be */
  QD_GW_MAILDIR_ERROR_FAILED,   /* the mailbox could not be written */
} QdGwMaildirError;

#define QD_GW_MAILDIR_INBOX NULL
#define QD_GW_MAILDIR_JUNK  ".Junk"

GQuark    qd_gw_maildir_error_quark  (void);

char     *qd_gw_maildir_file_name    (gint64        received_at,
                                      gint64        item_id);
gboolean  qd_gw_maildir_ensure       (const char   *root,
                                      GError      **error);
gboolean  qd_gw_maildir_deliver      (const char   *root,
                                      const char   *folder,
                                      const char   *name,
                                      const char   *source_path,
                                      gboolean      careful,
                                      gboolean     *already,
                                      GError      **error);
char     *qd_gw_maildir_find         (const char   *root,
                                      const char   *folder,
                                      const char   *name);
gboolean  qd_gw_maildir_move_to_inbox (const char  *root,
                                       const char  *name,
                                       gboolean    *already,
                                       GError     **error);
gboolean  qd_gw_maildir_remove       (const char   *root,
                                      const char   *folder,
                                      const char   *name,
                                      GError      **error);

G_END_DECLS
