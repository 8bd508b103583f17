/* bench-threadpool — thread-pool round-trip throughput.
 *
 * Queues N trivial uv_queue_work() jobs from the loop thread, runs the loop
 * and reports the wall time until every after_work callback has run.
 * Uses the public API only, so the same file builds against uvcore and
 * against libuv:
 *
 *   gcc -O2 bench/bench-threadpool.c -Iinclude build/<dir>/libuvcore.a \
 *       -lpthread -o bt-uvcore
 *   gcc -O2 bench/bench-threadpool.c -luv -o bt-libuv
 *
 * Usage: bt [jobs] [rounds] [chain]   (defaults 100000 and 5; prints each
 * round and the median).  With a third argument "chain", jobs run one at a
 * time instead: each after_work callback queues the next job, which
 * measures the round-trip latency of an idle pool rather than throughput.
 */
#include "bench-common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long after_count;
static unsigned long work_sum;
static unsigned long chain_left;

static void work_cb(uv_work_t* req) {
  /* Trivial but not empty: touch the request. */
  req->data = (void*) ((char*) req->data + 1);
}

static void after_cb(uv_work_t* req, int status) {
  if (status != 0) {
    fprintf(stderr, "after_work status %d\n", status);
    exit(1);
  }
  work_sum += (unsigned long) (char*) req->data;
  after_count++;
  if (chain_left > 0) {
    chain_left--;
    req->data = NULL;
    if (uv_queue_work(req->loop, req, work_cb, after_cb))
      exit(1);
  }
}

int main(int argc, char** argv) {
  unsigned long jobs;
  unsigned long i;
  uv_work_t* reqs;
  uv_loop_t loop;
  uint64_t times[64];
  uint64_t med;
  uint64_t t0;
  int rounds;
  int chain;
  int r;

  jobs = bench_n(argc > 1 ? strtoul(argv[1], NULL, 10) : 100000);
  rounds = bench_rounds(argc > 2 ? atoi(argv[2]) : 5);
  chain = argc > 3 && strcmp(argv[3], "chain") == 0;
  if (jobs == 0 || rounds < 1 || rounds > 64)
    return 2;
  reqs = calloc(jobs, sizeof(*reqs));
  if (reqs == NULL || uv_loop_init(&loop))
    return 1;

  /* Warm-up: start the pool outside the measurement. */
  uv_queue_work(&loop, &reqs[0], work_cb, after_cb);
  uv_run(&loop, UV_RUN_DEFAULT);

  for (r = 0; r < rounds; r++) {
    after_count = 0;
    t0 = uv_hrtime();
    if (chain) {
      chain_left = jobs - 1;
      reqs[0].data = NULL;
      if (uv_queue_work(&loop, &reqs[0], work_cb, after_cb))
        return 1;
    } else {
      for (i = 0; i < jobs; i++) {
        reqs[i].data = NULL;
        if (uv_queue_work(&loop, &reqs[i], work_cb, after_cb))
          return 1;
      }
    }
    uv_run(&loop, UV_RUN_DEFAULT);
    times[r] = uv_hrtime() - t0;
    if (after_count != jobs)
      return 1;
    printf("round %d: %.2f ms (%.0f ns/job)\n", r + 1, times[r] / 1e6,
           (double) times[r] / (double) jobs);
  }
  med = median_ns(times, rounds);
  printf("median: %.2f ms (%.0f ns/job)\n", med / 1e6,
         (double) med / (double) jobs);
  printf("ops: %lu jobs\n", jobs);
  uv_loop_close(&loop);
  free(reqs);
  return 0;
}
