/* TCP stream tests: echo over IPv4 and IPv6 loopback, many concurrent
 * clients, shutdown/EOF ordering, connection refused and reset.
 * Larger-volume and error-path tests are in test-tcp-stream.c and
 * test-tcp-errors.c.  Every server listens on an ephemeral port. */

#include "test-tcp-util.h"

#include <sys/socket.h>

/* ------------------------------------------------------------------------ */
/* Echo over loopback */

static uv_tcp_t echo_server;
static int echo_clients_left;

static void echo_client_done(st_echo_client_t* c) {
  (void) c;
  if (--echo_clients_left == 0)
    uv_close((uv_handle_t*) &echo_server, NULL);
}

static int run_tcp_echo(int family) {
  struct sockaddr_storage addr;
  struct sockaddr_storage name;
  st_echo_client_t client;
  uv_loop_t loop;
  int namelen;
  int err;

  ASSERT_OK(uv_loop_init(&loop));
  err = st_tcp_listen(&loop, &echo_server, family, st_echo_connection_cb,
                      &addr);
  if (family == AF_INET6 &&
      (err == UV_EADDRNOTAVAIL || err == UV_EAFNOSUPPORT)) {
    close_loop_and_check(&loop);
    RETURN_SKIP("IPv6 loopback ::1 is not configured");
  }
  ASSERT_OK(err);

  memset(&client, 0, sizeof(client));
  st_client_init_data(&client, 12345);
  client.done = echo_client_done;
  echo_clients_left = 1;
  ASSERT_OK(uv_tcp_init(&loop, &client.h.tcp));
  ASSERT_OK(uv_tcp_connect(&client.connect_req, &client.h.tcp,
                           (const struct sockaddr*) &addr,
                           st_client_connect_cb));
  /* Connecting: the socket exists and has a local address already, but no
   * peer address yet is not guaranteed; only check the family. */
  namelen = (int) sizeof(name);
  ASSERT_OK(uv_tcp_getsockname(&client.h.tcp, (struct sockaddr*) &name,
                               &namelen));
  ASSERT_EQ(name.ss_family, family);

  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));

  st_client_check_done(&client);
  ASSERT_EQ(st_echo_accepted, 1);
  ASSERT_EQ(st_echo_closed, 1);
  ASSERT_EQ(st_echo_eofs, 1);
  ASSERT_UINT64_EQ(st_echo_bytes, st_client_script_len());

  close_loop_and_check(&loop);
  return 0;
}

TEST(tcp_echo_ipv4) {
  return run_tcp_echo(AF_INET);
}

TEST(tcp_echo_ipv6) {
  return run_tcp_echo(AF_INET6);
}

/* Addresses seen on both ends of an accepted IPv4 connection. */
static uv_tcp_t names_server;
static uv_tcp_t names_accepted;
static uv_tcp_t names_client;
static uv_connect_t names_connect_req;
static int names_connected;
static int names_accepted_count;

static void names_check_pair(void) {
  struct sockaddr_storage a_name, a_peer, c_name, c_peer;
  int len;

  len = (int) sizeof(a_name);
  ASSERT_OK(uv_tcp_getsockname(&names_accepted, (struct sockaddr*) &a_name,
                               &len));
  ASSERT_EQ(len, (int) sizeof(struct sockaddr_in));
  len = (int) sizeof(a_peer);
  ASSERT_OK(uv_tcp_getpeername(&names_accepted, (struct sockaddr*) &a_peer,
                               &len));
  len = (int) sizeof(c_name);
  ASSERT_OK(uv_tcp_getsockname(&names_client, (struct sockaddr*) &c_name,
                               &len));
  len = (int) sizeof(c_peer);
  ASSERT_OK(uv_tcp_getpeername(&names_client, (struct sockaddr*) &c_peer,
                               &len));
  ASSERT_EQ(a_name.ss_family, AF_INET);
  ASSERT_EQ(st_port_of(&a_name), st_port_of(&c_peer));
  ASSERT_EQ(st_port_of(&a_peer), st_port_of(&c_name));
  ASSERT_MEM_EQ(&((struct sockaddr_in*) &a_peer)->sin_addr,
                &((struct sockaddr_in*) &c_name)->sin_addr,
                sizeof(struct in_addr));
  uv_close((uv_handle_t*) &names_accepted, NULL);
  uv_close((uv_handle_t*) &names_client, NULL);
  uv_close((uv_handle_t*) &names_server, NULL);
}

static void names_connection_cb(uv_stream_t* server, int status) {
  ASSERT_OK(status);
  ASSERT_OK(uv_tcp_init(server->loop, &names_accepted));
  ASSERT_OK(uv_accept(server, (uv_stream_t*) &names_accepted));
  /* Accepted descriptors are non-blocking and close-on-exec. */
  {
    uv_os_fd_t fd;
    ASSERT_OK(uv_fileno((uv_handle_t*) &names_accepted, &fd));
    ASSERT(st_fd_is_nonblocking(fd));
    ASSERT(st_fd_is_cloexec(fd));
  }
  /* Nothing else is pending. */
  {
    static uv_tcp_t extra;  /* outlives this call until its close */
    ASSERT_OK(uv_tcp_init(server->loop, &extra));
    ASSERT_EQ(uv_accept(server, (uv_stream_t*) &extra), UV_EAGAIN);
    uv_close((uv_handle_t*) &extra, NULL);
  }
  names_accepted_count++;
  if (names_connected)
    names_check_pair();
}

static void names_connect_cb(uv_connect_t* req, int status) {
  ASSERT_OK(status);
  ASSERT_PTR_EQ(req->handle, &names_client);
  names_connected = 1;
  if (names_accepted_count)
    names_check_pair();
}

TEST(tcp_sock_and_peer_names) {
  struct sockaddr_storage addr;
  struct sockaddr_storage tmp;
  uv_os_fd_t fd;
  uv_loop_t loop;
  int len;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(st_tcp_listen(&loop, &names_server, AF_INET, names_connection_cb,
                          &addr));
  /* A listening socket has no peer. */
  len = (int) sizeof(tmp);
  ASSERT_EQ(uv_tcp_getpeername(&names_server, (struct sockaddr*) &tmp, &len),
            UV_ENOTCONN);
  ASSERT_OK(uv_fileno((uv_handle_t*) &names_server, &fd));
  ASSERT(st_fd_is_cloexec(fd));
  ASSERT(st_fd_is_nonblocking(fd));

  ASSERT_OK(uv_tcp_init(&loop, &names_client));
  ASSERT_OK(uv_tcp_connect(&names_connect_req, &names_client,
                           (const struct sockaddr*) &addr, names_connect_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(names_connected, 1);
  ASSERT_EQ(names_accepted_count, 1);
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Many concurrent clients against one server */

#define MANY_CLIENTS 100

static uv_tcp_t many_server;
static st_echo_client_t many_clients[MANY_CLIENTS];
static int many_left;

static void many_client_done(st_echo_client_t* c) {
  (void) c;
  if (--many_left == 0)
    uv_close((uv_handle_t*) &many_server, NULL);
}

static void many_connect_cb(uv_connect_t* req, int status) {
  st_echo_client_t* c = (st_echo_client_t*) req->handle;
  ASSERT_OK(status);
  st_client_start(c);
}

TEST(tcp_many_clients) {
  struct sockaddr_storage addr;
  uv_loop_t loop;
  int i;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(st_tcp_listen(&loop, &many_server, AF_INET,
                          st_echo_connection_cb, &addr));
  many_left = MANY_CLIENTS;
  for (i = 0; i < MANY_CLIENTS; i++) {
    st_echo_client_t* c = &many_clients[i];
    /* Each client has its own pattern offset, so crossed streams show. */
    st_client_init_data(c, (uint64_t) i * 1000003u);
    c->done = many_client_done;
    ASSERT_OK(uv_tcp_init(&loop, &c->h.tcp));
    ASSERT_OK(uv_tcp_connect(&c->connect_req, &c->h.tcp,
                             (const struct sockaddr*) &addr,
                             many_connect_cb));
  }
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  for (i = 0; i < MANY_CLIENTS; i++)
    st_client_check_done(&many_clients[i]);
  ASSERT_EQ(st_echo_accepted, MANY_CLIENTS);
  ASSERT_EQ(st_echo_closed, MANY_CLIENTS);
  ASSERT_EQ(st_echo_eofs, MANY_CLIENTS);
  ASSERT_UINT64_EQ(st_echo_bytes,
                   (uint64_t) MANY_CLIENTS * st_client_script_len());
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Shutdown and EOF ordering, and shutdown misuse */

static uv_tcp_t sd_server;
static uv_tcp_t sd_peer;
static uv_tcp_t sd_client;
static uv_connect_t sd_connect_req;
static uv_write_t sd_write_reqs[3];
static uv_write_t sd_reply_req;
static uv_write_t sd_late_req;
static uv_shutdown_t sd_shutdown_req;
static uv_shutdown_t sd_shutdown_req2;
static uv_shutdown_t sd_peer_shutdown_req;
static char sd_data[3][20000];
static char sd_reply[] = "reply after EOF";
static size_t sd_peer_received;
static size_t sd_client_received;
static int sd_writes_done;
static int sd_shutdown_done;
static int sd_peer_eof;
static int sd_client_eof;
static int sd_peer_shutdown_done;
static int sd_closed;

static void sd_close_cb(uv_handle_t* handle) {
  (void) handle;
  sd_closed++;
}

static void sd_peer_shutdown_cb(uv_shutdown_t* req, int status) {
  ASSERT_OK(status);
  ASSERT_PTR_EQ(req, &sd_peer_shutdown_req);
  sd_peer_shutdown_done = 1;
}

static void sd_reply_cb(uv_write_t* req, int status) {
  ASSERT_OK(status);
  ASSERT_PTR_EQ(req, &sd_reply_req);
}

static void sd_peer_read_cb(uv_stream_t* stream, ssize_t nread,
                            const uv_buf_t* buf) {
  uv_buf_t b;

  if (nread == UV_EOF) {
    /* All data, then EOF, exactly once. */
    ASSERT_EQ(sd_peer_eof, 0);
    ASSERT_UINT64_EQ(sd_peer_received, sizeof(sd_data));
    sd_peer_eof = 1;
    /* The write direction of the peer is still open. */
    ASSERT(uv_is_writable(stream));
    b = uv_buf_init(sd_reply, sizeof(sd_reply));
    ASSERT_OK(uv_write(&sd_reply_req, stream, &b, 1, sd_reply_cb));
    ASSERT_OK(uv_shutdown(&sd_peer_shutdown_req, stream,
                          sd_peer_shutdown_cb));
    return;
  }
  ASSERT_GE(nread, 0);  /* 0 is "nothing this time", not an error */
  ASSERT_EQ(sd_peer_eof, 0);
  ASSERT_UINT64_LE(sd_peer_received + (size_t) nread, sizeof(sd_data));
  ASSERT_MEM_EQ(buf->base, (char*) sd_data + sd_peer_received,
                (size_t) nread);
  sd_peer_received += (size_t) nread;
}

static void sd_connection_cb(uv_stream_t* server, int status) {
  ASSERT_OK(status);
  ASSERT_OK(uv_tcp_init(server->loop, &sd_peer));
  ASSERT_OK(uv_accept(server, (uv_stream_t*) &sd_peer));
  ASSERT_OK(uv_read_start((uv_stream_t*) &sd_peer, st_alloc_cb,
                          sd_peer_read_cb));
  uv_close((uv_handle_t*) server, sd_close_cb);
}

static void sd_client_read_cb(uv_stream_t* stream, ssize_t nread,
                              const uv_buf_t* buf) {
  if (nread == UV_EOF) {
    ASSERT_UINT64_EQ(sd_client_received, sizeof(sd_reply));
    ASSERT_EQ(sd_client_eof, 0);
    sd_client_eof = 1;
    uv_close((uv_handle_t*) stream, sd_close_cb);
    uv_close((uv_handle_t*) &sd_peer, sd_close_cb);
    /* A closing handle refuses a shutdown. */
    ASSERT_EQ(uv_shutdown(&sd_shutdown_req2, stream, NULL), UV_ENOTCONN);
    return;
  }
  ASSERT_GE(nread, 0);
  ASSERT_UINT64_LE(sd_client_received + (size_t) nread, sizeof(sd_reply));
  ASSERT_MEM_EQ(buf->base, sd_reply + sd_client_received, (size_t) nread);
  sd_client_received += (size_t) nread;
}

static void sd_write_cb(uv_write_t* req, int status) {
  ASSERT_OK(status);
  ASSERT_PTR_EQ(req, &sd_write_reqs[sd_writes_done]);
  ASSERT_EQ(sd_shutdown_done, 0);
  sd_writes_done++;
}

static void sd_shutdown_cb(uv_shutdown_t* req, int status) {
  ASSERT_OK(status);
  ASSERT_PTR_EQ(req, &sd_shutdown_req);
  ASSERT_PTR_EQ(req->handle, &sd_client);
  /* Write callbacks first, then the shutdown callback. */
  ASSERT_EQ(sd_writes_done, 3);
  sd_shutdown_done = 1;
  /* Still no shutdown nor writing after the shutdown completed. */
  ASSERT_EQ(uv_shutdown(&sd_shutdown_req2, req->handle, NULL), UV_ENOTCONN);
  {
    uv_buf_t b = uv_buf_init(sd_data[0], 1);
    ASSERT_EQ(uv_try_write(req->handle, &b, 1), UV_EPIPE);
  }
}

static void sd_connect_cb(uv_connect_t* req, int status) {
  uv_buf_t b;
  int i;

  ASSERT_OK(status);
  for (i = 0; i < 3; i++) {
    b = uv_buf_init(sd_data[i], sizeof(sd_data[i]));
    ASSERT_OK(uv_write(&sd_write_reqs[i], req->handle, &b, 1, sd_write_cb));
  }
  ASSERT_OK(uv_shutdown(&sd_shutdown_req, req->handle, sd_shutdown_cb));
  /* A second shutdown while the first is pending. */
  ASSERT_EQ(uv_shutdown(&sd_shutdown_req2, req->handle, NULL), UV_ENOTCONN);
  /* No writes after shutdown. */
  b = uv_buf_init(sd_data[0], 1);
  ASSERT_EQ(uv_write(&sd_late_req, req->handle, &b, 1, NULL), UV_EPIPE);
  ASSERT_OK(uv_read_start(req->handle, st_alloc_cb, sd_client_read_cb));
}

TEST(tcp_shutdown_eof_order) {
  struct sockaddr_storage addr;
  uv_tcp_t unconnected;
  uv_shutdown_t req;
  uv_loop_t loop;

  st_fill((char*) sd_data, sizeof(sd_data), 77);
  ASSERT_OK(uv_loop_init(&loop));

  /* Shutting down a stream that was never connected. */
  ASSERT_OK(uv_tcp_init(&loop, &unconnected));
  ASSERT_EQ(uv_shutdown(&req, (uv_stream_t*) &unconnected, NULL),
            UV_ENOTCONN);
  uv_close((uv_handle_t*) &unconnected, NULL);

  ASSERT_OK(st_tcp_listen(&loop, &sd_server, AF_INET, sd_connection_cb,
                          &addr));
  ASSERT_OK(uv_tcp_init(&loop, &sd_client));
  ASSERT_OK(uv_tcp_connect(&sd_connect_req, &sd_client,
                           (const struct sockaddr*) &addr, sd_connect_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(sd_writes_done, 3);
  ASSERT_EQ(sd_shutdown_done, 1);
  ASSERT_EQ(sd_peer_eof, 1);
  ASSERT_EQ(sd_peer_shutdown_done, 1);
  ASSERT_EQ(sd_client_eof, 1);
  ASSERT_EQ(sd_closed, 3);
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Connection refused */

static int refused_cb_called;

static void refused_connect_cb(uv_connect_t* req, int status) {
  ASSERT_EQ(status, UV_ECONNREFUSED);
  refused_cb_called++;
  uv_close((uv_handle_t*) req->handle, NULL);
}

TEST(tcp_connect_refused) {
  struct sockaddr_storage addr;
  uv_connect_t req;
  uv_connect_t req2;
  uv_tcp_t client;
  uv_loop_t loop;

  ASSERT_OK(uv_loop_init(&loop));
  st_loopback(AF_INET, &addr);
  st_set_port(&addr, st_unused_port(AF_INET));
  ASSERT_OK(uv_tcp_init(&loop, &client));
  ASSERT_OK(uv_tcp_connect(&req, &client, (const struct sockaddr*) &addr,
                           refused_connect_cb));
  /* One connect at a time. */
  ASSERT_EQ(uv_tcp_connect(&req2, &client, (const struct sockaddr*) &addr,
                           refused_connect_cb), UV_EALREADY);
  /* The callback never runs synchronously. */
  ASSERT_EQ(refused_cb_called, 0);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(refused_cb_called, 1);
  close_loop_and_check(&loop);
  return 0;
}

/* Closing a handle while it connects: the connect callback gets
 * UV_ECANCELED before the close callback. */
static int cc_connect_called;
static int cc_close_called;

static void cc_connect_cb(uv_connect_t* req, int status) {
  (void) req;
  ASSERT_EQ(status, UV_ECANCELED);
  ASSERT_EQ(cc_close_called, 0);
  cc_connect_called++;
}

static void cc_close_cb(uv_handle_t* handle) {
  (void) handle;
  ASSERT_EQ(cc_connect_called, 1);
  cc_close_called++;
}

TEST(tcp_close_while_connecting) {
  struct sockaddr_storage addr;
  uv_connect_t req;
  uv_tcp_t server;
  uv_tcp_t client;
  uv_loop_t loop;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(st_tcp_listen(&loop, &server, AF_INET, st_echo_connection_cb,
                          &addr));
  ASSERT_OK(uv_tcp_init(&loop, &client));
  ASSERT_OK(uv_tcp_connect(&req, &client, (const struct sockaddr*) &addr,
                           cc_connect_cb));
  uv_close((uv_handle_t*) &client, cc_close_cb);
  uv_close((uv_handle_t*) &server, NULL);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(cc_connect_called, 1);
  ASSERT_EQ(cc_close_called, 1);
  close_loop_and_check(&loop);
  return 0;
}

/* A connect request without a callback is allowed. */
static uv_tcp_t ncb_server;
static uv_tcp_t ncb_accepted;
static int ncb_accepts;

static void ncb_read_cb(uv_stream_t* stream, ssize_t nread,
                        const uv_buf_t* buf) {
  (void) buf;
  ASSERT_EQ(nread, UV_EOF);
  uv_close((uv_handle_t*) stream, NULL);
}

static void ncb_connection_cb(uv_stream_t* server, int status) {
  ASSERT_OK(status);
  ASSERT_OK(uv_tcp_init(server->loop, &ncb_accepted));
  ASSERT_OK(uv_accept(server, (uv_stream_t*) &ncb_accepted));
  ASSERT_OK(uv_read_start((uv_stream_t*) &ncb_accepted, st_alloc_cb,
                          ncb_read_cb));
  ncb_accepts++;
  uv_close((uv_handle_t*) server, NULL);
}

static uv_tcp_t ncb_client;
static uv_shutdown_t ncb_shutdown_req;

static void ncb_prepare_cb(uv_prepare_t* handle) {
  /* Once the server accepted, the connection is up: shut it down. */
  if (ncb_accepts == 1) {
    ASSERT_OK(uv_shutdown(&ncb_shutdown_req, (uv_stream_t*) &ncb_client,
                          NULL));
    uv_close((uv_handle_t*) handle, NULL);
  }
}

TEST(tcp_connect_null_cb) {
  struct sockaddr_storage addr;
  uv_prepare_t prepare;
  uv_connect_t req;
  uv_loop_t loop;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(st_tcp_listen(&loop, &ncb_server, AF_INET, ncb_connection_cb,
                          &addr));
  ASSERT_OK(uv_tcp_init(&loop, &ncb_client));
  ASSERT_OK(uv_tcp_connect(&req, &ncb_client, (const struct sockaddr*) &addr,
                           NULL));
  ASSERT_OK(uv_prepare_init(&loop, &prepare));
  ASSERT_OK(uv_prepare_start(&prepare, ncb_prepare_cb));
  /* Ends when the peer saw EOF: the client is then idle. */
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(ncb_accepts, 1);
  ASSERT(uv_is_closing((uv_handle_t*) &ncb_accepted));
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Reset by the peer */

static uv_tcp_t rst_server;
static uv_tcp_t rst_peer;
static uv_tcp_t rst_client;
static uv_connect_t rst_connect_req;
static int rst_reader_error;
static int rst_connected;
static int rst_accepted;
static int rst_reset_close_called;

static void rst_reset_close_cb(uv_handle_t* handle) {
  ASSERT_PTR_EQ(handle, &rst_client);
  rst_reset_close_called++;
}

static void rst_reader_cb(uv_stream_t* stream, ssize_t nread,
                          const uv_buf_t* buf) {
  (void) buf;
  if (nread == 0)
    return;
  ASSERT_EQ(nread, UV_ECONNRESET);
  rst_reader_error++;
  uv_close((uv_handle_t*) stream, NULL);
}

static void rst_connection_cb(uv_stream_t* server, int status) {
  ASSERT_OK(status);
  ASSERT_OK(uv_tcp_init(server->loop, &rst_peer));
  ASSERT_OK(uv_accept(server, (uv_stream_t*) &rst_peer));
  ASSERT_OK(uv_read_start((uv_stream_t*) &rst_peer, st_alloc_cb,
                          rst_reader_cb));
  uv_close((uv_handle_t*) server, NULL);
  /* Reset once both the accept and the connect callback have run. */
  rst_accepted = 1;
  if (rst_connected)
    ASSERT_OK(uv_tcp_close_reset(&rst_client, rst_reset_close_cb));
}

static void rst_connect_cb(uv_connect_t* req, int status) {
  ASSERT_OK(status);
  (void) req;
  rst_connected = 1;
  if (rst_accepted)
    ASSERT_OK(uv_tcp_close_reset(&rst_client, rst_reset_close_cb));
}

TEST(tcp_close_reset) {
  struct sockaddr_storage addr;
  uv_loop_t loop;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(st_tcp_listen(&loop, &rst_server, AF_INET, rst_connection_cb,
                          &addr));
  ASSERT_OK(uv_tcp_init(&loop, &rst_client));
  ASSERT_OK(uv_tcp_connect(&rst_connect_req, &rst_client,
                           (const struct sockaddr*) &addr, rst_connect_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(rst_connected, 1);
  ASSERT_EQ(rst_reset_close_called, 1);
  ASSERT_EQ(rst_reader_error, 1);
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Data followed by a reset, both queued before the reader looks: the read
 * that drains the data sees the hang-up in the same event, and the stream
 * ends with UV_EOF, not UV_ECONNRESET (libuv's order; luv's "tcp close reset
 * accepted" prints it). */

static int hup_reads;
static int hup_eofs;
static int hup_errors;

static void hup_read_cb(uv_stream_t* stream, ssize_t nread,
                        const uv_buf_t* buf) {
  if (nread > 0) {
    ASSERT_EQ(nread, 5);
    ASSERT_MEM_EQ(buf->base, "hello", 5);
    hup_reads++;
    return;
  }
  if (nread == 0)
    return;
  if (nread == UV_EOF)
    hup_eofs++;
  else
    hup_errors++;
  uv_close((uv_handle_t*) stream, NULL);
}

static void hup_connect_cb(uv_connect_t* req, int status) {
  struct linger lg;
  int listener;
  int fd;

  ASSERT_OK(status);
  listener = *(int*) req->data;
  fd = accept(listener, NULL, NULL);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "hello", 5), 5);
  lg.l_onoff = 1;
  lg.l_linger = 0;
  ASSERT_OK(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
  ASSERT_OK(close(fd));  /* sends RST after the data */
  /* Loopback delivers both at once: the client now has the data queued and
   * its socket is in TCP_CLOSE (POLLHUP). */
  ASSERT_OK(uv_read_start(req->handle, st_alloc_cb, hup_read_cb));
}

TEST(tcp_reset_after_data_reads_eof) {
  struct sockaddr_in addr;
  socklen_t len;
  uv_connect_t req;
  uv_tcp_t client;
  uv_loop_t loop;
  int listener;

  listener = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  ASSERT_OK(uv_ip4_addr("127.0.0.1", 0, &addr));
  ASSERT_OK(bind(listener, (struct sockaddr*) &addr, sizeof(addr)));
  ASSERT_OK(listen(listener, 1));
  len = sizeof(addr);
  ASSERT_OK(getsockname(listener, (struct sockaddr*) &addr, &len));

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_tcp_init(&loop, &client));
  req.data = &listener;
  ASSERT_OK(uv_tcp_connect(&req, &client, (const struct sockaddr*) &addr,
                           hup_connect_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(hup_reads, 1);
  ASSERT_EQ(hup_eofs, 1);
  ASSERT_EQ(hup_errors, 0);
  ASSERT_OK(close(listener));
  close_loop_and_check(&loop);
  return 0;
}
