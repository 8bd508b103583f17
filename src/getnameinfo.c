/* uvcore — uv_getnameinfo: argument checks, the copy of the address and
 * the request's life; the lookup itself is the platform's
 * uv__getnameinfo_work (getnameinfo() on Unix, GetNameInfoW on Windows).
 *
 * With a callback the lookup runs on the thread pool as slow I/O (it may
 * wait on a name server); without one it runs on the caller's thread and
 * its status is returned.  The address is copied into the request so the
 * caller's may go away, and the answers land in the request's own host
 * and service arrays, so nothing is allocated.
 */
#include "internal.h"

#include <string.h>

static void getnameinfo_done(struct uv__work* w, int status) {
  uv_getnameinfo_t* req;
  const char* host;
  const char* service;

  req = uv__container_of(w, uv_getnameinfo_t, priv.work);
  uv__req_unregister(req->loop);

  host = NULL;
  service = NULL;
  if (status == UV_ECANCELED)
    req->priv.retcode = UV_EAI_CANCELED;
  else if (req->priv.retcode == 0) {
    host = req->host;
    service = req->service;
  }

  if (req->priv.cb != NULL)
    req->priv.cb(req, req->priv.retcode, host, service);
}

int uv_getnameinfo(uv_loop_t* loop, uv_getnameinfo_t* req,
                   uv_getnameinfo_cb getnameinfo_cb,
                   const struct sockaddr* addr, int flags) {
  if (!uv__loop_usable(loop) || req == NULL || addr == NULL ||
      uv__work_in_flight(&req->priv.work))
    return UV_EINVAL;

  switch (addr->sa_family) {
    case AF_INET:
      memcpy(&req->priv.storage, addr, sizeof(struct sockaddr_in));
      break;
    case AF_INET6:
      memcpy(&req->priv.storage, addr, sizeof(struct sockaddr_in6));
      break;
    default:
      return UV_EINVAL;
  }

  uv__req_init(loop, (uv_req_t*) req, UV_GETNAMEINFO);
  req->loop = loop;
  req->host[0] = '\0';
  req->service[0] = '\0';
  req->priv.cb = getnameinfo_cb;
  req->priv.flags = flags;
  req->priv.retcode = 0;

  if (getnameinfo_cb != NULL) {
    uv__work_submit(loop, &req->priv.work, UV__WORK_SLOW_IO,
                    uv__getnameinfo_work, getnameinfo_done);
    return 0;
  }

  uv__getnameinfo_work(&req->priv.work);
  getnameinfo_done(&req->priv.work, 0);
  return req->priv.retcode;
}
