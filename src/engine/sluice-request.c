/* sluice-request.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-request"

#include "config.h"

#include <json-glib/json-glib.h>

#include "sluice-request-private.h"

/* SluiceMessage */

struct _SluiceMessage
{
  SluiceRole  role;
  char       *content;
};

G_DEFINE_BOXED_TYPE (SluiceMessage, sluice_message,
                     sluice_message_ref, sluice_message_unref)

SluiceMessage *
sluice_message_new (SluiceRole  role,
                    const char *content)
{
  SluiceMessage *self = g_atomic_rc_box_new0 (SluiceMessage);

  self->role = role;
  self->content = g_strdup (content != NULL ? content : "");
  return self;
}

SluiceMessage *
sluice_message_ref (SluiceMessage *self)
{
  return g_atomic_rc_box_acquire (self);
}

static void
sluice_message_clear (gpointer data)
{
  SluiceMessage *self = data;

  g_free (self->content);
}

void
sluice_message_unref (SluiceMessage *self)
{
  g_atomic_rc_box_release_full (self, sluice_message_clear);
}

SluiceRole
sluice_message_get_role (const SluiceMessage *self)
{
  return self->role;
}

const char *
sluice_message_get_content (const SluiceMessage *self)
{
  return self->content;
}

/* SluiceTrace */

struct _SluiceTrace
{
  GMutex  mutex;
  gint64  start_us;
  GArray *entries;
};

G_DEFINE_BOXED_TYPE (SluiceTrace, sluice_trace,
                     sluice_trace_ref, sluice_trace_unref)

static void
trace_entry_clear (gpointer data)
{
  SluiceTraceEntry *entry = data;

  g_free (entry->what);
  g_free (entry->detail);
}

SluiceTrace *
sluice_trace_new (gint64 start_us)
{
  SluiceTrace *self = g_atomic_rc_box_new0 (SluiceTrace);

  g_mutex_init (&self->mutex);
  self->start_us = start_us;
  self->entries = g_array_new (FALSE, TRUE, sizeof (SluiceTraceEntry));
  g_array_set_clear_func (self->entries, trace_entry_clear);
  return self;
}

SluiceTrace *
sluice_trace_ref (SluiceTrace *self)
{
  return g_atomic_rc_box_acquire (self);
}

static void
sluice_trace_clear (gpointer data)
{
  SluiceTrace *self = data;

  g_array_unref (self->entries);
  g_mutex_clear (&self->mutex);
}

void
sluice_trace_unref (SluiceTrace *self)
{
  g_atomic_rc_box_release_full (self, sluice_trace_clear);
}

/**
 * sluice_trace_add:
 * @self: a trace
 * @stage: the pipeline stage that speaks
 * @now_us: the engine clock's monotonic time
 * @duration_us: how long the step took, 0 for an instant event
 * @what: a short tag
 * @detail_format: a printf format for the sentence that explains the step
 *
 * Appends one step. Entries are only ever appended, so readers that got an
 * entry pointer keep a valid one until the trace is freed.
 */
void
sluice_trace_add (SluiceTrace *self,
                  SluiceStage  stage,
                  gint64       now_us,
                  gint64       duration_us,
                  const char  *what,
                  const char  *detail_format,
                  ...)
{
  SluiceTraceEntry entry = { 0 };
  va_list args;

  g_return_if_fail (self != NULL);

  va_start (args, detail_format);
  entry.stage = stage;
  entry.offset_us = MAX (now_us - self->start_us - duration_us, 0);
  entry.duration_us = duration_us;
  entry.what = g_strdup (what);
  entry.detail = g_strdup_vprintf (detail_format, args);
  va_end (args);

  g_mutex_lock (&self->mutex);
  g_array_append_val (self->entries, entry);
  g_mutex_unlock (&self->mutex);
}

guint
sluice_trace_get_n_entries (SluiceTrace *self)
{
  guint n;

  g_return_val_if_fail (self != NULL, 0);

  g_mutex_lock (&self->mutex);
  n = self->entries->len;
  g_mutex_unlock (&self->mutex);
  return n;
}

const SluiceTraceEntry *
sluice_trace_get_entry (SluiceTrace *self,
                        guint        index)
{
  const SluiceTraceEntry *entry = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  g_mutex_lock (&self->mutex);
  if (index < self->entries->len)
    entry = &g_array_index (self->entries, SluiceTraceEntry, index);
  g_mutex_unlock (&self->mutex);
  return entry;
}

/**
 * sluice_trace_to_text:
 * @self: a trace
 *
 * Returns: (transfer full): one line per step, for logs and the clipboard
 */
char *
sluice_trace_to_text (SluiceTrace *self)
{
  GString *out = g_string_new (NULL);
  guint n = sluice_trace_get_n_entries (self);

  for (guint i = 0; i < n; i++)
    {
      const SluiceTraceEntry *e = sluice_trace_get_entry (self, i);

      g_string_append_printf (out, "%+9.1f ms  %-8s %-12s %s",
                              e->offset_us / 1000.0,
                              sluice_stage_to_string (e->stage),
                              e->what, e->detail);
      if (e->duration_us > 0)
        g_string_append_printf (out, " (%.1f ms)", e->duration_us / 1000.0);
      g_string_append_c (out, '\n');
    }

  return g_string_free (out, FALSE);
}

/**
 * sluice_trace_to_json:
 * @self: a trace
 *
 * Returns: (transfer full): the trace as a JSON array
 */
char *
sluice_trace_to_json (SluiceTrace *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  guint n = sluice_trace_get_n_entries (self);

  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      const SluiceTraceEntry *e = sluice_trace_get_entry (self, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "stage");
      json_builder_add_string_value (builder, sluice_stage_to_string (e->stage));
      json_builder_set_member_name (builder, "what");
      json_builder_add_string_value (builder, e->what);
      json_builder_set_member_name (builder, "detail");
      json_builder_add_string_value (builder, e->detail);
      json_builder_set_member_name (builder, "offset_us");
      json_builder_add_int_value (builder, e->offset_us);
      json_builder_set_member_name (builder, "duration_us");
      json_builder_add_int_value (builder, e->duration_us);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* SluiceRequest */

struct _SluiceRequest
{
  GObject    parent_instance;

  GPtrArray *messages;
  char      *id;
  char      *cache_control;
  char      *response_format;
  char      *model;
  char      *task;
  char      *user;
  double     temperature;
  gint64     max_tokens;
  guint      stream : 1;
  guint      deferrable : 1;
  guint      has_tools : 1;
};

G_DEFINE_FINAL_TYPE (SluiceRequest, sluice_request, G_TYPE_OBJECT)

static void
sluice_request_finalize (GObject *object)
{
  SluiceRequest *self = SLUICE_REQUEST (object);

  g_clear_pointer (&self->messages, g_ptr_array_unref);
  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->cache_control, g_free);
  g_clear_pointer (&self->response_format, g_free);
  g_clear_pointer (&self->model, g_free);
  g_clear_pointer (&self->task, g_free);
  g_clear_pointer (&self->user, g_free);

  G_OBJECT_CLASS (sluice_request_parent_class)->finalize (object);
}

static void
sluice_request_class_init (SluiceRequestClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sluice_request_finalize;
}

static void
sluice_request_init (SluiceRequest *self)
{
  self->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) sluice_message_unref);
  self->temperature = -1;
}

/**
 * sluice_request_new:
 *
 * Returns: (transfer full): an empty request; temperature unset (< 0),
 *   max tokens unset (0)
 */
SluiceRequest *
sluice_request_new (void)
{
  return g_object_new (SLUICE_TYPE_REQUEST, NULL);
}

void
sluice_request_add_message (SluiceRequest *self,
                            SluiceRole     role,
                            const char    *content)
{
  g_return_if_fail (SLUICE_IS_REQUEST (self));

  g_ptr_array_add (self->messages, sluice_message_new (role, content));
}

/**
 * sluice_request_get_messages:
 *
 * Returns: (transfer none) (element-type SluiceMessage): the messages
 */
GPtrArray *
sluice_request_get_messages (SluiceRequest *self)
{
  g_return_val_if_fail (SLUICE_IS_REQUEST (self), NULL);

  return self->messages;
}

#define STRING_ACCESSORS(field)                                   \
const char *                                                      \
sluice_request_get_##field (SluiceRequest *self)                  \
{                                                                 \
  g_return_val_if_fail (SLUICE_IS_REQUEST (self), NULL);          \
  return self->field;                                             \
}                                                                 \
void                                                              \
sluice_request_set_##field (SluiceRequest *self,                  \
                            const char    *value)                 \
{                                                                 \
  g_return_if_fail (SLUICE_IS_REQUEST (self));                    \
  g_free (self->field);                                           \
  self->field = (value != NULL && *value != '\0') ? g_strdup (value) : NULL; \
}

STRING_ACCESSORS (id)
STRING_ACCESSORS (cache_control)
STRING_ACCESSORS (model)
STRING_ACCESSORS (task)
STRING_ACCESSORS (user)
STRING_ACCESSORS (response_format)

gboolean
sluice_request_get_has_tools (SluiceRequest *self)
{
  g_return_val_if_fail (SLUICE_IS_REQUEST (self), FALSE);

  return self->has_tools;
}

/**
 * sluice_request_set_has_tools:
 * @self: a request
 * @has_tools: whether the caller offers tools (function calling)
 *
 * Routing rules may send requests with tools to another chain.
 */
void
sluice_request_set_has_tools (SluiceRequest *self,
                              gboolean       has_tools)
{
  g_return_if_fail (SLUICE_IS_REQUEST (self));

  self->has_tools = !!has_tools;
}

/**
 * sluice_request_copy:
 * @self: a request
 *
 * The engine never changes a caller's request: what it dispatches with
 * other settings (a routing rule's caps) is a copy.
 *
 * Returns: (transfer full): a new request equal to @self; the messages
 *   are shared (they are immutable)
 */
SluiceRequest *
sluice_request_copy (SluiceRequest *self)
{
  SluiceRequest *copy;

  g_return_val_if_fail (SLUICE_IS_REQUEST (self), NULL);

  copy = sluice_request_new ();
  for (guint i = 0; i < self->messages->len; i++)
    g_ptr_array_add (copy->messages, sluice_message_ref (g_ptr_array_index (self->messages, i)));
  copy->id = g_strdup (self->id);
  copy->cache_control = g_strdup (self->cache_control);
  copy->response_format = g_strdup (self->response_format);
  copy->model = g_strdup (self->model);
  copy->task = g_strdup (self->task);
  copy->user = g_strdup (self->user);
  copy->temperature = self->temperature;
  copy->max_tokens = self->max_tokens;
  copy->stream = self->stream;
  copy->deferrable = self->deferrable;
  copy->has_tools = self->has_tools;
  return copy;
}

double
sluice_request_get_temperature (SluiceRequest *self)
{
  g_return_val_if_fail (SLUICE_IS_REQUEST (self), -1);

  return self->temperature;
}

void
sluice_request_set_temperature (SluiceRequest *self,
                                double         temperature)
{
  g_return_if_fail (SLUICE_IS_REQUEST (self));

  self->temperature = temperature;
}

gint64
sluice_request_get_max_tokens (SluiceRequest *self)
{
  g_return_val_if_fail (SLUICE_IS_REQUEST (self), 0);

  return self->max_tokens;
}

void
sluice_request_set_max_tokens (SluiceRequest *self,
                               gint64         max_tokens)
{
  g_return_if_fail (SLUICE_IS_REQUEST (self));

  self->max_tokens = MAX (max_tokens, 0);
}

gboolean
sluice_request_get_stream (SluiceRequest *self)
{
  g_return_val_if_fail (SLUICE_IS_REQUEST (self), FALSE);

  return self->stream;
}

void
sluice_request_set_stream (SluiceRequest *self,
                           gboolean       stream)
{
  g_return_if_fail (SLUICE_IS_REQUEST (self));

  self->stream = !!stream;
}

gboolean
sluice_request_get_deferrable (SluiceRequest *self)
{
  g_return_val_if_fail (SLUICE_IS_REQUEST (self), FALSE);

  return self->deferrable;
}

void
sluice_request_set_deferrable (SluiceRequest *self,
                               gboolean       deferrable)
{
  g_return_if_fail (SLUICE_IS_REQUEST (self));

  self->deferrable = !!deferrable;
}

/**
 * sluice_request_new_id:
 *
 * Returns: (transfer full): a new request id, `req_` and 24 hex digits;
 *   a caller that needs the id before the answer (a streaming gateway
 *   sending headers) sets it with sluice_request_set_id()
 */
char *
sluice_request_new_id (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  GString *id = g_string_new ("req_");

  for (const char *p = uuid; *p != '\0' && id->len < 28; p++)
    {
      if (*p != '-')
        g_string_append_c (id, *p);
    }
  return g_string_free (id, FALSE);
}

/**
 * sluice_request_dup_prompt_text:
 * @self: a request
 *
 * Returns: (transfer full): every message's text joined by newlines, the
 *   input the estimators and the mock look at
 */
char *
sluice_request_dup_prompt_text (SluiceRequest *self)
{
  GString *out;

  g_return_val_if_fail (SLUICE_IS_REQUEST (self), NULL);

  out = g_string_new (NULL);
  for (guint i = 0; i < self->messages->len; i++)
    {
      const SluiceMessage *m = g_ptr_array_index (self->messages, i);

      if (i > 0)
        g_string_append_c (out, '\n');
      g_string_append (out, m->content);
    }
  return g_string_free (out, FALSE);
}

/* SluiceResponse */

G_DEFINE_FINAL_TYPE (SluiceResponse, sluice_response, G_TYPE_OBJECT)

static void
sluice_response_finalize (GObject *object)
{
  SluiceResponse *self = SLUICE_RESPONSE (object);

  g_free (self->request_id);
  g_free (self->content);
  g_free (self->finish_reason);
  g_free (self->route);
  g_free (self->model);
  g_free (self->provider);
  g_free (self->error_message);
  g_free (self->job_id);
  g_clear_pointer (&self->trace, sluice_trace_unref);

  G_OBJECT_CLASS (sluice_response_parent_class)->finalize (object);
}

static void
sluice_response_class_init (SluiceResponseClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sluice_response_finalize;
}

static void
sluice_response_init (SluiceResponse *self)
{
  self->ttft_us = -1;
  self->cache_status = SLUICE_CACHE_STATUS_NONE;
}

SluiceResponse *
_sluice_response_new (const char  *request_id,
                      SluiceTrace *trace)
{
  SluiceResponse *self = g_object_new (SLUICE_TYPE_RESPONSE, NULL);

  self->request_id = g_strdup (request_id);
  self->trace = sluice_trace_ref (trace);
  self->retry_after_ms = -1;
  return self;
}

#define RESPONSE_GETTER(type, field, fallback)                    \
type                                                              \
sluice_response_get_##field (SluiceResponse *self)                \
{                                                                 \
  g_return_val_if_fail (SLUICE_IS_RESPONSE (self), fallback);     \
  return self->field;                                             \
}

RESPONSE_GETTER (const char *, request_id, NULL)
RESPONSE_GETTER (SluiceRequestStatus, status, SLUICE_REQUEST_STATUS_ERROR)
RESPONSE_GETTER (const char *, content, NULL)
RESPONSE_GETTER (const char *, finish_reason, NULL)
RESPONSE_GETTER (const char *, route, NULL)
RESPONSE_GETTER (const char *, model, NULL)
RESPONSE_GETTER (const char *, provider, NULL)
RESPONSE_GETTER (double, cost_usd, 0)
RESPONSE_GETTER (gint64, latency_us, 0)
RESPONSE_GETTER (gint64, ttft_us, -1)
RESPONSE_GETTER (gint64, overhead_us, 0)
RESPONSE_GETTER (SluiceCacheStatus, cache_status, SLUICE_CACHE_STATUS_NONE)
RESPONSE_GETTER (guint, fallback_depth, 0)
RESPONSE_GETTER (SluiceErrorClass, error_class, SLUICE_ERROR_CLASS_NONE)
RESPONSE_GETTER (const char *, error_message, NULL)
RESPONSE_GETTER (const char *, job_id, NULL)
RESPONSE_GETTER (SluiceTrace *, trace, NULL)
RESPONSE_GETTER (gint64, retry_after_ms, -1)

const SluiceUsage *
sluice_response_get_usage (SluiceResponse *self)
{
  g_return_val_if_fail (SLUICE_IS_RESPONSE (self), NULL);

  return &self->usage;
}
