/* sluice-router.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-router"

#include "config.h"

#include <string.h>

#include "sluice-complexity.h"
#include "sluice-limiter.h"
#include "sluice-router-private.h"

/* The route stage. A request that names a concrete model goes to it alone.
 * Otherwise its task is the caller's hint or the complexity estimate's
 * guess, and the rules are tried in order, first match wins; no match
 * means the chain of the alias the caller asked for, else the default.
 * Then three adjustments, each written down as a reason:
 *  - a guess below routing.min_confidence never routes down: where the
 *    guess decided (a rule on tasks, or no rule), the route goes up to the
 *    alias's chain, else routing.uncertain, else the most capable chain,
 *    whichever is more capable than the one chosen;
 *  - a rule with when_budget_above switches to its cheaper_chain when the
 *    user's or the global budget is past that fraction;
 *  - a rule's caps bound max_tokens and temperature of the copy dispatched.
 * A chain's capability is its first model's price (in + out per 1M). */

G_DEFINE_QUARK (sluice-router-error-quark, sluice_router_error)

typedef struct
{
  const SluiceRouteInput *in;
  SluiceRouteDecision    *d;
  const char             *asked_chain;  /* the asked alias's chain, or NULL */
  const char             *user;
  gint                    minute;       /* local time of day */
} Routing;

/**
 * sluice_router_output_kind:
 * @request: a request
 *
 * Returns: "tools" when it offers tools, "json" when it asks for JSON,
 *   else "text"
 */
const char *
sluice_router_output_kind (SluiceRequest *request)
{
  const char *format = sluice_request_get_response_format (request);

  if (sluice_request_get_has_tools (request))
    return "tools";
  if (g_strcmp0 (format, "json") == 0)
    return "json";
  return "text";
}

static double
capability (SluiceConfig *config,
            const char   *chain_name)
{
  const SluiceChainConfig *chain = sluice_config_lookup_chain (config, chain_name);
  const SluiceModelConfig *model;

  if (chain == NULL || chain->models[0] == NULL)
    return 0;
  model = sluice_config_lookup_model (config, chain->models[0]);
  return model != NULL ? model->price_in + model->price_out : 0;
}

static const char *
most_capable_chain (SluiceConfig *config)
{
  const char *best = sluice_config_get_default_chain (config);

  for (guint i = 0; i < sluice_config_get_n_chains (config); i++)
    {
      const SluiceChainConfig *chain = sluice_config_get_chain (config, i);

      if (capability (config, chain->name) > capability (config, best))
        best = chain->name;
    }
  return best;
}

static char *
user_prompt_text (SluiceRequest *request)
{
  GPtrArray *messages = sluice_request_get_messages (request);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < messages->len; i++)
    {
      const SluiceMessage *m = g_ptr_array_index (messages, i);

      if (sluice_message_get_role (m) != SLUICE_ROLE_USER)
        continue;
      if (out->len > 0)
        g_string_append_c (out, '\n');
      g_string_append (out, sluice_message_get_content (m));
    }
  return g_string_free (out, FALSE);
}

static void
decide_task (Routing *r)
{
  SluiceRequest *request = r->in->request;
  const char *hint = sluice_request_get_task (request);
  g_autofree char *text = NULL;
  g_autofree char *seen = NULL;
  SluiceComplexity guess = { 0 };

  if (hint != NULL)
    {
      r->d->task = g_strdup (hint);
      _sluice_route_decision_reason (r->d, "task “%s” given by the caller", hint);
      return;
    }

  text = user_prompt_text (request);
  sluice_complexity_estimate (text, sluice_request_get_response_format (request),
                              sluice_request_get_has_tools (request), &guess);
  r->d->task = g_strdup (guess.task);
  r->d->task_guessed = TRUE;
  r->d->confidence = guess.confidence;
  g_ptr_array_add (guess.features, NULL);
  r->d->features = g_strdupv ((char **) guess.features->pdata);
  seen = g_strjoinv (", ", r->d->features);
  _sluice_route_decision_reason (r->d, "no task given; the classifier guessed “%s” "
                                 "with confidence %.2f (%s)", guess.task, guess.confidence,
                                 *seen != '\0' ? seen : "no feature fired");
  sluice_complexity_clear (&guess);
}

static gboolean
in_hours (const SluiceRouteRule *rule,
          gint                   minute)
{
  if (rule->from_minute < 0)
    return TRUE;
  if (rule->from_minute < rule->to_minute)
    return minute >= rule->from_minute && minute < rule->to_minute;
  /* The range wraps midnight, e.g. 22:00 … 06:00. */
  return minute >= rule->from_minute || minute < rule->to_minute;
}

static gboolean
in_list (GStrv       list,
         const char *value)
{
  return list == NULL || (value != NULL && g_strv_contains ((const char * const *) list, value));
}

static gboolean
rule_matches (Routing               *r,
              const SluiceRouteRule *rule)
{
  gint64 tokens = r->in->input_tokens;

  return in_list (rule->tasks, r->d->task) &&
         (rule->min_input_tokens < 0 || tokens >= rule->min_input_tokens) &&
         (rule->max_input_tokens < 0 || tokens <= rule->max_input_tokens) &&
         in_list (rule->outputs, r->d->output) &&
         in_list (rule->users, r->user) &&
         in_list (rule->aliases, sluice_request_get_model (r->in->request)) &&
         in_hours (rule, r->minute);
}

/* The conditions a rule has, and so checked, for the reason. */
static char *
describe_match (Routing               *r,
                const SluiceRouteRule *rule)
{
  GString *out = g_string_new (NULL);

  if (rule->tasks != NULL)
    g_string_append_printf (out, ", task %s", r->d->task);
  if (rule->min_input_tokens >= 0 || rule->max_input_tokens >= 0)
    g_string_append_printf (out, ", ~%" G_GINT64_FORMAT " input tokens", r->in->input_tokens);
  if (rule->outputs != NULL)
    g_string_append_printf (out, ", output %s", r->d->output);
  if (rule->users != NULL)
    g_string_append_printf (out, ", user %s", r->user);
  if (rule->aliases != NULL)
    g_string_append_printf (out, ", asked for “%s”", sluice_request_get_model (r->in->request));
  if (rule->from_minute >= 0)
    g_string_append_printf (out, ", local time %02d:%02d", r->minute / 60, r->minute % 60);
  if (out->len == 0)
    g_string_append (out, ", no conditions");
  g_string_erase (out, 0, 2);
  return g_string_free (out, FALSE);
}

static const SluiceRouteRule *
match_rules (Routing *r)
{
  SluiceConfig *config = r->in->config;

  for (guint i = 0; i < sluice_config_get_n_rules (config); i++)
    {
      const SluiceRouteRule *rule = sluice_config_get_rule (config, i);
      g_autofree char *why = NULL;

      if (!rule_matches (r, rule))
        continue;
      why = describe_match (r, rule);
      r->d->rule = g_strdup (rule->name);
      r->d->chain = g_strdup (rule->chain);
      _sluice_route_decision_reason (r->d, "rule “%s” matched (%s)", rule->name, why);
      return rule;
    }
  return NULL;
}

static void
fall_back (Routing *r)
{
  const char *asked = sluice_request_get_model (r->in->request);

  if (r->asked_chain == NULL)
    {
      r->d->chain = g_strdup (sluice_config_get_default_chain (r->in->config));
      _sluice_route_decision_reason (r->d, "no rule matched; the default chain");
    }
  else if (g_strcmp0 (asked, r->asked_chain) == 0)
    {
      r->d->chain = g_strdup (asked);
      _sluice_route_decision_reason (r->d, "no rule matched; chain “%s” asked for by name",
                                     asked);
    }
  else
    {
      r->d->chain = g_strdup (r->asked_chain);
      _sluice_route_decision_reason (r->d, "no rule matched; alias “%s” names chain “%s”",
                                     asked, r->asked_chain);
    }
}

/* Low confidence routes up, never down. */
static void
route_up_if_unsure (Routing               *r,
                    const SluiceRouteRule *rule)
{
  SluiceConfig *config = r->in->config;
  double threshold = sluice_config_get_min_confidence (config);
  const char *up;

  if (!r->d->task_guessed || r->d->confidence >= threshold ||
      (rule != NULL && rule->tasks == NULL))
    return;

  up = r->asked_chain != NULL ? r->asked_chain
       : sluice_config_get_uncertain_chain (config) != NULL
       ? sluice_config_get_uncertain_chain (config) : most_capable_chain (config);
  if (capability (config, up) <= capability (config, r->d->chain))
    {
      _sluice_route_decision_reason (r->d, "the guess is unsure (%.2f < %.2f), but “%s” is "
                                     "already as capable as “%s”", r->d->confidence,
                                     threshold, r->d->chain, up);
      return;
    }
  _sluice_route_decision_reason (r->d, "the guess is unsure (%.2f < %.2f): routed up "
                                 "from “%s” to “%s”", r->d->confidence, threshold,
                                 r->d->chain, up);
  g_free (r->d->chain);
  r->d->chain = g_strdup (up);
  r->d->routed_up = TRUE;
}

static gboolean
is_users_counter (const char *label,
                  const char *user)
{
  gsize n = strlen (user);

  return g_str_has_prefix (label, "user ") && strncmp (label + 5, user, n) == 0 &&
         label[5 + n] == ':';
}

/* The most used of the user's and the global budgets, from the limiter's
 * latest readings; a reading older than its window has drained away. */
static double
budget_fraction (Routing     *r,
                 const char **label)
{
  GArray *usage = r->in->usage;
  double most = 0;

  for (guint i = 0; usage != NULL && i < usage->len; i++)
    {
      const SluiceLimitUsageInfo *info = &g_array_index (usage, SluiceLimitUsageInfo, i);
      double fraction;

      if (!info->budget || info->limit <= 0 || info->label == NULL ||
          (info->window_s > 0 && r->in->now_us - info->updated_at_us > info->window_s * G_USEC_PER_SEC))
        continue;
      if (!g_str_has_prefix (info->label, "global:") &&
          (r->user == NULL || !is_users_counter (info->label, r->user)))
        continue;
      fraction = (double) info->used / info->limit;
      if (fraction > most)
        {
          most = fraction;
          *label = info->label;
        }
    }
  return most;
}

static void
switch_if_over_budget (Routing               *r,
                       const SluiceRouteRule *rule)
{
  const char *label = NULL;
  double fraction;

  if (rule == NULL || rule->when_budget_above <= 0)
    return;
  fraction = budget_fraction (r, &label);
  if (fraction < rule->when_budget_above)
    {
      _sluice_route_decision_reason (r->d, "budgets at most %.0f%% used, under the rule's "
                                     "%.0f%%", fraction * 100, rule->when_budget_above * 100);
      return;
    }
  _sluice_route_decision_reason (r->d, "budget “%s” is %.0f%% used (≥ %.0f%%): the cheaper "
                                 "chain “%s” instead of “%s”", label, fraction * 100,
                                 rule->when_budget_above * 100, rule->cheaper_chain,
                                 r->d->chain);
  g_free (r->d->chain);
  r->d->chain = g_strdup (rule->cheaper_chain);
  r->d->budget_switched = TRUE;
}

static void
set_caps (Routing               *r,
          const SluiceRouteRule *rule)
{
  if (rule == NULL || (rule->cap_max_tokens <= 0 && rule->cap_temperature < 0))
    return;
  r->d->cap_max_tokens = rule->cap_max_tokens;
  r->d->cap_temperature = rule->cap_temperature;
  if (rule->cap_max_tokens > 0 && rule->cap_temperature >= 0)
    _sluice_route_decision_reason (r->d, "caps: at most %" G_GINT64_FORMAT " output tokens, "
                                   "temperature at most %.2f", rule->cap_max_tokens,
                                   rule->cap_temperature);
  else if (rule->cap_max_tokens > 0)
    _sluice_route_decision_reason (r->d, "cap: at most %" G_GINT64_FORMAT " output tokens",
                                   rule->cap_max_tokens);
  else
    _sluice_route_decision_reason (r->d, "cap: temperature at most %.2f",
                                   rule->cap_temperature);
}

static gint
local_minute (gint64 now_us)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (now_us / G_USEC_PER_SEC);

  return g_date_time_get_hour (when) * 60 + g_date_time_get_minute (when);
}

/* A name that is no alias or chain: a concrete model, or nothing known. */
static SluiceRouteDecision *
route_pinned (const SluiceRouteInput  *in,
              SluiceRouteDecision     *d,
              GError                 **error)
{
  const char *asked = sluice_request_get_model (in->request);

  if (sluice_config_lookup_model (in->config, asked) == NULL)
    {
      sluice_route_decision_unref (d);
      g_set_error (error, SLUICE_ROUTER_ERROR, SLUICE_ROUTER_ERROR_NO_ROUTE,
                   "No model, chain or alias is called “%s”", asked);
      return NULL;
    }
  d->chain = g_strdup (asked);
  d->models = g_new0 (char *, 2);
  d->models[0] = g_strdup (asked);
  _sluice_route_decision_reason (d, "model “%s” asked for directly; rules do not apply",
                                 asked);
  return _sluice_route_decision_seal (d);
}

/**
 * sluice_router_route:
 * @input: the request and what routing may look at
 * @error: return location for a #SLUICE_ROUTER_ERROR
 *
 * Decides the chain of a request. Pure: calls nobody, changes nothing.
 *
 * Returns: (transfer full) (nullable): the decision, or %NULL when the
 *   request names nothing the config knows
 */
SluiceRouteDecision *
sluice_router_route (const SluiceRouteInput  *input,
                     GError                 **error)
{
  SluiceRouteDecision *d = _sluice_route_decision_new ();
  const char *asked = sluice_request_get_model (input->request);
  const SluiceRouteRule *rule;
  const SluiceChainConfig *chain;
  Routing r = { input, d, NULL, sluice_request_get_user (input->request), 0 };

  g_return_val_if_fail (input != NULL && SLUICE_IS_CONFIG (input->config), NULL);

  d->input_tokens = input->input_tokens;
  d->output = g_strdup (sluice_router_output_kind (input->request));
  if (asked != NULL && (r.asked_chain = sluice_config_resolve_alias (input->config, asked)) == NULL)
    return route_pinned (input, d, error);

  r.minute = local_minute (input->now_us);
  decide_task (&r);
  rule = match_rules (&r);
  if (rule == NULL)
    fall_back (&r);
  route_up_if_unsure (&r, rule);
  switch_if_over_budget (&r, rule);
  set_caps (&r, rule);

  chain = sluice_config_lookup_chain (input->config, d->chain);
  g_assert (chain != NULL);
  d->models = g_strdupv (chain->models);
  return _sluice_route_decision_seal (d);
}

/**
 * sluice_router_effective_request:
 * @decision: a decision
 * @request: the request it was made for
 *
 * Returns: (transfer full): @request itself (a new reference) when the
 *   decision's caps change nothing, else a copy with them applied; the
 *   caller's request is never changed
 */
SluiceRequest *
sluice_router_effective_request (SluiceRouteDecision *decision,
                                 SluiceRequest       *request)
{
  gint64 max_tokens = sluice_request_get_max_tokens (request);
  double temperature = sluice_request_get_temperature (request);
  gboolean cap_tokens = decision->cap_max_tokens > 0 &&
                        (max_tokens <= 0 || max_tokens > decision->cap_max_tokens);
  gboolean cap_temperature = decision->cap_temperature >= 0 &&
                             (temperature < 0 || temperature > decision->cap_temperature);
  SluiceRequest *copy;

  if (!cap_tokens && !cap_temperature)
    return g_object_ref (request);
  copy = sluice_request_copy (request);
  if (cap_tokens)
    sluice_request_set_max_tokens (copy, decision->cap_max_tokens);
  if (cap_temperature)
    sluice_request_set_temperature (copy, decision->cap_temperature);
  return copy;
}
