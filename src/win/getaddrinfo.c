/* uvcore — name resolution on Windows (the GetAddrInfoW half of
 * uv_getaddrinfo; the request itself is ../getaddrinfo.c, which has
 * already turned the host name into ASCII), uv_freeaddrinfo, and the
 * interface-index helpers that scoped IPv6 addresses need.
 *
 * Traps:
 * - Winsock must have been started (WSAStartup) in the process, or every
 *   resolver call fails with WSANOTINITIALISED; we start it once, on first
 *   use, and never stop it (other threads may still be resolving).
 * - The system's answer is a list of ADDRINFOW with UTF-16 canonical
 *   names, freed by FreeAddrInfoW.  Callers expect struct addrinfo with a
 *   UTF-8 name, freed by uv_freeaddrinfo: the worker copies the list into a
 *   single allocation (nodes, addresses and names packed together) so that
 *   uv_freeaddrinfo is a single free and nothing of the system's survives.
 * - Errors come back as WSA* codes (WSAHOST_NOT_FOUND ...), not EAI_*.
 */
#include "internal.h"
#include "dns.h"
#include "../inet.h"

#include <iphlpapi.h>
#include <stdio.h>
#include <string.h>

/* Every piece of the packed result starts at a multiple of this, enough
 * for struct addrinfo and for any sockaddr. */
#define UV__AI_ALIGN 8u
#define UV__AI_ROUND(n) (((n) + UV__AI_ALIGN - 1) & ~(size_t) (UV__AI_ALIGN - 1))

static uv_once_t winsock_once = UV_ONCE_INIT;
static int winsock_status;

static void winsock_start(void) {
  WSADATA wsa;
  int r;

  r = WSAStartup(MAKEWORD(2, 2), &wsa);
  winsock_status = r == 0 ? 0 : uv_translate_sys_error(r);
}

int uv__dns_winsock_init(void) {
  uv_once(&winsock_once, winsock_start);
  return winsock_status;
}

int uv__dns_error(int wsa_error) {
  switch (wsa_error) {
    case 0:
      return 0;
    case WSATRY_AGAIN:
      return UV_EAI_AGAIN;
    case WSAEINVAL:
      return UV_EAI_BADFLAGS;
    case WSANO_RECOVERY:
      return UV_EAI_FAIL;
    case WSAEAFNOSUPPORT:
      return UV_EAI_FAMILY;
    case WSA_NOT_ENOUGH_MEMORY:
      return UV_EAI_MEMORY;
    case WSAHOST_NOT_FOUND:
      return UV_EAI_NONAME;
    case WSANO_DATA:
      return UV_EAI_NODATA;
    case WSATYPE_NOT_FOUND:
      return UV_EAI_SERVICE;
    case WSAESOCKTNOSUPPORT:
      return UV_EAI_SOCKTYPE;
    case WSAEPROTONOSUPPORT:
      return UV_EAI_PROTOCOL;
    default:
      /* Winsock codes are positive.  Wine lets some of the host
       * resolver's own (negative) EAI_* codes through unchanged: still a
       * resolver failure, not a system error. */
      if (wsa_error < 0)
        return UV_EAI_FAIL;
      return uv_translate_sys_error(wsa_error);
  }
}

/* Size of the packed copy of res, or 0 when a canonical name cannot be
 * converted (not valid UTF-16 is impossible with WTF-8, so: no memory). */
static size_t packed_size(const ADDRINFOW* res) {
  const ADDRINFOW* w;
  size_t total;
  size_t len;
  char* name;

  total = 0;
  for (w = res; w != NULL; w = w->ai_next) {
    total += UV__AI_ROUND(sizeof(struct addrinfo));
    total += UV__AI_ROUND(w->ai_addrlen);
    if (w->ai_canonname != NULL) {
      /* Converted twice (here and when copying); only the first node
       * carries a name, and only when AI_CANONNAME was asked for. */
      if (uv__utf8_from_wide(w->ai_canonname, -1, &name, &len) != 0)
        return 0;
      uv__free(name);
      total += UV__AI_ROUND(len + 1);
    }
  }
  return total;
}

/* Copies the system's list into one allocation.  0 or UV_EAI_MEMORY. */
static int pack_result(const ADDRINFOW* res, struct addrinfo** out) {
  const ADDRINFOW* w;
  struct addrinfo* ai;
  struct addrinfo** link;
  size_t total;
  size_t len;
  char* block;
  char* p;
  char* name;

  *out = NULL;
  if (res == NULL)
    return 0;
  total = packed_size(res);
  if (total == 0)
    return UV_EAI_MEMORY;
  block = uv__malloc(total);
  if (block == NULL)
    return UV_EAI_MEMORY;

  p = block;
  link = out;
  for (w = res; w != NULL; w = w->ai_next) {
    ai = (struct addrinfo*) p;
    p += UV__AI_ROUND(sizeof(*ai));
    memset(ai, 0, sizeof(*ai));
    ai->ai_flags = w->ai_flags;
    ai->ai_family = w->ai_family;
    ai->ai_socktype = w->ai_socktype;
    ai->ai_protocol = w->ai_protocol;
    ai->ai_addrlen = w->ai_addrlen;
    if (w->ai_addr != NULL && w->ai_addrlen > 0) {
      ai->ai_addr = (struct sockaddr*) p;
      memcpy(p, w->ai_addr, w->ai_addrlen);
    }
    p += UV__AI_ROUND(w->ai_addrlen);
    if (w->ai_canonname != NULL) {
      if (uv__utf8_from_wide(w->ai_canonname, -1, &name, &len) != 0) {
        uv__free(block);
        *out = NULL;
        return UV_EAI_MEMORY;
      }
      ai->ai_canonname = p;
      memcpy(p, name, len + 1);
      uv__free(name);
      p += UV__AI_ROUND(len + 1);
    }
    *link = ai;
    link = &ai->ai_next;
  }
  *link = NULL;
  return 0;
}

void uv__getaddrinfo_work(struct uv__work* w) {
  uv_getaddrinfo_t* req;
  ADDRINFOW hints;
  ADDRINFOW* res;
  int r;

  req = uv__container_of(w, uv_getaddrinfo_t, priv.work);
  req->addrinfo = NULL;
  r = uv__dns_winsock_init();
  if (r != 0) {
    req->priv.retcode = r;
    return;
  }
  memset(&hints, 0, sizeof(hints));
  hints.ai_flags = req->priv.hints.ai_flags;
  hints.ai_family = req->priv.hints.ai_family;
  hints.ai_socktype = req->priv.hints.ai_socktype;
  hints.ai_protocol = req->priv.hints.ai_protocol;
  res = NULL;
  r = GetAddrInfoW(req->priv.hostname, req->priv.service,
                   req->priv.has_hints ? &hints : NULL, &res);
  if (r != 0) {
    req->priv.retcode = uv__dns_error(r);
    return;
  }
  req->priv.retcode = pack_result(res, &req->addrinfo);
  FreeAddrInfoW(res);
}

void uv__getaddrinfo_release(uv_getaddrinfo_t* req) {
  uv__free(req->priv.hostname);
  uv__free(req->priv.service);
  req->priv.hostname = NULL;
  req->priv.service = NULL;
}

int uv__getaddrinfo_prepare(uv_getaddrinfo_t* req, const char* host,
                            const char* service,
                            const struct addrinfo* hints) {
  WCHAR* hostw;
  WCHAR* servw;
  int r;

  r = uv__wide_from_utf8(host, &hostw);
  if (r != 0)
    return r;
  r = uv__wide_from_utf8(service, &servw);
  if (r != 0) {
    uv__free(hostw);
    return r;
  }
  req->priv.hostname = hostw;
  req->priv.service = servw;

  /* Only the four input members: a caller's stray pointers in the others
   * must not reach the resolver. */
  req->priv.has_hints = hints != NULL;
  req->priv.hints.ai_flags = hints != NULL ? hints->ai_flags : 0;
  req->priv.hints.ai_family = hints != NULL ? hints->ai_family : 0;
  req->priv.hints.ai_socktype = hints != NULL ? hints->ai_socktype : 0;
  req->priv.hints.ai_protocol = hints != NULL ? hints->ai_protocol : 0;
  return 0;
}

void uv_freeaddrinfo(struct addrinfo* ai) {
  /* The whole list is the one block pack_result() allocated. */
  uv__free(ai);
}

/* ---- interface indices ------------------------------------------------- */

/* The interface's name as the system knows it ("ethernet_32768"), the
 * counterpart of a Unix interface name. */
int uv_if_indextoname(unsigned int ifindex, char* buffer, size_t* size) {
  WCHAR namew[NDIS_IF_MAX_STRING_SIZE + 1];
  NET_LUID luid;
  DWORD r;
  size_t len;
  char* name;
  int err;

  if (buffer == NULL || size == NULL || *size == 0)
    return UV_EINVAL;

  r = ConvertInterfaceIndexToLuid(ifindex, &luid);
  if (r != NO_ERROR)
    return uv_translate_sys_error((int) r);
  r = ConvertInterfaceLuidToNameW(&luid, namew, UV__ARRAY_SIZE(namew));
  if (r != NO_ERROR)
    return uv_translate_sys_error((int) r);

  err = uv__utf8_from_wide(namew, -1, &name, &len);
  if (err != 0)
    return err;
  if (len >= *size) {
    *size = len + 1;
    err = UV_ENOBUFS;
  } else {
    memcpy(buffer, name, len + 1);
    *size = len;
  }
  uv__free(name);
  return err;
}

/* Windows writes the zone of a scoped address as the decimal interface
 * index ("fe80::1%12"), so that is the identifier; an index the system
 * does not know is refused, as uv_if_indextoname would. */
int uv_if_indextoiid(unsigned int ifindex, char* buffer, size_t* size) {
  NET_LUID luid;
  char digits[16];
  DWORD r;
  int len;

  if (buffer == NULL || size == NULL || *size == 0)
    return UV_EINVAL;
  r = ConvertInterfaceIndexToLuid(ifindex, &luid);
  if (r != NO_ERROR)
    return uv_translate_sys_error((int) r);

  len = snprintf(digits, sizeof(digits), "%u", ifindex);
  if ((size_t) len >= *size) {
    *size = (size_t) len + 1;
    return UV_ENOBUFS;
  }
  memcpy(buffer, digits, (size_t) len + 1);
  *size = (size_t) len;
  return 0;
}

unsigned int uv__inet_scope_id(const char* zone, size_t len) {
  char name[NDIS_IF_MAX_STRING_SIZE + 1];
  unsigned long v;
  size_t i;
  int numeric;

  if (len == 0)
    return 0;

  numeric = 1;
  v = 0;
  for (i = 0; i < len && numeric; i++) {
    if (zone[i] < '0' || zone[i] > '9')
      numeric = 0;
    else if ((v = v * 10 + (unsigned long) (zone[i] - '0')) > UINT_MAX)
      return 0;
  }
  if (numeric)
    return (unsigned int) v;

  /* An interface name, as uv_if_indextoname gives it. */
  if (len >= sizeof(name) || memchr(zone, '\0', len) != NULL)
    return 0;
  memcpy(name, zone, len);
  name[len] = '\0';
  return if_nametoindex(name);
}
