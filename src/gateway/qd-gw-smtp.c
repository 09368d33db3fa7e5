/* qd-gw-smtp.c — the SMTP server that takes missed-spam submissions into the gateway
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "qd-gw-smtp.h"
#include "qd-gw-smtp-parser.h"

#define DEFAULT_TIMEOUT    300
#define MAX_CONNECTIONS    64
#define MAX_RECIPIENTS     100
#define MAX_ERRORS         20      /* protocol errors before a client is dropped */
#define MAX_COMMAND_LINE   512     /* octets, CRLF included (RFC 5321 §4.5.3.1.4) */
#define READ_SIZE          16384
#define OUTPUT_HIGH_WATER  16384   /* answer a long pipeline in batches */

typedef enum
{
  STATE_COMMAND,
  STATE_DISCARD_LINE,   /* after an over-long command line, up to its LF */
  STATE_DATA,
} ConnectionState;

/* One client. A reference is held by the server's table while open and by
 * each pending read or write, so a closed connection is freed once GIO is
 * done with its buffers. At most one operation is pending at a time. */
typedef struct
{
  gint               ref_count;
  QdGwSmtpServer    *server;          /* NULL once closed */
  GSocketConnection *stream;
  GCancellable      *cancellable;
  char              *peer;
  ConnectionState    state;
  GByteArray        *input;           /* unhandled bytes start at input_pos */
  gsize              input_pos;
  GString           *output;          /* replies not yet written */
  gboolean           quitting;        /* close once the output is written */
  guint              n_errors;
  guint8             buffer[READ_SIZE];

  char              *helo;            /* NULL before HELO/EHLO */
  char              *mail_from;       /* NULL outside a transaction */
  GPtrArray         *recipients;      /* NULL-terminated */
  gboolean           body_8bitmime;
  GByteArray        *message;         /* NULL once over the limit */
  gsize              message_size;    /* counts dropped bytes too */
  gboolean           at_line_start;
} Connection;

struct _QdGwSmtpServer
{
  GObject              parent_instance;
  char                *hostname;
  char                *submission_address;
  gsize                max_message_bytes;
  guint                timeout;
  GSocketService      *service;
  GHashTable          *connections;   /* set of open Connection */
  QdGwSmtpDeliverFunc  deliver_func;
  gpointer             deliver_data;
  GDestroyNotify       deliver_notify;
};

G_DEFINE_FINAL_TYPE (QdGwSmtpServer, qd_gw_smtp_server, G_TYPE_OBJECT)

static void connection_pump (Connection *conn);
static void connection_reply (Connection *conn,
                              const char *format,
                              ...) G_GNUC_PRINTF (2, 3);

static char *
describe_peer (GSocketConnection *stream)
{
  g_autoptr(GSocketAddress) address = g_socket_connection_get_remote_address (stream, NULL);
  GInetSocketAddress *inet;
  g_autofree char *ip = NULL;
  guint16 port;

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return g_strdup ("unknown");
  inet = G_INET_SOCKET_ADDRESS (address);
  ip = g_inet_address_to_string (g_inet_socket_address_get_address (inet));
  port = g_inet_socket_address_get_port (inet);
  if (strchr (ip, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", ip, port);
  return g_strdup_printf ("%s:%u", ip, port);
}

static Connection *
connection_new (QdGwSmtpServer    *server,
                GSocketConnection *stream)
{
  Connection *conn = g_new0 (Connection, 1);

  conn->ref_count = 1;
  conn->server = server;
  conn->stream = g_object_ref (stream);
  conn->cancellable = g_cancellable_new ();
  conn->peer = describe_peer (stream);
  conn->state = STATE_COMMAND;
  conn->input = g_byte_array_new ();
  conn->output = g_string_new (NULL);
  conn->recipients = g_ptr_array_new_null_terminated (1, g_free, TRUE);
  /* The socket fails a pending read or write with G_IO_ERROR_TIMED_OUT. */
  g_socket_set_timeout (g_socket_connection_get_socket (stream), server->timeout);
  return conn;
}

static Connection *
connection_ref (Connection *conn)
{
  conn->ref_count++;
  return conn;
}

static void
connection_unref (Connection *conn)
{
  g_assert (conn->ref_count > 0);
  if (--conn->ref_count > 0)
    return;

  g_assert (conn->server == NULL);
  /* Nothing is pending any more, so closing cannot fail with G_IO_ERROR_PENDING. */
  g_io_stream_close (G_IO_STREAM (conn->stream), NULL, NULL);
  g_object_unref (conn->stream);
  g_object_unref (conn->cancellable);
  g_free (conn->peer);
  g_byte_array_unref (conn->input);
  g_string_free (conn->output, TRUE);
  g_free (conn->helo);
  g_free (conn->mail_from);
  g_ptr_array_unref (conn->recipients);
  g_clear_pointer (&conn->message, g_byte_array_unref);
  g_free (conn);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Connection, connection_unref)

static void
connection_close (Connection *conn)
{
  QdGwSmtpServer *server = conn->server;

  if (server == NULL)
    return;
  g_debug ("SMTP %s: closing", conn->peer);
  conn->server = NULL;
  g_cancellable_cancel (conn->cancellable);
  /* The peer sees the end now; the descriptor itself is closed once the
   * cancelled operation has returned, so it cannot be reused under GIO. */
  g_socket_shutdown (g_socket_connection_get_socket (conn->stream), TRUE, TRUE, NULL);
  g_hash_table_remove (server->connections, conn);
  connection_unref (conn);
}

static void
connection_reply (Connection *conn,
                  const char *format,
                  ...)
{
  va_list args;

  va_start (args, format);
  g_string_append_vprintf (conn->output, format, args);
  va_end (args);
  g_string_append (conn->output, "\r\n");
}

/* A client that keeps making protocol errors is not speaking SMTP. */
static void
connection_reply_error (Connection *conn,
                        const char *line)
{
  connection_reply (conn, "%s", line);
  if (++conn->n_errors >= MAX_ERRORS && !conn->quitting)
    {
      connection_reply (conn, "421 4.7.0 %s Error: too many errors", conn->server->hostname);
      conn->quitting = TRUE;
    }
}

static void
connection_reset_transaction (Connection *conn)
{
  g_clear_pointer (&conn->mail_from, g_free);
  g_ptr_array_set_size (conn->recipients, 0);
  conn->body_8bitmime = FALSE;
  g_clear_pointer (&conn->message, g_byte_array_unref);
  conn->message_size = 0;
}

/* Text from the deliver function goes on the wire: one line, printable. */
static gboolean
is_reply_text (const char *text)
{
  gsize len = strlen (text);

  if (len == 0 || len > 400)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if ((guchar)text[i] < 0x20 || text[i] == 0x7f)
      return FALSE;
  return TRUE;
}

static gboolean
is_refusal (const char *line)
{
  return is_reply_text (line)
         && (line[0] == '4' || line[0] == '5')
         && g_ascii_isdigit (line[1]) && g_ascii_isdigit (line[2])
         && (line[3] == ' ' || line[3] == '\0');
}

static void
connection_deliver (Connection *conn)
{
  g_autoptr(QdGwSmtpServer) server = g_object_ref (conn->server);
  g_autoptr(GBytes) data = g_byte_array_free_to_bytes (g_steal_pointer (&conn->message));
  g_autofree char *reply = NULL;
  QdGwSmtpEnvelope envelope = {
    .helo = conn->helo,
    .peer = conn->peer,
    .mail_from = conn->mail_from,
    .recipients = (const char * const *)conn->recipients->pdata,
    .data = data,
    .body_8bitmime = conn->body_8bitmime,
  };
  gboolean accepted;

  if (server->deliver_func == NULL)
    {
      connection_reply (conn, "451 4.3.0 Error: no delivery configured, try again later");
      return;
    }

  /* The callback may stop the server: the references above keep both alive. */
  accepted = server->deliver_func (&envelope, &reply, server->deliver_data);
  g_debug ("SMTP %s: message of %" G_GSIZE_FORMAT " bytes %s", conn->peer,
           g_bytes_get_size (data), accepted ? "accepted" : "refused");
  if (accepted && reply != NULL && is_reply_text (reply))
    connection_reply (conn, "250 2.0.0 Ok: %s", reply);
  else if (accepted)
    connection_reply (conn, "250 2.0.0 Ok");
  else if (reply != NULL && is_refusal (reply))
    connection_reply (conn, "%s", reply);
  else
    connection_reply (conn, "451 4.3.0 Error: local error, try again later");
}

static void
connection_append_message (Connection *conn,
                           const char *bytes,
                           gsize       n)
{
  conn->message_size = n > G_MAXSIZE - conn->message_size ? G_MAXSIZE : conn->message_size + n;
  /* Messages must be strictly smaller than the limit: past it, keep counting
   * (for the log) but hold nothing. */
  if (conn->message_size >= conn->server->max_message_bytes)
    g_clear_pointer (&conn->message, g_byte_array_unref);
  if (conn->message != NULL)
    g_byte_array_append (conn->message, (const guint8 *)bytes, n);
}

static void
connection_finish_data (Connection *conn)
{
  conn->state = STATE_COMMAND;
  if (conn->message == NULL)
    {
      g_debug ("SMTP %s: message of %" G_GSIZE_FORMAT " bytes or more refused as too big",
               conn->peer, conn->message_size);
      connection_reply (conn, "552 5.3.4 Message too big");
    }
  else
    connection_deliver (conn);
  connection_reset_transaction (conn);
}

/* Streams the message a piece at a time, so a long line costs no more memory
 * than its bytes under the size limit. */
static gboolean
connection_handle_data (Connection *conn,
                        const char *start,
                        gsize       avail)
{
  const char *lf;
  gsize n;

  if (conn->at_line_start && start[0] == '.')
    {
      /* A lone dot ends the message; any other leading dot was added by the client. */
      if (avail < 2 || (avail < 3 && start[1] == '\r'))
        return FALSE;
      if (start[1] == '\n' || (start[1] == '\r' && start[2] == '\n'))
        {
          conn->input_pos += start[1] == '\n' ? 2 : 3;
          connection_finish_data (conn);
          return TRUE;
        }
      conn->input_pos++;
      conn->at_line_start = FALSE;
      return TRUE;
    }

  lf = memchr (start, '\n', avail);
  n = lf != NULL ? (gsize)(lf + 1 - start) : avail;
  connection_append_message (conn, start, n);
  conn->input_pos += n;
  conn->at_line_start = lf != NULL;
  return TRUE;
}

static void
handle_hello (Connection            *conn,
              const QdGwSmtpCommand *command,
              QdGwSmtpParseStatus    status)
{
  QdGwSmtpServer *server = conn->server;

  if (status != QD_GW_SMTP_PARSE_OK)
    {
      connection_reply_error (conn, command->verb == QD_GW_SMTP_VERB_EHLO
                                    ? "501 5.5.4 Syntax: EHLO hostname"
                                    : "501 5.5.4 Syntax: HELO hostname");
      return;
    }
  g_free (conn->helo);
  conn->helo = g_strndup (command->arg, command->arg_len);
  connection_reset_transaction (conn);
  if (command->verb == QD_GW_SMTP_VERB_HELO)
    {
      connection_reply (conn, "250 %s", server->hostname);
      return;
    }
  connection_reply (conn, "250-%s", server->hostname);
  connection_reply (conn, "250-SIZE %" G_GSIZE_FORMAT, server->max_message_bytes - 1);
  connection_reply (conn, "250-8BITMIME");
  connection_reply (conn, "250-PIPELINING");
  connection_reply (conn, "250 ENHANCEDSTATUSCODES");
}

static void
handle_mail (Connection            *conn,
             const QdGwSmtpCommand *command,
             QdGwSmtpParseStatus    status)
{
  if (conn->helo == NULL)
    connection_reply_error (conn, "503 5.5.1 Error: send HELO/EHLO first");
  else if (conn->mail_from != NULL)
    connection_reply_error (conn, "503 5.5.1 Error: nested MAIL command");
  else if (status == QD_GW_SMTP_PARSE_BAD_PATH)
    connection_reply_error (conn, "501 5.1.7 Bad sender address syntax");
  else if (status == QD_GW_SMTP_PARSE_UNKNOWN_PARAM)
    connection_reply_error (conn, "555 5.5.4 Unsupported MAIL parameter");
  else if (status != QD_GW_SMTP_PARSE_OK)
    connection_reply_error (conn, "501 5.5.4 Syntax: MAIL FROM:<address>");
  else if (command->has_size && command->size >= conn->server->max_message_bytes)
    connection_reply (conn, "552 5.3.4 Message size exceeds fixed maximum message size");
  else
    {
      conn->mail_from = g_strndup (command->path, command->path_len);
      conn->body_8bitmime = command->body == QD_GW_SMTP_BODY_8BITMIME;
      connection_reply (conn, "250 2.1.0 Ok");
    }
}

static void
handle_rcpt (Connection            *conn,
             const QdGwSmtpCommand *command,
             QdGwSmtpParseStatus    status)
{
  if (conn->mail_from == NULL)
    connection_reply_error (conn, "503 5.5.1 Error: need MAIL command");
  else if (status == QD_GW_SMTP_PARSE_BAD_PATH)
    connection_reply_error (conn, "501 5.1.3 Bad recipient address syntax");
  else if (status == QD_GW_SMTP_PARSE_UNKNOWN_PARAM)
    connection_reply_error (conn, "555 5.5.4 Unsupported RCPT parameter");
  else if (status != QD_GW_SMTP_PARSE_OK)
    connection_reply_error (conn, "501 5.5.4 Syntax: RCPT TO:<address>");
  else if (conn->recipients->len >= MAX_RECIPIENTS)
    connection_reply (conn, "452 4.5.3 Error: too many recipients");
  else if (g_ascii_strcasecmp (command->path, conn->server->submission_address) != 0)
    connection_reply (conn, "550 5.1.1 <%s>: Recipient address rejected: "
                      "this server only accepts submissions", command->path);
  else
    {
      g_ptr_array_add (conn->recipients, g_strndup (command->path, command->path_len));
      connection_reply (conn, "250 2.1.5 Ok");
    }
}

static void
handle_data (Connection          *conn,
             QdGwSmtpParseStatus  status)
{
  if (status != QD_GW_SMTP_PARSE_OK)
    connection_reply_error (conn, "501 5.5.4 Syntax: DATA");
  else if (conn->mail_from == NULL)
    connection_reply_error (conn, "503 5.5.1 Error: need MAIL command");
  else if (conn->recipients->len == 0)
    connection_reply_error (conn, "554 5.5.1 Error: no valid recipients");
  else
    {
      conn->state = STATE_DATA;
      conn->at_line_start = TRUE;
      conn->message = g_byte_array_new ();
      conn->message_size = 0;
      connection_reply (conn, "354 End data with <CR><LF>.<CR><LF>");
    }
}

static void
connection_handle_command (Connection *conn,
                           const char *line,
                           gsize       len)
{
  QdGwSmtpCommand command;
  QdGwSmtpParseStatus status = qd_gw_smtp_parse_command (line, len, &command);

  switch (command.verb)
    {
    case QD_GW_SMTP_VERB_HELO:
    case QD_GW_SMTP_VERB_EHLO:
      handle_hello (conn, &command, status);
      break;

    case QD_GW_SMTP_VERB_MAIL:
      handle_mail (conn, &command, status);
      break;

    case QD_GW_SMTP_VERB_RCPT:
      handle_rcpt (conn, &command, status);
      break;

    case QD_GW_SMTP_VERB_DATA:
      handle_data (conn, status);
      break;

    case QD_GW_SMTP_VERB_RSET:
      if (status != QD_GW_SMTP_PARSE_OK)
        connection_reply_error (conn, "501 5.5.4 Syntax: RSET");
      else
        {
          connection_reset_transaction (conn);
          connection_reply (conn, "250 2.0.0 Ok");
        }
      break;

    case QD_GW_SMTP_VERB_NOOP:
      if (status != QD_GW_SMTP_PARSE_OK)
        connection_reply_error (conn, "501 5.5.4 Syntax: NOOP");
      else
        connection_reply (conn, "250 2.0.0 Ok");
      break;

    case QD_GW_SMTP_VERB_QUIT:
      if (status != QD_GW_SMTP_PARSE_OK)
        connection_reply_error (conn, "501 5.5.4 Syntax: QUIT");
      else
        {
          connection_reply (conn, "221 2.0.0 Bye");
          conn->quitting = TRUE;
        }
      break;

    case QD_GW_SMTP_VERB_VRFY:
      if (status != QD_GW_SMTP_PARSE_OK)
        connection_reply_error (conn, "501 5.5.4 Syntax: VRFY address");
      else
        connection_reply (conn, "252 2.5.2 Cannot VRFY user; send the message to try delivery");
      break;

    case QD_GW_SMTP_VERB_HELP:
      connection_reply (conn, "214 2.0.0 Commands: HELO EHLO MAIL RCPT DATA RSET NOOP QUIT "
                        "VRFY HELP");
      break;

    /* A loopback intake: no TLS, no accounts. */
    case QD_GW_SMTP_VERB_STARTTLS:
    case QD_GW_SMTP_VERB_AUTH:
      connection_reply_error (conn, "502 5.5.1 Error: command not implemented");
      break;

    case QD_GW_SMTP_VERB_UNKNOWN:
    default:
      connection_reply_error (conn, "500 5.5.2 Error: command not recognized");
      break;
    }
}

/* Handles one command line or one piece of message data from the input.
 * Returns: FALSE when more input is needed */
static gboolean
connection_handle_input (Connection *conn)
{
  gsize avail = conn->input->len - conn->input_pos;
  const char *start;
  const char *lf;
  gsize len;

  /* An empty GByteArray has no data pointer at all: NULL + 0 is undefined. */
  if (avail == 0)
    return FALSE;
  start = (const char *)conn->input->data + conn->input_pos;

  switch (conn->state)
    {
    case STATE_DATA:
      return connection_handle_data (conn, start, avail);

    case STATE_DISCARD_LINE:
      lf = memchr (start, '\n', avail);
      if (lf != NULL)
        {
          conn->state = STATE_COMMAND;
          avail = lf + 1 - start;
        }
      conn->input_pos += avail;
      return TRUE;

    case STATE_COMMAND:
    default:
      lf = memchr (start, '\n', MIN (avail, MAX_COMMAND_LINE));
      if (lf == NULL && avail < MAX_COMMAND_LINE)
        return FALSE;
      if (lf == NULL)
        {
          conn->state = STATE_DISCARD_LINE;
          connection_reply_error (conn, "500 5.5.2 Error: line too long");
          return TRUE;
        }
      conn->input_pos += lf + 1 - start;
      len = lf - start;
      if (len > 0 && start[len - 1] == '\r')
        len--;
      if (len > MAX_COMMAND_LINE - 2)
        connection_reply_error (conn, "500 5.5.2 Error: line too long");
      else
        connection_handle_command (conn, start, len);
      return TRUE;
    }
}

static void
connection_read_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(Connection) conn = user_data;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  if (conn->server == NULL)
    return;
  if (n > 0)
    {
      g_byte_array_remove_range (conn->input, 0, conn->input_pos);
      conn->input_pos = 0;
      g_byte_array_append (conn->input, conn->buffer, n);
      connection_pump (conn);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      g_debug ("SMTP %s: idle for too long", conn->peer);
      connection_reply (conn, "421 4.4.2 %s Error: timeout exceeded", conn->server->hostname);
      conn->quitting = TRUE;
      connection_pump (conn);
    }
  else
    {
      if (error != NULL)
        g_debug ("SMTP %s: read failed: %s", conn->peer, error->message);
      connection_close (conn);
    }
}

static void
connection_write_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(Connection) conn = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      if (conn->server != NULL)
        g_debug ("SMTP %s: write failed: %s", conn->peer, error->message);
      connection_close (conn);
      return;
    }
  if (conn->server == NULL)
    return;
  g_string_truncate (conn->output, 0);
  connection_pump (conn);
}

/* Handles what is buffered, then writes the replies or reads more. The caller
 * holds a reference. */
static void
connection_pump (Connection *conn)
{
  GIOStream *stream = G_IO_STREAM (conn->stream);

  while (conn->server != NULL && !conn->quitting
         && conn->output->len < OUTPUT_HIGH_WATER
         && connection_handle_input (conn))
    ;

  if (conn->server == NULL)
    return;
  if (conn->output->len > 0)
    g_output_stream_write_all_async (g_io_stream_get_output_stream (stream),
                                     conn->output->str, conn->output->len,
                                     G_PRIORITY_DEFAULT, conn->cancellable,
                                     connection_write_cb, connection_ref (conn));
  else if (conn->quitting)
    connection_close (conn);
  else
    g_input_stream_read_async (g_io_stream_get_input_stream (stream),
                               conn->buffer, sizeof conn->buffer,
                               G_PRIORITY_DEFAULT, conn->cancellable,
                               connection_read_cb, connection_ref (conn));
}

/* Over the limit: one reply without waiting (a fresh socket's send buffer has
 * room for a line), then close. */
static void
refuse_connection (QdGwSmtpServer    *self,
                   GSocketConnection *stream)
{
  GSocket *sock = g_socket_connection_get_socket (stream);
  g_autofree char *line = g_strdup_printf ("421 4.7.0 %s Error: too many connections, "
                                           "try again later\r\n", self->hostname);

  g_debug ("SMTP: refusing a connection, %u open", g_hash_table_size (self->connections));
  g_socket_set_blocking (sock, FALSE);
  g_socket_send (sock, line, strlen (line), NULL, NULL);
  g_io_stream_close (G_IO_STREAM (stream), NULL, NULL);
}

static gboolean
on_incoming (GSocketService    *service G_GNUC_UNUSED,
             GSocketConnection *stream,
             GObject           *source_object G_GNUC_UNUSED,
             gpointer           user_data)
{
  QdGwSmtpServer *self = user_data;
  Connection *conn;

  if (g_hash_table_size (self->connections) >= MAX_CONNECTIONS)
    {
      refuse_connection (self, stream);
      return TRUE;
    }

  conn = connection_new (self, stream);
  g_hash_table_add (self->connections, conn);
  g_debug ("SMTP %s: connected", conn->peer);
  connection_reply (conn, "220 %s qd-gateway ESMTP", self->hostname);
  connection_pump (conn);
  return TRUE;
}

static void
qd_gw_smtp_server_dispose (GObject *object)
{
  QdGwSmtpServer *self = QD_GW_SMTP_SERVER (object);

  if (self->service != NULL)
    {
      qd_gw_smtp_server_stop (self);
      g_signal_handlers_disconnect_by_data (self->service, self);
      g_clear_object (&self->service);
    }
  qd_gw_smtp_server_set_deliver_func (self, NULL, NULL, NULL);

  G_OBJECT_CLASS (qd_gw_smtp_server_parent_class)->dispose (object);
}

static void
qd_gw_smtp_server_finalize (GObject *object)
{
  QdGwSmtpServer *self = QD_GW_SMTP_SERVER (object);

  g_free (self->hostname);
  g_free (self->submission_address);
  g_hash_table_unref (self->connections);

  G_OBJECT_CLASS (qd_gw_smtp_server_parent_class)->finalize (object);
}

static void
qd_gw_smtp_server_class_init (QdGwSmtpServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = qd_gw_smtp_server_dispose;
  object_class->finalize = qd_gw_smtp_server_finalize;
}

static void
qd_gw_smtp_server_init (QdGwSmtpServer *self)
{
  self->timeout = DEFAULT_TIMEOUT;
  self->connections = g_hash_table_new (NULL, NULL);
  self->service = g_socket_service_new ();
  g_socket_listener_set_backlog (G_SOCKET_LISTENER (self->service), MAX_CONNECTIONS);
  g_signal_connect (self->service, "incoming", G_CALLBACK (on_incoming), self);
}

/**
 * qd_gw_smtp_server_new:
 * @hostname: the name the server gives in its replies
 * @submission_address: the only recipient accepted
 * @max_message_bytes: messages must be strictly smaller than this
 *
 * Returns: (transfer full): a server, not yet listening
 */
QdGwSmtpServer *
qd_gw_smtp_server_new (const char *hostname,
                       const char *submission_address,
                       gsize       max_message_bytes)
{
  QdGwSmtpServer *self;

  g_return_val_if_fail (hostname != NULL && *hostname != '\0', NULL);
  g_return_val_if_fail (submission_address != NULL, NULL);
  /* SIZE 0 would mean "no limit"; a GByteArray holds at most G_MAXUINT bytes. */
  g_return_val_if_fail (max_message_bytes > 1 && max_message_bytes <= G_MAXUINT, NULL);

  self = g_object_new (QD_TYPE_GW_SMTP_SERVER, NULL);
  self->hostname = g_strdup (hostname);
  self->submission_address = g_strdup (submission_address);
  self->max_message_bytes = max_message_bytes;
  return self;
}

void
qd_gw_smtp_server_set_deliver_func (QdGwSmtpServer      *self,
                                    QdGwSmtpDeliverFunc  func,
                                    gpointer             user_data,
                                    GDestroyNotify       notify)
{
  GDestroyNotify old_notify;
  gpointer old_data;

  g_return_if_fail (QD_IS_GW_SMTP_SERVER (self));

  old_notify = self->deliver_notify;
  old_data = self->deliver_data;
  self->deliver_func = func;
  self->deliver_data = user_data;
  self->deliver_notify = notify;
  if (old_notify != NULL)
    old_notify (old_data);
}

/**
 * qd_gw_smtp_server_set_timeout:
 * @seconds: how long a client may stay silent (or not read), more than 0
 *
 * Applies to the open connections as of their next read or write.
 */
void
qd_gw_smtp_server_set_timeout (QdGwSmtpServer *self,
                               guint           seconds)
{
  GHashTableIter iter;
  gpointer key;

  g_return_if_fail (QD_IS_GW_SMTP_SERVER (self));
  g_return_if_fail (seconds > 0);

  self->timeout = seconds;
  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      Connection *conn = key;

      g_socket_set_timeout (g_socket_connection_get_socket (conn->stream), seconds);
    }
}

/**
 * qd_gw_smtp_server_listen:
 * @host: an IP address
 * @port: a TCP port, or 0 for any free one
 * @out_port: (out) (optional): the port bound
 *
 * Returns: %TRUE if the server listens
 */
gboolean
qd_gw_smtp_server_listen (QdGwSmtpServer  *self,
                          const char      *host,
                          guint16          port,
                          guint16         *out_port,
                          GError         **error)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GSocketAddress) effective = NULL;

  g_return_val_if_fail (QD_IS_GW_SMTP_SERVER (self), FALSE);
  g_return_val_if_fail (host != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  address = g_inet_address_new_from_string (host);
  if (address == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not an IP address", host);
      return FALSE;
    }
  socket_address = g_inet_socket_address_new (address, port);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), socket_address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                      &effective, error))
    return FALSE;
  if (out_port != NULL)
    *out_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_socket_service_start (self->service);
  return TRUE;
}

/**
 * qd_gw_smtp_server_stop:
 *
 * Closes the listening sockets and every connection, mid-transaction or not.
 */
void
qd_gw_smtp_server_stop (QdGwSmtpServer *self)
{
  g_autoptr(GList) connections = NULL;

  g_return_if_fail (QD_IS_GW_SMTP_SERVER (self));

  if (self->service != NULL)
    {
      g_socket_service_stop (self->service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
    }
  connections = g_hash_table_get_values (self->connections);
  for (GList *l = connections; l != NULL; l = l->next)
    connection_close (l->data);
}
