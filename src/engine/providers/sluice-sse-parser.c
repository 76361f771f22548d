/* sluice-sse-parser.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-providers"

#include "config.h"

#include <string.h>

#include "sluice-sse-parser.h"

struct _SluiceSseParser
{
  SluiceSseEventFunc  func;
  gpointer            user_data;

  GString            *line;
  GString            *data;
  GString            *event;
  char               *last_id;
  gint64              retry_ms;
  guint               n_events;

  guint               cr_pending : 1;  /* a CR ended the last line */
  guint               first_line : 1;  /* a BOM may still come */
  guint               has_data : 1;    /* a data field was seen */
  guint               stopped : 1;
};

SluiceSseParser *
sluice_sse_parser_new (SluiceSseEventFunc func,
                       gpointer           user_data)
{
  SluiceSseParser *self;

  g_return_val_if_fail (func != NULL, NULL);

  self = g_new0 (SluiceSseParser, 1);
  self->func = func;
  self->user_data = user_data;
  self->line = g_string_new (NULL);
  self->data = g_string_new (NULL);
  self->event = g_string_new (NULL);
  self->last_id = g_strdup ("");
  self->retry_ms = -1;
  self->first_line = TRUE;

  return self;
}

void
sluice_sse_parser_free (SluiceSseParser *self)
{
  if (self == NULL)
    return;

  g_string_free (self->line, TRUE);
  g_string_free (self->data, TRUE);
  g_string_free (self->event, TRUE);
  g_free (self->last_id);
  g_free (self);
}

static void
reset_event (SluiceSseParser *self)
{
  g_string_truncate (self->data, 0);
  g_string_truncate (self->event, 0);
  self->has_data = FALSE;
}

/* A blank line: dispatch what was gathered, if any data was. */
static void
dispatch (SluiceSseParser *self)
{
  SluiceSseEvent event;

  if (!self->has_data)
    {
      reset_event (self);
      return;
    }

  /* The data buffer ends in the "\n" its last line added. */
  if (self->data->len > 0 && self->data->str[self->data->len - 1] == '\n')
    g_string_truncate (self->data, self->data->len - 1);

  event.event = self->event->len > 0 ? self->event->str : "message";
  event.data = self->data->str;
  event.id = self->last_id;
  event.retry_ms = self->retry_ms;

  self->n_events++;
  if (!self->func (&event, self->user_data))
    self->stopped = TRUE;

  reset_event (self);
}

static gboolean
all_digits (const char *str)
{
  if (*str == '\0')
    return FALSE;

  for (; *str != '\0'; str++)
    {
      if (!g_ascii_isdigit (*str))
        return FALSE;
    }

  return TRUE;
}

static void
process_field (SluiceSseParser *self,
               const char      *name,
               const char      *value)
{
  if (strcmp (name, "data") == 0)
    {
      g_string_append (self->data, value);
      g_string_append_c (self->data, '\n');
      self->has_data = TRUE;
    }
  else if (strcmp (name, "event") == 0)
    {
      g_string_assign (self->event, value);
    }
  else if (strcmp (name, "id") == 0)
    {
      g_free (self->last_id);
      self->last_id = g_strdup (value);
    }
  else if (strcmp (name, "retry") == 0)
    {
      if (all_digits (value))
        self->retry_ms = g_ascii_strtoll (value, NULL, 10);
    }
  /* Any other field name is ignored, as the format says. */
}

static void
process_line (SluiceSseParser *self)
{
  char *line = self->line->str;
  char *colon;
  const char *value = "";

  /* A UTF-8 byte order mark may open the stream. */
  if (self->first_line)
    {
      self->first_line = FALSE;
      if (g_str_has_prefix (line, "\xEF\xBB\xBF"))
        line += 3;
    }

  if (*line == '\0')
    {
      dispatch (self);
      return;
    }

  if (*line == ':')
    return;

  colon = strchr (line, ':');
  if (colon != NULL)
    {
      *colon = '\0';
      value = colon + 1;
      if (*value == ' ')
        value++;
    }

  process_field (self, line, value);
}

static void
end_line (SluiceSseParser *self)
{
  process_line (self);
  g_string_truncate (self->line, 0);
}

/**
 * sluice_sse_parser_feed:
 * @self: a parser
 * @data: (array length=len): bytes of the stream
 * @len: the number of bytes
 *
 * Parses @data, calling the event function for each complete event.
 *
 * Returns: %FALSE once the event function asked to stop
 */
gboolean
sluice_sse_parser_feed (SluiceSseParser *self,
                        const char      *data,
                        gsize            len)
{
  const char *end = data + len;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  while (data < end && !self->stopped)
    {
      const char *run = data;

      if (self->cr_pending && *data == '\n')
        {
          /* The LF of a CRLF split across two calls, or just after. */
          self->cr_pending = FALSE;
          data++;
          continue;
        }
      self->cr_pending = FALSE;

      while (data < end && *data != '\r' && *data != '\n')
        data++;
      g_string_append_len (self->line, run, data - run);

      if (data == end)
        break;

      self->cr_pending = (*data == '\r');
      data++;
      end_line (self);
    }

  return !self->stopped;
}

/**
 * sluice_sse_parser_finish:
 * @self: a parser
 *
 * Ends the stream. Unlike the letter of the format, a last event that is
 * missing its closing blank line is still dispatched: several servers end
 * their streams that way.
 *
 * Returns: %FALSE if the event function asked to stop
 */
gboolean
sluice_sse_parser_finish (SluiceSseParser *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->stopped)
    return FALSE;

  if (self->line->len > 0)
    end_line (self);
  if (!self->stopped)
    dispatch (self);

  return !self->stopped;
}

guint
sluice_sse_parser_get_n_events (SluiceSseParser *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_events;
}
