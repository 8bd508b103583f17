/* Tests of the UTF-16 <-> WTF-8 conversions: well-formed text, lone and
 * paired surrogates, every single 16-bit unit round-tripped, explicit
 * lengths, caller buffers that are too short, and invalid WTF-8. */

#include "task.h"

/* Converts utf16 (len units, or -1) with a library allocation and checks
 * the bytes. */
static void check_to_wtf8(const uint16_t* utf16, ssize_t len,
                          const char* expected) {
  char* out;
  size_t out_len;

  ASSERT_UINT64_EQ(uv_utf16_length_as_wtf8(utf16, len), strlen(expected));
  out = NULL;
  out_len = 12345;
  ASSERT_OK(uv_utf16_to_wtf8(utf16, len, &out, &out_len));
  ASSERT_NOT_NULL(out);
  ASSERT_UINT64_EQ(out_len, strlen(expected));
  ASSERT_STR_EQ(out, expected);
  free(out);
}

/* Converts wtf8 to UTF-16 and checks the units (expected_len of them, NUL
 * not counted). */
static void check_to_utf16(const char* wtf8, const uint16_t* expected,
                           size_t expected_len) {
  uint16_t out[64];
  ssize_t n;

  n = uv_wtf8_length_as_utf16(wtf8);
  ASSERT_EQ(n, (ssize_t) expected_len + 1);
  ASSERT_LE(n, 64);
  memset(out, 0xAA, sizeof(out));
  uv_wtf8_to_utf16(wtf8, out, (size_t) n);
  ASSERT_MEM_EQ(out, expected, expected_len * sizeof(uint16_t));
  ASSERT_EQ(out[expected_len], 0);
  ASSERT_EQ(out[expected_len + 1], 0xAAAA);  /* nothing written beyond */
}

TEST(wtf8_well_formed) {
  static const uint16_t ascii[] = { 'a', 'b', 'c', 0 };
  /* "h\u00e9\u20ac\U0001F600" : 1, 2, 3 and 4 bytes in UTF-8. */
  static const uint16_t mixed[] = { 'h', 0xE9, 0x20AC, 0xD83D, 0xDE00, 0 };
  static const char mixed8[] =
      "h\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
  /* The ends of the ranges: U+007F, U+0080, U+07FF, U+0800, U+FFFF,
   * U+10000, U+10FFFF. */
  static const uint16_t edges[] = { 0x7F, 0x80, 0x7FF, 0x800, 0xFFFF,
                                    0xD800, 0xDC00, 0xDBFF, 0xDFFF, 0 };
  static const char edges8[] =
      "\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF"
      "\xF0\x90\x80\x80\xF4\x8F\xBF\xBF";
  static const uint16_t empty[] = { 0 };

  check_to_wtf8(ascii, -1, "abc");
  check_to_wtf8(ascii, 3, "abc");
  check_to_wtf8(ascii, 2, "ab");
  check_to_utf16("abc", ascii, 3);

  check_to_wtf8(mixed, -1, mixed8);
  check_to_utf16(mixed8, mixed, 5);

  check_to_wtf8(edges, -1, edges8);
  check_to_utf16(edges8, edges, 9);

  check_to_wtf8(empty, -1, "");
  check_to_wtf8(empty, 0, "");
  check_to_utf16("", empty, 0);
  return 0;
}

TEST(wtf8_surrogates) {
  static const uint16_t lone_high[] = { 'a', 0xD800, 'b', 0 };
  static const uint16_t lone_low[] = { 0xDC00, 0 };
  static const uint16_t reversed[] = { 0xDE00, 0xD83D, 0 };
  static const uint16_t pair[] = { 0xD83D, 0xDE00, 0 };
  static const uint16_t high_high_low[] = { 0xD83D, 0xD83D, 0xDE00, 0 };

  /* A lone surrogate is the three bytes of its value. */
  check_to_wtf8(lone_high, -1, "a\xED\xA0\x80" "b");
  check_to_utf16("a\xED\xA0\x80" "b", lone_high, 3);
  check_to_wtf8(lone_low, -1, "\xED\xB0\x80");
  check_to_utf16("\xED\xB0\x80", lone_low, 1);
  /* Low then high is two lone surrogates, not a pair. */
  check_to_wtf8(reversed, -1, "\xED\xB8\x80\xED\xA0\xBD");
  check_to_utf16("\xED\xB8\x80\xED\xA0\xBD", reversed, 2);
  /* A pair is one four-byte code point... */
  check_to_wtf8(pair, -1, "\xF0\x9F\x98\x80");
  /* ...unless the explicit length cuts it in two. */
  check_to_wtf8(pair, 1, "\xED\xA0\xBD");
  /* The first of two highs is lone; the second pairs. */
  check_to_wtf8(high_high_low, -1, "\xED\xA0\xBD\xF0\x9F\x98\x80");
  check_to_utf16("\xED\xA0\xBD\xF0\x9F\x98\x80", high_high_low, 3);
  /* A pair spelled as two three-byte sequences decodes to the pair (as in
   * libuv), so the UTF-16 is the same either way. */
  check_to_utf16("\xED\xA0\xBD\xED\xB8\x80", pair, 2);
  return 0;
}

TEST(wtf8_round_trip_every_unit) {
  uint16_t in[3];
  uint16_t back[4];
  char* out;
  size_t out_len;
  ssize_t n;
  uint32_t u;

  /* Every single unit but 0, between two ASCII letters, comes back as it
   * went in. */
  for (u = 1; u <= 0xFFFF; u++) {
    in[0] = 'x';
    in[1] = (uint16_t) u;
    in[2] = 'y';
    out = NULL;
    ASSERT_OK(uv_utf16_to_wtf8(in, 3, &out, &out_len));
    ASSERT_UINT64_EQ(out_len, 2 + (u < 0x80 ? 1 : u < 0x800 ? 2 : 3));
    n = uv_wtf8_length_as_utf16(out);
    ASSERT_EQ(n, 4);
    uv_wtf8_to_utf16(out, back, 4);
    ASSERT_MEM_EQ(back, in, sizeof(in));
    ASSERT_EQ(back[3], 0);
    free(out);
  }
  return 0;
}

TEST(wtf8_explicit_length_nul) {
  static const uint16_t with_nul[] = { 'A', 0, 'B' };
  char* out;
  size_t out_len;

  /* With an explicit length a 0 unit is data. */
  ASSERT_UINT64_EQ(uv_utf16_length_as_wtf8(with_nul, 3), 3);
  out = NULL;
  ASSERT_OK(uv_utf16_to_wtf8(with_nul, 3, &out, &out_len));
  ASSERT_UINT64_EQ(out_len, 3);
  ASSERT_MEM_EQ(out, "A\0B", 4);
  free(out);
  /* With -1 it ends the input. */
  ASSERT_UINT64_EQ(uv_utf16_length_as_wtf8(with_nul, -1), 1);
  return 0;
}

TEST(wtf8_caller_buffer) {
  static const uint16_t text[] = { 'a', 0xE9, 0xD83D, 0xDE00, 0 };
  char buf[16];
  char* p;
  size_t len;

  /* Length only. */
  len = 0;
  ASSERT_OK(uv_utf16_to_wtf8(text, -1, NULL, &len));
  ASSERT_UINT64_EQ(len, 7);
  ASSERT_OK(uv_utf16_to_wtf8(text, -1, NULL, NULL));

  /* *len excludes the NUL, which needs one more byte. */
  p = buf;
  len = 7;
  memset(buf, 'Z', sizeof(buf));
  ASSERT_OK(uv_utf16_to_wtf8(text, -1, &p, &len));
  ASSERT_PTR_EQ(p, buf);
  ASSERT_UINT64_EQ(len, 7);
  ASSERT_STR_EQ(buf, "a\xC3\xA9\xF0\x9F\x98\x80");
  ASSERT_EQ(buf[8], 'Z');

  /* Larger than needed: *len becomes the length used. */
  len = sizeof(buf) - 1;
  ASSERT_OK(uv_utf16_to_wtf8(text, -1, &p, &len));
  ASSERT_UINT64_EQ(len, 7);

  /* Too short: UV_ENOBUFS, the length needed, whole code points only,
   * NUL-terminated within the buffer. */
  len = 6;
  memset(buf, 'Z', sizeof(buf));
  ASSERT_EQ(uv_utf16_to_wtf8(text, -1, &p, &len), UV_ENOBUFS);
  ASSERT_UINT64_EQ(len, 7);
  ASSERT_STR_EQ(buf, "a\xC3\xA9");
  ASSERT_EQ(buf[7], 'Z');

  len = 0;
  ASSERT_EQ(uv_utf16_to_wtf8(text, -1, &p, &len), UV_ENOBUFS);
  ASSERT_UINT64_EQ(len, 7);
  ASSERT_EQ(buf[0], '\0');

  /* Explicit length: exactly fits. */
  len = 3;
  ASSERT_OK(uv_utf16_to_wtf8(text, 2, &p, &len));
  ASSERT_UINT64_EQ(len, 3);
  ASSERT_STR_EQ(buf, "a\xC3\xA9");

  /* Bad input. */
  ASSERT_EQ(uv_utf16_to_wtf8(NULL, -1, &p, &len), UV_EINVAL);
  ASSERT_EQ(uv_utf16_to_wtf8(text, -1, &p, NULL), UV_EINVAL);
  ASSERT_UINT64_EQ(uv_utf16_length_as_wtf8(NULL, -1), 0);
  return 0;
}

TEST(wtf8_invalid) {
  static const char* const bad[] = {
    "\x80",                  /* stray continuation byte */
    "a\xBF" "b",
    "\xC0\x80",              /* overlong NUL */
    "\xC1\xBF",              /* overlong two-byte */
    "\xE0\x80\x80",          /* overlong three-byte */
    "\xE0\x9F\xBF",
    "\xF0\x8F\xBF\xBF",      /* overlong four-byte */
    "\xF4\x90\x80\x80",      /* above U+10FFFF */
    "\xF5\x80\x80\x80",
    "\xFF",
    "\xC3",                  /* truncated by the NUL */
    "\xE2\x82",
    "\xF0\x9F\x98",
    "\xE2" "a" "\xAC",       /* interrupted */
    "ok\xF0\x9F\x98" "ok",
  };
  static const uint16_t prefix[] = { 'o', 'k' };
  uint16_t out[8];
  size_t i;

  for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    ASSERT_EQ(uv_wtf8_length_as_utf16(bad[i]), -1);
  ASSERT_EQ(uv_wtf8_length_as_utf16(NULL), UV_EINVAL);

  /* Converting anyway stops at the bad sequence, terminated. */
  memset(out, 0xAA, sizeof(out));
  uv_wtf8_to_utf16("ok\xF0\x9F\x98" "ok", out, 8);
  ASSERT_MEM_EQ(out, prefix, sizeof(prefix));
  ASSERT_EQ(out[2], 0);
  ASSERT_EQ(out[3], 0xAAAA);
  uv_wtf8_to_utf16(NULL, out, 8);
  uv_wtf8_to_utf16("x", NULL, 8);
  return 0;
}

TEST(wtf8_to_utf16_short_buffer) {
  /* "a" U+1F600 "b": 4 units and the NUL. */
  static const char text[] = "a\xF0\x9F\x98\x80" "b";
  uint16_t out[8];

  ASSERT_EQ(uv_wtf8_length_as_utf16(text), 5);

  /* Room for 2 units: the pair does not fit and is not split. */
  memset(out, 0xAA, sizeof(out));
  uv_wtf8_to_utf16(text, out, 3);
  ASSERT_EQ(out[0], 'a');
  ASSERT_EQ(out[1], 0);
  ASSERT_EQ(out[3], 0xAAAA);

  memset(out, 0xAA, sizeof(out));
  uv_wtf8_to_utf16(text, out, 4);
  ASSERT_EQ(out[0], 'a');
  ASSERT_EQ(out[1], 0xD83D);
  ASSERT_EQ(out[2], 0xDE00);
  ASSERT_EQ(out[3], 0);
  ASSERT_EQ(out[4], 0xAAAA);

  memset(out, 0xAA, sizeof(out));
  uv_wtf8_to_utf16(text, out, 1);
  ASSERT_EQ(out[0], 0);
  ASSERT_EQ(out[1], 0xAAAA);

  /* Zero units: nothing is written at all. */
  uv_wtf8_to_utf16(text, out, 0);
  ASSERT_EQ(out[1], 0xAAAA);
  return 0;
}
