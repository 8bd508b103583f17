/* uvcore — threads and synchronisation primitives on Windows.
 *
 * Mutexes are critical sections (recursive, as in libuv), read-write locks
 * SRW locks, condition variables the native CONDITION_VARIABLE, one-time
 * initialisation InitOnceExecuteOnce and keys TLS slots.  Barriers are
 * portable (../barrier.c).
 *
 * Windows traps handled here:
 * - uv_thread_t is a thread HANDLE, but GetCurrentThread() is a pseudo
 *   handle that means "the caller" wherever it is used.  uv_thread_self()
 *   hands out a real handle, duplicated once per thread and kept in a TLS
 *   slot; a thread we started closes it when its function returns.  A
 *   thread started by someone else keeps its one handle until the process
 *   ends: a fiber-local slot's destructor could close it, but would call
 *   into this library after it may have been unloaded.  Two handles of
 *   one thread differ, so uv_thread_equal() compares thread ids.
 * - Threads start through _beginthreadex, not CreateThread, so the C
 *   runtime's per-thread state is set up and freed.
 * - A stack size is a reservation (STACK_SIZE_PARAM_IS_A_RESERVATION),
 *   rounded up to whole pages; without the flag it is the initial commit.
 * - SetThreadDescription/GetThreadDescription exist from Windows 10 1607
 *   only: looked up at run time, UV_ENOSYS without them.
 * - Condition variable timeouts are in milliseconds: a wait is rounded up
 *   so that it never ends before the time asked for.
 */
#include "internal.h"
#include "../threadpool.h"

#include <limits.h>
#include <process.h>
#include <stdlib.h>
#include <string.h>

/* ---- mutexes ------------------------------------------------------------ */

int uv_mutex_init(uv_mutex_t* mutex) {
  InitializeCriticalSection(mutex);
  return 0;
}

int uv_mutex_init_recursive(uv_mutex_t* mutex) {
  return uv_mutex_init(mutex);  /* critical sections always are */
}

void uv_mutex_destroy(uv_mutex_t* mutex) {
  DeleteCriticalSection(mutex);
}

void uv_mutex_lock(uv_mutex_t* mutex) {
  EnterCriticalSection(mutex);
}

int uv_mutex_trylock(uv_mutex_t* mutex) {
  return TryEnterCriticalSection(mutex) ? 0 : UV_EBUSY;
}

void uv_mutex_unlock(uv_mutex_t* mutex) {
  LeaveCriticalSection(mutex);
}

/* ---- read-write locks --------------------------------------------------- */

int uv_rwlock_init(uv_rwlock_t* rwlock) {
  InitializeSRWLock(&rwlock->lock);
  return 0;
}

void uv_rwlock_destroy(uv_rwlock_t* rwlock) {
  (void) rwlock;  /* SRW locks own no resources */
}

void uv_rwlock_rdlock(uv_rwlock_t* rwlock) {
  AcquireSRWLockShared(&rwlock->lock);
}

int uv_rwlock_tryrdlock(uv_rwlock_t* rwlock) {
  return TryAcquireSRWLockShared(&rwlock->lock) ? 0 : UV_EBUSY;
}

void uv_rwlock_rdunlock(uv_rwlock_t* rwlock) {
  ReleaseSRWLockShared(&rwlock->lock);
}

void uv_rwlock_wrlock(uv_rwlock_t* rwlock) {
  AcquireSRWLockExclusive(&rwlock->lock);
}

int uv_rwlock_trywrlock(uv_rwlock_t* rwlock) {
  return TryAcquireSRWLockExclusive(&rwlock->lock) ? 0 : UV_EBUSY;
}

void uv_rwlock_wrunlock(uv_rwlock_t* rwlock) {
  ReleaseSRWLockExclusive(&rwlock->lock);
}

/* ---- semaphores --------------------------------------------------------- */

int uv_sem_init(uv_sem_t* sem, unsigned int value) {
  HANDLE h;

  if (value > INT_MAX)
    return UV_EINVAL;
  h = CreateSemaphoreW(NULL, (LONG) value, INT_MAX, NULL);
  if (h == NULL)
    return uv__win_last_error();
  *sem = h;
  return 0;
}

void uv_sem_destroy(uv_sem_t* sem) {
  if (!CloseHandle(*sem))
    abort();
}

void uv_sem_post(uv_sem_t* sem) {
  if (!ReleaseSemaphore(*sem, 1, NULL))
    abort();
}

void uv_sem_wait(uv_sem_t* sem) {
  if (WaitForSingleObject(*sem, INFINITE) != WAIT_OBJECT_0)
    abort();
}

int uv_sem_trywait(uv_sem_t* sem) {
  DWORD r;

  r = WaitForSingleObject(*sem, 0);
  if (r == WAIT_OBJECT_0)
    return 0;
  if (r == WAIT_TIMEOUT)
    return UV_EAGAIN;
  abort();
}

/* ---- condition variables ------------------------------------------------ */

int uv_cond_init(uv_cond_t* cond) {
  InitializeConditionVariable(cond);
  return 0;
}

void uv_cond_destroy(uv_cond_t* cond) {
  (void) cond;  /* owns no resources */
}

void uv_cond_signal(uv_cond_t* cond) {
  WakeConditionVariable(cond);
}

void uv_cond_broadcast(uv_cond_t* cond) {
  WakeAllConditionVariable(cond);
}

void uv_cond_wait(uv_cond_t* cond, uv_mutex_t* mutex) {
  if (!SleepConditionVariableCS(cond, mutex, INFINITE))
    abort();
}

int uv_cond_timedwait(uv_cond_t* cond, uv_mutex_t* mutex, uint64_t timeout) {
  uint64_t ms;

  ms = timeout / 1000000u + (timeout % 1000000u != 0);
  /* INFINITE is 0xFFFFFFFF: anything longer waits 49 days at a time,
   * which callers, who loop on their predicate, cannot tell apart. */
  if (ms >= INFINITE)
    ms = INFINITE - 1;
  if (SleepConditionVariableCS(cond, mutex, (DWORD) ms))
    return 0;
  if (GetLastError() == ERROR_TIMEOUT)
    return UV_ETIMEDOUT;
  abort();
}

/* ---- once, thread-local keys -------------------------------------------- */

static BOOL CALLBACK once_trampoline(INIT_ONCE* once, void* param,
                                     void** context) {
  void (*callback)(void);

  (void) once;
  (void) context;
  /* A function pointer cannot travel as void* in ISO C: it comes by
   * address. */
  memcpy(&callback, param, sizeof(callback));
  callback();
  return TRUE;
}

void uv_once(uv_once_t* guard, void (*callback)(void)) {
  if (!InitOnceExecuteOnce(&guard->once, once_trampoline, (void*) &callback,
                           NULL))
    abort();
}

int uv_key_create(uv_key_t* key) {
  key->index = TlsAlloc();
  if (key->index == TLS_OUT_OF_INDEXES)
    return UV_ENOMEM;
  return 0;
}

void uv_key_delete(uv_key_t* key) {
  if (!TlsFree(key->index))
    abort();
  key->index = TLS_OUT_OF_INDEXES;
}

/* TlsGetValue sets the last error even on success; callers between a
 * failing call and GetLastError() must not see that. */
static void* tls_get(DWORD index) {
  DWORD saved;
  void* value;

  saved = GetLastError();
  value = TlsGetValue(index);
  SetLastError(saved);
  return value;
}

void* uv_key_get(uv_key_t* key) {
  return tls_get(key->index);
}

void uv_key_set(uv_key_t* key, void* value) {
  if (!TlsSetValue(key->index, value))
    abort();
}

int uv__thread_atfork_child(void (*child)(void)) {
  (void) child;
  return 0;  /* no fork() */
}

void uv__thread_yield(void) {
  SwitchToThread();
}

/* ---- threads ------------------------------------------------------------ */

struct thread_start {
  uv_thread_cb entry;
  void* arg;
};

static void self_slot_release(void);

static unsigned __stdcall thread_start(void* p) {
  struct thread_start s;

  s = *(struct thread_start*) p;
  uv__free(p);
  s.entry(s.arg);
  self_slot_release();
  return 0;
}

static size_t page_size(void) {
  SYSTEM_INFO si;

  GetSystemInfo(&si);
  return si.dwPageSize;
}

int uv_thread_create_ex(uv_thread_t* tid, const uv_thread_options_t* params,
                        uv_thread_cb entry, void* arg) {
  struct thread_start* s;
  size_t stack_size;
  size_t page;
  uintptr_t h;

  if (tid == NULL || entry == NULL)
    return UV_EINVAL;

  stack_size = 0;  /* the executable's default */
  if (params != NULL) {
    if (params->flags & ~(unsigned int) UV_THREAD_HAS_STACK_SIZE)
      return UV_EINVAL;
    if (params->flags & UV_THREAD_HAS_STACK_SIZE)
      stack_size = params->stack_size;
  }
  if (stack_size != 0) {
    page = page_size();
    if (stack_size > UINT_MAX - page)
      return UV_EINVAL;
    stack_size = (stack_size + page - 1) / page * page;
  }

  s = uv__malloc(sizeof(*s));
  if (s == NULL)
    return UV_ENOMEM;
  s->entry = entry;
  s->arg = arg;

  h = _beginthreadex(NULL, (unsigned) stack_size, thread_start, s,
                     STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
  if (h == 0) {
    uv__free(s);
    /* _beginthreadex reports through errno, CreateThread's error is in
     * GetLastError(). */
    return GetLastError() != 0 ? uv__win_last_error() : UV_EAGAIN;
  }
  *tid = (HANDLE) h;
  return 0;
}

int uv_thread_create(uv_thread_t* tid, uv_thread_cb entry, void* arg) {
  return uv_thread_create_ex(tid, NULL, entry, arg);
}

int uv_thread_join(uv_thread_t* tid) {
  if (tid == NULL || *tid == NULL)
    return UV_EINVAL;
  if (GetThreadId(*tid) == GetCurrentThreadId())
    return UV_EINVAL;  /* would wait for itself forever */
  if (WaitForSingleObject(*tid, INFINITE) != WAIT_OBJECT_0)
    return uv__win_last_error();
  CloseHandle(*tid);
  *tid = NULL;
  return 0;
}

int uv_thread_detach(uv_thread_t* tid) {
  if (tid == NULL || *tid == NULL)
    return UV_EINVAL;
  if (!CloseHandle(*tid))
    return uv__win_last_error();
  *tid = NULL;
  return 0;
}

/* The calling thread's own handle, see the top of the file. */
static DWORD self_slot = TLS_OUT_OF_INDEXES;
static uv_once_t self_slot_once = UV_ONCE_INIT;

static void self_slot_init(void) {
  self_slot = TlsAlloc();
}

static void self_slot_release(void) {
  HANDLE h;

  if (self_slot == TLS_OUT_OF_INDEXES)
    return;  /* nobody ever asked */
  h = tls_get(self_slot);
  if (h == NULL)
    return;
  TlsSetValue(self_slot, NULL);
  CloseHandle(h);
}

uv_thread_t uv_thread_self(void) {
  HANDLE h;

  uv_once(&self_slot_once, self_slot_init);
  if (self_slot == TLS_OUT_OF_INDEXES)
    abort();  /* all 1088 slots of the process taken */
  h = tls_get(self_slot);
  if (h != NULL)
    return h;
  if (!DuplicateHandle(GetCurrentProcess(), GetCurrentThread(),
                       GetCurrentProcess(), &h, 0, FALSE,
                       DUPLICATE_SAME_ACCESS))
    abort();  /* only without memory for one handle */
  if (!TlsSetValue(self_slot, h))
    abort();
  return h;
}

int uv_thread_equal(const uv_thread_t* t1, const uv_thread_t* t2) {
  DWORD id1;

  if (t1 == NULL || t2 == NULL)
    return 0;
  if (*t1 == *t2)
    return 1;
  id1 = GetThreadId(*t1);
  return id1 != 0 && id1 == GetThreadId(*t2);
}

/* ---- affinity ----------------------------------------------------------- */

/* One processor group: an affinity mask is one DWORD_PTR. */
int uv_cpumask_size(void) {
  return (int) (sizeof(DWORD_PTR) * 8);
}

int uv_thread_getaffinity(uv_thread_t* tid, char* cpumask, size_t mask_size) {
  DWORD_PTR procmask;
  DWORD_PTR sysmask;
  DWORD_PTR mask;
  int i;

  if (tid == NULL || cpumask == NULL ||
      mask_size < (size_t) uv_cpumask_size())
    return UV_EINVAL;
  if (!GetProcessAffinityMask(GetCurrentProcess(), &procmask, &sysmask))
    return uv__win_last_error();
  /* Windows can set a thread's mask but not read it: setting returns the
   * previous one, which is put straight back. */
  mask = SetThreadAffinityMask(*tid, procmask);
  if (mask == 0)
    return uv__win_last_error();
  SetThreadAffinityMask(*tid, mask);
  memset(cpumask, 0, mask_size);
  for (i = 0; i < uv_cpumask_size(); i++)
    cpumask[i] = (char) ((mask >> i) & 1);
  return 0;
}

int uv_thread_setaffinity(uv_thread_t* tid, char* cpumask, char* oldmask,
                          size_t mask_size) {
  DWORD_PTR procmask;
  DWORD_PTR sysmask;
  DWORD_PTR mask;
  DWORD_PTR old;
  int i;

  if (tid == NULL || cpumask == NULL ||
      mask_size < (size_t) uv_cpumask_size())
    return UV_EINVAL;
  if (!GetProcessAffinityMask(GetCurrentProcess(), &procmask, &sysmask))
    return uv__win_last_error();
  mask = 0;
  for (i = 0; i < uv_cpumask_size(); i++)
    if (cpumask[i])
      mask |= (DWORD_PTR) 1 << i;
  mask &= procmask;
  if (mask == 0)
    return UV_EINVAL;  /* no CPU the process may use */
  old = SetThreadAffinityMask(*tid, mask);
  if (old == 0)
    return uv__win_last_error();
  if (oldmask != NULL) {
    memset(oldmask, 0, mask_size);
    for (i = 0; i < uv_cpumask_size(); i++)
      oldmask[i] = (char) ((old >> i) & 1);
  }
  return 0;
}

int uv_thread_getcpu(void) {
  return (int) GetCurrentProcessorNumber();
}

unsigned int uv_available_parallelism(void) {
  DWORD_PTR procmask;
  DWORD_PTR sysmask;
  SYSTEM_INFO si;
  unsigned int n;

  n = 0;
  if (GetProcessAffinityMask(GetCurrentProcess(), &procmask, &sysmask))
    for (; procmask != 0; procmask &= procmask - 1)
      n++;
  if (n == 0) {
    GetSystemInfo(&si);
    n = si.dwNumberOfProcessors;
  }
  return n > 0 ? n : 1;
}

/* ---- priority ----------------------------------------------------------- */

/* The five levels are Windows' own THREAD_PRIORITY_LOWEST (-2) to
 * THREAD_PRIORITY_HIGHEST (2), so values pass through unchanged. */
int uv_thread_setpriority(uv_thread_t tid, int priority) {
  if (priority < UV_THREAD_PRIORITY_LOWEST ||
      priority > UV_THREAD_PRIORITY_HIGHEST)
    return UV_EINVAL;
  if (!SetThreadPriority(tid, priority))
    return uv__win_last_error();
  return 0;
}

int uv_thread_getpriority(uv_thread_t tid, int* priority) {
  int p;

  if (priority == NULL)
    return UV_EINVAL;
  p = GetThreadPriority(tid);
  if (p == THREAD_PRIORITY_ERROR_RETURN)
    return uv__win_last_error();
  *priority = p;
  return 0;
}

/* ---- names -------------------------------------------------------------- */

typedef HRESULT (WINAPI* set_description_fn)(HANDLE, PCWSTR);
typedef HRESULT (WINAPI* get_description_fn)(HANDLE, PWSTR*);

static set_description_fn set_description;
static get_description_fn get_description;
static uv_once_t description_once = UV_ONCE_INIT;

static void description_init(void) {
  HMODULE k32;
  FARPROC p;

  k32 = GetModuleHandleW(L"kernel32.dll");
  if (k32 == NULL)
    return;
  /* Through memcpy: ISO C has no conversion between function pointer
   * types with different signatures that compilers do not warn about. */
  p = GetProcAddress(k32, "SetThreadDescription");
  if (p != NULL)
    memcpy(&set_description, &p, sizeof(p));
  p = GetProcAddress(k32, "GetThreadDescription");
  if (p != NULL)
    memcpy(&get_description, &p, sizeof(p));
}

int uv_thread_setname(const char* name) {
  WCHAR* wname;
  HRESULT hr;
  int err;

  if (name == NULL)
    return UV_EINVAL;
  uv_once(&description_once, description_init);
  if (set_description == NULL)
    return UV_ENOSYS;
  err = uv__wide_from_utf8(name, &wname);
  if (err)
    return err;
  hr = set_description(GetCurrentThread(), wname);
  uv__free(wname);
  if (FAILED(hr))
    return uv_translate_sys_error((int) HRESULT_CODE(hr));
  return 0;
}

int uv_thread_getname(uv_thread_t* tid, char* name, size_t size) {
  WCHAR* wname;
  HRESULT hr;
  size_t len;
  char* utf8;
  int err;

  if (tid == NULL || name == NULL || size == 0)
    return UV_EINVAL;
  uv_once(&description_once, description_init);
  if (get_description == NULL)
    return UV_ENOSYS;
  hr = get_description(*tid, &wname);
  if (FAILED(hr))
    return uv_translate_sys_error((int) HRESULT_CODE(hr));
  err = uv__utf8_from_wide(wname, -1, &utf8, &len);
  LocalFree(wname);
  if (err)
    return err;
  if (len >= size)
    len = size - 1;
  memcpy(name, utf8, len);
  name[len] = '\0';
  uv__free(utf8);
  return 0;
}
