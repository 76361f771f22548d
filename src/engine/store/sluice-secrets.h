/* sluice-secrets.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Provider API keys in the Secret Service (libsecret), one item per
 * provider under the schema "io.github.sluice.Sluice.ProviderKey". The
 * calls block on D-Bus: run them in a worker thread, never on the engine's
 * or the UI's main context. */

gboolean  sluice_secrets_store_key      (const char    *provider,
                                         const char    *key,
                                         GCancellable  *cancellable,
                                         GError       **error);
char     *sluice_secrets_lookup_key     (const char    *provider,
                                         GCancellable  *cancellable,
                                         GError       **error);
gboolean  sluice_secrets_delete_key     (const char    *provider,
                                         GCancellable  *cancellable,
                                         GError       **error);
GStrv     sluice_secrets_list_providers (GCancellable  *cancellable,
                                         GError       **error);
char     *sluice_secrets_mask           (const char    *key);

G_END_DECLS
