/* qd-gw-maildir.c — delivery by link(2) and rename(2), so a reader never
 * sees half a message and a repeated delivery is detected, not doubled
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "qd-gw-maildir.h"

G_DEFINE_QUARK (qd-gw-maildir-error-quark, qd_gw_maildir_error)

static const char * const subdirs[] = { "tmp", "new", "cur" };

/**
 * qd_gw_maildir_file_name:
 *
 * The same item always gets the same name, so a release repeated after a
 * crash finds the first delivery instead of making a second one.
 */
char *
qd_gw_maildir_file_name (gint64 received_at,
                         gint64 item_id)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT ".QD%" G_GINT64_FORMAT ".qd-gateway",
                          received_at, item_id);
}

static char *
folder_path (const char *root,
             const char *folder,
             const char *subdir)
{
  return g_build_filename (root, folder != NULL ? folder : "", subdir, NULL);
}

gboolean
qd_gw_maildir_ensure (const char  *root,
                      GError     **error)
{
  const char *folders[] = { QD_GW_MAILDIR_INBOX, QD_GW_MAILDIR_JUNK };

  for (guint f = 0; f < G_N_ELEMENTS (folders); f++)
    for (guint s = 0; s < G_N_ELEMENTS (subdirs); s++)
      {
        g_autofree char *path = folder_path (root, folders[f], subdirs[s]);

        if (g_mkdir_with_parents (path, 0700) != 0)
          {
            int errsv = errno;

            g_set_error (error, QD_GW_MAILDIR_ERROR, QD_GW_MAILDIR_ERROR_FAILED,
                         "cannot create %s: %s", path, g_strerror (errsv));
            return FALSE;
          }
      }
  return TRUE;
}

static gboolean
copy_file (const char  *source,
           const char  *target,
           GError     **error)
{
  g_autoptr(GFile) src = g_file_new_for_path (source);
  g_autoptr(GFile) dst = g_file_new_for_path (target);

  return g_file_copy (src, dst, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, error);
}

static gboolean
set_failed (GError     **error,
            const char  *what,
            const char  *path,
            int          errsv)
{
  g_set_error (error, QD_GW_MAILDIR_ERROR, QD_GW_MAILDIR_ERROR_FAILED,
               "cannot %s %s: %s", what, path, g_strerror (errsv));
  return FALSE;
}

/**
 * qd_gw_maildir_find:
 *
 * Where a message is now: new/NAME, or cur/NAME:2,FLAGS once a mail
 * client has seen it. %NULL when it is in neither.
 */
char *
qd_gw_maildir_find (const char *root,
                    const char *folder,
                    const char *name)
{
  g_autofree char *new_path = NULL;
  g_autofree char *cur_dir = NULL;
  g_autofree char *prefix = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *entry;

  new_path = g_build_filename (root, folder != NULL ? folder : "", "new", name, NULL);
  if (g_file_test (new_path, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&new_path);

  cur_dir = folder_path (root, folder, "cur");
  dir = g_dir_open (cur_dir, 0, NULL);
  if (dir == NULL)
    return NULL;
  prefix = g_strconcat (name, ":", NULL);
  while ((entry = g_dir_read_name (dir)) != NULL)
    if (g_str_equal (entry, name) || g_str_has_prefix (entry, prefix))
      return g_build_filename (cur_dir, entry, NULL);
  return NULL;
}

/**
 * qd_gw_maildir_deliver:
 * @folder: %QD_GW_MAILDIR_INBOX or %QD_GW_MAILDIR_JUNK
 * @careful: also look in cur/, where a mail client may have moved it
 * @already: (out): set when the message was there before
 *
 * Writes tmp/NAME, then links it to new/NAME: the link fails rather than
 * overwrite, which is how a second delivery of the same item is caught.
 * Looking in cur/ costs a directory scan, so only doubtful deliveries
 * (after a crash) ask for it.
 */
gboolean
qd_gw_maildir_deliver (const char  *root,
                       const char  *folder,
                       const char  *name,
                       const char  *source_path,
                       gboolean     careful,
                       gboolean    *already,
                       GError     **error)
{
  g_autofree char *tmp_path = NULL;
  g_autofree char *new_path = NULL;

  *already = FALSE;
  if (careful)
    {
      g_autofree char *existing = qd_gw_maildir_find (root, folder, name);

      if (existing != NULL)
        {
          *already = TRUE;
          return TRUE;
        }
    }

  tmp_path = g_build_filename (root, folder != NULL ? folder : "", "tmp", name, NULL);
  new_path = g_build_filename (root, folder != NULL ? folder : "", "new", name, NULL);

  g_unlink (tmp_path);
  if (link (source_path, tmp_path) != 0)
    {
      /* Another file system, or links not allowed: copy instead. */
      if (!copy_file (source_path, tmp_path, error))
        return FALSE;
    }

  if (link (tmp_path, new_path) != 0)
    {
      int errsv = errno;

      g_unlink (tmp_path);
      if (errsv == EEXIST)
        {
          *already = TRUE;
          return TRUE;
        }
      return set_failed (error, "deliver to", new_path, errsv);
    }
  g_unlink (tmp_path);
  return TRUE;
}

/**
 * qd_gw_maildir_move_to_inbox:
 *
 * Renames the message out of .Junk into the same place in INBOX (new or
 * cur, flags kept), as a mail client's "Not junk" would.
 */
gboolean
qd_gw_maildir_move_to_inbox (const char  *root,
                             const char  *name,
                             gboolean    *already,
                             GError     **error)
{
  g_autofree char *source = NULL;
  g_autofree char *in_inbox = NULL;
  g_autofree char *dirname = NULL;
  g_autofree char *subdir = NULL;
  g_autofree char *target = NULL;
  g_autofree char *base = NULL;

  *already = FALSE;
  source = qd_gw_maildir_find (root, QD_GW_MAILDIR_JUNK, name);
  if (source == NULL)
    {
      in_inbox = qd_gw_maildir_find (root, QD_GW_MAILDIR_INBOX, name);
      if (in_inbox != NULL)
        {
          *already = TRUE;
          return TRUE;
        }
      g_set_error (error, QD_GW_MAILDIR_ERROR, QD_GW_MAILDIR_ERROR_GONE,
                   "the message is no longer in the Junk folder");
      return FALSE;
    }

  dirname = g_path_get_dirname (source);
  subdir = g_path_get_basename (dirname);
  base = g_path_get_basename (source);
  target = g_build_filename (root, subdir, base, NULL);
  if (g_rename (source, target) != 0)
    return set_failed (error, "move", source, errno);
  return TRUE;
}

gboolean
qd_gw_maildir_remove (const char  *root,
                      const char  *folder,
                      const char  *name,
                      GError     **error)
{
  g_autofree char *path = qd_gw_maildir_find (root, folder, name);

  if (path == NULL)
    {
      g_set_error (error, QD_GW_MAILDIR_ERROR, QD_GW_MAILDIR_ERROR_GONE,
                   "the message is no longer in the folder");
      return FALSE;
    }
  if (g_unlink (path) != 0 && errno != ENOENT)
    return set_failed (error, "remove", path, errno);
  return TRUE;
}
