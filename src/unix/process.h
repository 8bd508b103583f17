/* uvcore — the internal interface of child processes on Unix.
 *
 * process.c owns the handle: it checks the options, creates the stdio
 * pipes, asks a start mechanism for a child, and observes the exit.  The
 * start mechanism (linux-spawn.c: clone(CLONE_VM|CLONE_VFORK)) and the
 * exit watcher (pidfd.c) are the kernel-specific parts; a kqueue port adds
 * siblings (posix_spawn or vfork, EVFILT_PROC) behind the same functions.
 * spawn-child.c is what runs inside the new child between its birth and
 * execve(): async-signal-safe code only, shared by every start mechanism.
 */
#ifndef UV_SRC_UNIX_PROCESS_H
#define UV_SRC_UNIX_PROCESS_H

#include "internal.h"

#include <sys/types.h>

/* Everything the child needs, prepared by the parent so the child neither
 * allocates nor reads shared state that another thread may be changing. */
struct uv__spawn_plan {
  const char* file;
  char* const* argv;
  char* const* envp;
  const char* search_path;  /* PATH to search when file has no '/' */
  const char* cwd;          /* NULL: stay */
  int* fds;                 /* per child slot: the descriptor to give it,
                               or -1 (slots 0-2: /dev/null; others: closed);
                               the child rewrites entries while shuffling */
  const unsigned char* keep_nonblock;  /* per slot: leave O_NONBLOCK alone */
  int nfds;                 /* at least 3 */
  unsigned int flags;       /* UV_PROCESS_* */
  uv_uid_t uid;
  uv_gid_t gid;
  char* scratch;            /* PATH_MAX + NAME_MAX bytes for the search */
  size_t scratch_len;
  int err_fd;               /* close-on-exec pipe: the child writes its
                               errno there when it cannot exec */
};

/* spawn-child.c: the child's side.  Never returns: execs, or writes its
 * errno to plan->err_fd and exits with 127. */
void uv__spawn_child(struct uv__spawn_plan* plan) __attribute__((noreturn));

/* The start mechanism (linux-spawn.c).  On success returns 0, with *pid
 * set and *pidfd a close-on-exec exit watcher descriptor, or -1 when the
 * mechanism cannot give one.  On failure returns the child's errno as a
 * UV_E* code after reaping the child, so nothing is left behind. */
int uv__spawn_start(struct uv__spawn_plan* plan, int want_pidfd,
                    pid_t* pid, int* pidfd);

/* Exit watchers (pidfd.c).  uv__pidfd_wanted(): whether exits should be
 * observed through a descriptor (the kernel has pidfds and the environment
 * variable UVCORE_NO_PIDFD does not force the SIGCHLD fallback). */
int uv__pidfd_wanted(void);
void uv__pidfd_unsupported(void);  /* the kernel said no: stop trying */
int uv__pidfd_send_signal(int pidfd, int signum);

/* loop.c calls these around the loop's lifetime. */
void uv__process_loop_init(uv_loop_t* loop);
void uv__process_loop_close(uv_loop_t* loop);
void uv__process_close(uv_process_t* process);

#endif /* UV_SRC_UNIX_PROCESS_H */
