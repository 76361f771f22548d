/* sluice-router.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sluice-config.h"
#include "sluice-request.h"

G_BEGIN_DECLS

#define SLUICE_ROUTER_ERROR (sluice_router_error_quark ())

/**
 * SluiceRouterError:
 * @SLUICE_ROUTER_ERROR_NO_ROUTE: the request names no model, chain or alias
 *   of the config
 */
typedef enum
{
  SLUICE_ROUTER_ERROR_NO_ROUTE,
} SluiceRouterError;

GQuark sluice_router_error_quark (void);

/**
 * SluiceRouteInput:
 * @config: the configuration in force
 * @request: the request as the caller made it
 * @input_tokens: the admission's estimate of its input
 * @now_us: the engine clock's wall time, for time-of-day conditions
 * @usage: (nullable) (element-type SluiceLimitUsageInfo): the limiter's
 *   readings (sluice_limiter_dup_usage()), for budget-aware rules
 *
 * What the router looks at; nothing else.
 */
typedef struct
{
  SluiceConfig  *config;
  SluiceRequest *request;
  gint64         input_tokens;
  gint64         now_us;
  GArray        *usage;
} SluiceRouteInput;

#define SLUICE_TYPE_ROUTE_DECISION (sluice_route_decision_get_type ())

typedef struct _SluiceRouteDecision SluiceRouteDecision;

GType                sluice_route_decision_get_type         (void) G_GNUC_CONST;
SluiceRouteDecision *sluice_route_decision_ref              (SluiceRouteDecision *self);
void                 sluice_route_decision_unref            (SluiceRouteDecision *self);
const char          *sluice_route_decision_get_chain        (SluiceRouteDecision *self);
const char * const  *sluice_route_decision_get_models       (SluiceRouteDecision *self);
const char          *sluice_route_decision_get_rule         (SluiceRouteDecision *self);
const char          *sluice_route_decision_get_task         (SluiceRouteDecision *self);
gboolean             sluice_route_decision_get_task_guessed (SluiceRouteDecision *self);
double               sluice_route_decision_get_confidence   (SluiceRouteDecision *self);
const char * const  *sluice_route_decision_get_features     (SluiceRouteDecision *self);
const char * const  *sluice_route_decision_get_reasons      (SluiceRouteDecision *self);
gint64               sluice_route_decision_get_input_tokens (SluiceRouteDecision *self);
gint64               sluice_route_decision_get_max_tokens_cap (SluiceRouteDecision *self);
double               sluice_route_decision_get_temperature_cap (SluiceRouteDecision *self);
gboolean             sluice_route_decision_get_budget_switched (SluiceRouteDecision *self);
gboolean             sluice_route_decision_get_routed_up    (SluiceRouteDecision *self);
char                *sluice_route_decision_dup_summary      (SluiceRouteDecision *self);
JsonNode            *sluice_route_decision_to_json_node     (SluiceRouteDecision *self);
char                *sluice_route_decision_to_json          (SluiceRouteDecision *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceRouteDecision, sluice_route_decision_unref)

SluiceRouteDecision *sluice_router_route              (const SluiceRouteInput  *input,
                                                       GError                 **error);
SluiceRequest       *sluice_router_effective_request  (SluiceRouteDecision     *decision,
                                                       SluiceRequest           *request);
const char          *sluice_router_output_kind        (SluiceRequest           *request);

G_END_DECLS
