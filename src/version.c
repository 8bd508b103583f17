/* uvcore — the libuv API level this build implements. */
#include "internal.h"

#define UV__STR2(x) #x
#define UV__STR(x) UV__STR2(x)

#define UV__VERSION_STRING \
  UV__STR(UV_VERSION_MAJOR) "." UV__STR(UV_VERSION_MINOR) "." \
  UV__STR(UV_VERSION_PATCH)

unsigned int uv_version(void) {
  return UV_VERSION_HEX;
}

const char* uv_version_string(void) {
  return UV_VERSION_IS_RELEASE ? UV__VERSION_STRING
                               : UV__VERSION_STRING "-" UV_VERSION_SUFFIX;
}
