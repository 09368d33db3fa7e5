/* test-gw-gateway.c — the gateway's rules without HTTP: actions, sender lists, verdicts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "gateway-fixture.h"
#include "qd-gw-error.h"
#include "qd-gw-maildir.h"
#include "qd-gw-senders.h"
#include "qd-mail.h"

#define MAX_SENDERS 3

typedef struct
{
  GatewayFixture  gateway;   /* the gateway alone: no server, no client */
  gint64          alice;
  gint64          bob;
} Fixture;

static gint64
add_user (Fixture    *fixture,
          const char *username)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *address = g_strdup_printf ("%s@example.com", username);
  g_autoptr(QdGwUser) user = NULL;

  g_assert_true (qd_gw_gateway_add_user (fixture->gateway.gateway, username, address, NULL,
                                         "secret", FALSE, &error));
  g_assert_no_error (error);
  user = qd_gw_store_find_user (qd_gw_gateway_get_store (fixture->gateway.gateway), username);
  g_assert_nonnull (user);
  return user->id;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  QdGwConfig config;

  qd_gw_config_init (&config);
  config.max_sender_list = MAX_SENDERS;
  gateway_fixture_set_up_gateway (&fixture->gateway, &config);
  fixture->alice = add_user (fixture, "alice");
  fixture->bob = add_user (fixture, "bob");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  gateway_fixture_tear_down (&fixture->gateway);
}

/* Holds one message from news@shop.example for USERNAME; returns the item's id. */
static char *
hold (Fixture    *fixture,
      const char *username,
      QdFolder    folder,
      QdReason    reason)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strdup_printf ("From: News <news@shop.example>\r\n"
                                           "To: %s@example.com\r\n"
                                           "Subject: Held for a test\r\n"
                                           "Date: Sat, 05 Dec 2026 10:00:00 +0000\r\n"
                                           "Message-ID: <%u@shop.example>\r\n"
                                           "\r\n"
                                           "Hello.\r\n", username, g_random_int ());
  g_autoptr(GBytes) message = g_bytes_new (text, strlen (text));
  QdGwIngestOptions options = { .folder = folder, .reason = reason };
  char *id = qd_gw_gateway_ingest (fixture->gateway.gateway, username, &options, message, &error);

  g_assert_no_error (error);
  g_assert_nonnull (id);
  g_assert_true (g_ascii_isdigit (id[0]));
  return id;
}

static GArray *
act (Fixture    *fixture,
     gint64      user_id,
     QdActions   action,
     gboolean    approve_sender,
     const char *first_id,
     ...)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  GArray *results;
  va_list args;

  va_start (args, first_id);
  for (const char *id = first_id; id != NULL; id = va_arg (args, const char *))
    g_ptr_array_add (ids, g_strdup (id));
  va_end (args);
  results = qd_gw_gateway_act (fixture->gateway.gateway, user_id, action, ids, approve_sender);
  g_assert_nonnull (results);
  g_assert_cmpuint (results->len, ==, ids->len);
  for (guint i = 0; i < ids->len; i++)
    g_assert_cmpstr (g_array_index (results, QdGwActResult, i).id, ==,
                     g_ptr_array_index (ids, i));
  return results;
}

static void
assert_result (GArray         *results,
               guint           index,
               QdGwActOutcome  outcome,
               int             error_code)
{
  QdGwActResult *r = &g_array_index (results, QdGwActResult, index);

  g_assert_cmpint (r->outcome, ==, outcome);
  if (outcome == QD_GW_ACT_FAILED)
    g_assert_error (r->error, QD_GW_ERROR, error_code);
  else
    g_assert_no_error (r->error);
}

static void
assert_status (Fixture    *fixture,
               gint64      user_id,
               const char *id,
               const char *status)
{
  g_autoptr(QdGwItem) item = qd_gw_gateway_get_item (fixture->gateway.gateway, user_id, id);

  g_assert_nonnull (item);
  g_assert_cmpstr (item->status, ==, status);
}

/* Whether Alice's message ID is in her inbox. */
static gboolean
in_inbox (Fixture    *fixture,
          const char *id)
{
  g_autoptr(QdGwItem) item = qd_gw_gateway_get_item (fixture->gateway.gateway, fixture->alice, id);
  g_autofree char *mailbox = qd_gw_gateway_mailbox_path (fixture->gateway.gateway, "alice");
  g_autofree char *name = qd_gw_maildir_file_name (item->received_at, item->id);
  g_autofree char *found = qd_gw_maildir_find (mailbox, QD_GW_MAILDIR_INBOX, name);

  return found != NULL;
}

/* A release delivers once; the second asks for nothing new. */
static void
test_act_release (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autofree char *id = hold (fixture, "alice", QD_FOLDER_QUARANTINE, QD_REASON_SPAM);
  g_autoptr(GArray) first = NULL;
  g_autoptr(GArray) second = NULL;

  g_assert_false (in_inbox (fixture, id));
  first = act (fixture, fixture->alice, QD_ACTION_RELEASE, FALSE, id, NULL);
  assert_result (first, 0, QD_GW_ACT_DONE, 0);
  g_assert_true (in_inbox (fixture, id));
  assert_status (fixture, fixture->alice, id, QD_GW_STATUS_RELEASED);

  second = act (fixture, fixture->alice, QD_ACTION_RELEASE, FALSE, id, NULL);
  assert_result (second, 0, QD_GW_ACT_ALREADY_DONE, 0);
}

/* Ids that name nothing of the user's fail one by one; the others are done. */
static void
test_act_not_found (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autofree char *mine = hold (fixture, "alice", QD_FOLDER_QUARANTINE, QD_REASON_SPAM);
  g_autofree char *theirs = hold (fixture, "bob", QD_FOLDER_QUARANTINE, QD_REASON_SPAM);
  g_autofree char *padded = g_strdup_printf ("0%s", mine);
  g_autoptr(GArray) results = NULL;

  results = act (fixture, fixture->alice, QD_ACTION_DELETE, FALSE,
                 theirs, "999999", "abc", padded, "", mine, NULL);
  for (guint i = 0; i < 5; i++)
    assert_result (results, i, QD_GW_ACT_FAILED, QD_GW_ERROR_NOT_FOUND);
  assert_result (results, 5, QD_GW_ACT_DONE, 0);

  /* Bob's message is untouched. */
  assert_status (fixture, fixture->bob, theirs, QD_GW_STATUS_HELD);
}

/* What a message's reason or folder rules out fails, and leaves it held. */
static void
test_act_not_allowed (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autofree char *malware = hold (fixture, "alice", QD_FOLDER_QUARANTINE, QD_REASON_MALWARE);
  g_autofree char *phishing = hold (fixture, "alice", QD_FOLDER_QUARANTINE, QD_REASON_PHISHING);
  g_autofree char *junk = hold (fixture, "alice", QD_FOLDER_JUNK, QD_REASON_SPAM);
  g_autoptr(GArray) released = NULL;
  g_autoptr(GArray) requested = NULL;

  released = act (fixture, fixture->alice, QD_ACTION_RELEASE, FALSE, malware, phishing, junk,
                  NULL);
  for (guint i = 0; i < 3; i++)
    assert_result (released, i, QD_GW_ACT_FAILED, QD_GW_ERROR_NOT_ALLOWED);
  /* Junk is released by moving it: the message says so. */
  g_assert_nonnull (strstr (g_array_index (released, QdGwActResult, 2).error->message,
                            "move it to the inbox"));
  g_assert_false (in_inbox (fixture, malware));
  assert_status (fixture, fixture->alice, malware, QD_GW_STATUS_HELD);

  requested = act (fixture, fixture->alice, QD_ACTION_REQUEST_RELEASE, FALSE, phishing, malware,
                   NULL);
  assert_result (requested, 0, QD_GW_ACT_DONE, 0);
  assert_result (requested, 1, QD_GW_ACT_FAILED, QD_GW_ERROR_NOT_ALLOWED);
  assert_status (fixture, fixture->alice, phishing, QD_GW_STATUS_RELEASE_REQUESTED);
  /* A request is for the administrator: nothing is delivered yet. */
  g_assert_false (in_inbox (fixture, phishing));
}

/* A Junk message deleted in the mail program cannot be moved: it is gone. */
static void
test_act_gone_from_junk (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autofree char *kept = hold (fixture, "alice", QD_FOLDER_JUNK, QD_REASON_SPAM);
  g_autofree char *deleted = hold (fixture, "alice", QD_FOLDER_JUNK, QD_REASON_SPAM);
  g_autoptr(QdGwItem) item = qd_gw_gateway_get_item (fixture->gateway.gateway, fixture->alice,
                                                     deleted);
  g_autofree char *mailbox = qd_gw_gateway_mailbox_path (fixture->gateway.gateway, "alice");
  g_autofree char *path = qd_gw_maildir_find (mailbox, QD_GW_MAILDIR_JUNK, item->maildir_name);
  g_autoptr(GArray) moved = NULL;
  g_autoptr(GArray) again = NULL;

  g_assert_nonnull (path);
  g_assert_cmpint (g_unlink (path), ==, 0);
  moved = act (fixture, fixture->alice, QD_ACTION_MOVE_TO_INBOX, FALSE, kept, deleted, NULL);
  assert_result (moved, 0, QD_GW_ACT_DONE, 0);
  assert_result (moved, 1, QD_GW_ACT_FAILED, QD_GW_ERROR_GONE_FROM_JUNK);
  g_assert_true (in_inbox (fixture, kept));
  assert_status (fixture, fixture->alice, deleted, QD_GW_STATUS_GONE);

  again = act (fixture, fixture->alice, QD_ACTION_MOVE_TO_INBOX, FALSE, kept, deleted, NULL);
  assert_result (again, 0, QD_GW_ACT_ALREADY_DONE, 0);
  assert_result (again, 1, QD_GW_ACT_FAILED, QD_GW_ERROR_GONE_FROM_JUNK);
}

static char **
list_senders (Fixture        *fixture,
              gint64          user_id,
              QdGwSenderList  list)
{
  g_autoptr(GArray) entries = qd_gw_gateway_list_senders (fixture->gateway.gateway, user_id, list);
  g_autoptr(GStrvBuilder) addresses = g_strv_builder_new ();

  for (guint i = 0; i < entries->len; i++)
    {
      QdGwSenderEntry *entry = &g_array_index (entries, QdGwSenderEntry, i);

      g_assert_cmpint (entry->added_at, >, 0);
      g_strv_builder_add (addresses, entry->address);
    }
  return g_strv_builder_end (addresses);
}

static void
assert_senders (Fixture        *fixture,
                gint64          user_id,
                QdGwSenderList  list,
                const char     *expected)
{
  g_auto(GStrv) addresses = list_senders (fixture, user_id, list);
  g_autofree char *joined = g_strjoinv (" ", addresses);

  g_assert_cmpstr (joined, ==, expected);
}

/* Approving while releasing lists the sender; blocking moves it to the
 * blocked list and deletes the message. */
static void
test_act_sender_lists (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autofree char *first = hold (fixture, "alice", QD_FOLDER_QUARANTINE, QD_REASON_GRAYMAIL);
  g_autofree char *second = hold (fixture, "alice", QD_FOLDER_QUARANTINE, QD_REASON_GRAYMAIL);
  g_autoptr(GArray) released = NULL;
  g_autoptr(GArray) blocked = NULL;
  g_autoptr(GArray) deleted = NULL;

  released = act (fixture, fixture->alice, QD_ACTION_RELEASE, TRUE, first, NULL);
  assert_result (released, 0, QD_GW_ACT_DONE, 0);
  assert_senders (fixture, fixture->alice, QD_GW_LIST_APPROVED, "news@shop.example");

  blocked = act (fixture, fixture->alice, QD_ACTION_BLOCK_SENDER, FALSE, second, NULL);
  assert_result (blocked, 0, QD_GW_ACT_DONE, 0);
  assert_senders (fixture, fixture->alice, QD_GW_LIST_APPROVED, "");
  assert_senders (fixture, fixture->alice, QD_GW_LIST_BLOCKED, "news@shop.example");
  assert_senders (fixture, fixture->bob, QD_GW_LIST_BLOCKED, "");
  assert_status (fixture, fixture->alice, second, QD_GW_STATUS_DELETED);

  /* Blocking deleted it: deleting it again has nothing left to do. */
  deleted = act (fixture, fixture->alice, QD_ACTION_DELETE, FALSE, second, NULL);
  assert_result (deleted, 0, QD_GW_ACT_ALREADY_DONE, 0);
}

static QdGwSenderOutcome
add_sender (Fixture        *fixture,
            gint64          user_id,
            QdGwSenderList  list,
            const char     *text,
            gint64         *added_at)
{
  g_auto(QdGwSenderEntry) entry = { 0 };
  g_autoptr(GError) error = NULL;
  QdGwSenderOutcome outcome;

  outcome = qd_gw_gateway_add_sender (fixture->gateway.gateway, user_id, list, text, &entry,
                                      &error);
  g_assert_no_error (error);
  if (outcome == QD_GW_SENDER_ADDED || outcome == QD_GW_SENDER_ALREADY_LISTED)
    {
      g_autofree char *lower = g_utf8_strdown (text, -1);

      g_assert_cmpstr (entry.address, ==, lower);
      g_assert_cmpint (entry.added_at, >, 0);
      if (added_at != NULL)
        *added_at = entry.added_at;
    }
  else
    g_assert_null (entry.address);
  return outcome;
}

/* A full list takes no new entry, but one already there may be added again. */
static void
test_senders_limit (Fixture       *fixture,
                    gconstpointer  user_data)
{
  const QdGwSenderList list = QD_GW_LIST_APPROVED;
  gint64 first_added = 0;
  gint64 again_added = 0;

  g_assert_cmpuint (qd_gw_gateway_get_config (fixture->gateway.gateway)->max_sender_list, ==,
                    MAX_SENDERS);
  g_assert_cmpint (add_sender (fixture, fixture->alice, list, "a@one.example", &first_added),
                   ==, QD_GW_SENDER_ADDED);
  g_assert_cmpint (add_sender (fixture, fixture->alice, list, "@two.example", NULL),
                   ==, QD_GW_SENDER_ADDED);
  g_assert_cmpint (add_sender (fixture, fixture->alice, list, "c@three.example", NULL),
                   ==, QD_GW_SENDER_ADDED);
  g_assert_cmpint (add_sender (fixture, fixture->alice, list, "d@four.example", NULL),
                   ==, QD_GW_SENDER_LIST_FULL);
  /* An address its domain's entry covers is still an entry more. */
  g_assert_cmpint (add_sender (fixture, fixture->alice, list, "b@two.example", NULL),
                   ==, QD_GW_SENDER_LIST_FULL);
  g_assert_cmpint (add_sender (fixture, fixture->alice, list, "A@One.Example", &again_added),
                   ==, QD_GW_SENDER_ALREADY_LISTED);
  g_assert_cmpint (again_added, ==, first_added);
  assert_senders (fixture, fixture->alice, list, "@two.example a@one.example c@three.example");

  /* The limit is per user and per list. */
  g_assert_cmpint (add_sender (fixture, fixture->bob, list, "d@four.example", NULL),
                   ==, QD_GW_SENDER_ADDED);
  g_assert_cmpint (add_sender (fixture, fixture->alice, QD_GW_LIST_BLOCKED, "d@four.example",
                               NULL), ==, QD_GW_SENDER_ADDED);

  /* Room again once an entry is removed. */
  g_assert_cmpint (qd_gw_gateway_remove_sender (fixture->gateway.gateway, fixture->alice, list,
                                                "C@three.example"), ==, QD_GW_SENDER_REMOVED);
  g_assert_cmpint (add_sender (fixture, fixture->alice, list, "e@five.example", NULL),
                   ==, QD_GW_SENDER_ADDED);
}

static void
test_senders_invalid (Fixture       *fixture,
                      gconstpointer  user_data)
{
  const char * const invalid[] = {
    "", "@", "nobody", "a@b", "a@@b.example", "a b@c.example", "<a@b.example>",
    "a@.example", "a@b.example.", "a@b.example,c@d.example",
  };

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_test_message ("entry “%s”", invalid[i]);
      g_assert_cmpint (add_sender (fixture, fixture->alice, QD_GW_LIST_BLOCKED, invalid[i],
                                   NULL), ==, QD_GW_SENDER_INVALID);
    }
  g_assert_cmpint (add_sender (fixture, fixture->alice, QD_GW_LIST_BLOCKED, NULL, NULL),
                   ==, QD_GW_SENDER_INVALID);
  assert_senders (fixture, fixture->alice, QD_GW_LIST_BLOCKED, "");
}

/* An entry is removed in any case, from its own list and for its own user. */
static void
test_senders_remove (Fixture       *fixture,
                     gconstpointer  user_data)
{
  const struct
  {
    gint64             user_id;
    QdGwSenderList     list;
    const char        *text;
    QdGwSenderOutcome  outcome;
  } steps[] = {
    { fixture->bob, QD_GW_LIST_BLOCKED, "@spam.example", QD_GW_SENDER_NOT_LISTED },
    { fixture->alice, QD_GW_LIST_APPROVED, "@spam.example", QD_GW_SENDER_NOT_LISTED },
    { fixture->alice, QD_GW_LIST_BLOCKED, NULL, QD_GW_SENDER_NOT_LISTED },
    { fixture->alice, QD_GW_LIST_BLOCKED, "@SPAM.example", QD_GW_SENDER_REMOVED },
    { fixture->alice, QD_GW_LIST_BLOCKED, "@spam.example", QD_GW_SENDER_NOT_LISTED },
  };

  g_assert_cmpint (add_sender (fixture, fixture->alice, QD_GW_LIST_BLOCKED, "@spam.example",
                               NULL), ==, QD_GW_SENDER_ADDED);
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_test_message ("step %u", i);
      g_assert_cmpint (qd_gw_gateway_remove_sender (fixture->gateway.gateway, steps[i].user_id,
                                                    steps[i].list, steps[i].text),
                       ==, steps[i].outcome);
    }
  assert_senders (fixture, fixture->alice, QD_GW_LIST_BLOCKED, "");
}

/* An rspamd answer in the form /checkv2 gives it. */
static QdGwCheck *
check_new (const char *action,
           double      score)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  char score_text[G_ASCII_DTOSTR_BUF_SIZE];
  QdGwCheck *check;

  g_ascii_dtostr (score_text, sizeof score_text, score);
  json = g_strdup_printf ("{\"action\": \"%s\", \"score\": %s, \"required_score\": 15,"
                          " \"symbols\": {\"BAYES_HAM\": {\"score\": -1.5},"
                          " \"MANY_LINKS\": {\"score\": 2.5, \"description\": \"Links\"}}}",
                          action, score_text);
  check = qd_gw_check_parse (json, -1, &error);
  g_assert_no_error (error);
  return check;
}

static void
assert_verdict (const char    *action,
                double         score,
                gboolean       reported,
                gboolean       bulk,
                QdVerdictKind  kind)
{
  g_autoptr(QdGwVerdict) verdict = qd_gw_verdict_new (check_new (action, score), 6.0, reported,
                                                      bulk);

  g_test_message ("%s, %g, reported %d, bulk %d", action, score, reported, bulk);
  g_assert_cmpint (verdict->kind, ==, kind);
  g_assert_cmpfloat (verdict->threshold, ==, 6.0);
  g_assert_cmpstr (verdict->action, ==, action);
  g_assert_cmpint (verdict->reported, ==, reported);
}

/* Spam at the threshold or when rspamd acts on it; bulk mail below it is graymail. */
static void
test_verdict_kind (void)
{
  assert_verdict ("no action", 2.0, FALSE, FALSE, QD_VERDICT_KIND_CLEAN);
  assert_verdict ("no action", 5.9, FALSE, FALSE, QD_VERDICT_KIND_CLEAN);
  assert_verdict ("no action", 2.0, FALSE, TRUE, QD_VERDICT_KIND_GRAYMAIL);
  assert_verdict ("greylist", 2.0, FALSE, FALSE, QD_VERDICT_KIND_CLEAN);
  assert_verdict ("no action", 6.0, FALSE, FALSE, QD_VERDICT_KIND_SPAM);
  assert_verdict ("no action", 9.0, FALSE, TRUE, QD_VERDICT_KIND_SPAM);
  assert_verdict ("add header", 1.0, FALSE, TRUE, QD_VERDICT_KIND_SPAM);
  assert_verdict ("rewrite subject", 1.0, FALSE, FALSE, QD_VERDICT_KIND_SPAM);
  assert_verdict ("soft reject", 1.0, FALSE, FALSE, QD_VERDICT_KIND_SPAM);
  assert_verdict ("reject", -3.0, FALSE, FALSE, QD_VERDICT_KIND_SPAM);
  assert_verdict ("no action", -20.0, TRUE, TRUE, QD_VERDICT_KIND_SPAM);
}

/* A reported sample scores 10 more, and the first rule says why. */
static void
test_verdict_reported (void)
{
  g_autoptr(QdGwVerdict) plain = qd_gw_verdict_new (check_new ("no action", 1.0), 6.0, FALSE,
                                                    FALSE);
  g_autoptr(QdGwVerdict) reported = qd_gw_verdict_new (check_new ("no action", 1.0), 6.0, TRUE,
                                                       FALSE);
  QdVerdictRule *rule;

  g_assert_cmpfloat (plain->score, ==, 1.0);
  g_assert_cmpuint (plain->rules->len, ==, 2);
  rule = g_ptr_array_index (plain->rules, 0);
  g_assert_cmpstr (rule->name, ==, "MANY_LINKS");
  g_assert_cmpstr (rule->description, ==, "Links");
  rule = g_ptr_array_index (plain->rules, 1);
  g_assert_cmpstr (rule->name, ==, "BAYES_HAM");
  g_assert_null (rule->description);

  g_assert_cmpfloat (reported->score, ==, 11.0);
  g_assert_cmpuint (reported->rules->len, ==, 3);
  rule = g_ptr_array_index (reported->rules, 0);
  g_assert_cmpstr (rule->name, ==, "QD_REPORTED_SAMPLE");
  g_assert_cmpfloat (rule->score, ==, 10.0);
  g_assert_nonnull (rule->description);
  rule = g_ptr_array_index (reported->rules, 1);
  g_assert_cmpstr (rule->name, ==, "MANY_LINKS");
}

static gboolean
is_bulk (const char *headers)
{
  g_autofree char *text = g_strdup_printf ("From: a@b.example\r\n%sSubject: s\r\n\r\nHi\r\n",
                                           headers);
  g_autoptr(GMimeMessage) message = qd_mail_parse ((const guint8 *)text, strlen (text));

  g_assert_nonnull (message);
  return qd_gw_message_is_bulk (message);
}

static void
test_bulk_markers (void)
{
  g_assert_false (is_bulk (""));
  g_assert_true (is_bulk ("List-Unsubscribe: <mailto:leave@b.example>\r\n"));
  g_assert_true (is_bulk ("Precedence: bulk\r\n"));
  g_assert_true (is_bulk ("Precedence:  List \r\n"));
  g_assert_false (is_bulk ("Precedence: junk\r\n"));
  g_assert_false (is_bulk ("Precedence: bulky\r\n"));
  g_assert_false (qd_gw_message_is_bulk (NULL));
}

static void
classify_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* What is no mail message is refused before rspamd is asked. */
static void
test_classify_not_a_message (Fixture       *fixture,
                             gconstpointer  user_data)
{
  const char * const bodies[] = { "", "just some words", "\r\nA body without headers.\r\n" };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (bodies[i], strlen (bodies[i]));
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(QdGwVerdict) verdict = NULL;
      g_autoptr(GError) error = NULL;

      qd_gw_gateway_classify_async (fixture->gateway.gateway, bytes, NULL, classify_cb, &result);
      while (result == NULL)
        g_main_context_iteration (NULL, TRUE);
      verdict = qd_gw_gateway_classify_finish (fixture->gateway.gateway, result, &error);
      g_assert_error (error, QD_GW_ERROR, QD_GW_ERROR_INVALID_PARAMETER);
      g_assert_null (verdict);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  qd_mail_init ();

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/gw-gateway/act/release", test_act_release);
  ADD ("/gw-gateway/act/not-found", test_act_not_found);
  ADD ("/gw-gateway/act/not-allowed", test_act_not_allowed);
  ADD ("/gw-gateway/act/gone-from-junk", test_act_gone_from_junk);
  ADD ("/gw-gateway/act/sender-lists", test_act_sender_lists);
  ADD ("/gw-gateway/senders/limit", test_senders_limit);
  ADD ("/gw-gateway/senders/invalid", test_senders_invalid);
  ADD ("/gw-gateway/senders/remove", test_senders_remove);
  ADD ("/gw-gateway/classify/not-a-message", test_classify_not_a_message);
#undef ADD
  g_test_add_func ("/gw-gateway/verdict/kind", test_verdict_kind);
  g_test_add_func ("/gw-gateway/verdict/reported", test_verdict_reported);
  g_test_add_func ("/gw-gateway/verdict/bulk-markers", test_bulk_markers);
  return g_test_run ();
}
