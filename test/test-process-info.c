/* Tests of the process-information calls: uv_os_getpid/getppid,
 * uv_exepath, uv_cwd/uv_chdir, uv_os_get/setpriority, and uv_setup_args
 * with the process title.  Each test runs in a fresh process, so a test
 * may call uv_setup_args() on the runner's real argv (test_main_argv()).
 * Permission checks drop to uid 65534 in a forked child. */

#include "task.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
# include <direct.h>  /* _getcwd */
#else
# include <fcntl.h>
# include <sys/resource.h>
# include <sys/stat.h>
# include <sys/types.h>
# include <sys/wait.h>
# include <unistd.h>
#endif

#if defined(__linux__)
# define LINUX_ONLY() ((void) 0)
#else
# define LINUX_ONLY() RETURN_SKIP("checks Linux's /proc")
#endif

#ifndef _WIN32
#define NOBODY 65534

/* Runs fn in a forked child; returns its exit status (or 128 + signal). */
static int run_in_child(int (*fn)(void)) {
  pid_t pid;
  int status;

  pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0)
    _exit(fn());
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

/* Reads a whole (small) file; returns the byte count. */
static size_t read_file(const char* path, char* buf, size_t size) {
  size_t len;
  ssize_t n;
  int fd;

  fd = open(path, O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  len = 0;
  for (;;) {
    n = read(fd, buf + len, size - len);
    ASSERT_GE(n, 0);
    if (n == 0)
      break;
    len += (size_t) n;
    ASSERT_UINT64_LT(len, size);  /* the buffer was big enough */
  }
  ASSERT_OK(close(fd));
  return len;
}

/* A pid that names no process: a child we started and reaped. */
static pid_t dead_pid(void) {
  pid_t pid;
  int status;

  pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0)
    _exit(0);
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  return pid;
}

/* ------------------------------------------------------------------------ */
/* Process ids */

static pid_t parent_pid;

static int child_checks_ids(void) {
  if (uv_os_getpid() != getpid() || uv_os_getpid() == parent_pid)
    return 1;
  if (uv_os_getppid() != parent_pid)
    return 2;
  return 0;
}
#endif /* !_WIN32 */

/* Started by process_info_pid with the test's pid: is it our parent? */
HELPER(process_info_ppid_is) {
  if (test_helper_argc() != 1)
    return 2;
  return uv_os_getppid() == (uv_pid_t) atol(test_helper_argv()[0]) ? 0 : 1;
}

TEST(process_info_pid) {
#ifdef _WIN32
  char pid[32];
  const char* args[2];

  ASSERT_EQ(uv_os_getpid(), (uv_pid_t) GetCurrentProcessId());
  ASSERT_NE(uv_os_getpid(), uv_os_getppid());
  /* A child we start names us as its parent. */
  snprintf(pid, sizeof(pid), "%ld", (long) uv_os_getpid());
  args[0] = pid;
  args[1] = NULL;
  ASSERT_OK(test_helper_run("process_info_ppid_is", args));
#else
  ASSERT_EQ(uv_os_getpid(), getpid());
  ASSERT_EQ(uv_os_getppid(), getppid());
  ASSERT_NE(uv_os_getpid(), uv_os_getppid());

  parent_pid = getpid();
  ASSERT_OK(run_in_child(child_checks_ids));
#endif
  return 0;
}

/* ------------------------------------------------------------------------ */
/* uv_exepath */

TEST(process_info_exepath) {
  char expected[PATH_MAX];
  char buf[PATH_MAX + 16];
  size_t len;
  size_t size;

#ifdef _WIN32
  /* An ASCII path in the test environment, so the ANSI call agrees. */
  ASSERT_GT(GetModuleFileNameA(NULL, expected, sizeof(expected)), 0);
#else
  LINUX_ONLY();
  ASSERT_NOT_NULL(realpath(test_exepath(), expected));
#endif
  len = strlen(expected);

  size = sizeof(buf);
  ASSERT_OK(uv_exepath(buf, &size));
  ASSERT_STR_EQ(buf, expected);
  ASSERT_UINT64_EQ(size, len);

  /* Bad input. */
  size = sizeof(buf);
  ASSERT_EQ(uv_exepath(NULL, &size), UV_EINVAL);
  ASSERT_EQ(uv_exepath(buf, NULL), UV_EINVAL);
  size = 0;
  ASSERT_EQ(uv_exepath(buf, &size), UV_EINVAL);
  ASSERT_UINT64_EQ(size, 0);

  /* Short buffers: truncated, still success (libuv's contract). */
  memset(buf, 'x', sizeof(buf));
  size = 1;
  ASSERT_OK(uv_exepath(buf, &size));
  ASSERT_UINT64_EQ(size, 0);
  ASSERT_EQ(buf[0], '\0');
  ASSERT_EQ(buf[1], 'x');

  memset(buf, 'x', sizeof(buf));
  size = 2;
  ASSERT_OK(uv_exepath(buf, &size));
  ASSERT_UINT64_EQ(size, 1);
  ASSERT_EQ(buf[0], expected[0]);
  ASSERT_EQ(buf[1], '\0');
  ASSERT_EQ(buf[2], 'x');

  memset(buf, 'x', sizeof(buf));
  size = len;  /* one byte short */
  ASSERT_OK(uv_exepath(buf, &size));
  ASSERT_UINT64_EQ(size, len - 1);
  ASSERT_MEM_EQ(buf, expected, len - 1);
  ASSERT_EQ(buf[len - 1], '\0');
  ASSERT_EQ(buf[len], 'x');

  memset(buf, 'x', sizeof(buf));
  size = len + 1;  /* exactly enough */
  ASSERT_OK(uv_exepath(buf, &size));
  ASSERT_UINT64_EQ(size, len);
  ASSERT_STR_EQ(buf, expected);
  ASSERT_EQ(buf[len + 1], 'x');

  /* A size beyond INT_MAX is not a negative one to the kernel; nothing is
   * written past the path and its NUL.  (valgrind, rightly, reports the
   * size as larger than the buffer: not under it.) */
  if (test_under_valgrind()) {
    fprintf(stderr, "under valgrind: oversized-size case not run\n");
    return 0;
  }
  memset(buf, 'x', sizeof(buf));
  size = (size_t) -1;
  ASSERT_OK(uv_exepath(buf, &size));
  ASSERT_UINT64_EQ(size, len);
  ASSERT_STR_EQ(buf, expected);
  ASSERT_EQ(buf[len + 1], 'x');
  return 0;
}

/* ------------------------------------------------------------------------ */
/* uv_cwd, uv_chdir */

#ifdef _WIN32
/* Drive-letter paths: the root of a drive keeps its backslash. */
static int cwd_chdir_windows(void) {
  char saved[MAX_PATH];
  char expected[MAX_PATH];
  char buf[MAX_PATH];
  char* slash;
  size_t len;
  size_t size;

  ASSERT_NOT_NULL(_getcwd(expected, sizeof(expected)));
  size = sizeof(saved);
  ASSERT_OK(uv_cwd(saved, &size));
  ASSERT_STR_EQ(saved, expected);
  len = strlen(saved);
  ASSERT_UINT64_EQ(size, len);
  ASSERT_GT(len, 3);  /* ctest runs us in a scratch directory */
  ASSERT_NE(saved[len - 1], '\\');

  size = sizeof(buf);
  ASSERT_EQ(uv_cwd(NULL, &size), UV_EINVAL);
  ASSERT_EQ(uv_cwd(buf, NULL), UV_EINVAL);
  size = 0;
  ASSERT_EQ(uv_cwd(buf, &size), UV_EINVAL);

  size = len;
  ASSERT_EQ(uv_cwd(buf, &size), UV_ENOBUFS);
  ASSERT_UINT64_EQ(size, len + 1);
  size = len + 1;
  ASSERT_OK(uv_cwd(buf, &size));
  ASSERT_UINT64_EQ(size, len);
  ASSERT_STR_EQ(buf, saved);

  /* The root of the drive. */
  snprintf(buf, sizeof(buf), "%c:\\", saved[0]);
  ASSERT_OK(uv_chdir(buf));
  size = sizeof(buf);
  ASSERT_OK(uv_cwd(buf, &size));
  ASSERT_EQ(buf[0], saved[0]);
  ASSERT_STR_EQ(buf + 1, ":\\");
  ASSERT_UINT64_EQ(size, 3);
  size = 3;
  ASSERT_EQ(uv_cwd(buf, &size), UV_ENOBUFS);
  ASSERT_UINT64_EQ(size, 4);

  /* A relative move, then back; forward slashes are accepted. */
  ASSERT_OK(uv_chdir(saved));
  ASSERT_OK(uv_chdir("../"));
  slash = strrchr(expected, '\\');
  ASSERT_NOT_NULL(slash);
  if (slash == expected + 2)
    slash++;  /* the parent is the root */
  *slash = '\0';
  size = sizeof(buf);
  ASSERT_OK(uv_cwd(buf, &size));
  ASSERT_STR_EQ(buf, expected);

  /* Errors leave the directory alone. */
  ASSERT_EQ(uv_chdir(NULL), UV_EINVAL);
  ASSERT_EQ(uv_chdir("\\nonexistent-uvcore-dir\\x"), UV_ENOENT);
  ASSERT_EQ(uv_chdir(test_exepath()), UV_ENOTDIR);
  size = sizeof(buf);
  ASSERT_OK(uv_cwd(buf, &size));
  ASSERT_STR_EQ(buf, expected);

  ASSERT_OK(uv_chdir(saved));
  size = sizeof(buf);
  ASSERT_OK(uv_cwd(buf, &size));
  ASSERT_STR_EQ(buf, saved);
  /* The drive's own working directory follows, for child processes. */
  {
    char var[4] = { '=', saved[0], ':', '\0' };
    char value[MAX_PATH];

    if (var[1] >= 'a' && var[1] <= 'z')
      var[1] = (char) (var[1] - 'a' + 'A');
    ASSERT_GT(GetEnvironmentVariableA(var, value, sizeof(value)), 0);
    ASSERT_STR_EQ(value, saved);
  }
  return 0;
}
#endif

TEST(process_info_cwd_chdir) {
#ifdef _WIN32
  return cwd_chdir_windows();
#else
  char saved[PATH_MAX];
  char expected[PATH_MAX];
  char buf[PATH_MAX];
  char* slash;
  size_t len;
  size_t size;

  ASSERT_NOT_NULL(getcwd(expected, sizeof(expected)));
  size = sizeof(saved);
  ASSERT_OK(uv_cwd(saved, &size));
  ASSERT_STR_EQ(saved, expected);
  len = strlen(saved);
  ASSERT_UINT64_EQ(size, len);
  ASSERT_GT(len, 1);  /* ctest runs us in a scratch directory, not "/" */
  ASSERT_NE(saved[len - 1], '/');

  /* Bad input. */
  size = sizeof(buf);
  ASSERT_EQ(uv_cwd(NULL, &size), UV_EINVAL);
  ASSERT_EQ(uv_cwd(buf, NULL), UV_EINVAL);
  size = 0;
  ASSERT_EQ(uv_cwd(buf, &size), UV_EINVAL);

  /* Short buffers: UV_ENOBUFS, and the size needed, NUL included. */
  size = len;
  ASSERT_EQ(uv_cwd(buf, &size), UV_ENOBUFS);
  ASSERT_UINT64_EQ(size, len + 1);
  size = 1;
  ASSERT_EQ(uv_cwd(buf, &size), UV_ENOBUFS);
  ASSERT_UINT64_EQ(size, len + 1);
  size = len + 1;
  ASSERT_OK(uv_cwd(buf, &size));
  ASSERT_UINT64_EQ(size, len);
  ASSERT_STR_EQ(buf, saved);

  /* The root keeps its slash. */
  ASSERT_OK(uv_chdir("/"));
  size = sizeof(buf);
  ASSERT_OK(uv_cwd(buf, &size));
  ASSERT_STR_EQ(buf, "/");
  ASSERT_UINT64_EQ(size, 1);
  size = 1;
  ASSERT_EQ(uv_cwd(buf, &size), UV_ENOBUFS);
  ASSERT_UINT64_EQ(size, 2);

  /* A relative move, then back. */
  ASSERT_OK(uv_chdir(saved));
  ASSERT_OK(uv_chdir(".."));
  slash = strrchr(expected, '/');
  ASSERT_NOT_NULL(slash);
  if (slash == expected)
    slash++;  /* the parent is "/" */
  *slash = '\0';
  size = sizeof(buf);
  ASSERT_OK(uv_cwd(buf, &size));
  ASSERT_STR_EQ(buf, expected);

  /* Errors leave the directory alone. */
  ASSERT_EQ(uv_chdir(NULL), UV_EINVAL);
  ASSERT_EQ(uv_chdir(""), UV_ENOENT);
  ASSERT_EQ(uv_chdir("/nonexistent-uvcore-dir/x"), UV_ENOENT);
  ASSERT_EQ(uv_chdir(test_exepath()), UV_ENOTDIR);
  size = sizeof(buf);
  ASSERT_OK(uv_cwd(buf, &size));
  ASSERT_STR_EQ(buf, expected);

  ASSERT_OK(uv_chdir(saved));
  size = sizeof(buf);
  ASSERT_OK(uv_cwd(buf, &size));
  ASSERT_STR_EQ(buf, saved);
  return 0;
#endif
}

/* ------------------------------------------------------------------------ */
/* Priorities */

#ifdef _WIN32
/* Six priority classes: libuv's numbers fall into bands. */
static int priority_windows(void) {
  int prio;

  ASSERT_OK(uv_os_getpriority(0, &prio));
  ASSERT_EQ(prio, UV_PRIORITY_NORMAL);
  ASSERT_OK(uv_os_getpriority(uv_os_getpid(), &prio));
  ASSERT_EQ(prio, UV_PRIORITY_NORMAL);

  ASSERT_EQ(uv_os_getpriority(0, NULL), UV_EINVAL);
  ASSERT_EQ(uv_os_setpriority(0, UV_PRIORITY_HIGHEST - 1), UV_EINVAL);
  ASSERT_EQ(uv_os_setpriority(0, UV_PRIORITY_LOW + 1), UV_EINVAL);
  ASSERT_EQ(uv_os_setpriority(0, INT_MIN), UV_EINVAL);

  ASSERT_OK(uv_os_setpriority(uv_os_getpid(), UV_PRIORITY_LOW));
  ASSERT_OK(uv_os_getpriority(0, &prio));
  ASSERT_EQ(prio, UV_PRIORITY_LOW);
  ASSERT_EQ(GetPriorityClass(GetCurrentProcess()), IDLE_PRIORITY_CLASS);
  ASSERT_OK(uv_os_setpriority(0, UV_PRIORITY_BELOW_NORMAL));
  ASSERT_OK(uv_os_getpriority(0, &prio));
  ASSERT_EQ(prio, UV_PRIORITY_BELOW_NORMAL);
  ASSERT_OK(uv_os_setpriority(0, 5));  /* the normal band */
  ASSERT_OK(uv_os_getpriority(0, &prio));
  ASSERT_EQ(prio, UV_PRIORITY_NORMAL);
  ASSERT_OK(uv_os_setpriority(0, UV_PRIORITY_ABOVE_NORMAL));
  ASSERT_OK(uv_os_getpriority(0, &prio));
  ASSERT_EQ(prio, UV_PRIORITY_ABOVE_NORMAL);
  ASSERT_OK(uv_os_setpriority(0, UV_PRIORITY_NORMAL));

  /* No such process (ids are multiples of 4, and this one is far above
   * any in use). */
  ASSERT_EQ(uv_os_getpriority(0x3FFFFFFC, &prio), UV_ESRCH);
  ASSERT_EQ(uv_os_setpriority(0x3FFFFFFC, UV_PRIORITY_LOW), UV_ESRCH);
  return 0;
}
#endif

TEST(process_info_priority) {
#ifdef _WIN32
  return priority_windows();
#else
  pid_t gone;
  int prio;
  int r;

  errno = 0;
  r = getpriority(PRIO_PROCESS, 0);
  ASSERT_OK(errno);
  prio = 100;
  ASSERT_OK(uv_os_getpriority(0, &prio));
  ASSERT_EQ(prio, r);
  prio = 100;
  ASSERT_OK(uv_os_getpriority(uv_os_getpid(), &prio));
  ASSERT_EQ(prio, r);

  ASSERT_EQ(uv_os_getpriority(0, NULL), UV_EINVAL);
  ASSERT_EQ(uv_os_setpriority(0, UV_PRIORITY_HIGHEST - 1), UV_EINVAL);
  ASSERT_EQ(uv_os_setpriority(0, UV_PRIORITY_LOW + 1), UV_EINVAL);
  ASSERT_EQ(uv_os_setpriority(0, INT_MIN), UV_EINVAL);
  ASSERT_EQ(uv_os_setpriority(0, INT_MAX), UV_EINVAL);
  ASSERT_OK(uv_os_getpriority(0, &prio));
  ASSERT_EQ(prio, r);  /* the rejected calls changed nothing */

  /* Lowering one's own priority needs no privilege; -1 is also the value
   * getpriority() uses for errors, so check it reads back when allowed. */
  ASSERT_OK(uv_os_setpriority(uv_os_getpid(), UV_PRIORITY_LOW));
  ASSERT_OK(uv_os_getpriority(0, &prio));
  ASSERT_EQ(prio, UV_PRIORITY_LOW);
  if (geteuid() == 0) {
    ASSERT_OK(uv_os_setpriority(0, -1));
    ASSERT_OK(uv_os_getpriority(0, &prio));
    ASSERT_EQ(prio, -1);
    ASSERT_OK(uv_os_setpriority(0, r));
  }

  gone = dead_pid();
  ASSERT_EQ(uv_os_getpriority(gone, &prio), UV_ESRCH);
  ASSERT_EQ(uv_os_setpriority(gone, UV_PRIORITY_LOW), UV_ESRCH);
  return 0;
#endif
}

#ifndef _WIN32
static int was_root;

/* In the child: no privilege left, then try to raise priorities. */
static int child_unprivileged_priority(void) {
  struct rlimit rl;
  int prio;

  /* RLIMIT_NICE could otherwise let an unprivileged user raise it. */
  rl.rlim_cur = 0;
  rl.rlim_max = 0;
  if (setrlimit(RLIMIT_NICE, &rl) != 0)
    return 10;
  if (was_root) {
    if (setgid(NOBODY) != 0 || setuid(NOBODY) != 0)
      return 77;  /* no CAP_SETUID here: cannot test */
    if (setuid(0) == 0)
      return 11;  /* still privileged */
  }

  if (uv_os_setpriority(0, UV_PRIORITY_BELOW_NORMAL) != 0)
    return 12;
  if (uv_os_getpriority(0, &prio) != 0 || prio != UV_PRIORITY_BELOW_NORMAL)
    return 13;
  if (uv_os_setpriority(0, UV_PRIORITY_BELOW_NORMAL - 1) != UV_EACCES)
    return 14;
  if (uv_os_setpriority(0, UV_PRIORITY_HIGHEST) != UV_EACCES)
    return 15;
  if (uv_os_getpriority(0, &prio) != 0 || prio != UV_PRIORITY_BELOW_NORMAL)
    return 16;

  /* Another user's process (the test, running as root). */
  if (was_root) {
    if (uv_os_getpriority(parent_pid, &prio) != 0)
      return 17;
    if (uv_os_setpriority(parent_pid, UV_PRIORITY_LOW) != UV_EPERM)
      return 18;
  }
  return 0;
}
#endif /* !_WIN32 */

TEST(process_info_priority_unprivileged) {
#ifdef _WIN32
  RETURN_SKIP("nice values, RLIMIT_NICE and uid 65534 are Unix's");
#else
  int prio;
  int r;

  was_root = geteuid() == 0;
  parent_pid = getpid();
  ASSERT_OK(uv_os_getpriority(0, &prio));
  if (prio > UV_PRIORITY_BELOW_NORMAL - 1)
    RETURN_SKIP("the test already runs with a nice value above 9");
  r = run_in_child(child_unprivileged_priority);
  if (r == 77)
    RETURN_SKIP("cannot drop to uid 65534 (no CAP_SETUID)");
  ASSERT_EQ(r, 0);
  /* The child's attempt on us failed. */
  ASSERT_OK(uv_os_getpriority(0, &r));
  ASSERT_EQ(r, prio);
  return 0;
#endif
}

/* ------------------------------------------------------------------------ */
/* Process title */

TEST(process_title_without_setup_args) {
#ifdef _WIN32
  RETURN_SKIP("uv_setup_args and the process title are not ported to "
              "Windows yet");
#else
  char buf[64];

  /* libuv: both calls fail with UV_ENOBUFS until uv_setup_args(). */
  ASSERT_EQ(uv_get_process_title(buf, sizeof(buf)), UV_ENOBUFS);
  ASSERT_EQ(uv_set_process_title("title"), UV_ENOBUFS);
  ASSERT_EQ(uv_get_process_title(NULL, sizeof(buf)), UV_EINVAL);
  ASSERT_EQ(uv_get_process_title(buf, 0), UV_EINVAL);
  ASSERT_EQ(uv_set_process_title(NULL), UV_EINVAL);

  /* argc 0 or no argv sets nothing up. */
  ASSERT_PTR_EQ(uv_setup_args(0, test_main_argv()), test_main_argv());
  ASSERT_NULL(uv_setup_args(1, NULL));
  ASSERT_EQ(uv_set_process_title("title"), UV_ENOBUFS);
  uv_library_shutdown();
  return 0;
#endif
}

#if defined(__linux__)
/* Counting allocator: uv_library_shutdown() must free the argv copy. */
static int64_t live_blocks;

static void* count_malloc(size_t size) {
  void* p = malloc(size);
  if (p != NULL)
    live_blocks++;
  return p;
}

static void* count_realloc(void* ptr, size_t size) {
  void* p = realloc(ptr, size);
  if (p != NULL && ptr == NULL)
    live_blocks++;
  return p;
}

static void* count_calloc(size_t count, size_t size) {
  void* p = calloc(count, size);
  if (p != NULL)
    live_blocks++;
  return p;
}

static void count_free(void* ptr) {
  if (ptr != NULL)
    live_blocks--;
  free(ptr);
}
#endif

#define TITLE "uvcore-title-test"

TEST(process_title) {
#if !defined(__linux__)
  RETURN_SKIP("checks Linux's /proc");
#else
  char saved[16][PATH_MAX];
  char buf[4096];
  char after[256];
  char* area_end;
  char** argv;
  char** copy;
  char* long_title;
  char* path_before;
  size_t after_len;
  size_t cap;
  size_t len;
  int argc;
  int i;

  LINUX_ONLY();
  if (test_under_valgrind())
    RETURN_SKIP("valgrind: /proc/self/cmdline shows the argv area valgrind "
                "keeps, not the program's");
  /* The allocator goes first, before any other uvcore call. */
  ASSERT_OK(uv_replace_allocator(count_malloc, count_realloc, count_calloc,
                                 count_free));
  argc = test_main_argc();
  argv = test_main_argv();
  ASSERT_GE(argc, 1);
  ASSERT_LE(argc, 16);

  /* What lies just past argv's strings (on Linux: the environment) must
   * survive any title. */
  cap = 0;
  for (i = 0; i < argc; i++) {
    ASSERT_UINT64_LT(strlen(argv[i]), PATH_MAX);
    strcpy(saved[i], argv[i]);
    cap += strlen(argv[i]) + 1;
  }
  area_end = argv[0] + cap;
  ASSERT_PTR_EQ(argv[argc - 1] + strlen(argv[argc - 1]) + 1, area_end);
  after_len = strnlen(area_end, sizeof(after) - 1) + 1;
  memcpy(after, area_end, after_len);
  path_before = strdup(getenv("PATH") != NULL ? getenv("PATH") : "");
  ASSERT_NOT_NULL(path_before);

  copy = uv_setup_args(argc, argv);
  ASSERT_NOT_NULL(copy);
  ASSERT_PTR_NE(copy, argv);
  ASSERT_GT(live_blocks, 0);
  for (i = 0; i < argc; i++) {
    ASSERT_PTR_NE(copy[i], argv[i]);
    ASSERT_STR_EQ(copy[i], saved[i]);
  }
  ASSERT_NULL(copy[argc]);
  /* Only the first call counts. */
  ASSERT_PTR_EQ(uv_setup_args(argc, copy), copy);

  /* The first title is argv[0]. */
  len = strlen(saved[0]);
  ASSERT_OK(uv_get_process_title(buf, sizeof(buf)));
  ASSERT_STR_EQ(buf, saved[0]);
  ASSERT_EQ(uv_get_process_title(buf, len), UV_ENOBUFS);
  ASSERT_OK(uv_get_process_title(buf, len + 1));
  ASSERT_STR_EQ(buf, saved[0]);
  ASSERT_EQ(uv_get_process_title(NULL, sizeof(buf)), UV_EINVAL);
  ASSERT_EQ(uv_get_process_title(buf, 0), UV_EINVAL);
  ASSERT_EQ(uv_set_process_title(NULL), UV_EINVAL);

  /* A title taken from inside the area itself: the old argv[1], then a
   * source overlapping the destination (the title shifted by one). */
  if (argc > 1) {
    ASSERT_OK(uv_set_process_title(argv[1]));
    ASSERT_OK(uv_get_process_title(buf, sizeof(buf)));
    ASSERT_STR_EQ(buf, saved[1]);
  }
  ASSERT_OK(uv_set_process_title(saved[0]));
  ASSERT_OK(uv_set_process_title(argv[0] + 1));
  ASSERT_OK(uv_get_process_title(buf, sizeof(buf)));
  ASSERT_STR_EQ(buf, saved[0] + 1);

  /* Set, read back, and see it where ps looks. */
  ASSERT_OK(uv_set_process_title(TITLE));
  ASSERT_OK(uv_get_process_title(buf, sizeof(buf)));
  ASSERT_STR_EQ(buf, TITLE);
  ASSERT_EQ(uv_get_process_title(buf, sizeof(TITLE) - 1), UV_ENOBUFS);
  ASSERT_OK(uv_get_process_title(buf, sizeof(TITLE)));
  ASSERT_STR_EQ(buf, TITLE);

  len = read_file("/proc/self/cmdline", buf, sizeof(buf));
  ASSERT_UINT64_EQ(len, cap);  /* the whole area, nothing beyond */
  ASSERT_STR_EQ(buf, TITLE);
  for (i = (int) sizeof(TITLE); i < (int) len; i++)
    ASSERT_EQ(buf[i], '\0');

  len = read_file("/proc/self/comm", buf, sizeof(buf));
  buf[len] = '\0';
  ASSERT_STR_EQ(buf, "uvcore-title-te\n");  /* 15 bytes, the kernel's limit */

  if (access("/usr/bin/ps", X_OK) == 0 || access("/bin/ps", X_OK) == 0) {
    FILE* ps;
    char cmd[64];

    snprintf(cmd, sizeof(cmd), "ps -o args= -p %ld", (long) getpid());
    ps = popen(cmd, "re");
    ASSERT_NOT_NULL(ps);
    ASSERT_NOT_NULL(fgets(buf, sizeof(buf), ps));
    ASSERT_OK(pclose(ps));
    ASSERT_STR_EQ(buf, TITLE "\n");
  }

  /* Too long: truncated to the area, never past it. */
  long_title = malloc(2 * cap + 1);
  ASSERT_NOT_NULL(long_title);
  memset(long_title, 'L', 2 * cap);
  long_title[2 * cap] = '\0';
  ASSERT_OK(uv_set_process_title(long_title));
  ASSERT_OK(uv_get_process_title(buf, sizeof(buf)));
  ASSERT_UINT64_EQ(strlen(buf), cap - 1);
  ASSERT_MEM_EQ(buf, long_title, cap - 1);
  ASSERT_EQ(area_end[-1], '\0');
  ASSERT_MEM_EQ(area_end, after, after_len);
  ASSERT_STR_EQ(getenv("PATH") != NULL ? getenv("PATH") : "", path_before);
  len = read_file("/proc/self/cmdline", buf, sizeof(buf));
  ASSERT_UINT64_EQ(len, cap);
  ASSERT_MEM_EQ(buf, long_title, cap - 1);
  free(long_title);
  free(path_before);

  /* An empty title. */
  ASSERT_OK(uv_set_process_title(""));
  ASSERT_OK(uv_get_process_title(buf, 1));
  ASSERT_STR_EQ(buf, "");

  /* The copy is intact, and uv_exepath does not look at the title. */
  for (i = 0; i < argc; i++)
    ASSERT_STR_EQ(copy[i], saved[i]);
  len = sizeof(buf);
  ASSERT_OK(uv_exepath(buf, &len));
  ASSERT_STR_EQ(buf, test_exepath());

  uv_library_shutdown();
  ASSERT_EQ(live_blocks, 0);
  return 0;
#endif
}

/* A rewritten argv: only the leading run of adjacent strings is used. */
TEST(process_title_noncontiguous_argv) {
#ifdef _WIN32
  RETURN_SKIP("uv_setup_args and the process title are not ported to "
              "Windows yet");
#else
  char area[] = "one\0two\0three";
  char other[] = "elsewhere";  /* not "far": a Windows macro */
  char* argv[5];
  char** copy;
  char buf[64];

  argv[0] = area;
  argv[1] = area + 4;
  argv[2] = other;       /* breaks the run: the area is "one\0two\0" */
  argv[3] = area + 8;
  argv[4] = NULL;

  copy = uv_setup_args(4, argv);
  ASSERT_NOT_NULL(copy);
  ASSERT_STR_EQ(copy[2], "elsewhere");
  ASSERT_STR_EQ(copy[3], "three");

  ASSERT_OK(uv_set_process_title("a-title-much-longer-than-eight-bytes"));
  ASSERT_OK(uv_get_process_title(buf, sizeof(buf)));
  ASSERT_STR_EQ(buf, "a-title");
  ASSERT_MEM_EQ(area, "a-title\0three", sizeof(area));
  ASSERT_STR_EQ(other, "elsewhere");
  ASSERT_STR_EQ(copy[1], "two");

  uv_library_shutdown();
  return 0;
#endif
}

/* ------------------------------------------------------------------------ */
/* Titles from several threads */

#if defined(__linux__)
static const char* const titles[] = { "title-one", "t2", "the-third-title" };

static void title_worker(void* arg) {
  char buf[64];
  int i;
  int j;

  for (i = 0; i < 2000; i++) {
    ASSERT_OK(uv_set_process_title(titles[(i + (int) (intptr_t) arg) % 3]));
    ASSERT_OK(uv_get_process_title(buf, sizeof(buf)));
    for (j = 0; j < 3; j++)
      if (strcmp(buf, titles[j]) == 0)
        break;
    ASSERT_LT(j, 3);  /* never a mix of two titles */
  }
}

static void name_from_thread(void* arg) {
  (void) arg;
  ASSERT_OK(uv_set_process_title("named-by-worker"));
}
#endif

TEST(process_title_threads) {
#if !defined(__linux__)
  RETURN_SKIP("checks Linux's /proc");
#else
  uv_thread_t threads[4];
  char** copy;
  char buf[4096];
  size_t len;
  size_t i;

  LINUX_ONLY();
  if (test_under_valgrind())
    RETURN_SKIP("valgrind: /proc/self/cmdline shows the argv area valgrind "
                "keeps, not the program's");
  copy = uv_setup_args(test_main_argc(), test_main_argv());
  ASSERT_PTR_NE(copy, test_main_argv());
  /* The titles must fit: argv here is "<path> --run <name>". */
  ASSERT_OK(uv_set_process_title("a-title-that-fits-here"));
  ASSERT_OK(uv_get_process_title(buf, sizeof(buf)));
  ASSERT_STR_EQ(buf, "a-title-that-fits-here");

  for (i = 0; i < sizeof(threads) / sizeof(threads[0]); i++)
    ASSERT_OK(uv_thread_create(&threads[i], title_worker, (void*) i));
  for (i = 0; i < sizeof(threads) / sizeof(threads[0]); i++)
    ASSERT_OK(uv_thread_join(&threads[i]));

  /* A title set from another thread names the process (its main thread),
   * not the thread that set it. */
  ASSERT_OK(uv_thread_create(&threads[0], name_from_thread, NULL));
  ASSERT_OK(uv_thread_join(&threads[0]));
  len = read_file("/proc/self/comm", buf, sizeof(buf));
  buf[len] = '\0';
  ASSERT_STR_EQ(buf, "named-by-worker\n");
  len = read_file("/proc/self/cmdline", buf, sizeof(buf));
  ASSERT_STR_EQ(buf, "named-by-worker");

  uv_library_shutdown();
  return 0;
#endif
}
