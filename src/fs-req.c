/* uvcore — the life cycle of a file system request, shared by every
 * platform: argument checks, private copies of what the caller passed,
 * synchronous or thread-pool dispatch, cleanup and the result accessors.
 * The platform does the work itself in uv__fs_run() (unix/fs.c,
 * win/fs.c) and lists directories into a struct uv__scan (fs-req.h).
 *
 * Every uv_fs_* call fills the request, then either runs it at once (no
 * callback: the call returns req->result) or hands it to the thread pool,
 * whose done callback runs on the loop thread.  Both modes go through the
 * same uv__fs_run(), so they cannot drift apart.  Argument errors are
 * reported synchronously, before anything is queued, and then the callback
 * never runs.
 *
 * Ownership: the request keeps private copies of the paths (so the caller
 * may free its strings as soon as the call returns) and, when queued, of
 * the buffer array (not of the bytes).  uv_fs_req_cleanup() releases all of
 * that plus whatever a result points to (readlink/realpath strings, statfs
 * data, scandir lists, readdir names).
 */
#include "fs-req.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- request set-up ---------------------------------------------------- */

static int uv__fs_fail(uv_fs_t* req, int err) {
  req->result = err;
  return err;
}

/* Resets every field cleanup looks at, so that cleanup is safe after any
 * early return below. */
static int uv__fs_init(uv_loop_t* loop, uv_fs_t* req, uv_fs_type type,
                       uv_fs_cb cb) {
  if (req == NULL || uv__work_in_flight(&req->priv.work))
    return UV_EINVAL;
  req->type = UV_FS;
  req->fs_type = type;
  req->loop = loop;
  req->result = 0;
  req->ptr = NULL;
  req->path = NULL;
  req->priv.cb = cb;
  /* Marks the request as not queued, for uv_cancel() on a synchronous or
   * rejected request. */
  req->priv.work.work = NULL;
  req->new_path = NULL;
  req->priv.file = -1;
  req->priv.file2 = -1;
  req->priv.flags = 0;
  req->priv.mode = 0;
  req->nbufs = 0;
  req->priv.own_bufs = 0;
  req->bufs = NULL;
  req->priv.off = 0;
  req->priv.len = 0;
  req->priv.dirents = NULL;
#ifdef _WIN32
  req->priv.sys_errno = 0;
#endif
  /* A synchronous call never touches the loop, and libuv's users rely on
   * passing NULL for it; only a queued request needs one. */
  if (cb != NULL && !uv__loop_usable(loop))
    return uv__fs_fail(req, UV_EINVAL);
  return 0;
}

/* Whether the request owns copies of its paths.  As in libuv, a
 * synchronous call uses the caller's strings in place (they outlive the
 * call, and uv_fs_get_path() hands back the caller's pointer), except for
 * mkdtemp/mkstemp, which write the name they made into the path. */
static int uv__fs_owns_paths(const uv_fs_t* req) {
  return req->priv.cb != NULL || req->fs_type == UV_FS_MKDTEMP ||
         req->fs_type == UV_FS_MKSTEMP;
}

static int uv__fs_path(uv_fs_t* req, const char* path) {
  char* copy;

  if (path == NULL)
    return uv__fs_fail(req, UV_EINVAL);
  if (!uv__fs_owns_paths(req)) {
    req->path = path;
    return 0;
  }
  copy = uv__strdup(path);
  if (copy == NULL)
    return uv__fs_fail(req, UV_ENOMEM);
  req->path = copy;
  return 0;
}

static int uv__fs_paths(uv_fs_t* req, const char* path, const char* new_path) {
  int err;

  if (path == NULL || new_path == NULL)
    return uv__fs_fail(req, UV_EINVAL);
  err = uv__fs_path(req, path);
  if (err)
    return err;
  if (!uv__fs_owns_paths(req)) {
    req->new_path = new_path;
    return 0;
  }
  req->new_path = uv__strdup(new_path);
  if (req->new_path == NULL)
    return uv__fs_fail(req, UV_ENOMEM);
  return 0;
}

/* A queued request must not depend on the caller's array staying alive; a
 * synchronous one may use it in place (it is never written to). */
static int uv__fs_bufs(uv_fs_t* req, const uv_buf_t bufs[],
                       unsigned int nbufs) {
  uv_buf_t* copy;

  /* As for streams: no count above INT_MAX describes a real array. */
  if (bufs == NULL || nbufs == 0 || nbufs > INT_MAX)
    return uv__fs_fail(req, UV_EINVAL);
  req->nbufs = nbufs;
  if (req->priv.cb == NULL) {
    req->bufs = (uv_buf_t*) bufs;
    return 0;
  }
  if (nbufs <= UV__ARRAY_SIZE(req->priv.bufsml)) {
    copy = req->priv.bufsml;
  } else {
    copy = uv__malloc(nbufs * sizeof(*copy));
    if (copy == NULL)
      return uv__fs_fail(req, UV_ENOMEM);
    req->priv.own_bufs = 1;
  }
  memcpy(copy, bufs, nbufs * sizeof(*copy));
  req->bufs = copy;
  return 0;
}

/* NaN leaves a time alone and +Inf means now (UV_FS_UTIME_OMIT/NOW);
 * anything else must fit a time_t. */
static int uv__fs_times(uv_fs_t* req, double atime, double mtime) {
  const double limit = 9.2e18;  /* just under 2^63 */

  if (!isnan(atime) && !(isinf(atime) && atime > 0) &&
      !(atime > -limit && atime < limit))
    return uv__fs_fail(req, UV_EINVAL);
  if (!isnan(mtime) && !(isinf(mtime) && mtime > 0) &&
      !(mtime > -limit && mtime < limit))
    return uv__fs_fail(req, UV_EINVAL);
  req->priv.atime = atime;
  req->priv.mtime = mtime;
  return 0;
}

static void uv__fs_work(struct uv__work* w) {
  uv_fs_t* req;

  req = uv__container_of(w, uv_fs_t, priv.work);
  req->result = uv__fs_run(req);
}

static void uv__fs_done(struct uv__work* w, int status) {
  uv_fs_t* req;

  req = uv__container_of(w, uv_fs_t, priv.work);
  uv__req_unregister(req->loop);
  if (status == UV_ECANCELED)
    req->result = UV_ECANCELED;
  req->priv.cb(req);
}

static int uv__fs_submit(uv_fs_t* req) {
  if (req->priv.cb == NULL) {
    req->result = uv__fs_run(req);
    /* The int return cannot hold every ssize_t; req->result can. */
    if (req->result > INT_MAX)
      return INT_MAX;
    return (int) req->result;
  }
  uv__req_init(req->loop, (uv_req_t*) req, UV_FS);
  uv__work_submit(req->loop, &req->priv.work, UV__WORK_FAST_IO,
                  uv__fs_work, uv__fs_done);
  return 0;
}

/* ---- public entry points ---------------------------------------------- */

#define UV__FS_INIT(type)                                                   \
  do {                                                                      \
    int uv__err_ = uv__fs_init(loop, req, (type), cb);                      \
    if (uv__err_)                                                           \
      return uv__err_;                                                      \
  } while (0)

#define UV__FS_CHECK(expr)                                                  \
  do {                                                                      \
    int uv__err_ = (expr);                                                  \
    if (uv__err_)                                                           \
      return uv__err_;                                                      \
  } while (0)

int uv_fs_open(uv_loop_t* loop, uv_fs_t* req, const char* path, int flags,
               int mode, uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_OPEN);
  UV__FS_CHECK(uv__fs_path(req, path));
  req->priv.flags = flags;
  req->priv.mode = mode;
  return uv__fs_submit(req);
}

int uv_fs_close(uv_loop_t* loop, uv_fs_t* req, uv_file file, uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_CLOSE);
  req->priv.file = file;
  return uv__fs_submit(req);
}

int uv_fs_read(uv_loop_t* loop, uv_fs_t* req, uv_file file,
               const uv_buf_t bufs[], unsigned int nbufs, int64_t offset,
               uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_READ);
  UV__FS_CHECK(uv__fs_bufs(req, bufs, nbufs));
  req->priv.file = file;
  req->priv.off = offset;
  return uv__fs_submit(req);
}

int uv_fs_write(uv_loop_t* loop, uv_fs_t* req, uv_file file,
                const uv_buf_t bufs[], unsigned int nbufs, int64_t offset,
                uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_WRITE);
  UV__FS_CHECK(uv__fs_bufs(req, bufs, nbufs));
  req->priv.file = file;
  req->priv.off = offset;
  return uv__fs_submit(req);
}

int uv_fs_unlink(uv_loop_t* loop, uv_fs_t* req, const char* path,
                 uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_UNLINK);
  UV__FS_CHECK(uv__fs_path(req, path));
  return uv__fs_submit(req);
}

int uv_fs_copyfile(uv_loop_t* loop, uv_fs_t* req, const char* path,
                   const char* new_path, int flags, uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_COPYFILE);
  if (flags & ~(UV_FS_COPYFILE_EXCL | UV_FS_COPYFILE_FICLONE |
                UV_FS_COPYFILE_FICLONE_FORCE))
    return uv__fs_fail(req, UV_EINVAL);
  UV__FS_CHECK(uv__fs_paths(req, path, new_path));
  req->priv.flags = flags;
  return uv__fs_submit(req);
}

int uv_fs_mkdir(uv_loop_t* loop, uv_fs_t* req, const char* path, int mode,
                uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_MKDIR);
  UV__FS_CHECK(uv__fs_path(req, path));
  req->priv.mode = mode;
  return uv__fs_submit(req);
}

int uv_fs_mkdtemp(uv_loop_t* loop, uv_fs_t* req, const char* tpl,
                  uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_MKDTEMP);
  UV__FS_CHECK(uv__fs_path(req, tpl));
  return uv__fs_submit(req);
}

int uv_fs_mkstemp(uv_loop_t* loop, uv_fs_t* req, const char* tpl,
                  uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_MKSTEMP);
  UV__FS_CHECK(uv__fs_path(req, tpl));
  return uv__fs_submit(req);
}

int uv_fs_rmdir(uv_loop_t* loop, uv_fs_t* req, const char* path,
                uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_RMDIR);
  UV__FS_CHECK(uv__fs_path(req, path));
  return uv__fs_submit(req);
}

int uv_fs_scandir(uv_loop_t* loop, uv_fs_t* req, const char* path, int flags,
                  uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_SCANDIR);
  UV__FS_CHECK(uv__fs_path(req, path));
  req->priv.flags = flags;  /* unused, as in libuv */
  return uv__fs_submit(req);
}

int uv_fs_opendir(uv_loop_t* loop, uv_fs_t* req, const char* path,
                  uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_OPENDIR);
  UV__FS_CHECK(uv__fs_path(req, path));
  return uv__fs_submit(req);
}

int uv_fs_readdir(uv_loop_t* loop, uv_fs_t* req, uv_dir_t* dir,
                  uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_READDIR);
  if (dir == NULL || dir->priv.dir == NULL || dir->dirents == NULL ||
      dir->nentries == 0)
    return uv__fs_fail(req, UV_EINVAL);
  /* Taken now, so cleanup finds the names even if the caller points dir
   * at another array (or closes it) before cleaning up. */
  req->priv.dirents = dir->dirents;
  req->priv.len = dir->nentries;
  req->ptr = dir;
  return uv__fs_submit(req);
}

int uv_fs_closedir(uv_loop_t* loop, uv_fs_t* req, uv_dir_t* dir,
                   uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_CLOSEDIR);
  if (dir == NULL)
    return uv__fs_fail(req, UV_EINVAL);
  req->ptr = dir;
  return uv__fs_submit(req);
}

int uv_fs_stat(uv_loop_t* loop, uv_fs_t* req, const char* path,
               uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_STAT);
  UV__FS_CHECK(uv__fs_path(req, path));
  return uv__fs_submit(req);
}

int uv_fs_lstat(uv_loop_t* loop, uv_fs_t* req, const char* path,
                uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_LSTAT);
  UV__FS_CHECK(uv__fs_path(req, path));
  return uv__fs_submit(req);
}

int uv_fs_fstat(uv_loop_t* loop, uv_fs_t* req, uv_file file, uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_FSTAT);
  req->priv.file = file;
  return uv__fs_submit(req);
}

int uv_fs_statfs(uv_loop_t* loop, uv_fs_t* req, const char* path,
                 uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_STATFS);
  UV__FS_CHECK(uv__fs_path(req, path));
  return uv__fs_submit(req);
}

int uv_fs_rename(uv_loop_t* loop, uv_fs_t* req, const char* path,
                 const char* new_path, uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_RENAME);
  UV__FS_CHECK(uv__fs_paths(req, path, new_path));
  return uv__fs_submit(req);
}

int uv_fs_fsync(uv_loop_t* loop, uv_fs_t* req, uv_file file, uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_FSYNC);
  req->priv.file = file;
  return uv__fs_submit(req);
}

int uv_fs_fdatasync(uv_loop_t* loop, uv_fs_t* req, uv_file file,
                    uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_FDATASYNC);
  req->priv.file = file;
  return uv__fs_submit(req);
}

int uv_fs_ftruncate(uv_loop_t* loop, uv_fs_t* req, uv_file file,
                    int64_t offset, uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_FTRUNCATE);
  req->priv.file = file;
  req->priv.off = offset;
  return uv__fs_submit(req);
}

int uv_fs_sendfile(uv_loop_t* loop, uv_fs_t* req, uv_file out_fd,
                   uv_file in_fd, int64_t in_offset, size_t length,
                   uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_SENDFILE);
  req->priv.file = out_fd;
  req->priv.file2 = in_fd;
  req->priv.off = in_offset;
  req->priv.len = length;
  return uv__fs_submit(req);
}

int uv_fs_access(uv_loop_t* loop, uv_fs_t* req, const char* path, int mode,
                 uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_ACCESS);
  UV__FS_CHECK(uv__fs_path(req, path));
  req->priv.flags = mode;
  return uv__fs_submit(req);
}

int uv_fs_chmod(uv_loop_t* loop, uv_fs_t* req, const char* path, int mode,
                uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_CHMOD);
  UV__FS_CHECK(uv__fs_path(req, path));
  req->priv.mode = mode;
  return uv__fs_submit(req);
}

int uv_fs_fchmod(uv_loop_t* loop, uv_fs_t* req, uv_file file, int mode,
                 uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_FCHMOD);
  req->priv.file = file;
  req->priv.mode = mode;
  return uv__fs_submit(req);
}

int uv_fs_utime(uv_loop_t* loop, uv_fs_t* req, const char* path,
                double atime, double mtime, uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_UTIME);
  UV__FS_CHECK(uv__fs_times(req, atime, mtime));
  UV__FS_CHECK(uv__fs_path(req, path));
  return uv__fs_submit(req);
}

int uv_fs_futime(uv_loop_t* loop, uv_fs_t* req, uv_file file, double atime,
                 double mtime, uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_FUTIME);
  UV__FS_CHECK(uv__fs_times(req, atime, mtime));
  req->priv.file = file;
  return uv__fs_submit(req);
}

int uv_fs_lutime(uv_loop_t* loop, uv_fs_t* req, const char* path,
                 double atime, double mtime, uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_LUTIME);
  UV__FS_CHECK(uv__fs_times(req, atime, mtime));
  UV__FS_CHECK(uv__fs_path(req, path));
  return uv__fs_submit(req);
}

int uv_fs_link(uv_loop_t* loop, uv_fs_t* req, const char* path,
               const char* new_path, uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_LINK);
  UV__FS_CHECK(uv__fs_paths(req, path, new_path));
  return uv__fs_submit(req);
}

int uv_fs_symlink(uv_loop_t* loop, uv_fs_t* req, const char* path,
                  const char* new_path, int flags, uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_SYMLINK);
  UV__FS_CHECK(uv__fs_paths(req, path, new_path));
  req->priv.flags = flags;  /* Windows-only hints */
  return uv__fs_submit(req);
}

int uv_fs_readlink(uv_loop_t* loop, uv_fs_t* req, const char* path,
                   uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_READLINK);
  UV__FS_CHECK(uv__fs_path(req, path));
  return uv__fs_submit(req);
}

int uv_fs_realpath(uv_loop_t* loop, uv_fs_t* req, const char* path,
                   uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_REALPATH);
  UV__FS_CHECK(uv__fs_path(req, path));
  return uv__fs_submit(req);
}

int uv_fs_chown(uv_loop_t* loop, uv_fs_t* req, const char* path,
                uv_uid_t uid, uv_gid_t gid, uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_CHOWN);
  UV__FS_CHECK(uv__fs_path(req, path));
  req->priv.uid = uid;
  req->priv.gid = gid;
  return uv__fs_submit(req);
}

int uv_fs_fchown(uv_loop_t* loop, uv_fs_t* req, uv_file file, uv_uid_t uid,
                 uv_gid_t gid, uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_FCHOWN);
  req->priv.file = file;
  req->priv.uid = uid;
  req->priv.gid = gid;
  return uv__fs_submit(req);
}

int uv_fs_lchown(uv_loop_t* loop, uv_fs_t* req, const char* path,
                 uv_uid_t uid, uv_gid_t gid, uv_fs_cb cb) {
  UV__FS_INIT(UV_FS_LCHOWN);
  UV__FS_CHECK(uv__fs_path(req, path));
  req->priv.uid = uid;
  req->priv.gid = gid;
  return uv__fs_submit(req);
}

/* ---- results and cleanup ----------------------------------------------- */

void uv_fs_req_cleanup(uv_fs_t* req) {
  if (req == NULL)
    return;

  if (uv__fs_owns_paths(req)) {
    uv__free((char*) req->path);
    uv__free((char*) req->new_path);
  }
  req->path = NULL;
  req->new_path = NULL;
  if (req->priv.own_bufs)
    uv__free(req->bufs);
  req->priv.own_bufs = 0;
  req->bufs = NULL;
  req->nbufs = 0;

  switch (req->fs_type) {
    case UV_FS_SCANDIR:
      uv__scan_free(req->ptr);
      break;
    case UV_FS_READDIR:
      /* The names of the entries this request filled, never more. */
      if (req->priv.dirents != NULL && req->result > 0)
        uv__dirents_free(req->priv.dirents, (size_t) req->result);
      req->priv.dirents = NULL;
      break;
    case UV_FS_READLINK:
    case UV_FS_REALPATH:
    case UV_FS_STATFS:
      uv__free(req->ptr);
      break;
    default:
      /* statbuf, or a uv_dir_t that belongs to the caller until closedir. */
      break;
  }
  req->ptr = NULL;
}

/* The accessors answer for a NULL request too (libuv would crash): no
 * type, UV_EINVAL, nothing. */
uv_fs_type uv_fs_get_type(const uv_fs_t* req) {
  return req != NULL ? req->fs_type : UV_FS_UNKNOWN;
}

ssize_t uv_fs_get_result(const uv_fs_t* req) {
  return req != NULL ? req->result : UV_EINVAL;
}

void* uv_fs_get_ptr(const uv_fs_t* req) {
  return req != NULL ? req->ptr : NULL;
}

const char* uv_fs_get_path(const uv_fs_t* req) {
  return req != NULL ? req->path : NULL;
}

uv_stat_t* uv_fs_get_statbuf(uv_fs_t* req) {
  return req != NULL ? &req->statbuf : NULL;
}


/* ---- directory listings ----------------------------------------------- */

int uv__scan_push(struct uv__scan** scan, char* name, uv_dirent_type_t type) {
  struct uv__scan* s;
  size_t cap;

  s = *scan;
  if (s == NULL || s->count == s->cap) {
    cap = s == NULL ? 16 : s->cap * 2;
    s = uv__realloc(s, sizeof(*s) + cap * sizeof(s->ents[0]));
    if (s == NULL) {
      uv__free(name);
      return UV_ENOMEM;
    }
    if (*scan == NULL) {
      s->count = 0;
      s->next = 0;
    }
    s->cap = cap;
    *scan = s;
  }
  s->ents[s->count].name = name;
  s->ents[s->count].type = type;
  s->count++;
  return 0;
}

static int uv__scan_cmp(const void* a, const void* b) {
  return strcmp(((const struct uv__scan_ent*) a)->name,
                ((const struct uv__scan_ent*) b)->name);
}

ssize_t uv__scan_finish(uv_fs_t* req, struct uv__scan* scan) {
  if (scan == NULL || scan->count == 0) {
    uv__scan_free(scan);
    return 0;
  }
  qsort(scan->ents, scan->count, sizeof(scan->ents[0]), uv__scan_cmp);
  req->ptr = scan;
  return (ssize_t) scan->count;
}

void uv__scan_free(struct uv__scan* scan) {
  size_t i;

  if (scan == NULL)
    return;
  for (i = 0; i < scan->count; i++)
    uv__free(scan->ents[i].name);
  uv__free(scan);
}

void uv__dirents_free(uv_dirent_t* ents, size_t n) {
  size_t i;

  for (i = 0; i < n; i++) {
    uv__free((char*) ents[i].name);
    ents[i].name = NULL;
  }
}

int uv_fs_scandir_next(uv_fs_t* req, uv_dirent_t* ent) {
  struct uv__scan* scan;

  if (req == NULL || ent == NULL || req->fs_type != UV_FS_SCANDIR)
    return UV_EINVAL;
  if (req->result < 0)
    return (int) req->result;
  scan = req->ptr;
  if (scan == NULL || scan->next >= scan->count)
    return UV_EOF;
  /* The name stays valid until uv_fs_req_cleanup(). */
  ent->name = scan->ents[scan->next].name;
  ent->type = scan->ents[scan->next].type;
  scan->next++;
  return 0;
}
