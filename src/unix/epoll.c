/* uvcore — the epoll readiness backend (Linux).  See backend.h.
 *
 * What epoll gets wrong, and how we cope:
 * - It registers open file descriptions, not descriptors: closing an fd
 *   that was dup'ed (or inherited by a child) leaves the registration alive
 *   and still reporting.  Owners therefore call uv__io_close() (which
 *   forgets the fd here) before closing, and the core drops events for fds
 *   nobody watches.
 * - ADD and MOD are different calls, and which one is right depends on
 *   kernel state we may have lost track of (a lazily stopped watcher whose
 *   registration was dropped): on ENOENT we ADD, on EEXIST we MOD.
 * - Regular files cannot be registered (EPERM): uv__backend_check_fd
 *   lets uv_poll_init refuse them up front.
 * - A forked child shares the parent's epoll set: uv_loop_fork builds a new
 *   one and registers everything again.
 * The event bits are poll(2)'s (EPOLLIN == POLLIN, ...), so no translation.
 */
#include "backend.h"

#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>

int uv__backend_init(uv_loop_t* loop) {
  int fd;

  fd = epoll_create1(EPOLL_CLOEXEC);
  if (fd == -1)
    return uv__err();
  loop->priv.backend_fd = fd;
  return 0;
}

void uv__backend_close(uv_loop_t* loop) {
  if (loop->priv.backend_fd != -1) {
    uv__close(loop->priv.backend_fd);
    loop->priv.backend_fd = -1;
  }
}

int uv__backend_watch(uv_loop_t* loop, int fd, int registered,
                      unsigned int old_events, unsigned int events,
                      unsigned int tag) {
  struct epoll_event e;
  int op;

  (void) old_events;
  e.events = events;
  e.data.u64 = ((uint64_t) tag << 32) | (uint32_t) fd;
  op = registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
  if (epoll_ctl(loop->priv.backend_fd, op, fd, &e) == 0)
    return 0;
  if (op == EPOLL_CTL_MOD && errno == ENOENT)
    op = EPOLL_CTL_ADD;
  else if (op == EPOLL_CTL_ADD && errno == EEXIST)
    op = EPOLL_CTL_MOD;
  else
    return uv__err();
  if (epoll_ctl(loop->priv.backend_fd, op, fd, &e) == 0)
    return 0;
  return uv__err();
}

void uv__backend_forget(uv_loop_t* loop, int fd) {
  struct epoll_event dummy;

  /* Old kernels want a non-NULL event even for DEL.  Failure means the
   * kernel already dropped it (fd closed): nothing to do. */
  dummy.events = 0;
  dummy.data.u64 = 0;
  epoll_ctl(loop->priv.backend_fd, EPOLL_CTL_DEL, fd, &dummy);
}

int uv__backend_check_fd(uv_loop_t* loop, int fd) {
  struct epoll_event e;

  e.events = EPOLLIN;
  e.data.u64 = (uint32_t) -1;
  if (epoll_ctl(loop->priv.backend_fd, EPOLL_CTL_ADD, fd, &e) == 0) {
    epoll_ctl(loop->priv.backend_fd, EPOLL_CTL_DEL, fd, &e);
    return 0;
  }
  if (errno == EEXIST)
    return 0;
  return uv__err();
}

int uv__backend_wait(uv_loop_t* loop, uv__fired_t* out, int max,
                     int timeout) {
  struct epoll_event ev[1024];
  sigset_t set;
  int n;
  int i;

  if (max > (int) (sizeof(ev) / sizeof(ev[0])))
    max = (int) (sizeof(ev) / sizeof(ev[0]));

  if (loop->priv.flags & UV__LOOP_BLOCK_SIGPROF) {
    /* epoll_pwait replaces the thread's mask for the wait: start from the
     * current one, or signals the caller blocked would be let through. */
    if (pthread_sigmask(SIG_BLOCK, NULL, &set) != 0)
      sigemptyset(&set);
    sigaddset(&set, SIGPROF);
    n = epoll_pwait(loop->priv.backend_fd, ev, max, timeout, &set);
  } else {
    n = epoll_wait(loop->priv.backend_fd, ev, max, timeout);
  }
  if (n == -1)
    return uv__err();

  for (i = 0; i < n; i++) {
    out[i].fd = (int) (uint32_t) ev[i].data.u64;
    out[i].tag = (unsigned int) (ev[i].data.u64 >> 32);
    out[i].events = ev[i].events;
  }
  return n;
}
