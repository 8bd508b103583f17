/* Tests of file system requests under load: many in flight at once,
 * chains issued from callbacks, and cancellation of queued requests. */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64
#include "test-fs.h"

/* ---- many at once ------------------------------------------------------ */

enum { NFILES = 200 };

struct file_job {
  uv_fs_t req;
  char path[PATH_MAX];
  char data[32];
  uv_buf_t buf;
  uv_file fd;
  int step;
  int index;
};

static struct file_job jobs[NFILES];
static int jobs_done;

/* open -> write -> fstat -> close, each step from the previous callback. */
static void job_cb(uv_fs_t* req) {
  struct file_job* job;

  job = req->data;
  ASSERT_PTR_EQ(&job->req, req);
  switch (job->step++) {
    case 0:
      ASSERT_EQ(UV_FS_OPEN, req->fs_type);
      ASSERT_GE(req->result, 0);
      job->fd = (uv_file) req->result;
      uv_fs_req_cleanup(req);
      job->buf = uv_buf_init(job->data, (unsigned int) strlen(job->data));
      ASSERT_OK(uv_fs_write(req->loop, req, job->fd, &job->buf, 1, 0,
                            job_cb));
      break;
    case 1:
      ASSERT_EQ(UV_FS_WRITE, req->fs_type);
      ASSERT_EQ((ssize_t) strlen(job->data), req->result);
      uv_fs_req_cleanup(req);
      ASSERT_OK(uv_fs_fstat(req->loop, req, job->fd, job_cb));
      break;
    case 2:
      ASSERT_EQ(UV_FS_FSTAT, req->fs_type);
      ASSERT_EQ(0, req->result);
      ASSERT_UINT64_EQ(strlen(job->data), req->statbuf.st_size);
      uv_fs_req_cleanup(req);
      ASSERT_OK(uv_fs_close(req->loop, req, job->fd, job_cb));
      break;
    case 3:
      ASSERT_EQ(UV_FS_CLOSE, req->fs_type);
      ASSERT_EQ(0, req->result);
      uv_fs_req_cleanup(req);
      jobs_done++;
      break;
    default:
      ASSERT(0 && "callback ran too often");
  }
}

TEST(fs_async_many_chains) {
  fs_scratch_t s;
  uv_loop_t loop;
  char name[32];
  char* got;
  size_t len;
  int i;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  jobs_done = 0;
  for (i = 0; i < NFILES; i++) {
    snprintf(name, sizeof(name), "f%03d", i);
    fs_path(&s, jobs[i].path, name);
    snprintf(jobs[i].data, sizeof(jobs[i].data), "content of %d", i);
    jobs[i].index = i;
    jobs[i].step = 0;
    jobs[i].req.data = &jobs[i];
    ASSERT_OK(uv_fs_open(&loop, &jobs[i].req, jobs[i].path,
                         UV_FS_O_WRONLY | UV_FS_O_CREAT, 0644, job_cb));
  }
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(NFILES, jobs_done);
  for (i = 0; i < NFILES; i++) {
    ASSERT_EQ(4, jobs[i].step);
    got = fs_get(jobs[i].path, &len);
    ASSERT_STR_EQ(jobs[i].data, got);
    free(got);
  }

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
}

static uv_fs_t stat_reqs[NFILES];
static int stats_done;

static void stat_cb(uv_fs_t* req) {
  ASSERT_EQ(UV_FS_STAT, req->fs_type);
  ASSERT_EQ(0, req->result);
  ASSERT_PTR_EQ(&req->statbuf, req->ptr);
  ASSERT_UINT64_EQ(11, req->statbuf.st_size);
  uv_fs_req_cleanup(req);
  stats_done++;
}

TEST(fs_async_many_stats) {
  fs_scratch_t s;
  uv_loop_t loop;
  char path[PATH_MAX];
  int i;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  fs_put(fs_path(&s, path, "target"), "hello world", 11);
  stats_done = 0;
  for (i = 0; i < NFILES; i++)
    ASSERT_OK(uv_fs_stat(&loop, &stat_reqs[i], path, stat_cb));
  /* The caller's path buffer may change at once. */
  memset(path, 0, sizeof(path));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(NFILES, stats_done);

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
}

/* UV_RUN_NOWAIT and UV_RUN_ONCE return while requests are out; the loop
 * stays alive exactly until the last callback. */
static void alive_cb(uv_fs_t* req) {
  int* n;

  n = req->data;
  (*n)++;
  uv_fs_req_cleanup(req);
}

TEST(fs_async_loop_alive) {
  uv_loop_t loop;
  uv_fs_t reqs[3];
  int n;
  int i;

  ASSERT_OK(uv_loop_init(&loop));
  n = 0;
  for (i = 0; i < 3; i++) {
    reqs[i].data = &n;
    ASSERT_OK(uv_fs_stat(&loop, &reqs[i], ".", alive_cb));
  }
  ASSERT(uv_loop_alive(&loop));
  while (uv_run(&loop, UV_RUN_ONCE) != 0)
    ASSERT_LT(n, 3);
  ASSERT_EQ(3, n);
  ASSERT(!uv_loop_alive(&loop));
  close_loop_and_check(&loop);
  return 0;
}

/* ---- cancellation ------------------------------------------------------- */

enum { POOL = 2 };

static uv_sem_t release_sem;
static uv_sem_t started_sem;
static int blockers_done;
static int cancelled_cbs;

static void blocker_work(uv_work_t* req) {
  (void) req;
  uv_sem_post(&started_sem);
  uv_sem_wait(&release_sem);
}

static void blocker_after(uv_work_t* req, int status) {
  (void) req;
  ASSERT_EQ(0, status);
  blockers_done++;
}

static void cancelled_cb(uv_fs_t* req) {
  ASSERT_EQ(UV_ECANCELED, req->result);
  /* The request never ran: nothing of its result exists. */
  ASSERT_NULL(req->ptr);
  uv_fs_req_cleanup(req);
  cancelled_cbs++;
}

TEST(fs_async_cancel) {
  fs_scratch_t s;
  uv_loop_t loop;
  uv_work_t blockers[POOL];
  uv_fs_t queued[3];
  uv_fs_t done_req;
  char path[PATH_MAX];
  struct stat st;
  int i;

  /* A known pool size, set before this process first uses the pool. */
#ifdef _WIN32
  ASSERT(SetEnvironmentVariableA("UV_THREADPOOL_SIZE", "2"));
  ASSERT_OK(_putenv("UV_THREADPOOL_SIZE=2"));
#else
  ASSERT_OK(setenv("UV_THREADPOOL_SIZE", "2", 1));
#endif
  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  ASSERT_OK(uv_sem_init(&release_sem, 0));
  ASSERT_OK(uv_sem_init(&started_sem, 0));

  /* Occupy every pool thread; the fs requests queue up behind. */
  for (i = 0; i < POOL; i++)
    ASSERT_OK(uv_queue_work(&loop, &blockers[i], blocker_work,
                            blocker_after));
  for (i = 0; i < POOL; i++)
    uv_sem_wait(&started_sem);
  ASSERT_OK(uv_fs_mkdir(&loop, &queued[0], fs_path(&s, path, "never"), 0755,
                        cancelled_cb));
  ASSERT_OK(uv_fs_stat(&loop, &queued[1], s.dir, cancelled_cb));
  ASSERT_OK(uv_fs_realpath(&loop, &queued[2], s.dir, cancelled_cb));
  for (i = 0; i < 3; i++)
    ASSERT_OK(uv_cancel((uv_req_t*) &queued[i]));
  /* Cancelling again before the callback ran is accepted, as in libuv,
   * and must not produce a second callback (checked below: exactly 3). */
  ASSERT_OK(uv_cancel((uv_req_t*) &queued[0]));

  for (i = 0; i < POOL; i++)
    uv_sem_post(&release_sem);
  cancelled_cbs = 0;
  blockers_done = 0;
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(3, cancelled_cbs);
  ASSERT_EQ(POOL, blockers_done);
  ASSERT_EQ(-1, stat(path, &st));  /* the mkdir never happened */

  /* A finished request cannot be cancelled. */
  i = 0;
  done_req.data = &i;
  ASSERT_OK(uv_fs_stat(&loop, &done_req, s.dir, alive_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(1, i);
  ASSERT_EQ(UV_EBUSY, uv_cancel((uv_req_t*) &done_req));

  uv_sem_destroy(&release_sem);
  uv_sem_destroy(&started_sem);
  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
}
