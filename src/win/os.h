/* uvcore — shared by the Windows os-*.c and process-info.c files: the
 * system hands out UTF-16 strings, the API hands back UTF-8 in a caller's
 * buffer (the contract of ../os.h). */
#ifndef UV_SRC_WIN_OS_H
#define UV_SRC_WIN_OS_H

#include "internal.h"
#include "../os.h"

/* Converts wide (len units, or -1 for NUL-terminated) and copies it out
 * under the ../os.h contract (UV_ENOBUFS and the size needed when it does
 * not fit). */
int uv__win_copy_out_wide(const WCHAR* wide, int len, char* buffer,
                          size_t* size);

/* The value of the environment variable name as a newly allocated
 * (uv__malloc) string: 0, UV_ENOENT when it is not set, UV_ENOMEM. */
int uv__win_getenv(const WCHAR* name, WCHAR** value);

/* What a path-returning call hands back: one trailing backslash is
 * dropped, except from a drive root ("C:\").  Returns the new length. */
int uv__win_strip_trailing_slash(WCHAR* path, int len);

#endif /* UV_SRC_WIN_OS_H */
