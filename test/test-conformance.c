/* Drop-in conformance: behaviour real libuv programs rely on, each test
 * pinning what libuv 1.52 does where a program can tell (the numbers are
 * the items of the conformance issue). */

#include "test-tcp-util.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

/* 1. Synchronous fs calls need no loop. */
TEST(conf_fs_sync_null_loop) {
  uv_fs_t req;
  int fd;

  fd = uv_fs_open(NULL, &req, "/dev/null", O_RDONLY, 0, NULL);
  ASSERT_GE(fd, 0);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_stat(NULL, &req, "/dev/null", NULL));
  ASSERT_EQ(req.statbuf.st_mode & S_IFMT, (uint64_t) S_IFCHR);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_close(NULL, &req, fd, NULL));
  uv_fs_req_cleanup(&req);
  return 0;
}

/* 2. uv_listen with a NULL callback: the socket listens and connections
 * wait in the backlog. */
TEST(conf_listen_null_cb) {
  struct sockaddr_storage addr;
  uv_loop_t loop;
  uv_tcp_t server;
  int fd;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(st_tcp_listen(&loop, &server, AF_INET, NULL, &addr));
  fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  ASSERT_OK(connect(fd, (struct sockaddr*) &addr, sizeof(struct sockaddr_in)));
  uv_run(&loop, UV_RUN_NOWAIT);
  ASSERT_OK(close(fd));
  uv_close((uv_handle_t*) &server, NULL);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  close_loop_and_check(&loop);
  return 0;
}

/* 3. A bind that hit EADDRINUSE (deferred) makes a later connect fail
 * with it instead of connecting from another port. */
static int deferred_connect_calls;
static int deferred_connections;

static void deferred_connect_cb(uv_connect_t* req, int status) {
  ASSERT_EQ(status, UV_EADDRINUSE);
  deferred_connect_calls++;
  uv_close((uv_handle_t*) req->handle, NULL);
}

static void deferred_connection_cb(uv_stream_t* server, int status) {
  (void) server;
  (void) status;
  deferred_connections++;
}

TEST(conf_tcp_deferred_bind_error) {
  struct sockaddr_storage addr;
  struct sockaddr_storage name;
  uv_connect_t req;
  uv_loop_t loop;
  uv_tcp_t server;
  uv_tcp_t dup;
  int namelen;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(st_tcp_listen(&loop, &server, AF_INET, deferred_connection_cb,
                          &addr));
  ASSERT_OK(uv_tcp_init(&loop, &dup));
  ASSERT_OK(uv_tcp_bind(&dup, (const struct sockaddr*) &addr, 0));
  namelen = (int) sizeof(name);
  ASSERT_EQ(uv_tcp_getsockname(&dup, (struct sockaddr*) &name, &namelen),
            UV_EADDRINUSE);
  ASSERT_OK(uv_tcp_connect(&req, &dup, (const struct sockaddr*) &addr,
                           deferred_connect_cb));
  uv_run(&loop, UV_RUN_ONCE);
  ASSERT_EQ(deferred_connect_calls, 1);
  /* Let a connection that should not exist arrive, if it were made. */
  uv_run(&loop, UV_RUN_NOWAIT);
  ASSERT_EQ(deferred_connections, 0);
  uv_close((uv_handle_t*) &server, NULL);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  close_loop_and_check(&loop);
  return 0;
}

/* 4. Argument errors before state errors. */
TEST(conf_write_args_before_state) {
  uv_write_t req;
  uv_loop_t loop;
  uv_tcp_t tcp;
  uv_buf_t buf;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_tcp_init(&loop, &tcp));
  buf = uv_buf_init((char*) "x", 1);
  ASSERT_EQ(uv_write(&req, (uv_stream_t*) &tcp, &buf, 0, NULL), UV_EINVAL);
  ASSERT_EQ(uv_write(&req, (uv_stream_t*) &tcp, &buf, UINT_MAX, NULL),
            UV_EINVAL);
  ASSERT_EQ(uv_try_write((uv_stream_t*) &tcp, &buf, 0), UV_EINVAL);
  ASSERT_EQ(uv_try_write((uv_stream_t*) &tcp, &buf, UINT_MAX), UV_EINVAL);
  /* Good arguments on an unconnected handle: the state error. */
  ASSERT_EQ(uv_write(&req, (uv_stream_t*) &tcp, &buf, 1, NULL), UV_EBADF);
  uv_close((uv_handle_t*) &tcp, NULL);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  close_loop_and_check(&loop);
  return 0;
}

/* 5. Two poll handles on one descriptor: the second start is refused. */
static void poll_noop_cb(uv_poll_t* h, int status, int events) {
  (void) h;
  (void) status;
  (void) events;
}

TEST(conf_poll_two_handles_eexist) {
  uv_os_sock_t sv[2];
  uv_poll_t a;
  uv_poll_t b;
  uv_loop_t loop;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_socketpair(SOCK_STREAM, 0, sv, 0, 0));
  ASSERT_OK(uv_poll_init(&loop, &a, sv[0]));
  ASSERT_OK(uv_poll_init(&loop, &b, sv[0]));
  ASSERT_OK(uv_poll_start(&a, UV_READABLE, poll_noop_cb));
  ASSERT_EQ(uv_poll_start(&b, UV_READABLE, poll_noop_cb), UV_EEXIST);
  /* Restarting the first is fine; once it stops the second may start. */
  ASSERT_OK(uv_poll_start(&a, UV_WRITABLE, poll_noop_cb));
  ASSERT_OK(uv_poll_stop(&a));
  ASSERT_OK(uv_poll_start(&b, UV_READABLE, poll_noop_cb));
  uv_close((uv_handle_t*) &a, NULL);
  uv_close((uv_handle_t*) &b, NULL);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_OK(close(sv[0]));
  ASSERT_OK(close(sv[1]));
  close_loop_and_check(&loop);
  return 0;
}

/* 6. A Unix-socket connection accepted into a uv_tcp_t works and carries
 * data. */
static uv_tcp_t cross_conn;
static int cross_read;

static void cross_alloc_cb(uv_handle_t* h, size_t size, uv_buf_t* buf) {
  static char slab[64];
  (void) h;
  (void) size;
  *buf = uv_buf_init(slab, sizeof(slab));
}

static void cross_read_cb(uv_stream_t* s, ssize_t nread,
                          const uv_buf_t* buf) {
  if (nread <= 0)
    return;
  ASSERT_EQ(nread, 5);
  ASSERT_MEM_EQ(buf->base, "hello", 5);
  cross_read = 1;
  uv_close((uv_handle_t*) s, NULL);
}

static void cross_connection_cb(uv_stream_t* server, int status) {
  ASSERT_OK(status);
  ASSERT_OK(uv_tcp_init(server->loop, &cross_conn));
  ASSERT_OK(uv_accept(server, (uv_stream_t*) &cross_conn));
  ASSERT_OK(uv_read_start((uv_stream_t*) &cross_conn, cross_alloc_cb,
                          cross_read_cb));
  uv_close((uv_handle_t*) server, NULL);
}

static void cross_write_cb(uv_write_t* req, int status) {
  ASSERT_OK(status);
  uv_close((uv_handle_t*) req->handle, NULL);
}

static void cross_connect_cb(uv_connect_t* req, int status) {
  static uv_write_t wreq;
  uv_buf_t buf;

  ASSERT_OK(status);
  buf = uv_buf_init((char*) "hello", 5);
  ASSERT_OK(uv_write(&wreq, req->handle, &buf, 1, cross_write_cb));
}

TEST(conf_accept_unix_into_tcp) {
  uv_connect_t req;
  uv_pipe_t server;
  uv_pipe_t client;
  uv_loop_t loop;

  unlink(TEST_PIPENAME);
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_pipe_init(&loop, &server, 0));
  ASSERT_OK(uv_pipe_bind(&server, TEST_PIPENAME));
  ASSERT_OK(uv_listen((uv_stream_t*) &server, 4, cross_connection_cb));
  ASSERT_OK(uv_pipe_init(&loop, &client, 0));
  uv_pipe_connect(&req, &client, TEST_PIPENAME, cross_connect_cb);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(cross_read, 1);
  close_loop_and_check(&loop);
  return 0;
}

/* 8. The header announces real directory entry types where readdir()
 * reports them, and they are real. */
TEST(conf_dirent_types) {
#if defined(__linux__) && !defined(HAVE_DIRENT_TYPES)
# error "uv.h must define HAVE_DIRENT_TYPES on Linux, as libuv's does"
#endif
#if defined(HAVE_DIRENT_TYPES)
  uv_dirent_t ent;
  uv_fs_t req;
  int seen;

  ASSERT_EQ(UV__DT_DIR, DT_DIR);
  ASSERT_EQ(UV__DT_FILE, DT_REG);
  ASSERT_GT(uv_fs_scandir(NULL, &req, "/", 0, NULL), 0);
  seen = 0;
  while (uv_fs_scandir_next(&req, &ent) == 0)
    if (strcmp(ent.name, "dev") == 0) {
      ASSERT_EQ(ent.type, UV_DIRENT_DIR);
      seen = 1;
    }
  ASSERT_EQ(seen, 1);
  uv_fs_req_cleanup(&req);
#endif
  return 0;
}

/* 14. A stream on a regular file (stdin redirected from a file, opened
 * with uv_pipe_open): it reads the file to EOF and writes to it, treated
 * as always ready, never hanging (libuv aborts). */
enum { RF_SIZE = 300000 };
static char rf_data[RF_SIZE];
static char rf_back[RF_SIZE];
static size_t rf_got;
static int rf_eof;
static int rf_written;

static void rf_alloc_cb(uv_handle_t* h, size_t size, uv_buf_t* buf) {
  static char slab[8192];
  (void) h;
  (void) size;
  *buf = uv_buf_init(slab, sizeof(slab));
}

static void rf_read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  if (nread == UV_EOF) {
    rf_eof++;
    uv_close((uv_handle_t*) s, NULL);
    return;
  }
  ASSERT_GE(nread, 0);
  ASSERT_LE(rf_got + (size_t) nread, sizeof(rf_back));
  memcpy(rf_back + rf_got, buf->base, (size_t) nread);
  rf_got += (size_t) nread;
}

static void rf_write_cb(uv_write_t* req, int status) {
  ASSERT_OK(status);
  rf_written = 1;
  uv_close((uv_handle_t*) req->handle, NULL);
}

static void rf_tick_cb(uv_timer_t* t) {
  /* The loop keeps turning while the file is read: timers still run. */
  uv_close((uv_handle_t*) t, NULL);
}

TEST(conf_stream_on_regular_file) {
  char path[] = "conf-regular-file";
  uv_write_t wreq;
  uv_timer_t tick;
  uv_pipe_t p;
  uv_loop_t loop;
  uv_buf_t buf;
  int fd;
  int i;

  for (i = 0; i < RF_SIZE; i++)
    rf_data[i] = (char) ('a' + (i * 7) % 26);
  ASSERT_OK(uv_loop_init(&loop));

  /* Writing. */
  unlink(path);
  fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_OK(uv_pipe_init(&loop, &p, 0));
  ASSERT_OK(uv_pipe_open(&p, fd));
  ASSERT_EQ(uv_is_writable((uv_stream_t*) &p), 1);
  buf = uv_buf_init(rf_data, RF_SIZE);
  ASSERT_OK(uv_write(&wreq, (uv_stream_t*) &p, &buf, 1, rf_write_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(rf_written, 1);

  /* Reading it back to EOF. */
  fd = open(path, O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_OK(uv_pipe_init(&loop, &p, 0));
  ASSERT_OK(uv_pipe_open(&p, fd));
  ASSERT_OK(uv_read_start((uv_stream_t*) &p, rf_alloc_cb, rf_read_cb));
  ASSERT_OK(uv_timer_init(&loop, &tick));
  ASSERT_OK(uv_timer_start(&tick, rf_tick_cb, 0, 0));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(rf_eof, 1);
  ASSERT_EQ(rf_got, (size_t) RF_SIZE);
  ASSERT_MEM_EQ(rf_back, rf_data, RF_SIZE);
  ASSERT_OK(unlink(path));
  close_loop_and_check(&loop);
  return 0;
}

/* 15. Members programs read directly, with libuv's names and meanings. */
static void members_timer_cb(uv_timer_t* t) {
  uv_stop(t->loop);
  ASSERT_EQ(t->loop->stop_flag, 1);
}

static void members_work_cb(uv_work_t* req) {
  (void) req;
}

static void members_after_cb(uv_work_t* req, int status) {
  ASSERT_OK(status);
  /* Unregistered before the callback, as in libuv. */
  ASSERT_EQ(req->loop->active_reqs.count, 0);
}

static void members_fs_cb(uv_fs_t* req) {
  ASSERT_EQ(req->result, 8);
  uv_fs_req_cleanup(req);
}

TEST(conf_public_members) {
  struct sockaddr_in addr;
  uv_os_fd_t fd;
  uv_os_sock_t sv[2];
  uv_work_t work;
  uv_timer_t timer;
  uv_tcp_t tcp;
  uv_udp_t udp;
  uv_poll_t poll;
  uv_pipe_t pipe;
  uv_loop_t loop;
  uv_fs_t req;
  uv_buf_t bufs[2];
  char a[4];
  char b[4];
  int file;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_EQ(loop.active_handles, 0);
  ASSERT_EQ(loop.active_reqs.count, 0);
  ASSERT_EQ(loop.stop_flag, 0);

  /* Handles: flags carries libuv's state bits (closing 0x1, active 0x4,
   * referenced 0x8); u is there, reserved. */
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_EQ(sizeof(timer.u), 4 * sizeof(void*));
  ASSERT_NE(timer.flags & 0x8, 0);
  ASSERT_EQ(timer.flags & 0x4, 0);
  ASSERT_OK(uv_timer_start(&timer, members_timer_cb, 0, 0));
  ASSERT_NE(timer.flags & 0x4, 0);
  ASSERT_EQ(loop.active_handles, 1);
  uv_unref((uv_handle_t*) &timer);
  ASSERT_EQ(timer.flags & 0x8, 0);
  ASSERT_EQ(loop.active_handles, 0);
  uv_ref((uv_handle_t*) &timer);

  ASSERT_OK(uv_queue_work(&loop, &work, members_work_cb, members_after_cb));
  ASSERT_EQ(loop.active_reqs.count, 1);
  /* uv_stop in the timer callback: stop_flag is 1 there, and uv_run
   * clears it on the way out. */
  uv_run(&loop, UV_RUN_DEFAULT);
  ASSERT_EQ(loop.stop_flag, 0);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(loop.active_reqs.count, 0);
  uv_close((uv_handle_t*) &timer, NULL);
  ASSERT_NE(timer.flags & 0x1, 0);

  /* io_watcher.fd of streams, UDP and poll handles is their descriptor. */
  ASSERT_OK(uv_tcp_init(&loop, &tcp));
  ASSERT_EQ(tcp.io_watcher.fd, -1);
  ASSERT_OK(uv_ip4_addr("127.0.0.1", 0, &addr));
  ASSERT_OK(uv_tcp_bind(&tcp, (const struct sockaddr*) &addr, 0));
  ASSERT_OK(uv_fileno((uv_handle_t*) &tcp, &fd));
  ASSERT_EQ(tcp.io_watcher.fd, fd);
  ASSERT_OK(uv_udp_init(&loop, &udp));
  ASSERT_OK(uv_udp_bind(&udp, (const struct sockaddr*) &addr, 0));
  ASSERT_OK(uv_fileno((uv_handle_t*) &udp, &fd));
  ASSERT_EQ(udp.io_watcher.fd, fd);
  ASSERT_OK(uv_socketpair(SOCK_STREAM, 0, sv, 0, 0));
  ASSERT_OK(uv_poll_init(&loop, &poll, sv[0]));
  ASSERT_EQ(poll.io_watcher.fd, sv[0]);

  /* pipe_fname: the path a pipe is bound to. */
  unlink(TEST_PIPENAME);
  ASSERT_OK(uv_pipe_init(&loop, &pipe, 0));
  ASSERT_NULL(pipe.pipe_fname);
  ASSERT_OK(uv_pipe_bind(&pipe, TEST_PIPENAME));
  ASSERT_NOT_NULL(pipe.pipe_fname);
  ASSERT_STR_EQ(pipe.pipe_fname, TEST_PIPENAME);

  /* uv_fs_t: new_path, and the buffers of a request in flight. */
  unlink("conf-members-a");
  unlink("conf-members-b");
  file = uv_fs_open(NULL, &req, "conf-members-a", O_CREAT | O_RDWR, 0600,
                    NULL);
  ASSERT_GE(file, 0);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_rename(NULL, &req, "conf-members-a", "conf-members-b",
                         NULL));
  ASSERT_STR_EQ(req.path, "conf-members-a");
  ASSERT_STR_EQ(req.new_path, "conf-members-b");
  uv_fs_req_cleanup(&req);
  bufs[0] = uv_buf_init(a, sizeof(a));
  bufs[1] = uv_buf_init(b, sizeof(b));
  memcpy(a, "abcd", 4);
  memcpy(b, "efgh", 4);
  ASSERT_OK(uv_fs_write(&loop, &req, file, bufs, 2, 0, members_fs_cb));
  ASSERT_EQ(req.nbufs, 2);
  ASSERT_PTR_EQ(req.bufs[0].base, a);
  ASSERT_PTR_EQ(req.bufs[1].base, b);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_OK(close(file));
  ASSERT_OK(unlink("conf-members-b"));

  uv_close((uv_handle_t*) &tcp, NULL);
  uv_close((uv_handle_t*) &udp, NULL);
  uv_close((uv_handle_t*) &poll, NULL);
  uv_close((uv_handle_t*) &pipe, NULL);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_OK(close(sv[0]));
  ASSERT_OK(close(sv[1]));
  close_loop_and_check(&loop);
  return 0;
}

/* 10. Each completed thread-pool request counts as an event in the loop
 * metrics, as in libuv, however many arrive with one wake-up. */
static uv_sem_t metrics_sem;

static void metrics_work_cb(uv_work_t* req) {
  (void) req;
  uv_sem_post(&metrics_sem);
}

static void metrics_after_cb(uv_work_t* req, int status) {
  (void) req;
  ASSERT_OK(status);
}

TEST(conf_metrics_pool_events) {
  uv_work_t reqs[10];
  uv_metrics_t m;
  uv_loop_t loop;
  int i;

  ASSERT_OK(uv_sem_init(&metrics_sem, 0));
  ASSERT_OK(uv_loop_init(&loop));
  for (i = 0; i < 10; i++)
    ASSERT_OK(uv_queue_work(&loop, &reqs[i], metrics_work_cb,
                            metrics_after_cb));
  /* Let them all finish first, so they reach the loop together. */
  for (i = 0; i < 10; i++)
    uv_sem_wait(&metrics_sem);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_OK(uv_metrics_info(&loop, &m));
  ASSERT_EQ(m.events, 10);
  uv_sem_destroy(&metrics_sem);
  close_loop_and_check(&loop);
  return 0;
}
