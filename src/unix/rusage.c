/* uvcore — uv_getrusage and uv_getrusage_thread: getrusage(2) copied into
 * libuv's fixed-width uv_rusage_t.
 *
 * Units are getrusage's: times as seconds + microseconds, ru_maxrss in
 * kilobytes on Linux and the BSDs (macOS reports bytes; a macOS port must
 * divide, as libuv does).  Linux leaves ixrss, idrss, isrss, nswap,
 * msgsnd, msgrcv and nsignals at 0.
 *
 * The per-thread figures need RUSAGE_THREAD (Linux 2.6.26, FreeBSD 8.1,
 * OpenBSD); elsewhere uv_getrusage_thread reports UV_ENOTSUP.
 */
#include "internal.h"

#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>

static int fill(int who, uv_rusage_t* out) {
  struct rusage ru;

  if (out == NULL)
    return UV_EINVAL;
  if (getrusage(who, &ru) != 0)
    return uv__err();

  memset(out, 0, sizeof(*out));
  out->ru_utime.tv_sec = (long) ru.ru_utime.tv_sec;
  out->ru_utime.tv_usec = (long) ru.ru_utime.tv_usec;
  out->ru_stime.tv_sec = (long) ru.ru_stime.tv_sec;
  out->ru_stime.tv_usec = (long) ru.ru_stime.tv_usec;
  out->ru_maxrss = (uint64_t) ru.ru_maxrss;
  out->ru_ixrss = (uint64_t) ru.ru_ixrss;
  out->ru_idrss = (uint64_t) ru.ru_idrss;
  out->ru_isrss = (uint64_t) ru.ru_isrss;
  out->ru_minflt = (uint64_t) ru.ru_minflt;
  out->ru_majflt = (uint64_t) ru.ru_majflt;
  out->ru_nswap = (uint64_t) ru.ru_nswap;
  out->ru_inblock = (uint64_t) ru.ru_inblock;
  out->ru_oublock = (uint64_t) ru.ru_oublock;
  out->ru_msgsnd = (uint64_t) ru.ru_msgsnd;
  out->ru_msgrcv = (uint64_t) ru.ru_msgrcv;
  out->ru_nsignals = (uint64_t) ru.ru_nsignals;
  out->ru_nvcsw = (uint64_t) ru.ru_nvcsw;
  out->ru_nivcsw = (uint64_t) ru.ru_nivcsw;
  return 0;
}

int uv_getrusage(uv_rusage_t* rusage) {
  return fill(RUSAGE_SELF, rusage);
}

int uv_getrusage_thread(uv_rusage_t* rusage) {
#if defined(RUSAGE_THREAD)
  return fill(RUSAGE_THREAD, rusage);
#else
  if (rusage == NULL)
    return UV_EINVAL;
  return UV_ENOTSUP;
#endif
}
