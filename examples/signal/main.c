/* signal: one signal, seen by every handle watching it, in every loop.
 *
 * The main loop has two uv_signal_t handles for SIGUSR1; two more threads
 * run a loop each with one handle for SIGUSR1.  Once all four handles are
 * started (a barrier says so), the main thread sends SIGUSR1 to the
 * process once.  The signal is a callback on each loop's own thread, not
 * an interruption at an arbitrary point, so each callback may do anything
 * a callback may do: here it prints a line and closes its handle, which
 * lets its loop end.  Four callbacks for one signal.
 */
#include "common.h"

#include <signal.h>
#include <stdio.h>

static uv_barrier_t ready;

static void on_usr1(uv_signal_t* handle, int signum) {
  printf("%s: got signal %d\n", (const char*) handle->data, signum);
  uv_close((uv_handle_t*) handle, NULL);
}

static void start_watching(uv_loop_t* loop, uv_signal_t* handle,
                           const char* name) {
  handle->data = (void*) name;
  check(uv_signal_init(loop, handle), "uv_signal_init");
  check(uv_signal_start(handle, on_usr1, SIGUSR1), "uv_signal_start");
}

static void thread_main(void* arg) {
  uv_loop_t loop;
  uv_signal_t handle;

  check(uv_loop_init(&loop), "uv_loop_init");
  start_watching(&loop, &handle, arg);
  uv_barrier_wait(&ready);
  check(uv_run(&loop, UV_RUN_DEFAULT), "uv_run");
  check(uv_loop_close(&loop), "uv_loop_close");
}

int main(int argc, char** argv) {
  uv_signal_t first, second;
  uv_thread_t t1, t2;
  uv_loop_t* loop;

  (void) argc;
  set_program_name(argv[0]);
  setvbuf(stdout, NULL, _IOLBF, 0);
  loop = uv_default_loop();
  check(uv_barrier_init(&ready, 3), "uv_barrier_init");
  start_watching(loop, &first, "main loop, handle 1");
  start_watching(loop, &second, "main loop, handle 2");
  check(uv_thread_create(&t1, thread_main, "thread 1 loop"), "uv_thread_create");
  check(uv_thread_create(&t2, thread_main, "thread 2 loop"), "uv_thread_create");
  uv_barrier_wait(&ready);

  printf("sending SIGUSR1 once\n");
  check(uv_kill(uv_os_getpid(), SIGUSR1), "uv_kill");
  check(uv_run(loop, UV_RUN_DEFAULT), "uv_run");
  check(uv_thread_join(&t1), "uv_thread_join");
  check(uv_thread_join(&t2), "uv_thread_join");
  uv_barrier_destroy(&ready);
  check(uv_loop_close(loop), "uv_loop_close");
  printf("all loops done\n");
  return 0;
}
