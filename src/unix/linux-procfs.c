/* uvcore — reading the kernel's text files under /proc and /sys.
 *
 * Traps:
 * - Many of these files are generated per read() call (seq_file): one
 *   read returns at most a page, and the reported st_size is 0, so a file
 *   is read in a loop until read() returns 0, never sized with fstat().
 * - Files may be missing altogether (containers without /sys, kernels
 *   built without a feature, cgroup files absent at the root): every
 *   caller treats an error as "unknown", never as fatal.
 * - No stdio: no FILE locking, no hidden buffers, and the descriptor is
 *   opened close-on-exec.
 */
#include "internal.h"
#include "linux-sysinfo.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

static int open_ro(const char* path) {
  int fd;

  do
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  while (fd == -1 && errno == EINTR);
  return fd;
}

/* Reads until EOF or `size` bytes; returns the count or -errno. */
static ssize_t read_full(int fd, char* buf, size_t size) {
  size_t done;
  ssize_t n;

  done = 0;
  while (done < size) {
    n = read(fd, buf + done, size - done);
    if (n == 0)
      break;
    if (n == -1) {
      if (errno == EINTR)
        continue;
      return uv__err();
    }
    done += (size_t) n;
  }
  return (ssize_t) done;
}

ssize_t uv__sysfile_read(const char* path, char* buf, size_t size) {
  ssize_t n;
  int fd;

  if (size == 0)
    return UV_EINVAL;
  fd = open_ro(path);
  if (fd == -1)
    return uv__err();
  n = read_full(fd, buf, size - 1);
  uv__close(fd);
  if (n < 0)
    return n;
  buf[n] = '\0';
  return n;
}

int uv__sysfile_read_all(const char* path, char** data, size_t* len) {
  size_t cap;
  size_t used;
  ssize_t n;
  char* buf;
  int fd;

  *data = NULL;
  *len = 0;
  fd = open_ro(path);
  if (fd == -1)
    return uv__err();

  buf = NULL;
  cap = 0;
  used = 0;
  for (;;) {
    if (cap - used < 2) {
      cap = cap == 0 ? 4096 : cap * 2;
      buf = uv__reallocf(buf, cap);
      if (buf == NULL) {
        uv__close(fd);
        return UV_ENOMEM;
      }
    }
    n = read_full(fd, buf + used, cap - used - 1);
    if (n < 0) {
      uv__free(buf);
      uv__close(fd);
      return (int) n;
    }
    used += (size_t) n;
    if (cap - used > 1)
      break;  /* read_full stopped short of the space: EOF */
  }
  uv__close(fd);
  buf[used] = '\0';
  *data = buf;
  *len = used;
  return 0;
}

int uv__sysfile_find_u64(const char* text, const char* key, uint64_t* value) {
  const char* p;
  size_t klen;

  klen = strlen(key);
  p = text;
  while (p != NULL && *p != '\0') {
    if (strncmp(p, key, klen) == 0) {
      p += klen;
      while (*p == ' ' || *p == '\t')
        p++;
      if (*p < '0' || *p > '9')
        return UV_ENOENT;
      *value = strtoull(p, NULL, 10);
      return 0;
    }
    p = strchr(p, '\n');
    if (p != NULL)
      p++;
  }
  return UV_ENOENT;
}
