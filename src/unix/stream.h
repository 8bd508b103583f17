/* uvcore — the internal interface of the Unix stream core (stream.c),
 * shared by the stream types built on it: TCP (tcp.c), pipes (pipe.c) and
 * terminals (tty.c).  A stream type initialises the common part with
 * uv__stream_init(), hands over its descriptor with uv__stream_open(), and
 * routes uv_close() to uv__stream_close() and the closing phase to
 * uv__stream_destroy() (close.c).  Everything else — reading, writing,
 * listening, accepting, shutdown, handle passing — lives in stream.c.
 */
#ifndef UV_SRC_UNIX_STREAM_H
#define UV_SRC_UNIX_STREAM_H

#include "internal.h"

/* Stream state bits in flags (type-specific range, >= 0x100). */
#define UV__STREAM_READABLE        0x0100
#define UV__STREAM_WRITABLE        0x0200
#define UV__STREAM_ACCEPT_PAUSED   0x0400   /* a connection waits for uv_accept */
#define UV__STREAM_READING         0x0800   /* uv_read_start in effect */
#define UV__STREAM_SHUTTING        0x1000   /* uv_shutdown accepted, not done */
#define UV__STREAM_SHUT            0x2000   /* write side shut down */
#define UV__STREAM_EOF             0x4000   /* peer closed its write side */
#define UV__STREAM_LISTENING       0x8000
#define UV__STREAM_CONNECTED       0x10000  /* connected, accepted or opened */
#define UV__STREAM_BOUND           0x20000
#define UV__STREAM_TCP_NODELAY     0x40000  /* applied again when the socket */
#define UV__STREAM_TCP_KEEPALIVE   0x80000  /* is created lazily */
/* write(2) may block: the descriptor is in blocking mode (a tty or pipe
 * shared with other processes, or uv_stream_set_blocking), so writes are
 * carried out to the end inside uv_write instead of waiting for POLLOUT.
 * The value is libuv's: its test suite reads this bit of a uv_tty_t's flags
 * to tell whether a terminal was reopened. */
#define UV__STREAM_BLOCKING_WRITES 0x100000
#define UV__STREAM_ABSTRACT        0x200000 /* pipe bound to a Linux abstract name */
#define UV__STREAM_SOCKET          0x400000 /* fd is a socket: send(MSG_NOSIGNAL) */
/* Writes may raise SIGPIPE: a FIFO, or a descriptor we could not classify.
 * Only these pay for blocking the signal around write(2); a terminal
 * reports a hang-up as EIO and never raises it. */
#define UV__STREAM_MAY_SIGPIPE     0x800000
/* A listener out of descriptors with no spare to shed load with: not
 * watched until the loop's retry timer fires (stream.c). */
#define UV__STREAM_EMFILE_PAUSED   0x1000000
/* The watcher was fed (uv__io_feed): its next callback comes from the
 * pending phase, not from the poller. */
#define UV__STREAM_FED             0x2000000
/* The last read of the latest readiness event got less than it asked for:
 * the kernel had nothing more queued at that moment. */
#define UV__STREAM_READ_PARTIAL    0x4000000

/* connect(2) in progress: not a libuv error code, only passed between
 * tcp.c/pipe.c and uv__stream_connect_start(). */
#define UV__EINPROGRESS (-EINPROGRESS)

/* Nonzero when req is this stream's connect request in progress or one
 * whose error callback is pending (addresses compared, nothing read). */
int uv__stream_connect_in_flight(const uv_stream_t* s,
                                 const uv_connect_t* req);

/* Initialises the stream part of a handle (and the handle part); no
 * descriptor yet. */
void uv__stream_init(uv_loop_t* loop, uv_stream_t* stream, uv_handle_type type);

/* Gives the stream its descriptor.  flags: UV__STREAM_* bits above
 * (READABLE, WRITABLE, BLOCKING_WRITES, CONNECTED).  The descriptor must
 * already be non-blocking unless BLOCKING_WRITES is given.  UV_EBUSY if the
 * stream already has another descriptor. */
int uv__stream_open(uv_stream_t* stream, int fd, unsigned int flags);

/* uv_close time: stops reading, listening and watching, and closes the
 * descriptor — except 0, 1 and 2, which stay open as libuv leaves them
 * (closing stdio under a program causes more harm than a "leak").
 * Received but unaccepted descriptors are closed too. */
void uv__stream_close(uv_stream_t* stream);

/* Closing phase, before the close callback: fails the connect request,
 * then the queued writes, then the shutdown request, with UV_ECANCELED,
 * in that order; write callbacks already due run first with their own
 * status. */
void uv__stream_destroy(uv_stream_t* stream);

/* Whether a handle is one of the stream types (TCP, pipe, TTY). */
static inline int uv__is_stream(const uv_stream_t* s) {
  return s->type == UV_TCP || s->type == UV_NAMED_PIPE || s->type == UV_TTY;
}

static inline int uv__stream_fd(const uv_stream_t* s) {
  return s->io_watcher.fd;
}

/* ---- used by tcp.c and pipe.c ------------------------------------------ */

/* Starts a connect on stream: the caller issued a non-blocking connect(2)
 * whose result was err (0, UV__EINPROGRESS or an error).  The callback runs
 * from the loop in every case, never from inside this call. */
void uv__stream_connect_start(uv_stream_t* stream, uv_connect_t* req,
                              int err, uv_connect_cb cb);

/* listen(2) on a bound descriptor and start watching it; shared by TCP
 * and pipes. */
int uv__stream_listen(uv_stream_t* stream, int backlog, uv_connection_cb cb);

/* The type-specific halves of uv_listen(). */
int uv__tcp_listen(uv_tcp_t* tcp, int backlog, uv_connection_cb cb);
int uv__pipe_listen(uv_pipe_t* pipe, int backlog, uv_connection_cb cb);

/* Applies the TCP options recorded in the handle to a new descriptor. */
int uv__tcp_apply_options(uv_tcp_t* tcp, int fd);

/* uv_close for pipes: unlinks the socket file we bound, then
 * uv__stream_close(). */
void uv__pipe_close(uv_pipe_t* pipe);

/* Received descriptors waiting behind spriv.accepted_fd. */
unsigned int uv__stream_queued_count(const uv_stream_t* s);

/* What kind of handle a descriptor is (for received descriptors):
 * UV_TCP, UV_NAMED_PIPE, UV_UDP or UV_UNKNOWN_HANDLE. */
uv_handle_type uv__stream_guess_socket(int fd);

/* uv_loop_close time: releases the spare descriptor kept for EMFILE and
 * the timer that retries listeners paused at EMFILE. */
void uv__stream_loop_close(uv_loop_t* loop);

#endif /* UV_SRC_UNIX_STREAM_H */
