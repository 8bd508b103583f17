/* uvcore — processors, load and uptime on Windows (uv_cpu_info,
 * uv_free_cpu_info, uv_loadavg, uv_uptime).
 *
 * Traps:
 * - Per-processor times exist only in NtQuerySystemInformation's
 *   SystemProcessorPerformanceInformation (found in ntdll at run time), in
 *   100 ns units; its kernel time includes the idle time, which libuv
 *   reports separately, so idle is subtracted from sys.  irq is the time
 *   spent in interrupts and deferred procedure calls.  Windows has no nice.
 * - The model name and speed are only in the registry, one key per
 *   processor under HARDWARE\DESCRIPTION\System\CentralProcessor.
 * - Windows has no load average: uv_loadavg gives zeros, as libuv.
 * - Only the processors of the calling thread's group are listed on
 *   machines with more than 64 (as dwNumberOfProcessors counts them).
 */
#include "os.h"

#include <stdio.h>
#include <string.h>

/* SystemProcessorPerformanceInformation, one per processor. */
typedef struct {
  LARGE_INTEGER idle_time;
  LARGE_INTEGER kernel_time;
  LARGE_INTEGER user_time;
  LARGE_INTEGER dpc_time;
  LARGE_INTEGER interrupt_time;
  ULONG interrupt_count;
} uv__processor_times_t;

typedef LONG (NTAPI *uv__nt_query_system_t)(int klass, void* info, ULONG len,
                                            ULONG* retlen);

#define UV__SYSTEM_PROCESSOR_PERFORMANCE_INFORMATION 8

static int processor_times(uv__processor_times_t* times, DWORD n) {
  uv__nt_query_system_t query;
  HMODULE ntdll;
  FARPROC p;
  ULONG got;

  ntdll = GetModuleHandleW(L"ntdll.dll");
  p = ntdll != NULL ? GetProcAddress(ntdll, "NtQuerySystemInformation")
                    : NULL;
  if (p == NULL)
    return UV_ENOSYS;
  query = (uv__nt_query_system_t) (void (*)(void)) p;
  got = 0;
  if (query(UV__SYSTEM_PROCESSOR_PERFORMANCE_INFORMATION, times,
            (ULONG) (n * sizeof(*times)), &got) < 0)
    return UV_EIO;
  if (got < n * sizeof(*times))
    return UV_EIO;
  return 0;
}

/* Model (newly allocated UTF-8) and speed in MHz of processor i. */
static int processor_model(DWORD i, char** model, int* mhz) {
  WCHAR key[80];
  WCHAR name[256];
  DWORD bytes;
  DWORD speed;
  HKEY h;
  int r;

  *model = NULL;
  *mhz = 0;
  _snwprintf(key, UV__ARRAY_SIZE(key),
             L"HARDWARE\\DESCRIPTION\\System\\CentralProcessor\\%lu",
             (unsigned long) i);
  key[UV__ARRAY_SIZE(key) - 1] = L'\0';
  name[0] = L'\0';
  if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, key, 0, KEY_QUERY_VALUE, &h) ==
      ERROR_SUCCESS) {
    bytes = sizeof(name);
    if (RegGetValueW(h, NULL, L"ProcessorNameString", RRF_RT_REG_SZ, NULL,
                     name, &bytes) != ERROR_SUCCESS)
      name[0] = L'\0';
    bytes = sizeof(speed);
    if (RegGetValueW(h, NULL, L"~MHz", RRF_RT_REG_DWORD, NULL, &speed,
                     &bytes) == ERROR_SUCCESS && speed <= INT_MAX)
      *mhz = (int) speed;
    RegCloseKey(h);
  }
  /* Never an empty model: callers print it. */
  r = uv__utf8_from_wide(name[0] != L'\0' ? name : L"unknown", -1, model,
                         NULL);
  return r;
}

int uv_cpu_info(uv_cpu_info_t** cpu_infos, int* count) {
  uv__processor_times_t* times;
  uv_cpu_info_t* out;
  SYSTEM_INFO si;
  DWORD n;
  DWORD i;
  int r;

  if (cpu_infos == NULL || count == NULL)
    return UV_EINVAL;
  *cpu_infos = NULL;
  *count = 0;

  GetSystemInfo(&si);
  n = si.dwNumberOfProcessors;
  if (n == 0)
    return UV_EIO;
  times = uv__calloc(n, sizeof(*times));
  out = uv__calloc(n, sizeof(*out));
  if (times == NULL || out == NULL) {
    uv__free(times);
    uv__free(out);
    return UV_ENOMEM;
  }
  r = processor_times(times, n);
  if (r != 0) {
    uv__free(times);
    uv__free(out);
    return r;
  }

  for (i = 0; i < n; i++) {
    r = processor_model(i, (char**) &out[i].model, &out[i].speed);
    if (r != 0) {
      uv_free_cpu_info(out, (int) i);
      uv__free(times);
      return r;
    }
    /* 100 ns units to milliseconds. */
    out[i].cpu_times.user = (uint64_t) times[i].user_time.QuadPart / 10000;
    out[i].cpu_times.sys = (uint64_t) (times[i].kernel_time.QuadPart -
                                       times[i].idle_time.QuadPart) / 10000;
    out[i].cpu_times.idle = (uint64_t) times[i].idle_time.QuadPart / 10000;
    out[i].cpu_times.irq = (uint64_t) (times[i].dpc_time.QuadPart +
                                       times[i].interrupt_time.QuadPart) /
                           10000;
    out[i].cpu_times.nice = 0;
  }
  uv__free(times);
  *cpu_infos = out;
  *count = (int) n;
  return 0;
}

void uv_loadavg(double avg[3]) {
  if (avg == NULL)
    return;
  avg[0] = avg[1] = avg[2] = 0;
}

int uv_uptime(double* uptime) {
  if (uptime == NULL)
    return UV_EINVAL;
  /* Milliseconds since boot, sleep included, 10-16 ms resolution. */
  *uptime = (double) GetTickCount64() / 1000.0;
  return 0;
}
