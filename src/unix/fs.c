/* uvcore — file system operations on Unix that are one system call each
 * (or close to it); ../fs-req.c owns the request life cycle and calls
 * uv__fs_run() here, on the caller's thread or a pool thread.
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

ssize_t uv__fs_run(uv_fs_t* req) {
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

int uv_fs_get_system_error(const uv_fs_t* req) {
  /* Documented as -(req->result) on Unix, successes included. */
  return req != NULL ? (int) -req->result : 0;
}

/* On Unix the C runtime's descriptors are the system's. */
uv_os_fd_t uv_get_osfhandle(int fd) {
  return fd;
}

int uv_open_osfhandle(uv_os_fd_t os_fd) {
  return os_fd;
}
