/* sluice-pipeline-pace.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-pipeline"

#include "config.h"

#include "sluice-pipeline-private.h"

/* Answers that arrive together leave one at a time.
 *
 * libsoup writes a response only when the main loop comes round again
 * (soup_server_message_unpause defers to an idle), so when sixteen
 * upstream answers are readable in one poll, settling all sixteen in that
 * iteration holds every response until the last one is settled: each
 * client waits for the whole wave. And since they all get their answers at
 * once, they all send their next request at once, and the wave comes back.
 *
 * So while the loop has time to spare, one iteration settles one answer;
 * the rest wait, in arrival order, for the following iterations, and each
 * response goes out as soon as it is settled. An answer that comes alone is
 * settled at once, as before. */

/* Pacing costs a main-loop iteration (a poll over every connection) per
 * answer, which only spare CPU can pay for: when the loop was busy (not
 * waiting in poll) for more than BUSY_PERCENT of the last window, answers
 * are settled as they come (throughput), else one per iteration (latency).
 * The mode changes only between windows, so it does not flip within one
 * wave of answers. */
#define WINDOW_US    G_USEC_PER_SEC
#define BUSY_PERCENT 75

typedef struct
{
  GObject             *object;
  GAsyncResult        *result;
  GTask               *task;
  GAsyncReadyCallback  callback;
  gint64               arrived_us;  /* on the engine's clock */
} Held;

struct _SluiceAnswerPacer
{
  GSource *marker;          /* counts the main loop's iterations */
  GSource *drain;           /* settles what waits, one per iteration */
  GQueue   held;
  guint64  iteration;
  guint64  settled_iteration; /* the last that settled an answer */
  gboolean draining;
  gboolean busy;            /* the loop had no time to spare of late */
  /* Real time, not the engine's clock: this is about CPU. */
  gint64   polled_at;       /* when this iteration's poll began */
  gint64   window_start;
  gint64   window_idle;     /* time spent waiting in poll in the window */
};

typedef struct
{
  GSource           source;
  SluiceAnswerPacer *pacer;
} MarkerSource;

static gboolean
marker_prepare (GSource *source,
                gint    *timeout)
{
  SluiceAnswerPacer *pacer = ((MarkerSource *) source)->pacer;

  pacer->iteration++;
  pacer->polled_at = g_get_monotonic_time ();
  *timeout = -1;
  return FALSE;
}

/* After the poll: how long it waited tells how busy the loop is. */
static gboolean
marker_check (GSource *source)
{
  SluiceAnswerPacer *pacer = ((MarkerSource *) source)->pacer;
  gint64 now = g_get_monotonic_time ();
  gint64 window = now - pacer->window_start;

  pacer->window_idle += now - pacer->polled_at;
  if (window >= WINDOW_US)
    {
      pacer->busy = (window - pacer->window_idle) * 100 > window * BUSY_PERCENT;
      pacer->window_start = now;
      pacer->window_idle = 0;
    }
  return FALSE;
}

static GSourceFuncs marker_funcs = { .prepare = marker_prepare, .check = marker_check };

static void
release (Held *held)
{
  g_object_unref (held->object);
  g_object_unref (held->result);
  g_free (held);
}

static gboolean
drain_cb (gpointer data)
{
  SluiceAnswerPacer *pacer = data;

  /* One per iteration; if the loop has turned busy, all that wait. */
  do
    {
      Held *held = g_queue_pop_head (&pacer->held);
      RequestState *state = g_task_get_task_data (held->task);

      state->answered_us = held->arrived_us;
      pacer->draining = TRUE;
      held->callback (held->object, held->result, held->task);
      pacer->draining = FALSE;
      release (held);
    }
  while (pacer->busy && !g_queue_is_empty (&pacer->held));
  pacer->settled_iteration = pacer->iteration;

  if (!g_queue_is_empty (&pacer->held))
    return G_SOURCE_CONTINUE;
  g_clear_pointer (&pacer->drain, g_source_unref);
  return G_SOURCE_REMOVE;
}

gboolean
_sluice_pipeline_pace (GTask               *task,
                       GObject             *object,
                       GAsyncResult        *result,
                       GAsyncReadyCallback  callback)
{
  RequestState *state = g_task_get_task_data (task);
  SluiceEngine *engine = state->engine;
  SluiceAnswerPacer *pacer = engine->pacer;
  Held *held;

  if (pacer == NULL)
    {
      pacer = engine->pacer = g_new0 (SluiceAnswerPacer, 1);
      g_queue_init (&pacer->held);
      pacer->marker = g_source_new (&marker_funcs, sizeof (MarkerSource));
      ((MarkerSource *) pacer->marker)->pacer = pacer;
      g_source_set_static_name (pacer->marker, "[sluice] answer pacer: load");
      pacer->window_start = g_get_monotonic_time ();
      g_source_attach (pacer->marker, engine->context);
    }
  if (pacer->draining)
    return FALSE;
  if (g_queue_is_empty (&pacer->held) &&
      (pacer->busy || pacer->settled_iteration != pacer->iteration))
    {
      pacer->settled_iteration = pacer->iteration;
      return FALSE;
    }

  held = g_new0 (Held, 1);
  held->object = g_object_ref (object);
  held->result = g_object_ref (result);
  held->task = task;
  held->callback = callback;
  held->arrived_us = now_mono (state);
  g_queue_push_tail (&pacer->held, held);
  if (pacer->drain == NULL)
    {
      pacer->drain = g_idle_source_new ();
      g_source_set_priority (pacer->drain, G_PRIORITY_DEFAULT);
      g_source_set_callback (pacer->drain, drain_cb, pacer, NULL);
      g_source_set_static_name (pacer->drain, "[sluice] answer pacer");
      g_source_attach (pacer->drain, engine->context);
    }
  return TRUE;
}

/* Whether answers are being paced: the loop has had time to spare. */
gboolean
_sluice_pipeline_pacing (SluiceEngine *engine)
{
  return engine->pacer != NULL && !engine->pacer->busy;
}

void
_sluice_answer_pacer_free (SluiceAnswerPacer *pacer)
{
  if (pacer == NULL)
    return;
  /* Every held answer holds its request, which holds the engine: none is
   * left when the engine goes. */
  g_warn_if_fail (g_queue_is_empty (&pacer->held));
  if (pacer->drain != NULL)
    {
      g_source_destroy (pacer->drain);
      g_source_unref (pacer->drain);
    }
  g_source_destroy (pacer->marker);
  g_source_unref (pacer->marker);
  g_free (pacer);
}
