/* sluice-types.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-types"

#include "config.h"

#include <string.h>

#include "sluice-types.h"

static const char *error_class_names[] = {
  "none", "rate_limited", "timeout", "server", "overloaded", "auth",
  "bad_request", "context_length", "content_filter", "network", "malformed",
};

static const char *provider_kind_names[] = {
  "mock", "openai", "anthropic", "gemini",
};

static const char *role_names[] = {
  "system", "user", "assistant", "tool",
};

static const char *cache_status_names[] = {
  "none", "miss", "exact", "semantic", "stale",
};

static const char *request_status_names[] = {
  "ok", "error", "refused", "degraded", "deferred",
};

static const char *stage_names[] = {
  "admit", "route", "cache", "dispatch", "settle", "degrade",
};

G_STATIC_ASSERT (G_N_ELEMENTS (error_class_names) == SLUICE_N_ERROR_CLASSES);

static gboolean
lookup_name (const char  **names,
             guint         n_names,
             const char   *str,
             int          *out)
{
  if (str == NULL)
    return FALSE;

  for (guint i = 0; i < n_names; i++)
    {
      if (strcmp (names[i], str) == 0)
        {
          *out = (int) i;
          return TRUE;
        }
    }

  return FALSE;
}

#define NAME_OR_UNKNOWN(names, value) \
  (((guint) (value) < G_N_ELEMENTS (names)) ? names[(value)] : "unknown")

const char *
sluice_error_class_to_string (SluiceErrorClass klass)
{
  return NAME_OR_UNKNOWN (error_class_names, klass);
}

gboolean
sluice_error_class_from_string (const char       *str,
                                SluiceErrorClass *out)
{
  int value;

  if (!lookup_name (error_class_names, G_N_ELEMENTS (error_class_names),
                    str, &value))
    return FALSE;
  *out = (SluiceErrorClass) value;
  return TRUE;
}

const char *
sluice_provider_kind_to_string (SluiceProviderKind kind)
{
  return NAME_OR_UNKNOWN (provider_kind_names, kind);
}

gboolean
sluice_provider_kind_from_string (const char         *str,
                                  SluiceProviderKind *out)
{
  int value;

  if (!lookup_name (provider_kind_names, G_N_ELEMENTS (provider_kind_names),
                    str, &value))
    return FALSE;
  *out = (SluiceProviderKind) value;
  return TRUE;
}

const char *
sluice_role_to_string (SluiceRole role)
{
  return NAME_OR_UNKNOWN (role_names, role);
}

gboolean
sluice_role_from_string (const char *str,
                         SluiceRole *out)
{
  int value;

  if (!lookup_name (role_names, G_N_ELEMENTS (role_names), str, &value))
    return FALSE;
  *out = (SluiceRole) value;
  return TRUE;
}

const char *
sluice_cache_status_to_string (SluiceCacheStatus status)
{
  return NAME_OR_UNKNOWN (cache_status_names, status);
}

const char *
sluice_request_status_to_string (SluiceRequestStatus status)
{
  return NAME_OR_UNKNOWN (request_status_names, status);
}

const char *
sluice_stage_to_string (SluiceStage stage)
{
  return NAME_OR_UNKNOWN (stage_names, stage);
}
