/* helloworld: the smallest uvcore program.
 *
 * A loop of our own is initialised, run and closed.  With nothing to wait
 * for, uv_run returns at once (0: no active handles or requests remain),
 * and uv_loop_close succeeds because nothing was left open.
 */
#include "common.h"

#include <stdio.h>

int main(int argc, char** argv) {
  uv_loop_t loop;
  int r;

  (void) argc;
  set_program_name(argv[0]);
  printf("uvcore, libuv API %s\n", uv_version_string());
  check(uv_loop_init(&loop), "uv_loop_init");
  r = check(uv_run(&loop, UV_RUN_DEFAULT), "uv_run");
  printf("uv_run returned %d: nothing to do\n", r);
  check(uv_loop_close(&loop), "uv_loop_close");
  printf("Now quitting.\n");
  return 0;
}
