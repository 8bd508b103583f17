/* bench-memory — what the library costs in memory.
 *
 * Not a timed benchmark: bench/run-compare.sh runs it as "bench-memory
 * report" for each library and puts the two side by side.  It prints
 * lines "<kind> <what> <value> <unit>":
 *   size    every handle and request type (uv_handle_size, uv_req_size)
 *           and the loop (uv_loop_size);
 *   rss     the peak resident set of a process holding 1M started timers,
 *           and the growth of resident memory per idle TCP connection
 *           with 10k of them accepted and reading (the clients live in a
 *           child process, so only the server side is counted);
 *   allocs  calls to the allocator per operation in steady state, counted
 *           through uv_replace_allocator: TCP read+write (one ping-pong
 *           round trip), timer start+fire, async send+callback, UDP
 *           send+receive, and for contrast an asynchronous uv_fs_stat.
 * Each measurement that needs a process of its own runs in a fork.
 *
 * Usage: bench-memory report
 *
 * run-compare: memory (not a timed row)
 */
#include "bench-common.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned long nallocs;

static void* count_malloc(size_t n) {
  nallocs++;
  return malloc(n);
}

static void* count_realloc(void* p, size_t n) {
  nallocs++;
  return realloc(p, n);
}

static void* count_calloc(size_t a, size_t b) {
  nallocs++;
  return calloc(a, b);
}

static void count_free(void* p) {
  free(p);
}

static long rss_kib(void) {
  char line[256];
  long v = -1;
  FILE* f;

  f = fopen("/proc/self/status", "r");
  if (f == NULL)
    return -1;
  while (fgets(line, sizeof(line), f) != NULL)
    if (sscanf(line, "VmRSS: %ld", &v) == 1)
      break;
  fclose(f);
  return v;
}

static void sizes(void) {
#define XX(uc, lc) printf("size %s_t %zu bytes\n", #lc, uv_handle_size(UV_##uc));
  UV_HANDLE_TYPE_MAP(XX)
#undef XX
#define XX(uc, lc) printf("size %s_t %zu bytes\n", #lc, uv_req_size(UV_##uc));
  UV_REQ_TYPE_MAP(XX)
#undef XX
  printf("size loop_t %zu bytes\n", uv_loop_size());
}

/* ---- 1M timers ---- */
static void noop_timer(uv_timer_t* t) {
  (void) t;
}

static void timers_rss(void) {
  struct rusage ru;
  uv_timer_t* t;
  uv_loop_t loop;
  int n = 1000000;
  int i;

  t = malloc(sizeof(*t) * (size_t) n);
  if (t == NULL || uv_loop_init(&loop) != 0)
    exit(1);
  for (i = 0; i < n; i++) {
    uv_timer_init(&loop, &t[i]);
    uv_timer_start(&t[i], noop_timer, 60000 + (uint64_t) (i % 1000), 0);
  }
  getrusage(RUSAGE_SELF, &ru);
  printf("rss 1M-timers-peak %ld KiB\n", ru.ru_maxrss);
  exit(0);
}

/* ---- 10k idle TCP connections ---- */
static uv_loop_t cloop;
static unsigned long naccepted;
static char rbuf[64];

static void alloc_small(uv_handle_t* h, size_t s, uv_buf_t* b) {
  (void) h;
  (void) s;
  b->base = rbuf;
  b->len = sizeof(rbuf);
}

static void read_nothing(uv_stream_t* s, ssize_t n, const uv_buf_t* b) {
  (void) s;
  (void) n;
  (void) b;
}

static void on_conn(uv_stream_t* srv, int status) {
  uv_tcp_t* c;

  if (status != 0)
    return;
  c = malloc(sizeof(*c));
  if (c == NULL || uv_tcp_init(&cloop, c) != 0 ||
      uv_accept(srv, (uv_stream_t*) c) != 0 ||
      uv_read_start((uv_stream_t*) c, alloc_small, read_nothing) != 0)
    exit(1);
  if (++naccepted == 10000)
    uv_stop(&cloop);
}

static void conns_rss(void) {
  struct sockaddr_in a;
  struct rlimit rl;
  uv_tcp_t server;
  int namelen;
  long before;
  pid_t pid;
  int sync[2];
  char c;
  int i;

  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
  if (rl.rlim_max < 10100) {
    printf("rss tcp-idle-conn - (descriptor limit %lu)\n",
           (unsigned long) rl.rlim_max);
    exit(0);
  }
  uv_loop_init(&cloop);
  uv_ip4_addr("127.0.0.1", 0, &a);
  uv_tcp_init(&cloop, &server);
  uv_tcp_bind(&server, (const struct sockaddr*) &a, 0);
  if (uv_listen((uv_stream_t*) &server, 4096, on_conn) != 0)
    exit(1);
  namelen = (int) sizeof(a);
  uv_tcp_getsockname(&server, (struct sockaddr*) &a, &namelen);
  if (pipe(sync) != 0)
    exit(1);
  before = rss_kib();
  pid = fork();
  if (pid == 0) {
    /* The clients: blocking connects, then wait for the parent. */
    for (i = 0; i < 10000; i++) {
      int fd = socket(AF_INET, SOCK_STREAM, 0);
      if (fd < 0 || connect(fd, (struct sockaddr*) &a, sizeof(a)) != 0)
        _exit(1);
    }
    close(sync[1]);
    if (read(sync[0], &c, 1) < 0)
      _exit(1);
    _exit(0);
  }
  close(sync[0]);
  uv_run(&cloop, UV_RUN_DEFAULT);
  printf("rss tcp-idle-conn %.2f KiB/connection\n",
         (double) (rss_kib() - before) / 10000.0);
  close(sync[1]);
  waitpid(pid, NULL, 0);
  exit(0);
}

/* ---- allocations per operation ---- */
static uv_loop_t loop;
static uv_tcp_t srv;
static uv_tcp_t cli;
static uv_tcp_t acc;
static uv_write_t wreq[8];
static unsigned wnext;
static char msg[64];
static unsigned long trips;
static unsigned long want;

static void wcb(uv_write_t* r, int s) {
  (void) r;
  if (s != 0)
    die("write", s);
}

static void rcb(uv_stream_t* s, ssize_t n, const uv_buf_t* b) {
  uv_buf_t buf;

  (void) b;
  if (n <= 0)
    return;
  buf = uv_buf_init(msg, (unsigned int) n);
  if (s == (uv_stream_t*) &acc) {
    uv_write(&wreq[wnext++ % 8], s, &buf, 1, wcb);
  } else if (++trips < want) {
    uv_write(&wreq[wnext++ % 8], (uv_stream_t*) &cli, &buf, 1, wcb);
  } else {
    uv_stop(&loop);
  }
}

static void tcp_allocs(unsigned long n) {
  uv_buf_t buf;

  trips = 0;
  want = n;
  buf = uv_buf_init(msg, sizeof(msg));
  uv_write(&wreq[wnext++ % 8], (uv_stream_t*) &cli, &buf, 1, wcb);
  uv_run(&loop, UV_RUN_DEFAULT);
}

static unsigned long fired;
static void tcb(uv_timer_t* t) {
  if (++fired < want)
    uv_timer_start(t, tcb, 0, 0);
  else
    uv_stop(&loop);  /* the TCP listener keeps the loop alive */
}

static void acb(uv_async_t* a) {
  if (++fired < want)
    uv_async_send(a);
  else
    uv_stop(&loop);
}

static uv_udp_t ua;
static uv_udp_t ub;
static struct sockaddr_in ub_addr;
/* Send requests come from a free list and go back in their callback: a
 * receive callback can answer many datagrams (one read batch) before any
 * send callback runs, so a fixed rotation would reuse requests still in
 * flight, which uvcore refuses (UV_EINVAL) and libuv silently corrupts. */
#define UREQS 256
static uv_udp_send_t ureq[UREQS];
static uv_udp_send_t* ufree[UREQS];
static unsigned nufree;

static void usend_cb(uv_udp_send_t* r, int s) {
  (void) s;
  ufree[nufree++] = r;
}

static uv_udp_send_t* ureq_get(void) {
  if (nufree == 0) {
    fprintf(stderr, "bench-memory: more than %d UDP sends in flight\n", UREQS);
    exit(1);
  }
  return ufree[--nufree];
}

static void usend(void) {
  uv_buf_t buf;

  buf = uv_buf_init(msg, 32);
  if (uv_udp_send(ureq_get(), &ua, &buf, 1,
                  (const struct sockaddr*) &ub_addr, usend_cb) != 0) {
    fprintf(stderr, "bench-memory: uv_udp_send failed\n");
    exit(1);
  }
}

static void urecv(uv_udp_t* h, ssize_t n, const uv_buf_t* b,
                  const struct sockaddr* from, unsigned flags) {
  (void) h;
  (void) b;
  (void) from;
  (void) flags;
  if (n <= 0)
    return;
  if (++fired < want) {
    usend();
  } else {
    uv_stop(&loop);
  }
}

static void scb(uv_fs_t* r) {
  uv_fs_req_cleanup(r);
  if (++fired < want)
    uv_fs_stat(&loop, r, ".", scb);
  else
    uv_stop(&loop);
}

static void measure(const char* what, const char* unit,
                    void (*fn)(unsigned long)) {
  unsigned long before;

  fn(200);  /* warm-up: buffers, pool threads, first-use tables */
  before = nallocs;
  fn(10000);
  printf("allocs %s %.3f per-%s\n", what,
         (double) (nallocs - before) / 10000.0, unit);
}

static uv_timer_t timer;
static uv_async_t async;
static uv_fs_t fsreq;

static void timer_allocs(unsigned long n) {
  fired = 0;
  want = n;
  uv_timer_start(&timer, tcb, 0, 0);
  uv_run(&loop, UV_RUN_DEFAULT);
}

static void async_allocs(unsigned long n) {
  fired = 0;
  want = n;
  uv_async_send(&async);
  uv_run(&loop, UV_RUN_DEFAULT);
}

static void udp_allocs(unsigned long n) {
  fired = 0;
  want = n;
  usend();
  uv_run(&loop, UV_RUN_DEFAULT);
}

static void stat_allocs(unsigned long n) {
  fired = 0;
  want = n;
  uv_fs_stat(&loop, &fsreq, ".", scb);
  uv_run(&loop, UV_RUN_DEFAULT);
}

static void allocs(void) {
  struct sockaddr_in any;
  int len;

  if (uv_replace_allocator(count_malloc, count_realloc, count_calloc,
                           count_free) != 0)
    exit(1);
  if (uv_loop_init(&loop) != 0)
    exit(1);
  bench_tcp_pair(&loop, &srv, &cli, &acc);
  uv_tcp_nodelay(&cli, 1);
  uv_tcp_nodelay(&acc, 1);
  uv_read_start((uv_stream_t*) &cli, alloc_small, rcb);
  uv_read_start((uv_stream_t*) &acc, alloc_small, rcb);
  measure("tcp-read+write", "round-trip", tcp_allocs);
  uv_read_stop((uv_stream_t*) &cli);
  uv_read_stop((uv_stream_t*) &acc);

  uv_timer_init(&loop, &timer);
  measure("timer-start+fire", "timer", timer_allocs);
  uv_async_init(&loop, &async, acb);
  measure("async-send+callback", "wake-up", async_allocs);
  uv_close((uv_handle_t*) &async, NULL);

  uv_ip4_addr("127.0.0.1", 0, &any);
  uv_udp_init(&loop, &ua);
  uv_udp_init(&loop, &ub);
  uv_udp_bind(&ua, (const struct sockaddr*) &any, 0);
  uv_udp_bind(&ub, (const struct sockaddr*) &any, 0);
  len = (int) sizeof(ub_addr);
  uv_udp_getsockname(&ub, (struct sockaddr*) &ub_addr, &len);
  uv_udp_recv_start(&ub, alloc_small, urecv);
  for (nufree = 0; nufree < UREQS; nufree++)
    ufree[nufree] = &ureq[nufree];
  measure("udp-send+recv", "datagram", udp_allocs);
  measure("fs-stat-async", "request", stat_allocs);
  exit(0);
}

static void in_child(void (*fn)(void)) {
  pid_t pid;

  fflush(stdout);
  pid = fork();
  if (pid == 0)
    fn();
  if (pid > 0)
    waitpid(pid, NULL, 0);
}

int main(int argc, char** argv) {
  if (argc < 2 || strcmp(argv[1], "report") != 0) {
    fprintf(stderr, "usage: bench-memory report\n");
    return 2;
  }
  sizes();
  in_child(timers_rss);
  in_child(conns_rss);
  in_child(allocs);
  return 0;
}
