/* bench-tcp-conns — ping-pong over many TCP connections at once.
 *
 * C client connections to one server on 127.0.0.1, all in one loop.  Every
 * client keeps one 64-byte message in flight: it sends, the server echoes,
 * and the whole echo back triggers the next send.  With C = 100 each poll
 * returns many ready descriptors, so this measures dispatch over a busy
 * loop rather than one descriptor's latency.  Nagle is off everywhere.
 * Public API only: builds against uvcore and against libuv.
 *
 * Usage: bench-tcp-conns [connections] [round trips] [rounds]
 *        (defaults 100, 200000 and 3).
 *
 * compare: c100 100 200000 3
 */
#include "bench-common.h"

#include <string.h>

#define MSG_LEN 64
#define SLOTS 4
#define MAX_CONNS 1000

typedef struct {
  uv_write_t req;
  char data[MSG_LEN];
  int busy;
} slot_t;

typedef struct {
  uv_tcp_t tcp;
  slot_t slots[SLOTS];
  size_t got;
  int client;
} conn_t;

static uv_loop_t loop;
static uv_tcp_t server;
static conn_t clients[MAX_CONNS];
static conn_t accepted[MAX_CONNS];
static int naccepted;
static int nconnected;
static int nconns;
static uv_connect_t connect_reqs[MAX_CONNS];
static char readbuf[65536];
static unsigned long left;
static unsigned long done;
static unsigned long wanted;

static void alloc_cb(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void) h;
  (void) suggested;
  buf->base = readbuf;
  buf->len = sizeof(readbuf);
}

static void write_cb(uv_write_t* req, int status) {
  if (status != 0)
    die("write", status);
  ((slot_t*) req)->busy = 0;
}

static void send_msg(conn_t* c, size_t len) {
  uv_buf_t b;
  int k;
  int r;

  for (k = 0; k < SLOTS && c->slots[k].busy; k++)
    ;
  if (k == SLOTS)
    die("send", UV_ENOBUFS);
  c->slots[k].busy = 1;
  memset(c->slots[k].data, 'p', len);
  b = uv_buf_init(c->slots[k].data, (unsigned int) len);
  if ((r = uv_write(&c->slots[k].req, (uv_stream_t*) &c->tcp, &b, 1,
                    write_cb)) != 0)
    die("uv_write", r);
}

static void read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  conn_t* c = (conn_t*) s;

  (void) buf;
  if (nread < 0)
    die("read", (int) nread);
  if (nread == 0)
    return;
  if (!c->client) {
    send_msg(c, (size_t) nread);  /* echo what came */
    return;
  }
  c->got += (size_t) nread;
  if (c->got < MSG_LEN)
    return;
  c->got -= MSG_LEN;
  done++;
  if (left > 0) {
    left--;
    send_msg(c, MSG_LEN);
  } else if (done == wanted) {
    uv_stop(&loop);
  }
}

static void start_reading(conn_t* c) {
  int r;

  uv_tcp_nodelay(&c->tcp, 1);
  if ((r = uv_read_start((uv_stream_t*) &c->tcp, alloc_cb, read_cb)) != 0)
    die("read_start", r);
}

static void connection_cb(uv_stream_t* srv, int status) {
  conn_t* c;
  int r;

  if (status != 0)
    die("connection", status);
  c = &accepted[naccepted++];
  if ((r = uv_tcp_init(&loop, &c->tcp)) != 0 ||
      (r = uv_accept(srv, (uv_stream_t*) &c->tcp)) != 0)
    die("accept", r);
  start_reading(c);
  if (naccepted == nconns && nconnected == nconns)
    uv_stop(&loop);
}

static void connect_cb(uv_connect_t* req, int status) {
  if (status != 0)
    die("connect", status);
  start_reading((conn_t*) req->handle);
  if (++nconnected == nconns && naccepted == nconns)
    uv_stop(&loop);
}

int main(int argc, char** argv) {
  struct sockaddr_in addr;
  uint64_t times[64];
  uint64_t t0;
  int namelen;
  int rounds;
  int i;
  int r;

  nconns = argc > 1 ? atoi(argv[1]) : 100;
  wanted = bench_n(argc > 2 ? strtoul(argv[2], NULL, 10) : 200000);
  rounds = bench_rounds(argc > 3 ? atoi(argv[3]) : 3);
  if (nconns < 1 || nconns > MAX_CONNS || wanted < (unsigned long) nconns ||
      rounds < 1 || rounds > 64)
    return 2;
  if (uv_loop_init(&loop) != 0)
    return 1;
  uv_ip4_addr("127.0.0.1", 0, &addr);
  if ((r = uv_tcp_init(&loop, &server)) != 0 ||
      (r = uv_tcp_bind(&server, (const struct sockaddr*) &addr, 0)) != 0 ||
      (r = uv_listen((uv_stream_t*) &server, 1024, connection_cb)) != 0)
    die("server", r);
  namelen = (int) sizeof(addr);
  uv_tcp_getsockname(&server, (struct sockaddr*) &addr, &namelen);
  for (i = 0; i < nconns; i++) {
    clients[i].client = 1;
    if ((r = uv_tcp_init(&loop, &clients[i].tcp)) != 0 ||
        (r = uv_tcp_connect(&connect_reqs[i], &clients[i].tcp,
                            (const struct sockaddr*) &addr, connect_cb)) != 0)
      die("connect", r);
  }
  uv_run(&loop, UV_RUN_DEFAULT);

  for (i = 0; i < rounds; i++) {
    done = 0;
    left = wanted - (unsigned long) nconns;
    t0 = uv_hrtime();
    for (r = 0; r < nconns; r++)
      send_msg(&clients[r], MSG_LEN);
    uv_run(&loop, UV_RUN_DEFAULT);
    times[i] = uv_hrtime() - t0;
    printf("round %d: %.2f ms\n", i + 1, times[i] / 1e6);
  }
  bench_report(times, rounds, (double) wanted, "round trips");
  for (i = 0; i < nconns; i++) {
    uv_close((uv_handle_t*) &clients[i].tcp, NULL);
    uv_close((uv_handle_t*) &accepted[i].tcp, NULL);
  }
  uv_close((uv_handle_t*) &server, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  return uv_loop_close(&loop) != 0;
}
