/* Tests of fs event handles: directory and file watches, recursive trees
 * (uvcore's extension on Linux), many handles on one path, callbacks that
 * stop, restart or close handles, getpath, error paths, the inotify limits
 * and queue overflow.
 *
 * File system changes are made synchronously after the handle started, so
 * the kernel has queued the events before the loop runs; a deadline timer
 * bounds every wait. */
#define _GNU_SOURCE
#include "test-fs.h"

#include <sys/time.h>
#if defined(__linux__)
# include <dirent.h>
# include <sys/inotify.h>
# include <sys/resource.h>
# include <sys/wait.h>
#endif

#define LOG_MAX 512

struct ev {
  uv_fs_event_t* h;
  char name[PATH_MAX];
  int events;
  int status;
};

static struct ev evlog[LOG_MAX];
static int nev;

static void log_cb(uv_fs_event_t* h, const char* name, int events,
                   int status) {
  struct ev* e;

  if (nev == LOG_MAX)
    nev--;  /* full: the last entry is overwritten */
  e = &evlog[nev++];
  e->h = h;
  snprintf(e->name, sizeof(e->name), "%s", name != NULL ? name : "(null)");
  e->events = events;
  e->status = status;
}

/* Callbacks of h (any handle when NULL) for name with any of `events`. */
static int seen(uv_fs_event_t* h, const char* name, int events) {
  int i;
  int n;

  n = 0;
  for (i = 0; i < nev; i++)
    if ((h == NULL || evlog[i].h == h) &&
        strcmp(evlog[i].name, name) == 0 && (evlog[i].events & events) &&
        evlog[i].status == 0)
      n++;
  return n;
}

static int timed_out;

static void deadline_cb(uv_timer_t* t) {
  (void) t;
  timed_out = 1;
}

static void timer_closed_cb(uv_handle_t* t) {
  *(int*) t->data = 1;
}

/* The timer lives on the caller's stack: wait until it is closed. */
static void close_timer(uv_loop_t* loop, uv_timer_t* t) {
  int closed;

  closed = 0;
  t->data = &closed;
  uv_close((uv_handle_t*) t, timer_closed_cb);
  while (!closed)
    uv_run(loop, UV_RUN_NOWAIT);
}

/* Runs the loop until `h` saw `name` with one of `events`, for at most 5 s
 * (a failure, not a wait: the events are already queued). */
static void run_until_seen(uv_loop_t* loop, uv_fs_event_t* h,
                           const char* name, int events) {
  uv_timer_t deadline;

  timed_out = 0;
  ASSERT_OK(uv_timer_init(loop, &deadline));
  ASSERT_OK(uv_timer_start(&deadline, deadline_cb, 5000, 0));
  while (!seen(h, name, events) && !timed_out)
    uv_run(loop, UV_RUN_ONCE);
  if (timed_out)
    fprintf(stderr, "never saw %s\n", name);
  ASSERT_EQ(timed_out, 0);
  close_timer(loop, &deadline);
}

static void touch(const fs_scratch_t* s, const char* name, const char* data) {
  char path[PATH_MAX];

  fs_put(fs_path(s, path, name), data, strlen(data));
}

static void mkdir_in(const fs_scratch_t* s, const char* name) {
  char path[PATH_MAX];

  ASSERT_OK(mkdir(fs_path(s, path, name), 0755));
}

TEST(fs_event_errors) {
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_event_t h;
  uv_timer_t timer;
  char missing[PATH_MAX];
  char buf[PATH_MAX];
  size_t size;

  fs_scratch_init(&s);
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_EQ(uv_fs_event_init(NULL, &h), UV_EINVAL);
  ASSERT_EQ(uv_fs_event_init(&loop, NULL), UV_EINVAL);
  ASSERT_OK(uv_fs_event_init(&loop, &h));
  ASSERT_EQ(uv_is_active((uv_handle_t*) &h), 0);

  ASSERT_EQ(uv_fs_event_start(NULL, log_cb, s.dir, 0), UV_EINVAL);
  ASSERT_EQ(uv_fs_event_start(&h, log_cb, NULL, 0), UV_EINVAL);
  ASSERT_EQ(uv_fs_event_start(&h, NULL, s.dir, 0), UV_EINVAL);
  ASSERT_OK(uv_timer_init(&loop, &timer));
  ASSERT_EQ(uv_fs_event_start((uv_fs_event_t*) &timer, log_cb, s.dir, 0),
            UV_EINVAL);
  ASSERT_EQ(uv_fs_event_stop(NULL), UV_EINVAL);

  /* Nothing to watch: UV_ENOENT, and the handle stays stopped. */
  ASSERT_EQ(uv_fs_event_start(&h, log_cb, fs_path(&s, missing, "nope"), 0),
            UV_ENOENT);
  ASSERT_EQ(uv_fs_event_start(&h, log_cb, missing, UV_FS_EVENT_RECURSIVE),
            UV_ENOENT);
  ASSERT_EQ(uv_is_active((uv_handle_t*) &h), 0);
  ASSERT_EQ(uv_fs_event_start(&h, log_cb, "", 0), UV_ENOENT);

  /* getpath of a stopped handle. */
  size = sizeof(buf);
  ASSERT_EQ(uv_fs_event_getpath(&h, buf, &size), UV_EINVAL);
  ASSERT_EQ(size, 0);
  ASSERT_EQ(uv_fs_event_getpath(NULL, buf, &size), UV_EINVAL);
  ASSERT_OK(uv_fs_event_stop(&h));  /* not active: fine */

  ASSERT_OK(uv_fs_event_start(&h, log_cb, s.dir, 0));
  ASSERT_EQ(uv_is_active((uv_handle_t*) &h), 1);
  ASSERT_EQ(uv_fs_event_start(&h, log_cb, s.dir, 0), UV_EINVAL);

  /* getpath: too short says how much is needed, NUL included. */
  size = strlen(s.dir);
  ASSERT_EQ(uv_fs_event_getpath(&h, buf, &size), UV_ENOBUFS);
  ASSERT_EQ(size, strlen(s.dir) + 1);
  ASSERT_OK(uv_fs_event_getpath(&h, buf, &size));
  ASSERT_EQ(size, strlen(s.dir));
  ASSERT_STR_EQ(buf, s.dir);
  ASSERT_EQ(uv_fs_event_getpath(&h, NULL, &size), UV_EINVAL);
  ASSERT_EQ(uv_fs_event_getpath(&h, buf, NULL), UV_EINVAL);

#if defined(__linux__)
  {
    /* The loop's inotify descriptor: close-on-exec and non-blocking. */
    char link[300];
    char target[64];
    struct dirent* d;
    DIR* dir;
    ssize_t n;
    int found;
    int fd;

    found = 0;
    dir = opendir("/proc/self/fd");
    ASSERT_NOT_NULL(dir);
    while ((d = readdir(dir)) != NULL) {
      fd = atoi(d->d_name);
      snprintf(link, sizeof(link), "/proc/self/fd/%s", d->d_name);
      n = readlink(link, target, sizeof(target) - 1);
      if (n <= 0)
        continue;
      target[n] = '\0';
      if (strcmp(target, "anon_inode:inotify") != 0)
        continue;
      found++;
      ASSERT(fs_is_cloexec(fd));
      ASSERT(fcntl(fd, F_GETFL) & O_NONBLOCK);
    }
    closedir(dir);
    ASSERT_EQ(found, 1);
  }
#endif

  ASSERT_OK(uv_fs_event_stop(&h));
  ASSERT_EQ(uv_is_active((uv_handle_t*) &h), 0);
  size = sizeof(buf);
  ASSERT_EQ(uv_fs_event_getpath(&h, buf, &size), UV_EINVAL);
  close_loop_and_check(&loop);
  fs_scratch_done(&s);
  return 0;
}

TEST(fs_event_directory) {
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_event_t h;
  char a[PATH_MAX];
  char b[PATH_MAX];

#if !defined(__linux__)
  RETURN_SKIP("fs events are implemented on Linux only");
#endif
  fs_scratch_init(&s);
  touch(&s, "old.txt", "x");
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_fs_event_init(&loop, &h));
  nev = 0;
  ASSERT_OK(uv_fs_event_start(&h, log_cb, s.dir, 0));

  touch(&s, "new.txt", "");
  run_until_seen(&loop, &h, "new.txt", UV_RENAME);
  touch(&s, "old.txt", "changed");
  run_until_seen(&loop, &h, "old.txt", UV_CHANGE);
  ASSERT_OK(rename(fs_path(&s, a, "old.txt"), fs_path(&s, b, "moved.txt")));
  run_until_seen(&loop, &h, "moved.txt", UV_RENAME);
  ASSERT_GE(seen(&h, "old.txt", UV_RENAME), 1);
  ASSERT_OK(unlink(b));
  nev = 0;
  run_until_seen(&loop, &h, "moved.txt", UV_RENAME);
  mkdir_in(&s, "sub");
  run_until_seen(&loop, &h, "sub", UV_RENAME);
  /* Not recursive: a change inside "sub" is not ours. */
  touch(&s, "sub/inner.txt", "");
  touch(&s, "marker", "");
  run_until_seen(&loop, &h, "marker", UV_RENAME);
  ASSERT_EQ(seen(&h, "sub/inner.txt", UV_RENAME | UV_CHANGE), 0);
  ASSERT_EQ(seen(&h, "inner.txt", UV_RENAME | UV_CHANGE), 0);

  close_loop_and_check(&loop);
  fs_scratch_done(&s);
  return 0;
}

TEST(fs_event_file) {
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_event_t h;
  uv_fs_event_t h2;
  char path[PATH_MAX];
  char moved[PATH_MAX];

#if !defined(__linux__)
  RETURN_SKIP("fs events are implemented on Linux only");
#endif
  fs_scratch_init(&s);
  touch(&s, "watched.txt", "1");
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_fs_event_init(&loop, &h));
  ASSERT_OK(uv_fs_event_init(&loop, &h2));
  nev = 0;
  ASSERT_OK(uv_fs_event_start(&h, log_cb, fs_path(&s, path, "watched.txt"),
                              0));

  /* Events on a watched file carry its base name. */
  touch(&s, "watched.txt", "22");
  run_until_seen(&loop, &h, "watched.txt", UV_CHANGE);
  ASSERT_OK(rename(path, fs_path(&s, moved, "elsewhere.txt")));
  run_until_seen(&loop, &h, "watched.txt", UV_RENAME);
  /* The watch follows the inode. */
  nev = 0;
  fs_put(moved, "333", 3);
  run_until_seen(&loop, &h, "watched.txt", UV_CHANGE);

  /* Deleted: one UV_RENAME, then the kernel drops the watch.  The handle
   * stays active, as in libuv, and a new watch of a new file works. */
  nev = 0;
  ASSERT_OK(unlink(moved));
  run_until_seen(&loop, &h, "watched.txt", UV_RENAME);
  touch(&s, "watched.txt", "new");
  ASSERT_OK(uv_fs_event_start(&h2, log_cb, path, 0));
  touch(&s, "watched.txt", "newer");
  run_until_seen(&loop, &h2, "watched.txt", UV_CHANGE);
  ASSERT_EQ(uv_is_active((uv_handle_t*) &h), 1);
  ASSERT_OK(uv_fs_event_stop(&h));

  close_loop_and_check(&loop);
  fs_scratch_done(&s);
  return 0;
}

/* A watched file deleted: IN_ATTRIB (its link count), IN_DELETE_SELF and
 * IN_IGNORED, which libuv reports as UV_CHANGE, UV_RENAME and UV_RENAME
 * (every bit but IN_ATTRIB and IN_MODIFY counts as a rename there). luv's
 * users see the same three callbacks on both libraries. */
TEST(fs_event_file_deleted_callbacks) {
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_event_t h;
  uv_timer_t deadline;
  char path[PATH_MAX];
  int i;

#if !defined(__linux__)
  RETURN_SKIP("fs events are implemented on Linux only");
#endif
  fs_scratch_init(&s);
  touch(&s, "doomed.txt", "1");
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_fs_event_init(&loop, &h));
  nev = 0;
  ASSERT_OK(uv_fs_event_start(&h, log_cb, fs_path(&s, path, "doomed.txt"),
                              0));
  ASSERT_OK(unlink(path));  /* all three events are queued by now */

  timed_out = 0;
  ASSERT_OK(uv_timer_init(&loop, &deadline));
  ASSERT_OK(uv_timer_start(&deadline, deadline_cb, 5000, 0));
  while (seen(&h, "doomed.txt", UV_RENAME) < 2 && !timed_out)
    uv_run(&loop, UV_RUN_ONCE);
  ASSERT_EQ(timed_out, 0);
  close_timer(&loop, &deadline);
  for (i = 0; i < 3; i++)
    uv_run(&loop, UV_RUN_NOWAIT);

  ASSERT_EQ(nev, 3);
  ASSERT_EQ(evlog[0].events, UV_CHANGE);
  ASSERT_EQ(evlog[1].events, UV_RENAME);
  ASSERT_EQ(evlog[2].events, UV_RENAME);
  for (i = 0; i < nev; i++) {
    ASSERT_STR_EQ(evlog[i].name, "doomed.txt");
    ASSERT_OK(evlog[i].status);
  }
  /* The handle stays active, as in libuv, and stops cleanly. */
  ASSERT_EQ(uv_is_active((uv_handle_t*) &h), 1);
  ASSERT_OK(uv_fs_event_stop(&h));

  close_loop_and_check(&loop);
  fs_scratch_done(&s);
  return 0;
}

TEST(fs_event_recursive) {
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_event_t rec;
  uv_fs_event_t flat;
  char a[PATH_MAX];
  char b[PATH_MAX];
  int i;

#if !defined(__linux__)
  RETURN_SKIP("recursive fs events are a Linux extension of uvcore");
#endif
  fs_scratch_init(&s);
  mkdir_in(&s, "a");
  mkdir_in(&s, "a/b");
  mkdir_in(&s, "a/b/c");
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_fs_event_init(&loop, &rec));
  ASSERT_OK(uv_fs_event_init(&loop, &flat));
  nev = 0;
  ASSERT_OK(uv_fs_event_start(&rec, log_cb, s.dir, UV_FS_EVENT_RECURSIVE));
  /* Shares the watch of "a/b" with the recursive handle. */
  ASSERT_OK(uv_fs_event_start(&flat, log_cb, fs_path(&s, a, "a/b"), 0));

  /* Three levels down, named relative to the root. */
  touch(&s, "a/b/c/deep.txt", "x");
  run_until_seen(&loop, &rec, "a/b/c/deep.txt", UV_RENAME);
  touch(&s, "a/b/c/deep.txt", "xy");
  run_until_seen(&loop, &rec, "a/b/c/deep.txt", UV_CHANGE);
  touch(&s, "a/b/mid.txt", "");
  run_until_seen(&loop, &rec, "a/b/mid.txt", UV_RENAME);
  run_until_seen(&loop, &flat, "mid.txt", UV_RENAME);
  ASSERT_EQ(seen(&flat, "c/deep.txt", UV_RENAME | UV_CHANGE), 0);

  /* A directory made after the start is watched once it is seen. */
  mkdir_in(&s, "a/new");
  run_until_seen(&loop, &rec, "a/new", UV_RENAME);
  touch(&s, "a/new/later.txt", "");
  run_until_seen(&loop, &rec, "a/new/later.txt", UV_RENAME);

  /* A tree that fills up before its first directory is seen: the scan
   * reports what got there first. */
  mkdir_in(&s, "a/x");
  mkdir_in(&s, "a/x/y");
  mkdir_in(&s, "a/x/y/z");
  touch(&s, "a/x/y/z/early.txt", "");
  run_until_seen(&loop, &rec, "a/x/y/z/early.txt", UV_RENAME);
  touch(&s, "a/x/y/z/early.txt", "more");
  run_until_seen(&loop, &rec, "a/x/y/z/early.txt", UV_CHANGE);

  /* Moved in from outside the tree: watched too. */
  ASSERT_OK(mkdir("fs-event-outside", 0755));
  fs_put("fs-event-outside/f.txt", "", 0);
  ASSERT_OK(rename("fs-event-outside", fs_path(&s, b, "a/b/c/in")));
  run_until_seen(&loop, &rec, "a/b/c/in", UV_RENAME);
  touch(&s, "a/b/c/in/f.txt", "1");
  run_until_seen(&loop, &rec, "a/b/c/in/f.txt", UV_CHANGE);

  /* Moved out, and removed: their watches go, nothing more is heard. */
  nev = 0;
  ASSERT_OK(rename(fs_path(&s, a, "a/b/c/in"), "fs-event-outside"));
  run_until_seen(&loop, &rec, "a/b/c/in", UV_RENAME);
  fs_put("fs-event-outside/f.txt", "after", 5);
  ASSERT_OK(unlink("fs-event-outside/f.txt"));
  ASSERT_OK(rmdir("fs-event-outside"));
  ASSERT_OK(unlink(fs_path(&s, a, "a/new/later.txt")));
  ASSERT_OK(rmdir(fs_path(&s, a, "a/new")));
  run_until_seen(&loop, &rec, "a/new", UV_RENAME);
  mkdir_in(&s, "a/new");  /* the same name again, a new directory */
  touch(&s, "a/new/again.txt", "");
  run_until_seen(&loop, &rec, "a/new/again.txt", UV_RENAME);
  touch(&s, "marker", "");
  run_until_seen(&loop, &rec, "marker", UV_RENAME);
  for (i = 0; i < nev; i++) {
    if (evlog[i].h != &rec)
      continue;
    /* Names are relative and never name a path outside the tree. */
    ASSERT_NE(evlog[i].name[0], '/');
    ASSERT_NULL(strstr(evlog[i].name, "outside"));
    ASSERT_NULL(strstr(evlog[i].name, "in/f.txt"));
  }
  ASSERT_EQ(seen(&rec, "a/new/later.txt", UV_RENAME), 1);

  ASSERT_OK(uv_fs_event_stop(&rec));
  nev = 0;
  touch(&s, "a/b/c/deep.txt", "gone");
  touch(&s, "a/b/marker2", "");
  run_until_seen(&loop, &flat, "marker2", UV_RENAME);
  ASSERT_EQ(seen(&rec, "a/b/c/deep.txt", UV_CHANGE | UV_RENAME), 0);

  close_loop_and_check(&loop);
  fs_scratch_done(&s);
  return 0;
}

#define NHANDLES 10

static uv_fs_event_t many[NHANDLES];
static int many_calls[NHANDLES];

static void many_cb(uv_fs_event_t* h, const char* name, int events,
                    int status) {
  int i;

  (void) events;
  ASSERT_OK(status);
  i = (int) (h - many);
  if (strcmp(name, "one.txt") != 0)
    return;
  many_calls[i]++;
  /* The first handle closes itself and one that has not been called yet
   * for this event: the latter must not be called. */
  if (i == 0) {
    uv_close((uv_handle_t*) &many[0], NULL);
    uv_close((uv_handle_t*) &many[5], NULL);
  }
}

TEST(fs_event_shared_watch) {
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_event_t probe;
  int i;

#if !defined(__linux__)
  RETURN_SKIP("fs events are implemented on Linux only");
#endif
  fs_scratch_init(&s);
  ASSERT_OK(uv_loop_init(&loop));
  memset(many_calls, 0, sizeof(many_calls));
  for (i = 0; i < NHANDLES; i++) {
    ASSERT_OK(uv_fs_event_init(&loop, &many[i]));
    ASSERT_OK(uv_fs_event_start(&many[i], many_cb, s.dir, 0));
  }
  ASSERT_OK(uv_fs_event_init(&loop, &probe));
  nev = 0;
  ASSERT_OK(uv_fs_event_start(&probe, log_cb, s.dir, 0));

  touch(&s, "one.txt", "");
  run_until_seen(&loop, &probe, "one.txt", UV_RENAME);
  for (i = 0; i < NHANDLES; i++)
    ASSERT_EQ(many_calls[i], i == 5 ? 0 : 1);

  /* Stopping some of them leaves the kernel watch to the others. */
  ASSERT_OK(uv_fs_event_stop(&many[1]));
  ASSERT_OK(uv_fs_event_stop(&many[2]));
  ASSERT_OK(unlink(fs_path(&s, (char[PATH_MAX]){0}, "one.txt")));
  touch(&s, "marker", "");
  run_until_seen(&loop, &probe, "marker", UV_RENAME);
  ASSERT_EQ(many_calls[0], 1);
  ASSERT_EQ(many_calls[1], 1);
  ASSERT_EQ(many_calls[2], 1);
  ASSERT_EQ(many_calls[5], 0);
  for (i = 3; i < NHANDLES; i++)
    if (i != 5)
      ASSERT_EQ(many_calls[i], 2);

  /* ... and once all of them stopped, a new start still works. */
  for (i = 1; i < NHANDLES; i++)
    if (i != 5)
      ASSERT_OK(uv_fs_event_stop(&many[i]));
  ASSERT_OK(uv_fs_event_stop(&probe));
  ASSERT_OK(uv_fs_event_start(&probe, log_cb, s.dir, 0));
  touch(&s, "two.txt", "");
  run_until_seen(&loop, &probe, "two.txt", UV_RENAME);

  close_loop_and_check(&loop);
  fs_scratch_done(&s);
  return 0;
}

static int restart_calls;
static char restart_other[PATH_MAX];

static void restart_cb(uv_fs_event_t* h, const char* name, int events,
                       int status) {
  char path[PATH_MAX];
  size_t size;

  (void) events;
  ASSERT_OK(status);
  if (strcmp(name, "r.txt") != 0)
    return;
  restart_calls++;
  size = sizeof(path);
  ASSERT_OK(uv_fs_event_getpath(h, path, &size));
  /* Same path: the new subscription must not see this event again. */
  ASSERT_OK(uv_fs_event_stop(h));
  ASSERT_OK(uv_fs_event_start(h, restart_cb, path, 0));
  ASSERT_EQ(uv_fs_event_start(h, restart_cb, path, 0), UV_EINVAL);
  if (restart_calls == 2) {
    /* Another path, from inside the callback. */
    ASSERT_OK(uv_fs_event_stop(h));
    ASSERT_OK(uv_fs_event_start(h, log_cb, restart_other, 0));
  }
}

TEST(fs_event_restart_in_callback) {
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_event_t h;
  uv_fs_event_t probe;

#if !defined(__linux__)
  RETURN_SKIP("fs events are implemented on Linux only");
#endif
  fs_scratch_init(&s);
  mkdir_in(&s, "other");
  fs_path(&s, restart_other, "other");
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_fs_event_init(&loop, &h));
  ASSERT_OK(uv_fs_event_init(&loop, &probe));
  restart_calls = 0;
  nev = 0;
  ASSERT_OK(uv_fs_event_start(&h, restart_cb, s.dir, 0));
  ASSERT_OK(uv_fs_event_start(&probe, log_cb, s.dir, 0));

  touch(&s, "r.txt", "");
  run_until_seen(&loop, &probe, "r.txt", UV_RENAME);
  ASSERT_EQ(restart_calls, 1);
  ASSERT_OK(unlink(fs_path(&s, (char[PATH_MAX]){0}, "r.txt")));
  nev = 0;
  run_until_seen(&loop, &probe, "r.txt", UV_RENAME);
  ASSERT_EQ(restart_calls, 2);

  /* Now on "other". */
  touch(&s, "other/o.txt", "");
  run_until_seen(&loop, &h, "o.txt", UV_RENAME);
  ASSERT_EQ(restart_calls, 2);

  close_loop_and_check(&loop);
  fs_scratch_done(&s);
  return 0;
}

static void close_in_cb(uv_fs_event_t* h, const char* name, int events,
                        int status) {
  log_cb(h, name, events, status);
  uv_close((uv_handle_t*) h, NULL);
}

TEST(fs_event_close_in_callback) {
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_event_t h;

#if !defined(__linux__)
  RETURN_SKIP("fs events are implemented on Linux only");
#endif
  fs_scratch_init(&s);
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_fs_event_init(&loop, &h));
  nev = 0;
  ASSERT_OK(uv_fs_event_start(&h, close_in_cb, s.dir, UV_FS_EVENT_RECURSIVE));
  /* Several queued events, and a directory the recursive handle would
   * scan: after the close nothing more may reach it. */
  mkdir_in(&s, "d");
  touch(&s, "d/f", "");
  touch(&s, "g", "");
  ASSERT_OK(uv_run(&loop, UV_RUN_DEFAULT));
  ASSERT_EQ(nev, 1);
  ASSERT_STR_EQ(evlog[0].name, "d");
  ASSERT_OK(uv_loop_close(&loop));
  fs_scratch_done(&s);
  return 0;
}

#if defined(__linux__)
/* Counts the watches of the loop's inotify descriptor (fdinfo lines). */
static int count_inotify_watches(void) {
  char link[300];
  char target[64];
  char line[512];
  struct dirent* d;
  DIR* dir;
  FILE* f;
  ssize_t n;
  int count;

  count = 0;
  dir = opendir("/proc/self/fd");
  ASSERT_NOT_NULL(dir);
  while ((d = readdir(dir)) != NULL) {
    snprintf(link, sizeof(link), "/proc/self/fd/%s", d->d_name);
    n = readlink(link, target, sizeof(target) - 1);
    if (n <= 0)
      continue;
    target[n] = '\0';
    if (strcmp(target, "anon_inode:inotify") != 0)
      continue;
    snprintf(link, sizeof(link), "/proc/self/fdinfo/%s", d->d_name);
    f = fopen(link, "re");
    ASSERT_NOT_NULL(f);
    while (fgets(line, sizeof(line), f) != NULL)
      if (strncmp(line, "inotify wd:", 11) == 0)
        count++;
    fclose(f);
  }
  closedir(dir);
  return count;
}

/* In a child: hits the descriptor limit halfway through a recursive start
 * (one directory descriptor per level is open while scanning) and checks
 * that the start fails whole. */
static int limit_child(const char* root) {
  struct rlimit rl;
  uv_loop_t loop;
  uv_fs_event_t first;
  uv_fs_event_t tree;
  int fd;
  int err;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_fs_event_init(&loop, &first));
  ASSERT_OK(uv_fs_event_init(&loop, &tree));
  ASSERT_OK(uv_fs_event_start(&first, log_cb, root, 0));
  ASSERT_EQ(count_inotify_watches(), 1);

  /* Room for two more descriptors, and the tree is five deep. */
  fd = dup(0);
  ASSERT_GE(fd, 0);
  close(fd);
  rl.rlim_cur = (rlim_t) fd + 2;
  rl.rlim_max = (rlim_t) fd + 2;
  ASSERT_OK(setrlimit(RLIMIT_NOFILE, &rl));
  err = uv_fs_event_start(&tree, log_cb, root, UV_FS_EVENT_RECURSIVE);
  ASSERT_EQ(err, UV_EMFILE);
  ASSERT_EQ(uv_is_active((uv_handle_t*) &tree), 0);
  ASSERT_EQ(count_inotify_watches(), 1);
  /* The other handle is untouched. */
  ASSERT_EQ(uv_is_active((uv_handle_t*) &first), 1);
  close_loop_and_check(&loop);
  return 0;
}

/* In a child running as nobody: uses up the per-user inotify instances
 * (max_user_instances); a loop's first start then fails with UV_EMFILE. */
static int instances_child(const char* root) {
  uv_loop_t loop;
  uv_fs_event_t h;
  int fds[8192];
  int n;

  (void) root;
  ASSERT_OK(setgid(65534));
  ASSERT_OK(setuid(65534));
  for (n = 0; n < 8192; n++) {
    fds[n] = inotify_init1(IN_CLOEXEC);
    if (fds[n] == -1)
      break;
  }
  if (n == 8192 || errno != EMFILE)
    return 77;
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_fs_event_init(&loop, &h));
  /* "/": nobody may not be able to read the scratch directory's parents. */
  ASSERT_EQ(uv_fs_event_start(&h, log_cb, "/", 0), UV_EMFILE);
  ASSERT_EQ(uv_is_active((uv_handle_t*) &h), 0);
  close(fds[--n]);
  ASSERT_OK(uv_fs_event_start(&h, log_cb, "/", 0));
  while (n > 0)
    close(fds[--n]);
  close_loop_and_check(&loop);
  return 0;
}

static int run_child(int (*fn)(const char*), const char* arg) {
  int status;
  pid_t pid;

  pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0)
    _exit(fn(arg));
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT(WIFEXITED(status));
  return WEXITSTATUS(status);
}
#endif

TEST(fs_event_limits) {
#if !defined(__linux__)
  RETURN_SKIP("inotify limits are Linux's");
#else
  fs_scratch_t s;
  int r;

  if (test_under_valgrind())
    RETURN_SKIP("valgrind: it emulates RLIMIT_NOFILE and refuses to change "
                "the hard limit");
  fs_scratch_init(&s);
  mkdir_in(&s, "1");
  mkdir_in(&s, "1/2");
  mkdir_in(&s, "1/2/3");
  mkdir_in(&s, "1/2/3/4");
  mkdir_in(&s, "1/2/3/4/5");
  ASSERT_EQ(run_child(limit_child, s.dir), 0);

  if (geteuid() == 0) {
    r = run_child(instances_child, s.dir);
    ASSERT(r == 0 || r == 77);
    if (r == 77)
      printf("# per-user instance limit too high to reach; not checked\n");
  }
  fs_scratch_done(&s);
  return 0;
#endif
}

static int overflows;

static void overflow_cb(uv_fs_event_t* h, const char* name, int events,
                        int status) {
  (void) h;
  ASSERT_OK(status);
  if (name == NULL) {
    ASSERT_EQ(events, UV_RENAME | UV_CHANGE);
    overflows++;
  }
}

TEST(fs_event_overflow) {
#if !defined(__linux__)
  RETURN_SKIP("inotify queue overflow is Linux's");
#else
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_event_t h;
  uv_timer_t deadline;
  char a[PATH_MAX];
  char b[PATH_MAX];
  long max;
  long i;
  FILE* f;

  f = fopen("/proc/sys/fs/inotify/max_queued_events", "re");
  if (f == NULL)
    RETURN_SKIP("no /proc/sys/fs/inotify/max_queued_events");
  ASSERT_EQ(fscanf(f, "%ld", &max), 1);
  fclose(f);
  if (max > 200000)
    RETURN_SKIP("max_queued_events too large to overflow quickly");

  fs_scratch_init(&s);
  touch(&s, "a", "");
  touch(&s, "b", "");
  fs_path(&s, a, "a");
  fs_path(&s, b, "b");
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_fs_event_init(&loop, &h));
  nev = 0;
  ASSERT_OK(uv_fs_event_start(&h, overflow_cb, s.dir,
                              UV_FS_EVENT_RECURSIVE));
  /* Alternating names: the kernel merges only identical neighbours. */
  for (i = 0; i <= max; i++)
    ASSERT_OK(utimes(i & 1 ? a : b, NULL));
  overflows = 0;
  timed_out = 0;
  ASSERT_OK(uv_timer_init(&loop, &deadline));
  ASSERT_OK(uv_timer_start(&deadline, deadline_cb, 10000, 0));
  while (overflows == 0 && !timed_out)
    uv_run(&loop, UV_RUN_ONCE);
  ASSERT_EQ(timed_out, 0);
  ASSERT_EQ(overflows, 1);
  /* Still working afterwards. */
  ASSERT_OK(uv_fs_event_stop(&h));
  nev = 0;
  ASSERT_OK(uv_fs_event_start(&h, log_cb, s.dir, UV_FS_EVENT_RECURSIVE));
  touch(&s, "after", "");
  run_until_seen(&loop, &h, "after", UV_RENAME);
  close_loop_and_check(&loop);
  fs_scratch_done(&s);
  return 0;
#endif
}

#if defined(__linux__)
/* In a forked child: after uv_loop_fork() the watches work through the
 * child's own inotify descriptor. */
static uv_loop_t* fork_loop;
static uv_fs_event_t* fork_handle;

static int fork_child(const char* dir) {
  uv_loop_t* loop;
  uv_fs_event_t* h;
  char path[PATH_MAX];

  loop = fork_loop;
  h = fork_handle;
  ASSERT_OK(uv_loop_fork(loop));
  nev = 0;
  snprintf(path, sizeof(path), "%s/child.txt", dir);
  fs_put(path, "", 0);
  run_until_seen(loop, h, "child.txt", UV_RENAME);
  close_loop_and_check(loop);
  return 0;
}
#endif

TEST(fs_event_fork) {
#if !defined(__linux__)
  RETURN_SKIP("fs events are implemented on Linux only");
#else
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_event_t h;

  fs_scratch_init(&s);
  ASSERT_OK(uv_loop_init(&loop));
  ASSERT_OK(uv_fs_event_init(&loop, &h));
  nev = 0;
  ASSERT_OK(uv_fs_event_start(&h, log_cb, s.dir, UV_FS_EVENT_RECURSIVE));
  fork_loop = &loop;
  fork_handle = &h;
  ASSERT_EQ(run_child(fork_child, s.dir), 0);
  /* Had the child read from the descriptor it inherited, it would have
   * taken this event from the parent's queue. */
  run_until_seen(&loop, &h, "child.txt", UV_RENAME);
  touch(&s, "parent.txt", "");
  run_until_seen(&loop, &h, "parent.txt", UV_RENAME);
  close_loop_and_check(&loop);
  fs_scratch_done(&s);
  return 0;
#endif
}
