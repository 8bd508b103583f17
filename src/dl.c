/* uvcore — the portable half of shared libraries: the error message of a
 * uv_lib_t (uv_dlerror), argument checks, and closing; the platform files
 * (src/unix/dl.c over dlopen, src/win/dl.c over LoadLibraryExW) open and
 * look up.
 *
 * The system's own last-error text is per thread and overwritten by the
 * next call, so each uv_lib_t keeps a copy, valid until the next call on
 * that uv_lib_t, as libuv documents; uv_dlclose() frees it.
 */
#include "internal.h"
#include "dl.h"

/* Stands in for a message we could not copy; never freed. */
static char no_memory[] = "out of memory (copying the system's message)";

void uv__dl_set_error(uv_lib_t* lib, const char* msg) {
  if (lib->errmsg != no_memory)
    uv__free(lib->errmsg);
  lib->errmsg = NULL;
  if (msg != NULL) {
    lib->errmsg = uv__strdup(msg);
    if (lib->errmsg == NULL)
      lib->errmsg = no_memory;
  }
}

const char* uv_dlerror(const uv_lib_t* lib) {
  if (lib == NULL)
    return "invalid argument";
  return lib->errmsg != NULL ? lib->errmsg : "no error";
}

void uv_dlclose(uv_lib_t* lib) {
  if (lib == NULL)
    return;
  uv__dl_set_error(lib, NULL);
  if (lib->handle != NULL) {
    uv__dl_close(lib);
    lib->handle = NULL;
  }
}

int uv_dlsym(uv_lib_t* lib, const char* name, void** ptr) {
  if (lib == NULL)
    return UV_EINVAL;
  if (ptr != NULL)
    *ptr = NULL;
  if (name == NULL || ptr == NULL) {
    uv__dl_set_error(lib, "uv_dlsym: invalid argument");
    return -1;
  }
  /* A handle whose open failed (or that was closed) is NULL, which
   * dlsym() would read as "search everything". */
  if (lib->handle == NULL) {
    uv__dl_set_error(lib, "uv_dlsym: library is not open");
    return -1;
  }
  return uv__dl_sym(lib, name, ptr);
}
