/* sluice-engine.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-engine"

#include "config.h"

#include <string.h>

#include "sluice-anthropic-provider.h"
#include "sluice-engine-private.h"
#include "sluice-gemini-provider.h"
#include "sluice-mock-provider.h"
#include "sluice-openai-provider.h"
#include "sluice-events.h"
#include "sluice-secrets.h"
#include "sluice-snapshot-private.h"

/* The façade: owns the parts (clock, store, metrics, providers, the config
 * in force) and hands requests to the pipeline (sluice-pipeline.c). It is
 * confined to the GMainContext that was thread-default when it was made. */

#define DEFAULT_SNAPSHOT_INTERVAL_MS 250

/* Retries always allowed per window, so a quiet engine can still retry. */
#define RETRY_BUDGET_ALLOWANCE 3

G_DEFINE_QUARK (sluice-engine-error-quark, sluice_engine_error)

G_DEFINE_FINAL_TYPE (SluiceEngine, sluice_engine, G_TYPE_OBJECT)

enum {
  SNAPSHOT_PUBLISHED,
  CONFIG_APPLIED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

static void stop_snapshot_timer (SluiceEngine *self);

static void
sluice_engine_dispose (GObject *object)
{
  SluiceEngine *self = SLUICE_ENGINE (object);

  self->shutting_down = TRUE;
  if (self->jobs_cancellable != NULL)
    g_cancellable_cancel (self->jobs_cancellable);
  stop_snapshot_timer (self);
  /* This minute's rollups and today's drift sums go to the store first. */
  if (self->observer != NULL)
    sluice_observer_flush (self->observer);
  if (self->store != NULL)
    sluice_store_close (self->store);
  g_clear_pointer (&self->providers, g_hash_table_unref);

  G_OBJECT_CLASS (sluice_engine_parent_class)->dispose (object);
}

static void
sluice_engine_finalize (GObject *object)
{
  SluiceEngine *self = SLUICE_ENGINE (object);

  g_clear_object (&self->store);
  g_clear_object (&self->metrics);
  g_clear_object (&self->breakers);
  g_clear_object (&self->retry_budget);
  g_clear_object (&self->storm_guard);
  g_clear_object (&self->limiter);
  g_clear_object (&self->cache);
  g_clear_object (&self->deferred);
  g_clear_object (&self->jobs_cancellable);
  g_clear_object (&self->clock);
  g_clear_object (&self->config);
  g_clear_pointer (&self->snapshot, sluice_snapshot_unref);
  g_clear_pointer (&self->pacer, _sluice_answer_pacer_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_object (&self->observer);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (sluice_engine_parent_class)->finalize (object);
}

static void
sluice_engine_class_init (SluiceEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sluice_engine_dispose;
  object_class->finalize = sluice_engine_finalize;

  /**
   * SluiceEngine::snapshot-published:
   * @engine: the engine
   * @snapshot: the new snapshot
   *
   * Emitted on the engine's context whenever a new snapshot is published.
   */
  signals [SNAPSHOT_PUBLISHED] =
    g_signal_new ("snapshot-published",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  SLUICE_TYPE_SNAPSHOT | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * SluiceEngine::config-applied:
   * @engine: the engine
   * @version: the stored version now in force
   */
  signals [CONFIG_APPLIED] =
    g_signal_new ("config-applied",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
sluice_engine_init (SluiceEngine *self)
{
  g_mutex_init (&self->mutex);
  self->snapshot_interval_ms = DEFAULT_SNAPSHOT_INTERVAL_MS;
  self->providers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

static gboolean
mock_behaviour_equal (SluiceMockProvider  *provider,
                      SluiceMockBehaviour *behaviour)
{
  g_autoptr(SluiceMockBehaviour) current = sluice_mock_provider_dup_behaviour (provider);
  g_autoptr(JsonNode) a = sluice_mock_behaviour_to_json (current);
  g_autoptr(JsonNode) b = sluice_mock_behaviour_to_json (behaviour);

  return json_node_equal (a, b);
}

/* A provider's key, by the name the config gives it (the provider's name
 * when it gives none): first SLUICE_KEY_<NAME> from the environment, then
 * the Secret Service (when there is a session bus), then the provider
 * kind's usual variable (OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY).
 * A provider without a key is still built: local OpenAI-compatible servers
 * need none, and a cloud provider answers 401, which the trace shows. */
char *
_sluice_engine_resolve_key (const SluiceProviderConfig *pc)
{
  const char *name = pc->key_ref != NULL ? pc->key_ref : pc->name;
  g_autofree char *env_name = NULL;
  const char *kind_var = NULL;
  char *key = NULL;

  env_name = g_ascii_strup (name, -1);
  for (char *p = env_name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p))
      *p = '_';
  {
    g_autofree char *var = g_strconcat ("SLUICE_KEY_", env_name, NULL);

    if (g_getenv (var) != NULL && *g_getenv (var) != '\0')
      return g_strdup (g_getenv (var));
  }

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") != NULL)
    {
      g_autoptr(GError) error = NULL;

      key = sluice_secrets_lookup_key (name, NULL, &error);
      if (key != NULL)
        return key;
      if (error != NULL)
        g_debug ("No key “%s” in the Secret Service: %s", name, error->message);
    }

  switch (pc->kind)
    {
    case SLUICE_PROVIDER_KIND_OPENAI:
      kind_var = "OPENAI_API_KEY";
      break;
    case SLUICE_PROVIDER_KIND_ANTHROPIC:
      kind_var = "ANTHROPIC_API_KEY";
      break;
    case SLUICE_PROVIDER_KIND_GEMINI:
      kind_var = "GEMINI_API_KEY";
      break;
    case SLUICE_PROVIDER_KIND_MOCK:
    default:
      break;
    }
  if (kind_var != NULL && g_getenv (kind_var) != NULL && *g_getenv (kind_var) != '\0')
    return g_strdup (g_getenv (kind_var));
  return NULL;
}

static SluiceProvider *
build_http_provider (const SluiceProviderConfig *pc)
{
  g_autofree char *key = _sluice_engine_resolve_key (pc);
  SluiceProvider *provider;

  switch (pc->kind)
    {
    case SLUICE_PROVIDER_KIND_OPENAI:
      provider = sluice_openai_provider_new (pc->name, pc->base_url, key, pc->connect_timeout_ms);
      break;
    case SLUICE_PROVIDER_KIND_ANTHROPIC:
      provider = sluice_anthropic_provider_new (pc->name, pc->base_url, key, pc->connect_timeout_ms);
      break;
    case SLUICE_PROVIDER_KIND_GEMINI:
    default:
      provider = sluice_gemini_provider_new (pc->name, pc->base_url, key, pc->connect_timeout_ms);
      break;
    }
  if (key != NULL)
    memset (key, 0, strlen (key));
  return provider;
}

/* Providers whose settings did not change keep their instance (and with it
 * their connections and counters); a changed one is built anew. */
static SluiceProvider *
build_provider (SluiceEngine               *self,
                const SluiceProviderConfig *pc,
                GError                    **error)
{
  SluiceProvider *existing = g_hash_table_lookup (self->providers, pc->name);

  switch (pc->kind)
    {
    case SLUICE_PROVIDER_KIND_MOCK:
      if (existing != NULL && SLUICE_IS_MOCK_PROVIDER (existing) &&
          mock_behaviour_equal (SLUICE_MOCK_PROVIDER (existing), pc->mock))
        return g_object_ref (existing);
      return SLUICE_PROVIDER (sluice_mock_provider_new (pc->name, pc->mock, self->clock));

    case SLUICE_PROVIDER_KIND_OPENAI:
    case SLUICE_PROVIDER_KIND_ANTHROPIC:
    case SLUICE_PROVIDER_KIND_GEMINI:
      return build_http_provider (pc);

    default:
      g_set_error (error, SLUICE_ENGINE_ERROR, SLUICE_ENGINE_ERROR_NO_ROUTE,
                   "provider “%s”: kind “%s” cannot be used by this build",
                   pc->name, sluice_provider_kind_to_string (pc->kind));
      return NULL;
    }
}

static GHashTable *
build_providers (SluiceEngine  *self,
                 SluiceConfig  *config,
                 GError       **error)
{
  g_autoptr(GHashTable) providers = NULL;

  providers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  for (guint i = 0; i < sluice_config_get_n_providers (config); i++)
    {
      const SluiceProviderConfig *pc = sluice_config_get_provider (config, i);
      SluiceProvider *provider = build_provider (self, pc, error);

      if (provider == NULL)
        return NULL;
      g_hash_table_insert (providers, g_strdup (pc->name), provider);
    }
  return g_steal_pointer (&providers);
}

static void
configure_parts (SluiceEngine *self,
                 SluiceConfig *config)
{
  const SluiceRetryConfig *retry = sluice_config_get_retry (config);
  const SluiceStormGuardConfig *storm = sluice_config_get_storm_guard (config);

  sluice_breaker_board_configure (self->breakers, sluice_config_get_breaker (config));
  sluice_retry_budget_configure (self->retry_budget, retry->budget_ratio,
                                 retry->budget_window_s, RETRY_BUDGET_ALLOWANCE);
  sluice_storm_guard_configure (self->storm_guard, storm->max_repeats, storm->window_s);
  if (self->deferred != NULL)
    sluice_deferred_queue_configure (self->deferred, sluice_config_get_deferred (config));
  if (self->limiter != NULL)
    sluice_limiter_set_config (self->limiter, config);
  if (self->observer != NULL)
    sluice_observer_set_config (self->observer, config);
}

/* The swap is one step: a request admitted before it keeps the config and
 * providers it started with. */
static void
swap_config (SluiceEngine *self,
             SluiceConfig *config,
             GHashTable   *providers,
             gint64        version)
{
  g_mutex_lock (&self->mutex);
  g_set_object (&self->config, config);
  self->config_version = version;
  g_clear_pointer (&self->providers, g_hash_table_unref);
  self->providers = g_hash_table_ref (providers);
  g_mutex_unlock (&self->mutex);

  configure_parts (self, config);
}

static SluiceConfig *
load_stored_config (SluiceEngine  *self,
                    gint64        *version,
                    GError       **error)
{
  g_autoptr(SluiceConfigVersion) stored = NULL;
  g_autoptr(SluiceConfig) config = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *json = NULL;

  stored = sluice_store_load_config_version (self->store, 0, &local_error);
  if (stored != NULL)
    {
      config = sluice_config_new_from_data (stored->json, -1, &local_error);
      if (config == NULL)
        {
          g_warning ("Stored configuration version %" G_GINT64_FORMAT
                     " is not valid any more (%s); starting on the default one",
                     stored->version, local_error->message);
          g_clear_error (&local_error);
        }
      else
        {
          *version = stored->version;
          return g_steal_pointer (&config);
        }
    }
  else if (!g_error_matches (local_error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  config = sluice_config_new_default ();
  json = sluice_config_to_json (config);
  *version = sluice_store_save_config_version (self->store, json, "sluice",
                                               "Default configuration", error);
  if (*version <= 0)
    return NULL;
  return g_steal_pointer (&config);
}

static void
restore_cost_today (SluiceEngine *self)
{
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) midnight = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  double total = 0;

  now = g_date_time_new_from_unix_local (sluice_clock_now_us (self->clock) / G_USEC_PER_SEC);
  midnight = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                    g_date_time_get_day_of_month (now), 0, 0, 0);
  rows = sluice_store_query_ledger (self->store,
                                    g_date_time_to_unix (midnight) * G_USEC_PER_SEC,
                                    G_MAXUINT, &error);
  if (rows == NULL)
    {
      g_warning ("Could not read today's spending from the ledger: %s", error->message);
      return;
    }
  for (guint i = 0; i < rows->len; i++)
    total += ((SluiceLedgerRow *) g_ptr_array_index (rows, i))->cost_usd;
  sluice_metrics_add_cost_today (self->metrics, total);
}


/* Repeats of one alert within this long fold into it (the limiter and the
 * breakers already say each thing once per window or transition). */
#define ALERT_DEDUP_S 300

/* Into the one persisted alert stream (src/engine/observe). */
static void
raise_alert (SluiceEngine *self,
             const char   *severity,
             const char   *code,
             const char   *key,
             const char   *message)
{
  sluice_observer_raise (self->observer, severity, code, key, ALERT_DEDUP_S, message);
  sluice_metrics_note_breaker_change (self->metrics);
}

static void
limiter_alert_cb (SluiceEngine *self,
                  const char   *severity,
                  const char   *code,
                  const char   *message)
{
  /* A budget alert names its fraction in the message: each is its own. */
  raise_alert (self, severity, code, g_str_has_prefix (code, "counters.") ? code : message,
               message);
}

static gboolean
run_jobs_idle (gpointer user_data)
{
  sluice_engine_run_deferred_jobs (user_data);
  return G_SOURCE_REMOVE;
}

static void
breaker_changed_cb (SluiceEngine *self,
                    const char   *key,
                    int           old_state,
                    int           new_state,
                    const char   *reason)
{
  g_autofree char *message = g_strdup_printf ("The breaker of %s is %s: %s", key,
                                              sluice_breaker_state_to_string (new_state), reason);

  sluice_events_append (self->store, sluice_clock_now_us (self->clock),
                        new_state == SLUICE_BREAKER_OPEN ? "breaker.open"
                        : new_state == SLUICE_BREAKER_HALF_OPEN ? "breaker.half_open" : "breaker.closed",
                        key, reason);
  /* A provider came back: the deferred jobs may have their answer now. */
  if (new_state == SLUICE_BREAKER_CLOSED)
    {
      g_autoptr(GSource) idle = g_idle_source_new ();

      g_source_set_callback (idle, run_jobs_idle, g_object_ref (self), g_object_unref);
      g_source_attach (idle, self->context);
    }
  raise_alert (self, new_state == SLUICE_BREAKER_OPEN ? "critical" : "info",
               new_state == SLUICE_BREAKER_OPEN ? "breaker.open"
               : new_state == SLUICE_BREAKER_HALF_OPEN ? "breaker.half_open" : "breaker.closed",
               key, message);
}

static gboolean
snapshot_tick_cb (gpointer user_data)
{
  SluiceEngine *self = user_data;
  gint64 now = sluice_clock_monotonic_us (self->clock);

  /* Windows move with time even without traffic, so publish at least once
   * a second; otherwise only when something changed. */
  if (sluice_metrics_is_dirty (self->metrics) ||
      now - self->last_publish_us >= G_USEC_PER_SEC ||
      now < self->last_publish_us)
    sluice_engine_publish_snapshot (self);
  return G_SOURCE_CONTINUE;
}

/* The source lives on the engine's context, which is not the global default
 * one in the console: destroy it through its pointer, never by id. */
static void
stop_snapshot_timer (SluiceEngine *self)
{
  if (self->snapshot_source != NULL)
    {
      g_source_destroy (self->snapshot_source);
      g_clear_pointer (&self->snapshot_source, g_source_unref);
    }
}

static void
start_snapshot_timer (SluiceEngine *self)
{
  stop_snapshot_timer (self);
  self->snapshot_source = g_timeout_source_new (self->snapshot_interval_ms);
  g_source_set_callback (self->snapshot_source, snapshot_tick_cb, self, NULL);
  g_source_set_name (self->snapshot_source, "[sluice] snapshot");
  g_source_attach (self->snapshot_source, self->context);
}

static SluiceCache *
build_cache (SluiceEngine  *self,
             SluiceConfig  *config,
             GError       **error)
{
  const SluiceCacheConfig *cc = sluice_config_get_cache (config);
  g_autofree char *prefix = g_strconcat (sluice_config_get_counters (config)->prefix, "cache:",
                                         NULL);
  g_autoptr(SluiceEmbedder) embedder = _sluice_engine_new_cache_embedder (self, cc);
  SluiceCacheSettings settings;
  SluiceCache *cache;

  sluice_cache_settings_init (&settings);
  settings.max_entries = cc->max_entries;
  settings.max_bytes = (guint64) cc->max_bytes;
  settings.max_temperature = cc->max_temperature;
  settings.stale_grace_s = cc->stale_grace_s;
  settings.filler_words = (const char * const *) cc->filler_words;
  settings.local_threshold = cc->local_threshold;
  settings.redis_url = cc->redis_url;
  settings.redis_prefix = prefix;
  cache = sluice_cache_new (self->clock, self->store, embedder, &settings, error);
  /* Losing the shared exact tier is worth an alert (the local one goes on). */
  if (cache != NULL && sluice_cache_get_redis_store (cache) != NULL)
    g_signal_connect_object (sluice_cache_get_redis_store (cache), "alert",
                             G_CALLBACK (limiter_alert_cb), self, G_CONNECT_SWAPPED);
  return cache;
}

static gboolean
cache_moved (SluiceConfig *old,
             SluiceConfig *new)
{
  const SluiceCacheConfig *a = sluice_config_get_cache (old);
  const SluiceCacheConfig *b = sluice_config_get_cache (new);
  gboolean same_words = (a->filler_words == NULL && b->filler_words == NULL) ||
                        (a->filler_words != NULL && b->filler_words != NULL &&
                         g_strv_equal ((const char * const *) a->filler_words,
                                       (const char * const *) b->filler_words));

  if (g_strcmp0 (a->embedder_model, b->embedder_model) != 0 ||
      a->embedder_dimensions != b->embedder_dimensions)
    return TRUE;
  if (g_strcmp0 (a->redis_url, b->redis_url) != 0 ||
      g_strcmp0 (sluice_config_get_counters (old)->prefix,
                 sluice_config_get_counters (new)->prefix) != 0)
    return TRUE;
  return a->max_entries != b->max_entries || a->max_bytes != b->max_bytes ||
         a->max_temperature != b->max_temperature || a->stale_grace_s != b->stale_grace_s ||
         a->local_threshold != b->local_threshold || !same_words;
}

/**
 * sluice_engine_new:
 * @db_path: (nullable): the SQLite database; %NULL for the default
 *   (`$XDG_DATA_HOME/sluice/sluice.db`)
 * @clock: (nullable): the clock; %NULL for the system clock
 * @error: return location for an error
 *
 * Opens the store, loads the newest stored config (or stores the default
 * one as version 1) and builds the providers. The engine is confined to the
 * thread-default main context of the caller.
 *
 * Returns: (transfer full) (nullable): the engine, or %NULL with @error set
 */
SluiceEngine *
sluice_engine_new (const char   *db_path,
                   SluiceClock  *clock,
                   GError      **error)
{
  g_autoptr(SluiceEngine) self = NULL;
  g_autoptr(SluiceConfig) config = NULL;
  g_autoptr(GHashTable) providers = NULL;
  gint64 version = 0;

  self = g_object_new (SLUICE_TYPE_ENGINE, NULL);
  self->context = g_main_context_ref_thread_default ();
  self->clock = clock != NULL ? g_object_ref (clock) : sluice_clock_new_system ();
  self->metrics = sluice_metrics_new (self->clock);
  self->breakers = sluice_breaker_board_new (self->clock);
  self->retry_budget = sluice_retry_budget_new (self->clock);
  self->storm_guard = sluice_storm_guard_new (self->clock);
  g_signal_connect_object (self->breakers, "state-changed",
                           G_CALLBACK (breaker_changed_cb), self, G_CONNECT_SWAPPED);

  self->store = sluice_store_new (db_path, error);
  if (self->store == NULL || !_sluice_engine_start_deferred (self, error))
    return NULL;
  self->observer = sluice_observer_new (self->clock, self->store, error);
  if (self->observer == NULL)
    return NULL;
  _sluice_engine_setup_observer (self);

  config = load_stored_config (self, &version, error);
  if (config == NULL)
    return NULL;

  /* Limits and budgets continue from the ledger: a restart never resets
   * spending. */
  self->limiter = sluice_limiter_new_for_config (config, self->clock, error);
  if (self->limiter == NULL ||
      !sluice_limiter_rebuild_from_ledger (self->limiter, self->store, error))
    return NULL;
  g_signal_connect_object (self->limiter, "alert", G_CALLBACK (limiter_alert_cb),
                           self, G_CONNECT_SWAPPED);

  /* The cache reloads its persisted entries. */
  self->cache = build_cache (self, config, error);
  if (self->cache == NULL)
    return NULL;
  providers = build_providers (self, config, error);
  if (providers == NULL)
    return NULL;
  swap_config (self, config, providers, version);

  restore_cost_today (self);
  sluice_engine_publish_snapshot (self);
  start_snapshot_timer (self);
  return g_steal_pointer (&self);
}

SluiceClock *
sluice_engine_get_clock (SluiceEngine *self)
{
  g_return_val_if_fail (SLUICE_IS_ENGINE (self), NULL);

  return self->clock;
}

/**
 * sluice_engine_get_store:
 *
 * Returns: (transfer none): the engine's store
 */
SluiceStore *
sluice_engine_get_store (SluiceEngine *self)
{
  g_return_val_if_fail (SLUICE_IS_ENGINE (self), NULL);

  return self->store;
}

/**
 * sluice_engine_dup_config:
 *
 * Returns: (transfer full): the config in force; immutable, safe to read
 *   from any thread
 */
SluiceConfig *
sluice_engine_dup_config (SluiceEngine *self)
{
  SluiceConfig *config;

  g_return_val_if_fail (SLUICE_IS_ENGINE (self), NULL);

  g_mutex_lock (&self->mutex);
  config = g_object_ref (self->config);
  g_mutex_unlock (&self->mutex);
  return config;
}

gint64
sluice_engine_get_config_version (SluiceEngine *self)
{
  gint64 version;

  g_return_val_if_fail (SLUICE_IS_ENGINE (self), 0);

  g_mutex_lock (&self->mutex);
  version = self->config_version;
  g_mutex_unlock (&self->mutex);
  return version;
}

static gboolean
counters_moved (SluiceConfig *old,
                SluiceConfig *new)
{
  const SluiceCountersConfig *a = sluice_config_get_counters (old);
  const SluiceCountersConfig *b = sluice_config_get_counters (new);

  return a->store != b->store || g_strcmp0 (a->redis_url, b->redis_url) != 0 ||
         g_strcmp0 (a->prefix, b->prefix) != 0;
}

/**
 * sluice_engine_apply_config:
 * @self: the engine
 * @config: a validated config
 * @author: (nullable): who applies it
 * @comment: (nullable): why
 * @error: return location for an error
 *
 * Stores @config as a new version and puts it in force at once, without a
 * restart. On failure the running config stays.
 *
 * Returns: %TRUE when the new config is in force
 */
gboolean
sluice_engine_apply_config (SluiceEngine  *self,
                            SluiceConfig  *config,
                            const char    *author,
                            const char    *comment,
                            GError       **error)
{
  g_autoptr(GHashTable) providers = NULL;
  g_autoptr(SluiceLimiter) limiter = NULL;
  g_autoptr(SluiceCache) cache = NULL;
  g_autofree char *json = NULL;
  gint64 version;

  g_return_val_if_fail (SLUICE_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (SLUICE_IS_CONFIG (config), FALSE);

  /* Build the providers (and a new limiter when the counters moved) first:
   * a config the engine cannot run is refused before it is stored, and the
   * running one stays. */
  providers = build_providers (self, config, error);
  if (providers == NULL)
    return FALSE;
  if (counters_moved (self->config, config))
    {
      limiter = sluice_limiter_new_for_config (config, self->clock, error);
      if (limiter == NULL ||
          !sluice_limiter_rebuild_from_ledger (limiter, self->store, error))
        return FALSE;
    }
  if (cache_moved (self->config, config))
    {
      cache = build_cache (self, config, error);
      if (cache == NULL)
        return FALSE;
    }

  json = sluice_config_to_json (config);
  version = sluice_store_save_config_version (self->store, json,
                                              author != NULL ? author : g_get_user_name (),
                                              comment, error);
  if (version <= 0)
    return FALSE;

  if (cache != NULL)
    g_set_object (&self->cache, cache);
  if (limiter != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->limiter, self);
      g_set_object (&self->limiter, limiter);
      g_signal_connect_object (self->limiter, "alert", G_CALLBACK (limiter_alert_cb),
                               self, G_CONNECT_SWAPPED);
    }
  swap_config (self, config, providers, version);

  g_signal_emit (self, signals [CONFIG_APPLIED], 0, version);
  sluice_engine_publish_snapshot (self);
  return TRUE;
}

/**
 * sluice_engine_apply_config_json:
 *
 * Validates @json and applies it; an invalid document is refused with its
 * JSON path and reason in @error, and the running config stays.
 */
gboolean
sluice_engine_apply_config_json (SluiceEngine  *self,
                                 const char    *json,
                                 const char    *author,
                                 const char    *comment,
                                 GError       **error)
{
  g_autoptr(SluiceConfig) config = NULL;

  g_return_val_if_fail (SLUICE_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (json != NULL, FALSE);

  config = sluice_config_new_from_data (json, -1, error);
  if (config == NULL)
    return FALSE;
  return sluice_engine_apply_config (self, config, author, comment, error);
}

/**
 * sluice_engine_lookup_provider:
 *
 * Returns: (transfer none) (nullable): the provider of that name
 */
SluiceProvider *
sluice_engine_lookup_provider (SluiceEngine *self,
                               const char   *name)
{
  g_return_val_if_fail (SLUICE_IS_ENGINE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_hash_table_lookup (self->providers, name);
}

/**
 * sluice_engine_complete_async:
 * @self: the engine
 * @request: the request; the engine does not change it
 * @on_delta: (nullable) (scope call): called on the engine's context with
 *   each piece of a streamed answer
 * @on_delta_data: data for @on_delta
 * @cancellable: (nullable): cancels the request
 * @callback: called when the request is settled (its ledger row committed)
 * @user_data: data for @callback
 *
 * Sends @request through the pipeline: admit, route, cache, dispatch,
 * settle, degrade. Must be called on the engine's context.
 */
void
sluice_engine_complete_async (SluiceEngine        *self,
                              SluiceRequest       *request,
                              SluiceDeltaFunc      on_delta,
                              gpointer             on_delta_data,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SLUICE_IS_ENGINE (self));
  g_return_if_fail (SLUICE_IS_REQUEST (request));
  g_return_if_fail (g_main_context_is_owner (self->context) ||
                    g_main_context_ref_thread_default () == self->context);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sluice_engine_complete_async);

  if (self->shutting_down)
    {
      g_task_return_new_error (task, SLUICE_ENGINE_ERROR, SLUICE_ENGINE_ERROR_SHUTTING_DOWN,
                               "The engine is shutting down");
      return;
    }

  _sluice_engine_run_pipeline (self, request, on_delta, on_delta_data, task);
}

/**
 * sluice_engine_complete_finish:
 *
 * Returns: (transfer full): the response — also when every model failed
 *   (its status says so, with the trace) — or %NULL with @error set when
 *   the request was invalid or cancelled
 */
SluiceResponse *
sluice_engine_complete_finish (SluiceEngine  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (SLUICE_IS_ENGINE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * sluice_engine_dup_snapshot:
 *
 * Returns: (transfer full): the newest published snapshot; safe from any
 *   thread
 */
SluiceSnapshot *
sluice_engine_dup_snapshot (SluiceEngine *self)
{
  SluiceSnapshot *snapshot;

  g_return_val_if_fail (SLUICE_IS_ENGINE (self), NULL);

  g_mutex_lock (&self->mutex);
  snapshot = sluice_snapshot_ref (self->snapshot);
  g_mutex_unlock (&self->mutex);
  return snapshot;
}

/* Every configured model appears, traffic or not, with its provider and
 * the state of its breaker. */
static void
decorate_snapshot (SluiceEngine   *self,
                   SluiceSnapshot *snapshot)
{
  g_autoptr(GArray) breakers = sluice_breaker_board_list (self->breakers);
  g_autoptr(GArray) usage = sluice_limiter_dup_usage (self->limiter);
  SluiceCacheStats cache;

  sluice_cache_get_stats (self->cache, &cache);
  snapshot->cache = (SluiceSnapshotCache) {
    .hits_exact = cache.hits_exact, .hits_semantic = cache.hits_semantic,
    .hits_stale = cache.hits_stale, .misses = cache.misses, .bypassed = cache.bypassed,
    .stores = cache.stores, .evictions = cache.evictions, .tokens_saved = cache.tokens_saved,
    .usd_saved = cache.usd_saved, .n_entries = cache.n_entries, .n_bytes = cache.n_bytes,
  };
  for (guint i = 0; i < usage->len; i++)
    {
      const SluiceLimitUsageInfo *u = &g_array_index (usage, SluiceLimitUsageInfo, i);
      SluiceSnapshotLimit limit = {
        g_strdup (u->label), g_strdup (u->code), u->kind, u->budget, u->window_s,
        u->limit, u->used, u->updated_at_us,
      };

      g_array_append_val (snapshot->limits, limit);
    }
  sluice_observer_fill_snapshot (self->observer, snapshot);

  for (guint i = 0; i < sluice_config_get_n_models (self->config); i++)
    {
      const SluiceModelConfig *mc = sluice_config_get_model (self->config, i);

      if (sluice_snapshot_lookup_model (snapshot, mc->name) == NULL)
        {
          SluiceModelStats stats = { 0 };

          stats.model = g_strdup (mc->name);
          stats.provider = g_strdup (mc->provider);
          g_array_append_val (snapshot->models, stats);
        }
    }

  for (guint i = 0; i < breakers->len; i++)
    {
      const SluiceBreakerInfo *info = &g_array_index (breakers, SluiceBreakerInfo, i);
      SluiceModelStats *stats = (SluiceModelStats *) sluice_snapshot_lookup_model (snapshot, info->key);

      if (stats == NULL)
        continue;
      stats->breaker_state = info->state;
      stats->breaker_open_until_us = info->open_until_us;
      stats->held_until_us = info->held_until_us;
      stats->breaker_trips = info->trips;
      stats->breaker_forced = info->forced;
    }

  for (guint i = 0; i < snapshot->models->len; i++)
    {
      SluiceModelStats *stats = &g_array_index (snapshot->models, SluiceModelStats, i);

      stats->provider_requests_left = stats->provider_tokens_left = -1;
      sluice_limiter_lookup_provider_headers (self->limiter, stats->model,
                                              &stats->provider_requests_left,
                                              &stats->provider_tokens_left,
                                              &stats->provider_headers_at_us);
    }
}

/**
 * sluice_engine_publish_snapshot:
 *
 * Builds and publishes a snapshot now (the engine also does so by itself
 * every interval when something changed).
 */
void
sluice_engine_publish_snapshot (SluiceEngine *self)
{
  g_autoptr(SluiceSnapshot) snapshot = NULL;

  g_return_if_fail (SLUICE_IS_ENGINE (self));

  sluice_observer_tick (self->observer);
  snapshot = sluice_metrics_build_snapshot (self->metrics, self->config_version);
  decorate_snapshot (self, snapshot);
  g_mutex_lock (&self->mutex);
  g_clear_pointer (&self->snapshot, sluice_snapshot_unref);
  self->snapshot = sluice_snapshot_ref (snapshot);
  g_mutex_unlock (&self->mutex);
  self->last_publish_us = sluice_clock_monotonic_us (self->clock);

  g_signal_emit (self, signals [SNAPSHOT_PUBLISHED], 0, snapshot);
}

/**
 * sluice_engine_force_open_breaker:
 * @self: the engine
 * @model: a model of the config
 * @duration_s: how long it stays open before its probe
 *
 * Takes @model out of every chain for @duration_s, as an operator would
 * during a known incident.
 */
void
sluice_engine_force_open_breaker (SluiceEngine *self,
                                  const char   *model,
                                  guint         duration_s)
{
  g_return_if_fail (SLUICE_IS_ENGINE (self));
  g_return_if_fail (model != NULL);

  sluice_breaker_board_force_open (self->breakers, model, (gint64) duration_s * G_USEC_PER_SEC);
  sluice_engine_publish_snapshot (self);
}

/**
 * sluice_engine_reset_breaker:
 *
 * Closes @model's breaker and forgets its failures.
 */
void
sluice_engine_reset_breaker (SluiceEngine *self,
                             const char   *model)
{
  g_return_if_fail (SLUICE_IS_ENGINE (self));
  g_return_if_fail (model != NULL);

  sluice_breaker_board_reset (self->breakers, model);
  sluice_engine_publish_snapshot (self);
}

void
sluice_engine_set_snapshot_interval (SluiceEngine *self,
                                     guint         interval_ms)
{
  g_return_if_fail (SLUICE_IS_ENGINE (self));
  g_return_if_fail (interval_ms >= 10);

  if (self->snapshot_interval_ms == interval_ms)
    return;
  self->snapshot_interval_ms = interval_ms;
  if (self->snapshot_source != NULL)
    start_snapshot_timer (self);
}
