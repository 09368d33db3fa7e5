/* qd-gw-demo.c — the plan of the demo's held mail: which kinds, which senders, when
 *
 * Believable, varied, reproducible: shares of each reason, a wave of
 * false positives, times over two weeks. Everything random comes from one
 * GRand seeded by the caller, shared with the message writer: the same
 * seed and "now" give the same bytes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "qd-gw-demo.h"
#include "qd-gw-demo-content.h"
#include "qd-gw-demo-mime.h"
#include "qd-gw-demo-random.h"

#define DEMO_DAYS       14
#define JAPANESE_SHARE  0.34
#define BURST_SHARE     0.15  /* of marketing graymail: the false-positive wave */
#define N_GROUPS        (5 * 5 * 2)

typedef struct
{
  QdReason    reason;
  QdCategory  category;
  double      share;        /* of all messages */
  double      junk;         /* chance the policy filed it in Junk, not quarantine */
  double      score_min;
  double      score_max;
  const char *rules;        /* always matched */
  const char *extra_rules;  /* each matched now and then */
  const char *policy_rule;
} DemoKind;

static const DemoKind kinds[] = {
  {
    .reason = QD_REASON_GRAYMAIL, .category = QD_CATEGORY_MARKETING,
    .share = 0.26, .junk = 0.12, .score_min = 2.0, .score_max = 6.0,
    .rules = "GRAYMAIL_MARKETING_IP HAS_LIST_UNSUB",
    .extra_rules = "BULK_HEADER HTML_IMAGE_RATIO_02 TRACKING_PIXEL MANY_LINKS",
    .policy_rule = "Graymail: marketing and newsletters",
  },
  {
    .reason = QD_REASON_GRAYMAIL, .category = QD_CATEGORY_SOCIAL,
    .share = 0.12, .junk = 0.25, .score_min = 2.0, .score_max = 5.0,
    .rules = "GRAYMAIL_SOCIAL_IP HAS_LIST_UNSUB",
    .extra_rules = "NOTIFICATION_PATTERN TRACKING_PIXEL",
    .policy_rule = "Graymail: social network notifications",
  },
  {
    .reason = QD_REASON_GRAYMAIL, .category = QD_CATEGORY_FORUM,
    .share = 0.09, .junk = 0.15, .score_min = 2.0, .score_max = 4.5,
    .rules = "GRAYMAIL_FORUM_IP HAS_LIST_ID",
    .extra_rules = "PRECEDENCE_LIST NOTIFICATION_PATTERN HAS_LIST_UNSUB",
    .policy_rule = "Graymail: forum notifications",
  },
  {
    .reason = QD_REASON_GRAYMAIL, .category = QD_CATEGORY_BULK,
    .share = 0.10, .junk = 0.15, .score_min = 2.5, .score_max = 6.0,
    .rules = "GRAYMAIL_BULK_IP PRECEDENCE_BULK",
    .extra_rules = "HAS_LIST_UNSUB BULK_SENDER_REPUTATION",
    .policy_rule = "Graymail: bulk mail",
  },
  {
    .reason = QD_REASON_SPAM, .category = QD_CATEGORY_NONE,
    .share = 0.28, .junk = 0.45, .score_min = 8.0, .score_max = 25.0,
    .rules = "BAYES_SPAM",
    .extra_rules = "RCVD_IN_DNSBL URIBL_BLACK R_SPF_SOFTFAIL FROM_NEQ_ENVFROM "
                   "HFILTER_HOSTNAME_UNKNOWN DMARC_NA",
    .policy_rule = "Spam: high confidence",
  },
  {
    .reason = QD_REASON_PHISHING, .category = QD_CATEGORY_NONE,
    .share = 0.08, .junk = 0.05, .score_min = 18.0, .score_max = 40.0,
    .rules = "PHISHING_URL",
    .extra_rules = "DMARC_POLICY_REJECT R_SPF_FAIL URL_DISPLAY_MISMATCH NEW_DOMAIN",
    .policy_rule = "Phishing: high confidence",
  },
  {
    .reason = QD_REASON_MALWARE, .category = QD_CATEGORY_NONE,
    .share = 0.03, .junk = 0.0, .score_min = 40.0, .score_max = 80.0,
    .rules = "MALWARE_ATTACHMENT",
    .extra_rules = "SANDBOX_MALICIOUS MIME_BAD_EXTENSION",
    .policy_rule = "Malware: attachment scan",
  },
  {
    .reason = QD_REASON_POLICY, .category = QD_CATEGORY_NONE,
    .share = 0.04, .junk = 0.0, .score_min = 0.0, .score_max = 3.0,
    .rules = "",
    .extra_rules = "EXTERNAL_SENDER",
    .policy_rule = "Policy: content rules",
  },
};

/* Relative weight of each local hour: newsletters go out in waking
 * hours and evenings, spam arrives around the clock. */
static const guint8 hours_daytime[24] = {
  1, 1, 1, 1, 1, 2, 4, 7, 10, 12, 12, 11, 10, 10, 10, 10, 9, 9, 10, 11, 10, 8, 5, 2,
};
static const guint8 hours_any[24] = {
  6, 6, 7, 7, 6, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 6, 6, 6, 6,
};

typedef struct
{
  GRand           *rand;
  GDateTime       *now;
  GTimeZone       *tz;
  QdGwDemoContent *content;
  QdGwDemoMime    *mime;
  GArray          *groups[N_GROUPS];  /* template indices by kind and language */
} Generator;

typedef struct
{
  QdGwDemoMessage        *item;
  const QdGwDemoTemplate *template;
  const DemoKind         *kind;
  gboolean                japanese;
  guint                   order;
} Plan;

void
qd_gw_demo_message_free (QdGwDemoMessage *message)
{
  if (message == NULL)
    return;
  g_free (message->policy_rule);
  g_strfreev (message->rules);
  g_clear_pointer (&message->received_at, g_date_time_unref);
  g_free (message->envelope_sender);
  g_clear_pointer (&message->data, g_bytes_unref);
  g_free (message);
}

static guint
group_of (QdReason   reason,
          QdCategory category,
          gboolean   japanese)
{
  return ((guint) reason * 5 + (guint) category) * 2 + (japanese ? 1 : 0);
}

static void
generator_init (Generator  *gen,
                const char *address,
                const char *name,
                GDateTime  *now,
                guint32     seed)
{
  g_autoptr(GError) error = NULL;

  memset (gen, 0, sizeof *gen);
  /* Compiled in: a fault here is a fault in src/gateway/demo/. */
  gen->content = qd_gw_demo_content_new (&error);
  if (gen->content == NULL)
    g_error ("The demo content is not valid: %s", error->message);
  gen->rand = g_rand_new_with_seed (seed);
  gen->now = g_date_time_ref (now);
  gen->tz = g_time_zone_ref (g_date_time_get_timezone (now));
  gen->mime = qd_gw_demo_mime_new (gen->content, gen->rand, address, name, now);

  for (guint i = 0; i < N_GROUPS; i++)
    gen->groups[i] = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < gen->content->templates->len; i++)
    {
      const QdGwDemoTemplate *t = &g_array_index (gen->content->templates, QdGwDemoTemplate, i);

      g_array_append_val (gen->groups[group_of (t->reason, t->category, t->japanese)], i);
    }
}

static void
generator_clear (Generator *gen)
{
  qd_gw_demo_mime_free (gen->mime);
  g_rand_free (gen->rand);
  g_date_time_unref (gen->now);
  g_time_zone_unref (gen->tz);
  qd_gw_demo_content_free (gen->content);
  for (guint i = 0; i < N_GROUPS; i++)
    g_array_unref (gen->groups[i]);
}

static guint
pick_weighted (Generator    *gen,
               const guint8 *weights,
               guint         n)
{
  guint total = 0;
  guint x;

  for (guint i = 0; i < n; i++)
    total += weights[i];
  x = pick (gen->rand, total);
  for (guint i = 0; i < n; i++)
    {
      if (x < weights[i])
        return i;
      x -= weights[i];
    }
  return n - 1;
}

/* Rules, score and policy: what the gateway says about the item. */
static void
classify (Generator              *gen,
          QdGwDemoMessage        *item,
          const DemoKind         *kind,
          const QdGwDemoTemplate *t,
          gboolean                html_only)
{
  g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *matched = g_strjoin (" ", kind->rules, t->rules != NULL ? t->rules : "", NULL);
  g_auto(GStrv) names = g_strsplit (matched, " ", -1);
  g_auto(GStrv) extra = g_strsplit (kind->extra_rules, " ", -1);
  double low = kind->score_min;
  double high = kind->score_max;
  const char *policy_rule = t->policy_rule != NULL ? t->policy_rule : kind->policy_rule;
  double score;

  for (guint i = 0; names[i] != NULL; i++)
    if (*names[i] != '\0')
      g_ptr_array_add (rules, g_strdup (names[i]));
  if (html_only && item->reason == QD_REASON_GRAYMAIL)
    g_ptr_array_add (rules, g_strdup ("MIME_HTML_ONLY"));
  for (guint i = 0; extra[i] != NULL; i++)
    {
      gboolean present = g_ptr_array_find_with_equal_func (rules, extra[i], g_str_equal, NULL);

      if (chance (gen->rand, 0.35) && !present)
        g_ptr_array_add (rules, g_strdup (extra[i]));
    }
  g_ptr_array_add (rules, NULL);

  /* The folder follows from the policy that matched. */
  if (item->reason == QD_REASON_SPAM)
    {
      gboolean junk = item->folder == QD_FOLDER_JUNK;

      policy_rule = junk ? "Spam: suspected" : "Spam: high confidence";
      low = junk ? 8.0 : 15.0;
      high = junk ? 15.0 : 25.0;
    }
  else if (item->reason == QD_REASON_PHISHING && item->folder == QD_FOLDER_JUNK)
    policy_rule = "Phishing: suspected";

  score = g_rand_double_range (gen->rand, low, high);
  item->score = floor (score * 10.0 + 0.5) / 10.0;
  item->rules = (char **) g_ptr_array_steal (rules, NULL);
  item->policy_rule = g_strdup (policy_rule);
}

/* Times */

/* Spread over the last DEMO_DAYS days, more on recent ones: what a user
 * sees first is busy. */
static GDateTime *
pick_received_at (Generator    *gen,
                  const guint8 *hours)
{
  g_autoptr(GDateTime) oldest = g_date_time_add_days (gen->now, -DEMO_DAYS);
  g_autoptr(GDateTime) newest = g_date_time_add_minutes (gen->now, -2);
  guint8 days[DEMO_DAYS];

  for (guint i = 0; i < DEMO_DAYS; i++)
    days[i] = 20 - i;

  for (int attempt = 0; attempt < 16; attempt++)
    {
      guint days_ago = pick_weighted (gen, days, DEMO_DAYS);
      g_autoptr(GDateTime) day = g_date_time_add_days (gen->now, -(int) days_ago);
      guint hour = pick_weighted (gen, hours, 24);
      guint minute = pick (gen->rand, 60);
      guint second = pick (gen->rand, 60);
      GDateTime *t = g_date_time_new (gen->tz, g_date_time_get_year (day),
                                      g_date_time_get_month (day),
                                      g_date_time_get_day_of_month (day), hour, minute, second);

      if (g_date_time_compare (t, oldest) > 0 && g_date_time_compare (t, newest) <= 0)
        return t;
      g_date_time_unref (t);
    }
  return g_date_time_add_seconds (gen->now, -60.0 - pick (gen->rand, 3600));
}

static int
compare_plans (gconstpointer a,
               gconstpointer b)
{
  const Plan *pa = a;
  const Plan *pb = b;
  int order = g_date_time_compare (pa->item->received_at, pb->item->received_at);

  return order != 0 ? order : (pa->order > pb->order) - (pa->order < pb->order);
}

/* Exact shares, then shuffled: even a small count shows the whole mix. */
static guint *
assign_kinds (Generator *gen,
              guint      count)
{
  guint *slots = g_new (guint, MAX (count, 1));

  for (guint i = 0; i < count; i++)
    {
      double position = (i + 0.5) / count;
      double cumulative = 0.0;
      guint k = 0;

      for (; k < G_N_ELEMENTS (kinds) - 1; k++)
        {
          cumulative += kinds[k].share;
          if (position < cumulative)
            break;
        }
      slots[i] = k;
    }
  for (guint i = count; i > 1; i--)
    {
      guint j = pick (gen->rand, i);
      guint swap = slots[i - 1];

      slots[i - 1] = slots[j];
      slots[j] = swap;
    }
  return slots;
}

GPtrArray *
qd_gw_demo_generate (guint       count,
                     const char *recipient_address,
                     const char *recipient_name,
                     GDateTime  *now,
                     guint32     seed)
{
  Generator gen;
  g_autoptr(GArray) plans = NULL;
  g_autoptr(GDateTime) burst_day = NULL;
  g_autoptr(GDateTime) burst_start = NULL;
  g_autofree guint *slots = NULL;
  GPtrArray *messages;

  g_return_val_if_fail (recipient_address != NULL, NULL);
  g_return_val_if_fail (strchr (recipient_address, '@') != NULL, NULL);
  g_return_val_if_fail (now != NULL, NULL);

  generator_init (&gen, recipient_address, recipient_name, now, seed);
  plans = g_array_sized_new (FALSE, TRUE, sizeof (Plan), count);
  messages = g_ptr_array_new_full (count, (GDestroyNotify) qd_gw_demo_message_free);

  /* The incident: 19:00 to 21:00 local time, two days ago. */
  burst_day = g_date_time_add_days (now, -2);
  burst_start = g_date_time_new (gen.tz, g_date_time_get_year (burst_day),
                                 g_date_time_get_month (burst_day),
                                 g_date_time_get_day_of_month (burst_day), 19, 0, 0);

  slots = assign_kinds (&gen, count);
  for (guint i = 0; i < count; i++)
    {
      const DemoKind *kind = &kinds[slots[i]];
      gboolean japanese = chance (gen.rand, JAPANESE_SHARE);
      gboolean burst = kind->category == QD_CATEGORY_MARKETING && chance (gen.rand, BURST_SHARE);
      GArray *group = gen.groups[group_of (kind->reason, kind->category, japanese)];
      QdGwDemoMessage *item = g_new0 (QdGwDemoMessage, 1);
      Plan plan = { item, NULL, kind, japanese, i };

      if (group->len == 0)
        {
          plan.japanese = !japanese;
          group = gen.groups[group_of (kind->reason, kind->category, plan.japanese)];
        }
      g_assert (group->len > 0);
      plan.template = &g_array_index (gen.content->templates, QdGwDemoTemplate,
                                     g_array_index (group, guint, pick (gen.rand, group->len)));
      item->reason = kind->reason;
      item->category = kind->category;
      /* The wave quarantined legitimate mail; none of it went to Junk. */
      if (!burst && chance (gen.rand, kind->junk))
        item->folder = QD_FOLDER_JUNK;
      else
        item->folder = QD_FOLDER_QUARANTINE;
      if (burst)
        item->received_at = g_date_time_add_seconds (burst_start, pick (gen.rand, 7200));
      else if (kind->reason == QD_REASON_GRAYMAIL || kind->reason == QD_REASON_POLICY)
        item->received_at = pick_received_at (&gen, hours_daytime);
      else
        item->received_at = pick_received_at (&gen, hours_any);
      g_array_append_val (plans, plan);
    }

  /* Oldest first, as a gateway would have ingested them. */
  g_array_sort (plans, compare_plans);
  for (guint i = 0; i < plans->len; i++)
    {
      Plan *plan = &g_array_index (plans, Plan, i);
      gboolean html_only = FALSE;

      plan->item->data = qd_gw_demo_mime_build_message (gen.mime, plan->template, plan->japanese,
                                                        plan->item, &html_only);
      classify (&gen, plan->item, plan->kind, plan->template, html_only);
      g_ptr_array_add (messages, plan->item);
    }

  generator_clear (&gen);
  return messages;
}

gboolean
qd_gw_demo_write_samples (const char  *directory,
                          const char  *recipient_address,
                          GDateTime   *now,
                          GError     **error)
{
  Generator gen;
  gboolean ok = TRUE;

  g_return_val_if_fail (directory != NULL, FALSE);
  g_return_val_if_fail (recipient_address != NULL, FALSE);
  g_return_val_if_fail (strchr (recipient_address, '@') != NULL, FALSE);
  g_return_val_if_fail (now != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_mkdir_with_parents (directory, 0755) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "Cannot create the samples folder %s: %s", directory, g_strerror (errsv));
      return FALSE;
    }

  /* A fixed seed: the same samples on every run. */
  generator_init (&gen, recipient_address, NULL, now, 5);
  for (guint i = 0; ok && i < gen.content->samples->len; i++)
    {
      const QdGwDemoSample *sample = &g_array_index (gen.content->samples, QdGwDemoSample, i);
      g_autoptr(GBytes) data = qd_gw_demo_mime_build_sample (gen.mime, sample);
      g_autofree char *path = g_build_filename (directory, sample->file_name, NULL);

      ok = g_file_set_contents (path, g_bytes_get_data (data, NULL), g_bytes_get_size (data),
                                error);
    }
  generator_clear (&gen);
  return ok;
}
