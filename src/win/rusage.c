/* uvcore — uv_getrusage and uv_getrusage_thread on Windows.
 *
 * Windows has no getrusage(): the figures libuv reports come from
 * GetProcessTimes (user and kernel time), GetProcessMemoryInfo (peak
 * working set as ru_maxrss in kilobytes, page faults as ru_majflt: Windows
 * does not tell hard from soft faults) and GetProcessIoCounters (read and
 * write operations as ru_inblock/ru_oublock).  Everything else is 0.  The
 * thread variant has only times (GetThreadTimes).
 */
#include "os.h"

#include <psapi.h>
#include <string.h>

/* A FILETIME duration (100 ns units) as seconds + microseconds. */
static void to_timeval(const FILETIME* ft, uv_timeval_t* tv) {
  uint64_t us;

  us = (((uint64_t) ft->dwHighDateTime << 32) | ft->dwLowDateTime) / 10;
  tv->tv_sec = (long) (us / 1000000);
  tv->tv_usec = (long) (us % 1000000);
}

int uv_getrusage(uv_rusage_t* rusage) {
  PROCESS_MEMORY_COUNTERS pmc;
  IO_COUNTERS io;
  FILETIME created;
  FILETIME exited;
  FILETIME kernel;
  FILETIME user;
  HANDLE self;

  if (rusage == NULL)
    return UV_EINVAL;
  self = GetCurrentProcess();
  if (!GetProcessTimes(self, &created, &exited, &kernel, &user) ||
      !K32GetProcessMemoryInfo(self, &pmc, sizeof(pmc)) ||
      !GetProcessIoCounters(self, &io))
    return uv_translate_sys_error((int) GetLastError());

  memset(rusage, 0, sizeof(*rusage));
  to_timeval(&user, &rusage->ru_utime);
  to_timeval(&kernel, &rusage->ru_stime);
  rusage->ru_maxrss = (uint64_t) pmc.PeakWorkingSetSize / 1024;
  rusage->ru_majflt = (uint64_t) pmc.PageFaultCount;
  rusage->ru_inblock = (uint64_t) io.ReadOperationCount;
  rusage->ru_oublock = (uint64_t) io.WriteOperationCount;
  return 0;
}

int uv_getrusage_thread(uv_rusage_t* rusage) {
  FILETIME created;
  FILETIME exited;
  FILETIME kernel;
  FILETIME user;

  if (rusage == NULL)
    return UV_EINVAL;
  if (!GetThreadTimes(GetCurrentThread(), &created, &exited, &kernel, &user))
    return uv_translate_sys_error((int) GetLastError());
  memset(rusage, 0, sizeof(*rusage));
  to_timeval(&user, &rusage->ru_utime);
  to_timeval(&kernel, &rusage->ru_stime);
  return 0;
}
