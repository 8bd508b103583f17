/* bench-accept — connections accepted per second.
 *
 * C clients in the same loop connect to one listener (TCP on 127.0.0.1 or
 * a Unix-domain pipe) over and over: each client closes its handle as soon
 * as it is connected and then connects again, until N connections were
 * accepted.  The server accepts each connection into a fresh handle and
 * closes it at once.  So each accept costs a readiness event, accept4,
 * a handle init and close, on top of the client's connect.  A connect
 * refused because the backlog is full (EAGAIN on Unix sockets) is retried.
 * The descriptor limit is raised to its hard maximum for 1000 clients.
 * Public API only: builds against uvcore and against libuv.
 *
 * Usage: bench-accept tcp|pipe [clients] [connections] [rounds]
 *
 * compare: tcp100 tcp 100 20000 3
 * compare: tcp1000 tcp 1000 20000 3
 * compare: pipe100 pipe 100 40000 3
 * compare: pipe1000 pipe 1000 40000 3
 */
#include "bench-common.h"

#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define MAX_CLIENTS 4096

typedef union {
  uv_handle_t h;
  uv_stream_t s;
  uv_tcp_t tcp;
  uv_pipe_t pipe;
} any_stream_t;

typedef struct {
  any_stream_t h;
  uv_connect_t req;
} client_t;

static uv_loop_t loop;
static any_stream_t server;
static client_t clients[MAX_CLIENTS];
static int use_pipe;
static struct sockaddr_in addr;
static char path[64];
static unsigned long to_start;   /* connects still to begin */
static unsigned long accepted;
static unsigned long wanted;
static unsigned long retries;
static int active;               /* clients still running */

static void client_start(client_t* c);

static void client_closed(uv_handle_t* h) {
  client_t* c = (client_t*) h;

  if (to_start > 0) {
    to_start--;
    client_start(c);
  } else {
    active--;
  }
}

static void connect_cb(uv_connect_t* req, int status) {
  client_t* c = req->data;

  if (status == UV_EAGAIN || status == UV_ECONNREFUSED) {
    retries++;
    to_start++;  /* client_closed starts it again */
  } else if (status != 0) {
    die("connect", status);
  }
  uv_close(&c->h.h, client_closed);
}

static void client_start(client_t* c) {
  int r;

  c->req.data = c;
  if (use_pipe) {
    if ((r = uv_pipe_init(&loop, &c->h.pipe, 0)) != 0)
      die("pipe_init", r);
    uv_pipe_connect(&c->req, &c->h.pipe, path, connect_cb);
  } else {
    if ((r = uv_tcp_init(&loop, &c->h.tcp)) != 0 ||
        (r = uv_tcp_connect(&c->req, &c->h.tcp,
                            (const struct sockaddr*) &addr, connect_cb)) != 0)
      die("tcp_connect", r);
  }
}

static void free_cb(uv_handle_t* h) {
  free(h);
}

static void connection_cb(uv_stream_t* srv, int status) {
  any_stream_t* peer;
  int r;

  if (status != 0)
    die("connection", status);
  peer = malloc(sizeof(*peer));
  if (peer == NULL)
    die("malloc", UV_ENOMEM);
  r = use_pipe ? uv_pipe_init(&loop, &peer->pipe, 0)
               : uv_tcp_init(&loop, &peer->tcp);
  if (r != 0 || (r = uv_accept(srv, &peer->s)) != 0)
    die("accept", r);
  uv_close(&peer->h, free_cb);
  accepted++;
}

int main(int argc, char** argv) {
  struct rlimit rl;
  uint64_t times[64];
  uint64_t t0;
  int nclients;
  int namelen;
  int rounds;
  int i;
  int r;

  if (argc < 2)
    return 2;
  use_pipe = strcmp(argv[1], "pipe") == 0;
  if (!use_pipe && strcmp(argv[1], "tcp") != 0)
    return 2;
  nclients = argc > 2 ? atoi(argv[2]) : 100;
  wanted = bench_n(argc > 3 ? strtoul(argv[3], NULL, 10) : 20000);
  rounds = bench_rounds(argc > 4 ? atoi(argv[4]) : 3);
  if (nclients < 1 || nclients > MAX_CLIENTS ||
      wanted < (unsigned long) nclients || rounds < 1 || rounds > 64)
    return 2;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  if (uv_loop_init(&loop) != 0)
    return 1;
  if (use_pipe) {
    snprintf(path, sizeof(path), "/tmp/bench-accept-%d.sock", (int) getpid());
    unlink(path);
    if ((r = uv_pipe_init(&loop, &server.pipe, 0)) != 0 ||
        (r = uv_pipe_bind(&server.pipe, path)) != 0)
      die("pipe server", r);
  } else {
    uv_ip4_addr("127.0.0.1", 0, &addr);
    if ((r = uv_tcp_init(&loop, &server.tcp)) != 0 ||
        (r = uv_tcp_bind(&server.tcp, (const struct sockaddr*) &addr, 0)) != 0)
      die("tcp server", r);
    namelen = (int) sizeof(addr);
    uv_tcp_getsockname(&server.tcp, (struct sockaddr*) &addr, &namelen);
  }
  if ((r = uv_listen(&server.s, 4096, connection_cb)) != 0)
    die("listen", r);

  for (i = 0; i < rounds; i++) {
    accepted = 0;
    retries = 0;
    active = nclients;
    to_start = wanted - (unsigned long) nclients;
    t0 = uv_hrtime();
    for (r = 0; r < nclients; r++)
      client_start(&clients[r]);
    while (active > 0 || accepted < wanted)
      uv_run(&loop, UV_RUN_ONCE);
    times[i] = uv_hrtime() - t0;
    printf("round %d: %.2f ms (%lu connects retried)\n", i + 1,
           times[i] / 1e6, retries);
  }
  bench_report(times, rounds, (double) wanted, "accepts");
  uv_close(&server.h, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  if (use_pipe)
    unlink(path);
  return uv_loop_close(&loop) != 0;
}
