/* test-mailbox.c — QdMailbox without a server: what it refuses, and what it says when none answers
 *
 * The IMAP conversation itself is tested against a real Dovecot in
 * tests/integration/test_qdesk_mailbox.py.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "qd-async-wait.h"
#include "qd-error.h"
#include "qd-mailbox.h"

static void
test_plain_only_to_loopback (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(QdMailbox) remote = qd_mailbox_new ("imap.example.com", 143, QD_SMTP_SECURITY_NONE,
                                                &error);
  g_autoptr(QdMailbox) local = NULL;
  g_autoptr(QdMailbox) tls = NULL;

  g_assert_null (remote);
  g_assert_error (error, QD_ERROR, QD_ERROR_INSECURE_URL);
  g_assert_nonnull (strstr (error->message, "imap.example.com"));
  g_clear_error (&error);

  local = qd_mailbox_new ("127.0.0.1", 0, QD_SMTP_SECURITY_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (qd_mailbox_get_port (local), ==, 143);
  tls = qd_mailbox_new ("imap.example.com", 0, QD_SMTP_SECURITY_TLS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (qd_mailbox_get_port (tls), ==, 993);
  g_assert_cmpstr (qd_mailbox_get_host (tls), ==, "imap.example.com");
}

/* A port nobody listens on: bound, then closed. */
static guint16
closed_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
test_server_down (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(QdMailbox) mailbox = qd_mailbox_new ("127.0.0.1", closed_port (),
                                                 QD_SMTP_SECURITY_NONE, &error);

  g_assert_no_error (error);
  qd_mailbox_connect_async (mailbox, "alice", "secret", NULL, qd_async_wait_result_cb, &result);
  g_assert_false (qd_mailbox_connect_finish (mailbox, qd_async_wait (&result), &error));
  g_assert_error (error, QD_ERROR, QD_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "could not be reached"));
}

static void
test_not_signed_in (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) folders_result = NULL;
  g_autoptr(QdMailbox) mailbox = qd_mailbox_new ("127.0.0.1", closed_port (),
                                                 QD_SMTP_SECURITY_NONE, &error);
  g_autoptr(QdMailboxListing) listing = NULL;
  g_autoptr(QdMailboxFolders) folders = NULL;
  g_autoptr(GAsyncResult) move_result = NULL;
  g_autoptr(QdMailboxMoveResult) moved = NULL;
  guint32 uids[] = { 7 };

  qd_mailbox_list_async (mailbox, QD_MAILBOX_FOLDER_JUNK, NULL, NULL, qd_async_wait_result_cb,
                         &result);
  listing = qd_mailbox_list_finish (mailbox, qd_async_wait (&result), &error);
  g_assert_null (listing);
  g_assert_error (error, QD_ERROR, QD_ERROR_NOT_SIGNED_IN);
  g_clear_error (&error);

  qd_mailbox_find_folders_async (mailbox, NULL, qd_async_wait_result_cb, &folders_result);
  folders = qd_mailbox_find_folders_finish (mailbox, qd_async_wait (&folders_result), &error);
  g_assert_null (folders);
  g_assert_error (error, QD_ERROR, QD_ERROR_NOT_SIGNED_IN);
  g_clear_error (&error);

  qd_mailbox_move_async (mailbox, QD_MAILBOX_FOLDER_INBOX, QD_MAILBOX_FOLDER_JUNK, 1, uids,
                         G_N_ELEMENTS (uids), NULL, qd_async_wait_result_cb, &move_result);
  moved = qd_mailbox_move_finish (mailbox, qd_async_wait (&move_result), &error);
  g_assert_null (moved);
  g_assert_error (error, QD_ERROR, QD_ERROR_NOT_SIGNED_IN);
}

static void
test_cancelled_before_any_command (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(QdMailbox) mailbox = qd_mailbox_new ("127.0.0.1", closed_port (),
                                                 QD_SMTP_SECURITY_NONE, &error);
  guint32 uids[] = { 1, 2, 3 };
  g_autoptr(QdMailboxMoveResult) moved = NULL;

  g_cancellable_cancel (cancellable);
  qd_mailbox_move_to_inbox_async (mailbox, QD_MAILBOX_FOLDER_JUNK, 1, uids, G_N_ELEMENTS (uids),
                                  cancellable, qd_async_wait_result_cb, &result);
  moved = qd_mailbox_move_to_inbox_finish (mailbox, qd_async_wait (&result), &error);
  g_assert_null (moved);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mailbox/plain-only-to-loopback", test_plain_only_to_loopback);
  g_test_add_func ("/mailbox/server-down", test_server_down);
  g_test_add_func ("/mailbox/not-signed-in", test_not_signed_in);
  g_test_add_func ("/mailbox/cancelled", test_cancelled_before_any_command);
  return g_test_run ();
}
