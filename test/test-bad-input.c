/* Bad input at every public function (issue 11).
 *
 * Each public function of include/uv.h is called with what a buggy
 * program hands it: NULL, a zeroed handle or loop, a handle that is
 * closing or already closed, a handle of another type (allocated at its
 * own exact size, so AddressSanitizer sees a read beyond it), a request
 * still in flight, out-of-range flags, lengths and counts.  Each call must
 * come back with libuv's documented answer where it has one, and with a
 * plain UV_E* code (usually UV_EINVAL) where libuv would assert or crash:
 * never a crash, a hang or a leak.  The suite runs it under ASan too.
 *
 * Two shapes of table: the handle table (every function that takes a
 * handle, times six kinds of bad handle), and per-subsystem lists of
 * argument cases (BI()).  Every case is counted; the totals are printed.
 * Unix-only parts (ptys, socketpair, fork) skip on other systems.
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE  /* posix_openpt, ptsname */
#endif
#include "task.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#ifndef _WIN32
# include <netinet/in.h>
# include <sys/socket.h>
# include <sys/un.h>
# include <unistd.h>
#endif

#ifndef _WIN32

/* Expectations besides a specific return code. */
#define BI_ANY_ERR  (INT_MIN + 1)  /* any UV_E* error code */
#define BI_NOCRASH  (INT_MIN + 2)  /* void, a getter, or no fixed answer */
#define BI_ZERO_ERR (INT_MIN + 3)  /* 0 or a UV_E* error code */
#define BI_BOOL     (INT_MIN + 4)  /* 0 or 1 */

static int bi_cases;
static int bi_failures;

static int bi_is_uv_error(long long r) {
  /* UV_E* codes are negated errno values or libuv's own (-3000 .. -4095). */
  return r < 0 && r >= -4095;
}

static void bi_check(const char* what, long long r, int expect,
                     const char* file, int line) {
  int ok;

  bi_cases++;
  switch (expect) {
    case BI_ANY_ERR: ok = bi_is_uv_error(r); break;
    case BI_NOCRASH: ok = 1; break;
    case BI_ZERO_ERR: ok = r == 0 || bi_is_uv_error(r); break;
    case BI_BOOL: ok = r == 0 || r == 1; break;
    default: ok = r == expect; break;
  }
  if (!ok) {
    bi_failures++;
    fprintf(stderr, "%s:%d: %s returned %lld (%s), expected %d (%s)\n",
            file, line, what, r,
            bi_is_uv_error(r) ? uv_err_name((int) r) : "-", expect,
            expect < 0 && expect > -4096 ? uv_err_name(expect) : "special");
  }
}

/* One argument case: evaluates expr once, compares, counts. */
#define BI(expr, expect)                                                      \
  bi_check(#expr, (long long) (expr), (expect), __FILE__, __LINE__)
/* A void call or one whose value is not checked: it must merely return. */
#define BI_VOID(stmt)                                                         \
  do {                                                                        \
    stmt;                                                                     \
    bi_check(#stmt, 0, BI_NOCRASH, __FILE__, __LINE__);                       \
  } while (0)

static int bi_finish(const char* group) {
  printf("bad input, %s: %d cases, %d failed\n", group, bi_cases,
         bi_failures);
  ASSERT_EQ(bi_failures, 0);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Callbacks: none of them may matter; they count so that nothing is
 * optimised away and a callback for a refused request would show. */

static int bi_cb_calls;
static void bi_close_cb(uv_handle_t* h) { (void) h; bi_cb_calls++; }
static void bi_alloc_cb(uv_handle_t* h, size_t s, uv_buf_t* b) {
  static char slab[64];
  (void) h; (void) s;
  *b = uv_buf_init(slab, sizeof(slab));
}
static void bi_read_cb(uv_stream_t* s, ssize_t n, const uv_buf_t* b) {
  (void) s; (void) n; (void) b; bi_cb_calls++;
}
static void bi_write_cb(uv_write_t* r, int st) { (void) r; (void) st; bi_cb_calls++; }
static void bi_connect_cb(uv_connect_t* r, int st) { (void) r; (void) st; bi_cb_calls++; }
static void bi_shutdown_cb(uv_shutdown_t* r, int st) { (void) r; (void) st; bi_cb_calls++; }
static void bi_connection_cb(uv_stream_t* s, int st) { (void) s; (void) st; bi_cb_calls++; }
static void bi_udp_send_cb(uv_udp_send_t* r, int st) { (void) r; (void) st; bi_cb_calls++; }
static void bi_udp_recv_cb(uv_udp_t* h, ssize_t n, const uv_buf_t* b,
                           const struct sockaddr* a, unsigned f) {
  (void) h; (void) n; (void) b; (void) a; (void) f; bi_cb_calls++;
}
static void bi_poll_cb(uv_poll_t* h, int st, int ev) { (void) h; (void) st; (void) ev; bi_cb_calls++; }
static void bi_timer_cb(uv_timer_t* h) { (void) h; bi_cb_calls++; }
static void bi_idle_cb(uv_idle_t* h) { (void) h; bi_cb_calls++; }
static void bi_prepare_cb(uv_prepare_t* h) { (void) h; bi_cb_calls++; }
static void bi_check_cb(uv_check_t* h) { (void) h; bi_cb_calls++; }
static void bi_async_cb(uv_async_t* h) { (void) h; bi_cb_calls++; }
static void bi_signal_cb(uv_signal_t* h, int s) { (void) h; (void) s; bi_cb_calls++; }
static void bi_fs_event_cb(uv_fs_event_t* h, const char* f, int e, int st) {
  (void) h; (void) f; (void) e; (void) st; bi_cb_calls++;
}
static void bi_fs_poll_cb(uv_fs_poll_t* h, int st, const uv_stat_t* a,
                          const uv_stat_t* b) {
  (void) h; (void) st; (void) a; (void) b; bi_cb_calls++;
}
static void bi_fs_cb(uv_fs_t* r) { (void) r; bi_cb_calls++; }
static void bi_work_cb(uv_work_t* r) { (void) r; }
static void bi_after_work_cb(uv_work_t* r, int st) { (void) r; (void) st; bi_cb_calls++; }
static void bi_gai_cb(uv_getaddrinfo_t* r, int st, struct addrinfo* ai) {
  (void) r; (void) st; uv_freeaddrinfo(ai); bi_cb_calls++;
}
static void bi_gni_cb(uv_getnameinfo_t* r, int st, const char* h, const char* s) {
  (void) r; (void) st; (void) h; (void) s; bi_cb_calls++;
}
static void bi_random_cb(uv_random_t* r, int st, void* b, size_t n) {
  (void) r; (void) st; (void) b; (void) n; bi_cb_calls++;
}
static void bi_exit_cb(uv_process_t* p, int64_t st, int sig) {
  (void) p; (void) st; (void) sig; bi_cb_calls++;
}
static void bi_walk_cb(uv_handle_t* h, void* arg) { (void) h; (void) arg; }
static void bi_thread_entry(void* arg) { (void) arg; }


/* ------------------------------------------------------------------------ */
/* Shared fixtures */

static char bi_data[16] = "bad input test";
static struct sockaddr_in bi_addr4;

static uv_buf_t bi_buf(void) {
  return uv_buf_init(bi_data, sizeof(bi_data));
}

static void bi_init_addr(void) {
  ASSERT_OK(uv_ip4_addr("127.0.0.1", 0, &bi_addr4));
}

/* A handle of `type`, allocated at exactly its size. */
static uv_handle_t* bi_alloc_handle(uv_handle_type type) {
  uv_handle_t* h;

  h = calloc(1, uv_handle_size(type));
  ASSERT_NOT_NULL(h);
  return h;
}

static int bi_tty_fd = -1;
static int bi_pty_masters[2] = { -1, -1 };

/* A pty's terminal side (its master kept open, or the terminal hangs up),
 * or -1 where there are none. */
static int bi_open_pty(int which) {
  const char* name;
  int m;
  int s;

  m = posix_openpt(O_RDWR | O_NOCTTY);
  if (m < 0)
    return -1;
  name = grantpt(m) || unlockpt(m) ? NULL : ptsname(m);
  s = name != NULL ? open(name, O_RDWR | O_NOCTTY) : -1;
  if (s < 0)
    close(m);
  else
    bi_pty_masters[which] = m;
  return s;
}

static void bi_close_pty(int which, int fd) {
  if (fd >= 0)
    close(fd);
  if (bi_pty_masters[which] >= 0)
    close(bi_pty_masters[which]);
  bi_pty_masters[which] = -1;
}

static int bi_sockets[2] = { -1, -1 };

/* Initialises a handle of `type` on loop; 0 when this system cannot make
 * one (it is then left out of the closing/closed kinds). */
static int bi_init_handle(uv_loop_t* loop, uv_handle_t* h, uv_handle_type type) {
  switch (type) {
    case UV_TCP: return uv_tcp_init(loop, (uv_tcp_t*) h) == 0;
    case UV_NAMED_PIPE: return uv_pipe_init(loop, (uv_pipe_t*) h, 0) == 0;
    case UV_UDP: return uv_udp_init(loop, (uv_udp_t*) h) == 0;
    case UV_TIMER: return uv_timer_init(loop, (uv_timer_t*) h) == 0;
    case UV_IDLE: return uv_idle_init(loop, (uv_idle_t*) h) == 0;
    case UV_PREPARE: return uv_prepare_init(loop, (uv_prepare_t*) h) == 0;
    case UV_CHECK: return uv_check_init(loop, (uv_check_t*) h) == 0;
    case UV_ASYNC: return uv_async_init(loop, (uv_async_t*) h, bi_async_cb) == 0;
    case UV_SIGNAL: return uv_signal_init(loop, (uv_signal_t*) h) == 0;
    case UV_FS_EVENT: return uv_fs_event_init(loop, (uv_fs_event_t*) h) == 0;
    case UV_FS_POLL: return uv_fs_poll_init(loop, (uv_fs_poll_t*) h) == 0;
    case UV_TTY:
      return bi_tty_fd >= 0 && uv_tty_init(loop, (uv_tty_t*) h, bi_tty_fd, 0) == 0;
    case UV_POLL:
      return uv_poll_init(loop, (uv_poll_t*) h, bi_sockets[0]) == 0;
    case UV_PROCESS: {
      uv_process_options_t o;
      char* args[4];

      memset(&o, 0, sizeof(o));
      args[0] = (char*) test_exepath();
      args[1] = (char*) "--helper";
      args[2] = (char*) "bad_input_exit";
      args[3] = NULL;
      o.file = args[0];
      o.args = args;
      o.exit_cb = bi_exit_cb;
      return uv_spawn(loop, (uv_process_t*) h, &o) == 0;
    }
    default:
      return 0;
  }
}

/* ------------------------------------------------------------------------ */
/* The handle table */

typedef int (*bi_hfn)(uv_handle_t* h);

typedef struct {
  const char* name;
  uv_handle_type type;  /* UV_UNKNOWN_HANDLE: any handle will do */
  bi_hfn fn;
  int null_expect;      /* handle NULL */
  int bad_expect;       /* zeroed, or a live handle of another type */
  int closed_expect;    /* closing (uv_close called) or closed */
} bi_hcase_t;

#define S(h) ((uv_stream_t*) (h))
#define HF(id, ...) static int id(uv_handle_t* h) { __VA_ARGS__ }

/* Generic handle functions. */
HF(hf_ref, uv_ref(h); return 0;)
HF(hf_unref, uv_unref(h); return 0;)
HF(hf_has_ref, return uv_has_ref(h);)
HF(hf_is_active, return uv_is_active(h);)
HF(hf_is_closing, return uv_is_closing(h);)
HF(hf_close, uv_close(h, bi_close_cb); return 0;)
HF(hf_fileno, uv_os_fd_t fd; return uv_fileno(h, &fd);)
HF(hf_send_buffer_size, int v = 0; return uv_send_buffer_size(h, &v);)
HF(hf_recv_buffer_size, int v = 0; return uv_recv_buffer_size(h, &v);)
HF(hf_get_type, return (int) uv_handle_get_type(h);)
HF(hf_get_data, return uv_handle_get_data(h) != NULL;)
HF(hf_set_data, uv_handle_set_data(h, NULL); return 0;)
HF(hf_get_loop, return uv_handle_get_loop(h) != NULL;)

/* Streams. */
HF(hf_listen, return uv_listen(S(h), 5, bi_connection_cb);)
HF(hf_accept_server, uv_tcp_t c; uv_tcp_init(uv_default_loop(), &c);
   int r = uv_accept(S(h), S(&c)); uv_close((uv_handle_t*) &c, NULL);
   uv_run(uv_default_loop(), UV_RUN_NOWAIT); return r;)
HF(hf_accept_client, uv_tcp_t s; uv_tcp_init(uv_default_loop(), &s);
   int r = uv_accept(S(&s), S(h)); uv_close((uv_handle_t*) &s, NULL);
   uv_run(uv_default_loop(), UV_RUN_NOWAIT); return r;)
HF(hf_read_start, return uv_read_start(S(h), bi_alloc_cb, bi_read_cb);)
HF(hf_read_stop, return uv_read_stop(S(h));)
HF(hf_write, static uv_write_t r; uv_buf_t b = bi_buf();
   return uv_write(&r, S(h), &b, 1, bi_write_cb);)
HF(hf_write2, static uv_write_t r; uv_buf_t b = bi_buf();
   return uv_write2(&r, S(h), &b, 1, NULL, bi_write_cb);)
HF(hf_try_write, uv_buf_t b = bi_buf(); return uv_try_write(S(h), &b, 1);)
HF(hf_try_write2, uv_buf_t b = bi_buf(); return uv_try_write2(S(h), &b, 1, NULL);)
HF(hf_is_readable, return uv_is_readable(S(h));)
HF(hf_is_writable, return uv_is_writable(S(h));)
HF(hf_set_blocking, return uv_stream_set_blocking(S(h), 1);)
HF(hf_shutdown, static uv_shutdown_t r; return uv_shutdown(&r, S(h), bi_shutdown_cb);)
HF(hf_write_queue_size, return uv_stream_get_write_queue_size(S(h)) != 0;)

/* TCP. */
#define T(h) ((uv_tcp_t*) (h))
HF(hf_tcp_open, int fd = socket(AF_INET, SOCK_STREAM, 0); ASSERT_GE(fd, 0);
   int r = uv_tcp_open(T(h), fd); if (r != 0) close(fd); return r;)
HF(hf_tcp_nodelay, return uv_tcp_nodelay(T(h), 1);)
HF(hf_tcp_keepalive, return uv_tcp_keepalive(T(h), 1, 60);)
HF(hf_tcp_keepalive_ex, return uv_tcp_keepalive_ex(T(h), 1, 60, 10, 3);)
HF(hf_tcp_simultaneous, return uv_tcp_simultaneous_accepts(T(h), 1);)
HF(hf_tcp_bind, return uv_tcp_bind(T(h), (const struct sockaddr*) &bi_addr4, 0);)
HF(hf_tcp_getsockname, struct sockaddr_storage ss; int n = sizeof(ss);
   return uv_tcp_getsockname(T(h), (struct sockaddr*) &ss, &n);)
HF(hf_tcp_getpeername, struct sockaddr_storage ss; int n = sizeof(ss);
   return uv_tcp_getpeername(T(h), (struct sockaddr*) &ss, &n);)
HF(hf_tcp_close_reset, return uv_tcp_close_reset(T(h), bi_close_cb);)
HF(hf_tcp_connect, static uv_connect_t r;
   return uv_tcp_connect(&r, T(h), (const struct sockaddr*) &bi_addr4, bi_connect_cb);)

/* UDP. */
#define U(h) ((uv_udp_t*) (h))
HF(hf_udp_open, int fd = socket(AF_INET, SOCK_DGRAM, 0); ASSERT_GE(fd, 0);
   int r = uv_udp_open(U(h), fd); if (r != 0) close(fd); return r;)
HF(hf_udp_open_ex, int fd = socket(AF_INET, SOCK_DGRAM, 0); ASSERT_GE(fd, 0);
   int r = uv_udp_open_ex(U(h), fd, 0); if (r != 0) close(fd); return r;)
HF(hf_udp_bind, return uv_udp_bind(U(h), (const struct sockaddr*) &bi_addr4, 0);)
HF(hf_udp_connect, return uv_udp_connect(U(h), (const struct sockaddr*) &bi_addr4);)
HF(hf_udp_getpeername, struct sockaddr_storage ss; int n = sizeof(ss);
   return uv_udp_getpeername(U(h), (struct sockaddr*) &ss, &n);)
HF(hf_udp_getsockname, struct sockaddr_storage ss; int n = sizeof(ss);
   return uv_udp_getsockname(U(h), (struct sockaddr*) &ss, &n);)
HF(hf_udp_membership, return uv_udp_set_membership(U(h), "239.1.2.3", NULL, UV_JOIN_GROUP);)
HF(hf_udp_source_membership,
   return uv_udp_set_source_membership(U(h), "232.1.2.3", NULL, "10.0.0.1", UV_JOIN_GROUP);)
HF(hf_udp_mcast_loop, return uv_udp_set_multicast_loop(U(h), 1);)
HF(hf_udp_mcast_ttl, return uv_udp_set_multicast_ttl(U(h), 4);)
HF(hf_udp_mcast_if, return uv_udp_set_multicast_interface(U(h), "127.0.0.1");)
HF(hf_udp_broadcast, return uv_udp_set_broadcast(U(h), 1);)
HF(hf_udp_ttl, return uv_udp_set_ttl(U(h), 4);)
HF(hf_udp_send, static uv_udp_send_t r; uv_buf_t b = bi_buf();
   return uv_udp_send(&r, U(h), &b, 1, (const struct sockaddr*) &bi_addr4, bi_udp_send_cb);)
HF(hf_udp_try_send, uv_buf_t b = bi_buf();
   return uv_udp_try_send(U(h), &b, 1, (const struct sockaddr*) &bi_addr4);)
HF(hf_udp_try_send2, uv_buf_t b = bi_buf(); uv_buf_t* bp = &b; unsigned int n = 1;
   struct sockaddr* a = (struct sockaddr*) &bi_addr4;
   return uv_udp_try_send2(U(h), 1, &bp, &n, &a, 0);)
HF(hf_udp_recv_start, return uv_udp_recv_start(U(h), bi_alloc_cb, bi_udp_recv_cb);)
HF(hf_udp_recv_stop, return uv_udp_recv_stop(U(h));)
HF(hf_udp_using_recvmmsg, return uv_udp_using_recvmmsg(U(h));)
HF(hf_udp_queue_size, return uv_udp_get_send_queue_size(U(h)) != 0;)
HF(hf_udp_queue_count, return uv_udp_get_send_queue_count(U(h)) != 0;)

/* TTY. */
HF(hf_tty_set_mode, return uv_tty_set_mode((uv_tty_t*) h, UV_TTY_MODE_NORMAL);)
HF(hf_tty_winsize, int w; int hh; return uv_tty_get_winsize((uv_tty_t*) h, &w, &hh);)

/* Pipes. */
#define P(h) ((uv_pipe_t*) (h))
HF(hf_pipe_open, int fds[2]; ASSERT_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, fds));
   close(fds[1]); int r = uv_pipe_open(P(h), fds[0]); if (r != 0) close(fds[0]);
   return r;)
HF(hf_pipe_bind, return uv_pipe_bind(P(h), TEST_PIPENAME);)
HF(hf_pipe_bind2, return uv_pipe_bind2(P(h), TEST_PIPENAME, strlen(TEST_PIPENAME), 0);)
HF(hf_pipe_connect, static uv_connect_t r;
   uv_pipe_connect(&r, P(h), TEST_PIPENAME, bi_connect_cb); return 0;)
HF(hf_pipe_connect2, static uv_connect_t r;
   return uv_pipe_connect2(&r, P(h), TEST_PIPENAME, strlen(TEST_PIPENAME), 0, bi_connect_cb);)
HF(hf_pipe_getsockname, char b[128]; size_t n = sizeof(b);
   return uv_pipe_getsockname(P(h), b, &n);)
HF(hf_pipe_getpeername, char b[128]; size_t n = sizeof(b);
   return uv_pipe_getpeername(P(h), b, &n);)
HF(hf_pipe_pending_instances, uv_pipe_pending_instances(P(h), 4); return 0;)
HF(hf_pipe_pending_count, return uv_pipe_pending_count(P(h));)
HF(hf_pipe_pending_type, return (int) uv_pipe_pending_type(P(h));)
HF(hf_pipe_chmod, return uv_pipe_chmod(P(h), UV_READABLE);)

/* Poll, loop watchers, async, timers. */
HF(hf_poll_start, return uv_poll_start((uv_poll_t*) h, UV_READABLE, bi_poll_cb);)
HF(hf_poll_stop, return uv_poll_stop((uv_poll_t*) h);)
HF(hf_idle_start, return uv_idle_start((uv_idle_t*) h, bi_idle_cb);)
HF(hf_idle_stop, return uv_idle_stop((uv_idle_t*) h);)
HF(hf_prepare_start, return uv_prepare_start((uv_prepare_t*) h, bi_prepare_cb);)
HF(hf_prepare_stop, return uv_prepare_stop((uv_prepare_t*) h);)
HF(hf_check_start, return uv_check_start((uv_check_t*) h, bi_check_cb);)
HF(hf_check_stop, return uv_check_stop((uv_check_t*) h);)
HF(hf_async_send, return uv_async_send((uv_async_t*) h);)
HF(hf_timer_start, return uv_timer_start((uv_timer_t*) h, bi_timer_cb, 1000, 0);)
HF(hf_timer_stop, return uv_timer_stop((uv_timer_t*) h);)
HF(hf_timer_again, return uv_timer_again((uv_timer_t*) h);)
HF(hf_timer_set_repeat, uv_timer_set_repeat((uv_timer_t*) h, 5); return 0;)
HF(hf_timer_get_repeat, return uv_timer_get_repeat((uv_timer_t*) h) != 0;)
HF(hf_timer_due_in, return uv_timer_get_due_in((uv_timer_t*) h) != 0;)

/* Processes, signals, fs watchers. */
HF(hf_process_kill, return uv_process_kill((uv_process_t*) h, 0);)
HF(hf_process_pid, return uv_process_get_pid((uv_process_t*) h) != 0;)
HF(hf_signal_start, return uv_signal_start((uv_signal_t*) h, bi_signal_cb, SIGUSR2);)
HF(hf_signal_oneshot, return uv_signal_start_oneshot((uv_signal_t*) h, bi_signal_cb, SIGUSR2);)
HF(hf_signal_stop, return uv_signal_stop((uv_signal_t*) h);)
HF(hf_fs_poll_start, return uv_fs_poll_start((uv_fs_poll_t*) h, bi_fs_poll_cb, ".", 1000);)
HF(hf_fs_poll_stop, return uv_fs_poll_stop((uv_fs_poll_t*) h);)
HF(hf_fs_poll_getpath, char b[64]; size_t n = sizeof(b);
   return uv_fs_poll_getpath((uv_fs_poll_t*) h, b, &n);)
HF(hf_fs_event_start, return uv_fs_event_start((uv_fs_event_t*) h, bi_fs_event_cb, ".", 0);)
HF(hf_fs_event_stop, return uv_fs_event_stop((uv_fs_event_t*) h);)
HF(hf_fs_event_getpath, char b[64]; size_t n = sizeof(b);
   return uv_fs_event_getpath((uv_fs_event_t*) h, b, &n);)

#define EINV UV_EINVAL
#define ANY BI_ANY_ERR
#define NOC BI_NOCRASH
#define ZE BI_ZERO_ERR
#define BOOL BI_BOOL

static const bi_hcase_t bi_handle_table[] = {
  /* generic: any type; the wrong-type kind does not apply */
  { "uv_ref", UV_UNKNOWN_HANDLE, hf_ref, NOC, NOC, NOC },
  { "uv_unref", UV_UNKNOWN_HANDLE, hf_unref, NOC, NOC, NOC },
  { "uv_has_ref", UV_UNKNOWN_HANDLE, hf_has_ref, 0, BOOL, BOOL },
  { "uv_is_active", UV_UNKNOWN_HANDLE, hf_is_active, 0, BOOL, 0 },
  { "uv_is_closing", UV_UNKNOWN_HANDLE, hf_is_closing, 0, BOOL, 1 },
  { "uv_fileno", UV_UNKNOWN_HANDLE, hf_fileno, EINV, EINV, UV_EBADF },
  { "uv_send_buffer_size", UV_UNKNOWN_HANDLE, hf_send_buffer_size, EINV, ANY, ANY },
  { "uv_recv_buffer_size", UV_UNKNOWN_HANDLE, hf_recv_buffer_size, EINV, ANY, ANY },
  { "uv_handle_get_type", UV_UNKNOWN_HANDLE, hf_get_type, UV_UNKNOWN_HANDLE, NOC, NOC },
  { "uv_handle_get_data", UV_UNKNOWN_HANDLE, hf_get_data, 0, NOC, NOC },
  { "uv_handle_set_data", UV_UNKNOWN_HANDLE, hf_set_data, NOC, NOC, NOC },
  { "uv_handle_get_loop", UV_UNKNOWN_HANDLE, hf_get_loop, 0, NOC, NOC },
  { "uv_close", UV_UNKNOWN_HANDLE, hf_close, NOC, NOC, NOC },
  /* streams */
  { "uv_listen", UV_TCP, hf_listen, EINV, ANY, EINV },
  { "uv_accept(server)", UV_TCP, hf_accept_server, EINV, ANY, ANY },
  { "uv_accept(client)", UV_TCP, hf_accept_client, EINV, ANY, ANY },
  { "uv_read_start", UV_TCP, hf_read_start, EINV, ANY, EINV },
  { "uv_read_stop", UV_TCP, hf_read_stop, EINV, ANY, ZE },
  { "uv_write", UV_TCP, hf_write, EINV, ANY, ANY },
  { "uv_write2", UV_TCP, hf_write2, EINV, ANY, ANY },
  { "uv_try_write", UV_TCP, hf_try_write, EINV, ANY, ANY },
  { "uv_try_write2", UV_TCP, hf_try_write2, EINV, ANY, ANY },
  { "uv_is_readable", UV_TCP, hf_is_readable, 0, 0, 0 },
  { "uv_is_writable", UV_TCP, hf_is_writable, 0, 0, 0 },
  { "uv_stream_set_blocking", UV_TCP, hf_set_blocking, EINV, ANY, ANY },
  { "uv_shutdown", UV_TCP, hf_shutdown, EINV, ANY, ANY },
  { "uv_stream_get_write_queue_size", UV_TCP, hf_write_queue_size, 0, 0, 0 },
  { "uv_listen(pipe)", UV_NAMED_PIPE, hf_listen, EINV, ANY, EINV },
  { "uv_read_start(pipe)", UV_NAMED_PIPE, hf_read_start, EINV, ANY, EINV },
  { "uv_write(pipe)", UV_NAMED_PIPE, hf_write, EINV, ANY, ANY },
  { "uv_shutdown(pipe)", UV_NAMED_PIPE, hf_shutdown, EINV, ANY, ANY },
  { "uv_read_start(tty)", UV_TTY, hf_read_start, EINV, ANY, EINV },
  { "uv_write(tty)", UV_TTY, hf_write, EINV, ANY, ANY },
  { "uv_try_write(tty)", UV_TTY, hf_try_write, EINV, ANY, ANY },
  /* TCP */
  { "uv_tcp_open", UV_TCP, hf_tcp_open, EINV, ANY, ANY },
  { "uv_tcp_nodelay", UV_TCP, hf_tcp_nodelay, EINV, ANY, ANY },
  { "uv_tcp_keepalive", UV_TCP, hf_tcp_keepalive, EINV, ANY, ANY },
  { "uv_tcp_keepalive_ex", UV_TCP, hf_tcp_keepalive_ex, EINV, ANY, ANY },
  { "uv_tcp_simultaneous_accepts", UV_TCP, hf_tcp_simultaneous, EINV, ANY, ZE },
  { "uv_tcp_bind", UV_TCP, hf_tcp_bind, EINV, ANY, ANY },
  { "uv_tcp_getsockname", UV_TCP, hf_tcp_getsockname, EINV, ANY, ANY },
  { "uv_tcp_getpeername", UV_TCP, hf_tcp_getpeername, EINV, ANY, ANY },
  { "uv_tcp_close_reset", UV_TCP, hf_tcp_close_reset, EINV, ANY, ANY },
  { "uv_tcp_connect", UV_TCP, hf_tcp_connect, EINV, ANY, ANY },
  /* UDP */
  { "uv_udp_open", UV_UDP, hf_udp_open, EINV, ANY, ANY },
  { "uv_udp_open_ex", UV_UDP, hf_udp_open_ex, EINV, ANY, ANY },
  { "uv_udp_bind", UV_UDP, hf_udp_bind, EINV, ANY, ANY },
  { "uv_udp_connect", UV_UDP, hf_udp_connect, EINV, ANY, ANY },
  { "uv_udp_getpeername", UV_UDP, hf_udp_getpeername, EINV, ANY, ANY },
  { "uv_udp_getsockname", UV_UDP, hf_udp_getsockname, EINV, ANY, ANY },
  { "uv_udp_set_membership", UV_UDP, hf_udp_membership, EINV, ANY, ANY },
  { "uv_udp_set_source_membership", UV_UDP, hf_udp_source_membership, EINV, ANY, ANY },
  { "uv_udp_set_multicast_loop", UV_UDP, hf_udp_mcast_loop, EINV, ANY, ANY },
  { "uv_udp_set_multicast_ttl", UV_UDP, hf_udp_mcast_ttl, EINV, ANY, ANY },
  { "uv_udp_set_multicast_interface", UV_UDP, hf_udp_mcast_if, EINV, ANY, ANY },
  { "uv_udp_set_broadcast", UV_UDP, hf_udp_broadcast, EINV, ANY, ANY },
  { "uv_udp_set_ttl", UV_UDP, hf_udp_ttl, EINV, ANY, ANY },
  { "uv_udp_send", UV_UDP, hf_udp_send, EINV, ANY, ANY },
  { "uv_udp_try_send", UV_UDP, hf_udp_try_send, EINV, ANY, ANY },
  { "uv_udp_try_send2", UV_UDP, hf_udp_try_send2, EINV, ANY, ANY },
  { "uv_udp_recv_start", UV_UDP, hf_udp_recv_start, EINV, ANY, ANY },
  { "uv_udp_recv_stop", UV_UDP, hf_udp_recv_stop, EINV, ANY, ZE },
  { "uv_udp_using_recvmmsg", UV_UDP, hf_udp_using_recvmmsg, 0, BOOL, BOOL },
  { "uv_udp_get_send_queue_size", UV_UDP, hf_udp_queue_size, 0, 0, 0 },
  { "uv_udp_get_send_queue_count", UV_UDP, hf_udp_queue_count, 0, 0, 0 },
  /* TTY */
  { "uv_tty_set_mode", UV_TTY, hf_tty_set_mode, EINV, ANY, ZE },
  { "uv_tty_get_winsize", UV_TTY, hf_tty_winsize, EINV, ANY, ANY },
  /* pipes */
  { "uv_pipe_open", UV_NAMED_PIPE, hf_pipe_open, EINV, ANY, ANY },
  { "uv_pipe_bind", UV_NAMED_PIPE, hf_pipe_bind, EINV, ANY, ANY },
  { "uv_pipe_bind2", UV_NAMED_PIPE, hf_pipe_bind2, EINV, ANY, ANY },
  { "uv_pipe_connect", UV_NAMED_PIPE, hf_pipe_connect, NOC, NOC, NOC },
  { "uv_pipe_connect2", UV_NAMED_PIPE, hf_pipe_connect2, EINV, ANY, ANY },
  { "uv_pipe_getsockname", UV_NAMED_PIPE, hf_pipe_getsockname, EINV, ANY, ANY },
  { "uv_pipe_getpeername", UV_NAMED_PIPE, hf_pipe_getpeername, EINV, ANY, ANY },
  { "uv_pipe_pending_instances", UV_NAMED_PIPE, hf_pipe_pending_instances, NOC, NOC, NOC },
  { "uv_pipe_pending_count", UV_NAMED_PIPE, hf_pipe_pending_count, 0, 0, 0 },
  { "uv_pipe_pending_type", UV_NAMED_PIPE, hf_pipe_pending_type,
    UV_UNKNOWN_HANDLE, UV_UNKNOWN_HANDLE, UV_UNKNOWN_HANDLE },
  { "uv_pipe_chmod", UV_NAMED_PIPE, hf_pipe_chmod, UV_EBADF, ANY, ANY },  /* libuv: EBADF */
  /* poll, watchers, async, timer */
  { "uv_poll_start", UV_POLL, hf_poll_start, EINV, ANY, ANY },
  { "uv_poll_stop", UV_POLL, hf_poll_stop, EINV, ANY, ZE },
  { "uv_idle_start", UV_IDLE, hf_idle_start, EINV, ANY, ANY },
  { "uv_idle_stop", UV_IDLE, hf_idle_stop, EINV, ANY, ZE },
  { "uv_prepare_start", UV_PREPARE, hf_prepare_start, EINV, ANY, ANY },
  { "uv_prepare_stop", UV_PREPARE, hf_prepare_stop, EINV, ANY, ZE },
  { "uv_check_start", UV_CHECK, hf_check_start, EINV, ANY, ANY },
  { "uv_check_stop", UV_CHECK, hf_check_stop, EINV, ANY, ZE },
  { "uv_async_send", UV_ASYNC, hf_async_send, EINV, ANY, ZE },
  { "uv_timer_start", UV_TIMER, hf_timer_start, EINV, ANY, EINV },
  { "uv_timer_stop", UV_TIMER, hf_timer_stop, EINV, ANY, ZE },
  { "uv_timer_again", UV_TIMER, hf_timer_again, EINV, ANY, ANY },
  { "uv_timer_set_repeat", UV_TIMER, hf_timer_set_repeat, NOC, NOC, NOC },
  { "uv_timer_get_repeat", UV_TIMER, hf_timer_get_repeat, 0, NOC, NOC },
  { "uv_timer_get_due_in", UV_TIMER, hf_timer_due_in, 0, 0, 0 },
  /* process, signal, fs watchers */
  { "uv_process_kill", UV_PROCESS, hf_process_kill, EINV, ANY, ANY },
  { "uv_process_get_pid", UV_PROCESS, hf_process_pid, 0, NOC, NOC },
  { "uv_signal_start", UV_SIGNAL, hf_signal_start, EINV, ANY, ANY },
  { "uv_signal_start_oneshot", UV_SIGNAL, hf_signal_oneshot, EINV, ANY, ANY },
  { "uv_signal_stop", UV_SIGNAL, hf_signal_stop, EINV, ANY, ZE },
  { "uv_fs_poll_start", UV_FS_POLL, hf_fs_poll_start, EINV, ANY, ANY },
  { "uv_fs_poll_stop", UV_FS_POLL, hf_fs_poll_stop, EINV, ANY, ZE },
  { "uv_fs_poll_getpath", UV_FS_POLL, hf_fs_poll_getpath, EINV, ANY, ANY },
  { "uv_fs_event_start", UV_FS_EVENT, hf_fs_event_start, EINV, ANY, ANY },
  { "uv_fs_event_stop", UV_FS_EVENT, hf_fs_event_stop, EINV, ANY, ZE },
  { "uv_fs_event_getpath", UV_FS_EVENT, hf_fs_event_getpath, EINV, ANY, ANY },
};

/* The handle types that get a closing and a closed instance. */
static const uv_handle_type bi_types[] = {
  UV_TCP, UV_NAMED_PIPE, UV_TTY, UV_UDP, UV_POLL, UV_TIMER, UV_IDLE,
  UV_PREPARE, UV_CHECK, UV_ASYNC, UV_SIGNAL, UV_FS_EVENT, UV_FS_POLL,
  UV_PROCESS
};
#define BI_NTYPES (sizeof(bi_types) / sizeof(bi_types[0]))

static uv_handle_t* bi_closing[BI_NTYPES];
static uv_handle_t* bi_closed[BI_NTYPES];

static uv_handle_t* bi_of_type(uv_handle_t** set, uv_handle_type t) {
  size_t i;

  for (i = 0; i < BI_NTYPES; i++)
    if (bi_types[i] == t)
      return set[i];
  return NULL;
}

static void bi_make_set(uv_loop_t* loop, uv_handle_t** set) {
  size_t i;

  for (i = 0; i < BI_NTYPES; i++) {
    set[i] = bi_alloc_handle(bi_types[i]);
    if (!bi_init_handle(loop, set[i], bi_types[i])) {
      free(set[i]);
      set[i] = NULL;
    }
  }
}

static void bi_close_set(uv_handle_t** set) {
  size_t i;

  for (i = 0; i < BI_NTYPES; i++)
    if (set[i] != NULL)
      uv_close(set[i], NULL);
}

static void bi_run_handle_case(const bi_hcase_t* c, const char* kind,
                               uv_handle_t* h, int expect) {
  char what[128];

  snprintf(what, sizeof(what), "%s(%s handle)", c->name, kind);
  bi_check(what, c->fn(h), expect, __FILE__, __LINE__);
}

static int bi_body_handles(void) {
  uv_loop_t closing_loop;
  uv_loop_t* loop;
  uv_handle_t* wrong_small;
  uv_handle_t* wrong_big;
  uv_handle_t* zeroed;
  uv_handle_t* h;
  size_t i;
  int rows;

  loop = uv_default_loop();
  bi_init_addr();
  bi_tty_fd = bi_open_pty(0);
  ASSERT_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, bi_sockets));

  /* The closed instances live on the default loop, which the table runs
   * now and then; the closing ones on a loop of their own that is not run
   * until the end, so they stay closing.  Processes exit first. */
  ASSERT_OK(uv_loop_init(&closing_loop));
  bi_make_set(loop, bi_closed);
  bi_make_set(&closing_loop, bi_closing);
  while (bi_of_type(bi_closed, UV_PROCESS) != NULL && bi_cb_calls < 1)
    ASSERT_GE(uv_run(loop, UV_RUN_ONCE), 0);
  while (bi_of_type(bi_closing, UV_PROCESS) != NULL && bi_cb_calls < 2)
    ASSERT_GE(uv_run(&closing_loop, UV_RUN_ONCE), 0);
  bi_close_set(bi_closed);
  ASSERT_GE(uv_run(loop, UV_RUN_NOWAIT), 0);
  bi_close_set(bi_closing);

  rows = 0;
  for (i = 0; i < sizeof(bi_handle_table) / sizeof(bi_handle_table[0]); i++) {
    const bi_hcase_t* c = &bi_handle_table[i];
    uv_handle_type t = c->type == UV_UNKNOWN_HANDLE ? UV_TCP : c->type;
    uv_handle_type small_t = t == UV_IDLE ? UV_TIMER : UV_IDLE;
    uv_handle_type big_t = t == UV_UDP ? UV_TCP : UV_UDP;

    rows++;
    bi_run_handle_case(c, "NULL", NULL, c->null_expect);

    zeroed = bi_alloc_handle(c->type == UV_UNKNOWN_HANDLE ? UV_TCP : c->type);
    bi_run_handle_case(c, "zeroed", zeroed, c->bad_expect);
    free(zeroed);

    h = bi_of_type(bi_closing, t);
    if (h != NULL)
      bi_run_handle_case(c, "closing", h, c->closed_expect);
    h = bi_of_type(bi_closed, t);
    if (h != NULL)
      bi_run_handle_case(c, "closed", h, c->closed_expect);

    if (c->type != UV_UNKNOWN_HANDLE) {
      wrong_small = bi_alloc_handle(small_t);
      ASSERT(bi_init_handle(loop, wrong_small, small_t));
      wrong_big = bi_alloc_handle(big_t);
      ASSERT(bi_init_handle(loop, wrong_big, big_t));
      bi_run_handle_case(c, "wrong-type small", wrong_small, c->bad_expect);
      bi_run_handle_case(c, "wrong-type big", wrong_big, c->bad_expect);
      uv_close(wrong_small, NULL);
      uv_close(wrong_big, NULL);
      ASSERT_GE(uv_run(loop, UV_RUN_NOWAIT), 0);
      free(wrong_small);
      free(wrong_big);
    }
  }

  /* Requests a closing handle took (if any) are cancelled by now. */
  uv_run(&closing_loop, UV_RUN_DEFAULT);
  uv_run(loop, UV_RUN_DEFAULT);
  for (i = 0; i < BI_NTYPES; i++) {
    free(bi_closing[i]);
    free(bi_closed[i]);
  }
  bi_close_pty(0, bi_tty_fd);
  close(bi_sockets[0]);
  close(bi_sockets[1]);
  printf("handle table: %d functions x up to 6 kinds of bad handle\n", rows);
  close_loop_and_check(&closing_loop);
  close_loop_and_check(loop);
  return bi_finish("handles");
}

/* ------------------------------------------------------------------------ */
/* The loop table: every function that takes a loop, with a NULL loop, a
 * zeroed one (never initialised) and one already closed. */

typedef int (*bi_lfn)(uv_loop_t* loop);

typedef struct {
  const char* name;
  bi_lfn fn;
  int expect;  /* for all three kinds */
} bi_lcase_t;

#define LF(id, ...) static int id(uv_loop_t* l) { __VA_ARGS__ }

static union uv_any_handle bi_lh;
static union uv_any_req bi_lr;

LF(lf_run, return uv_run(l, UV_RUN_NOWAIT);)
LF(lf_run_default, return uv_run(l, UV_RUN_DEFAULT);)
LF(lf_run_bad_mode, return uv_run(l, (uv_run_mode) 99);)
LF(lf_alive, return uv_loop_alive(l);)
LF(lf_close, return uv_loop_close(l);)
LF(lf_configure, return uv_loop_configure(l, UV_LOOP_BLOCK_SIGNAL, SIGPROF);)
LF(lf_fork, return uv_loop_fork(l);)
LF(lf_stop, uv_stop(l); return 0;)
LF(lf_update_time, uv_update_time(l); return 0;)
LF(lf_now, return uv_now(l) != 0;)
LF(lf_backend_fd, return uv_backend_fd(l) >= 0;)
LF(lf_backend_timeout, return uv_backend_timeout(l) >= 0;)
LF(lf_walk, uv_walk(l, bi_walk_cb, NULL); return 0;)
LF(lf_print_all, uv_print_all_handles(l, stderr); return 0;)
LF(lf_print_active, uv_print_active_handles(l, stderr); return 0;)
LF(lf_metrics_info, uv_metrics_t m; return uv_metrics_info(l, &m);)
LF(lf_metrics_idle, return uv_metrics_idle_time(l) != 0;)
LF(lf_get_data, return uv_loop_get_data(l) != NULL;)
LF(lf_set_data, uv_loop_set_data(l, NULL); return 0;)
LF(lf_tcp_init, return uv_tcp_init(l, &bi_lh.tcp);)
LF(lf_tcp_init_ex, return uv_tcp_init_ex(l, &bi_lh.tcp, AF_INET);)
LF(lf_udp_init, return uv_udp_init(l, &bi_lh.udp);)
LF(lf_udp_init_ex, return uv_udp_init_ex(l, &bi_lh.udp, AF_INET);)
LF(lf_tty_init, return uv_tty_init(l, &bi_lh.tty, 1, 0);)
LF(lf_pipe_init, return uv_pipe_init(l, &bi_lh.pipe, 0);)
LF(lf_poll_init, return uv_poll_init(l, &bi_lh.poll, 1);)
LF(lf_poll_init_socket, return uv_poll_init_socket(l, &bi_lh.poll, 1);)
LF(lf_prepare_init, return uv_prepare_init(l, &bi_lh.prepare);)
LF(lf_check_init, return uv_check_init(l, &bi_lh.check);)
LF(lf_idle_init, return uv_idle_init(l, &bi_lh.idle);)
LF(lf_async_init, return uv_async_init(l, &bi_lh.async, bi_async_cb);)
LF(lf_timer_init, return uv_timer_init(l, &bi_lh.timer);)
LF(lf_signal_init, return uv_signal_init(l, &bi_lh.signal);)
LF(lf_fs_event_init, return uv_fs_event_init(l, &bi_lh.fs_event);)
LF(lf_fs_poll_init, return uv_fs_poll_init(l, &bi_lh.fs_poll);)
LF(lf_spawn, uv_process_options_t o; char* a[] = { (char*) "true", NULL };
   memset(&o, 0, sizeof(o)); o.file = a[0]; o.args = a;
   return uv_spawn(l, &bi_lh.process, &o);)
LF(lf_queue_work, return uv_queue_work(l, &bi_lr.work, bi_work_cb, bi_after_work_cb);)
LF(lf_getaddrinfo, return uv_getaddrinfo(l, &bi_lr.getaddrinfo, bi_gai_cb, "localhost", NULL, NULL);)
LF(lf_getnameinfo, return uv_getnameinfo(l, &bi_lr.getnameinfo, bi_gni_cb,
                                         (const struct sockaddr*) &bi_addr4, 0);)
LF(lf_random, static char b[8]; return uv_random(l, &bi_lr.random, b, sizeof(b), 0, bi_random_cb);)
LF(lf_fs_stat_async, return uv_fs_stat(l, &bi_lr.fs, ".", bi_fs_cb);)
LF(lf_fs_open_async, return uv_fs_open(l, &bi_lr.fs, ".", O_RDONLY, 0, bi_fs_cb);)
LF(lf_fs_scandir_async, return uv_fs_scandir(l, &bi_lr.fs, ".", 0, bi_fs_cb);)

static const bi_lcase_t bi_loop_table[] = {
  { "uv_run(NOWAIT)", lf_run, BI_ZERO_ERR },
  { "uv_run(DEFAULT)", lf_run_default, BI_ZERO_ERR },
  { "uv_run(bad mode)", lf_run_bad_mode, BI_ZERO_ERR },
  { "uv_loop_alive", lf_alive, 0 },
  { "uv_loop_close", lf_close, BI_ANY_ERR },
  { "uv_loop_configure", lf_configure, EINV },
  { "uv_loop_fork", lf_fork, BI_ANY_ERR },
  { "uv_stop", lf_stop, NOC },
  { "uv_update_time", lf_update_time, NOC },
  { "uv_now", lf_now, NOC },
  { "uv_backend_fd", lf_backend_fd, 0 },
  { "uv_backend_timeout", lf_backend_timeout, NOC },
  { "uv_walk", lf_walk, NOC },
  { "uv_print_all_handles", lf_print_all, NOC },
  { "uv_print_active_handles", lf_print_active, NOC },
  { "uv_metrics_info", lf_metrics_info, EINV },
  { "uv_metrics_idle_time", lf_metrics_idle, NOC },
  { "uv_loop_get_data", lf_get_data, NOC },
  { "uv_loop_set_data", lf_set_data, NOC },
  { "uv_tcp_init", lf_tcp_init, EINV },
  { "uv_tcp_init_ex", lf_tcp_init_ex, EINV },
  { "uv_udp_init", lf_udp_init, EINV },
  { "uv_udp_init_ex", lf_udp_init_ex, EINV },
  { "uv_tty_init", lf_tty_init, EINV },
  { "uv_pipe_init", lf_pipe_init, EINV },
  { "uv_poll_init", lf_poll_init, EINV },
  { "uv_poll_init_socket", lf_poll_init_socket, EINV },
  { "uv_prepare_init", lf_prepare_init, EINV },
  { "uv_check_init", lf_check_init, EINV },
  { "uv_idle_init", lf_idle_init, EINV },
  { "uv_async_init", lf_async_init, EINV },
  { "uv_timer_init", lf_timer_init, EINV },
  { "uv_signal_init", lf_signal_init, EINV },
  { "uv_fs_event_init", lf_fs_event_init, EINV },
  { "uv_fs_poll_init", lf_fs_poll_init, EINV },
  { "uv_spawn", lf_spawn, EINV },
  { "uv_queue_work", lf_queue_work, EINV },
  { "uv_getaddrinfo", lf_getaddrinfo, EINV },
  { "uv_getnameinfo", lf_getnameinfo, EINV },
  { "uv_random", lf_random, EINV },
  { "uv_fs_stat(async)", lf_fs_stat_async, EINV },
  { "uv_fs_open(async)", lf_fs_open_async, EINV },
  { "uv_fs_scandir(async)", lf_fs_scandir_async, EINV },
};

static int bi_body_loops(void) {
  uv_loop_t* zeroed;
  uv_loop_t* closed;
  char what[128];
  size_t i;

  bi_init_addr();
  zeroed = calloc(1, uv_loop_size());
  closed = calloc(1, uv_loop_size());
  ASSERT_NOT_NULL(zeroed);
  ASSERT_NOT_NULL(closed);
  ASSERT_OK(uv_loop_init(closed));
  ASSERT_OK(uv_loop_close(closed));

  for (i = 0; i < sizeof(bi_loop_table) / sizeof(bi_loop_table[0]); i++) {
    const bi_lcase_t* c = &bi_loop_table[i];

    snprintf(what, sizeof(what), "%s(NULL loop)", c->name);
    bi_check(what, c->fn(NULL), c->expect, __FILE__, __LINE__);
    snprintf(what, sizeof(what), "%s(zeroed loop)", c->name);
    bi_check(what, c->fn(zeroed), c->expect, __FILE__, __LINE__);
    snprintf(what, sizeof(what), "%s(closed loop)", c->name);
    bi_check(what, c->fn(closed), c->expect, __FILE__, __LINE__);
  }
  printf("loop table: %d functions x 3 kinds of bad loop\n", (int) i);

  /* uv_loop_new/uv_loop_delete, uv_loop_size: nothing to get wrong but a
   * NULL delete, which libuv does not accept either; a live loop's double
   * close is refused. */
  BI(uv_loop_size() >= sizeof(uv_loop_t), 1);
  {
    uv_loop_t l;
    ASSERT_OK(uv_loop_init(&l));
    BI(uv_loop_configure(&l, (uv_loop_option) 1234), UV_ENOSYS);
    BI(uv_loop_configure(&l, UV_LOOP_BLOCK_SIGNAL, 0), EINV);
    BI(uv_loop_configure(&l, UV_LOOP_BLOCK_SIGNAL, SIGUSR1), EINV);
    BI(uv_loop_init(NULL), EINV);
    BI(uv_loop_close(&l), 0);
    BI(uv_loop_close(&l), BI_ANY_ERR);
  }
  free(zeroed);
  free(closed);
  /* uv_print_*_handles(NULL) prints the default loop, as in libuv */
  close_loop_and_check(uv_default_loop());
  return bi_finish("loops");
}

/* ------------------------------------------------------------------------ */
/* Streams: TCP and pipes, live handles, bad arguments. */

static int bi_body_streams(void) {
  uv_loop_t* loop;
  uv_tcp_t tcp;
  uv_tcp_t server;
  uv_pipe_t pipe;
  uv_pipe_t pipe2;
  uv_write_t wreq;
  uv_write_t w2;       /* in flight until the loop runs the close */
  uv_shutdown_t s2;
  uv_shutdown_t sreq;
  uv_connect_t creq;
  uv_buf_t b;
  uv_buf_t bufs[2];
  struct sockaddr_in a4;
  struct sockaddr_in6 a6;
  struct sockaddr_storage ss;
  char name[256];
  size_t n;
  int len;
  int fds[2];

  loop = uv_default_loop();
  b = bi_buf();
  bi_init_addr();
  ASSERT_OK(uv_tcp_init(loop, &tcp));
  ASSERT_OK(uv_tcp_init(loop, &server));
  ASSERT_OK(uv_pipe_init(loop, &pipe, 0));

  /* init flags */
  BI(uv_tcp_init_ex(loop, &tcp, 0xFFFF0000u), EINV);
  BI(uv_tcp_init_ex(loop, &tcp, 12345), EINV);
  BI(uv_tcp_init(loop, NULL), EINV);
  BI(uv_pipe_init(loop, NULL, 0), EINV);

  /* addresses */
  memset(&ss, 0, sizeof(ss));
  ss.ss_family = AF_UNIX;
  BI(uv_tcp_bind(&tcp, NULL, 0), EINV);
  BI(uv_tcp_bind(&tcp, (const struct sockaddr*) &ss, 0), EINV);
  BI(uv_tcp_bind(&tcp, (const struct sockaddr*) &bi_addr4, 0xFFFFu), EINV);
  BI(uv_tcp_bind(&tcp, (const struct sockaddr*) &bi_addr4, UV_TCP_IPV6ONLY), EINV);
  ss.ss_family = 0xFFFF;
  BI(uv_tcp_connect(&creq, &tcp, (const struct sockaddr*) &ss, bi_connect_cb), EINV);
  BI(uv_tcp_connect(NULL, &tcp, (const struct sockaddr*) &bi_addr4, bi_connect_cb), EINV);
  BI(uv_tcp_connect(&creq, &tcp, NULL, bi_connect_cb), EINV);
  BI(uv_tcp_getsockname(&tcp, NULL, &len), EINV);
  len = 0;
  BI(uv_tcp_getsockname(&tcp, (struct sockaddr*) &ss, NULL), EINV);
  BI(uv_tcp_getpeername(&tcp, (struct sockaddr*) &ss, NULL), EINV);
  BI(uv_tcp_getpeername(&tcp, (struct sockaddr*) &ss, &len), BI_ANY_ERR);
  /* a socket that is not one (-1, a closed descriptor, a file) */
  BI(uv_tcp_open(&tcp, -1), BI_ANY_ERR);
  BI(uv_tcp_keepalive(&tcp, 1, 0), EINV);          /* libuv: delay 0 */
  BI(uv_tcp_keepalive_ex(&tcp, 1, 0, 1, 1), EINV);
  BI(uv_tcp_keepalive_ex(&tcp, 1, 1, 0, 1), EINV);
  BI(uv_tcp_keepalive_ex(&tcp, 1, 1, 1, 0), EINV);
  BI(uv_tcp_keepalive_ex(&tcp, 1, UINT_MAX, 1, 1), BI_ZERO_ERR);
  BI(uv_tcp_keepalive_ex(&tcp, 0, 0, 0, 0), 0);    /* off: values unused */

  /* reading and writing on a stream that has no descriptor yet */
  BI(uv_read_start((uv_stream_t*) &tcp, NULL, bi_read_cb), EINV);
  BI(uv_read_start((uv_stream_t*) &tcp, bi_alloc_cb, NULL), EINV);
  BI(uv_read_start((uv_stream_t*) &tcp, bi_alloc_cb, bi_read_cb), UV_ENOTCONN);
  BI(uv_write(NULL, (uv_stream_t*) &tcp, &b, 1, bi_write_cb), EINV);
  BI(uv_write(&wreq, (uv_stream_t*) &tcp, NULL, 1, bi_write_cb), EINV);
  BI(uv_write(&wreq, (uv_stream_t*) &tcp, &b, 0, bi_write_cb), EINV);
  BI(uv_write(&wreq, (uv_stream_t*) &tcp, &b, UINT_MAX, bi_write_cb), EINV);
  BI(uv_write(&wreq, (uv_stream_t*) &tcp, &b, 1, bi_write_cb), UV_EBADF);
  BI(uv_write2(&wreq, (uv_stream_t*) &tcp, &b, 1, (uv_stream_t*) &pipe, bi_write_cb), BI_ANY_ERR);
  BI(uv_try_write((uv_stream_t*) &tcp, NULL, 1), EINV);
  BI(uv_try_write((uv_stream_t*) &tcp, &b, 0), EINV);
  BI(uv_try_write((uv_stream_t*) &tcp, &b, 1), UV_EBADF);
  BI(uv_try_write2((uv_stream_t*) &tcp, &b, 1, (uv_stream_t*) &server), BI_ANY_ERR);
  BI(uv_shutdown(NULL, (uv_stream_t*) &tcp, bi_shutdown_cb), EINV);
  BI(uv_shutdown(&sreq, (uv_stream_t*) &tcp, bi_shutdown_cb), UV_ENOTCONN);
  BI(uv_accept((uv_stream_t*) &server, NULL), EINV);
  BI(uv_accept(NULL, (uv_stream_t*) &tcp), EINV);
  BI(uv_accept((uv_stream_t*) &server, (uv_stream_t*) &tcp), UV_EAGAIN);  /* libuv */
  BI(uv_accept((uv_stream_t*) &server, (uv_stream_t*) &server), BI_ANY_ERR);

  /* a listening server: accept with nothing waiting, a second listen with
   * a negative backlog, a connect/write on a listener */
  ASSERT_OK(uv_tcp_bind(&server, (const struct sockaddr*) &bi_addr4, 0));
  BI(uv_listen((uv_stream_t*) &server, -5, bi_connection_cb), 0);
  BI(uv_listen((uv_stream_t*) &server, INT_MAX, bi_connection_cb), 0);
  BI(uv_accept((uv_stream_t*) &server, (uv_stream_t*) &tcp), UV_EAGAIN);
  BI(uv_write(&wreq, (uv_stream_t*) &server, &b, 1, bi_write_cb), BI_ANY_ERR);
  BI(uv_read_start((uv_stream_t*) &server, bi_alloc_cb, bi_read_cb), BI_ANY_ERR);
  BI(uv_tcp_bind(&server, (const struct sockaddr*) &bi_addr4, 0), BI_ANY_ERR);

  /* a connected pair: a write request reused while still in flight, a
   * connect on a connected stream, shutdown twice, buffer counts */
  ASSERT_OK(uv_pipe(fds, 0, 0));
  ASSERT_OK(uv_pipe_open(&pipe, fds[1]));
  {
    static char big[1 << 20];
    uv_buf_t bb = uv_buf_init(big, sizeof(big));

    BI(uv_write(&w2, (uv_stream_t*) &pipe, &bb, 1, bi_write_cb), 0);
    /* the same request again while the first is queued */
    BI(uv_write(&w2, (uv_stream_t*) &pipe, &bb, 1, bi_write_cb), EINV);
    BI(uv_write2(&w2, (uv_stream_t*) &pipe, &bb, 1, NULL, bi_write_cb), EINV);
    BI(uv_shutdown(&sreq, (uv_stream_t*) &pipe, bi_shutdown_cb), 0);
    BI(uv_shutdown(&sreq, (uv_stream_t*) &pipe, bi_shutdown_cb), EINV);  /* in flight */
    BI(uv_shutdown(&s2, (uv_stream_t*) &pipe, bi_shutdown_cb), UV_ENOTCONN);
    BI(uv_write(&wreq, (uv_stream_t*) &pipe, &b, 1, bi_write_cb), UV_EPIPE);
    BI(uv_try_write((uv_stream_t*) &pipe, &b, 1), BI_ANY_ERR);  /* EAGAIN: queued */
    uv_close((uv_handle_t*) &pipe, NULL);  /* cancels w2 and the shutdown */
    ASSERT_OK(close(fds[0]));
  }
  bufs[0] = b;
  bufs[1] = uv_buf_init(NULL, 5);  /* NULL base, nonzero length */
  BI(uv_try_write((uv_stream_t*) &tcp, bufs, 2), BI_ANY_ERR);

  /* pipes: names */
  ASSERT_OK(uv_pipe_init(loop, &pipe2, 0));
  BI(uv_pipe_bind(&pipe2, NULL), EINV);
  BI(uv_pipe_bind2(&pipe2, NULL, 5, 0), EINV);
  BI(uv_pipe_bind2(&pipe2, "x", 0, 0xFFu), EINV);
  BI(uv_pipe_bind2(&pipe2, "x", 1, 0xFFu), EINV);
  BI(uv_pipe_bind2(&pipe2, "a\0b", 3, 0), EINV);
  memset(name, 'n', sizeof(name));
  BI(uv_pipe_bind2(&pipe2, name, sizeof(name), UV_PIPE_NO_TRUNCATE), EINV);
  BI(uv_pipe_connect2(&creq, &pipe2, NULL, 4, 0, bi_connect_cb), EINV);
  BI(uv_pipe_connect2(&creq, &pipe2, "x", 0, 0, bi_connect_cb), EINV);
  BI(uv_pipe_connect2(&creq, &pipe2, "x", 1, 0xFFu, bi_connect_cb), EINV);
  BI(uv_pipe_connect2(NULL, &pipe2, "x", 1, 0, bi_connect_cb), EINV);
  BI(uv_pipe_connect2(&creq, &pipe2, name, sizeof(name), UV_PIPE_NO_TRUNCATE, bi_connect_cb), EINV);
  BI_VOID(uv_pipe_connect(NULL, &pipe2, "x", bi_connect_cb));
  BI_VOID(uv_pipe_connect(&creq, &pipe2, NULL, bi_connect_cb));
  n = sizeof(name);
  BI(uv_pipe_getsockname(&pipe2, NULL, &n), EINV);
  BI(uv_pipe_getsockname(&pipe2, name, NULL), EINV);
  n = 0;
  BI(uv_pipe_getsockname(&pipe2, name, &n), BI_ANY_ERR);
  BI(uv_pipe_getpeername(&pipe2, name, NULL), EINV);
  BI(uv_pipe_chmod(&pipe2, 0), BI_ANY_ERR);   /* libuv: EBADF first */
  BI(uv_pipe_chmod(&pipe2, 0xFF), BI_ANY_ERR);
  BI(uv_pipe_chmod(&pipe2, UV_READABLE), BI_ANY_ERR);   /* not bound */
  BI(uv_pipe_open(&pipe2, -1), BI_ANY_ERR);
  BI(uv_pipe_open(&pipe2, 987654), BI_ANY_ERR);
  BI_VOID(uv_pipe_pending_instances(&pipe2, -1));
  BI(uv_pipe(NULL, 0, 0), EINV);
  BI(uv_pipe(fds, 0xFFFF, 0), EINV);
  BI(uv_pipe(fds, 0, 0xFFFF), EINV);
  BI(uv_socketpair(SOCK_STREAM, 0, NULL, 0, 0), EINV);
  BI(uv_socketpair(12345, 0, fds, 0, 0), BI_ANY_ERR);
  BI(uv_socketpair(SOCK_STREAM, 0, fds, 0xFFFF, 0), EINV);

  /* blocking mode, buffer sizes */
  BI(uv_stream_set_blocking((uv_stream_t*) &tcp, 1), BI_ANY_ERR);
  BI(uv_send_buffer_size((uv_handle_t*) &server, NULL), EINV);
  BI(uv_recv_buffer_size((uv_handle_t*) &server, NULL), EINV);
  {
    int v = -1;
    BI(uv_send_buffer_size((uv_handle_t*) &server, &v), BI_ANY_ERR);
  }
  BI(uv_fileno((uv_handle_t*) &server, NULL), EINV);
  BI(uv_tcp_close_reset(&server, NULL), BI_ZERO_ERR);  /* a listener */

  /* addresses: IPv6 on an IPv4 socket, a too-short namelen */
  ASSERT_OK(uv_ip6_addr("::1", 0, &a6));
  ASSERT_OK(uv_ip4_addr("127.0.0.1", 1, &a4));
  len = 2;
  BI(uv_tcp_getsockname(&server, (struct sockaddr*) &ss, &len), BI_ZERO_ERR);
  len = -1;
  BI(uv_tcp_getsockname(&server, (struct sockaddr*) &ss, &len), EINV);

  uv_close((uv_handle_t*) &tcp, NULL);
  uv_close((uv_handle_t*) &server, NULL);
  uv_close((uv_handle_t*) &pipe2, NULL);
  close_loop_and_check(loop);
  return bi_finish("streams");
}

/* ------------------------------------------------------------------------ */
/* UDP */

static int bi_body_udp(void) {
  uv_loop_t* loop;
  uv_udp_t udp;
  uv_udp_send_t req;
  uv_buf_t b;
  uv_buf_t* bp;
  unsigned int nb;
  struct sockaddr* ap;
  struct sockaddr_storage ss;
  int len;

  loop = uv_default_loop();
  bi_init_addr();
  b = bi_buf();
  ASSERT_OK(uv_udp_init(loop, &udp));

  BI(uv_udp_init_ex(loop, &udp, 0xFFFF0000u), EINV);
  BI(uv_udp_init_ex(loop, &udp, 77), EINV);
  BI(uv_udp_bind(&udp, NULL, 0), EINV);
  BI(uv_udp_bind(&udp, (const struct sockaddr*) &bi_addr4, 0x80000000u), EINV);
  BI(uv_udp_bind(&udp, (const struct sockaddr*) &bi_addr4, UV_UDP_IPV6ONLY), EINV);
  memset(&ss, 0, sizeof(ss));
  ss.ss_family = 0xFFFF;
  BI(uv_udp_bind(&udp, (const struct sockaddr*) &ss, 0), EINV);
  BI(uv_udp_connect(&udp, (const struct sockaddr*) &ss), EINV);
  BI(uv_udp_connect(&udp, NULL), UV_ENOTCONN);   /* libuv: disconnect */
  BI(uv_udp_getpeername(&udp, (struct sockaddr*) &ss, NULL), EINV);
  BI(uv_udp_getsockname(&udp, NULL, &len), EINV);
  BI(uv_udp_open(&udp, -1), BI_ANY_ERR);
  BI(uv_udp_open_ex(&udp, -1, 0xFFFF), BI_ANY_ERR);

  BI(uv_udp_send(NULL, &udp, &b, 1, (const struct sockaddr*) &bi_addr4, bi_udp_send_cb), EINV);
  BI(uv_udp_send(&req, &udp, NULL, 1, (const struct sockaddr*) &bi_addr4, bi_udp_send_cb), EINV);
  BI(uv_udp_send(&req, &udp, &b, 0, (const struct sockaddr*) &bi_addr4, bi_udp_send_cb), EINV);
  BI(uv_udp_send(&req, &udp, &b, UINT_MAX, (const struct sockaddr*) &bi_addr4, bi_udp_send_cb), EINV);
  BI(uv_udp_send(&req, &udp, &b, 1, (const struct sockaddr*) &ss, bi_udp_send_cb), EINV);
  BI(uv_udp_send(&req, &udp, &b, 1, NULL, bi_udp_send_cb), UV_EDESTADDRREQ);
  BI(uv_udp_try_send(&udp, &b, 1, NULL), UV_EDESTADDRREQ);
  BI(uv_udp_try_send(&udp, NULL, 1, (const struct sockaddr*) &bi_addr4), EINV);
  BI(uv_udp_try_send(&udp, &b, 0, (const struct sockaddr*) &bi_addr4), EINV);
  bp = &b;
  nb = 1;
  ap = (struct sockaddr*) &bi_addr4;
  BI(uv_udp_try_send2(&udp, 0, &bp, &nb, &ap, 0), BI_ZERO_ERR);
  BI(uv_udp_try_send2(&udp, 1, &bp, &nb, &ap, 1), EINV);
  BI(uv_udp_try_send2(&udp, 1, NULL, &nb, &ap, 0), EINV);
  BI(uv_udp_try_send2(&udp, 1, &bp, NULL, &ap, 0), EINV);
  BI(uv_udp_try_send2(&udp, 1, &bp, &nb, NULL, 0), EINV);
  BI(uv_udp_recv_start(&udp, NULL, bi_udp_recv_cb), EINV);
  BI(uv_udp_recv_start(&udp, bi_alloc_cb, NULL), EINV);

  BI(uv_udp_set_membership(&udp, NULL, NULL, UV_JOIN_GROUP), EINV);
  BI(uv_udp_set_membership(&udp, "not an address", NULL, UV_JOIN_GROUP), EINV);
  BI(uv_udp_set_membership(&udp, "239.1.2.3", NULL, (uv_membership) 7), EINV);
  BI(uv_udp_set_membership(&udp, "239.1.2.3", "bogus", UV_JOIN_GROUP), EINV);
  BI(uv_udp_set_source_membership(&udp, "232.1.2.3", NULL, NULL, UV_JOIN_GROUP), EINV);
  BI(uv_udp_set_source_membership(&udp, "232.1.2.3", NULL, "bogus", UV_JOIN_GROUP), EINV);
  BI(uv_udp_set_source_membership(&udp, "232.1.2.3", NULL, "::1", UV_JOIN_GROUP), EINV);
  BI(uv_udp_set_source_membership(&udp, "232.1.2.3", NULL, "10.0.0.1", (uv_membership) 9), EINV);
  BI(uv_udp_set_multicast_interface(&udp, "bogus"), EINV);
  BI(uv_udp_set_ttl(&udp, 0), EINV);
  BI(uv_udp_set_ttl(&udp, 256), EINV);
  BI(uv_udp_set_ttl(&udp, -1), EINV);
  BI(uv_udp_set_multicast_ttl(&udp, 256), EINV);
  BI(uv_udp_set_multicast_ttl(&udp, -1), EINV);

  /* a send request reused while in flight: a bound socket, a datagram to
   * a port nobody reads */
  uv_close((uv_handle_t*) &udp, NULL);
  ASSERT_OK(uv_run(loop, UV_RUN_DEFAULT));
  ASSERT_OK(uv_udp_init(loop, &udp));
  ASSERT_OK(uv_udp_bind(&udp, (const struct sockaddr*) &bi_addr4, 0));
  {
    struct sockaddr_in to;
    ASSERT_OK(uv_ip4_addr("127.0.0.1", 9, &to));
    BI(uv_udp_send(&req, &udp, &b, 1, (const struct sockaddr*) &to, bi_udp_send_cb), 0);
    BI(uv_udp_send(&req, &udp, &b, 1, (const struct sockaddr*) &to, bi_udp_send_cb), EINV);
  }

  uv_close((uv_handle_t*) &udp, NULL);
  close_loop_and_check(loop);
  return bi_finish("udp");
}

/* ------------------------------------------------------------------------ */
/* Files: synchronous calls (the request is cleaned up after each), then
 * requests reused while in flight, then the fs watchers' arguments. */

#define FS(expr, expect)                                                      \
  do {                                                                        \
    BI(expr, expect);                                                         \
    uv_fs_req_cleanup(&req);                                                  \
  } while (0)

static void bi_fs_done_cb(uv_fs_t* r) {
  uv_fs_req_cleanup(r);
  bi_cb_calls++;
}

static int bi_body_fs(void) {
  uv_loop_t* loop;
  uv_fs_t req;
  uv_fs_t req2;
  uv_dirent_t ent;
  uv_dir_t dir;
  uv_buf_t b;
  uv_buf_t nb;
  uv_fs_event_t ev;
  uv_fs_poll_t fp;
  char longpath[8192];
  char small[2];
  size_t n;
  int fd;
  int rofd;

  loop = uv_default_loop();
  b = bi_buf();
  nb = uv_buf_init(NULL, 16);
  memset(longpath, 'p', sizeof(longpath) - 1);
  longpath[sizeof(longpath) - 1] = '\0';
  memset(&req, 0, sizeof(req));

  /* a scratch file, and a read-only descriptor of it */
  fd = uv_fs_open(NULL, &req, "bad-input.tmp", UV_FS_O_CREAT | UV_FS_O_RDWR | UV_FS_O_TRUNC, 0600, NULL);
  uv_fs_req_cleanup(&req);
  ASSERT_GE(fd, 0);
  rofd = uv_fs_open(NULL, &req, "bad-input.tmp", UV_FS_O_RDONLY, 0, NULL);
  uv_fs_req_cleanup(&req);
  ASSERT_GE(rofd, 0);

  /* NULL request, NULL or impossible paths */
  BI(uv_fs_open(loop, NULL, "x", 0, 0, NULL), EINV);
  FS(uv_fs_open(loop, &req, NULL, 0, 0, NULL), EINV);
  FS(uv_fs_open(loop, &req, "", 0, 0, NULL), UV_ENOENT);
  FS(uv_fs_open(loop, &req, longpath, 0, 0, NULL), UV_ENAMETOOLONG);
  FS(uv_fs_open(loop, &req, "bad-input-none/x", 0, 0, NULL), UV_ENOENT);
  FS(uv_fs_open(loop, &req, "bad-input.tmp", -1, 0, NULL), BI_ANY_ERR);
  FS(uv_fs_unlink(loop, &req, NULL, NULL), EINV);
  FS(uv_fs_mkdir(loop, &req, NULL, 0755, NULL), EINV);
  FS(uv_fs_mkdtemp(loop, &req, NULL, NULL), EINV);
  FS(uv_fs_mkdtemp(loop, &req, "no-x-in-it", NULL), EINV);
  FS(uv_fs_mkdtemp(loop, &req, "XXXXX", NULL), EINV);
  FS(uv_fs_mkstemp(loop, &req, NULL, NULL), EINV);
  FS(uv_fs_mkstemp(loop, &req, "no-x-in-it", NULL), EINV);
  FS(uv_fs_rmdir(loop, &req, NULL, NULL), EINV);
  FS(uv_fs_scandir(loop, &req, NULL, 0, NULL), EINV);
  FS(uv_fs_opendir(loop, &req, NULL, NULL), EINV);
  FS(uv_fs_stat(loop, &req, NULL, NULL), EINV);
  FS(uv_fs_lstat(loop, &req, NULL, NULL), EINV);
  FS(uv_fs_statfs(loop, &req, NULL, NULL), EINV);
  FS(uv_fs_rename(loop, &req, NULL, "y", NULL), EINV);
  FS(uv_fs_rename(loop, &req, "x", NULL, NULL), EINV);
  FS(uv_fs_access(loop, &req, NULL, 0, NULL), EINV);
  FS(uv_fs_access(loop, &req, ".", 0x7777, NULL), EINV);
  FS(uv_fs_chmod(loop, &req, NULL, 0644, NULL), EINV);
  FS(uv_fs_utime(loop, &req, NULL, 0, 0, NULL), EINV);
  FS(uv_fs_lutime(loop, &req, NULL, 0, 0, NULL), EINV);
  FS(uv_fs_link(loop, &req, NULL, "y", NULL), EINV);
  FS(uv_fs_link(loop, &req, "x", NULL, NULL), EINV);
  FS(uv_fs_symlink(loop, &req, NULL, "y", 0, NULL), EINV);
  FS(uv_fs_symlink(loop, &req, "x", NULL, 0, NULL), EINV);
  FS(uv_fs_readlink(loop, &req, NULL, NULL), EINV);
  FS(uv_fs_realpath(loop, &req, NULL, NULL), EINV);
  FS(uv_fs_chown(loop, &req, NULL, 0, 0, NULL), EINV);
  FS(uv_fs_lchown(loop, &req, NULL, 0, 0, NULL), EINV);
  FS(uv_fs_copyfile(loop, &req, NULL, "y", 0, NULL), EINV);
  FS(uv_fs_copyfile(loop, &req, "x", NULL, 0, NULL), EINV);
  FS(uv_fs_copyfile(loop, &req, "bad-input.tmp", "bad-input.tmp2", 0xFF00, NULL), EINV);
  FS(uv_fs_copyfile(loop, &req, "bad-input-none", "bad-input.tmp2", 0, NULL), UV_ENOENT);
  FS(uv_fs_copyfile(loop, &req, "bad-input.tmp", "bad-input.tmp", 0, NULL), 0);

  /* descriptors: -1, one never opened, one of the wrong direction */
  FS(uv_fs_close(loop, &req, -1, NULL), UV_EBADF);
  FS(uv_fs_close(loop, &req, 987654, NULL), UV_EBADF);
  FS(uv_fs_read(loop, &req, -1, &b, 1, 0, NULL), UV_EBADF);
  FS(uv_fs_read(loop, &req, 987654, &b, 1, -1, NULL), UV_EBADF);
  FS(uv_fs_read(loop, &req, fd, NULL, 1, 0, NULL), EINV);
  FS(uv_fs_read(loop, &req, fd, &b, 0, 0, NULL), EINV);
  FS(uv_fs_read(loop, &req, fd, &b, UINT_MAX, 0, NULL), EINV);
  FS(uv_fs_read(loop, &req, fd, &b, 1, -2, NULL), 0);  /* < 0: current position */
  FS(uv_fs_read(loop, &req, fd, &b, 1, INT64_MAX, NULL), BI_ZERO_ERR);
  FS(uv_fs_write(loop, &req, -1, &b, 1, 0, NULL), UV_EBADF);
  FS(uv_fs_write(loop, &req, rofd, &b, 1, 0, NULL), UV_EBADF);
  FS(uv_fs_write(loop, &req, fd, NULL, 1, 0, NULL), EINV);
  FS(uv_fs_write(loop, &req, fd, &b, 0, 0, NULL), EINV);
  FS(uv_fs_write(loop, &req, fd, &b, UINT_MAX, 0, NULL), EINV);
  /* a NULL base with a length: the kernel's EFAULT (valgrind rightly
   * flags the system call's argument, so not under it) */
  if (!test_under_valgrind())
    FS(uv_fs_write(loop, &req, fd, &nb, 1, 0, NULL), UV_EFAULT);
  FS(uv_fs_write(loop, &req, fd, &b, 1, INT64_MAX, NULL), BI_ANY_ERR);
  FS(uv_fs_fstat(loop, &req, -1, NULL), UV_EBADF);
  FS(uv_fs_fsync(loop, &req, -1, NULL), UV_EBADF);
  FS(uv_fs_fdatasync(loop, &req, -1, NULL), UV_EBADF);
  FS(uv_fs_ftruncate(loop, &req, -1, 0, NULL), UV_EBADF);
  FS(uv_fs_ftruncate(loop, &req, fd, -1, NULL), EINV);
  FS(uv_fs_ftruncate(loop, &req, rofd, 0, NULL), BI_ANY_ERR);
  FS(uv_fs_sendfile(loop, &req, -1, fd, 0, 10, NULL), UV_EBADF);
  FS(uv_fs_sendfile(loop, &req, fd, -1, 0, 10, NULL), UV_EBADF);
  FS(uv_fs_sendfile(loop, &req, rofd, fd, 0, 10, NULL), UV_EBADF);
  FS(uv_fs_sendfile(loop, &req, fd, rofd, -5, 10, NULL), BI_ZERO_ERR);  /* < 0: position */
  FS(uv_fs_sendfile(loop, &req, fd, rofd, 0, SIZE_MAX, NULL), BI_ZERO_ERR);
  FS(uv_fs_futime(loop, &req, -1, 0, 0, NULL), UV_EBADF);
  FS(uv_fs_fchmod(loop, &req, -1, 0644, NULL), UV_EBADF);
  FS(uv_fs_fchown(loop, &req, -1, 0, 0, NULL), UV_EBADF);

  /* times that no timespec holds: NaN (UV_FS_UTIME_OMIT), infinities,
   * values far beyond any time_t */
  FS(uv_fs_futime(loop, &req, fd, UV_FS_UTIME_OMIT, UV_FS_UTIME_NOW, NULL), 0);
  FS(uv_fs_futime(loop, &req, fd, -INFINITY, 1e300, NULL), BI_ZERO_ERR);
  FS(uv_fs_utime(loop, &req, "bad-input.tmp", -1e300, 1e19, NULL), BI_ZERO_ERR);
  FS(uv_fs_lutime(loop, &req, "bad-input.tmp", 1e19, -1e19, NULL), BI_ZERO_ERR);
  FS(uv_fs_utime(loop, &req, "bad-input.tmp", -0.5, 0.999999999999, NULL), BI_ZERO_ERR);

  /* directory streams and scandir results */
  BI(uv_fs_scandir_next(NULL, &ent), EINV);
  memset(&req, 0, sizeof(req));
  BI(uv_fs_scandir_next(&req, &ent), BI_ANY_ERR);
  FS(uv_fs_scandir(loop, &req, ".", 0, NULL) >= 0, 1);
  FS(uv_fs_scandir(loop, &req, "bad-input.tmp", 0, NULL), UV_ENOTDIR);
  BI(uv_fs_scandir(loop, &req, ".", 0, NULL) >= 0, 1);
  BI(uv_fs_scandir_next(&req, NULL), EINV);
  while (uv_fs_scandir_next(&req, &ent) == 0) {
  }
  BI(uv_fs_scandir_next(&req, &ent), UV_EOF);
  uv_fs_req_cleanup(&req);
  BI(uv_fs_scandir_next(&req, &ent), BI_ANY_ERR);  /* after cleanup */
  BI_VOID(uv_fs_req_cleanup(&req));                /* twice */
  BI_VOID(uv_fs_req_cleanup(NULL));
  FS(uv_fs_readdir(loop, &req, NULL, NULL), EINV);
  FS(uv_fs_closedir(loop, &req, NULL, NULL), EINV);
  memset(&dir, 0, sizeof(dir));
  FS(uv_fs_readdir(loop, &req, &dir, NULL), EINV);  /* never opened */
  BI(uv_fs_opendir(loop, &req, ".", NULL), 0);
  {
    uv_dir_t* d = (uv_dir_t*) req.ptr;
    uv_fs_req_cleanup(&req);
    d->dirents = NULL;
    d->nentries = 4;
    FS(uv_fs_readdir(loop, &req, d, NULL), EINV);
    d->dirents = &ent;
    d->nentries = 0;
    FS(uv_fs_readdir(loop, &req, d, NULL), EINV);
    FS(uv_fs_closedir(loop, &req, d, NULL), 0);
  }

  /* accessors: NULL request, a zeroed one */
  BI(uv_fs_get_type(NULL), NOC);
  BI(uv_fs_get_result(NULL), NOC);
  BI(uv_fs_get_system_error(NULL), NOC);
  BI(uv_fs_get_ptr(NULL) != NULL, NOC);
  BI(uv_fs_get_path(NULL) != NULL, NOC);
  BI(uv_fs_get_statbuf(NULL) != NULL, NOC);
  memset(&req, 0, sizeof(req));
  BI(uv_fs_get_system_error(&req), 0);
  BI(uv_fs_get_path(&req) != NULL, 0);

  /* in flight: the same request submitted again before its callback */
  BI(uv_fs_stat(loop, &req, ".", bi_fs_done_cb), 0);
  BI(uv_fs_stat(loop, &req, ".", bi_fs_done_cb), EINV);
  BI(uv_fs_open(loop, &req, ".", 0, 0, bi_fs_done_cb), EINV);
  BI(uv_fs_read(loop, &req, fd, &b, 1, 0, bi_fs_done_cb), EINV);
  BI(uv_fs_write(loop, &req, fd, &b, 1, 0, NULL), EINV);   /* even sync */
  BI(uv_fs_close(loop, &req, 987654, NULL), EINV);
  BI(uv_fs_scandir(loop, &req, ".", 0, bi_fs_done_cb), EINV);
  BI(uv_fs_copyfile(loop, &req, "bad-input.tmp", "bad-input.tmp3", 0, bi_fs_done_cb), EINV);
  BI(uv_cancel((uv_req_t*) &req), BI_ZERO_ERR);
  BI(uv_fs_write(loop, &req2, fd, &b, 1, 0, bi_fs_done_cb), 0);
  BI(uv_fs_write(loop, &req2, fd, &b, 1, 0, bi_fs_done_cb), EINV);
  ASSERT_OK(uv_run(loop, UV_RUN_DEFAULT));
  /* and once done it may be used again */
  BI(uv_fs_stat(loop, &req, ".", bi_fs_done_cb), 0);
  ASSERT_OK(uv_run(loop, UV_RUN_DEFAULT));

  /* fs watchers */
  ASSERT_OK(uv_fs_event_init(loop, &ev));
  ASSERT_OK(uv_fs_poll_init(loop, &fp));
  BI(uv_fs_event_start(&ev, NULL, ".", 0), EINV);
  BI(uv_fs_event_start(&ev, bi_fs_event_cb, NULL, 0), EINV);
  BI(uv_fs_event_start(&ev, bi_fs_event_cb, "", 0), BI_ANY_ERR);
  BI(uv_fs_event_start(&ev, bi_fs_event_cb, "bad-input-none", 0), UV_ENOENT);
  BI(uv_fs_event_start(&ev, bi_fs_event_cb, longpath, 0), BI_ANY_ERR);
  n = sizeof(small);
  BI(uv_fs_event_getpath(&ev, small, &n), EINV);   /* not started */
  BI(uv_fs_event_getpath(&ev, NULL, &n), EINV);
  BI(uv_fs_event_getpath(&ev, small, NULL), EINV);
  BI(uv_fs_event_start(&ev, bi_fs_event_cb, ".", 0), 0);
  BI(uv_fs_event_start(&ev, bi_fs_event_cb, ".", 0), BI_ANY_ERR);
  n = 0;
  BI(uv_fs_event_getpath(&ev, small, &n), UV_ENOBUFS);
  BI(n, 2);   /* the size it needs, with the terminating NUL */
  BI(uv_fs_poll_start(&fp, NULL, ".", 100), EINV);
  BI(uv_fs_poll_start(&fp, bi_fs_poll_cb, NULL, 100), EINV);
  n = sizeof(small);
  BI(uv_fs_poll_getpath(&fp, small, &n), EINV);    /* not started */
  BI(uv_fs_poll_start(&fp, bi_fs_poll_cb, longpath, 0), 0);
  n = 1;
  BI(uv_fs_poll_getpath(&fp, small, &n), UV_ENOBUFS);
  BI(uv_fs_poll_getpath(&fp, NULL, &n), EINV);
  uv_close((uv_handle_t*) &ev, NULL);
  uv_close((uv_handle_t*) &fp, NULL);

  FS(uv_fs_close(loop, &req, fd, NULL), 0);
  FS(uv_fs_close(loop, &req, rofd, NULL), 0);
  FS(uv_fs_close(loop, &req, fd, NULL), UV_EBADF);  /* closed twice */
  FS(uv_fs_unlink(loop, &req, "bad-input.tmp", NULL), 0);
  FS(uv_fs_unlink(loop, &req, "bad-input.tmp3", NULL), BI_ZERO_ERR);
  close_loop_and_check(loop);
  return bi_finish("fs");
}

/* ------------------------------------------------------------------------ */
/* Processes, the thread pool, DNS, random bytes, signals. */

static int bi_body_process_work_dns(void) {
  uv_loop_t* loop;
  uv_process_t proc;
  uv_process_options_t o;
  uv_stdio_container_t stdio[3];
  uv_work_t work;
  uv_getaddrinfo_t gai;
  uv_getnameinfo_t gni;
  uv_random_t rnd;
  uv_signal_t sig;
  uv_timer_t timer;
  uv_timer_t t2;        /* these live until the loop ran their close */
  uv_async_t as;
  uv_poll_t p;
  uv_idle_t idle;
  struct addrinfo hints;
  struct sockaddr_storage ss;
  char* args[2];
  char rbuf[16];

  loop = uv_default_loop();
  bi_init_addr();
  args[0] = (char*) "true";
  args[1] = NULL;

  /* spawn: NULL options, file, args; bad flags, stdio, cwd */
  memset(&o, 0, sizeof(o));
  BI(uv_spawn(loop, NULL, &o), EINV);
  BI(uv_spawn(loop, &proc, NULL), EINV);
  BI(uv_spawn(loop, &proc, &o), EINV);                    /* file NULL */
  o.file = "true";
  o.args = args;
  o.flags = 0x80000000u;
  BI(uv_spawn(loop, &proc, &o), EINV);
  o.flags = 0;
  o.stdio_count = -1;
  BI(uv_spawn(loop, &proc, &o), EINV);
  o.stdio_count = 1;
  o.stdio = NULL;
  BI(uv_spawn(loop, &proc, &o), EINV);
  memset(stdio, 0, sizeof(stdio));
  o.stdio = stdio;
  stdio[0].flags = (uv_stdio_flags) (UV_INHERIT_FD | UV_INHERIT_STREAM);
  BI(uv_spawn(loop, &proc, &o), EINV);
  stdio[0].flags = UV_INHERIT_FD;
  stdio[0].data.fd = 987654;
  BI(uv_spawn(loop, &proc, &o), BI_ANY_ERR);
  stdio[0].flags = UV_CREATE_PIPE;
  stdio[0].data.stream = NULL;
  BI(uv_spawn(loop, &proc, &o), EINV);
  stdio[0].flags = UV_INHERIT_STREAM;
  BI(uv_spawn(loop, &proc, &o), EINV);
  stdio[0].data.stream = (uv_stream_t*) &timer;   /* not a stream */
  ASSERT_OK(uv_timer_init(loop, &timer));
  BI(uv_spawn(loop, &proc, &o), EINV);
  o.stdio_count = 0;
  o.file = "bad-input-no-such-program";
  BI(uv_spawn(loop, &proc, &o), UV_ENOENT);
  o.file = "true";
  o.cwd = "bad-input-no-such-dir";
  BI(uv_spawn(loop, &proc, &o), UV_ENOENT);
  o.cwd = NULL;
  o.file = "";
  BI(uv_spawn(loop, &proc, &o), BI_ANY_ERR);
  BI(uv_kill(0x7FFFFFF0, 0), UV_ESRCH);
  BI(uv_kill(uv_os_getpid(), -1), EINV);
  BI(uv_kill(uv_os_getpid(), 12345), EINV);

  /* the pool */
  BI(uv_queue_work(loop, NULL, bi_work_cb, bi_after_work_cb), EINV);
  BI(uv_queue_work(loop, &work, NULL, bi_after_work_cb), EINV);
  BI(uv_queue_work(loop, &work, bi_work_cb, NULL), 0);     /* libuv: allowed */
  BI(uv_queue_work(loop, &work, bi_work_cb, NULL), EINV);  /* in flight */
  BI(uv_cancel(NULL), EINV);
  BI(uv_cancel((uv_req_t*) &timer), EINV);   /* not a request at all */
  {
    uv_write_t w;
    memset(&w, 0, sizeof(w));
    w.type = UV_WRITE;
    BI(uv_cancel((uv_req_t*) &w), EINV);     /* a type that cannot be */
  }
  ASSERT_OK(uv_run(loop, UV_RUN_DEFAULT));
  BI(uv_cancel((uv_req_t*) &work), UV_EBUSY);  /* finished */

  /* DNS */
  BI(uv_getaddrinfo(loop, NULL, bi_gai_cb, "localhost", NULL, NULL), EINV);
  BI(uv_getaddrinfo(loop, &gai, bi_gai_cb, NULL, NULL, NULL), EINV);
  BI(uv_getaddrinfo(loop, &gai, NULL, NULL, NULL, NULL), EINV);
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = 12345;
  BI(uv_getaddrinfo(loop, &gai, NULL, "localhost", NULL, &hints), UV_EAI_FAMILY);
  memset(&hints, 0, sizeof(hints));
  hints.ai_socktype = 12345;
  BI(uv_getaddrinfo(loop, &gai, NULL, "localhost", NULL, &hints), UV_EAI_SOCKTYPE);
  memset(&hints, 0, sizeof(hints));
  hints.ai_flags = 0x7FFF0000;
  BI(uv_getaddrinfo(loop, &gai, NULL, "localhost", NULL, &hints), UV_EAI_BADFLAGS);
  {
    char label[300];
    memset(label, 'a', sizeof(label) - 1);
    label[sizeof(label) - 1] = '\0';
    BI(uv_getaddrinfo(loop, &gai, NULL, label, NULL, NULL), BI_ANY_ERR);
    BI(uv_getaddrinfo(loop, &gai, NULL, "\xff\xfe.invalid", NULL, NULL), BI_ANY_ERR);
  }
  BI(uv_getaddrinfo(loop, &gai, bi_gai_cb, "localhost", NULL, NULL), 0);
  BI(uv_getaddrinfo(loop, &gai, bi_gai_cb, "localhost", NULL, NULL), EINV);
  BI_VOID(uv_freeaddrinfo(NULL));
  BI(uv_getnameinfo(loop, NULL, bi_gni_cb, (const struct sockaddr*) &bi_addr4, 0), EINV);
  BI(uv_getnameinfo(loop, &gni, bi_gni_cb, NULL, 0), EINV);
  memset(&ss, 0, sizeof(ss));
  ss.ss_family = AF_UNIX;
  BI(uv_getnameinfo(loop, &gni, NULL, (const struct sockaddr*) &ss, 0), EINV);
  BI(uv_getnameinfo(loop, &gni, NULL, (const struct sockaddr*) &bi_addr4, 0x7FFF0000), BI_ANY_ERR);
  BI(uv_getnameinfo(loop, &gni, bi_gni_cb, (const struct sockaddr*) &bi_addr4, NI_NUMERICHOST), 0);
  BI(uv_getnameinfo(loop, &gni, bi_gni_cb, (const struct sockaddr*) &bi_addr4, NI_NUMERICHOST), EINV);

  /* random */
  BI(uv_random(NULL, NULL, rbuf, sizeof(rbuf), 1, NULL), EINV);
  BI(uv_random(NULL, NULL, rbuf, (size_t) 1 << 32, 0, NULL), UV_E2BIG);
  BI(uv_random(NULL, NULL, NULL, 0, 0, NULL), 0);
  BI(uv_random(loop, NULL, rbuf, sizeof(rbuf), 0, bi_random_cb), EINV);
  BI(uv_random(loop, &rnd, rbuf, sizeof(rbuf), 0, bi_random_cb), 0);
  BI(uv_random(loop, &rnd, rbuf, sizeof(rbuf), 0, bi_random_cb), EINV);

  /* signals */
  ASSERT_OK(uv_signal_init(loop, &sig));
  BI(uv_signal_start(&sig, NULL, SIGUSR2), EINV);
  BI(uv_signal_start(&sig, bi_signal_cb, 0), EINV);
  BI(uv_signal_start(&sig, bi_signal_cb, -1), EINV);
  BI(uv_signal_start(&sig, bi_signal_cb, 65), EINV);
  BI(uv_signal_start(&sig, bi_signal_cb, 1000), EINV);
  BI(uv_signal_start(&sig, bi_signal_cb, SIGKILL), EINV);
  BI(uv_signal_start(&sig, bi_signal_cb, SIGSTOP), EINV);
  BI(uv_signal_start_oneshot(&sig, bi_signal_cb, 0), EINV);
  BI(uv_signal_start_oneshot(&sig, NULL, SIGUSR2), EINV);

  /* timers: a repeat that overflows, timeouts at the end of time */
  BI(uv_timer_start(&timer, NULL, 0, 0), EINV);
  BI(uv_timer_start(&timer, bi_timer_cb, UINT64_MAX, UINT64_MAX), 0);
  BI(uv_timer_get_due_in(&timer) > 0, 1);
  BI(uv_timer_again(&timer), 0);
  {
    ASSERT_OK(uv_timer_init(loop, &t2));
    BI(uv_timer_again(&t2), EINV);   /* never started */
    uv_close((uv_handle_t*) &t2, NULL);
  }

  /* async, poll, loop watchers */
  {
    BI(uv_async_init(loop, NULL, bi_async_cb), EINV);
    BI(uv_async_init(loop, &as, NULL), 0);    /* libuv: a NULL callback is allowed */
    BI(uv_async_send(&as), 0);
    uv_close((uv_handle_t*) &as, NULL);
    BI(uv_poll_init(loop, &p, -1), BI_ANY_ERR);
    BI(uv_poll_init(loop, &p, 987654), BI_ANY_ERR);
    BI(uv_poll_init_socket(loop, &p, -1), BI_ANY_ERR);
    BI(uv_poll_init(loop, NULL, 0), EINV);
    {
      int sv[2];
      ASSERT_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
      ASSERT_OK(uv_poll_init(loop, &p, sv[0]));
      BI(uv_poll_start(&p, 0x4000, bi_poll_cb), EINV);
      BI(uv_poll_start(&p, UV_READABLE, NULL), EINV);
      BI(uv_poll_start(&p, 0, bi_poll_cb), 0);
      uv_close((uv_handle_t*) &p, NULL);
      uv_run(loop, UV_RUN_NOWAIT);
      close(sv[0]);
      close(sv[1]);
    }
    ASSERT_OK(uv_idle_init(loop, &idle));
    BI(uv_idle_start(&idle, NULL), EINV);
    uv_close((uv_handle_t*) &idle, NULL);
  }

  uv_close((uv_handle_t*) &timer, NULL);
  uv_close((uv_handle_t*) &sig, NULL);
  close_loop_and_check(loop);
  return bi_finish("process, work, dns, random, signals, timers");
}

/* ------------------------------------------------------------------------ */
/* The operating system: buffers and sizes, names, ids, priorities. */

static int bi_body_os(void) {
  char buf[256];
  char one[1];
  size_t n;
  int prio;
  uv_passwd_t pwd;
  uv_group_t grp;
  uv_cpu_info_t* cpus;
  uv_interface_address_t* ifs;
  uv_env_item_t* env;
  int count;
  uv_timespec64_t ts;
  uv_timeval64_t tv;
  uv_lib_t lib;
  void* sym;
  double d;
  size_t rss;

  /* buffer + size pairs: NULL buffer, NULL size, a size of 0 or 1 */
#define SIZED(fn)                                                             \
  do {                                                                        \
    n = sizeof(buf);                                                          \
    BI(fn(NULL, &n), EINV);                                                   \
    BI(fn(buf, NULL), EINV);                                                  \
    n = 0;                                                                    \
    BI(fn(buf, &n), EINV);                                                    \
    n = 1;                                                                    \
    BI(fn(one, &n), UV_ENOBUFS);                                              \
    BI(n > 1, 1);  /* the size needed */                                      \
  } while (0)
  SIZED(uv_os_homedir);
  SIZED(uv_os_tmpdir);
  SIZED(uv_cwd);
  SIZED(uv_os_gethostname);
  n = sizeof(buf);
  BI(uv_exepath(NULL, &n), EINV);
  BI(uv_exepath(buf, NULL), EINV);
  n = 0;
  BI(uv_exepath(buf, &n), EINV);
  n = 1;
  BI(uv_exepath(one, &n), 0);   /* libuv: truncates */
  BI(one[0], 0);

  BI(uv_os_getenv(NULL, buf, &n), EINV);
  n = sizeof(buf);
  BI(uv_os_getenv("PATH", NULL, &n), EINV);
  BI(uv_os_getenv("PATH", buf, NULL), EINV);
  BI(uv_os_getenv("BAD_INPUT_NOT_SET", buf, &n), UV_ENOENT);
  ASSERT_OK(uv_os_setenv("BAD_INPUT_VAR", "value"));
  n = 1;
  BI(uv_os_getenv("BAD_INPUT_VAR", one, &n), UV_ENOBUFS);
  BI(n, 6);
  BI(uv_os_setenv(NULL, "v"), EINV);
  BI(uv_os_setenv("BAD_INPUT_VAR", NULL), EINV);
  BI(uv_os_setenv("", "v"), EINV);
  BI(uv_os_setenv("A=B", "v"), EINV);
  BI(uv_os_unsetenv(NULL), EINV);
  BI(uv_os_unsetenv(""), EINV);
  BI(uv_os_unsetenv("A=B"), EINV);
  BI(uv_os_unsetenv("BAD_INPUT_VAR"), 0);
  BI(uv_os_environ(NULL, &count), EINV);
  BI(uv_os_environ(&env, NULL), EINV);
  BI_VOID(uv_os_free_environ(NULL, 0));

  BI(uv_chdir(NULL), EINV);
  BI(uv_chdir(""), UV_ENOENT);
  BI(uv_chdir("bad-input-no-such-dir"), UV_ENOENT);

  /* users, groups, processes */
  BI(uv_os_get_passwd(NULL), EINV);
  BI(uv_os_get_passwd2(NULL, 0), EINV);
  BI(uv_os_get_passwd2(&pwd, (uv_uid_t) 0x7FFFFFF0), UV_ENOENT);
  BI(uv_os_get_group(NULL, 0), EINV);
  BI(uv_os_get_group(&grp, (uv_uid_t) 0x7FFFFFF0), UV_ENOENT);
  BI_VOID(uv_os_free_passwd(NULL));
  BI_VOID(uv_os_free_group(NULL));
  BI(uv_os_getpriority(uv_os_getpid(), NULL), EINV);
  BI(uv_os_getpriority(0x7FFFFFF0, &prio), UV_ESRCH);
  BI(uv_os_setpriority(uv_os_getpid(), UV_PRIORITY_HIGHEST - 1), EINV);
  BI(uv_os_setpriority(uv_os_getpid(), UV_PRIORITY_LOW + 1), EINV);
  BI(uv_os_setpriority(0x7FFFFFF0, 0), UV_ESRCH);
  BI(uv_get_process_title(NULL, 10), EINV);
  BI(uv_get_process_title(buf, 0), EINV);
  BI(uv_get_process_title(one, 1), BI_ANY_ERR);
  BI(uv_set_process_title(NULL), BI_ANY_ERR);
  BI(uv_os_uname(NULL), EINV);
  BI(uv_getrusage(NULL), EINV);
  BI(uv_getrusage_thread(NULL), EINV);
  BI(uv_resident_set_memory(NULL), EINV);
  BI(uv_uptime(NULL), EINV);
  BI(uv_cpu_info(NULL, &count), EINV);
  BI(uv_cpu_info(&cpus, NULL), EINV);
  BI_VOID(uv_free_cpu_info(NULL, 0));
  BI_VOID(uv_free_cpu_info(NULL, 5));
  BI(uv_interface_addresses(NULL, &count), EINV);
  BI(uv_interface_addresses(&ifs, NULL), EINV);
  BI_VOID(uv_free_interface_addresses(NULL, 0));
  BI_VOID(uv_loadavg(NULL));
  n = sizeof(buf);
  BI(uv_if_indextoname(0, buf, &n), UV_ENXIO);
  BI(uv_if_indextoname(0xFFFFFFF0u, buf, &n), UV_ENXIO);
  BI(uv_if_indextoname(1, NULL, &n), EINV);
  BI(uv_if_indextoname(1, buf, NULL), EINV);
  n = 0;
  BI(uv_if_indextoname(1, buf, &n), EINV);
  n = 1;
  BI(uv_if_indextoname(1, one, &n), UV_ENOBUFS);
  n = sizeof(buf);
  BI(uv_if_indextoiid(1, NULL, &n), EINV);
  BI(uv_if_indextoiid(1, buf, NULL), EINV);

  /* clocks */
  BI(uv_clock_gettime((uv_clock_id) 77, &ts), EINV);
  BI(uv_clock_gettime(UV_CLOCK_MONOTONIC, NULL), UV_EFAULT);  /* libuv */
  BI(uv_gettimeofday(NULL), EINV);
  BI(uv_gettimeofday(&tv), 0);

  /* errors */
  BI(uv_strerror(0) != NULL, 1);
  BI(uv_strerror(12345) != NULL, 1);
  BI(uv_strerror(INT_MIN) != NULL, 1);
  BI(uv_err_name(-99999) != NULL, 1);
  BI(uv_strerror_r(UV_EINVAL, NULL, 10) == NULL, 1);
  BI(uv_strerror_r(UV_EINVAL, buf, 0) == buf, 1);
  BI(uv_err_name_r(UV_EINVAL, one, 1) == one && one[0] == '\0', 1);
  BI(uv_err_name_r(-99999, one, 1) == one && one[0] == '\0', 1);
  BI(uv_translate_sys_error(0), 0);
  BI(uv_translate_sys_error(-EINVAL), UV_EINVAL);   /* already negative */
  BI(uv_translate_sys_error(INT_MIN) < 0, 1);

  /* handle and request metadata */
  BI(uv_handle_size(UV_UNKNOWN_HANDLE), (long long) (size_t) -1);
  BI(uv_handle_size((uv_handle_type) 9999), (long long) (size_t) -1);
  BI(uv_handle_size((uv_handle_type) -5), (long long) (size_t) -1);
  BI(uv_req_size(UV_UNKNOWN_REQ), (long long) (size_t) -1);
  BI(uv_req_size((uv_req_type) 9999), (long long) (size_t) -1);
  BI(uv_handle_type_name((uv_handle_type) 9999) == NULL, 1);
  BI(uv_handle_type_name((uv_handle_type) -5) == NULL, 1);
  BI(uv_req_type_name((uv_req_type) 9999) == NULL, 1);
  BI(uv_req_type_name(UV_UNKNOWN_REQ) == NULL, 1);
  BI(uv_req_get_type(NULL), NOC);
  BI(uv_req_get_data(NULL) != NULL, NOC);
  BI_VOID(uv_req_set_data(NULL, NULL));

  /* stdio guesses and descriptors */
  BI(uv_guess_handle(-1), UV_UNKNOWN_HANDLE);
  BI(uv_guess_handle(987654), UV_UNKNOWN_HANDLE);
  BI(uv_get_osfhandle(-1), -1);
  BI(uv_open_osfhandle(-1), -1);
  {
    uv_tty_t tty;
    uv_tty_vtermstate_t st;
    BI(uv_tty_init(uv_default_loop(), &tty, -1, 0), BI_ANY_ERR);
    BI(uv_tty_init(uv_default_loop(), &tty, 987654, 0), BI_ANY_ERR);
    BI(uv_tty_init(uv_default_loop(), NULL, 1, 0), EINV);
    BI(uv_tty_get_vterm_state(NULL), BI_ANY_ERR);
    BI(uv_tty_get_vterm_state(&st), UV_ENOTSUP);
    BI_VOID(uv_tty_set_vterm_state((uv_tty_vtermstate_t) 77));
    BI(uv_tty_reset_mode(), 0);
    {
      int t = bi_open_pty(1);
      if (t >= 0) {
        int w;
        ASSERT_OK(uv_tty_init(uv_default_loop(), &tty, t, 0));
        BI(uv_tty_set_mode(&tty, (uv_tty_mode_t) 77), EINV);
        BI(uv_tty_set_mode(&tty, (uv_tty_mode_t) -1), EINV);
        BI(uv_tty_get_winsize(&tty, NULL, &w), EINV);
        BI(uv_tty_get_winsize(&tty, &w, NULL), EINV);
        uv_close((uv_handle_t*) &tty, NULL);
        uv_run(uv_default_loop(), UV_RUN_DEFAULT);
        bi_close_pty(1, t);
      }
    }
  }

  /* shared libraries */
  BI(uv_dlopen(NULL, &lib), BI_ZERO_ERR);   /* NULL: the program itself */
  uv_dlclose(&lib);
  BI(uv_dlopen("bad-input-no-such-lib.so", NULL), EINV);
  BI(uv_dlopen("bad-input-no-such-lib.so", &lib), -1);   /* libuv: -1 */
  BI(uv_dlerror(&lib) != NULL, 1);
  BI_VOID(uv_dlclose(&lib));
  BI_VOID(uv_dlclose(&lib));
  BI_VOID(uv_dlclose(NULL));
  BI(uv_dlerror(NULL) != NULL, NOC);
  BI(uv_dlsym(NULL, "x", &sym), BI_ANY_ERR);
  BI(uv_dlsym(&lib, NULL, &sym), BI_ANY_ERR);
  BI(uv_dlsym(&lib, "x", NULL), BI_ANY_ERR);
  uv_dlclose(&lib);   /* frees the error text dlsym left */

  /* allocators */
  BI(uv_replace_allocator(NULL, realloc, calloc, free), EINV);
  BI(uv_replace_allocator(malloc, NULL, calloc, free), EINV);
  BI(uv_replace_allocator(malloc, realloc, NULL, free), EINV);
  BI(uv_replace_allocator(malloc, realloc, calloc, NULL), EINV);

  /* metrics */
  {
    uv_metrics_t m;
    BI(uv_metrics_info(uv_default_loop(), NULL), EINV);
    BI(uv_metrics_info(uv_default_loop(), &m), 0);
  }
  d = 0;
  (void) d;
  rss = 0;
  (void) rss;
  close_loop_and_check(uv_default_loop());
  return bi_finish("os");
}

/* ------------------------------------------------------------------------ */
/* Threads and synchronisation */

static int bi_body_threads(void) {
  uv_thread_t tid;
  uv_thread_t self;
  uv_thread_options_t opts;
  uv_mutex_t m;
  uv_rwlock_t rw;
  uv_sem_t sem;
  uv_cond_t cond;
  uv_barrier_t bar;
  uv_key_t key;
  char name[64];
  char mask[4096];
  int prio;

  BI(uv_thread_create(NULL, bi_thread_entry, NULL), EINV);
  BI(uv_thread_create(&tid, NULL, NULL), EINV);
  BI(uv_thread_create_ex(&tid, NULL, NULL, NULL), EINV);
  opts.flags = 0x80;
  opts.stack_size = 0;
  BI(uv_thread_create_ex(&tid, &opts, bi_thread_entry, NULL), EINV);
  opts.flags = UV_THREAD_HAS_STACK_SIZE;
  opts.stack_size = (size_t) 1 << 62;
  BI(uv_thread_create_ex(&tid, &opts, bi_thread_entry, NULL), BI_ANY_ERR);
  opts.stack_size = 1;   /* libuv: rounded up to the minimum */
  BI(uv_thread_create_ex(&tid, &opts, bi_thread_entry, NULL), 0);
  BI(uv_thread_join(&tid), 0);
  BI(uv_thread_join(NULL), EINV);
  BI(uv_thread_detach(NULL), EINV);
  self = uv_thread_self();
  BI(uv_thread_join(&self), -EDEADLK);   /* glibc: EDEADLK */
  BI(uv_thread_equal(&self, &self), 1);
  BI(uv_thread_equal(NULL, &self), 0);
  BI(uv_thread_setname(NULL), EINV);
  BI(uv_thread_setname("a-name-much-longer-than-the-kernel-allows-for-threads"), 0);
  BI(uv_thread_getname(NULL, name, sizeof(name)), EINV);
  BI(uv_thread_getname(&self, NULL, sizeof(name)), EINV);
  BI(uv_thread_getname(&self, name, 0), EINV);
  BI(uv_thread_getname(&self, name, 1), 0);
  BI(name[0], 0);
  BI(uv_thread_getpriority(self, NULL), EINV);
  BI(uv_thread_getpriority(self, &prio), 0);
  BI(uv_thread_setpriority(self, 99), EINV);
  BI(uv_thread_setpriority(self, -99), EINV);
  BI(uv_thread_setaffinity(NULL, mask, NULL, sizeof(mask)), EINV);
  BI(uv_thread_setaffinity(&self, NULL, NULL, sizeof(mask)), EINV);
  BI(uv_thread_setaffinity(&self, mask, NULL, 1), EINV);   /* < uv_cpumask_size() */
  memset(mask, 0, sizeof(mask));
  BI(uv_thread_setaffinity(&self, mask, NULL, sizeof(mask)), EINV);  /* no CPU */
  BI(uv_thread_getaffinity(&self, mask, 1), EINV);
  BI(uv_thread_getaffinity(NULL, mask, sizeof(mask)), EINV);
  BI(uv_thread_getaffinity(&self, NULL, sizeof(mask)), EINV);
  BI(uv_cpumask_size() > 0, 1);

  BI(uv_mutex_init(NULL), EINV);
  BI(uv_mutex_init_recursive(NULL), EINV);
  BI(uv_rwlock_init(NULL), EINV);
  BI(uv_sem_init(NULL, 0), EINV);
  BI(uv_sem_init(&sem, UINT_MAX), EINV);
  BI(uv_cond_init(NULL), EINV);
  BI(uv_barrier_init(NULL, 2), EINV);
  BI(uv_barrier_init(&bar, 0), EINV);
  BI(uv_key_create(NULL), EINV);

  ASSERT_OK(uv_mutex_init(&m));
  uv_mutex_lock(&m);
  BI(uv_mutex_trylock(&m), UV_EBUSY);
  uv_mutex_unlock(&m);
  ASSERT_OK(uv_rwlock_init(&rw));
  uv_rwlock_wrlock(&rw);
  BI(uv_rwlock_tryrdlock(&rw), UV_EBUSY);
  BI(uv_rwlock_trywrlock(&rw), UV_EBUSY);
  uv_rwlock_wrunlock(&rw);
  ASSERT_OK(uv_sem_init(&sem, 0));
  BI(uv_sem_trywait(&sem), UV_EAGAIN);
  ASSERT_OK(uv_cond_init(&cond));
  uv_mutex_lock(&m);
  BI(uv_cond_timedwait(&cond, &m, 0), UV_ETIMEDOUT);
  BI(uv_cond_timedwait(&cond, &m, 1), UV_ETIMEDOUT);
  uv_mutex_unlock(&m);
  ASSERT_OK(uv_barrier_init(&bar, 1));
  BI(uv_barrier_wait(&bar) > 0, 1);   /* the one serial thread */
  BI(uv_barrier_wait(&bar) > 0, 1);   /* and again: it resets */
  ASSERT_OK(uv_key_create(&key));
  BI(uv_key_get(&key) == NULL, 1);
  uv_key_delete(&key);

  uv_barrier_destroy(&bar);
  uv_cond_destroy(&cond);
  uv_sem_destroy(&sem);
  uv_rwlock_destroy(&rw);
  uv_mutex_destroy(&m);
  return bi_finish("threads");
}

/* ------------------------------------------------------------------------ */
/* Addresses, buffers, text conversions */

static int bi_body_utils(void) {
  struct sockaddr_in a4;
  struct sockaddr_in6 a6;
  struct sockaddr_storage ss;
  unsigned char bin[16];
  char txt[64];
  char one[1];
  uint16_t u16[8];
  char* w8;
  size_t w8len;
  uv_buf_t b;

  memset(bin, 0, sizeof(bin));
  BI(uv_ip4_addr(NULL, 80, &a4), EINV);
  BI(uv_ip4_addr("1.2.3.4", 80, NULL), EINV);
  BI(uv_ip4_addr("", 80, &a4), EINV);
  BI(uv_ip4_addr("1.2.3.256", 80, &a4), EINV);
  BI(uv_ip4_addr("1.2.3.4 ", 80, &a4), EINV);
  BI(uv_ip4_addr("::1", 80, &a4), EINV);
  BI(uv_ip6_addr(NULL, 80, &a6), EINV);
  BI(uv_ip6_addr("::1", 80, NULL), EINV);
  BI(uv_ip6_addr("1:2:3:4:5:6:7:8:9", 80, &a6), EINV);
  BI(uv_ip6_addr("fe80::1%", 80, &a6), BI_ZERO_ERR);
  BI(uv_ip6_addr("fe80::1%no-such-interface-name-at-all", 80, &a6), BI_ZERO_ERR);
  BI(uv_ip4_addr("1.2.3.4", -1, &a4), 0);   /* libuv: htons of the int */
  BI(uv_ip4_name(NULL, txt, sizeof(txt)), EINV);
  ASSERT_OK(uv_ip4_addr("1.2.3.4", 80, &a4));
  BI(uv_ip4_name(&a4, NULL, sizeof(txt)), EINV);
  BI(uv_ip4_name(&a4, one, 0), UV_ENOSPC);
  BI(uv_ip4_name(&a4, one, 1), UV_ENOSPC);
  BI(uv_ip6_name(NULL, txt, sizeof(txt)), EINV);
  ASSERT_OK(uv_ip6_addr("::1", 80, &a6));
  BI(uv_ip6_name(&a6, one, 1), UV_ENOSPC);
  memset(&ss, 0, sizeof(ss));
  ss.ss_family = AF_UNIX;
  BI(uv_ip_name((struct sockaddr*) &ss, txt, sizeof(txt)), UV_EAFNOSUPPORT);
  BI(uv_ip_name(NULL, txt, sizeof(txt)), EINV);
  BI(uv_inet_pton(AF_UNIX, "1.2.3.4", bin), UV_EAFNOSUPPORT);
  BI(uv_inet_pton(AF_INET, NULL, bin), EINV);
  BI(uv_inet_pton(AF_INET, "1.2.3.4", NULL), EINV);
  BI(uv_inet_pton(AF_INET6, "", bin), EINV);
  BI(uv_inet_ntop(AF_UNIX, bin, txt, sizeof(txt)), UV_EAFNOSUPPORT);
  BI(uv_inet_ntop(AF_INET, NULL, txt, sizeof(txt)), EINV);
  BI(uv_inet_ntop(AF_INET, bin, NULL, sizeof(txt)), EINV);
  BI(uv_inet_ntop(AF_INET6, bin, txt, 0), UV_ENOSPC);

  b = uv_buf_init(NULL, 0);
  BI(b.base == NULL && b.len == 0, 1);
  b = uv_buf_init(txt, UINT_MAX);
  BI(b.len == UINT_MAX, 1);

  BI(uv_wtf8_length_as_utf16(NULL), BI_ANY_ERR);
  BI(uv_wtf8_length_as_utf16("\xff"), BI_ANY_ERR);
  BI(uv_wtf8_length_as_utf16("\xed\xa0\x80"), 2);   /* a lone surrogate + NUL */
  BI_VOID(uv_wtf8_to_utf16(NULL, u16, 8));
  BI_VOID(uv_wtf8_to_utf16("abc", NULL, 0));
  BI_VOID(uv_wtf8_to_utf16("abcdefgh", u16, 0));
  BI_VOID(uv_wtf8_to_utf16("\xff\xfe", u16, 8));
  BI(uv_utf16_length_as_wtf8(NULL, 0), 0);
  BI(uv_utf16_length_as_wtf8(NULL, 5), NOC);
  u16[0] = 0xD800;
  u16[1] = 0;
  BI(uv_utf16_length_as_wtf8(u16, -1), 3);
  BI(uv_utf16_to_wtf8(NULL, 5, &w8, &w8len), EINV);
  BI(uv_utf16_to_wtf8(u16, 1, NULL, &w8len), 0);   /* the length only */
  BI(w8len, 3);
  w8 = one;
  w8len = 0;
  BI(uv_utf16_to_wtf8(u16, 1, &w8, &w8len), UV_ENOBUFS);
  w8 = NULL;
  BI(uv_utf16_to_wtf8(u16, -1, &w8, NULL), 0);
  free(w8);

  BI(uv_version() > 0, 1);
  BI(uv_version_string() != NULL, 1);
  return bi_finish("utils");
}

#endif /* !_WIN32 */

/* The child bad_input_handles spawns for its process rows. */
HELPER(bad_input_exit) {
  return 0;
}

/* Unix only for now: the tables use ptys, socketpair() and POSIX
 * descriptors; the Windows port gets its own rows. */
#ifdef _WIN32
# define BI_RUN(body) RETURN_SKIP("the bad-input tables are Unix-only so far")
#else
# define BI_RUN(body) return body()
#endif

TEST(bad_input_handles) {
  BI_RUN(bi_body_handles);
}

TEST(bad_input_loops) {
  BI_RUN(bi_body_loops);
}

TEST(bad_input_streams) {
  BI_RUN(bi_body_streams);
}

TEST(bad_input_udp) {
  BI_RUN(bi_body_udp);
}

TEST(bad_input_fs) {
  BI_RUN(bi_body_fs);
}

TEST(bad_input_process_work_dns) {
  BI_RUN(bi_body_process_work_dns);
}

TEST(bad_input_os) {
  BI_RUN(bi_body_os);
}

TEST(bad_input_threads) {
  BI_RUN(bi_body_threads);
}

TEST(bad_input_utils) {
  BI_RUN(bi_body_utils);
}
