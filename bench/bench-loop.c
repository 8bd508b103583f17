/* bench-loop — the cost of one pass through the event loop.
 *
 *   idle    loop iterations per second with one active idle handle (the
 *           loop never blocks: each pass updates the clock, runs the
 *           phases, polls with a zero timeout and calls the idle callback);
 *   nowait  uv_run(UV_RUN_NOWAIT) calls per second on a loop with nothing
 *           in it (the fixed entry and exit cost of uv_run).
 *
 * Public API only: builds against uvcore and against libuv.
 *
 * Usage: bench-loop idle|nowait [iterations] [rounds]
 *        (defaults 1000000 and 5; prints each round and the median).
 *
 * compare: idle idle 1000000 5
 * compare: nowait nowait 20000000 5
 */
#include "bench-common.h"

#include <string.h>

static uv_loop_t loop;
static uv_idle_t idle;
static unsigned long left;

static void idle_cb(uv_idle_t* h) {
  if (--left == 0)
    uv_idle_stop(h);
}

int main(int argc, char** argv) {
  uint64_t times[64];
  unsigned long n;
  unsigned long k;
  uint64_t t0;
  int rounds;
  int nowait;
  int i;

  if (argc < 2)
    return 2;
  nowait = strcmp(argv[1], "nowait") == 0;
  if (!nowait && strcmp(argv[1], "idle") != 0)
    return 2;
  n = bench_n(argc > 2 ? strtoul(argv[2], NULL, 10) : 1000000);
  rounds = bench_rounds(argc > 3 ? atoi(argv[3]) : 5);
  if (n == 0 || rounds < 1 || rounds > 64)
    return 2;
  if (uv_loop_init(&loop) != 0 || uv_idle_init(&loop, &idle) != 0)
    return 1;

  for (i = 0; i < rounds; i++) {
    t0 = uv_hrtime();
    if (nowait) {
      for (k = 0; k < n; k++)
        uv_run(&loop, UV_RUN_NOWAIT);
    } else {
      left = n;
      uv_idle_start(&idle, idle_cb);
      uv_run(&loop, UV_RUN_DEFAULT);
    }
    times[i] = uv_hrtime() - t0;
    printf("round %d: %.2f ms\n", i + 1, times[i] / 1e6);
  }
  bench_report(times, rounds, (double) n, "iterations");
  uv_close((uv_handle_t*) &idle, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  return uv_loop_close(&loop) != 0;
}
