/* uvcore — threads and synchronisation primitives on POSIX.
 *
 * Lock operations that can only fail through misuse (unlocking a mutex
 * not held, destroying a locked one) abort: they return void in the API,
 * and continuing would corrupt whatever the lock protects.
 */
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>

int uv_mutex_init(uv_mutex_t* mutex) {
#if defined(NDEBUG)
  return -pthread_mutex_init(mutex, NULL);
#else
  pthread_mutexattr_t attr;
  int err;

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

int uv_mutex_trylock(uv_mutex_t* mutex) {
  int err;

  err = pthread_mutex_trylock(mutex);
  if (err == 0)
    return 0;
  if (err != EBUSY && err != EAGAIN)
    abort();
  return UV_EBUSY;
}

void uv_mutex_unlock(uv_mutex_t* mutex) {
  if (pthread_mutex_unlock(mutex))
    abort();
}
