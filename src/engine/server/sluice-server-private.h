/* sluice-server-private.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "sluice-server.h"

G_BEGIN_DECLS

/* Which API a route speaks: errors and listings follow its format. */
typedef enum
{
  SLUICE_API_PLAIN,
  SLUICE_API_OPENAI,
  SLUICE_API_ANTHROPIC,
} SluiceApi;

/* What went wrong with a request, and so its HTTP status and error type. */
typedef enum
{
  SLUICE_FAULT_BAD_REQUEST,
  SLUICE_FAULT_AUTH,
  SLUICE_FAULT_NOT_FOUND,
  SLUICE_FAULT_MODEL_NOT_FOUND,
  SLUICE_FAULT_METHOD,
  SLUICE_FAULT_TOO_LARGE,
  SLUICE_FAULT_MEDIA_TYPE,
  SLUICE_FAULT_RATE_LIMITED,
  SLUICE_FAULT_SERVER,
  SLUICE_FAULT_NOT_IMPLEMENTED,
  SLUICE_FAULT_UNAVAILABLE,
  SLUICE_FAULT_OVERLOADED,
} SluiceFault;

/* The domain of input errors; the code is a SluiceFault. */
#define SLUICE_FAULT_ERROR (sluice_fault_error_quark ())
GQuark sluice_fault_error_quark (void);

/* A field of the JSON body is wrong (400): the message starts with the
 * field's path and ": ", which becomes the error's "param". */
#define SLUICE_FIELD_ERROR (sluice_field_error_quark ())
GQuark sluice_field_error_quark (void);

#define SLUICE_N_REQUEST_STATUSES (SLUICE_REQUEST_STATUS_DEFERRED + 1)

struct _SluiceServer
{
  GObject         parent_instance;

  SluiceEngine   *engine;
  SoupServer     *soup;
  GSocket        *listen_socket;
  guint16         port;
  gboolean        public_listen;   /* reachable beyond loopback */
  gsize           max_body;
  guint           io_timeout_s;
  gboolean        log_prompts;
  gboolean        log_requests;    /* one line per request */
  gint64          started_at;      /* unix seconds */

  gboolean        draining;
  guint           n_in_flight;
  GPtrArray      *drain_tasks;

  /* Counted here for /metrics: what the gateway answered. */
  guint64         by_status [SLUICE_N_REQUEST_STATUSES];
  guint64         rejected;        /* refused before the engine saw them */
  GHashTable     *http_codes;      /* GUINT_TO_POINTER (code) -> count */
  gint64          overhead_sum_us;
  gint64          overhead_max_us;
  guint64         overhead_count;
};

/* One API call in flight: owns the paused message and the engine request. */
typedef struct _SluiceServerCall SluiceServerCall;

typedef struct
{
  SluiceApi   api;
  /* Headers are set; write the stream's opening events. */
  void      (*stream_begin)  (SluiceServerCall *call);
  void      (*stream_delta)  (SluiceServerCall *call,
                              const char       *text);
  /* The engine answered (OK or DEGRADED): write the rest of the stream,
   * or the whole JSON answer when not streaming. */
  void      (*answer)        (SluiceServerCall *call,
                              SluiceResponse   *response);
  /* The stream had begun when the request failed. */
  void      (*stream_error)  (SluiceServerCall *call,
                              SluiceFault       fault,
                              const char       *message);
} SluiceServerCallClass;

struct _SluiceServerCall
{
  gint                         ref_count;
  const SluiceServerCallClass *klass;
  SluiceServer                *server;
  SoupServerMessage           *msg;
  SluiceRequest               *request;
  GCancellable                *cancellable;
  char                        *stream_id;    /* before the engine's is known */
  char                        *asked_model;
  gint64                       created;      /* unix seconds */
  gint64                       start_us;
  gboolean                     stream;
  gboolean                     include_usage;
  gboolean                     started;      /* response headers are out */
  gboolean                     streamed_text;
  gboolean                     engine_done;
  gboolean                     finished;     /* the message is gone */
  gulong                       finished_id;
};

/* sluice-server.c */
void         _sluice_server_reply_error   (SluiceServer      *self,
                                           SoupServerMessage *msg,
                                           SluiceApi          api,
                                           SluiceFault        fault,
                                           const char        *param,
                                           const char        *message);
void         _sluice_server_reply_gerror  (SluiceServer      *self,
                                           SoupServerMessage *msg,
                                           SluiceApi          api,
                                           const GError      *error);
void         _sluice_server_reply_json    (SluiceServer      *self,
                                           SoupServerMessage *msg,
                                           guint              status,
                                           JsonNode          *root);
SluiceFault  _sluice_server_error_fault   (const GError      *error);
guint        _sluice_fault_status         (SluiceFault        fault);
void         _sluice_server_count_http    (SluiceServer      *self,
                                           guint              status);
void         _sluice_server_call_started  (SluiceServer      *self);

/* sluice-server-listen.c */
void         _sluice_server_stop_accepting (SluiceServer     *self);
void         _sluice_server_refuse_now    (SluiceServer      *self,
                                           SoupServerMessage *msg);
void         _sluice_server_arm_header_deadline (SluiceServer      *self,
                                                 SoupServerMessage *msg);
void         _sluice_server_disarm_header_deadline (SoupServerMessage *msg);
void         _sluice_drain_waiter_free    (gpointer           data);
void         _sluice_server_call_ended    (SluiceServer      *self);
void         _sluice_server_count_response (SluiceServer     *self,
                                            SluiceResponse   *response);
gboolean     _sluice_server_authenticate  (SluiceServer      *self,
                                           SoupServerMessage *msg,
                                           SluiceConfig      *config,
                                           const char       **user,
                                           GError           **error);

/* sluice-server-input.c */
JsonNode    *_sluice_read_json_body       (SoupServerMessage *msg,
                                           GError           **error);
gboolean     _sluice_check_request_headers (SoupServerMessage *msg,
                                            GError           **error);
gboolean     _sluice_fail_field           (GError           **error,
                                           const char        *path,
                                           const char        *format,
                                           ...) G_GNUC_PRINTF (3, 4);
char        *_sluice_fault_param          (const GError      *error);
gboolean     _sluice_json_string          (JsonObject        *object,
                                           const char        *prefix,
                                           const char        *member,
                                           gboolean           required,
                                           const char       **out,
                                           GError           **error);
gboolean     _sluice_json_int             (JsonObject        *object,
                                           const char        *prefix,
                                           const char        *member,
                                           gint64             min,
                                           gint64             max,
                                           gint64            *out,
                                           GError           **error);
gboolean     _sluice_json_double          (JsonObject        *object,
                                           const char        *prefix,
                                           const char        *member,
                                           double             min,
                                           double             max,
                                           double            *out,
                                           GError           **error);
gboolean     _sluice_json_bool            (JsonObject        *object,
                                           const char        *prefix,
                                           const char        *member,
                                           gboolean          *out,
                                           GError           **error);
gboolean     _sluice_json_array           (JsonObject        *object,
                                           const char        *prefix,
                                           const char        *member,
                                           gboolean           required,
                                           JsonArray        **out,
                                           GError           **error);
gboolean     _sluice_json_object          (JsonObject        *object,
                                           const char        *prefix,
                                           const char        *member,
                                           JsonObject       **out,
                                           GError           **error);
JsonObject  *_sluice_json_element_object  (JsonArray         *array,
                                           guint              index,
                                           const char        *path,
                                           GError           **error);
char        *_sluice_json_text            (JsonNode          *content,
                                           const char        *path,
                                           GError           **error);
void         _sluice_apply_hints          (SluiceServer      *self,
                                           SoupServerMessage *msg,
                                           SluiceRequest     *request,
                                           const char        *key_user,
                                           const char        *body_user);

/* sluice-server-call.c */
SluiceServerCall *_sluice_server_call_new   (SluiceServer                *server,
                                             SoupServerMessage           *msg,
                                             const SluiceServerCallClass *klass,
                                             SluiceRequest               *request);
SluiceServerCall *_sluice_server_call_ref   (SluiceServerCall            *call);
void              _sluice_server_call_unref (SluiceServerCall            *call);
void              _sluice_server_call_run   (SluiceServerCall            *call);
void              _sluice_server_call_write (SluiceServerCall            *call,
                                             const char                  *event,
                                             JsonNode                    *data);
void              _sluice_server_call_write_raw (SluiceServerCall        *call,
                                                 const char              *text);
void              _sluice_set_response_headers (SoupServerMessage        *msg,
                                                SluiceResponse           *response);
char             *_sluice_json_to_string   (JsonNode                    *node);
char             *_sluice_server_format_double (double                  value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceServerCall, _sluice_server_call_unref)

/* The route handlers. @user is the user a virtual key identified, or
 * %NULL; @rest is what follows the route's path (e.g. a model id). */
typedef void (*SluiceRouteFunc) (SluiceServer      *self,
                                 SoupServerMessage *msg,
                                 const char        *user,
                                 const char        *rest);

/* sluice-server-openai.c */
void _sluice_server_handle_chat       (SluiceServer      *self,
                                       SoupServerMessage *msg,
                                       const char        *user,
                                       const char        *rest);
void _sluice_server_handle_models     (SluiceServer      *self,
                                       SoupServerMessage *msg,
                                       const char        *user,
                                       const char        *rest);
void _sluice_server_handle_embeddings (SluiceServer      *self,
                                       SoupServerMessage *msg,
                                       const char        *user,
                                       const char        *rest);

/* sluice-server-anthropic.c */
void _sluice_server_handle_messages   (SluiceServer      *self,
                                       SoupServerMessage *msg,
                                       const char        *user,
                                       const char        *rest);

/* sluice-server-metrics.c */
void _sluice_server_handle_metrics    (SluiceServer      *self,
                                       SoupServerMessage *msg,
                                       const char        *user,
                                       const char        *rest);
void _sluice_server_handle_healthz    (SluiceServer      *self,
                                       SoupServerMessage *msg,
                                       const char        *user,
                                       const char        *rest);
void _sluice_server_handle_readyz     (SluiceServer      *self,
                                       SoupServerMessage *msg,
                                       const char        *user,
                                       const char        *rest);
void _sluice_server_handle_jobs       (SluiceServer      *self,
                                       SoupServerMessage *msg,
                                       const char        *user,
                                       const char        *rest);

void _sluice_server_add_int          (JsonBuilder       *builder,
                                     const char        *name,
                                     gint64             value);
void _sluice_server_add_string       (JsonBuilder       *builder,
                                     const char        *name,
                                     const char        *value);

G_END_DECLS
