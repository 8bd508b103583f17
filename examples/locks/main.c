/* locks: readers and a writer share a value under a read-write lock; a
 * barrier tells the main thread when all of them are done.
 *
 * The writer adds 1 twice per turn, holding the write lock across both
 * additions; readers take the read lock, so they can run together but
 * never see the value between the two additions: every value they read is
 * even.  All threads and the main thread meet at a uv_barrier_t; exactly
 * one of them gets a non-zero return from uv_barrier_wait, which is how
 * one thread can be picked to clean up (here: the main thread just
 * reports which one it was).
 */
#include "common.h"

#include <stdio.h>

#define READERS 3
#define TURNS 200

static uv_rwlock_t lock;
static uv_barrier_t done;
static unsigned long value;
static unsigned long reads[READERS];
static int odd_seen;
static int serial_thread = -1;  /* who got the barrier's non-zero return */

static void writer(void* arg) {
  int i;

  (void) arg;
  for (i = 0; i < TURNS; i++) {
    uv_rwlock_wrlock(&lock);
    value++;
    value++;
    uv_rwlock_wrunlock(&lock);
  }
  if (uv_barrier_wait(&done) > 0)
    serial_thread = READERS;
}

static void reader(void* arg) {
  int me = (int) (intptr_t) arg;
  unsigned long v = 0;

  while (v < 2 * TURNS) {
    uv_rwlock_rdlock(&lock);
    v = value;
    uv_rwlock_rdunlock(&lock);
    if (v % 2 != 0)
      odd_seen = 1;
    /* A pause now and then: a lock that favours readers could otherwise
     * keep the writer waiting for as long as readers keep coming. */
    if (++reads[me] % 64 == 0)
      uv_sleep(1);
  }
  if (uv_barrier_wait(&done) > 0)
    serial_thread = me;
}

int main(int argc, char** argv) {
  uv_thread_t threads[READERS + 1];
  int i;

  (void) argc;
  set_program_name(argv[0]);
  check(uv_rwlock_init(&lock), "uv_rwlock_init");
  check(uv_barrier_init(&done, READERS + 2), "uv_barrier_init");
  for (i = 0; i < READERS; i++)
    check(uv_thread_create(&threads[i], reader, (void*) (intptr_t) i),
          "uv_thread_create");
  check(uv_thread_create(&threads[READERS], writer, NULL), "uv_thread_create");

  if (uv_barrier_wait(&done) > 0)
    serial_thread = READERS + 1;
  /* Past the barrier every thread has finished its work; joining still
   * waits for them to return. */
  for (i = 0; i <= READERS; i++)
    check(uv_thread_join(&threads[i]), "uv_thread_join");

  for (i = 0; i < READERS; i++)
    printf("reader %d read %lu times\n", i, reads[i]);
  printf("final value %lu\n", value);
  printf("readers saw an odd value: %s\n", odd_seen ? "yes" : "no");
  printf("the barrier's serial thread: %s\n",
         serial_thread == READERS + 1 ? "main" :
         serial_thread == READERS ? "writer" : "a reader");
  uv_barrier_destroy(&done);
  uv_rwlock_destroy(&lock);
  return 0;
}
