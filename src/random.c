/* uvcore — uv_random: argument checks and the thread-pool request; the
 * bytes come from the platform's uv__random_fill (src/unix/random.c,
 * src/win/random.c).
 *
 * The system sources never block for long once seeded, so with a callback
 * the work runs on the pool as CPU work.  Without one the call is
 * synchronous and needs neither a loop nor a request.
 */
#include "internal.h"

/* Largest request we accept: what libuv documents, and what keeps every
 * length representable as a non-negative int (and a Windows ULONG). */
#define UV__RANDOM_MAX 0x7FFFFFFFu

static void random_work(struct uv__work* w) {
  uv_random_t* req;

  req = uv__container_of(w, uv_random_t, priv.work);
  req->priv.status = uv__random_fill(req->priv.buf, req->priv.buflen);
}

static void random_done(struct uv__work* w, int status) {
  uv_random_t* req;

  req = uv__container_of(w, uv_random_t, priv.work);
  uv__req_unregister(req->loop);
  if (status == 0)
    status = req->priv.status;
  req->priv.cb(req, status, req->priv.buf, req->priv.buflen);
}

int uv_random(uv_loop_t* loop, uv_random_t* req, void* buf, size_t buflen,
              unsigned flags, uv_random_cb cb) {
  if (buflen > UV__RANDOM_MAX)
    return UV_E2BIG;
  if (flags != 0)
    return UV_EINVAL;
  if (buf == NULL && buflen > 0)
    return UV_EINVAL;

  if (cb == NULL)
    return buflen == 0 ? 0 : uv__random_fill(buf, buflen);

  if (!uv__loop_usable(loop) || req == NULL ||
      uv__work_in_flight(&req->priv.work))
    return UV_EINVAL;

  uv__req_init(loop, (uv_req_t*) req, UV_RANDOM);
  req->loop = loop;
  req->priv.cb = cb;
  req->priv.buf = buf;
  req->priv.buflen = buflen;
  req->priv.flags = flags;
  req->priv.status = 0;
  uv__work_submit(loop, &req->priv.work, UV__WORK_CPU, random_work,
                  random_done);
  return 0;
}
