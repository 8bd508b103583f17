/* uvcore — idle, prepare and check handles.
 *
 * The three differ only in the loop phase that runs them, so one set of
 * functions serves all three, keyed by handle type.  A started handle sits
 * at the head of its phase's list; each phase iterates a moved copy of the
 * list so callbacks may start and stop handles, their own included.
 */
#include "internal.h"

typedef struct {
  UV_HANDLE_FIELDS
  struct uv__loop_watcher_priv priv;
} uv__loop_watcher_t;

static struct uv__queue* phase_list(uv_loop_t* loop, uv_handle_type type) {
  switch (type) {
    case UV_IDLE:
      return &loop->priv.idle_handles;
    case UV_PREPARE:
      return &loop->priv.prepare_handles;
    default:
      return &loop->priv.check_handles;
  }
}

static int watcher_init(uv_loop_t* loop, uv_handle_t* h, uv_handle_type t) {
  uv__loop_watcher_t* w;

  if (!uv__loop_usable(loop) || h == NULL)
    return UV_EINVAL;
  w = (uv__loop_watcher_t*) h;
  uv__handle_init(loop, h, t);
  w->priv.cb.idle = NULL;
  uv__queue_init(&w->priv.queue);
  return 0;
}

/* Returns 1 if the handle was already active: like libuv, starting it
 * again then changes nothing, not even the callback. */
static int watcher_start(uv_handle_t* h, uv_handle_type t, int has_cb) {
  uv__loop_watcher_t* w;

  if (h == NULL || h->type != t || !has_cb || uv__is_closing(h))
    return UV_EINVAL;
  w = (uv__loop_watcher_t*) h;
  if (uv__is_active(h))
    return 1;
  uv__queue_insert_head(phase_list(h->loop, t), &w->priv.queue);
  uv__handle_start(h);
  return 0;
}

static int watcher_stop(uv_handle_t* h, uv_handle_type t) {
  uv__loop_watcher_t* w;

  if (h == NULL || h->type != t)
    return UV_EINVAL;
  w = (uv__loop_watcher_t*) h;
  if (!uv__is_active(h))
    return 0;
  uv__queue_remove(&w->priv.queue);
  uv__handle_stop(h);
  return 0;
}

static void run_phase(uv_loop_t* loop, uv_handle_type type) {
  struct uv__queue* list;
  struct uv__queue todo;
  struct uv__queue* q;
  uv__loop_watcher_t* w;

  list = phase_list(loop, type);
  uv__queue_move(list, &todo);
  while (!uv__queue_empty(&todo)) {
    q = uv__queue_head(&todo);
    w = uv__queue_data(q, uv__loop_watcher_t, priv.queue);
    uv__queue_remove(q);
    uv__queue_insert_tail(list, q);
    switch (type) {
      case UV_IDLE:
        w->priv.cb.idle((uv_idle_t*) w);
        break;
      case UV_PREPARE:
        w->priv.cb.prepare((uv_prepare_t*) w);
        break;
      default:
        w->priv.cb.check((uv_check_t*) w);
        break;
    }
  }
}

void uv__loop_watcher_close(uv_handle_t* h) {
  watcher_stop(h, h->type);
}

int uv_idle_init(uv_loop_t* loop, uv_idle_t* idle) {
  return watcher_init(loop, (uv_handle_t*) idle, UV_IDLE);
}

int uv_idle_start(uv_idle_t* idle, uv_idle_cb cb) {
  int err;

  err = watcher_start((uv_handle_t*) idle, UV_IDLE, cb != NULL);
  if (err == 0)
    idle->priv.cb.idle = cb;
  return err < 0 ? err : 0;
}

int uv_idle_stop(uv_idle_t* idle) {
  return watcher_stop((uv_handle_t*) idle, UV_IDLE);
}

int uv_prepare_init(uv_loop_t* loop, uv_prepare_t* prepare) {
  return watcher_init(loop, (uv_handle_t*) prepare, UV_PREPARE);
}

int uv_prepare_start(uv_prepare_t* prepare, uv_prepare_cb cb) {
  int err;

  err = watcher_start((uv_handle_t*) prepare, UV_PREPARE, cb != NULL);
  if (err == 0)
    prepare->priv.cb.prepare = cb;
  return err < 0 ? err : 0;
}

int uv_prepare_stop(uv_prepare_t* prepare) {
  return watcher_stop((uv_handle_t*) prepare, UV_PREPARE);
}

int uv_check_init(uv_loop_t* loop, uv_check_t* check) {
  return watcher_init(loop, (uv_handle_t*) check, UV_CHECK);
}

int uv_check_start(uv_check_t* check, uv_check_cb cb) {
  int err;

  err = watcher_start((uv_handle_t*) check, UV_CHECK, cb != NULL);
  if (err == 0)
    check->priv.cb.check = cb;
  return err < 0 ? err : 0;
}

int uv_check_stop(uv_check_t* check) {
  return watcher_stop((uv_handle_t*) check, UV_CHECK);
}

void uv__run_idle(uv_loop_t* loop) {
  run_phase(loop, UV_IDLE);
}

void uv__run_prepare(uv_loop_t* loop) {
  run_phase(loop, UV_PREPARE);
}

void uv__run_check(uv_loop_t* loop) {
  run_phase(loop, UV_CHECK);
}
