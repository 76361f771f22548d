/* sluice-demo-traffic.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include <json-glib/json-glib.h>

#include "sluice-demo-traffic.h"

/* `sluice --demo-traffic`: realistic traffic on the built-in mock
 * providers, for screenshots and demonstrations. Four users send a mix of
 * task types (classification prompts repeat, so the cache hits); the
 * config gets rate limits on two models and small budgets so the bars
 * and burn-downs move; mock-cloud-a has a scripted outage from 40 s to
 * 100 s, so breakers trip and chains fall back. Half the answers are
 * scored for quality and all are sampled for drift, and two models retire
 * soon (in 5 and 21 days), so the Quality & Drift page has something to
 * show. */

#define TICK_MS       300
#define MAX_IN_FLIGHT 8
#define OUTAGE_START  (40 * 1000 / TICK_MS)
#define OUTAGE_END    (100 * 1000 / TICK_MS)

struct _SluiceDemoTraffic
{
  SluiceEngineHost *host;
  guint             tick_id;
  guint             ticks;
  guint             in_flight;
  GRand            *rand;
};

static const char *users[] = { "alice", "bob", "carol", "dave" };

static const struct { const char *task; const char *prompt; } prompts[] = {
  { "classification", "Classify the sentiment: the delivery came two days early." },
  { "classification", "Classify the sentiment: the invoice was wrong again." },
  { "classification", "Is this spam? 'You won a free cruise, click here.'" },
  { "qa", "What does a circuit breaker do in an API gateway?" },
  { "summarisation", "Summarise: rate limits protect providers and budgets protect wallets." },
  { "creative", "Write a short poem about a river lock." },
  { "code", "Write a C function that reverses a string in place." },
  { "extraction", "Extract the date from: the meeting moved to 14 March 2026." },
};

static JsonObject *
member_object (JsonObject *object,
               const char *name)
{
  if (!json_object_has_member (object, name))
    json_object_set_object_member (object, name, json_object_new ());

  return json_object_get_object_member (object, name);
}

static void
set_model_limits (JsonObject *root)
{
  JsonArray *models = json_object_get_array_member (root, "models");

  for (guint i = 0; i < json_array_get_length (models); i++)
    {
      JsonObject *model = json_array_get_object_element (models, i);
      const char *name = json_object_get_string_member (model, "name");
      JsonObject *limits;

      if (g_strcmp0 (name, "mock-small") != 0 && g_strcmp0 (name, "mock-small-b") != 0)
        continue;

      limits = member_object (model, "limits");
      json_object_set_int_member (limits, "rpm", 120);
      json_object_set_int_member (limits, "tpm", 60000);
      json_object_set_int_member (limits, "tpd", 2000000);
      json_object_set_int_member (limits, "concurrency", 6);
    }
}

static void
set_outage (JsonObject *root,
            gboolean    outage)
{
  JsonArray *providers = json_object_get_array_member (root, "providers");

  for (guint i = 0; i < json_array_get_length (providers); i++)
    {
      JsonObject *provider = json_array_get_object_element (providers, i);

      if (g_strcmp0 (json_object_get_string_member (provider, "name"), "mock-cloud-a") == 0)
        json_object_set_boolean_member (member_object (provider, "mock"), "outage", outage);
    }
}

static void
set_monitoring (JsonObject *root)
{
  JsonObject *monitoring = member_object (root, "monitoring");

  json_object_set_double_member (member_object (monitoring, "quality"), "sample_rate", 0.5);
  json_object_set_double_member (member_object (monitoring, "drift"), "sample_rate", 1.0);
}

static void
set_retirements (JsonObject *root)
{
  static const struct { const char *model; int days; const char *replacement; } soon[] = {
    { "mock-large-legacy", 5, "mock-large" },
    { "mock-small-b", 21, "mock-small" },
  };
  JsonArray *models = json_object_get_array_member (root, "models");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  for (guint i = 0; i < json_array_get_length (models); i++)
    {
      JsonObject *model = json_array_get_object_element (models, i);
      const char *name = json_object_get_string_member (model, "name");

      for (guint j = 0; j < G_N_ELEMENTS (soon); j++)
        if (g_strcmp0 (name, soon[j].model) == 0)
          {
            g_autoptr(GDateTime) day = g_date_time_add_days (now, soon[j].days);
            g_autofree char *date = g_date_time_format (day, "%Y-%m-%d");

            json_object_set_string_member (model, "retires", date);
            json_object_set_string_member (model, "replacement", soon[j].replacement);
          }
    }
}

/* Engine thread. */
static void
apply_demo_config (SluiceEngine *engine,
                   gpointer      data)
{
  gboolean outage = GPOINTER_TO_INT (data);
  g_autoptr(SluiceConfig) config = sluice_engine_dup_config (engine);
  g_autofree char *json = sluice_config_to_json (config);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *edited = NULL;
  JsonObject *root, *budgets;

  if (!json_parser_load_from_data (parser, json, -1, &error))
    {
      g_warning ("Demo traffic: %s", error->message);
      return;
    }

  root = json_node_get_object (json_parser_get_root (parser));
  set_model_limits (root);
  set_outage (root, outage);
  set_monitoring (root);
  set_retirements (root);
  budgets = member_object (root, "budgets");
  json_object_set_int_member (budgets, "user_tokens_per_hour", 30000);
  json_object_set_int_member (budgets, "global_tokens_per_hour", 200000);
  json_object_set_double_member (budgets, "user_usd_per_day", 2.0);
  json_object_set_double_member (budgets, "global_usd_per_day", 5.0);

  edited = json_to_string (json_parser_get_root (parser), FALSE);
  if (!sluice_engine_apply_config_json (engine, edited, "demo-traffic",
                                        outage ? "Scripted outage of mock-cloud-a"
                                               : "Demo limits and budgets", &error))
    g_warning ("Demo traffic: %s", error->message);
}

static void
on_sent (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  SluiceDemoTraffic *self = user_data;
  g_autoptr(SluiceResponse) response =
    sluice_engine_host_send_finish (SLUICE_ENGINE_HOST (object), result, NULL);

  self->in_flight--;
}

static void
send_one (SluiceDemoTraffic *self)
{
  g_autoptr(SluiceRequest) request = sluice_request_new ();
  guint p = g_rand_int_range (self->rand, 0, G_N_ELEMENTS (prompts));

  /* Classification dominates, as it does in real traffic. */
  if (g_rand_int_range (self->rand, 0, 3) == 0)
    p = g_rand_int_range (self->rand, 0, 3);

  sluice_request_add_message (request, SLUICE_ROLE_USER, prompts[p].prompt);
  sluice_request_set_task (request, prompts[p].task);
  sluice_request_set_user (request, users[g_rand_int_range (self->rand, 0, G_N_ELEMENTS (users))]);
  sluice_request_set_temperature (request, 0);
  sluice_request_set_max_tokens (request, 1000);

  self->in_flight++;
  sluice_engine_host_send_async (self->host, request, NULL, NULL, NULL, on_sent, self);
}

static gboolean
tick (gpointer data)
{
  SluiceDemoTraffic *self = data;

  self->ticks++;
  if (self->ticks == OUTAGE_START || self->ticks == OUTAGE_END)
    sluice_engine_host_invoke (self->host, apply_demo_config,
                               GINT_TO_POINTER (self->ticks == OUTAGE_START), NULL);

  if (self->in_flight < MAX_IN_FLIGHT)
    send_one (self);

  return G_SOURCE_CONTINUE;
}

/**
 * sluice_demo_traffic_new:
 *
 * Starts sending; the traffic stops when the returned value is freed.
 */
SluiceDemoTraffic *
sluice_demo_traffic_new (SluiceEngineHost *host)
{
  SluiceDemoTraffic *self;

  g_return_val_if_fail (SLUICE_IS_ENGINE_HOST (host), NULL);

  self = g_new0 (SluiceDemoTraffic, 1);
  self->host = g_object_ref (host);
  self->rand = g_rand_new_with_seed (2026);
  sluice_engine_host_invoke (host, apply_demo_config, GINT_TO_POINTER (FALSE), NULL);
  self->tick_id = g_timeout_add (TICK_MS, tick, self);

  return self;
}

/* Freed with the application, after its main loop stopped: no reply
 * arrives afterwards to touch @self. */
void
sluice_demo_traffic_free (SluiceDemoTraffic *self)
{
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_rand_free (self->rand);
  g_clear_object (&self->host);
  g_free (self);
}
