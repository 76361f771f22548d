/* sluice-secrets.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-secrets"

#include "config.h"

#include <libsecret/secret.h>

#include "sluice-secrets.h"

/* Keys are never logged: messages name the provider, never the key. */

static const SecretSchema *
provider_key_schema (void)
{
  static const SecretSchema schema = {
    .name = "io.github.sluice.Sluice.ProviderKey",
    .flags = SECRET_SCHEMA_NONE,
    .attributes = {
      { .name = "provider", .type = SECRET_SCHEMA_ATTRIBUTE_STRING },
      { .name = NULL, .type = 0 },
    },
  };

  return &schema;
}

/**
 * sluice_secrets_store_key:
 * @provider: the provider's name in the configuration
 * @key: the API key
 *
 * Stores @key for @provider in the default collection, replacing the
 * key stored before. Blocks.
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
sluice_secrets_store_key (const char    *provider,
                          const char    *key,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autofree char *label = NULL;

  g_return_val_if_fail (provider != NULL && *provider != '\0', FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  label = g_strdup_printf ("Sluice API key for %s", provider);
  return secret_password_store_sync (provider_key_schema (),
                                     SECRET_COLLECTION_DEFAULT, label, key,
                                     cancellable, error,
                                     "provider", provider,
                                     NULL);
}

/**
 * sluice_secrets_lookup_key:
 * @provider: the provider's name
 *
 * Blocks.
 *
 * Returns: (transfer full) (nullable): the key; %NULL without an error
 *   when none is stored, %NULL with @error set on failure
 */
char *
sluice_secrets_lookup_key (const char    *provider,
                           GCancellable  *cancellable,
                           GError       **error)
{
  char *secret;
  char *key;

  g_return_val_if_fail (provider != NULL, NULL);

  secret = secret_password_lookup_sync (provider_key_schema (),
                                        cancellable, error,
                                        "provider", provider,
                                        NULL);
  if (secret == NULL)
    return NULL;

  /* Hand out GLib memory, and wipe libsecret's copy. */
  key = g_strdup (secret);
  secret_password_free (secret);
  return key;
}

/**
 * sluice_secrets_delete_key:
 * @provider: the provider's name
 *
 * Removes @provider's key, if one is stored. Blocks.
 *
 * Returns: %TRUE (whether or not a key was stored), or %FALSE with
 *   @error set
 */
gboolean
sluice_secrets_delete_key (const char    *provider,
                           GCancellable  *cancellable,
                           GError       **error)
{
  GError *local_error = NULL;

  g_return_val_if_fail (provider != NULL, FALSE);

  secret_password_clear_sync (provider_key_schema (), cancellable,
                              &local_error,
                              "provider", provider,
                              NULL);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  return TRUE;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  /* GPtrArray passes pointers to the elements. */
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/**
 * sluice_secrets_list_providers:
 *
 * Returns: (transfer full): the sorted names of the providers that have a
 *   key, or %NULL with @error set
 */
GStrv
sluice_secrets_list_providers (GCancellable  *cancellable,
                               GError       **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_null_terminated (0, g_free, TRUE);
  GError *local_error = NULL;
  GList *items;

  items = secret_password_search_sync (provider_key_schema (),
                                       SECRET_SEARCH_ALL, cancellable,
                                       &local_error, NULL);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }

  for (GList *l = items; l != NULL; l = l->next)
    {
      g_autoptr(GHashTable) attributes = NULL;
      const char *provider;

      attributes = secret_retrievable_get_attributes (l->data);
      provider = g_hash_table_lookup (attributes, "provider");
      if (provider != NULL &&
          !g_ptr_array_find_with_equal_func (names, provider, g_str_equal, NULL))
        g_ptr_array_add (names, g_strdup (provider));
    }
  g_list_free_full (items, g_object_unref);

  g_ptr_array_sort (names, compare_names);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

/**
 * sluice_secrets_mask:
 * @key: (nullable): an API key
 *
 * Masks @key for display: the first three and last four characters
 * (`sk-…a1b2`); a key shorter than twelve characters shows only its last
 * two.
 *
 * Returns: (transfer full) (nullable): the masked key, %NULL for %NULL
 */
char *
sluice_secrets_mask (const char *key)
{
  const char *tail;
  glong len;

  if (key == NULL)
    return NULL;

  len = g_utf8_strlen (key, -1);

  if (len < 12)
    {
      tail = g_utf8_offset_to_pointer (key, MAX (len - 2, 0));
      return g_strconcat ("…", tail, NULL);
    }

  tail = g_utf8_offset_to_pointer (key, len - 4);
  return g_strdup_printf ("%.*s…%s",
                          (int) (g_utf8_offset_to_pointer (key, 3) - key),
                          key, tail);
}
