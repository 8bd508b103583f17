/* uvcore — IP address text conversion and sockaddr helpers.
 *
 * Our own parser and formatter rather than the C library's inet_pton and
 * inet_ntop: those differ between platforms (leading zeros in IPv4 octets,
 * scope suffixes, which IPv6 addresses print in dotted form) and Windows
 * lacks them on old releases.  Parsing is locale-independent and never
 * writes the destination unless the whole input is valid.
 *
 * Output follows RFC 5952: lower-case hex without leading zeros, the
 * longest run (first on a tie) of two or more zero groups shown as "::",
 * and dotted IPv4 for the IPv4-compatible (::a.b.c.d) and IPv4-mapped
 * (::ffff:a.b.c.d) forms.
 */
#include "internal.h"
#include "inet.h"

#include <stdio.h>
#include <string.h>

/* "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255" plus NUL. */
#define UV__INET6_TEXT_MAX 46
#define UV__INET4_TEXT_MAX 16

static int dec_digit(char c) {
  return c >= '0' && c <= '9' ? c - '0' : -1;
}

static int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Exactly four decimal octets, each 0..255 without leading zeros (which
 * some parsers read as octal, so accepting them would be ambiguous). */
static int parse_ip4(const char* s, const char* end, unsigned char out[4]) {
  unsigned int v;
  int octet;
  int d;

  for (octet = 0; octet < 4; octet++) {
    if (octet > 0) {
      if (s == end || *s != '.')
        return UV_EINVAL;
      s++;
    }
    if (s == end || dec_digit(*s) < 0)
      return UV_EINVAL;
    if (*s == '0' && s + 1 != end && dec_digit(s[1]) >= 0)
      return UV_EINVAL;
    v = 0;
    while (s != end && (d = dec_digit(*s)) >= 0) {
      v = v * 10 + (unsigned int) d;
      if (v > 255)
        return UV_EINVAL;
      s++;
    }
    out[octet] = (unsigned char) v;
  }
  return s == end ? 0 : UV_EINVAL;
}

/* RFC 4291 2.2 text forms: eight groups of 1-4 hex digits, at most one
 * "::" standing for one or more zero groups, optionally ending in a dotted
 * IPv4 address that supplies the last two groups. */
static int parse_ip6(const char* s, const char* end, unsigned char out[16]) {
  unsigned char v4[4];
  unsigned int words[8];
  const char* group;
  unsigned int v;
  int nwords;
  int gap;
  int ndig;
  int d;
  int i;

  nwords = 0;
  gap = -1;

  if (s != end && *s == ':') {
    if (s + 1 == end || s[1] != ':')
      return UV_EINVAL;
    gap = 0;
    s += 2;
  }

  while (s != end) {
    group = s;
    v = 0;
    ndig = 0;
    while (s != end && (d = hex_digit(*s)) >= 0) {
      if (++ndig > 4)
        return UV_EINVAL;
      v = (v << 4) | (unsigned int) d;
      s++;
    }

    if (s != end && *s == '.') {
      /* The dotted tail re-reads the digits just scanned as decimal. */
      if (nwords > 6 || parse_ip4(group, end, v4) != 0)
        return UV_EINVAL;
      words[nwords++] = (unsigned int) (v4[0] << 8 | v4[1]);
      words[nwords++] = (unsigned int) (v4[2] << 8 | v4[3]);
      s = end;
      break;
    }

    if (ndig == 0 || nwords == 8)
      return UV_EINVAL;
    words[nwords++] = v;
    if (s == end)
      break;
    if (*s != ':')
      return UV_EINVAL;
    s++;
    if (s != end && *s == ':') {
      if (gap >= 0)
        return UV_EINVAL;
      gap = nwords;
      s++;
    } else if (s == end) {
      return UV_EINVAL;  /* a lone trailing colon */
    }
  }

  if (gap >= 0) {
    if (nwords == 8)
      return UV_EINVAL;  /* "::" must stand for at least one group */
    /* Slide the groups after the gap to the end, zero-filling between. */
    for (i = 7; i >= 8 - (nwords - gap); i--)
      words[i] = words[i - (8 - nwords)];
    for (i = gap; i < gap + (8 - nwords); i++)
      words[i] = 0;
  } else if (nwords != 8) {
    return UV_EINVAL;
  }

  for (i = 0; i < 8; i++) {
    out[2 * i] = (unsigned char) (words[i] >> 8);
    out[2 * i + 1] = (unsigned char) (words[i] & 0xFF);
  }
  return 0;
}

static int format_ip4(const unsigned char* b, char* dst, size_t size) {
  char tmp[UV__INET4_TEXT_MAX];
  int n;

  n = snprintf(tmp, sizeof(tmp), "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
  if (n <= 0 || (size_t) n >= size)
    return UV_ENOSPC;
  memcpy(dst, tmp, (size_t) n + 1);
  return 0;
}

static int format_ip6(const unsigned char* b, char* dst, size_t size) {
  char tmp[UV__INET6_TEXT_MAX];
  unsigned int words[8];
  int best_start;
  int best_len;
  int run_start;
  int dotted;
  int sep;
  size_t n;
  int i;

  for (i = 0; i < 8; i++)
    words[i] = (unsigned int) (b[2 * i] << 8 | b[2 * i + 1]);

  best_start = -1;
  best_len = 0;
  run_start = -1;
  for (i = 0; i <= 8; i++) {
    if (i < 8 && words[i] == 0) {
      if (run_start < 0)
        run_start = i;
      continue;
    }
    if (run_start >= 0 && i - run_start > best_len) {
      best_start = run_start;
      best_len = i - run_start;
    }
    run_start = -1;
  }
  if (best_len < 2)
    best_start = -1;  /* RFC 5952 4.2.2: a single zero group stays */

  dotted = best_start == 0 &&
           (best_len == 6 || (best_len == 5 && words[5] == 0xFFFF));

  n = 0;
  sep = 0;
  for (i = 0; i < 8;) {
    if (i == best_start) {
      tmp[n++] = ':';
      tmp[n++] = ':';
      i += best_len;
      sep = 0;
      continue;
    }
    if (dotted && i == 6) {
      if (sep)
        tmp[n++] = ':';
      n += (size_t) snprintf(tmp + n, sizeof(tmp) - n, "%u.%u.%u.%u",
                             b[12], b[13], b[14], b[15]);
      break;
    }
    if (sep)
      tmp[n++] = ':';
    n += (size_t) snprintf(tmp + n, sizeof(tmp) - n, "%x", words[i]);
    sep = 1;
    i++;
  }
  tmp[n] = '\0';

  if (n >= size)
    return UV_ENOSPC;
  memcpy(dst, tmp, n + 1);
  return 0;
}

int uv_inet_ntop(int af, const void* src, char* dst, size_t size) {
  if (src == NULL || dst == NULL)
    return UV_EINVAL;
  switch (af) {
    case AF_INET:
      return format_ip4(src, dst, size);
    case AF_INET6:
      return format_ip6(src, dst, size);
    default:
      return UV_EAFNOSUPPORT;
  }
}

int uv_inet_pton(int af, const char* src, void* dst) {
  unsigned char buf[16];
  const char* end;
  int r;

  if (src == NULL || dst == NULL)
    return UV_EINVAL;

  switch (af) {
    case AF_INET:
      r = parse_ip4(src, src + strlen(src), buf);
      if (r == 0)
        memcpy(dst, buf, 4);
      return r;
    case AF_INET6:
      /* A "%zone" suffix is allowed and ignored; uv_ip6_addr reads it. */
      end = strchr(src, '%');
      if (end == NULL)
        end = src + strlen(src);
      r = parse_ip6(src, end, buf);
      if (r == 0)
        memcpy(dst, buf, 16);
      return r;
    default:
      return UV_EAFNOSUPPORT;
  }
}

int uv_ip4_addr(const char* ip, int port, struct sockaddr_in* addr) {
  if (addr == NULL)
    return UV_EINVAL;
  memset(addr, 0, sizeof(*addr));
  addr->sin_family = AF_INET;
  addr->sin_port = htons((unsigned short) port);
#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__NetBSD__) || \
    defined(__OpenBSD__) || defined(__DragonFly__)
  addr->sin_len = sizeof(*addr);
#endif
  if (ip == NULL)
    return UV_EINVAL;
  return uv_inet_pton(AF_INET, ip, &addr->sin_addr);
}

int uv_ip6_addr(const char* ip, int port, struct sockaddr_in6* addr) {
  const char* zone;
  const char* end;
  int r;

  if (addr == NULL)
    return UV_EINVAL;
  memset(addr, 0, sizeof(*addr));
  addr->sin6_family = AF_INET6;
  addr->sin6_port = htons((unsigned short) port);
#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__NetBSD__) || \
    defined(__OpenBSD__) || defined(__DragonFly__)
  addr->sin6_len = sizeof(*addr);
#endif
  if (ip == NULL)
    return UV_EINVAL;

  end = ip + strlen(ip);
  zone = strchr(ip, '%');
  r = parse_ip6(ip, zone != NULL ? zone : end,
                (unsigned char*) &addr->sin6_addr);
  if (r != 0)
    return r;
  if (zone != NULL)
    addr->sin6_scope_id = uv__inet_scope_id(zone + 1,
                                            (size_t) (end - zone - 1));
  return 0;
}

int uv_ip4_name(const struct sockaddr_in* src, char* dst, size_t size) {
  if (src == NULL)
    return UV_EINVAL;
  return uv_inet_ntop(AF_INET, &src->sin_addr, dst, size);
}

int uv_ip6_name(const struct sockaddr_in6* src, char* dst, size_t size) {
  if (src == NULL)
    return UV_EINVAL;
  return uv_inet_ntop(AF_INET6, &src->sin6_addr, dst, size);
}

int uv_ip_name(const struct sockaddr* src, char* dst, size_t size) {
  if (src == NULL)
    return UV_EINVAL;
  switch (src->sa_family) {
    case AF_INET:
      return uv_ip4_name((const struct sockaddr_in*) src, dst, size);
    case AF_INET6:
      return uv_ip6_name((const struct sockaddr_in6*) src, dst, size);
    default:
      return UV_EAFNOSUPPORT;
  }
}
