/* uvcore — the process environment (uv_os_environ, uv_os_getenv/setenv/
 * unsetenv) and the temporary directory it names.
 *
 * Traps:
 * - The environment is process-global and the C library does not lock it:
 *   getenv() may return a string that a concurrent setenv() frees.  libuv
 *   documents these functions as not thread-safe; so are ours.  We copy
 *   values out at once and keep no pointer into environ.
 * - environ may be NULL (after clearenv()), and may hold entries without a
 *   '=' (a program can put anything there with putenv-style tricks or
 *   execve); those have no name/value split and are skipped.
 * - setenv() accepts neither an empty name nor one containing '=', but
 *   unsetenv() of such a name is the caller's mistake too: both are
 *   UV_EINVAL here before the C library sees them.
 */
#include "internal.h"
#include "os.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

extern char** environ;

int uv_os_environ(uv_env_item_t** envitems, int* count) {
  uv_env_item_t* items;
  size_t n;
  size_t i;
  int k;
  char** env;
  char* copy;
  const char* eq;

  if (envitems == NULL || count == NULL)
    return UV_EINVAL;
  *envitems = NULL;
  *count = 0;

  env = environ;
  n = 0;
  if (env != NULL)
    while (env[n] != NULL)
      n++;
  if (n > INT_MAX)
    return UV_E2BIG;

  /* One slot more than needed so that an empty environment still gets a
   * (freeable) array rather than a NULL that looks like a failure. */
  items = uv__calloc(n + 1, sizeof(*items));
  if (items == NULL)
    return UV_ENOMEM;

  k = 0;
  for (i = 0; i < n; i++) {
    eq = strchr(env[i], '=');
    if (eq == NULL)
      continue;
    /* Name and value share one allocation, freed through the name. */
    copy = uv__strdup(env[i]);
    if (copy == NULL) {
      uv_os_free_environ(items, k);
      return UV_ENOMEM;
    }
    copy[eq - env[i]] = '\0';
    items[k].name = copy;
    items[k].value = copy + (eq - env[i]) + 1;
    k++;
  }

  *envitems = items;
  *count = k;
  return 0;
}

static int valid_name(const char* name) {
  return name != NULL && name[0] != '\0' && strchr(name, '=') == NULL;
}

int uv_os_getenv(const char* name, char* buffer, size_t* size) {
  const char* value;

  if (name == NULL || buffer == NULL || size == NULL || *size == 0)
    return UV_EINVAL;
  value = getenv(name);
  if (value == NULL)
    return UV_ENOENT;
  return uv__os_copy_out(value, strlen(value), buffer, size);
}

int uv_os_setenv(const char* name, const char* value) {
  if (!valid_name(name) || value == NULL)
    return UV_EINVAL;
  if (setenv(name, value, 1) != 0)
    return uv__err();
  return 0;
}

int uv_os_unsetenv(const char* name) {
  if (!valid_name(name))
    return UV_EINVAL;
  if (unsetenv(name) != 0)
    return uv__err();
  return 0;
}

/* The first of TMPDIR, TMP, TEMP, TEMPDIR that is set, as libuv does.  An
 * empty value names no directory and is skipped (libuv would return "").
 * One trailing slash is dropped, so "/tmp/" and "/tmp" read the same, but
 * "/" stays "/". */
int uv_os_tmpdir(char* buffer, size_t* size) {
  static const char* const names[] = { "TMPDIR", "TMP", "TEMP", "TEMPDIR" };
  const char* dir;
  size_t len;
  size_t i;

  if (buffer == NULL || size == NULL || *size == 0)
    return UV_EINVAL;

  dir = NULL;
  for (i = 0; i < UV__ARRAY_SIZE(names); i++) {
    dir = getenv(names[i]);
    if (dir != NULL && dir[0] != '\0')
      break;
    dir = NULL;
  }
  if (dir == NULL) {
#if defined(__ANDROID__)
    dir = "/data/local/tmp";
#else
    dir = "/tmp";
#endif
  }

  len = strlen(dir);
  if (len > 1 && dir[len - 1] == '/')
    len--;
  return uv__os_copy_out(dir, len, buffer, size);
}
