/* uvcore — uv_random on Windows: bytes from the system's CSPRNG.
 *
 * BCryptGenRandom with the system-preferred generator, or, where bcrypt.dll
 * cannot be loaded or lacks it, RtlGenRandom (exported by advapi32.dll as
 * SystemFunction036, with no import library entry of its own).  Both are
 * looked up once, at run time, so nothing extra is linked.  The request
 * itself (argument checks, the thread pool) is portable: ../random.c.
 *
 * Traps:
 * - The DLLs are loaded from System32 only (LOAD_LIBRARY_SEARCH_SYSTEM32):
 *   a bcrypt.dll planted in the current directory must not be our source of
 *   randomness.  They stay loaded for the life of the process.
 * - Both take a ULONG length: fine, ../random.c caps requests at 2^31 - 1
 *   bytes (the limit libuv documents).
 */
#include "internal.h"

#include <string.h>

#ifndef BCRYPT_USE_SYSTEM_PREFERRED_RNG
# define BCRYPT_USE_SYSTEM_PREFERRED_RNG 0x00000002
#endif

typedef LONG (WINAPI *uv__bcrypt_gen_random_t)(void* alg, unsigned char* buf,
                                               ULONG len, ULONG flags);
typedef BOOLEAN (WINAPI *uv__rtl_gen_random_t)(void* buf, ULONG len);

static uv_once_t source_once = UV_ONCE_INIT;
static uv__bcrypt_gen_random_t bcrypt_gen_random;
static uv__rtl_gen_random_t rtl_gen_random;

static FARPROC system_proc(const WCHAR* dll, const char* name) {
  HMODULE m;

  m = LoadLibraryExW(dll, NULL, LOAD_LIBRARY_SEARCH_SYSTEM32);
  if (m == NULL)
    return NULL;
  return GetProcAddress(m, name);
}

static void find_source(void) {
  FARPROC p;

  /* Casting through void (*)(void) keeps -Wcast-function-type quiet: the
   * types come from the documented prototypes. */
  p = system_proc(L"bcrypt.dll", "BCryptGenRandom");
  if (p != NULL) {
    bcrypt_gen_random = (uv__bcrypt_gen_random_t) (void (*)(void)) p;
    return;
  }
  p = system_proc(L"advapi32.dll", "SystemFunction036");
  if (p != NULL)
    rtl_gen_random = (uv__rtl_gen_random_t) (void (*)(void)) p;
}

int uv__random_fill(void* buf, size_t len) {
  if (len == 0)
    return 0;
  uv_once(&source_once, find_source);
  if (bcrypt_gen_random != NULL) {
    /* An NTSTATUS: negative is failure. */
    if (bcrypt_gen_random(NULL, buf, (ULONG) len,
                          BCRYPT_USE_SYSTEM_PREFERRED_RNG) < 0)
      return UV_EIO;
    return 0;
  }
  if (rtl_gen_random != NULL) {
    if (!rtl_gen_random(buf, (ULONG) len))
      return UV_EIO;
    return 0;
  }
  return UV_ENOSYS;
}
