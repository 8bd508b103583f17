/* uvcore — pipe handles on Unix: Unix-domain stream sockets (bound,
 * listening, connected, Linux abstract names), adopted pipes and FIFOs,
 * descriptor passing queries, and the uv_pipe()/uv_socketpair() helpers.
 * The data path and handle passing itself are the stream core's
 * (stream.c).
 *
 * Names: a name starting with a NUL byte is a Linux abstract name whose
 * length is exactly namelen; any other name is a path.  A name too long
 * for sun_path is cut to fit unless UV_PIPE_NO_TRUNCATE is given, in which
 * case it is refused with UV_EINVAL (what libuv 1.52 does and documents).
 */
#include "stream.h"

#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

static int is_pipe(const uv_pipe_t* h) {
  return h != NULL && h->type == UV_NAMED_PIPE;
}

int uv_pipe_init(uv_loop_t* loop, uv_pipe_t* pipe, int ipc) {
  if (!uv__loop_usable(loop) || pipe == NULL)
    return UV_EINVAL;
  uv__stream_init(loop, (uv_stream_t*) pipe, UV_NAMED_PIPE);
  pipe->ipc = ipc != 0;
  pipe->pipe_fname = NULL;
  return 0;
}

void uv__pipe_close(uv_pipe_t* pipe) {
  /* Unlink first: once our descriptor is closed, another process may bind
   * the same path, and we must not remove its socket. */
  if (pipe->pipe_fname != NULL) {
    unlink(pipe->pipe_fname);
    uv__free((char*) pipe->pipe_fname);
    pipe->pipe_fname = NULL;
  }
  uv__stream_close((uv_stream_t*) pipe);
}

int uv_pipe_open(uv_pipe_t* pipe, uv_file fd) {
  unsigned int flags;
  int mode;
  int err;

  if (!is_pipe(pipe) || uv__is_closing((uv_handle_t*) pipe))
    return UV_EINVAL;
  if (fd < 0)
    return UV_EBADF;
  if ((unsigned int) fd < pipe->loop->priv.nwatchers &&
      pipe->loop->priv.watchers[fd] != NULL)
    return UV_EEXIST;
  if (pipe->io_watcher.fd != -1 && pipe->io_watcher.fd != fd)
    return UV_EBUSY;

  do
    mode = fcntl(fd, F_GETFL);
  while (mode == -1 && errno == EINTR);
  if (mode == -1)
    return uv__err();

  err = uv__nonblock(fd, 1);
  if (err)
    return err;

  flags = 0;
  if ((mode & O_ACCMODE) != O_WRONLY)
    flags |= UV__STREAM_READABLE;
  if ((mode & O_ACCMODE) != O_RDONLY)
    flags |= UV__STREAM_WRITABLE;
  return uv__stream_open((uv_stream_t*) pipe, fd, flags);
}

/* Checks a name and fills in the address.  Returns its length, or an
 * error. */
static int make_addr(const char* name, size_t namelen, unsigned int flags,
                     struct sockaddr_un* sa, socklen_t* salen,
                     size_t* used) {
  size_t room;

  if (name == NULL || namelen == 0)
    return UV_EINVAL;
  if (flags & ~(unsigned int) UV_PIPE_NO_TRUNCATE)
    return UV_EINVAL;
#if !defined(__linux__)
  if (name[0] == '\0')
    return UV_EINVAL;  /* abstract names are Linux's */
#endif
  /* A NUL inside the name would silently shorten a path; only an abstract
   * name may contain them (its first byte is one). */
  if (name[0] != '\0' && memchr(name, '\0', namelen) != NULL)
    return UV_EINVAL;

  room = sizeof(sa->sun_path);
  if (namelen > room) {
    if (flags & UV_PIPE_NO_TRUNCATE)
      return UV_EINVAL;
    namelen = room;
  }

  memset(sa, 0, sizeof(*sa));
  sa->sun_family = AF_UNIX;
  memcpy(sa->sun_path, name, namelen);
  *salen = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + namelen);
  /* A path's terminating NUL is part of the address when it fits. */
  if (name[0] != '\0' && namelen < room)
    *salen += 1;
  *used = namelen;
  return 0;
}

int uv_pipe_bind2(uv_pipe_t* pipe, const char* name, size_t namelen,
                  unsigned int flags) {
  struct sockaddr_un sa;
  socklen_t salen;
  char* fname;
  size_t used;
  int err;
  int fd;

  if (!is_pipe(pipe) || uv__is_closing((uv_handle_t*) pipe))
    return UV_EINVAL;
#if defined(__linux__)
  if (name != NULL && namelen == 0 &&
      !(flags & ~(unsigned int) UV_PIPE_NO_TRUNCATE)) {
    /* An empty name asks the kernel for a fresh abstract name (autobind,
     * as libuv does on Linux): an address of the family alone. */
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    salen = (socklen_t) offsetof(struct sockaddr_un, sun_path);
    used = 0;
    name = "";
  } else
#endif
  {
    err = make_addr(name, namelen, flags, &sa, &salen, &used);
    if (err)
      return err;
  }
  if (pipe->io_watcher.fd != -1)
    return UV_EINVAL;  /* already bound, connected or opened */

  fname = NULL;
  if (name[0] != '\0') {
    /* Abstract names vanish with the socket; paths must be unlinked. */
    fname = uv__strndup(name, used);
    if (fname == NULL)
      return UV_ENOMEM;
  }

  fd = uv__socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0) {
    uv__free(fname);
    return fd;
  }
  if (bind(fd, (struct sockaddr*) &sa, salen)) {
    err = uv__err();
    uv__close(fd);
    uv__free(fname);
    /* libuv reports a missing directory as a permission problem, as
     * Windows does. */
    return err == UV_ENOENT ? UV_EACCES : err;
  }
  err = uv__stream_open((uv_stream_t*) pipe, fd, UV__STREAM_BOUND);
  if (err) {
    if (fname != NULL)
      unlink(fname);
    uv__close(fd);
    uv__free(fname);
    return err;
  }
  if (name[0] == '\0')
    pipe->flags |= UV__STREAM_ABSTRACT;
  pipe->pipe_fname = fname;
  return 0;
}

int uv_pipe_bind(uv_pipe_t* pipe, const char* name) {
  if (name == NULL)
    return UV_EINVAL;
  return uv_pipe_bind2(pipe, name, strlen(name), 0);
}

int uv__pipe_listen(uv_pipe_t* pipe, int backlog, uv_connection_cb cb) {
  if (pipe->io_watcher.fd == -1)
    return UV_EINVAL;
  /* An ipc pipe carries handles over one connection; it does not accept. */
  if (pipe->ipc)
    return UV_EINVAL;
  return uv__stream_listen((uv_stream_t*) pipe, backlog, cb);
}

int uv_pipe_connect2(uv_connect_t* req, uv_pipe_t* pipe, const char* name,
                     size_t namelen, unsigned int flags, uv_connect_cb cb) {
  struct sockaddr_un sa;
  socklen_t salen;
  size_t used;
  int created;
  int err;
  int fd;
  int r;

  if (req == NULL || !is_pipe(pipe) || uv__is_closing((uv_handle_t*) pipe) ||
      uv__stream_connect_in_flight((uv_stream_t*) pipe, req))
    return UV_EINVAL;
  err = make_addr(name, namelen, flags, &sa, &salen, &used);
  if (err)
    return err;
  if (pipe->spriv.connect_req != NULL)
    return UV_EALREADY;

  /* From here on every outcome is reported through the callback. */
  created = 0;
  fd = pipe->io_watcher.fd;
  if (fd == -1) {
    fd = uv__socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) {
      uv__stream_connect_start((uv_stream_t*) pipe, req, fd, cb);
      return 0;
    }
    created = 1;
  }

  do
    r = connect(fd, (struct sockaddr*) &sa, salen);
  while (r == -1 && errno == EINTR);
  err = 0;
  if (r == -1) {
    err = uv__err();
    if (err == UV__EINPROGRESS)
      err = 0;
  }

  if (err == 0) {
    err = uv__stream_open((uv_stream_t*) pipe, fd,
                          UV__STREAM_READABLE | UV__STREAM_WRITABLE);
  }
  if (err != 0 && created)
    uv__close(fd);  /* leave the handle as it was, free to try again */
  uv__stream_connect_start((uv_stream_t*) pipe, req, err, cb);
  return 0;
}

void uv_pipe_connect(uv_connect_t* req, uv_pipe_t* pipe, const char* name,
                     uv_connect_cb cb) {
  int err;

  if (req == NULL || !is_pipe(pipe) ||
      uv__stream_connect_in_flight((uv_stream_t*) pipe, req))
    return;  /* nowhere to report to */
  if (uv__is_closing((uv_handle_t*) pipe)) {
    uv__stream_connect_start((uv_stream_t*) pipe, req, UV_EINVAL, cb);
    return;
  }
  if (name == NULL)
    err = UV_EINVAL;
  else
    err = uv_pipe_connect2(req, pipe, name, strlen(name), 0, cb);
  if (err)
    uv__stream_connect_start((uv_stream_t*) pipe, req, err, cb);
}

static int pipe_name(const uv_pipe_t* pipe, char* buffer, size_t* size,
                     int peer) {
  struct sockaddr_un sa;
  socklen_t salen;
  size_t len;
  int abstract;
  int r;

  if (!is_pipe(pipe) || buffer == NULL || size == NULL)
    return UV_EINVAL;
  if (uv__is_closing((const uv_handle_t*) pipe) || pipe->io_watcher.fd == -1) {
    *size = 0;
    return UV_EBADF;
  }

  memset(&sa, 0, sizeof(sa));
  salen = sizeof(sa);
  if (peer)
    r = getpeername(pipe->io_watcher.fd, (struct sockaddr*) &sa, &salen);
  else
    r = getsockname(pipe->io_watcher.fd, (struct sockaddr*) &sa, &salen);
  if (r) {
    *size = 0;
    return uv__err();
  }

  len = 0;
  if (salen > offsetof(struct sockaddr_un, sun_path))
    len = salen - offsetof(struct sockaddr_un, sun_path);
  if (len > sizeof(sa.sun_path))
    len = sizeof(sa.sun_path);
  abstract = len > 0 && sa.sun_path[0] == '\0';
  if (!abstract)
    len = strnlen(sa.sun_path, len);

  /* A path is handed back NUL-terminated, so it needs one byte more than
   * its length; an abstract name is returned as the bytes it is, with no
   * terminator, so a buffer of exactly its length is enough (libuv 1.52's
   * pipe_getsockname_autobind reads a 6-byte autobind name into 6 bytes). */
  if (len + !abstract > *size) {
    *size = len + !abstract;
    return UV_ENOBUFS;
  }
  memcpy(buffer, sa.sun_path, len);
  if (!abstract)
    buffer[len] = '\0';
  *size = len;
  return 0;
}

int uv_pipe_getsockname(const uv_pipe_t* pipe, char* buffer, size_t* size) {
  return pipe_name(pipe, buffer, size, 0);
}

int uv_pipe_getpeername(const uv_pipe_t* pipe, char* buffer, size_t* size) {
  return pipe_name(pipe, buffer, size, 1);
}

void uv_pipe_pending_instances(uv_pipe_t* pipe, int count) {
  /* Windows pre-creates pipe instances; Unix sockets have a backlog. */
  (void) pipe;
  (void) count;
}

int uv_pipe_pending_count(uv_pipe_t* pipe) {
  if (!is_pipe(pipe) || !pipe->ipc || pipe->spriv.accepted_fd == -1)
    return 0;
  if (pipe->spriv.queued_fds == NULL)
    return 1;
  return 1 + (int) uv__stream_queued_count((uv_stream_t*) pipe);
}

uv_handle_type uv_pipe_pending_type(uv_pipe_t* pipe) {
  if (!is_pipe(pipe) || !pipe->ipc || pipe->spriv.accepted_fd == -1)
    return UV_UNKNOWN_HANDLE;
  return uv__stream_guess_socket(pipe->spriv.accepted_fd);
}

int uv_pipe_chmod(uv_pipe_t* pipe, int flags) {
  struct stat st;
  char path[sizeof(((struct sockaddr_un*) 0)->sun_path) + 1];
  size_t len;
  mode_t want;
  int err;

  if (pipe == NULL)
    return UV_EBADF;
  if (!is_pipe(pipe))
    return UV_EINVAL;
  if (uv__is_closing((uv_handle_t*) pipe) || pipe->io_watcher.fd == -1)
    return UV_EBADF;
  if (flags != UV_READABLE && flags != UV_WRITABLE &&
      flags != (UV_READABLE | UV_WRITABLE))
    return UV_EINVAL;

  len = sizeof(path);
  err = uv_pipe_getsockname(pipe, path, &len);
  if (err)
    return err;
  /* Unnamed and abstract sockets have no file whose mode could change. */
  if (len == 0 || path[0] == '\0')
    return UV_EINVAL;

  if (stat(path, &st))
    return uv__err();
  want = 0;
  if (flags & UV_READABLE)
    want |= S_IRUSR | S_IRGRP | S_IROTH;
  if (flags & UV_WRITABLE)
    want |= S_IWUSR | S_IWGRP | S_IWOTH;
  if ((st.st_mode & want) == want)
    return 0;
  if (chmod(path, (st.st_mode & 07777) | want))
    return uv__err();
  return 0;
}

/* Both calls below can make the pair non-blocking atomically only when
 * both ends want it; otherwise the end that wants it is switched after
 * creation.  Hands the pair out, or closes it on failure. */
static int finish_pair(int tmp[2], int fds[2], int nonblock0, int nonblock1,
                       int created_nonblocking) {
  int err;

  err = 0;
  if (!created_nonblocking) {
    if (nonblock0)
      err = uv__nonblock(tmp[0], 1);
    if (err == 0 && nonblock1)
      err = uv__nonblock(tmp[1], 1);
  }
  if (err) {
    uv__close(tmp[0]);
    uv__close(tmp[1]);
    return err;
  }
  fds[0] = tmp[0];
  fds[1] = tmp[1];
  return 0;
}

int uv_pipe(uv_file fds[2], int read_flags, int write_flags) {
  int tmp[2];
  int both;

  if (fds == NULL)
    return UV_EINVAL;
  if ((read_flags | write_flags) & ~UV_NONBLOCK_PIPE)
    return UV_EINVAL;

  both = (read_flags & UV_NONBLOCK_PIPE) && (write_flags & UV_NONBLOCK_PIPE);
  if (pipe2(tmp, O_CLOEXEC | (both ? O_NONBLOCK : 0)))
    return uv__err();
  return finish_pair(tmp, fds, read_flags & UV_NONBLOCK_PIPE,
                     write_flags & UV_NONBLOCK_PIPE, both);
}

int uv_socketpair(int type, int protocol, uv_os_sock_t fds[2], int flags0,
                  int flags1) {
  int tmp[2];
  int both;

  if (fds == NULL)
    return UV_EINVAL;
  if ((flags0 | flags1) & ~UV_NONBLOCK_PIPE)
    return UV_EINVAL;
  /* The type must be a plain type: we add the descriptor flags. */
  if (type & (SOCK_CLOEXEC | SOCK_NONBLOCK))
    return UV_EINVAL;

  both = (flags0 & UV_NONBLOCK_PIPE) && (flags1 & UV_NONBLOCK_PIPE);
  if (socketpair(AF_UNIX, type | SOCK_CLOEXEC | (both ? SOCK_NONBLOCK : 0),
                 protocol, tmp))
    return uv__err();
  return finish_pair(tmp, fds, flags0 & UV_NONBLOCK_PIPE,
                     flags1 & UV_NONBLOCK_PIPE, both);
}
