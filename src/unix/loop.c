/* uvcore — the Unix side of the loop: kernel objects, the wake-up channel
 * that other threads and signal handlers use, fork and configuration.
 *
 * The wake-up channel is an eventfd on Linux (one descriptor, and writes
 * coalesce in the kernel counter) and a non-blocking pipe elsewhere.  One
 * word in the loop keeps most wake-ups from reaching the kernel at all: a
 * "pending" bit, raised by the first sender after the loop last looked,
 * and a "sleeping" bit, set while the loop is (about to be) blocked in the
 * poller or outside uv_run.  Only a sender that raises pending while
 * sleeping is set writes to the channel; a loop that is awake looks at the
 * word before it next blocks, and both changes are atomic operations on
 * the same word, so one side always sees the other.  A thread flooding an
 * async handle then costs neither side a system call while the loop keeps
 * up; once the handle's callback has run, the loop also looks at the
 * handle itself before each wait ("watching", src/async.c), and the
 * flooding thread leaves the word alone too.
 */
#include "backend.h"
#include "atomic.h"
#include "process.h"
#include "stream.h"

#include <signal.h>
#include <string.h>
#if defined(__linux__)
# include <sys/eventfd.h>
#endif

static void wakeup_cb(uv_loop_t* loop, uv__io_t* w, unsigned int events);

static int wakeup_open(uv_loop_t* loop) {
  int fds[2];
  int err;

#if defined(__linux__)
  fds[0] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (fds[0] == -1)
    return uv__err();
  fds[1] = fds[0];
#else
  if (pipe(fds))
    return uv__err();
  if (uv__cloexec(fds[0], 1) || uv__cloexec(fds[1], 1) ||
      uv__nonblock(fds[0], 1) || uv__nonblock(fds[1], 1)) {
    err = uv__err();
    uv__close(fds[0]);
    uv__close(fds[1]);
    return err;
  }
#endif

  uv__io_init(&loop->priv.wakeup_watcher, wakeup_cb, fds[0]);
  loop->priv.wakeup_wfd = fds[1];
  err = uv__io_start(loop, &loop->priv.wakeup_watcher, UV__POLLIN);
  if (err) {
    if (fds[1] != fds[0])
      uv__close(fds[1]);
    uv__close(fds[0]);
    loop->priv.wakeup_watcher.fd = -1;
    loop->priv.wakeup_wfd = -1;
    return err;
  }
  /* The loop's own watcher must not keep it alive or show as a handle. */
  return 0;
}

static void wakeup_close(uv_loop_t* loop) {
  int rfd;

  rfd = loop->priv.wakeup_watcher.fd;
  if (rfd == -1)
    return;
  uv__io_close(loop, &loop->priv.wakeup_watcher);
  if (loop->priv.wakeup_wfd != rfd && loop->priv.wakeup_wfd != -1)
    uv__close(loop->priv.wakeup_wfd);
  uv__close(rfd);
  loop->priv.wakeup_watcher.fd = -1;
  loop->priv.wakeup_wfd = -1;
}

/* Watching: a handle whose callback just ran may be flooded by a sender.
 * The loop then promises (in the handle, see src/async.c) to look at its
 * async handles before each wait, and such a sender needs neither the
 * wake-up word nor the channel.  The promise ends at the first wait for
 * which a look (after a short watch, for a blocking one) finds nothing. */
static void dispatch_async(uv_loop_t* loop) {
  if (uv__async_dispatch(loop, 1) > 0)
    loop->priv.async_watching = 1;
}

static int watch_stop(uv_loop_t* loop) {
  loop->priv.async_watching = 0;
  return uv__async_unwatch(loop);
}

/* What other threads and signal handlers wake the loop for. */
static void run_woken(uv_loop_t* loop) {
  uv__signal_dispatch(loop);
  dispatch_async(loop);
  uv__work_done(loop);
}

static void wakeup_drain(uv_loop_t* loop) {
  char buf[64];
  ssize_t r;
  int fd;

  fd = loop->priv.wakeup_watcher.fd;
  for (;;) {
    r = read(fd, buf, sizeof(buf));
    if (r == (ssize_t) sizeof(buf) && fd != loop->priv.wakeup_wfd)
      continue;
    if (r == -1 && errno == EINTR)
      continue;
    break;
  }
}

static void wakeup_cb(uv_loop_t* loop, uv__io_t* w, unsigned int events) {
  (void) w;
  (void) events;
  /* Drain first, then clear the flag: a wake-up racing with us then either
   * sees the flag set (and we will see its work below) or writes again. */
  wakeup_drain(loop);
  __atomic_fetch_and(&loop->priv.wakeup_pending, ~UV__WAKE_PENDING,
                     __ATOMIC_SEQ_CST);
  run_woken(loop);
}

static void wakeup_write(uv_loop_t* loop) {
  static const uint64_t one = 1;
  int saved_errno;
  ssize_t r;

  saved_errno = errno;  /* we may be in a signal handler */
  do {
#if defined(__linux__)
    r = write(loop->priv.wakeup_wfd, &one, sizeof(one));
#else
    r = write(loop->priv.wakeup_wfd, "", 1);
#endif
  } while (r == -1 && errno == EINTR);
  /* EAGAIN: the channel is already full, so the loop will wake anyway. */
  errno = saved_errno;
}

void uv__platform_wakeup(uv_loop_t* loop) {
  int old;

  old = __atomic_fetch_or(&loop->priv.wakeup_pending, UV__WAKE_PENDING,
                          __ATOMIC_SEQ_CST);
  if ((old & (UV__WAKE_PENDING | UV__WAKE_SLEEPING)) == UV__WAKE_SLEEPING)
    wakeup_write(loop);
}

/* Called before each wait in the poller (blocking: it may sleep).  Runs
 * what was signalled without a write and reports 1, the wait then must
 * not block; else marks the loop sleeping for a blocking wait.  While
 * watching, a blocking wait first looks at the handles and the word for a
 * moment: a thread flooding a handle makes it pending again within a
 * microsecond, and catching it here spares both threads the sleep, the
 * write and the cross-CPU wake-up (2 vCPUs: 56k callbacks/s without, 18 us
 * each).  The moment is counted in handles looked at, so a loop with
 * thousands of async handles looks once and no more. */
#define UV__WAKE_LOOKS 128  /* 64 looks at a lone handle */

int uv__wakeup_before_wait(uv_loop_t* loop, int blocking) {
  unsigned int looked;
  int async_ready;
  int old;

  async_ready = 0;
  if (loop->priv.async_watching) {
    for (looked = 0;; looked++) {  /* +1 a look: bounded with no handles */
      async_ready = uv__async_pending(loop, &looked);
      if (async_ready || !blocking || looked >= UV__WAKE_LOOKS ||
          (__atomic_load_n(&loop->priv.wakeup_pending, __ATOMIC_RELAXED) &
           UV__WAKE_PENDING))
        break;
      uv__cpu_relax();
    }
    /* Nothing yet: senders must wake the loop again from here on. */
    if (!async_ready)
      async_ready = watch_stop(loop);
  }

  if (blocking && !async_ready)
    old = __atomic_fetch_or(&loop->priv.wakeup_pending, UV__WAKE_SLEEPING,
                            __ATOMIC_SEQ_CST);
  else
    old = __atomic_load_n(&loop->priv.wakeup_pending, __ATOMIC_ACQUIRE);
  if (old & UV__WAKE_PENDING) {
    /* Signalled while marked sleeping, the sender wrote to the channel:
     * empty it, or its readiness would wake the loop once more for
     * nothing (and count as one more event). */
    if (old & UV__WAKE_SLEEPING)
      wakeup_drain(loop);
    __atomic_fetch_and(&loop->priv.wakeup_pending,
                       ~(UV__WAKE_PENDING | UV__WAKE_SLEEPING),
                       __ATOMIC_SEQ_CST);
  } else if (!async_ready) {
    return 0;
  }
  /* For uv_metrics_info: one event that was waiting, as the channel's
   * readiness would have been. */
  uv__metrics_poll_leave(loop, 1, 1);
  if (old & UV__WAKE_PENDING)
    run_woken(loop);
  else
    dispatch_async(loop);  /* watched handles only: the word stays alone */
  return 1;
}

void uv__wakeup_after_wait(uv_loop_t* loop) {
  __atomic_fetch_and(&loop->priv.wakeup_pending, ~UV__WAKE_SLEEPING,
                     __ATOMIC_SEQ_CST);
}

/* Leaving uv_run: whoever polls the backend descriptor next (an embedder,
 * or the next uv_run) must be woken by the kernel, so senders write again,
 * and what was signalled meanwhile without a write is written now. */
void uv__platform_run_end(uv_loop_t* loop) {
  int pending;
  int old;

  pending = 0;
  if (loop->priv.async_watching && watch_stop(loop))
    pending = UV__WAKE_PENDING;
  /* Already so when the turn never waited (UV_RUN_NOWAIT): no locked
   * instruction then. */
  if (!pending &&
      (__atomic_load_n(&loop->priv.wakeup_pending, __ATOMIC_RELAXED) &
       UV__WAKE_SLEEPING))
    return;
  old = __atomic_fetch_or(&loop->priv.wakeup_pending,
                          UV__WAKE_SLEEPING | pending, __ATOMIC_SEQ_CST);
  /* Written already only if pending was raised while sleeping was set. */
  if ((old | pending) & UV__WAKE_PENDING &&
      (old & (UV__WAKE_PENDING | UV__WAKE_SLEEPING)) !=
          (UV__WAKE_PENDING | UV__WAKE_SLEEPING))
    wakeup_write(loop);
}

int uv__platform_loop_init(uv_loop_t* loop) {
  int err;

  uv__queue_init(&loop->priv.pending_queue);
  uv__queue_init(&loop->priv.watcher_queue);
  uv__queue_init(&loop->priv.ready_queue);
  uv__queue_init(&loop->priv.signal_handles);
  loop->priv.watchers = NULL;
  loop->priv.nwatchers = 0;
  loop->priv.backend_fd = -1;
  loop->priv.wakeup_watcher.fd = -1;
  loop->priv.wakeup_wfd = -1;
  loop->priv.wakeup_pending = UV__WAKE_SLEEPING;  /* not running yet */
  loop->priv.emfile_fd = -1;
  loop->priv.emfile_timer = NULL;
  uv__process_loop_init(loop);

  err = uv__backend_init(loop);
  if (err)
    return err;
  err = wakeup_open(loop);
  if (err) {
    uv__backend_close(loop);
    return err;
  }
  return 0;
}

void uv__platform_loop_close(uv_loop_t* loop) {
  uv__process_loop_close(loop);
#if defined(__linux__)
  uv__inotify_loop_close(loop);
#endif
  uv__signal_loop_close(loop);  /* the handler writes to the channel */
  wakeup_close(loop);
  uv__stream_loop_close(loop);
  uv__backend_close(loop);
  uv__free(loop->priv.watchers);
  loop->priv.watchers = NULL;
  loop->priv.nwatchers = 0;
}

/* The child shares the parent's poller and wake-up channel; both must be
 * replaced and every watcher registered again with the new poller. */
static int loop_fork(uv_loop_t* loop) {
  unsigned int i;
  uv__io_t* w;
  int err;

  /* Close our copy of the shared poller before touching any watcher, so
   * nothing below can deregister descriptors from the parent's set. */
  uv__backend_close(loop);
  wakeup_close(loop);
  err = uv__backend_init(loop);
  if (err)
    return err;

  for (i = 0; i < loop->priv.nwatchers; i++) {
    w = loop->priv.watchers[i];
    if (w == NULL)
      continue;
    w->events = 0;
    if (w->pevents != 0 && uv__queue_empty(&w->watcher_queue))
      uv__queue_insert_tail(&loop->priv.watcher_queue, &w->watcher_queue);
  }

  __atomic_store_n(&loop->priv.wakeup_pending, UV__WAKE_SLEEPING,
                   __ATOMIC_SEQ_CST);
  err = wakeup_open(loop);
#if defined(__linux__)
  if (err == 0)
    err = uv__inotify_loop_fork(loop);
#endif
  return err;
}

/* Signals stay blocked while the wake-up descriptor is replaced: a signal
 * handler writing to it must see the old one or the new one, never a
 * closed number that something else may already reuse. */
int uv__platform_loop_fork(uv_loop_t* loop) {
  sigset_t all;
  sigset_t saved;
  int err;

  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &saved);
  err = loop_fork(loop);
  if (err == 0)
    uv__signal_loop_fork(loop);
  pthread_sigmask(SIG_SETMASK, &saved, NULL);
  return err;
}

int uv__platform_loop_configure(uv_loop_t* loop, uv_loop_option option,
                                int arg) {
  switch (option) {
    case UV_LOOP_BLOCK_SIGNAL:
      if (arg != SIGPROF)
        return UV_EINVAL;
      loop->priv.flags |= UV__LOOP_BLOCK_SIGPROF;
      return 0;
    default:
      /* Includes UV_LOOP_USE_IO_URING_SQPOLL: io_uring is not used. */
      return UV_ENOSYS;
  }
}

int uv__platform_backend_stale(const uv_loop_t* loop) {
  return !uv__queue_empty(&loop->priv.watcher_queue);
}

int uv_backend_fd(const uv_loop_t* loop) {
  /* A closed loop is zeroed: its 0 is not a descriptor of ours. */
  if (!uv__loop_usable(loop))
    return -1;
  return loop->priv.backend_fd;
}
