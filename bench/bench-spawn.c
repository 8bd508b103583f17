/* bench-spawn — process spawn rate.
 *
 * Spawns /bin/true K times, at most P at once, each with three pipes
 * (UV_CREATE_PIPE on stdin, stdout and stderr): a spawn counts as done
 * when stdout and stderr reached EOF, exit_cb reported status 0 and its
 * four handles are closed; then its slot starts the next one.  Reports the
 * wall time of the K spawns.  Public API only, so the same file builds
 * against uvcore and against libuv:
 *
 *   gcc -O2 bench/bench-spawn.c -Iinclude build/<dir>/libuvcore.a \
 *       -lpthread -ldl -o bs-uvcore
 *   gcc -O2 bench/bench-spawn.c -luv -o bs-libuv
 *
 * Usage: bs [spawns] [in-flight] [rounds] [--touch-mib N]
 * (defaults 1000, 1 and 3; prints each round and the median).
 *
 * --touch-mib N first maps N MiB and writes to every page, as a large
 * server would have.  A fork()-based spawn then copies the page tables of
 * all of it (2 MiB of them per GiB) and pays copy-on-write faults
 * afterwards, once per spawn; a vfork() or clone(CLONE_VM) based spawn
 * shares the parent's memory until exec and does not.  Transparent huge
 * pages are turned off for the region (where the system has them), or the
 * kernel could map it with a few hundred 2 MiB pages and hide the cost.
 *
 * bench/run-compare.sh runs the variants named on the "compare:" lines:
 * (sized for CI: a few seconds per variant; 256 MiB rather than 1 GiB
 * because a fresh GiB takes seconds to fault in on a small VM, and the
 * page-table cost grows linearly anyway):
 * compare: p1 200 1
 * compare: p8 200 8
 * compare: 256m-p1 50 1 --touch-mib 256
 */
#include "bench-common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <sys/mman.h>
#endif

#define MAX_INFLIGHT 64

typedef struct {
  uv_process_t proc;
  uv_pipe_t pipes[3];
  int eofs;       /* of stdout and stderr */
  int exited;
  int open;       /* handles not yet through their close callback */
} job_t;

static uv_loop_t loop;
static job_t jobs[MAX_INFLIGHT];
static unsigned long to_start;
static unsigned long done;

static void start_job(job_t* j);

static void job_close_cb(uv_handle_t* handle) {
  job_t* j = handle->data;

  if (--j->open > 0)
    return;
  done++;
  if (to_start > 0)
    start_job(j);
}

static void maybe_finish(job_t* j) {
  int i;

  if (j->eofs < 2 || !j->exited)
    return;
  uv_close((uv_handle_t*) &j->proc, job_close_cb);
  for (i = 0; i < 3; i++)
    uv_close((uv_handle_t*) &j->pipes[i], job_close_cb);
}

static void alloc_cb(uv_handle_t* handle, size_t suggested, uv_buf_t* buf) {
  static char slab[4096];

  (void) handle;
  (void) suggested;
  *buf = uv_buf_init(slab, sizeof(slab));
}

static void read_cb(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  job_t* j = stream->data;

  (void) buf;
  if (nread == UV_EOF) {
    uv_read_stop(stream);
    j->eofs++;
    maybe_finish(j);
  } else if (nread < 0) {
    die("reading the child's output", (int) nread);
  }
}

static void exit_cb(uv_process_t* proc, int64_t status, int term_signal) {
  job_t* j = proc->data;

  if (status != 0 || term_signal != 0) {
    fprintf(stderr, "/bin/true ended with status %lld, signal %d\n",
            (long long) status, term_signal);
    exit(1);
  }
  j->exited = 1;
  maybe_finish(j);
}

static void start_job(job_t* j) {
  static char file[] = "/bin/true";
  char* args[2];
  uv_process_options_t opts;
  uv_stdio_container_t stdio[3];
  int i;
  int r;

  to_start--;
  j->eofs = 0;
  j->exited = 0;
  j->open = 4;
  for (i = 0; i < 3; i++) {
    if ((r = uv_pipe_init(&loop, &j->pipes[i], 0)) != 0)
      die("uv_pipe_init", r);
    j->pipes[i].data = j;
    stdio[i].flags = UV_CREATE_PIPE |
                     (i == 0 ? UV_READABLE_PIPE : UV_WRITABLE_PIPE);
    stdio[i].data.stream = (uv_stream_t*) &j->pipes[i];
  }
  args[0] = file;
  args[1] = NULL;
  memset(&opts, 0, sizeof(opts));
  opts.file = file;
  opts.args = args;
  opts.exit_cb = exit_cb;
  opts.stdio = stdio;
  opts.stdio_count = 3;
  j->proc.data = j;
  if ((r = uv_spawn(&loop, &j->proc, &opts)) != 0)
    die("uv_spawn /bin/true", r);
  for (i = 1; i < 3; i++)
    if ((r = uv_read_start((uv_stream_t*) &j->pipes[i], alloc_cb,
                           read_cb)) != 0)
      die("uv_read_start", r);
}

/* Runs `count` spawns, `inflight` at a time, to completion. */
static void run_spawns(unsigned long count, unsigned inflight) {
  unsigned i;

  to_start = count;
  done = 0;
  for (i = 0; i < inflight && to_start > 0; i++)
    start_job(&jobs[i]);
  uv_run(&loop, UV_RUN_DEFAULT);
  if (done != count) {
    fprintf(stderr, "only %lu of %lu spawns completed\n", done, count);
    exit(1);
  }
}

/* Maps `mib` MiB of private memory and dirties every page of it. */
static void touch_memory(size_t mib) {
  size_t len;
  size_t off;
  uint64_t t0;
  char* p;

  len = mib << 20;
  t0 = uv_hrtime();
#ifdef _WIN32
  p = malloc(len);
  if (p == NULL)
    die("allocating memory to touch", UV_ENOMEM);
#else
  p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
           -1, 0);
  if (p == MAP_FAILED)
    die("mmap of the memory to touch", UV_ENOMEM);
#ifdef MADV_NOHUGEPAGE
  madvise(p, len, MADV_NOHUGEPAGE);  /* best effort: see the top */
#endif
#endif
  for (off = 0; off < len; off += 4096)
    p[off] = 1;
  printf("touched %zu MiB in %.1f ms\n", mib, (uv_hrtime() - t0) / 1e6);
  /* Never released: it must stay mapped for every spawn. */
}

int main(int argc, char** argv) {
  unsigned long spawns = 1000;
  unsigned long inflight = 1;
  unsigned long touch_mib = 0;
  uint64_t times[64];
  uint64_t med;
  uint64_t t0;
  int rounds = 3;
  int pos = 0;
  int i;
  int r;

  /* Positional: spawns, in-flight, rounds; --touch-mib N anywhere. */
  for (i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--touch-mib") == 0 && i + 1 < argc) {
      touch_mib = strtoul(argv[++i], NULL, 10);
      continue;
    }
    switch (pos++) {
      case 0: spawns = strtoul(argv[i], NULL, 10); break;
      case 1: inflight = strtoul(argv[i], NULL, 10); break;
      case 2: rounds = atoi(argv[i]); break;
      default: return 2;
    }
  }
  spawns = bench_n(spawns);
  rounds = bench_rounds(rounds);
  if (spawns == 0 || inflight == 0 || inflight > MAX_INFLIGHT ||
      rounds < 1 || rounds > 64 || touch_mib > (1ul << 20))
    return 2;
  if (touch_mib > 0)
    touch_memory((size_t) touch_mib);
  if ((r = uv_loop_init(&loop)) != 0)
    die("uv_loop_init", r);

  run_spawns(1, 1);  /* warm-up: page in /bin/true and the spawn path */

  for (i = 0; i < rounds; i++) {
    t0 = uv_hrtime();
    run_spawns(spawns, (unsigned) inflight);
    times[i] = uv_hrtime() - t0;
    printf("round %d: %.2f ms (%.0f spawns/s)\n", i + 1, times[i] / 1e6,
           (double) spawns * 1e9 / (double) times[i]);
  }
  med = median_ns(times, rounds);
  printf("median: %.2f ms (%.0f spawns/s; %lu spawns, %lu in flight, "
         "%lu MiB touched)\n", med / 1e6,
         (double) spawns * 1e9 / (double) med, spawns, inflight, touch_mib);
  printf("ops: %lu spawns\n", spawns);
  if ((r = uv_loop_close(&loop)) != 0)
    die("uv_loop_close", r);
  return 0;
}
