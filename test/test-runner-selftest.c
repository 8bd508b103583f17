/* Tests of the test runner itself (task.h and the process handling). */

#include "task.h"
#include "runner.h"

#ifdef _WIN32
# include <process.h>
#else
# include <errno.h>
# include <fcntl.h>
# include <signal.h>
# include <sys/stat.h>
# include <sys/wait.h>
# include <unistd.h>
#endif

static int evaluations;

static int64_t counted(int64_t v) {
  evaluations++;
  return v;
}

TEST(runner_assertions_pass) {
  static const char bytes_a[] = { 1, 2, 3, 4 };
  static const char bytes_b[] = { 1, 2, 3, 5 };
  const char* null_str = NULL;
  int x = 5;
  unsigned int u = 7;

  ASSERT(x == 5);
  ASSERT_EQ(x, 5);
  ASSERT_NE(x, 6);
  ASSERT_LT(-1, 0);
  ASSERT_LE(x, 5);
  ASSERT_GT(u, x);
  ASSERT_GE(u, 7);
  ASSERT_EQ(INT64_MIN, INT64_MIN);
  ASSERT_LT(INT64_MIN, INT64_MAX);
  ASSERT_UINT64_EQ(UINT64_MAX, UINT64_MAX);
  ASSERT_UINT64_NE(0, 1);
  ASSERT_UINT64_LT(1, UINT64_MAX);
  ASSERT_UINT64_LE(u, 7);
  ASSERT_UINT64_GT(UINT64_MAX, INT64_MAX);
  ASSERT_UINT64_GE(u, u);
  ASSERT_OK(0);
  ASSERT_PTR_EQ(&x, &x);
  ASSERT_PTR_NE(&x, &u);
  ASSERT_NULL(null_str);
  ASSERT_NOT_NULL(&x);
  ASSERT_STR_EQ("abc", "abc");
  ASSERT_STR_EQ(null_str, NULL);
  ASSERT_STR_NE("abc", "abd");
  ASSERT_STR_NE("abc", null_str);
  ASSERT_MEM_EQ(bytes_a, bytes_b, 3);
  ASSERT_MEM_EQ(NULL, NULL, 0);

  /* Every argument is evaluated exactly once. */
  evaluations = 0;
  ASSERT(counted(1));
  ASSERT_EQ(counted(1), counted(1));
  ASSERT_NE(counted(1), counted(2));
  ASSERT_LT(counted(1), counted(2));
  ASSERT_LE(counted(1), counted(1));
  ASSERT_GT(counted(2), counted(1));
  ASSERT_GE(counted(2), counted(2));
  ASSERT_UINT64_EQ(counted(1), counted(1));
  ASSERT_OK(counted(0));
  ASSERT_EQ(evaluations, 16);
  return 0;
}

TEST(runner_exepath) {
  const char* path;

  path = test_exepath();
  ASSERT_NOT_NULL(path);
#ifdef _WIN32
  ASSERT(path[0] != '\0' && path[1] == ':');
#else
  ASSERT_EQ(path[0], '/');
  ASSERT_OK(access(path, X_OK));
#endif
  return 0;
}

TEST(runner_pipename) {
  char pid[32];

  snprintf(pid, sizeof(pid), "%ld", uvtest_getpid());
  ASSERT_NOT_NULL(strstr(TEST_PIPENAME, pid));
  ASSERT_NOT_NULL(strstr(TEST_PIPENAME_2, pid));
  ASSERT_STR_NE(TEST_PIPENAME, TEST_PIPENAME_2);
  ASSERT_PTR_EQ(TEST_PIPENAME, TEST_PIPENAME);
  return 0;
}

TEST(runner_fd_snapshot) {
#ifdef _WIN32
  RETURN_SKIP("descriptors are not tracked on Windows");
#else
  uvtest_fdset_t before;
  uvtest_fdset_t after;
  char what[256];
  size_t i;
  int found;
  int fd;

  ASSERT_OK(uvtest_fdset_snapshot(&before));
  ASSERT_GE(before.count, 3);  /* stdin, stdout, stderr */
  ASSERT_EQ(before.fds[0], 0);
  fd = open("/dev/null", O_RDONLY);
  ASSERT_GE(fd, 0);
  ASSERT_OK(uvtest_fdset_snapshot(&after));
  ASSERT_EQ(after.count, before.count + 1);
  found = 0;
  for (i = 0; i < after.count; i++)
    if (after.fds[i] == fd)
      found = 1;
  ASSERT(found);
  uvtest_fd_describe(fd, what, sizeof(what));
# ifdef __linux__
  ASSERT_STR_EQ(what, "/dev/null");
# endif
  uvtest_fdset_free(&after);
  ASSERT_OK(close(fd));
  uvtest_fdset_free(&before);
  return 0;
#endif
}

/* ------------------------------------------------------------------------ */
/* Helpers */

HELPER(runner_exit_with) {
  ASSERT_EQ(test_helper_argc(), 1);
  return atoi(test_helper_argv()[0]);
}

HELPER(runner_check_args) {
  char** argv = test_helper_argv();

  ASSERT_EQ(test_helper_argc(), 3);
  ASSERT_STR_EQ(argv[0], "one");
  ASSERT_STR_EQ(argv[1], "two words");
  ASSERT_STR_EQ(argv[2], "");
  ASSERT_NULL(argv[3]);
  return 0;
}

HELPER(runner_pipename) {
  ASSERT_EQ(test_helper_argc(), 2);
  ASSERT_STR_EQ(TEST_PIPENAME, test_helper_argv()[0]);
  ASSERT_STR_EQ(TEST_PIPENAME_2, test_helper_argv()[1]);
  return 0;
}

/* Fails the assertion named by its argument. */
HELPER(runner_fail) {
  const char* which;
  const char* str = "left side";
  int64_t big = -5;

  ASSERT_EQ(test_helper_argc(), 1);
  which = test_helper_argv()[0];
  if (strcmp(which, "eq") == 0)
    ASSERT_EQ(big, 42);
  if (strcmp(which, "str") == 0)
    ASSERT_STR_EQ(str, "right\tside");
  if (strcmp(which, "ok") == 0)
    ASSERT_OK(big * 3);
  if (strcmp(which, "skip") == 0)
    RETURN_SKIP("not today");
  return 0;
}

TEST(runner_helper_api) {
  const char* seven[] = { "7", NULL };
  const char* zero[] = { "0", NULL };
  const char* args[] = { "one", "two words", "", NULL };
  const char* names[] = { NULL, NULL, NULL };
  test_proc_t proc;

  ASSERT_EQ(test_helper_run("runner_exit_with", seven), 7);
  ASSERT_EQ(test_helper_run("runner_exit_with", zero), 0);
  ASSERT_EQ(test_helper_run("runner_check_args", args), 0);

  names[0] = TEST_PIPENAME;
  names[1] = TEST_PIPENAME_2;
  ASSERT_EQ(test_helper_run("runner_pipename", names), 0);

  ASSERT_OK(test_helper_spawn(&proc, "runner_exit_with", seven));
  ASSERT_GT(proc.pid, 0);
  ASSERT_EQ(test_helper_wait(&proc), 7);
  return 0;
}

/* The plain way, as a test that does not use the helper API would do it. */
TEST(runner_helper_fork_exec) {
#ifdef _WIN32
  /* Windows has no fork(): the CRT's spawn is the plain way there. */
  ASSERT_EQ(_spawnl(_P_WAIT, test_exepath(), "uvcore_tests", "--helper",
                    "runner_exit_with", "42", (char*) NULL), 42);
  return 0;
#else
  int status;
  pid_t pid;
  pid_t r;

  pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    execl(test_exepath(), test_exepath(), "--helper", "runner_exit_with",
          "42", (char*) NULL);
    _exit(127);
  }
  do
    r = waitpid(pid, &status, 0);
  while (r == -1 && errno == EINTR);
  ASSERT_EQ(r, pid);
  ASSERT(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 42);
  return 0;
#endif
}

#ifdef _WIN32
/* Runs "--helper runner_fail <which>" with stdout+stderr captured; returns
 * the exit code and the output. */
static int run_failing_helper(const char* which, char* out, size_t size) {
  const char* argv[5];
  uvtest_proc_t proc;
  uvtest_term_t term;
  uvtest_buf_t buf;
  size_t len;

  argv[0] = test_exepath();
  argv[1] = "--helper";
  argv[2] = "runner_fail";
  argv[3] = which;
  argv[4] = NULL;
  ASSERT_OK(uvtest_proc_spawn(&proc, argv,
                              UVTEST_PROC_CAPTURE | UVTEST_PROC_NULL_STDIN));
  uvtest_buf_init(&buf);
  ASSERT_OK(uvtest_proc_wait(&proc, -1, &buf, &term));
  ASSERT_EQ(term.kind, UVTEST_TERM_EXITED);
  len = buf.len < size - 1 ? buf.len : size - 1;
  if (len > 0)
    memcpy(out, buf.data, len);
  out[len] = '\0';
  uvtest_buf_free(&buf);
  return term.exit_code;
}

/* The CRT's abort() ends the process with exit code 3. */
# define HELPER_ABORTED(st) ((st) == 3)
# define HELPER_EXITED_WITH(st, code) ((st) == (code))
#else
# define HELPER_ABORTED(st) (WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT)
# define HELPER_EXITED_WITH(st, code) \
  (WIFEXITED(st) && WEXITSTATUS(st) == (code))

/* Runs "--helper runner_fail <which>" with stdout+stderr in a pipe; returns
 * the wait status and the output. */
static int run_failing_helper(const char* which, char* out, size_t size) {
  size_t len;
  ssize_t n;
  int fds[2];
  int status;
  pid_t pid;
  pid_t r;

  ASSERT_OK(pipe(fds));
  pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    execl(test_exepath(), test_exepath(), "--helper", "runner_fail", which,
          (char*) NULL);
    _exit(127);
  }
  ASSERT_OK(close(fds[1]));
  len = 0;
  for (;;) {
    n = read(fds[0], out + len, size - 1 - len);
    if (n == -1 && errno == EINTR)
      continue;
    ASSERT_GE(n, 0);
    if (n == 0)
      break;
    len += (size_t) n;
    ASSERT_LT(len, size - 1);
  }
  out[len] = '\0';
  ASSERT_OK(close(fds[0]));
  do
    r = waitpid(pid, &status, 0);
  while (r == -1 && errno == EINTR);
  ASSERT_EQ(r, pid);
  return status;
}
#endif

TEST(runner_assertion_messages) {
  char out[8192];
  int status;

  /* Both sides, the expression text and file:line are reported. */
  status = run_failing_helper("eq", out, sizeof(out));
  ASSERT(HELPER_ABORTED(status));
  ASSERT_NOT_NULL(strstr(out, "test-runner-selftest.c:"));
  ASSERT_NOT_NULL(strstr(out, "ASSERT_EQ(big, 42)"));
  ASSERT_NOT_NULL(strstr(out, "big = -5"));
  ASSERT_NOT_NULL(strstr(out, "42 = 42"));
  ASSERT_NOT_NULL(strstr(out, "] fail: "));

  status = run_failing_helper("str", out, sizeof(out));
  ASSERT(HELPER_ABORTED(status));
  ASSERT_NOT_NULL(strstr(out, "ASSERT_STR_EQ(str, \"right\\tside\")"));
  ASSERT_NOT_NULL(strstr(out, "str = \"left side\""));
  ASSERT_NOT_NULL(strstr(out, "= \"right\\tside\""));

  status = run_failing_helper("ok", out, sizeof(out));
  ASSERT(HELPER_ABORTED(status));
  ASSERT_NOT_NULL(strstr(out, "ASSERT_OK(big * 3)"));
  ASSERT_NOT_NULL(strstr(out, "value: -15"));

  status = run_failing_helper("skip", out, sizeof(out));
  ASSERT(HELPER_EXITED_WITH(status, TEST_SKIP_CODE));
  ASSERT_NOT_NULL(strstr(out, "] skip: not today"));

  status = run_failing_helper("none", out, sizeof(out));
  ASSERT(HELPER_EXITED_WITH(status, 0));
  ASSERT_STR_EQ(out, "");
  return 0;
}

/* What the runner guarantees a test process.  The test runs itself again
 * through a second runner, so that the checks also hold when someone runs
 * it with --run from a shell. */
TEST(runner_child_environment) {
#ifdef _WIN32
  BOOL in_job;

  if (getenv("UVCORE_TEST_SELFTEST_INNER") == NULL) {
    ASSERT_OK(_putenv_s("UVCORE_TEST_SELFTEST_INNER", "1"));
    ASSERT_EQ(_spawnl(_P_WAIT, test_exepath(), "uvcore_tests",
                      "runner_child_environment", (char*) NULL), 0);
    ASSERT_OK(_putenv_s("UVCORE_TEST_SELFTEST_INNER", ""));
    return 0;
  }

  /* In a job object (killed with its helpers on a timeout). */
  in_job = FALSE;
  ASSERT(IsProcessInJob(GetCurrentProcess(), NULL, &in_job));
  ASSERT(in_job);
  /* stdin is the NUL device. */
  ASSERT_EQ(GetFileType(GetStdHandle(STD_INPUT_HANDLE)), FILE_TYPE_CHAR);
  return 0;
#else
  struct sigaction sa;
  struct stat st_in;
  struct stat st_null;
  int status;
  pid_t pid;
  pid_t r;

  if (getenv("UVCORE_TEST_SELFTEST_INNER") == NULL) {
    ASSERT_OK(setenv("UVCORE_TEST_SELFTEST_INNER", "1", 1));
    pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      execl(test_exepath(), test_exepath(), "runner_child_environment",
            (char*) NULL);
      _exit(127);
    }
    ASSERT_OK(unsetenv("UVCORE_TEST_SELFTEST_INNER"));
    do
      r = waitpid(pid, &status, 0);
    while (r == -1 && errno == EINTR);
    ASSERT_EQ(r, pid);
    ASSERT(WIFEXITED(status));
    ASSERT_EQ(WEXITSTATUS(status), 0);
    return 0;
  }

  /* Own process group. */
  ASSERT_EQ(getpgrp(), getpid());
  /* SIGPIPE has its default action. */
  ASSERT_OK(sigaction(SIGPIPE, NULL, &sa));
  ASSERT_PTR_EQ(sa.sa_handler, SIG_DFL);
  /* stdin is /dev/null. */
  ASSERT_OK(fstat(0, &st_in));
  ASSERT_OK(stat("/dev/null", &st_null));
  ASSERT(S_ISCHR(st_in.st_mode));
  ASSERT_UINT64_EQ(st_in.st_rdev, st_null.st_rdev);
  return 0;
#endif
}
