/* uvcore — UTF-8 host names to their ASCII (Punycode) form.
 *
 * Written from RFC 3492 (Bootstring with the Punycode parameters) and the
 * label-separator rule of RFC 3490 section 3.1.  See idna.h for what is and
 * is not done.  Everything is bounded by the DNS limits (63-byte labels,
 * 255-byte names), so the work happens in small stack buffers and the
 * arithmetic cannot overflow: with at most 63 code points per label, none
 * above U+10FFFF, the Punycode delta stays below 0x110000 * 64.
 */
#include "internal.h"
#include "idna.h"

#include <string.h>

/* RFC 3492 section 5: the Punycode parameters. */
enum {
  PC_BASE = 36,
  PC_TMIN = 1,
  PC_TMAX = 26,
  PC_SKEW = 38,
  PC_DAMP = 700,
  PC_INITIAL_BIAS = 72,
  PC_INITIAL_N = 0x80
};

static const char ace_prefix[] = "xn--";

long uv__utf8_next(const char** p, const char* end) {
  const unsigned char* s;
  unsigned long cp;
  unsigned long min;
  int more;

  s = (const unsigned char*) *p;
  if ((const char*) s >= end)
    return -1;
  cp = *s++;

  if (cp < 0x80) {
    *p = (const char*) s;
    return (long) cp;
  }
  /* C0 and C1 can only start overlong two-byte forms; F5..FF start
   * sequences beyond U+10FFFF or are not lead bytes at all. */
  if (cp < 0xC2 || cp > 0xF4) {
    *p = (const char*) s;
    return -1;
  }
  if (cp < 0xE0) {
    more = 1;
    min = 0x80;
    cp &= 0x1F;
  } else if (cp < 0xF0) {
    more = 2;
    min = 0x800;
    cp &= 0x0F;
  } else {
    more = 3;
    min = 0x10000;
    cp &= 0x07;
  }

  while (more-- > 0) {
    /* A missing continuation byte is not consumed: it may begin the next
     * (valid) character, which matters to callers that resynchronise. */
    if ((const char*) s >= end || (*s & 0xC0) != 0x80) {
      *p = (const char*) s;
      return -1;
    }
    cp = (cp << 6) | (*s++ & 0x3F);
  }
  *p = (const char*) s;

  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return -1;
  return (long) cp;
}

/* RFC 3490 3.1: U+002E, U+3002 (ideographic), U+FF0E (fullwidth) and
 * U+FF61 (halfwidth ideographic) all separate labels. */
static int is_label_separator(unsigned long c) {
  return c == 0x2E || c == 0x3002 || c == 0xFF0E || c == 0xFF61;
}

static char pc_digit(unsigned long d) {
  return (char) (d < 26 ? 'a' + d : '0' + (d - 26));
}

/* RFC 3492 6.1. */
static unsigned long pc_adapt(unsigned long delta, unsigned long numpoints,
                              int first) {
  unsigned long k;

  delta = first ? delta / PC_DAMP : delta / 2;
  delta += delta / numpoints;
  k = 0;
  while (delta > ((PC_BASE - PC_TMIN) * PC_TMAX) / 2) {
    delta /= PC_BASE - PC_TMIN;
    k += PC_BASE;
  }
  return k + (PC_BASE - PC_TMIN + 1) * delta / (delta + PC_SKEW);
}

/* Appends one character to a label being built, failing once the label
 * would exceed the DNS limit. */
static int put(char* buf, size_t* len, char c) {
  if (*len >= UV__IDNA_MAX_LABEL)
    return UV_EINVAL;
  buf[(*len)++] = c;
  return 0;
}

/* Encodes cps[0..count) (at least one above U+007F) as "xn--" plus
 * Punycode (RFC 3492 6.3) into buf; returns the length or UV_EINVAL. */
static int punycode_label(const unsigned long* cps, size_t count, char* buf) {
  unsigned long n;
  unsigned long m;
  unsigned long delta;
  unsigned long bias;
  unsigned long q;
  unsigned long k;
  unsigned long t;
  size_t basic;
  size_t handled;
  size_t len;
  size_t i;

  memcpy(buf, ace_prefix, sizeof(ace_prefix) - 1);
  len = sizeof(ace_prefix) - 1;

  basic = 0;
  for (i = 0; i < count; i++) {
    if (cps[i] < 0x80) {
      if (put(buf, &len, (char) cps[i]))
        return UV_EINVAL;
      basic++;
    }
  }
  if (basic > 0 && put(buf, &len, '-'))
    return UV_EINVAL;

  n = PC_INITIAL_N;
  delta = 0;
  bias = PC_INITIAL_BIAS;
  handled = basic;

  while (handled < count) {
    /* The smallest code point not yet handled. */
    m = 0x110000;
    for (i = 0; i < count; i++)
      if (cps[i] >= n && cps[i] < m)
        m = cps[i];

    delta += (m - n) * (handled + 1);
    n = m;

    for (i = 0; i < count; i++) {
      if (cps[i] < n) {
        delta++;
        continue;
      }
      if (cps[i] != n)
        continue;

      /* Emit delta as a generalised variable-length integer. */
      q = delta;
      for (k = PC_BASE;; k += PC_BASE) {
        if (k <= bias)
          t = PC_TMIN;
        else if (k >= bias + PC_TMAX)
          t = PC_TMAX;
        else
          t = k - bias;
        if (q < t)
          break;
        if (put(buf, &len, pc_digit(t + (q - t) % (PC_BASE - t))))
          return UV_EINVAL;
        q = (q - t) / (PC_BASE - t);
      }
      if (put(buf, &len, pc_digit(q)))
        return UV_EINVAL;

      bias = pc_adapt(delta, handled + 1, handled == basic);
      delta = 0;
      handled++;
    }
    delta++;
    n++;
  }

  return (int) len;
}

int uv__idna_to_ascii(const char* src, size_t srclen, char* dst,
                      size_t dstsize) {
  unsigned long cps[UV__IDNA_MAX_LABEL];
  char label[UV__IDNA_MAX_LABEL];
  char out[UV__IDNA_MAX_NAME];
  const char* p;
  const char* end;
  size_t outlen;
  size_t count;
  size_t i;
  long c;
  int ascii;
  int more;
  int len;

  if (src == NULL) {
    if (srclen > 0)
      return UV_EINVAL;
    src = "";  /* no arithmetic on a null pointer, even + 0 */
  }

  p = src;
  end = src + srclen;
  outlen = 0;

  do {
    /* Collect one label's code points.  Every code point costs at least
     * one output byte, so more than 63 of them can never fit. */
    count = 0;
    ascii = 1;
    more = 0;
    while (p < end) {
      c = uv__utf8_next(&p, end);
      if (c <= 0)
        return UV_EINVAL;  /* malformed, or an embedded NUL */
      if (is_label_separator((unsigned long) c)) {
        more = 1;
        break;
      }
      if (count == UV__IDNA_MAX_LABEL)
        return UV_EINVAL;
      cps[count++] = (unsigned long) c;
      if (c >= 0x80)
        ascii = 0;
    }

    if (ascii) {
      for (i = 0; i < count; i++)
        label[i] = (char) cps[i];
      len = (int) count;
    } else {
      len = punycode_label(cps, count, label);
      if (len < 0)
        return len;
    }

    if ((size_t) len + (size_t) more > sizeof(out) - outlen)
      return UV_EINVAL;
    memcpy(out + outlen, label, (size_t) len);
    outlen += (size_t) len;
    if (more)
      out[outlen++] = '.';
  } while (more);

  if (dst == NULL || outlen >= dstsize)
    return UV_ENOSPC;
  memcpy(dst, out, outlen);
  dst[outlen] = '\0';
  return (int) outlen;
}
