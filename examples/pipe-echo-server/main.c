/* pipe-echo-server: the echo server on a Unix domain socket.
 *
 *   pipe-echo-server PATH
 *
 * The same server as tcp-echo-server with uv_pipe_t in place of uv_tcp_t:
 * streams are streams, so reading, writing, uv_shutdown and uv_close do
 * not change.  It prints "listening on PATH".  A socket file left behind
 * by an earlier run makes uv_pipe_bind fail with EADDRINUSE (reported,
 * not removed: it may belong to a live server).  On SIGINT or SIGTERM the
 * server closes everything; closing the bound handle removes the socket's
 * name from the file system, as in libuv.  (A server killed outright
 * leaves the name behind.)
 */
#include "common.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  uv_write_t req;
  uv_buf_t buf;
} echo_t;

static uv_loop_t* loop;
static uv_pipe_t server;
static uv_signal_t sigint, sigterm;
static unsigned long served;

static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf) {
  (void) handle;
  buf->base = malloc(suggested);
  buf->len = buf->base != NULL ? suggested : 0;
}

static void on_client_closed(uv_handle_t* handle) {
  free(handle);
}

static void on_echoed(uv_write_t* req, int err) {
  echo_t* e = (echo_t*) req;

  if (err != 0 && err != UV_ECANCELED)
    report(err, "writing an echo");
  free(e->buf.base);
  free(e);
}

static void on_shutdown(uv_shutdown_t* req, int err) {
  if (err != 0 && err != UV_ECANCELED)
    report(err, "uv_shutdown");
  if (!uv_is_closing((uv_handle_t*) req->handle))
    uv_close((uv_handle_t*) req->handle, on_client_closed);
  free(req);
}

static void on_read(uv_stream_t* client, ssize_t n, const uv_buf_t* buf) {
  if (n > 0) {
    echo_t* e = malloc(sizeof(*e));
    int r;
    if (e == NULL) {
      free(buf->base);
      report(UV_ENOMEM, "echo");
      uv_close((uv_handle_t*) client, on_client_closed);
      return;
    }
    e->buf = uv_buf_init(buf->base, (unsigned) n);
    r = uv_write(&e->req, client, &e->buf, 1, on_echoed);
    if (r != 0) {
      report(r, "uv_write");
      free(buf->base);
      free(e);
      uv_close((uv_handle_t*) client, on_client_closed);
    }
    return;
  }
  free(buf->base);
  if (n == 0)
    return;
  if (n == UV_EOF) {
    uv_shutdown_t* req = malloc(sizeof(*req));
    if (req != NULL && uv_shutdown(req, client, on_shutdown) == 0)
      return;
    free(req);
  } else {
    report((int) n, "reading from a client");
  }
  uv_close((uv_handle_t*) client, on_client_closed);
}

static void on_connection(uv_stream_t* listener, int status) {
  uv_pipe_t* client;
  int r;

  if (status != 0) {
    report(status, "a new connection");
    return;
  }
  client = malloc(sizeof(*client));
  if (client == NULL) {
    report(UV_ENOMEM, "accepting");
    return;
  }
  check(uv_pipe_init(loop, client, 0), "uv_pipe_init");
  r = uv_accept(listener, (uv_stream_t*) client);
  if (r == 0)
    r = uv_read_start((uv_stream_t*) client, on_alloc, on_read);
  if (r != 0) {
    report(r, "accepting");
    uv_close((uv_handle_t*) client, on_client_closed);
    return;
  }
  served++;
}

static void close_any(uv_handle_t* handle, void* arg) {
  (void) arg;
  if (uv_is_closing(handle))
    return;
  /* Clients were malloc'ed; the listener and signals are static. */
  if (handle->type == UV_NAMED_PIPE && handle != (uv_handle_t*) &server)
    uv_close(handle, on_client_closed);
  else
    uv_close(handle, NULL);
}

static void on_signal(uv_signal_t* handle, int signum) {
  (void) handle;
  printf("signal %d: closing\n", signum);
  uv_walk(loop, close_any, NULL);
}

int main(int argc, char** argv) {
  set_program_name(argv[0]);
  if (argc != 2) {
    fprintf(stderr, "usage: pipe-echo-server PATH\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  loop = uv_default_loop();
  check(uv_signal_init(loop, &sigint), "uv_signal_init");
  check(uv_signal_start(&sigint, on_signal, SIGINT), "uv_signal_start");
  check(uv_signal_init(loop, &sigterm), "uv_signal_init");
  check(uv_signal_start(&sigterm, on_signal, SIGTERM), "uv_signal_start");

  check(uv_pipe_init(loop, &server, 0), "uv_pipe_init");
  check(uv_pipe_bind(&server, argv[1]), argv[1]);
  check(uv_listen((uv_stream_t*) &server, 128, on_connection), "uv_listen");
  printf("listening on %s\n", argv[1]);
  fflush(stdout);

  check(uv_run(loop, UV_RUN_DEFAULT), "uv_run");
  check(uv_loop_close(loop), "uv_loop_close");
  printf("served %lu connections\n", served);
  return 0;
}
