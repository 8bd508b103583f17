/* uvcore — the current user on Windows (uv_os_get_passwd, uv_os_homedir).
 *
 * Windows users are security identifiers, not numbers: uid and gid are
 * reported as -1 and the shell as NULL, as libuv does, and looking up
 * another user or a group by number (uv_os_get_passwd2, uv_os_get_group)
 * is UV_ENOTSUP.  The home directory is the user's profile directory.
 *
 * Traps:
 * - GetUserProfileDirectoryW needs a token of the user: the process token,
 *   opened for TOKEN_QUERY and closed again.
 * - libuv hands back one allocation per entry holding every string,
 *   released through username; we keep that layout (as on Unix).
 */
#include "os.h"

#include <string.h>
#include <userenv.h>

/* The profile directory of the process's user, newly allocated. */
static int profile_dir(WCHAR** out) {
  HANDLE token;
  WCHAR* buf;
  DWORD n;
  int r;

  *out = NULL;
  if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
    return uv_translate_sys_error((int) GetLastError());
  n = 0;
  buf = NULL;
  r = 0;
  /* A sizing call first: it fails with ERROR_INSUFFICIENT_BUFFER and sets
   * n to the size needed, NUL included. */
  if (!GetUserProfileDirectoryW(token, NULL, &n) &&
      GetLastError() != ERROR_INSUFFICIENT_BUFFER)
    r = uv_translate_sys_error((int) GetLastError());
  if (r == 0) {
    buf = uv__malloc(((size_t) n + 1) * sizeof(*buf));
    if (buf == NULL)
      r = UV_ENOMEM;
    else if (!GetUserProfileDirectoryW(token, buf, &n))
      r = uv_translate_sys_error((int) GetLastError());
  }
  CloseHandle(token);
  if (r != 0) {
    uv__free(buf);
    return r;
  }
  *out = buf;
  return 0;
}

static int user_name(WCHAR** out) {
  WCHAR* buf;
  DWORD n;

  *out = NULL;
  n = 0;
  if (!GetUserNameW(NULL, &n) && GetLastError() != ERROR_INSUFFICIENT_BUFFER)
    return uv_translate_sys_error((int) GetLastError());
  buf = uv__malloc(((size_t) n + 1) * sizeof(*buf));
  if (buf == NULL)
    return UV_ENOMEM;
  if (!GetUserNameW(buf, &n)) {
    uv__free(buf);
    return uv_translate_sys_error((int) GetLastError());
  }
  *out = buf;
  return 0;
}

int uv_os_get_passwd(uv_passwd_t* pwd) {
  WCHAR* namew;
  WCHAR* homew;
  char* name;
  char* home;
  size_t name_len;
  size_t home_len;
  char* block;
  int r;

  if (pwd == NULL)
    return UV_EINVAL;

  r = user_name(&namew);
  if (r != 0)
    return r;
  r = profile_dir(&homew);
  if (r == 0) {
    r = uv__utf8_from_wide(namew, -1, &name, &name_len);
    if (r == 0) {
      r = uv__utf8_from_wide(homew, -1, &home, &home_len);
      if (r != 0)
        uv__free(name);
    }
    uv__free(homew);
  }
  uv__free(namew);
  if (r != 0)
    return r;

  block = uv__malloc(name_len + 1 + home_len + 1);
  if (block != NULL) {
    memcpy(block, name, name_len + 1);
    memcpy(block + name_len + 1, home, home_len + 1);
    pwd->username = block;
    pwd->homedir = block + name_len + 1;
    pwd->shell = NULL;
    pwd->uid = (unsigned long) -1;
    pwd->gid = (unsigned long) -1;
  }
  uv__free(name);
  uv__free(home);
  return block != NULL ? 0 : UV_ENOMEM;
}

int uv_os_get_passwd2(uv_passwd_t* pwd, uv_uid_t uid) {
  (void) uid;
  if (pwd == NULL)
    return UV_EINVAL;
  return UV_ENOTSUP;
}

int uv_os_get_group(uv_group_t* grp, uv_uid_t gid) {
  (void) gid;
  if (grp == NULL)
    return UV_EINVAL;
  return UV_ENOTSUP;
}

/* %USERPROFILE% if it is set and not empty, else the profile directory of
 * the process's user (as on Unix with $HOME and the password database). */
int uv_os_homedir(char* buffer, size_t* size) {
  WCHAR* dir;
  int r;

  if (buffer == NULL || size == NULL || *size == 0)
    return UV_EINVAL;

  r = uv__win_getenv(L"USERPROFILE", &dir);
  if (r == UV_ENOMEM)
    return r;
  if (r == 0 && dir[0] == L'\0') {
    uv__free(dir);
    r = UV_ENOENT;
  }
  if (r != 0) {
    r = profile_dir(&dir);
    if (r != 0)
      return r;
  }
  r = uv__win_copy_out_wide(dir, -1, buffer, size);
  uv__free(dir);
  return r;
}
