/* qd-mailbox.c — one IMAP account: sign-in, Junk found, folders listed in pages, messages moved
 *
 * libetpan speaks IMAP; GIO carries its bytes (see the stream driver
 * below), so that TLS and the certificate checks are the ones the rest of
 * the core uses.  Every libetpan call blocks: each operation runs in a
 * GTask worker thread, holding the connection's lock from its first
 * command to its last, so the commands of two operations never
 * interleave.  A cancelled operation stops between commands, never in the
 * middle of one (the connection stays usable).
 *
 * Nothing here marks a message \Seen: folders are listed with EXAMINE
 * (read-only) and bodies fetched with BODY.PEEK; the only flag ever
 * stored is \Deleted, on the UIDs being moved, when the server has no
 * MOVE.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libetpan/libetpan.h>
#include <stdlib.h>
#include <string.h>

#include "qd-address.h"
#include "qd-error.h"
#include "qd-imap-utf7.h"
#include "qd-mail.h"
#include "qd-mailbox.h"
#include "qd-task-private.h"

/* Where the gateway names a graymail category (data/dovecot/before.sieve files these in Junk). */
#define GRAYMAIL_HEADER "X-QD-Graymail"

/* UIDs a UID FETCH of dates asks for at once: a few hundred kilobytes of answer. */
#define DATES_PER_COMMAND 5000

struct _QdMailbox
{
  GObject         parent_instance;

  char           *host;
  guint16         port;
  QdSmtpSecurity  security;
  char           *ca_file;
  guint           timeout;      /* seconds, for connecting and each read */

  /* Guarded by lock: the connection, who signed in, what is selected. */
  GMutex          lock;
  mailimap       *imap;
  gboolean        authenticated;  /* imap is past LOGIN */
  GError         *open_error;     /* why opening ahead failed, for the sign-in after it */
  char           *user;
  char           *password;
  char           *selected;     /* wire name, NULL when none */
  gboolean        selected_rw;
  guint32         uidvalidity;
  char           *inbox_wire;
  char           *junk_wire;
  QdMailboxFolders *folders;
};

G_DEFINE_FINAL_TYPE (QdMailbox, qd_mailbox, G_TYPE_OBJECT)

/* ---- Plain data ---------------------------------------------------- */

void
qd_mailbox_folders_free (QdMailboxFolders *folders)
{
  if (folders == NULL)
    return;
  g_free (folders->inbox);
  g_free (folders->junk);
  g_free (folders);
}

static QdMailboxFolders *
folders_copy (const QdMailboxFolders *folders)
{
  QdMailboxFolders *copy = g_new0 (QdMailboxFolders, 1);

  copy->inbox = g_strdup (folders->inbox);
  copy->junk = g_strdup (folders->junk);
  copy->junk_by_flag = folders->junk_by_flag;
  return copy;
}

void
qd_mailbox_item_free (QdMailboxItem *item)
{
  if (item == NULL)
    return;
  g_clear_pointer (&item->received_at, g_date_time_unref);
  g_free (item->from);
  g_free (item->from_address);
  g_free (item->subject);
  g_free (item->message_id);
  g_free (item->category);
  g_free (item);
}

void
qd_mailbox_listing_free (QdMailboxListing *listing)
{
  if (listing == NULL)
    return;
  g_free (listing->folder_name);
  g_clear_pointer (&listing->uids, g_array_unref);
  g_free (listing);
}

static QdMailboxListing *
listing_copy (const QdMailboxListing *listing)
{
  QdMailboxListing *copy = g_new0 (QdMailboxListing, 1);

  copy->folder = listing->folder;
  copy->folder_name = g_strdup (listing->folder_name);
  copy->uidvalidity = listing->uidvalidity;
  copy->uids = g_array_copy (listing->uids);
  return copy;
}

void
qd_mailbox_move_result_free (QdMailboxMoveResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->uids, g_array_unref);
  g_clear_pointer (&result->statuses, g_array_unref);
  g_clear_error (&result->error);
  g_free (result);
}

/* ---- libetpan's stream over a GIOStream ---------------------------- */

/* libetpan reads and writes through a mailstream_low driver; this one
 * hands the bytes to a GIOStream (a GSocketConnection, or the
 * GTlsClientConnection over it), with the socket's time-out.  It notes
 * when the connection broke: libetpan reports a connection cut in the
 * middle of an answer as a parse error of the command. */
typedef struct
{
  GIOStream *io;
  gboolean   broken;
} GioLow;

static ssize_t
gio_low_read (mailstream_low *low,
              void           *buffer,
              size_t          count)
{
  GioLow *data = low->data;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read (g_io_stream_get_input_stream (data->io), buffer, count,
                                  NULL, &error);

  if (n < 0)
    g_debug ("imap: read: %s", error->message);
  if (n <= 0)
    data->broken = TRUE;
  return n;
}

static ssize_t
gio_low_write (mailstream_low *low,
               const void     *buffer,
               size_t          count)
{
  GioLow *data = low->data;
  g_autoptr(GError) error = NULL;
  gssize n = g_output_stream_write (g_io_stream_get_output_stream (data->io), buffer, count,
                                    NULL, &error);

  if (n < 0)
    {
      g_debug ("imap: write: %s", error->message);
      data->broken = TRUE;
    }
  return n;
}

static int
gio_low_close (mailstream_low *low)
{
  g_io_stream_close (((GioLow *)low->data)->io, NULL, NULL);
  return 0;
}

static int
gio_low_get_fd (mailstream_low *low)
{
  return -1;
}

/* libetpan's drivers free the mailstream_low itself (with free()). */
static void
gio_low_free (mailstream_low *low)
{
  GioLow *data = low->data;

  g_clear_object (&data->io);
  g_free (data);
  free (low);
}

static void
gio_low_cancel (mailstream_low *low)
{
}

static struct mailstream_cancel *
gio_low_get_cancel (mailstream_low *low)
{
  return NULL;
}

static carray *
gio_low_get_certificate_chain (mailstream_low *low)
{
  return NULL;
}

static int
gio_low_idle (mailstream_low *low)
{
  return -1;
}

static mailstream_low_driver gio_low_driver = {
  gio_low_read,
  gio_low_write,
  gio_low_close,
  gio_low_get_fd,
  gio_low_free,
  gio_low_cancel,
  gio_low_get_cancel,
  gio_low_get_certificate_chain,
  gio_low_idle,
  gio_low_idle,
  gio_low_idle,
};

static mailstream_low *
gio_low_new (GIOStream *stream)
{
  GioLow *data = g_new0 (GioLow, 1);

  data->io = g_object_ref (stream);
  return mailstream_low_new (data, &gio_low_driver);
}

/* ---- The object ---------------------------------------------------- */

static void
drop_connection (QdMailbox *self)
{
  g_clear_pointer (&self->imap, mailimap_free);
  self->authenticated = FALSE;
  g_clear_pointer (&self->selected, g_free);
  self->selected_rw = FALSE;
  self->uidvalidity = 0;
}

static void
forget_secret (char **secret)
{
  if (*secret != NULL)
    memset (*secret, 0, strlen (*secret));
  g_clear_pointer (secret, g_free);
}

static void
qd_mailbox_finalize (GObject *object)
{
  QdMailbox *self = QD_MAILBOX (object);

  drop_connection (self);
  forget_secret (&self->password);
  g_free (self->user);
  g_free (self->host);
  g_free (self->ca_file);
  g_free (self->inbox_wire);
  g_free (self->junk_wire);
  qd_mailbox_folders_free (self->folders);
  g_clear_error (&self->open_error);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (qd_mailbox_parent_class)->finalize (object);
}

static void
qd_mailbox_class_init (QdMailboxClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = qd_mailbox_finalize;
}

static void
qd_mailbox_init (QdMailbox *self)
{
  g_mutex_init (&self->lock);
  self->timeout = 60;
}

/**
 * qd_mailbox_new:
 * @port: the port, or 0 for the usual one of @security
 *
 * Plain IMAP is refused for any server but this computer, as plain HTTP
 * is for the gateway: the password and the mail would cross the network
 * readable by anyone.
 */
QdMailbox *
qd_mailbox_new (const char      *host,
                guint16          port,
                QdSmtpSecurity   security,
                GError         **error)
{
  QdMailbox *self;

  g_return_val_if_fail (host != NULL, NULL);

  if (security == QD_SMTP_SECURITY_NONE && !qd_address_is_loopback (host))
    {
      g_set_error (error, QD_ERROR, QD_ERROR_INSECURE_URL,
                   _("The mail server %s would be reached without encryption. Choose STARTTLS "
                     "or TLS; plain IMAP is only for a server on this computer."), host);
      return NULL;
    }
  self = g_object_new (QD_TYPE_MAILBOX, NULL);
  self->host = g_strdup (host);
  self->security = security;
  self->port = port != 0 ? port : security == QD_SMTP_SECURITY_TLS ? 993 : 143;
  return self;
}

/* @ca_file: the CA certificates to trust instead of the system's, or
 * %NULL or "" for the system's */
void
qd_mailbox_set_ca_file (QdMailbox  *self,
                        const char *ca_file)
{
  g_return_if_fail (QD_IS_MAILBOX (self));
  g_mutex_lock (&self->lock);
  g_free (self->ca_file);
  self->ca_file = ca_file != NULL && *ca_file != '\0' ? g_strdup (ca_file) : NULL;
  g_mutex_unlock (&self->lock);
}

const char *
qd_mailbox_get_host (QdMailbox *self)
{
  g_return_val_if_fail (QD_IS_MAILBOX (self), NULL);
  return self->host;
}

guint16
qd_mailbox_get_port (QdMailbox *self)
{
  g_return_val_if_fail (QD_IS_MAILBOX (self), 0);
  return self->port;
}

/* ---- Errors -------------------------------------------------------- */

static gboolean
lost (int r)
{
  return r == MAILIMAP_ERROR_STREAM || r == MAILIMAP_ERROR_CONNECTION_REFUSED ||
         r == MAILIMAP_ERROR_MEMORY;
}

static gboolean
connection_broken (QdMailbox *self)
{
  mailstream_low *low;

  if (self->imap == NULL || self->imap->imap_stream == NULL)
    return TRUE;
  low = mailstream_get_low (self->imap->imap_stream);
  return low == NULL || ((GioLow *)low->data)->broken;
}

/* Every failed command ends here: a lost connection is dropped (the
 * next operation connects again), a refusal keeps it. */
static void
set_imap_error (QdMailbox  *self,
                int         r,
                GError    **error)
{
  if (lost (r) || connection_broken (self))
    {
      drop_connection (self);
      g_set_error (error, QD_ERROR, QD_ERROR_NETWORK,
                   _("The connection to the mail server %s was lost. Check the network and try "
                     "again."), self->host);
      return;
    }
  g_debug ("imap: %s answered %d: %s", self->host, r,
           self->imap != NULL && self->imap->imap_response != NULL ? self->imap->imap_response
                                                                    : "");
  g_set_error (error, QD_ERROR, QD_ERROR_GATEWAY,
               _("The mail server %s refused a command (%s). Try again later, or tell its "
                 "administrator."), self->host,
               self->imap != NULL && self->imap->imap_response != NULL
               ? self->imap->imap_response : "?");
}

static gboolean
ok (int r)
{
  return r == MAILIMAP_NO_ERROR;
}

/* ---- Connecting ---------------------------------------------------- */

static GIOStream *
start_tls (QdMailbox     *self,
           GIOStream     *base,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GSocketConnectable) identity = g_network_address_new (self->host, self->port);
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GError) local_error = NULL;

  tls = g_tls_client_connection_new (base, identity, &local_error);
  if (tls != NULL && self->ca_file != NULL)
    {
      g_autoptr(GTlsDatabase) database = g_tls_file_database_new (self->ca_file, &local_error);

      if (database == NULL)
        g_clear_object (&tls);
      else
        g_tls_connection_set_database (G_TLS_CONNECTION (tls), database);
    }
  if (tls != NULL && !g_tls_connection_handshake (G_TLS_CONNECTION (tls), cancellable,
                                                   &local_error))
    g_clear_object (&tls);
  if (tls == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, QD_ERROR, QD_ERROR_TLS,
                     _("The certificate of the mail server %s was refused (%s). Check the "
                       "server’s name, or give the file of the authority that signed its "
                       "certificate."), self->host, local_error->message);
      return NULL;
    }
  return g_steal_pointer (&tls);
}

/* Opens the connection and signs in with self->user and self->password. */
static gboolean
open_connection (QdMailbox     *self,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GIOStream) io = NULL;
  g_autoptr(GError) local_error = NULL;
  mailstream *stream;
  mailimap *imap;
  int r;

  drop_connection (self);
  g_socket_client_set_timeout (client, self->timeout);
  connection = g_socket_client_connect_to_host (client, self->host, self->port, cancellable,
                                                &local_error);
  if (connection == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, QD_ERROR, QD_ERROR_NETWORK,
                     _("The mail server %s:%u could not be reached (%s). Check its name and "
                       "port, and that it is running."), self->host, self->port,
                     local_error->message);
      return FALSE;
    }
  io = G_IO_STREAM (g_steal_pointer (&connection));
  if (self->security == QD_SMTP_SECURITY_TLS)
    {
      GIOStream *tls = start_tls (self, io, cancellable, error);

      if (tls == NULL)
        return FALSE;
      g_object_unref (io);
      io = tls;
    }

  imap = mailimap_new (0, NULL);
  stream = mailstream_new (gio_low_new (io), 8192);
  r = mailimap_connect (imap, stream);
  if (r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED && r != MAILIMAP_NO_ERROR_AUTHENTICATED)
    {
      mailimap_free (imap);
      g_set_error (error, QD_ERROR, QD_ERROR_NETWORK,
                   _("The server %s:%u did not greet as an IMAP server. Check the port and the "
                     "security setting."), self->host, self->port);
      return FALSE;
    }
  self->imap = imap;

  if (self->security == QD_SMTP_SECURITY_STARTTLS)
    {
      struct mailimap_capability_data *caps = NULL;
      mailstream_low *plain;
      GIOStream *tls;

      r = mailimap_capability (imap, &caps);
      if (caps != NULL)
        mailimap_capability_data_free (caps);
      if (ok (r) && !mailimap_has_extension (imap, "STARTTLS"))
        {
          g_set_error (error, QD_ERROR, QD_ERROR_TLS,
                       _("The mail server %s does not offer STARTTLS. Choose TLS, or ask its "
                         "administrator."), self->host);
          drop_connection (self);
          return FALSE;
        }
      if (ok (r))
        r = mailimap_starttls (imap);
      /* Bytes already read past the server's OK came in plain text: kept,
       * they would be taken as answers over TLS (CVE-2020-15953).  Debian's
       * libetpan refuses them itself (MAILIMAP_ERROR_STARTTLS); an
       * unpatched one leaves them in the buffer. */
      if (r == MAILIMAP_ERROR_STARTTLS ||
          (ok (r) && imap->imap_stream->read_buffer_len > 0))
        {
          g_set_error (error, QD_ERROR, QD_ERROR_TLS,
                       _("The mail server %s did not start an encrypted connection as it "
                         "should, so the connection was closed. Someone may be tampering with "
                         "it; try another network, or ask the server’s administrator."),
                       self->host);
          drop_connection (self);
          return FALSE;
        }
      if (!ok (r))
        {
          set_imap_error (self, r, error);
          drop_connection (self);
          return FALSE;
        }
      tls = start_tls (self, io, cancellable, error);
      if (tls == NULL)
        {
          drop_connection (self);
          return FALSE;
        }
      /* What was said in plain text is forgotten (RFC 3501 §6.2.1). */
      plain = mailstream_get_low (imap->imap_stream);
      mailstream_set_low (imap->imap_stream, gio_low_new (tls));
      g_object_unref (tls);
      mailstream_low_free (plain);
    }

  return TRUE;
}

/* LOGIN on the connection open_connection () made, and the capabilities
 * that follow it. */
static gboolean
authenticate (QdMailbox     *self,
              GError       **error)
{
  mailimap *imap = self->imap;
  int r;

  r = mailimap_login (imap, self->user, self->password);
  if (!ok (r))
    {
      if (lost (r))
        set_imap_error (self, r, error);
      else
        g_set_error (error, QD_ERROR, QD_ERROR_AUTH_FAILED,
                     _("The mail server %s refused the user name or password of %s. Check them "
                       "and sign in again."), self->host, self->user);
      drop_connection (self);
      return FALSE;
    }
  /* The capabilities after LOGIN are the ones that count (MOVE, UIDPLUS). */
  {
    struct mailimap_capability_data *caps = NULL;

    r = mailimap_capability (imap, &caps);
    if (caps != NULL)
      mailimap_capability_data_free (caps);
    if (!ok (r))
      {
        set_imap_error (self, r, error);
        return FALSE;
      }
  }
  self->authenticated = TRUE;
  return TRUE;
}

static gboolean
ensure_connected (QdMailbox     *self,
                  GCancellable  *cancellable,
                  GError       **error)
{
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (self->imap != NULL && self->authenticated)
    return TRUE;
  if (self->user == NULL)
    {
      g_set_error_literal (error, QD_ERROR, QD_ERROR_NOT_SIGNED_IN,
                           _("No mailbox is signed in. Sign in to your mailbox first."));
      return FALSE;
    }
  if (self->imap == NULL && !open_connection (self, cancellable, error))
    return FALSE;
  return authenticate (self, error);
}

/* ---- Folders ------------------------------------------------------- */

/* Names a Junk folder goes by when the server does not mark it \Junk,
 * most likely first. */
static const char * const junk_names[] = {
  "Junk", "Spam", "Junk E-mail", "Junk Email", "迷惑メール",
};

static gboolean
has_junk_flag (struct mailimap_mailbox_list *mb)
{
  if (mb->mb_flag == NULL || mb->mb_flag->mbf_oflags == NULL)
    return FALSE;
  for (clistiter *it = clist_begin (mb->mb_flag->mbf_oflags); it != NULL; it = clist_next (it))
    {
      struct mailimap_mbx_list_oflag *flag = clist_content (it);
      const char *name = flag->of_flag_ext;

      if (flag->of_type != MAILIMAP_MBX_LIST_OFLAG_FLAG_EXT || name == NULL)
        continue;
      if (name[0] == '\\')
        name++;
      if (g_ascii_strcasecmp (name, "Junk") == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
selectable (struct mailimap_mailbox_list *mb)
{
  if (mb->mb_flag == NULL)
    return TRUE;
  if (mb->mb_flag->mbf_type == MAILIMAP_MBX_LIST_FLAGS_SFLAG &&
      mb->mb_flag->mbf_sflag == MAILIMAP_MBX_LIST_SFLAG_NOSELECT)
    return FALSE;
  if (mb->mb_flag->mbf_oflags != NULL)
    for (clistiter *it = clist_begin (mb->mb_flag->mbf_oflags); it != NULL; it = clist_next (it))
      {
        struct mailimap_mbx_list_oflag *flag = clist_content (it);
        const char *name = flag->of_flag_ext;

        if (flag->of_type == MAILIMAP_MBX_LIST_OFLAG_FLAG_EXT && name != NULL &&
            g_ascii_strcasecmp (name[0] == '\\' ? name + 1 : name, "NonExistent") == 0)
          return FALSE;
      }
  return TRUE;
}

/* The name's last level, casefolded, for comparing with junk_names. */
static char *
leaf_key (const char *name,
          char        delimiter)
{
  const char *leaf = delimiter != '\0' ? strrchr (name, delimiter) : NULL;

  return g_utf8_casefold (leaf != NULL ? leaf + 1 : name, -1);
}

/* libetpan leaves RFC 6154's LIST (SPECIAL-USE) return option out, but a
 * server with SPECIAL-USE (Dovecot, Cyrus, Gmail…) puts \Junk among the
 * flags of a plain LIST's answer, which libetpan keeps. */
static gboolean
ensure_folders (QdMailbox     *self,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(QdMailboxFolders) folders = NULL;
  clist *list = NULL;
  const char *junk = NULL;
  gboolean by_flag = FALSE;
  guint best = G_N_ELEMENTS (junk_names);
  int r;

  if (self->folders != NULL)
    return TRUE;
  if (!ensure_connected (self, cancellable, error))
    return FALSE;
  r = mailimap_list (self->imap, "", "*", &list);
  if (!ok (r))
    {
      set_imap_error (self, r, error);
      return FALSE;
    }

  for (clistiter *it = clist_begin (list); it != NULL; it = clist_next (it))
    {
      struct mailimap_mailbox_list *mb = clist_content (it);
      g_autofree char *name = NULL;
      g_autofree char *key = NULL;

      if (mb->mb_name == NULL || !selectable (mb))
        continue;
      if (has_junk_flag (mb))
        {
          junk = mb->mb_name;
          by_flag = TRUE;
          break;
        }
      name = qd_imap_utf7_decode (mb->mb_name, strlen (mb->mb_name));
      if (name == NULL)
        continue;
      key = leaf_key (name, mb->mb_delimiter);
      for (guint i = 0; i < best; i++)
        {
          g_autofree char *wanted = g_utf8_casefold (junk_names[i], -1);

          if (g_str_equal (key, wanted))
            {
              junk = mb->mb_name;
              best = i;
              break;
            }
        }
    }

  folders = g_new0 (QdMailboxFolders, 1);
  folders->inbox = g_strdup ("INBOX");
  folders->junk_by_flag = by_flag;
  g_free (self->inbox_wire);
  self->inbox_wire = g_strdup ("INBOX");
  g_free (self->junk_wire);
  self->junk_wire = g_strdup (junk);
  if (junk != NULL)
    folders->junk = qd_imap_utf7_decode (junk, strlen (junk));
  if (folders->junk == NULL)
    folders->junk = g_strdup (junk);
  mailimap_list_result_free (list);
  self->folders = g_steal_pointer (&folders);
  return TRUE;
}

static const char *
folder_wire (QdMailbox        *self,
             QdMailboxFolder   folder,
             GError          **error)
{
  if (folder == QD_MAILBOX_FOLDER_INBOX)
    return self->inbox_wire;
  if (self->junk_wire == NULL)
    g_set_error (error, QD_ERROR, QD_ERROR_NOT_FOUND,
                 _("The mailbox at %s has no Junk folder: none is marked as Junk, and none is "
                   "called Junk, Spam or 迷惑メール."), self->host);
  return self->junk_wire;
}

static const char *
folder_display (QdMailbox       *self,
                QdMailboxFolder  folder)
{
  return folder == QD_MAILBOX_FOLDER_INBOX ? self->folders->inbox : self->folders->junk;
}

/* EXAMINE (read-only: nothing can become \Seen) or SELECT @wire, unless
 * it already is. */
static gboolean
open_folder (QdMailbox     *self,
             const char    *wire,
             gboolean       read_write,
             GError       **error)
{
  int r;

  if (self->selected != NULL && g_str_equal (self->selected, wire) &&
      self->selected_rw == read_write)
    return TRUE;
  g_clear_pointer (&self->selected, g_free);
  r = read_write ? mailimap_select (self->imap, wire) : mailimap_examine (self->imap, wire);
  if (!ok (r))
    {
      set_imap_error (self, r, error);
      return FALSE;
    }
  self->selected = g_strdup (wire);
  self->selected_rw = read_write;
  self->uidvalidity = self->imap->imap_selection_info != NULL
                      ? self->imap->imap_selection_info->sel_uidvalidity : 0;
  return TRUE;
}

static gboolean
check_uidvalidity (QdMailbox        *self,
                   QdMailboxFolder   folder,
                   guint32           uidvalidity,
                   GError          **error)
{
  if (self->uidvalidity == uidvalidity)
    return TRUE;
  g_set_error (error, QD_ERROR, QD_ERROR_NOT_FOUND,
               _("The folder %s was renumbered on the server since it was listed, so nothing "
                 "was done. List it again, then try again."), folder_display (self, folder));
  return FALSE;
}

/* ---- UID sets ------------------------------------------------------ */

static int
compare_uid (gconstpointer a,
             gconstpointer b)
{
  guint32 x = *(const guint32 *)a;
  guint32 y = *(const guint32 *)b;

  return x < y ? -1 : x > y;
}

/* A set of @n UIDs, runs written as ranges (1:500 rather than 500 numbers). */
static struct mailimap_set *
make_set (const guint32 *uids,
          guint          n)
{
  g_autofree guint32 *sorted = g_memdup2 (uids, n * sizeof (guint32));
  struct mailimap_set *set = mailimap_set_new_empty ();

  qsort (sorted, n, sizeof (guint32), compare_uid);
  for (guint i = 0; i < n;)
    {
      guint j = i;

      while (j + 1 < n && (sorted[j + 1] == sorted[j] || sorted[j + 1] == sorted[j] + 1))
        j++;
      mailimap_set_add_interval (set, sorted[i], sorted[j]);
      i = j + 1;
    }
  return set;
}

/* UID FETCH of @set, asking @type (it frees both): the answers, or NULL
 * and the error. */
static clist *
uid_fetch (QdMailbox                   *self,
           struct mailimap_set         *set,
           struct mailimap_fetch_type  *type,
           GError                     **error)
{
  clist *answers = NULL;
  int r = mailimap_uid_fetch (self->imap, set, type, &answers);

  mailimap_set_free (set);
  mailimap_fetch_type_free (type);
  if (!ok (r))
    {
      set_imap_error (self, r, error);
      return NULL;
    }
  return answers;
}

static GDateTime *
date_from_imap (const struct mailimap_date_time *dt)
{
  int zone = ABS (dt->dt_zone);
  int offset = (zone / 100) * 3600 + (zone % 100) * 60;
  g_autoptr(GTimeZone) tz = g_time_zone_new_offset (dt->dt_zone < 0 ? -offset : offset);

  return g_date_time_new (tz, dt->dt_year, dt->dt_month, dt->dt_day, dt->dt_hour, dt->dt_min,
                          dt->dt_sec);
}

/* The static attributes of one FETCH answer, by type. */
static struct mailimap_msg_att_static *
find_static (struct mailimap_msg_att *att,
             int                      type)
{
  for (clistiter *it = clist_begin (att->att_list); it != NULL; it = clist_next (it))
    {
      struct mailimap_msg_att_item *item = clist_content (it);

      if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC &&
          item->att_data.att_static->att_type == type)
        return item->att_data.att_static;
    }
  return NULL;
}

/* ---- Listing ------------------------------------------------------- */

typedef struct
{
  guint32 uid;
  gint64  time;
} Dated;

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  const Dated *x = a;
  const Dated *y = b;

  if (x->time != y->time)
    return x->time > y->time ? -1 : 1;
  return x->uid > y->uid ? -1 : x->uid < y->uid;
}

static struct mailimap_date *
imap_date (GDateTime *time,
           int        days)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (time);
  g_autoptr(GDateTime) shifted = g_date_time_add_days (utc, days);

  return mailimap_date_new (g_date_time_get_day_of_month (shifted),
                            g_date_time_get_month (shifted), g_date_time_get_year (shifted));
}

/* The gateway names a graymail category in a header; "none" is a
 * message without it.  One OR of a HEADER key per category asked for. */
static struct mailimap_search_key *
make_category_key (guint categories)
{
  struct mailimap_search_key *any = NULL;

  for (QdCategory c = QD_CATEGORY_NONE; c <= QD_CATEGORY_BULK; c++)
    {
      struct mailimap_search_key *one;

      if (!(categories & (1u << c)))
        continue;
      if (c == QD_CATEGORY_NONE)
        one = mailimap_search_key_new_not (mailimap_search_key_new_header (strdup (GRAYMAIL_HEADER),
                                                                           strdup ("")));
      else
        one = mailimap_search_key_new_header (strdup (GRAYMAIL_HEADER),
                                              strdup (qd_category_to_string (c)));
      any = any != NULL ? mailimap_search_key_new_or (any, one) : one;
    }
  return any;
}

/* SEARCH's SINCE and BEFORE are whole days in the server's own reckoning
 * (RFC 3501 §6.4.4): the search asks for a day more on each side, and the
 * INTERNALDATEs decide to the minute here. */
static struct mailimap_search_key *
make_search_key (QdQuery *query)
{
  struct mailimap_search_key *key = mailimap_search_key_new_multiple_empty ();
  GDateTime *since = query != NULL ? qd_query_get_since (query) : NULL;
  GDateTime *until = query != NULL ? qd_query_get_until (query) : NULL;
  const char *text = query != NULL ? qd_query_get_search (query) : NULL;

  mailimap_search_key_multiple_add (key, mailimap_search_key_new_all ());
  if (since != NULL)
    mailimap_search_key_multiple_add (key, mailimap_search_key_new_since (imap_date (since, -1)));
  if (until != NULL)
    mailimap_search_key_multiple_add (key, mailimap_search_key_new_before (imap_date (until, 2)));
  if (text != NULL && text[0] != '\0')
    {
      /* A line break would end the command; in a name or subject it
       * cannot be searched for anyway. */
      g_autofree char *line = g_strdelimit (g_strdup (text), "\r\n", ' ');

      mailimap_search_key_multiple_add (key, mailimap_search_key_new_or (
                                          mailimap_search_key_new_from (strdup (line)),
                                          mailimap_search_key_new_subject (strdup (line))));
    }
  if (query != NULL && qd_query_get_categories (query) != 0)
    mailimap_search_key_multiple_add (key, make_category_key (qd_query_get_categories (query)));
  return key;
}

static gboolean
is_ascii (const char *text)
{
  for (; text != NULL && *text; text++)
    if ((guchar)*text >= 0x80)
      return FALSE;
  return TRUE;
}

/* A listing from UIDs the server sorted newest first. */
static QdMailboxListing *
listing_from_sorted (QdMailbox       *self,
                     QdMailboxFolder  folder,
                     clist           *sorted)
{
  QdMailboxListing *listing = g_new0 (QdMailboxListing, 1);

  listing->folder = folder;
  listing->folder_name = g_strdup (folder_display (self, folder));
  listing->uidvalidity = self->uidvalidity;
  listing->uids = g_array_sized_new (FALSE, FALSE, sizeof (guint32), clist_count (sorted));
  for (clistiter *it = clist_begin (sorted); it != NULL; it = clist_next (it))
    g_array_append_val (listing->uids, *(guint32 *)clist_content (it));
  mailimap_sort_result_free (sorted);
  return listing;
}

static QdMailboxListing *
do_list (QdMailbox        *self,
         QdMailboxFolder   folder,
         QdQuery          *query,
         GCancellable     *cancellable,
         GError          **error)
{
  g_autoptr(QdMailboxListing) listing = NULL;
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GArray) dated = g_array_new (FALSE, FALSE, sizeof (Dated));
  GDateTime *since = query != NULL ? qd_query_get_since (query) : NULL;
  GDateTime *until = query != NULL ? qd_query_get_until (query) : NULL;
  const char *text = query != NULL ? qd_query_get_search (query) : NULL;
  struct mailimap_search_key *key;
  const char *wire;
  clist *result = NULL;
  int r;

  if (!ensure_folders (self, cancellable, error))
    return NULL;
  wire = folder_wire (self, folder, error);
  if (wire == NULL || !open_folder (self, wire, FALSE, error))
    return NULL;

  key = make_search_key (query);
  /* Without a time range the server can order them itself (RFC 5256's
   * ARRIVAL is INTERNALDATE; ties by number, as below): one command
   * instead of a search and every match's date. */
  if (since == NULL && until == NULL && mailimap_has_extension (self->imap, "SORT"))
    {
      struct mailimap_sort_key *order = mailimap_sort_key_new_arrival (TRUE);

      r = mailimap_uid_sort (self->imap, "UTF-8", order, key, &result);
      mailimap_sort_key_free (order);
      mailimap_search_key_free (key);
      if (!ok (r))
        {
          set_imap_error (self, r, error);
          return NULL;
        }
      return listing_from_sorted (self, folder, result);
    }
  r = mailimap_uid_search (self->imap, is_ascii (text) ? NULL : "UTF-8", key, &result);
  mailimap_search_key_free (key);
  if (!ok (r))
    {
      set_imap_error (self, r, error);
      return NULL;
    }
  for (clistiter *it = clist_begin (result); it != NULL; it = clist_next (it))
    g_array_append_val (found, *(guint32 *)clist_content (it));
  mailimap_search_result_free (result);

  /* The dates of what matched, in a few commands. */
  for (guint i = 0; i < found->len; i += DATES_PER_COMMAND)
    {
      struct mailimap_fetch_type *type = mailimap_fetch_type_new_fetch_att_list_empty ();
      struct mailimap_set *set = make_set (&g_array_index (found, guint32, i),
                                           MIN (DATES_PER_COMMAND, found->len - i));
      clist *answers = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          mailimap_set_free (set);
          mailimap_fetch_type_free (type);
          return NULL;
        }
      mailimap_fetch_type_new_fetch_att_list_add (type, mailimap_fetch_att_new_uid ());
      mailimap_fetch_type_new_fetch_att_list_add (type, mailimap_fetch_att_new_internaldate ());
      answers = uid_fetch (self, set, type, error);
      if (answers == NULL)
        return NULL;
      for (clistiter *it = clist_begin (answers); it != NULL; it = clist_next (it))
        {
          struct mailimap_msg_att_static *uid = find_static (clist_content (it),
                                                             MAILIMAP_MSG_ATT_UID);
          struct mailimap_msg_att_static *date = find_static (clist_content (it),
                                                              MAILIMAP_MSG_ATT_INTERNALDATE);
          g_autoptr(GDateTime) received = NULL;
          Dated d;

          if (uid == NULL || date == NULL)
            continue;  /* an unasked-for FETCH (flags changed meanwhile) */
          received = date_from_imap (date->att_data.att_internal_date);
          if (received == NULL)
            continue;
          if ((since != NULL && g_date_time_compare (received, since) < 0) ||
              (until != NULL && g_date_time_compare (received, until) >= 0))
            continue;
          d.uid = uid->att_data.att_uid;
          d.time = g_date_time_to_unix (received);
          g_array_append_val (dated, d);
        }
      mailimap_fetch_list_free (answers);
    }

  g_array_sort (dated, compare_newest_first);
  listing = g_new0 (QdMailboxListing, 1);
  listing->folder = folder;
  listing->folder_name = g_strdup (folder_display (self, folder));
  listing->uidvalidity = self->uidvalidity;
  listing->uids = g_array_sized_new (FALSE, FALSE, sizeof (guint32), dated->len);
  for (guint i = 0; i < dated->len; i++)
    {
      /* A UID answered twice (a FETCH both asked and unasked) counts once. */
      if (i > 0 && g_array_index (dated, Dated, i).uid == g_array_index (dated, Dated, i - 1).uid)
        continue;
      g_array_append_val (listing->uids, g_array_index (dated, Dated, i).uid);
    }
  return g_steal_pointer (&listing);
}

static char *
valid_text (const char *text)
{
  return text != NULL ? g_utf8_make_valid (text, -1) : NULL;
}

/* The headers GMime parsed, into @item; headers it cannot parse leave
 * fields empty rather than fail the page. */
static void
item_take_headers (QdMailboxItem *item,
                   const char    *data,
                   gsize          length)
{
  g_autoptr(GMimeMessage) message = NULL;
  InternetAddressList *from;
  g_autofree char *category = NULL;

  if (data == NULL)
    return;
  message = qd_mail_parse ((const guint8 *)data, length);
  if (message == NULL)
    return;
  from = g_mime_message_get_from (message);
  if (from != NULL && internet_address_list_length (from) > 0)
    {
      InternetAddress *address = internet_address_list_get_address (from, 0);
      const char *name = internet_address_get_name (address);

      if (INTERNET_ADDRESS_IS_MAILBOX (address))
        item->from_address = valid_text (
          internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (address)));
      item->from = valid_text (name != NULL && name[0] != '\0' ? name : item->from_address);
    }
  item->subject = valid_text (g_mime_message_get_subject (message));
  item->message_id = valid_text (g_mime_message_get_message_id (message));
  category = qd_mail_get_header_text (GMIME_OBJECT (message), GRAYMAIL_HEADER);
  if (category != NULL)
    item->category = valid_text (g_strstrip (category));
}

static GPtrArray *
do_fetch_items (QdMailbox         *self,
                QdMailboxListing  *listing,
                guint              offset,
                guint              count,
                GCancellable      *cancellable,
                GError           **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify)qd_mailbox_item_free);
  g_autoptr(GHashTable) by_uid = g_hash_table_new_full (NULL, NULL, NULL,
                                                        (GDestroyNotify)qd_mailbox_item_free);
  struct mailimap_fetch_type *type;
  struct mailimap_set *set;
  clist *headers;
  clist *answers = NULL;
  const char *wire;
  guint n;

  if (!ensure_folders (self, cancellable, error))
    return NULL;
  wire = folder_wire (self, listing->folder, error);
  if (wire == NULL || !open_folder (self, wire, FALSE, error) ||
      !check_uidvalidity (self, listing->folder, listing->uidvalidity, error))
    return NULL;
  if (offset >= listing->uids->len || count == 0)
    return g_steal_pointer (&items);
  n = MIN (count, listing->uids->len - offset);

  type = mailimap_fetch_type_new_fetch_att_list_empty ();
  mailimap_fetch_type_new_fetch_att_list_add (type, mailimap_fetch_att_new_uid ());
  mailimap_fetch_type_new_fetch_att_list_add (type, mailimap_fetch_att_new_internaldate ());
  mailimap_fetch_type_new_fetch_att_list_add (type, mailimap_fetch_att_new_rfc822_size ());
  headers = clist_new ();
  for (const char * const *h = (const char * const[]){ "FROM", "SUBJECT", "DATE", "MESSAGE-ID",
                                                      "X-QD-GRAYMAIL", "X-SPAM", NULL };
       *h != NULL; h++)
    clist_append (headers, strdup (*h));
  mailimap_fetch_type_new_fetch_att_list_add (
    type, mailimap_fetch_att_new_body_peek_section (
            mailimap_section_new_header_fields (mailimap_header_list_new (headers))));
  set = make_set (&g_array_index (listing->uids, guint32, offset), n);
  answers = uid_fetch (self, set, type, error);
  if (answers == NULL)
    return NULL;

  for (clistiter *it = clist_begin (answers); it != NULL; it = clist_next (it))
    {
      struct mailimap_msg_att *att = clist_content (it);
      struct mailimap_msg_att_static *uid = find_static (att, MAILIMAP_MSG_ATT_UID);
      struct mailimap_msg_att_static *date = find_static (att, MAILIMAP_MSG_ATT_INTERNALDATE);
      struct mailimap_msg_att_static *size = find_static (att, MAILIMAP_MSG_ATT_RFC822_SIZE);
      struct mailimap_msg_att_static *body = find_static (att, MAILIMAP_MSG_ATT_BODY_SECTION);
      QdMailboxItem *item;

      if (uid == NULL || body == NULL ||
          g_hash_table_contains (by_uid, GUINT_TO_POINTER (uid->att_data.att_uid)))
        continue;
      item = g_new0 (QdMailboxItem, 1);
      item->uid = uid->att_data.att_uid;
      item->uidvalidity = listing->uidvalidity;
      if (date != NULL)
        item->received_at = date_from_imap (date->att_data.att_internal_date);
      if (size != NULL)
        item->size = size->att_data.att_rfc822_size;
      item_take_headers (item, body->att_data.att_body_section->sec_body_part,
                         body->att_data.att_body_section->sec_length);
      g_hash_table_insert (by_uid, GUINT_TO_POINTER (item->uid), item);
    }
  mailimap_fetch_list_free (answers);

  /* In the listing's order; a message expunged meanwhile is left out. */
  for (guint i = offset; i < offset + n; i++)
    {
      gpointer key = GUINT_TO_POINTER (g_array_index (listing->uids, guint32, i));
      QdMailboxItem *item = g_hash_table_lookup (by_uid, key);

      if (item != NULL)
        {
          g_hash_table_steal (by_uid, key);
          g_ptr_array_add (items, item);
        }
    }
  return g_steal_pointer (&items);
}

static GBytes *
do_fetch_raw (QdMailbox        *self,
              QdMailboxFolder   folder,
              guint32           uidvalidity,
              guint32           uid,
              GCancellable     *cancellable,
              GError          **error)
{
  struct mailimap_fetch_type *type;
  struct mailimap_set *set;
  clist *answers = NULL;
  GBytes *bytes = NULL;
  const char *wire;

  if (!ensure_folders (self, cancellable, error))
    return NULL;
  wire = folder_wire (self, folder, error);
  if (wire == NULL || !open_folder (self, wire, FALSE, error) ||
      !check_uidvalidity (self, folder, uidvalidity, error))
    return NULL;

  type = mailimap_fetch_type_new_fetch_att_list_empty ();
  mailimap_fetch_type_new_fetch_att_list_add (type, mailimap_fetch_att_new_uid ());
  mailimap_fetch_type_new_fetch_att_list_add (
    type, mailimap_fetch_att_new_body_peek_section (mailimap_section_new (NULL)));
  set = mailimap_set_new_single (uid);
  answers = uid_fetch (self, set, type, error);
  if (answers == NULL)
    return NULL;
  for (clistiter *it = clist_begin (answers); it != NULL && bytes == NULL; it = clist_next (it))
    {
      struct mailimap_msg_att_static *got = find_static (clist_content (it), MAILIMAP_MSG_ATT_UID);
      struct mailimap_msg_att_static *body = find_static (clist_content (it),
                                                          MAILIMAP_MSG_ATT_BODY_SECTION);

      /* Dovecot answers for a message another client expunged, until this
       * session is told, with an empty body: no message is empty. */
      if (got != NULL && got->att_data.att_uid == uid && body != NULL &&
          body->att_data.att_body_section->sec_length > 0)
        bytes = g_bytes_new (body->att_data.att_body_section->sec_body_part,
                             body->att_data.att_body_section->sec_length);
    }
  mailimap_fetch_list_free (answers);
  if (bytes == NULL)
    g_set_error (error, QD_ERROR, QD_ERROR_NOT_FOUND,
                 _("The message is no longer in %s: it was moved or deleted meanwhile. List the "
                   "folder again."), folder_display (self, folder));
  return bytes;
}

/* ---- Moving -------------------------------------------------------- */

/* Which of @uids are still in the selected folder. */
static gboolean
present_uids (QdMailbox      *self,
              const guint32  *uids,
              guint           n,
              GHashTable     *present,
              int            *r)
{
  clist *result = NULL;
  struct mailimap_search_key *key = mailimap_search_key_new_uid (make_set (uids, n));

  *r = mailimap_uid_search (self->imap, NULL, key, &result);
  mailimap_search_key_free (key);
  if (!ok (*r))
    return FALSE;
  for (clistiter *it = clist_begin (result); it != NULL; it = clist_next (it))
    g_hash_table_add (present, GUINT_TO_POINTER (*(guint32 *)clist_content (it)));
  mailimap_search_result_free (result);
  return TRUE;
}

/* One batch moved to @to: UID MOVE (RFC 6851), else UID COPY, \Deleted
 * on exactly those UIDs, and UID EXPUNGE of exactly those (RFC 4315).
 * MOVE is atomic; the three commands are not: a connection lost after
 * COPY and before EXPUNGE leaves the batch in both folders.  That batch
 * is reported FAILED, never MOVED, and the UIDs in @copied (found at the
 * destination by a retry, see copied_before ()) are not copied again. */
static int
move_batch (QdMailbox     *self,
            const guint32 *uids,
            guint          n,
            gboolean       has_move,
            const char    *to,
            GHashTable    *copied)
{
  struct mailimap_set *set = make_set (uids, n);
  int r;

  if (has_move && to != NULL)
    r = mailimap_uid_move (self->imap, set, to);
  else
    {
      g_autoptr(GArray) to_copy = g_array_new (FALSE, FALSE, sizeof (guint32));

      for (guint i = 0; i < n; i++)
        if (copied == NULL || !g_hash_table_contains (copied, GUINT_TO_POINTER (uids[i])))
          g_array_append_val (to_copy, uids[i]);
      r = MAILIMAP_NO_ERROR;
      if (to_copy->len > 0 && to != NULL)
        {
          struct mailimap_set *copy_set = make_set ((const guint32 *)to_copy->data,
                                                    to_copy->len);

          r = mailimap_uid_copy (self->imap, copy_set, to);
          mailimap_set_free (copy_set);
        }
      if (ok (r))
        {
          struct mailimap_flag_list *flags = mailimap_flag_list_new_empty ();
          struct mailimap_store_att_flags *store;

          mailimap_flag_list_add (flags, mailimap_flag_new_deleted ());
          store = mailimap_store_att_flags_new_add_flags_silent (flags);
          r = mailimap_uid_store (self->imap, set, store);
          mailimap_store_att_flags_free (store);
        }
      if (ok (r))
        r = mailimap_uid_expunge (self->imap, set);
    }
  mailimap_set_free (set);
  return r;
}

/* The messages of @folder whose Message-ID is one of @message_ids (keys of
 * a table), fetched; leaves @folder selected read-only. */
static GPtrArray *
find_message_ids (QdMailbox        *self,
                  QdMailboxFolder   folder,
                  GHashTable       *message_ids,
                  GCancellable     *cancellable,
                  GError          **error)
{
  g_autoptr(GPtrArray) found = NULL;
  QdMailboxListing hits = { folder, NULL, 0, NULL };
  struct mailimap_search_key *key = NULL;
  clist *result = NULL;
  GHashTableIter iter;
  gpointer message_id;
  int r;

  g_hash_table_iter_init (&iter, message_ids);
  while (g_hash_table_iter_next (&iter, &message_id, NULL))
    {
      struct mailimap_search_key *one =
        mailimap_search_key_new_header (strdup ("Message-ID"), strdup (message_id));

      key = key != NULL ? mailimap_search_key_new_or (key, one) : one;
    }
  if (key == NULL)
    return g_ptr_array_new_with_free_func ((GDestroyNotify)qd_mailbox_item_free);
  if (!open_folder (self, folder_wire (self, folder, NULL), FALSE, error))
    {
      mailimap_search_key_free (key);
      return NULL;
    }
  r = mailimap_uid_search (self->imap, "UTF-8", key, &result);
  mailimap_search_key_free (key);
  if (!ok (r))
    {
      set_imap_error (self, r, error);
      return NULL;
    }
  hits.uidvalidity = self->uidvalidity;
  hits.uids = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (clistiter *it = clist_begin (result); it != NULL; it = clist_next (it))
    g_array_append_val (hits.uids, *(guint32 *)clist_content (it));
  mailimap_search_result_free (result);
  found = hits.uids->len > 0
          ? do_fetch_items (self, &hits, 0, hits.uids->len, cancellable, error)
          : g_ptr_array_new_with_free_func ((GDestroyNotify)qd_mailbox_item_free);
  g_array_unref (hits.uids);
  if (found == NULL)
    return NULL;
  /* SEARCH HEADER matches substrings: each hit's own Message-ID decides. */
  for (guint i = found->len; i > 0; i--)
    {
      QdMailboxItem *item = g_ptr_array_index (found, i - 1);

      if (item->message_id == NULL || !g_hash_table_contains (message_ids, item->message_id))
        g_ptr_array_remove_index (found, i - 1);
    }
  return g_steal_pointer (&found);
}

/* Which of @uids in folder @from already have a copy in @to, by
 * Message-ID: a COPY whose connection was lost before its EXPUNGE left
 * them in both.  Copying them again would duplicate them; they are only
 * removed from @from.  A message without a Message-ID cannot be told
 * apart, and is copied.  Leaves @from selected for writing. */
static GHashTable *
copied_before (QdMailbox         *self,
               QdMailboxFolder    from,
               QdMailboxFolder    to,
               guint32            uidvalidity,
               const guint32     *uids,
               guint              n,
               GCancellable      *cancellable,
               GError           **error)
{
  g_autoptr(GHashTable) copied = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);  /* id -> uid */
  g_autoptr(GPtrArray) ours = NULL;
  g_autoptr(GPtrArray) theirs = NULL;
  QdMailboxListing batch = { from, NULL, uidvalidity, NULL };

  batch.uids = g_array_sized_new (FALSE, FALSE, sizeof (guint32), n);
  g_array_append_vals (batch.uids, uids, n);
  ours = do_fetch_items (self, &batch, 0, n, cancellable, error);
  g_array_unref (batch.uids);
  if (ours == NULL)
    return NULL;
  for (guint i = 0; i < ours->len; i++)
    {
      QdMailboxItem *item = g_ptr_array_index (ours, i);

      if (item->message_id != NULL && !g_hash_table_contains (by_id, item->message_id))
        g_hash_table_insert (by_id, item->message_id, GUINT_TO_POINTER (item->uid));
    }
  if (g_hash_table_size (by_id) > 0)
    {
      theirs = find_message_ids (self, to, by_id, cancellable, error);
      if (theirs == NULL)
        return NULL;
      for (guint i = 0; i < theirs->len; i++)
        {
          QdMailboxItem *item = g_ptr_array_index (theirs, i);

          g_hash_table_add (copied, g_hash_table_lookup (by_id, item->message_id));
        }
    }
  if (!open_folder (self, folder_wire (self, from, NULL), TRUE, error) ||
      !check_uidvalidity (self, from, uidvalidity, error))
    return NULL;
  return g_steal_pointer (&copied);
}

static QdMailboxMoveResult *
do_move (QdMailbox        *self,
         QdMailboxFolder   from,
         QdMailboxFolder   to,
         guint32           uidvalidity,
         GArray           *uids,
         GCancellable     *cancellable,
         GError          **error)
{
  g_autoptr(QdMailboxMoveResult) result = g_new0 (QdMailboxMoveResult, 1);
  QdMailboxMoveStatus failed = QD_MAILBOX_MOVE_FAILED;
  const char *wire;
  const char *to_wire;
  gboolean has_move;

  if (!ensure_folders (self, cancellable, error))
    return NULL;
  /* The wire name is owned by self, and stays while the lock is held.
   * Deleting is moving nowhere: \Deleted and UID EXPUNGE of just those. */
  to_wire = to == QD_MAILBOX_FOLDER_NONE ? NULL : folder_wire (self, to, error);
  if (to_wire == NULL && to != QD_MAILBOX_FOLDER_NONE)
    return NULL;
  wire = folder_wire (self, from, error);
  if (wire == NULL || !open_folder (self, wire, TRUE, error) ||
      !check_uidvalidity (self, from, uidvalidity, error))
    return NULL;
  has_move = to_wire != NULL && mailimap_has_extension (self->imap, "MOVE");
  if (to_wire == NULL && !mailimap_has_uidplus (self->imap))
    {
      g_set_error (error, QD_ERROR, QD_ERROR_UNAVAILABLE,
                   _("The mail server %s cannot remove chosen messages (UIDPLUS), so nothing was "
                     "deleted. Delete them in your mail program."),
                   self->host);
      return NULL;
    }
  if (!has_move && !mailimap_has_uidplus (self->imap))
    {
      /* A plain EXPUNGE would also remove whatever else is marked \Deleted. */
      g_set_error (error, QD_ERROR, QD_ERROR_UNAVAILABLE,
                   _("The mail server %s can neither move messages (MOVE) nor remove chosen ones "
                     "(UIDPLUS), so nothing was moved. Move them in your mail program."),
                   self->host);
      return NULL;
    }

  result->uids = g_array_copy (uids);
  result->statuses = g_array_sized_new (FALSE, FALSE, sizeof (QdMailboxMoveStatus), uids->len);
  for (guint i = 0; i < uids->len; i++)
    g_array_append_val (result->statuses, failed);
  result->n_failed = uids->len;

  for (guint start = 0; start < uids->len; start += QD_MAILBOX_MOVE_BATCH)
    {
      g_autoptr(GHashTable) present = g_hash_table_new (NULL, NULL);
      g_autoptr(GHashTable) copied = NULL;
      g_autoptr(GArray) batch = g_array_new (FALSE, FALSE, sizeof (guint32));
      guint n = MIN (QD_MAILBOX_MOVE_BATCH, uids->len - start);
      const guint32 *asked = &g_array_index (uids, guint32, start);
      int r = MAILIMAP_NO_ERROR;

      if (g_cancellable_set_error_if_cancelled (cancellable, &result->error))
        break;
      /* A UID no longer here was moved by an earlier try, or by someone
       * else: it is not asked for again, so a retry makes no duplicate. */
      if (present_uids (self, asked, n, present, &r))
        {
          for (guint i = 0; i < n; i++)
            {
              if (g_hash_table_contains (present, GUINT_TO_POINTER (asked[i])))
                {
                  g_array_append_val (batch, asked[i]);
                  continue;
                }
              g_array_index (result->statuses, QdMailboxMoveStatus, start + i) =
                QD_MAILBOX_MOVE_GONE;
              result->n_gone++;
              result->n_failed--;
            }
        }
      if (ok (r) && batch->len > 0 && !has_move && to_wire != NULL)
        {
          copied = copied_before (self, from, to, uidvalidity, (const guint32 *)batch->data,
                                  batch->len, cancellable, &result->error);
          if (copied == NULL)
            break;
        }
      if (ok (r) && batch->len > 0)
        r = move_batch (self, (const guint32 *)batch->data, batch->len, has_move, to_wire,
                        copied);
      if (!ok (r))
        {
          set_imap_error (self, r, &result->error);
          break;
        }
      for (guint i = 0; i < n; i++)
        if (g_hash_table_contains (present, GUINT_TO_POINTER (asked[i])))
          {
            g_array_index (result->statuses, QdMailboxMoveStatus, start + i) =
              QD_MAILBOX_MOVE_MOVED;
            result->n_moved++;
            result->n_failed--;
          }
    }
  return g_steal_pointer (&result);
}

/* ---- Tasks --------------------------------------------------------- */

typedef enum
{
  OP_OPEN,
  OP_CONNECT,
  OP_FIND_FOLDERS,
  OP_LIST,
  OP_FETCH_ITEMS,
  OP_FETCH_RAW,
  OP_MOVE,
  OP_FIND,
} OpKind;

/* What one operation runs, and with what. */
typedef struct
{
  OpKind            kind;
  char             *user;
  char             *password;
  QdMailboxFolder   folder;
  QdMailboxFolder   to;       /* where OP_MOVE moves to */
  QdQuery          *query;
  QdMailboxListing *listing;
  guint             offset;
  guint             count;
  guint32           uidvalidity;
  guint32           uid;
  GArray           *uids;
  GHashTable       *message_ids;  /* OP_FIND's, a set */
} Op;

static void
op_free (Op *op)
{
  g_free (op->user);
  forget_secret (&op->password);
  g_clear_pointer (&op->query, qd_query_unref);
  g_clear_pointer (&op->listing, qd_mailbox_listing_free);
  g_clear_pointer (&op->uids, g_array_unref);
  g_clear_pointer (&op->message_ids, g_hash_table_unref);
  g_free (op);
}

static Op *
op_new (OpKind kind)
{
  Op *op = g_new0 (Op, 1);

  op->kind = kind;
  return op;
}

/* Signs in as @user; who signed in is kept only when that worked. */
static gboolean
sign_in (QdMailbox     *self,
         const char    *user,
         const char    *password,
         GCancellable  *cancellable,
         GError       **error)
{
  gboolean opened_ahead;

  /* Opening ahead failed just now: trying again would wait as long again. */
  if (self->open_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->open_error));
      return FALSE;
    }
  g_free (self->user);
  self->user = g_strdup (user);
  forget_secret (&self->password);
  self->password = g_strdup (password);
  g_clear_pointer (&self->folders, qd_mailbox_folders_free);
  /* A connection opened ahead (qd_mailbox_open_async ()) is used as it
   * is; should the server have closed it meanwhile, a new one is made. */
  opened_ahead = self->imap != NULL && !self->authenticated;
  if (opened_ahead || open_connection (self, cancellable, error))
    {
      g_autoptr(GError) local_error = NULL;

      if (authenticate (self, &local_error))
        return TRUE;
      if (opened_ahead && g_error_matches (local_error, QD_ERROR, QD_ERROR_NETWORK))
        {
          g_clear_error (&local_error);
          if (open_connection (self, cancellable, error) && authenticate (self, error))
            return TRUE;
        }
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
    }
  g_clear_pointer (&self->user, g_free);
  forget_secret (&self->password);
  return FALSE;
}

/* Every operation: its commands under the lock, then its result or error. */
static void
op_thread (GTask        *task,
           gpointer      object,
           gpointer      task_data,
           GCancellable *cancellable)
{
  QdMailbox *self = object;
  Op *op = task_data;
  GError *error = NULL;
  gpointer result = NULL;
  GDestroyNotify result_free = NULL;
  gint64 waited = g_get_monotonic_time ();
  gint64 started;

  g_mutex_lock (&self->lock);
  started = g_get_monotonic_time ();
  switch (op->kind)
    {
    case OP_OPEN:
      g_clear_error (&self->open_error);
      if (self->imap != NULL || open_connection (self, cancellable, &error))
        result = GINT_TO_POINTER (TRUE);
      else
        self->open_error = g_error_copy (error);
      break;
    case OP_CONNECT:
      if (sign_in (self, op->user, op->password, cancellable, &error))
        result = GINT_TO_POINTER (TRUE);
      break;
    case OP_FIND_FOLDERS:
      if (ensure_folders (self, cancellable, &error))
        result = folders_copy (self->folders);
      result_free = (GDestroyNotify)qd_mailbox_folders_free;
      break;
    case OP_LIST:
      result = do_list (self, op->folder, op->query, cancellable, &error);
      result_free = (GDestroyNotify)qd_mailbox_listing_free;
      break;
    case OP_FETCH_ITEMS:
      result = do_fetch_items (self, op->listing, op->offset, op->count, cancellable, &error);
      result_free = (GDestroyNotify)g_ptr_array_unref;
      break;
    case OP_FETCH_RAW:
      result = do_fetch_raw (self, op->folder, op->uidvalidity, op->uid, cancellable, &error);
      result_free = (GDestroyNotify)g_bytes_unref;
      break;
    case OP_MOVE:
      result = do_move (self, op->folder, op->to, op->uidvalidity, op->uids, cancellable,
                        &error);
      result_free = (GDestroyNotify)qd_mailbox_move_result_free;
      break;
    case OP_FIND:
      if (ensure_folders (self, cancellable, &error))
        result = find_message_ids (self, op->folder, op->message_ids, cancellable, &error);
      result_free = (GDestroyNotify)g_ptr_array_unref;
      break;
    default:
      g_assert_not_reached ();
    }
  /* Where the time of a slow listing goes: waiting for the connection, or the server. */
  g_debug ("mailbox: operation %d waited %.1f ms, ran %.1f ms", op->kind,
           (started - waited) / 1000.0, (g_get_monotonic_time () - started) / 1000.0);
  g_mutex_unlock (&self->lock);
  /* Opening and signing in are the operations whose result is a boolean. */
  if ((op->kind == OP_CONNECT || op->kind == OP_OPEN) && result != NULL)
    g_task_return_boolean (task, TRUE);
  else
    qd_task_return_pointer_or_error (task, result, result_free, error);
}

/* Runs @op (taking it) in a worker thread, in a task tagged @tag. */
static void
op_start (QdMailbox            *self,
          Op                   *op,
          gpointer              tag,
          GCancellable         *cancellable,
          GAsyncReadyCallback   callback,
          gpointer              user_data)
{
  g_autoptr(GTask) task = qd_task_new (self, tag, cancellable, callback, user_data);

  g_task_set_task_data (task, op, (GDestroyNotify)op_free);
  /* The lock, not the order of the pool's threads, keeps commands apart. */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, op_thread);
}

QdSmtpSecurity
qd_mailbox_get_security (QdMailbox *self)
{
  g_return_val_if_fail (QD_IS_MAILBOX (self), QD_SMTP_SECURITY_TLS);
  return self->security;
}

/* "host:port", "[v6]:port": how the keyring names the server (docs/keyring.md). */
char *
qd_mailbox_dup_server (QdMailbox *self)
{
  g_return_val_if_fail (QD_IS_MAILBOX (self), NULL);

  return qd_address_join_host_port (self->host, self->port);
}

/**
 * qd_mailbox_open_async:
 *
 * Opens the connection (and its TLS) without signing in, so that a
 * sign-in waiting for its password (a keyring lookup, say) then has only
 * LOGIN left to do.  Connecting signs in on this connection.
 */
void
qd_mailbox_open_async (QdMailbox           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_return_if_fail (QD_IS_MAILBOX (self));

  op_start (self, op_new (OP_OPEN), qd_mailbox_open_async, cancellable, callback, user_data);
}

gboolean
qd_mailbox_open_finish (QdMailbox     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  return qd_task_finish_boolean (result, self, qd_mailbox_open_async, error);
}

/**
 * qd_mailbox_connect_async:
 *
 * Connects and signs in (LOGIN).  The password is kept in memory so that
 * a dropped connection is opened again by the next operation.
 */
void
qd_mailbox_connect_async (QdMailbox           *self,
                          const char          *user,
                          const char          *password,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  Op *op;

  g_return_if_fail (QD_IS_MAILBOX (self));
  g_return_if_fail (user != NULL && password != NULL);

  op = op_new (OP_CONNECT);
  op->user = g_strdup (user);
  op->password = g_strdup (password);
  op_start (self, op, qd_mailbox_connect_async, cancellable, callback, user_data);
}

gboolean
qd_mailbox_connect_finish (QdMailbox     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return qd_task_finish_boolean (result, self, qd_mailbox_connect_async, error);
}

/* Finds INBOX and Junk: Junk by the \Junk flag (RFC 6154), else by name. */
void
qd_mailbox_find_folders_async (QdMailbox           *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (QD_IS_MAILBOX (self));
  op_start (self, op_new (OP_FIND_FOLDERS), qd_mailbox_find_folders_async, cancellable,
            callback, user_data);
}

QdMailboxFolders *
qd_mailbox_find_folders_finish (QdMailbox     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return qd_task_finish_pointer (result, self, qd_mailbox_find_folders_async, error);
}

/**
 * qd_mailbox_list_async:
 * @query: (nullable): the time range (to the second) and the search text
 *   (sender or subject); its folder, reasons and categories are not used
 *
 * Which messages of @folder match, newest first; their headers come page
 * by page with qd_mailbox_fetch_items_async().
 */
void
qd_mailbox_list_async (QdMailbox           *self,
                       QdMailboxFolder      folder,
                       QdQuery             *query,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  Op *op;

  g_return_if_fail (QD_IS_MAILBOX (self));
  op = op_new (OP_LIST);
  op->folder = folder;
  op->query = query != NULL ? qd_query_ref (query) : NULL;
  op_start (self, op, qd_mailbox_list_async, cancellable, callback, user_data);
}

QdMailboxListing *
qd_mailbox_list_finish (QdMailbox     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return qd_task_finish_pointer (result, self, qd_mailbox_list_async, error);
}

/**
 * qd_mailbox_fetch_items_async:
 *
 * The headers of @count messages of @listing from @offset on, in its
 * order (a message expunged meanwhile is left out).  Fails, fetching
 * nothing, when the folder's UIDVALIDITY is no longer the listing's.
 */
void
qd_mailbox_fetch_items_async (QdMailbox           *self,
                              QdMailboxListing    *listing,
                              guint                offset,
                              guint                count,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  Op *op;

  g_return_if_fail (QD_IS_MAILBOX (self));
  g_return_if_fail (listing != NULL);
  op = op_new (OP_FETCH_ITEMS);
  op->listing = listing_copy (listing);
  op->offset = offset;
  op->count = count;
  op_start (self, op, qd_mailbox_fetch_items_async, cancellable, callback, user_data);
}

/* Returns: (transfer container) (element-type QdMailboxItem) */
GPtrArray *
qd_mailbox_fetch_items_finish (QdMailbox     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return qd_task_finish_pointer (result, self, qd_mailbox_fetch_items_async, error);
}

/* The message's exact bytes (BODY.PEEK[]: it does not become \Seen). */
void
qd_mailbox_fetch_raw_async (QdMailbox           *self,
                            QdMailboxFolder      folder,
                            guint32              uidvalidity,
                            guint32              uid,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  Op *op;

  g_return_if_fail (QD_IS_MAILBOX (self));
  op = op_new (OP_FETCH_RAW);
  op->folder = folder;
  op->uidvalidity = uidvalidity;
  op->uid = uid;
  op_start (self, op, qd_mailbox_fetch_raw_async, cancellable, callback, user_data);
}

GBytes *
qd_mailbox_fetch_raw_finish (QdMailbox     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return qd_task_finish_pointer (result, self, qd_mailbox_fetch_raw_async, error);
}

/**
 * qd_mailbox_find_async:
 * @message_ids: Message-IDs without angle brackets
 *
 * The messages of @folder with one of @message_ids: a message both held at
 * the gateway and in Junk is shown once, with both places named.
 */
void
qd_mailbox_find_async (QdMailbox           *self,
                       QdMailboxFolder      folder,
                       const char * const  *message_ids,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  Op *op;

  g_return_if_fail (QD_IS_MAILBOX (self));
  g_return_if_fail (message_ids != NULL);
  op = op_new (OP_FIND);
  op->folder = folder;
  op->message_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; message_ids[i] != NULL; i++)
    g_hash_table_add (op->message_ids, g_strdup (message_ids[i]));
  op_start (self, op, qd_mailbox_find_async, cancellable, callback, user_data);
}

/* Returns: (transfer container) (element-type QdMailboxItem) */
GPtrArray *
qd_mailbox_find_finish (QdMailbox     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return qd_task_finish_pointer (result, self, qd_mailbox_find_async, error);
}

/* Starts OP_MOVE in a task tagged @tag. */
static void
move_start (QdMailbox           *self,
            QdMailboxFolder      from,
            QdMailboxFolder      to,
            guint32              uidvalidity,
            const guint32       *uids,
            guint                n_uids,
            gpointer             tag,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  Op *op = op_new (OP_MOVE);

  op->folder = from;
  op->to = to;
  op->uidvalidity = uidvalidity;
  op->uids = g_array_sized_new (FALSE, FALSE, sizeof (guint32), n_uids);
  g_array_append_vals (op->uids, uids, n_uids);
  op_start (self, op, tag, cancellable, callback, user_data);
}

/**
 * qd_mailbox_move_async:
 * @uidvalidity: the listing's: when the folder's is another, nothing moves
 *
 * Moves @uids from @from to @to in batches of QD_MAILBOX_MOVE_BATCH; to
 * %QD_MAILBOX_FOLDER_NONE deletes them for good (\Deleted, then UID
 * EXPUNGE of just those: it needs UIDPLUS), and MOVED means deleted.
 * The result says per UID what happened; when a batch fails (the
 * connection dropped), the batches before it are MOVED, the rest FAILED,
 * and result->error says why.  The task itself fails only when nothing
 * could be tried (no such folder, UIDVALIDITY changed, neither MOVE nor
 * UIDPLUS).
 */
void
qd_mailbox_move_async (QdMailbox           *self,
                       QdMailboxFolder      from,
                       QdMailboxFolder      to,
                       guint32              uidvalidity,
                       const guint32       *uids,
                       guint                n_uids,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_return_if_fail (QD_IS_MAILBOX (self));
  g_return_if_fail (from != to);
  g_return_if_fail (uids != NULL || n_uids == 0);
  move_start (self, from, to, uidvalidity, uids, n_uids, qd_mailbox_move_async, cancellable,
              callback, user_data);
}

QdMailboxMoveResult *
qd_mailbox_move_finish (QdMailbox     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return qd_task_finish_pointer (result, self, qd_mailbox_move_async, error);
}

/**
 * qd_mailbox_move_to_inbox_async:
 *
 * qd_mailbox_move_async() from @from to INBOX.
 */
void
qd_mailbox_move_to_inbox_async (QdMailbox           *self,
                                QdMailboxFolder      from,
                                guint32              uidvalidity,
                                const guint32       *uids,
                                guint                n_uids,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (QD_IS_MAILBOX (self));
  g_return_if_fail (uids != NULL || n_uids == 0);
  move_start (self, from, QD_MAILBOX_FOLDER_INBOX, uidvalidity, uids, n_uids,
              qd_mailbox_move_to_inbox_async, cancellable, callback, user_data);
}

QdMailboxMoveResult *
qd_mailbox_move_to_inbox_finish (QdMailbox     *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return qd_task_finish_pointer (result, self, qd_mailbox_move_to_inbox_async, error);
}
