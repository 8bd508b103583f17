/* Descriptor exhaustion and a full disk.
 *
 * With the descriptor table full (RLIMIT_NOFILE lowered, then filled),
 * every call that needs a new descriptor fails with UV_EMFILE and leaves
 * nothing behind: a loop, a TCP or UDP socket, a pipe pair, a file, a
 * child with pipes.  Once descriptors are free again each one works.
 * Writes to /dev/full fail with UV_ENOSPC, reporting nothing written.
 */
#include "task.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define FF_MAX_FILL 256

static int ff_fill[FF_MAX_FILL];
static int ff_nfill;

/* Lowers the limit to a little above what is open, then fills the rest. */
static void ff_exhaust(struct rlimit* saved) {
  struct rlimit low;
  int fd;

  ASSERT_OK(getrlimit(RLIMIT_NOFILE, saved));
  fd = dup(0);
  ASSERT_GE(fd, 0);
  ASSERT_OK(close(fd));
  low = *saved;
  low.rlim_cur = (rlim_t) fd + FF_MAX_FILL / 2;
  ASSERT_OK(setrlimit(RLIMIT_NOFILE, &low));
  ff_nfill = 0;
  for (;;) {
    fd = dup(0);
    if (fd < 0) {
      ASSERT_EQ(errno, EMFILE);
      break;
    }
    ASSERT_LT(ff_nfill, FF_MAX_FILL);
    ff_fill[ff_nfill++] = fd;
  }
}

static void ff_release(const struct rlimit* saved) {
  while (ff_nfill > 0)
    ASSERT_OK(close(ff_fill[--ff_nfill]));
  ASSERT_OK(setrlimit(RLIMIT_NOFILE, saved));
}

static void ff_exit_cb(uv_process_t* p, int64_t status, int sig) {
  ASSERT_EQ(status, 0);
  ASSERT_EQ(sig, 0);
  uv_close((uv_handle_t*) p, NULL);
}

/* Every descriptor-making call once; expect: 0 or UV_EMFILE. */
static void ff_try_all(uv_loop_t* loop, int expect) {
  uv_process_options_t opts;
  uv_stdio_container_t stdio[2];
  uv_process_t proc;
  uv_loop_t other;
  uv_pipe_t out;
  uv_tcp_t tcp;
  uv_udp_t udp;
  uv_file fds[2];
  uv_fs_t req;
  char* args[3];
  int r;

  r = uv_loop_init(&other);
  ASSERT_EQ(r, expect);
  if (r == 0)
    ASSERT_OK(uv_loop_close(&other));

  ASSERT_EQ(uv_tcp_init_ex(loop, &tcp, AF_INET), expect);
  if (expect == 0)
    uv_close((uv_handle_t*) &tcp, NULL);
  ASSERT_EQ(uv_udp_init_ex(loop, &udp, AF_INET), expect);
  if (expect == 0)
    uv_close((uv_handle_t*) &udp, NULL);

  ASSERT_EQ(uv_pipe(fds, 0, 0), expect);
  if (expect == 0) {
    ASSERT_OK(close(fds[0]));
    ASSERT_OK(close(fds[1]));
  }

  r = uv_fs_open(NULL, &req, "/dev/null", O_RDONLY, 0, NULL);
  uv_fs_req_cleanup(&req);
  if (expect == 0) {
    ASSERT_GE(r, 0);
    ASSERT_OK(close(r));
  } else {
    ASSERT_EQ(r, expect);
  }

  /* The child's stdout pipe needs descriptors first. */
  ASSERT_OK(uv_pipe_init(loop, &out, 0));
  args[0] = "/bin/true";
  args[1] = NULL;
  memset(&opts, 0, sizeof(opts));
  opts.file = args[0];
  opts.args = args;
  opts.exit_cb = ff_exit_cb;
  opts.stdio_count = 2;
  opts.stdio = stdio;
  stdio[0].flags = UV_IGNORE;
  stdio[1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
  stdio[1].data.stream = (uv_stream_t*) &out;
  r = uv_spawn(loop, &proc, &opts);
  ASSERT_EQ(r, expect);
  if (r != 0)
    uv_close((uv_handle_t*) &proc, NULL);
  uv_close((uv_handle_t*) &out, NULL);
  ASSERT_OK(uv_run(loop, UV_RUN_DEFAULT));
  ASSERT_EQ(waitpid(-1, NULL, WNOHANG), -1);  /* reaped, or never born */
}

TEST(fault_fds_exhausted) {
  struct rlimit saved;
  uv_loop_t loop;
  int i;

  ASSERT_OK(uv_loop_init(&loop));
  for (i = 0; i < 3; i++) {
    ff_exhaust(&saved);
    ff_try_all(&loop, UV_EMFILE);
    /* Nothing spins and nothing was left behind. */
    ASSERT_OK(uv_run(&loop, UV_RUN_NOWAIT));
    ff_release(&saved);
    ff_try_all(&loop, 0);
  }
  close_loop_and_check(&loop);
  return 0;
}

/* ---- a full disk: /dev/full ------------------------------------------ */

static int ff_write_result;

static void ff_write_cb(uv_fs_t* req) {
  ff_write_result = (int) req->result;
  uv_fs_req_cleanup(req);
}

TEST(fault_disk_full) {
  uv_loop_t loop;
  uv_fs_t req;
  uv_buf_t bufs[2];
  char data[4096];
  int fd;

  fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    RETURN_SKIP("no /dev/full");
  memset(data, 'd', sizeof(data));
  bufs[0] = uv_buf_init(data, sizeof(data));
  bufs[1] = uv_buf_init(data, 10);
  ASSERT_OK(uv_loop_init(&loop));

  ASSERT_EQ(uv_fs_write(NULL, &req, fd, bufs, 2, -1, NULL), UV_ENOSPC);
  ASSERT_EQ(req.result, UV_ENOSPC);
  uv_fs_req_cleanup(&req);

  ff_write_result = 1;
  ASSERT_OK(uv_fs_write(&loop, &req, fd, bufs, 2, -1, ff_write_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(ff_write_result, UV_ENOSPC);

  ASSERT_OK(close(fd));
  close_loop_and_check(&loop);
  return 0;
}
