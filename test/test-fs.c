/* Tests of the file system requests: open/close, read/write, stat, times,
 * names (links, rename, temp files), permissions and ownership, and the
 * request life cycle (cleanup, reuse, accessors, bad arguments). */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64
#include "test-fs.h"

#include <math.h>
#include <signal.h>
#include <sys/types.h>
#include <time.h>
#ifndef _WIN32
# include <grp.h>
# include <sys/resource.h>
# include <sys/statfs.h>
# include <sys/wait.h>
#endif

/* Tests whose reference is a POSIX call the Windows C runtime lacks (or
 * fakes: its stat() has no inode, link count or nanoseconds) skip there,
 * saying which test of test-fs-win.c checks the same behaviour with Win32
 * as the reference. */

static int cb_count;
static ssize_t cb_result;

static void count_cb(uv_fs_t* req) {
  cb_count++;
  cb_result = req->result;
}

/* ---- open / close ------------------------------------------------------ */

TEST(fs_open_close_sync) {
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  char path[PATH_MAX];
  char sub[PATH_MAX];
  char name[PATH_MAX];
  int fd;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  fs_path(&s, path, "file");

  /* A synchronous request uses the caller's path in place, as libuv's do
   * (checked against Debian's libuv: the pointer is the caller's); only a
   * queued one copies it (fs_async tests). */
  strcpy(name, path);
  fd = uv_fs_open(&loop, &req, name, UV_FS_O_WRONLY | UV_FS_O_CREAT, 0644,
                  NULL);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(fd, req.result);
  ASSERT_EQ(UV_FS_OPEN, uv_fs_get_type(&req));
  ASSERT_EQ(UV_FS, req.type);
  ASSERT_PTR_EQ(&loop, req.loop);
  ASSERT_PTR_EQ(name, req.path);
  ASSERT_PTR_EQ(name, uv_fs_get_path(&req));
  ASSERT(fs_is_cloexec(fd));
  uv_fs_req_cleanup(&req);
  ASSERT_NULL(req.path);

  ASSERT_OK(uv_fs_close(&loop, &req, fd, NULL));
  ASSERT_EQ(0, req.result);
  ASSERT_EQ(UV_FS_CLOSE, req.fs_type);
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EBADF, uv_fs_close(&loop, &req, fd, NULL));
  ASSERT_EQ(UV_EBADF, req.result);
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EBADF, uv_fs_close(&loop, &req, -1, NULL));
  uv_fs_req_cleanup(&req);

  /* Errors as the kernel reports them. */
  ASSERT_EQ(UV_EEXIST, uv_fs_open(&loop, &req, path,
                                  UV_FS_O_CREAT | UV_FS_O_EXCL |
                                  UV_FS_O_WRONLY, 0644, NULL));
  ASSERT_EQ(UV_EEXIST, req.result);
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_ENOENT, uv_fs_open(&loop, &req, fs_path(&s, name, "nope"),
                                  UV_FS_O_RDONLY, 0, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EISDIR, uv_fs_open(&loop, &req, s.dir, UV_FS_O_WRONLY, 0,
                                  NULL));
  uv_fs_req_cleanup(&req);
  fs_path(&s, sub, "file/below");
  ASSERT_EQ(UV_ENOTDIR, uv_fs_open(&loop, &req, sub, UV_FS_O_RDONLY, 0,
                                   NULL));
  uv_fs_req_cleanup(&req);
#ifndef _WIN32  /* UV_FS_O_DIRECTORY is 0 there, as in libuv */
  ASSERT_EQ(UV_ENOTDIR, uv_fs_open(&loop, &req, path,
                                   UV_FS_O_RDONLY | UV_FS_O_DIRECTORY, 0,
                                   NULL));
  uv_fs_req_cleanup(&req);
#endif

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
}

static uv_file async_fd;

static void async_close_cb(uv_fs_t* req) {
  ASSERT_EQ(UV_FS_CLOSE, req->fs_type);
  ASSERT_EQ(0, req->result);
  uv_fs_req_cleanup(req);
  cb_count++;
}

static void async_open_cb(uv_fs_t* req) {
  ASSERT_EQ(UV_FS_OPEN, req->fs_type);
  ASSERT_GE(req->result, 0);
  ASSERT_NOT_NULL(req->path);
  async_fd = (uv_file) req->result;
  ASSERT(fs_is_cloexec(async_fd));
  uv_fs_req_cleanup(req);
  cb_count++;
  /* A request issued from a callback, reusing the same request. */
  ASSERT_OK(uv_fs_close(req->loop, req, async_fd, async_close_cb));
}

TEST(fs_open_close_async) {
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  char path[PATH_MAX];

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);

  cb_count = 0;
  ASSERT_OK(uv_fs_open(&loop, &req, fs_path(&s, path, "f"),
                       UV_FS_O_RDWR | UV_FS_O_CREAT, 0600, async_open_cb));
  /* The pending request keeps the loop alive. */
  ASSERT(uv_loop_alive(&loop));
  ASSERT_EQ(UV_EBUSY, uv_loop_close(&loop));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(2, cb_count);
  ASSERT(!uv_loop_alive(&loop));
  ASSERT(!fs_fd_is_open(async_fd));

  /* Errors found before queueing come back at once; the callback never
   * runs. */
  cb_count = 0;
  ASSERT_EQ(UV_EINVAL, uv_fs_open(&loop, &req, NULL, UV_FS_O_RDONLY, 0,
                                  count_cb));
  uv_fs_req_cleanup(&req);
  /* Errors of the operation itself arrive in the callback. */
  ASSERT_OK(uv_fs_open(&loop, &req, fs_path(&s, path, "missing"),
                       UV_FS_O_RDONLY, 0, count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(1, cb_count);
  ASSERT_EQ(UV_ENOENT, cb_result);
#ifdef _WIN32
  ASSERT_EQ(ERROR_FILE_NOT_FOUND, uv_fs_get_system_error(&req));
#else
  ASSERT_EQ(ENOENT, uv_fs_get_system_error(&req));
#endif
  uv_fs_req_cleanup(&req);

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
}

/* ---- read / write ------------------------------------------------------ */

TEST(fs_read_write_vectored) {
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  uv_buf_t bufs[3];
  char path[PATH_MAX];
  char a[2], b[3], c[10];
  char* all;
  size_t len;
  int fd;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  fd = fs_create_rw(&loop, &s, path, "v");

  /* Several buffers, one of them empty, at an explicit offset. */
  bufs[0] = uv_buf_init("abc", 3);
  bufs[1] = uv_buf_init("", 0);
  bufs[2] = uv_buf_init("defgh", 5);
  ASSERT_EQ(8, uv_fs_write(&loop, &req, fd, bufs, 3, 0, NULL));
  ASSERT_EQ(8, req.result);
  ASSERT_EQ(UV_FS_WRITE, req.fs_type);
  uv_fs_req_cleanup(&req);
  /* Positional I/O leaves the file position alone. */
  ASSERT_EQ(0, lseek(fd, 0, SEEK_CUR));

  bufs[0] = uv_buf_init(a, sizeof(a));
  bufs[1] = uv_buf_init(b, sizeof(b));
  bufs[2] = uv_buf_init(c, sizeof(c));
  ASSERT_EQ(7, uv_fs_read(&loop, &req, fd, bufs, 3, 1, NULL));
  ASSERT_EQ(UV_FS_READ, req.fs_type);
  uv_fs_req_cleanup(&req);
  ASSERT_MEM_EQ("bc", a, 2);
  ASSERT_MEM_EQ("def", b, 3);
  ASSERT_MEM_EQ("gh", c, 2);

  /* Offset -1: the current position, which then advances. */
  bufs[0] = uv_buf_init("XY", 2);
  ASSERT_EQ(2, uv_fs_write(&loop, &req, fd, bufs, 1, -1, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(2, uv_fs_write(&loop, &req, fd, bufs, 1, -1, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(4, lseek(fd, 0, SEEK_CUR));
  bufs[0] = uv_buf_init(c, sizeof(c));
  ASSERT_EQ(4, uv_fs_read(&loop, &req, fd, bufs, 1, -1, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_MEM_EQ("efgh", c, 4);
  /* At end of file a read returns 0. */
  ASSERT_EQ(0, uv_fs_read(&loop, &req, fd, bufs, 1, -1, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(0, uv_fs_read(&loop, &req, fd, bufs, 1, 100, NULL));
  uv_fs_req_cleanup(&req);

  /* Writing past the end leaves a hole of zeros. */
  bufs[0] = uv_buf_init("Z", 1);
  ASSERT_EQ(1, uv_fs_write(&loop, &req, fd, bufs, 1, 12, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_close(&loop, &req, fd, NULL));
  uv_fs_req_cleanup(&req);
  all = fs_get(path, &len);
  ASSERT_EQ(13, len);
  ASSERT_MEM_EQ("XYXYefgh\0\0\0\0Z", all, 13);
  free(all);

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
}

static void rw_async_write_cb(uv_fs_t* req) {
  ASSERT_EQ(UV_FS_WRITE, req->fs_type);
  cb_result = req->result;
  cb_count++;
  uv_fs_req_cleanup(req);
}

TEST(fs_read_write_async) {
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  uv_buf_t* bufs;
  char path[PATH_MAX];
  char out[6][4];
  char expect[] = "0000111122223333444455556666";
  char* all;
  size_t len;
  int fd;
  int i;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  fd = fs_create_rw(&loop, &s, path, "a");

  /* More buffers than fit inline, in an array freed right after the call:
   * the request must have copied it. */
  bufs = malloc(7 * sizeof(*bufs));
  ASSERT_NOT_NULL(bufs);
  for (i = 0; i < 7; i++)
    bufs[i] = uv_buf_init(expect + 4 * i, 4);
  cb_count = 0;
  ASSERT_OK(uv_fs_write(&loop, &req, fd, bufs, 7, 0, rw_async_write_cb));
  memset(bufs, 0, 7 * sizeof(*bufs));
  free(bufs);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(1, cb_count);
  ASSERT_EQ(28, cb_result);

  /* Read back the middle asynchronously, 6 buffers at offset 4. */
  bufs = malloc(6 * sizeof(*bufs));
  ASSERT_NOT_NULL(bufs);
  for (i = 0; i < 6; i++)
    bufs[i] = uv_buf_init(out[i], 4);
  cb_count = 0;
  ASSERT_OK(uv_fs_read(&loop, &req, fd, bufs, 6, 4, count_cb));
  free(bufs);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(1, cb_count);
  ASSERT_EQ(24, cb_result);
  ASSERT_EQ(UV_FS_READ, req.fs_type);
  uv_fs_req_cleanup(&req);
  ASSERT_MEM_EQ(expect + 4, out, 24);

  /* Current-position writes queue in order when chained. */
  ASSERT_EQ(0, lseek(fd, 0, SEEK_END) - 28);
  bufs = malloc(sizeof(*bufs));
  ASSERT_NOT_NULL(bufs);
  bufs[0] = uv_buf_init("end", 3);
  cb_count = 0;
  ASSERT_OK(uv_fs_write(&loop, &req, fd, bufs, 1, -1, rw_async_write_cb));
  free(bufs);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(3, cb_result);

  ASSERT_OK(uv_fs_close(&loop, &req, fd, NULL));
  uv_fs_req_cleanup(&req);
  all = fs_get(path, &len);
  ASSERT_EQ(31, len);
  ASSERT_MEM_EQ(expect, all, 28);
  ASSERT_MEM_EQ("end", all + 28, 3);
  free(all);

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
}

/* More buffers than one readv/writev takes (IOV_MAX is 1024 on Linux). */
TEST(fs_read_write_many_bufs) {
  enum { N = 3000 };
#ifdef _WIN32
  const int cap = N;
#else
  const int cap = IOV_MAX;
#endif
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  uv_buf_t* bufs;
  char* data;
  char* back;
  char path[PATH_MAX];
  char* all;
  size_t len;
  int fd;
  int i;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  bufs = malloc(N * sizeof(*bufs));
  data = malloc(N);
  back = malloc(N);
  ASSERT_NOT_NULL(bufs);
  ASSERT_NOT_NULL(data);
  ASSERT_NOT_NULL(back);
  for (i = 0; i < N; i++) {
    data[i] = (char) ('a' + i % 26);
    bufs[i] = uv_buf_init(data + i, 1);
  }

  fd = fs_create_rw(&loop, &s, path, "m");
  ASSERT_EQ(N, uv_fs_write(&loop, &req, fd, bufs, N, -1, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(N, lseek(fd, 0, SEEK_CUR));
  /* Same again asynchronously, positional, after the first copy. */
  cb_count = 0;
  ASSERT_OK(uv_fs_write(&loop, &req, fd, bufs, N, N, count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(N, cb_result);
  uv_fs_req_cleanup(&req);

  for (i = 0; i < N; i++)
    bufs[i] = uv_buf_init(back + i, 1);
  memset(back, 0, N);
  /* One read, capped at IOV_MAX buffers, as libuv does (Windows has no
   * such cap: there, as in libuv, one read fills every buffer). */
  ASSERT_EQ(cap, uv_fs_read(&loop, &req, fd, bufs, N, N, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_MEM_EQ(data, back, cap);
  if (cap < N)
    ASSERT_EQ(back[cap], 0);
  for (i = cap; i < N; i += cap) {
    ASSERT_EQ(N - i < cap ? N - i : cap,
              uv_fs_read(&loop, &req, fd, bufs + i, N - i, N + i, NULL));
    uv_fs_req_cleanup(&req);
  }
  ASSERT_MEM_EQ(data, back, N);
  memset(back, 0, N);
  cb_count = 0;
  ASSERT_OK(uv_fs_read(&loop, &req, fd, bufs, N, 0, count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(cap, cb_result);
  uv_fs_req_cleanup(&req);
  ASSERT_MEM_EQ(data, back, cap);

  ASSERT_OK(uv_fs_close(&loop, &req, fd, NULL));
  uv_fs_req_cleanup(&req);
  all = fs_get(path, &len);
  ASSERT_EQ(2 * N, len);
  ASSERT_MEM_EQ(data, all, N);
  ASSERT_MEM_EQ(data, all + N, N);
  free(all);
  free(bufs);
  free(data);
  free(back);

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
}

TEST(fs_read_write_errors) {
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  uv_buf_t buf;
  char path[PATH_MAX];
  char c;
  int fd;
  int dfd;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  fs_put(fs_path(&s, path, "r"), "data", 4);
  fd = open(path, O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  c = 'x';  /* written below (and refused): never uninitialised */
  buf = uv_buf_init(&c, 1);

  ASSERT_EQ(UV_EINVAL, uv_fs_read(&loop, &req, fd, &buf, 0, 0, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EINVAL, uv_fs_read(&loop, &req, fd, NULL, 1, 0, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EINVAL, uv_fs_write(&loop, &req, fd, &buf, 0, 0, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EINVAL, uv_fs_write(&loop, &req, fd, NULL, 1, 0, NULL));
  uv_fs_req_cleanup(&req);
  cb_count = 0;
  ASSERT_EQ(UV_EINVAL, uv_fs_write(&loop, &req, fd, NULL, 1, 0, count_cb));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EINVAL, uv_fs_read(&loop, &req, fd, &buf, 0, 0, count_cb));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(0, cb_count);

  /* Writing to a read-only descriptor, reading a directory. */
  ASSERT_EQ(UV_EBADF, uv_fs_write(&loop, &req, fd, &buf, 1, -1, NULL));
  uv_fs_req_cleanup(&req);
#ifdef _WIN32
  /* The C runtime cannot open directories; the library can. */
  dfd = uv_fs_open(NULL, &req, s.dir, UV_FS_O_RDONLY, 0, NULL);
  uv_fs_req_cleanup(&req);
#else
  dfd = open(s.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
#endif
  ASSERT_GE(dfd, 0);
  ASSERT_EQ(UV_EISDIR, uv_fs_read(&loop, &req, dfd, &buf, 1, -1, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(close(dfd));

  /* A closed descriptor. */
  ASSERT_OK(close(fd));
  ASSERT_EQ(UV_EBADF, uv_fs_read(&loop, &req, fd, &buf, 1, 0, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EBADF, uv_fs_read(&loop, &req, fd, &buf, 1, -1, NULL));
  uv_fs_req_cleanup(&req);
  cb_count = 0;
  ASSERT_OK(uv_fs_write(&loop, &req, fd, &buf, 1, 0, count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(1, cb_count);
  ASSERT_EQ(UV_EBADF, cb_result);
  uv_fs_req_cleanup(&req);

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
}

/* A write the kernel cuts short (here by a file size limit) reports what
 * did get written; the next one reports the error. */
TEST(fs_write_partial) {
#ifdef _WIN32
  RETURN_SKIP("no file size limit (RLIMIT_FSIZE) on Windows");
#else
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  uv_buf_t bufs[3];
  struct rlimit rl;
  char path[PATH_MAX];
  char* all;
  size_t len;
  int fd;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  fd = open(fs_path(&s, path, "limited"), O_RDWR | O_CREAT | O_CLOEXEC,
            0644);
  ASSERT_GE(fd, 0);

  signal(SIGXFSZ, SIG_IGN);
  ASSERT_OK(getrlimit(RLIMIT_FSIZE, &rl));
  rl.rlim_cur = 10;
  ASSERT_OK(setrlimit(RLIMIT_FSIZE, &rl));

  bufs[0] = uv_buf_init("aaaaaaaa", 8);
  bufs[1] = uv_buf_init("bbbbbbbb", 8);
  bufs[2] = uv_buf_init("cccccccc", 8);
  ASSERT_EQ(10, uv_fs_write(&loop, &req, fd, bufs, 3, 0, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EFBIG, uv_fs_write(&loop, &req, fd, bufs + 2, 1, 10, NULL));
  uv_fs_req_cleanup(&req);
  /* At the current position, asynchronously. */
  ASSERT_EQ(6, lseek(fd, 6, SEEK_SET));
  cb_count = 0;
  ASSERT_OK(uv_fs_write(&loop, &req, fd, bufs + 1, 2, -1, count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(1, cb_count);
  ASSERT_EQ(4, cb_result);
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(10, lseek(fd, 0, SEEK_CUR));

  rl.rlim_cur = rl.rlim_max;
  ASSERT_OK(setrlimit(RLIMIT_FSIZE, &rl));
  ASSERT_OK(close(fd));
  all = fs_get(path, &len);
  ASSERT_EQ(10, len);
  ASSERT_MEM_EQ("aaaaaabbbb", all, 10);
  free(all);

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
#endif
}

/* Offsets past 4 GiB must survive every conversion on the way. */
TEST(fs_large_offset) {
  const int64_t off = ((int64_t) 5 << 30) + 123;
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  uv_buf_t buf;
  char path[PATH_MAX];
  char back[6];
  struct stat st;
  int fd;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  fd = fs_create_rw(&loop, &s, path, "sparse");

  buf = uv_buf_init("hello", 5);
  ASSERT_EQ(5, uv_fs_write(&loop, &req, fd, &buf, 1, off, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(fstat(fd, &st));
  ASSERT_EQ(off + 5, st.st_size);

  memset(back, 0, sizeof(back));
  buf = uv_buf_init(back, sizeof(back));
  ASSERT_EQ(5, uv_fs_read(&loop, &req, fd, &buf, 1, off, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_MEM_EQ("hello", back, 5);

  /* Asynchronously, one byte further. */
  buf = uv_buf_init("world", 5);
  cb_count = 0;
  ASSERT_OK(uv_fs_write(&loop, &req, fd, &buf, 1, off + 1, count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(5, cb_result);
  uv_fs_req_cleanup(&req);
  buf = uv_buf_init(back, sizeof(back));
  ASSERT_OK(uv_fs_read(&loop, &req, fd, &buf, 1, off, count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(6, cb_result);
  uv_fs_req_cleanup(&req);
  ASSERT_MEM_EQ("hworld", back, 6);

  /* The current position goes past 4 GiB too. */
  ASSERT_EQ(off, lseek(fd, off, SEEK_SET));
  buf = uv_buf_init(back, 2);
  ASSERT_EQ(2, uv_fs_read(&loop, &req, fd, &buf, 1, -1, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_MEM_EQ("hw", back, 2);
  ASSERT_EQ(off + 2, lseek(fd, 0, SEEK_CUR));

  /* ftruncate with a large size, then fstat through the library. */
  ASSERT_OK(uv_fs_ftruncate(&loop, &req, fd, off * 2, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_fstat(&loop, &req, fd, NULL));
  ASSERT_UINT64_EQ((uint64_t) off * 2, req.statbuf.st_size);
  uv_fs_req_cleanup(&req);

  ASSERT_OK(uv_fs_close(&loop, &req, fd, NULL));
  uv_fs_req_cleanup(&req);
  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
}

/* ---- stat --------------------------------------------------------------- */

#ifndef _WIN32
static void check_stat(const uv_stat_t* u, const struct stat* st) {
  ASSERT_UINT64_EQ(st->st_dev, u->st_dev);
  ASSERT_UINT64_EQ(st->st_ino, u->st_ino);
  ASSERT_UINT64_EQ(st->st_mode, u->st_mode);
  ASSERT_UINT64_EQ(st->st_nlink, u->st_nlink);
  ASSERT_UINT64_EQ(st->st_uid, u->st_uid);
  ASSERT_UINT64_EQ(st->st_gid, u->st_gid);
  ASSERT_UINT64_EQ(st->st_rdev, u->st_rdev);
  ASSERT_UINT64_EQ(st->st_size, u->st_size);
  ASSERT_UINT64_EQ(st->st_blksize, u->st_blksize);
  ASSERT_UINT64_EQ(st->st_blocks, u->st_blocks);
  ASSERT_EQ(st->st_atim.tv_sec, u->st_atim.tv_sec);
  ASSERT_EQ(st->st_atim.tv_nsec, u->st_atim.tv_nsec);
  ASSERT_EQ(st->st_mtim.tv_sec, u->st_mtim.tv_sec);
  ASSERT_EQ(st->st_mtim.tv_nsec, u->st_mtim.tv_nsec);
  ASSERT_EQ(st->st_ctim.tv_sec, u->st_ctim.tv_sec);
  ASSERT_EQ(st->st_ctim.tv_nsec, u->st_ctim.tv_nsec);
  ASSERT_UINT64_EQ(0, u->st_flags);
  ASSERT_UINT64_EQ(0, u->st_gen);
  /* Birth time (or the change time where there is none) is never after
   * the change time and never zero on a real file system. */
  ASSERT(u->st_birthtim.tv_sec > 0);
  ASSERT(u->st_birthtim.tv_sec < u->st_ctim.tv_sec ||
         (u->st_birthtim.tv_sec == u->st_ctim.tv_sec &&
          u->st_birthtim.tv_nsec <= u->st_ctim.tv_nsec));
}

#endif
TEST(fs_stat) {
#ifdef _WIN32
  RETURN_SKIP("the C runtime has no lstat/symlink and its stat() no inode, links or nanoseconds; fs_win_stat covers this");
#else
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  char path[PATH_MAX];
  char link[PATH_MAX];
  char sub[PATH_MAX];
  struct stat st;
  int fd;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  fs_put(fs_path(&s, path, "f"), "0123456789", 10);
  fs_path(&s, link, "l");
  ASSERT_OK(symlink("f", link));

  ASSERT_OK(uv_fs_stat(&loop, &req, path, NULL));
  ASSERT_EQ(UV_FS_STAT, req.fs_type);
  ASSERT_PTR_EQ(&req.statbuf, req.ptr);
  ASSERT_PTR_EQ(&req.statbuf, uv_fs_get_statbuf(&req));
  ASSERT_PTR_EQ(&req.statbuf, uv_fs_get_ptr(&req));
  ASSERT_OK(stat(path, &st));
  check_stat(&req.statbuf, &st);
  uv_fs_req_cleanup(&req);
  ASSERT_NULL(req.ptr);

  /* stat follows the link, lstat does not. */
  ASSERT_OK(uv_fs_stat(&loop, &req, link, NULL));
  ASSERT(S_ISREG(req.statbuf.st_mode));
  ASSERT_UINT64_EQ(10, req.statbuf.st_size);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_lstat(&loop, &req, link, NULL));
  ASSERT_EQ(UV_FS_LSTAT, req.fs_type);
  ASSERT(S_ISLNK(req.statbuf.st_mode));
  ASSERT_OK(lstat(link, &st));
  check_stat(&req.statbuf, &st);
  uv_fs_req_cleanup(&req);

  fd = open(path, O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_OK(uv_fs_fstat(&loop, &req, fd, NULL));
  ASSERT_EQ(UV_FS_FSTAT, req.fs_type);
  ASSERT_OK(fstat(fd, &st));
  check_stat(&req.statbuf, &st);
  uv_fs_req_cleanup(&req);

  /* Directories, asynchronously. */
  cb_count = 0;
  ASSERT_OK(uv_fs_stat(&loop, &req, s.dir, count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(1, cb_count);
  ASSERT_EQ(0, cb_result);
  ASSERT(S_ISDIR(req.statbuf.st_mode));
  ASSERT_OK(stat(s.dir, &st));
  check_stat(&req.statbuf, &st);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_fstat(&loop, &req, fd, count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(0, cb_result);
  ASSERT_UINT64_EQ(10, req.statbuf.st_size);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_lstat(&loop, &req, link, count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(0, cb_result);
  ASSERT(S_ISLNK(req.statbuf.st_mode));
  uv_fs_req_cleanup(&req);

  /* Errors. */
  ASSERT_EQ(UV_ENOENT, uv_fs_stat(&loop, &req, fs_path(&s, sub, "x"), NULL));
  uv_fs_req_cleanup(&req);
  fs_path(&s, sub, "f/x");
  ASSERT_EQ(UV_ENOTDIR, uv_fs_stat(&loop, &req, sub, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_ENOTDIR, uv_fs_lstat(&loop, &req, sub, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EINVAL, uv_fs_stat(&loop, &req, NULL, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(close(fd));
  ASSERT_EQ(UV_EBADF, uv_fs_fstat(&loop, &req, fd, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EBADF, uv_fs_fstat(&loop, &req, -1, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EBADF, uv_fs_fstat(&loop, &req, AT_FDCWD, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EBADF, uv_fs_futime(&loop, &req, AT_FDCWD, 1, 1, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EBADF, uv_fs_fchmod(&loop, &req, AT_FDCWD, 0755, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EBADF, uv_fs_fchown(&loop, &req, AT_FDCWD, 0, 0, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_fstat(&loop, &req, fd, count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(UV_EBADF, cb_result);
  uv_fs_req_cleanup(&req);

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
#endif
}

TEST(fs_statfs) {
#ifdef _WIN32
  RETURN_SKIP("statfs(2) is the reference; fs_win_statfs covers Windows");
#else
  uv_loop_t loop;
  uv_fs_t req;
  uv_statfs_t* sf;
  struct statfs ref;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_fs_statfs(&loop, &req, ".", NULL));
  ASSERT_EQ(UV_FS_STATFS, req.fs_type);
  sf = req.ptr;
  ASSERT_NOT_NULL(sf);
  ASSERT_OK(statfs(".", &ref));
  ASSERT_UINT64_EQ(ref.f_type, sf->f_type);
  ASSERT_UINT64_EQ(ref.f_bsize, sf->f_bsize);
  ASSERT_UINT64_EQ(ref.f_blocks, sf->f_blocks);
  ASSERT_UINT64_EQ(ref.f_files, sf->f_files);
  ASSERT_UINT64_EQ(ref.f_frsize, sf->f_frsize);
  ASSERT(sf->f_bavail <= sf->f_blocks);
  ASSERT(sf->f_bfree <= sf->f_blocks);
  ASSERT_UINT64_EQ(0, sf->f_spare[0]);
  uv_fs_req_cleanup(&req);  /* frees the result (LeakSanitizer checks) */
  ASSERT_NULL(req.ptr);

  cb_count = 0;
  ASSERT_OK(uv_fs_statfs(&loop, &req, "/", count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(0, cb_result);
  ASSERT_NOT_NULL(req.ptr);
  uv_fs_req_cleanup(&req);

  ASSERT_EQ(UV_ENOENT, uv_fs_statfs(&loop, &req, "no/such/dir", NULL));
  ASSERT_NULL(req.ptr);
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EINVAL, uv_fs_statfs(&loop, &req, NULL, NULL));
  uv_fs_req_cleanup(&req);
  close_loop_and_check(&loop);
  return 0;
#endif
}

/* ---- times -------------------------------------------------------------- */

TEST(fs_utime) {
#ifdef _WIN32
  RETURN_SKIP("needs symlinks and nanosecond stat() as reference; fs_win_utime covers Windows");
#else
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  char path[PATH_MAX];
  char link[PATH_MAX];
  struct stat st;
  struct stat lst;
  time_t before;
  int fd;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  fs_put(fs_path(&s, path, "t"), "x", 1);
  fs_path(&s, link, "tl");
  ASSERT_OK(symlink("t", link));

  /* Fractions become nanoseconds. */
  ASSERT_OK(uv_fs_utime(&loop, &req, path, 1000.5, 2000.25, NULL));
  ASSERT_EQ(UV_FS_UTIME, req.fs_type);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(stat(path, &st));
  ASSERT_EQ(1000, st.st_atim.tv_sec);
  ASSERT_EQ(500000000, st.st_atim.tv_nsec);
  ASSERT_EQ(2000, st.st_mtim.tv_sec);
  ASSERT_EQ(250000000, st.st_mtim.tv_nsec);

  /* Before 1970 the nanoseconds stay positive: -1.5 is -2 s + 0.5 s. */
  ASSERT_OK(uv_fs_utime(&loop, &req, path, -1.5, 3000, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(stat(path, &st));
  ASSERT_EQ(-2, st.st_atim.tv_sec);
  ASSERT_EQ(500000000, st.st_atim.tv_nsec);

  /* NOW sets the clock time, OMIT leaves the value alone. */
  before = time(NULL);
  ASSERT_OK(uv_fs_utime(&loop, &req, path, UV_FS_UTIME_NOW,
                        UV_FS_UTIME_OMIT, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(stat(path, &st));
  ASSERT_GE(st.st_atim.tv_sec, before - 1);
  ASSERT_LE(st.st_atim.tv_sec, time(NULL) + 1);
  ASSERT_EQ(3000, st.st_mtim.tv_sec);
  ASSERT_EQ(0, st.st_mtim.tv_nsec);

  /* futime, asynchronously. */
  fd = open(path, O_RDWR | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  cb_count = 0;
  ASSERT_OK(uv_fs_futime(&loop, &req, fd, UV_FS_UTIME_OMIT, 4000.75,
                         count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(1, cb_count);
  ASSERT_EQ(0, cb_result);
  ASSERT_EQ(UV_FS_FUTIME, req.fs_type);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(fstat(fd, &st));
  ASSERT_EQ(4000, st.st_mtim.tv_sec);
  ASSERT_EQ(750000000, st.st_mtim.tv_nsec);
  ASSERT_OK(uv_fs_futime(&loop, &req, fd, 10, 20, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(fstat(fd, &st));
  ASSERT_EQ(10, st.st_atim.tv_sec);
  ASSERT_EQ(20, st.st_mtim.tv_sec);
  ASSERT_OK(close(fd));
  ASSERT_EQ(UV_EBADF, uv_fs_futime(&loop, &req, fd, 1, 1, NULL));
  uv_fs_req_cleanup(&req);

  /* lutime changes the link, not its target. */
  ASSERT_OK(uv_fs_lutime(&loop, &req, link, 5000, 6000, NULL));
  ASSERT_EQ(UV_FS_LUTIME, req.fs_type);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(lstat(link, &lst));
  ASSERT_OK(stat(path, &st));
  ASSERT_EQ(6000, lst.st_mtim.tv_sec);
  ASSERT_EQ(20, st.st_mtim.tv_sec);
  ASSERT_OK(uv_fs_utime(&loop, &req, link, 7000, 8000, count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(0, cb_result);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(lstat(link, &lst));
  ASSERT_OK(stat(path, &st));
  ASSERT_EQ(6000, lst.st_mtim.tv_sec);
  ASSERT_EQ(8000, st.st_mtim.tv_sec);
  cb_count = 0;
  ASSERT_OK(uv_fs_lutime(&loop, &req, link, UV_FS_UTIME_OMIT, 9000.5,
                         count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(1, cb_count);
  ASSERT_EQ(0, cb_result);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(lstat(link, &lst));
  ASSERT_EQ(9000, lst.st_mtim.tv_sec);
  ASSERT_EQ(500000000, lst.st_mtim.tv_nsec);

  /* Errors. */
  ASSERT_EQ(UV_ENOENT, uv_fs_utime(&loop, &req, "no-such-file", 1, 1, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_ENOENT, uv_fs_lutime(&loop, &req, "no-such-file", 1, 1, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EINVAL, uv_fs_utime(&loop, &req, NULL, 1, 1, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EINVAL, uv_fs_utime(&loop, &req, path, -INFINITY, 1, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EINVAL, uv_fs_futime(&loop, &req, 0, 1, 1e300, NULL));
  uv_fs_req_cleanup(&req);

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
#endif
}

/* ---- names -------------------------------------------------------------- */

TEST(fs_readlink_realpath) {
#ifdef _WIN32
  RETURN_SKIP("POSIX readlink/realpath/symlink are the reference; fs_win_links covers Windows");
#else
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  char path[PATH_MAX];
  char link[PATH_MAX];
  char longlink[PATH_MAX];
  char target[1200];
  char* real;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  fs_put(fs_path(&s, path, "target"), "", 0);
  fs_path(&s, link, "link");

  ASSERT_OK(uv_fs_symlink(&loop, &req, "target", link, 0, NULL));
  ASSERT_EQ(UV_FS_SYMLINK, req.fs_type);
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EEXIST, uv_fs_symlink(&loop, &req, "target", link,
                                     UV_FS_SYMLINK_DIR, NULL));
  uv_fs_req_cleanup(&req);
  cb_count = 0;
  ASSERT_OK(uv_fs_symlink(&loop, &req, "../elsewhere",
                          fs_path(&s, longlink, "async-link"),
                          UV_FS_SYMLINK_JUNCTION, count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(1, cb_count);
  ASSERT_EQ(0, cb_result);
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(12, readlink(longlink, target, sizeof(target)));
  ASSERT_MEM_EQ("../elsewhere", target, 12);

  ASSERT_OK(uv_fs_readlink(&loop, &req, link, NULL));
  ASSERT_EQ(UV_FS_READLINK, req.fs_type);
  ASSERT_STR_EQ("target", req.ptr);
  uv_fs_req_cleanup(&req);
  ASSERT_NULL(req.ptr);

  /* A target longer than any first guess of the buffer size. */
  memset(target, 'a', sizeof(target) - 1);
  target[sizeof(target) - 1] = '\0';
  target[200] = target[400] = target[600] = target[800] = target[1000] = '/';
  ASSERT_OK(symlink(target, fs_path(&s, longlink, "long")));
  cb_count = 0;
  ASSERT_OK(uv_fs_readlink(&loop, &req, longlink, count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(1, cb_count);
  ASSERT_EQ(0, cb_result);
  ASSERT_STR_EQ(target, req.ptr);
  uv_fs_req_cleanup(&req);

  ASSERT_OK(uv_fs_realpath(&loop, &req, link, NULL));
  ASSERT_EQ(UV_FS_REALPATH, req.fs_type);
  real = realpath(path, NULL);
  ASSERT_NOT_NULL(real);
  ASSERT_STR_EQ(real, req.ptr);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_realpath(&loop, &req, ".", count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(0, cb_result);
  ASSERT_EQ('/', ((char*) req.ptr)[0]);
  ASSERT_NOT_NULL(strstr(real, req.ptr));
  uv_fs_req_cleanup(&req);
  free(real);

  /* Errors: not a link, missing, dangling. */
  ASSERT_EQ(UV_EINVAL, uv_fs_readlink(&loop, &req, path, NULL));
  ASSERT_NULL(req.ptr);
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_ENOENT, uv_fs_readlink(&loop, &req, "no-such", NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_ENOENT, uv_fs_realpath(&loop, &req, longlink, NULL));
  ASSERT_NULL(req.ptr);
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EINVAL, uv_fs_readlink(&loop, &req, NULL, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EINVAL, uv_fs_realpath(&loop, &req, NULL, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EINVAL, uv_fs_symlink(&loop, &req, "x", NULL, 0, NULL));
  uv_fs_req_cleanup(&req);

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
#endif
}

TEST(fs_link_rename_unlink) {
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  char a[PATH_MAX];
  char b[PATH_MAX];
  char c[PATH_MAX];
  char d[PATH_MAX];
  struct stat st;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  fs_put(fs_path(&s, a, "a"), "A", 1);
  fs_path(&s, b, "b");
  fs_path(&s, c, "c");
  fs_path(&s, d, "d");

  ASSERT_OK(uv_fs_link(&loop, &req, a, b, NULL));
  ASSERT_EQ(UV_FS_LINK, req.fs_type);
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(2, fs_nlink(a));
  ASSERT_EQ(UV_EEXIST, uv_fs_link(&loop, &req, a, b, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_ENOENT, uv_fs_link(&loop, &req, c, d, NULL));
  uv_fs_req_cleanup(&req);

  ASSERT_OK(uv_fs_rename(&loop, &req, b, c, NULL));
  ASSERT_EQ(UV_FS_RENAME, req.fs_type);
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(-1, lstat(b, &st));
  ASSERT_OK(lstat(c, &st));
  ASSERT_EQ(UV_ENOENT, uv_fs_rename(&loop, &req, b, d, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EINVAL, uv_fs_rename(&loop, &req, a, NULL, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EINVAL, uv_fs_rename(&loop, &req, NULL, a, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EINVAL, uv_fs_link(&loop, &req, NULL, a, NULL));
  uv_fs_req_cleanup(&req);

  /* Asynchronously: rename, link, unlink. */
  cb_count = 0;
  ASSERT_OK(uv_fs_rename(&loop, &req, c, d, count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(0, cb_result);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_link(&loop, &req, d, c, count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(0, cb_result);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_unlink(&loop, &req, c, count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(0, cb_result);
  ASSERT_EQ(UV_FS_UNLINK, req.fs_type);
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(3, cb_count);
  ASSERT_EQ(-1, lstat(c, &st));

  ASSERT_OK(uv_fs_unlink(&loop, &req, d, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_ENOENT, uv_fs_unlink(&loop, &req, d, NULL));
  uv_fs_req_cleanup(&req);
#ifdef _WIN32
  ASSERT_EQ(UV_EPERM, uv_fs_unlink(&loop, &req, s.dir, NULL));  /* libuv */
#else
  ASSERT_EQ(UV_EISDIR, uv_fs_unlink(&loop, &req, s.dir, NULL));
#endif
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EINVAL, uv_fs_unlink(&loop, &req, NULL, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(1, fs_nlink(a));

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
}

TEST(fs_mkdir_rmdir) {
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  char d[PATH_MAX];
  char f[PATH_MAX];
  char sub[PATH_MAX];
  struct stat st;
  mode_t mask;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  fs_path(&s, d, "d");
  fs_put(fs_path(&s, f, "f"), "", 0);

  mask = umask(022);
  ASSERT_OK(uv_fs_mkdir(&loop, &req, d, 0750, NULL));
  ASSERT_EQ(UV_FS_MKDIR, req.fs_type);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(stat(d, &st));
  ASSERT(S_ISDIR(st.st_mode));
#ifndef _WIN32  /* no permission bits: the mode is ignored, as in libuv */
  ASSERT_EQ(0750, st.st_mode & 0777);
#endif
  ASSERT_EQ(UV_EEXIST, uv_fs_mkdir(&loop, &req, d, 0755, NULL));
  uv_fs_req_cleanup(&req);
  fs_path(&s, sub, "d/x/y");
  ASSERT_EQ(UV_ENOENT, uv_fs_mkdir(&loop, &req, sub, 0755, NULL));
  uv_fs_req_cleanup(&req);
  fs_path(&s, sub, "f/x");
  ASSERT_EQ(UV_ENOTDIR, uv_fs_mkdir(&loop, &req, sub, 0755, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EINVAL, uv_fs_mkdir(&loop, &req, NULL, 0755, NULL));
  uv_fs_req_cleanup(&req);

  /* Not empty, not a directory, missing. */
  fs_path(&s, sub, "d/inner");
  cb_count = 0;
  ASSERT_OK(uv_fs_mkdir(&loop, &req, sub, 0700, count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(0, cb_result);
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_ENOTEMPTY, uv_fs_rmdir(&loop, &req, d, NULL));
  ASSERT_EQ(UV_FS_RMDIR, req.fs_type);
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_ENOTDIR, uv_fs_rmdir(&loop, &req, f, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EINVAL, uv_fs_rmdir(&loop, &req, NULL, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_rmdir(&loop, &req, sub, count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(0, cb_result);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_rmdir(&loop, &req, d, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_ENOENT, uv_fs_rmdir(&loop, &req, d, NULL));
  uv_fs_req_cleanup(&req);
  umask(mask);

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
}

TEST(fs_mkdtemp_mkstemp) {
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  char tpl[PATH_MAX];
  char made[PATH_MAX];
  struct stat st;
  int fd;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  fs_path(&s, tpl, "dir-XXXXXX");

  ASSERT_OK(uv_fs_mkdtemp(&loop, &req, tpl, NULL));
  ASSERT_EQ(UV_FS_MKDTEMP, req.fs_type);
  ASSERT_NOT_NULL(req.path);
  ASSERT_STR_NE(tpl, req.path);
  ASSERT_EQ(0, strncmp(tpl, req.path, strlen(tpl) - 6));
  ASSERT_STR_EQ(tpl + strlen(tpl) - 10, "dir-XXXXXX");  /* ours untouched */
  ASSERT_OK(stat(req.path, &st));
  ASSERT(S_ISDIR(st.st_mode));
#ifndef _WIN32
  ASSERT_EQ(0700, st.st_mode & 0777);
#endif
  uv_fs_req_cleanup(&req);

  cb_count = 0;
  ASSERT_OK(uv_fs_mkdtemp(&loop, &req, tpl, count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(1, cb_count);
  ASSERT_EQ(0, cb_result);
  ASSERT_OK(stat(req.path, &st));
  ASSERT(S_ISDIR(st.st_mode));
  uv_fs_req_cleanup(&req);

  /* The template must end in six X. */
  ASSERT_EQ(UV_EINVAL, uv_fs_mkdtemp(&loop, &req, fs_path(&s, made, "bad"),
                                     NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EINVAL, uv_fs_mkdtemp(&loop, &req,
                                     fs_path(&s, made, "XXXXXXa"), NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EINVAL, uv_fs_mkdtemp(&loop, &req, NULL, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_ENOENT, uv_fs_mkdtemp(&loop, &req, "no/such/XXXXXX", NULL));
  uv_fs_req_cleanup(&req);

  /* mkstemp: a descriptor in result, the name in path. */
  fs_path(&s, tpl, "file-XXXXXX");
  fd = uv_fs_mkstemp(&loop, &req, tpl, NULL);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(fd, req.result);
  ASSERT_EQ(UV_FS_MKSTEMP, req.fs_type);
  ASSERT_STR_NE(tpl, req.path);
  ASSERT(fs_is_cloexec(fd));
  ASSERT_OK(stat(req.path, &st));
  ASSERT(S_ISREG(st.st_mode));
#ifndef _WIN32
  ASSERT_EQ(0600, st.st_mode & 0777);
#endif
  ASSERT_EQ(4, write(fd, "temp", 4));
  strcpy(made, req.path);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(close(fd));
  ASSERT_OK(stat(made, &st));
  ASSERT_EQ(4, st.st_size);

  cb_count = 0;
  ASSERT_OK(uv_fs_mkstemp(&loop, &req, tpl, count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_GE(cb_result, 0);
  ASSERT_STR_NE(made, req.path);
  ASSERT_OK(close((int) cb_result));
  uv_fs_req_cleanup(&req);

  ASSERT_EQ(UV_EINVAL, uv_fs_mkstemp(&loop, &req, fs_path(&s, made, "bad"),
                                     NULL));
  /* A failed mkstemp leaves an empty path, as in libuv. */
  ASSERT_NOT_NULL(req.path);
  ASSERT_STR_EQ(req.path, "");
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EINVAL, uv_fs_mkstemp(&loop, &req, NULL, NULL));
  uv_fs_req_cleanup(&req);
  cb_count = 0;
  ASSERT_OK(uv_fs_mkstemp(&loop, &req, "no/such/XXXXXX", count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(UV_ENOENT, cb_result);
  uv_fs_req_cleanup(&req);

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
}

/* ---- permissions and ownership ----------------------------------------- */

TEST(fs_access_chmod) {
#ifdef _WIN32
  RETURN_SKIP("POSIX permission bits; Windows has only the read-only attribute (fs_win_readonly)");
#else
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  char path[PATH_MAX];
  struct stat st;
  int fd;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  fs_put(fs_path(&s, path, "p"), "", 0);

  ASSERT_OK(uv_fs_access(&loop, &req, path, F_OK, NULL));
  ASSERT_EQ(UV_FS_ACCESS, req.fs_type);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_access(&loop, &req, path, R_OK | W_OK, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_ENOENT, uv_fs_access(&loop, &req, "no-such", F_OK, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EINVAL, uv_fs_access(&loop, &req, path, 0x1000, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EINVAL, uv_fs_access(&loop, &req, NULL, F_OK, NULL));
  uv_fs_req_cleanup(&req);

  ASSERT_OK(uv_fs_chmod(&loop, &req, path, 0604, NULL));
  ASSERT_EQ(UV_FS_CHMOD, req.fs_type);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(stat(path, &st));
  ASSERT_EQ(0604, st.st_mode & 07777);
  /* Not executable: X_OK fails even for root. */
  ASSERT_EQ(UV_EACCES, uv_fs_access(&loop, &req, path, X_OK, NULL));
  uv_fs_req_cleanup(&req);

  cb_count = 0;
  ASSERT_OK(uv_fs_chmod(&loop, &req, path, 0755, count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(0, cb_result);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(stat(path, &st));
  ASSERT_EQ(0755, st.st_mode & 07777);
  ASSERT_OK(uv_fs_access(&loop, &req, path, X_OK, count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(0, cb_result);
  uv_fs_req_cleanup(&req);

  fd = open(path, O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_OK(uv_fs_fchmod(&loop, &req, fd, 0640, NULL));
  ASSERT_EQ(UV_FS_FCHMOD, req.fs_type);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(stat(path, &st));
  ASSERT_EQ(0640, st.st_mode & 07777);
  ASSERT_OK(uv_fs_fchmod(&loop, &req, fd, 0600, count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(0, cb_result);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(stat(path, &st));
  ASSERT_EQ(0600, st.st_mode & 07777);
  ASSERT_OK(close(fd));
  ASSERT_EQ(UV_EBADF, uv_fs_fchmod(&loop, &req, fd, 0600, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_ENOENT, uv_fs_chmod(&loop, &req, "no-such", 0600, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EINVAL, uv_fs_chmod(&loop, &req, NULL, 0600, NULL));
  uv_fs_req_cleanup(&req);

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
#endif
}

#ifndef _WIN32
/* Run in a child that became an ordinary user: what does the library say
 * about a mode-000 file and a readable one?  Exit code 0 when it answered
 * EACCES and success respectively. */
static int unprivileged_checks(uv_loop_t* loop, int others_files) {
  struct stat st;
  uv_fs_t req;
  int r;

  r = uv_fs_open(loop, &req, "locked", UV_FS_O_RDONLY, 0, NULL);
  uv_fs_req_cleanup(&req);
  if (r != UV_EACCES)
    return 10;
  r = uv_fs_access(loop, &req, "locked", R_OK, NULL);
  uv_fs_req_cleanup(&req);
  if (r != UV_EACCES)
    return 11;
  r = uv_fs_chmod(loop, &req, "locked", 0644, NULL);
  uv_fs_req_cleanup(&req);
  if (r != UV_EPERM)
    return 12;
  r = uv_fs_open(loop, &req, "open", UV_FS_O_RDONLY, 0, NULL);
  uv_fs_req_cleanup(&req);
  if (r < 0)
    return 13;
  close(r);
  if (others_files) {
    /* Copying into someone else's writable file: the data goes in, the
     * mode (which we may not change) stays. */
    r = uv_fs_copyfile(loop, &req, "open", "shared", 0, NULL);
    uv_fs_req_cleanup(&req);
    if (r != 0)
      return 14;
    if (stat("shared", &st) || (st.st_mode & 07777) != 0666 ||
        st.st_size != 6)
      return 15;
  }
  return 0;
}

#endif
TEST(fs_permission_denied) {
#ifdef _WIN32
  RETURN_SKIP("no mode-000 files, fork or setuid on Windows");
#else
  fs_scratch_t s;
  uv_loop_t loop;
  char path[PATH_MAX];
  char cwd[PATH_MAX];
  pid_t pid;
  int status;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  fs_put(fs_path(&s, path, "locked"), "secret", 6);
  ASSERT_OK(chmod(path, 0));
  fs_put(fs_path(&s, path, "open"), "public", 6);
  ASSERT_OK(chmod(path, 0644));

  if (geteuid() != 0) {
    /* Already unprivileged: check in place. */
    ASSERT_NOT_NULL(getcwd(cwd, sizeof(cwd)));
    ASSERT_OK(chdir(s.dir));
    status = unprivileged_checks(&loop, 0);
    ASSERT_OK(chdir(cwd));
    ASSERT_EQ(0, status);
  } else {
    /* Root passes every permission check, so ask as nobody.  The child
     * enters the scratch directory first: the path above it need not be
     * searchable by nobody, the scratch directory itself must be. */
    ASSERT_OK(chmod(s.dir, 0755));
    fs_put(fs_path(&s, path, "shared"), "old shared content", 18);
    ASSERT_OK(chmod(path, 0666));
    pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      if (chdir(s.dir) || setgroups(0, NULL) || setgid(65534) ||
          setuid(65534))
        _exit(20);
      _exit(unprivileged_checks(&loop, 1));
    }
    ASSERT_EQ(pid, waitpid(pid, &status, 0));
    ASSERT(WIFEXITED(status));
    ASSERT_EQ(0, WEXITSTATUS(status));
  }

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
#endif
}

TEST(fs_chown) {
#ifdef _WIN32
  RETURN_SKIP("no owners to change on Windows: chown is a no-op there (fs_win_chown)");
#else
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  char path[PATH_MAX];
  char link[PATH_MAX];
  struct stat st;
  struct stat lst;
  uid_t uid;
  gid_t gid;
  int fd;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  fs_put(fs_path(&s, path, "o"), "", 0);
  fs_path(&s, link, "ol");
  ASSERT_OK(symlink("o", link));
  uid = geteuid();
  gid = getegid();

  /* -1 leaves both alone; this works for anyone who owns the file. */
  ASSERT_OK(uv_fs_chown(&loop, &req, path, (uv_uid_t) -1, (uv_gid_t) -1,
                        NULL));
  ASSERT_EQ(UV_FS_CHOWN, req.fs_type);
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_ENOENT, uv_fs_chown(&loop, &req, "no-such", uid, gid, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EINVAL, uv_fs_chown(&loop, &req, NULL, uid, gid, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EINVAL, uv_fs_lchown(&loop, &req, NULL, uid, gid, NULL));
  uv_fs_req_cleanup(&req);

  if (uid != 0) {
    /* Giving a file away needs privilege. */
    ASSERT_EQ(UV_EPERM, uv_fs_chown(&loop, &req, path, 65534, 65534, NULL));
    uv_fs_req_cleanup(&req);
    fs_scratch_done(&s);
    close_loop_and_check(&loop);
    return 0;
  }

  ASSERT_OK(uv_fs_chown(&loop, &req, path, 65534, 65534, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(stat(path, &st));
  ASSERT_EQ(65534, st.st_uid);
  ASSERT_EQ(65534, st.st_gid);

  /* fchown, asynchronously, back to us. */
  fd = open(path, O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  cb_count = 0;
  ASSERT_OK(uv_fs_fchown(&loop, &req, fd, uid, gid, count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(1, cb_count);
  ASSERT_EQ(0, cb_result);
  ASSERT_EQ(UV_FS_FCHOWN, req.fs_type);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(fstat(fd, &st));
  ASSERT_EQ(uid, st.st_uid);
  ASSERT_EQ(gid, st.st_gid);
  ASSERT_OK(uv_fs_fchown(&loop, &req, fd, (uv_uid_t) -1, 65534, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(fstat(fd, &st));
  ASSERT_EQ(uid, st.st_uid);
  ASSERT_EQ(65534, st.st_gid);
  ASSERT_OK(close(fd));
  ASSERT_EQ(UV_EBADF, uv_fs_fchown(&loop, &req, fd, uid, gid, NULL));
  uv_fs_req_cleanup(&req);

  /* lchown changes the link only; chown through the link the target. */
  ASSERT_OK(uv_fs_lchown(&loop, &req, link, 65534, 65534, count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(0, cb_result);
  ASSERT_EQ(UV_FS_LCHOWN, req.fs_type);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(lstat(link, &lst));
  ASSERT_OK(stat(path, &st));
  ASSERT_EQ(65534, lst.st_uid);
  ASSERT_EQ(uid, st.st_uid);
  ASSERT_OK(uv_fs_chown(&loop, &req, link, uid, gid, count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(0, cb_result);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(stat(path, &st));
  ASSERT_EQ(uid, st.st_uid);
  ASSERT_EQ(gid, st.st_gid);
  ASSERT_OK(uv_fs_lchown(&loop, &req, link, uid, gid, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(lstat(link, &lst));
  ASSERT_EQ(uid, lst.st_uid);

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
#endif
}

/* ---- descriptors: truncate, sync, handles ------------------------------ */

TEST(fs_ftruncate_fsync) {
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  char path[PATH_MAX];
  struct stat st;
  int fd;
  int rfd;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  fs_put(fs_path(&s, path, "t"), "0123456789", 10);
  fd = open(path, O_RDWR | O_CLOEXEC);
  ASSERT_GE(fd, 0);

  ASSERT_OK(uv_fs_ftruncate(&loop, &req, fd, 4, NULL));
  ASSERT_EQ(UV_FS_FTRUNCATE, req.fs_type);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(fstat(fd, &st));
  ASSERT_EQ(4, st.st_size);
  cb_count = 0;
  ASSERT_OK(uv_fs_ftruncate(&loop, &req, fd, 100, count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(0, cb_result);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(fstat(fd, &st));
  ASSERT_EQ(100, st.st_size);
  ASSERT_EQ(UV_EINVAL, uv_fs_ftruncate(&loop, &req, fd, -1, NULL));
  uv_fs_req_cleanup(&req);

  ASSERT_OK(uv_fs_fsync(&loop, &req, fd, NULL));
  ASSERT_EQ(UV_FS_FSYNC, req.fs_type);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_fdatasync(&loop, &req, fd, NULL));
  ASSERT_EQ(UV_FS_FDATASYNC, req.fs_type);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_fsync(&loop, &req, fd, count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(0, cb_result);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_fdatasync(&loop, &req, fd, count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(0, cb_result);
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(3, cb_count);

  /* Truncating needs a writable descriptor. */
  rfd = open(path, O_RDONLY | O_CLOEXEC);
  ASSERT_GE(rfd, 0);
  ASSERT_EQ(UV_EINVAL, uv_fs_ftruncate(&loop, &req, rfd, 0, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(close(rfd));

  ASSERT_OK(close(fd));
  ASSERT_EQ(UV_EBADF, uv_fs_ftruncate(&loop, &req, fd, 0, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EBADF, uv_fs_fsync(&loop, &req, fd, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EBADF, uv_fs_fdatasync(&loop, &req, fd, NULL));
  uv_fs_req_cleanup(&req);

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
}

TEST(fs_osfhandle) {
#ifdef _WIN32
  uv_os_fd_t h;
  int fds[2];
  int fd;

  ASSERT_OK(_pipe(fds, 256, O_BINARY));
  h = uv_get_osfhandle(fds[0]);
  ASSERT_PTR_EQ((HANDLE) _get_osfhandle(fds[0]), h);
  ASSERT_PTR_EQ(INVALID_HANDLE_VALUE, uv_get_osfhandle(-1));
  /* A new descriptor for the same handle: it owns the handle from then
   * on, so it is duplicated first. */
  ASSERT(DuplicateHandle(GetCurrentProcess(), uv_get_osfhandle(fds[1]),
                         GetCurrentProcess(), &h, 0, FALSE,
                         DUPLICATE_SAME_ACCESS));
  fd = uv_open_osfhandle(h);
  ASSERT_GE(fd, 0);
  ASSERT_PTR_EQ(h, uv_get_osfhandle(fd));
  ASSERT_EQ(1, write(fd, "x", 1));
  ASSERT_OK(close(fd));
  ASSERT_OK(close(fds[0]));
  ASSERT_OK(close(fds[1]));
  return 0;
#else
  uv_os_fd_t h;
  int fds[2];

  ASSERT_OK(pipe(fds));
  h = uv_get_osfhandle(fds[0]);
  ASSERT_EQ(fds[0], h);
  ASSERT_EQ(fds[1], uv_open_osfhandle(uv_get_osfhandle(fds[1])));
  ASSERT_EQ(0, uv_get_osfhandle(0));
  ASSERT_EQ(-1, uv_open_osfhandle(-1));
  /* The same descriptor: writing through one end is read at the other. */
  ASSERT_EQ(1, write(uv_open_osfhandle(fds[1]), "x", 1));
  ASSERT_OK(close(fds[0]));
  ASSERT_OK(close(fds[1]));
  return 0;
#endif
}

/* ---- the request itself ------------------------------------------------ */

TEST(fs_req_lifecycle) {
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  uv_fs_t zeroed;
  char path[PATH_MAX];
  int fd;
  int i;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  fs_path(&s, path, "r");

  /* Cleanup twice, on a request that failed early, on one never used. */
  memset(&zeroed, 0, sizeof(zeroed));
  uv_fs_req_cleanup(&zeroed);
  uv_fs_req_cleanup(NULL);
  ASSERT_EQ(UV_EINVAL, uv_fs_open(&loop, &req, NULL, 0, 0, NULL));
  ASSERT_EQ(UV_EINVAL, req.result);
  ASSERT_EQ(UV_FS_OPEN, req.fs_type);
  ASSERT_NULL(req.path);
  uv_fs_req_cleanup(&req);
  uv_fs_req_cleanup(&req);

  /* A request is reusable after cleanup, for any operation, sync or not. */
  for (i = 0; i < 3; i++) {
    fd = uv_fs_open(&loop, &req, path, UV_FS_O_RDWR | UV_FS_O_CREAT, 0644,
                    NULL);
    ASSERT_GE(fd, 0);
    uv_fs_req_cleanup(&req);
    ASSERT_OK(uv_fs_stat(&loop, &req, path, NULL));
    uv_fs_req_cleanup(&req);
    uv_fs_req_cleanup(&req);
    cb_count = 0;
    ASSERT_OK(uv_fs_fstat(&loop, &req, fd, count_cb));
    ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
    ASSERT_EQ(1, cb_count);
    ASSERT_EQ(0, cb_result);
    uv_fs_req_cleanup(&req);
    ASSERT_OK(uv_fs_close(&loop, &req, fd, NULL));
    uv_fs_req_cleanup(&req);
  }

  /* Accessors. */
  ASSERT_EQ(UV_ENOENT, uv_fs_stat(&loop, &req, "no-such", NULL));
  ASSERT_EQ(UV_FS_STAT, uv_fs_get_type(&req));
  ASSERT_EQ(UV_ENOENT, uv_fs_get_result(&req));
#ifdef _WIN32
  ASSERT_EQ(ERROR_FILE_NOT_FOUND, uv_fs_get_system_error(&req));
#else
  ASSERT_EQ(ENOENT, uv_fs_get_system_error(&req));
#endif
  ASSERT_STR_EQ("no-such", uv_fs_get_path(&req));
  ASSERT_NULL(uv_fs_get_ptr(&req));
  ASSERT_EQ(UV_FS, uv_req_get_type((uv_req_t*) &req));
  uv_fs_req_cleanup(&req);

  /* A synchronous call needs no loop (libuv's users pass NULL); a queued
   * one does.  NULL request. */
  fd = uv_fs_open(NULL, &req, path, 0, 0, NULL);
  ASSERT_GE(fd, 0);
  ASSERT_NULL(req.loop);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_close(NULL, &req, fd, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_ENOENT, uv_fs_stat(NULL, &req, "no-such", NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EINVAL, uv_fs_open(NULL, &req, path, 0, 0, count_cb));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EINVAL, uv_fs_stat(&loop, NULL, path, NULL));
  ASSERT_EQ(UV_EINVAL, uv_fs_close(NULL, &req, 0, count_cb));
  uv_fs_req_cleanup(&req);

  /* A synchronous request was never queued: nothing to cancel. */
  ASSERT_OK(uv_fs_stat(&loop, &req, path, NULL));
  ASSERT_EQ(UV_EBUSY, uv_cancel((uv_req_t*) &req));
  uv_fs_req_cleanup(&req);

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
}

/* Every path-taking call rejects NULL, sync and async alike, without
 * running a callback. */
TEST(fs_null_path) {
  uv_loop_t loop;
  uv_fs_t req;
  int pass;
  uv_fs_cb cb;

  ASSERT_OK(uv_loop_init(&loop));
  cb_count = 0;
  for (pass = 0; pass < 2; pass++) {
    cb = pass ? count_cb : NULL;
#define CHECK_EINVAL(call)                                                    \
    do {                                                                      \
      ASSERT_EQ(UV_EINVAL, (call));                                           \
      ASSERT_EQ(UV_EINVAL, req.result);                                       \
      uv_fs_req_cleanup(&req);                                                \
    } while (0)
    CHECK_EINVAL(uv_fs_open(&loop, &req, NULL, 0, 0, cb));
    CHECK_EINVAL(uv_fs_unlink(&loop, &req, NULL, cb));
    CHECK_EINVAL(uv_fs_copyfile(&loop, &req, NULL, "x", 0, cb));
    CHECK_EINVAL(uv_fs_copyfile(&loop, &req, "x", NULL, 0, cb));
    CHECK_EINVAL(uv_fs_mkdir(&loop, &req, NULL, 0755, cb));
    CHECK_EINVAL(uv_fs_mkdtemp(&loop, &req, NULL, cb));
    CHECK_EINVAL(uv_fs_mkstemp(&loop, &req, NULL, cb));
    CHECK_EINVAL(uv_fs_rmdir(&loop, &req, NULL, cb));
    CHECK_EINVAL(uv_fs_scandir(&loop, &req, NULL, 0, cb));
    CHECK_EINVAL(uv_fs_opendir(&loop, &req, NULL, cb));
    CHECK_EINVAL(uv_fs_readdir(&loop, &req, NULL, cb));
    CHECK_EINVAL(uv_fs_closedir(&loop, &req, NULL, cb));
    CHECK_EINVAL(uv_fs_stat(&loop, &req, NULL, cb));
    CHECK_EINVAL(uv_fs_lstat(&loop, &req, NULL, cb));
    CHECK_EINVAL(uv_fs_statfs(&loop, &req, NULL, cb));
    CHECK_EINVAL(uv_fs_rename(&loop, &req, NULL, "x", cb));
    CHECK_EINVAL(uv_fs_rename(&loop, &req, "x", NULL, cb));
    CHECK_EINVAL(uv_fs_access(&loop, &req, NULL, 0, cb));
    CHECK_EINVAL(uv_fs_chmod(&loop, &req, NULL, 0, cb));
    CHECK_EINVAL(uv_fs_utime(&loop, &req, NULL, 0, 0, cb));
    CHECK_EINVAL(uv_fs_lutime(&loop, &req, NULL, 0, 0, cb));
    CHECK_EINVAL(uv_fs_link(&loop, &req, NULL, "x", cb));
    CHECK_EINVAL(uv_fs_link(&loop, &req, "x", NULL, cb));
    CHECK_EINVAL(uv_fs_symlink(&loop, &req, NULL, "x", 0, cb));
    CHECK_EINVAL(uv_fs_symlink(&loop, &req, "x", NULL, 0, cb));
    CHECK_EINVAL(uv_fs_readlink(&loop, &req, NULL, cb));
    CHECK_EINVAL(uv_fs_realpath(&loop, &req, NULL, cb));
    CHECK_EINVAL(uv_fs_chown(&loop, &req, NULL, 0, 0, cb));
    CHECK_EINVAL(uv_fs_lchown(&loop, &req, NULL, 0, 0, cb));
    /* And a NULL loop for queued descriptor calls (a synchronous call
     * needs no loop). */
    if (cb != NULL) {
      CHECK_EINVAL(uv_fs_fstat(NULL, &req, 0, cb));
      CHECK_EINVAL(uv_fs_fsync(NULL, &req, 0, cb));
      CHECK_EINVAL(uv_fs_sendfile(NULL, &req, 1, 0, 0, 1, cb));
    }
#undef CHECK_EINVAL
  }
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(0, cb_count);
  close_loop_and_check(&loop);
  return 0;
}
