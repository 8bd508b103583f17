/* uvcore — process descriptors (Linux 5.3+): a child's exit as a readable
 * descriptor, so the loop observes it like any other I/O and no SIGCHLD
 * handler is needed (which would race with an embedder's own handler or
 * a wildcard waitpid() elsewhere in the process).
 *
 * Signals sent through the descriptor cannot reach an unrelated process
 * that reused the pid.  Kernels without pidfds, seccomp filters that
 * refuse them, and the environment variable UVCORE_NO_PIDFD=1 (used by
 * the tests) send process.c to its SIGCHLD fallback.
 */
#include "process.h"

#include <stdlib.h>
#include <sys/syscall.h>

static int pidfd_broken;  /* atomic: the kernel refused once */

int uv__pidfd_wanted(void) {
  const char* s;

  if (__atomic_load_n(&pidfd_broken, __ATOMIC_RELAXED))
    return 0;
  s = getenv("UVCORE_NO_PIDFD");
  return s == NULL || *s == '\0' || *s == '0';
}

void uv__pidfd_unsupported(void) {
  __atomic_store_n(&pidfd_broken, 1, __ATOMIC_RELAXED);
}

int uv__pidfd_send_signal(int pidfd, int signum) {
#if defined(SYS_pidfd_send_signal)
  if (syscall(SYS_pidfd_send_signal, pidfd, signum, NULL, 0) == 0)
    return 0;
  return uv__err();
#else
  (void) pidfd;
  (void) signum;
  return UV_ENOSYS;
#endif
}
