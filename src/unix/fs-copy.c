/* uvcore — moving bytes between descriptors: uv_fs_sendfile() and
 * uv_fs_copyfile().
 *
 * Linux offers three ways, each refusing some pairs of descriptors:
 * copy_file_range(2) (regular files only; EXDEV across file systems before
 * 5.3; EBADF when the output is O_APPEND; EINVAL for overlapping ranges of
 * one file), sendfile(2) (input must be mmap-able; EINVAL for an O_APPEND
 * output on older kernels) and plain read/write, which always works.  We
 * try them in that order and step down on the errors that mean "not for
 * these descriptors"; a real error (a bad descriptor, say) comes back again
 * from the last method and is reported from there.
 */
#include "fs.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__linux__)
# include <linux/fs.h>
#endif

/* Large enough for few system calls, small enough to keep the kernel from
 * holding locks for long or overflowing a ssize_t. */
#define UV__XFER_CHUNK ((size_t) 1 << 30)
#define UV__XFER_BUF ((size_t) 64 * 1024)

enum uv__xfer_method {
  UV__XFER_COPY_RANGE,
  UV__XFER_SENDFILE,
  UV__XFER_RW
};

/* Errors that mean "this method does not do these descriptors" rather
 * than "this transfer cannot be done". */
static int uv__xfer_unsupported(enum uv__xfer_method method, int err) {
  switch (err) {
    case EINVAL:
    case ENOSYS:
    case EOPNOTSUPP:
    case EOVERFLOW:
      return 1;
    case EXDEV:   /* across file systems, before Linux 5.3 */
    case EBADF:   /* an O_APPEND output */
    case EPERM:   /* some special and immutable files */
    case EIO:     /* some network file systems */
      return method == UV__XFER_COPY_RANGE;
    case ESPIPE:  /* an offset for an input that has none (a pipe) */
      return method == UV__XFER_SENDFILE;
    default:
      return 0;
  }
}

/* Waits until a non-blocking output takes data again.  We are on a pool
 * thread or in a synchronous call, so blocking is what the caller asked
 * for; it keeps data already read from being lost. */
static int uv__xfer_wait_writable(int fd) {
  struct pollfd pfd;
  int r;

  pfd.fd = fd;
  pfd.events = POLLOUT;
  pfd.revents = 0;
  do
    r = poll(&pfd, 1, -1);
  while (r == -1 && errno == EINTR);
  return r == -1 ? uv__err() : 0;
}

/* The fallback of last resort: read a block, write all of it.  If the
 * output fails part-way, the input is rewound over what was not written
 * (when it is read at its own position), so the caller's view of both
 * descriptors agrees with the count returned. */
static ssize_t uv__xfer_rw(int out, int in, off_t* off, size_t len,
                           char* buf) {
  ssize_t n;
  ssize_t w;
  size_t done;
  size_t want;
  int err;

  want = len < UV__XFER_BUF ? len : UV__XFER_BUF;
  do
    n = off != NULL ? pread(in, buf, want, *off) : read(in, buf, want);
  while (n == -1 && errno == EINTR);
  if (n <= 0)
    return n == 0 ? 0 : uv__err();

  err = 0;
  done = 0;
  while (done < (size_t) n) {
    w = write(out, buf + done, (size_t) n - done);
    if (w > 0) {
      done += (size_t) w;
      continue;
    }
    if (w == -1 && errno == EINTR)
      continue;
    if (w == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      err = uv__xfer_wait_writable(out);
      if (err == 0)
        continue;
      break;
    }
    err = w == 0 ? UV_EIO : uv__err();
    break;
  }

  if (off != NULL)
    *off += (off_t) done;
  else if (done < (size_t) n)
    (void) lseek(in, -(off_t) ((size_t) n - done), SEEK_CUR);
  if (done == 0)
    return err;
  return (ssize_t) done;
}

/* Copies up to len bytes from in (at *off, advanced, when off is not NULL;
 * otherwise at, and advancing, its position) to out at its position.
 * Returns the count copied, which is short only at end of input or when a
 * non-blocking output fills up after some progress, or a UV_E* code. */
static ssize_t uv__xfer(int out, int in, off_t* off, size_t len) {
  enum uv__xfer_method method;
  size_t total;
  size_t want;
  ssize_t n;
  char* buf;

  method = UV__XFER_COPY_RANGE;
  buf = NULL;
  total = 0;

  while (total < len) {
    want = len - total;
    if (want > UV__XFER_CHUNK)
      want = UV__XFER_CHUNK;

    switch (method) {
      case UV__XFER_COPY_RANGE:
        n = copy_file_range(in, off, out, NULL, want, 0);
        break;
      case UV__XFER_SENDFILE:
        n = sendfile(out, in, off, want);
        break;
      default:
        if (buf == NULL) {
          buf = uv__malloc(UV__XFER_BUF);
          if (buf == NULL) {
            n = UV_ENOMEM;
            goto done;
          }
        }
        n = uv__xfer_rw(out, in, off, want, buf);
        if (n == UV_ESPIPE && off != NULL && total == 0) {
          /* An input that cannot be read at an offset (a pipe) is read
           * where it stands, the offset ignored, as libuv does.  (Only
           * pread(2) says ESPIPE here.) */
          off = NULL;
          continue;
        }
        if (n < 0)
          goto done;
        break;
    }

    if (n == -1) {
      if (errno == EINTR)
        continue;
      if (method != UV__XFER_RW && total == 0 &&
          uv__xfer_unsupported(method, errno)) {
        method++;
        continue;
      }
      n = uv__err();
      goto done;
    }
    if (n == 0) {
      /* Some pseudo file systems answer 0 to copy_file_range even with
       * data left; only the next method can tell real end of input. */
      if (method == UV__XFER_COPY_RANGE && total == 0) {
        method++;
        continue;
      }
      break;
    }
    total += (size_t) n;
  }
  n = 0;

done:
  uv__free(buf);
  if (n < 0) {
    /* A would-block after progress is a short transfer, not an error. */
    if (total > 0)
      return (ssize_t) total;
    return n;
  }
  return (ssize_t) total;
}

ssize_t uv__fs_do_sendfile(uv_fs_t* req) {
  off_t off;

  if (req->priv.len == 0)
    return 0;
  if (req->priv.off < 0)
    return uv__xfer(req->priv.file, req->priv.file2, NULL, req->priv.len);
  off = (off_t) req->priv.off;
  return uv__xfer(req->priv.file, req->priv.file2, &off, req->priv.len);
}

ssize_t uv__fs_do_copyfile(uv_fs_t* req) {
  struct stat src_st;
  struct stat dst_st;
  int removable;
  int src;
  int dst;
  int err;
  int oflags;
  off_t off;
  ssize_t n;
  uint64_t left;
  mode_t mode;

  dst = -1;
  removable = 0;
  err = 0;

  do
    src = open(req->path, O_RDONLY | O_CLOEXEC);
  while (src == -1 && errno == EINTR);
  if (src == -1)
    return uv__err();
  if (fstat(src, &src_st)) {
    err = uv__err();
    goto out;
  }
  if (S_ISDIR(src_st.st_mode)) {
    err = UV_EISDIR;
    goto out;
  }
  mode = src_st.st_mode & 07777;

  /* Opened without O_TRUNC: if it is the source itself under another name,
   * truncating would destroy the data we are asked to copy. */
  oflags = O_WRONLY | O_CREAT | O_CLOEXEC;
  if (req->priv.flags & UV_FS_COPYFILE_EXCL)
    oflags |= O_EXCL;
  do
    dst = open(req->new_path, oflags, mode);
  while (dst == -1 && errno == EINTR);
  if (dst == -1) {
    err = uv__err();
    goto out;
  }
  if (fstat(dst, &dst_st)) {
    err = uv__err();
    goto out;
  }
  if (src_st.st_dev == dst_st.st_dev && src_st.st_ino == dst_st.st_ino)
    goto out;  /* copying a file onto itself: already done */
  /* From here on a failure leaves no half-copied file behind (libuv's
   * documented behaviour) -- but only a regular file is ever removed: the
   * destination may be a device such as /dev/null. */
  removable = S_ISREG(dst_st.st_mode);

  /* Size and permissions only make sense for a regular file; a device
   * (copying to /dev/null, say) is left exactly as it is. */
  if (S_ISREG(dst_st.st_mode)) {
    if (dst_st.st_size != 0 && ftruncate(dst, 0)) {
      err = uv__err();
      goto out;
    }
    /* The create mode went through the umask; make it the source's.  A
     * file we may write but do not own keeps its mode (EPERM), as cp(1)
     * would leave it. */
    if ((dst_st.st_mode & 07777) != mode && fchmod(dst, mode) &&
        errno != EPERM) {
      err = uv__err();
      goto out;
    }
  }

  if (req->priv.flags &
      (UV_FS_COPYFILE_FICLONE | UV_FS_COPYFILE_FICLONE_FORCE)) {
#if defined(FICLONE)
    if (ioctl(dst, FICLONE, src) == 0)
      goto out;
    if (req->priv.flags & UV_FS_COPYFILE_FICLONE_FORCE) {
      err = uv__err();
      goto out;
    }
#else
    if (req->priv.flags & UV_FS_COPYFILE_FICLONE_FORCE) {
      err = UV_ENOTSUP;
      goto out;
    }
#endif
  }

  off = 0;
  left = (uint64_t) src_st.st_size;
  while (left > 0) {
    n = uv__xfer(dst, src, &off,
                 left > UV__XFER_CHUNK ? UV__XFER_CHUNK : (size_t) left);
    if (n < 0) {
      err = (int) n;
      goto out;
    }
    if (n == 0)
      break;  /* the source shrank while we copied */
    left -= (uint64_t) n;
  }

out:
  if (dst != -1) {
    /* A late write-back error shows up here; the copy is then unusable. */
    n = uv__close(dst);
    if (n < 0 && err == 0)
      err = (int) n;
  }
  uv__close(src);
  if (err && removable)
    unlink(req->new_path);
  return err;
}
