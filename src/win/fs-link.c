/* uvcore — links on Windows: uv_fs_symlink(), readlink() and realpath().
 *
 * Windows has two kinds of directory link: symbolic links (which need the
 * SeCreateSymbolicLinkPrivilege unless Developer Mode is on and the
 * ALLOW_UNPRIVILEGED_CREATE flag is passed; older systems reject that flag
 * as an invalid parameter) and junctions, which anyone may create but
 * which have no creation call: the reparse point is written with
 * FSCTL_SET_REPARSE_POINT into an empty directory.  Both store their target
 * as an NT path ("\??\C:\..." or "\??\UNC\server\..."); readlink gives it
 * back in the form a Win32 program would have written.  The SDK's user-mode
 * headers do not declare the reparse buffer, so it is declared here.
 */
#include "fs.h"

#include <string.h>

#ifndef SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE
# define SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE 0x2
#endif

/* The symbolic-link and mount-point forms of REPARSE_DATA_BUFFER; offsets
 * and lengths are in bytes, into path. */
struct uv__reparse_buf {
  ULONG tag;
  USHORT data_len;
  USHORT reserved;
  USHORT subst_off;
  USHORT subst_len;
  USHORT print_off;
  USHORT print_len;
  union {
    struct {
      ULONG flags;                 /* 1: relative target */
      WCHAR path[1];
    } symlink;
    struct {
      WCHAR path[1];
    } mount;
  } u;
};

/* Bytes of the header that ReparseDataLength does not count. */
#define UV__REPARSE_HEADER 8

/* ---- readlink ------------------------------------------------------------ */

int uv__fs_readlink_handle(uv_fs_t* req, HANDLE h, char** out, size_t* len) {
  struct uv__reparse_buf* rb;
  WCHAR* target;
  WCHAR* path;
  DWORD got;
  int n;
  int err;

  rb = uv__malloc(MAXIMUM_REPARSE_DATA_BUFFER_SIZE);
  if (rb == NULL)
    return UV_ENOMEM;
  if (!DeviceIoControl(h, FSCTL_GET_REPARSE_POINT, NULL, 0, rb,
                       MAXIMUM_REPARSE_DATA_BUFFER_SIZE, &got, NULL)) {
    err = GetLastError() == ERROR_NOT_A_REPARSE_POINT
              ? UV_EINVAL
              : uv__fs_error(req, GetLastError());
    uv__free(rb);
    return err;
  }

  if (rb->tag == IO_REPARSE_TAG_SYMLINK)
    path = rb->u.symlink.path;
  else if (rb->tag == IO_REPARSE_TAG_MOUNT_POINT)
    path = rb->u.mount.path;
  else {
    uv__free(rb);
    return UV_EINVAL;  /* some other kind of reparse point */
  }
  target = path + rb->subst_off / sizeof(WCHAR);
  n = rb->subst_len / sizeof(WCHAR);

  /* "\??\C:\x" -> "C:\x", "\??\UNC\srv\x" -> "\\srv\x"; relative
   * symlink targets come back as they were given. */
  if (n >= 4 && wcsncmp(target, L"\\??\\", 4) == 0) {
    target += 4;
    n -= 4;
    if (n >= 4 && wcsncmp(target, L"UNC\\", 4) == 0) {
      target += 2;
      n -= 2;
      target[0] = L'\\';
    }
  }
  err = uv__utf8_from_wide(target, n, out, len);
  uv__free(rb);
  return err;
}

static HANDLE uv__fs_open_link(uv_fs_t* req, int* err) {
  WCHAR* path;
  HANDLE h;

  *err = uv__fs_wide_path(req->path, &path);
  if (*err)
    return INVALID_HANDLE_VALUE;
  h = CreateFileW(path, 0,
                  FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                  NULL, OPEN_EXISTING,
                  FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS,
                  NULL);
  uv__free(path);
  if (h == INVALID_HANDLE_VALUE)
    *err = uv__fs_error(req, GetLastError());
  return h;
}

ssize_t uv__fs_do_readlink(uv_fs_t* req) {
  char* target;
  HANDLE h;
  int err;

  h = uv__fs_open_link(req, &err);
  if (h == INVALID_HANDLE_VALUE)
    return err;
  err = uv__fs_readlink_handle(req, h, &target, NULL);
  CloseHandle(h);
  if (err)
    return err;
  req->ptr = target;
  return 0;
}

/* ---- realpath ------------------------------------------------------------ */

ssize_t uv__fs_do_realpath(uv_fs_t* req) {
  WCHAR* path;
  WCHAR* buf;
  WCHAR* p;
  HANDLE h;
  DWORD n;
  int err;

  err = uv__fs_wide_path(req->path, &path);
  if (err)
    return err;
  h = CreateFileW(path, 0,
                  FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                  NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
  uv__free(path);
  if (h == INVALID_HANDLE_VALUE)
    return uv__fs_error(req, GetLastError());

  buf = NULL;
  n = GetFinalPathNameByHandleW(h, NULL, 0, VOLUME_NAME_DOS);
  if (n != 0) {
    buf = uv__malloc((n + 1) * sizeof(*buf));
    if (buf == NULL) {
      CloseHandle(h);
      return UV_ENOMEM;
    }
    n = GetFinalPathNameByHandleW(h, buf, n + 1, VOLUME_NAME_DOS);
  }
  if (n == 0) {
    /* Wine (8.x) answers ERROR_MORE_DATA, whatever the buffer, for paths
     * longer than MAX_PATH. */
    if (GetLastError() == ERROR_MORE_DATA) {
      req->priv.sys_errno = ERROR_MORE_DATA;
      err = UV_ENAMETOOLONG;
    } else {
      err = uv__fs_error(req, GetLastError());
    }
    CloseHandle(h);
    uv__free(buf);
    return err;
  }
  CloseHandle(h);

  /* The answer always has the \\?\ prefix; programs expect a path without
   * it ("C:\x", "\\srv\share\x"). */
  p = buf;
  if (wcsncmp(p, L"\\\\?\\UNC\\", 8) == 0) {
    p += 6;
    p[0] = L'\\';
  } else if (wcsncmp(p, L"\\\\?\\", 4) == 0) {
    p += 4;
  }
  err = uv__utf8_from_wide(p, -1, (char**) &req->ptr, NULL);
  uv__free(buf);
  return err;
}

/* ---- symlink ------------------------------------------------------------- */

/* Writes a junction to target (made absolute) into the new, empty
 * directory link. */
static ssize_t uv__fs_junction(uv_fs_t* req, const WCHAR* target,
                               const WCHAR* link) {
  struct uv__reparse_buf* rb;
  WCHAR* full;
  size_t flen;
  size_t size;
  DWORD n;
  DWORD err;
  HANDLE h;
  WCHAR* p;

  n = GetFullPathNameW(target, 0, NULL, NULL);
  if (n == 0)
    return uv__fs_error(req, GetLastError());
  full = uv__malloc(n * sizeof(*full));
  if (full == NULL)
    return UV_ENOMEM;
  n = GetFullPathNameW(target, n, full, NULL);
  if (n == 0) {
    uv__free(full);
    return uv__fs_error(req, GetLastError());
  }
  for (p = full; *p != L'\0'; p++)
    if (*p == L'/')
      *p = L'\\';
  flen = wcslen(full);
  /* Substitute name "\??\<full>" and print name "<full>", each NUL
   * terminated (not counted in the lengths). */
  size = offsetof(struct uv__reparse_buf, u.mount.path) +
         (4 + flen + 1 + flen + 1) * sizeof(WCHAR);
  if (size > MAXIMUM_REPARSE_DATA_BUFFER_SIZE) {
    uv__free(full);
    return UV_ENAMETOOLONG;
  }
  rb = uv__calloc(1, size);
  if (rb == NULL) {
    uv__free(full);
    return UV_ENOMEM;
  }
  rb->tag = IO_REPARSE_TAG_MOUNT_POINT;
  rb->data_len = (USHORT) (size - UV__REPARSE_HEADER);
  rb->subst_off = 0;
  rb->subst_len = (USHORT) ((4 + flen) * sizeof(WCHAR));
  rb->print_off = (USHORT) ((4 + flen + 1) * sizeof(WCHAR));
  rb->print_len = (USHORT) (flen * sizeof(WCHAR));
  memcpy(rb->u.mount.path, L"\\??\\", 4 * sizeof(WCHAR));
  memcpy(rb->u.mount.path + 4, full, flen * sizeof(WCHAR));
  memcpy(rb->u.mount.path + 4 + flen + 1, full, flen * sizeof(WCHAR));
  uv__free(full);

  if (!CreateDirectoryW(link, NULL)) {
    uv__free(rb);
    return uv__fs_error(req, GetLastError());
  }
  h = CreateFileW(link, GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                  FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS,
                  NULL);
  err = NO_ERROR;
  if (h == INVALID_HANDLE_VALUE) {
    err = GetLastError();
  } else {
    if (!DeviceIoControl(h, FSCTL_SET_REPARSE_POINT, rb, (DWORD) size, NULL,
                         0, &n, NULL))
      err = GetLastError();
    CloseHandle(h);
  }
  uv__free(rb);
  if (err != NO_ERROR) {
    RemoveDirectoryW(link);
    return uv__fs_error(req, err);
  }
  return 0;
}

static ssize_t uv__fs_symlink(uv_fs_t* req, const WCHAR* target,
                              const WCHAR* link) {
  DWORD flags;
  DWORD err;

  flags = SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE;
  if (req->priv.flags & UV_FS_SYMLINK_DIR)
    flags |= SYMBOLIC_LINK_FLAG_DIRECTORY;
  if (CreateSymbolicLinkW(link, target, flags)) {
    err = NO_ERROR;
  } else {
    err = GetLastError();
    if (err == ERROR_INVALID_PARAMETER) {
      flags &= ~(DWORD) SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE;
      err = CreateSymbolicLinkW(link, target, flags) ? NO_ERROR
                                                     : GetLastError();
    }
  }
  /* Wine (8.x) answers success without creating anything.  The link's
   * own attributes exist even when it dangles, so this is a safe test. */
  if (err == NO_ERROR && GetFileAttributesW(link) == INVALID_FILE_ATTRIBUTES)
    err = ERROR_NOT_SUPPORTED;
  if (err == NO_ERROR)
    return 0;
  if (err == ERROR_PRIVILEGE_NOT_HELD) {
    /* Neither the privilege nor Developer Mode. */
    req->priv.sys_errno = err;
    return UV_EPERM;
  }
  return uv__fs_error(req, err);
}

ssize_t uv__fs_do_symlink(uv_fs_t* req) {
  WCHAR* target;
  WCHAR* link;
  WCHAR* p;
  ssize_t r;

  /* The target is stored as given (a relative one stays relative), so it
   * gets no \\?\ treatment. */
  r = uv__wide_from_utf8(req->path, &target);
  if (r)
    return r;
  r = uv__fs_wide_path(req->new_path, &link);
  if (r) {
    uv__free(target);
    return r;
  }
  for (p = target; *p != L'\0'; p++)
    if (*p == L'/')
      *p = L'\\';
  if (req->priv.flags & UV_FS_SYMLINK_JUNCTION)
    r = uv__fs_junction(req, target, link);
  else
    r = uv__fs_symlink(req, target, link);
  uv__free(target);
  uv__free(link);
  return r;
}
