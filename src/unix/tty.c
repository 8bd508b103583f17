/* uvcore — terminal handles on Unix, terminal modes, and uv_guess_handle().
 *
 * A uv_tty_t is a stream (stream.c does the reading and writing); this file
 * decides which descriptor the stream uses and how the terminal is set up.
 *
 * O_NONBLOCK lives in the open file description, not in the descriptor, and
 * a terminal's description is usually shared with other processes (a shell
 * and every program of a pipeline inherit the same one).  Making it
 * non-blocking would hand EAGAIN to programs that never asked for it.  So a
 * terminal is opened afresh by name, the fresh description is made
 * non-blocking, and the caller's descriptor number is moved onto it (so the
 * process's own writes to that number agree with the handle's); the shared
 * description is left as it was.  When the terminal cannot be reopened — the
 * master side of a pty (opening /dev/ptmx makes a new pty), or a name that
 * does not lead back to the same device — the handle keeps the descriptor
 * in blocking mode and writes synchronously.
 *
 * Terminal modes: the settings from before the first mode change of the
 * process are kept in one global record for uv_tty_reset_mode(), which
 * programs call from signal handlers and atexit hooks.  It must be
 * async-signal-safe, so the record is guarded by a flag taken with an
 * atomic exchange, never by a mutex: if the flag is already taken (a signal
 * arrived inside uv_tty_set_mode on this thread, or another thread is in
 * there), reset reports UV_EBUSY instead of waiting on a holder that may
 * be the interrupted code itself.
 */
#include "stream.h"
#include "tty.h"

#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>

static atomic_int saved_lock;
static int saved_fd = -1;
static struct termios saved_termios;

static void saved_acquire(void) {
  while (atomic_exchange_explicit(&saved_lock, 1, memory_order_acquire))
    sched_yield();
}

static void saved_release(void) {
  atomic_store_explicit(&saved_lock, 0, memory_order_release);
}

static int tty_tcsetattr(int fd, int when, const struct termios* t) {
  int r;

  do
    r = tcsetattr(fd, when, t);
  while (r == -1 && errno == EINTR);
  return r == -1 ? uv__err() : 0;
}

/* ---- opening ----------------------------------------------------------- */

/* Whether fd is the master side of a pseudo-terminal, which must not be
 * reopened by name. */
static int tty_is_pty_master(int fd) {
#if defined(TIOCGPTN)
  unsigned int n;
  return ioctl(fd, TIOCGPTN, &n) == 0;
#else
  (void) fd;
  return 0;
#endif
}

/* Opens the terminal behind fd again, with the given access mode.  Returns
 * the new descriptor (close-on-exec), or a negative error when that is not
 * possible or would not be the same terminal. */
static int tty_reopen(int fd, int accmode) {
  struct stat before;
  struct stat after;
  char path[PATH_MAX];
  int newfd;

  if (tty_is_pty_master(fd))
    return UV_EINVAL;
  if (fstat(fd, &before) != 0)
    return uv__err();

  newfd = -1;
  if (ttyname_r(fd, path, sizeof(path)) == 0) {
    do
      newfd = open(path, accmode | O_NOCTTY | O_CLOEXEC);
    while (newfd == -1 && errno == EINTR);
  }
#if defined(__linux__)
  /* A terminal from another mount namespace has no usable name here, but
   * /proc still reaches the device. */
  if (newfd == -1) {
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    do
      newfd = open(path, accmode | O_NOCTTY | O_CLOEXEC);
    while (newfd == -1 && errno == EINTR);
  }
#endif
  if (newfd == -1)
    return uv__err();

  /* The name may have been stale or reused: insist on the same device. */
  if (fstat(newfd, &after) != 0 || !S_ISCHR(after.st_mode) ||
      after.st_rdev != before.st_rdev || !isatty(newfd)) {
    uv__close(newfd);
    return UV_EINVAL;
  }
  return newfd;
}

/* Points the caller's descriptor number at the fresh description too,
 * keeping its close-on-exec flag as it was. */
static int tty_move_caller_fd(int newfd, int fd) {
  int fdflags;
  int r;

  do
    fdflags = fcntl(fd, F_GETFD);
  while (fdflags == -1 && errno == EINTR);
  if (fdflags == -1)
    return uv__err();
#if defined(__linux__)
  do
    r = dup3(newfd, fd, (fdflags & FD_CLOEXEC) ? O_CLOEXEC : 0);
  while (r == -1 && errno == EINTR);
#else
  do
    r = dup2(newfd, fd);
  while (r == -1 && errno == EINTR);
  if (r != -1 && (fdflags & FD_CLOEXEC))
    return uv__cloexec(fd, 1);
#endif
  return r == -1 ? uv__err() : 0;
}

int uv_tty_init(uv_loop_t* loop, uv_tty_t* tty, uv_file fd, int unused) {
  uv_handle_type type;
  unsigned int flags;
  int accmode;
  int stflags;
  int newfd;
  int usefd;
  int err;

  (void) unused;  /* readability comes from the descriptor's access mode */
  if (!uv__loop_usable(loop) || tty == NULL)
    return UV_EINVAL;

  /* Regular files and non-terminal devices cannot be polled; libuv accepts
   * pipes and sockets here as well. */
  type = uv_guess_handle(fd);
  if (type == UV_FILE || type == UV_UNKNOWN_HANDLE)
    return UV_EINVAL;

  do
    stflags = fcntl(fd, F_GETFL);
  while (stflags == -1 && errno == EINTR);
  if (stflags == -1)
    return uv__err();
  accmode = stflags & O_ACCMODE;

  flags = 0;
  newfd = -1;
  if (type == UV_TTY) {
    newfd = tty_reopen(fd, accmode);
    if (newfd >= 0 && tty_move_caller_fd(newfd, fd) != 0) {
      uv__close(newfd);
      newfd = -1;
    }
    if (newfd < 0) {
      newfd = -1;
      if (accmode != O_RDONLY)
        flags |= UV__STREAM_BLOCKING_WRITES;
    }
  }
  usefd = newfd >= 0 ? newfd : fd;

  if (!(flags & UV__STREAM_BLOCKING_WRITES)) {
    err = uv__nonblock(usefd, 1);
    if (err)
      goto fail;
  }

  if (accmode != O_WRONLY)
    flags |= UV__STREAM_READABLE;
  if (accmode != O_RDONLY)
    flags |= UV__STREAM_WRITABLE;

  uv__stream_init(loop, (uv_stream_t*) tty, UV_TTY);
  err = uv__stream_open((uv_stream_t*) tty, usefd, flags);
  if (err) {
    /* Undo uv__stream_init: the handle must not stay on the loop. */
    uv__queue_remove(&tty->hpriv.handle_queue);
    goto fail;
  }
  tty->priv.mode = UV_TTY_MODE_NORMAL;
  return 0;

fail:
  if (newfd >= 0)
    uv__close(newfd);
  else if (usefd == fd)
    (void) fcntl(fd, F_SETFL, stflags);
  return err;
}

/* ---- modes ------------------------------------------------------------- */

/* Raw input, cooked output: keys arrive one by one, unechoed and
 * unsignalled, while "\n" on output still starts a new line. */
static void tty_make_raw(struct termios* t) {
  t->c_iflag &= ~(tcflag_t) (BRKINT | ICRNL | INPCK | ISTRIP | IXON);
  t->c_oflag |= ONLCR;
  t->c_cflag = (t->c_cflag & ~(tcflag_t) CSIZE) | CS8;
  t->c_lflag &= ~(tcflag_t) (ECHO | ICANON | IEXTEN | ISIG);
  t->c_cc[VMIN] = 1;
  t->c_cc[VTIME] = 0;
}

/* Binary-safe in both directions (what cfmakeraw() does, spelled out for
 * systems without it). */
static void tty_make_io(struct termios* t) {
  t->c_iflag &= ~(tcflag_t) (IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR |
                             IGNCR | ICRNL | IXON);
  t->c_oflag &= ~(tcflag_t) OPOST;
  t->c_lflag &= ~(tcflag_t) (ECHO | ECHONL | ICANON | ISIG | IEXTEN);
  t->c_cflag = (t->c_cflag & ~(tcflag_t) (CSIZE | PARENB)) | CS8;
  t->c_cc[VMIN] = 1;
  t->c_cc[VTIME] = 0;
}

int uv_tty_set_mode(uv_tty_t* tty, uv_tty_mode_t mode) {
  struct termios t;
  int fd;
  int r;

  if (tty == NULL || tty->type != UV_TTY)
    return UV_EINVAL;
  if ((unsigned int) mode > (unsigned int) UV_TTY_MODE_RAW_VT)
    return UV_EINVAL;
  /* The VT flavour of raw mode matters on Windows only. */
  if (mode == UV_TTY_MODE_RAW_VT)
    mode = UV_TTY_MODE_RAW;
  if (tty->priv.mode == (int) mode)
    return 0;
  fd = uv__stream_fd((uv_stream_t*) tty);
  if (fd < 0)
    return UV_EBADF;

  if (tty->priv.mode == UV_TTY_MODE_NORMAL) {
    /* Leaving normal mode: remember what normal was, for this handle and,
     * the first time in the process, for uv_tty_reset_mode(). */
    do
      r = tcgetattr(fd, &tty->priv.orig_termios);
    while (r == -1 && errno == EINTR);
    if (r == -1)
      return uv__err();
    saved_acquire();
    if (saved_fd == -1) {
      saved_termios = tty->priv.orig_termios;
      saved_fd = fd;
    }
    saved_release();
  }

  t = tty->priv.orig_termios;
  if (mode == UV_TTY_MODE_RAW)
    tty_make_raw(&t);
  else if (mode == UV_TTY_MODE_IO)
    tty_make_io(&t);

  /* Let pending output go out under the old settings first. */
  r = tty_tcsetattr(fd, TCSADRAIN, &t);
  if (r == 0)
    tty->priv.mode = (int) mode;
  return r;
}

int uv_tty_reset_mode(void) {
  int saved_errno;
  int err;

  saved_errno = errno;
  if (atomic_exchange_explicit(&saved_lock, 1, memory_order_acquire))
    return UV_EBUSY;
  err = 0;
  if (saved_fd != -1)
    err = tty_tcsetattr(saved_fd, TCSANOW, &saved_termios);
  saved_release();
  errno = saved_errno;
  return err;
}

void uv__tty_close(uv_tty_t* tty) {
  int fd;

  fd = uv__stream_fd((uv_stream_t*) tty);
  if (fd != -1) {
    /* Leave the terminal as this handle found it. */
    if (tty->priv.mode != UV_TTY_MODE_NORMAL) {
      (void) tty_tcsetattr(fd, TCSANOW, &tty->priv.orig_termios);
      tty->priv.mode = UV_TTY_MODE_NORMAL;
    }
    /* The descriptor is about to be closed (and its number reused):
     * uv_tty_reset_mode must not write settings to whatever comes next. */
    saved_acquire();
    if (saved_fd == fd)
      saved_fd = -1;
    saved_release();
  }
  uv__stream_close((uv_stream_t*) tty);
}

int uv_tty_get_winsize(uv_tty_t* tty, int* width, int* height) {
  struct winsize ws;
  int fd;
  int r;

  if (tty == NULL || tty->type != UV_TTY || width == NULL || height == NULL)
    return UV_EINVAL;
  fd = uv__stream_fd((uv_stream_t*) tty);
  if (fd < 0)
    return UV_EBADF;
  do
    r = ioctl(fd, TIOCGWINSZ, &ws);
  while (r == -1 && errno == EINTR);
  if (r == -1)
    return uv__err();
  *width = ws.ws_col;
  *height = ws.ws_row;
  return 0;
}

/* Virtual terminal sequences are a Windows console setting: Unix terminals
 * interpret them themselves. */
void uv_tty_set_vterm_state(uv_tty_vtermstate_t state) {
  (void) state;
}

int uv_tty_get_vterm_state(uv_tty_vtermstate_t* state) {
  (void) state;
  return UV_ENOTSUP;
}

/* ---- uv_guess_handle --------------------------------------------------- */

uv_handle_type uv_guess_handle(uv_file file) {
  struct sockaddr_storage ss;
  struct stat st;
  socklen_t len;
  int socktype;

  if (file < 0)
    return UV_UNKNOWN_HANDLE;
  if (isatty(file))
    return UV_TTY;
  if (fstat(file, &st) != 0)
    return UV_UNKNOWN_HANDLE;

  switch (st.st_mode & S_IFMT) {
    case S_IFREG:
    case S_IFCHR:  /* a device that is not a terminal reads like a file */
      return UV_FILE;
    case S_IFIFO:
      return UV_NAMED_PIPE;
    case S_IFSOCK:
      break;
    default:
      return UV_UNKNOWN_HANDLE;  /* directories, block devices, ... */
  }

  len = sizeof(socktype);
  if (getsockopt(file, SOL_SOCKET, SO_TYPE, &socktype, &len) != 0)
    return UV_UNKNOWN_HANDLE;
  memset(&ss, 0, sizeof(ss));
  len = sizeof(ss);
  if (getsockname(file, (struct sockaddr*) &ss, &len) != 0)
    return UV_UNKNOWN_HANDLE;

  switch (ss.ss_family) {
    case AF_INET:
    case AF_INET6:
      if (socktype == SOCK_STREAM)
        return UV_TCP;
      if (socktype == SOCK_DGRAM)
        return UV_UDP;
      return UV_UNKNOWN_HANDLE;
    case AF_UNIX:
      /* Only stream sockets behave like a pipe. */
      return socktype == SOCK_STREAM ? UV_NAMED_PIPE : UV_UNKNOWN_HANDLE;
    default:
      return UV_UNKNOWN_HANDLE;
  }
}
