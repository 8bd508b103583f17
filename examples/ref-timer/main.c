/* ref-timer: an unreferenced handle does not keep the loop alive.
 *
 * A repeating "garbage collector" timer runs every 10 ms for as long as
 * the program does real work, but it is unreferenced with uv_unref, so it
 * alone does not keep uv_run going.  The "job" (a one-shot timer of
 * 150 ms) is the only referenced handle: when it has fired, uv_run
 * returns even though the collector is still active.
 */
#include "common.h"

#include <stdio.h>

static uv_timer_t gc_timer;
static uv_timer_t job_timer;
static unsigned gc_runs;
static uint64_t start;

static void on_gc(uv_timer_t* timer) {
  (void) timer;
  gc_runs++;
}

static void on_job(uv_timer_t* timer) {
  (void) timer;
  printf("job done after %llu ms\n",
         (unsigned long long) (uv_now(timer->loop) - start));
}

int main(int argc, char** argv) {
  uv_loop_t* loop;

  (void) argc;
  set_program_name(argv[0]);
  loop = uv_default_loop();
  start = uv_now(loop);
  check(uv_timer_init(loop, &gc_timer), "uv_timer_init");
  uv_unref((uv_handle_t*) &gc_timer);
  check(uv_timer_start(&gc_timer, on_gc, 0, 10), "uv_timer_start");
  check(uv_timer_init(loop, &job_timer), "uv_timer_init");
  check(uv_timer_start(&job_timer, on_job, 150, 0), "uv_timer_start");
  check(uv_run(loop, UV_RUN_DEFAULT), "uv_run");
  printf("uv_run returned after %llu ms with the collector still active "
         "(%d), having run %u times\n",
         (unsigned long long) (uv_now(loop) - start),
         uv_is_active((uv_handle_t*) &gc_timer), gc_runs);
  uv_close((uv_handle_t*) &gc_timer, NULL);
  uv_close((uv_handle_t*) &job_timer, NULL);
  check(uv_run(loop, UV_RUN_DEFAULT), "uv_run");
  check(uv_loop_close(loop), "uv_loop_close");
  return 0;
}
