/* Windows platform layer of the test runner: processes, clock.
 *
 * A test process runs in its own job object, so that killing it on a
 * timeout also kills the helpers it started; the job is created with
 * KILL_ON_JOB_CLOSE, so a runner that dies takes its test with it.  Output
 * is collected by a reader thread (anonymous pipes cannot be waited on).
 * There is no descriptor leak check on Windows: the snapshot is empty.
 */

#ifndef _WIN32_WINNT
# define _WIN32_WINNT 0x0602
#endif
#ifndef WIN32_LEAN_AND_MEAN
# define WIN32_LEAN_AND_MEAN
#endif

#include "runner.h"

#include <windows.h>
#include <errno.h>
#include <process.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _MSC_VER
# include <crtdbg.h>
#endif

#define UVTEST_DRAIN_MS 2000

static char exepath[32768 * 3];
static HANDLE running_job;

/* ------------------------------------------------------------------------ */
/* Misc */

uint64_t uvtest_now_ms(void) {
  static LARGE_INTEGER freq;
  LARGE_INTEGER now;

  if (freq.QuadPart == 0)
    QueryPerformanceFrequency(&freq);
  QueryPerformanceCounter(&now);
  return (uint64_t) ((double) now.QuadPart * 1000.0 / (double) freq.QuadPart);
}

long uvtest_getpid(void) {
  return (long) GetCurrentProcessId();
}

int uvtest_setenv(const char* name, const char* value) {
  /* Updates the CRT copy and the process environment block. */
  return _putenv_s(name, value) == 0 ? 0 : -EINVAL;
}

void uvtest_remove_file(const char* path) {
  (void) DeleteFileA(path);
}

const char* uvtest_signal_name(int signum) {
  switch (signum) {
    case SIGABRT: return "SIGABRT";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGINT: return "SIGINT";
    case SIGSEGV: return "SIGSEGV";
    case SIGTERM: return "SIGTERM";
    default: return NULL;
  }
}

static int err_from_win(DWORD err) {
  switch (err) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND: return -ENOENT;
    case ERROR_ACCESS_DENIED: return -EACCES;
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY: return -ENOMEM;
    case ERROR_INVALID_HANDLE: return -EBADF;
    default: return -EINVAL;
  }
}

static WCHAR* utf8_to_wide(const char* s) {
  WCHAR* w;
  int n;

  n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
  if (n <= 0)
    return NULL;
  w = malloc((size_t) n * sizeof(*w));
  if (w == NULL)
    return NULL;
  MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n);
  return w;
}

/* ------------------------------------------------------------------------ */
/* Initialisation */

int uvtest_platform_init(const char* argv0) {
  static WCHAR wpath[32768];
  DWORD n;

  (void) argv0;
  /* No error dialogs: a crash must end the process, not wait for a click. */
  SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX |
               SEM_NOOPENFILEERRORBOX);
#if defined(_MSC_VER) || defined(_UCRT)
  _set_abort_behavior(0, _WRITE_ABORT_MSG | _CALL_REPORTFAULT);
#endif
#ifdef _MSC_VER
  _CrtSetReportMode(_CRT_ASSERT, _CRTDBG_MODE_FILE);
  _CrtSetReportFile(_CRT_ASSERT, _CRTDBG_FILE_STDERR);
  _CrtSetReportMode(_CRT_ERROR, _CRTDBG_MODE_FILE);
  _CrtSetReportFile(_CRT_ERROR, _CRTDBG_FILE_STDERR);
#endif

  n = GetModuleFileNameW(NULL, wpath, sizeof(wpath) / sizeof(wpath[0]));
  if (n == 0 || n >= sizeof(wpath) / sizeof(wpath[0]) ||
      WideCharToMultiByte(CP_UTF8, 0, wpath, -1, exepath, sizeof(exepath),
                          NULL, NULL) == 0) {
    fprintf(stderr, "uvcore_tests: cannot determine the executable path\n");
    return -1;
  }
  return 0;
}

const char* uvtest_platform_exepath(void) {
  return exepath;
}

static BOOL WINAPI on_console_ctrl(DWORD type) {
  (void) type;
  if (running_job != NULL)
    TerminateJobObject(running_job, 1);
  return FALSE;  /* let the default handler end the runner */
}

int uvtest_platform_parent_init(void) {
  return SetConsoleCtrlHandler(on_console_ctrl, TRUE) ? 0 : -EINVAL;
}

/* ------------------------------------------------------------------------ */
/* Processes */

/* Appends arg to the command line, quoted so that CommandLineToArgvW and
 * the C runtime give it back unchanged. */
static WCHAR* append_arg(WCHAR* p, const WCHAR* arg) {
  const WCHAR* s;
  size_t slashes;
  size_t i;

  if (*arg != L'\0' && wcspbrk(arg, L" \t\n\v\"") == NULL) {
    while (*arg != L'\0')
      *p++ = *arg++;
    return p;
  }
  *p++ = L'"';
  for (s = arg; ; s++) {
    slashes = 0;
    while (*s == L'\\') {
      slashes++;
      s++;
    }
    if (*s == L'\0') {
      for (i = 0; i < slashes * 2; i++)
        *p++ = L'\\';
      break;
    }
    if (*s == L'"') {
      for (i = 0; i < slashes * 2 + 1; i++)
        *p++ = L'\\';
    } else {
      for (i = 0; i < slashes; i++)
        *p++ = L'\\';
    }
    *p++ = *s;
  }
  *p++ = L'"';
  return p;
}

static WCHAR* make_command_line(const char* const* argv) {
  WCHAR** wargs;
  WCHAR* line;
  WCHAR* p;
  size_t count;
  size_t size;
  size_t i;

  for (count = 0; argv[count] != NULL; count++)
    ;
  wargs = calloc(count + 1, sizeof(*wargs));
  if (wargs == NULL)
    return NULL;
  size = 1;
  line = NULL;
  for (i = 0; i < count; i++) {
    wargs[i] = utf8_to_wide(argv[i]);
    if (wargs[i] == NULL)
      goto out;
    size += wcslen(wargs[i]) * 2 + 3;  /* worst case escaping, quotes, space */
  }
  line = malloc(size * sizeof(*line));
  if (line == NULL)
    goto out;
  p = line;
  for (i = 0; i < count; i++) {
    if (i > 0)
      *p++ = L' ';
    p = append_arg(p, wargs[i]);
  }
  *p = L'\0';
out:
  for (i = 0; i < count; i++)
    free(wargs[i]);
  free(wargs);
  return line;
}

int uvtest_proc_spawn(uvtest_proc_t* proc, const char* const* argv,
                      unsigned flags) {
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits;
  SECURITY_ATTRIBUTES sa;
  PROCESS_INFORMATION pi;
  STARTUPINFOW si;
  HANDLE out_read;
  HANDLE out_write;
  HANDLE null_in;
  HANDLE job;
  WCHAR* app;
  WCHAR* cmd;
  DWORD create_flags;
  int err;

  memset(proc, 0, sizeof(*proc));
  proc->flags = flags;
  out_read = NULL;
  out_write = NULL;
  null_in = NULL;
  job = NULL;
  err = 0;

  app = utf8_to_wide(argv[0]);
  cmd = make_command_line(argv);
  if (app == NULL || cmd == NULL) {
    err = -ENOMEM;
    goto out;
  }

  memset(&sa, 0, sizeof(sa));
  sa.nLength = sizeof(sa);
  sa.bInheritHandle = TRUE;

  memset(&si, 0, sizeof(si));
  si.cb = sizeof(si);
  if (flags & (UVTEST_PROC_CAPTURE | UVTEST_PROC_NULL_STDIN)) {
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
  }
  if (flags & UVTEST_PROC_CAPTURE) {
    if (!CreatePipe(&out_read, &out_write, &sa, 0)) {
      err = err_from_win(GetLastError());
      goto out;
    }
    SetHandleInformation(out_read, HANDLE_FLAG_INHERIT, 0);
    si.hStdOutput = out_write;
    si.hStdError = out_write;
  }
  if (flags & UVTEST_PROC_NULL_STDIN) {
    null_in = CreateFileW(L"NUL", GENERIC_READ,
                          FILE_SHARE_READ | FILE_SHARE_WRITE, &sa,
                          OPEN_EXISTING, 0, NULL);
    if (null_in == INVALID_HANDLE_VALUE) {
      null_in = NULL;
      err = err_from_win(GetLastError());
      goto out;
    }
    si.hStdInput = null_in;
  }

  create_flags = 0;
  if (flags & UVTEST_PROC_NEW_GROUP) {
    job = CreateJobObjectW(NULL, NULL);
    if (job == NULL) {
      err = err_from_win(GetLastError());
      goto out;
    }
    memset(&limits, 0, sizeof(limits));
    limits.BasicLimitInformation.LimitFlags =
        JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE |
        JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION;
    SetInformationJobObject(job, JobObjectExtendedLimitInformation, &limits,
                            sizeof(limits));
    create_flags |= CREATE_SUSPENDED | CREATE_NEW_PROCESS_GROUP;
  }

  if (!CreateProcessW(app, cmd, NULL, NULL, TRUE, create_flags, NULL, NULL,
                      &si, &pi)) {
    err = err_from_win(GetLastError());
    goto out;
  }
  if (job != NULL) {
    if (!AssignProcessToJobObject(job, pi.hProcess)) {
      /* Without the job, a timeout only kills the test, not its helpers. */
      CloseHandle(job);
      job = NULL;
    }
    ResumeThread(pi.hThread);
  }
  CloseHandle(pi.hThread);

  proc->process = pi.hProcess;
  proc->pid = pi.dwProcessId;
  proc->job = job;
  proc->out = out_read;
  job = NULL;
  out_read = NULL;

out:
  if (out_write != NULL)
    CloseHandle(out_write);
  if (out_read != NULL)
    CloseHandle(out_read);
  if (null_in != NULL)
    CloseHandle(null_in);
  if (job != NULL)
    CloseHandle(job);
  free(app);
  free(cmd);
  return err;
}

int uvtest_proc_kill(uvtest_proc_t* proc) {
  if (proc->process == NULL)
    return -EINVAL;
  return TerminateProcess(proc->process, 1) ? 0 : err_from_win(GetLastError());
}

typedef struct reader_s {
  HANDLE pipe;
  uvtest_buf_t* out;
} reader_t;

static unsigned __stdcall reader_main(void* arg) {
  reader_t* r = arg;
  char chunk[65536];
  DWORD n;

  while (ReadFile(r->pipe, chunk, sizeof(chunk), &n, NULL) && n > 0)
    if (r->out != NULL)
      uvtest_buf_append(r->out, chunk, n);
  return 0;
}

/* Translates fatal exception codes into the signal a POSIX system would
 * have reported. */
static int exception_signal(DWORD code) {
  switch (code) {
    case EXCEPTION_ACCESS_VIOLATION:
    case EXCEPTION_STACK_OVERFLOW:
    case EXCEPTION_ARRAY_BOUNDS_EXCEEDED:
    case EXCEPTION_IN_PAGE_ERROR:
      return SIGSEGV;
    case EXCEPTION_ILLEGAL_INSTRUCTION:
    case EXCEPTION_PRIV_INSTRUCTION:
      return SIGILL;
    case EXCEPTION_INT_DIVIDE_BY_ZERO:
    case EXCEPTION_INT_OVERFLOW:
    case EXCEPTION_FLT_DIVIDE_BY_ZERO:
    case EXCEPTION_FLT_INVALID_OPERATION:
      return SIGFPE;
    default:
      return 0;
  }
}

int uvtest_proc_wait(uvtest_proc_t* proc, int64_t timeout_ms,
                     uvtest_buf_t* out, uvtest_term_t* term) {
  reader_t reader;
  HANDLE thread;
  DWORD wait;
  DWORD code;
  int timed_out;

  memset(term, 0, sizeof(*term));
  timed_out = 0;
  thread = NULL;

  if (proc->out != NULL) {
    reader.pipe = proc->out;
    reader.out = out;
    thread = (HANDLE) _beginthreadex(NULL, 0, reader_main, &reader, 0, NULL);
    if (thread == NULL) {
      CloseHandle(proc->out);  /* the child gets EPIPE; no output then */
      proc->out = NULL;
    }
  }

  if (proc->job != NULL)
    running_job = proc->job;
  if (timeout_ms < 0)
    wait = INFINITE;
  else if (timeout_ms >= (int64_t) INFINITE)
    wait = INFINITE - 1;
  else
    wait = (DWORD) timeout_ms;
  if (WaitForSingleObject(proc->process, wait) == WAIT_TIMEOUT) {
    timed_out = 1;
    if (proc->job != NULL)
      TerminateJobObject(proc->job, 1);
    TerminateProcess(proc->process, 1);
    WaitForSingleObject(proc->process, INFINITE);
  } else if (proc->job != NULL) {
    TerminateJobObject(proc->job, 1);  /* leftovers of a finished test */
  }
  running_job = NULL;

  if (thread != NULL) {
    if (WaitForSingleObject(thread, UVTEST_DRAIN_MS) == WAIT_TIMEOUT) {
      /* Something outside the job still holds the pipe. */
      CancelSynchronousIo(thread);
      if (WaitForSingleObject(thread, UVTEST_DRAIN_MS) == WAIT_TIMEOUT)
        TerminateThread(thread, 1);
    }
    CloseHandle(thread);
  }
  if (proc->out != NULL) {
    CloseHandle(proc->out);
    proc->out = NULL;
  }

  if (!GetExitCodeProcess(proc->process, &code))
    code = 1;
  CloseHandle(proc->process);
  proc->process = NULL;
  if (proc->job != NULL) {
    CloseHandle(proc->job);
    proc->job = NULL;
  }

  if (timed_out) {
    term->kind = UVTEST_TERM_TIMED_OUT;
  } else if (exception_signal(code) != 0) {
    term->kind = UVTEST_TERM_SIGNALED;
    term->signum = exception_signal(code);
  } else {
    term->kind = UVTEST_TERM_EXITED;
    term->exit_code = (int) code;
  }
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Descriptors: not tracked on Windows. */

int uvtest_fdset_snapshot(uvtest_fdset_t* set) {
  set->fds = NULL;
  set->count = 0;
  return 0;
}

void uvtest_fdset_free(uvtest_fdset_t* set) {
  free(set->fds);
  set->fds = NULL;
  set->count = 0;
}

void uvtest_fd_describe(int fd, char* buf, size_t size) {
  snprintf(buf, size, "descriptor %d", fd);
}
