/* uvcore — what the portable address helpers (inet.c) need from the
 * platform. */
#ifndef UV_SRC_INET_H
#define UV_SRC_INET_H

#include <stddef.h>

/* Maps the zone of a scoped IPv6 address ("eth0" in "fe80::1%eth0"), given
 * as zone[0..len) and not NUL-terminated, to a scope id: an interface name
 * first, else a decimal number.  Returns 0 when it is neither (the address
 * is then used unscoped). */
unsigned int uv__inet_scope_id(const char* zone, size_t len);

#endif /* UV_SRC_INET_H */
