/* uvcore — conversions between UTF-16 and WTF-8 (uv_utf16_to_wtf8 and
 * friends).
 *
 * WTF-8 is UTF-8 extended to carry UTF-16 that is not well formed: an
 * unpaired surrogate (U+D800..U+DFFF) is written as the three-byte
 * sequence its value would have in generalised UTF-8, so any array of
 * 16-bit units survives a round trip.  Windows file names are such arrays;
 * that is what libuv needs this for, and why it exports it.
 *
 * Traps:
 * - A high surrogate followed by a low one is one code point (four bytes),
 *   but either alone, or in the wrong order, is kept as is (three bytes
 *   each).  With an explicit length the pair must lie wholly inside it.
 * - Strict WTF-8 forbids a pair written as two three-byte sequences; libuv
 *   decodes them as the two units they stand for, and so do we (the UTF-16
 *   that comes out is the same either way).  Overlong forms, stray
 *   continuation bytes, truncated sequences and anything above U+10FFFF
 *   are invalid.
 * - With an explicit UTF-16 length a 0 unit is data (written as a 0 byte);
 *   with length -1 it ends the input.
 * - The decoder reads the input only up to its NUL: a truncated sequence
 *   fails at the NUL, which is never a continuation byte.
 */
#include "internal.h"

#include <string.h>

/* ---- UTF-16 -> WTF-8 --------------------------------------------------- */

static int is_high(uint32_t u) {
  return u >= 0xD800 && u <= 0xDBFF;
}

static int is_low(uint32_t u) {
  return u >= 0xDC00 && u <= 0xDFFF;
}

/* The code point at s[i] (a pair combined), and how many units it took;
 * 0 at the end of the input.  len < 0: NUL-terminated input. */
static size_t utf16_next(const uint16_t* s, ssize_t len, size_t i,
                         uint32_t* cp) {
  uint32_t u;

  if (len < 0 ? s[i] == 0 : i >= (size_t) len)
    return 0;
  u = s[i];
  /* For NUL-terminated input s[i + 1] exists (it is at worst the NUL). */
  if (is_high(u) && (len < 0 || i + 1 < (size_t) len) && is_low(s[i + 1])) {
    *cp = 0x10000 + ((u - 0xD800) << 10) + (s[i + 1] - 0xDC00);
    return 2;
  }
  *cp = u;
  return 1;
}

static size_t wtf8_size(uint32_t cp) {
  if (cp < 0x80)
    return 1;
  if (cp < 0x800)
    return 2;
  if (cp < 0x10000)
    return 3;
  return 4;
}

static size_t wtf8_put(char* out, uint32_t cp) {
  unsigned char* o;

  o = (unsigned char*) out;
  switch (wtf8_size(cp)) {
    case 1:
      o[0] = (unsigned char) cp;
      return 1;
    case 2:
      o[0] = (unsigned char) (0xC0 | (cp >> 6));
      o[1] = (unsigned char) (0x80 | (cp & 0x3F));
      return 2;
    case 3:
      o[0] = (unsigned char) (0xE0 | (cp >> 12));
      o[1] = (unsigned char) (0x80 | ((cp >> 6) & 0x3F));
      o[2] = (unsigned char) (0x80 | (cp & 0x3F));
      return 3;
    default:
      o[0] = (unsigned char) (0xF0 | (cp >> 18));
      o[1] = (unsigned char) (0x80 | ((cp >> 12) & 0x3F));
      o[2] = (unsigned char) (0x80 | ((cp >> 6) & 0x3F));
      o[3] = (unsigned char) (0x80 | (cp & 0x3F));
      return 4;
  }
}

size_t uv_utf16_length_as_wtf8(const uint16_t* utf16, ssize_t utf16_len) {
  uint32_t cp;
  size_t total;
  size_t i;
  size_t n;

  if (utf16 == NULL)
    return 0;
  total = 0;
  for (i = 0; (n = utf16_next(utf16, utf16_len, i, &cp)) != 0; i += n)
    total += wtf8_size(cp);
  return total;
}

/* Encodes whole code points into out[0..cap) and NUL-terminates (out has
 * cap + 1 bytes).  Returns the bytes written; *done tells whether the
 * whole input fit. */
static size_t utf16_encode(const uint16_t* utf16, ssize_t utf16_len,
                           char* out, size_t cap, int* done) {
  uint32_t cp;
  size_t used;
  size_t i;
  size_t n;

  used = 0;
  *done = 1;
  for (i = 0; (n = utf16_next(utf16, utf16_len, i, &cp)) != 0; i += n) {
    if (wtf8_size(cp) > cap - used) {
      *done = 0;
      break;
    }
    used += wtf8_put(out + used, cp);
  }
  out[used] = '\0';
  return used;
}

int uv_utf16_to_wtf8(const uint16_t* utf16, ssize_t utf16_len,
                     char** wtf8_ptr, size_t* wtf8_len_ptr) {
  size_t need;
  size_t used;
  char* buf;
  int done;

  if (utf16 == NULL)
    return UV_EINVAL;

  /* Only the length is wanted. */
  if (wtf8_ptr == NULL) {
    if (wtf8_len_ptr != NULL)
      *wtf8_len_ptr = uv_utf16_length_as_wtf8(utf16, utf16_len);
    return 0;
  }

  /* A buffer of ours, exactly the right size. */
  if (*wtf8_ptr == NULL) {
    need = uv_utf16_length_as_wtf8(utf16, utf16_len);
    buf = uv__malloc(need + 1);
    if (buf == NULL)
      return UV_ENOMEM;
    used = utf16_encode(utf16, utf16_len, buf, need, &done);
    assert(done && used == need);
    *wtf8_ptr = buf;
    if (wtf8_len_ptr != NULL)
      *wtf8_len_ptr = used;
    return 0;
  }

  /* The caller's buffer: *wtf8_len_ptr bytes plus one for the NUL. */
  if (wtf8_len_ptr == NULL)
    return UV_EINVAL;
  used = utf16_encode(utf16, utf16_len, *wtf8_ptr, *wtf8_len_ptr, &done);
  if (!done) {
    *wtf8_len_ptr = uv_utf16_length_as_wtf8(utf16, utf16_len);
    return UV_ENOBUFS;
  }
  *wtf8_len_ptr = used;
  return 0;
}

/* ---- WTF-8 -> UTF-16 --------------------------------------------------- */

/* Decodes the sequence at *p (not at the NUL) and advances *p past it.
 * Returns the code point (a lone surrogate included) or -1. */
static int32_t wtf8_next(const unsigned char** p) {
  const unsigned char* s;
  uint32_t cp;
  uint32_t min;
  int extra;
  int i;

  s = *p;
  if (s[0] < 0x80) {
    *p = s + 1;
    return s[0];
  }
  if (s[0] < 0xC2) {
    return -1;  /* a continuation byte, or an overlong two-byte lead */
  } else if (s[0] < 0xE0) {
    extra = 1;
    cp = s[0] & 0x1F;
    min = 0x80;
  } else if (s[0] < 0xF0) {
    extra = 2;
    cp = s[0] & 0x0F;
    min = 0x800;
  } else if (s[0] < 0xF5) {
    extra = 3;
    cp = s[0] & 0x07;
    min = 0x10000;
  } else {
    return -1;
  }
  for (i = 1; i <= extra; i++) {
    if ((s[i] & 0xC0) != 0x80)
      return -1;  /* includes the NUL of a truncated sequence */
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF)
    return -1;
  *p = s + extra + 1;
  return (int32_t) cp;
}

ssize_t uv_wtf8_length_as_utf16(const char* wtf8) {
  const unsigned char* p;
  int32_t cp;
  size_t units;

  if (wtf8 == NULL)
    return UV_EINVAL;
  p = (const unsigned char*) wtf8;
  units = 1;  /* the NUL */
  while (*p != 0) {
    cp = wtf8_next(&p);
    if (cp < 0)
      return -1;
    units += cp > 0xFFFF ? 2 : 1;
  }
  return (ssize_t) units;
}

/* libuv expects utf16_len to come from uv_wtf8_length_as_utf16() and
 * asserts otherwise; here a short buffer or invalid input just ends the
 * output early: at most utf16_len - 1 units, never half a pair, then the
 * NUL. */
void uv_wtf8_to_utf16(const char* wtf8, uint16_t* utf16, size_t utf16_len) {
  const unsigned char* p;
  int32_t cp;
  size_t room;
  size_t out;

  if (wtf8 == NULL || utf16 == NULL || utf16_len == 0)
    return;
  p = (const unsigned char*) wtf8;
  room = utf16_len - 1;
  out = 0;
  while (*p != 0) {
    cp = wtf8_next(&p);
    if (cp < 0)
      break;
    if (cp > 0xFFFF) {
      if (room - out < 2)
        break;
      utf16[out++] = (uint16_t) (0xD800 + ((cp - 0x10000) >> 10));
      utf16[out++] = (uint16_t) (0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      if (room - out < 1)
        break;
      utf16[out++] = (uint16_t) cp;
    }
  }
  utf16[out] = 0;
}
