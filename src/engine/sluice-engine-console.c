/* sluice-engine-console.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-engine"

#include "config.h"

#include "sluice-engine-private.h"

/* Operator commands the console's panels send: each changes one part and
 * publishes a snapshot at once, so the panel that asked sees the result
 * without waiting for the next tick. */

/**
 * sluice_engine_purge_cache:
 * @self: the engine
 * @what: which entries
 * @value: (nullable): the user, model or task type; ignored for
 *   %SLUICE_CACHE_PURGE_ALL
 *
 * Removes entries from every cache tier.
 *
 * Returns: how many entries were removed
 */
guint
sluice_engine_purge_cache (SluiceEngine     *self,
                           SluiceCachePurge  what,
                           const char       *value)
{
  guint removed;

  g_return_val_if_fail (SLUICE_IS_ENGINE (self), 0);
  g_return_val_if_fail (what == SLUICE_CACHE_PURGE_ALL || value != NULL, 0);

  if (self->cache == NULL)
    return 0;

  removed = sluice_cache_purge (self->cache, what, value);
  sluice_engine_publish_snapshot (self);

  return removed;
}
