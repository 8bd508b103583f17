/* Tests of signal handles: several handles and loops on one signal, one-shot
 * handles, moving a handle between signals, the disposition left behind,
 * delivery counts, callbacks that stop or close handles, liveness, SIGCHLD
 * shared by two handles, waking a loop blocked in poll, and fork.
 *
 * Every signal here is sent to ourselves (raise, kill(getpid()),
 * pthread_kill).  SIGUSR1/SIGUSR2 terminate the process by default, so a
 * test that raises one with no handle started first sets SIG_IGN. */

#include "task.h"

#ifndef _WIN32
# include <errno.h>
# include <pthread.h>
# include <signal.h>
# include <sys/wait.h>
# include <unistd.h>

static int calls;
static int calls2;
static int last_signum;

/* Callbacks run on the loop thread, outside any signal handler: our
 * handler runs with every signal blocked, so a callback called from it
 * would see the signal it is handling in the thread's mask. */
static void assert_not_in_handler(int signum) {
  sigset_t cur;

  ASSERT_OK(pthread_sigmask(SIG_BLOCK, NULL, &cur));
  ASSERT_EQ(sigismember(&cur, signum), 0);
}

static void count_cb(uv_signal_t* handle, int signum) {
  (void) handle;
  assert_not_in_handler(signum);
  last_signum = signum;
  calls++;
}

static void count2_cb(uv_signal_t* handle, int signum) {
  (void) handle;
  last_signum = signum;
  calls2++;
}

static void stop_cb(uv_signal_t* handle, int signum) {
  ASSERT_EQ(signum, handle->signum);
  calls++;
  ASSERT_OK(uv_signal_stop(handle));
  ASSERT_EQ(handle->signum, 0);
  ASSERT_EQ(uv_is_active((uv_handle_t*) handle), 0);
}

static void set_disposition(int signum, void (*fn)(int)) {
  struct sigaction sa;

  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = fn;
  sigemptyset(&sa.sa_mask);
  ASSERT_OK(sigaction(signum, &sa, NULL));
}

static void (*get_disposition(int signum))(int) {
  struct sigaction sa;

  ASSERT_OK(sigaction(signum, NULL, &sa));
  return sa.sa_handler;
}
#endif

TEST(signal_errors) {
#ifdef _WIN32
  RETURN_SKIP("POSIX signals");
#else
  uv_loop_t loop;
  uv_signal_t sig;
  uv_timer_t timer;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_EQ(uv_signal_init(NULL, &sig), UV_EINVAL);
  ASSERT_EQ(uv_signal_init(&loop, NULL), UV_EINVAL);
  ASSERT_OK(uv_signal_init(&loop, &sig));
  ASSERT_EQ(sig.signum, 0);
  ASSERT_EQ(uv_is_active((uv_handle_t*) &sig), 0);
  ASSERT_EQ(uv_handle_get_type((uv_handle_t*) &sig), UV_SIGNAL);

  ASSERT_EQ(uv_signal_start(NULL, count_cb, SIGUSR1), UV_EINVAL);
  ASSERT_EQ(uv_signal_start(&sig, NULL, SIGUSR1), UV_EINVAL);
  ASSERT_EQ(uv_signal_start_oneshot(&sig, NULL, SIGUSR1), UV_EINVAL);
  ASSERT_EQ(uv_signal_start(&sig, count_cb, 0), UV_EINVAL);
  ASSERT_EQ(uv_signal_start(&sig, count_cb, -1), UV_EINVAL);
  ASSERT_EQ(uv_signal_start(&sig, count_cb, NSIG), UV_EINVAL);
  ASSERT_EQ(uv_signal_start(&sig, count_cb, NSIG + 1000), UV_EINVAL);
  ASSERT_EQ(uv_signal_start(&sig, count_cb, SIGKILL), UV_EINVAL);
  ASSERT_EQ(uv_signal_start(&sig, count_cb, SIGSTOP), UV_EINVAL);
  ASSERT_EQ(uv_signal_start_oneshot(&sig, count_cb, SIGKILL), UV_EINVAL);
  ASSERT_EQ(uv_is_active((uv_handle_t*) &sig), 0);
  ASSERT_EQ(sig.signum, 0);
  ASSERT_EQ(uv_loop_alive(&loop), 0);

  /* Stopping what is not started is fine; the wrong type is not. */
  ASSERT_OK(uv_signal_stop(&sig));
  ASSERT_EQ(uv_signal_stop(NULL), UV_EINVAL);
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_EQ(uv_signal_start((uv_signal_t*) &timer, count_cb, SIGUSR1),
            UV_EINVAL);
  ASSERT_EQ(uv_signal_stop((uv_signal_t*) &timer), UV_EINVAL);

  /* A refused move leaves the handle where it was, still working. */
  ASSERT_OK(uv_signal_start(&sig, count_cb, SIGUSR1));
  ASSERT_EQ(uv_signal_start(&sig, count_cb, SIGKILL), UV_EINVAL);
  ASSERT_EQ(sig.signum, SIGUSR1);
  ASSERT_EQ(uv_is_active((uv_handle_t*) &sig), 1);
  calls = 0;
  ASSERT_OK(raise(SIGUSR1));
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(calls, 1);

  /* A closing handle cannot be started. */
  uv_close((uv_handle_t*) &sig, NULL);
  ASSERT_EQ(uv_is_active((uv_handle_t*) &sig), 0);
  ASSERT_EQ(uv_signal_start(&sig, count_cb, SIGUSR1), UV_EINVAL);
  ASSERT_OK(uv_signal_stop(&sig));
  close_loop_and_check(&loop);
  return 0;
#endif
}

/* The libuv guide's example: two handles in one loop and one in each of
 * two loops on two other threads; one SIGUSR1 gives four callbacks, each
 * on the thread of its loop. */
#ifndef _WIN32
struct guide_loop {
  uv_loop_t loop;
  uv_signal_t sig[2];
  int nsig;
  pthread_t thread;
  uv_sem_t ready;
};

static int guide_calls;

static void guide_cb(uv_signal_t* handle, int signum) {
  struct guide_loop* g;

  g = handle->data;
  ASSERT_EQ(signum, SIGUSR1);
  ASSERT(pthread_equal(pthread_self(), g->thread));
  assert_not_in_handler(signum);
  __atomic_fetch_add(&guide_calls, 1, __ATOMIC_SEQ_CST);
  ASSERT_OK(uv_signal_stop(handle));
}

static void guide_setup(struct guide_loop* g, int nsig) {
  int i;

  g->thread = pthread_self();
  g->nsig = nsig;
  ASSERT_OK(uv_loop_init(&g->loop));
  for (i = 0; i < nsig; i++) {
    ASSERT_OK(uv_signal_init(&g->loop, &g->sig[i]));
    g->sig[i].data = g;
    ASSERT_OK(uv_signal_start(&g->sig[i], guide_cb, SIGUSR1));
  }
}

static void guide_thread(void* arg) {
  struct guide_loop* g;

  g = arg;
  guide_setup(g, 1);
  uv_sem_post(&g->ready);
  ASSERT_EQ(uv_run(&g->loop, UV_RUN_DEFAULT), 0);
  close_loop_and_check(&g->loop);
}
#endif

TEST(signal_multiple_loops_threads) {
#ifdef _WIN32
  RETURN_SKIP("POSIX signals");
#else
  struct guide_loop main_loop;
  struct guide_loop other[2];
  uv_thread_t tid[2];
  int i;

  guide_calls = 0;
  guide_setup(&main_loop, 2);
  for (i = 0; i < 2; i++) {
    ASSERT_OK(uv_sem_init(&other[i].ready, 0));
    ASSERT_OK(uv_thread_create(&tid[i], guide_thread, &other[i]));
  }
  for (i = 0; i < 2; i++)
    uv_sem_wait(&other[i].ready);

  ASSERT_OK(kill(getpid(), SIGUSR1));
  ASSERT_EQ(uv_run(&main_loop.loop, UV_RUN_DEFAULT), 0);
  for (i = 0; i < 2; i++) {
    ASSERT_OK(uv_thread_join(&tid[i]));
    uv_sem_destroy(&other[i].ready);
  }
  ASSERT_EQ(guide_calls, 4);
  /* The last stop put the default disposition back. */
  ASSERT_PTR_EQ((void*) get_disposition(SIGUSR1), (void*) SIG_DFL);
  close_loop_and_check(&main_loop.loop);
  return 0;
#endif
}

#ifndef _WIN32
static void oneshot_cb(uv_signal_t* handle, int signum) {
  ASSERT_EQ(signum, SIGUSR1);
  /* Stopped before its callback runs. */
  ASSERT_EQ(uv_is_active((uv_handle_t*) handle), 0);
  ASSERT_EQ(handle->signum, 0);
  calls++;
}

static void rearm_cb(uv_signal_t* handle, int signum) {
  calls++;
  if (calls == 1)
    ASSERT_OK(uv_signal_start_oneshot(handle, rearm_cb, signum));
}
#endif

/* A one-shot handle gets one callback; the moment it has caught its
 * signal the old disposition (SIG_IGN here) is back, and the loop no
 * longer has anything keeping it alive.  A callback may re-arm it. */
TEST(signal_oneshot) {
#ifdef _WIN32
  RETURN_SKIP("POSIX signals");
#else
  uv_loop_t loop;
  uv_signal_t sig;

  set_disposition(SIGUSR1, SIG_IGN);
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_signal_init(&loop, &sig));
  ASSERT_OK(uv_signal_start_oneshot(&sig, oneshot_cb, SIGUSR1));
  ASSERT_PTR_NE((void*) get_disposition(SIGUSR1), (void*) SIG_IGN);
  ASSERT_EQ(uv_loop_alive(&loop), 1);

  calls = 0;
  ASSERT_OK(raise(SIGUSR1));
  ASSERT_PTR_EQ((void*) get_disposition(SIGUSR1), (void*) SIG_IGN);
  ASSERT_OK(raise(SIGUSR1));  /* ignored */
  ASSERT_EQ(uv_is_active((uv_handle_t*) &sig), 1);  /* until dispatched */
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(calls, 1);
  ASSERT_EQ(uv_is_active((uv_handle_t*) &sig), 0);

  /* Re-armed from its own callback: a second signal, a second call. */
  calls = 0;
  ASSERT_OK(uv_signal_start_oneshot(&sig, rearm_cb, SIGUSR1));
  ASSERT_OK(raise(SIGUSR1));
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(calls, 1);
  ASSERT_EQ(uv_is_active((uv_handle_t*) &sig), 1);
  ASSERT_OK(raise(SIGUSR1));
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(calls, 2);
  ASSERT_PTR_EQ((void*) get_disposition(SIGUSR1), (void*) SIG_IGN);

  /* A one-shot and a plain handle: our handler stays for the plain one. */
  calls = calls2 = 0;
  {
    uv_signal_t plain;

    ASSERT_OK(uv_signal_init(&loop, &plain));
    ASSERT_OK(uv_signal_start_oneshot(&sig, oneshot_cb, SIGUSR1));
    ASSERT_OK(uv_signal_start(&plain, count2_cb, SIGUSR1));
    ASSERT_OK(raise(SIGUSR1));
    ASSERT_OK(raise(SIGUSR1));
    ASSERT_PTR_NE((void*) get_disposition(SIGUSR1), (void*) SIG_IGN);
    ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
    ASSERT_EQ(calls, 1);
    ASSERT_EQ(calls2, 2);
    ASSERT_OK(uv_signal_stop(&plain));
    ASSERT_PTR_EQ((void*) get_disposition(SIGUSR1), (void*) SIG_IGN);
    uv_close((uv_handle_t*) &plain, NULL);
    ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  }
  close_loop_and_check(&loop);
  set_disposition(SIGUSR1, SIG_DFL);
  return 0;
#endif
}

/* Starting with another signal moves the handle: the old signal no longer
 * reaches it (and gets its old disposition back), the new one does.
 * Starting with the same signal only changes the callback. */
TEST(signal_restart_other_signum) {
#ifdef _WIN32
  RETURN_SKIP("POSIX signals");
#else
  uv_loop_t loop;
  uv_signal_t sig;

  set_disposition(SIGUSR1, SIG_IGN);
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_signal_init(&loop, &sig));
  ASSERT_OK(uv_signal_start(&sig, count_cb, SIGUSR1));
  ASSERT_EQ(sig.signum, SIGUSR1);
  ASSERT_OK(uv_signal_start(&sig, count_cb, SIGUSR2));
  ASSERT_EQ(sig.signum, SIGUSR2);
  ASSERT_PTR_EQ((void*) get_disposition(SIGUSR1), (void*) SIG_IGN);

  calls = calls2 = 0;
  last_signum = 0;
  ASSERT_OK(raise(SIGUSR1));
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(calls, 0);
  ASSERT_OK(raise(SIGUSR2));
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(calls, 1);
  ASSERT_EQ(last_signum, SIGUSR2);

  /* Same signal: a delivery caught before the restart goes to the new
   * callback, nothing is lost or doubled. */
  ASSERT_OK(raise(SIGUSR2));
  ASSERT_OK(uv_signal_start(&sig, count2_cb, SIGUSR2));
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(calls, 1);
  ASSERT_EQ(calls2, 1);

  ASSERT_OK(uv_signal_stop(&sig));
  ASSERT_PTR_EQ((void*) get_disposition(SIGUSR2), (void*) SIG_DFL);
  close_loop_and_check(&loop);
  set_disposition(SIGUSR1, SIG_DFL);
  return 0;
#endif
}

#ifndef _WIN32
static volatile sig_atomic_t user_handler_calls;

static void user_handler(int signum) {
  (void) signum;
  user_handler_calls++;
}
#endif

/* The handler a program had before is back, flags included, once the last
 * handle on the signal stops; until then ours stays. */
TEST(signal_disposition_restored) {
#ifdef _WIN32
  RETURN_SKIP("POSIX signals");
#else
  struct sigaction sa;
  struct sigaction cur;
  uv_loop_t loop;
  uv_signal_t a;
  uv_signal_t b;

  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = user_handler;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGUSR2);
  sa.sa_flags = SA_NODEFER;
  ASSERT_OK(sigaction(SIGUSR1, &sa, NULL));
  user_handler_calls = 0;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_signal_init(&loop, &a));
  ASSERT_OK(uv_signal_init(&loop, &b));
  ASSERT_OK(uv_signal_start(&a, count_cb, SIGUSR1));
  ASSERT_OK(uv_signal_start(&b, count_cb, SIGUSR1));

  /* Ours: SA_RESTART, every signal blocked while it runs. */
  ASSERT_OK(sigaction(SIGUSR1, NULL, &cur));
  ASSERT_PTR_NE((void*) cur.sa_handler, (void*) user_handler);
  ASSERT_NE(cur.sa_flags & SA_RESTART, 0);
  ASSERT_EQ(sigismember(&cur.sa_mask, SIGINT), 1);
  ASSERT_EQ(sigismember(&cur.sa_mask, SIGUSR2), 1);

  calls = 0;
  ASSERT_OK(raise(SIGUSR1));
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(calls, 2);
  ASSERT_EQ(user_handler_calls, 0);

  ASSERT_OK(uv_signal_stop(&a));
  ASSERT_OK(sigaction(SIGUSR1, NULL, &cur));
  ASSERT_PTR_NE((void*) cur.sa_handler, (void*) user_handler);
  uv_close((uv_handle_t*) &b, NULL);  /* closing is stopping too */
  ASSERT_OK(sigaction(SIGUSR1, NULL, &cur));
  ASSERT_PTR_EQ((void*) cur.sa_handler, (void*) user_handler);
  ASSERT_NE(cur.sa_flags & SA_NODEFER, 0);
  ASSERT_EQ(sigismember(&cur.sa_mask, SIGUSR2), 1);
  ASSERT_EQ(sigismember(&cur.sa_mask, SIGINT), 0);

  ASSERT_OK(raise(SIGUSR1));
  ASSERT_EQ(user_handler_calls, 1);
  ASSERT_OK(uv_run(&loop, UV_RUN_NOWAIT));
  ASSERT_EQ(calls, 2);
  close_loop_and_check(&loop);
  set_disposition(SIGUSR1, SIG_DFL);
  return 0;
#endif
}

/* Deliveries caught before the loop runs wait in the handle: a burst
 * gives at least one callback (one per handler run, at most one per
 * signal sent), and nothing more afterwards. */
TEST(signal_burst) {
#ifdef _WIN32
  RETURN_SKIP("POSIX signals");
#else
  uv_loop_t loop;
  uv_signal_t sig;
  sigset_t set;
  sigset_t old;
  int i;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_signal_init(&loop, &sig));
  ASSERT_OK(uv_signal_start(&sig, count_cb, SIGUSR1));

  calls = 0;
  for (i = 0; i < 10; i++)
    ASSERT_OK(raise(SIGUSR1));
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_GE(calls, 1);
  ASSERT_LE(calls, 10);
  i = calls;
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(calls, i);

  /* Sent while blocked, the kernel merges them into one delivery. */
  calls = 0;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  ASSERT_OK(pthread_sigmask(SIG_BLOCK, &set, &old));
  for (i = 0; i < 10; i++)
    ASSERT_OK(raise(SIGUSR1));
  ASSERT_OK(pthread_sigmask(SIG_SETMASK, &old, NULL));
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_GE(calls, 1);
  ASSERT_LE(calls, 10);

  close_loop_and_check(&loop);
  return 0;
#endif
}

/* Each delivery that arrives after the previous callback gives its own
 * callback; the handler leaves errno as it found it. */
TEST(signal_separate_deliveries) {
#ifdef _WIN32
  RETURN_SKIP("POSIX signals");
#else
  uv_loop_t loop;
  uv_signal_t sig;
  int i;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_signal_init(&loop, &sig));
  ASSERT_OK(uv_signal_start(&sig, count_cb, SIGUSR1));
  calls = 0;
  for (i = 1; i <= 5; i++) {
    errno = ERANGE;
    ASSERT_OK(raise(SIGUSR1));
    ASSERT_EQ(errno, ERANGE);
    ASSERT_NE(uv_run(&loop, UV_RUN_ONCE), 0);
    ASSERT_EQ(calls, i);
  }
  close_loop_and_check(&loop);
  return 0;
#endif
}

#ifndef _WIN32
static uv_signal_t* victim;
static int close_cb_calls;

static void on_close(uv_handle_t* handle) {
  (void) handle;
  close_cb_calls++;
}

static void close_self_cb(uv_signal_t* handle, int signum) {
  (void) signum;
  calls++;
  uv_close((uv_handle_t*) handle, on_close);
}

static void stop_other_cb(uv_signal_t* handle, int signum) {
  (void) handle;
  (void) signum;
  calls++;
  ASSERT_OK(uv_signal_stop(victim));
}

static void close_other_cb(uv_signal_t* handle, int signum) {
  (void) handle;
  (void) signum;
  calls++;
  uv_close((uv_handle_t*) victim, on_close);
}
#endif

/* A callback may close its own handle: the rest of what the handle was
 * owed is dropped, and the other handle on the signal keeps working. */
TEST(signal_close_in_callback) {
#ifdef _WIN32
  RETURN_SKIP("POSIX signals");
#else
  uv_loop_t loop;
  uv_signal_t a;
  uv_signal_t b;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_signal_init(&loop, &a));
  ASSERT_OK(uv_signal_init(&loop, &b));
  ASSERT_OK(uv_signal_start(&a, close_self_cb, SIGUSR1));
  ASSERT_OK(uv_signal_start(&b, count2_cb, SIGUSR1));
  calls = calls2 = close_cb_calls = 0;
  ASSERT_OK(raise(SIGUSR1));
  ASSERT_OK(raise(SIGUSR1));
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(calls, 1);
  ASSERT_EQ(calls2, 2);
  ASSERT_EQ(close_cb_calls, 1);
  ASSERT_OK(raise(SIGUSR1));
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(calls, 1);
  ASSERT_EQ(calls2, 3);
  close_loop_and_check(&loop);
  return 0;
#endif
}

/* A callback that stops or closes another handle on the same signal,
 * due in the same pass, keeps that handle's callback from running. */
TEST(signal_stop_other_in_callback) {
#ifdef _WIN32
  RETURN_SKIP("POSIX signals");
#else
  uv_loop_t loop;
  uv_signal_t a;
  uv_signal_t b;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_signal_init(&loop, &a));
  ASSERT_OK(uv_signal_init(&loop, &b));
  victim = &b;
  ASSERT_OK(uv_signal_start(&a, stop_other_cb, SIGUSR1));
  ASSERT_OK(uv_signal_start(&b, count2_cb, SIGUSR1));
  calls = calls2 = close_cb_calls = 0;
  ASSERT_OK(raise(SIGUSR1));
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(calls, 1);
  ASSERT_EQ(calls2, 0);
  ASSERT_EQ(uv_is_active((uv_handle_t*) &b), 0);

  /* Started again, b gets the next signal only. */
  ASSERT_OK(uv_signal_start(&b, count2_cb, SIGUSR1));
  ASSERT_OK(uv_signal_start(&a, close_other_cb, SIGUSR1));
  ASSERT_OK(raise(SIGUSR1));
  ASSERT_NE(uv_run(&loop, UV_RUN_NOWAIT), 0);
  ASSERT_EQ(calls, 2);
  ASSERT_EQ(calls2, 0);
  ASSERT_EQ(close_cb_calls, 1);
  close_loop_and_check(&loop);
  return 0;
#endif
}

/* An active handle keeps the loop alive, an unreferenced one does not. */
TEST(signal_ref_unref) {
#ifdef _WIN32
  RETURN_SKIP("POSIX signals");
#else
  uv_loop_t loop;
  uv_signal_t sig;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_signal_init(&loop, &sig));
  ASSERT_EQ(uv_loop_alive(&loop), 0);
  ASSERT_OK(uv_signal_start(&sig, count_cb, SIGUSR1));
  ASSERT_EQ(uv_loop_alive(&loop), 1);
  uv_unref((uv_handle_t*) &sig);
  ASSERT_EQ(uv_loop_alive(&loop), 0);
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);  /* returns at once */
  ASSERT_EQ(uv_is_active((uv_handle_t*) &sig), 1);
  uv_ref((uv_handle_t*) &sig);
  ASSERT_EQ(uv_loop_alive(&loop), 1);
  ASSERT_OK(uv_signal_stop(&sig));
  ASSERT_EQ(uv_loop_alive(&loop), 0);
  close_loop_and_check(&loop);
  return 0;
#endif
}

/* The process module watches SIGCHLD with an internal, unreferenced handle
 * per loop; a program's own SIGCHLD handle must work beside it. */
TEST(signal_sigchld_two_handles) {
#ifdef _WIN32
  RETURN_SKIP("POSIX signals");
#else
  uv_loop_t loop;
  uv_signal_t user;
  uv_signal_t quiet;
  int status;
  pid_t pid;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_signal_init(&loop, &user));
  ASSERT_OK(uv_signal_init(&loop, &quiet));
  ASSERT_OK(uv_signal_start(&quiet, count2_cb, SIGCHLD));
  uv_unref((uv_handle_t*) &quiet);
  ASSERT_OK(uv_signal_start(&user, stop_cb, SIGCHLD));
  calls = calls2 = 0;
  last_signum = 0;

  pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0)
    _exit(0);

  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(calls, 1);
  ASSERT_EQ(calls2, 1);
  ASSERT_EQ(last_signum, SIGCHLD);
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  ASSERT_EQ(uv_is_active((uv_handle_t*) &quiet), 1);
  close_loop_and_check(&loop);
  ASSERT_PTR_EQ((void*) get_disposition(SIGCHLD), (void*) SIG_DFL);
  return 0;
#endif
}

#ifndef _WIN32
static struct {
  uv_sem_t in_prepare;
  pthread_t loop_thread;
  int prepare_calls;
} wake;

static void wake_prepare_cb(uv_prepare_t* handle) {
  (void) handle;
  wake.prepare_calls++;
  uv_sem_post(&wake.in_prepare);
}

static void wake_cb(uv_signal_t* handle, int signum) {
  ASSERT(pthread_equal(pthread_self(), wake.loop_thread));
  calls++;
  if (calls == 2)  /* the first time, SIGUSR1 is blocked on purpose */
    assert_not_in_handler(signum);
  ASSERT_OK(uv_signal_stop(handle));
}

/* Waits until the loop is about to poll, then sends.  First to the
 * process while the loop thread blocks SIGUSR1 (the handler runs on this
 * thread and must wake the other), then to the loop thread itself. */
static void wake_sender(void* arg) {
  (void) arg;
  uv_sem_wait(&wake.in_prepare);
  ASSERT_OK(kill(getpid(), SIGUSR1));
  uv_sem_wait(&wake.in_prepare);
  ASSERT_OK(pthread_kill(wake.loop_thread, SIGUSR1));
}
#endif

/* A loop blocked in poll with nothing but a signal handle wakes up when
 * the signal arrives, whichever thread runs the handler. */
TEST(signal_wakes_poll) {
#ifdef _WIN32
  RETURN_SKIP("POSIX signals");
#else
  uv_loop_t loop;
  uv_signal_t sig;
  uv_prepare_t prepare;
  uv_thread_t tid;
  sigset_t set;
  sigset_t old;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_sem_init(&wake.in_prepare, 0));
  wake.loop_thread = pthread_self();
  ASSERT_OK(uv_prepare_init(&loop, &prepare));
  ASSERT_OK(uv_prepare_start(&prepare, wake_prepare_cb));
  uv_unref((uv_handle_t*) &prepare);
  ASSERT_OK(uv_signal_init(&loop, &sig));
  ASSERT_OK(uv_signal_start(&sig, wake_cb, SIGUSR1));
  ASSERT_OK(uv_thread_create(&tid, wake_sender, NULL));  /* unblocked */

  calls = 0;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  ASSERT_OK(pthread_sigmask(SIG_BLOCK, &set, &old));
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(calls, 1);
  ASSERT_OK(pthread_sigmask(SIG_SETMASK, &old, NULL));

  ASSERT_OK(uv_signal_start(&sig, wake_cb, SIGUSR1));
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(calls, 2);

  ASSERT_OK(uv_thread_join(&tid));
  uv_sem_destroy(&wake.in_prepare);
  close_loop_and_check(&loop);
  return 0;
#endif
}

/* A loop configured to block SIGPROF while it polls still delivers
 * SIGPROF to a signal handle. */
TEST(signal_block_sigprof_loop) {
#ifdef _WIN32
  RETURN_SKIP("POSIX signals");
#else
  uv_loop_t loop;
  uv_signal_t sig;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_loop_configure(&loop, UV_LOOP_BLOCK_SIGNAL, SIGPROF));
  ASSERT_OK(uv_signal_init(&loop, &sig));
  ASSERT_OK(uv_signal_start(&sig, stop_cb, SIGPROF));
  calls = 0;
  ASSERT_OK(raise(SIGPROF));
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(calls, 1);
  close_loop_and_check(&loop);
  return 0;
#endif
}

#ifndef _WIN32
/* The child's result as its exit status: 0 when all went well. */
static int fork_child_checks(uv_loop_t* loop, uv_signal_t* sig) {
  if (uv_loop_fork(loop) != 0)
    return 1;
  /* The parent's undispatched delivery is not the child's. */
  calls = 0;
  if (uv_run(loop, UV_RUN_NOWAIT) == 0 || calls != 0)
    return 2;
  if (raise(SIGUSR1) != 0)
    return 3;
  if (uv_run(loop, UV_RUN_DEFAULT) != 0 || calls != 1)
    return 4;
  uv_close((uv_handle_t*) sig, NULL);
  uv_run(loop, UV_RUN_DEFAULT);
  if (uv_loop_close(loop) != 0)
    return 5;
  return 0;
}
#endif

/* After fork() and uv_loop_fork(), signal handles work in the child; the
 * parent's keep working too. */
TEST(signal_loop_fork) {
#ifdef _WIN32
  RETURN_SKIP("fork() is POSIX");
#else
  uv_loop_t loop;
  uv_signal_t sig;
  int status;
  pid_t pid;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_signal_init(&loop, &sig));
  ASSERT_OK(uv_signal_start(&sig, stop_cb, SIGUSR1));
  calls = 0;
  ASSERT_OK(raise(SIGUSR1));  /* caught, not yet dispatched */

  pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0)
    _exit(fork_child_checks(&loop, &sig));

  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);

  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(calls, 1);
  ASSERT_OK(uv_signal_start(&sig, stop_cb, SIGUSR1));
  ASSERT_OK(raise(SIGUSR1));
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_EQ(calls, 2);
  close_loop_and_check(&loop);
  return 0;
#endif
}

#ifndef _WIN32
static int stress_done;
static int stress_worker_calls;

static void stress_worker_cb(uv_signal_t* handle, int signum) {
  (void) handle;
  (void) signum;
  __atomic_fetch_add(&stress_worker_calls, 1, __ATOMIC_SEQ_CST);
}

static void stress_worker(void* arg) {
  uv_loop_t loop;
  uv_signal_t sig[3];
  int i;
  int j;

  (void) arg;
  ASSERT_OK(uv_loop_init(&loop));
  for (j = 0; j < 3; j++)
    ASSERT_OK(uv_signal_init(&loop, &sig[j]));
  for (i = 0; i < 2000; i++) {
    j = i % 3;
    switch (i % 4) {
      case 0:
        ASSERT_OK(uv_signal_start(&sig[j], stress_worker_cb, SIGUSR1));
        break;
      case 1:
        ASSERT_OK(uv_signal_start(&sig[j], stress_worker_cb, SIGUSR2));
        break;
      case 2:
        ASSERT_OK(uv_signal_start_oneshot(&sig[j], stress_worker_cb, SIGUSR1));
        break;
      default:
        ASSERT_OK(uv_signal_stop(&sig[j]));
        break;
    }
    uv_run(&loop, UV_RUN_NOWAIT);
  }
  close_loop_and_check(&loop);
}

static void stress_sender(void* arg) {
  (void) arg;
  do {
    ASSERT_OK(kill(getpid(), SIGUSR1));
    ASSERT_OK(kill(getpid(), SIGUSR2));
  } while (!__atomic_load_n(&stress_done, __ATOMIC_SEQ_CST));
}

static void stress_cb(uv_signal_t* handle, int signum) {
  (void) signum;
  __atomic_fetch_add(&calls, 1, __ATOMIC_SEQ_CST);
  if (__atomic_load_n(&stress_done, __ATOMIC_SEQ_CST))
    uv_close((uv_handle_t*) handle, NULL);
}
#endif

/* Threads start, move and stop handles on their own loops while another
 * thread keeps sending signals: the registry must hold up (the main
 * loop's handles keep both signals caught, so none can kill us). */
TEST(signal_stress_start_stop) {
#ifdef _WIN32
  RETURN_SKIP("POSIX signals");
#else
  uv_loop_t loop;
  uv_signal_t a;
  uv_signal_t b;
  uv_thread_t workers[2];
  uv_thread_t sender;
  int i;

  if (test_under_valgrind())
    RETURN_SKIP("valgrind: its signal delivery cannot keep up with a "
                "thread sending signals in a loop (no progress in minutes, "
                "with --fair-sched=yes too)");
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_signal_init(&loop, &a));
  ASSERT_OK(uv_signal_init(&loop, &b));
  ASSERT_OK(uv_signal_start(&a, stress_cb, SIGUSR1));
  ASSERT_OK(uv_signal_start(&b, stress_cb, SIGUSR2));
  calls = 0;
  stress_done = 0;
  ASSERT_OK(uv_thread_create(&sender, stress_sender, NULL));
  for (i = 0; i < 2; i++)
    ASSERT_OK(uv_thread_create(&workers[i], stress_worker, NULL));
  for (i = 0; i < 2; i++)
    ASSERT_OK(uv_thread_join(&workers[i]));
  __atomic_store_n(&stress_done, 1, __ATOMIC_SEQ_CST);
  ASSERT_OK(uv_thread_join(&sender));
  /* The last signals sent are still owed: they close the handles. */
  ASSERT_EQ(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ASSERT_GE(calls, 2);
  ASSERT_OK(uv_loop_close(&loop));
  return 0;
#endif
}
