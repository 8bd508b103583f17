/* uvcore — facts about the running process on Windows: its ids, executable
 * path, working directory and priority.
 *
 * Traps:
 * - Windows has no getppid(): the parent's id is in the process's basic
 *   information (NtQueryInformationProcess, found in ntdll at run time).
 *   It is the id the parent had; that process may have exited and the id
 *   been reused since, as libuv also documents.
 * - cmd.exe remembers one working directory per drive in hidden "=X:"
 *   environment variables, and child processes inherit them: uv_chdir
 *   keeps the one of the new drive up to date, as the C library's
 *   _wchdir does.
 * - GetModuleFileNameW truncates silently when the buffer is short (it
 *   returns the buffer size and sets ERROR_INSUFFICIENT_BUFFER): we grow
 *   the buffer until the path fits.
 * - Priorities are per process, in six classes: libuv's numbers map onto
 *   them in bands (UV_PRIORITY_HIGHEST is the real-time class, which needs
 *   a privilege the system grants silently as "high" when absent).
 */
#include "os.h"

#include <string.h>

uv_pid_t uv_os_getpid(void) {
  return (uv_pid_t) GetCurrentProcessId();
}

/* The documented layout of PROCESS_BASIC_INFORMATION; the SDK's own
 * declaration hides the parent id behind a reserved name. */
typedef struct {
  LONG exit_status;
  void* peb;
  ULONG_PTR affinity;
  LONG base_priority;
  ULONG_PTR pid;
  ULONG_PTR parent_pid;
} uv__process_basic_info_t;

typedef LONG (NTAPI *uv__nt_query_process_t)(HANDLE process, int klass,
                                             void* info, ULONG len,
                                             ULONG* retlen);

uv_pid_t uv_os_getppid(void) {
  uv__process_basic_info_t info;
  uv__nt_query_process_t query;
  HMODULE ntdll;
  FARPROC p;

  ntdll = GetModuleHandleW(L"ntdll.dll");
  if (ntdll == NULL)
    return -1;
  p = GetProcAddress(ntdll, "NtQueryInformationProcess");
  if (p == NULL)
    return -1;
  query = (uv__nt_query_process_t) (void (*)(void)) p;
  memset(&info, 0, sizeof(info));
  /* Class 0 is ProcessBasicInformation. */
  if (query(GetCurrentProcess(), 0, &info, sizeof(info), NULL) < 0)
    return -1;
  return (uv_pid_t) info.parent_pid;
}

/* The working directory, newly allocated; *len its length. */
static int current_dir(WCHAR** out, int* len) {
  WCHAR* buf;
  DWORD cap;
  DWORD n;

  *out = NULL;
  buf = NULL;
  cap = 0;
  for (;;) {
    n = GetCurrentDirectoryW(cap, buf);
    if (n == 0) {
      uv__free(buf);
      return uv_translate_sys_error((int) GetLastError());
    }
    if (buf != NULL && n < cap)
      break;
    cap = n;  /* the size needed, NUL included */
    buf = uv__reallocf(buf, (size_t) cap * sizeof(*buf));
    if (buf == NULL)
      return UV_ENOMEM;
  }
  *out = buf;
  *len = (int) n;
  return 0;
}

int uv_cwd(char* buffer, size_t* size) {
  WCHAR* dir;
  int len;
  int r;

  if (buffer == NULL || size == NULL || *size == 0)
    return UV_EINVAL;
  r = current_dir(&dir, &len);
  if (r != 0)
    return r;
  len = uv__win_strip_trailing_slash(dir, len);
  r = uv__win_copy_out_wide(dir, len, buffer, size);
  uv__free(dir);
  return r;
}

int uv_chdir(const char* dir) {
  WCHAR drive_var[4];
  WCHAR* dirw;
  WCHAR* cwd;
  WCHAR c;
  int len;
  int r;

  if (dir == NULL)
    return UV_EINVAL;
  r = uv__wide_from_utf8(dir, &dirw);
  if (r != 0)
    return r;
  if (!SetCurrentDirectoryW(dirw)) {
    r = uv_translate_sys_error((int) GetLastError());
    uv__free(dirw);
    return r;
  }
  uv__free(dirw);

  /* "=X:" for a drive-letter directory; UNC paths have no such entry.
   * Failing to record it does not undo the change of directory. */
  if (current_dir(&cwd, &len) != 0)
    return 0;
  c = cwd[0];
  if (len >= 2 && cwd[1] == L':' &&
      ((c >= L'A' && c <= L'Z') || (c >= L'a' && c <= L'z'))) {
    drive_var[0] = L'=';
    drive_var[1] = (c >= L'a') ? (WCHAR) (c - L'a' + L'A') : c;
    drive_var[2] = L':';
    drive_var[3] = L'\0';
    SetEnvironmentVariableW(drive_var, cwd);
  }
  uv__free(cwd);
  return 0;
}

/* libuv's contract, as on Unix: a path longer than *size - 1 bytes is
 * truncated, and the call still succeeds with *size set to the length
 * written.  We never cut a UTF-8 sequence in half. */
int uv_exepath(char* buffer, size_t* size) {
  WCHAR* path;
  DWORD cap;
  DWORD n;
  size_t len;
  char* s;
  int r;

  if (buffer == NULL || size == NULL || *size == 0)
    return UV_EINVAL;

  path = NULL;
  cap = MAX_PATH;
  for (;;) {
    path = uv__reallocf(path, (size_t) cap * sizeof(*path));
    if (path == NULL)
      return UV_ENOMEM;
    n = GetModuleFileNameW(NULL, path, cap);
    if (n == 0) {
      r = uv_translate_sys_error((int) GetLastError());
      uv__free(path);
      return r;
    }
    if (n < cap)
      break;
    if (cap >= 32768) {  /* longer than any Windows path */
      uv__free(path);
      return UV_EIO;
    }
    cap *= 2;
  }

  r = uv__utf8_from_wide(path, (int) n, &s, &len);
  uv__free(path);
  if (r != 0)
    return r;
  if (len > *size - 1) {
    len = *size - 1;
    while (len > 0 && ((unsigned char) s[len] & 0xC0) == 0x80)
      len--;
  }
  memcpy(buffer, s, len);
  buffer[len] = '\0';
  *size = len;
  uv__free(s);
  return 0;
}

static HANDLE open_for_priority(uv_pid_t pid, DWORD access) {
  if (pid == 0 || (DWORD) pid == GetCurrentProcessId())
    return GetCurrentProcess();  /* a pseudo handle: nothing to close */
  return OpenProcess(access, FALSE, (DWORD) pid);
}

/* OpenProcess says ERROR_INVALID_PARAMETER for an id no process has. */
static int open_error(void) {
  DWORD err;

  err = GetLastError();
  if (err == ERROR_INVALID_PARAMETER)
    return UV_ESRCH;
  return uv_translate_sys_error((int) err);
}

static void close_for_priority(HANDLE h) {
  if (h != GetCurrentProcess())
    CloseHandle(h);
}

int uv_os_getpriority(uv_pid_t pid, int* priority) {
  DWORD klass;
  HANDLE h;
  int r;

  if (priority == NULL)
    return UV_EINVAL;
  h = open_for_priority(pid, PROCESS_QUERY_LIMITED_INFORMATION);
  if (h == NULL)
    return open_error();
  klass = GetPriorityClass(h);
  r = klass == 0 ? uv_translate_sys_error((int) GetLastError()) : 0;
  close_for_priority(h);
  if (r != 0)
    return r;

  switch (klass) {
    case REALTIME_PRIORITY_CLASS:
      *priority = UV_PRIORITY_HIGHEST;
      break;
    case HIGH_PRIORITY_CLASS:
      *priority = UV_PRIORITY_HIGH;
      break;
    case ABOVE_NORMAL_PRIORITY_CLASS:
      *priority = UV_PRIORITY_ABOVE_NORMAL;
      break;
    case BELOW_NORMAL_PRIORITY_CLASS:
      *priority = UV_PRIORITY_BELOW_NORMAL;
      break;
    case IDLE_PRIORITY_CLASS:
      *priority = UV_PRIORITY_LOW;
      break;
    default:
      *priority = UV_PRIORITY_NORMAL;
      break;
  }
  return 0;
}

int uv_os_setpriority(uv_pid_t pid, int priority) {
  DWORD klass;
  HANDLE h;
  int r;

  if (priority < UV_PRIORITY_HIGHEST || priority > UV_PRIORITY_LOW)
    return UV_EINVAL;
  /* Each class takes the band from its own number up to the next's. */
  if (priority < UV_PRIORITY_HIGH)
    klass = REALTIME_PRIORITY_CLASS;
  else if (priority < UV_PRIORITY_ABOVE_NORMAL)
    klass = HIGH_PRIORITY_CLASS;
  else if (priority < UV_PRIORITY_NORMAL)
    klass = ABOVE_NORMAL_PRIORITY_CLASS;
  else if (priority < UV_PRIORITY_BELOW_NORMAL)
    klass = NORMAL_PRIORITY_CLASS;
  else if (priority < UV_PRIORITY_LOW)
    klass = BELOW_NORMAL_PRIORITY_CLASS;
  else
    klass = IDLE_PRIORITY_CLASS;

  h = open_for_priority(pid, PROCESS_SET_INFORMATION);
  if (h == NULL)
    return open_error();
  r = SetPriorityClass(h, klass) ? 0
                                 : uv_translate_sys_error((int) GetLastError());
  close_for_priority(h);
  return r;
}
