/* interfaces: lists the network interfaces and their addresses.
 *
 * uv_interface_addresses returns one entry per (interface, address) pair,
 * with the name, the address, the netmask, the hardware address and
 * whether the interface is internal (loopback).  The array is ours until
 * uv_free_interface_addresses.  No loop is needed for this call.
 */
#include "common.h"

#include <stdio.h>

int main(int argc, char** argv) {
  uv_interface_address_t* addrs;
  char address[64], mask[64];
  int i, count;

  (void) argc;
  set_program_name(argv[0]);
  check(uv_interface_addresses(&addrs, &count), "uv_interface_addresses");
  printf("%d addresses\n", count);
  for (i = 0; i < count; i++) {
    const uv_interface_address_t* a = &addrs[i];
    const unsigned char* hw = (const unsigned char*) a->phys_addr;
    if (a->address.address4.sin_family == AF_INET) {
      check(uv_ip4_name(&a->address.address4, address, sizeof(address)),
            "uv_ip4_name");
      check(uv_ip4_name(&a->netmask.netmask4, mask, sizeof(mask)),
            "uv_ip4_name");
    } else {
      check(uv_ip6_name(&a->address.address6, address, sizeof(address)),
            "uv_ip6_name");
      check(uv_ip6_name(&a->netmask.netmask6, mask, sizeof(mask)),
            "uv_ip6_name");
    }
    printf("%s %s %s %s netmask %s hw %02x:%02x:%02x:%02x:%02x:%02x\n",
           a->name, a->is_internal ? "internal" : "external",
           a->address.address4.sin_family == AF_INET ? "IPv4" : "IPv6",
           address, mask, hw[0], hw[1], hw[2], hw[3], hw[4], hw[5]);
  }
  uv_free_interface_addresses(addrs, count);
  return 0;
}
