/* proc-streams: chooses what each of a child's standard streams is.
 *
 * The program starts a copy of itself (found with uv_exepath) as the
 * child, which writes one line to its standard output and one to its
 * standard error.  The parent gives it:
 *   stdin   UV_IGNORE       (/dev/null)
 *   stdout  UV_IGNORE       (/dev/null: the line vanishes)
 *   stderr  UV_INHERIT_FD 2 (our own standard error: the line shows)
 */
#include "common.h"

#include <stdio.h>
#include <string.h>

static int status = 1;

static int child_main(void) {
  /* Both writes succeed: /dev/null takes anything. */
  if (printf("child: this line goes to standard output\n") < 0 ||
      fflush(stdout) != 0)
    return 1;
  if (fprintf(stderr, "child: this line goes to standard error\n") < 0)
    return 1;
  return 0;
}

static void on_child_exit(uv_process_t* proc, int64_t exit_status, int term_signal) {
  printf("child exited with status %lld, signal %d\n",
         (long long) exit_status, term_signal);
  status = exit_status == 0 && term_signal == 0 ? 0 : 1;
  uv_close((uv_handle_t*) proc, NULL);
}

int main(int argc, char** argv) {
  uv_process_options_t options;
  uv_stdio_container_t stdio[3];
  uv_process_t child;
  uv_loop_t* loop;
  char exe[4096];
  size_t exe_len = sizeof(exe);
  char* args[3];

  set_program_name(argv[0]);
  if (argc > 1 && strcmp(argv[1], "--child") == 0)
    return child_main();

  loop = uv_default_loop();
  check(uv_exepath(exe, &exe_len), "uv_exepath");
  args[0] = exe;
  args[1] = "--child";
  args[2] = NULL;
  memset(&options, 0, sizeof(options));
  memset(stdio, 0, sizeof(stdio));
  stdio[0].flags = UV_IGNORE;
  stdio[1].flags = UV_IGNORE;
  stdio[2].flags = UV_INHERIT_FD;
  stdio[2].data.fd = 2;
  options.file = exe;
  options.args = args;
  options.stdio = stdio;
  options.stdio_count = 3;
  options.exit_cb = on_child_exit;
  check(uv_spawn(loop, &child, &options), "uv_spawn");
  check(uv_run(loop, UV_RUN_DEFAULT), "uv_run");
  check(uv_loop_close(loop), "uv_loop_close");
  return status;
}
