/* test-gw-smtp-parser.c — SMTP command lines into their parts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "qd-gw-smtp-parser.h"

static QdGwSmtpParseStatus
parse (const char      *line,
       QdGwSmtpCommand *command)
{
  return qd_gw_smtp_parse_command (line, strlen (line), command);
}

static void
test_verbs (void)
{
  static const struct
  {
    const char   *line;
    QdGwSmtpVerb  verb;
  } cases[] = {
    { "HELO client.example", QD_GW_SMTP_VERB_HELO },
    { "ehlo client.example", QD_GW_SMTP_VERB_EHLO },
    { "EhLo [127.0.0.1]", QD_GW_SMTP_VERB_EHLO },
    { "DATA", QD_GW_SMTP_VERB_DATA },
    { "rset", QD_GW_SMTP_VERB_RSET },
    { "NOOP", QD_GW_SMTP_VERB_NOOP },
    { "NOOP anything at all", QD_GW_SMTP_VERB_NOOP },
    { "QUIT", QD_GW_SMTP_VERB_QUIT },
    { "VRFY postmaster", QD_GW_SMTP_VERB_VRFY },
    { "HELP", QD_GW_SMTP_VERB_HELP },
    { "help mail", QD_GW_SMTP_VERB_HELP },
    { "STARTTLS", QD_GW_SMTP_VERB_STARTTLS },
    { "AUTH PLAIN AGFsaWNlAHNlY3JldA==", QD_GW_SMTP_VERB_AUTH },
    { "QUIT  ", QD_GW_SMTP_VERB_QUIT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      QdGwSmtpCommand command;

      g_test_message ("%s", cases[i].line);
      g_assert_cmpint (parse (cases[i].line, &command), ==, QD_GW_SMTP_PARSE_OK);
      g_assert_cmpint (command.verb, ==, cases[i].verb);
    }
}

static void
test_hello_argument (void)
{
  QdGwSmtpCommand command;

  g_assert_cmpint (parse ("EHLO   client.example  ", &command), ==, QD_GW_SMTP_PARSE_OK);
  g_assert_cmpint (command.verb, ==, QD_GW_SMTP_VERB_EHLO);
  g_assert_cmpuint (command.arg_len, ==, strlen ("client.example"));
  g_assert_cmpmem (command.arg, command.arg_len, "client.example", strlen ("client.example"));

  g_assert_cmpint (parse ("EHLO", &command), ==, QD_GW_SMTP_PARSE_SYNTAX);
  g_assert_cmpint (command.verb, ==, QD_GW_SMTP_VERB_EHLO);
  g_assert_cmpint (parse ("HELO ", &command), ==, QD_GW_SMTP_PARSE_SYNTAX);
  g_assert_cmpint (parse ("VRFY", &command), ==, QD_GW_SMTP_PARSE_SYNTAX);
}

static void
test_no_argument_verbs (void)
{
  const char *lines[] = { "DATA now", "RSET x", "QUIT bye", "STARTTLS please" };

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      QdGwSmtpCommand command;

      g_assert_cmpint (parse (lines[i], &command), ==, QD_GW_SMTP_PARSE_SYNTAX);
      g_assert_cmpint (command.verb, !=, QD_GW_SMTP_VERB_UNKNOWN);
    }
}

static void
test_mail (void)
{
  QdGwSmtpCommand command;

  g_assert_cmpint (parse ("MAIL FROM:<alice@example.org>", &command), ==, QD_GW_SMTP_PARSE_OK);
  g_assert_cmpint (command.verb, ==, QD_GW_SMTP_VERB_MAIL);
  g_assert_cmpstr (command.path, ==, "alice@example.org");
  g_assert_cmpuint (command.path_len, ==, strlen ("alice@example.org"));
  g_assert_false (command.has_size);
  g_assert_cmpint (command.body, ==, QD_GW_SMTP_BODY_NONE);

  /* A space after the colon, lower case, and a null reverse-path. */
  g_assert_cmpint (parse ("mail from: <bob@example.org>", &command), ==, QD_GW_SMTP_PARSE_OK);
  g_assert_cmpstr (command.path, ==, "bob@example.org");
  g_assert_cmpint (parse ("MAIL FROM:<>", &command), ==, QD_GW_SMTP_PARSE_OK);
  g_assert_cmpstr (command.path, ==, "");
  g_assert_cmpuint (command.path_len, ==, 0);

  /* A quoted local part may hold spaces and brackets. */
  g_assert_cmpint (parse ("MAIL FROM:<\"a <b> c\"@example.org>", &command), ==,
                   QD_GW_SMTP_PARSE_OK);
  g_assert_cmpstr (command.path, ==, "\"a <b> c\"@example.org");

  /* The obsolete source route is dropped. */
  g_assert_cmpint (parse ("MAIL FROM:<@relay.example,@other.example:carol@example.org>",
                          &command), ==, QD_GW_SMTP_PARSE_OK);
  g_assert_cmpstr (command.path, ==, "carol@example.org");
}

static void
test_mail_params (void)
{
  QdGwSmtpCommand command;

  g_assert_cmpint (parse ("MAIL FROM:<a@b> SIZE=12345 BODY=8BITMIME", &command), ==,
                   QD_GW_SMTP_PARSE_OK);
  g_assert_true (command.has_size);
  g_assert_cmpuint (command.size, ==, 12345);
  g_assert_cmpint (command.body, ==, QD_GW_SMTP_BODY_8BITMIME);

  g_assert_cmpint (parse ("MAIL FROM:<a@b>  body=7bit  size=0", &command), ==,
                   QD_GW_SMTP_PARSE_OK);
  g_assert_cmpint (command.body, ==, QD_GW_SMTP_BODY_7BIT);
  g_assert_true (command.has_size);
  g_assert_cmpuint (command.size, ==, 0);

  /* Twenty digits are allowed and saturate rather than wrap. */
  g_assert_cmpint (parse ("MAIL FROM:<a@b> SIZE=99999999999999999999", &command), ==,
                   QD_GW_SMTP_PARSE_OK);
  g_assert_cmpuint (command.size, ==, G_MAXUINT64);
  g_assert_cmpint (parse ("MAIL FROM:<a@b> SIZE=18446744073709551615", &command), ==,
                   QD_GW_SMTP_PARSE_OK);
  g_assert_cmpuint (command.size, ==, G_MAXUINT64);
  g_assert_cmpint (parse ("MAIL FROM:<a@b> SIZE=18446744073709551614", &command), ==,
                   QD_GW_SMTP_PARSE_OK);
  g_assert_cmpuint (command.size, ==, G_MAXUINT64 - 1);

  g_assert_cmpint (parse ("MAIL FROM:<a@b> SIZE=123456789012345678901", &command), ==,
                   QD_GW_SMTP_PARSE_SYNTAX);
  g_assert_cmpint (parse ("MAIL FROM:<a@b> SIZE=", &command), ==, QD_GW_SMTP_PARSE_SYNTAX);
  g_assert_cmpint (parse ("MAIL FROM:<a@b> SIZE", &command), ==, QD_GW_SMTP_PARSE_SYNTAX);
  g_assert_cmpint (parse ("MAIL FROM:<a@b> SIZE=-1", &command), ==, QD_GW_SMTP_PARSE_SYNTAX);
  g_assert_cmpint (parse ("MAIL FROM:<a@b> SIZE=12k", &command), ==, QD_GW_SMTP_PARSE_SYNTAX);
  g_assert_cmpint (parse ("MAIL FROM:<a@b> SIZE=1 SIZE=2", &command), ==,
                   QD_GW_SMTP_PARSE_SYNTAX);
  g_assert_cmpint (parse ("MAIL FROM:<a@b> =x", &command), ==, QD_GW_SMTP_PARSE_SYNTAX);
  g_assert_cmpint (parse ("MAIL FROM:<a@b> BODY", &command), ==, QD_GW_SMTP_PARSE_SYNTAX);

  g_assert_cmpint (parse ("MAIL FROM:<a@b> BODY=BINARYMIME", &command), ==,
                   QD_GW_SMTP_PARSE_UNKNOWN_PARAM);
  g_assert_cmpint (parse ("MAIL FROM:<a@b> SMTPUTF8", &command), ==,
                   QD_GW_SMTP_PARSE_UNKNOWN_PARAM);
  g_assert_cmpint (parse ("MAIL FROM:<a@b> RET=HDRS ENVID=x", &command), ==,
                   QD_GW_SMTP_PARSE_UNKNOWN_PARAM);
  g_assert_cmpint (command.verb, ==, QD_GW_SMTP_VERB_MAIL);
}

static void
test_rcpt (void)
{
  QdGwSmtpCommand command;

  g_assert_cmpint (parse ("RCPT TO:<Spam@Gateway.Example>", &command), ==, QD_GW_SMTP_PARSE_OK);
  g_assert_cmpint (command.verb, ==, QD_GW_SMTP_VERB_RCPT);
  g_assert_cmpstr (command.path, ==, "Spam@Gateway.Example");
  g_assert_cmpint (parse ("rcpt to: <postmaster>", &command), ==, QD_GW_SMTP_PARSE_OK);
  g_assert_cmpstr (command.path, ==, "postmaster");

  g_assert_cmpint (parse ("RCPT TO:<>", &command), ==, QD_GW_SMTP_PARSE_BAD_PATH);
  g_assert_cmpint (parse ("RCPT TO:<a@b> NOTIFY=NEVER", &command), ==,
                   QD_GW_SMTP_PARSE_UNKNOWN_PARAM);
  g_assert_cmpint (parse ("RCPT FROM:<a@b>", &command), ==, QD_GW_SMTP_PARSE_SYNTAX);
  g_assert_cmpint (parse ("RCPT", &command), ==, QD_GW_SMTP_PARSE_SYNTAX);
  g_assert_cmpint (parse ("RCPT TO", &command), ==, QD_GW_SMTP_PARSE_SYNTAX);
  g_assert_cmpint (command.verb, ==, QD_GW_SMTP_VERB_RCPT);
}

static void
test_bad_paths (void)
{
  const char *lines[] = {
    "MAIL FROM:",
    "MAIL FROM:a@b",
    "MAIL FROM:<a@b",
    "MAIL FROM:a@b>",
    "MAIL FROM:<<a@b>>",
    "MAIL FROM:<a<b@c>",
    "MAIL FROM:<a@b>>",
    "MAIL FROM:<a@b>x",
    "MAIL FROM:<a b@c>",
    "MAIL FROM:<\"unterminated@b>",
    "MAIL FROM:<\"esc\\",
    "MAIL FROM:<@route.example>",
    "MAIL FROM:<@route.example:>",
    "MAIL FROM:<caf\xc3\xa9@example.org>",
    "RCPT TO:<a@b",
    "RCPT TO:<\xe2\x82\xac@b>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      QdGwSmtpCommand command;

      g_test_message ("%s", lines[i]);
      g_assert_cmpint (parse (lines[i], &command), ==, QD_GW_SMTP_PARSE_BAD_PATH);
    }
}

static void
test_path_length (void)
{
  QdGwSmtpCommand command;
  g_autoptr(GString) line = g_string_new ("RCPT TO:<");
  gsize mailbox_len = QD_GW_SMTP_MAX_PATH - 2;

  /* 256 octets with the brackets is the most RFC 5321 allows. */
  for (gsize i = 0; i < mailbox_len - 2; i++)
    g_string_append_c (line, 'a');
  g_string_append (line, "@b>");
  g_assert_cmpint (parse (line->str, &command), ==, QD_GW_SMTP_PARSE_OK);
  g_assert_cmpuint (command.path_len, ==, mailbox_len);
  g_assert_cmpuint (strlen (command.path), ==, mailbox_len);

  g_string_insert_c (line, strlen ("RCPT TO:<"), 'a');
  g_assert_cmpint (parse (line->str, &command), ==, QD_GW_SMTP_PARSE_BAD_PATH);
}

static void
test_control_characters (void)
{
  QdGwSmtpCommand command;
  const char with_nul[] = "MAIL FROM:<a\0b@c>";
  const char nul_in_verb[] = "HE\0O x";
  const char nul_in_arg[] = "EHLO a\0b";

  g_assert_cmpint (qd_gw_smtp_parse_command (with_nul, sizeof with_nul - 1, &command), ==,
                   QD_GW_SMTP_PARSE_SYNTAX);
  g_assert_cmpint (command.verb, ==, QD_GW_SMTP_VERB_MAIL);
  g_assert_cmpint (qd_gw_smtp_parse_command (nul_in_verb, sizeof nul_in_verb - 1, &command), ==,
                   QD_GW_SMTP_PARSE_SYNTAX);
  g_assert_cmpint (command.verb, ==, QD_GW_SMTP_VERB_UNKNOWN);
  g_assert_cmpint (qd_gw_smtp_parse_command (nul_in_arg, sizeof nul_in_arg - 1, &command), ==,
                   QD_GW_SMTP_PARSE_SYNTAX);
  g_assert_cmpint (command.verb, ==, QD_GW_SMTP_VERB_EHLO);

  g_assert_cmpint (parse ("NOOP \r", &command), ==, QD_GW_SMTP_PARSE_SYNTAX);
  g_assert_cmpint (parse ("EHLO a\tb", &command), ==, QD_GW_SMTP_PARSE_SYNTAX);
  g_assert_cmpint (parse ("RCPT TO:<a\x7f@b>", &command), ==, QD_GW_SMTP_PARSE_SYNTAX);
  g_assert_cmpint (parse ("MAIL FROM:<a@b> SIZE=1\x1b", &command), ==, QD_GW_SMTP_PARSE_SYNTAX);
}

static void
test_unknown (void)
{
  const char *lines[] = {
    "", " ", "   HELO x", "HELOX x", "MAILFROM:<a@b>", "MAIL\tFROM:<a@b>", "XYZZY",
    "GET / HTTP/1.1", "\xff\xfe\xfd", "STARTTL", "STARTTLSX",
  };

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      QdGwSmtpCommand command;

      g_assert_cmpint (parse (lines[i], &command), ==, QD_GW_SMTP_PARSE_SYNTAX);
      g_assert_cmpint (command.verb, ==, QD_GW_SMTP_VERB_UNKNOWN);
    }
}

/* The length is what counts, never a terminating NUL: parse the prefixes of a
 * line copied to an exact-size heap block, so a sanitizer sees any overrun. */
static void
test_prefixes (void)
{
  const char *line = "MAIL FROM:<@r.example:a@b.example> SIZE=1000 BODY=8BITMIME";
  gsize len = strlen (line);

  for (gsize n = 0; n <= len; n++)
    {
      g_autofree char *copy = g_memdup2 (line, MAX (n, 1));
      QdGwSmtpCommand command;
      QdGwSmtpParseStatus status = qd_gw_smtp_parse_command (copy, n, &command);

      if (n == len)
        {
          g_assert_cmpint (status, ==, QD_GW_SMTP_PARSE_OK);
          g_assert_cmpstr (command.path, ==, "a@b.example");
          g_assert_cmpuint (command.size, ==, 1000);
        }
      g_assert_cmpuint (command.path_len, <, QD_GW_SMTP_MAX_PATH);
    }
}

static void
test_garbage (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240601);
  const char *alphabet = "<>@:\"\\ =.,MAILFROMRCPTTOSIZEBODY8bitmime0123456789\r\n\t\x7f\x80";
  gsize alphabet_len = strlen (alphabet) + 1;   /* NUL too */

  for (guint round = 0; round < 20000; round++)
    {
      gsize len = g_rand_int_range (rand, 0, 600);
      g_autofree char *line = g_malloc (MAX (len, 1));
      QdGwSmtpCommand command;
      QdGwSmtpParseStatus status;
      gsize prefix = 0;

      /* Half the lines start with a real command, to get past the verb. */
      if (round % 2 == 0 && len >= 10)
        {
          const char *start = round % 4 == 0 ? "MAIL FROM:" : "RCPT TO:<";

          prefix = strlen (start);
          memcpy (line, start, prefix);
        }
      for (gsize i = prefix; i < len; i++)
        line[i] = alphabet[g_rand_int_range (rand, 0, alphabet_len)];

      status = qd_gw_smtp_parse_command (line, len, &command);
      g_assert_cmpint (status, >=, QD_GW_SMTP_PARSE_OK);
      g_assert_cmpint (status, <=, QD_GW_SMTP_PARSE_UNKNOWN_PARAM);
      g_assert_cmpuint (command.path_len, <, QD_GW_SMTP_MAX_PATH);
      g_assert_cmpuint (strlen (command.path), ==, command.path_len);
      if (status == QD_GW_SMTP_PARSE_OK && command.arg_len > 0)
        {
          g_assert_true (command.arg >= line && command.arg + command.arg_len <= line + len);
          g_assert_null (memchr (command.arg, '\0', command.arg_len));
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gw-smtp-parser/verbs", test_verbs);
  g_test_add_func ("/gw-smtp-parser/hello-argument", test_hello_argument);
  g_test_add_func ("/gw-smtp-parser/no-argument-verbs", test_no_argument_verbs);
  g_test_add_func ("/gw-smtp-parser/mail", test_mail);
  g_test_add_func ("/gw-smtp-parser/mail-params", test_mail_params);
  g_test_add_func ("/gw-smtp-parser/rcpt", test_rcpt);
  g_test_add_func ("/gw-smtp-parser/bad-paths", test_bad_paths);
  g_test_add_func ("/gw-smtp-parser/path-length", test_path_length);
  g_test_add_func ("/gw-smtp-parser/control-characters", test_control_characters);
  g_test_add_func ("/gw-smtp-parser/unknown", test_unknown);
  g_test_add_func ("/gw-smtp-parser/prefixes", test_prefixes);
  g_test_add_func ("/gw-smtp-parser/garbage", test_garbage);

  return g_test_run ();
}
