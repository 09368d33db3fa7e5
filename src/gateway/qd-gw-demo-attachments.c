/* qd-gw-demo-attachments.c — the demo's attachments: ZIP, PDF, PNG, iCalendar, placeholders
 *
 * Attachments are well-formed but inert: the "programs" are text, the
 * macro project holds no code, and nothing in them runs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "qd-gw-demo-attachments.h"

/* Attachments: small but well-formed files, so a parser or a classifier
 * looking inside finds what it expects. Nothing in them runs. */

static guint32
crc32_update (guint32       crc,
              const guint8 *data,
              gsize         length)
{
  static guint32 table[256];
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      for (guint32 i = 0; i < 256; i++)
        {
          guint32 c = i;

          for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
          table[i] = c;
        }
      g_once_init_leave (&initialized, 1);
    }
  crc ^= 0xffffffffu;
  for (gsize i = 0; i < length; i++)
    crc = table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
  return crc ^ 0xffffffffu;
}

static void
put_le (GByteArray *out,
        guint32     value,
        guint       size)
{
  for (guint i = 0; i < size; i++)
    {
      guint8 b = (value >> (8 * i)) & 0xff;

      g_byte_array_append (out, &b, 1);
    }
}

static void
put_be32 (GByteArray *out,
          guint32     value)
{
  guint8 b[4] = { value >> 24, value >> 16, value >> 8, value };

  g_byte_array_append (out, b, 4);
}

/* Stored (uncompressed) entries; "encrypted" ones carry random bytes
 * where the ciphertext would be, which is all a scanner can see anyway. */
GBytes *
qd_gw_demo_zip_new (const QdGwDemoZipEntry *entries,
                    guint                   n_entries,
                    gboolean                encrypted,
                    GDateTime              *when,
                    GRand                  *rng)
{
  GByteArray *out = g_byte_array_new ();
  g_autoptr(GByteArray) directory = g_byte_array_new ();
  guint16 dos_time = g_date_time_get_hour (when) << 11 | g_date_time_get_minute (when) << 5
                     | g_date_time_get_second (when) / 2;
  guint16 dos_date = (g_date_time_get_year (when) - 1980) << 9
                     | g_date_time_get_month (when) << 5 | g_date_time_get_day_of_month (when);

  for (guint i = 0; i < n_entries; i++)
    {
      gsize length;
      const guint8 *data = g_bytes_get_data (entries[i].data, &length);
      guint32 crc = crc32_update (0, data, length);
      guint16 flags = (encrypted ? 0x0001 : 0) | (g_str_is_ascii (entries[i].name) ? 0 : 0x0800);
      guint32 stored = length + (encrypted ? 12 : 0);
      guint32 offset = out->len;
      guint16 name_length = strlen (entries[i].name);
      g_autoptr(GByteArray) fields = g_byte_array_new ();

      /* From the version needed to the name's length, the local header
       * and the central directory say the same. */
      put_le (fields, 20, 2);
      put_le (fields, flags, 2);
      put_le (fields, 0, 2);      /* stored, not compressed */
      put_le (fields, dos_time, 2);
      put_le (fields, dos_date, 2);
      put_le (fields, crc, 4);
      put_le (fields, stored, 4);
      put_le (fields, length, 4);
      put_le (fields, name_length, 2);

      put_le (out, 0x04034b50, 4);
      g_byte_array_append (out, fields->data, fields->len);
      put_le (out, 0, 2);         /* extra length */
      g_byte_array_append (out, (const guint8 *) entries[i].name, name_length);
      if (encrypted)
        for (guint32 k = 0; k < stored; k++)
          put_le (out, g_rand_int (rng), 1);
      else
        g_byte_array_append (out, data, length);

      put_le (directory, 0x02014b50, 4);
      put_le (directory, 20, 2);  /* version made by */
      g_byte_array_append (directory, fields->data, fields->len);
      put_le (directory, 0, 4);   /* extra and comment lengths */
      put_le (directory, 0, 4);   /* disk, internal attributes */
      put_le (directory, 0, 4);   /* external attributes */
      put_le (directory, offset, 4);
      g_byte_array_append (directory, (const guint8 *) entries[i].name, name_length);
    }

  {
    guint32 directory_offset = out->len;

    g_byte_array_append (out, directory->data, directory->len);
    put_le (out, 0x06054b50, 4);
    put_le (out, 0, 4);
    put_le (out, n_entries, 2);
    put_le (out, n_entries, 2);
    put_le (out, directory->len, 4);
    put_le (out, directory_offset, 4);
    put_le (out, 0, 2);
  }
  return g_byte_array_free_to_bytes (out);
}

GBytes *
qd_gw_demo_program_new (void)
{
  GString *out = g_string_new_len ("MZ\x90\0\x03\0\0\0", 8);

  while (out->len < 1536)
    g_string_append (out, "This file is a harmless placeholder written by qd-gateway seed-demo. "
                          "It is not a program and contains no code.\r\n");
  return g_string_free_to_bytes (out);
}

static char *
pdf_escape (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '(' || *p == ')' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, (guchar) *p < 0x80 ? *p : '?');
    }
  return g_string_free (out, FALSE);
}

/* A one-page PDF with a title line, with a correct cross-reference table. */
GBytes *
qd_gw_demo_pdf_new (const char *title)
{
  g_autofree char *escaped = pdf_escape (title);
  g_autofree char *content = g_strdup_printf (
      "BT /F1 22 Tf 72 760 Td (%s) Tj ET\n"
      "BT /F1 11 Tf 72 730 Td (Demo document written by qd-gateway seed-demo.) Tj ET\n",
      escaped);
  g_autofree char *stream = g_strdup_printf ("<< /Length %zu >>\nstream\n%sendstream",
                                             strlen (content), content);
  const char *objects[] = {
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
    "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    stream,
  };
  GString *pdf = g_string_new ("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
  gsize offsets[G_N_ELEMENTS (objects)];
  gsize xref;

  for (guint i = 0; i < G_N_ELEMENTS (objects); i++)
    {
      offsets[i] = pdf->len;
      g_string_append_printf (pdf, "%u 0 obj\n%s\nendobj\n", i + 1, objects[i]);
    }
  xref = pdf->len;
  g_string_append_printf (pdf, "xref\n0 %zu\n0000000000 65535 f \n", G_N_ELEMENTS (objects) + 1);
  for (guint i = 0; i < G_N_ELEMENTS (objects); i++)
    g_string_append_printf (pdf, "%010zu 00000 n \n", offsets[i]);
  g_string_append_printf (pdf, "trailer\n<< /Size %zu /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
                          G_N_ELEMENTS (objects) + 1, xref);
  return g_string_free_to_bytes (pdf);
}

static void
png_chunk (GByteArray   *out,
           const char   *type,
           const guint8 *data,
           gsize         length)
{
  guint32 crc = crc32_update (0, (const guint8 *) type, 4);

  crc = crc32_update (crc, data, length);
  put_be32 (out, length);
  g_byte_array_append (out, (const guint8 *) type, 4);
  g_byte_array_append (out, data, length);
  put_be32 (out, crc);
}

/* A coupon: the brand colour with a white, dashed-edged panel. Stored
 * deflate blocks keep the encoder to a few lines. */
GBytes *
qd_gw_demo_png_new (const char *color)
{
  const guint width = 120, height = 60;
  guint rgb = 0x495057;
  g_autoptr(GByteArray) raw = g_byte_array_new ();
  g_autoptr(GByteArray) zlib = g_byte_array_new ();
  GByteArray *out = g_byte_array_new ();
  guint8 header[13] = { 0 };
  guint32 a = 1, b = 0;

  if (color != NULL && color[0] == '#')
    rgb = g_ascii_strtoull (color + 1, NULL, 16);

  for (guint y = 0; y < height; y++)
    {
      put_le (raw, 0, 1);
      for (guint x = 0; x < width; x++)
        {
          gboolean panel = x >= 8 && x < width - 8 && y >= 8 && y < height - 8;
          gboolean edge = panel && (x == 8 || x == width - 9 || y == 8 || y == height - 9);
          guint pixel = panel && !(edge && (x + y) / 3 % 2 == 0) ? 0xffffff : rgb;
          guint8 px[3] = { pixel >> 16, pixel >> 8, pixel };

          g_byte_array_append (raw, px, 3);
        }
    }

  put_le (zlib, 0x0178, 2);
  for (guint pos = 0; pos < raw->len; pos += 65535)
    {
      guint16 n = MIN (raw->len - pos, 65535);

      put_le (zlib, pos + n >= raw->len ? 1 : 0, 1);
      put_le (zlib, n, 2);
      put_le (zlib, (guint16) ~n, 2);
      g_byte_array_append (zlib, raw->data + pos, n);
    }
  for (guint i = 0; i < raw->len; i++)
    {
      a = (a + raw->data[i]) % 65521;
      b = (b + a) % 65521;
    }
  put_be32 (zlib, b << 16 | a);

  g_byte_array_append (out, (const guint8 *) "\x89PNG\r\n\x1a\n", 8);
  header[2] = width >> 8; header[3] = width & 0xff;
  header[6] = height >> 8; header[7] = height & 0xff;
  header[8] = 8;          /* bit depth */
  header[9] = 2;          /* RGB */
  png_chunk (out, "IHDR", header, sizeof header);
  png_chunk (out, "IDAT", zlib->data, zlib->len);
  png_chunk (out, "IEND", NULL, 0);
  return g_byte_array_free_to_bytes (out);
}

/* RFC 5545: CRLF lines folded at 75 octets, never inside a character. */
static void
append_ics_line (GString    *out,
                 const char *line)
{
  gsize width = 0;

  for (const char *p = line; *p != '\0'; p = g_utf8_next_char (p))
    {
      gsize n = g_utf8_next_char (p) - p;

      if (width + n > 75)
        {
          g_string_append (out, "\r\n ");
          width = 1;
        }
      g_string_append_len (out, p, n);
      width += n;
    }
  g_string_append (out, "\r\n");
}

static void G_GNUC_PRINTF (2, 3)
append_ics_printf (GString    *out,
                   const char *format,
                   ...)
{
  va_list args;
  g_autofree char *line = NULL;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);
  append_ics_line (out, line);
}

/* An invitation as calendar programs send it. */
GBytes *
qd_gw_demo_ics_new (const QdGwDemoInvitation *invitation)
{
  GString *out = g_string_new (NULL);
  g_autoptr(GDateTime) start = g_date_time_to_utc (invitation->start);
  g_autoptr(GDateTime) end = g_date_time_add_minutes (start, 90);
  g_autoptr(GDateTime) stamp = g_date_time_to_utc (invitation->stamp);
  g_autofree char *start_s = g_date_time_format (start, "%Y%m%dT%H%M%SZ");
  g_autofree char *end_s = g_date_time_format (end, "%Y%m%dT%H%M%SZ");
  g_autofree char *stamp_s = g_date_time_format (stamp, "%Y%m%dT%H%M%SZ");
  /* Commas and semicolons separate values in iCalendar text. */
  g_autofree char *summary = g_strdelimit (g_strdup (invitation->summary), ",;", ' ');

  append_ics_line (out, "BEGIN:VCALENDAR");
  append_ics_line (out, "VERSION:2.0");
  append_ics_printf (out, "PRODID:-//%s//Events//%s", invitation->domain,
                     invitation->language);
  append_ics_line (out, "METHOD:REQUEST");
  append_ics_line (out, "BEGIN:VEVENT");
  append_ics_printf (out, "UID:%s@%s", invitation->uid, invitation->domain);
  append_ics_printf (out, "DTSTAMP:%s", stamp_s);
  append_ics_printf (out, "DTSTART:%s", start_s);
  append_ics_printf (out, "DTEND:%s", end_s);
  append_ics_printf (out, "SUMMARY:%s", summary);
  append_ics_printf (out, "DESCRIPTION:%s", invitation->description);
  append_ics_printf (out, "ORGANIZER;CN=\"%s\":mailto:%s",
                     invitation->organizer_name, invitation->organizer_address);
  append_ics_printf (out, "ATTENDEE;CN=\"%s\";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;"
                     "RSVP=TRUE:mailto:%s",
                     invitation->attendee_name, invitation->attendee_address);
  append_ics_line (out, "STATUS:CONFIRMED");
  append_ics_line (out, "SEQUENCE:0");
  append_ics_line (out, "END:VEVENT");
  append_ics_line (out, "END:VCALENDAR");
  return g_string_free_to_bytes (out);
}

/* An Office Open XML workbook with a macro project, as far as a scanner
 * looks: the parts and their content types, no code. */
GBytes *
qd_gw_demo_macro_workbook_new (GDateTime *when,
                               GRand     *rand)
{
  static const char types_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<Types><Override PartName=\"/xl/workbook.xml\" "
    "ContentType=\"application/vnd.ms-excel.sheet.macroEnabled.main+xml\"/></Types>\n";
  static const char workbook_xml[] = "<workbook><sheets/></workbook>\n";
  static const char project_bin[] = "placeholder: no macro code\n";
  g_autoptr(GBytes) types = g_bytes_new_static (types_xml, strlen (types_xml));
  g_autoptr(GBytes) workbook = g_bytes_new_static (workbook_xml, strlen (workbook_xml));
  g_autoptr(GBytes) project = g_bytes_new_static (project_bin, strlen (project_bin));
  QdGwDemoZipEntry entries[] = {
    { "[Content_Types].xml", types },
    { "xl/workbook.xml", workbook },
    { "xl/vbaProject.bin", project },
  };

  return qd_gw_demo_zip_new (entries, G_N_ELEMENTS (entries), FALSE, when, rand);
}
