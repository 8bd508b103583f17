/* uvcore — errno to UV_E*: on Unix the codes are negated errno values. */
#include "internal.h"

int uv_translate_sys_error(int sys_errno) {
  return sys_errno <= 0 ? sys_errno : -sys_errno;
}
