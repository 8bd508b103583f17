/* spawn: starts a program and reports how it ended.
 *
 *   spawn PROGRAM [ARG...]
 *
 * uv_spawn looks PROGRAM up in PATH when it has no slash, as execvp does.
 * The child shares our standard input, output and error (UV_INHERIT_FD).
 * The exit callback receives the exit status and the terminating signal;
 * the process handle must then be closed like any other.  A program that
 * cannot be started is reported at once by uv_spawn (e.g. UV_ENOENT),
 * not by a child that exits 127; the handle is closed in that case too.
 */
#include "common.h"

#include <stdio.h>
#include <string.h>

static int status;

static void on_child_exit(uv_process_t* proc, int64_t exit_status, int term_signal) {
  printf("process %d exited with status %lld, signal %d\n",
         uv_process_get_pid(proc), (long long) exit_status, term_signal);
  status = exit_status == 0 && term_signal == 0 ? 0 : 1;
  uv_close((uv_handle_t*) proc, NULL);
}

int main(int argc, char** argv) {
  uv_process_options_t options;
  uv_stdio_container_t stdio[3];
  uv_process_t child;
  uv_loop_t* loop;
  int i, r;

  set_program_name(argv[0]);
  if (argc < 2) {
    fprintf(stderr, "usage: spawn PROGRAM [ARG...]\n");
    return 2;
  }
  loop = uv_default_loop();
  memset(&options, 0, sizeof(options));
  for (i = 0; i < 3; i++) {
    stdio[i].flags = UV_INHERIT_FD;
    stdio[i].data.fd = i;
  }
  options.file = argv[1];
  options.args = argv + 1;  /* argv[1] is also the child's argv[0] */
  options.stdio = stdio;
  options.stdio_count = 3;
  options.exit_cb = on_child_exit;
  r = uv_spawn(loop, &child, &options);
  if (r != 0) {
    report(r, argv[1]);
    uv_close((uv_handle_t*) &child, NULL);
    status = 1;
  } else {
    printf("started process %d\n", uv_process_get_pid(&child));
    fflush(stdout);  /* before the child writes to the same output */
  }
  check(uv_run(loop, UV_RUN_DEFAULT), "uv_run");
  check(uv_loop_close(loop), "uv_loop_close");
  return status;
}
