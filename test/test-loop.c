/* Tests of the event loop itself: initialisation and teardown, options,
 * the three run modes, the order of the phases within one iteration, what
 * keeps a loop alive, uv_stop, time keeping, the default loop, and
 * uv_loop_fork. */

#include "task.h"

#ifndef _WIN32
# include <errno.h>
# include <fcntl.h>
# include <poll.h>
# include <pthread.h>
# include <signal.h>
# include <sys/socket.h>
# include <sys/syscall.h>
# include <sys/wait.h>
# include <time.h>
# include <unistd.h>
#endif

#ifndef _WIN32
/* A connected, close-on-exec AF_UNIX stream pair. */
static void make_socketpair(int sv[2]) {
  ASSERT_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
  ASSERT_OK(fcntl(sv[0], F_SETFD, FD_CLOEXEC));
  ASSERT_OK(fcntl(sv[1], F_SETFD, FD_CLOEXEC));
}
#endif

static void noop_timer_cb(uv_timer_t* handle) {
  (void) handle;
}

static void noop_idle_cb(uv_idle_t* handle) {
  (void) handle;
}

/* ------------------------------------------------------------------------ */
/* Initialisation, teardown and simple accessors */

TEST(loop_init_close) {
  uv_loop_t loop;
  int marker;

  ASSERT_EQ(uv_loop_size(), sizeof(uv_loop_t));

  /* uv_loop_init keeps the user's data pointer. */
  loop.data = &marker;
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_PTR_EQ(loop.data, &marker);
  ASSERT_PTR_EQ(uv_loop_get_data(&loop), &marker);
  uv_loop_set_data(&loop, NULL);
  ASSERT_NULL(uv_loop_get_data(&loop));
  uv_loop_set_data(&loop, &marker);

  ASSERT_EQ(uv_loop_alive(&loop), 0);
#ifdef _WIN32
  ASSERT_EQ(uv_backend_fd(&loop), -1);  /* a completion port, not an fd */
#else
  ASSERT_GE(uv_backend_fd(&loop), 0);
#endif
  /* Nothing to wait for: polling must not block. */
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(uv_run(&loop, UV_RUN_ONCE), 0);
  ASSERT_EQ(uv_run(&loop, UV_RUN_NOWAIT), 0);

  ASSERT_OK(uv_loop_close(&loop));
  /* ... and so does uv_loop_close. */
  ASSERT_PTR_EQ(loop.data, &marker);
  return 0;
}

TEST(loop_null_args) {
  ASSERT_EQ(uv_loop_init(NULL), UV_EINVAL);
  ASSERT_EQ(uv_loop_close(NULL), UV_EINVAL);
  ASSERT_EQ(uv_run(NULL, UV_RUN_DEFAULT), UV_EINVAL);
  ASSERT_EQ(uv_run(NULL, UV_RUN_ONCE), UV_EINVAL);
  ASSERT_EQ(uv_run(NULL, UV_RUN_NOWAIT), UV_EINVAL);
  ASSERT_EQ(uv_loop_configure(NULL, UV_METRICS_IDLE_TIME), UV_EINVAL);
  ASSERT_EQ(uv_loop_fork(NULL), UV_EINVAL);
  ASSERT_EQ(uv_loop_alive(NULL), 0);
  ASSERT_EQ(uv_backend_fd(NULL), -1);
  ASSERT_EQ(uv_backend_timeout(NULL), 0);
  ASSERT_UINT64_EQ(uv_now(NULL), 0);
  ASSERT_NULL(uv_loop_get_data(NULL));
  /* These have no return value; they must simply not crash. */
  uv_loop_set_data(NULL, NULL);
  uv_update_time(NULL);
  uv_stop(NULL);
  uv_loop_delete(NULL);
  uv_walk(NULL, NULL, NULL);
  return 0;
}

TEST(loop_close_busy) {
  uv_loop_t loop;
  uv_timer_t timer;

  ASSERT_OK(uv_loop_init(&loop));

  /* Any handle, even one never started, keeps the loop from closing. */
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_EQ(uv_loop_close(&loop), UV_EBUSY);
  ASSERT_OK(uv_timer_start(&timer, noop_timer_cb, 3600 * 1000, 0));
  ASSERT_EQ(uv_loop_close(&loop), UV_EBUSY);

  /* Closing but the close callback has not run yet: still busy. */
  uv_close((uv_handle_t*) &timer, NULL);
  ASSERT_EQ(uv_loop_close(&loop), UV_EBUSY);

  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_OK(uv_loop_close(&loop));
  return 0;
}

TEST(loop_close_twice) {
  uv_loop_t loop;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_loop_close(&loop));
  /* Misuse, but it must be reported, not crash. */
  ASSERT_EQ(uv_loop_close(&loop), UV_EINVAL);
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), UV_EINVAL);
  ASSERT_EQ(uv_run(&loop, UV_RUN_NOWAIT), UV_EINVAL);
  ASSERT_EQ(uv_loop_alive(&loop), 0);

  /* A closed loop can be initialised again. */
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_OK(uv_loop_close(&loop));
  return 0;
}

/* ------------------------------------------------------------------------ */
/* uv_loop_configure */

TEST(loop_configure) {
  uv_loop_t loop;
  uv_timer_t timer;

  ASSERT_OK(uv_loop_init(&loop));
#ifndef _WIN32
  ASSERT_OK(uv_loop_configure(&loop, UV_LOOP_BLOCK_SIGNAL, SIGPROF));
  ASSERT_EQ(uv_loop_configure(&loop, UV_LOOP_BLOCK_SIGNAL, SIGINT),
            UV_EINVAL);
  ASSERT_EQ(uv_loop_configure(&loop, UV_LOOP_BLOCK_SIGNAL, 0), UV_EINVAL);
  ASSERT_EQ(uv_loop_configure(&loop, UV_LOOP_BLOCK_SIGNAL, -1), UV_EINVAL);
#else
  /* No signals to block on Windows: libuv says UV_ENOSYS. */
  ASSERT_EQ(uv_loop_configure(&loop, UV_LOOP_BLOCK_SIGNAL, SIGINT),
            UV_ENOSYS);
#endif
  ASSERT_OK(uv_loop_configure(&loop, UV_METRICS_IDLE_TIME));
  /* uvcore does not use io_uring. */
  ASSERT_EQ(uv_loop_configure(&loop, UV_LOOP_USE_IO_URING_SQPOLL),
            UV_ENOSYS);
  ASSERT_EQ(uv_loop_configure(&loop, (uv_loop_option) 99), UV_ENOSYS);
  ASSERT_EQ(uv_loop_configure(&loop, (uv_loop_option) -1), UV_ENOSYS);

  /* The loop still works with the options set. */
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_OK(uv_timer_start(&timer, noop_timer_cb, 1, 0));
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  close_loop_and_check(&loop);
  return 0;
}

#if defined(__linux__)
/* Reads the SigBlk mask of one thread from /proc; 0 on failure. */
static uint64_t thread_sigblk(pid_t tid) {
  char path[64];
  char line[256];
  unsigned long long mask;
  FILE* f;

  mask = 0;
  snprintf(path, sizeof(path), "/proc/self/task/%d/status", (int) tid);
  f = fopen(path, "re");
  if (f == NULL)
    return 0;
  while (fgets(line, sizeof(line), f) != NULL)
    if (sscanf(line, "SigBlk: %llx", &mask) == 1)
      break;
  fclose(f);
  return mask;
}

#define SIGBIT(sig) ((uint64_t) 1 << ((sig) - 1))

static struct {
  pid_t loop_tid;
  uint64_t seen_mask;
  uv_async_t async;
} sigblk;

/* Watches the loop thread's mask until SIGPROF shows up in it, which only
 * happens while the loop waits in the kernel, then wakes the loop. */
static void* sigblk_watcher(void* arg) {
  uint64_t deadline;
  uint64_t mask;
  struct timespec ms = { 0, 1000000 };

  (void) arg;
  deadline = uv_hrtime() + (uint64_t) 10 * 1000 * 1000 * 1000;
  while (uv_hrtime() < deadline) {
    mask = thread_sigblk(sigblk.loop_tid);
    if (mask & SIGBIT(SIGPROF)) {
      sigblk.seen_mask = mask;
      break;
    }
    nanosleep(&ms, NULL);
  }
  ASSERT_OK(uv_async_send(&sigblk.async));
  return NULL;
}

static void sigblk_async_cb(uv_async_t* handle) {
  uv_close((uv_handle_t*) handle, NULL);
}
#endif

/* UV_LOOP_BLOCK_SIGNAL adds SIGPROF to the signals blocked while waiting
 * for events; signals the thread blocked itself stay blocked. */
TEST(loop_configure_block_sigprof) {
#if !defined(__linux__)
  RETURN_SKIP("reads the thread signal mask from /proc");
#else
  uv_loop_t loop;
  pthread_t thread;
  sigset_t set;
  sigset_t old;

  sigemptyset(&set);
  sigaddset(&set, SIGUSR2);
  ASSERT_OK(pthread_sigmask(SIG_BLOCK, &set, &old));

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_loop_configure(&loop, UV_LOOP_BLOCK_SIGNAL, SIGPROF));
  ASSERT_OK(uv_async_init(&loop, &sigblk.async, sigblk_async_cb));
  sigblk.loop_tid = (pid_t) syscall(SYS_gettid);
  sigblk.seen_mask = 0;

  /* Outside the wait SIGPROF is not blocked. */
  ASSERT_EQ(thread_sigblk(sigblk.loop_tid) & SIGBIT(SIGPROF), 0);

  ASSERT_OK(pthread_create(&thread, NULL, sigblk_watcher, NULL));
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_OK(pthread_join(thread, NULL));

  ASSERT_NE(sigblk.seen_mask & SIGBIT(SIGPROF), 0);
  ASSERT_NE(sigblk.seen_mask & SIGBIT(SIGUSR2), 0);
  ASSERT_EQ(thread_sigblk(sigblk.loop_tid) & SIGBIT(SIGPROF), 0);

  ASSERT_OK(pthread_sigmask(SIG_SETMASK, &old, NULL));
  close_loop_and_check(&loop);
  return 0;
#endif
}

/* ------------------------------------------------------------------------ */
/* The default loop, uv_loop_new/delete */

static int default_timer_calls;

static void default_timer_cb(uv_timer_t* handle) {
  default_timer_calls++;
  uv_close((uv_handle_t*) handle, NULL);
}

TEST(loop_default) {
  uv_loop_t* loop;
  uv_timer_t timer;
  int round;

  for (round = 0; round < 2; round++) {
    loop = uv_default_loop();
    ASSERT_NOT_NULL(loop);
    ASSERT_PTR_EQ(uv_default_loop(), loop);

    default_timer_calls = 0;
    ASSERT_OK(uv_timer_init(loop, &timer));
    ASSERT_PTR_EQ(uv_handle_get_loop((uv_handle_t*) &timer), loop);
    ASSERT_OK(uv_timer_start(&timer, default_timer_cb, 1, 0));
    ASSERT_EQ(uv_run(loop, UV_RUN_DEFAULT), 0);
    ASSERT_EQ(default_timer_calls, 1);

    /* Closable; the next uv_default_loop() builds a fresh one. */
    ASSERT_OK(uv_loop_close(loop));
  }
  return 0;
}

TEST(loop_new_delete) {
  uv_loop_t* loop;
  uv_timer_t timer;

  loop = uv_loop_new();
  ASSERT_NOT_NULL(loop);
  ASSERT_NULL(loop->data);
  ASSERT_OK(uv_timer_init(loop, &timer));
  default_timer_calls = 0;
  ASSERT_OK(uv_timer_start(&timer, default_timer_cb, 1, 0));
  ASSERT_EQ(uv_run(loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(default_timer_calls, 1);
  uv_loop_delete(loop);

  /* uv_loop_delete on the default loop closes it without freeing. */
  loop = uv_default_loop();
  ASSERT_NOT_NULL(loop);
  uv_loop_delete(loop);
  loop = uv_default_loop();
  ASSERT_NOT_NULL(loop);
  ASSERT_OK(uv_loop_close(loop));
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Run modes */

static int run_timer_calls;

static void counting_timer_cb(uv_timer_t* handle) {
  (void) handle;
  run_timer_calls++;
}

TEST(loop_run_default_returns) {
  uv_loop_t loop;
  uv_timer_t timer;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_timer_init(&loop, &timer));
  /* An inactive handle does not keep the loop running. */
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);

  run_timer_calls = 0;
  ASSERT_OK(uv_timer_start(&timer, counting_timer_cb, 5, 0));
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(run_timer_calls, 1);
  ASSERT_EQ(uv_loop_alive(&loop), 0);
  close_loop_and_check(&loop);
  return 0;
}

TEST(loop_run_once_blocks) {
  uv_loop_t loop;
  uv_timer_t soon;
  uv_timer_t later;
  uint64_t t0;
  uint64_t elapsed_ms;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_timer_init(&loop, &soon));
  ASSERT_OK(uv_timer_init(&loop, &later));
  ASSERT_OK(uv_timer_start(&soon, counting_timer_cb, 30, 0));
  ASSERT_OK(uv_timer_start(&later, counting_timer_cb, 3600 * 1000, 0));

  run_timer_calls = 0;
  t0 = uv_hrtime();
  /* Blocks until the first timer is due, runs it, and returns: the other
   * timer keeps the loop alive. */
  ASSERT_NE(uv_run(&loop, UV_RUN_ONCE), 0);
  elapsed_ms = (uv_hrtime() - t0) / 1000000;
  ASSERT_EQ(run_timer_calls, 1);
  ASSERT_GE(elapsed_ms, 25);
  ASSERT_LT(elapsed_ms, 10000);
  ASSERT_EQ(uv_is_active((uv_handle_t*) &soon), 0);
  ASSERT_EQ(uv_is_active((uv_handle_t*) &later), 1);

  close_loop_and_check(&loop);
  return 0;
}

static void send_async_thread(void* arg) {
  ASSERT_OK(uv_async_send((uv_async_t*) arg));
}

static int once_async_calls;

static void once_async_cb(uv_async_t* handle) {
  (void) handle;
  once_async_calls++;
}

/* UV_RUN_ONCE with nothing due waits for an event from another thread. */
TEST(loop_run_once_waits_for_event) {
  uv_loop_t loop;
  uv_async_t async;
  uv_thread_t thread;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_async_init(&loop, &async, once_async_cb));
  once_async_calls = 0;
  ASSERT_OK(uv_thread_create(&thread, send_async_thread, &async));
  while (once_async_calls == 0)
    ASSERT_NE(uv_run(&loop, UV_RUN_ONCE), 0);
  ASSERT_EQ(once_async_calls, 1);
  ASSERT_OK(uv_thread_join(&thread));
  close_loop_and_check(&loop);
  return 0;
}

TEST(loop_run_nowait) {
  uv_loop_t loop;
  uv_timer_t timer;
  uint64_t t0;
  int i;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_OK(uv_timer_start(&timer, counting_timer_cb, 3600 * 1000, 0));

  run_timer_calls = 0;
  t0 = uv_hrtime();
  for (i = 0; i < 10; i++)
    ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  /* Ten non-blocking passes take nowhere near a second. */
  ASSERT_LT(uv_hrtime() - t0, (uint64_t) 1000 * 1000 * 1000);
  ASSERT_EQ(run_timer_calls, 0);
  ASSERT_EQ(uv_loop_alive(&loop), 1);

  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Phase order */

#define MAX_EVENTS 32

static const char* phase_log[MAX_EVENTS];
static int phase_count;

static void phase(const char* name) {
  ASSERT_LT(phase_count, MAX_EVENTS);
  phase_log[phase_count++] = name;
}

static void phase_timer_cb(uv_timer_t* h) {
  phase("timer");
  (void) h;
}

static void phase_idle_cb(uv_idle_t* h) {
  phase("idle");
  ASSERT_OK(uv_idle_stop(h));
}

static void phase_prepare_cb(uv_prepare_t* h) {
  phase("prepare");
  ASSERT_OK(uv_prepare_stop(h));
}

static void phase_check_cb(uv_check_t* h) {
  phase("check");
  ASSERT_OK(uv_check_stop(h));
}

static void phase_close_cb(uv_handle_t* h) {
  phase("close");
  (void) h;
}

#ifndef _WIN32
static void phase_poll_cb(uv_poll_t* h, int status, int events) {
  ASSERT_OK(status);
  ASSERT_NE(events & UV_WRITABLE, 0);
  phase("poll");
  ASSERT_OK(uv_poll_stop(h));
}
#else
/* No uv_poll on Windows yet: an async handle sent before the run has its
 * callback run in the poll phase just the same. */
static void phase_async_cb(uv_async_t* h) {
  phase("poll");
  uv_close((uv_handle_t*) h, NULL);
}
#endif

static void check_phases(const char* const* expected, int n) {
  int i;

  for (i = 0; i < phase_count; i++)
    fprintf(stderr, "phase %d: %s\n", i, phase_log[i]);
  ASSERT_EQ(phase_count, n);
  for (i = 0; i < n; i++)
    ASSERT_STR_EQ(phase_log[i], expected[i]);
}

static void run_phase_order(uv_run_mode mode,
                            const char* const* expected, int n) {
  uv_loop_t loop;
  uv_timer_t timer;
  uv_timer_t closing;
  uv_idle_t idle;
  uv_prepare_t prepare;
  uv_check_t check;
#ifndef _WIN32
  uv_poll_t poll;
  int sv[2];

  make_socketpair(sv);
#else
  uv_async_t async;
#endif
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_OK(uv_timer_init(&loop, &closing));
  ASSERT_OK(uv_idle_init(&loop, &idle));
  ASSERT_OK(uv_prepare_init(&loop, &prepare));
  ASSERT_OK(uv_check_init(&loop, &check));
#ifndef _WIN32
  ASSERT_OK(uv_poll_init(&loop, &poll, sv[0]));
#else
  ASSERT_OK(uv_async_init(&loop, &async, phase_async_cb));
#endif

  /* Started in the reverse of the expected order, so that start order
   * cannot explain the result. */
  uv_close((uv_handle_t*) &closing, phase_close_cb);
  ASSERT_OK(uv_check_start(&check, phase_check_cb));
#ifndef _WIN32
  ASSERT_OK(uv_poll_start(&poll, UV_WRITABLE, phase_poll_cb));
#else
  ASSERT_OK(uv_async_send(&async));
#endif
  ASSERT_OK(uv_prepare_start(&prepare, phase_prepare_cb));
  ASSERT_OK(uv_idle_start(&idle, phase_idle_cb));
  ASSERT_OK(uv_timer_start(&timer, phase_timer_cb, 0, 0));

  phase_count = 0;
  ASSERT_EQ(uv_run(&loop, mode), 0);
  check_phases(expected, n);

  close_loop_and_check(&loop);
#ifndef _WIN32
  ASSERT_OK(close(sv[0]));
  ASSERT_OK(close(sv[1]));
#endif
}

/* One iteration: timers, (pending), idle, prepare, poll, check, closing.
 * In UV_RUN_DEFAULT due timers also run before the first iteration. */
TEST(loop_phase_order) {
  static const char* const expected[] = {
    "timer", "idle", "prepare", "poll", "check", "close"
  };
  run_phase_order(UV_RUN_DEFAULT, expected, 6);
  return 0;
}

/* In UV_RUN_ONCE and UV_RUN_NOWAIT, timers run at the end of the iteration,
 * after the closing phase. */
TEST(loop_phase_order_once) {
  static const char* const expected[] = {
    "idle", "prepare", "poll", "check", "close", "timer"
  };
  run_phase_order(UV_RUN_ONCE, expected, 6);
  return 0;
}

TEST(loop_phase_order_nowait) {
  static const char* const expected[] = {
    "idle", "prepare", "poll", "check", "close", "timer"
  };
  run_phase_order(UV_RUN_NOWAIT, expected, 6);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Liveness */

TEST(loop_alive_rules) {
  uv_loop_t loop;
  uv_timer_t timer;
  uv_idle_t idle;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_OK(uv_idle_init(&loop, &idle));
  ASSERT_EQ(uv_loop_alive(&loop), 0);  /* inactive handles */

  ASSERT_OK(uv_timer_start(&timer, noop_timer_cb, 3600 * 1000, 0));
  ASSERT_EQ(uv_loop_alive(&loop), 1);  /* active and referenced */

  uv_unref((uv_handle_t*) &timer);
  ASSERT_EQ(uv_loop_alive(&loop), 0);  /* active but unreferenced */
  /* uv_run returns at once and the timer does not fire. */
  run_timer_calls = 0;
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);

  uv_ref((uv_handle_t*) &timer);
  ASSERT_EQ(uv_loop_alive(&loop), 1);
  ASSERT_OK(uv_timer_stop(&timer));
  ASSERT_EQ(uv_loop_alive(&loop), 0);

  /* A closing handle keeps the loop alive until its close callback ran,
   * even when unreferenced. */
  uv_unref((uv_handle_t*) &idle);
  uv_close((uv_handle_t*) &idle, NULL);
  ASSERT_EQ(uv_loop_alive(&loop), 1);
  ASSERT_EQ(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(uv_loop_alive(&loop), 0);

  /* An active request keeps the loop alive and busy.  No request type is
   * available to this test yet, so it registers one the way the library
   * does internally. */
  loop.active_reqs.count++;
  ASSERT_EQ(uv_loop_alive(&loop), 1);
  uv_close((uv_handle_t*) &timer, NULL);
  ASSERT_EQ(uv_run(&loop, UV_RUN_NOWAIT), 1);
  ASSERT_EQ(uv_loop_close(&loop), UV_EBUSY);
  loop.active_reqs.count--;
  ASSERT_EQ(uv_loop_alive(&loop), 0);

  ASSERT_OK(uv_loop_close(&loop));
  return 0;
}

/* ------------------------------------------------------------------------ */
/* uv_stop */

static int stop_calls;

static void stop_timer_cb(uv_timer_t* handle) {
  stop_calls++;
  uv_stop(handle->loop);
}

static void count_stop_cb(uv_timer_t* handle) {
  (void) handle;
  stop_calls++;
}

TEST(loop_stop) {
  uv_loop_t loop;
  uv_timer_t timer;
  uv_idle_t idle;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_OK(uv_idle_init(&loop, &idle));
  ASSERT_OK(uv_timer_start(&timer, stop_timer_cb, 0, 1));

  stop_calls = 0;
  /* uv_stop from a callback: uv_run returns after this iteration and
   * reports the loop still alive. */
  ASSERT_NE(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(stop_calls, 1);
  ASSERT_NE(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(stop_calls, 2);

  /* uv_stop before uv_run: the next uv_run does no iteration at all, and
   * the flag is cleared for the run after. */
  ASSERT_OK(uv_timer_stop(&timer));
  ASSERT_OK(uv_timer_start(&timer, count_stop_cb, 0, 0));
  uv_stop(&loop);
  ASSERT_NE(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(stop_calls, 2);
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(stop_calls, 3);

  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Time */

TEST(loop_now_update_time) {
  uv_loop_t loop;
  uint64_t before;
  uint64_t after;

  ASSERT_OK(uv_loop_init(&loop));
  before = uv_now(&loop);
  /* The loop's clock is cached: it does not move by itself. */
  uv_sleep(20);
  ASSERT_UINT64_EQ(uv_now(&loop), before);
  uv_update_time(&loop);
  after = uv_now(&loop);
  ASSERT_UINT64_GE(after, before + 19);
  ASSERT_UINT64_LT(after, before + 10000);
  /* It is on the same (millisecond) scale as uv_hrtime. */
  ASSERT_UINT64_LE(after, uv_hrtime() / 1000000 + 1);
  ASSERT_UINT64_GE(after + 1000, uv_hrtime() / 1000000);
  ASSERT_OK(uv_loop_close(&loop));
  return 0;
}

TEST(loop_backend_timeout) {
  uv_loop_t loop;
  uv_timer_t timer;
  uv_idle_t idle;
  int timeout;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_OK(uv_idle_init(&loop, &idle));

  ASSERT_OK(uv_timer_start(&timer, noop_timer_cb, 1000, 0));
#ifndef _WIN32
  /* The loop's own wake-up descriptor is not registered with the kernel
   * until the loop first runs, so an embedder must not block yet. */
#else
  /* A completion port needs no registration: the timer bounds it now. */
  ASSERT_GT(uv_backend_timeout(&loop), 0);
#endif
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  timeout = uv_backend_timeout(&loop);
  ASSERT_GT(timeout, 0);
  ASSERT_LE(timeout, 1000);

  ASSERT_OK(uv_idle_start(&idle, noop_idle_cb));
  ASSERT_OK(uv_idle_stop(&idle));
  ASSERT_GT(uv_backend_timeout(&loop), 0);

  uv_unref((uv_handle_t*) &timer);
  uv_ref((uv_handle_t*) &timer);

  ASSERT_OK(uv_timer_start(&timer, noop_timer_cb, 0, 0));

  /* Saturates instead of overflowing the int. */
  ASSERT_OK(uv_timer_start(&timer, noop_timer_cb, UINT64_MAX, 0));
  ASSERT_EQ(uv_backend_timeout(&loop), INT_MAX);

  close_loop_and_check(&loop);
  return 0;
}

#ifndef _WIN32
static void never_poll_cb(uv_poll_t* h, int status, int events) {
  (void) h;
  (void) status;
  (void) events;
  ASSERT(0 && "poll callback must not run");
}
#endif

TEST(loop_backend_timeout_infinite) {
#ifdef _WIN32
  RETURN_SKIP("uses socketpair");
#else
  uv_loop_t loop;
  uv_poll_t poll;
  int sv[2];

  make_socketpair(sv);
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_poll_init(&loop, &poll, sv[0]));
  ASSERT_OK(uv_poll_start(&poll, UV_READABLE, never_poll_cb));
  /* The kernel does not know about the descriptor yet: do not block. */
  /* Apply the interest change, then ask: nothing due, wait forever. */
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(uv_backend_timeout(&loop), -1);
  /* A change of interest makes it stale again. */
  ASSERT_OK(uv_poll_start(&poll, UV_READABLE | UV_WRITABLE, never_poll_cb));
  ASSERT_OK(uv_poll_start(&poll, UV_READABLE, never_poll_cb));
  close_loop_and_check(&loop);
  ASSERT_OK(close(sv[0]));
  ASSERT_OK(close(sv[1]));
  return 0;
#endif
}

#ifndef _WIN32
static int embed_async_calls;

/* One turn of the embedding loop: wait on the backend descriptor for at
 * most the loop's own timeout, then run what is ready. */
static void embed_turn(uv_loop_t* loop) {
  struct pollfd pfd;

  pfd.fd = uv_backend_fd(loop);
  pfd.events = POLLIN;
  pfd.revents = 0;
  ASSERT_GE(poll(&pfd, 1, uv_backend_timeout(loop)), 0);
  uv_run(loop, UV_RUN_NOWAIT);
}

static void embed_async_cb(uv_async_t* handle) {
  embed_async_calls++;
  uv_close((uv_handle_t*) handle, NULL);
}
#endif

/* Embedding: another event loop waits on uv_backend_fd() for at most
 * uv_backend_timeout() ms, then runs uv_run(UV_RUN_NOWAIT).  An async send
 * from another thread must wake that wait, from the very first one, long
 * before the timer is due. */
TEST(loop_embed_backend_fd) {
#ifdef _WIN32
  RETURN_SKIP("no pollable backend descriptor on Windows");
#else
  uv_loop_t loop;
  uv_timer_t timer;
  uv_async_t async;
  uv_thread_t thread;
  uint64_t t0;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_OK(uv_timer_start(&timer, noop_timer_cb, 10000, 0));
  ASSERT_OK(uv_async_init(&loop, &async, embed_async_cb));
  embed_async_calls = 0;
  t0 = uv_hrtime();
  ASSERT_OK(uv_thread_create(&thread, send_async_thread, &async));
  while (embed_async_calls == 0)
    embed_turn(&loop);
  ASSERT_LT(uv_hrtime() - t0, (uint64_t) 5 * 1000 * 1000 * 1000);
  ASSERT_OK(uv_thread_join(&thread));
  close_loop_and_check(&loop);
  return 0;
#endif
}

/* The same, send after send: each send is made after the embedder's
 * uv_run(UV_RUN_NOWAIT) ran the previous callback and returned, i.e. while
 * no uv_run is active, so it must go through the backend descriptor (a
 * send that only marked the loop, trusting it to look before it blocks,
 * would leave poll() asleep until the 10 s timer). */
#ifndef _WIN32
#define EMBED_ROUNDS 50
static int embed_seen;

static void embed_count_cb(uv_async_t* handle) {
  (void) handle;
  __atomic_fetch_add(&embed_seen, 1, __ATOMIC_SEQ_CST);
}

static void embed_sender(void* arg) {
  int i;

  for (i = 0; i < EMBED_ROUNDS; i++) {
    ASSERT_OK(uv_async_send((uv_async_t*) arg));
    while (__atomic_load_n(&embed_seen, __ATOMIC_SEQ_CST) <= i)
      uv_sleep(1);
  }
}
#endif

TEST(loop_embed_backend_fd_repeated) {
#ifdef _WIN32
  RETURN_SKIP("no pollable backend descriptor on Windows");
#else
  uv_loop_t loop;
  uv_timer_t timer;
  uv_async_t async;
  uv_thread_t thread;
  uint64_t t0;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_OK(uv_timer_start(&timer, noop_timer_cb, 10000, 0));
  ASSERT_OK(uv_async_init(&loop, &async, embed_count_cb));
  embed_seen = 0;
  t0 = uv_hrtime();
  ASSERT_OK(uv_thread_create(&thread, embed_sender, &async));
  while (__atomic_load_n(&embed_seen, __ATOMIC_SEQ_CST) < EMBED_ROUNDS)
    embed_turn(&loop);
  ASSERT_LT(uv_hrtime() - t0, (uint64_t) 5 * 1000 * 1000 * 1000);
  ASSERT_OK(uv_thread_join(&thread));
  uv_close((uv_handle_t*) &async, NULL);
  close_loop_and_check(&loop);
  return 0;
#endif
}

/* A send made by the handle's own callback, just before uv_stop: the
 * loop was going to look at the handle itself before its next wait, but
 * uv_run returns instead, so the send must reach the backend descriptor
 * for an embedder's poll() (which would otherwise sleep its 5 s). */
#ifndef _WIN32
static int stop_send_calls;

static void send_self_then_stop_cb(uv_async_t* handle) {
  if (++stop_send_calls == 1) {
    ASSERT_OK(uv_async_send(handle));
    uv_stop(handle->loop);
  } else {
    uv_close((uv_handle_t*) handle, NULL);
  }
}
#endif

TEST(loop_embed_send_from_callback_then_stop) {
#ifdef _WIN32
  RETURN_SKIP("no pollable backend descriptor on Windows");
#else
  struct pollfd pfd;
  uv_loop_t loop;
  uv_async_t async;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_async_init(&loop, &async, send_self_then_stop_cb));
  stop_send_calls = 0;
  ASSERT_OK(uv_async_send(&async));
  ASSERT_NE(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(stop_send_calls, 1);

  pfd.fd = uv_backend_fd(&loop);
  pfd.events = POLLIN;
  pfd.revents = 0;
  ASSERT_EQ(poll(&pfd, 1, 5000), 1);
  ASSERT_OK(uv_run(&loop, UV_RUN_NOWAIT));
  ASSERT_EQ(stop_send_calls, 2);
  close_loop_and_check(&loop);
  return 0;
#endif
}

/* ------------------------------------------------------------------------ */
/* uv_loop_fork */

#ifndef _WIN32
static struct {
  int timer_calls;
  int poll_calls;
  int fd;
  char expect;
} fork_state;

static void fork_timer_cb(uv_timer_t* handle) {
  fork_state.timer_calls++;
  uv_close((uv_handle_t*) handle, NULL);
}

static void fork_poll_cb(uv_poll_t* handle, int status, int events) {
  char c;

  ASSERT_OK(status);
  ASSERT_NE(events & UV_READABLE, 0);
  ASSERT_EQ(read(fork_state.fd, &c, 1), 1);
  ASSERT_EQ(c, fork_state.expect);
  fork_state.poll_calls++;
  uv_close((uv_handle_t*) handle, NULL);
}

static void fork_guard_cb(uv_timer_t* handle) {
  (void) handle;
  ASSERT(0 && "poll handle never fired");
}

static void fork_child(uv_loop_t* loop, int peer) {
  ASSERT_OK(uv_loop_fork(loop));
  fork_state.expect = 'c';
  ASSERT_EQ(write(peer, "c", 1), 1);
  ASSERT_EQ(uv_run(loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(fork_state.timer_calls, 1);
  ASSERT_EQ(fork_state.poll_calls, 1);
  ASSERT_OK(uv_loop_close(loop));
  _exit(0);
}
#endif

/* After fork() the child's loop works once uv_loop_fork() rebuilt its
 * kernel state, and what the child does with its loop leaves the parent's
 * loop intact. */
TEST(loop_fork) {
#ifdef _WIN32
  uv_loop_t loop;

  /* No fork() on Windows: libuv says UV_ENOSYS, and the loop is intact. */
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_EQ(uv_loop_fork(&loop), UV_ENOSYS);
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_OK(uv_loop_close(&loop));
  return 0;
#else
  uv_loop_t loop;
  uv_timer_t timer;
  uv_timer_t guard;
  uv_poll_t poll;
  int sv[2];
  int status;
  pid_t pid;

  make_socketpair(sv);
  memset(&fork_state, 0, sizeof(fork_state));
  fork_state.fd = sv[0];
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_poll_init(&loop, &poll, sv[0]));
  ASSERT_OK(uv_poll_start(&poll, UV_READABLE, fork_poll_cb));
  /* Let the kernel learn about the descriptor, so the child inherits a
   * live registration in the shared poller. */
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_OK(uv_timer_start(&timer, fork_timer_cb, 10, 0));

  pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0)
    fork_child(&loop, sv[1]);

  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);

  /* The parent's loop still sees its descriptor. */
  ASSERT_EQ(fork_state.timer_calls, 0);
  ASSERT_EQ(fork_state.poll_calls, 0);
  fork_state.expect = 'p';
  ASSERT_EQ(write(sv[1], "p", 1), 1);
  ASSERT_OK(uv_timer_init(&loop, &guard));
  ASSERT_OK(uv_timer_start(&guard, fork_guard_cb, 10000, 0));
  uv_unref((uv_handle_t*) &guard);
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(fork_state.timer_calls, 1);
  ASSERT_EQ(fork_state.poll_calls, 1);

  close_loop_and_check(&loop);
  ASSERT_OK(close(sv[0]));
  ASSERT_OK(close(sv[1]));
  return 0;
#endif
}
