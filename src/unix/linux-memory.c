/* uvcore — memory figures on Linux: the system's total and available
 * memory, the limits of the process's cgroups, and its resident set.
 *
 * Traps:
 * - "Free" memory in the sense users mean is MemAvailable (free pages plus
 *   what the kernel can reclaim without swapping), not MemFree, which is
 *   near zero on any machine that has run for a while because of the page
 *   cache.  libuv reports MemAvailable too.  Kernels before 3.14 lack the
 *   line; we fall back to sysinfo()'s freeram.
 * - /proc may be missing (early boot, some sandboxes): sysinfo(2) needs
 *   no file system.  Its counts are in units of mem_unit bytes.
 * - /proc/self/statm counts pages, not bytes or kB.
 */
#include "internal.h"
#include "linux-sysinfo.h"

#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>

/* Reads one "<key> <n> kB" line of /proc/meminfo, in bytes; 0 if absent. */
static uint64_t meminfo_bytes(const char* key) {
  /* The wanted lines are among the first few; a cut-off tail is fine. */
  char buf[4096];
  uint64_t kib;

  if (uv__sysfile_read("/proc/meminfo", buf, sizeof(buf)) < 0)
    return 0;
  if (uv__sysfile_find_u64(buf, key, &kib) != 0)
    return 0;
  if (kib > UINT64_MAX / 1024)
    return UINT64_MAX;
  return kib * 1024;
}

uint64_t uv_get_free_memory(void) {
  struct sysinfo info;
  uint64_t n;

  n = meminfo_bytes("MemAvailable:");
  if (n != 0)
    return n;
  if (sysinfo(&info) != 0)
    return 0;
  return (uint64_t) info.freeram * info.mem_unit;
}

uint64_t uv_get_total_memory(void) {
  struct sysinfo info;
  uint64_t n;

  n = meminfo_bytes("MemTotal:");
  if (n != 0)
    return n;
  if (sysinfo(&info) != 0)
    return 0;
  return (uint64_t) info.totalram * info.mem_unit;
}

/* 0 when no cgroup memory controller applies (unknown), UINT64_MAX when
 * one does but sets no limit, as libuv documents; else the lowest limit
 * from the process's cgroup up to the root. */
uint64_t uv_get_constrained_memory(void) {
  struct uv__cgroup_memory mem;

  if (uv__cgroup_self_memory_limits(&mem) != 0)
    return 0;
  return mem.limit;
}

/* What the process can still allocate: the system's available memory,
 * lowered to the headroom under the tightest cgroup limit. */
uint64_t uv_get_available_memory(void) {
  struct uv__cgroup_memory mem;
  uint64_t avail;

  avail = uv_get_free_memory();
  if (uv__cgroup_self_memory_limits(&mem) == 0 && mem.headroom < avail)
    avail = mem.headroom;
  return avail;
}

int uv_resident_set_memory(size_t* rss) {
  char buf[256];
  unsigned long long pages;
  const char* p;
  char* end;
  long page;
  ssize_t n;

  if (rss == NULL)
    return UV_EINVAL;
  /* statm: "size resident shared text lib data dt", in pages. */
  n = uv__sysfile_read("/proc/self/statm", buf, sizeof(buf));
  if (n < 0)
    return (int) n;
  p = strchr(buf, ' ');
  if (p == NULL)
    return UV_EINVAL;
  pages = strtoull(p + 1, &end, 10);
  if (end == p + 1)
    return UV_EINVAL;
  page = sysconf(_SC_PAGESIZE);
  if (page <= 0)
    return UV_EINVAL;
  *rss = (size_t) (pages * (unsigned long long) page);
  return 0;
}
