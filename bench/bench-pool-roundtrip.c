/* bench-pool-roundtrip — thread-pool latency with one request in flight.
 *
 * Each completion callback submits the next request, so the pool is idle
 * whenever a request arrives: what is measured is how fast an idle pool
 * thread wakes up, runs trivial work and gets the completion back to the
 * loop, the cost a program pays for every isolated fs call or
 * uv_queue_work.  Public API only (builds against uvcore and libuv).
 *
 * Usage: bench-pool-roundtrip [work|stat] [round trips] [rounds]
 *   work  uv_queue_work with an empty work callback (default)
 *   stat  asynchronous uv_fs_stat of "." one at a time
 * Prints each round and the median.
 *
 * compare: work work 20000 7
 * compare: stat stat 20000 7
 */
#include "bench-common.h"

#include <string.h>

static uv_loop_t loop;
static unsigned long left;
static unsigned long completed;
static uv_work_t work_req;
static uv_fs_t fs_req;

static void work_cb(uv_work_t* req) {
  (void) req;
}

static void after_work_cb(uv_work_t* req, int status) {
  int r;

  if (status != 0)
    die("after_work", status);
  completed++;
  if (left == 0)
    return;
  left--;
  if ((r = uv_queue_work(&loop, req, work_cb, after_work_cb)) != 0)
    die("uv_queue_work", r);
}

static void stat_cb(uv_fs_t* req) {
  int r;

  if (req->result != 0)
    die("uv_fs_stat", (int) req->result);
  uv_fs_req_cleanup(req);
  completed++;
  if (left == 0)
    return;
  left--;
  if ((r = uv_fs_stat(&loop, req, ".", stat_cb)) != 0)
    die("uv_fs_stat", r);
}

static void start(int stat, unsigned long n) {
  int r;

  completed = 0;
  left = n - 1;
  if (stat)
    r = uv_fs_stat(&loop, &fs_req, ".", stat_cb);
  else
    r = uv_queue_work(&loop, &work_req, work_cb, after_work_cb);
  if (r != 0)
    die("submit", r);
}

int main(int argc, char** argv) {
  uint64_t times[64];
  unsigned long n;
  uint64_t med;
  uint64_t t0;
  int rounds;
  int stat;
  int i;

  stat = argc > 1 && strcmp(argv[1], "stat") == 0;
  if (argc > 1 && !stat && strcmp(argv[1], "work") != 0)
    return 2;
  n = bench_n(argc > 2 ? strtoul(argv[2], NULL, 10) : 20000);
  rounds = bench_rounds(argc > 3 ? atoi(argv[3]) : 7);
  if (n == 0 || rounds < 1 || rounds > 64)
    return 2;
  if (uv_loop_init(&loop))
    return 1;

  /* Warm-up: starts the pool, outside the measurement. */
  start(stat, 100);
  uv_run(&loop, UV_RUN_DEFAULT);

  for (i = 0; i < rounds; i++) {
    t0 = uv_hrtime();
    start(stat, n);
    uv_run(&loop, UV_RUN_DEFAULT);
    times[i] = uv_hrtime() - t0;
    if (completed != n)
      return 1;
    printf("round %d: %.2f ms (%.0f ns/round trip)\n", i + 1,
           times[i] / 1e6, (double) times[i] / (double) n);
  }
  med = median_ns(times, rounds);
  printf("median: %.2f ms (%.0f ns/round trip)\n", med / 1e6,
         (double) med / (double) n);
  printf("ops: %lu round trips\n", n);
  uv_loop_close(&loop);
  return 0;
}
