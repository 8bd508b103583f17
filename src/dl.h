/* uvcore — what the platform dl.c files share (src/dl.c): each uv_lib_t
 * keeps its own copy of its last error message. */
#ifndef UV_SRC_DL_H
#define UV_SRC_DL_H

#include "uv.h"

/* Replaces lib's message with a copy of msg (NULL: no error).  When the
 * copy cannot be allocated, a fixed "out of memory" text stands in. */
void uv__dl_set_error(uv_lib_t* lib, const char* msg);

/* The platform halves.  uv__dl_sym: lib is open, name and ptr are not
 * NULL; looks name up into *ptr, or returns -1 with lib's message set.
 * uv__dl_close: releases an open handle. */
int uv__dl_sym(uv_lib_t* lib, const char* name, void** ptr);
void uv__dl_close(uv_lib_t* lib);

#endif /* UV_SRC_DL_H */
