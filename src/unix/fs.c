/* uvcore — file system requests on Unix: the request life cycle and the
 * operations that are one system call each.
 *
 * Every uv_fs_* call fills the request, then either runs it at once (no
 * callback: the call returns req->result) or hands it to the thread pool,
 * whose done callback runs on the loop thread.  Both modes go through the
 * same uv__fs_run(), so they cannot drift apart.  Argument errors are
 * reported synchronously, before anything is queued, and then the callback
 * never runs.
 *
 * Ownership: the request keeps private copies of the paths (so the caller
 * may free its strings as soon as the call returns) and, when queued, of
 * the buffer array (not of the bytes).  uv_fs_req_cleanup() releases all of
 * that plus whatever a result points to (readlink/realpath strings, statfs
 * data, scandir lists, readdir names).
 */
#include "fs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef IOV_MAX
# define IOV_MAX 1024
#endif

/* Buffers go to readv/writev without conversion: uv_buf_t was laid out as
 * struct iovec for exactly this. */
_Static_assert(sizeof(uv_buf_t) == sizeof(struct iovec), "uv_buf_t size");
_Static_assert(offsetof(uv_buf_t, base) == offsetof(struct iovec, iov_base),
               "uv_buf_t base");
_Static_assert(offsetof(uv_buf_t, len) == offsetof(struct iovec, iov_len),
               "uv_buf_t len");

/* ---- request set-up ---------------------------------------------------- */

static int uv__fs_fail(uv_fs_t* req, int err) {
  req->result = err;
  return err;
}

/* Resets every field cleanup looks at, so that cleanup is safe after any
 * early return below. */
static int uv__fs_init(uv_loop_t* loop, uv_fs_t* req, uv_fs_type type,
                       uv_fs_cb cb) {
  if (req == NULL || uv__work_in_flight(&req->priv.work))
    return UV_EINVAL;
  req->type = UV_FS;
  req->fs_type = type;
  req->loop = loop;
  req->result = 0;
  req->ptr = NULL;
  req->path = NULL;
  req->priv.cb = cb;
  /* Marks the request as not queued, for uv_cancel() on a synchronous or
   * rejected request. */
  req->priv.work.work = NULL;
  req->new_path = NULL;
  req->priv.file = -1;
  req->priv.file2 = -1;
  req->priv.flags = 0;
  req->priv.mode = 0;
  req->nbufs = 0;
  req->priv.own_bufs = 0;
  req->bufs = NULL;
  req->priv.off = 0;
  req->priv.len = 0;
  req->priv.dirents = NULL;
  /* A synchronous call never touches the loop, and libuv's users rely on
   * passing NULL for it; only a queued request needs one. */
  if (cb != NULL && !uv__loop_usable(loop))
    return uv__fs_fail(req, UV_EINVAL);
  return 0;
}

static int uv__fs_path(uv_fs_t* req, const char* path) {
  char* copy;

  if (path == NULL)
    return uv__fs_fail(req, UV_EINVAL);
  copy = uv__strdup(path);
  if (copy == NULL)
    return uv__fs_fail(req, UV_ENOMEM);
  req->path = copy;
  return 0;
}

static int uv__fs_paths(uv_fs_t* req, const char* path, const char* new_path) {
  int err;

  if (path == NULL || new_path == NULL)
    return uv__fs_fail(req, UV_EINVAL);
  err = uv__fs_path(req, path);
  if (err)
    return err;
  req->new_path = uv__strdup(new_path);
  if (req->new_path == NULL)
    return uv__fs_fail(req, UV_ENOMEM);
  return 0;
}

/* A queued request must not depend on the caller's array staying alive; a
 * synchronous one may use it in place (it is never written to). */
static int uv__fs_bufs(uv_fs_t* req, const uv_buf_t bufs[],
                       unsigned int nbufs) {
  uv_buf_t* copy;

  /* As for streams: no count above INT_MAX describes a real array. */
  if (bufs == NULL || nbufs == 0 || nbufs > INT_MAX)
    return uv__fs_fail(req, UV_EINVAL);
  req->nbufs = nbufs;
  if (req->priv.cb == NULL) {
    req->bufs = (uv_buf_t*) bufs;
    return 0;
  }
  if (nbufs <= UV__ARRAY_SIZE(req->priv.bufsml)) {
    copy = req->priv.bufsml;
  } else {
    copy = uv__malloc(nbufs * sizeof(*copy));
    if (copy == NULL)
      return uv__fs_fail(req, UV_ENOMEM);
    req->priv.own_bufs = 1;
  }
  memcpy(copy, bufs, nbufs * sizeof(*copy));
  req->bufs = copy;
  return 0;
}

/* NaN leaves a time alone and +Inf means now (UV_FS_UTIME_OMIT/NOW);
 * anything else must fit a time_t. */
static int uv__fs_times(uv_fs_t* req, double atime, double mtime) {
  const double limit = 9.2e18;  /* just under 2^63 */

  if (!isnan(atime) && !(isinf(atime) && atime > 0) &&
      !(atime > -limit && atime < limit))
    return uv__fs_fail(req, UV_EINVAL);
  if (!isnan(mtime) && !(isinf(mtime) && mtime > 0) &&
      !(mtime > -limit && mtime < limit))
    return uv__fs_fail(req, UV_EINVAL);
  req->priv.atime = atime;
  req->priv.mtime = mtime;
  return 0;
}

static struct timespec uv__fs_timespec(double t) {
  struct timespec ts;
  time_t sec;
  long nsec;

  if (isnan(t)) {
    ts.tv_sec = 0;
    ts.tv_nsec = UTIME_OMIT;
    return ts;
  }
  if (isinf(t)) {
    ts.tv_sec = 0;
    ts.tv_nsec = UTIME_NOW;
    return ts;
  }
  /* Round towards minus infinity so the nanoseconds are never negative. */
  sec = (time_t) t;
  if ((double) sec > t)
    sec--;
  nsec = (long) ((t - (double) sec) * 1e9);
  if (nsec < 0)
    nsec = 0;
  if (nsec > 999999999)
    nsec = 999999999;
  ts.tv_sec = sec;
  ts.tv_nsec = nsec;
  return ts;
}

/* ---- reading and writing ----------------------------------------------- */

/* One vectored read, as in libuv: with more than IOV_MAX buffers only the
 * first IOV_MAX are filled (a short read, which callers handle anyway). */
static ssize_t uv__fs_read(uv_fs_t* req) {
  const uv_buf_t* bufs;
  unsigned int nbufs;
  int64_t off;
  ssize_t n;
  int fd;

  fd = req->priv.file;
  bufs = req->bufs;
  nbufs = req->nbufs > IOV_MAX ? IOV_MAX : req->nbufs;
  off = req->priv.off;

  do {
    if (off < 0) {
      if (nbufs == 1)
        n = read(fd, bufs[0].base, bufs[0].len);
      else
        n = readv(fd, (const struct iovec*) bufs, (int) nbufs);
    } else {
      if (nbufs == 1)
        n = pread(fd, bufs[0].base, bufs[0].len, (off_t) off);
      else
        n = preadv(fd, (const struct iovec*) bufs, (int) nbufs, (off_t) off);
    }
  } while (n == -1 && errno == EINTR);
  return n < 0 ? uv__err() : n;
}

/* Writes until every byte is out or an error stops it; a partial result is
 * reported as the count written so far (the error is lost, as with a short
 * write(2)).  A negative offset means the current file position.  bufs is
 * never modified: a partly written buffer is finished with a plain write
 * of its tail. */
ssize_t uv__fs_write_all(int fd, const uv_buf_t* bufs, unsigned int nbufs,
                         int64_t off) {
  unsigned int i;
  unsigned int cnt;
  size_t skip;
  size_t left;
  ssize_t total;
  ssize_t n;
  unsigned int start_i;
  size_t start_skip;

  i = 0;
  skip = 0;
  total = 0;
  while (i < nbufs) {
    start_i = i;
    start_skip = skip;
    if (skip == 0) {
      cnt = nbufs - i;
      if (cnt > IOV_MAX)
        cnt = IOV_MAX;
      if (off < 0) {
        if (cnt == 1)
          n = write(fd, bufs[i].base, bufs[i].len);
        else
          n = writev(fd, (const struct iovec*) (bufs + i), (int) cnt);
      } else {
        if (cnt == 1)
          n = pwrite(fd, bufs[i].base, bufs[i].len, (off_t) (off + total));
        else
          n = pwritev(fd, (const struct iovec*) (bufs + i), (int) cnt,
                      (off_t) (off + total));
      }
    } else {
      left = bufs[i].len - skip;
      if (off < 0)
        n = write(fd, bufs[i].base + skip, left);
      else
        n = pwrite(fd, bufs[i].base + skip, left, (off_t) (off + total));
    }

    if (n < 0) {
      if (errno == EINTR)
        continue;
      return total > 0 ? total : uv__err();
    }
    total += n;

    /* Step over what was written; empty buffers are stepped over too. */
    while (i < nbufs && (size_t) n >= bufs[i].len - skip) {
      n -= (ssize_t) (bufs[i].len - skip);
      skip = 0;
      i++;
    }
    if (i < nbufs)
      skip += (size_t) n;
    /* A write that took nothing from a non-empty buffer would spin. */
    if (i == start_i && skip == start_skip)
      break;
  }
  return total;
}

/* ---- stat --------------------------------------------------------------- */

static void uv__fs_from_stat(uv_stat_t* out, const struct stat* st) {
  out->st_dev = (uint64_t) st->st_dev;
  out->st_mode = (uint64_t) st->st_mode;
  out->st_nlink = (uint64_t) st->st_nlink;
  out->st_uid = (uint64_t) st->st_uid;
  out->st_gid = (uint64_t) st->st_gid;
  out->st_rdev = (uint64_t) st->st_rdev;
  out->st_ino = (uint64_t) st->st_ino;
  out->st_size = (uint64_t) st->st_size;
  out->st_blksize = (uint64_t) st->st_blksize;
  out->st_blocks = (uint64_t) st->st_blocks;
  out->st_flags = 0;
  out->st_gen = 0;
  out->st_atim.tv_sec = (long) st->st_atim.tv_sec;
  out->st_atim.tv_nsec = st->st_atim.tv_nsec;
  out->st_mtim.tv_sec = (long) st->st_mtim.tv_sec;
  out->st_mtim.tv_nsec = st->st_mtim.tv_nsec;
  out->st_ctim.tv_sec = (long) st->st_ctim.tv_sec;
  out->st_ctim.tv_nsec = st->st_ctim.tv_nsec;
  /* struct stat has no birth time; the change time is the closest bound. */
  out->st_birthtim = out->st_ctim;
}

#if defined(__linux__) && defined(STATX_BASIC_STATS)
/* statx() is the only way to the birth time on Linux.  Kernels before 4.11
 * lack it, and some container seccomp filters answer EPERM or ENOSYS; then
 * we remember and use stat(2) from then on. */
static int uv__fs_no_statx;

static int uv__fs_statx(int dirfd, const char* path, int flags,
                        uv_stat_t* out) {
  struct statx sx;
  int r;

  if (__atomic_load_n(&uv__fs_no_statx, __ATOMIC_RELAXED))
    return UV_ENOSYS;
  r = statx(dirfd, path, flags | AT_STATX_SYNC_AS_STAT,
            STATX_BASIC_STATS | STATX_BTIME, &sx);
  if (r == -1) {
    r = errno;
    if (r == ENOSYS || r == EPERM || r == EOPNOTSUPP || r == EINVAL) {
      /* EINVAL and EPERM can also be genuine; stat(2) will say so again. */
      if (r == ENOSYS || r == EOPNOTSUPP)
        __atomic_store_n(&uv__fs_no_statx, 1, __ATOMIC_RELAXED);
      return UV_ENOSYS;
    }
    return -r;
  }

  out->st_dev = (uint64_t) makedev(sx.stx_dev_major, sx.stx_dev_minor);
  out->st_mode = sx.stx_mode;
  out->st_nlink = sx.stx_nlink;
  out->st_uid = sx.stx_uid;
  out->st_gid = sx.stx_gid;
  out->st_rdev = (uint64_t) makedev(sx.stx_rdev_major, sx.stx_rdev_minor);
  out->st_ino = sx.stx_ino;
  out->st_size = sx.stx_size;
  out->st_blksize = sx.stx_blksize;
  out->st_blocks = sx.stx_blocks;
  out->st_flags = 0;
  out->st_gen = 0;
  out->st_atim.tv_sec = (long) sx.stx_atime.tv_sec;
  out->st_atim.tv_nsec = sx.stx_atime.tv_nsec;
  out->st_mtim.tv_sec = (long) sx.stx_mtime.tv_sec;
  out->st_mtim.tv_nsec = sx.stx_mtime.tv_nsec;
  out->st_ctim.tv_sec = (long) sx.stx_ctime.tv_sec;
  out->st_ctim.tv_nsec = sx.stx_ctime.tv_nsec;
  if (sx.stx_mask & STATX_BTIME) {
    out->st_birthtim.tv_sec = (long) sx.stx_btime.tv_sec;
    out->st_birthtim.tv_nsec = sx.stx_btime.tv_nsec;
  } else {
    out->st_birthtim = out->st_ctim;
  }
  return 0;
}
#else
static int uv__fs_statx(int dirfd, const char* path, int flags,
                        uv_stat_t* out) {
  (void) dirfd;
  (void) path;
  (void) flags;
  (void) out;
  return UV_ENOSYS;
}
#endif

static ssize_t uv__fs_stat(uv_fs_t* req) {
  struct stat st;
  int r;

  switch (req->fs_type) {
    case UV_FS_STAT:
      r = uv__fs_statx(AT_FDCWD, req->path, 0, &req->statbuf);
      if (r == UV_ENOSYS)
        r = stat(req->path, &st) ? uv__err() : 1;
      break;
    case UV_FS_LSTAT:
      r = uv__fs_statx(AT_FDCWD, req->path, AT_SYMLINK_NOFOLLOW,
                       &req->statbuf);
      if (r == UV_ENOSYS)
        r = lstat(req->path, &st) ? uv__err() : 1;
      break;
    default:  /* UV_FS_FSTAT */
      /* statx() would read AT_FDCWD (-100) as "the current directory". */
      if (req->priv.file < 0)
        return UV_EBADF;
      r = uv__fs_statx(req->priv.file, "", AT_EMPTY_PATH, &req->statbuf);
      if (r == UV_ENOSYS)
        r = fstat(req->priv.file, &st) ? uv__err() : 1;
      break;
  }
  if (r < 0)
    return r;
  if (r == 1)
    uv__fs_from_stat(&req->statbuf, &st);
  req->ptr = &req->statbuf;
  return 0;
}

static ssize_t uv__fs_statfs(uv_fs_t* req) {
  struct statfs sf;
  uv_statfs_t* out;

  if (statfs(req->path, &sf))
    return uv__err();
  out = uv__calloc(1, sizeof(*out));
  if (out == NULL)
    return UV_ENOMEM;
  out->f_type = (uint64_t) sf.f_type;
  out->f_bsize = (uint64_t) sf.f_bsize;
  out->f_blocks = (uint64_t) sf.f_blocks;
  out->f_bfree = (uint64_t) sf.f_bfree;
  out->f_bavail = (uint64_t) sf.f_bavail;
  out->f_files = (uint64_t) sf.f_files;
  out->f_ffree = (uint64_t) sf.f_ffree;
  out->f_frsize = (uint64_t) sf.f_frsize;
  req->ptr = out;
  return 0;
}

/* ---- names ------------------------------------------------------------- */

/* Link targets have no useful upper bound in POSIX, so grow until the
 * answer fits with room for the terminator. */
static ssize_t uv__fs_readlink(uv_fs_t* req) {
  size_t cap;
  ssize_t n;
  char* buf;
  int err;

  buf = NULL;
  for (cap = 256; cap <= ((size_t) 1 << 20); cap *= 2) {
    buf = uv__reallocf(buf, cap);
    if (buf == NULL)
      return UV_ENOMEM;
    n = readlink(req->path, buf, cap);
    if (n < 0) {
      err = uv__err();
      uv__free(buf);
      return err;
    }
    if ((size_t) n < cap) {
      buf[n] = '\0';
      req->ptr = buf;
      return 0;
    }
  }
  uv__free(buf);
  return UV_ENAMETOOLONG;
}

/* libc allocates the answer with its own malloc; the user may have
 * replaced ours (uv_replace_allocator), and cleanup frees with ours. */
static ssize_t uv__fs_realpath(uv_fs_t* req) {
  char* sys;
  char* copy;

  sys = realpath(req->path, NULL);
  if (sys == NULL)
    return uv__err();
  copy = uv__strdup(sys);
  free(sys);
  if (copy == NULL)
    return UV_ENOMEM;
  req->ptr = copy;
  return 0;
}

static ssize_t uv__fs_mkstemp(uv_fs_t* req) {
  int fd;

  /* mkostemp() checks the XXXXXX suffix itself (EINVAL) and rewrites the
   * copy we own in place. */
  fd = mkostemp((char*) req->path, O_CLOEXEC);
  if (fd >= 0)
    return fd;
  /* libuv leaves an empty path behind a failed mkstemp; programs test
   * req->path for that. */
  fd = uv__err();
  ((char*) req->path)[0] = '\0';
  return fd;
}

static ssize_t uv__fs_utime(uv_fs_t* req) {
  struct timespec ts[2];
  int r;

  ts[0] = uv__fs_timespec(req->priv.atime);
  ts[1] = uv__fs_timespec(req->priv.mtime);
  switch (req->fs_type) {
    case UV_FS_UTIME:
      r = utimensat(AT_FDCWD, req->path, ts, 0);
      break;
    case UV_FS_LUTIME:
      r = utimensat(AT_FDCWD, req->path, ts, AT_SYMLINK_NOFOLLOW);
      break;
    default:  /* UV_FS_FUTIME */
      r = futimens(req->priv.file, ts);
      break;
  }
  return r ? uv__err() : 0;
}

/* ---- dispatch ---------------------------------------------------------- */

static ssize_t uv__fs_ret(int r) {
  return r == -1 ? uv__err() : r;
}

static ssize_t uv__fs_run(uv_fs_t* req) {
  int r;

  switch (req->fs_type) {
    case UV_FS_OPEN:
      do
        r = open(req->path, req->priv.flags | O_CLOEXEC, req->priv.mode);
      while (r == -1 && errno == EINTR);
      return uv__fs_ret(r);
    case UV_FS_CLOSE:
      return uv__close(req->priv.file);
    case UV_FS_READ:
      return uv__fs_read(req);
    case UV_FS_WRITE:
      return uv__fs_write_all(req->priv.file, req->bufs,
                              req->nbufs, req->priv.off);
    case UV_FS_SENDFILE:
      return uv__fs_do_sendfile(req);
    case UV_FS_STAT:
    case UV_FS_LSTAT:
    case UV_FS_FSTAT:
      return uv__fs_stat(req);
    case UV_FS_STATFS:
      return uv__fs_statfs(req);
    case UV_FS_FTRUNCATE:
      do
        r = ftruncate(req->priv.file, (off_t) req->priv.off);
      while (r == -1 && errno == EINTR);
      return uv__fs_ret(r);
    case UV_FS_UTIME:
    case UV_FS_FUTIME:
    case UV_FS_LUTIME:
      return uv__fs_utime(req);
    case UV_FS_ACCESS:
      return uv__fs_ret(access(req->path, req->priv.flags));
    case UV_FS_CHMOD:
      return uv__fs_ret(chmod(req->path, (mode_t) req->priv.mode));
    case UV_FS_FCHMOD:
      return uv__fs_ret(fchmod(req->priv.file, (mode_t) req->priv.mode));
    case UV_FS_FSYNC:
      return uv__fs_ret(fsync(req->priv.file));
    case UV_FS_FDATASYNC:
      return uv__fs_ret(fdatasync(req->priv.file));
    case UV_FS_UNLINK:
      return uv__fs_ret(unlink(req->path));
    case UV_FS_RMDIR:
      return uv__fs_ret(rmdir(req->path));
    case UV_FS_MKDIR:
      return uv__fs_ret(mkdir(req->path, (mode_t) req->priv.mode));
    case UV_FS_MKDTEMP:
      return mkdtemp((char*) req->path) == NULL ? uv__err() : 0;
    case UV_FS_MKSTEMP:
      return uv__fs_mkstemp(req);
    case UV_FS_RENAME:
      return uv__fs_ret(rename(req->path, req->new_path));
    case UV_FS_SCANDIR:
      return uv__fs_do_scandir(req);
    case UV_FS_OPENDIR:
      return uv__fs_do_opendir(req);
    case UV_FS_READDIR:
      return uv__fs_do_readdir(req);
    case UV_FS_CLOSEDIR:
      return uv__fs_do_closedir(req);
    case UV_FS_LINK:
      return uv__fs_ret(link(req->path, req->new_path));
    case UV_FS_SYMLINK:
      return uv__fs_ret(symlink(req->path, req->new_path));
    case UV_FS_READLINK:
      return uv__fs_readlink(req);
    case UV_FS_REALPATH:
      return uv__fs_realpath(req);
    case UV_FS_CHOWN:
      return uv__fs_ret(chown(req->path, req->priv.uid, req->priv.gid));
    case UV_FS_FCHOWN:
      return uv__fs_ret(fchown(req->priv.file, req->priv.uid, req->priv.gid));
    case UV_FS_LCHOWN:
      return uv__fs_ret(lchown(req->path, req->priv.uid, req->priv.gid));
    case UV_FS_COPYFILE:
      return uv__fs_do_copyfile(req);
    default:
      return UV_EINVAL;
  }
}

static void uv__fs_work(struct uv__work* w) {
  uv_fs_t* req;

  req = uv__container_of(w, uv_fs_t, priv.work);
  req->result = uv__fs_run(req);
}

static void uv__fs_done(struct uv__work* w, int status) {
  uv_fs_t* req;

  req = uv__container_of(w, uv_fs_t, priv.work);
  uv__req_unregister(req->loop);
  if (status == UV_ECANCELED)
    req->result = UV_ECANCELED;
  req->priv.cb(req);
}

static int uv__fs_submit(uv_fs_t* req) {
  if (req->priv.cb == NULL) {
    req->result = uv__fs_run(req);
    /* The int return cannot hold every ssize_t; req->result can. */
    if (req->result > INT_MAX)
      return INT_MAX;
    return (int) req->result;
  }
  uv__req_init(req->loop, (uv_req_t*) req, UV_FS);
  uv__work_submit(req->loop, &req->priv.work, UV__WORK_FAST_IO,
                  uv__fs_work, uv__fs_done);
  return 0;
}

/* ---- public entry points ---------------------------------------------- */

#define UV__FS_INIT(type)                                                   \
  do {                                                                      \
    int uv__err_ = uv__fs_init(loop, req, (type), cb);                      \
    if (uv__err_)                                                           \
      return uv__err_;                                                      \
  } while (0)

#define UV__FS_CHECK(expr)                                                  \
  do {                                                                      \
    int uv__err_ = (expr);                                                  \
    if (uv__err_)                                                           \
      return uv__err_;                                                      \
  } while (0)

int uv_fs_open(uv_loop_t* loop, uv_fs_t* req, const char* path, int flags,
               int mode, uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_OPEN);
  UV__FS_CHECK(uv__fs_path(req, path));
  req->priv.flags = flags;
  req->priv.mode = mode;
  return uv__fs_submit(req);
}

int uv_fs_close(uv_loop_t* loop, uv_fs_t* req, uv_file file, uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_CLOSE);
  req->priv.file = file;
  return uv__fs_submit(req);
}

int uv_fs_read(uv_loop_t* loop, uv_fs_t* req, uv_file file,
               const uv_buf_t bufs[], unsigned int nbufs, int64_t offset,
               uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_READ);
  UV__FS_CHECK(uv__fs_bufs(req, bufs, nbufs));
  req->priv.file = file;
  req->priv.off = offset;
  return uv__fs_submit(req);
}

int uv_fs_write(uv_loop_t* loop, uv_fs_t* req, uv_file file,
                const uv_buf_t bufs[], unsigned int nbufs, int64_t offset,
                uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_WRITE);
  UV__FS_CHECK(uv__fs_bufs(req, bufs, nbufs));
  req->priv.file = file;
  req->priv.off = offset;
  return uv__fs_submit(req);
}

int uv_fs_unlink(uv_loop_t* loop, uv_fs_t* req, const char* path,
                 uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_UNLINK);
  UV__FS_CHECK(uv__fs_path(req, path));
  return uv__fs_submit(req);
}

int uv_fs_copyfile(uv_loop_t* loop, uv_fs_t* req, const char* path,
                   const char* new_path, int flags, uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_COPYFILE);
  if (flags & ~(UV_FS_COPYFILE_EXCL | UV_FS_COPYFILE_FICLONE |
                UV_FS_COPYFILE_FICLONE_FORCE))
    return uv__fs_fail(req, UV_EINVAL);
  UV__FS_CHECK(uv__fs_paths(req, path, new_path));
  req->priv.flags = flags;
  return uv__fs_submit(req);
}

int uv_fs_mkdir(uv_loop_t* loop, uv_fs_t* req, const char* path, int mode,
                uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_MKDIR);
  UV__FS_CHECK(uv__fs_path(req, path));
  req->priv.mode = mode;
  return uv__fs_submit(req);
}

int uv_fs_mkdtemp(uv_loop_t* loop, uv_fs_t* req, const char* tpl,
                  uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_MKDTEMP);
  UV__FS_CHECK(uv__fs_path(req, tpl));
  return uv__fs_submit(req);
}

int uv_fs_mkstemp(uv_loop_t* loop, uv_fs_t* req, const char* tpl,
                  uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_MKSTEMP);
  UV__FS_CHECK(uv__fs_path(req, tpl));
  return uv__fs_submit(req);
}

int uv_fs_rmdir(uv_loop_t* loop, uv_fs_t* req, const char* path,
                uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_RMDIR);
  UV__FS_CHECK(uv__fs_path(req, path));
  return uv__fs_submit(req);
}

int uv_fs_scandir(uv_loop_t* loop, uv_fs_t* req, const char* path, int flags,
                  uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_SCANDIR);
  UV__FS_CHECK(uv__fs_path(req, path));
  req->priv.flags = flags;  /* unused, as in libuv */
  return uv__fs_submit(req);
}

int uv_fs_opendir(uv_loop_t* loop, uv_fs_t* req, const char* path,
                  uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_OPENDIR);
  UV__FS_CHECK(uv__fs_path(req, path));
  return uv__fs_submit(req);
}

int uv_fs_readdir(uv_loop_t* loop, uv_fs_t* req, uv_dir_t* dir,
                  uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_READDIR);
  if (dir == NULL || dir->priv.dir == NULL || dir->dirents == NULL ||
      dir->nentries == 0)
    return uv__fs_fail(req, UV_EINVAL);
  /* Taken now, so cleanup finds the names even if the caller points dir
   * at another array (or closes it) before cleaning up. */
  req->priv.dirents = dir->dirents;
  req->priv.len = dir->nentries;
  req->ptr = dir;
  return uv__fs_submit(req);
}

int uv_fs_closedir(uv_loop_t* loop, uv_fs_t* req, uv_dir_t* dir,
                   uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_CLOSEDIR);
  if (dir == NULL)
    return uv__fs_fail(req, UV_EINVAL);
  req->ptr = dir;
  return uv__fs_submit(req);
}

int uv_fs_stat(uv_loop_t* loop, uv_fs_t* req, const char* path,
               uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_STAT);
  UV__FS_CHECK(uv__fs_path(req, path));
  return uv__fs_submit(req);
}

int uv_fs_lstat(uv_loop_t* loop, uv_fs_t* req, const char* path,
                uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_LSTAT);
  UV__FS_CHECK(uv__fs_path(req, path));
  return uv__fs_submit(req);
}

int uv_fs_fstat(uv_loop_t* loop, uv_fs_t* req, uv_file file, uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_FSTAT);
  req->priv.file = file;
  return uv__fs_submit(req);
}

int uv_fs_statfs(uv_loop_t* loop, uv_fs_t* req, const char* path,
                 uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_STATFS);
  UV__FS_CHECK(uv__fs_path(req, path));
  return uv__fs_submit(req);
}

int uv_fs_rename(uv_loop_t* loop, uv_fs_t* req, const char* path,
                 const char* new_path, uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_RENAME);
  UV__FS_CHECK(uv__fs_paths(req, path, new_path));
  return uv__fs_submit(req);
}

int uv_fs_fsync(uv_loop_t* loop, uv_fs_t* req, uv_file file, uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_FSYNC);
  req->priv.file = file;
  return uv__fs_submit(req);
}

int uv_fs_fdatasync(uv_loop_t* loop, uv_fs_t* req, uv_file file,
                    uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_FDATASYNC);
  req->priv.file = file;
  return uv__fs_submit(req);
}

int uv_fs_ftruncate(uv_loop_t* loop, uv_fs_t* req, uv_file file,
                    int64_t offset, uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_FTRUNCATE);
  req->priv.file = file;
  req->priv.off = offset;
  return uv__fs_submit(req);
}

int uv_fs_sendfile(uv_loop_t* loop, uv_fs_t* req, uv_file out_fd,
                   uv_file in_fd, int64_t in_offset, size_t length,
                   uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_SENDFILE);
  req->priv.file = out_fd;
  req->priv.file2 = in_fd;
  req->priv.off = in_offset;
  req->priv.len = length;
  return uv__fs_submit(req);
}

int uv_fs_access(uv_loop_t* loop, uv_fs_t* req, const char* path, int mode,
                 uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_ACCESS);
  UV__FS_CHECK(uv__fs_path(req, path));
  req->priv.flags = mode;
  return uv__fs_submit(req);
}

int uv_fs_chmod(uv_loop_t* loop, uv_fs_t* req, const char* path, int mode,
                uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_CHMOD);
  UV__FS_CHECK(uv__fs_path(req, path));
  req->priv.mode = mode;
  return uv__fs_submit(req);
}

int uv_fs_fchmod(uv_loop_t* loop, uv_fs_t* req, uv_file file, int mode,
                 uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_FCHMOD);
  req->priv.file = file;
  req->priv.mode = mode;
  return uv__fs_submit(req);
}

int uv_fs_utime(uv_loop_t* loop, uv_fs_t* req, const char* path,
                double atime, double mtime, uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_UTIME);
  UV__FS_CHECK(uv__fs_times(req, atime, mtime));
  UV__FS_CHECK(uv__fs_path(req, path));
  return uv__fs_submit(req);
}

int uv_fs_futime(uv_loop_t* loop, uv_fs_t* req, uv_file file, double atime,
                 double mtime, uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_FUTIME);
  UV__FS_CHECK(uv__fs_times(req, atime, mtime));
  req->priv.file = file;
  return uv__fs_submit(req);
}

int uv_fs_lutime(uv_loop_t* loop, uv_fs_t* req, const char* path,
                 double atime, double mtime, uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_LUTIME);
  UV__FS_CHECK(uv__fs_times(req, atime, mtime));
  UV__FS_CHECK(uv__fs_path(req, path));
  return uv__fs_submit(req);
}

int uv_fs_link(uv_loop_t* loop, uv_fs_t* req, const char* path,
               const char* new_path, uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_LINK);
  UV__FS_CHECK(uv__fs_paths(req, path, new_path));
  return uv__fs_submit(req);
}

int uv_fs_symlink(uv_loop_t* loop, uv_fs_t* req, const char* path,
                  const char* new_path, int flags, uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_SYMLINK);
  UV__FS_CHECK(uv__fs_paths(req, path, new_path));
  req->priv.flags = flags;  /* Windows-only hints */
  return uv__fs_submit(req);
}

int uv_fs_readlink(uv_loop_t* loop, uv_fs_t* req, const char* path,
                   uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_READLINK);
  UV__FS_CHECK(uv__fs_path(req, path));
  return uv__fs_submit(req);
}

int uv_fs_realpath(uv_loop_t* loop, uv_fs_t* req, const char* path,
                   uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_REALPATH);
  UV__FS_CHECK(uv__fs_path(req, path));
  return uv__fs_submit(req);
}

int uv_fs_chown(uv_loop_t* loop, uv_fs_t* req, const char* path,
                uv_uid_t uid, uv_gid_t gid, uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_CHOWN);
  UV__FS_CHECK(uv__fs_path(req, path));
  req->priv.uid = uid;
  req->priv.gid = gid;
  return uv__fs_submit(req);
}

int uv_fs_fchown(uv_loop_t* loop, uv_fs_t* req, uv_file file, uv_uid_t uid,
                 uv_gid_t gid, uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_FCHOWN);
  req->priv.file = file;
  req->priv.uid = uid;
  req->priv.gid = gid;
  return uv__fs_submit(req);
}

int uv_fs_lchown(uv_loop_t* loop, uv_fs_t* req, const char* path,
                 uv_uid_t uid, uv_gid_t gid, uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_LCHOWN);
  UV__FS_CHECK(uv__fs_path(req, path));
  req->priv.uid = uid;
  req->priv.gid = gid;
  return uv__fs_submit(req);
}

/* ---- results and cleanup ----------------------------------------------- */

void uv_fs_req_cleanup(uv_fs_t* req) {
  if (req == NULL)
    return;

  uv__free((char*) req->path);
  req->path = NULL;
  uv__free((char*) req->new_path);
  req->new_path = NULL;
  if (req->priv.own_bufs)
    uv__free(req->bufs);
  req->priv.own_bufs = 0;
  req->bufs = NULL;
  req->nbufs = 0;

  switch (req->fs_type) {
    case UV_FS_SCANDIR:
      uv__fs_scandir_free(req);
      break;
    case UV_FS_READDIR:
      uv__fs_readdir_free(req);
      break;
    case UV_FS_READLINK:
    case UV_FS_REALPATH:
    case UV_FS_STATFS:
      uv__free(req->ptr);
      break;
    default:
      /* statbuf, or a uv_dir_t that belongs to the caller until closedir. */
      break;
  }
  req->ptr = NULL;
}

/* The accessors answer for a NULL request too (libuv would crash): no
 * type, UV_EINVAL, nothing. */
uv_fs_type uv_fs_get_type(const uv_fs_t* req) {
  return req != NULL ? req->fs_type : UV_FS_UNKNOWN;
}

ssize_t uv_fs_get_result(const uv_fs_t* req) {
  return req != NULL ? req->result : UV_EINVAL;
}

int uv_fs_get_system_error(const uv_fs_t* req) {
  /* Documented as -(req->result) on Unix, successes included. */
  return req != NULL ? (int) -req->result : 0;
}

void* uv_fs_get_ptr(const uv_fs_t* req) {
  return req != NULL ? req->ptr : NULL;
}

const char* uv_fs_get_path(const uv_fs_t* req) {
  return req != NULL ? req->path : NULL;
}

uv_stat_t* uv_fs_get_statbuf(uv_fs_t* req) {
  return req != NULL ? &req->statbuf : NULL;
}

/* On Unix the C runtime's descriptors are the system's. */
uv_os_fd_t uv_get_osfhandle(int fd) {
  return fd;
}

int uv_open_osfhandle(uv_os_fd_t os_fd) {
  return os_fd;
}
