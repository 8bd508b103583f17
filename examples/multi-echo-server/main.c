/* multi-echo-server: one listening process, one echoing worker per CPU.
 *
 *   multi-echo-server [-w WORKERS] [PORT]
 *
 * The master listens on 127.0.0.1 (printing "listening on
 * 127.0.0.1:PORT") and starts uv_available_parallelism() workers (or
 * WORKERS), each a copy of this program run with --worker whose standard
 * input is an IPC pipe (UV_CREATE_PIPE on a uv_pipe_t initialised with
 * ipc = 1).  Each accepted connection is sent to the next worker in turn
 * with uv_write2, and the master closes its copy once that write is done
 * (the descriptor is read from the handle when the write goes out).  A
 * worker takes connections from its pipe with uv_accept when
 * uv_pipe_pending_count says one came, prints "worker PID: accepted a
 * connection" and echoes like tcp-echo-server.
 *
 * SIGINT or SIGTERM: the master stops listening and closes the pipes; a
 * worker takes the end of its pipe as the order to finish, serves its
 * last clients and exits; the master exits 0 when every worker did.
 */
#include "common.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORKERS 64

static uv_loop_t* loop;
static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf) {
  (void) handle;
  buf->base = malloc(suggested);
  buf->len = buf->base != NULL ? suggested : 0;
}

/* ---- worker: echo the connections the master hands over ---------------- */

typedef struct {
  uv_write_t req;
  uv_buf_t buf;
} echo_t;

static uv_pipe_t master_pipe;
static int my_pid;

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
  uv_close((uv_handle_t*) req->handle, on_client_closed);
  free(req);
}

static void on_client_read(uv_stream_t* client, ssize_t n, const uv_buf_t* buf) {
  echo_t* e;
  uv_shutdown_t* sreq;

  if (n > 0 && (e = malloc(sizeof(*e))) != NULL) {
    e->buf = uv_buf_init(buf->base, (unsigned) n);
    if (uv_write(&e->req, client, &e->buf, 1, on_echoed) == 0)
      return;
    free(e);
  }
  free(buf->base);
  if (n == 0)
    return;
  if (n == UV_EOF && (sreq = malloc(sizeof(*sreq))) != NULL) {
    if (uv_shutdown(sreq, client, on_shutdown) == 0)
      return;
    free(sreq);
  }
  if (n < 0 && n != UV_EOF)
    report((int) n, "reading from a client");
  uv_close((uv_handle_t*) client, on_client_closed);
}

static void on_master_read(uv_stream_t* pipe, ssize_t n, const uv_buf_t* buf) {
  uv_pipe_t* p = (uv_pipe_t*) pipe;

  free(buf->base);  /* the byte that carried the handle: no meaning */
  while (uv_pipe_pending_count(p) > 0) {
    uv_handle_type type = uv_pipe_pending_type(p);
    uv_tcp_t* client = malloc(sizeof(*client));
    int r;
    if (client == NULL)
      check(UV_ENOMEM, "malloc");
    if (type != UV_TCP) {
      fprintf(stderr, "worker %d: unexpected handle type %d\n", my_pid, type);
      exit(1);
    }
    check(uv_tcp_init(loop, client), "uv_tcp_init");
    r = uv_accept(pipe, (uv_stream_t*) client);
    if (r == 0)
      r = uv_read_start((uv_stream_t*) client, on_alloc, on_client_read);
    if (r != 0) {
      report(r, "worker: taking a connection");
      uv_close((uv_handle_t*) client, on_client_closed);
      continue;
    }
    printf("worker %d: accepted a connection\n", my_pid);
    fflush(stdout);
  }
  if (n < 0) {
    if (n != UV_EOF)
      report((int) n, "worker: reading the master's pipe");
    uv_close((uv_handle_t*) pipe, NULL);  /* the master is done with us */
  }
}

static int worker_main(void) {
  /* Ctrl-C in a terminal signals the whole process group: workers leave
   * stopping to the master, which closes their pipes. */
  signal(SIGINT, SIG_IGN);
  my_pid = uv_os_getpid();
  check(uv_pipe_init(loop, &master_pipe, 1), "uv_pipe_init");
  check(uv_pipe_open(&master_pipe, 0), "uv_pipe_open");
  check(uv_read_start((uv_stream_t*) &master_pipe, on_alloc, on_master_read),
        "uv_read_start");
  check(uv_run(loop, UV_RUN_DEFAULT), "uv_run");
  check(uv_loop_close(loop), "uv_loop_close");
  return 0;
}

/* ---- master: accept and hand out ---------------------------------------- */

typedef struct {
  uv_process_t process;
  uv_pipe_t pipe;
} worker_t;

typedef struct {
  uv_write_t req;
  uv_tcp_t* conn;
} handoff_t;

static worker_t workers[MAX_WORKERS];
static int nworkers, next_worker, workers_running, bad_exits;
static uv_tcp_t server;
static uv_signal_t sigint, sigterm;

static void on_worker_exit(uv_process_t* proc, int64_t exit_status,
                           int term_signal) {
  printf("worker %d exited with status %lld, signal %d\n",
         uv_process_get_pid(proc), (long long) exit_status, term_signal);
  if (exit_status != 0 || term_signal != 0)
    bad_exits++;
  workers_running--;
  uv_close((uv_handle_t*) proc, NULL);
}

static void on_handed_off(uv_write_t* req, int err) {
  handoff_t* h = (handoff_t*) req;
  if (err != 0)
    report(err, "handing a connection to a worker");
  uv_close((uv_handle_t*) h->conn, on_client_closed);
  free(h);
}

static void on_connection(uv_stream_t* listener, int status) {
  static char byte[1] = { 'c' };
  uv_buf_t buf = uv_buf_init(byte, 1);
  handoff_t* h;
  worker_t* w;
  int r;

  if (status != 0) {
    report(status, "a new connection");
    return;
  }
  h = malloc(sizeof(*h));
  if (h == NULL || (h->conn = malloc(sizeof(*h->conn))) == NULL)
    check(UV_ENOMEM, "malloc");
  check(uv_tcp_init(loop, h->conn), "uv_tcp_init");
  r = uv_accept(listener, (uv_stream_t*) h->conn);
  if (r != 0) {
    report(r, "uv_accept");
    uv_close((uv_handle_t*) h->conn, on_client_closed);
    free(h);
    return;
  }
  w = &workers[next_worker];
  next_worker = (next_worker + 1) % nworkers;
  r = uv_write2(&h->req, (uv_stream_t*) &w->pipe, &buf, 1,
                (uv_stream_t*) h->conn, on_handed_off);
  if (r != 0) {
    report(r, "uv_write2");
    uv_close((uv_handle_t*) h->conn, on_client_closed);
    free(h);
  }
}

static void start_worker(worker_t* w, const char* exe) {
  uv_process_options_t options;
  uv_stdio_container_t stdio[3];
  char* args[3];

  args[0] = (char*) exe;
  args[1] = "--worker";
  args[2] = NULL;
  check(uv_pipe_init(loop, &w->pipe, 1), "uv_pipe_init");
  memset(&options, 0, sizeof(options));
  memset(stdio, 0, sizeof(stdio));
  stdio[0].flags = UV_CREATE_PIPE | UV_READABLE_PIPE | UV_WRITABLE_PIPE;
  stdio[0].data.stream = (uv_stream_t*) &w->pipe;
  stdio[1].flags = UV_INHERIT_FD;
  stdio[1].data.fd = 1;
  stdio[2].flags = UV_INHERIT_FD;
  stdio[2].data.fd = 2;
  options.file = exe;
  options.args = args;
  options.stdio = stdio;
  options.stdio_count = 3;
  options.exit_cb = on_worker_exit;
  check(uv_spawn(loop, &w->process, &options), "starting a worker");
  workers_running++;
  printf("started worker %d\n", uv_process_get_pid(&w->process));
}

static void on_signal(uv_signal_t* handle, int signum) {
  int i;

  (void) handle;
  printf("signal %d: closing\n", signum);
  uv_close((uv_handle_t*) &server, NULL);
  uv_close((uv_handle_t*) &sigint, NULL);
  uv_close((uv_handle_t*) &sigterm, NULL);
  /* Queued hand-offs would be cancelled by closing their pipe; there are
   * none left when the listener is closed first and the hand-offs went
   * out, which is the normal case.  The workers see the end of input. */
  for (i = 0; i < nworkers; i++)
    uv_close((uv_handle_t*) &workers[i].pipe, NULL);
}

int main(int argc, char** argv) {
  struct sockaddr_in addr;
  struct sockaddr_storage name;
  int namelen = sizeof(name);
  char exe[4096];
  size_t exe_len = sizeof(exe);
  int i, port = 0;

  set_program_name(argv[0]);
  signal(SIGPIPE, SIG_IGN);
  loop = uv_default_loop();
  if (argc == 2 && strcmp(argv[1], "--worker") == 0)
    return worker_main();

  nworkers = (int) uv_available_parallelism();
  if (nworkers > MAX_WORKERS)
    nworkers = MAX_WORKERS;
  for (i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-w") == 0 && i + 1 < argc)
      nworkers = atoi(argv[++i]);
    else
      port = atoi(argv[i]);
  }
  if (nworkers < 1 || nworkers > MAX_WORKERS) {
    fprintf(stderr, "usage: multi-echo-server [-w 1..%d] [PORT]\n", MAX_WORKERS);
    return 2;
  }
  check(uv_exepath(exe, &exe_len), "uv_exepath");
  for (i = 0; i < nworkers; i++)
    start_worker(&workers[i], exe);

  check(uv_signal_init(loop, &sigint), "uv_signal_init");
  check(uv_signal_start(&sigint, on_signal, SIGINT), "uv_signal_start");
  check(uv_signal_init(loop, &sigterm), "uv_signal_init");
  check(uv_signal_start(&sigterm, on_signal, SIGTERM), "uv_signal_start");
  check(uv_tcp_init(loop, &server), "uv_tcp_init");
  check(uv_ip4_addr("127.0.0.1", port, &addr), "uv_ip4_addr");
  check(uv_tcp_bind(&server, (const struct sockaddr*) &addr, 0), "uv_tcp_bind");
  check(uv_listen((uv_stream_t*) &server, 128, on_connection), "uv_listen");
  check(uv_tcp_getsockname(&server, (struct sockaddr*) &name, &namelen),
        "uv_tcp_getsockname");
  printf("listening on 127.0.0.1:%d with %d workers\n",
         ntohs(((struct sockaddr_in*) &name)->sin_port), nworkers);
  fflush(stdout);

  check(uv_run(loop, UV_RUN_DEFAULT), "uv_run");
  check(uv_loop_close(loop), "uv_loop_close");
  printf("all workers done, %d failed\n", bad_exits);
  return bad_exits == 0 ? 0 : 1;
}
