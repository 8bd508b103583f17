/* UDP handles: loopback round trips over IPv4 and IPv6, the largest
 * datagram, truncation (UV_UDP_PARTIAL), empty datagrams, a burst received
 * with recvmmsg under the documented buffer contract, connect/disconnect,
 * try_send/try_send2, the send queue counters and in-order completion
 * (on a Unix datagram socket pair, where the sender really fills up),
 * cancellation on close, multicast on loopback, option validation, bad
 * input, and a UDP handle passed over an IPC pipe. */

#include "task.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

static struct sockaddr_storage bound_addr(uv_udp_t* h) {
  struct sockaddr_storage ss;
  int len;

  len = (int) sizeof(ss);
  ASSERT_OK(uv_udp_getsockname(h, (struct sockaddr*) &ss, &len));
  return ss;
}

static void bind_loopback4(uv_udp_t* h, unsigned int flags) {
  struct sockaddr_in a;
  ASSERT_OK(uv_ip4_addr("127.0.0.1", 0, &a));
  ASSERT_OK(uv_udp_bind(h, (const struct sockaddr*) &a, flags));
}

static char rbuf[65536];

static void static_alloc_cb(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void) h;
  ASSERT_EQ(suggested, 65536);
  buf->base = rbuf;
  buf->len = sizeof(rbuf);
}

/* ------------------------------------------------------------------------ */
/* Ping-pong: the client sends unbound (auto-bind), the server answers to
 * the address it saw. */

static uv_udp_t pp_server;
static uv_udp_t pp_client;
static uv_udp_send_t pp_req_ping;
static uv_udp_send_t pp_req_pong;
static int pp_in_send;
static int pp_send_cbs;
static int pp_got_ping;
static int pp_got_pong;
static int pp_family;

static void pp_send_cb(uv_udp_send_t* req, int status) {
  ASSERT_OK(status);
  ASSERT_EQ(pp_in_send, 0);  /* never from inside uv_udp_send */
  ASSERT_UINT64_EQ(uv_udp_get_send_queue_count(req->handle), 0);
  ASSERT_UINT64_EQ(uv_udp_get_send_queue_size(req->handle), 0);
  pp_send_cbs++;
}

static void pp_server_recv(uv_udp_t* h, ssize_t nread, const uv_buf_t* buf,
                           const struct sockaddr* addr, unsigned flags) {
  uv_buf_t b;

  if (nread == 0 && addr == NULL)
    return;
  ASSERT_EQ(nread, 4);
  ASSERT_EQ(flags, 0);
  ASSERT_MEM_EQ(buf->base, "PING", 4);
  ASSERT_EQ(addr->sa_family, pp_family);
  pp_got_ping++;
  b = uv_buf_init("PONG", 4);
  pp_in_send = 1;
  ASSERT_OK(uv_udp_send(&pp_req_pong, h, &b, 1, addr, pp_send_cb));
  pp_in_send = 0;
}

static void pp_client_recv(uv_udp_t* h, ssize_t nread, const uv_buf_t* buf,
                           const struct sockaddr* addr, unsigned flags) {
  if (nread == 0 && addr == NULL)
    return;
  ASSERT_EQ(nread, 4);
  ASSERT_EQ(flags, 0);
  ASSERT_MEM_EQ(buf->base, "PONG", 4);
  pp_got_pong++;
  uv_close((uv_handle_t*) h, NULL);
  uv_close((uv_handle_t*) &pp_server, NULL);
}

static int ping_pong(const char* ip, int family) {
  struct sockaddr_storage dst;
  struct sockaddr_in6 a6;
  struct sockaddr_in a4;
  uv_loop_t loop;
  uv_buf_t b;
  int r;

  pp_family = family;
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_udp_init(&loop, &pp_server));
  if (family == AF_INET6) {
    ASSERT_OK(uv_ip6_addr(ip, 0, &a6));
    r = uv_udp_bind(&pp_server, (const struct sockaddr*) &a6, 0);
    if (r == UV_EADDRNOTAVAIL || r == UV_EAFNOSUPPORT) {
      uv_close((uv_handle_t*) &pp_server, NULL);
      close_loop_and_check(&loop);
      RETURN_SKIP("IPv6 loopback ::1 is not configured");
    }
    ASSERT_OK(r);
  } else {
    ASSERT_OK(uv_ip4_addr(ip, 0, &a4));
    ASSERT_OK(uv_udp_bind(&pp_server, (const struct sockaddr*) &a4, 0));
  }
  dst = bound_addr(&pp_server);
  ASSERT_OK(uv_udp_recv_start(&pp_server, static_alloc_cb, pp_server_recv));

  ASSERT_OK(uv_udp_init(&loop, &pp_client));
  b = uv_buf_init("PING", 4);
  pp_in_send = 1;
  ASSERT_OK(uv_udp_send(&pp_req_ping, &pp_client, &b, 1,
                        (const struct sockaddr*) &dst, pp_send_cb));
  pp_in_send = 0;
  /* Sent at once, but reported only from the loop: still counted. */
  ASSERT_UINT64_EQ(pp_client.send_queue_count, 1);
  ASSERT_UINT64_EQ(pp_client.send_queue_size, 4);
  ASSERT_EQ(pp_send_cbs, 0);
  /* The send bound the client to the wildcard of the destination family. */
  {
    struct sockaddr_storage mine = bound_addr(&pp_client);
    ASSERT_EQ(mine.ss_family, family);
  }
  ASSERT_OK(uv_udp_recv_start(&pp_client, static_alloc_cb, pp_client_recv));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(pp_got_ping, 1);
  ASSERT_EQ(pp_got_pong, 1);
  ASSERT_EQ(pp_send_cbs, 2);
  close_loop_and_check(&loop);
  return 0;
}

TEST(udp_ping_pong_ipv4) {
  return ping_pong("127.0.0.1", AF_INET);
}

TEST(udp_ping_pong_ipv6) {
  return ping_pong("::1", AF_INET6);
}

/* ------------------------------------------------------------------------ */
/* The largest IPv4 datagram (65507 bytes), then a truncated one, then an
 * empty one, all to the same receiver. */

#define BIG_LEN 65507

static int sz_stage;
static char* sz_small;

static void sz_alloc_cb(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void) h;
  (void) suggested;
  if (sz_stage == 1) {
    buf->base = sz_small;  /* too small on purpose */
    buf->len = 10;
  } else {
    buf->base = rbuf;
    buf->len = sizeof(rbuf);
  }
}

static void sz_recv_cb(uv_udp_t* h, ssize_t nread, const uv_buf_t* buf,
                       const struct sockaddr* addr, unsigned flags) {
  ssize_t i;

  if (nread == 0 && addr == NULL)
    return;
  ASSERT_NOT_NULL(addr);
  switch (sz_stage) {
    case 0:
      ASSERT_EQ(nread, BIG_LEN);
      ASSERT_EQ(flags, 0);
      for (i = 0; i < nread; i++)
        ASSERT_EQ((unsigned char) buf->base[i], (unsigned char) (i * 7));
      break;
    case 1:
      ASSERT_EQ(nread, 10);
      ASSERT_EQ(flags, UV_UDP_PARTIAL);
      ASSERT_MEM_EQ(buf->base, "0123456789", 10);
      break;
    case 2:
      ASSERT_EQ(nread, 0);  /* an empty datagram: addr is set */
      ASSERT_EQ(flags, 0);
      uv_close((uv_handle_t*) h, NULL);
      break;
  }
  sz_stage++;
}

TEST(udp_datagram_sizes) {
  struct sockaddr_storage dst;
  static char big[BIG_LEN];
  char small[10];
  uv_loop_t loop;
  uv_udp_t rx;
  uv_udp_t tx;
  uv_buf_t b;
  int size;
  int i;

  for (i = 0; i < BIG_LEN; i++)
    big[i] = (char) (i * 7);
  sz_small = small;
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_udp_init(&loop, &rx));
  bind_loopback4(&rx, 0);
  size = 1 << 20;
  ASSERT_OK(uv_recv_buffer_size((uv_handle_t*) &rx, &size));
  dst = bound_addr(&rx);
  ASSERT_OK(uv_udp_init(&loop, &tx));

  b = uv_buf_init(big, BIG_LEN);
  ASSERT_EQ(uv_udp_try_send(&tx, &b, 1, (const struct sockaddr*) &dst),
            BIG_LEN);
  b = uv_buf_init(big, BIG_LEN + 1);  /* one byte too many for IPv4 */
  ASSERT_EQ(uv_udp_try_send(&tx, &b, 1, (const struct sockaddr*) &dst),
            UV_EMSGSIZE);
  {
    uv_buf_t two[2];
    two[0] = uv_buf_init("01234", 5);
    two[1] = uv_buf_init("56789abcdefghij", 15);
    ASSERT_EQ(uv_udp_try_send(&tx, two, 2, (const struct sockaddr*) &dst),
              20);
  }
  b = uv_buf_init("", 0);
  ASSERT_EQ(uv_udp_try_send(&tx, &b, 1, (const struct sockaddr*) &dst), 0);

  ASSERT_OK(uv_udp_recv_start(&rx, sz_alloc_cb, sz_recv_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(sz_stage, 3);
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* A burst of 100000 datagrams, sent with try_send2 under a window of
 * datagrams in flight and received with recvmmsg.  UDP may drop: a stall
 * forgives the window, and at least half must arrive.  The loop must keep
 * turning: reads are capped at 32 datagrams per readiness event, so it
 * turns at least once per 32 datagrams received. */

#define BURST_N 100000
#define BURST_WINDOW 2048
#define BURST_BATCH 64
#define MMSG_CHUNKS 16

static uv_udp_t bu_rx;
static uv_udp_t bu_tx;
static uv_prepare_t bu_prep;
static uv_timer_t bu_timer;
static struct sockaddr_storage bu_dst;
static unsigned long bu_sent;
static unsigned long bu_recv;
static unsigned long bu_credit;     /* datagrams written off as lost */
static unsigned long bu_turns;
static unsigned long bu_last_recv;
static unsigned long bu_allocs;
static unsigned long bu_frees;
static unsigned long bu_chunks;
static char* bu_cur;                /* the buffer being filled, or NULL */

static void bu_alloc_cb(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  ASSERT_EQ(suggested, 65536);
  ASSERT(uv_udp_using_recvmmsg((uv_udp_t*) h));
  ASSERT_NULL(bu_cur);  /* the previous one was given back */
  bu_cur = malloc(MMSG_CHUNKS * 65536);
  ASSERT_NOT_NULL(bu_cur);
  bu_allocs++;
  *buf = uv_buf_init(bu_cur, MMSG_CHUNKS * 65536);
}

static void bu_recv_cb(uv_udp_t* h, ssize_t nread, const uv_buf_t* buf,
                       const struct sockaddr* addr, unsigned flags) {
  (void) h;
  if (flags & UV_UDP_MMSG_CHUNK) {
    ASSERT_NOT_NULL(addr);
    ASSERT_EQ(nread, 16);
    ASSERT(buf->base >= bu_cur && buf->base < bu_cur + MMSG_CHUNKS * 65536);
    ASSERT_MEM_EQ(buf->base, "burst-datagram!!", 16);
    bu_chunks++;
    bu_recv++;
    return;
  }
  /* Either the final FREE of a batch, or "nothing more" / an error with
   * the whole buffer: the buffer is ours again in every case. */
  ASSERT_GE(nread, 0);
  ASSERT_NULL(addr);
  if (flags & UV_UDP_MMSG_FREE)
    ASSERT_EQ(nread, 0);
  ASSERT_PTR_EQ(buf->base, bu_cur);
  free(bu_cur);
  bu_cur = NULL;
  bu_frees++;
}

static void bu_send_some(void) {
  uv_buf_t one = uv_buf_init("burst-datagram!!", 16);
  uv_buf_t* bufs[BURST_BATCH];
  unsigned int nbufs[BURST_BATCH];
  struct sockaddr* addrs[BURST_BATCH];
  unsigned int n;
  unsigned int i;
  int r;

  while (bu_sent < BURST_N &&
         bu_sent - bu_recv - bu_credit < BURST_WINDOW) {
    n = BURST_BATCH;
    if (n > BURST_N - bu_sent)
      n = (unsigned int) (BURST_N - bu_sent);
    for (i = 0; i < n; i++) {
      bufs[i] = &one;
      nbufs[i] = 1;
      addrs[i] = (struct sockaddr*) &bu_dst;
    }
    r = uv_udp_try_send2(&bu_tx, n, bufs, nbufs, addrs, 0);
    if (r == UV_EAGAIN)
      return;
    ASSERT_GT(r, 0);
    bu_sent += (unsigned long) r;
  }
}

static void bu_prep_cb(uv_prepare_t* p) {
  (void) p;
  bu_turns++;
  bu_send_some();
}

static void bu_timer_cb(uv_timer_t* t) {
  if (bu_recv == bu_last_recv) {
    if (bu_sent == BURST_N) {
      /* Everything sent, nothing new for a while: done. */
      uv_close((uv_handle_t*) &bu_rx, NULL);
      uv_close((uv_handle_t*) &bu_tx, NULL);
      uv_close((uv_handle_t*) &bu_prep, NULL);
      uv_close((uv_handle_t*) t, NULL);
      return;
    }
    bu_credit = bu_sent - bu_recv;  /* stalled: the rest was dropped */
  }
  bu_last_recv = bu_recv;
}

TEST_TIMEOUT(udp_recvmmsg_burst, 120);
TEST(udp_recvmmsg_burst) {
  uv_loop_t loop;
  int size;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_udp_init_ex(&loop, &bu_rx, AF_INET | UV_UDP_RECVMMSG));
  ASSERT_EQ(uv_udp_using_recvmmsg(&bu_rx), 1);
  bind_loopback4(&bu_rx, 0);
  size = 4 << 20;
  ASSERT_OK(uv_recv_buffer_size((uv_handle_t*) &bu_rx, &size));
  bu_dst = bound_addr(&bu_rx);
  ASSERT_OK(uv_udp_recv_start(&bu_rx, bu_alloc_cb, bu_recv_cb));

  ASSERT_OK(uv_udp_init(&loop, &bu_tx));
  ASSERT_EQ(uv_udp_using_recvmmsg(&bu_tx), 0);
  bind_loopback4(&bu_tx, 0);
  ASSERT_OK(uv_prepare_init(&loop, &bu_prep));
  ASSERT_OK(uv_prepare_start(&bu_prep, bu_prep_cb));
  ASSERT_OK(uv_timer_init(&loop, &bu_timer));
  ASSERT_OK(uv_timer_start(&bu_timer, bu_timer_cb, 100, 100));

  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  fprintf(stderr, "sent %lu received %lu in %lu batches, %lu loop turns\n",
          bu_sent, bu_recv, bu_allocs, bu_turns);
  ASSERT_EQ(bu_sent, BURST_N);
  ASSERT_GE(bu_recv, BURST_N / 2);
  ASSERT_EQ(bu_chunks, bu_recv);
  ASSERT_EQ(bu_allocs, bu_frees);
  ASSERT_NULL(bu_cur);
  ASSERT_GE(bu_turns, bu_recv / 32);
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* A recvmmsg buffer with room for 20 datagrams takes 20 per alloc_cb, even
 * past the per-event read budget: 40 queued datagrams cost two alloc_cb
 * calls when the handle closes at the 40th (libuv's own test counts them). */

static int mm_allocs;
static int mm_recv;

static void mm_alloc_cb(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void) h;
  (void) suggested;
  buf->base = malloc(20 * 65536);
  ASSERT_NOT_NULL(buf->base);
  buf->len = 20 * 65536;
  mm_allocs++;
}

static void mm_recv_cb(uv_udp_t* h, ssize_t nread, const uv_buf_t* buf,
                       const struct sockaddr* addr, unsigned flags) {
  (void) addr;
  if (flags & UV_UDP_MMSG_FREE) {
    free(buf->base);
    return;
  }
  ASSERT(flags & UV_UDP_MMSG_CHUNK);
  ASSERT_EQ(nread, 4);
  if (++mm_recv == 40)
    uv_close((uv_handle_t*) h, NULL);
}

TEST(udp_recvmmsg_allocs_per_batch) {
  struct sockaddr_storage dst;
  uv_loop_t loop;
  uv_udp_t rx;
  uv_udp_t tx;
  uv_buf_t b;
  int i;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_udp_init_ex(&loop, &rx, AF_INET | UV_UDP_RECVMMSG));
  bind_loopback4(&rx, 0);
  dst = bound_addr(&rx);
  ASSERT_OK(uv_udp_init(&loop, &tx));
  b = uv_buf_init("PING", 4);
  for (i = 0; i < 40; i++)
    ASSERT_EQ(uv_udp_try_send(&tx, &b, 1, (const struct sockaddr*) &dst), 4);
  ASSERT_OK(uv_udp_recv_start(&rx, mm_alloc_cb, mm_recv_cb));
  uv_close((uv_handle_t*) &tx, NULL);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(mm_recv, 40);
  ASSERT_EQ(mm_allocs, 2);
  ASSERT_OK(uv_loop_close(&loop));
  return 0;
}

/* ------------------------------------------------------------------------ */
/* alloc_cb returning an empty buffer gives UV_ENOBUFS. */

static int nb_calls;

static void nb_alloc_cb(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void) h;
  (void) suggested;
  *buf = uv_buf_init(NULL, 0);
}

static void nb_recv_cb(uv_udp_t* h, ssize_t nread, const uv_buf_t* buf,
                       const struct sockaddr* addr, unsigned flags) {
  (void) buf;
  (void) flags;
  ASSERT_EQ(nread, UV_ENOBUFS);
  ASSERT_NULL(addr);
  nb_calls++;
  ASSERT_OK(uv_udp_recv_stop(h));
  ASSERT_EQ(uv_is_active((uv_handle_t*) h), 0);
  uv_close((uv_handle_t*) h, NULL);
}

TEST(udp_alloc_enobufs) {
  struct sockaddr_storage dst;
  uv_loop_t loop;
  uv_udp_t rx;
  uv_udp_t tx;
  uv_buf_t b;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_udp_init(&loop, &rx));
  bind_loopback4(&rx, 0);
  dst = bound_addr(&rx);
  ASSERT_OK(uv_udp_init(&loop, &tx));
  b = uv_buf_init("x", 1);
  ASSERT_EQ(uv_udp_try_send(&tx, &b, 1, (const struct sockaddr*) &dst), 1);
  ASSERT_OK(uv_udp_recv_start(&rx, nb_alloc_cb, nb_recv_cb));
  ASSERT_EQ(uv_udp_recv_start(&rx, nb_alloc_cb, nb_recv_cb), UV_EALREADY);
  uv_close((uv_handle_t*) &tx, NULL);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(nb_calls, 1);
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Connect, send without an address, disconnect. */

static int cn_got;

static void cn_recv_cb(uv_udp_t* h, ssize_t nread, const uv_buf_t* buf,
                       const struct sockaddr* addr, unsigned flags) {
  (void) h;
  (void) flags;
  if (nread == 0 && addr == NULL)
    return;
  ASSERT_EQ(nread, 1);
  ASSERT_EQ(buf->base[0], 'a' + cn_got);
  cn_got++;
}

static int cn_send_cbs;

static void cn_send_cb(uv_udp_send_t* req, int status) {
  (void) req;
  ASSERT_OK(status);
  cn_send_cbs++;
}

TEST(udp_connect_disconnect) {
  struct sockaddr_storage dst;
  struct sockaddr_storage peer;
  struct sockaddr_in bad;
  uv_udp_send_t req;
  uv_loop_t loop;
  uv_udp_t rx;
  uv_udp_t tx;
  uv_buf_t b;
  int len;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_udp_init(&loop, &rx));
  bind_loopback4(&rx, 0);
  dst = bound_addr(&rx);
  ASSERT_OK(uv_udp_recv_start(&rx, static_alloc_cb, cn_recv_cb));

  ASSERT_OK(uv_udp_init(&loop, &tx));
  ASSERT_EQ(uv_udp_connect(&tx, NULL), UV_ENOTCONN);
  len = (int) sizeof(peer);
  ASSERT_EQ(uv_udp_getpeername(&tx, (struct sockaddr*) &peer, &len),
            UV_EBADF);  /* no socket yet */
  memset(&bad, 0, sizeof(bad));
  bad.sin_family = AF_UNIX;
  ASSERT_EQ(uv_udp_connect(&tx, (const struct sockaddr*) &bad), UV_EINVAL);
  ASSERT_OK(uv_udp_connect(&tx, (const struct sockaddr*) &dst));
  ASSERT_EQ(uv_udp_connect(&tx, (const struct sockaddr*) &dst), UV_EISCONN);
  len = (int) sizeof(peer);
  ASSERT_OK(uv_udp_getpeername(&tx, (struct sockaddr*) &peer, &len));
  ASSERT_EQ(len, (int) sizeof(struct sockaddr_in));
  ASSERT_MEM_EQ(&peer, &dst, sizeof(struct sockaddr_in));

  b = uv_buf_init("a", 1);
  ASSERT_EQ(uv_udp_send(&req, &tx, &b, 1, (const struct sockaddr*) &dst,
                        cn_send_cb), UV_EISCONN);
  ASSERT_EQ(uv_udp_try_send(&tx, &b, 1, (const struct sockaddr*) &dst),
            UV_EISCONN);
  ASSERT_EQ(uv_udp_try_send(&tx, &b, 1, NULL), 1);
  b = uv_buf_init("b", 1);
  ASSERT_OK(uv_udp_send(&req, &tx, &b, 1, NULL, cn_send_cb));
  while (cn_got < 2)
    ASSERT_GE(uv_run(&loop, UV_RUN_ONCE), 0);
  ASSERT_EQ(cn_send_cbs, 1);

  ASSERT_OK(uv_udp_connect(&tx, NULL));
  ASSERT_EQ(uv_udp_connect(&tx, NULL), UV_ENOTCONN);
  len = (int) sizeof(peer);
  ASSERT_EQ(uv_udp_getpeername(&tx, (struct sockaddr*) &peer, &len),
            UV_ENOTCONN);
  b = uv_buf_init("c", 1);
  ASSERT_EQ(uv_udp_try_send(&tx, &b, 1, NULL), UV_EDESTADDRREQ);
  ASSERT_EQ(uv_udp_send(&req, &tx, &b, 1, NULL, cn_send_cb),
            UV_EDESTADDRREQ);
  ASSERT_OK(uv_udp_send(&req, &tx, &b, 1, (const struct sockaddr*) &dst,
                        cn_send_cb));
  while (cn_got < 3)
    ASSERT_GE(uv_run(&loop, UV_RUN_ONCE), 0);
  close_loop_and_check(&loop);
  ASSERT_EQ(cn_send_cbs, 2);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* try_send and try_send2. */

static int ts_got;

static void ts_recv_cb(uv_udp_t* h, ssize_t nread, const uv_buf_t* buf,
                       const struct sockaddr* addr, unsigned flags) {
  (void) flags;
  if (nread == 0 && addr == NULL)
    return;
  ASSERT_EQ(nread, 2);
  ASSERT_EQ(buf->base[0], 'A' + ts_got);
  ASSERT_EQ(buf->base[1], '!');
  if (++ts_got == 4)
    uv_close((uv_handle_t*) h, NULL);
}

static void ts_send_cb(uv_udp_send_t* req, int status) {
  ASSERT_OK(status);
  uv_close((uv_handle_t*) req->handle, NULL);
}

/* With UV_UDP_LINUX_RECVERR an ICMP error also lands on the socket's error
 * queue.  libuv 1.52 hands each queued report to the receive callback:
 * nread the error, addr the node that sent the ICMP message, flags
 * UV_UDP_LINUX_RECVERR; then the usual "nothing more" once the queue is
 * empty.  (Left unread the queue would keep POLLERR raised.) */
static int re_reports;
static int re_plain_errors;
static int re_calls;
static int re_done;

static void re_recv_cb(uv_udp_t* h, ssize_t nread, const uv_buf_t* buf,
                       const struct sockaddr* addr, unsigned flags) {
  const struct sockaddr_in* from;

  (void) buf;
  re_calls++;
  ASSERT_LT(re_calls, 100);  /* a busy loop would not stop */
  if (flags & UV_UDP_LINUX_RECVERR) {
    ASSERT_EQ(nread, UV_ECONNREFUSED);
    ASSERT_NOT_NULL(addr);
    ASSERT_EQ(addr->sa_family, AF_INET);
    from = (const struct sockaddr_in*) addr;
    ASSERT_EQ(ntohl(from->sin_addr.s_addr), INADDR_LOOPBACK);
    re_reports++;
    return;
  }
  if (nread < 0) {
    /* The pending socket error the same ICMP message set. */
    ASSERT_EQ(nread, UV_ECONNREFUSED);
    ASSERT_NULL(addr);
    ASSERT_EQ(flags, 0);
    re_plain_errors++;
    return;
  }
  ASSERT_EQ(nread, 0);
  ASSERT_NULL(addr);
  if (re_reports > 0 && !re_done) {
    re_done = 1;
    uv_close((uv_handle_t*) h, NULL);
  }
}

static void re_guard_cb(uv_timer_t* t) {
  (void) t;
  ASSERT(0 && "no error-queue report arrived");
}

TEST(udp_recverr_reports_queued_icmp) {
#if !defined(__linux__)
  RETURN_SKIP("IP_RECVERR is Linux's");
#elif UV_VERSION_HEX < 0x013400
  RETURN_SKIP("libuv < 1.52 does not report the error queue");
#else
  struct sockaddr_storage closed;
  struct sockaddr_in a4;
  uv_udp_send_t req;
  uv_timer_t guard;
  uv_loop_t loop;
  uv_udp_t gone;
  uv_udp_t h;
  uv_buf_t b;

  ASSERT_OK(uv_loop_init(&loop));
  /* A port nobody listens on: one that was just bound and closed. */
  ASSERT_OK(uv_udp_init(&loop, &gone));
  bind_loopback4(&gone, 0);
  closed = bound_addr(&gone);
  uv_close((uv_handle_t*) &gone, NULL);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));

  ASSERT_OK(uv_udp_init(&loop, &h));
  ASSERT_OK(uv_ip4_addr("127.0.0.1", 0, &a4));
  ASSERT_OK(uv_udp_bind(&h, (const struct sockaddr*) &a4,
                        UV_UDP_LINUX_RECVERR));
  ASSERT_OK(uv_udp_recv_start(&h, static_alloc_cb, re_recv_cb));
  b = uv_buf_init("PING", 4);
  ASSERT_OK(uv_udp_send(&req, &h, &b, 1, (const struct sockaddr*) &closed,
                        NULL));
  ASSERT_OK(uv_timer_init(&loop, &guard));
  ASSERT_OK(uv_timer_start(&guard, re_guard_cb, 5000, 0));
  uv_unref((uv_handle_t*) &guard);

  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(re_reports, 1);
  ASSERT_LE(re_plain_errors, 1);
  ASSERT_EQ(re_done, 1);
  uv_close((uv_handle_t*) &guard, NULL);
  close_loop_and_check(&loop);
  return 0;
#endif
}

/* The scope id of the first interface with a link-local IPv6 address of
 * its own, or 0 when there is none. */
static unsigned int first_link_local_scope(void) {
  uv_interface_address_t* ifs;
  unsigned int scope;
  int n;
  int i;

  if (uv_interface_addresses(&ifs, &n))
    return 0;
  scope = 0;
  for (i = 0; i < n && scope == 0; i++)
    if (ifs[i].address.address6.sin6_family == AF_INET6 &&
        IN6_IS_ADDR_LINKLOCAL(&ifs[i].address.address6.sin6_addr))
      scope = ifs[i].address.address6.sin6_scope_id;
  uv_free_interface_addresses(ifs, n);
  return scope;
}

/* A link-local destination given without an interface (sin6_scope_id 0)
 * gets the first interface with a link-local address, as in libuv >= 1.47;
 * the kernel alone refuses it with EINVAL. */
TEST(udp_connect_link_local_without_scope) {
#if UV_VERSION_HEX < 0x012F00
  RETURN_SKIP("libuv < 1.47 leaves the scope id to the caller");
#else
  struct sockaddr_in6 dst;
  struct sockaddr_in6 peer;
  unsigned int scope;
  uv_loop_t loop;
  uv_udp_t h;
  int len;

  scope = first_link_local_scope();
  if (scope == 0)
    RETURN_SKIP("no interface with an IPv6 link-local address");

  ASSERT_OK(uv_ip6_addr("fe80::bad:babe", 1337, &dst));
  ASSERT_EQ(dst.sin6_scope_id, 0);
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_udp_init(&loop, &h));
  ASSERT_OK(uv_udp_connect(&h, (const struct sockaddr*) &dst));
  len = (int) sizeof(peer);
  ASSERT_OK(uv_udp_getpeername(&h, (struct sockaddr*) &peer, &len));
  ASSERT_EQ(peer.sin6_family, AF_INET6);
  ASSERT_MEM_EQ(&peer.sin6_addr, &dst.sin6_addr, sizeof(dst.sin6_addr));
  ASSERT_EQ(peer.sin6_scope_id, scope);
  /* The caller's address is left as it was. */
  ASSERT_EQ(dst.sin6_scope_id, 0);
  uv_close((uv_handle_t*) &h, NULL);
  close_loop_and_check(&loop);
  return 0;
#endif
}

TEST(udp_try_send) {
  struct sockaddr_storage dst;
  struct sockaddr* addrs[3];
  uv_buf_t bufs[3][2];
  uv_buf_t* bufp[3];
  unsigned int nbufs[3];
  uv_udp_send_t req;
  uv_loop_t loop;
  uv_udp_t rx;
  uv_udp_t tx;
  uv_buf_t b;
  int i;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_udp_init(&loop, &rx));
  bind_loopback4(&rx, 0);
  dst = bound_addr(&rx);
  ASSERT_OK(uv_udp_recv_start(&rx, static_alloc_cb, ts_recv_cb));

  ASSERT_OK(uv_udp_init(&loop, &tx));
  for (i = 0; i < 3; i++) {
    bufs[i][0] = uv_buf_init((char*) "ABC" + i, 1);
    bufs[i][1] = uv_buf_init("!", 1);
    bufp[i] = bufs[i];
    nbufs[i] = 2;
    addrs[i] = (struct sockaddr*) &dst;
  }
  /* try_send2 needs a socket: bind first, as libuv says. */
  ASSERT_EQ(uv_udp_try_send2(&tx, 3, bufp, nbufs, addrs, 0), UV_EBADF);
  bind_loopback4(&tx, 0);
  ASSERT_EQ(uv_udp_try_send2(&tx, 0, bufp, nbufs, addrs, 0), UV_EINVAL);
  ASSERT_EQ(uv_udp_try_send2(&tx, 3, bufp, nbufs, addrs, 1), UV_EINVAL);
  ASSERT_EQ(uv_udp_try_send2(&tx, 3, NULL, nbufs, addrs, 0), UV_EINVAL);
  ASSERT_EQ(uv_udp_try_send2(&tx, 3, bufp, nbufs, addrs, 0), 3);

  b = uv_buf_init("D!", 2);
  ASSERT_OK(uv_udp_send(&req, &tx, &b, 1, (const struct sockaddr*) &dst,
                        ts_send_cb));
  /* A send is outstanding (its callback has not run): no overtaking. */
  ASSERT_EQ(uv_udp_try_send(&tx, &b, 1, (const struct sockaddr*) &dst),
            UV_EAGAIN);
  ASSERT_EQ(uv_udp_try_send2(&tx, 3, bufp, nbufs, addrs, 0), UV_EAGAIN);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(ts_got, 4);
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* The send queue on a Unix datagram socket pair opened with uv_udp_open():
 * unlike loopback UDP, the sender blocks when the peer's queue is full, so
 * requests really wait.  Counters are exact, completion is in order. */

#define SQ_N 2000
#define SQ_LEN 1000

static uv_udp_send_t sq_reqs[SQ_N];
static int sq_status[SQ_N];
static int sq_done;
static int sq_recv;
static int sq_closed;
static char sq_data[SQ_LEN];

static void sq_send_cb(uv_udp_send_t* req, int status) {
  int i = (int) (req - sq_reqs);

  ASSERT_EQ(i, sq_done);  /* in order */
  ASSERT_EQ(sq_closed, 0);  /* before the close callback */
  sq_status[i] = status;
  sq_done++;
  ASSERT_UINT64_EQ(req->handle->send_queue_count, SQ_N - sq_done);
  ASSERT_UINT64_EQ(req->handle->send_queue_size,
                   (uint64_t) (SQ_N - sq_done) * SQ_LEN);
}

static void sq_recv_cb(uv_udp_t* h, ssize_t nread, const uv_buf_t* buf,
                       const struct sockaddr* addr, unsigned flags) {
  (void) h;
  (void) buf;
  (void) flags;
  if (nread == 0 && addr == NULL)
    return;
  ASSERT_EQ(nread, SQ_LEN);
  ASSERT_EQ((unsigned char) buf->base[0], (unsigned char) sq_recv);
  sq_recv++;
}

static void sq_queue_all(uv_udp_t* tx) {
  uv_buf_t b;
  int i;

  for (i = 0; i < SQ_N; i++) {
    /* A request copies the buffer array, not the data: each datagram
     * gets its own memory, marked with its number. */
    sq_data[0] = (char) i;
    b = uv_buf_init(malloc(SQ_LEN), SQ_LEN);
    memcpy(b.base, sq_data, SQ_LEN);
    sq_reqs[i].data = b.base;
    ASSERT_OK(uv_udp_send(&sq_reqs[i], tx, &b, 1, NULL, sq_send_cb));
  }
  ASSERT_UINT64_EQ(uv_udp_get_send_queue_count(tx), SQ_N);
  ASSERT_UINT64_EQ(uv_udp_get_send_queue_size(tx), (uint64_t) SQ_N * SQ_LEN);
}

static void sq_free_all(void) {
  int i;
  for (i = 0; i < SQ_N; i++)
    free(sq_reqs[i].data);
}

TEST(udp_send_queue_in_order) {
  uv_loop_t loop;
  uv_udp_t rx;
  uv_udp_t tx;
  int sv[2];

  ASSERT_OK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_udp_init(&loop, &tx));
  ASSERT_OK(uv_udp_open(&tx, sv[0]));
  ASSERT_EQ(uv_udp_open(&tx, sv[1]), UV_EBUSY);
  ASSERT_OK(uv_udp_init(&loop, &rx));
  ASSERT_OK(uv_udp_open(&rx, sv[1]));
  sq_queue_all(&tx);
  ASSERT_OK(uv_udp_recv_start(&rx, static_alloc_cb, sq_recv_cb));
  while (sq_recv < SQ_N || sq_done < SQ_N)
    ASSERT_GE(uv_run(&loop, UV_RUN_ONCE), 0);
  ASSERT_UINT64_EQ(tx.send_queue_count, 0);
  ASSERT_UINT64_EQ(tx.send_queue_size, 0);
  {
    int i;
    for (i = 0; i < SQ_N; i++)
      ASSERT_OK(sq_status[i]);
  }
  close_loop_and_check(&loop);
  sq_free_all();
  return 0;
}

static void sq_close_cb(uv_handle_t* h) {
  ASSERT_UINT64_EQ(((uv_udp_t*) h)->send_queue_count, 0);
  ASSERT_UINT64_EQ(((uv_udp_t*) h)->send_queue_size, 0);
  sq_closed = 1;
}

TEST(udp_close_cancels_queued_sends) {
  uv_loop_t loop;
  uv_udp_t tx;
  int canceled;
  int sv[2];
  int i;

  ASSERT_OK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_udp_init(&loop, &tx));
  ASSERT_OK(uv_udp_open(&tx, sv[0]));
  sq_queue_all(&tx);
  uv_close((uv_handle_t*) &tx, sq_close_cb);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(sq_done, SQ_N);
  ASSERT_EQ(sq_closed, 1);
  /* Those the kernel took succeeded, the rest were cancelled: 0s, then
   * UV_ECANCELEDs. */
  canceled = 0;
  for (i = 0; i < SQ_N; i++) {
    if (sq_status[i] == UV_ECANCELED)
      canceled++;
    else
      ASSERT_EQ(canceled, 0);
    ASSERT(sq_status[i] == 0 || sq_status[i] == UV_ECANCELED);
  }
  ASSERT_GT(canceled, 0);
  ASSERT_OK(close(sv[1]));
  close_loop_and_check(&loop);
  sq_free_all();
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Multicast on loopback: join 239.255.43.21 on 127.0.0.1 and send to it
 * through the loopback interface. */

static int mc_got;

static void mc_recv_cb(uv_udp_t* h, ssize_t nread, const uv_buf_t* buf,
                       const struct sockaddr* addr, unsigned flags) {
  (void) flags;
  if (nread == 0 && addr == NULL)
    return;
  ASSERT_EQ(nread, 5);
  ASSERT_MEM_EQ(buf->base, "mcast", 5);
  mc_got++;
  uv_close((uv_handle_t*) h, NULL);
}

static void mc_timeout_cb(uv_timer_t* t) {
  (void) t;
  ASSERT(0 && "the multicast datagram did not arrive");
}

TEST(udp_multicast_loopback) {
  struct sockaddr_storage local;
  struct sockaddr_in any;
  struct sockaddr_in group;
  uv_timer_t timer;
  uv_loop_t loop;
  uv_udp_t rx;
  uv_udp_t tx;
  uv_buf_t b;
  int r;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_udp_init(&loop, &rx));
  ASSERT_OK(uv_ip4_addr("0.0.0.0", 0, &any));
  ASSERT_OK(uv_udp_bind(&rx, (const struct sockaddr*) &any,
                        UV_UDP_REUSEADDR));
  local = bound_addr(&rx);
  r = uv_udp_set_membership(&rx, "239.255.43.21", "127.0.0.1",
                            UV_JOIN_GROUP);
  if (r == UV_ENODEV || r == UV_EADDRNOTAVAIL || r == UV_ENOBUFS) {
    close_loop_and_check(&loop);
    RETURN_SKIP("the kernel refuses to join a multicast group on 127.0.0.1");
  }
  ASSERT_OK(r);
  /* Source-specific membership on top of an any-source one is refused;
   * just make sure the call itself is well-formed (EINVAL would be ours). */
  r = uv_udp_set_source_membership(&rx, "239.255.43.22", "127.0.0.1",
                                   "127.0.0.1", UV_JOIN_GROUP);
  ASSERT(r == 0 || r == UV_EADDRINUSE || r == UV_ENODEV);
  if (r == 0)
    ASSERT_OK(uv_udp_set_source_membership(&rx, "239.255.43.22", "127.0.0.1",
                                           "127.0.0.1", UV_LEAVE_GROUP));
  ASSERT_OK(uv_udp_recv_start(&rx, static_alloc_cb, mc_recv_cb));

  ASSERT_OK(uv_udp_init_ex(&loop, &tx, AF_INET));
  ASSERT_OK(uv_udp_set_multicast_interface(&tx, "127.0.0.1"));
  ASSERT_OK(uv_udp_set_multicast_loop(&tx, 1));
  ASSERT_OK(uv_udp_set_multicast_ttl(&tx, 1));
  ASSERT_OK(uv_ip4_addr("239.255.43.21",
                        ntohs(((struct sockaddr_in*) &local)->sin_port),
                        &group));
  b = uv_buf_init("mcast", 5);
  r = uv_udp_try_send(&tx, &b, 1, (const struct sockaddr*) &group);
  if (r == UV_ENETUNREACH || r == UV_EPERM) {
    close_loop_and_check(&loop);
    RETURN_SKIP("no route for multicast through the loopback interface");
  }
  ASSERT_EQ(r, 5);
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_OK(uv_timer_start(&timer, mc_timeout_cb, 5000, 0));
  uv_unref((uv_handle_t*) &timer);
  uv_close((uv_handle_t*) &tx, NULL);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(mc_got, 1);
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Option validation. */

TEST(udp_options) {
  uv_loop_t loop;
  uv_udp_t h;
  uv_udp_t lazy;
  uv_udp_t v6;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_udp_init(&loop, &lazy));
  /* No socket yet: options cannot be set (range errors still come first). */
  ASSERT_EQ(uv_udp_set_ttl(&lazy, 1), UV_EBADF);
  ASSERT_EQ(uv_udp_set_ttl(&lazy, 0), UV_EINVAL);
  ASSERT_EQ(uv_udp_set_broadcast(&lazy, 1), UV_EBADF);
  ASSERT_EQ(uv_udp_set_multicast_loop(&lazy, 1), UV_EBADF);

  ASSERT_OK(uv_udp_init_ex(&loop, &h, AF_INET));
  ASSERT_OK(uv_udp_set_broadcast(&h, 1));
  ASSERT_OK(uv_udp_set_broadcast(&h, 0));
  ASSERT_EQ(uv_udp_set_ttl(&h, 0), UV_EINVAL);
  ASSERT_EQ(uv_udp_set_ttl(&h, 256), UV_EINVAL);
  ASSERT_EQ(uv_udp_set_ttl(&h, -1), UV_EINVAL);
  ASSERT_OK(uv_udp_set_ttl(&h, 1));
  ASSERT_OK(uv_udp_set_ttl(&h, 255));
  ASSERT_EQ(uv_udp_set_multicast_ttl(&h, -1), UV_EINVAL);
  ASSERT_EQ(uv_udp_set_multicast_ttl(&h, 256), UV_EINVAL);
  ASSERT_OK(uv_udp_set_multicast_ttl(&h, 0));
  ASSERT_OK(uv_udp_set_multicast_ttl(&h, 255));
  ASSERT_EQ(uv_udp_set_multicast_loop(&h, -1), UV_EINVAL);
  ASSERT_EQ(uv_udp_set_multicast_loop(&h, 256), UV_EINVAL);
  ASSERT_OK(uv_udp_set_multicast_loop(&h, 0));
  ASSERT_OK(uv_udp_set_multicast_interface(&h, NULL));
  ASSERT_OK(uv_udp_set_multicast_interface(&h, "127.0.0.1"));
  ASSERT_EQ(uv_udp_set_multicast_interface(&h, "not an address"), UV_EINVAL);
  ASSERT_EQ(uv_udp_set_membership(&h, "not an address", NULL, UV_JOIN_GROUP),
            UV_EINVAL);
  ASSERT_EQ(uv_udp_set_membership(&h, NULL, NULL, UV_JOIN_GROUP), UV_EINVAL);
  ASSERT_EQ(uv_udp_set_membership(&h, "239.1.2.3", NULL, (uv_membership) 7),
            UV_EINVAL);
  ASSERT_EQ(uv_udp_set_membership(&h, "239.1.2.3", "bogus", UV_JOIN_GROUP),
            UV_EINVAL);
  ASSERT_EQ(uv_udp_set_source_membership(&h, "239.1.2.3", NULL, NULL,
                                         UV_JOIN_GROUP), UV_EINVAL);
  ASSERT_EQ(uv_udp_set_source_membership(&h, "239.1.2.3", NULL, "bogus",
                                         UV_JOIN_GROUP), UV_EINVAL);

  /* An IPv6 socket takes the IPv6 names of the same options. */
  if (uv_udp_init_ex(&loop, &v6, AF_INET6) == 0) {
    ASSERT_OK(uv_udp_set_ttl(&v6, 64));
    ASSERT_OK(uv_udp_set_multicast_ttl(&v6, 3));
    ASSERT_OK(uv_udp_set_multicast_loop(&v6, 1));
    ASSERT_OK(uv_udp_set_multicast_interface(&v6, NULL));
  }
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Bind flags, address reuse, eager and lazy sockets. */

TEST(udp_bind_flags) {
  struct sockaddr_storage ss;
  struct sockaddr_in6 a6;
  struct sockaddr_in a4;
  uv_loop_t loop;
  uv_udp_t a;
  uv_udp_t b;
  uv_udp_t c;
  uv_os_fd_t fd;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_udp_init(&loop, &a));
  ASSERT_EQ(uv_fileno((uv_handle_t*) &a, &fd), UV_EBADF);  /* lazy */
  ASSERT_OK(uv_ip4_addr("127.0.0.1", 0, &a4));
  ASSERT_EQ(uv_udp_bind(&a, (const struct sockaddr*) &a4, 0x1000), UV_EINVAL);
  ASSERT_EQ(uv_udp_bind(&a, (const struct sockaddr*) &a4, UV_UDP_IPV6ONLY),
            UV_EINVAL);
  ASSERT_EQ(uv_udp_bind(&a, (const struct sockaddr*) &a4, UV_UDP_RECVMMSG),
            UV_EINVAL);
  ASSERT_OK(uv_udp_bind(&a, (const struct sockaddr*) &a4,
                        UV_UDP_REUSEADDR | UV_UDP_LINUX_RECVERR));
  ASSERT_OK(uv_fileno((uv_handle_t*) &a, &fd));
  ASSERT(fcntl(fd, F_GETFD) & FD_CLOEXEC);
  ASSERT(fcntl(fd, F_GETFL) & O_NONBLOCK);
  ss = bound_addr(&a);

  /* Same port: refused without reuse on the second socket, accepted with. */
  ASSERT_OK(uv_udp_init(&loop, &b));
  ASSERT_EQ(uv_udp_bind(&b, (const struct sockaddr*) &ss, 0), UV_EADDRINUSE);
  ASSERT_OK(uv_udp_bind(&b, (const struct sockaddr*) &ss, UV_UDP_REUSEADDR));

  /* SO_REUSEPORT: every socket on the port must set it. */
  ASSERT_OK(uv_udp_init_ex(&loop, &c, AF_INET));
  ASSERT_OK(uv_fileno((uv_handle_t*) &c, &fd));  /* eager */
  a4.sin_port = 0;
  ASSERT_OK(uv_udp_bind(&c, (const struct sockaddr*) &a4, UV_UDP_REUSEPORT));
  uv_close((uv_handle_t*) &c, NULL);

  ASSERT_EQ(uv_udp_init_ex(&loop, &c, AF_UNIX), UV_EINVAL);
  ASSERT_EQ(uv_udp_init_ex(&loop, &c, AF_INET | 0x10000), UV_EINVAL);
  ASSERT_OK(uv_udp_init_ex(&loop, &c, AF_INET6 | UV_UDP_RECVMMSG));
  ASSERT_EQ(uv_udp_using_recvmmsg(&c), 1);
  ASSERT_OK(uv_ip6_addr("::", 0, &a6));
  ASSERT_OK(uv_udp_bind(&c, (const struct sockaddr*) &a6,
                        UV_UDP_IPV6ONLY | UV_UDP_LINUX_RECVERR));
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Bad input. */

static void dummy_alloc(uv_handle_t* h, size_t s, uv_buf_t* b) {
  (void) h;
  (void) s;
  (void) b;
}

static void dummy_recv(uv_udp_t* h, ssize_t n, const uv_buf_t* b,
                       const struct sockaddr* a, unsigned f) {
  (void) h;
  (void) n;
  (void) b;
  (void) a;
  (void) f;
}

TEST(udp_bad_input) {
  struct sockaddr_storage ss;
  struct sockaddr_in a4;
  uv_udp_send_t req;
  uv_timer_t timer;
  uv_loop_t loop;
  uv_udp_t h;
  uv_udp_t other;
  uv_buf_t b;
  int len;
  int fd;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_EQ(uv_udp_init(NULL, &h), UV_EINVAL);
  ASSERT_EQ(uv_udp_init(&loop, NULL), UV_EINVAL);
  ASSERT_EQ(uv_udp_init_ex(&loop, &h, 0xFF), UV_EINVAL);
  ASSERT_OK(uv_udp_init(&loop, &h));
  ASSERT_OK(uv_ip4_addr("127.0.0.1", 0, &a4));
  b = uv_buf_init("x", 1);

  ASSERT_EQ(uv_udp_bind(NULL, (const struct sockaddr*) &a4, 0), UV_EINVAL);
  ASSERT_EQ(uv_udp_bind(&h, NULL, 0), UV_EINVAL);
  ASSERT_EQ(uv_udp_connect(NULL, (const struct sockaddr*) &a4), UV_EINVAL);
  ASSERT_EQ(uv_udp_send(NULL, &h, &b, 1, (const struct sockaddr*) &a4, NULL),
            UV_EINVAL);
  ASSERT_EQ(uv_udp_send(&req, NULL, &b, 1, (const struct sockaddr*) &a4,
                        NULL), UV_EINVAL);
  ASSERT_EQ(uv_udp_send(&req, &h, NULL, 1, (const struct sockaddr*) &a4,
                        NULL), UV_EINVAL);
  ASSERT_EQ(uv_udp_send(&req, &h, &b, 0, (const struct sockaddr*) &a4, NULL),
            UV_EINVAL);
  memset(&ss, 0, sizeof(ss));
  ss.ss_family = 12345;
  ASSERT_EQ(uv_udp_send(&req, &h, &b, 1, (const struct sockaddr*) &ss, NULL),
            UV_EINVAL);
  ASSERT_EQ(uv_udp_try_send(NULL, &b, 1, (const struct sockaddr*) &a4),
            UV_EINVAL);
  ASSERT_EQ(uv_udp_try_send(&h, NULL, 1, (const struct sockaddr*) &a4),
            UV_EINVAL);
  ASSERT_EQ(uv_udp_try_send(&h, &b, 0, (const struct sockaddr*) &a4),
            UV_EINVAL);
  ASSERT_EQ(uv_udp_try_send2(NULL, 1, NULL, NULL, NULL, 0), UV_EINVAL);
  ASSERT_EQ(uv_udp_recv_start(NULL, dummy_alloc, dummy_recv), UV_EINVAL);
  ASSERT_EQ(uv_udp_recv_start(&h, NULL, dummy_recv), UV_EINVAL);
  ASSERT_EQ(uv_udp_recv_start(&h, dummy_alloc, NULL), UV_EINVAL);
  ASSERT_EQ(uv_udp_recv_stop(NULL), UV_EINVAL);
  ASSERT_OK(uv_udp_recv_stop(&h));  /* not receiving: fine */
  len = (int) sizeof(ss);
  ASSERT_EQ(uv_udp_getsockname(NULL, (struct sockaddr*) &ss, &len),
            UV_EINVAL);
  ASSERT_EQ(uv_udp_getsockname(&h, NULL, &len), UV_EINVAL);
  ASSERT_EQ(uv_udp_getsockname(&h, (struct sockaddr*) &ss, NULL), UV_EINVAL);
  ASSERT_EQ(uv_udp_getsockname(&h, (struct sockaddr*) &ss, &len), UV_EBADF);
  ASSERT_EQ(uv_udp_getpeername(NULL, (struct sockaddr*) &ss, &len),
            UV_EINVAL);
  ASSERT_EQ(uv_udp_set_ttl(NULL, 1), UV_EINVAL);
  ASSERT_EQ(uv_udp_set_broadcast(NULL, 1), UV_EINVAL);
  ASSERT_EQ(uv_udp_set_multicast_ttl(NULL, 1), UV_EINVAL);
  ASSERT_EQ(uv_udp_set_multicast_loop(NULL, 1), UV_EINVAL);
  ASSERT_EQ(uv_udp_set_multicast_interface(NULL, NULL), UV_EINVAL);
  ASSERT_EQ(uv_udp_set_membership(NULL, "239.1.1.1", NULL, UV_JOIN_GROUP),
            UV_EINVAL);
  ASSERT_EQ(uv_udp_set_source_membership(NULL, "239.1.1.1", NULL,
                                         "127.0.0.1", UV_JOIN_GROUP),
            UV_EINVAL);
  ASSERT_EQ(uv_udp_open(NULL, 0), UV_EINVAL);
  ASSERT_EQ(uv_udp_open(&h, -1), UV_EBADF);
  ASSERT_EQ(uv_udp_open_ex(&h, 0, 0x1000), UV_EINVAL);
  ASSERT_EQ(uv_udp_using_recvmmsg(NULL), 0);
  ASSERT_UINT64_EQ(uv_udp_get_send_queue_size(NULL), 0);
  ASSERT_UINT64_EQ(uv_udp_get_send_queue_count(NULL), 0);

  /* A handle of another type is refused, not misused. */
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_EQ(uv_udp_bind((uv_udp_t*) &timer, (const struct sockaddr*) &a4, 0),
            UV_EINVAL);
  ASSERT_EQ(uv_udp_recv_stop((uv_udp_t*) &timer), UV_EINVAL);

  /* A descriptor the loop already watches cannot be opened again. */
  ASSERT_OK(uv_udp_bind(&h, (const struct sockaddr*) &a4, 0));
  ASSERT_OK(uv_udp_recv_start(&h, dummy_alloc, dummy_recv));
  ASSERT_OK(uv_fileno((uv_handle_t*) &h, &fd));
  ASSERT_OK(uv_udp_init(&loop, &other));
  ASSERT_EQ(uv_udp_open(&other, fd), UV_EEXIST);

  /* A closing handle takes nothing. */
  uv_close((uv_handle_t*) &h, NULL);
  ASSERT_EQ(uv_udp_bind(&h, (const struct sockaddr*) &a4, 0), UV_EINVAL);
  ASSERT_EQ(uv_udp_send(&req, &h, &b, 1, (const struct sockaddr*) &a4, NULL),
            UV_EINVAL);
  ASSERT_EQ(uv_udp_recv_start(&h, dummy_alloc, dummy_recv), UV_EINVAL);
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* A bound UDP handle passed over an IPC pipe, accepted and used by the
 * receiver. */

static uv_pipe_t ipc_a;
static uv_pipe_t ipc_b;
static uv_udp_t ipc_orig;
static uv_udp_t ipc_recv;
static uv_udp_t ipc_sender;
static uv_write_t ipc_wreq;
static struct sockaddr_storage ipc_addr;
static int ipc_got;

static void ipc_alloc_cb(uv_handle_t* h, size_t s, uv_buf_t* buf) {
  (void) h;
  (void) s;
  *buf = uv_buf_init(rbuf, sizeof(rbuf));
}

static void ipc_udp_recv_cb(uv_udp_t* h, ssize_t nread, const uv_buf_t* buf,
                            const struct sockaddr* addr, unsigned flags) {
  (void) flags;
  if (nread == 0 && addr == NULL)
    return;
  ASSERT_PTR_EQ(h, &ipc_recv);
  ASSERT_EQ(nread, 5);
  ASSERT_MEM_EQ(buf->base, "hello", 5);
  ipc_got++;
  uv_close((uv_handle_t*) h, NULL);
  uv_close((uv_handle_t*) &ipc_sender, NULL);
  uv_close((uv_handle_t*) &ipc_a, NULL);
  uv_close((uv_handle_t*) &ipc_b, NULL);
}

static void ipc_read_cb(uv_stream_t* stream, ssize_t nread,
                        const uv_buf_t* buf) {
  struct sockaddr_storage got;
  uv_os_fd_t fd;
  uv_buf_t b;

  (void) buf;
  if (nread == 0)
    return;
  ASSERT_EQ(nread, 1);
  ASSERT_EQ(uv_pipe_pending_count((uv_pipe_t*) stream), 1);
  ASSERT_EQ(uv_pipe_pending_type((uv_pipe_t*) stream), UV_UDP);
  ASSERT_OK(uv_udp_init(stream->loop, &ipc_recv));
  ASSERT_OK(uv_accept(stream, (uv_stream_t*) &ipc_recv));
  ASSERT_OK(uv_fileno((uv_handle_t*) &ipc_recv, &fd));
  ASSERT(fcntl(fd, F_GETFD) & FD_CLOEXEC);
  ASSERT(fcntl(fd, F_GETFL) & O_NONBLOCK);
  /* Same socket: same address. */
  got = bound_addr(&ipc_recv);
  ASSERT_MEM_EQ(&got, &ipc_addr, sizeof(struct sockaddr_in));
  ASSERT_OK(uv_udp_recv_start(&ipc_recv, ipc_alloc_cb, ipc_udp_recv_cb));
  ASSERT_OK(uv_udp_init(stream->loop, &ipc_sender));
  b = uv_buf_init("hello", 5);
  ASSERT_EQ(uv_udp_try_send(&ipc_sender, &b, 1,
                            (const struct sockaddr*) &ipc_addr), 5);
}

static void ipc_write_cb(uv_write_t* req, int status) {
  (void) req;
  ASSERT_OK(status);
  uv_close((uv_handle_t*) &ipc_orig, NULL);  /* the receiver has a copy */
}

TEST(udp_ipc_pass_handle) {
  uv_os_sock_t sv[2];
  uv_loop_t loop;
  uv_buf_t b;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_socketpair(SOCK_STREAM, 0, sv, 0, 0));
  ASSERT_OK(uv_pipe_init(&loop, &ipc_a, 1));
  ASSERT_OK(uv_pipe_open(&ipc_a, sv[0]));
  ASSERT_OK(uv_pipe_init(&loop, &ipc_b, 1));
  ASSERT_OK(uv_pipe_open(&ipc_b, sv[1]));

  ASSERT_OK(uv_udp_init(&loop, &ipc_orig));
  bind_loopback4(&ipc_orig, 0);
  ipc_addr = bound_addr(&ipc_orig);
  b = uv_buf_init("U", 1);
  ASSERT_OK(uv_write2(&ipc_wreq, (uv_stream_t*) &ipc_a, &b, 1,
                      (uv_stream_t*) &ipc_orig, ipc_write_cb));
  ASSERT_OK(uv_read_start((uv_stream_t*) &ipc_b, ipc_alloc_cb, ipc_read_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(ipc_got, 1);
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* When uv_udp_send writes at once: only when the handle has no request
 * queued or waiting for its callback, and never from inside a send
 * callback (libuv's rule; luv's "udp connect" output depends on it).  The
 * receiver is a plain socket, so what has left the sender shows at once. */

static int ss_rx;
static uv_udp_t ss_tx;
static uv_udp_send_t ss_req[3];
static struct sockaddr_storage ss_dst;
static char ss_got[8];
static int ss_cbs;

/* Datagrams waiting at the receiver, read into ss_got in order. */
static int ss_drain(void) {
  char b[8];
  ssize_t n;
  int count;

  count = 0;
  for (;;) {
    n = recv(ss_rx, b, sizeof(b), MSG_DONTWAIT);
    if (n == -1) {
      ASSERT(errno == EAGAIN || errno == EWOULDBLOCK);
      return count;
    }
    ASSERT_EQ(n, 1);
    ss_got[strlen(ss_got)] = b[0];
    count++;
  }
}

static void ss_send_cb(uv_udp_send_t* req, int status) {
  uv_buf_t b;

  ASSERT_OK(status);
  ss_cbs++;
  if (req == &ss_req[0]) {
    /* B went out before the callbacks ran; C must wait for the loop. */
    ASSERT_EQ(ss_drain(), 1);
    b = uv_buf_init("C", 1);
    ASSERT_OK(uv_udp_send(&ss_req[2], &ss_tx, &b, 1,
                          (const struct sockaddr*) &ss_dst, ss_send_cb));
    ASSERT_OK(ss_drain());
  } else if (req == &ss_req[2]) {
    ASSERT_EQ(ss_drain(), 1);
    uv_close((uv_handle_t*) &ss_tx, NULL);
  }
}

TEST(udp_send_deferred_while_busy) {
  struct sockaddr_in a;
  socklen_t len;
  uv_loop_t loop;
  uv_buf_t b;

  ss_rx = socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(ss_rx, 0);
  ASSERT_OK(uv_ip4_addr("127.0.0.1", 0, &a));
  ASSERT_OK(bind(ss_rx, (const struct sockaddr*) &a, sizeof(a)));
  len = sizeof(ss_dst);
  ASSERT_OK(getsockname(ss_rx, (struct sockaddr*) &ss_dst, &len));

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_udp_init(&loop, &ss_tx));
  b = uv_buf_init("A", 1);
  ASSERT_OK(uv_udp_send(&ss_req[0], &ss_tx, &b, 1,
                        (const struct sockaddr*) &ss_dst, ss_send_cb));
  ASSERT_EQ(ss_drain(), 1);  /* an idle handle writes at once */
  b = uv_buf_init("B", 1);
  ASSERT_OK(uv_udp_send(&ss_req[1], &ss_tx, &b, 1,
                        (const struct sockaddr*) &ss_dst, ss_send_cb));
  ASSERT_OK(ss_drain());     /* A's callback is still due: B waits */
  ASSERT_UINT64_EQ(uv_udp_get_send_queue_count(&ss_tx), 2);

  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(ss_cbs, 3);
  ASSERT_STR_EQ(ss_got, "ABC");
  ASSERT_OK(close(ss_rx));
  close_loop_and_check(&loop);
  return 0;
}
