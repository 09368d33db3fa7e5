/* qd-gw-demo-mime.c — the demo's messages as a gateway received them: headers and MIME
 *
 * Messages are real MIME built with GMime, as a gateway would have
 * received them, so the client's parser and preview meet what production
 * brings: nested multiparts, RFC 2047 headers, ISO-2022-JP and UTF-8
 * bodies, base64 attachments. Every random choice is a draw from the
 * planner's GRand, in a fixed order.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gmime/gmime.h>
#include <string.h>

#include "qd-gw-demo-attachments.h"
#include "qd-gw-demo-mime.h"
#include "qd-gw-demo-random.h"
#include "qd-mail.h"

struct _QdGwDemoMime
{
  const QdGwDemoContent *content;   /* the planner's, like the GRand */
  GRand                 *rand;
  GDateTime             *now;
  GTimeZone             *tz;
  char                  *address;
  const char            *domain;
  char                  *name;
  char                  *first;
  char                  *verp;      /* demo=example.com, for VERP envelope senders */
  char                  *mx;        /* the gateway host: the topmost Received is its own */
  GMimeFormatOptions    *format;
};

QdGwDemoMime *
qd_gw_demo_mime_new (const QdGwDemoContent *content,
                     GRand                 *rand,
                     const char            *address,
                     const char            *name,
                     GDateTime             *now)
{
  QdGwDemoMime *self;
  g_autofree char *local = NULL;
  const char *space;

  g_return_val_if_fail (content != NULL, NULL);
  g_return_val_if_fail (rand != NULL, NULL);
  g_return_val_if_fail (address != NULL && strchr (address, '@') != NULL, NULL);
  g_return_val_if_fail (now != NULL, NULL);

  qd_mail_init ();
  self = g_new0 (QdGwDemoMime, 1);
  self->content = content;
  self->rand = rand;
  self->now = g_date_time_ref (now);
  self->tz = g_time_zone_ref (g_date_time_get_timezone (now));
  self->address = g_strdup (address);
  self->domain = strchr (self->address, '@') + 1;
  local = g_strndup (self->address, self->domain - 1 - self->address);
  self->name = g_strdup (name != NULL && *name != '\0' ? name : local);
  space = strchr (self->name, ' ');
  self->first = space != NULL ? g_strndup (self->name, space - self->name) : g_strdup (self->name);
  self->verp = g_strdup_printf ("%s=%s", local, self->domain);
  self->mx = g_strdup_printf ("mx1.%s", self->domain);
  self->format = g_mime_format_options_new ();
  g_mime_format_options_set_newline_format (self->format, GMIME_NEWLINE_FORMAT_UNIX);
  return self;
}

void
qd_gw_demo_mime_free (QdGwDemoMime *self)
{
  if (self == NULL)
    return;
  g_date_time_unref (self->now);
  g_time_zone_unref (self->tz);
  g_free (self->address);
  g_free (self->name);
  g_free (self->first);
  g_free (self->verp);
  g_free (self->mx);
  g_mime_format_options_free (self->format);
  g_free (self);
}

static const char * const months_en[] = {
  "January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December",
};
static const char * const weekdays_en[] = {
  "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
};
static const char * const weekdays_ja[] = { "月", "火", "水", "木", "金", "土", "日" };

/* One message being written: its {placeholder} values and addresses. */
typedef struct
{
  const QdGwDemoTemplate *template;
  gboolean                japanese;
  GDateTime              *received_at;
  GTimeZone              *sender_tz;
  GDateTime              *event;         /* {date}: when a sale ends, an event starts */
  const char             *person;
  const char             *person2;
  char                    n[8];
  char                    id[16];
  char                    pct[8];
  char                    year[8];
  char                    r[8];
  char                    tok[24];
  char                   *amount;
  char                   *date;
  char                   *month;
  char                   *subject;
  char                   *brand;         /* the From display name */
  char                   *from_address;
  char                   *from_domain;
  char                   *envelope;
  char                   *env_domain;
  char                   *href;          /* where the message's main link goes */
  const char             *charset;
  GMimeContentEncoding    encoding;
} Draft;

static void
draft_clear (Draft *d)
{
  g_clear_pointer (&d->sender_tz, g_time_zone_unref);
  g_clear_pointer (&d->event, g_date_time_unref);
  g_free (d->amount);
  g_free (d->date);
  g_free (d->month);
  g_free (d->subject);
  g_free (d->brand);
  g_free (d->from_address);
  g_free (d->from_domain);
  g_free (d->envelope);
  g_free (d->env_domain);
  g_free (d->href);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Draft, draft_clear)

/* Text */

static const char *
lookup (const QdGwDemoMime *self,
        const Draft        *d,
        const char         *key,
        gsize               length)
{
  static const char * const keys[] = {
    "name", "first", "email", "domain", "verp", "person", "person2", "n", "id", "pct",
    "year", "r", "tok", "amount", "date", "month", "subject", "brand",
  };
  const char *values[] = {
    self->name, self->first, self->address, self->domain, self->verp, d->person, d->person2,
    d->n, d->id, d->pct, d->year, d->r, d->tok, d->amount, d->date, d->month, d->subject,
    d->brand,
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (keys) == G_N_ELEMENTS (values));
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (strlen (keys[i]) == length && memcmp (keys[i], key, length) == 0)
      return values[i];
  return NULL;
}

/* Fills {placeholders}; anything else in braces stays as written. */
static char *
expand (const QdGwDemoMime *self,
        const Draft        *d,
        const char         *pattern)
{
  GString *out = g_string_sized_new (strlen (pattern) + 32);
  const char *p = pattern;

  while (*p != '\0')
    {
      const char *open = strchr (p, '{');
      const char *close = open != NULL ? strchr (open, '}') : NULL;
      const char *value = close != NULL ? lookup (self, d, open + 1, close - open - 1) : NULL;

      if (open == NULL)
        {
          g_string_append (out, p);
          break;
        }
      g_string_append_len (out, p, open - p);
      g_string_append (out, value != NULL ? value : "{");
      p = value != NULL ? close + 1 : open + 1;
    }
  return g_string_free (out, FALSE);
}

static char *
format_thousands (guint value)
{
  if (value >= 1000)
    return g_strdup_printf ("%u,%03u", value / 1000, value % 1000);
  return g_strdup_printf ("%u", value);
}

/* Not g_date_time_format (): the names must not follow the locale the
 * gateway happens to run in. */
static char *
format_date (GDateTime *date,
             gboolean   japanese)
{
  int weekday = g_date_time_get_day_of_week (date) - 1;
  int month = g_date_time_get_month (date);
  int day = g_date_time_get_day_of_month (date);

  if (japanese)
    return g_strdup_printf ("%d月%d日（%s）", month, day, weekdays_ja[weekday]);
  return g_strdup_printf ("%s, %s %d", weekdays_en[weekday], months_en[month - 1], day);
}

/* Wraps English prose at 72 columns as a mail program would; quoted
 * lines stay as they are, and Japanese has no spaces to break at. */
static void
append_wrapped (GString    *out,
                const char *text,
                gboolean    wrap)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      if (i > 0)
        g_string_append_c (out, '\n');
      while (wrap && strlen (line) > 72 && line[0] != '>')
        {
          const char *cut = line + 72;

          while (cut > line && *cut != ' ')
            cut--;
          if (cut == line)
            break;
          g_string_append_len (out, line, cut - line);
          g_string_append_c (out, '\n');
          line = cut + 1;
        }
      g_string_append (out, line);
    }
}

static char *
domain_of (const char *address)
{
  const char *at = strrchr (address, '@');

  return g_strdup (at != NULL ? at + 1 : address);
}

static char *
local_part_of (const char *address)
{
  const char *at = strrchr (address, '@');

  return at != NULL ? g_strndup (address, at - address) : g_strdup (address);
}

static char *
url_host (const char *url)
{
  const char *start = strstr (url, "://");

  start = start != NULL ? start + 3 : url;
  return g_strndup (start, strcspn (start, "/?#"));
}

/* RFC 2047 */

static gboolean
is_jis (const char *charset)
{
  return g_ascii_strcasecmp (charset, "ISO-2022-JP") == 0;
}

static char *
to_charset (const char *text,
            gssize      length,
            const char *charset,
            gsize      *bytes_length)
{
  if (is_jis (charset))
    return g_convert (text, length, charset, "UTF-8", NULL, bytes_length, NULL);
  if (length < 0)
    length = strlen (text);
  *bytes_length = length;
  return g_strndup (text, length);
}

static gboolean
jis_can_encode (const char *text)
{
  gsize length;
  g_autofree char *converted = to_charset (text, -1, "ISO-2022-JP", &length);

  return converted != NULL;
}

/* Where a "B" word starting at @p ends: as far as fits a 76-column line
 * and, short of the end of the text, only where its bytes fill whole
 * base64 quanta. GMime 3.2.13 joins adjacent words before decoding and
 * loses everything after a padded one (GMime issue 133). %NULL when
 * there is no such place. */
static const char *
b_word_end (const char *p,
            gboolean    jis)
{
  const char *start = p;
  const char *unpadded = NULL;
  gsize budget = jis ? 36 : 39;
  gsize cost = jis ? 3 : 0;   /* ISO-2022-JP: room to return to ASCII */
  gboolean wide = FALSE;

  while (*p != '\0')
    {
      gunichar c = g_utf8_get_char (p);
      const char *next = g_utf8_next_char (p);
      gsize c_cost = next - p;

      if (jis)
        c_cost = (c < 0x80 ? 1 : 2) + ((c >= 0x80) != wide ? 3 : 0);
      if (cost + c_cost > budget && p > start)
        break;
      cost += c_cost;
      wide = c >= 0x80;
      p = next;
      if ((jis ? cost - 3 + (wide ? 3 : 0) : cost) % 3 == 0)
        unpadded = p;
    }
  return *p == '\0' ? p : unpadded;
}

static void
append_q (GString      *out,
          const guchar *bytes,
          gsize         length)
{
  for (gsize i = 0; i < length; i++)
    {
      if (bytes[i] == ' ')
        g_string_append_c (out, '_');
      else if (g_ascii_isalnum (bytes[i]) || (bytes[i] != '\0' && strchr ("!*+-/", bytes[i])))
        g_string_append_c (out, bytes[i]);
      else
        g_string_append_printf (out, "=%02X", bytes[i]);
    }
}

/* Where a "Q" word starting at @p ends: for the rare stretch no "B" word
 * carries unpadded (ASCII, then three-byte characters, in UTF-8). */
static const char *
q_word_end (const char *p,
            const char *charset)
{
  const char *end = g_utf8_next_char (p);

  while (*end != '\0')
    {
      const char *next = g_utf8_next_char (end);
      g_autoptr(GString) q = g_string_new (NULL);
      gsize length;
      g_autofree char *bytes = to_charset (p, next - p, charset, &length);

      append_q (q, (const guchar *) bytes, length);
      if (q->len > 52)
        break;
      end = next;
    }
  return end;
}

/* Words converted one by one, so each ISO-2022-JP word ends in ASCII
 * mode, and cut only between characters. */
static char *
encode_words (const char *text,
              const char *charset)
{
  GString *out = g_string_new (NULL);
  const char *p = text;

  if (is_jis (charset) && !jis_can_encode (text))
    charset = "UTF-8";
  while (*p != '\0')
    {
      const char *end = b_word_end (p, is_jis (charset));
      gboolean q = end == NULL;
      g_autofree char *bytes = NULL;
      gsize length;

      if (q)
        end = q_word_end (p, charset);
      bytes = to_charset (p, end - p, charset, &length);
      g_string_append_printf (out, "%s=?%s?%c?", out->len > 0 ? "\n " : "", charset, q ? 'Q' : 'B');
      if (q)
        append_q (out, (const guchar *) bytes, length);
      else
        {
          g_autofree char *b64 = g_base64_encode ((const guchar *) bytes, length);

          g_string_append (out, b64);
        }
      g_string_append (out, "?=");
      p = end;
    }
  return g_string_free (out, FALSE);
}

/* Headers */

static void
add_header (GMimeObject *object,
            const char  *name,
            const char  *value)
{
  g_mime_object_append_header (object, name, value, NULL);
}

/* A header exactly as given, folded by the caller: GMime would encode
 * long tokens such as the URLs of List-Unsubscribe as RFC 2047 words. */
static void
add_raw_header (GMimeObject *object,
                const char  *name,
                const char  *folded)
{
  GMimeHeaderList *headers = g_mime_object_get_header_list (object);
  g_autofree char *raw = g_strdup_printf (" %s\n", folded);
  GMimeHeader *header;

  add_header (object, name, "-");
  header = g_mime_header_list_get_header_at (headers, g_mime_header_list_get_count (headers) - 1);
  g_mime_header_set_raw_value (header, raw);
}

/* GMime writes ISO-2022-JP as "Q" words; Japanese mailers use "B". */
static void
add_text_header (GMimeObject *object,
                 const char  *name,
                 const char  *text,
                 const char  *charset)
{
  g_autofree char *words = NULL;

  if (g_str_is_ascii (text))
    {
      add_header (object, name, text);
      return;
    }
  words = encode_words (text, charset);
  add_raw_header (object, name, words);
}

static void
add_mailbox_header (GMimeObject *object,
                    const char  *name,
                    const char  *display_name,
                    const char  *address,
                    const char  *charset)
{
  g_autofree char *words = NULL;
  g_autofree char *value = NULL;

  if (display_name == NULL || g_str_is_ascii (display_name))
    {
      /* InternetAddress has no autoptr cleanup in GMime 3.2. */
      InternetAddress *mailbox = internet_address_mailbox_new (display_name, address);
      g_autofree char *formatted = internet_address_to_string (mailbox, NULL, TRUE);

      g_object_unref (mailbox);
      add_header (object, name, formatted);
      return;
    }
  words = encode_words (display_name, charset);
  value = g_strdup_printf ("%s <%s>", words, address);
  add_raw_header (object, name, value);
}

static char *
format_header_date (GDateTime *date,
                    GTimeZone *tz)
{
  g_autoptr(GDateTime) local = g_date_time_to_timezone (date, tz);

  return g_mime_utils_header_format_date (local);
}

/* As MTAs write them, with the zone's name in a comment: classifiers take
 * a Postfix date without one for forgery (rspamd's INVALID_POSTFIX_RECEIVED). */
static char *
format_received_date (GDateTime *date,
                      GTimeZone *tz)
{
  static const struct
  {
    int         hours;
    const char *name;
  } zones[] = {
    { -7, "MST" }, { -4, "AST" }, { 0, "UTC" }, { 8, "SGT" }, { 9, "JST" }, { 10, "AEST" },
  };
  g_autoptr(GDateTime) local = g_date_time_to_timezone (date, tz);
  g_autofree char *formatted = g_mime_utils_header_format_date (local);
  const char *name = g_date_time_get_timezone_abbreviation (local);
  GTimeSpan offset = g_date_time_get_utc_offset (local);

  for (guint i = 0; i < G_N_ELEMENTS (zones); i++)
    if (offset == zones[i].hours * G_TIME_SPAN_HOUR && (name[0] == '+' || name[0] == '-'))
      name = zones[i].name;
  return g_strdup_printf ("%s (%s)", formatted, name);
}

/* Addresses from the ranges reserved for documentation (RFC 5737). */
static char *
documentation_ip (guint hash)
{
  static const char * const nets[] = { "192.0.2", "198.51.100", "203.0.113" };

  return g_strdup_printf ("%s.%u", nets[hash % 3], 10 + (hash >> 8) % 240);
}

/* Two or three hops, newest first: the gateway's, the sender's outbound
 * relay, sometimes the sender's own submission; spam comes straight from
 * a client. Each hop a few seconds earlier, in its host's time zone.
 * Returns the time of the oldest hop. */
static GDateTime *
add_received (QdGwDemoMime *self,
              GMimeObject  *object,
              GDateTime    *received_at,
              GTimeZone    *sender_tz,
              const char   *relay_domain,
              gboolean      botnet,
              gboolean      stable_ip)
{
  static const char * const prefixes[] = { "mta", "o", "out", "smtp-out", "mx-out" };
  static const char alnum[] = "0123456789ABCDEFGHIJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  static const char hex[] = "0123456789ABCDEF";
  static const char tls[] = "(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\n\t";
  guint hash = g_str_hash (relay_domain);
  guint relay_number = 1 + pick (self->rand, 24);
  guint ip_hash = stable_ip ? hash : g_rand_int (self->rand);
  g_autofree char *relay = g_strdup_printf ("%s%u.%s", prefixes[hash % G_N_ELEMENTS (prefixes)],
                                            relay_number, relay_domain);
  g_autofree char *app = g_strdup_printf ("app%02u.%s", hash % 40, relay_domain);
  g_autofree char *ip = documentation_ip (ip_hash);
  g_autofree char *top_date = format_received_date (received_at, self->tz);
  g_autoptr(GDateTime) hop2 = g_date_time_add_seconds (received_at, -1.0 - pick (self->rand, 6));
  g_autofree char *hop2_date = format_received_date (hop2, sender_tz);
  g_autoptr(GDateTime) hop3 = g_date_time_add_seconds (hop2, -(double) pick (self->rand, 3));
  g_autofree char *hop3_date = format_received_date (hop3, sender_tz);
  g_autofree char *top = NULL;
  g_autofree char *second = NULL;
  guint octet3 = pick (self->rand, 250);
  guint octet4 = 2 + pick (self->rand, 250);
  char qid[16];
  char qid2[12];

  qid[0] = '4';
  random_token (self->rand, qid + 1, 13, alnum);
  random_token (self->rand, qid2, 10, hex);

  top = g_strdup_printf ("from %s (%s [%s])\n\t%sby %s (qd-gateway) with %s id %s\n"
                         "\tfor <%s>; %s",
                         relay, relay, ip, botnet ? "" : tls, self->mx,
                         botnet ? "ESMTP" : "ESMTPS", qid, self->address, top_date);
  add_raw_header (object, "Received", top);

  if (botnet)
    {
      g_autofree char *client = documentation_ip (g_rand_int (self->rand));

      second = g_strdup_printf ("from [%s] (unknown [%s])\n\tby %s with ESMTPA id %s\n"
                                "\tfor <%s>; %s",
                                client, client, relay, qid2, self->address, hop2_date);
      add_raw_header (object, "Received", second);
      return g_date_time_ref (hop2);
    }

  second = g_strdup_printf ("from %s (%s [10.%u.%u.%u])\n\tby %s (Postfix) with ESMTP id %s\n"
                            "\tfor <%s>; %s",
                            app, app, hash % 250, octet3, octet4, relay, qid2, self->address,
                            hop2_date);
  add_raw_header (object, "Received", second);
  if (chance (self->rand, 0.5))
    {
      g_autofree char *third = NULL;

      random_token (self->rand, qid2, 10, hex);
      third = g_strdup_printf ("from localhost (localhost [127.0.0.1])\n\tby %s (Postfix) "
                               "with ESMTP id %s\n\tfor <%s>; %s",
                               app, qid2, self->address, hop3_date);
      add_raw_header (object, "Received", third);
    }
  return g_date_time_ref (hop3);
}

static void
add_authentication_results (QdGwDemoMime *self,
                            GMimeObject  *object,
                            QdReason      reason,
                            const char   *env_domain,
                            const char   *from_domain)
{
  const char *spf = "pass";
  const char *dkim = "pass";
  const char *dmarc = "pass";
  g_autofree char *dkim_result = NULL;
  g_autofree char *value = NULL;

  switch (reason)
    {
    case QD_REASON_SPAM:
      spf = chance (self->rand, 0.5) ? "softfail" : "pass";
      dkim = "none";
      dmarc = "none";
      break;
    case QD_REASON_PHISHING:
    case QD_REASON_MALWARE:
      spf = "fail";
      dkim = "none";
      dmarc = "fail";
      break;
    case QD_REASON_POLICY:
      dkim = chance (self->rand, 0.5) ? "pass" : "none";
      break;
    case QD_REASON_GRAYMAIL:
    default:
      break;
    }
  dkim_result = g_str_equal (dkim, "none") ? g_strdup (dkim)
                                            : g_strdup_printf ("%s header.d=%s", dkim, from_domain);
  value = g_strdup_printf ("%s;\n\tspf=%s smtp.mailfrom=%s;\n\tdkim=%s;\n\tdmarc=%s header.from=%s",
                           self->mx, spf, env_domain, dkim_result, dmarc, from_domain);
  add_raw_header (object, "Authentication-Results", value);
}

static char *
unsubscribe_url (const Draft *d)
{
  return g_strdup_printf ("https://%s/unsubscribe/%s", d->env_domain, d->tok);
}

static void
add_list_headers (GMimeObject *object,
                  const Draft *d)
{
  const QdGwDemoTemplate *t = d->template;
  g_autofree char *local = local_part_of (d->from_address);
  g_autofree char *unsubscribe = unsubscribe_url (d);
  g_autofree char *list_unsubscribe = NULL;

  list_unsubscribe = g_strdup_printf ("<mailto:unsubscribe-%s@%s?subject=unsubscribe>,\n <%s>",
                                      d->tok, d->env_domain, unsubscribe);
  if (t->reason == QD_REASON_GRAYMAIL)
    {
      g_autofree char *list_id = NULL;

      if (g_str_is_ascii (d->brand))
        list_id = g_strdup_printf ("\"%s\" <%s.%s>", d->brand, local, d->from_domain);
      else
        list_id = g_strdup_printf ("<%s.%s>", local, d->from_domain);
      add_header (object, "List-Id", list_id);
    }
  add_raw_header (object, "List-Unsubscribe", list_unsubscribe);
  if (t->category != QD_CATEGORY_FORUM)
    add_header (object, "List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
  if (t->reason == QD_REASON_GRAYMAIL)
    add_header (object, "Precedence", t->category == QD_CATEGORY_FORUM ? "list" : "bulk");
}

/* Each kind of sender has its own habit. */
static char *
message_id (QdGwDemoMime *self,
            QdReason      reason,
            const Draft  *d,
            GDateTime    *date)
{
  static const char hex[] = "0123456789abcdef";
  char random[17];

  random_token (self->rand, random, 16, hex);
  switch (reason)
    {
    case QD_REASON_GRAYMAIL:
      return g_strdup_printf ("<%" G_GINT64_FORMAT "%03u.%s@%s>", g_date_time_to_unix (date),
                              pick (self->rand, 1000), d->tok, d->env_domain);
    case QD_REASON_SPAM:
    case QD_REASON_PHISHING:
    case QD_REASON_MALWARE:
      return g_strdup_printf ("<%.8s$%.8s@%s>", random, random + 8, d->from_domain);
    case QD_REASON_POLICY:
    default:
      {
        g_autoptr(GDateTime) utc = g_date_time_to_utc (date);
        g_autofree char *stamp = g_date_time_format (utc, "%Y%m%d%H%M%S");

        return g_strdup_printf ("<%s.%s@%s>", stamp, random, d->from_domain);
      }
    }
}

/* Drafts */

/* The {placeholder} values and the sender's clock. */
static void
draft_init (QdGwDemoMime *self,
            Draft        *d,
            gboolean      japanese,
            GDateTime    *received_at,
            const char   *sender_key)
{
  static const char lower[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  static const char alnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  static const int offsets[] = { -7, -4, 0, 8, 10 };  /* zones without summer time */
  char **people = japanese ? self->content->people_ja : self->content->people_en;
  guint n_people = g_strv_length (people);
  guint person = pick (self->rand, n_people);
  guint other = pick (self->rand, n_people - 1);
  guint days_later = 3 + pick (self->rand, 8);
  g_autoptr(GDateTime) day = g_date_time_add_days (received_at, days_later);
  g_autofree char *amount = NULL;

  memset (d, 0, sizeof *d);
  d->japanese = japanese;
  d->received_at = received_at;
  d->person = people[person];
  d->person2 = people[(person + 1 + other) % n_people];
  g_snprintf (d->n, sizeof d->n, "%u", 2 + pick (self->rand, 18));
  g_snprintf (d->id, sizeof d->id, "%u", 10000 + pick (self->rand, 990000));
  g_snprintf (d->pct, sizeof d->pct, "%u", 10 + 5 * pick (self->rand, 9));
  g_snprintf (d->year, sizeof d->year, "%d", g_date_time_get_year (received_at));
  random_token (self->rand, d->r, 5, lower);
  random_token (self->rand, d->tok, 16, alnum);

  if (japanese)
    {
      guint thousands = 3 + pick (self->rand, 95);

      amount = format_thousands (1000 * thousands + 100 * pick (self->rand, 10));
      d->amount = g_strconcat (amount, "円", NULL);
      d->sender_tz = g_time_zone_new_offset (9 * 3600);
      d->event = g_date_time_new (d->sender_tz, g_date_time_get_year (day),
                                  g_date_time_get_month (day),
                                  g_date_time_get_day_of_month (day), 15, 0, 0);
    }
  else
    {
      guint dollars = 49 + pick (self->rand, 4950);
      /* A sender keeps its clock; throwaway spam hosts do not. */
      guint zone = sender_key != NULL ? g_str_hash (sender_key) : g_rand_int (self->rand);

      amount = format_thousands (dollars);
      d->amount = g_strdup_printf ("$%s.%02u", amount, pick (self->rand, 100));
      d->sender_tz = g_time_zone_new_offset (3600 * offsets[zone % G_N_ELEMENTS (offsets)]);
      d->event = g_date_time_new_utc (g_date_time_get_year (day), g_date_time_get_month (day),
                                      g_date_time_get_day_of_month (day), 17, 0, 0);
    }
  d->date = format_date (d->event, japanese);
  d->month = japanese ? g_strdup_printf ("%d月", g_date_time_get_month (received_at))
                      : g_strdup (months_en[g_date_time_get_month (received_at) - 1]);
}

static void
draft_set_template (QdGwDemoMime           *self,
                    Draft                  *d,
                    const QdGwDemoTemplate *t)
{
  d->template = t;
  d->brand = expand (self, d, t->from_name);
  d->from_address = expand (self, d, t->from_address);
  d->from_domain = domain_of (d->from_address);
  d->envelope = expand (self, d, t->envelope != NULL ? t->envelope : t->from_address);
  d->env_domain = domain_of (d->envelope);
  if (t->link != NULL)
    d->href = expand (self, d, t->link);
  else
    d->href = g_strdup_printf ("https://click.%s/ls/click?upn=%s", d->env_domain, d->tok);
  d->subject = expand (self, d, t->subjects[pick (self->rand, g_strv_length (t->subjects))]);
}

/* Attachments */

static GMimeObject *
attachment_new (QdGwDemoMime *self,
                const Draft  *d)
{
  const QdGwDemoTemplate *t = d->template;
  g_autofree char *file_name = expand (self, d, t->attachment_name);
  const char *dot = strrchr (file_name, '.');
  g_autofree char *stem = g_strndup (file_name, dot != NULL ? dot - file_name : -1);
  const char *title = g_str_is_ascii (stem) ? stem : "Document";
  const char *type = "application/octet-stream";
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GMimeStream) stream = NULL;
  g_autoptr(GMimeDataWrapper) content = NULL;
  g_auto(GStrv) type_parts = NULL;
  GMimePart *part;

  switch (t->attachment)
    {
    case QD_GW_DEMO_ATTACH_PDF:
      type = "application/pdf";
      bytes = qd_gw_demo_pdf_new (title);
      break;
    case QD_GW_DEMO_ATTACH_ICS:
      type = "text/calendar";
      {
        QdGwDemoInvitation invitation = {
          .domain = d->from_domain,
          .language = d->japanese ? "JA" : "EN",
          .uid = d->tok,
          .start = d->event,
          .stamp = d->received_at,
          .summary = d->subject,
          .description = d->href,
          .organizer_name = d->brand,
          .organizer_address = d->from_address,
          .attendee_name = self->name,
          .attendee_address = self->address,
        };

        bytes = qd_gw_demo_ics_new (&invitation);
      }
      break;
    case QD_GW_DEMO_ATTACH_IMAGE:
      type = "image/png";
      bytes = qd_gw_demo_png_new (t->color);
      break;
    case QD_GW_DEMO_ATTACH_EXE:
      bytes = qd_gw_demo_program_new ();
      break;
    case QD_GW_DEMO_ATTACH_ZIP:
    case QD_GW_DEMO_ATTACH_ENCRYPTED_ZIP:
      {
        gboolean encrypted = t->attachment == QD_GW_DEMO_ATTACH_ENCRYPTED_ZIP;
        g_autofree char *inner = g_strconcat (stem, encrypted ? ".pdf" : ".pdf.exe", NULL);
        g_autoptr(GBytes) data = encrypted ? qd_gw_demo_pdf_new (title) : qd_gw_demo_program_new ();
        QdGwDemoZipEntry entry = { inner, data };

        type = chance (self->rand, 0.3) ? "application/x-zip-compressed" : "application/zip";
        bytes = qd_gw_demo_zip_new (&entry, 1, encrypted, d->received_at, self->rand);
      }
      break;
    case QD_GW_DEMO_ATTACH_MACRO_DOC:
      type = "application/vnd.ms-excel.sheet.macroEnabled.12";
      bytes = qd_gw_demo_macro_workbook_new (d->received_at, self->rand);
      break;
    case QD_GW_DEMO_ATTACH_NONE:
    default:
      g_assert_not_reached ();
    }

  type_parts = g_strsplit (type, "/", 2);
  part = g_mime_part_new_with_type (type_parts[0], type_parts[1]);
  if (t->attachment == QD_GW_DEMO_ATTACH_ICS)
    {
      g_mime_object_set_content_type_parameter (GMIME_OBJECT (part), "charset", "UTF-8");
      g_mime_object_set_content_type_parameter (GMIME_OBJECT (part), "method", "REQUEST");
    }
  g_mime_object_set_disposition (GMIME_OBJECT (part), "attachment");
  g_mime_part_set_filename (part, file_name);
  stream = g_mime_stream_mem_new_with_buffer (g_bytes_get_data (bytes, NULL),
                                              g_bytes_get_size (bytes));
  content = g_mime_data_wrapper_new_with_stream (stream, GMIME_CONTENT_ENCODING_DEFAULT);
  g_mime_part_set_content (part, content);
  g_mime_part_set_content_encoding (part, GMIME_CONTENT_ENCODING_BASE64);
  return GMIME_OBJECT (part);
}


/* Bodies */

static GMimeObject *
text_part_new (const char           *subtype,
               const char           *text,
               const char           *charset,
               GMimeContentEncoding  encoding)
{
  GMimeTextPart *part = g_mime_text_part_new_with_subtype (subtype);
  g_autoptr(GMimeStream) stream = NULL;
  g_autoptr(GMimeDataWrapper) content = NULL;
  gsize length;
  g_autofree char *bytes = to_charset (text, -1, charset, &length);

  /* The tables are meant to be JIS-safe: this is a fault in them. */
  if (bytes == NULL)
    {
      g_critical ("Demo text not representable in %s: %.40s", charset, text);
      charset = "UTF-8";
      bytes = to_charset (text, -1, charset, &length);
    }
  stream = g_mime_stream_mem_new_with_buffer (bytes, length);
  content = g_mime_data_wrapper_new_with_stream (stream, GMIME_CONTENT_ENCODING_DEFAULT);
  g_mime_part_set_content (GMIME_PART (part), content);
  g_mime_text_part_set_charset (part, charset);
  g_mime_part_set_content_encoding (GMIME_PART (part), encoding);
  return GMIME_OBJECT (part);
}

static char *
footer_text (QdGwDemoMime *self,
             const Draft  *d)
{
  const QdGwDemoFooter *footer = &self->content->footers[d->template->category];

  return expand (self, d, d->japanese ? footer->ja : footer->en);
}

static char *
compose_text (QdGwDemoMime *self,
              const Draft  *d,
              const char   *body)
{
  const QdGwDemoTemplate *t = d->template;
  GString *out = g_string_new (NULL);

  append_wrapped (out, body, !d->japanese);
  g_string_append (out, "\n");
  if (t->action != NULL)
    g_string_append_printf (out, d->japanese ? "\n▼%s\n%s\n" : "\n%s:\n%s\n", t->action, d->href);

  if (t->reason == QD_REASON_GRAYMAIL)
    {
      g_autofree char *footer = footer_text (self, d);
      g_autofree char *unsubscribe = unsubscribe_url (d);

      g_string_append (out, "\n-- \n");
      append_wrapped (out, footer, !d->japanese);
      g_string_append_printf (out, d->japanese ? "\n配信停止：%s\n" : "\nUnsubscribe: %s\n",
                              unsubscribe);
      if (t->category == QD_CATEGORY_MARKETING)
        g_string_append_printf (out, d->japanese ? "〒100-0000 東京都千代田区サンプル町1-2-3 %s\n"
                                                 : "%s, 100 Example Avenue, Springfield\n",
                                d->brand);
    }
  return g_string_free (out, FALSE);
}

static void
append_html_paragraphs (GString    *out,
                        const char *body)
{
  g_auto(GStrv) paragraphs = g_strsplit (body, "\n\n", -1);

  for (guint i = 0; paragraphs[i] != NULL; i++)
    {
      g_auto(GStrv) lines = g_strsplit (paragraphs[i], "\n", -1);
      gboolean quote = g_str_has_prefix (paragraphs[i], "> ");

      g_string_append (out, quote ? "<blockquote style=\"margin:0 0 16px;padding-left:12px;"
                                    "border-left:3px solid #ced4da;color:#555555\">"
                                  : "<p style=\"margin:0 0 16px\">");
      for (guint k = 0; lines[k] != NULL; k++)
        {
          g_autofree char *escaped = g_markup_escape_text (quote ? lines[k] + 2 : lines[k], -1);

          g_string_append_printf (out, "%s%s", k > 0 ? "<br>\n" : "", escaped);
        }
      g_string_append (out, quote ? "</blockquote>\n" : "</p>\n");
    }
}

/* Spam: a banner image and a shouting link. */
static void
append_spam_html (GString     *out,
                  const Draft *d,
                  const char  *body,
                  const char  *title,
                  const char  *color)
{
  g_autofree char *host = url_host (d->href);

  g_string_append_printf (out,
      "<body style=\"font-family:Arial,sans-serif;font-size:16px\">\n<center>\n"
      "<a href=\"%s\"><img src=\"http://%s/img/banner%s.jpg\" width=\"560\" height=\"300\" "
      "alt=\"%s\" border=\"0\"></a>\n</center>\n",
      d->href, host, d->n, title);
  append_html_paragraphs (out, body);
  if (d->template->action != NULL)
    g_string_append_printf (out, "<p style=\"text-align:center;font-size:22px\"><a href=\"%s\" "
                            "style=\"color:%s;font-weight:bold\">%s</a></p>\n",
                            d->href, color, d->template->action);
}

/* Newsletter HTML: a table layout with inline styles, remote logo and
 * hero images, a button and a tracking pixel, as bulk senders write it. */
static char *
compose_html (QdGwDemoMime *self,
              const Draft  *d,
              const char   *body)
{
  const QdGwDemoTemplate *t = d->template;
  const char *color = t->color != NULL ? t->color : "#495057";
  gboolean graymail = t->reason == QD_REASON_GRAYMAIL;
  g_autofree char *brand = g_markup_escape_text (d->brand, -1);
  g_autofree char *title = g_markup_escape_text (d->subject, -1);
  GString *out = g_string_new (NULL);

  g_string_append_printf (out,
      "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
      "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=%s\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>%s</title>\n</head>\n",
      d->japanese ? "ja" : "en", d->charset, title);
  if (t->reason == QD_REASON_SPAM)
    {
      append_spam_html (out, d, body, title, color);
      g_string_append (out, "</body>\n</html>\n");
      return g_string_free (out, FALSE);
    }

  g_string_append_printf (out,
      "<body style=\"margin:0;padding:0;background:#f1f3f5\">\n"
      "<table role=\"presentation\" width=\"100%%\" cellpadding=\"0\" cellspacing=\"0\" "
      "style=\"background:#f1f3f5\">\n<tr><td align=\"center\" style=\"padding:24px 8px\">\n"
      "<table role=\"presentation\" width=\"600\" cellpadding=\"0\" cellspacing=\"0\" "
      "style=\"background:#ffffff;font-family:Helvetica,Arial,sans-serif;font-size:15px;"
      "line-height:1.6;color:#343a40\">\n"
      "<tr><td style=\"background:%s;padding:16px 24px\">"
      "<img src=\"http://images.%s/email/logo.png\" width=\"160\" height=\"40\" alt=\"%s\" "
      "style=\"display:block\"></td></tr>\n",
      color, d->from_domain, brand);
  if (t->category == QD_CATEGORY_MARKETING)
    g_string_append_printf (out,
        "<tr><td><a href=\"%s\"><img src=\"http://images.%s/email/%s/%.8s/hero.jpg\" "
        "width=\"600\" height=\"280\" alt=\"\" style=\"display:block;border:0\"></a></td></tr>\n",
        d->href, d->from_domain, d->year, d->tok);
  g_string_append (out, "<tr><td style=\"padding:24px\">\n");
  append_html_paragraphs (out, body);
  if (t->action != NULL)
    g_string_append_printf (out,
        "<p style=\"margin:24px 0;text-align:center\"><a href=\"%s\" style=\"background:%s;"
        "color:#ffffff;padding:12px 28px;border-radius:4px;text-decoration:none;"
        "font-weight:bold\">%s</a></p>\n",
        d->href, color, t->action);
  g_string_append (out, "</td></tr>\n<tr><td style=\"padding:16px 24px;background:#f8f9fa;"
                        "font-size:12px;color:#868e96\">\n");
  if (graymail)
    {
      g_autofree char *footer = footer_text (self, d);
      g_autofree char *escaped = g_markup_escape_text (footer, -1);
      g_autofree char *unsubscribe = unsubscribe_url (d);

      g_string_append_printf (out,
          "%s<br>\n<a href=\"%s\" style=\"color:#868e96\">%s</a> | "
          "<a href=\"https://%s/preferences/%s\" style=\"color:#868e96\">%s</a>\n",
          escaped, unsubscribe, d->japanese ? "配信停止" : "Unsubscribe",
          d->env_domain, d->tok, d->japanese ? "配信設定の変更" : "Email preferences");
    }
  else
    g_string_append_printf (out, "&copy; %s %s\n", d->year, brand);
  g_string_append (out, "</td></tr>\n</table>\n</td></tr>\n</table>\n");
  if (graymail)
    g_string_append_printf (out, "<img src=\"http://t.%s/o/%s.gif\" width=\"1\" height=\"1\" "
                            "alt=\"\" style=\"display:none\">\n", d->env_domain, d->tok);
  g_string_append (out, "</body>\n</html>\n");
  return g_string_free (out, FALSE);
}

static void
set_boundary (QdGwDemoMime   *self,
              GMimeMultipart *multipart)
{
  static const char alnum[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  guint number = 10000 + pick (self->rand, 90000);
  char token[25];
  g_autofree char *boundary = NULL;

  random_token (self->rand, token, 24, alnum);
  boundary = g_strdup_printf ("----=_Part_%u_%s", number, token);
  g_mime_multipart_set_boundary (multipart, boundary);
}

/* Plain, HTML or both; with an attachment, all inside multipart/mixed. */
static GMimeObject *
body_new (QdGwDemoMime  *self,
          const Draft   *d,
          const char    *body,
          QdGwDemoLayout layout)
{
  g_autoptr(GMimeObject) plain = NULL;
  g_autoptr(GMimeObject) html = NULL;
  GMimeObject *part;

  if (layout != QD_GW_DEMO_LAYOUT_HTML)
    {
      g_autofree char *text = compose_text (self, d, body);
      gboolean ascii = !d->japanese && g_str_is_ascii (text);

      plain = text_part_new ("plain", text, ascii ? "us-ascii" : d->charset,
                             ascii ? GMIME_CONTENT_ENCODING_7BIT : d->encoding);
    }
  if (layout != QD_GW_DEMO_LAYOUT_PLAIN)
    {
      g_autofree char *markup = compose_html (self, d, body);

      html = text_part_new ("html", markup, d->charset, d->encoding);
    }
  if (plain != NULL && html != NULL)
    {
      GMimeMultipart *alternative = g_mime_multipart_new_with_subtype ("alternative");

      set_boundary (self, alternative);
      g_mime_multipart_add (alternative, plain);
      g_mime_multipart_add (alternative, html);
      part = GMIME_OBJECT (alternative);
    }
  else
    part = g_object_ref (plain != NULL ? plain : html);

  if (d->template->attachment != QD_GW_DEMO_ATTACH_NONE)
    {
      GMimeMultipart *mixed = g_mime_multipart_new_with_subtype ("mixed");
      g_autoptr(GMimeObject) attachment = attachment_new (self, d);

      set_boundary (self, mixed);
      g_mime_multipart_add (mixed, part);
      g_mime_multipart_add (mixed, attachment);
      g_object_unref (part);
      part = GMIME_OBJECT (mixed);
    }
  return part;
}

static GBytes *
serialize (QdGwDemoMime *self,
           GMimeObject  *object)
{
  g_autoptr(GMimeStream) stream = g_mime_stream_mem_new ();
  GByteArray *array;

  g_mime_object_write_to_stream (object, self->format, stream);
  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
  return g_bytes_new (array->data, array->len);
}

/* The message as the gateway received it. */
GBytes *
qd_gw_demo_mime_build_message (QdGwDemoMime           *self,
                               const QdGwDemoTemplate *t,
                               gboolean                japanese,
                               QdGwDemoMessage        *item,
                               gboolean               *html_only)
{
  gboolean legitimate = t->reason == QD_REASON_GRAYMAIL || t->reason == QD_REASON_POLICY;
  gboolean botnet = t->reason == QD_REASON_SPAM || t->reason == QD_REASON_MALWARE;
  g_auto(Draft) d = { 0 };
  g_autoptr(GMimeMessage) message = g_mime_message_new (FALSE);
  GMimeObject *object = GMIME_OBJECT (message);
  g_autoptr(GMimeObject) body_part = NULL;
  g_autoptr(GDateTime) sent = NULL;
  g_autoptr(GDateTime) date = NULL;
  g_autofree char *body = NULL;
  g_autofree char *date_value = NULL;
  g_autofree char *id = NULL;
  g_autofree char *return_path = NULL;
  QdGwDemoLayout layout = t->layout;

  draft_init (self, &d, japanese, item->received_at, legitimate ? t->from_address : NULL);
  draft_set_template (self, &d, t);
  body = expand (self, &d, t->body);

  d.charset = "UTF-8";
  d.encoding = GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;
  if (japanese && chance (self->rand, 0.5) && jis_can_encode (body) && jis_can_encode (d.subject)
      && jis_can_encode (d.brand))
    {
      d.charset = "ISO-2022-JP";
      d.encoding = GMIME_CONTENT_ENCODING_7BIT;
    }
  else if (japanese)
    d.encoding = chance (self->rand, 0.6) ? GMIME_CONTENT_ENCODING_BASE64
                                          : GMIME_CONTENT_ENCODING_8BIT;
  if (layout == QD_GW_DEMO_LAYOUT_ALTERNATIVE && t->category == QD_CATEGORY_MARKETING
      && chance (self->rand, 0.12))
    layout = QD_GW_DEMO_LAYOUT_HTML;
  item->envelope_sender = g_strdup (d.envelope);

  /* Trace and authentication first, newest on top, as delivered. */
  return_path = g_strdup_printf ("<%s>", d.envelope);
  add_header (object, "Return-Path", return_path);
  add_authentication_results (self, object, t->reason, d.env_domain, d.from_domain);
  sent = add_received (self, object, item->received_at, d.sender_tz, d.env_domain, botnet,
                       legitimate);

  date = g_date_time_add_seconds (sent, -20.0 - pick (self->rand, 130));
  date_value = format_header_date (date, d.sender_tz);
  add_header (object, "Date", date_value);
  add_mailbox_header (object, "From", d.brand, d.from_address, d.charset);
  if (legitimate)
    add_mailbox_header (object, "To", self->name, self->address, d.charset);
  else
    add_header (object, "To", self->address);
  add_text_header (object, "Subject", d.subject, d.charset);
  id = message_id (self, t->reason, &d, date);
  add_header (object, "Message-ID", id);
  if (t->rules != NULL && strstr (t->rules, "FREEMAIL_REPLYTO") != NULL)
    {
      g_autofree char *reply_to = g_strdup_printf ("payments.%s@freemail.example", d.r);

      add_header (object, "Reply-To", reply_to);
    }
  /* Some spam pretends to be a newsletter. */
  if (t->reason == QD_REASON_GRAYMAIL || (t->reason == QD_REASON_SPAM && chance (self->rand, 0.3)))
    add_list_headers (object, &d);
  add_header (object, "MIME-Version", "1.0");

  body_part = body_new (self, &d, body, layout);
  g_mime_message_set_mime_part (message, body_part);
  *html_only = layout == QD_GW_DEMO_LAYOUT_HTML;
  return serialize (self, object);
}

/* Samples of missed spam: plain text mail from its sender's server, as
 * it reached the user's mailbox. */
GBytes *
qd_gw_demo_mime_build_sample (QdGwDemoMime         *self,
                              const QdGwDemoSample *sample)
{
  guint jitter = pick (self->rand, 1800);
  g_autoptr(GDateTime) received_at = g_date_time_add_seconds (
      self->now, -3600.0 * sample->age_hours - jitter);
  const char *header_charset = is_jis (sample->charset) ? sample->charset : "UTF-8";
  GMimeContentEncoding encoding = GMIME_CONTENT_ENCODING_7BIT;
  g_auto(Draft) d = { 0 };
  g_autoptr(GMimeMessage) message = g_mime_message_new (FALSE);
  GMimeObject *object = GMIME_OBJECT (message);
  g_autoptr(GDateTime) sent = NULL;
  g_autoptr(GDateTime) date = NULL;
  g_autoptr(GMimeObject) part = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *return_path = NULL;
  g_autofree char *date_value = NULL;
  g_autofree char *id = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *body = NULL;

  draft_init (self, &d, sample->japanese, received_at, sample->from_address);
  d.from_address = g_strdup (sample->from_address);
  d.from_domain = domain_of (sample->from_address);
  subject = expand (self, &d, sample->subject);
  body = expand (self, &d, sample->body);
  append_wrapped (text, body, !sample->japanese);
  g_string_append_c (text, '\n');
  if (g_str_equal (sample->charset, "UTF-8"))
    encoding = sample->japanese ? GMIME_CONTENT_ENCODING_BASE64
                                : GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;

  return_path = g_strdup_printf ("<%s>", sample->from_address);
  add_header (object, "Return-Path", return_path);
  add_authentication_results (self, object, QD_REASON_POLICY, d.from_domain, d.from_domain);
  sent = add_received (self, object, received_at, d.sender_tz, d.from_domain, FALSE, TRUE);
  date = g_date_time_add_seconds (sent, -30.0 - pick (self->rand, 90));
  date_value = format_header_date (date, d.sender_tz);
  add_header (object, "Date", date_value);
  add_mailbox_header (object, "From", sample->from_name, sample->from_address, header_charset);
  add_header (object, "To", self->address);
  add_text_header (object, "Subject", subject, header_charset);
  id = message_id (self, QD_REASON_POLICY, &d, date);
  add_header (object, "Message-ID", id);
  add_header (object, "MIME-Version", "1.0");
  part = text_part_new ("plain", text->str, sample->charset, encoding);
  g_mime_message_set_mime_part (message, part);
  return serialize (self, object);
}
