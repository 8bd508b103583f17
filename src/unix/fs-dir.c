/* uvcore — listing directories: uv_fs_scandir() (the whole directory at
 * once, sorted by name) and the streaming uv_fs_opendir() / readdir() /
 * closedir() trio.
 *
 * Directory descriptors are opened with O_CLOEXEC ourselves and handed to
 * fdopendir(), so no libc is trusted to add it.  Neither API reports "." or
 * "..".  When the file system does not fill in d_type (some network and
 * older file systems say DT_UNKNOWN), we ask fstatat() rather than pass the
 * ignorance on: the caller would otherwise have to stat every entry.
 */
#include "fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct uv__scan_ent {
  char* name;
  uv_dirent_type_t type;
};

/* What req->ptr holds after a scandir: the entries, sorted, and how far
 * uv_fs_scandir_next() got. */
struct uv__scan {
  size_t count;
  size_t next;
  struct uv__scan_ent ents[];
};

static uv_dirent_type_t uv__dirent_type_from_mode(mode_t mode) {
  switch (mode & S_IFMT) {
    case S_IFREG: return UV_DIRENT_FILE;
    case S_IFDIR: return UV_DIRENT_DIR;
    case S_IFLNK: return UV_DIRENT_LINK;
    case S_IFIFO: return UV_DIRENT_FIFO;
    case S_IFSOCK: return UV_DIRENT_SOCKET;
    case S_IFCHR: return UV_DIRENT_CHAR;
    case S_IFBLK: return UV_DIRENT_BLOCK;
    default: return UV_DIRENT_UNKNOWN;
  }
}

static uv_dirent_type_t uv__dirent_type(DIR* d, const struct dirent* de) {
  struct stat st;

#if defined(DT_UNKNOWN)
  switch (de->d_type) {
    case DT_REG: return UV_DIRENT_FILE;
    case DT_DIR: return UV_DIRENT_DIR;
    case DT_LNK: return UV_DIRENT_LINK;
    case DT_FIFO: return UV_DIRENT_FIFO;
    case DT_SOCK: return UV_DIRENT_SOCKET;
    case DT_CHR: return UV_DIRENT_CHAR;
    case DT_BLK: return UV_DIRENT_BLOCK;
    default: break;
  }
#endif
  if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW))
    return UV_DIRENT_UNKNOWN;  /* gone meanwhile: still an entry we saw */
  return uv__dirent_type_from_mode(st.st_mode);
}

static int uv__dirent_skip(const struct dirent* de) {
  const char* n;

  n = de->d_name;
  return n[0] == '.' && (n[1] == '\0' || (n[1] == '.' && n[2] == '\0'));
}

static int uv__opendir_path(const char* path, DIR** out) {
  DIR* d;
  int fd;
  int err;

  *out = NULL;  /* lets the optimiser see the result is always set */
  do
    fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  while (fd == -1 && errno == EINTR);
  if (fd == -1)
    return uv__err();
  d = fdopendir(fd);
  if (d == NULL) {
    err = uv__err();
    uv__close(fd);
    return err;
  }
  *out = d;
  return 0;
}

/* readdir() tells end from error only through errno. */
static int uv__readdir_next(DIR* d, struct dirent** de) {
  errno = 0;
  *de = readdir(d);
  if (*de == NULL && errno != 0)
    return uv__err();
  return 0;
}

/* ---- scandir ------------------------------------------------------------ */

static int uv__scan_cmp(const void* a, const void* b) {
  return strcmp(((const struct uv__scan_ent*) a)->name,
                ((const struct uv__scan_ent*) b)->name);
}

static void uv__scan_free(struct uv__scan* scan) {
  size_t i;

  if (scan == NULL)
    return;
  for (i = 0; i < scan->count; i++)
    uv__free(scan->ents[i].name);
  uv__free(scan);
}

ssize_t uv__fs_do_scandir(uv_fs_t* req) {
  struct uv__scan* scan;
  struct uv__scan* grown;
  struct dirent* de;
  size_t cap;
  DIR* d;
  int err;

  err = uv__opendir_path(req->path, &d);
  if (err)
    return err;

  cap = 16;
  scan = uv__malloc(sizeof(*scan) + cap * sizeof(scan->ents[0]));
  if (scan == NULL) {
    closedir(d);
    return UV_ENOMEM;
  }
  scan->count = 0;
  scan->next = 0;

  for (;;) {
    err = uv__readdir_next(d, &de);
    if (err || de == NULL)
      break;
    if (uv__dirent_skip(de))
      continue;
    if (scan->count == cap) {
      cap *= 2;
      grown = uv__realloc(scan, sizeof(*scan) + cap * sizeof(scan->ents[0]));
      if (grown == NULL) {
        err = UV_ENOMEM;
        break;
      }
      scan = grown;
    }
    scan->ents[scan->count].name = uv__strdup(de->d_name);
    if (scan->ents[scan->count].name == NULL) {
      err = UV_ENOMEM;
      break;
    }
    scan->ents[scan->count].type = uv__dirent_type(d, de);
    scan->count++;
  }
  closedir(d);

  if (err) {
    uv__scan_free(scan);
    return err;
  }
  if (scan->count == 0) {
    /* libuv leaves req->ptr NULL for an empty directory. */
    uv__scan_free(scan);
    return 0;
  }
  qsort(scan->ents, scan->count, sizeof(scan->ents[0]), uv__scan_cmp);
  req->ptr = scan;
  return (ssize_t) scan->count;
}

void uv__fs_scandir_free(uv_fs_t* req) {
  uv__scan_free(req->ptr);
  req->ptr = NULL;
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

/* ---- opendir / readdir / closedir -------------------------------------- */

ssize_t uv__fs_do_opendir(uv_fs_t* req) {
  uv_dir_t* dir;
  DIR* d;
  int err;

  dir = uv__malloc(sizeof(*dir));
  if (dir == NULL)
    return UV_ENOMEM;
  err = uv__opendir_path(req->path, &d);
  if (err) {
    uv__free(dir);
    return err;
  }
  dir->dirents = NULL;
  dir->nentries = 0;
  dir->priv.dir = d;
  req->ptr = dir;
  return 0;
}

ssize_t uv__fs_do_readdir(uv_fs_t* req) {
  uv_dir_t* dir;
  uv_dirent_t* ents;
  struct dirent* de;
  size_t n;
  size_t i;
  int err;

  dir = req->ptr;
  ents = req->priv.dirents;
  n = 0;
  err = 0;
  while (n < req->priv.len) {
    err = uv__readdir_next(dir->priv.dir, &de);
    if (err || de == NULL)
      break;
    if (uv__dirent_skip(de))
      continue;
    ents[n].name = uv__strdup(de->d_name);
    if (ents[n].name == NULL) {
      err = UV_ENOMEM;
      break;
    }
    ents[n].type = uv__dirent_type(dir->priv.dir, de);
    n++;
  }
  if (err) {
    for (i = 0; i < n; i++) {
      uv__free((char*) ents[i].name);
      ents[i].name = NULL;
    }
    return err;
  }
  return (ssize_t) n;
}

void uv__fs_readdir_free(uv_fs_t* req) {
  ssize_t i;

  if (req->priv.dirents != NULL) {
    for (i = 0; i < req->result; i++) {
      uv__free((char*) req->priv.dirents[i].name);
      req->priv.dirents[i].name = NULL;
    }
  }
  req->priv.dirents = NULL;
}

ssize_t uv__fs_do_closedir(uv_fs_t* req) {
  uv_dir_t* dir;

  dir = req->ptr;
  if (dir->priv.dir != NULL)
    closedir(dir->priv.dir);
  dir->priv.dir = NULL;
  uv__free(dir);
  req->ptr = NULL;
  return 0;
}
