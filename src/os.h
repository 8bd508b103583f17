/* uvcore — how a string is handed back in a caller's buffer: the contract
 * uv_os_getenv, uv_os_homedir, uv_os_tmpdir, uv_os_gethostname, uv_cwd
 * and the interface-name helpers share, on every platform. */
#ifndef UV_SRC_OS_H
#define UV_SRC_OS_H

#include "uv.h"

#include <string.h>

/* *size is the capacity of buffer, NUL included.  On success the string is
 * NUL-terminated and *size becomes its length without the NUL; when it does
 * not fit, *size becomes the capacity needed (NUL included) and the buffer
 * is left alone. */
static inline int uv__os_copy_out(const char* s, size_t len, char* buffer,
                                  size_t* size) {
  if (len >= *size) {
    *size = len + 1;
    return UV_ENOBUFS;
  }
  memcpy(buffer, s, len);
  buffer[len] = '\0';
  *size = len;
  return 0;
}

#endif /* UV_SRC_OS_H */
