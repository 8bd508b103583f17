/* thread-create: two threads race, the main thread waits for both.
 *
 * uv_thread_create starts a thread running a function with one argument;
 * uv_thread_join waits for it to end.  The tortoise is started with
 * uv_thread_create_ex to show the options (here a 256 KiB stack).  The two
 * threads share nothing but stdout, where each line goes out whole.
 */
#include "common.h"

#include <stdio.h>

typedef struct {
  const char* name;
  unsigned steps;
  unsigned ms_per_step;
} runner_t;

static void run(void* arg) {
  runner_t* r = arg;
  unsigned i;

  for (i = 1; i <= r->steps; i++) {
    uv_sleep(r->ms_per_step);
    if (i % 5 == 0)
      printf("%s: step %u\n", r->name, i);
  }
  printf("%s finished after %u steps\n", r->name, r->steps);
}

int main(int argc, char** argv) {
  runner_t hare = { "hare", 10, 1 };
  runner_t tortoise = { "tortoise", 10, 5 };
  uv_thread_options_t options;
  uv_thread_t hare_id, tortoise_id;

  (void) argc;
  set_program_name(argv[0]);
  setvbuf(stdout, NULL, _IOLBF, 0);
  check(uv_thread_create(&hare_id, run, &hare), "uv_thread_create");
  options.flags = UV_THREAD_HAS_STACK_SIZE;
  options.stack_size = 256 * 1024;
  check(uv_thread_create_ex(&tortoise_id, &options, run, &tortoise),
        "uv_thread_create_ex");
  check(uv_thread_join(&hare_id), "uv_thread_join");
  check(uv_thread_join(&tortoise_id), "uv_thread_join");
  printf("both threads joined\n");
  return 0;
}
