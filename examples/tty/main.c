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
 * without escapes, through uv_fs_write.
 */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uv_loop_t* loop;
static uv_tty_t out, in;
static uv_timer_t timeout;
static int have_in;

static void say(const char* text) {
  uv_buf_t buf = uv_buf_init((char*) text, (unsigned) strlen(text));
  uv_fs_t req;

  if (uv_guess_handle(1) == UV_TTY) {
    /* uv_try_write first: a terminal normally takes a short line at once. */
    int n = uv_try_write((uv_stream_t*) &out, &buf, 1);
    if (n == (int) buf.len)
      return;
    if (n < 0 && n != UV_EAGAIN)
      check(n, "writing to the terminal");
    if (n > 0) {
      buf.base += n;
      buf.len -= (size_t) n;
    }
  }
  /* The rest (or everything, for a file or pipe) synchronously. */
  check(uv_fs_write(loop, &req, 1, &buf, 1, -1, NULL), "writing");
  uv_fs_req_cleanup(&req);
}

static void restore_at_exit(void) {
  int r = uv_tty_reset_mode();
  if (r != 0)
    report(r, "uv_tty_reset_mode");
}

static void done(void) {
  if (have_in) {
    check(uv_tty_set_mode(&in, UV_TTY_MODE_NORMAL), "uv_tty_set_mode");
    uv_close((uv_handle_t*) &in, NULL);
  }
  uv_close((uv_handle_t*) &timeout, NULL);
  uv_close((uv_handle_t*) &out, NULL);
}

static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf) {
  static char key[64];
  (void) handle;
  (void) suggested;
  *buf = uv_buf_init(key, sizeof(key));
}

static void on_key(uv_stream_t* stream, ssize_t n, const uv_buf_t* buf) {
  char line[96];

  (void) stream;
  if (n == 0)
    return;
  if (n < 0) {
    if (n != UV_EOF)
      report((int) n, "reading the terminal");
  } else {
    unsigned char c = (unsigned char) buf->base[0];
    snprintf(line, sizeof(line), "\nkey: 0x%02x%s\n", c,
             c == 3 ? " (Ctrl-C: raw mode turns it into a byte)" : "");
    say(line);
  }
  done();
}

static void on_timeout(uv_timer_t* timer) {
  (void) timer;
  say("\nno key within 5 s\n");
  done();
}

int main(int argc, char** argv) {
  char line[128];
  int width, height;

  (void) argc;
  set_program_name(argv[0]);
  loop = uv_default_loop();
  if (uv_guess_handle(1) != UV_TTY) {
    say("Hello from uvcore: standard output is not a terminal, so no "
        "colours.\n");
    check(uv_loop_close(loop), "uv_loop_close");
    return 0;
  }
  check(uv_tty_init(loop, &out, 1, 0), "uv_tty_init (stdout)");
  atexit(restore_at_exit);
  say("\033[1;32mHello\033[0m from \033[44;37muvcore\033[0m\n");
  check(uv_tty_get_winsize(&out, &width, &height), "uv_tty_get_winsize");
  snprintf(line, sizeof(line), "window size: %dx%d\n", width, height);
  say(line);

  check(uv_timer_init(loop, &timeout), "uv_timer_init");
  if (uv_guess_handle(0) == UV_TTY) {
    check(uv_tty_init(loop, &in, 0, 1), "uv_tty_init (stdin)");
    have_in = 1;
    check(uv_tty_set_mode(&in, UV_TTY_MODE_RAW), "uv_tty_set_mode");
    say("press a key (raw mode: no Enter needed)...");
    check(uv_read_start((uv_stream_t*) &in, on_alloc, on_key), "uv_read_start");
    check(uv_timer_start(&timeout, on_timeout, 5000, 0), "uv_timer_start");
  } else {
    say("standard input is not a terminal: no key to read\n");
    done();
  }
  check(uv_run(loop, UV_RUN_DEFAULT), "uv_run");
  check(uv_loop_close(loop), "uv_loop_close");
  return 0;
}
