/* uvcore — what the parts of the Windows file system code share.
 *
 * ../fs-req.c owns the request life cycle; fs.c runs the operations that
 * are one or two Win32 calls and dispatches the rest to fs-stat.c (stat,
 * statfs), fs-link.c (symlink, readlink, realpath), fs-dir.c (scandir,
 * opendir/readdir/closedir) and fs-copy.c (copyfile, sendfile).  Every
 * uv__fs_do_* runs on the caller's thread or a pool thread and returns what
 * becomes req->result; a failure that came from Win32 goes through
 * uv__fs_error(), which also keeps the raw code for
 * uv_fs_get_system_error().
 */
#ifndef UV_SRC_WIN_FS_H
#define UV_SRC_WIN_FS_H

#include "internal.h"
#include "../fs-req.h"

#include <winioctl.h>

/* Seconds between 1601-01-01 (FILETIME) and 1970-01-01, in 100 ns ticks. */
#define UV__FILETIME_UNIX_EPOCH 116444736000000000LL

/* Records err as the request's system error; returns it as a UV_E* code. */
int uv__fs_error(uv_fs_t* req, DWORD err);

/* A descriptor that names no handle: UV_EBADF, with the Win32 error a
 * system call would have given for it. */
static inline int uv__fs_badf(uv_fs_t* req) {
  req->priv.sys_errno = ERROR_INVALID_HANDLE;
  return UV_EBADF;
}

/* UTF-8 path -> new UTF-16 path the system accepts whatever its length:
 * long paths get the \\?\ prefix (and so are made absolute first). */
int uv__fs_wide_path(const char* path, WCHAR** out);

/* The HANDLE behind a CRT descriptor, or INVALID_HANDLE_VALUE. */
HANDLE uv__fs_fd_handle(uv_file fd);

/* One ReadFile or WriteFile (write != 0) at off, or at the file position
 * when off < 0; a positional transfer moves the file pointer too (see
 * uv__fs_tell).  The Win32 result; GetLastError() tells why not. */
BOOL uv__fs_io(HANDLE h, int write, char* base, DWORD len, int64_t off,
               DWORD* n);

/* The file position, for putting it back after positional transfers. */
int uv__fs_tell(HANDLE h, LARGE_INTEGER* pos);

/* Reads the target of a symbolic link or junction the handle (opened with
 * FILE_FLAG_OPEN_REPARSE_POINT) names, as UTF-8 in *out (uv__malloc) and
 * its length in *len.  UV_EINVAL when it is not a link. */
int uv__fs_readlink_handle(uv_fs_t* req, HANDLE h, char** out, size_t* len);

ssize_t uv__fs_do_stat(uv_fs_t* req);
ssize_t uv__fs_do_statfs(uv_fs_t* req);

ssize_t uv__fs_do_symlink(uv_fs_t* req);
ssize_t uv__fs_do_readlink(uv_fs_t* req);
ssize_t uv__fs_do_realpath(uv_fs_t* req);

ssize_t uv__fs_do_scandir(uv_fs_t* req);
ssize_t uv__fs_do_opendir(uv_fs_t* req);
ssize_t uv__fs_do_readdir(uv_fs_t* req);
ssize_t uv__fs_do_closedir(uv_fs_t* req);

ssize_t uv__fs_do_copyfile(uv_fs_t* req);
ssize_t uv__fs_do_sendfile(uv_fs_t* req);

#endif /* UV_SRC_WIN_FS_H */
