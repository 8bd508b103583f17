/* uvcore — shared libraries on Windows (uv_dlopen and the platform halves
 * of uv_dlsym and uv_dlclose; the rest is ../dl.c).
 *
 * Traps:
 * - LoadLibraryExW with LOAD_WITH_ALTERED_SEARCH_PATH, as libuv: a DLL
 *   named by an absolute path finds its own dependencies in its own
 *   directory, not the program's.
 * - The system's messages ("The specified module could not be found.")
 *   do not name the module or symbol; ours start with it, so a caller's
 *   log says which one.  They are asked for in US English first (stable
 *   for callers matching on them), in the user's language where that
 *   text is not installed.
 * - There is no "the program itself" (dlopen(NULL)): a NULL file name is
 *   refused with a message, as every other failure is (-1).
 */
#include "internal.h"
#include "../dl.h"

#include <stdio.h>
#include <string.h>

/* Sets lib's message to "<what>: <system text for err>". */
static void set_system_error(uv_lib_t* lib, const char* what, DWORD err) {
  WCHAR* text;
  char* utf8;
  char* msg;
  size_t len;
  DWORD n;

  text = NULL;
  n = FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER |
                     FORMAT_MESSAGE_FROM_SYSTEM |
                     FORMAT_MESSAGE_IGNORE_INSERTS,
                     NULL, err, MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US),
                     (WCHAR*) &text, 0, NULL);
  if (n == 0)
    n = FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER |
                       FORMAT_MESSAGE_FROM_SYSTEM |
                       FORMAT_MESSAGE_IGNORE_INSERTS,
                       NULL, err, 0, (WCHAR*) &text, 0, NULL);
  /* The system's text ends with a line break. */
  while (n > 0 && (text[n - 1] == L'\r' || text[n - 1] == L'\n' ||
                   text[n - 1] == L' '))
    n--;
  utf8 = NULL;
  len = 0;
  if (n == 0 || uv__utf8_from_wide(text, (int) n, &utf8, &len) != 0)
    utf8 = NULL;
  if (text != NULL)
    LocalFree(text);

  len = strlen(what) + 2 + (utf8 != NULL ? len : 24) + 1;
  msg = uv__malloc(len);
  if (msg == NULL) {
    uv__free(utf8);
    uv__dl_set_error(lib, "out of memory");
    return;
  }
  if (utf8 != NULL)
    snprintf(msg, len, "%s: %s", what, utf8);
  else
    snprintf(msg, len, "%s: error %lu", what, (unsigned long) err);
  uv__free(utf8);
  uv__dl_set_error(lib, msg);
  uv__free(msg);
}

int uv_dlopen(const char* filename, uv_lib_t* lib) {
  WCHAR* filenamew;
  DWORD err;
  int r;

  if (lib == NULL)
    return UV_EINVAL;
  /* The caller's struct is uninitialised: nothing in it may be freed. */
  lib->handle = NULL;
  lib->errmsg = NULL;
  if (filename == NULL) {
    uv__dl_set_error(lib, "uv_dlopen: a file name is needed on Windows");
    return -1;
  }
  r = uv__wide_from_utf8(filename, &filenamew);
  if (r != 0) {
    uv__dl_set_error(lib, r == UV_ENOMEM
                              ? "uv_dlopen: out of memory"
                              : "uv_dlopen: the file name is not UTF-8");
    return -1;
  }
  lib->handle = LoadLibraryExW(filenamew, NULL,
                               LOAD_WITH_ALTERED_SEARCH_PATH);
  err = GetLastError();
  uv__free(filenamew);
  if (lib->handle != NULL)
    return 0;
  set_system_error(lib, filename, err);
  return -1;
}

void uv__dl_close(uv_lib_t* lib) {
  /* A failure only leaves the library loaded; nobody can act on it. */
  (void) FreeLibrary(lib->handle);
}

int uv__dl_sym(uv_lib_t* lib, const char* name, void** ptr) {
  FARPROC p;

  p = GetProcAddress(lib->handle, name);
  if (p == NULL) {
    set_system_error(lib, name, GetLastError());
    return -1;
  }
  uv__dl_set_error(lib, NULL);
  /* A code address as a data pointer: what the API hands back. */
  memcpy(ptr, &p, sizeof(*ptr));
  return 0;
}
