/* The shared helpers of the examples (see common.h). */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char* program = "example";

void set_program_name(const char* argv0) {
  const char* slash;

  if (argv0 == NULL || *argv0 == '\0')
    return;
  slash = strrchr(argv0, '/');
  program = slash != NULL ? slash + 1 : argv0;
}

void report(int err, const char* what) {
  fprintf(stderr, "%s: %s: %s (%s)\n",
          program, what, uv_strerror(err), uv_err_name(err));
}

int check(int r, const char* what) {
  if (r < 0) {
    report(r, what);
    exit(1);
  }
  return r;
}

int stdio_open(uv_loop_t* loop, stdio_t* s, int fd) {
  int r;

  memset(s, 0, sizeof(*s));
  s->fd = fd;
  s->kind = uv_guess_handle(fd);
  switch (s->kind) {
    case UV_TTY:
      r = uv_tty_init(loop, &s->u.tty, fd, 0);
      break;
    case UV_NAMED_PIPE:  /* a pipe, a FIFO or a Unix domain socket */
      r = uv_pipe_init(loop, &s->u.pipe, 0);
      if (r == 0) {
        r = uv_pipe_open(&s->u.pipe, fd);
        if (r != 0)
          uv_close((uv_handle_t*) &s->u.pipe, NULL);
      }
      break;
    case UV_TCP:
      r = uv_tcp_init(loop, &s->u.tcp);
      if (r == 0) {
        r = uv_tcp_open(&s->u.tcp, fd);
        if (r != 0)
          uv_close((uv_handle_t*) &s->u.tcp, NULL);
      }
      break;
    case UV_FILE:
    case UV_UNKNOWN_HANDLE:
      /* Regular files and devices such as /dev/null never report
       * readiness in a useful way: the file system calls handle them. */
      return 0;
    default:
      return UV_EINVAL;  /* a datagram socket is no byte stream */
  }
  if (r == 0)
    s->stream = (uv_stream_t*) &s->u;
  return r;
}

const char* stdio_kind_name(const stdio_t* s) {
  switch (s->kind) {
    case UV_TTY: return "terminal";
    case UV_NAMED_PIPE: return "pipe";
    case UV_TCP: return "socket";
    case UV_FILE: return "file";
    default: return "other";
  }
}
