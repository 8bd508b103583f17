/* bench-async — uv_async_send wake-ups across threads.
 *
 *   pingpong T  the loop ping-pongs with T threads, each running a loop of
 *               its own: the main loop's async handle for thread i wakes
 *               thread i's async handle, whose callback wakes the main one
 *               back; T round trips are in flight at once.  Counts
 *               wake-ups (two per round trip) per second;
 *   pummel      one thread calls uv_async_send N times as fast as it can
 *               while the loop runs: sends coalesce, so what is measured is
 *               the sender's cost per send (and how few callbacks result);
 *   callbacks   the other side of the same flood, as libuv's own
 *               benchmark-async-pummel measures it: one thread sends
 *               without pause until the loop has run N callbacks; counts
 *               callbacks per second, i.e. how promptly a flooded handle
 *               is still served.
 *
 * Public API only: builds against uvcore and against libuv.
 *
 * Usage: bench-async pingpong <threads> [round trips] [rounds]
 *        bench-async pummel [sends] [rounds]
 *        bench-async callbacks [callbacks] [rounds]
 *
 * compare: pp1 pingpong 1 5000 3
 * compare: pp2 pingpong 2 10000 3
 * compare: pp4 pingpong 4 20000 3
 * compare: pp8 pingpong 8 20000 3
 * compare: pummel pummel 100000000 3
 * compare: pummel-cb callbacks 200000 3
 */
#include "bench-common.h"

#include <string.h>

#define MAX_THREADS 64

typedef struct {
  uv_thread_t tid;
  uv_loop_t loop;
  uv_async_t here;      /* in the thread's loop */
  uv_async_t back;      /* in the main loop */
  volatile int quit;
} worker_t;

static uv_loop_t loop;
static worker_t workers[MAX_THREADS];
static int nthreads;
static unsigned long left;      /* round trips still to start */
static unsigned long done;      /* round trips completed */
static unsigned long wanted;

static void worker_cb(uv_async_t* h) {
  worker_t* w = h->data;

  if (w->quit) {
    uv_close((uv_handle_t*) h, NULL);
    return;
  }
  uv_async_send(&w->back);
}

static void back_cb(uv_async_t* h) {
  worker_t* w = h->data;

  done++;
  if (left > 0) {
    left--;
    uv_async_send(&w->here);
  } else if (done == wanted) {
    uv_stop(&loop);
  }
}

static void worker_main(void* arg) {
  worker_t* w = arg;

  uv_run(&w->loop, UV_RUN_DEFAULT);
}

static unsigned long pummel_n;
static unsigned long pummel_cbs;
static uv_async_t pummel_async;
static volatile int pummel_done;

static void pummel_cb(uv_async_t* h) {
  (void) h;
  pummel_cbs++;
  if (pummel_done)
    uv_stop(&loop);
}

static void pummel_thread(void* arg) {
  unsigned long k;

  (void) arg;
  for (k = 0; k < pummel_n; k++)
    uv_async_send(&pummel_async);
  pummel_done = 1;
  uv_async_send(&pummel_async);
}

static int run_pummel(int argc, char** argv) {
  uint64_t times[64];
  uv_thread_t tid;
  uint64_t t0;
  int rounds;
  int i;

  pummel_n = bench_n(argc > 2 ? strtoul(argv[2], NULL, 10) : 3000000);
  rounds = bench_rounds(argc > 3 ? atoi(argv[3]) : 5);
  if (pummel_n == 0 || rounds < 1 || rounds > 64)
    return 2;
  if (uv_async_init(&loop, &pummel_async, pummel_cb) != 0)
    return 1;
  for (i = 0; i < rounds; i++) {
    pummel_done = 0;
    pummel_cbs = 0;
    t0 = uv_hrtime();
    if (uv_thread_create(&tid, pummel_thread, NULL) != 0)
      return 1;
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_thread_join(&tid);
    times[i] = uv_hrtime() - t0;
    printf("round %d: %.2f ms (%lu callbacks for %lu sends)\n", i + 1,
           times[i] / 1e6, pummel_cbs, pummel_n);
  }
  bench_report(times, rounds, (double) pummel_n, "sends");
  uv_close((uv_handle_t*) &pummel_async, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  return uv_loop_close(&loop) != 0;
}

static unsigned long flood_wanted;
static unsigned long flood_cbs;
static uv_async_t flood_async;
static volatile int flood_stop;

static void flood_cb(uv_async_t* h) {
  (void) h;
  if (++flood_cbs == flood_wanted) {
    flood_stop = 1;
    uv_stop(&loop);
  }
}

static void flood_thread(void* arg) {
  (void) arg;
  while (!flood_stop)
    uv_async_send(&flood_async);
}

static int run_callbacks(int argc, char** argv) {
  uint64_t times[64];
  uv_thread_t tid;
  uint64_t t0;
  int rounds;
  int i;

  flood_wanted = bench_n(argc > 2 ? strtoul(argv[2], NULL, 10) : 200000);
  rounds = bench_rounds(argc > 3 ? atoi(argv[3]) : 5);
  if (flood_wanted == 0 || rounds < 1 || rounds > 64)
    return 2;
  if (uv_async_init(&loop, &flood_async, flood_cb) != 0)
    return 1;
  for (i = 0; i < rounds; i++) {
    flood_stop = 0;
    flood_cbs = 0;
    t0 = uv_hrtime();
    if (uv_thread_create(&tid, flood_thread, NULL) != 0)
      return 1;
    uv_run(&loop, UV_RUN_DEFAULT);
    times[i] = uv_hrtime() - t0;
    uv_thread_join(&tid);
    printf("round %d: %.2f ms for %lu callbacks\n", i + 1, times[i] / 1e6,
           flood_cbs);
  }
  bench_report(times, rounds, (double) flood_wanted, "callbacks");
  uv_close((uv_handle_t*) &flood_async, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  return uv_loop_close(&loop) != 0;
}

int main(int argc, char** argv) {
  uint64_t times[64];
  uint64_t t0;
  int rounds;
  int i;
  int k;

  if (uv_loop_init(&loop) != 0)
    return 1;
  if (argc > 1 && strcmp(argv[1], "pummel") == 0)
    return run_pummel(argc, argv);
  if (argc > 1 && strcmp(argv[1], "callbacks") == 0)
    return run_callbacks(argc, argv);
  if (argc < 3 || strcmp(argv[1], "pingpong") != 0)
    return 2;
  nthreads = atoi(argv[2]);
  wanted = bench_n(argc > 3 ? strtoul(argv[3], NULL, 10) : 100000);
  rounds = bench_rounds(argc > 4 ? atoi(argv[4]) : 5);
  if (nthreads < 1 || nthreads > MAX_THREADS || wanted < (unsigned) nthreads ||
      rounds < 1 || rounds > 64)
    return 2;

  for (k = 0; k < nthreads; k++) {
    worker_t* w = &workers[k];
    if (uv_loop_init(&w->loop) != 0 ||
        uv_async_init(&w->loop, &w->here, worker_cb) != 0 ||
        uv_async_init(&loop, &w->back, back_cb) != 0)
      return 1;
    w->here.data = w;
    w->back.data = w;
    if (uv_thread_create(&w->tid, worker_main, w) != 0)
      return 1;
  }

  for (i = 0; i < rounds; i++) {
    done = 0;
    left = wanted - (unsigned long) nthreads;
    t0 = uv_hrtime();
    for (k = 0; k < nthreads; k++)
      uv_async_send(&workers[k].here);
    uv_run(&loop, UV_RUN_DEFAULT);
    times[i] = uv_hrtime() - t0;
    printf("round %d: %.2f ms\n", i + 1, times[i] / 1e6);
  }
  bench_report(times, rounds, 2.0 * (double) wanted, "wake-ups");

  for (k = 0; k < nthreads; k++) {
    workers[k].quit = 1;
    uv_async_send(&workers[k].here);
    uv_thread_join(&workers[k].tid);
    uv_loop_close(&workers[k].loop);
    uv_close((uv_handle_t*) &workers[k].back, NULL);
  }
  uv_run(&loop, UV_RUN_DEFAULT);
  return uv_loop_close(&loop) != 0;
}
