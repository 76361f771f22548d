/* bench-observe.c — the cost of recording one request, and the memory a
 * tracked model takes
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sluice.h"
#include "sluice-request-private.h"

#define N_RECORDS 200000
#define N_MODELS  50

static SluiceConfig *
config_with_rates (double quality,
                   double drift)
{
  g_autoptr(SluiceConfig) base = sluice_config_new_default ();
  g_autofree char *json = sluice_config_to_json (base);
  g_autoptr(JsonNode) root = json_from_string (json, NULL);
  JsonObject *m = json_object_get_object_member (json_node_get_object (root), "monitoring");
  g_autofree char *text = NULL;

  json_object_set_double_member (json_object_get_object_member (m, "quality"), "sample_rate", quality);
  json_object_set_double_member (json_object_get_object_member (m, "drift"), "sample_rate", drift);
  text = json_to_string (root, FALSE);
  return sluice_config_new_from_data (text, -1, NULL);
}

static SluiceResponse *
fake_response (guint i,
               guint n_models)
{
  g_autoptr(SluiceTrace) trace = sluice_trace_new (0);
  g_autofree char *id = g_strdup_printf ("req-%u", i);
  SluiceResponse *r = _sluice_response_new (id, trace);

  r->status = SLUICE_REQUEST_STATUS_OK;
  r->route = g_strdup ("main");
  r->model = g_strdup_printf ("model-%u", i % n_models);
  r->content = g_strdup ("Rivers carve valleys by eroding rock and carrying sediment away.");
  r->usage.input_tokens = 200 + i % 3000;
  r->usage.output_tokens = 50 + i % 400;
  r->cost_usd = 0.0004;
  r->latency_us = 150000 + (i * 7919) % 900000;
  r->ttft_us = 40000 + (i * 104729) % 200000;
  r->overhead_us = 80 + i % 200;
  return r;
}

static void
bench_record (const char *label,
              double      quality,
              double      drift)
{
  g_autoptr(SluiceClock) clock = sluice_clock_new_manual ((gint64) 1700000000 * G_USEC_PER_SEC);
  g_autoptr(SluiceObserver) observer = sluice_observer_new (clock, NULL, NULL);
  g_autoptr(SluiceConfig) config = config_with_rates (quality, drift);
  g_autoptr(SluiceRequest) request = sluice_request_new ();
  g_autoptr(GPtrArray) responses = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 start, elapsed;

  sluice_observer_set_config (observer, config);
  sluice_request_add_message (request, SLUICE_ROLE_USER, "How do rivers carve valleys?");
  sluice_request_set_user (request, "alice");
  for (guint i = 0; i < 1000; i++)
    g_ptr_array_add (responses, fake_response (i, 8));

  start = g_get_monotonic_time ();
  for (guint i = 0; i < N_RECORDS; i++)
    {
      sluice_observer_record (observer, request, g_ptr_array_index (responses, i % 1000));
      if (i % 100 == 0)
        sluice_clock_advance (clock, 100 * 1000);
    }
  elapsed = g_get_monotonic_time () - start;
  g_print ("record one request (%s): %.0f ns\n", label, elapsed * 1000.0 / N_RECORDS);
}

static void
bench_memory (void)
{
  g_autoptr(SluiceClock) clock = sluice_clock_new_manual ((gint64) 1700000000 * G_USEC_PER_SEC);
  g_autoptr(SluiceObserver) observer = sluice_observer_new (clock, NULL, NULL);
  g_autoptr(SluiceConfig) config = config_with_rates (0, 0);
  g_autoptr(SluiceRequest) request = sluice_request_new ();
  gsize empty;

  sluice_observer_set_config (observer, config);
  sluice_request_add_message (request, SLUICE_ROLE_USER, "How do rivers carve valleys?");
  empty = sluice_observer_get_memory (observer);
  /* A day of traffic, every 10 s, so every window slot of every model
   * holds a histogram. */
  for (guint i = 0; i < 8640 * N_MODELS / 10; i++)
    {
      g_autoptr(SluiceResponse) r = fake_response (i, N_MODELS);

      sluice_observer_record (observer, request, r);
      if (i % (N_MODELS / 10) == 0)
        sluice_clock_advance (clock, 10 * G_USEC_PER_SEC);
    }
  g_print ("memory per tracked model (latency windows + rollups, a full day): %.1f KiB\n",
           (sluice_observer_get_memory (observer) - empty) / 1024.0 / N_MODELS);
}

int
main (int   argc,
      char *argv[])
{
  bench_record ("no sampling", 0, 0);
  bench_record ("default 5% quality, 20% drift", 0.05, 0.2);
  bench_memory ();
  return 0;
}
