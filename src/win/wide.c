/* uvcore — the one place where Windows strings change encoding.
 *
 * UTF-8 at the API, UTF-16 at the system.  The WTF-8 rules (lone
 * surrogates survive the round trip) live in ../wtf8.c; this file only
 * sizes, allocates and hands over, so that paths, environment strings and
 * host names are all converted the same way.
 */
#include "internal.h"

int uv__wide_from_utf8(const char* utf8, WCHAR** out) {
  ssize_t n;
  WCHAR* w;

  *out = NULL;
  if (utf8 == NULL)
    return 0;
  n = uv_wtf8_length_as_utf16(utf8);
  if (n < 0)
    return UV_EINVAL;
  /* The count includes the NUL. */
  w = uv__malloc((size_t) n * sizeof(*w));
  if (w == NULL)
    return UV_ENOMEM;
  uv_wtf8_to_utf16(utf8, (uint16_t*) w, (size_t) n);
  *out = w;
  return 0;
}

int uv__utf8_from_wide(const WCHAR* wide, int len, char** out,
                       size_t* outlen) {
  size_t n;
  int err;

  *out = NULL;
  n = 0;
  err = uv_utf16_to_wtf8((const uint16_t*) wide, len, out, &n);
  if (err != 0)
    return err;
  if (outlen != NULL)
    *outlen = n;
  return 0;
}
