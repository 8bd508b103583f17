/* Smoke tests of the Unix stream core written alongside it: the corners
 * the main stream suites (test-tcp*.c, test-pipe*.c, test-ipc*.c) do not
 * reach — deferred write callbacks, blocking writes, cancellation order
 * on close, writes and shutdown queued behind a connect, connect errors
 * that can only travel through a callback, accepting into a handle of the
 * wrong type, uv_fileno() and the socket buffer sizes. */
#include "task.h"

#include <string.h>
#include <unistd.h>

#ifndef _WIN32
# include <sys/socket.h>
#endif

/* ------------------------------------------------------------------------ */
/* Write callbacks never run inside uv_write, and run in order. */

static int wd_order[3];
static int wd_count;

static void wd_write_cb(uv_write_t* req, int status) {
  ASSERT_OK(status);
  wd_order[wd_count++] = (int) (intptr_t) req->data;
}

TEST(stream_smoke_write_cb_deferred) {
#ifdef _WIN32
  RETURN_SKIP("Unix stream core");
#else
  uv_os_sock_t sv[2];
  uv_write_t req[3];
  uv_pipe_t p;
  uv_loop_t loop;
  uv_buf_t b;
  char in[16];
  int i;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_socketpair(SOCK_STREAM, 0, sv, UV_NONBLOCK_PIPE, 0));
  ASSERT_OK(uv_pipe_init(&loop, &p, 0));
  ASSERT_OK(uv_pipe_open(&p, sv[0]));

  b = uv_buf_init("abc", 3);
  for (i = 0; i < 3; i++) {
    req[i].data = (void*) (intptr_t) i;
    ASSERT_OK(uv_write(&req[i], (uv_stream_t*) &p, &b, 1, wd_write_cb));
  }
  /* Written at once (the socket had room), yet no callback so far. */
  ASSERT_UINT64_EQ(p.write_queue_size, 0);
  ASSERT_EQ(wd_count, 0);
  ASSERT_EQ(read(sv[1], in, sizeof(in)), 9);

  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(wd_count, 3);
  ASSERT_EQ(wd_order[0], 0);
  ASSERT_EQ(wd_order[1], 1);
  ASSERT_EQ(wd_order[2], 2);

  uv_close((uv_handle_t*) &p, NULL);
  ASSERT_OK(close(sv[1]));
  close_loop_and_check(&loop);
  return 0;
#endif
}

/* ------------------------------------------------------------------------ */
/* Blocking mode: uv_write returns with everything written. */

#define BW_SIZE (1024 * 1024)

static char bw_data[BW_SIZE];
static int bw_fd;
static size_t bw_read;
static int bw_cb_status = 1;

static void bw_reader(void* arg) {
  char buf[65536];
  ssize_t n;

  (void) arg;
  while (bw_read < BW_SIZE) {
    n = read(bw_fd, buf, sizeof(buf));
    if (n <= 0)
      break;
    bw_read += (size_t) n;
  }
}

static void bw_write_cb(uv_write_t* req, int status) {
  (void) req;
  bw_cb_status = status;
}

TEST(stream_smoke_blocking_writes) {
#ifdef _WIN32
  RETURN_SKIP("Unix stream core");
#else
  uv_thread_t reader;
  uv_write_t req;
  uv_file fds[2];
  uv_pipe_t p;
  uv_loop_t loop;
  uv_buf_t b;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_pipe(fds, 0, UV_NONBLOCK_PIPE));
  bw_fd = fds[0];
  ASSERT_OK(uv_pipe_init(&loop, &p, 0));
  ASSERT_OK(uv_pipe_open(&p, fds[1]));
  ASSERT_OK(uv_stream_set_blocking((uv_stream_t*) &p, 1));
  ASSERT_OK(uv_thread_create(&reader, bw_reader, NULL));

  memset(bw_data, 'b', sizeof(bw_data));
  b = uv_buf_init(bw_data, sizeof(bw_data));
  ASSERT_OK(uv_write(&req, (uv_stream_t*) &p, &b, 1, bw_write_cb));
  /* A megabyte does not fit in a pipe: it went out while we waited. */
  ASSERT_UINT64_EQ(p.write_queue_size, 0);
  ASSERT_EQ(bw_cb_status, 1);  /* still reported from the loop */
  ASSERT_OK(uv_thread_join(&reader));
  ASSERT_UINT64_EQ(bw_read, BW_SIZE);

  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_OK(bw_cb_status);
  ASSERT_OK(uv_stream_set_blocking((uv_stream_t*) &p, 0));

  uv_close((uv_handle_t*) &p, NULL);
  ASSERT_EQ(uv_stream_set_blocking((uv_stream_t*) &p, 1), UV_EBADF);
  ASSERT_OK(close(fds[0]));
  close_loop_and_check(&loop);
  return 0;
#endif
}

/* ------------------------------------------------------------------------ */
/* uv_close cancels connect, writes and shutdown, in that order, before
 * the close callback. */

static char co_log[16];
static int co_len;

static void co_connect_cb(uv_connect_t* req, int status) {
  (void) req;
  ASSERT_EQ(status, UV_ECANCELED);
  co_log[co_len++] = 'c';
}

static void co_write_cb(uv_write_t* req, int status) {
  ASSERT_EQ(status, UV_ECANCELED);
  co_log[co_len++] = (char) (intptr_t) req->data;
}

static void co_shutdown_cb(uv_shutdown_t* req, int status) {
  (void) req;
  ASSERT_EQ(status, UV_ECANCELED);
  co_log[co_len++] = 's';
}

static void co_close_cb(uv_handle_t* h) {
  (void) h;
  co_log[co_len++] = 'x';
}

TEST(stream_smoke_close_cancels_in_order) {
  struct sockaddr_in addr;
  uv_connect_t creq;
  uv_shutdown_t sreq;
  uv_write_t w1;
  uv_write_t w2;
  uv_tcp_t server;
  uv_tcp_t client;
  uv_loop_t loop;
  uv_buf_t b;
  int len;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_ip4_addr("127.0.0.1", 0, &addr));
  ASSERT_OK(uv_tcp_init(&loop, &server));
  ASSERT_OK(uv_tcp_bind(&server, (const struct sockaddr*) &addr, 0));
  len = sizeof(addr);
  ASSERT_OK(uv_tcp_getsockname(&server, (struct sockaddr*) &addr, &len));
  /* Bound but not listening: nothing completes before the close. */

  ASSERT_OK(uv_tcp_init(&loop, &client));
  ASSERT_OK(uv_tcp_connect(&creq, &client, (const struct sockaddr*) &addr,
                           co_connect_cb));
  b = uv_buf_init("data", 4);
  w1.data = (void*) (intptr_t) '1';
  w2.data = (void*) (intptr_t) '2';
  ASSERT_OK(uv_write(&w1, (uv_stream_t*) &client, &b, 1, co_write_cb));
  ASSERT_OK(uv_write(&w2, (uv_stream_t*) &client, &b, 1, co_write_cb));
  ASSERT_UINT64_EQ(client.write_queue_size, 8);
  ASSERT_OK(uv_shutdown(&sreq, (uv_stream_t*) &client, co_shutdown_cb));
  uv_close((uv_handle_t*) &client, co_close_cb);
  ASSERT_EQ(co_len, 0);  /* nothing runs inside uv_close */

  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  co_log[co_len] = '\0';
  ASSERT_STR_EQ(co_log, "c12sx");
  ASSERT_UINT64_EQ(client.write_queue_size, 0);

  uv_close((uv_handle_t*) &server, NULL);
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Writes and a shutdown issued before the connect completes go out after
 * it, in order. */

static uv_tcp_t cs_server;
static uv_tcp_t cs_client;
static uv_tcp_t cs_peer;
static char cs_got[64];
static size_t cs_len;
static char cs_log[8];
static int cs_n;

static void cs_alloc_cb(uv_handle_t* h, size_t size, uv_buf_t* buf) {
  static char slab[64];
  (void) h;
  (void) size;
  *buf = uv_buf_init(slab, sizeof(slab));
}

static void cs_read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  if (nread > 0) {
    ASSERT_UINT64_LE(cs_len + (size_t) nread, sizeof(cs_got));
    memcpy(cs_got + cs_len, buf->base, (size_t) nread);
    cs_len += (size_t) nread;
    return;
  }
  if (nread == 0)
    return;
  ASSERT_EQ(nread, UV_EOF);
  /* EOF leaves the stream readable, as in libuv; reading has stopped. */
  ASSERT_EQ(uv_is_readable(s), 1);
  ASSERT_EQ(uv_is_active((uv_handle_t*) s), 0);
  cs_log[cs_n++] = 'e';
  uv_close((uv_handle_t*) s, NULL);
  uv_close((uv_handle_t*) &cs_client, NULL);
}

static void cs_connection_cb(uv_stream_t* server, int status) {
  ASSERT_OK(status);
  ASSERT_OK(uv_tcp_init(server->loop, &cs_peer));
  ASSERT_OK(uv_accept(server, (uv_stream_t*) &cs_peer));
  ASSERT_OK(uv_read_start((uv_stream_t*) &cs_peer, cs_alloc_cb, cs_read_cb));
  uv_close((uv_handle_t*) server, NULL);
}

static void cs_connect_cb(uv_connect_t* req, int status) {
  (void) req;
  ASSERT_OK(status);
  cs_log[cs_n++] = 'c';
}

static void cs_write_cb(uv_write_t* req, int status) {
  (void) req;
  ASSERT_OK(status);
  cs_log[cs_n++] = 'w';
}

static void cs_shutdown_cb(uv_shutdown_t* req, int status) {
  (void) req;
  ASSERT_OK(status);
  cs_log[cs_n++] = 's';
}

TEST(stream_smoke_write_shutdown_before_connect) {
  struct sockaddr_in addr;
  uv_connect_t creq;
  uv_shutdown_t sreq;
  uv_write_t w1;
  uv_write_t w2;
  uv_loop_t loop;
  uv_buf_t b1;
  uv_buf_t b2;
  int len;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_ip4_addr("127.0.0.1", 0, &addr));
  ASSERT_OK(uv_tcp_init(&loop, &cs_server));
  ASSERT_OK(uv_tcp_bind(&cs_server, (const struct sockaddr*) &addr, 0));
  ASSERT_OK(uv_listen((uv_stream_t*) &cs_server, 1, cs_connection_cb));
  len = sizeof(addr);
  ASSERT_OK(uv_tcp_getsockname(&cs_server, (struct sockaddr*) &addr, &len));

  ASSERT_OK(uv_tcp_init(&loop, &cs_client));
  ASSERT_OK(uv_tcp_connect(&creq, &cs_client, (const struct sockaddr*) &addr,
                           cs_connect_cb));
  b1 = uv_buf_init("hello ", 6);
  b2 = uv_buf_init("world", 5);
  ASSERT_EQ(uv_try_write((uv_stream_t*) &cs_client, &b1, 1), UV_EAGAIN);
  ASSERT_OK(uv_write(&w1, (uv_stream_t*) &cs_client, &b1, 1, cs_write_cb));
  ASSERT_OK(uv_write(&w2, (uv_stream_t*) &cs_client, &b2, 1, cs_write_cb));
  ASSERT_OK(uv_shutdown(&sreq, (uv_stream_t*) &cs_client, cs_shutdown_cb));
  ASSERT_EQ(uv_is_writable((uv_stream_t*) &cs_client), 0);

  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  cs_log[cs_n] = '\0';
  ASSERT_STR_EQ(cs_log, "cwwse");
  ASSERT_UINT64_EQ(cs_len, 11);
  ASSERT_MEM_EQ(cs_got, "hello world", 11);
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* uv_pipe_connect has no return value: a second connect while one is in
 * progress, and a connect on a listening pipe, report through the
 * callback. */

static int pc_status[3];
static int pc_calls;

static void pc_connect_cb(uv_connect_t* req, int status) {
  pc_status[(intptr_t) req->data] = status;
  pc_calls++;
}

static void pc_connection_cb(uv_stream_t* server, int status) {
  uv_pipe_t* peer;

  ASSERT_OK(status);
  peer = server->data;
  ASSERT_OK(uv_pipe_init(server->loop, peer, 0));
  ASSERT_OK(uv_accept(server, (uv_stream_t*) peer));
}

TEST(stream_smoke_pipe_connect_errors_via_callback) {
#ifdef _WIN32
  RETURN_SKIP("Unix stream core");
#else
  uv_connect_t req[3];
  uv_connect_t extra;
  uv_pipe_t server;
  uv_pipe_t client;
  uv_pipe_t peer;
  uv_loop_t loop;

  memset(&peer, 0, sizeof(peer));
  ASSERT_OK(uv_loop_init(&loop));
  unlink(TEST_PIPENAME);
  ASSERT_OK(uv_pipe_init(&loop, &server, 0));
  ASSERT_OK(uv_pipe_bind(&server, TEST_PIPENAME));
  server.data = &peer;
  ASSERT_OK(uv_listen((uv_stream_t*) &server, 4, pc_connection_cb));

  ASSERT_OK(uv_pipe_init(&loop, &client, 0));
  req[0].data = (void*) 0;
  req[1].data = (void*) 1;
  req[2].data = (void*) 2;
  pc_status[0] = pc_status[1] = pc_status[2] = 1;
  uv_pipe_connect(&req[0], &client, TEST_PIPENAME, pc_connect_cb);
  uv_pipe_connect(&req[1], &client, TEST_PIPENAME, pc_connect_cb);
  ASSERT_EQ(uv_pipe_connect2(&extra, &client, TEST_PIPENAME,
                             strlen(TEST_PIPENAME), 0, pc_connect_cb),
            UV_EALREADY);
  /* A listening pipe cannot connect; the error still arrives. */
  uv_pipe_connect(&req[2], &server, TEST_PIPENAME, pc_connect_cb);
  ASSERT_EQ(pc_calls, 0);

  while (pc_calls < 3)
    ASSERT_GE(uv_run(&loop, UV_RUN_ONCE), 0);
  ASSERT_OK(pc_status[0]);
  ASSERT_EQ(pc_status[1], UV_EALREADY);
  ASSERT_LT(pc_status[2], 0);
  /* The listener still works after the failed connect. */
  while (peer.type != UV_NAMED_PIPE)
    ASSERT_GE(uv_run(&loop, UV_RUN_ONCE), 0);

  uv_close((uv_handle_t*) &server, NULL);
  uv_close((uv_handle_t*) &client, NULL);
  uv_close((uv_handle_t*) &peer, NULL);
  close_loop_and_check(&loop);
  ASSERT_EQ(access(TEST_PIPENAME, F_OK), -1);  /* unlinked on close */
  return 0;
#endif
}

/* ------------------------------------------------------------------------ */
/* uv_accept into a handle of the wrong type refuses without losing the
 * pending connection or descriptor. */

static uv_tcp_t wt_server;
static uv_tcp_t wt_client;
static uv_tcp_t wt_tcp;
static uv_pipe_t wt_pipe;
static uv_pipe_t wt_a;
static uv_pipe_t wt_b;
static uv_write_t wt_req;
static int wt_done;

static void wt_connection_cb(uv_stream_t* server, int status) {
  static uv_timer_t not_a_stream;

  ASSERT_OK(status);
  /* Only a stream handle can take a connection. */
  ASSERT_OK(uv_timer_init(server->loop, &not_a_stream));
  ASSERT_EQ(uv_accept(server, (uv_stream_t*) &not_a_stream), UV_EINVAL);
  uv_close((uv_handle_t*) &not_a_stream, NULL);
  /* As in libuv, a TCP connection goes into a uv_pipe_t too. */
  ASSERT_OK(uv_pipe_init(server->loop, &wt_pipe, 0));
  ASSERT_OK(uv_accept(server, (uv_stream_t*) &wt_pipe));
  ASSERT_EQ(uv_accept(server, (uv_stream_t*) &wt_pipe), UV_EAGAIN);
  ASSERT_EQ(uv_is_readable((uv_stream_t*) &wt_pipe), 1);
  ASSERT_EQ(uv_is_writable((uv_stream_t*) &wt_pipe), 1);
  ASSERT_OK(uv_tcp_init(server->loop, &wt_tcp));
  /* Send the accepted connection over the ipc pair. */
  {
    uv_buf_t b = uv_buf_init("h", 1);
    ASSERT_OK(uv_write2(&wt_req, (uv_stream_t*) &wt_a, &b, 1,
                        (uv_stream_t*) &wt_pipe, NULL));
  }
}

static void wt_alloc_cb(uv_handle_t* h, size_t size, uv_buf_t* buf) {
  static char slab[16];
  (void) h;
  (void) size;
  *buf = uv_buf_init(slab, sizeof(slab));
}

static void wt_read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  static uv_pipe_t cross;
  uv_os_fd_t fd;

  (void) buf;
  if (nread <= 0)
    return;
  ASSERT_EQ(uv_pipe_pending_count((uv_pipe_t*) s), 1);
  ASSERT_EQ(uv_pipe_pending_type((uv_pipe_t*) s), UV_TCP);
  /* A received TCP socket goes into a uv_pipe_t as well, as in libuv. */
  ASSERT_OK(uv_pipe_init(s->loop, &cross, 0));
  ASSERT_OK(uv_accept(s, (uv_stream_t*) &cross));
  ASSERT_EQ(uv_pipe_pending_count((uv_pipe_t*) s), 0);
  ASSERT_OK(uv_fileno((uv_handle_t*) &cross, &fd));
  ASSERT_EQ(uv_is_readable((uv_stream_t*) &cross), 1);
  ASSERT_EQ(uv_is_writable((uv_stream_t*) &cross), 1);
  wt_done = 1;
  uv_close((uv_handle_t*) &cross, NULL);
  uv_close((uv_handle_t*) &wt_a, NULL);
  uv_close((uv_handle_t*) &wt_b, NULL);
  uv_close((uv_handle_t*) &wt_pipe, NULL);
  uv_close((uv_handle_t*) &wt_tcp, NULL);
  uv_close((uv_handle_t*) &wt_client, NULL);
  uv_close((uv_handle_t*) &wt_server, NULL);
}

static void wt_connect_cb(uv_connect_t* req, int status) {
  (void) req;
  ASSERT_OK(status);
}

TEST(stream_smoke_accept_cross_type) {
#ifdef _WIN32
  RETURN_SKIP("Unix stream core");
#else
  struct sockaddr_in addr;
  uv_os_sock_t sv[2];
  uv_connect_t creq;
  uv_loop_t loop;
  int len;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_socketpair(SOCK_STREAM, 0, sv, UV_NONBLOCK_PIPE,
                          UV_NONBLOCK_PIPE));
  ASSERT_OK(uv_pipe_init(&loop, &wt_a, 1));
  ASSERT_OK(uv_pipe_open(&wt_a, sv[0]));
  ASSERT_OK(uv_pipe_init(&loop, &wt_b, 1));
  ASSERT_OK(uv_pipe_open(&wt_b, sv[1]));
  ASSERT_OK(uv_read_start((uv_stream_t*) &wt_b, wt_alloc_cb, wt_read_cb));

  ASSERT_OK(uv_ip4_addr("127.0.0.1", 0, &addr));
  ASSERT_OK(uv_tcp_init(&loop, &wt_server));
  ASSERT_OK(uv_tcp_bind(&wt_server, (const struct sockaddr*) &addr, 0));
  ASSERT_OK(uv_listen((uv_stream_t*) &wt_server, 1, wt_connection_cb));
  len = sizeof(addr);
  ASSERT_OK(uv_tcp_getsockname(&wt_server, (struct sockaddr*) &addr, &len));
  ASSERT_OK(uv_tcp_init(&loop, &wt_client));
  ASSERT_OK(uv_tcp_connect(&creq, &wt_client, (const struct sockaddr*) &addr,
                           wt_connect_cb));

  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(wt_done, 1);
  close_loop_and_check(&loop);
  return 0;
#endif
}

/* ------------------------------------------------------------------------ */
/* A read_cb gets the buffer back (nread 0) when alloc_cb stops reading. */

static int rs_reads;

static void rs_alloc_cb(uv_handle_t* h, size_t size, uv_buf_t* buf) {
  static char slab[16];
  (void) size;
  ASSERT_OK(uv_read_stop((uv_stream_t*) h));
  *buf = uv_buf_init(slab, sizeof(slab));
}

static void rs_read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  (void) s;
  ASSERT_EQ(nread, 0);
  ASSERT_NOT_NULL(buf->base);
  rs_reads++;
}

TEST(stream_smoke_read_stop_in_alloc) {
#ifdef _WIN32
  RETURN_SKIP("Unix stream core");
#else
  uv_os_sock_t sv[2];
  uv_pipe_t p;
  uv_loop_t loop;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_socketpair(SOCK_STREAM, 0, sv, UV_NONBLOCK_PIPE, 0));
  ASSERT_OK(uv_pipe_init(&loop, &p, 0));
  ASSERT_OK(uv_pipe_open(&p, sv[0]));
  ASSERT_EQ(write(sv[1], "x", 1), 1);
  ASSERT_OK(uv_read_start((uv_stream_t*) &p, rs_alloc_cb, rs_read_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(rs_reads, 1);
  ASSERT_EQ(uv_is_active((uv_handle_t*) &p), 0);
  uv_close((uv_handle_t*) &p, NULL);
  ASSERT_OK(close(sv[1]));
  close_loop_and_check(&loop);
  return 0;
#endif
}

/* ------------------------------------------------------------------------ */
/* uv_fileno and the socket buffer sizes. */

TEST(stream_smoke_fileno_and_buffer_sizes) {
#ifdef _WIN32
  RETURN_SKIP("Unix stream core");
#else
  struct sockaddr_in addr;
  uv_os_fd_t fd;
  uv_file fds[2];
  uv_timer_t timer;
  uv_poll_t poll;
  uv_pipe_t p;
  uv_tcp_t t;
  uv_loop_t loop;
  int value;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_EQ(uv_fileno(NULL, &fd), UV_EINVAL);

  ASSERT_OK(uv_tcp_init(&loop, &t));
  ASSERT_EQ(uv_fileno((uv_handle_t*) &t, NULL), UV_EINVAL);
  ASSERT_EQ(uv_fileno((uv_handle_t*) &t, &fd), UV_EBADF);
  value = 0;
  ASSERT_EQ(uv_send_buffer_size((uv_handle_t*) &t, &value), UV_EBADF);
  ASSERT_OK(uv_ip4_addr("127.0.0.1", 0, &addr));
  ASSERT_OK(uv_tcp_bind(&t, (const struct sockaddr*) &addr, 0));
  ASSERT_OK(uv_fileno((uv_handle_t*) &t, &fd));
  ASSERT_GT(fd, 2);

  value = 0;
  ASSERT_OK(uv_send_buffer_size((uv_handle_t*) &t, &value));
  ASSERT_GT(value, 0);
  value = 65536;
  ASSERT_OK(uv_recv_buffer_size((uv_handle_t*) &t, &value));
  value = 0;
  ASSERT_OK(uv_recv_buffer_size((uv_handle_t*) &t, &value));
  ASSERT_GE(value, 65536);  /* Linux reports double what was set */
  value = -1;
  ASSERT_EQ(uv_recv_buffer_size((uv_handle_t*) &t, &value), UV_EINVAL);
  ASSERT_EQ(uv_recv_buffer_size((uv_handle_t*) &t, NULL), UV_EINVAL);

  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_EQ(uv_fileno((uv_handle_t*) &timer, &fd), UV_EINVAL);
  value = 0;
  ASSERT_EQ(uv_send_buffer_size((uv_handle_t*) &timer, &value), UV_ENOTSUP);

  /* A real pipe is no socket. */
  ASSERT_OK(uv_pipe(fds, UV_NONBLOCK_PIPE, UV_NONBLOCK_PIPE));
  ASSERT_OK(uv_pipe_init(&loop, &p, 0));
  ASSERT_OK(uv_pipe_open(&p, fds[0]));
  ASSERT_OK(uv_fileno((uv_handle_t*) &p, &fd));
  ASSERT_EQ(fd, fds[0]);
  ASSERT_EQ(uv_send_buffer_size((uv_handle_t*) &p, &value), UV_ENOTSOCK);
  ASSERT_EQ(uv_is_readable((uv_stream_t*) &p), 1);
  ASSERT_EQ(uv_is_writable((uv_stream_t*) &p), 0);

  ASSERT_OK(uv_poll_init(&loop, &poll, fds[1]));
  ASSERT_OK(uv_fileno((uv_handle_t*) &poll, &fd));
  ASSERT_EQ(fd, fds[1]);

  uv_close((uv_handle_t*) &t, NULL);
  uv_close((uv_handle_t*) &p, NULL);
  uv_close((uv_handle_t*) &poll, NULL);
  uv_close((uv_handle_t*) &timer, NULL);
  ASSERT_EQ(uv_fileno((uv_handle_t*) &t, &fd), UV_EBADF);
  ASSERT_EQ(uv_fileno((uv_handle_t*) &p, &fd), UV_EBADF);
  ASSERT_EQ(uv_fileno((uv_handle_t*) &poll, &fd), UV_EBADF);
  close_loop_and_check(&loop);
  ASSERT_OK(close(fds[1]));
  return 0;
#endif
}
