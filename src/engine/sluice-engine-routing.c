/* sluice-engine-routing.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-engine"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sluice-engine-private.h"

/* Routing for the pipeline and for explain: the same decision, from the
 * same inputs (config, request, input estimate, clock, budget readings). */

SluiceRouteDecision *
_sluice_engine_decide_route (SluiceEngine   *self,
                             SluiceConfig   *config,
                             SluiceLimiter  *limiter,
                             SluiceRequest  *request,
                             gint64          input_tokens,
                             GError        **error)
{
  g_autoptr(GArray) usage = sluice_limiter_dup_usage (limiter);
  g_autoptr(GError) local_error = NULL;
  SluiceRouteInput input = {
    .config = config,
    .request = request,
    .input_tokens = input_tokens,
    .now_us = sluice_clock_now_us (self->clock),
    .usage = usage,
  };
  SluiceRouteDecision *decision;

  decision = sluice_router_route (&input, &local_error);
  if (decision == NULL)
    g_set_error (error, SLUICE_ENGINE_ERROR, SLUICE_ENGINE_ERROR_NO_ROUTE,
                 _("No model, chain or alias is called “%s”"),
                 sluice_request_get_model (request));
  return decision;
}

static gboolean
has_user_message (SluiceRequest *request)
{
  GPtrArray *messages = sluice_request_get_messages (request);

  for (guint i = 0; i < messages->len; i++)
    {
      if (sluice_message_get_role (g_ptr_array_index (messages, i)) == SLUICE_ROLE_USER)
        return TRUE;
    }
  return FALSE;
}

/**
 * sluice_engine_explain:
 * @self: an engine
 * @request: a request, as it would be sent
 * @error: return location for a #SLUICE_ENGINE_ERROR
 *
 * The route @request would take now and why: the chain, the rule that
 * matched, the task (given or guessed, with the classifier's confidence and
 * features), the caps, and the reasons in order. Calls no provider and
 * counts nothing against limits or budgets. Call it on the engine's context.
 *
 * Returns: (transfer full) (nullable): the decision, or %NULL with
 *   %SLUICE_ENGINE_ERROR_INVALID_REQUEST or %SLUICE_ENGINE_ERROR_NO_ROUTE
 */
SluiceRouteDecision *
sluice_engine_explain (SluiceEngine   *self,
                       SluiceRequest  *request,
                       GError        **error)
{
  g_autoptr(SluiceConfig) config = NULL;
  g_autoptr(SluiceLimiter) limiter = NULL;
  gint64 input_tokens;

  g_return_val_if_fail (SLUICE_IS_ENGINE (self), NULL);
  g_return_val_if_fail (SLUICE_IS_REQUEST (request), NULL);

  if (!has_user_message (request))
    {
      g_set_error_literal (error, SLUICE_ENGINE_ERROR, SLUICE_ENGINE_ERROR_INVALID_REQUEST,
                           _("The request has no user message"));
      return NULL;
    }

  g_mutex_lock (&self->mutex);
  config = g_object_ref (self->config);
  limiter = g_object_ref (self->limiter);
  g_mutex_unlock (&self->mutex);

  input_tokens = sluice_tokenizer_estimate_request (sluice_limiter_get_tokenizer (limiter),
                                                    request, 0, NULL);
  return _sluice_engine_decide_route (self, config, limiter, request, input_tokens, error);
}
