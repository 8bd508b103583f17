/* default-loop: the process-wide loop that uv_default_loop hands out.
 *
 * Every call returns the same loop, created on first use; programs with
 * one loop usually need nothing else.  It is closed like any other loop,
 * after which the next uv_default_loop call would create it afresh.
 */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
  uv_loop_t* loop;
  int r;

  (void) argc;
  set_program_name(argv[0]);
  loop = uv_default_loop();
  if (loop == NULL) {
    fprintf(stderr, "%s: uv_default_loop failed\n", argv[0]);
    return 1;
  }
  printf("default loop is the same loop on every call: %s\n",
         uv_default_loop() == loop ? "yes" : "no");
  printf("alive before running: %d\n", uv_loop_alive(loop));
  r = check(uv_run(loop, UV_RUN_DEFAULT), "uv_run");
  printf("uv_run returned %d\n", r);
  check(uv_loop_close(loop), "uv_loop_close");
  printf("default loop closed\n");
  return 0;
}
