/* uvcore — child processes on Unix: uv_spawn(), exit notification, kill.
 *
 * uv_spawn() checks the options, creates the stdio pipes (socket pairs, as
 * libuv does, so handles can be passed over them), writes a plan the child
 * follows without allocating (spawn-child.c), and asks the start mechanism
 * (linux-spawn.c) for the child.  A failed exec is reported by uv_spawn()
 * itself with the child's errno; the child is reaped and every descriptor
 * made for it closed.
 *
 * Exits are observed per child, never with a wildcard waitpid(), so an
 * embedder's own children and other libraries' are never stolen:
 * - with a process descriptor (pidfd.c) the exit is a readable descriptor
 *   in the loop's backend;
 * - without one, an internal, unreferenced uv_signal_t on SIGCHLD per loop
 *   makes the loop try waitpid(pid, WNOHANG) on each child it started.
 *   It is started before the first such child is, so no exit is missed.
 * A handle closed while its child runs leaves an "orphan" record that reaps
 * the child when it exits, so closing early leaves no zombie behind.
 */
#include "process.h"
#include "stream.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>

extern char** environ;

/* Process state bits in flags. */
#define UV__PROCESS_EXITED 0x0100

/* A child whose handle was closed before it exited. */
struct uv__orphan {
  uv__io_t io;              /* its pidfd, or fd -1 in SIGCHLD mode */
  pid_t pid;
  struct uv__queue queue;
};

#define UV__PROCESS_KNOWN_FLAGS                                             \
  (UV_PROCESS_SETUID | UV_PROCESS_SETGID |                                  \
   UV_PROCESS_WINDOWS_VERBATIM_ARGUMENTS | UV_PROCESS_DETACHED |            \
   UV_PROCESS_WINDOWS_HIDE | UV_PROCESS_WINDOWS_HIDE_CONSOLE |              \
   UV_PROCESS_WINDOWS_HIDE_GUI | UV_PROCESS_WINDOWS_FILE_PATH_EXACT_NAME)

/* Reaps pid if it has exited.  Returns 1 with *status set, 0 while it
 * runs, -1 when it is not (or no longer) our child. */
static int try_reap(pid_t pid, int* status) {
  pid_t r;

  do
    r = waitpid(pid, status, WNOHANG);
  while (r == -1 && errno == EINTR);
  if (r == 0)
    return 0;
  return r == pid ? 1 : -1;
}

static void watcher_close(uv_loop_t* loop, uv__io_t* w) {
  int fd;

  fd = w->fd;
  if (fd == -1)
    return;
  uv__io_close(loop, w);
  uv__close(fd);
  w->fd = -1;
}

static void report_exit(uv_process_t* p, int reaped, int status) {
  int64_t exit_status;
  int term_signal;

  watcher_close(p->loop, &p->priv.io);
  uv__queue_remove(&p->priv.queue);
  uv__queue_init(&p->priv.queue);
  p->flags |= UV__PROCESS_EXITED;
  uv__handle_stop((uv_handle_t*) p);

  exit_status = 0;
  term_signal = 0;
  if (reaped < 0) {
    /* Somebody else (a wildcard waitpid, SIGCHLD set to SIG_IGN) took the
     * status: say so instead of inventing one. */
    exit_status = UV_ESRCH;
  } else if (WIFEXITED(status)) {
    exit_status = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    term_signal = WTERMSIG(status);
  }
  if (p->priv.exit_cb != NULL)
    p->priv.exit_cb(p, exit_status, term_signal);
}

static void pidfd_cb(uv_loop_t* loop, uv__io_t* w, unsigned int events) {
  uv_process_t* p;
  int status;
  int r;

  (void) loop;
  (void) events;
  p = uv__container_of(w, uv_process_t, priv.io);
  r = try_reap(p->pid, &status);
  if (r != 0)
    report_exit(p, r, status);
}

static void orphan_free(uv_loop_t* loop, struct uv__orphan* o) {
  watcher_close(loop, &o->io);
  uv__queue_remove(&o->queue);
  uv__free(o);
}

static void orphan_cb(uv_loop_t* loop, uv__io_t* w, unsigned int events) {
  struct uv__orphan* o;
  int status;

  (void) events;
  o = uv__container_of(w, struct uv__orphan, io);
  if (try_reap(o->pid, &status) != 0)
    orphan_free(loop, o);
}

/* SIGCHLD mode: look at every child of this loop that has no descriptor.
 * Exited ones are collected first, then reported, so an exit callback may
 * spawn, close or kill anything. */
static void sigchld_cb(uv_signal_t* handle, int signum) {
  struct uv__queue todo;
  struct uv__queue done;
  struct uv__queue* q;
  struct uv__orphan* o;
  uv_process_t* p;
  uv_loop_t* loop;
  int status;
  int r;

  (void) signum;
  loop = handle->loop;
  uv__queue_init(&done);
  uv__queue_move(&loop->priv.process_handles, &todo);
  while (!uv__queue_empty(&todo)) {
    q = uv__queue_head(&todo);
    p = uv__queue_data(q, uv_process_t, priv.queue);
    uv__queue_remove(q);
    r = p->priv.io.fd == -1 ? try_reap(p->pid, &status) : 0;
    if (r == 0) {
      uv__queue_insert_tail(&loop->priv.process_handles, q);
      continue;
    }
    p->priv.status = r < 0 ? INT_MIN : status;
    uv__queue_insert_tail(&done, q);
  }

  uv__queue_move(&loop->priv.process_orphans, &todo);
  while (!uv__queue_empty(&todo)) {
    q = uv__queue_head(&todo);
    o = uv__queue_data(q, struct uv__orphan, queue);
    uv__queue_remove(q);
    uv__queue_insert_tail(&loop->priv.process_orphans, q);
    if (o->io.fd == -1 && try_reap(o->pid, &status) != 0)
      orphan_free(loop, o);
  }

  /* An exit callback that closes another handle on this list removes it
   * from the list: its callback then never runs, as it must not. */
  while (!uv__queue_empty(&done)) {
    q = uv__queue_head(&done);
    p = uv__queue_data(q, uv_process_t, priv.queue);
    status = p->priv.status;
    report_exit(p, status == INT_MIN ? -1 : 1, status);
  }
}

static int sigchld_watch(uv_loop_t* loop) {
  uv_signal_t* h;
  int err;

  if (loop->priv.child_signal != NULL)
    return 0;
  h = uv__malloc(sizeof(*h));
  if (h == NULL)
    return UV_ENOMEM;
  err = uv_signal_init(loop, h);
  if (err) {
    uv__free(h);
    return err;
  }
  h->flags |= UV__H_INTERNAL;
  uv_unref((uv_handle_t*) h);
  err = uv_signal_start(h, sigchld_cb, SIGCHLD);
  if (err) {
    uv__queue_remove(&h->hpriv.handle_queue);
    uv__free(h);
    return err;
  }
  loop->priv.child_signal = h;
  return 0;
}

void uv__process_loop_init(uv_loop_t* loop) {
  uv__queue_init(&loop->priv.process_handles);
  uv__queue_init(&loop->priv.process_orphans);
  loop->priv.child_signal = NULL;
}

void uv__process_loop_close(uv_loop_t* loop) {
  struct uv__queue* q;
  struct uv__orphan* o;
  uv_signal_t* h;
  int status;

  /* Children still running stay zombies until this process exits: only a
   * blocking wait could avoid that, and closing a loop must not block. */
  while (!uv__queue_empty(&loop->priv.process_orphans)) {
    q = uv__queue_head(&loop->priv.process_orphans);
    o = uv__queue_data(q, struct uv__orphan, queue);
    try_reap(o->pid, &status);
    orphan_free(loop, o);
  }

  h = loop->priv.child_signal;
  if (h != NULL) {
    uv_signal_stop(h);
    uv__queue_remove(&h->hpriv.handle_queue);
    uv__free(h);
    loop->priv.child_signal = NULL;
  }
}

/* uv_close() of a process handle.  The child, if still running, is handed
 * to an orphan record that reaps it later. */
void uv__process_close(uv_process_t* p) {
  struct uv__orphan* o;
  uv_loop_t* loop;
  int status;
  int fd;

  loop = p->loop;
  uv__queue_remove(&p->priv.queue);
  uv__queue_init(&p->priv.queue);
  uv__handle_stop((uv_handle_t*) p);

  if ((p->flags & UV__PROCESS_EXITED) || p->pid <= 0 ||
      try_reap(p->pid, &status) != 0) {
    watcher_close(loop, &p->priv.io);
    return;
  }

  o = uv__malloc(sizeof(*o));
  if (o == NULL) {
    watcher_close(loop, &p->priv.io);  /* a zombie, but no leak */
    return;
  }
  o->pid = p->pid;
  fd = p->priv.io.fd;
  if (fd != -1) {
    uv__io_close(loop, &p->priv.io);
    p->priv.io.fd = -1;
  }
  uv__io_init(&o->io, orphan_cb, fd);
  uv__queue_insert_tail(&loop->priv.process_orphans, &o->queue);
  if (fd != -1 && uv__io_start(loop, &o->io, UV__POLLIN) != 0)
    orphan_free(loop, o);
}

static const char* find_path(char* const* env) {
  const char* path;

  if (env != NULL) {
    for (; *env != NULL; env++)
      if (strncmp(*env, "PATH=", 5) == 0)
        return *env + 5;
  }
  path = getenv("PATH");
  return path != NULL ? path : "/usr/bin:/bin";
}

/* Fills fds[] and creates the pipes.  pipes[2*i] is the parent's end of
 * slot i's pipe, pipes[2*i+1] the child's, both -1 when there is none. */
static int prepare_stdio(const uv_process_options_t* o, int nfds, int* fds,
                         unsigned char* keep_nonblock, int* pipes) {
  const uv_stdio_container_t* c;
  uv_stream_t* s;
  int i;

  for (i = 0; i < nfds; i++) {
    fds[i] = -1;
    keep_nonblock[i] = 0;
    pipes[2 * i] = -1;
    pipes[2 * i + 1] = -1;
  }

  for (i = 0; i < o->stdio_count; i++) {
    c = &o->stdio[i];
    switch (c->flags & (UV_IGNORE | UV_CREATE_PIPE | UV_INHERIT_FD |
                        UV_INHERIT_STREAM)) {
      case UV_IGNORE:
        break;

      case UV_CREATE_PIPE:
        s = c->data.stream;
        if (s == NULL || s->type != UV_NAMED_PIPE ||
            uv__is_closing((uv_handle_t*) s) || uv__stream_fd(s) != -1)
          return UV_EINVAL;
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
                       &pipes[2 * i]) != 0)
          return uv__err();
        fds[i] = pipes[2 * i + 1];
        if (c->flags & UV_NONBLOCK_PIPE) {
          keep_nonblock[i] = 1;
          if (uv__nonblock(fds[i], 1) != 0)
            return uv__err();
        }
        break;

      case UV_INHERIT_FD:
        if (c->data.fd < 0)
          return UV_EINVAL;
        fds[i] = c->data.fd;
        break;

      case UV_INHERIT_STREAM:
        s = c->data.stream;
        if (s == NULL || !uv__is_stream(s) || uv__stream_fd(s) == -1)
          return UV_EINVAL;
        fds[i] = uv__stream_fd(s);
        break;

      default:
        return UV_EINVAL;
    }
  }
  return 0;
}

static void close_pipes(int* pipes, int nfds, int parent_ends_too) {
  int i;

  for (i = 0; i < nfds; i++) {
    if (parent_ends_too && pipes[2 * i] != -1)
      uv__close(pipes[2 * i]);
    if (pipes[2 * i + 1] != -1)
      uv__close(pipes[2 * i + 1]);
  }
}

/* Hands the parent's end of each created pipe to its uv_pipe_t. */
static void open_pipes(const uv_process_options_t* o, int* pipes) {
  const uv_stdio_container_t* c;
  unsigned int flags;
  int fd;
  int i;

  for (i = 0; i < o->stdio_count; i++) {
    fd = pipes[2 * i];
    if (fd == -1)
      continue;
    c = &o->stdio[i];
    /* The child's readable pipe is the parent's writable one. */
    flags = UV__STREAM_SOCKET | UV__STREAM_CONNECTED;
    if (c->flags & UV_WRITABLE_PIPE)
      flags |= UV__STREAM_READABLE;
    if (c->flags & UV_READABLE_PIPE)
      flags |= UV__STREAM_WRITABLE;
    if (uv__nonblock(fd, 1) != 0 ||
        uv__stream_open(c->data.stream, fd, flags) != 0)
      uv__close(fd);  /* unreachable in practice: checked in prepare */
  }
}

int uv_spawn(uv_loop_t* loop, uv_process_t* process,
             const uv_process_options_t* options) {
  struct uv__spawn_plan plan;
  char* default_argv[2];
  unsigned char* keep_nonblock;
  size_t scratch_len;
  char* mem;
  int* pipes;
  int* fds;
  int nfds;
  int pidfd;
  int want_pidfd;
  pid_t pid;
  int err;

  if (process == NULL || !uv__loop_usable(loop))
    return UV_EINVAL;

  uv__handle_init(loop, (uv_handle_t*) process, UV_PROCESS);
  uv__queue_init(&process->priv.queue);
  uv__io_init(&process->priv.io, pidfd_cb, -1);
  process->priv.status = 0;
  process->priv.exit_cb = NULL;
  process->pid = 0;

  if (options == NULL || options->file == NULL ||
      (options->flags & ~(unsigned int) UV__PROCESS_KNOWN_FLAGS) != 0 ||
      options->stdio_count < 0 ||
      (options->stdio_count > 0 && options->stdio == NULL))
    return UV_EINVAL;
  process->priv.exit_cb = options->exit_cb;

  nfds = options->stdio_count < 3 ? 3 : options->stdio_count;
  scratch_len = strchr(options->file, '/') == NULL ? PATH_MAX + NAME_MAX + 2
                                                   : 0;
  mem = uv__malloc((size_t) nfds * 3 * sizeof(int) + (size_t) nfds +
                   scratch_len);
  if (mem == NULL)
    return UV_ENOMEM;
  fds = (int*) mem;
  pipes = fds + nfds;
  keep_nonblock = (unsigned char*) (pipes + 2 * nfds);

  err = prepare_stdio(options, nfds, fds, keep_nonblock, pipes);
  if (err)
    goto fail;

  want_pidfd = uv__pidfd_wanted();
  if (!want_pidfd) {
    err = sigchld_watch(loop);
    if (err)
      goto fail;
  }

  memset(&plan, 0, sizeof(plan));
  plan.file = options->file;
  if (options->args != NULL) {
    plan.argv = options->args;
  } else {
    default_argv[0] = (char*) options->file;
    default_argv[1] = NULL;
    plan.argv = default_argv;
  }
  plan.envp = options->env != NULL ? options->env : environ;
  plan.search_path = find_path(options->env);
  plan.cwd = options->cwd;
  plan.fds = fds;
  plan.keep_nonblock = keep_nonblock;
  plan.nfds = nfds;
  plan.flags = options->flags;
  plan.uid = options->uid;
  plan.gid = options->gid;
  plan.scratch = (char*) (keep_nonblock + nfds);
  plan.scratch_len = scratch_len;

  err = uv__spawn_start(&plan, want_pidfd, &pid, &pidfd);
  if (err == 0 && want_pidfd && pidfd == -1) {
    /* The kernel turned pidfds down on the way: fall back for this child
     * too.  Its exit may already have raised SIGCHLD before the watcher
     * existed, so look once by hand after installing it. */
    err = sigchld_watch(loop);
    if (err == 0)
      raise(SIGCHLD);
    else
      err = 0;  /* the child runs; it is reaped when its handle closes */
  }
  if (err)
    goto fail;

  close_pipes(pipes, nfds, 0);
  open_pipes(options, pipes);
  uv__free(mem);

  process->pid = pid;
  uv__queue_insert_tail(&loop->priv.process_handles, &process->priv.queue);
  if (pidfd != -1) {
    uv__io_init(&process->priv.io, pidfd_cb, pidfd);
    if (uv__io_start(loop, &process->priv.io, UV__POLLIN) != 0) {
      uv__close(pidfd);
      process->priv.io.fd = -1;
      if (sigchld_watch(loop) == 0)
        raise(SIGCHLD);
    }
  }
  uv__handle_start((uv_handle_t*) process);
  return 0;

fail:
  close_pipes(pipes, nfds, 1);
  uv__free(mem);
  return err;
}

int uv_process_kill(uv_process_t* process, int signum) {
  int err;

  if (process == NULL || signum < 0 || signum >= NSIG)
    return UV_EINVAL;
  if ((process->flags & UV__PROCESS_EXITED) || process->pid <= 0)
    return UV_ESRCH;
  if (process->priv.io.fd != -1) {
    /* Through the descriptor: immune to the pid being reused. */
    err = uv__pidfd_send_signal(process->priv.io.fd, signum);
    if (err != UV_ENOSYS)
      return err;
  }
  return uv_kill(process->pid, signum);
}

int uv_kill(int pid, int signum) {
  if (signum < 0 || signum >= NSIG)
    return UV_EINVAL;
  if (kill(pid, signum) != 0)
    return uv__err();
  return 0;
}

uv_pid_t uv_process_get_pid(const uv_process_t* process) {
  if (process == NULL)
    return 0;
  return process->pid;
}

/* Marks every inherited descriptor close-on-exec, so that children started
 * by other means (system(), a raw fork+exec) do not inherit them either.
 * The table may have holes: keep going past the standard descriptors
 * until a run of closed ones ends it. */
void uv_disable_stdio_inheritance(void) {
  int fd;

  for (fd = 0;; fd++)
    if (uv__cloexec(fd, 1) == UV_EBADF && fd > 15)
      break;
}
