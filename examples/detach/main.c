/* detach: starts a program that outlives us.
 *
 *   detach PROGRAM [ARG...]
 *
 * UV_PROCESS_DETACHED puts the child in a session of its own, so it keeps
 * running when our terminal or process group goes away.  Its standard
 * streams are /dev/null (UV_IGNORE), so it holds none of ours.  uv_unref
 * on the process handle lets uv_run return without waiting for it; we
 * print its pid and exit, leaving it running.
 */
#include "common.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char** argv) {
  uv_process_options_t options;
  uv_stdio_container_t stdio[3];
  uv_process_t child;
  uv_loop_t* loop;
  int r;

  set_program_name(argv[0]);
  if (argc < 2) {
    fprintf(stderr, "usage: detach PROGRAM [ARG...]\n");
    return 2;
  }
  loop = uv_default_loop();
  memset(&options, 0, sizeof(options));
  memset(stdio, 0, sizeof(stdio));
  stdio[0].flags = stdio[1].flags = stdio[2].flags = UV_IGNORE;
  options.file = argv[1];
  options.args = argv + 1;
  options.stdio = stdio;
  options.stdio_count = 3;
  options.flags = UV_PROCESS_DETACHED;
  /* No exit callback: nobody here will be around to hear of the exit. */
  r = uv_spawn(loop, &child, &options);
  if (r != 0) {
    report(r, argv[1]);
    uv_close((uv_handle_t*) &child, NULL);
  } else {
    printf("started detached process %d\n", uv_process_get_pid(&child));
    uv_unref((uv_handle_t*) &child);
  }
  check(uv_run(loop, UV_RUN_DEFAULT), "uv_run");
  /* Closing the handle does not stop the process, it only forgets it. */
  if (r == 0)
    uv_close((uv_handle_t*) &child, NULL);
  check(uv_run(loop, UV_RUN_DEFAULT), "uv_run");
  check(uv_loop_close(loop), "uv_loop_close");
  return r == 0 ? 0 : 1;
}
