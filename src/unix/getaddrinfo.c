/* uvcore — name resolution on Unix (the getaddrinfo() half of
 * uv_getaddrinfo; the request itself is ../getaddrinfo.c) and interface
 * names.
 *
 * Everything the worker reads (hints, the ASCII host name, service) is
 * copied into one allocation owned by the request, so the caller's
 * arguments need not outlive the call.
 */
#include "internal.h"
#include "dns.h"
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

void uv__getaddrinfo_work(struct uv__work* w) {
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

void uv__getaddrinfo_release(uv_getaddrinfo_t* req) {
  uv__free(req->priv.buf);
  req->priv.buf = NULL;
  req->priv.hints = NULL;
  req->priv.hostname = NULL;
  req->priv.service = NULL;
}

int uv__getaddrinfo_prepare(uv_getaddrinfo_t* req, const char* host,
                            const char* service,
                            const struct addrinfo* hints) {
  struct addrinfo* hints_copy;
  size_t hostlen;
  size_t servlen;
  char* buf;
  char* p;

  hostlen = host != NULL ? strlen(host) + 1 : 0;
  servlen = service != NULL ? strlen(service) + 1 : 0;

  /* The addrinfo goes first so that it is suitably aligned. */
  buf = uv__malloc(sizeof(*hints_copy) + hostlen + servlen);
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
  if (host != NULL) {
    memcpy(p, host, hostlen);
    req->priv.hostname = p;
    p += hostlen;
  }
  req->priv.service = NULL;
  if (service != NULL) {
    memcpy(p, service, servlen);
    req->priv.service = p;
  }
  req->priv.buf = buf;
  req->priv.hints = hints_copy;
  return 0;
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
