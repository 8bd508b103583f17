/* Tests of the small loop-independent functions: clocks and sleeping, the
 * version, the replaceable allocator, uv_library_shutdown, uv_buf_init,
 * and the loop metrics. */

#include "task.h"

#include <time.h>

#ifndef _WIN32
# include <fcntl.h>
# include <pthread.h>
# include <signal.h>
# include <sys/socket.h>
# include <unistd.h>
#endif

#define NS_PER_MS ((uint64_t) 1000000)
#define NS_PER_S ((uint64_t) 1000000000)

/* ------------------------------------------------------------------------ */
/* Clocks */

TEST(misc_hrtime) {
  uint64_t prev;
  uint64_t now;
  uint64_t t0;
  int i;

  prev = uv_hrtime();
  ASSERT_UINT64_GT(prev, 0);
  for (i = 0; i < 10000; i++) {
    now = uv_hrtime();
    ASSERT_UINT64_GE(now, prev);
    prev = now;
  }

  /* Nanoseconds: a 10 ms sleep is 10^7 of them, not 10 or 10^10. */
  t0 = uv_hrtime();
  uv_sleep(10);
  now = uv_hrtime() - t0;
  ASSERT_UINT64_GE(now, 10 * NS_PER_MS);
  ASSERT_UINT64_LT(now, 10 * NS_PER_S);
  return 0;
}

TEST(misc_clock_gettime) {
  uv_timespec64_t ts;
  uint64_t mono;
  uint64_t hr;
  int64_t wall;

  ASSERT_OK(uv_clock_gettime(UV_CLOCK_MONOTONIC, &ts));
  hr = uv_hrtime();
  ASSERT_GE(ts.tv_sec, 0);
  ASSERT_GE(ts.tv_nsec, 0);
  ASSERT_LT(ts.tv_nsec, 1000000000);
  /* The same clock as uv_hrtime. */
  mono = (uint64_t) ts.tv_sec * NS_PER_S + (uint64_t) ts.tv_nsec;
  ASSERT_UINT64_LE(mono, hr);
  ASSERT_UINT64_LT(hr - mono, NS_PER_S);

  ASSERT_OK(uv_clock_gettime(UV_CLOCK_REALTIME, &ts));
  wall = (int64_t) time(NULL);
  ASSERT_GE(ts.tv_nsec, 0);
  ASSERT_LT(ts.tv_nsec, 1000000000);
  /* time() may read a coarser clock: allow a little either way. */
  ASSERT_LE(ts.tv_sec, wall + 2);
  ASSERT_GE(ts.tv_sec, wall - 2);
  ASSERT_GT(ts.tv_sec, 1500000000);  /* after 2017: a real calendar time */

  ASSERT_EQ(uv_clock_gettime((uv_clock_id) 42, &ts), UV_EINVAL);
  ASSERT_EQ(uv_clock_gettime((uv_clock_id) -1, &ts), UV_EINVAL);
  ASSERT_EQ(uv_clock_gettime(UV_CLOCK_MONOTONIC, NULL), UV_EFAULT);
  ASSERT_EQ(uv_clock_gettime(UV_CLOCK_REALTIME, NULL), UV_EFAULT);
  return 0;
}

TEST(misc_gettimeofday) {
  uv_timeval64_t tv;
  int64_t wall;

  ASSERT_OK(uv_gettimeofday(&tv));
  wall = (int64_t) time(NULL);
  ASSERT_GE(tv.tv_usec, 0);
  ASSERT_LT(tv.tv_usec, 1000000);
  ASSERT_LE(tv.tv_sec, wall + 2);
  ASSERT_GE(tv.tv_sec, wall - 2);
  ASSERT_EQ(uv_gettimeofday(NULL), UV_EINVAL);
  return 0;
}

TEST(misc_sleep) {
  uint64_t t0;
  uint64_t elapsed;

  t0 = uv_hrtime();
  uv_sleep(30);
  elapsed = uv_hrtime() - t0;
  ASSERT_UINT64_GE(elapsed, 30 * NS_PER_MS);
  ASSERT_UINT64_LT(elapsed, 10 * NS_PER_S);

  t0 = uv_hrtime();
  uv_sleep(0);
  ASSERT_UINT64_LT(uv_hrtime() - t0, NS_PER_S);

  /* More than a second: the seconds part is not lost. */
  t0 = uv_hrtime();
  uv_sleep(1005);
  ASSERT_UINT64_GE(uv_hrtime() - t0, 1005 * NS_PER_MS);
  return 0;
}

#ifndef _WIN32
static volatile sig_atomic_t sleep_signals;

static void sleep_sig_handler(int signum) {
  (void) signum;
  sleep_signals++;
}

static void* sleep_interrupter(void* arg) {
  ASSERT_OK(pthread_kill(*(pthread_t*) arg, SIGUSR1));
  return NULL;
}
#endif

/* A signal handled during the sleep does not cut it short. */
TEST(misc_sleep_interrupted) {
#ifdef _WIN32
  RETURN_SKIP("POSIX signals");
#else
  struct sigaction sa;
  struct sigaction old;
  pthread_t self;
  pthread_t thread;
  uint64_t t0;

  RETURN_SKIP_UNDER_TSAN("its deferred delivery of signals loses this "
                         "handler call about one run in thirty");
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = sleep_sig_handler;
  sigemptyset(&sa.sa_mask);
  ASSERT_OK(sigaction(SIGUSR1, &sa, &old));
  sleep_signals = 0;
  self = pthread_self();
  t0 = uv_hrtime();
  ASSERT_OK(pthread_create(&thread, NULL, sleep_interrupter, &self));
  uv_sleep(100);
  ASSERT_UINT64_GE(uv_hrtime() - t0, 100 * NS_PER_MS);
  ASSERT_OK(pthread_join(thread, NULL));
  ASSERT_EQ(sleep_signals, 1);
  ASSERT_OK(sigaction(SIGUSR1, &old, NULL));
  return 0;
#endif
}

/* ------------------------------------------------------------------------ */
/* Version, buffers, shutdown */

TEST(misc_version) {
  char expected[32];

  ASSERT_EQ(uv_version(), UV_VERSION_HEX);
  ASSERT_EQ(UV_VERSION_HEX, 0x013400);
  ASSERT_EQ(UV_VERSION_MAJOR, 1);
  ASSERT_EQ(UV_VERSION_MINOR, 52);
  ASSERT_STR_EQ(uv_version_string(), "1.52.0");
  snprintf(expected, sizeof(expected), "%d.%d.%d", UV_VERSION_MAJOR,
           UV_VERSION_MINOR, UV_VERSION_PATCH);
  ASSERT_STR_EQ(uv_version_string(), expected);
  return 0;
}

TEST(misc_buf_init) {
  char data[16];
  uv_buf_t buf;

  buf = uv_buf_init(data, sizeof(data));
  ASSERT_PTR_EQ(buf.base, data);
  ASSERT_EQ(buf.len, sizeof(data));
  buf = uv_buf_init(NULL, 0);
  ASSERT_NULL(buf.base);
  ASSERT_EQ(buf.len, 0);
  /* The whole unsigned range survives the widening to the len member. */
  buf = uv_buf_init(data, UINT_MAX);
  ASSERT_UINT64_EQ(buf.len, UINT_MAX);
  return 0;
}

/* Must be the last thing the process does with the library, so it gets a
 * test (a process) of its own. */
TEST(misc_library_shutdown) {
  uv_loop_t loop;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_OK(uv_loop_close(&loop));
  uv_library_shutdown();
  uv_library_shutdown();  /* idempotent */
  return 0;
}

/* ------------------------------------------------------------------------ */
/* uv_replace_allocator */

static struct {
  int mallocs;
  int reallocs;
  int callocs;
  int frees;
  int live;
} alloc_stats;

static void* count_malloc(size_t size) {
  void* p;

  p = malloc(size);
  if (p != NULL) {
    alloc_stats.mallocs++;
    alloc_stats.live++;
  }
  return p;
}

static void* count_realloc(void* ptr, size_t size) {
  void* p;

  p = realloc(ptr, size);
  alloc_stats.reallocs++;
  if (ptr == NULL && p != NULL)
    alloc_stats.live++;
  return p;
}

static void* count_calloc(size_t count, size_t size) {
  void* p;

  p = calloc(count, size);
  if (p != NULL) {
    alloc_stats.callocs++;
    alloc_stats.live++;
  }
  return p;
}

static void count_free(void* ptr) {
  if (ptr != NULL) {
    alloc_stats.frees++;
    alloc_stats.live--;
  }
  free(ptr);
}

TEST(misc_replace_allocator) {
  uv_loop_t* loop;
  uv_timer_t timer;

  ASSERT_EQ(uv_replace_allocator(NULL, realloc, calloc, free), UV_EINVAL);
  ASSERT_EQ(uv_replace_allocator(malloc, NULL, calloc, free), UV_EINVAL);
  ASSERT_EQ(uv_replace_allocator(malloc, realloc, NULL, free), UV_EINVAL);
  ASSERT_EQ(uv_replace_allocator(malloc, realloc, calloc, NULL), UV_EINVAL);
  ASSERT_EQ(uv_replace_allocator(NULL, NULL, NULL, NULL), UV_EINVAL);

  memset(&alloc_stats, 0, sizeof(alloc_stats));
  ASSERT_OK(uv_replace_allocator(count_malloc, count_realloc, count_calloc,
                                 count_free));
  loop = uv_loop_new();
  ASSERT_NOT_NULL(loop);
  /* The loop itself, at least. */
  ASSERT_GE(alloc_stats.mallocs + alloc_stats.callocs, 1);
  ASSERT_GE(alloc_stats.live, 1);
  ASSERT_OK(uv_timer_init(loop, &timer));
  uv_close((uv_handle_t*) &timer, NULL);
  ASSERT_EQ(uv_run(loop, UV_RUN_DEFAULT), 0);
  uv_loop_delete(loop);
  /* Everything the library took, it gave back, through our functions. */
  ASSERT_GE(alloc_stats.frees, 1);
  ASSERT_EQ(alloc_stats.live, 0);

  /* Back to the C library's. */
  ASSERT_OK(uv_replace_allocator(malloc, realloc, calloc, free));
  memset(&alloc_stats, 0, sizeof(alloc_stats));
  loop = uv_loop_new();
  ASSERT_NOT_NULL(loop);
  uv_loop_delete(loop);
  ASSERT_EQ(alloc_stats.mallocs + alloc_stats.callocs + alloc_stats.reallocs +
            alloc_stats.frees, 0);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Metrics */

static void never_timer_cb(uv_timer_t* handle) {
  (void) handle;
  ASSERT(0 && "this timer must not fire");
}

static void noop_timer_cb(uv_timer_t* handle) {
  (void) handle;
}

TEST(misc_metrics_info) {
  uv_loop_t loop;
  uv_metrics_t m;
  uv_timer_t timer;
  int i;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_EQ(uv_metrics_info(NULL, &m), UV_EINVAL);
  ASSERT_EQ(uv_metrics_info(&loop, NULL), UV_EINVAL);

  memset(&m, 0xff, sizeof(m));
  ASSERT_OK(uv_metrics_info(&loop, &m));
  ASSERT_UINT64_EQ(m.loop_count, 0);
  ASSERT_UINT64_EQ(m.events, 0);
  ASSERT_UINT64_EQ(m.events_waiting, 0);

  /* A loop with nothing to do does not iterate. */
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_OK(uv_metrics_info(&loop, &m));
  ASSERT_UINT64_EQ(m.loop_count, 0);

  /* One per iteration. */
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_OK(uv_timer_start(&timer, never_timer_cb, 3600 * 1000, 0));
  for (i = 0; i < 5; i++)
    ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_OK(uv_metrics_info(&loop, &m));
  ASSERT_UINT64_EQ(m.loop_count, 5);
  ASSERT_UINT64_EQ(m.events, 0);
  close_loop_and_check(&loop);
  return 0;
}

#ifndef _WIN32
static int metrics_poll_calls;

static void metrics_poll_cb(uv_poll_t* handle, int status, int events) {
  (void) handle;
  ASSERT_OK(status);
  ASSERT_EQ(events, UV_READABLE);
  metrics_poll_calls++;
}
#else
static int metrics_poll_calls;

/* No uv_poll on Windows yet: a wake-up already posted to the completion
 * port is the event waiting when uv_run starts. */
static void metrics_async_cb(uv_async_t* handle) {
  (void) handle;
  metrics_poll_calls++;
}
#endif

/* A loop with one event (a readable socket; on Windows an async send)
 * already waiting when uv_run starts. */
static void metrics_events_case(int idle_option, uv_metrics_t* m) {
  uv_loop_t loop;
#ifndef _WIN32
  uv_poll_t poll;
  int sv[2];

  ASSERT_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
#else
  uv_async_t async;
#endif
  ASSERT_OK(uv_loop_init(&loop));
  if (idle_option)
    ASSERT_OK(uv_loop_configure(&loop, UV_METRICS_IDLE_TIME));
#ifndef _WIN32
  ASSERT_OK(uv_poll_init(&loop, &poll, sv[0]));
  ASSERT_OK(uv_poll_start(&poll, UV_READABLE, metrics_poll_cb));
  ASSERT_EQ(write(sv[1], "x", 1), 1);
#else
  ASSERT_OK(uv_async_init(&loop, &async, metrics_async_cb));
  ASSERT_OK(uv_async_send(&async));
#endif
  metrics_poll_calls = 0;
  ASSERT_NE(uv_run(&loop, UV_RUN_ONCE), 0);
  ASSERT_EQ(metrics_poll_calls, 1);
  ASSERT_OK(uv_metrics_info(&loop, m));
  close_loop_and_check(&loop);
#ifndef _WIN32
  ASSERT_OK(close(sv[0]));
  ASSERT_OK(close(sv[1]));
#endif
}

/* Events are counted; those already waiting when the poll began are also
 * counted as "waiting", but only with UV_METRICS_IDLE_TIME (as in
 * libuv). */
TEST(misc_metrics_events) {
  uv_metrics_t m;

  metrics_events_case(0, &m);
  ASSERT_UINT64_EQ(m.loop_count, 1);
  ASSERT_UINT64_GE(m.events, 1);
  ASSERT_UINT64_EQ(m.events_waiting, 0);

  metrics_events_case(1, &m);
  ASSERT_UINT64_EQ(m.loop_count, 1);
  ASSERT_UINT64_GE(m.events, 1);
  ASSERT_UINT64_GE(m.events_waiting, 1);
  ASSERT_UINT64_LE(m.events_waiting, m.events);
  return 0;
}

TEST(misc_metrics_idle_time) {
  uv_loop_t loop;
  uv_timer_t timer;
  uint64_t t0;
  uint64_t idle;
  uint64_t elapsed;

  ASSERT_UINT64_EQ(uv_metrics_idle_time(NULL), 0);

  /* Without the option: always 0, even across a blocking poll. */
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_OK(uv_timer_start(&timer, noop_timer_cb, 30, 0));
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_UINT64_EQ(uv_metrics_idle_time(&loop), 0);
  close_loop_and_check(&loop);

  /* With it: the time spent blocked waiting for the timer. */
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_loop_configure(&loop, UV_METRICS_IDLE_TIME));
  ASSERT_UINT64_EQ(uv_metrics_idle_time(&loop), 0);
  ASSERT_OK(uv_timer_init(&loop, &timer));
  t0 = uv_hrtime();
  ASSERT_OK(uv_timer_start(&timer, noop_timer_cb, 50, 0));
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  elapsed = uv_hrtime() - t0;
  idle = uv_metrics_idle_time(&loop);
  ASSERT_UINT64_GE(idle, 40 * NS_PER_MS);
  ASSERT_UINT64_LE(idle, elapsed);

  /* It only grows, and not while the loop is not waiting. */
  uv_sleep(20);
  ASSERT_UINT64_EQ(uv_metrics_idle_time(&loop), idle);
  uv_update_time(&loop);  /* or the timer is due at once: the sleep */
  ASSERT_OK(uv_timer_start(&timer, noop_timer_cb, 20, 0));
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_UINT64_GE(uv_metrics_idle_time(&loop), idle + 10 * NS_PER_MS);
  close_loop_and_check(&loop);
  return 0;
}
