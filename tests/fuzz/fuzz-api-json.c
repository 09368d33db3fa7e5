/* fuzz-api-json.c — the gateway's JSON answers, as the client reads them
 *
 * The input is an answer body. It is read as a page of GET /messages, as
 * an error answer for every status the client tells apart, and, when it
 * is a JSON object, as GET /info, as one item (written back and read
 * again), as a classify verdict and as an action's per-id results.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fuzz-common.h"
#include "qd-api-error.h"
#include "qd-batch-result.h"
#include "qd-gateway-info.h"
#include "qd-item.h"
#include "qd-item-page.h"
#include "qd-json.h"
#include "qd-verdict.h"

static void
read_as_item (JsonObject *object)
{
  g_autoptr(QdItem) item = qd_item_new_from_json (object, NULL);
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(QdItem) copy = NULL;

  if (item == NULL)
    return;
  /* What qdesk list --json writes is an item again. */
  builder = json_builder_new ();
  qd_item_to_json (item, builder);
  json = qd_json_to_string (builder, FALSE);
  again = qd_json_parse_object (json, -1, NULL);
  g_assert (again != NULL);
  copy = qd_item_new_from_json (again, NULL);
  g_assert (copy != NULL);
  g_assert (g_str_equal (qd_item_get_id (copy), qd_item_get_id (item)));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const guint statuses[] = { 400, 401, 404, 405, 409, 413, 429, 500, 503, 599 };
  g_autoptr(GBytes) body = g_bytes_new (data, size);
  g_autofree char *retry_after = g_strndup ((const char *)data, MIN (size, 32));
  g_autoptr(QdItemPage) page = NULL;
  g_autoptr(JsonObject) object = NULL;

  page = qd_item_page_new_from_json ((const char *)data, size, "gateway.example", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autoptr(GError) error = qd_api_error_new_from_answer (statuses[i], body, retry_after,
                                                              "https://gateway.example");

      g_assert (error != NULL && error->message != NULL);
    }

  object = qd_json_parse_object ((const char *)data, size, NULL);
  if (object != NULL)
    {
      g_autoptr(QdGatewayInfo) info = qd_gateway_info_new_from_json (object, NULL);
      g_autoptr(QdVerdict) verdict = qd_verdict_new_from_json (object, NULL);
      g_autoptr(QdBatchResult) result = qd_batch_result_new ();

      /* What is accepted is what the gateway said, not a narrowed copy. */
      if (info != NULL)
        {
          JsonObject *submission = qd_json_get_object (object, "submission");
          JsonObject *limits = qd_json_get_object (object, "limits");

          g_assert (info->api_version == qd_json_get_int (object, "api_version", 0));
          g_assert (info->max_message_bytes >= 1024);
          g_assert (info->max_sample_age_days ==
                    qd_json_get_int (submission, "max_sample_age_days",
                                     QD_DEFAULT_MAX_SAMPLE_AGE_DAYS));
          g_assert (info->max_batch_ids ==
                    qd_json_get_int (limits, "max_batch_ids", QD_DEFAULT_MAX_BATCH_IDS));
          g_assert (info->max_page_size == qd_json_get_int (limits, "max_page_size", 100));
        }
      if (verdict != NULL)
        g_assert (qd_verdict_get_summary (verdict) != NULL);
      read_as_item (object);
      qd_batch_result_add_json (result, object, NULL);
    }
  return 0;
}
