/* Handle passing over IPC pipes, inside one process: an IPC pipe pair made
 * with uv_socketpair() + uv_pipe_open(), TCP servers, TCP connections and
 * pipes sent with uv_write2()/uv_try_write2(), received with
 * uv_pipe_pending_count()/uv_pipe_pending_type()/uv_accept() and then used.
 * The runner's descriptor-leak check proves that received descriptors
 * nobody accepted are closed with the pipe. */

#include "test-tcp-util.h"

#include <sys/uio.h>

static void ipc_pair(uv_loop_t* loop, uv_pipe_t* a, uv_pipe_t* b) {
  uv_os_sock_t sv[2];

  ASSERT_OK(uv_socketpair(SOCK_STREAM, 0, sv, 0, 0));
  ASSERT_OK(uv_pipe_init(loop, a, 1));
  ASSERT_OK(uv_pipe_open(a, sv[0]));
  ASSERT_OK(uv_pipe_init(loop, b, 1));
  ASSERT_OK(uv_pipe_open(b, sv[1]));
}

static int handle_fd(const void* h) {
  uv_os_fd_t fd;
  ASSERT_OK(uv_fileno((const uv_handle_t*) h, &fd));
  return fd;
}

static void write_status_ok_cb(uv_write_t* req, int status) {
  (void) req;
  ASSERT_OK(status);
}

/* ------------------------------------------------------------------------ */
/* A listening TCP socket, sent and used by the receiver */

static uv_pipe_t srv_a;
static uv_pipe_t srv_b;
static uv_tcp_t srv_orig;
static uv_tcp_t srv_recv;
static uv_write_t srv_req;
static struct sockaddr_storage srv_addr;
static st_echo_client_t srv_client;
static int srv_sent;
static int srv_received;

static void srv_orig_connection_cb(uv_stream_t* server, int status) {
  (void) server;
  (void) status;
  ASSERT(0 && "the original server must not see connections");
}

static void srv_client_done(st_echo_client_t* c) {
  (void) c;
  uv_close((uv_handle_t*) &srv_recv, NULL);
  uv_close((uv_handle_t*) &srv_a, NULL);
  uv_close((uv_handle_t*) &srv_b, NULL);
}

static void srv_write_cb(uv_write_t* req, int status) {
  ASSERT_OK(status);
  ASSERT_PTR_EQ(req, &srv_req);
  srv_sent = 1;
  /* The sender's copy can go at once; the receiver has its own. */
  uv_close((uv_handle_t*) &srv_orig, NULL);
}

static void srv_read_cb(uv_stream_t* stream, ssize_t nread,
                        const uv_buf_t* buf) {
  uv_pipe_t* pipe = (uv_pipe_t*) stream;

  if (nread == 0)
    return;
  ASSERT_EQ(nread, 1);
  ASSERT_EQ(buf->base[0], 'S');
  ASSERT_EQ(uv_pipe_pending_count(pipe), 1);
  ASSERT_EQ(uv_pipe_pending_type(pipe), UV_TCP);
  ASSERT_OK(uv_tcp_init(stream->loop, &srv_recv));
  ASSERT_OK(uv_accept(stream, (uv_stream_t*) &srv_recv));
  ASSERT_EQ(uv_pipe_pending_count(pipe), 0);
  ASSERT_EQ(uv_pipe_pending_type(pipe), UV_UNKNOWN_HANDLE);
  /* Received descriptors are close-on-exec and non-blocking. */
  ASSERT(st_fd_is_cloexec(handle_fd(&srv_recv)));
  ASSERT(st_fd_is_nonblocking(handle_fd(&srv_recv)));
  srv_received = 1;
  ASSERT_OK(uv_read_stop(stream));

  ASSERT_OK(uv_listen((uv_stream_t*) &srv_recv, 16, st_echo_connection_cb));
  memset(&srv_client, 0, sizeof(srv_client));
  st_client_init_data(&srv_client, 808);
  srv_client.done = srv_client_done;
  ASSERT_OK(uv_tcp_init(stream->loop, &srv_client.h.tcp));
  ASSERT_OK(uv_tcp_connect(&srv_client.connect_req, &srv_client.h.tcp,
                           (const struct sockaddr*) &srv_addr,
                           st_client_connect_cb));
}

TEST(ipc_send_tcp_server) {
  uv_loop_t loop;
  uv_buf_t b;

  ASSERT_OK(uv_loop_init(&loop));
  ipc_pair(&loop, &srv_a, &srv_b);
  ASSERT_OK(st_tcp_listen(&loop, &srv_orig, AF_INET, srv_orig_connection_cb,
                          &srv_addr));
  b = uv_buf_init("S", 1);
  ASSERT_OK(uv_write2(&srv_req, (uv_stream_t*) &srv_a, &b, 1,
                      (uv_stream_t*) &srv_orig, srv_write_cb));
  ASSERT_OK(uv_read_start((uv_stream_t*) &srv_b, st_alloc_cb, srv_read_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(srv_sent, 1);
  ASSERT_EQ(srv_received, 1);
  st_client_check_done(&srv_client);
  ASSERT_EQ(st_echo_accepted, 1);
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* A connected TCP socket, sent and used */

static uv_pipe_t con_a;
static uv_pipe_t con_b;
static uv_tcp_t con_client;
static uv_tcp_t con_peer;
static uv_tcp_t con_recv;
static uv_write_t con_req;
static uv_write_t con_hello_req;
static uv_write_t con_back_req;
static size_t con_peer_got;
static size_t con_recv_got;
static char con_hello[] = "hello through a passed socket";
static char con_back[] = "and back";

static void con_recv_read_cb(uv_stream_t* stream, ssize_t nread,
                             const uv_buf_t* buf) {
  ASSERT_GE(nread, 0);
  ASSERT_MEM_EQ(buf->base, con_back + con_recv_got, (size_t) nread);
  con_recv_got += (size_t) nread;
  if (con_recv_got == sizeof(con_back)) {
    uv_close((uv_handle_t*) stream, NULL);
    uv_close((uv_handle_t*) &con_peer, NULL);
    uv_close((uv_handle_t*) &con_a, NULL);
    uv_close((uv_handle_t*) &con_b, NULL);
  }
}

static void con_peer_read_cb(uv_stream_t* stream, ssize_t nread,
                             const uv_buf_t* buf) {
  uv_buf_t b;

  ASSERT_GE(nread, 0);
  ASSERT_MEM_EQ(buf->base, con_hello + con_peer_got, (size_t) nread);
  con_peer_got += (size_t) nread;
  if (con_peer_got == sizeof(con_hello)) {
    b = uv_buf_init(con_back, sizeof(con_back));
    ASSERT_OK(uv_write(&con_back_req, stream, &b, 1, write_status_ok_cb));
  }
}

static void con_b_read_cb(uv_stream_t* stream, ssize_t nread,
                          const uv_buf_t* buf) {
  uv_buf_t b;

  if (nread == 0)
    return;
  ASSERT_EQ(nread, 1);
  ASSERT_EQ(buf->base[0], 'C');
  ASSERT_EQ(uv_pipe_pending_type((uv_pipe_t*) stream), UV_TCP);
  ASSERT_OK(uv_tcp_init(stream->loop, &con_recv));
  ASSERT_OK(uv_accept(stream, (uv_stream_t*) &con_recv));
  ASSERT(uv_is_readable((uv_stream_t*) &con_recv));
  ASSERT(uv_is_writable((uv_stream_t*) &con_recv));
  ASSERT(st_fd_is_cloexec(handle_fd(&con_recv)));
  b = uv_buf_init(con_hello, sizeof(con_hello));
  ASSERT_OK(uv_write(&con_hello_req, (uv_stream_t*) &con_recv, &b, 1,
                     write_status_ok_cb));
  ASSERT_OK(uv_read_start((uv_stream_t*) &con_recv, st_alloc_cb,
                          con_recv_read_cb));
}

static void con_write_cb(uv_write_t* req, int status) {
  ASSERT_OK(status);
  (void) req;
  uv_close((uv_handle_t*) &con_client, NULL);
}

TEST(ipc_send_tcp_connection) {
  uv_loop_t loop;
  uv_buf_t b;

  ASSERT_OK(uv_loop_init(&loop));
  ipc_pair(&loop, &con_a, &con_b);
  st_tcp_pair(&loop, &con_client, &con_peer);
  ASSERT_OK(uv_read_start((uv_stream_t*) &con_peer, st_alloc_cb,
                          con_peer_read_cb));
  b = uv_buf_init("C", 1);
  ASSERT_OK(uv_write2(&con_req, (uv_stream_t*) &con_a, &b, 1,
                      (uv_stream_t*) &con_client, con_write_cb));
  ASSERT_OK(uv_read_start((uv_stream_t*) &con_b, st_alloc_cb,
                          con_b_read_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_UINT64_EQ(con_peer_got, sizeof(con_hello));
  ASSERT_UINT64_EQ(con_recv_got, sizeof(con_back));
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Pipe handles (a pipe's write end and a Unix socket) sent and used; the
 * receiver accepts only once all three handles have arrived, so several
 * are pending at the same time. */

static uv_pipe_t mp_a;
static uv_pipe_t mp_b;
static uv_tcp_t mp_server;
static uv_pipe_t mp_fifo;      /* write end of a uv_pipe() */
static uv_pipe_t mp_sock;      /* one end of a socketpair */
static uv_write_t mp_reqs[3];
static uv_write_t mp_use_reqs[2];
static uv_tcp_t mp_recv_server;
static uv_pipe_t mp_recv_fifo;
static uv_pipe_t mp_recv_sock;
static int mp_fifo_read_fd;
static int mp_sock_peer_fd;
static int mp_bytes;
static int mp_write_cbs;
static int mp_use_cbs;

static uv_handle_t* mp_sent[3];

static void mp_write_cb(uv_write_t* req, int status) {
  ASSERT_OK(status);
  ASSERT_PTR_EQ(req, &mp_reqs[mp_write_cbs]);
  /* (libuv clears req->send_handle once the descriptor is out.) */
  uv_close(mp_sent[mp_write_cbs], NULL);
  mp_write_cbs++;
}

static void mp_use_cb(uv_write_t* req, int status) {
  (void) req;
  ASSERT_OK(status);
  if (++mp_use_cbs == 2) {
    uv_close((uv_handle_t*) &mp_recv_fifo, NULL);
    uv_close((uv_handle_t*) &mp_recv_sock, NULL);
    uv_close((uv_handle_t*) &mp_recv_server, NULL);
    uv_close((uv_handle_t*) &mp_a, NULL);
    uv_close((uv_handle_t*) &mp_b, NULL);
  }
}

static void mp_read_cb(uv_stream_t* stream, ssize_t nread,
                       const uv_buf_t* buf) {
  uv_pipe_t* pipe = (uv_pipe_t*) stream;
  uv_buf_t b;
  int i;

  ASSERT_GE(nread, 0);
  for (i = 0; i < nread; i++)
    ASSERT_EQ(buf->base[i], "abc"[mp_bytes + i]);
  mp_bytes += (int) nread;
  ASSERT_LE(mp_bytes, 3);
  /* One pending handle per byte read so far. */
  ASSERT_EQ(uv_pipe_pending_count(pipe), mp_bytes);
  if (mp_bytes < 3)
    return;
  ASSERT_OK(uv_read_stop(stream));

  ASSERT_EQ(uv_pipe_pending_type(pipe), UV_TCP);
  ASSERT_OK(uv_tcp_init(stream->loop, &mp_recv_server));
  ASSERT_OK(uv_accept(stream, (uv_stream_t*) &mp_recv_server));
  ASSERT_EQ(uv_pipe_pending_count(pipe), 2);

  ASSERT_EQ(uv_pipe_pending_type(pipe), UV_NAMED_PIPE);
  ASSERT_OK(uv_pipe_init(stream->loop, &mp_recv_fifo, 0));
  ASSERT_OK(uv_accept(stream, (uv_stream_t*) &mp_recv_fifo));
  ASSERT_EQ(uv_pipe_pending_count(pipe), 1);

  ASSERT_EQ(uv_pipe_pending_type(pipe), UV_NAMED_PIPE);
  ASSERT_OK(uv_pipe_init(stream->loop, &mp_recv_sock, 0));
  ASSERT_OK(uv_accept(stream, (uv_stream_t*) &mp_recv_sock));
  ASSERT_EQ(uv_pipe_pending_count(pipe), 0);

  /* Nothing left to accept. */
  {
    static uv_pipe_t extra;
    ASSERT_OK(uv_pipe_init(stream->loop, &extra, 0));
    ASSERT_EQ(uv_accept(stream, (uv_stream_t*) &extra), UV_EAGAIN);
    uv_close((uv_handle_t*) &extra, NULL);
  }

  ASSERT(st_fd_is_cloexec(handle_fd(&mp_recv_server)));
  ASSERT(st_fd_is_cloexec(handle_fd(&mp_recv_fifo)));
  ASSERT(st_fd_is_cloexec(handle_fd(&mp_recv_sock)));
  ASSERT_EQ(uv_guess_handle(handle_fd(&mp_recv_fifo)), UV_NAMED_PIPE);

  /* Use them. */
  b = uv_buf_init("fifo", 4);
  ASSERT_OK(uv_write(&mp_use_reqs[0], (uv_stream_t*) &mp_recv_fifo, &b, 1,
                     mp_use_cb));
  b = uv_buf_init("sock", 4);
  ASSERT_OK(uv_write(&mp_use_reqs[1], (uv_stream_t*) &mp_recv_sock, &b, 1,
                     mp_use_cb));
}

TEST(ipc_send_several_handles) {
  uv_os_sock_t sv[2];
  uv_file fds[2];
  struct sockaddr_storage addr;
  uv_loop_t loop;
  uv_buf_t b;
  char got[8];

  ASSERT_OK(uv_loop_init(&loop));
  ipc_pair(&loop, &mp_a, &mp_b);
  ASSERT_OK(st_tcp_listen(&loop, &mp_server, AF_INET, srv_orig_connection_cb,
                          &addr));
  ASSERT_OK(uv_pipe(fds, 0, 0));
  mp_fifo_read_fd = fds[0];
  ASSERT_OK(uv_pipe_init(&loop, &mp_fifo, 0));
  ASSERT_OK(uv_pipe_open(&mp_fifo, fds[1]));
  ASSERT_OK(uv_socketpair(SOCK_STREAM, 0, sv, 0, 0));
  mp_sock_peer_fd = sv[1];
  ASSERT_OK(uv_pipe_init(&loop, &mp_sock, 0));
  ASSERT_OK(uv_pipe_open(&mp_sock, sv[0]));

  mp_sent[0] = (uv_handle_t*) &mp_server;
  mp_sent[1] = (uv_handle_t*) &mp_fifo;
  mp_sent[2] = (uv_handle_t*) &mp_sock;
  b = uv_buf_init("a", 1);
  ASSERT_OK(uv_write2(&mp_reqs[0], (uv_stream_t*) &mp_a, &b, 1,
                      (uv_stream_t*) &mp_server, mp_write_cb));
  b = uv_buf_init("b", 1);
  ASSERT_OK(uv_write2(&mp_reqs[1], (uv_stream_t*) &mp_a, &b, 1,
                      (uv_stream_t*) &mp_fifo, mp_write_cb));
  b = uv_buf_init("c", 1);
  ASSERT_OK(uv_write2(&mp_reqs[2], (uv_stream_t*) &mp_a, &b, 1,
                      (uv_stream_t*) &mp_sock, mp_write_cb));
  ASSERT_OK(uv_read_start((uv_stream_t*) &mp_b, st_alloc_cb, mp_read_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(mp_write_cbs, 3);
  ASSERT_EQ(mp_use_cbs, 2);

  /* What was written through the received handles arrived. */
  ASSERT_EQ(read(mp_fifo_read_fd, got, sizeof(got)), 4);
  ASSERT_MEM_EQ(got, "fifo", 4);
  ASSERT_EQ(recv(mp_sock_peer_fd, got, sizeof(got), MSG_DONTWAIT), 4);
  ASSERT_MEM_EQ(got, "sock", 4);
  ASSERT_OK(close(mp_fifo_read_fd));
  ASSERT_OK(close(mp_sock_peer_fd));
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Several descriptors in one message (sendmsg by hand): all arrive with one
 * read; the one left unaccepted is closed with the pipe. */

static uv_pipe_t om_pipe;
static uv_pipe_t om_recv_fifo;
static uv_tcp_t om_recv_tcp;
static int om_reads;

static void om_read_cb(uv_stream_t* stream, ssize_t nread,
                       const uv_buf_t* buf) {
  uv_pipe_t* pipe = (uv_pipe_t*) stream;

  if (nread == 0)
    return;
  ASSERT_EQ(nread, 2);
  ASSERT_MEM_EQ(buf->base, "xy", 2);
  om_reads++;
  ASSERT_EQ(uv_pipe_pending_count(pipe), 3);
  ASSERT_EQ(uv_pipe_pending_type(pipe), UV_NAMED_PIPE);
  ASSERT_OK(uv_pipe_init(stream->loop, &om_recv_fifo, 0));
  ASSERT_OK(uv_accept(stream, (uv_stream_t*) &om_recv_fifo));
  ASSERT_EQ(uv_pipe_pending_count(pipe), 2);
  ASSERT_EQ(uv_pipe_pending_type(pipe), UV_TCP);
  ASSERT_OK(uv_tcp_init(stream->loop, &om_recv_tcp));
  ASSERT_OK(uv_accept(stream, (uv_stream_t*) &om_recv_tcp));
  ASSERT_EQ(uv_pipe_pending_count(pipe), 1);
  ASSERT_EQ(uv_pipe_pending_type(pipe), UV_UDP);
  ASSERT(st_fd_is_cloexec(handle_fd(&om_recv_fifo)));
  ASSERT(st_fd_is_cloexec(handle_fd(&om_recv_tcp)));
  /* The UDP socket stays pending: uv_close must close it. */
  uv_close((uv_handle_t*) stream, NULL);
  uv_close((uv_handle_t*) &om_recv_fifo, NULL);
  uv_close((uv_handle_t*) &om_recv_tcp, NULL);
}

TEST(ipc_several_fds_in_one_message) {
  union {
    struct cmsghdr hdr;
    char buf[CMSG_SPACE(3 * sizeof(int))];
  } ctl;
  struct cmsghdr* cmsg;
  struct msghdr msg;
  struct iovec iov;
  uv_os_sock_t sv[2];
  uv_file fds[2];
  uv_loop_t loop;
  int send_fds[3];

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_socketpair(SOCK_STREAM, 0, sv, 0, 0));
  ASSERT_OK(uv_pipe_init(&loop, &om_pipe, 1));
  ASSERT_OK(uv_pipe_open(&om_pipe, sv[0]));

  ASSERT_OK(uv_pipe(fds, 0, 0));
  send_fds[0] = fds[0];
  send_fds[1] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  send_fds[2] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(send_fds[1], 0);
  ASSERT_GE(send_fds[2], 0);

  memset(&msg, 0, sizeof(msg));
  memset(&ctl, 0, sizeof(ctl));
  iov.iov_base = "xy";
  iov.iov_len = 2;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = ctl.buf;
  msg.msg_controllen = sizeof(ctl.buf);
  cmsg = CMSG_FIRSTHDR(&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(sizeof(send_fds));
  memcpy(CMSG_DATA(cmsg), send_fds, sizeof(send_fds));
  ASSERT_EQ(sendmsg(sv[1], &msg, 0), 2);
  /* The receiver has its own copies now. */
  ASSERT_OK(close(send_fds[0]));
  ASSERT_OK(close(send_fds[1]));
  ASSERT_OK(close(send_fds[2]));
  ASSERT_OK(close(fds[1]));
  ASSERT_OK(close(sv[1]));

  ASSERT_OK(uv_read_start((uv_stream_t*) &om_pipe, st_alloc_cb, om_read_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(om_reads, 1);
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Two messages with a descriptor each, then the peer's close, all queued
 * before reading starts: a Unix socket ends a read at a message that
 * carries descriptors, so the first read is short with the second message
 * still queued, in the same event as the hang-up.  Both arrive before
 * UV_EOF.  (libuv takes that short read as the end, reports UV_EOF and
 * loses the second message; a hang-up ends a stream early only after a
 * short read that carried no descriptors.) */

static uv_pipe_t hq_pipe;
static uv_pipe_t hq_got[2];
static int hq_accepted;
static int hq_bytes;
static int hq_eof;

static void hq_read_cb(uv_stream_t* stream, ssize_t nread,
                       const uv_buf_t* buf) {
  uv_pipe_t* p;

  (void) buf;
  if (nread == UV_EOF) {
    ASSERT_EQ(hq_bytes, 2);
    hq_eof++;
    uv_close((uv_handle_t*) stream, NULL);
    return;
  }
  ASSERT_GE(nread, 0);
  hq_bytes += (int) nread;
  while (uv_pipe_pending_count((uv_pipe_t*) stream) > 0) {
    ASSERT_LT(hq_accepted, 2);
    p = &hq_got[hq_accepted++];
    ASSERT_OK(uv_pipe_init(stream->loop, p, 0));
    ASSERT_OK(uv_accept(stream, (uv_stream_t*) p));
    uv_close((uv_handle_t*) p, NULL);
  }
}

static void hq_send_fd(int sock, const char* byte, int fd) {
  union {
    struct cmsghdr hdr;
    char buf[CMSG_SPACE(sizeof(int))];
  } ctl;
  struct cmsghdr* cmsg;
  struct msghdr msg;
  struct iovec iov;

  memset(&msg, 0, sizeof(msg));
  memset(&ctl, 0, sizeof(ctl));
  iov.iov_base = (void*) byte;
  iov.iov_len = 1;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = ctl.buf;
  msg.msg_controllen = sizeof(ctl.buf);
  cmsg = CMSG_FIRSTHDR(&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
  ASSERT_EQ(sendmsg(sock, &msg, 0), 1);
}

TEST(ipc_messages_before_hangup) {
  uv_os_sock_t sv[2];
  uv_file fds[2];
  uv_loop_t loop;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_socketpair(SOCK_STREAM, 0, sv, 0, 0));
  ASSERT_OK(uv_pipe_init(&loop, &hq_pipe, 1));
  ASSERT_OK(uv_pipe_open(&hq_pipe, sv[0]));
  ASSERT_OK(uv_pipe(fds, 0, 0));
  hq_send_fd(sv[1], "a", fds[0]);
  hq_send_fd(sv[1], "b", fds[1]);
  ASSERT_OK(close(fds[0]));
  ASSERT_OK(close(fds[1]));
  ASSERT_OK(close(sv[1]));

  ASSERT_OK(uv_read_start((uv_stream_t*) &hq_pipe, st_alloc_cb, hq_read_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(hq_bytes, 2);
  ASSERT_EQ(hq_accepted, 2);
  ASSERT_EQ(hq_eof, 1);
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Handles received and never accepted are closed with the pipe. */

static uv_pipe_t cu_a;
static uv_pipe_t cu_b;
static int cu_bytes;

static void cu_read_cb(uv_stream_t* stream, ssize_t nread,
                       const uv_buf_t* buf) {
  (void) buf;
  ASSERT_GE(nread, 0);
  cu_bytes += (int) nread;
  if (cu_bytes == 3) {
    ASSERT_EQ(uv_pipe_pending_count((uv_pipe_t*) stream), 3);
    uv_close((uv_handle_t*) stream, NULL);
    uv_close((uv_handle_t*) &cu_a, NULL);
  }
}

static uv_handle_t* cu_sent[3];
static int cu_writes;

static void cu_write_cb(uv_write_t* req, int status) {
  (void) req;
  ASSERT_OK(status);
  uv_close(cu_sent[cu_writes++], NULL);
}

TEST(ipc_close_with_unaccepted_handles) {
  struct sockaddr_storage addr;
  uv_write_t reqs[3];
  uv_tcp_t server;
  uv_tcp_t client;
  uv_tcp_t peer;
  uv_loop_t loop;
  uv_buf_t b;

  ASSERT_OK(uv_loop_init(&loop));
  ipc_pair(&loop, &cu_a, &cu_b);
  st_tcp_pair(&loop, &client, &peer);
  ASSERT_OK(st_tcp_listen(&loop, &server, AF_INET, srv_orig_connection_cb,
                          &addr));
  cu_sent[0] = (uv_handle_t*) &server;
  cu_sent[1] = (uv_handle_t*) &client;
  cu_sent[2] = (uv_handle_t*) &peer;
  b = uv_buf_init("1", 1);
  ASSERT_OK(uv_write2(&reqs[0], (uv_stream_t*) &cu_a, &b, 1,
                      (uv_stream_t*) &server, cu_write_cb));
  ASSERT_OK(uv_write2(&reqs[1], (uv_stream_t*) &cu_a, &b, 1,
                      (uv_stream_t*) &client, cu_write_cb));
  ASSERT_OK(uv_write2(&reqs[2], (uv_stream_t*) &cu_a, &b, 1,
                      (uv_stream_t*) &peer, cu_write_cb));
  ASSERT_OK(uv_read_start((uv_stream_t*) &cu_b, st_alloc_cb, cu_read_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(cu_bytes, 3);
  ASSERT_EQ(cu_writes, 3);
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* uv_try_write2 passes a handle too, when it can write at once. */

static uv_tcp_t tw2_recv;
static int tw2_got;

static void tw2_read_cb(uv_stream_t* stream, ssize_t nread,
                        const uv_buf_t* buf) {
  if (nread == 0)
    return;
  ASSERT_EQ(nread, 1);
  ASSERT_EQ(buf->base[0], 'T');
  ASSERT_EQ(uv_pipe_pending_count((uv_pipe_t*) stream), 1);
  ASSERT_EQ(uv_pipe_pending_type((uv_pipe_t*) stream), UV_TCP);
  ASSERT_OK(uv_tcp_init(stream->loop, &tw2_recv));
  ASSERT_OK(uv_accept(stream, (uv_stream_t*) &tw2_recv));
  tw2_got = 1;
  uv_close((uv_handle_t*) &tw2_recv, NULL);
  ASSERT_OK(uv_read_stop(stream));
}

TEST(ipc_try_write2) {
  struct sockaddr_storage addr;
  uv_tcp_t server;
  uv_pipe_t a;
  uv_pipe_t b;
  uv_loop_t loop;
  uv_buf_t buf;

  ASSERT_OK(uv_loop_init(&loop));
  ipc_pair(&loop, &a, &b);
  ASSERT_OK(st_tcp_listen(&loop, &server, AF_INET, srv_orig_connection_cb,
                          &addr));
  buf = uv_buf_init("T", 1);
  ASSERT_EQ(uv_try_write2((uv_stream_t*) &a, &buf, 1,
                          (uv_stream_t*) &server), 1);
  uv_close((uv_handle_t*) &server, NULL);
  ASSERT_OK(uv_read_start((uv_stream_t*) &b, st_alloc_cb, tw2_read_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(tw2_got, 1);
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* What cannot be sent, and over what */

TEST(ipc_send_errors) {
  struct sockaddr_storage addr;
  uv_os_sock_t sv[2];
  uv_tcp_t server;
  uv_tcp_t nosock;
  uv_tcp_t client;
  uv_tcp_t peer;
  uv_timer_t timer;
  uv_pipe_t plain;
  uv_pipe_t plain_peer;
  uv_pipe_t extra;
  uv_pipe_t a;
  uv_pipe_t b;
  uv_write_t req;
  uv_loop_t loop;
  uv_buf_t buf;

  ASSERT_OK(uv_loop_init(&loop));
  ipc_pair(&loop, &a, &b);
  ASSERT_OK(st_tcp_listen(&loop, &server, AF_INET, srv_orig_connection_cb,
                          &addr));
  buf = uv_buf_init("E", 1);

  /* Over a pipe that is not an IPC pipe. */
  ASSERT_OK(uv_socketpair(SOCK_STREAM, 0, sv, 0, 0));
  ASSERT_OK(uv_pipe_init(&loop, &plain, 0));
  ASSERT_OK(uv_pipe_open(&plain, sv[0]));
  ASSERT_OK(uv_pipe_init(&loop, &plain_peer, 0));
  ASSERT_OK(uv_pipe_open(&plain_peer, sv[1]));
  ASSERT_EQ(uv_write2(&req, (uv_stream_t*) &plain, &buf, 1,
                      (uv_stream_t*) &server, NULL), UV_EINVAL);
#if STREAMTEST_UVCORE
  /* libuv 1.44 skips this check in uv_try_write2 and sends the descriptor
   * anyway; uvcore refuses it like uv_write2 does. */
  ASSERT_EQ(uv_try_write2((uv_stream_t*) &plain, &buf, 1,
                          (uv_stream_t*) &server), UV_EINVAL);
#endif
  ASSERT_EQ(uv_pipe_pending_count(&plain), 0);
  ASSERT_EQ(uv_pipe_pending_type(&plain), UV_UNKNOWN_HANDLE);

  /* Over TCP. */
  st_tcp_pair(&loop, &client, &peer);
  ASSERT_EQ(uv_write2(&req, (uv_stream_t*) &client, &buf, 1,
                      (uv_stream_t*) &server, NULL), UV_EINVAL);

  /* A handle with no descriptor, and a handle type that has none: libuv
   * reports both as a bad descriptor. */
  ASSERT_OK(uv_tcp_init(&loop, &nosock));
  ASSERT_EQ(uv_write2(&req, (uv_stream_t*) &a, &buf, 1,
                      (uv_stream_t*) &nosock, NULL), UV_EBADF);
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_EQ(uv_write2(&req, (uv_stream_t*) &a, &buf, 1,
                      (uv_stream_t*) &timer, NULL), UV_EBADF);

  /* Nothing was queued by the refused calls, and nothing is pending. */
  ASSERT_UINT64_EQ(a.write_queue_size, 0);
  ASSERT_UINT64_EQ(plain.write_queue_size, 0);
  ASSERT_UINT64_EQ(client.write_queue_size, 0);
  ASSERT_EQ(uv_pipe_pending_count(&b), 0);
  ASSERT_EQ(uv_pipe_pending_type(&b), UV_UNKNOWN_HANDLE);
  ASSERT_OK(uv_pipe_init(&loop, &extra, 0));
  ASSERT_EQ(uv_accept((uv_stream_t*) &b, (uv_stream_t*) &extra), UV_EAGAIN);

  close_loop_and_check(&loop);
  return 0;
}
