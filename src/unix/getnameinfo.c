/* uvcore — reverse lookup (uv_getnameinfo) on Unix: the getnameinfo()
 * call itself.  The request (argument checks, address copy, thread pool)
 * is portable: ../getnameinfo.c.
 */
#include "internal.h"
#include "dns.h"

#include <string.h>

static socklen_t getnameinfo_addrlen(const uv_getnameinfo_t* req) {
  if (req->priv.storage.ss_family == AF_INET6)
    return (socklen_t) sizeof(struct sockaddr_in6);
  return (socklen_t) sizeof(struct sockaddr_in);
}

void uv__getnameinfo_work(struct uv__work* w) {
  uv_getnameinfo_t* req;
  int r;

  req = uv__container_of(w, uv_getnameinfo_t, priv.work);
  errno = 0;
  r = getnameinfo((const struct sockaddr*) &req->priv.storage,
                  getnameinfo_addrlen(req), req->host, sizeof(req->host),
                  req->service, sizeof(req->service), req->priv.flags);
  req->priv.retcode = uv__gai_error(r);
}
