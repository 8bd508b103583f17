/* uvcore — shared by the os-*.c files: the buffer contract lives in the
 * portable ../os.h (Windows uses it too). */
#ifndef UV_SRC_UNIX_OS_H
#define UV_SRC_UNIX_OS_H

#include "internal.h"
#include "../os.h"

#endif /* UV_SRC_UNIX_OS_H */
