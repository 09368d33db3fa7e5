/* qd-gw-intake.c — what a vendor's analysts would accept from a submission
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "qd-gw-intake.h"
#include "qd-mail.h"

typedef struct
{
  GPtrArray *samples;
  GDateTime *now;
  guint      max_age_days;
} Walk;

static const char * const archive_types[] = {
  "application/zip", "application/x-zip-compressed", "application/gzip",
  "application/x-gzip", "application/x-7z-compressed", "application/x-rar",
  "application/vnd.rar", "application/x-rar-compressed", "application/x-tar",
  "application/x-bzip2", "application/x-xz",
};

static const char * const archive_suffixes[] = {
  ".zip", ".gz", ".tgz", ".7z", ".rar", ".tar", ".bz2", ".xz", ".lzh",
};

static char *
normalized_encoding (GMimeObject *part)
{
  const char *cte = g_mime_object_get_header (part, "Content-Transfer-Encoding");
  g_autofree char *copy = NULL;

  if (cte == NULL)
    return g_strdup ("7bit");
  copy = g_ascii_strdown (cte, -1);
  return g_strdup (g_strstrip (copy));
}

static GBytes *
decoded_content (GMimePart *part)
{
  GMimeDataWrapper *content = g_mime_part_get_content (part);
  g_autoptr(GMimeStream) stream = g_mime_stream_mem_new ();
  GByteArray *array;

  if (content == NULL)
    return g_bytes_new (NULL, 0);
  g_mime_data_wrapper_write_to_stream (content, stream);
  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
  return g_bytes_new (array->data, array->len);
}

static QdGwSample *
sample_from_bytes (GBytes     *bytes,
                   const char *encoding)
{
  QdGwSample *sample = g_new0 (QdGwSample, 1);
  g_autoptr(GMimeMessage) message = NULL;
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  sample->sha256 = qd_mail_sample_digest (data, size);
  sample->encoding = g_strdup (encoding);
  message = size > 0 ? qd_mail_parse (data, size) : NULL;
  if (message != NULL)
    {
      sample->from_header = qd_mail_get_header_text (GMIME_OBJECT (message), "From");
      sample->subject = qd_mail_get_header_text (GMIME_OBJECT (message), "Subject");
    }
  return sample;
}

static void
refuse (QdGwSample *sample,
        const char *reason)
{
  g_free (sample->status);
  sample->status = g_strdup ("refused");
  sample->reason = g_strdup (reason);
}

static void
judge_age (Walk         *walk,
           QdGwSample   *sample,
           GMimeMessage *message)
{
  g_autoptr(GDateTime) received = qd_mail_get_receipt_date (message, NULL);
  GTimeSpan age;

  if (received == NULL)
    {
      refuse (sample, "no_date: the sample has neither a Received nor a Date header");
      return;
    }
  sample->received_at = g_date_time_to_unix (received);
  age = g_date_time_difference (walk->now, received);
  if (age > (GTimeSpan)walk->max_age_days * G_TIME_SPAN_DAY)
    refuse (sample, "too_old: received more than the maximum age before submission");
}

static gboolean
is_archive (GMimeObject *part)
{
  GMimeContentType *type = g_mime_object_get_content_type (part);
  g_autofree char *mime_type = g_mime_content_type_get_mime_type (type);
  const char *filename = GMIME_IS_PART (part) ? g_mime_part_get_filename (GMIME_PART (part)) : NULL;

  for (guint i = 0; i < G_N_ELEMENTS (archive_types); i++)
    if (g_ascii_strcasecmp (mime_type, archive_types[i]) == 0)
      return TRUE;
  if (filename != NULL)
    {
      g_autofree char *lower = g_ascii_strdown (filename, -1);

      for (guint i = 0; i < G_N_ELEMENTS (archive_suffixes); i++)
        if (g_str_has_suffix (lower, archive_suffixes[i]))
          return TRUE;
    }
  return FALSE;
}

static void
visit (GMimeObject *parent,
       GMimeObject *part,
       gpointer     user_data)
{
  Walk *walk = user_data;
  GMimeContentType *type = g_mime_object_get_content_type (part);
  g_autofree char *encoding = normalized_encoding (part);
  QdGwSample *sample;

  if (GMIME_IS_MESSAGE_PART (part))
    {
      GMimeMessage *message = g_mime_message_part_get_message (GMIME_MESSAGE_PART (part));
      g_autofree char *text = NULL;
      g_autoptr(GBytes) bytes = NULL;
      gsize length;

      if (message == NULL)
        return;
      text = g_mime_object_to_string (GMIME_OBJECT (message), NULL);
      length = strlen (text);
      bytes = g_bytes_new_take (g_steal_pointer (&text), length);
      sample = sample_from_bytes (bytes, encoding);
      sample->status = g_strdup ("accepted");
      /* RFC 2046 §5.2.1: a message/rfc822 body is 7bit, 8bit or binary. */
      if (!g_str_equal (encoding, "7bit") && !g_str_equal (encoding, "8bit") &&
          !g_str_equal (encoding, "binary"))
        refuse (sample, "encoded: samples must be attached unencoded (7bit, 8bit or binary)");
      else
        judge_age (walk, sample, message);
      g_ptr_array_add (walk->samples, sample);
    }
  else if (GMIME_IS_PART (part) && g_mime_content_type_is_type (type, "message", "rfc822"))
    {
      /* GMime leaves an encoded message/rfc822 body as an opaque part. */
      g_autoptr(GBytes) bytes = decoded_content (GMIME_PART (part));

      sample = sample_from_bytes (bytes, encoding);
      sample->status = g_strdup ("accepted");
      refuse (sample, "encoded: samples must be attached unencoded (7bit, 8bit or binary)");
      g_ptr_array_add (walk->samples, sample);
    }
  else if (GMIME_IS_PART (part) && is_archive (part))
    {
      g_autoptr(GBytes) bytes = decoded_content (GMIME_PART (part));

      sample = sample_from_bytes (bytes, encoding);
      sample->status = g_strdup ("accepted");
      refuse (sample, "compressed: archives are not analysed");
      g_ptr_array_add (walk->samples, sample);
    }
}

/**
 * qd_gw_intake_evaluate:
 *
 * Every message/rfc822 part of a submission (and every archive, which is
 * refused) as a sample with its verdict; only accepted samples are
 * learned.
 *
 * Returns: (transfer full) (element-type QdGwSample): the samples
 */
GPtrArray *
qd_gw_intake_evaluate (GBytes    *submission,
                       GDateTime *now,
                       guint      max_age_days)
{
  Walk walk = { NULL, now, max_age_days };
  g_autoptr(GMimeMessage) message = NULL;
  gsize size;
  const guint8 *data = g_bytes_get_data (submission, &size);

  walk.samples = g_ptr_array_new_with_free_func ((GDestroyNotify)qd_gw_sample_free);
  message = qd_mail_parse (data, size);
  if (message != NULL)
    g_mime_message_foreach (message, visit, &walk);
  return walk.samples;
}
