/* uvcore — uv_fs_stat(), lstat(), fstat() and statfs() on Windows.
 *
 * There is no struct stat to copy: the fields are put together from three
 * queries on an open handle.  GetFileInformationByHandle gives the volume
 * serial number and 64-bit file index (st_dev, st_ino), the link count and
 * the size; FILE_BASIC_INFO the four times at 100 ns precision (including
 * the change time, which FILETIME-based calls do not report) and the
 * attributes; FILE_STANDARD_INFO the allocation size (st_blocks).
 * st_mode is made up the way the CRT does it: the read-only attribute
 * takes away the write bits, directories get the execute bits.
 *
 * lstat opens the link itself (FILE_FLAG_OPEN_REPARSE_POINT) and reports
 * symbolic links and junctions as S_IFLNK whose size is the length of the
 * target, as on Unix.  Handles that are not files (consoles, pipes) are
 * described by their type alone.
 */
#include "fs.h"

#include <string.h>

static void uv__fs_timespec(uv_timespec_t* ts, LARGE_INTEGER t) {
  int64_t ticks;
  int64_t sec;

  ticks = t.QuadPart - UV__FILETIME_UNIX_EPOCH;
  sec = ticks / 10000000;
  ticks %= 10000000;
  /* Before 1970: keep the nanoseconds positive. */
  if (ticks < 0) {
    ticks += 10000000;
    sec--;
  }
  ts->tv_sec = (long) sec;
  ts->tv_nsec = (long) ticks * 100;
}

static int uv__fs_is_link_tag(DWORD tag) {
  return tag == IO_REPARSE_TAG_SYMLINK || tag == IO_REPARSE_TAG_MOUNT_POINT;
}

/* Fills req->statbuf from a handle to a file or directory. */
static ssize_t uv__fs_stat_handle(uv_fs_t* req, HANDLE h, int is_lstat) {
  BY_HANDLE_FILE_INFORMATION info;
  FILE_BASIC_INFO basic;
  FILE_STANDARD_INFO std;
  FILE_ATTRIBUTE_TAG_INFO tag;
  uv_stat_t* st;
  unsigned int perm;
  char* target;
  size_t len;
  int err;

  st = &req->statbuf;
  memset(st, 0, sizeof(*st));

  /* GetFileType reports failure only through the last error. */
  SetLastError(NO_ERROR);
  switch (GetFileType(h)) {
    case FILE_TYPE_DISK:
      break;
    case FILE_TYPE_CHAR:
      st->st_mode = _S_IFCHR | 0666;
      st->st_nlink = 1;
      req->ptr = st;
      return 0;
    case FILE_TYPE_PIPE:
      st->st_mode = _S_IFIFO | 0666;
      st->st_nlink = 1;
      req->ptr = st;
      return 0;
    default:
      if (GetLastError() != NO_ERROR)
        return uv__fs_error(req, GetLastError());
      st->st_nlink = 1;
      req->ptr = st;
      return 0;
  }

  if (!GetFileInformationByHandle(h, &info) ||
      !GetFileInformationByHandleEx(h, FileBasicInfo, &basic,
                                    sizeof(basic)) ||
      !GetFileInformationByHandleEx(h, FileStandardInfo, &std, sizeof(std)))
    return uv__fs_error(req, GetLastError());

  st->st_dev = info.dwVolumeSerialNumber;
  st->st_ino = ((uint64_t) info.nFileIndexHigh << 32) | info.nFileIndexLow;
  st->st_nlink = info.nNumberOfLinks;
  st->st_size = ((uint64_t) info.nFileSizeHigh << 32) | info.nFileSizeLow;
  st->st_blksize = 4096;
  st->st_blocks = ((uint64_t) std.AllocationSize.QuadPart + 511) / 512;
  uv__fs_timespec(&st->st_atim, basic.LastAccessTime);
  uv__fs_timespec(&st->st_mtim, basic.LastWriteTime);
  uv__fs_timespec(&st->st_ctim, basic.ChangeTime);
  uv__fs_timespec(&st->st_birthtim, basic.CreationTime);

  perm = (basic.FileAttributes & FILE_ATTRIBUTE_READONLY) ? 0444 : 0666;
  if (basic.FileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
    st->st_mode = _S_IFDIR | perm | 0111;
    st->st_size = 0;
  } else {
    st->st_mode = _S_IFREG | perm;
  }

  if (is_lstat && (basic.FileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) &&
      GetFileInformationByHandleEx(h, FileAttributeTagInfo, &tag,
                                   sizeof(tag)) &&
      uv__fs_is_link_tag(tag.ReparseTag)) {
    err = uv__fs_readlink_handle(req, h, &target, &len);
    if (err == 0) {
      uv__free(target);
      st->st_mode = S_IFLNK | 0777;
      st->st_size = len;
    }
  }

  req->ptr = st;
  return 0;
}

ssize_t uv__fs_do_stat(uv_fs_t* req) {
  WCHAR* path;
  DWORD flags;
  HANDLE h;
  ssize_t r;
  int err;

  if (req->fs_type == UV_FS_FSTAT) {
    h = uv__fs_fd_handle(req->priv.file);
    if (h == INVALID_HANDLE_VALUE)
      return uv__fs_badf(req);
    return uv__fs_stat_handle(req, h, 0);
  }

  err = uv__fs_wide_path(req->path, &path);
  if (err)
    return err;
  flags = FILE_FLAG_BACKUP_SEMANTICS;
  if (req->fs_type == UV_FS_LSTAT)
    flags |= FILE_FLAG_OPEN_REPARSE_POINT;
  /* No access rights needed: attributes can be read through any handle. */
  h = CreateFileW(path, FILE_READ_ATTRIBUTES,
                  FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                  NULL, OPEN_EXISTING, flags, NULL);
  uv__free(path);
  if (h == INVALID_HANDLE_VALUE)
    return uv__fs_error(req, GetLastError());
  r = uv__fs_stat_handle(req, h, req->fs_type == UV_FS_LSTAT);
  CloseHandle(h);
  return r;
}

ssize_t uv__fs_do_statfs(uv_fs_t* req) {
  ULARGE_INTEGER avail;
  DWORD sectors_per_cluster;
  DWORD bytes_per_sector;
  DWORD free_clusters;
  DWORD total_clusters;
  uv_statfs_t* out;
  WCHAR* path;
  WCHAR* root;
  DWORD attrs;
  DWORD n;
  int err;

  err = uv__fs_wide_path(req->path, &path);
  if (err)
    return err;
  /* GetVolumePathNameW answers for paths that do not exist; statfs(2)
   * does not. */
  attrs = GetFileAttributesW(path);
  if (attrs == INVALID_FILE_ATTRIBUTES) {
    uv__free(path);
    return uv__fs_error(req, GetLastError());
  }
  n = (DWORD) wcslen(path) + 2;
  root = uv__malloc(n * sizeof(*root));
  if (root == NULL) {
    uv__free(path);
    return UV_ENOMEM;
  }
  if (!GetVolumePathNameW(path, root, n) ||
      !GetDiskFreeSpaceW(root, &sectors_per_cluster, &bytes_per_sector,
                         &free_clusters, &total_clusters) ||
      !GetDiskFreeSpaceExW(root, &avail, NULL, NULL)) {
    err = uv__fs_error(req, GetLastError());
    uv__free(root);
    uv__free(path);
    return err;
  }
  uv__free(root);
  uv__free(path);

  out = uv__calloc(1, sizeof(*out));
  if (out == NULL)
    return UV_ENOMEM;
  out->f_bsize = (uint64_t) sectors_per_cluster * bytes_per_sector;
  out->f_frsize = out->f_bsize;
  out->f_blocks = total_clusters;
  out->f_bfree = free_clusters;
  out->f_bavail = out->f_bsize ? avail.QuadPart / out->f_bsize : 0;
  req->ptr = out;
  return 0;
}
