/* qd-gateway-detect.c — which kind of gateway an address is, asked without signing in
 *
 * A person types the address they know.  The cloud service is known by
 * its regional host names; our own API answers GET /api/v1/info; Proxmox
 * Mail Gateway's API daemon answers GET /api2/json/quarantine/sendlink at
 * once with 501 (the one path it exempts from signing in, without a GET
 * handler), where a Proxmox VE server would answer 401.  Nothing secret is
 * sent, so a probe accepts any certificate: the kind's own client checks
 * it (or asks the person to accept it) before the password goes out.
 *
 * But glib-networking resumes a TLS session to the same address without
 * checking the certificate again, so a probe in the process that then
 * signs in would let the client's first request skip the check that must
 * refuse an unknown or changed certificate.  The window and qdesk probe in
 * a process of their own (qd_gateway_detect_kind_isolated_async ()).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>

#include "qd-api-client.h"
#include "qd-async-wait.h"
#include "qd-cloud-client.h"
#include "qd-error.h"
#include "qd-gateway-detect.h"
#include "qd-json.h"
#include "qd-pmg-client.h"
#include "qd-task-private.h"

#define PMG_PORT 8006

/**
 * qd_gateway_kind_from_host:
 *
 * Whether @host alone names the kind: the cloud service's regional API
 * hosts do.
 */
gboolean
qd_gateway_kind_from_host (const char    *host,
                           QdGatewayKind *kind)
{
  static const char * const cloud_hosts[] = {
    "api.eu.quarantine.symantec.com",
    "api.us.quarantine.symantec.com",
  };

  for (guint i = 0; host != NULL && i < G_N_ELEMENTS (cloud_hosts); i++)
    if (g_ascii_strcasecmp (host, cloud_hosts[i]) == 0)
      {
        *kind = QD_GATEWAY_KIND_CLOUD;
        return TRUE;
      }
  return FALSE;
}

typedef struct
{
  SoupSession *session;
  GUri        *uri;         /* as typed */
  guint        step;
  char        *base_url;    /* of the answer found */
} Detect;

static void
detect_free (Detect *detect)
{
  g_clear_object (&detect->session);
  g_clear_pointer (&detect->uri, g_uri_unref);
  g_free (detect->base_url);
  g_free (detect);
}

static gboolean
accept_any_certificate_cb (SoupMessage          *msg,
                           GTlsCertificate      *certificate,
                           GTlsCertificateFlags  errors,
                           gpointer              user_data)
{
  return TRUE;
}

/* The probes, in order: our API where typed, PMG where typed, PMG on its
 * own port when none was typed. */
static char *
probe_base (Detect *detect,
            guint   step)
{
  gboolean typed_port = g_uri_get_port (detect->uri) > 0;
  g_autoptr(GUri) base = NULL;

  switch (step)
    {
    case 0:
    case 1:
      base = g_uri_ref (detect->uri);
      break;
    case 2:
      if (typed_port)
        return NULL;
      base = g_uri_build (G_URI_FLAGS_NONE, g_uri_get_scheme (detect->uri), NULL,
                          g_uri_get_host (detect->uri), PMG_PORT, "", NULL, NULL);
      break;
    default:
      return NULL;
    }
  return g_uri_to_string_partial (base, G_URI_HIDE_USERINFO | G_URI_HIDE_QUERY |
                                        G_URI_HIDE_FRAGMENT);
}

static void probe_next (GTask *task);

static void
probe_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  Detect *detect = g_task_get_task_data (task);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (object), result,
                                                              NULL);
  guint status = msg != NULL ? soup_message_get_status (msg) : 0;
  const char *server = msg != NULL
    ? soup_message_headers_get_one (soup_message_get_response_headers (msg), "Server") : NULL;
  g_autoptr(JsonObject) object_ = NULL;
  QdGatewayKind kind;
  gboolean found = FALSE;

  if (body != NULL && g_bytes_get_size (body) > 0)
    object_ = qd_json_parse_object (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                    NULL);
  if (detect->step == 0)
    {
      found = status == SOUP_STATUS_OK && object_ != NULL &&
              json_object_has_member (object_, "api_version");
      kind = QD_GATEWAY_KIND_QD;
    }
  else
    {
      found = status == SOUP_STATUS_NOT_IMPLEMENTED && object_ != NULL && server != NULL &&
              g_str_has_prefix (server, "pve-api-daemon/");
      kind = QD_GATEWAY_KIND_PMG;
    }
  if (found)
    {
      g_object_set_data_full (G_OBJECT (task), "qd-base-url", g_strdup (detect->base_url),
                              g_free);
      g_task_return_pointer (task, GINT_TO_POINTER (kind + 1), NULL);
      g_object_unref (task);
      return;
    }
  detect->step++;
  probe_next (task);
}

static void
probe_next (GTask *task)
{
  Detect *detect = g_task_get_task_data (task);
  g_autofree char *path = NULL;
  g_autoptr(SoupMessage) msg = NULL;

  for (; detect->step < 3; detect->step++)
    {
      g_free (detect->base_url);
      detect->base_url = probe_base (detect, detect->step);
      if (detect->base_url != NULL)
        break;
    }
  if (detect->base_url == NULL)
    {
      g_autofree char *shown = g_uri_to_string_partial (detect->uri, G_URI_HIDE_USERINFO);

      g_task_return_new_error (task, QD_ERROR, QD_ERROR_NOT_FOUND,
                               _("%s does not answer as a gateway Quarantine Desk knows "
                                 "(its own, Proxmox Mail Gateway or the cloud Email Quarantine "
                                 "API). Check the address, or choose the kind of gateway."),
                               shown);
      g_object_unref (task);
      return;
    }
  /* The base may end in "/": one slash between it and the path. */
  path = g_strconcat (detect->base_url, g_str_has_suffix (detect->base_url, "/") ? "" : "/",
                      detect->step == 0 ? "api/v1/info" : "api2/json/quarantine/sendlink",
                      NULL);
  msg = soup_message_new ("GET", path);
  if (msg == NULL)
    {
      detect->step++;
      probe_next (task);
      return;
    }
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_any_certificate_cb), NULL);
  soup_session_send_and_read_async (detect->session, msg, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), probe_cb, task);
}

/**
 * qd_gateway_detect_kind_async:
 * @url: the address the person typed
 *
 * Finds which kind of gateway @url is, and the base address its client
 * takes (for PMG, with port 8006 when none was typed).
 */
void
qd_gateway_detect_kind_async (const char          *url,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task = qd_task_new (NULL, qd_gateway_detect_kind_async, cancellable, callback,
                             user_data);
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  QdGatewayKind kind;
  Detect *detect;

  if (uri == NULL || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    {
      g_task_return_new_error (task, QD_ERROR, QD_ERROR_INVALID_INPUT,
                               _("“%s” is not a web address. Enter the gateway’s address, such "
                                 "as https://gateway.example.com."),
                               url != NULL ? url : "");
      g_object_unref (task);
      return;
    }
  if (qd_gateway_kind_from_host (g_uri_get_host (uri), &kind))
    {
      g_object_set_data_full (G_OBJECT (task), "qd-base-url", g_strdup (url), g_free);
      g_task_return_pointer (task, GINT_TO_POINTER (kind + 1), NULL);
      g_object_unref (task);
      return;
    }
  detect = g_new0 (Detect, 1);
  detect->uri = g_steal_pointer (&uri);
  detect->session = soup_session_new_with_options ("user-agent",
                                                   "QuarantineDesk/" PACKAGE_VERSION,
                                                   "timeout", 15, NULL);
  g_task_set_task_data (task, detect, (GDestroyNotify)detect_free);
  probe_next (task);
}

/**
 * qd_gateway_detect_kind_finish:
 * @kind: (out): the kind found
 * @base_url: (out) (optional): the address its client takes
 */
gboolean
qd_gateway_detect_kind_finish (GAsyncResult   *result,
                               QdGatewayKind  *kind,
                               char          **base_url,
                               GError        **error)
{
  gpointer found;

  g_return_val_if_fail (g_async_result_is_tagged (result, qd_gateway_detect_kind_async), FALSE);

  found = g_task_propagate_pointer (G_TASK (result), error);
  if (found == NULL)
    return FALSE;
  *kind = GPOINTER_TO_INT (found) - 1;
  if (base_url != NULL)
    *base_url = g_strdup (g_object_get_data (G_OBJECT (result), "qd-base-url"));
  return TRUE;
}

/* In a process of its own */

#define CHILD_OPTION "--detect-gateway-kind"

/**
 * qd_gateway_detect_kind_run_child:
 * @exit_status: (out): what main () returns
 *
 * The child's side of qd_gateway_detect_kind_isolated_async (): a program
 * that probes this way calls it first thing in main (), with main ()'s
 * arguments, after its translations are bound (the sentences are the
 * child's).  When they are `--detect-gateway-kind URL` it probes and
 * writes the kind and the base address on two lines, or "error" and the
 * error's domain, code and message on four.
 *
 * Returns: whether this process was such a child (then it is done)
 */
gboolean
qd_gateway_detect_kind_run_child (int    argc,
                                  char **argv,
                                  int   *exit_status)
{
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *out = NULL;
  QdGatewayKind kind;

  if (argc != 3 || g_strcmp0 (argv[1], CHILD_OPTION) != 0)
    return FALSE;
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  qd_gateway_detect_kind_async (argv[2], NULL, qd_async_wait_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  if (qd_gateway_detect_kind_finish (result, &kind, &base_url, &error))
    out = g_strdup_printf ("%s\n%s\n", qd_gateway_kind_to_string (kind),
                           base_url != NULL ? base_url : argv[2]);
  else
    out = g_strdup_printf ("error\n%s\n%d\n%s\n", g_quark_to_string (error->domain),
                           error->code, error->message);
  /* As UTF-8, whatever the locale's charset (g_print () would convert). */
  fwrite (out, 1, strlen (out), stdout);
  fflush (stdout);
  g_main_context_pop_thread_default (context);
  *exit_status = 0;
  return TRUE;
}

static void
child_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GSubprocess *child = G_SUBPROCESS (object);
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  GError *error = NULL;
  QdGatewayKind kind;

  if (!g_subprocess_communicate_utf8_finish (child, result, &out, NULL, &error))
    {
      g_subprocess_force_exit (child);
      g_task_return_error (task, error);
      return;
    }
  lines = g_strsplit (out != NULL ? out : "", "\n", 4);
  if (g_strv_length (lines) == 4 && g_str_equal (lines[0], "error"))
    {
      g_strchomp (lines[3]);
      g_task_return_new_error (task, g_quark_from_string (lines[1]),
                               (int)g_ascii_strtoll (lines[2], NULL, 10), "%s", lines[3]);
      return;
    }
  if (g_strv_length (lines) < 2 || !qd_gateway_kind_from_string (lines[0], &kind))
    {
      /* The child died before it could say: as a probe that found nothing. */
      g_task_return_new_error (task, QD_ERROR, QD_ERROR_BAD_RESPONSE,
                               _("Could not find out what kind of gateway this address is. "
                                 "Choose its kind, or check the address."));
      return;
    }
  g_object_set_data_full (G_OBJECT (task), "qd-base-url", g_strdup (lines[1]), g_free);
  g_task_return_pointer (task, GINT_TO_POINTER (kind + 1), NULL);
}

/**
 * qd_gateway_detect_kind_isolated_async:
 * @url: the address the person typed
 *
 * As qd_gateway_detect_kind_async (), in a child process: this program
 * again (`/proc/self/exe`), whose main () calls
 * qd_gateway_detect_kind_run_child ().  Finish with
 * qd_gateway_detect_kind_finish ().
 */
void
qd_gateway_detect_kind_isolated_async (const char          *url,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  /* Tagged as the in-process probe: one _finish () serves both. */
  GTask *task = qd_task_new (NULL, qd_gateway_detect_kind_async, cancellable, callback,
                             user_data);
  g_autoptr(GSubprocess) child = NULL;
  GError *error = NULL;

  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                            &error, "/proc/self/exe", CHILD_OPTION, url != NULL ? url : "",
                            NULL);
  if (child == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  g_subprocess_communicate_utf8_async (child, NULL, cancellable, child_done_cb, task);
}

/**
 * qd_gateway_new_for_kind:
 * @kind: the kind, as detected or as the person chose it
 * @base_url: the gateway's address
 * @ca_file: (nullable): a PEM file of another authority to trust, or %NULL
 * @error: the sentence for a malformed address or an unreadable @ca_file
 *
 * A client of @kind for @base_url, not signed in yet.  What only one kind
 * has (PMG's pinned certificate, a sign-in link) is set on the client
 * itself afterwards.
 *
 * Returns: (transfer full) (nullable): the gateway
 */
QdGateway *
qd_gateway_new_for_kind (QdGatewayKind   kind,
                         const char     *base_url,
                         const char     *ca_file,
                         GError        **error)
{
  g_autoptr(GObject) client = NULL;
  gboolean ok = TRUE;

  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  switch (kind)
    {
    case QD_GATEWAY_KIND_QD:
      client = G_OBJECT (qd_api_client_new (base_url, error));
      if (client != NULL && ca_file != NULL && *ca_file != '\0')
        ok = qd_api_client_set_ca_file (QD_API_CLIENT (client), ca_file, error);
      break;
    case QD_GATEWAY_KIND_PMG:
      client = G_OBJECT (qd_pmg_client_new (base_url, error));
      if (client != NULL && ca_file != NULL && *ca_file != '\0')
        ok = qd_pmg_client_set_ca_file (QD_PMG_CLIENT (client), ca_file, error);
      break;
    case QD_GATEWAY_KIND_CLOUD:
      client = G_OBJECT (qd_cloud_client_new (base_url, error));
      if (client != NULL && ca_file != NULL && *ca_file != '\0')
        ok = qd_cloud_client_set_ca_file (QD_CLOUD_CLIENT (client), ca_file, error);
      break;
    default:
      g_return_val_if_reached (NULL);
    }
  if (client == NULL || !ok)
    return NULL;
  return QD_GATEWAY (g_steal_pointer (&client));
}
