/* Internal interface of the uvcore test runner.
 *
 * Test files include "task.h", not this header.  This header is shared by
 * runner.c (driver, TAP output), task.c (test-side support code) and the
 * platform layer (runner-unix.c today, runner-win.c later), which provides
 * everything that deals with processes, file descriptors and the clock.
 */
#ifndef UVCORE_TEST_RUNNER_H_
#define UVCORE_TEST_RUNNER_H_

#include <stddef.h>
#include <stdint.h>

#ifndef _WIN32
# include <sys/types.h>
#endif

/* Exit code meaning "skipped" (what ctest's SKIP_RETURN_CODE is set to). */
#define UVTEST_EXIT_SKIP 77

/* Runner default per-test timeout in seconds; UVCORE_TEST_TIMEOUT in the
 * environment overrides it at run time.  CMake passes the configured value. */
#ifndef UVTEST_DEFAULT_TIMEOUT
# define UVTEST_DEFAULT_TIMEOUT 60
#endif

/* Environment variables understood by the runner. */
#define UVTEST_ENV_TIMEOUT "UVCORE_TEST_TIMEOUT"
#define UVTEST_ENV_ID "UVCORE_TEST_ID"

/* Status lines a test process writes to stderr so that the parent can give
 * a one-line reason in the TAP output.  Format:
 *   "[uvtest <pid>] <kind>: <text>\n"      kind is "skip" or "fail"
 * The parent only honours lines carrying its direct child's pid and hides
 * them when echoing the captured output. */
#define UVTEST_MARK_OPEN "[uvtest "

/* One entry of the generated tables (see test-list.h in the build dir). */
typedef struct uvtest_entry_s {
  const char* name;
  int (*fn)(void);
  const int* timeout; /* seconds, from TEST_TIMEOUT(); NULL when not set */
} uvtest_entry_t;

/* ------------------------------------------------------------------------ */
/* Output capture buffer: keeps the first UVTEST_BUF_HEAD bytes and the last
 * UVTEST_BUF_TAIL bytes of what a child wrote, counting what was dropped. */

#define UVTEST_BUF_HEAD (64 * 1024)
#define UVTEST_BUF_TAIL (192 * 1024)

typedef struct uvtest_buf_s {
  char* data;
  size_t len;
  size_t cap;
  uint64_t dropped; /* bytes dropped between data[HEAD-1] and data[HEAD] */
} uvtest_buf_t;

void uvtest_buf_init(uvtest_buf_t* buf);
void uvtest_buf_append(uvtest_buf_t* buf, const char* data, size_t len);
void uvtest_buf_free(uvtest_buf_t* buf);

/* ------------------------------------------------------------------------ */
/* Platform layer: runner-unix.c / runner-win.c. */

/* Called first thing in main(): works out the absolute path of the
 * executable and makes sure the standard descriptors are open. */
int uvtest_platform_init(const char* argv0);
/* Absolute path of this executable (valid after uvtest_platform_init). */
const char* uvtest_platform_exepath(void);
/* Called by the parent (the process that starts tests) before starting
 * children with a timeout: installs the child-exit notification and the
 * handlers that kill the running child on SIGINT/SIGTERM/SIGHUP. */
int uvtest_platform_parent_init(void);

uint64_t uvtest_now_ms(void);                 /* monotonic clock */
long uvtest_getpid(void);
int uvtest_setenv(const char* name, const char* value);
const char* uvtest_signal_name(int signum);   /* "SIGSEGV", or NULL */
void uvtest_remove_file(const char* path);    /* unlink, errors ignored */

/* Child processes. */
enum {
  UVTEST_PROC_CAPTURE = 1,     /* stdout+stderr go into one pipe */
  UVTEST_PROC_NEW_GROUP = 2,   /* child leads its own process group */
  UVTEST_PROC_NULL_STDIN = 4   /* stdin is /dev/null */
};

typedef struct uvtest_proc_s {
#ifdef _WIN32
  void* process;   /* HANDLE */
  void* job;       /* HANDLE of a job object, or NULL */
  void* out;       /* HANDLE of the read end of the capture pipe, or NULL */
  unsigned long pid;
#else
  pid_t pid;
  int out_fd;      /* read end of the capture pipe, or -1 */
  int new_group;
#endif
  unsigned flags;
} uvtest_proc_t;

typedef enum {
  UVTEST_TERM_EXITED,
  UVTEST_TERM_SIGNALED,
  UVTEST_TERM_TIMED_OUT
} uvtest_term_kind_t;

typedef struct uvtest_term_s {
  uvtest_term_kind_t kind;
  int exit_code;  /* UVTEST_TERM_EXITED */
  int signum;     /* UVTEST_TERM_SIGNALED */
} uvtest_term_t;

/* Starts argv[0] (a path, no PATH search) with argv.  Signal dispositions
 * are reset to their defaults and the signal mask is cleared in the child.
 * Returns 0 or a negative errno value. */
int uvtest_proc_spawn(uvtest_proc_t* proc, const char* const* argv,
                      unsigned flags);

/* Collects the child's output (when captured) into out and waits for it to
 * end.  When timeout_ms >= 0 and the child is still running after that
 * long, it (and its process group, if it has one) is killed and term->kind
 * is UVTEST_TERM_TIMED_OUT.  Once the child has exited, the rest of its
 * process group is killed too.  The child is always reaped before this
 * returns.  A timeout requires uvtest_platform_parent_init().  Returns 0 or
 * a negative errno value. */
int uvtest_proc_wait(uvtest_proc_t* proc, int64_t timeout_ms,
                     uvtest_buf_t* out, uvtest_term_t* term);

/* Sends SIGKILL (TerminateProcess on Windows) to the child. */
int uvtest_proc_kill(uvtest_proc_t* proc);

/* Open file descriptors of this process, sorted ascending. */
typedef struct uvtest_fdset_s {
  int* fds;
  size_t count;
} uvtest_fdset_t;

int uvtest_fdset_snapshot(uvtest_fdset_t* set);
void uvtest_fdset_free(uvtest_fdset_t* set);
/* Human readable description of what fd refers to. */
void uvtest_fd_describe(int fd, char* buf, size_t size);

/* ------------------------------------------------------------------------ */
/* task.c: state shared between the driver and the test-side API. */

void uvtest_set_helper_args(int argc, char** argv);
/* Records main()'s own argc and argv (see test_main_argv()). */
void uvtest_set_main_args(int argc, char** argv);
int uvtest_fd_check_enabled(void);
/* Writes "[uvtest <pid>] <kind>: <text>" to stderr. */
void uvtest_mark(const char* kind, const char* fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
  __attribute__((format(printf, 2, 3)))
#endif
  ;
/* Formats the TEST_PIPENAME (which == 0) / TEST_PIPENAME_2 (which == 1)
 * path for the given test id. */
void uvtest_format_pipename(char* buf, size_t size, const char* id, int which);

#endif /* UVCORE_TEST_RUNNER_H_ */
