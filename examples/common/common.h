/* What every example shares: a one-line report when a call fails, and a
 * way to open a standard descriptor as whatever it really is.
 *
 * The helpers live here so that each example's main.c shows only the part
 * of the API it is about.  Trap: a descriptor the shell hands us may be a
 * terminal, a pipe, a socket or a regular file, and each needs a different
 * handle (uv_tty_init refuses a regular file with UV_EINVAL, as libuv
 * does); stdio_open asks uv_guess_handle first and picks accordingly.
 */
#ifndef UVCORE_EXAMPLE_COMMON_H
#define UVCORE_EXAMPLE_COMMON_H

#include <uv.h>

/* Returns r when it is not an error; otherwise prints
 * "<program>: <what>: <message> (<UV_ name>)" on stderr and exits 1. */
int check(int r, const char* what);

/* Prints the same line as check() for an error code without exiting. */
void report(int err, const char* what);

/* Names the program in messages; call first thing in main(). */
void set_program_name(const char* argv0);

/* A standard descriptor opened as a stream when it is one.  stream is NULL
 * for a regular file or a character device: read or write those with
 * uv_fs_read / uv_fs_write at offset -1 (the descriptor's own position, so
 * ">>" appends and a shared position stays shared). */
typedef struct {
  int fd;
  uv_handle_type kind;
  uv_stream_t* stream;
  union {
    uv_tty_t tty;
    uv_pipe_t pipe;
    uv_tcp_t tcp;
  } u;
} stdio_t;

/* 0 or a UV_E* code.  A stream must later be closed with uv_close. */
int stdio_open(uv_loop_t* loop, stdio_t* s, int fd);

/* "terminal", "pipe", "socket", "file" ... for messages. */
const char* stdio_kind_name(const stdio_t* s);

#endif
