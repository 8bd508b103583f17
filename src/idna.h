/* uvcore — host name to ASCII (IDNA "ToASCII" as uv_getaddrinfo needs it).
 *
 * The resolver is handed the ASCII form we compute ourselves, so a name
 * resolves the same way whatever IDNA flavour (if any) the C library
 * implements.  Only the mechanical part is done: labels are split at the
 * four Unicode full stops, and every label holding a non-ASCII code point
 * becomes "xn--" plus its RFC 3492 Punycode.  No case folding or Unicode
 * normalisation is applied (ASCII letters keep their case), as in libuv.
 */
#ifndef UV_SRC_IDNA_H
#define UV_SRC_IDNA_H

#include <stddef.h>

/* Longest ASCII host name we accept, excluding the terminating NUL; DNS
 * caps a name at 255 octets and a label at 63. */
#define UV__IDNA_MAX_NAME 255
#define UV__IDNA_MAX_LABEL 63

/* Converts the UTF-8 name src[0..srclen) into dst (dstsize bytes,
 * NUL-terminated on success).  Returns the length of the result without
 * the NUL, or:
 *   UV_EINVAL  invalid UTF-8, a NUL byte, a label longer than 63 bytes or
 *              a name longer than 255 bytes after conversion;
 *   UV_ENOSPC  the result is valid but dst is too small for it.
 * dst's contents are unspecified after a failure. */
int uv__idna_to_ascii(const char* src, size_t srclen, char* dst,
                      size_t dstsize);

/* Decodes one UTF-8 sequence starting at *p (never reading at or past
 * end) and advances *p past the bytes it consumed.  Returns the code point,
 * or -1 for a malformed, overlong, surrogate or out-of-range sequence (then
 * *p has moved past at least one byte). */
long uv__utf8_next(const char** p, const char* end);

#endif /* UV_SRC_IDNA_H */
