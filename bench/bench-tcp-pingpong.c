/* bench-tcp-pingpong — request/response latency over TCP loopback.
 *
 * One server and one client on 127.0.0.1 in the same loop.  The client
 * sends a small message, the server echoes it, and the client sends the
 * next one only when the whole echo is back: one message in flight, so the
 * time per round trip is two trips through the loop (read callback, write
 * request, write callback) plus the kernel's loopback.  Nagle is off on
 * both ends.  Public API only: builds against uvcore and against libuv.
 *
 * Usage: bench-tcp-pingpong [round_trips] [rounds]
 *        (defaults 50000 and 5; prints each round and the median).
 *
 * compare: 1conn 50000 5
 */
#include "bench-common.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MSG_LEN 64
#define POOL 8

/* Write requests with their own copy of the data, reused. */
typedef struct {
  uv_write_t req;
  char data[MSG_LEN];
  int busy;
} slot_t;

typedef struct {
  uv_tcp_t tcp;
  slot_t pool[POOL];
} conn_t;

static uv_loop_t loop;
static uv_tcp_t server;
static conn_t client;
static conn_t accepted;
static char readbuf[65536];
static char message[MSG_LEN];

static unsigned long trips_wanted;
static unsigned long trips_done;
static size_t echo_got;     /* bytes of the current echo received */

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

static void send_copy(conn_t* c, const char* data, size_t len) {
  uv_buf_t b;
  int i;
  int r;

  for (i = 0; i < POOL; i++)
    if (!c->pool[i].busy)
      break;
  if (i == POOL || len > MSG_LEN) {
    fprintf(stderr, "more in flight than one message\n");
    exit(1);
  }
  memcpy(c->pool[i].data, data, len);
  c->pool[i].busy = 1;
  b = uv_buf_init(c->pool[i].data, (unsigned int) len);
  r = uv_write(&c->pool[i].req, (uv_stream_t*) &c->tcp, &b, 1, write_cb);
  if (r != 0)
    die("uv_write", r);
}

static void server_read_cb(uv_stream_t* s, ssize_t nread,
                           const uv_buf_t* buf) {
  (void) s;
  if (nread < 0) {
    if (nread == UV_EOF)
      return;
    die("server read", (int) nread);
  }
  if (nread > 0)
    send_copy(&accepted, buf->base, (size_t) nread);
}

static void client_read_cb(uv_stream_t* s, ssize_t nread,
                           const uv_buf_t* buf) {
  (void) s;
  (void) buf;
  if (nread < 0)
    die("client read", (int) nread);
  echo_got += (size_t) nread;
  if (echo_got < MSG_LEN)
    return;
  echo_got -= MSG_LEN;
  trips_done++;
  if (trips_done < trips_wanted)
    send_copy(&client, message, MSG_LEN);
  else
    uv_stop(&loop);
}

int main(int argc, char** argv) {
  uint64_t times[64];
  uint64_t med;
  uint64_t t0;
  int rounds;
  int r;
  int i;

  trips_wanted = bench_n(argc > 1 ? strtoul(argv[1], NULL, 10) : 50000);
  rounds = bench_rounds(argc > 2 ? atoi(argv[2]) : 5);
  if (trips_wanted == 0 || rounds < 1 || rounds > 64)
    return 2;
  memset(message, 'p', sizeof(message));

  if ((r = uv_loop_init(&loop)) != 0)
    die("loop", r);
  bench_tcp_pair(&loop, &server, &client.tcp, &accepted.tcp);
  if ((r = uv_tcp_nodelay(&client.tcp, 1)) != 0 ||
      (r = uv_tcp_nodelay(&accepted.tcp, 1)) != 0 ||
      (r = uv_read_start((uv_stream_t*) &accepted.tcp, alloc_cb,
                         server_read_cb)) != 0)
    die("options", r);
  if ((r = uv_read_start((uv_stream_t*) &client.tcp, alloc_cb,
                         client_read_cb)) != 0)
    die("read_start", r);

  for (i = 0; i < rounds; i++) {
    trips_done = 0;
    echo_got = 0;
    t0 = uv_hrtime();
    send_copy(&client, message, MSG_LEN);
    uv_run(&loop, UV_RUN_DEFAULT);  /* uv_stop after the last echo */
    times[i] = uv_hrtime() - t0;
    if (trips_done != trips_wanted)
      return 1;
    printf("round %d: %.2f ms (%.0f round trips/s)\n", i + 1,
           times[i] / 1e6, (double) trips_wanted * 1e9 / (double) times[i]);
  }
  med = median_ns(times, rounds);
  printf("median: %.2f ms (%.0f round trips/s)\n", med / 1e6,
         (double) trips_wanted * 1e9 / (double) med);
  printf("ops: %lu round trips\n", trips_wanted);

  uv_close((uv_handle_t*) &client.tcp, NULL);
  uv_close((uv_handle_t*) &accepted.tcp, NULL);
  uv_close((uv_handle_t*) &server, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  if (uv_loop_close(&loop) != 0)
    return 1;
  return 0;
}
