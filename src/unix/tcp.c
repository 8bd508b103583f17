/* uvcore — TCP handles on Unix: socket creation (eager with
 * uv_tcp_init_ex, otherwise on first bind/connect/listen), bind, connect,
 * listen, socket options and reset-on-close.  The data path is the stream
 * core's (stream.c).
 *
 * Options set before the socket exists (nodelay, keep-alive) are kept in
 * the handle and applied when the socket is created or adopted, so the
 * order of calls does not matter.
 */
#include "stream.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

/* uv_tcp_keepalive(): probes once a second, ten of them, once idle. */
#define UV__KEEPALIVE_INTVL 1
#define UV__KEEPALIVE_CNT 10

static int is_tcp(const uv_tcp_t* h) {
  return h != NULL && h->type == UV_TCP;
}

static int addr_len(const struct sockaddr* addr, socklen_t* len) {
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

static int set_nodelay(int fd, int on) {
  if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)))
    return uv__err();
  return 0;
}

static int set_keepalive(int fd, int on, unsigned int idle,
                         unsigned int intvl, unsigned int cnt) {
  int v;

  if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on)))
    return uv__err();
  if (!on)
    return 0;
#if defined(TCP_KEEPIDLE)
  v = (int) idle;
  if (setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &v, sizeof(v)))
    return uv__err();
#elif defined(TCP_KEEPALIVE)
  v = (int) idle;
  if (setsockopt(fd, IPPROTO_TCP, TCP_KEEPALIVE, &v, sizeof(v)))
    return uv__err();
#endif
#if defined(TCP_KEEPINTVL)
  v = (int) intvl;
  if (setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &v, sizeof(v)))
    return uv__err();
#endif
#if defined(TCP_KEEPCNT)
  v = (int) cnt;
  if (setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &v, sizeof(v)))
    return uv__err();
#endif
  (void) v;
  (void) intvl;
  (void) cnt;
  return 0;
}

int uv__tcp_apply_options(uv_tcp_t* tcp, int fd) {
  int err;

  if (tcp->flags & UV__STREAM_TCP_NODELAY) {
    err = set_nodelay(fd, 1);
    if (err)
      return err;
  }
  if (tcp->flags & UV__STREAM_TCP_KEEPALIVE) {
    err = set_keepalive(fd, 1, tcp->priv.keepalive_idle,
                        tcp->priv.keepalive_intvl, tcp->priv.keepalive_cnt);
    if (err)
      return err;
  }
  return 0;
}

static int new_socket(uv_tcp_t* tcp, int domain, unsigned int flags) {
  int err;
  int fd;

  fd = uv__socket(domain, SOCK_STREAM, 0);
  if (fd < 0)
    return fd;
  err = uv__stream_open((uv_stream_t*) tcp, fd, flags);
  if (err) {
    uv__close(fd);
    return err;
  }
  return 0;
}

static int maybe_new_socket(uv_tcp_t* tcp, int domain, unsigned int flags) {
  if (tcp->io_watcher.fd != -1) {
    tcp->flags |= flags;
    return 0;
  }
  return new_socket(tcp, domain, flags);
}

int uv_tcp_init_ex(uv_loop_t* loop, uv_tcp_t* tcp, unsigned int flags) {
  int domain;
  int err;

  if (!uv__loop_usable(loop) || tcp == NULL)
    return UV_EINVAL;
  /* The low byte is the address family; no other flags exist. */
  domain = (int) (flags & 0xFF);
  if (flags & ~0xFFu)
    return UV_EINVAL;
  if (domain != AF_INET && domain != AF_INET6 && domain != AF_UNSPEC)
    return UV_EINVAL;

  uv__stream_init(loop, (uv_stream_t*) tcp, UV_TCP);
  tcp->priv.keepalive_idle = 0;
  tcp->priv.keepalive_intvl = 0;
  tcp->priv.keepalive_cnt = 0;
  if (domain != AF_UNSPEC) {
    err = new_socket(tcp, domain, 0);
    if (err) {
      uv__queue_remove(&tcp->hpriv.handle_queue);
      return err;
    }
  }
  return 0;
}

int uv_tcp_init(uv_loop_t* loop, uv_tcp_t* tcp) {
  return uv_tcp_init_ex(loop, tcp, AF_UNSPEC);
}

static int fd_in_use(uv_loop_t* loop, int fd) {
  return (unsigned int) fd < loop->priv.nwatchers &&
         loop->priv.watchers[fd] != NULL;
}

int uv_tcp_open(uv_tcp_t* tcp, uv_os_sock_t sock) {
  int err;

  if (!is_tcp(tcp) || uv__is_closing((uv_handle_t*) tcp))
    return UV_EINVAL;
  if (sock < 0)
    return UV_EBADF;
  if (fd_in_use(tcp->loop, sock))
    return UV_EEXIST;
  if (tcp->io_watcher.fd != -1 && tcp->io_watcher.fd != sock)
    return UV_EBUSY;
  err = uv__nonblock(sock, 1);
  if (err)
    return err;
  return uv__stream_open((uv_stream_t*) tcp, sock,
                         UV__STREAM_READABLE | UV__STREAM_WRITABLE);
}

int uv_tcp_bind(uv_tcp_t* tcp, const struct sockaddr* addr,
                unsigned int flags) {
  socklen_t len;
  int on;
  int err;
  int fd;

  if (!is_tcp(tcp) || uv__is_closing((uv_handle_t*) tcp))
    return UV_EINVAL;
  if (flags & ~(unsigned int) (UV_TCP_IPV6ONLY | UV_TCP_REUSEPORT))
    return UV_EINVAL;
  err = addr_len(addr, &len);
  if (err)
    return err;
  if ((flags & UV_TCP_IPV6ONLY) && addr->sa_family != AF_INET6)
    return UV_EINVAL;
#if !defined(SO_REUSEPORT)
  if (flags & UV_TCP_REUSEPORT)
    return UV_ENOTSUP;
#endif

  err = maybe_new_socket(tcp, addr->sa_family, 0);
  if (err)
    return err;
  fd = tcp->io_watcher.fd;

  on = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)))
    return uv__err();
#if defined(SO_REUSEPORT)
  if (flags & UV_TCP_REUSEPORT) {
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)))
      return uv__err();
  }
#endif
  if (addr->sa_family == AF_INET6) {
    on = (flags & UV_TCP_IPV6ONLY) != 0;
    if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)))
      return uv__err();
  }

  /* An address in use is reported by listen or connect, as libuv does:
   * the same program then behaves alike on every platform. */
  err = 0;
  if (bind(fd, addr, len)) {
    err = uv__err();
    if (err == UV_EAFNOSUPPORT)
      return UV_EINVAL;
    if (err != UV_EADDRINUSE)
      return err;
  }
  tcp->spriv.delayed_error = err;
  tcp->flags |= UV__STREAM_BOUND;
  return 0;
}

int uv__tcp_listen(uv_tcp_t* tcp, int backlog, uv_connection_cb cb) {
  int err;

  if (tcp->spriv.delayed_error)
    return tcp->spriv.delayed_error;
  err = maybe_new_socket(tcp, AF_INET, 0);
  if (err)
    return err;
  return uv__stream_listen((uv_stream_t*) tcp, backlog, cb);
}

int uv_tcp_connect(uv_connect_t* req, uv_tcp_t* tcp,
                   const struct sockaddr* addr, uv_connect_cb cb) {
  struct sockaddr_in6 scoped;
  socklen_t len;
  int err;
  int r;

  if (req == NULL || !is_tcp(tcp) || uv__is_closing((uv_handle_t*) tcp) ||
      uv__stream_connect_in_flight((uv_stream_t*) tcp, req))
    return UV_EINVAL;
  err = addr_len(addr, &len);
  if (err)
    return err;
  if (tcp->spriv.connect_req != NULL)
    return UV_EALREADY;

  /* A bind that failed with EADDRINUSE is reported now, through the
   * callback, as libuv does: connecting anyway would use another port. */
  if (tcp->spriv.delayed_error != 0) {
    uv__stream_connect_start((uv_stream_t*) tcp, req,
                             tcp->spriv.delayed_error, cb);
    return 0;
  }

  err = maybe_new_socket(tcp, addr->sa_family,
                         UV__STREAM_READABLE | UV__STREAM_WRITABLE);
  if (err)
    return err;

  addr = uv__ip6_link_local_scope(addr, &scoped);
  do
    r = connect(tcp->io_watcher.fd, addr, len);
  while (r == -1 && errno == EINTR);

  err = 0;
  if (r == -1) {
    err = uv__err();
    /* Refusal can be immediate on loopback; report it the way a refusal
     * found later is reported, through the callback. */
    if (err != UV__EINPROGRESS && err != UV_ECONNREFUSED)
      return err;
  }
  uv__stream_connect_start((uv_stream_t*) tcp, req, err, cb);
  return 0;
}

static int tcp_name(const uv_tcp_t* tcp, struct sockaddr* name, int* namelen,
                    int peer) {
  socklen_t len;
  int r;

  if (!is_tcp(tcp) || name == NULL || namelen == NULL || *namelen < 0)
    return UV_EINVAL;
  if (tcp->spriv.delayed_error)
    return tcp->spriv.delayed_error;
  if (uv__is_closing((const uv_handle_t*) tcp) || tcp->io_watcher.fd == -1)
    return UV_EBADF;

  len = (socklen_t) *namelen;
  if (peer)
    r = getpeername(tcp->io_watcher.fd, name, &len);
  else
    r = getsockname(tcp->io_watcher.fd, name, &len);
  if (r)
    return uv__err();
  *namelen = (int) len;
  return 0;
}

int uv_tcp_getsockname(const uv_tcp_t* tcp, struct sockaddr* name,
                       int* namelen) {
  return tcp_name(tcp, name, namelen, 0);
}

int uv_tcp_getpeername(const uv_tcp_t* tcp, struct sockaddr* name,
                       int* namelen) {
  return tcp_name(tcp, name, namelen, 1);
}

int uv_tcp_nodelay(uv_tcp_t* tcp, int enable) {
  int err;

  if (!is_tcp(tcp) || uv__is_closing((uv_handle_t*) tcp))
    return UV_EINVAL;
  if (tcp->io_watcher.fd != -1) {
    err = set_nodelay(tcp->io_watcher.fd, enable != 0);
    if (err)
      return err;
  }
  if (enable)
    tcp->flags |= UV__STREAM_TCP_NODELAY;
  else
    tcp->flags &= ~UV__STREAM_TCP_NODELAY;
  return 0;
}

int uv_tcp_keepalive_ex(uv_tcp_t* tcp, int on, unsigned int idle,
                        unsigned int intvl, unsigned int cnt) {
  int err;

  if (!is_tcp(tcp) || uv__is_closing((uv_handle_t*) tcp))
    return UV_EINVAL;
  if (on && (idle < 1 || intvl < 1 || cnt < 1))
    return UV_EINVAL;
  if (tcp->io_watcher.fd != -1) {
    err = set_keepalive(tcp->io_watcher.fd, on != 0, idle, intvl, cnt);
    if (err)
      return err;
  }
  if (on) {
    tcp->flags |= UV__STREAM_TCP_KEEPALIVE;
    tcp->priv.keepalive_idle = idle;
    tcp->priv.keepalive_intvl = intvl;
    tcp->priv.keepalive_cnt = cnt;
  } else {
    tcp->flags &= ~UV__STREAM_TCP_KEEPALIVE;
  }
  return 0;
}

int uv_tcp_keepalive(uv_tcp_t* tcp, int enable, unsigned int delay) {
  return uv_tcp_keepalive_ex(tcp, enable, delay, UV__KEEPALIVE_INTVL,
                             UV__KEEPALIVE_CNT);
}

int uv_tcp_simultaneous_accepts(uv_tcp_t* tcp, int enable) {
  (void) enable;
  /* Only meaningful with Windows' accept model; accepted and ignored. */
  if (!is_tcp(tcp))
    return UV_EINVAL;
  return 0;
}

int uv_tcp_close_reset(uv_tcp_t* tcp, uv_close_cb close_cb) {
  struct linger l;

  if (!is_tcp(tcp))
    return UV_EINVAL;
  if (uv__is_closing((uv_handle_t*) tcp))
    return UV_EBADF;  /* libuv's answer: the socket is already gone */
  /* A reset after a graceful shutdown began behaves differently across
   * systems, so the two do not mix. */
  if (tcp->flags & UV__STREAM_SHUTTING)
    return UV_EINVAL;
  if (tcp->io_watcher.fd == -1)
    return UV_EBADF;  /* no socket to reset; the handle stays open */
  l.l_onoff = 1;
  l.l_linger = 0;
  /* EINVAL: some systems' way of saying the peer already shut down. */
  if (setsockopt(tcp->io_watcher.fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l)) &&
      errno != EINVAL)
    return uv__err();
  uv_close((uv_handle_t*) tcp, close_cb);
  return 0;
}
