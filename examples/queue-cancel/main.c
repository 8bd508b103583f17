/* queue-cancel: SIGINT cancels the jobs that have not started yet.
 *
 * Sixteen slow jobs are queued; the pool (4 threads by default) starts
 * four at a time.  On SIGINT every job is offered to uv_cancel: it
 * succeeds for jobs still waiting, whose after-work callback then gets
 * UV_ECANCELED, and fails with UV_EBUSY for jobs already running, which
 * finish normally.  The signal handle is unreferenced, so when no signal
 * comes the program still ends once all jobs are done.
 */
#include "common.h"

#include <signal.h>
#include <stdio.h>

#define JOBS 16
#define JOB_MS 300

static uv_work_t jobs[JOBS];
static uv_signal_t sigint;
static int ran, cancelled;

static void work(uv_work_t* req) {
  (void) req;
  uv_sleep(JOB_MS);  /* stands for a long computation or download */
}

static void after_work(uv_work_t* req, int status) {
  (void) req;
  if (status == UV_ECANCELED)
    cancelled++;
  else if (status == 0)
    ran++;
  else
    report(status, "a job");
}

static void on_sigint(uv_signal_t* handle, int signum) {
  int i, refused = 0;

  (void) signum;
  printf("SIGINT: cancelling the jobs that wait\n");
  for (i = 0; i < JOBS; i++) {
    int r = uv_cancel((uv_req_t*) &jobs[i]);
    if (r == UV_EBUSY)
      refused++;  /* running or finished: it cannot be taken back */
    else if (r != 0)
      report(r, "uv_cancel");
  }
  printf("%d jobs could not be cancelled\n", refused);
  uv_close((uv_handle_t*) handle, NULL);
}

int main(int argc, char** argv) {
  uv_loop_t* loop;
  int i;

  (void) argc;
  set_program_name(argv[0]);
  loop = uv_default_loop();
  check(uv_signal_init(loop, &sigint), "uv_signal_init");
  check(uv_signal_start(&sigint, on_sigint, SIGINT), "uv_signal_start");
  uv_unref((uv_handle_t*) &sigint);
  for (i = 0; i < JOBS; i++)
    check(uv_queue_work(loop, &jobs[i], work, after_work), "uv_queue_work");
  printf("queued %d jobs of %d ms; Ctrl-C cancels those not started\n",
         JOBS, JOB_MS);
  fflush(stdout);
  check(uv_run(loop, UV_RUN_DEFAULT), "uv_run");
  if (!uv_is_closing((uv_handle_t*) &sigint)) {
    uv_close((uv_handle_t*) &sigint, NULL);
    check(uv_run(loop, UV_RUN_DEFAULT), "uv_run");
  }
  printf("%d jobs ran, %d were cancelled\n", ran, cancelled);
  check(uv_loop_close(loop), "uv_loop_close");
  return 0;
}
