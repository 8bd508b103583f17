/* uvcore demo: a multi-process echo server that checks itself.
 *
 * The master process listens on 127.0.0.1 (an ephemeral port), starts N
 * worker processes by re-executing its own binary with --worker, and hands
 * every connection it accepts to the next worker in turn over an IPC pipe
 * (uv_write2 with the TCP handle attached), then closes its own copy.  A
 * worker accepts the handle from the pipe and answers each line it receives
 * with "<its pid>: <the line>".  In the same loop, the master also plays
 * the client: it opens M connections, sends one line on each and checks the
 * echo, then prints which worker served how many.  Closing the IPC pipes is
 * the workers' signal to finish; the master waits for every one to exit
 * with status 0 and closes its loop.
 *
 *   uvcore-demo [--workers N] [--connections M]     (defaults 3 and 12)
 *
 * Exit status 0 only when every reply was right, every worker answered its
 * share and exited cleanly, and the loop closed with nothing left open;
 * anything else (an error, a wrong echo, a worker killed by a signal, no
 * progress within 10 seconds) prints why and exits 1.
 *
 * Traps: a handle sent with uv_write2 is read from when the write actually
 * goes out, so the master may close its copy only in the write callback;
 * a worker that dies turns the master's next write into EPIPE, which is a
 * failure to report, not a SIGPIPE to die of (so SIGPIPE is ignored); and
 * the IPC pipes are closed only after the last hand-off completed, since
 * closing a pipe cancels the writes still queued on it.
 */
#include <uv.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORKERS 16
#define MAX_CONNECTIONS 256
#define LINE_MAX_LEN 128
#define TIMEOUT_MS 10000

static void fail(const char* what, int err);

/* ---- worker --------------------------------------------------------------
 * Reads handles from its IPC pipe (stdio[0]) and serves each connection
 * until the peer closes it.  Returns when the master closes the pipe and
 * the last connection is gone, i.e. when the loop has nothing left. */

typedef struct {
  uv_tcp_t tcp;
  uv_write_t write_req;
  char in[LINE_MAX_LEN];
  size_t in_len;
  char out[LINE_MAX_LEN + 32];
  int writing;
} conn_t;

static uv_pid_t my_pid;
static unsigned served;

static void alloc_cb(uv_handle_t* handle, size_t suggested, uv_buf_t* buf) {
  static char slab[65536];

  (void) handle;
  (void) suggested;
  *buf = uv_buf_init(slab, sizeof(slab));
}

static void conn_close_cb(uv_handle_t* handle) {
  free(handle->data);
}

static void conn_write_cb(uv_write_t* req, int status) {
  conn_t* c = req->data;

  if (status != 0)
    fail("worker: writing a reply", status);
  c->writing = 0;
}

/* One request line per connection: the demo's client sends exactly one and
 * waits for the answer, so a second line before the first reply went out is
 * a protocol error, not something to queue. */
static void conn_read_cb(uv_stream_t* stream, ssize_t nread,
                         const uv_buf_t* buf) {
  conn_t* c = stream->data;
  const char* nl;
  uv_buf_t reply;
  size_t len;
  int n;
  int r;

  if (nread == UV_EOF) {
    uv_close((uv_handle_t*) stream, conn_close_cb);
    return;
  }
  if (nread < 0)
    fail("worker: reading a connection", (int) nread);
  if (c->in_len + (size_t) nread > sizeof(c->in))
    fail("worker: request line too long", UV_ENOBUFS);
  memcpy(c->in + c->in_len, buf->base, (size_t) nread);
  c->in_len += (size_t) nread;
  nl = memchr(c->in, '\n', c->in_len);
  if (nl == NULL)
    return;
  if (c->writing || (size_t) (nl - c->in) + 1 != c->in_len)
    fail("worker: more than one request line", UV_EPROTO);
  len = (size_t) (nl - c->in) + 1;
  n = snprintf(c->out, sizeof(c->out), "%d: %.*s", (int) my_pid, (int) len,
               c->in);
  if (n < 0 || (size_t) n >= sizeof(c->out))
    fail("worker: formatting a reply", UV_ENOBUFS);
  c->in_len = 0;
  c->writing = 1;
  reply = uv_buf_init(c->out, (unsigned) n);
  c->write_req.data = c;
  if ((r = uv_write(&c->write_req, stream, &reply, 1, conn_write_cb)) != 0)
    fail("worker: uv_write", r);
}

static void ipc_read_cb(uv_stream_t* stream, ssize_t nread,
                        const uv_buf_t* buf) {
  uv_pipe_t* ipc = (uv_pipe_t*) stream;
  conn_t* c;
  int r;

  (void) buf;
  if (nread == UV_EOF) {
    printf("worker %d: master closed the pipe after %u connections, "
           "exiting\n", (int) my_pid, served);
    uv_close((uv_handle_t*) stream, NULL);
    return;
  }
  if (nread < 0)
    fail("worker: reading the IPC pipe", (int) nread);
  /* The bytes carry nothing; what matters is the handles that came with
   * them. */
  while (uv_pipe_pending_count(ipc) > 0) {
    if (uv_pipe_pending_type(ipc) != UV_TCP)
      fail("worker: the master sent something other than a TCP handle",
           UV_EPROTO);
    if ((c = calloc(1, sizeof(*c))) == NULL)
      fail("worker: calloc", UV_ENOMEM);
    if ((r = uv_tcp_init(stream->loop, &c->tcp)) != 0)
      fail("worker: uv_tcp_init", r);
    c->tcp.data = c;
    if ((r = uv_accept(stream, (uv_stream_t*) &c->tcp)) != 0)
      fail("worker: accepting the handle", r);
    if ((r = uv_read_start((uv_stream_t*) &c->tcp, alloc_cb,
                           conn_read_cb)) != 0)
      fail("worker: uv_read_start", r);
    served++;
  }
}

static int worker_main(void) {
  uv_loop_t wloop;
  uv_pipe_t ipc;
  int r;

  my_pid = uv_os_getpid();
  if ((r = uv_loop_init(&wloop)) != 0)
    fail("worker: uv_loop_init", r);
  if ((r = uv_pipe_init(&wloop, &ipc, 1)) != 0)
    fail("worker: uv_pipe_init", r);
  if ((r = uv_pipe_open(&ipc, 0)) != 0)
    fail("worker: opening the IPC pipe on descriptor 0", r);
  if ((r = uv_read_start((uv_stream_t*) &ipc, alloc_cb, ipc_read_cb)) != 0)
    fail("worker: uv_read_start on the IPC pipe", r);
  if (uv_run(&wloop, UV_RUN_DEFAULT) != 0)
    fail("worker: uv_run returned with handles still active", 0);
  if ((r = uv_loop_close(&wloop)) != 0)
    fail("worker: uv_loop_close", r);
  return 0;
}

/* ---- master --------------------------------------------------------------
 */

typedef struct {
  uv_process_t proc;
  uv_pipe_t ipc;
  int pid;
  unsigned handed;   /* connections sent to it */
  unsigned answered; /* replies the client saw carrying its pid */
  int spawned;
  int exited;
} worker_t;

typedef struct {
  uv_write_t req;
  uv_tcp_t tcp;
} handoff_t;

typedef struct {
  uv_tcp_t tcp;
  uv_connect_t connect_req;
  uv_write_t write_req;
  char line[64];
  char reply[LINE_MAX_LEN + 32];
  size_t reply_len;
} client_t;

static uv_loop_t loop;
static uv_tcp_t listener;
static uv_timer_t watchdog;
static worker_t workers[MAX_WORKERS];
static client_t clients[MAX_CONNECTIONS];
static unsigned nworkers = 3;
static unsigned nclients = 12;
static unsigned next_worker;
static unsigned handoffs_pending;
static unsigned accepted;
static unsigned replies_ok;
static unsigned workers_exited;
static int shutting_down;
static uint64_t start_ns;

/* Any failure ends the demo: say why, take the workers down with us (they
 * would also go on their own once the IPC pipe reaches EOF), exit 1. */
static void fail(const char* what, int err) {
  unsigned i;

  fflush(stdout);
  if (err != 0)
    fprintf(stderr, "uvcore-demo: %s: %s (%s)\n", what, uv_strerror(err),
            uv_err_name(err));
  else
    fprintf(stderr, "uvcore-demo: %s\n", what);
  for (i = 0; i < nworkers; i++)
    if (workers[i].spawned && !workers[i].exited)
      uv_process_kill(&workers[i].proc, SIGKILL);
  exit(1);
}

static void maybe_finish(void);

static void handoff_close_cb(uv_handle_t* handle) {
  free(handle->data);
}

static void handoff_write_cb(uv_write_t* req, int status) {
  handoff_t* h = req->data;

  if (status != 0)
    fail("master: sending a connection to a worker", status);
  /* The worker has its own descriptor now; ours can go. */
  uv_close((uv_handle_t*) &h->tcp, handoff_close_cb);
  handoffs_pending--;
  maybe_finish();
}

static void connection_cb(uv_stream_t* server, int status) {
  static char token[] = "c";
  worker_t* w;
  handoff_t* h;
  uv_buf_t buf;
  int r;

  if (status != 0)
    fail("master: connection_cb", status);
  if ((h = calloc(1, sizeof(*h))) == NULL)
    fail("master: calloc", UV_ENOMEM);
  if ((r = uv_tcp_init(server->loop, &h->tcp)) != 0)
    fail("master: uv_tcp_init", r);
  h->tcp.data = h;
  h->req.data = h;
  if ((r = uv_accept(server, (uv_stream_t*) &h->tcp)) != 0)
    fail("master: uv_accept", r);
  w = &workers[next_worker];
  next_worker = (next_worker + 1) % nworkers;
  /* uv_write2 needs at least one byte to carry the descriptor. */
  buf = uv_buf_init(token, 1);
  if ((r = uv_write2(&h->req, (uv_stream_t*) &w->ipc, &buf, 1,
                     (uv_stream_t*) &h->tcp, handoff_write_cb)) != 0)
    fail("master: uv_write2", r);
  w->handed++;
  handoffs_pending++;
  accepted++;
}

static void worker_exit_cb(uv_process_t* proc, int64_t exit_status,
                           int term_signal) {
  worker_t* w = proc->data;
  char why[96];

  w->exited = 1;
  if (term_signal != 0 || exit_status != 0) {
    snprintf(why, sizeof(why), "worker %d ended with status %lld, signal %d",
             w->pid, (long long) exit_status, term_signal);
    fail(why, 0);
  }
  if (!shutting_down)
    fail("a worker exited before the master closed its pipe", 0);
  uv_close((uv_handle_t*) proc, NULL);
  if (++workers_exited == nworkers) {
    printf("master: all %u workers exited with status 0 after %.1f ms\n",
           nworkers, (uv_hrtime() - start_ns) / 1e6);
    uv_close((uv_handle_t*) &watchdog, NULL);
  }
}

static void watchdog_cb(uv_timer_t* timer) {
  char why[160];

  (void) timer;
  snprintf(why, sizeof(why),
           "timed out after %d ms: %u/%u replies, %u workers exited",
           TIMEOUT_MS, replies_ok, nclients, workers_exited);
  fail(why, 0);
}

/* All replies in and every hand-off written: report, check, and tell the
 * workers to finish by closing their pipes. */
static void maybe_finish(void) {
  unsigned distinct;
  unsigned i;

  if (shutting_down || replies_ok < nclients || handoffs_pending > 0)
    return;
  shutting_down = 1;
  printf("client: %u/%u echoes correct in %.1f ms\n", replies_ok, nclients,
         (uv_hrtime() - start_ns) / 1e6);
  distinct = 0;
  for (i = 0; i < nworkers; i++) {
    printf("worker %d: served %u connections\n", workers[i].pid,
           workers[i].answered);
    if (workers[i].answered > 0)
      distinct++;
    /* Round-robin: each reply must come from the worker it was sent to. */
    if (workers[i].answered != workers[i].handed)
      fail("a worker answered a different number of connections than it "
           "was handed", 0);
  }
  if (distinct < 2 && nworkers >= 2 && nclients >= 2)
    fail("fewer than two workers answered", 0);
  if (accepted != nclients)
    fail("the master accepted more connections than the client made", 0);
  uv_close((uv_handle_t*) &listener, NULL);
  for (i = 0; i < nworkers; i++)
    uv_close((uv_handle_t*) &workers[i].ipc, NULL);
}

/* The reply must be "<pid of a worker>: <our line>". */
static void check_reply(client_t* c) {
  char* colon;
  long pid;
  unsigned i;

  c->reply[c->reply_len] = '\0';
  pid = strtol(c->reply, &colon, 10);
  if (colon == c->reply || strncmp(colon, ": ", 2) != 0 ||
      strcmp(colon + 2, c->line) != 0) {
    fprintf(stderr, "uvcore-demo: sent \"%.*s\", got \"%.*s\"\n",
            (int) strlen(c->line) - 1, c->line, (int) c->reply_len - 1,
            c->reply);
    fail("client: wrong echo", 0);
  }
  for (i = 0; i < nworkers; i++)
    if (workers[i].pid == pid)
      break;
  if (i == nworkers)
    fail("client: the reply names a pid that is not one of our workers", 0);
  workers[i].answered++;
  replies_ok++;
}

static void client_read_cb(uv_stream_t* stream, ssize_t nread,
                           const uv_buf_t* buf) {
  client_t* c = stream->data;

  if (nread == UV_EOF)
    fail("client: the server closed the connection before replying", 0);
  if (nread < 0)
    fail("client: reading a reply", (int) nread);
  if (c->reply_len + (size_t) nread >= sizeof(c->reply))
    fail("client: reply too long", UV_ENOBUFS);
  memcpy(c->reply + c->reply_len, buf->base, (size_t) nread);
  c->reply_len += (size_t) nread;
  if (c->reply[c->reply_len - 1] != '\n')
    return;
  check_reply(c);
  /* Our close is the worker's EOF: it closes its side in turn. */
  uv_close((uv_handle_t*) stream, NULL);
  maybe_finish();
}

static void client_write_cb(uv_write_t* req, int status) {
  (void) req;
  if (status != 0)
    fail("client: sending a line", status);
}

static void client_connect_cb(uv_connect_t* req, int status) {
  client_t* c = req->data;
  uv_buf_t buf;
  int r;

  if (status != 0)
    fail("client: connecting", status);
  buf = uv_buf_init(c->line, (unsigned) strlen(c->line));
  if ((r = uv_write(&c->write_req, (uv_stream_t*) &c->tcp, &buf, 1,
                    client_write_cb)) != 0)
    fail("client: uv_write", r);
  if ((r = uv_read_start((uv_stream_t*) &c->tcp, alloc_cb,
                         client_read_cb)) != 0)
    fail("client: uv_read_start", r);
}

static void spawn_worker(worker_t* w, char* exe) {
  uv_process_options_t opts;
  uv_stdio_container_t stdio[3];
  static char worker_flag[] = "--worker";
  char* args[3];
  int r;

  if ((r = uv_pipe_init(&loop, &w->ipc, 1)) != 0)
    fail("master: uv_pipe_init", r);
  args[0] = exe;
  args[1] = worker_flag;
  args[2] = NULL;
  /* The IPC pipe is the worker's stdin; stdout and stderr are ours, so
   * what workers print lands beside what the master prints. */
  stdio[0].flags = UV_CREATE_PIPE | UV_READABLE_PIPE | UV_WRITABLE_PIPE;
  stdio[0].data.stream = (uv_stream_t*) &w->ipc;
  stdio[1].flags = UV_INHERIT_FD;
  stdio[1].data.fd = 1;
  stdio[2].flags = UV_INHERIT_FD;
  stdio[2].data.fd = 2;
  memset(&opts, 0, sizeof(opts));
  opts.file = exe;
  opts.args = args;
  opts.exit_cb = worker_exit_cb;
  opts.stdio = stdio;
  opts.stdio_count = 3;
  w->proc.data = w;
  if ((r = uv_spawn(&loop, &w->proc, &opts)) != 0)
    fail("master: uv_spawn", r);
  w->spawned = 1;
  w->pid = w->proc.pid;
}

static int parse_count(const char* s, unsigned lo, unsigned hi,
                       unsigned* out) {
  char* end;
  unsigned long v;

  if (s == NULL)
    return -1;
  v = strtoul(s, &end, 10);
  if (*s == '\0' || *end != '\0' || v < lo || v > hi)
    return -1;
  *out = (unsigned) v;
  return 0;
}

static int usage(void) {
  fprintf(stderr, "usage: uvcore-demo [--workers 1..%d] "
          "[--connections 1..%d]\n", MAX_WORKERS, MAX_CONNECTIONS);
  return 2;
}

int main(int argc, char** argv) {
  struct sockaddr_in addr;
  char exe[4096];
  size_t exe_len;
  int namelen;
  unsigned i;
  int r;

  /* Workers and master share one stdout; line buffering keeps each line
   * whole when it is a pipe (under ctest) rather than a terminal. */
  setvbuf(stdout, NULL, _IOLBF, 0);
#ifdef SIGPIPE
  signal(SIGPIPE, SIG_IGN);
#endif

  for (i = 1; i < (unsigned) argc; i++) {
    if (strcmp(argv[i], "--worker") == 0 && argc == 2)
      return worker_main();
    if (strcmp(argv[i], "--workers") == 0) {
      if (parse_count(argv[++i], 1, MAX_WORKERS, &nworkers) != 0)
        return usage();
    } else if (strcmp(argv[i], "--connections") == 0) {
      if (parse_count(argv[++i], 1, MAX_CONNECTIONS, &nclients) != 0)
        return usage();
    } else {
      return usage();
    }
  }

  start_ns = uv_hrtime();
  exe_len = sizeof(exe);
  if ((r = uv_exepath(exe, &exe_len)) != 0)
    fail("uv_exepath", r);
  if ((r = uv_loop_init(&loop)) != 0)
    fail("uv_loop_init", r);

  if ((r = uv_ip4_addr("127.0.0.1", 0, &addr)) != 0)
    fail("uv_ip4_addr", r);
  if ((r = uv_tcp_init(&loop, &listener)) != 0)
    fail("uv_tcp_init", r);
  if ((r = uv_tcp_bind(&listener, (const struct sockaddr*) &addr, 0)) != 0)
    fail("uv_tcp_bind", r);
  if ((r = uv_listen((uv_stream_t*) &listener, MAX_CONNECTIONS,
                     connection_cb)) != 0)
    fail("uv_listen", r);
  namelen = (int) sizeof(addr);
  if ((r = uv_tcp_getsockname(&listener, (struct sockaddr*) &addr,
                              &namelen)) != 0)
    fail("uv_tcp_getsockname", r);
  printf("uvcore demo (libuv API %s): master %d on 127.0.0.1:%d, "
         "%u workers, %u connections\n", uv_version_string(),
         (int) uv_os_getpid(), ntohs(addr.sin_port), nworkers, nclients);

  if ((r = uv_timer_init(&loop, &watchdog)) != 0 ||
      (r = uv_timer_start(&watchdog, watchdog_cb, TIMEOUT_MS, 0)) != 0)
    fail("starting the watchdog timer", r);

  for (i = 0; i < nworkers; i++) {
    spawn_worker(&workers[i], exe);
    printf("master: started worker %d\n", workers[i].pid);
  }

  for (i = 0; i < nclients; i++) {
    client_t* c = &clients[i];

    snprintf(c->line, sizeof(c->line), "hello from client %u\n", i + 1);
    c->tcp.data = c;
    c->connect_req.data = c;
    if ((r = uv_tcp_init(&loop, &c->tcp)) != 0)
      fail("client: uv_tcp_init", r);
    if ((r = uv_tcp_connect(&c->connect_req, &c->tcp,
                            (const struct sockaddr*) &addr,
                            client_connect_cb)) != 0)
      fail("client: uv_tcp_connect", r);
  }

  if (uv_run(&loop, UV_RUN_DEFAULT) != 0)
    fail("uv_run returned with handles still active", 0);
  if (workers_exited != nworkers)
    fail("the loop ended before every worker exited", 0);
  if ((r = uv_loop_close(&loop)) != 0)
    fail("uv_loop_close: something was left open", r);
  printf("master: done, loop closed\n");
  return 0;
}
