/* qd-keyring.c — passwords and tokens stored, looked up and cleared with libsecret
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "qd-error.h"
#include "qd-keyring.h"
#include "qd-task-private.h"

static const char * const kind_names[] = {
  [QD_SECRET_GATEWAY_PASSWORD] = "gateway-password",
  [QD_SECRET_GATEWAY_TOKEN] = "gateway-token",
  [QD_SECRET_SMTP_PASSWORD] = "smtp-password",
  [QD_SECRET_IMAP_PASSWORD] = "imap-password",
};

const SecretSchema *
qd_keyring_get_schema (void)
{
  static const SecretSchema schema = {
    "io.github.quarantinedesk.QuarantineDesk.Secret", SECRET_SCHEMA_NONE,
    {
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

static char *
make_label (QdSecretKind  kind,
            const char   *server,
            const char   *user)
{
  switch (kind)
    {
    case QD_SECRET_GATEWAY_PASSWORD:
      /* Translators: shown in the keyring manager (Passwords and Keys) */
      return g_strdup_printf (_("Quarantine Desk password for %s at %s"), user, server);
    case QD_SECRET_GATEWAY_TOKEN:
      return g_strdup_printf (_("Quarantine Desk session for %s at %s"), user, server);
    case QD_SECRET_IMAP_PASSWORD:
      return g_strdup_printf (_("Quarantine Desk mailbox password for %s at %s"), user, server);
    case QD_SECRET_SMTP_PASSWORD:
    default:
      return g_strdup_printf (_("Quarantine Desk mail server password for %s at %s"),
                              user, server);
    }
}

/* The keyring's own errors say nothing to a person; say what to do. */
static void
translate_error (GError **error)
{
  if (error == NULL || *error == NULL || (*error)->domain == QD_ERROR ||
      g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_debug ("keyring: %s", (*error)->message);
  g_clear_error (error);
  g_set_error_literal (error, QD_ERROR, QD_ERROR_UNAVAILABLE,
                       _("The keyring that keeps your passwords is not available. "
                         "Unlock it or sign in to your desktop session, then try again."));
}

/* The keyring calls have no source object: their tasks are made, and
 * their _finish functions check them, with none. */

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      translate_error (&error);
      g_task_return_error (task, error);
    }
  else
    g_task_return_boolean (task, TRUE);
}

void
qd_keyring_store_async (QdSecretKind         kind,
                        const char          *server,
                        const char          *user,
                        const char          *secret,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task = qd_task_new (NULL, qd_keyring_store_async, cancellable, callback, user_data);
  g_autofree char *label = make_label (kind, server, user);

  secret_password_store (qd_keyring_get_schema (), SECRET_COLLECTION_DEFAULT, label, secret,
                         cancellable, store_cb, task,
                         "kind", kind_names[kind], "server", server, "user", user, NULL);
}

gboolean
qd_keyring_store_finish (GAsyncResult  *result,
                         GError       **error)
{
  return qd_task_finish_boolean (result, NULL, qd_keyring_store_async, error);
}

typedef struct
{
  QdSecretKind  kind;
  char         *server;
  char         *user;
} Lookup;

static void
lookup_free (Lookup *lookup)
{
  g_free (lookup->server);
  g_free (lookup->user);
  g_free (lookup);
}

static void
lookup_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Lookup *lookup = task_data;
  GError *error = NULL;
  char *secret = qd_keyring_lookup_sync (lookup->kind, lookup->server, lookup->user, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, secret, (GDestroyNotify)secret_password_free);
}

/* In a worker thread, with libsecret's blocking call: its D-Bus round
 * trips then need no main loop, so a window busy drawing its first frame
 * does not hold up a sign-in (measured: 180–240 ms asynchronously at
 * start-up, against about 20 ms for the lookup itself). */
void
qd_keyring_lookup_async (QdSecretKind         kind,
                         const char          *server,
                         const char          *user,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = qd_task_new (NULL, qd_keyring_lookup_async, cancellable, callback,
                                       user_data);
  Lookup *lookup = g_new0 (Lookup, 1);

  lookup->kind = kind;
  lookup->server = g_strdup (server);
  lookup->user = g_strdup (user);
  g_task_set_task_data (task, lookup, (GDestroyNotify)lookup_free);
  g_task_run_in_thread (task, lookup_thread);
}

/**
 * qd_keyring_lookup_finish:
 *
 * Returns: (nullable): the secret, to be freed with qd_secret_free(); %NULL
 *   without an error when there is none
 */
char *
qd_keyring_lookup_finish (GAsyncResult  *result,
                          GError       **error)
{
  return qd_task_finish_pointer (result, NULL, qd_keyring_lookup_async, error);
}

static void
clear_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  secret_password_clear_finish (result, &error);
  if (error != NULL)
    {
      translate_error (&error);
      g_task_return_error (task, error);
    }
  else
    g_task_return_boolean (task, TRUE);
}

void
qd_keyring_clear_async (QdSecretKind         kind,
                        const char          *server,
                        const char          *user,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task = qd_task_new (NULL, qd_keyring_clear_async, cancellable, callback, user_data);

  secret_password_clear (qd_keyring_get_schema (), cancellable, clear_cb, task,
                         "kind", kind_names[kind], "server", server, "user", user, NULL);
}

gboolean
qd_keyring_clear_finish (GAsyncResult  *result,
                         GError       **error)
{
  return qd_task_finish_boolean (result, NULL, qd_keyring_clear_async, error);
}

gboolean
qd_keyring_store_sync (QdSecretKind   kind,
                       const char    *server,
                       const char    *user,
                       const char    *secret,
                       GError       **error)
{
  g_autofree char *label = make_label (kind, server, user);
  gboolean ok;

  ok = secret_password_store_sync (qd_keyring_get_schema (), SECRET_COLLECTION_DEFAULT, label,
                                   secret, NULL, error,
                                   "kind", kind_names[kind], "server", server, "user", user,
                                   NULL);
  translate_error (error);
  return ok;
}

char *
qd_keyring_lookup_sync (QdSecretKind   kind,
                        const char    *server,
                        const char    *user,
                        GError       **error)
{
  char *secret = secret_password_lookup_sync (qd_keyring_get_schema (), NULL, error,
                                              "kind", kind_names[kind], "server", server,
                                              "user", user, NULL);

  translate_error (error);
  return secret;
}

gboolean
qd_keyring_clear_sync (QdSecretKind   kind,
                       const char    *server,
                       const char    *user,
                       GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  secret_password_clear_sync (qd_keyring_get_schema (), NULL, &local_error,
                              "kind", kind_names[kind], "server", server, "user", user, NULL);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      translate_error (error);
      return FALSE;
    }
  return TRUE;
}

/* Secrets live in non-pageable memory and are wiped when freed. */
void
qd_secret_free (char *secret)
{
  secret_password_free (secret);
}
