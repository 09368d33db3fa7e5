/* qd-mail.c — Received dates, the receipt date, sample digests and decoded header text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <nettle/sha2.h>

#include "qd-mail.h"

void
qd_mail_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      g_mime_init ();
      g_once_init_leave (&initialized, 1);
    }
}

/**
 * qd_mail_parse_received:
 * @value: the value of one Received header
 *
 * The date of a Received header is what follows its last semicolon
 * (RFC 5322 §3.6.7).
 */
GDateTime *
qd_mail_parse_received (const char *value)
{
  const char *semicolon;

  if (value == NULL)
    return NULL;
  semicolon = strrchr (value, ';');
  if (semicolon == NULL)
    return NULL;
  return g_mime_utils_header_decode_date (semicolon + 1);
}

/**
 * qd_mail_get_receipt_date:
 * @source: (out) (optional): which header the date came from
 *
 * When the message reached its recipient: the date of the topmost
 * Received header, written by the recipient's own server; failing that,
 * the Date header, which only says when the sender wrote it.
 */
GDateTime *
qd_mail_get_receipt_date (GMimeMessage *message,
                          QdDateSource *source)
{
  GMimeHeaderList *headers;
  GDateTime *date;
  int count;

  g_return_val_if_fail (GMIME_IS_MESSAGE (message), NULL);

  if (source != NULL)
    *source = QD_DATE_SOURCE_NONE;

  headers = g_mime_object_get_header_list (GMIME_OBJECT (message));
  count = g_mime_header_list_get_count (headers);
  for (int i = 0; i < count; i++)
    {
      GMimeHeader *header = g_mime_header_list_get_header_at (headers, i);

      if (g_ascii_strcasecmp (g_mime_header_get_name (header), "Received") != 0)
        continue;
      /* Only the topmost one counts: a later hop's date is not the receipt. */
      date = qd_mail_parse_received (g_mime_header_get_value (header));
      if (date != NULL)
        {
          if (source != NULL)
            *source = QD_DATE_SOURCE_RECEIVED;
          return date;
        }
      break;
    }

  date = g_mime_message_get_date (message);
  if (date != NULL)
    {
      if (source != NULL)
        *source = QD_DATE_SOURCE_DATE;
      return g_date_time_ref (date);
    }
  return NULL;
}

GMimeMessage *
qd_mail_parse (const guint8 *data,
               gsize         length)
{
  g_autoptr(GMimeStream) stream = NULL;
  g_autoptr(GMimeParser) parser = NULL;

  qd_mail_init ();
  stream = g_mime_stream_mem_new_with_buffer ((const char *)data, length);
  parser = g_mime_parser_new_with_stream (stream);
  g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
  return g_mime_parser_construct_message (parser, NULL);
}

typedef struct
{
  GBytes     *bytes;
  GByteArray *array;
} InPlace;

static void
in_place_free (gpointer data)
{
  InPlace *in_place = data;

  /* FALSE: the array's data is the GBytes', freed with it. */
  g_byte_array_free (in_place->array, FALSE);
  g_bytes_unref (in_place->bytes);
  g_free (in_place);
}

/**
 * qd_mail_parse_bytes:
 *
 * As qd_mail_parse(), reading @bytes where they are: GMime's memory stream
 * would otherwise copy them first, and the message's parts read that
 * stream for as long as they live. The stream holds a reference to
 * @bytes instead.
 */
GMimeMessage *
qd_mail_parse_bytes (GBytes *bytes)
{
  g_autoptr(GMimeStream) stream = NULL;
  g_autoptr(GMimeParser) parser = NULL;
  InPlace *in_place;
  gsize length;
  const guint8 *data = g_bytes_get_data (bytes, &length);

  if (length == 0)
    return qd_mail_parse (data, length);

  qd_mail_init ();
  in_place = g_new (InPlace, 1);
  in_place->bytes = g_bytes_ref (bytes);
  /* Only read: the stream does not own the array (its owner is FALSE). */
  in_place->array = g_byte_array_new_take ((guint8 *)data, length);
  stream = g_mime_stream_mem_new ();
  g_mime_stream_mem_set_byte_array (GMIME_STREAM_MEM (stream), in_place->array);
  g_object_set_data_full (G_OBJECT (stream), "qd-mail-in-place", in_place, in_place_free);
  parser = g_mime_parser_new_with_stream (stream);
  g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
  return g_mime_parser_construct_message (parser, NULL);
}

/**
 * qd_mail_sample_digest:
 *
 * The SHA-256 that identifies a sample wherever it travels: line endings
 * become LF and trailing empty lines are dropped first, since SMTP turns
 * LF into CRLF and wrappers may add a final newline.
 */
char *
qd_mail_sample_digest (const guint8 *data,
                       gsize         length)
{
  /* Nettle's SHA-256, which uses the CPU's SHA instructions where it has
   * them: GChecksum's plain C was most of the time a 1.9 MB sample took. */
  struct sha256_ctx context;
  guint8 digest[SHA256_DIGEST_SIZE];
  char hex[2 * SHA256_DIGEST_SIZE];
  gsize end = length;
  gsize start = 0;

  while (end > 0 && (data[end - 1] == '\n' || data[end - 1] == '\r'))
    end--;

  sha256_init (&context);
  for (gsize pos = 0; pos < end; )
    {
      const guint8 *cr = memchr (data + pos, '\r', end - pos);
      gsize i;

      if (cr == NULL)
        break;
      i = cr - data;
      if (i + 1 < end && data[i + 1] == '\n')
        {
          sha256_update (&context, i - start, data + start);
          start = i + 1;
        }
      pos = i + 1;
    }
  if (end > start)
    sha256_update (&context, end - start, data + start);
  sha256_digest (&context, sizeof digest, digest);

  for (gsize i = 0; i < sizeof digest; i++)
    {
      hex[2 * i] = "0123456789abcdef"[digest[i] >> 4];
      hex[2 * i + 1] = "0123456789abcdef"[digest[i] & 0xf];
    }
  return g_strndup (hex, sizeof hex);
}

/* GMime 3.2.13 decodes adjacent encoded words of one charset together, so a
 * character may be split across them, but stops at the padding of the first
 * one: "=?UTF-8?B?YWI=?= =?UTF-8?B?Yw==?=" reads "ab" and the rest of the
 * header is lost (upstream issue 133).  A sender could hide text that way, so
 * each run of such B words is joined here into one word before GMime sees it:
 * the base64 decoder's state carries from word to word as GMime's does, and
 * starts afresh after a padded one. */
static GRegex *
encoded_word_regex (void)
{
  static GRegex *regex = NULL;

  /* Found by fuzzing: a raw header value need not be UTF-8, which GRegex
   * requires unless G_REGEX_RAW; PCRE2's JIT code (G_REGEX_OPTIMIZE) does
   * not check it and crashed on "From: =?I=\xfeit". The pattern is ASCII,
   * so it is matched on bytes instead.  No JIT either: its vector loads
   * read past the end of the subject (harmless, but valgrind cannot tell
   * them from a bug), and headers are short. */
  if (g_once_init_enter (&regex))
    g_once_init_leave (&regex,
                       g_regex_new ("=\\?([^?\\s]+)\\?[Bb]\\?([A-Za-z0-9+/=]*)\\?=",
                                    G_REGEX_RAW, 0, NULL));
  return regex;
}

static void
decode_b_word (GByteArray *bytes,
               const char *payload,
               int        *state,
               guint      *save)
{
  gsize length = strlen (payload);
  gsize start = bytes->len;

  g_byte_array_set_size (bytes, start + (length / 4) * 3 + 3);
  g_byte_array_set_size (bytes, start + g_base64_decode_step (payload, length,
                                                              bytes->data + start,
                                                              state, save));
  if (strchr (payload, '=') != NULL)
    *state = 0, *save = 0;
}

static void
append_b_word (GString    *out,
               const char *charset,
               GByteArray *bytes)
{
  g_autofree char *encoded = g_base64_encode (bytes->data, bytes->len);

  g_string_append_printf (out, "=?%s?B?%s?=", charset, encoded);
}

static char *
join_encoded_words (const char *raw)
{
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GByteArray) bytes = NULL;
  g_autofree char *charset = NULL;
  gsize copied = 0;
  gsize run_end = 0;
  int state = 0;
  guint save = 0;

  g_regex_match (encoded_word_regex (), raw, 0, &match);
  for (; g_match_info_matches (match); g_match_info_next (match, NULL))
    {
      g_autofree char *word_charset = g_match_info_fetch (match, 1);
      g_autofree char *payload = g_match_info_fetch (match, 2);
      int start, end;
      gboolean joins;

      g_match_info_fetch_pos (match, 0, &start, &end);
      joins = bytes != NULL && g_ascii_strcasecmp (charset, word_charset) == 0;
      for (gsize i = run_end; joins && i < (gsize) start; i++)
        joins = g_ascii_isspace (raw[i]);

      if (!joins)
        {
          if (bytes != NULL)
            {
              append_b_word (out, charset, bytes);
              g_clear_pointer (&bytes, g_byte_array_unref);
              copied = run_end;
            }
          g_string_append_len (out, raw + copied, start - copied);
          bytes = g_byte_array_new ();
          g_free (charset);
          charset = g_steal_pointer (&word_charset);
          state = 0, save = 0;
        }
      decode_b_word (bytes, payload, &state, &save);
      run_end = end;
    }

  if (bytes != NULL)
    {
      append_b_word (out, charset, bytes);
      copied = run_end;
    }
  g_string_append (out, raw + copied);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * qd_mail_get_header_text:
 *
 * A header decoded to UTF-8 (RFC 2047), unfolded, or %NULL when absent.
 */
char *
qd_mail_get_header_text (GMimeObject *object,
                         const char  *name)
{
  GMimeHeader *header = g_mime_header_list_get_header (g_mime_object_get_header_list (object), name);
  g_autofree char *joined = NULL;
  g_autofree char *decoded = NULL;

  /* The raw value: GMime's decoded one has been through its decoder already. */
  if (header == NULL || g_mime_header_get_raw_value (header) == NULL)
    return NULL;
  joined = join_encoded_words (g_mime_header_get_raw_value (header));
  decoded = g_mime_utils_header_decode_text (NULL, joined);
  return g_strstrip (g_mime_utils_header_unfold (decoded));
}
