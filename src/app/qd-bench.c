/* qd-bench.c — figures for bench/run, recorded only with QD_BENCH=1
 *
 * bench/run starts the window against a gateway holding N messages and
 * reads lines "qd-bench: NAME VALUE" from standard error:
 *
 *   first-rows       ms from the sign-in request to the first rows drawn
 *   first-rows-from-start  the same from the process start (bench/run's clock
 *                    in QD_BENCH_LAUNCHED, else the kernel's, to 10 ms)
 *   sign-in-shown    1 when the sign-in page was drawn before the first rows
 *   stall-startup    longest main-loop stall from the window built to its
 *                    first frame drawn (and its rows, if it came with them)
 *   stall-load       longest stall from then to the first rows drawn, ms
 *   jump-10, -50, -90, -end  ms from the scroll bar set there to the rows
 *                    in view drawn; stall-jump, the longest stall meanwhile
 *   scroll-total     ms to scroll to the last row, loaded, 5 screens a frame;
 *                    -frames, -jumps: its frames, those the view moved itself
 *   stall-scroll     longest stall while scrolling, ms
 *   rss-peak-mb      peak resident memory after scrolling
 *   filter-reason    ms from a reason filter change to its first rows drawn
 *   filter-search    the same for a search (from the query change: the
 *                    search entry's own typing delay is not counted)
 *   stall-filter     longest stall while filtering, ms
 *   move-total, move-count, stall-move  with QD_BENCH_MOVE=1: "Move to
 *                    Inbox" on all the search matched: ms, how many, stall
 *   faults-sign-in   page faults from the process start to the window
 *                    built (qd_bench_window_built ())
 *   faults-first-rows  page faults from then to the first rows drawn: on a
 *                    virtual machine each can cost 10–30 µs
 *
 * QD_BENCH_FOLDER=junk follows the Junk page instead of Quarantine (a
 * mailbox's Junk has no reason filter: that step is left out), and
 * QD_BENCH_SEARCH sets the search text (default "sender5@").
 *
 * With QD_BENCH_SCROLL=1 the window drives itself through that script,
 * then quits.  Stalls: how late a 5 ms high-priority timeout fires.
 * With G_MESSAGES_DEBUG=quarantine-desk the log also says when each phase
 * of the window's first 40 frames ended, in wall and main-thread CPU time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "qd-bench.h"

#define PROBE_INTERVAL_MS 5

typedef enum
{
  STEP_FIRST_ROWS,
  STEP_JUMP,
  STEP_SCROLL,
  STEP_FILTER_REASON,
  STEP_FILTER_SEARCH,
  STEP_MOVE,
  STEP_DONE,
} Step;

static struct
{
  gboolean     enabled;
  gboolean     scripted;
  GHashTable  *begun;        /* name -> start time (µs) */
  gint64       probe_due;
  gint64       max_stall;    /* µs, since the last report */
  Step         step;
  GtkWidget   *scrolled;
  QdItemList  *list;
  QdFilterBar *filter_bar;
  double       scroll_pages;
  double       last_value;
  double       scroll_target; /* where the last tick set the scroll bar; -1: nowhere */
  guint        scroll_frames;
  guint        scroll_jumps;  /* ticks that found the scroll bar elsewhere */
  guint        jump;         /* which of jump_to[] */
  guint        pages_since_jump;
  QdFolder     folder;
  gboolean     move;
  double       faults_at_sign_in;
  gint64       process_start; /* µs, g_get_monotonic_time ()'s clock */
  gboolean     sign_in_shown;
  gboolean     painted;       /* the window's first frame is drawn */
} bench;

static void
report (const char *name,
        double      value)
{
  g_printerr ("qd-bench: %s %.1f\n", name, value);
}

/* Minor and major page faults of the whole process so far. */
static double
page_faults (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_minflt + usage.ru_majflt;
}

/* When this process started, on g_get_monotonic_time ()'s clock: as the
 * bench that started it says, else as the kernel says (in clock ticks
 * since boot: CLOCK_BOOTTIME, to 10 ms). */
static gint64
process_start (void)
{
  const char *launched = g_getenv ("QD_BENCH_LAUNCHED");
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  struct timespec boot;
  const char *end;
  double ticks;

  if (launched != NULL)
    return g_ascii_strtoll (launched, NULL, 10);
  /* Field 22 of /proc/self/stat, counted after the command's ")". */
  if (!g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL) ||
      (end = strrchr (stat, ')')) == NULL)
    return g_get_monotonic_time ();
  fields = g_strsplit (end + 2, " ", 0);
  if (g_strv_length (fields) < 20 || clock_gettime (CLOCK_BOOTTIME, &boot) != 0)
    return g_get_monotonic_time ();
  ticks = g_ascii_strtod (fields[19], NULL);
  return g_get_monotonic_time () - ((gint64)boot.tv_sec * G_USEC_PER_SEC + boot.tv_nsec / 1000) +
         (gint64)(ticks * G_USEC_PER_SEC / sysconf (_SC_CLK_TCK));
}

static void
trace (const char *event)
{
  g_debug ("bench: %s at %.1f ms, longest stall so far %.1f ms", event,
           g_get_monotonic_time () / 1000.0, bench.max_stall / 1000.0);
}

static void
report_stall (const char *phase)
{
  g_autofree char *name = g_strdup_printf ("stall-%s", phase);
  gint64 now = g_get_monotonic_time ();

  /* The turn that ends the phase is late too, though the probe notices
   * only after it: it counts here (a window's first frame, say, in
   * "startup"), and what follows it in the next phase. */
  bench.max_stall = MAX (bench.max_stall, now - bench.probe_due);
  report (name, bench.max_stall / 1000.0);
  bench.max_stall = 0;
  bench.probe_due = MAX (bench.probe_due, now);
}

static gboolean
probe_cb (gpointer user_data)
{
  gint64 now = g_get_monotonic_time ();

  bench.max_stall = MAX (bench.max_stall, now - bench.probe_due);
  if (now - bench.probe_due > 30000)
    g_debug ("bench: a stall of %.1f ms", (now - bench.probe_due) / 1000.0);
  bench.probe_due = now + PROBE_INTERVAL_MS * 1000;
  return G_SOURCE_CONTINUE;
}

void
qd_bench_start (void)
{
  if (g_strcmp0 (g_getenv ("QD_BENCH"), "1") != 0)
    return;
  bench.enabled = TRUE;
  bench.scripted = g_strcmp0 (g_getenv ("QD_BENCH_SCROLL"), "1") == 0;
  bench.scroll_pages = g_ascii_strtod (g_getenv ("QD_BENCH_SCROLL_PAGES") ?: "5", NULL);
  bench.folder = g_strcmp0 (g_getenv ("QD_BENCH_FOLDER"), "junk") == 0 ? QD_FOLDER_JUNK
                                                                        : QD_FOLDER_QUARANTINE;
  bench.move = g_strcmp0 (g_getenv ("QD_BENCH_MOVE"), "1") == 0;
  bench.begun = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  bench.process_start = process_start ();
  bench.probe_due = g_get_monotonic_time () + PROBE_INTERVAL_MS * 1000;
  g_timeout_add_full (G_PRIORITY_HIGH, PROBE_INTERVAL_MS, probe_cb, NULL, NULL);
  trace ("start");
}

void
qd_bench_begin (const char *what)
{
  gint64 *start;

  if (!bench.enabled)
    return;
  /* Stalls count from the sign-in on: the probe's lateness counts from now. */
  if (g_str_equal (what, "sign-in"))
    {
      bench.max_stall = 0;
      bench.probe_due = MAX (bench.probe_due, g_get_monotonic_time ());
    }
  trace (what);
  start = g_new (gint64, 1);
  *start = g_get_monotonic_time ();
  g_hash_table_replace (bench.begun, g_strdup (what), start);
}

static void
end (const char *what,
     const char *name)
{
  gint64 *start = g_hash_table_lookup (bench.begun, what);

  if (start != NULL)
    report (name, (g_get_monotonic_time () - *start) / 1000.0);
}

static double
peak_rss_mb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, "VmHWM:")) == NULL)
    return -1;
  return g_ascii_strtod (line + strlen ("VmHWM:"), NULL) / 1024.0;
}

static void next_step (void);

/* The window's first frame ends "startup", the first rows' too when they
 * came with it (the window is shown once it has them, qd-application.c):
 * then nothing was left to load after it. */
static void
first_frame_painted (void)
{
  if (bench.painted)
    return;
  bench.painted = TRUE;
  trace ("window painted");
  report_stall ("startup");
}

static void
window_painted_cb (GdkFrameClock *clock,
                   gpointer       user_data)
{
  g_signal_handlers_disconnect_by_func (clock, window_painted_cb, user_data);
  /* The window's first frame, or the list's when the window opened on
   * another page: whichever comes first. */
  if (bench.step == STEP_FIRST_ROWS)
    first_frame_painted ();
}

/* G_MESSAGES_DEBUG: when each phase of the first frames ended (our
 * handlers run after GTK's own), so the log says where a frame's time went. */
static gint64 phase_last;
static gint64 phase_last_cpu;
static guint  phase_frames;

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64)ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static void
phase_cb (GdkFrameClock *clock,
          gpointer       user_data)
{
  gint64 now = g_get_monotonic_time ();
  gint64 cpu = thread_cpu_us ();

  g_debug ("bench: frame %u: %s ended after %.1f ms (%.1f ms on the CPU)", phase_frames,
           (const char *)user_data, (now - phase_last) / 1000.0, (cpu - phase_last_cpu) / 1000.0);
  phase_last = now;
  phase_last_cpu = cpu;
  if (g_str_equal (user_data, "after-paint") && ++phase_frames >= 40)
    g_signal_handlers_disconnect_by_func (clock, phase_cb, NULL);
}

static void
trace_phases (GdkFrameClock *clock)
{
  static const char * const phases[] = { "flush-events", "before-paint", "update", "layout",
                                         "paint", "after-paint" };

  phase_last = g_get_monotonic_time ();
  phase_last_cpu = thread_cpu_us ();
  for (guint i = 0; i < G_N_ELEMENTS (phases); i++)
    g_signal_connect (clock, phases[i], G_CALLBACK (phase_cb), (gpointer)phases[i]);
}

static gboolean
first_tick_cb (GtkWidget     *widget,
               GdkFrameClock *clock,
               gpointer       user_data)
{
  g_signal_connect (clock, "after-paint", G_CALLBACK (window_painted_cb), NULL);
  if (GTK_IS_WINDOW (widget) && phase_frames == 0)
    trace_phases (clock);
  return G_SOURCE_REMOVE;
}


static gboolean
scroll_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (widget));
  double value = gtk_adjustment_get_value (adj);
  double bottom = gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (bench.list));

  /* A list view that re-anchors as rows change moves the scroll bar by
   * itself: a person scrolling sees the list jump. */
  if (bench.scroll_target >= 0 && ABS (value - bench.scroll_target) > 1)
    bench.scroll_jumps++;
  bench.scroll_target = -1;
  /* The list view estimates its height, so "the bottom" is where a scroll
   * no longer moves, rather than a number known in advance. */
  if (value < bottom - 1 && value != bench.last_value)
    {
      bench.last_value = value;
      bench.scroll_target = MIN (bottom, value + bench.scroll_pages *
                                 gtk_adjustment_get_page_size (adj));
      bench.scroll_frames++;
      gtk_adjustment_set_value (adj, bench.scroll_target);
      return G_SOURCE_CONTINUE;
    }
  bench.last_value = -1;
  /* At the bottom: done once the last row is loaded (the list loads the
   * pages the view passes, not necessarily every one). */
  if (n == 0 || !qd_item_list_is_loaded (bench.list, n - 1))
    return G_SOURCE_CONTINUE;
  end ("scroll", "scroll-total");
  report ("scroll-frames", bench.scroll_frames);
  report ("scroll-jumps", bench.scroll_jumps);
  report_stall ("scroll");
  report ("rss-peak-mb", peak_rss_mb ());
  report ("rows", n);
  next_step ();
  return G_SOURCE_REMOVE;
}

/* Where the scroll bar is dragged to, as a person would, one after another. */
static const struct {
  double      fraction;
  const char *name;
} jump_to[] = {
  { 0.1, "jump-10" },
  { 0.5, "jump-50" },
  { 0.9, "jump-90" },
  { 1.0, "jump-end" },
};

static void jump_next (void);

static void
jump_painted_cb (GdkFrameClock *clock,
                 gpointer       user_data)
{
  g_signal_handlers_disconnect_by_func (clock, jump_painted_cb, user_data);
  end (jump_to[bench.jump].name, jump_to[bench.jump].name);
  bench.jump++;
  jump_next ();
}

/* Done when a page came since the jump and the list asks for no more: the
 * rows in view asked for theirs, and have them; they are drawn in this
 * frame.  (GTK 4.8 does not say which rows are in view.) */
static gboolean
jump_tick_cb (GtkWidget     *widget,
              GdkFrameClock *clock,
              gpointer       user_data)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (bench.list));
  guint target = (guint)(jump_to[bench.jump].fraction * (n - 1));

  /* A short list may have the rows there already: no page comes. */
  if (qd_item_list_get_loading (bench.list) ||
      (bench.pages_since_jump == 0 && !qd_item_list_is_loaded (bench.list, target)))
    return G_SOURCE_CONTINUE;
  g_signal_connect (clock, "after-paint", G_CALLBACK (jump_painted_cb), NULL);
  return G_SOURCE_REMOVE;
}

static void
jump_next (void)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (bench.scrolled));

  if (bench.jump >= G_N_ELEMENTS (jump_to) ||
      g_list_model_get_n_items (G_LIST_MODEL (bench.list)) == 0)
    {
      report_stall ("jump");
      /* Back to the top, for the scroll that follows. */
      gtk_adjustment_set_value (adj, 0);
      next_step ();
      return;
    }
  qd_bench_begin (jump_to[bench.jump].name);
  bench.pages_since_jump = 0;
  gtk_adjustment_set_value (adj, jump_to[bench.jump].fraction *
                                 (gtk_adjustment_get_upper (adj) -
                                  gtk_adjustment_get_page_size (adj)));
  gtk_widget_add_tick_callback (bench.scrolled, jump_tick_cb, NULL, NULL);
}

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  g_signal_handlers_disconnect_by_func (clock, after_paint_cb, user_data);
  trace ("painted");
  switch (bench.step)
    {
    case STEP_FIRST_ROWS:
      first_frame_painted ();
      end ("sign-in", "first-rows");
      report ("first-rows-from-start", (g_get_monotonic_time () - bench.process_start) / 1000.0);
      report ("sign-in-shown", bench.sign_in_shown);
      report ("faults-first-rows", page_faults () - bench.faults_at_sign_in);
      report_stall ("load");
      break;
    case STEP_FILTER_REASON:
      end ("requery", "filter-reason");
      break;
    case STEP_FILTER_SEARCH:
      end ("requery", "filter-search");
      report_stall ("filter");
      break;
    case STEP_JUMP:
    case STEP_SCROLL:
    case STEP_DONE:
    default:
      return;
    }
  if (bench.scripted)
    next_step ();
  else
    bench.step = STEP_DONE;
}

static void watch_next_paint (void);

/* The page came before the window was realized (it is shown in turns of
 * its own at the start): its rows are drawn in its first frame. */
static void
mapped_cb (GtkWidget *widget)
{
  g_signal_handlers_disconnect_by_func (widget, mapped_cb, NULL);
  watch_next_paint ();
}

/* The rows of a page are laid out and drawn in the next frame. */
static void
watch_next_paint (void)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (bench.scrolled);

  if (clock == NULL)
    {
      g_signal_handlers_disconnect_by_func (bench.scrolled, mapped_cb, NULL);
      g_signal_connect (bench.scrolled, "map", G_CALLBACK (mapped_cb), NULL);
      return;
    }
  g_signal_handlers_disconnect_by_func (clock, after_paint_cb, NULL);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), NULL);
}

static void
page_loaded_cb (QdItemList *list,
                gpointer    user_data)
{
  trace ("page loaded");
  bench.pages_since_jump++;

  if (bench.step == STEP_JUMP || bench.step == STEP_SCROLL || bench.step == STEP_DONE)
    return;
  watch_next_paint ();
}

static void
next_step (void)
{
  bench.step++;
  switch (bench.step)
    {
    case STEP_JUMP:
      bench.max_stall = 0;
      bench.jump = 0;
      jump_next ();
      break;
    case STEP_SCROLL:
      qd_bench_begin ("scroll");
      bench.max_stall = 0;
      bench.scroll_target = -1;
      gtk_widget_add_tick_callback (bench.scrolled, scroll_tick_cb, NULL, NULL);
      break;
    case STEP_FILTER_REASON:
      if (bench.folder == QD_FOLDER_JUNK)
        next_step ();
      else if (!gtk_widget_activate_action (GTK_WIDGET (bench.filter_bar),
                                            "filter.reason-phishing", NULL))
        g_warning ("bench: no action filter.reason-phishing");
      break;
    case STEP_FILTER_SEARCH:
      qd_filter_bar_set_search (bench.filter_bar, g_getenv ("QD_BENCH_SEARCH") ?: "sender5@");
      break;
    case STEP_MOVE:
      if (!bench.move)
        {
          next_step ();
          break;
        }
      /* As a person would: select everything matching, then move it. */
      bench.max_stall = 0;
      gtk_widget_activate_action (bench.scrolled, "messages.select-all", NULL);
      qd_bench_begin ("move");
      if (!gtk_widget_activate_action (bench.scrolled, "messages.move-to-inbox", NULL))
        g_warning ("bench: no action messages.move-to-inbox");
      break;
    case STEP_DONE:
      g_application_quit (g_application_get_default ());
      break;
    case STEP_FIRST_ROWS:
    default:
      break;
    }
}

/**
 * qd_bench_window_built:
 *
 * The window is built: stalls count from now on, not while it was built
 * (a sign-in may have begun before it, see qd_window_new ()), up to its
 * first frame (stall-startup).
 */
void
qd_bench_window_built (GtkWidget *window)
{
  if (!bench.enabled)
    return;
  gtk_widget_add_tick_callback (window, first_tick_cb, NULL, NULL);
  bench.max_stall = 0;
  bench.probe_due = MAX (bench.probe_due, g_get_monotonic_time ());
  bench.faults_at_sign_in = page_faults ();
  report ("faults-sign-in", bench.faults_at_sign_in);
  trace ("window built");
}

/* The sign-in page was drawn: @widget is being mapped. */
void
qd_bench_sign_in_shown (GtkWidget *widget)
{
  if (!bench.enabled || bench.step != STEP_FIRST_ROWS)
    return;
  bench.sign_in_shown = TRUE;
  trace ("sign-in page shown");
}

/**
 * qd_bench_watch:
 *
 * Follows the quarantine list of a new session: its first rows, and with
 * QD_BENCH_SCROLL=1 the scripted scroll and filter changes.
 */
/* Whether the bench follows the page of @folder. */
gboolean
qd_bench_wants (QdFolder folder)
{
  return bench.enabled && folder == bench.folder;
}

/* A page's batch ended, @n_done of its messages done. */
void
qd_bench_batch_done (guint n_done)
{
  if (!bench.enabled || bench.step != STEP_MOVE)
    return;
  end ("move", "move-total");
  report ("move-count", n_done);
  report_stall ("move");
  next_step ();
}

void
qd_bench_watch (GtkWidget   *scrolled,
                QdItemList  *list,
                QdFilterBar *filter_bar)
{
  if (!bench.enabled || list == NULL)
    return;
  bench.step = STEP_FIRST_ROWS;
  bench.last_value = -1;
  g_set_object (&bench.scrolled, scrolled);
  g_set_object (&bench.list, list);
  g_set_object (&bench.filter_bar, filter_bar);

  g_signal_connect (list, "page-loaded", G_CALLBACK (page_loaded_cb), NULL);
  if (!gtk_widget_get_mapped (scrolled))
    gtk_widget_add_tick_callback (scrolled, first_tick_cb, NULL, NULL);
}
