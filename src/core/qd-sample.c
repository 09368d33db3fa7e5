/* qd-sample.c — one missed-spam sample from a file, checked against the submission rules
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "qd-error.h"
#include "qd-html-text.h"
#include "qd-sample.h"
#include "qd-sample-content.h"
#include "qd-size.h"
#include "qd-submission.h"
#include "qd-time.h"

/* A file larger than this is not read at all: no gateway accepts it, and
 * reading it whole would only cost memory. */
#define MAX_READ_BYTES (64 * 1024 * 1024)

struct _QdSample
{
  GObject         parent_instance;

  char           *name;
  gboolean        from_file;      /* named after a file, not standard input */
  GBytes         *data;
  GBytes         *wire_data;      /* CRLF line ends; made on demand */
  char           *digest;
  QdSampleFormat  format;
  char           *format_detail;  /* why it is not a message, when it is not */
  GMimeMessage   *message;
  char           *from;
  char           *to;
  char           *subject;
  GDateTime      *receipt_date;
  QdDateSource    date_source;
  GDateTime      *deadline;
  QdTransfer      transfer;
  gsize           wire_size;
  GPtrArray      *checks;         /* QdSampleCheck, in QdSampleRule order */
};

G_DEFINE_FINAL_TYPE (QdSample, qd_sample, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_DIGEST,
  PROP_FROM,
  PROP_SUBJECT,
  PROP_RECEIPT_DATE,
  PROP_REFUSED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
check_free (QdSampleCheck *check)
{
  g_free (check->message);
  g_free (check);
}

static void
qd_sample_finalize (GObject *object)
{
  QdSample *self = QD_SAMPLE (object);

  g_free (self->name);
  g_clear_pointer (&self->data, g_bytes_unref);
  g_clear_pointer (&self->wire_data, g_bytes_unref);
  g_free (self->digest);
  g_free (self->format_detail);
  g_clear_object (&self->message);
  g_free (self->from);
  g_free (self->to);
  g_free (self->subject);
  g_clear_pointer (&self->receipt_date, g_date_time_unref);
  g_clear_pointer (&self->deadline, g_date_time_unref);
  g_clear_pointer (&self->checks, g_ptr_array_unref);

  G_OBJECT_CLASS (qd_sample_parent_class)->finalize (object);
}

static void
qd_sample_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  QdSample *self = QD_SAMPLE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_DIGEST:
      g_value_set_string (value, self->digest);
      break;
    case PROP_FROM:
      g_value_set_string (value, self->from);
      break;
    case PROP_SUBJECT:
      g_value_set_string (value, self->subject);
      break;
    case PROP_RECEIPT_DATE:
      g_value_set_boxed (value, self->receipt_date);
      break;
    case PROP_REFUSED:
      g_value_set_boolean (value, qd_sample_is_refused (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qd_sample_class_init (QdSampleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = qd_sample_finalize;
  object_class->get_property = qd_sample_get_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DIGEST] =
    g_param_spec_string ("digest", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FROM] =
    g_param_spec_string ("from", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SUBJECT] =
    g_param_spec_string ("subject", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_RECEIPT_DATE] =
    g_param_spec_boxed ("receipt-date", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REFUSED] =
    g_param_spec_boolean ("refused", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
qd_sample_init (QdSample *self)
{
  self->checks = g_ptr_array_new_with_free_func ((GDestroyNotify)check_free);
}

static char *
one_line (char *text)
{
  g_autofree char *safe = NULL;

  if (text == NULL)
    return NULL;
  safe = qd_text_make_safe (text, -1);
  g_free (text);
  g_strdelimit (safe, "\r\n\t", ' ');
  return g_strdup (g_strstrip (safe));
}

static void
analyse (QdSample *self)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (self->data, &length);
  const char *detail;

  self->digest = qd_mail_sample_digest (data, length);
  qd_sample_content_measure (data, length, &self->transfer, &self->wire_size);
  self->format = qd_sample_content_sniff (data, length, &detail);
  if (self->format == QD_SAMPLE_FORMAT_MESSAGE)
    {
      self->message = qd_mail_parse_bytes (self->data);
      if (self->message == NULL)
        detail = _("It could not be read as a mail message.");
      else if (g_mime_object_get_header (GMIME_OBJECT (self->message), "From") == NULL &&
               g_mime_object_get_header (GMIME_OBJECT (self->message), "Received") == NULL)
        detail = _("It has neither a From nor a Received header.");
    }
  if (detail != NULL)
    {
      self->format = QD_SAMPLE_FORMAT_OTHER;
      self->format_detail = g_strdup (detail);
      g_clear_object (&self->message);
      return;
    }
  if (self->message == NULL)
    return;

  self->from = one_line (qd_mail_get_header_text (GMIME_OBJECT (self->message), "From"));
  self->to = one_line (qd_mail_get_header_text (GMIME_OBJECT (self->message), "To"));
  self->subject = one_line (qd_mail_get_header_text (GMIME_OBJECT (self->message), "Subject"));
  self->receipt_date = qd_mail_get_receipt_date (self->message, &self->date_source);
}

/**
 * qd_sample_new:
 * @data: the sample's bytes, exactly as saved
 * @name: (nullable): where it came from, for people: a file name, or
 *   %NULL for standard input
 *
 * Reads the sample; qd_sample_evaluate() then judges it.
 */
QdSample *
qd_sample_new (GBytes     *data,
               const char *name)
{
  QdSample *self;

  g_return_val_if_fail (data != NULL, NULL);

  qd_mail_init ();
  self = g_object_new (QD_TYPE_SAMPLE, NULL);
  self->data = g_bytes_ref (data);
  self->name = g_strdup (name != NULL ? name : _("standard input"));
  self->from_file = name != NULL;
  analyse (self);
  return self;
}

/**
 * qd_sample_new_from_file:
 *
 * Fails only when the file cannot be read; what it holds is judged by
 * the rules.
 */
QdSample *
qd_sample_new_from_file (GFile         *file,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  name = g_file_get_parse_name (file);
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                            G_FILE_QUERY_INFO_NONE, cancellable, &local_error);
  if (info != NULL && g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    {
      g_set_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT,
                   _("%s is a folder. Give the message files in it instead."), name);
      return NULL;
    }
  if (info != NULL && g_file_info_get_size (info) > MAX_READ_BYTES)
    {
      g_autofree char *size = qd_format_size (g_file_info_get_size (info));

      g_set_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT,
                   _("%s is far too large to be a sample (%s). Contact support about it."),
                   name, size);
      return NULL;
    }
  if (info != NULL)
    bytes = g_file_load_bytes (file, cancellable, NULL, &local_error);
  if (bytes == NULL)
    {
      g_set_error (error, QD_ERROR, QD_ERROR_INVALID_INPUT, _("Cannot read %s: %s"), name,
                   local_error->message);
      return NULL;
    }
  return qd_sample_new (bytes, name);
}

const char *
qd_sample_get_name (QdSample *self)
{
  g_return_val_if_fail (QD_IS_SAMPLE (self), NULL);
  return self->name;
}

GBytes *
qd_sample_get_data (QdSample *self)
{
  g_return_val_if_fail (QD_IS_SAMPLE (self), NULL);
  return self->data;
}

const char *
qd_sample_get_digest (QdSample *self)
{
  g_return_val_if_fail (QD_IS_SAMPLE (self), NULL);
  return self->digest;
}

QdSampleFormat
qd_sample_get_format (QdSample *self)
{
  g_return_val_if_fail (QD_IS_SAMPLE (self), QD_SAMPLE_FORMAT_OTHER);
  return self->format;
}

/**
 * qd_sample_get_message:
 *
 * Returns: (nullable) (transfer none): the parsed message, for reading
 *   only: the bytes sent are always qd_sample_get_data()'s.
 */
GMimeMessage *
qd_sample_get_message (QdSample *self)
{
  g_return_val_if_fail (QD_IS_SAMPLE (self), NULL);
  return self->message;
}

const char *
qd_sample_get_from (QdSample *self)
{
  g_return_val_if_fail (QD_IS_SAMPLE (self), NULL);
  return self->from;
}

const char *
qd_sample_get_to (QdSample *self)
{
  g_return_val_if_fail (QD_IS_SAMPLE (self), NULL);
  return self->to;
}

const char *
qd_sample_get_subject (QdSample *self)
{
  g_return_val_if_fail (QD_IS_SAMPLE (self), NULL);
  return self->subject;
}

GDateTime *
qd_sample_get_receipt_date (QdSample     *self,
                            QdDateSource *source)
{
  g_return_val_if_fail (QD_IS_SAMPLE (self), NULL);
  if (source != NULL)
    *source = self->date_source;
  return self->receipt_date;
}

/**
 * qd_sample_get_deadline:
 *
 * Returns: (nullable): the last moment it may be sent, once evaluated
 */
GDateTime *
qd_sample_get_deadline (QdSample *self)
{
  g_return_val_if_fail (QD_IS_SAMPLE (self), NULL);
  return self->deadline;
}

QdTransfer
qd_sample_get_transfer (QdSample *self)
{
  g_return_val_if_fail (QD_IS_SAMPLE (self), QD_TRANSFER_BINARY);
  return self->transfer;
}

/**
 * qd_sample_get_wire_size:
 *
 * The size on the wire: the bytes with every line end as CRLF.
 */
gsize
qd_sample_get_wire_size (QdSample *self)
{
  g_return_val_if_fail (QD_IS_SAMPLE (self), 0);
  return self->wire_size;
}

/**
 * qd_sample_get_wire_data:
 *
 * Returns: (transfer none): the bytes with LF line ends made CRLF, and
 *   nothing else changed: what goes into the message/rfc822 part.
 */
GBytes *
qd_sample_get_wire_data (QdSample *self)
{
  g_return_val_if_fail (QD_IS_SAMPLE (self), NULL);

  if (self->wire_data == NULL)
    self->wire_data = qd_sample_content_to_wire (self->data, self->wire_size);
  return self->wire_data;
}

/**
 * qd_sample_get_attachment_name:
 * @index: its position in the submission, from 1
 *
 * A plain ASCII file name ending in .eml for its Content-Disposition.
 */
char *
qd_sample_get_attachment_name (QdSample *self,
                               guint     index)
{
  g_autofree char *base = NULL;
  GString *name;

  g_return_val_if_fail (QD_IS_SAMPLE (self), NULL);

  base = g_path_get_basename (self->name);
  if (g_str_has_suffix (base, ".eml"))
    base[strlen (base) - 4] = '\0';
  name = g_string_new (NULL);
  for (const char *p = base; *p != '\0' && name->len < 60; p++)
    if (g_ascii_isalnum (*p) || *p == '-' || *p == '_' || *p == '.')
      g_string_append_c (name, *p);
  if (!self->from_file || name->len == 0 || self->format != QD_SAMPLE_FORMAT_MESSAGE ||
      base[0] == '.')
    g_string_printf (name, "sample-%u", index);
  g_string_append (name, ".eml");
  return g_string_free (name, FALSE);
}

/* Checks */

void
qd_sample_set_check (QdSample      *self,
                     QdSampleRule   rule,
                     QdCheckStatus  status,
                     const char    *message)
{
  gboolean was_refused;
  QdSampleCheck *check;
  guint i;

  g_return_if_fail (QD_IS_SAMPLE (self));
  g_return_if_fail (message != NULL);

  was_refused = qd_sample_is_refused (self);
  for (i = 0; i < self->checks->len; i++)
    {
      check = g_ptr_array_index (self->checks, i);
      if (check->rule == rule)
        {
          check->status = status;
          g_free (check->message);
          check->message = g_strdup (message);
          goto out;
        }
      if (check->rule > rule)
        break;
    }
  check = g_new0 (QdSampleCheck, 1);
  check->rule = rule;
  check->status = status;
  check->message = g_strdup (message);
  g_ptr_array_insert (self->checks, i, check);

out:
  if (was_refused != qd_sample_is_refused (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFUSED]);
}

/**
 * qd_sample_get_checks:
 *
 * Returns: (transfer none) (element-type QdSampleCheck): every outcome
 */
GPtrArray *
qd_sample_get_checks (QdSample *self)
{
  g_return_val_if_fail (QD_IS_SAMPLE (self), NULL);
  return self->checks;
}

const QdSampleCheck *
qd_sample_get_check (QdSample     *self,
                     QdSampleRule  rule)
{
  g_return_val_if_fail (QD_IS_SAMPLE (self), NULL);

  for (guint i = 0; i < self->checks->len; i++)
    {
      QdSampleCheck *check = g_ptr_array_index (self->checks, i);

      if (check->rule == rule)
        return check;
    }
  return NULL;
}

gboolean
qd_sample_is_refused (QdSample *self)
{
  g_return_val_if_fail (QD_IS_SAMPLE (self), TRUE);

  for (guint i = 0; i < self->checks->len; i++)
    if (((QdSampleCheck *)g_ptr_array_index (self->checks, i))->status == QD_CHECK_REFUSED)
      return TRUE;
  return FALSE;
}

gboolean
qd_sample_is_duplicate (QdSample *self)
{
  const QdSampleCheck *check;

  g_return_val_if_fail (QD_IS_SAMPLE (self), FALSE);
  check = qd_sample_get_check (self, QD_SAMPLE_RULE_DUPLICATE);
  return check != NULL && check->status != QD_CHECK_PASSED;
}

/**
 * qd_sample_is_sendable:
 *
 * Evaluated, refused by no rule, and not a second copy of another sample.
 */
gboolean
qd_sample_is_sendable (QdSample *self)
{
  g_return_val_if_fail (QD_IS_SAMPLE (self), FALSE);
  return self->checks->len > 0 && !qd_sample_is_refused (self) && !qd_sample_is_duplicate (self);
}

static char *
format_local (GDateTime *time)
{
  return qd_format_local_time (time, "%Y-%m-%d %H:%M %Z");
}

/* "3 days 4 hours", "5 hours", "20 minutes": enough to act on. */
static char *
format_span (GTimeSpan span)
{
  gint64 minutes = ABS (span) / G_TIME_SPAN_MINUTE;
  gint64 days = minutes / (24 * 60);
  gint64 hours = (minutes / 60) % 24;
  g_autofree char *d = NULL;
  g_autofree char *h = NULL;

  if (days == 0 && hours == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute", "%d minutes", minutes),
                            (int)minutes);
  h = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour", "%d hours", hours), (int)hours);
  if (days == 0)
    return g_steal_pointer (&h);
  d = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day", "%d days", days), (int)days);
  if (hours == 0)
    return g_steal_pointer (&d);
  /* TRANSLATORS: a duration, such as "3 days 4 hours" */
  return g_strdup_printf (_("%s %s"), d, h);
}

static void
evaluate_format (QdSample *self)
{
  switch (self->format)
    {
    case QD_SAMPLE_FORMAT_MESSAGE:
      qd_sample_set_check (self, QD_SAMPLE_RULE_FORMAT, QD_CHECK_PASSED,
                           _("A mail message with its headers and body."));
      break;
    case QD_SAMPLE_FORMAT_EMPTY:
      qd_sample_set_check (self, QD_SAMPLE_RULE_FORMAT, QD_CHECK_REFUSED,
                           _("The file is empty. Save the whole message from your mail "
                             "program as .eml and try again."));
      break;
    case QD_SAMPLE_FORMAT_OUTLOOK:
      qd_sample_set_check (self, QD_SAMPLE_RULE_FORMAT, QD_CHECK_REFUSED,
                           _("This is an Outlook .msg file, which is not accepted when sent "
                             "from another mail program. Save the message as .eml from your "
                             "mail client (in Outlook: forward it as an attachment instead)."));
      break;
    case QD_SAMPLE_FORMAT_ARCHIVE:
      qd_sample_set_check (self, QD_SAMPLE_RULE_FORMAT, QD_CHECK_REFUSED,
                           _("This is a compressed archive (such as ZIP), whatever its name "
                             "says. Archives are not analysed: extract the message and give "
                             "the .eml file itself."));
      break;
    case QD_SAMPLE_FORMAT_MBOX:
      qd_sample_set_check (self, QD_SAMPLE_RULE_FORMAT, QD_CHECK_REFUSED,
                           _("This is a mailbox file (mbox), not a single message. Save the one "
                             "message as .eml from your mail program."));
      break;
    case QD_SAMPLE_FORMAT_OTHER:
    default:
      {
        g_autofree char *text =
          g_strdup_printf (_("This is not a mail message. %s Save the message from your mail "
                             "program as .eml (with all its headers) and try again."),
                           self->format_detail != NULL ? self->format_detail : "");

        qd_sample_set_check (self, QD_SAMPLE_RULE_FORMAT, QD_CHECK_REFUSED, text);
      }
      break;
    }
}

static void
evaluate_date (QdSample      *self,
               QdGatewayInfo *info,
               GDateTime     *now)
{
  g_autofree char *when = NULL;
  g_autofree char *text = NULL;
  g_autofree char *left = NULL;
  GTimeSpan remaining;

  g_clear_pointer (&self->deadline, g_date_time_unref);
  if (self->format != QD_SAMPLE_FORMAT_MESSAGE)
    {
      qd_sample_set_check (self, QD_SAMPLE_RULE_DATE, QD_CHECK_SKIPPED,
                           _("Not checked: it is not a mail message."));
      qd_sample_set_check (self, QD_SAMPLE_RULE_AGE, QD_CHECK_SKIPPED,
                           _("Not checked: it is not a mail message."));
      return;
    }

  if (self->receipt_date == NULL)
    {
      text = g_strdup_printf (_("It has neither a Received nor a Date header, so its age cannot "
                                "be proven, and only samples at most %u days old are accepted. "
                                "Give the original message as your mail program saved it."),
                              info->max_sample_age_days);
      qd_sample_set_check (self, QD_SAMPLE_RULE_DATE, QD_CHECK_REFUSED, text);
      qd_sample_set_check (self, QD_SAMPLE_RULE_AGE, QD_CHECK_SKIPPED,
                           _("Not checked: the receipt date is unknown."));
      return;
    }

  when = format_local (self->receipt_date);
  if (self->date_source == QD_DATE_SOURCE_RECEIVED)
    text = g_strdup_printf (_("Received %s (by its topmost Received header, written by your "
                              "mail server)."), when);
  else
    text = g_strdup_printf (_("It has no Received header, so its age is taken from its Date "
                              "header, which the sender wrote: %s. The vendor may date it "
                              "differently."), when);
  qd_sample_set_check (self, QD_SAMPLE_RULE_DATE,
                       self->date_source == QD_DATE_SOURCE_RECEIVED ? QD_CHECK_PASSED
                                                                    : QD_CHECK_NOTE, text);
  g_clear_pointer (&text, g_free);

  self->deadline = g_date_time_add_days (self->receipt_date, info->max_sample_age_days);
  /* Found with fuzz-sample, likewise: past the end of the calendar there is
   * no deadline; the last moment there is stands in for it. */
  if (self->deadline == NULL)
    self->deadline = g_date_time_new_utc (9999, 12, 31, 23, 59, 59);
  remaining = g_date_time_difference (self->deadline, now);
  if (remaining < 0)
    {
      g_autofree char *age = format_span (g_date_time_difference (now, self->receipt_date));

      text = g_strdup_printf (_("It was received %s ago; only samples at most %u days old are "
                                "accepted, so it can no longer be submitted."),
                              age, info->max_sample_age_days);
      qd_sample_set_check (self, QD_SAMPLE_RULE_AGE, QD_CHECK_REFUSED, text);
      return;
    }
  left = format_span (remaining);
  if (g_date_time_difference (self->receipt_date, now) > G_TIME_SPAN_HOUR)
    {
      text = g_strdup_printf (_("Its receipt date lies in the future: check the clock of this "
                                "computer. It may be submitted for %s."), left);
      qd_sample_set_check (self, QD_SAMPLE_RULE_AGE, QD_CHECK_NOTE, text);
    }
  else if (remaining < G_TIME_SPAN_DAY)
    {
      text = g_strdup_printf (_("It can be submitted for only %s more: send it today."), left);
      qd_sample_set_check (self, QD_SAMPLE_RULE_AGE, QD_CHECK_WARNING, text);
    }
  else
    {
      g_autofree char *until = format_local (self->deadline);

      text = g_strdup_printf (_("Within the %u days allowed; it can be submitted until %s."),
                              info->max_sample_age_days, until);
      qd_sample_set_check (self, QD_SAMPLE_RULE_AGE, QD_CHECK_PASSED, text);
    }
}

static void
evaluate_size (QdSample      *self,
               QdGatewayInfo *info)
{
  g_autofree char *size = qd_format_size (self->wire_size);
  g_autofree char *limit = qd_format_size (info->max_message_bytes);
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) alone = NULL;
  gsize total;

  if (self->format == QD_SAMPLE_FORMAT_EMPTY)
    {
      qd_sample_set_check (self, QD_SAMPLE_RULE_SIZE, QD_CHECK_SKIPPED,
                           _("Not checked: the file is empty."));
      return;
    }
  /* The smallest wrapper: this sample alone, to the shortest addresses. */
  alone = g_ptr_array_new ();
  g_ptr_array_add (alone, self);
  total = qd_submission_measure (alone, NULL, info->submission_address, NULL);
  if ((gint64)total < info->max_message_bytes)
    {
      text = g_strdup_printf (_("%s: fits in a submission, which must be smaller than %s."),
                              size, limit);
      qd_sample_set_check (self, QD_SAMPLE_RULE_SIZE, QD_CHECK_PASSED, text);
    }
  else
    {
      text = g_strdup_printf (_("%s is too large: a submission must be smaller than %s with "
                                "everything in it. Contact support about this sample instead "
                                "of submitting it."), size, limit);
      qd_sample_set_check (self, QD_SAMPLE_RULE_SIZE, QD_CHECK_REFUSED, text);
    }
}

/**
 * qd_sample_check_transport:
 * @extensions: what the SMTP server offered, or %QD_SMTP_ASSUMED_EXTENSIONS
 *
 * Whether the sample can travel unmodified: a message/rfc822 body is
 * 7bit, 8bit or binary, never re-encoded (RFC 2046 §5.2.1). A sample the
 * server cannot carry as it is is refused rather than altered.
 */
void
qd_sample_check_transport (QdSample         *self,
                           QdSmtpExtensions  extensions)
{
  g_return_if_fail (QD_IS_SAMPLE (self));

  if (self->format != QD_SAMPLE_FORMAT_MESSAGE)
    {
      qd_sample_set_check (self, QD_SAMPLE_RULE_TRANSPORT, QD_CHECK_SKIPPED,
                           _("Not checked: it is not a mail message."));
      return;
    }
  switch (self->transfer)
    {
    case QD_TRANSFER_7BIT:
      qd_sample_set_check (self, QD_SAMPLE_RULE_TRANSPORT, QD_CHECK_PASSED,
                           _("7-bit text: attached unmodified (7bit)."));
      break;
    case QD_TRANSFER_8BIT:
      if (extensions & QD_SMTP_EXTENSION_8BITMIME)
        qd_sample_set_check (self, QD_SAMPLE_RULE_TRANSPORT, QD_CHECK_PASSED,
                             _("8-bit text: attached unmodified (8bit); the server accepts "
                               "8-bit data."));
      else
        qd_sample_set_check (self, QD_SAMPLE_RULE_TRANSPORT, QD_CHECK_REFUSED,
                             _("It contains 8-bit characters, and the submission server does "
                               "not accept 8-bit data (8BITMIME). Encoding it would alter the "
                               "sample: use a server that accepts 8-bit mail, or contact "
                               "support."));
      break;
    case QD_TRANSFER_BINARY:
    default:
      if ((extensions & QD_SMTP_EXTENSION_BINARYMIME) &&
          (extensions & QD_SMTP_EXTENSION_CHUNKING) && QD_SMTP_CLIENT_CAN_BDAT)
        qd_sample_set_check (self, QD_SAMPLE_RULE_TRANSPORT, QD_CHECK_PASSED,
                             _("Binary content: attached unmodified (binary)."));
      else
        qd_sample_set_check (self, QD_SAMPLE_RULE_TRANSPORT, QD_CHECK_REFUSED,
                             (extensions & QD_SMTP_EXTENSION_BINARYMIME)
                             ? _("It contains NUL bytes, lone carriage returns or lines longer "
                                 "than 998 characters, so it can travel unmodified only as "
                                 "binary MIME, which Quarantine Desk cannot send. Contact "
                                 "support about this sample.")
                             : _("It contains NUL bytes, lone carriage returns or lines longer "
                                 "than 998 characters, so it can travel unmodified only as "
                                 "binary MIME, which the submission server does not accept. "
                                 "Contact support about this sample."));
      break;
    }
}

/**
 * qd_sample_evaluate:
 * @info: the gateway's rules, or qd_gateway_info_new_defaults()
 * @now: the moment of sending
 *
 * Judges every rule. The transport rule assumes a server that accepts
 * 8-bit data until qd_sample_check_transport() says otherwise; the
 * duplicate rule is qd_sample_evaluate_all()'s.
 */
void
qd_sample_evaluate (QdSample      *self,
                    QdGatewayInfo *info,
                    GDateTime     *now)
{
  g_return_if_fail (QD_IS_SAMPLE (self));
  g_return_if_fail (info != NULL);
  g_return_if_fail (now != NULL);

  evaluate_format (self);
  evaluate_date (self, info, now);
  evaluate_size (self, info);
  if (qd_sample_get_check (self, QD_SAMPLE_RULE_DUPLICATE) == NULL)
    qd_sample_set_check (self, QD_SAMPLE_RULE_DUPLICATE, QD_CHECK_PASSED,
                         _("Given once."));
  qd_sample_check_transport (self, QD_SMTP_ASSUMED_EXTENSIONS);
}

/**
 * qd_sample_evaluate_all:
 * @samples: (element-type QdSample): everything the person gave
 *
 * Evaluates each, and marks every later copy of the same bytes (by
 * qd_mail_sample_digest()) so that it is reported once.
 */
void
qd_sample_evaluate_all (GPtrArray     *samples,
                        QdGatewayInfo *info,
                        GDateTime     *now)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_if_fail (samples != NULL);

  for (guint i = 0; i < samples->len; i++)
    {
      QdSample *sample = g_ptr_array_index (samples, i);
      QdSample *first = g_hash_table_lookup (seen, sample->digest);

      if (first == NULL || sample->format == QD_SAMPLE_FORMAT_EMPTY)
        {
          g_hash_table_insert (seen, sample->digest, sample);
          qd_sample_set_check (sample, QD_SAMPLE_RULE_DUPLICATE, QD_CHECK_PASSED,
                               _("Given once."));
        }
      else
        {
          g_autofree char *text =
            g_strdup_printf (_("The same message as %s: it is submitted once."), first->name);

          qd_sample_set_check (sample, QD_SAMPLE_RULE_DUPLICATE, QD_CHECK_NOTE, text);
        }
      qd_sample_evaluate (sample, info, now);
    }
}
