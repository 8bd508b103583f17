/* uvcore shared-library smoke test: a program linked against the shared
 * library (uvcore.dll through its import library on Windows, libuvcore.so
 * elsewhere) rather than the static one the test runner uses.  It checks
 * that the API is exported and usable across the boundary, with data (a
 * loop) and callbacks going both ways: a timer, an async handle sent from
 * another thread, and a thread-pool job.  Exit status 0 on success. */
#include <uv.h>

#include <stdio.h>

static int timer_calls;
static int async_calls;
static int work_calls;
static int after_calls;

static void on_timer(uv_timer_t* timer) {
  timer_calls++;
  uv_close((uv_handle_t*) timer, NULL);
}

static void on_async(uv_async_t* async) {
  async_calls++;
  uv_close((uv_handle_t*) async, NULL);
}

static void send_from_thread(void* arg) {
  uv_async_send((uv_async_t*) arg);
}

static void work(uv_work_t* req) {
  (void) req;
  work_calls++;
}

static void after_work(uv_work_t* req, int status) {
  (void) req;
  if (status == 0)
    after_calls++;
}

#define CHECK(expr)                                                  \
  do {                                                               \
    if (!(expr)) {                                                   \
      fprintf(stderr, "shared-smoke: %s failed (line %d)\n", #expr,  \
              __LINE__);                                             \
      return 1;                                                      \
    }                                                                \
  } while (0)

int main(void) {
  uv_loop_t loop;
  uv_timer_t timer;
  uv_async_t async;
  uv_thread_t thread;
  uv_work_t req;

  CHECK(uv_version() == UV_VERSION_HEX);
  CHECK(uv_loop_init(&loop) == 0);
  CHECK(uv_timer_init(&loop, &timer) == 0);
  CHECK(uv_timer_start(&timer, on_timer, 5, 0) == 0);
  CHECK(uv_async_init(&loop, &async, on_async) == 0);
  CHECK(uv_queue_work(&loop, &req, work, after_work) == 0);
  CHECK(uv_thread_create(&thread, send_from_thread, &async) == 0);
  CHECK(uv_run(&loop, UV_RUN_DEFAULT) == 0);
  CHECK(uv_thread_join(&thread) == 0);
  CHECK(timer_calls == 1 && async_calls == 1);
  CHECK(work_calls == 1 && after_calls == 1);
  CHECK(uv_loop_close(&loop) == 0);
  CHECK(uv_err_name(UV_EINVAL) != NULL);
  printf("shared-smoke: ok (%s)\n", uv_version_string());
  return 0;
}
