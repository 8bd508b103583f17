/* uvcore — async handles: the one handle other threads may poke.
 *
 * uv__state (every handle has one, next to its type) packs a "pending"
 * bit, a "watched" bit and a count of senders currently inside
 * uv_async_send (the bits above).  A sender that has to
 * wake the loop raises the count before touching the loop and lowers it
 * after, so uv_close() can wait for senders in flight and neither the
 * handle nor the loop is touched after the close callback — the
 * use-after-free that racing send/close causes otherwise.  Sends coalesce:
 * while pending, further sends are no-ops.
 *
 * "Watched" is the loop's promise to look at this handle before it next
 * waits (set when its callback runs, on platforms whose poller looks; see
 * src/unix/loop.c).  A sender that finds it needs nothing but the one
 * compare-and-swap: a thread flooding the handle then shares only the
 * handle's line with the loop, no wake-up word, no count.  The loop takes
 * the promise back with a read-modify-write on the same word, so each
 * sender sees either the promise or its end.  Everything here is
 * async-signal-safe.
 */
#include "internal.h"
#include "atomic.h"


#define ASYNC_PENDING 1
#define ASYNC_WATCHED 2
#define ASYNC_SENDER 4

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
  uv__queue_insert_tail(&loop->priv.async_handles, &async->priv.queue);
  uv__handle_start((uv_handle_t*) async);
  return 0;
}

/* Kept out of line so that the common case below, a send to a handle
 * already pending, needs no stack frame or saved register.  One
 * compare-and-swap raises the pending bit (and the count, when the loop
 * must be woken): under a flood the handle's line has just been taken by
 * the loop, and each further locked instruction on it can find it gone
 * again. */
static ASYNC_NOINLINE void async_send_slow(uv_async_t* async, int old) {
  int new;

  do {
    if (old & ASYNC_PENDING)
      return;
    new = old | ASYNC_PENDING;
    if (!(old & ASYNC_WATCHED))
      new += ASYNC_SENDER;
  } while (!uv__atomic_cas(&async->uv__state, &old, new));
  if (old & ASYNC_WATCHED)
    return;
  uv__platform_wakeup(async->loop);
  uv__atomic_fetch_add(&async->uv__state, -ASYNC_SENDER);
}

/* The word is read before the type is checked: every handle has it (0
 * but in async handles), so a handle of another type gets its UV_EINVAL
 * just after, and a flooded one is answered from one load. */
int uv_async_send(uv_async_t* async) {
  int old;

  if (async == NULL)
    return UV_EINVAL;
  old = uv__atomic_load_relaxed(&async->uv__state);
  if (old & ASYNC_PENDING)
    return 0;
  if (async->type != UV_ASYNC)
    return UV_EINVAL;
  async_send_slow(async, old);
  return 0;
}

/* The list is walked in place, the next stop kept in the loop (a callback
 * may close any handle; uv__async_close moves the stop past it): handles
 * that were not sent to are only read, so their lines stay with the
 * threads that send to them.  Only the loop clears pending or touches
 * watched, so a handle seen pending stays so until the exchange below. */
int uv__async_dispatch(uv_loop_t* loop, int watch) {
  struct uv__queue* head;
  struct uv__queue* q;
  uv_async_t* h;
  int calls;
  int old;
  int s;

  calls = 0;
  head = &loop->priv.async_handles;
  for (q = uv__queue_next(head); q != head; q = loop->priv.async_next) {
    loop->priv.async_next = uv__queue_next(q);
    h = uv__queue_data(q, uv_async_t, priv.queue);
    s = uv__atomic_load_relaxed(&h->uv__state);
    if (!(s & ASYNC_PENDING))
      continue;
    if (h->priv.cb == NULL || uv__is_closing((uv_handle_t*) h)) {
      uv__atomic_fetch_and(&h->uv__state, ~ASYNC_PENDING);
      continue;
    }
    if (watch && !(s & ASYNC_WATCHED))
      old = uv__atomic_fetch_add(&h->uv__state,
                                 ASYNC_WATCHED - ASYNC_PENDING);
    else
      old = uv__atomic_fetch_and(&h->uv__state, ~ASYNC_PENDING);
    if (old & ASYNC_PENDING) {
      h->priv.cb(h);
      calls++;
    }
  }
  loop->priv.async_next = NULL;
  return calls;
}

/* A plain look: enough for the loop watching its handles, as a missed
 * change is seen by uv__async_unwatch's exchange. */
int uv__async_pending(uv_loop_t* loop, unsigned int* looked) {
  struct uv__queue* head;
  struct uv__queue* q;
  uv_async_t* h;

  head = &loop->priv.async_handles;
  for (q = uv__queue_next(head); q != head; q = uv__queue_next(q)) {
    ++*looked;
    h = uv__queue_data(q, uv_async_t, priv.queue);
    if (uv__atomic_load_relaxed(&h->uv__state) & ASYNC_PENDING)
      return 1;
  }
  return 0;
}

int uv__async_unwatch(uv_loop_t* loop) {
  struct uv__queue* head;
  struct uv__queue* q;
  uv_async_t* h;
  int found;
  int old;

  found = 0;
  head = &loop->priv.async_handles;
  for (q = uv__queue_next(head); q != head; q = uv__queue_next(q)) {
    h = uv__queue_data(q, uv_async_t, priv.queue);
    if (!(uv__atomic_load_relaxed(&h->uv__state) & ASYNC_WATCHED))
      continue;
    old = uv__atomic_fetch_and(&h->uv__state, ~ASYNC_WATCHED);
    if (old & ASYNC_PENDING)
      found = 1;
  }
  return found;
}

/* Senders finish within a few instructions, so this never waits long. */
static void wait_for_senders(uv_async_t* h) {
  while (uv__atomic_load(&h->uv__state) >= ASYNC_SENDER)
    uv__thread_yield();
}

void uv__async_close(uv_async_t* h) {
  wait_for_senders(h);
  if (h->loop->priv.async_next == &h->priv.queue)
    h->loop->priv.async_next = uv__queue_next(&h->priv.queue);
  uv__queue_remove(&h->priv.queue);
  uv__handle_stop((uv_handle_t*) h);
}

/* Waiting again just before the close callback covers a sender that entered
 * uv_async_send after uv_close: once the callback runs, the user may free
 * the handle, and no sender may still be touching it. */
void uv__async_finish_close(uv_async_t* h) {
  wait_for_senders(h);
}
