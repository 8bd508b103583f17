/* uvcore — uv_interface_addresses: the IPv4 and IPv6 addresses of the
 * network interfaces that are up, with netmask and hardware address.
 *
 * getifaddrs(3) is available on every Unix we target; what differs is
 * where the hardware (MAC) address comes from: on Linux an extra AF_PACKET
 * entry per interface (struct sockaddr_ll), on the BSDs and macOS an
 * AF_LINK entry (struct sockaddr_dl).  Both are marked below.
 *
 * Traps:
 * - Entries without an address (ifa_addr NULL: interfaces with no address
 *   of that family, some tunnels) exist and must be skipped.
 * - Like libuv we list only interfaces that are both IFF_UP and
 *   IFF_RUNNING: an administratively up interface without carrier is left
 *   out.
 * - ifa_netmask may be NULL (point-to-point links); the netmask is then
 *   all zeros of the address's family.
 * - A hardware address longer than six bytes (InfiniBand's 20) does not
 *   fit uv_interface_address_t.phys_addr: its first six bytes are kept.
 * - glibc's getifaddrs opens its netlink socket close-on-exec and closes
 *   it before returning.
 */
#include "internal.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#if defined(__linux__)
# include <netpacket/packet.h>
#elif defined(AF_LINK)
# include <net/if_dl.h>
#endif

static int is_listed(const struct ifaddrs* ent) {
  if ((ent->ifa_flags & (IFF_UP | IFF_RUNNING)) != (IFF_UP | IFF_RUNNING))
    return 0;
  if (ent->ifa_addr == NULL)
    return 0;
  return ent->ifa_addr->sa_family == AF_INET ||
         ent->ifa_addr->sa_family == AF_INET6;
}

/* Copies the hardware address of a link-layer entry, if ent is one. */
static int link_address(const struct ifaddrs* ent, char phys[6]) {
  size_t len;

  if (ent->ifa_addr == NULL)
    return 0;
#if defined(__linux__)
  {
    const struct sockaddr_ll* ll;

    if (ent->ifa_addr->sa_family != AF_PACKET)
      return 0;
    ll = (const struct sockaddr_ll*) ent->ifa_addr;
    len = ll->sll_halen < 6 ? ll->sll_halen : 6;
    memset(phys, 0, 6);
    memcpy(phys, ll->sll_addr, len);
    return 1;
  }
#elif defined(AF_LINK)
  {
    const struct sockaddr_dl* dl;

    if (ent->ifa_addr->sa_family != AF_LINK)
      return 0;
    dl = (const struct sockaddr_dl*) ent->ifa_addr;
    len = dl->sdl_alen < 6 ? dl->sdl_alen : 6;
    memset(phys, 0, 6);
    memcpy(phys, LLADDR(dl), len);
    return 1;
  }
#else
  (void) phys;
  (void) len;
  return 0;
#endif
}

int uv_interface_addresses(uv_interface_address_t** addresses, int* count) {
  uv_interface_address_t* out;
  uv_interface_address_t* a;
  struct ifaddrs* addrs;
  struct ifaddrs* ent;
  char phys[6];
  size_t salen;
  int n;
  int i;

  if (addresses == NULL || count == NULL)
    return UV_EINVAL;
  *addresses = NULL;
  *count = 0;

  if (getifaddrs(&addrs) != 0)
    return uv__err();

  n = 0;
  for (ent = addrs; ent != NULL; ent = ent->ifa_next)
    if (is_listed(ent))
      n++;
  if (n == 0) {
    freeifaddrs(addrs);
    return 0;
  }

  out = uv__calloc((size_t) n, sizeof(*out));
  if (out == NULL) {
    freeifaddrs(addrs);
    return UV_ENOMEM;
  }

  a = out;
  for (ent = addrs; ent != NULL; ent = ent->ifa_next) {
    if (!is_listed(ent))
      continue;
    a->name = uv__strdup(ent->ifa_name);
    if (a->name == NULL) {
      freeifaddrs(addrs);
      uv_free_interface_addresses(out, n);
      return UV_ENOMEM;
    }
    if (ent->ifa_addr->sa_family == AF_INET6)
      salen = sizeof(struct sockaddr_in6);
    else
      salen = sizeof(struct sockaddr_in);
    memcpy(&a->address, ent->ifa_addr, salen);
    if (ent->ifa_netmask != NULL)
      memcpy(&a->netmask, ent->ifa_netmask, salen);
    /* Some systems leave the netmask's family 0. */
    a->netmask.netmask4.sin_family = ent->ifa_addr->sa_family;
    a->is_internal = (ent->ifa_flags & IFF_LOOPBACK) != 0;
    a++;
  }

  /* Hardware addresses come from separate link-layer entries. */
  for (ent = addrs; ent != NULL; ent = ent->ifa_next) {
    if ((ent->ifa_flags & (IFF_UP | IFF_RUNNING)) != (IFF_UP | IFF_RUNNING))
      continue;
    if (!link_address(ent, phys))
      continue;
    for (i = 0; i < n; i++)
      if (strcmp(out[i].name, ent->ifa_name) == 0)
        memcpy(out[i].phys_addr, phys, sizeof(phys));
  }

  freeifaddrs(addrs);
  *addresses = out;
  *count = n;
  return 0;
}

/* libuv (since 1.47) picks the first interface with a link-local address,
 * which is right on the usual host with one such interface; a caller who
 * knows better names the interface (uv_ip6_addr("fe80::1%eth1", ...)). */
const struct sockaddr* uv__ip6_link_local_scope(const struct sockaddr* addr,
                                                struct sockaddr_in6* copy) {
  const struct sockaddr_in6* dest;
  const struct sockaddr_in6* own;
  struct ifaddrs* addrs;
  struct ifaddrs* ent;
  unsigned int scope;

  if (addr->sa_family != AF_INET6)
    return addr;
  dest = (const struct sockaddr_in6*) addr;
  if (!IN6_IS_ADDR_LINKLOCAL(&dest->sin6_addr) || dest->sin6_scope_id != 0)
    return addr;
  if (getifaddrs(&addrs) != 0)
    return addr;

  scope = 0;
  for (ent = addrs; ent != NULL && scope == 0; ent = ent->ifa_next) {
    if (!is_listed(ent) || ent->ifa_addr->sa_family != AF_INET6)
      continue;
    own = (const struct sockaddr_in6*) ent->ifa_addr;
    if (!IN6_IS_ADDR_LINKLOCAL(&own->sin6_addr))
      continue;
    scope = own->sin6_scope_id;
    if (scope == 0)
      scope = if_nametoindex(ent->ifa_name);
  }
  freeifaddrs(addrs);

  /* No such interface: the kernel's own error is the honest answer. */
  if (scope == 0)
    return addr;
  memcpy(copy, dest, sizeof(*copy));
  copy->sin6_scope_id = scope;
  return (const struct sockaddr*) copy;
}
