/* bench-thread-create — uv_thread_create + uv_thread_join rate.
 *
 * Creates a thread running an empty function and joins it, N times per
 * round, one at a time: the cost of the thread layer's start-up path
 * (attributes, stack size, any hand-shake with the new thread) on top of
 * the kernel's clone and exit.  Public API only.
 *
 * Usage: bench-thread-create [threads] [rounds]   (defaults 2000 and 7)
 */
#include "bench-common.h"

static void entry(void* arg) {
  (void) arg;
}

int main(int argc, char** argv) {
  uint64_t times[64];
  uv_thread_t tid;
  unsigned long n;
  unsigned long j;
  uint64_t med;
  uint64_t t0;
  int rounds;
  int i;
  int r;

  n = bench_n(argc > 1 ? strtoul(argv[1], NULL, 10) : 2000);
  rounds = bench_rounds(argc > 2 ? atoi(argv[2]) : 7);
  if (n == 0 || rounds < 1 || rounds > 64)
    return 2;

  for (i = 0; i < rounds; i++) {
    t0 = uv_hrtime();
    for (j = 0; j < n; j++) {
      if ((r = uv_thread_create(&tid, entry, NULL)) != 0)
        die("uv_thread_create", r);
      if ((r = uv_thread_join(&tid)) != 0)
        die("uv_thread_join", r);
    }
    times[i] = uv_hrtime() - t0;
    printf("round %d: %.2f ms (%.0f ns/thread)\n", i + 1, times[i] / 1e6,
           (double) times[i] / (double) n);
  }
  med = median_ns(times, rounds);
  printf("median: %.2f ms (%.0f ns/thread)\n", med / 1e6,
         (double) med / (double) n);
  printf("ops: %lu threads\n", n);
  return 0;
}
