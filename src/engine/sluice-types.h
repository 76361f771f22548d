/* sluice-types.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _SluiceClock        SluiceClock;
typedef struct _SluiceConfig       SluiceConfig;
typedef struct _SluiceEngine       SluiceEngine;
typedef struct _SluiceMessage      SluiceMessage;
typedef struct _SluiceProvider     SluiceProvider;
typedef struct _SluiceRequest      SluiceRequest;
typedef struct _SluiceResponse     SluiceResponse;
typedef struct _SluiceSnapshot     SluiceSnapshot;
typedef struct _SluiceStore        SluiceStore;
typedef struct _SluiceTrace        SluiceTrace;

/**
 * SluiceErrorClass:
 * @SLUICE_ERROR_CLASS_NONE: no error
 * @SLUICE_ERROR_CLASS_RATE_LIMITED: the provider said 429; may carry a retry-after
 * @SLUICE_ERROR_CLASS_TIMEOUT: no answer within the call's timeout
 * @SLUICE_ERROR_CLASS_SERVER: the provider failed (5xx)
 * @SLUICE_ERROR_CLASS_OVERLOADED: the provider is overloaded (529, 503)
 * @SLUICE_ERROR_CLASS_AUTH: the key was refused
 * @SLUICE_ERROR_CLASS_BAD_REQUEST: the provider refused the request as malformed
 * @SLUICE_ERROR_CLASS_CONTEXT_LENGTH: the prompt does not fit the model's window
 * @SLUICE_ERROR_CLASS_CONTENT_FILTER: the provider's content filter refused
 * @SLUICE_ERROR_CLASS_NETWORK: the connection failed
 * @SLUICE_ERROR_CLASS_MALFORMED: the provider's answer could not be parsed
 *
 * The provider error taxonomy. The values double as the codes of
 * %SLUICE_PROVIDER_ERROR.
 */
typedef enum
{
  SLUICE_ERROR_CLASS_NONE,
  SLUICE_ERROR_CLASS_RATE_LIMITED,
  SLUICE_ERROR_CLASS_TIMEOUT,
  SLUICE_ERROR_CLASS_SERVER,
  SLUICE_ERROR_CLASS_OVERLOADED,
  SLUICE_ERROR_CLASS_AUTH,
  SLUICE_ERROR_CLASS_BAD_REQUEST,
  SLUICE_ERROR_CLASS_CONTEXT_LENGTH,
  SLUICE_ERROR_CLASS_CONTENT_FILTER,
  SLUICE_ERROR_CLASS_NETWORK,
  SLUICE_ERROR_CLASS_MALFORMED,
} SluiceErrorClass;

#define SLUICE_N_ERROR_CLASSES (SLUICE_ERROR_CLASS_MALFORMED + 1)

typedef enum
{
  SLUICE_PROVIDER_KIND_MOCK,
  SLUICE_PROVIDER_KIND_OPENAI,
  SLUICE_PROVIDER_KIND_ANTHROPIC,
  SLUICE_PROVIDER_KIND_GEMINI,
} SluiceProviderKind;

typedef enum
{
  SLUICE_ROLE_SYSTEM,
  SLUICE_ROLE_USER,
  SLUICE_ROLE_ASSISTANT,
  SLUICE_ROLE_TOOL,
} SluiceRole;

/**
 * SluiceCacheStatus:
 * @SLUICE_CACHE_STATUS_NONE: the cache was not consulted (policy or request)
 * @SLUICE_CACHE_STATUS_MISS: consulted, nothing found
 * @SLUICE_CACHE_STATUS_EXACT: answered from the exact tier
 * @SLUICE_CACHE_STATUS_SEMANTIC: answered from the semantic tier
 * @SLUICE_CACHE_STATUS_STALE: answered from an expired entry while degraded
 */
typedef enum
{
  SLUICE_CACHE_STATUS_NONE,
  SLUICE_CACHE_STATUS_MISS,
  SLUICE_CACHE_STATUS_EXACT,
  SLUICE_CACHE_STATUS_SEMANTIC,
  SLUICE_CACHE_STATUS_STALE,
} SluiceCacheStatus;

typedef enum
{
  SLUICE_REQUEST_STATUS_OK,
  SLUICE_REQUEST_STATUS_ERROR,
  SLUICE_REQUEST_STATUS_REFUSED,
  SLUICE_REQUEST_STATUS_DEGRADED,
  SLUICE_REQUEST_STATUS_DEFERRED,
} SluiceRequestStatus;

/**
 * SluiceStage:
 *
 * The pipeline's stages, in order, as DESIGN.md names them.
 */
typedef enum
{
  SLUICE_STAGE_ADMIT,
  SLUICE_STAGE_ROUTE,
  SLUICE_STAGE_CACHE,
  SLUICE_STAGE_DISPATCH,
  SLUICE_STAGE_SETTLE,
  SLUICE_STAGE_DEGRADE,
} SluiceStage;

const char       *sluice_error_class_to_string      (SluiceErrorClass    klass);
gboolean          sluice_error_class_from_string    (const char         *str,
                                                     SluiceErrorClass   *out);
const char       *sluice_provider_kind_to_string    (SluiceProviderKind  kind);
gboolean          sluice_provider_kind_from_string  (const char         *str,
                                                     SluiceProviderKind *out);
const char       *sluice_role_to_string             (SluiceRole          role);
gboolean          sluice_role_from_string           (const char         *str,
                                                     SluiceRole         *out);
const char       *sluice_cache_status_to_string     (SluiceCacheStatus   status);
const char       *sluice_request_status_to_string   (SluiceRequestStatus status);
const char       *sluice_stage_to_string            (SluiceStage         stage);

G_END_DECLS
