/* sluice-panel-util.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include <glib/gi18n.h>

#include "sluice-format.h"
#include "sluice-panel-util.h"
#include "sluice-window.h"

const char *
sluice_panel_breaker_label (int state)
{
  switch (state)
    {
    case SLUICE_BREAKER_OPEN:
      return _("Open");
    case SLUICE_BREAKER_HALF_OPEN:
      return _("Half-Open");
    case SLUICE_BREAKER_CLOSED:
    default:
      return _("Closed");
    }
}

/* The overview's health pills, reused for breakers. */
const char *
sluice_panel_breaker_css_class (int state)
{
  switch (state)
    {
    case SLUICE_BREAKER_OPEN:
      return "failing";
    case SLUICE_BREAKER_HALF_OPEN:
      return "degraded";
    case SLUICE_BREAKER_CLOSED:
    default:
      return "healthy";
    }
}

const char *
sluice_panel_severity_icon (const char *severity)
{
  if (g_strcmp0 (severity, "critical") == 0)
    return "dialog-error-symbolic";
  if (g_strcmp0 (severity, "warning") == 0)
    return "dialog-warning-symbolic";

  return "dialog-information-symbolic";
}

char *
sluice_panel_format_clock (gint64 time_us)
{
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (time_us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (local == NULL)
    return g_strdup ("—");

  if (g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now) &&
      g_date_time_get_year (local) == g_date_time_get_year (now))
    return g_date_time_format (local, "%H:%M:%S");

  return g_date_time_format (local, "%b %d %H:%M");
}

/* "0:42", "12:05", "1:02:05". */
char *
sluice_panel_format_countdown (gint64 remaining_us)
{
  gint64 s = MAX (remaining_us, 0) / G_USEC_PER_SEC;

  if (s >= 3600)
    return g_strdup_printf ("%d:%02d:%02d", (int) (s / 3600), (int) (s / 60 % 60),
                            (int) (s % 60));

  return g_strdup_printf ("%d:%02d", (int) (s / 60), (int) (s % 60));
}

guint64
sluice_panel_cache_lookups (const SluiceSnapshotCache *cache)
{
  return cache->hits_exact + cache->hits_semantic + cache->hits_stale + cache->misses;
}

/* Hits over lookups since the engine started; bypassed requests (policy
 * none, high temperature) are not lookups. */
double
sluice_panel_cache_hit_rate (const SluiceSnapshotCache *cache)
{
  guint64 lookups = sluice_panel_cache_lookups (cache);

  if (lookups == 0)
    return 0;

  return (double) (cache->hits_exact + cache->hits_semantic + cache->hits_stale) / lookups;
}

const SluiceSnapshotLimit *
sluice_panel_find_limit_by_code (SluiceSnapshot *snapshot,
                                 const char     *code)
{
  guint n = sluice_snapshot_get_n_limits (snapshot);

  for (guint i = 0; i < n; i++)
    {
      const SluiceSnapshotLimit *limit = sluice_snapshot_get_limit (snapshot, i);

      if (g_strcmp0 (limit->code, code) == 0 && !g_str_has_prefix (limit->label, "user "))
        return limit;
    }

  return NULL;
}

/* @kind: 0 requests, 1 tokens, 2 micro-dollars, 3 in flight. */
char *
sluice_panel_format_limit_amount (int    kind,
                                  gint64 amount)
{
  if (kind == 2)
    return sluice_format_usd (amount / 1e6);

  return sluice_format_count (MAX (amount, 0));
}

void
sluice_panel_set_label_take (GtkLabel *label,
                             char     *text)
{
  if (g_strcmp0 (gtk_label_get_text (label), text) != 0)
    gtk_label_set_text (label, text);
  g_free (text);
}

void
sluice_panel_toast (GtkWidget  *widget,
                    const char *title)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  if (SLUICE_IS_WINDOW (root))
    sluice_window_add_toast (SLUICE_WINDOW (root), adw_toast_new (title));
}

void
sluice_panel_clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}
