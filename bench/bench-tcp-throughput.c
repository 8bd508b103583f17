/* bench-tcp-throughput — bulk transfer over one stream connection.
 *
 * The client writes a fixed amount (default 1 GiB) in 64 KiB uv_write
 * requests, keeping `inflight` of them queued at all times; the server
 * reads and counts.  A round ends when the server has read everything.
 * The connection is TCP on loopback, or with "pipe" a connected pair of
 * Unix stream sockets (uv_socketpair + uv_pipe_open).  Public API only:
 * builds against uvcore and against libuv.
 *
 * Usage: bench-tcp-throughput [mebibytes] [rounds] [inflight] [tcp|pipe]
 *        (defaults 1024, 5, 8 and tcp; prints each round and the median).
 * A round that takes longer than 30 s aborts the run.
 *
 * compare: tcp1 1024 3 1 tcp
 * compare: tcp100 1024 3 100 tcp
 * compare: pipe1 8192 3 1 pipe
 * compare: pipe100 8192 3 100 pipe
 */
#include "bench-common.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (64 * 1024)
#define MAX_IN_FLIGHT 128
#define ROUND_LIMIT_NS (30ull * 1000 * 1000 * 1000)

static uv_loop_t loop;
static uv_tcp_t server;
static uv_tcp_t client;
static uv_tcp_t accepted;
static uv_write_t reqs[MAX_IN_FLIGHT];
static int nreqs = 8;
static uv_pipe_t pipes[2];
static uv_stream_t* writer;
static uv_stream_t* reader;
static char chunk[CHUNK];
static char readbuf[256 * 1024];

static uint64_t total;          /* bytes per round */
static uint64_t queued;         /* bytes handed to uv_write this round */
static uint64_t received;       /* bytes read by the server this round */
static uint64_t round_start;
static int in_flight;           /* write requests not called back yet */

static void alloc_cb(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void) h;
  (void) suggested;
  buf->base = readbuf;
  buf->len = sizeof(readbuf);
}

static void write_cb(uv_write_t* req, int status);

static void queue_chunk(uv_write_t* req) {
  uv_buf_t b;
  uint64_t n;
  int r;

  n = total - queued;
  if (n == 0)
    return;
  if (n > CHUNK)
    n = CHUNK;
  b = uv_buf_init(chunk, (unsigned int) n);
  r = uv_write(req, writer, &b, 1, write_cb);
  if (r != 0)
    die("uv_write", r);
  queued += n;
  in_flight++;
}

static void write_cb(uv_write_t* req, int status) {
  if (status != 0)
    die("write", status);
  in_flight--;
  if (uv_hrtime() - round_start > ROUND_LIMIT_NS) {
    fprintf(stderr, "round took longer than 30 s, giving up\n");
    exit(1);
  }
  queue_chunk(req);
}

static void read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  (void) s;
  (void) buf;
  if (nread < 0)
    die("read", (int) nread);
  received += (uint64_t) nread;
  if (received >= total)
    uv_stop(&loop);
}

int main(int argc, char** argv) {
  uint64_t times[64];
  unsigned long mib;
  int rounds;
  int r;
  int i;
  int k;

  int use_pipe;
  uv_os_sock_t fds[2];

  mib = bench_n(argc > 1 ? strtoul(argv[1], NULL, 10) : 1024);
  rounds = bench_rounds(argc > 2 ? atoi(argv[2]) : 5);
  nreqs = argc > 3 ? atoi(argv[3]) : 8;
  use_pipe = argc > 4 && strcmp(argv[4], "pipe") == 0;
  if (mib == 0 || rounds < 1 || rounds > 64 || nreqs < 1 ||
      nreqs > MAX_IN_FLIGHT)
    return 2;
  total = (uint64_t) mib << 20;
  memset(chunk, 't', sizeof(chunk));

  if ((r = uv_loop_init(&loop)) != 0)
    die("loop", r);
  if (use_pipe) {
    if ((r = uv_socketpair(SOCK_STREAM, 0, fds, 0, 0)) != 0 ||
        (r = uv_pipe_init(&loop, &pipes[0], 0)) != 0 ||
        (r = uv_pipe_init(&loop, &pipes[1], 0)) != 0 ||
        (r = uv_pipe_open(&pipes[0], fds[0])) != 0 ||
        (r = uv_pipe_open(&pipes[1], fds[1])) != 0)
      die("pipe pair", r);
    writer = (uv_stream_t*) &pipes[0];
    reader = (uv_stream_t*) &pipes[1];
  } else {
    bench_tcp_pair(&loop, &server, &client, &accepted);
    writer = (uv_stream_t*) &client;
    reader = (uv_stream_t*) &accepted;
  }
  if ((r = uv_read_start(reader, alloc_cb, read_cb)) != 0)
    die("read_start", r);

  for (i = 0; i < rounds; i++) {
    queued = 0;
    received = 0;
    round_start = uv_hrtime();
    for (k = 0; k < nreqs; k++)
      queue_chunk(&reqs[k]);
    uv_run(&loop, UV_RUN_DEFAULT);  /* uv_stop once everything was read */
    times[i] = uv_hrtime() - round_start;
    if (received != total)
      return 1;
    /* The requests are reused: let their last callbacks run first. */
    while (in_flight > 0)
      uv_run(&loop, UV_RUN_ONCE);
    printf("round %d: %.2f ms (%.0f MB/s)\n", i + 1, times[i] / 1e6,
           (double) total / 1e6 * 1e9 / (double) times[i]);
  }
  bench_report(times, rounds, (double) total / 1e6, "MB");

  uv_close((uv_handle_t*) writer, NULL);
  uv_close((uv_handle_t*) reader, NULL);
  if (!use_pipe)
    uv_close((uv_handle_t*) &server, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  if (uv_loop_close(&loop) != 0)
    return 1;
  return 0;
}
