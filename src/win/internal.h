/* uvcore — internal declarations shared by the Windows files in src/win/.
 *
 * The portable core's contract is ../platform.h; this header adds what the
 * Windows files need from each other.  The API speaks UTF-8 (WTF-8, so
 * that any file name the system can return survives a round trip) and the
 * system speaks UTF-16: every conversion goes through the two functions
 * below (wide.c), which are thin wrappers over the public WTF-8 code in
 * ../wtf8.c.
 */
#ifndef UV_SRC_WIN_INTERNAL_H
#define UV_SRC_WIN_INTERNAL_H

#include "../internal.h"

/* NUL-terminated WTF-8 -> newly allocated (uv__malloc) NUL-terminated
 * UTF-16.  0, UV_EINVAL for a malformed string or UV_ENOMEM; *out is
 * NULL on failure.  A NULL input gives a NULL *out and 0. */
int uv__wide_from_utf8(const char* utf8, WCHAR** out);

/* UTF-16 (len units, or -1 for NUL-terminated) -> newly allocated
 * (uv__malloc) NUL-terminated WTF-8; *outlen (may be NULL) gets its length
 * without the NUL.  0 or UV_ENOMEM / UV_EINVAL. */
int uv__utf8_from_wide(const WCHAR* wide, int len, char** out,
                       size_t* outlen);

#endif /* UV_SRC_WIN_INTERNAL_H */
