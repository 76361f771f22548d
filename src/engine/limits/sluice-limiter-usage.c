/* sluice-limiter-usage.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-limits"

#include "config.h"

#include "sluice-limit-items.h"
#include "sluice-limiter-private.h"

/* What the limiter last saw of each counter (for the console's headroom
 * bars), and the budget alerts at the configured fractions. */

static const char *
severity_for (double fraction)
{
  return fraction >= 1.0 ? "critical" : fraction >= 0.8 ? "warning" : "info";
}

void
_sluice_limit_usage_info_free (gpointer data)
{
  SluiceLimitUsageInfo *info = data;

  sluice_limit_usage_info_clear (info);
  g_free (info);
}

void
sluice_limit_usage_info_clear (SluiceLimitUsageInfo *info)
{
  g_clear_pointer (&info->label, g_free);
  g_clear_pointer (&info->code, g_free);
}

/* Keeps the latest count the store reported for each counter a decision
 * touched, for the snapshot's budget and headroom read-outs. */
static void
note_usage (SluiceLimiter *self,
            GPtrArray     *items,
            const gint64  *totals)
{
  gint64 now = sluice_clock_now_us (self->clock);

  for (guint i = 0; i < items->len; i++)
    {
      const SluiceLimitItem *item = g_ptr_array_index (items, i);
      SluiceLimitUsageInfo *info = g_hash_table_lookup (self->usage, item->key);

      if (info == NULL)
        {
          info = g_new0 (SluiceLimitUsageInfo, 1);
          g_hash_table_insert (self->usage, g_strdup (item->key), info);
        }
      g_free (info->label);
      g_free (info->code);
      info->label = g_strdup (item->label);
      info->code = g_strdup (item->code);
      info->kind = item->kind;
      info->budget = item->budget;
      info->window_s = item->window_s;
      info->limit = item->limit;
      info->used = totals[i];
      info->updated_at_us = now;
    }
}

static int
compare_usage (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (((const SluiceLimitUsageInfo *) a)->label,
                    ((const SluiceLimitUsageInfo *) b)->label);
}

/**
 * sluice_limiter_dup_usage:
 * @self: a limiter
 *
 * What each counter held the last time a decision touched it: the limits'
 * headroom and the budgets' burn for the console and /metrics. Counters of
 * a sliding window drain as time passes; @updated_at_us says how old each
 * reading is.
 *
 * Returns: (transfer full) (element-type SluiceLimitUsageInfo): the counters,
 *   sorted by label
 */
GArray *
sluice_limiter_dup_usage (SluiceLimiter *self)
{
  GArray *list = g_array_new (FALSE, TRUE, sizeof (SluiceLimitUsageInfo));
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (SLUICE_IS_LIMITER (self), list);

  g_array_set_clear_func (list, (GDestroyNotify) sluice_limit_usage_info_clear);
  g_hash_table_iter_init (&iter, self->usage);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      SluiceLimitUsageInfo copy = *(SluiceLimitUsageInfo *) value;

      copy.label = g_strdup (copy.label);
      copy.code = g_strdup (copy.code);
      g_array_append_val (list, copy);
    }
  g_array_sort (list, compare_usage);
  return list;
}

/* Alerts each configured fraction of a budget that usage crossed upwards,
 * at most once per window length per counter and fraction. */
void
_sluice_limiter_check_alerts (SluiceLimiter *self,
                              GPtrArray     *items,
                              const gint64  *deltas,
                              const gint64  *totals)
{
  const SluiceBudgetConfig *budgets = sluice_config_get_budgets (self->config);
  gint64 now_s = sluice_clock_now_us (self->clock) / G_USEC_PER_SEC;

  note_usage (self, items, totals);
  for (guint i = 0; i < items->len; i++)
    {
      const SluiceLimitItem *item = g_ptr_array_index (items, i);
      gint64 before = totals[i] - deltas[i];

      if (!item->budget || deltas[i] <= 0)
        continue;

      for (guint f = 0; f < budgets->n_alert_fractions; f++)
        {
          double fraction = budgets->alert_fractions[f];
          double mark = fraction * item->limit;
          g_autofree char *id = g_strdup_printf ("%s|%g", item->key, fraction);
          gpointer last = NULL;
          g_autofree char *message = NULL;
          g_autofree char *used = NULL;
          g_autofree char *limit = NULL;

          if (!(before < mark && totals[i] >= mark))
            continue;
          if (g_hash_table_lookup_extended (self->alerted, id, NULL, &last) &&
              now_s - (gint64) GPOINTER_TO_SIZE (last) < item->window_s)
            continue;

          used = _sluice_limit_item_format_amount (item, totals[i]);
          limit = _sluice_limit_item_format_amount (item, item->limit);
          message = g_strdup_printf ("%s at %.0f%% (%s of %s)", item->label,
                                     fraction * 100, used, limit);
          g_hash_table_replace (self->alerted, g_steal_pointer (&id),
                                GSIZE_TO_POINTER ((gsize) now_s));
          _sluice_limiter_emit_alert (self, severity_for (fraction), item->code, message);
        }
    }
}
