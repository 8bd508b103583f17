/* uvcore — the host's name and the kernel's identity (uv_os_gethostname,
 * uv_os_uname).
 *
 * Traps:
 * - gethostname() truncates silently on some systems and need not
 *   NUL-terminate a truncated name: we read into a buffer of
 *   UV_MAXHOSTNAMESIZE bytes (more than any kernel allows; Linux caps the
 *   name at 64) and terminate it ourselves.
 * - struct utsname fields are 65 bytes on Linux and up to 256 elsewhere;
 *   uv_utsname_t's are 256, so a copy never truncates here, but a copy is
 *   still bounded in case some system's are larger.
 */
#include "internal.h"
#include "os.h"

#include <string.h>
#include <sys/utsname.h>

int uv_os_gethostname(char* buffer, size_t* size) {
  char name[UV_MAXHOSTNAMESIZE];

  if (buffer == NULL || size == NULL || *size == 0)
    return UV_EINVAL;
  if (gethostname(name, sizeof(name)) != 0)
    return uv__err();
  name[sizeof(name) - 1] = '\0';
  return uv__os_copy_out(name, strlen(name), buffer, size);
}

/* Copies a NUL-terminated utsname field (srccap bytes at most) into a
 * field of dstcap bytes, truncating and always terminating. */
static void copy_field(char* dst, size_t dstcap, const char* src,
                       size_t srccap) {
  size_t len;

  len = strnlen(src, srccap);
  if (len > dstcap - 1)
    len = dstcap - 1;
  memcpy(dst, src, len);
  dst[len] = '\0';
}

int uv_os_uname(uv_utsname_t* buffer) {
  struct utsname u;
  int err;

  if (buffer == NULL)
    return UV_EINVAL;
  if (uname(&u) != 0) {
    err = uv__err();
    /* Never leave the caller with stale or uninitialised strings. */
    buffer->sysname[0] = '\0';
    buffer->release[0] = '\0';
    buffer->version[0] = '\0';
    buffer->machine[0] = '\0';
    return err;
  }
  copy_field(buffer->sysname, sizeof(buffer->sysname), u.sysname,
             sizeof(u.sysname));
  copy_field(buffer->release, sizeof(buffer->release), u.release,
             sizeof(u.release));
  copy_field(buffer->version, sizeof(buffer->version), u.version,
             sizeof(u.version));
  copy_field(buffer->machine, sizeof(buffer->machine), u.machine,
             sizeof(u.machine));
  return 0;
}
