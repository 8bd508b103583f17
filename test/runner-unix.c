/* POSIX platform layer of the test runner: processes, descriptors, clock. */

#if defined(__linux__) && !defined(_GNU_SOURCE)
# define _GNU_SOURCE
#endif

#include "runner.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef __APPLE__
# include <mach-o/dyld.h>
#endif

extern char** environ;

/* How long to keep reading a child's output after it has exited (and its
 * process group has been killed), for descendants that escaped the group
 * but still hold the pipe. */
#define UVTEST_DRAIN_MS 2000

static char exepath[PATH_MAX];

/* Self-pipe written by the SIGCHLD handler (parent only). */
static int sigchld_pipe[2] = { -1, -1 };
/* Process group of the running test, killed if the runner is interrupted. */
static volatile sig_atomic_t running_group;

/* ------------------------------------------------------------------------ */
/* Misc */

uint64_t uvtest_now_ms(void) {
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

long uvtest_getpid(void) {
  return (long) getpid();
}

int uvtest_setenv(const char* name, const char* value) {
  return setenv(name, value, 1) == 0 ? 0 : -errno;
}

void uvtest_remove_file(const char* path) {
  (void) unlink(path);
}

const char* uvtest_signal_name(int signum) {
  switch (signum) {
    case SIGABRT: return "SIGABRT";
    case SIGALRM: return "SIGALRM";
    case SIGBUS: return "SIGBUS";
    case SIGCHLD: return "SIGCHLD";
    case SIGFPE: return "SIGFPE";
    case SIGHUP: return "SIGHUP";
    case SIGILL: return "SIGILL";
    case SIGINT: return "SIGINT";
    case SIGKILL: return "SIGKILL";
    case SIGPIPE: return "SIGPIPE";
    case SIGQUIT: return "SIGQUIT";
    case SIGSEGV: return "SIGSEGV";
    case SIGSYS: return "SIGSYS";
    case SIGTERM: return "SIGTERM";
    case SIGTRAP: return "SIGTRAP";
    case SIGUSR1: return "SIGUSR1";
    case SIGUSR2: return "SIGUSR2";
    case SIGXCPU: return "SIGXCPU";
    case SIGXFSZ: return "SIGXFSZ";
    default: return NULL;
  }
}

static int set_cloexec_nonblock(int fd, int nonblock) {
  int flags;

  if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
    return -errno;
  if (nonblock) {
    flags = fcntl(fd, F_GETFL);
    if (flags == -1 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
      return -errno;
  }
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Initialisation */

/* Looks file up in $PATH the way execvp would; out has PATH_MAX bytes. */
static int search_path(const char* file, char* out) {
  const char* path;
  const char* p;
  const char* end;
  char candidate[PATH_MAX];
  size_t dirlen;

  path = getenv("PATH");
  if (path == NULL)
    return -1;
  for (p = path; ; p = end + 1) {
    end = strchr(p, ':');
    if (end == NULL)
      end = p + strlen(p);
    dirlen = (size_t) (end - p);
    if (dirlen == 0)
      snprintf(candidate, sizeof(candidate), "./%s", file);
    else
      snprintf(candidate, sizeof(candidate), "%.*s/%s", (int) dirlen, p,
               file);
    if (access(candidate, X_OK) == 0 && realpath(candidate, out) != NULL)
      return 0;
    if (*end == '\0')
      return -1;
  }
}

static int find_exepath(const char* argv0) {
#if defined(__linux__)
  ssize_t n;

  n = readlink("/proc/self/exe", exepath, sizeof(exepath) - 1);
  if (n > 0) {
    exepath[n] = '\0';
    return 0;
  }
#elif defined(__APPLE__)
  char buf[PATH_MAX];
  uint32_t size = sizeof(buf);

  if (_NSGetExecutablePath(buf, &size) == 0 && realpath(buf, exepath) != NULL)
    return 0;
#endif
  if (argv0 == NULL || *argv0 == '\0')
    return -1;
  if (strchr(argv0, '/') != NULL)
    return realpath(argv0, exepath) != NULL ? 0 : -1;
  return search_path(argv0, exepath);
}

int uvtest_platform_init(const char* argv0) {
  int fd;

  /* Make sure 0, 1 and 2 are open, so that no pipe we create lands there. */
  for (fd = 0; fd < 3; fd++) {
    if (fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
      int nfd = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
      if (nfd != -1 && nfd != fd) {
        dup2(nfd, fd);
        close(nfd);
      }
    }
  }

  if (find_exepath(argv0) != 0) {
    fprintf(stderr, "uvcore_tests: cannot determine the executable path\n");
    return -1;
  }
  return 0;
}

const char* uvtest_platform_exepath(void) {
  return exepath;
}

static void on_sigchld(int signum) {
  int saved_errno;
  char c;

  (void) signum;
  saved_errno = errno;
  c = 0;
  if (write(sigchld_pipe[1], &c, 1) == -1) {
    /* Full pipe: a wakeup is already pending. */
  }
  errno = saved_errno;
}

static void on_terminate(int signum) {
  pid_t group;

  group = (pid_t) running_group;
  if (group > 0) {
    /* The test leads its group: kill it all and reap the test itself. */
    kill(-group, SIGKILL);
    while (waitpid(group, NULL, 0) == -1 && errno == EINTR)
      ;
  }
  /* SA_RESETHAND restored the default action: die the same way. */
  raise(signum);
}

int uvtest_platform_parent_init(void) {
  struct sigaction sa;
  static const int fatal[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
  size_t i;

  if (sigchld_pipe[0] != -1)
    return 0;
  if (pipe(sigchld_pipe) != 0)
    return -errno;
  if (set_cloexec_nonblock(sigchld_pipe[0], 1) != 0 ||
      set_cloexec_nonblock(sigchld_pipe[1], 1) != 0)
    return -errno;

  memset(&sa, 0, sizeof(sa));
  sigemptyset(&sa.sa_mask);
  sa.sa_handler = on_sigchld;
  sa.sa_flags = SA_NOCLDSTOP | SA_RESTART;
  if (sigaction(SIGCHLD, &sa, NULL) != 0)
    return -errno;

  memset(&sa, 0, sizeof(sa));
  sigemptyset(&sa.sa_mask);
  sa.sa_handler = on_terminate;
  sa.sa_flags = SA_RESETHAND;
  for (i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
    if (sigaction(fatal[i], &sa, NULL) != 0)
      return -errno;
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Processes */

int uvtest_proc_spawn(uvtest_proc_t* proc, const char* const* argv,
                      unsigned flags) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  sigset_t sigdefault;
  sigset_t sigmask;
  short attr_flags;
  int pipefd[2] = { -1, -1 };
  pid_t pid;
  int err;

  memset(proc, 0, sizeof(*proc));
  proc->pid = -1;
  proc->out_fd = -1;
  proc->flags = flags;

  if (flags & UVTEST_PROC_CAPTURE) {
    if (pipe(pipefd) != 0)
      return -errno;
    if ((err = set_cloexec_nonblock(pipefd[0], 1)) != 0 ||
        (err = set_cloexec_nonblock(pipefd[1], 0)) != 0) {
      close(pipefd[0]);
      close(pipefd[1]);
      return err;
    }
  }

  err = posix_spawn_file_actions_init(&actions);
  if (err != 0)
    goto out_pipe;
  err = posix_spawnattr_init(&attr);
  if (err != 0)
    goto out_actions;

  if (flags & UVTEST_PROC_NULL_STDIN)
    err = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null",
                                           O_RDONLY, 0);
  /* dup2 clears FD_CLOEXEC on the target; the pipe's own descriptors are
   * close-on-exec and vanish in the child. */
  if (err == 0 && (flags & UVTEST_PROC_CAPTURE))
    err = posix_spawn_file_actions_adddup2(&actions, pipefd[1], 1);
  if (err == 0 && (flags & UVTEST_PROC_CAPTURE))
    err = posix_spawn_file_actions_adddup2(&actions, pipefd[1], 2);

  /* Leave the child with default dispositions for every signal (SIG_IGN
   * would otherwise survive the exec) and nothing blocked. */
  sigfillset(&sigdefault);
  sigdelset(&sigdefault, SIGKILL);
  sigdelset(&sigdefault, SIGSTOP);
  sigemptyset(&sigmask);
  attr_flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
  if (flags & UVTEST_PROC_NEW_GROUP)
    attr_flags |= POSIX_SPAWN_SETPGROUP;
  if (err == 0)
    err = posix_spawnattr_setsigdefault(&attr, &sigdefault);
  if (err == 0)
    err = posix_spawnattr_setsigmask(&attr, &sigmask);
  if (err == 0 && (flags & UVTEST_PROC_NEW_GROUP))
    err = posix_spawnattr_setpgroup(&attr, 0);
  if (err == 0)
    err = posix_spawnattr_setflags(&attr, attr_flags);

  if (err == 0)
    err = posix_spawn(&pid, argv[0], &actions, &attr, (char* const*) argv,
                      environ);

  posix_spawnattr_destroy(&attr);
out_actions:
  posix_spawn_file_actions_destroy(&actions);
out_pipe:
  if (pipefd[1] != -1)
    close(pipefd[1]);
  if (err != 0) {
    if (pipefd[0] != -1)
      close(pipefd[0]);
    return -err;
  }
  proc->pid = pid;
  proc->out_fd = pipefd[0];
  proc->new_group = (flags & UVTEST_PROC_NEW_GROUP) != 0;
  return 0;
}

int uvtest_proc_kill(uvtest_proc_t* proc) {
  if (proc->pid <= 0)
    return -EINVAL;
  return kill(proc->pid, SIGKILL) == 0 ? 0 : -errno;
}

static void kill_all(uvtest_proc_t* proc) {
  /* The child sets up its group before exec; if it has not got that far,
   * killing the group fails and the pid itself still gets the signal. */
  if (proc->new_group)
    kill(-proc->pid, SIGKILL);
  kill(proc->pid, SIGKILL);
}

/* Has the child exited?  Where possible, leave it a zombie so that its
 * process group id cannot be reused before the group has been killed. */
static int child_exited(uvtest_proc_t* proc, int* status, int* reaped) {
#ifdef WNOWAIT
  siginfo_t info;

  (void) status;
  *reaped = 0;
  memset(&info, 0, sizeof(info));
  if (waitid(P_PID, (id_t) proc->pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0)
    return info.si_pid == proc->pid;
  return errno == ECHILD;
#else
  pid_t r;

  r = waitpid(proc->pid, status, WNOHANG);
  *reaped = r == proc->pid;
  return r == proc->pid || (r == -1 && errno == ECHILD);
#endif
}

static void read_output(uvtest_proc_t* proc, uvtest_buf_t* out) {
  char chunk[65536];
  ssize_t n;

  for (;;) {
    n = read(proc->out_fd, chunk, sizeof(chunk));
    if (n > 0) {
      if (out != NULL)
        uvtest_buf_append(out, chunk, (size_t) n);
      continue;
    }
    if (n == -1 && errno == EINTR)
      continue;
    if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return;
    /* EOF or a real error: either way there is nothing more to read. */
    close(proc->out_fd);
    proc->out_fd = -1;
    return;
  }
}

static void drain_sigchld_pipe(void) {
  char buf[64];

  while (read(sigchld_pipe[0], buf, sizeof(buf)) > 0)
    ;
}

int uvtest_proc_wait(uvtest_proc_t* proc, int64_t timeout_ms,
                     uvtest_buf_t* out, uvtest_term_t* term) {
  struct pollfd pfd[2];
  uint64_t deadline;
  uint64_t drain_deadline;
  uint64_t now;
  int64_t wait_ms;
  int exited;
  int timed_out;
  int reaped;
  int status;
  nfds_t n;
  pid_t r;

  memset(term, 0, sizeof(*term));
  status = 0;
  reaped = 0;
  exited = 0;
  timed_out = 0;

  if (proc->out_fd == -1 && timeout_ms < 0)
    goto reap;  /* nothing to read and nothing to time: just wait */

  if (sigchld_pipe[0] == -1)
    return -EINVAL;  /* uvtest_platform_parent_init() was not called */

  if (proc->new_group)
    running_group = (sig_atomic_t) proc->pid;
  now = uvtest_now_ms();
  deadline = timeout_ms >= 0 ? now + (uint64_t) timeout_ms : UINT64_MAX;
  drain_deadline = 0;

  for (;;) {
    if (!exited && child_exited(proc, &status, &reaped)) {
      exited = 1;
      if (proc->new_group)
        kill(-proc->pid, SIGKILL);  /* leftovers of a finished test */
      drain_deadline = uvtest_now_ms() + UVTEST_DRAIN_MS;
    }
    if (exited && proc->out_fd == -1)
      break;

    now = uvtest_now_ms();
    if (!exited && now >= deadline) {
      timed_out = 1;
      kill_all(proc);
      exited = 1;
      drain_deadline = now + UVTEST_DRAIN_MS;
      continue;
    }
    if (exited && now >= drain_deadline)
      break;

    n = 0;
    if (proc->out_fd != -1) {
      pfd[n].fd = proc->out_fd;
      pfd[n].events = POLLIN;
      pfd[n].revents = 0;
      n++;
    }
    if (!exited) {
      pfd[n].fd = sigchld_pipe[0];
      pfd[n].events = POLLIN;
      pfd[n].revents = 0;
      n++;
    }
    if (exited)
      wait_ms = (int64_t) (drain_deadline - now);
    else if (deadline == UINT64_MAX)
      wait_ms = -1;
    else
      wait_ms = (int64_t) (deadline - now);
    if (wait_ms > INT_MAX)
      wait_ms = INT_MAX;

    if (poll(pfd, n, (int) wait_ms) == -1) {
      if (errno == EINTR)
        continue;
      break;  /* cannot happen with valid descriptors; reap below */
    }
    if (proc->out_fd != -1 && pfd[0].revents != 0)
      read_output(proc, out);
    if (!exited)
      drain_sigchld_pipe();
  }

  if (proc->out_fd != -1) {
    read_output(proc, out);
    if (proc->out_fd != -1) {
      close(proc->out_fd);
      proc->out_fd = -1;
    }
  }
  running_group = 0;

reap:
  if (!reaped) {
    do
      r = waitpid(proc->pid, &status, 0);
    while (r == -1 && errno == EINTR);
    if (r == -1)
      return -errno;
  }

  if (timed_out) {
    term->kind = UVTEST_TERM_TIMED_OUT;
  } else if (WIFSIGNALED(status)) {
    term->kind = UVTEST_TERM_SIGNALED;
    term->signum = WTERMSIG(status);
  } else {
    term->kind = UVTEST_TERM_EXITED;
    term->exit_code = WEXITSTATUS(status);
  }
  return 0;
}

/* ------------------------------------------------------------------------ */
/* File descriptors */

static int cmp_int(const void* a, const void* b) {
  int x = *(const int*) a;
  int y = *(const int*) b;
  return (x > y) - (x < y);
}

static int fdset_add(uvtest_fdset_t* set, size_t* cap, int fd) {
  int* p;

  if (set->count == *cap) {
    *cap = *cap ? *cap * 2 : 64;
    p = realloc(set->fds, *cap * sizeof(*p));
    if (p == NULL)
      return -ENOMEM;
    set->fds = p;
  }
  set->fds[set->count++] = fd;
  return 0;
}

int uvtest_fdset_snapshot(uvtest_fdset_t* set) {
  size_t cap;
  long max;
  int fd;

  set->fds = NULL;
  set->count = 0;
  cap = 0;

#ifdef __linux__
  {
    struct dirent* ent;
    DIR* dir;
    char* end;
    long v;

    dir = opendir("/proc/self/fd");
    if (dir != NULL) {
      while ((ent = readdir(dir)) != NULL) {
        if (ent->d_name[0] == '.')
          continue;
        v = strtol(ent->d_name, &end, 10);
        if (*end != '\0' || v < 0 || v > INT_MAX || v == dirfd(dir))
          continue;
        if (fdset_add(set, &cap, (int) v) != 0) {
          closedir(dir);
          uvtest_fdset_free(set);
          return -ENOMEM;
        }
      }
      closedir(dir);
      qsort(set->fds, set->count, sizeof(*set->fds), cmp_int);
      return 0;
    }
  }
#endif

  max = sysconf(_SC_OPEN_MAX);
  if (max <= 0 || max > 65536)
    max = 65536;
  for (fd = 0; fd < max; fd++) {
    if (fcntl(fd, F_GETFD) == -1)
      continue;
    if (fdset_add(set, &cap, fd) != 0) {
      uvtest_fdset_free(set);
      return -ENOMEM;
    }
  }
  return 0;
}

void uvtest_fdset_free(uvtest_fdset_t* set) {
  free(set->fds);
  set->fds = NULL;
  set->count = 0;
}

void uvtest_fd_describe(int fd, char* buf, size_t size) {
  struct stat st;
  const char* type;

#ifdef __linux__
  {
    char link[64];
    ssize_t n;

    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    n = readlink(link, buf, size - 1);
    if (n >= 0) {
      buf[n] = '\0';
      return;
    }
  }
#elif defined(F_GETPATH)
  {
    char path[PATH_MAX];

    if (fcntl(fd, F_GETPATH, path) == 0) {
      snprintf(buf, size, "%s", path);
      return;
    }
  }
#endif

  if (fstat(fd, &st) != 0) {
    snprintf(buf, size, "(fstat failed: %s)", strerror(errno));
    return;
  }
  if (S_ISSOCK(st.st_mode))
    type = "socket";
  else if (S_ISFIFO(st.st_mode))
    type = "pipe";
  else if (S_ISCHR(st.st_mode))
    type = "character device";
  else if (S_ISDIR(st.st_mode))
    type = "directory";
  else if (S_ISREG(st.st_mode))
    type = "regular file";
  else
    type = "other";
  snprintf(buf, size, "%s, inode %llu", type, (unsigned long long) st.st_ino);
}
