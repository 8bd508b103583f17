/* cgi: every TCP client is answered by a child process whose standard
 * output is the client's socket.
 *
 *   cgi [PORT]           the server (prints "listening on 127.0.0.1:PORT")
 *   cgi --tick N         the child: writes "tick 1" ... "tick N", 10 ms apart
 *
 * For each connection the server spawns a copy of itself in --tick mode
 * with stdio[1] = UV_INHERIT_STREAM of the accepted uv_tcp_t: the child
 * writes straight into the socket and the server never copies a byte.
 * When the child exits the server closes its own reference to the
 * connection, and the client sees the end of the stream.  The child opens
 * its standard output with stdio_open (common.c), so the same program
 * also ticks to a terminal or a pipe.  SIGINT or SIGTERM stops the server.
 */
#include "common.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TICKS 5

/* ---- the child ---------------------------------------------------------- */

static stdio_t out;
static uv_timer_t ticker;
static int ticks_left, tick_no;
static int child_status;

static void on_tick_written(uv_write_t* req, int err) {
  free(req);
  if (err != 0) {
    report(err, "writing a tick");
    child_status = 1;
    check(uv_timer_stop(&ticker), "uv_timer_stop");
  }
  if (!uv_is_active((uv_handle_t*) &ticker)) {
    uv_close((uv_handle_t*) &ticker, NULL);
    if (out.stream != NULL)
      uv_close((uv_handle_t*) out.stream, NULL);
  }
}

static void on_tick(uv_timer_t* timer) {
  struct { uv_write_t req; char text[32]; }* w = malloc(sizeof(*w));
  uv_buf_t buf;

  if (w == NULL)
    check(UV_ENOMEM, "malloc");
  buf = uv_buf_init(w->text, (unsigned) snprintf(w->text, sizeof(w->text),
                                                 "tick %d\n", ++tick_no));
  if (--ticks_left == 0)
    check(uv_timer_stop(timer), "uv_timer_stop");
  if (out.stream != NULL) {
    check(uv_write(&w->req, out.stream, &buf, 1, on_tick_written), "uv_write");
  } else {
    uv_fs_t req;  /* a file: a plain synchronous write is enough */
    int r = uv_fs_write(timer->loop, &req, out.fd, &buf, 1, -1, NULL);
    uv_fs_req_cleanup(&req);
    on_tick_written(&w->req, r < 0 ? r : 0);
  }
}

static int child_main(int ticks) {
  uv_loop_t* loop = uv_default_loop();

  ticks_left = ticks;
  check(stdio_open(loop, &out, 1), "opening standard output");
  check(uv_timer_init(loop, &ticker), "uv_timer_init");
  check(uv_timer_start(&ticker, on_tick, 10, 10), "uv_timer_start");
  check(uv_run(loop, UV_RUN_DEFAULT), "uv_run");
  check(uv_loop_close(loop), "uv_loop_close");
  return child_status;
}

/* ---- the server --------------------------------------------------------- */

typedef struct {
  uv_process_t process;
  uv_tcp_t client;
  int open_handles;  /* freed when both close callbacks have run */
} cgi_t;

static uv_loop_t* loop;
static uv_tcp_t server;
static uv_signal_t sigint, sigterm;
static char exe[4096];
static int running_children;

static void on_cgi_closed(uv_handle_t* handle) {
  cgi_t* c = handle->data;
  if (--c->open_handles == 0)
    free(c);
}

/* The process handle is closed even after a failed spawn: it was
 * initialised all the same. */
static void close_cgi(cgi_t* c) {
  c->open_handles = 2;
  uv_close((uv_handle_t*) &c->process, on_cgi_closed);
  uv_close((uv_handle_t*) &c->client, on_cgi_closed);
}

static void on_child_exit(uv_process_t* proc, int64_t exit_status,
                          int term_signal) {
  cgi_t* c = proc->data;

  printf("child %d exited with status %lld, signal %d\n",
         uv_process_get_pid(proc), (long long) exit_status, term_signal);
  fflush(stdout);
  running_children--;
  close_cgi(c);
}

static void on_connection(uv_stream_t* listener, int status) {
  uv_process_options_t options;
  uv_stdio_container_t stdio[3];
  char ticks[16];
  char* args[4];
  cgi_t* c;
  int r;

  if (status != 0) {
    report(status, "a new connection");
    return;
  }
  c = calloc(1, sizeof(*c));
  if (c == NULL) {
    report(UV_ENOMEM, "accepting");
    return;
  }
  c->process.data = c;
  c->client.data = c;
  check(uv_tcp_init(loop, &c->client), "uv_tcp_init");
  r = uv_accept(listener, (uv_stream_t*) &c->client);
  if (r != 0) {
    report(r, "uv_accept");
    c->open_handles = 1;
    uv_close((uv_handle_t*) &c->client, on_cgi_closed);
    return;
  }
  snprintf(ticks, sizeof(ticks), "%d", TICKS);
  args[0] = exe;
  args[1] = "--tick";
  args[2] = ticks;
  args[3] = NULL;
  memset(&options, 0, sizeof(options));
  memset(stdio, 0, sizeof(stdio));
  stdio[0].flags = UV_IGNORE;
  stdio[1].flags = UV_INHERIT_STREAM;
  stdio[1].data.stream = (uv_stream_t*) &c->client;
  stdio[2].flags = UV_INHERIT_FD;
  stdio[2].data.fd = 2;
  options.file = exe;
  options.args = args;
  options.stdio = stdio;
  options.stdio_count = 3;
  options.exit_cb = on_child_exit;
  r = uv_spawn(loop, &c->process, &options);
  c->process.data = c;  /* the handle is initialised, even on failure */
  if (r != 0) {
    report(r, "uv_spawn");
    close_cgi(c);
    return;
  }
  running_children++;
  printf("client served by child %d\n", uv_process_get_pid(&c->process));
  fflush(stdout);
}

static void on_signal(uv_signal_t* handle, int signum) {
  (void) handle;
  printf("signal %d: closing (%d children still running)\n", signum,
         running_children);
  uv_close((uv_handle_t*) &server, NULL);
  uv_close((uv_handle_t*) &sigint, NULL);
  uv_close((uv_handle_t*) &sigterm, NULL);
  /* Children still running finish their ticks; the loop waits for them. */
}

int main(int argc, char** argv) {
  struct sockaddr_in addr;
  struct sockaddr_storage name;
  int namelen = sizeof(name);
  size_t exe_len = sizeof(exe);

  set_program_name(argv[0]);
  if (argc == 3 && strcmp(argv[1], "--tick") == 0)
    return child_main(atoi(argv[2]) > 0 ? atoi(argv[2]) : 1);

  signal(SIGPIPE, SIG_IGN);
  loop = uv_default_loop();
  check(uv_exepath(exe, &exe_len), "uv_exepath");
  check(uv_signal_init(loop, &sigint), "uv_signal_init");
  check(uv_signal_start(&sigint, on_signal, SIGINT), "uv_signal_start");
  check(uv_signal_init(loop, &sigterm), "uv_signal_init");
  check(uv_signal_start(&sigterm, on_signal, SIGTERM), "uv_signal_start");
  check(uv_tcp_init(loop, &server), "uv_tcp_init");
  check(uv_ip4_addr("127.0.0.1", argc > 1 ? atoi(argv[1]) : 0, &addr),
        "uv_ip4_addr");
  check(uv_tcp_bind(&server, (const struct sockaddr*) &addr, 0), "uv_tcp_bind");
  check(uv_listen((uv_stream_t*) &server, 128, on_connection), "uv_listen");
  check(uv_tcp_getsockname(&server, (struct sockaddr*) &name, &namelen),
        "uv_tcp_getsockname");
  printf("listening on 127.0.0.1:%d\n",
         ntohs(((struct sockaddr_in*) &name)->sin_port));
  fflush(stdout);
  check(uv_run(loop, UV_RUN_DEFAULT), "uv_run");
  check(uv_loop_close(loop), "uv_loop_close");
  return 0;
}
