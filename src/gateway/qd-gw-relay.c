/* qd-gw-relay.c — released mail handed back to the mail system over SMTP
 *
 * In mail-system mode a release re-injects the held original into the
 * MTA's port without filters, with its envelope and one added header that
 * names the release: the mailbox drops a second copy carrying the same id,
 * so a release repeated after a crash arrives once.
 *
 * The send blocks (libcurl's easy interface, through the core's
 * QdSmtpTransfer): the gateway calls it from a worker thread. Nothing here
 * touches the store, so the thread shares nothing with the main loop.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "qd-gw-relay.h"
#include "qd-smtp-transfer.h"

/* Generous: the mail system's port has no filters, but a large message
 * may take a while to be written to its queue. */
#define DEFAULT_TIMEOUT_SECONDS 120

struct _QdGwRelay
{
  GObject  parent_instance;
  char    *server;        /* "host:port", as libcurl's URL wants it */
  char    *instance_id;
  guint    timeout;
};

G_DEFINE_FINAL_TYPE (QdGwRelay, qd_gw_relay, G_TYPE_OBJECT)

static void
qd_gw_relay_finalize (GObject *object)
{
  QdGwRelay *self = (QdGwRelay *)object;

  g_free (self->server);
  g_free (self->instance_id);

  G_OBJECT_CLASS (qd_gw_relay_parent_class)->finalize (object);
}

static void
qd_gw_relay_class_init (QdGwRelayClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = qd_gw_relay_finalize;
}

static void
qd_gw_relay_init (QdGwRelay *self)
{
  self->timeout = DEFAULT_TIMEOUT_SECONDS;
}

/**
 * qd_gw_relay_release_id:
 * @instance_id: the data directory's own random id, kept in the store
 *
 * The same for an item on every attempt, also after a restart; distinct
 * between gateways, whose item ids overlap.
 */
char *
qd_gw_relay_release_id (gint64      item_id,
                        const char *instance_id)
{
  g_return_val_if_fail (instance_id != NULL, NULL);
  return g_strdup_printf ("%" G_GINT64_FORMAT ".%s@qd-gateway", item_id, instance_id);
}

/**
 * qd_gw_relay_compose:
 *
 * The DATA of a release: the release id's header line, then the original
 * byte for byte (dot-stuffing is libcurl's part).
 *
 * Returns: (transfer full): the bytes to send
 */
GBytes *
qd_gw_relay_compose (const char *release_id,
                     GBytes     *original)
{
  g_autofree char *header = g_strdup_printf (QD_GW_RELEASE_ID_HEADER ": %s\r\n", release_id);
  gsize size;
  const guint8 *data = g_bytes_get_data (original, &size);
  GByteArray *bytes = g_byte_array_sized_new (strlen (header) + size);

  g_byte_array_append (bytes, (const guint8 *)header, strlen (header));
  if (size > 0)
    g_byte_array_append (bytes, data, size);
  return g_byte_array_free_to_bytes (bytes);
}

/**
 * qd_gw_relay_new:
 * @host: the mail system's SMTP server (its port without filters)
 */
QdGwRelay *
qd_gw_relay_new (const char *host,
                 guint16     port,
                 const char *instance_id)
{
  QdGwRelay *self;

  g_return_val_if_fail (host != NULL && instance_id != NULL, NULL);

  self = g_object_new (QD_TYPE_GW_RELAY, NULL);
  self->server = strchr (host, ':') != NULL ? g_strdup_printf ("[%s]:%u", host, port)
                                            : g_strdup_printf ("%s:%u", host, port);
  self->instance_id = g_strdup (instance_id);
  return self;
}

const char *
qd_gw_relay_get_server (QdGwRelay *self)
{
  g_return_val_if_fail (QD_IS_GW_RELAY (self), NULL);
  return self->server;
}

void
qd_gw_relay_set_timeout (QdGwRelay *self,
                         guint      seconds)
{
  g_return_if_fail (QD_IS_GW_RELAY (self));
  self->timeout = seconds > 0 ? seconds : DEFAULT_TIMEOUT_SECONDS;
}

/**
 * qd_gw_relay_send:
 * @envelope_sender: (nullable): the original MAIL FROM; "" or %NULL is
 *   the null sender
 * @path: the stored original
 *
 * One SMTP transaction, tried once: a refusal or a lost connection is
 * the caller's to report, the item staying held. Blocking, and safe to
 * call from any thread.
 *
 * Returns: %TRUE once the server accepted the DATA
 */
gboolean
qd_gw_relay_send (QdGwRelay   *self,
                  gint64       item_id,
                  const char  *envelope_sender,
                  const char  *recipient,
                  const char  *path,
                  GError     **error)
{
  g_auto(QdSmtpTransfer) t = { 0 };
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(GBytes) original = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autofree char *release_id = NULL;
  gboolean temporary;

  g_return_val_if_fail (QD_IS_GW_RELAY (self), FALSE);
  g_return_val_if_fail (recipient != NULL && path != NULL, FALSE);

  file = g_mapped_file_new (path, FALSE, error);
  if (file == NULL)
    return FALSE;
  original = g_mapped_file_get_bytes (file);
  release_id = qd_gw_relay_release_id (item_id, self->instance_id);
  data = qd_gw_relay_compose (release_id, original);

  t.server = self->server;
  t.security = QD_SMTP_SECURITY_NONE;
  t.timeout = self->timeout;
  t.data = g_bytes_get_data (data, &t.length);
  t.required = QD_SMTP_EXTENSION_NONE;
  return qd_smtp_transfer_run (&t, envelope_sender != NULL ? envelope_sender : "", recipient,
                               &temporary, error);
}
