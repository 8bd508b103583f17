/* Test-side support code: assertion failure reports, skips, helper
 * arguments, pipe names and helper process management. */

#define UVTEST_NO_UV
#include "task.h"
#include "runner.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#if defined(UVTEST_TSAN) && defined(__linux__)
# include <dirent.h>
# include <pthread.h>
# include <sched.h>
# include <stdio.h>
# include <string.h>
# include <sys/prctl.h>
#endif

static int helper_argc;
static char* no_args[1] = { NULL };
static char** helper_argv = no_args;
static int fd_check_enabled = 1;
static int main_argc;
static char** main_argv = no_args;

void uvtest_set_helper_args(int argc, char** argv) {
  helper_argc = argc;
  helper_argv = argv;
}

void uvtest_set_main_args(int argc, char** argv) {
  main_argc = argc;
  main_argv = argv;
}

int test_main_argc(void) {
  return main_argc;
}

char** test_main_argv(void) {
  return main_argv;
}

int test_helper_argc(void) {
  return helper_argc;
}

char** test_helper_argv(void) {
  return helper_argv;
}

const char* test_exepath(void) {
  return uvtest_platform_exepath();
}

int uvtest_fd_check_enabled(void) {
  return fd_check_enabled;
}

void test_disable_fd_check(const char* reason) {
  fd_check_enabled = 0;
  fprintf(stderr, "uvtest: fd leak check disabled: %s\n",
          reason != NULL ? reason : "(no reason given)");
}

void uvtest_mark(const char* kind, const char* fmt, ...) {
  char text[1024];
  va_list ap;
  char* p;

  va_start(ap, fmt);
  vsnprintf(text, sizeof(text), fmt, ap);
  va_end(ap);
  /* The parent reads one line per mark. */
  for (p = text; *p != '\0'; p++)
    if (*p == '\n' || *p == '\r')
      *p = ' ';
  fflush(stdout);
  fprintf(stderr, UVTEST_MARK_OPEN "%ld] %s: %s\n", uvtest_getpid(), kind,
          text);
  fflush(stderr);
}

/* ------------------------------------------------------------------------ */
/* Pipe names */

void uvtest_format_pipename(char* buf, size_t size, const char* id,
                            int which) {
#ifdef _WIN32
  snprintf(buf, size, "\\\\.\\pipe\\uvcore-test-%s%s", id,
           which ? "-2" : "");
#else
  snprintf(buf, size, "/tmp/uvcore-test-%s%s.sock", id, which ? "-2" : "");
#endif
}

const char* test_pipename(int which) {
  static char names[2][128];
  const char* id;
  char own[32];

  which = which ? 1 : 0;
  if (names[which][0] == '\0') {
    id = getenv(UVTEST_ENV_ID);
    if (id == NULL || *id == '\0' || strlen(id) > 20) {
      snprintf(own, sizeof(own), "%ld", uvtest_getpid());
      id = own;
    }
    uvtest_format_pipename(names[which], sizeof(names[which]), id, which);
  }
  return names[which];
}

/* ------------------------------------------------------------------------ */
/* Failure reports */

static void fail_begin(const char* file, int line) {
  fflush(stdout);
  fprintf(stderr, "%s:%d: assertion failed: ", file, line);
}

UVTEST_NORETURN_ static void fail_end(const char* file, int line,
                                      const char* what, const char* detail) {
  fflush(stderr);
  uvtest_mark("fail", "%s:%d: %s failed%s%s", file, line, what,
              detail != NULL ? ": " : "", detail != NULL ? detail : "");
  abort();
}

void uvtest_fail_bool_(const char* file, int line, const char* macro,
                       const char* expr) {
  char what[512];

  snprintf(what, sizeof(what), "%s(%s)", macro, expr);
  fail_begin(file, line);
  fprintf(stderr, "%s\n", what);
  fail_end(file, line, what, NULL);
}

void uvtest_fail_i64_(const char* file, int line, const char* macro,
                      const char* atext, const char* btext, int64_t a,
                      int64_t b) {
  char what[512];

  snprintf(what, sizeof(what), "%s(%s, %s)", macro, atext, btext);
  fail_begin(file, line);
  fprintf(stderr, "%s\n", what);
  fprintf(stderr, "    left:  %s = %" PRId64 "\n", atext, a);
  fprintf(stderr, "    right: %s = %" PRId64 "\n", btext, b);
  fail_end(file, line, what, NULL);
}

void uvtest_fail_u64_(const char* file, int line, const char* macro,
                      const char* atext, const char* btext, uint64_t a,
                      uint64_t b) {
  char what[512];

  snprintf(what, sizeof(what), "%s(%s, %s)", macro, atext, btext);
  fail_begin(file, line);
  fprintf(stderr, "%s\n", what);
  fprintf(stderr, "    left:  %s = %" PRIu64 " (0x%" PRIx64 ")\n", atext, a,
          a);
  fprintf(stderr, "    right: %s = %" PRIu64 " (0x%" PRIx64 ")\n", btext, b,
          b);
  fail_end(file, line, what, NULL);
}

void uvtest_fail_ptr_(const char* file, int line, const char* macro,
                      const char* atext, const char* btext, const void* a,
                      const void* b) {
  char what[512];

  if (strcmp(macro, "ASSERT_NULL") == 0 ||
      strcmp(macro, "ASSERT_NOT_NULL") == 0)
    snprintf(what, sizeof(what), "%s(%s)", macro, atext);
  else
    snprintf(what, sizeof(what), "%s(%s, %s)", macro, atext, btext);
  fail_begin(file, line);
  fprintf(stderr, "%s\n", what);
  fprintf(stderr, "    left:  %s = %p\n", atext, a);
  fprintf(stderr, "    right: %s = %p\n", btext, b);
  fail_end(file, line, what, NULL);
}

/* Prints s quoted, with non-printable bytes escaped, at most 200 bytes. */
static void print_quoted(const char* s) {
  size_t i;
  unsigned char c;

  if (s == NULL) {
    fputs("NULL", stderr);
    return;
  }
  fputc('"', stderr);
  for (i = 0; s[i] != '\0'; i++) {
    if (i == 200) {
      fputs("\"... (", stderr);
      fprintf(stderr, "%zu bytes)", strlen(s));
      return;
    }
    c = (unsigned char) s[i];
    if (c == '"' || c == '\\')
      fprintf(stderr, "\\%c", c);
    else if (c == '\n')
      fputs("\\n", stderr);
    else if (c == '\r')
      fputs("\\r", stderr);
    else if (c == '\t')
      fputs("\\t", stderr);
    else if (c < 0x20 || c == 0x7f)
      fprintf(stderr, "\\x%02x", c);
    else
      fputc(c, stderr);
  }
  fputc('"', stderr);
}

int uvtest_str_eq_(const char* a, const char* b) {
  if (a == NULL || b == NULL)
    return a == b;
  return strcmp(a, b) == 0;
}

void uvtest_fail_str_(const char* file, int line, const char* macro,
                      const char* atext, const char* btext, const char* a,
                      const char* b) {
  char what[512];

  snprintf(what, sizeof(what), "%s(%s, %s)", macro, atext, btext);
  fail_begin(file, line);
  fprintf(stderr, "%s\n", what);
  fprintf(stderr, "    left:  %s = ", atext);
  print_quoted(a);
  fprintf(stderr, "\n    right: %s = ", btext);
  print_quoted(b);
  fputc('\n', stderr);
  fail_end(file, line, what, NULL);
}

static void print_hex(const unsigned char* p, size_t from, size_t to) {
  size_t i;

  for (i = from; i < to; i++)
    fprintf(stderr, " %02x", p[i]);
}

void uvtest_fail_mem_(const char* file, int line, const char* atext,
                      const char* btext, const char* ntext, const void* a,
                      const void* b, size_t n) {
  const unsigned char* pa = a;
  const unsigned char* pb = b;
  char what[512];
  size_t first;
  size_t from;
  size_t to;

  for (first = 0; first < n && pa[first] == pb[first]; first++)
    ;
  from = first >= 8 ? first - 8 : 0;
  to = n - first > 8 ? first + 8 : n;
  snprintf(what, sizeof(what), "ASSERT_MEM_EQ(%s, %s, %s)", atext, btext,
           ntext);
  fail_begin(file, line);
  fprintf(stderr, "%s\n", what);
  fprintf(stderr, "    %zu bytes compared, first difference at offset %zu\n",
          n, first);
  fprintf(stderr, "    left:  %s [%zu..%zu) =", atext, from, to);
  print_hex(pa, from, to);
  fprintf(stderr, "\n    right: %s [%zu..%zu) =", btext, from, to);
  print_hex(pb, from, to);
  fputc('\n', stderr);
  fail_end(file, line, what, NULL);
}

void uvtest_fail_ok_(const char* file, int line, const char* expr,
                     int64_t value, const char* errname) {
  char what[512];

  snprintf(what, sizeof(what), "ASSERT_OK(%s)", expr);
  fail_begin(file, line);
  fprintf(stderr, "%s\n", what);
  if (errname != NULL)
    fprintf(stderr, "    value: %" PRId64 " (%s)\n", value, errname);
  else
    fprintf(stderr, "    value: %" PRId64 "\n", value);
  fail_end(file, line, what, errname);
}

void uvtest_skip_(const char* file, int line, const char* reason) {
  if (reason == NULL || *reason == '\0')
    reason = "(no reason given)";
  fflush(stdout);
  fprintf(stderr, "%s:%d: skipped: %s\n", file, line, reason);
  uvtest_mark("skip", "%s", reason);
}

/* ------------------------------------------------------------------------ */
/* Helper processes */

int test_helper_spawn(test_proc_t* proc, const char* name,
                      const char* const* args) {
  const char** argv;
  uvtest_proc_t p;
  size_t nargs;
  size_t i;
  int err;

  nargs = 0;
  if (args != NULL)
    while (args[nargs] != NULL)
      nargs++;
  argv = malloc((nargs + 4) * sizeof(*argv));
  if (argv == NULL)
    return -ENOMEM;
  argv[0] = test_exepath();
  argv[1] = "--helper";
  argv[2] = name;
  for (i = 0; i < nargs; i++)
    argv[3 + i] = args[i];
  argv[3 + nargs] = NULL;

  err = uvtest_proc_spawn(&p, argv, 0);
  free(argv);
  if (err != 0)
    return err;
#ifdef _WIN32
  proc->pid = (int64_t) p.pid;
  proc->handle = p.process;
#else
  proc->pid = (int64_t) p.pid;
  proc->handle = NULL;
#endif
  return 0;
}

static void proc_from_test(uvtest_proc_t* p, const test_proc_t* proc) {
  memset(p, 0, sizeof(*p));
#ifdef _WIN32
  p->pid = (unsigned long) proc->pid;
  p->process = proc->handle;
  p->job = NULL;
  p->out = NULL;
#else
  p->pid = (pid_t) proc->pid;
  p->out_fd = -1;
  p->new_group = 0;
#endif
}

int test_helper_wait(test_proc_t* proc) {
  uvtest_proc_t p;
  uvtest_term_t term;
  int err;

  if (proc->pid <= 0)
    return -EINVAL;  /* never started, or already waited for */
  proc_from_test(&p, proc);
  err = uvtest_proc_wait(&p, -1, NULL, &term);
  if (err != 0)
    return err;
  proc->pid = 0;
  proc->handle = NULL;
  if (term.kind == UVTEST_TERM_SIGNALED)
    return 128 + term.signum;
  return term.exit_code;
}

int test_helper_kill(test_proc_t* proc) {
  uvtest_proc_t p;

  if (proc->pid <= 0)
    return -EINVAL;

  proc_from_test(&p, proc);
  return uvtest_proc_kill(&p);
}

int test_helper_run(const char* name, const char* const* args) {
  test_proc_t proc;
  int err;

  err = test_helper_spawn(&proc, name, args);
  if (err != 0)
    return err;
  return test_helper_wait(&proc);
}

#if defined(UVTEST_TSAN) && defined(__linux__)
#define SETTLE_NAME "uvtest-settle"

static void* settle_thread(void* arg) {
  prctl(PR_SET_NAME, SETTLE_NAME, 0, 0, 0);
  return arg;
}

/* Whether a task named SETTLE_NAME is still listed: a joined thread
 * leaves /proc a moment after pthread_join returns. */
static int settle_thread_listed(void) {
  struct dirent* e;
  char path[64];
  char comm[32];
  FILE* f;
  DIR* d;
  int found;

  found = 0;
  d = opendir("/proc/self/task");
  if (d == NULL)
    return 0;
  while (!found && (e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.')
      continue;
    snprintf(path, sizeof(path), "/proc/self/task/%s/comm", e->d_name);
    f = fopen(path, "re");
    if (f == NULL)
      continue;
    if (fgets(comm, sizeof(comm), f) != NULL &&
        strncmp(comm, SETTLE_NAME, strlen(SETTLE_NAME)) == 0)
      found = 1;
    fclose(f);
  }
  closedir(d);
  return found;
}

void test_sanitizer_threads_settle(void) {
  static int done;
  pthread_t t;

  if (done)
    return;
  done = 1;
  if (pthread_create(&t, NULL, settle_thread, NULL) != 0)
    return;
  pthread_join(t, NULL);
  while (settle_thread_listed())
    sched_yield();
}
#else
void test_sanitizer_threads_settle(void) {
}
#endif

/* valgrind preloads its own libraries into the program it runs. */
int test_under_valgrind(void) {
  const char* p;

  p = getenv("LD_PRELOAD");
  return p != NULL && strstr(p, "vgpreload") != NULL;
}
