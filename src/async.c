/* uvcore — async handles: the one handle other threads may poke.
 *
 * priv.state packs a "pending" bit (bit 0) and a count of senders currently
 * inside uv_async_send (the other bits).  A sender raises the count before
 * touching the loop and lowers it after, so uv_close() can wait for senders
 * in flight and the handle's memory is never written after its close
 * callback — the use-after-free that racing send/close causes otherwise.
 * Sends coalesce: while pending, further sends are no-ops.  Everything here
 * is async-signal-safe.
 */
#include "internal.h"
#include "atomic.h"


#define ASYNC_PENDING 1
#define ASYNC_SENDER 2

#if defined(__GNUC__) || defined(__clang__)
# define ASYNC_NOINLINE __attribute__((noinline))
#else
# define ASYNC_NOINLINE
#endif

int uv_async_init(uv_loop_t* loop, uv_async_t* async, uv_async_cb async_cb) {
  if (!uv__loop_usable(loop) || async == NULL)
    return UV_EINVAL;
  uv__handle_init(loop, (uv_handle_t*) async, UV_ASYNC);
  async->priv.cb = async_cb;
  async->priv.state = 0;
  uv__queue_insert_tail(&loop->priv.async_handles, &async->priv.queue);
  uv__handle_start((uv_handle_t*) async);
  return 0;
}

/* Kept out of line so that the common case below, a send to a handle
 * already pending, needs no stack frame or saved register. */
static ASYNC_NOINLINE void async_send_slow(uv_async_t* async) {
  int old;

  uv__atomic_fetch_add(&async->priv.state, ASYNC_SENDER);
  old = uv__atomic_fetch_or(&async->priv.state, ASYNC_PENDING);
  if (!(old & ASYNC_PENDING))
    uv__platform_wakeup(async->loop);
  uv__atomic_fetch_add(&async->priv.state, -ASYNC_SENDER);
}

int uv_async_send(uv_async_t* async) {
  if (async == NULL || async->type != UV_ASYNC)
    return UV_EINVAL;

  /* Cheap check first: a pending handle needs nothing more. */
  if (!(uv__atomic_load_relaxed(&async->priv.state) & ASYNC_PENDING))
    async_send_slow(async);
  return 0;
}

int uv__async_dispatch(uv_loop_t* loop) {
  struct uv__queue todo;
  struct uv__queue* q;
  uv_async_t* h;
  int calls;
  int old;

  calls = 0;
  uv__queue_move(&loop->priv.async_handles, &todo);
  while (!uv__queue_empty(&todo)) {
    q = uv__queue_head(&todo);
    h = uv__queue_data(q, uv_async_t, priv.queue);
    uv__queue_remove(q);
    uv__queue_insert_tail(&loop->priv.async_handles, q);

    old = uv__atomic_fetch_and(&h->priv.state, ~ASYNC_PENDING);
    if (!(old & ASYNC_PENDING))
      continue;
    if (h->priv.cb != NULL && !uv__is_closing((uv_handle_t*) h)) {
      h->priv.cb(h);
      calls++;
    }
  }
  return calls;
}

/* Senders finish within a few instructions, so this never waits long. */
static void wait_for_senders(uv_async_t* h) {
  while (uv__atomic_load(&h->priv.state) >= ASYNC_SENDER)
    uv__thread_yield();
}

void uv__async_close(uv_async_t* h) {
  wait_for_senders(h);
  uv__queue_remove(&h->priv.queue);
  uv__handle_stop((uv_handle_t*) h);
}

/* Waiting again just before the close callback covers a sender that entered
 * uv_async_send after uv_close: once the callback runs, the user may free
 * the handle, and no sender may still be touching it. */
void uv__async_finish_close(uv_async_t* h) {
  wait_for_senders(h);
}
