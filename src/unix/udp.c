/* uvcore — UDP handles on Unix: socket creation (eager with
 * uv_udp_init_ex, else on the first bind, send or receive), bind, connect,
 * the send queue, receiving (one datagram per recvmsg, or a batch per
 * recvmmsg on request) and the socket options.
 *
 * What the kernel makes awkward, and how we cope:
 * - A datagram larger than the buffer is cut silently unless one looks at
 *   msg_flags: MSG_TRUNC there becomes UV_UDP_PARTIAL.
 * - An ICMP error (port unreachable) on a connected socket surfaces as a
 *   pending socket error and POLLERR; the next recvmsg or sendmsg returns
 *   it and clears it, so it is reported to whichever side is active.  With
 *   IP_RECVERR the error also stays on the error queue and keeps POLLERR
 *   raised (level-triggered), so that queue is read when we see it: its
 *   reports go to the receive callback (as in libuv 1.52), or nowhere when
 *   nobody receives.
 * - Loopback rarely says EAGAIN to a sender (the datagram is handed over at
 *   once, and dropped if the receiver is full), so a busy socket could keep
 *   the loop in one callback: sends and receives are bounded per readiness
 *   event, and what is left waits for the next turn.
 * - ENOBUFS from sendmsg is the kernel's transient "no memory for the
 *   packet": treated like EAGAIN, the request waits for POLLOUT.
 * - One system call per datagram is the cost that dominates a busy
 *   socket.  Sends made from receive callbacks (a server answering what it
 *   reads) are therefore queued and go out together, in one sendmmsg,
 *   once the batch of receives is done.
 *
 * Requests carry their own copy of the buffer array (inline up to four),
 * and batches of messages are built on the stack, so sending and receiving
 * allocate nothing per datagram.
 */
#include "udp.h"

#include <limits.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

/* The largest datagram: the size alloc_cb is asked for, and the stride of
 * the chunks a recvmmsg buffer is cut into. */
#define UV__UDP_DGRAM_MAX (64 * 1024)
/* Datagrams received, and sent, per readiness event at most. */
#define UV__UDP_READ_BUDGET 32
#define UV__UDP_WRITE_BUDGET 256
/* Messages per recvmmsg/sendmmsg call. */
#define UV__UDP_BATCH 32

/* Handle state bits (flags, type range). */
#define UV__UDP_BOUND     0x0100
#define UV__UDP_CONNECTED 0x0200
#define UV__UDP_IPV6      0x0400   /* options take the IPv6 names */
#define UV__UDP_MMSG      0x0800   /* UV_UDP_RECVMMSG was asked for */
#define UV__UDP_RECVERR   0x1000   /* IP_RECVERR on: read the error queue */
#define UV__UDP_IN_READ   0x2000   /* recv callbacks running: defer sends */
#define UV__UDP_COMPLETING 0x4000  /* send callbacks running: defer sends */

static void udp_io_cb(uv_loop_t* loop, uv__io_t* w, unsigned int events);

static int is_udp(const uv_udp_t* h) {
  return h != NULL && h->type == UV_UDP;
}

static int usable(const uv_udp_t* h) {
  return is_udp(h) && !uv__is_closing((const uv_handle_t*) h);
}

/* Address length of an IPv4 or IPv6 address; anything else is EINVAL. */
static int inet_len(const struct sockaddr* addr, socklen_t* len) {
  if (addr == NULL)
    return UV_EINVAL;
  switch (addr->sa_family) {
    case AF_INET:
      *len = sizeof(struct sockaddr_in);
      return 0;
    case AF_INET6:
      *len = sizeof(struct sockaddr_in6);
      return 0;
    default:
      return UV_EINVAL;
  }
}

/* Destinations may also be Unix datagram names, for handles opened on such
 * a socket with uv_udp_open(). */
static int dest_len(const struct sockaddr* addr, socklen_t* len) {
  if (addr != NULL && addr->sa_family == AF_UNIX) {
    *len = sizeof(struct sockaddr_un);
    return 0;
  }
  return inet_len(addr, len);
}

static size_t bufs_size(const uv_buf_t* bufs, unsigned int nbufs) {
  size_t n;
  unsigned int i;

  n = 0;
  for (i = 0; i < nbufs; i++)
    n += bufs[i].len;
  return n;
}

static int would_block(int err) {
  return err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS;
}

/* Active while receiving or while sends are outstanding. */
static void update_active(uv_udp_t* h) {
  if ((h->io_watcher.pevents & UV__POLLIN) ||
      !uv__queue_empty(&h->priv.write_queue) ||
      !uv__queue_empty(&h->priv.write_completed_queue))
    uv__handle_start((uv_handle_t*) h);
  else
    uv__handle_stop((uv_handle_t*) h);
}

/* ---- creation, adoption ------------------------------------------------ */

int uv_udp_init_ex(uv_loop_t* loop, uv_udp_t* h, unsigned int flags) {
  int domain;
  int fd;

  if (!uv__loop_usable(loop) || h == NULL)
    return UV_EINVAL;
  domain = (int) (flags & 0xFF);
  if (domain != AF_INET && domain != AF_INET6 && domain != AF_UNSPEC)
    return UV_EINVAL;
  if (flags & ~0xFFu & ~(unsigned int) UV_UDP_RECVMMSG)
    return UV_EINVAL;

  fd = -1;
  if (domain != AF_UNSPEC) {
    fd = uv__socket(domain, SOCK_DGRAM, 0);
    if (fd < 0)
      return fd;
  }

  uv__handle_init(loop, (uv_handle_t*) h, UV_UDP);
  h->send_queue_size = 0;
  h->send_queue_count = 0;
  h->priv.alloc_cb = NULL;
  h->priv.recv_cb = NULL;
  uv__io_init(&h->io_watcher, udp_io_cb, fd);
  uv__queue_init(&h->priv.write_queue);
  uv__queue_init(&h->priv.write_completed_queue);
  if (domain == AF_INET6)
    h->flags |= UV__UDP_IPV6;
  if (flags & UV_UDP_RECVMMSG)
    h->flags |= UV__UDP_MMSG;
  return 0;
}

int uv_udp_init(uv_loop_t* loop, uv_udp_t* h) {
  return uv_udp_init_ex(loop, h, AF_UNSPEC);
}

int uv_udp_using_recvmmsg(const uv_udp_t* h) {
#if defined(__linux__)
  return is_udp(h) && (h->flags & UV__UDP_MMSG) != 0;
#else
  (void) h;
  return 0;
#endif
}

/* Takes fd as the handle's socket and learns what the kernel already knows
 * about it: family, whether bound, whether connected. */
static void adopt(uv_udp_t* h, int fd) {
  struct sockaddr_storage ss;
  socklen_t len;

  h->io_watcher.fd = fd;
  len = sizeof(ss);
  memset(&ss, 0, sizeof(ss));
  if (getsockname(fd, (struct sockaddr*) &ss, &len) == 0) {
    if (ss.ss_family == AF_INET6)
      h->flags |= UV__UDP_IPV6;
    if ((ss.ss_family == AF_INET &&
         ((struct sockaddr_in*) &ss)->sin_port != 0) ||
        (ss.ss_family == AF_INET6 &&
         ((struct sockaddr_in6*) &ss)->sin6_port != 0))
      h->flags |= UV__UDP_BOUND;
  }
  len = sizeof(ss);
  if (getpeername(fd, (struct sockaddr*) &ss, &len) == 0)
    h->flags |= UV__UDP_CONNECTED;
}

static int set_int_opt(int fd, int level, int name, int value) {
  if (setsockopt(fd, level, name, &value, sizeof(value)))
    return uv__err();
  return 0;
}

static int set_reuse(int fd, unsigned int flags) {
  int err;

  if (flags & UV_UDP_REUSEADDR) {
    err = set_int_opt(fd, SOL_SOCKET, SO_REUSEADDR, 1);
    if (err)
      return err;
  }
  if (flags & UV_UDP_REUSEPORT) {
#if defined(SO_REUSEPORT)
    err = set_int_opt(fd, SOL_SOCKET, SO_REUSEPORT, 1);
    if (err)
      return err == UV_ENOPROTOOPT ? UV_ENOTSUP : err;
#else
    return UV_ENOTSUP;
#endif
  }
  return 0;
}

static int fd_in_use(uv_loop_t* loop, int fd) {
  return (unsigned int) fd < loop->priv.nwatchers &&
         loop->priv.watchers[fd] != NULL;
}

int uv_udp_open_ex(uv_udp_t* h, uv_os_sock_t sock, unsigned int flags) {
  int err;

  if (!usable(h))
    return UV_EINVAL;
  if (flags & ~(unsigned int) (UV_UDP_REUSEADDR | UV_UDP_REUSEPORT))
    return UV_EINVAL;
  if (sock < 0)
    return UV_EBADF;
  if (h->io_watcher.fd != -1)
    return UV_EBUSY;
  if (fd_in_use(h->loop, sock))
    return UV_EEXIST;
  err = uv__nonblock(sock, 1);
  if (err)
    return err;
  err = set_reuse(sock, flags);
  if (err)
    return err;
  adopt(h, sock);
  return 0;
}

int uv_udp_open(uv_udp_t* h, uv_os_sock_t sock) {
  return uv_udp_open_ex(h, sock, 0);
}

int uv__udp_open_accepted(uv_udp_t* h, int fd) {
  /* Received with MSG_CMSG_CLOEXEC; the sender may have left it blocking. */
  return uv_udp_open_ex(h, fd, 0);
}

/* Creates the socket if the handle has none yet. */
static int ensure_socket(uv_udp_t* h, int domain) {
  int fd;

  if (h->io_watcher.fd != -1)
    return 0;
  fd = uv__socket(domain, SOCK_DGRAM, 0);
  if (fd < 0)
    return fd;
  h->io_watcher.fd = fd;
  if (domain == AF_INET6)
    h->flags |= UV__UDP_IPV6;
  else
    h->flags &= ~UV__UDP_IPV6;
  return 0;
}

/* ---- bind, connect, names ---------------------------------------------- */

int uv_udp_bind(uv_udp_t* h, const struct sockaddr* addr,
                unsigned int flags) {
  socklen_t len;
  int created;
  int err;
  int fd;

  if (!usable(h))
    return UV_EINVAL;
  err = inet_len(addr, &len);
  if (err)
    return err;
  if (flags & ~(unsigned int) (UV_UDP_IPV6ONLY | UV_UDP_REUSEADDR |
                               UV_UDP_REUSEPORT | UV_UDP_LINUX_RECVERR))
    return UV_EINVAL;
  if ((flags & UV_UDP_IPV6ONLY) && addr->sa_family != AF_INET6)
    return UV_EINVAL;

  created = h->io_watcher.fd == -1;
  err = ensure_socket(h, addr->sa_family);
  if (err)
    return err;
  fd = h->io_watcher.fd;

  if (flags & UV_UDP_LINUX_RECVERR) {
    err = uv__udp_recverr_enable(fd, addr->sa_family);
    if (err < 0)
      goto fail;
    if (err == 1)
      h->flags |= UV__UDP_RECVERR;
  }
  err = set_reuse(fd, flags);
  if (err)
    goto fail;
  if (flags & UV_UDP_IPV6ONLY) {
    err = set_int_opt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
    if (err)
      goto fail;
  }

  if (bind(fd, addr, len)) {
    /* A socket of the other family: BSDs say EAFNOSUPPORT, Linux EINVAL. */
    err = errno == EAFNOSUPPORT ? UV_EINVAL : uv__err();
    goto fail;
  }
  h->flags |= UV__UDP_BOUND;
  if (addr->sa_family == AF_INET6)
    h->flags |= UV__UDP_IPV6;
  return 0;

fail:
  /* A socket made for this call only goes again, so a retry with another
   * family is not stuck with it. */
  if (created) {
    uv__close(fd);
    h->io_watcher.fd = -1;
    h->flags &= ~(UV__UDP_IPV6 | UV__UDP_RECVERR);
  }
  return err;
}

/* Binds to the wildcard address (port 0) unless bound already.  A socket
 * made by uv_udp_init_ex or adopted may be bound without our knowing, by
 * the user or by an earlier send; the kernel tells. */
static int maybe_bind(uv_udp_t* h, int domain, unsigned int flags) {
  struct sockaddr_storage ss;
  socklen_t len;

  if (h->flags & UV__UDP_BOUND)
    return 0;
  if (h->io_watcher.fd != -1) {
    len = sizeof(ss);
    memset(&ss, 0, sizeof(ss));
    if (getsockname(h->io_watcher.fd, (struct sockaddr*) &ss, &len))
      return 0;  /* let the operation itself report what is wrong */
    if (ss.ss_family == AF_INET) {
      if (((struct sockaddr_in*) &ss)->sin_port != 0) {
        h->flags |= UV__UDP_BOUND;
        return 0;
      }
    } else if (ss.ss_family == AF_INET6) {
      if (((struct sockaddr_in6*) &ss)->sin6_port != 0) {
        h->flags |= UV__UDP_BOUND;
        return 0;
      }
    } else {
      return 0;  /* not an IP socket (uv_udp_open): nothing to bind to */
    }
    domain = ss.ss_family;
  }

  memset(&ss, 0, sizeof(ss));
  ss.ss_family = (sa_family_t) domain;
  if (domain == AF_INET6)
    ((struct sockaddr_in6*) &ss)->sin6_addr = in6addr_any;
  else
    ((struct sockaddr_in*) &ss)->sin_addr.s_addr = htonl(INADDR_ANY);
  return uv_udp_bind(h, (const struct sockaddr*) &ss, flags);
}

int uv_udp_connect(uv_udp_t* h, const struct sockaddr* addr) {
  struct sockaddr_in6 scoped;
  struct sockaddr unspec;
  socklen_t len;
  int err;
  int r;

  if (!usable(h))
    return UV_EINVAL;

  if (addr == NULL) {
    if (!(h->flags & UV__UDP_CONNECTED))
      return UV_ENOTCONN;
    /* Connecting to AF_UNSPEC dissolves the association. */
    memset(&unspec, 0, sizeof(unspec));
    unspec.sa_family = AF_UNSPEC;
    do
      r = connect(h->io_watcher.fd, &unspec, sizeof(unspec));
    while (r == -1 && errno == EINTR);
    if (r == -1 && errno != EAFNOSUPPORT && errno != EINVAL)
      return uv__err();
    h->flags &= ~UV__UDP_CONNECTED;
    return 0;
  }

  err = inet_len(addr, &len);
  if (err)
    return err;
  if (h->flags & UV__UDP_CONNECTED)
    return UV_EISCONN;
  err = maybe_bind(h, addr->sa_family, 0);
  if (err)
    return err;
  addr = uv__ip6_link_local_scope(addr, &scoped);
  do
    r = connect(h->io_watcher.fd, addr, len);
  while (r == -1 && errno == EINTR);
  if (r == -1)
    return uv__err();
  h->flags |= UV__UDP_CONNECTED;
  return 0;
}

static int sock_name(const uv_udp_t* h, struct sockaddr* name, int* namelen,
                     int peer) {
  socklen_t len;
  int fd;
  int r;

  if (!is_udp(h) || name == NULL || namelen == NULL || *namelen < 0)
    return UV_EINVAL;
  r = uv_fileno((const uv_handle_t*) h, &fd);
  if (r)
    return r;
  len = (socklen_t) *namelen;
  r = peer ? getpeername(fd, name, &len) : getsockname(fd, name, &len);
  if (r)
    return uv__err();
  *namelen = (int) len;
  return 0;
}

int uv_udp_getsockname(const uv_udp_t* h, struct sockaddr* name,
                       int* namelen) {
  return sock_name(h, name, namelen, 0);
}

int uv_udp_getpeername(const uv_udp_t* h, struct sockaddr* name,
                       int* namelen) {
  return sock_name(h, name, namelen, 1);
}

/* ---- sending ------------------------------------------------------------ */

/* libuv's rules for a destination: a connected handle takes none, an
 * unconnected one needs one. */
static int check_dest(const uv_udp_t* h, const struct sockaddr* addr,
                      socklen_t* len) {
  *len = 0;
  if (addr != NULL && (h->flags & UV__UDP_CONNECTED))
    return UV_EISCONN;
  if (addr == NULL && !(h->flags & UV__UDP_CONNECTED))
    return UV_EDESTADDRREQ;
  if (addr == NULL)
    return 0;
  return dest_len(addr, len);
}

static socklen_t stored_len(const struct sockaddr_storage* ss) {
  switch (ss->ss_family) {
    case AF_INET:
      return sizeof(struct sockaddr_in);
    case AF_INET6:
      return sizeof(struct sockaddr_in6);
    case AF_UNIX:
      return sizeof(struct sockaddr_un);
    default:
      return 0;  /* connected: no name */
  }
}

/* Moves a finished request to the completed queue; its callback runs from
 * the pending phase, never inside uv_udp_send. */
static void complete(uv_udp_t* h, uv_udp_send_t* req, ssize_t status) {
  req->priv.status = status;
  uv__queue_remove(&req->priv.queue);
  uv__queue_insert_tail(&h->priv.write_completed_queue, &req->priv.queue);
  uv__io_feed(h->loop, &h->io_watcher);
}

static void fill_msg(struct msghdr* m, void* name, socklen_t namelen,
                     uv_buf_t* bufs, unsigned int nbufs) {
  memset(m, 0, sizeof(*m));
  m->msg_name = name;
  m->msg_namelen = namelen;
  m->msg_iov = (struct iovec*) bufs;  /* same layout as uv_buf_t on Unix */
  m->msg_iovlen = nbufs;
}

/* Sends queued requests in order, a batch per system call, until the
 * queue is empty, the socket is full or the budget for this event is
 * spent. */
static void send_queued(uv_udp_t* h) {
  struct mmsghdr msgs[UV__UDP_BATCH];
  uv_udp_send_t* reqs[UV__UDP_BATCH];
  struct uv__queue* q;
  uv_udp_send_t* req;
  unsigned int budget;
  unsigned int n;
  unsigned int i;
  int r;

  budget = UV__UDP_WRITE_BUDGET;
  while (budget > 0 && !uv__queue_empty(&h->priv.write_queue) &&
         h->io_watcher.fd != -1) {
    n = 0;
    uv__queue_foreach(q, &h->priv.write_queue) {
      if (n == UV__UDP_BATCH || n == budget)
        break;
      req = uv__queue_data(q, uv_udp_send_t, priv.queue);
      fill_msg(&msgs[n].msg_hdr, &req->priv.addr,
               stored_len(&req->priv.addr), req->priv.bufs, req->priv.nbufs);
      if (msgs[n].msg_hdr.msg_namelen == 0)
        msgs[n].msg_hdr.msg_name = NULL;
      msgs[n].msg_len = 0;
      reqs[n] = req;
      n++;
    }

    if (n == 1) {
      ssize_t s;
      do
        s = sendmsg(h->io_watcher.fd, &msgs[0].msg_hdr, 0);
      while (s == -1 && errno == EINTR);
      r = s == -1 ? -1 : 1;
      if (s >= 0)
        msgs[0].msg_len = (unsigned int) s;
    } else {
      do
        r = sendmmsg(h->io_watcher.fd, msgs, n, 0);
      while (r == -1 && errno == EINTR);
    }

    if (r < 0) {
      if (would_block(errno))
        return;  /* POLLOUT brings us back */
      /* The first of the batch failed: that one gets the error, the rest
       * is tried again. */
      complete(h, reqs[0], uv__err());
      budget--;
      continue;
    }
    for (i = 0; i < (unsigned int) r; i++)
      complete(h, reqs[i], (ssize_t) msgs[i].msg_len);
    budget -= (unsigned int) r;
  }
}

/* Runs the callbacks of finished requests, in order.  The list is detached
 * first: a callback may send again or close the handle. */
static void run_completed(uv_udp_t* h) {
  struct uv__queue done;
  struct uv__queue* q;
  uv_udp_send_t* req;
  int status;

  uv__queue_move(&h->priv.write_completed_queue, &done);
  h->flags |= UV__UDP_COMPLETING;
  while (!uv__queue_empty(&done)) {
    q = uv__queue_head(&done);
    uv__queue_remove(q);
    req = uv__queue_data(q, uv_udp_send_t, priv.queue);
    h->send_queue_size -= bufs_size(req->priv.bufs, req->priv.nbufs);
    h->send_queue_count--;
    if (req->priv.bufs != req->priv.bufsml)
      uv__free(req->priv.bufs);
    req->priv.bufs = NULL;
    uv__req_unregister(h->loop);
    status = req->priv.status < 0 ? (int) req->priv.status : 0;
    if (req->priv.cb != NULL)
      req->priv.cb(req, status);
  }
  h->flags &= ~UV__UDP_COMPLETING;

  /* Only when it was on: a no-op stop would still queue an interest
   * change for the next poll. */
  if (uv__queue_empty(&h->priv.write_queue) &&
      (h->io_watcher.pevents & UV__POLLOUT))
    uv__io_stop(h->loop, &h->io_watcher, UV__POLLOUT);
  if (!uv__is_closing((uv_handle_t*) h))
    update_active(h);
}

int uv_udp_send(uv_udp_send_t* req, uv_udp_t* h, const uv_buf_t bufs[],
                unsigned int nbufs, const struct sockaddr* addr,
                uv_udp_send_cb send_cb) {
  socklen_t len;
  int was_empty;
  int err;

  if (req == NULL || !usable(h) ||
      h->priv.write_queue.next == &req->priv.queue ||
      h->priv.write_queue.prev == &req->priv.queue ||
      h->priv.write_completed_queue.next == &req->priv.queue ||
      h->priv.write_completed_queue.prev == &req->priv.queue)
    return UV_EINVAL;  /* a request in flight (see internal.h) */
  err = check_dest(h, addr, &len);
  if (err)
    return err;
  if (bufs == NULL || nbufs == 0 || nbufs > INT_MAX)
    return UV_EINVAL;
  if (addr != NULL) {
    err = maybe_bind(h, addr->sa_family, 0);
    if (err)
      return err;
  }
  if (h->io_watcher.fd == -1)
    return UV_EBADF;

  req->priv.bufs = req->priv.bufsml;
  if (nbufs > UV__ARRAY_SIZE(req->priv.bufsml)) {
    req->priv.bufs = uv__malloc(nbufs * sizeof(bufs[0]));
    if (req->priv.bufs == NULL)
      return UV_ENOMEM;
  }
  memcpy(req->priv.bufs, bufs, nbufs * sizeof(bufs[0]));
  req->priv.nbufs = nbufs;
  uv__req_init(h->loop, (uv_req_t*) req, UV_UDP_SEND);
  req->handle = h;
  req->priv.cb = send_cb;
  req->priv.status = 0;
  if (addr != NULL)
    memcpy(&req->priv.addr, addr, len);
  else
    req->priv.addr.ss_family = AF_UNSPEC;

  /* Idle as libuv counts it: no request queued or waiting for its
   * callback.  A send issued while an earlier one still awaits its callback
   * goes out at the next POLLOUT, never overtaking that callback. */
  was_empty = h->send_queue_count == 0;
  h->send_queue_size += bufs_size(bufs, nbufs);
  h->send_queue_count++;
  uv__queue_insert_tail(&h->priv.write_queue, &req->priv.queue);
  uv__handle_start((uv_handle_t*) h);

  /* Nothing ahead of it: try at once, the common case costs no poll.
   * From inside a receive callback, wait for the end of the batch of
   * receives (udp_io_cb) and send everything answered in one call.  From
   * inside a send callback, wait for the next POLLOUT, as libuv does: a
   * sender that answers each completion with the next datagram lets the
   * loop poll between them. */
  if (was_empty && !(h->flags & (UV__UDP_IN_READ | UV__UDP_COMPLETING)))
    send_queued(h);
  if (h->flags & UV__UDP_IN_READ)
    return 0;
  if (!uv__queue_empty(&h->priv.write_queue)) {
    err = uv__io_start(h->loop, &h->io_watcher, UV__POLLOUT);
    if (err)
      complete(h, req, err);  /* reported through the callback */
  }
  return 0;
}

int uv_udp_try_send(uv_udp_t* h, const uv_buf_t bufs[], unsigned int nbufs,
                    const struct sockaddr* addr) {
  struct msghdr m;
  socklen_t len;
  ssize_t n;
  int err;

  if (!usable(h))
    return UV_EINVAL;
  err = check_dest(h, addr, &len);
  if (err)
    return err;
  if (bufs == NULL || nbufs == 0)
    return UV_EINVAL;
  /* Queued sends go first: this one may not overtake them. */
  if (h->send_queue_count != 0)
    return UV_EAGAIN;
  if (addr != NULL) {
    err = maybe_bind(h, addr->sa_family, 0);
    if (err)
      return err;
  }
  if (h->io_watcher.fd == -1)
    return UV_EBADF;

  fill_msg(&m, (void*) addr, len, (uv_buf_t*) bufs, nbufs);
  do
    n = sendmsg(h->io_watcher.fd, &m, 0);
  while (n == -1 && errno == EINTR);
  if (n == -1)
    return would_block(errno) ? UV_EAGAIN : uv__err();
  return n > INT_MAX ? INT_MAX : (int) n;
}

int uv_udp_try_send2(uv_udp_t* h, unsigned int count, uv_buf_t* bufs[],
                     unsigned int nbufs[], struct sockaddr* addrs[],
                     unsigned int flags) {
  struct mmsghdr msgs[UV__UDP_BATCH];
  socklen_t len;
  unsigned int done;
  unsigned int n;
  unsigned int i;
  int r;

  if (!usable(h) || count == 0 || count > INT_MAX || flags != 0)
    return UV_EINVAL;
  if (bufs == NULL || nbufs == NULL || addrs == NULL)
    return UV_EINVAL;
  if (h->send_queue_count != 0)
    return UV_EAGAIN;
  if (h->io_watcher.fd == -1)
    return UV_EBADF;  /* as libuv: bind (or connect) first */

  done = 0;
  while (done < count) {
    n = count - done;
    if (n > UV__UDP_BATCH)
      n = UV__UDP_BATCH;
    for (i = 0; i < n; i++) {
      const struct sockaddr* a = addrs[done + i];
      len = 0;
      if (bufs[done + i] == NULL && nbufs[done + i] != 0)
        break;
      if (a != NULL && dest_len(a, &len) != 0)
        break;
      fill_msg(&msgs[i].msg_hdr, (void*) a, len, bufs[done + i],
               nbufs[done + i]);
      msgs[i].msg_len = 0;
    }
    if (i == 0)
      return done > 0 ? (int) done : UV_EINVAL;
    n = i;
    do
      r = sendmmsg(h->io_watcher.fd, msgs, n, 0);
    while (r == -1 && errno == EINTR);
    if (r < 0) {
      if (done > 0)
        break;
      return would_block(errno) ? UV_EAGAIN : uv__err();
    }
    done += (unsigned int) r;
    if ((unsigned int) r < n)
      break;  /* the kernel stopped early: report what went */
  }
  return (int) done;
}

size_t uv_udp_get_send_queue_size(const uv_udp_t* h) {
  return is_udp(h) ? h->send_queue_size : 0;
}

size_t uv_udp_get_send_queue_count(const uv_udp_t* h) {
  return is_udp(h) ? h->send_queue_count : 0;
}

/* ---- receiving ---------------------------------------------------------- */

static int reading(const uv_udp_t* h) {
  return h->io_watcher.fd != -1 && (h->io_watcher.pevents & UV__POLLIN) &&
         h->priv.recv_cb != NULL;
}

/* Reports "nothing more" (EAGAIN) or an error; returns -1 either way so
 * the caller ends this event. */
static int recv_failed(uv_udp_t* h, uv_buf_t* buf, int err) {
  h->priv.recv_cb(h, would_block(err) ? 0 : -err, buf, NULL, 0);
  return -1;
}

/* One datagram into buf.  Returns the number received (1), or -1 when the
 * event is over. */
static int read_one(uv_udp_t* h, uv_buf_t* buf) {
  struct sockaddr_storage peer;
  struct msghdr m;
  ssize_t n;

  fill_msg(&m, &peer, sizeof(peer), buf, 1);
  do
    n = recvmsg(h->io_watcher.fd, &m, 0);
  while (n == -1 && errno == EINTR);
  if (n == -1)
    return recv_failed(h, buf, errno);
  if (m.msg_namelen == 0)
    memset(&peer, 0, sizeof(peer));  /* an unnamed (Unix) sender */
  h->priv.recv_cb(h, n, buf, (const struct sockaddr*) &peer,
                  (m.msg_flags & MSG_TRUNC) ? UV_UDP_PARTIAL : 0);
  return 1;
}

/* Asks alloc_cb for a buffer to receive into: 0 when there is one, -1 when
 * the callback stopped reading or gave none (reported as UV_ENOBUFS). */
static int get_recv_buffer(uv_udp_t* h, uv_buf_t* buf) {
  *buf = uv_buf_init(NULL, 0);
  h->priv.alloc_cb((uv_handle_t*) h, UV__UDP_DGRAM_MAX, buf);
  if (!reading(h))
    return -1;  /* alloc_cb stopped or closed the handle */
  if (buf->base == NULL || buf->len == 0) {
    h->priv.recv_cb(h, UV_ENOBUFS, buf, NULL, 0);
    return -1;
  }
  return 0;
}

/* As many datagrams as buf has 64 KiB chunks for (at most a batch), with one
 * recvmmsg; then the buffer is handed back with UV_UDP_MMSG_FREE.  The read
 * budget is not used to shorten the call: a buffer sized for N datagrams
 * gets up to N, one alloc_cb per N (libuv's count, which its tests check). */
static int read_many(uv_udp_t* h, uv_buf_t* buf) {
  struct sockaddr_storage peers[UV__UDP_BATCH];
  struct mmsghdr msgs[UV__UDP_BATCH];
  uv_buf_t chunks[UV__UDP_BATCH];
  uv_udp_recv_cb cb;
  unsigned int flags;
  unsigned int n;
  int r;
  int k;

  n = (unsigned int) (buf->len / UV__UDP_DGRAM_MAX);
  if (n > UV__UDP_BATCH)
    n = UV__UDP_BATCH;
  for (k = 0; k < (int) n; k++) {
    chunks[k] = uv_buf_init(buf->base + (size_t) k * UV__UDP_DGRAM_MAX,
                            UV__UDP_DGRAM_MAX);
    fill_msg(&msgs[k].msg_hdr, &peers[k], sizeof(peers[k]), &chunks[k], 1);
    msgs[k].msg_len = 0;
  }
  do
    r = recvmmsg(h->io_watcher.fd, msgs, n, 0, NULL);
  while (r == -1 && errno == EINTR);
  if (r <= 0)
    return recv_failed(h, buf, r == 0 ? EAGAIN : errno);

  /* The callback that owns the buffer is the one reading started with,
   * even if a chunk's callback stops reading: the buffer must go back. */
  cb = h->priv.recv_cb;
  for (k = 0; k < r; k++) {
    if (msgs[k].msg_hdr.msg_namelen == 0)
      memset(&peers[k], 0, sizeof(peers[k]));
    flags = UV_UDP_MMSG_CHUNK;
    if (msgs[k].msg_hdr.msg_flags & MSG_TRUNC)
      flags |= UV_UDP_PARTIAL;
    cb(h, (ssize_t) msgs[k].msg_len, &chunks[k],
       (const struct sockaddr*) &peers[k], flags);
    if (!reading(h))
      break;  /* the rest is dropped, as a stopped handle drops */
  }
  cb(h, 0, buf, NULL, UV_UDP_MMSG_FREE);
  return r;
}

/* Reads what IP_RECVERR queued (the queue keeps POLLERR raised until it is
 * empty).  While receiving, each report goes to recv_cb as libuv 1.52
 * delivers it: nread the error, addr the node that sent the ICMP message,
 * flags UV_UDP_LINUX_RECVERR, in a buffer from alloc_cb; the empty queue
 * then gives the usual "nothing more" callback.  The pending socket error
 * that the same ICMP message set was reported by the ordinary read before
 * this.  Not receiving, the queue is only emptied. */
static void read_errqueue(uv_udp_t* h) {
  struct uv__udp_icmp_report report;
  const struct sockaddr* from;
  char scratch[256];
  struct iovec iov;
  unsigned int flags;
  uv_buf_t buf;
  int deliver;
  int err;
  int i;

  for (i = 0; i < UV__UDP_READ_BUDGET && h->io_watcher.fd != -1; i++) {
    deliver = reading(h);
    if (deliver) {
      if (get_recv_buffer(h, &buf))
        return;
      iov.iov_base = buf.base;
      iov.iov_len = buf.len;
    } else {
      iov.iov_base = scratch;
      iov.iov_len = sizeof(scratch);
    }
    err = uv__udp_errqueue_recv(h->io_watcher.fd, &iov, &report);
    if (err) {
      if (deliver)
        recv_failed(h, &buf, -err);
      return;
    }
    if (!deliver)
      continue;
    if (report.err == 0) {
      /* Not an ICMP report (nothing here asks for others): the buffer
       * goes back unused. */
      h->priv.recv_cb(h, 0, &buf, NULL, 0);
      continue;
    }
    from = (const struct sockaddr*) &report.from;
    if (from->sa_family != AF_INET && from->sa_family != AF_INET6)
      from = NULL;
    flags = UV_UDP_LINUX_RECVERR;
    if (report.truncated)
      flags |= UV_UDP_PARTIAL;
    h->priv.recv_cb(h, -(ssize_t) report.err, &buf, from, flags);
  }
}

static void read_datagrams(uv_udp_t* h) {
  uv_buf_t buf;
  int budget;
  int n;

  budget = UV__UDP_READ_BUDGET;
  while (budget > 0 && reading(h)) {
    if (get_recv_buffer(h, &buf))
      return;
    if (uv_udp_using_recvmmsg(h) && buf.len >= 2 * (size_t) UV__UDP_DGRAM_MAX)
      n = read_many(h, &buf);
    else
      n = read_one(h, &buf);
    if (n < 0)
      return;
    budget -= n;
  }
}

static void udp_io_cb(uv_loop_t* loop, uv__io_t* w, unsigned int events) {
  uv_udp_t* h;

  (void) loop;
  h = uv__container_of(w, uv_udp_t, io_watcher);
  if (events & UV__POLLIN) {
    h->flags |= UV__UDP_IN_READ;
    read_datagrams(h);
    h->flags &= ~UV__UDP_IN_READ;
    /* What the callbacks answered; on EAGAIN it waits for POLLOUT. */
    if (!uv__queue_empty(&h->priv.write_queue) &&
        !uv__is_closing((uv_handle_t*) h) && h->io_watcher.fd != -1) {
      send_queued(h);
      /* (The socket is watched already, so this cannot fail.) */
      if (!uv__queue_empty(&h->priv.write_queue))
        (void) uv__io_start(h->loop, &h->io_watcher, UV__POLLOUT);
    }
  }
  if ((events & UV__POLLERR) && (h->flags & UV__UDP_RECVERR))
    read_errqueue(h);
  if ((events & UV__POLLOUT) && !uv__is_closing((uv_handle_t*) h)) {
    send_queued(h);
    run_completed(h);
  }
}

int uv_udp_recv_start(uv_udp_t* h, uv_alloc_cb alloc_cb,
                      uv_udp_recv_cb recv_cb) {
  int err;

  if (!usable(h) || alloc_cb == NULL || recv_cb == NULL)
    return UV_EINVAL;
  if (h->io_watcher.pevents & UV__POLLIN)
    return UV_EALREADY;
  err = maybe_bind(h, AF_INET, 0);
  if (err)
    return err;
  if (h->io_watcher.fd == -1)
    return UV_EBADF;
  err = uv__io_start(h->loop, &h->io_watcher, UV__POLLIN);
  if (err)
    return err;
  h->priv.alloc_cb = alloc_cb;
  h->priv.recv_cb = recv_cb;
  uv__handle_start((uv_handle_t*) h);
  return 0;
}

int uv_udp_recv_stop(uv_udp_t* h) {
  if (!is_udp(h))
    return UV_EINVAL;
  uv__io_stop(h->loop, &h->io_watcher, UV__POLLIN);
  h->priv.alloc_cb = NULL;
  h->priv.recv_cb = NULL;
  if (!uv__is_closing((uv_handle_t*) h))
    update_active(h);
  return 0;
}

/* ---- closing ------------------------------------------------------------ */

void uv__udp_close(uv_udp_t* h) {
  uv__io_close(h->loop, &h->io_watcher);
  uv__handle_stop((uv_handle_t*) h);
  if (h->io_watcher.fd != -1) {
    uv__close(h->io_watcher.fd);
    h->io_watcher.fd = -1;
  }
  h->priv.alloc_cb = NULL;
  h->priv.recv_cb = NULL;
}

void uv__udp_finish_close(uv_udp_t* h) {
  struct uv__queue* q;
  uv_udp_send_t* req;

  while (!uv__queue_empty(&h->priv.write_queue)) {
    q = uv__queue_head(&h->priv.write_queue);
    req = uv__queue_data(q, uv_udp_send_t, priv.queue);
    req->priv.status = UV_ECANCELED;
    uv__queue_remove(q);
    uv__queue_insert_tail(&h->priv.write_completed_queue, q);
  }
  run_completed(h);
  /* The fed watcher may still sit on the pending list. */
  uv__queue_remove(&h->io_watcher.pending_queue);
  assert(h->send_queue_count == 0);
  assert(h->send_queue_size == 0);
}

/* ---- options ------------------------------------------------------------ */

static int udp_fd(const uv_udp_t* h, int* fd) {
  if (!usable(h))
    return UV_EINVAL;
  if (h->io_watcher.fd == -1)
    return UV_EBADF;
  *fd = h->io_watcher.fd;
  return 0;
}

/* The IPv4 or the IPv6 name of an option, by the socket's family. */
static int set_ip_opt(uv_udp_t* h, int name4, int name6, int value) {
  int err;
  int fd;

  err = udp_fd(h, &fd);
  if (err)
    return err;
  if (h->flags & UV__UDP_IPV6)
    return set_int_opt(fd, IPPROTO_IPV6, name6, value);
  return set_int_opt(fd, IPPROTO_IP, name4, value);
}

int uv_udp_set_ttl(uv_udp_t* h, int ttl) {
  if (!usable(h) || ttl < 1 || ttl > 255)
    return UV_EINVAL;
  return set_ip_opt(h, IP_TTL, IPV6_UNICAST_HOPS, ttl);
}

/* libuv takes 0..255 for the multicast byte options. */
int uv_udp_set_multicast_ttl(uv_udp_t* h, int ttl) {
  if (!usable(h) || ttl < 0 || ttl > 255)
    return UV_EINVAL;
  return set_ip_opt(h, IP_MULTICAST_TTL, IPV6_MULTICAST_HOPS, ttl);
}

int uv_udp_set_multicast_loop(uv_udp_t* h, int on) {
  if (!usable(h) || on < 0 || on > 255)
    return UV_EINVAL;
  return set_ip_opt(h, IP_MULTICAST_LOOP, IPV6_MULTICAST_LOOP, on);
}

int uv_udp_set_broadcast(uv_udp_t* h, int on) {
  int err;
  int fd;

  err = udp_fd(h, &fd);
  if (err)
    return err;
  return set_int_opt(fd, SOL_SOCKET, SO_BROADCAST, on);
}

int uv_udp_set_multicast_interface(uv_udp_t* h, const char* interface_addr) {
  struct sockaddr_in6 a6;
  struct sockaddr_in a4;
  unsigned int scope;
  int err;
  int fd;

  if (!usable(h))
    return UV_EINVAL;
  if (interface_addr == NULL || *interface_addr == '\0') {
    err = udp_fd(h, &fd);
    if (err)
      return err;
    if (h->flags & UV__UDP_IPV6) {
      scope = 0;
      if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &scope,
                     sizeof(scope)))
        return uv__err();
      return 0;
    }
    a4.sin_addr.s_addr = htonl(INADDR_ANY);
    if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &a4.sin_addr,
                   sizeof(a4.sin_addr)))
      return uv__err();
    return 0;
  }
  if (uv_ip4_addr(interface_addr, 0, &a4) == 0) {
    err = udp_fd(h, &fd);
    if (err)
      return err;
    if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &a4.sin_addr,
                   sizeof(a4.sin_addr)))
      return uv__err();
    return 0;
  }
  if (uv_ip6_addr(interface_addr, 0, &a6) == 0) {
    err = udp_fd(h, &fd);
    if (err)
      return err;
    scope = a6.sin6_scope_id;
    if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &scope,
                   sizeof(scope)))
      return uv__err();
    return 0;
  }
  return UV_EINVAL;
}

static int membership4(uv_udp_t* h, const struct sockaddr_in* group,
                       const char* interface_addr, uv_membership m) {
  struct ip_mreq mreq;
  int err;

  memset(&mreq, 0, sizeof(mreq));
  if (interface_addr != NULL) {
    err = uv_inet_pton(AF_INET, interface_addr, &mreq.imr_interface);
    if (err)
      return err;
  } else {
    mreq.imr_interface.s_addr = htonl(INADDR_ANY);
  }
  mreq.imr_multiaddr = group->sin_addr;
  if (setsockopt(h->io_watcher.fd, IPPROTO_IP,
                 m == UV_JOIN_GROUP ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP,
                 &mreq, sizeof(mreq)))
    return uv__err();
  return 0;
}

static int membership6(uv_udp_t* h, const struct sockaddr_in6* group,
                       const char* interface_addr, uv_membership m) {
  struct sockaddr_in6 iface;
  struct ipv6_mreq mreq;

  memset(&mreq, 0, sizeof(mreq));
  if (interface_addr != NULL) {
    if (uv_ip6_addr(interface_addr, 0, &iface))
      return UV_EINVAL;
    mreq.ipv6mr_interface = iface.sin6_scope_id;
  }
  mreq.ipv6mr_multiaddr = group->sin6_addr;
  if (setsockopt(h->io_watcher.fd, IPPROTO_IPV6,
                 m == UV_JOIN_GROUP ? IPV6_ADD_MEMBERSHIP
                                    : IPV6_DROP_MEMBERSHIP,
                 &mreq, sizeof(mreq)))
    return uv__err();
  return 0;
}

int uv_udp_set_membership(uv_udp_t* h, const char* multicast_addr,
                          const char* interface_addr,
                          uv_membership membership) {
  struct sockaddr_in6 a6;
  struct sockaddr_in a4;
  int err;

  if (!usable(h) || multicast_addr == NULL)
    return UV_EINVAL;
  if (membership != UV_JOIN_GROUP && membership != UV_LEAVE_GROUP)
    return UV_EINVAL;
  /* A group member needs a port to receive on: bind as libuv does, with
   * address reuse so that several members can share it. */
  if (uv_ip4_addr(multicast_addr, 0, &a4) == 0) {
    err = maybe_bind(h, AF_INET, UV_UDP_REUSEADDR);
    if (err)
      return err;
    return membership4(h, &a4, interface_addr, membership);
  }
  if (uv_ip6_addr(multicast_addr, 0, &a6) == 0) {
    err = maybe_bind(h, AF_INET6, UV_UDP_REUSEADDR);
    if (err)
      return err;
    return membership6(h, &a6, interface_addr, membership);
  }
  return UV_EINVAL;
}

static int source_membership4(uv_udp_t* h, const struct sockaddr_in* group,
                              const char* interface_addr,
                              const struct sockaddr_in* source,
                              uv_membership m) {
  struct ip_mreq_source mreq;
  int err;

  err = maybe_bind(h, AF_INET, UV_UDP_REUSEADDR);
  if (err)
    return err;
  memset(&mreq, 0, sizeof(mreq));
  if (interface_addr != NULL) {
    err = uv_inet_pton(AF_INET, interface_addr, &mreq.imr_interface);
    if (err)
      return err;
  } else {
    mreq.imr_interface.s_addr = htonl(INADDR_ANY);
  }
  mreq.imr_multiaddr = group->sin_addr;
  mreq.imr_sourceaddr = source->sin_addr;
  if (setsockopt(h->io_watcher.fd, IPPROTO_IP,
                 m == UV_JOIN_GROUP ? IP_ADD_SOURCE_MEMBERSHIP
                                    : IP_DROP_SOURCE_MEMBERSHIP,
                 &mreq, sizeof(mreq)))
    return uv__err();
  return 0;
}

static int source_membership6(uv_udp_t* h, const struct sockaddr_in6* group,
                              const char* interface_addr,
                              const struct sockaddr_in6* source,
                              uv_membership m) {
  struct group_source_req req;
  struct sockaddr_in6 iface;
  int err;

  err = maybe_bind(h, AF_INET6, UV_UDP_REUSEADDR);
  if (err)
    return err;
  memset(&req, 0, sizeof(req));
  if (interface_addr != NULL) {
    if (uv_ip6_addr(interface_addr, 0, &iface))
      return UV_EINVAL;
    req.gsr_interface = iface.sin6_scope_id;
  }
  memcpy(&req.gsr_group, group, sizeof(*group));
  memcpy(&req.gsr_source, source, sizeof(*source));
  if (setsockopt(h->io_watcher.fd, IPPROTO_IPV6,
                 m == UV_JOIN_GROUP ? MCAST_JOIN_SOURCE_GROUP
                                    : MCAST_LEAVE_SOURCE_GROUP,
                 &req, sizeof(req)))
    return uv__err();
  return 0;
}

int uv_udp_set_source_membership(uv_udp_t* h, const char* multicast_addr,
                                 const char* interface_addr,
                                 const char* source_addr,
                                 uv_membership membership) {
  struct sockaddr_in6 g6;
  struct sockaddr_in6 s6;
  struct sockaddr_in g4;
  struct sockaddr_in s4;
  int err;

  if (!usable(h) || multicast_addr == NULL || source_addr == NULL)
    return UV_EINVAL;
  if (membership != UV_JOIN_GROUP && membership != UV_LEAVE_GROUP)
    return UV_EINVAL;
  if (uv_ip4_addr(multicast_addr, 0, &g4) == 0) {
    err = uv_ip4_addr(source_addr, 0, &s4);
    if (err)
      return err;
    return source_membership4(h, &g4, interface_addr, &s4, membership);
  }
  err = uv_ip6_addr(multicast_addr, 0, &g6);
  if (err)
    return err;
  err = uv_ip6_addr(source_addr, 0, &s6);
  if (err)
    return err;
  return source_membership6(h, &g6, interface_addr, &s6, membership);
}
