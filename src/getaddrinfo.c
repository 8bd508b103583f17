/* uvcore — uv_getaddrinfo: argument checks, the IDNA conversion of the
 * host name, and the request's life; the platform copies the arguments in
 * its own form and makes the lookup (getaddrinfo() on Unix, GetAddrInfoW
 * on Windows: uv__getaddrinfo_prepare/_work/_release in platform.h).
 *
 * With a callback the lookup runs on the thread pool as slow I/O (the
 * resolver may wait seconds on a name server, and slow I/O never fills the
 * pool); without one it runs on the caller's thread and its status is
 * returned.  The host name is converted to ASCII by our own IDNA code
 * first, so a non-ASCII name resolves the same way whatever the system's
 * resolver would have done with it.
 */
#include "internal.h"
#include "idna.h"

#include <string.h>

static void getaddrinfo_done(struct uv__work* w, int status) {
  uv_getaddrinfo_t* req;

  req = uv__container_of(w, uv_getaddrinfo_t, priv.work);
  uv__req_unregister(req->loop);
  uv__getaddrinfo_release(req);

  if (status == UV_ECANCELED) {
    /* Cancelled before the worker ran: nothing was resolved. */
    req->addrinfo = NULL;
    req->priv.retcode = UV_EAI_CANCELED;
  }

  if (req->priv.cb != NULL)
    req->priv.cb(req, req->priv.retcode, req->addrinfo);
}

int uv_getaddrinfo(uv_loop_t* loop, uv_getaddrinfo_t* req,
                   uv_getaddrinfo_cb getaddrinfo_cb, const char* node,
                   const char* service, const struct addrinfo* hints) {
  char ascii[UV__IDNA_MAX_NAME + 1];
  int r;

  if (!uv__loop_usable(loop) || req == NULL ||
      uv__work_in_flight(&req->priv.work) ||
      (node == NULL && service == NULL))
    return UV_EINVAL;
  if (node != NULL &&
      uv__idna_to_ascii(node, strlen(node), ascii, sizeof(ascii)) < 0)
    return UV_EINVAL;

  r = uv__getaddrinfo_prepare(req, node != NULL ? ascii : NULL, service,
                              hints);
  if (r != 0)
    return r;

  uv__req_init(loop, (uv_req_t*) req, UV_GETADDRINFO);
  req->loop = loop;
  req->addrinfo = NULL;
  req->priv.cb = getaddrinfo_cb;
  req->priv.retcode = 0;

  if (getaddrinfo_cb != NULL) {
    uv__work_submit(loop, &req->priv.work, UV__WORK_SLOW_IO,
                    uv__getaddrinfo_work, getaddrinfo_done);
    return 0;
  }

  uv__getaddrinfo_work(&req->priv.work);
  getaddrinfo_done(&req->priv.work, 0);
  return req->priv.retcode;
}
