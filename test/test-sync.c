/* Synchronisation tests: mutexes, read-write locks, semaphores, condition
 * variables, barriers, once and thread-local keys. */
#include "task.h"

#include <limits.h>
#include <string.h>

/* ---- mutexes ------------------------------------------------------------ */

static uv_mutex_t mutex;
static int trylock_result;

static void trylock_entry(void* arg) {
  (void) arg;
  trylock_result = uv_mutex_trylock(&mutex);
  if (trylock_result == 0)
    uv_mutex_unlock(&mutex);
}

static int trylock_from_other_thread(void) {
  uv_thread_t tid;

  ASSERT_OK(uv_thread_create(&tid, trylock_entry, NULL));
  ASSERT_OK(uv_thread_join(&tid));
  return trylock_result;
}

TEST(sync_mutex_trylock) {
  ASSERT_OK(uv_mutex_init(&mutex));
  uv_mutex_lock(&mutex);
  ASSERT_EQ(trylock_from_other_thread(), UV_EBUSY);
  uv_mutex_unlock(&mutex);
  ASSERT_OK(trylock_from_other_thread());

  ASSERT_OK(uv_mutex_trylock(&mutex));
  ASSERT_EQ(trylock_from_other_thread(), UV_EBUSY);
  uv_mutex_unlock(&mutex);
  uv_mutex_destroy(&mutex);
  return 0;
}

TEST(sync_mutex_recursive) {
  ASSERT_OK(uv_mutex_init_recursive(&mutex));
  uv_mutex_lock(&mutex);
  uv_mutex_lock(&mutex);
  ASSERT_OK(uv_mutex_trylock(&mutex));
  ASSERT_EQ(trylock_from_other_thread(), UV_EBUSY);
  uv_mutex_unlock(&mutex);
  uv_mutex_unlock(&mutex);
  ASSERT_EQ(trylock_from_other_thread(), UV_EBUSY);  /* still held once */
  uv_mutex_unlock(&mutex);
  ASSERT_OK(trylock_from_other_thread());
  uv_mutex_destroy(&mutex);
  return 0;
}

/* Mutual exclusion under contention: unprotected read-modify-write would
 * lose increments. */
#define COUNT_THREADS 4
#define COUNT_ROUNDS 20000

static long counter;

static void count_entry(void* arg) {
  volatile long* c;
  int i;

  (void) arg;
  c = &counter;
  for (i = 0; i < COUNT_ROUNDS; i++) {
    uv_mutex_lock(&mutex);
    *c = *c + 1;
    uv_mutex_unlock(&mutex);
  }
}

TEST(sync_mutex_exclusion) {
  uv_thread_t tids[COUNT_THREADS];
  int i;

  ASSERT_OK(uv_mutex_init(&mutex));
  for (i = 0; i < COUNT_THREADS; i++)
    ASSERT_OK(uv_thread_create(&tids[i], count_entry, NULL));
  for (i = 0; i < COUNT_THREADS; i++)
    ASSERT_OK(uv_thread_join(&tids[i]));
  ASSERT_EQ(counter, (long) COUNT_THREADS * COUNT_ROUNDS);
  uv_mutex_destroy(&mutex);
  return 0;
}

/* ---- read-write locks --------------------------------------------------- */

static uv_rwlock_t rwlock;
static uv_barrier_t rw_barrier;
static int rw_try_result;

static void reader_entry(void* arg) {
  (void) arg;
  uv_rwlock_rdlock(&rwlock);
  /* Both readers get here while holding the lock: readers share. */
  uv_barrier_wait(&rw_barrier);
  /* The main thread checks that a writer is kept out. */
  uv_barrier_wait(&rw_barrier);
  uv_rwlock_rdunlock(&rwlock);
}

static void try_write_entry(void* arg) {
  (void) arg;
  rw_try_result = uv_rwlock_trywrlock(&rwlock);
  if (rw_try_result == 0)
    uv_rwlock_wrunlock(&rwlock);
}

static void try_read_entry(void* arg) {
  (void) arg;
  rw_try_result = uv_rwlock_tryrdlock(&rwlock);
  if (rw_try_result == 0)
    uv_rwlock_rdunlock(&rwlock);
}

static int run_entry(uv_thread_cb entry) {
  uv_thread_t tid;

  ASSERT_OK(uv_thread_create(&tid, entry, NULL));
  ASSERT_OK(uv_thread_join(&tid));
  return rw_try_result;
}

TEST(sync_rwlock) {
  uv_thread_t readers[2];
  int i;

  ASSERT_OK(uv_rwlock_init(&rwlock));
  ASSERT_OK(uv_barrier_init(&rw_barrier, 3));

  /* Two readers at once; a writer cannot get in meanwhile. */
  for (i = 0; i < 2; i++)
    ASSERT_OK(uv_thread_create(&readers[i], reader_entry, NULL));
  uv_barrier_wait(&rw_barrier);
  ASSERT_EQ(run_entry(try_write_entry), UV_EBUSY);
  ASSERT_EQ(uv_rwlock_trywrlock(&rwlock), UV_EBUSY);
  ASSERT_OK(run_entry(try_read_entry));  /* a third reader is welcome */
  uv_barrier_wait(&rw_barrier);
  for (i = 0; i < 2; i++)
    ASSERT_OK(uv_thread_join(&readers[i]));

  /* A writer excludes readers and writers. */
  uv_rwlock_wrlock(&rwlock);
  ASSERT_EQ(run_entry(try_read_entry), UV_EBUSY);
  ASSERT_EQ(run_entry(try_write_entry), UV_EBUSY);
  uv_rwlock_wrunlock(&rwlock);
  ASSERT_OK(run_entry(try_write_entry));

  ASSERT_OK(uv_rwlock_trywrlock(&rwlock));
  ASSERT_EQ(run_entry(try_read_entry), UV_EBUSY);
  uv_rwlock_wrunlock(&rwlock);
  ASSERT_OK(uv_rwlock_tryrdlock(&rwlock));
  ASSERT_EQ(run_entry(try_write_entry), UV_EBUSY);
  uv_rwlock_rdunlock(&rwlock);

  uv_barrier_destroy(&rw_barrier);
  uv_rwlock_destroy(&rwlock);
  return 0;
}

/* ---- semaphores --------------------------------------------------------- */

static uv_sem_t sem;
static uv_sem_t sem_back;

static void sem_entry(void* arg) {
  int i;

  (void) arg;
  for (i = 0; i < 100; i++) {
    uv_sem_wait(&sem);
    uv_sem_post(&sem_back);
  }
}

TEST(sync_sem) {
  uv_thread_t tid;
  int i;

  ASSERT_OK(uv_sem_init(&sem, 0));
  ASSERT_EQ(uv_sem_trywait(&sem), UV_EAGAIN);
  uv_sem_post(&sem);
  uv_sem_post(&sem);
  ASSERT_OK(uv_sem_trywait(&sem));
  ASSERT_OK(uv_sem_trywait(&sem));
  ASSERT_EQ(uv_sem_trywait(&sem), UV_EAGAIN);
  uv_sem_destroy(&sem);

  /* The initial value counts. */
  ASSERT_OK(uv_sem_init(&sem, 3));
  for (i = 0; i < 3; i++)
    ASSERT_OK(uv_sem_trywait(&sem));
  ASSERT_EQ(uv_sem_trywait(&sem), UV_EAGAIN);
  uv_sem_destroy(&sem);

  /* Ping-pong between two threads. */
  ASSERT_OK(uv_sem_init(&sem, 0));
  ASSERT_OK(uv_sem_init(&sem_back, 0));
  ASSERT_OK(uv_thread_create(&tid, sem_entry, NULL));
  for (i = 0; i < 100; i++) {
    uv_sem_post(&sem);
    uv_sem_wait(&sem_back);
  }
  ASSERT_OK(uv_thread_join(&tid));
  ASSERT_EQ(uv_sem_trywait(&sem), UV_EAGAIN);
  ASSERT_EQ(uv_sem_trywait(&sem_back), UV_EAGAIN);
  uv_sem_destroy(&sem);
  uv_sem_destroy(&sem_back);
  return 0;
}

TEST(sync_sem_einval) {
#if defined(__linux__)
  /* Above SEM_VALUE_MAX (INT_MAX on Linux). */
  ASSERT_EQ(uv_sem_init(&sem, UINT_MAX), UV_EINVAL);
#endif
  return 0;
}

/* ---- condition variables ------------------------------------------------ */

static uv_cond_t cond;
static int cond_ready;
static int cond_woken;

static void cond_waiter(void* arg) {
  (void) arg;
  uv_mutex_lock(&mutex);
  cond_ready++;
  uv_cond_signal(&cond);  /* tell main we are waiting (or about to) */
  while (cond_ready > 0)
    uv_cond_wait(&cond, &mutex);
  cond_woken++;
  uv_mutex_unlock(&mutex);
}

TEST(sync_cond_signal) {
  uv_thread_t tid;

  ASSERT_OK(uv_mutex_init(&mutex));
  ASSERT_OK(uv_cond_init(&cond));
  ASSERT_OK(uv_thread_create(&tid, cond_waiter, NULL));

  uv_mutex_lock(&mutex);
  while (cond_ready == 0)
    uv_cond_wait(&cond, &mutex);
  cond_ready = 0;
  uv_cond_signal(&cond);
  uv_mutex_unlock(&mutex);

  ASSERT_OK(uv_thread_join(&tid));
  ASSERT_EQ(cond_woken, 1);
  uv_cond_destroy(&cond);
  uv_mutex_destroy(&mutex);
  return 0;
}

#define WAITERS 5

static int bcast_waiting;
static int bcast_go;
static int bcast_woken;
static uv_cond_t bcast_cond;

static void bcast_waiter(void* arg) {
  (void) arg;
  uv_mutex_lock(&mutex);
  bcast_waiting++;
  uv_cond_signal(&cond);
  while (!bcast_go)
    uv_cond_wait(&bcast_cond, &mutex);
  bcast_woken++;
  uv_mutex_unlock(&mutex);
}

TEST(sync_cond_broadcast) {
  uv_thread_t tids[WAITERS];
  int i;

  ASSERT_OK(uv_mutex_init(&mutex));
  ASSERT_OK(uv_cond_init(&cond));
  ASSERT_OK(uv_cond_init(&bcast_cond));
  for (i = 0; i < WAITERS; i++)
    ASSERT_OK(uv_thread_create(&tids[i], bcast_waiter, NULL));

  uv_mutex_lock(&mutex);
  while (bcast_waiting < WAITERS)
    uv_cond_wait(&cond, &mutex);
  /* Every waiter is now blocked in (or about to enter) the wait, holding
   * nothing; one broadcast must release them all. */
  bcast_go = 1;
  uv_cond_broadcast(&bcast_cond);
  uv_mutex_unlock(&mutex);

  for (i = 0; i < WAITERS; i++)
    ASSERT_OK(uv_thread_join(&tids[i]));
  ASSERT_EQ(bcast_woken, WAITERS);
  uv_cond_destroy(&bcast_cond);
  uv_cond_destroy(&cond);
  uv_mutex_destroy(&mutex);
  return 0;
}

TEST(sync_cond_timedwait_timeout) {
  uint64_t start;
  uint64_t elapsed;
  int r;

  ASSERT_OK(uv_mutex_init(&mutex));
  ASSERT_OK(uv_cond_init(&cond));
  uv_mutex_lock(&mutex);

  /* Nobody signals: the wait ends after at least the timeout. */
  start = uv_hrtime();
  do {
    r = uv_cond_timedwait(&cond, &mutex, 50 * 1000 * 1000);
    /* A spurious wakeup returns 0 early; only the timeout may end it. */
  } while (r == 0 && uv_hrtime() - start < 50 * 1000 * 1000);
  elapsed = uv_hrtime() - start;
  ASSERT_EQ(r, UV_ETIMEDOUT);
  ASSERT_UINT64_GE(elapsed, 50 * 1000 * 1000);

  /* A zero timeout still returns, with the mutex held again. */
  ASSERT_EQ(uv_cond_timedwait(&cond, &mutex, 0), UV_ETIMEDOUT);
  ASSERT_EQ(trylock_from_other_thread(), UV_EBUSY);

  uv_mutex_unlock(&mutex);
  uv_cond_destroy(&cond);
  uv_mutex_destroy(&mutex);
  return 0;
}

static int timed_flag;

static void timed_signaller(void* arg) {
  (void) arg;
  uv_mutex_lock(&mutex);
  timed_flag = 1;
  uv_cond_signal(&cond);
  uv_mutex_unlock(&mutex);
}

TEST(sync_cond_timedwait_signalled) {
  uv_thread_t tid;
  int r;

  ASSERT_OK(uv_mutex_init(&mutex));
  ASSERT_OK(uv_cond_init(&cond));
  uv_mutex_lock(&mutex);
  ASSERT_OK(uv_thread_create(&tid, timed_signaller, NULL));
  /* An enormous timeout (overflowing the clock) must not break it. */
  r = 0;
  while (!timed_flag && r == 0)
    r = uv_cond_timedwait(&cond, &mutex, UINT64_MAX);
  ASSERT_OK(r);
  ASSERT_EQ(timed_flag, 1);
  uv_mutex_unlock(&mutex);
  ASSERT_OK(uv_thread_join(&tid));

  /* Likewise with an ordinary timeout of 10 s. */
  timed_flag = 0;
  uv_mutex_lock(&mutex);
  ASSERT_OK(uv_thread_create(&tid, timed_signaller, NULL));
  while (!timed_flag && r == 0)
    r = uv_cond_timedwait(&cond, &mutex, (uint64_t) 10 * 1000 * 1000 * 1000);
  ASSERT_OK(r);
  uv_mutex_unlock(&mutex);
  ASSERT_OK(uv_thread_join(&tid));

  uv_cond_destroy(&cond);
  uv_mutex_destroy(&mutex);
  return 0;
}

/* ---- barriers ----------------------------------------------------------- */

#define MAX_PARTIES 8
#define ROUNDS 5

static uv_barrier_t barrier;
static int serial_count[ROUNDS];
static int arrived[ROUNDS];
static int parties;

static void barrier_round(void) {
  int r;
  int i;

  for (i = 0; i < ROUNDS; i++) {
    __atomic_fetch_add(&arrived[i], 1, __ATOMIC_SEQ_CST);
    r = uv_barrier_wait(&barrier);
    ASSERT_GE(r, 0);
    /* Nobody leaves a round before everybody arrived. */
    ASSERT_EQ(__atomic_load_n(&arrived[i], __ATOMIC_SEQ_CST), parties);
    if (r > 0)
      __atomic_fetch_add(&serial_count[i], 1, __ATOMIC_SEQ_CST);
  }
}

static void barrier_entry(void* arg) {
  (void) arg;
  barrier_round();
}

TEST(sync_barrier) {
  uv_thread_t tids[MAX_PARTIES];
  int i;

  for (parties = 1; parties <= MAX_PARTIES; parties++) {
    memset(serial_count, 0, sizeof(serial_count));
    memset(arrived, 0, sizeof(arrived));
    ASSERT_OK(uv_barrier_init(&barrier, (unsigned int) parties));
    for (i = 0; i < parties - 1; i++)
      ASSERT_OK(uv_thread_create(&tids[i], barrier_entry, NULL));
    barrier_round();
    for (i = 0; i < parties - 1; i++)
      ASSERT_OK(uv_thread_join(&tids[i]));
    /* Each round, exactly one thread was told it was the last out. */
    for (i = 0; i < ROUNDS; i++)
      ASSERT_EQ(serial_count[i], 1);
    uv_barrier_destroy(&barrier);
  }
  return 0;
}

TEST(sync_barrier_einval) {
  ASSERT_EQ(uv_barrier_init(&barrier, 0), UV_EINVAL);
  ASSERT_EQ(uv_barrier_init(NULL, 1), UV_EINVAL);
  ASSERT_OK(uv_barrier_init(&barrier, 1));
  ASSERT_EQ(uv_barrier_wait(&barrier), 1);  /* alone: always the one */
  ASSERT_EQ(uv_barrier_wait(&barrier), 1);
  uv_barrier_destroy(&barrier);
  return 0;
}

/* The thread told ">0" may destroy the barrier at once: every other
 * thread is done with it. */
static uv_barrier_t* heap_barrier;

static void destroy_race_entry(void* arg) {
  (void) arg;
  if (uv_barrier_wait(heap_barrier) > 0) {
    uv_barrier_destroy(heap_barrier);
    free(heap_barrier);
  }
}

TEST(sync_barrier_serial_destroys) {
  uv_thread_t tids[4];
  int round;
  int i;

  for (round = 0; round < 50; round++) {
    heap_barrier = malloc(sizeof(*heap_barrier));
    ASSERT_NOT_NULL(heap_barrier);
    ASSERT_OK(uv_barrier_init(heap_barrier, 4));
    for (i = 0; i < 4; i++)
      ASSERT_OK(uv_thread_create(&tids[i], destroy_race_entry, NULL));
    for (i = 0; i < 4; i++)
      ASSERT_OK(uv_thread_join(&tids[i]));
  }
  return 0;
}

/* ---- once --------------------------------------------------------------- */

static uv_once_t once_guard = UV_ONCE_INIT;
static int once_calls;
static uv_barrier_t once_start;

static void once_cb(void) {
  __atomic_fetch_add(&once_calls, 1, __ATOMIC_SEQ_CST);
}

static void once_entry(void* arg) {
  (void) arg;
  uv_barrier_wait(&once_start);
  uv_once(&once_guard, once_cb);
  /* Whoever returns from uv_once sees the callback completed. */
  ASSERT_EQ(__atomic_load_n(&once_calls, __ATOMIC_SEQ_CST), 1);
}

TEST(sync_once) {
  uv_thread_t tids[8];
  int i;

  ASSERT_OK(uv_barrier_init(&once_start, 8));
  for (i = 0; i < 8; i++)
    ASSERT_OK(uv_thread_create(&tids[i], once_entry, NULL));
  for (i = 0; i < 8; i++)
    ASSERT_OK(uv_thread_join(&tids[i]));
  uv_once(&once_guard, once_cb);
  ASSERT_EQ(once_calls, 1);
  uv_barrier_destroy(&once_start);
  return 0;
}

/* ---- thread-local keys -------------------------------------------------- */

static uv_key_t key;

static void key_entry(void* arg) {
  /* A new thread starts with NULL, whatever other threads stored. */
  ASSERT_NULL(uv_key_get(&key));
  uv_key_set(&key, arg);
  ASSERT_PTR_EQ(uv_key_get(&key), arg);
}

TEST(sync_key) {
  uv_thread_t tids[4];
  int values[4];
  int mine;
  int i;

  ASSERT_OK(uv_key_create(&key));
  ASSERT_NULL(uv_key_get(&key));
  uv_key_set(&key, &mine);
  for (i = 0; i < 4; i++)
    ASSERT_OK(uv_thread_create(&tids[i], key_entry, &values[i]));
  for (i = 0; i < 4; i++)
    ASSERT_OK(uv_thread_join(&tids[i]));
  /* The other threads' values did not touch ours. */
  ASSERT_PTR_EQ(uv_key_get(&key), &mine);
  uv_key_set(&key, NULL);
  ASSERT_NULL(uv_key_get(&key));
  uv_key_delete(&key);
  return 0;
}
