/* Tests of directory listing: uv_fs_scandir()/uv_fs_scandir_next() and
 * uv_fs_opendir()/readdir()/closedir(). */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64
#include "test-fs.h"

#ifndef _WIN32
# include <sys/socket.h>
# include <sys/sysmacros.h>
# include <sys/un.h>
#endif

static int cb_count;
static ssize_t cb_result;

static void count_cb(uv_fs_t* req) {
  cb_count++;
  cb_result = req->result;
}

/* One entry of every type a test can make without privilege (devices
 * need root: those are added when we have it). */
#ifdef _WIN32
/* Only directories and files: Wine makes no symbolic links, and Windows
 * has no fifos, sockets or devices to list. */
static int make_entries(const fs_scratch_t* s) {
  char p[PATH_MAX];

  ASSERT(CreateDirectoryA(fs_path(s, p, "a-dir"), NULL));
  fs_put(fs_path(s, p, "b-file"), "x", 1);
  return 2;
}
#else
static int make_entries(const fs_scratch_t* s) {
  struct sockaddr_un sun;
  char p[PATH_MAX];
  int fd;
  int n;

  ASSERT_OK(mkdir(fs_path(s, p, "a-dir"), 0755));
  fs_put(fs_path(s, p, "b-file"), "x", 1);
  ASSERT_OK(symlink("b-file", fs_path(s, p, "c-link")));
  ASSERT_OK(mkfifo(fs_path(s, p, "d-fifo"), 0644));
  fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  memset(&sun, 0, sizeof(sun));
  sun.sun_family = AF_UNIX;
  n = snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/e-sock", s->dir);
  ASSERT_LT(n, (int) sizeof(sun.sun_path));
  ASSERT_OK(bind(fd, (struct sockaddr*) &sun, sizeof(sun)));
  ASSERT_OK(close(fd));
  n = 5;
  if (geteuid() == 0) {
    ASSERT_OK(mknod(fs_path(s, p, "f-chr"), S_IFCHR | 0600, makedev(1, 3)));
    n++;
  }
  return n;
}
#endif

static const struct {
  const char* name;
  uv_dirent_type_t type;
} expected[] = {
  { "a-dir", UV_DIRENT_DIR },
  { "b-file", UV_DIRENT_FILE },
  { "c-link", UV_DIRENT_LINK },
  { "d-fifo", UV_DIRENT_FIFO },
  { "e-sock", UV_DIRENT_SOCKET },
  { "f-chr", UV_DIRENT_CHAR },
};

static void check_scandir(uv_fs_t* req, int n) {
  uv_dirent_t ent;
  int i;

  ASSERT_EQ(n, req->result);
  ASSERT_EQ(UV_FS_SCANDIR, req->fs_type);
  /* Sorted by name, "." and ".." left out. */
  for (i = 0; i < n; i++) {
    ASSERT_OK(uv_fs_scandir_next(req, &ent));
    ASSERT_STR_EQ(expected[i].name, ent.name);
    ASSERT_EQ(expected[i].type, ent.type);
  }
  ASSERT_EQ(UV_EOF, uv_fs_scandir_next(req, &ent));
  ASSERT_EQ(UV_EOF, uv_fs_scandir_next(req, &ent));
}

TEST(fs_scandir) {
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  uv_dirent_t ent;
  char p[PATH_MAX];
  int n;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  n = make_entries(&s);

  ASSERT_EQ(n, uv_fs_scandir(&loop, &req, s.dir, 0, NULL));
  check_scandir(&req, n);
  uv_fs_req_cleanup(&req);
  ASSERT_NULL(req.ptr);
  uv_fs_req_cleanup(&req);

  cb_count = 0;
  ASSERT_OK(uv_fs_scandir(&loop, &req, s.dir, 0, count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(1, cb_count);
  check_scandir(&req, n);
  uv_fs_req_cleanup(&req);

  /* Cleanup part-way through the list frees the rest. */
  ASSERT_EQ(n, uv_fs_scandir(&loop, &req, s.dir, 0, NULL));
  ASSERT_OK(uv_fs_scandir_next(&req, &ent));
  uv_fs_req_cleanup(&req);

  /* An empty directory. */
  ASSERT_EQ(0, uv_fs_scandir(&loop, &req, fs_path(&s, p, "a-dir"), 0, NULL));
  ASSERT_NULL(req.ptr);  /* as in libuv */
  ASSERT_EQ(UV_EOF, uv_fs_scandir_next(&req, &ent));
  uv_fs_req_cleanup(&req);

  /* Errors, also through uv_fs_scandir_next. */
  ASSERT_EQ(UV_ENOENT, uv_fs_scandir(&loop, &req, fs_path(&s, p, "zz"), 0,
                                     NULL));
  ASSERT_EQ(UV_ENOENT, uv_fs_scandir_next(&req, &ent));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_ENOTDIR, uv_fs_scandir(&loop, &req, fs_path(&s, p, "b-file"),
                                      0, NULL));
  uv_fs_req_cleanup(&req);
  cb_count = 0;
  ASSERT_OK(uv_fs_scandir(&loop, &req, fs_path(&s, p, "zz"), 0, count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(UV_ENOENT, cb_result);
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EINVAL, uv_fs_scandir_next(NULL, &ent));
  ASSERT_EQ(UV_EINVAL, uv_fs_scandir_next(&req, NULL));
  /* On a request of another type. */
  ASSERT_OK(uv_fs_stat(&loop, &req, s.dir, NULL));
  ASSERT_EQ(UV_EINVAL, uv_fs_scandir_next(&req, &ent));
  uv_fs_req_cleanup(&req);

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
}

/* A directory large enough that the C library reads it in several
 * getdents batches. */
TEST(fs_scandir_many) {
  enum { N = 1500 };
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  uv_dirent_t ent;
  char p[PATH_MAX];
  char name[32];
  char prev[32];
  int i;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  for (i = 0; i < N; i++) {
    snprintf(name, sizeof(name), "entry-with-a-longish-name-%d", i);
    fs_put(fs_path(&s, p, name), "", 0);
  }
  ASSERT_EQ(N, uv_fs_scandir(&loop, &req, s.dir, 0, NULL));
  prev[0] = '\0';
  for (i = 0; i < N; i++) {
    ASSERT_OK(uv_fs_scandir_next(&req, &ent));
    ASSERT_EQ(UV_DIRENT_FILE, ent.type);
    ASSERT_LT(strcmp(prev, ent.name), 0);
    snprintf(prev, sizeof(prev), "%s", ent.name);
  }
  ASSERT_EQ(UV_EOF, uv_fs_scandir_next(&req, &ent));
  uv_fs_req_cleanup(&req);

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
}

/* ---- opendir / readdir / closedir -------------------------------------- */

TEST(fs_readdir_sync) {
  enum { N = 10 };
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  uv_dir_t* dir;
  uv_dirent_t ents[3];
  char p[PATH_MAX];
  char name[16];
  int seen[N];
  int total;
  int r;
  int i;
  int k;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  for (i = 0; i < N; i++) {
    snprintf(name, sizeof(name), "f%d", i);
    fs_put(fs_path(&s, p, name), "", 0);
  }
#ifdef _WIN32
  ASSERT(CreateDirectoryA(fs_path(&s, p, "sub"), NULL));
#else
  ASSERT_OK(mkdir(fs_path(&s, p, "sub"), 0755));
#endif

  ASSERT_OK(uv_fs_opendir(&loop, &req, s.dir, NULL));
  ASSERT_EQ(UV_FS_OPENDIR, req.fs_type);
  dir = req.ptr;
  ASSERT_NOT_NULL(dir);
  uv_fs_req_cleanup(&req);
  ASSERT_NULL(req.ptr);  /* but not freed: closedir does that */

  /* No array yet. */
  ASSERT_EQ(UV_EINVAL, uv_fs_readdir(&loop, &req, dir, NULL));
  uv_fs_req_cleanup(&req);
  dir->dirents = ents;
  dir->nentries = 0;
  ASSERT_EQ(UV_EINVAL, uv_fs_readdir(&loop, &req, dir, NULL));
  uv_fs_req_cleanup(&req);

  /* In batches of 3: 11 entries are 3+3+3+2, then 0. */
  dir->nentries = sizeof(ents) / sizeof(ents[0]);
  memset(seen, 0, sizeof(seen));
  total = 0;
  for (;;) {
    r = uv_fs_readdir(&loop, &req, dir, NULL);
    ASSERT_GE(r, 0);
    ASSERT_EQ(r, req.result);
    ASSERT_EQ(UV_FS_READDIR, req.fs_type);
    if (r == 0)
      break;
    ASSERT(r == 3 || total == 9);
    for (k = 0; k < r; k++) {
      ASSERT_STR_NE(".", ents[k].name);
      ASSERT_STR_NE("..", ents[k].name);
      if (strcmp(ents[k].name, "sub") == 0) {
        ASSERT_EQ(UV_DIRENT_DIR, ents[k].type);
        seen[0] += 100;
        continue;
      }
      ASSERT_EQ(UV_DIRENT_FILE, ents[k].type);
      ASSERT_EQ('f', ents[k].name[0]);
      i = atoi(ents[k].name + 1);
      ASSERT(i >= 0 && i < N);
      seen[i]++;
    }
    total += r;
    /* The names are the request's until cleanup. */
    uv_fs_req_cleanup(&req);
    uv_fs_req_cleanup(&req);
  }
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(N + 1, total);
  ASSERT_EQ(101, seen[0]);
  for (i = 1; i < N; i++)
    ASSERT_EQ(1, seen[i]);
  /* Still at the end. */
  ASSERT_EQ(0, uv_fs_readdir(&loop, &req, dir, NULL));
  uv_fs_req_cleanup(&req);

  ASSERT_OK(uv_fs_closedir(&loop, &req, dir, NULL));
  ASSERT_EQ(UV_FS_CLOSEDIR, req.fs_type);
  uv_fs_req_cleanup(&req);

  /* Errors. */
  ASSERT_EQ(UV_ENOENT, uv_fs_opendir(&loop, &req, fs_path(&s, p, "zz"),
                                     NULL));
  ASSERT_NULL(req.ptr);
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_ENOTDIR, uv_fs_opendir(&loop, &req, fs_path(&s, p, "f1"),
                                      NULL));
  ASSERT_NULL(req.ptr);
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EINVAL, uv_fs_readdir(&loop, &req, NULL, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EINVAL, uv_fs_closedir(&loop, &req, NULL, NULL));
  uv_fs_req_cleanup(&req);

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
}

/* The whole cycle asynchronously, each step issued from the previous
 * step's callback, two entries at a time. */
static uv_dirent_t async_ents[2];
static int async_entries;
static int async_closed;
static uv_dir_t* async_dir;

static void async_closedir_cb(uv_fs_t* req) {
  ASSERT_EQ(UV_FS_CLOSEDIR, req->fs_type);
  ASSERT_EQ(0, req->result);
  uv_fs_req_cleanup(req);
  async_closed++;
}

static void async_readdir_cb(uv_fs_t* req) {
  ssize_t i;

  ASSERT_EQ(UV_FS_READDIR, req->fs_type);
  ASSERT_GE(req->result, 0);
  ASSERT_LE(req->result, 2);
  for (i = 0; i < req->result; i++) {
    ASSERT_EQ(UV_DIRENT_FILE, async_ents[i].type);
    ASSERT_EQ('g', async_ents[i].name[0]);
  }
  async_entries += (int) req->result;
  i = req->result;
  uv_fs_req_cleanup(req);
  if (i == 0)
    ASSERT_OK(uv_fs_closedir(req->loop, req, async_dir, async_closedir_cb));
  else
    ASSERT_OK(uv_fs_readdir(req->loop, req, async_dir, async_readdir_cb));
}

static void async_opendir_cb(uv_fs_t* req) {
  ASSERT_EQ(UV_FS_OPENDIR, req->fs_type);
  ASSERT_EQ(0, req->result);
  async_dir = req->ptr;
  ASSERT_NOT_NULL(async_dir);
  uv_fs_req_cleanup(req);
  async_dir->dirents = async_ents;
  async_dir->nentries = 2;
  ASSERT_OK(uv_fs_readdir(req->loop, req, async_dir, async_readdir_cb));
}

TEST(fs_readdir_async) {
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  char p[PATH_MAX];
  char name[16];
  int i;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  for (i = 0; i < 7; i++) {
    snprintf(name, sizeof(name), "g%d", i);
    fs_put(fs_path(&s, p, name), "", 0);
  }
  async_entries = 0;
  async_closed = 0;
  ASSERT_OK(uv_fs_opendir(&loop, &req, s.dir, async_opendir_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(7, async_entries);
  ASSERT_EQ(1, async_closed);

  cb_count = 0;
  ASSERT_OK(uv_fs_opendir(&loop, &req, fs_path(&s, p, "zz"), count_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(1, cb_count);
  ASSERT_EQ(UV_ENOENT, cb_result);
  ASSERT_NULL(req.ptr);
  uv_fs_req_cleanup(&req);

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
}

/* The names of a batch survive until cleanup even when the array is
 * repointed, and the directory can be closed right after cleanup. */
TEST(fs_readdir_cleanup_order) {
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  uv_fs_t rreq;
  uv_dir_t* dir;
  uv_dirent_t first[4];
  uv_dirent_t second[4];
  char p[PATH_MAX];

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  fs_put(fs_path(&s, p, "one"), "", 0);
  fs_put(fs_path(&s, p, "two"), "", 0);

  ASSERT_OK(uv_fs_opendir(&loop, &req, s.dir, NULL));
  dir = req.ptr;
  uv_fs_req_cleanup(&req);
  dir->dirents = first;
  dir->nentries = 4;
  ASSERT_EQ(2, uv_fs_readdir(&loop, &rreq, dir, NULL));
  dir->dirents = second;
  ASSERT_NOT_NULL(first[0].name);
  ASSERT_NOT_NULL(first[1].name);
  uv_fs_req_cleanup(&rreq);
  ASSERT_NULL(first[0].name);
  ASSERT_NULL(first[1].name);
  ASSERT_OK(uv_fs_closedir(&loop, &req, dir, NULL));
  uv_fs_req_cleanup(&req);

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
}
