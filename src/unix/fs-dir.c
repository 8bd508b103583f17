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

ssize_t uv__fs_do_scandir(uv_fs_t* req) {
  struct uv__scan* scan;
  struct dirent* de;
  char* name;
  DIR* d;
  int err;

  err = uv__opendir_path(req->path, &d);
  if (err)
    return err;

  scan = NULL;
  for (;;) {
    err = uv__readdir_next(d, &de);
    if (err || de == NULL)
      break;
    if (uv__dirent_skip(de))
      continue;
    name = uv__strdup(de->d_name);
    if (name == NULL) {
      err = UV_ENOMEM;
      break;
    }
    err = uv__scan_push(&scan, name, uv__dirent_type(d, de));
    if (err)
      break;
  }
  closedir(d);

  if (err) {
    uv__scan_free(scan);
    return err;
  }
  return uv__scan_finish(req, scan);
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
    uv__dirents_free(ents, n);
    return err;
  }
  return (ssize_t) n;
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
