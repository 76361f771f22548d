/* sluice-cache-keys.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-cache"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sluice-cache-private.h"
#include "sluice-local-embedder.h"
#include "sluice-normaliser.h"
#include "sluice-request.h"

/* Keys and scopes: what must match exactly (the key), what a semantic
 * match is looked for within (the scope), and whether a request may use
 * the cache at all. */

void
_sluice_cache_parse_control (const char *text,
                             Control    *control)
{
  g_auto(GStrv) parts = NULL;

  control->no_cache = FALSE;
  control->no_store = FALSE;
  control->max_age_s = -1;
  if (text == NULL)
    return;

  parts = g_strsplit (text, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *p = g_strstrip (parts[i]);

      if (g_ascii_strcasecmp (p, "no-cache") == 0)
        control->no_cache = TRUE;
      else if (g_ascii_strcasecmp (p, "no-store") == 0)
        control->no_store = TRUE;
      else if (g_ascii_strncasecmp (p, "max-age=", 8) == 0)
        control->max_age_s = MAX (0, g_ascii_strtoll (p + 8, NULL, 10));
    }
}

static void
feed (GChecksum  *sum,
      const char *text)
{
  if (text != NULL)
    g_checksum_update (sum, (const guchar *) text, strlen (text));
  g_checksum_update (sum, (const guchar *) "", 1);
}

/* The hash of what frames the conversation: system prompt and tools. */
char *
_sluice_cache_context_hash (const SluiceCacheQuery *q)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  for (guint i = 0; q->messages != NULL && i < q->messages->len; i++)
    {
      SluiceMessage *m = g_ptr_array_index (q->messages, i);

      if (sluice_message_get_role (m) == SLUICE_ROLE_SYSTEM)
        feed (sum, sluice_message_get_content (m));
    }
  feed (sum, q->tools);
  feed (sum, q->response_format);
  return g_strndup (g_checksum_get_string (sum), 16);
}

gint
_sluice_cache_last_user_index (const SluiceCacheQuery *q)
{
  for (guint i = q->messages != NULL ? q->messages->len : 0; i > 0; i--)
    if (sluice_message_get_role (g_ptr_array_index (q->messages, i - 1)) == SLUICE_ROLE_USER)
      return (gint) i - 1;
  return -1;
}

/* Everything that must match exactly, plus the normalised turns from
 * @first to @last (exclusive), skipping the system prompt. */
static char *
digest (SluiceCache            *self,
        const SluiceCacheQuery *q,
        const char             *context,
        gint                    skip)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  char temperature[32];

  g_snprintf (temperature, sizeof temperature, "%.2f", q->temperature);
  feed (sum, "sluice-cache-1");
  feed (sum, q->scope != NULL ? q->scope : "");
  feed (sum, q->model);
  feed (sum, q->policy != NULL ? q->policy->task : NULL);
  feed (sum, temperature);
  feed (sum, context);
  for (guint i = 0; q->messages != NULL && i < q->messages->len; i++)
    {
      SluiceMessage *m = g_ptr_array_index (q->messages, i);
      g_autofree char *norm = NULL;

      if (sluice_message_get_role (m) == SLUICE_ROLE_SYSTEM || (gint) i == skip)
        continue;
      norm = sluice_normaliser_normalise (self->normaliser, sluice_message_get_content (m));
      feed (sum, sluice_role_to_string (sluice_message_get_role (m)));
      feed (sum, norm);
    }
  return g_strdup (g_checksum_get_string (sum));
}

/**
 * sluice_cache_compute_key:
 *
 * Returns: (transfer full): the exact key of @query (hex SHA-256)
 */
char *
sluice_cache_compute_key (SluiceCache            *self,
                          const SluiceCacheQuery *query)
{
  g_autofree char *context = NULL;

  g_return_val_if_fail (SLUICE_IS_CACHE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  context = _sluice_cache_context_hash (query);
  return digest (self, query, context, -1);
}

/* The semantic scope: the exact framing and the earlier turns, without
 * the last user message, whose vector is searched. */
char *
_sluice_cache_scope_key (SluiceCache            *self,
                         const SluiceCacheQuery *query)
{
  g_autofree char *context = _sluice_cache_context_hash (query);

  return digest (self, query, context, _sluice_cache_last_user_index (query));
}

double
_sluice_cache_threshold_for (SluiceCache           *self,
                             const SluiceTtlPolicy *policy)
{
  /* The policy's threshold (0.95 by default) is meant for provider
   * embeddings; the local embedder's scale is its own. */
  if (SLUICE_IS_LOCAL_EMBEDDER (self->embedder))
    return self->local_threshold > 0.0 ? self->local_threshold
                                       : sluice_embedder_get_default_threshold (self->embedder);
  if (policy != NULL && policy->threshold > 0.0)
    return policy->threshold;
  return sluice_embedder_get_default_threshold (self->embedder);
}

/* Why @query may not use the cache, or NULL. */
const char *
_sluice_cache_bypass_reason (SluiceCache            *self,
                             const SluiceCacheQuery *query)
{
  if (query->policy == NULL || query->policy->tier == SLUICE_CACHE_TIER_NONE)
    return "no cache tier for this task";
  if (query->temperature > self->max_temperature)
    return "temperature above the cache's maximum";
  if (_sluice_cache_last_user_index (query) < 0)
    return "no user message";
  return NULL;
}
