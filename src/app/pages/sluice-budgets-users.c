/* sluice-budgets-users.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include <glib/gi18n.h>

#include "sluice-budgets-users.h"
#include "sluice-format.h"

struct _SluiceUserUsage
{
  GObject  parent_instance;

  char    *name;
  gint64   tokens_hour;
  gint64   tokens_day;
  gint64   usd_day_micro;
  double   fraction;     /* the highest share of any of the user's budgets */
};

G_DEFINE_FINAL_TYPE (SluiceUserUsage, sluice_user_usage, G_TYPE_OBJECT)

static void
sluice_user_usage_finalize (GObject *object)
{
  g_free (SLUICE_USER_USAGE (object)->name);
  G_OBJECT_CLASS (sluice_user_usage_parent_class)->finalize (object);
}

static void
sluice_user_usage_class_init (SluiceUserUsageClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sluice_user_usage_finalize;
}

static void
sluice_user_usage_init (SluiceUserUsage *self)
{
}

const char *
sluice_user_usage_get_name (SluiceUserUsage *self)
{
  return self->name;
}

gint64
sluice_user_usage_get_tokens_hour (SluiceUserUsage *self)
{
  return self->tokens_hour;
}

double
sluice_user_usage_get_fraction (SluiceUserUsage *self)
{
  return self->fraction;
}

typedef enum
{
  COLUMN_USER,
  COLUMN_TOKENS_HOUR,
  COLUMN_TOKENS_DAY,
  COLUMN_USD_DAY,
  COLUMN_FRACTION,
} Column;

static char *
cell_text (SluiceUserUsage *usage,
           Column           column)
{
  switch (column)
    {
    case COLUMN_USER:
      return g_strdup (usage->name);
    case COLUMN_TOKENS_HOUR:
      return sluice_format_count (MAX (usage->tokens_hour, 0));
    case COLUMN_TOKENS_DAY:
      return sluice_format_count (MAX (usage->tokens_day, 0));
    case COLUMN_USD_DAY:
      return sluice_format_usd (usage->usd_day_micro / 1e6);
    case COLUMN_FRACTION:
    default:
      return sluice_format_percent (usage->fraction);
    }
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), GPOINTER_TO_INT (data) == COLUMN_USER ? 0 : 1);
  gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  data)
{
  g_autofree char *text = cell_text (gtk_list_item_get_item (item), GPOINTER_TO_INT (data));

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

static double
sort_key (SluiceUserUsage *usage,
          Column           column)
{
  switch (column)
    {
    case COLUMN_TOKENS_HOUR:
      return usage->tokens_hour;
    case COLUMN_TOKENS_DAY:
      return usage->tokens_day;
    case COLUMN_USD_DAY:
      return usage->usd_day_micro;
    case COLUMN_FRACTION:
    case COLUMN_USER:
    default:
      return usage->fraction;
    }
}

static int
compare_rows (gconstpointer a,
              gconstpointer b,
              gpointer      data)
{
  Column column = GPOINTER_TO_INT (data);
  SluiceUserUsage *x = (SluiceUserUsage *) a;
  SluiceUserUsage *y = (SluiceUserUsage *) b;
  double kx, ky;

  if (column == COLUMN_USER)
    return g_utf8_collate (x->name, y->name);

  kx = sort_key (x, column);
  ky = sort_key (y, column);
  return kx < ky ? -1 : kx > ky ? 1 : 0;
}

static void
add_column (GtkColumnView *view,
            const char    *title,
            Column         column)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *col;
  GtkSorter *sorter;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GINT_TO_POINTER (column));
  col = gtk_column_view_column_new (title, factory);
  sorter = GTK_SORTER (gtk_custom_sorter_new (compare_rows, GINT_TO_POINTER (column), NULL));
  gtk_column_view_column_set_sorter (col, sorter);
  gtk_column_view_column_set_expand (col, column == COLUMN_USER);
  gtk_column_view_append_column (view, col);
  if (column == COLUMN_FRACTION)
    gtk_column_view_sort_by_column (view, col, GTK_SORT_DESCENDING);
  g_object_unref (sorter);
  g_object_unref (col);
}

/**
 * sluice_budgets_users_setup:
 *
 * Gives @view its sortable columns over @store; sorted by the share of
 * budget, highest first, until the user clicks a header.
 */
void
sluice_budgets_users_setup (GtkColumnView *view,
                            GListStore    *store)
{
  GtkSortListModel *sorted;
  GtkNoSelection *selection;

  add_column (view, _("User"), COLUMN_USER);
  add_column (view, _("Tokens (Hour)"), COLUMN_TOKENS_HOUR);
  add_column (view, _("Tokens (Day)"), COLUMN_TOKENS_DAY);
  add_column (view, _("Dollars (Day)"), COLUMN_USD_DAY);
  add_column (view, _("Budget Used"), COLUMN_FRACTION);

  sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (store)),
                                    g_object_ref (gtk_column_view_get_sorter (view)));
  selection = gtk_no_selection_new (G_LIST_MODEL (sorted));
  gtk_column_view_set_model (view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);
}

static SluiceUserUsage *
lookup_or_add (GHashTable *users,
               const char *name)
{
  SluiceUserUsage *usage = g_hash_table_lookup (users, name);

  if (usage == NULL)
    {
      usage = g_object_new (SLUICE_TYPE_USER_USAGE, NULL);
      usage->name = g_strdup (name);
      g_hash_table_insert (users, usage->name, usage);
    }

  return usage;
}

static void
take_reading (GHashTable                *users,
              const SluiceSnapshotLimit *limit)
{
  const char *colon = strstr (limit->label, ": ");
  g_autofree char *name = NULL;
  SluiceUserUsage *usage;

  if (!g_str_has_prefix (limit->label, "user ") || colon == NULL || !limit->budget)
    return;

  name = g_strndup (limit->label + 5, colon - (limit->label + 5));
  usage = lookup_or_add (users, name);

  if (g_strcmp0 (limit->code, "budget.user_tokens_per_hour") == 0)
    usage->tokens_hour = limit->used;
  else if (g_strcmp0 (limit->code, "budget.user_tokens_per_day") == 0)
    usage->tokens_day = limit->used;
  else if (g_strcmp0 (limit->code, "budget.user_usd_per_day") == 0)
    usage->usd_day_micro = limit->used;

  if (limit->limit > 0)
    usage->fraction = MAX (usage->fraction, (double) limit->used / limit->limit);
}

static gboolean
same_rows (GListStore *store,
           GPtrArray  *rows)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (store)) != rows->len)
    return FALSE;

  for (guint i = 0; i < rows->len; i++)
    {
      g_autoptr(SluiceUserUsage) old = g_list_model_get_item (G_LIST_MODEL (store), i);
      SluiceUserUsage *new = g_ptr_array_index (rows, i);

      if (g_strcmp0 (old->name, new->name) != 0 || old->tokens_hour != new->tokens_hour ||
          old->tokens_day != new->tokens_day || old->usd_day_micro != new->usd_day_micro)
        return FALSE;
    }

  return TRUE;
}

static int
by_name (gconstpointer a,
         gconstpointer b)
{
  return g_strcmp0 ((*(SluiceUserUsage **) a)->name, (*(SluiceUserUsage **) b)->name);
}

/**
 * sluice_budgets_users_update:
 *
 * Replaces the rows when a figure changed.
 *
 * Returns: whether @store has any row
 */
gboolean
sluice_budgets_users_update (GListStore     *store,
                             SluiceSnapshot *snapshot)
{
  g_autoptr(GHashTable) users = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                       g_object_unref);
  g_autoptr(GPtrArray) rows = NULL;
  guint n = sluice_snapshot_get_n_limits (snapshot);
  GHashTableIter iter;
  gpointer value;

  for (guint i = 0; i < n; i++)
    take_reading (users, sluice_snapshot_get_limit (snapshot, i));

  rows = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, users);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (rows, value);
  g_ptr_array_sort (rows, by_name);

  if (!same_rows (store, rows))
    g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)),
                         rows->pdata, rows->len);

  return rows->len > 0;
}
