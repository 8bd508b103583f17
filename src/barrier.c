/* uvcore — barriers, built on the library's own mutex and condition
 * variable, so every platform shares them: pthread barriers are optional
 * in POSIX (macOS lacks them), and neither they nor Windows'
 * synchronization barriers tell the last thread out that it may destroy
 * the barrier.
 */
#include "internal.h"

#include <stdlib.h>

/* A round: `in` counts arrivals; the last arrival moves the count to `out`
 * and wakes everybody; each thread leaving decrements `out`, and the one
 * that brings it to 0 is the single thread told ">0" — it knows nobody is
 * still inside, so it may destroy the barrier.  A thread arriving for the
 * next round while the previous one is still draining waits for out == 0,
 * which is what makes the barrier reusable. */
int uv_barrier_init(uv_barrier_t* barrier, unsigned int count) {
  int err;

  if (barrier == NULL || count == 0)
    return UV_EINVAL;
  err = uv_mutex_init(&barrier->mutex);
  if (err)
    return err;
  err = uv_cond_init(&barrier->cond);
  if (err) {
    uv_mutex_destroy(&barrier->mutex);
    return err;
  }
  barrier->threshold = count;
  barrier->in = 0;
  barrier->out = 0;
  return 0;
}

int uv_barrier_wait(uv_barrier_t* barrier) {
  int last;

  uv_mutex_lock(&barrier->mutex);
  while (barrier->out != 0)
    uv_cond_wait(&barrier->cond, &barrier->mutex);

  if (++barrier->in == barrier->threshold) {
    barrier->in = 0;
    barrier->out = barrier->threshold;
    uv_cond_broadcast(&barrier->cond);
  } else {
    /* `in` returns to 0 only when this round is released. */
    do
      uv_cond_wait(&barrier->cond, &barrier->mutex);
    while (barrier->in != 0);
  }

  last = --barrier->out == 0;
  if (last)
    uv_cond_broadcast(&barrier->cond);  /* next round, or a destroyer */
  uv_mutex_unlock(&barrier->mutex);
  return last;
}

void uv_barrier_destroy(uv_barrier_t* barrier) {
  uv_mutex_lock(&barrier->mutex);
  /* Threads still waiting for the round to fill would never wake. */
  if (barrier->in != 0)
    abort();
  while (barrier->out != 0)
    uv_cond_wait(&barrier->cond, &barrier->mutex);
  uv_mutex_unlock(&barrier->mutex);
  uv_cond_destroy(&barrier->cond);
  uv_mutex_destroy(&barrier->mutex);
}
