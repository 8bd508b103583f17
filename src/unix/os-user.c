/* uvcore — user and group database entries (uv_os_get_passwd[2],
 * uv_os_get_group) and the home directory (uv_os_homedir).
 *
 * Traps:
 * - getpwuid_r()/getgrgid_r() fill a caller buffer whose needed size is
 *   unknown: sysconf(_SC_GETPW_R_SIZE_MAX) is only a hint (or -1), and a
 *   group with thousands of members needs far more than any hint.  We start
 *   from the hint and double on ERANGE, up to a cap so that a broken NSS
 *   module cannot make us allocate forever.
 * - "No such entry" is reported as success with a NULL result by glibc,
 *   but POSIX lets NSS back ends return ENOENT, ESRCH, EBADF or EPERM for
 *   it instead; the first two are taken to mean UV_ENOENT as well.
 * - They may fail with EINTR (NSS talks to sockets, e.g. to nscd or sssd):
 *   retried.
 * - The result points into that buffer.  libuv hands back one allocation
 *   per entry holding every string, released through its first member
 *   (username, or the members array); we keep that layout, so the free
 *   functions are the only thing a caller needs.
 */
#include "internal.h"
#include "os.h"

#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ENTRY_BUF_MAX ((size_t) 64 << 20)

static size_t entry_buf_hint(int name) {
  long n;

  n = sysconf(name);
  if (n < 1024)
    return 1024;
  if ((unsigned long) n > ENTRY_BUF_MAX)
    return ENTRY_BUF_MAX;
  return (size_t) n;
}

static int lookup_error(int r) {
  if (r == ENOENT || r == ESRCH)
    return UV_ENOENT;
  return -r;
}

/* The reentrant lookups differ only in the call: each adapter runs one
 * with the given buffer and says whether an entry was found. */
typedef int (*entry_call)(unsigned int id, void* ent, char* buf, size_t len,
                          int* found);

static int call_getpwuid(unsigned int id, void* ent, char* buf, size_t len,
                         int* found) {
  struct passwd* result;
  int r;

  r = getpwuid_r((uid_t) id, ent, buf, len, &result);
  *found = result != NULL;
  return r;
}

static int call_getgrgid(unsigned int id, void* ent, char* buf, size_t len,
                         int* found) {
  struct group* result;
  int r;

  r = getgrgid_r((gid_t) id, ent, buf, len, &result);
  *found = result != NULL;
  return r;
}

/* Runs a lookup with a large enough buffer (doubling on ERANGE); *bufp is
 * the buffer the entry points into, for the caller to free. */
static int get_entry(entry_call call, int sc_hint, unsigned int id,
                     void* ent, char** bufp) {
  size_t len;
  char* buf;
  int found;
  int r;

  len = entry_buf_hint(sc_hint);
  for (;;) {
    buf = uv__malloc(len);
    if (buf == NULL)
      return UV_ENOMEM;
    do
      r = call(id, ent, buf, len, &found);
    while (r == EINTR);
    if (r != ERANGE)
      break;
    uv__free(buf);
    if (len >= ENTRY_BUF_MAX)
      return UV_ENOBUFS;
    len *= 2;
  }
  if (r == 0 && !found)
    r = ENOENT;
  if (r != 0) {
    uv__free(buf);
    return lookup_error(r);
  }
  *bufp = buf;
  return 0;
}

/* Appends s (NUL included) at *cursor and returns where it went. */
static char* put_string(char** cursor, const char* s, size_t len) {
  char* dst;

  dst = *cursor;
  memcpy(dst, s, len + 1);
  *cursor += len + 1;
  return dst;
}

int uv_os_get_passwd2(uv_passwd_t* pwd, uv_uid_t uid) {
  struct passwd pw;
  size_t name_len;
  size_t dir_len;
  size_t shell_len;
  char* buf;
  char* block;
  char* cursor;
  int r;

  if (pwd == NULL)
    return UV_EINVAL;

  r = get_entry(call_getpwuid, _SC_GETPW_R_SIZE_MAX, (unsigned int) uid, &pw,
                &buf);
  if (r != 0)
    return r;

  /* NSS back ends are not all careful to fill every field. */
  if (pw.pw_name == NULL)
    pw.pw_name = "";
  if (pw.pw_dir == NULL)
    pw.pw_dir = "";
  name_len = strlen(pw.pw_name);
  dir_len = strlen(pw.pw_dir);
  shell_len = pw.pw_shell != NULL ? strlen(pw.pw_shell) : 0;

  /* username first: uv_os_free_passwd() frees the block through it. */
  block = uv__malloc(name_len + 1 + dir_len + 1 + shell_len + 1);
  if (block == NULL) {
    uv__free(buf);
    return UV_ENOMEM;
  }
  cursor = block;
  pwd->username = put_string(&cursor, pw.pw_name, name_len);
  pwd->homedir = put_string(&cursor, pw.pw_dir, dir_len);
  pwd->shell = NULL;
  if (pw.pw_shell != NULL)
    pwd->shell = put_string(&cursor, pw.pw_shell, shell_len);
  pwd->uid = (unsigned long) pw.pw_uid;
  pwd->gid = (unsigned long) pw.pw_gid;

  uv__free(buf);
  return 0;
}

int uv_os_get_passwd(uv_passwd_t* pwd) {
  return uv_os_get_passwd2(pwd, geteuid());
}

/* libuv declares the id as uv_uid_t; uid_t and gid_t are both unsigned
 * int on every Unix we build for, so nothing is lost. */
int uv_os_get_group(uv_group_t* grp, uv_uid_t gid) {
  struct group gr;
  size_t name_len;
  size_t count;
  size_t total;
  size_t i;
  char** members;
  char* buf;
  char* cursor;
  int r;

  if (grp == NULL)
    return UV_EINVAL;

  r = get_entry(call_getgrgid, _SC_GETGR_R_SIZE_MAX, (unsigned int) gid, &gr,
                &buf);
  if (r != 0)
    return r;

  if (gr.gr_name == NULL)
    gr.gr_name = "";
  name_len = strlen(gr.gr_name);
  count = 0;
  total = 0;
  if (gr.gr_mem != NULL)
    for (; gr.gr_mem[count] != NULL; count++)
      total += strlen(gr.gr_mem[count]) + 1;

  /* The NULL-terminated members array opens the block (so it is suitably
   * aligned, and uv_os_free_group() frees through it); the strings follow. */
  members = uv__malloc((count + 1) * sizeof(*members) + name_len + 1 + total);
  if (members == NULL) {
    uv__free(buf);
    return UV_ENOMEM;
  }
  cursor = (char*) (members + count + 1);
  for (i = 0; i < count; i++)
    members[i] = put_string(&cursor, gr.gr_mem[i], strlen(gr.gr_mem[i]));
  members[count] = NULL;
  grp->groupname = put_string(&cursor, gr.gr_name, name_len);
  grp->gid = (unsigned long) gr.gr_gid;
  grp->members = members;

  uv__free(buf);
  return 0;
}

/* $HOME if it is set and not empty, else the password database entry of
 * the effective user. */
int uv_os_homedir(char* buffer, size_t* size) {
  uv_passwd_t pwd;
  const char* home;
  int r;

  if (buffer == NULL || size == NULL || *size == 0)
    return UV_EINVAL;

  home = getenv("HOME");
  if (home != NULL && home[0] != '\0')
    return uv__os_copy_out(home, strlen(home), buffer, size);

  r = uv_os_get_passwd(&pwd);
  if (r != 0)
    return r;
  r = uv__os_copy_out(pwd.homedir, strlen(pwd.homedir), buffer, size);
  uv_os_free_passwd(&pwd);
  return r;
}
