/* uvcore — facts about the running process: its ids, executable path,
 * working directory and scheduling priority.
 *
 * Traps:
 * - getpriority() returns -1 both for an error and for nice value -1: only
 *   errno, cleared before the call, tells them apart.
 * - On Linux the nice value belongs to a thread, not a process: pid 0 means
 *   the calling thread, a process id means that process's main thread, and
 *   new threads inherit their creator's value.  libuv has the same
 *   behaviour; we do not try to change every thread of a process.
 * - getcwd() reports only ERANGE for a short buffer, not the length it
 *   needed, which uv_cwd() must return: we ask again with a larger buffer.
 * - readlink() neither terminates nor reports truncation, and the kernel
 *   reads its size argument as an int (a huge size_t turns negative and
 *   fails with EINVAL).
 *
 * The executable path is Linux-specific (/proc) and is kept in its own
 * section below; another system's port provides uv_exepath() in a sibling
 * file (e.g. darwin-exepath.c, which CMake's name filters select).
 */
#include "internal.h"

#include <limits.h>
#include <string.h>
#include <sys/resource.h>

uv_pid_t uv_os_getpid(void) {
  return getpid();
}

uv_pid_t uv_os_getppid(void) {
  return getppid();
}

/* getcwd() gives "/" for the root and never a trailing slash otherwise;
 * strip one anyway, as libuv documents. */
static size_t strip_trailing_slash(char* path) {
  size_t len;

  len = strlen(path);
  if (len > 1 && path[len - 1] == '/')
    path[--len] = '\0';
  return len;
}

int uv_cwd(char* buffer, size_t* size) {
  char* big;
  size_t cap;
  size_t len;
  int err;

  if (buffer == NULL || size == NULL || *size == 0)
    return UV_EINVAL;

  if (getcwd(buffer, *size) != NULL) {
    *size = strip_trailing_slash(buffer);
    return 0;
  }
  if (errno != ERANGE)
    return uv__err();

  /* Too short: find the length the caller needs. */
  big = NULL;
  cap = *size < PATH_MAX ? PATH_MAX : *size;
  for (;;) {
    if (cap > SIZE_MAX / 2) {
      uv__free(big);
      return UV_ENOMEM;
    }
    cap *= 2;
    big = uv__reallocf(big, cap);
    if (big == NULL)
      return UV_ENOMEM;
    if (getcwd(big, cap) != NULL)
      break;
    if (errno != ERANGE) {
      err = uv__err();
      uv__free(big);
      return err;
    }
  }
  len = strip_trailing_slash(big);
  if (len < *size) {
    /* Another thread changed directory in between, to one that fits. */
    memcpy(buffer, big, len + 1);
    *size = len;
    err = 0;
  } else {
    *size = len + 1;
    err = UV_ENOBUFS;
  }
  uv__free(big);
  return err;
}

int uv_chdir(const char* dir) {
  if (dir == NULL)
    return UV_EINVAL;
  if (chdir(dir) != 0)
    return uv__err();
  return 0;
}

int uv_os_getpriority(uv_pid_t pid, int* priority) {
  int r;

  if (priority == NULL)
    return UV_EINVAL;
  errno = 0;
  r = getpriority(PRIO_PROCESS, (id_t) pid);
  if (r == -1 && errno != 0)
    return uv__err();
  *priority = r;
  return 0;
}

int uv_os_setpriority(uv_pid_t pid, int priority) {
  if (priority < UV_PRIORITY_HIGHEST || priority > UV_PRIORITY_LOW)
    return UV_EINVAL;
  /* EACCES: raising the priority needs CAP_SYS_NICE (or RLIMIT_NICE);
   * EPERM: the process belongs to another user; ESRCH: no such process. */
  if (setpriority(PRIO_PROCESS, (id_t) pid, priority) != 0)
    return uv__err();
  return 0;
}

/* ---- Linux only: the executable's path from /proc ---------------------- */
#if defined(__linux__)

/* libuv's contract, kept as is: a path longer than *size - 1 bytes is
 * silently truncated, and the call still succeeds with *size set to the
 * length written.  (A deleted executable reads "<path> (deleted)".) */
int uv_exepath(char* buffer, size_t* size) {
  size_t room;
  ssize_t n;

  if (buffer == NULL || size == NULL || *size == 0)
    return UV_EINVAL;

  room = *size - 1;
  if (room > INT_MAX)
    room = INT_MAX;
  n = 0;
  if (room > 0) {
    n = readlink("/proc/self/exe", buffer, room);
    if (n < 0)
      return uv__err();
  }
  buffer[n] = '\0';
  *size = (size_t) n;
  return 0;
}

#endif /* __linux__ */
