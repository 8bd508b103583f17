/* TCP stream behaviour under load and at the edges: 32 MiB of varied
 * writes checked byte for byte, write_queue_size accounting, stopping and
 * restarting reads, uv_try_write under back-pressure, closing with pending
 * writes, and an alloc callback that hands out no memory. */

#include "test-tcp-util.h"

/* ------------------------------------------------------------------------ */
/* 32 MiB in writes of varied sizes and buffer counts */

#define LW_TOTAL (32u << 20)
#define LW_MAX_REQS 4096
#define LW_IOV_BUFS 2000  /* more buffers than IOV_MAX in one request */

static uv_tcp_t lw_client;
static uv_tcp_t lw_peer;
static char* lw_data;
static uv_write_t* lw_reqs;
static size_t* lw_req_end;   /* stream offset after request i */
static int lw_nreqs;
static int lw_done;
static uint64_t lw_received;

static void lw_write_cb(uv_write_t* req, int status) {
  size_t pending_after;

  ASSERT_OK(status);
  ASSERT_PTR_EQ(req, &lw_reqs[lw_done]);
  /* Only bytes of later requests can still be queued. */
  pending_after = LW_TOTAL - lw_req_end[lw_done];
  ASSERT_UINT64_LE(lw_client.write_queue_size, pending_after);
  ASSERT_UINT64_EQ(uv_stream_get_write_queue_size((uv_stream_t*) &lw_client),
                   lw_client.write_queue_size);
  lw_done++;
  if (lw_done == lw_nreqs) {
    ASSERT_UINT64_EQ(lw_client.write_queue_size, 0);
    uv_close((uv_handle_t*) &lw_client, NULL);
  }
}

static void lw_read_cb(uv_stream_t* stream, ssize_t nread,
                       const uv_buf_t* buf) {
  if (nread == UV_EOF) {
    ASSERT_UINT64_EQ(lw_received, LW_TOTAL);
    uv_close((uv_handle_t*) stream, NULL);
    return;
  }
  ASSERT_GE(nread, 0);
  ASSERT_UINT64_LE(lw_received + (uint64_t) nread, LW_TOTAL);
  st_check(buf->base, (size_t) nread, lw_received);
  lw_received += (uint64_t) nread;
}

TEST(tcp_large_writes) {
  static const size_t sizes[] = {
    1, 7, 1000, 4096, 65536, 65537, 300000, 1u << 20, 3, 123457, 2u << 20
  };
  uv_buf_t* bufs;
  uv_loop_t loop;
  size_t off;
  size_t n;
  size_t queued;
  int i;
  int k;

  ASSERT_OK(uv_loop_init(&loop));
  lw_data = malloc(LW_TOTAL);
  lw_reqs = calloc(LW_MAX_REQS, sizeof(*lw_reqs));
  lw_req_end = calloc(LW_MAX_REQS, sizeof(*lw_req_end));
  bufs = calloc(LW_IOV_BUFS, sizeof(*bufs));
  ASSERT_NOT_NULL(lw_data);
  ASSERT_NOT_NULL(lw_reqs);
  ASSERT_NOT_NULL(lw_req_end);
  ASSERT_NOT_NULL(bufs);
  st_fill(lw_data, LW_TOTAL, 0);

  st_tcp_pair(&loop, &lw_client, &lw_peer);
  ASSERT_OK(uv_read_start((uv_stream_t*) &lw_peer, st_alloc_cb, lw_read_cb));

  off = 0;
  k = 0;
  queued = 0;
  while (off < LW_TOTAL) {
    ASSERT_LT(lw_nreqs, LW_MAX_REQS);
    if (lw_nreqs == 5 && LW_TOTAL - off >= LW_IOV_BUFS * 17) {
      /* One request made of many small buffers. */
      for (i = 0; i < LW_IOV_BUFS; i++)
        bufs[i] = uv_buf_init(lw_data + off + (size_t) i * 17, 17);
      n = LW_IOV_BUFS * 17;
      ASSERT_OK(uv_write(&lw_reqs[lw_nreqs], (uv_stream_t*) &lw_client, bufs,
                         LW_IOV_BUFS, lw_write_cb));
    } else if (lw_nreqs % 9 == 4 && LW_TOTAL - off >= 3 * 5000) {
      /* A few medium buffers. */
      for (i = 0; i < 3; i++)
        bufs[i] = uv_buf_init(lw_data + off + (size_t) i * 5000, 5000);
      n = 3 * 5000;
      ASSERT_OK(uv_write(&lw_reqs[lw_nreqs], (uv_stream_t*) &lw_client, bufs,
                         3, lw_write_cb));
    } else {
      n = sizes[k++ % (sizeof(sizes) / sizeof(sizes[0]))];
      if (n > LW_TOTAL - off)
        n = LW_TOTAL - off;
      bufs[0] = uv_buf_init(lw_data + off, (unsigned int) n);
      ASSERT_OK(uv_write(&lw_reqs[lw_nreqs], (uv_stream_t*) &lw_client, bufs,
                         1, lw_write_cb));
    }
    off += n;
    queued += n;
    lw_req_end[lw_nreqs] = off;
    lw_nreqs++;
    /* The queue holds what the kernel has not taken yet: never more than
     * was submitted. */
    ASSERT_UINT64_LE(lw_client.write_queue_size, queued);
  }
  /* 32 MiB cannot all fit in the socket buffers of an idle peer. */
  ASSERT_UINT64_GT(lw_client.write_queue_size, 0);
  ASSERT_EQ(lw_done, 0);  /* write callbacks never run synchronously */

  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(lw_done, lw_nreqs);
  ASSERT_UINT64_EQ(lw_received, LW_TOTAL);
  close_loop_and_check(&loop);
  free(bufs);
  free(lw_req_end);
  free(lw_reqs);
  free(lw_data);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Reads stopped and restarted: no callbacks while stopped, nothing lost */

#define RS_A 1000
#define RS_B 8192

static uv_tcp_t rs_client;
static uv_tcp_t rs_peer;
static uv_idle_t rs_idle;
static uv_write_t rs_write_a;
static uv_write_t rs_write_b;
static char rs_data[RS_A + RS_B];
static size_t rs_received;
static int rs_stopped;
static int rs_idle_runs;
static int rs_restarted;

static void rs_read_cb(uv_stream_t* stream, ssize_t nread,
                       const uv_buf_t* buf);

static void rs_idle_cb(uv_idle_t* idle) {
  ASSERT(rs_stopped);
  if (++rs_idle_runs < 20)
    return;
  uv_close((uv_handle_t*) idle, NULL);
  rs_stopped = 0;
  rs_restarted = 1;
  ASSERT_OK(uv_read_start((uv_stream_t*) &rs_peer, st_alloc_cb, rs_read_cb));
  ASSERT(uv_is_active((uv_handle_t*) &rs_peer));
}

static void rs_write_b_cb(uv_write_t* req, int status) {
  ASSERT_OK(status);
  (void) req;
  /* The data is in the kernel and the peer is not reading: spin the loop
   * for a while; the peer must stay silent. */
  ASSERT_OK(uv_idle_init(rs_client.loop, &rs_idle));
  ASSERT_OK(uv_idle_start(&rs_idle, rs_idle_cb));
}

static void rs_read_cb(uv_stream_t* stream, ssize_t nread,
                       const uv_buf_t* buf) {
  uv_buf_t b;

  ASSERT_EQ(rs_stopped, 0);
  ASSERT_GE(nread, 0);
  ASSERT_UINT64_LE(rs_received + (size_t) nread, sizeof(rs_data));
  ASSERT_MEM_EQ(buf->base, rs_data + rs_received, (size_t) nread);
  rs_received += (size_t) nread;
  if (nread > 0 && !rs_restarted && rs_stopped == 0) {
    ASSERT_OK(uv_read_stop(stream));
    ASSERT_OK(uv_read_stop(stream));  /* stopping twice is fine */
    ASSERT_EQ(uv_is_active((uv_handle_t*) stream), 0);
    rs_stopped = 1;
    b = uv_buf_init(rs_data + RS_A, RS_B);
    ASSERT_OK(uv_write(&rs_write_b, (uv_stream_t*) &rs_client, &b, 1,
                       rs_write_b_cb));
    return;
  }
  if (rs_received == sizeof(rs_data)) {
    uv_close((uv_handle_t*) &rs_peer, NULL);
    uv_close((uv_handle_t*) &rs_client, NULL);
  }
}

TEST(tcp_read_stop_restart) {
  uv_loop_t loop;
  uv_buf_t b;

  st_fill(rs_data, sizeof(rs_data), 5);
  ASSERT_OK(uv_loop_init(&loop));
  st_tcp_pair(&loop, &rs_client, &rs_peer);
  ASSERT_OK(uv_read_start((uv_stream_t*) &rs_peer, st_alloc_cb, rs_read_cb));
  ASSERT_EQ(uv_read_start((uv_stream_t*) &rs_peer, st_alloc_cb, rs_read_cb),
            UV_EALREADY);
  b = uv_buf_init(rs_data, RS_A);
  ASSERT_OK(uv_write(&rs_write_a, (uv_stream_t*) &rs_client, &b, 1, NULL));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(rs_idle_runs, 20);
  ASSERT_EQ(rs_restarted, 1);
  ASSERT_UINT64_EQ(rs_received, sizeof(rs_data));
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* uv_try_write under back-pressure */

static uv_tcp_t tw_client;
static uv_tcp_t tw_peer;
static uv_write_t tw_req;
static uv_idle_t tw_idle;
static char tw_queued[1000];
static char tw_last[100];
static uint64_t tw_sent;       /* bytes accepted by try_write + queued */
static uint64_t tw_received;
static int tw_queued_done;
static int tw_last_sent;

static void tw_idle_cb(uv_idle_t* idle) {
  uv_buf_t b;
  int r;

  /* The peer has read everything: the socket buffer drains as the kernel
   * processes the acknowledgements, and then try_write succeeds. */
  b = uv_buf_init(tw_last, sizeof(tw_last));
  r = uv_try_write((uv_stream_t*) &tw_client, &b, 1);
  if (r == UV_EAGAIN)
    return;
  ASSERT_EQ(r, (int) sizeof(tw_last));
  tw_sent += sizeof(tw_last);
  tw_last_sent = 1;
  uv_close((uv_handle_t*) idle, NULL);
}

static void tw_read_cb(uv_stream_t* stream, ssize_t nread,
                       const uv_buf_t* buf) {
  ASSERT_GE(nread, 0);
  st_check(buf->base, (size_t) nread, tw_received);
  tw_received += (uint64_t) nread;
  ASSERT_UINT64_LE(tw_received, tw_sent);
  if (tw_received == tw_sent && tw_queued_done && !tw_last_sent &&
      !uv_is_active((uv_handle_t*) &tw_idle)) {
    ASSERT_OK(uv_idle_start(&tw_idle, tw_idle_cb));
  }
  if (tw_last_sent && tw_received == tw_sent) {
    uv_close((uv_handle_t*) stream, NULL);
    uv_close((uv_handle_t*) &tw_client, NULL);
  }
}

static void tw_write_cb(uv_write_t* req, int status) {
  ASSERT_OK(status);
  (void) req;
  ASSERT_UINT64_EQ(tw_client.write_queue_size, 0);
  tw_queued_done = 1;
  if (tw_received == tw_sent)
    ASSERT_OK(uv_idle_start(&tw_idle, tw_idle_cb));
}

TEST(tcp_try_write_backpressure) {
  uv_loop_t loop;
  uint64_t off;
  size_t filled;
  uv_buf_t b;

  ASSERT_OK(uv_loop_init(&loop));
  st_tcp_pair(&loop, &tw_client, &tw_peer);
  ASSERT_OK(uv_idle_init(&loop, &tw_idle));

  /* Nothing queued, nothing connecting: try_write writes directly. */
  off = 0;
  filled = st_fill_until_eagain((uv_stream_t*) &tw_client, &off);
  tw_sent = filled;
  ASSERT_UINT64_EQ(tw_client.write_queue_size, 0);
  b = uv_buf_init(tw_queued, 1);
  ASSERT_EQ(uv_try_write((uv_stream_t*) &tw_client, &b, 1), UV_EAGAIN);

  /* A queued write: what the kernel refused waits in the queue, and
   * try_write must not jump ahead of it.  (On TCP a late acknowledgement
   * can free buffer space at any moment, so the exact accounting is
   * checked on a socketpair in pipe_write_queue_size_exact.) */
  st_fill(tw_queued, sizeof(tw_queued), off);
  b = uv_buf_init(tw_queued, sizeof(tw_queued));
  ASSERT_OK(uv_write(&tw_req, (uv_stream_t*) &tw_client, &b, 1, tw_write_cb));
  ASSERT_UINT64_LE(tw_client.write_queue_size, sizeof(tw_queued));
  off += sizeof(tw_queued);
  tw_sent += sizeof(tw_queued);
  if (tw_client.write_queue_size > 0)
    ASSERT_EQ(uv_try_write((uv_stream_t*) &tw_client, &b, 1), UV_EAGAIN);
  st_fill(tw_last, sizeof(tw_last), off);

  /* Now drain. */
  ASSERT_OK(uv_read_start((uv_stream_t*) &tw_peer, st_alloc_cb, tw_read_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(tw_queued_done, 1);
  ASSERT_EQ(tw_last_sent, 1);
  ASSERT_UINT64_EQ(tw_received, tw_sent);
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Closing a stream with pending writes and a pending shutdown */

#define CPW_WRITES 5
/* Larger than the kernel will buffer for a peer that does not read, so none
 * of these can complete. */
#define CPW_SIZE (8u << 20)

static uv_write_t cpw_reqs[CPW_WRITES];
static uv_shutdown_t cpw_shutdown_req;
static int cpw_write_cbs;
static int cpw_shutdown_cbs;
static int cpw_close_cbs;

static void cpw_write_cb(uv_write_t* req, int status) {
  ASSERT_EQ(status, UV_ECANCELED);
  ASSERT_PTR_EQ(req, &cpw_reqs[cpw_write_cbs]);
  ASSERT_EQ(cpw_shutdown_cbs, 0);
  ASSERT_EQ(cpw_close_cbs, 0);
  cpw_write_cbs++;
}

static void cpw_shutdown_cb(uv_shutdown_t* req, int status) {
  (void) req;
  ASSERT_EQ(status, UV_ECANCELED);
  ASSERT_EQ(cpw_write_cbs, CPW_WRITES);
  ASSERT_EQ(cpw_close_cbs, 0);
  cpw_shutdown_cbs++;
}

static void cpw_close_cb(uv_handle_t* handle) {
  (void) handle;
  ASSERT_EQ(cpw_write_cbs, CPW_WRITES);
  ASSERT_EQ(cpw_shutdown_cbs, 1);
  cpw_close_cbs++;
}

TEST(tcp_close_with_pending_writes) {
  uv_tcp_t client;
  uv_tcp_t peer;
  uv_loop_t loop;
  uint64_t off;
  char* data;
  uv_buf_t b;
  int i;

  data = malloc(CPW_SIZE);
  ASSERT_NOT_NULL(data);
  memset(data, 'w', CPW_SIZE);
  ASSERT_OK(uv_loop_init(&loop));
  st_tcp_pair(&loop, &client, &peer);
  off = 0;
  st_fill_until_eagain((uv_stream_t*) &client, &off);
  for (i = 0; i < CPW_WRITES; i++) {
    b = uv_buf_init(data, CPW_SIZE);
    ASSERT_OK(uv_write(&cpw_reqs[i], (uv_stream_t*) &client, &b, 1,
                       cpw_write_cb));
  }
  ASSERT_OK(uv_shutdown(&cpw_shutdown_req, (uv_stream_t*) &client,
                        cpw_shutdown_cb));
  uv_close((uv_handle_t*) &client, cpw_close_cb);
  /* Nothing is called back from inside uv_close. */
  ASSERT_EQ(cpw_write_cbs, 0);
  ASSERT_EQ(cpw_shutdown_cbs, 0);
  uv_close((uv_handle_t*) &peer, NULL);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(cpw_write_cbs, CPW_WRITES);
  ASSERT_EQ(cpw_shutdown_cbs, 1);
  ASSERT_EQ(cpw_close_cbs, 1);
  close_loop_and_check(&loop);
  free(data);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* An alloc callback that returns no buffer: read_cb(UV_ENOBUFS) */

static uv_tcp_t nb_client;
static uv_tcp_t nb_peer;
static char nb_data[5000];
static int nb_allocs;
static int nb_enobufs;
static size_t nb_received;

static void nb_alloc_cb(uv_handle_t* handle, size_t suggested,
                        uv_buf_t* buf) {
  (void) handle;
  ASSERT_GT(suggested, 0);
  nb_allocs++;
  if (nb_allocs == 1) {
    *buf = uv_buf_init(NULL, 0);
  } else if (nb_allocs == 2) {
    /* A pointer with no room is no buffer either. */
    *buf = uv_buf_init(st_readbuf, 0);
  } else {
    st_alloc_cb(handle, suggested, buf);
  }
}

static void nb_read_cb(uv_stream_t* stream, ssize_t nread,
                       const uv_buf_t* buf) {
  if (nread == UV_ENOBUFS) {
    nb_enobufs++;
    ASSERT_EQ(nb_received, 0);
    ASSERT_EQ(nb_enobufs, nb_allocs);
    return;
  }
  ASSERT_GE(nread, 0);
  ASSERT_EQ(nb_enobufs, 2);
  ASSERT_MEM_EQ(buf->base, nb_data + nb_received, (size_t) nread);
  nb_received += (size_t) nread;
  if (nb_received == sizeof(nb_data)) {
    uv_close((uv_handle_t*) stream, NULL);
    uv_close((uv_handle_t*) &nb_client, NULL);
  }
}

TEST(tcp_alloc_empty_enobufs) {
  uv_write_t req;
  uv_loop_t loop;
  uv_buf_t b;

  st_fill(nb_data, sizeof(nb_data), 99);
  ASSERT_OK(uv_loop_init(&loop));
  st_tcp_pair(&loop, &nb_client, &nb_peer);
  b = uv_buf_init(nb_data, sizeof(nb_data));
  ASSERT_OK(uv_write(&req, (uv_stream_t*) &nb_client, &b, 1, NULL));
  ASSERT_OK(uv_read_start((uv_stream_t*) &nb_peer, nb_alloc_cb, nb_read_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(nb_enobufs, 2);
  ASSERT_UINT64_EQ(nb_received, sizeof(nb_data));
  close_loop_and_check(&loop);
  return 0;
}
