/* Shared by the test-fs*.c files: a scratch directory per test, created in
 * the current directory and removed (with everything in it) at the end,
 * plus small file helpers that use the C library directly, so that what is
 * under test never checks itself. */
#ifndef UVCORE_TEST_FS_H_
#define UVCORE_TEST_FS_H_

#include "task.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef _WIN32
/* The CRT's POSIX-like calls (open, read, lseek, stat, ...), used only as
 * an independent reference; descriptors are opened in binary mode. */
# include <direct.h>
# include <io.h>
# include <unistd.h>
# ifndef O_CLOEXEC
#  define O_CLOEXEC _O_NOINHERIT
# endif
# ifndef PATH_MAX
#  define PATH_MAX 260
# endif
#else
# include <ftw.h>
# include <unistd.h>
#endif
#ifndef O_BINARY
# define O_BINARY 0
#endif

typedef struct {
  char dir[PATH_MAX];
} fs_scratch_t;

#ifdef _WIN32
static inline void fs_scratch_init(fs_scratch_t* s) {
  static unsigned int seq;
  int i;

  for (i = 0; i < 1000; i++) {
    snprintf(s->dir, sizeof(s->dir), "fs-scratch-%lu-%u",
             (unsigned long) GetCurrentProcessId(), seq++);
    if (CreateDirectoryA(s->dir, NULL))
      return;
    ASSERT_EQ(ERROR_ALREADY_EXISTS, GetLastError());
  }
  ASSERT(0 && "no scratch directory name left");
}
#else
static inline void fs_scratch_init(fs_scratch_t* s) {
  snprintf(s->dir, sizeof(s->dir), "fs-scratch-XXXXXX");
  ASSERT_NOT_NULL(mkdtemp(s->dir));
}
#endif

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

#ifdef _WIN32
/* Removes a tree with Win32 calls (wide, for non-ASCII and long names);
 * links to directories are removed, never followed. */
static inline void fs_rm_tree_(const WCHAR* dir) {
  WIN32_FIND_DATAW fd;
  WCHAR* pat;
  WCHAR* child;
  HANDLE h;
  size_t len;

  len = wcslen(dir);
  pat = malloc((len + 3) * sizeof(WCHAR));
  ASSERT_NOT_NULL(pat);
  memcpy(pat, dir, len * sizeof(WCHAR));
  memcpy(pat + len, L"\\*", 3 * sizeof(WCHAR));
  h = FindFirstFileW(pat, &fd);
  free(pat);
  if (h != INVALID_HANDLE_VALUE) {
    do {
      if (wcscmp(fd.cFileName, L".") == 0 || wcscmp(fd.cFileName, L"..") == 0)
        continue;
      child = malloc((len + wcslen(fd.cFileName) + 2) * sizeof(WCHAR));
      ASSERT_NOT_NULL(child);
      memcpy(child, dir, len * sizeof(WCHAR));
      child[len] = L'\\';
      memcpy(child + len + 1, fd.cFileName,
             (wcslen(fd.cFileName) + 1) * sizeof(WCHAR));
      (void) SetFileAttributesW(child, FILE_ATTRIBUTE_NORMAL);
      if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
        if (!(fd.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT))
          fs_rm_tree_(child);
        (void) RemoveDirectoryW(child);
      } else {
        (void) DeleteFileW(child);
      }
      free(child);
    } while (FindNextFileW(h, &fd));
    FindClose(h);
  }
  (void) RemoveDirectoryW(dir);
}

static inline void fs_scratch_done(fs_scratch_t* s) {
  WCHAR full[32768];
  WCHAR* p;
  DWORD n;

  /* \\?\ so that the long-path tests' trees go too. */
  memcpy(full, L"\\\\?\\", 4 * sizeof(WCHAR));
  n = GetFullPathNameA(s->dir, 0, NULL, NULL);
  ASSERT_GT(n, 0);
  {
    char* a = malloc(n);
    ASSERT_NOT_NULL(a);
    ASSERT_GT(GetFullPathNameA(s->dir, n, a, NULL), 0);
    ASSERT_GT(MultiByteToWideChar(CP_ACP, 0, a, -1, full + 4, 32000), 0);
    free(a);
  }
  for (p = full; *p; p++)
    if (*p == L'/')
      *p = L'\\';
  fs_rm_tree_(full);
  ASSERT_EQ(INVALID_FILE_ATTRIBUTES, GetFileAttributesA(s->dir));
}
#else
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
#endif

/* Writes len bytes to a new (or truncated) file. */
static inline void fs_put(const char* path, const void* data, size_t len) {
  const char* p;
  ssize_t n;
  int fd;

  fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_BINARY, 0644);
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

  fd = open(path, O_RDONLY | O_CLOEXEC | O_BINARY);
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

#ifdef _WIN32
/* Not inherited by child processes: the Windows form of close-on-exec. */
static inline int fs_is_cloexec(int fd) {
  DWORD flags;

  ASSERT(GetHandleInformation((HANDLE) _get_osfhandle(fd), &flags));
  return (flags & HANDLE_FLAG_INHERIT) == 0;
}

static inline int fs_fd_is_open(int fd) {
  return _get_osfhandle(fd) != -1;
}
#else
static inline int fs_is_cloexec(int fd) {
  int flags;

  flags = fcntl(fd, F_GETFD);
  ASSERT_GE(flags, 0);
  return (flags & FD_CLOEXEC) != 0;
}

static inline int fs_fd_is_open(int fd) {
  return fcntl(fd, F_GETFD) != -1;
}
#endif

/* The link count, which the Windows C runtime's stat() always gives as 1. */
static inline unsigned long fs_nlink(const char* path) {
#ifdef _WIN32
  BY_HANDLE_FILE_INFORMATION info;
  HANDLE h;

  h = CreateFileA(path, 0, FILE_SHARE_READ | FILE_SHARE_WRITE |
                  FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
                  FILE_FLAG_BACKUP_SEMANTICS, NULL);
  ASSERT_PTR_NE(INVALID_HANDLE_VALUE, h);
  ASSERT(GetFileInformationByHandle(h, &info));
  CloseHandle(h);
  return info.nNumberOfLinks;
#else
  struct stat st;

  ASSERT_OK(stat(path, &st));
  return (unsigned long) st.st_nlink;
#endif
}

#ifdef _WIN32
/* The C runtime has no lstat(); the tests that run on Windows use it only
 * to see whether something that is not a link exists. */
static inline int lstat(const char* path, struct stat* st) {
  return stat(path, st);
}
#endif

#endif /* UVCORE_TEST_FS_H_ */
