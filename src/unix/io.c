/* uvcore — descriptor watchers and the poll phase on Unix.
 *
 * Owners (poll handles, streams, UDP, the loop's own wake-up channel)
 * describe what they want with uv__io_start/stop; this file batches those
 * changes into one round of backend calls per iteration, waits, and
 * dispatches what the backend reports.  It is shared by every readiness
 * backend (see backend.h).
 *
 * Descriptors the backend refuses because they are always ready (epoll
 * says EPERM for regular files and directories: a program's stdin
 * redirected from a file, opened with uv_pipe_open) are not an error and
 * must not hang: such a watcher is marked UV__IO_ALWAYS and kept on the
 * loop's ready list, and its callback runs once per iteration for what it
 * waits on, with the poll not blocking while the list is non-empty.
 */
#include "backend.h"

#include <limits.h>
#include <string.h>

/* Events taken from the kernel per wait, and how many full batches we take
 * back to back before letting the other phases run. */
#define UV__MAX_EVENTS 1024
#define UV__MAX_FULL_BATCHES 48

void uv__io_init(uv__io_t* w, uv__io_cb cb, int fd) {
  w->cb = cb;
  uv__queue_init(&w->pending_queue);
  uv__queue_init(&w->watcher_queue);
  w->pevents = 0;
  w->events = 0;
  w->gen = 0;
  w->fd = fd;
}

static int grow_watchers(uv_loop_t* loop, int fd) {
  uv__io_t** table;
  unsigned int n;

  if ((unsigned int) fd < loop->priv.nwatchers)
    return 0;
  n = loop->priv.nwatchers ? loop->priv.nwatchers : 64;
  while (n <= (unsigned int) fd)
    n *= 2;
  table = uv__realloc(loop->priv.watchers, n * sizeof(*table));
  if (table == NULL)
    return UV_ENOMEM;
  memset(table + loop->priv.nwatchers, 0,
         (n - loop->priv.nwatchers) * sizeof(*table));
  loop->priv.watchers = table;
  loop->priv.nwatchers = n;
  return 0;
}

int uv__io_start(uv_loop_t* loop, uv__io_t* w, unsigned int events) {
  int err;

  if (w->fd < 0)
    return UV_EBADF;
  err = grow_watchers(loop, w->fd);
  if (err)
    return err;

  w->pevents |= events;
  if (uv__queue_empty(&w->watcher_queue))
    uv__queue_insert_tail(&loop->priv.watcher_queue, &w->watcher_queue);
  loop->priv.watchers[w->fd] = w;
  return 0;
}

void uv__io_stop(uv_loop_t* loop, uv__io_t* w, unsigned int events) {
  if (w->fd < 0)
    return;

  w->pevents &= ~events;
  if (w->pevents == 0) {
    /* The kernel registration stays, and so does the table entry (the
     * watcher is "parked"): stopping and restarting reading is common and
     * should not cost two system calls.  If an event arrives while parked,
     * dispatch() drops the registration and clears w->events, so a later
     * uv__io_start() registers again. */
    uv__queue_remove(&w->watcher_queue);
  } else if (uv__queue_empty(&w->watcher_queue)) {
    uv__queue_insert_tail(&loop->priv.watcher_queue, &w->watcher_queue);
  }
}

void uv__io_close(uv_loop_t* loop, uv__io_t* w) {
  uv__io_stop(loop, w, ~0u);
  uv__queue_remove(&w->pending_queue);
  if (w->fd >= 0 && (unsigned int) w->fd < loop->priv.nwatchers &&
      loop->priv.watchers[w->fd] == w)
    loop->priv.watchers[w->fd] = NULL;
  if (w->events != 0 && w->events != UV__IO_ALWAYS && w->fd >= 0)
    uv__backend_forget(loop, w->fd);
  w->events = 0;
}

void uv__io_feed(uv_loop_t* loop, uv__io_t* w) {
  if (uv__queue_empty(&w->pending_queue))
    uv__queue_insert_tail(&loop->priv.pending_queue, &w->pending_queue);
}

int uv__io_check_fd(uv_loop_t* loop, int fd) {
  return uv__backend_check_fd(loop, fd);
}

int uv__platform_has_pending(const uv_loop_t* loop) {
  return !uv__queue_empty(&loop->priv.pending_queue) ||
         !uv__queue_empty(&loop->priv.ready_queue);
}

void uv__platform_run_pending(uv_loop_t* loop) {
  struct uv__queue todo;
  struct uv__queue* q;
  uv__io_t* w;

  uv__queue_move(&loop->priv.pending_queue, &todo);
  while (!uv__queue_empty(&todo)) {
    q = uv__queue_head(&todo);
    uv__queue_remove(q);
    w = uv__queue_data(q, uv__io_t, pending_queue);
    w->cb(loop, w, UV__POLLOUT);
  }
}

/* Tells the backend about every watcher whose interest changed. */
static void flush_changes(uv_loop_t* loop) {
  struct uv__queue* q;
  uv__io_t* w;
  int err;

  while (!uv__queue_empty(&loop->priv.watcher_queue)) {
    q = uv__queue_head(&loop->priv.watcher_queue);
    uv__queue_remove(q);
    w = uv__queue_data(q, uv__io_t, watcher_queue);
    if (w->pevents == 0)
      continue;
    if (w->events == UV__IO_ALWAYS) {
      uv__queue_insert_tail(&loop->priv.ready_queue, q);
      continue;
    }
    if (w->pevents == w->events)
      continue;
    if (w->events == 0) {
      /* A fresh registration gets a fresh tag; 0 is never used. */
      if (++loop->priv.io_gen == 0)
        ++loop->priv.io_gen;
      w->gen = loop->priv.io_gen;
    }
    err = uv__backend_watch(loop, w->fd, w->events != 0, w->events,
                            w->pevents, w->gen);
    if (err == 0) {
      w->events = w->pevents;
    } else if (err == UV_EPERM && w->events == 0) {
      w->events = UV__IO_ALWAYS;
      uv__queue_insert_tail(&loop->priv.ready_queue, q);
    }
  }
}

/* Runs the always-ready watchers once each.  Each goes back on the list
 * before its callback, which may stop or close it (taking it off). */
static void run_always_ready(uv_loop_t* loop) {
  struct uv__queue todo;
  struct uv__queue* q;
  uv__io_t* w;
  unsigned int e;

  uv__queue_move(&loop->priv.ready_queue, &todo);
  while (!uv__queue_empty(&todo)) {
    q = uv__queue_head(&todo);
    uv__queue_remove(q);
    uv__queue_insert_tail(&loop->priv.ready_queue, q);
    w = uv__queue_data(q, uv__io_t, watcher_queue);
    e = w->pevents & (UV__POLLIN | UV__POLLOUT);
    if (e != 0)
      w->cb(loop, w, e);
  }
}

static void dispatch(uv_loop_t* loop, const uv__fired_t* ev, int n) {
  uv__io_t* w;
  unsigned int e;
  int i;

  for (i = 0; i < n; i++) {
    w = NULL;
    if (ev[i].fd >= 0 && (unsigned int) ev[i].fd < loop->priv.nwatchers)
      w = loop->priv.watchers[ev[i].fd];
    if (w == NULL) {
      /* Registered, but nobody wants it any more (lazy stop). */
      uv__backend_forget(loop, ev[i].fd);
      continue;
    }
    if (w->gen != ev[i].tag)
      continue;  /* an earlier registration of a reused descriptor */
    if (w->pevents == 0) {
      /* Parked (lazy stop) and the kernel has news nobody wants: drop the
       * registration now, or a level-triggered event would return on
       * every poll; the next uv__io_start() registers afresh. */
      uv__backend_forget(loop, ev[i].fd);
      w->events = 0;
      loop->priv.watchers[ev[i].fd] = NULL;
      continue;
    }

    /* Errors and hang-ups are reported as readiness for what the watcher
     * waits on, so its read or write sees the error itself. */
    e = ev[i].events;
    if (e & (UV__POLLERR | UV__POLLHUP))
      e |= w->pevents & (UV__POLLIN | UV__POLLOUT | UV__POLLPRI |
                         UV__POLLRDHUP);
    e &= w->pevents | UV__POLLERR | UV__POLLHUP;
    if (e != 0)
      w->cb(loop, w, e);
  }
}

void uv__platform_poll(uv_loop_t* loop, int timeout) {
  uv__fired_t events[UV__MAX_EVENTS];
  uint64_t base;
  int user_timeout;
  int probing;
  int batches;
  int n;

  flush_changes(loop);
  if (!uv__queue_empty(&loop->priv.ready_queue)) {
    timeout = 0;
    run_always_ready(loop);
  }

  /* With idle-time metrics on, first look without blocking, so events
   * that were already waiting are not counted as idle time. */
  probing = 0;
  user_timeout = timeout;
  if ((loop->priv.flags & UV__LOOP_METRICS_IDLE) && timeout != 0) {
    probing = 1;
    timeout = 0;
  }

  base = loop->priv.time;
  batches = UV__MAX_FULL_BATCHES;
  for (;;) {
    if (uv__wakeup_before_wait(loop, timeout != 0)) {
      timeout = 0;
      probing = 0;
    }
    if (timeout != 0)
      uv__metrics_poll_enter(loop);
    n = uv__backend_wait(loop, events, UV__MAX_EVENTS, timeout);
    if (timeout != 0)
      uv__wakeup_after_wait(loop);
    uv__metrics_poll_leave(loop, n > 0 ? (unsigned int) n : 0, probing);
    /* Timers depend on this being fresh after a block. */
    uv__update_time(loop);

    if (n == UV_EINTR) {
      if (timeout == 0)
        return;
      if (timeout > 0 && !uv__poll_time_left(loop, &timeout, &base))
        return;
      continue;  /* -1: no limit */
    }
    if (n < 0)
      return;  /* only EBADF/EINVAL: the loop's own descriptor is gone */

    if (n == 0) {
      if (probing) {
        probing = 0;
        timeout = user_timeout;
        continue;
      }
      /* Wait out the rest if the loop clock says the time is not up:
       * otherwise the timer that set the timeout is not due yet, and
       * UV_RUN_ONCE would return having run nothing. */
      if (uv__poll_time_left(loop, &timeout, &base))
        continue;
      return;
    }

    dispatch(loop, events, n);

    /* A full batch means more may be waiting: take it now, without
     * blocking, a bounded number of times. */
    if (n == UV__MAX_EVENTS && --batches > 0) {
      timeout = 0;
      probing = 0;
      flush_changes(loop);
      continue;
    }
    return;
  }
}
