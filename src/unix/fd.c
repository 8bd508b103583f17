/* uvcore — descriptor helpers: sockets and accepted connections are
 * close-on-exec and non-blocking from birth (SOCK_CLOEXEC|SOCK_NONBLOCK,
 * accept4), received descriptors too (MSG_CMSG_CLOEXEC), so no window exists
 * in which a concurrent fork+exec elsewhere in the process could inherit
 * them; the fallbacks for systems without those flags set both at once. */
#include "internal.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

/* close() may report EINTR after the descriptor is already gone (Linux);
 * retrying could close a descriptor another thread just got, so EINTR and
 * EINPROGRESS count as success. */
int uv__close(int fd) {
  int saved;
  int r;

  if (fd < 0)
    return UV_EBADF;
  saved = errno;
  r = close(fd);
  if (r == -1) {
    r = uv__err();
    if (r == UV_EINTR || r == -EINPROGRESS)
      r = 0;
  }
  errno = saved;
  return r;
}

/* Sets or clears one bit of a descriptor's flags (F_GETFL/F_SETFL or
 * F_GETFD/F_SETFD), skipping the write when it already has that value. */
static int fcntl_set_bit(int fd, int getcmd, int setcmd, int bit, int set) {
  int flags;
  int r;

  do
    flags = fcntl(fd, getcmd);
  while (flags == -1 && errno == EINTR);
  if (flags == -1)
    return uv__err();
  if (!!(flags & bit) == !!set)
    return 0;
  flags = set ? (flags | bit) : (flags & ~bit);
  do
    r = fcntl(fd, setcmd, flags);
  while (r == -1 && errno == EINTR);
  return r ? uv__err() : 0;
}

int uv__nonblock(int fd, int set) {
#if defined(FIONBIO)
  int r;

  do
    r = ioctl(fd, FIONBIO, &set);
  while (r == -1 && errno == EINTR);
  if (r == 0)
    return 0;
  if (errno != ENOTTY && errno != ENOTSUP && errno != EINVAL)
    return uv__err();
#endif

  return fcntl_set_bit(fd, F_GETFL, F_SETFL, O_NONBLOCK, set);
}

int uv__cloexec(int fd, int set) {
  return fcntl_set_bit(fd, F_GETFD, F_SETFD, FD_CLOEXEC, set);
}

int uv__socket(int domain, int type, int protocol) {
  int fd;
  int err;

#if defined(SOCK_NONBLOCK) && defined(SOCK_CLOEXEC)
  fd = socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
  if (fd != -1)
    return fd;
  if (errno != EINVAL)
    return uv__err();
#endif

  fd = socket(domain, type, protocol);
  if (fd == -1)
    return uv__err();
  err = uv__nonblock(fd, 1);
  if (err == 0)
    err = uv__cloexec(fd, 1);
  if (err) {
    uv__close(fd);
    return err;
  }
  return fd;
}

int uv__accept(int sockfd) {
  int fd;

  do
#if defined(__linux__) || defined(__FreeBSD__) || defined(__NetBSD__) || \
    defined(__OpenBSD__) || defined(__DragonFly__)
    fd = accept4(sockfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
#else
    fd = accept(sockfd, NULL, NULL);
#endif
  while (fd == -1 && errno == EINTR);
  if (fd == -1)
    return uv__err();
#if !(defined(__linux__) || defined(__FreeBSD__) || defined(__NetBSD__) || \
      defined(__OpenBSD__) || defined(__DragonFly__))
  if (uv__cloexec(fd, 1) || uv__nonblock(fd, 1)) {
    int err = uv__err();
    uv__close(fd);
    return err;
  }
#endif
  return fd;
}

ssize_t uv__recvmsg(int fd, struct msghdr* msg, int flags) {
  ssize_t r;

#if defined(MSG_CMSG_CLOEXEC)
  r = recvmsg(fd, msg, flags | MSG_CMSG_CLOEXEC);
#else
  r = recvmsg(fd, msg, flags);
#endif
  return r == -1 ? uv__err() : r;
}
