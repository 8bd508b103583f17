/* uvcore — reverse lookup on Windows (uv_getnameinfo): the GetNameInfoW
 * call.  The request (argument checks, address copy, thread pool) is
 * portable: ../getnameinfo.c.  The answers come back in UTF-16 and are
 * converted into the request's own host and service arrays.
 *
 * Trap: a host name of NI_MAXHOST UTF-16 units can need up to three times
 * as many UTF-8 bytes; one that does not fit req->host is reported as
 * UV_EAI_OVERFLOW (as getnameinfo() reports a short buffer), never cut.
 */
#include "internal.h"
#include "dns.h"

#include <string.h>

/* Converts a NUL-terminated UTF-16 answer into dst (cap bytes). */
static int copy_answer(const WCHAR* w, char* dst, size_t cap) {
  size_t len;
  char* s;
  int r;

  r = uv__utf8_from_wide(w, -1, &s, &len);
  if (r != 0)
    return r == UV_ENOMEM ? UV_EAI_MEMORY : UV_EAI_FAIL;
  if (len >= cap) {
    uv__free(s);
    return UV_EAI_OVERFLOW;
  }
  memcpy(dst, s, len + 1);
  uv__free(s);
  return 0;
}

void uv__getnameinfo_work(struct uv__work* w) {
  WCHAR hostw[UV__NI_MAXHOST];
  WCHAR servw[UV__NI_MAXSERV];
  uv_getnameinfo_t* req;
  socklen_t len;
  int r;

  req = uv__container_of(w, uv_getnameinfo_t, priv.work);
  r = uv__dns_winsock_init();
  if (r != 0) {
    req->priv.retcode = r;
    return;
  }

  if (req->priv.storage.ss_family == AF_INET6)
    len = (socklen_t) sizeof(struct sockaddr_in6);
  else
    len = (socklen_t) sizeof(struct sockaddr_in);
  r = GetNameInfoW((const struct sockaddr*) &req->priv.storage, len,
                   hostw, UV__ARRAY_SIZE(hostw), servw,
                   UV__ARRAY_SIZE(servw), req->priv.flags);
  if (r != 0) {
    /* GetNameInfoW returns the code itself, as GetAddrInfoW does. */
    req->priv.retcode = uv__dns_error(r);
    return;
  }
  r = copy_answer(hostw, req->host, sizeof(req->host));
  if (r == 0)
    r = copy_answer(servw, req->service, sizeof(req->service));
  req->priv.retcode = r;
}
