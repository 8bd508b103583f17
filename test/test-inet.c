/* Tests of the IP address helpers: uv_inet_pton/ntop, uv_ip4_addr,
 * uv_ip6_addr (with scope), uv_ip_name and friends. */
#include "task.h"

#include <string.h>
#ifdef _WIN32
# include <iphlpapi.h>  /* if_nametoindex */
#else
# include <net/if.h>
#endif

/* Parses `in` as IPv6, formats it back and expects `out`; then checks that
 * `out` itself parses to the same bytes (the canonical form round-trips). */
static void check_ip6(const char* in, const char* out) {
  unsigned char a[16];
  unsigned char b[16];
  char text[64];

  ASSERT_OK(uv_inet_pton(AF_INET6, in, a));
  ASSERT_OK(uv_inet_ntop(AF_INET6, a, text, sizeof(text)));
  ASSERT_STR_EQ(text, out);
  ASSERT_OK(uv_inet_pton(AF_INET6, text, b));
  ASSERT_MEM_EQ(a, b, 16);
}

static void check_ip4(const char* in, const char* out) {
  unsigned char a[4];
  char text[32];

  ASSERT_OK(uv_inet_pton(AF_INET, in, a));
  ASSERT_OK(uv_inet_ntop(AF_INET, a, text, sizeof(text)));
  ASSERT_STR_EQ(text, out);
}

TEST(inet_pton_ntop_ip6_forms) {
  check_ip6("::", "::");
  check_ip6("::1", "::1");
  check_ip6("::2", "::2");
  check_ip6("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8");
  check_ip6("0001:0002:0003:0004:0005:0006:0007:0008", "1:2:3:4:5:6:7:8");
  check_ip6("ABCD:EF01:2345:6789:abcd:ef01:2345:6789",
            "abcd:ef01:2345:6789:abcd:ef01:2345:6789");
  check_ip6("0:0:0:0:0:0:0:0", "::");
  check_ip6("0:0:0:0:0:0:0:1", "::1");
  check_ip6("fe80::1", "fe80::1");
  check_ip6("1::", "1::");
  check_ip6("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0");
  check_ip6("::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8");
  /* A single zero group is never compressed (RFC 5952 4.2.2). */
  check_ip6("1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7");
  /* The longest run wins; on a tie the first one. */
  check_ip6("1:0:0:2:0:0:0:3", "1:0:0:2::3");
  check_ip6("1:0:0:2:0:0:3:4", "1::2:0:0:3:4");
  check_ip6("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1");
  /* Embedded IPv4: dotted output for mapped and compatible forms only. */
  check_ip6("::ffff:1.2.3.4", "::ffff:1.2.3.4");
  check_ip6("0:0:0:0:0:ffff:0102:0304", "::ffff:1.2.3.4");
  check_ip6("::FFFF:255.255.255.255", "::ffff:255.255.255.255");
  check_ip6("::ffff:0:0", "::ffff:0.0.0.0");
  check_ip6("::1.2.3.4", "::1.2.3.4");
  check_ip6("0::0:0:1.2.3.4", "::1.2.3.4");
  check_ip6("1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304");
  check_ip6("::ffff:abcd:1.2.3.4", "::ffff:abcd:102:304");
  check_ip6("64:ff9b::192.0.2.33", "64:ff9b::c000:221");
  return 0;
}

TEST(inet_pton_ip6_invalid) {
  static const char* const bad[] = {
    "", ":", ":::", "1::2::3", "::1::", "1:2", "1:", ":1", "::1:",
    "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8",
    "1:2:3:4::5:6:7:8", "12345::", "g::", "1:2:3:4:5:6:7", " ::1", "::1 ",
    "::1.2.3", "::1.2.3.4.5", "::256.1.1.1", "::01.2.3.4",
    "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.4:5", "1.2.3.4", "1:::2",
    "-1::", "0x1::", "::1 %eth0", "1::2::3%eth0"
  };
  unsigned char dst[16];
  unsigned char before[16];
  size_t i;

  for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    memset(dst, 0xA5, sizeof(dst));
    memcpy(before, dst, sizeof(dst));
    if (uv_inet_pton(AF_INET6, bad[i], dst) != UV_EINVAL) {
      fprintf(stderr, "accepted \"%s\"\n", bad[i]);
      ASSERT(0);
    }
    /* A rejected input leaves the destination untouched. */
    ASSERT_MEM_EQ(dst, before, sizeof(dst));
  }
  return 0;
}

TEST(inet_pton_ip6_zone_stripped) {
  unsigned char a[16];
  unsigned char b[16];

  ASSERT_OK(uv_inet_pton(AF_INET6, "fe80::1%eth0", a));
  ASSERT_OK(uv_inet_pton(AF_INET6, "fe80::1", b));
  ASSERT_MEM_EQ(a, b, 16);
  ASSERT_OK(uv_inet_pton(AF_INET6, "fe80::1%", a));
  ASSERT_MEM_EQ(a, b, 16);
  ASSERT_OK(uv_inet_pton(AF_INET6, "::ffff:1.2.3.4%7", a));
  ASSERT_OK(uv_inet_pton(AF_INET6, "::ffff:1.2.3.4", b));
  ASSERT_MEM_EQ(a, b, 16);
  /* The part before the % must still be valid. */
  ASSERT_EQ(uv_inet_pton(AF_INET6, "fe80:::1%eth0", a), UV_EINVAL);
  ASSERT_EQ(uv_inet_pton(AF_INET6, "%eth0", a), UV_EINVAL);
  /* IPv4 has no zones. */
  ASSERT_EQ(uv_inet_pton(AF_INET, "1.2.3.4%eth0", a), UV_EINVAL);
  return 0;
}

TEST(inet_pton_ntop_ip4) {
  static const char* const bad[] = {
    "", "1", "1.2", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1.2.3.256",
    "1.2.3.1000", "01.2.3.4", "1.2.3.04", "00.0.0.0", "1..2.3", ".1.2.3",
    "1.2.3.", "1.2.3.4 ", " 1.2.3.4", "a.b.c.d", "0x1.2.3.4", "1.2.3.-4",
    "4294967295", "1.2.3.4/8"
  };
  unsigned char dst[4];
  size_t i;

  check_ip4("0.0.0.0", "0.0.0.0");
  check_ip4("127.0.0.1", "127.0.0.1");
  check_ip4("255.255.255.255", "255.255.255.255");
  check_ip4("1.20.199.0", "1.20.199.0");

  ASSERT_OK(uv_inet_pton(AF_INET, "192.168.1.2", dst));
  ASSERT_EQ(dst[0], 192);
  ASSERT_EQ(dst[1], 168);
  ASSERT_EQ(dst[2], 1);
  ASSERT_EQ(dst[3], 2);

  for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    memset(dst, 0x5A, sizeof(dst));
    if (uv_inet_pton(AF_INET, bad[i], dst) != UV_EINVAL) {
      fprintf(stderr, "accepted \"%s\"\n", bad[i]);
      ASSERT(0);
    }
    ASSERT_EQ(dst[0], 0x5A);
  }
  return 0;
}

TEST(inet_ntop_enospc) {
  static const unsigned char v4[4] = { 255, 255, 255, 255 };
  static const unsigned char v6full[16] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
  };
  unsigned char loop6[16];
  char buf[64];

  /* "255.255.255.255" is 15 characters: 16 bytes needed with the NUL. */
  memset(buf, 'x', sizeof(buf));
  ASSERT_EQ(uv_inet_ntop(AF_INET, v4, buf, 15), UV_ENOSPC);
  ASSERT_EQ(buf[0], 'x');  /* nothing written on failure */
  ASSERT_EQ(uv_inet_ntop(AF_INET, v4, buf, 0), UV_ENOSPC);
  ASSERT_OK(uv_inet_ntop(AF_INET, v4, buf, 16));
  ASSERT_STR_EQ(buf, "255.255.255.255");

  /* 39 characters. */
  ASSERT_EQ(uv_inet_ntop(AF_INET6, v6full, buf, 39), UV_ENOSPC);
  ASSERT_OK(uv_inet_ntop(AF_INET6, v6full, buf, 40));
  ASSERT_STR_EQ(buf, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");

  ASSERT_OK(uv_inet_pton(AF_INET6, "::1", loop6));
  ASSERT_EQ(uv_inet_ntop(AF_INET6, loop6, buf, 3), UV_ENOSPC);
  ASSERT_EQ(uv_inet_ntop(AF_INET6, loop6, buf, 0), UV_ENOSPC);
  ASSERT_OK(uv_inet_ntop(AF_INET6, loop6, buf, 4));
  ASSERT_STR_EQ(buf, "::1");

  /* The longest possible text: 45 characters. */
  ASSERT_OK(uv_inet_pton(AF_INET6, "::ffff:255.255.255.255", loop6));
  ASSERT_EQ(uv_inet_ntop(AF_INET6, loop6, buf, 22), UV_ENOSPC);
  ASSERT_OK(uv_inet_ntop(AF_INET6, loop6, buf, 23));
  ASSERT_STR_EQ(buf, "::ffff:255.255.255.255");
  return 0;
}

TEST(inet_bad_arguments) {
  unsigned char dst[16];
  char buf[64];

  ASSERT_EQ(uv_inet_pton(AF_UNIX, "1.2.3.4", dst), UV_EAFNOSUPPORT);
  ASSERT_EQ(uv_inet_pton(12345, "::1", dst), UV_EAFNOSUPPORT);
  ASSERT_EQ(uv_inet_ntop(AF_UNIX, dst, buf, sizeof(buf)), UV_EAFNOSUPPORT);
  ASSERT_EQ(uv_inet_ntop(-1, dst, buf, sizeof(buf)), UV_EAFNOSUPPORT);

  ASSERT_EQ(uv_inet_pton(AF_INET, NULL, dst), UV_EINVAL);
  ASSERT_EQ(uv_inet_pton(AF_INET, "1.2.3.4", NULL), UV_EINVAL);
  ASSERT_EQ(uv_inet_pton(AF_INET6, NULL, dst), UV_EINVAL);
  ASSERT_EQ(uv_inet_ntop(AF_INET, NULL, buf, sizeof(buf)), UV_EINVAL);
  ASSERT_EQ(uv_inet_ntop(AF_INET6, dst, NULL, 64), UV_EINVAL);
  return 0;
}

/* Every 16-byte pattern over a small alphabet of group values, formatted
 * and parsed back: exercises every placement of zero runs.  Against the C
 * library too where it is glibc, whose output rules (from BIND) libuv's
 * match. */
TEST(inet_ip6_roundtrip_exhaustive) {
  static const unsigned int groups[] = { 0, 1, 0xffff };
  unsigned char a[16];
  unsigned char b[16];
  char ours[64];
  unsigned long n;
  unsigned long v;
  int i;
#if defined(__GLIBC__)
  char theirs[64];
#endif

  /* 3^8 = 6561 addresses. */
  for (n = 0; n < 6561; n++) {
    v = n;
    for (i = 0; i < 8; i++) {
      a[2 * i] = (unsigned char) (groups[v % 3] >> 8);
      a[2 * i + 1] = (unsigned char) (groups[v % 3] & 0xff);
      v /= 3;
    }
    ASSERT_OK(uv_inet_ntop(AF_INET6, a, ours, sizeof(ours)));
    ASSERT_OK(uv_inet_pton(AF_INET6, ours, b));
    ASSERT_MEM_EQ(a, b, 16);
#if defined(__GLIBC__)
    ASSERT_NOT_NULL(inet_ntop(AF_INET6, a, theirs, sizeof(theirs)));
    ASSERT_STR_EQ(ours, theirs);
#endif
  }
  return 0;
}

TEST(inet_ip4_addr) {
  struct sockaddr_in sa;
  char buf[32];

  memset(&sa, 0xff, sizeof(sa));
  ASSERT_OK(uv_ip4_addr("10.1.2.3", 8080, &sa));
  ASSERT_EQ(sa.sin_family, AF_INET);
  ASSERT_EQ(ntohs(sa.sin_port), 8080);
  ASSERT_UINT64_EQ(ntohl(sa.sin_addr.s_addr), 0x0A010203u);
  ASSERT_OK(uv_ip4_name(&sa, buf, sizeof(buf)));
  ASSERT_STR_EQ(buf, "10.1.2.3");
  ASSERT_OK(uv_ip_name((const struct sockaddr*) &sa, buf, sizeof(buf)));
  ASSERT_STR_EQ(buf, "10.1.2.3");
  ASSERT_EQ(uv_ip4_name(&sa, buf, 8), UV_ENOSPC);

  ASSERT_OK(uv_ip4_addr("0.0.0.0", 65535, &sa));
  ASSERT_EQ(ntohs(sa.sin_port), 65535);

  ASSERT_EQ(uv_ip4_addr("10.1.2", 80, &sa), UV_EINVAL);
  ASSERT_EQ(uv_ip4_addr("::1", 80, &sa), UV_EINVAL);
  ASSERT_EQ(uv_ip4_addr("localhost", 80, &sa), UV_EINVAL);
  ASSERT_EQ(uv_ip4_addr(NULL, 80, &sa), UV_EINVAL);
  ASSERT_EQ(uv_ip4_addr("1.2.3.4", 80, NULL), UV_EINVAL);
  ASSERT_EQ(uv_ip4_name(NULL, buf, sizeof(buf)), UV_EINVAL);
  return 0;
}

TEST(inet_ip6_addr) {
  struct sockaddr_in6 sa;
  unsigned char expect[16];
  char buf[64];

  memset(&sa, 0xff, sizeof(sa));
  ASSERT_OK(uv_ip6_addr("2001:db8::42", 443, &sa));
  ASSERT_EQ(sa.sin6_family, AF_INET6);
  ASSERT_EQ(ntohs(sa.sin6_port), 443);
  ASSERT_UINT64_EQ(sa.sin6_scope_id, 0);
  ASSERT_UINT64_EQ(sa.sin6_flowinfo, 0);
  ASSERT_OK(uv_inet_pton(AF_INET6, "2001:db8::42", expect));
  ASSERT_MEM_EQ(&sa.sin6_addr, expect, 16);
  ASSERT_OK(uv_ip6_name(&sa, buf, sizeof(buf)));
  ASSERT_STR_EQ(buf, "2001:db8::42");
  ASSERT_OK(uv_ip_name((const struct sockaddr*) &sa, buf, sizeof(buf)));
  ASSERT_STR_EQ(buf, "2001:db8::42");
  ASSERT_EQ(uv_ip6_name(&sa, buf, 12), UV_ENOSPC);

  ASSERT_EQ(uv_ip6_addr("1.2.3.4", 80, &sa), UV_EINVAL);
  ASSERT_EQ(uv_ip6_addr("1::2::3", 80, &sa), UV_EINVAL);
  ASSERT_EQ(uv_ip6_addr("fe80:::1%lo", 80, &sa), UV_EINVAL);
  ASSERT_EQ(uv_ip6_addr(NULL, 80, &sa), UV_EINVAL);
  ASSERT_EQ(uv_ip6_addr("::1", 80, NULL), UV_EINVAL);
  ASSERT_EQ(uv_ip6_name(NULL, buf, sizeof(buf)), UV_EINVAL);
  return 0;
}

TEST(inet_ip6_addr_scope) {
  struct sockaddr_in6 sa;
  unsigned char expect[16];
  unsigned int lo;
  char buf[64];

  ASSERT_OK(uv_inet_pton(AF_INET6, "fe80::1", expect));

  /* Numeric zone. */
  ASSERT_OK(uv_ip6_addr("fe80::1%1", 0, &sa));
  ASSERT_UINT64_EQ(sa.sin6_scope_id, 1);
  ASSERT_MEM_EQ(&sa.sin6_addr, expect, 16);
  ASSERT_OK(uv_ip6_addr("fe80::1%4294967295", 0, &sa));
  ASSERT_UINT64_EQ(sa.sin6_scope_id, 4294967295u);
  /* Out of range, or neither a number nor an interface: unscoped. */
  ASSERT_OK(uv_ip6_addr("fe80::1%4294967296", 0, &sa));
  ASSERT_UINT64_EQ(sa.sin6_scope_id, 0);
  ASSERT_OK(uv_ip6_addr("fe80::1%no-such-interface-here", 0, &sa));
  ASSERT_UINT64_EQ(sa.sin6_scope_id, 0);
  ASSERT_OK(uv_ip6_addr("fe80::1%", 0, &sa));
  ASSERT_UINT64_EQ(sa.sin6_scope_id, 0);
  ASSERT_MEM_EQ(&sa.sin6_addr, expect, 16);

  /* A zone on the longest text form is fine too (no fixed-size copy). */
  ASSERT_OK(uv_ip6_addr("0000:0000:0000:0000:0000:ffff:255.255.255.255%2",
                        0, &sa));
  ASSERT_UINT64_EQ(sa.sin6_scope_id, 2);

  /* By interface name: the loopback interface exists on every Linux box,
   * under a name that differs elsewhere. */
#ifdef _WIN32
  {
    /* The loopback has index 1; its NDIS name ("loopback_0") differs
     * between Windows and Wine, so ask the system. */
    char name[UV_IF_NAMESIZE];
    char text[64];
    NET_LUID luid;

    lo = 1;
    if (ConvertInterfaceIndexToLuid(lo, &luid) != NO_ERROR ||
        ConvertInterfaceLuidToNameA(&luid, name, sizeof(name)) != NO_ERROR)
      RETURN_SKIP("no interface with index 1");
    snprintf(text, sizeof(text), "fe80::1%%%s", name);
    ASSERT_OK(uv_ip6_addr(text, 0, &sa));
  }
#else
  lo = if_nametoindex("lo");
  if (lo != 0) {
    ASSERT_OK(uv_ip6_addr("fe80::1%lo", 0, &sa));
  } else {
    lo = if_nametoindex("lo0");
    if (lo == 0)
      RETURN_SKIP("no loopback interface named lo or lo0");
    ASSERT_OK(uv_ip6_addr("fe80::1%lo0", 0, &sa));
  }
#endif
  ASSERT_UINT64_EQ(sa.sin6_scope_id, lo);
  ASSERT_MEM_EQ(&sa.sin6_addr, expect, 16);

  /* uv_ip6_name prints the address only, never the zone. */
  ASSERT_OK(uv_ip6_name(&sa, buf, sizeof(buf)));
  ASSERT_STR_EQ(buf, "fe80::1");
  return 0;
}

TEST(inet_ip_name_family) {
  struct sockaddr_storage ss;
  char buf[64];

  memset(&ss, 0, sizeof(ss));
  ss.ss_family = AF_UNIX;
  ASSERT_EQ(uv_ip_name((const struct sockaddr*) &ss, buf, sizeof(buf)),
            UV_EAFNOSUPPORT);
  ss.ss_family = AF_UNSPEC;
  ASSERT_EQ(uv_ip_name((const struct sockaddr*) &ss, buf, sizeof(buf)),
            UV_EAFNOSUPPORT);
  ASSERT_EQ(uv_ip_name(NULL, buf, sizeof(buf)), UV_EINVAL);
  return 0;
}
