/* uvcore — clocks and sleeping on Unix. */
#include "internal.h"

#include <time.h>
#include <sys/time.h>

/* The loop's cached time only needs millisecond precision; the coarse
 * clock is cheaper where its resolution is good enough (1 ms or better). */
static clockid_t fast_clock_id(void) {
#if defined(CLOCK_MONOTONIC_COARSE)
  static int state;  /* 0 unknown, 1 coarse usable, 2 not usable */
  struct timespec res;
  int s;

  s = __atomic_load_n(&state, __ATOMIC_RELAXED);
  if (s == 0) {
    s = 2;
    if (clock_getres(CLOCK_MONOTONIC_COARSE, &res) == 0 &&
        res.tv_sec == 0 && res.tv_nsec <= 1000000)
      s = 1;
    __atomic_store_n(&state, s, __ATOMIC_RELAXED);
  }
  if (s == 1)
    return CLOCK_MONOTONIC_COARSE;
#endif
  return CLOCK_MONOTONIC;
}

uint64_t uv__hrtime_ns(int coarse) {
  struct timespec t;

  if (clock_gettime(coarse ? fast_clock_id() : CLOCK_MONOTONIC, &t))
    return 0;
  return (uint64_t) t.tv_sec * 1000000000u + (uint64_t) t.tv_nsec;
}

uint64_t uv_hrtime(void) {
  return uv__hrtime_ns(0);
}

int uv_clock_gettime(uv_clock_id clock_id, uv_timespec64_t* ts) {
  struct timespec t;
  clockid_t id;

  if (ts == NULL)
    return UV_EFAULT;
  switch (clock_id) {
    case UV_CLOCK_MONOTONIC:
      id = CLOCK_MONOTONIC;
      break;
    case UV_CLOCK_REALTIME:
      id = CLOCK_REALTIME;
      break;
    default:
      return UV_EINVAL;
  }
  if (clock_gettime(id, &t))
    return uv__err();
  ts->tv_sec = t.tv_sec;
  ts->tv_nsec = (int32_t) t.tv_nsec;
  return 0;
}

int uv_gettimeofday(uv_timeval64_t* tv) {
  struct timeval t;

  if (tv == NULL)
    return UV_EINVAL;
  if (gettimeofday(&t, NULL))
    return uv__err();
  tv->tv_sec = (int64_t) t.tv_sec;
  tv->tv_usec = (int32_t) t.tv_usec;
  return 0;
}

void uv_sleep(unsigned int msec) {
  struct timespec req;
  struct timespec rem;

  req.tv_sec = msec / 1000;
  req.tv_nsec = (long) (msec % 1000) * 1000000;
  while (nanosleep(&req, &rem) == -1 && errno == EINTR)
    req = rem;
}
