/* tty-gravity: a line of text falls down the terminal, one row per frame.
 *
 *   tty-gravity [TEXT]
 *
 * uv_tty_get_winsize gives the size of the window; a 25 ms timer draws
 * each frame: clear the screen, move the cursor to the next row (ANSI
 * "ESC [ row ; col H") and write the text centred.  The cursor is hidden
 * while it falls and shown again at the end.  A resized window is
 * noticed from the next frame on.  The program refuses to run when
 * standard output is not a terminal (escape sequences make no sense in a
 * file), and stops early on SIGINT, restoring the cursor either way.
 */
#include "common.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uv_tty_t out;
static uv_timer_t frame_timer;
static uv_signal_t sigint;
static const char* text = "uvcore";
static int row, frames, width, height;

typedef struct {
  uv_write_t req;
  char bytes[];
} frame_t;

static int finishing;

static void on_written(uv_write_t* req, int err) {
  if (err != 0 && err != UV_ECANCELED)
    report(err, "drawing");
  free(req);
}

/* Each frame has its own copy: a write request and its bytes belong to
 * the stream until the callback. */
static void draw(const char* bytes, size_t len, uv_write_cb cb) {
  frame_t* f = malloc(sizeof(*f) + len);
  uv_buf_t buf;

  if (f == NULL)
    check(UV_ENOMEM, "malloc");
  memcpy(f->bytes, bytes, len);
  buf = uv_buf_init(f->bytes, (unsigned) len);
  check(uv_write(&f->req, (uv_stream_t*) &out, &buf, 1, cb), "uv_write");
}

/* Closing a stream cancels the writes still queued, so the handles are
 * closed only once the last frame is out. */
static void on_last_written(uv_write_t* req, int err) {
  on_written(req, err);
  uv_close((uv_handle_t*) &sigint, NULL);
  uv_close((uv_handle_t*) &out, NULL);
}

static void finish(void) {
  char end[128];
  int n;

  if (finishing)
    return;
  finishing = 1;
  check(uv_timer_stop(&frame_timer), "uv_timer_stop");
  uv_close((uv_handle_t*) &frame_timer, NULL);
  n = snprintf(end, sizeof(end), "\033[?25h\033[%d;1H\nwindow %dx%d, %d frames\n",
               height, width, height, frames);
  draw(end, (size_t) n, on_last_written);
}

static void on_frame(uv_timer_t* timer) {
  char bytes[512];
  int col, len = (int) strlen(text), n;

  (void) timer;
  if (uv_stream_get_write_queue_size((uv_stream_t*) &out) > 0)
    return;  /* the terminal is behind: skip a frame rather than pile up */
  check(uv_tty_get_winsize(&out, &width, &height), "uv_tty_get_winsize");
  if (++row > height || row > 200)
    return finish();
  col = width > len ? (width - len) / 2 + 1 : 1;
  n = snprintf(bytes, sizeof(bytes), "\033[2J\033[%d;%dH%.*s", row, col,
               width > 0 ? width : 1, text);
  if (n >= (int) sizeof(bytes))
    n = (int) sizeof(bytes) - 1;
  frames++;
  draw(bytes, (size_t) n, on_written);
}

static void on_sigint(uv_signal_t* handle, int signum) {
  (void) handle;
  (void) signum;
  finish();
}

int main(int argc, char** argv) {
  uv_loop_t* loop;

  set_program_name(argv[0]);
  if (argc > 1)
    text = argv[1];
  if (uv_guess_handle(1) != UV_TTY) {
    fprintf(stderr, "tty-gravity: standard output is not a terminal\n");
    return 1;
  }
  loop = uv_default_loop();
  check(uv_tty_init(loop, &out, 1, 0), "uv_tty_init");
  check(uv_signal_init(loop, &sigint), "uv_signal_init");
  check(uv_signal_start(&sigint, on_sigint, SIGINT), "uv_signal_start");
  draw("\033[?25l", 6, on_written);  /* hide the cursor */
  check(uv_timer_init(loop, &frame_timer), "uv_timer_init");
  check(uv_timer_start(&frame_timer, on_frame, 0, 25), "uv_timer_start");
  check(uv_run(loop, UV_RUN_DEFAULT), "uv_run");
  check(uv_loop_close(loop), "uv_loop_close");
  return 0;
}
