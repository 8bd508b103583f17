/* TTY handle tests on a pseudo-terminal made with posix_openpt(): init and
 * the reopen that keeps O_NONBLOCK away from other users of the terminal,
 * access modes, the four terminal modes checked with tcgetattr(),
 * uv_tty_reset_mode(), window size, writing and reading through the
 * terminal, the vterm state calls, and uv_guess_handle() on every kind of
 * descriptor. */

#define _GNU_SOURCE  /* posix_openpt, ptsname_r */

#include "test-tcp-util.h"

#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>

/* Opens a pseudo-terminal pair: *master, and the terminal side *slave
 * opened with the given access mode.  Neither becomes our controlling
 * terminal.  Skips the test if the system has no ptys. */
static int open_pty(int* master, int* slave, int access) {
  char name[128];

  *master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (*master < 0)
    return -1;
  ASSERT_OK(grantpt(*master));
  ASSERT_OK(unlockpt(*master));
  ASSERT_OK(ptsname_r(*master, name, sizeof(name)));
  *slave = open(name, access | O_NOCTTY | O_CLOEXEC);
  ASSERT_GE(*slave, 0);
  return 0;
}

#define OPEN_PTY_OR_SKIP(m, s, access)                                        \
  do {                                                                        \
    if (open_pty((m), (s), (access)) != 0)                                    \
      RETURN_SKIP("no pseudo-terminals (posix_openpt failed)");               \
  } while (0)

/* Reads exactly len bytes from fd (which may be non-blocking), waiting at
 * most a few seconds for each piece. */
static void read_exact(int fd, char* buf, size_t len) {
  struct pollfd pfd;
  size_t got;
  ssize_t n;

  got = 0;
  while (got < len) {
    pfd.fd = fd;
    pfd.events = POLLIN;
    pfd.revents = 0;
    ASSERT_EQ(poll(&pfd, 1, 5000), 1);
    n = read(fd, buf + got, len - got);
    if (n < 0 && errno == EAGAIN)
      continue;
    ASSERT_GT(n, 0);
    got += (size_t) n;
  }
}

static int tty_fd(uv_tty_t* tty) {
  uv_os_fd_t fd;
  ASSERT_OK(uv_fileno((uv_handle_t*) tty, &fd));
  return fd;
}

/* ------------------------------------------------------------------------ */

TEST(tty_init_reopens_slave) {
  uv_tty_t tty;
  uv_loop_t loop;
  int master;
  int slave;
  int shared;
  int hfd;

  OPEN_PTY_OR_SKIP(&master, &slave, O_RDWR);
  /* Another user of the same open file description (think: a shell that
   * shares our stdout). */
  shared = dup(slave);
  ASSERT_GE(shared, 0);
  ASSERT_EQ(st_fd_is_nonblocking(slave), 0);
  ASSERT_EQ(uv_guess_handle(slave), UV_TTY);
  ASSERT_EQ(uv_guess_handle(master), UV_TTY);

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_tty_init(&loop, &tty, slave, 0));
  ASSERT_EQ(tty.type, UV_TTY);
  ASSERT_PTR_EQ(tty.loop, &loop);
  ASSERT_UINT64_EQ(tty.write_queue_size, 0);
  /* The `readable` argument is ignored: the access mode decides. */
  ASSERT_EQ(uv_is_readable((uv_stream_t*) &tty), 1);
  ASSERT_EQ(uv_is_writable((uv_stream_t*) &tty), 1);
  ASSERT_EQ(uv_is_active((uv_handle_t*) &tty), 0);

  /* The handle works on a fresh open of the terminal (non-blocking), and
   * the caller's descriptor number was moved onto that same fresh open, so
   * the description others share stays blocking. */
  hfd = tty_fd(&tty);
  ASSERT_NE(hfd, slave);
  ASSERT(st_fd_is_nonblocking(hfd));
  ASSERT(st_fd_is_cloexec(hfd));
  ASSERT(st_fd_is_nonblocking(slave));
  ASSERT_EQ(st_fd_is_nonblocking(shared), 0);
  ASSERT_EQ(uv_guess_handle(hfd), UV_TTY);
  {
    struct stat a;
    struct stat b;
    ASSERT_OK(fstat(hfd, &a));
    ASSERT_OK(fstat(shared, &b));
    ASSERT_EQ(a.st_rdev, b.st_rdev);  /* the same terminal */
  }

  uv_close((uv_handle_t*) &tty, NULL);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  /* uv_close closed the handle's own descriptor; the caller's stays. */
  ASSERT_EQ(st_fd_is_open(hfd), 0);
  ASSERT(st_fd_is_open(slave));
  ASSERT(st_fd_is_open(shared));
  ASSERT_OK(close(slave));
  ASSERT_OK(close(shared));
  ASSERT_OK(close(master));
  close_loop_and_check(&loop);
  return 0;
}

static void never_read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* b) {
  (void) s;
  (void) nread;
  (void) b;
  ASSERT(0 && "no read expected");
}

static void count_cb(uv_handle_t* h, void* arg) {
  (void) h;
  (*(int*) arg)++;
}

static int count_handles(uv_loop_t* loop) {
  int n = 0;
  uv_walk(loop, count_cb, &n);
  return n;
}

TEST(tty_init_access_modes) {
  uv_write_t req;
  uv_tty_t ro;
  uv_tty_t wo;
  uv_loop_t loop;
  uv_buf_t b;
  char name[128];
  int master;
  int slave;
  int slave_ro;
  int slave_wo;

  OPEN_PTY_OR_SKIP(&master, &slave, O_RDWR);
  ASSERT_OK(ptsname_r(master, name, sizeof(name)));
  slave_ro = open(name, O_RDONLY | O_NOCTTY | O_CLOEXEC);
  ASSERT_GE(slave_ro, 0);
  slave_wo = open(name, O_WRONLY | O_NOCTTY | O_CLOEXEC);
  ASSERT_GE(slave_wo, 0);

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_tty_init(&loop, &ro, slave_ro, 0));
  ASSERT_OK(uv_tty_init(&loop, &wo, slave_wo, 1));
  ASSERT_EQ(uv_is_readable((uv_stream_t*) &ro), 1);
  ASSERT_EQ(uv_is_writable((uv_stream_t*) &ro), 0);
  ASSERT_EQ(uv_is_readable((uv_stream_t*) &wo), 0);
  ASSERT_EQ(uv_is_writable((uv_stream_t*) &wo), 1);

  b = uv_buf_init("x", 1);
  ASSERT_EQ(uv_write(&req, (uv_stream_t*) &ro, &b, 1, NULL), UV_EPIPE);
  ASSERT_EQ(uv_try_write((uv_stream_t*) &ro, &b, 1), UV_EPIPE);
  ASSERT_EQ(uv_read_start((uv_stream_t*) &wo, st_alloc_cb, never_read_cb),
            UV_ENOTCONN);

  uv_close((uv_handle_t*) &ro, NULL);
  uv_close((uv_handle_t*) &wo, NULL);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_OK(close(slave_ro));
  ASSERT_OK(close(slave_wo));
  ASSERT_OK(close(slave));
  ASSERT_OK(close(master));
  close_loop_and_check(&loop);
  return 0;
}


TEST(tty_init_errors) {
  char path[] = "/tmp/uvcore-tty-test-XXXXXX";
  uv_tty_t tty;
  uv_tty_t wo;
  uv_loop_t loop;
  uv_file fds[2];
  int fd;
  int closed;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_EQ(uv_tty_init(&loop, &tty, -1, 0), UV_EINVAL);

  /* Files and character devices other than terminals cannot be polled. */
  fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_OK(unlink(path));
  ASSERT_EQ(uv_tty_init(&loop, &tty, fd, 0), UV_EINVAL);
  ASSERT_EQ(st_fd_is_nonblocking(fd), 0);  /* left as it was */
  ASSERT_OK(close(fd));
  fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(uv_tty_init(&loop, &tty, fd, 0), UV_EINVAL);
  closed = fd;
  ASSERT_OK(close(fd));
  ASSERT_EQ(uv_tty_init(&loop, &tty, closed, 0), UV_EINVAL);
  /* None of the refused handles exists on the loop. */
  ASSERT_EQ(count_handles(&loop), 0);

  /* A pipe is accepted (libuv treats it as a stream) and made
   * non-blocking. */
  ASSERT_OK(uv_pipe(fds, 0, 0));
  ASSERT_OK(uv_tty_init(&loop, &tty, fds[0], 0));
  ASSERT_EQ(uv_is_readable((uv_stream_t*) &tty), 1);
  ASSERT_EQ(uv_is_writable((uv_stream_t*) &tty), 0);
  ASSERT(st_fd_is_nonblocking(fds[0]));
  ASSERT_OK(uv_tty_init(&loop, &wo, fds[1], 0));
  ASSERT_EQ(uv_read_start((uv_stream_t*) &wo, st_alloc_cb, never_read_cb),
            UV_ENOTCONN);
  uv_close((uv_handle_t*) &tty, NULL);
  uv_close((uv_handle_t*) &wo, NULL);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(st_fd_is_open(fds[0]), 0);
  ASSERT_EQ(st_fd_is_open(fds[1]), 0);
  close_loop_and_check(&loop);
  return 0;
}

/* The master side is a terminal too, but reopening it would make a new
 * pty: the handle uses the descriptor as it is, with blocking writes. */
static int master_write_done;

static void master_write_cb(uv_write_t* req, int status) {
  (void) req;
  ASSERT_OK(status);
  master_write_done++;
}

TEST(tty_init_master_side) {
  uv_write_t req;
  uv_tty_t tty;
  uv_loop_t loop;
  uv_buf_t b;
  char buf[16];
  int master;
  int slave;

  OPEN_PTY_OR_SKIP(&master, &slave, O_RDWR);
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_tty_init(&loop, &tty, master, 0));
  ASSERT_EQ(tty_fd(&tty), master);
  ASSERT_EQ(st_fd_is_nonblocking(master), 0);
  ASSERT(uv_is_writable((uv_stream_t*) &tty));

  b = uv_buf_init("ping\n", 5);
  ASSERT_OK(uv_write(&req, (uv_stream_t*) &tty, &b, 1, master_write_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(master_write_done, 1);
  ASSERT_UINT64_EQ(tty.write_queue_size, 0);
  read_exact(slave, buf, 5);
  ASSERT_MEM_EQ(buf, "ping\n", 5);

  uv_close((uv_handle_t*) &tty, NULL);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(st_fd_is_open(master), 0);
  ASSERT_OK(close(slave));
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* The terminal side writes 64 KiB and hangs up: the master reads all of it.
 * A pty hands its data out in pieces shorter than asked for while more is
 * queued, so a short read followed by the hang-up is no sign that it was
 * all read (the shortcut that ends a socket there lost the tail here). */

static size_t pieces_total;

static void pieces_writer(void* arg) {
  char chunk[8192];
  ssize_t r;
  size_t n;
  int fd;
  int i;

  fd = *(int*) arg;
  memset(chunk, 'x', sizeof(chunk));
  for (i = 0; i < 8; i++) {
    for (n = 0; n < sizeof(chunk); n += (size_t) r) {
      do
        r = write(fd, chunk + n, sizeof(chunk) - n);
      while (r == -1 && errno == EINTR);
      ASSERT_GT(r, 0);
    }
  }
  ASSERT_OK(close(fd));
}

static void pieces_alloc_cb(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  static char slab[65536];
  (void) h;
  (void) suggested;
  *buf = uv_buf_init(slab, sizeof(slab));
}

static void pieces_read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* b) {
  (void) b;
  if (nread > 0)
    pieces_total += (size_t) nread;
  else if (nread < 0)
    uv_close((uv_handle_t*) s, NULL);
}

TEST(tty_master_reads_all_before_hangup) {
  uv_thread_t writer;
  uv_loop_t loop;
  uv_tty_t tty;
  int master;
  int slave;
  int round;

  for (round = 0; round < 5; round++) {
    OPEN_PTY_OR_SKIP(&master, &slave, O_RDWR);
    pieces_total = 0;
    ASSERT_OK(uv_loop_init(&loop));
    ASSERT_OK(uv_tty_init(&loop, &tty, master, 0));
    ASSERT_OK(uv_read_start((uv_stream_t*) &tty, pieces_alloc_cb,
                            pieces_read_cb));
    ASSERT_OK(uv_thread_create(&writer, pieces_writer, &slave));
    ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
    ASSERT_OK(uv_thread_join(&writer));
    ASSERT_UINT64_EQ(pieces_total, 65536);
    close_loop_and_check(&loop);
  }
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Modes */

static void get_attr(int fd, struct termios* t) {
  ASSERT_OK(tcgetattr(fd, t));
}

static void check_same_attr(const struct termios* a, const struct termios* b) {
  ASSERT_UINT64_EQ(a->c_iflag, b->c_iflag);
  ASSERT_UINT64_EQ(a->c_oflag, b->c_oflag);
  ASSERT_UINT64_EQ(a->c_cflag, b->c_cflag);
  ASSERT_UINT64_EQ(a->c_lflag, b->c_lflag);
  ASSERT_EQ(a->c_cc[VMIN], b->c_cc[VMIN]);
  ASSERT_EQ(a->c_cc[VTIME], b->c_cc[VTIME]);
}

static void check_raw(const struct termios* t, const struct termios* orig) {
  ASSERT_OK(t->c_iflag & (BRKINT | ICRNL | INPCK | ISTRIP | IXON));
  ASSERT_OK(t->c_lflag & (ECHO | ICANON | IEXTEN | ISIG));
  ASSERT_EQ(t->c_cflag & CSIZE, CS8);
  /* Output processing is kept: "\n" still becomes "\r\n". */
  ASSERT_EQ(t->c_oflag & ONLCR, ONLCR);
  ASSERT_EQ(t->c_oflag & OPOST, orig->c_oflag & OPOST);
  ASSERT_EQ(t->c_cc[VMIN], 1);
  ASSERT_EQ(t->c_cc[VTIME], 0);
}

static void check_io(const struct termios* t) {
  /* What cfmakeraw() produces: nothing translated in either direction. */
  ASSERT_OK(t->c_iflag & (IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR |
                          ICRNL | IXON));
  ASSERT_OK(t->c_oflag & OPOST);
  ASSERT_OK(t->c_lflag & (ECHO | ECHONL | ICANON | ISIG | IEXTEN));
  ASSERT_OK(t->c_cflag & PARENB);
  ASSERT_EQ(t->c_cflag & CSIZE, CS8);
  ASSERT_EQ(t->c_cc[VMIN], 1);
  ASSERT_EQ(t->c_cc[VTIME], 0);
}

TEST(tty_set_mode) {
  struct termios orig;
  struct termios t;
  uv_tty_t tty;
  uv_loop_t loop;
  int master;
  int slave;

  OPEN_PTY_OR_SKIP(&master, &slave, O_RDWR);
  get_attr(slave, &orig);
  /* A fresh pty is cooked: canonical, echoing, with output processing. */
  ASSERT(orig.c_lflag & ICANON);
  ASSERT(orig.c_oflag & OPOST);

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_tty_init(&loop, &tty, slave, 1));

  ASSERT_OK(uv_tty_set_mode(&tty, UV_TTY_MODE_NORMAL));  /* no change */
  get_attr(slave, &t);
  check_same_attr(&t, &orig);

  ASSERT_OK(uv_tty_set_mode(&tty, UV_TTY_MODE_RAW));
  get_attr(slave, &t);
  check_raw(&t, &orig);
  ASSERT_OK(uv_tty_set_mode(&tty, UV_TTY_MODE_RAW));  /* again: no-op */
  get_attr(slave, &t);
  check_raw(&t, &orig);

  /* From one non-normal mode to another starts from the original. */
  ASSERT_OK(uv_tty_set_mode(&tty, UV_TTY_MODE_IO));
  get_attr(slave, &t);
  check_io(&t);

  ASSERT_OK(uv_tty_set_mode(&tty, UV_TTY_MODE_NORMAL));
  get_attr(slave, &t);
  check_same_attr(&t, &orig);

#if UV_VERSION_HEX >= 0x013300
  /* UV_TTY_MODE_RAW_VT is UV_TTY_MODE_RAW on Unix. */
  ASSERT_OK(uv_tty_set_mode(&tty, UV_TTY_MODE_RAW_VT));
  get_attr(slave, &t);
  check_raw(&t, &orig);
  ASSERT_OK(uv_tty_set_mode(&tty, UV_TTY_MODE_NORMAL));
  get_attr(slave, &t);
  check_same_attr(&t, &orig);
#endif

#if STREAMTEST_UVCORE
  /* libuv 1.44 aborts on these. */
  ASSERT_EQ(uv_tty_set_mode(&tty, (uv_tty_mode_t) 42), UV_EINVAL);
  ASSERT_EQ(uv_tty_set_mode(&tty, (uv_tty_mode_t) -1), UV_EINVAL);
  ASSERT_EQ(uv_tty_set_mode(NULL, UV_TTY_MODE_RAW), UV_EINVAL);
  get_attr(slave, &t);
  check_same_attr(&t, &orig);
#endif

  uv_close((uv_handle_t*) &tty, NULL);
  ASSERT_OK(close(slave));
  ASSERT_OK(close(master));
  close_loop_and_check(&loop);
  return 0;
}

/* uv_tty_reset_mode puts back the terminal settings from before the first
 * mode change of the process. */
TEST(tty_reset_mode) {
  struct termios orig;
  struct termios t;
  uv_tty_t tty;
  uv_loop_t loop;
  int master;
  int slave;

  /* Nothing was changed yet: nothing to do. */
  ASSERT_OK(uv_tty_reset_mode());

  OPEN_PTY_OR_SKIP(&master, &slave, O_RDWR);
  get_attr(slave, &orig);
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_tty_init(&loop, &tty, slave, 1));
  ASSERT_OK(uv_tty_set_mode(&tty, UV_TTY_MODE_RAW));
  get_attr(slave, &t);
  check_raw(&t, &orig);

  errno = 12345;
  ASSERT_OK(uv_tty_reset_mode());
  ASSERT_EQ(errno, 12345);  /* safe to call from a signal handler */
  get_attr(slave, &t);
  check_same_attr(&t, &orig);
  ASSERT_OK(uv_tty_reset_mode());  /* idempotent */

  /* Still usable afterwards. */
  ASSERT_OK(uv_tty_set_mode(&tty, UV_TTY_MODE_IO));
  get_attr(slave, &t);
  check_io(&t);
  ASSERT_OK(uv_tty_set_mode(&tty, UV_TTY_MODE_NORMAL));
  get_attr(slave, &t);
  check_same_attr(&t, &orig);

  uv_close((uv_handle_t*) &tty, NULL);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_OK(close(slave));
  ASSERT_OK(close(master));
  close_loop_and_check(&loop);
  return 0;
}

/* uv_tty_reset_mode is meant for signal handlers. */
static volatile sig_atomic_t handler_result = 1;

static void reset_handler(int signum) {
  (void) signum;
  handler_result = uv_tty_reset_mode();
}

TEST(tty_reset_mode_in_signal_handler) {
  struct sigaction sa;
  struct sigaction old;
  struct termios orig;
  struct termios t;
  uv_tty_t tty;
  uv_loop_t loop;
  int master;
  int slave;

  OPEN_PTY_OR_SKIP(&master, &slave, O_RDWR);
  get_attr(slave, &orig);
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_tty_init(&loop, &tty, slave, 1));
  ASSERT_OK(uv_tty_set_mode(&tty, UV_TTY_MODE_RAW));

  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = reset_handler;
  sigemptyset(&sa.sa_mask);
  ASSERT_OK(sigaction(SIGUSR1, &sa, &old));
  ASSERT_OK(raise(SIGUSR1));  /* delivered before raise returns */
  ASSERT_OK(sigaction(SIGUSR1, &old, NULL));
  ASSERT_EQ(handler_result, 0);
  get_attr(slave, &t);
  check_same_attr(&t, &orig);

  uv_close((uv_handle_t*) &tty, NULL);
  ASSERT_OK(close(slave));
  ASSERT_OK(close(master));
  close_loop_and_check(&loop);
  return 0;
}

/* Closing the handle that changed the mode puts the terminal back. */
TEST(tty_close_restores_mode) {
#if !STREAMTEST_UVCORE
  RETURN_SKIP("libuv 1.44 leaves the mode set on close (later versions "
              "restore it, as uvcore does)");
#else
  struct termios orig;
  struct termios t;
  uv_tty_t tty;
  uv_loop_t loop;
  int master;
  int slave;
  int other;

  OPEN_PTY_OR_SKIP(&master, &slave, O_RDWR);
  other = dup(slave);
  ASSERT_GE(other, 0);
  get_attr(slave, &orig);
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_tty_init(&loop, &tty, slave, 1));
  ASSERT_OK(uv_tty_set_mode(&tty, UV_TTY_MODE_IO));
  get_attr(other, &t);
  check_io(&t);
  uv_close((uv_handle_t*) &tty, NULL);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  get_attr(other, &t);
  check_same_attr(&t, &orig);
  /* Nothing left for uv_tty_reset_mode to restore (and the descriptor it
   * knew is closed). */
  ASSERT_OK(uv_tty_reset_mode());
  ASSERT_OK(close(other));
  ASSERT_OK(close(slave));
  ASSERT_OK(close(master));
  close_loop_and_check(&loop);
  return 0;
#endif
}

TEST(tty_get_winsize) {
  struct winsize ws;
  uv_tty_t tty;
  uv_loop_t loop;
  int width;
  int height;
  int master;
  int slave;

  OPEN_PTY_OR_SKIP(&master, &slave, O_RDWR);
  memset(&ws, 0, sizeof(ws));
  ws.ws_col = 123;
  ws.ws_row = 45;
  ASSERT_OK(ioctl(master, TIOCSWINSZ, &ws));

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_tty_init(&loop, &tty, slave, 1));
  width = height = -1;
  ASSERT_OK(uv_tty_get_winsize(&tty, &width, &height));
  ASSERT_EQ(width, 123);
  ASSERT_EQ(height, 45);

  ws.ws_col = 80;
  ws.ws_row = 24;
  ASSERT_OK(ioctl(master, TIOCSWINSZ, &ws));
  ASSERT_OK(uv_tty_get_winsize(&tty, &width, &height));
  ASSERT_EQ(width, 80);
  ASSERT_EQ(height, 24);

#if STREAMTEST_UVCORE
  ASSERT_EQ(uv_tty_get_winsize(&tty, NULL, &height), UV_EINVAL);
  ASSERT_EQ(uv_tty_get_winsize(&tty, &width, NULL), UV_EINVAL);
  ASSERT_EQ(uv_tty_get_winsize(NULL, &width, &height), UV_EINVAL);
#endif

  uv_close((uv_handle_t*) &tty, NULL);
  ASSERT_OK(close(slave));
  ASSERT_OK(close(master));
  close_loop_and_check(&loop);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Data through the terminal */

static uv_tty_t io_tty;
static char io_got[64];
static size_t io_len;
static int io_write_done;

static void io_write_cb(uv_write_t* req, int status) {
  (void) req;
  ASSERT_OK(status);
  io_write_done++;
}

static void io_read_cb(uv_stream_t* stream, ssize_t nread,
                       const uv_buf_t* buf) {
  ASSERT_GE(nread, 0);
  ASSERT_LE(io_len + (size_t) nread, sizeof(io_got));
  memcpy(io_got + io_len, buf->base, (size_t) nread);
  io_len += (size_t) nread;
  /* A cooked terminal hands over a whole line at once. */
  if (io_len == 4)
    ASSERT_OK(uv_read_stop(stream));
}

TEST(tty_write_and_read) {
  uv_write_t req;
  uv_loop_t loop;
  uv_buf_t b;
  char buf[16];
  int master;
  int slave;

  OPEN_PTY_OR_SKIP(&master, &slave, O_RDWR);
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_tty_init(&loop, &io_tty, slave, 1));

  /* Output: the line discipline turns "\n" into "\r\n". */
  b = uv_buf_init("hello\n", 6);
  ASSERT_OK(uv_write(&req, (uv_stream_t*) &io_tty, &b, 1, io_write_cb));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(io_write_done, 1);
  read_exact(master, buf, 7);
  ASSERT_MEM_EQ(buf, "hello\r\n", 7);

  /* try_write writes directly when nothing is queued. */
  b = uv_buf_init("ok", 2);
  ASSERT_EQ(uv_try_write((uv_stream_t*) &io_tty, &b, 1), 2);
  read_exact(master, buf, 2);
  ASSERT_MEM_EQ(buf, "ok", 2);

  /* Input: typed into the master, read through the handle.  The terminal
   * echoes it back to the master, too. */
  ASSERT_OK(uv_read_start((uv_stream_t*) &io_tty, st_alloc_cb, io_read_cb));
  ASSERT_EQ(write(master, "abc\n", 4), 4);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_UINT64_EQ(io_len, 4);
  ASSERT_MEM_EQ(io_got, "abc\n", 4);
  read_exact(master, buf, 5);
  ASSERT_MEM_EQ(buf, "abc\r\n", 5);

  /* In raw mode input comes byte by byte, without echo or line editing. */
  ASSERT_OK(uv_tty_set_mode(&io_tty, UV_TTY_MODE_RAW));
  io_len = 0;
  ASSERT_OK(uv_read_start((uv_stream_t*) &io_tty, st_alloc_cb, io_read_cb));
  ASSERT_EQ(write(master, "x\177y\r", 4), 4);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_MEM_EQ(io_got, "x\177y\r", 4);
  ASSERT_OK(uv_tty_set_mode(&io_tty, UV_TTY_MODE_NORMAL));

  uv_close((uv_handle_t*) &io_tty, NULL);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_OK(close(slave));
  ASSERT_OK(close(master));
  close_loop_and_check(&loop);
  return 0;
}

TEST(tty_vterm_state) {
  uv_tty_vtermstate_t state;

  /* Windows-only: ignored / not supported on Unix. */
  uv_tty_set_vterm_state(UV_TTY_SUPPORTED);
  uv_tty_set_vterm_state(UV_TTY_UNSUPPORTED);
  state = (uv_tty_vtermstate_t) 77;
  ASSERT_EQ(uv_tty_get_vterm_state(&state), UV_ENOTSUP);
  ASSERT_EQ(state, 77);
  return 0;
}

/* ------------------------------------------------------------------------ */

TEST(tty_guess_handle) {
  char path[] = "/tmp/uvcore-guess-test-XXXXXX";
  uv_os_sock_t sv[2];
  uv_file fds[2];
  int master;
  int slave;
  int fd;

  ASSERT_EQ(uv_guess_handle(-1), UV_UNKNOWN_HANDLE);
  ASSERT_EQ(uv_guess_handle(-12345), UV_UNKNOWN_HANDLE);

  OPEN_PTY_OR_SKIP(&master, &slave, O_RDWR);
  ASSERT_EQ(uv_guess_handle(slave), UV_TTY);
  ASSERT_EQ(uv_guess_handle(master), UV_TTY);
  ASSERT_OK(close(slave));
  ASSERT_OK(close(master));

  /* A descriptor that is not open. */
  ASSERT_EQ(uv_guess_handle(slave), UV_UNKNOWN_HANDLE);

  ASSERT_OK(uv_pipe(fds, 0, 0));
  ASSERT_EQ(uv_guess_handle(fds[0]), UV_NAMED_PIPE);
  ASSERT_EQ(uv_guess_handle(fds[1]), UV_NAMED_PIPE);
  ASSERT_OK(close(fds[0]));
  ASSERT_OK(close(fds[1]));

  /* Sockets, bound or not. */
  fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(uv_guess_handle(fd), UV_TCP);
  ASSERT_OK(close(fd));
  fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd >= 0) {
    ASSERT_EQ(uv_guess_handle(fd), UV_TCP);
    ASSERT_OK(close(fd));
  }
  fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(uv_guess_handle(fd), UV_UDP);
  ASSERT_OK(close(fd));
  fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd >= 0) {
    ASSERT_EQ(uv_guess_handle(fd), UV_UDP);
    ASSERT_OK(close(fd));
  }
  ASSERT_OK(uv_socketpair(SOCK_STREAM, 0, sv, 0, 0));
  ASSERT_EQ(uv_guess_handle(sv[0]), UV_NAMED_PIPE);
  ASSERT_OK(close(sv[0]));
  ASSERT_OK(close(sv[1]));
  /* Unix datagram sockets and raw-ish kinds have no handle type. */
  ASSERT_OK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
  ASSERT_EQ(uv_guess_handle(sv[0]), UV_UNKNOWN_HANDLE);
  ASSERT_OK(close(sv[0]));
  ASSERT_OK(close(sv[1]));
  ASSERT_OK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv));
  ASSERT_EQ(uv_guess_handle(sv[0]), UV_UNKNOWN_HANDLE);
  ASSERT_OK(close(sv[0]));
  ASSERT_OK(close(sv[1]));

  /* Files, character devices that are not terminals, directories. */
  fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(uv_guess_handle(fd), UV_FILE);
  ASSERT_OK(close(fd));
  ASSERT_OK(unlink(path));
  fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(uv_guess_handle(fd), UV_FILE);
  ASSERT_OK(close(fd));
  fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(uv_guess_handle(fd), UV_UNKNOWN_HANDLE);
  ASSERT_OK(close(fd));
  return 0;
}
