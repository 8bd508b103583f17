/* Tests of the password and group database entries: uv_os_get_passwd,
 * uv_os_get_passwd2, uv_os_get_group and their free functions, compared
 * with what the C library's own lookups say. */

#include "task.h"

#ifndef _WIN32
# include <grp.h>
# include <pwd.h>
# include <sys/wait.h>
# include <unistd.h>
#endif

#ifndef _WIN32

static void check_passwd(const uv_passwd_t* pwd, const struct passwd* pw) {
  ASSERT_STR_EQ(pwd->username, pw->pw_name);
  ASSERT_STR_EQ(pwd->homedir, pw->pw_dir);
  ASSERT_STR_EQ(pwd->shell, pw->pw_shell);
  ASSERT_UINT64_EQ(pwd->uid, pw->pw_uid);
  ASSERT_UINT64_EQ(pwd->gid, pw->pw_gid);
}

/* An id the databases do not know, or (uid_t) -1 if none was found. */
static uid_t unknown_uid(void) {
  static const uid_t candidates[] = { 0x7ffffff0, 0x5eadbeef, 4000000001u };
  size_t i;

  for (i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
    if (getpwuid(candidates[i]) == NULL && getgrgid(candidates[i]) == NULL)
      return candidates[i];
  return (uid_t) -1;
}

/* Runs fn in a forked child; returns its exit status. */
static int run_in_child(int (*fn)(void)) {
  pid_t pid;
  int status;

  pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0)
    _exit(fn());
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT(WIFEXITED(status));
  return WEXITSTATUS(status);
}

#endif

TEST(os_passwd_current) {
#ifdef _WIN32
  /* The user's name and profile directory; no numbers, no shell. */
  uv_passwd_t pwd;
  char name[256];
  DWORD n;

  n = sizeof(name);
  ASSERT(GetUserNameA(name, &n));
  ASSERT_OK(uv_os_get_passwd(&pwd));
  ASSERT_STR_EQ(pwd.username, name);
  ASSERT_NOT_NULL(pwd.homedir);
  ASSERT_GT(strlen(pwd.homedir), 0);
  ASSERT_NULL(pwd.shell);
  ASSERT_UINT64_EQ(pwd.uid, (unsigned long) -1);
  ASSERT_UINT64_EQ(pwd.gid, (unsigned long) -1);
  uv_os_free_passwd(&pwd);
  ASSERT_NULL(pwd.username);
  ASSERT_NULL(pwd.homedir);

  ASSERT_EQ(uv_os_get_passwd(NULL), UV_EINVAL);
  uv_os_free_passwd(NULL);
  return 0;
#else
  uv_passwd_t pwd;
  struct passwd* pw;

  pw = getpwuid(geteuid());
  if (pw == NULL) {
    ASSERT_EQ(uv_os_get_passwd(&pwd), UV_ENOENT);
    RETURN_SKIP("the effective user has no password database entry");
  }
  ASSERT_OK(uv_os_get_passwd(&pwd));
  check_passwd(&pwd, pw);
  uv_os_free_passwd(&pwd);
  ASSERT_NULL(pwd.username);
  ASSERT_NULL(pwd.homedir);
  ASSERT_NULL(pwd.shell);

  ASSERT_EQ(uv_os_get_passwd(NULL), UV_EINVAL);
  uv_os_free_passwd(NULL);
  return 0;
#endif
}

TEST(os_passwd_by_uid) {
#ifdef _WIN32
  uv_passwd_t pwd;

  /* Windows users are security identifiers, not numbers. */
  ASSERT_EQ(uv_os_get_passwd2(&pwd, 0), UV_ENOTSUP);
  ASSERT_EQ(uv_os_get_passwd2(NULL, 0), UV_EINVAL);
  return 0;
#else
  uv_passwd_t pwd;
  struct passwd* pw;
  uid_t unknown;

  pw = getpwuid(0);
  ASSERT_NOT_NULL(pw);
  ASSERT_OK(uv_os_get_passwd2(&pwd, 0));
  check_passwd(&pwd, pw);
  ASSERT_UINT64_EQ(pwd.uid, 0);
  uv_os_free_passwd(&pwd);

  /* 65534 is "nobody" on most systems; either answer must match libc's. */
  pw = getpwuid(65534);
  if (pw != NULL) {
    ASSERT_OK(uv_os_get_passwd2(&pwd, 65534));
    check_passwd(&pwd, pw);
    uv_os_free_passwd(&pwd);
  } else {
    ASSERT_EQ(uv_os_get_passwd2(&pwd, 65534), UV_ENOENT);
  }

  unknown = unknown_uid();
  if (unknown == (uid_t) -1)
    RETURN_SKIP("no unused uid found");
  memset(&pwd, 0, sizeof(pwd));
  ASSERT_EQ(uv_os_get_passwd2(&pwd, unknown), UV_ENOENT);
  ASSERT_NULL(pwd.username);

  ASSERT_EQ(uv_os_get_passwd2(NULL, 0), UV_EINVAL);
  return 0;
#endif
}

#ifndef _WIN32
/* With only the effective uid changed, the entry is the effective user's
 * (libuv documents euid, not the real uid). */
static int passwd_of_euid(void) {
  uv_passwd_t pwd;
  struct passwd* pw;

  if (setegid(65534) != 0 || seteuid(65534) != 0)
    return 2;
  if (getuid() != 0 || geteuid() != 65534)
    return 3;
  pw = getpwuid(65534);
  if (pw == NULL)
    return uv_os_get_passwd(&pwd) == UV_ENOENT ? 0 : 4;
  if (uv_os_get_passwd(&pwd) != 0)
    return 5;
  check_passwd(&pwd, pw);
  uv_os_free_passwd(&pwd);
  return 0;
}
#endif

TEST(os_passwd_effective_uid) {
#ifdef _WIN32
  RETURN_SKIP("Unix ids");
#else
  if (geteuid() != 0)
    RETURN_SKIP("needs root to change the effective uid");
  ASSERT_OK(run_in_child(passwd_of_euid));
  return 0;
#endif
}

#ifndef _WIN32
static void check_group(const uv_group_t* grp, const struct group* gr) {
  size_t n;

  ASSERT_STR_EQ(grp->groupname, gr->gr_name);
  ASSERT_UINT64_EQ(grp->gid, gr->gr_gid);
  ASSERT_NOT_NULL(grp->members);
  for (n = 0; gr->gr_mem[n] != NULL; n++)
    ASSERT_STR_EQ(grp->members[n], gr->gr_mem[n]);
  ASSERT_NULL(grp->members[n]);
}
#endif

TEST(os_group) {
#ifdef _WIN32
  uv_group_t grp;

  /* Groups are security identifiers too. */
  ASSERT_EQ(uv_os_get_group(&grp, 0), UV_ENOTSUP);
  ASSERT_EQ(uv_os_get_group(NULL, 0), UV_EINVAL);
  uv_os_free_group(NULL);
  return 0;
#else
  uv_group_t grp;
  struct group* gr;
  struct group copy;
  char* members[64];
  char name[256];
  uid_t unknown;
  size_t n;
  int found;

  gr = getgrgid(0);
  ASSERT_NOT_NULL(gr);
  ASSERT_OK(uv_os_get_group(&grp, 0));
  check_group(&grp, gr);
  ASSERT_UINT64_EQ(grp.gid, 0);
  uv_os_free_group(&grp);
  ASSERT_NULL(grp.members);
  ASSERT_NULL(grp.groupname);

  /* A group that has members, if the system has one, to see the list.
   * getgrent()'s storage is reused by getgrgid(): keep a copy. */
  found = 0;
  setgrent();
  while ((gr = getgrent()) != NULL) {
    if (gr->gr_mem[0] == NULL || strlen(gr->gr_name) >= sizeof(name))
      continue;
    for (n = 0; gr->gr_mem[n] != NULL && n < 63; n++)
      members[n] = strdup(gr->gr_mem[n]);
    if (gr->gr_mem[n] != NULL) {
      while (n > 0)
        free(members[--n]);
      continue;
    }
    members[n] = NULL;
    strcpy(name, gr->gr_name);
    copy.gr_name = name;
    copy.gr_gid = gr->gr_gid;
    copy.gr_mem = members;
    found = 1;
    break;
  }
  endgrent();
  if (found) {
    ASSERT_OK(uv_os_get_group(&grp, copy.gr_gid));
    /* Several groups may share a gid; compare with the one getgrgid()
     * picks when it is not ours. */
    gr = getgrgid(copy.gr_gid);
    ASSERT_NOT_NULL(gr);
    check_group(&grp, strcmp(gr->gr_name, name) == 0 ? &copy : gr);
    uv_os_free_group(&grp);
    for (n = 0; members[n] != NULL; n++)
      free(members[n]);
  }

  unknown = unknown_uid();
  if (unknown != (uid_t) -1)
    ASSERT_EQ(uv_os_get_group(&grp, unknown), UV_ENOENT);

  ASSERT_EQ(uv_os_get_group(NULL, 0), UV_EINVAL);
  uv_os_free_group(NULL);
  if (!found)
    RETURN_SKIP("no group with members to compare the member list");
  return 0;
#endif
}
