/* uvcore benchmarks — pieces every benchmark shares.  Public libuv API
 * only, so each benchmark builds against uvcore and against libuv. */
#ifndef UVCORE_BENCH_COMMON_H
#define UVCORE_BENCH_COMMON_H

#include <uv.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* A benchmark that hits an error has no meaningful figure: stop at once. */
static inline void die(const char* what, int err) {
  fprintf(stderr, "%s: %s\n", what, uv_strerror(err));
  exit(1);
}

static inline int cmp_u64(const void* a, const void* b) {
  uint64_t x = *(const uint64_t*) a;
  uint64_t y = *(const uint64_t*) b;
  return x < y ? -1 : x > y;
}

/* Sorts the per-round times in place and returns the median. */
static inline uint64_t median_ns(uint64_t* times, int rounds) {
  qsort(times, (size_t) rounds, sizeof(times[0]), cmp_u64);
  return times[rounds / 2];
}

/* Quick mode (BENCH_QUICK=1 in the environment; bench/run-compare.sh
 * --quick sets it): a quarter of the work and at most 3 rounds inside each
 * run, so CI's informational comparison stays short.  Every benchmark
 * passes its operation counts through bench_n() and its round count
 * through bench_rounds(). */
static inline int bench_quick(void) {
  const char* q = getenv("BENCH_QUICK");
  return q != NULL && q[0] != '\0' && q[0] != '0';
}

static inline unsigned long bench_n(unsigned long n) {
  if (bench_quick() && n >= 4)
    n /= 4;
  return n;
}

static inline int bench_rounds(int rounds) {
  return bench_quick() && rounds > 3 ? 3 : rounds;
}

/* The last two lines every benchmark prints, read by run-compare.sh:
 * "median: <ms> ms (...)" over the rounds, and "ops: <count> <unit>",
 * the operations one round performs, from which it computes the rate. */
static inline void bench_report(uint64_t* times, int rounds, double ops,
                                const char* unit) {
  uint64_t med;

  med = median_ns(times, rounds);
  printf("median: %.3f ms (%.0f %s/s)\n", med / 1e6,
         ops * 1e9 / (double) (med ? med : 1), unit);
  printf("ops: %.0f %s\n", ops, unit);
}

/* ---- a connected TCP pair on loopback ---------------------------------
 * Listens on 127.0.0.1 (an ephemeral port), connects `client` and accepts
 * into `accepted`, running the loop until both ends are ready.  Each
 * benchmark then sets its own options and starts reading. */
static struct {
  uv_loop_t* loop;
  uv_tcp_t* accepted;
  uv_connect_t req;
  int connected;
  int have_peer;
} bench_pair;

static inline void bench_pair_connection_cb(uv_stream_t* srv, int status) {
  int r;

  if (status != 0)
    die("connection", status);
  if ((r = uv_tcp_init(bench_pair.loop, bench_pair.accepted)) != 0 ||
      (r = uv_accept(srv, (uv_stream_t*) bench_pair.accepted)) != 0)
    die("accept", r);
  bench_pair.have_peer = 1;
  if (bench_pair.connected)
    uv_stop(bench_pair.loop);
}

static inline void bench_pair_connect_cb(uv_connect_t* req, int status) {
  (void) req;
  if (status != 0)
    die("connect", status);
  bench_pair.connected = 1;
  if (bench_pair.have_peer)
    uv_stop(bench_pair.loop);
}

static inline void bench_tcp_pair(uv_loop_t* loop, uv_tcp_t* server,
                                  uv_tcp_t* client, uv_tcp_t* accepted) {
  struct sockaddr_in addr;
  int namelen;
  int r;

  bench_pair.loop = loop;
  bench_pair.accepted = accepted;
  if ((r = uv_ip4_addr("127.0.0.1", 0, &addr)) != 0 ||
      (r = uv_tcp_init(loop, server)) != 0 ||
      (r = uv_tcp_bind(server, (const struct sockaddr*) &addr, 0)) != 0 ||
      (r = uv_listen((uv_stream_t*) server, 16,
                     bench_pair_connection_cb)) != 0)
    die("server", r);
  namelen = (int) sizeof(addr);
  if ((r = uv_tcp_getsockname(server, (struct sockaddr*) &addr,
                              &namelen)) != 0 ||
      (r = uv_tcp_init(loop, client)) != 0 ||
      (r = uv_tcp_connect(&bench_pair.req, client,
                          (const struct sockaddr*) &addr,
                          bench_pair_connect_cb)) != 0)
    die("client", r);
  uv_run(loop, UV_RUN_DEFAULT);  /* until connected and accepted */
  if (!bench_pair.connected || !bench_pair.have_peer)
    die("connecting", UV_ECONNABORTED);
}

#endif
