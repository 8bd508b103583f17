/* Tests of uv_random: synchronous and thread-pool modes, argument checks,
 * large requests, cancellation, and (Linux) the /dev/urandom fallback when
 * getrandom(2) is unavailable. */
#include "task.h"

#include <errno.h>
#include <string.h>
#ifdef _WIN32
/* The pool reads UV_THREADPOOL_SIZE from the C library's environment. */
# define setenv(name, value, overwrite) _putenv_s((name), (value))
#else
# include <fcntl.h>
# include <unistd.h>
# include <sys/wait.h>
#endif

#if defined(__linux__)
# include <linux/filter.h>
# include <linux/seccomp.h>
# include <sys/prctl.h>
# include <sys/syscall.h>
#endif

static int all_zero(const unsigned char* p, size_t n) {
  size_t i;

  for (i = 0; i < n; i++)
    if (p[i] != 0)
      return 0;
  return 1;
}

TEST(random_sync) {
  unsigned char a[64];
  unsigned char b[64];

  memset(a, 0, sizeof(a));
  memset(b, 0, sizeof(b));
  /* Synchronous mode does not need a loop or a request. */
  ASSERT_OK(uv_random(NULL, NULL, a, sizeof(a), 0, NULL));
  ASSERT_OK(uv_random(NULL, NULL, b, sizeof(b), 0, NULL));
  ASSERT(!all_zero(a, sizeof(a)));
  ASSERT(memcmp(a, b, sizeof(a)) != 0);
  return 0;
}

static unsigned char async_buf[256];
static int async_called;

static void async_cb(uv_random_t* req, int status, void* buf, size_t buflen) {
  ASSERT_OK(status);
  ASSERT_PTR_EQ(buf, async_buf);
  ASSERT_UINT64_EQ(buflen, sizeof(async_buf));
  ASSERT_PTR_EQ(req->data, &async_called);
  ASSERT(!all_zero(buf, buflen));
  async_called++;
}

TEST(random_async) {
  uv_random_t req;
  uv_loop_t loop;

  ASSERT_OK(uv_loop_init(&loop));
  req.data = &async_called;
  ASSERT_OK(uv_random(&loop, &req, async_buf, sizeof(async_buf), 0,
                      async_cb));
  ASSERT_PTR_EQ(req.loop, &loop);
  ASSERT_EQ(req.type, UV_RANDOM);
  ASSERT_EQ(uv_loop_alive(&loop), 1);
  ASSERT_EQ(async_called, 0);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(async_called, 1);
  close_loop_and_check(&loop);
  return 0;
}

static void never_cb(uv_random_t* req, int status, void* buf, size_t len) {
  (void) req;
  (void) status;
  (void) buf;
  (void) len;
  ASSERT(0 && "callback of a rejected request");
}

TEST(random_bad_arguments) {
  unsigned char buf[16];
  uv_random_t req;
  uv_loop_t loop;

  ASSERT_OK(uv_loop_init(&loop));
  memset(buf, 0, sizeof(buf));

  /* No flags are defined yet. */
  ASSERT_EQ(uv_random(NULL, NULL, buf, sizeof(buf), 1, NULL), UV_EINVAL);
  ASSERT_EQ(uv_random(&loop, &req, buf, sizeof(buf), 1, never_cb),
            UV_EINVAL);
  ASSERT_EQ(uv_random(&loop, &req, buf, sizeof(buf), 0x80000000u, never_cb),
            UV_EINVAL);
  ASSERT(all_zero(buf, sizeof(buf)));

  ASSERT_EQ(uv_random(NULL, NULL, NULL, 16, 0, NULL), UV_EINVAL);
  ASSERT_EQ(uv_random(&loop, &req, NULL, 16, 0, never_cb), UV_EINVAL);
  ASSERT_EQ(uv_random(NULL, &req, buf, sizeof(buf), 0, never_cb), UV_EINVAL);
  ASSERT_EQ(uv_random(&loop, NULL, buf, sizeof(buf), 0, never_cb), UV_EINVAL);

#if SIZE_MAX > 0x7FFFFFFFu
  /* Over 2^31 - 1 bytes is refused before anything else is looked at. */
  ASSERT_EQ(uv_random(NULL, NULL, buf, (size_t) 0x80000000u, 0, NULL),
            UV_E2BIG);
  ASSERT_EQ(uv_random(&loop, &req, buf, (size_t) 0x80000000u, 1, never_cb),
            UV_E2BIG);
  ASSERT_EQ(uv_random(NULL, NULL, NULL, SIZE_MAX, 0, NULL), UV_E2BIG);
#endif

  ASSERT_EQ(uv_loop_alive(&loop), 0);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  close_loop_and_check(&loop);
  return 0;
}

static int zero_called;

static void zero_cb(uv_random_t* req, int status, void* buf, size_t buflen) {
  (void) req;
  ASSERT_OK(status);
  ASSERT_NULL(buf);
  ASSERT_UINT64_EQ(buflen, 0);
  zero_called++;
}

TEST(random_zero_length) {
  uv_random_t req;
  uv_loop_t loop;

  ASSERT_OK(uv_random(NULL, NULL, NULL, 0, 0, NULL));
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_random(&loop, &req, NULL, 0, 0, zero_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(zero_called, 1);
  close_loop_and_check(&loop);
  return 0;
}

/* Counts zero bytes: about 1 in 256 for random data.  The bounds are over
 * 15 standard deviations wide, yet catch a buffer left (partly) unfilled. */
static void check_random_bytes(const unsigned char* p, size_t n) {
  size_t zeros;
  size_t i;

  zeros = 0;
  for (i = 0; i < n; i++)
    zeros += p[i] == 0;
  ASSERT_GT(zeros, n / 256 - n / 1024);
  ASSERT_LT(zeros, n / 256 + n / 1024);
  /* The very end got filled too. */
  ASSERT(!all_zero(p + n - 64, 64));
}

TEST(random_one_mebibyte) {
  unsigned char* buf;
  size_t n;

  n = 1024 * 1024;
  buf = calloc(1, n);
  ASSERT_NOT_NULL(buf);
  ASSERT_OK(uv_random(NULL, NULL, buf, n, 0, NULL));
  check_random_bytes(buf, n);
  free(buf);
  return 0;
}

/* getrandom(2) hands out at most 32 MiB - 1 per call, so this needs the
 * loop over short reads. */
TEST(random_larger_than_one_read) {
  unsigned char* buf;
  size_t n;

  n = 40u * 1024 * 1024;
  buf = calloc(1, n);
  ASSERT_NOT_NULL(buf);
  ASSERT_OK(uv_random(NULL, NULL, buf, n, 0, NULL));
  check_random_bytes(buf, n);
  free(buf);
  return 0;
}

#define CONCURRENT 50

static unsigned char concurrent_bufs[CONCURRENT][32];
static int concurrent_called;

static void concurrent_cb(uv_random_t* req, int status, void* buf,
                          size_t buflen) {
  int i;

  ASSERT_OK(status);
  i = (int) (intptr_t) req->data;
  ASSERT_PTR_EQ(buf, concurrent_bufs[i]);
  ASSERT_UINT64_EQ(buflen, 32);
  concurrent_called++;
}

TEST(random_concurrent) {
  uv_random_t reqs[CONCURRENT];
  uv_loop_t loop;
  int i;
  int j;

  ASSERT_OK(uv_loop_init(&loop));
  for (i = 0; i < CONCURRENT; i++) {
    reqs[i].data = (void*) (intptr_t) i;
    ASSERT_OK(uv_random(&loop, &reqs[i], concurrent_bufs[i], 32, 0,
                        concurrent_cb));
  }
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(concurrent_called, CONCURRENT);
  for (i = 0; i < CONCURRENT; i++)
    for (j = i + 1; j < CONCURRENT; j++)
      ASSERT(memcmp(concurrent_bufs[i], concurrent_bufs[j], 32) != 0);
  close_loop_and_check(&loop);
  return 0;
}

static uv_sem_t block_sem;
static int cancel_called;

static void block_work(uv_work_t* req) {
  (void) req;
  uv_sem_wait(&block_sem);
}

static void block_after(uv_work_t* req, int status) {
  (void) req;
  ASSERT_OK(status);
}

static void cancel_cb(uv_random_t* req, int status, void* buf,
                      size_t buflen) {
  (void) req;
  ASSERT_EQ(status, UV_ECANCELED);
  ASSERT(all_zero(buf, buflen));  /* never filled */
  cancel_called++;
}

TEST(random_cancel_queued) {
  unsigned char buf[32];
  uv_random_t req;
  uv_work_t block;
  uv_loop_t loop;

  /* One pool thread, kept busy, so the request stays queued. */
  setenv("UV_THREADPOOL_SIZE", "1", 1);
  ASSERT_OK(uv_sem_init(&block_sem, 0));
  ASSERT_OK(uv_loop_init(&loop));
  memset(buf, 0, sizeof(buf));

  ASSERT_OK(uv_queue_work(&loop, &block, block_work, block_after));
  ASSERT_OK(uv_random(&loop, &req, buf, sizeof(buf), 0, cancel_cb));
  ASSERT_OK(uv_cancel((uv_req_t*) &req));
  ASSERT_EQ(cancel_called, 0);
  uv_sem_post(&block_sem);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(cancel_called, 1);
  close_loop_and_check(&loop);
  uv_sem_destroy(&block_sem);
  return 0;
}

#if defined(__linux__) && defined(SYS_getrandom)
static int fallback_called;

static void fallback_cb(uv_random_t* req, int status, void* buf,
                        size_t buflen) {
  (void) req;
  ASSERT_OK(status);
  ASSERT(!all_zero(buf, buflen));
  fallback_called++;
}

/* Runs in a forked child that is then made to see ENOSYS from getrandom,
 * as on kernels before 3.17: uv_random must still work, from /dev/urandom,
 * and close what it opened. */
static int fallback_child(void) {
  static const struct sock_filter insns[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getrandom, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)
  };
  struct sock_fprog prog;
  unsigned char buf[4096];
  unsigned char probe;
  uv_random_t req;
  uv_loop_t loop;
  int fd_before;
  int fd_after;

  prog.len = (unsigned short) (sizeof(insns) / sizeof(insns[0]));
  prog.filter = (struct sock_filter*) insns;
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
      prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
    return 77;
  /* The filter is in force. */
  if (syscall(SYS_getrandom, &probe, 1, 0) != -1 || errno != ENOSYS)
    return 2;

  fd_before = open("/dev/null", O_RDONLY | O_CLOEXEC);
  close(fd_before);

  memset(buf, 0, sizeof(buf));
  if (uv_random(NULL, NULL, buf, sizeof(buf), 0, NULL) != 0)
    return 3;
  if (all_zero(buf, sizeof(buf)))
    return 4;
  memset(buf, 0, sizeof(buf));
  if (uv_random(NULL, NULL, buf, sizeof(buf), 0, NULL) != 0)
    return 5;
  if (all_zero(buf, sizeof(buf)))
    return 6;

  if (uv_loop_init(&loop) != 0)
    return 7;
  memset(buf, 0, sizeof(buf));
  if (uv_random(&loop, &req, buf, 1000, 0, fallback_cb) != 0)
    return 8;
  if (uv_run(&loop, UV_RUN_DEFAULT) != 0 || fallback_called != 1)
    return 9;
  if (uv_loop_close(&loop) != 0)
    return 10;

  /* Every descriptor of the random devices was closed again. */
  fd_after = open("/dev/null", O_RDONLY | O_CLOEXEC);
  close(fd_after);
  if (fd_after != fd_before)
    return 11;
  return 0;
}
#endif

TEST(random_fallback_without_getrandom) {
#if defined(__linux__) && defined(SYS_getrandom)
  int status;
  pid_t pid;

  pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0)
    _exit(fallback_child());
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT(WIFEXITED(status));
  if (WEXITSTATUS(status) == 77)
    RETURN_SKIP("seccomp filters are not available");
  ASSERT_EQ(WEXITSTATUS(status), 0);
  return 0;
#else
  RETURN_SKIP("getrandom(2) fallback is Linux-only");
#endif
}
