/* Tests of fs poll handles: a change is reported with both stats, a
 * missing path once (not on every poll), its reappearance, stopping and
 * restarting inside the callback, closing with a stat in flight, getpath
 * and bad arguments.
 *
 * Intervals are 10 ms.  The file is changed from inside the poll callback
 * or a timer, never after a sleep; a deadline timer bounds each test. */
#define _GNU_SOURCE
#include "test-fs.h"

/* The mode change the tests make: Windows has only the read-only bit. */
#ifdef _WIN32
# define MODE_BEFORE 0666
# define MODE_AFTER 0444
#else
# define MODE_BEFORE 0644
# define MODE_AFTER 0600
#endif

static fs_scratch_t scratch;
static char file_path[PATH_MAX];
static int poll_calls;
static int step;
static uv_timer_t deadline;
static uv_timer_t helper_timer;

static void never_cb(uv_fs_poll_t* h, int status, const uv_stat_t* prev,
                     const uv_stat_t* curr) {
  (void) h;
  (void) status;
  (void) prev;
  (void) curr;
  ASSERT(0 && "this callback must not run");
}

static void deadline_cb(uv_timer_t* t) {
  (void) t;
  ASSERT(0 && "deadline passed");
}

static void start_deadline(uv_loop_t* loop) {
  ASSERT_OK(uv_timer_init(loop, &deadline));
  ASSERT_OK(uv_timer_start(&deadline, deadline_cb, 10000, 0));
  uv_unref((uv_handle_t*) &deadline);
}

TEST(fs_poll_errors) {
  uv_loop_t loop;
  uv_fs_poll_t h;
  uv_timer_t timer;
  char buf[PATH_MAX];
  size_t size;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_EQ(uv_fs_poll_init(NULL, &h), UV_EINVAL);
  ASSERT_EQ(uv_fs_poll_init(&loop, NULL), UV_EINVAL);
  ASSERT_OK(uv_fs_poll_init(&loop, &h));
  ASSERT_EQ(uv_is_active((uv_handle_t*) &h), 0);
  ASSERT_EQ(uv_fs_poll_start(&h, NULL, ".", 10), UV_EINVAL);
  ASSERT_EQ(uv_fs_poll_start(&h, never_cb, NULL, 10),
            UV_EINVAL);
  ASSERT_EQ(uv_fs_poll_start(NULL, never_cb, ".", 10),
            UV_EINVAL);
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_EQ(uv_fs_poll_start((uv_fs_poll_t*) &timer, never_cb,
                             ".", 10), UV_EINVAL);
  ASSERT_EQ(uv_fs_poll_stop(NULL), UV_EINVAL);
  ASSERT_OK(uv_fs_poll_stop(&h));  /* never started: fine */

  size = sizeof(buf);
  ASSERT_EQ(uv_fs_poll_getpath(&h, buf, &size), UV_EINVAL);
  ASSERT_EQ(size, 0);

  ASSERT_OK(uv_fs_poll_start(&h, never_cb, "some/where", 1000));
  ASSERT_EQ(uv_is_active((uv_handle_t*) &h), 1);
  /* A started handle stays as it is (libuv). */
  ASSERT_OK(uv_fs_poll_start(&h, never_cb, "else", 1000));
  size = 5;
  ASSERT_EQ(uv_fs_poll_getpath(&h, buf, &size), UV_ENOBUFS);
  ASSERT_EQ(size, strlen("some/where") + 1);
  ASSERT_OK(uv_fs_poll_getpath(&h, buf, &size));
  ASSERT_EQ(size, strlen("some/where"));
  ASSERT_STR_EQ(buf, "some/where");
  ASSERT_EQ(uv_fs_poll_getpath(&h, NULL, &size), UV_EINVAL);

  ASSERT_OK(uv_fs_poll_stop(&h));
  ASSERT_EQ(uv_is_active((uv_handle_t*) &h), 0);
  size = sizeof(buf);
  ASSERT_EQ(uv_fs_poll_getpath(&h, buf, &size), UV_EINVAL);
  /* The stat of the start above may still be in flight: the close waits
   * for it, and the callback (abort) is never called. */
  close_loop_and_check(&loop);
  return 0;
}

/* The life of a file: missing (reported once), created, changed, removed,
 * created again. */
static void helper_check_once_cb(uv_timer_t* t);

static void life_cb(uv_fs_poll_t* h, int status, const uv_stat_t* prev,
                    const uv_stat_t* curr) {
  poll_calls++;
  switch (step++) {
    case 0:
      /* Missing from the start: the error, with zeroed stats. */
      ASSERT_EQ(status, UV_ENOENT);
      ASSERT_EQ(prev->st_ino, 0);
      ASSERT_EQ(curr->st_ino, 0);
      fs_put(file_path, "a", 1);
      break;
    case 1:
      /* There now: status 0; before, nothing. */
      ASSERT_OK(status);
      ASSERT_EQ(prev->st_ino, 0);
      ASSERT_NE(curr->st_ino, 0);
      ASSERT_EQ(curr->st_size, 1);
      fs_put(file_path, "abc", 3);
      break;
    case 2:
      ASSERT_OK(status);
      ASSERT_EQ(prev->st_size, 1);
      ASSERT_EQ(curr->st_size, 3);
      ASSERT_EQ(prev->st_ino, curr->st_ino);
      ASSERT_OK(unlink(file_path));
      break;
    case 3:
      /* Gone: prev is the last stat seen, curr zeroed.  Then ten more
       * polls must pass without a callback. */
      ASSERT_EQ(status, UV_ENOENT);
      ASSERT_EQ(prev->st_size, 3);
      ASSERT_EQ(curr->st_size, 0);
      ASSERT_OK(uv_timer_start(&helper_timer, helper_check_once_cb, 120, 0));
      break;
    case 4:
      ASSERT_OK(status);
      ASSERT_EQ(curr->st_size, 2);
      uv_close((uv_handle_t*) h, NULL);
      uv_close((uv_handle_t*) &helper_timer, NULL);
      uv_close((uv_handle_t*) &deadline, NULL);
      break;
    default:
      ASSERT(0 && "too many callbacks");
  }
}

static void helper_check_once_cb(uv_timer_t* t) {
  (void) t;
  ASSERT_EQ(step, 4);  /* still just the one UV_ENOENT */
  fs_put(file_path, "zz", 2);
}

TEST(fs_poll_life_cycle) {
  uv_loop_t loop;
  uv_fs_poll_t h;

  fs_scratch_init(&scratch);
  fs_path(&scratch, file_path, "polled");
  ASSERT_OK(uv_loop_init(&loop));
  start_deadline(&loop);
  ASSERT_OK(uv_timer_init(&loop, &helper_timer));
  ASSERT_OK(uv_fs_poll_init(&loop, &h));
  poll_calls = 0;
  step = 0;
  ASSERT_OK(uv_fs_poll_start(&h, life_cb, file_path, 10));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(step, 5);
  ASSERT_OK(uv_loop_close(&loop));
  fs_scratch_done(&scratch);
  return 0;
}

/* An existing file: the first stat is only the baseline; a timer changes
 * the mode, the callback sees it and stops the handle. */
static void change_timer_cb(uv_timer_t* t) {
  (void) t;
  ASSERT_OK(chmod(file_path, MODE_AFTER));
}

static void change_cb(uv_fs_poll_t* h, int status, const uv_stat_t* prev,
                      const uv_stat_t* curr) {
  poll_calls++;
  ASSERT_OK(status);
  ASSERT_EQ(prev->st_mode & 0777, MODE_BEFORE);
  ASSERT_EQ(curr->st_mode & 0777, MODE_AFTER);
  ASSERT_OK(uv_fs_poll_stop(h));
  ASSERT_EQ(uv_is_active((uv_handle_t*) h), 0);
  uv_close((uv_handle_t*) &deadline, NULL);
}

TEST(fs_poll_change) {
  uv_loop_t loop;
  uv_fs_poll_t h;

  fs_scratch_init(&scratch);
  fs_path(&scratch, file_path, "f");
  fs_put(file_path, "x", 1);
  ASSERT_OK(chmod(file_path, MODE_BEFORE));
  ASSERT_OK(uv_loop_init(&loop));
  start_deadline(&loop);
  ASSERT_OK(uv_fs_poll_init(&loop, &h));
  poll_calls = 0;
  ASSERT_OK(uv_fs_poll_start(&h, change_cb, file_path, 10));
  /* 100 ms: several polls establish the baseline first. */
  ASSERT_OK(uv_timer_init(&loop, &helper_timer));
  ASSERT_OK(uv_timer_start(&helper_timer, change_timer_cb, 100, 0));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(poll_calls, 1);
  close_loop_and_check(&loop);
  fs_scratch_done(&scratch);
  return 0;
}

/* Stop and start again from inside the callback: the new start has its
 * own first result (the error, again), and nothing of the old one leaks
 * into it. */
static void restart_cb(uv_fs_poll_t* h, int status, const uv_stat_t* prev,
                       const uv_stat_t* curr) {
  char other[PATH_MAX];

  (void) prev;
  (void) curr;
  ASSERT_EQ(status, UV_ENOENT);
  poll_calls++;
  ASSERT_OK(uv_fs_poll_stop(h));
  if (poll_calls == 3) {
    uv_close((uv_handle_t*) h, NULL);
    uv_close((uv_handle_t*) &deadline, NULL);
    return;
  }
  /* Start on another missing path; then a restart on the first. */
  ASSERT_OK(uv_fs_poll_start(h, restart_cb,
                             poll_calls == 1 ?
                             fs_path(&scratch, other, "other") : file_path,
                             10));
  ASSERT_EQ(uv_is_active((uv_handle_t*) h), 1);
}

TEST(fs_poll_restart_in_callback) {
  uv_loop_t loop;
  uv_fs_poll_t h;
  char buf[PATH_MAX];
  size_t size;

  fs_scratch_init(&scratch);
  fs_path(&scratch, file_path, "missing");
  ASSERT_OK(uv_loop_init(&loop));
  start_deadline(&loop);
  ASSERT_OK(uv_fs_poll_init(&loop, &h));
  poll_calls = 0;
  ASSERT_OK(uv_fs_poll_start(&h, restart_cb, file_path, 10));
  while (poll_calls < 1)
    uv_run(&loop, UV_RUN_ONCE);
  size = sizeof(buf);
  ASSERT_OK(uv_fs_poll_getpath(&h, buf, &size));
  ASSERT_STR_EQ(buf + strlen(buf) - strlen("other"), "other");
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(poll_calls, 3);
  ASSERT_OK(uv_loop_close(&loop));
  fs_scratch_done(&scratch);
  return 0;
}

/* Closed while its stat is in flight: the close callback waits for the
 * request, after which nothing of the handle is left in the loop. */
static int close_cb_calls;

static void closed_cb(uv_handle_t* h) {
  close_cb_calls++;
  ASSERT_EQ(uv_loop_alive(h->loop), 0);
}

static uv_sem_t pool_gate;

static void blocked_work(uv_work_t* req) {
  (void) req;
  uv_sem_wait(&pool_gate);
}

static void blocked_done(uv_work_t* req, int status) {
  (void) req;
  ASSERT_OK(status);
}

static void open_gate_cb(uv_timer_t* t) {
  uv_sem_post(&pool_gate);
  uv_close((uv_handle_t*) t, NULL);
}

TEST(fs_poll_close_in_flight) {
  uv_loop_t loop;
  uv_fs_poll_t h;
  uv_work_t work;
  uv_timer_t gate_timer;
  int i;

  /* One pool thread, kept busy for 50 ms: the first stat stays in flight
   * for that long, so a close that does not wait for it shows. */
#ifdef _WIN32
  ASSERT_OK(_putenv("UV_THREADPOOL_SIZE=1"));
#else
  ASSERT_OK(setenv("UV_THREADPOOL_SIZE", "1", 1));
#endif
  ASSERT_OK(uv_sem_init(&pool_gate, 0));
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_queue_work(&loop, &work, blocked_work, blocked_done));
  ASSERT_OK(uv_timer_init(&loop, &gate_timer));
  ASSERT_OK(uv_timer_start(&gate_timer, open_gate_cb, 50, 0));
  ASSERT_OK(uv_fs_poll_init(&loop, &h));
  close_cb_calls = 0;
  ASSERT_OK(uv_fs_poll_start(&h, never_cb, ".", 10));
  uv_close((uv_handle_t*) &h, closed_cb);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(close_cb_calls, 1);
  ASSERT_OK(uv_loop_close(&loop));
  uv_sem_destroy(&pool_gate);
  close_cb_calls = 0;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_fs_poll_init(&loop, &h));
  close_cb_calls = 0;
  ASSERT_OK(uv_fs_poll_start(&h, never_cb, ".", 10));
  uv_close((uv_handle_t*) &h, closed_cb);
  ASSERT_EQ(uv_is_closing((uv_handle_t*) &h), 1);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(close_cb_calls, 1);
  ASSERT_OK(uv_loop_close(&loop));

  /* The same after stop/start cycles, each leaving a stat in flight. */
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_fs_poll_init(&loop, &h));
  for (i = 0; i < 5; i++) {
    ASSERT_OK(uv_fs_poll_start(&h, never_cb, ".", 10));
    ASSERT_OK(uv_fs_poll_stop(&h));
  }
  uv_close((uv_handle_t*) &h, closed_cb);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(close_cb_calls, 2);
  ASSERT_OK(uv_loop_close(&loop));


  /* Never started: closes at once. */
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_fs_poll_init(&loop, &h));
  uv_close((uv_handle_t*) &h, closed_cb);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(close_cb_calls, 3);
  ASSERT_OK(uv_loop_close(&loop));
  return 0;
}

/* Stopped after its first answer, then closed with no stat in flight: the
 * close callback comes in the next single loop iteration (libuv's timing;
 * a program that runs UV_RUN_ONCE once after uv_close counts on it). */
static void count_cb(uv_fs_poll_t* h, int status, const uv_stat_t* prev,
                     const uv_stat_t* curr) {
  (void) h;
  (void) prev;
  (void) curr;
  ASSERT_EQ(status, UV_ENOENT);
  poll_calls++;
}

TEST(fs_poll_close_after_stop_one_iteration) {
  uv_loop_t loop;
  uv_fs_poll_t h;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_fs_poll_init(&loop, &h));
  poll_calls = 0;
  close_cb_calls = 0;
  ASSERT_OK(uv_fs_poll_start(&h, count_cb, "no/such/uvcore/path", 100));
  uv_run(&loop, UV_RUN_ONCE);
  ASSERT_EQ(poll_calls, 1);
  ASSERT_OK(uv_fs_poll_stop(&h));
  uv_run(&loop, UV_RUN_ONCE);
  uv_close((uv_handle_t*) &h, closed_cb);
  uv_run(&loop, UV_RUN_ONCE);
  ASSERT_EQ(close_cb_calls, 1);
  ASSERT_EQ(poll_calls, 1);
  ASSERT_OK(uv_loop_close(&loop));
  return 0;
}

/* Closed from inside its own callback, between two polls. */
static void close_self_cb(uv_fs_poll_t* h, int status, const uv_stat_t* prev,
                          const uv_stat_t* curr) {
  count_cb(h, status, prev, curr);
  uv_close((uv_handle_t*) h, closed_cb);
}

TEST(fs_poll_close_in_callback) {
  uv_loop_t loop;
  uv_fs_poll_t h;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_fs_poll_init(&loop, &h));
  poll_calls = 0;
  close_cb_calls = 0;
  ASSERT_OK(uv_fs_poll_start(&h, close_self_cb, "no/such/file", 10));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(poll_calls, 1);
  ASSERT_EQ(close_cb_calls, 1);
  ASSERT_OK(uv_loop_close(&loop));
  return 0;
}
