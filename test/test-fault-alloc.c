/* Allocation failure injection through uv_replace_allocator.
 *
 * Each test runs a small scenario once to warm up (the library's
 * first-use state is made), then again and again, failing the 1st, 2nd,
 * ... allocation the library makes, until a run makes fewer allocations
 * than the one to fail.  Every run must end cleanly: each call either
 * succeeds or reports UV_ENOMEM (directly or in its callback), the loop
 * closes with uv_loop_close() == 0, the allocations live before the run
 * are exactly those live after it, and no descriptor is left open.
 */
#include "task.h"

#include <dirent.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static atomic_long fa_count;    /* allocations attempted this run */
static atomic_long fa_fail_at;  /* which one fails (0: none) */
static atomic_long fa_live;     /* blocks handed out and not freed */
static atomic_int fa_injected;

static int fa_should_fail(void) {
  long n;

  n = atomic_fetch_add(&fa_count, 1) + 1;
  if (n != atomic_load(&fa_fail_at))
    return 0;
  atomic_store(&fa_injected, 1);
  return 1;
}

static void* fa_malloc(size_t size) {
  void* p;

  if (fa_should_fail())
    return NULL;
  p = malloc(size);
  if (p != NULL)
    atomic_fetch_add(&fa_live, 1);
  return p;
}

static void* fa_realloc(void* ptr, size_t size) {
  void* p;

  if (fa_should_fail())
    return NULL;
  p = realloc(ptr, size);
  if (p != NULL && ptr == NULL)
    atomic_fetch_add(&fa_live, 1);
  return p;
}

static void* fa_calloc(size_t count, size_t size) {
  void* p;

  if (fa_should_fail())
    return NULL;
  p = calloc(count, size);
  if (p != NULL)
    atomic_fetch_add(&fa_live, 1);
  return p;
}

static void fa_free(void* ptr) {
  if (ptr != NULL)
    atomic_fetch_sub(&fa_live, 1);
  free(ptr);
}

static int fa_count_fds(void) {
  struct dirent* e;
  DIR* d;
  int n;

  d = opendir("/proc/self/fd");
  ASSERT_NOT_NULL(d);
  n = 0;
  while ((e = readdir(d)) != NULL)
    if (e->d_name[0] != '.')
      n++;
  closedir(d);
  return n;
}

/* The first error a scenario met; later ones follow from it. */
static int fa_err;

static void fa_note(int err) {
  if (err != 0 && fa_err == 0)
    fa_err = err;
}

/* Pool threads free their start-up record themselves, whenever they get
 * to run: have all of them running once, so no such free can land in a
 * measured run. */
#define FA_POOL_SIZE 4

static uv_barrier_t fa_barrier;

static void fa_settle_work(uv_work_t* req) {
  (void) req;
  uv_barrier_wait(&fa_barrier);
}

static void fa_pool_settle(void) {
  uv_work_t reqs[FA_POOL_SIZE];
  uv_loop_t loop;
  int i;

  ASSERT_OK(uv_barrier_init(&fa_barrier, FA_POOL_SIZE));
  ASSERT_OK(uv_loop_init(&loop));
  for (i = 0; i < FA_POOL_SIZE; i++)
    ASSERT_OK(uv_queue_work(&loop, &reqs[i], fa_settle_work, NULL));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_OK(uv_loop_close(&loop));
  uv_barrier_destroy(&fa_barrier);
}

static void fa_sweep(const char* name, int (*scenario)(void)) {
  long live;
  long n;
  int fds;
  int reported;
  int absorbed;
  int r;

  ASSERT_OK(setenv("UV_THREADPOOL_SIZE", "4", 1));  /* FA_POOL_SIZE */
  ASSERT_OK(uv_replace_allocator(fa_malloc, fa_realloc, fa_calloc, fa_free));
  fa_err = 0;
  ASSERT_OK(scenario());  /* warm-up, nothing fails */
  fa_pool_settle();

  reported = 0;
  absorbed = 0;
  for (n = 1;; n++) {
    live = atomic_load(&fa_live);
    fds = fa_count_fds();
    atomic_store(&fa_count, 0);
    atomic_store(&fa_injected, 0);
    fa_err = 0;
    atomic_store(&fa_fail_at, n);
    r = scenario();
    atomic_store(&fa_fail_at, 0);
    if (r != 0 && r != UV_ENOMEM)
      fprintf(stderr, "%s: allocation %ld failed, reported as %s\n", name, n,
              uv_err_name(r));
    ASSERT(r == 0 || r == UV_ENOMEM);
    ASSERT_EQ(atomic_load(&fa_live), live);
    ASSERT_EQ(fa_count_fds(), fds);
    if (!atomic_load(&fa_injected))
      break;
    if (r == UV_ENOMEM)
      reported++;
    else
      absorbed++;
  }
  fprintf(stderr, "%s: %ld allocations, each failed in turn: %d reported "
          "UV_ENOMEM, %d absorbed (the work completed)\n", name, n - 1,
          reported, absorbed);
  ASSERT_GT(n, 1);
  ASSERT_GT(reported, 0);
}

/* ---- TCP: listen, connect, write 8 buffers, read them, close ---------- */

#define TF_BUFS 8
#define TF_CHUNK 1000

static uv_loop_t tf_loop;
static uv_tcp_t tf_server;
static uv_tcp_t tf_client;
static uv_tcp_t tf_peer;
static uv_connect_t tf_connect;
static uv_write_t tf_write;
static char tf_data[TF_BUFS][TF_CHUNK];
static char tf_rbuf[65536];
static size_t tf_received;
static int tf_have_server;
static int tf_have_client;
static int tf_have_peer;

static void tf_close_all(void) {
  if (tf_have_server && !uv_is_closing((uv_handle_t*) &tf_server))
    uv_close((uv_handle_t*) &tf_server, NULL);
  if (tf_have_client && !uv_is_closing((uv_handle_t*) &tf_client))
    uv_close((uv_handle_t*) &tf_client, NULL);
  if (tf_have_peer && !uv_is_closing((uv_handle_t*) &tf_peer))
    uv_close((uv_handle_t*) &tf_peer, NULL);
}

static void tf_alloc_cb(uv_handle_t* h, size_t size, uv_buf_t* buf) {
  (void) h;
  (void) size;
  *buf = uv_buf_init(tf_rbuf, sizeof(tf_rbuf));
}

static void tf_read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  (void) s;
  (void) buf;
  if (nread < 0) {
    fa_note((int) nread);
    tf_close_all();
    return;
  }
  tf_received += (size_t) nread;
  if (tf_received == sizeof(tf_data))
    tf_close_all();
}

static void tf_connection_cb(uv_stream_t* server, int status) {
  int err;

  if (status != 0) {
    fa_note(status);
    tf_close_all();
    return;
  }
  err = uv_tcp_init(server->loop, &tf_peer);
  if (err == 0) {
    tf_have_peer = 1;
    err = uv_accept(server, (uv_stream_t*) &tf_peer);
  }
  if (err == 0)
    err = uv_read_start((uv_stream_t*) &tf_peer, tf_alloc_cb, tf_read_cb);
  if (err != 0) {
    fa_note(err);
    tf_close_all();
  }
}

static void tf_write_cb(uv_write_t* req, int status) {
  (void) req;
  if (status != 0) {
    fa_note(status);
    tf_close_all();
  }
}

static void tf_connect_cb(uv_connect_t* req, int status) {
  uv_buf_t bufs[TF_BUFS];
  int err;
  int i;

  (void) req;
  if (status == UV_ECANCELED)
    return;
  if (status != 0) {
    fa_note(status);
    tf_close_all();
    return;
  }
  for (i = 0; i < TF_BUFS; i++)
    bufs[i] = uv_buf_init(tf_data[i], TF_CHUNK);
  /* More buffers than fit in the request: the library allocates. */
  err = uv_write(&tf_write, (uv_stream_t*) &tf_client, bufs, TF_BUFS,
                 tf_write_cb);
  if (err != 0) {
    fa_note(err);
    tf_close_all();
  }
}

static int tf_scenario(void) {
  struct sockaddr_storage ss;
  struct sockaddr_in addr;
  int namelen;
  int err;

  tf_received = 0;
  tf_have_server = tf_have_client = tf_have_peer = 0;
  err = uv_loop_init(&tf_loop);
  if (err != 0)
    return err;

  ASSERT_OK(uv_ip4_addr("127.0.0.1", 0, &addr));
  err = uv_tcp_init(&tf_loop, &tf_server);
  if (err == 0) {
    tf_have_server = 1;
    err = uv_tcp_bind(&tf_server, (const struct sockaddr*) &addr, 0);
  }
  if (err == 0)
    err = uv_listen((uv_stream_t*) &tf_server, 8, tf_connection_cb);
  if (err == 0) {
    namelen = sizeof(ss);
    err = uv_tcp_getsockname(&tf_server, (struct sockaddr*) &ss, &namelen);
  }
  if (err == 0)
    err = uv_tcp_init(&tf_loop, &tf_client);
  if (err == 0) {
    tf_have_client = 1;
    err = uv_tcp_connect(&tf_connect, &tf_client,
                         (const struct sockaddr*) &ss, tf_connect_cb);
  }
  if (err != 0) {
    fa_note(err);
    tf_close_all();
  }
  ASSERT_OK(uv_run(&tf_loop, UV_RUN_DEFAULT));
  ASSERT_OK(uv_loop_close(&tf_loop));
  if (fa_err == 0)
    ASSERT_UINT64_EQ(tf_received, sizeof(tf_data));
  return fa_err;
}

TEST(fault_alloc_tcp) {
  fa_sweep("tcp", tf_scenario);
  return 0;
}

/* ---- thread pool: file system requests and a work item ---------------- */

static uv_loop_t ff_loop;
static uv_fs_t ff_reqs[4];
static uv_work_t ff_work;
static int ff_done;

static void ff_fs_cb(uv_fs_t* req) {
  if (req->result < 0)
    fa_note((int) req->result);
  uv_fs_req_cleanup(req);
  ff_done++;
}

static void ff_work_cb(uv_work_t* req) {
  (void) req;
}

static void ff_after_cb(uv_work_t* req, int status) {
  (void) req;
  fa_note(status);
  ff_done++;
}

static int ff_scenario(void) {
  int started;
  int err;

  ff_done = 0;
  err = uv_loop_init(&ff_loop);
  if (err != 0)
    return err;
  started = 0;
  err = uv_fs_scandir(&ff_loop, &ff_reqs[0], "/", 0, ff_fs_cb);
  if (err == 0) {
    started++;
    err = uv_fs_realpath(&ff_loop, &ff_reqs[1], "/proc/self/..", ff_fs_cb);
  }
  if (err == 0) {
    started++;
    err = uv_fs_readlink(&ff_loop, &ff_reqs[2], "/proc/self/exe", ff_fs_cb);
  }
  if (err == 0) {
    started++;
    err = uv_fs_stat(&ff_loop, &ff_reqs[3], "/", ff_fs_cb);
  }
  if (err == 0) {
    started++;
    err = uv_queue_work(&ff_loop, &ff_work, ff_work_cb, ff_after_cb);
  }
  if (err == 0)
    started++;
  fa_note(err);
  ASSERT_OK(uv_run(&ff_loop, UV_RUN_DEFAULT));
  ASSERT_EQ(ff_done, started);
  ASSERT_OK(uv_loop_close(&ff_loop));
  return fa_err;
}

TEST(fault_alloc_threadpool_fs) {
  fa_sweep("threadpool+fs", ff_scenario);
  return 0;
}

/* ---- a child process with arguments, environment and a stdout pipe ---- */

static uv_loop_t fp_loop;
static uv_process_t fp_proc;
static uv_pipe_t fp_out;
static char fp_rbuf[256];
static int fp_exit_status;
static int fp_have_pipe;

static void fp_alloc_cb(uv_handle_t* h, size_t size, uv_buf_t* buf) {
  (void) h;
  (void) size;
  *buf = uv_buf_init(fp_rbuf, sizeof(fp_rbuf));
}

static void fp_read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  (void) buf;
  if (nread < 0) {
    if (nread != UV_EOF)
      fa_note((int) nread);
    uv_close((uv_handle_t*) s, NULL);
  }
}

static void fp_exit_cb(uv_process_t* p, int64_t status, int sig) {
  (void) sig;
  fp_exit_status = (int) status;
  uv_close((uv_handle_t*) p, NULL);
}

static int fp_scenario(void) {
  uv_process_options_t opts;
  uv_stdio_container_t stdio[3];
  char* args[4];
  char* env[3];
  int err;

  fp_exit_status = -1;
  fp_have_pipe = 0;
  err = uv_loop_init(&fp_loop);
  if (err != 0)
    return err;
  err = uv_pipe_init(&fp_loop, &fp_out, 0);
  if (err == 0) {
    fp_have_pipe = 1;
    args[0] = "/bin/sh";
    args[1] = "-c";
    args[2] = "echo \"$FA_VALUE\"; exit 3";
    args[3] = NULL;
    env[0] = "FA_VALUE=fault";
    env[1] = "PATH=/usr/bin:/bin";
    env[2] = NULL;
    memset(&opts, 0, sizeof(opts));
    opts.file = args[0];
    opts.args = args;
    opts.env = env;
    opts.exit_cb = fp_exit_cb;
    opts.stdio_count = 3;
    opts.stdio = stdio;
    stdio[0].flags = UV_IGNORE;
    stdio[1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
    stdio[1].data.stream = (uv_stream_t*) &fp_out;
    stdio[2].flags = UV_INHERIT_FD;
    stdio[2].data.fd = 2;
    err = uv_spawn(&fp_loop, &fp_proc, &opts);
    if (err != 0) {
      /* As in libuv, the handle is initialised even when spawning fails
       * and must be closed. */
      uv_close((uv_handle_t*) &fp_proc, NULL);
    }
  }
  if (err == 0)
    err = uv_read_start((uv_stream_t*) &fp_out, fp_alloc_cb, fp_read_cb);
  if (err != 0) {
    fa_note(err);
    if (fp_have_pipe && !uv_is_closing((uv_handle_t*) &fp_out))
      uv_close((uv_handle_t*) &fp_out, NULL);
  }
  ASSERT_OK(uv_run(&fp_loop, UV_RUN_DEFAULT));
  ASSERT_OK(uv_loop_close(&fp_loop));
  if (fa_err == 0)
    ASSERT_EQ(fp_exit_status, 3);
  return fa_err;
}

TEST(fault_alloc_spawn) {
  fa_sweep("spawn", fp_scenario);
  return 0;
}

/* ---- name resolution: getaddrinfo (with IDNA) and getnameinfo --------- */

static uv_loop_t fd_loop;
static uv_getaddrinfo_t fd_gai;
static uv_getnameinfo_t fd_gni;
static int fd_done;

static void fd_gai_cb(uv_getaddrinfo_t* req, int status,
                      struct addrinfo* res) {
  (void) req;
  fa_note(status);
  uv_freeaddrinfo(res);
  fd_done++;
}

static void fd_gni_cb(uv_getnameinfo_t* req, int status, const char* host,
                      const char* service) {
  (void) req;
  (void) host;
  (void) service;
  fa_note(status);
  fd_done++;
}

static int fd_scenario(void) {
  struct sockaddr_in addr;
  struct addrinfo hints;
  int started;
  int err;

  fd_done = 0;
  err = uv_loop_init(&fd_loop);
  if (err != 0)
    return err;
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST;
  started = 0;
  /* Numeric: no network, no resolver configuration involved. */
  err = uv_getaddrinfo(&fd_loop, &fd_gai, fd_gai_cb, "127.0.0.1", "80",
                       &hints);
  if (err == 0) {
    started++;
    ASSERT_OK(uv_ip4_addr("127.0.0.1", 80, &addr));
    err = uv_getnameinfo(&fd_loop, &fd_gni, fd_gni_cb,
                         (const struct sockaddr*) &addr,
                         NI_NUMERICHOST | NI_NUMERICSERV);
  }
  if (err == 0)
    started++;
  fa_note(err);
  ASSERT_OK(uv_run(&fd_loop, UV_RUN_DEFAULT));
  ASSERT_EQ(fd_done, started);
  ASSERT_OK(uv_loop_close(&fd_loop));
  return fa_err;
}

TEST(fault_alloc_dns) {
  fa_sweep("getaddrinfo+getnameinfo", fd_scenario);
  return 0;
}
