/* sluice-store-rows.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-store"

#include "config.h"

#include "sluice-enums.h"
#include "sluice-store-private.h"

G_DEFINE_BOXED_TYPE (SluiceLedgerRow, sluice_ledger_row,
                     sluice_ledger_row_copy, sluice_ledger_row_free)

G_DEFINE_BOXED_TYPE (SluiceConfigVersion, sluice_config_version,
                     sluice_config_version_copy, sluice_config_version_free)

/**
 * sluice_ledger_row_new:
 *
 * Returns: (transfer full): a zeroed ledger row
 */
SluiceLedgerRow *
sluice_ledger_row_new (void)
{
  return g_new0 (SluiceLedgerRow, 1);
}

/**
 * sluice_ledger_row_copy:
 * @row: a row
 *
 * Returns: (transfer full): a deep copy of @row
 */
SluiceLedgerRow *
sluice_ledger_row_copy (const SluiceLedgerRow *row)
{
  SluiceLedgerRow *copy;

  g_return_val_if_fail (row != NULL, NULL);

  copy = g_memdup2 (row, sizeof *row);
  copy->request_id = g_strdup (row->request_id);
  copy->user = g_strdup (row->user);
  copy->task = g_strdup (row->task);
  copy->route = g_strdup (row->route);
  copy->model = g_strdup (row->model);
  copy->provider = g_strdup (row->provider);
  copy->prompt = g_strdup (row->prompt);
  copy->answer = g_strdup (row->answer);
  copy->trace = g_strdup (row->trace);

  return copy;
}

void
sluice_ledger_row_free (SluiceLedgerRow *row)
{
  if (row == NULL)
    return;

  g_free (row->request_id);
  g_free (row->user);
  g_free (row->task);
  g_free (row->route);
  g_free (row->model);
  g_free (row->provider);
  g_free (row->prompt);
  g_free (row->answer);
  g_free (row->trace);
  g_free (row);
}

/**
 * sluice_config_version_copy:
 * @version: a stored configuration version
 *
 * Returns: (transfer full): a deep copy of @version
 */
SluiceConfigVersion *
sluice_config_version_copy (const SluiceConfigVersion *version)
{
  SluiceConfigVersion *copy;

  g_return_val_if_fail (version != NULL, NULL);

  copy = g_memdup2 (version, sizeof *version);
  copy->author = g_strdup (version->author);
  copy->comment = g_strdup (version->comment);
  copy->json = g_strdup (version->json);

  return copy;
}

void
sluice_config_version_free (SluiceConfigVersion *version)
{
  if (version == NULL)
    return;

  g_free (version->author);
  g_free (version->comment);
  g_free (version->json);
  g_free (version);
}

/* The ledger stores enums by nick ("exact", "rate-limited"), so the file
 * reads well in sqlite3 and survives a reordering of the C enums. */
const char *
_sluice_store_enum_to_nick (GType type,
                            int   value)
{
  GEnumClass *klass = g_type_class_ref (type);
  GEnumValue *ev = g_enum_get_value (klass, value);
  const char *nick = ev != NULL ? ev->value_nick : NULL;

  /* Enum classes stay alive once referenced, so the nick does too. */
  g_type_class_unref (klass);
  return nick;
}

int
_sluice_store_enum_from_nick (GType       type,
                              const char *nick,
                              int         fallback)
{
  GEnumClass *klass;
  GEnumValue *ev;
  int value = fallback;

  if (nick == NULL)
    return fallback;

  klass = g_type_class_ref (type);
  ev = g_enum_get_value_by_nick (klass, nick);
  if (ev != NULL)
    value = ev->value;
  else
    g_debug ("Unknown %s nick in the ledger: %s", g_type_name (type), nick);
  g_type_class_unref (klass);

  return value;
}
