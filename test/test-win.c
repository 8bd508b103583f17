/* Tests of what the Windows platform layer adds of its own: the Win32 and
 * Winsock error table, millisecond timers and sleeps despite the 15.6 ms
 * scheduler tick, and UTF-8 thread names.  Elsewhere they skip, or check
 * the same promise through the local mechanism. */

#include "task.h"

#include <string.h>

/* Milliseconds since t0 (uv_hrtime), printed and checked against a range:
 * the lower bound says nothing ran early, the upper one that the scheduler
 * tick did not add up. */
static void check_elapsed(const char* what, uint64_t t0, uint64_t min_ms,
                          uint64_t max_ms) {
  uint64_t ms;

  ms = (uv_hrtime() - t0) / 1000000;
  fprintf(stderr, "%s: %u ms\n", what, (unsigned) ms);
  ASSERT_UINT64_GE(ms, min_ms);
  ASSERT_UINT64_LT(ms, max_ms);
}

/* Twenty 2 ms timers in a row.  With the default 15.6 ms tick they would
 * take over 300 ms; the loop asks for 1 ms resolution around short waits.
 * None fires early (the loop clock counts whole milliseconds, so "2 ms"
 * is more than 1 ms after the callback that started it). */
static uint64_t short_start;
static int short_left;

static void short_timer_cb(uv_timer_t* handle) {
  uint64_t now;

  now = uv_hrtime();
  ASSERT_UINT64_GT(now - short_start, 1000 * 1000);
  if (--short_left == 0)
    return;
  short_start = now;
  ASSERT_OK(uv_timer_start(handle, short_timer_cb, 2, 0));
}

TEST(win_short_timers_are_precise) {
  uv_loop_t loop;
  uv_timer_t timer;
  uint64_t t0;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_timer_init(&loop, &timer));
  short_left = 20;
  t0 = uv_hrtime();
  uv_update_time(&loop);
  short_start = uv_hrtime();
  ASSERT_OK(uv_timer_start(&timer, short_timer_cb, 2, 0));
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(short_left, 0);
  check_elapsed("20 timers of 2 ms", t0, 40, 250);
  close_loop_and_check(&loop);
  return 0;
}

/* A long timer ends on time too: the wait sleeps coarsely, then finishes
 * at 1 ms resolution, and UV_RUN_ONCE returns with the timer run. */
static int long_fired;

static void long_timer_cb(uv_timer_t* handle) {
  (void) handle;
  long_fired++;
}

TEST(win_long_timer_run_once) {
  uv_loop_t loop;
  uv_timer_t timer;
  uint64_t t0;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_timer_init(&loop, &timer));
  t0 = uv_hrtime();
  uv_update_time(&loop);
  ASSERT_OK(uv_timer_start(&timer, long_timer_cb, 150, 0));
  ASSERT_EQ(uv_run(&loop, UV_RUN_ONCE), 0);
  ASSERT_EQ(long_fired, 1);
  check_elapsed("150 ms timer", t0, 149, 250);
  close_loop_and_check(&loop);
  return 0;
}

TEST(win_sleep_is_precise) {
  uint64_t t0;
  int i;

  t0 = uv_hrtime();
  for (i = 0; i < 20; i++)
    uv_sleep(2);
  check_elapsed("20 sleeps of 2 ms", t0, 40, 250);
  return 0;
}

TEST(win_thread_name_utf8) {
#ifndef _WIN32
  RETURN_SKIP("Linux thread names are bytes; this checks UTF-16 round trips");
#else
  static const char name[] = "w\xC3\xA9rker-\xE2\x82\xAC";  /* wérker-€ */
  uv_thread_t self;
  char buf[64];
  int err;

  err = uv_thread_setname(name);
  if (err == UV_ENOSYS)
    RETURN_SKIP("SetThreadDescription is missing (before Windows 10 1607)");
  ASSERT_OK(err);
  self = uv_thread_self();
  ASSERT_OK(uv_thread_getname(&self, buf, sizeof(buf)));
  ASSERT_STR_EQ(buf, name);
  /* Malformed UTF-8 is refused, not passed on. */
  ASSERT_EQ(uv_thread_setname("\xC3"), UV_EINVAL);
  return 0;
#endif
}
