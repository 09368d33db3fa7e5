/* qd-escalation-report.c — writes the text for support about samples still missed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "qd-error.h"
#include "qd-escalation-report.h"
#include "qd-html-text.h"
#include "qd-mail.h"

/* Where the person or the administrator writes the answer. */
#define BLANK "________"

/* One line of text from a message: hostile text must not break the
 * layout of the report nor hide what follows it. */
static char *
one_line (const char *text)
{
  g_autofree char *safe = NULL;

  if (text == NULL || text[0] == '\0')
    return g_strdup ("—");
  safe = qd_text_make_safe (text, -1);
  g_strdelimit (safe, "\n\t", ' ');
  return g_strdup (g_strstrip (safe));
}

/* The mailbox addresses of a header, comma-separated; %NULL when none. */
static char *
addresses (InternetAddressList *list)
{
  GString *out = g_string_new (NULL);
  int count = list != NULL ? internet_address_list_length (list) : 0;

  for (int i = 0; i < count; i++)
    {
      InternetAddress *address = internet_address_list_get_address (list, i);

      if (INTERNET_ADDRESS_IS_MAILBOX (address))
        g_string_append_printf (out, "%s%s", out->len > 0 ? ", " : "",
                                internet_address_mailbox_get_addr (
                                  INTERNET_ADDRESS_MAILBOX (address)));
      else if (INTERNET_ADDRESS_IS_GROUP (address))
        {
          g_autofree char *members =
            addresses (internet_address_group_get_members (INTERNET_ADDRESS_GROUP (address)));

          if (members != NULL)
            g_string_append_printf (out, "%s%s", out->len > 0 ? ", " : "", members);
        }
    }
  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

static const char *
yes_no (gboolean yes)
{
  /* Translators: the answer to a (Y/N) question of the support form */
  return yes ? C_("answer", "Y") : C_("answer", "N");
}

/* Whether the sample was at most @days old (from its receipt) when the
 * server took it; %NULL when its receipt is unknown. */
static const char *
within_limit (QdSampleRecord *record,
              guint           days,
              gboolean       *all)
{
  gboolean yes;

  if (record->received_at == NULL || record->sent_at == NULL)
    {
      *all = FALSE;
      return _("unknown");
    }
  yes = g_date_time_difference (record->sent_at, record->received_at) <=
        (GTimeSpan)days * G_TIME_SPAN_DAY;
  *all = *all && yes;
  return yes_no (yes);
}

static void
write_sample (GString        *out,
              QdSampleRecord *record,
              GBytes         *data,
              guint           index,
              guint           count,
              guint           days)
{
  g_autoptr(GMimeMessage) message = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *envelope = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *message_id = NULL;
  g_autofree char *sent_on = NULL;
  g_autofree char *received = qd_follow_up_format_time (record->received_at);
  g_autofree char *submitted = qd_follow_up_format_time (record->sent_at);
  g_autofree char *checked = qd_follow_up_format_time (record->checked_at);
  gboolean ignored = TRUE;

  if (data != NULL)
    {
      gsize length;
      const guint8 *bytes = g_bytes_get_data (data, &length);

      qd_mail_init ();
      message = qd_mail_parse (bytes, length);
    }
  if (message != NULL)
    {
      g_autofree char *from_addresses = addresses (g_mime_message_get_from (message));
      g_autofree char *to_addresses = addresses (g_mime_message_get_to (message));
      g_autofree char *return_path = qd_mail_get_header_text (GMIME_OBJECT (message),
                                                              "Return-Path");
      const char *id = g_mime_message_get_message_id (message);

      from = one_line (from_addresses != NULL ? from_addresses : record->from);
      to = one_line (to_addresses != NULL ? to_addresses : record->to);
      if (return_path != NULL)
        envelope = one_line (return_path);
      if (id != NULL)
        message_id = one_line (id);
      if (g_mime_message_get_date (message) != NULL)
        sent_on = qd_follow_up_format_time (g_mime_message_get_date (message));
    }
  else
    {
      from = one_line (record->from);
      to = one_line (record->to);
    }
  subject = one_line (record->subject);

  g_string_append (out, "\n");
  g_string_append_printf (out, _("  Sample %u of %u\n"), index, count);
  g_string_append_printf (out, _("    Sender address: %s\n"), from);
  if (envelope != NULL)
    g_string_append_printf (out, _("    Envelope sender (Return-Path): %s\n"), envelope);
  g_string_append_printf (out, _("    Recipient address: %s\n"), to);
  g_string_append_printf (out, _("    Subject: %s\n"), subject);
  g_string_append_printf (out, _("    Sent on (its Date header): %s\n"),
                          sent_on != NULL ? sent_on : _("unknown"));
  g_string_append_printf (out, _("    Received on: %s\n"), received);
  if (message_id != NULL)
    g_string_append_printf (out, _("    Message-ID: <%s>\n"), message_id);
  g_string_append_printf (out, _("    Submitted on: %s\n"), submitted);
  g_string_append_printf (out, _("    Within %u days of receipt when submitted (Y/N): %s\n"),
                          days, within_limit (record, days, &ignored));
  g_string_append_printf (out, _("    Last checked on %s: not classified as spam (score %.1f, "
                                 "threshold %.1f)\n"),
                          checked, record->score, record->threshold);
  g_string_append_printf (out, _("    SHA-256: %s\n"), record->sha256);
}

/**
 * qd_escalation_report_write:
 * @records: (element-type QdSampleRecord): the samples, each still missed
 *   24 hours after submission (qd_sample_record_can_escalate())
 * @datas: (element-type GBytes): each sample's bytes, or %NULL when not kept
 * @max_sample_age_days: the age limit for samples
 * @now: when the report is made
 *
 * The details seed 002 asks for when a sample is still missed 24 hours
 * after submission: the samples (from the history and the samples
 * themselves), then labelled blanks for the impact, which only the
 * person knows, and for the anti-spam settings, which only the
 * administrator knows. Every label is translated.
 *
 * Returns: (transfer full): plain text
 */
char *
qd_escalation_report_write (GPtrArray *records,
                            GPtrArray *datas,
                            guint      max_sample_age_days,
                            GDateTime *now)
{
  g_autoptr(GString) samples = g_string_new (NULL);
  GString *out = g_string_new (NULL);
  g_autofree char *prepared = qd_follow_up_format_time (now);
  g_autofree char *first = NULL;
  GDateTime *earliest = NULL;
  gboolean all_within = TRUE;

  g_return_val_if_fail (records != NULL && datas != NULL, NULL);
  g_return_val_if_fail (records->len == datas->len, NULL);
  g_return_val_if_fail (now != NULL, NULL);

  for (guint i = 0; i < records->len; i++)
    {
      QdSampleRecord *record = g_ptr_array_index (records, i);

      within_limit (record, max_sample_age_days, &all_within);
      if (record->received_at != NULL &&
          (earliest == NULL || g_date_time_compare (record->received_at, earliest) < 0))
        earliest = record->received_at;
      write_sample (samples, record, g_ptr_array_index (datas, i), i + 1, records->len,
                    max_sample_age_days);
    }
  first = qd_follow_up_format_time (earliest);

  g_string_append_printf (out, "%s\n", _("Missed spam still not detected 24 hours after "
                                          "submission"));
  g_string_append_printf (out, _("Prepared on %s by Quarantine Desk.\n"), prepared);

  g_string_append_printf (out, "\n%s\n", _("Sample details"));
  g_string_append_printf (out, _("  Number of samples submitted: %u\n"), records->len);
  g_string_append_printf (out, _("  First received (the earliest of these samples): %s\n"),
                          earliest != NULL ? first : _("unknown"));
  g_string_append_printf (out, _("  All samples within %u days of receipt when submitted "
                                 "(Y/N): %s\n"),
                          max_sample_age_days, yes_no (all_within));
  g_string_append (out, samples->str);

  g_string_append_printf (out, "\n%s\n", _("Impact (fill in)"));
  g_string_append_printf (out, _("  Number of users affected: %s\n"), BLANK);
  g_string_append_printf (out, _("  Executives or VIPs affected (Y/N): %s\n"), BLANK);
  g_string_append_printf (out, _("  Kind of spam (URL, phishing, attachment, Reply-To, other): "
                                 "%s\n"), BLANK);
  g_string_append_printf (out, _("  Number of such messages received (as counted by the users): "
                                 "%s\n"), BLANK);

  g_string_append_printf (out, "\n%s\n", _("Anti-spam settings (your administrator fills "
                                            "these in)"));
  g_string_append_printf (out, _("  DMARC checking enabled (Y/N): %s\n"), BLANK);
  g_string_append_printf (out, _("  SPF checking enabled (Y/N): %s\n"), BLANK);
  g_string_append_printf (out, _("  Heuristic spam detection enabled (Y/N), and its action: "
                                 "%s\n"), BLANK);
  g_string_append_printf (out, _("  Newsletter and marketing detection enabled (Y/N): %s\n"),
                          BLANK);
  g_string_append_printf (out, _("  The sender on the global or a user-level approved-senders "
                                 "list (Y/N): %s\n"), BLANK);

  g_string_append_printf (out, "\n%s\n", _("Attach"));
  g_string_append_printf (out, "  %s\n", _("The message trace of these samples (CSV), with "
                                          "their rows highlighted: your administrator can "
                                          "export it."));
  g_string_append_printf (out, "  %s\n", _("Do not attach the samples themselves: support "
                                          "may not handle them, and they were already "
                                          "submitted for analysis."));
  return g_string_free (out, FALSE);
}

static void
bytes_unref0 (gpointer bytes)
{
  if (bytes != NULL)
    g_bytes_unref (bytes);
}

/**
 * qd_escalation_report_build:
 * @sha256s: (array zero-terminated=1): the samples of one series
 *
 * The report about these samples, read from @store, when each of them
 * can be escalated (qd_sample_record_can_escalate()).
 *
 * Returns: (transfer full): the report, or %NULL with an error that
 *   names every sample that cannot be reported and why, one a line
 */
char *
qd_escalation_report_build (QdStore            *store,
                            const char * const *sha256s,
                            guint               max_sample_age_days,
                            GDateTime          *now,
                            GError            **error)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) datas = NULL;
  g_autoptr(GString) refused = g_string_new (NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_val_if_fail (QD_IS_STORE (store), NULL);
  g_return_val_if_fail (sha256s != NULL, NULL);
  g_return_val_if_fail (now != NULL, NULL);

  if (sha256s[0] == NULL)
    {
      g_set_error_literal (error, QD_ERROR, QD_ERROR_INVALID_INPUT,
                           _("Choose the samples to report."));
      return NULL;
    }
  records = g_ptr_array_new_with_free_func ((GDestroyNotify)qd_sample_record_unref);
  datas = g_ptr_array_new_with_free_func (bytes_unref0);
  for (guint i = 0; sha256s[i] != NULL; i++)
    {
      g_autoptr(QdSampleRecord) record = NULL;
      g_autoptr(GError) local_error = NULL;

      if (!g_hash_table_add (seen, (gpointer)sha256s[i]))
        continue;
      record = qd_store_get_sample (store, sha256s[i], &local_error);
      if (record != NULL && qd_sample_record_can_escalate (record, now, &local_error))
        {
          /* Without its bytes, the history alone fills in the sample. */
          g_ptr_array_add (datas, qd_store_get_sample_data (store, sha256s[i], NULL));
          g_ptr_array_add (records, g_steal_pointer (&record));
          continue;
        }
      if (g_error_matches (local_error, QD_ERROR, QD_ERROR_STORAGE))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      g_string_append_printf (refused, "%s%s", refused->len > 0 ? "\n" : "",
                              local_error->message);
    }
  if (refused->len > 0)
    {
      g_set_error_literal (error, QD_ERROR, QD_ERROR_INVALID_INPUT, refused->str);
      return NULL;
    }
  return qd_escalation_report_write (records, datas, max_sample_age_days, now);
}
