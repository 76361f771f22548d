/* bench-fixed-rate.c — open-loop load at a fixed rate, latency per request
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <glib.h>

/* Sends POST requests at a fixed rate (an open loop, like wrk2) over a
 * pool of keep-alive connections, and measures each one from the moment
 * it was due, not from when it was sent, so a stall shows in the figures
 * instead of slowing the load (no coordinated omission). Prints one line:
 * BENCH_FIXED rate=… sent=… ok=… errors=… p50_us=… p90_us=… p99_us=… max_us=…
 * and, when the answers carry x-sluice-overhead-us (sluiced's own account
 * of its time, the provider call excluded), self_p50_us=… self_p99_us=…
 *
 *   bench-fixed-rate PORT PATH BODY_FILE RATE SECONDS [HEADER]...
 *
 * With BENCH_FIXED_DUMP=FILE, each request's due time (µs from the start)
 * and latency go to FILE, one pair a line, to see when the slow ones were. */

#define N_CONNS 32

typedef struct
{
  int      fd;
  gboolean busy;
  gint64   due_us;
  GString *in;
} Conn;

static int
connect_to (int port)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (port) };
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  int one = 1;

  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (fd < 0 || connect (fd, (struct sockaddr *) &addr, sizeof addr) != 0)
    {
      perror ("connect");
      exit (1);
    }
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

/* A whole response is in: headers, then Content-Length bytes (our
 * targets answer non-streamed requests with a length). */
static gssize
response_length (GString *in,
                 guint    *status)
{
  const char *end = strstr (in->str, "\r\n\r\n");
  const char *cl;
  gsize head;

  if (end == NULL)
    return -1;
  head = end - in->str + 4;
  *status = (guint) atoi (in->str + 9);
  cl = g_strstr_len (in->str, head, "ontent-Length:");
  if (cl == NULL)
    cl = g_strstr_len (in->str, head, "ontent-length:");
  if (cl == NULL)
    return -1;
  return (gssize) (head + g_ascii_strtoull (cl + 14, NULL, 10));
}

/* sluiced's x-sluice-overhead-us, or -1. */
static gint64
overhead_us (GString *in)
{
  const char *end = strstr (in->str, "\r\n\r\n");
  const char *value = g_strstr_len (in->str, end - in->str, "\r\nx-sluice-overhead-us:");

  return value != NULL ? g_ascii_strtoll (value + 23, NULL, 10) : -1;
}

static int
compare (gconstpointer a,
         gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *body = NULL;
  g_autoptr(GString) request = g_string_new (NULL);
  g_autoptr(GArray) latencies = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) own = g_array_new (FALSE, FALSE, sizeof (gint64));
  FILE *dump = g_getenv ("BENCH_FIXED_DUMP") != NULL ? fopen (g_getenv ("BENCH_FIXED_DUMP"), "w") : NULL;
  Conn conns[N_CONNS];
  struct pollfd fds[N_CONNS];
  gint64 start, next_due, interval_us, end;
  guint sent = 0, ok = 0, errors = 0, late = 0;
  gsize body_len = 0;
  double rate;
  int port;

  if (argc < 6 || !g_file_get_contents (argv[3], &body, &body_len, NULL))
    {
      fprintf (stderr, "usage: %s PORT PATH BODY_FILE RATE SECONDS [HEADER]...\n", argv[0]);
      return 2;
    }
  port = atoi (argv[1]);
  rate = g_ascii_strtod (argv[4], NULL);
  interval_us = (gint64) (1e6 / rate);
  g_string_append_printf (request, "POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                          "Content-Type: application/json\r\nContent-Length: %zu\r\n",
                          argv[2], port, body_len);
  for (int i = 6; i < argc; i++)
    g_string_append_printf (request, "%s\r\n", argv[i]);
  g_string_append (request, "\r\n");
  g_string_append_len (request, body, body_len);

  for (int i = 0; i < N_CONNS; i++)
    {
      conns[i] = (Conn) { .fd = connect_to (port), .in = g_string_new (NULL) };
      fds[i] = (struct pollfd) { .fd = conns[i].fd, .events = POLLIN };
    }

  start = g_get_monotonic_time ();
  next_due = start;
  end = start + (gint64) (g_ascii_strtod (argv[5], NULL) * G_USEC_PER_SEC);
  while (TRUE)
    {
      gint64 now = g_get_monotonic_time ();
      gboolean any_busy = FALSE;
      struct timespec timeout;
      gint64 wait_us;

      /* Send everything that is due, each on an idle connection. */
      while (now >= next_due && next_due < end)
        {
          int i;

          for (i = 0; i < N_CONNS && conns[i].busy; i++)
            ;
          if (i == N_CONNS)
            {
              late++;        /* every connection busy: the target is saturated */
              break;
            }
          if (write (conns[i].fd, request->str, request->len) != (gssize) request->len)
            {
              errors++;
              break;
            }
          conns[i].busy = TRUE;
          conns[i].due_us = next_due;
          g_string_truncate (conns[i].in, 0);
          next_due += interval_us;
          sent++;
        }
      for (int i = 0; i < N_CONNS; i++)
        any_busy |= conns[i].busy;
      if (next_due >= end && !any_busy)
        break;

      wait_us = next_due < end ? MAX (0, next_due - now) : G_USEC_PER_SEC;
      timeout.tv_sec = wait_us / G_USEC_PER_SEC;
      timeout.tv_nsec = (wait_us % G_USEC_PER_SEC) * 1000;
      if (ppoll (fds, N_CONNS, &timeout, NULL) < 0 && errno != EINTR)
        break;
      for (int i = 0; i < N_CONNS; i++)
        {
          char buffer[16384];
          gssize n, want;
          guint status = 0;

          if (!(fds[i].revents & POLLIN))
            continue;
          n = read (conns[i].fd, buffer, sizeof buffer);
          if (n <= 0)
            {
              fprintf (stderr, "connection %d closed\n", i);
              return 1;
            }
          g_string_append_len (conns[i].in, buffer, n);
          want = response_length (conns[i].in, &status);
          if (want >= 0 && (gssize) conns[i].in->len >= want)
            {
              gint64 latency = g_get_monotonic_time () - conns[i].due_us;
              gint64 self_us = overhead_us (conns[i].in);

              g_array_append_val (latencies, latency);
              if (dump != NULL)
                fprintf (dump, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n",
                         conns[i].due_us - start, latency);
              if (self_us >= 0)
                g_array_append_val (own, self_us);
              if (status == 200)
                ok++;
              else
                errors++;
              conns[i].busy = FALSE;
            }
        }
    }

  if (dump != NULL)
    fclose (dump);
  g_array_sort (latencies, compare);
  g_array_sort (own, compare);
#define PCT(a, p) ((a)->len > 0 \
  ? g_array_index ((a), gint64, MIN ((a)->len - 1, (guint) ((a)->len * (p)))) : 0)
  printf ("BENCH_FIXED rate=%.0f sent=%u ok=%u errors=%u late=%u p50_us=%" G_GINT64_FORMAT
          " p90_us=%" G_GINT64_FORMAT " p99_us=%" G_GINT64_FORMAT " max_us=%" G_GINT64_FORMAT,
          rate, sent, ok, errors, late, PCT (latencies, 0.50), PCT (latencies, 0.90),
          PCT (latencies, 0.99), PCT (latencies, 1.0));
  if (own->len > 0)
    printf (" self_p50_us=%" G_GINT64_FORMAT " self_p99_us=%" G_GINT64_FORMAT,
            PCT (own, 0.50), PCT (own, 0.99));
  printf ("\n");
  return 0;
}
