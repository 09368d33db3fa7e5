/* qd-gw-bench-seed.c — many held messages at once, for benchmarks
 *
 * A false-positive wave: thousands of graymail and spam verdicts for one
 * person within hours.  Ingesting them one by one (a transaction and an
 * atomic file each) takes over a millisecond per message; here the rows
 * go in one transaction and the originals are written plainly, which is
 * fine for a throwaway benchmark store and nothing else.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "qd-gw-bench-seed.h"
#include "qd-mail.h"

static const char * const first_names[] = {
  "Aiko", "Haruto", "Yui", "Sota", "Mei", "Ren", "Emma", "Noah", "Olivia", "Liam",
  "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村",
};

static const char * const domains[] = {
  "news.example.com", "shop.example.jp", "forum.example.org", "social.example.net",
  "travel.example.co.jp", "bank-notices.example", "partner.example.com", "mail.example.jp",
};

static const char * const subjects[] = {
  "Weekly digest", "【お知らせ】セミナーのご案内", "Your order has shipped",
  "New replies in your thread", "Invoice for November", "週末限定セール",
  "Re: project status", "New login to your account", "フォーラム通知: 新着あり",
  "Meeting notes",
};

static const struct {
  QdReason   reason;
  QdCategory category;
} verdicts[] = {
  { QD_REASON_GRAYMAIL, QD_CATEGORY_MARKETING },
  { QD_REASON_GRAYMAIL, QD_CATEGORY_SOCIAL },
  { QD_REASON_GRAYMAIL, QD_CATEGORY_FORUM },
  { QD_REASON_GRAYMAIL, QD_CATEGORY_BULK },
  { QD_REASON_SPAM, QD_CATEGORY_NONE },
  { QD_REASON_PHISHING, QD_CATEGORY_NONE },
};

static GBytes *
make_message (guint        n,
              const char  *from_name,
              const char  *from_address,
              const char  *to,
              const char  *subject,
              gint64       received_at)
{
  g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc (received_at);
  g_autofree char *rfc_date = g_date_time_format (date, "%a, %d %b %Y %H:%M:%S +0000");
  g_autofree char *encoded_name = g_mime_utils_header_encode_phrase (NULL, from_name, "utf-8");
  g_autofree char *encoded_subject = g_mime_utils_header_encode_text (NULL, subject, "utf-8");
  GString *text = g_string_new (NULL);

  g_string_append_printf (text,
                          "Received: from mx%u.example.net by gateway.example.com;\r\n"
                          "\t%s\r\n"
                          "From: %s <%s>\r\n"
                          "To: %s\r\n"
                          "Subject: %s\r\n"
                          "Date: %s\r\n"
                          "Message-ID: <bench-%u@example.net>\r\n"
                          "MIME-Version: 1.0\r\n"
                          "Content-Type: text/plain; charset=utf-8\r\n"
                          "Content-Transfer-Encoding: 8bit\r\n"
                          "\r\n",
                          n % 7, rfc_date, encoded_name, from_address, to, encoded_subject,
                          rfc_date, n);
  /* Bodies of 300 bytes to a few kilobytes, like real notifications. */
  for (guint line = 0; line < 4 + n % 40; line++)
    g_string_append_printf (text, "Line %u of message %u: this is what a newsletter says.\r\n",
                            line, n);
  return g_string_free_to_bytes (text);
}

gboolean
qd_gw_bench_seed (QdGwGateway  *gateway,
                  const char   *username,
                  guint         count,
                  gint64        now,
                  GError      **error)
{
  QdGwStore *store = qd_gw_gateway_get_store (gateway);
  g_autoptr(QdGwUser) user = qd_gw_store_find_user (store, username);
  const QdGwConfig *config = qd_gw_gateway_get_config (gateway);

  if (user == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no user “%s”", username);
      return FALSE;
    }
  if (!qd_gw_store_begin (store, error))
    return FALSE;

  for (guint n = 0; n < count; n++)
    {
      g_autoptr(QdGwItem) item = g_new0 (QdGwItem, 1);
      g_autoptr(GBytes) message = NULL;
      g_autofree char *path = NULL;
      g_autofree char *local = g_strdup_printf ("sender%u", n % 2003);
      const char *first = first_names[n % G_N_ELEMENTS (first_names)];
      guint v = (n * 7) % G_N_ELEMENTS (verdicts);

      /* Spread over the last two days, newest first in id order. */
      item->received_at = now - (gint64)((guint64)n * 172800 / MAX (count, 1)) - 1;
      item->user_id = user->id;
      item->folder = QD_FOLDER_QUARANTINE;
      item->reason = verdicts[v].reason;
      item->category = verdicts[v].category;
      item->policy_rule = g_strdup (qd_gw_default_policy_rule (item->reason, item->category));
      item->score = item->reason == QD_REASON_GRAYMAIL ? 2.5 : 9.0 + n % 5;
      item->rules_json = g_strdup ("[\"BULK_HEADER\"]");
      item->expires_at = item->received_at + (gint64)config->retention_days * 24 * 3600;
      item->from_name = g_strdup_printf ("%s %u", first, n % 97);
      item->from_address = g_strdup_printf ("%s@%s", local, domains[n % G_N_ELEMENTS (domains)]);
      item->from_header = g_strdup_printf ("%s <%s>", item->from_name, item->from_address);
      item->envelope_sender = g_strdup (item->from_address);
      item->recipient = g_strdup (user->address);
      item->subject = g_strdup_printf ("%s #%u", subjects[n % G_N_ELEMENTS (subjects)], n);
      message = make_message (n, item->from_name, item->from_address, user->address,
                              item->subject, item->received_at);
      item->size = g_bytes_get_size (message);

      if (qd_gw_store_add_item (store, item, error) == 0)
        goto fail;
      path = qd_gw_gateway_message_path (gateway, item->id);
      if (!g_file_set_contents_full (path, g_bytes_get_data (message, NULL),
                                     g_bytes_get_size (message), G_FILE_SET_CONTENTS_NONE,
                                     0600, error))
        goto fail;
    }
  return qd_gw_store_commit (store, error);

fail:
  qd_gw_store_rollback (store);
  return FALSE;
}
