/* uvcore — starting a child on Linux: clone(CLONE_VM | CLONE_VFORK).
 *
 * Like vfork(), the child borrows the parent's memory until it execs or
 * exits and the parent thread waits for that, so no page tables are copied
 * (fork()'s cost grows with the parent's memory; this does not), and by
 * the time clone() returns the child has exec'd or failed, so reading the
 * error pipe never blocks.
 * Unlike vfork(), the child runs on a stack of its own, so it cannot
 * clobber the parent's frames.  Traps handled:
 * - every signal is blocked in the parent thread across the clone, so no
 *   handler can run in the child while it shares the parent's memory (the
 *   child restores defaults before unblocking: spawn-child.c);
 * - CLONE_PIDFD (Linux 5.2) hands back a close-on-exec exit descriptor for
 *   free; older kernels reject the flag with EINVAL, and we retry without
 *   it and stop asking;
 * - a failed exec leaves a zombie: it is reaped here before returning;
 * - ThreadSanitizer's runtime cannot follow a child that shares the
 *   parent's memory (its per-thread state is the parent's): built with it,
 *   we fork() instead, which it intercepts, and take the pidfd with
 *   pidfd_open (Linux 5.3) since the child cannot be reaped before we ask.
 */
#include "process.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <pthread.h>

#if defined(__SANITIZE_THREAD__)
# define UV__SPAWN_FORK 1
#elif defined(__has_feature)
# if __has_feature(thread_sanitizer)
#  define UV__SPAWN_FORK 1
# endif
#endif

#if defined(UV__SPAWN_FORK)
# include <sys/syscall.h>
# include <unistd.h>
#endif

/* The child only sets up descriptors and execs, but lazy symbol binding
 * on a first call may need a few KiB of stack. */
#define CHILD_STACK_SIZE (64 * 1024)

#if defined(__has_attribute)
# if __has_attribute(no_sanitize)
__attribute__((no_sanitize("address", "undefined")))
# endif
#endif
static int child_entry(void* arg) {
  uv__spawn_child(arg);
}

int uv__spawn_start(struct uv__spawn_plan* plan, int want_pidfd,
                    pid_t* pid_out, int* pidfd_out) {
  sigset_t all;
  sigset_t saved;
  int errpipe[2];
  int child_errno;
  ssize_t r;
  char* stack;
  int pidfd;
  int flags;
  pid_t pid;
  int err;

  stack = mmap(NULL, CHILD_STACK_SIZE, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED)
    return uv__err();

  if (pipe2(errpipe, O_CLOEXEC) != 0) {
    err = uv__err();
    munmap(stack, CHILD_STACK_SIZE);
    return err;
  }
  plan->err_fd = errpipe[1];
  pidfd = -1;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &saved);

#if defined(UV__SPAWN_FORK)
  (void) flags;
  pid = fork();
  if (pid == 0)
    child_entry(plan);
  if (pid > 0 && want_pidfd) {
    pidfd = (int) syscall(SYS_pidfd_open, pid, 0);
    if (pidfd == -1) {
      uv__pidfd_unsupported();
      want_pidfd = 0;
    }
  }
#else
  flags = CLONE_VM | CLONE_VFORK | SIGCHLD;
  pid = clone(child_entry, stack + CHILD_STACK_SIZE,
              flags | (want_pidfd ? CLONE_PIDFD : 0), plan, &pidfd);
  if (pid == -1 && errno == EINVAL && want_pidfd) {
    uv__pidfd_unsupported();
    want_pidfd = 0;
    pidfd = -1;
    pid = clone(child_entry, stack + CHILD_STACK_SIZE, flags, plan, NULL);
  }
#endif
  err = pid == -1 ? uv__err() : 0;

  pthread_sigmask(SIG_SETMASK, &saved, NULL);
  uv__close(errpipe[1]);

  if (pid != -1) {
    /* Normally the child has exec'd or failed by now and this returns at
     * once; under fork emulation it waits for the exec. */
    do
      r = read(errpipe[0], &child_errno, sizeof(child_errno));
    while (r == -1 && errno == EINTR);
    if (r == (ssize_t) sizeof(child_errno))
      err = -child_errno;
  }
  uv__close(errpipe[0]);
  munmap(stack, CHILD_STACK_SIZE);

  if (pid == -1)
    return err;

  if (err != 0) {
    while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
      ;
    if (pidfd != -1)
      uv__close(pidfd);
    return err;
  }

  *pid_out = pid;
  *pidfd_out = want_pidfd ? pidfd : -1;
  return 0;
}
