/* Pipe handle tests: echo over a Unix domain socket (path and, on Linux,
 * abstract name), bind/connect argument checking, socket names,
 * uv_pipe(), uv_pipe_open() on pipe descriptors, uv_pipe_chmod(), exact
 * write_queue_size accounting on a socketpair, and writes to a reader that
 * went away. */

#include "test-tcp-util.h"

#include <ctype.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/un.h>

static size_t sun_path_size(void) {
  struct sockaddr_un sun;
  return sizeof(sun.sun_path);
}

/* ------------------------------------------------------------------------ */
/* Echo over a Unix domain socket */

static uv_pipe_t pe_server;

static void pe_client_done(st_echo_client_t* c) {
  (void) c;
  uv_close((uv_handle_t*) &pe_server, NULL);
}

TEST(pipe_echo_unix) {
  st_echo_client_t client;
  struct stat st;
  uv_loop_t loop;
  char name[256];
  size_t len;

  unlink(TEST_PIPENAME);
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_pipe_init(&loop, &pe_server, 0));
  ASSERT_EQ(pe_server.ipc, 0);
  ASSERT_OK(uv_pipe_bind(&pe_server, TEST_PIPENAME));
  ASSERT_OK(stat(TEST_PIPENAME, &st));
  ASSERT(S_ISSOCK(st.st_mode));
  ASSERT_OK(uv_listen((uv_stream_t*) &pe_server, 16, st_echo_connection_cb));

  len = sizeof(name);
  ASSERT_OK(uv_pipe_getsockname(&pe_server, name, &len));
  ASSERT_UINT64_EQ(len, strlen(TEST_PIPENAME));
  ASSERT_STR_EQ(name, TEST_PIPENAME);

  memset(&client, 0, sizeof(client));
  st_client_init_data(&client, 4242);
  client.done = pe_client_done;
  ASSERT_OK(uv_pipe_init(&loop, &client.h.pipe, 0));
  uv_pipe_connect(&client.connect_req, &client.h.pipe, TEST_PIPENAME,
                  st_client_connect_cb);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));

  st_client_check_done(&client);
  ASSERT_EQ(st_echo_accepted, 1);
  ASSERT_EQ(st_echo_closed, 1);
  ASSERT_UINT64_EQ(st_echo_bytes, st_client_script_len());
  /* Closing the server removed the socket file it created. */
  ASSERT_EQ(stat(TEST_PIPENAME, &st), -1);
  ASSERT_EQ(errno, ENOENT);
  close_loop_and_check(&loop);
  return 0;
}

/* Names as seen from the connected ends. */
static uv_pipe_t pn_server;
static uv_pipe_t pn_accepted;
static uv_pipe_t pn_client;
static uv_connect_t pn_req;
static int pn_done;

static void pn_check(void) {
  char buf[256];
  size_t len;

  if (++pn_done < 2)
    return;
  /* The connecting end is unnamed, its peer is the server's name. */
  len = sizeof(buf);
  ASSERT_OK(uv_pipe_getpeername(&pn_client, buf, &len));
  ASSERT_STR_EQ(buf, TEST_PIPENAME);
  ASSERT_UINT64_EQ(len, strlen(TEST_PIPENAME));
  len = sizeof(buf);
  ASSERT_OK(uv_pipe_getsockname(&pn_client, buf, &len));
  ASSERT_UINT64_EQ(len, 0);
  len = sizeof(buf);
  ASSERT_OK(uv_pipe_getsockname(&pn_accepted, buf, &len));
  ASSERT_STR_EQ(buf, TEST_PIPENAME);
  {
    uv_os_fd_t fd;
    ASSERT_OK(uv_fileno((uv_handle_t*) &pn_accepted, &fd));
    ASSERT(st_fd_is_cloexec(fd));
    ASSERT(st_fd_is_nonblocking(fd));
  }
  ASSERT(uv_is_readable((uv_stream_t*) &pn_client));
  ASSERT(uv_is_writable((uv_stream_t*) &pn_client));
  uv_close((uv_handle_t*) &pn_server, NULL);
  uv_close((uv_handle_t*) &pn_accepted, NULL);
  uv_close((uv_handle_t*) &pn_client, NULL);
}

static void pn_connection_cb(uv_stream_t* server, int status) {
  ASSERT_OK(status);
  ASSERT_OK(uv_pipe_init(server->loop, &pn_accepted, 0));
  ASSERT_OK(uv_accept(server, (uv_stream_t*) &pn_accepted));
  pn_check();
}

static void pn_connect_cb(uv_connect_t* req, int status) {
  ASSERT_OK(status);
  ASSERT_PTR_EQ(req, &pn_req);
  pn_check();
}

TEST(pipe_peer_names) {
  uv_loop_t loop;
  char buf[8];
  size_t len;

  unlink(TEST_PIPENAME);
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_pipe_init(&loop, &pn_server, 0));
  /* No socket yet. */
  len = sizeof(buf);
  ASSERT_EQ(uv_pipe_getsockname(&pn_server, buf, &len), UV_EBADF);
  ASSERT_UINT64_EQ(len, 0);
  ASSERT_OK(uv_pipe_bind(&pn_server, TEST_PIPENAME));
  len = sizeof(buf);
  ASSERT_EQ(uv_pipe_getpeername(&pn_server, buf, &len), UV_ENOTCONN);
  ASSERT_OK(uv_listen((uv_stream_t*) &pn_server, 4, pn_connection_cb));
  ASSERT_OK(uv_pipe_init(&loop, &pn_client, 0));
  uv_pipe_connect(&pn_req, &pn_client, TEST_PIPENAME, pn_connect_cb);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(pn_done, 2);
  close_loop_and_check(&loop);
  return 0;
}

/* Linux abstract socket names (no file system entry). */
TEST(pipe_echo_abstract) {
#if !defined(__linux__)
  RETURN_SKIP("abstract socket names are Linux-only");
#elif !STREAMTEST_HAVE_PIPE_BIND2
  RETURN_SKIP("uv_pipe_bind2 needs libuv >= 1.46");
#else
  st_echo_client_t client;
  uv_loop_t loop;
  char name[64];
  char got[64];
  size_t namelen;
  size_t len;

  name[0] = '\0';
  snprintf(name + 1, sizeof(name) - 1, "uvcore-test-abstract-%ld",
           (long) getpid());
  namelen = 1 + strlen(name + 1);

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_pipe_init(&loop, &pe_server, 0));
  ASSERT_OK(uv_pipe_bind2(&pe_server, name, namelen, 0));
  ASSERT_OK(uv_listen((uv_stream_t*) &pe_server, 16, st_echo_connection_cb));
  len = sizeof(got);
  ASSERT_OK(uv_pipe_getsockname(&pe_server, got, &len));
  ASSERT_UINT64_EQ(len, namelen);
  ASSERT_MEM_EQ(got, name, namelen);
  /* An abstract name is returned without a terminator, so a buffer of
   * exactly its length is enough; one byte less is too small, and the size
   * needed comes back. */
  len = namelen;
  memset(got, '#', sizeof(got));
  ASSERT_OK(uv_pipe_getsockname(&pe_server, got, &len));
  ASSERT_UINT64_EQ(len, namelen);
  ASSERT_MEM_EQ(got, name, namelen);
  ASSERT_EQ(got[namelen], '#');
  len = namelen - 1;
  ASSERT_EQ(uv_pipe_getsockname(&pe_server, got, &len), UV_ENOBUFS);
  ASSERT_UINT64_EQ(len, namelen);

  memset(&client, 0, sizeof(client));
  st_client_init_data(&client, 31337);
  client.done = pe_client_done;
  ASSERT_OK(uv_pipe_init(&loop, &client.h.pipe, 0));
  ASSERT_OK(uv_pipe_connect2(&client.connect_req, &client.h.pipe, name,
                             namelen, 0, st_client_connect_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  st_client_check_done(&client);
  ASSERT_EQ(st_echo_accepted, 1);
  close_loop_and_check(&loop);
  return 0;
#endif
}

/* ------------------------------------------------------------------------ */
/* Argument checking of bind, connect and listen */

static int pbe_connect_status = 1;

static void pbe_connect_cb(uv_connect_t* req, int status) {
  pbe_connect_status = status;
  uv_close((uv_handle_t*) req->handle, NULL);
}

static int connect_status(uv_loop_t* loop, const char* name) {
  uv_connect_t req;
  uv_pipe_t p;

  pbe_connect_status = 1;
  ASSERT_OK(uv_pipe_init(loop, &p, 0));
  uv_pipe_connect(&req, &p, name, pbe_connect_cb);
  ASSERT_EQ(pbe_connect_status, 1);  /* never synchronous */
  ASSERT_OK(uv_run(loop, UV_RUN_DEFAULT));
  ASSERT_NE(pbe_connect_status, 1);
  return pbe_connect_status;
}

TEST(pipe_bind_connect_errors) {
  char path[512];
  char longname[300];
  uv_pipe_t p;
  uv_pipe_t p2;
  uv_pipe_t ipc;
  uv_loop_t loop;
  FILE* f;

  unlink(TEST_PIPENAME);
  ASSERT_OK(uv_loop_init(&loop));

  /* Listening needs a bound socket, and not an IPC pipe. */
  ASSERT_OK(uv_pipe_init(&loop, &p, 0));
  ASSERT_EQ(uv_listen((uv_stream_t*) &p, 4, st_echo_connection_cb),
            UV_EINVAL);
  ASSERT_OK(uv_pipe_init(&loop, &ipc, 1));
  ASSERT_EQ(ipc.ipc, 1);
  ASSERT_OK(uv_pipe_bind(&ipc, TEST_PIPENAME_2));
  ASSERT_EQ(uv_listen((uv_stream_t*) &ipc, 4, st_echo_connection_cb),
            UV_EINVAL);
  uv_close((uv_handle_t*) &ipc, NULL);

  /* A directory that does not exist reads as "access denied" (libuv maps
   * ENOENT to EACCES here, for Windows' sake). */
  ASSERT_EQ(uv_pipe_bind(&p, "/nonexistent-uvcore-dir/sock"), UV_EACCES);

  /* Bound once; a second bind, and a second socket on the same name. */
  ASSERT_OK(uv_pipe_bind(&p, TEST_PIPENAME));
  ASSERT_EQ(uv_pipe_bind(&p, TEST_PIPENAME), UV_EINVAL);
  ASSERT_OK(uv_pipe_init(&loop, &p2, 0));
  ASSERT_EQ(uv_pipe_bind(&p2, TEST_PIPENAME), UV_EADDRINUSE);
  uv_close((uv_handle_t*) &p2, NULL);

  /* Connecting to a name that is bound but not listening. */
  ASSERT_EQ(connect_status(&loop, TEST_PIPENAME), UV_ECONNREFUSED);
  uv_close((uv_handle_t*) &p, NULL);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  /* ... to a name that does not exist ... */
  ASSERT_EQ(connect_status(&loop, TEST_PIPENAME), UV_ENOENT);
  /* ... and to a file that is not a socket. */
  snprintf(path, sizeof(path), "%s.file", TEST_PIPENAME);
  f = fopen(path, "w");
  ASSERT_NOT_NULL(f);
  ASSERT_OK(fclose(f));
  ASSERT_EQ(connect_status(&loop, path), UV_ECONNREFUSED);
  ASSERT_OK(unlink(path));

#if STREAMTEST_HAVE_PIPE_BIND2
  memset(longname, 'x', sizeof(longname));
  memcpy(longname, "/tmp/", 5);
  longname[sizeof(longname) - 1] = '\0';
  ASSERT_OK(uv_pipe_init(&loop, &p, 0));
  ASSERT_EQ(uv_pipe_bind2(&p, TEST_PIPENAME, strlen(TEST_PIPENAME), 2),
            UV_EINVAL);
  ASSERT_EQ(uv_pipe_bind2(&p, NULL, 5, 0), UV_EINVAL);
#if !defined(__linux__)
  /* (On Linux an empty name autobinds: test pipe_bind_autobind.) */
  ASSERT_EQ(uv_pipe_bind2(&p, TEST_PIPENAME, 0, 0), UV_EINVAL);
  ASSERT_EQ(uv_pipe_bind(&p, ""), UV_EINVAL);
#endif
  ASSERT_EQ(uv_pipe_bind2(&p, "/tmp/a\0b", 8, 0), UV_EINVAL);
  ASSERT_EQ(uv_pipe_bind2(&p, longname, strlen(longname),
                          UV_PIPE_NO_TRUNCATE), UV_EINVAL);
  ASSERT_EQ(uv_pipe_bind2(&p, longname, sun_path_size() + 1,
                          UV_PIPE_NO_TRUNCATE), UV_EINVAL);
  {
    uv_connect_t req;
    ASSERT_EQ(uv_pipe_connect2(&req, &p, longname, strlen(longname),
                               UV_PIPE_NO_TRUNCATE, pbe_connect_cb),
              UV_EINVAL);
    ASSERT_EQ(uv_pipe_connect2(&req, &p, TEST_PIPENAME,
                               strlen(TEST_PIPENAME), 4, pbe_connect_cb),
              UV_EINVAL);
  }
  /* None of the refused calls created a socket. */
  {
    uv_os_fd_t fd;
    ASSERT_EQ(uv_fileno((uv_handle_t*) &p, &fd), UV_EBADF);
  }
  uv_close((uv_handle_t*) &p, NULL);
#else
  (void) longname;
  (void) sun_path_size;
#endif
  close_loop_and_check(&loop);
  return 0;
}

/* Without UV_PIPE_NO_TRUNCATE a long path is cut to what sockaddr_un can
 * hold (the documented behaviour); the socket appears under the cut
 * name. */
TEST(pipe_bind_truncates_long_path) {
  char longname[300];
  char cut[300];
  struct stat st;
  uv_pipe_t p;
  uv_loop_t loop;
  size_t n;
  int found;

  n = (size_t) snprintf(longname, sizeof(longname), "%s-long-", TEST_PIPENAME);
  while (n < 200)
    longname[n++] = 'y';
  longname[n] = '\0';

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_pipe_init(&loop, &p, 0));
  ASSERT_OK(uv_pipe_bind(&p, longname));
  /* libuv 1.44 keeps room for a terminating NUL, later versions use the
   * whole sun_path. */
  found = 0;
  for (n = sun_path_size() - 1; n <= sun_path_size(); n++) {
    memcpy(cut, longname, n);
    cut[n] = '\0';
    if (stat(cut, &st) == 0 && S_ISSOCK(st.st_mode)) {
      found++;
      unlink(cut);
    }
  }
  ASSERT_EQ(found, 1);
  uv_close((uv_handle_t*) &p, NULL);
  close_loop_and_check(&loop);
  return 0;
}

TEST(pipe_getsockname_enobufs) {
  uv_pipe_t p;
  uv_loop_t loop;
  char buf[256];
  size_t need;
  size_t len;

  unlink(TEST_PIPENAME);
  need = strlen(TEST_PIPENAME);
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_pipe_init(&loop, &p, 0));
  ASSERT_OK(uv_pipe_bind(&p, TEST_PIPENAME));

  /* A NULL buffer is an argument error, as in libuv; an empty one is too
   * small. */
  len = 0;
  ASSERT_EQ(uv_pipe_getsockname(&p, NULL, &len), UV_EINVAL);
  ASSERT_EQ(uv_pipe_getpeername(&p, NULL, &len), UV_EINVAL);
  len = 0;
  ASSERT_EQ(uv_pipe_getsockname(&p, buf, &len), UV_ENOBUFS);
  ASSERT_UINT64_EQ(len, need + 1);
  /* Room for the name but not its terminator is still too small. */
  len = need;
  memset(buf, '#', sizeof(buf));
  ASSERT_EQ(uv_pipe_getsockname(&p, buf, &len), UV_ENOBUFS);
  ASSERT_UINT64_EQ(len, need + 1);
  len = need + 1;
  ASSERT_OK(uv_pipe_getsockname(&p, buf, &len));
  ASSERT_UINT64_EQ(len, need);
  ASSERT_EQ(buf[need], '\0');
  ASSERT_MEM_EQ(buf, TEST_PIPENAME, need);

  uv_close((uv_handle_t*) &p, NULL);
  close_loop_and_check(&loop);
  return 0;
}

TEST(pipe_chmod) {
  struct stat st;
  uv_pipe_t p;
  uv_pipe_t unbound;
  uv_loop_t loop;

  unlink(TEST_PIPENAME);
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_pipe_init(&loop, &unbound, 0));
  ASSERT_EQ(uv_pipe_chmod(&unbound, UV_READABLE), UV_EBADF);
  uv_close((uv_handle_t*) &unbound, NULL);

  ASSERT_OK(uv_pipe_init(&loop, &p, 0));
  ASSERT_OK(uv_pipe_bind(&p, TEST_PIPENAME));
  ASSERT_OK(chmod(TEST_PIPENAME, 0600));

  ASSERT_EQ(uv_pipe_chmod(&p, 0), UV_EINVAL);
  ASSERT_EQ(uv_pipe_chmod(&p, 0x100), UV_EINVAL);

  ASSERT_OK(uv_pipe_chmod(&p, UV_READABLE));
  ASSERT_OK(stat(TEST_PIPENAME, &st));
  ASSERT_EQ(st.st_mode & 0777, 0644);
  ASSERT_OK(uv_pipe_chmod(&p, UV_WRITABLE));
  ASSERT_OK(stat(TEST_PIPENAME, &st));
  ASSERT_EQ(st.st_mode & 0777, 0666);

  ASSERT_OK(chmod(TEST_PIPENAME, 0600));
  ASSERT_OK(uv_pipe_chmod(&p, UV_READABLE | UV_WRITABLE));
  ASSERT_OK(stat(TEST_PIPENAME, &st));
  ASSERT_EQ(st.st_mode & 0777, 0666);

  uv_close((uv_handle_t*) &p, NULL);
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* uv_pipe() and uv_pipe_open() */

TEST(pipe_uv_pipe_flags) {
  static const int combos[4][2] = {
    { 0, 0 },
    { UV_NONBLOCK_PIPE, 0 },
    { 0, UV_NONBLOCK_PIPE },
    { UV_NONBLOCK_PIPE, UV_NONBLOCK_PIPE }
  };
  uv_file fds[2];
  char c;
  int i;

  for (i = 0; i < 4; i++) {
    ASSERT_OK(uv_pipe(fds, combos[i][0], combos[i][1]));
    ASSERT_EQ(st_fd_is_nonblocking(fds[0]), combos[i][0] != 0);
    ASSERT_EQ(st_fd_is_nonblocking(fds[1]), combos[i][1] != 0);
    ASSERT(st_fd_is_cloexec(fds[0]));
    ASSERT(st_fd_is_cloexec(fds[1]));
    ASSERT_EQ(uv_guess_handle(fds[0]), UV_NAMED_PIPE);
    /* fds[0] is the read end. */
    ASSERT_EQ(write(fds[1], "z", 1), 1);
    ASSERT_EQ(read(fds[0], &c, 1), 1);
    ASSERT_EQ(c, 'z');
    ASSERT_OK(close(fds[0]));
    ASSERT_OK(close(fds[1]));
  }
  return 0;
}

static uv_pipe_t po_reader;
static uv_pipe_t po_writer;
static char po_data[100000];
static size_t po_received;
static int po_eof;
static int po_write_done;

static void po_read_cb(uv_stream_t* stream, ssize_t nread,
                       const uv_buf_t* buf) {
  if (nread == UV_EOF) {
    ASSERT_UINT64_EQ(po_received, sizeof(po_data));
    ASSERT_EQ(po_write_done, 1);
    po_eof = 1;
    uv_close((uv_handle_t*) stream, NULL);
    return;
  }
  ASSERT_GE(nread, 0);
  ASSERT_MEM_EQ(buf->base, po_data + po_received, (size_t) nread);
  po_received += (size_t) nread;
}

static void po_write_cb(uv_write_t* req, int status) {
  ASSERT_OK(status);
  po_write_done = 1;
  /* Closing the only write end gives the reader its EOF. */
  uv_close((uv_handle_t*) req->handle, NULL);
}

TEST(pipe_open_pipe_fds) {
  uv_write_t req;
  uv_pipe_t bad;
  uv_loop_t loop;
  uv_file fds[2];
  uv_buf_t b;
  int closed;

  st_fill(po_data, sizeof(po_data), 3);
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_pipe(fds, 0, 0));

  ASSERT_OK(uv_pipe_init(&loop, &po_reader, 0));
  ASSERT_OK(uv_pipe_open(&po_reader, fds[0]));
  ASSERT_OK(uv_pipe_init(&loop, &po_writer, 0));
  ASSERT_OK(uv_pipe_open(&po_writer, fds[1]));
  /* uv_pipe_open makes the descriptor non-blocking. */
  ASSERT(st_fd_is_nonblocking(fds[0]));
  ASSERT(st_fd_is_nonblocking(fds[1]));
  /* Readable and writable follow the descriptor's access mode. */
  ASSERT_EQ(uv_is_readable((uv_stream_t*) &po_reader), 1);
  ASSERT_EQ(uv_is_writable((uv_stream_t*) &po_reader), 0);
  ASSERT_EQ(uv_is_readable((uv_stream_t*) &po_writer), 0);
  ASSERT_EQ(uv_is_writable((uv_stream_t*) &po_writer), 1);
  ASSERT_EQ(uv_read_start((uv_stream_t*) &po_writer, st_alloc_cb,
                          po_read_cb), UV_ENOTCONN);
  b = uv_buf_init(po_data, 1);
  ASSERT_EQ(uv_write(&req, (uv_stream_t*) &po_reader, &b, 1, NULL),
            UV_EPIPE);

  /* A descriptor that is not open. */
  closed = dup(fds[0]);
  ASSERT_GE(closed, 0);
  ASSERT_OK(close(closed));
  ASSERT_OK(uv_pipe_init(&loop, &bad, 0));
  ASSERT_EQ(uv_pipe_open(&bad, closed), UV_EBADF);
  uv_close((uv_handle_t*) &bad, NULL);

  ASSERT_OK(uv_read_start((uv_stream_t*) &po_reader, st_alloc_cb,
                          po_read_cb));
  b = uv_buf_init(po_data, sizeof(po_data));
  ASSERT_OK(uv_write(&req, (uv_stream_t*) &po_writer, &b, 1, po_write_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(po_eof, 1);
  /* uv_close closed both descriptors. */
  ASSERT_EQ(st_fd_is_open(fds[0]), 0);
  ASSERT_EQ(st_fd_is_open(fds[1]), 0);
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* write_queue_size, exactly: on a Unix socketpair the kernel's buffer
 * space depends only on what the peer has read, so after UV_EAGAIN nothing
 * more is accepted until the test reads. */

static uv_pipe_t wq_pipe;
static int wq_raw;   /* the peer, as a plain descriptor */
static uv_write_t wq_reqs[2];
static char wq_data1[1000];
static char wq_data2[500];
static int wq_cbs;

static void wq_write_cb(uv_write_t* req, int status) {
  ASSERT_OK(status);
  ASSERT_PTR_EQ(req, &wq_reqs[wq_cbs]);
  wq_cbs++;
  if (wq_cbs == 1) {
    /* Only the second request is left. */
    ASSERT_UINT64_LE(wq_pipe.write_queue_size, sizeof(wq_data2));
  } else {
    ASSERT_UINT64_EQ(wq_pipe.write_queue_size, 0);
  }
}

static size_t drain_raw(int fd, uint64_t* off) {
  char buf[65536];
  size_t total;
  ssize_t n;

  total = 0;
  for (;;) {
    n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
    if (n < 0) {
      ASSERT(errno == EAGAIN || errno == EWOULDBLOCK);
      return total;
    }
    ASSERT_GT(n, 0);
    st_check(buf, (size_t) n, *off);
    *off += (uint64_t) n;
    total += (size_t) n;
  }
}

TEST(pipe_write_queue_size_exact) {
  uv_os_sock_t sv[2];
  uv_loop_t loop;
  uint64_t woff;
  uint64_t roff;
  uv_buf_t b;
  char c;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_socketpair(SOCK_STREAM, 0, sv, UV_NONBLOCK_PIPE, 0));
  ASSERT(st_fd_is_cloexec(sv[0]));
  ASSERT(st_fd_is_cloexec(sv[1]));
  ASSERT(st_fd_is_nonblocking(sv[0]));
  ASSERT_EQ(st_fd_is_nonblocking(sv[1]), 0);
  wq_raw = sv[1];
  ASSERT_OK(uv_pipe_init(&loop, &wq_pipe, 0));
  ASSERT_OK(uv_pipe_open(&wq_pipe, sv[0]));
  ASSERT_EQ(uv_guess_handle(sv[0]), UV_NAMED_PIPE);

  woff = 0;
  st_fill_until_eagain((uv_stream_t*) &wq_pipe, &woff);
  ASSERT_UINT64_EQ(wq_pipe.write_queue_size, 0);

  /* Nothing can be written now: the whole request waits in the queue. */
  st_fill(wq_data1, sizeof(wq_data1), woff);
  woff += sizeof(wq_data1);
  st_fill(wq_data2, sizeof(wq_data2), woff);
  woff += sizeof(wq_data2);
  b = uv_buf_init(wq_data1, sizeof(wq_data1));
  ASSERT_OK(uv_write(&wq_reqs[0], (uv_stream_t*) &wq_pipe, &b, 1,
                     wq_write_cb));
  ASSERT_UINT64_EQ(wq_pipe.write_queue_size, sizeof(wq_data1));
  b = uv_buf_init(wq_data2, sizeof(wq_data2));
  ASSERT_OK(uv_write(&wq_reqs[1], (uv_stream_t*) &wq_pipe, &b, 1,
                     wq_write_cb));
  ASSERT_UINT64_EQ(wq_pipe.write_queue_size,
                   sizeof(wq_data1) + sizeof(wq_data2));
  ASSERT_UINT64_EQ(uv_stream_get_write_queue_size((uv_stream_t*) &wq_pipe),
                   sizeof(wq_data1) + sizeof(wq_data2));

  /* Make room.  The kernel would take more now, but queued writes come
   * first: try_write must refuse rather than overtake them. */
  roff = 0;
  ASSERT_UINT64_GT(drain_raw(wq_raw, &roff), 0);
  c = 'x';
  b = uv_buf_init(&c, 1);
  ASSERT_EQ(uv_try_write((uv_stream_t*) &wq_pipe, &b, 1), UV_EAGAIN);
  ASSERT_EQ(wq_cbs, 0);

  /* The loop writes the queue out. */
  while (wq_cbs < 2) {
    uv_run(&loop, UV_RUN_ONCE);
    drain_raw(wq_raw, &roff);
  }
  ASSERT_UINT64_EQ(wq_pipe.write_queue_size, 0);
  drain_raw(wq_raw, &roff);
  ASSERT_UINT64_EQ(roff, woff);

  /* Queue empty, room in the kernel: try_write writes. */
  st_fill(&c, 1, woff);
  ASSERT_EQ(uv_try_write((uv_stream_t*) &wq_pipe, &b, 1), 1);
  woff++;
  ASSERT_EQ(drain_raw(wq_raw, &roff), 1);

  uv_close((uv_handle_t*) &wq_pipe, NULL);
  ASSERT_OK(close(wq_raw));
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* A reader that went away: UV_EPIPE, not a dead process (SIGPIPE stays at
 * its default action). */

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

static int epipe_status = 1;

static void epipe_write_cb(uv_write_t* req, int status) {
  epipe_status = status;
  uv_close((uv_handle_t*) req->handle, NULL);
}

static void check_epipe_on(uv_loop_t* loop, uv_pipe_t* p) {
  uv_write_t req;
  uv_buf_t b;
  char c = 'q';

  b = uv_buf_init(&c, 1);
  ASSERT_EQ(uv_try_write((uv_stream_t*) p, &b, 1), UV_EPIPE);
  epipe_status = 1;
  ASSERT_OK(uv_write(&req, (uv_stream_t*) p, &b, 1, epipe_write_cb));
  ASSERT_OK(uv_run(loop, UV_RUN_DEFAULT));
  ASSERT_EQ(epipe_status, UV_EPIPE);
}

TEST(pipe_write_to_closed_reader_no_sigpipe) {
  uv_os_sock_t sv[2];
  uv_file fds[2];
  uv_pipe_t p;
  uv_loop_t loop;

#if !STREAMTEST_UVCORE
  RETURN_SKIP("libuv 1.44 raises SIGPIPE on this path; uvcore must not");
#endif
  restore_default_sigpipe();
  ASSERT_OK(uv_loop_init(&loop));

  /* A Unix stream socket whose peer is closed. */
  ASSERT_OK(uv_socketpair(SOCK_STREAM, 0, sv, 0, 0));
  ASSERT_OK(close(sv[1]));
  ASSERT_OK(uv_pipe_init(&loop, &p, 0));
  ASSERT_OK(uv_pipe_open(&p, sv[0]));
  check_epipe_on(&loop, &p);

  /* A pipe whose read end is closed. */
  ASSERT_OK(uv_pipe(fds, 0, 0));
  ASSERT_OK(close(fds[0]));
  ASSERT_OK(uv_pipe_init(&loop, &p, 0));
  ASSERT_OK(uv_pipe_open(&p, fds[1]));
  check_epipe_on(&loop, &p);

  close_loop_and_check(&loop);
  return 0;
}

static void ppi_connection_cb(uv_stream_t* server, int status) {
  (void) server;
  (void) status;
}

/* A no-op on Unix (it sizes the listen queue of Windows named pipes), but
 * callable at any point without disturbing the pipe. */
TEST(pipe_pending_instances_noop) {
  uv_loop_t loop;
  uv_pipe_t p;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_pipe_init(&loop, &p, 0));
  uv_pipe_pending_instances(&p, 4);
  unlink(TEST_PIPENAME);
  ASSERT_OK(uv_pipe_bind(&p, TEST_PIPENAME));
  uv_pipe_pending_instances(&p, 16);
  ASSERT_OK(uv_listen((uv_stream_t*) &p, 8, ppi_connection_cb));
  uv_close((uv_handle_t*) &p, NULL);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_OK(uv_loop_close(&loop));
  return 0;
}

/* An empty name autobinds on Linux, as in libuv: the kernel picks an
 * abstract name (a NUL and five hex digits), and clients can connect to
 * it. */
static void ab_connect_cb(uv_connect_t* req, int status) {
  char peer[8];
  size_t len;

  ASSERT_OK(status);
  /* The peer is the autobound name: six bytes, no terminator, so six bytes
   * of buffer hold it and five do not. */
  len = 5;
  ASSERT_EQ(uv_pipe_getpeername((uv_pipe_t*) req->handle, peer, &len),
            UV_ENOBUFS);
  ASSERT_EQ(len, 6);
  len = 6;
  ASSERT_OK(uv_pipe_getpeername((uv_pipe_t*) req->handle, peer, &len));
  ASSERT_EQ(len, 6);
  ASSERT_EQ(peer[0], '\0');
  uv_close((uv_handle_t*) req->handle, NULL);
}

static void ab_connection_cb(uv_stream_t* server, int status) {
  static uv_pipe_t conn;

  ASSERT_OK(status);
  ASSERT_OK(uv_pipe_init(server->loop, &conn, 0));
  ASSERT_OK(uv_accept(server, (uv_stream_t*) &conn));
  uv_close((uv_handle_t*) &conn, NULL);
  uv_close((uv_handle_t*) server, NULL);
}

TEST(pipe_bind_autobind) {
#if !defined(__linux__)
  RETURN_SKIP("autobind is Linux's");
#else
  uv_connect_t req;
  uv_pipe_t server;
  uv_pipe_t client;
  uv_pipe_t other;
  uv_loop_t loop;
  char name[64];
  char name2[64];
  size_t len;
  size_t len2;
  size_t i;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_pipe_init(&loop, &server, 0));
  ASSERT_OK(uv_pipe_bind2(&server, "", 0, 0));
  len = sizeof(name);
  ASSERT_OK(uv_pipe_getsockname(&server, name, &len));
  ASSERT_EQ(len, 6);
  ASSERT_EQ(name[0], '\0');
  for (i = 1; i < len; i++)
    ASSERT(isxdigit((unsigned char) name[i]));

  /* uv_pipe_bind(h, "") is the same, and gets another name. */
  ASSERT_OK(uv_pipe_init(&loop, &other, 0));
  ASSERT_OK(uv_pipe_bind(&other, ""));
  len2 = sizeof(name2);
  ASSERT_OK(uv_pipe_getsockname(&other, name2, &len2));
  ASSERT_EQ(len2, 6);
  ASSERT_NE(memcmp(name, name2, len), 0);
  uv_close((uv_handle_t*) &other, NULL);

  ASSERT_OK(uv_listen((uv_stream_t*) &server, 1, ab_connection_cb));
  ASSERT_OK(uv_pipe_init(&loop, &client, 0));
  ASSERT_OK(uv_pipe_connect2(&req, &client, name, len, 0, ab_connect_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  close_loop_and_check(&loop);
  return 0;
#endif
}
