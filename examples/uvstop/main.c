/* uvstop: uv_stop ends uv_run early, with handles still active.
 *
 * An idle callback counts; on its fifth call it asks the loop to stop.
 * uv_run returns at the end of that iteration (non-zero: something is
 * still active), and the program then closes the idle handle itself and
 * runs the loop once more so the close completes.
 */
#include "common.h"

#include <stdio.h>

static unsigned calls;

static void on_idle(uv_idle_t* idle) {
  calls++;
  printf("idle callback %u\n", calls);
  if (calls == 5)
    uv_stop(idle->loop);
}

int main(int argc, char** argv) {
  uv_loop_t* loop;
  uv_idle_t idle;
  int r;

  (void) argc;
  set_program_name(argv[0]);
  loop = uv_default_loop();
  check(uv_idle_init(loop, &idle), "uv_idle_init");
  check(uv_idle_start(&idle, on_idle), "uv_idle_start");
  r = check(uv_run(loop, UV_RUN_DEFAULT), "uv_run");
  printf("stopped after %u calls; uv_run returned %d, loop alive %d\n",
         calls, r != 0, uv_loop_alive(loop));
  uv_close((uv_handle_t*) &idle, NULL);
  check(uv_run(loop, UV_RUN_DEFAULT), "uv_run");
  check(uv_loop_close(loop), "uv_loop_close");
  return 0;
}
