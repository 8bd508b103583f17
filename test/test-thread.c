/* Thread tests: creation and joining, stack sizes, detach, identity,
 * affinity, CPU, names and priorities. */
#if !defined(_WIN32) && !defined(_GNU_SOURCE)
# define _GNU_SOURCE  /* pthread_getattr_np, CPU_COUNT */
#endif
#include "task.h"

#include <errno.h>
#include <string.h>
#ifndef _WIN32
# include <pthread.h>
# include <sched.h>
# include <sys/resource.h>
# include <sys/wait.h>
# include <unistd.h>
#endif

/* ---- create / join ------------------------------------------------------ */

static void set_flag(void* arg) {
  *(int*) arg = 42;
}

TEST(thread_create_join) {
  uv_thread_t tids[8];
  int flags[8];
  int i;

  for (i = 0; i < 8; i++) {
    flags[i] = 0;
    ASSERT_OK(uv_thread_create(&tids[i], set_flag, &flags[i]));
  }
  for (i = 0; i < 8; i++) {
    ASSERT_OK(uv_thread_join(&tids[i]));
    ASSERT_EQ(flags[i], 42);
  }
  return 0;
}

TEST(thread_create_einval) {
  uv_thread_options_t opts;
  uv_thread_t tid;
  int flag;

  ASSERT_EQ(uv_thread_create(NULL, set_flag, &flag), UV_EINVAL);
  ASSERT_EQ(uv_thread_create(&tid, NULL, &flag), UV_EINVAL);
  opts.flags = 0x100;
  opts.stack_size = 0;
  ASSERT_EQ(uv_thread_create_ex(&tid, &opts, set_flag, &flag), UV_EINVAL);
  opts.flags = UV_THREAD_HAS_STACK_SIZE;
  opts.stack_size = (size_t) -1;
  ASSERT_EQ(uv_thread_create_ex(&tid, &opts, set_flag, &flag), UV_EINVAL);
  ASSERT_EQ(uv_thread_join(NULL), UV_EINVAL);
  ASSERT_EQ(uv_thread_detach(NULL), UV_EINVAL);

  /* NULL options are the defaults. */
  flag = 0;
  ASSERT_OK(uv_thread_create_ex(&tid, NULL, set_flag, &flag));
  ASSERT_OK(uv_thread_join(&tid));
  ASSERT_EQ(flag, 42);
  return 0;
}

/* ---- stack size --------------------------------------------------------- */

static size_t seen_stack_size;

static void record_stack_size(void* arg) {
#if defined(_WIN32)
  ULONG_PTR low;
  ULONG_PTR high;

  (void) arg;
  /* The whole reservation, guard pages included. */
  GetCurrentThreadStackLimits(&low, &high);
  seen_stack_size = (size_t) (high - low);
#elif defined(__linux__)
  pthread_attr_t attr;
  size_t size;

  (void) arg;
  ASSERT_OK(pthread_getattr_np(pthread_self(), &attr));
  ASSERT_OK(pthread_attr_getstacksize(&attr, &size));
  pthread_attr_destroy(&attr);
  seen_stack_size = size;
#else
  (void) arg;
#endif
}

static size_t stack_of(unsigned int flags, size_t requested) {
  uv_thread_options_t opts;
  uv_thread_t tid;

  opts.flags = flags;
  opts.stack_size = requested;
  seen_stack_size = 0;
  ASSERT_OK(uv_thread_create_ex(&tid, &opts, record_stack_size, NULL));
  ASSERT_OK(uv_thread_join(&tid));
  return seen_stack_size;
}

TEST(thread_stack_size) {
#if defined(_WIN32)
  size_t got;

  /* The size is a reservation, which Windows rounds up to its allocation
   * granularity: never less than asked for. */
  got = stack_of(UV_THREAD_HAS_STACK_SIZE, 4 * 1024 * 1024);
  ASSERT_UINT64_GE(got, 4 * 1024 * 1024);
  got = stack_of(UV_THREAD_HAS_STACK_SIZE, 1024 * 1024 + 1);
  ASSERT_UINT64_GE(got, 1024 * 1024 + 1);
  ASSERT_UINT64_LT(got, 2 * 1024 * 1024);
  /* Without the flag: the executable's default (1 MiB for MinGW and MSVC
   * unless linked otherwise). */
  ASSERT_UINT64_GT(stack_of(UV_THREAD_NO_FLAGS, 12345), 0);
  return 0;
#elif !defined(__linux__)
  RETURN_SKIP("needs pthread_getattr_np");
#else
  struct rlimit lim;
  size_t page;
  size_t want;
  size_t got;

  page = (size_t) getpagesize();

  /* An exact multiple of the page size is used as is. */
  got = stack_of(UV_THREAD_HAS_STACK_SIZE, 1024 * 1024);
  ASSERT_UINT64_EQ(got, 1024 * 1024);

  /* Otherwise it is rounded up to the next page. */
  got = stack_of(UV_THREAD_HAS_STACK_SIZE, 1024 * 1024 + 1);
  ASSERT_UINT64_EQ(got, 1024 * 1024 + page);

  /* A tiny stack becomes the minimum. */
  got = stack_of(UV_THREAD_HAS_STACK_SIZE, 1);
  want = (size_t) PTHREAD_STACK_MIN;
  want = (want + page - 1) / page * page;
#if defined(UVTEST_TSAN)
  /* ThreadSanitizer raises stacks below its own minimum. */
  fprintf(stderr, "ThreadSanitizer: minimum stack %zu, asked for %zu\n",
          got, want);
  ASSERT_UINT64_GE(got, want);
#else
  ASSERT_UINT64_EQ(got, want);
#endif

  /* 0, or no flag, is the default: RLIMIT_STACK when finite and sane,
   * else 8 MiB (the value is ignored without the flag). */
  ASSERT_OK(getrlimit(RLIMIT_STACK, &lim));
  if (lim.rlim_cur == RLIM_INFINITY || lim.rlim_cur < (rlim_t) PTHREAD_STACK_MIN)
    want = (size_t) 8 << 20;
  else
    want = (size_t) lim.rlim_cur / page * page;
  ASSERT_UINT64_EQ(stack_of(UV_THREAD_HAS_STACK_SIZE, 0), want);
  ASSERT_UINT64_EQ(stack_of(UV_THREAD_NO_FLAGS, 12345), want);
  return 0;
#endif
}

/* The default follows the limit, and an unlimited limit gets 8 MiB. */
TEST(thread_stack_size_rlimit) {
#if !defined(__linux__)
  RETURN_SKIP("needs pthread_getattr_np");
#else
  struct rlimit lim;

  ASSERT_OK(getrlimit(RLIMIT_STACK, &lim));
  lim.rlim_cur = 3 * 1024 * 1024;
  if (lim.rlim_max != RLIM_INFINITY && lim.rlim_max < lim.rlim_cur)
    RETURN_SKIP("hard RLIMIT_STACK below 3 MiB");
  ASSERT_OK(setrlimit(RLIMIT_STACK, &lim));
  ASSERT_UINT64_EQ(stack_of(UV_THREAD_NO_FLAGS, 0), 3 * 1024 * 1024);

  if (lim.rlim_max == RLIM_INFINITY) {
    lim.rlim_cur = RLIM_INFINITY;
    ASSERT_OK(setrlimit(RLIMIT_STACK, &lim));
    ASSERT_UINT64_EQ(stack_of(UV_THREAD_NO_FLAGS, 0), (size_t) 8 << 20);
  }
  return 0;
#endif
}

/* ---- detach ------------------------------------------------------------- */

static uv_sem_t detach_sem;

static void detached_entry(void* arg) {
  (void) arg;
  uv_sem_post(&detach_sem);
}

TEST(thread_detach) {
  uv_thread_t tid;

  ASSERT_OK(uv_sem_init(&detach_sem, 0));
  ASSERT_OK(uv_thread_create(&tid, detached_entry, NULL));
  ASSERT_OK(uv_thread_detach(&tid));
  uv_sem_wait(&detach_sem);
  uv_sem_destroy(&detach_sem);
  return 0;
}

/* ---- identity ----------------------------------------------------------- */

static uv_thread_t child_self;

static uv_sem_t self_recorded;
static uv_sem_t self_compared;

static void record_self(void* arg) {
  (void) arg;
  child_self = uv_thread_self();
  uv_sem_post(&self_recorded);
  uv_sem_wait(&self_compared);
}

/* Compared while the thread still runs: on Windows a uv_thread_t is a
 * handle, which uv_thread_join() closes. */
TEST(thread_self_equal) {
  uv_thread_t main_self;
  uv_thread_t again;
  uv_thread_t tid;

  main_self = uv_thread_self();
  again = uv_thread_self();
  ASSERT(uv_thread_equal(&main_self, &again));
  ASSERT_OK(uv_sem_init(&self_recorded, 0));
  ASSERT_OK(uv_sem_init(&self_compared, 0));
  ASSERT_OK(uv_thread_create(&tid, record_self, NULL));
  uv_sem_wait(&self_recorded);
  ASSERT(uv_thread_equal(&tid, &child_self));
  ASSERT(!uv_thread_equal(&main_self, &child_self));
  ASSERT(!uv_thread_equal(NULL, &main_self));
  uv_sem_post(&self_compared);
  ASSERT_OK(uv_thread_join(&tid));
  uv_sem_destroy(&self_recorded);
  uv_sem_destroy(&self_compared);
  return 0;
}

/* ---- affinity and CPU --------------------------------------------------- */

TEST(thread_affinity) {
#if !defined(__linux__) && !defined(_WIN32)
  RETURN_SKIP("affinity is implemented on Linux and Windows only");
#else
  uv_thread_t self;
  char* oldmask;
  char* mask;
  char* check;
  int size;
  int cpu;
  int n;
  int i;

  size = uv_cpumask_size();
  ASSERT_GT(size, 0);
  mask = calloc((size_t) size, 1);
  oldmask = calloc((size_t) size, 1);
  check = calloc((size_t) size, 1);
  ASSERT_NOT_NULL(mask);
  ASSERT_NOT_NULL(oldmask);
  ASSERT_NOT_NULL(check);
  self = uv_thread_self();

  ASSERT_EQ(uv_thread_getaffinity(&self, mask, (size_t) size - 1), UV_EINVAL);
  ASSERT_EQ(uv_thread_setaffinity(&self, mask, NULL, (size_t) size - 1),
            UV_EINVAL);
  ASSERT_EQ(uv_thread_getaffinity(NULL, mask, (size_t) size), UV_EINVAL);
  ASSERT_EQ(uv_thread_getaffinity(&self, NULL, (size_t) size), UV_EINVAL);
  ASSERT_EQ(uv_thread_setaffinity(&self, NULL, NULL, (size_t) size),
            UV_EINVAL);

  ASSERT_OK(uv_thread_getaffinity(&self, mask, (size_t) size));
  n = 0;
  for (i = 0; i < size; i++) {
    ASSERT(mask[i] == 0 || mask[i] == 1);
    n += mask[i];
  }
  ASSERT_GE(n, 1);

  /* Pin to the last allowed CPU, and the thread runs there. */
  for (cpu = size - 1; cpu >= 0 && !mask[cpu]; cpu--) {
  }
  memset(mask, 0, (size_t) size);
  mask[cpu] = 1;
  ASSERT_OK(uv_thread_setaffinity(&self, mask, oldmask, (size_t) size));
  ASSERT_EQ(uv_thread_getcpu(), cpu);
  ASSERT_OK(uv_thread_getaffinity(&self, check, (size_t) size));
  ASSERT_MEM_EQ(check, mask, (size_t) size);

  /* The old mask came back, and restoring it works. */
  ASSERT_OK(uv_thread_setaffinity(&self, oldmask, NULL, (size_t) size));
  ASSERT_OK(uv_thread_getaffinity(&self, check, (size_t) size));
  ASSERT_MEM_EQ(check, oldmask, (size_t) size);

  /* An empty mask is refused by the kernel. */
  memset(mask, 0, (size_t) size);
  ASSERT_EQ(uv_thread_setaffinity(&self, mask, NULL, (size_t) size),
            UV_EINVAL);

  /* A larger buffer is fine; the extra bytes are cleared. */
  free(check);
  check = malloc((size_t) size + 16);
  ASSERT_NOT_NULL(check);
  memset(check, 7, (size_t) size + 16);
  ASSERT_OK(uv_thread_getaffinity(&self, check, (size_t) size + 16));
  for (i = size; i < size + 16; i++)
    ASSERT_EQ(check[i], 0);

  free(mask);
  free(oldmask);
  free(check);
  return 0;
#endif
}

TEST(thread_getcpu) {
#if defined(_WIN32)
  int cpu;

  cpu = uv_thread_getcpu();
  ASSERT_GE(cpu, 0);
  ASSERT_LT(cpu, uv_cpumask_size());
  return 0;
#elif !defined(__linux__)
  ASSERT_EQ(uv_thread_getcpu(), UV_ENOTSUP);
  return 0;
#else
  uv_thread_t self;
  char* mask;
  int cpu;

  mask = calloc((size_t) uv_cpumask_size(), 1);
  ASSERT_NOT_NULL(mask);
  self = uv_thread_self();
  ASSERT_OK(uv_thread_getaffinity(&self, mask, (size_t) uv_cpumask_size()));
  cpu = uv_thread_getcpu();
  ASSERT_GE(cpu, 0);
  ASSERT_LT(cpu, uv_cpumask_size());
  ASSERT_EQ(mask[cpu], 1);
  free(mask);
  return 0;
#endif
}

TEST(thread_available_parallelism) {
#if defined(__linux__)
  cpu_set_t set;
  uv_thread_t self;
  char* mask;
  unsigned int n;

  n = uv_available_parallelism();
  ASSERT_GE(n, 1);
  ASSERT_OK(sched_getaffinity(0, sizeof(set), &set));
  ASSERT_LE(n, (unsigned int) CPU_COUNT(&set));

  /* Restricting the affinity mask restricts the answer. */
  mask = calloc((size_t) uv_cpumask_size(), 1);
  ASSERT_NOT_NULL(mask);
  mask[uv_thread_getcpu()] = 1;
  self = uv_thread_self();
  ASSERT_OK(uv_thread_setaffinity(&self, mask, NULL,
                                  (size_t) uv_cpumask_size()));
  ASSERT_EQ(uv_available_parallelism(), 1);
  free(mask);
#else
  ASSERT_GE(uv_available_parallelism(), 1);
#endif
  return 0;
}

/* ---- names -------------------------------------------------------------- */

static uv_sem_t name_set;
static uv_sem_t name_checked;

static void named_entry(void* arg) {
  (void) arg;
  ASSERT_OK(uv_thread_setname("worker-x"));
  uv_sem_post(&name_set);
  uv_sem_wait(&name_checked);
}

TEST(thread_name) {
  uv_thread_t self;
  uv_thread_t tid;
  char name[64];

  self = uv_thread_self();
  ASSERT_EQ(uv_thread_setname(NULL), UV_EINVAL);
  ASSERT_EQ(uv_thread_getname(&self, name, 0), UV_EINVAL);
  ASSERT_EQ(uv_thread_getname(&self, NULL, sizeof(name)), UV_EINVAL);
  ASSERT_EQ(uv_thread_getname(NULL, name, sizeof(name)), UV_EINVAL);

  ASSERT_OK(uv_thread_setname("short"));
  ASSERT_OK(uv_thread_getname(&self, name, sizeof(name)));
  ASSERT_STR_EQ(name, "short");

#if defined(__linux__)
  /* Linux keeps 15 bytes; a longer name is cut, not refused. */
  ASSERT_OK(uv_thread_setname("abcdefghijklmnopqrstuvwxyz"));
  ASSERT_OK(uv_thread_getname(&self, name, sizeof(name)));
  ASSERT_STR_EQ(name, "abcdefghijklmno");
#else
  /* Windows keeps the whole name. */
  ASSERT_OK(uv_thread_setname("abcdefghijklmnopqrstuvwxyz"));
  ASSERT_OK(uv_thread_getname(&self, name, sizeof(name)));
  ASSERT_STR_EQ(name, "abcdefghijklmnopqrstuvwxyz");
#endif

  /* A small buffer gets a truncated, terminated name. */
  ASSERT_OK(uv_thread_getname(&self, name, 4));
  ASSERT_STR_EQ(name, "abc");
  ASSERT_OK(uv_thread_getname(&self, name, 1));
  ASSERT_STR_EQ(name, "");

  /* Another thread's name. */
  ASSERT_OK(uv_sem_init(&name_set, 0));
  ASSERT_OK(uv_sem_init(&name_checked, 0));
  ASSERT_OK(uv_thread_create(&tid, named_entry, NULL));
  uv_sem_wait(&name_set);
  ASSERT_OK(uv_thread_getname(&tid, name, sizeof(name)));
  ASSERT_STR_EQ(name, "worker-x");
  uv_sem_post(&name_checked);
  ASSERT_OK(uv_thread_join(&tid));
  uv_sem_destroy(&name_set);
  uv_sem_destroy(&name_checked);
  return 0;
}

/* ---- priority ----------------------------------------------------------- */

static const int levels[] = {
  UV_THREAD_PRIORITY_LOWEST,
  UV_THREAD_PRIORITY_BELOW_NORMAL,
  UV_THREAD_PRIORITY_NORMAL,
  UV_THREAD_PRIORITY_ABOVE_NORMAL,
  UV_THREAD_PRIORITY_HIGHEST
};

static uv_sem_t prio_ready;
static uv_sem_t prio_done;
static int prio_seen;

static void prio_entry(void* arg) {
  (void) arg;
  uv_sem_post(&prio_ready);
  uv_sem_wait(&prio_done);
  ASSERT_OK(uv_thread_getpriority(uv_thread_self(), &prio_seen));
}

/* libuv's values: the calling thread's nice value (2 steps per level,
 * read back raw) under SCHED_OTHER; another thread's static priority,
 * which SCHED_OTHER fixes at 0 (setting it is accepted and changes
 * nothing). */
TEST(thread_priority) {
  uv_thread_t self;
  uv_thread_t tid;
  unsigned int i;
  int prio;

  self = uv_thread_self();
  ASSERT_EQ(uv_thread_setpriority(self, UV_THREAD_PRIORITY_HIGHEST + 1),
            UV_EINVAL);
  ASSERT_EQ(uv_thread_setpriority(self, UV_THREAD_PRIORITY_LOWEST - 1),
            UV_EINVAL);
  ASSERT_EQ(uv_thread_getpriority(self, NULL), UV_EINVAL);

  ASSERT_OK(uv_thread_getpriority(self, &prio));
  ASSERT_EQ(prio, 0);

  /* Right after creation another thread's priority is readable (no
   * start-up race). */
  ASSERT_OK(uv_sem_init(&prio_ready, 0));
  ASSERT_OK(uv_sem_init(&prio_done, 0));
  ASSERT_OK(uv_thread_create(&tid, prio_entry, NULL));
  ASSERT_OK(uv_thread_getpriority(tid, &prio));
  ASSERT_EQ(prio, 0);
  uv_sem_wait(&prio_ready);
  for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
    ASSERT_OK(uv_thread_setpriority(tid, levels[i]));
    ASSERT_OK(uv_thread_getpriority(tid, &prio));
#ifdef _WIN32
    ASSERT_EQ(prio, levels[i]);  /* Windows' own THREAD_PRIORITY_* */
#else
    ASSERT_EQ(prio, 0);
#endif
  }
  uv_sem_post(&prio_done);
  ASSERT_OK(uv_thread_join(&tid));
#ifdef _WIN32
  ASSERT_EQ(prio_seen, UV_THREAD_PRIORITY_HIGHEST);  /* the last level set */
#else
  ASSERT_EQ(prio_seen, 0);  /* its nice value did not change */
#endif
  uv_sem_destroy(&prio_ready);
  uv_sem_destroy(&prio_done);

#ifndef _WIN32
  if (geteuid() != 0)
    RETURN_SKIP("raising priority needs root; see thread_priority_unprivileged");
#endif
  /* Every level on this thread, as its raw nice value. */
  for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
    ASSERT_OK(uv_thread_setpriority(self, levels[i]));
    ASSERT_OK(uv_thread_getpriority(self, &prio));
#if defined(__linux__)
    ASSERT_EQ(prio, -2 * levels[i]);
#elif defined(_WIN32)
    ASSERT_EQ(prio, levels[i]);
#endif
  }
#if defined(__linux__)
  ASSERT_EQ(getpriority(PRIO_PROCESS, 0), -4);
#endif
  return 0;
}

/* The main thread set from another thread: accepted, static priority. */
static uv_thread_t main_tid;
static int main_prio_result;

static void set_main_prio(void* arg) {
  int prio;

  (void) arg;
  main_prio_result = uv_thread_setpriority(main_tid,
                                           UV_THREAD_PRIORITY_BELOW_NORMAL);
  if (main_prio_result == 0) {
    main_prio_result = uv_thread_getpriority(main_tid, &prio);
#ifdef _WIN32
    if (main_prio_result == 0 && prio != UV_THREAD_PRIORITY_BELOW_NORMAL)
#else
    if (main_prio_result == 0 && prio != 0)
#endif
      main_prio_result = -1000;
  }
}

TEST(thread_priority_main_from_other) {
  uv_thread_t tid;
  int prio;

  main_tid = uv_thread_self();
  ASSERT_OK(uv_thread_create(&tid, set_main_prio, NULL));
  ASSERT_OK(uv_thread_join(&tid));
  ASSERT_OK(main_prio_result);
  ASSERT_OK(uv_thread_getpriority(main_tid, &prio));
#ifdef _WIN32
  /* Windows applies another thread's setting to the thread itself. */
  ASSERT_EQ(prio, UV_THREAD_PRIORITY_BELOW_NORMAL);
#else
  ASSERT_EQ(prio, 0);
#endif
  return 0;
}

TEST(thread_priority_unprivileged) {
#ifdef _WIN32
  RETURN_SKIP("POSIX privileges only");
#else
  int status;
  pid_t pid;

  pid = fork();
  ASSERT_NE(pid, -1);
  if (pid == 0) {
    uv_thread_t self;
    int prio;
    int r;

    if (geteuid() == 0 && (setgid(65534) || setuid(65534)))
      _exit(10);
    self = uv_thread_self();
    /* Lowering works for anyone... */
    if (uv_thread_setpriority(self, UV_THREAD_PRIORITY_BELOW_NORMAL))
      _exit(11);
    if (uv_thread_getpriority(self, &prio) || prio != 2)
      _exit(12);
    /* ...raising needs privilege (or RLIMIT_NICE). */
    r = uv_thread_setpriority(self, UV_THREAD_PRIORITY_HIGHEST);
    if (r != UV_EACCES && r != UV_EPERM)
      _exit(13);
    if (uv_thread_getpriority(self, &prio) || prio != 2)
      _exit(14);
    _exit(0);
  }
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  return 0;
#endif
}

#ifndef _WIN32
static void exiting_entry(void* arg) {
  *(int*) arg = 1;
  pthread_exit(NULL);
}

static void* foreign_entry(void* arg) {
  uv_sem_wait((uv_sem_t*) arg);
  return NULL;
}
#endif

/* pthread_exit() in the entry function is a normal end: joinable, and
 * nothing leaks (the sanitizer build checks). */
TEST(thread_pthread_exit) {
#ifdef _WIN32
  RETURN_SKIP("POSIX only");
#else
  uv_thread_t tid;
  int flag;

  flag = 0;
  ASSERT_OK(uv_thread_create(&tid, exiting_entry, &flag));
  ASSERT_OK(uv_thread_join(&tid));
  ASSERT_EQ(flag, 1);
  return 0;
#endif
}

/* A thread uvcore did not start is treated like any other thread. */
TEST(thread_priority_foreign_thread) {
#if !defined(__linux__)
  RETURN_SKIP("Linux semantics");
#else
  pthread_t t;
  uv_sem_t sem;
  int prio;

  ASSERT_OK(uv_sem_init(&sem, 0));
  ASSERT_OK(pthread_create(&t, NULL, foreign_entry, &sem));
  ASSERT_OK(uv_thread_setpriority(t, UV_THREAD_PRIORITY_LOWEST));
  ASSERT_OK(uv_thread_getpriority(t, &prio));
  ASSERT_EQ(prio, 0);
  uv_sem_post(&sem);
  ASSERT_OK(pthread_join(t, NULL));
  uv_sem_destroy(&sem);
  return 0;
#endif
}
