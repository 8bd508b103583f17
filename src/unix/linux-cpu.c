/* uvcore — processors and system time on Linux: uv_cpu_info (model, speed
 * and time spent per CPU), uv_loadavg and uv_uptime.
 *
 * Traps:
 * - /proc/stat has one "cpuN" line per *online* CPU, and N can have gaps
 *   (offline CPUs); /proc/cpuinfo has one block per online CPU headed by
 *   "processor : N".  We match the two by N, never by position.
 * - The times in /proc/stat are in USER_HZ ticks (sysconf(_SC_CLK_TCK),
 *   100 almost everywhere); libuv's uv_cpu_times_s is in milliseconds.
 * - The model line's name differs per architecture: "model name" (x86,
 *   32-bit ARM, LoongArch), "cpu model" (MIPS), "cpu" (PowerPC),
 *   "Processor" (old ARM kernels, once for all CPUs, not numbered),
 *   "uarch" (RISC-V).  64-bit ARM kernels print none: "unknown" then.
 * - The current clock comes from cpufreq (kHz) only where a frequency
 *   driver is loaded; virtual machines and containers often lack
 *   /sys/devices/system/cpu/cpuN/cpufreq, so we fall back to cpuinfo's
 *   "cpu MHz" (x86) or "clock" (PowerPC), else report 0.
 * - /proc/uptime may be virtualised per container (lxcfs), which is what
 *   a process inside wants; CLOCK_BOOTTIME is the fallback without /proc.
 */
#include "internal.h"
#include "linux-sysinfo.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <time.h>

struct cpu_scan {
  unsigned int num;   /* N of "cpuN" */
  const char* model;  /* points into the cpuinfo text */
  int model_rank;     /* index in model_keys; lower wins */
  double mhz;         /* cpuinfo's clock, 0 if none */
};

static const char* const model_keys[] = {
  "model name", "cpu model", "cpu", "uarch", "Processor"
};

static const char* next_line(const char* p) {
  p = strchr(p, '\n');
  return p != NULL ? p + 1 : NULL;
}

static int model_rank(const char* key) {
  size_t i;

  for (i = 0; i < UV__ARRAY_SIZE(model_keys); i++)
    if (strcmp(key, model_keys[i]) == 0)
      return (int) i;
  return -1;
}

/* Parses the "cpuN user nice system idle iowait irq ..." lines. */
static int scan_stat(const char* text, uv_cpu_info_t* out,
                     struct cpu_scan* scan, int max) {
  unsigned long long v[6];
  unsigned long long ticks;
  const char* p;
  char* end;
  long hz;
  int n;
  int i;

  hz = sysconf(_SC_CLK_TCK);
  ticks = hz > 0 ? (unsigned long long) hz : 100;
  n = 0;
  for (p = text; p != NULL && *p != '\0' && n < max; p = next_line(p)) {
    if (strncmp(p, "cpu", 3) != 0 || p[3] < '0' || p[3] > '9')
      continue;
    scan[n].num = (unsigned int) strtoul(p + 3, &end, 10);
    for (i = 0; i < 6; i++)
      v[i] = strtoull(end, &end, 10);
    /* v: user nice system idle iowait irq; libuv leaves iowait out. */
    out[n].cpu_times.user = v[0] * 1000 / ticks;
    out[n].cpu_times.nice = v[1] * 1000 / ticks;
    out[n].cpu_times.sys = v[2] * 1000 / ticks;
    out[n].cpu_times.idle = v[3] * 1000 / ticks;
    out[n].cpu_times.irq = v[5] * 1000 / ticks;
    n++;
  }
  return n;
}

static struct cpu_scan* find_cpu(struct cpu_scan* scan, int n,
                                 unsigned int num) {
  int i;

  for (i = 0; i < n; i++)
    if (scan[i].num == num)
      return &scan[i];
  return NULL;
}

/* Walks /proc/cpuinfo, cutting it into NUL-terminated values in place. */
static void scan_cpuinfo(char* text, struct cpu_scan* scan, int n) {
  struct cpu_scan* cur;
  const char* global_model;
  int global_rank;
  char* line;
  char* next;
  char* colon;
  char* key_end;
  char* value;
  int rank;
  int i;

  cur = NULL;
  global_model = NULL;
  global_rank = INT_MAX;
  for (line = text; line != NULL && *line != '\0'; line = next) {
    next = strchr(line, '\n');
    if (next != NULL)
      *next++ = '\0';
    colon = strchr(line, ':');
    if (colon == NULL)
      continue;
    key_end = colon;
    while (key_end > line && (key_end[-1] == ' ' || key_end[-1] == '\t'))
      key_end--;
    *key_end = '\0';
    value = colon + 1;
    while (*value == ' ' || *value == '\t')
      value++;

    if (strcmp(line, "processor") == 0 && *value >= '0' && *value <= '9') {
      cur = find_cpu(scan, n, (unsigned int) strtoul(value, NULL, 10));
      continue;
    }
    if (strcmp(line, "cpu MHz") == 0 || strcmp(line, "clock") == 0) {
      if (cur != NULL)
        cur->mhz = strtod(value, NULL);
      continue;
    }
    rank = model_rank(line);
    if (rank < 0 || *value == '\0')
      continue;
    if (cur != NULL) {
      if (cur->model == NULL || rank < cur->model_rank) {
        cur->model = value;
        cur->model_rank = rank;
      }
    } else if (rank < global_rank) {
      /* Before the first "processor" line: applies to every CPU. */
      global_model = value;
      global_rank = rank;
    }
  }

  for (i = 0; i < n; i++)
    if (scan[i].model == NULL || global_rank < scan[i].model_rank) {
      if (global_model != NULL) {
        scan[i].model = global_model;
        scan[i].model_rank = global_rank;
      }
    }
}

/* The current clock of one CPU from cpufreq, in MHz; -1 if unknown. */
static int cpufreq_mhz(const char* sysfs, unsigned int num) {
  char path[PATH_MAX];
  char buf[32];
  unsigned long long khz;
  char* end;
  int n;

  n = snprintf(path, sizeof(path), "%s/cpu%u/cpufreq/scaling_cur_freq",
               sysfs, num);
  if (n < 0 || (size_t) n >= sizeof(path))
    return -1;
  if (uv__sysfile_read(path, buf, sizeof(buf)) <= 0)
    return -1;
  khz = strtoull(buf, &end, 10);
  if (end == buf)
    return -1;
  return khz / 1000 > INT_MAX ? INT_MAX : (int) (khz / 1000);
}

int uv__cpu_info_parse(const char* stat, char* cpuinfo, const char* sysfs,
                       uv_cpu_info_t** cpu_infos, int* count) {
  struct cpu_scan* scan;
  uv_cpu_info_t* out;
  const char* p;
  int speed;
  int max;
  int n;
  int i;

  *cpu_infos = NULL;
  *count = 0;

  /* Size the arrays by the number of lines that could be "cpuN" lines. */
  max = 1;
  for (p = stat; (p = strstr(p, "\ncpu")) != NULL; p++)
    max++;
  out = uv__calloc((size_t) max, sizeof(*out));
  scan = uv__calloc((size_t) max, sizeof(*scan));
  if (out == NULL || scan == NULL) {
    uv__free(out);
    uv__free(scan);
    return UV_ENOMEM;
  }
  n = scan_stat(stat, out, scan, max);
  if (n == 0) {
    uv__free(out);
    uv__free(scan);
    return UV_EIO;
  }

  if (cpuinfo != NULL)
    scan_cpuinfo(cpuinfo, scan, n);

  for (i = 0; i < n; i++) {
    out[i].model = uv__strdup(scan[i].model != NULL ? scan[i].model
                                                     : "unknown");
    if (out[i].model == NULL) {
      uv_free_cpu_info(out, n);
      uv__free(scan);
      return UV_ENOMEM;
    }
    speed = cpufreq_mhz(sysfs, scan[i].num);
    if (speed < 0)
      speed = scan[i].mhz > 0 && scan[i].mhz < INT_MAX ? (int) scan[i].mhz
                                                       : 0;
    out[i].speed = speed;
  }
  uv__free(scan);
  *cpu_infos = out;
  *count = n;
  return 0;
}

int uv_cpu_info(uv_cpu_info_t** cpu_infos, int* count) {
  char* cpuinfo;
  char* stat;
  size_t len;
  int err;

  if (cpu_infos == NULL || count == NULL)
    return UV_EINVAL;
  *cpu_infos = NULL;
  *count = 0;

  err = uv__sysfile_read_all("/proc/stat", &stat, &len);
  if (err)
    return err;
  /* No cpuinfo (some sandboxes) is not an error: models read "unknown". */
  if (uv__sysfile_read_all("/proc/cpuinfo", &cpuinfo, &len) != 0)
    cpuinfo = NULL;
  err = uv__cpu_info_parse(stat, cpuinfo, "/sys/devices/system/cpu",
                           cpu_infos, count);
  uv__free(cpuinfo);
  uv__free(stat);
  return err;
}

void uv_loadavg(double avg[3]) {
  struct sysinfo info;
  char buf[128];

  if (avg == NULL)
    return;
  if (uv__sysfile_read("/proc/loadavg", buf, sizeof(buf)) > 0 &&
      sscanf(buf, "%lf %lf %lf", &avg[0], &avg[1], &avg[2]) == 3)
    return;
  avg[0] = avg[1] = avg[2] = 0;
  if (sysinfo(&info) != 0)
    return;
  /* sysinfo's loads are fixed point with 16 fraction bits. */
  avg[0] = (double) info.loads[0] / 65536.0;
  avg[1] = (double) info.loads[1] / 65536.0;
  avg[2] = (double) info.loads[2] / 65536.0;
}

int uv_uptime(double* uptime) {
  struct timespec ts;
  char buf[128];
  char* end;
  double v;

  if (uptime == NULL)
    return UV_EINVAL;
  if (uv__sysfile_read("/proc/uptime", buf, sizeof(buf)) > 0) {
    v = strtod(buf, &end);
    if (end != buf && v >= 0) {
      *uptime = v;
      return 0;
    }
  }
  if (clock_gettime(CLOCK_BOOTTIME, &ts) != 0)
    return uv__err();
  *uptime = (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
  return 0;
}
