/* uvcore — the limits Linux control groups put on this process: memory
 * (uv_get_constrained_memory, uv_get_available_memory) and CPU quota
 * (uv_available_parallelism).
 *
 * /proc/self/cgroup names the process's cgroup in each hierarchy, one line
 * "<id>:<controllers>:<path>" per hierarchy.  cgroup v2 is the single line
 * "0::<path>"; v1 has a line per controller set, e.g. "4:memory:/a/b" or
 * "2:cpu,cpuacct:/a", mounted under <root>/<controller>.
 *
 * Traps:
 * - Limits nest: a parent's limit binds its children, whose own files say
 *   "max".  We walk from the process's cgroup up to the mount point and
 *   keep the lowest limit (libuv reads only the process's own cgroup).
 * - Inside a container the mount point often *is* the container's cgroup
 *   while /proc/self/cgroup still shows the path from the host's root (no
 *   cgroup namespace): the lower directories then do not exist, and the
 *   walk skips missing files until it reaches the mount point, whose files
 *   are the right ones.
 * - v2 writes "max" for no limit; v1 writes a huge number instead,
 *   PAGE_COUNTER_MAX pages in bytes, which depends on the page size and
 *   on the word size; CPU quota -1 means none in v1.
 * - The v2 root cgroup has no memory.max/cpu.max files at all, so a
 *   process in the root cgroup (or a system without the controller) reads
 *   as "no controller": constrained memory 0, as libuv documents for
 *   "unknown".
 * - Hybrid systems list v1 controllers and an empty "0::" line: the
 *   controller's v1 line wins.
 * - Memory usage can briefly exceed the limit: headroom is then 0.
 */
#include "internal.h"
#include "linux-sysinfo.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

enum { CG_NONE, CG_V1, CG_V2 };

struct cg_line {
  const char* controllers;  /* v1: the comma list of the line */
  size_t controllers_len;
  const char* path;         /* starts with '/' */
  size_t path_len;
};

/* Is `name` one of the comma-separated words of list[0..len)? */
static int has_word(const char* list, size_t len, const char* name) {
  size_t nlen;
  size_t i;
  size_t j;

  nlen = strlen(name);
  for (i = 0; i < len; i = j + 1) {
    for (j = i; j < len && list[j] != ',';)
      j++;
    if (j - i == nlen && memcmp(list + i, name, nlen) == 0)
      return 1;
  }
  return 0;
}

/* Finds the hierarchy that carries `controller`: its v1 line if there is
 * one, else the v2 line. */
static int find_hierarchy(const char* self, const char* controller,
                          struct cg_line* out) {
  struct cg_line v2;
  const char* line;
  const char* eol;
  const char* c1;
  const char* c2;
  int have_v2;

  have_v2 = 0;
  for (line = self; *line != '\0'; line = *eol == '\0' ? eol : eol + 1) {
    eol = strchr(line, '\n');
    if (eol == NULL)
      eol = line + strlen(line);
    c1 = memchr(line, ':', (size_t) (eol - line));
    if (c1 == NULL)
      continue;
    c2 = memchr(c1 + 1, ':', (size_t) (eol - c1 - 1));
    if (c2 == NULL || c2 + 1 == eol || c2[1] != '/')
      continue;
    if (c2 == c1 + 1) {
      /* "0::/path": the unified (v2) hierarchy. */
      if (c1 - line == 1 && line[0] == '0') {
        v2.controllers = c1 + 1;
        v2.controllers_len = 0;
        v2.path = c2 + 1;
        v2.path_len = (size_t) (eol - c2 - 1);
        have_v2 = 1;
      }
      continue;
    }
    if (has_word(c1 + 1, (size_t) (c2 - c1 - 1), controller)) {
      out->controllers = c1 + 1;
      out->controllers_len = (size_t) (c2 - c1 - 1);
      out->path = c2 + 1;
      out->path_len = (size_t) (eol - c2 - 1);
      return CG_V1;
    }
  }
  if (!have_v2)
    return CG_NONE;
  *out = v2;
  return CG_V2;
}

/* A directory on the way from the process's cgroup up to the mount point:
 * dir[0..base) is the mount point, which the walk never leaves. */
struct cg_walk {
  char dir[PATH_MAX];
  size_t base;
  size_t len;
};

static int walk_init(struct cg_walk* w, const char* root, int kind,
                     const char* controller, const struct cg_line* line) {
  int n;

  if (kind == CG_V2) {
    n = snprintf(w->dir, sizeof(w->dir), "%s", root);
  } else {
    /* The v1 hierarchy is mounted under the controller's name, or under
     * the whole comma list with the single names as symlinks. */
    n = snprintf(w->dir, sizeof(w->dir), "%s/%s", root, controller);
    if (n > 0 && (size_t) n < sizeof(w->dir) && access(w->dir, F_OK) != 0)
      n = snprintf(w->dir, sizeof(w->dir), "%s/%.*s", root,
                   (int) line->controllers_len, line->controllers);
  }
  if (n < 0 || (size_t) n >= sizeof(w->dir))
    return UV_ENAMETOOLONG;
  w->base = (size_t) n;
  n = snprintf(w->dir + w->base, sizeof(w->dir) - w->base, "%.*s",
               (int) line->path_len, line->path);
  if (n < 0 || (size_t) n >= sizeof(w->dir) - w->base)
    return UV_ENAMETOOLONG;
  w->len = w->base + (size_t) n;
  while (w->len > w->base && w->dir[w->len - 1] == '/')
    w->dir[--w->len] = '\0';
  return 0;
}

/* Moves one level up; 0 once the mount point has been visited. */
static int walk_up(struct cg_walk* w) {
  if (w->len <= w->base)
    return 0;
  while (w->len > w->base && w->dir[w->len - 1] != '/')
    w->len--;
  while (w->len > w->base && w->dir[w->len - 1] == '/')
    w->len--;
  w->dir[w->len] = '\0';
  return 1;
}

/* Reads the first word of <dir>/<file>.  "max" gives UINT64_MAX (v2's "no
 * limit"), a decimal number its value; *negative is set for a leading '-'
 * (v1's quota -1).  UV_ENOENT for a missing file, UV_EINVAL for text. */
static int read_word(const struct cg_walk* w, const char* file,
                     uint64_t* value, uint64_t* second, int* negative) {
  char path[PATH_MAX + 64];
  char buf[128];
  const char* p;
  char* end;
  ssize_t n;
  int r;

  r = snprintf(path, sizeof(path), "%s/%s", w->dir, file);
  if (r < 0 || (size_t) r >= sizeof(path))
    return UV_ENAMETOOLONG;
  n = uv__sysfile_read(path, buf, sizeof(buf));
  if (n < 0)
    return (int) n;
  p = buf;
  *negative = 0;
  if (strncmp(p, "max", 3) == 0) {
    *value = UINT64_MAX;
    end = (char*) p + 3;
  } else {
    if (*p == '-') {
      *negative = 1;
      p++;
    }
    if (*p < '0' || *p > '9')
      return UV_EINVAL;
    *value = strtoull(p, &end, 10);
  }
  if (second != NULL) {
    while (*end == ' ')
      end++;
    if (*end < '0' || *end > '9')
      return UV_EINVAL;
    *second = strtoull(end, NULL, 10);
  }
  return 0;
}

/* v1 reports "no limit" as PAGE_COUNTER_MAX pages in bytes: LONG_MAX
 * rounded down to a page on 64-bit kernels, LONG_MAX pages on 32-bit
 * ones.  Anything that large is no limit. */
static uint64_t v1_limit(uint64_t v) {
  long page;

  page = sysconf(_SC_PAGESIZE);
  if (page <= 0)
    page = 4096;
  if (sizeof(long) >= 8) {
    if (v >= (uint64_t) LONG_MAX / (uint64_t) page * (uint64_t) page)
      return UINT64_MAX;
  } else if (v >= (uint64_t) LONG_MAX * (uint64_t) page) {
    return UINT64_MAX;
  }
  return v;
}

static uint64_t min_u64(uint64_t a, uint64_t b) {
  return a < b ? a : b;
}

int uv__cgroup_memory_limits(const char* root, const char* self,
                             struct uv__cgroup_memory* out) {
  static const char* const v1_files[] = {
    "memory.limit_in_bytes", "memory.soft_limit_in_bytes",
    "memory.usage_in_bytes"
  };
  static const char* const v2_files[] = {
    "memory.max", "memory.high", "memory.current"
  };
  const char* const* files;
  struct cg_line line;
  struct cg_walk w;
  uint64_t level;
  uint64_t usage;
  uint64_t v;
  int found;
  int kind;
  int neg;
  int i;

  out->limit = UINT64_MAX;
  out->headroom = UINT64_MAX;
  kind = find_hierarchy(self, "memory", &line);
  if (kind == CG_NONE)
    return UV_ENOENT;
  if (walk_init(&w, root, kind, "memory", &line) != 0)
    return UV_ENOENT;
  files = kind == CG_V1 ? v1_files : v2_files;

  found = 0;
  do {
    /* This level's limit: the lower of the hard and the soft one. */
    level = UINT64_MAX;
    for (i = 0; i < 2; i++) {
      if (read_word(&w, files[i], &v, NULL, &neg) != 0 || neg)
        continue;
      found = 1;
      if (kind == CG_V1)
        v = v1_limit(v);
      level = min_u64(level, v);
    }
    if (level == UINT64_MAX)
      continue;
    out->limit = min_u64(out->limit, level);
    if (read_word(&w, files[2], &usage, NULL, &neg) != 0 || neg)
      usage = 0;  /* unknown: at least the limit itself bounds it */
    out->headroom = min_u64(out->headroom, usage < level ? level - usage : 0);
  } while (walk_up(&w));

  return found ? 0 : UV_ENOENT;
}

unsigned int uv__cgroup_cpu_quota(const char* root, const char* self) {
  struct cg_line line;
  struct cg_walk w;
  uint64_t quota;
  uint64_t period;
  uint64_t best;
  uint64_t cpus;
  int kind;
  int neg;

  kind = find_hierarchy(self, "cpu", &line);
  if (kind == CG_NONE || walk_init(&w, root, kind, "cpu", &line) != 0)
    return 0;

  best = UINT64_MAX;
  do {
    if (kind == CG_V2) {
      /* cpu.max: "<quota|max> <period>", both in microseconds. */
      if (read_word(&w, "cpu.max", &quota, &period, &neg) != 0 || neg)
        continue;
    } else {
      if (read_word(&w, "cpu.cfs_quota_us", &quota, NULL, &neg) != 0 || neg)
        continue;
      if (read_word(&w, "cpu.cfs_period_us", &period, NULL, &neg) != 0 ||
          neg)
        continue;
    }
    if (quota == UINT64_MAX || period == 0)
      continue;
    cpus = quota / period;
    if (cpus == 0)
      cpus = 1;  /* a fraction of one CPU still runs one thread */
    best = min_u64(best, cpus);
  } while (walk_up(&w));

  if (best == UINT64_MAX)
    return 0;
  return best > UINT_MAX ? UINT_MAX : (unsigned int) best;
}

/* /proc/self/cgroup is a few lines, but v1 systems with long paths and
 * many controllers can pass a page. */
static char* read_self(void) {
  size_t len;
  char* text;

  if (uv__sysfile_read_all("/proc/self/cgroup", &text, &len) != 0)
    return NULL;
  return text;
}

int uv__cgroup_self_memory_limits(struct uv__cgroup_memory* out) {
  char* self;
  int err;

  out->limit = UINT64_MAX;
  out->headroom = UINT64_MAX;
  self = read_self();
  if (self == NULL)
    return UV_ENOENT;
  err = uv__cgroup_memory_limits(UV__CGROUP_ROOT, self, out);
  uv__free(self);
  return err;
}

unsigned int uv__cgroup_self_cpu_quota(void) {
  unsigned int quota;
  char* self;

  self = read_self();
  if (self == NULL)
    return 0;
  quota = uv__cgroup_cpu_quota(UV__CGROUP_ROOT, self);
  uv__free(self);
  return quota;
}
