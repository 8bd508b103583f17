/* uvcore — fs poll handles: notice changes to a path by calling stat() on
 * it at an interval.  Portable: built only on uv_fs_stat() and a timer, so
 * it works where change notification does not (network and FUSE file
 * systems, or a path that does not exist yet).
 *
 * The traps:
 * - A stat() a pool thread has taken cannot be called back.  Stopping only
 *   forgets the answer; closing waits for it, and the close callback is
 *   held back until the request is home and our timer gone, so that when
 *   the user's close callback runs nothing of the handle is left in the
 *   loop (uv_loop_close() right after it succeeds).  The timer is closed
 *   in place, not through the closing phase: with no stat in flight the
 *   close callback comes in the same loop iteration, as libuv's does.
 * - The handle's private part is one pointer.  It points to a context made
 *   on the first start (the timer, the request, the last result) that lives
 *   until the handle closes; stop/start reuse it.  A generation number tells
 *   the answer of an older start apart from the current one, so stopping
 *   and restarting inside the callback, even with a stat in flight, works.
 * - Time stamps are as fine as the file system keeps them: a change within
 *   the same second on a coarse file system may not show.
 */
#include "internal.h"

#include <string.h>

struct uv__fs_poll_ctx {
  uv_fs_poll_t* handle;
  uv_fs_poll_cb cb;
  char* path;
  unsigned int interval;           /* ms, at least 1 */
  unsigned int gen;                /* bumped by each start */
  unsigned int req_gen;            /* the start the request in flight is for */
  int in_flight;
  int in_cb;                       /* the user's callback is running */
  int active;
  int closing;
  int seen;                        /* a result arrived since the start */
  int status;                      /* last reported: 0 or an error */
  uint64_t submitted;              /* loop time of the last stat */
  uv_stat_t last;                  /* last good stat, zero if none */
  uv_timer_t timer;                /* internal, unreferenced */
  uv_fs_t req;
};

static void stat_done(uv_fs_t* req);

static int same_stat(const uv_stat_t* a, const uv_stat_t* b) {
  return a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
         a->st_ctim.tv_nsec == b->st_ctim.tv_nsec &&
         a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
         a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
         a->st_birthtim.tv_sec == b->st_birthtim.tv_sec &&
         a->st_birthtim.tv_nsec == b->st_birthtim.tv_nsec &&
         a->st_size == b->st_size &&
         a->st_mode == b->st_mode &&
         a->st_uid == b->st_uid &&
         a->st_gid == b->st_gid &&
         a->st_ino == b->st_ino &&
         a->st_dev == b->st_dev &&
         a->st_flags == b->st_flags &&
         a->st_gen == b->st_gen;
}

static int submit(struct uv__fs_poll_ctx* ctx) {
  int err;

  ctx->submitted = uv_now(ctx->timer.loop);
  ctx->req_gen = ctx->gen;
  err = uv_fs_stat(ctx->timer.loop, &ctx->req, ctx->path, stat_done);
  if (err) {
    uv_fs_req_cleanup(&ctx->req);
    return err;
  }
  ctx->in_flight = 1;
  return 0;
}

static void timer_cb(uv_timer_t* timer);

/* The next stat is due one interval after the previous one started; ticks
 * missed because stat() was slow are skipped rather than made up. */
static void schedule(struct uv__fs_poll_ctx* ctx) {
  uint64_t elapsed;

  elapsed = uv_now(ctx->timer.loop) - ctx->submitted;
  uv_timer_start(&ctx->timer, timer_cb,
                 ctx->interval - elapsed % ctx->interval, 0);
}

static void release(struct uv__fs_poll_ctx* ctx) {
  uv__close_internal_timer(&ctx->timer);
  ctx->handle->priv.ctx = NULL;
  uv__free(ctx->path);
  uv__free(ctx);
}

/* The deferred end of a close: the handle goes to the closing phase. */
static void finish_close(struct uv__fs_poll_ctx* ctx) {
  uv_fs_poll_t* h;

  h = ctx->handle;
  release(ctx);
  uv__make_close_pending((uv_handle_t*) h);
}

/* Reports a result to the handle if it is news: the first error, an error
 * that changed, the recovery from an error, or a changed stat.  The first
 * good result after a start only sets the baseline. */
static void report(struct uv__fs_poll_ctx* ctx, int result,
                   const uv_stat_t* cur) {
  static const uv_stat_t zero;
  uv_stat_t prev;
  unsigned int gen;
  int news;

  gen = ctx->gen;
  ctx->in_cb = 1;
  if (result < 0) {
    news = !ctx->seen || ctx->status != result;
    ctx->seen = 1;
    ctx->status = result;
    if (news)
      ctx->cb(ctx->handle, result, &ctx->last, &zero);
  } else {
    news = ctx->seen && (ctx->status < 0 || !same_stat(&ctx->last, cur));
    prev = ctx->last;
    ctx->last = *cur;
    ctx->seen = 1;
    ctx->status = 0;
    if (news)
      ctx->cb(ctx->handle, 0, &prev, cur);
  }
  ctx->in_cb = 0;

  /* The callback may have stopped, restarted or closed the handle; a
   * restart has already submitted its own stat, which a close waits for. */
  if (ctx->closing) {
    if (!ctx->in_flight)
      finish_close(ctx);
    return;
  }
  if (ctx->active && ctx->gen == gen && !ctx->in_flight)
    schedule(ctx);
}

static void timer_cb(uv_timer_t* timer) {
  struct uv__fs_poll_ctx* ctx;
  int err;

  ctx = uv__container_of(timer, struct uv__fs_poll_ctx, timer);
  if (!ctx->active || ctx->in_flight)
    return;
  err = submit(ctx);
  if (err)
    report(ctx, err, NULL);  /* e.g. UV_ENOMEM; tried again next tick */
}


static void stat_done(uv_fs_t* req) {
  struct uv__fs_poll_ctx* ctx;
  uv_stat_t st;
  int result;
  int err;

  ctx = uv__container_of(req, struct uv__fs_poll_ctx, req);
  result = (int) req->result;
  st = req->statbuf;
  uv_fs_req_cleanup(req);
  ctx->in_flight = 0;

  if (ctx->closing) {
    finish_close(ctx);
    return;
  }
  if (!ctx->active)
    return;  /* stopped meanwhile: the answer is nobody's */
  if (ctx->req_gen != ctx->gen) {
    /* Restarted meanwhile (perhaps on another path): ask afresh. */
    err = submit(ctx);
    if (err)
      report(ctx, err, NULL);
    return;
  }
  report(ctx, result, &st);
}

int uv_fs_poll_init(uv_loop_t* loop, uv_fs_poll_t* handle) {
  if (!uv__loop_usable(loop) || handle == NULL)
    return UV_EINVAL;
  uv__handle_init(loop, (uv_handle_t*) handle, UV_FS_POLL);
  handle->priv.ctx = NULL;
  return 0;
}

int uv_fs_poll_start(uv_fs_poll_t* handle, uv_fs_poll_cb cb,
                     const char* path, unsigned int interval) {
  struct uv__fs_poll_ctx* ctx;
  char* copy;
  int err;

  if (handle == NULL || handle->type != UV_FS_POLL || cb == NULL ||
      path == NULL || uv__is_closing((uv_handle_t*) handle))
    return UV_EINVAL;
  if (uv__is_active((uv_handle_t*) handle))
    return 0;  /* libuv: starting a started handle changes nothing */

  copy = uv__strdup(path);
  if (copy == NULL)
    return UV_ENOMEM;

  ctx = handle->priv.ctx;
  if (ctx == NULL) {
    ctx = uv__calloc(1, sizeof(*ctx));
    if (ctx == NULL) {
      uv__free(copy);
      return UV_ENOMEM;
    }
    err = uv_timer_init(handle->loop, &ctx->timer);
    if (err) {
      uv__free(ctx);
      uv__free(copy);
      return err;
    }
    ctx->timer.flags |= UV__H_INTERNAL;
    uv_unref((uv_handle_t*) &ctx->timer);
    ctx->handle = handle;
    handle->priv.ctx = ctx;
  }

  /* A stat in flight for an earlier start still reads the old path from
   * its own copy in the request. */
  uv__free(ctx->path);
  ctx->path = copy;
  ctx->cb = cb;
  ctx->interval = interval != 0 ? interval : 1;
  ctx->gen++;
  ctx->seen = 0;
  ctx->status = 0;
  memset(&ctx->last, 0, sizeof(ctx->last));

  if (!ctx->in_flight) {
    err = submit(ctx);
    if (err)
      return err;
  }
  ctx->active = 1;
  uv__handle_start((uv_handle_t*) handle);
  return 0;
}

int uv_fs_poll_stop(uv_fs_poll_t* handle) {
  struct uv__fs_poll_ctx* ctx;

  if (handle == NULL || handle->type != UV_FS_POLL)
    return UV_EINVAL;
  ctx = handle->priv.ctx;
  if (ctx != NULL && ctx->active) {
    ctx->active = 0;
    uv_timer_stop(&ctx->timer);
  }
  uv__handle_stop((uv_handle_t*) handle);
  return 0;
}

int uv_fs_poll_getpath(uv_fs_poll_t* handle, char* buffer, size_t* size) {
  struct uv__fs_poll_ctx* ctx;
  size_t len;

  if (handle == NULL || buffer == NULL || size == NULL)
    return UV_EINVAL;
  ctx = handle->priv.ctx;
  if (!uv__is_active((uv_handle_t*) handle) || ctx == NULL) {
    *size = 0;
    return UV_EINVAL;
  }
  len = strlen(ctx->path);
  if (len >= *size) {
    *size = len + 1;
    return UV_ENOBUFS;
  }
  memcpy(buffer, ctx->path, len + 1);
  *size = len;
  return 0;
}

int uv__fs_poll_close(uv_fs_poll_t* h) {
  struct uv__fs_poll_ctx* ctx;

  uv_fs_poll_stop(h);
  ctx = h->priv.ctx;
  if (ctx == NULL)
    return 1;
  if (!ctx->in_flight && !ctx->in_cb) {
    release(ctx);
    return 1;
  }
  ctx->closing = 1;
  return 0;
}
