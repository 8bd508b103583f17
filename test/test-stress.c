/* Bounded stress tests, loopback only, each stopping by itself.  After
 * each: every operation accounted for, no descriptor left (the runner
 * checks), no zombie, and the heap in use back near where it started.
 *
 * The sizes here are the CI form.  UVCORE_STRESS=full runs the sizes of
 * issue 11 (10,000 connections, 1,000,000 timers and async sends, 100,000
 * pool jobs and datagrams, 2,000 spawns); see docs/reliability.md.
 */
#include "task.h"

#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static int stress_full(void) {
  const char* v;

  v = getenv("UVCORE_STRESS");
  return v != NULL && strcmp(v, "full") == 0;
}

static size_t stress_n(size_t bounded, size_t full) {
  return stress_full() ? full : bounded;
}

/* Heap in use (glibc); 0 under a sanitizer's allocator, which keeps its
 * own books. */
static size_t heap_in_use(void) {
  struct mallinfo2 mi;

  malloc_trim(0);
  mi = mallinfo2();
  return mi.uordblks;
}

static void check_heap_back(size_t before, const char* what) {
  size_t after;

  after = heap_in_use();
  fprintf(stderr, "%s: heap in use %zu -> %zu bytes\n", what, before, after);
  /* The library keeps a little first-use state (the pool, the loop's
   * watcher array is freed with the loop); nothing grows with N. */
  ASSERT_UINT64_LE(after, before + 256 * 1024);
}

static void check_no_zombie(void) {
  ASSERT_EQ(waitpid(-1, NULL, WNOHANG), -1);
  ASSERT_EQ(errno, ECHILD);
}

/* ---- TCP: many concurrent connections, each echoing one message ------- */

#define SE_MSG 64

typedef struct {
  uv_tcp_t handle;
  uv_connect_t connect;
  uv_write_t write;
  char buf[SE_MSG];
  size_t got;
  int server_side;
} se_conn_t;

static uv_tcp_t se_server;
static size_t se_total;
static size_t se_echoed;
static size_t se_closed;
static char se_msg[SE_MSG];

static void se_close_cb(uv_handle_t* h) {
  free(h->data);
  if (++se_closed == 2 * se_total)
    uv_close((uv_handle_t*) &se_server, NULL);
}

static void se_alloc_cb(uv_handle_t* h, size_t size, uv_buf_t* buf) {
  se_conn_t* c;

  (void) size;
  c = h->data;
  *buf = uv_buf_init(c->buf + c->got, (unsigned int) (SE_MSG - c->got));
}

static void se_server_write_cb(uv_write_t* req, int status) {
  (void) req;
  ASSERT_OK(status);
}

static void se_read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  se_conn_t* c;
  uv_buf_t b;

  (void) buf;
  c = s->data;
  if (nread == UV_EOF) {
    ASSERT(c->server_side);
    uv_close((uv_handle_t*) s, se_close_cb);
    return;
  }
  ASSERT_GE(nread, 0);
  c->got += (size_t) nread;
  if (c->got < SE_MSG)
    return;
  ASSERT_MEM_EQ(c->buf, se_msg, SE_MSG);
  if (c->server_side) {
    /* Echo, then wait for the client to close. */
    c->got = 0;
    b = uv_buf_init(se_msg, SE_MSG);
    ASSERT_OK(uv_write(&c->write, s, &b, 1, se_server_write_cb));
    return;
  }
  se_echoed++;
  uv_close((uv_handle_t*) s, se_close_cb);
}

static void se_connection_cb(uv_stream_t* server, int status) {
  se_conn_t* c;

  ASSERT_OK(status);
  c = calloc(1, sizeof(*c));
  ASSERT_NOT_NULL(c);
  c->server_side = 1;
  c->handle.data = c;
  ASSERT_OK(uv_tcp_init(server->loop, &c->handle));
  c->handle.data = c;
  ASSERT_OK(uv_accept(server, (uv_stream_t*) &c->handle));
  ASSERT_OK(uv_read_start((uv_stream_t*) &c->handle, se_alloc_cb, se_read_cb));
}

static void se_client_write_cb(uv_write_t* req, int status) {
  (void) req;
  ASSERT_OK(status);
}

static void se_connect_cb(uv_connect_t* req, int status) {
  se_conn_t* c;
  uv_buf_t b;

  ASSERT_OK(status);
  c = req->handle->data;
  b = uv_buf_init(se_msg, SE_MSG);
  ASSERT_OK(uv_write(&c->write, req->handle, &b, 1, se_client_write_cb));
  ASSERT_OK(uv_read_start(req->handle, se_alloc_cb, se_read_cb));
}

TEST_TIMEOUT(stress_tcp_connections, 300);
TEST(stress_tcp_connections) {
  struct sockaddr_storage ss;
  struct sockaddr_in addr;
  struct rlimit saved;
  struct rlimit raised;
  uv_loop_t loop;
  se_conn_t* c;
  size_t heap;
  size_t i;
  int namelen;

  se_total = stress_n(500, 10000);
  /* Two descriptors a connection, plus room. */
  ASSERT_OK(getrlimit(RLIMIT_NOFILE, &saved));
  raised = saved;
  if (raised.rlim_cur < 2 * se_total + 64) {
    raised.rlim_cur = 2 * se_total + 64;
    if (raised.rlim_max < raised.rlim_cur)
      raised.rlim_max = raised.rlim_cur;  /* root may */
    if (setrlimit(RLIMIT_NOFILE, &raised) != 0) {
      raised.rlim_max = saved.rlim_max;
      raised.rlim_cur = saved.rlim_max;
      ASSERT_OK(setrlimit(RLIMIT_NOFILE, &raised));
      se_total = (raised.rlim_cur - 64) / 2;
      fprintf(stderr, "RLIMIT_NOFILE allows only %zu connections\n",
              se_total);
    }
  }
  memset(se_msg, 'e', sizeof(se_msg));
  se_echoed = se_closed = 0;
  heap = heap_in_use();

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_ip4_addr("127.0.0.1", 0, &addr));
  ASSERT_OK(uv_tcp_init(&loop, &se_server));
  ASSERT_OK(uv_tcp_bind(&se_server, (const struct sockaddr*) &addr, 0));
  ASSERT_OK(uv_listen((uv_stream_t*) &se_server, 4096, se_connection_cb));
  namelen = sizeof(ss);
  ASSERT_OK(uv_tcp_getsockname(&se_server, (struct sockaddr*) &ss, &namelen));
  for (i = 0; i < se_total; i++) {
    c = calloc(1, sizeof(*c));
    ASSERT_NOT_NULL(c);
    ASSERT_OK(uv_tcp_init(&loop, &c->handle));
    c->handle.data = c;
    ASSERT_OK(uv_tcp_connect(&c->connect, &c->handle,
                             (const struct sockaddr*) &ss, se_connect_cb));
  }
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_UINT64_EQ(se_echoed, se_total);
  ASSERT_UINT64_EQ(se_closed, 2 * se_total);
  close_loop_and_check(&loop);
  ASSERT_OK(setrlimit(RLIMIT_NOFILE, &saved));
  fprintf(stderr, "%zu concurrent connections echoed\n", se_total);
  check_heap_back(heap, "tcp");
  return 0;
}

/* ---- timers: many at once, some stopped, every other fires once ------ */

static size_t st_fired;

static void st_timer_cb(uv_timer_t* t) {
  ASSERT_EQ(t->data, NULL);
  t->data = t;  /* fired */
  st_fired++;
  uv_close((uv_handle_t*) t, NULL);
}

TEST_TIMEOUT(stress_timers, 300);
TEST(stress_timers) {
  uv_timer_t* timers;
  uv_loop_t loop;
  size_t stopped;
  size_t heap;
  size_t n;
  size_t i;

  n = stress_n(100000, 1000000);
  heap = heap_in_use();
  timers = malloc(n * sizeof(*timers));
  ASSERT_NOT_NULL(timers);
  ASSERT_OK(uv_loop_init(&loop));
  srand(11);
  for (i = 0; i < n; i++) {
    ASSERT_OK(uv_timer_init(&loop, &timers[i]));
    timers[i].data = NULL;
    ASSERT_OK(uv_timer_start(&timers[i], st_timer_cb,
                             (uint64_t) (rand() % 50), 0));
  }
  /* Stop every seventh before anything runs. */
  stopped = 0;
  for (i = 0; i < n; i += 7) {
    ASSERT_OK(uv_timer_stop(&timers[i]));
    uv_close((uv_handle_t*) &timers[i], NULL);
    stopped++;
  }
  st_fired = 0;
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_UINT64_EQ(st_fired, n - stopped);
  for (i = 0; i < n; i++)
    ASSERT_EQ(timers[i].data != NULL, i % 7 != 0);
  close_loop_and_check(&loop);
  free(timers);
  fprintf(stderr, "%zu timers, %zu stopped, %zu fired\n", n, stopped,
          st_fired);
  check_heap_back(heap, "timers");
  return 0;
}

/* ---- uv_async_send from 8 threads ------------------------------------- */

#define SA_THREADS 8

static uv_async_t sa_async;
static size_t sa_per_thread;
static int sa_senders_done;
static size_t sa_calls;

static void sa_sender(void* arg) {
  size_t i;

  (void) arg;
  for (i = 0; i < sa_per_thread; i++)
    ASSERT_OK(uv_async_send(&sa_async));
  __atomic_fetch_add(&sa_senders_done, 1, __ATOMIC_SEQ_CST);
  /* The last send after the count went up: the callback sees the count. */
  ASSERT_OK(uv_async_send(&sa_async));
}

static void sa_cb(uv_async_t* a) {
  sa_calls++;
  if (__atomic_load_n(&sa_senders_done, __ATOMIC_SEQ_CST) == SA_THREADS)
    uv_close((uv_handle_t*) a, NULL);
}

TEST_TIMEOUT(stress_async_send, 300);
TEST(stress_async_send) {
  uv_thread_t threads[SA_THREADS];
  uv_loop_t loop;
  size_t heap;
  int i;

  sa_per_thread = stress_n(1000000, 1000000) / SA_THREADS;
  if (!stress_full())
    sa_per_thread /= 10;
  sa_senders_done = 0;
  sa_calls = 0;
  heap = heap_in_use();
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_async_init(&loop, &sa_async, sa_cb));
  for (i = 0; i < SA_THREADS; i++)
    ASSERT_OK(uv_thread_create(&threads[i], sa_sender, NULL));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  for (i = 0; i < SA_THREADS; i++)
    ASSERT_OK(uv_thread_join(&threads[i]));
  ASSERT_GE(sa_calls, 1);
  ASSERT_UINT64_LE(sa_calls, SA_THREADS * sa_per_thread + SA_THREADS);
  close_loop_and_check(&loop);
  fprintf(stderr, "%zu sends from %d threads, coalesced into %zu callbacks\n",
          SA_THREADS * sa_per_thread, SA_THREADS, sa_calls);
  check_heap_back(heap, "async");
  return 0;
}

/* ---- thread pool: many jobs, a random third cancelled ----------------- */

typedef struct {
  uv_work_t req;
  int ran;
  int after_status;
  int after_calls;
} sp_job_t;

static void sp_work(uv_work_t* req) {
  ((sp_job_t*) req)->ran = 1;
}

static void sp_after(uv_work_t* req, int status) {
  sp_job_t* j;

  j = (sp_job_t*) req;
  j->after_calls++;
  j->after_status = status;
}

TEST_TIMEOUT(stress_threadpool_cancel, 300);
TEST(stress_threadpool_cancel) {
  uv_loop_t loop;
  sp_job_t* jobs;
  size_t cancelled;
  size_t heap;
  size_t n;
  size_t i;

  n = stress_n(10000, 100000);
  heap = heap_in_use();
  jobs = calloc(n, sizeof(*jobs));
  ASSERT_NOT_NULL(jobs);
  ASSERT_OK(uv_loop_init(&loop));
  srand(11);
  cancelled = 0;
  for (i = 0; i < n; i++) {
    ASSERT_OK(uv_queue_work(&loop, &jobs[i].req, sp_work, sp_after));
    if (rand() % 3 == 0) {
      /* Some have started already: UV_EBUSY for those. */
      if (uv_cancel((uv_req_t*) &jobs[rand() % (i + 1)].req) == 0)
        cancelled++;
    }
  }
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  for (i = 0; i < n; i++) {
    ASSERT_EQ(jobs[i].after_calls, 1);
    if (jobs[i].after_status == UV_ECANCELED)
      ASSERT_EQ(jobs[i].ran, 0);
    else
      ASSERT(jobs[i].after_status == 0 && jobs[i].ran == 1);
  }
  close_loop_and_check(&loop);
  free(jobs);
  fprintf(stderr, "%zu jobs, %zu cancels accepted\n", n, cancelled);
  check_heap_back(heap, "threadpool");
  return 0;
}

/* ---- UDP: many datagrams over loopback, a bounded window in flight ---- */

#define SU_WINDOW 32

static uv_udp_t su_tx;
static uv_udp_t su_rx;
static uv_udp_send_t su_reqs[SU_WINDOW];
static size_t su_payload[SU_WINDOW];
static int su_free[SU_WINDOW];    /* stack of idle request slots */
static int su_nfree;
static struct sockaddr_storage su_dest;
static size_t su_total;
static size_t su_sent;
static size_t su_received;
static char su_rbuf[2048];

static void su_pump(void);

static void su_send_cb(uv_udp_send_t* req, int status) {
  ASSERT_OK(status);
  su_free[su_nfree++] = (int) (req - su_reqs);
  su_pump();
}

/* Never more than the window ahead of the receiver: loopback drops what
 * overflows the receive buffer. */
static void su_pump(void) {
  uv_buf_t b;
  int slot;

  while (su_nfree > 0 && su_sent < su_total &&
         su_sent - su_received < SU_WINDOW) {
    slot = su_free[--su_nfree];
    su_payload[slot] = su_sent;
    b = uv_buf_init((char*) &su_payload[slot], sizeof(su_payload[slot]));
    ASSERT_OK(uv_udp_send(&su_reqs[slot], &su_tx, &b, 1,
                          (const struct sockaddr*) &su_dest, su_send_cb));
    su_sent++;
  }
}

static void su_alloc_cb(uv_handle_t* h, size_t size, uv_buf_t* buf) {
  (void) h;
  (void) size;
  *buf = uv_buf_init(su_rbuf, sizeof(su_rbuf));
}

static void su_recv_cb(uv_udp_t* h, ssize_t nread, const uv_buf_t* buf,
                       const struct sockaddr* addr, unsigned flags) {
  (void) flags;
  if (nread == 0 && addr == NULL)
    return;
  ASSERT_EQ(nread, (ssize_t) sizeof(size_t));
  /* In order: loopback neither reorders nor (within the window) drops. */
  ASSERT_MEM_EQ(buf->base, &su_received, sizeof(size_t));
  su_received++;
  if (su_received == su_total) {
    uv_close((uv_handle_t*) h, NULL);
    uv_close((uv_handle_t*) &su_tx, NULL);
    return;
  }
  su_pump();
}

TEST_TIMEOUT(stress_udp_datagrams, 300);
TEST(stress_udp_datagrams) {
  struct sockaddr_in addr;
  uv_loop_t loop;
  size_t heap;
  int namelen;
  int i;

  su_total = stress_n(10000, 100000);
  su_sent = su_received = 0;
  for (i = 0; i < SU_WINDOW; i++)
    su_free[i] = i;
  su_nfree = SU_WINDOW;
  heap = heap_in_use();
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_ip4_addr("127.0.0.1", 0, &addr));
  ASSERT_OK(uv_udp_init(&loop, &su_rx));
  ASSERT_OK(uv_udp_bind(&su_rx, (const struct sockaddr*) &addr, 0));
  namelen = sizeof(su_dest);
  ASSERT_OK(uv_udp_getsockname(&su_rx, (struct sockaddr*) &su_dest,
                               &namelen));
  ASSERT_OK(uv_udp_recv_start(&su_rx, su_alloc_cb, su_recv_cb));
  ASSERT_OK(uv_udp_init(&loop, &su_tx));
  su_pump();
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_UINT64_EQ(su_received, su_total);
  close_loop_and_check(&loop);
  fprintf(stderr, "%zu datagrams sent and received\n", su_total);
  check_heap_back(heap, "udp");
  return 0;
}

/* ---- spawns with a stdout pipe, several at a time --------------------- */

#define SS_PARALLEL 16

typedef struct {
  uv_process_t proc;
  uv_pipe_t out;
  char buf[64];
  size_t got;
  int exited;
  int closed;
} ss_child_t;

static ss_child_t ss_children[SS_PARALLEL];
static size_t ss_total;
static size_t ss_started;
static size_t ss_done;
static uv_loop_t* ss_loop;

static void ss_start(ss_child_t* c);

static void ss_maybe_next(ss_child_t* c) {
  if (c->closed < 2)
    return;
  ss_done++;
  if (ss_started < ss_total)
    ss_start(c);
}

static void ss_close_cb(uv_handle_t* h) {
  ss_child_t* c;

  c = h->data;
  c->closed++;
  ss_maybe_next(c);
}

static void ss_alloc_cb(uv_handle_t* h, size_t size, uv_buf_t* buf) {
  ss_child_t* c;

  (void) size;
  c = h->data;
  *buf = uv_buf_init(c->buf + c->got, (unsigned int) (sizeof(c->buf) - c->got));
}

static void ss_read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  ss_child_t* c;

  (void) buf;
  c = s->data;
  if (nread == UV_EOF) {
    ASSERT_UINT64_EQ(c->got, 6);
    ASSERT_MEM_EQ(c->buf, "child\n", 6);
    uv_close((uv_handle_t*) s, ss_close_cb);
    return;
  }
  ASSERT_GE(nread, 0);
  c->got += (size_t) nread;
}

static void ss_exit_cb(uv_process_t* p, int64_t status, int sig) {
  ASSERT_EQ(status, 0);
  ASSERT_EQ(sig, 0);
  uv_close((uv_handle_t*) p, ss_close_cb);
}

static void ss_start(ss_child_t* c) {
  uv_process_options_t opts;
  uv_stdio_container_t stdio[2];
  char* args[4];

  memset(c, 0, sizeof(*c));
  ASSERT_OK(uv_pipe_init(ss_loop, &c->out, 0));
  c->out.data = c;
  c->proc.data = c;
  args[0] = "/bin/sh";
  args[1] = "-c";
  args[2] = "echo child";
  args[3] = NULL;
  memset(&opts, 0, sizeof(opts));
  opts.file = args[0];
  opts.args = args;
  opts.exit_cb = ss_exit_cb;
  opts.stdio_count = 2;
  opts.stdio = stdio;
  stdio[0].flags = UV_IGNORE;
  stdio[1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
  stdio[1].data.stream = (uv_stream_t*) &c->out;
  ASSERT_OK(uv_spawn(ss_loop, &c->proc, &opts));
  c->proc.data = c;
  ASSERT_OK(uv_read_start((uv_stream_t*) &c->out, ss_alloc_cb, ss_read_cb));
  ss_started++;
}

TEST_TIMEOUT(stress_spawn_pipes, 300);
TEST(stress_spawn_pipes) {
  uv_loop_t loop;
  size_t heap;
  size_t i;

  ss_total = stress_n(200, 2000);
  ss_started = ss_done = 0;
  heap = heap_in_use();
  ASSERT_OK(uv_loop_init(&loop));
  ss_loop = &loop;
  for (i = 0; i < SS_PARALLEL && i < ss_total; i++)
    ss_start(&ss_children[i]);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_UINT64_EQ(ss_done, ss_total);
  close_loop_and_check(&loop);
  check_no_zombie();
  fprintf(stderr, "%zu children spawned, %d at a time\n", ss_total,
          SS_PARALLEL);
  check_heap_back(heap, "spawn");
  return 0;
}
