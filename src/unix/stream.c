/* uvcore — the stream core on Unix: reading, writing, listening,
 * accepting, shutdown, connect completion and handle passing, shared by
 * TCP (tcp.c), pipes (pipe.c) and ttys (tty.c).
 *
 * One watcher per stream.  A connected stream's watcher runs stream_io(),
 * a listening one's server_io().  Write and connect callbacks never run
 * inside the call that queued them: completions are parked on a queue and
 * the watcher is fed to the pending phase, which delivers them in order.
 * Reads and writes are bounded per readiness event (the backend is level
 * triggered, so whatever is left is reported again next iteration) so one
 * busy stream cannot starve the others.
 *
 * SIGPIPE: sockets are written with send(MSG_NOSIGNAL).  FIFOs cannot be,
 * so their writes run with SIGPIPE blocked in the calling thread and a
 * SIGPIPE raised by our own EPIPE is consumed before the mask is restored:
 * the write reports UV_EPIPE and the process never sees the signal,
 * whatever its SIGPIPE disposition.  Terminals report a hang-up as EIO and
 * never raise SIGPIPE, so their writes skip the two mask changes.
 */
#include "stream.h"
#include "udp.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>

#ifndef IOV_MAX
# define IOV_MAX 1024
#endif

#define UV__READ_SUGGESTED (64 * 1024)
#define UV__READ_BURST 32      /* reads per readiness event */
#define UV__WRITE_BURST 32     /* requests finished per readiness event */
#define UV__SHED_BURST 1024    /* connections refused per EMFILE episode */
#define UV__EMFILE_RETRY_MS 100  /* paused listeners try again this often */
#define UV__RECV_FDS 32        /* descriptors one recvmsg can take */

/* uv_buf_t is handed to the kernel as struct iovec. */
_Static_assert(sizeof(uv_buf_t) == sizeof(struct iovec), "uv_buf_t layout");
_Static_assert(offsetof(uv_buf_t, base) == offsetof(struct iovec, iov_base),
               "uv_buf_t layout");
_Static_assert(offsetof(uv_buf_t, len) == offsetof(struct iovec, iov_len),
               "uv_buf_t layout");

/* Received descriptors after accepted_fd, oldest first. */
struct uv__stream_fdq {
  unsigned int len;
  unsigned int cap;
  int fds[];
};

union uv__cmsg_fds {
  struct cmsghdr hdr;
  char buf[CMSG_SPACE(UV__RECV_FDS * sizeof(int))];
};

union uv__cmsg_one {
  struct cmsghdr hdr;
  char buf[CMSG_SPACE(sizeof(int))];
};

static void stream_io(uv_loop_t* loop, uv__io_t* w, unsigned int events);
static void server_io(uv_loop_t* loop, uv__io_t* w, unsigned int events);

/* Every feed of a stream watcher goes through here (see finish_connect). */
static void stream_feed(uv_stream_t* s) {
  s->flags |= UV__STREAM_FED;
  uv__io_feed(s->loop, &s->io_watcher);
}

static int is_ipc(const uv_stream_t* s) {
  return s->type == UV_NAMED_PIPE && ((const uv_pipe_t*) s)->ipc;
}

static size_t bufs_size(const uv_buf_t* bufs, unsigned int nbufs) {
  size_t n;
  unsigned int i;

  n = 0;
  for (i = 0; i < nbufs; i++)
    n += bufs[i].len;
  return n;
}

/* ---- setup and teardown ------------------------------------------------ */

void uv__stream_init(uv_loop_t* loop, uv_stream_t* s, uv_handle_type type) {
  uv__handle_init(loop, (uv_handle_t*) s, type);
  s->write_queue_size = 0;
  s->spriv.alloc_cb = NULL;
  s->spriv.read_cb = NULL;
  s->spriv.connection_cb = NULL;
  s->spriv.connect_req = NULL;
  s->spriv.shutdown_req = NULL;
  uv__io_init(&s->io_watcher, stream_io, -1);
  uv__queue_init(&s->spriv.write_queue);
  uv__queue_init(&s->spriv.write_completed_queue);
  uv__queue_init(&s->spriv.connect_error_queue);
  s->spriv.delayed_error = 0;
  s->spriv.accepted_fd = -1;
  s->spriv.queued_fds = NULL;
}

int uv__stream_open(uv_stream_t* s, int fd, unsigned int flags) {
  struct stat st;
  int err;

  if (fd < 0)
    return UV_EBADF;
  if (s->io_watcher.fd != -1 && s->io_watcher.fd != fd)
    return UV_EBUSY;

  if (s->type == UV_TCP) {
    err = uv__tcp_apply_options((uv_tcp_t*) s, fd);
    if (err)
      return err;
    flags |= UV__STREAM_SOCKET;
  } else if (flags & UV__STREAM_SOCKET) {
    /* The caller knows it is a socket (an accepted connection). */
  } else if (fstat(fd, &st) != 0) {
    flags |= UV__STREAM_MAY_SIGPIPE;
  } else if (S_ISSOCK(st.st_mode)) {
    flags |= UV__STREAM_SOCKET;
  } else if (S_ISFIFO(st.st_mode)) {
    flags |= UV__STREAM_MAY_SIGPIPE;
  }

  s->flags |= flags;
  s->io_watcher.fd = fd;
  return 0;
}

static void drop_received_fds(uv_stream_t* s) {
  struct uv__stream_fdq* q;
  unsigned int i;

  if (s->spriv.accepted_fd != -1) {
    uv__close(s->spriv.accepted_fd);
    s->spriv.accepted_fd = -1;
  }
  q = s->spriv.queued_fds;
  if (q != NULL) {
    for (i = 0; i < q->len; i++)
      uv__close(q->fds[i]);
    uv__free(q);
    s->spriv.queued_fds = NULL;
  }
}

void uv__stream_close(uv_stream_t* s) {
  int fd;

  uv__io_close(s->loop, &s->io_watcher);
  s->flags &= ~(UV__STREAM_READING | UV__STREAM_READABLE |
                      UV__STREAM_WRITABLE | UV__STREAM_LISTENING |
                      UV__STREAM_ACCEPT_PAUSED | UV__STREAM_EMFILE_PAUSED);
  s->spriv.read_cb = NULL;
  s->spriv.alloc_cb = NULL;
  uv__handle_stop((uv_handle_t*) s);

  fd = s->io_watcher.fd;
  if (fd != -1) {
    if (fd > STDERR_FILENO)
      uv__close(fd);
    s->io_watcher.fd = -1;
  }
  drop_received_fds(s);
}

/* ---- completions ------------------------------------------------------- */

/* q is the first or last node of the queue at h: a request there is in
 * flight (see internal.h; only addresses are compared). */
static int at_queue_end(const struct uv__queue* h, const struct uv__queue* q) {
  return h->next == q || h->prev == q;
}

int uv__stream_connect_in_flight(const uv_stream_t* s,
                                 const uv_connect_t* req) {
  return req == s->spriv.connect_req ||
         at_queue_end(&s->spriv.connect_error_queue, &req->priv.queue);
}

static void run_connect_errors(uv_stream_t* s, int override) {
  struct uv__queue todo;
  struct uv__queue* q;
  uv_connect_t* req;

  uv__queue_move(&s->spriv.connect_error_queue, &todo);
  while (!uv__queue_empty(&todo)) {
    q = uv__queue_head(&todo);
    uv__queue_remove(q);
    uv__queue_init(q);
    req = uv__queue_data(q, uv_connect_t, priv.queue);
    uv__req_unregister(s->loop);
    if (req->priv.cb != NULL)
      req->priv.cb(req, override != 0 ? override : req->priv.error);
  }
}

static void write_req_release(uv_write_t* req) {
  if (req->priv.bufs != req->priv.bufsml)
    uv__free(req->priv.bufs);
  req->priv.bufs = NULL;
}

/* Moves a request from the write queue to the completed queue.  A failed
 * request keeps its unwritten bytes in write_queue_size until its callback:
 * a non-zero size is what tells a user that writing is not going well. */
static void write_req_done(uv_stream_t* s, uv_write_t* req, int error) {
  uv__queue_remove(&req->priv.queue);
  req->priv.error = error;
  if (error == 0)
    write_req_release(req);
  uv__queue_insert_tail(&s->spriv.write_completed_queue, &req->priv.queue);
  stream_feed(s);
}

static void write_callbacks(uv_stream_t* s) {
  struct uv__queue todo;
  struct uv__queue* q;
  uv_write_t* req;

  if (uv__queue_empty(&s->spriv.write_completed_queue))
    return;
  uv__queue_move(&s->spriv.write_completed_queue, &todo);
  while (!uv__queue_empty(&todo)) {
    q = uv__queue_head(&todo);
    uv__queue_remove(q);
    uv__queue_init(q);
    req = uv__queue_data(q, uv_write_t, priv.queue);
    uv__req_unregister(s->loop);
    if (req->priv.bufs != NULL) {
      s->write_queue_size -=
          bufs_size(req->priv.bufs + req->priv.write_index,
                    req->priv.nbufs - req->priv.write_index);
      write_req_release(req);
    }
    if (req->priv.cb != NULL)
      req->priv.cb(req, req->priv.error);
  }
}

/* Fails every queued write with `error`, keeping their order. */
static void cancel_writes(uv_stream_t* s, int error) {
  struct uv__queue* q;
  uv_write_t* req;

  while (!uv__queue_empty(&s->spriv.write_queue)) {
    q = uv__queue_head(&s->spriv.write_queue);
    req = uv__queue_data(q, uv_write_t, priv.queue);
    uv__queue_remove(q);
    req->priv.error = error;
    uv__queue_insert_tail(&s->spriv.write_completed_queue, q);
  }
}

void uv__stream_destroy(uv_stream_t* s) {
  uv_connect_t* creq;
  uv_shutdown_t* sreq;

  creq = s->spriv.connect_req;
  if (creq != NULL) {
    s->spriv.connect_req = NULL;
    uv__req_unregister(s->loop);
    if (creq->priv.cb != NULL)
      creq->priv.cb(creq, UV_ECANCELED);
  }
  run_connect_errors(s, UV_ECANCELED);

  cancel_writes(s, UV_ECANCELED);
  write_callbacks(s);

  sreq = s->spriv.shutdown_req;
  if (sreq != NULL) {
    s->spriv.shutdown_req = NULL;
    s->flags &= ~UV__STREAM_SHUTTING;
    uv__req_unregister(s->loop);
    if (sreq->priv.cb != NULL)
      sreq->priv.cb(sreq, UV_ECANCELED);
  }
}

/* ---- connect ----------------------------------------------------------- */

void uv__stream_connect_start(uv_stream_t* s, uv_connect_t* req, int err,
                              uv_connect_cb cb) {
  int r;

  if (s->flags & UV__H_CLOSED)
    return;  /* too late for any callback: the handle is gone */

  uv__req_init(s->loop, (uv_req_t*) req, UV_CONNECT);
  req->handle = s;
  req->priv.cb = cb;
  req->priv.error = err;
  uv__queue_init(&req->priv.queue);

  if (s->spriv.connect_req != NULL || uv__is_closing((uv_handle_t*) s) ||
      (s->flags & UV__STREAM_LISTENING)) {
    /* A connect that failed before it began (only uv_pipe_connect(), which
     * has no return value, gets here with one in progress or on a
     * listener): the error travels through the callback.  A closing
     * handle gets its UV_ECANCELED from uv__stream_destroy(). */
    if (req->priv.error == 0)
      req->priv.error = UV_EALREADY;
    uv__queue_insert_tail(&s->spriv.connect_error_queue, &req->priv.queue);
    if (!uv__is_closing((uv_handle_t*) s))
      stream_feed(s);
    return;
  }

  s->spriv.connect_req = req;
  if (err == 0 || err == UV__EINPROGRESS) {
    s->spriv.delayed_error = 0;
    r = uv__io_start(s->loop, &s->io_watcher, UV__POLLOUT);
    if (r == 0)
      return;
    err = r;
  }
  s->spriv.delayed_error = err;
  stream_feed(s);
}

/* A watcher fed to the pending phase reports POLLOUT too, so writability
 * alone does not prove the connect finished: a socket still connecting has
 * no error and no peer yet.  Only a fed call needs this extra system call:
 * the poller reports POLLOUT on a connecting socket only once the connect
 * has completed or failed. */
static int still_connecting(int fd) {
  struct sockaddr_storage ss;
  socklen_t len;

  len = sizeof(ss);
  return getpeername(fd, (struct sockaddr*) &ss, &len) == -1 &&
         errno == ENOTCONN;
}

static void finish_connect(uv_stream_t* s, int fed) {
  uv_connect_t* req;
  socklen_t len;
  int soerr;
  int err;

  req = s->spriv.connect_req;
  if (s->spriv.delayed_error != 0) {
    err = s->spriv.delayed_error;
    s->spriv.delayed_error = 0;
  } else {
    soerr = 0;
    len = sizeof(soerr);
    if (getsockopt(s->io_watcher.fd, SOL_SOCKET, SO_ERROR, &soerr, &len))
      soerr = errno;
    err = -soerr;
    if (err == UV__EINPROGRESS ||
        (err == 0 && fed && still_connecting(s->io_watcher.fd)))
      return;
  }

  s->spriv.connect_req = NULL;
  uv__req_unregister(s->loop);
  if (err != 0 || uv__queue_empty(&s->spriv.write_queue))
    uv__io_stop(s->loop, &s->io_watcher, UV__POLLOUT);
  if (err == 0)
    s->flags |= UV__STREAM_CONNECTED;

  if (req->priv.cb != NULL)
    req->priv.cb(req, err);
  if (uv__is_closing((uv_handle_t*) s))
    return;

  if (err != 0) {
    cancel_writes(s, UV_ECANCELED);
    write_callbacks(s);
  } else if (s->spriv.shutdown_req != NULL &&
             uv__queue_empty(&s->spriv.write_queue)) {
    stream_feed(s);
  }
}

/* ---- writing ----------------------------------------------------------- */

static ssize_t write_nosigpipe(int fd, const uv_buf_t* bufs,
                               unsigned int nbufs) {
  static const struct timespec zero = {0, 0};
  sigset_t pipeset;
  sigset_t old;
  ssize_t n;
  int saved;

  sigemptyset(&pipeset);
  sigaddset(&pipeset, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipeset, &old);

  do {
    if (nbufs == 1)
      n = write(fd, bufs[0].base, bufs[0].len);
    else
      n = writev(fd, (const struct iovec*) bufs, (int) nbufs);
  } while (n == -1 && errno == EINTR);

  saved = errno;
  /* If SIGPIPE was blocked before, a pending one may be the user's. */
  if (n == -1 && saved == EPIPE && !sigismember(&old, SIGPIPE)) {
    while (sigtimedwait(&pipeset, NULL, &zero) == -1 && errno == EINTR)
      ;
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  errno = saved;
  return n;
}

/* Writes what the descriptor takes now.  Returns the bytes written,
 * UV_EAGAIN if it took nothing, or an error. */
static ssize_t stream_send(uv_stream_t* s, const uv_buf_t* bufs,
                           unsigned int nbufs, int send_fd) {
  union uv__cmsg_one cmsg;
  struct msghdr msg;
  ssize_t n;
  int fd;

  fd = s->io_watcher.fd;
  if (nbufs > IOV_MAX)
    nbufs = IOV_MAX;

  if ((s->flags & UV__STREAM_SOCKET) && send_fd < 0 && nbufs == 1) {
    /* One buffer: send(), not sendmsg().  The kernel then skips copying
     * a msghdr and importing an iovec array; measured on small writes
     * (bench-tcp-smallwrites, 64 bytes): about 10% more writes/s, the
     * gap to libuv's write(). */
    do
      n = send(fd, bufs[0].base, bufs[0].len, MSG_NOSIGNAL);
    while (n == -1 && errno == EINTR);
  } else if ((s->flags & UV__STREAM_SOCKET) || send_fd >= 0) {
    memset(&msg, 0, sizeof(msg));
    msg.msg_iov = (struct iovec*) bufs;
    msg.msg_iovlen = nbufs;
    if (send_fd >= 0) {
      memset(&cmsg, 0, sizeof(cmsg));
      msg.msg_control = cmsg.buf;
      msg.msg_controllen = CMSG_SPACE(sizeof(int));
      cmsg.hdr.cmsg_level = SOL_SOCKET;
      cmsg.hdr.cmsg_type = SCM_RIGHTS;
      cmsg.hdr.cmsg_len = CMSG_LEN(sizeof(int));
      memcpy(CMSG_DATA(&cmsg.hdr), &send_fd, sizeof(int));
    }
    do
      n = sendmsg(fd, &msg, MSG_NOSIGNAL);
    while (n == -1 && errno == EINTR);
  } else if (s->flags & UV__STREAM_MAY_SIGPIPE) {
    n = write_nosigpipe(fd, bufs, nbufs);
  } else {
    do
      n = writev(fd, (const struct iovec*) bufs, (int) nbufs);
    while (n == -1 && errno == EINTR);
  }

  if (n >= 0)
    return n;
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)
    return UV_EAGAIN;
  return uv__err();
}

/* The descriptor a handle being sent carries, or an error.  Only TCP,
 * pipe and UDP handles can travel; any other type has no descriptor to
 * send, which libuv reports as UV_EBADF. */
static int send_handle_fd(uv_stream_t* h, int* fd) {
  switch (h->type) {
    case UV_TCP:
    case UV_NAMED_PIPE:
    case UV_UDP:
      return uv_fileno((const uv_handle_t*) h, fd);
    default:
      return UV_EBADF;
  }
}

/* Marks n more bytes of req as written; returns 1 once all of it is. */
static int write_req_advance(uv_stream_t* s, uv_write_t* req, size_t n) {
  uv_buf_t* b;
  uv_buf_t* end;

  s->write_queue_size -= n;
  b = req->priv.bufs + req->priv.write_index;
  end = req->priv.bufs + req->priv.nbufs;
  while (b < end && (n > 0 || b->len == 0)) {
    if (n >= b->len) {
      n -= b->len;
      b->base += b->len;
      b->len = 0;
      b++;
    } else {
      b->base += n;
      b->len -= n;
      n = 0;
    }
  }
  req->priv.write_index = (unsigned int) (b - req->priv.bufs);
  return b == end;
}

static void wait_writable(int fd) {
  struct pollfd p;

  p.fd = fd;
  p.events = POLLOUT;
  p.revents = 0;
  while (poll(&p, 1, -1) == -1 && errno == EINTR)
    ;
}

static void stream_write(uv_stream_t* s) {
  struct uv__queue* q;
  uv_write_t* req;
  ssize_t n;
  int budget;
  int send_fd;
  int err;

  budget = UV__WRITE_BURST;
  while (!uv__queue_empty(&s->spriv.write_queue)) {
    if (budget-- == 0) {
      /* Come back next iteration; level triggering reports it again. */
      uv__io_start(s->loop, &s->io_watcher, UV__POLLOUT);
      return;
    }
    q = uv__queue_head(&s->spriv.write_queue);
    req = uv__queue_data(q, uv_write_t, priv.queue);

    send_fd = -1;
    if (req->send_handle != NULL) {
      err = send_handle_fd(req->send_handle, &send_fd);
      if (err) {
        write_req_done(s, req, err);
        continue;
      }
    }

    n = stream_send(s, req->priv.bufs + req->priv.write_index,
                    req->priv.nbufs - req->priv.write_index, send_fd);
    if (n >= 0) {
      req->send_handle = NULL;  /* a partial write already carried it */
      if (write_req_advance(s, req, (size_t) n)) {
        write_req_done(s, req, 0);
        continue;
      }
      budget++;  /* the same request is not finished: try it again */
    } else if (n != UV_EAGAIN) {
      write_req_done(s, req, (int) n);
      continue;
    }

    if (s->flags & UV__STREAM_BLOCKING_WRITES) {
      /* Blocking mode promises the data is out when uv_write returns. */
      if (n == UV_EAGAIN)
        wait_writable(s->io_watcher.fd);
      continue;
    }
    uv__io_start(s->loop, &s->io_watcher, UV__POLLOUT);
    return;
  }
}

/* Write queue empty: stop waiting for POLLOUT and carry out a pending
 * shutdown. */
static void drain(uv_stream_t* s) {
  uv_shutdown_t* req;
  int err;

  uv__io_stop(s->loop, &s->io_watcher, UV__POLLOUT);
  req = s->spriv.shutdown_req;
  if (req == NULL || s->spriv.connect_req != NULL)
    return;

  s->spriv.shutdown_req = NULL;
  s->flags &= ~UV__STREAM_SHUTTING;
  err = 0;
  if (shutdown(s->io_watcher.fd, SHUT_WR))
    err = uv__err();
  else
    s->flags |= UV__STREAM_SHUT;
  uv__req_unregister(s->loop);
  if (req->priv.cb != NULL)
    req->priv.cb(req, err);
}

/* ---- reading ----------------------------------------------------------- */

static int queue_received_fd(uv_stream_t* s, int fd) {
  struct uv__stream_fdq* q;
  unsigned int cap;

  if (s->spriv.accepted_fd == -1) {
    s->spriv.accepted_fd = fd;
    return 0;
  }
  q = s->spriv.queued_fds;
  if (q == NULL || q->len == q->cap) {
    cap = q == NULL ? 8 : q->cap * 2;
    q = uv__realloc(q, sizeof(*q) + cap * sizeof(q->fds[0]));
    if (q == NULL)
      return UV_ENOMEM;
    if (s->spriv.queued_fds == NULL)
      q->len = 0;
    q->cap = cap;
    s->spriv.queued_fds = q;
  }
  q->fds[q->len++] = fd;
  return 0;
}

static int take_received_fds(uv_stream_t* s, struct msghdr* msg) {
  struct cmsghdr* c;
  unsigned char* p;
  size_t count;
  size_t i;
  int err;
  int fd;

  err = 0;
  for (c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR(msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
      continue;
    if (c->cmsg_len < CMSG_LEN(0))
      continue;
    count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    p = CMSG_DATA(c);
    for (i = 0; i < count; i++) {
      memcpy(&fd, p + i * sizeof(int), sizeof(int));
      if (err == 0)
        err = queue_received_fd(s, fd);
      if (err != 0)
        uv__close(fd);  /* cannot keep it: do not leak it */
    }
  }
  return err;
}

static void stop_reading(uv_stream_t* s) {
  s->flags &= ~UV__STREAM_READING;
  uv__io_stop(s->loop, &s->io_watcher, UV__POLLIN);
  uv__handle_stop((uv_handle_t*) s);
}

/* The peer will send nothing more: reading stops and the user hears
 * UV_EOF, with buf handed back. */
static void end_of_stream(uv_stream_t* s, const uv_buf_t* buf) {
  s->flags |= UV__STREAM_EOF;
  stop_reading(s);
  s->spriv.read_cb(s, UV_EOF, buf);
}

static void stream_read(uv_stream_t* s) {
  union uv__cmsg_fds cmsg;
  struct msghdr msg;
  uv_read_cb read_cb;
  uv_buf_t buf;
  ssize_t n;
  size_t len;
  int budget;
  int ipc;
  int err;

  ipc = is_ipc(s);
  s->flags &= ~UV__STREAM_READ_PARTIAL;
  /* A blocking descriptor would stall the loop on a second read. */
  budget = (s->flags & UV__STREAM_BLOCKING_WRITES) ? 1 : UV__READ_BURST;

  while (budget-- > 0 && (s->flags & UV__STREAM_READING)) {
    read_cb = s->spriv.read_cb;
    buf = uv_buf_init(NULL, 0);
    s->spriv.alloc_cb((uv_handle_t*) s, UV__READ_SUGGESTED, &buf);
    if (!(s->flags & UV__STREAM_READING)) {
      /* alloc_cb stopped reading or closed: hand the buffer back unused. */
      read_cb(s, 0, &buf);
      return;
    }
    if (buf.base == NULL || buf.len == 0) {
      s->spriv.read_cb(s, UV_ENOBUFS, &buf);
      return;
    }
    read_cb = s->spriv.read_cb;
    len = buf.len;

    if (!ipc) {
      do
        n = read(s->io_watcher.fd, buf.base, len);
      while (n == -1 && errno == EINTR);
      if (n == -1)
        n = uv__err();
    } else {
      memset(&msg, 0, sizeof(msg));
      msg.msg_iov = (struct iovec*) &buf;
      msg.msg_iovlen = 1;
      msg.msg_control = cmsg.buf;
      msg.msg_controllen = sizeof(cmsg.buf);
      do
        n = uv__recvmsg(s->io_watcher.fd, &msg, 0);
      while (n == UV_EINTR);
    }

    if (n == UV_EAGAIN || n == -EWOULDBLOCK) {
      read_cb(s, 0, &buf);
      return;
    }
    if (n < 0) {
      /* The descriptor is broken both ways; the user should close it. */
      s->flags &= ~(UV__STREAM_READABLE | UV__STREAM_WRITABLE);
      stop_reading(s);
      read_cb(s, n, &buf);
      return;
    }
    if (n == 0) {
      end_of_stream(s, &buf);
      return;
    }
    if (ipc) {
      err = take_received_fds(s, &msg);
      if (err != 0) {
        read_cb(s, err, &buf);
        return;
      }
    }
    read_cb(s, n, &buf);
    if ((size_t) n < len) {
      /* Drained: the kernel had less than we asked for.  Not so when the
       * read brought descriptors (a Unix socket ends a read at each message
       * that carries some, with more possibly queued behind it), nor for a
       * terminal, whose line discipline hands out a pty's data in pieces
       * (libuv 1.52's tty_pty_partial lost the tail to the hang-up). */
      if ((!ipc || msg.msg_controllen == 0) && s->type != UV_TTY)
        s->flags |= UV__STREAM_READ_PARTIAL;
      return;
    }
  }
}

/* A hang-up seen in the same event as a read that drained the socket ends
 * the stream there, as libuv does: the peer is gone and everything it sent
 * has been delivered, so the user hears UV_EOF without another read(2).
 * That read could only say 0 or, after a reset (TCP_CLOSE raises POLLHUP),
 * ECONNRESET; libuv reports the reset that follows data as a plain EOF. */
static void eof_on_hangup(uv_stream_t* s, unsigned int events) {
  uv_buf_t buf;

  if (!(events & UV__POLLHUP) || !(s->flags & UV__STREAM_READING) ||
      !(s->flags & UV__STREAM_READ_PARTIAL) || (s->flags & UV__STREAM_EOF) ||
      uv__is_closing((uv_handle_t*) s))
    return;
  buf = uv_buf_init(NULL, 0);
  end_of_stream(s, &buf);
}

/* ---- the watcher of a connected stream --------------------------------- */

static void stream_io(uv_loop_t* loop, uv__io_t* w, unsigned int events) {
  uv_stream_t* s;
  int fed;

  (void) loop;
  s = uv__container_of(w, uv_stream_t, io_watcher);
  /* A feed is outstanding until the pending phase has taken the watcher
   * off its queue, just before calling us; a poller event for the same
   * watcher may come in between and counts as fed too: the connect check
   * below may then be made when not needed, never skipped when it is. */
  fed = (s->flags & UV__STREAM_FED) != 0;
  if (fed && uv__queue_empty(&w->pending_queue))
    s->flags &= ~UV__STREAM_FED;

  if (!uv__queue_empty(&s->spriv.connect_error_queue)) {
    run_connect_errors(s, 0);
    if (uv__is_closing((uv_handle_t*) s))
      return;
  }

  if (s->spriv.connect_req != NULL) {
    finish_connect(s, fed);
    return;
  }
  if (s->io_watcher.fd == -1)
    return;

  if ((events & (UV__POLLIN | UV__POLLERR | UV__POLLHUP)) &&
      (s->flags & UV__STREAM_READING)) {
    stream_read(s);
    eof_on_hangup(s, events);
  }
  if (uv__is_closing((uv_handle_t*) s))
    return;

  if (events & (UV__POLLOUT | UV__POLLERR | UV__POLLHUP)) {
    stream_write(s);
    write_callbacks(s);
    if (uv__is_closing((uv_handle_t*) s))
      return;
    if (uv__queue_empty(&s->spriv.write_queue))
      drain(s);
  }
}

/* ---- listening and accepting ------------------------------------------- */

/* EMFILE on accept leaves the connection in the backlog and the listener
 * readable: a level-triggered loop would call accept again at once, for
 * ever.  The loop keeps one spare descriptor; at EMFILE it gives it up,
 * accepts and closes what waits (those clients see the connection closed
 * rather than hanging), and takes it back.  The spare can be missing: the
 * table was full when it was last wanted, or another thread took the slot
 * between our close and the re-open.  Then the listener stops being
 * watched, the user hears UV_EMFILE once, and a timer watches it again
 * later.  The spare is taken again at every chance (each accept and each
 * EMFILE while it is missing), so one freed descriptor restores shedding. */

static int open_spare_fd(void) {
  int fd;

  do
    fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  while (fd == -1 && errno == EINTR);
  if (fd == -1)
    fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  return fd;
}

/* Gives up the spare descriptor, accepts and closes what is waiting, and
 * takes the spare back.  Returns the accept error that ended it. */
static int shed_load(uv_loop_t* loop, int lfd) {
  int budget;
  int fd;

  uv__close(loop->priv.emfile_fd);
  loop->priv.emfile_fd = -1;

  budget = UV__SHED_BURST;
  for (;;) {
    fd = uv__accept(lfd);
    if (fd >= 0) {
      uv__close(fd);
      if (--budget > 0)
        continue;
      fd = UV_EAGAIN;
      break;
    }
    if (fd != UV_ECONNABORTED)
      break;
  }

  loop->priv.emfile_fd = open_spare_fd();
  return fd;
}

/* Watches again every listener paused at EMFILE.  The first accept tells
 * whether descriptors came back; if not, the listener pauses again. */
static void emfile_retry_cb(uv_timer_t* timer) {
  struct uv__queue* q;
  uv_handle_t* h;
  uv_stream_t* s;

  uv__queue_foreach(q, &timer->loop->priv.handle_queue) {
    h = uv__queue_data(q, uv_handle_t, hpriv.handle_queue);
    if (h->type != UV_TCP && h->type != UV_NAMED_PIPE)
      continue;
    if (!(h->flags & UV__STREAM_EMFILE_PAUSED) || uv__is_closing(h))
      continue;
    s = (uv_stream_t*) h;
    s->flags &= ~UV__STREAM_EMFILE_PAUSED;
    uv__io_start(s->loop, &s->io_watcher, UV__POLLIN);
  }
}

/* Out of descriptors and no spare: stop watching the listener until the
 * retry timer fires.  Nonzero if the timer could not be had (no memory):
 * the listener then stays watched, which spins but cannot strand it. */
static int emfile_pause(uv_stream_t* s) {
  uv_loop_t* loop;
  uv_timer_t* t;

  loop = s->loop;
  t = loop->priv.emfile_timer;
  if (t == NULL) {
    t = uv__malloc(sizeof(*t));
    if (t == NULL)
      return -1;
    uv_timer_init(loop, t);
    t->flags |= UV__H_INTERNAL;
    uv_unref((uv_handle_t*) t);
    loop->priv.emfile_timer = t;
  }
  if (!uv_is_active((uv_handle_t*) t))
    uv_timer_start(t, emfile_retry_cb, UV__EMFILE_RETRY_MS, 0);
  uv__io_stop(loop, &s->io_watcher, UV__POLLIN);
  s->flags |= UV__STREAM_EMFILE_PAUSED;
  return 0;
}

void uv__stream_loop_close(uv_loop_t* loop) {
  uv_timer_t* t;

  if (loop->priv.emfile_fd != -1) {
    uv__close(loop->priv.emfile_fd);
    loop->priv.emfile_fd = -1;
  }
  t = loop->priv.emfile_timer;
  if (t != NULL) {
    uv_timer_stop(t);
    uv__queue_remove(&t->hpriv.handle_queue);
    uv__free(t);
    loop->priv.emfile_timer = NULL;
  }
}

/* Errors accept(2) returns for one failed connection (Linux passes
 * network errors of the new connection through accept); the listener
 * itself is fine. */
static int accept_error_transient(int err) {
  switch (err) {
    case UV_EAGAIN:
#if EWOULDBLOCK != EAGAIN
    case -EWOULDBLOCK:
#endif
    case UV_ECONNABORTED:
    case UV_EINTR:
    case UV_EPROTO:
    case UV_ENETDOWN:
    case UV_ENETUNREACH:
    case UV_EHOSTUNREACH:
    case UV_ENOPROTOOPT:
    case UV_ENONET:
    case UV_EHOSTDOWN:
    case -EOPNOTSUPP:
      return 1;
    default:
      return 0;
  }
}

static void server_io(uv_loop_t* loop, uv__io_t* w, unsigned int events) {
  uv_stream_t* s;
  int fd;

  (void) events;
  s = uv__container_of(w, uv_stream_t, io_watcher);
  if (!uv__queue_empty(&s->spriv.connect_error_queue)) {
    run_connect_errors(s, 0);
    if (uv__is_closing((uv_handle_t*) s))
      return;
  }
  if (s->spriv.accepted_fd != -1 || s->spriv.connection_cb == NULL) {
    /* One connection waits for uv_accept already, or nobody listens (a
     * listener set up only to be passed to another process): leave the
     * connections in the kernel's backlog. */
    uv__io_stop(loop, &s->io_watcher, UV__POLLIN);
    s->flags |= UV__STREAM_ACCEPT_PAUSED;
    return;
  }

  /* Drain the backlog, not one connection per readiness event (nor a
   * fixed burst): on loopback a client's connect() completes inside the
   * call, so 1000 clients reconnecting each iteration queue 1000
   * connections per iteration; accepting fewer overflows the listen
   * queue, and then TCP clients wait for a SYN retransmit (1 s) and Unix
   * socket clients get EAGAIN.  Measured with 1000 clients: 9k accepts/s
   * with a burst of 128, 45k draining (libuv drains too).  The loop is
   * bounded by the backlog the kernel keeps plus what arrives meanwhile. */
  for (;;) {
    fd = uv__accept(s->io_watcher.fd);
    if (fd == UV_EMFILE || fd == UV_ENFILE) {
      if (loop->priv.emfile_fd == -1)
        loop->priv.emfile_fd = open_spare_fd();
      if (loop->priv.emfile_fd != -1)
        fd = shed_load(loop, s->io_watcher.fd);
      else
        emfile_pause(s);
    }
    if (fd < 0) {
      if (!accept_error_transient(fd))
        s->spriv.connection_cb(s, fd);
      return;
    }
    if (loop->priv.emfile_fd == -1)
      loop->priv.emfile_fd = open_spare_fd();

    s->spriv.accepted_fd = fd;
    s->spriv.connection_cb(s, 0);
    if (uv__is_closing((uv_handle_t*) s))
      return;
    if (s->spriv.accepted_fd != -1) {
      /* Not taken: stop accepting until uv_accept() takes it. */
      uv__io_stop(loop, &s->io_watcher, UV__POLLIN);
      s->flags |= UV__STREAM_ACCEPT_PAUSED;
      return;
    }
    if (s->spriv.connection_cb == NULL || s->io_watcher.fd == -1)
      return;
  }
}

int uv__stream_listen(uv_stream_t* s, int backlog, uv_connection_cb cb) {
  uv_loop_t* loop;
  int err;

  if (listen(s->io_watcher.fd, backlog))
    return uv__err();

  loop = s->loop;
  s->spriv.connection_cb = cb;
  s->io_watcher.cb = server_io;
  if (!(s->flags & UV__STREAM_ACCEPT_PAUSED)) {
    err = uv__io_start(loop, &s->io_watcher, UV__POLLIN);
    if (err)
      return err;
  }
  s->flags |= UV__STREAM_LISTENING;
  uv__handle_start((uv_handle_t*) s);

  if (loop->priv.emfile_fd == -1)
    loop->priv.emfile_fd = open_spare_fd();
  return 0;
}

int uv_listen(uv_stream_t* stream, int backlog, uv_connection_cb cb) {
  if (stream == NULL)
    return UV_EINVAL;
  if (uv__is_closing((uv_handle_t*) stream))
    return UV_EINVAL;
  switch (stream->type) {
    case UV_TCP:
      return uv__tcp_listen((uv_tcp_t*) stream, backlog, cb);
    case UV_NAMED_PIPE:
      return uv__pipe_listen((uv_pipe_t*) stream, backlog, cb);
    default:
      return UV_EINVAL;
  }
}

uv_handle_type uv__stream_guess_socket(int fd) {
  struct sockaddr_storage ss;
  struct stat st;
  socklen_t len;
  int type;

  if (fstat(fd, &st))
    return UV_UNKNOWN_HANDLE;
  if (S_ISFIFO(st.st_mode))
    return UV_NAMED_PIPE;
  if (!S_ISSOCK(st.st_mode))
    return UV_UNKNOWN_HANDLE;

  len = sizeof(type);
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len))
    return UV_UNKNOWN_HANDLE;
  len = sizeof(ss);
  memset(&ss, 0, sizeof(ss));
  if (getsockname(fd, (struct sockaddr*) &ss, &len))
    return UV_UNKNOWN_HANDLE;

  if (type == SOCK_STREAM) {
    if (ss.ss_family == AF_UNIX)
      return UV_NAMED_PIPE;
    if (ss.ss_family == AF_INET || ss.ss_family == AF_INET6)
      return UV_TCP;
  } else if (type == SOCK_DGRAM) {
    if (ss.ss_family == AF_INET || ss.ss_family == AF_INET6)
      return UV_UDP;
  }
  return UV_UNKNOWN_HANDLE;
}

unsigned int uv__stream_queued_count(const uv_stream_t* s) {
  return s->spriv.queued_fds != NULL ? s->spriv.queued_fds->len : 0;
}

static void next_pending(uv_stream_t* server) {
  struct uv__stream_fdq* q;

  q = server->spriv.queued_fds;
  if (q == NULL) {
    server->spriv.accepted_fd = -1;
    return;
  }
  server->spriv.accepted_fd = q->fds[0];
  q->len--;
  memmove(q->fds, q->fds + 1, q->len * sizeof(q->fds[0]));
  if (q->len == 0) {
    uv__free(q);
    server->spriv.queued_fds = NULL;
  }
}

/* Readable/writable bits for an adopted descriptor, from its access mode. */
static unsigned int access_flags(int fd) {
  int mode;

  do
    mode = fcntl(fd, F_GETFL);
  while (mode == -1 && errno == EINTR);
  if (mode == -1)
    return UV__STREAM_READABLE | UV__STREAM_WRITABLE;
  switch (mode & O_ACCMODE) {
    case O_RDONLY:
      return UV__STREAM_READABLE;
    case O_WRONLY:
      return UV__STREAM_WRITABLE;
    default:
      return UV__STREAM_READABLE | UV__STREAM_WRITABLE;
  }
}

int uv_accept(uv_stream_t* server, uv_stream_t* client) {
  uv_handle_type kind;
  unsigned int flags;
  int err;
  int fd;

  if (server == NULL || client == NULL)
    return UV_EINVAL;
  if (!uv__is_stream(server) || server->loop != client->loop)
    return UV_EINVAL;
  if (uv__is_closing((uv_handle_t*) server) ||
      uv__is_closing((uv_handle_t*) client))
    return UV_EINVAL;

  fd = server->spriv.accepted_fd;
  if (fd == -1)
    return UV_EAGAIN;

  /* A refusal below leaves the descriptor pending, so the caller can
   * retry with the right handle. */
  if (server->flags & UV__STREAM_LISTENING) {
    kind = server->type;
  } else {
    kind = uv__stream_guess_socket(fd);
    if (kind == UV_UNKNOWN_HANDLE)
      kind = UV_NAMED_PIPE;  /* any other streaming descriptor */
  }
  /* As in libuv, any stream connection goes into either socket stream
   * type (a Unix-socket connection into a uv_tcp_t, a TCP one into a
   * uv_pipe_t); a datagram socket only into a uv_udp_t. */
  if (kind == UV_UDP ? (uv_handle_type) client->type != UV_UDP
                     : (client->type != UV_TCP &&
                        client->type != UV_NAMED_PIPE))
    return UV_EINVAL;

  if (kind == UV_UDP) {
    /* Like a stream below, a descriptor the client cannot take is closed
     * (libuv does the same). */
    err = uv__udp_open_accepted((uv_udp_t*) client, fd);
  } else {
    if (client->io_watcher.fd != -1)
      return UV_EBUSY;
    /* A connection from our own listener is a non-blocking read-write
     * socket, known without asking the kernel; only a received descriptor
     * needs looking at. */
    flags = UV__STREAM_READABLE | UV__STREAM_WRITABLE | UV__STREAM_CONNECTED |
            UV__STREAM_SOCKET;
    err = 0;
    if (!(server->flags & UV__STREAM_LISTENING)) {
      if (kind == UV_NAMED_PIPE)
        flags = access_flags(fd) | UV__STREAM_CONNECTED;
      err = uv__nonblock(fd, 1);  /* a received descriptor may block */
    }
    if (err == 0)
      err = uv__stream_open(client, fd, flags);
  }
  if (err != 0)
    uv__close(fd);

  next_pending(server);
  if ((server->flags & UV__STREAM_ACCEPT_PAUSED) &&
      server->spriv.accepted_fd == -1) {
    server->flags &= ~UV__STREAM_ACCEPT_PAUSED;
    uv__io_start(server->loop, &server->io_watcher, UV__POLLIN);
  }
  return err;
}

/* ---- the public stream API --------------------------------------------- */

int uv_read_start(uv_stream_t* stream, uv_alloc_cb alloc_cb,
                  uv_read_cb read_cb) {
  int err;

  if (stream == NULL || alloc_cb == NULL || read_cb == NULL)
    return UV_EINVAL;
  if (!uv__is_stream(stream) || uv__is_closing((uv_handle_t*) stream))
    return UV_EINVAL;
  if (stream->flags & UV__STREAM_READING)
    return UV_EALREADY;
  if (!(stream->flags & UV__STREAM_READABLE) ||
      stream->io_watcher.fd == -1)
    return UV_ENOTCONN;

  err = uv__io_start(stream->loop, &stream->io_watcher, UV__POLLIN);
  if (err)
    return err;
  stream->flags |= UV__STREAM_READING;
  stream->flags &= ~UV__STREAM_EOF;
  stream->spriv.alloc_cb = alloc_cb;
  stream->spriv.read_cb = read_cb;
  uv__handle_start((uv_handle_t*) stream);
  return 0;
}

int uv_read_stop(uv_stream_t* stream) {
  if (stream == NULL || !uv__is_stream(stream))
    return UV_EINVAL;
  if (!(stream->flags & UV__STREAM_READING))
    return 0;
  stop_reading(stream);
  stream->spriv.read_cb = NULL;
  stream->spriv.alloc_cb = NULL;
  return 0;
}

static int check_write(uv_stream_t* s, const uv_buf_t bufs[],
                       unsigned int nbufs, uv_stream_t* send_handle) {
  int fd;
  int err;

  if (s->io_watcher.fd == -1)
    return UV_EBADF;
  if (!(s->flags & UV__STREAM_WRITABLE))
    return UV_EPIPE;
  if (send_handle != NULL) {
    if (!is_ipc(s))
      return UV_EINVAL;
    err = send_handle_fd(send_handle, &fd);
    if (err)
      return err;
    /* The descriptor travels with the data; without a byte to carry it a
     * stream socket would send nothing at all. */
    if (bufs_size(bufs, nbufs) == 0)
      return UV_EINVAL;
  }
  return 0;
}

/* Argument errors come before any state error (EBADF, EPIPE, EAGAIN), as
 * in libuv: a program probing with bad arguments on an unconnected handle
 * sees UV_EINVAL.  No buffer count above INT_MAX is meaningful. */
static int bad_bufs(const uv_buf_t bufs[], unsigned int nbufs) {
  return bufs == NULL || nbufs == 0 || nbufs > INT_MAX;
}

int uv_write2(uv_write_t* req, uv_stream_t* stream, const uv_buf_t bufs[],
              unsigned int nbufs, uv_stream_t* send_handle, uv_write_cb cb) {
  uv_buf_t* copy;
  int was_idle;
  int err;

  if (req == NULL || stream == NULL || bad_bufs(bufs, nbufs))
    return UV_EINVAL;
  if (!uv__is_stream(stream) ||
      at_queue_end(&stream->spriv.write_queue, &req->priv.queue) ||
      at_queue_end(&stream->spriv.write_completed_queue, &req->priv.queue))
    return UV_EINVAL;
  err = check_write(stream, bufs, nbufs, send_handle);
  if (err)
    return err;

  copy = req->priv.bufsml;
  if (nbufs > UV__ARRAY_SIZE(req->priv.bufsml)) {
    copy = uv__malloc(nbufs * sizeof(bufs[0]));
    if (copy == NULL)
      return UV_ENOMEM;
  }
  memcpy(copy, bufs, nbufs * sizeof(bufs[0]));

  was_idle = uv__queue_empty(&stream->spriv.write_queue);
  uv__req_init(stream->loop, (uv_req_t*) req, UV_WRITE);
  req->handle = stream;
  req->send_handle = send_handle;
  req->priv.cb = cb;
  req->priv.bufs = copy;
  req->priv.nbufs = nbufs;
  req->priv.write_index = 0;
  req->priv.error = 0;
  stream->write_queue_size += bufs_size(bufs, nbufs);
  uv__queue_insert_tail(&stream->spriv.write_queue, &req->priv.queue);

  if (stream->spriv.connect_req != NULL)
    return 0;  /* written once connected */
  if (was_idle || (stream->flags & UV__STREAM_BLOCKING_WRITES))
    stream_write(stream);
  else
    uv__io_start(stream->loop, &stream->io_watcher, UV__POLLOUT);
  return 0;
}

int uv_write(uv_write_t* req, uv_stream_t* handle, const uv_buf_t bufs[],
             unsigned int nbufs, uv_write_cb cb) {
  return uv_write2(req, handle, bufs, nbufs, NULL, cb);
}

int uv_try_write2(uv_stream_t* handle, const uv_buf_t bufs[],
                  unsigned int nbufs, uv_stream_t* send_handle) {
  ssize_t n;
  int send_fd;
  int err;

  if (handle == NULL || bad_bufs(bufs, nbufs) || !uv__is_stream(handle))
    return UV_EINVAL;
  /* Anything queued goes first; jumping ahead would reorder the data. */
  if (handle->spriv.connect_req != NULL ||
      !uv__queue_empty(&handle->spriv.write_queue) ||
      handle->write_queue_size != 0)
    return UV_EAGAIN;
  err = check_write(handle, bufs, nbufs, send_handle);
  if (err)
    return err;

  send_fd = -1;
  if (send_handle != NULL)
    send_handle_fd(send_handle, &send_fd);
  n = stream_send(handle, bufs, nbufs, send_fd);
  if (n > INT_MAX)
    n = INT_MAX;  /* cannot happen on Linux: one write moves < 2 GiB */
  return (int) n;
}

int uv_try_write(uv_stream_t* handle, const uv_buf_t bufs[],
                 unsigned int nbufs) {
  return uv_try_write2(handle, bufs, nbufs, NULL);
}

int uv_shutdown(uv_shutdown_t* req, uv_stream_t* stream, uv_shutdown_cb cb) {
  if (req == NULL || stream == NULL || !uv__is_stream(stream) ||
      req == stream->spriv.shutdown_req)
    return UV_EINVAL;
  if (!(stream->flags & UV__STREAM_WRITABLE) ||
      (stream->flags & (UV__STREAM_SHUT | UV__STREAM_SHUTTING)) ||
      uv__is_closing((uv_handle_t*) stream) || stream->io_watcher.fd == -1)
    return UV_ENOTCONN;

  uv__req_init(stream->loop, (uv_req_t*) req, UV_SHUTDOWN);
  req->handle = stream;
  req->priv.cb = cb;
  stream->spriv.shutdown_req = req;
  stream->flags |= UV__STREAM_SHUTTING;
  stream->flags &= ~UV__STREAM_WRITABLE;
  if (uv__queue_empty(&stream->spriv.write_queue) &&
      stream->spriv.connect_req == NULL)
    stream_feed(stream);
  return 0;
}

int uv_is_readable(const uv_stream_t* handle) {
  if (handle == NULL)
    return 0;
  return (handle->flags & UV__STREAM_READABLE) != 0;
}

int uv_is_writable(const uv_stream_t* handle) {
  if (handle == NULL)
    return 0;
  return (handle->flags & UV__STREAM_WRITABLE) != 0;
}

size_t uv_stream_get_write_queue_size(const uv_stream_t* stream) {
  if (stream == NULL)
    return 0;
  return stream->write_queue_size;
}

int uv_stream_set_blocking(uv_stream_t* handle, int blocking) {
  int err;

  if (handle == NULL || !uv__is_stream(handle))
    return UV_EINVAL;
  if (uv__is_closing((uv_handle_t*) handle) || handle->io_watcher.fd == -1)
    return UV_EBADF;
  err = uv__nonblock(handle->io_watcher.fd, !blocking);
  if (err)
    return err;
  if (blocking)
    handle->flags |= UV__STREAM_BLOCKING_WRITES;
  else
    handle->flags &= ~UV__STREAM_BLOCKING_WRITES;
  return 0;
}
