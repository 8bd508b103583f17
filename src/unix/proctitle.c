/* uvcore — uv_setup_args() and the process title.
 *
 * Unix has no call that sets the command line ps shows: /proc/<pid>/cmdline
 * (which ps reads) is the memory that held argv's strings when the program
 * started.  So the title is written over that memory, and uv_setup_args()
 * first copies argv to the heap and hands the copy back, because the
 * caller's own argv strings are about to be overwritten.
 *
 * Traps:
 * - The area is only as long as argv's strings were.  setproctitle
 *   emulations also take over the environment strings that usually follow,
 *   after moving environ to the heap; that breaks code still holding
 *   pointers into the old environment, for a few more bytes of title.  We
 *   use argv's area only and truncate longer titles.
 * - argv's strings are adjacent after execve(), but a program or launcher
 *   may hand us a rewritten argv.  Only the leading run of strings that
 *   really are adjacent counts, so nothing outside argv's own memory is
 *   ever written.
 * - The kernel shows the whole area; if its last byte is not NUL it assumes
 *   the setproctitle convention and reads on into the environment.  So the
 *   rest of the area is cleared and its last byte always stays NUL.
 * - The title may itself point into the area (say, the caller's old
 *   argv[1]): the copy must allow overlap.
 * - The short name (/proc/<pid>/comm, what top and ps -o comm show) belongs
 *   to a thread; see set_thread_name().
 */
#include "internal.h"

#include <pthread.h>
#include <string.h>

#if defined(__linux__)
# include <fcntl.h>
# include <sys/prctl.h>
# include <sys/syscall.h>
#endif

static pthread_mutex_t title_mutex = PTHREAD_MUTEX_INITIALIZER;
static char** args_copy;   /* what uv_setup_args() returned; NULL before */
static char* title_area;   /* argv[0]'s memory */
static size_t title_cap;   /* bytes of the area, its final NUL included */
static size_t title_len;   /* length of the current title */

#if defined(__linux__)
/* Linux: PR_SET_NAME names the calling thread only.  libuv calls it from
 * whichever thread sets the title, which renames a worker thread and leaves
 * the process's name alone; we rename the main thread (the thread group
 * leader, whose name ps shows for the process) from any thread: prctl on
 * the main thread, /proc/self/comm (writable by any thread of the group)
 * elsewhere.  The kernel truncates to 15 bytes.  Best effort: the title in
 * cmdline is what counts. */
static void set_thread_name(const char* name) {
  size_t len;
  ssize_t n;
  int fd;

  if (syscall(SYS_gettid) == (long) getpid()) {
    prctl(PR_SET_NAME, (unsigned long) name, 0UL, 0UL, 0UL);
    return;
  }
  fd = open("/proc/self/comm", O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return;
  len = strnlen(name, 15);
  do
    n = write(fd, name, len);
  while (n < 0 && errno == EINTR);
  uv__close(fd);
}
#else
/* Other systems have their own calls (setproctitle on the BSDs); a port
 * adds them here or in a sibling file. */
static void set_thread_name(const char* name) {
  (void) name;
}
#endif

char** uv_setup_args(int argc, char** argv) {
  char** copy;
  char* end;
  char* s;
  size_t total;
  size_t n;
  int i;

  if (argc <= 0 || argv == NULL || argv[0] == NULL)
    return argv;

  /* A NULL before argc strings ends argv early. */
  total = 0;
  for (i = 0; i < argc && argv[i] != NULL; i++)
    total += strlen(argv[i]) + 1;
  argc = i;

  pthread_mutex_lock(&title_mutex);
  if (args_copy != NULL) {
    /* Only the first call counts: argv may now be our own copy. */
    pthread_mutex_unlock(&title_mutex);
    return argv;
  }

  copy = uv__malloc((size_t) (argc + 1) * sizeof(*copy) + total);
  if (copy == NULL) {
    pthread_mutex_unlock(&title_mutex);
    return argv;
  }
  s = (char*) (copy + argc + 1);
  for (i = 0; i < argc; i++) {
    n = strlen(argv[i]) + 1;
    memcpy(s, argv[i], n);
    copy[i] = s;
    s += n;
  }
  copy[argc] = NULL;

  end = argv[0] + strlen(argv[0]) + 1;
  for (i = 1; i < argc && argv[i] == end; i++)
    end += strlen(argv[i]) + 1;

  args_copy = copy;
  title_area = argv[0];
  title_cap = (size_t) (end - argv[0]);
  title_len = strlen(argv[0]);
  pthread_mutex_unlock(&title_mutex);
  return copy;
}

int uv_set_process_title(const char* title) {
  size_t len;

  if (title == NULL)
    return UV_EINVAL;

  pthread_mutex_lock(&title_mutex);
  if (args_copy == NULL) {
    pthread_mutex_unlock(&title_mutex);
    return UV_ENOBUFS;  /* libuv's answer when uv_setup_args() was not run */
  }
  len = strlen(title);
  if (len > title_cap - 1)
    len = title_cap - 1;
  memmove(title_area, title, len);
  memset(title_area + len, '\0', title_cap - len);
  title_len = len;
  set_thread_name(title_area);
  pthread_mutex_unlock(&title_mutex);
  return 0;
}

int uv_get_process_title(char* buffer, size_t size) {
  if (buffer == NULL || size == 0)
    return UV_EINVAL;

  pthread_mutex_lock(&title_mutex);
  if (args_copy == NULL || size <= title_len) {
    pthread_mutex_unlock(&title_mutex);
    return UV_ENOBUFS;
  }
  memcpy(buffer, title_area, title_len);
  buffer[title_len] = '\0';
  pthread_mutex_unlock(&title_mutex);
  return 0;
}

void uv__process_title_cleanup(void) {
  pthread_mutex_lock(&title_mutex);
  uv__free(args_copy);
  args_copy = NULL;
  title_area = NULL;
  title_cap = 0;
  title_len = 0;
  pthread_mutex_unlock(&title_mutex);
}
