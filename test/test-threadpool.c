/* Thread pool tests: uv_queue_work, uv_cancel, pool sizing, the slow-work
 * cap, shutdown and fork.  Each test runs in its own process, so a test
 * that sets UV_THREADPOOL_SIZE before its first submission gets a pool of
 * that size. */
#include "task.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
# include <dirent.h>
# include <sched.h>
# include <sys/wait.h>
# include <unistd.h>
#else
/* The pool reads UV_THREADPOOL_SIZE with the CRT's getenv(). */
static int setenv(const char* name, const char* value, int overwrite) {
  (void) overwrite;
  return _putenv_s(name, value);
}

static int unsetenv(const char* name) {
  return _putenv_s(name, "");
}

# define sched_yield() SwitchToThread()
#endif

/* The internal interface, reachable because the tests link the static
 * library.  Kept in step with src/internal.h. */
enum uv__work_kind {
  UV__WORK_CPU,
  UV__WORK_FAST_IO,
  UV__WORK_SLOW_IO
};
void uv__work_submit(uv_loop_t* loop, struct uv__work* w,
                     enum uv__work_kind kind,
                     void (*work)(struct uv__work* w),
                     void (*done)(struct uv__work* w, int status));

static uv_thread_t loop_thread;

/* Threads in this process (Linux), -1 where that cannot be counted. */
static int thread_count(void) {
#if defined(__linux__)
  DIR* d;
  struct dirent* e;
  int n;

  test_sanitizer_threads_settle();
  d = opendir("/proc/self/task");
  if (d == NULL)
    return -1;
  n = 0;
  while ((e = readdir(d)) != NULL)
    if (e->d_name[0] != '.')
      n++;
  closedir(d);
  return n;
#else
  return -1;
#endif
}

/* ---- basic -------------------------------------------------------------- */

static int basic_work_runs;
static int basic_after_runs;
static uv_thread_t basic_work_thread;

static void basic_work(uv_work_t* req) {
  ASSERT_EQ((intptr_t) req->data, 42);
  basic_work_thread = uv_thread_self();
  basic_work_runs++;
}

static void basic_after(uv_work_t* req, int status) {
  uv_thread_t self;

  self = uv_thread_self();
  ASSERT_OK(status);
  ASSERT_EQ(basic_work_runs, 1);
  ASSERT(uv_thread_equal(&self, &loop_thread));
  ASSERT(!uv_thread_equal(&basic_work_thread, &loop_thread));
  ASSERT_EQ(uv_req_get_type((uv_req_t*) req), UV_WORK);
  /* Unregistered before the callback: nothing else keeps the loop. */
  ASSERT(!uv_loop_alive(req->loop));
  basic_after_runs++;
}

TEST(threadpool_queue_work_basic) {
  uv_loop_t loop;
  uv_work_t req;

  loop_thread = uv_thread_self();
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT(!uv_loop_alive(&loop));
  req.data = (void*) (intptr_t) 42;
  ASSERT_OK(uv_queue_work(&loop, &req, basic_work, basic_after));
  ASSERT_PTR_EQ(req.loop, &loop);
  ASSERT(uv_loop_alive(&loop));
  /* A pending request keeps the loop from closing. */
  ASSERT_EQ(uv_loop_close(&loop), UV_EBUSY);
  ASSERT_EQ(basic_after_runs, 0);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(basic_after_runs, 1);
  ASSERT(!uv_loop_alive(&loop));
  /* Finished: cancelling is too late. */
  ASSERT_EQ(uv_cancel((uv_req_t*) &req), UV_EBUSY);
  close_loop_and_check(&loop);
  return 0;
}

static void noop_work(uv_work_t* req) {
  (void) req;
}

static int null_after_work_runs;

static void count_work(uv_work_t* req) {
  (void) req;
  __atomic_fetch_add(&null_after_work_runs, 1, __ATOMIC_SEQ_CST);
}

TEST(threadpool_queue_work_einval) {
  uv_loop_t loop;
  uv_work_t req;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_EQ(uv_queue_work(NULL, &req, noop_work, NULL), UV_EINVAL);
  ASSERT_EQ(uv_queue_work(&loop, NULL, noop_work, NULL), UV_EINVAL);
  ASSERT_EQ(uv_queue_work(&loop, &req, NULL, NULL), UV_EINVAL);
  ASSERT(!uv_loop_alive(&loop));

  /* No after_work_cb is allowed; the request still completes. */
  ASSERT_OK(uv_queue_work(&loop, &req, count_work, NULL));
  ASSERT(uv_loop_alive(&loop));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(null_after_work_runs, 1);
  ASSERT(!uv_loop_alive(&loop));
  close_loop_and_check(&loop);
  return 0;
}

/* ---- many jobs ---------------------------------------------------------- */

#define MANY 1000

static int many_work_runs;
static int many_after_runs;
static int many_seen[MANY];

static void many_work(uv_work_t* req) {
  __atomic_fetch_add(&many_work_runs, 1, __ATOMIC_SEQ_CST);
  __atomic_fetch_add(&many_seen[(intptr_t) req->data], 1, __ATOMIC_SEQ_CST);
}

static void many_after(uv_work_t* req, int status) {
  uv_thread_t self;

  self = uv_thread_self();
  ASSERT_OK(status);
  ASSERT(uv_thread_equal(&self, &loop_thread));
  ASSERT_EQ(many_seen[(intptr_t) req->data], 1);
  many_after_runs++;
}

TEST(threadpool_many_jobs) {
  static uv_work_t reqs[MANY];
  uv_loop_t loop;
  int i;

  loop_thread = uv_thread_self();
  ASSERT_OK(uv_loop_init(&loop));
  for (i = 0; i < MANY; i++) {
    reqs[i].data = (void*) (intptr_t) i;
    ASSERT_OK(uv_queue_work(&loop, &reqs[i], many_work, many_after));
  }
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(many_work_runs, MANY);
  ASSERT_EQ(many_after_runs, MANY);
  close_loop_and_check(&loop);
  return 0;
}

/* Two loops share the one pool; each gets only its own completions. */
static int two_loops_after[2];

static void two_loops_after_cb(uv_work_t* req, int status) {
  ASSERT_OK(status);
  two_loops_after[(intptr_t) req->data]++;
}

TEST(threadpool_two_loops) {
  static uv_work_t reqs[2][50];
  uv_loop_t loops[2];
  int i;
  int j;

  for (i = 0; i < 2; i++) {
    ASSERT_OK(uv_loop_init(&loops[i]));
    for (j = 0; j < 50; j++) {
      reqs[i][j].data = (void*) (intptr_t) i;
      ASSERT_OK(uv_queue_work(&loops[i], &reqs[i][j], noop_work,
                              two_loops_after_cb));
    }
  }
  ASSERT_OK(uv_run(&loops[0], UV_RUN_DEFAULT));
  ASSERT_EQ(two_loops_after[0], 50);
  ASSERT_OK(uv_run(&loops[1], UV_RUN_DEFAULT));
  ASSERT_EQ(two_loops_after[1], 50);
  close_loop_and_check(&loops[0]);
  close_loop_and_check(&loops[1]);
  return 0;
}

/* ---- chained requests --------------------------------------------------- */

#define CHAIN 20

static int chain_after_runs;

static void chain_after(uv_work_t* req, int status) {
  ASSERT_OK(status);
  chain_after_runs++;
  if (chain_after_runs < CHAIN)
    ASSERT_OK(uv_queue_work(req->loop, req, noop_work, chain_after));
}

TEST(threadpool_queue_from_after_work) {
  uv_loop_t loop;
  uv_work_t req;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_queue_work(&loop, &req, noop_work, chain_after));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(chain_after_runs, CHAIN);
  close_loop_and_check(&loop);
  return 0;
}

/* ---- blocking jobs, shared by the cancel and sizing tests --------------- */

static uv_sem_t block_started;
static uv_sem_t block_release;
static int block_running;
static int block_max_running;

static void block_work(uv_work_t* req) {
  int now;
  int max;

  (void) req;
  now = __atomic_add_fetch(&block_running, 1, __ATOMIC_SEQ_CST);
  max = __atomic_load_n(&block_max_running, __ATOMIC_SEQ_CST);
  while (now > max &&
         !__atomic_compare_exchange_n(&block_max_running, &max, now, 0,
                                      __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
  }
  uv_sem_post(&block_started);
  uv_sem_wait(&block_release);
  __atomic_sub_fetch(&block_running, 1, __ATOMIC_SEQ_CST);
}

static int block_after_runs;

static void block_after(uv_work_t* req, int status) {
  (void) req;
  ASSERT_OK(status);
  block_after_runs++;
}

/* ---- cancel ------------------------------------------------------------- */

#define POOL 2
#define CANCEL_N 16

static int cancel_work_runs;
static int cancel_after_runs;
static int cancel_in_progress;

static void cancel_work(uv_work_t* req) {
  (void) req;
  __atomic_fetch_add(&cancel_work_runs, 1, __ATOMIC_SEQ_CST);
}

static void cancel_after(uv_work_t* req, int status) {
  (void) req;
  ASSERT_EQ(cancel_in_progress, 0);  /* never from inside uv_cancel */
  ASSERT_EQ(status, UV_ECANCELED);
  cancel_after_runs++;
}

TEST(threadpool_cancel_queued) {
  uv_work_t blockers[POOL];
  uv_work_t reqs[CANCEL_N];
  uv_loop_t loop;
  int i;

  ASSERT_OK(setenv("UV_THREADPOOL_SIZE", "2", 1));
  ASSERT_OK(uv_sem_init(&block_started, 0));
  ASSERT_OK(uv_sem_init(&block_release, 0));
  ASSERT_OK(uv_loop_init(&loop));

  /* Occupy every thread, so the next requests stay queued. */
  for (i = 0; i < POOL; i++)
    ASSERT_OK(uv_queue_work(&loop, &blockers[i], block_work, block_after));
  for (i = 0; i < POOL; i++)
    uv_sem_wait(&block_started);

  for (i = 0; i < CANCEL_N; i++)
    ASSERT_OK(uv_queue_work(&loop, &reqs[i], cancel_work, cancel_after));

  /* Running requests cannot be cancelled. */
  for (i = 0; i < POOL; i++)
    ASSERT_EQ(uv_cancel((uv_req_t*) &blockers[i]), UV_EBUSY);

  /* Cancel in an order unlike the queue's. */
  cancel_in_progress = 1;
  for (i = 0; i < CANCEL_N; i += 2)
    ASSERT_OK(uv_cancel((uv_req_t*) &reqs[i]));
  for (i = CANCEL_N - 1; i > 0; i -= 2)
    ASSERT_OK(uv_cancel((uv_req_t*) &reqs[i]));
  /* Cancelling again before the callback succeeds again (as in libuv),
   * without a second callback. */
  ASSERT_OK(uv_cancel((uv_req_t*) &reqs[0]));
  ASSERT_OK(uv_cancel((uv_req_t*) &reqs[CANCEL_N - 1]));
  cancel_in_progress = 0;
  ASSERT_EQ(cancel_after_runs, 0);  /* the callback comes from the loop */
  ASSERT(uv_loop_alive(&loop));

  /* The cancellations complete without the blockers finishing. */
  ASSERT_EQ(uv_run(&loop, UV_RUN_ONCE), 1);
  ASSERT_EQ(cancel_after_runs, CANCEL_N);
  ASSERT_EQ(block_after_runs, 0);
  /* Finished now: cancelling is too late. */
  ASSERT_EQ(uv_cancel((uv_req_t*) &reqs[0]), UV_EBUSY);

  for (i = 0; i < POOL; i++)
    uv_sem_post(&block_release);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(block_after_runs, POOL);
  ASSERT_EQ(cancel_after_runs, CANCEL_N);
  ASSERT_EQ(cancel_work_runs, 0);

  close_loop_and_check(&loop);
  uv_sem_destroy(&block_started);
  uv_sem_destroy(&block_release);
  return 0;
}

TEST(threadpool_cancel_einval) {
  uv_loop_t loop;
  uv_req_t req;
  uv_write_t wr;
  uv_connect_t cr;
  uv_shutdown_t sr;
  uv_udp_send_t ur;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_EQ(uv_cancel(NULL), UV_EINVAL);
  memset(&req, 0, sizeof(req));
  req.type = UV_UNKNOWN_REQ;
  ASSERT_EQ(uv_cancel(&req), UV_EINVAL);
  req.type = UV_REQ;
  ASSERT_EQ(uv_cancel(&req), UV_EINVAL);
  memset(&wr, 0, sizeof(wr));
  wr.type = UV_WRITE;
  ASSERT_EQ(uv_cancel((uv_req_t*) &wr), UV_EINVAL);
  memset(&cr, 0, sizeof(cr));
  cr.type = UV_CONNECT;
  ASSERT_EQ(uv_cancel((uv_req_t*) &cr), UV_EINVAL);
  memset(&sr, 0, sizeof(sr));
  sr.type = UV_SHUTDOWN;
  ASSERT_EQ(uv_cancel((uv_req_t*) &sr), UV_EINVAL);
  memset(&ur, 0, sizeof(ur));
  ur.type = UV_UDP_SEND;
  ASSERT_EQ(uv_cancel((uv_req_t*) &ur), UV_EINVAL);
  close_loop_and_check(&loop);
  return 0;
}

/* Cancel races the pool: every request completes exactly once, either
 * having run (status 0) or not (UV_ECANCELED), never both, never lost. */
#define RACE_N 500

static int race_ran[RACE_N];
static int race_done[RACE_N];
static int race_cancelled;

static void race_work(uv_work_t* req) {
  __atomic_fetch_add(&race_ran[(intptr_t) req->data], 1, __ATOMIC_SEQ_CST);
}

static void race_after(uv_work_t* req, int status) {
  intptr_t i;

  i = (intptr_t) req->data;
  race_done[i]++;
  if (status == UV_ECANCELED) {
    ASSERT_EQ(race_ran[i], 0);
    race_cancelled++;
  } else {
    ASSERT_OK(status);
    ASSERT_EQ(race_ran[i], 1);
  }
}

TEST(threadpool_cancel_race) {
  static uv_work_t reqs[RACE_N];
  uv_loop_t loop;
  int cancelled;
  int busy;
  int r;
  int i;

  ASSERT_OK(uv_loop_init(&loop));
  for (i = 0; i < RACE_N; i++) {
    reqs[i].data = (void*) (intptr_t) i;
    ASSERT_OK(uv_queue_work(&loop, &reqs[i], race_work, race_after));
  }
  cancelled = 0;
  busy = 0;
  for (i = RACE_N - 1; i >= 0; i--) {
    r = uv_cancel((uv_req_t*) &reqs[i]);
    if (r == 0)
      cancelled++;
    else if (r == UV_EBUSY)
      busy++;
    else
      ASSERT_OK(r);
  }
  ASSERT_EQ(cancelled + busy, RACE_N);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(race_cancelled, cancelled);
  for (i = 0; i < RACE_N; i++)
    ASSERT_EQ(race_done[i], 1);
  close_loop_and_check(&loop);
  return 0;
}

/* Items a thread took for later (a deep backlog lets a thread claim
 * several at once) are still cancellable until they start. */
TEST(threadpool_cancel_backlog) {
  uv_work_t blockers[2];
  uv_work_t reqs[CANCEL_N];
  uv_loop_t loop;
  int i;

  ASSERT_OK(setenv("UV_THREADPOOL_SIZE", "1", 1));
  ASSERT_OK(uv_sem_init(&block_started, 0));
  ASSERT_OK(uv_sem_init(&block_release, 0));
  ASSERT_OK(uv_loop_init(&loop));

  ASSERT_OK(uv_queue_work(&loop, &blockers[0], block_work, block_after));
  uv_sem_wait(&block_started);
  /* Queued behind the first blocker: a second blocker, then a backlog. */
  ASSERT_OK(uv_queue_work(&loop, &blockers[1], block_work, block_after));
  for (i = 0; i < CANCEL_N; i++)
    ASSERT_OK(uv_queue_work(&loop, &reqs[i], cancel_work, cancel_after));
  /* The only thread moves on to the second blocker, with the backlog
   * behind it. */
  uv_sem_post(&block_release);
  uv_sem_wait(&block_started);

  for (i = 0; i < CANCEL_N; i++)
    ASSERT_OK(uv_cancel((uv_req_t*) &reqs[i]));
  ASSERT_EQ(uv_cancel((uv_req_t*) &blockers[1]), UV_EBUSY);
  uv_sem_post(&block_release);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(cancel_after_runs, CANCEL_N);
  ASSERT_EQ(cancel_work_runs, 0);
  ASSERT_EQ(block_after_runs, 2);
  close_loop_and_check(&loop);
  uv_sem_destroy(&block_started);
  uv_sem_destroy(&block_release);
  return 0;
}

/* No work waits behind a blocked job while another thread is free: with
 * two threads, one stuck and a backlog queued behind it, the other thread
 * runs the whole backlog. */
#define BACKLOG 40

static int backlog_done;

static void backlog_after(uv_work_t* req, int status) {
  (void) req;
  ASSERT_OK(status);
  backlog_done++;
}

TEST(threadpool_no_work_behind_blocked_job) {
  uv_work_t blockers[3];
  uv_work_t reqs[BACKLOG];
  uv_async_t keepalive;
  uv_loop_t loop;
  int i;

  ASSERT_OK(setenv("UV_THREADPOOL_SIZE", "2", 1));
  ASSERT_OK(uv_sem_init(&block_started, 0));
  ASSERT_OK(uv_sem_init(&block_release, 0));
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_async_init(&loop, &keepalive, NULL));

  for (i = 0; i < 2; i++)
    ASSERT_OK(uv_queue_work(&loop, &blockers[i], block_work, block_after));
  for (i = 0; i < 2; i++)
    uv_sem_wait(&block_started);
  ASSERT_OK(uv_queue_work(&loop, &blockers[2], block_work, block_after));
  for (i = 0; i < BACKLOG; i++)
    ASSERT_OK(uv_queue_work(&loop, &reqs[i], noop_work, backlog_after));

  /* One thread takes the third blocker (and maybe part of the backlog)
   * and stays stuck in it... */
  uv_sem_post(&block_release);
  uv_sem_wait(&block_started);
  /* ...the other is freed and must get through the entire backlog. */
  uv_sem_post(&block_release);
  while (backlog_done < BACKLOG)
    uv_run(&loop, UV_RUN_ONCE);
  ASSERT_EQ(__atomic_load_n(&block_running, __ATOMIC_SEQ_CST), 1);

  uv_sem_post(&block_release);
  uv_close((uv_handle_t*) &keepalive, NULL);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(block_after_runs, 3);
  close_loop_and_check(&loop);
  uv_sem_destroy(&block_started);
  uv_sem_destroy(&block_release);
  return 0;
}


/* ---- every thread busy: nothing more starts, everything cancels ------- */

/* Work queued while every thread is stuck stays queued: nothing starts
 * before a thread is free, and every request of every kind (user work,
 * file system, DNS) can be cancelled, however many were queued. */
#define BUSY_N 60

static int busy_work_runs;
static int busy_after_cancelled;
static int busy_fs_cancelled;
static int busy_dns_cancelled;

static void busy_work(uv_work_t* req) {
  (void) req;
  __atomic_fetch_add(&busy_work_runs, 1, __ATOMIC_SEQ_CST);
}

static void busy_after(uv_work_t* req, int status) {
  (void) req;
  ASSERT_EQ(status, UV_ECANCELED);
  busy_after_cancelled++;
}

static void busy_fs_cb(uv_fs_t* req) {
  ASSERT_EQ(req->result, UV_ECANCELED);
  uv_fs_req_cleanup(req);
  busy_fs_cancelled++;
}

static void busy_dns_cb(uv_getaddrinfo_t* req, int status,
                        struct addrinfo* res) {
  (void) req;
  ASSERT_EQ(status, UV_EAI_CANCELED);
  ASSERT_NULL(res);
  busy_dns_cancelled++;
}

TEST(threadpool_all_busy_cancel_everything) {
  static uv_work_t reqs[BUSY_N];
  static uv_fs_t fs_reqs[BUSY_N / 4];
  static uv_getaddrinfo_t dns_reqs[BUSY_N / 4];
  uv_work_t blockers[4];
  uv_loop_t loop;
  int i;
  int j;

  ASSERT_OK(setenv("UV_THREADPOOL_SIZE", "4", 1));
  ASSERT_OK(uv_sem_init(&block_started, 0));
  ASSERT_OK(uv_sem_init(&block_release, 0));
  ASSERT_OK(uv_loop_init(&loop));

  /* Half the work is queued right behind the blockers, before any
   * thread is known to be busy (a pool that lets a thread reserve part of
   * a backlog would reserve it here), half once they all are.  The kinds
   * are interleaved, so slow work sits among the rest. */
  for (i = 0; i < 4; i++)
    ASSERT_OK(uv_queue_work(&loop, &blockers[i], block_work, block_after));
  for (i = 0; i < BUSY_N; i++) {
    if (i == BUSY_N / 2) {
      for (j = 0; j < 4; j++)
        uv_sem_wait(&block_started);
    }
    ASSERT_OK(uv_queue_work(&loop, &reqs[i], busy_work, busy_after));
    if (i % 4 == 1)
      ASSERT_OK(uv_fs_stat(&loop, &fs_reqs[i / 4], ".", busy_fs_cb));
    if (i % 4 == 3)
      ASSERT_OK(uv_getaddrinfo(&loop, &dns_reqs[i / 4], busy_dns_cb,
                               "localhost", NULL, NULL));
  }
  /* Let the threads get as far as they would: nothing may start. */
  for (i = 0; i < 100; i++)
    sched_yield();
  ASSERT_EQ(__atomic_load_n(&busy_work_runs, __ATOMIC_SEQ_CST), 0);
  ASSERT_EQ(__atomic_load_n(&block_running, __ATOMIC_SEQ_CST), 4);

  /* Newest first, then the other kinds: the order does not matter. */
  for (i = BUSY_N - 1; i >= 0; i--)
    ASSERT_OK(uv_cancel((uv_req_t*) &reqs[i]));
  for (i = 0; i < BUSY_N / 4; i++) {
    ASSERT_OK(uv_cancel((uv_req_t*) &fs_reqs[i]));
    ASSERT_OK(uv_cancel((uv_req_t*) &dns_reqs[i]));
  }
  for (i = 0; i < 4; i++)
    ASSERT_EQ(uv_cancel((uv_req_t*) &blockers[i]), UV_EBUSY);

  /* Every cancellation completes while the blockers still block. */
  while (busy_after_cancelled + busy_fs_cancelled + busy_dns_cancelled <
         BUSY_N + BUSY_N / 2)
    ASSERT_EQ(uv_run(&loop, UV_RUN_ONCE), 1);
  ASSERT_EQ(busy_after_cancelled, BUSY_N);
  ASSERT_EQ(busy_fs_cancelled, BUSY_N / 4);
  ASSERT_EQ(busy_dns_cancelled, BUSY_N / 4);
  ASSERT_EQ(block_after_runs, 0);

  /* Released, the threads find nothing else to run. */
  for (i = 0; i < 4; i++)
    uv_sem_post(&block_release);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(block_after_runs, 4);
  ASSERT_EQ(busy_work_runs, 0);
  ASSERT_EQ(busy_after_cancelled, BUSY_N);
  close_loop_and_check(&loop);
  uv_sem_destroy(&block_started);
  uv_sem_destroy(&block_release);
  return 0;
}

/* ---- submission order --------------------------------------------------- */

/* With one thread, work starts in submission order whatever its kind:
 * slow work (DNS) neither jumps ahead of earlier work nor falls behind
 * later work.  Completions reach the loop in the order the thread
 * finished them, so the order of the callbacks is the order of starts;
 * the internal slow item and the user work also record their starts. */
#define ORDER_N 7

static int order_started[ORDER_N];
static int order_nstarted;
static int order_done[ORDER_N];
static int order_ndone;
static struct uv__work order_slow;

static void order_note_done(int id) {
  ASSERT_LT(order_ndone, ORDER_N);
  order_done[order_ndone++] = id;
}

static void order_work(uv_work_t* req) {
  order_started[order_nstarted++] = (int) (intptr_t) req->data;
}

static void order_after(uv_work_t* req, int status) {
  ASSERT_OK(status);
  order_note_done((int) (intptr_t) req->data);
}

static void order_slow_work(struct uv__work* w) {
  (void) w;
  order_started[order_nstarted++] = 3;
}

static void order_slow_done(struct uv__work* w, int status) {
  (void) w;
  ASSERT_OK(status);
  order_note_done(3);
}

static void order_fs_cb(uv_fs_t* req) {
  ASSERT_OK(req->result);
  uv_fs_req_cleanup(req);
  order_note_done((int) (intptr_t) req->data);
}

static void order_dns_cb(uv_getaddrinfo_t* req, int status,
                         struct addrinfo* res) {
  (void) status;  /* the answer does not matter, only when it came */
  uv_freeaddrinfo(res);
  order_note_done((int) (intptr_t) req->data);
}

TEST(threadpool_fifo_across_kinds) {
  uv_work_t blocker;
  uv_work_t work[3];
  uv_getaddrinfo_t dns;
  uv_async_t keepalive;
  uv_fs_t fs;
  uv_loop_t loop;
  int i;

  ASSERT_OK(setenv("UV_THREADPOOL_SIZE", "1", 1));
  ASSERT_OK(uv_sem_init(&block_started, 0));
  ASSERT_OK(uv_sem_init(&block_release, 0));
  ASSERT_OK(uv_loop_init(&loop));
  /* The internal item is nobody's request: keep uv_run polling. */
  ASSERT_OK(uv_async_init(&loop, &keepalive, NULL));

  /* Hold the only thread, so the whole sequence is queued first. */
  ASSERT_OK(uv_queue_work(&loop, &blocker, block_work, block_after));
  uv_sem_wait(&block_started);

  /* 0 work, 1 work, 2 DNS, 3 slow (internal), 4 fs, 5 work. */
  work[0].data = (void*) (intptr_t) 0;
  ASSERT_OK(uv_queue_work(&loop, &work[0], order_work, order_after));
  work[1].data = (void*) (intptr_t) 1;
  ASSERT_OK(uv_queue_work(&loop, &work[1], order_work, order_after));
  dns.data = (void*) (intptr_t) 2;
  ASSERT_OK(uv_getaddrinfo(&loop, &dns, order_dns_cb, "localhost", NULL,
                           NULL));
  uv__work_submit(&loop, &order_slow, UV__WORK_SLOW_IO, order_slow_work,
                  order_slow_done);
  fs.data = (void*) (intptr_t) 4;
  ASSERT_OK(uv_fs_stat(&loop, &fs, ".", order_fs_cb));
  work[2].data = (void*) (intptr_t) 5;
  ASSERT_OK(uv_queue_work(&loop, &work[2], order_work, order_after));
  ASSERT_EQ(order_nstarted, 0);

  uv_sem_post(&block_release);
  while (order_ndone < 6)
    ASSERT_EQ(uv_run(&loop, UV_RUN_ONCE), 1);
  for (i = 0; i < 6; i++)
    ASSERT_EQ(order_done[i], i);
  ASSERT_EQ(order_nstarted, 4);
  ASSERT_EQ(order_started[0], 0);
  ASSERT_EQ(order_started[1], 1);
  ASSERT_EQ(order_started[2], 3);
  ASSERT_EQ(order_started[3], 5);

  uv_close((uv_handle_t*) &keepalive, NULL);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(block_after_runs, 1);
  close_loop_and_check(&loop);
  uv_sem_destroy(&block_started);
  uv_sem_destroy(&block_release);
  return 0;
}

/* ---- no head-of-line blocking ------------------------------------------ */

/* Two threads, one stuck in a job: everything queued afterwards runs on
 * the other thread, at once.  Then the same behind slow work that the
 * cap holds back (two threads allow one slow item at a time): the work
 * queued after it runs, and the held-back item can still be cancelled. */
#define HOL_N 10

static uv_thread_t hol_stuck_thread;
static uv_thread_t hol_ran_on[HOL_N];
static int hol_done;
static struct uv__work hol_slow;
static int hol_slow_started;
static int hol_slow_done;
static int hol_dns_cancelled;
static uv_sem_t hol_slow_release;

static void hol_block_work(uv_work_t* req) {
  hol_stuck_thread = uv_thread_self();
  block_work(req);
}

static void hol_work(uv_work_t* req) {
  hol_ran_on[(intptr_t) req->data] = uv_thread_self();
}

static void hol_after(uv_work_t* req, int status) {
  ASSERT_OK(status);
  ASSERT(!uv_thread_equal(&hol_ran_on[(intptr_t) req->data],
                          &hol_stuck_thread));
  hol_done++;
}

static void hol_slow_work(struct uv__work* w) {
  (void) w;
  hol_stuck_thread = uv_thread_self();
  __atomic_fetch_add(&hol_slow_started, 1, __ATOMIC_SEQ_CST);
  uv_sem_wait(&hol_slow_release);
}

static void hol_slow_done_cb(struct uv__work* w, int status) {
  (void) w;
  ASSERT_OK(status);
  hol_slow_done++;
}

static void hol_dns_cb(uv_getaddrinfo_t* req, int status,
                       struct addrinfo* res) {
  (void) req;
  ASSERT_EQ(status, UV_EAI_CANCELED);
  ASSERT_NULL(res);
  hol_dns_cancelled++;
}

TEST(threadpool_no_head_of_line_blocking) {
  uv_getaddrinfo_t dns;
  uv_work_t blocker;
  uv_work_t reqs[HOL_N];
  uv_async_t keepalive;
  uv_loop_t loop;
  int i;

  ASSERT_OK(setenv("UV_THREADPOOL_SIZE", "2", 1));
  ASSERT_OK(uv_sem_init(&block_started, 0));
  ASSERT_OK(uv_sem_init(&block_release, 0));
  ASSERT_OK(uv_sem_init(&hol_slow_release, 0));
  ASSERT_OK(uv_loop_init(&loop));
  /* The internal slow item is nobody's request: keep uv_run polling. */
  ASSERT_OK(uv_async_init(&loop, &keepalive, NULL));

  ASSERT_OK(uv_queue_work(&loop, &blocker, hol_block_work, block_after));
  uv_sem_wait(&block_started);
  for (i = 0; i < HOL_N; i++) {
    reqs[i].data = (void*) (intptr_t) i;
    ASSERT_OK(uv_queue_work(&loop, &reqs[i], hol_work, hol_after));
  }
  while (hol_done < HOL_N)
    ASSERT_EQ(uv_run(&loop, UV_RUN_ONCE), 1);
  ASSERT_EQ(__atomic_load_n(&block_running, __ATOMIC_SEQ_CST), 1);
  ASSERT_EQ(block_after_runs, 0);

  /* The free thread takes a slow item and sticks in it... */
  uv__work_submit(&loop, &hol_slow, UV__WORK_SLOW_IO, hol_slow_work,
                  hol_slow_done_cb);
  while (__atomic_load_n(&hol_slow_started, __ATOMIC_SEQ_CST) == 0)
    sched_yield();
  /* ...so a DNS request now waits for the cap, with work behind it. */
  ASSERT_OK(uv_getaddrinfo(&loop, &dns, hol_dns_cb, "localhost", NULL,
                           NULL));
  hol_done = 0;
  for (i = 0; i < HOL_N; i++)
    ASSERT_OK(uv_queue_work(&loop, &reqs[i], hol_work, hol_after));
  /* Freed, the first thread passes over the DNS request and runs all the
   * work behind it. */
  uv_sem_post(&block_release);
  while (hol_done < HOL_N || block_after_runs < 1)
    ASSERT_EQ(uv_run(&loop, UV_RUN_ONCE), 1);
  ASSERT_EQ(__atomic_load_n(&hol_slow_started, __ATOMIC_SEQ_CST), 1);
  ASSERT_EQ(hol_slow_done, 0);

  /* Held back, never started: cancellable. */
  ASSERT_OK(uv_cancel((uv_req_t*) &dns));
  while (hol_dns_cancelled == 0)
    ASSERT_EQ(uv_run(&loop, UV_RUN_ONCE), 1);
  uv_sem_post(&hol_slow_release);
  while (hol_slow_done == 0)
    ASSERT_EQ(uv_run(&loop, UV_RUN_ONCE), 1);

  uv_close((uv_handle_t*) &keepalive, NULL);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(hol_dns_cancelled, 1);
  close_loop_and_check(&loop);
  uv_sem_destroy(&block_started);
  uv_sem_destroy(&block_release);
  uv_sem_destroy(&hol_slow_release);
  return 0;
}


/* ---- thread names ------------------------------------------------------- */

/* Pool threads carry libuv's name for them, as the C library reports it
 * and, on Linux, as the kernel shows it to ps and top. */
static char name_seen[64];
#if defined(__linux__)
static char name_comm[64];
#endif

static void name_work(uv_work_t* req) {
  uv_thread_t self;
#if defined(__linux__)
  FILE* f;
#endif

  (void) req;
  self = uv_thread_self();
  if (uv_thread_getname(&self, name_seen, sizeof(name_seen)))
    name_seen[0] = '\0';
#if defined(__linux__)
  f = fopen("/proc/thread-self/comm", "re");
  if (f != NULL) {
    if (fgets(name_comm, sizeof(name_comm), f) == NULL)
      name_comm[0] = '\0';
    fclose(f);
  }
  name_comm[strcspn(name_comm, "\n")] = '\0';
#endif
}

TEST(threadpool_thread_name) {
  uv_loop_t loop;
  uv_work_t req;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_queue_work(&loop, &req, name_work, NULL));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_STR_EQ(name_seen, "libuv-worker");
#if defined(__linux__)
  ASSERT_STR_EQ(name_comm, "libuv-worker");
#endif
  close_loop_and_check(&loop);
  return 0;
}

/* ---- pool size ---------------------------------------------------------- */

static void check_pool_size(const char* env, int expect) {
  uv_work_t reqs[8];
  uv_loop_t loop;
  int before;
  int i;
  int n;

  if (env == NULL)
    ASSERT_OK(unsetenv("UV_THREADPOOL_SIZE"));
  else
    ASSERT_OK(setenv("UV_THREADPOOL_SIZE", env, 1));
  ASSERT_OK(uv_sem_init(&block_started, 0));
  ASSERT_OK(uv_sem_init(&block_release, 0));
  ASSERT_OK(uv_loop_init(&loop));

  before = thread_count();
  n = expect + 2;
  ASSERT_LE(n, 8);
  for (i = 0; i < n; i++)
    ASSERT_OK(uv_queue_work(&loop, &reqs[i], block_work, block_after));

  /* `expect` jobs run at once... */
  for (i = 0; i < expect; i++)
    uv_sem_wait(&block_started);
  ASSERT_EQ(__atomic_load_n(&block_running, __ATOMIC_SEQ_CST), expect);
  /* ...on exactly `expect` new threads... */
  if (before != -1)
    ASSERT_EQ(thread_count(), before + expect);
  /* ...and each release lets exactly one more start. */
  for (i = expect; i < n; i++) {
    uv_sem_post(&block_release);
    uv_sem_wait(&block_started);
  }
  for (i = 0; i < expect; i++)
    uv_sem_post(&block_release);

  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(block_after_runs, n);
  ASSERT_EQ(block_max_running, expect);
  if (before != -1)
    ASSERT_EQ(thread_count(), before + expect);
  close_loop_and_check(&loop);
  uv_sem_destroy(&block_started);
  uv_sem_destroy(&block_release);
}

TEST(threadpool_size_env) {
  check_pool_size("2", 2);
  return 0;
}

TEST(threadpool_size_env_zero) {
  check_pool_size("0", 1);  /* clamped up to one thread */
  return 0;
}

TEST(threadpool_size_env_garbage) {
  check_pool_size("lots", 4);  /* not a number: the default */
  return 0;
}

TEST(threadpool_size_default) {
  check_pool_size(NULL, 4);
  return 0;
}

TEST(threadpool_size_env_empty) {
  check_pool_size("", 4);
  return 0;
}

/* ---- slow work cannot starve the pool ----------------------------------- */

#define SLOW_N 6

static struct uv__work slow_items[SLOW_N];
static struct uv__work fast_items[2];
static int slow_started;
static int slow_done;
static int fast_done;
static uv_sem_t slow_start_sem;
static uv_sem_t slow_release;

static void slow_work(struct uv__work* w) {
  (void) w;
  __atomic_fetch_add(&slow_started, 1, __ATOMIC_SEQ_CST);
  uv_sem_post(&slow_start_sem);
  uv_sem_wait(&slow_release);
}

static void slow_done_cb(struct uv__work* w, int status) {
  (void) w;
  ASSERT_OK(status);
  slow_done++;
}

static void fast_work(struct uv__work* w) {
  (void) w;
}

static void fast_done_cb(struct uv__work* w, int status) {
  (void) w;
  ASSERT_OK(status);
  /* Half the threads (2 of 4) may hold slow work, never more. */
  ASSERT_LE(__atomic_load_n(&slow_started, __ATOMIC_SEQ_CST), 2);
  fast_done++;
}

TEST(threadpool_slow_io_cap) {
  uv_async_t keepalive;
  uv_loop_t loop;
  int i;

  ASSERT_OK(setenv("UV_THREADPOOL_SIZE", "4", 1));
  ASSERT_OK(uv_sem_init(&slow_start_sem, 0));
  ASSERT_OK(uv_sem_init(&slow_release, 0));
  ASSERT_OK(uv_loop_init(&loop));
  /* Nothing registers these items with the loop; an async handle keeps
   * uv_run polling for their completions. */
  ASSERT_OK(uv_async_init(&loop, &keepalive, NULL));

  /* The requests' bookkeeping is the caller's, as in uv_getaddrinfo. */
  for (i = 0; i < SLOW_N; i++) {
    uv__work_submit(&loop, &slow_items[i], UV__WORK_SLOW_IO, slow_work,
                    slow_done_cb);
  }
  /* Fast work still finds a free thread while slow work is stuck (without
   * the cap, four slow items would hold all four threads). */
  uv__work_submit(&loop, &fast_items[0], UV__WORK_FAST_IO, fast_work,
                  fast_done_cb);
  while (fast_done < 1)
    uv_run(&loop, UV_RUN_ONCE);

  /* Once two slow items run, no third starts: a later fast item still
   * sees exactly two. */
  uv_sem_wait(&slow_start_sem);
  uv_sem_wait(&slow_start_sem);
  uv__work_submit(&loop, &fast_items[1], UV__WORK_CPU, fast_work,
                  fast_done_cb);
  while (fast_done < 2)
    uv_run(&loop, UV_RUN_ONCE);
  ASSERT_EQ(__atomic_load_n(&slow_started, __ATOMIC_SEQ_CST), 2);
  ASSERT_EQ(slow_done, 0);

  for (i = 0; i < SLOW_N; i++)
    uv_sem_post(&slow_release);
  while (slow_done < SLOW_N)
    uv_run(&loop, UV_RUN_ONCE);
  ASSERT_EQ(slow_started, SLOW_N);
  close_loop_and_check(&loop);
  uv_sem_destroy(&slow_start_sem);
  uv_sem_destroy(&slow_release);
  return 0;
}

/* ---- shutdown ----------------------------------------------------------- */

TEST(threadpool_library_shutdown) {
  uv_loop_t loop;
  uv_work_t req;
  int before;

  ASSERT_OK(uv_loop_init(&loop));
  before = thread_count();
  ASSERT_OK(uv_queue_work(&loop, &req, count_work, NULL));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(null_after_work_runs, 1);
  close_loop_and_check(&loop);

  uv_library_shutdown();
  /* Every pool thread was joined.  The kernel lets a joiner go slightly
   * before it drops the thread from /proc, so give it a moment. */
  if (before != -1) {
    uint64_t deadline;

    deadline = uv_hrtime() + (uint64_t) 5 * 1000 * 1000 * 1000;
    while (thread_count() != before && uv_hrtime() < deadline)
      sched_yield();
    ASSERT_EQ(thread_count(), before);
  }
  uv_library_shutdown();  /* harmless twice */
  return 0;
}

/* ---- fork --------------------------------------------------------------- */

#ifndef _WIN32
static int fork_child_work_runs;
static uv_barrier_t fork_barrier;

static void fork_warm_work(uv_work_t* req) {
  (void) req;
  uv_barrier_wait(&fork_barrier);
}

static void fork_child_after(uv_work_t* req, int status) {
  (void) req;
  if (status != 0)
    _exit(3);
}

static void fork_child_work(uv_work_t* req) {
  (void) req;
  __atomic_fetch_add(&fork_child_work_runs, 1, __ATOMIC_SEQ_CST);
}
#endif

TEST(threadpool_fork_child) {
#ifdef _WIN32
  RETURN_SKIP("no fork() on Windows");
#else
  RETURN_SKIP_UNDER_TSAN("a forked child of a threaded process may not "
                         "start threads (die_after_fork)");
  uv_work_t warm[2];
  uv_work_t blocker;
  uv_work_t req;
  uv_loop_t loop;
  int status;
  pid_t pid;
  int i;

  ASSERT_OK(setenv("UV_THREADPOOL_SIZE", "2", 1));
  ASSERT_OK(uv_sem_init(&block_started, 0));
  ASSERT_OK(uv_sem_init(&block_release, 0));
  ASSERT_OK(uv_loop_init(&loop));
  /* Let both pool threads get past their start-up first: a sanitizer's
   * allocator is not fork-safe, and a thread starting up allocates. */
  ASSERT_OK(uv_barrier_init(&fork_barrier, 2));
  for (i = 0; i < 2; i++)
    ASSERT_OK(uv_queue_work(&loop, &warm[i], fork_warm_work, NULL));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  uv_barrier_destroy(&fork_barrier);
  /* Fork while a pool thread is busy, so the pool's state is mid-use. */
  ASSERT_OK(uv_queue_work(&loop, &blocker, block_work, block_after));
  uv_sem_wait(&block_started);

  pid = fork();
  ASSERT_NE(pid, -1);
  if (pid == 0) {
    uv_loop_t child_loop;
    uv_work_t child_req[10];

    /* The parent's pool threads do not exist here; a new pool starts. */
    if (thread_count() != 1)
      _exit(2);
    if (uv_loop_init(&child_loop))
      _exit(4);
    for (i = 0; i < 10; i++)
      if (uv_queue_work(&child_loop, &child_req[i], fork_child_work,
                        i == 9 ? fork_child_after : NULL))
        _exit(5);
    if (uv_run(&child_loop, UV_RUN_DEFAULT))
      _exit(6);
    if (fork_child_work_runs != 10)
      _exit(7);
    if (thread_count() != 3)
      _exit(8);
    if (uv_loop_close(&child_loop))
      _exit(9);
    _exit(0);
  }

  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);

  /* The parent's pool is unaffected. */
  uv_sem_post(&block_release);
  ASSERT_OK(uv_queue_work(&loop, &req, count_work, NULL));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(block_after_runs, 1);
  ASSERT_EQ(null_after_work_runs, 1);
  close_loop_and_check(&loop);
  uv_sem_destroy(&block_started);
  uv_sem_destroy(&block_release);
  return 0;
#endif
}

/* A fork right after the first job: the pool's threads have all started
 * by the time uv_queue_work returns, so none is caught half-way through
 * its start-up (inside an allocator whose lock the child would inherit
 * held; with AddressSanitizer the child's new pool then hung in malloc). */
TEST(threadpool_fork_after_first_job) {
#ifdef _WIN32
  RETURN_SKIP("no fork() on Windows");
#else
  RETURN_SKIP_UNDER_TSAN("a forked child of a threaded process may not "
                         "start threads (die_after_fork)");
  uv_work_t req;
  uv_loop_t loop;
  int status;
  pid_t pid;

  ASSERT_OK(setenv("UV_THREADPOOL_SIZE", "4", 1));
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_queue_work(&loop, &req, count_work, NULL));
  pid = fork();
  ASSERT_NE(pid, -1);
  if (pid == 0) {
    uv_loop_t child_loop;
    uv_work_t child_req;

    if (uv_loop_init(&child_loop))
      _exit(4);
    if (uv_queue_work(&child_loop, &child_req, fork_child_work, NULL))
      _exit(5);
    if (uv_run(&child_loop, UV_RUN_DEFAULT))
      _exit(6);
    if (fork_child_work_runs != 1)
      _exit(7);
    if (uv_loop_close(&child_loop))
      _exit(9);
    _exit(0);
  }
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  close_loop_and_check(&loop);
  return 0;
#endif
}

/* ---- every idle thread takes queued work ------------------------------ */

/* Jobs submitted while a thread spins for work (it has just run several
 * in a row) must still each get an idle thread: here four jobs can only
 * finish together (a barrier of four), so if any of them waits for a
 * busy thread while another thread sleeps, the test hangs.  The spinner
 * used to wake one more thread, and that one nobody: two jobs ran, two
 * waited for ever with two threads asleep. */
#define IDLE_JOBS 4

static uv_barrier_t idle_barrier;

static void idle_barrier_work(uv_work_t* req) {
  (void) req;
  uv_barrier_wait(&idle_barrier);
}

TEST(threadpool_queued_work_wakes_idle_threads) {
  uv_work_t warm[8];
  uv_work_t reqs[IDLE_JOBS];
  uv_loop_t loop;
  int round;
  int i;

  ASSERT_OK(setenv("UV_THREADPOOL_SIZE", "4", 1));
  ASSERT_OK(uv_loop_init(&loop));
  for (round = 0; round < 200; round++) {
    /* A run of quick jobs leaves a thread spinning... */
    for (i = 0; i < 8; i++)
      ASSERT_OK(uv_queue_work(&loop, &warm[i], noop_work, NULL));
    ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
    /* ...while these arrive. */
    ASSERT_OK(uv_barrier_init(&idle_barrier, IDLE_JOBS));
    for (i = 0; i < IDLE_JOBS; i++)
      ASSERT_OK(uv_queue_work(&loop, &reqs[i], idle_barrier_work, NULL));
    ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
    uv_barrier_destroy(&idle_barrier);
  }
  close_loop_and_check(&loop);
  return 0;
}
