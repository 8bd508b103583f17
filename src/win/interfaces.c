/* uvcore — uv_interface_addresses on Windows: the IPv4 and IPv6 addresses
 * of the adapters that are up, with netmask and hardware address.
 *
 * GetAdaptersAddresses lists adapters, each with its unicast addresses;
 * every (adapter, address) pair becomes one entry named by the adapter's
 * friendly name ("Ethernet", "Loopback Pseudo-Interface 1"), as in libuv.
 *
 * Traps:
 * - The buffer size it needs is only known by asking, and can grow
 *   between the sizing call and the real one (an adapter appears):
 *   retried on ERROR_BUFFER_OVERFLOW, a few times.
 * - There is no netmask, only the prefix length (OnLinkPrefixLength), from
 *   which the mask is built.
 * - The loopback adapter is recognised by its type
 *   (IF_TYPE_SOFTWARE_LOOPBACK), not by its name, which is localised.
 * - A hardware address longer than six bytes keeps its first six.
 */
#include "os.h"

#include <iphlpapi.h>
#include <string.h>

#define UV__GAA_FLAGS (GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST | \
                       GAA_FLAG_SKIP_DNS_SERVER)

static int adapters(IP_ADAPTER_ADDRESSES** out) {
  IP_ADAPTER_ADDRESSES* buf;
  ULONG size;
  ULONG r;
  int tries;

  *out = NULL;
  buf = NULL;
  size = 16 * 1024;
  for (tries = 0; tries < 5; tries++) {
    buf = uv__reallocf(buf, size);
    if (buf == NULL)
      return UV_ENOMEM;
    r = GetAdaptersAddresses(AF_UNSPEC, UV__GAA_FLAGS, NULL, buf, &size);
    if (r == ERROR_SUCCESS) {
      *out = buf;
      return 0;
    }
    if (r == ERROR_NO_DATA) {
      uv__free(buf);
      return 0;  /* no adapter at all */
    }
    if (r != ERROR_BUFFER_OVERFLOW) {
      uv__free(buf);
      return uv_translate_sys_error((int) r);
    }
  }
  uv__free(buf);
  return UV_EAGAIN;
}

static int usable(const IP_ADAPTER_UNICAST_ADDRESS* u) {
  int family;

  family = u->Address.lpSockaddr->sa_family;
  return family == AF_INET || family == AF_INET6;
}

/* A mask of `bits` leading one bits over n bytes. */
static void prefix_mask(unsigned char* mask, size_t n, unsigned int bits) {
  size_t i;

  for (i = 0; i < n; i++) {
    if (bits >= 8) {
      mask[i] = 0xFF;
      bits -= 8;
    } else {
      mask[i] = (unsigned char) (0xFF00u >> bits);
      bits = 0;
    }
  }
}

static void fill_entry(uv_interface_address_t* e,
                       const IP_ADAPTER_ADDRESSES* a,
                       const IP_ADAPTER_UNICAST_ADDRESS* u) {
  const struct sockaddr* sa;
  size_t n;

  memset(e->phys_addr, 0, sizeof(e->phys_addr));
  n = a->PhysicalAddressLength;
  if (n > sizeof(e->phys_addr))
    n = sizeof(e->phys_addr);
  memcpy(e->phys_addr, a->PhysicalAddress, n);
  e->is_internal = a->IfType == IF_TYPE_SOFTWARE_LOOPBACK;

  sa = u->Address.lpSockaddr;
  memset(&e->address, 0, sizeof(e->address));
  memset(&e->netmask, 0, sizeof(e->netmask));
  if (sa->sa_family == AF_INET) {
    memcpy(&e->address.address4, sa, sizeof(e->address.address4));
    e->netmask.netmask4.sin_family = AF_INET;
    prefix_mask((unsigned char*) &e->netmask.netmask4.sin_addr, 4,
                u->OnLinkPrefixLength);
  } else {
    memcpy(&e->address.address6, sa, sizeof(e->address.address6));
    e->netmask.netmask6.sin6_family = AF_INET6;
    prefix_mask((unsigned char*) &e->netmask.netmask6.sin6_addr, 16,
                u->OnLinkPrefixLength);
  }
}

int uv_interface_addresses(uv_interface_address_t** addresses, int* count) {
  const IP_ADAPTER_UNICAST_ADDRESS* u;
  const IP_ADAPTER_ADDRESSES* a;
  IP_ADAPTER_ADDRESSES* list;
  uv_interface_address_t* out;
  int n;
  int k;
  int r;

  if (addresses == NULL || count == NULL)
    return UV_EINVAL;
  *addresses = NULL;
  *count = 0;

  r = adapters(&list);
  if (r != 0)
    return r;

  n = 0;
  for (a = list; a != NULL; a = a->Next)
    if (a->OperStatus == IfOperStatusUp)
      for (u = a->FirstUnicastAddress; u != NULL; u = u->Next)
        n += usable(u);

  /* One slot more, so that none up still gives a freeable array. */
  out = uv__calloc((size_t) n + 1, sizeof(*out));
  if (out == NULL) {
    uv__free(list);
    return UV_ENOMEM;
  }

  k = 0;
  for (a = list; a != NULL && k < n; a = a->Next) {
    if (a->OperStatus != IfOperStatusUp)
      continue;
    for (u = a->FirstUnicastAddress; u != NULL && k < n; u = u->Next) {
      if (!usable(u))
        continue;
      r = uv__utf8_from_wide(a->FriendlyName, -1, &out[k].name, NULL);
      if (r != 0) {
        uv_free_interface_addresses(out, k);
        uv__free(list);
        return r;
      }
      fill_entry(&out[k], a, u);
      k++;
    }
  }
  uv__free(list);
  *addresses = out;
  *count = k;
  return 0;
}
