/* Tests of how uvcore reaps children beyond what libuv does: a process
 * handle closed while its child still runs leaves no zombie once the
 * child exits (libuv leaves one), in both exit-watching modes; a user's
 * SIGCHLD handle and the library's own SIGCHLD watcher coexist; and
 * uv_disable_stdio_inheritance() marks inherited descriptors
 * close-on-exec. */

#include "test-spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

/* ------------------------------------------------------------------------ */
/* A closed handle's child is still reaped when it exits. */

static int reap_pid;
static int reap_polls;

/* Polls (bounded) until the pid is gone for good: a zombie still answers
 * kill(pid, 0). */
static void reap_poll_cb(uv_timer_t* t) {
  if (uv_kill(reap_pid, 0) == UV_ESRCH) {
    uv_close((uv_handle_t*) t, NULL);
    return;
  }
  ASSERT_LT(++reap_polls, 500);  /* 5 s */
}

static void spawn_sleeper(uv_loop_t* loop, uv_process_t* proc,
                          uv_exit_cb cb) {
  uv_process_options_t o;
  char* args[8];

  memset(&o, 0, sizeof(o));
  o.file = test_exepath();
  o.args = spawn_helper_args(args, "spawn_sleep", "10000", NULL, NULL);
  o.exit_cb = cb;
  ASSERT_OK(uv_spawn(loop, proc, &o));
  ASSERT_GT(proc->pid, 0);
}

static void exit_cb_not_after_close(uv_process_t* p, int64_t status,
                                    int sig) {
  (void) p;
  (void) status;
  (void) sig;
  ASSERT(0 && "exit_cb of a closed process handle");
}

static int closed_handle_reaped(int no_pidfd) {
  uv_process_t proc;
  uv_timer_t poll;
  uv_loop_t loop;

  if (no_pidfd)
    ASSERT_OK(setenv(SPAWNTEST_NO_PIDFD_ENV, "1", 1));
  spawn_test_begin();
  ASSERT_OK(uv_loop_init(&loop));
  spawn_sleeper(&loop, &proc, exit_cb_not_after_close);
  reap_pid = proc.pid;
  reap_polls = 0;

  /* Close first, then let the child die. */
  uv_close((uv_handle_t*) &proc, NULL);
  ASSERT_OK(uv_run(&loop, UV_RUN_NOWAIT));
  ASSERT_OK(uv_kill(reap_pid, SIGKILL));

  ASSERT_OK(uv_timer_init(&loop, &poll));
  ASSERT_OK(uv_timer_start(&poll, reap_poll_cb, 10, 10));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(uv_kill(reap_pid, 0), UV_ESRCH);
  spawn_assert_no_children();
  close_loop_and_check(&loop);
  spawn_test_end();
  return 0;
}

TEST(spawn_closed_handle_child_reaped) {
  return closed_handle_reaped(0);
}

TEST(spawn_closed_handle_child_reaped_no_pidfd) {
  return closed_handle_reaped(1);
}

/* A handle closed after its child exited but before the loop noticed:
 * the close reaps it on the spot. */
TEST(spawn_close_after_exit_before_notice) {
  uv_process_t proc;
  uv_loop_t loop;
  siginfo_t si;

  spawn_test_begin();
  ASSERT_OK(uv_loop_init(&loop));
  spawn_sleeper(&loop, &proc, exit_cb_not_after_close);
  ASSERT_OK(uv_process_kill(&proc, SIGKILL));
  /* Wait until it is a zombie without reaping it. */
  memset(&si, 0, sizeof(si));
  ASSERT_OK(waitid(P_PID, (id_t) proc.pid, &si, WEXITED | WNOWAIT));
  uv_close((uv_handle_t*) &proc, NULL);
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  spawn_assert_no_children();
  close_loop_and_check(&loop);
  spawn_test_end();
  return 0;
}

/* ------------------------------------------------------------------------ */
/* A user's SIGCHLD handle sees the child exit, and exit_cb still runs. */

static int user_sigchld_calls;
static int user_exit_calls;
static uv_signal_t user_sigchld;

static void user_sigchld_cb(uv_signal_t* h, int signum) {
  ASSERT_PTR_EQ(h, &user_sigchld);
  ASSERT_EQ(signum, SIGCHLD);
  user_sigchld_calls++;
}

static void user_exit_cb(uv_process_t* p, int64_t status, int sig) {
  ASSERT_EQ(status, 3);
  ASSERT_EQ(sig, 0);
  user_exit_calls++;
  uv_close((uv_handle_t*) p, NULL);
  /* The child is gone; the SIGCHLD that announced it may still be on its
   * way to the user's handle, so stop only once it was seen. */
  if (user_sigchld_calls > 0)
    uv_close((uv_handle_t*) &user_sigchld, NULL);
}

static void user_sigchld_close_cb(uv_signal_t* h, int signum) {
  user_sigchld_cb(h, signum);
  if (user_exit_calls > 0)
    uv_close((uv_handle_t*) h, NULL);
}

static int user_sigchld_coexists(int no_pidfd) {
  uv_process_options_t o;
  uv_process_t proc;
  uv_loop_t loop;
  char* args[8];

  if (no_pidfd)
    ASSERT_OK(setenv(SPAWNTEST_NO_PIDFD_ENV, "1", 1));
  spawn_test_begin();
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_signal_init(&loop, &user_sigchld));
  ASSERT_OK(uv_signal_start(&user_sigchld, user_sigchld_close_cb, SIGCHLD));

  memset(&o, 0, sizeof(o));
  o.file = test_exepath();
  o.args = spawn_helper_args(args, "spawn_exit", "3", NULL, NULL);
  o.exit_cb = user_exit_cb;
  ASSERT_OK(uv_spawn(&loop, &proc, &o));
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(user_exit_calls, 1);
  ASSERT_GE(user_sigchld_calls, 1);
  spawn_assert_no_children();
  close_loop_and_check(&loop);
  spawn_test_end();
  return 0;
}

TEST(spawn_user_sigchld_coexists) {
  return user_sigchld_coexists(0);
}

TEST(spawn_user_sigchld_coexists_no_pidfd) {
  return user_sigchld_coexists(1);
}

/* ------------------------------------------------------------------------ */
/* The SIGCHLD watcher the fallback installs is internal: not walked, not
 * keeping the loop alive, and gone with the loop (the disposition comes
 * back). */

static void count_walk_cb(uv_handle_t* h, void* arg) {
  (void) h;
  (*(int*) arg)++;
}

static void close_exit_cb(uv_process_t* p, int64_t status, int sig) {
  (void) status;
  (void) sig;
  uv_close((uv_handle_t*) p, NULL);
}

TEST(spawn_no_pidfd_watcher_is_internal) {
  struct sigaction before;
  struct sigaction after;
  uv_process_options_t o;
  uv_process_t proc;
  uv_loop_t loop;
  char* args[8];
  int n;

  ASSERT_OK(setenv(SPAWNTEST_NO_PIDFD_ENV, "1", 1));
  spawn_test_begin();
  ASSERT_OK(sigaction(SIGCHLD, NULL, &before));
  ASSERT_OK(uv_loop_init(&loop));
  memset(&o, 0, sizeof(o));
  o.file = test_exepath();
  o.args = spawn_helper_args(args, "spawn_exit", "0", NULL, NULL);
  o.exit_cb = close_exit_cb;
  ASSERT_OK(uv_spawn(&loop, &proc, &o));
  n = 0;
  uv_walk(&loop, count_walk_cb, &n);
  ASSERT_EQ(n, 1);  /* the process handle only */
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(uv_loop_alive(&loop), 0);
  close_loop_and_check(&loop);
  ASSERT_OK(sigaction(SIGCHLD, NULL, &after));
  ASSERT_PTR_EQ((void*) after.sa_handler, (void*) before.sa_handler);
  spawn_assert_no_children();
  spawn_test_end();
  return 0;
}

/* ------------------------------------------------------------------------ */
/* uv_disable_stdio_inheritance() */

TEST(disable_stdio_inheritance) {
  int fd;
  int i;

  fd = open("/dev/null", O_RDONLY);  /* deliberately inheritable */
  ASSERT_GE(fd, 0);
  ASSERT_EQ(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
  uv_disable_stdio_inheritance();
  ASSERT_NE(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
  for (i = 0; i < 3; i++)
    ASSERT_NE(fcntl(i, F_GETFD) & FD_CLOEXEC, 0);
  ASSERT_OK(close(fd));
  return 0;
}
