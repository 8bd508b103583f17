/* libFuzzer target: host name to ASCII (src/idna.c, what uv_getaddrinfo
 * hands the resolver).
 *
 * Any bytes, with an explicit length: the result is either an error code
 * or ASCII (no NUL) of the announced length, NUL-terminated, within a
 * 255-byte name and 63-byte labels; converting it again changes nothing;
 * a destination one byte short of it fails with UV_ENOSPC and stays
 * inside its bounds (ASan watches the heap copies).  The UTF-8 decoder is
 * walked over the input too: it must always advance and never pass end.
 */
#include <uv.h>

#include "idna.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const char* p;
  const char* end;
  const char* before;
  char* src;
  char* dst;
  char* again;
  size_t label;
  size_t i;
  int n;

  /* A heap copy exactly size bytes long: reading past it is caught. */
  src = malloc(size == 0 ? 1 : size);
  if (src == NULL)
    return 0;
  memcpy(src, data, size);

  p = src;
  end = src + size;
  while (p < end) {
    before = p;
    (void) uv__utf8_next(&p, end);
    if (p <= before || p > end)
      abort();
  }

  dst = malloc(UV__IDNA_MAX_NAME + 1);
  n = uv__idna_to_ascii(src, size, dst, UV__IDNA_MAX_NAME + 1);
  if (n < 0) {
    if (n != UV_EINVAL && n != UV_ENOSPC)
      abort();
  } else {
    if ((size_t) n != strlen(dst) || n > UV__IDNA_MAX_NAME)
      abort();
    label = 0;
    for (i = 0; i < (size_t) n; i++) {
      if (dst[i] == '\0' || (unsigned char) dst[i] > 0x7f)
        abort();
      label = dst[i] == '.' ? 0 : label + 1;
      if (label > UV__IDNA_MAX_LABEL)
        abort();
    }
    /* Already ASCII: a fixed point. */
    again = malloc((size_t) n + 1);
    if (uv__idna_to_ascii(dst, (size_t) n, again, (size_t) n + 1) != n ||
        memcmp(again, dst, (size_t) n + 1) != 0)
      abort();
    /* One byte short of room for the NUL. */
    if (uv__idna_to_ascii(src, size, again, (size_t) n) != UV_ENOSPC)
      abort();
    free(again);
  }
  free(dst);
  free(src);
  return 0;
}
