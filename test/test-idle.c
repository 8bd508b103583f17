/* Tests of idle, prepare and check handles: starting and stopping, the
 * order within and across phases, changes made from callbacks, and the
 * effect of idle handles on the poll timeout. */

#include "task.h"

static int idle_calls;
static int prepare_calls;
static int check_calls;

static void idle_cb(uv_idle_t* h) {
  (void) h;
  idle_calls++;
}

static void prepare_cb(uv_prepare_t* h) {
  (void) h;
  prepare_calls++;
}

static void check_cb(uv_check_t* h) {
  (void) h;
  check_calls++;
}

static void never_timer_cb(uv_timer_t* h) {
  (void) h;
  ASSERT(0 && "this timer must not fire");
}

TEST(idle_basic) {
  uv_loop_t loop;
  uv_idle_t idle;
  int i;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_idle_init(&loop, &idle));
  ASSERT_EQ(uv_is_active((uv_handle_t*) &idle), 0);
  ASSERT_OK(uv_idle_start(&idle, idle_cb));
  ASSERT_EQ(uv_is_active((uv_handle_t*) &idle), 1);
  ASSERT_EQ(uv_loop_alive(&loop), 1);

  /* Once per iteration. */
  idle_calls = 0;
  for (i = 0; i < 5; i++)
    ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(idle_calls, 5);
  ASSERT_NE(uv_run(&loop, UV_RUN_ONCE), 0);
  ASSERT_EQ(idle_calls, 6);

  ASSERT_OK(uv_idle_stop(&idle));
  ASSERT_OK(uv_idle_stop(&idle));
  ASSERT_EQ(uv_is_active((uv_handle_t*) &idle), 0);
  ASSERT_EQ(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(idle_calls, 6);

  /* Restartable. */
  ASSERT_OK(uv_idle_start(&idle, idle_cb));
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(idle_calls, 7);
  close_loop_and_check(&loop);
  return 0;
}

TEST(idle_prepare_check_errors) {
  uv_loop_t loop;
  uv_idle_t idle;
  uv_prepare_t prepare;
  uv_check_t check;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_EQ(uv_idle_init(NULL, &idle), UV_EINVAL);
  ASSERT_EQ(uv_idle_init(&loop, NULL), UV_EINVAL);
  ASSERT_EQ(uv_prepare_init(NULL, &prepare), UV_EINVAL);
  ASSERT_EQ(uv_prepare_init(&loop, NULL), UV_EINVAL);
  ASSERT_EQ(uv_check_init(NULL, &check), UV_EINVAL);
  ASSERT_EQ(uv_check_init(&loop, NULL), UV_EINVAL);
  ASSERT_EQ(uv_idle_start(NULL, idle_cb), UV_EINVAL);
  ASSERT_EQ(uv_prepare_start(NULL, prepare_cb), UV_EINVAL);
  ASSERT_EQ(uv_check_start(NULL, check_cb), UV_EINVAL);
  ASSERT_EQ(uv_idle_stop(NULL), UV_EINVAL);
  ASSERT_EQ(uv_prepare_stop(NULL), UV_EINVAL);
  ASSERT_EQ(uv_check_stop(NULL), UV_EINVAL);

  ASSERT_OK(uv_idle_init(&loop, &idle));
  ASSERT_OK(uv_prepare_init(&loop, &prepare));
  ASSERT_OK(uv_check_init(&loop, &check));
  ASSERT_EQ(uv_idle_start(&idle, NULL), UV_EINVAL);
  ASSERT_EQ(uv_prepare_start(&prepare, NULL), UV_EINVAL);
  ASSERT_EQ(uv_check_start(&check, NULL), UV_EINVAL);
  ASSERT_EQ(uv_is_active((uv_handle_t*) &idle), 0);
  ASSERT_EQ(uv_is_active((uv_handle_t*) &prepare), 0);
  ASSERT_EQ(uv_is_active((uv_handle_t*) &check), 0);
  ASSERT_EQ(uv_loop_alive(&loop), 0);

  /* NULL is refused on an active handle too, and changes nothing. */
  ASSERT_OK(uv_idle_start(&idle, idle_cb));
  ASSERT_EQ(uv_idle_start(&idle, NULL), UV_EINVAL);
  ASSERT_EQ(uv_is_active((uv_handle_t*) &idle), 1);
  idle_calls = 0;
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(idle_calls, 1);

  close_loop_and_check(&loop);
  return 0;
}

static void other_idle_cb(uv_idle_t* h) {
  (void) h;
  ASSERT(0 && "starting an active handle must not replace its callback");
}

/* As in libuv, starting an active handle does nothing, not even change its
 * callback. */
TEST(idle_start_active_keeps_callback) {
  uv_loop_t loop;
  uv_idle_t idle;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_idle_init(&loop, &idle));
  ASSERT_OK(uv_idle_start(&idle, idle_cb));
  ASSERT_OK(uv_idle_start(&idle, other_idle_cb));
  idle_calls = 0;
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(idle_calls, 1);
  /* Once stopped, a start takes the new callback. */
  ASSERT_OK(uv_idle_stop(&idle));
  ASSERT_OK(uv_idle_start(&idle, idle_cb));
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(idle_calls, 2);
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Order and changes from callbacks */

static uv_idle_t order_idles[4];
static int order_log[16];
static int order_count;

static void order_idle_cb(uv_idle_t* h) {
  ASSERT_LT(order_count, 16);
  order_log[order_count++] = (int) (h - order_idles);
}

/* As in libuv: the most recently started handle runs first. */
TEST(idle_order) {
  uv_loop_t loop;
  int i;

  ASSERT_OK(uv_loop_init(&loop));
  for (i = 0; i < 4; i++)
    ASSERT_OK(uv_idle_init(&loop, &order_idles[i]));
  ASSERT_OK(uv_idle_start(&order_idles[1], order_idle_cb));
  ASSERT_OK(uv_idle_start(&order_idles[3], order_idle_cb));
  ASSERT_OK(uv_idle_start(&order_idles[0], order_idle_cb));
  ASSERT_OK(uv_idle_start(&order_idles[2], order_idle_cb));
  order_count = 0;
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(order_count, 4);
  ASSERT_EQ(order_log[0], 2);
  ASSERT_EQ(order_log[1], 0);
  ASSERT_EQ(order_log[2], 3);
  ASSERT_EQ(order_log[3], 1);
  close_loop_and_check(&loop);
  return 0;
}

static uv_idle_t self_stopper;
static uv_idle_t other_victim;
static uv_idle_t late_starter;
static int self_stop_calls;
static int victim_calls;
static int late_calls;

static void victim_cb(uv_idle_t* h) {
  (void) h;
  victim_calls++;
}

static void late_cb(uv_idle_t* h) {
  (void) h;
  late_calls++;
}

static void self_stop_cb(uv_idle_t* h) {
  self_stop_calls++;
  ASSERT_OK(uv_idle_stop(h));
  ASSERT_EQ(uv_is_active((uv_handle_t*) h), 0);
  /* Stopping one that has not run yet in this pass keeps it from running;
   * one started now waits for the next pass. */
  ASSERT_OK(uv_idle_stop(&other_victim));
  ASSERT_OK(uv_idle_start(&late_starter, late_cb));
}

TEST(idle_stop_in_callback) {
  uv_loop_t loop;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_idle_init(&loop, &self_stopper));
  ASSERT_OK(uv_idle_init(&loop, &other_victim));
  ASSERT_OK(uv_idle_init(&loop, &late_starter));
  /* Newest first: self_stopper runs before other_victim. */
  ASSERT_OK(uv_idle_start(&other_victim, victim_cb));
  ASSERT_OK(uv_idle_start(&self_stopper, self_stop_cb));

  self_stop_calls = victim_calls = late_calls = 0;
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(self_stop_calls, 1);
  ASSERT_EQ(victim_calls, 0);
  ASSERT_EQ(late_calls, 0);
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(self_stop_calls, 1);
  ASSERT_EQ(late_calls, 1);
  close_loop_and_check(&loop);
  return 0;
}

static void close_self_idle_cb(uv_idle_t* h) {
  idle_calls++;
  uv_close((uv_handle_t*) h, NULL);
}

TEST(idle_close_in_callback) {
  uv_loop_t loop;
  uv_idle_t a;
  uv_idle_t b;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_idle_init(&loop, &a));
  ASSERT_OK(uv_idle_init(&loop, &b));
  ASSERT_OK(uv_idle_start(&a, close_self_idle_cb));
  ASSERT_OK(uv_idle_start(&b, close_self_idle_cb));
  idle_calls = 0;
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(idle_calls, 2);
  ASSERT_OK(uv_loop_close(&loop));
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Idle handles and the poll timeout */

TEST(idle_poll_timeout_zero) {
  uv_loop_t loop;
  uv_idle_t idle;
  uv_timer_t timer;
  uint64_t t0;
  int i;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_idle_init(&loop, &idle));
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_OK(uv_timer_start(&timer, never_timer_cb, 3600 * 1000, 0));
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);  /* settle the backend */
  ASSERT_GT(uv_backend_timeout(&loop), 0);
  ASSERT_OK(uv_idle_start(&idle, idle_cb));
  ASSERT_EQ(uv_backend_timeout(&loop), 0);
  /* Even unreferenced, an active idle handle keeps polls from blocking. */
  uv_unref((uv_handle_t*) &idle);
  ASSERT_EQ(uv_backend_timeout(&loop), 0);

  /* So UV_RUN_ONCE returns at once instead of waiting for the timer. */
  idle_calls = 0;
  t0 = uv_hrtime();
  for (i = 0; i < 10; i++)
    ASSERT_NE(uv_run(&loop, UV_RUN_ONCE), 0);
  ASSERT_LT(uv_hrtime() - t0, (uint64_t) 1000 * 1000 * 1000);
  ASSERT_EQ(idle_calls, 10);

  ASSERT_OK(uv_idle_stop(&idle));
  ASSERT_GT(uv_backend_timeout(&loop), 0);
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Prepare and check */

static int pc_log[32];
static int pc_count;

static void pc_prepare_cb(uv_prepare_t* h) {
  (void) h;
  ASSERT_LT(pc_count, 32);
  pc_log[pc_count++] = 'p';
}

static void pc_check_cb(uv_check_t* h) {
  (void) h;
  ASSERT_LT(pc_count, 32);
  pc_log[pc_count++] = 'c';
}

static void pc_timer_cb(uv_timer_t* h) {
  (void) h;
  ASSERT_LT(pc_count, 32);
  pc_log[pc_count++] = 't';
}

/* Prepare runs right before the poll, check right after it, once per
 * iteration each; a timer that ends a blocking poll runs after check. */
TEST(prepare_check_basic) {
  uv_loop_t loop;
  uv_prepare_t prepare;
  uv_check_t check;
  uv_timer_t timer;
  int i;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_prepare_init(&loop, &prepare));
  ASSERT_OK(uv_check_init(&loop, &check));
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_OK(uv_prepare_start(&prepare, pc_prepare_cb));
  ASSERT_OK(uv_check_start(&check, pc_check_cb));
  ASSERT_OK(uv_prepare_start(&prepare, pc_prepare_cb));  /* no-op */
  ASSERT_OK(uv_check_start(&check, pc_check_cb));
  ASSERT_EQ(uv_is_active((uv_handle_t*) &prepare), 1);
  ASSERT_EQ(uv_is_active((uv_handle_t*) &check), 1);

  pc_count = 0;
  for (i = 0; i < 3; i++)
    ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(pc_count, 6);
  for (i = 0; i < 3; i++) {
    ASSERT_EQ(pc_log[2 * i], 'p');
    ASSERT_EQ(pc_log[2 * i + 1], 'c');
  }

  /* Prepare and check keep the loop alive but do not keep the poll from
   * blocking until the timer is due. */
  ASSERT_OK(uv_timer_start(&timer, pc_timer_cb, 20, 0));
  ASSERT_GT(uv_backend_timeout(&loop), 0);
  pc_count = 0;
  ASSERT_NE(uv_run(&loop, UV_RUN_ONCE), 0);
  ASSERT_EQ(pc_count, 3);
  ASSERT_EQ(pc_log[0], 'p');
  ASSERT_EQ(pc_log[1], 'c');
  ASSERT_EQ(pc_log[2], 't');

  ASSERT_OK(uv_prepare_stop(&prepare));
  ASSERT_OK(uv_check_stop(&check));
  ASSERT_EQ(uv_is_active((uv_handle_t*) &prepare), 0);
  ASSERT_EQ(uv_is_active((uv_handle_t*) &check), 0);
  ASSERT_EQ(uv_loop_alive(&loop), 0);
  pc_count = 0;
  ASSERT_EQ(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(pc_count, 0);
  close_loop_and_check(&loop);
  return 0;
}

static uv_check_t check_a;
static uv_check_t check_b;

static void check_starts_other_cb(uv_check_t* h) {
  check_calls++;
  ASSERT_OK(uv_check_stop(h));
  ASSERT_OK(uv_check_start(&check_b, check_cb));
}

static void prepare_stop_self_cb(uv_prepare_t* h) {
  prepare_calls++;
  ASSERT_OK(uv_prepare_stop(h));
}

/* Handles started from a callback of their own phase wait for the next
 * iteration; a handle can stop itself from its callback. */
TEST(prepare_check_changes_in_callback) {
  uv_loop_t loop;
  uv_prepare_t prepare;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_check_init(&loop, &check_a));
  ASSERT_OK(uv_check_init(&loop, &check_b));
  ASSERT_OK(uv_prepare_init(&loop, &prepare));
  ASSERT_OK(uv_check_start(&check_a, check_starts_other_cb));
  ASSERT_OK(uv_prepare_start(&prepare, prepare_stop_self_cb));

  check_calls = prepare_calls = 0;
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(check_calls, 1);
  ASSERT_EQ(prepare_calls, 1);
  ASSERT_EQ(uv_is_active((uv_handle_t*) &prepare), 0);
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(check_calls, 2);  /* check_b, once */
  ASSERT_EQ(prepare_calls, 1);
  close_loop_and_check(&loop);
  return 0;
}

TEST(idle_ref) {
  uv_loop_t loop;
  uv_idle_t idle;
  uv_prepare_t prepare;
  uv_check_t check;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_idle_init(&loop, &idle));
  ASSERT_OK(uv_prepare_init(&loop, &prepare));
  ASSERT_OK(uv_check_init(&loop, &check));
  ASSERT_OK(uv_idle_start(&idle, idle_cb));
  ASSERT_OK(uv_prepare_start(&prepare, prepare_cb));
  ASSERT_OK(uv_check_start(&check, check_cb));
  uv_unref((uv_handle_t*) &idle);
  uv_unref((uv_handle_t*) &prepare);
  uv_unref((uv_handle_t*) &check);
  /* Nothing referenced: uv_run returns without an iteration. */
  idle_calls = prepare_calls = check_calls = 0;
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(idle_calls + prepare_calls + check_calls, 0);
  close_loop_and_check(&loop);
  return 0;
}
