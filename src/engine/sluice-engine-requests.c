/* sluice-engine-requests.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-engine"

#include "config.h"

#include "sluice-engine-private.h"

/* The request log: what the console's Requests page reads. The ledger is
 * read on worker threads through the store's own read connection, never
 * on the engine's context, so a long scroll costs the engine nothing. */

/**
 * sluice_engine_new_ledger_model:
 * @self: an engine
 *
 * Creates a model of the engine's request ledger, newest first. Unlike the
 * rest of the engine this may be called from any thread: it touches only
 * the store, which is set when the engine is made and is thread-safe for
 * reading. The model belongs to the caller's thread-default main context.
 *
 * Returns: (transfer full): a new #SluiceLedgerModel
 */
SluiceLedgerModel *
sluice_engine_new_ledger_model (SluiceEngine *self)
{
  g_return_val_if_fail (SLUICE_IS_ENGINE (self), NULL);
  g_return_val_if_fail (self->store != NULL, NULL);

  return sluice_ledger_model_new (self->store);
}
