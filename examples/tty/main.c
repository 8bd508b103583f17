/* tty: colours, the window size and a key read in raw mode.
 *
 * Standard output is opened as a uv_tty_t when it is a terminal; the
 * program then writes in colour (ANSI escape sequences), reports the
 * window size from uv_tty_get_winsize, switches standard input to raw
 * mode (every key arrives at once, without Enter or echo) and waits up to
 * 5 s for one key.  It leaves the terminal as it found it: back to normal
 * mode with uv_tty_set_mode, and uv_tty_reset_mode at exit as the safety
 * net every program that changes the mode should have.  When standard
 * output is not a terminal (a pipe, a file) the text goes out plain,
 * without escapes, through uv_fs_write.  Trap: uv_tty_init leaves the
 * terminal's descriptor non-blocking, so writes to it go through the
 * stream (uv_write), and the handle is closed only after the last one.
 */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uv_loop_t* loop;
static uv_tty_t out, in;
static uv_timer_t timeout;
static int have_in;

typedef struct {
  uv_write_t req;
  char text[];
} line_t;

static void on_written(uv_write_t* req, int err) {
  if (err != 0 && err != UV_ECANCELED)
    report(err, "writing to the terminal");
  free(req);
}

/* Closing a stream cancels its queued writes: the terminal's handle is
 * closed from the callback of the last one. */
static void on_last_written(uv_write_t* req, int err) {
  on_written(req, err);
  uv_close((uv_handle_t*) &out, NULL);
}

/* The terminal's descriptor is non-blocking after uv_tty_init, so text
 * goes out with uv_write (a copy that lives until the callback). */
static void say(const char* text, uv_write_cb cb) {
  size_t len = strlen(text);
  line_t* l = malloc(sizeof(*l) + len);
  uv_buf_t buf;

  if (l == NULL)
    check(UV_ENOMEM, "malloc");
  memcpy(l->text, text, len);
  buf = uv_buf_init(l->text, (unsigned) len);
  check(uv_write(&l->req, (uv_stream_t*) &out, &buf, 1, cb), "uv_write");
}

static void restore_at_exit(void) {
  int r = uv_tty_reset_mode();
  if (r != 0)
    report(r, "uv_tty_reset_mode");
}

static void finish(const char* last_line) {
  if (have_in) {
    check(uv_tty_set_mode(&in, UV_TTY_MODE_NORMAL), "uv_tty_set_mode");
    uv_close((uv_handle_t*) &in, NULL);
  }
  uv_close((uv_handle_t*) &timeout, NULL);
  say(last_line, on_last_written);
}

static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf) {
  static char key[64];
  (void) handle;
  (void) suggested;
  *buf = uv_buf_init(key, sizeof(key));
}

static void on_key(uv_stream_t* stream, ssize_t n, const uv_buf_t* buf) {
  char line[96];

  if (n == 0)
    return;
  check(uv_read_stop(stream), "uv_read_stop");
  if (n < 0) {
    if (n != UV_EOF)
      report((int) n, "reading the terminal");
    return finish("\nno key\n");
  }
  snprintf(line, sizeof(line), "\nkey: 0x%02x%s\n",
           (unsigned char) buf->base[0],
           buf->base[0] == 3 ? " (Ctrl-C: raw mode turns it into a byte)" : "");
  finish(line);
}

static void on_timeout(uv_timer_t* timer) {
  (void) timer;
  check(uv_read_stop((uv_stream_t*) &in), "uv_read_stop");
  finish("\nno key within 5 s\n");
}

int main(int argc, char** argv) {
  char line[128];
  int width, height;

  (void) argc;
  set_program_name(argv[0]);
  loop = uv_default_loop();
  if (uv_guess_handle(1) != UV_TTY) {
    static const char plain[] =
        "Hello from uvcore: standard output is not a terminal, so no colours.\n";
    uv_buf_t buf = uv_buf_init((char*) plain, sizeof(plain) - 1);
    uv_fs_t req;
    check(uv_fs_write(loop, &req, 1, &buf, 1, -1, NULL), "writing");
    uv_fs_req_cleanup(&req);
    check(uv_loop_close(loop), "uv_loop_close");
    return 0;
  }
  check(uv_tty_init(loop, &out, 1, 0), "uv_tty_init (stdout)");
  atexit(restore_at_exit);
  say("\033[1;32mHello\033[0m from \033[44;37muvcore\033[0m\n", on_written);
  check(uv_tty_get_winsize(&out, &width, &height), "uv_tty_get_winsize");
  snprintf(line, sizeof(line), "window size: %dx%d\n", width, height);
  say(line, on_written);

  check(uv_timer_init(loop, &timeout), "uv_timer_init");
  if (uv_guess_handle(0) == UV_TTY) {
    check(uv_tty_init(loop, &in, 0, 1), "uv_tty_init (stdin)");
    have_in = 1;
    check(uv_tty_set_mode(&in, UV_TTY_MODE_RAW), "uv_tty_set_mode");
    say("press a key (raw mode: no Enter needed)...", on_written);
    check(uv_read_start((uv_stream_t*) &in, on_alloc, on_key), "uv_read_start");
    check(uv_timer_start(&timeout, on_timeout, 5000, 0), "uv_timer_start");
  } else {
    finish("standard input is not a terminal: no key to read\n");
  }
  check(uv_run(loop, UV_RUN_DEFAULT), "uv_run");
  check(uv_loop_close(loop), "uv_loop_close");
  return 0;
}
