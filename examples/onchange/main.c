/* onchange: runs a command whenever one of the watched files changes.
 *
 *   onchange [-n RUNS] COMMAND FILE...
 *
 * Each file gets a uv_fs_event_t.  A single save often shows up as several
 * events (a write, then a change of attributes...), so events are
 * gathered for 50 ms by a timer and then the command runs once, through
 * "/bin/sh -c COMMAND onchange CHANGED-FILE...", so the command sees the
 * changed files as "$@".  Changes that arrive while the command runs
 * start another run after it.  With -n the program stops after RUNS runs;
 * otherwise SIGINT or SIGTERM stop it.  Exit status 0 unless something
 * failed.
 */
#include "common.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SETTLE_MS 50

typedef struct {
  uv_fs_event_t event;
  const char* path;
  int changed;
} watch_t;

static uv_loop_t* loop;
static const char* command;
static watch_t* watches;
static int nwatches;
static uv_timer_t settle;
static uv_signal_t sigint, sigterm;
static uv_process_t child;
static int child_running;
static long runs_left = -1;  /* -1: no limit */
static int status;

static void run_command(void);

static void stop_all(void) {
  int i;

  for (i = 0; i < nwatches; i++)
    uv_close((uv_handle_t*) &watches[i].event, NULL);
  uv_close((uv_handle_t*) &settle, NULL);
  uv_close((uv_handle_t*) &sigint, NULL);
  uv_close((uv_handle_t*) &sigterm, NULL);
}

static void on_child_exit(uv_process_t* proc, int64_t exit_status,
                          int term_signal) {
  printf("command exit status %lld, signal %d\n",
         (long long) exit_status, term_signal);
  fflush(stdout);
  uv_close((uv_handle_t*) proc, NULL);
  child_running = 0;
  if (runs_left > 0 && --runs_left == 0)
    return stop_all();
  if (!uv_is_active((uv_handle_t*) &settle))
    run_command();  /* changes that came during the run, if any */
}

static void run_command(void) {
  uv_process_options_t options;
  uv_stdio_container_t stdio[3];
  char** args;
  int i, n = 0, r;

  args = calloc((size_t) nwatches + 5, sizeof(*args));
  if (args == NULL)
    check(UV_ENOMEM, "calloc");
  args[n++] = "/bin/sh";
  args[n++] = "-c";
  args[n++] = (char*) command;
  args[n++] = "onchange";
  for (i = 0; i < nwatches; i++) {
    if (watches[i].changed) {
      args[n++] = (char*) watches[i].path;
      watches[i].changed = 0;
    }
  }
  if (n == 4) {  /* nothing changed since the last run */
    free(args);
    return;
  }
  memset(&options, 0, sizeof(options));
  for (i = 0; i < 3; i++) {
    stdio[i].flags = UV_INHERIT_FD;
    stdio[i].data.fd = i;
  }
  options.file = args[0];
  options.args = args;
  options.stdio = stdio;
  options.stdio_count = 3;
  options.exit_cb = on_child_exit;
  r = uv_spawn(loop, &child, &options);
  free(args);  /* uv_spawn copied what it needs */
  if (r != 0) {
    report(r, "uv_spawn /bin/sh");
    status = 1;
    return stop_all();
  }
  child_running = 1;
}

static void on_settled(uv_timer_t* timer) {
  (void) timer;
  if (!child_running)
    run_command();
}

static void on_change(uv_fs_event_t* event, const char* filename, int events,
                      int err) {
  watch_t* w = event->data;

  (void) filename;
  if (err != 0) {
    report(err, w->path);
    return;
  }
  printf("%s: %s%s\n", w->path,
         (events & UV_RENAME) ? "renamed " : "",
         (events & UV_CHANGE) ? "changed" : "");
  fflush(stdout);
  w->changed = 1;
  /* (Re)starting the timer gathers a burst of events into one run. */
  check(uv_timer_start(&settle, on_settled, SETTLE_MS, 0), "uv_timer_start");
}

static void on_signal(uv_signal_t* handle, int signum) {
  (void) handle;
  printf("signal %d: stopping\n", signum);
  if (child_running) {
    /* Its exit callback still runs and closes the handle. */
    int r = uv_process_kill(&child, SIGTERM);
    if (r != 0 && r != UV_ESRCH)  /* ESRCH: it has just exited */
      report(r, "uv_process_kill");
  }
  stop_all();
}

int main(int argc, char** argv) {
  int i, first = 1;

  set_program_name(argv[0]);
  if (argc > 2 && strcmp(argv[1], "-n") == 0) {
    runs_left = strtol(argv[2], NULL, 10);
    first = 3;
  }
  if (argc - first < 2 || runs_left == 0) {
    fprintf(stderr, "usage: onchange [-n RUNS>0] COMMAND FILE...\n");
    return 2;
  }
  command = argv[first];
  nwatches = argc - first - 1;
  watches = calloc((size_t) nwatches, sizeof(*watches));
  if (watches == NULL)
    check(UV_ENOMEM, "calloc");

  loop = uv_default_loop();
  check(uv_timer_init(loop, &settle), "uv_timer_init");
  check(uv_signal_init(loop, &sigint), "uv_signal_init");
  check(uv_signal_start(&sigint, on_signal, SIGINT), "uv_signal_start");
  check(uv_signal_init(loop, &sigterm), "uv_signal_init");
  check(uv_signal_start(&sigterm, on_signal, SIGTERM), "uv_signal_start");
  for (i = 0; i < nwatches; i++) {
    watches[i].path = argv[first + 1 + i];
    watches[i].event.data = &watches[i];
    check(uv_fs_event_init(loop, &watches[i].event), "uv_fs_event_init");
    check(uv_fs_event_start(&watches[i].event, on_change, watches[i].path, 0),
          watches[i].path);
  }
  printf("watching %d files\n", nwatches);
  fflush(stdout);

  check(uv_run(loop, UV_RUN_DEFAULT), "uv_run");
  check(uv_loop_close(loop), "uv_loop_close");
  free(watches);
  return status;
}
