/* Tests of poll handles on descriptors the user owns: readiness events,
 * disconnects and errors, argument checking, stop/restart, closing from a
 * callback, and stale events for a descriptor closed during dispatch. */

#include "task.h"

#ifndef _WIN32
# include <arpa/inet.h>
# include <netinet/in.h>
# include <errno.h>
# include <fcntl.h>
# include <sys/socket.h>
# include <unistd.h>
#endif

#ifndef _WIN32

static void make_socketpair(int sv[2]) {
  ASSERT_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
  ASSERT_OK(fcntl(sv[0], F_SETFD, FD_CLOEXEC));
  ASSERT_OK(fcntl(sv[1], F_SETFD, FD_CLOEXEC));
}

static void close_pair(int sv[2]) {
  ASSERT_OK(close(sv[0]));
  ASSERT_OK(close(sv[1]));
}

static void never_poll_cb(uv_poll_t* h, int status, int events) {
  (void) h;
  fprintf(stderr, "unexpected poll callback: status %d events %d\n",
          status, events);
  ASSERT(0 && "this poll callback must not run");
}

/* Runs the loop until *flag becomes non-zero, failing after 5 seconds. */
static void run_until(uv_loop_t* loop, const int* flag) {
  uint64_t deadline;

  deadline = uv_hrtime() + (uint64_t) 5 * 1000 * 1000 * 1000;
  while (!*flag) {
    ASSERT_LT(uv_hrtime(), deadline);
    uv_run(loop, UV_RUN_NOWAIT);
    if (!*flag)
      uv_run(loop, UV_RUN_ONCE);
  }
}

/* ------------------------------------------------------------------------ */

static struct {
  int fd;
  int readable;
  int writable;
  int last_events;
} rw;

static void rw_cb(uv_poll_t* h, int status, int events) {
  char buf[16];

  ASSERT_OK(status);
  ASSERT_PTR_NE(h, NULL);
  ASSERT_EQ(events & ~(UV_READABLE | UV_WRITABLE), 0);
  rw.last_events = events;
  if (events & UV_WRITABLE) {
    rw.writable++;
    /* Level-triggered: stop asking or it fires every iteration. */
    ASSERT_OK(uv_poll_start(h, UV_READABLE, rw_cb));
  }
  if (events & UV_READABLE) {
    ASSERT_EQ(read(rw.fd, buf, sizeof(buf)), 3);
    ASSERT_MEM_EQ(buf, "abc", 3);
    rw.readable++;
  }
}

static int do_poll_readable_writable(void) {
  uv_loop_t loop;
  uv_poll_t poll;
  int sv[2];
  int flags;

  make_socketpair(sv);
  memset(&rw, 0, sizeof(rw));
  rw.fd = sv[0];
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_poll_init(&loop, &poll, sv[0]));
  /* uv_poll_init makes the descriptor non-blocking, as libuv does. */
  flags = fcntl(sv[0], F_GETFL);
  ASSERT_NE(flags & O_NONBLOCK, 0);
  ASSERT_EQ(uv_is_active((uv_handle_t*) &poll), 0);

  ASSERT_OK(uv_poll_start(&poll, UV_READABLE | UV_WRITABLE, rw_cb));
  ASSERT_EQ(uv_is_active((uv_handle_t*) &poll), 1);
  run_until(&loop, &rw.writable);
  ASSERT_EQ(rw.writable, 1);
  ASSERT_EQ(rw.readable, 0);

  ASSERT_EQ(write(sv[1], "abc", 3), 3);
  run_until(&loop, &rw.readable);
  ASSERT_EQ(rw.readable, 1);
  ASSERT_EQ(rw.last_events, UV_READABLE);
  ASSERT_EQ(rw.writable, 1);

  /* Drained: nothing more. */
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(rw.readable, 1);

  close_loop_and_check(&loop);
  close_pair(sv);
  return 0;
}

static struct {
  int calls;
  int events;
} disc;

static void disc_cb(uv_poll_t* h, int status, int events) {
  ASSERT_OK(status);
  disc.calls++;
  disc.events |= events;
  if (events & UV_DISCONNECT)
    ASSERT_OK(uv_poll_stop(h));
}

static int do_poll_disconnect(void) {
  uv_loop_t loop;
  uv_poll_t poll;
  int sv[2];

  make_socketpair(sv);
  memset(&disc, 0, sizeof(disc));
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_poll_init(&loop, &poll, sv[0]));
  ASSERT_OK(uv_poll_start(&poll, UV_READABLE | UV_DISCONNECT, disc_cb));
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(disc.calls, 0);

  ASSERT_OK(close(sv[1]));
  while (!(disc.events & UV_DISCONNECT))
    ASSERT_NE(uv_run(&loop, UV_RUN_ONCE), -1);
  /* The peer's close also makes the socket readable (EOF). */
  ASSERT_NE(disc.events & UV_READABLE, 0);
  ASSERT_EQ(uv_is_active((uv_handle_t*) &poll), 0);

  close_loop_and_check(&loop);
  ASSERT_OK(close(sv[0]));
  return 0;
}

static struct {
  int status;
  int calls;
} perr;

static void perr_cb(uv_poll_t* h, int status, int events) {
  (void) events;
  perr.calls++;
  perr.status = status;
  /* The handle was stopped before the callback. */
  ASSERT_EQ(uv_is_active((uv_handle_t*) h), 0);
}

/* An error condition on the descriptor (EPOLLERR: the write end of a pipe
 * whose read end is gone) is reported once as UV_EBADF and stops the
 * handle, as in libuv. */
static int do_poll_error_event(void) {
  uv_loop_t loop;
  uv_poll_t poll;
  int fds[2];

  ASSERT_OK(pipe(fds));
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_poll_init(&loop, &poll, fds[1]));
  ASSERT_OK(close(fds[0]));
  memset(&perr, 0, sizeof(perr));
  ASSERT_OK(uv_poll_start(&poll, UV_WRITABLE, perr_cb));
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(perr.calls, 1);
  ASSERT_EQ(perr.status, UV_EBADF);
  close_loop_and_check(&loop);
  ASSERT_OK(close(fds[1]));
  return 0;
}

static int do_poll_bad_arguments(void) {
  uv_loop_t loop;
  uv_poll_t poll;
  int sv[2];

  make_socketpair(sv);
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_EQ(uv_poll_init(NULL, &poll, sv[0]), UV_EINVAL);
  ASSERT_EQ(uv_poll_init(&loop, NULL, sv[0]), UV_EINVAL);
  ASSERT_EQ(uv_poll_init_socket(&loop, NULL, sv[0]), UV_EINVAL);
  ASSERT_EQ(uv_poll_start(NULL, UV_READABLE, never_poll_cb), UV_EINVAL);
  ASSERT_EQ(uv_poll_stop(NULL), UV_EINVAL);

  ASSERT_OK(uv_poll_init_socket(&loop, &poll, sv[0]));
  ASSERT_EQ(uv_poll_start(&poll, 16, never_poll_cb), UV_EINVAL);
  ASSERT_EQ(uv_poll_start(&poll, -1, never_poll_cb), UV_EINVAL);
  ASSERT_EQ(uv_poll_start(&poll, UV_READABLE | 0x100, never_poll_cb),
            UV_EINVAL);
  ASSERT_EQ(uv_poll_start(&poll, UV_READABLE, NULL), UV_EINVAL);
  ASSERT_EQ(uv_is_active((uv_handle_t*) &poll), 0);
  /* No events: the same as uv_poll_stop, callback not needed. */
  ASSERT_OK(uv_poll_start(&poll, 0, NULL));
  ASSERT_EQ(uv_is_active((uv_handle_t*) &poll), 0);
  ASSERT_OK(uv_poll_stop(&poll));

  /* A closing poll handle cannot be started. */
  uv_close((uv_handle_t*) &poll, NULL);
  ASSERT_EQ(uv_poll_start(&poll, UV_READABLE, never_poll_cb), UV_EINVAL);
  ASSERT_OK(uv_poll_stop(&poll));
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);

  ASSERT_OK(uv_loop_close(&loop));
  close_pair(sv);
  return 0;
}

static int do_poll_init_errors(void) {
  uv_loop_t loop;
  uv_poll_t poll;
  char path[] = "poll-regular-XXXXXX";
  int fd;
  int sv[2];

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_EQ(uv_poll_init(&loop, &poll, -1), UV_EBADF);
  ASSERT_EQ(uv_poll_init(&loop, &poll, -12345), UV_EBADF);

  /* A descriptor that is not open. */
  make_socketpair(sv);
  close_pair(sv);
  ASSERT_EQ(uv_poll_init(&loop, &poll, sv[0]), UV_EBADF);

  /* Regular files are always ready; epoll refuses them. */
  fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_OK(unlink(path));
  ASSERT_EQ(uv_poll_init(&loop, &poll, fd), UV_EPERM);
  ASSERT_OK(close(fd));

  /* None of the failures left a handle behind. */
  ASSERT_OK(uv_loop_close(&loop));
  return 0;
}

/* Like libuv: a descriptor already watched by this loop cannot get a
 * second poll handle. */
static int do_poll_same_fd_twice(void) {
  uv_loop_t loop;
  uv_poll_t a;
  uv_poll_t b;
  int sv[2];

  make_socketpair(sv);
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_poll_init(&loop, &a, sv[0]));
  ASSERT_OK(uv_poll_start(&a, UV_READABLE, never_poll_cb));
  ASSERT_EQ(uv_poll_init(&loop, &b, sv[0]), UV_EEXIST);
  /* Once the first is stopped, the descriptor is free again. */
  ASSERT_OK(uv_poll_stop(&a));
  ASSERT_OK(uv_poll_init(&loop, &b, sv[0]));
  close_loop_and_check(&loop);
  close_pair(sv);
  return 0;
}

static int stop_restart_calls;

static void stop_restart_cb(uv_poll_t* h, int status, int events) {
  (void) h;
  ASSERT_OK(status);
  ASSERT_EQ(events, UV_READABLE);
  stop_restart_calls++;
}

static int do_poll_stop_restart(void) {
  uv_loop_t loop;
  uv_poll_t poll;
  int sv[2];
  int i;

  make_socketpair(sv);
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_poll_init(&loop, &poll, sv[0]));
  ASSERT_EQ(write(sv[1], "x", 1), 1);  /* stays readable: never read */

  stop_restart_calls = 0;
  ASSERT_OK(uv_poll_start(&poll, UV_READABLE, stop_restart_cb));
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(stop_restart_calls, 1);

  ASSERT_OK(uv_poll_stop(&poll));
  ASSERT_EQ(uv_is_active((uv_handle_t*) &poll), 0);
  for (i = 0; i < 3; i++)
    uv_run(&loop, UV_RUN_NOWAIT);
  ASSERT_EQ(stop_restart_calls, 1);

  ASSERT_OK(uv_poll_start(&poll, UV_READABLE, stop_restart_cb));
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(stop_restart_calls, 2);
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(stop_restart_calls, 3);  /* level-triggered */

  close_loop_and_check(&loop);
  close_pair(sv);
  return 0;
}

static int change_events_seen;

static void change_cb(uv_poll_t* h, int status, int events) {
  (void) h;
  ASSERT_OK(status);
  change_events_seen |= events;
}

/* uv_poll_start on an active handle replaces the event set. */
static int do_poll_change_events(void) {
  uv_loop_t loop;
  uv_poll_t poll;
  int sv[2];

  make_socketpair(sv);
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_poll_init(&loop, &poll, sv[0]));
  ASSERT_EQ(write(sv[1], "x", 1), 1);

  change_events_seen = 0;
  ASSERT_OK(uv_poll_start(&poll, UV_READABLE, change_cb));
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(change_events_seen, UV_READABLE);

  change_events_seen = 0;
  ASSERT_OK(uv_poll_start(&poll, UV_WRITABLE, change_cb));
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(change_events_seen, UV_WRITABLE);

  change_events_seen = 0;
  ASSERT_OK(uv_poll_start(&poll, UV_READABLE | UV_WRITABLE, change_cb));
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(change_events_seen, UV_READABLE | UV_WRITABLE);

  close_loop_and_check(&loop);
  close_pair(sv);
  return 0;
}

static int close_in_cb_calls;
static int close_in_cb_closed;

static void close_in_cb_close_cb(uv_handle_t* h) {
  (void) h;
  close_in_cb_closed++;
}

static void close_in_cb(uv_poll_t* h, int status, int events) {
  (void) events;
  ASSERT_OK(status);
  close_in_cb_calls++;
  uv_close((uv_handle_t*) h, close_in_cb_close_cb);
}

static int do_poll_close_in_callback(void) {
  uv_loop_t loop;
  uv_poll_t poll;
  int sv[2];

  make_socketpair(sv);
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_poll_init(&loop, &poll, sv[0]));
  ASSERT_EQ(write(sv[1], "x", 1), 1);
  close_in_cb_calls = close_in_cb_closed = 0;
  ASSERT_OK(uv_poll_start(&poll, UV_READABLE | UV_WRITABLE, close_in_cb));
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(close_in_cb_calls, 1);
  ASSERT_EQ(close_in_cb_closed, 1);
  ASSERT_OK(uv_loop_close(&loop));
  /* The descriptor is still the user's, and still open. */
  ASSERT_EQ(write(sv[0], "y", 1), 1);
  close_pair(sv);
  return 0;
}

/* Two descriptors are readable in the same batch of events.  Whichever
 * callback runs first closes the other handle and its descriptor, and puts
 * a fresh, idle descriptor with the same number under a new poll handle.
 * The event already fetched for the old descriptor must not reach the new
 * handle. */
static struct {
  uv_poll_t handles[2];
  int fds[2];      /* watched ends */
  int peers[2];
  uv_poll_t fresh;
  int fresh_fd;
  int fresh_peer;
  int first;       /* which handle ran first, -1 before */
  int calls;
} stale;

static void stale_fresh_cb(uv_poll_t* h, int status, int events) {
  (void) h;
  fprintf(stderr, "stale event delivered: status %d events %d\n",
          status, events);
  ASSERT(0 && "event for the closed descriptor reached the new handle");
}

static void stale_cb(uv_poll_t* h, int status, int events) {
  int self;
  int other;
  int sv[2];
  char c;

  ASSERT_OK(status);
  ASSERT_NE(events & UV_READABLE, 0);
  self = h == &stale.handles[0] ? 0 : 1;
  other = 1 - self;
  stale.calls++;
  ASSERT_EQ(read(stale.fds[self], &c, 1), 1);
  ASSERT_OK(uv_poll_stop(h));
  if (stale.first != -1)
    return;
  stale.first = self;

  make_socketpair(sv);  /* before the close, so it gets other numbers */
  uv_close((uv_handle_t*) &stale.handles[other], NULL);
  ASSERT_OK(close(stale.fds[other]));
  ASSERT_EQ(dup2(sv[0], stale.fds[other]), stale.fds[other]);
  ASSERT_OK(close(sv[0]));
  stale.fresh_fd = stale.fds[other];
  stale.fresh_peer = sv[1];
  ASSERT_OK(uv_poll_init(h->loop, &stale.fresh, stale.fresh_fd));
  ASSERT_OK(uv_poll_start(&stale.fresh, UV_READABLE, stale_fresh_cb));
}

static int do_poll_stale_event_after_close(void) {
  uv_loop_t loop;
  int sv[2];
  int i;

  memset(&stale, 0, sizeof(stale));
  stale.first = -1;
  ASSERT_OK(uv_loop_init(&loop));
  for (i = 0; i < 2; i++) {
    make_socketpair(sv);
    stale.fds[i] = sv[0];
    stale.peers[i] = sv[1];
    ASSERT_OK(uv_poll_init(&loop, &stale.handles[i], sv[0]));
    ASSERT_OK(uv_poll_start(&stale.handles[i], UV_READABLE, stale_cb));
  }
  /* Both readable before the loop looks: one batch holds both events. */
  ASSERT_EQ(write(stale.peers[0], "a", 1), 1);
  ASSERT_EQ(write(stale.peers[1], "b", 1), 1);

  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(stale.calls, 1);
  ASSERT_NE(stale.first, -1);
  /* Later passes: the fresh descriptor is idle, so still nothing. */
  for (i = 0; i < 3; i++)
    ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(stale.calls, 1);

  close_loop_and_check(&loop);
  ASSERT_OK(close(stale.fds[0]));
  ASSERT_OK(close(stale.fds[1]));
  ASSERT_OK(close(stale.peers[0]));
  ASSERT_OK(close(stale.peers[1]));
  ASSERT_OK(close(stale.fresh_peer));
  return 0;
}

static int do_poll_ref(void) {
  uv_loop_t loop;
  uv_poll_t poll;
  int sv[2];

  make_socketpair(sv);
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_poll_init(&loop, &poll, sv[0]));
  ASSERT_OK(uv_poll_start(&poll, UV_READABLE, never_poll_cb));
  ASSERT_EQ(uv_loop_alive(&loop), 1);
  uv_unref((uv_handle_t*) &poll);
  ASSERT_EQ(uv_loop_alive(&loop), 0);
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  close_loop_and_check(&loop);
  close_pair(sv);
  return 0;
}

#endif /* _WIN32 */

/* The bodies above use POSIX descriptors; elsewhere the tests skip. */
#ifdef _WIN32
# define POSIX_BODY(fn) RETURN_SKIP("POSIX descriptors")
#else
# define POSIX_BODY(fn) return fn()
#endif

TEST(poll_readable_writable) { POSIX_BODY(do_poll_readable_writable); }
TEST(poll_disconnect) { POSIX_BODY(do_poll_disconnect); }
TEST(poll_error_event) { POSIX_BODY(do_poll_error_event); }
TEST(poll_bad_arguments) { POSIX_BODY(do_poll_bad_arguments); }
TEST(poll_init_errors) { POSIX_BODY(do_poll_init_errors); }
TEST(poll_same_fd_twice) { POSIX_BODY(do_poll_same_fd_twice); }
TEST(poll_stop_restart) { POSIX_BODY(do_poll_stop_restart); }
TEST(poll_change_events) { POSIX_BODY(do_poll_change_events); }
TEST(poll_close_in_callback) { POSIX_BODY(do_poll_close_in_callback); }
TEST(poll_stale_event_after_close) { POSIX_BODY(do_poll_stale_event_after_close); }
TEST(poll_ref) { POSIX_BODY(do_poll_ref); }

#ifndef _WIN32

/* A connected loopback TCP pair made with plain sockets: fds[0] is the
 * accepted side, fds[1] the client.  Both close-on-exec. */
static void oob_tcp_pair(int fds[2]) {
  struct sockaddr_in sa;
  socklen_t len;
  int listener;

  listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(listener, 0);
  memset(&sa, 0, sizeof(sa));
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_OK(bind(listener, (struct sockaddr*) &sa, sizeof(sa)));
  ASSERT_OK(listen(listener, 1));
  len = sizeof(sa);
  ASSERT_OK(getsockname(listener, (struct sockaddr*) &sa, &len));

  fds[1] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fds[1], 0);
  ASSERT_OK(connect(fds[1], (struct sockaddr*) &sa, sizeof(sa)));
  fds[0] = accept(listener, NULL, NULL);
  ASSERT_GE(fds[0], 0);
  ASSERT_OK(fcntl(fds[0], F_SETFD, FD_CLOEXEC));
  ASSERT_OK(close(listener));
}

static int prio_events;
static int prio_calls;

static void prio_cb(uv_poll_t* h, int status, int events) {
  ASSERT_OK(status);
  prio_calls++;
  prio_events |= events;
  if (events & UV_PRIORITIZED)
    uv_poll_stop(h);
}

#endif

/* Urgent (out-of-band) TCP data shows up as UV_PRIORITIZED, and only for a
 * watcher that asked for it. */
TEST(poll_prioritized_oob) {
#ifdef _WIN32
  RETURN_SKIP("out-of-band readiness is a Unix poll feature");
#else
  uv_loop_t loop;
  uv_poll_t h;
  int fds[2];

  oob_tcp_pair(fds);
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_poll_init(&loop, &h, fds[0]));
  ASSERT_OK(uv_poll_start(&h, UV_PRIORITIZED, prio_cb));
  ASSERT_EQ(1, send(fds[1], "!", 1, MSG_OOB));

  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_GE(prio_calls, 1);
  ASSERT(prio_events & UV_PRIORITIZED);
  /* Only UV_PRIORITIZED was asked for: no plain readability reported. */
  ASSERT_EQ(0, prio_events & UV_READABLE);

  uv_close((uv_handle_t*) &h, NULL);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_OK(uv_loop_close(&loop));
  ASSERT_OK(close(fds[0]));
  ASSERT_OK(close(fds[1]));
  return 0;
#endif
}
