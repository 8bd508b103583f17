/* bench-tcp-smallwrites — many small uv_write calls on one connection.
 *
 * The client issues N uv_write requests of 64 bytes each over TCP
 * loopback, keeping up to 1000 requests queued (each callback issues the
 * next); the server reads and counts bytes.  The per-request overhead of
 * the write path (queueing, the writev attempt, completion callback)
 * dominates, not the bytes.  Public API only: builds against uvcore and
 * against libuv.
 *
 * Usage: bench-tcp-smallwrites [writes] [rounds]   (defaults 1000000, 3)
 *
 * compare: 64b 1000000 3
 */
#include "bench-common.h"

#include <string.h>

#define MSG_LEN 64
#define QUEUED 1000

static uv_loop_t loop;
static uv_tcp_t server;
static uv_tcp_t client;
static uv_tcp_t accepted;
static uv_write_t reqs[QUEUED];
static char message[MSG_LEN];
static char readbuf[256 * 1024];
static unsigned long left;
static unsigned long pending;
static uint64_t received;
static uint64_t wanted_bytes;

static void alloc_cb(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void) h;
  (void) suggested;
  buf->base = readbuf;
  buf->len = sizeof(readbuf);
}

static void write_cb(uv_write_t* req, int status);

static void write_one(uv_write_t* req) {
  uv_buf_t b;
  int r;

  b = uv_buf_init(message, MSG_LEN);
  if ((r = uv_write(req, (uv_stream_t*) &client, &b, 1, write_cb)) != 0)
    die("uv_write", r);
  left--;
  pending++;
}

static void write_cb(uv_write_t* req, int status) {
  if (status != 0)
    die("write", status);
  pending--;
  if (left > 0)
    write_one(req);
}

static void read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  (void) s;
  (void) buf;
  if (nread < 0)
    die("read", (int) nread);
  received += (uint64_t) nread;
  if (received >= wanted_bytes && pending == 0)
    uv_stop(&loop);
}

int main(int argc, char** argv) {
  uint64_t times[64];
  unsigned long n;
  uint64_t t0;
  int rounds;
  int i;
  int r;

  n = bench_n(argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000);
  rounds = bench_rounds(argc > 2 ? atoi(argv[2]) : 3);
  if (n < QUEUED || rounds < 1 || rounds > 64)
    return 2;
  memset(message, 'w', sizeof(message));
  if (uv_loop_init(&loop) != 0)
    return 1;
  bench_tcp_pair(&loop, &server, &client, &accepted);
  if ((r = uv_read_start((uv_stream_t*) &accepted, alloc_cb, read_cb)) != 0)
    die("read_start", r);

  for (i = 0; i < rounds; i++) {
    received = 0;
    wanted_bytes = (uint64_t) n * MSG_LEN;
    left = n;
    t0 = uv_hrtime();
    for (r = 0; r < QUEUED; r++)
      write_one(&reqs[r]);
    while (received < wanted_bytes || pending > 0)
      uv_run(&loop, UV_RUN_ONCE);
    times[i] = uv_hrtime() - t0;
    printf("round %d: %.2f ms\n", i + 1, times[i] / 1e6);
  }
  bench_report(times, rounds, (double) n, "writes");
  uv_close((uv_handle_t*) &client, NULL);
  uv_close((uv_handle_t*) &accepted, NULL);
  uv_close((uv_handle_t*) &server, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  return uv_loop_close(&loop) != 0;
}
