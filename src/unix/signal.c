/* uvcore — signal handles: Unix signals turned into callbacks on the
 * threads of the loops that asked for them.
 *
 * How a signal reaches a loop.  A process-wide registry keeps, per signal
 * number, a chain of the started handles of every loop, and the disposition
 * that was in place before we installed our handler.  The handler walks
 * the chain, raises each handle's atomic `caught` count, sets its loop's
 * `signal_pending` flag and wakes the loop through the loop's own wake-up
 * channel (uv__platform_wakeup: one atomic exchange and at most one write,
 * async-signal-safe, errno preserved).  The loop thread, in the poll phase,
 * drains the channel and calls uv__signal_dispatch(), which gives each
 * handle one callback per delivery it has not seen yet.  So user code never
 * runs in signal context, and a signal that arrives while the loop is busy
 * waits in the counter, not in a buffer that could fill up.
 *
 * Why counters and not libuv's pipe of (handle, signum) messages: no extra
 * descriptor per process or loop, nothing to lose when a pipe is full,
 * nothing to look up when a message is read, and a handle moved to another
 * signal or stopped simply has its counters reset.  Delivery counts are per
 * handler run: N runs give N callbacks (the kernel already merges standard
 * signals that arrive while one is pending, so a burst gives at least one).
 *
 * The registry lock.  Loop threads change the chains while the handler may
 * run on any thread.  A spin lock guards them, with no allocation and no
 * mutex in the handler: a thread takes it only with every signal blocked
 * on that thread, so our handler can never interrupt a lock holder on its
 * own thread; the handler (which runs with every signal blocked, see
 * sa_mask below) takes it too and spins until the other thread is done.
 * Holders keep it for a few stores and at most one sigaction().  fork()
 * runs with the lock held (pthread_atfork), so a child never inherits it
 * taken by a thread that does not exist there.  A handle's loop pointer
 * and its loop's wake-up descriptor stay valid while it is in a chain:
 * loop close unlinks the loop's handles first, and uv_loop_fork swaps the
 * descriptor with signals blocked (src/unix/loop.c).
 *
 * Traps:
 * - The disposition is per process, the signal mask per thread.  We
 *   install with SA_RESTART (slow system calls in other code are not cut
 *   short by our signals) and a full sa_mask (handlers never nest).
 * - SIGKILL and SIGSTOP refuse a handler, as do the signals glibc keeps
 *   for its threads (32, 33): sigaction() fails with EINVAL, which start
 *   reports, leaving the handle as it was.
 * - Whatever was installed before (a user's handler, SIG_IGN) comes back
 *   when the last handle on the signal stops.  For one-shot handles the
 *   handler itself puts it back the moment the last live handle has
 *   caught its signal, so a second signal meets the old disposition.
 * - Nothing here assumes a handle is the user's: the process module keeps
 *   an internal, unreferenced SIGCHLD handle per loop beside any user's.
 * - After fork() the registry still lists the handles of loops that lived
 *   on the parent's other threads; the child must not run those loops
 *   (libuv's rule too).  Deliveries the parent caught but had not
 *   dispatched stay the parent's (POSIX clears a child's pending signals).
 */
#include "internal.h"
#include "atomic.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>

/* priv.flags bits. */
#define SIGNAL_ONESHOT 1u  /* stops after one delivery */
#define SIGNAL_FIRED 2u    /* one-shot that has caught its delivery */

struct signal_slot {
  uv_signal_t* head;         /* started handles, any loop */
  unsigned int live;         /* of those, the ones still taking deliveries */
  int installed;             /* our handler is the disposition */
  struct sigaction saved;    /* the disposition we replaced */
};

static struct signal_slot slots[NSIG];
static int registry_lock;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
static _Thread_local sigset_t atfork_mask;

/* The handler must not make system calls it need not, so it only spins;
 * a thread may yield the CPU to a handler that is running elsewhere. */
static void spin_lock(int may_yield) {
  while (__atomic_exchange_n(&registry_lock, 1, __ATOMIC_ACQUIRE)) {
    while (__atomic_load_n(&registry_lock, __ATOMIC_RELAXED)) {
      if (may_yield)
        sched_yield();
      else
        uv__cpu_relax();
    }
  }
}

static void spin_unlock(void) {
  __atomic_store_n(&registry_lock, 0, __ATOMIC_RELEASE);
}

static void lock_blocked(sigset_t* saved) {
  sigset_t all;

  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, saved);
  spin_lock(1);
}

static void unlock_unblock(const sigset_t* saved) {
  spin_unlock();
  pthread_sigmask(SIG_SETMASK, saved, NULL);
}

static void atfork_prepare(void) {
  lock_blocked(&atfork_mask);
}

static void atfork_release(void) {
  unlock_unblock(&atfork_mask);
}

static void atfork_register(void) {
  /* Without it (ENOMEM) only a fork racing a start or stop is at risk. */
  pthread_atfork(atfork_prepare, atfork_release, atfork_release);
}

static void registry_lock_thread(sigset_t* saved) {
  pthread_once(&atfork_once, atfork_register);
  lock_blocked(saved);
}

static void signal_handler(int signum) {
  struct signal_slot* slot;
  uv_signal_t* h;
  unsigned int mode;
  int saved_errno;

  saved_errno = errno;
  spin_lock(0);
  slot = &slots[signum];
  for (h = slot->head; h != NULL; h = h->priv.next) {
    mode = __atomic_load_n(&h->priv.flags, __ATOMIC_RELAXED);
    if (mode & SIGNAL_FIRED)
      continue;
    if (mode & SIGNAL_ONESHOT) {
      __atomic_store_n(&h->priv.flags, mode | SIGNAL_FIRED, __ATOMIC_RELAXED);
      slot->live--;
    }
    __atomic_fetch_add(&h->priv.caught, 1, __ATOMIC_SEQ_CST);
    __atomic_store_n(&h->loop->priv.signal_pending, 1, __ATOMIC_SEQ_CST);
    uv__platform_wakeup(h->loop);
  }
  /* Only one-shot handles were left: the old disposition returns now. */
  if (slot->installed && slot->live == 0) {
    sigaction(signum, &slot->saved, NULL);
    slot->installed = 0;
  }
  spin_unlock();
  errno = saved_errno;
}

/* The registry functions below run with the lock held. */

static int slot_install(int signum) {
  struct signal_slot* slot;
  struct sigaction sa;

  slot = &slots[signum];
  if (slot->installed)
    return 0;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = signal_handler;
  sigfillset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  if (sigaction(signum, &sa, &slot->saved))
    return uv__err();
  slot->installed = 1;
  return 0;
}

static void registry_link(uv_signal_t* h, int signum, unsigned int mode) {
  struct signal_slot* slot;

  slot = &slots[signum];
  __atomic_store_n(&h->priv.caught, 0, __ATOMIC_RELAXED);
  h->priv.dispatched = 0;
  __atomic_store_n(&h->priv.flags, mode, __ATOMIC_RELAXED);
  h->priv.next = slot->head;
  slot->head = h;
  slot->live++;
}

static void registry_unlink(uv_signal_t* h, int signum) {
  struct signal_slot* slot;
  uv_signal_t** p;

  slot = &slots[signum];
  for (p = &slot->head; *p != h; p = &(*p)->priv.next)
    assert(*p != NULL);
  *p = h->priv.next;
  h->priv.next = NULL;
  if (!(__atomic_load_n(&h->priv.flags, __ATOMIC_RELAXED) & SIGNAL_FIRED))
    slot->live--;
  if (slot->installed && slot->live == 0) {
    /* It was in place a moment ago, so putting it back cannot fail. */
    sigaction(signum, &slot->saved, NULL);
    slot->installed = 0;
  }
}

int uv_signal_init(uv_loop_t* loop, uv_signal_t* handle) {
  if (!uv__loop_usable(loop) || handle == NULL)
    return UV_EINVAL;
  uv__handle_init(loop, (uv_handle_t*) handle, UV_SIGNAL);
  handle->signum = 0;
  handle->priv.cb = NULL;
  handle->priv.next = NULL;
  uv__queue_init(&handle->priv.queue);
  handle->priv.caught = 0;
  handle->priv.dispatched = 0;
  handle->priv.flags = 0;
  return 0;
}

static int signal_start(uv_signal_t* h, uv_signal_cb cb, int signum,
                        unsigned int mode) {
  sigset_t saved;
  int active;
  int err;

  if (h == NULL || h->type != UV_SIGNAL || cb == NULL)
    return UV_EINVAL;
  if (uv__is_closing((uv_handle_t*) h))
    return UV_EINVAL;
  if (signum <= 0 || signum >= NSIG)
    return UV_EINVAL;

  active = uv__is_active((uv_handle_t*) h);
  /* Same signal: keep the registration, so no delivery in flight is lost;
   * only the callback changes (the one-shot mode stays, as in libuv). */
  if (active && signum == h->signum) {
    h->priv.cb = cb;
    return 0;
  }

  /* Install for the new signal before leaving the old one, so a refusal
   * (SIGKILL, SIGSTOP) leaves the handle exactly as it was. */
  registry_lock_thread(&saved);
  err = slot_install(signum);
  if (err == 0) {
    if (active)
      registry_unlink(h, h->signum);
    registry_link(h, signum, mode);
  }
  unlock_unblock(&saved);
  if (err)
    return err;

  h->signum = signum;
  h->priv.cb = cb;
  if (!active) {
    uv__queue_insert_tail(&h->loop->priv.signal_handles, &h->priv.queue);
    uv__handle_start((uv_handle_t*) h);
  }
  return 0;
}

int uv_signal_start(uv_signal_t* handle, uv_signal_cb signal_cb, int signum) {
  return signal_start(handle, signal_cb, signum, 0);
}

int uv_signal_start_oneshot(uv_signal_t* handle, uv_signal_cb signal_cb,
                            int signum) {
  return signal_start(handle, signal_cb, signum, SIGNAL_ONESHOT);
}

static void signal_stop(uv_signal_t* h) {
  sigset_t saved;

  if (!uv__is_active((uv_handle_t*) h))
    return;
  registry_lock_thread(&saved);
  registry_unlink(h, h->signum);
  unlock_unblock(&saved);
  uv__queue_remove(&h->priv.queue);
  uv__queue_init(&h->priv.queue);
  h->signum = 0;
  uv__handle_stop((uv_handle_t*) h);
}

int uv_signal_stop(uv_signal_t* handle) {
  if (handle == NULL || handle->type != UV_SIGNAL)
    return UV_EINVAL;
  signal_stop(handle);
  return 0;
}

void uv__signal_close(uv_signal_t* h) {
  signal_stop(h);
}

/* Runs the callbacks owed to one handle.  A one-shot handle is stopped
 * before its callback, so the callback sees it inactive and may re-arm
 * it.  Any callback may stop, move or close the handle: then the rest of
 * what it was owed is dropped. */
static void signal_deliver(uv_signal_t* h) {
  unsigned int owed;
  unsigned int mark;
  int signum;

  signum = h->signum;
  owed = __atomic_load_n(&h->priv.caught, __ATOMIC_SEQ_CST) -
         h->priv.dispatched;
  while (owed-- > 0) {
    mark = ++h->priv.dispatched;
    if (__atomic_load_n(&h->priv.flags, __ATOMIC_RELAXED) & SIGNAL_ONESHOT)
      signal_stop(h);
    h->priv.cb(h, signum);
    if (!uv__is_active((uv_handle_t*) h) || h->signum != signum ||
        h->priv.dispatched != mark)
      break;
  }
}

/* Called by the wake-up channel's callback on the loop thread.  The flag
 * is cleared before the counters are read: a signal caught after that
 * sets it again and wakes the loop for another pass. */
void uv__signal_dispatch(uv_loop_t* loop) {
  struct uv__queue todo;
  struct uv__queue* q;
  uv_signal_t* h;

  if (!__atomic_exchange_n(&loop->priv.signal_pending, 0, __ATOMIC_SEQ_CST))
    return;
  uv__queue_move(&loop->priv.signal_handles, &todo);
  while (!uv__queue_empty(&todo)) {
    q = uv__queue_head(&todo);
    h = uv__queue_data(q, uv_signal_t, priv.queue);
    uv__queue_remove(q);
    uv__queue_insert_tail(&loop->priv.signal_handles, q);
    signal_deliver(h);
  }
}

/* uv_loop_close() refuses to close a loop with user handles, but internal
 * ones (the process module's SIGCHLD handle) may still be started: they
 * must leave the registry before the loop's wake-up channel goes away. */
void uv__signal_loop_close(uv_loop_t* loop) {
  struct uv__queue* q;

  while (!uv__queue_empty(&loop->priv.signal_handles)) {
    q = uv__queue_head(&loop->priv.signal_handles);
    signal_stop(uv__queue_data(q, uv_signal_t, priv.queue));
  }
  __atomic_store_n(&loop->priv.signal_pending, 0, __ATOMIC_SEQ_CST);
}

/* In the child, with signals blocked, after the wake-up channel was
 * replaced.  What the parent caught before fork() is the parent's: the
 * counters are caught up, and a one-shot handle that had already fired
 * is stopped (its callback runs in the parent). */
void uv__signal_loop_fork(uv_loop_t* loop) {
  struct uv__queue todo;
  struct uv__queue* q;
  uv_signal_t* h;

  uv__queue_move(&loop->priv.signal_handles, &todo);
  while (!uv__queue_empty(&todo)) {
    q = uv__queue_head(&todo);
    h = uv__queue_data(q, uv_signal_t, priv.queue);
    uv__queue_remove(q);
    uv__queue_insert_tail(&loop->priv.signal_handles, q);
    h->priv.dispatched = __atomic_load_n(&h->priv.caught, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&h->priv.flags, __ATOMIC_RELAXED) & SIGNAL_FIRED)
      signal_stop(h);
  }
  __atomic_store_n(&loop->priv.signal_pending, 0, __ATOMIC_SEQ_CST);
}
