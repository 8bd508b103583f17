/* libFuzzer target: address parsing and formatting.
 *
 * The input, as a NUL-terminated string, goes through uv_ip4_addr,
 * uv_ip6_addr and uv_inet_pton for both families.  Whatever parses must
 * format back (uv_inet_ntop) to text that both we and the C library parse
 * to the same bytes, and formatting into every too-small buffer must fail
 * with UV_ENOSPC without writing past it (ASan watches the heap copy).
 * The first 16 bytes, taken as a raw address, are formatted the same way:
 * every 4- or 16-byte value must format.
 */
#include <uv.h>

#include <arpa/inet.h>
#include <assert.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

static void check_format(int af, const unsigned char* addr) {
  unsigned char back[16];
  char text[64];
  size_t len;
  size_t n;
  char* small;

  if (uv_inet_ntop(af, addr, text, sizeof(text)) != 0)
    abort();
  len = strlen(text);
  memset(back, 0, sizeof(back));
  if (uv_inet_pton(af, text, back) != 0)
    abort();
  if (memcmp(back, addr, af == AF_INET ? 4 : 16) != 0)
    abort();
  memset(back, 0, sizeof(back));
  if (inet_pton(af, text, back) != 1)
    abort();
  if (memcmp(back, addr, af == AF_INET ? 4 : 16) != 0)
    abort();

  /* Exactly len + 1 bytes fit; anything less is UV_ENOSPC. */
  for (n = 0; n <= len + 1; n++) {
    small = malloc(n == 0 ? 1 : n);
    if (small == NULL)
      abort();
    if (uv_inet_ntop(af, addr, small, n) != (n == len + 1 ? 0 : UV_ENOSPC))
      abort();
    if (n == len + 1 && strcmp(small, text) != 0)
      abort();
    free(small);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  struct sockaddr_in6 sin6;
  struct sockaddr_in sin;
  unsigned char raw[16];
  unsigned char addr[16];
  char* s;

  s = malloc(size + 1);
  if (s == NULL)
    return 0;
  memcpy(s, data, size);
  s[size] = '\0';

  if (uv_inet_pton(AF_INET, s, addr) == 0)
    check_format(AF_INET, addr);
  if (uv_inet_pton(AF_INET6, s, addr) == 0)
    check_format(AF_INET6, addr);
  /* The socket-address forms agree with uv_inet_pton (uv_ip6_addr also
   * takes a "%zone" suffix, so only success is compared there). */
  if (uv_ip4_addr(s, 80, &sin) == 0) {
    if (uv_inet_pton(AF_INET, s, addr) != 0 ||
        memcmp(&sin.sin_addr, addr, 4) != 0 || ntohs(sin.sin_port) != 80)
      abort();
  }
  if (uv_ip6_addr(s, 443, &sin6) == 0) {
    if (ntohs(sin6.sin6_port) != 443)
      abort();
    check_format(AF_INET6, (const unsigned char*) &sin6.sin6_addr);
  }
  (void) uv_inet_pton(AF_UNIX, s, addr);  /* UV_EAFNOSUPPORT */

  memset(raw, 0, sizeof(raw));
  memcpy(raw, data, size < sizeof(raw) ? size : sizeof(raw));
  check_format(AF_INET, raw);
  check_format(AF_INET6, raw);

  free(s);
  return 0;
}
