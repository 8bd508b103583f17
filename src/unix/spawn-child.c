/* uvcore — the child's side of uv_spawn(): what runs between the child's
 * birth and execve().
 *
 * The child may share the parent's memory (clone(CLONE_VM) or vfork), and
 * the parent may have other threads that held locks at the moment of the
 * split, so this file calls only async-signal-safe functions, allocates
 * nothing and writes only to the plan and its own stack.  Traps handled:
 * - a parent's signal handler must never run here (it would act on the
 *   parent's memory): the parent blocks every signal before the split, and
 *   the child sets every disposition back to the default before it
 *   unblocks anything;
 * - glibc's setuid()/setgid() broadcast the change to every thread of the
 *   "process", which in a CLONE_VM child are the parent's threads: the raw
 *   system calls change only this task;
 * - a stdio slot may name a descriptor that is another slot's target
 *   (stdin <-> stdout swaps): every source below the slot count is first
 *   moved above it, then each slot is filled by dup2();
 * - descriptors the user opened without close-on-exec must not leak into
 *   the child: everything above the last slot is closed before exec;
 * - a failure is reported through a close-on-exec pipe, not only through
 *   the shared memory: under valgrind (and any emulation that turns
 *   CLONE_VM|CLONE_VFORK into a plain fork) the parent sees no writes of
 *   the child's.
 */
#include "process.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__has_attribute)
# if __has_attribute(no_sanitize)
/* Sanitizer bookkeeping in a child that shares the parent's memory would
 * poison or allocate on the parent's behalf. */
#  define UV__CHILD_CODE __attribute__((no_sanitize("address", "undefined")))
# endif
#endif
#ifndef UV__CHILD_CODE
# define UV__CHILD_CODE
#endif

UV__CHILD_CODE
static void __attribute__((noreturn)) child_fail(struct uv__spawn_plan* plan,
                                                 int err) {
  ssize_t r;

  if (err == 0)
    err = EINVAL;
  do
    r = write(plan->err_fd, &err, sizeof(err));
  while (r == -1 && errno == EINTR);
  _exit(127);
}

UV__CHILD_CODE
static void reset_signals(void) {
  struct sigaction sa;
  int sig;

  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = SIG_DFL;
  /* Errors are expected for SIGKILL, SIGSTOP and the C library's own
   * real-time signals; none of them matters. */
  for (sig = 1; sig < NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP)
      sigaction(sig, &sa, NULL);
}

UV__CHILD_CODE
static int set_blocking(int fd) {
  int fl;

  fl = fcntl(fd, F_GETFL);
  if (fl == -1)
    return -1;
  if (fl & O_NONBLOCK)
    return fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  return 0;
}

UV__CHILD_CODE
static void close_from(int lowfd) {
  struct rlimit rl;
  int fd;

#if defined(SYS_close_range)
  if (syscall(SYS_close_range, (unsigned int) lowfd, ~0U, 0) == 0)
    return;
#endif
  /* Kernels before close_range(): walk the descriptor table's extent. */
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY ||
      rl.rlim_cur > INT_MAX)
    rl.rlim_cur = 65536;
  for (fd = lowfd; fd < (int) rl.rlim_cur; fd++)
    close(fd);
}

UV__CHILD_CODE
static void setup_fds(struct uv__spawn_plan* plan) {
  int* fds;
  int n;
  int i;
  int fd;

  fds = plan->fds;
  n = plan->nfds;

  /* The error pipe must survive the shuffle and the closing sweep. */
  if (plan->err_fd < n) {
    fd = fcntl(plan->err_fd, F_DUPFD_CLOEXEC, n);
    if (fd == -1)
      child_fail(plan, errno);
    plan->err_fd = fd;
  }

  /* Lift every source that sits on a slot number out of the way. */
  for (i = 0; i < n; i++) {
    fd = fds[i];
    if (fd < 0 || fd == i || fd >= n)
      continue;
    fd = fcntl(fd, F_DUPFD_CLOEXEC, n);
    if (fd == -1)
      child_fail(plan, errno);
    fds[i] = fd;
  }

  for (i = 0; i < n; i++) {
    fd = fds[i];
    if (fd < 0) {
      if (i > 2) {
        close(i);
        continue;
      }
      fd = open("/dev/null", i == 0 ? O_RDONLY : O_RDWR);
      if (fd == -1)
        child_fail(plan, errno);
      if (fd != i) {
        if (dup2(fd, i) == -1)
          child_fail(plan, errno);
        close(fd);
      }
      continue;
    }
    if (fd == i) {
      if (fcntl(fd, F_SETFD, 0) == -1)
        child_fail(plan, errno);
    } else if (dup2(fd, i) == -1) {
      child_fail(plan, errno);
    }
    /* Most programs expect blocking stdio; the descriptor may be one the
     * parent's loop made non-blocking. */
    if (i <= 2 && !plan->keep_nonblock[i] && set_blocking(i) == -1)
      child_fail(plan, errno);
  }

  /* Park the error pipe right above the slots, then sweep the rest. */
  if (plan->err_fd != n) {
    if (dup3(plan->err_fd, n, O_CLOEXEC) == -1)
      child_fail(plan, errno);
    plan->err_fd = n;
  }
  close_from(n + 1);
}

UV__CHILD_CODE
static void set_ids(struct uv__spawn_plan* plan) {
  if (!(plan->flags & (UV_PROCESS_SETUID | UV_PROCESS_SETGID)))
    return;
  /* Dropping from root must not keep root's supplementary groups; when
   * not privileged this fails harmlessly. */
  syscall(SYS_setgroups, 0, NULL);
  if ((plan->flags & UV_PROCESS_SETGID) &&
      syscall(SYS_setgid, (long) plan->gid) != 0)
    child_fail(plan, errno);
  if ((plan->flags & UV_PROCESS_SETUID) &&
      syscall(SYS_setuid, (long) plan->uid) != 0)
    child_fail(plan, errno);
}

/* execvp()'s search, with the PATH the parent chose (the one in the
 * child's environment when it has one) and no allocation.  EACCES from
 * one directory does not stop the search, but is what is reported if
 * nothing else is found. */
UV__CHILD_CODE
static int exec_search(struct uv__spawn_plan* plan) {
  const char* p;
  const char* end;
  size_t dirlen;
  size_t filelen;
  int seen_eacces;
  int err;

  if (strchr(plan->file, '/') != NULL) {
    execve(plan->file, plan->argv, plan->envp);
    return errno;
  }

  filelen = strlen(plan->file);
  seen_eacces = 0;
  err = ENOENT;
  p = plan->search_path;
  for (;;) {
    end = strchr(p, ':');
    if (end == NULL)
      end = p + strlen(p);
    dirlen = (size_t) (end - p);
    if (dirlen + 1 + filelen + 1 <= plan->scratch_len) {
      if (dirlen == 0) {
        /* An empty entry is the current directory. */
        memcpy(plan->scratch, plan->file, filelen + 1);
      } else {
        memcpy(plan->scratch, p, dirlen);
        plan->scratch[dirlen] = '/';
        memcpy(plan->scratch + dirlen + 1, plan->file, filelen + 1);
      }
      execve(plan->scratch, plan->argv, plan->envp);
      err = errno;
      switch (err) {
        case EACCES:
          seen_eacces = 1;
          break;
        case ENOENT:
        case ENOTDIR:
        case ESTALE:
        case ENODEV:
        case ETIMEDOUT:
        case ELOOP:
        case ENAMETOOLONG:
          break;
        default:
          return err;
      }
    }
    if (*end == '\0')
      break;
    p = end + 1;
  }
  return seen_eacces ? EACCES : err;
}

UV__CHILD_CODE
void uv__spawn_child(struct uv__spawn_plan* plan) {
  sigset_t none;

  reset_signals();

  if ((plan->flags & UV_PROCESS_DETACHED) && setsid() == -1)
    child_fail(plan, errno);

  setup_fds(plan);

  if (plan->cwd != NULL && chdir(plan->cwd) != 0)
    child_fail(plan, errno);

  set_ids(plan);

  sigemptyset(&none);
  if (sigprocmask(SIG_SETMASK, &none, NULL) != 0)
    child_fail(plan, errno);

  child_fail(plan, exec_search(plan));
}
