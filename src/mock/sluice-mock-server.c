/* sluice-mock-server.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-mock"

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "sluice-mock-call.h"
#include "sluice-mock-dialect.h"
#include "sluice-mock-limits.h"
#include "sluice-mock-scenario.h"
#include "sluice-mock-server.h"
#include "sluice-mock-stats.h"

struct _SluiceMockServer
{
  GObject             parent_instance;

  SoupServer         *soup;
  SluiceMockScenario *scenario;
  SluiceMockStats    *stats;
  SluiceMockLimits   *limits;
  GHashTable         *calls;          /* set of SluiceMockCall *, owned */
  gint64              seed_override;  /* < 0: each behaviour's own seed */
  guint               next_id;
  gboolean            quiet;
};

G_DEFINE_FINAL_TYPE (SluiceMockServer, sluice_mock_server, G_TYPE_OBJECT)

typedef struct
{
  const char              *method;
  const char              *path;      /* or, for Gemini, the ":verb" */
  const SluiceMockDialect *dialect;
  SluiceMockOp             op;
  const char              *endpoint;
  gboolean                 stream;
  gboolean                 batch;
} Route;

static const Route exact_routes[] = {
  { "POST", "/v1/chat/completions", &sluice_mock_dialect_openai, SLUICE_MOCK_OP_CHAT,
    "openai.chat_completions", FALSE, FALSE },
  { "POST", "/v1/embeddings", &sluice_mock_dialect_openai, SLUICE_MOCK_OP_EMBED,
    "openai.embeddings", FALSE, FALSE },
  { "GET", "/v1/models", &sluice_mock_dialect_openai, SLUICE_MOCK_OP_MODELS,
    "openai.models", FALSE, FALSE },
  { "POST", "/v1/messages", &sluice_mock_dialect_anthropic, SLUICE_MOCK_OP_CHAT,
    "anthropic.messages", FALSE, FALSE },
};

static const Route gemini_routes[] = {
  { "POST", "generateContent", &sluice_mock_dialect_gemini, SLUICE_MOCK_OP_CHAT,
    "gemini.generate_content", FALSE, FALSE },
  { "POST", "streamGenerateContent", &sluice_mock_dialect_gemini, SLUICE_MOCK_OP_CHAT,
    "gemini.stream_generate_content", TRUE, FALSE },
  { "POST", "embedContent", &sluice_mock_dialect_gemini, SLUICE_MOCK_OP_EMBED,
    "gemini.embed_content", FALSE, FALSE },
  { "POST", "batchEmbedContents", &sluice_mock_dialect_gemini, SLUICE_MOCK_OP_EMBED,
    "gemini.batch_embed_contents", FALSE, TRUE },
};

static const char * const builtin_models[] = {
  "gpt-4o", "gpt-4o-mini", "text-embedding-3-small", "text-embedding-3-large",
  "claude-3-5-sonnet-latest", "claude-3-5-haiku-latest",
  "gemini-1.5-pro", "gemini-1.5-flash", "text-embedding-004",
};

/* Gemini paths carry the model: /v1beta/models/{model}:{verb}. */
static const Route *
find_route (const char  *path,
            char       **model)
{
  const char *rest = NULL;
  const char *colon;

  for (guint i = 0; i < G_N_ELEMENTS (exact_routes); i++)
    if (strcmp (path, exact_routes[i].path) == 0)
      return &exact_routes[i];

  if (g_str_has_prefix (path, "/v1beta/models/"))
    rest = path + strlen ("/v1beta/models/");
  else if (g_str_has_prefix (path, "/v1/models/"))
    rest = path + strlen ("/v1/models/");
  if (rest == NULL || (colon = strrchr (rest, ':')) == NULL || colon == rest)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (gemini_routes); i++)
    if (strcmp (colon + 1, gemini_routes[i].path) == 0)
      {
        *model = g_strndup (rest, colon - rest);
        return &gemini_routes[i];
      }

  return NULL;
}

static void
add_retry_headers (SoupServerMessage *msg,
                   gint64             retry_after_ms)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autofree char *seconds = NULL;
  g_autofree char *ms = NULL;

  retry_after_ms = retry_after_ms >= 0 ? retry_after_ms : 1000;
  seconds = g_strdup_printf ("%" G_GINT64_FORMAT, (retry_after_ms + 999) / 1000);
  ms = g_strdup_printf ("%" G_GINT64_FORMAT, retry_after_ms);
  soup_message_headers_replace (headers, "Retry-After", seconds);
  soup_message_headers_replace (headers, "retry-after-ms", ms);
}

static const char *
outcome_name (SluiceErrorClass klass)
{
  const char *name;

  if (klass == SLUICE_ERROR_CLASS_NONE)
    return "ok";

  name = sluice_error_class_to_string (klass);
  return name != NULL ? name : "error";
}

static void
note_call (SluiceMockServer   *self,
           SluiceMockExchange *ex,
           const char         *outcome)
{
  sluice_mock_stats_record (self->stats, ex->endpoint, ex->model, outcome);

  if (!self->quiet)
    g_printerr ("sluice-mock: %s model=%s outcome=%s latency=%" G_GINT64_FORMAT "ms\n",
                ex->endpoint, ex->model != NULL ? ex->model : "-", outcome,
                ex->outcome.latency_us / 1000);
}

static char *
next_id (SluiceMockServer        *self,
         const SluiceMockDialect *dialect)
{
  const char *prefix = "mock-";

  if (dialect == &sluice_mock_dialect_openai)
    prefix = "chatcmpl-mock";
  else if (dialect == &sluice_mock_dialect_anthropic)
    prefix = "msg_mock";

  return g_strdup_printf ("%s%08u", prefix, ++self->next_id);
}

static GList *
list_models (SluiceMockServer *self)
{
  GList *models = sluice_mock_scenario_dup_models (self->scenario);

  for (guint i = 0; i < G_N_ELEMENTS (builtin_models); i++)
    if (g_list_find_custom (models, builtin_models[i], (GCompareFunc) g_strcmp0) == NULL)
      models = g_list_append (models, g_strdup (builtin_models[i]));

  return models;
}

/* FALSE, with the answer already set, when the request cannot be read. */
static gboolean
read_request (SluiceMockExchange *ex,
              SoupServerMessage  *msg)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *message = NULL;
  JsonNode *root;
  gsize length = 0;
  const char *data;

  if (ex->op == SLUICE_MOCK_OP_MODELS)
    return TRUE;

  bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  data = g_bytes_get_data (bytes, &length);
  if (length == 0 || !json_parser_load_from_data (parser, data, length, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    message = g_strdup ("We could not parse the JSON body of your request.");
  else
    ex->dialect->parse (ex, json_node_get_object (root),
                        soup_server_message_get_request_headers (msg), &message);

  if (message == NULL)
    return TRUE;

  ex->dialect->set_error (msg, SLUICE_ERROR_CLASS_BAD_REQUEST, 0, message);
  return FALSE;
}

/* The mock's own rpm/tpm limits; FALSE, with a 429 set, when exceeded. */
static gboolean
admit (SluiceMockServer   *self,
       SluiceMockExchange *ex,
       SoupServerMessage  *msg,
       gint64              now_us)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  SluiceMockLimitState state;
  gint64 retry_after_ms;

  if (!sluice_mock_limits_is_enabled (self->limits))
    return TRUE;

  if (sluice_mock_limits_admit (self->limits, now_us, &state, &retry_after_ms))
    {
      ex->dialect->add_limit_headers (headers, &state);
      return TRUE;
    }

  ex->dialect->add_limit_headers (headers, &state);
  add_retry_headers (msg, retry_after_ms);
  ex->dialect->set_error (msg, SLUICE_ERROR_CLASS_RATE_LIMITED, 0, NULL);
  return FALSE;
}

static void
decide (SluiceMockServer   *self,
        SluiceMockExchange *ex,
        SluiceMockEntry    *entry,
        SoupServerMessage  *msg,
        gint64              now_us)
{
  sluice_mock_behaviour_decide (entry->behaviour, entry->rand, ex->request, now_us,
                                &ex->outcome);

  if (sluice_mock_limits_is_enabled (self->limits))
    sluice_mock_limits_add_tokens (self->limits, now_us,
                                   ex->outcome.usage.input_tokens +
                                   ex->outcome.usage.output_tokens);

  if (ex->outcome.error == SLUICE_ERROR_CLASS_RATE_LIMITED)
    {
      SluiceMockLimitState state;

      sluice_mock_limits_get_state (self->limits, now_us, &state);
      state.remaining_requests = 0;
      state.reset_requests_ms = MAX (ex->outcome.retry_after_ms, 0);
      ex->dialect->add_limit_headers (soup_server_message_get_response_headers (msg), &state);
      add_retry_headers (msg, ex->outcome.retry_after_ms);
    }
}

static void
handle_provider (SluiceMockServer  *self,
                 SoupServerMessage *msg,
                 const Route       *route,
                 char              *path_model,
                 GHashTable        *query)
{
  g_autoptr(SluiceMockExchange) ex = sluice_mock_exchange_new (route->dialect, route->op,
                                                               route->endpoint);
  gint64 now_us = g_get_real_time ();
  SluiceMockEntry *entry;

  ex->model = path_model;
  ex->stream = route->stream;
  ex->batch = route->batch;
  ex->sse = query != NULL && g_strcmp0 (g_hash_table_lookup (query, "alt"), "sse") == 0;
  ex->id = next_id (self, route->dialect);

  if (!read_request (ex, msg))
    {
      note_call (self, ex, "invalid");
      return;
    }

  entry = sluice_mock_scenario_lookup (self->scenario, ex->model);
  if (sluice_mock_behaviour_in_outage (entry->behaviour, now_us))
    {
      route->dialect->set_error (msg, SLUICE_ERROR_CLASS_OVERLOADED,
                                 SOUP_STATUS_SERVICE_UNAVAILABLE,
                                 "The service is unavailable (scripted outage).");
      note_call (self, ex, "outage");
      return;
    }

  if (!admit (self, ex, msg, now_us))
    {
      note_call (self, ex, "limited");
      return;
    }

  if (ex->op == SLUICE_MOCK_OP_MODELS)
    {
      g_autoptr(JsonNode) node = NULL;

      ex->models = list_models (self);
      node = route->dialect->build_body (ex);
      sluice_mock_set_json (msg, SOUP_STATUS_OK, node);
      note_call (self, ex, "ok");
      return;
    }

  decide (self, ex, entry, msg, now_us);
  note_call (self, ex, outcome_name (ex->outcome.error));
  sluice_mock_call_start (msg, g_steal_pointer (&ex), entry->stream, self->calls);
}

static void
set_json_error (SoupServerMessage *msg,
                guint              status,
                const char        *message,
                const char        *path)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  JsonObject *root = json_object_new ();
  JsonObject *error = json_object_new ();

  json_object_set_string_member (error, "type",
                                 path != NULL ? "invalid_scenario" : "invalid_request_error");
  json_object_set_string_member (error, "message", message);
  if (path != NULL)
    json_object_set_string_member (error, "path", path);
  json_object_set_object_member (root, "error", error);
  json_node_take_object (node, root);
  sluice_mock_set_json (msg, status, node);
}

static void
put_scenario (SluiceMockServer  *self,
              SoupServerMessage *msg)
{
  g_autoptr(GBytes) bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *path = NULL;
  const char *message;
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);

  if (sluice_mock_server_set_scenario_data (self, data, length, &error))
    {
      node = sluice_mock_scenario_to_json (self->scenario);
      sluice_mock_set_json (msg, SOUP_STATUS_OK, node);
      return;
    }

  /* Scenario messages start with the JSON path: "$.limits.rpm: …". */
  message = error->message;
  if (message[0] == '$' && strstr (message, ": ") != NULL)
    path = g_strndup (message, strstr (message, ": ") - message);
  set_json_error (msg, SOUP_STATUS_BAD_REQUEST, message, path != NULL ? path : "$");
}

static void
reset_counters (SluiceMockServer *self)
{
  sluice_mock_stats_reset (self->stats);
  sluice_mock_limits_reset (self->limits);
  sluice_mock_scenario_reseed (self->scenario, self->seed_override);
  self->next_id = 0;
}

static void
handle_control (SluiceMockServer  *self,
                SoupServerMessage *msg,
                const char        *method,
                const char        *path)
{
  g_autoptr(JsonNode) node = NULL;

  if (strcmp (path, "/_mock/scenario") == 0 && strcmp (method, "GET") == 0)
    node = sluice_mock_scenario_to_json (self->scenario);
  else if (strcmp (path, "/_mock/scenario") == 0 && strcmp (method, "PUT") == 0)
    {
      put_scenario (self, msg);
      return;
    }
  else if (strcmp (path, "/_mock/stats") == 0 && strcmp (method, "GET") == 0)
    node = sluice_mock_stats_to_json (self->stats);
  else if (strcmp (path, "/_mock/reset") == 0 && strcmp (method, "POST") == 0)
    {
      reset_counters (self);
      node = sluice_mock_stats_to_json (self->stats);
    }
  else
    {
      set_json_error (msg, SOUP_STATUS_NOT_FOUND, "Unknown control endpoint or method.", NULL);
      return;
    }

  sluice_mock_set_json (msg, SOUP_STATUS_OK, node);
}

static void
handle_request (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  SluiceMockServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  char *model = NULL;
  const Route *route;

  if (g_str_has_prefix (path, "/_mock/"))
    {
      handle_control (self, msg, method, path);
      return;
    }

  route = find_route (path, &model);
  if (route == NULL)
    set_json_error (msg, SOUP_STATUS_NOT_FOUND, "Unknown endpoint.", NULL);
  else if (strcmp (method, route->method) != 0)
    {
      g_free (model);
      route->dialect->set_error (msg, SLUICE_ERROR_CLASS_BAD_REQUEST,
                                 SOUP_STATUS_METHOD_NOT_ALLOWED, "Method not allowed.");
    }
  else
    handle_provider (self, msg, route, model, query);
}

static void
sluice_mock_server_dispose (GObject *object)
{
  SluiceMockServer *self = (SluiceMockServer *) object;

  if (self->calls != NULL)
    g_hash_table_remove_all (self->calls);
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);

  G_OBJECT_CLASS (sluice_mock_server_parent_class)->dispose (object);
}

static void
sluice_mock_server_finalize (GObject *object)
{
  SluiceMockServer *self = (SluiceMockServer *) object;

  g_clear_pointer (&self->calls, g_hash_table_unref);
  g_clear_pointer (&self->scenario, sluice_mock_scenario_free);
  g_clear_pointer (&self->stats, sluice_mock_stats_free);
  g_clear_pointer (&self->limits, sluice_mock_limits_free);

  G_OBJECT_CLASS (sluice_mock_server_parent_class)->finalize (object);
}

static void
sluice_mock_server_class_init (SluiceMockServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sluice_mock_server_dispose;
  object_class->finalize = sluice_mock_server_finalize;
}

static void
sluice_mock_server_init (SluiceMockServer *self)
{
  self->soup = soup_server_new ("server-header", "sluice-mock/" PACKAGE_VERSION " ", NULL);
  self->scenario = sluice_mock_scenario_new_default ();
  self->stats = sluice_mock_stats_new ();
  self->limits = sluice_mock_limits_new ();
  self->calls = g_hash_table_new_full (NULL, NULL, (GDestroyNotify) sluice_mock_call_free, NULL);
  self->seed_override = -1;

  soup_server_add_handler (self->soup, NULL, handle_request, self, NULL);
}

SluiceMockServer *
sluice_mock_server_new (void)
{
  return g_object_new (SLUICE_TYPE_MOCK_SERVER, NULL);
}

void
sluice_mock_server_set_seed_override (SluiceMockServer *self,
                                      gint64            seed)
{
  g_return_if_fail (SLUICE_IS_MOCK_SERVER (self));

  self->seed_override = seed;
  sluice_mock_scenario_reseed (self->scenario, seed);
}

void
sluice_mock_server_set_quiet (SluiceMockServer *self,
                              gboolean          quiet)
{
  g_return_if_fail (SLUICE_IS_MOCK_SERVER (self));

  self->quiet = !!quiet;
}

/* Replaces the scenario atomically: an invalid one leaves the old in place.
 * The random sequences and the limit windows restart. */
gboolean
sluice_mock_server_set_scenario_data (SluiceMockServer  *self,
                                      const char        *data,
                                      gssize             length,
                                      GError           **error)
{
  SluiceMockScenario *scenario;

  g_return_val_if_fail (SLUICE_IS_MOCK_SERVER (self), FALSE);

  scenario = sluice_mock_scenario_new_from_data (data, length, error);
  if (scenario == NULL)
    return FALSE;

  sluice_mock_scenario_free (self->scenario);
  self->scenario = scenario;
  sluice_mock_scenario_reseed (scenario, self->seed_override);
  sluice_mock_limits_configure (self->limits, sluice_mock_scenario_get_rpm (scenario),
                                sluice_mock_scenario_get_tpm (scenario));
  sluice_mock_limits_reset (self->limits);

  return TRUE;
}

gboolean
sluice_mock_server_load_scenario (SluiceMockServer  *self,
                                  const char        *path,
                                  GError           **error)
{
  g_autofree char *data = NULL;
  gsize length = 0;

  g_return_val_if_fail (SLUICE_IS_MOCK_SERVER (self), FALSE);

  if (!g_file_get_contents (path, &data, &length, error))
    return FALSE;

  return sluice_mock_server_set_scenario_data (self, data, length, error);
}

gboolean
sluice_mock_server_listen (SluiceMockServer  *self,
                           GInetAddress      *address,
                           guint16            port,
                           GError           **error)
{
  g_autoptr(GSocketAddress) socket_address = NULL;

  g_return_val_if_fail (SLUICE_IS_MOCK_SERVER (self), FALSE);

  socket_address = g_inet_socket_address_new (address, port);
  return soup_server_listen (self->soup, socket_address, 0, error);
}

guint16
sluice_mock_server_get_port (SluiceMockServer *self)
{
  GSList *listeners;
  g_autoptr(GSocketAddress) address = NULL;

  g_return_val_if_fail (SLUICE_IS_MOCK_SERVER (self), 0);

  listeners = soup_server_get_listeners (self->soup);
  if (listeners != NULL)
    address = g_socket_get_local_address (listeners->data, NULL);
  g_slist_free (listeners);

  if (address == NULL || !G_IS_INET_SOCKET_ADDRESS (address))
    return 0;

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
}

void
sluice_mock_server_disconnect (SluiceMockServer *self)
{
  g_return_if_fail (SLUICE_IS_MOCK_SERVER (self));

  g_hash_table_remove_all (self->calls);
  soup_server_disconnect (self->soup);
}
