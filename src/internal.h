/* uvcore — internal declarations shared by the portable core and every
 * platform: handle and request bookkeeping, the allocator, and the entry
 * points of the portable subsystems.  The contract with the platform layer
 * is in platform.h.
 */
#ifndef UV_SRC_INTERNAL_H
#define UV_SRC_INTERNAL_H

#include "uv.h"
#include "queue.h"
#include "heap.h"
#include "platform.h"

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#define uv__container_of(ptr, type, member) \
  ((type*) ((char*) (ptr) - offsetof(type, member)))

#define UV__ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Handle state bits (flags).  Bits from 0x100 up belong to the
 * individual handle types and are defined next to their code. */
enum {
  UV__H_CLOSING = 0x01,   /* uv_close() called */
  UV__H_CLOSED = 0x02,    /* close callback about to run / ran */
  UV__H_ACTIVE = 0x04,
  UV__H_REF = 0x08,
  UV__H_INTERNAL = 0x10,  /* owned by the library, hidden from uv_walk */
  UV__H_TYPE_SHIFT = 8
};

/* Loop state bits (loop->priv.flags). */
enum {
  UV__LOOP_BLOCK_SIGPROF = 0x01,
  UV__LOOP_METRICS_IDLE = 0x02,
  UV__LOOP_POLL_WAITING = 0x04    /* the last poll's events were waiting */
};

/* ---- allocator (allocator.c) ------------------------------------------ */
void* uv__malloc(size_t size);
void* uv__calloc(size_t count, size_t size);
void* uv__realloc(void* ptr, size_t size);
void* uv__reallocf(void* ptr, size_t size);  /* frees ptr on failure */
void uv__free(void* ptr);
char* uv__strdup(const char* s);
char* uv__strndup(const char* s, size_t n);

/* ---- handles ----------------------------------------------------------- */
static inline void uv__handle_init(uv_loop_t* loop, uv_handle_t* h,
                                   uv_handle_type type) {
  h->loop = loop;
  h->type = type;
  h->uv__state = 0;
  h->flags = UV__H_REF;
  h->hpriv.close_cb = NULL;
  h->hpriv.next_closing = NULL;
  uv__queue_insert_tail(&loop->priv.handle_queue, &h->hpriv.handle_queue);
}

static inline int uv__is_active(const uv_handle_t* h) {
  return (h->flags & UV__H_ACTIVE) != 0;
}

static inline int uv__is_closing(const uv_handle_t* h) {
  return (h->flags & (UV__H_CLOSING | UV__H_CLOSED)) != 0;
}

/* Marks a handle active; an active referenced handle keeps the loop alive. */
static inline void uv__handle_start(uv_handle_t* h) {
  if (h->flags & UV__H_ACTIVE)
    return;
  h->flags |= UV__H_ACTIVE;
  if (h->flags & UV__H_REF)
    h->loop->active_handles++;
}

static inline void uv__handle_stop(uv_handle_t* h) {
  if (!(h->flags & UV__H_ACTIVE))
    return;
  h->flags &= ~UV__H_ACTIVE;
  if (h->flags & UV__H_REF)
    h->loop->active_handles--;
}

static inline void uv__req_register(uv_loop_t* loop) {
  loop->active_reqs.count++;
}

static inline void uv__req_unregister(uv_loop_t* loop) {
  assert(loop->active_reqs.count > 0);
  loop->active_reqs.count--;
}

static inline void uv__req_init(uv_loop_t* loop, uv_req_t* req,
                                uv_req_type type) {
  req->type = type;
  uv__req_register(loop);
}

/* A request submitted again while in flight would be linked into a second
 * queue, corrupting both; libuv does not check.  uvcore refuses it
 * (UV_EINVAL) where it can tell without reading the request's own memory,
 * which may be uninitialised (valgrind and MSan would flag any such
 * read): by comparing its address with what the handle or the pool holds
 * (the ends of a handle's queues, its connect or shutdown request, the
 * work item this thread submitted last and has not seen finish). */

int uv__loop_alive(const uv_loop_t* loop);

/* Refreshes the loop's cached time (ms); the coarse clock is enough. */
static inline void uv__update_time(uv_loop_t* loop) {
  loop->priv.time = uv__hrtime_ns(1) / 1000000;
}

/* uv_loop_close() zeroes the loop, and a zeroed handle list is not a valid
 * (self-linked) list: that is how a closed or never initialised loop is
 * told apart, so that closing twice or running a closed loop is reported
 * instead of following null links. */
static inline int uv__loop_usable(const uv_loop_t* loop) {
  return loop != NULL && loop->priv.handle_queue.next != NULL;
}

/* For the poll phase, after a wait that ended with nothing to run (timed
 * out, or interrupted) and a uv__update_time(): the loop clock can be
 * coarser than the kernel's, and waits can end early, so when the clock
 * shows less than *timeout ms passed since *base, *timeout becomes what is
 * left, *base the current time, and the result is 1: wait again.
 * Otherwise the timer that set the timeout may run now.  0 for a timeout
 * that is not positive. */
static inline int uv__poll_time_left(const uv_loop_t* loop, int* timeout,
                                     uint64_t* base) {
  uint64_t elapsed;

  if (*timeout <= 0)
    return 0;
  elapsed = loop->priv.time - *base;
  if (elapsed >= (uint64_t) *timeout)
    return 0;
  *timeout -= (int) elapsed;
  *base = loop->priv.time;
  return 1;
}

void uv__run_closing_handles(uv_loop_t* loop);
/* Queues a handle whose uv_close() was deferred for the closing phase. */
void uv__make_close_pending(uv_handle_t* h);
/* Closes a library-owned timer at once, with no callback, so the handle
 * that owns it need not wait a loop iteration for its close. */
void uv__close_internal_timer(uv_timer_t* h);

/* ---- portable subsystems ---------------------------------------------- */
void uv__run_timers(uv_loop_t* loop);
int uv__next_timeout(const uv_loop_t* loop);
void uv__timer_close(uv_timer_t* h);

void uv__run_idle(uv_loop_t* loop);
void uv__run_prepare(uv_loop_t* loop);
void uv__run_check(uv_loop_t* loop);
void uv__loop_watcher_close(uv_handle_t* h);

/* Returns 0 when the close must wait (a stat in flight); fs-poll.c then
 * calls uv__make_close_pending() itself. */
int uv__fs_poll_close(uv_fs_poll_t* h);

void uv__async_close(uv_async_t* h);
void uv__async_finish_close(uv_async_t* h);
/* Runs the callbacks of every async handle that was sent to; returns how
 * many ran.  watch: mark those handles watched, a promise the caller keeps
 * by calling uv__async_pending before each wait and uv__async_unwatch
 * before the first wait it does not look (1 then: one was sent to).
 * uv__async_pending adds the number of handles it looked at to *looked. */
int uv__async_dispatch(uv_loop_t* loop, int watch);
int uv__async_pending(uv_loop_t* loop, unsigned int* looked);
int uv__async_unwatch(uv_loop_t* loop);

/* ---- thread pool (threadpool.c) --------------------------------------- */
enum uv__work_kind {
  UV__WORK_CPU,        /* user work */
  UV__WORK_FAST_IO,    /* filesystem */
  UV__WORK_SLOW_IO     /* DNS: may block for seconds; never fills the pool */
};

/* Runs w->work on a pool thread, then w->done on the loop thread with
 * status 0, or UV_ECANCELED when cancelled before it started. */
void uv__work_submit(uv_loop_t* loop, struct uv__work* w,
                     enum uv__work_kind kind,
                     void (*work)(struct uv__work* w),
                     void (*done)(struct uv__work* w, int status));
/* Nonzero when w is the item this thread submitted last and whose done
 * callback has not run yet: resubmitting it, or using its request for
 * anything else, is refused. */
int uv__work_in_flight(const struct uv__work* w);
/* Called on the loop thread when the pool signalled completions. */
void uv__work_done(uv_loop_t* loop);
/* Stops the pool threads; uv_library_shutdown() and fork use it. */
void uv__threadpool_cleanup(void);

/* ---- metrics (metrics.c) ---------------------------------------------- */
void uv__metrics_poll_enter(uv_loop_t* loop);
void uv__metrics_poll_leave(uv_loop_t* loop, unsigned int nevents,
                            int was_waiting);
/* Events beyond the one the poll counted, from the same wake-up (each
 * completed thread-pool request is an event, as in libuv). */
void uv__metrics_more_events(uv_loop_t* loop, unsigned int n);

#endif /* UV_SRC_INTERNAL_H */
