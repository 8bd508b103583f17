/* bench-sync — the thread library's locks, as wrapped by the event library.
 *
 *   mutex    uv_mutex_lock/unlock pairs, uncontended, one thread;
 *   rwlock   uv_rwlock_rdlock/rdunlock pairs, uncontended, one thread;
 *   condvar  round trips between two threads handing a turn back and forth
 *            with one mutex and two condition variables (each round trip is
 *            two waits and two signals: a wake-up through the kernel each).
 *
 * Public API only: builds against uvcore and against libuv.
 *
 * Usage: bench-sync mutex|rwlock|condvar [operations] [rounds]
 *
 * compare: mutex mutex 20000000 3
 * compare: rwlock rwlock 20000000 3
 * compare: condvar condvar 50000 3
 */
#include "bench-common.h"

#include <string.h>

static uv_mutex_t mutex;
static uv_rwlock_t rwlock;
static uv_cond_t to_b;
static uv_cond_t to_a;
static int turn;                 /* 0: a's turn, 1: b's */
static unsigned long trips;

static void side_b(void* arg) {
  unsigned long k;

  (void) arg;
  uv_mutex_lock(&mutex);
  for (k = 0; k < trips; k++) {
    while (turn != 1)
      uv_cond_wait(&to_b, &mutex);
    turn = 0;
    uv_cond_signal(&to_a);
  }
  uv_mutex_unlock(&mutex);
}

int main(int argc, char** argv) {
  uint64_t times[64];
  uv_thread_t tid;
  unsigned long n;
  unsigned long k;
  uint64_t t0;
  int rounds;
  int mode;
  int i;

  if (argc < 2)
    return 2;
  if (strcmp(argv[1], "mutex") == 0)
    mode = 0;
  else if (strcmp(argv[1], "rwlock") == 0)
    mode = 1;
  else if (strcmp(argv[1], "condvar") == 0)
    mode = 2;
  else
    return 2;
  n = bench_n(argc > 2 ? strtoul(argv[2], NULL, 10) : 1000000);
  rounds = bench_rounds(argc > 3 ? atoi(argv[3]) : 3);
  if (n == 0 || rounds < 1 || rounds > 64)
    return 2;
  if (uv_mutex_init(&mutex) != 0 || uv_rwlock_init(&rwlock) != 0 ||
      uv_cond_init(&to_a) != 0 || uv_cond_init(&to_b) != 0)
    return 1;

  for (i = 0; i < rounds; i++) {
    t0 = uv_hrtime();
    if (mode == 0) {
      for (k = 0; k < n; k++) {
        uv_mutex_lock(&mutex);
        uv_mutex_unlock(&mutex);
      }
    } else if (mode == 1) {
      for (k = 0; k < n; k++) {
        uv_rwlock_rdlock(&rwlock);
        uv_rwlock_rdunlock(&rwlock);
      }
    } else {
      trips = n;
      turn = 0;
      if (uv_thread_create(&tid, side_b, NULL) != 0)
        return 1;
      uv_mutex_lock(&mutex);
      for (k = 0; k < n; k++) {
        turn = 1;
        uv_cond_signal(&to_b);
        while (turn != 0)
          uv_cond_wait(&to_a, &mutex);
      }
      uv_mutex_unlock(&mutex);
      uv_thread_join(&tid);
    }
    times[i] = uv_hrtime() - t0;
    printf("round %d: %.2f ms\n", i + 1, times[i] / 1e6);
  }
  bench_report(times, rounds, (double) n,
               mode == 2 ? "round trips" : "lock pairs");
  uv_cond_destroy(&to_a);
  uv_cond_destroy(&to_b);
  uv_rwlock_destroy(&rwlock);
  uv_mutex_destroy(&mutex);
  return 0;
}
