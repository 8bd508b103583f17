/* Handle passing between processes over an IPC pipe created by uv_spawn():
 * the multi-worker echo server (the parent accepts TCP connections and
 * hands them round-robin to workers, which answer with their pid), pipe and
 * TCP handles sent in both directions, and a child that dies with handles
 * still queued for it, which must leave nothing behind in the parent.
 */

#include "test-spawn.h"

#include <unistd.h>

static void ipc_alloc_cb(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  static char slab[65536];

  (void) h;
  (void) suggested;
  buf->base = slab;
  buf->len = sizeof(slab);
}

static void free_close_cb(uv_handle_t* h) {
  free(h);
}

/* ------------------------------------------------------------------------ */
/* Multi-worker echo server */

#define ME_WORKERS 3
#define ME_CLIENTS 6

/* Worker: receives connections on the IPC pipe at descriptor 0 and answers
 * each one with "<pid>:<what the client sent>". */
typedef struct me_conn_s {
  uv_tcp_t tcp;
  uv_write_t req;
  char out[128];
} me_conn_t;

static uv_pipe_t mew_queue;

static void mew_write_cb(uv_write_t* req, int status) {
  me_conn_t* conn = req->data;

  ASSERT_OK(status);
  uv_close((uv_handle_t*) &conn->tcp, free_close_cb);
}

static void mew_conn_read_cb(uv_stream_t* s, ssize_t nread,
                             const uv_buf_t* buf) {
  me_conn_t* conn = (me_conn_t*) s;
  uv_buf_t b;
  int n;

  if (nread == 0)
    return;
  ASSERT_GT(nread, 0);
  ASSERT_OK(uv_read_stop(s));
  n = snprintf(conn->out, sizeof(conn->out), "%ld:%.*s", (long) getpid(),
               (int) nread, buf->base);
  b = uv_buf_init(conn->out, (unsigned) n);
  conn->req.data = conn;
  ASSERT_OK(uv_write(&conn->req, s, &b, 1, mew_write_cb));
}

static void mew_queue_read_cb(uv_stream_t* s, ssize_t nread,
                              const uv_buf_t* buf) {
  me_conn_t* conn;

  (void) buf;
  if (nread == UV_EOF) {
    uv_close((uv_handle_t*) s, NULL);
    return;
  }
  ASSERT_GE(nread, 0);
  while (uv_pipe_pending_count((uv_pipe_t*) s) > 0) {
    ASSERT_EQ(uv_pipe_pending_type((uv_pipe_t*) s), UV_TCP);
    conn = calloc(1, sizeof(*conn));
    ASSERT_NOT_NULL(conn);
    ASSERT_OK(uv_tcp_init(s->loop, &conn->tcp));
    ASSERT_OK(uv_accept(s, (uv_stream_t*) &conn->tcp));
    ASSERT_OK(uv_read_start((uv_stream_t*) &conn->tcp, ipc_alloc_cb,
                            mew_conn_read_cb));
  }
}

HELPER(spawn_ipc_echo_worker) {
  uv_loop_t loop;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_pipe_init(&loop, &mew_queue, 1));
  ASSERT_OK(uv_pipe_open(&mew_queue, 0));
  ASSERT_OK(uv_read_start((uv_stream_t*) &mew_queue, ipc_alloc_cb,
                          mew_queue_read_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_OK(uv_loop_close(&loop));
  return 0;
}

/* Parent. */
typedef struct me_client_s {
  uv_tcp_t tcp;
  uv_connect_t connect_req;
  uv_write_t write_req;
  char got[128];
  size_t len;
  int done;
} me_client_t;

static uv_process_t me_procs[ME_WORKERS];
static uv_pipe_t me_pipes[ME_WORKERS];
static uv_tcp_t me_server;
static me_client_t me_clients[ME_CLIENTS];
static uv_write_t me_handoff_reqs[ME_CLIENTS];
static int me_next;
static int me_clients_done;
static int me_exits;

static void me_exit_cb(uv_process_t* proc, int64_t exit_status,
                       int term_signal) {
  ASSERT_EQ(exit_status, 0);
  ASSERT_EQ(term_signal, 0);
  me_exits++;
  uv_close((uv_handle_t*) proc, NULL);
}

static void me_handoff_cb(uv_write_t* req, int status) {
  ASSERT_OK(status);
  /* The worker has its own copy now. */
  uv_close((uv_handle_t*) req->data, free_close_cb);
}

static void me_connection_cb(uv_stream_t* server, int status) {
  uv_tcp_t* conn;
  uv_buf_t b;
  int w;

  ASSERT_OK(status);
  ASSERT_LT(me_next, ME_CLIENTS);
  conn = malloc(sizeof(*conn));
  ASSERT_NOT_NULL(conn);
  ASSERT_OK(uv_tcp_init(server->loop, conn));
  ASSERT_OK(uv_accept(server, (uv_stream_t*) conn));
  w = me_next % ME_WORKERS;
  b = uv_buf_init((char*) "c", 1);
  me_handoff_reqs[me_next].data = conn;
  ASSERT_OK(uv_write2(&me_handoff_reqs[me_next],
                      (uv_stream_t*) &me_pipes[w], &b, 1,
                      (uv_stream_t*) conn, me_handoff_cb));
  me_next++;
}

static void me_client_alloc_cb(uv_handle_t* h, size_t suggested,
                               uv_buf_t* buf) {
  me_client_t* c = (me_client_t*) h;

  (void) suggested;
  buf->base = c->got + c->len;
  buf->len = sizeof(c->got) - 1 - c->len;
}

static void me_client_read_cb(uv_stream_t* s, ssize_t nread,
                              const uv_buf_t* buf) {
  me_client_t* c = (me_client_t*) s;
  int i;

  (void) buf;
  if (nread == UV_EOF) {
    c->done = 1;
    uv_close((uv_handle_t*) s, NULL);
    if (++me_clients_done == ME_CLIENTS) {
      uv_close((uv_handle_t*) &me_server, NULL);
      /* End of file on the queues: the workers exit. */
      for (i = 0; i < ME_WORKERS; i++)
        uv_close((uv_handle_t*) &me_pipes[i], NULL);
    }
    return;
  }
  ASSERT_GE(nread, 0);
  c->len += (size_t) nread;
}

static void me_client_write_cb(uv_write_t* req, int status) {
  (void) req;
  ASSERT_OK(status);
}

static void me_client_connect_cb(uv_connect_t* req, int status) {
  me_client_t* c = (me_client_t*) req->handle;
  uv_buf_t b;

  ASSERT_OK(status);
  b = uv_buf_init((char*) "hello", 5);
  ASSERT_OK(uv_write(&c->write_req, req->handle, &b, 1, me_client_write_cb));
  ASSERT_OK(uv_read_start(req->handle, me_client_alloc_cb,
                          me_client_read_cb));
}

TEST_TIMEOUT(spawn_ipc_multi_echo, 20);
TEST(spawn_ipc_multi_echo) {
  struct sockaddr_storage addr;
  uv_stdio_container_t stdio[3];
  uv_process_options_t o;
  uv_loop_t loop;
  char* args[8];
  int answered[ME_WORKERS];
  long pid;
  int i;
  int w;

  spawn_test_begin();
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(st_tcp_listen(&loop, &me_server, AF_INET, me_connection_cb,
                          &addr));
  for (i = 0; i < ME_WORKERS; i++) {
    ASSERT_OK(uv_pipe_init(&loop, &me_pipes[i], 1));
    memset(&o, 0, sizeof(o));
    memset(stdio, 0, sizeof(stdio));
    stdio[0].flags = UV_CREATE_PIPE | UV_READABLE_PIPE | UV_WRITABLE_PIPE;
    stdio[0].data.stream = (uv_stream_t*) &me_pipes[i];
    stdio[2].flags = UV_INHERIT_FD;
    stdio[2].data.fd = 2;
    o.stdio = stdio;
    o.stdio_count = 3;
    o.file = test_exepath();
    o.args = spawn_helper_args(args, "spawn_ipc_echo_worker", NULL, NULL,
                               NULL);
    o.exit_cb = me_exit_cb;
    ASSERT_OK(uv_spawn(&loop, &me_procs[i], &o));
  }
  for (i = 0; i < ME_CLIENTS; i++) {
    ASSERT_OK(uv_tcp_init(&loop, &me_clients[i].tcp));
    ASSERT_OK(uv_tcp_connect(&me_clients[i].connect_req, &me_clients[i].tcp,
                             (const struct sockaddr*) &addr,
                             me_client_connect_cb));
  }
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(me_clients_done, ME_CLIENTS);
  ASSERT_EQ(me_exits, ME_WORKERS);
  memset(answered, 0, sizeof(answered));
  for (i = 0; i < ME_CLIENTS; i++) {
    me_clients[i].got[me_clients[i].len] = '\0';
    pid = strtol(me_clients[i].got, NULL, 10);
    ASSERT_NOT_NULL(strchr(me_clients[i].got, ':'));
    ASSERT_STR_EQ(strchr(me_clients[i].got, ':'), ":hello");
    for (w = 0; w < ME_WORKERS && me_procs[w].pid != pid; w++)
      ;
    ASSERT_LT(w, ME_WORKERS);
    answered[w]++;
  }
  /* Round robin: every worker served its share. */
  for (w = 0; w < ME_WORKERS; w++)
    ASSERT_EQ(answered[w], ME_CLIENTS / ME_WORKERS);
  spawn_assert_no_children();
  close_loop_and_check(&loop);
  spawn_test_end();
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Pipe and TCP handles, parent to child and child to parent */

/* Child: the IPC pipe is descriptor 3.  For 'P' (a pipe) and 'T' (a TCP
 * connection) it writes a line into the received handle; then it sends
 * 'p' (one end of a new socketpair, whose other end says "pipe-to-parent")
 * and 't' (a listening TCP socket) back, and closes everything. */
static uv_pipe_t bc_ipc;
static int bc_got;
static int bc_sent;
static uv_write_t bc_reqs[4];

static void bc_close_after_write_cb(uv_write_t* req, int status) {
  ASSERT_OK(status);
  uv_close((uv_handle_t*) req->data, free_close_cb);
  if (req == &bc_reqs[2] || req == &bc_reqs[3]) {
    if (++bc_sent == 2)
      uv_close((uv_handle_t*) &bc_ipc, NULL);
  }
}

static void bc_write_line(uv_stream_t* s, uv_write_t* req, const char* text) {
  uv_buf_t b;

  b = uv_buf_init((char*) text, (unsigned) strlen(text));
  req->data = s;
  ASSERT_OK(uv_write(req, s, &b, 1, bc_close_after_write_cb));
}

static void bc_send_back(uv_loop_t* loop) {
  struct sockaddr_storage addr;
  uv_os_sock_t sv[2];
  uv_pipe_t* keep;
  uv_pipe_t* give;
  uv_tcp_t* lis;
  uv_buf_t b;
  static uv_write_t keep_req;

  ASSERT_OK(uv_socketpair(SOCK_STREAM, 0, sv, 0, 0));
  keep = malloc(sizeof(*keep));
  give = malloc(sizeof(*give));
  lis = malloc(sizeof(*lis));
  ASSERT_NOT_NULL(keep);
  ASSERT_NOT_NULL(give);
  ASSERT_NOT_NULL(lis);
  ASSERT_OK(uv_pipe_init(loop, keep, 0));
  ASSERT_OK(uv_pipe_open(keep, sv[0]));
  ASSERT_OK(uv_pipe_init(loop, give, 0));
  ASSERT_OK(uv_pipe_open(give, sv[1]));
  bc_write_line((uv_stream_t*) keep, &keep_req, "pipe-to-parent");
  ASSERT_OK(st_tcp_listen(loop, lis, AF_INET, NULL, &addr));
  b = uv_buf_init((char*) "p", 1);
  bc_reqs[2].data = give;
  ASSERT_OK(uv_write2(&bc_reqs[2], (uv_stream_t*) &bc_ipc, &b, 1,
                      (uv_stream_t*) give, bc_close_after_write_cb));
  b = uv_buf_init((char*) "t", 1);
  bc_reqs[3].data = lis;
  ASSERT_OK(uv_write2(&bc_reqs[3], (uv_stream_t*) &bc_ipc, &b, 1,
                      (uv_stream_t*) lis, bc_close_after_write_cb));
}

static void bc_read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  uv_pipe_t* p;
  uv_tcp_t* t;
  ssize_t i;

  if (nread == UV_EOF) {
    if (!uv_is_closing((uv_handle_t*) s))
      uv_close((uv_handle_t*) s, NULL);
    return;
  }
  ASSERT_GE(nread, 0);
  for (i = 0; i < nread; i++) {
    ASSERT_GT(uv_pipe_pending_count((uv_pipe_t*) s), 0);
    if (buf->base[i] == 'P') {
      ASSERT_EQ(uv_pipe_pending_type((uv_pipe_t*) s), UV_NAMED_PIPE);
      p = malloc(sizeof(*p));
      ASSERT_NOT_NULL(p);
      ASSERT_OK(uv_pipe_init(s->loop, p, 0));
      ASSERT_OK(uv_accept(s, (uv_stream_t*) p));
      bc_write_line((uv_stream_t*) p, &bc_reqs[0], "pipe-from-child");
    } else {
      ASSERT_EQ(buf->base[i], 'T');
      ASSERT_EQ(uv_pipe_pending_type((uv_pipe_t*) s), UV_TCP);
      t = malloc(sizeof(*t));
      ASSERT_NOT_NULL(t);
      ASSERT_OK(uv_tcp_init(s->loop, t));
      ASSERT_OK(uv_accept(s, (uv_stream_t*) t));
      bc_write_line((uv_stream_t*) t, &bc_reqs[1], "tcp-from-child");
    }
    if (++bc_got == 2) {
      ASSERT_OK(uv_read_stop(s));
      bc_send_back(s->loop);
    }
  }
}

HELPER(spawn_ipc_bounce) {
  uv_loop_t loop;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_pipe_init(&loop, &bc_ipc, 1));
  ASSERT_OK(uv_pipe_open(&bc_ipc, 3));
  ASSERT_OK(uv_read_start((uv_stream_t*) &bc_ipc, ipc_alloc_cb, bc_read_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(bc_got, 2);
  ASSERT_EQ(bc_sent, 2);
  ASSERT_OK(uv_loop_close(&loop));
  return 0;
}

/* Parent.  Each reader collects one stream to its end and compares. */
typedef struct bp_reader_s {
  union {
    uv_pipe_t pipe;
    uv_tcp_t tcp;
  } h;
  const char* expect;
  char got[64];
  size_t len;
  int done;
} bp_reader_t;

static bp_reader_t bp_from_child_pipe;
static bp_reader_t bp_from_child_tcp;
static bp_reader_t bp_to_parent_pipe;
static bp_reader_t bp_listener_client;
static uv_pipe_t bp_ipc;
static uv_pipe_t bp_give_pipe;
static uv_tcp_t bp_listener0;
static uv_tcp_t bp_give_tcp;
static uv_tcp_t bp_recv_listener;
static uv_connect_t bp_connect_req;
static uv_connect_t bp_connect_req2;
static uv_write_t bp_reqs[3];
static uv_process_t bp_proc;
static int bp_exited;
static int bp_accepted_on_passed;

static void bp_alloc_cb(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  bp_reader_t* r = (bp_reader_t*) h;

  (void) suggested;
  buf->base = r->got + r->len;
  buf->len = sizeof(r->got) - 1 - r->len;
}

static void bp_read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  bp_reader_t* r = (bp_reader_t*) s;

  (void) buf;
  if (nread == UV_EOF) {
    r->got[r->len] = '\0';
    ASSERT_STR_EQ(r->got, r->expect);
    r->done = 1;
    uv_close((uv_handle_t*) s, NULL);
    return;
  }
  ASSERT_GE(nread, 0);
  r->len += (size_t) nread;
}

static void bp_reader_start(bp_reader_t* r, const char* expect) {
  r->expect = expect;
  ASSERT_OK(uv_read_start((uv_stream_t*) &r->h, bp_alloc_cb, bp_read_cb));
}

static void bp_give_cb(uv_write_t* req, int status) {
  ASSERT_OK(status);
  uv_close((uv_handle_t*) req->data, NULL);
}

static void bp_on_passed_write_cb(uv_write_t* req, int status) {
  ASSERT_OK(status);
  uv_close((uv_handle_t*) req->data, free_close_cb);
  free(req);
}

/* A connection on the listener the child sent us. */
static void bp_passed_connection_cb(uv_stream_t* server, int status) {
  uv_write_t* req;
  uv_tcp_t* conn;
  uv_buf_t b;

  ASSERT_OK(status);
  conn = malloc(sizeof(*conn));
  req = malloc(sizeof(*req));
  ASSERT_NOT_NULL(conn);
  ASSERT_NOT_NULL(req);
  ASSERT_OK(uv_tcp_init(server->loop, conn));
  ASSERT_OK(uv_accept(server, (uv_stream_t*) conn));
  bp_accepted_on_passed++;
  b = uv_buf_init((char*) "via-passed-listener", 19);
  req->data = conn;
  ASSERT_OK(uv_write(req, (uv_stream_t*) conn, &b, 1,
                     bp_on_passed_write_cb));
  uv_close((uv_handle_t*) server, NULL);
}

static void bp_client2_connect_cb(uv_connect_t* req, int status) {
  ASSERT_OK(status);
  (void) req;
  bp_reader_start(&bp_listener_client, "via-passed-listener");
}

static void bp_ipc_read_cb(uv_stream_t* s, ssize_t nread,
                           const uv_buf_t* buf) {
  struct sockaddr_storage addr;
  int namelen;
  ssize_t i;

  if (nread == UV_EOF) {
    uv_close((uv_handle_t*) s, NULL);
    return;
  }
  ASSERT_GE(nread, 0);
  for (i = 0; i < nread; i++) {
    ASSERT_GT(uv_pipe_pending_count((uv_pipe_t*) s), 0);
    if (buf->base[i] == 'p') {
      ASSERT_EQ(uv_pipe_pending_type((uv_pipe_t*) s), UV_NAMED_PIPE);
      ASSERT_OK(uv_pipe_init(s->loop, &bp_to_parent_pipe.h.pipe, 0));
      ASSERT_OK(uv_accept(s, (uv_stream_t*) &bp_to_parent_pipe.h.pipe));
      bp_reader_start(&bp_to_parent_pipe, "pipe-to-parent");
    } else {
      ASSERT_EQ(buf->base[i], 't');
      ASSERT_EQ(uv_pipe_pending_type((uv_pipe_t*) s), UV_TCP);
      ASSERT_OK(uv_tcp_init(s->loop, &bp_recv_listener));
      ASSERT_OK(uv_accept(s, (uv_stream_t*) &bp_recv_listener));
      ASSERT_OK(uv_listen((uv_stream_t*) &bp_recv_listener, 8,
                          bp_passed_connection_cb));
      namelen = (int) sizeof(addr);
      ASSERT_OK(uv_tcp_getsockname(&bp_recv_listener,
                                   (struct sockaddr*) &addr, &namelen));
      ASSERT_OK(uv_tcp_init(s->loop, &bp_listener_client.h.tcp));
      ASSERT_OK(uv_tcp_connect(&bp_connect_req2, &bp_listener_client.h.tcp,
                               (const struct sockaddr*) &addr,
                               bp_client2_connect_cb));
    }
  }
}

static void bp_exit_cb(uv_process_t* proc, int64_t exit_status,
                       int term_signal) {
  ASSERT_EQ(exit_status, 0);
  ASSERT_EQ(term_signal, 0);
  bp_exited++;
  uv_close((uv_handle_t*) proc, NULL);
}

static void bp_listener0_cb(uv_stream_t* server, int status) {
  uv_buf_t b;

  ASSERT_OK(status);
  ASSERT_OK(uv_tcp_init(server->loop, &bp_give_tcp));
  ASSERT_OK(uv_accept(server, (uv_stream_t*) &bp_give_tcp));
  uv_close((uv_handle_t*) server, NULL);
  /* Parent to child: a pipe, then a TCP connection. */
  b = uv_buf_init((char*) "P", 1);
  bp_reqs[0].data = &bp_give_pipe;
  ASSERT_OK(uv_write2(&bp_reqs[0], (uv_stream_t*) &bp_ipc, &b, 1,
                      (uv_stream_t*) &bp_give_pipe, bp_give_cb));
  b = uv_buf_init((char*) "T", 1);
  bp_reqs[1].data = &bp_give_tcp;
  ASSERT_OK(uv_write2(&bp_reqs[1], (uv_stream_t*) &bp_ipc, &b, 1,
                      (uv_stream_t*) &bp_give_tcp, bp_give_cb));
}

static void bp_connect_cb(uv_connect_t* req, int status) {
  ASSERT_OK(status);
  (void) req;
  bp_reader_start(&bp_from_child_tcp, "tcp-from-child");
}

TEST_TIMEOUT(spawn_ipc_handles_both_ways, 20);
TEST(spawn_ipc_handles_both_ways) {
  struct sockaddr_storage addr;
  uv_stdio_container_t stdio[4];
  uv_process_options_t o;
  uv_os_sock_t sv[2];
  uv_loop_t loop;
  char* args[8];

  spawn_test_begin();
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_pipe_init(&loop, &bp_ipc, 1));
  memset(&o, 0, sizeof(o));
  memset(stdio, 0, sizeof(stdio));
  stdio[2].flags = UV_INHERIT_FD;
  stdio[2].data.fd = 2;
  stdio[3].flags = UV_CREATE_PIPE | UV_READABLE_PIPE | UV_WRITABLE_PIPE;
  stdio[3].data.stream = (uv_stream_t*) &bp_ipc;
  o.stdio = stdio;
  o.stdio_count = 4;
  o.file = test_exepath();
  o.args = spawn_helper_args(args, "spawn_ipc_bounce", NULL, NULL, NULL);
  o.exit_cb = bp_exit_cb;
  ASSERT_OK(uv_spawn(&loop, &bp_proc, &o));
  ASSERT_OK(uv_read_start((uv_stream_t*) &bp_ipc, ipc_alloc_cb,
                          bp_ipc_read_cb));

  ASSERT_OK(uv_socketpair(SOCK_STREAM, 0, sv, 0, 0));
  ASSERT_OK(uv_pipe_init(&loop, &bp_from_child_pipe.h.pipe, 0));
  ASSERT_OK(uv_pipe_open(&bp_from_child_pipe.h.pipe, sv[0]));
  ASSERT_OK(uv_pipe_init(&loop, &bp_give_pipe, 0));
  ASSERT_OK(uv_pipe_open(&bp_give_pipe, sv[1]));
  bp_reader_start(&bp_from_child_pipe, "pipe-from-child");

  ASSERT_OK(st_tcp_listen(&loop, &bp_listener0, AF_INET, bp_listener0_cb,
                          &addr));
  ASSERT_OK(uv_tcp_init(&loop, &bp_from_child_tcp.h.tcp));
  ASSERT_OK(uv_tcp_connect(&bp_connect_req, &bp_from_child_tcp.h.tcp,
                           (const struct sockaddr*) &addr, bp_connect_cb));

  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(bp_exited, 1);
  ASSERT_EQ(bp_from_child_pipe.done, 1);
  ASSERT_EQ(bp_from_child_tcp.done, 1);
  ASSERT_EQ(bp_to_parent_pipe.done, 1);
  ASSERT_EQ(bp_listener_client.done, 1);
  ASSERT_EQ(bp_accepted_on_passed, 1);
  spawn_assert_no_children();
  close_loop_and_check(&loop);
  spawn_test_end();
  return 0;
}

/* ------------------------------------------------------------------------ */
/* A child that dies with handles queued for it */

/* Child: waits for end of file on stdin and exits, never reading the IPC
 * pipe at descriptor 3. */
HELPER(spawn_ipc_ignore) {
  char c;
  ssize_t n;

  do
    n = read(0, &c, 1);
  while (n > 0 || (n < 0 && errno == EINTR));
  return n == 0 ? 0 : 1;
}

#define DH_PAIRS 4

static uv_pipe_t dh_ctl;
static uv_pipe_t dh_ipc;
static uv_pipe_t dh_give[DH_PAIRS];
static uv_pipe_t dh_keep[DH_PAIRS];
static uv_tcp_t dh_tcp[DH_PAIRS];
static uv_write_t dh_reqs[2 * DH_PAIRS];
static int dh_written;
static int dh_keep_eof;
static int dh_exited;

static void dh_keep_read_cb(uv_stream_t* s, ssize_t nread,
                            const uv_buf_t* buf) {
  (void) buf;
  /* Only the end of file: the last copy of the peer, the one queued for
   * the child, is gone. */
  ASSERT_EQ(nread, UV_EOF);
  dh_keep_eof++;
  uv_close((uv_handle_t*) s, NULL);
}

static void dh_write_cb(uv_write_t* req, int status) {
  ASSERT_OK(status);
  uv_close((uv_handle_t*) req->data, NULL);
  if (++dh_written == 2 * DH_PAIRS)
    uv_close((uv_handle_t*) &dh_ctl, NULL);
}

static void dh_ipc_read_cb(uv_stream_t* s, ssize_t nread,
                           const uv_buf_t* buf) {
  (void) buf;
  /* Linux resets a Unix socket closed with data unread (ECONNRESET);
   * other kernels may report a plain end of file. */
  if (nread != UV_ECONNRESET)
    ASSERT_EQ(nread, UV_EOF);
  ASSERT_EQ(uv_pipe_pending_count((uv_pipe_t*) s), 0);
  uv_close((uv_handle_t*) s, NULL);
}

static void dh_exit_cb(uv_process_t* proc, int64_t exit_status,
                       int term_signal) {
  ASSERT_EQ(exit_status, 0);
  ASSERT_EQ(term_signal, 0);
  dh_exited++;
  uv_close((uv_handle_t*) proc, NULL);
}

TEST(spawn_ipc_child_dies_with_handles) {
  struct sockaddr_in addr;
  uv_stdio_container_t stdio[4];
  uv_process_options_t o;
  uv_process_t proc;
  uv_os_sock_t sv[2];
  uv_loop_t loop;
  uv_buf_t b;
  char* args[8];
  int i;

  spawn_test_begin();
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_pipe_init(&loop, &dh_ctl, 0));
  ASSERT_OK(uv_pipe_init(&loop, &dh_ipc, 1));
  memset(&o, 0, sizeof(o));
  memset(stdio, 0, sizeof(stdio));
  stdio[0].flags = UV_CREATE_PIPE | UV_READABLE_PIPE;
  stdio[0].data.stream = (uv_stream_t*) &dh_ctl;
  stdio[2].flags = UV_INHERIT_FD;
  stdio[2].data.fd = 2;
  stdio[3].flags = UV_CREATE_PIPE | UV_READABLE_PIPE | UV_WRITABLE_PIPE;
  stdio[3].data.stream = (uv_stream_t*) &dh_ipc;
  o.stdio = stdio;
  o.stdio_count = 4;
  o.file = test_exepath();
  o.args = spawn_helper_args(args, "spawn_ipc_ignore", NULL, NULL, NULL);
  o.exit_cb = dh_exit_cb;
  ASSERT_OK(uv_spawn(&loop, &proc, &o));
  ASSERT_OK(uv_read_start((uv_stream_t*) &dh_ipc, ipc_alloc_cb,
                          dh_ipc_read_cb));
  ASSERT_OK(uv_ip4_addr("127.0.0.1", 0, &addr));
  b = uv_buf_init((char*) "h", 1);
  for (i = 0; i < DH_PAIRS; i++) {
    ASSERT_OK(uv_socketpair(SOCK_STREAM, 0, sv, 0, 0));
    ASSERT_OK(uv_pipe_init(&loop, &dh_keep[i], 0));
    ASSERT_OK(uv_pipe_open(&dh_keep[i], sv[0]));
    ASSERT_OK(uv_read_start((uv_stream_t*) &dh_keep[i], ipc_alloc_cb,
                            dh_keep_read_cb));
    ASSERT_OK(uv_pipe_init(&loop, &dh_give[i], 0));
    ASSERT_OK(uv_pipe_open(&dh_give[i], sv[1]));
    dh_reqs[2 * i].data = &dh_give[i];
    ASSERT_OK(uv_write2(&dh_reqs[2 * i], (uv_stream_t*) &dh_ipc, &b, 1,
                        (uv_stream_t*) &dh_give[i], dh_write_cb));
    ASSERT_OK(uv_tcp_init(&loop, &dh_tcp[i]));
    ASSERT_OK(uv_tcp_bind(&dh_tcp[i], (const struct sockaddr*) &addr, 0));
    dh_reqs[2 * i + 1].data = &dh_tcp[i];
    ASSERT_OK(uv_write2(&dh_reqs[2 * i + 1], (uv_stream_t*) &dh_ipc, &b, 1,
                        (uv_stream_t*) &dh_tcp[i], dh_write_cb));
  }
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(dh_written, 2 * DH_PAIRS);
  ASSERT_EQ(dh_exited, 1);
  ASSERT_EQ(dh_keep_eof, DH_PAIRS);
  spawn_assert_no_children();
  close_loop_and_check(&loop);
  spawn_test_end();
  return 0;
}
