/* uvcore — moving bytes on Windows: uv_fs_copyfile() and uv_fs_sendfile().
 *
 * copyfile is CopyFileW, which also copies the attributes (the read-only
 * bit is Windows' whole mode).  Windows has no clone request for ordinary
 * volumes: UV_FS_COPYFILE_FICLONE copies, and FICLONE_FORCE fails with
 * UV_ENOSYS, as in libuv.  CopyFileW fails on a copy onto the source
 * itself (a sharing violation); POSIX cp-like semantics make that a no-op,
 * so the two files' identities are compared first.
 *
 * sendfile has no Windows counterpart for files (TransmitFile wants a
 * socket): it is a read/write loop through a 64 KiB buffer.  Reading at an
 * offset leaves the input's file position alone, as sendfile(2) does.
 */
#include "fs.h"

#define UV__SENDFILE_BUF ((DWORD) 64 * 1024)

/* Whether both names reach the same file (1), not (0), or an error. */
static int uv__fs_same_file(const WCHAR* a, const WCHAR* b) {
  BY_HANDLE_FILE_INFORMATION ia;
  BY_HANDLE_FILE_INFORMATION ib;
  HANDLE ha;
  HANDLE hb;
  int same;

  ha = CreateFileW(a, 0, FILE_SHARE_READ | FILE_SHARE_WRITE |
                   FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
                   FILE_FLAG_BACKUP_SEMANTICS, NULL);
  if (ha == INVALID_HANDLE_VALUE)
    return 0;
  hb = CreateFileW(b, 0, FILE_SHARE_READ | FILE_SHARE_WRITE |
                   FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
                   FILE_FLAG_BACKUP_SEMANTICS, NULL);
  if (hb == INVALID_HANDLE_VALUE) {
    CloseHandle(ha);
    return 0;
  }
  same = GetFileInformationByHandle(ha, &ia) &&
         GetFileInformationByHandle(hb, &ib) &&
         ia.dwVolumeSerialNumber == ib.dwVolumeSerialNumber &&
         ia.nFileIndexHigh == ib.nFileIndexHigh &&
         ia.nFileIndexLow == ib.nFileIndexLow;
  CloseHandle(ha);
  CloseHandle(hb);
  return same;
}

ssize_t uv__fs_do_copyfile(uv_fs_t* req) {
  WCHAR* src;
  WCHAR* dst;
  DWORD attrs;
  DWORD err;
  ssize_t r;

  if (req->priv.flags & UV_FS_COPYFILE_FICLONE_FORCE)
    return UV_ENOSYS;
  r = uv__fs_wide_path(req->path, &src);
  if (r)
    return r;
  r = uv__fs_wide_path(req->new_path, &dst);
  if (r) {
    uv__free(src);
    return r;
  }

  attrs = GetFileAttributesW(src);
  if (attrs == INVALID_FILE_ATTRIBUTES) {
    r = uv__fs_error(req, GetLastError());
  } else if (attrs & FILE_ATTRIBUTE_DIRECTORY) {
    r = UV_EISDIR;
  } else if (uv__fs_same_file(src, dst)) {
    r = (req->priv.flags & UV_FS_COPYFILE_EXCL) ? UV_EEXIST : 0;
  } else if (!CopyFileW(src, dst,
                        (req->priv.flags & UV_FS_COPYFILE_EXCL) != 0)) {
    err = GetLastError();
    attrs = GetFileAttributesW(dst);
    if (err == ERROR_ACCESS_DENIED && attrs != INVALID_FILE_ATTRIBUTES &&
        (attrs & FILE_ATTRIBUTE_DIRECTORY)) {
      req->priv.sys_errno = err;
      r = UV_EISDIR;
    } else {
      r = uv__fs_error(req, err);
    }
  }
  uv__free(src);
  uv__free(dst);
  return r;
}

ssize_t uv__fs_do_sendfile(uv_fs_t* req) {
  LARGE_INTEGER pos;
  HANDLE in;
  HANDLE out;
  size_t total;
  int64_t off;
  DWORD want;
  DWORD got;
  DWORD put;
  DWORD done;
  DWORD err;
  char* buf;
  int restore;
  int r;

  out = uv__fs_fd_handle(req->priv.file);
  in = uv__fs_fd_handle(req->priv.file2);
  if (out == INVALID_HANDLE_VALUE || in == INVALID_HANDLE_VALUE)
    return uv__fs_badf(req);
  if (req->priv.len == 0)
    return 0;
  buf = uv__malloc(UV__SENDFILE_BUF);
  if (buf == NULL)
    return UV_ENOMEM;

  off = req->priv.off;
  restore = off >= 0 && uv__fs_tell(in, &pos);
  total = 0;
  r = 0;
  while (total < req->priv.len) {
    want = UV__SENDFILE_BUF;
    if (req->priv.len - total < want)
      want = (DWORD) (req->priv.len - total);
    if (!uv__fs_io(in, 0, buf, want, off >= 0 ? off + (int64_t) total : -1,
                   &got)) {
      err = GetLastError();
      if (err != ERROR_HANDLE_EOF && err != ERROR_BROKEN_PIPE)
        r = uv__fs_error(req, err);
      break;
    }
    if (got == 0)
      break;
    for (done = 0; done < got; done += put) {
      if (!uv__fs_io(out, 1, buf + done, got - done, -1, &put)) {
        r = uv__fs_error(req, GetLastError());
        break;
      }
      if (put == 0) {
        r = UV_EIO;
        break;
      }
    }
    total += done;
    if (r)
      break;
  }

  if (restore)
    SetFilePointerEx(in, pos, NULL, FILE_BEGIN);
  uv__free(buf);
  /* Bytes already moved are reported; the error is lost, as with a short
   * sendfile(2). */
  if (r && total == 0)
    return r;
  return (ssize_t) total;
}
