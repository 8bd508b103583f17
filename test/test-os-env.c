/* Tests of the environment functions, uv_os_tmpdir, uv_os_homedir, the
 * host name and uv_os_uname.  Each test runs in its own process, so the
 * environment can be changed freely. */

#include "task.h"

#ifndef _WIN32
# include <pwd.h>
# include <sys/utsname.h>
# include <unistd.h>
#endif

#define VAR "UVCORE_TEST_ENV_VAR"

/* What the system says a variable holds (NULL when unset).  On Windows the
 * C library's getenv() reads a copy made at start-up, which the uv_os_*
 * functions (like libuv's) do not change: ask the system instead. */
#ifdef _WIN32
static const char* system_getenv(const char* name) {
  static char buf[32768];
  DWORD n;

  SetLastError(ERROR_SUCCESS);
  n = GetEnvironmentVariableA(name, buf, sizeof(buf));
  if (n == 0 && GetLastError() == ERROR_ENVVAR_NOT_FOUND)
    return NULL;
  ASSERT_LT(n, sizeof(buf));
  return buf;
}
#else
# define system_getenv getenv
#endif

TEST(os_env_get_set_unset) {
  char buf[64];
  size_t size;

  ASSERT_OK(uv_os_setenv(VAR, "hello"));

  size = sizeof(buf);
  ASSERT_OK(uv_os_getenv(VAR, buf, &size));
  ASSERT_UINT64_EQ(size, 5);
  ASSERT_STR_EQ(buf, "hello");

  /* Exactly the value plus its NUL fits; one byte less does not. */
  size = 6;
  ASSERT_OK(uv_os_getenv(VAR, buf, &size));
  ASSERT_UINT64_EQ(size, 5);
  size = 5;
  ASSERT_EQ(uv_os_getenv(VAR, buf, &size), UV_ENOBUFS);
  ASSERT_UINT64_EQ(size, 6);
  size = 1;
  ASSERT_EQ(uv_os_getenv(VAR, buf, &size), UV_ENOBUFS);
  ASSERT_UINT64_EQ(size, 6);

  /* Overwrite, values holding '=', and the empty value. */
  ASSERT_OK(uv_os_setenv(VAR, "a=b=c"));
  size = sizeof(buf);
  ASSERT_OK(uv_os_getenv(VAR, buf, &size));
  ASSERT_STR_EQ(buf, "a=b=c");
  ASSERT_OK(uv_os_setenv(VAR, ""));
  size = sizeof(buf);
  ASSERT_OK(uv_os_getenv(VAR, buf, &size));
  ASSERT_UINT64_EQ(size, 0);
  ASSERT_STR_EQ(buf, "");
  ASSERT_STR_EQ(system_getenv(VAR), "");

  ASSERT_OK(uv_os_unsetenv(VAR));
  ASSERT_NULL(system_getenv(VAR));
  size = sizeof(buf);
  ASSERT_EQ(uv_os_getenv(VAR, buf, &size), UV_ENOENT);
  ASSERT_UINT64_EQ(size, sizeof(buf));
  /* Unsetting what is not set succeeds. */
  ASSERT_OK(uv_os_unsetenv(VAR));
  return 0;
}

TEST(os_env_bad_input) {
  char buf[16];
  size_t size;

  ASSERT_EQ(uv_os_setenv(NULL, "x"), UV_EINVAL);
  ASSERT_EQ(uv_os_setenv(VAR, NULL), UV_EINVAL);
  ASSERT_EQ(uv_os_setenv("", "x"), UV_EINVAL);
  ASSERT_EQ(uv_os_setenv("A=B", "x"), UV_EINVAL);
  ASSERT_NULL(system_getenv("A"));
  ASSERT_EQ(uv_os_unsetenv(NULL), UV_EINVAL);
  ASSERT_EQ(uv_os_unsetenv(""), UV_EINVAL);
  ASSERT_EQ(uv_os_unsetenv("A=B"), UV_EINVAL);

  ASSERT_OK(uv_os_setenv(VAR, "v"));
  size = sizeof(buf);
  ASSERT_EQ(uv_os_getenv(NULL, buf, &size), UV_EINVAL);
  ASSERT_EQ(uv_os_getenv(VAR, NULL, &size), UV_EINVAL);
  ASSERT_EQ(uv_os_getenv(VAR, buf, NULL), UV_EINVAL);
  size = 0;
  ASSERT_EQ(uv_os_getenv(VAR, buf, &size), UV_EINVAL);
  return 0;
}

static int find_item(const uv_env_item_t* items, int count, const char* name) {
  int i;

  for (i = 0; i < count; i++)
    if (strcmp(items[i].name, name) == 0)
      return i;
  return -1;
}

TEST(os_environ) {
  uv_env_item_t* items;
  int count;
  int i;

  ASSERT_OK(uv_os_setenv(VAR, "x=y"));
  ASSERT_OK(uv_os_setenv(VAR "_EMPTY", ""));
  ASSERT_OK(uv_os_environ(&items, &count));
  ASSERT_GE(count, 2);
  i = find_item(items, count, VAR);
  ASSERT_GE(i, 0);
  ASSERT_STR_EQ(items[i].value, "x=y");
  i = find_item(items, count, VAR "_EMPTY");
  ASSERT_GE(i, 0);
  ASSERT_STR_EQ(items[i].value, "");
  /* Every item is what getenv() says. */
  for (i = 0; i < count; i++)
    ASSERT_STR_EQ(system_getenv(items[i].name), items[i].value);
  uv_os_free_environ(items, count);

  /* A snapshot: later changes do not show in an earlier copy. */
  ASSERT_OK(uv_os_environ(&items, &count));
  ASSERT_OK(uv_os_unsetenv(VAR));
  i = find_item(items, count, VAR);
  ASSERT_GE(i, 0);
  ASSERT_STR_EQ(items[i].value, "x=y");
  uv_os_free_environ(items, count);

  ASSERT_EQ(uv_os_environ(NULL, &count), UV_EINVAL);
  ASSERT_EQ(uv_os_environ(&items, NULL), UV_EINVAL);
  uv_os_free_environ(NULL, 0);
  return 0;
}

TEST(os_environ_empty) {
#ifdef _WIN32
  RETURN_SKIP("clearenv() is Unix-only");
#else
  uv_env_item_t* items;
  int count;

  ASSERT_OK(clearenv());
  ASSERT_OK(uv_os_environ(&items, &count));
  ASSERT_EQ(count, 0);
  ASSERT_NOT_NULL(items);
  uv_os_free_environ(items, count);
  return 0;
#endif
}

/* ------------------------------------------------------------------------ */
/* Directories */

#ifndef _WIN32
static void unset_tmp_vars(void) {
  ASSERT_OK(uv_os_unsetenv("TMPDIR"));
  ASSERT_OK(uv_os_unsetenv("TMP"));
  ASSERT_OK(uv_os_unsetenv("TEMP"));
  ASSERT_OK(uv_os_unsetenv("TEMPDIR"));
}
#endif

static void check_tmpdir(const char* expected) {
  char buf[256];
  size_t size;

  size = sizeof(buf);
  ASSERT_OK(uv_os_tmpdir(buf, &size));
  ASSERT_STR_EQ(buf, expected);
  ASSERT_UINT64_EQ(size, strlen(expected));
}

TEST(os_tmpdir) {
#ifdef _WIN32
  char buf[256];
  size_t size;

  /* GetTempPathW: TMP, then TEMP, then USERPROFILE. */
  ASSERT_OK(uv_os_setenv("TEMP", "C:\\d3"));
  ASSERT_OK(uv_os_setenv("TMP", "C:\\d2"));
  check_tmpdir("C:\\d2");
  ASSERT_OK(uv_os_unsetenv("TMP"));
  check_tmpdir("C:\\d3");

  /* One trailing backslash goes, except from a drive's root. */
  ASSERT_OK(uv_os_setenv("TMP", "C:\\some\\dir\\"));
  check_tmpdir("C:\\some\\dir");
  ASSERT_OK(uv_os_setenv("TMP", "C:\\"));
  check_tmpdir("C:\\");

  /* Short buffers: the size needed includes the NUL. */
  ASSERT_OK(uv_os_setenv("TMP", "C:\\some\\dir\\"));
  size = 11;
  ASSERT_EQ(uv_os_tmpdir(buf, &size), UV_ENOBUFS);
  ASSERT_UINT64_EQ(size, 12);
  size = 12;
  ASSERT_OK(uv_os_tmpdir(buf, &size));
  ASSERT_UINT64_EQ(size, 11);
  ASSERT_STR_EQ(buf, "C:\\some\\dir");

  ASSERT_EQ(uv_os_tmpdir(NULL, &size), UV_EINVAL);
  ASSERT_EQ(uv_os_tmpdir(buf, NULL), UV_EINVAL);
  size = 0;
  ASSERT_EQ(uv_os_tmpdir(buf, &size), UV_EINVAL);
  return 0;
#else
  char buf[256];
  size_t size;

  unset_tmp_vars();
  check_tmpdir("/tmp");

  /* The order of precedence: TMPDIR, TMP, TEMP, TEMPDIR. */
  ASSERT_OK(uv_os_setenv("TEMPDIR", "/d4"));
  check_tmpdir("/d4");
  ASSERT_OK(uv_os_setenv("TEMP", "/d3"));
  check_tmpdir("/d3");
  ASSERT_OK(uv_os_setenv("TMP", "/d2"));
  check_tmpdir("/d2");
  ASSERT_OK(uv_os_setenv("TMPDIR", "/d1"));
  check_tmpdir("/d1");
  /* An empty value names no directory and is passed over. */
  ASSERT_OK(uv_os_setenv("TMPDIR", ""));
  check_tmpdir("/d2");

  /* One trailing slash goes, except from the root. */
  ASSERT_OK(uv_os_setenv("TMPDIR", "/some/dir/"));
  check_tmpdir("/some/dir");
  ASSERT_OK(uv_os_setenv("TMPDIR", "/"));
  check_tmpdir("/");

  /* Short buffers: the size needed includes the NUL. */
  ASSERT_OK(uv_os_setenv("TMPDIR", "/some/dir/"));
  size = 9;
  ASSERT_EQ(uv_os_tmpdir(buf, &size), UV_ENOBUFS);
  ASSERT_UINT64_EQ(size, 10);
  size = 10;
  ASSERT_OK(uv_os_tmpdir(buf, &size));
  ASSERT_UINT64_EQ(size, 9);
  ASSERT_STR_EQ(buf, "/some/dir");

  ASSERT_EQ(uv_os_tmpdir(NULL, &size), UV_EINVAL);
  ASSERT_EQ(uv_os_tmpdir(buf, NULL), UV_EINVAL);
  size = 0;
  ASSERT_EQ(uv_os_tmpdir(buf, &size), UV_EINVAL);
  return 0;
#endif
}

TEST(os_homedir) {
#ifdef _WIN32
  char buf[4096];
  size_t size;
  uv_passwd_t pwd;

  ASSERT_OK(uv_os_setenv("USERPROFILE", "C:\\Users\\uvcore-test"));
  size = sizeof(buf);
  ASSERT_OK(uv_os_homedir(buf, &size));
  ASSERT_STR_EQ(buf, "C:\\Users\\uvcore-test");
  ASSERT_UINT64_EQ(size, 20);
  size = 20;
  ASSERT_EQ(uv_os_homedir(buf, &size), UV_ENOBUFS);
  ASSERT_UINT64_EQ(size, 21);

  /* Without USERPROFILE (or with an empty one): the user's profile
   * directory, which uv_os_get_passwd reports too. */
  ASSERT_OK(uv_os_get_passwd(&pwd));
  ASSERT_NOT_NULL(pwd.username);
  ASSERT_GT(strlen(pwd.username), 0);
  ASSERT_NULL(pwd.shell);
  ASSERT_UINT64_EQ(pwd.uid, (unsigned long) -1);
  ASSERT_UINT64_EQ(pwd.gid, (unsigned long) -1);
  ASSERT_OK(uv_os_unsetenv("USERPROFILE"));
  size = sizeof(buf);
  ASSERT_OK(uv_os_homedir(buf, &size));
  ASSERT_STR_EQ(buf, pwd.homedir);
  ASSERT_UINT64_EQ(size, strlen(pwd.homedir));
  ASSERT_OK(uv_os_setenv("USERPROFILE", ""));
  size = sizeof(buf);
  ASSERT_OK(uv_os_homedir(buf, &size));
  ASSERT_STR_EQ(buf, pwd.homedir);
  size = 1;
  ASSERT_EQ(uv_os_homedir(buf, &size), UV_ENOBUFS);
  ASSERT_UINT64_EQ(size, strlen(pwd.homedir) + 1);
  uv_os_free_passwd(&pwd);
  ASSERT_NULL(pwd.username);

  /* Users are not numbers here. */
  ASSERT_EQ(uv_os_get_passwd2(&pwd, 0), UV_ENOTSUP);
  ASSERT_EQ(uv_os_get_passwd(NULL), UV_EINVAL);

  ASSERT_EQ(uv_os_homedir(NULL, &size), UV_EINVAL);
  ASSERT_EQ(uv_os_homedir(buf, NULL), UV_EINVAL);
  size = 0;
  ASSERT_EQ(uv_os_homedir(buf, &size), UV_EINVAL);
  return 0;
#else
  char buf[4096];
  size_t size;
  struct passwd* pw;

  ASSERT_OK(uv_os_setenv("HOME", "/home/uvcore-test"));
  size = sizeof(buf);
  ASSERT_OK(uv_os_homedir(buf, &size));
  ASSERT_STR_EQ(buf, "/home/uvcore-test");
  ASSERT_UINT64_EQ(size, 17);
  size = 17;
  ASSERT_EQ(uv_os_homedir(buf, &size), UV_ENOBUFS);
  ASSERT_UINT64_EQ(size, 18);

  /* Without HOME (or with an empty one): the password database. */
  pw = getpwuid(geteuid());
  if (pw == NULL)
    RETURN_SKIP("the effective user has no password database entry");
  ASSERT_OK(uv_os_unsetenv("HOME"));
  size = sizeof(buf);
  ASSERT_OK(uv_os_homedir(buf, &size));
  ASSERT_STR_EQ(buf, pw->pw_dir);
  ASSERT_UINT64_EQ(size, strlen(pw->pw_dir));
  ASSERT_OK(uv_os_setenv("HOME", ""));
  size = sizeof(buf);
  ASSERT_OK(uv_os_homedir(buf, &size));
  ASSERT_STR_EQ(buf, pw->pw_dir);
  size = 1;
  ASSERT_EQ(uv_os_homedir(buf, &size), UV_ENOBUFS);
  ASSERT_UINT64_EQ(size, strlen(pw->pw_dir) + 1);

  ASSERT_EQ(uv_os_homedir(NULL, &size), UV_EINVAL);
  ASSERT_EQ(uv_os_homedir(buf, NULL), UV_EINVAL);
  size = 0;
  ASSERT_EQ(uv_os_homedir(buf, &size), UV_EINVAL);
  return 0;
#endif
}

/* ------------------------------------------------------------------------ */
/* The host */

TEST(os_gethostname) {
  char expected[UV_MAXHOSTNAMESIZE + 1];
  char buf[UV_MAXHOSTNAMESIZE];
  size_t len;
  size_t size;

#ifdef _WIN32
  {
    DWORD n = sizeof(expected);
    ASSERT(GetComputerNameExA(ComputerNameDnsHostname, expected, &n));
  }
#else
  ASSERT_OK(gethostname(expected, sizeof(expected) - 1));
#endif
  expected[sizeof(expected) - 1] = '\0';
  len = strlen(expected);

  size = sizeof(buf);
  ASSERT_OK(uv_os_gethostname(buf, &size));
  ASSERT_STR_EQ(buf, expected);
  ASSERT_UINT64_EQ(size, len);

  size = len + 1;
  ASSERT_OK(uv_os_gethostname(buf, &size));
  ASSERT_UINT64_EQ(size, len);
  if (len > 0) {
    size = len;
    ASSERT_EQ(uv_os_gethostname(buf, &size), UV_ENOBUFS);
    ASSERT_UINT64_EQ(size, len + 1);
  }

  ASSERT_EQ(uv_os_gethostname(NULL, &size), UV_EINVAL);
  ASSERT_EQ(uv_os_gethostname(buf, NULL), UV_EINVAL);
  size = 0;
  ASSERT_EQ(uv_os_gethostname(buf, &size), UV_EINVAL);
  return 0;
}

TEST(os_uname) {
#ifdef _WIN32
  uv_utsname_t u;
  unsigned int major;
  unsigned int minor;
  unsigned int build;

  memset(&u, 'x', sizeof(u));
  ASSERT_OK(uv_os_uname(&u));
  printf("%s | %s | %s | %s\n", u.sysname, u.release, u.version, u.machine);
  ASSERT_STR_EQ(u.sysname, "Windows_NT");
  ASSERT_EQ(sscanf(u.release, "%u.%u.%u", &major, &minor, &build), 3);
  ASSERT_GE(major, 6);
  ASSERT_LT(strlen(u.version), sizeof(u.version));
# if defined(_M_X64) || defined(__x86_64__)
  ASSERT_STR_EQ(u.machine, "x86_64");
# endif
  ASSERT_EQ(uv_os_uname(NULL), UV_EINVAL);
  return 0;
#else
  uv_utsname_t u;
  struct utsname expected;

  memset(&u, 'x', sizeof(u));
  ASSERT_OK(uv_os_uname(&u));
  ASSERT_OK(uname(&expected));
  ASSERT_STR_EQ(u.sysname, expected.sysname);
  ASSERT_STR_EQ(u.release, expected.release);
  ASSERT_STR_EQ(u.version, expected.version);
  ASSERT_STR_EQ(u.machine, expected.machine);
# ifdef __linux__
  ASSERT_STR_EQ(u.sysname, "Linux");
# endif
  ASSERT_EQ(uv_os_uname(NULL), UV_EINVAL);
  return 0;
#endif
}
