/* sluice-cache-entry.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-cache"

#include "config.h"

#include <string.h>

#include "sluice-cache-entry.h"

typedef struct
{
  SluiceCacheEntry entry;
  gatomicrefcount  ref_count;
} RealEntry;

G_DEFINE_BOXED_TYPE (SluiceCacheEntry, sluice_cache_entry,
                     sluice_cache_entry_ref, sluice_cache_entry_unref)

/**
 * sluice_cache_entry_new:
 *
 * Returns: (transfer full): an empty entry for the caller to fill before
 *   handing it to a cache
 */
SluiceCacheEntry *
sluice_cache_entry_new (void)
{
  RealEntry *real = g_new0 (RealEntry, 1);

  g_atomic_ref_count_init (&real->ref_count);
  return &real->entry;
}

SluiceCacheEntry *
sluice_cache_entry_ref (SluiceCacheEntry *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&((RealEntry *) self)->ref_count);
  return self;
}

void
sluice_cache_entry_unref (SluiceCacheEntry *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&((RealEntry *) self)->ref_count))
    return;

  g_free (self->key);
  g_free (self->scope);
  g_free (self->model);
  g_free (self->policy);
  g_free (self->context);
  g_free (self->text);
  g_free (self->payload);
  g_free (self->vector);
  g_free (self);
}

static gsize
str_size (const char *s)
{
  return s != NULL ? strlen (s) + 1 : 0;
}

/* What the byte cap counts: the strings, the vector and the struct. */
gsize
sluice_cache_entry_get_size (const SluiceCacheEntry *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return sizeof (RealEntry) + str_size (self->key) + str_size (self->scope) +
         str_size (self->model) + str_size (self->policy) + str_size (self->context) +
         str_size (self->text) + str_size (self->payload) +
         (gsize) self->dims * sizeof (float);
}
