/* sluice-route-decision.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-router"

#include "config.h"

#include <json-glib/json-glib.h>

#include "sluice-router-private.h"

/* SluiceRouteDecision: where a request goes and why; immutable once the
 * router hands it out, so the pipeline, the trace and an explain call
 * may share it. */

G_DEFINE_BOXED_TYPE (SluiceRouteDecision, sluice_route_decision,
                     sluice_route_decision_ref, sluice_route_decision_unref)

SluiceRouteDecision *
_sluice_route_decision_new (void)
{
  SluiceRouteDecision *self = g_atomic_rc_box_new0 (SluiceRouteDecision);

  self->reasons = g_ptr_array_new_with_free_func (g_free);
  self->confidence = 1.0;
  self->cap_temperature = -1;
  return self;
}

SluiceRouteDecision *
sluice_route_decision_ref (SluiceRouteDecision *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

static void
sluice_route_decision_clear (gpointer data)
{
  SluiceRouteDecision *self = data;

  g_free (self->chain);
  g_strfreev (self->models);
  g_free (self->rule);
  g_free (self->task);
  g_free (self->output);
  g_strfreev (self->features);
  g_ptr_array_unref (self->reasons);
}

/* Ends the reasons with NULL; the decision is immutable from now on. */
SluiceRouteDecision *
_sluice_route_decision_seal (SluiceRouteDecision *self)
{
  g_ptr_array_add (self->reasons, NULL);
  self->sealed = TRUE;
  return self;
}

void
sluice_route_decision_unref (SluiceRouteDecision *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, sluice_route_decision_clear);
}

void
_sluice_route_decision_reason (SluiceRouteDecision *self,
                               const char          *format,
                               ...)
{
  va_list args;

  g_assert (!self->sealed);
  va_start (args, format);
  g_ptr_array_add (self->reasons, g_strdup_vprintf (format, args));
  va_end (args);
}

#define DECISION_GETTER(type, name, field, fallback)                 \
type                                                                 \
sluice_route_decision_get_##name (SluiceRouteDecision *self)         \
{                                                                    \
  g_return_val_if_fail (self != NULL, fallback);                     \
  return self->field;                                                \
}

/**
 * sluice_route_decision_get_chain:
 * @self: a decision
 *
 * Returns: the chain chosen, or the model's name when the caller pinned one
 */
DECISION_GETTER (const char *, chain, chain, NULL)
DECISION_GETTER (const char *, rule, rule, NULL)
DECISION_GETTER (const char *, task, task, NULL)
DECISION_GETTER (gboolean, task_guessed, task_guessed, FALSE)
DECISION_GETTER (double, confidence, confidence, 0)
DECISION_GETTER (gint64, input_tokens, input_tokens, 0)
DECISION_GETTER (gint64, max_tokens_cap, cap_max_tokens, 0)
DECISION_GETTER (double, temperature_cap, cap_temperature, -1)
DECISION_GETTER (gboolean, budget_switched, budget_switched, FALSE)
DECISION_GETTER (gboolean, routed_up, routed_up, FALSE)

/**
 * sluice_route_decision_get_models:
 * @self: a decision
 *
 * Returns: (transfer none) (array zero-terminated=1): the models to try, in order
 */
const char * const *
sluice_route_decision_get_models (SluiceRouteDecision *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *) self->models;
}

/**
 * sluice_route_decision_get_features:
 * @self: a decision
 *
 * Returns: (transfer none) (array zero-terminated=1) (nullable): what the
 *   classifier saw, or %NULL when the caller gave the task
 */
const char * const *
sluice_route_decision_get_features (SluiceRouteDecision *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *) self->features;
}

/**
 * sluice_route_decision_get_reasons:
 * @self: a decision
 *
 * Returns: (transfer none) (array zero-terminated=1): why, step by step
 */
const char * const *
sluice_route_decision_get_reasons (SluiceRouteDecision *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  /* The router ends the list with NULL when it hands the decision out. */
  return (const char * const *) self->reasons->pdata;
}

/**
 * sluice_route_decision_dup_summary:
 * @self: a decision
 *
 * Returns: (transfer full): the reasons in one sentence, for the trace
 */
char *
sluice_route_decision_dup_summary (SluiceRouteDecision *self)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < self->reasons->len; i++)
    {
      const char *reason = g_ptr_array_index (self->reasons, i);

      if (reason == NULL)
        continue;
      if (out->len > 0)
        g_string_append (out, "; ");
      g_string_append (out, reason);
    }
  return g_string_free (out, FALSE);
}

static void
add_strv (JsonBuilder        *b,
          const char         *member,
          const char * const *values)
{
  json_builder_set_member_name (b, member);
  if (values == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_array (b);
  for (guint i = 0; values[i] != NULL; i++)
    json_builder_add_string_value (b, values[i]);
  json_builder_end_array (b);
}

static void
add_nullable_string (JsonBuilder *b,
                     const char  *member,
                     const char  *value)
{
  json_builder_set_member_name (b, member);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_caps (JsonBuilder         *b,
          SluiceRouteDecision *self)
{
  json_builder_set_member_name (b, "caps");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "max_tokens");
  if (self->cap_max_tokens > 0)
    json_builder_add_int_value (b, self->cap_max_tokens);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "temperature");
  if (self->cap_temperature >= 0)
    json_builder_add_double_value (b, self->cap_temperature);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
}

/**
 * sluice_route_decision_to_json_node:
 * @self: a decision
 *
 * Returns: (transfer full): the decision as a JSON object: chain, models,
 *   rule, task, task_source, confidence, features, reasons, input_tokens,
 *   output, caps, budget_switched, routed_up
 */
JsonNode *
sluice_route_decision_to_json_node (SluiceRouteDecision *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (b);
  add_nullable_string (b, "chain", self->chain);
  add_strv (b, "models", (const char * const *) self->models);
  add_nullable_string (b, "rule", self->rule);
  add_nullable_string (b, "task", self->task);
  add_nullable_string (b, "task_source", self->task == NULL ? NULL
                       : self->task_guessed ? "classifier" : "caller");
  json_builder_set_member_name (b, "confidence");
  json_builder_add_double_value (b, self->confidence);
  add_strv (b, "features", (const char * const *) self->features);
  add_strv (b, "reasons", sluice_route_decision_get_reasons (self));
  json_builder_set_member_name (b, "input_tokens");
  json_builder_add_int_value (b, self->input_tokens);
  add_nullable_string (b, "output", self->output);
  add_caps (b, self);
  json_builder_set_member_name (b, "budget_switched");
  json_builder_add_boolean_value (b, self->budget_switched);
  json_builder_set_member_name (b, "routed_up");
  json_builder_add_boolean_value (b, self->routed_up);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/**
 * sluice_route_decision_to_json:
 * @self: a decision
 *
 * Returns: (transfer full): sluice_route_decision_to_json_node() as text
 */
char *
sluice_route_decision_to_json (SluiceRouteDecision *self)
{
  g_autoptr(JsonNode) node = sluice_route_decision_to_json_node (self);

  return json_to_string (node, TRUE);
}
