/* uvcore — timers.
 *
 * Active timers sit in a pairing heap ordered by (due, start sequence), so
 * timers with the same deadline fire in the order they were started.  Each
 * pass first moves every due timer to a local "ready" list and only then
 * runs callbacks: a callback that restarts its timer with a zero timeout
 * cannot make it fire twice in one pass, and stopping a ready timer from
 * another callback takes it off the list.
 */
#include "internal.h"

#include <limits.h>

/* The timer sits on a pass's ready list, not in the heap (the two share
 * their links in the handle). */
#define UV__TIMER_READY 0x100

static int timer_less(const struct uv__heap_node* a,
                      const struct uv__heap_node* b) {
  const uv_timer_t* ta;
  const uv_timer_t* tb;

  ta = uv__container_of(a, uv_timer_t, priv.link.node);
  tb = uv__container_of(b, uv_timer_t, priv.link.node);
  if (ta->priv.due != tb->priv.due)
    return ta->priv.due < tb->priv.due;
  return ta->priv.start_seq < tb->priv.start_seq;
}

static int is_ready(const uv_timer_t* t) {
  return (t->flags & UV__TIMER_READY) != 0;
}

int uv_timer_init(uv_loop_t* loop, uv_timer_t* handle) {
  if (!uv__loop_usable(loop) || handle == NULL)
    return UV_EINVAL;
  uv__handle_init(loop, (uv_handle_t*) handle, UV_TIMER);
  handle->priv.cb = NULL;
  handle->priv.due = 0;
  handle->priv.repeat = 0;
  handle->priv.start_seq = 0;
  return 0;
}

int uv_timer_stop(uv_timer_t* handle) {
  if (handle == NULL || handle->type != UV_TIMER)
    return UV_EINVAL;
  if (!uv__is_active((uv_handle_t*) handle))
    return 0;

  if (is_ready(handle)) {
    uv__queue_remove(&handle->priv.link.ready);
    handle->flags &= ~UV__TIMER_READY;
  } else {
    uv__heap_remove(&handle->loop->priv.timer_heap, &handle->priv.link.node,
                    timer_less);
  }
  uv__handle_stop((uv_handle_t*) handle);
  return 0;
}

int uv_timer_start(uv_timer_t* handle, uv_timer_cb cb, uint64_t timeout,
                   uint64_t repeat) {
  uv_loop_t* loop;
  uint64_t due;

  if (handle == NULL || handle->type != UV_TIMER || cb == NULL ||
      uv__is_closing((uv_handle_t*) handle))
    return UV_EINVAL;

  loop = handle->loop;
  due = loop->priv.time + timeout;
  if (due < timeout)
    due = UINT64_MAX;  /* saturate instead of wrapping into the past */

  /* Re-arming a running timer later, as an idle timeout is on every read:
   * a node without children may take a larger key where it stands, since
   * the heap only asks that no node be smaller than its parent (and the
   * new start sequence is larger too).  No heap surgery then. */
  if (uv__is_active((uv_handle_t*) handle) && !is_ready(handle) &&
      handle->priv.link.node.child == NULL && due >= handle->priv.due) {
    handle->priv.cb = cb;
    handle->priv.due = due;
    handle->priv.repeat = repeat;
    handle->priv.start_seq = loop->priv.timer_seq++;
    return 0;
  }

  uv_timer_stop(handle);

  handle->priv.cb = cb;
  handle->priv.due = due;
  handle->priv.repeat = repeat;
  handle->priv.start_seq = loop->priv.timer_seq++;
  uv__heap_insert(&loop->priv.timer_heap, &handle->priv.link.node, timer_less);
  uv__handle_start((uv_handle_t*) handle);
  return 0;
}

int uv_timer_again(uv_timer_t* handle) {
  if (handle == NULL || handle->type != UV_TIMER || handle->priv.cb == NULL)
    return UV_EINVAL;
  if (handle->priv.repeat != 0) {
    uv_timer_stop(handle);
    return uv_timer_start(handle, handle->priv.cb, handle->priv.repeat,
                          handle->priv.repeat);
  }
  return 0;
}

/* The accessors check the type too: a handle of a smaller type would be
 * written or read beyond its end. */
void uv_timer_set_repeat(uv_timer_t* handle, uint64_t repeat) {
  if (handle != NULL && handle->type == UV_TIMER)
    handle->priv.repeat = repeat;
}

uint64_t uv_timer_get_repeat(const uv_timer_t* handle) {
  if (handle == NULL || handle->type != UV_TIMER)
    return 0;
  return handle->priv.repeat;
}

uint64_t uv_timer_get_due_in(const uv_timer_t* handle) {
  uint64_t now;

  /* A stopped timer still answers for its last deadline, as libuv's does
   * (luv and other bindings show the value). */
  if (handle == NULL || handle->type != UV_TIMER)
    return 0;
  now = handle->loop->priv.time;
  if (handle->priv.due <= now)
    return 0;
  return handle->priv.due - now;
}

int uv__next_timeout(const uv_loop_t* loop) {
  const uv_timer_t* t;
  uint64_t diff;

  if (loop->priv.timer_heap == NULL)
    return -1;
  t = uv__container_of(loop->priv.timer_heap, uv_timer_t, priv.link.node);
  if (t->priv.due <= loop->priv.time)
    return 0;
  diff = t->priv.due - loop->priv.time;
  if (diff > INT_MAX)
    diff = INT_MAX;
  return (int) diff;
}

void uv__run_timers(uv_loop_t* loop) {
  struct uv__queue ready;
  struct uv__queue* q;
  struct uv__heap_node* n;
  uv_timer_t* t;

  uv__queue_init(&ready);
  for (;;) {
    n = uv__heap_min(loop->priv.timer_heap);
    if (n == NULL)
      break;
    t = uv__container_of(n, uv_timer_t, priv.link.node);
    if (t->priv.due > loop->priv.time)
      break;
    uv__heap_remove(&loop->priv.timer_heap, n, timer_less);
    uv__queue_insert_tail(&ready, &t->priv.link.ready);
    t->flags |= UV__TIMER_READY;
  }

  while (!uv__queue_empty(&ready)) {
    q = uv__queue_head(&ready);
    t = uv__queue_data(q, uv_timer_t, priv.link.ready);
    uv__queue_remove(q);
    t->flags &= ~UV__TIMER_READY;
    /* Re-arm (repeat) or stop before the callback, which may do either. */
    uv__handle_stop((uv_handle_t*) t);
    if (t->priv.repeat != 0)
      uv_timer_start(t, t->priv.cb, t->priv.repeat, t->priv.repeat);
    t->priv.cb(t);
  }
}

void uv__timer_close(uv_timer_t* h) {
  uv_timer_stop(h);
}
