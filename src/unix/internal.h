/* uvcore — internal declarations for the Unix platform layer: descriptor
 * watchers (io.c), descriptor hygiene helpers (fd.c), and the pieces of
 * the platform contract (../platform.h) that Unix files share. */
#ifndef UV_SRC_UNIX_INTERNAL_H
#define UV_SRC_UNIX_INTERNAL_H

#include "../internal.h"

#include <errno.h>
#include <poll.h>
#include <unistd.h>

/* Internal event bits are poll(2)'s; backends translate to and from their
 * own (epoll's happen to be the same numbers). */
#define UV__POLLIN POLLIN
#define UV__POLLOUT POLLOUT
#define UV__POLLERR POLLERR
#define UV__POLLHUP POLLHUP
#define UV__POLLPRI POLLPRI
#ifdef POLLRDHUP
# define UV__POLLRDHUP POLLRDHUP
#else
# define UV__POLLRDHUP 0x2000
#endif

/* ---- descriptor watchers (io.c) ---------------------------------------
 * A watcher says which events it wants (uv__io_start/stop); the kernel is
 * told once per loop iteration, just before polling.  Stopping is lazy: the
 * kernel registration stays until an event shows nobody wants it, or until
 * uv__io_close(), which every owner must call before closing the fd. */
/* w->events of a descriptor the backend cannot watch because it is always
 * ready (a regular file under epoll): see io.c. */
#define UV__IO_ALWAYS 0x80000000u
void uv__io_init(uv__io_t* w, uv__io_cb cb, int fd);
int uv__io_start(uv_loop_t* loop, uv__io_t* w, unsigned int events);
void uv__io_stop(uv_loop_t* loop, uv__io_t* w, unsigned int events);
void uv__io_close(uv_loop_t* loop, uv__io_t* w);
/* Runs w's callback with POLLOUT in the next pending phase. */
void uv__io_feed(uv_loop_t* loop, uv__io_t* w);
/* Whether fd can be watched at all (regular files cannot, with epoll). */
int uv__io_check_fd(uv_loop_t* loop, int fd);

/* ---- descriptor helpers (fd.c) ---------------------------------------- */
int uv__close(int fd);                 /* retries nothing; EINTR is success */
int uv__nonblock(int fd, int set);
int uv__cloexec(int fd, int set);
ssize_t uv__recvmsg(int fd, struct msghdr* msg, int flags);
int uv__socket(int domain, int type, int protocol);
int uv__accept(int sockfd);

/* ---- the loop's wake-up word (loop.c) --------------------------------- */
#define UV__WAKE_PENDING  1   /* signalled since the loop last looked */
#define UV__WAKE_SLEEPING 2   /* a signal must go through the channel */

/* Around each wait in the poller: before it, 1 if signalled work was run
 * (the wait must then not block); after a blocking wait, the loop is
 * awake again. */
int uv__wakeup_before_wait(uv_loop_t* loop, int blocking);
void uv__wakeup_after_wait(uv_loop_t* loop);

/* ---- network interfaces (interfaces.c) -------------------------------- */
/* A link-local IPv6 destination (fe80::/10) without an interface
 * (sin6_scope_id 0) cannot be routed: the kernel refuses connect() with
 * EINVAL.  Returns addr itself when it needs nothing, else a copy in *copy
 * naming the first interface that has a link-local address of its own. */
const struct sockaddr* uv__ip6_link_local_scope(const struct sockaddr* addr,
                                                struct sockaddr_in6* copy);

/* ---- closing the Unix handle types (close.c) -------------------------- */
void uv__poll_close(uv_poll_t* h);

/* ---- signal handles (signal.c) ---------------------------------------- */
/* Runs the callbacks of signals caught for this loop; called by the
 * wake-up channel's callback. */
void uv__signal_dispatch(uv_loop_t* loop);
void uv__signal_close(uv_signal_t* h);
/* Unlinks the loop's remaining (internal) signal handles. */
void uv__signal_loop_close(uv_loop_t* loop);
/* In a forked child, with signals blocked: forgets the parent's catches. */
void uv__signal_loop_fork(uv_loop_t* loop);

/* ---- file system events (linux-inotify.c) ----------------------------- */
void uv__fs_event_close(uv_fs_event_t* h);
/* Releases the loop's inotify descriptor; every handle is closed. */
void uv__inotify_loop_close(uv_loop_t* loop);
/* In a forked child: a descriptor of our own, every watch added again. */
int uv__inotify_loop_fork(uv_loop_t* loop);

static inline int uv__err(void) {
  return -errno;
}

#endif /* UV_SRC_UNIX_INTERNAL_H */
