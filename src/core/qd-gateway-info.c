/* qd-gateway-info.c — GET /info's answer read from JSON, with defaults for what it leaves out
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-error.h"
#include "qd-gateway-info.h"
#include "qd-json.h"

G_DEFINE_BOXED_TYPE (QdGatewayInfo, qd_gateway_info, qd_gateway_info_ref, qd_gateway_info_unref)

QdGatewayInfo *
qd_gateway_info_new_defaults (void)
{
  QdGatewayInfo *self = g_new0 (QdGatewayInfo, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->api_version = 1;
  self->max_message_bytes = QD_DEFAULT_MAX_MESSAGE_BYTES;
  self->max_sample_age_days = QD_DEFAULT_MAX_SAMPLE_AGE_DAYS;
  self->max_batch_ids = QD_DEFAULT_MAX_BATCH_IDS;
  self->max_page_size = 100;
  self->max_classify_bytes = 10 * 1024 * 1024;
  self->smtp_security = g_strdup ("starttls");
  self->has_junk = TRUE;
  return self;
}

/**
 * qd_gateway_info_new_from_json:
 *
 * Values the gateway leaves out keep their defaults; values that make no
 * sense (a zero size limit, say) are refused, since every rule of the
 * submission depends on them.
 */
QdGatewayInfo *
qd_gateway_info_new_from_json (JsonObject  *object,
                               GError     **error)
{
  g_autoptr(QdGatewayInfo) self = qd_gateway_info_new_defaults ();
  JsonObject *submission = qd_json_get_object (object, "submission");
  JsonObject *limits = qd_json_get_object (object, "limits");
  JsonObject *smtp = qd_json_get_object (submission, "smtp");
  JsonArray *folders = qd_json_get_array (object, "folders");
  gint64 api_version = qd_json_get_int (object, "api_version", 0);
  gint64 max_sample_age_days, max_batch_ids, max_page_size;

  /* Read whole before narrowing: 4294967297 is not version 1. */
  self->api_version = CLAMP (api_version, G_MININT, G_MAXINT);
  if (api_version != 1)
    {
      g_set_error (error, QD_ERROR, QD_ERROR_BAD_RESPONSE,
                   _("The gateway speaks API version %d, which this version of Quarantine "
                     "Desk does not know. Update Quarantine Desk or ask your administrator."),
                   self->api_version);
      return NULL;
    }
  self->gateway_name = qd_json_dup_string (object, "gateway_name");
  self->gateway_version = qd_json_dup_string (object, "gateway_version");
  self->session_ttl = qd_json_get_int (object, "session_ttl_seconds", 3600);

  self->submission_address = qd_json_dup_string (submission, "address");
  self->max_message_bytes = qd_json_get_int (submission, "max_message_bytes",
                                             QD_DEFAULT_MAX_MESSAGE_BYTES);
  max_sample_age_days = qd_json_get_int (submission, "max_sample_age_days",
                                         QD_DEFAULT_MAX_SAMPLE_AGE_DAYS);
  if (smtp != NULL && qd_json_get_string (smtp, "host") != NULL)
    {
      self->smtp_host = qd_json_dup_string (smtp, "host");
      self->smtp_port = CLAMP (qd_json_get_int (smtp, "port", 587), 1, 65535);
      g_free (self->smtp_security);
      self->smtp_security = g_strdup (qd_json_get_string (smtp, "security")
                                      ? qd_json_get_string (smtp, "security") : "starttls");
    }

  if (folders != NULL)
    {
      self->has_junk = FALSE;
      for (guint i = 0; i < json_array_get_length (folders); i++)
        {
          JsonNode *node = json_array_get_element (folders, i);

          if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
              g_strcmp0 (json_node_get_string (node), "junk") == 0)
            self->has_junk = TRUE;
        }
    }

  max_batch_ids = qd_json_get_int (limits, "max_batch_ids", QD_DEFAULT_MAX_BATCH_IDS);
  max_page_size = qd_json_get_int (limits, "max_page_size", 100);
  self->max_classify_bytes = qd_json_get_int (limits, "max_classify_bytes", 10 * 1024 * 1024);

  /* Found by fuzzing (fuzz-api-json compares what is kept with what was
   * said): the counts were narrowed to guint before they were checked, so
   * -1 became 4294967295 and passed, and a sample age beyond G_MAXINT days
   * turned negative where dates are computed. */
  if (self->max_message_bytes < 1024 || max_sample_age_days < 1 ||
      max_sample_age_days > G_MAXINT || max_batch_ids < 1 || max_batch_ids > G_MAXINT ||
      max_page_size < 1 || max_page_size > G_MAXINT)
    {
      g_set_error_literal (error, QD_ERROR, QD_ERROR_BAD_RESPONSE,
                           _("The gateway announced limits that make no sense. "
                             "Contact your administrator."));
      return NULL;
    }
  self->max_sample_age_days = max_sample_age_days;
  self->max_batch_ids = max_batch_ids;
  self->max_page_size = max_page_size;
  return g_steal_pointer (&self);
}

QdGatewayInfo *
qd_gateway_info_ref (QdGatewayInfo *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
qd_gateway_info_unref (QdGatewayInfo *self)
{
  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->gateway_name);
      g_free (self->gateway_version);
      g_free (self->submission_address);
      g_free (self->smtp_host);
      g_free (self->smtp_security);
      g_free (self);
    }
}
