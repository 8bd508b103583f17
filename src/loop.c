/* uvcore — the loop: initialisation, teardown and uv_run's phases.
 *
 * One iteration runs, in order: due timers, pending callbacks, idle,
 * prepare, poll for I/O (blocking at most until the next timer), check,
 * closing handles.  The platform supplies the poll and pending phases
 * (platform.h); everything else lives in the portable core.
 */
#include "internal.h"
#include "atomic.h"

#include <stdarg.h>
#include <string.h>

static uv_loop_t default_loop_struct;
static uv_loop_t* default_loop_ptr;

int uv_loop_init(uv_loop_t* loop) {
  void* saved_data;
  int err;

  if (loop == NULL)
    return UV_EINVAL;

  saved_data = loop->data;
  memset(loop, 0, sizeof(*loop));
  loop->data = saved_data;

  uv__queue_init(&loop->priv.handle_queue);
  uv__queue_init(&loop->priv.idle_handles);
  uv__queue_init(&loop->priv.prepare_handles);
  uv__queue_init(&loop->priv.check_handles);
  uv__queue_init(&loop->priv.async_handles);
  uv__queue_init(&loop->priv.wq);
  loop->priv.timer_heap = NULL;
  loop->priv.closing_handles = NULL;

  err = uv_mutex_init(&loop->priv.wq_mutex);
  if (err)
    return err;
  err = uv_mutex_init(&loop->priv.metrics_mutex);
  if (err)
    goto fail_metrics;

  uv__update_time(loop);
  err = uv__platform_loop_init(loop);
  if (err)
    goto fail_platform;
  return 0;

fail_platform:
  uv_mutex_destroy(&loop->priv.metrics_mutex);
fail_metrics:
  uv_mutex_destroy(&loop->priv.wq_mutex);
  return err;
}

int uv_loop_close(uv_loop_t* loop) {
  struct uv__queue* q;
  uv_handle_t* h;
  void* saved_data;

  if (!uv__loop_usable(loop))
    return UV_EINVAL;
  if (loop->active_reqs.count != 0)
    return UV_EBUSY;
  uv__queue_foreach(q, &loop->priv.handle_queue) {
    h = uv__queue_data(q, uv_handle_t, hpriv.handle_queue);
    if (!(h->flags & UV__H_INTERNAL))
      return UV_EBUSY;
  }

  uv__platform_loop_close(loop);
  uv_mutex_destroy(&loop->priv.metrics_mutex);
  uv_mutex_destroy(&loop->priv.wq_mutex);

  /* Leave a recognisably dead loop behind, keeping the user's data. */
  saved_data = loop->data;
  memset(loop, 0, sizeof(*loop));
  loop->data = saved_data;
  if (loop == default_loop_ptr)
    default_loop_ptr = NULL;
  return 0;
}

uv_loop_t* uv_default_loop(void) {
  if (default_loop_ptr != NULL)
    return default_loop_ptr;
  if (uv_loop_init(&default_loop_struct))
    return NULL;
  default_loop_ptr = &default_loop_struct;
  return default_loop_ptr;
}

uv_loop_t* uv_loop_new(void) {
  uv_loop_t* loop;

  loop = uv__malloc(sizeof(*loop));
  if (loop == NULL)
    return NULL;
  loop->data = NULL;
  if (uv_loop_init(loop)) {
    uv__free(loop);
    return NULL;
  }
  return loop;
}

void uv_loop_delete(uv_loop_t* loop) {
  if (loop == NULL)
    return;
  if (uv_loop_close(loop) != 0)
    return;  /* still busy: freeing it would leave handles dangling */
  if (loop != &default_loop_struct)
    uv__free(loop);
}

size_t uv_loop_size(void) {
  return sizeof(uv_loop_t);
}

void* uv_loop_get_data(const uv_loop_t* loop) {
  if (loop == NULL)
    return NULL;
  return loop->data;
}

void uv_loop_set_data(uv_loop_t* loop, void* data) {
  if (loop != NULL)
    loop->data = data;
}

int uv_loop_configure(uv_loop_t* loop, uv_loop_option option, ...) {
  va_list ap;
  int arg;

  if (!uv__loop_usable(loop))
    return UV_EINVAL;

  switch (option) {
    case UV_METRICS_IDLE_TIME:
      loop->priv.flags |= UV__LOOP_METRICS_IDLE;
      return 0;
    case UV_LOOP_BLOCK_SIGNAL:
      va_start(ap, option);
      arg = va_arg(ap, int);
      va_end(ap);
      return uv__platform_loop_configure(loop, option, arg);
    default:
      return uv__platform_loop_configure(loop, option, 0);
  }
}

int uv_loop_fork(uv_loop_t* loop) {
  if (!uv__loop_usable(loop))
    return UV_EINVAL;
  return uv__platform_loop_fork(loop);
}

int uv__loop_alive(const uv_loop_t* loop) {
  return loop->active_handles > 0 ||
         loop->active_reqs.count > 0 ||
         loop->priv.closing_handles != NULL ||
         uv__platform_has_pending(loop);
}

int uv_loop_alive(const uv_loop_t* loop) {
  if (!uv__loop_usable(loop))
    return 0;
  return uv__loop_alive(loop);
}

void uv_stop(uv_loop_t* loop) {
  if (loop != NULL)
    loop->stop_flag = 1;
}

uint64_t uv_now(const uv_loop_t* loop) {
  if (loop == NULL)
    return 0;
  return loop->priv.time;
}

void uv_update_time(uv_loop_t* loop) {
  if (loop != NULL)
    uv__update_time(loop);
}

/* How long the poll phase may block. */
static int poll_timeout(const uv_loop_t* loop) {
  if (loop->stop_flag)
    return 0;
  if (loop->active_handles == 0 && loop->active_reqs.count == 0)
    return 0;
  if (!uv__queue_empty(&loop->priv.idle_handles))
    return 0;
  if (uv__platform_has_pending(loop))
    return 0;
  if (loop->priv.closing_handles != NULL)
    return 0;
  return uv__next_timeout(loop);
}

/* For embedders, who wait on uv_backend_fd() themselves: the kernel object
 * only learns about new interest when the loop runs, so until then they
 * must not block.  uv_run() itself applies the changes before it waits and
 * uses poll_timeout(). */
int uv_backend_timeout(const uv_loop_t* loop) {
  /* 0 rather than -1 for no loop: an embedder must not block forever. */
  if (!uv__loop_usable(loop))
    return 0;
  if (uv__platform_backend_stale(loop))
    return 0;
  return poll_timeout(loop);
}

/* Callbacks that complete immediately (a write that finished at once)
 * queue pending work; running a few rounds right after the poll keeps their
 * latency low, and the bound keeps one busy stream from starving the rest. */
#define UV__PENDING_ROUNDS 8

static int run_alive(uv_loop_t* loop, uv_run_mode mode);

/* A loop with nothing to do returns at once (embedders poll with
 * UV_RUN_NOWAIT): no turn, so nothing for uv__platform_run_end either. */
int uv_run(uv_loop_t* loop, uv_run_mode mode) {
  if (!uv__loop_usable(loop))
    return UV_EINVAL;
  if (uv__loop_alive(loop))
    return run_alive(loop, mode);
  uv__update_time(loop);
  loop->stop_flag = 0;
  return 0;
}

#if defined(__GNUC__) || defined(__clang__)
__attribute__((noinline))
#endif
static int run_alive(uv_loop_t* loop, uv_run_mode mode) {
  int alive;
  int can_sleep;
  int timeout;
  int i;

  alive = 1;
  /* In default mode timers that are already due run before the first
   * poll, as libuv users expect. */
  if (mode == UV_RUN_DEFAULT && !loop->stop_flag) {
    uv__update_time(loop);
    uv__run_timers(loop);
  }

  while (alive && !loop->stop_flag) {
    can_sleep = !uv__platform_has_pending(loop) &&
                uv__queue_empty(&loop->priv.idle_handles);

    uv__platform_run_pending(loop);
    uv__run_idle(loop);
    uv__run_prepare(loop);

    timeout = 0;
    if ((mode == UV_RUN_ONCE && can_sleep) || mode == UV_RUN_DEFAULT)
      timeout = poll_timeout(loop);

    loop->priv.loop_count++;
    uv__platform_poll(loop, timeout);

    for (i = 0; i < UV__PENDING_ROUNDS && uv__platform_has_pending(loop); i++)
      uv__platform_run_pending(loop);

    uv__run_check(loop);
    uv__run_closing_handles(loop);

    uv__update_time(loop);
    uv__run_timers(loop);

    alive = uv__loop_alive(loop);
    if (mode == UV_RUN_ONCE || mode == UV_RUN_NOWAIT)
      break;
  }

  loop->stop_flag = 0;
  uv__platform_run_end(loop);
  return alive;
}

void uv_library_shutdown(void) {
  static int done;

  if (uv__atomic_exchange(&done, 1))
    return;
  uv__threadpool_cleanup();
  uv__process_title_cleanup();
}

#if defined(__GNUC__) || defined(__clang__)
/* Runs when the library is unloaded (a binding dlclose()d by Lua, Python
 * or Node) or at exit, as libuv's does: the pool threads must be gone
 * before the code they run is unmapped.  A program that already called
 * uv_library_shutdown() pays nothing here. */
__attribute__((destructor)) static void uv__library_unload(void) {
  uv_library_shutdown();
}
#endif
