/* uvcore — internal declarations of the Linux system-information files:
 * reading /proc and /sys (linux-procfs.c) and walking the cgroup
 * hierarchy (linux-cgroup.c).  The cgroup parsers take the mount point and
 * the text of /proc/self/cgroup as arguments so that tests can point them
 * at a fake tree. */
#ifndef UV_SRC_UNIX_LINUX_SYSINFO_H
#define UV_SRC_UNIX_LINUX_SYSINFO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* ---- /proc and /sys files (linux-procfs.c) ------------------------------ */

/* Reads a small file whole into buf, NUL-terminated: at most size - 1
 * bytes (the rest is silently cut).  Returns the length, or a negative
 * UV_E* code (UV_ENOENT for a missing file). */
ssize_t uv__sysfile_read(const char* path, char* buf, size_t size);

/* Reads a file of any size whole into a NUL-terminated buffer from
 * uv__malloc(), which the caller frees. */
int uv__sysfile_read_all(const char* path, char** data, size_t* len);

/* Finds the line "<key> <number>" (key including its ':', e.g.
 * "MemTotal:") in text and parses the number.  0 or UV_ENOENT. */
int uv__sysfile_find_u64(const char* text, const char* key, uint64_t* value);

/* ---- CPUs (linux-cpu.c) ------------------------------------------------- */

/* uv_cpu_info's work on given texts of /proc/stat and /proc/cpuinfo (which
 * it cuts up in place; NULL if unreadable) and a directory standing for
 * /sys/devices/system/cpu. */
struct uv_cpu_info_s;
int uv__cpu_info_parse(const char* stat, char* cpuinfo, const char* sysfs,
                       struct uv_cpu_info_s** cpu_infos, int* count);

/* ---- cgroups (linux-cgroup.c) ------------------------------------------- */

#define UV__CGROUP_ROOT "/sys/fs/cgroup"

struct uv__cgroup_memory {
  /* Lowest limit (hard or soft/high) on the path from the process's
   * cgroup to the root; UINT64_MAX when no level sets one. */
  uint64_t limit;
  /* Lowest (limit - usage) over the levels that set a limit; UINT64_MAX
   * when no level does. */
  uint64_t headroom;
};

/* Memory limits of the cgroup whose membership `self` (the text of
 * /proc/self/cgroup) describes, with the hierarchies mounted under root.
 * cgroup v1's memory controller wins over v2 on hybrid systems, where v2
 * carries no memory controller.  0, or UV_ENOENT when no level has a
 * memory controller's files (no cgroups, or the root cgroup of v2). */
int uv__cgroup_memory_limits(const char* root, const char* self,
                             struct uv__cgroup_memory* out);

/* Whole CPUs the lowest CPU quota on the path allows (rounded down, at
 * least 1), or 0 when no level sets a quota. */
unsigned int uv__cgroup_cpu_quota(const char* root, const char* self);

/* The two above for the calling process (/proc/self/cgroup under
 * UV__CGROUP_ROOT). */
int uv__cgroup_self_memory_limits(struct uv__cgroup_memory* out);
unsigned int uv__cgroup_self_cpu_quota(void);

#endif /* UV_SRC_UNIX_LINUX_SYSINFO_H */
