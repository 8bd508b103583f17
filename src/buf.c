/* uvcore — uv_buf_t construction. */
#include "internal.h"

uv_buf_t uv_buf_init(char* base, unsigned int len) {
  uv_buf_t buf;

  buf.base = base;
  buf.len = len;
  return buf;
}
