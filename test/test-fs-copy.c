/* Tests of uv_fs_copyfile() and uv_fs_sendfile(). */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64
#include "test-fs.h"

#ifndef _WIN32
# include <sys/socket.h>
# include <sys/sysmacros.h>
#endif

static int cb_count;
static ssize_t cb_result;

static void count_cb(uv_fs_t* req) {
  cb_count++;
  cb_result = req->result;
}

/* A recognisable pattern, so misplaced blocks show up. */
static char* make_pattern(size_t len) {
  char* p;
  size_t i;

  p = malloc(len);
  ASSERT_NOT_NULL(p);
  for (i = 0; i < len; i++)
    p[i] = (char) ((i * 7 + i / 4096) & 0xff);
  return p;
}

static void assert_file_is(const char* path, const char* data, size_t len) {
  char* got;
  size_t n;

  got = fs_get(path, &n);
  ASSERT_EQ(len, n);
  ASSERT_MEM_EQ(data, got, len);
  free(got);
}

TEST(fs_copyfile_large) {
  const size_t len = 8 << 20;
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  char src[PATH_MAX];
  char dst[PATH_MAX];
  char dst2[PATH_MAX];
  struct stat st;
  char* data;
  mode_t mask;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  data = make_pattern(len);
  fs_put(fs_path(&s, src, "src"), data, len);
  /* A mode the umask would have changed: the copy must have it exactly.
   * (Windows has only the read-only bit: fs_win_copyfile_readonly.) */
  mask = umask(077);
#ifndef _WIN32
  ASSERT_OK(chmod(src, 0754));
#endif

  ASSERT_OK(uv_fs_copyfile(&loop, &req, src, fs_path(&s, dst, "dst"), 0,
                           NULL));
  ASSERT_EQ(UV_FS_COPYFILE, req.fs_type);
  ASSERT_STR_EQ(src, req.path);
  uv_fs_req_cleanup(&req);
  assert_file_is(dst, data, len);
  ASSERT_OK(stat(dst, &st));
#ifndef _WIN32
  ASSERT_EQ(0754, st.st_mode & 07777);
#endif

  cb_count = 0;
  ASSERT_OK(uv_fs_copyfile(&loop, &req, src, fs_path(&s, dst2, "dst2"), 0,
                           count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(1, cb_count);
  ASSERT_EQ(0, cb_result);
  uv_fs_req_cleanup(&req);
  assert_file_is(dst2, data, len);
  ASSERT_OK(stat(dst2, &st));
#ifndef _WIN32
  ASSERT_EQ(0754, st.st_mode & 07777);
#endif
  umask(mask);

  free(data);
  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
}

TEST(fs_copyfile_overwrite_excl) {
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  char src[PATH_MAX];
  char dst[PATH_MAX];
  char empty[PATH_MAX];

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  fs_put(fs_path(&s, src, "src"), "short", 5);
  fs_put(fs_path(&s, dst, "dst"), "a much longer old content", 25);

  /* EXCL refuses an existing destination and leaves it alone. */
  ASSERT_EQ(UV_EEXIST, uv_fs_copyfile(&loop, &req, src, dst,
                                      UV_FS_COPYFILE_EXCL, NULL));
  uv_fs_req_cleanup(&req);
  assert_file_is(dst, "a much longer old content", 25);
  cb_count = 0;
  ASSERT_OK(uv_fs_copyfile(&loop, &req, src, dst, UV_FS_COPYFILE_EXCL,
                           count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(UV_EEXIST, cb_result);
  uv_fs_req_cleanup(&req);
  assert_file_is(dst, "a much longer old content", 25);

  /* Without it the old content goes, all of it. */
  ASSERT_OK(uv_fs_copyfile(&loop, &req, src, dst, 0, NULL));
  uv_fs_req_cleanup(&req);
  assert_file_is(dst, "short", 5);

  /* EXCL with a new name works. */
  ASSERT_OK(uv_fs_copyfile(&loop, &req, src, fs_path(&s, empty, "new"),
                           UV_FS_COPYFILE_EXCL, NULL));
  uv_fs_req_cleanup(&req);
  assert_file_is(empty, "short", 5);

  /* An empty source gives an empty copy, over a non-empty file too. */
  fs_put(src, "", 0);
  ASSERT_OK(uv_fs_copyfile(&loop, &req, src, dst, 0, NULL));
  uv_fs_req_cleanup(&req);
  assert_file_is(dst, "", 0);

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
}

/* Copying a file onto itself (same name, or another link to it) must not
 * truncate it first. */
TEST(fs_copyfile_same_file) {
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  char src[PATH_MAX];
  char hard[PATH_MAX];
  char sym[PATH_MAX];

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  fs_put(fs_path(&s, src, "src"), "precious", 8);
#ifdef _WIN32
  ASSERT(CreateHardLinkA(fs_path(&s, hard, "hard"), src, NULL));
  /* Wine makes no symbolic links: copy through the hard link instead. */
  strcpy(sym, hard);
#else
  ASSERT_OK(link(src, fs_path(&s, hard, "hard")));
  ASSERT_OK(symlink("src", fs_path(&s, sym, "sym")));
#endif

  ASSERT_OK(uv_fs_copyfile(&loop, &req, src, src, 0, NULL));
  uv_fs_req_cleanup(&req);
  assert_file_is(src, "precious", 8);
  ASSERT_OK(uv_fs_copyfile(&loop, &req, src, hard, 0, NULL));
  uv_fs_req_cleanup(&req);
  assert_file_is(src, "precious", 8);
  cb_count = 0;
  ASSERT_OK(uv_fs_copyfile(&loop, &req, sym, src, UV_FS_COPYFILE_FICLONE,
                           count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(0, cb_result);
  uv_fs_req_cleanup(&req);
  assert_file_is(src, "precious", 8);
  /* With EXCL it is simply an existing destination. */
  ASSERT_EQ(UV_EEXIST, uv_fs_copyfile(&loop, &req, src, src,
                                      UV_FS_COPYFILE_EXCL, NULL));
  uv_fs_req_cleanup(&req);
  assert_file_is(src, "precious", 8);

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
}

TEST(fs_copyfile_ficlone) {
  const size_t len = 300000;
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  char src[PATH_MAX];
  char dst[PATH_MAX];
  char forced[PATH_MAX];
  char old[PATH_MAX];
  struct stat st;
  char* data;
  int r;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  data = make_pattern(len);
  fs_put(fs_path(&s, src, "src"), data, len);

  /* FICLONE: a reflink where the file system has them, a copy otherwise;
   * either way the content arrives. */
  ASSERT_OK(uv_fs_copyfile(&loop, &req, src, fs_path(&s, dst, "dst"),
                           UV_FS_COPYFILE_FICLONE, NULL));
  uv_fs_req_cleanup(&req);
  assert_file_is(dst, data, len);
  ASSERT_EQ(UV_EEXIST, uv_fs_copyfile(&loop, &req, src, dst,
                                      UV_FS_COPYFILE_FICLONE |
                                      UV_FS_COPYFILE_EXCL, NULL));
  uv_fs_req_cleanup(&req);

  /* FICLONE_FORCE: a reflink or an error, never a silent plain copy.  On
   * a failure the file it had created is gone again. */
  r = uv_fs_copyfile(&loop, &req, src, fs_path(&s, forced, "forced"),
                     UV_FS_COPYFILE_FICLONE_FORCE, NULL);
  uv_fs_req_cleanup(&req);
  if (r == 0) {
    assert_file_is(forced, data, len);
  } else {
    ASSERT(r == UV_ENOTSUP || r == UV_EXDEV || r == UV_EINVAL ||
           r == UV_ENOTTY || r == UV_ENOSYS);
    ASSERT_EQ(-1, lstat(forced, &st));
    ASSERT_EQ(ENOENT, errno);
    /* Nor is an existing destination left half-done (as libuv: on Unix
     * it is removed; on Windows, where the answer comes before anything
     * is touched, it stays as it was). */
    fs_put(fs_path(&s, old, "old"), "old content", 11);
    ASSERT_EQ(r, uv_fs_copyfile(&loop, &req, src, old,
                                UV_FS_COPYFILE_FICLONE_FORCE, NULL));
    uv_fs_req_cleanup(&req);
#ifdef _WIN32
    ASSERT_EQ(UV_ENOSYS, r);
    assert_file_is(old, "old content", 11);
#else
    ASSERT_EQ(-1, lstat(old, &st));
#endif
    /* Asynchronously, the same error. */
    cb_count = 0;
    ASSERT_OK(uv_fs_copyfile(&loop, &req, src, forced,
                             UV_FS_COPYFILE_FICLONE_FORCE, count_cb));
    ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
    ASSERT_EQ(1, cb_count);
    ASSERT_EQ(r, cb_result);
    uv_fs_req_cleanup(&req);
    ASSERT_EQ(-1, lstat(forced, &st));
  }

  free(data);
  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
}

TEST(fs_copyfile_errors) {
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  char src[PATH_MAX];
  char dst[PATH_MAX];
  char sub[PATH_MAX];
  struct stat before;
  struct stat after;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  fs_put(fs_path(&s, src, "src"), "data", 4);
  fs_path(&s, dst, "dst");

  /* Unknown flags are refused before anything happens, callback or not. */
  cb_count = 0;
  ASSERT_EQ(UV_EINVAL, uv_fs_copyfile(&loop, &req, src, dst, 0x100, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EINVAL, uv_fs_copyfile(&loop, &req, src, dst, -1, count_cb));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(0, cb_count);
  ASSERT_EQ(-1, lstat(dst, &before));

  ASSERT_EQ(UV_ENOENT, uv_fs_copyfile(&loop, &req, "no-such", dst, 0, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(-1, lstat(dst, &before));
  fs_path(&s, sub, "missing/dst");
  ASSERT_EQ(UV_ENOENT, uv_fs_copyfile(&loop, &req, src, sub, 0, NULL));
  uv_fs_req_cleanup(&req);
  fs_path(&s, sub, "src/dst");
  ASSERT_EQ(UV_ENOTDIR, uv_fs_copyfile(&loop, &req, src, sub, 0, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EISDIR, uv_fs_copyfile(&loop, &req, s.dir, dst, 0, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(-1, lstat(dst, &before));
  ASSERT_EQ(UV_EISDIR, uv_fs_copyfile(&loop, &req, src, s.dir, 0, NULL));
  uv_fs_req_cleanup(&req);

  /* A device as the destination is written to, never truncated, chmod'ed
   * or removed.  Never try this on the real /dev/null: a library that
   * unlinks the destination on failure (libuv 1.44 does) would delete it.
   * Our own node for the same device lives in the scratch directory. */
#ifndef _WIN32
  if (geteuid() == 0) {
    fs_path(&s, dst, "null");
    ASSERT_OK(mknod(dst, S_IFCHR | 0666, makedev(1, 3)));
    ASSERT_OK(chmod(dst, 0666));
    ASSERT_OK(stat(dst, &before));
    ASSERT_OK(uv_fs_copyfile(&loop, &req, src, dst, 0, NULL));
    uv_fs_req_cleanup(&req);
    ASSERT_OK(lstat(dst, &after));
    ASSERT_EQ(before.st_mode, after.st_mode);
    ASSERT_EQ(before.st_rdev, after.st_rdev);
  }
#else
  (void) after;
#endif

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
}

/* ---- sendfile ---------------------------------------------------------- */

TEST(fs_sendfile_file) {
  const size_t len = 3 << 20;
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  char in_path[PATH_MAX];
  char out_path[PATH_MAX];
  char* data;
  char* got;
  size_t n;
  int in;
  int out;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  data = make_pattern(len);
  fs_put(fs_path(&s, in_path, "in"), data, len);
  in = open(in_path, O_RDONLY | O_CLOEXEC);
  out = open(fs_path(&s, out_path, "out"), O_WRONLY | O_CREAT | O_CLOEXEC,
             0644);
  ASSERT_GE(in, 0);
  ASSERT_GE(out, 0);

  /* With an offset: the input position does not move, the output's does. */
  ASSERT_EQ(4, uv_fs_sendfile(&loop, &req, out, in, 3, 4, NULL));
  ASSERT_EQ(UV_FS_SENDFILE, req.fs_type);
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(0, lseek(in, 0, SEEK_CUR));
  ASSERT_EQ(4, lseek(out, 0, SEEK_CUR));

  /* Everything, asynchronously. */
  cb_count = 0;
  ASSERT_OK(uv_fs_sendfile(&loop, &req, out, in, 0, len, count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(1, cb_count);
  ASSERT_EQ((ssize_t) len, cb_result);
  uv_fs_req_cleanup(&req);

  /* Past the end: what there is, then 0. */
  ASSERT_EQ(10, uv_fs_sendfile(&loop, &req, out, in, len - 10, 1000, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(0, uv_fs_sendfile(&loop, &req, out, in, len, 1000, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(0, uv_fs_sendfile(&loop, &req, out, in, 0, 0, NULL));
  uv_fs_req_cleanup(&req);

  /* Offset -1: from the input's current position, which advances. */
  ASSERT_EQ(100, lseek(in, 100, SEEK_SET));
  ASSERT_EQ(5, uv_fs_sendfile(&loop, &req, out, in, -1, 5, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(105, lseek(in, 0, SEEK_CUR));

  ASSERT_OK(close(out));
  got = fs_get(out_path, &n);
  ASSERT_EQ(4 + len + 10 + 5, n);
  ASSERT_MEM_EQ(data + 3, got, 4);
  ASSERT_MEM_EQ(data, got + 4, len);
  ASSERT_MEM_EQ(data + len - 10, got + 4 + len, 10);
  ASSERT_MEM_EQ(data + 100, got + 4 + len + 10, 5);
  free(got);

  /* An O_APPEND output (copy_file_range refuses those).  The Windows C
   * runtime emulates O_APPEND itself, above the handle; the library's
   * flag is the one the system keeps. */
#ifdef _WIN32
  out = uv_fs_open(NULL, &req, out_path, UV_FS_O_WRONLY | UV_FS_O_APPEND, 0,
                   NULL);
  uv_fs_req_cleanup(&req);
#else
  out = open(out_path, O_WRONLY | O_APPEND | O_CLOEXEC);
#endif
  ASSERT_GE(out, 0);
  ASSERT_EQ(1000, uv_fs_sendfile(&loop, &req, out, in, 0, 1000, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(close(out));
  got = fs_get(out_path, &n);
  ASSERT_EQ(4 + len + 10 + 5 + 1000, n);
  ASSERT_MEM_EQ(data, got + n - 1000, 1000);
  free(got);

  /* Closed descriptors. */
  ASSERT_EQ(UV_EBADF, uv_fs_sendfile(&loop, &req, out, in, 0, 10, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(close(in));
  ASSERT_EQ(UV_EBADF, uv_fs_sendfile(&loop, &req, 1, in, 0, 10, NULL));
  uv_fs_req_cleanup(&req);

  free(data);
  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
}

TEST(fs_sendfile_socket_pipe) {
#ifdef _WIN32
  RETURN_SKIP("socketpair, pipe2 and non-blocking pipes are POSIX; the Windows read/write loop is covered by fs_sendfile_file");
#else
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  char path[PATH_MAX];
  char buf[64];
  int sv[2];
  int p[2];
  int in;
  int flags;
  ssize_t n;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  fs_put(fs_path(&s, path, "in"), "0123456789abcdef", 16);
  in = open(path, O_RDONLY | O_CLOEXEC);
  ASSERT_GE(in, 0);

  ASSERT_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
  ASSERT_EQ(6, uv_fs_sendfile(&loop, &req, sv[0], in, 10, 6, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(6, read(sv[1], buf, sizeof(buf)));
  ASSERT_MEM_EQ("abcdef", buf, 6);

  ASSERT_OK(pipe2(p, O_CLOEXEC));
  cb_count = 0;
  ASSERT_OK(uv_fs_sendfile(&loop, &req, p[1], in, 0, 16, count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(16, cb_result);
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(16, read(p[0], buf, sizeof(buf)));
  ASSERT_MEM_EQ("0123456789abcdef", buf, 16);

  /* A full non-blocking output: EAGAIN, nothing lost. */
  flags = fcntl(p[1], F_GETFL);
  ASSERT_OK(fcntl(p[1], F_SETFL, flags | O_NONBLOCK));
  memset(buf, 'z', sizeof(buf));
  do
    n = write(p[1], buf, sizeof(buf));
  while (n > 0);
  ASSERT_EQ(EAGAIN, errno);
  ASSERT_EQ(UV_EAGAIN, uv_fs_sendfile(&loop, &req, p[1], in, 0, 16, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(0, lseek(in, 0, SEEK_CUR));

  /* Input from a pipe (not mmap-able): read/write fallback. */
  ASSERT_OK(close(p[0]));
  ASSERT_OK(close(p[1]));
  ASSERT_OK(pipe2(p, O_CLOEXEC));
  ASSERT_EQ(5, write(p[1], "hello", 5));
  ASSERT_OK(close(p[1]));
  ASSERT_EQ(5, uv_fs_sendfile(&loop, &req, sv[0], p[0], -1, 100, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(5, read(sv[1], buf, sizeof(buf)));
  ASSERT_MEM_EQ("hello", buf, 5);

  /* An offset for a pipe input is ignored, as libuv ignores it: the data
   * is read where the pipe stands (luv's fs_sendfile passes 0). */
  ASSERT_OK(close(p[0]));
  ASSERT_OK(pipe2(p, O_CLOEXEC));
  ASSERT_EQ(3, write(p[1], "xyz", 3));
  ASSERT_OK(close(p[1]));
  ASSERT_EQ(3, uv_fs_sendfile(&loop, &req, sv[0], p[0], 0, 100, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(3, read(sv[1], buf, sizeof(buf)));
  ASSERT_MEM_EQ("xyz", buf, 3);

  ASSERT_OK(close(p[0]));
  ASSERT_OK(close(sv[0]));
  ASSERT_OK(close(sv[1]));
  ASSERT_OK(close(in));
  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
#endif
}
