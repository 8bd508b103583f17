/* uvcore — threads and synchronisation primitives on POSIX.
 *
 * Lock operations that can only fail through misuse (unlocking a mutex
 * not held, destroying a locked one) abort: they return void in the API,
 * and continuing would corrupt whatever the lock protects.
 *
 * Linux traps handled here:
 * - Scheduling priority of ordinary (SCHED_OTHER) threads is the nice
 *   value, which Linux keeps per thread and addresses by kernel thread id;
 *   POSIX's pthread_setschedparam only knows the static priority, always 0
 *   for that policy.  libuv changes the nice value of the calling thread
 *   only (2 steps per level, read back raw) and uses the static priority
 *   for every other thread, so no thread id registry is needed.
 * - Thread names are limited to 15 bytes plus the NUL; longer names make
 *   pthread_setname_np fail with ERANGE, so we truncate first.
 * - PTHREAD_STACK_MIN is a run-time value in recent glibc.
 */
#include "internal.h"
#include "../threadpool.h"

#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#if defined(__linux__)
# include <sys/syscall.h>
# include "linux-sysinfo.h"
#endif
#if defined(__APPLE__)
# include <mach/mach.h>
# include <mach/task.h>
#endif

/* ---- mutexes ------------------------------------------------------------ */

/* The initialisers refuse NULL (pthread would crash on it). */
int uv_mutex_init(uv_mutex_t* mutex) {
#if !defined(NDEBUG)
  pthread_mutexattr_t attr;
  int err;
#endif

  if (mutex == NULL)
    return UV_EINVAL;
#if defined(NDEBUG)
  return -pthread_mutex_init(mutex, NULL);
#else
  /* Debug builds catch double locking and foreign unlocks. */
  if (pthread_mutexattr_init(&attr))
    abort();
  if (pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK))
    abort();
  err = pthread_mutex_init(mutex, &attr);
  pthread_mutexattr_destroy(&attr);
  return -err;
#endif
}

int uv_mutex_init_recursive(uv_mutex_t* mutex) {
  pthread_mutexattr_t attr;
  int err;

  if (mutex == NULL)
    return UV_EINVAL;
  if (pthread_mutexattr_init(&attr))
    abort();
  if (pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE))
    abort();
  err = pthread_mutex_init(mutex, &attr);
  pthread_mutexattr_destroy(&attr);
  return -err;
}

void uv_mutex_destroy(uv_mutex_t* mutex) {
  if (pthread_mutex_destroy(mutex))
    abort();
}

void uv_mutex_lock(uv_mutex_t* mutex) {
  if (pthread_mutex_lock(mutex))
    abort();
}

/* The result of a pthread try-lock: taken, or busy.  EAGAIN (a read lock
 * at its maximum number of readers) is busy to the caller too; anything
 * else is misuse of the lock. */
static int trylock_result(int err) {
  if (err == 0)
    return 0;
  if (err != EBUSY && err != EAGAIN)
    abort();
  return UV_EBUSY;
}

int uv_mutex_trylock(uv_mutex_t* mutex) {
  return trylock_result(pthread_mutex_trylock(mutex));
}

void uv_mutex_unlock(uv_mutex_t* mutex) {
  if (pthread_mutex_unlock(mutex))
    abort();
}

/* ---- read-write locks --------------------------------------------------- */

int uv_rwlock_init(uv_rwlock_t* rwlock) {
  if (rwlock == NULL)
    return UV_EINVAL;
  return -pthread_rwlock_init(rwlock, NULL);
}

void uv_rwlock_destroy(uv_rwlock_t* rwlock) {
  if (pthread_rwlock_destroy(rwlock))
    abort();
}

void uv_rwlock_rdlock(uv_rwlock_t* rwlock) {
  if (pthread_rwlock_rdlock(rwlock))
    abort();
}

int uv_rwlock_tryrdlock(uv_rwlock_t* rwlock) {
  return trylock_result(pthread_rwlock_tryrdlock(rwlock));
}

void uv_rwlock_rdunlock(uv_rwlock_t* rwlock) {
  if (pthread_rwlock_unlock(rwlock))
    abort();
}

void uv_rwlock_wrlock(uv_rwlock_t* rwlock) {
  if (pthread_rwlock_wrlock(rwlock))
    abort();
}

int uv_rwlock_trywrlock(uv_rwlock_t* rwlock) {
  return trylock_result(pthread_rwlock_trywrlock(rwlock));
}

void uv_rwlock_wrunlock(uv_rwlock_t* rwlock) {
  if (pthread_rwlock_unlock(rwlock))
    abort();
}

/* ---- semaphores --------------------------------------------------------- */

#if defined(__APPLE__)
/* Unnamed POSIX semaphores do not exist on macOS; Mach ones do. */
int uv_sem_init(uv_sem_t* sem, unsigned int value) {
  kern_return_t err;

  if (value > INT_MAX)
    return UV_EINVAL;
  err = semaphore_create(mach_task_self(), sem, SYNC_POLICY_FIFO, (int) value);
  if (err == KERN_SUCCESS)
    return 0;
  if (err == KERN_INVALID_ARGUMENT)
    return UV_EINVAL;
  return UV_ENOMEM;
}

void uv_sem_destroy(uv_sem_t* sem) {
  if (semaphore_destroy(mach_task_self(), *sem))
    abort();
}

void uv_sem_post(uv_sem_t* sem) {
  if (semaphore_signal(*sem))
    abort();
}

void uv_sem_wait(uv_sem_t* sem) {
  kern_return_t err;

  do
    err = semaphore_wait(*sem);
  while (err == KERN_ABORTED);
  if (err != KERN_SUCCESS)
    abort();
}

int uv_sem_trywait(uv_sem_t* sem) {
  mach_timespec_t zero;
  kern_return_t err;

  zero.tv_sec = 0;
  zero.tv_nsec = 0;
  do
    err = semaphore_timedwait(*sem, zero);
  while (err == KERN_ABORTED);
  if (err == KERN_SUCCESS)
    return 0;
  if (err == KERN_OPERATION_TIMED_OUT)
    return UV_EAGAIN;
  abort();
}
#else
int uv_sem_init(uv_sem_t* sem, unsigned int value) {
  if (sem == NULL)
    return UV_EINVAL;
  if (sem_init(sem, 0, value))
    return uv__err();  /* EINVAL: value above SEM_VALUE_MAX */
  return 0;
}

void uv_sem_destroy(uv_sem_t* sem) {
  if (sem_destroy(sem))
    abort();
}

void uv_sem_post(uv_sem_t* sem) {
  if (sem_post(sem))
    abort();
}

void uv_sem_wait(uv_sem_t* sem) {
  int r;

  /* A signal handler interrupts sem_wait even with SA_RESTART. */
  do
    r = sem_wait(sem);
  while (r == -1 && errno == EINTR);
  if (r)
    abort();
}

int uv_sem_trywait(uv_sem_t* sem) {
  int r;

  do
    r = sem_trywait(sem);
  while (r == -1 && errno == EINTR);
  if (r == 0)
    return 0;
  if (errno != EAGAIN)
    abort();
  return UV_EAGAIN;
}
#endif

/* ---- condition variables ------------------------------------------------ */

int uv_cond_init(uv_cond_t* cond) {
  if (cond == NULL)
    return UV_EINVAL;
#if defined(__APPLE__)
  /* No pthread_condattr_setclock; timed waits use the relative form. */
  return -pthread_cond_init(cond, NULL);
#else
  pthread_condattr_t attr;
  int err;

  err = pthread_condattr_init(&attr);
  if (err)
    return -err;
  /* Timed waits must not jump when someone sets the wall clock. */
  err = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  if (err == 0)
    err = pthread_cond_init(cond, &attr);
  pthread_condattr_destroy(&attr);
  return -err;
#endif
}

void uv_cond_destroy(uv_cond_t* cond) {
  if (pthread_cond_destroy(cond))
    abort();
}

void uv_cond_signal(uv_cond_t* cond) {
  if (pthread_cond_signal(cond))
    abort();
}

void uv_cond_broadcast(uv_cond_t* cond) {
  if (pthread_cond_broadcast(cond))
    abort();
}

void uv_cond_wait(uv_cond_t* cond, uv_mutex_t* mutex) {
  if (pthread_cond_wait(cond, mutex))
    abort();
}

int uv_cond_timedwait(uv_cond_t* cond, uv_mutex_t* mutex, uint64_t timeout) {
  struct timespec ts;
  int err;

#if defined(__APPLE__)
  ts.tv_sec = (time_t) (timeout / 1000000000);
  ts.tv_nsec = (long) (timeout % 1000000000);
  err = pthread_cond_timedwait_relative_np(cond, mutex, &ts);
#else
  uint64_t now;
  uint64_t deadline;

  if (clock_gettime(CLOCK_MONOTONIC, &ts))
    abort();
  now = (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
  deadline = now + timeout;
  if (deadline < now)
    deadline = UINT64_MAX;  /* "forever", give or take 500 years */
  ts.tv_sec = (time_t) (deadline / 1000000000u);
  ts.tv_nsec = (long) (deadline % 1000000000u);
  if (ts.tv_sec < 0)
    ts.tv_sec = (time_t) (((uint64_t) 1 << (sizeof(time_t) * 8 - 1)) - 1);
  err = pthread_cond_timedwait(cond, mutex, &ts);
#endif
  if (err == 0)
    return 0;
  if (err == ETIMEDOUT)
    return UV_ETIMEDOUT;
  abort();
}

/* ---- once, thread-local keys -------------------------------------------- */

void uv_once(uv_once_t* guard, void (*callback)(void)) {
  if (pthread_once(guard, callback))
    abort();
}

int uv_key_create(uv_key_t* key) {
  if (key == NULL)
    return UV_EINVAL;
  return -pthread_key_create(key, NULL);
}

void uv_key_delete(uv_key_t* key) {
  if (pthread_key_delete(*key))
    abort();
}

void* uv_key_get(uv_key_t* key) {
  return pthread_getspecific(*key);
}

void uv_key_set(uv_key_t* key, void* value) {
  if (pthread_setspecific(*key, value))
    abort();
}

void uv__thread_yield(void) {
  sched_yield();
}

int uv__thread_atfork_child(void (*child)(void)) {
  return -pthread_atfork(NULL, NULL, child);
}

/* ---- threads ------------------------------------------------------------ */

/* uv_thread_cb returns void and pthreads expects a function returning
 * void*; calling through a cast function pointer is undefined, so every
 * thread starts here. */
struct thread_start {
  uv_thread_cb entry;
  void* arg;
};

/* The block that carried a started thread's entry and argument, handed
 * back by that thread for the next uv_thread_create or for uv_thread_join
 * to free.  Freeing it in the new thread instead made glibc set up a
 * malloc cache for that thread (and tear it down at exit) even when the
 * thread itself never allocates: about 1 200 instructions, a third of the
 * cost of creating and joining a thread.  One block at most waits here,
 * and none once every thread is joined (the library may be unloaded
 * then); a second one handed back meanwhile is freed at once. */
static struct thread_start* spare_start;

static struct thread_start* thread_start_get(void) {
  struct thread_start* s;

  s = __atomic_exchange_n(&spare_start, NULL, __ATOMIC_ACQUIRE);
  if (s == NULL)
    s = uv__malloc(sizeof(*s));
  return s;
}

static void thread_start_put(struct thread_start* s) {
  s = __atomic_exchange_n(&spare_start, s, __ATOMIC_ACQ_REL);
  uv__free(s);
}

static void* thread_start(void* p) {
  struct thread_start s;

  s = *(struct thread_start*) p;
  thread_start_put(p);
  s.entry(s.arg);
  return NULL;
}

/* The stack a thread gets when the caller does not ask: the soft
 * RLIMIT_STACK (what the main thread gets) when finite and at least the
 * minimum, else 8 MiB.  Deciding ourselves keeps every C library alike
 * (musl's own default is 128 KiB, too small for getaddrinfo). */
static size_t default_stack_size(void) {
  struct rlimit lim;
  size_t page;
  size_t size;

  page = (size_t) getpagesize();
  if (getrlimit(RLIMIT_STACK, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY &&
      lim.rlim_cur <= (rlim_t) SIZE_MAX) {
    size = (size_t) lim.rlim_cur;
    size -= size % page;
    if (size >= (size_t) PTHREAD_STACK_MIN)
      return size;
  }
  return (size_t) 8 << 20;
}

int uv_thread_create_ex(uv_thread_t* tid, const uv_thread_options_t* params,
                        uv_thread_cb entry, void* arg) {
  struct thread_start* s;
  pthread_attr_t attr;
  size_t stack_size;
  size_t page;
  int err;

  if (tid == NULL || entry == NULL)
    return UV_EINVAL;

  stack_size = 0;
  if (params != NULL) {
    if (params->flags & ~(unsigned int) UV_THREAD_HAS_STACK_SIZE)
      return UV_EINVAL;
    if (params->flags & UV_THREAD_HAS_STACK_SIZE)
      stack_size = params->stack_size;
  }
  if (stack_size == 0) {
    stack_size = default_stack_size();
  } else {
    page = (size_t) getpagesize();
    if (stack_size > SIZE_MAX - page)
      return UV_EINVAL;
    stack_size = (stack_size + page - 1) / page * page;
    if (stack_size < (size_t) PTHREAD_STACK_MIN)
      stack_size = (size_t) PTHREAD_STACK_MIN;
  }

  s = thread_start_get();
  if (s == NULL)
    return UV_ENOMEM;
  s->entry = entry;
  s->arg = arg;

  err = pthread_attr_init(&attr);
  if (err) {
    thread_start_put(s);
    return -err;
  }
  err = pthread_attr_setstacksize(&attr, stack_size);
  if (err == 0)
    err = pthread_create(tid, &attr, thread_start, s);
  pthread_attr_destroy(&attr);
  if (err) {
    thread_start_put(s);
    return -err;
  }
  return 0;
}

int uv_thread_create(uv_thread_t* tid, uv_thread_cb entry, void* arg) {
  return uv_thread_create_ex(tid, NULL, entry, arg);
}

int uv_thread_join(uv_thread_t* tid) {
  int err;

  if (tid == NULL)
    return UV_EINVAL;
  /* What glibc's pthread_join answers, decided here: not every
   * pthread_join checks (sanitizer runtimes abort on it). */
  if (pthread_equal(*tid, pthread_self()))
    return -EDEADLK;
  err = pthread_join(*tid, NULL);
  if (err == 0)
    uv__free(__atomic_exchange_n(&spare_start, NULL, __ATOMIC_ACQUIRE));
  return -err;
}

int uv_thread_detach(uv_thread_t* tid) {
  if (tid == NULL)
    return UV_EINVAL;
  return -pthread_detach(*tid);
}

uv_thread_t uv_thread_self(void) {
  return pthread_self();
}

int uv_thread_equal(const uv_thread_t* t1, const uv_thread_t* t2) {
  if (t1 == NULL || t2 == NULL)
    return 0;
  return pthread_equal(*t1, *t2);
}

/* ---- affinity ----------------------------------------------------------- */

int uv_cpumask_size(void) {
#if defined(__linux__)
  return CPU_SETSIZE;
#else
  return UV_ENOTSUP;
#endif
}

int uv_thread_getaffinity(uv_thread_t* tid, char* cpumask, size_t mask_size) {
#if defined(__linux__)
  cpu_set_t set;
  int err;
  int i;

  if (tid == NULL || cpumask == NULL || mask_size < (size_t) CPU_SETSIZE)
    return UV_EINVAL;
  CPU_ZERO(&set);
  err = pthread_getaffinity_np(*tid, sizeof(set), &set);
  if (err)
    return -err;
  memset(cpumask, 0, mask_size);
  for (i = 0; i < CPU_SETSIZE; i++)
    cpumask[i] = CPU_ISSET(i, &set) != 0;
  return 0;
#else
  (void) tid;
  (void) cpumask;
  (void) mask_size;
  return UV_ENOTSUP;
#endif
}

int uv_thread_setaffinity(uv_thread_t* tid, char* cpumask, char* oldmask,
                          size_t mask_size) {
#if defined(__linux__)
  cpu_set_t set;
  int err;
  int i;

  if (tid == NULL || cpumask == NULL || mask_size < (size_t) CPU_SETSIZE)
    return UV_EINVAL;
  if (oldmask != NULL) {
    err = uv_thread_getaffinity(tid, oldmask, mask_size);
    if (err)
      return err;
  }
  CPU_ZERO(&set);
  for (i = 0; i < CPU_SETSIZE; i++)
    if (cpumask[i])
      CPU_SET(i, &set);
  return -pthread_setaffinity_np(*tid, sizeof(set), &set);
#else
  (void) tid;
  (void) cpumask;
  (void) oldmask;
  (void) mask_size;
  return UV_ENOTSUP;
#endif
}

int uv_thread_getcpu(void) {
#if defined(__linux__)
  int cpu;

  cpu = sched_getcpu();
  if (cpu < 0)
    return uv__err();
  return cpu;
#else
  return UV_ENOTSUP;
#endif
}

unsigned int uv_available_parallelism(void) {
  long n;
#if defined(__linux__)
  unsigned int quota;
  cpu_set_t set;

  n = 0;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0)
    n = CPU_COUNT(&set);
  if (n <= 0)
    n = sysconf(_SC_NPROCESSORS_ONLN);
  quota = uv__cgroup_self_cpu_quota();  /* linux-cgroup.c */
  if (quota != 0 && n > (long) quota)
    n = (long) quota;
#else
  n = sysconf(_SC_NPROCESSORS_ONLN);
#endif
  if (n <= 0)
    return 1;
  if (n > (long) UINT_MAX)
    return UINT_MAX;
  return (unsigned int) n;
}

/* ---- priority ----------------------------------------------------------- */

/* The calling thread under SCHED_OTHER: its nice value, 2 steps per level
 * (HIGHEST is nice -4), as libuv sets it.  Everything else: the five levels
 * spread over the policy's static priority range (for SCHED_OTHER that
 * range is 0..0, so the call is accepted and changes nothing, as in
 * libuv). */
static int self_nice_applies(uv_thread_t tid, int policy) {
#if defined(__linux__)
  return policy == SCHED_OTHER && pthread_equal(tid, pthread_self());
#else
  (void) tid;
  (void) policy;
  return 0;
#endif
}

int uv_thread_setpriority(uv_thread_t tid, int priority) {
  struct sched_param param;
  int policy;
  int prio;
  int min;
  int max;
  int err;

  if (priority < UV_THREAD_PRIORITY_LOWEST ||
      priority > UV_THREAD_PRIORITY_HIGHEST)
    return UV_EINVAL;
  err = pthread_getschedparam(tid, &policy, &param);
  if (err)
    return -err;

  if (self_nice_applies(tid, policy)) {
#if defined(__linux__)
    if (setpriority(PRIO_PROCESS, (id_t) syscall(SYS_gettid), -priority * 2))
      return uv__err();
#endif
    return 0;
  }

  min = sched_get_priority_min(policy);
  max = sched_get_priority_max(policy);
  if (min == -1 || max == -1)
    return uv__err();
  prio = min + (priority - UV_THREAD_PRIORITY_LOWEST) * (max - min) / 4;
  if (param.sched_priority == prio)
    return 0;
  param.sched_priority = prio;
  return -pthread_setschedparam(tid, policy, &param);
}

int uv_thread_getpriority(uv_thread_t tid, int* priority) {
  struct sched_param param;
  int policy;
  int err;

  if (priority == NULL)
    return UV_EINVAL;
  err = pthread_getschedparam(tid, &policy, &param);
  if (err)
    return -err;

  if (self_nice_applies(tid, policy)) {
#if defined(__linux__)
    int nice;

    errno = 0;
    nice = getpriority(PRIO_PROCESS, (id_t) syscall(SYS_gettid));
    if (nice == -1 && errno != 0)
      return uv__err();
    *priority = nice;
    return 0;
#endif
  }

  *priority = param.sched_priority;
  return 0;
}

/* ---- names -------------------------------------------------------------- */

#if defined(__linux__)
# define THREAD_NAME_MAX 16  /* including the NUL */
#elif defined(__APPLE__)
# define THREAD_NAME_MAX 64
#else
# define THREAD_NAME_MAX 16
#endif

int uv_thread_setname(const char* name) {
  char buf[THREAD_NAME_MAX];

  if (name == NULL)
    return UV_EINVAL;
  strncpy(buf, name, sizeof(buf) - 1);
  buf[sizeof(buf) - 1] = '\0';
#if defined(__APPLE__)
  return -pthread_setname_np(buf);
#else
  return -pthread_setname_np(pthread_self(), buf);
#endif
}

int uv_thread_getname(uv_thread_t* tid, char* name, size_t size) {
  char buf[THREAD_NAME_MAX];
  size_t len;
  int err;

  if (tid == NULL || name == NULL || size == 0)
    return UV_EINVAL;
  err = pthread_getname_np(*tid, buf, sizeof(buf));
  if (err)
    return -err;
  buf[sizeof(buf) - 1] = '\0';
  len = strlen(buf);
  if (len >= size)
    len = size - 1;
  memcpy(name, buf, len);
  name[len] = '\0';
  return 0;
}
