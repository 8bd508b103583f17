/* uvcore — name resolution (uv_getaddrinfo) and interface names.
 *
 * The C library's getaddrinfo() blocks, sometimes for seconds, so lookups
 * with a callback run on the thread pool as "slow I/O" work, which the pool
 * never lets occupy every thread.  Without a callback the lookup runs on
 * the caller's thread and its status is returned.
 *
 * The host name is converted to ASCII by our own IDNA code first, so a
 * non-ASCII name resolves the same way whatever the C library would have
 * done with it.  Everything the worker reads (hints, host, service) is
 * copied into one allocation owned by the request, so the caller's
 * arguments need not outlive the call.
 */
#include "internal.h"
#include "dns.h"
#include "../idna.h"
#include "../inet.h"

#include <limits.h>
#include <net/if.h>
#include <string.h>

int uv__gai_error(int eai) {
  switch (eai) {
    case 0:
      return 0;
#if defined(EAI_ADDRFAMILY)
    case EAI_ADDRFAMILY:
      return UV_EAI_ADDRFAMILY;
#endif
    case EAI_AGAIN:
      return UV_EAI_AGAIN;
    case EAI_BADFLAGS:
      return UV_EAI_BADFLAGS;
#if defined(EAI_BADHINTS)
    case EAI_BADHINTS:
      return UV_EAI_BADHINTS;
#endif
#if defined(EAI_CANCELED)
    case EAI_CANCELED:
      return UV_EAI_CANCELED;
#endif
    case EAI_FAIL:
      return UV_EAI_FAIL;
    case EAI_FAMILY:
      return UV_EAI_FAMILY;
    case EAI_MEMORY:
      return UV_EAI_MEMORY;
#if defined(EAI_NODATA) && EAI_NODATA != EAI_NONAME
    case EAI_NODATA:
      return UV_EAI_NODATA;
#endif
    case EAI_NONAME:
      return UV_EAI_NONAME;
#if defined(EAI_OVERFLOW)
    case EAI_OVERFLOW:
      return UV_EAI_OVERFLOW;
#endif
#if defined(EAI_PROTOCOL)
    case EAI_PROTOCOL:
      return UV_EAI_PROTOCOL;
#endif
    case EAI_SERVICE:
      return UV_EAI_SERVICE;
    case EAI_SOCKTYPE:
      return UV_EAI_SOCKTYPE;
#if defined(EAI_SYSTEM)
    case EAI_SYSTEM:
      /* errno 0 here would read as success; never report that. */
      return errno != 0 ? uv__err() : UV_EAI_FAIL;
#endif
    default:
      /* A code this C library added after us: still a resolver failure. */
      return UV_EAI_FAIL;
  }
}

static void getaddrinfo_work(struct uv__work* w) {
  uv_getaddrinfo_t* req;
  int r;

  req = uv__container_of(w, uv_getaddrinfo_t, priv.work);
  errno = 0;
  r = getaddrinfo(req->priv.hostname, req->priv.service, req->priv.hints,
                  &req->addrinfo);
  req->priv.retcode = uv__gai_error(r);
  if (r != 0)
    req->addrinfo = NULL;
}

static void getaddrinfo_done(struct uv__work* w, int status) {
  uv_getaddrinfo_t* req;

  req = uv__container_of(w, uv_getaddrinfo_t, priv.work);
  uv__req_unregister(req->loop);

  uv__free(req->priv.buf);
  req->priv.buf = NULL;
  req->priv.hints = NULL;
  req->priv.hostname = NULL;
  req->priv.service = NULL;

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
  struct addrinfo* hints_copy;
  size_t hostlen;
  size_t servlen;
  size_t len;
  char* buf;
  char* p;
  int r;

  if (!uv__loop_usable(loop) || req == NULL || uv__work_in_flight(&req->priv.work) ||
      (node == NULL && service == NULL))
    return UV_EINVAL;

  hostlen = 0;
  if (node != NULL) {
    r = uv__idna_to_ascii(node, strlen(node), ascii, sizeof(ascii));
    if (r < 0)
      return UV_EINVAL;
    hostlen = (size_t) r + 1;
  }
  servlen = service != NULL ? strlen(service) + 1 : 0;

  /* The addrinfo goes first so that it is suitably aligned. */
  len = sizeof(*hints_copy) + hostlen + servlen;
  buf = uv__malloc(len);
  if (buf == NULL)
    return UV_ENOMEM;

  hints_copy = NULL;
  if (hints != NULL) {
    /* Only the four input members: a caller's stray pointers in the
     * others must not reach the resolver. */
    hints_copy = (struct addrinfo*) buf;
    memset(hints_copy, 0, sizeof(*hints_copy));
    hints_copy->ai_flags = hints->ai_flags;
    hints_copy->ai_family = hints->ai_family;
    hints_copy->ai_socktype = hints->ai_socktype;
    hints_copy->ai_protocol = hints->ai_protocol;
  }
  p = buf + sizeof(*hints_copy);

  req->priv.hostname = NULL;
  if (node != NULL) {
    memcpy(p, ascii, hostlen);
    req->priv.hostname = p;
    p += hostlen;
  }
  req->priv.service = NULL;
  if (service != NULL) {
    memcpy(p, service, servlen);
    req->priv.service = p;
  }

  uv__req_init(loop, (uv_req_t*) req, UV_GETADDRINFO);
  req->loop = loop;
  req->addrinfo = NULL;
  req->priv.cb = getaddrinfo_cb;
  req->priv.buf = buf;
  req->priv.hints = hints_copy;
  req->priv.retcode = 0;

  if (getaddrinfo_cb != NULL) {
    uv__work_submit(loop, &req->priv.work, UV__WORK_SLOW_IO,
                    getaddrinfo_work, getaddrinfo_done);
    return 0;
  }

  getaddrinfo_work(&req->priv.work);
  getaddrinfo_done(&req->priv.work, 0);
  return req->priv.retcode;
}

void uv_freeaddrinfo(struct addrinfo* ai) {
  if (ai != NULL)
    freeaddrinfo(ai);
}

int uv_if_indextoname(unsigned int ifindex, char* buffer, size_t* size) {
  char name[IF_NAMESIZE + 1];
  size_t len;

  if (buffer == NULL || size == NULL || *size == 0)
    return UV_EINVAL;

  memset(name, 0, sizeof(name));
  if (if_indextoname(ifindex, name) == NULL)
    return uv__err();

  len = strlen(name);
  if (len >= *size) {
    *size = len + 1;
    return UV_ENOBUFS;
  }
  memcpy(buffer, name, len + 1);
  *size = len;
  return 0;
}

/* Unix scoped addresses name the interface itself ("fe80::1%eth0"). */
int uv_if_indextoiid(unsigned int ifindex, char* buffer, size_t* size) {
  return uv_if_indextoname(ifindex, buffer, size);
}

unsigned int uv__inet_scope_id(const char* zone, size_t len) {
  char name[IF_NAMESIZE];
  unsigned long v;
  unsigned int index;
  size_t i;

  if (len == 0)
    return 0;

  if (len < sizeof(name) && memchr(zone, '\0', len) == NULL) {
    memcpy(name, zone, len);
    name[len] = '\0';
    index = if_nametoindex(name);
    if (index != 0)
      return index;
  }

  /* Not an interface name: a decimal index, as other systems write it. */
  v = 0;
  for (i = 0; i < len; i++) {
    if (zone[i] < '0' || zone[i] > '9')
      return 0;
    v = v * 10 + (unsigned long) (zone[i] - '0');
    if (v > UINT_MAX)
      return 0;
  }
  return (unsigned int) v;
}
