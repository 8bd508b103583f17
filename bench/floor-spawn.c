/* floor-spawn — spawning /bin/true with posix_spawn, the floor for
 * bench-spawn.
 *
 * The same work as bench-spawn without a library: three pipes per child
 * (stdin, stdout, stderr), posix_spawn (glibc's is clone(CLONE_VM |
 * CLONE_VFORK) + exec, so no page tables are copied), read stdout and
 * stderr to end of file, waitpid.  P children run at once: whenever
 * waitpid(-1) reaps one, its pipes are drained and closed and the next
 * spawn takes its place.  --touch-mib N first touches N MiB, as there.
 *
 * Usage: floor-spawn [spawns] [in flight] [rounds] [--touch-mib N]
 *
 * floor: spawn-p1 200 1
 * floor: spawn-p8 200 8
 * floor: spawn-256m-p1 50 1 --touch-mib 256
 */
#include "floor-common.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_INFLIGHT 64

extern char** environ;

typedef struct {
  pid_t pid;
  int out;
  int err;
} child_t;

static child_t kids[MAX_INFLIGHT];

static void start(child_t* c) {
  posix_spawn_file_actions_t fa;
  char* args[] = { "/bin/true", NULL };
  int in[2];
  int out[2];
  int err[2];

  if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC))
    floor_die("pipe2");
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  errno = posix_spawn(&c->pid, "/bin/true", &fa, NULL, args, environ);
  if (errno != 0)
    floor_die("posix_spawn");
  posix_spawn_file_actions_destroy(&fa);
  close(in[0]);
  close(in[1]);
  close(out[1]);
  close(err[1]);
  c->out = out[0];
  c->err = err[0];
}

static void finish(child_t* c) {
  char buf[256];

  while (read(c->out, buf, sizeof(buf)) > 0)
    ;
  while (read(c->err, buf, sizeof(buf)) > 0)
    ;
  close(c->out);
  close(c->err);
  c->pid = 0;
}

static void run(unsigned long n, unsigned long p) {
  unsigned long started;
  unsigned long done;
  unsigned long k;
  pid_t pid;
  int status;

  started = 0;
  for (k = 0; k < p && started < n; k++, started++)
    start(&kids[k]);
  for (done = 0; done < n; done++) {
    pid = waitpid(-1, &status, 0);
    if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
      floor_die("waitpid");
    for (k = 0; k < p && kids[k].pid != pid; k++)
      ;
    if (k == p)
      floor_die("unknown child");
    finish(&kids[k]);
    if (started < n) {
      start(&kids[k]);
      started++;
    }
  }
}

int main(int argc, char** argv) {
  uint64_t times[64];
  unsigned long vals[3] = { 1000, 1, 3 };
  unsigned long mib;
  uint64_t t0;
  size_t off;
  char* mem;
  int pos;
  int i;

  mib = 0;
  pos = 0;
  for (i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--touch-mib") == 0 && i + 1 < argc)
      mib = strtoul(argv[++i], NULL, 10);
    else if (pos < 3)
      vals[pos++] = strtoul(argv[i], NULL, 10);
    else
      return 2;
  }
  vals[0] = floor_n(vals[0]);
  vals[2] = (unsigned long) floor_rounds((int) vals[2]);
  if (vals[0] == 0 || vals[1] == 0 || vals[1] > MAX_INFLIGHT ||
      vals[2] < 1 || vals[2] > 64)
    return 2;
  if (mib > 0) {
    mem = mmap(NULL, mib << 20, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED)
      floor_die("mmap");
    madvise(mem, mib << 20, MADV_NOHUGEPAGE);
    for (off = 0; off < (mib << 20); off += 4096)
      mem[off] = 1;
  }
  run(1, 1);
  for (i = 0; i < (int) vals[2]; i++) {
    t0 = floor_now();
    run(vals[0], vals[1]);
    times[i] = floor_now() - t0;
    printf("round %d: %.2f ms\n", i + 1, times[i] / 1e6);
  }
  floor_report(times, (int) vals[2], (double) vals[0], "spawns");
  return 0;
}
