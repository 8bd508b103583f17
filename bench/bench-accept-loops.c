/* bench-accept-loops — accepts spread over several loops on threads.
 *
 * The main thread binds a TCP socket on 127.0.0.1 and hands it to T
 * threads over IPC pipes (uv_write2 with the socket as send_handle); each
 * thread receives it into a handle of its own loop with uv_accept on the
 * pipe, calls uv_listen and then accepts and closes connections.  All T
 * loops wait on the same listening socket, as a multi-loop server does.
 * C clients on the main loop connect and close again until N connections
 * were made; a round ends when the threads accepted all N.  Public API
 * only: builds against uvcore and against libuv.
 *
 * Usage: bench-accept-loops <threads> [clients] [connections] [rounds]
 *
 * compare: t2 2 100 20000 3
 * compare: t4 4 100 20000 3
 * compare: t8 8 100 20000 3
 */
#include "bench-common.h"

#include <sched.h>
#include <string.h>
#include <sys/resource.h>

#define MAX_THREADS 16
#define MAX_CLIENTS 1024

typedef struct {
  uv_thread_t tid;
  uv_loop_t loop;
  uv_pipe_t ipc;
  uv_tcp_t listener;
  uv_async_t stop;
  uv_sem_t ready;
  uv_os_sock_t fd;
} worker_t;

typedef struct {
  uv_tcp_t tcp;
  uv_connect_t req;
} client_t;

static uv_loop_t loop;
static uv_tcp_t listener;
static worker_t workers[MAX_THREADS];
static client_t clients[MAX_CLIENTS];
static struct sockaddr_in addr;
static unsigned long accepted_total;   /* atomic: threads add to it */
static unsigned long to_start;
static unsigned long wanted;
static int active;

static void free_cb(uv_handle_t* h) {
  free(h);
}

static void connection_cb(uv_stream_t* srv, int status) {
  uv_tcp_t* peer;
  int r;

  if (status != 0)
    die("connection", status);
  peer = malloc(sizeof(*peer));
  if (peer == NULL)
    die("malloc", UV_ENOMEM);
  if ((r = uv_tcp_init(srv->loop, peer)) != 0)
    die("tcp_init", r);
  if (uv_accept(srv, (uv_stream_t*) peer) != 0) {
    /* Another loop took it first: the socket is shared. */
    uv_close((uv_handle_t*) peer, free_cb);
    return;
  }
  uv_close((uv_handle_t*) peer, free_cb);
  __atomic_add_fetch(&accepted_total, 1, __ATOMIC_RELAXED);
}

static void ipc_alloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  static __thread char byte[64];

  (void) h;
  (void) suggested;
  buf->base = byte;
  buf->len = sizeof(byte);
}

static void ipc_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  worker_t* w = s->data;
  int r;

  (void) buf;
  if (nread < 0)
    die("ipc read", (int) nread);
  if (uv_pipe_pending_count(&w->ipc) == 0)
    return;
  if ((r = uv_tcp_init(&w->loop, &w->listener)) != 0 ||
      (r = uv_accept(s, (uv_stream_t*) &w->listener)) != 0 ||
      (r = uv_listen((uv_stream_t*) &w->listener, 4096, connection_cb)) != 0)
    die("worker listen", r);
  uv_close((uv_handle_t*) &w->ipc, NULL);
  uv_sem_post(&w->ready);
}

static void stop_cb(uv_async_t* h) {
  worker_t* w = h->data;

  uv_close((uv_handle_t*) &w->listener, NULL);
  uv_close((uv_handle_t*) &w->stop, NULL);
}

static void worker_main(void* arg) {
  worker_t* w = arg;
  int r;

  if ((r = uv_pipe_init(&w->loop, &w->ipc, 1)) != 0 ||
      (r = uv_pipe_open(&w->ipc, w->fd)) != 0 ||
      (r = uv_read_start((uv_stream_t*) &w->ipc, ipc_alloc, ipc_read)) != 0)
    die("worker ipc", r);
  w->ipc.data = w;
  uv_run(&w->loop, UV_RUN_DEFAULT);
  uv_loop_close(&w->loop);
}

static void client_start(client_t* c);

static void client_closed(uv_handle_t* h) {
  if (to_start > 0) {
    to_start--;
    client_start((client_t*) h);
  } else {
    active--;
  }
}

static void connect_cb(uv_connect_t* req, int status) {
  if (status != 0)
    die("connect", status);
  uv_close((uv_handle_t*) req->handle, client_closed);
}

static void client_start(client_t* c) {
  int r;

  if ((r = uv_tcp_init(&loop, &c->tcp)) != 0 ||
      (r = uv_tcp_connect(&c->req, &c->tcp, (const struct sockaddr*) &addr,
                          connect_cb)) != 0)
    die("tcp_connect", r);
}

static void write2_cb(uv_write_t* req, int status) {
  if (status != 0)
    die("write2", status);
  uv_close((uv_handle_t*) req->handle, free_cb);
  free(req);
}

int main(int argc, char** argv) {
  uv_os_sock_t fds[2];
  uint64_t times[64];
  uv_write_t* wreq;
  uv_pipe_t* pipe;
  uv_buf_t b;
  uint64_t t0;
  int nthreads;
  int nclients;
  int namelen;
  int rounds;
  int i;
  int r;

  if (argc < 2)
    return 2;
  nthreads = atoi(argv[1]);
  nclients = argc > 2 ? atoi(argv[2]) : 100;
  wanted = bench_n(argc > 3 ? strtoul(argv[3], NULL, 10) : 20000);
  rounds = bench_rounds(argc > 4 ? atoi(argv[4]) : 3);
  if (nthreads < 1 || nthreads > MAX_THREADS || nclients < 1 ||
      nclients > MAX_CLIENTS || wanted < (unsigned long) nclients ||
      rounds < 1 || rounds > 64)
    return 2;
  if (uv_loop_init(&loop) != 0)
    return 1;
  uv_ip4_addr("127.0.0.1", 0, &addr);
  if ((r = uv_tcp_init(&loop, &listener)) != 0 ||
      (r = uv_tcp_bind(&listener, (const struct sockaddr*) &addr, 0)) != 0)
    die("bind", r);
  namelen = (int) sizeof(addr);
  uv_tcp_getsockname(&listener, (struct sockaddr*) &addr, &namelen);

  /* Hand the bound socket to every thread over its own IPC pipe. */
  for (i = 0; i < nthreads; i++) {
    worker_t* w = &workers[i];
    pipe = malloc(sizeof(*pipe));
    wreq = malloc(sizeof(*wreq));
    if (pipe == NULL || wreq == NULL)
      return 1;
    if ((r = uv_socketpair(SOCK_STREAM, 0, fds, 0, 0)) != 0 ||
        (r = uv_pipe_init(&loop, pipe, 1)) != 0 ||
        (r = uv_pipe_open(pipe, fds[0])) != 0)
      die("ipc pipe", r);
    w->fd = fds[1];
    if (uv_loop_init(&w->loop) != 0 || uv_sem_init(&w->ready, 0) != 0 ||
        uv_async_init(&w->loop, &w->stop, stop_cb) != 0)
      return 1;
    w->stop.data = w;
    b = uv_buf_init("L", 1);
    if ((r = uv_write2(wreq, (uv_stream_t*) pipe, &b, 1,
                       (uv_stream_t*) &listener, write2_cb)) != 0)
      die("write2", r);
    if (uv_thread_create(&w->tid, worker_main, w) != 0)
      return 1;
  }
  uv_run(&loop, UV_RUN_DEFAULT);  /* until every pipe wrote and closed */
  for (i = 0; i < nthreads; i++)
    uv_sem_wait(&workers[i].ready);
  uv_close((uv_handle_t*) &listener, NULL);  /* the threads keep it */
  uv_run(&loop, UV_RUN_DEFAULT);

  for (i = 0; i < rounds; i++) {
    __atomic_store_n(&accepted_total, 0, __ATOMIC_RELAXED);
    active = nclients;
    to_start = wanted - (unsigned long) nclients;
    t0 = uv_hrtime();
    for (r = 0; r < nclients; r++)
      client_start(&clients[r]);
    while (active > 0)
      uv_run(&loop, UV_RUN_ONCE);
    while (__atomic_load_n(&accepted_total, __ATOMIC_RELAXED) < wanted)
      sched_yield();
    times[i] = uv_hrtime() - t0;
    printf("round %d: %.2f ms\n", i + 1, times[i] / 1e6);
  }
  bench_report(times, rounds, (double) wanted, "accepts");

  for (i = 0; i < nthreads; i++) {
    uv_async_send(&workers[i].stop);
    uv_thread_join(&workers[i].tid);
    uv_sem_destroy(&workers[i].ready);
  }
  uv_run(&loop, UV_RUN_DEFAULT);
  return uv_loop_close(&loop) != 0;
}
