/* idle-basic: an idle handle runs its callback once per loop iteration.
 *
 * While an idle handle is active the loop never blocks in its poll phase,
 * so the callback below runs as fast as the loop can turn; after the
 * requested number of calls it stops the handle, the loop has nothing
 * left to do and uv_run returns.
 *
 *   idle-basic [COUNT]     (default 100000)
 */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>

static unsigned long wanted = 100000;
static unsigned long calls;

static void on_idle(uv_idle_t* idle) {
  if (++calls >= wanted)
    check(uv_idle_stop(idle), "uv_idle_stop");
}

int main(int argc, char** argv) {
  uv_loop_t* loop;
  uv_idle_t idle;
  uint64_t start;

  set_program_name(argv[0]);
  if (argc > 1)
    wanted = strtoul(argv[1], NULL, 10);
  if (wanted == 0) {
    fprintf(stderr, "usage: idle-basic [COUNT>0]\n");
    return 2;
  }
  loop = uv_default_loop();
  check(uv_idle_init(loop, &idle), "uv_idle_init");
  check(uv_idle_start(&idle, on_idle), "uv_idle_start");
  printf("Idling...\n");
  start = uv_hrtime();
  check(uv_run(loop, UV_RUN_DEFAULT), "uv_run");
  printf("idle callback ran %lu times in %.1f ms\n",
         calls, (double) (uv_hrtime() - start) / 1e6);
  uv_close((uv_handle_t*) &idle, NULL);
  check(uv_run(loop, UV_RUN_DEFAULT), "uv_run");
  check(uv_loop_close(loop), "uv_loop_close");
  return 0;
}
