/* sluice-deprecation.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-observe"

#include "config.h"

#include <stdio.h>

#include "sluice-deprecation.h"
#include "sluice-snapshot.h"

/* Models carry a retirement date (UTC) and a replacement in the config.
 * Alerts go out once when 30 days or fewer are left, once at 7 or fewer,
 * and once on the day itself; from that day on the router sends the
 * model's traffic to its replacement (sluice-pipeline.c, route ()). */

#define DAY_S 86400

/* Days from today (UTC) to the retirement day: 0 on the day itself,
 * negative after it, SLUICE_DEPRECATION_NONE without a date. */
int
sluice_deprecation_days_left (const SluiceModelConfig *model,
                              gint64                   now_us)
{
  int y, m, d;
  g_autoptr(GDateTime) day = NULL;

  if (model->retires == NULL || sscanf (model->retires, "%4d-%2d-%2d", &y, &m, &d) != 3)
    return SLUICE_DEPRECATION_NONE;
  day = g_date_time_new_utc (y, m, d, 0, 0, 0);
  if (day == NULL)
    return SLUICE_DEPRECATION_NONE;
  return (int) (g_date_time_to_unix (day) / DAY_S - (now_us / G_USEC_PER_SEC) / DAY_S);
}

/* The model to use instead of @model once it is retired (its replacement,
 * or theirs when that one is retired too), or %NULL to keep @model. */
const SluiceModelConfig *
sluice_deprecation_substitute (SluiceConfig *config,
                               const char   *model,
                               gint64        now_us)
{
  const SluiceModelConfig *mc = sluice_config_lookup_model (config, model);
  const SluiceModelConfig *found = NULL;

  /* The config refuses replacement cycles; the bound is only a guard. */
  for (guint hops = 0; mc != NULL && hops < 16; hops++)
    {
      int left = sluice_deprecation_days_left (mc, now_us);

      if (left == SLUICE_DEPRECATION_NONE || left > 0 || mc->replacement == NULL)
        break;
      mc = sluice_config_lookup_model (config, mc->replacement);
      found = mc;
    }
  return found;
}

void
sluice_deprecation_check (SluiceConfig *config,
                          gint64        now_us,
                          SluiceAlerts *alerts)
{
  for (guint i = 0; i < sluice_config_get_n_models (config); i++)
    {
      const SluiceModelConfig *mc = sluice_config_get_model (config, i);
      int left = sluice_deprecation_days_left (mc, now_us);
      g_autofree char *key = NULL;
      g_autofree char *message = NULL;
      g_autofree char *instead = NULL;

      if (left == SLUICE_DEPRECATION_NONE || left > 30)
        continue;
      key = g_strdup_printf ("%s|%s", mc->name, mc->retires);
      instead = mc->replacement != NULL
                ? g_strdup_printf ("its replacement %s", mc->replacement)
                : g_strdup ("no replacement is configured");
      if (left <= 0)
        {
          message = g_strdup_printf ("%s retired on %s; %s", mc->name, mc->retires,
                                     mc->replacement != NULL
                                     ? "its traffic goes to its replacement"
                                     : "no replacement is configured");
          sluice_alerts_raise (alerts, "critical", "deprecation.retired", key,
                               SLUICE_ALERT_DEDUP_FOREVER, message);
          continue;
        }
      message = g_strdup_printf ("%s retires on %s, in %d day%s; then %s", mc->name,
                                 mc->retires, left, left == 1 ? "" : "s",
                                 mc->replacement != NULL ? instead : "requests for it fail");
      if (left <= 7)
        sluice_alerts_raise (alerts, "warning", "deprecation.7d", key,
                             SLUICE_ALERT_DEDUP_FOREVER, message);
      else
        sluice_alerts_raise (alerts, "info", "deprecation.30d", key,
                             SLUICE_ALERT_DEDUP_FOREVER, message);
    }
}

/* Appends a SluiceDeprecation for each model with a retirement date. */
void
sluice_deprecation_list (SluiceConfig *config,
                         gint64        now_us,
                         GArray       *out)
{
  for (guint i = 0; i < sluice_config_get_n_models (config); i++)
    {
      const SluiceModelConfig *mc = sluice_config_get_model (config, i);
      int left = sluice_deprecation_days_left (mc, now_us);
      SluiceDeprecation d;

      if (left == SLUICE_DEPRECATION_NONE)
        continue;
      d.model = g_strdup (mc->name);
      d.retires = g_strdup (mc->retires);
      d.replacement = g_strdup (mc->replacement);
      d.days_left = left;
      g_array_append_val (out, d);
    }
}
