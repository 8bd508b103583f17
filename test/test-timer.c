/* Tests of timers: start/stop/again, repeat, due time, firing order,
 * changes made from inside callbacks, extreme timeouts, and how timers
 * keep the loop alive. */

#include "task.h"

static int timer_calls;

static void count_cb(uv_timer_t* handle) {
  (void) handle;
  timer_calls++;
}

static void never_cb(uv_timer_t* handle) {
  (void) handle;
  ASSERT(0 && "this timer must not fire");
}

TEST(timer_basic) {
  uv_loop_t loop;
  uv_timer_t timer;
  uint64_t t0;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_EQ(uv_is_active((uv_handle_t*) &timer), 0);
  ASSERT_UINT64_EQ(uv_timer_get_repeat(&timer), 0);
  ASSERT_UINT64_EQ(uv_timer_get_due_in(&timer), 0);

  timer_calls = 0;
  t0 = uv_now(&loop);
  ASSERT_OK(uv_timer_start(&timer, count_cb, 20, 0));
  ASSERT_EQ(uv_is_active((uv_handle_t*) &timer), 1);
  /* Relative to the loop's cached time, which has not moved. */
  ASSERT_UINT64_EQ(uv_timer_get_due_in(&timer), 20);
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(timer_calls, 1);
  ASSERT_UINT64_GE(uv_now(&loop), t0 + 20);
  /* A one-shot timer is inactive after firing. */
  ASSERT_EQ(uv_is_active((uv_handle_t*) &timer), 0);
  ASSERT_UINT64_EQ(uv_timer_get_due_in(&timer), 0);

  close_loop_and_check(&loop);
  return 0;
}

TEST(timer_null_and_errors) {
  uv_loop_t loop;
  uv_timer_t timer;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_EQ(uv_timer_init(NULL, &timer), UV_EINVAL);
  ASSERT_EQ(uv_timer_init(&loop, NULL), UV_EINVAL);
  ASSERT_EQ(uv_timer_start(NULL, count_cb, 0, 0), UV_EINVAL);
  ASSERT_EQ(uv_timer_stop(NULL), UV_EINVAL);
  ASSERT_EQ(uv_timer_again(NULL), UV_EINVAL);
  uv_timer_set_repeat(NULL, 5);
  ASSERT_UINT64_EQ(uv_timer_get_repeat(NULL), 0);
  ASSERT_UINT64_EQ(uv_timer_get_due_in(NULL), 0);

  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_EQ(uv_timer_start(&timer, NULL, 0, 0), UV_EINVAL);
  ASSERT_EQ(uv_is_active((uv_handle_t*) &timer), 0);
  /* Never started: nothing to restart. */
  ASSERT_EQ(uv_timer_again(&timer), UV_EINVAL);
  ASSERT_OK(uv_timer_stop(&timer));  /* stopping a stopped timer is fine */

  close_loop_and_check(&loop);
  return 0;
}

static int repeat_calls;

static void repeat_cb(uv_timer_t* handle) {
  repeat_calls++;
  ASSERT_UINT64_EQ(uv_timer_get_repeat(handle), 2);
  ASSERT_EQ(uv_is_active((uv_handle_t*) handle), 1);
  if (repeat_calls == 5)
    ASSERT_OK(uv_timer_stop(handle));
}

TEST(timer_repeat) {
  uv_loop_t loop;
  uv_timer_t timer;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_timer_init(&loop, &timer));
  repeat_calls = 0;
  ASSERT_OK(uv_timer_start(&timer, repeat_cb, 1, 2));
  ASSERT_UINT64_EQ(uv_timer_get_repeat(&timer), 2);
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(repeat_calls, 5);
  close_loop_and_check(&loop);
  return 0;
}

TEST(timer_again) {
  uv_loop_t loop;
  uv_timer_t timer;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_timer_init(&loop, &timer));

  /* Started without repeat: uv_timer_again leaves it alone. */
  ASSERT_OK(uv_timer_start(&timer, never_cb, 1000, 0));
  ASSERT_OK(uv_timer_again(&timer));
  ASSERT_EQ(uv_is_active((uv_handle_t*) &timer), 1);
  ASSERT_UINT64_EQ(uv_timer_get_due_in(&timer), 1000);

  /* With a repeat value: rescheduled to fire after `repeat`. */
  uv_timer_set_repeat(&timer, 3000);
  ASSERT_UINT64_EQ(uv_timer_get_repeat(&timer), 3000);
  ASSERT_OK(uv_timer_again(&timer));
  ASSERT_UINT64_EQ(uv_timer_get_due_in(&timer), 3000);

  /* A stopped timer that was started before can be restarted.  Stopped,
   * it still reports its last deadline (libuv's answer). */
  ASSERT_OK(uv_timer_stop(&timer));
  ASSERT_EQ(uv_is_active((uv_handle_t*) &timer), 0);
  ASSERT_UINT64_EQ(uv_timer_get_due_in(&timer), 3000);
  ASSERT_OK(uv_timer_again(&timer));
  ASSERT_EQ(uv_is_active((uv_handle_t*) &timer), 1);
  ASSERT_UINT64_EQ(uv_timer_get_due_in(&timer), 3000);

  close_loop_and_check(&loop);
  return 0;
}

/* Starting an active timer reschedules it; it does not add a second
 * expiry. */
TEST(timer_restart_active) {
  uv_loop_t loop;
  uv_timer_t timer;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_OK(uv_timer_start(&timer, never_cb, 3600 * 1000, 0));
  timer_calls = 0;
  ASSERT_OK(uv_timer_start(&timer, count_cb, 1, 0));
  ASSERT_UINT64_EQ(uv_timer_get_due_in(&timer), 1);
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(timer_calls, 1);
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Ordering */

#define NTIMERS 10

static uv_timer_t order_timers[NTIMERS];
static int order_log[64];
static int order_count;

static void order_cb(uv_timer_t* handle) {
  ASSERT_LT(order_count, 64);
  order_log[order_count++] = (int) (handle - order_timers);
}

/* Timers due at the same time fire in the order they were started, which
 * is not the order they were initialised in. */
TEST(timer_same_due_start_order) {
  uv_loop_t loop;
  int i;

  ASSERT_OK(uv_loop_init(&loop));
  for (i = 0; i < NTIMERS; i++)
    ASSERT_OK(uv_timer_init(&loop, &order_timers[i]));
  /* Start order: 9, 7, 5, 3, 1, 0, 2, 4, 6, 8. */
  for (i = NTIMERS - 1; i >= 0; i -= 2)
    ASSERT_OK(uv_timer_start(&order_timers[i], order_cb, 10, 0));
  for (i = 0; i < NTIMERS; i += 2)
    ASSERT_OK(uv_timer_start(&order_timers[i], order_cb, 10, 0));

  order_count = 0;
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(order_count, NTIMERS);
  for (i = 0; i < NTIMERS / 2; i++) {
    ASSERT_EQ(order_log[i], NTIMERS - 1 - 2 * i);
    ASSERT_EQ(order_log[NTIMERS / 2 + i], 2 * i);
  }
  close_loop_and_check(&loop);
  return 0;
}

/* Many timers with mixed timeouts, some restarted and some stopped: they
 * fire sorted by (timeout, last start), and stopped ones never. */
#define NMIXED 200

static uv_timer_t mixed[NMIXED];
static uint64_t mixed_key[NMIXED];
static int mixed_fired[NMIXED];
static uint64_t mixed_last_key;
static int mixed_count;

static void mixed_cb(uv_timer_t* handle) {
  int i;

  i = (int) (handle - mixed);
  ASSERT_EQ(mixed_fired[i], 0);
  mixed_fired[i] = 1;
  ASSERT_UINT64_GE(mixed_key[i], mixed_last_key);
  mixed_last_key = mixed_key[i];
  mixed_count++;
}

TEST(timer_order_many) {
  uv_loop_t loop;
  uint64_t timeout;
  uint64_t seq;
  uint32_t rnd;
  int expected;
  int i;

  ASSERT_OK(uv_loop_init(&loop));
  rnd = 12345;
  seq = 0;
  for (i = 0; i < NMIXED; i++) {
    ASSERT_OK(uv_timer_init(&loop, &mixed[i]));
    rnd = rnd * 1103515245u + 12345u;
    timeout = (rnd >> 16) % 25;
    ASSERT_OK(uv_timer_start(&mixed[i], mixed_cb, timeout, 0));
    mixed_key[i] = (timeout << 32) | seq++;
  }
  /* Restart every third one with a new timeout, stop every seventh. */
  expected = 0;
  for (i = 0; i < NMIXED; i++) {
    if (i % 3 == 0) {
      rnd = rnd * 1103515245u + 12345u;
      timeout = (rnd >> 16) % 25;
      ASSERT_OK(uv_timer_start(&mixed[i], mixed_cb, timeout, 0));
      mixed_key[i] = (timeout << 32) | seq++;
    }
    if (i % 7 == 0)
      ASSERT_OK(uv_timer_stop(&mixed[i]));
    else
      expected++;
  }

  mixed_count = 0;
  mixed_last_key = 0;
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(mixed_count, expected);
  for (i = 0; i < NMIXED; i++)
    ASSERT_EQ(mixed_fired[i], i % 7 != 0);
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Changes made from callbacks */

static int rezero_calls;

static void rezero_cb(uv_timer_t* handle) {
  rezero_calls++;
  /* Due again at once, but not in the pass that is running. */
  ASSERT_OK(uv_timer_start(handle, rezero_cb, 0, 0));
}

TEST(timer_restart_zero_in_callback) {
  uv_loop_t loop;
  uv_timer_t timer;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_OK(uv_timer_start(&timer, rezero_cb, 0, 5));
  rezero_calls = 0;
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(rezero_calls, 1);
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(rezero_calls, 2);
  /* ONCE: one pass of timers per call as well. */
  ASSERT_NE(uv_run(&loop, UV_RUN_ONCE), 0);
  ASSERT_EQ(rezero_calls, 3);
  close_loop_and_check(&loop);
  return 0;
}

static uv_timer_t stop_victim;
static uv_timer_t close_victim;
static int stopper_calls;

static void stopper_cb(uv_timer_t* handle) {
  (void) handle;
  stopper_calls++;
  ASSERT_EQ(uv_is_active((uv_handle_t*) &stop_victim), 1);
  ASSERT_OK(uv_timer_stop(&stop_victim));
  ASSERT_EQ(uv_is_active((uv_handle_t*) &stop_victim), 0);
  uv_close((uv_handle_t*) &close_victim, NULL);
}

/* A due timer stopped or closed by an earlier callback of the same pass
 * does not fire. */
TEST(timer_stop_other_due) {
  uv_loop_t loop;
  uv_timer_t stopper;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_timer_init(&loop, &stopper));
  ASSERT_OK(uv_timer_init(&loop, &stop_victim));
  ASSERT_OK(uv_timer_init(&loop, &close_victim));
  ASSERT_OK(uv_timer_start(&stopper, stopper_cb, 5, 0));
  ASSERT_OK(uv_timer_start(&stop_victim, never_cb, 5, 0));
  ASSERT_OK(uv_timer_start(&close_victim, never_cb, 5, 0));
  stopper_calls = 0;
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(stopper_calls, 1);
  close_loop_and_check(&loop);
  return 0;
}

static int set_repeat_calls;

static void set_repeat_cb(uv_timer_t* handle) {
  set_repeat_calls++;
  /* The next expiry was already scheduled with the old repeat value; the
   * new one applies after it. */
  uv_timer_set_repeat(handle, 0);
  ASSERT_EQ(uv_is_active((uv_handle_t*) handle), set_repeat_calls == 1);
}

TEST(timer_set_repeat_in_callback) {
  uv_loop_t loop;
  uv_timer_t timer;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_OK(uv_timer_start(&timer, set_repeat_cb, 1, 1));
  set_repeat_calls = 0;
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(set_repeat_calls, 2);
  close_loop_and_check(&loop);
  return 0;
}

static void close_self_cb(uv_timer_t* handle) {
  timer_calls++;
  uv_close((uv_handle_t*) handle, NULL);
}

TEST(timer_close_in_callback) {
  uv_loop_t loop;
  uv_timer_t timer;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_OK(uv_timer_start(&timer, close_self_cb, 0, 1));
  timer_calls = 0;
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(timer_calls, 1);
  ASSERT_OK(uv_loop_close(&loop));
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Extremes and liveness */

TEST(timer_huge_timeout) {
  uv_loop_t loop;
  uv_timer_t a;
  uv_timer_t b;
  uv_timer_t c;
  uint64_t now;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_timer_init(&loop, &a));
  ASSERT_OK(uv_timer_init(&loop, &b));
  ASSERT_OK(uv_timer_init(&loop, &c));
  now = uv_now(&loop);
  /* now + timeout would wrap: the deadline saturates instead of landing in
   * the past. */
  ASSERT_OK(uv_timer_start(&a, never_cb, UINT64_MAX, 0));
  ASSERT_OK(uv_timer_start(&b, never_cb, UINT64_MAX - now + 1, 0));
  ASSERT_OK(uv_timer_start(&c, never_cb, (uint64_t) INT64_MAX, UINT64_MAX));
  ASSERT_UINT64_EQ(uv_timer_get_due_in(&a), UINT64_MAX - now);
  ASSERT_UINT64_EQ(uv_timer_get_due_in(&b), UINT64_MAX - now);
  ASSERT_UINT64_EQ(uv_timer_get_due_in(&c), (uint64_t) INT64_MAX);

  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(uv_backend_timeout(&loop), INT_MAX);
  ASSERT_EQ(uv_is_active((uv_handle_t*) &a), 1);
  ASSERT_EQ(uv_is_active((uv_handle_t*) &b), 1);
  ASSERT_EQ(uv_is_active((uv_handle_t*) &c), 1);
  close_loop_and_check(&loop);
  return 0;
}

TEST(timer_ref) {
  uv_loop_t loop;
  uv_timer_t timer;
  uv_timer_t keeper;
  uint64_t t0;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_OK(uv_timer_start(&timer, never_cb, 3600 * 1000, 0));
  ASSERT_EQ(uv_loop_alive(&loop), 1);
  uv_unref((uv_handle_t*) &timer);
  /* An unreferenced timer does not keep uv_run going. */
  t0 = uv_hrtime();
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_LT(uv_hrtime() - t0, (uint64_t) 1000 * 1000 * 1000);
  ASSERT_EQ(uv_is_active((uv_handle_t*) &timer), 1);

  /* ...but still fires if the loop runs for something else. */
  ASSERT_OK(uv_timer_init(&loop, &keeper));
  ASSERT_OK(uv_timer_start(&timer, count_cb, 1, 0));
  ASSERT_OK(uv_timer_start(&keeper, never_cb, 3600 * 1000, 0));
  timer_calls = 0;
  while (timer_calls == 0)
    ASSERT_NE(uv_run(&loop, UV_RUN_ONCE), 0);
  ASSERT_EQ(timer_calls, 1);
  close_loop_and_check(&loop);
  return 0;
}

/* uv_timer_get_due_in follows the loop's cached time. */
TEST(timer_due_in) {
  uv_loop_t loop;
  uv_timer_t timer;
  uint64_t due;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_OK(uv_timer_start(&timer, never_cb, 1000, 0));
  ASSERT_UINT64_EQ(uv_timer_get_due_in(&timer), 1000);
  uv_sleep(20);
  ASSERT_UINT64_EQ(uv_timer_get_due_in(&timer), 1000);
  uv_update_time(&loop);
  due = uv_timer_get_due_in(&timer);
  ASSERT_UINT64_LE(due, 981);
  ASSERT_UINT64_GT(due, 0);
  /* A stopped timer still reports its last deadline, as libuv's does. */
  ASSERT_OK(uv_timer_stop(&timer));
  ASSERT_UINT64_EQ(uv_timer_get_due_in(&timer), due);
  close_loop_and_check(&loop);
  return 0;
}
