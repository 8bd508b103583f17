/* uvcore — the thread pool: runs blocking work off the loop thread and
 * hands completions back through the loop's wake-up channel, batched so
 * that many completions cost one wake-up.
 *
 * Only the uv_* thread and lock API is used here, so the same file serves
 * every platform.  One process-wide pool serves every loop.
 *
 * Where a work item (struct uv__work) can be, and who may touch it:
 *   incoming  just submitted: on a lock-free stack (linked through
 *             w->wq.next), so submitting never waits for pool_mutex.
 *   queued    in fast_queue or slow_queue, under pool_mutex.
 *   claimed   in one thread's private `claimed` list, under that thread's
 *             claim_mutex: with a deep backlog a thread takes several
 *             items per trip through pool_mutex (see claim_batch).
 *   running   a thread took it and cleared w->work, under the lock of the
 *             list it came from.
 *   finished  in its loop's completion list (loop->priv.wq, wq_mutex).
 *   cancelled like finished, with w->work holding the cancelled_work
 *             sentinel, which uv__work_done turns into UV_ECANCELED.
 * uv_cancel() wins in the first three states only.  It can always tell
 * them apart because w->work is non-NULL exactly until an item starts,
 * and the owner of a claimed item is recorded in w->kind.
 *
 * Slow work (DNS) sits in its own queue and may occupy at most half the
 * threads, so a stalled resolver cannot starve file-system work.  When
 * both queues have runnable work, threads alternate between them, so
 * neither kind can starve the other either.
 *
 * Lock order: pool_mutex, then a claim_mutex, then a loop's wq_mutex.
 */
#include "internal.h"
#include "threadpool.h"

#include <stdio.h>
#include <stdlib.h>

#define POOL_DEFAULT_SIZE 4
#define POOL_MAX_SIZE 1024
/* Most items one thread claims at once. */
#define CLAIM_MAX 32

/* w->kind: the enum uv__work_kind in the low byte, and for a claimed item
 * the claiming thread's index + 1 above it. */
#define KIND_MASK 0xffu
#define OWNER_SHIFT 8

struct pool_thread {
  uv_thread_t tid;
  uv_cond_t cond;
  struct pool_thread* next_idle;
  int wake;                    /* set by whoever takes it off idle_stack */
  uv_mutex_t claim_mutex;
  struct uv__queue claimed;
};

static uv_once_t pool_once = UV_ONCE_INIT;
static uv_mutex_t pool_mutex;
static struct pool_thread* pool_threads;
static unsigned int pool_nthreads;
static int pool_started;
static int pool_stopping;
/* Idle threads wait on their own condition variable, stacked (the most
 * recently idle, hence cache-warm, on top).  Waking one pops it, so every
 * signal reaches a distinct sleeping thread and a burst of submissions
 * costs one signal per idle thread, not one per job.  idle_count mirrors
 * the stack's depth for submitters, who read it without the lock. */
static struct pool_thread* idle_stack;
static unsigned int idle_count;
static unsigned int slow_running;
static unsigned int slow_limit;
static int slow_turn;
static struct uv__queue fast_queue;
static unsigned int fast_len;
static struct uv__queue slow_queue;
/* Submissions, newest first.  Moved into the queues above, oldest first,
 * by whoever holds pool_mutex and needs them. */
static struct uv__queue* incoming;
static int atfork_registered;

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

static unsigned int work_kind(const struct uv__work* w) {
  return w->kind & KIND_MASK;
}

/* Moves every submission into the run queues, in submission order;
 * pool_mutex held.  Returns 0 when there was none. */
static int drain_incoming(void) {
  struct uv__queue* q;
  struct uv__queue* next;
  struct uv__queue* prev;
  struct uv__work* w;

  q = __atomic_exchange_n(&incoming, NULL, __ATOMIC_ACQUIRE);
  if (q == NULL)
    return 0;
  prev = NULL;
  while (q != NULL) {  /* reverse: oldest first */
    next = q->next;
    q->next = prev;
    prev = q;
    q = next;
  }
  for (q = prev; q != NULL; q = next) {
    next = q->next;
    w = uv__container_of(q, struct uv__work, wq);
    if (work_kind(w) == UV__WORK_SLOW_IO) {
      uv__queue_insert_tail(&slow_queue, q);
    } else {
      uv__queue_insert_tail(&fast_queue, q);
      fast_len++;
    }
  }
  return 1;
}

/* With a backlog several times the pool's size, `self` also claims a
 * share of the fast queue for itself, so it can run them without coming
 * back to pool_mutex, which all threads contend for.  Nobody is idle at
 * that point (the caller checks), and an idle thread takes back whatever
 * is still claimed (steal_claimed), so claiming never leaves work waiting
 * behind a long job while another thread has nothing to do.
 * pool_mutex held. */
static void claim_batch(struct pool_thread* self) {
  struct uv__queue* q;
  struct uv__work* w;
  unsigned int owner;
  unsigned int n;

  n = fast_len / (2 * pool_nthreads);
  if (n < 2)
    return;
  if (n > CLAIM_MAX)
    n = CLAIM_MAX;
  owner = (unsigned int) (self - pool_threads) + 1;
  uv_mutex_lock(&self->claim_mutex);
  while (n-- > 0) {
    q = uv__queue_head(&fast_queue);
    uv__queue_remove(q);
    fast_len--;
    w = uv__container_of(q, struct uv__work, wq);
    w->kind = work_kind(w) | (owner << OWNER_SHIFT);
    uv__queue_insert_tail(&self->claimed, q);
  }
  uv_mutex_unlock(&self->claim_mutex);
}

/* Returns other threads' claimed, unstarted items to the front of the
 * fast queue, in order; pool_mutex held.  Returns 0 if there were none. */
static int steal_claimed(struct pool_thread* self) {
  struct pool_thread* t;
  struct uv__queue* q;
  struct uv__work* w;
  unsigned int i;
  int found;

  found = 0;
  for (i = 0; i < pool_nthreads; i++) {
    t = &pool_threads[i];
    if (t == self)
      continue;
    uv_mutex_lock(&t->claim_mutex);
    while (!uv__queue_empty(&t->claimed)) {
      q = t->claimed.prev;  /* the newest, so the front keeps the order */
      uv__queue_remove(q);
      w = uv__container_of(q, struct uv__work, wq);
      w->kind = work_kind(w);
      uv__queue_insert_head(&fast_queue, q);
      fast_len++;
      found = 1;
    }
    uv_mutex_unlock(&t->claim_mutex);
  }
  return found;
}

/* Takes the next runnable item from the shared queues; pool_mutex held.
 * Sets *slow when it came from the slow queue (the caller must give the
 * slot back). */
static struct uv__work* take_work(struct pool_thread* self, int* slow) {
  struct uv__queue* q;
  int fast_ok;
  int slow_ok;

  for (;;) {
    fast_ok = !uv__queue_empty(&fast_queue);
    slow_ok = !uv__queue_empty(&slow_queue) && slow_running < slow_limit;
    if (fast_ok || slow_ok)
      break;
    if (!drain_incoming() && !steal_claimed(self))
      return NULL;
  }
  if (slow_ok && (!fast_ok || slow_turn)) {
    q = uv__queue_head(&slow_queue);
    slow_running++;
    slow_turn = 0;
    *slow = 1;
    uv__queue_remove(q);
  } else {
    q = uv__queue_head(&fast_queue);
    slow_turn = 1;
    *slow = 0;
    uv__queue_remove(q);
    fast_len--;
    if (idle_count == 0)
      claim_batch(self);
  }
  return uv__container_of(q, struct uv__work, wq);
}

/* The next item this thread claimed earlier, now started; or NULL. */
static struct uv__work* take_claimed(struct pool_thread* self,
                                     void (**work)(struct uv__work* w)) {
  struct uv__queue* q;
  struct uv__work* w;

  w = NULL;
  uv_mutex_lock(&self->claim_mutex);
  if (!uv__queue_empty(&self->claimed)) {
    q = uv__queue_head(&self->claimed);
    uv__queue_remove(q);
    w = uv__container_of(q, struct uv__work, wq);
    *work = w->work;
    w->work = NULL;
  }
  uv_mutex_unlock(&self->claim_mutex);
  return w;
}

/* Takes the top idle thread off the stack and wakes it; pool_mutex held. */
static void wake_one(void) {
  struct pool_thread* t;

  t = idle_stack;
  if (t == NULL)
    return;
  idle_stack = t->next_idle;
  __atomic_store_n(&idle_count, idle_count - 1, __ATOMIC_SEQ_CST);
  t->wake = 1;
  uv_cond_signal(&t->cond);
}

/* Waits until woken, unless work arrived meanwhile; pool_mutex held. */
static void wait_idle(struct pool_thread* self) {
  self->wake = 0;
  self->next_idle = idle_stack;
  idle_stack = self;
  __atomic_store_n(&idle_count, idle_count + 1, __ATOMIC_SEQ_CST);
  /* Look once more after announcing ourselves: a submitter either sees
   * idle_count > 0 (and wakes us, under the lock we hold until we wait)
   * or its submission is visible here. */
  if (__atomic_load_n(&incoming, __ATOMIC_SEQ_CST) != NULL) {
    idle_stack = self->next_idle;  /* still on top: we held the lock */
    __atomic_store_n(&idle_count, idle_count - 1, __ATOMIC_SEQ_CST);
    return;
  }
  while (!self->wake)
    uv_cond_wait(&self->cond, &pool_mutex);
}

static void worker(void* arg) {
  void (*work)(struct uv__work* w);
  struct pool_thread* self;
  struct uv__work* w;
  int slow;

  self = arg;
  slow = 0;
  for (;;) {
    w = take_claimed(self, &work);
    if (w == NULL) {
      uv_mutex_lock(&pool_mutex);
      if (slow)
        slow_running--;
      for (;;) {
        /* Stopping: queued work is abandoned, running work finishes. */
        if (pool_stopping) {
          uv_mutex_unlock(&pool_mutex);
          return;
        }
        w = take_work(self, &slow);
        if (w != NULL)
          break;
        wait_idle(self);
      }
      work = w->work;
      w->work = NULL;  /* running: too late to cancel */
      uv_mutex_unlock(&pool_mutex);
    }

    work(w);
    post_done(w);
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
  uv__queue_init(&fast_queue);
  uv__queue_init(&slow_queue);
  fast_len = 0;
  incoming = NULL;
  idle_stack = NULL;
  idle_count = 0;
  pool_stopping = 0;
  slow_running = 0;
  slow_turn = 0;

  n = pool_size_from_env();
  pool_threads = uv__calloc(n, sizeof(pool_threads[0]));
  pool_nthreads = 0;
  if (pool_threads != NULL) {
    /* A thread that fails to start (limits, memory) shrinks the pool; an
     * empty pool still works, running work inline in uv__work_submit.
     * Threads already running read pool_nthreads (to scan their peers)
     * under pool_mutex, so it changes under the lock too, and only ever
     * covers fully initialised entries. */
    for (i = 0; i < n; i++) {
      t = &pool_threads[pool_nthreads];
      uv__queue_init(&t->claimed);
      if (uv_cond_init(&t->cond))
        break;
      if (uv_mutex_init(&t->claim_mutex)) {
        uv_cond_destroy(&t->cond);
        break;
      }
      uv_mutex_lock(&pool_mutex);
      pool_nthreads++;
      uv_mutex_unlock(&pool_mutex);
      if (uv_thread_create(&t->tid, worker, t)) {
        uv_mutex_lock(&pool_mutex);
        pool_nthreads--;
        uv_mutex_unlock(&pool_mutex);
        uv_mutex_destroy(&t->claim_mutex);
        uv_cond_destroy(&t->cond);
        break;
      }
    }
  }
  slow_limit = (pool_nthreads + 1) / 2;
  if (slow_limit == 0)
    slow_limit = 1;
  pool_started = 1;
}

void uv__work_submit(uv_loop_t* loop, struct uv__work* w,
                     enum uv__work_kind kind,
                     void (*work)(struct uv__work* w),
                     void (*done)(struct uv__work* w, int status)) {
  struct uv__queue* q;

  uv_once(&pool_once, pool_init);

  w->loop = loop;
  w->work = work;
  w->done = done;
  w->kind = (unsigned int) kind & KIND_MASK;

  if (pool_nthreads == 0) {
    /* No thread could be started: degrade to running on the caller's
     * thread, still reporting completion through the loop. */
    w->work = NULL;
    work(w);
    post_done(w);
    return;
  }

  q = __atomic_load_n(&incoming, __ATOMIC_RELAXED);
  do
    w->wq.next = q;
  while (!__atomic_compare_exchange_n(&incoming, &q, &w->wq, 1,
                                      __ATOMIC_SEQ_CST, __ATOMIC_RELAXED));

  /* Pairs with wait_idle().  Nobody idle: every thread is busy and comes
   * back to the queues by itself. */
  if (__atomic_load_n(&idle_count, __ATOMIC_SEQ_CST) == 0)
    return;
  uv_mutex_lock(&pool_mutex);
  wake_one();
  uv_mutex_unlock(&pool_mutex);
}

/* Runs the done callbacks of finished work.  The queue is taken under the
 * lock in one go, so pool threads are held up for a pointer swap only. */
void uv__work_done(uv_loop_t* loop) {
  struct uv__queue done;
  struct uv__queue* q;
  struct uv__work* w;
  int status;

  uv_mutex_lock(&loop->priv.wq_mutex);
  uv__queue_move(&loop->priv.wq, &done);
  uv_mutex_unlock(&loop->priv.wq_mutex);

  while (!uv__queue_empty(&done)) {
    q = uv__queue_head(&done);
    uv__queue_remove(q);
    w = uv__container_of(q, struct uv__work, wq);
    status = 0;
    if (w->work == cancelled_work) {
      status = UV_ECANCELED;
      w->work = NULL;
    }
    w->done(w, status);
  }
}

enum {
  CANCEL_BUSY,       /* running or finished */
  CANCEL_NOW,        /* unlinked: the caller must post it */
  CANCEL_ALREADY     /* cancelled before, callback still to come */
};

/* Unlinks w if it has not started.  The lock of the list w is in must be
 * held. */
static int unlink_unstarted(struct uv__work* w) {
  if (w->work == cancelled_work)
    return CANCEL_ALREADY;
  if (w->work == NULL)
    return CANCEL_BUSY;
  uv__queue_remove(&w->wq);
  w->work = cancelled_work;
  return CANCEL_NOW;
}

/* Cancels w if no thread has started it; loop thread only.  Cancelling
 * again before the callback ran succeeds again, as in libuv; once the
 * callback ran, the request is finished and the answer is UV_EBUSY. */
static int work_cancel(struct uv__work* w) {
  struct pool_thread* t;
  unsigned int owner;
  int r;

  if (!pool_started)
    return UV_EBUSY;
  uv_mutex_lock(&pool_mutex);
  /* Unlinking needs the item in a doubly linked list, not the stack. */
  drain_incoming();
  owner = w->kind >> OWNER_SHIFT;
  if (owner == 0) {
    r = unlink_unstarted(w);
    if (r == CANCEL_NOW && work_kind(w) != UV__WORK_SLOW_IO)
      fast_len--;
  } else if (owner <= pool_nthreads) {
    /* Claimed: its owner may be starting it right now. */
    t = &pool_threads[owner - 1];
    uv_mutex_lock(&t->claim_mutex);
    r = unlink_unstarted(w);
    uv_mutex_unlock(&t->claim_mutex);
  } else {
    r = CANCEL_BUSY;  /* claimed by a pool that no longer exists */
  }
  uv_mutex_unlock(&pool_mutex);
  if (r == CANCEL_BUSY)
    return UV_EBUSY;
  if (r == CANCEL_NOW)
    post_done(w);
  return 0;
}

void uv__threadpool_cleanup(void) {
  static const uv_once_t fresh_once = UV_ONCE_INIT;
  unsigned int i;

  if (!pool_started)
    return;
  uv_mutex_lock(&pool_mutex);
  pool_stopping = 1;
  while (idle_stack != NULL)
    wake_one();
  uv_mutex_unlock(&pool_mutex);

  for (i = 0; i < pool_nthreads; i++) {
    uv_thread_join(&pool_threads[i].tid);
    uv_mutex_destroy(&pool_threads[i].claim_mutex);
    uv_cond_destroy(&pool_threads[i].cond);
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
  if (loop == NULL || req == NULL || work_cb == NULL)
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
