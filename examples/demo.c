/* uvcore demo: one event loop driving timers, a descriptor watcher and an
 * async wake-up, then shutting down cleanly.
 *
 * A repeating timer writes a message into a pipe; a poll handle sees the
 * pipe become readable and prints what arrives; after three messages an
 * async handle is signalled, and its callback closes everything.  The
 * loop then has nothing left to do, so uv_run returns.
 */
#include <uv.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static uv_timer_t ticker;
static uv_poll_t reader;
static uv_async_t finish;
static int pipefd[2];
static int received;

static void on_close(uv_handle_t* handle) {
  printf("closed %s handle\n", uv_handle_type_name(handle->type));
}

static void on_finish(uv_async_t* async) {
  (void) async;
  printf("async: closing handles\n");
  uv_close((uv_handle_t*) &ticker, on_close);
  uv_close((uv_handle_t*) &reader, on_close);
  uv_close((uv_handle_t*) &finish, on_close);
}

static void on_readable(uv_poll_t* handle, int status, int events) {
  char buf[64];
  ssize_t n;

  (void) handle;
  if (status < 0) {
    fprintf(stderr, "poll error: %s\n", uv_strerror(status));
    return;
  }
  if (!(events & UV_READABLE))
    return;
  n = read(pipefd[0], buf, sizeof(buf) - 1);
  if (n <= 0)
    return;
  buf[n] = '\0';
  printf("poll: read \"%s\" at %llu ms\n", buf,
         (unsigned long long) uv_now(handle->loop));
  if (++received == 3)
    uv_async_send(&finish);
}

static void on_tick(uv_timer_t* timer) {
  char msg[32];
  static int count;

  (void) timer;
  snprintf(msg, sizeof(msg), "tick %d", ++count);
  if (write(pipefd[1], msg, strlen(msg)) < 0)
    perror("write");
}

int main(void) {
  uv_loop_t* loop;
  uv_metrics_t metrics;

  loop = uv_default_loop();
  printf("uvcore demo, libuv API %s\n", uv_version_string());

  if (pipe(pipefd) != 0) {
    perror("pipe");
    return 1;
  }

  uv_timer_init(loop, &ticker);
  uv_timer_start(&ticker, on_tick, 50, 50);
  uv_poll_init(loop, &reader, pipefd[0]);
  uv_poll_start(&reader, UV_READABLE, on_readable);
  uv_async_init(loop, &finish, on_finish);

  uv_run(loop, UV_RUN_DEFAULT);

  uv_metrics_info(loop, &metrics);
  printf("loop finished after %llu iterations, %llu events\n",
         (unsigned long long) metrics.loop_count,
         (unsigned long long) metrics.events);

  close(pipefd[0]);
  close(pipefd[1]);
  return uv_loop_close(loop) == 0 ? 0 : 1;
}
