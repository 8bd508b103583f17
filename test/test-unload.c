/* A program that loads a module linked to uvcore (as Lua, Python and Node
 * load bindings), runs thread-pool work and unloads it must not keep pool
 * threads running code that is being unmapped: the library shuts itself
 * down when it is unloaded, as libuv does.  The shared library is loaded
 * by path (UVCORE_SHARED_LIB, set by CMake) so this process holds a
 * private copy of it besides the static one it links. */

#include "task.h"

#include <dirent.h>
#include <dlfcn.h>
#include <string.h>

typedef int (*loop_init_fn)(uv_loop_t*);
typedef int (*loop_close_fn)(uv_loop_t*);
typedef int (*run_fn)(uv_loop_t*, uv_run_mode);
typedef int (*queue_work_fn)(uv_loop_t*, uv_work_t*, uv_work_cb,
                             uv_after_work_cb);

static int unload_work_runs;
static int unload_after_runs;

static void unload_work_cb(uv_work_t* req) {
  (void) req;
  __atomic_fetch_add(&unload_work_runs, 1, __ATOMIC_RELAXED);
}

static void unload_after_cb(uv_work_t* req, int status) {
  (void) req;
  ASSERT_OK(status);
  unload_after_runs++;
}

static int count_threads(void) {
  struct dirent* e;
  DIR* d;
  int n;

  test_sanitizer_threads_settle();
  d = opendir("/proc/self/task");
  ASSERT_NOT_NULL(d);
  n = 0;
  while ((e = readdir(d)) != NULL)
    if (e->d_name[0] != '.')
      n++;
  closedir(d);
  return n;
}

TEST(library_unload_stops_pool) {
#if !defined(UVCORE_SHARED_LIB) || !defined(__linux__)
  RETURN_SKIP("no shared library in this build");
#else
  uv_work_t reqs[8];
  uv_loop_t loop;
  void* lib;
  int round;
  int base;
  int i;

  ASSERT_OK(setenv("UV_THREADPOOL_SIZE", "4", 1));
  base = count_threads();  /* 1, or 2 with a sanitizer's own thread */
  for (round = 0; round < 20; round++) {
    loop_init_fn loop_init;
    loop_close_fn loop_close;
    run_fn run;
    queue_work_fn queue_work;

    lib = dlopen(UVCORE_SHARED_LIB, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NOT_NULL(lib);
    loop_init = (loop_init_fn) dlsym(lib, "uv_loop_init");
    loop_close = (loop_close_fn) dlsym(lib, "uv_loop_close");
    run = (run_fn) dlsym(lib, "uv_run");
    queue_work = (queue_work_fn) dlsym(lib, "uv_queue_work");
    ASSERT_NOT_NULL(loop_init);
    ASSERT_NOT_NULL(loop_close);
    ASSERT_NOT_NULL(run);
    ASSERT_NOT_NULL(queue_work);

    ASSERT_OK(loop_init(&loop));
    for (i = 0; i < 8; i++)
      ASSERT_OK(queue_work(&loop, &reqs[i], unload_work_cb, unload_after_cb));
    ASSERT_OK(run(&loop, UV_RUN_DEFAULT));
    ASSERT_OK(loop_close(&loop));
    ASSERT_GT(count_threads(), base);  /* the copy's pool is running */

    ASSERT_OK(dlclose(lib));
    /* Really unloaded, and its pool threads are gone with it. */
    ASSERT_NULL(dlopen(UVCORE_SHARED_LIB, RTLD_NOW | RTLD_NOLOAD));
    /* Joined threads can linger in /proc for a moment after the join
     * (the kernel releases the task after it wakes the joiner): wait a
     * bounded time for them to go. */
    for (i = 0; i < 200 && count_threads() != base; i++)
      uv_sleep(10);
    ASSERT_EQ(count_threads(), base);
  }
  ASSERT_EQ(unload_work_runs, 20 * 8);
  ASSERT_EQ(unload_after_runs, 20 * 8);
  return 0;
#endif
}
