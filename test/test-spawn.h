/* Shared pieces of the process tests (test-spawn.c, test-spawn-ipc.c):
 * building the argument vector that starts one of the runner's helpers,
 * and the checks every spawn test ends with (no child left unreaped).
 *
 * The tests are written against the plain libuv API and are also built
 * against Debian's libuv 1.44 to check that they describe libuv's real
 * behaviour; SPAWNTEST_UVCORE selects the few checks where uvcore is
 * deliberately stricter than libuv (libuv asserts, or leaks a descriptor).
 */
#ifndef UVCORE_TEST_SPAWN_H_
#define UVCORE_TEST_SPAWN_H_

#include "test-tcp-util.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>

#define SPAWNTEST_UVCORE STREAMTEST_UVCORE

#define SPAWNTEST_CONTAINER(ptr, type, field)                                 \
  ((type*) ((char*) (ptr) - offsetof(type, field)))

/* Environment variable that makes uvcore reap children through SIGCHLD
 * instead of pidfds; read before the first uv_spawn() of the process. */
#define SPAWNTEST_NO_PIDFD_ENV "UVCORE_NO_PIDFD"

/* "<runner> --helper <name> [a0 [a1 [a2]]]" in argv (at least 7 slots).
 * Trailing NULL arguments end the vector. */
static inline char** spawn_helper_args(char** argv, const char* name,
                                       const char* a0, const char* a1,
                                       const char* a2) {
  argv[0] = (char*) test_exepath();
  argv[1] = (char*) "--helper";
  argv[2] = (char*) name;
  argv[3] = (char*) a0;
  argv[4] = a0 != NULL ? (char*) a1 : NULL;
  argv[5] = a0 != NULL && a1 != NULL ? (char*) a2 : NULL;
  argv[6] = NULL;
  return argv;
}

/* No child of this process is left, exited or not: every one was reaped
 * by the library (or by the test). */
static inline void spawn_assert_no_children(void) {
  pid_t r;

  do
    r = waitpid(-1, NULL, WNOHANG);
  while (r == -1 && errno == EINTR);
  ASSERT_EQ(r, -1);
  ASSERT_EQ(errno, ECHILD);
}

/* Open descriptors of this process, ascending, as "0,1,2". */
static inline void spawn_list_fds(char* out, size_t size) {
  struct dirent* ent;
  DIR* dir;
  int seen[1024];
  int n;
  int i;
  int v;
  size_t len;

  n = 0;
  dir = opendir("/proc/self/fd");
  ASSERT_NOT_NULL(dir);
  while ((ent = readdir(dir)) != NULL) {
    if (ent->d_name[0] == '.')
      continue;
    v = atoi(ent->d_name);
    if (v == dirfd(dir) || n == (int) (sizeof(seen) / sizeof(seen[0])))
      continue;
    for (i = n; i > 0 && seen[i - 1] > v; i--)
      seen[i] = seen[i - 1];
    seen[i] = v;
    n++;
  }
  closedir(dir);
  out[0] = '\0';
  len = 0;
  for (i = 0; i < n && len < size; i++)
    len += (size_t) snprintf(out + len, size - len, "%s%d", i ? "," : "",
                             seen[i]);
}

/* Every test starts with spawn_test_begin() and ends with
 * spawn_test_end().  With uvcore they do nothing: the runner's descriptor
 * check applies as is.  libuv keeps a process-wide signal pipe that its
 * SIGCHLD watcher opens on the first uv_spawn() and never closes, which the
 * runner would report as a leak; against libuv the pipe is opened up front
 * (by starting a signal watcher) and the test compares descriptors
 * itself. */
#if !SPAWNTEST_UVCORE
static char spawn_fds_before[4096];

static inline void spawn_unexpected_signal_cb(uv_signal_t* h, int signum) {
  (void) h;
  (void) signum;
  abort();
}
#endif

static inline void spawn_test_begin(void) {
#if !SPAWNTEST_UVCORE
  uv_loop_t loop;
  uv_signal_t sig;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_signal_init(&loop, &sig));
  ASSERT_OK(uv_signal_start(&sig, spawn_unexpected_signal_cb, SIGCHLD));
  uv_close((uv_handle_t*) &sig, NULL);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_OK(uv_loop_close(&loop));
  test_disable_fd_check("libuv's global signal pipe; the test compares "
                        "descriptors itself");
  spawn_list_fds(spawn_fds_before, sizeof(spawn_fds_before));
#endif
}

static inline void spawn_test_end(void) {
#if !SPAWNTEST_UVCORE
  char now[sizeof(spawn_fds_before)];

  spawn_list_fds(now, sizeof(now));
  ASSERT_STR_EQ(now, spawn_fds_before);
#endif
}

#endif /* UVCORE_TEST_SPAWN_H_ */
