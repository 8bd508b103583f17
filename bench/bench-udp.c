/* bench-udp — UDP datagrams per second over loopback.
 *
 * Two UDP handles on 127.0.0.1 in one loop play ping-pong with `window`
 * datagrams in flight: every datagram a side receives is answered with one
 * uv_udp_send() back to its sender, so nothing is dropped (the window is
 * far below the socket buffers) and each datagram costs one receive
 * callback, one send request and one send callback.  A round ends when
 * `count` datagrams have been received in total.  With window 1 this
 * measures latency through the loop; with a wide window, throughput
 * (batched receive and send paths).  Public API only: builds against
 * uvcore and against libuv.
 *
 * Usage: bench-udp [count] [window] [rounds]
 *        (defaults 200000, 64 and 5; prints each round and the median).
 *
 * compare: w1 50000 1 5
 * compare: w64 400000 64 5
 */
#include "bench-common.h"

#include <string.h>

#define MSG_LEN 32
#define MAX_WINDOW 1024

typedef struct {
  uv_udp_send_t req;
  char data[MSG_LEN];
  int busy;
} slot_t;

typedef struct {
  uv_udp_t udp;
  struct sockaddr_storage peer;
  slot_t pool[2 * MAX_WINDOW];
  int next;
} side_t;

static uv_loop_t loop;
static side_t a;
static side_t b;
static char readbuf[65536];
static unsigned long wanted;
static unsigned long received;

static void alloc_cb(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void) h;
  (void) suggested;
  buf->base = readbuf;
  buf->len = sizeof(readbuf);
}

static void send_cb(uv_udp_send_t* req, int status) {
  if (status != 0)
    die("send", status);
  ((slot_t*) req)->busy = 0;
}

static void send_one(side_t* s) {
  slot_t* slot;
  uv_buf_t buf;
  int i;
  int r;

  for (i = 0; i < 2 * MAX_WINDOW; i++) {
    slot = &s->pool[s->next];
    s->next = (s->next + 1) % (2 * MAX_WINDOW);
    if (!slot->busy)
      break;
  }
  if (slot->busy)
    die("send pool", UV_ENOBUFS);
  slot->busy = 1;
  buf = uv_buf_init(slot->data, MSG_LEN);
  r = uv_udp_send(&slot->req, &s->udp, &buf, 1,
                  (const struct sockaddr*) &s->peer, send_cb);
  if (r != 0)
    die("uv_udp_send", r);
}

static void recv_cb(uv_udp_t* h, ssize_t nread, const uv_buf_t* buf,
                    const struct sockaddr* addr, unsigned flags) {
  (void) buf;
  (void) flags;
  if (nread < 0)
    die("recv", (int) nread);
  if (addr == NULL)
    return;  /* nothing more for now */
  if (++received == wanted)
    uv_stop(&loop);
  if (received >= wanted)
    return;  /* the round is over: let the rest drain, unanswered */
  send_one(h == &a.udp ? &a : &b);
}

static void setup(side_t* s) {
  struct sockaddr_in addr;
  int r;

  if ((r = uv_ip4_addr("127.0.0.1", 0, &addr)) != 0 ||
      (r = uv_udp_init(&loop, &s->udp)) != 0 ||
      (r = uv_udp_bind(&s->udp, (const struct sockaddr*) &addr, 0)) != 0 ||
      (r = uv_udp_recv_start(&s->udp, alloc_cb, recv_cb)) != 0)
    die("udp setup", r);
}

static void peer_of(side_t* s, side_t* other) {
  int len;
  int r;

  len = (int) sizeof(s->peer);
  r = uv_udp_getsockname(&other->udp, (struct sockaddr*) &s->peer, &len);
  if (r != 0)
    die("getsockname", r);
}

/* Loopback hands a datagram to the receiving socket inside sendmsg, so
 * once no send is queued and a turn of the loop reads nothing new, nothing
 * is in flight any more. */
static void drain(void) {
  unsigned long before;

  do {
    before = received;
    uv_run(&loop, UV_RUN_NOWAIT);
  } while (received != before || a.udp.send_queue_count != 0 ||
           b.udp.send_queue_count != 0);
}

int main(int argc, char** argv) {
  uint64_t times[64];
  unsigned long window;
  unsigned long i;
  uint64_t t0;
  int rounds;
  int round;

  wanted = bench_n(argc > 1 ? strtoul(argv[1], NULL, 10) : 200000);
  window = argc > 2 ? strtoul(argv[2], NULL, 10) : 64;
  rounds = bench_rounds(argc > 3 ? atoi(argv[3]) : 5);
  if (window < 1 || window > MAX_WINDOW || rounds < 1 || rounds > 64 ||
      wanted < 1)
    die("arguments", UV_EINVAL);

  if (uv_loop_init(&loop) != 0)
    die("loop", UV_EINVAL);
  setup(&a);
  setup(&b);
  peer_of(&a, &b);
  peer_of(&b, &a);

  for (round = 0; round < rounds; round++) {
    received = 0;
    t0 = uv_hrtime();
    for (i = 0; i < window; i++)
      send_one(&a);
    uv_run(&loop, UV_RUN_DEFAULT);
    times[round] = uv_hrtime() - t0;
    drain();
    printf("round %d: %.2f ms, %.0f datagrams/s\n", round + 1,
           (double) times[round] / 1e6,
           (double) wanted * 1e9 / (double) times[round]);
  }

  uv_close((uv_handle_t*) &a.udp, NULL);
  uv_close((uv_handle_t*) &b.udp, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  if (uv_loop_close(&loop) != 0)
    die("loop close", UV_EBUSY);
  {
    uint64_t m = median_ns(times, rounds);
    printf("median: %.2f ms (%lu datagrams, window %lu, %.0f datagrams/s)\n",
           (double) m / 1e6, wanted, window, (double) wanted * 1e9 / (double) m);
    printf("ops: %lu datagrams\n", wanted);
  }
  return 0;
}
