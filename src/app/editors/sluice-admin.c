/* sluice-admin.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "sluice-admin.h"

#define KEY_BYTES 32

typedef struct
{
  char     *text;
  char     *comment;
  gint64    version;
  JsonNode *node;
} Args;

static void
args_free (gpointer data)
{
  Args *args = data;

  g_free (args->text);
  g_free (args->comment);
  g_clear_pointer (&args->node, json_node_unref);
  g_free (args);
}

static Args *
args_new (const char *text,
          const char *comment)
{
  Args *args = g_new0 (Args, 1);

  args->text = g_strdup (text);
  args->comment = g_strdup (comment);
  return args;
}

static void
return_version (GTask  *task,
                gint64  version)
{
  gint64 *boxed = g_new (gint64, 1);

  *boxed = version;
  g_task_return_pointer (task, boxed, g_free);
}

/* Engine thread. */
static void
apply_json_func (SluiceEngine *engine,
                 gpointer      data,
                 GTask        *task)
{
  Args *args = data;
  GError *error = NULL;

  if (sluice_engine_apply_config_json (engine, args->text, NULL, args->comment, &error))
    return_version (task, sluice_engine_get_config_version (engine));
  else
    g_task_return_error (task, error);
  g_object_unref (task);
}

void
sluice_admin_apply_json (SluiceEngineHost    *host,
                         const char          *json,
                         const char          *comment,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  sluice_engine_host_run_async (host, apply_json_func, args_new (json, comment), args_free,
                                g_free, NULL, callback, user_data);
}

static void
rollback_func (SluiceEngine *engine,
               gpointer      data,
               GTask        *task)
{
  Args *args = data;
  GError *error = NULL;
  gint64 version = sluice_engine_rollback (engine, args->version, NULL, NULL, &error);

  if (version > 0)
    return_version (task, version);
  else
    g_task_return_error (task, error);
  g_object_unref (task);
}

void
sluice_admin_rollback (SluiceEngineHost    *host,
                       gint64               version,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  Args *args = args_new (NULL, NULL);

  args->version = version;
  sluice_engine_host_run_async (host, rollback_func, args, args_free, g_free, NULL,
                                callback, user_data);
}

static void
list_versions_func (SluiceEngine *engine,
                    gpointer      data,
                    GTask        *task)
{
  GError *error = NULL;
  GPtrArray *versions = sluice_engine_list_config_versions (engine, &error);

  if (versions != NULL)
    g_task_return_pointer (task, versions, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (task, error);
  g_object_unref (task);
}

void
sluice_admin_list_versions (SluiceEngineHost    *host,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  sluice_engine_host_run_async (host, list_versions_func, NULL, NULL,
                                (GDestroyNotify) g_ptr_array_unref, NULL, callback, user_data);
}

static JsonNode *
behaviours_of (SluiceEngine *engine)
{
  g_autoptr(SluiceConfig) config = sluice_engine_dup_config (engine);
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  for (guint i = 0; i < sluice_config_get_n_providers (config); i++)
    {
      const SluiceProviderConfig *pc = sluice_config_get_provider (config, i);
      g_autoptr(SluiceMockBehaviour) behaviour = NULL;

      behaviour = sluice_engine_dup_mock_behaviour (engine, pc->name);
      if (behaviour != NULL)
        json_object_set_member (object, pc->name, sluice_mock_behaviour_to_json (behaviour));
    }
  json_node_take_object (node, object);
  return node;
}

static void
dup_behaviours_func (SluiceEngine *engine,
                     gpointer      data,
                     GTask        *task)
{
  g_task_return_pointer (task, behaviours_of (engine), (GDestroyNotify) json_node_unref);
  g_object_unref (task);
}

void
sluice_admin_dup_behaviours (SluiceEngineHost    *host,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  sluice_engine_host_run_async (host, dup_behaviours_func, NULL, NULL,
                                (GDestroyNotify) json_node_unref, NULL, callback, user_data);
}

static void
set_chaos_func (SluiceEngine *engine,
                gpointer      data,
                GTask        *task)
{
  Args *args = data;
  g_autoptr(SluiceMockBehaviour) behaviour = NULL;
  GError *error = NULL;
  gboolean ok;

  if (args->node == NULL)
    ok = sluice_engine_reset_mock_chaos (engine, args->text, &error);
  else
    {
      behaviour = sluice_mock_behaviour_new_from_json (args->node, "$", &error);
      ok = behaviour != NULL &&
           sluice_engine_set_mock_chaos (engine, args->text, behaviour, &error);
    }
  if (ok)
    g_task_return_pointer (task, behaviours_of (engine), (GDestroyNotify) json_node_unref);
  else
    g_task_return_error (task, error);
  g_object_unref (task);
}

void
sluice_admin_set_chaos (SluiceEngineHost    *host,
                        const char          *provider,
                        JsonNode            *behaviour,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  Args *args = args_new (provider, NULL);

  /* A deep copy: the engine thread reads it while the page edits its own. */
  if (behaviour != NULL)
    {
      g_autofree char *text = json_to_string (behaviour, FALSE);

      args->node = json_from_string (text, NULL);
    }
  sluice_engine_host_run_async (host, set_chaos_func, args, args_free,
                                (GDestroyNotify) json_node_unref, NULL, callback, user_data);
}

static void
probe_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  SluiceProviderProbe *probe;

  probe = sluice_engine_test_provider_finish (SLUICE_ENGINE (object), result, &error);
  if (probe != NULL)
    g_task_return_pointer (task, probe, (GDestroyNotify) sluice_provider_probe_free);
  else
    g_task_return_error (task, error);
  g_object_unref (task);
}

static void
test_provider_func (SluiceEngine *engine,
                    gpointer      data,
                    GTask        *task)
{
  Args *args = data;

  sluice_engine_test_provider_async (engine, args->text, NULL, probe_cb, task);
}

void
sluice_admin_test_provider (SluiceEngineHost    *host,
                            const char          *provider,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  sluice_engine_host_run_async (host, test_provider_func, args_new (provider, NULL), args_free,
                                (GDestroyNotify) sluice_provider_probe_free, NULL,
                                callback, user_data);
}

static void
reloaded_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (sluice_engine_reload_provider_finish (SLUICE_ENGINE (object), result, &error))
    g_task_return_pointer (task, g_new0 (gboolean, 1), g_free);
  else
    g_task_return_error (task, error);
  g_object_unref (task);
}

static void
reload_provider_func (SluiceEngine *engine,
                      gpointer      data,
                      GTask        *task)
{
  Args *args = data;

  sluice_engine_reload_provider_async (engine, args->text, NULL, reloaded_cb, task);
}

void
sluice_admin_reload_provider (SluiceEngineHost    *host,
                              const char          *provider,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  sluice_engine_host_run_async (host, reload_provider_func, args_new (provider, NULL),
                                args_free, g_free, NULL, callback, user_data);
}

/* Keys: libsecret blocks, so every call runs in a worker thread. */

static void
store_key_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Args *args = task_data;
  GError *error = NULL;
  gboolean ok;

  if (args->comment != NULL)
    ok = sluice_secrets_store_key (args->text, args->comment, cancellable, &error);
  else
    ok = sluice_secrets_delete_key (args->text, cancellable, &error);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
args_free_secret (gpointer data)
{
  Args *args = data;

  if (args->comment != NULL)
    memset (args->comment, 0, strlen (args->comment));
  args_free (args);
}

void
sluice_admin_store_key (const char          *name,
                        const char          *key,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, callback, user_data);

  /* The key rides in the comment slot and is wiped when the task goes. */
  g_task_set_task_data (task, args_new (name, key), args_free_secret);
  g_task_set_source_tag (task, sluice_admin_store_key);
  g_task_run_in_thread (task, store_key_thread);
}

static void
list_keys_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  char **names = task_data;
  GHashTable *masked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      char *key = sluice_secrets_lookup_key (names[i], cancellable, &error);

      if (key != NULL)
        {
          g_hash_table_insert (masked, g_strdup (names[i]), sluice_secrets_mask (key));
          memset (key, 0, strlen (key));
          g_free (key);
        }
      else if (error != NULL)
        g_debug ("No key for %s: %s", names[i], error->message);
    }
  g_task_return_pointer (task, masked, (GDestroyNotify) g_hash_table_unref);
}

void
sluice_admin_list_masked_keys (const char * const  *names,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, callback, user_data);

  g_task_set_task_data (task, g_strdupv ((char **) names), (GDestroyNotify) g_strfreev);
  g_task_set_source_tag (task, sluice_admin_list_masked_keys);
  g_task_run_in_thread (task, list_keys_thread);
}

static gboolean
read_random (guint8 *buffer,
             gsize   length)
{
  gsize done = 0;
  int fd = open ("/dev/urandom", O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return FALSE;
  while (done < length)
    {
      gssize n = read (fd, buffer + done, length - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      done += n;
    }
  close (fd);
  return done == length;
}

/**
 * sluice_admin_new_virtual_key:
 * @hash: (out): "sha256:<hex>" of the key, the only form the config keeps
 *
 * Makes a virtual key from 32 bytes of the kernel's CSPRNG.
 *
 * Returns: (transfer full): the key, "sk-sluice-" and 64 hex digits; show
 *   it once and wipe it
 */
char *
sluice_admin_new_virtual_key (char **hash)
{
  guint8 bytes[KEY_BYTES];
  GString *key = g_string_new ("sk-sluice-");
  g_autofree char *digest = NULL;

  if (!read_random (bytes, sizeof bytes))
    g_error ("Cannot read /dev/urandom: %s", g_strerror (errno));
  for (guint i = 0; i < sizeof bytes; i++)
    g_string_append_printf (key, "%02x", bytes[i]);
  memset (bytes, 0, sizeof bytes);
  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key->str, -1);
  *hash = g_strconcat ("sha256:", digest, NULL);
  return g_string_free (key, FALSE);
}
