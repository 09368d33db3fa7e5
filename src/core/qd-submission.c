/* qd-submission.c — missed-spam reports built: samples as message/rfc822, packed by size
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "qd-error.h"
#include "qd-sample-content.h"
#include "qd-size.h"
#include "qd-submission.h"

/* Stands in for the person's address when only the smallest possible
 * wrapper matters (qd_sample_evaluate()'s size rule). */
#define SHORTEST_ADDRESS "a@b.c"

struct _QdSubmission
{
  GObject    parent_instance;

  char      *from;
  char      *to;
  char      *message_id;   /* without the angle brackets */
  char      *boundary;
  GDateTime *date;
  GPtrArray *samples;      /* QdSample */
  GBytes    *data;
  gsize      size;
};

G_DEFINE_FINAL_TYPE (QdSubmission, qd_submission, G_TYPE_OBJECT)

static void
qd_submission_finalize (GObject *object)
{
  QdSubmission *self = QD_SUBMISSION (object);

  g_free (self->from);
  g_free (self->to);
  g_free (self->message_id);
  g_free (self->boundary);
  g_clear_pointer (&self->date, g_date_time_unref);
  g_clear_pointer (&self->samples, g_ptr_array_unref);
  g_clear_pointer (&self->data, g_bytes_unref);

  G_OBJECT_CLASS (qd_submission_parent_class)->finalize (object);
}

static void
qd_submission_class_init (QdSubmissionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = qd_submission_finalize;
}

static void
qd_submission_init (QdSubmission *self)
{
  self->samples = g_ptr_array_new_with_free_func (g_object_unref);
}

static const guint8 *
find_bytes (const guint8 *haystack,
            gsize         haystack_len,
            const char   *needle,
            gsize         needle_len)
{
  const guint8 *p = haystack;
  const guint8 *end = haystack + haystack_len;

  if (needle_len == 0 || needle_len > haystack_len)
    return NULL;
  while ((gsize)(end - p) >= needle_len)
    {
      p = memchr (p, needle[0], (end - p) - needle_len + 1);
      if (p == NULL)
        return NULL;
      if (memcmp (p, needle, needle_len) == 0)
        return p;
      p++;
    }
  return NULL;
}

/* A fixed length, so a new one never changes a measured size. */
static char *
new_boundary (void)
{
  g_autofree char *uuid = g_uuid_string_random ();

  g_strdelimit (uuid, "-", '_');
  return g_strconcat ("=_qd_", uuid, NULL);
}

static QdSubmission *
submission_new (const char *from,
                const char *to,
                GDateTime  *date)
{
  QdSubmission *self = g_object_new (QD_TYPE_SUBMISSION, NULL);
  const char *at = from != NULL ? strrchr (from, '@') : NULL;
  g_autofree char *domain = NULL;
  g_autofree char *uuid = g_uuid_string_random ();

  self->from = g_strdup (from != NULL ? from : SHORTEST_ADDRESS);
  self->to = g_strdup (to != NULL ? to : SHORTEST_ADDRESS);
  self->date = date != NULL ? g_date_time_ref (date) : g_date_time_new_now_utc ();
  domain = g_strdup (at != NULL && at[1] != '\0' ? at + 1 : "quarantine-desk.invalid");
  g_strdelimit (domain, "<> \t\r\n", '_');
  /* Random and of a fixed length, unlike GMime's own, so that measuring
   * a wrapper twice gives the same size. */
  self->message_id = g_strdup_printf ("%s@%s", uuid, domain);
  self->boundary = new_boundary ();
  return self;
}

/* The delimiter must not occur inside any part (RFC 2046 §5.1.1). It has
 * no CR nor LF, and the wire form only adds CRs before LFs, so it occurs
 * in the wire form exactly where it occurs in the bytes themselves: they
 * are searched, and the wire form is never made just for that. */
static void
ensure_boundary_absent (QdSubmission *self,
                        QdSample     *sample)
{
  for (;;)
    {
      g_autofree char *delimiter = g_strconcat ("--", self->boundary, NULL);
      gsize length;
      const guint8 *data = g_bytes_get_data (qd_sample_get_data (sample), &length);

      if (find_bytes (data, length, delimiter, strlen (delimiter)) == NULL)
        return;
      g_free (self->boundary);
      self->boundary = new_boundary ();
    }
}

static void
append_clean (GString    *out,
              const char *text)
{
  for (const char *p = text != NULL ? text : "—"; *p != '\0'; p++)
    g_string_append_c (out, (guchar)*p < 0x20 ? ' ' : *p);
}

/* The note to the vendor's analysts. It is not translated: it is read by
 * them, not by the person submitting. */
static char *
describe (GPtrArray *samples)
{
  GString *out = g_string_new (NULL);

  g_string_append (out, "These messages reached the recipient without being detected as "
                        "spam.\nEach is attached unmodified as message/rfc822.\n");
  for (guint i = 0; i < samples->len; i++)
    {
      QdSample *sample = g_ptr_array_index (samples, i);
      QdDateSource source;
      GDateTime *received = qd_sample_get_receipt_date (sample, &source);

      g_string_append_printf (out, "\n%u. From:     ", i + 1);
      append_clean (out, qd_sample_get_from (sample));
      g_string_append (out, "\n   Subject:  ");
      append_clean (out, qd_sample_get_subject (sample));
      g_string_append (out, "\n   Received: ");
      if (received != NULL)
        {
          g_autoptr(GDateTime) utc = g_date_time_to_utc (received);
          g_autofree char *when = g_date_time_format (utc, "%Y-%m-%d %H:%M:%S UTC");

          g_string_append (out, when);
          if (source == QD_DATE_SOURCE_DATE)
            g_string_append (out, " (its Date header; it has no Received header)");
        }
      else
        g_string_append (out, "unknown");
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

static gboolean
is_ascii (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar)*p >= 0x80)
      return FALSE;
  return TRUE;
}

static GMimeContentEncoding
part_encoding (QdSample *sample)
{
  switch (qd_sample_get_transfer (sample))
    {
    case QD_TRANSFER_7BIT:
      return GMIME_CONTENT_ENCODING_7BIT;
    case QD_TRANSFER_8BIT:
      return GMIME_CONTENT_ENCODING_8BIT;
    case QD_TRANSFER_BINARY:
    default:
      return GMIME_CONTENT_ENCODING_BINARY;
    }
}

/* The whole message with @tokens where the samples go: GMime writes
 * every header, boundary and the text part; the samples' own bytes never
 * pass through it, so nothing in them can be re-encoded, folded or
 * re-serialised. */
static GByteArray *
serialize (QdSubmission  *self,
           GPtrArray     *samples,
           char         **tokens)
{
  g_autoptr(GMimeMessage) message = g_mime_message_new (FALSE);
  g_autoptr(GMimeMultipart) multipart = g_mime_multipart_new_with_subtype ("mixed");
  g_autoptr(GMimeTextPart) text_part = g_mime_text_part_new_with_subtype ("plain");
  g_autoptr(GMimeFormatOptions) options = g_mime_format_options_new ();
  g_autoptr(GMimeStream) stream = g_mime_stream_mem_new ();
  g_autofree char *subject = NULL;
  g_autofree char *text = describe (samples);
  gboolean eight = FALSE;
  GByteArray *array;

  g_mime_message_add_mailbox (message, GMIME_ADDRESS_TYPE_FROM, NULL, self->from);
  g_mime_message_add_mailbox (message, GMIME_ADDRESS_TYPE_TO, NULL, self->to);
  subject = g_strdup_printf (samples->len == 1 ? "Missed spam: %u sample"
                                               : "Missed spam: %u samples", samples->len);
  g_mime_message_set_subject (message, subject, NULL);
  g_mime_message_set_date (message, self->date);
  g_mime_message_set_message_id (message, self->message_id);
  g_mime_object_set_header (GMIME_OBJECT (message), "MIME-Version", "1.0", NULL);

  g_mime_multipart_set_boundary (multipart, self->boundary);
  g_mime_text_part_set_text (text_part, text);
  g_mime_part_set_content_encoding (GMIME_PART (text_part),
                                    is_ascii (text) ? GMIME_CONTENT_ENCODING_7BIT
                                                    : GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
  g_mime_multipart_add (multipart, GMIME_OBJECT (text_part));

  for (guint i = 0; i < samples->len; i++)
    {
      QdSample *sample = g_ptr_array_index (samples, i);
      g_autoptr(GMimePart) part = g_mime_part_new_with_type ("message", "rfc822");
      g_autoptr(GMimeStream) content = NULL;
      g_autoptr(GMimeDataWrapper) wrapper = NULL;
      GMimeContentDisposition *disposition = g_mime_content_disposition_new ();
      g_autofree char *filename = qd_sample_get_attachment_name (sample, i + 1);
      GMimeContentEncoding encoding = part_encoding (sample);

      eight |= encoding != GMIME_CONTENT_ENCODING_7BIT;
      g_mime_content_disposition_set_disposition (disposition, GMIME_DISPOSITION_ATTACHMENT);
      g_mime_content_disposition_set_parameter (disposition, "filename", filename);
      g_mime_object_set_content_disposition (GMIME_OBJECT (part), disposition);
      g_object_unref (disposition);
      g_mime_part_set_content_encoding (part, encoding);
      /* The same encoding on both sides: GMime copies the stream as it is. */
      content = g_mime_stream_mem_new_with_buffer (tokens[i], strlen (tokens[i]));
      wrapper = g_mime_data_wrapper_new_with_stream (content, encoding);
      g_mime_part_set_content (part, wrapper);
      g_mime_multipart_add (multipart, GMIME_OBJECT (part));
    }
  /* A multipart's own encoding is the widest of its parts' (RFC 2045 §6.4). */
  if (eight)
    g_mime_object_set_header (GMIME_OBJECT (multipart), "Content-Transfer-Encoding", "8bit", NULL);
  g_mime_message_set_mime_part (message, GMIME_OBJECT (multipart));

  g_mime_format_options_set_newline_format (options, GMIME_NEWLINE_FORMAT_DOS);
  g_mime_object_write_to_stream (GMIME_OBJECT (message), options, stream);
  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
  g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (stream), FALSE);
  return array;
}

static char **
new_tokens (guint n)
{
  char **tokens = g_new0 (char *, n + 1);

  /* Random, so no subject in the text part can imitate one. */
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();

      tokens[i] = g_strdup_printf ("@@qd-sample-%s-%u@@", uuid, i);
    }
  return tokens;
}

static gsize
measure_with (QdSubmission *self,
              GPtrArray    *samples)
{
  g_auto(GStrv) tokens = new_tokens (samples->len);
  g_autoptr(GByteArray) wrapper = serialize (self, samples, tokens);
  gsize size = wrapper->len;

  for (guint i = 0; i < samples->len; i++)
    size = size - strlen (tokens[i]) + qd_sample_get_wire_size (g_ptr_array_index (samples, i));
  return size;
}

/**
 * qd_submission_measure:
 * @samples: (element-type QdSample)
 * @from: (nullable): the sender, or %NULL for the shortest address
 * @to: (nullable): the submission address, or %NULL for the shortest
 * @date: (nullable): the Date, or %NULL for now
 *
 * The exact size in bytes of one submission holding @samples, as it
 * goes on the wire (CRLF, before dot-stuffing).
 */
gsize
qd_submission_measure (GPtrArray  *samples,
                       const char *from,
                       const char *to,
                       GDateTime  *date)
{
  g_autoptr(QdSubmission) self = NULL;

  g_return_val_if_fail (samples != NULL, 0);

  qd_mail_init ();
  self = submission_new (from, to, date);
  return measure_with (self, samples);
}

static gboolean
build (QdSubmission  *self,
       GError       **error)
{
  g_auto(GStrv) tokens = new_tokens (self->samples->len);
  g_autoptr(GByteArray) wrapper = serialize (self, self->samples, tokens);
  g_autofree char *tail = g_strconcat ("\r\n--", self->boundary, NULL);
  gsize size = wrapper->len;
  guint8 *out;
  gsize from = 0;
  gsize n = 0;

  for (guint i = 0; i < self->samples->len; i++)
    size = size - strlen (tokens[i])
           + qd_sample_get_wire_size (g_ptr_array_index (self->samples, i));
  out = g_malloc (size);

  for (guint i = 0; i < self->samples->len; i++)
    {
      gsize token_len = strlen (tokens[i]);
      const guint8 *at = find_bytes (wrapper->data + from, wrapper->len - from, tokens[i],
                                     token_len);
      QdSample *sample = g_ptr_array_index (self->samples, i);
      gsize length;
      const guint8 *data = g_bytes_get_data (qd_sample_get_data (sample), &length);

      /* Each placeholder exactly where GMime put the part's body: right
       * before the CRLF that belongs to the next delimiter. */
      if (at == NULL || (gsize)(at - wrapper->data) + token_len + strlen (tail) > wrapper->len ||
          memcmp (at + token_len, tail, strlen (tail)) != 0 ||
          find_bytes (at + token_len, wrapper->len - (at - wrapper->data) - token_len, tokens[i],
                      token_len) != NULL)
        {
          g_free (out);
          g_set_error_literal (error, QD_ERROR, QD_ERROR_INVALID_INPUT,
                               _("The submission could not be assembled without altering a "
                                 "sample, so it was not sent. Please report this problem."));
          return FALSE;
        }
      memcpy (out + n, wrapper->data + from, (at - wrapper->data) - from);
      n += (at - wrapper->data) - from;
      /* The wire form written in place: a copy of it first would be one
       * more buffer of the sample's size to fill and free. */
      n += qd_sample_content_write_wire (data, length, out + n);
      from = (at - wrapper->data) + token_len;
    }
  memcpy (out + n, wrapper->data + from, wrapper->len - from);
  n += wrapper->len - from;
  g_assert (n == size);

  g_clear_pointer (&self->data, g_bytes_unref);
  self->data = g_bytes_new_take (out, n);
  self->size = n;
  return TRUE;
}

typedef struct
{
  QdSample *sample;
  guint     index;
} Entry;

static int
by_size_descending (gconstpointer a,
                    gconstpointer b)
{
  const Entry *x = a;
  const Entry *y = b;
  gsize xs = qd_sample_get_wire_size (x->sample);
  gsize ys = qd_sample_get_wire_size (y->sample);

  if (xs != ys)
    return xs > ys ? -1 : 1;
  return (int)x->index - (int)y->index;
}

static int
by_index (gconstpointer a,
          gconstpointer b,
          gpointer      user_data)
{
  GHashTable *index = user_data;
  guint x = GPOINTER_TO_UINT (g_hash_table_lookup (index, *(QdSample **)a));
  guint y = GPOINTER_TO_UINT (g_hash_table_lookup (index, *(QdSample **)b));

  return (int)x - (int)y;
}

static gboolean
fits (QdSubmission *bin,
      QdSample     *sample,
      gint64        limit)
{
  g_autoptr(GPtrArray) candidate = g_ptr_array_sized_new (bin->samples->len + 1);

  for (guint i = 0; i < bin->samples->len; i++)
    g_ptr_array_add (candidate, g_ptr_array_index (bin->samples, i));
  g_ptr_array_add (candidate, sample);
  ensure_boundary_absent (bin, sample);
  return (gint64)measure_with (bin, candidate) < limit;
}

static void
refuse_size (QdSample *sample,
             gint64    limit)
{
  g_autofree char *size = qd_format_size (qd_sample_get_wire_size (sample));
  g_autofree char *max = qd_format_size (limit);
  g_autofree char *text =
    g_strdup_printf (_("%s is too large: a submission must be smaller than %s with everything "
                       "in it. Contact support about this sample instead of submitting it."),
                     size, max);

  qd_sample_set_check (sample, QD_SAMPLE_RULE_SIZE, QD_CHECK_REFUSED, text);
}

/**
 * qd_submission_pack:
 * @samples: (element-type QdSample): evaluated samples; those that are
 *   not qd_sample_is_sendable() are left out
 * @limit: every message must be strictly smaller than this many bytes
 * @date: (nullable): the Date of the messages, or %NULL for now
 *
 * Puts the samples into as few messages as it can, each under @limit.
 * Packing is first-fit decreasing: largest sample first, each into the
 * first message it still fits in. That is not always optimal (bin
 * packing is NP-hard) but never needs more than 11/9 of the optimum plus
 * one, and with real samples, mostly far smaller than the limit, it
 * finds the optimum. Sizes are measured on the exact bytes. A sample
 * that fits in no message, even alone, is refused by the size rule.
 *
 * Returns: (transfer full) (element-type QdSubmission): the messages,
 *   built, or %NULL on error
 */
GPtrArray *
qd_submission_pack (GPtrArray   *samples,
                    const char  *from,
                    const char  *to,
                    gint64       limit,
                    GDateTime   *date,
                    GError     **error)
{
  g_autoptr(GPtrArray) bins = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  g_autoptr(GHashTable) index = g_hash_table_new (NULL, NULL);
  g_autoptr(GDateTime) now = NULL;

  g_return_val_if_fail (samples != NULL, NULL);
  g_return_val_if_fail (from != NULL && to != NULL, NULL);

  qd_mail_init ();
  if (date == NULL)
    date = now = g_date_time_new_now_utc ();
  for (guint i = 0; i < samples->len; i++)
    {
      Entry entry = { g_ptr_array_index (samples, i), i };

      g_hash_table_insert (index, entry.sample, GUINT_TO_POINTER (i));
      if (qd_sample_is_sendable (entry.sample))
        g_array_append_val (entries, entry);
    }
  g_array_sort (entries, by_size_descending);

  for (guint i = 0; i < entries->len; i++)
    {
      QdSample *sample = g_array_index (entries, Entry, i).sample;
      g_autoptr(QdSubmission) bin = NULL;
      gboolean placed = FALSE;

      for (guint b = 0; b < bins->len && !placed; b++)
        {
          QdSubmission *open = g_ptr_array_index (bins, b);

          if (fits (open, sample, limit))
            {
              g_ptr_array_add (open->samples, g_object_ref (sample));
              placed = TRUE;
            }
        }
      if (placed)
        continue;
      bin = submission_new (from, to, date);
      if (!fits (bin, sample, limit))
        {
          refuse_size (sample, limit);
          continue;
        }
      g_ptr_array_add (bin->samples, g_object_ref (sample));
      g_ptr_array_add (bins, g_steal_pointer (&bin));
    }

  for (guint b = 0; b < bins->len; b++)
    {
      QdSubmission *bin = g_ptr_array_index (bins, b);

      /* The person's order inside each message; the size does not change. */
      g_ptr_array_sort_with_data (bin->samples, by_index, index);
      if (!build (bin, error))
        return NULL;
      g_assert ((gint64)bin->size < limit);
    }
  return g_steal_pointer (&bins);
}

const char *
qd_submission_get_message_id (QdSubmission *self)
{
  g_return_val_if_fail (QD_IS_SUBMISSION (self), NULL);
  return self->message_id;
}

const char *
qd_submission_get_from (QdSubmission *self)
{
  g_return_val_if_fail (QD_IS_SUBMISSION (self), NULL);
  return self->from;
}

const char *
qd_submission_get_to (QdSubmission *self)
{
  g_return_val_if_fail (QD_IS_SUBMISSION (self), NULL);
  return self->to;
}

GDateTime *
qd_submission_get_date (QdSubmission *self)
{
  g_return_val_if_fail (QD_IS_SUBMISSION (self), NULL);
  return self->date;
}

/**
 * qd_submission_get_samples:
 *
 * Returns: (transfer none) (element-type QdSample): in the order attached
 */
GPtrArray *
qd_submission_get_samples (QdSubmission *self)
{
  g_return_val_if_fail (QD_IS_SUBMISSION (self), NULL);
  return self->samples;
}

/**
 * qd_submission_get_data:
 *
 * Returns: (transfer none): the message exactly as it goes on the wire,
 *   CRLF line ends, before SMTP's dot-stuffing
 */
GBytes *
qd_submission_get_data (QdSubmission *self)
{
  g_return_val_if_fail (QD_IS_SUBMISSION (self), NULL);
  return self->data;
}

gsize
qd_submission_get_size (QdSubmission *self)
{
  g_return_val_if_fail (QD_IS_SUBMISSION (self), 0);
  return self->size;
}

QdSmtpExtensions
qd_submission_get_required_extensions (QdSubmission *self)
{
  QdSmtpExtensions required = QD_SMTP_EXTENSION_NONE;

  g_return_val_if_fail (QD_IS_SUBMISSION (self), QD_SMTP_EXTENSION_NONE);

  for (guint i = 0; i < self->samples->len; i++)
    switch (qd_sample_get_transfer (g_ptr_array_index (self->samples, i)))
      {
      case QD_TRANSFER_8BIT:
        required |= QD_SMTP_EXTENSION_8BITMIME;
        break;
      case QD_TRANSFER_BINARY:
        required |= QD_SMTP_EXTENSION_BINARYMIME | QD_SMTP_EXTENSION_CHUNKING;
        break;
      case QD_TRANSFER_7BIT:
      default:
        break;
      }
  return required;
}

/**
 * qd_submission_get_deadline:
 *
 * Returns: (nullable): when its oldest sample becomes too old to send
 */
GDateTime *
qd_submission_get_deadline (QdSubmission *self)
{
  GDateTime *deadline = NULL;

  g_return_val_if_fail (QD_IS_SUBMISSION (self), NULL);

  for (guint i = 0; i < self->samples->len; i++)
    {
      GDateTime *d = qd_sample_get_deadline (g_ptr_array_index (self->samples, i));

      if (d != NULL && (deadline == NULL || g_date_time_compare (d, deadline) < 0))
        deadline = d;
    }
  return deadline;
}
