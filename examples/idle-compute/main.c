/* idle-compute: background work in an idle callback while waiting for
 * input.
 *
 * Standard input is read with uv_fs_read, which runs in the thread pool,
 * so it works the same for a terminal, a pipe or a file.  While a read is
 * pending the loop would otherwise sleep; the idle handle fills that time
 * with small slices of "computation" (here: counting).  Each chunk of
 * input is echoed back as "typed: ..."; end of input stops everything.
 */
#include "common.h"

#include <stdio.h>
#include <string.h>

static uv_loop_t* loop;
static uv_idle_t idle;
static uv_fs_t read_req;
static char buffer[1024];
static unsigned long slices;

static void on_idle(uv_idle_t* handle) {
  (void) handle;
  slices++;  /* one small slice of work per loop iteration */
}

static void start_read(void);

static void on_read(uv_fs_t* req) {
  ssize_t n = req->result;
  uv_fs_req_cleanup(req);
  if (n < 0) {
    report((int) n, "reading standard input");
  } else if (n > 0) {
    int len = (int) n;
    while (len > 0 && (buffer[len - 1] == '\n' || buffer[len - 1] == '\r'))
      len--;
    printf("typed: %.*s\n", len, buffer);
    fflush(stdout);
    start_read();
    return;
  }
  check(uv_idle_stop(&idle), "uv_idle_stop");
  printf("end of input after %lu slices of background work\n", slices);
}

static void start_read(void) {
  uv_buf_t buf = uv_buf_init(buffer, sizeof(buffer));
  check(uv_fs_read(loop, &read_req, 0, &buf, 1, -1, on_read), "uv_fs_read");
}

int main(int argc, char** argv) {
  (void) argc;
  set_program_name(argv[0]);
  loop = uv_default_loop();
  check(uv_idle_init(loop, &idle), "uv_idle_init");
  check(uv_idle_start(&idle, on_idle), "uv_idle_start");
  start_read();
  check(uv_run(loop, UV_RUN_DEFAULT), "uv_run");
  uv_close((uv_handle_t*) &idle, NULL);
  check(uv_run(loop, UV_RUN_DEFAULT), "uv_run");
  check(uv_loop_close(loop), "uv_loop_close");
  return 0;
}
