/* uvcore — file system operations on Windows that are one or two Win32
 * calls each, and the dispatch ../fs-req.c calls (uv__fs_run).
 *
 * Traps this file copes with:
 * - Files are opened with FILE_SHARE_READ | WRITE | DELETE, so that, as on
 *   Unix, an open file can be renamed or deleted; FILE_FLAG_BACKUP_SEMANTICS
 *   lets uv_fs_open() open directories (for fstat and fsync).
 * - ReadFile/WriteFile at an offset on a synchronous handle move the file
 *   pointer; pread/pwrite must not, so the position is put back.  (Not
 *   atomically: positional and current-position requests racing on one
 *   descriptor can leave the pointer off, as in libuv.)
 * - A handle opened for reading only answers ERROR_ACCESS_DENIED to a
 *   write (and the reverse); POSIX says EBADF.  Reading a directory handle
 *   fails with ERROR_INVALID_FUNCTION; POSIX says EISDIR.
 * - DeleteFileW refuses read-only files and directory links, and leaves
 *   the name of a file others hold open until they close it.  unlink asks
 *   for POSIX delete semantics first (Windows 10), then falls back to
 *   DeleteFileW, clearing the read-only bit (restored if the delete still
 *   fails); directory links go with RemoveDirectoryW.
 * - Paths of MAX_PATH characters or more need the \\?\ prefix, which in
 *   turn takes only absolute paths with backslashes.
 */
#include "fs.h"

#include <io.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers shared by the fs*.c files ---------------------------------- */

/* Whether a missing path is missing because one of its directories is a
 * file: POSIX says ENOTDIR, Windows ERROR_PATH_NOT_FOUND. */
static int uv__fs_parent_is_file(const char* path) {
  WCHAR* w;
  WCHAR* end;
  DWORD attrs;
  int r;

  if (path == NULL || uv__fs_wide_path(path, &w) != 0)
    return 0;
  r = 0;
  for (;;) {
    end = w + wcslen(w);
    while (end > w && end[-1] != L'\\' && end[-1] != L'/')
      end--;
    while (end > w && (end[-1] == L'\\' || end[-1] == L'/'))
      end--;
    if (end == w || end[-1] == L':' || end[-1] == L'?')
      break;
    *end = L'\0';
    attrs = GetFileAttributesW(w);
    if (attrs != INVALID_FILE_ATTRIBUTES) {
      r = !(attrs & FILE_ATTRIBUTE_DIRECTORY);
      break;
    }
  }
  uv__free(w);
  return r;
}

int uv__fs_error(uv_fs_t* req, DWORD err) {
  req->priv.sys_errno = err;
  if (err == ERROR_PATH_NOT_FOUND && (uv__fs_parent_is_file(req->path) ||
                                      uv__fs_parent_is_file(req->new_path)))
    return UV_ENOTDIR;
  return uv_translate_sys_error((int) err);
}

static int uv__fs_last_error(uv_fs_t* req) {
  return uv__fs_error(req, GetLastError());
}

HANDLE uv__fs_fd_handle(uv_file fd) {
  intptr_t h;

  if (fd < 0)
    return INVALID_HANDLE_VALUE;
  h = _get_osfhandle(fd);
  return (HANDLE) h;
}

/* The limit below which every API takes a plain path; CreateDirectoryW
 * stops 12 characters short of MAX_PATH (room for an 8.3 name). */
#define UV__FS_SHORT_PATH (MAX_PATH - 12)

int uv__fs_wide_path(const char* path, WCHAR** out) {
  WCHAR* w;
  WCHAR* full;
  WCHAR* res;
  const WCHAR* prefix;
  const WCHAR* rest;
  size_t plen;
  DWORD n;
  int err;

  err = uv__wide_from_utf8(path, &w);
  if (err)
    return err;
  if (wcslen(w) < UV__FS_SHORT_PATH || wcsncmp(w, L"\\\\?\\", 4) == 0) {
    *out = w;
    return 0;
  }

  /* \\?\ turns off all normalisation: make it absolute and canonical. */
  full = NULL;
  n = GetFullPathNameW(w, 0, NULL, NULL);
  if (n != 0) {
    full = uv__malloc(n * sizeof(*full));
    if (full == NULL) {
      uv__free(w);
      return UV_ENOMEM;
    }
    n = GetFullPathNameW(w, n, full, NULL);
  }
  uv__free(w);
  if (n == 0) {
    err = uv_translate_sys_error((int) GetLastError());
    uv__free(full);
    return err;
  }
  if (full[0] == L'\\' && full[1] == L'\\') {
    prefix = L"\\\\?\\UNC";     /* \\server\share -> \\?\UNC\server\share */
    rest = full + 1;
  } else {
    prefix = L"\\\\?\\";
    rest = full;
  }
  plen = wcslen(prefix);
  res = uv__malloc((plen + wcslen(rest) + 1) * sizeof(*res));
  if (res == NULL) {
    uv__free(full);
    return UV_ENOMEM;
  }
  memcpy(res, prefix, plen * sizeof(*res));
  memcpy(res + plen, rest, (wcslen(rest) + 1) * sizeof(*res));
  uv__free(full);
  *out = res;
  return 0;
}

/* ---- open and close ----------------------------------------------------- */

static ssize_t uv__fs_open(uv_fs_t* req, const WCHAR* path) {
  FILE_BASIC_INFO basic;
  DWORD access;
  DWORD share;
  DWORD disposition;
  DWORD attrs;
  DWORD err;
  HANDLE h;
  int flags;
  int fd;

  flags = req->priv.flags;
  switch (flags & (UV_FS_O_RDONLY | UV_FS_O_WRONLY | UV_FS_O_RDWR)) {
    case UV_FS_O_RDONLY:
      access = FILE_GENERIC_READ;
      break;
    case UV_FS_O_WRONLY:
      access = FILE_GENERIC_WRITE;
      break;
    case UV_FS_O_RDWR:
      access = FILE_GENERIC_READ | FILE_GENERIC_WRITE;
      break;
    default:
      return UV_EINVAL;
  }
  /* Append-only access makes every write land at the end, whatever the
   * offset, which is what O_APPEND promises. */
  if ((flags & UV_FS_O_APPEND) && (access & FILE_WRITE_DATA))
    access &= ~(DWORD) FILE_WRITE_DATA;  /* FILE_APPEND_DATA stays */
  /* fchmod and futime work on any descriptor on Unix. */
  access |= FILE_READ_ATTRIBUTES | FILE_WRITE_ATTRIBUTES;

  share = (flags & UV_FS_O_EXLOCK)
              ? 0
              : FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;

  switch (flags & (UV_FS_O_CREAT | UV_FS_O_EXCL | UV_FS_O_TRUNC)) {
    case 0:
    case UV_FS_O_EXCL:
      disposition = OPEN_EXISTING;
      break;
    case UV_FS_O_CREAT:
      disposition = OPEN_ALWAYS;
      break;
    case UV_FS_O_CREAT | UV_FS_O_EXCL:
    case UV_FS_O_CREAT | UV_FS_O_TRUNC | UV_FS_O_EXCL:
      disposition = CREATE_NEW;
      break;
    case UV_FS_O_TRUNC:
    case UV_FS_O_TRUNC | UV_FS_O_EXCL:
      disposition = TRUNCATE_EXISTING;
      break;
    default:  /* CREAT | TRUNC */
      disposition = CREATE_ALWAYS;
      break;
  }

  attrs = FILE_ATTRIBUTE_NORMAL | FILE_FLAG_BACKUP_SEMANTICS;
  if ((flags & UV_FS_O_CREAT) && !(req->priv.mode & _S_IWRITE))
    attrs |= FILE_ATTRIBUTE_READONLY;
  if (flags & UV_FS_O_TEMPORARY) {
    attrs |= FILE_FLAG_DELETE_ON_CLOSE;
    access |= DELETE;
  }
  if (flags & UV_FS_O_SHORT_LIVED)
    attrs |= FILE_ATTRIBUTE_TEMPORARY;
  if (flags & UV_FS_O_SEQUENTIAL)
    attrs |= FILE_FLAG_SEQUENTIAL_SCAN;
  else if (flags & UV_FS_O_RANDOM)
    attrs |= FILE_FLAG_RANDOM_ACCESS;
  if (flags & UV_FS_O_DIRECT)
    attrs |= FILE_FLAG_NO_BUFFERING;
  if (flags & (UV_FS_O_DSYNC | UV_FS_O_SYNC))
    attrs |= FILE_FLAG_WRITE_THROUGH;

  h = CreateFileW(path, access, share, NULL, disposition, attrs, NULL);
  if (h == INVALID_HANDLE_VALUE && GetLastError() == ERROR_ACCESS_DENIED) {
    /* An ACL may grant the data access but not attribute writes. */
    access &= ~(DWORD) FILE_WRITE_ATTRIBUTES;
    h = CreateFileW(path, access, share, NULL, disposition, attrs, NULL);
  }
  if (h == INVALID_HANDLE_VALUE) {
    err = GetLastError();
    /* Creating or truncating a directory that exists: EISDIR in POSIX
     * terms. */
    if (err == ERROR_ACCESS_DENIED) {
      attrs = GetFileAttributesW(path);
      if (attrs != INVALID_FILE_ATTRIBUTES &&
          (attrs & FILE_ATTRIBUTE_DIRECTORY)) {
        req->priv.sys_errno = err;
        return UV_EISDIR;
      }
    }
    return uv__fs_error(req, err);
  }

  /* FILE_FLAG_BACKUP_SEMANTICS opens directories for writing too (their
   * attributes and times); open(2) says EISDIR. */
  if ((access & (FILE_WRITE_DATA | FILE_APPEND_DATA)) &&
      GetFileInformationByHandleEx(h, FileBasicInfo, &basic,
                                   sizeof(basic)) &&
      (basic.FileAttributes & FILE_ATTRIBUTE_DIRECTORY)) {
    CloseHandle(h);
    return UV_EISDIR;
  }

  fd = _open_osfhandle((intptr_t) h, _O_BINARY | (flags & (UV_FS_O_RDONLY |
                                                          UV_FS_O_WRONLY |
                                                          UV_FS_O_RDWR)));
  if (fd < 0) {
    CloseHandle(h);
    return UV_EMFILE;
  }
  return fd;
}

static ssize_t uv__fs_close(uv_fs_t* req) {
  if (uv__fs_fd_handle(req->priv.file) == INVALID_HANDLE_VALUE)
    return uv__fs_badf(req);
  /* _close() closes the handle too. */
  if (_close(req->priv.file) != 0)
    return uv__fs_badf(req);
  return 0;
}

/* ---- reading and writing ------------------------------------------------ */

/* Read and write errors in POSIX terms (see the top of the file). */
static int uv__fs_rw_error(uv_fs_t* req, DWORD err) {
  req->priv.sys_errno = err;
  if (err == ERROR_ACCESS_DENIED)
    return uv__fs_badf(req);
  if (err == ERROR_INVALID_FUNCTION)
    return UV_EISDIR;
  return uv_translate_sys_error((int) err);
}

BOOL uv__fs_io(HANDLE h, int write, char* base, DWORD len, int64_t off,
               DWORD* n) {
  OVERLAPPED ov;
  OVERLAPPED* at;

  at = NULL;
  if (off >= 0) {
    memset(&ov, 0, sizeof(ov));
    ov.Offset = (DWORD) ((uint64_t) off & 0xFFFFFFFF);
    ov.OffsetHigh = (DWORD) ((uint64_t) off >> 32);
    at = &ov;
  }
  if (write)
    return WriteFile(h, base, len, n, at);
  return ReadFile(h, base, len, n, at);
}

int uv__fs_tell(HANDLE h, LARGE_INTEGER* pos) {
  LARGE_INTEGER zero;

  zero.QuadPart = 0;
  return SetFilePointerEx(h, zero, pos, FILE_CURRENT);
}

static ssize_t uv__fs_read(uv_fs_t* req) {
  LARGE_INTEGER pos;
  unsigned int i;
  int64_t off;
  ssize_t total;
  DWORD got;
  DWORD err;
  HANDLE h;
  int restore;

  h = uv__fs_fd_handle(req->priv.file);
  if (h == INVALID_HANDLE_VALUE)
    return uv__fs_badf(req);
  off = req->priv.off;
  restore = off >= 0 && uv__fs_tell(h, &pos);

  total = 0;
  for (i = 0; i < req->nbufs; i++) {
    if (!uv__fs_io(h, 0, req->bufs[i].base, req->bufs[i].len,
                   off >= 0 ? off + total : -1, &got)) {
      /* End of file (positional reads) and a closed pipe are end of input;
       * after some bytes, an error is left for the next read. */
      err = GetLastError();
      if (total == 0 && err != ERROR_HANDLE_EOF && err != ERROR_BROKEN_PIPE)
        total = uv__fs_rw_error(req, err);
      break;
    }
    total += got;
    if (got < req->bufs[i].len)
      break;
  }

  if (restore)
    SetFilePointerEx(h, pos, NULL, FILE_BEGIN);
  return total;
}

static ssize_t uv__fs_write(uv_fs_t* req) {
  LARGE_INTEGER pos;
  unsigned int i;
  int64_t off;
  ssize_t total;
  size_t done;
  DWORD put;
  HANDLE h;
  int restore;

  h = uv__fs_fd_handle(req->priv.file);
  if (h == INVALID_HANDLE_VALUE)
    return uv__fs_badf(req);
  off = req->priv.off;
  restore = off >= 0 && uv__fs_tell(h, &pos);

  total = 0;
  for (i = 0; i < req->nbufs; i++) {
    for (done = 0; done < req->bufs[i].len; done += put) {
      if (!uv__fs_io(h, 1, req->bufs[i].base + done,
                     (DWORD) (req->bufs[i].len - done),
                     off >= 0 ? off + total : -1, &put)) {
        /* Bytes already out are reported; the error is lost, as with a
         * short write(2). */
        if (total == 0)
          total = uv__fs_rw_error(req, GetLastError());
        goto out;
      }
      if (put == 0)
        goto out;
      total += put;
    }
  }

out:
  if (restore)
    SetFilePointerEx(h, pos, NULL, FILE_BEGIN);
  return total;
}

static ssize_t uv__fs_ftruncate(uv_fs_t* req) {
  FILE_END_OF_FILE_INFO eof;
  HANDLE h;

  h = uv__fs_fd_handle(req->priv.file);
  if (h == INVALID_HANDLE_VALUE)
    return uv__fs_badf(req);
  if (req->priv.off < 0)
    return UV_EINVAL;
  eof.EndOfFile.QuadPart = req->priv.off;
  if (!SetFileInformationByHandle(h, FileEndOfFileInfo, &eof, sizeof(eof))) {
    if (GetLastError() == ERROR_ACCESS_DENIED) {
      /* Not open for writing: EINVAL in ftruncate(2)'s terms. */
      req->priv.sys_errno = ERROR_ACCESS_DENIED;
      return UV_EINVAL;
    }
    return uv__fs_last_error(req);
  }
  return 0;
}

static ssize_t uv__fs_fsync(uv_fs_t* req) {
  HANDLE h;

  h = uv__fs_fd_handle(req->priv.file);
  if (h == INVALID_HANDLE_VALUE)
    return uv__fs_badf(req);
  if (!FlushFileBuffers(h)) {
    /* A handle without write access has nothing of its own to flush;
     * fsync(2) accepts such descriptors, and so do we. */
    if (GetLastError() == ERROR_ACCESS_DENIED)
      return 0;
    return uv__fs_last_error(req);
  }
  return 0;
}

/* ---- names -------------------------------------------------------------- */

/* FileDispositionInfoEx and its flags (Windows 10 1607+; ignoring the
 * read-only attribute from 1809).  The SDK names them only for newer
 * _WIN32_WINNT values than MinGW's default. */
#define UV__FILE_DISPOSITION_INFO_EX ((FILE_INFO_BY_HANDLE_CLASS) 21)
#define UV__DISPOSITION_DELETE 0x1
#define UV__DISPOSITION_POSIX_SEMANTICS 0x2
#define UV__DISPOSITION_IGNORE_READONLY 0x10

/* Deletes with POSIX semantics: the name goes at once even while others
 * hold the file open (DeleteFileW leaves it until the last close, and a
 * new file of that name cannot be created meanwhile).  0 when done; -1
 * when the system cannot (older Windows, FAT, Wine 8) or refuses, and the
 * classic path below then gives the answer. */
static int uv__fs_delete_posix(const WCHAR* path) {
  struct {
    DWORD flags;
  } info;
  HANDLE h;
  BOOL ok;

  h = CreateFileW(path, DELETE,
                  FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                  NULL, OPEN_EXISTING,
                  FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS,
                  NULL);
  if (h == INVALID_HANDLE_VALUE)
    return -1;
  info.flags = UV__DISPOSITION_DELETE | UV__DISPOSITION_POSIX_SEMANTICS |
               UV__DISPOSITION_IGNORE_READONLY;
  ok = SetFileInformationByHandle(h, UV__FILE_DISPOSITION_INFO_EX, &info,
                                  sizeof(info));
  CloseHandle(h);
  return ok ? 0 : -1;
}

static ssize_t uv__fs_unlink(uv_fs_t* req, const WCHAR* path) {
  DWORD attrs;
  DWORD err;

  attrs = GetFileAttributesW(path);
  if (attrs == INVALID_FILE_ATTRIBUTES)
    return uv__fs_last_error(req);
  if (attrs & FILE_ATTRIBUTE_DIRECTORY) {
    /* A symlink or junction to a directory is removed like a directory;
     * a real directory is not for unlink (EPERM, as on Linux: EISDIR). */
    if (!(attrs & FILE_ATTRIBUTE_REPARSE_POINT))
      return UV_EPERM;
    if (!RemoveDirectoryW(path))
      return uv__fs_last_error(req);
    return 0;
  }
  if (uv__fs_delete_posix(path) == 0 || DeleteFileW(path))
    return 0;
  err = GetLastError();
  if (err == ERROR_ACCESS_DENIED && (attrs & FILE_ATTRIBUTE_READONLY)) {
    /* POSIX lets anyone who may write the directory remove the file. */
    if (SetFileAttributesW(path, attrs & ~(DWORD) FILE_ATTRIBUTE_READONLY)) {
      if (DeleteFileW(path))
        return 0;
      err = GetLastError();
      SetFileAttributesW(path, attrs);
    }
  }
  return uv__fs_error(req, err);
}

static ssize_t uv__fs_rmdir(uv_fs_t* req, const WCHAR* path) {
  DWORD err;

  if (RemoveDirectoryW(path))
    return 0;
  err = GetLastError();
  if (err == ERROR_DIRECTORY) {
    req->priv.sys_errno = err;
    return UV_ENOTDIR;
  }
  return uv__fs_error(req, err);
}

static ssize_t uv__fs_mkdir(uv_fs_t* req, const WCHAR* path) {
  DWORD err;

  if (CreateDirectoryW(path, NULL))
    return 0;
  err = GetLastError();
  if (err == ERROR_INVALID_NAME || err == ERROR_DIRECTORY) {
    req->priv.sys_errno = err;
    return UV_EINVAL;
  }
  return uv__fs_error(req, err);
}

static ssize_t uv__fs_rename(uv_fs_t* req, const WCHAR* from,
                             const WCHAR* to) {
  DWORD from_attrs;
  DWORD to_attrs;

  if (MoveFileExW(from, to, MOVEFILE_REPLACE_EXISTING))
    return 0;
  if (GetLastError() == ERROR_ACCESS_DENIED) {
    /* rename(2) replaces an empty directory with a directory;
     * MoveFileExW never replaces a directory... */
    from_attrs = GetFileAttributesW(from);
    to_attrs = GetFileAttributesW(to);
    if (from_attrs != INVALID_FILE_ATTRIBUTES &&
        to_attrs != INVALID_FILE_ATTRIBUTES &&
        (from_attrs & to_attrs & FILE_ATTRIBUTE_DIRECTORY)) {
      if (!RemoveDirectoryW(to))
        return uv__fs_last_error(req);
      if (MoveFileExW(from, to, 0))
        return 0;
    } else if (to_attrs != INVALID_FILE_ATTRIBUTES &&
               (to_attrs & FILE_ATTRIBUTE_READONLY) &&
               !(to_attrs & FILE_ATTRIBUTE_DIRECTORY)) {
      /* Nor a read-only file, which rename(2) replaces like any other. */
      if (SetFileAttributesW(to,
                             to_attrs & ~(DWORD) FILE_ATTRIBUTE_READONLY)) {
        if (MoveFileExW(from, to, MOVEFILE_REPLACE_EXISTING))
          return 0;
        SetFileAttributesW(to, to_attrs);
      }
    }
    SetLastError(ERROR_ACCESS_DENIED);
  }
  return uv__fs_last_error(req);
}

/* ---- temporary names ---------------------------------------------------- */

/* Names need only be unlikely to collide (creation is exclusive and
 * retried), not unpredictable: a counter mixed with the clock. */
static uint64_t uv__fs_temp_bits(void) {
  static volatile LONG64 counter;
  LARGE_INTEGER now;
  uint64_t x;

  QueryPerformanceCounter(&now);
  x = (uint64_t) now.QuadPart ^
      ((uint64_t) InterlockedIncrement64(&counter) << 32) ^
      ((uint64_t) GetCurrentProcessId() << 16) ^ GetCurrentThreadId();
  /* splitmix64 finaliser */
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

/* Creates a directory (mkdtemp) or file (mkstemp) from req->path, whose
 * XXXXXX suffix is rewritten in place. */
static ssize_t uv__fs_mktemp(uv_fs_t* req) {
  static const char chars[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  char* path;
  char* x;
  WCHAR* w;
  HANDLE h;
  uint64_t bits;
  size_t len;
  DWORD err;
  int tries;
  int fd;
  int i;

  path = (char*) req->path;
  len = strlen(path);
  if (len < 6 || strcmp(path + len - 6, "XXXXXX") != 0) {
    err = ERROR_INVALID_PARAMETER;
    fd = UV_EINVAL;
    goto fail;
  }
  x = path + len - 6;

  for (tries = 0; tries < 100; tries++) {
    bits = uv__fs_temp_bits();
    for (i = 0; i < 6; i++, bits /= 62)
      x[i] = chars[bits % 62];
    fd = uv__fs_wide_path(path, &w);
    if (fd) {
      err = ERROR_OUTOFMEMORY;
      goto fail;
    }
    if (req->fs_type == UV_FS_MKDTEMP) {
      fd = CreateDirectoryW(w, NULL) ? 0 : -1;
    } else {
      h = CreateFileW(w, GENERIC_READ | GENERIC_WRITE,
                      FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                      NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
      fd = -1;
      if (h != INVALID_HANDLE_VALUE) {
        fd = _open_osfhandle((intptr_t) h, _O_RDWR | _O_BINARY);
        if (fd < 0) {
          CloseHandle(h);
          DeleteFileW(w);
          uv__free(w);
          err = ERROR_TOO_MANY_OPEN_FILES;
          fd = UV_EMFILE;
          goto fail;
        }
      }
    }
    err = GetLastError();
    uv__free(w);
    if (fd >= 0)
      return fd;
    if (err != ERROR_ALREADY_EXISTS && err != ERROR_FILE_EXISTS)
      break;
  }
  fd = uv__fs_error(req, err);

fail:
  req->priv.sys_errno = err;
  /* libuv leaves an empty path behind a failed mkstemp. */
  if (req->fs_type == UV_FS_MKSTEMP)
    path[0] = '\0';
  return fd;
}

/* ---- attributes and times ----------------------------------------------- */

/* access()'s W_OK, which MSVC's headers do not name. */
#define UV__FS_W_OK 2

static ssize_t uv__fs_access(uv_fs_t* req, const WCHAR* path) {
  DWORD attrs;

  /* F_OK, R_OK, W_OK and X_OK are the bits 0-2, as on Unix. */
  if (req->priv.flags & ~7)
    return UV_EINVAL;
  attrs = GetFileAttributesW(path);
  if (attrs == INVALID_FILE_ATTRIBUTES)
    return uv__fs_last_error(req);
  /* Only the read-only attribute can say no; directories ignore it. */
  if ((req->priv.flags & UV__FS_W_OK) && (attrs & FILE_ATTRIBUTE_READONLY) &&
      !(attrs & FILE_ATTRIBUTE_DIRECTORY))
    return UV_EPERM;
  return 0;
}

static DWORD uv__fs_mode_attrs(DWORD attrs, int mode) {
  if (mode & _S_IWRITE)
    return attrs & ~(DWORD) FILE_ATTRIBUTE_READONLY;
  return attrs | FILE_ATTRIBUTE_READONLY;
}

static ssize_t uv__fs_chmod(uv_fs_t* req, const WCHAR* path) {
  DWORD attrs;

  attrs = GetFileAttributesW(path);
  if (attrs == INVALID_FILE_ATTRIBUTES)
    return uv__fs_last_error(req);
  /* SetFileAttributesW treats 0 as "leave alone"; NORMAL means none. */
  attrs = uv__fs_mode_attrs(attrs, req->priv.mode);
  if (!SetFileAttributesW(path, attrs ? attrs : FILE_ATTRIBUTE_NORMAL))
    return uv__fs_last_error(req);
  return 0;
}

static ssize_t uv__fs_fchmod(uv_fs_t* req) {
  FILE_BASIC_INFO info;
  HANDLE h;

  h = uv__fs_fd_handle(req->priv.file);
  if (h == INVALID_HANDLE_VALUE)
    return uv__fs_badf(req);
  if (!GetFileInformationByHandleEx(h, FileBasicInfo, &info, sizeof(info)))
    return uv__fs_last_error(req);
  info.FileAttributes = uv__fs_mode_attrs(info.FileAttributes,
                                          req->priv.mode);
  if (info.FileAttributes == 0)
    info.FileAttributes = FILE_ATTRIBUTE_NORMAL;
  /* Zero times mean "unchanged". */
  info.CreationTime.QuadPart = 0;
  info.LastAccessTime.QuadPart = 0;
  info.LastWriteTime.QuadPart = 0;
  info.ChangeTime.QuadPart = 0;
  if (!SetFileInformationByHandle(h, FileBasicInfo, &info, sizeof(info)))
    return uv__fs_last_error(req);
  return 0;
}

/* UV_FS_UTIME_OMIT (NaN) gives 0: "leave alone"; UV_FS_UTIME_NOW
 * (+Inf) the current time; -1 for a time FILETIME cannot hold (before
 * 1601, or past the year 30827). */
static int uv__fs_filetime(double t, FILETIME* ft) {
  double whole;
  int64_t ticks;

  if (isnan(t))
    return 0;
  if (isinf(t)) {
    GetSystemTimeAsFileTime(ft);
    return 1;
  }
  whole = floor(t);
  if (whole < -11644473600.0 || whole > 910692730084.0)
    return -1;
  /* Whole seconds and the fraction apart, so no precision is lost. */
  ticks = (int64_t) whole * 10000000 +
          (int64_t) ((t - whole) * 1e7 + 0.5) + UV__FILETIME_UNIX_EPOCH;
  ft->dwLowDateTime = (DWORD) ((uint64_t) ticks & 0xFFFFFFFF);
  ft->dwHighDateTime = (DWORD) ((uint64_t) ticks >> 32);
  return 1;
}

static ssize_t uv__fs_set_times(uv_fs_t* req, HANDLE h) {
  FILETIME atime;
  FILETIME mtime;
  int has_a;
  int has_m;

  has_a = uv__fs_filetime(req->priv.atime, &atime);
  has_m = uv__fs_filetime(req->priv.mtime, &mtime);
  if (has_a < 0 || has_m < 0)
    return UV_EINVAL;
  if (!SetFileTime(h, NULL, has_a ? &atime : NULL, has_m ? &mtime : NULL))
    return uv__fs_last_error(req);
  return 0;
}

static ssize_t uv__fs_utime(uv_fs_t* req, const WCHAR* path) {
  ssize_t r;
  DWORD flags;
  HANDLE h;

  if (req->fs_type == UV_FS_FUTIME) {
    h = uv__fs_fd_handle(req->priv.file);
    if (h == INVALID_HANDLE_VALUE)
      return uv__fs_badf(req);
    return uv__fs_set_times(req, h);
  }
  flags = FILE_FLAG_BACKUP_SEMANTICS;
  if (req->fs_type == UV_FS_LUTIME)
    flags |= FILE_FLAG_OPEN_REPARSE_POINT;
  h = CreateFileW(path, FILE_WRITE_ATTRIBUTES,
                  FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                  NULL, OPEN_EXISTING, flags, NULL);
  if (h == INVALID_HANDLE_VALUE)
    return uv__fs_last_error(req);
  r = uv__fs_set_times(req, h);
  CloseHandle(h);
  return r;
}

/* ---- dispatch ----------------------------------------------------------- */

static ssize_t uv__fs_run_paths(uv_fs_t* req, const WCHAR* path,
                                const WCHAR* new_path) {
  switch (req->fs_type) {
    case UV_FS_OPEN:
      return uv__fs_open(req, path);
    case UV_FS_UTIME:
    case UV_FS_LUTIME:
      return uv__fs_utime(req, path);
    case UV_FS_ACCESS:
      return uv__fs_access(req, path);
    case UV_FS_CHMOD:
      return uv__fs_chmod(req, path);
    case UV_FS_UNLINK:
      return uv__fs_unlink(req, path);
    case UV_FS_RMDIR:
      return uv__fs_rmdir(req, path);
    case UV_FS_MKDIR:
      return uv__fs_mkdir(req, path);
    case UV_FS_RENAME:
      return uv__fs_rename(req, path, new_path);
    case UV_FS_LINK:
      if (!CreateHardLinkW(new_path, path, NULL))
        return uv__fs_last_error(req);
      return 0;
    case UV_FS_CHOWN:
    case UV_FS_LCHOWN:
      /* No owners to change (as libuv): the path must exist, though. */
      if (GetFileAttributesW(path) == INVALID_FILE_ATTRIBUTES)
        return uv__fs_last_error(req);
      return 0;
    default:
      return UV_EINVAL;
  }
}

ssize_t uv__fs_run(uv_fs_t* req) {
  WCHAR* path;
  WCHAR* new_path;
  ssize_t r;

  switch (req->fs_type) {
    case UV_FS_CLOSE:
      return uv__fs_close(req);
    case UV_FS_READ:
      return uv__fs_read(req);
    case UV_FS_WRITE:
      return uv__fs_write(req);
    case UV_FS_SENDFILE:
      return uv__fs_do_sendfile(req);
    case UV_FS_STAT:
    case UV_FS_LSTAT:
    case UV_FS_FSTAT:
      return uv__fs_do_stat(req);
    case UV_FS_STATFS:
      return uv__fs_do_statfs(req);
    case UV_FS_FTRUNCATE:
      return uv__fs_ftruncate(req);
    case UV_FS_FUTIME:
      return uv__fs_utime(req, NULL);
    case UV_FS_FCHMOD:
      return uv__fs_fchmod(req);
    case UV_FS_FSYNC:
    case UV_FS_FDATASYNC:
      return uv__fs_fsync(req);
    case UV_FS_FCHOWN:
      return uv__fs_fd_handle(req->priv.file) == INVALID_HANDLE_VALUE
                 ? uv__fs_badf(req)
                 : 0;
    case UV_FS_MKDTEMP:
    case UV_FS_MKSTEMP:
      return uv__fs_mktemp(req);
    case UV_FS_SCANDIR:
      return uv__fs_do_scandir(req);
    case UV_FS_OPENDIR:
      return uv__fs_do_opendir(req);
    case UV_FS_READDIR:
      return uv__fs_do_readdir(req);
    case UV_FS_CLOSEDIR:
      return uv__fs_do_closedir(req);
    case UV_FS_SYMLINK:
      return uv__fs_do_symlink(req);
    case UV_FS_READLINK:
      return uv__fs_do_readlink(req);
    case UV_FS_REALPATH:
      return uv__fs_do_realpath(req);
    case UV_FS_COPYFILE:
      return uv__fs_do_copyfile(req);
    default:
      break;
  }

  r = uv__fs_wide_path(req->path, &path);
  if (r)
    return r;
  new_path = NULL;
  if (req->new_path != NULL) {
    r = uv__fs_wide_path(req->new_path, &new_path);
    if (r) {
      uv__free(path);
      return r;
    }
  }
  r = uv__fs_run_paths(req, path, new_path);
  uv__free(path);
  uv__free(new_path);
  return r;
}

/* ---- platform accessors -------------------------------------------------- */

int uv_fs_get_system_error(const uv_fs_t* req) {
  return req != NULL ? (int) req->priv.sys_errno : 0;
}

uv_os_fd_t uv_get_osfhandle(int fd) {
  return uv__fs_fd_handle(fd);
}

int uv_open_osfhandle(uv_os_fd_t os_fd) {
  return _open_osfhandle((intptr_t) os_fd, 0);
}
