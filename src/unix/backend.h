/* uvcore — the contract every Unix readiness backend implements.
 *
 * One file per backend (epoll.c on Linux, kqueue.c on macOS/BSD), each
 * providing exactly these functions; the build picks one.  The backend only
 * talks to the kernel: it does not know about handles or callbacks.  The
 * Unix core (io.c) decides what to tell it and dispatches what it reports.
 *
 * Events are the UV__POLL* bits.  Each registration carries a tag (the
 * watcher's generation) which the backend hands back with every event, so
 * the core can drop events that belong to a registration closed earlier in
 * the same batch.
 */
#ifndef UV_SRC_UNIX_BACKEND_H
#define UV_SRC_UNIX_BACKEND_H

#include "internal.h"

typedef struct {
  int fd;
  unsigned int events;   /* UV__POLL* */
  unsigned int tag;      /* the tag given to uv__backend_watch() */
} uv__fired_t;

/* Creates the kernel object; stores it in loop->priv.backend_fd. */
int uv__backend_init(uv_loop_t* loop);
void uv__backend_close(uv_loop_t* loop);

/* Sets the events the kernel reports for fd.  `registered` says whether fd
 * is known to the kernel object already (with `old_events`).  A backend
 * may apply the change at once or hold it until the next wait. */
int uv__backend_watch(uv_loop_t* loop, int fd, int registered,
                      unsigned int old_events, unsigned int events,
                      unsigned int tag);

/* Removes fd now: the caller is about to close it, or nobody wants it. */
void uv__backend_forget(uv_loop_t* loop, int fd);

/* Whether fd can be watched at all: 0, or e.g. UV_EPERM for a regular
 * file under epoll.  Leaves nothing registered. */
int uv__backend_check_fd(uv_loop_t* loop, int fd);

/* Waits up to timeout ms (-1 forever) and fills up to `max` events.
 * Returns the count (0 on timeout) or a negative UV_E* code; UV_EINTR is
 * returned as such so the caller can retry with the time remaining. */
int uv__backend_wait(uv_loop_t* loop, uv__fired_t* out, int max, int timeout);

#endif /* UV_SRC_UNIX_BACKEND_H */
