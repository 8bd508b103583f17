/* uvcore — shared libraries (uv_dlopen, uv_dlsym, uv_dlclose, uv_dlerror).
 *
 * Traps:
 * - dlerror() reports the last error of the calling thread and forgets it
 *   once read; its string is overwritten by the next dl* call.  Each
 *   uv_lib_t therefore keeps its own copy (lib->errmsg, ../dl.c), valid
 *   until the next call on that uv_lib_t, as libuv documents.
 * - A stale message from an earlier, unrelated dl* call would be taken for
 *   ours: dlerror() is called once before every operation to clear it.
 * - dlsym() may legitimately return NULL for a symbol whose value is NULL;
 *   only dlerror() tells failure apart.
 * - dlsym(NULL, name) is not an error on glibc: NULL is RTLD_DEFAULT, a
 *   search of every loaded object.  A uv_lib_t whose open failed (or that
 *   was closed) has a NULL handle, so uv_dlsym() refuses it instead of
 *   quietly finding a symbol of some other library.
 * - As in libuv, the functions that can fail return -1 (not a UV_E* code)
 *   with the reason in uv_dlerror(); only a NULL lib gets UV_EINVAL, since
 *   there is nowhere to put a message.  uv_dlclose() must be called even
 *   after a failed uv_dlopen(), to free the message.
 * - dlopen() opens the file close-on-exec and closes it before returning
 *   (glibc), so no descriptor outlives the call.
 */
#include "internal.h"
#include "../dl.h"

#include <dlfcn.h>
#include <string.h>

/* Records the outcome of the dl* call just made: 0 if dlerror() has
 * nothing to say, else -1 with its message saved. */
static int take_dlerror(uv_lib_t* lib) {
  const char* msg;

  msg = dlerror();
  uv__dl_set_error(lib, msg);
  return msg != NULL ? -1 : 0;
}

int uv_dlopen(const char* filename, uv_lib_t* lib) {
  if (lib == NULL)
    return UV_EINVAL;
  /* The caller's struct is uninitialised: nothing in it may be freed. */
  lib->errmsg = NULL;
  (void) dlerror();
  /* A NULL filename opens the main program, as dlopen(3) does. */
  lib->handle = dlopen(filename, RTLD_LAZY);
  if (lib->handle != NULL)
    return 0;
  if (take_dlerror(lib) == 0)
    uv__dl_set_error(lib, "dlopen failed");
  return -1;
}

void uv__dl_close(uv_lib_t* lib) {
  /* A failing dlclose() only leaves the library loaded; nobody can act on
   * that, and its message would outlive the uv_lib_t. */
  (void) dlclose(lib->handle);
}

int uv__dl_sym(uv_lib_t* lib, const char* name, void** ptr) {
  void* sym;

  (void) dlerror();
  sym = dlsym(lib->handle, name);
  if (take_dlerror(lib) != 0)
    return -1;
  *ptr = sym;
  return 0;
}
