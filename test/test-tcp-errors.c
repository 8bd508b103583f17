/* TCP error paths: argument checking of the uv_tcp_* functions and of the
 * stream functions on unconnected handles, descriptor exhaustion (EMFILE)
 * on accept, and writing to a peer that went away (SIGPIPE). */

#include "test-tcp-util.h"

#include <netinet/tcp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/un.h>

static int sockopt_int(int fd, int level, int name) {
  socklen_t len;
  int v;

  len = sizeof(v);
  ASSERT_OK(getsockopt(fd, level, name, &v, &len));
  return v;
}

static int tcp_fd(uv_tcp_t* h) {
  uv_os_fd_t fd;
  ASSERT_OK(uv_fileno((uv_handle_t*) h, &fd));
  return fd;
}

/* ------------------------------------------------------------------------ */

TEST(tcp_init_bind_errors) {
  struct sockaddr_storage v4;
  struct sockaddr_storage v6;
  struct sockaddr_storage name;
  struct sockaddr_un sun;
  uv_tcp_t h;
  uv_tcp_t h6;
  uv_tcp_t dup;
  uv_tcp_t early;
  uv_loop_t loop;
  int len;
  int err;

  ASSERT_OK(uv_loop_init(&loop));
  st_loopback(AF_INET, &v4);
  st_loopback(AF_INET6, &v6);

  /* Only the socket domain goes in the low byte of the flags. */
  ASSERT_EQ(uv_tcp_init_ex(&loop, &h, AF_UNIX), UV_EINVAL);
  ASSERT_EQ(uv_tcp_init_ex(&loop, &h, 0x100 | AF_INET), UV_EINVAL);
  ASSERT_EQ(uv_tcp_init_ex(&loop, &h, 0xff), UV_EINVAL);

  /* AF_UNSPEC: no socket yet, like uv_tcp_init. */
  ASSERT_OK(uv_tcp_init_ex(&loop, &h, AF_UNSPEC));
  {
    uv_os_fd_t fd;
    ASSERT_EQ(uv_fileno((uv_handle_t*) &h, &fd), UV_EBADF);
  }
  len = (int) sizeof(name);
  ASSERT_EQ(uv_tcp_getsockname(&h, (struct sockaddr*) &name, &len),
            UV_EBADF);
  len = (int) sizeof(name);
  ASSERT_EQ(uv_tcp_getpeername(&h, (struct sockaddr*) &name, &len),
            UV_EBADF);

  /* Addresses of another family, and IPv6-only on an IPv4 address. */
  memset(&sun, 0, sizeof(sun));
  sun.sun_family = AF_UNIX;
  strcpy(sun.sun_path, "/tmp/not-a-tcp-address");
  ASSERT_EQ(uv_tcp_bind(&h, (const struct sockaddr*) &sun, 0), UV_EINVAL);
  ASSERT_EQ(uv_tcp_bind(&h, (const struct sockaddr*) &v4, UV_TCP_IPV6ONLY),
            UV_EINVAL);
#if STREAMTEST_UVCORE
  /* libuv 1.44 dereferences these. */
  ASSERT_EQ(uv_tcp_bind(&h, NULL, 0), UV_EINVAL);
  ASSERT_EQ(uv_tcp_bind(NULL, (const struct sockaddr*) &v4, 0), UV_EINVAL);
#endif

  /* A bind that works, then a second bind of the same handle. */
  ASSERT_OK(uv_tcp_bind(&h, (const struct sockaddr*) &v4, 0));
  ASSERT_EQ(uv_tcp_bind(&h, (const struct sockaddr*) &v4, 0), UV_EINVAL);
  len = (int) sizeof(name);
  ASSERT_OK(uv_tcp_getsockname(&h, (struct sockaddr*) &name, &len));
  ASSERT_EQ(name.ss_family, AF_INET);
  ASSERT_EQ(len, (int) sizeof(struct sockaddr_in));
  len = (int) sizeof(name);
  ASSERT_EQ(uv_tcp_getpeername(&h, (struct sockaddr*) &name, &len),
            UV_ENOTCONN);
  ASSERT_OK(uv_listen((uv_stream_t*) &h, 1, st_echo_connection_cb));

  /* The same port again: the error may show at bind or at listen. */
  {
    ASSERT_OK(uv_tcp_init(&loop, &dup));
    len = (int) sizeof(name);
    ASSERT_OK(uv_tcp_getsockname(&h, (struct sockaddr*) &name, &len));
    err = uv_tcp_bind(&dup, (const struct sockaddr*) &name, 0);
    if (err == 0)
      err = uv_listen((uv_stream_t*) &dup, 1, st_echo_connection_cb);
    ASSERT_EQ(err, UV_EADDRINUSE);
    uv_close((uv_handle_t*) &dup, NULL);
  }

  /* An IPv6 socket (created early) refuses an IPv4 address. */
  err = uv_tcp_init_ex(&loop, &h6, AF_INET6);
  if (err == 0) {
    ASSERT_GE(tcp_fd(&h6), 0);
    len = (int) sizeof(name);
    ASSERT_OK(uv_tcp_getsockname(&h6, (struct sockaddr*) &name, &len));
    ASSERT_EQ(name.ss_family, AF_INET6);
    ASSERT_EQ(uv_tcp_bind(&h6, (const struct sockaddr*) &v4, 0), UV_EINVAL);
    err = uv_tcp_bind(&h6, (const struct sockaddr*) &v6, UV_TCP_IPV6ONLY);
    if (err == 0)
      ASSERT_EQ(sockopt_int(tcp_fd(&h6), IPPROTO_IPV6, IPV6_V6ONLY), 1);
    else
      ASSERT_EQ(err, UV_EADDRNOTAVAIL);  /* ::1 not configured */
    uv_close((uv_handle_t*) &h6, NULL);
  } else {
    ASSERT_EQ(err, UV_EAFNOSUPPORT);
  }

  /* An unbound IPv4 socket has an address: 0.0.0.0 port 0. */
  {
    ASSERT_OK(uv_tcp_init_ex(&loop, &early, AF_INET));
    len = (int) sizeof(name);
    ASSERT_OK(uv_tcp_getsockname(&early, (struct sockaddr*) &name, &len));
    ASSERT_EQ(name.ss_family, AF_INET);
    ASSERT_EQ(st_port_of(&name), 0);
    ASSERT(st_fd_is_nonblocking(tcp_fd(&early)));
    ASSERT(st_fd_is_cloexec(tcp_fd(&early)));
    uv_close((uv_handle_t*) &early, NULL);
  }

  uv_close((uv_handle_t*) &h, NULL);
  close_loop_and_check(&loop);
  return 0;
}

TEST(tcp_unconnected_stream_errors) {
  struct sockaddr_storage v4;
  struct sockaddr_un sun;
  uv_connect_t creq;
  uv_write_t wreq;
  uv_tcp_t h;
  uv_loop_t loop;
  uv_buf_t b;
  char c = 'x';

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_tcp_init(&loop, &h));
  b = uv_buf_init(&c, 1);

  ASSERT_EQ(uv_is_readable((uv_stream_t*) &h), 0);
  ASSERT_EQ(uv_is_writable((uv_stream_t*) &h), 0);
  ASSERT_EQ(uv_read_start((uv_stream_t*) &h, st_alloc_cb, NULL), UV_EINVAL);
  ASSERT_EQ(uv_read_start((uv_stream_t*) &h, NULL, NULL), UV_EINVAL);
  ASSERT_EQ(uv_read_start((uv_stream_t*) &h, st_alloc_cb,
                          st_echo_read_cb), UV_ENOTCONN);
  ASSERT_OK(uv_read_stop((uv_stream_t*) &h));
  ASSERT_EQ(uv_write(&wreq, (uv_stream_t*) &h, &b, 1, NULL), UV_EBADF);
  ASSERT_EQ(uv_try_write((uv_stream_t*) &h, &b, 1), UV_EBADF);
  ASSERT_UINT64_EQ(h.write_queue_size, 0);
  ASSERT_OK(uv_tcp_simultaneous_accepts(&h, 1));
  ASSERT_OK(uv_tcp_simultaneous_accepts(&h, 0));

  /* No connecting to an address of another family. */
  memset(&sun, 0, sizeof(sun));
  sun.sun_family = AF_UNIX;
  ASSERT_EQ(uv_tcp_connect(&creq, &h, (const struct sockaddr*) &sun, NULL),
            UV_EINVAL);
  st_loopback(AF_INET, &v4);
#if STREAMTEST_UVCORE
  ASSERT_EQ(uv_tcp_connect(&creq, &h, NULL, NULL), UV_EINVAL);
  ASSERT_EQ(uv_tcp_connect(NULL, &h, (const struct sockaddr*) &v4, NULL),
            UV_EINVAL);
  ASSERT_EQ(uv_write(NULL, (uv_stream_t*) &h, &b, 1, NULL), UV_EINVAL);
  ASSERT_EQ(uv_tcp_getsockname(&h, NULL, NULL), UV_EINVAL);
  ASSERT_EQ(uv_tcp_nodelay(NULL, 1), UV_EINVAL);
#endif
  (void) v4;

  /* No socket: the close with reset cannot set SO_LINGER. */
  ASSERT_EQ(uv_tcp_close_reset(&h, NULL), UV_EBADF);
  ASSERT_EQ(uv_is_closing((uv_handle_t*) &h), 0);

  uv_close((uv_handle_t*) &h, NULL);
  /* A closing handle accepts nothing new. */
  ASSERT_EQ(uv_read_start((uv_stream_t*) &h, st_alloc_cb,
                          st_echo_read_cb), UV_EINVAL);
  ASSERT_EQ(uv_tcp_bind(&h, (const struct sockaddr*) &v4, 0), UV_EINVAL);
  close_loop_and_check(&loop);
  return 0;
}

TEST(tcp_socket_options) {
  uv_tcp_t lazy;
  uv_tcp_t early;
  uv_tcp_t listener;
  struct sockaddr_storage addr;
  uv_loop_t loop;
  int fd;

  ASSERT_OK(uv_loop_init(&loop));

  /* Options set before the socket exists are applied when it is made. */
  ASSERT_OK(uv_tcp_init(&loop, &lazy));
  ASSERT_OK(uv_tcp_nodelay(&lazy, 1));
  ASSERT_OK(uv_tcp_keepalive(&lazy, 1, 30));
  st_loopback(AF_INET, &addr);
  ASSERT_OK(uv_tcp_bind(&lazy, (const struct sockaddr*) &addr, 0));
  fd = tcp_fd(&lazy);
  ASSERT_EQ(sockopt_int(fd, IPPROTO_TCP, TCP_NODELAY), 1);
  ASSERT_EQ(sockopt_int(fd, SOL_SOCKET, SO_KEEPALIVE), 1);
  uv_close((uv_handle_t*) &lazy, NULL);

  /* On an existing socket they take effect at once. */
  ASSERT_OK(uv_tcp_init_ex(&loop, &early, AF_INET));
  fd = tcp_fd(&early);
  ASSERT_OK(uv_tcp_nodelay(&early, 1));
  ASSERT_EQ(sockopt_int(fd, IPPROTO_TCP, TCP_NODELAY), 1);
  ASSERT_OK(uv_tcp_nodelay(&early, 0));
  ASSERT_EQ(sockopt_int(fd, IPPROTO_TCP, TCP_NODELAY), 0);
  ASSERT_OK(uv_tcp_keepalive(&early, 1, 42));
  ASSERT_EQ(sockopt_int(fd, SOL_SOCKET, SO_KEEPALIVE), 1);
  ASSERT_EQ(sockopt_int(fd, IPPROTO_TCP, TCP_KEEPIDLE), 42);
  /* A zero delay is invalid when enabling, ignored when disabling. */
  ASSERT_EQ(uv_tcp_keepalive(&early, 1, 0), UV_EINVAL);
  ASSERT_OK(uv_tcp_keepalive(&early, 0, 0));
  ASSERT_EQ(sockopt_int(fd, SOL_SOCKET, SO_KEEPALIVE), 0);
#if UV_VERSION_HEX >= 0x013400
  ASSERT_EQ(uv_tcp_keepalive_ex(&early, 1, 0, 5, 3), UV_EINVAL);
  ASSERT_EQ(uv_tcp_keepalive_ex(&early, 1, 10, 0, 3), UV_EINVAL);
  ASSERT_EQ(uv_tcp_keepalive_ex(&early, 1, 10, 5, 0), UV_EINVAL);
  ASSERT_OK(uv_tcp_keepalive_ex(&early, 1, 10, 5, 3));
  ASSERT_EQ(sockopt_int(fd, SOL_SOCKET, SO_KEEPALIVE), 1);
  ASSERT_EQ(sockopt_int(fd, IPPROTO_TCP, TCP_KEEPIDLE), 10);
  ASSERT_EQ(sockopt_int(fd, IPPROTO_TCP, TCP_KEEPINTVL), 5);
  ASSERT_EQ(sockopt_int(fd, IPPROTO_TCP, TCP_KEEPCNT), 3);
  ASSERT_OK(uv_tcp_keepalive_ex(&early, 0, 0, 0, 0));
  ASSERT_EQ(sockopt_int(fd, SOL_SOCKET, SO_KEEPALIVE), 0);
#endif
  uv_close((uv_handle_t*) &early, NULL);

  /* Listening sockets reuse the address (a restarted server can bind while
   * old connections linger in TIME_WAIT). */
  ASSERT_OK(st_tcp_listen(&loop, &listener, AF_INET, st_echo_connection_cb,
                          &addr));
  ASSERT_EQ(sockopt_int(tcp_fd(&listener), SOL_SOCKET, SO_REUSEADDR), 1);
  uv_close((uv_handle_t*) &listener, NULL);

  close_loop_and_check(&loop);
  return 0;
}

/* uv_tcp_open adopts a socket: non-blocking afterwards, closed by
 * uv_close. */
TEST(tcp_open_existing_socket) {
  uv_tcp_t h;
  uv_tcp_t bad;
  uv_loop_t loop;
  int fd;
  int closed_fd;

  ASSERT_OK(uv_loop_init(&loop));
  fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(st_fd_is_nonblocking(fd), 0);
  ASSERT_OK(uv_tcp_init(&loop, &h));
  ASSERT_OK(uv_tcp_open(&h, fd));
  ASSERT_EQ(tcp_fd(&h), fd);
  ASSERT(st_fd_is_nonblocking(fd));

  closed_fd = dup(fd);
  ASSERT_GE(closed_fd, 0);
  ASSERT_OK(close(closed_fd));
  ASSERT_OK(uv_tcp_init(&loop, &bad));
  ASSERT_EQ(uv_tcp_open(&bad, closed_fd), UV_EBADF);
  uv_close((uv_handle_t*) &bad, NULL);

  uv_close((uv_handle_t*) &h, NULL);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(st_fd_is_open(fd), 0);
  close_loop_and_check(&loop);
  return 0;
}

/* uv_tcp_close_reset is refused while a shutdown is pending. */
static int crs_shutdown_status = 1;

static void crs_shutdown_cb(uv_shutdown_t* req, int status) {
  (void) req;
  crs_shutdown_status = status;
}

TEST(tcp_close_reset_after_shutdown) {
  uv_shutdown_t req;
  uv_tcp_t client;
  uv_tcp_t peer;
  uv_loop_t loop;

  ASSERT_OK(uv_loop_init(&loop));
  st_tcp_pair(&loop, &client, &peer);
  ASSERT_OK(uv_shutdown(&req, (uv_stream_t*) &client, crs_shutdown_cb));
  ASSERT_EQ(uv_tcp_close_reset(&client, NULL), UV_EINVAL);
  ASSERT_EQ(uv_is_closing((uv_handle_t*) &client), 0);
  uv_close((uv_handle_t*) &client, NULL);
  uv_close((uv_handle_t*) &peer, NULL);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  /* Closed before the shutdown could complete, or completed first. */
  ASSERT(crs_shutdown_status == 0 || crs_shutdown_status == UV_ECANCELED);
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Descriptor exhaustion: connections arriving while the process has no
 * descriptor left must neither make the server spin nor kill it, and
 * accepting resumes once descriptors are free again. */

#define EM_CLIENTS 3
#define EM_MAX_FILL 256
#define EM_MAX_ITERATIONS 2000

static uv_tcp_t em_server;
static uv_tcp_t em_clients[EM_CLIENTS];
static uv_connect_t em_connect_reqs[EM_CLIENTS];
static uv_tcp_t em_late_client;
static uv_connect_t em_late_req;
static uv_tcp_t em_accepted;
static uv_prepare_t em_prepare;
static struct sockaddr_storage em_addr;
static int em_fill[EM_MAX_FILL];
static int em_nfill;
static int em_iterations;
static int em_client_ends;
static int em_errors_seen;
static int em_accepts_during;
static int em_exhausted;
static int em_late_accepted;
static int em_late_read_done;
static char em_greeting[] = "accepting again";
static uv_write_t em_greeting_req;

static void em_prepare_cb(uv_prepare_t* handle) {
  (void) handle;
  /* A server that spins on EMFILE turns the loop without end. */
  em_iterations++;
  ASSERT_LT(em_iterations, EM_MAX_ITERATIONS);
}

static void em_accepted_close_cb(uv_handle_t* handle) {
  (void) handle;
}

static void em_greeting_cb(uv_write_t* req, int status) {
  ASSERT_OK(status);
  uv_close((uv_handle_t*) req->handle, em_accepted_close_cb);
}

static void em_connection_cb(uv_stream_t* server, int status) {
  if (status != 0) {
    /* Reporting the exhaustion to the user is allowed. */
    ASSERT(status == UV_EMFILE || status == UV_ENFILE);
    ASSERT(em_exhausted);
    em_errors_seen++;
    return;
  }
  ASSERT_OK(uv_tcp_init(server->loop, &em_accepted));
  ASSERT_OK(uv_accept(server, (uv_stream_t*) &em_accepted));
  if (em_exhausted) {
    /* Got through with a spare descriptor: turn it away. */
    em_accepts_during++;
    uv_close((uv_handle_t*) &em_accepted, em_accepted_close_cb);
    return;
  }
  em_late_accepted++;
  {
    uv_buf_t b = uv_buf_init(em_greeting, sizeof(em_greeting));
    ASSERT_OK(uv_write(&em_greeting_req, (uv_stream_t*) &em_accepted, &b, 1,
                       em_greeting_cb));
  }
  uv_close((uv_handle_t*) server, NULL);
}

static size_t em_late_received;

static void em_late_read_cb(uv_stream_t* stream, ssize_t nread,
                            const uv_buf_t* buf) {
  if (nread == UV_EOF) {
    ASSERT_UINT64_EQ(em_late_received, sizeof(em_greeting));
    em_late_read_done = 1;
    uv_close((uv_handle_t*) stream, NULL);
    uv_close((uv_handle_t*) &em_prepare, NULL);
    return;
  }
  ASSERT_GE(nread, 0);
  ASSERT_MEM_EQ(buf->base, em_greeting + em_late_received, (size_t) nread);
  em_late_received += (size_t) nread;
}

static void em_late_connect_cb(uv_connect_t* req, int status) {
  ASSERT_OK(status);
  ASSERT_OK(uv_read_start(req->handle, st_alloc_cb, em_late_read_cb));
}

static void em_free_descriptors(void) {
  while (em_nfill > 0)
    ASSERT_OK(close(em_fill[--em_nfill]));
  em_exhausted = 0;
}

static void em_client_read_cb(uv_stream_t* stream, ssize_t nread,
                              const uv_buf_t* buf) {
  (void) buf;
  if (nread == 0)
    return;
  /* The server could not keep the connection: it was closed. */
  ASSERT(nread == UV_EOF || nread == UV_ECONNRESET);
  uv_close((uv_handle_t*) stream, NULL);
  if (++em_client_ends < EM_CLIENTS)
    return;
  /* Every early client was turned away without the server spinning. */
  em_free_descriptors();
  ASSERT_OK(uv_tcp_init(stream->loop, &em_late_client));
  ASSERT_OK(uv_tcp_connect(&em_late_req, &em_late_client,
                           (const struct sockaddr*) &em_addr,
                           em_late_connect_cb));
}

static void em_client_connect_cb(uv_connect_t* req, int status) {
  /* The kernel completes the handshake without the server's accept. */
  ASSERT_OK(status);
  ASSERT_OK(uv_read_start(req->handle, st_alloc_cb, em_client_read_cb));
}

/* A link-local destination given without an interface (sin6_scope_id 0)
 * gets the first interface with a link-local address, as in libuv >= 1.47
 * (libuv 1.52's tcp_connect6_link_local): the kernel alone refuses the
 * connect() with EINVAL, synchronously. */
static int ll_connect_status = 1;

static void ll_connect_cb(uv_connect_t* req, int status) {
  (void) req;
  ll_connect_status = status;
}

TEST(tcp_connect_link_local_without_scope) {
#if UV_VERSION_HEX < 0x012F00
  RETURN_SKIP("libuv < 1.47 leaves the scope id to the caller");
#else
  uv_interface_address_t* ifs;
  struct sockaddr_in6 dst;
  uv_connect_t req;
  uv_loop_t loop;
  uv_tcp_t h;
  int found;
  int n;
  int i;

  ASSERT_OK(uv_interface_addresses(&ifs, &n));
  found = 0;
  for (i = 0; i < n; i++)
    if (ifs[i].address.address6.sin6_family == AF_INET6 &&
        IN6_IS_ADDR_LINKLOCAL(&ifs[i].address.address6.sin6_addr))
      found = 1;
  uv_free_interface_addresses(ifs, n);
  if (!found)
    RETURN_SKIP("no interface with an IPv6 link-local address");

  ASSERT_OK(uv_ip6_addr("fe80::bad:babe", 1337, &dst));
  ASSERT_EQ(dst.sin6_scope_id, 0);
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_tcp_init(&loop, &h));
  ASSERT_OK(uv_tcp_connect(&req, &h, (const struct sockaddr*) &dst,
                           ll_connect_cb));
  ASSERT_EQ(dst.sin6_scope_id, 0);
  /* Nobody answers at that address: closing cancels the attempt. */
  uv_close((uv_handle_t*) &h, NULL);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(ll_connect_status, UV_ECANCELED);
  close_loop_and_check(&loop);
  return 0;
#endif
}

TEST(tcp_emfile_accept) {
  struct rlimit saved;
  struct rlimit low;
  uv_loop_t loop;
  int fd;
  int i;

  ASSERT_OK(getrlimit(RLIMIT_NOFILE, &saved));
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(st_tcp_listen(&loop, &em_server, AF_INET, em_connection_cb,
                          &em_addr));
  ASSERT_OK(uv_prepare_init(&loop, &em_prepare));
  ASSERT_OK(uv_prepare_start(&em_prepare, em_prepare_cb));
  /* Client sockets exist before the table fills up. */
  for (i = 0; i < EM_CLIENTS; i++)
    ASSERT_OK(uv_tcp_init_ex(&loop, &em_clients[i], AF_INET));
  /* Let the loop make whatever it makes on its first turn. */
  uv_run(&loop, UV_RUN_NOWAIT);

  /* Lower the limit to what we can fill, then fill it. */
  fd = dup(0);
  ASSERT_GE(fd, 0);
  ASSERT_OK(close(fd));
  low = saved;
  low.rlim_cur = (rlim_t) fd + EM_MAX_FILL / 2;
  ASSERT_OK(setrlimit(RLIMIT_NOFILE, &low));
  em_exhausted = 1;
  for (;;) {
    fd = dup(0);
    if (fd < 0) {
      ASSERT_EQ(errno, EMFILE);
      break;
    }
    ASSERT_LT(em_nfill, EM_MAX_FILL);
    em_fill[em_nfill++] = fd;
  }
  ASSERT_GT(em_nfill, 0);

  em_iterations = 0;
  for (i = 0; i < EM_CLIENTS; i++)
    ASSERT_OK(uv_tcp_connect(&em_connect_reqs[i], &em_clients[i],
                             (const struct sockaddr*) &em_addr,
                             em_client_connect_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));

  ASSERT_EQ(em_client_ends, EM_CLIENTS);
  ASSERT_EQ(em_late_accepted, 1);
  ASSERT_EQ(em_late_read_done, 1);
  ASSERT_EQ(em_nfill, 0);
  fprintf(stderr, "loop iterations: %d, errors reported: %d, "
          "accepted while exhausted: %d\n", em_iterations, em_errors_seen,
          em_accepts_during);
  ASSERT_OK(setrlimit(RLIMIT_NOFILE, &saved));
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Writing to a peer that closed: an error in the write callback, and the
 * process lives (SIGPIPE is left at its default action here). */

static uv_tcp_t sp_client;
static uv_tcp_t sp_peer;
static uv_write_t sp_req;
static char sp_chunk[65536];
static int sp_writes;
static int sp_error;

static void sp_write_cb(uv_write_t* req, int status) {
  uv_buf_t b;

  if (status != 0) {
    ASSERT(status == UV_EPIPE || status == UV_ECONNRESET);
    sp_error = status;
    uv_close((uv_handle_t*) req->handle, NULL);
    return;
  }
  /* The first writes may still land in the kernel before the reset. */
  ASSERT_LT(++sp_writes, 10000);
  b = uv_buf_init(sp_chunk, sizeof(sp_chunk));
  ASSERT_OK(uv_write(&sp_req, req->handle, &b, 1, sp_write_cb));
}

static void sp_peer_close_cb(uv_handle_t* handle) {
  uv_buf_t b;
  (void) handle;
  b = uv_buf_init(sp_chunk, sizeof(sp_chunk));
  ASSERT_OK(uv_write(&sp_req, (uv_stream_t*) &sp_client, &b, 1,
                     sp_write_cb));
}

static void restore_default_sigpipe(void) {
  struct sigaction sa;
  sigset_t set;

  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = SIG_DFL;
  ASSERT_OK(sigaction(SIGPIPE, &sa, NULL));
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  ASSERT_OK(sigprocmask(SIG_UNBLOCK, &set, NULL));
}

TEST(tcp_write_to_closed_peer_no_sigpipe) {
  uv_loop_t loop;

#if !STREAMTEST_UVCORE
  RETURN_SKIP("libuv 1.44 raises SIGPIPE on this path; uvcore must not");
#endif
  restore_default_sigpipe();
  ASSERT_OK(uv_loop_init(&loop));
  st_tcp_pair(&loop, &sp_client, &sp_peer);
  uv_close((uv_handle_t*) &sp_peer, sp_peer_close_cb);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_NE(sp_error, 0);
  close_loop_and_check(&loop);
  return 0;
}

/* Same with a peer that reset the connection and a try_write. */
TEST(tcp_try_write_to_reset_peer_no_sigpipe) {
  uv_tcp_t client;
  uv_tcp_t peer;
  uv_loop_t loop;
  uv_buf_t b;
  int r;
  int i;

#if !STREAMTEST_UVCORE
  RETURN_SKIP("libuv 1.44 raises SIGPIPE on this path; uvcore must not");
#endif
  restore_default_sigpipe();
  ASSERT_OK(uv_loop_init(&loop));
  st_tcp_pair(&loop, &client, &peer);
  ASSERT_OK(uv_tcp_close_reset(&peer, NULL));
  uv_run(&loop, UV_RUN_NOWAIT);
  b = uv_buf_init(sp_chunk, sizeof(sp_chunk));
  /* The first write reports the reset (or is still accepted); the ones
   * after it hit the dead socket: EPIPE, which is where a write without
   * MSG_NOSIGNAL raises SIGPIPE. */
  for (i = 0; i < 100; i++) {
    r = uv_try_write((uv_stream_t*) &client, &b, 1);
    if (r == UV_EPIPE)
      break;
    ASSERT(r > 0 || r == UV_EAGAIN || r == UV_ECONNRESET);
  }
  ASSERT_EQ(r, UV_EPIPE);
  uv_close((uv_handle_t*) &client, NULL);
  close_loop_and_check(&loop);
  return 0;
}

/* The peer resets while a large write is half sent and more is queued
 * behind it (a write and a shutdown): every request gets its callback once,
 * in order, with an error (the one in progress ECONNRESET or EPIPE, the
 * next write that or UV_ECANCELED, the shutdown ENOTCONN), the write queue drains to 0, nothing is
 * reported written that was not, and no SIGPIPE. */
#define MW_BIG (16u << 20)   /* far beyond what loopback buffers hold */

static uv_tcp_t mw_client;
static uv_tcp_t mw_peer;
static uv_write_t mw_req[2];
static uv_shutdown_t mw_shutdown_req;
static int mw_order[3];
static int mw_status[3];
static int mw_done;
static size_t mw_peer_got;
static char mw_slab[65536];

static void mw_alloc(uv_handle_t* h, size_t size, uv_buf_t* b) {
  (void) h;
  (void) size;
  *b = uv_buf_init(mw_slab, sizeof(mw_slab));
}

/* The peer reads a little, then resets with data still unread. */
static void mw_peer_read(uv_stream_t* s, ssize_t n, const uv_buf_t* b) {
  (void) b;
  if (n <= 0)
    return;
  mw_peer_got += (size_t) n;
  if (mw_peer_got >= 256 * 1024 && !uv_is_closing((uv_handle_t*) s))
    ASSERT_OK(uv_tcp_close_reset((uv_tcp_t*) s, NULL));
}

static void mw_write_cb(uv_write_t* req, int status) {
  int which;

  which = req == &mw_req[0] ? 0 : 1;
  mw_status[which] = status;
  mw_order[mw_done++] = which;
}

static void mw_shutdown_cb(uv_shutdown_t* req, int status) {
  (void) req;
  mw_status[2] = status;
  mw_order[mw_done++] = 2;
  uv_close((uv_handle_t*) &mw_client, NULL);
}

TEST(tcp_peer_reset_mid_write) {
  uv_loop_t loop;
  uv_buf_t b;
  char* big;
  int i;

  restore_default_sigpipe();
  big = malloc(MW_BIG);
  ASSERT_NOT_NULL(big);
  memset(big, 'w', MW_BIG);
  ASSERT_OK(uv_loop_init(&loop));
  st_tcp_pair(&loop, &mw_client, &mw_peer);

  b = uv_buf_init(big, MW_BIG);
  ASSERT_OK(uv_write(&mw_req[0], (uv_stream_t*) &mw_client, &b, 1,
                     mw_write_cb));
  b = uv_buf_init(big, 1 << 20);
  ASSERT_OK(uv_write(&mw_req[1], (uv_stream_t*) &mw_client, &b, 1,
                     mw_write_cb));
  ASSERT_OK(uv_shutdown(&mw_shutdown_req, (uv_stream_t*) &mw_client,
                        mw_shutdown_cb));
  ASSERT_UINT64_GT(uv_stream_get_write_queue_size((uv_stream_t*) &mw_client),
                   0);
  ASSERT_OK(uv_read_start((uv_stream_t*) &mw_peer, mw_alloc, mw_peer_read));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));

  fprintf(stderr, "peer read %zu of %u bytes before its reset; statuses "
          "%s, %s, %s\n", mw_peer_got, MW_BIG, uv_err_name(mw_status[0]),
          uv_err_name(mw_status[1]), uv_err_name(mw_status[2]));
  ASSERT_EQ(mw_done, 3);
  for (i = 0; i < 3; i++)
    ASSERT_EQ(mw_order[i], i);
  ASSERT(mw_status[0] == UV_ECONNRESET || mw_status[0] == UV_EPIPE);
  ASSERT(mw_status[1] == UV_ECONNRESET || mw_status[1] == UV_EPIPE ||
         mw_status[1] == UV_ECANCELED);
  /* shutdown(2) of a reset socket: ENOTCONN, as libuv reports it */
  ASSERT(mw_status[2] == UV_ENOTCONN || mw_status[2] == UV_EPIPE ||
         mw_status[2] == UV_ECONNRESET || mw_status[2] == UV_ECANCELED);
  ASSERT_UINT64_EQ(
      uv_stream_get_write_queue_size((uv_stream_t*) &mw_client), 0);
  /* the peer got less than the first write: it was not all sent */
  ASSERT_UINT64_LT(mw_peer_got, MW_BIG);
  free(big);
  close_loop_and_check(&loop);
  return 0;
}

static void reuseport_connection_cb(uv_stream_t* server, int status) {
  (void) server;
  (void) status;
}

/* With UV_TCP_REUSEPORT two listeners share one port; without it the
 * second one is refused with UV_EADDRINUSE (at bind or, as libuv defers
 * it, at listen). */
TEST(tcp_reuseport_shares_port) {
  struct sockaddr_in addr;
  struct sockaddr_storage bound;
  uv_loop_t loop;
  uv_tcp_t a;
  uv_tcp_t b;
  uv_tcp_t c;
  int namelen;
  int r;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_ip4_addr("127.0.0.1", 0, &addr));

  ASSERT_OK(uv_tcp_init(&loop, &a));
  ASSERT_OK(uv_tcp_bind(&a, (const struct sockaddr*) &addr,
                        UV_TCP_REUSEPORT));
  ASSERT_OK(uv_listen((uv_stream_t*) &a, 8, reuseport_connection_cb));
  namelen = sizeof(bound);
  ASSERT_OK(uv_tcp_getsockname(&a, (struct sockaddr*) &bound, &namelen));
  addr.sin_port = ((struct sockaddr_in*) &bound)->sin_port;

  ASSERT_OK(uv_tcp_init(&loop, &b));
  ASSERT_OK(uv_tcp_bind(&b, (const struct sockaddr*) &addr,
                        UV_TCP_REUSEPORT));
  ASSERT_OK(uv_listen((uv_stream_t*) &b, 8, reuseport_connection_cb));

  ASSERT_OK(uv_tcp_init(&loop, &c));
  r = uv_tcp_bind(&c, (const struct sockaddr*) &addr, 0);
  if (r == 0)
    r = uv_listen((uv_stream_t*) &c, 8, reuseport_connection_cb);
  ASSERT_EQ(UV_EADDRINUSE, r);

  uv_close((uv_handle_t*) &a, NULL);
  uv_close((uv_handle_t*) &b, NULL);
  uv_close((uv_handle_t*) &c, NULL);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_OK(uv_loop_close(&loop));
  return 0;
}
