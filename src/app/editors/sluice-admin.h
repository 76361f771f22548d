/* sluice-admin.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-engine-host.h"

G_BEGIN_DECLS

/* The editors' commands: each posts to the engine thread through the host
 * and answers on the UI context; finish them all with
 * sluice_engine_host_run_finish(). Key commands run libsecret in a worker
 * thread and finish with g_task_propagate_*(). */

/* → gint64* (the new version) */
void sluice_admin_apply_json     (SluiceEngineHost    *host,
                                  const char          *json,
                                  const char          *comment,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
/* → gint64* */
void sluice_admin_rollback       (SluiceEngineHost    *host,
                                  gint64               version,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
/* → GPtrArray of SluiceConfigVersion, newest first */
void sluice_admin_list_versions  (SluiceEngineHost    *host,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
/* → JsonNode* (object: mock provider name → its behaviour now) */
void sluice_admin_dup_behaviours (SluiceEngineHost    *host,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
/* @behaviour: a behaviour document; NULL resets to the config. → JsonNode* */
void sluice_admin_set_chaos      (SluiceEngineHost    *host,
                                  const char          *provider,
                                  JsonNode            *behaviour,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
/* → SluiceProviderProbe* */
void sluice_admin_test_provider  (SluiceEngineHost    *host,
                                  const char          *provider,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
/* → gboolean* */
void sluice_admin_reload_provider (SluiceEngineHost   *host,
                                   const char         *provider,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data);

/* Keys: @key NULL deletes. Finish with g_task_propagate_boolean(). */
void       sluice_admin_store_key        (const char          *name,
                                          const char          *key,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
/* → GHashTable name → masked key, with g_task_propagate_pointer(); only
 *   masked text ever reaches the UI thread. */
void       sluice_admin_list_masked_keys (const char * const  *names,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
char      *sluice_admin_new_virtual_key  (char               **hash);

G_END_DECLS
