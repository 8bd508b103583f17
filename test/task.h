/* task.h - what uvcore test files include.
 *
 * Writing a test
 * --------------
 * Put it in test/test-<topic>.c (any file matching test/test-*.c is built
 * and scanned):
 *
 *   #include "task.h"
 *
 *   TEST(timer_basic) {            // must start the line; defines
 *     uv_loop_t loop;              //   int uvtest_timer_basic(void)
 *     ASSERT_OK(uv_loop_init(&loop));
 *     ...
 *     close_loop_and_check(&loop);
 *     return 0;                    // 0 = pass, anything else = fail
 *   }
 *
 * The CMake scan picks up lines that start with TEST(name), HELPER(name)
 * and TEST_TIMEOUT(name, seconds) (leading blanks allowed), so keep the
 * macro and its name on one line.  Names must be unique across all files.
 * The scan does not see the preprocessor, so a TEST or HELPER must be
 * defined on every platform: where it does not apply, make its body
 * RETURN_SKIP("why") under #ifdef instead of leaving it out.
 *
 * Every test runs in its own process (the runner re-executes itself with
 * --run <name>), in its own process group, with stdin from /dev/null and
 * stdout/stderr captured by the runner.  stdout and stderr are unbuffered.
 *
 * Pass / fail / skip
 * ------------------
 * - return 0: pass, provided no file descriptor was leaked (see below).
 * - a failed ASSERT_*(): the message goes to stderr, then abort().
 * - any other return value, crash or timeout: fail.
 * - RETURN_SKIP("reason"): skip; the reason is shown in the TAP output.
 *   Never exit(77) by hand: a skip without a reason is reported as such.
 *
 * File descriptor leak check
 * --------------------------
 * The set of open descriptors is recorded right before the test body runs
 * and compared when it returns 0; any new one fails the test, naming the
 * descriptor and what it refers to.  Close every loop (uv_loop_close, or
 * close_loop_and_check) and everything else you opened.  A test that
 * cannot avoid it (say, a library-global descriptor created on first use)
 * may call test_disable_fd_check("reason") - sparingly.  (Not checked on
 * Windows yet.)
 *
 * Timeouts
 * --------
 * A test is killed (with its whole process group) after 60 seconds (the
 * CMake cache variable UVCORE_TEST_TIMEOUT changes that default), or after
 * UVCORE_TEST_TIMEOUT seconds if that is set in the environment (0 means no
 * timeout).  A slow test raises its own limit with a file-scope
 *
 *   TEST_TIMEOUT(name, 240);      // integer literal, seconds, > 0
 *
 * The effective limit is the larger of the two.  The same number is used
 * for ctest's TIMEOUT (plus a margin), which is why it must be a literal.
 *
 * Helper processes
 * ----------------
 *   HELPER(echo_server) {          // int uvhelper_echo_server(void)
 *     int n = test_helper_argc();  // extra command line arguments
 *     char** v = test_helper_argv();
 *     ...
 *     return 0;                    // becomes the exit code
 *   }
 *
 * A helper runs as "<test_exepath()> --helper <name> [args...]".  Start it
 * with uv_spawn(), fork()/exec, posix_spawn(), or test_helper_spawn() /
 * test_helper_run() below.  Helpers get no fd-leak check and no timeout of
 * their own; they are killed with the test's process group when the test
 * times out or ends (unless they detach into their own group/session).
 */
#ifndef UVCORE_TEST_TASK_H_
#define UVCORE_TEST_TASK_H_

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The runner's own sources define UVTEST_NO_UV: the runner core does not
 * depend on the library.  Test files always get <uv.h>. */
#ifndef UVTEST_NO_UV
# include <uv.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Registration */

#define TEST(name)                                                            \
  int uvtest_##name(void);                                                    \
  int uvtest_##name(void)

#define HELPER(name)                                                          \
  int uvhelper_##name(void);                                                  \
  int uvhelper_##name(void)

/* File scope, followed by ';'.  `seconds` must be a positive integer
 * literal (CMake reads it too, for ctest's TIMEOUT). */
#define TEST_TIMEOUT(name, seconds)                                           \
  _Static_assert((seconds) > 0, "TEST_TIMEOUT must be positive");             \
  extern const int uvtest_timeout_##name;                                     \
  const int uvtest_timeout_##name = (seconds)

#define TEST_SKIP_CODE 77

/* Defined when built with ThreadSanitizer (gcc says so with a macro,
 * clang with __has_feature).  Its runtime starts a thread of its own,
 * enlarges thread stacks, keeps freed memory mapped and refuses to start
 * threads in a forked child: the few tests that measure those things skip
 * under it, saying why (RETURN_SKIP_UNDER_TSAN). */
#if defined(__SANITIZE_THREAD__)
# define UVTEST_TSAN 1
#elif defined(__has_feature)
# if __has_feature(thread_sanitizer)
#  define UVTEST_TSAN 1
# endif
#endif
#if defined(UVTEST_TSAN)
# define RETURN_SKIP_UNDER_TSAN(why) RETURN_SKIP("ThreadSanitizer: " why)
#else
# define RETURN_SKIP_UNDER_TSAN(why) do { } while (0)
#endif

/* Print the reason (one line) and return the skip code from a test or a
 * helper body. */
#define RETURN_SKIP(msg)                                                      \
  do {                                                                        \
    uvtest_skip_(__FILE__, __LINE__, (msg));                                  \
    return TEST_SKIP_CODE;                                                    \
  } while (0)

/* ------------------------------------------------------------------------ */
/* Fixed resources */

/* ctest runs the tests of every file that mentions TEST_PORT one at a time
 * (RESOURCE_LOCK), so these are safe under ctest -j. */
#define TEST_PORT 9123
#define TEST_PORT_2 9124

/* Unix domain socket path (a named pipe name on Windows), unique per test
 * process: it contains the test process id, which helpers started by the
 * test inherit (through UVCORE_TEST_ID), so a helper sees the same names.
 * These are `const char*` expressions, not string literals: no sizeof(). */
#define TEST_PIPENAME test_pipename(0)
#define TEST_PIPENAME_2 test_pipename(1)

/* ------------------------------------------------------------------------ */
/* Assertions.  Each argument is evaluated exactly once.  On failure, the
 * file, line, the assertion as written and the value of both sides are
 * printed to stderr, then the process aborts. */

#define ASSERT(expr)                                                          \
  do {                                                                        \
    if (!(expr))                                                              \
      uvtest_fail_bool_(__FILE__, __LINE__, "ASSERT", #expr);                 \
  } while (0)

#define UVTEST_CMP_(type, failfn, macro, atext, btext, a, op, b)              \
  do {                                                                        \
    const type uvt_a_ = (type) (a);                                           \
    const type uvt_b_ = (type) (b);                                           \
    if (!(uvt_a_ op uvt_b_))                                                  \
      failfn(__FILE__, __LINE__, macro, atext, btext, uvt_a_, uvt_b_);        \
  } while (0)

/* Signed comparisons, as int64_t. */
#define ASSERT_EQ(a, b)                                                       \
  UVTEST_CMP_(int64_t, uvtest_fail_i64_, "ASSERT_EQ", #a, #b, a, ==, b)
#define ASSERT_NE(a, b)                                                       \
  UVTEST_CMP_(int64_t, uvtest_fail_i64_, "ASSERT_NE", #a, #b, a, !=, b)
#define ASSERT_LT(a, b)                                                       \
  UVTEST_CMP_(int64_t, uvtest_fail_i64_, "ASSERT_LT", #a, #b, a, <, b)
#define ASSERT_LE(a, b)                                                       \
  UVTEST_CMP_(int64_t, uvtest_fail_i64_, "ASSERT_LE", #a, #b, a, <=, b)
#define ASSERT_GT(a, b)                                                       \
  UVTEST_CMP_(int64_t, uvtest_fail_i64_, "ASSERT_GT", #a, #b, a, >, b)
#define ASSERT_GE(a, b)                                                       \
  UVTEST_CMP_(int64_t, uvtest_fail_i64_, "ASSERT_GE", #a, #b, a, >=, b)

/* Unsigned comparisons, as uint64_t. */
#define ASSERT_UINT64_EQ(a, b)                                                \
  UVTEST_CMP_(uint64_t, uvtest_fail_u64_, "ASSERT_UINT64_EQ", #a, #b, a, ==, b)
#define ASSERT_UINT64_NE(a, b)                                                \
  UVTEST_CMP_(uint64_t, uvtest_fail_u64_, "ASSERT_UINT64_NE", #a, #b, a, !=, b)
#define ASSERT_UINT64_LT(a, b)                                                \
  UVTEST_CMP_(uint64_t, uvtest_fail_u64_, "ASSERT_UINT64_LT", #a, #b, a, <, b)
#define ASSERT_UINT64_LE(a, b)                                                \
  UVTEST_CMP_(uint64_t, uvtest_fail_u64_, "ASSERT_UINT64_LE", #a, #b, a, <=, b)
#define ASSERT_UINT64_GT(a, b)                                                \
  UVTEST_CMP_(uint64_t, uvtest_fail_u64_, "ASSERT_UINT64_GT", #a, #b, a, >, b)
#define ASSERT_UINT64_GE(a, b)                                                \
  UVTEST_CMP_(uint64_t, uvtest_fail_u64_, "ASSERT_UINT64_GE", #a, #b, a, >=, b)

/* Pointers (compared as const void*). */
#define ASSERT_PTR_EQ(a, b)                                                   \
  UVTEST_CMP_(void*, uvtest_fail_ptr_, "ASSERT_PTR_EQ", #a, #b, a, ==, b)
#define ASSERT_PTR_NE(a, b)                                                   \
  UVTEST_CMP_(void*, uvtest_fail_ptr_, "ASSERT_PTR_NE", #a, #b, a, !=, b)
#define ASSERT_NULL(a)                                                        \
  UVTEST_CMP_(void*, uvtest_fail_ptr_, "ASSERT_NULL", #a, "NULL", a, ==, NULL)
#define ASSERT_NOT_NULL(a)                                                    \
  UVTEST_CMP_(void*, uvtest_fail_ptr_, "ASSERT_NOT_NULL", #a, "NULL",        \
              a, !=, NULL)

/* x == 0.  On failure the value is printed, with its uv_err_name() when it
 * is negative. */
#define ASSERT_OK(x)                                                          \
  do {                                                                        \
    const int64_t uvt_v_ = (int64_t) (x);                                     \
    if (uvt_v_ != 0)                                                          \
      uvtest_fail_ok_(__FILE__, __LINE__, #x, uvt_v_,                         \
                      UVTEST_ERR_NAME_(uvt_v_));                              \
  } while (0)

#ifdef UVTEST_NO_UV
# define UVTEST_ERR_NAME_(v) ((const char*) NULL)
#else
# define UVTEST_ERR_NAME_(v)                                                  \
  ((v) < 0 && (v) >= INT_MIN ? uv_err_name((int) (v)) : (const char*) NULL)
#endif

/* NUL-terminated strings; two NULLs compare equal, NULL never equals a
 * string. */
#define ASSERT_STR_EQ(a, b)                                                   \
  do {                                                                        \
    const char* uvt_a_ = (a);                                                 \
    const char* uvt_b_ = (b);                                                 \
    if (!uvtest_str_eq_(uvt_a_, uvt_b_))                                      \
      uvtest_fail_str_(__FILE__, __LINE__, "ASSERT_STR_EQ", #a, #b,           \
                       uvt_a_, uvt_b_);                                       \
  } while (0)

#define ASSERT_STR_NE(a, b)                                                   \
  do {                                                                        \
    const char* uvt_a_ = (a);                                                 \
    const char* uvt_b_ = (b);                                                 \
    if (uvtest_str_eq_(uvt_a_, uvt_b_))                                       \
      uvtest_fail_str_(__FILE__, __LINE__, "ASSERT_STR_NE", #a, #b,           \
                       uvt_a_, uvt_b_);                                       \
  } while (0)

/* n bytes at a and b are equal. */
#define ASSERT_MEM_EQ(a, b, n)                                                \
  do {                                                                        \
    const void* uvt_a_ = (a);                                                 \
    const void* uvt_b_ = (b);                                                 \
    const size_t uvt_n_ = (size_t) (n);                                       \
    if (uvt_n_ != 0 && memcmp(uvt_a_, uvt_b_, uvt_n_) != 0)                   \
      uvtest_fail_mem_(__FILE__, __LINE__, #a, #b, #n,                        \
                       uvt_a_, uvt_b_, uvt_n_);                               \
  } while (0)

/* ------------------------------------------------------------------------ */
/* Helpers for tests */

/* Absolute path of the test runner executable. */
const char* test_exepath(void);

/* Extra arguments of a helper: for "--helper name a b", argc is 2 and
 * argv is {"a", "b", NULL}.  0 and {NULL} in a test. */
int test_helper_argc(void);
char** test_helper_argv(void);

/* main()'s own argc and argv, as the process received them, for a test or
 * helper that hands them to uv_setup_args().  The runner does not read
 * them once the test or helper runs; but a title set afterwards overwrites
 * the strings, test_helper_argv()'s included: read the copy that
 * uv_setup_args() returns instead. */
int test_main_argc(void);
char** test_main_argv(void);

/* See TEST_PIPENAME. */
const char* test_pipename(int which);

/* Turns off the fd leak check for the running test; the reason is
 * printed. */
void test_disable_fd_check(const char* reason);

/* Counting threads (/proc/self/task) under ThreadSanitizer: its runtime
 * starts a thread of its own with the program's first thread.  Call this
 * before taking a baseline count so that thread already exists.  A no-op
 * in other builds. */
void test_sanitizer_threads_settle(void);

/* Nonzero when running under valgrind (test/valgrind.sh), which emulates
 * a few things differently from the kernel: descriptor limits, the
 * process title.  Tests that measure those skip under it, saying why. */
int test_under_valgrind(void);

/* A helper process started with test_helper_spawn(). */
typedef struct test_proc_s {
  int64_t pid;
  void* handle; /* Windows process HANDLE; unused elsewhere */
} test_proc_t;

/* Starts "<test_exepath()> --helper <name> [args...]" with the test's
 * stdio, in the test's process group.  args is a NULL-terminated array or
 * NULL.  Returns 0 or a negative errno value. */
int test_helper_spawn(test_proc_t* proc, const char* name,
                      const char* const* args);
/* Waits for a helper started with test_helper_spawn() (no timeout of its
 * own; the test's timeout applies).  Returns its exit code (0..255),
 * 128 + the signal number if a signal killed it, or a negative errno
 * value.  Do not use it on processes the library reaps (uv_spawn). */
int test_helper_wait(test_proc_t* proc);
/* Kills the helper (SIGKILL); test_helper_wait() must still be called. */
int test_helper_kill(test_proc_t* proc);
/* test_helper_spawn() + test_helper_wait(). */
int test_helper_run(const char* name, const char* const* args);

/* ------------------------------------------------------------------------ */
/* Implementation details of the macros above (task.c). */

#if defined(__GNUC__) || defined(__clang__)
# define UVTEST_NORETURN_ __attribute__((noreturn))
#elif defined(_MSC_VER)
# define UVTEST_NORETURN_ __declspec(noreturn)
#else
# define UVTEST_NORETURN_
#endif

UVTEST_NORETURN_ void uvtest_fail_bool_(const char* file, int line,
                                        const char* macro, const char* expr);
UVTEST_NORETURN_ void uvtest_fail_i64_(const char* file, int line,
                                       const char* macro, const char* atext,
                                       const char* btext, int64_t a,
                                       int64_t b);
UVTEST_NORETURN_ void uvtest_fail_u64_(const char* file, int line,
                                       const char* macro, const char* atext,
                                       const char* btext, uint64_t a,
                                       uint64_t b);
UVTEST_NORETURN_ void uvtest_fail_ptr_(const char* file, int line,
                                       const char* macro, const char* atext,
                                       const char* btext, const void* a,
                                       const void* b);
UVTEST_NORETURN_ void uvtest_fail_str_(const char* file, int line,
                                       const char* macro, const char* atext,
                                       const char* btext, const char* a,
                                       const char* b);
UVTEST_NORETURN_ void uvtest_fail_mem_(const char* file, int line,
                                       const char* atext, const char* btext,
                                       const char* ntext, const void* a,
                                       const void* b, size_t n);
UVTEST_NORETURN_ void uvtest_fail_ok_(const char* file, int line,
                                      const char* expr, int64_t value,
                                      const char* errname);
int uvtest_str_eq_(const char* a, const char* b);
void uvtest_skip_(const char* file, int line, const char* reason);

/* ------------------------------------------------------------------------ */
/* Loop teardown */

#ifndef UVTEST_NO_UV
/* Closes every handle of the loop that is not already closing, runs the
 * loop until the close callbacks have run, and asserts that
 * uv_loop_close() succeeds. */
static inline void uvtest_close_walk_cb_(uv_handle_t* handle, void* arg) {
  (void) arg;
  if (!uv_is_closing(handle))
    uv_close(handle, NULL);
}

static inline void close_loop_and_check(uv_loop_t* loop) {
  uv_walk(loop, uvtest_close_walk_cb_, NULL);
  uv_run(loop, UV_RUN_DEFAULT);
  ASSERT_OK(uv_loop_close(loop));
}
#endif

#ifdef __cplusplus
}
#endif

#endif /* UVCORE_TEST_TASK_H_ */
