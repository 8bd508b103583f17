/* A file system that fills up mid-write (issue 11).
 *
 * A helper process makes a mount namespace of its own (unshare), mounts a
 * 64 KiB tmpfs there and writes into it until it is full.  What must hold:
 * a write that only partly fits reports exactly the bytes that reached the
 * file (the short count, never the whole length), the next one fails with
 * UV_ENOSPC and adds nothing; the same for vectored writes (the bytes on
 * disk are the prefix of the buffers, in order), for writes through the
 * thread pool, for uv_fs_sendfile (short count or UV_ENOSPC, never more
 * than the file holds) and for uv_fs_copyfile (UV_ENOSPC, and no truncated
 * copy left behind).  Freeing space makes writing work again.
 *
 * Where mounting is not permitted (no privilege, no namespaces), the test
 * says so and runs the part that /dev/full can show: sendfile and a pool
 * write fail with UV_ENOSPC reporting nothing written (test-fault-fds.c
 * covers vectored writes to /dev/full).  Linux only.
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE  /* unshare */
#endif
#include "task.h"

#if defined(__linux__)
# include <errno.h>
# include <fcntl.h>
# include <sched.h>
# include <sys/mount.h>
# include <sys/stat.h>
# include <unistd.h>
#endif

#if defined(__linux__)

#define DF_MNT "disk-full-mnt"
#define DF_FS_SIZE (64 * 1024)
#define DF_BIG (256 * 1024)      /* more than the file system holds */
#define DF_MOUNT_REFUSED 3       /* the helper's exit code */

static int df_cases;

static char* df_pattern(size_t n, unsigned int seed) {
  char* p;
  size_t i;

  p = malloc(n);
  ASSERT_NOT_NULL(p);
  for (i = 0; i < n; i++)
    p[i] = (char) ((i * 7 + seed + (i >> 9)) & 0xFF);
  return p;
}

static int64_t df_size(const char* path) {
  struct stat st;

  if (stat(path, &st))
    return -errno;
  return (int64_t) st.st_size;
}

/* The file holds exactly `n` bytes, equal to `want`. */
static void df_check_content(const char* path, const char* want, size_t n) {
  uv_fs_t req;
  uv_buf_t b;
  char* got;
  int fd;

  ASSERT_EQ(df_size(path), (int64_t) n);
  got = malloc(n + 1);
  ASSERT_NOT_NULL(got);
  fd = uv_fs_open(NULL, &req, path, UV_FS_O_RDONLY, 0, NULL);
  uv_fs_req_cleanup(&req);
  ASSERT_GE(fd, 0);
  b = uv_buf_init(got, (unsigned int) n + 1);
  ASSERT_EQ(uv_fs_read(NULL, &req, fd, &b, 1, 0, NULL), (int64_t) n);
  uv_fs_req_cleanup(&req);
  ASSERT_MEM_EQ(got, want, n);
  ASSERT_OK(uv_fs_close(NULL, &req, fd, NULL));
  uv_fs_req_cleanup(&req);
  free(got);
}

static int df_open(const char* path) {
  uv_fs_t req;
  int fd;

  fd = uv_fs_open(NULL, &req, path,
                  UV_FS_O_CREAT | UV_FS_O_TRUNC | UV_FS_O_WRONLY, 0600, NULL);
  uv_fs_req_cleanup(&req);
  ASSERT_GE(fd, 0);
  return fd;
}

static void df_close(int fd) {
  uv_fs_t req;

  ASSERT_OK(uv_fs_close(NULL, &req, fd, NULL));
  uv_fs_req_cleanup(&req);
}

static void df_unlink(const char* path) {
  uv_fs_t req;

  ASSERT_OK(uv_fs_unlink(NULL, &req, path, NULL));
  uv_fs_req_cleanup(&req);
}

static ssize_t df_async_result;

static void df_async_cb(uv_fs_t* req) {
  df_async_result = req->result;
  uv_fs_req_cleanup(req);
}

/* Write bufs (sync, or through the pool when loop is not NULL) to a new
 * file: a short count, then UV_ENOSPC; the file holds what was counted. */
static void df_fill(uv_loop_t* loop, const char* path, const uv_buf_t* bufs,
                    unsigned int nbufs, const char* flat, size_t total) {
  uv_fs_t req;
  ssize_t n;
  ssize_t again;
  int fd;

  fd = df_open(path);
  if (loop == NULL) {
    n = uv_fs_write(NULL, &req, fd, bufs, nbufs, -1, NULL);
    ASSERT_EQ(req.result, n);
    uv_fs_req_cleanup(&req);
  } else {
    df_async_result = 1;
    ASSERT_OK(uv_fs_write(loop, &req, fd, bufs, nbufs, -1, df_async_cb));
    ASSERT_OK(uv_run(loop, UV_RUN_DEFAULT));
    n = df_async_result;
  }
  printf("  %s: %u buffer(s) of %zu bytes in all: %zd written\n", path,
         nbufs, total, n);
  ASSERT_GT(n, 0);
  ASSERT_LT(n, (ssize_t) total);
  df_check_content(path, flat, (size_t) n);
  df_cases++;

  /* nothing fits any more: ENOSPC, and the file does not grow */
  if (loop == NULL) {
    again = uv_fs_write(NULL, &req, fd, bufs, nbufs, -1, NULL);
    uv_fs_req_cleanup(&req);
  } else {
    df_async_result = 1;
    ASSERT_OK(uv_fs_write(loop, &req, fd, bufs, nbufs, -1, df_async_cb));
    ASSERT_OK(uv_run(loop, UV_RUN_DEFAULT));
    again = df_async_result;
  }
  ASSERT_EQ(again, UV_ENOSPC);
  ASSERT_EQ(df_size(path), n);
  df_cases++;
  df_close(fd);
}

static int df_run_in_tmpfs(void) {
  uv_loop_t loop;
  uv_fs_t req;
  uv_buf_t bufs[4];
  char* big;
  char* src_data;
  char path[64];
  ssize_t n;
  int src;
  int fd;

  ASSERT_OK(uv_loop_init(&loop));
  big = df_pattern(DF_BIG, 1);

  /* 1. one buffer, synchronous */
  bufs[0] = uv_buf_init(big, DF_BIG);
  df_fill(NULL, DF_MNT "/one", bufs, 1, big, DF_BIG);
  df_unlink(DF_MNT "/one");

  /* 2. vectored, uneven parts, the boundary inside the third */
  bufs[0] = uv_buf_init(big, 1000);
  bufs[1] = uv_buf_init(big + 1000, 30000);
  bufs[2] = uv_buf_init(big + 31000, 100000);
  bufs[3] = uv_buf_init(big + 131000, DF_BIG - 131000);
  df_fill(NULL, DF_MNT "/vec", bufs, 4, big, DF_BIG);
  df_unlink(DF_MNT "/vec");

  /* 3. the same through the thread pool */
  df_fill(&loop, DF_MNT "/async", bufs, 4, big, DF_BIG);
  df_unlink(DF_MNT "/async");

  /* 4. sendfile from a file elsewhere into the tmpfs */
  src_data = df_pattern(DF_BIG, 5);
  src = df_open("disk-full-src");
  bufs[0] = uv_buf_init(src_data, DF_BIG);
  ASSERT_EQ(uv_fs_write(NULL, &req, src, bufs, 1, -1, NULL), DF_BIG);
  uv_fs_req_cleanup(&req);
  df_close(src);
  src = uv_fs_open(NULL, &req, "disk-full-src", UV_FS_O_RDONLY, 0, NULL);
  uv_fs_req_cleanup(&req);
  ASSERT_GE(src, 0);
  fd = df_open(DF_MNT "/sendfile");
  n = uv_fs_sendfile(NULL, &req, fd, src, 0, DF_BIG, NULL);
  uv_fs_req_cleanup(&req);
  printf("  sendfile of %d bytes: %zd\n", DF_BIG, n);
  ASSERT_GT(n, 0);
  ASSERT_LT(n, DF_BIG);
  df_check_content(DF_MNT "/sendfile", src_data, (size_t) n);
  df_cases++;
  ASSERT_EQ(uv_fs_sendfile(NULL, &req, fd, src, n, DF_BIG, NULL), UV_ENOSPC);
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(df_size(DF_MNT "/sendfile"), n);
  df_cases++;
  df_close(fd);

  /* 5. copyfile into the full file system: ENOSPC, no partial copy;
   *    then, with space freed, the same copy succeeds when it fits */
  ASSERT_EQ(uv_fs_copyfile(NULL, &req, "disk-full-src", DF_MNT "/copy", 0,
                           NULL), UV_ENOSPC);
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(df_size(DF_MNT "/copy"), UV_ENOENT);
  df_cases++;
  df_unlink(DF_MNT "/sendfile");
  ASSERT_EQ(uv_fs_copyfile(NULL, &req, "disk-full-src", DF_MNT "/copy", 0,
                           NULL), UV_ENOSPC);   /* 256 KiB into 64 */
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(df_size(DF_MNT "/copy"), UV_ENOENT);
  df_cases++;
  /* an existing destination that the copy would have replaced: libuv
   * removes a failed copy's destination, so it is gone too */
  fd = df_open(DF_MNT "/copy");
  df_close(fd);
  ASSERT_EQ(uv_fs_copyfile(NULL, &req, "disk-full-src", DF_MNT "/copy", 0,
                           NULL), UV_ENOSPC);
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(df_size(DF_MNT "/copy"), UV_ENOENT);
  df_cases++;
  df_close(src);
  df_unlink("disk-full-src");

  /* 6. space freed: a write that fits is whole again */
  snprintf(path, sizeof(path), "%s/again", DF_MNT);
  fd = df_open(path);
  bufs[0] = uv_buf_init(big, 4096);
  ASSERT_EQ(uv_fs_write(NULL, &req, fd, bufs, 1, -1, NULL), 4096);
  uv_fs_req_cleanup(&req);
  df_close(fd);
  df_check_content(path, big, 4096);
  df_unlink(path);
  df_cases++;

  free(src_data);
  free(big);
  close_loop_and_check(&loop);
  printf("disk full (tmpfs of %d KiB): %d ENOSPC cases passed\n",
         DF_FS_SIZE / 1024, df_cases);
  return 0;
}

/* Without a tmpfs: what /dev/full can show beyond test-fault-fds.c. */
static int df_run_dev_full(void) {
  uv_loop_t loop;
  uv_fs_t req;
  uv_buf_t b;
  char data[8192];
  int src;
  int fd;

  fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    RETURN_SKIP("neither a tmpfs could be mounted nor /dev/full opened");
  memset(data, 's', sizeof(data));
  ASSERT_OK(uv_loop_init(&loop));
  src = df_open("disk-full-src");
  b = uv_buf_init(data, sizeof(data));
  ASSERT_EQ(uv_fs_write(NULL, &req, src, &b, 1, -1, NULL), sizeof(data));
  uv_fs_req_cleanup(&req);
  df_close(src);
  src = uv_fs_open(NULL, &req, "disk-full-src", UV_FS_O_RDONLY, 0, NULL);
  uv_fs_req_cleanup(&req);
  ASSERT_GE(src, 0);
  ASSERT_EQ(uv_fs_sendfile(NULL, &req, fd, src, 0, sizeof(data), NULL),
            UV_ENOSPC);
  uv_fs_req_cleanup(&req);
  df_async_result = 1;
  ASSERT_OK(uv_fs_write(&loop, &req, fd, &b, 1, 0, df_async_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(df_async_result, UV_ENOSPC);
  df_close(src);
  df_unlink("disk-full-src");
  ASSERT_OK(close(fd));
  close_loop_and_check(&loop);
  printf("disk full (/dev/full): 2 ENOSPC cases passed\n");
  return 0;
}

#endif /* __linux__ */

/* Runs in a process of its own: the mount namespace (and the mount in
 * it) goes away with it, and the test's process keeps the host's view. */
HELPER(disk_full_tmpfs) {
#if defined(__linux__)
  char opts[32];

  if (unshare(CLONE_NEWNS)) {
    fprintf(stderr, "unshare(CLONE_NEWNS): %s\n", strerror(errno));
    return DF_MOUNT_REFUSED;
  }
  /* Nothing mounted here may reach the parent's namespace. */
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
    fprintf(stderr, "making / private: %s\n", strerror(errno));
    return DF_MOUNT_REFUSED;
  }
  snprintf(opts, sizeof(opts), "size=%d", DF_FS_SIZE);
  if (mount("uvcore-test", DF_MNT, "tmpfs", MS_NOSUID | MS_NODEV, opts)) {
    fprintf(stderr, "mount tmpfs: %s\n", strerror(errno));
    return DF_MOUNT_REFUSED;
  }
  return df_run_in_tmpfs();
#else
  RETURN_SKIP("Linux tmpfs and mount namespaces");
#endif
}

TEST(disk_full) {
#if !defined(__linux__)
  RETURN_SKIP("Linux tmpfs and mount namespaces");
#else
  const char* args[] = { NULL };
  int r;

  if (mkdir(DF_MNT, 0700) && errno != EEXIST)
    ASSERT_OK(-errno);
  r = test_helper_run("disk_full_tmpfs", args);
  ASSERT_OK(rmdir(DF_MNT));
  if (r == 0)
    return 0;
  ASSERT_EQ(r, DF_MOUNT_REFUSED);
  printf("could not mount a tmpfs in a private mount namespace (see the "
         "reason above: needs CAP_SYS_ADMIN); using /dev/full instead\n");
  return df_run_dev_full();
#endif
}
