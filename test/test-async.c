/* Tests of async handles: wake-ups from other threads and from signal
 * handlers, coalescing, closing while other threads send, and liveness.
 * Threads are plain system threads (pthreads, or _beginthreadex on
 * Windows) so these tests do not depend on uv_thread_*. */

#include "task.h"

#ifdef _WIN32
# include <process.h>
# include <stdlib.h>
#else
# include <pthread.h>
# include <signal.h>
# include <unistd.h>
#endif

#ifdef _WIN32
typedef HANDLE plain_thread_t;

struct plain_start {
  void* (*fn)(void*);
  void* arg;
};

static unsigned __stdcall plain_trampoline(void* p) {
  struct plain_start s;

  s = *(struct plain_start*) p;
  free(p);
  s.fn(s.arg);
  return 0;
}

static int plain_thread_create(plain_thread_t* t, void* (*fn)(void*),
                               void* arg) {
  struct plain_start* s;

  s = malloc(sizeof(*s));
  if (s == NULL)
    return -1;
  s->fn = fn;
  s->arg = arg;
  *t = (HANDLE) _beginthreadex(NULL, 0, plain_trampoline, s, 0, NULL);
  if (*t == NULL) {
    free(s);
    return -1;
  }
  return 0;
}

static int plain_thread_join(plain_thread_t t) {
  if (WaitForSingleObject(t, INFINITE) != WAIT_OBJECT_0)
    return -1;
  CloseHandle(t);
  return 0;
}
#else
typedef pthread_t plain_thread_t;

static int plain_thread_create(plain_thread_t* t, void* (*fn)(void*),
                               void* arg) {
  return pthread_create(t, NULL, fn, arg);
}

static int plain_thread_join(plain_thread_t t) {
  return pthread_join(t, NULL);
}
#endif

static int async_calls;

static void count_async_cb(uv_async_t* handle) {
  (void) handle;
  async_calls++;
}

static void never_timer_cb(uv_timer_t* handle) {
  (void) handle;
  ASSERT(0 && "this timer must not fire");
}

static void close_async_cb(uv_async_t* handle) {
  async_calls++;
  uv_close((uv_handle_t*) handle, NULL);
}

TEST(async_null_and_errors) {
  uv_loop_t loop;
  uv_async_t async;
  uv_timer_t timer;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_EQ(uv_async_init(NULL, &async, count_async_cb), UV_EINVAL);
  ASSERT_EQ(uv_async_init(&loop, NULL, count_async_cb), UV_EINVAL);
  ASSERT_EQ(uv_async_send(NULL), UV_EINVAL);
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_EQ(uv_async_send((uv_async_t*) &timer), UV_EINVAL);
  ASSERT_EQ(uv_loop_alive(&loop), 0);
  close_loop_and_check(&loop);
  return 0;
}

TEST(async_basic) {
  uv_loop_t loop;
  uv_async_t async;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_async_init(&loop, &async, close_async_cb));
  /* Active and referenced from the start. */
  ASSERT_EQ(uv_is_active((uv_handle_t*) &async), 1);
  ASSERT_EQ(uv_loop_alive(&loop), 1);
  /* Not sent: a non-blocking pass runs nothing. */
  async_calls = 0;
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(async_calls, 0);

  ASSERT_OK(uv_async_send(&async));
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(async_calls, 1);
  ASSERT_OK(uv_loop_close(&loop));
  return 0;
}

/* A NULL callback is allowed: the send is simply consumed. */
TEST(async_null_callback) {
  uv_loop_t loop;
  uv_async_t async;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_async_init(&loop, &async, NULL));
  ASSERT_OK(uv_async_send(&async));
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  close_loop_and_check(&loop);
  return 0;
}

TEST(async_coalesce) {
  uv_loop_t loop;
  uv_async_t async;
  int i;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_async_init(&loop, &async, count_async_cb));
  async_calls = 0;
  for (i = 0; i < 100; i++)
    ASSERT_OK(uv_async_send(&async));
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_GE(async_calls, 1);
  ASSERT_LE(async_calls, 100);
  /* Consumed: nothing more without a new send. */
  i = async_calls;
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(async_calls, i);
  close_loop_and_check(&loop);
  return 0;
}

/* Only the handles that were sent to run. */
TEST(async_several_handles) {
  uv_loop_t loop;
  uv_async_t a;
  uv_async_t b;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_async_init(&loop, &a, count_async_cb));
  ASSERT_OK(uv_async_init(&loop, &b, close_async_cb));
  async_calls = 0;
  ASSERT_OK(uv_async_send(&a));
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(async_calls, 1);
  ASSERT_EQ(uv_is_closing((uv_handle_t*) &b), 0);
  ASSERT_OK(uv_async_send(&b));
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(async_calls, 2);
  ASSERT_EQ(uv_is_closing((uv_handle_t*) &b), 1);
  close_loop_and_check(&loop);
  return 0;
}

static int resend_calls;

static void resend_cb(uv_async_t* handle) {
  resend_calls++;
  if (resend_calls < 3)
    ASSERT_OK(uv_async_send(handle));  /* not lost: runs again */
  else
    uv_close((uv_handle_t*) handle, NULL);
}

TEST(async_send_from_callback) {
  uv_loop_t loop;
  uv_async_t async;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_async_init(&loop, &async, resend_cb));
  resend_calls = 0;
  ASSERT_OK(uv_async_send(&async));
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(resend_calls, 3);
  ASSERT_OK(uv_loop_close(&loop));
  return 0;
}

TEST(async_unref) {
  uv_loop_t loop;
  uv_async_t async;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_async_init(&loop, &async, count_async_cb));
  uv_unref((uv_handle_t*) &async);
  ASSERT_EQ(uv_loop_alive(&loop), 0);
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Other threads */

#define NSENDERS 4
#define SENDS_PER_THREAD 2000

static struct {
  uv_async_t async;
  int done;            /* senders finished; atomic */
  int calls;
} mt;

static void* mt_sender(void* arg) {
  int i;

  (void) arg;
  for (i = 0; i < SENDS_PER_THREAD; i++)
    ASSERT_OK(uv_async_send(&mt.async));
  __atomic_add_fetch(&mt.done, 1, __ATOMIC_SEQ_CST);
  /* A last send after counting ourselves done guarantees a callback that
   * sees the final count. */
  ASSERT_OK(uv_async_send(&mt.async));
  return NULL;
}

static void mt_cb(uv_async_t* handle) {
  mt.calls++;
  if (__atomic_load_n(&mt.done, __ATOMIC_SEQ_CST) == NSENDERS)
    uv_close((uv_handle_t*) handle, NULL);
}

TEST(async_threads) {
  uv_loop_t loop;
  plain_thread_t threads[NSENDERS];
  int i;

  memset(&mt, 0, sizeof(mt));
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_async_init(&loop, &mt.async, mt_cb));
  for (i = 0; i < NSENDERS; i++)
    ASSERT_OK(plain_thread_create(&threads[i], mt_sender, NULL));
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  for (i = 0; i < NSENDERS; i++)
    ASSERT_OK(plain_thread_join(threads[i]));
  ASSERT_GE(mt.calls, 1);
  ASSERT_LE(mt.calls, NSENDERS * (SENDS_PER_THREAD + 1));
  ASSERT_OK(uv_loop_close(&loop));
  return 0;
}

static struct {
  uv_async_t async;
  int stop;            /* atomic */
  int closed;          /* close callback ran */
  int calls_after_close;
  int calls;
} hammer;

static void* hammer_thread(void* arg) {
  (void) arg;
  while (!__atomic_load_n(&hammer.stop, __ATOMIC_SEQ_CST)) {
    ASSERT_OK(uv_async_send(&hammer.async));
  }
  return NULL;
}

static void hammer_close_cb(uv_handle_t* handle) {
  (void) handle;
  hammer.closed = 1;
  /* The sender may still be running; the handle stays valid until we join
   * it, so its sends after close must be harmless. */
}

static void hammer_async_cb(uv_async_t* handle) {
  if (uv_is_closing((uv_handle_t*) handle) || hammer.closed)
    hammer.calls_after_close++;
  if (++hammer.calls == 50)
    uv_close((uv_handle_t*) handle, hammer_close_cb);
}

/* Closing an async handle while another thread keeps sending to it: no
 * crash, and no callback once uv_close was called. */
TEST(async_close_while_sending) {
  uv_loop_t loop;
  uv_timer_t keep;
  plain_thread_t thread;
  int i;

  memset(&hammer, 0, sizeof(hammer));
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_async_init(&loop, &hammer.async, hammer_async_cb));
  ASSERT_OK(plain_thread_create(&thread, hammer_thread, NULL));
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(hammer.calls, 50);
  ASSERT_EQ(hammer.closed, 1);

  /* Keep polling for a while with the sender still going: its wake-ups
   * must find nothing to run. */
  ASSERT_OK(uv_timer_init(&loop, &keep));
  ASSERT_OK(uv_timer_start(&keep, never_timer_cb, 3600 * 1000, 0));
  for (i = 0; i < 50; i++)
    ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  __atomic_store_n(&hammer.stop, 1, __ATOMIC_SEQ_CST);
  ASSERT_OK(plain_thread_join(thread));
  ASSERT_EQ(hammer.calls, 50);
  ASSERT_EQ(hammer.calls_after_close, 0);
  close_loop_and_check(&loop);
  return 0;
}

/* Many rounds of init / send from a thread / close, each round joining the
 * thread only after the close callback: the close must wait for a sender
 * that is in the middle of uv_async_send. */
static struct {
  uv_async_t async;
  int stop;
} churn;

static void* churn_thread(void* arg) {
  (void) arg;
  while (!__atomic_load_n(&churn.stop, __ATOMIC_SEQ_CST))
    uv_async_send(&churn.async);
  return NULL;
}

static void churn_cb(uv_async_t* handle) {
  uv_close((uv_handle_t*) handle, NULL);
}

TEST(async_close_churn) {
  uv_loop_t loop;
  plain_thread_t thread;
  int round;

  ASSERT_OK(uv_loop_init(&loop));
  for (round = 0; round < 200; round++) {
    memset(&churn, 0, sizeof(churn));
    ASSERT_OK(uv_async_init(&loop, &churn.async, churn_cb));
    ASSERT_OK(plain_thread_create(&thread, churn_thread, NULL));
    ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
    __atomic_store_n(&churn.stop, 1, __ATOMIC_SEQ_CST);
    ASSERT_OK(plain_thread_join(thread));
  }
  ASSERT_OK(uv_loop_close(&loop));
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Signal handlers */

#ifndef _WIN32
static uv_async_t sig_async;
static volatile sig_atomic_t sig_handled;

static void sigusr1_handler(int signum) {
  (void) signum;
  uv_async_send(&sig_async);
  sig_handled++;
}

static void* kill_main_thread(void* arg) {
  ASSERT_OK(pthread_kill(*(pthread_t*) arg, SIGUSR1));
  return NULL;
}
#endif

/* A thread floods a handle (the loop then looks at it before each wait,
 * and the sender stops waking it), then sends one at a time, each after
 * the previous callback ran and the loop had time to go back to sleep:
 * every one of those must still wake it.  A lost wake-up hangs here. */
#define FLOOD_SENDS 200000
#define SINGLE_SENDS 100

static struct {
  uv_async_t async;
  int want;            /* atomic: the single send last made */
  int answered;        /* atomic: `want` as a callback last read it */
  int done;            /* atomic */
  int calls;
} flood;

static void* flood_thread(void* arg) {
  int i;

  (void) arg;
  for (i = 0; i < FLOOD_SENDS; i++)
    ASSERT_OK(uv_async_send(&flood.async));
  for (i = 1; i <= SINGLE_SENDS; i++) {
    /* Give the loop time to stop watching and block (not needed for
     * correctness: each send below must work whatever the loop does). */
    if (i % 10 == 0)
      uv_sleep(2);
    __atomic_store_n(&flood.want, i, __ATOMIC_SEQ_CST);
    ASSERT_OK(uv_async_send(&flood.async));
    /* Answered only by a callback that started after the store. */
    while (__atomic_load_n(&flood.answered, __ATOMIC_SEQ_CST) < i)
      uv_sleep(0);
  }
  __atomic_store_n(&flood.done, 1, __ATOMIC_SEQ_CST);
  ASSERT_OK(uv_async_send(&flood.async));
  return NULL;
}

static void flood_cb(uv_async_t* handle) {
  flood.calls++;
  __atomic_store_n(&flood.answered,
                   __atomic_load_n(&flood.want, __ATOMIC_SEQ_CST),
                   __ATOMIC_SEQ_CST);
  if (__atomic_load_n(&flood.done, __ATOMIC_SEQ_CST))
    uv_close((uv_handle_t*) handle, NULL);
}

TEST(async_flood_then_single_sends) {
  plain_thread_t thread;
  uv_loop_t loop;

  memset(&flood, 0, sizeof(flood));
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_async_init(&loop, &flood.async, flood_cb));
  ASSERT_OK(plain_thread_create(&thread, flood_thread, NULL));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_OK(plain_thread_join(thread));
  ASSERT_EQ(flood.answered, SINGLE_SENDS);
  ASSERT_GE(flood.calls, SINGLE_SENDS + 1);
  close_loop_and_check(&loop);
  return 0;
}

/* uv_async_send is async-signal-safe: from a handler that interrupts the
 * loop thread, both outside uv_run and while it waits for events. */
TEST(async_send_from_signal_handler) {
#ifdef _WIN32
  RETURN_SKIP("POSIX signals");
#else
  uv_loop_t loop;
  struct sigaction sa;
  struct sigaction old;
  pthread_t self;
  pthread_t thread;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_async_init(&loop, &sig_async, count_async_cb));
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = sigusr1_handler;
  sigemptyset(&sa.sa_mask);
  ASSERT_OK(sigaction(SIGUSR1, &sa, &old));

  async_calls = 0;
  sig_handled = 0;
  ASSERT_OK(raise(SIGUSR1));
  ASSERT_EQ(sig_handled, 1);
  while (async_calls == 0)
    ASSERT_NE(uv_run(&loop, UV_RUN_ONCE), 0);
  ASSERT_EQ(async_calls, 1);

  /* Now from another thread, aimed at the loop thread, which is (or will
   * soon be) blocked waiting for events. */
  self = pthread_self();
  ASSERT_OK(pthread_create(&thread, NULL, kill_main_thread, &self));
  while (async_calls == 1)
    ASSERT_NE(uv_run(&loop, UV_RUN_ONCE), 0);
  ASSERT_OK(pthread_join(thread, NULL));
  ASSERT_EQ(sig_handled, 2);
  ASSERT_EQ(async_calls, 2);

  ASSERT_OK(sigaction(SIGUSR1, &old, NULL));
  close_loop_and_check(&loop);
  return 0;
#endif
}
