/* bench-udp-pummel — one UDP sender against 100 receivers.
 *
 * One sending handle sprays 64-byte datagrams round-robin at R receiving
 * handles (all on 127.0.0.1, one loop), keeping W send requests in flight
 * (each send callback issues the next), for a fixed time per round.  UDP
 * may drop under this load, so what counts is the datagrams the receivers
 * got: the figure is the time per million datagrams received.  Exercises
 * the send path and dispatch over many ready descriptors at once.  Public
 * API only: builds against uvcore and against libuv.
 *
 * Usage: bench-udp-pummel [receivers] [window] [milliseconds] [rounds]
 *
 * compare: 1v100 100 100 500 3
 */
#include "bench-common.h"

#include <string.h>

#define MAX_RECEIVERS 1000
#define MAX_WINDOW 1000
#define MSG_LEN 64

static uv_loop_t loop;
static uv_udp_t sender;
static uv_udp_t receivers[MAX_RECEIVERS];
static struct sockaddr_in addrs[MAX_RECEIVERS];
static uv_udp_send_t reqs[MAX_WINDOW];
static uv_timer_t timer;
static char message[MSG_LEN];
static char readbuf[65536];
static int nreceivers;
static int next;
static int sending;
static int in_flight;
static unsigned long received;

static void alloc_cb(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void) h;
  (void) suggested;
  buf->base = readbuf;
  buf->len = sizeof(readbuf);
}

static void recv_cb(uv_udp_t* h, ssize_t nread, const uv_buf_t* buf,
                    const struct sockaddr* from, unsigned flags) {
  (void) h;
  (void) buf;
  (void) from;
  (void) flags;
  if (nread < 0)
    die("recv", (int) nread);
  if (nread > 0)
    received++;
}

static void send_cb(uv_udp_send_t* req, int status);

static void send_one(uv_udp_send_t* req) {
  uv_buf_t b;
  int r;

  b = uv_buf_init(message, MSG_LEN);
  r = uv_udp_send(req, &sender, &b, 1,
                  (const struct sockaddr*) &addrs[next], send_cb);
  if (r != 0)
    die("udp_send", r);
  next = (next + 1) % nreceivers;
  in_flight++;
}

static void send_cb(uv_udp_send_t* req, int status) {
  in_flight--;
  if (status != 0 && status != UV_ENOBUFS && status != UV_EAGAIN)
    die("send", status);
  if (sending)
    send_one(req);
}

static void timer_cb(uv_timer_t* t) {
  (void) t;
  sending = 0;
}

int main(int argc, char** argv) {
  struct sockaddr_in any;
  uint64_t times[64];
  uint64_t t0;
  uint64_t ms;
  int namelen;
  int window;
  int rounds;
  int i;
  int r;

  nreceivers = argc > 1 ? atoi(argv[1]) : 100;
  window = argc > 2 ? atoi(argv[2]) : 100;
  ms = bench_n(argc > 3 ? strtoul(argv[3], NULL, 10) : 500);
  rounds = bench_rounds(argc > 4 ? atoi(argv[4]) : 3);
  if (nreceivers < 1 || nreceivers > MAX_RECEIVERS || window < 1 ||
      window > MAX_WINDOW || ms == 0 || rounds < 1 || rounds > 64)
    return 2;
  memset(message, 'u', sizeof(message));
  if (uv_loop_init(&loop) != 0 || uv_timer_init(&loop, &timer) != 0)
    return 1;
  uv_ip4_addr("127.0.0.1", 0, &any);
  if ((r = uv_udp_init(&loop, &sender)) != 0 ||
      (r = uv_udp_bind(&sender, (const struct sockaddr*) &any, 0)) != 0)
    die("sender", r);
  for (i = 0; i < nreceivers; i++) {
    namelen = (int) sizeof(addrs[i]);
    if ((r = uv_udp_init(&loop, &receivers[i])) != 0 ||
        (r = uv_udp_bind(&receivers[i], (const struct sockaddr*) &any,
                         0)) != 0 ||
        (r = uv_udp_getsockname(&receivers[i], (struct sockaddr*) &addrs[i],
                                &namelen)) != 0 ||
        (r = uv_udp_recv_start(&receivers[i], alloc_cb, recv_cb)) != 0)
      die("receiver", r);
  }

  for (i = 0; i < rounds; i++) {
    received = 0;
    sending = 1;
    t0 = uv_hrtime();
    uv_timer_start(&timer, timer_cb, ms, 0);
    for (r = 0; r < window; r++)
      send_one(&reqs[r]);
    while (sending || in_flight > 0)
      uv_run(&loop, UV_RUN_ONCE);
    uv_run(&loop, UV_RUN_NOWAIT);  /* datagrams still queued */
    t0 = uv_hrtime() - t0;
    if (received == 0)
      return 1;
    times[i] = (uint64_t) ((double) t0 * 1e6 / (double) received);
    printf("round %d: %lu datagrams in %.2f ms\n", i + 1, received, t0 / 1e6);
  }
  bench_report(times, rounds, 1e6, "datagrams");
  uv_close((uv_handle_t*) &sender, NULL);
  uv_close((uv_handle_t*) &timer, NULL);
  for (i = 0; i < nreceivers; i++)
    uv_close((uv_handle_t*) &receivers[i], NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  return uv_loop_close(&loop) != 0;
}
