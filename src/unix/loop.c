/* uvcore — the Unix side of the loop: kernel objects, the wake-up channel
 * that other threads and signal handlers use, fork and configuration.
 *
 * The wake-up channel is an eventfd on Linux (one descriptor, and writes
 * coalesce in the kernel counter) and a non-blocking pipe elsewhere.  A
 * flag in the loop coalesces wake-ups before they reach the kernel: only
 * the first sender after the loop last looked writes.
 */
#include "backend.h"
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

static void wakeup_cb(uv_loop_t* loop, uv__io_t* w, unsigned int events) {
  char buf[64];
  ssize_t r;

  (void) events;
  /* Drain first, then clear the flag: a wake-up racing with us then either
   * sees the flag set (and we will see its work below) or writes again. */
  for (;;) {
    r = read(w->fd, buf, sizeof(buf));
    if (r == (ssize_t) sizeof(buf) && w->fd != loop->priv.wakeup_wfd)
      continue;
    if (r == -1 && errno == EINTR)
      continue;
    break;
  }
  __atomic_store_n(&loop->priv.wakeup_pending, 0, __ATOMIC_SEQ_CST);

  uv__signal_dispatch(loop);
  uv__async_dispatch(loop);
  uv__work_done(loop);
}

void uv__platform_wakeup(uv_loop_t* loop) {
  static const uint64_t one = 1;
  int saved_errno;
  ssize_t r;

  if (__atomic_exchange_n(&loop->priv.wakeup_pending, 1, __ATOMIC_SEQ_CST))
    return;

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

  __atomic_store_n(&loop->priv.wakeup_pending, 0, __ATOMIC_SEQ_CST);
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
