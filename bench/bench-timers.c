/* bench-timers — the timer heap under load.
 *
 *   fire    N timers started (due 0-7 ms ahead, spread evenly), then the
 *           loop runs until all fired: heap insertions plus removals in
 *           due order and N callbacks;
 *   stop    N timers started (due seconds ahead) and stopped again, in
 *           start order: insertions plus removals from anywhere in the heap;
 *   rearm   one timer re-armed N times with uv_timer_start while active,
 *           as a connection's idle timeout is on every read.
 *
 * The peak resident set size is printed too ("rss:"), for the memory
 * report.  Public API only: builds against uvcore and against libuv.
 *
 * Usage: bench-timers fire|stop|rearm [timers] [rounds]
 *        (defaults 1000000 and 5).
 *
 * compare: fire fire 1000000 3
 * compare: stop stop 1000000 3
 * compare: rearm rearm 20000000 3
 */
#include "bench-common.h"

#include <string.h>
#include <sys/resource.h>

static uv_loop_t loop;
static uv_timer_t* timers;
static unsigned long fired;

static void timer_cb(uv_timer_t* t) {
  (void) t;
  fired++;
}

int main(int argc, char** argv) {
  struct rusage ru;
  uint64_t times[64];
  unsigned long n;
  unsigned long k;
  uint64_t t0;
  int rounds;
  int mode;
  int i;

  if (argc < 2)
    return 2;
  if (strcmp(argv[1], "fire") == 0)
    mode = 0;
  else if (strcmp(argv[1], "stop") == 0)
    mode = 1;
  else if (strcmp(argv[1], "rearm") == 0)
    mode = 2;
  else
    return 2;
  n = bench_n(argc > 2 ? strtoul(argv[2], NULL, 10) : 1000000);
  rounds = bench_rounds(argc > 3 ? atoi(argv[3]) : 5);
  if (n == 0 || rounds < 1 || rounds > 64)
    return 2;
  timers = calloc(mode == 2 ? 1 : n, sizeof(*timers));
  if (timers == NULL || uv_loop_init(&loop) != 0)
    return 1;
  for (k = 0; k < (mode == 2 ? 1 : n); k++)
    uv_timer_init(&loop, &timers[k]);

  for (i = 0; i < rounds; i++) {
    fired = 0;
    uv_update_time(&loop);
    t0 = uv_hrtime();
    if (mode == 0) {
      for (k = 0; k < n; k++)
        uv_timer_start(&timers[k], timer_cb, k * 8 / n, 0);
      uv_run(&loop, UV_RUN_DEFAULT);
      if (fired != n)
        return 1;
    } else if (mode == 1) {
      for (k = 0; k < n; k++)
        uv_timer_start(&timers[k], timer_cb, 10000 + k % 1000, 0);
      for (k = 0; k < n; k++)
        uv_timer_stop(&timers[k]);
    } else {
      for (k = 0; k < n; k++)
        uv_timer_start(&timers[0], timer_cb, 10000 + (k & 1023), 0);
      uv_timer_stop(&timers[0]);
    }
    times[i] = uv_hrtime() - t0;
    printf("round %d: %.2f ms\n", i + 1, times[i] / 1e6);
  }
  getrusage(RUSAGE_SELF, &ru);
  printf("rss: %ld KiB peak\n", ru.ru_maxrss);
  bench_report(times, rounds, (double) n, "timers");
  for (k = 0; k < (mode == 2 ? 1 : n); k++)
    uv_close((uv_handle_t*) &timers[k], NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  free(timers);
  return uv_loop_close(&loop) != 0;
}
