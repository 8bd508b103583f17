/* uvcore — the process environment on Windows (uv_os_environ,
 * uv_os_getenv/setenv/unsetenv) and the temporary directory.
 *
 * The environment is the system's UTF-16 block (Get/SetEnvironmentVariableW,
 * GetEnvironmentStringsW), converted at the API: UTF-8 in and out.
 *
 * Traps:
 * - The C library keeps a copy of the environment of its own, made at
 *   start-up: getenv()/_putenv() and these functions do not see each
 *   other's changes (as in libuv).  Child processes get the system's block,
 *   which is the one we change.
 * - GetEnvironmentVariableW returns 0 both for an unset variable and for a
 *   set, empty one; only the last error tells them apart.
 * - The block holds entries whose name starts with '=' ("=C:=C:\work",
 *   the per-drive working directories cmd.exe keeps): they are not
 *   variables anyone can set with uv_os_setenv, so uv_os_environ skips
 *   them.
 * - Names are case-insensitive ("Path" and "PATH" are one variable).
 * - GetTempPathW consults TMP, TEMP, USERPROFILE, then the Windows
 *   directory, and always ends its answer with a backslash.
 */
#include "os.h"

#include <limits.h>
#include <string.h>

int uv__win_copy_out_wide(const WCHAR* wide, int len, char* buffer,
                          size_t* size) {
  size_t n;
  char* s;
  int r;

  r = uv__utf8_from_wide(wide, len, &s, &n);
  if (r != 0)
    return r;
  r = uv__os_copy_out(s, n, buffer, size);
  uv__free(s);
  return r;
}

int uv__win_getenv(const WCHAR* name, WCHAR** value) {
  WCHAR* buf;
  DWORD cap;
  DWORD n;

  *value = NULL;
  buf = NULL;
  cap = 0;
  for (;;) {
    SetLastError(ERROR_SUCCESS);
    n = GetEnvironmentVariableW(name, buf, cap);
    if (n == 0 && GetLastError() == ERROR_ENVVAR_NOT_FOUND) {
      uv__free(buf);
      return UV_ENOENT;
    }
    if (buf != NULL && n < cap) {
      buf[n] = L'\0';  /* n == 0: set but empty */
      *value = buf;
      return 0;
    }
    /* Too small (or the first, sizing call): n is the size needed, NUL
     * included.  The value may grow between calls; go round again. */
    if (n == 0)
      n = 1;
    cap = n;
    buf = uv__reallocf(buf, (size_t) cap * sizeof(*buf));
    if (buf == NULL)
      return UV_ENOMEM;
  }
}

int uv__win_strip_trailing_slash(WCHAR* path, int len) {
  if (len > 1 && (path[len - 1] == L'\\' || path[len - 1] == L'/') &&
      !(len == 3 && path[1] == L':'))
    path[--len] = L'\0';
  return len;
}

/* Name and value of one "name=value" entry, split into one allocation
 * freed through the name. */
static int split_entry(const WCHAR* entry, uv_env_item_t* item) {
  const WCHAR* eq;
  char* s;
  char* sep;
  int r;

  eq = wcschr(entry + 1, L'=');
  if (eq == NULL)
    return UV_EINVAL;
  r = uv__utf8_from_wide(entry, -1, &s, NULL);
  if (r != 0)
    return r;
  /* The name is ASCII-safe to split on: '=' is one byte in UTF-8 and no
   * byte of a multi-byte sequence equals it, so the first '=' after the
   * first character is the same one. */
  sep = strchr(s + 1, '=');
  *sep = '\0';
  item->name = s;
  item->value = sep + 1;
  return 0;
}

int uv_os_environ(uv_env_item_t** envitems, int* count) {
  uv_env_item_t* items;
  const WCHAR* p;
  WCHAR* block;
  size_t n;
  int k;
  int r;

  if (envitems == NULL || count == NULL)
    return UV_EINVAL;
  *envitems = NULL;
  *count = 0;

  block = GetEnvironmentStringsW();
  if (block == NULL)
    return UV_ENOMEM;

  n = 0;
  for (p = block; *p != L'\0'; p += wcslen(p) + 1)
    n++;
  if (n > INT_MAX) {
    FreeEnvironmentStringsW(block);
    return UV_E2BIG;
  }

  /* One slot more than needed, so an empty environment still gets a
   * (freeable) array rather than a NULL that looks like a failure. */
  items = uv__calloc(n + 1, sizeof(*items));
  if (items == NULL) {
    FreeEnvironmentStringsW(block);
    return UV_ENOMEM;
  }

  k = 0;
  for (p = block; *p != L'\0'; p += wcslen(p) + 1) {
    if (p[0] == L'=')
      continue;
    r = split_entry(p, &items[k]);
    if (r == UV_EINVAL)
      continue;  /* no '=': not a variable */
    if (r != 0) {
      FreeEnvironmentStringsW(block);
      uv_os_free_environ(items, k);
      return r;
    }
    k++;
  }
  FreeEnvironmentStringsW(block);

  *envitems = items;
  *count = k;
  return 0;
}

static int valid_name(const char* name) {
  return name != NULL && name[0] != '\0' && strchr(name, '=') == NULL;
}

int uv_os_getenv(const char* name, char* buffer, size_t* size) {
  WCHAR* namew;
  WCHAR* value;
  int r;

  if (name == NULL || buffer == NULL || size == NULL || *size == 0)
    return UV_EINVAL;
  r = uv__wide_from_utf8(name, &namew);
  if (r != 0)
    return r;
  r = uv__win_getenv(namew, &value);
  uv__free(namew);
  if (r != 0)
    return r;
  r = uv__win_copy_out_wide(value, -1, buffer, size);
  uv__free(value);
  return r;
}

/* value NULL removes the variable. */
static int set_variable(const char* name, const char* value) {
  WCHAR* namew;
  WCHAR* valuew;
  DWORD err;
  int r;

  if (!valid_name(name))
    return UV_EINVAL;
  r = uv__wide_from_utf8(name, &namew);
  if (r != 0)
    return r;
  r = uv__wide_from_utf8(value, &valuew);
  if (r != 0) {
    uv__free(namew);
    return r;
  }
  r = 0;
  if (!SetEnvironmentVariableW(namew, valuew)) {
    err = GetLastError();
    /* Removing what is not there is not an error. */
    if (value != NULL || err != ERROR_ENVVAR_NOT_FOUND)
      r = uv_translate_sys_error((int) err);
  }
  uv__free(valuew);
  uv__free(namew);
  return r;
}

int uv_os_setenv(const char* name, const char* value) {
  if (value == NULL)
    return UV_EINVAL;
  return set_variable(name, value);
}

int uv_os_unsetenv(const char* name) {
  return set_variable(name, NULL);
}

int uv_os_tmpdir(char* buffer, size_t* size) {
  WCHAR path[MAX_PATH + 2];  /* GetTempPathW's documented maximum + 1 */
  DWORD n;

  if (buffer == NULL || size == NULL || *size == 0)
    return UV_EINVAL;
  n = GetTempPathW(UV__ARRAY_SIZE(path), path);
  if (n == 0)
    return uv_translate_sys_error((int) GetLastError());
  if (n >= UV__ARRAY_SIZE(path))
    return UV_EIO;  /* longer than the system promises */
  return uv__win_copy_out_wide(path,
                               uv__win_strip_trailing_slash(path, (int) n),
                               buffer, size);
}
