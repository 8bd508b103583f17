/* bench-fs — file-system requests and name lookups through the pool.
 *
 *   stat K      asynchronous uv_fs_stat(".") with K requests in flight
 *               (each completion submits the next);
 *   gai K       uv_getaddrinfo("localhost") with K in flight;
 *   syncstat    uv_fs_stat with a NULL loop, i.e. the synchronous path:
 *               the library's own overhead around stat(2).
 *
 * Public API only: builds against uvcore and against libuv.
 *
 * Usage: bench-fs stat|gai <in flight> [ops] [rounds]
 *        bench-fs syncstat [ops] [rounds]
 *
 * compare: stat1 stat 1 10000 3
 * compare: stat4 stat 4 40000 3
 * compare: stat32 stat 32 100000 3
 * compare: gai gai 4 10000 3
 * compare: syncstat syncstat 1000000 3
 */
#include "bench-common.h"

#include <string.h>

#define MAX_INFLIGHT 256

static uv_loop_t loop;
static uv_fs_t fs_reqs[MAX_INFLIGHT];
static uv_getaddrinfo_t gai_reqs[MAX_INFLIGHT];
static unsigned long left;
static unsigned long done;

static void stat_cb(uv_fs_t* req) {
  int r;

  if (req->result != 0)
    die("uv_fs_stat", (int) req->result);
  uv_fs_req_cleanup(req);
  done++;
  if (left == 0)
    return;
  left--;
  if ((r = uv_fs_stat(&loop, req, ".", stat_cb)) != 0)
    die("uv_fs_stat", r);
}

static void gai_cb(uv_getaddrinfo_t* req, int status, struct addrinfo* res) {
  int r;

  if (status != 0)
    die("uv_getaddrinfo", status);
  uv_freeaddrinfo(res);
  done++;
  if (left == 0)
    return;
  left--;
  if ((r = uv_getaddrinfo(&loop, req, gai_cb, "localhost", NULL, NULL)) != 0)
    die("uv_getaddrinfo", r);
}

static void submit(int gai, int k) {
  int r;

  if (gai)
    r = uv_getaddrinfo(&loop, &gai_reqs[k], gai_cb, "localhost", NULL, NULL);
  else
    r = uv_fs_stat(&loop, &fs_reqs[k], ".", stat_cb);
  if (r != 0)
    die("submit", r);
}

int main(int argc, char** argv) {
  uint64_t times[64];
  unsigned long n;
  unsigned long k;
  uint64_t t0;
  uv_fs_t req;
  int inflight;
  int rounds;
  int sync;
  int gai;
  int i;
  int a;

  if (argc < 2)
    return 2;
  sync = strcmp(argv[1], "syncstat") == 0;
  gai = strcmp(argv[1], "gai") == 0;
  if (!sync && !gai && strcmp(argv[1], "stat") != 0)
    return 2;
  a = 2;
  inflight = 1;
  if (!sync) {
    if (argc < 3)
      return 2;
    inflight = atoi(argv[a++]);
  }
  n = bench_n(argc > a ? strtoul(argv[a], NULL, 10) : 20000);
  rounds = bench_rounds(argc > a + 1 ? atoi(argv[a + 1]) : 5);
  if (n < (unsigned long) inflight || inflight < 1 ||
      inflight > MAX_INFLIGHT || rounds < 1 || rounds > 64)
    return 2;
  if (uv_loop_init(&loop) != 0)
    return 1;

  /* Warm-up: starts the pool (and reads the resolver's files once). */
  if (!sync) {
    left = 0;
    submit(gai, 0);
    uv_run(&loop, UV_RUN_DEFAULT);
  }

  for (i = 0; i < rounds; i++) {
    t0 = uv_hrtime();
    if (sync) {
      for (k = 0; k < n; k++) {
        if (uv_fs_stat(NULL, &req, ".", NULL) != 0)
          return 1;
        uv_fs_req_cleanup(&req);
      }
    } else {
      done = 0;
      left = n - (unsigned long) inflight;
      for (a = 0; a < inflight; a++)
        submit(gai, a);
      uv_run(&loop, UV_RUN_DEFAULT);
      if (done != n)
        return 1;
    }
    times[i] = uv_hrtime() - t0;
    printf("round %d: %.2f ms\n", i + 1, times[i] / 1e6);
  }
  bench_report(times, rounds, (double) n, sync || !gai ? "stats" : "lookups");
  return uv_loop_close(&loop) != 0;
}
