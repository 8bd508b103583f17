/* uvcore — listing directories on Windows: uv_fs_scandir() and the
 * opendir/readdir/closedir trio, both over FindFirstFileExW.
 *
 * The search takes a pattern, not a directory: "<dir>\*".  It hands back
 * the first entry as it opens, so a uv_dir_t always holds one entry over
 * (dir->priv.find_data) to the next readdir.  A search in a directory with
 * no entries at all (a drive root may lack "." and "..") fails with
 * ERROR_FILE_NOT_FOUND, which is an empty listing, not an error; a search
 * "in" a file fails with ERROR_DIRECTORY or ERROR_PATH_NOT_FOUND, which is
 * ENOTDIR when the path exists.  Entry types come from the attributes and,
 * for reparse points, the tag (symbolic links and junctions are links;
 * other reparse points, such as deduplicated or cloud files, are not).
 */
#include "fs.h"

#include <string.h>

static uv_dirent_type_t uv__fs_find_type(const WIN32_FIND_DATAW* fd) {
  if ((fd->dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) &&
      (fd->dwReserved0 == IO_REPARSE_TAG_SYMLINK ||
       fd->dwReserved0 == IO_REPARSE_TAG_MOUNT_POINT))
    return UV_DIRENT_LINK;
  if (fd->dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
    return UV_DIRENT_DIR;
  return UV_DIRENT_FILE;
}

static int uv__fs_find_skip(const WIN32_FIND_DATAW* fd) {
  const WCHAR* n;

  n = fd->cFileName;
  return n[0] == L'.' && (n[1] == L'\0' || (n[1] == L'.' && n[2] == L'\0'));
}

/* Starts a search of path.  *h is INVALID_HANDLE_VALUE (and 0 returned)
 * when the directory has no entries at all. */
static int uv__fs_find_first(uv_fs_t* req, HANDLE* h,
                             WIN32_FIND_DATAW* data) {
  WCHAR* path;
  WCHAR* pattern;
  size_t len;
  DWORD attrs;
  DWORD err;
  int r;

  *h = INVALID_HANDLE_VALUE;
  r = uv__fs_wide_path(req->path, &path);
  if (r)
    return r;
  len = wcslen(path);
  pattern = uv__malloc((len + 3) * sizeof(*pattern));
  if (pattern == NULL) {
    uv__free(path);
    return UV_ENOMEM;
  }
  memcpy(pattern, path, len * sizeof(*pattern));
  if (len > 0 && pattern[len - 1] != L'\\' && pattern[len - 1] != L'/' &&
      pattern[len - 1] != L':')
    pattern[len++] = L'\\';
  pattern[len++] = L'*';
  pattern[len] = L'\0';

  *h = FindFirstFileExW(pattern, FindExInfoBasic, data,
                        FindExSearchNameMatch, NULL,
                        FIND_FIRST_EX_LARGE_FETCH);
  uv__free(pattern);
  r = 0;
  if (*h == INVALID_HANDLE_VALUE) {
    err = GetLastError();
    attrs = GetFileAttributesW(path);
    if (err == ERROR_FILE_NOT_FOUND && attrs != INVALID_FILE_ATTRIBUTES &&
        (attrs & FILE_ATTRIBUTE_DIRECTORY)) {
      r = 0;  /* exists, nothing in it */
    } else if (attrs != INVALID_FILE_ATTRIBUTES &&
               !(attrs & FILE_ATTRIBUTE_DIRECTORY)) {
      req->priv.sys_errno = err;
      r = UV_ENOTDIR;
    } else {
      r = uv__fs_error(req, err);
    }
  }
  uv__free(path);
  return r;
}

/* The entry's name as UTF-8, or NULL when out of memory. */
static char* uv__fs_find_name(const WIN32_FIND_DATAW* fd) {
  char* name;

  if (uv__utf8_from_wide(fd->cFileName, -1, &name, NULL))
    return NULL;
  return name;
}

/* ---- scandir -------------------------------------------------------------- */

ssize_t uv__fs_do_scandir(uv_fs_t* req) {
  WIN32_FIND_DATAW data;
  struct uv__scan* scan;
  char* name;
  HANDLE h;
  DWORD err;
  int r;

  r = uv__fs_find_first(req, &h, &data);
  if (r)
    return r;
  scan = NULL;
  if (h == INVALID_HANDLE_VALUE)
    return uv__scan_finish(req, scan);

  do {
    if (uv__fs_find_skip(&data))
      continue;
    name = uv__fs_find_name(&data);
    if (name == NULL) {
      r = UV_ENOMEM;
      break;
    }
    r = uv__scan_push(&scan, name, uv__fs_find_type(&data));
    if (r)
      break;
  } while (FindNextFileW(h, &data));
  if (r == 0) {
    err = GetLastError();
    if (err != ERROR_NO_MORE_FILES)
      r = uv__fs_error(req, err);
  }
  FindClose(h);

  if (r) {
    uv__scan_free(scan);
    return r;
  }
  return uv__scan_finish(req, scan);
}

/* ---- opendir / readdir / closedir ---------------------------------------- */

ssize_t uv__fs_do_opendir(uv_fs_t* req) {
  uv_dir_t* dir;
  int r;

  dir = uv__malloc(sizeof(*dir));
  if (dir == NULL)
    return UV_ENOMEM;
  r = uv__fs_find_first(req, &dir->priv.dir, &dir->priv.find_data);
  if (r) {
    uv__free(dir);
    return r;
  }
  /* An empty search keeps a non-NULL marker: readdir checks for NULL. */
  dir->priv.have_entry = dir->priv.dir != INVALID_HANDLE_VALUE;
  dir->dirents = NULL;
  dir->nentries = 0;
  req->ptr = dir;
  return 0;
}

ssize_t uv__fs_do_readdir(uv_fs_t* req) {
  uv_dirent_t* ents;
  uv_dir_t* dir;
  DWORD err;
  size_t n;
  int r;

  dir = req->ptr;
  ents = req->priv.dirents;
  n = 0;
  r = 0;
  while (n < req->priv.len && dir->priv.have_entry) {
    if (!uv__fs_find_skip(&dir->priv.find_data)) {
      ents[n].name = uv__fs_find_name(&dir->priv.find_data);
      if (ents[n].name == NULL) {
        r = UV_ENOMEM;
        break;
      }
      ents[n].type = uv__fs_find_type(&dir->priv.find_data);
      n++;
    }
    if (!FindNextFileW(dir->priv.dir, &dir->priv.find_data)) {
      dir->priv.have_entry = 0;
      err = GetLastError();
      if (err != ERROR_NO_MORE_FILES) {
        r = uv__fs_error(req, err);
        break;
      }
    }
  }
  if (r) {
    uv__dirents_free(ents, n);
    return r;
  }
  return (ssize_t) n;
}

ssize_t uv__fs_do_closedir(uv_fs_t* req) {
  uv_dir_t* dir;

  dir = req->ptr;
  if (dir->priv.dir != NULL && dir->priv.dir != INVALID_HANDLE_VALUE)
    FindClose(dir->priv.dir);
  dir->priv.dir = NULL;
  uv__free(dir);
  req->ptr = NULL;
  return 0;
}
