/* uvcore — clocks and sleeping on Windows.
 *
 * The monotonic clock is QueryPerformanceCounter, the wall clock
 * GetSystemTimePreciseAsFileTime (100 ns units since 1601).
 *
 * Windows traps handled here:
 * - Counter ticks to nanoseconds overflows 64 bits if multiplied first
 *   (a 10 MHz counter passes 2^64 / 10^9 after 21 days of uptime), so
 *   whole seconds and the remainder are converted separately.
 * - Sleep() rounds up to the scheduler tick; uv_sleep() of a few ms asks
 *   for 1 ms timer resolution for its duration.
 */
#include "internal.h"

/* Seconds between 1601-01-01 and 1970-01-01. */
#define UV__EPOCH_DIFF_S 11644473600LL

/* The counter's frequency is fixed at boot; reading it is cheap, caching
 * it saves a call per clock read.  A racing first read stores the same
 * value twice. */
static LONGLONG qpc_frequency(void) {
  static volatile LONGLONG freq;
  LARGE_INTEGER f;
  LONGLONG v;

  v = freq;
  if (v != 0)
    return v;
  if (!QueryPerformanceFrequency(&f) || f.QuadPart <= 0)
    abort();  /* cannot fail since Windows XP */
  freq = f.QuadPart;
  return f.QuadPart;
}

static uint64_t qpc_ns(void) {
  LARGE_INTEGER c;
  uint64_t freq;
  uint64_t t;

  QueryPerformanceCounter(&c);
  freq = (uint64_t) qpc_frequency();
  t = (uint64_t) c.QuadPart;
  return t / freq * 1000000000u + t % freq * 1000000000u / freq;
}

uint64_t uv__hrtime_ns(int coarse) {
  (void) coarse;  /* the counter is cheap; the tick count is too coarse */
  return qpc_ns();
}

uint64_t uv__hrtime_ms(void) {
  return qpc_ns() / 1000000u;
}

uint64_t uv_hrtime(void) {
  return qpc_ns();
}

/* 100 ns units since 1970, possibly negative for a clock set before it. */
static int64_t realtime_100ns(void) {
  FILETIME ft;
  ULARGE_INTEGER u;

  GetSystemTimePreciseAsFileTime(&ft);
  u.LowPart = ft.dwLowDateTime;
  u.HighPart = ft.dwHighDateTime;
  return (int64_t) u.QuadPart - UV__EPOCH_DIFF_S * 10000000LL;
}

/* Floor division, so that times before 1970 get a non-negative fraction. */
static void split_100ns(int64_t t, int64_t* sec, int32_t* frac100ns) {
  int64_t s;
  int64_t r;

  s = t / 10000000;
  r = t % 10000000;
  if (r < 0) {
    r += 10000000;
    s -= 1;
  }
  *sec = s;
  *frac100ns = (int32_t) r;
}

int uv_clock_gettime(uv_clock_id clock_id, uv_timespec64_t* ts) {
  uint64_t ns;
  int32_t frac;

  if (ts == NULL)
    return UV_EFAULT;
  switch (clock_id) {
    case UV_CLOCK_MONOTONIC:
      ns = qpc_ns();
      ts->tv_sec = (int64_t) (ns / 1000000000u);
      ts->tv_nsec = (int32_t) (ns % 1000000000u);
      return 0;
    case UV_CLOCK_REALTIME:
      split_100ns(realtime_100ns(), &ts->tv_sec, &frac);
      ts->tv_nsec = frac * 100;
      return 0;
    default:
      return UV_EINVAL;
  }
}

int uv_gettimeofday(uv_timeval64_t* tv) {
  int32_t frac;

  if (tv == NULL)
    return UV_EINVAL;
  split_100ns(realtime_100ns(), &tv->tv_sec, &frac);
  tv->tv_usec = frac / 10;
  return 0;
}

void uv_sleep(unsigned int msec) {
  int raised;

  raised = uv__timer_res_raise(msec > INT_MAX ? INT_MAX : (int) msec);
  Sleep(msec);
  uv__timer_res_restore(raised);
}
