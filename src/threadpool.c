/* uvcore — the thread pool: runs blocking work off the loop thread and
 * hands completions back through the loop's wake-up channel.
 *
 * Only the uv_* thread and lock API is used here, so the same file serves
 * every platform.  One process-wide pool serves every loop; its threads
 * start on the first submission.
 *
 * One lock (pool_mutex) guards everything below.  A work item
 * (struct uv__work) is, in turn:
 *   queued    in run_queue (every unstarted item, oldest first) or in
 *             parked (see below); w->work is the function to run.
 *   running   a thread took it and cleared w->work under pool_mutex.
 *   finished  in its loop's completion list (loop->priv.wq, wq_mutex).
 *   cancelled like finished, with w->work holding the cancelled_work
 *             sentinel, which uv__work_done turns into UV_ECANCELED.
 * Threads take one item at a time and never reserve queued work for
 * later, so uv_cancel() wins for every item that has not started, and an
 * item never waits behind a running one while another thread is idle.
 *
 * Slow work (DNS) may occupy at most half the threads, so a stalled
 * resolver cannot starve file-system work.  A thread that finds slow work
 * at the head of run_queue while that share is used up moves it to
 * parked and looks further.  Parked items are therefore older than
 * anything in run_queue, and the first thread allowed to run slow work
 * again takes them first: work starts in submission order, skipping only
 * what the cap holds back, and each item is passed over at most once.
 *
 * Idle threads sleep on their own semaphore, queued in the order they went
 * idle.  A submitter takes one and posts its semaphore after dropping
 * pool_mutex, so the woken thread does not wake up straight into a lock
 * its waker still holds.  Every post targets a distinct sleeper, so a
 * burst of submissions costs at most one wake-up per idle thread.
 *
 * What dominates the latency of a lone request is not this code but the
 * scheduler: waking a thread on another, idle CPU costs an inter-processor
 * interrupt, tens of microseconds under a hypervisor, twice per round trip
 * (loop to pool, pool to loop), while two threads that take turns on one
 * CPU hand over in a couple of microseconds.  Linux tends to wake a thread
 * on the CPU it last ran on, so when the pool is idle a submitter wakes a
 * thread that went idle on its own CPU (pop_idle).  Failing that it wakes
 * the one idle longest, as a condition variable would: measured here,
 * always waking the most recently idle thread instead doubled the round
 * trip, as the scheduler kept placing it away from the loop.  Better still
 * is no wake-up at all: with one request in flight, the thread that ran
 * the last one is usually still on its way back when the next arrives (the
 * completion woke the loop on that thread's CPU, and the loop ran before
 * it), so a lone submission is left to it (see `returning`).  The risk,
 * a loop that keeps that CPU busy instead of waiting, did not show: a loop
 * computing for 5 ms after each submission saw its items start 32-42 us
 * later on average, as with libuv (46-85 us); the scheduler moves one of
 * the two threads to the idle CPU.  The opposite trap is a steady stream:
 * a thread that empties the queue, sleeps and is woken again for every
 * job.  spin_for_work covers that.
 *
 * Lock order: pool_mutex, then a loop's wq_mutex.
 */
#include "internal.h"
#include "atomic.h"
#include "threadpool.h"

#include <stdio.h>
#include <stdlib.h>

#define POOL_DEFAULT_SIZE 4
#define POOL_MAX_SIZE 1024
/* How deep pop_idle looks for a thread on the submitter's CPU. */
#define IDLE_SCAN 8
/* How many times a spinning thread yields before it sleeps. */
#define SPIN_ROUNDS 8

struct pool_thread {
  uv_thread_t tid;
  uv_sem_t wake;
  struct uv__queue idle_link;  /* in idle_queue while it sleeps */
  int cpu;                     /* where it went idle; negative: unknown */
};

static uv_once_t pool_once = UV_ONCE_INIT;
static uv_mutex_t pool_mutex;
static struct pool_thread* pool_threads;
static unsigned int pool_nthreads;
static int pool_started;
static int pool_stopping;
static struct uv__queue idle_queue;  /* oldest idle first */
static unsigned int idle_count;
/* Threads taken off idle_queue and posted that have not yet looked at the
 * queue: they are on their way to queued work. */
static unsigned int waking;
/* A thread is spinning (see spin_for_work); submitters leave it the work
 * rather than wake a sleeper. */
static int spinning;
/* Threads between finishing an item and taking pool_mutex again (atomic:
 * raised without the lock).  Each will look at run_queue before it sleeps,
 * so a lone submission can be left to it, as to a spinner.  Waking a
 * sleeper instead meant waking one on another CPU: measured here, 15 us
 * per uv_fs_stat round trip against 4.6 us (uv_queue_work: 4.7 against
 * 3.2 us; libuv 23 us for both). */
static int returning;
/* Bumped by every submission; a spinner watches it without the lock. */
static unsigned int submit_seq;
static struct uv__queue run_queue;
static struct uv__queue parked;
static unsigned int slow_running;
static unsigned int slow_limit;
static int atfork_registered;
/* Posted by each new thread once it runs (see pool_init). */
static uv_sem_t pool_ready;
/* The item this thread submitted last, until its done callback (see
 * uv__work_in_flight); submissions and completions both happen on the
 * loop's thread. */
static _Thread_local const struct uv__work* last_submitted;

/* Never called: its address marks a work item as cancelled. */
static void cancelled_work(struct uv__work* w) {
  (void) w;
  abort();
}

/* UV_THREADPOOL_SIZE: a decimal number, clamped to 1..POOL_MAX_SIZE.  A
 * value that is not a number is ignored rather than read as 0. */
static unsigned int pool_size_from_env(void) {
  const char* s;
  unsigned long n;

  s = getenv("UV_THREADPOOL_SIZE");
  if (s == NULL || *s < '0' || *s > '9')
    return POOL_DEFAULT_SIZE;
  n = 0;
  for (; *s >= '0' && *s <= '9'; s++) {
    n = n * 10 + (unsigned long) (*s - '0');
    if (n > POOL_MAX_SIZE)
      return POOL_MAX_SIZE;
  }
  if (n < 1)
    return 1;
  return (unsigned int) n;
}

/* Hands a finished (or cancelled) item to its loop.  The wake-up is sent
 * under wq_mutex: once the loop can see the item, it may run the done
 * callback and the user may free the loop, so we must not touch the loop
 * after unlocking.  Only the item that makes the list non-empty wakes the
 * loop: the loop takes the whole list at once, so items appended behind it
 * ride on the same wake-up. */
static void post_done(struct uv__work* w) {
  uv_loop_t* loop;
  int was_empty;

  loop = w->loop;
  uv_mutex_lock(&loop->priv.wq_mutex);
  was_empty = uv__queue_empty(&loop->priv.wq);
  uv__queue_insert_tail(&loop->priv.wq, &w->wq);
  if (was_empty)
    uv__platform_wakeup(loop);
  uv_mutex_unlock(&loop->priv.wq_mutex);
}

/* Takes the oldest item the slow-work cap lets start; pool_mutex held.
 * Sets *slow when it is slow work (the caller gives the slot back). */
static struct uv__work* take_work(int* slow) {
  struct uv__queue* q;
  struct uv__work* w;

  if (slow_running < slow_limit && !uv__queue_empty(&parked)) {
    q = uv__queue_head(&parked);
    uv__queue_remove(q);
    slow_running++;
    *slow = 1;
    return uv__container_of(q, struct uv__work, wq);
  }
  while (!uv__queue_empty(&run_queue)) {
    q = uv__queue_head(&run_queue);
    uv__queue_remove(q);
    w = uv__container_of(q, struct uv__work, wq);
    if (w->kind != UV__WORK_SLOW_IO) {
      *slow = 0;
      return w;
    }
    if (slow_running < slow_limit) {
      slow_running++;
      *slow = 1;
      return w;
    }
    uv__queue_insert_tail(&parked, q);
  }
  return NULL;
}

/* Takes an idle thread off idle_queue; pool_mutex held.  The caller posts
 * its semaphore once it has dropped the lock.  Prefers one of the few most
 * recently idle that went idle on `cpu`, the submitter's CPU (see
 * uv__work_submit); otherwise the one idle longest. */
static struct pool_thread* pop_idle(int cpu) {
  struct uv__queue* q;
  struct pool_thread* t;
  int depth;

  if (uv__queue_empty(&idle_queue))
    return NULL;
  t = NULL;
  if (cpu >= 0) {
    q = idle_queue.prev;
    for (depth = 0; depth < IDLE_SCAN && q != &idle_queue; depth++) {
      if (uv__queue_data(q, struct pool_thread, idle_link)->cpu == cpu) {
        t = uv__queue_data(q, struct pool_thread, idle_link);
        break;
      }
      q = q->prev;
    }
  }
  if (t == NULL)
    t = uv__queue_data(uv__queue_head(&idle_queue), struct pool_thread,
                       idle_link);
  uv__queue_remove(&t->idle_link);
  idle_count--;
  waking++;
  return t;
}

/* Before sleeping, a thread that has just run several items in a row is
 * probably keeping up with a submitter that is still at it: it yields the
 * CPU a few times, watching for a new submission, before it pays for a
 * sleep and its waker for a wake-up.  Only one thread spins at a time,
 * and only briefly.  A thread that ran a single item since it woke does
 * not spin: with one request in flight, the next one comes only after the
 * loop has run the completion, and spinning would just take the CPU from
 * the loop thread.  pool_mutex held on entry and on return; returns
 * whether a submission came. */
static int spin_for_work(void) {
  unsigned int seq;
  int i;

  seq = submit_seq;
  spinning = 1;
  uv_mutex_unlock(&pool_mutex);
  for (i = 0; i < SPIN_ROUNDS; i++) {
    uv__thread_yield();
    if (uv__atomic_load_relaxed_u(&submit_seq) != seq)
      break;
  }
  uv_mutex_lock(&pool_mutex);
  spinning = 0;
  return i < SPIN_ROUNDS;
}

static void worker(void* arg) {
  void (*work)(struct uv__work* w);
  struct pool_thread* self;
  struct pool_thread* next;
  struct uv__work* w;
  unsigned int streak;
  int slow;

  self = arg;
  /* The name libuv gives its pool threads: tools (top -H, perf, gdb) and
   * programs that look for them by name find ours the same way. */
  uv_thread_setname("libuv-worker");
  uv_sem_post(&pool_ready);
  slow = 0;
  streak = 0;
  uv_mutex_lock(&pool_mutex);
  for (;;) {
    if (slow)
      slow_running--;
    next = NULL;
    for (;;) {
      /* Stopping: queued work is abandoned, running work finishes. */
      if (pool_stopping) {
        uv_mutex_unlock(&pool_mutex);
        return;
      }
      w = take_work(&slow);
      if (w != NULL)
        break;
      if (streak > 1 && !spinning) {
        streak = 0;
        if (spin_for_work() && !pool_stopping) {
          w = take_work(&slow);
          if (w != NULL)
            break;
        }
        continue;
      }
      streak = 0;
      self->cpu = uv_thread_getcpu();
      uv__queue_insert_tail(&idle_queue, &self->idle_link);
      idle_count++;
      uv_mutex_unlock(&pool_mutex);
      uv_sem_wait(&self->wake);
      uv_mutex_lock(&pool_mutex);
      waking--;
    }
    /* More queued work and no thread on its way to it: submitters left
     * it to a spinner (this thread, or one that has since taken an item),
     * or woke fewer threads than there are items.  Pass it on, one thread
     * at a time; each woken thread does the same, so every idle thread
     * ends up with an item while any remain. */
    if (!uv__queue_empty(&run_queue) && waking == 0)
      next = pop_idle(-1);
    work = w->work;
    w->work = NULL;  /* running: too late to cancel */
    uv_mutex_unlock(&pool_mutex);
    if (next != NULL)
      uv_sem_post(&next->wake);
    streak++;

    work(w);
    uv__atomic_fetch_add(&returning, 1);  /* before the loop can see w */
    post_done(w);
    uv_mutex_lock(&pool_mutex);
    uv__atomic_fetch_add(&returning, -1);
  }
}

static void pool_fork_child(void) {
  /* The parent's threads do not exist here, and pool_mutex may have been
   * held by one of them at fork time.  Forget everything; the next submit
   * starts a fresh pool (pool_init re-initialises the locks and queues).
   * Work that was queued or running in the parent is the parent's: it is
   * dropped here, as it could not complete in the child without the
   * parent's threads. */
  static const uv_once_t fresh_once = UV_ONCE_INIT;

  pool_once = fresh_once;
  last_submitted = NULL;  /* dropped with the rest: never to finish here */
  uv__free(pool_threads);
  pool_threads = NULL;
  pool_nthreads = 0;
  pool_started = 0;
}

static void pool_init(void) {
  struct pool_thread* t;
  unsigned int n;
  unsigned int i;

  if (!atfork_registered) {
    if (uv__thread_atfork_child(pool_fork_child) == 0)
      atfork_registered = 1;
  }

  if (uv_mutex_init(&pool_mutex)) {
    fprintf(stderr, "uvcore: cannot create the thread pool's lock\n");
    abort();
  }
  uv__queue_init(&run_queue);
  uv__queue_init(&parked);
  uv__queue_init(&idle_queue);
  idle_count = 0;
  waking = 0;
  spinning = 0;  /* a fork may have caught a parent's thread spinning */
  returning = 0;
  pool_stopping = 0;
  slow_running = 0;

  n = pool_size_from_env();
  pool_threads = uv__calloc(n, sizeof(pool_threads[0]));
  pool_nthreads = 0;
  if (pool_threads != NULL && uv_sem_init(&pool_ready, 0) != 0) {
    uv__free(pool_threads);
    pool_threads = NULL;
  }
  if (pool_threads != NULL) {
    /* A thread that fails to start (limits, memory) shrinks the pool; an
     * empty pool still works, running work inline in uv__work_submit.
     * Nothing reads pool_nthreads concurrently: submitters wait for
     * uv_once, and the threads never look at it. */
    for (i = 0; i < n; i++) {
      t = &pool_threads[pool_nthreads];
      if (uv_sem_init(&t->wake, 0))
        break;
      if (uv_thread_create(&t->tid, worker, t)) {
        uv_sem_destroy(&t->wake);
        break;
      }
      pool_nthreads++;
    }
    /* The first submit returns only once every thread runs: a fork() right
     * after it then finds the threads idle, not half started inside the C
     * library or an allocator whose locks the child would inherit held
     * (seen with AddressSanitizer: the child's new pool deadlocked in
     * malloc in 1 run of 4 of libuv's fork_threadpool_queue_work_simple). */
    for (i = 0; i < pool_nthreads; i++)
      uv_sem_wait(&pool_ready);
    uv_sem_destroy(&pool_ready);
  }
  /* The threads already run and read the limit under the lock. */
  uv_mutex_lock(&pool_mutex);
  slow_limit = (pool_nthreads + 1) / 2;
  if (slow_limit == 0)
    slow_limit = 1;
  uv_mutex_unlock(&pool_mutex);
  pool_started = 1;
}

int uv__work_in_flight(const struct uv__work* w) {
  return w == last_submitted;
}

void uv__work_submit(uv_loop_t* loop, struct uv__work* w,
                     enum uv__work_kind kind,
                     void (*work)(struct uv__work* w),
                     void (*done)(struct uv__work* w, int status)) {
  struct pool_thread* t;
  int was_empty;
  int cpu;

  uv_once(&pool_once, pool_init);

  w->loop = loop;
  w->work = work;
  w->done = done;
  w->kind = (unsigned int) kind;
  last_submitted = w;

  if (pool_nthreads == 0) {
    /* No thread could be started: degrade to running on the caller's
     * thread, still reporting completion through the loop. */
    w->work = NULL;
    work(w);
    post_done(w);
    return;
  }

  cpu = uv_thread_getcpu();
  uv_mutex_lock(&pool_mutex);
  was_empty = uv__queue_empty(&run_queue);
  if (!was_empty || idle_count != pool_nthreads)
    cpu = -1;
  uv__queue_insert_tail(&run_queue, &w->wq);
  uv__atomic_store_relaxed_u(&submit_seq, submit_seq + 1);
  /* A spinning thread takes one item, not a burst: if work is queued
   * already, wake a sleeper too.  Leaving a burst to the spinner starves
   * it when the machine is busy, as its sched_yield() then hands the CPU
   * to other processes for a time slice while the rest of the pool
   * sleeps (measured: 32 uv_fs_stat in flight beside two CPU hogs, 70-200k
   * stats/s against libuv's 170-900k). */
  t = was_empty && (spinning || uv__atomic_load(&returning) > 0)
          ? NULL : pop_idle(cpu);
  uv_mutex_unlock(&pool_mutex);
  /* Nobody idle: every thread is busy and comes back to the queue by
   * itself. */
  if (t != NULL)
    uv_sem_post(&t->wake);
}

/* Runs the done callbacks of finished work.  The queue is taken under the
 * lock in one go, so pool threads are held up for a pointer swap only. */
void uv__work_done(uv_loop_t* loop) {
  struct uv__queue done;
  struct uv__queue* q;
  struct uv__work* w;
  unsigned int n;
  int status;

  uv_mutex_lock(&loop->priv.wq_mutex);
  uv__queue_move(&loop->priv.wq, &done);
  uv_mutex_unlock(&loop->priv.wq_mutex);

  n = 0;
  while (!uv__queue_empty(&done)) {
    n++;
    q = uv__queue_head(&done);
    uv__queue_remove(q);
    w = uv__container_of(q, struct uv__work, wq);
    status = 0;
    if (w->work == cancelled_work) {
      status = UV_ECANCELED;
      w->work = NULL;
    }
    if (last_submitted == w)
      last_submitted = NULL;
    w->done(w, status);
  }
  /* The wake-up that brought them was counted once already. */
  if (n > 1)
    uv__metrics_more_events(loop, n - 1);
}

/* Cancels w if no thread has started it; loop thread only.  Cancelling
 * again before the callback ran succeeds again, as in libuv; once the
 * callback ran, the request is finished and the answer is UV_EBUSY. */
static int work_cancel(struct uv__work* w) {
  int r;

  if (!pool_started)
    return UV_EBUSY;
  uv_mutex_lock(&pool_mutex);
  if (w->work == cancelled_work) {
    r = 0;  /* its callback is still to come */
  } else if (w->work == NULL) {
    r = UV_EBUSY;
  } else {
    uv__queue_remove(&w->wq);  /* from run_queue or parked */
    w->work = cancelled_work;
    r = 1;
  }
  uv_mutex_unlock(&pool_mutex);
  if (r == 1) {
    post_done(w);
    r = 0;
  }
  return r;
}

void uv__threadpool_cleanup(void) {
  static const uv_once_t fresh_once = UV_ONCE_INIT;
  struct pool_thread* t;
  unsigned int i;

  if (!pool_started)
    return;
  uv_mutex_lock(&pool_mutex);
  pool_stopping = 1;
  /* A thread that is not idle now sees pool_stopping before it would
   * sleep; one that is idle needs its post. */
  while ((t = pop_idle(-1)) != NULL)
    uv_sem_post(&t->wake);
  uv_mutex_unlock(&pool_mutex);

  for (i = 0; i < pool_nthreads; i++) {
    uv_thread_join(&pool_threads[i].tid);
    uv_sem_destroy(&pool_threads[i].wake);
  }

  uv__free(pool_threads);
  pool_threads = NULL;
  pool_nthreads = 0;
  uv_mutex_destroy(&pool_mutex);
  pool_started = 0;
  /* Allow a later submit to start a new pool.  Safe only because nothing
   * else may use the library concurrently with its shutdown. */
  pool_once = fresh_once;
}

/* ---- uv_queue_work ------------------------------------------------------ */

static void queue_work_run(struct uv__work* w) {
  uv_work_t* req;

  req = uv__container_of(w, uv_work_t, priv.work);
  req->priv.work_cb(req);
}

static void queue_work_done(struct uv__work* w, int status) {
  uv_work_t* req;

  req = uv__container_of(w, uv_work_t, priv.work);
  uv__req_unregister(req->loop);
  if (req->priv.after_work_cb != NULL)
    req->priv.after_work_cb(req, status);
}

int uv_queue_work(uv_loop_t* loop, uv_work_t* req, uv_work_cb work_cb,
                  uv_after_work_cb after_work_cb) {
  if (!uv__loop_usable(loop) || req == NULL || work_cb == NULL ||
      uv__work_in_flight(&req->priv.work))
    return UV_EINVAL;
  uv__req_init(loop, (uv_req_t*) req, UV_WORK);
  req->loop = loop;
  req->priv.work_cb = work_cb;
  req->priv.after_work_cb = after_work_cb;
  uv__work_submit(loop, &req->priv.work, UV__WORK_CPU, queue_work_run,
                  queue_work_done);
  return 0;
}

int uv_cancel(uv_req_t* req) {
  struct uv__work* w;

  if (req == NULL)
    return UV_EINVAL;
  switch (req->type) {
    case UV_WORK:
      w = &((uv_work_t*) req)->priv.work;
      break;
    case UV_FS:
      w = &((uv_fs_t*) req)->priv.work;
      break;
    case UV_GETADDRINFO:
      w = &((uv_getaddrinfo_t*) req)->priv.work;
      break;
    case UV_GETNAMEINFO:
      w = &((uv_getnameinfo_t*) req)->priv.work;
      break;
    case UV_RANDOM:
      w = &((uv_random_t*) req)->priv.work;
      break;
    default:
      return UV_EINVAL;
  }
  return work_cancel(w);
}
