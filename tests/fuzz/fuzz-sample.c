/* fuzz-sample.c — a sample's bytes through every submission rule
 *
 * Loads the input as a missed-spam sample, twice (so the duplicate rule
 * sees a copy), evaluates every rule against the default gateway rules at
 * a fixed moment, checks transport for servers with and without 8BITMIME,
 * and packs the sendable ones into submissions as qdesk submit would.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "qd-sample.h"
#include "qd-submission.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static QdGatewayInfo *info;
  static GDateTime *now;
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GPtrArray) samples = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) submissions = NULL;
  g_autoptr(GError) error = NULL;

  if (info == NULL)
    {
      info = qd_gateway_info_new_defaults ();
      now = g_date_time_new_utc (2026, 6, 8, 3, 0, 0);
    }
  g_ptr_array_add (samples, qd_sample_new (bytes, "fuzz.eml"));
  g_ptr_array_add (samples, qd_sample_new (bytes, NULL));
  qd_sample_evaluate_all (samples, info, now);

  for (guint i = 0; i < samples->len; i++)
    {
      QdSample *sample = g_ptr_array_index (samples, i);
      g_autofree char *name = qd_sample_get_attachment_name (sample, i + 1);
      GBytes *wire = qd_sample_get_wire_data (sample);

      g_assert (g_str_has_suffix (name, ".eml") && strchr (name, '/') == NULL);
      g_assert (g_bytes_get_size (wire) == qd_sample_get_wire_size (sample));
      g_assert (qd_sample_get_checks (sample)->len == QD_SAMPLE_RULE_TRANSPORT + 1);
      qd_sample_check_transport (sample, 0);
      qd_sample_check_transport (sample, QD_SMTP_ASSUMED_EXTENSIONS);
    }

  /* Leaves out what is not sendable, as qdesk submit does. */
  submissions = qd_submission_pack (samples, "user@example.com", "spam@gateway.example",
                                    info->max_message_bytes, now, &error);
  g_assert ((submissions == NULL) == (error != NULL));
  return 0;
}
