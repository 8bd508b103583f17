/* uvcore — version numbers.
 *
 * UV_VERSION_* name the libuv API level this library implements, so code
 * that tests them for features sees what it expects.  UVCORE_VERSION_*
 * number uvcore's own releases.
 */
#ifndef UV_VERSION_H
#define UV_VERSION_H

#define UV_VERSION_MAJOR 1
#define UV_VERSION_MINOR 52
#define UV_VERSION_PATCH 0
#define UV_VERSION_IS_RELEASE 1
#define UV_VERSION_SUFFIX ""

#define UV_VERSION_HEX \
  ((UV_VERSION_MAJOR << 16) | (UV_VERSION_MINOR << 8) | (UV_VERSION_PATCH))

#define UVCORE_VERSION_MAJOR 0
#define UVCORE_VERSION_MINOR 1
#define UVCORE_VERSION_PATCH 0

#define UVCORE_VERSION_HEX \
  ((UVCORE_VERSION_MAJOR << 16) | (UVCORE_VERSION_MINOR << 8) | \
   (UVCORE_VERSION_PATCH))

#endif /* UV_VERSION_H */
