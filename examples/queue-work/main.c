/* queue-work: CPU-bound jobs in the thread pool.
 *
 * Each job computes a Fibonacci number the slow way in a pool thread
 * (the work callback), and the result is printed on the loop thread (the
 * after-work callback), where touching loop state is safe.  The jobs run
 * in parallel, so results arrive in whatever order they finish.
 */
#include "common.h"

#include <stdio.h>

#define JOBS 10

typedef struct {
  uv_work_t req;
  int n;
  unsigned long result;
} job_t;

static unsigned long fib(int n) {
  return n < 2 ? (unsigned long) n : fib(n - 1) + fib(n - 2);
}

static void work(uv_work_t* req) {
  job_t* job = req->data;
  job->result = fib(job->n);
}

static void after_work(uv_work_t* req, int status) {
  job_t* job = req->data;

  if (status != 0) {
    report(status, "a job");
    return;
  }
  printf("fib(%d) = %lu\n", job->n, job->result);
}

int main(int argc, char** argv) {
  job_t jobs[JOBS];
  uv_loop_t* loop;
  int i;

  (void) argc;
  set_program_name(argv[0]);
  loop = uv_default_loop();
  for (i = 0; i < JOBS; i++) {
    jobs[i].n = 20 + i;
    jobs[i].req.data = &jobs[i];
    check(uv_queue_work(loop, &jobs[i].req, work, after_work),
          "uv_queue_work");
  }
  check(uv_run(loop, UV_RUN_DEFAULT), "uv_run");
  check(uv_loop_close(loop), "uv_loop_close");
  return 0;
}
