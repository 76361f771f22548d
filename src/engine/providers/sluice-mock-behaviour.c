/* sluice-mock-behaviour.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-mock"

#include "config.h"

#include <math.h>
#include <string.h>

#include "sluice-config.h"
#include "sluice-mock-behaviour.h"

/* The behaviour document (the "mock" member of a provider in the config, and
 * each behaviour of a sluice-mock scenario):
 *
 *   { "seed": 1,
 *     "latency_ms": { "p50": 350, "p99": 3500 },   log-normal through both
 *     "errors": { "server": 0.01, "rate_limited": 0.02, ... },  per call
 *     "retry_after_ms": 1000,                       sent with rate_limited
 *     "outage": false,                              every call overloaded
 *     "outages": [ { "start": ISO-8601, "end": ISO-8601 } ],
 *     "answer": "echo" | "canned" | "lorem",
 *     "canned": { "substring": "answer", ... },     first match wins
 *     "output_tokens": { "min": 20, "max": 200 },
 *     "stream": { "cut_after_chunks": 0, "chunk_delay_ms": 0 } }
 *
 * Every member is optional. Each decision draws the same number of values
 * from the caller's GRand whatever it decides, so one seed gives one
 * sequence of outcomes. */

#define Z99 2.326347874  /* the standard normal's 99th percentile */

typedef struct
{
  gint64 start_us;
  gint64 end_us;
} Outage;

struct _SluiceMockBehaviour
{
  guint64               seed;
  double                p50_ms;
  double                p99_ms;
  double                error_rates[SLUICE_N_ERROR_CLASSES];
  gint64                retry_after_ms;
  gboolean              outage;
  GArray               *outages;
  SluiceMockAnswerMode  answer;
  GPtrArray            *canned_keys;
  GPtrArray            *canned_values;
  gint64                min_output;
  gint64                max_output;
  guint                 cut_after_chunks;
  guint                 chunk_delay_ms;
};

G_DEFINE_BOXED_TYPE (SluiceMockBehaviour, sluice_mock_behaviour,
                     sluice_mock_behaviour_ref, sluice_mock_behaviour_unref)

static const char *answer_names[] = { "echo", "canned", "lorem" };

/* The "lorem" answer: plausible sentences, so a demo reads like one. */
static const char *lorem_sentences[] = {
  "The gateway routes each request to the cheapest chain that meets its quality bar.",
  "Tokens are counted before they are spent, so a budget holds under load.",
  "When a provider fails, the breaker opens and the next model of the chain answers.",
  "Repeated questions are answered from the cache at no cost.",
  "Every step of the request is written to its trace.",
  "Latency stays low because slow models are raced or skipped.",
  "Retries are limited to a small share of the traffic, so an outage never multiplies it.",
  "The ledger keeps one committed row per request.",
  "Limits are shared across instances through Redis.",
  "A stale answer is better than none when every provider is down.",
  "Routing rules send simple tasks to small models and hard ones to frontier models.",
  "Quality is scored on a sample of answers and drift is watched day by day.",
  "Deprecated models are replaced before their retirement date.",
  "Each provider's rate-limit headers tighten the limits the gateway enforces.",
  "Costs are settled with the usage the provider reported.",
  "Deferred requests wait in a queue until a provider recovers.",
};

void
sluice_mock_outcome_clear (SluiceMockOutcome *outcome)
{
  g_clear_pointer (&outcome->content, g_free);
}

static SluiceMockBehaviour *
behaviour_alloc (void)
{
  SluiceMockBehaviour *self = g_atomic_rc_box_new0 (SluiceMockBehaviour);

  self->seed = 1;
  self->p50_ms = 350;
  self->p99_ms = 3500;
  self->retry_after_ms = 1000;
  self->outages = g_array_new (FALSE, FALSE, sizeof (Outage));
  self->answer = SLUICE_MOCK_ANSWER_ECHO;
  self->canned_keys = g_ptr_array_new_with_free_func (g_free);
  self->canned_values = g_ptr_array_new_with_free_func (g_free);
  self->min_output = 20;
  self->max_output = 200;
  return self;
}

/**
 * sluice_mock_behaviour_new_default:
 *
 * Returns: (transfer full): a healthy mock: echo answers, p50 350 ms,
 *   p99 3.5 s, no errors
 */
SluiceMockBehaviour *
sluice_mock_behaviour_new_default (void)
{
  return behaviour_alloc ();
}

SluiceMockBehaviour *
sluice_mock_behaviour_ref (SluiceMockBehaviour *self)
{
  return g_atomic_rc_box_acquire (self);
}

static void
behaviour_clear (gpointer data)
{
  SluiceMockBehaviour *self = data;

  g_array_unref (self->outages);
  g_ptr_array_unref (self->canned_keys);
  g_ptr_array_unref (self->canned_values);
}

void
sluice_mock_behaviour_unref (SluiceMockBehaviour *self)
{
  g_atomic_rc_box_release_full (self, behaviour_clear);
}

static gboolean
fail (GError     **error,
      const char  *path,
      const char  *member,
      const char  *reason)
{
  g_set_error (error, SLUICE_CONFIG_ERROR, SLUICE_CONFIG_ERROR_INVALID,
               "%s%s%s: %s", path, member ? "." : "", member ? member : "", reason);
  return FALSE;
}

static gboolean
read_number (JsonObject  *object,
             const char  *member,
             const char  *path,
             double       min,
             double       max,
             double      *out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  g_autofree char *reason = NULL;
  double value;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_INT64 &&
       json_node_get_value_type (node) != G_TYPE_DOUBLE))
    return fail (error, path, member, "must be a number");

  value = json_node_get_double (node);
  if (value < min || value > max)
    {
      reason = g_strdup_printf ("must be between %g and %g", min, max);
      return fail (error, path, member, reason);
    }
  *out = value;
  return TRUE;
}

static gboolean
check_members (JsonObject  *object,
               const char  *path,
               const char **allowed,
               GError     **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (const GList *l = members; l != NULL; l = l->next)
    {
      if (!g_strv_contains (allowed, l->data))
        return fail (error, path, l->data, "unknown member");
    }
  return TRUE;
}

static JsonObject *
get_object (JsonObject  *object,
            const char  *member,
            const char  *path,
            gboolean    *ok,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *ok = TRUE;
  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      *ok = fail (error, path, member, "must be an object");
      return NULL;
    }
  return json_node_get_object (node);
}

static gboolean
parse_latency (SluiceMockBehaviour *self,
               JsonObject          *root,
               const char          *path,
               GError             **error)
{
  static const char *allowed[] = { "p50", "p99", NULL };
  g_autofree char *sub = g_strdup_printf ("%s.latency_ms", path);
  JsonObject *latency;
  gboolean ok;

  latency = get_object (root, "latency_ms", path, &ok, error);
  if (latency == NULL)
    return ok;
  if (!check_members (latency, sub, allowed, error) ||
      !read_number (latency, "p50", sub, 0, 600000, &self->p50_ms, error) ||
      !read_number (latency, "p99", sub, 0, 600000, &self->p99_ms, error))
    return FALSE;
  if (self->p99_ms < self->p50_ms)
    return fail (error, sub, "p99", "must not be below p50");
  return TRUE;
}

static gboolean
parse_errors (SluiceMockBehaviour *self,
              JsonObject          *root,
              const char          *path,
              GError             **error)
{
  g_autofree char *sub = g_strdup_printf ("%s.errors", path);
  g_autoptr(GList) members = NULL;
  JsonObject *errors;
  double total = 0;
  gboolean ok;

  errors = get_object (root, "errors", path, &ok, error);
  if (errors == NULL)
    return ok;

  members = json_object_get_members (errors);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      SluiceErrorClass klass;

      if (!sluice_error_class_from_string (l->data, &klass) ||
          klass == SLUICE_ERROR_CLASS_NONE)
        return fail (error, sub, l->data, "not an error class (server, "
                     "rate_limited, timeout, overloaded, auth, bad_request, "
                     "context_length, content_filter, network, malformed)");
      if (!read_number (errors, l->data, sub, 0, 1, &self->error_rates[klass], error))
        return FALSE;
      total += self->error_rates[klass];
    }
  if (total > 1.0 + 1e-9)
    return fail (error, sub, NULL, "the error rates add up to more than 1");
  return TRUE;
}

static gboolean
parse_outages (SluiceMockBehaviour *self,
               JsonObject          *root,
               const char          *path,
               GError             **error)
{
  JsonNode *node = json_object_get_member (root, "outages");
  JsonArray *array;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return fail (error, path, "outages", "must be an array");

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *sub = g_strdup_printf ("%s.outages[%u]", path, i);
      JsonNode *item = json_array_get_element (array, i);
      Outage outage;
      const char *names[] = { "start", "end" };
      gint64 *slots[] = { &outage.start_us, &outage.end_us };

      if (!JSON_NODE_HOLDS_OBJECT (item))
        return fail (error, sub, NULL, "must be an object with start and end");
      for (guint k = 0; k < 2; k++)
        {
          const char *text = json_object_get_string_member_with_default (
              json_node_get_object (item), names[k], NULL);
          g_autoptr(GDateTime) when = NULL;

          if (text != NULL)
            when = g_date_time_new_from_iso8601 (text, NULL);
          if (when == NULL)
            return fail (error, sub, names[k], "must be an ISO 8601 date and time with a zone");
          *slots[k] = g_date_time_to_unix (when) * G_USEC_PER_SEC +
                      g_date_time_get_microsecond (when);
        }
      if (outage.end_us <= outage.start_us)
        return fail (error, sub, "end", "must be after start");
      g_array_append_val (self->outages, outage);
    }
  return TRUE;
}

static gboolean
parse_answer (SluiceMockBehaviour *self,
              JsonObject          *root,
              const char          *path,
              GError             **error)
{
  JsonNode *node = json_object_get_member (root, "answer");
  JsonObject *canned;
  gboolean ok;
  gboolean found = FALSE;

  if (node != NULL)
    {
      const char *name = JSON_NODE_HOLDS_VALUE (node) &&
                         json_node_get_value_type (node) == G_TYPE_STRING
                         ? json_node_get_string (node) : NULL;

      for (guint i = 0; name != NULL && i < G_N_ELEMENTS (answer_names); i++)
        {
          if (strcmp (name, answer_names[i]) == 0)
            {
              self->answer = i;
              found = TRUE;
            }
        }
      if (!found)
        return fail (error, path, "answer", "must be \"echo\", \"canned\" or \"lorem\"");
    }

  canned = get_object (root, "canned", path, &ok, error);
  if (!ok)
    return FALSE;
  if (canned != NULL)
    {
      g_autofree char *sub = g_strdup_printf ("%s.canned", path);
      g_autoptr(GList) members = json_object_get_members (canned);

      for (const GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *value = json_object_get_member (canned, l->data);

          if (!JSON_NODE_HOLDS_VALUE (value) ||
              json_node_get_value_type (value) != G_TYPE_STRING)
            return fail (error, sub, l->data, "must be a string");
          g_ptr_array_add (self->canned_keys, g_utf8_casefold (l->data, -1));
          g_ptr_array_add (self->canned_values, g_strdup (json_node_get_string (value)));
        }
    }
  if (self->answer == SLUICE_MOCK_ANSWER_CANNED && self->canned_keys->len == 0)
    return fail (error, path, "canned", "is required when answer is \"canned\"");
  return TRUE;
}

static gboolean
parse_output_and_stream (SluiceMockBehaviour *self,
                         JsonObject          *root,
                         const char          *path,
                         GError             **error)
{
  static const char *output_allowed[] = { "min", "max", NULL };
  static const char *stream_allowed[] = { "cut_after_chunks", "chunk_delay_ms", NULL };
  JsonObject *output;
  JsonObject *stream;
  gboolean ok;

  output = get_object (root, "output_tokens", path, &ok, error);
  if (!ok)
    return FALSE;
  if (output != NULL)
    {
      g_autofree char *sub = g_strdup_printf ("%s.output_tokens", path);
      double min = self->min_output, max = self->max_output;

      if (!check_members (output, sub, output_allowed, error) ||
          !read_number (output, "min", sub, 1, 1000000, &min, error) ||
          !read_number (output, "max", sub, 1, 1000000, &max, error))
        return FALSE;
      if (max < min)
        return fail (error, sub, "max", "must not be below min");
      self->min_output = (gint64) min;
      self->max_output = (gint64) max;
    }

  stream = get_object (root, "stream", path, &ok, error);
  if (!ok)
    return FALSE;
  if (stream != NULL)
    {
      g_autofree char *sub = g_strdup_printf ("%s.stream", path);
      double cut = 0, delay = 0;

      if (!check_members (stream, sub, stream_allowed, error) ||
          !read_number (stream, "cut_after_chunks", sub, 0, 1000000, &cut, error) ||
          !read_number (stream, "chunk_delay_ms", sub, 0, 60000, &delay, error))
        return FALSE;
      self->cut_after_chunks = (guint) cut;
      self->chunk_delay_ms = (guint) delay;
    }
  return TRUE;
}

/**
 * sluice_mock_behaviour_new_from_json:
 * @node: the behaviour document
 * @path: the JSON path of @node, for error messages (e.g. `$.providers[0].mock`)
 * @error: set to a %SLUICE_CONFIG_ERROR_INVALID naming the path and reason
 *
 * Returns: (transfer full) (nullable): the behaviour, or %NULL
 */
SluiceMockBehaviour *
sluice_mock_behaviour_new_from_json (JsonNode    *node,
                                     const char  *path,
                                     GError     **error)
{
  static const char *allowed[] = {
    "seed", "latency_ms", "errors", "retry_after_ms", "outage", "outages",
    "answer", "canned", "output_tokens", "stream", NULL
  };
  g_autoptr(SluiceMockBehaviour) self = NULL;
  JsonObject *root;
  JsonNode *outage;
  double seed = 1, retry_after = 1000;

  g_return_val_if_fail (node != NULL, NULL);

  if (path == NULL)
    path = "$";
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      fail (error, path, NULL, "must be an object");
      return NULL;
    }

  root = json_node_get_object (node);
  self = behaviour_alloc ();

  if (!check_members (root, path, allowed, error) ||
      !read_number (root, "seed", path, 0, 9007199254740992.0, &seed, error) ||
      !read_number (root, "retry_after_ms", path, 0, 86400000, &retry_after, error) ||
      !parse_latency (self, root, path, error) ||
      !parse_errors (self, root, path, error) ||
      !parse_outages (self, root, path, error) ||
      !parse_answer (self, root, path, error) ||
      !parse_output_and_stream (self, root, path, error))
    return NULL;

  outage = json_object_get_member (root, "outage");
  if (outage != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (outage) ||
          json_node_get_value_type (outage) != G_TYPE_BOOLEAN)
        {
          fail (error, path, "outage", "must be true or false");
          return NULL;
        }
      self->outage = json_node_get_boolean (outage);
    }

  self->seed = (guint64) seed;
  self->retry_after_ms = (gint64) retry_after;
  return g_steal_pointer (&self);
}

static void
add_number (JsonBuilder *builder,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (builder, name);
  if (value == floor (value) && fabs (value) < 9e15)
    json_builder_add_int_value (builder, (gint64) value);
  else
    json_builder_add_double_value (builder, value);
}

/**
 * sluice_mock_behaviour_to_json:
 * @self: a behaviour
 *
 * Returns: (transfer full): the behaviour as a complete document, every
 *   default written out, that sluice_mock_behaviour_new_from_json() reads back
 */
JsonNode *
sluice_mock_behaviour_to_json (SluiceMockBehaviour *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_number (builder, "seed", (double) self->seed);

  json_builder_set_member_name (builder, "latency_ms");
  json_builder_begin_object (builder);
  add_number (builder, "p50", self->p50_ms);
  add_number (builder, "p99", self->p99_ms);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "errors");
  json_builder_begin_object (builder);
  for (guint k = 1; k < SLUICE_N_ERROR_CLASSES; k++)
    {
      if (self->error_rates[k] > 0)
        add_number (builder, sluice_error_class_to_string (k), self->error_rates[k]);
    }
  json_builder_end_object (builder);

  add_number (builder, "retry_after_ms", (double) self->retry_after_ms);
  json_builder_set_member_name (builder, "outage");
  json_builder_add_boolean_value (builder, self->outage);

  json_builder_set_member_name (builder, "outages");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->outages->len; i++)
    {
      const Outage *o = &g_array_index (self->outages, Outage, i);
      gint64 bounds[] = { o->start_us, o->end_us };
      const char *names[] = { "start", "end" };

      json_builder_begin_object (builder);
      for (guint k = 0; k < 2; k++)
        {
          g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (bounds[k] / G_USEC_PER_SEC);
          g_autofree char *text = g_date_time_format_iso8601 (when);

          json_builder_set_member_name (builder, names[k]);
          json_builder_add_string_value (builder, text);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "answer");
  json_builder_add_string_value (builder, answer_names[self->answer]);
  json_builder_set_member_name (builder, "canned");
  json_builder_begin_object (builder);
  for (guint i = 0; i < self->canned_keys->len; i++)
    {
      json_builder_set_member_name (builder, g_ptr_array_index (self->canned_keys, i));
      json_builder_add_string_value (builder, g_ptr_array_index (self->canned_values, i));
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "output_tokens");
  json_builder_begin_object (builder);
  add_number (builder, "min", (double) self->min_output);
  add_number (builder, "max", (double) self->max_output);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "stream");
  json_builder_begin_object (builder);
  add_number (builder, "cut_after_chunks", self->cut_after_chunks);
  add_number (builder, "chunk_delay_ms", self->chunk_delay_ms);
  json_builder_end_object (builder);

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

guint64
sluice_mock_behaviour_get_seed (SluiceMockBehaviour *self)
{
  return self->seed;
}

double
sluice_mock_behaviour_get_p50_ms (SluiceMockBehaviour *self)
{
  return self->p50_ms;
}

double
sluice_mock_behaviour_get_p99_ms (SluiceMockBehaviour *self)
{
  return self->p99_ms;
}

double
sluice_mock_behaviour_get_error_rate (SluiceMockBehaviour *self,
                                      SluiceErrorClass     klass)
{
  g_return_val_if_fail (klass < SLUICE_N_ERROR_CLASSES, 0);

  return self->error_rates[klass];
}

guint
sluice_mock_behaviour_get_stream_cut_after (SluiceMockBehaviour *self)
{
  return self->cut_after_chunks;
}

guint
sluice_mock_behaviour_get_chunk_delay_ms (SluiceMockBehaviour *self)
{
  return self->chunk_delay_ms;
}

gboolean
sluice_mock_behaviour_in_outage (SluiceMockBehaviour *self,
                                 gint64               now_us)
{
  if (self->outage)
    return TRUE;

  for (guint i = 0; i < self->outages->len; i++)
    {
      const Outage *o = &g_array_index (self->outages, Outage, i);

      if (now_us >= o->start_us && now_us < o->end_us)
        return TRUE;
    }
  return FALSE;
}

/* A rough count, about four characters a token: the mock reports usage the
 * way a provider would, it is not the engine's estimator. */
static gint64
rough_tokens (const char *text)
{
  return (gint64) (g_utf8_strlen (text, -1) + 3) / 4;
}

static const char *
last_user_text (SluiceRequest *request)
{
  GPtrArray *messages = sluice_request_get_messages (request);

  for (guint i = messages->len; i > 0; i--)
    {
      const SluiceMessage *m = g_ptr_array_index (messages, i - 1);

      if (sluice_message_get_role (m) == SLUICE_ROLE_USER)
        return sluice_message_get_content (m);
    }
  return "";
}

static char *
make_lorem (GRand  *rand,
            gint64  n_tokens)
{
  GString *out = g_string_new (NULL);

  /* About four characters a token: sentences until the target is met. */
  while ((gint64) out->len < MAX (n_tokens, 1) * 4)
    {
      const char *sentence = lorem_sentences[g_rand_int_range (rand, 0, G_N_ELEMENTS (lorem_sentences))];

      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, sentence);
    }
  return g_string_free (out, FALSE);
}

static char *
make_answer (SluiceMockBehaviour *self,
             GRand               *rand,
             SluiceRequest       *request,
             gint64               n_tokens)
{
  const char *prompt = last_user_text (request);

  if (self->answer == SLUICE_MOCK_ANSWER_ECHO)
    return g_strdup_printf ("Echo: %s", prompt);

  if (self->answer == SLUICE_MOCK_ANSWER_CANNED)
    {
      g_autofree char *folded = g_utf8_casefold (prompt, -1);

      for (guint i = 0; i < self->canned_keys->len; i++)
        {
          if (strstr (folded, g_ptr_array_index (self->canned_keys, i)) != NULL)
            return g_strdup (g_ptr_array_index (self->canned_values, i));
        }
    }

  return make_lorem (rand, n_tokens);
}

static gint64
draw_latency_us (SluiceMockBehaviour *self,
                 double               u1,
                 double               u2)
{
  double sigma, z, ms;

  if (self->p50_ms <= 0)
    return 0;

  /* Log-normal through p50 and p99: ln X ~ N(ln p50, sigma) with sigma set
   * so that the 99th percentile lands on p99. */
  sigma = self->p99_ms > self->p50_ms ? log (self->p99_ms / self->p50_ms) / Z99 : 0;
  z = sqrt (-2.0 * log (MAX (u1, 1e-12))) * cos (2.0 * G_PI * u2);
  ms = exp (log (self->p50_ms) + sigma * z);
  return (gint64) (MIN (ms, 600000.0) * 1000.0);
}

static SluiceErrorClass
draw_error (SluiceMockBehaviour *self,
            double               u)
{
  double acc = 0;

  for (guint k = 1; k < SLUICE_N_ERROR_CLASSES; k++)
    {
      acc += self->error_rates[k];
      if (u < acc)
        return k;
    }
  return SLUICE_ERROR_CLASS_NONE;
}

/**
 * sluice_mock_behaviour_decide:
 * @self: a behaviour
 * @rand: the caller's generator, seeded with the behaviour's seed
 * @request: the request being answered
 * @now_us: the wall-clock time of the call, for outage windows
 * @outcome: (out caller-allocates): what the mock does with this call;
 *   clear it with sluice_mock_outcome_clear()
 *
 * Decides one call. The answer, when there is one, is capped by the
 * request's max tokens (finish reason "length").
 */
void
sluice_mock_behaviour_decide (SluiceMockBehaviour *self,
                              GRand               *rand,
                              SluiceRequest       *request,
                              gint64               now_us,
                              SluiceMockOutcome   *outcome)
{
  g_autofree char *prompt = NULL;
  double u_error, u1, u2;
  gint64 n_out, max_tokens;

  g_return_if_fail (self != NULL);
  g_return_if_fail (rand != NULL);
  g_return_if_fail (SLUICE_IS_REQUEST (request));

  memset (outcome, 0, sizeof *outcome);
  outcome->retry_after_ms = -1;
  outcome->finish_reason = "stop";

  u_error = g_rand_double (rand);
  u1 = g_rand_double (rand);
  u2 = g_rand_double (rand);
  n_out = g_rand_int_range (rand, (gint32) self->min_output, (gint32) self->max_output + 1);

  outcome->latency_us = draw_latency_us (self, u1, u2);
  outcome->error = draw_error (self, u_error);
  if (sluice_mock_behaviour_in_outage (self, now_us))
    outcome->error = SLUICE_ERROR_CLASS_OVERLOADED;

  if (outcome->error != SLUICE_ERROR_CLASS_NONE)
    {
      if (outcome->error == SLUICE_ERROR_CLASS_RATE_LIMITED)
        outcome->retry_after_ms = self->retry_after_ms;
      if (outcome->error == SLUICE_ERROR_CLASS_TIMEOUT)
        outcome->latency_us = G_MAXINT64 / 4;
      return;
    }

  prompt = sluice_request_dup_prompt_text (request);
  outcome->content = make_answer (self, rand, request, n_out);
  outcome->usage.input_tokens = rough_tokens (prompt) +
                                4 * sluice_request_get_messages (request)->len;
  outcome->usage.output_tokens = rough_tokens (outcome->content);

  max_tokens = sluice_request_get_max_tokens (request);
  if (max_tokens > 0 && outcome->usage.output_tokens > max_tokens)
    {
      const char *end = g_utf8_offset_to_pointer (outcome->content, max_tokens * 4);

      outcome->content[end - outcome->content] = '\0';
      outcome->usage.output_tokens = max_tokens;
      outcome->finish_reason = "length";
    }
}
