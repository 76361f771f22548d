/* sluice-prices.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-limits"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "sluice-engine-resources.h"
#include "sluice-prices.h"

/* The default price table, data/prices.json in the engine's resource:
 * upstream model id → three prices in USD per 1M tokens. */

typedef struct
{
  double in;
  double cached_in;
  double out;
} Prices;

static void
add_entry (GHashTable *table,
           JsonObject *entry)
{
  Prices *prices = g_new0 (Prices, 1);

  prices->in = json_object_get_double_member_with_default (entry, "in", 0);
  prices->out = json_object_get_double_member_with_default (entry, "out", 0);
  prices->cached_in = json_object_get_double_member_with_default (entry, "cached_in",
                                                                  prices->in);
  g_hash_table_replace (table,
                        g_strdup (json_object_get_string_member (entry, "id")),
                        prices);
}

static GHashTable *
load_table (void)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GBytes) bytes = NULL;
  JsonArray *models;

  bytes = g_resource_lookup_data (sluice_engine_get_resource (),
                                  "/io/github/sluice/engine/prices.json",
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  g_assert (bytes != NULL);

  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                   g_bytes_get_size (bytes), NULL))
    g_assert_not_reached ();

  models = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                         "models");
  for (guint i = 0; i < json_array_get_length (models); i++)
    add_entry (table, json_array_get_object_element (models, i));

  return table;
}

/**
 * sluice_prices_lookup:
 * @upstream_id: a provider's own model id, e.g. "gpt-4o-mini"
 * @price_in: (out) (optional): USD per 1M input tokens
 * @price_cached_in: (out) (optional): USD per 1M cached input tokens
 * @price_out: (out) (optional): USD per 1M output tokens
 *
 * Looks a model up in the default price table. Dated snapshots such as
 * "claude-sonnet-4-5-20250929" match their undated entry.
 *
 * Returns: %TRUE when the table lists the model
 */
gboolean
sluice_prices_lookup (const char *upstream_id,
                      double     *price_in,
                      double     *price_cached_in,
                      double     *price_out)
{
  static GHashTable *table;
  g_autofree char *undated = NULL;
  const Prices *prices;
  const char *dash;

  g_return_val_if_fail (upstream_id != NULL, FALSE);

  if (g_once_init_enter (&table))
    g_once_init_leave (&table, load_table ());

  prices = g_hash_table_lookup (table, upstream_id);

  /* A trailing "-YYYYMMDD" names a snapshot of the model. */
  dash = strrchr (upstream_id, '-');
  if (prices == NULL && dash != NULL && strlen (dash + 1) == 8 &&
      strspn (dash + 1, "0123456789") == 8)
    {
      undated = g_strndup (upstream_id, dash - upstream_id);
      prices = g_hash_table_lookup (table, undated);
    }

  if (prices == NULL)
    return FALSE;

  if (price_in != NULL)
    *price_in = prices->in;
  if (price_cached_in != NULL)
    *price_cached_in = prices->cached_in;
  if (price_out != NULL)
    *price_out = prices->out;

  return TRUE;
}
