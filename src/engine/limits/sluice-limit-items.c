/* sluice-limit-items.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-limits"

#include "config.h"

#include <math.h>
#include <string.h>

#include "sluice-limit-items.h"

/* Which counters a request touches: per model and provider (their rate
 * limits), per user (quotas and budgets) and global, each once. */

#define MINUTE_S 60
#define HOUR_S   3600
#define DAY_S    86400

void
_sluice_limit_item_free (SluiceLimitItem *item)
{
  g_free (item->key);
  g_free (item->label);
  g_free (item->code);
  g_free (item);
}

/* Adds a counter, or tightens the one with the same key (a user's own tpd
 * and the user's tokens-per-day budget count the same tokens). */
static void
add_item (GPtrArray       *items,
          SluiceLimitKind  kind,
          gint64           window_s,
          gint64           limit,
          gint64           amount,
          const char      *code,
          char            *key,
          char            *label)
{
  SluiceLimitItem *item;

  if (limit <= 0)
    {
      g_free (key);
      g_free (label);
      return;
    }

  for (guint i = 0; i < items->len; i++)
    {
      item = g_ptr_array_index (items, i);
      if (strcmp (item->key, key) != 0)
        continue;

      if (limit < item->limit)
        {
          item->limit = limit;
          g_free (item->label);
          item->label = g_steal_pointer (&label);
          g_free (item->code);
          item->code = g_strdup (code);
        }
      item->budget |= code != NULL;
      g_free (key);
      g_free (label);
      return;
    }

  item = g_new0 (SluiceLimitItem, 1);
  item->key = key;
  item->label = label;
  item->code = g_strdup (code);
  item->kind = kind;
  item->window_s = window_s;
  item->limit = limit;
  item->amount = amount;
  item->budget = code != NULL;
  g_ptr_array_add (items, item);
}

/* The four rate limits of one scope ("m:NAME", "model NAME"). */
static void
add_rate_limits (GPtrArray              *items,
                 const SluiceRateLimits *limits,
                 const char             *key,
                 const char             *who,
                 const SluiceLimitUsage *usage)
{
  add_item (items, SLUICE_LIMIT_REQUESTS, MINUTE_S, limits->rpm, 1, NULL,
            g_strconcat (key, ":req:60", NULL),
            g_strdup_printf ("%s: requests per minute", who));
  add_item (items, SLUICE_LIMIT_TOKENS, MINUTE_S, limits->tpm, usage->tokens, NULL,
            g_strconcat (key, ":tok:60", NULL),
            g_strdup_printf ("%s: tokens per minute", who));
  add_item (items, SLUICE_LIMIT_TOKENS, DAY_S, limits->tpd, usage->tokens, NULL,
            g_strconcat (key, ":tok:86400", NULL),
            g_strdup_printf ("%s: tokens per day", who));
  if (usage->in_flight)
    add_item (items, SLUICE_LIMIT_IN_FLIGHT, 0, limits->concurrency, 1, NULL,
              g_strconcat (key, ":inflight", NULL),
              g_strdup_printf ("%s: requests in flight", who));
}

static void
add_user (GPtrArray              *items,
          SluiceConfig           *config,
          const char             *user,
          const SluiceLimitUsage *usage)
{
  const SluiceBudgetConfig *budgets = sluice_config_get_budgets (config);
  const SluiceUserConfig *user_config = sluice_config_lookup_user (config, user);
  g_autofree char *key = g_strconcat ("u:", user, NULL);
  g_autofree char *who = g_strdup_printf ("user %s", user);

  if (user_config != NULL)
    add_rate_limits (items, &user_config->limits, key, who, usage);

  add_item (items, SLUICE_LIMIT_TOKENS, HOUR_S, budgets->user_tokens_per_hour,
            usage->tokens, "budget.user_tokens_per_hour",
            g_strconcat (key, ":tok:3600", NULL),
            g_strdup_printf ("%s: tokens per hour", who));
  add_item (items, SLUICE_LIMIT_TOKENS, DAY_S, budgets->user_tokens_per_day,
            usage->tokens, "budget.user_tokens_per_day",
            g_strconcat (key, ":tok:86400", NULL),
            g_strdup_printf ("%s: tokens per day", who));

  /* Free models are never held back by dollars. */
  if (usage->usd_micro > 0)
    add_item (items, SLUICE_LIMIT_USD, DAY_S,
              (gint64) llround (budgets->user_usd_per_day * 1e6), usage->usd_micro,
              "budget.user_usd_per_day", g_strconcat (key, ":usd:86400", NULL),
              g_strdup_printf ("%s: dollars per day", who));
}

static void
add_global (GPtrArray              *items,
            SluiceConfig           *config,
            const SluiceLimitUsage *usage)
{
  const SluiceBudgetConfig *budgets = sluice_config_get_budgets (config);

  add_rate_limits (items, &sluice_config_get_limits (config)->global, "g", "global",
                   usage);
  add_item (items, SLUICE_LIMIT_TOKENS, HOUR_S, budgets->global_tokens_per_hour,
            usage->tokens, "budget.global_tokens_per_hour", g_strdup ("g:tok:3600"),
            g_strdup ("global: tokens per hour"));
  if (usage->usd_micro > 0)
    add_item (items, SLUICE_LIMIT_USD, DAY_S,
              (gint64) llround (budgets->global_usd_per_day * 1e6), usage->usd_micro,
              "budget.global_usd_per_day", g_strdup ("g:usd:86400"),
              g_strdup ("global: dollars per day"));
}

/**
 * _sluice_limit_items_build:
 * @config: the configuration
 * @user: (nullable): the user, or %NULL for no per-user counters
 * @model: (nullable): the model's config, or %NULL (a model since removed)
 * @usage: what the request reserves
 *
 * Returns: (transfer full) (element-type SluiceLimitItem): the counters
 */
GPtrArray *
_sluice_limit_items_build (SluiceConfig            *config,
                           const char              *user,
                           const SluiceModelConfig *model,
                           const SluiceLimitUsage  *usage)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) _sluice_limit_item_free);

  if (model != NULL)
    {
      const SluiceProviderConfig *provider =
        sluice_config_lookup_provider (config, model->provider);
      g_autofree char *model_key = g_strconcat ("m:", model->name, NULL);
      g_autofree char *model_who = g_strdup_printf ("model %s", model->name);

      add_rate_limits (items, &model->limits, model_key, model_who, usage);
      if (provider != NULL)
        {
          g_autofree char *key = g_strconcat ("p:", provider->name, NULL);
          g_autofree char *who = g_strdup_printf ("provider %s", provider->name);

          add_rate_limits (items, &provider->limits, key, who, usage);
        }
    }

  if (user != NULL && user[0] != '\0')
    add_user (items, config, user, usage);

  add_global (items, config, usage);

  return items;
}

/**
 * _sluice_limit_items_to_counters:
 * @items: (element-type SluiceLimitItem): counters
 * @amounts: (nullable): per item, instead of each item's amount
 *
 * Returns: (transfer full): the store's view of @items; the keys are
 *   borrowed from @items
 */
SluiceCounterItem *
_sluice_limit_items_to_counters (GPtrArray    *items,
                                 const gint64 *amounts)
{
  SluiceCounterItem *counters = g_new0 (SluiceCounterItem, MAX (items->len, 1));

  for (guint i = 0; i < items->len; i++)
    {
      const SluiceLimitItem *item = g_ptr_array_index (items, i);

      counters[i] = (SluiceCounterItem) {
        .key = item->key,
        .window_s = item->window_s,
        .limit = item->limit,
        .amount = amounts != NULL ? amounts[i] : item->amount,
      };
    }

  return counters;
}

/* "tokens per hour 200000", "dollars per day 50.00". */
char *
_sluice_limit_item_describe (const SluiceLimitItem *item)
{
  if (item->kind == SLUICE_LIMIT_USD)
    return g_strdup_printf ("%s %.2f", item->label, item->limit / 1e6);

  return g_strdup_printf ("%s %" G_GINT64_FORMAT, item->label, item->limit);
}

char *
_sluice_limit_item_format_amount (const SluiceLimitItem *item,
                                  gint64                 amount)
{
  if (item->kind == SLUICE_LIMIT_USD)
    return g_strdup_printf ("$%.4f", amount / 1e6);

  return g_strdup_printf ("%" G_GINT64_FORMAT, amount);
}
