/* libFuzzer target: WTF-8 <-> UTF-16 (src/wtf8.c).
 *
 * As WTF-8: the input up to its first NUL is measured, converted into a
 * buffer of exactly the announced size, then every shorter buffer (the
 * output must stop early, whole units, NUL-terminated), and what came out
 * must convert back to WTF-8 and again to the same units.
 * As UTF-16: the input's 16-bit units (any values, lone surrogates
 * included) convert to WTF-8 into a buffer of ours and into caller
 * buffers of every size (UV_ENOBUFS below the need), and back to the same
 * units when no unit is 0 (a 0 unit ends NUL-terminated WTF-8).
 */
#include <uv.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

static size_t units_len(const uint16_t* u) {
  size_t n;

  for (n = 0; u[n] != 0; n++)
    ;
  return n;
}

static void from_wtf8(const uint8_t* data, size_t size) {
  uint16_t* u;
  uint16_t* again;
  char* s;
  char* w;
  size_t wlen;
  ssize_t need;
  size_t room;
  size_t got;

  s = malloc(size + 1);
  if (s == NULL)
    return;
  memcpy(s, data, size);
  s[size] = '\0';

  need = uv_wtf8_length_as_utf16(s);
  if (need < 0) {
    /* Invalid: conversion into any buffer must still stay inside it. */
    u = malloc(8 * sizeof(*u));
    uv_wtf8_to_utf16(s, u, 8);
    free(u);
    free(s);
    return;
  }
  /* The length counts the terminating 0 unit. */
  u = malloc((size_t) need * sizeof(*u));
  uv_wtf8_to_utf16(s, u, (size_t) need);
  if (units_len(u) != (size_t) need - 1)
    abort();

  for (room = 1; room < (size_t) need; room++) {
    again = malloc(room * sizeof(*again));
    uv_wtf8_to_utf16(s, again, room);
    got = units_len(again);
    if (got > room - 1 || memcmp(again, u, got * sizeof(*u)) != 0)
      abort();
    /* Filled, except for one unit when the next code point needs a
     * pair.  (A pair spelt as two three-byte sequences is two code
     * points, so it may be cut in the middle.) */
    if (got != room - 1 &&
        !(got == room - 2 && u[got] >= 0xD800 && u[got] <= 0xDBFF &&
          u[got + 1] >= 0xDC00 && u[got + 1] <= 0xDFFF))
      abort();
    free(again);
  }

  w = NULL;
  if (uv_utf16_to_wtf8(u, -1, &w, &wlen) != 0)
    abort();
  if (strlen(w) != wlen)
    abort();
  again = malloc((size_t) need * sizeof(*again));
  if (uv_wtf8_length_as_utf16(w) != need)
    abort();
  uv_wtf8_to_utf16(w, again, (size_t) need);
  if (memcmp(again, u, (size_t) need * sizeof(*u)) != 0)
    abort();
  free(again);
  free(w);
  free(u);
  free(s);
}

static void from_utf16(const uint8_t* data, size_t size) {
  uint16_t* u;
  uint16_t* back;
  size_t n;
  size_t need;
  size_t len;
  size_t cap;
  ssize_t units;
  char* w;
  char* buf;
  int has_zero;

  n = size / 2;
  u = malloc((n + 1) * sizeof(*u));
  if (u == NULL)
    return;
  memcpy(u, data, n * sizeof(*u));
  u[n] = 0;
  has_zero = units_len(u) != n;

  need = uv_utf16_length_as_wtf8(u, (ssize_t) n);
  w = NULL;
  if (uv_utf16_to_wtf8(u, (ssize_t) n, &w, &len) != 0 || len != need)
    abort();

  /* Caller buffers: cap bytes plus one for the NUL. */
  for (cap = 0; cap <= need; cap++) {
    buf = malloc(cap + 1);
    len = cap;
    if (uv_utf16_to_wtf8(u, (ssize_t) n, &buf, &len) !=
        (cap < need ? UV_ENOBUFS : 0))
      abort();
    if (cap == need && memcmp(buf, w, need + 1) != 0)
      abort();
    if (cap < need && len != need)
      abort();
    free(buf);
  }

  if (!has_zero) {
    units = uv_wtf8_length_as_utf16(w);
    if (units != (ssize_t) n + 1)
      abort();
    back = malloc((n + 1) * sizeof(*back));
    uv_wtf8_to_utf16(w, back, n + 1);
    if (memcmp(back, u, (n + 1) * sizeof(*u)) != 0)
      abort();
    free(back);
  }
  free(w);
  free(u);
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  from_wtf8(data, size);
  from_utf16(data, size);
  return 0;
}
