/* uvtee: copies standard input to standard output and to a file.
 *
 *   uvtee FILE
 *
 * Standard input and output can each be a terminal, a pipe, a socket or a
 * regular file (stdio_open in common.c chooses the handle).  Input from a
 * stream is read with uv_read_start; a chunk stops the reading until both
 * copies of it are written, so a slow reader slows us down instead of
 * filling memory.  Input from a file is read with uv_fs_read the same way.
 * The file is written with uv_fs_write.  Every failure is reported; a
 * failed output ends the copy with exit status 1.
 */
#include "common.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>

static uv_loop_t* loop;
static stdio_t in, out;
static uv_file file = -1;
static uv_fs_t open_req, read_req;
static char chunk[65536];
static size_t chunk_len;
static int writes_pending;
static int status;

/* One output: the same chunk goes to standard output and to the file,
 * and either may need several calls when the kernel takes a part. */
typedef struct {
  int fd;
  uv_stream_t* stream;
  size_t done;
  uv_write_t write_req;
  uv_fs_t fs_req;
  const char* name;
} output_t;

static output_t outputs[2];

static void read_more(void);
static void output_start(output_t* o);

static void finish(void) {
  uv_fs_t req;

  if (in.stream != NULL && !uv_is_closing((uv_handle_t*) in.stream))
    uv_close((uv_handle_t*) in.stream, NULL);
  if (out.stream != NULL && !uv_is_closing((uv_handle_t*) out.stream))
    uv_close((uv_handle_t*) out.stream, NULL);
  if (file >= 0) {
    /* Synchronous (no callback): the loop is about to end anyway. */
    if (uv_fs_close(loop, &req, file, NULL) < 0) {
      report((int) req.result, "closing the file");
      status = 1;
    }
    uv_fs_req_cleanup(&req);
    file = -1;
  }
}

static void output_done(output_t* o, int err) {
  if (err < 0 && status == 0) {
    report(err, o->name);
    status = 1;
  }
  if (--writes_pending > 0)
    return;
  if (status != 0)
    finish();
  else
    read_more();
}

static void on_stream_written(uv_write_t* req, int err) {
  output_t* o = req->data;
  output_done(o, err);
}

static void on_fs_written(uv_fs_t* req) {
  output_t* o = req->data;
  ssize_t n = req->result;

  uv_fs_req_cleanup(req);
  if (n < 0)
    return output_done(o, (int) n);
  o->done += (size_t) n;
  if (o->done < chunk_len)
    output_start(o);
  else
    output_done(o, 0);
}

static void output_start(output_t* o) {
  uv_buf_t buf = uv_buf_init(chunk + o->done, (unsigned) (chunk_len - o->done));
  int r;

  if (o->stream != NULL) {
    o->write_req.data = o;
    r = uv_write(&o->write_req, o->stream, &buf, 1, on_stream_written);
  } else {
    o->fs_req.data = o;
    r = uv_fs_write(loop, &o->fs_req, o->fd, &buf, 1, -1, on_fs_written);
  }
  if (r != 0)
    output_done(o, r);
}

static void got_chunk(size_t n) {
  int i;

  chunk_len = n;
  writes_pending = 2;
  for (i = 0; i < 2; i++) {
    outputs[i].done = 0;
    output_start(&outputs[i]);
  }
}

static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf) {
  (void) handle;
  (void) suggested;
  *buf = uv_buf_init(chunk, sizeof(chunk));
}

static void on_stream_read(uv_stream_t* stream, ssize_t n,
                           const uv_buf_t* buf) {
  (void) buf;
  if (n == 0)
    return;  /* nothing this time (EAGAIN) */
  check(uv_read_stop(stream), "uv_read_stop");
  if (n == UV_EOF)
    return finish();
  if (n < 0) {
    report((int) n, "reading standard input");
    status = 1;
    return finish();
  }
  got_chunk((size_t) n);
}

static void on_fs_read(uv_fs_t* req) {
  ssize_t n = req->result;

  uv_fs_req_cleanup(req);
  if (n < 0) {
    report((int) n, "reading standard input");
    status = 1;
  }
  if (n <= 0)
    return finish();
  got_chunk((size_t) n);
}

static void read_more(void) {
  uv_buf_t buf;

  if (in.stream != NULL) {
    check(uv_read_start(in.stream, on_alloc, on_stream_read), "uv_read_start");
    return;
  }
  buf = uv_buf_init(chunk, sizeof(chunk));
  check(uv_fs_read(loop, &read_req, 0, &buf, 1, -1, on_fs_read), "uv_fs_read");
}

int main(int argc, char** argv) {
  set_program_name(argv[0]);
  if (argc != 2) {
    fprintf(stderr, "usage: uvtee FILE\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  loop = uv_default_loop();
  check(stdio_open(loop, &in, 0), "opening standard input");
  check(stdio_open(loop, &out, 1), "opening standard output");

  /* Synchronous open: nothing else is running yet. */
  file = check(uv_fs_open(loop, &open_req, argv[1],
                          O_WRONLY | O_CREAT | O_TRUNC, 0644, NULL),
               argv[1]);
  uv_fs_req_cleanup(&open_req);

  outputs[0] = (output_t) { .fd = 1, .stream = out.stream,
                            .name = "writing standard output" };
  outputs[1] = (output_t) { .fd = file, .stream = NULL, .name = argv[1] };
  read_more();
  check(uv_run(loop, UV_RUN_DEFAULT), "uv_run");
  check(uv_loop_close(loop), "uv_loop_close");
  return status;
}
