/* Shared helpers of the stream tests (test-tcp*.c, test-pipe*.c,
 * test-ipc*.c, test-tty.c): listening on an ephemeral loopback port, a
 * position-dependent byte pattern for checking that large transfers arrive
 * intact and in order, and a reusable read buffer.
 *
 * Everything here is static inline so that a test file that uses only part
 * of it builds without unused-function warnings.  The tests never use the
 * fixed test ports: every server binds port 0 and asks the kernel which port
 * it got, so the stream tests can run in parallel under ctest -j.
 */
#ifndef UVCORE_TEST_TCP_UTIL_H_
#define UVCORE_TEST_TCP_UTIL_H_

#include "task.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* uvcore's own headers define UVCORE_VERSION_HEX; Debian's libuv does not.
 * Checks of behaviour where uvcore is deliberately stricter than libuv 1.44
 * (NULL arguments that crash libuv, SIGPIPE) are compiled only for uvcore. */
#ifdef UVCORE_VERSION_HEX
# define STREAMTEST_UVCORE 1
#else
# define STREAMTEST_UVCORE 0
#endif

/* API added after libuv 1.44 (the comparison library). */
#if UV_VERSION_HEX >= 0x012E00
# define STREAMTEST_HAVE_PIPE_BIND2 1
#else
# define STREAMTEST_HAVE_PIPE_BIND2 0
#endif

/* Byte at offset off of the test pattern: not periodic at any power of two
 * up to 2^24, so a chunk that is dropped, duplicated or reordered shows. */
static inline unsigned char st_pattern(uint64_t off) {
  uint64_t x = off * 2654435761u;
  return (unsigned char) ((x >> 11) ^ (off >> 16) ^ off);
}

static inline void st_fill(char* buf, size_t len, uint64_t off) {
  size_t i;
  for (i = 0; i < len; i++)
    buf[i] = (char) st_pattern(off + i);
}

/* Checks len bytes received at stream offset off against the pattern. */
static inline void st_check(const char* buf, size_t len, uint64_t off) {
  size_t i;
  for (i = 0; i < len; i++) {
    if ((unsigned char) buf[i] != st_pattern(off + i)) {
      fprintf(stderr, "pattern mismatch at stream offset %llu\n",
              (unsigned long long) (off + i));
      ASSERT_EQ((unsigned char) buf[i], st_pattern(off + i));
    }
  }
}

/* One shared read buffer: a read callback always consumes the data before
 * the loop calls the next alloc callback, so one buffer serves every stream
 * of a single-threaded test. */
static char st_readbuf[65536];

static inline void st_alloc_cb(uv_handle_t* handle, size_t suggested,
                               uv_buf_t* buf) {
  (void) handle;
  (void) suggested;
  buf->base = st_readbuf;
  buf->len = sizeof(st_readbuf);
}

static inline void st_close_cb_noop(uv_handle_t* handle) {
  (void) handle;
}

/* Loopback address of the family with port 0 (IPv4 or IPv6). */
static inline void st_loopback(int family, struct sockaddr_storage* ss) {
  memset(ss, 0, sizeof(*ss));
  if (family == AF_INET6)
    ASSERT_OK(uv_ip6_addr("::1", 0, (struct sockaddr_in6*) ss));
  else
    ASSERT_OK(uv_ip4_addr("127.0.0.1", 0, (struct sockaddr_in*) ss));
}

static inline int st_port_of(const struct sockaddr_storage* ss) {
  if (ss->ss_family == AF_INET6)
    return ntohs(((const struct sockaddr_in6*) ss)->sin6_port);
  return ntohs(((const struct sockaddr_in*) ss)->sin_port);
}

static inline void st_set_port(struct sockaddr_storage* ss, int port) {
  if (ss->ss_family == AF_INET6)
    ((struct sockaddr_in6*) ss)->sin6_port = htons((unsigned short) port);
  else
    ((struct sockaddr_in*) ss)->sin_port = htons((unsigned short) port);
}

/* Binds server to the loopback address of family on an ephemeral port and
 * listens; *addr receives the bound address (to connect to).  Returns the
 * bind error instead of asserting, so callers can skip when ::1 is
 * missing. */
static inline int st_tcp_listen(uv_loop_t* loop, uv_tcp_t* server,
                                int family, uv_connection_cb cb,
                                struct sockaddr_storage* addr) {
  int namelen;
  int err;

  st_loopback(family, addr);
  ASSERT_OK(uv_tcp_init(loop, server));
  err = uv_tcp_bind(server, (const struct sockaddr*) addr, 0);
  if (err != 0)
    return err;
  err = uv_listen((uv_stream_t*) server, 128, cb);
  if (err != 0)
    return err;
  namelen = (int) sizeof(*addr);
  ASSERT_OK(uv_tcp_getsockname(server, (struct sockaddr*) addr, &namelen));
  ASSERT_NE(st_port_of(addr), 0);
  return 0;
}

/* A loopback port that nothing listens on: bind a socket to port 0, note
 * the port, close the socket.  (Another process could grab the port in
 * between; on a test machine that is rare enough.) */
static inline int st_unused_port(int family) {
  struct sockaddr_storage ss;
  socklen_t len;
  int fd;
  int port;

  st_loopback(family, &ss);
  fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  len = family == AF_INET6 ? sizeof(struct sockaddr_in6)
                           : sizeof(struct sockaddr_in);
  ASSERT_OK(bind(fd, (struct sockaddr*) &ss, len));
  len = sizeof(ss);
  ASSERT_OK(getsockname(fd, (struct sockaddr*) &ss, &len));
  port = st_port_of(&ss);
  ASSERT_OK(close(fd));
  return port;
}

static inline int st_fd_is_nonblocking(int fd) {
  int fl = fcntl(fd, F_GETFL);
  ASSERT_GE(fl, 0);
  return (fl & O_NONBLOCK) != 0;
}

static inline int st_fd_is_cloexec(int fd) {
  int fl = fcntl(fd, F_GETFD);
  ASSERT_GE(fl, 0);
  return (fl & FD_CLOEXEC) != 0;
}

static inline int st_fd_is_open(int fd) {
  return fcntl(fd, F_GETFD) != -1 || errno != EBADF;
}

/* Runs the loop in UV_RUN_NOWAIT mode n times. */
static inline void st_run_nowait(uv_loop_t* loop, int n) {
  while (n-- > 0)
    uv_run(loop, UV_RUN_NOWAIT);
}


/* ------------------------------------------------------------------------ */
/* Echo server: accepts TCP or Unix-socket connections, writes back what it
 * reads, and on EOF shuts its side down and closes the connection. */

typedef struct {
  union {
    uv_tcp_t tcp;
    uv_pipe_t pipe;
    uv_stream_t stream;
  } h;
  uv_shutdown_t shutdown_req;
  size_t bytes;
} st_echo_conn_t;

typedef struct {
  uv_write_t req;
  uv_buf_t buf;
} st_echo_write_t;

static int st_echo_accepted;
static int st_echo_closed;
static int st_echo_eofs;
static uint64_t st_echo_bytes;

static inline void st_echo_close_cb(uv_handle_t* handle) {
  st_echo_closed++;
  free(handle);
}

static inline void st_echo_write_cb(uv_write_t* req, int status) {
  st_echo_write_t* w = (st_echo_write_t*) req;
  ASSERT_OK(status);
  free(w->buf.base);
  free(w);
}

static inline void st_echo_shutdown_cb(uv_shutdown_t* req, int status) {
  ASSERT_OK(status);
  uv_close((uv_handle_t*) req->handle, st_echo_close_cb);
}

static inline void st_echo_read_cb(uv_stream_t* stream, ssize_t nread,
                                   const uv_buf_t* buf) {
  st_echo_conn_t* conn = (st_echo_conn_t*) stream;
  st_echo_write_t* w;

  if (nread == UV_EOF) {
    st_echo_eofs++;
    ASSERT_OK(uv_shutdown(&conn->shutdown_req, stream, st_echo_shutdown_cb));
    return;
  }
  ASSERT_GE(nread, 0);
  if (nread == 0)
    return;
  conn->bytes += (size_t) nread;
  st_echo_bytes += (uint64_t) nread;
  w = malloc(sizeof(*w));
  ASSERT_NOT_NULL(w);
  w->buf.base = malloc((size_t) nread);
  ASSERT_NOT_NULL(w->buf.base);
  memcpy(w->buf.base, buf->base, (size_t) nread);
  w->buf.len = (size_t) nread;
  ASSERT_OK(uv_write(&w->req, stream, &w->buf, 1, st_echo_write_cb));
}

static inline void st_echo_connection_cb(uv_stream_t* server, int status) {
  st_echo_conn_t* conn;

  ASSERT_OK(status);
  conn = calloc(1, sizeof(*conn));
  ASSERT_NOT_NULL(conn);
  if (server->type == UV_TCP)
    ASSERT_OK(uv_tcp_init(server->loop, &conn->h.tcp));
  else
    ASSERT_OK(uv_pipe_init(server->loop, &conn->h.pipe, 0));
  ASSERT_OK(uv_accept(server, &conn->h.stream));
  st_echo_accepted++;
  ASSERT_OK(uv_read_start(&conn->h.stream, st_alloc_cb, st_echo_read_cb));
}

/* ------------------------------------------------------------------------ */
/* Echo client: sends a fixed script of writes (single and multi-buffer, from
 * one byte to several hundred KiB), shuts down, reads the echo until EOF
 * and checks it.  `done` is called from the close callback. */

#define ST_CLIENT_WRITES 6

typedef struct st_echo_client_s st_echo_client_t;
struct st_echo_client_s {
  union {
    uv_tcp_t tcp;
    uv_pipe_t pipe;
    uv_stream_t stream;
  } h;
  uv_connect_t connect_req;
  uv_write_t write_reqs[ST_CLIENT_WRITES];
  uv_shutdown_t shutdown_req;
  char* data;
  size_t len;
  size_t received;
  int writes_done;
  int shutdown_done;
  int eof;
  int closed;
  void (*done)(st_echo_client_t* c);
};

static inline void st_client_close_cb(uv_handle_t* handle) {
  st_echo_client_t* c = (st_echo_client_t*) handle;
  c->closed = 1;
  if (c->done != NULL)
    c->done(c);
}

static inline void st_client_read_cb(uv_stream_t* stream, ssize_t nread,
                                     const uv_buf_t* buf) {
  st_echo_client_t* c = (st_echo_client_t*) stream;

  if (nread == UV_EOF) {
    /* EOF comes only after every echoed byte. */
    ASSERT_UINT64_EQ(c->received, c->len);
    ASSERT_EQ(c->shutdown_done, 1);
    c->eof = 1;
    uv_close((uv_handle_t*) stream, st_client_close_cb);
    return;
  }
  ASSERT_GE(nread, 0);
  ASSERT_UINT64_LE(c->received + (size_t) nread, c->len);
  ASSERT_MEM_EQ(buf->base, c->data + c->received, (size_t) nread);
  c->received += (size_t) nread;
}

static inline void st_client_shutdown_cb(uv_shutdown_t* req, int status) {
  st_echo_client_t* c = (st_echo_client_t*) req->handle;
  ASSERT_OK(status);
  /* Every write callback runs before the shutdown callback. */
  ASSERT_EQ(c->writes_done, ST_CLIENT_WRITES);
  c->shutdown_done = 1;
}

static inline void st_client_write_cb(uv_write_t* req, int status) {
  st_echo_client_t* c = (st_echo_client_t*) req->handle;
  ASSERT_OK(status);
  /* In submission order. */
  ASSERT_PTR_EQ(req, &c->write_reqs[c->writes_done]);
  c->writes_done++;
  ASSERT_EQ(c->shutdown_done, 0);
}

/* Sizes of the scripted writes; the third and fifth use several buffers. */
static inline size_t st_client_script_len(void) {
  return 1 + 100 + 3 * 1000 + 65536 + 7 * 4099 + 300000;
}

static inline void st_client_start(st_echo_client_t* c) {
  uv_buf_t bufs[7];
  char* p;
  int i;

  p = c->data;
  bufs[0] = uv_buf_init(p, 1);
  ASSERT_OK(uv_write(&c->write_reqs[0], &c->h.stream, bufs, 1,
                     st_client_write_cb));
  p += 1;
  bufs[0] = uv_buf_init(p, 100);
  ASSERT_OK(uv_write(&c->write_reqs[1], &c->h.stream, bufs, 1,
                     st_client_write_cb));
  p += 100;
  for (i = 0; i < 3; i++)
    bufs[i] = uv_buf_init(p + i * 1000, 1000);
  ASSERT_OK(uv_write(&c->write_reqs[2], &c->h.stream, bufs, 3,
                     st_client_write_cb));
  p += 3000;
  bufs[0] = uv_buf_init(p, 65536);
  ASSERT_OK(uv_write(&c->write_reqs[3], &c->h.stream, bufs, 1,
                     st_client_write_cb));
  p += 65536;
  for (i = 0; i < 7; i++)
    bufs[i] = uv_buf_init(p + i * 4099, 4099);
  ASSERT_OK(uv_write(&c->write_reqs[4], &c->h.stream, bufs, 7,
                     st_client_write_cb));
  p += 7 * 4099;
  bufs[0] = uv_buf_init(p, 300000);
  ASSERT_OK(uv_write(&c->write_reqs[5], &c->h.stream, bufs, 1,
                     st_client_write_cb));
  p += 300000;
  ASSERT_PTR_EQ(p, c->data + c->len);
  ASSERT_OK(uv_shutdown(&c->shutdown_req, &c->h.stream,
                        st_client_shutdown_cb));
  ASSERT_OK(uv_read_start(&c->h.stream, st_alloc_cb, st_client_read_cb));
}

static inline void st_client_connect_cb(uv_connect_t* req, int status) {
  st_echo_client_t* c = (st_echo_client_t*) req->handle;
  ASSERT_OK(status);
  ASSERT_PTR_EQ(req, &c->connect_req);
  st_client_start(c);
}

/* Prepares c's script buffer (pattern from offset seed). */
static inline void st_client_init_data(st_echo_client_t* c, uint64_t seed) {
  c->len = st_client_script_len();
  c->data = malloc(c->len);
  ASSERT_NOT_NULL(c->data);
  st_fill(c->data, c->len, seed);
}

static inline void st_client_check_done(st_echo_client_t* c) {
  ASSERT_EQ(c->writes_done, ST_CLIENT_WRITES);
  ASSERT_EQ(c->shutdown_done, 1);
  ASSERT_EQ(c->eof, 1);
  ASSERT_EQ(c->closed, 1);
  ASSERT_UINT64_EQ(c->received, c->len);
  free(c->data);
  c->data = NULL;
}

/* ------------------------------------------------------------------------ */
/* A connected TCP pair inside one loop: *client connected to *peer (the
 * accepted end).  The listening socket is closed again before returning. */

static struct {
  uv_tcp_t server;
  uv_connect_t connect_req;
  uv_tcp_t* peer;
  int connected;
  int accepted;
} st_pair;

static inline void st_pair_connection_cb(uv_stream_t* server, int status) {
  ASSERT_OK(status);
  ASSERT_OK(uv_tcp_init(server->loop, st_pair.peer));
  ASSERT_OK(uv_accept(server, (uv_stream_t*) st_pair.peer));
  st_pair.accepted = 1;
}

static inline void st_pair_connect_cb(uv_connect_t* req, int status) {
  (void) req;
  ASSERT_OK(status);
  st_pair.connected = 1;
}

static inline void st_tcp_pair(uv_loop_t* loop, uv_tcp_t* client,
                               uv_tcp_t* peer) {
  struct sockaddr_storage addr;

  memset(&st_pair, 0, sizeof(st_pair));
  st_pair.peer = peer;
  ASSERT_OK(st_tcp_listen(loop, &st_pair.server, AF_INET,
                          st_pair_connection_cb, &addr));
  ASSERT_OK(uv_tcp_init(loop, client));
  ASSERT_OK(uv_tcp_connect(&st_pair.connect_req, client,
                           (const struct sockaddr*) &addr,
                           st_pair_connect_cb));
  while (!st_pair.connected || !st_pair.accepted)
    uv_run(loop, UV_RUN_ONCE);
  uv_close((uv_handle_t*) &st_pair.server, NULL);
}

/* Writes with uv_try_write() until the kernel refuses more (UV_EAGAIN),
 * continuing the pattern from *off; returns the number of bytes sent. */
static inline size_t st_fill_until_eagain(uv_stream_t* stream,
                                          uint64_t* off) {
  static char chunk[65536];
  size_t total;
  uv_buf_t b;
  int r;

  total = 0;
  for (;;) {
    st_fill(chunk, sizeof(chunk), *off);
    b = uv_buf_init(chunk, sizeof(chunk));
    r = uv_try_write(stream, &b, 1);
    if (r == UV_EAGAIN)
      break;
    ASSERT_GT(r, 0);
    ASSERT_LE(r, (int) sizeof(chunk));
    *off += (uint64_t) r;
    total += (size_t) r;
    /* The kernel's buffers are a few MiB at most. */
    ASSERT_UINT64_LT(total, 256u << 20);
  }
  ASSERT_UINT64_GT(total, 0);
  return total;
}

#endif /* UVCORE_TEST_TCP_UTIL_H_ */
