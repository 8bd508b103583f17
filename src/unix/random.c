/* uvcore — uv_random: bytes from the kernel's CSPRNG.
 *
 * Linux: getrandom(2) with no flags, which waits until the kernel pool has
 * been seeded once and never afterwards.  It may return fewer bytes than
 * asked for large requests or when a signal arrives, so we loop.  Kernels
 * older than 3.17 lack it (ENOSYS; seccomp sandboxes sometimes fake that
 * too): then /dev/urandom, but only after /dev/random has reported readable
 * once, because /dev/urandom, unlike getrandom, hands out bytes from an
 * unseeded pool at early boot.  Other Unixes read /dev/urandom directly;
 * theirs blocks until seeded.
 *
 * With a callback the work runs on the thread pool (as CPU work: it never
 * blocks for long once the pool is seeded).
 */
#include "internal.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>

#if defined(__linux__)
# include <sys/syscall.h>
#endif

/* Largest request we accept: what libuv documents, and what keeps every
 * length representable as a non-negative int on all platforms. */
#define UV__RANDOM_MAX 0x7FFFFFFFu

static int read_all(int fd, char* p, size_t len) {
  ssize_t n;

  while (len > 0) {
    n = read(fd, p, len);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return uv__err();
    }
    if (n == 0)
      return UV_EIO;  /* a random device never ends */
    p += n;
    len -= (size_t) n;
  }
  return 0;
}

static int open_random_device(const char* path, int* fdp) {
  struct stat st;
  int fd;
  int r;

  do
    fd = open(path, O_RDONLY | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0)
    return uv__err();

  /* A regular file planted in a chroot's /dev is not a random source. */
  if (fstat(fd, &st) != 0) {
    r = uv__err();
    uv__close(fd);
    return r;
  }
  if (!S_ISCHR(st.st_mode)) {
    uv__close(fd);
    return UV_EIO;
  }
  *fdp = fd;
  return 0;
}

#if defined(__linux__)
static pthread_once_t seeded_once = PTHREAD_ONCE_INIT;
static int seeded_status;

/* Waits until /dev/random is readable, i.e. the pool has been seeded. */
static void wait_seeded(void) {
  struct pollfd pfd;
  int fd;
  int r;

  r = open_random_device("/dev/random", &fd);
  if (r != 0) {
    seeded_status = r;
    return;
  }
  pfd.fd = fd;
  pfd.events = POLLIN;
  pfd.revents = 0;
  do
    r = poll(&pfd, 1, -1);
  while (r == -1 && errno == EINTR);
  seeded_status = r == -1 ? uv__err() : 0;
  uv__close(fd);
}
#endif

static int fill_from_urandom(char* p, size_t len) {
  int fd;
  int r;

#if defined(__linux__)
  pthread_once(&seeded_once, wait_seeded);
  if (seeded_status != 0)
    return seeded_status;
#endif
  r = open_random_device("/dev/urandom", &fd);
  if (r != 0)
    return r;
  r = read_all(fd, p, len);
  uv__close(fd);
  return r;
}

#if defined(__linux__) && defined(SYS_getrandom)
/* Set once getrandom() has reported ENOSYS, so later calls skip it. */
static int getrandom_missing;

/* Returns 0, a UV_E* code, or UV_ENOSYS to ask for the fallback. */
static int fill_from_getrandom(char* p, size_t len) {
  long n;

  if (__atomic_load_n(&getrandom_missing, __ATOMIC_RELAXED))
    return UV_ENOSYS;

  while (len > 0) {
    n = syscall(SYS_getrandom, p, len, 0);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      if (errno == ENOSYS) {
        __atomic_store_n(&getrandom_missing, 1, __ATOMIC_RELAXED);
        return UV_ENOSYS;
      }
      return uv__err();
    }
    if (n == 0)
      return UV_EIO;
    p += n;
    len -= (size_t) n;
  }
  return 0;
}
#endif

static int fill_random(void* buf, size_t len) {
  int r;

  if (len == 0)
    return 0;
#if defined(__linux__) && defined(SYS_getrandom)
  r = fill_from_getrandom(buf, len);
  if (r != UV_ENOSYS)
    return r;
#endif
  r = fill_from_urandom(buf, len);
  return r;
}

static void random_work(struct uv__work* w) {
  uv_random_t* req;

  req = uv__container_of(w, uv_random_t, priv.work);
  req->priv.status = fill_random(req->priv.buf, req->priv.buflen);
}

static void random_done(struct uv__work* w, int status) {
  uv_random_t* req;

  req = uv__container_of(w, uv_random_t, priv.work);
  uv__req_unregister(req->loop);
  if (status == 0)
    status = req->priv.status;
  req->priv.cb(req, status, req->priv.buf, req->priv.buflen);
}

int uv_random(uv_loop_t* loop, uv_random_t* req, void* buf, size_t buflen,
              unsigned flags, uv_random_cb cb) {
  if (buflen > UV__RANDOM_MAX)
    return UV_E2BIG;
  if (flags != 0)
    return UV_EINVAL;
  if (buf == NULL && buflen > 0)
    return UV_EINVAL;

  /* Synchronous: loop and req are not used and may be NULL. */
  if (cb == NULL)
    return fill_random(buf, buflen);

  if (!uv__loop_usable(loop) || req == NULL || uv__work_in_flight(&req->priv.work))
    return UV_EINVAL;

  uv__req_init(loop, (uv_req_t*) req, UV_RANDOM);
  req->loop = loop;
  req->priv.cb = cb;
  req->priv.buf = buf;
  req->priv.buflen = buflen;
  req->priv.flags = flags;
  req->priv.status = 0;
  uv__work_submit(loop, &req->priv.work, UV__WORK_CPU, random_work,
                  random_done);
  return 0;
}
