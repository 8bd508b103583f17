/* Shared by the test-fs*.c files: a scratch directory per test, created in
 * the current directory and removed (with everything in it) at the end,
 * plus small file helpers that use the C library directly, so that what is
 * under test never checks itself. */
#ifndef UVCORE_TEST_FS_H_
#define UVCORE_TEST_FS_H_

#include "task.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
  char dir[PATH_MAX];
} fs_scratch_t;

static inline void fs_scratch_init(fs_scratch_t* s) {
  snprintf(s->dir, sizeof(s->dir), "fs-scratch-XXXXXX");
  ASSERT_NOT_NULL(mkdtemp(s->dir));
}

/* out = "<scratch>/<name>" */
static inline const char* fs_path(const fs_scratch_t* s, char* out,
                                  const char* name) {
  int n;

  n = snprintf(out, PATH_MAX, "%s/%s", s->dir, name);
  ASSERT(n > 0 && n < PATH_MAX);
  return out;
}

/* Creates (or opens) a scratch file for reading and writing, synchronously;
 * its path is left in `path`. */
static inline int fs_create_rw(uv_loop_t* loop, const fs_scratch_t* s,
                               char* path, const char* name) {
  uv_fs_t req;
  int fd;

  fd = uv_fs_open(loop, &req, fs_path(s, path, name),
                  UV_FS_O_RDWR | UV_FS_O_CREAT, 0644, NULL);
  ASSERT_GE(fd, 0);
  uv_fs_req_cleanup(&req);
  return fd;
}

static inline int fs_rm_cb_(const char* path, const struct stat* st,
                            int type, struct FTW* ftw) {
  (void) st;
  (void) ftw;
  if (type == FTW_DP || type == FTW_D || type == FTW_DNR)
    (void) rmdir(path);
  else
    (void) unlink(path);
  return 0;
}

static inline void fs_scratch_done(fs_scratch_t* s) {
  struct stat st;

  /* A test may have taken permissions away; removal needs them back. */
  (void) chmod(s->dir, 0700);
  ASSERT_OK(nftw(s->dir, fs_rm_cb_, 16, FTW_DEPTH | FTW_PHYS));
  ASSERT_EQ(-1, lstat(s->dir, &st));
}

/* Writes len bytes to a new (or truncated) file. */
static inline void fs_put(const char* path, const void* data, size_t len) {
  const char* p;
  ssize_t n;
  int fd;

  fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  for (p = data; len > 0; p += n, len -= (size_t) n) {
    n = write(fd, p, len);
    ASSERT_GT(n, 0);
  }
  ASSERT_OK(close(fd));
}

/* Reads the whole file into a malloc'd buffer; *len gets its size. */
static inline char* fs_get(const char* path, size_t* len) {
  struct stat st;
  char* buf;
  size_t got;
  ssize_t n;
  int fd;

  fd = open(path, O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_OK(fstat(fd, &st));
  buf = malloc((size_t) st.st_size + 1);
  ASSERT_NOT_NULL(buf);
  for (got = 0; got < (size_t) st.st_size; got += (size_t) n) {
    n = read(fd, buf + got, (size_t) st.st_size - got);
    ASSERT_GT(n, 0);
  }
  buf[got] = '\0';
  ASSERT_OK(close(fd));
  *len = got;
  return buf;
}

static inline int fs_is_cloexec(int fd) {
  int flags;

  flags = fcntl(fd, F_GETFD);
  ASSERT_GE(flags, 0);
  return (flags & FD_CLOEXEC) != 0;
}

#endif /* UVCORE_TEST_FS_H_ */
