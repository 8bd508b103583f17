/* uvcore — what every handle shares: closing, reference counting, walking,
 * introspection.  Closing is two-step: uv_close() stops the handle at once
 * and queues it; the close callback runs in the loop's closing phase, and
 * only then may the user release the memory. */
#include "internal.h"

#include <stdio.h>

/* Type-specific part of uv_close() for the portable handle types: 1 when
 * the handle may be queued for the closing phase now, 2 when the type
 * queues it itself later (uv__make_close_pending), 0 for other types. */
static int portable_close(uv_handle_t* h) {
  switch (h->type) {
    case UV_TIMER:
      uv__timer_close((uv_timer_t*) h);
      return 1;
    case UV_IDLE:
    case UV_PREPARE:
    case UV_CHECK:
      uv__loop_watcher_close(h);
      return 1;
    case UV_ASYNC:
      uv__async_close((uv_async_t*) h);
      return 1;
    case UV_FS_POLL:
      /* Waits for a stat() in flight before it may close. */
      return uv__fs_poll_close((uv_fs_poll_t*) h) ? 1 : 2;
    default:
      return 0;
  }
}

/* Queues a closing handle for the closing phase. */
void uv__make_close_pending(uv_handle_t* h) {
  uv_loop_t* loop;

  loop = h->loop;
  h->hpriv.next_closing = loop->priv.closing_handles;
  loop->priv.closing_handles = h;
}

void uv_close(uv_handle_t* handle, uv_close_cb close_cb) {
  int r;

  if (handle == NULL || uv__is_closing(handle))
    return;
  if (handle->type <= UV_UNKNOWN_HANDLE || handle->type >= UV_FILE)
    return;

  handle->flags |= UV__H_CLOSING;
  handle->hpriv.close_cb = close_cb;

  r = portable_close(handle);
  if (r == 0 && !uv__platform_close(handle))
    return;  /* not a handle type this build knows */
  if (r == 2)
    return;  /* deferred: the type queues it when it is ready */

  uv__make_close_pending(handle);
}

static void finish_close(uv_handle_t* h) {
  h->flags |= UV__H_CLOSED;
  if (h->type == UV_ASYNC)
    uv__async_finish_close((uv_async_t*) h);
  else
    uv__platform_finish_close(h);
  uv__handle_stop(h);
  uv__queue_remove(&h->hpriv.handle_queue);
  if (h->hpriv.close_cb != NULL)
    h->hpriv.close_cb(h);
}

void uv__close_internal_timer(uv_timer_t* h) {
  h->flags |= UV__H_CLOSING;
  h->hpriv.close_cb = NULL;
  uv__timer_close(h);
  finish_close((uv_handle_t*) h);
}

/* The list is detached first: close callbacks may close more handles,
 * which then wait for the next iteration. */
void uv__run_closing_handles(uv_loop_t* loop) {
  uv_handle_t* h;
  uv_handle_t* next;

  h = loop->priv.closing_handles;
  loop->priv.closing_handles = NULL;
  while (h != NULL) {
    next = h->hpriv.next_closing;
    h->hpriv.next_closing = NULL;
    finish_close(h);
    h = next;
  }
}

int uv_is_closing(const uv_handle_t* handle) {
  if (handle == NULL)
    return 0;
  return uv__is_closing(handle);
}

int uv_is_active(const uv_handle_t* handle) {
  if (handle == NULL)
    return 0;
  return uv__is_active(handle) && !uv__is_closing(handle);
}

void uv_ref(uv_handle_t* handle) {
  if (handle == NULL || (handle->flags & UV__H_REF))
    return;
  handle->flags |= UV__H_REF;
  if (handle->flags & UV__H_ACTIVE)
    handle->loop->active_handles++;
}

void uv_unref(uv_handle_t* handle) {
  if (handle == NULL || !(handle->flags & UV__H_REF))
    return;
  handle->flags &= ~UV__H_REF;
  if (handle->flags & UV__H_ACTIVE)
    handle->loop->active_handles--;
}

int uv_has_ref(const uv_handle_t* handle) {
  if (handle == NULL)
    return 0;
  return (handle->flags & UV__H_REF) != 0;
}

/* Walks a moved copy of the handle list, putting each handle back before
 * its callback runs, so the callback may close or create handles. */
void uv_walk(uv_loop_t* loop, uv_walk_cb walk_cb, void* arg) {
  struct uv__queue todo;
  struct uv__queue* q;
  uv_handle_t* h;

  if (!uv__loop_usable(loop) || walk_cb == NULL)
    return;

  uv__queue_move(&loop->priv.handle_queue, &todo);
  while (!uv__queue_empty(&todo)) {
    q = uv__queue_head(&todo);
    h = uv__queue_data(q, uv_handle_t, hpriv.handle_queue);
    uv__queue_remove(q);
    uv__queue_insert_tail(&loop->priv.handle_queue, q);
    if (!(h->flags & UV__H_INTERNAL))
      walk_cb(h, arg);
  }
}

size_t uv_handle_size(uv_handle_type type) {
  switch (type) {
#define XX(uc, lc) case UV_ ## uc: return sizeof(uv_ ## lc ## _t);
    UV_HANDLE_TYPE_MAP(XX)
#undef XX
    default:
      return (size_t) -1;
  }
}

const char* uv_handle_type_name(uv_handle_type type) {
  switch (type) {
#define XX(uc, lc) case UV_ ## uc: return #lc;
    UV_HANDLE_TYPE_MAP(XX)
#undef XX
    case UV_FILE:
      return "file";
    default:
      return NULL;
  }
}

uv_handle_type uv_handle_get_type(const uv_handle_t* handle) {
  if (handle == NULL)
    return UV_UNKNOWN_HANDLE;
  return handle->type;
}

void* uv_handle_get_data(const uv_handle_t* handle) {
  if (handle == NULL)
    return NULL;
  return handle->data;
}

uv_loop_t* uv_handle_get_loop(const uv_handle_t* handle) {
  if (handle == NULL)
    return NULL;
  return handle->loop;
}

void uv_handle_set_data(uv_handle_t* handle, void* data) {
  if (handle != NULL)
    handle->data = data;
}

/* One line per handle: [R A I] flags (referenced, active, internal), the
 * type name and the address — the format libuv prints. */
static void print_handles(uv_loop_t* loop, int only_active, FILE* stream) {
  struct uv__queue* q;
  uv_handle_t* h;
  const char* name;

  if (loop == NULL)
    loop = uv_default_loop();
  if (!uv__loop_usable(loop))
    return;
  if (stream == NULL)
    stream = stderr;

  uv__queue_foreach(q, &loop->priv.handle_queue) {
    h = uv__queue_data(q, uv_handle_t, hpriv.handle_queue);
    if (only_active && !uv__is_active(h))
      continue;
    name = uv_handle_type_name(h->type);
    fprintf(stream, "[%c%c%c] %-8s %p\n",
            "R-"[!(h->flags & UV__H_REF)],
            "A-"[!(h->flags & UV__H_ACTIVE)],
            "I-"[!(h->flags & UV__H_INTERNAL)],
            name != NULL ? name : "unknown",
            (void*) h);
  }
}

void uv_print_all_handles(uv_loop_t* loop, FILE* stream) {
  print_handles(loop, 0, stream);
}

void uv_print_active_handles(uv_loop_t* loop, FILE* stream) {
  print_handles(loop, 1, stream);
}
