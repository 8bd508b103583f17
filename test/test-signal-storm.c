/* A signal storm during blocking and looping work (issue 11).
 *
 * A helper thread sends a signal, over and over, to the loop thread and to
 * the process (so that pool threads and other threads get their share).
 * The handler is installed without SA_RESTART: every blocking system call
 * that the signal lands in fails with EINTR, and the library must retry
 * it (or finish the wait it was doing) instead of handing UV_EINTR, a
 * short count or an early return to the caller.  Meanwhile the loop
 * thread runs timers, large synchronous and queued file reads and writes,
 * copyfile, uv_sleep, timed condition waits, thread joins, semaphore
 * waits, a synchronous getaddrinfo, a several-MiB pipe write to a reader,
 * and children to spawn and reap, and checks each result exactly.
 *
 * Unix only (it skips elsewhere, saying why); skipped under valgrind,
 * whose signal delivery makes no progress against such a sender.
 */
#include "task.h"

#ifndef _WIN32
# include <pthread.h>
# include <signal.h>
# include <time.h>
# include <unistd.h>
#endif

#ifndef _WIN32

#define SS_SIGNAL SIGUSR2
#define SS_FILE_SIZE (8u << 20)       /* sync and queued file I/O */
#define SS_PIPE_SIZE (6u << 20)       /* stream write through a pipe */
#define SS_TIMERS 40
#define SS_CHILDREN 4
#define SS_MS 1000000ull

static unsigned long ss_delivered;    /* updated with atomics */
static unsigned long ss_sent;
static int ss_stop;
static pthread_t ss_loop_thread;

static void ss_handler(int sig) {
  (void) sig;
  __atomic_fetch_add(&ss_delivered, 1, __ATOMIC_RELAXED);
}

/* Every 20 us: mostly at the loop thread, every fourth at the process. */
static void* ss_sender(void* arg) {
  struct timespec ts;
  unsigned long n;

  (void) arg;
  ts.tv_sec = 0;
  ts.tv_nsec = 20000;
  for (n = 0; !__atomic_load_n(&ss_stop, __ATOMIC_ACQUIRE); n++) {
    if (n % 4 == 3)
      kill(getpid(), SS_SIGNAL);
    else
      pthread_kill(ss_loop_thread, SS_SIGNAL);
    ss_sent++;
    nanosleep(&ts, NULL);
  }
  return NULL;
}

static void ss_fill(char* p, size_t n, unsigned int seed) {
  size_t i;

  for (i = 0; i < n; i++)
    p[i] = (char) ((i * 131u + seed + (i >> 12)) & 0xFF);
}

/* ---- timers ------------------------------------------------------------- */

static int ss_timer_fired;

static void ss_timer_cb(uv_timer_t* t) {
  ss_timer_fired++;
  uv_close((uv_handle_t*) t, NULL);
}

static void ss_timers(uv_loop_t* loop) {
  uv_timer_t timers[SS_TIMERS];
  uint64_t t0;
  int i;

  ss_timer_fired = 0;
  uv_update_time(loop);
  t0 = uv_now(loop);
  for (i = 0; i < SS_TIMERS; i++) {
    ASSERT_OK(uv_timer_init(loop, &timers[i]));
    ASSERT_OK(uv_timer_start(&timers[i], ss_timer_cb, 1 + (uint64_t) i, 0));
  }
  ASSERT_OK(uv_run(loop, UV_RUN_DEFAULT));
  ASSERT_EQ(ss_timer_fired, SS_TIMERS);
  /* the last one was due SS_TIMERS ms (loop time) later: no interrupted
   * poll ran it early */
  ASSERT_UINT64_GE(uv_now(loop) - t0, (uint64_t) SS_TIMERS);
}

/* ---- files -------------------------------------------------------------- */

static void ss_check_file(const char* path, const char* want, size_t len,
                          char* scratch) {
  uv_fs_t req;
  uv_buf_t b;
  int fd;

  fd = uv_fs_open(NULL, &req, path, UV_FS_O_RDONLY, 0, NULL);
  uv_fs_req_cleanup(&req);
  ASSERT_GE(fd, 0);
  memset(scratch, 0, len);
  b = uv_buf_init(scratch, (unsigned int) len);
  /* one read of the whole file: a short count would be an EINTR the
   * library let through as a partial read */
  ASSERT_EQ(uv_fs_read(NULL, &req, fd, &b, 1, 0, NULL), (int64_t) len);
  uv_fs_req_cleanup(&req);
  ASSERT_MEM_EQ(scratch, want, len);
  ASSERT_OK(uv_fs_close(NULL, &req, fd, NULL));
  uv_fs_req_cleanup(&req);
}

static int ss_fs_done;

static void ss_fs_cb(uv_fs_t* req) {
  ASSERT_EQ(req->result, (int64_t) SS_FILE_SIZE);
  uv_fs_req_cleanup(req);
  ss_fs_done++;
}

static void ss_files(uv_loop_t* loop, char* data, char* scratch) {
  uv_fs_t req;
  uv_fs_t areq;
  uv_buf_t bufs[3];
  int fd;

  ss_fill(data, SS_FILE_SIZE, 7);
  fd = uv_fs_open(NULL, &req, "signal-storm.dat",
                  UV_FS_O_CREAT | UV_FS_O_TRUNC | UV_FS_O_RDWR, 0600, NULL);
  uv_fs_req_cleanup(&req);
  ASSERT_GE(fd, 0);
  /* a vectored write of three uneven parts, all of it or an error */
  bufs[0] = uv_buf_init(data, 1000);
  bufs[1] = uv_buf_init(data + 1000, SS_FILE_SIZE / 2);
  bufs[2] = uv_buf_init(data + 1000 + SS_FILE_SIZE / 2,
                        SS_FILE_SIZE - 1000 - SS_FILE_SIZE / 2);
  ASSERT_EQ(uv_fs_write(NULL, &req, fd, bufs, 3, 0, NULL),
            (int64_t) SS_FILE_SIZE);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_fsync(NULL, &req, fd, NULL));
  uv_fs_req_cleanup(&req);
  ss_check_file("signal-storm.dat", data, SS_FILE_SIZE, scratch);

  /* the same through the pool, whose threads get signals too */
  ss_fs_done = 0;
  bufs[0] = uv_buf_init(scratch, SS_FILE_SIZE);
  ASSERT_OK(uv_fs_read(loop, &areq, fd, bufs, 1, 0, ss_fs_cb));
  ASSERT_OK(uv_run(loop, UV_RUN_DEFAULT));
  ASSERT_EQ(ss_fs_done, 1);
  ASSERT_MEM_EQ(scratch, data, SS_FILE_SIZE);
  bufs[0] = uv_buf_init(data, SS_FILE_SIZE);
  ASSERT_OK(uv_fs_write(loop, &areq, fd, bufs, 1, 0, ss_fs_cb));
  ASSERT_OK(uv_run(loop, UV_RUN_DEFAULT));
  ASSERT_EQ(ss_fs_done, 2);
  ASSERT_OK(uv_fs_close(NULL, &req, fd, NULL));
  uv_fs_req_cleanup(&req);

  ASSERT_OK(uv_fs_copyfile(NULL, &req, "signal-storm.dat",
                           "signal-storm.copy", 0, NULL));
  uv_fs_req_cleanup(&req);
  ss_check_file("signal-storm.copy", data, SS_FILE_SIZE, scratch);
  ASSERT_OK(uv_fs_unlink(NULL, &req, "signal-storm.copy", NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_unlink(NULL, &req, "signal-storm.dat", NULL));
  uv_fs_req_cleanup(&req);
}

/* ---- waits -------------------------------------------------------------- */

static uv_sem_t ss_sem;

static void ss_sleeper(void* arg) {
  uv_sleep(*(unsigned int*) arg);
}

static void ss_poster(void* arg) {
  (void) arg;
  uv_sleep(30);
  uv_sem_post(&ss_sem);
}

static void ss_waits(void) {
  uv_thread_t tid;
  uv_mutex_t m;
  uv_cond_t c;
  unsigned int ms;
  uint64_t t0;
  int i;

  for (i = 0; i < 5; i++) {
    t0 = uv_hrtime();
    uv_sleep(20);
    ASSERT_UINT64_GE(uv_hrtime() - t0, 20 * SS_MS);
  }

  ASSERT_OK(uv_mutex_init(&m));
  ASSERT_OK(uv_cond_init(&c));
  uv_mutex_lock(&m);
  for (i = 0; i < 5; i++) {
    t0 = uv_hrtime();
    ASSERT_EQ(uv_cond_timedwait(&c, &m, 20 * SS_MS), UV_ETIMEDOUT);
    /* an interrupted wait may wake early only as a spurious wake-up,
     * which returns 0, never UV_ETIMEDOUT before its time */
    ASSERT_UINT64_GE(uv_hrtime() - t0, 20 * SS_MS);
  }
  uv_mutex_unlock(&m);
  uv_cond_destroy(&c);
  uv_mutex_destroy(&m);

  ms = 30;
  ASSERT_OK(uv_thread_create(&tid, ss_sleeper, &ms));
  ASSERT_OK(uv_thread_join(&tid));

  ASSERT_OK(uv_sem_init(&ss_sem, 0));
  for (i = 0; i < 3; i++) {
    ASSERT_OK(uv_thread_create(&tid, ss_poster, NULL));
    uv_sem_wait(&ss_sem);
    ASSERT_OK(uv_thread_join(&tid));
  }
  uv_sem_destroy(&ss_sem);
}

/* ---- DNS ---------------------------------------------------------------- */

static void ss_dns(uv_loop_t* loop) {
  uv_getaddrinfo_t req;
  struct addrinfo hints;
  uint64_t t0;

  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  /* lookups of a local name are quick: 50 ms of them */
  t0 = uv_hrtime();
  while (uv_hrtime() - t0 < 50 * SS_MS) {
    ASSERT_OK(uv_getaddrinfo(loop, &req, NULL, "localhost", "80", &hints));
    ASSERT_NOT_NULL(req.addrinfo);
    uv_freeaddrinfo(req.addrinfo);
  }
}

/* ---- a pipe: several MiB written, read on the same loop ------------------ */

static char* ss_pipe_data;
static size_t ss_pipe_got;
static int ss_pipe_write_status = 1;
static char ss_read_slab[65536];

static void ss_alloc(uv_handle_t* h, size_t size, uv_buf_t* b) {
  (void) h;
  (void) size;
  *b = uv_buf_init(ss_read_slab, sizeof(ss_read_slab));
}

static void ss_read(uv_stream_t* s, ssize_t n, const uv_buf_t* b) {
  if (n == UV_EOF) {
    uv_close((uv_handle_t*) s, NULL);
    return;
  }
  /* 0 is libuv's "nothing now" (EAGAIN); never UV_EINTR or an error */
  ASSERT_GE(n, 0);
  ASSERT_LE(ss_pipe_got + (size_t) n, SS_PIPE_SIZE);
  ASSERT_MEM_EQ(b->base, ss_pipe_data + ss_pipe_got, (size_t) n);
  ss_pipe_got += (size_t) n;
}

static void ss_write_cb(uv_write_t* req, int status) {
  ss_pipe_write_status = status;
  uv_close((uv_handle_t*) req->handle, NULL);
}

static void ss_pipe(uv_loop_t* loop, char* data) {
  uv_pipe_t reader;
  uv_pipe_t writer;
  uv_write_t req;
  uv_buf_t bufs[2];
  uv_file fds[2];

  ss_fill(data, SS_PIPE_SIZE, 99);
  ss_pipe_data = data;
  ss_pipe_got = 0;
  ASSERT_OK(uv_pipe(fds, 0, 0));
  ASSERT_OK(uv_pipe_init(loop, &reader, 0));
  ASSERT_OK(uv_pipe_init(loop, &writer, 0));
  ASSERT_OK(uv_pipe_open(&reader, fds[0]));
  ASSERT_OK(uv_pipe_open(&writer, fds[1]));
  bufs[0] = uv_buf_init(data, 12345);
  bufs[1] = uv_buf_init(data + 12345, SS_PIPE_SIZE - 12345);
  ASSERT_OK(uv_write(&req, (uv_stream_t*) &writer, bufs, 2, ss_write_cb));
  ASSERT_OK(uv_read_start((uv_stream_t*) &reader, ss_alloc, ss_read));
  ASSERT_OK(uv_run(loop, UV_RUN_DEFAULT));
  ASSERT_EQ(ss_pipe_write_status, 0);
  ASSERT_UINT64_EQ(ss_pipe_got, SS_PIPE_SIZE);
}

/* ---- children ----------------------------------------------------------- */

static int ss_exits;

static void ss_exit_cb(uv_process_t* p, int64_t status, int sig) {
  ASSERT_EQ(status, 7);
  ASSERT_EQ(sig, 0);
  ss_exits++;
  uv_close((uv_handle_t*) p, NULL);
}

static void ss_spawn(uv_loop_t* loop) {
  uv_process_t procs[SS_CHILDREN];
  uv_process_options_t o;
  char* args[4];
  int i;

  args[0] = (char*) test_exepath();
  args[1] = (char*) "--helper";
  args[2] = (char*) "signal_storm_child";
  args[3] = NULL;
  memset(&o, 0, sizeof(o));
  o.file = args[0];
  o.args = args;
  o.exit_cb = ss_exit_cb;
  ss_exits = 0;
  for (i = 0; i < SS_CHILDREN; i++)
    ASSERT_OK(uv_spawn(loop, &procs[i], &o));
  ASSERT_OK(uv_run(loop, UV_RUN_DEFAULT));
  ASSERT_EQ(ss_exits, SS_CHILDREN);
}

#endif /* !_WIN32 */

HELPER(signal_storm_child) {
  uv_sleep(20);
  return 7;
}

TEST_TIMEOUT(signal_storm, 120);

TEST(signal_storm) {
#ifdef _WIN32
  RETURN_SKIP("POSIX signals");
#else
  struct sigaction sa;
  struct sigaction old;
  pthread_t sender;
  uv_loop_t loop;
  char* data;
  char* scratch;
  unsigned long before;
  unsigned long delivered[7];
  int phase;

  if (test_under_valgrind())
    RETURN_SKIP("valgrind's signal delivery makes no progress against a "
                "thread sending signals in a loop");
  RETURN_SKIP_UNDER_TSAN("its deferred signal delivery changes what is "
                         "interrupted, and the storm slows it to a crawl");

  data = malloc(SS_FILE_SIZE);
  scratch = malloc(SS_FILE_SIZE);
  ASSERT_NOT_NULL(data);
  ASSERT_NOT_NULL(scratch);
  ASSERT_OK(uv_loop_init(&loop));

  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = ss_handler;
  sa.sa_flags = 0;   /* no SA_RESTART: interrupted calls fail with EINTR */
  sigemptyset(&sa.sa_mask);
  ASSERT_OK(sigaction(SS_SIGNAL, &sa, &old));

  ss_loop_thread = pthread_self();
  ASSERT_OK(pthread_create(&sender, NULL, ss_sender, NULL));

  for (phase = 0; phase < 7; phase++) {
    before = __atomic_load_n(&ss_delivered, __ATOMIC_RELAXED);
    switch (phase) {
      case 0: ss_timers(&loop); break;
      case 1: ss_files(&loop, data, scratch); break;
      case 2: ss_waits(); break;
      case 3: ss_dns(&loop); break;
      case 4: ss_pipe(&loop, data); break;
      case 5: ss_spawn(&loop); break;
      default: ss_timers(&loop); break;
    }
    delivered[phase] =
        __atomic_load_n(&ss_delivered, __ATOMIC_RELAXED) - before;
  }

  __atomic_store_n(&ss_stop, 1, __ATOMIC_RELEASE);
  ASSERT_OK(pthread_join(sender, NULL));
  ASSERT_OK(sigaction(SS_SIGNAL, &old, NULL));

  printf("signal storm: %lu signals sent, %lu handled (timers %lu, files %lu, "
         "waits %lu, dns %lu, pipe %lu, spawn %lu, timers again %lu)\n",
         ss_sent, __atomic_load_n(&ss_delivered, __ATOMIC_RELAXED),
         delivered[0], delivered[1], delivered[2], delivered[3],
         delivered[4], delivered[5], delivered[6]);
  /* every phase really ran under the storm */
  for (phase = 0; phase < 7; phase++)
    ASSERT_GT(delivered[phase], 0);

  free(data);
  free(scratch);
  close_loop_and_check(&loop);
  return 0;
#endif
}
