/* sluice-counter-store.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-limits"

#include "config.h"

#include "sluice-counter-store.h"

/* Where limits and budgets are counted: in this process
 * (SluiceMemoryCounterStore) or shared through Redis
 * (SluiceRedisCounterStore). Every decision is one atomic step over all the
 * counters it touches. */

typedef struct
{
  gboolean connected;
} SluiceCounterStorePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (SluiceCounterStore, sluice_counter_store, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONNECTED,
  N_PROPS
};

enum {
  CONNECTION_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties [N_PROPS];
static guint signals [N_SIGNALS];

void
sluice_counter_verdict_free (SluiceCounterVerdict *verdict)
{
  if (verdict == NULL)
    return;

  g_free (verdict->totals);
  g_free (verdict);
}

static gboolean
sluice_counter_store_real_is_shared (SluiceCounterStore *self)
{
  return FALSE;
}

static void
sluice_counter_store_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  SluiceCounterStore *self = SLUICE_COUNTER_STORE (object);

  switch (prop_id)
    {
    case PROP_CONNECTED:
      g_value_set_boolean (value, sluice_counter_store_is_connected (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sluice_counter_store_class_init (SluiceCounterStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = sluice_counter_store_get_property;
  klass->is_shared = sluice_counter_store_real_is_shared;

  properties [PROP_CONNECTED] =
    g_param_spec_boolean ("connected", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SluiceCounterStore::connection-changed:
   * @connected: whether the store is reachable now
   * @message: what happened
   */
  signals [CONNECTION_CHANGED] =
    g_signal_new ("connection-changed", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_BOOLEAN, G_TYPE_STRING);
}

static void
sluice_counter_store_init (SluiceCounterStore *self)
{
  SluiceCounterStorePrivate *priv = sluice_counter_store_get_instance_private (self);

  priv->connected = TRUE;
}

void
sluice_counter_store_apply_async (SluiceCounterStore       *self,
                                  SluiceCounterOp           op,
                                  const SluiceCounterItem  *items,
                                  guint                     n_items,
                                  gint64                    now_s,
                                  gint64                    at_s,
                                  GCancellable             *cancellable,
                                  GAsyncReadyCallback       callback,
                                  gpointer                  user_data)
{
  g_return_if_fail (SLUICE_IS_COUNTER_STORE (self));
  g_return_if_fail (items != NULL || n_items == 0);

  SLUICE_COUNTER_STORE_GET_CLASS (self)->apply_async (self, op, items, n_items, now_s,
                                                      at_s, cancellable, callback,
                                                      user_data);
}

SluiceCounterVerdict *
sluice_counter_store_apply_finish (SluiceCounterStore  *self,
                                   GAsyncResult        *result,
                                   GError             **error)
{
  g_return_val_if_fail (SLUICE_IS_COUNTER_STORE (self), NULL);

  return SLUICE_COUNTER_STORE_GET_CLASS (self)->apply_finish (self, result, error);
}

gboolean
sluice_counter_store_is_shared (SluiceCounterStore *self)
{
  g_return_val_if_fail (SLUICE_IS_COUNTER_STORE (self), FALSE);

  return SLUICE_COUNTER_STORE_GET_CLASS (self)->is_shared (self);
}

gboolean
sluice_counter_store_is_connected (SluiceCounterStore *self)
{
  SluiceCounterStorePrivate *priv = sluice_counter_store_get_instance_private (self);

  g_return_val_if_fail (SLUICE_IS_COUNTER_STORE (self), FALSE);

  return priv->connected;
}

/* For implementations: reports a change of reachability once. */
void
_sluice_counter_store_set_connected (SluiceCounterStore *self,
                                     gboolean            connected,
                                     const char         *message)
{
  SluiceCounterStorePrivate *priv = sluice_counter_store_get_instance_private (self);

  g_assert (SLUICE_IS_COUNTER_STORE (self));

  if (priv->connected == connected)
    return;

  priv->connected = connected;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_CONNECTED]);
  g_signal_emit (self, signals [CONNECTION_CHANGED], 0, connected, message);
}
