/* uvcore — memory figures on Windows (uv_get_free_memory,
 * uv_get_total_memory, uv_get_constrained_memory, uv_get_available_memory,
 * uv_resident_set_memory).
 *
 * Physical memory from GlobalMemoryStatusEx; the process's resident set is
 * its working set (GetProcessMemoryInfo, the K32 entry point in kernel32,
 * so psapi.dll is not needed).  A job object's memory limit is not looked
 * at: constrained memory is 0 ("unknown") and available memory is the free
 * memory, as in libuv.
 */
#include "os.h"

#include <psapi.h>

static int memory_status(MEMORYSTATUSEX* ms) {
  ms->dwLength = sizeof(*ms);
  return GlobalMemoryStatusEx(ms) ? 0 : -1;
}

uint64_t uv_get_free_memory(void) {
  MEMORYSTATUSEX ms;

  if (memory_status(&ms) != 0)
    return 0;
  return (uint64_t) ms.ullAvailPhys;
}

uint64_t uv_get_total_memory(void) {
  MEMORYSTATUSEX ms;

  if (memory_status(&ms) != 0)
    return 0;
  return (uint64_t) ms.ullTotalPhys;
}

uint64_t uv_get_constrained_memory(void) {
  return 0;
}

uint64_t uv_get_available_memory(void) {
  return uv_get_free_memory();
}

int uv_resident_set_memory(size_t* rss) {
  PROCESS_MEMORY_COUNTERS pmc;

  if (rss == NULL)
    return UV_EINVAL;
  if (!K32GetProcessMemoryInfo(GetCurrentProcess(), &pmc, sizeof(pmc)))
    return uv_translate_sys_error((int) GetLastError());
  *rss = pmc.WorkingSetSize;
  return 0;
}
