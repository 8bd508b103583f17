/* uvcat: copies files to standard output with the file system calls.
 *
 *   uvcat FILE...
 *
 * Each file is opened, read and closed with uv_fs_open/read/close, one
 * chunk at a time; each chunk is written out before the next is read, so
 * memory stays bounded whatever the file size.  Standard output may be a
 * terminal, a pipe, a socket or a regular file: stdio_open (common.c)
 * picks a uv_tty_t, a uv_pipe_t, a uv_tcp_t or, for a file, uv_fs_write.
 * A file that cannot be read is reported and skipped, like cat does; the
 * exit status is then 1.  A reader that goes away (EPIPE) ends the copy.
 */
#include "common.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>

static uv_loop_t* loop;
static stdio_t out;
static char** paths;
static int npaths;
static int current = -1;
static uv_file file = -1;
static uv_fs_t open_req, read_req, write_req, close_req;
static uv_write_t stream_write;
static char chunk[65536];
static size_t chunk_len, chunk_done;
static int status;

static void next_file(void);
static void read_chunk(void);
static void write_rest(void);

static void on_closed(uv_fs_t* req) {
  if (req->result < 0)
    report((int) req->result, "uv_fs_close");
  uv_fs_req_cleanup(req);
  file = -1;
  next_file();
}

static void close_file(void) {
  check(uv_fs_close(loop, &close_req, file, on_closed), "uv_fs_close");
}

/* Stops copying for good: standard output is broken. */
static void give_up(int err) {
  report(err, "writing standard output");
  status = 1;
  current = npaths;  /* no further file */
  close_file();
}

static void on_stream_written(uv_write_t* req, int err) {
  (void) req;
  if (err != 0)
    give_up(err);
  else
    read_chunk();
}

static void on_fs_written(uv_fs_t* req) {
  ssize_t n = req->result;
  uv_fs_req_cleanup(req);
  if (n < 0)
    return give_up((int) n);
  chunk_done += (size_t) n;
  if (chunk_done < chunk_len)
    write_rest();  /* a short write: the rest goes next */
  else
    read_chunk();
}

static void write_rest(void) {
  uv_buf_t buf = uv_buf_init(chunk + chunk_done,
                             (unsigned) (chunk_len - chunk_done));
  if (out.stream != NULL)
    check(uv_write(&stream_write, out.stream, &buf, 1, on_stream_written),
          "uv_write");
  else
    check(uv_fs_write(loop, &write_req, out.fd, &buf, 1, -1, on_fs_written),
          "uv_fs_write");
}

static void on_read(uv_fs_t* req) {
  ssize_t n = req->result;
  uv_fs_req_cleanup(req);
  if (n < 0) {
    report((int) n, paths[current]);
    status = 1;
  }
  if (n <= 0)
    return close_file();
  chunk_len = (size_t) n;
  chunk_done = 0;
  write_rest();
}

static void read_chunk(void) {
  uv_buf_t buf = uv_buf_init(chunk, sizeof(chunk));
  check(uv_fs_read(loop, &read_req, file, &buf, 1, -1, on_read),
        "uv_fs_read");
}

static void on_open(uv_fs_t* req) {
  ssize_t r = req->result;
  uv_fs_req_cleanup(req);
  if (r < 0) {
    report((int) r, paths[current]);
    status = 1;
    return next_file();
  }
  file = (uv_file) r;
  read_chunk();
}

static void next_file(void) {
  if (++current >= npaths) {
    if (out.stream != NULL)
      uv_close((uv_handle_t*) out.stream, NULL);
    return;
  }
  check(uv_fs_open(loop, &open_req, paths[current], O_RDONLY, 0, on_open),
        "uv_fs_open");
}

int main(int argc, char** argv) {
  set_program_name(argv[0]);
  if (argc < 2) {
    fprintf(stderr, "usage: uvcat FILE...\n");
    return 2;
  }
  /* A closed pipe must show up as EPIPE from a write, not kill us. */
  signal(SIGPIPE, SIG_IGN);
  paths = argv + 1;
  npaths = argc - 1;
  loop = uv_default_loop();
  check(stdio_open(loop, &out, 1), "opening standard output");
  next_file();
  check(uv_run(loop, UV_RUN_DEFAULT), "uv_run");
  check(uv_loop_close(loop), "uv_loop_close");
  return status;
}
